// supabase-functions-portable: Supabase edge functions (Deno) as builders write them import from
// CDNs at run time (https://esm.sh/…, https://deno.land/std…/http/server.ts, https://deno.land/x/…),
// which a server that reaches only the npm registry cannot load. Imports become `npm:` specifiers at
// the versions they named, std's `serve(handler)` becomes `Deno.serve(handler)`, and hard-coded
// addresses of the old project (<ref>.supabase.co) or the Bolt app (<name>.bolt.host) become env reads
// (SUPABASE_URL, SITE_URL). What it cannot rewrite safely keeps working as written and gets a marker.
import type { Collection, JSCodeshift } from "jscodeshift";
import { BOLT, originOn, SUPABASE_PROJECT_URL, lineAt } from "@ownit/core";
import {
  changedText,
  applySpanEdits,
  envReadExpression,
  isValueString,
  spanOfNode,
  templateText,
  TESTED_VERSIONS,
  todoLineEdit,
  type Codemod,
  type SpanEdit,
} from "@ownit/codemod";

/** `https://esm.sh/[v135/]<name>[@version][/subpath][?query]`. */
const ESM_SH = /^https:\/\/esm\.sh\/(?:v\d+\/)?((?:@[a-z0-9._-]+\/)?[a-z0-9._-]+)(?:@([^/?#]+))?(\/[^?#]*)?(?:\?[^#]*)?$/i;
/** `https://deno.land/std[@version]/<module path>`. */
const DENO_STD = /^https:\/\/deno\.land\/std(?:@([^/]+))?\/(.+)$/;
/** `https://deno.land/x/<module>[@version]/<path>`. */
const DENO_X = /^https:\/\/deno\.land\/x\/([a-z0-9_]+)(?:@([^/]+))?\/(.+)$/i;
/** deno.land/x modules published to npm under a name whose entry point is the module's mod.ts. */
const DENO_X_ON_NPM: Record<string, string> = { openai: "openai", zod: "zod", grammy: "grammy", hono: "hono", djwt: "djwt" };
/** deno.land/x/xhr: an XMLHttpRequest polyfill old OpenAI clients needed; fetch-based code never uses it. */
const XHR_POLYFILL = "xhr";
/**
 * Supabase's function template opens with `import "jsr:@supabase/functions-js/edge-runtime.d.ts"`:
 * type declarations for the editor, nothing at run time, but Deno fetches it from jsr.io on start.
 */
const EDGE_RUNTIME_TYPES = /^(?:jsr:|npm:|https:\/\/esm\.sh\/)@supabase\/functions-js(?:@[^/]+)?\/(?:src\/)?edge-runtime\.d\.ts$/;
/** supabase-js on JSR is the same package npm publishes (jsr.io is another registry a locked-down server may not reach). */
const JSR_SUPABASE_JS = /^jsr:@supabase\/supabase-js(?:@([^/]+))?(\/.*)?$/;
/** The Bolt app's own address, and the env var that takes its place in functions. */
const BOLT_ORIGIN = originOn([BOLT.appHost]);
const SITE_VAR = "SITE_URL";
const PROJECT_URL_VAR = "SUPABASE_URL";

/** A fresh global copy of a pattern with its groups made non-capturing (so split() yields only the text around it). */
const matcher = (re: RegExp) => new RegExp(re.source.replace(/\((?!\?)/g, "(?:"), "gi");

/** An npm version for what the URL named: exact as written; a bare major/minor becomes the tested exact version inside it. */
function npmVersion(name: string, named: string): string {
  const tested = (TESTED_VERSIONS as Record<string, string>)[name];
  if (tested && /^\d+(\.\d+)?$/.test(named) && tested.startsWith(`${named}.`)) return tested;
  return named.replace(/^v(?=\d)/, "");
}

type ImportPlan = { to: string } | { drop: true; why: string } | { todo: string };

/** Import maps Supabase's CLI and Deno read for functions: the folder's deno.json / import_map.json, then each function's own. */
const IMPORT_MAP_FILES = (file: string) => {
  const fn = /^supabase\/functions\/([^/]+)\//.exec(file)?.[1];
  return [
    ...(fn ? [`supabase/functions/${fn}/deno.json`, `supabase/functions/${fn}/import_map.json`] : []),
    "supabase/functions/deno.json",
    "supabase/functions/import_map.json",
  ];
};

/** The `imports` of the first import map that exists (JSON; a deno.json with comments is read without them). */
function importMap(read: (path: string) => string | undefined, file: string): Record<string, string> {
  for (const candidate of IMPORT_MAP_FILES(file)) {
    const text = read(candidate);
    if (text === undefined) continue;
    try {
      const imports = (JSON.parse(text.replace(/^\s*\/\/.*$/gm, "")) as { imports?: Record<string, string> }).imports;
      if (imports) return imports;
    } catch {
      // Not plain JSON: the specifiers are left as written.
    }
  }
  return {};
}

/** A bare specifier through the import map (exact key, or the longest "prefix/" key), as Deno resolves it. */
function resolveMapped(specifier: string, imports: Record<string, string>): string | undefined {
  if (/^(\.|\/|[a-z]+:)/i.test(specifier)) return undefined;
  if (imports[specifier]) return imports[specifier];
  const prefix = Object.keys(imports)
    .filter((k) => k.endsWith("/") && specifier.startsWith(k))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? imports[prefix] + specifier.slice(prefix.length) : undefined;
}

/** What a CDN import becomes, or undefined for imports that load anywhere (npm:, jsr:, relative). */
function planImport(source: string, fileText: string): ImportPlan | undefined {
  if (EDGE_RUNTIME_TYPES.test(source))
    return { drop: true, why: `${source}: type declarations only, which Deno would fetch from a registry on every start` };
  const jsr = JSR_SUPABASE_JS.exec(source);
  if (jsr)
    return jsr[1]
      ? { to: `npm:@supabase/supabase-js@${npmVersion("@supabase/supabase-js", jsr[1])}${jsr[2] ?? ""}` }
      : { todo: `${source} names no version: import npm:@supabase/supabase-js@<the version you use> instead` };
  const esm = ESM_SH.exec(source);
  if (esm) {
    const [, name, version, subpath] = esm as unknown as [string, string, string | undefined, string | undefined];
    if (!version) return { todo: `${source} names no version: import npm:${name}@<the version you use> instead` };
    return { to: `npm:${name}@${npmVersion(name, version)}${subpath ?? ""}` };
  }
  const std = DENO_STD.exec(source);
  if (std) {
    if (std[2] === "http/server.ts") return undefined; // handled with its `serve` calls
    return {
      todo: `${source} loads from deno.land: use the matching jsr:@std package (its API was renamed in 1.0) or an npm package`,
    };
  }
  const x = DENO_X.exec(source);
  if (x) {
    const [, mod, version, file] = x as unknown as [string, string, string | undefined, string];
    if (mod === XHR_POLYFILL && !/XMLHttpRequest/.test(fileText))
      return { drop: true, why: "the XMLHttpRequest polyfill (deno.land/x/xhr): nothing in the file uses XMLHttpRequest" };
    const npm = DENO_X_ON_NPM[mod];
    if (npm && version && /^mod\.ts$/.test(file)) return { to: `npm:${npm}@${npmVersion(npm, version)}` };
    return { todo: `${source} loads from deno.land/x: import the module's npm: or jsr: package instead` };
  }
  return undefined;
}

/** One file's rewrite in progress. */
interface FileRewrite {
  j: JSCodeshift;
  root: Collection;
  source: string;
  edits: SpanEdit[];
  /** The file's own string quote, for specifiers and env reads it writes. */
  quote: string;
  todo(at: number, what: string): void;
  report(line: number, message: string, code: string): void;
}

/** Static imports and re-exports from CDNs become npm: specifiers; returns the local names std's `serve` had. */
function rewriteImports(f: FileRewrite, imports: Record<string, string>): string[] {
  const { j, root, source, edits, todo } = f;
  const declarations = [
    ...root.find(j.ImportDeclaration).nodes(),
    ...root.find(j.ExportNamedDeclaration).nodes(),
    ...root.find(j.ExportAllDeclaration).nodes(),
  ];
  const serveNames: string[] = [];
  for (const decl of declarations) {
    if (!decl.source) continue;
    const written = String(decl.source.value);
    // "std/http/server.ts" with an import map entry "std/": "https://deno.land/std@…/" is the same CDN import.
    const mapped = resolveMapped(written, imports);
    const from = mapped && /^https:\/\//.test(mapped) ? mapped : written;
    const std = DENO_STD.exec(from);
    const { start, end } = spanOfNode(decl);
    const removeLine = { start, end: source[end] === "\n" ? end + 1 : end, text: "" };
    if (std && std[2] === "http/server.ts") {
      const specs = j.ImportDeclaration.check(decl) ? (decl.specifiers ?? []) : undefined;
      if (!specs) {
        // Re-exported (a deps.ts): callers import serve from here, so the file keeps it and says so.
        todo(start, `${from} loads from deno.land: export a serve that calls Deno.serve instead`);
      } else if (specs.length && specs.every((s) => j.ImportSpecifier.check(s) && s.imported.name === "serve")) {
        for (const s of specs) if (typeof s.local?.name === "string") serveNames.push(s.local.name);
        edits.push(removeLine);
      } else todo(start, `${from} imports more than serve: replace it with Deno.serve and the Web APIs`);
      continue;
    }
    const plan = planImport(from, source);
    if (!plan) continue;
    if ("to" in plan) edits.push({ ...spanOfNode(decl.source), text: `${f.quote}${plan.to}${f.quote}` });
    else if (!("drop" in plan)) todo(start, plan.todo);
    else if ("specifiers" in decl && decl.specifiers?.length)
      todo(start, `${from} loads from deno.land: drop it or import an npm: package`);
    else {
      edits.push(removeLine);
      f.report(lineAt(source, start), `removed ${plan.why}`, "edge-function-import-removed");
    }
  }
  return serveNames;
}

/** serve(handler) → Deno.serve(handler); serve(handler, { port }) → Deno.serve({ port }, handler). */
function rewriteServeCalls(f: FileRewrite, serveNames: string[]): void {
  const { j, source, edits } = f;
  f.root.find(j.CallExpression).forEach((p) => {
    const callee = p.node.callee;
    if (!j.Identifier.check(callee) || !serveNames.includes(callee.name)) return;
    const { start, end: calleeEnd } = spanOfNode(callee);
    const args = p.node.arguments;
    if (args.length === 1) edits.push({ start, end: calleeEnd, text: "Deno.serve" });
    else if (args.length === 2) {
      const [a, b] = args.map((arg) => spanOfNode(arg));
      edits.push({ start, end: calleeEnd, text: "Deno.serve" });
      // The options move in front; the handler's own text (and edits inside it) stays where it is.
      edits.push({ start: a!.start, end: a!.start, text: `${source.slice(b!.start, b!.end)}, ` });
      edits.push({ start: a!.end, end: b!.end, text: "" });
    } else f.todo(start, "serve() with these arguments: call Deno.serve(options, handler) yourself");
  });
}

/** Hard-coded addresses in strings and templates (not import sources, keys or types) become env reads; returns their names. */
function rewriteAddresses(f: FileRewrite): string[] {
  const { j, source, edits } = f;
  const envNames = new Set<string>();
  const origins: Array<{ pattern: RegExp; name: string }> = [
    { pattern: SUPABASE_PROJECT_URL, name: PROJECT_URL_VAR },
    { pattern: BOLT_ORIGIN, name: SITE_VAR },
  ];
  const envRead = (name: string) => envReadExpression("deno", name, { quote: f.quote });
  f.root.find(j.StringLiteral).forEach((p) => {
    const value = p.node.value;
    const parent = p.parent?.node;
    const isValue = isValueString(p.node, parent);
    if (!isValue && parent?.key !== p.node) return;
    const origin = origins.find(({ pattern }) => matcher(pattern).test(value));
    if (!origin) return;
    const { start, end } = spanOfNode(p.node);
    if (!isValue) return f.todo(start, `a hard-coded address is a key here: read ${origin.name} from env by hand`);
    const parts = value.split(matcher(origin.pattern));
    const read = envRead(origin.name);
    const bare = parts.every((part) => part === "") && parts.length === 2;
    edits.push({ start, end, text: bare ? read : `\`${parts.map(templateText).join(`\${${read}}`)}\`` });
    envNames.add(origin.name);
  });
  f.root.find(j.TemplateElement).forEach((p) => {
    const { start, end } = spanOfNode(p.node);
    const raw = source.slice(start, end);
    for (const { pattern, name } of origins) {
      for (const m of raw.matchAll(matcher(pattern))) {
        edits.push({ start: start + m.index!, end: start + m.index! + m[0].length, text: `\${${envRead(name)}}` });
        envNames.add(name);
      }
    }
  });
  return [...envNames];
}

function rewrite(
  j: JSCodeshift,
  source: string,
  imports: Record<string, string>,
  report: (line: number, message: string, code: string) => void,
): { out: string; envNames: string[] } {
  const edits: SpanEdit[] = [];
  const f: FileRewrite = {
    j,
    root: j(source),
    source,
    edits,
    quote: source.includes('from "') || !source.includes("from '") ? '"' : "'",
    report,
    todo(at, what) {
      const edit = todoLineEdit(source, at, what);
      if (edit) edits.push(edit);
      report(lineAt(source, at), what, "edge-function-import-left");
    },
  };
  const serveNames = rewriteImports(f, imports);
  if (serveNames.length) rewriteServeCalls(f, serveNames);
  const envNames = rewriteAddresses(f);
  return { out: edits.length ? applySpanEdits(source, edits) : source, envNames };
}

const codemod: Codemod = {
  name: "supabase-functions-portable",
  description:
    "edge functions load without a CDN: esm.sh/deno.land imports → npm: at their versions, serve → Deno.serve, old project and Bolt URLs → env",
  builders: ["lovable-vite", "lovable-tanstack", "bolt"],
  files: ["supabase/functions/**/*.{ts,js,mts,mjs,tsx,jsx}"],
  mentions: [
    "https://esm.sh/",
    "https://deno.land/",
    ".supabase.co",
    ".supabase.in",
    ".bolt.host",
    "jsr:@supabase/",
    /from\s+["'][^."'/][^"':]*["']/,
  ],
  appliesTo: (project) => project.supabase.functions.length > 0,
  transform(file, { j, report, read }) {
    const { out, envNames } = rewrite(j, file.source, importMap(read, file.path), (line, message, code) =>
      report({
        severity: code === "edge-function-import-removed" ? "info" : "medium",
        code,
        line,
        message,
        hint: "edge functions on the owned stack load packages from the npm registry only",
      }),
    );
    if (envNames.length) {
      report({
        severity: "low",
        code: "edge-function-url-to-env",
        message: `hard-coded addresses now read ${envNames.join(", ")}`,
        hint: "the owned stack sets SUPABASE_URL; set SITE_URL to the app's address",
      });
    }
    return changedText(file.source, out);
  },
};

export default codemod;
