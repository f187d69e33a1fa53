// bolt-supabase-env: the Supabase client Bolt writes (src/lib/supabase.ts) reads its URL and anon
// key from env (VITE_SUPABASE_URL, VITE_SUPABASE_ANON_KEY; EXPO_PUBLIC_… and NEXT_PUBLIC_… in the
// other templates). Those names are kept: renaming them would break every place the owner already
// set them. What changes: a hard-coded URL or anon key (as the whole value, or as the `|| '…'`
// fallback after the env read) becomes the env read alone, its value moving to .env.local
// (gitignored); the names go to .env.example. A hard-coded service-role key is never moved into a
// browser variable: it gets an ownit-todo marker and a high finding.
import type { ASTPath, CallExpression, JSCodeshift } from "jscodeshift";
import { decodeJwtPayload, finding, isSecretName, type ProjectFacts, lineAt } from "@ownit/core";
import {
  changedText,
  addEnvExampleNames,
  addEnvLocalValues,
  applySpanEdits,
  browserEnvVar,
  spanOfNode,
  todoLineEdit,
  type Codemod,
  type SpanEdit,
} from "@ownit/codemod";

type AnyNode = { type: string; [key: string]: unknown };

/** What one createClient argument turned out to be. */
interface EnvMove {
  name: string;
  /** The hard-coded value now in .env.local (absent when the code already read only env). */
  value?: string;
  role: "url" | "key";
}

/** The env vars (and how browser code reads them), under the framework's public prefix, for values that had none. */
function envVarsFor(
  project: ProjectFacts,
): { url: { name: string; read: string }; key: { name: string; read: string } } | undefined {
  const url = browserEnvVar(project, "SUPABASE_URL");
  const key = browserEnvVar(project, "SUPABASE_ANON_KEY");
  return url && key ? { url, key } : undefined;
}

const SUPABASE_URL = /^https:\/\/[a-z0-9]{20}\.supabase\.(?:co|in)\/?$/;

/** A key the browser may hold: an anon JWT or a publishable key. */
function isPublicKey(value: string): boolean {
  if (value.startsWith("sb_publishable_")) return true;
  return decodeJwtPayload(value)?.role === "anon";
}

function isSecretKey(value: string): boolean {
  if (value.startsWith("sb_secret_")) return true;
  const role = decodeJwtPayload(value)?.role;
  return role === "service_role" || role === "supabase_admin";
}

/** The expression under `x as string`, `x!` and parentheses. */
function unwrap(node: AnyNode | undefined): AnyNode | undefined {
  let n = node;
  while (
    n &&
    (n.type === "TSAsExpression" ||
      n.type === "TSNonNullExpression" ||
      n.type === "ParenthesizedExpression" ||
      n.type === "TSSatisfiesExpression")
  )
    n = n.expression as AnyNode;
  return n;
}

/** `import.meta.env.X`, `process.env.X` or `process.env["X"]` → X. */
function envReadName(wrapped: AnyNode | undefined): string | undefined {
  const node = unwrap(wrapped);
  if (!node || node.type !== "MemberExpression") return undefined;
  const object = node.object as AnyNode;
  const property = node.property as AnyNode;
  const name = node.computed
    ? property.type === "StringLiteral"
      ? (property.value as string)
      : undefined
    : (property.name as string | undefined);
  if (!name) return undefined;
  const isImportMetaEnv =
    object.type === "MemberExpression" &&
    (object.object as AnyNode).type === "MetaProperty" &&
    ((object.property as AnyNode).name as string) === "env";
  const isProcessEnv =
    object.type === "MemberExpression" &&
    ((object.object as AnyNode).name as string) === "process" &&
    ((object.property as AnyNode).name as string) === "env";
  return isImportMetaEnv || isProcessEnv ? name : undefined;
}

function literalValue(wrapped: AnyNode | undefined): string | undefined {
  const node = unwrap(wrapped);
  if (!node) return undefined;
  if (node.type === "StringLiteral") return node.value as string;
  if (node.type === "TemplateLiteral" && (node.expressions as unknown[]).length === 0)
    return ((node.quasis as AnyNode[])[0]!.value as { cooked: string }).cooked;
  return undefined;
}

/** The expression an argument stands for: itself, or the initialiser of the const it names. */
function definitionOf(j: JSCodeshift, root: ReturnType<JSCodeshift>, arg: AnyNode): AnyNode | undefined {
  if (arg.type !== "Identifier") return arg;
  const declarators = root.find(j.VariableDeclarator, { id: { type: "Identifier", name: arg.name as string } });
  if (declarators.size() !== 1) return undefined;
  return (declarators.get().node.init as AnyNode | null) ?? undefined;
}

const SERVICE_KEY_TODO =
  "this is a service-role key: it must not ship to the browser. Rotate it, then call the code that needs it from a server";

function rewrite(
  j: JSCodeshift,
  source: string,
  project: ProjectFacts,
  moves: EnvMove[],
  report: (message: string, line: number) => void,
): string {
  const root = j(source);
  const locals = new Set<string>();
  root.find(j.ImportDeclaration, { source: { value: "@supabase/supabase-js" } }).forEach((p) => {
    for (const s of p.node.specifiers ?? [])
      if (s.type === "ImportSpecifier" && s.imported.name === "createClient" && typeof s.local?.name === "string")
        locals.add(s.local.name);
  });
  if (!locals.size) return source;
  const vars = envVarsFor(project);
  const edits = new Map<number, SpanEdit>();
  const seen = new Set<AnyNode>();

  root.find(j.CallExpression).forEach((call: ASTPath<CallExpression>) => {
    const callee = call.node.callee as AnyNode;
    if (callee.type !== "Identifier" || !locals.has(callee.name as string)) return;
    call.node.arguments.slice(0, 2).forEach((arg, index) => {
      const role = index === 0 ? "url" : "key";
      const target = unwrap(definitionOf(j, root, arg as unknown as AnyNode));
      if (!target || seen.has(target)) return;
      seen.add(target);
      const direct = envReadName(target);
      if (direct) {
        if (!isSecretName(direct)) moves.push({ name: direct, role });
        return;
      }
      // `import.meta.env.X || 'https://…'`: the env read stays, the fallback goes to .env.local.
      if (target.type === "LogicalExpression" && (target.operator === "||" || target.operator === "??")) {
        const name = envReadName(target.left as AnyNode);
        const value = literalValue(target.right as AnyNode);
        if (!name || value === undefined || isSecretName(name)) return;
        if (role === "url" ? !SUPABASE_URL.test(value) : !isPublicKey(value)) return;
        const left = target.left as AnyNode & { extra?: { parenthesized?: boolean } };
        // `(env as string) || '…'`: the cut starts after the left side's closing parenthesis.
        let cut = spanOfNode(left).end;
        if (left.extra?.parenthesized) cut = source.indexOf(")", cut) + 1;
        edits.set(cut, { start: cut, end: spanOfNode(target).end, text: "" });
        moves.push({ name, value, role });
        return;
      }
      const value = literalValue(target);
      if (value === undefined || !vars) return;
      const span = spanOfNode(target);
      if (role === "key" && isSecretKey(value)) {
        const todo = todoLineEdit(source, span.start, SERVICE_KEY_TODO);
        if (todo) edits.set(todo.start, todo);
        report(
          "a service-role key is hard-coded in code the browser loads: anyone can read it and bypass every RLS policy",
          lineAt(source, span.start),
        );
        return;
      }
      if (role === "url" ? !SUPABASE_URL.test(value) : !isPublicKey(value)) return;
      const env = role === "url" ? vars.url : vars.key;
      edits.set(span.start, { start: span.start, end: span.end, text: env.read });
      moves.push({ name: env.name, value, role });
    });
  });
  return edits.size ? applySpanEdits(source, [...edits.values()]) : source;
}

const codemod: Codemod = {
  name: "bolt-supabase-env",
  description:
    "keep the Supabase client on env (VITE_SUPABASE_URL/ANON_KEY): hard-coded values to .env.local, names to .env.example",
  builders: ["bolt"],
  files: ["src/**/*.{ts,tsx,js,jsx}", "lib/**/*.{ts,tsx,js,jsx}", "utils/**/*.{ts,tsx,js,jsx}", "app/**/*.{ts,tsx,js,jsx}"],
  mentions: ["@supabase/supabase-js"],
  appliesTo: (project) => project.builder.id === "bolt" && project.supabase.used,
  transform(file, { j, project, report, share }) {
    const moves: EnvMove[] = [];
    const out = rewrite(j, file.source, project, moves, (message, line) =>
      report({
        severity: "high",
        code: "service-role-key-in-browser-code",
        line,
        message,
        hint: "rotate the key in the Supabase dashboard now; ownit leaves the code as it was",
      }),
    );
    if (moves.length) share(moves);
    return changedText(file.source, out);
  },
  project(ctx, shared) {
    const moves = shared.flatMap((s) => s.data as EnvMove[]);
    if (!moves.length) return;
    // Values to .env.local (gitignored), names to .env.example.
    const moved = moves.filter((m) => m.value !== undefined);
    addEnvLocalValues(
      ctx.files,
      moved.map((m) => [m.name, m.value!] as const),
      "Supabase project (moved out of the code by ownit)",
    );
    addEnvExampleNames(
      ctx.files,
      moves.map((m) => m.name),
      "Supabase project: its URL and anon key (public: the browser receives them)",
    );
    const names = [...new Set(moves.map((m) => m.name))].join(", ");
    ctx.report(
      finding({
        severity: moved.length ? "low" : "info",
        code: "supabase-env",
        file: ".env.example",
        message: moved.length
          ? `the Supabase client now reads ${names} from env; the hard-coded value(s) moved to .env.local`
          : `the Supabase client reads ${names} from env (names kept); .env.example lists them`,
        hint: "set them wherever the app is built (Vite inlines them at build time)",
      }),
    );
  },
};

export default codemod;
