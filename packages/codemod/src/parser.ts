// Which parser reads which file: `ts` for .ts/.mts/.cts (the tsx parser breaks on `<T>x` casts),
// `tsx` for everything else, and declarations on for .d.ts. recast prints only what changed.
import jscodeshift, { type JSCodeshift, type Parser } from "jscodeshift";
import { parse as babelParse, type ParserOptions, type ParserPlugin } from "@babel/parser";

/** The Babel options jscodeshift's own ts/tsx parsers use, so recast sees the same tokens. */
const BASE_PLUGINS: ParserPlugin[] = [
  "asyncGenerators",
  "decoratorAutoAccessors",
  "bigInt",
  "classPrivateMethods",
  "classPrivateProperties",
  "classProperties",
  "decorators-legacy",
  "doExpressions",
  "dynamicImport",
  "exportDefaultFrom",
  "functionBind",
  "functionSent",
  "importAttributes",
  "importMeta",
  "nullishCoalescingOperator",
  "numericSeparator",
  "objectRestSpread",
  "optionalCatchBinding",
  "optionalChaining",
  ["pipelineOperator", { proposal: "minimal" }],
  "throwExpressions",
];

export type ParserName = "ts" | "tsx" | "dts";

function babelOptions(kind: ParserName): ParserOptions {
  const typescript: ParserPlugin = kind === "dts" ? ["typescript", { dts: true }] : "typescript";
  return {
    sourceType: "module",
    allowImportExportEverywhere: true,
    allowReturnOutsideFunction: true,
    startLine: 1,
    tokens: true,
    plugins: [...(kind === "tsx" ? (["jsx"] as ParserPlugin[]) : []), ...BASE_PLUGINS, typescript],
  };
}

function parserFor(kind: ParserName): Parser {
  const options = babelOptions(kind);
  return { parse: (code: string) => babelParse(code, options) };
}

const bound = new Map<ParserName, JSCodeshift>();

export function parserNameFor(file: string): ParserName {
  if (/\.d\.[cm]?ts$/.test(file)) return "dts";
  if (/\.[cm]?ts$/.test(file)) return "ts";
  return "tsx";
}

/** jscodeshift bound to the parser a file needs (cached: binding is not free). */
export function jscodeshiftFor(file: string): JSCodeshift {
  const kind = parserNameFor(file);
  let j = bound.get(kind);
  if (!j) {
    j = jscodeshift.withParser(parserFor(kind));
    bound.set(kind, j);
  }
  return j;
}

/** Files the JS/TS parser handles; other files (HTML, JSON, TOML, SQL, Markdown) are text to transforms. */
export function isScript(file: string): boolean {
  return /\.(?:[cm]?[jt]sx?)$/.test(file);
}
