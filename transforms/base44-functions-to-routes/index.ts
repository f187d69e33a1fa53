// base44-functions-to-routes: Base44's backend functions are Deno handlers
// (`Deno.serve(async (req) => …)` in base44/functions/<name>/entry.ts, or functions/<name>.ts)
// that reach Base44 through `createClientFromRequest(req)` from `npm:@base44/sdk`. Each becomes
// server/functions/<name>.ts exporting its handler, registered in server/functions/index.ts, so
// `functions.invoke(name, body)` reaches it at the same path as before. `createClientFromRequest`
// now comes from the server's own client (server/service-client.ts: same surface, asServiceRole
// included), `Deno.env.get("X")` is `process.env.X`, and `npm:pkg@1.2` imports become the package,
// added to package.json. A function with imports Node cannot load (jsr:, URLs) stays where it was,
// answers 501 naming it, and is a finding; other Deno APIs get an `// ownit-todo:` marker.
import path from "node:path";
import type { ASTPath, CallExpression, Collection, ImportDeclaration, JSCodeshift } from "jscodeshift";
import { finding, generatedFiles, type Finding, type StepContext } from "@ownit/core";
import {
  addDependencies,
  applySpanEdits,
  collectTodos,
  jscodeshiftFor,
  spanOfNode,
  todoLineEdit,
  type Codemod,
  type SpanEdit,
} from "@ownit/codemod";
import { BASE44_SDK, FUNCTION_GLOBS, SERVER_DIR, SERVER_FILE_HEADER as HEADER } from "../base44-shared/constants";

const FUNCTIONS_DIR = `${SERVER_DIR}/functions`;
const REGISTRY = `${FUNCTIONS_DIR}/index.ts`;
/** What replaces the SDK import in a converted function. */
const SERVICE_CLIENT_IMPORT = 'import { createClientFromRequest } from "../service-client";';

interface Converted {
  name: string;
  from: string;
  source?: string;
  /** Why it could not be converted (then it is not registered). */
  reason?: string;
  /** npm packages it imports, name → version range. */
  packages: Record<string, string>;
  findings: Finding[];
}

type AnyNode = { type: string; [key: string]: unknown };

function functionName(file: string): string {
  return file.startsWith("base44/functions/") ? file.split("/")[2]! : path.posix.basename(file).replace(/\.[jt]s$/, "");
}

/** `npm:pkg@^1.2/sub` → { pkg, version: "^1.2", path: "pkg/sub" }. */
function npmSpecifier(spec: string): { pkg: string; version: string; path: string } | undefined {
  const m = /^npm:((?:@[^/@]+\/)?[^/@]+)(?:@([^/]+))?(\/.*)?$/.exec(spec);
  if (!m) return undefined;
  return { pkg: m[1]!, version: m[2] ? (/^\d/.test(m[2]) ? `^${m[2]}` : m[2]) : "latest", path: `${m[1]}${m[3] ?? ""}` };
}

/** The handler of `Deno.serve(handler)` / `Deno.serve(options, handler)`. */
function serveHandler(call: CallExpression): AnyNode | undefined {
  const args = call.arguments as unknown as AnyNode[];
  const handler = args.length === 1 ? args[0] : args[1];
  return handler && handler.type !== "ObjectExpression" ? handler : undefined;
}

function isDenoCall(node: AnyNode, member: string): boolean {
  const callee = node.callee as AnyNode | undefined;
  if (node.type !== "CallExpression" || callee?.type !== "MemberExpression") return false;
  const object = callee.object as AnyNode;
  const property = callee.property as AnyNode;
  return object.type === "Identifier" && object.name === "Deno" && property.type === "Identifier" && property.name === member;
}

/** `Deno.env.get(…)`. */
function isDenoEnvGet(node: AnyNode): boolean {
  const callee = node.callee as AnyNode | undefined;
  if (node.type !== "CallExpression" || callee?.type !== "MemberExpression" || (callee.property as AnyNode).name !== "get")
    return false;
  const env = callee.object as AnyNode;
  return (
    env.type === "MemberExpression" &&
    (env.object as AnyNode).type === "Identifier" &&
    (env.object as AnyNode).name === "Deno" &&
    (env.property as AnyNode).name === "env"
  );
}

/**
 * The function's imports as the Node server loads them: the SDK becomes the service client, npm:
 * specifiers plain packages (recorded in `packages`), relative paths point from server/functions.
 * Returns why the function cannot move (an import Node cannot load), or undefined.
 */
function rewriteImports(
  ctx: StepContext,
  file: string,
  j: JSCodeshift,
  root: Collection,
  edits: SpanEdit[],
  packages: Record<string, string>,
): string | undefined {
  const source = ctx.files.read(file) ?? "";
  const target = `${FUNCTIONS_DIR}/${functionName(file)}.ts`;
  for (const p of root.find(j.ImportDeclaration).paths() as Array<ASTPath<ImportDeclaration>>) {
    const spec = String(p.node.source.value);
    const at = spanOfNode(p.node.source);
    const quote = source[at.start];
    const npm = spec.startsWith("npm:") ? npmSpecifier(spec) : undefined;
    if (npm?.pkg === BASE44_SDK) {
      const names = (p.node.specifiers ?? []).map((s) => (s.type === "ImportSpecifier" ? String(s.imported.name) : "*"));
      if (!names.every((n) => n === "createClientFromRequest"))
        return `it imports ${names.filter((n) => n !== "createClientFromRequest").join(", ")} from ${BASE44_SDK}`;
      edits.push({ ...spanOfNode(p.node), text: SERVICE_CLIENT_IMPORT });
    } else if (npm) {
      packages[npm.pkg] = npm.version;
      edits.push({ ...at, text: `${quote}${npm.path}${quote}` });
    } else if (/^(jsr:|https?:)/.test(spec)) {
      return `it imports ${spec}, which Node cannot load`;
    } else if (spec.startsWith(".")) {
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const text = ctx.files.read(resolved);
      if (text !== undefined && /from\s*["'](?:npm:|jsr:|https?:)|\bDeno\./.test(text))
        return `it imports ${resolved}, which uses Deno or Deno-style imports`;
      let rel = path.posix.relative(path.posix.dirname(target), resolved);
      if (!rel.startsWith(".")) rel = `./${rel}`;
      edits.push({ ...at, text: `${quote}${rel}${quote}` });
    }
  }

  return undefined;
}

function convert(ctx: StepContext, file: string, j: JSCodeshift): Converted {
  const name = functionName(file);
  const source = ctx.files.read(file) ?? "";
  const out: Converted = { name, from: file, packages: {}, findings: [] };
  const root = j(source);
  const edits: SpanEdit[] = [];
  const refuse = (reason: string) => ({ ...out, reason });

  const refused = rewriteImports(ctx, file, j, root, edits, out.packages);
  if (refused) return refuse(refused);

  let handled = false;
  root.find(j.CallExpression).forEach((p) => {
    const node = p.node as unknown as AnyNode;
    if (isDenoCall(node, "serve")) {
      const handler = serveHandler(p.node);
      const parent = p.parent?.node as AnyNode;
      if (!handler || handled) return;
      // Only the wrapper goes (`Deno.serve(` … `)`): edits inside the handler stay apart.
      const inner = spanOfNode(handler);
      const call = spanOfNode(p.node);
      if (parent.type === "ExportDefaultDeclaration") {
        edits.push({ start: call.start, end: inner.start, text: "" }, { start: inner.end, end: call.end, text: "" });
      } else if (parent.type === "ExpressionStatement") {
        const statement = spanOfNode(parent);
        const semi = source.slice(statement.start, statement.end).trimEnd().endsWith(";") ? ";" : "";
        edits.push(
          { start: statement.start, end: inner.start, text: "export default " },
          { start: inner.end, end: statement.end, text: semi },
        );
      } else return;
      handled = true;
    } else if (isDenoEnvGet(node)) {
      // Deno.env.get("X") → process.env.X
      const arg = (node.arguments as AnyNode[])[0];
      if (arg && (arg.type === "StringLiteral" || arg.type === "Literal")) {
        const key = String(arg.value);
        edits.push({
          ...spanOfNode(node),
          text: /^[A-Za-z_$][\w$]*$/.test(key) ? `process.env.${key}` : `process.env[${JSON.stringify(key)}]`,
        });
      }
    }
  });
  if (!handled && !root.find(j.ExportDefaultDeclaration).size())
    return refuse("it has no Deno.serve handler or default export to route to");

  return { ...out, source: `${HEADER}\n${markDenoLeftovers(applySpanEdits(source, edits))}` };
}

/** What is left of Deno has no Node equivalent here: marked at each use. */
function markDenoLeftovers(converted: string): string {
  const leftovers: SpanEdit[] = [];
  for (const m of converted.matchAll(/\bDeno\.(\w+)/g)) {
    const edit = todoLineEdit(
      converted,
      m.index!,
      `Deno.${m[1]} has no Node equivalent in the generated server: rewrite this with Node's API`,
    );
    if (edit && !leftovers.some((e) => e.start === edit.start)) leftovers.push(edit);
  }
  return applySpanEdits(converted, leftovers);
}

/** The registry: every function file in server/functions (converted now or on an earlier run), and the refused ones. */
function registry(ctx: StepContext, converted: Converted[]): string {
  const present = ctx.files
    .list({ patterns: [`${FUNCTIONS_DIR}/*.ts`] })
    .map((f) => path.posix.basename(f, ".ts"))
    .filter((n) => n !== "index");
  const names = new Set([...present, ...converted.filter((c) => c.source !== undefined).map((c) => c.name)]);
  const ok = [...names].sort().map((name) => ({ name }));
  const failed = converted.filter((c) => c.reason).sort((a, b) => a.name.localeCompare(b.name));
  const ident = (name: string) => `fn_${name.replace(/\W/g, "_")}`;
  const lines = [
    HEADER,
    "// Backend functions, one route each (POST /api/apps/<appId>/functions/<name>). ownit writes this",
    "// file from base44/functions/*/entry.ts; a function it could not convert is listed here with why.",
    'import type { FunctionHandler } from "../service-client";',
    ...ok.map((c) => `import ${ident(c.name)} from "./${c.name}";`),
    "",
    `export const functions: Record<string, FunctionHandler> = {${ok.length ? `\n${ok.map((c) => `  ${JSON.stringify(c.name)}: ${ident(c.name)},`).join("\n")}\n` : ""}};`,
    "",
    "/** Functions left for the owner to port, with the reason (they answer 501 naming it). */",
    `export const unconverted: Record<string, string> = {${failed.length ? `\n${failed.map((c) => `  ${JSON.stringify(c.name)}: ${JSON.stringify(c.reason)},`).join("\n")}\n` : ""}};`,
    "",
  ];
  return lines.join("\n");
}

const codemod: Codemod = {
  name: "base44-functions-to-routes",
  description: "turn Base44's Deno backend functions into routes of the app's own server (functions.invoke keeps working)",
  builders: ["base44"],
  files: [],
  appliesTo: (project) => project.builder.id === "base44" || project.base44.functions.length > 0,
  async project(ctx) {
    const sources = ctx.files
      .list({ patterns: FUNCTION_GLOBS })
      .filter((f) => /Deno\.serve|createClientFromRequest|export default/.test(ctx.files.read(f) ?? ""));
    if (!sources.length) return;
    const converted = sources.map((f) => convert(ctx, f, jscodeshiftFor(f)));
    const packages: Record<string, string> = {};
    const generated = generatedFiles(ctx.project.root);
    for (const c of converted) {
      if (c.source === undefined) {
        ctx.report(
          finding({
            severity: "high",
            code: "base44-function-not-converted",
            file: c.from,
            message: `backend function ${c.name} was not converted: ${c.reason}; functions.invoke("${c.name}") answers 501 until it is ported`,
            hint: `port it into ${FUNCTIONS_DIR}/${c.name}.ts (export default async (req) => Response), register it in ${REGISTRY}`,
          }),
        );
        continue;
      }
      const target = `${FUNCTIONS_DIR}/${c.name}.ts`;
      const current = ctx.files.read(target);
      const state = current === c.source ? "as-written" : generated.stateOf(target, current, HEADER);
      if (state === "owner") {
        ctx.report(
          finding({
            severity: "high",
            code: "base44-function-target-taken",
            file: target,
            message: `${target} exists and is not ownit's: ${c.name} was not written`,
            hint: "move your file aside and run ownit again",
          }),
        );
        continue;
      }
      if (current !== c.source) ctx.files.write(target, c.source, { generated: true });
      // The Deno original is gone once the route has it (it imported the SDK).
      ctx.files.remove(c.from);
      Object.assign(packages, c.packages);
      for (const pkg of Object.keys(c.packages))
        ctx.report(
          finding({
            severity: "info",
            code: "base44-function-package",
            file: c.from,
            message: `${c.name} imports npm:${pkg}; it is now a dependency in package.json`,
          }),
        );
    }
    ctx.files.write(REGISTRY, registry(ctx, converted), { generated: true });
    for (const file of ctx.files.list({ patterns: [`${FUNCTIONS_DIR}/*.ts`] }))
      for (const todo of collectTodos(file, ctx.files.read(file) ?? "")) ctx.report(todo);
    if (Object.keys(packages).length) await addDependencies(ctx, { dependencies: packages });
  },
};

export default codemod;
