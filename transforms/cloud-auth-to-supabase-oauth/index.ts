// cloud-auth-to-supabase-oauth: Lovable Cloud signs users in with Google/Apple/Microsoft through
// its own OAuth broker (`@lovable.dev/cloud-auth-js`, wrapped in src/integrations/lovable/index.ts
// as `lovable.auth.signInWithOAuth(provider, { redirect_uri, extraParams })`). Off Lovable the broker
// is gone (its /~oauth/initiate route 404s), so each call becomes Supabase's own
// `supabase.auth.signInWithOAuth({ provider, options: { redirectTo, queryParams } })`, which
// redirects the browser the same way and returns `{ data, error }`. When nothing imports the wrapper
// any more it is removed, and the package with it when nothing else uses it.
import path from "node:path";
import type { ASTNode, ASTPath, CallExpression, Collection, ImportDeclaration, JSCodeshift } from "jscodeshift";
import { finding, type StepContext, lineAt } from "@ownit/core";
import {
  changedText,
  applySpanEdits,
  jscodeshiftFor,
  propertyKey,
  removeDependency,
  removeListElementEdit,
  removeStatementEdit,
  spanOfNode,
  todoLineEdit,
  type Codemod,
  type SpanEdit,
} from "@ownit/codemod";

/** The broker package and the folder Lovable generates around it. */
const PACKAGE = "@lovable.dev/cloud-auth-js";
const WRAPPER_DIR = "src/integrations/lovable";
/** Where Lovable's Supabase client lives (what the rewritten calls import). */
const SUPABASE_CLIENT = "src/integrations/supabase/client";
/** Lovable's provider names → Supabase's (Microsoft sign-in is "azure" in Supabase Auth). */
const PROVIDERS: Record<string, string> = { google: "google", apple: "apple", microsoft: "azure" };
/** Lovable's option names → Supabase's. */
const OPTIONS: Record<string, string> = { redirect_uri: "redirectTo", extraParams: "queryParams" };

/** The project path an import source points at (`@/x` and relative paths), without extension or /index. */
function importTarget(fromFile: string, source: string): string | undefined {
  let target: string;
  if (source.startsWith("@/")) target = `src/${source.slice(2)}`;
  else if (source.startsWith(".")) target = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), source));
  else return undefined;
  return target.replace(/\.(?:[cm]?[jt]sx?)$/, "").replace(/\/index$/, "");
}

/** How this file should import the Supabase client, in the style of its Lovable import. */
function supabaseImportSource(fromFile: string, lovableSource: string): string {
  if (lovableSource.startsWith("@/")) return "@/integrations/supabase/client";
  const rel = path.posix.relative(path.posix.dirname(fromFile), SUPABASE_CLIENT);
  return rel.startsWith(".") ? rel : `./${rel}`;
}

/** Every module specifier a file imports, requires or re-exports. */
function specifiers(source: string): string[] {
  return [...source.matchAll(/\b(?:from|import)\s*\(?\s*["']([^"']+)["']|\brequire\(\s*["']([^"']+)["']\s*\)/g)].map(
    (m) => m[1] ?? m[2]!,
  );
}

interface Rewrite {
  providers: string[];
}

type Report = (line: number, message: string, severity?: "low" | "medium") => void;

/** One file's rewrite in progress: its source, the edits so far, and the markers it leaves. */
interface FileRewrite {
  j: JSCodeshift;
  path: string;
  source: string;
  root: Collection;
  edits: Map<number, SpanEdit>;
  todo(at: number, what: string): void;
  report: Report;
}

const SIGN_IN = "supabase.auth.signInWithOAuth({ provider, options: { redirectTo } })";

/** The `lovable` binding the file imports from the wrapper, with its import. */
function lovableBinding(f: FileRewrite, wrapperImports: Collection<ImportDeclaration>) {
  let found: { declaration: ImportDeclaration; local: string } | undefined;
  wrapperImports.forEach((p) => {
    for (const spec of p.node.specifiers ?? [])
      if (f.j.ImportSpecifier.check(spec) && spec.imported.name === "lovable" && typeof spec.local?.name === "string")
        found = { declaration: p.node, local: spec.local.name };
  });
  return found;
}

/** The name the Supabase client goes by here: the file's own import of it, or "supabase" once imported. */
function supabaseBinding(f: FileRewrite): { name: string; needsImport: boolean; nameTaken: boolean } {
  let imported: string | undefined;
  f.root.find(f.j.ImportDeclaration).forEach((p) => {
    if (importTarget(f.path, String(p.node.source.value)) !== SUPABASE_CLIENT) return;
    for (const spec of p.node.specifiers ?? [])
      if (f.j.ImportSpecifier.check(spec) && spec.imported.name === "supabase" && typeof spec.local?.name === "string")
        imported = spec.local.name;
  });
  const needsImport = imported === undefined;
  return {
    name: imported ?? "supabase",
    needsImport,
    nameTaken: needsImport && f.root.find(f.j.Identifier, { name: "supabase" }).size() > 0,
  };
}

/** `<local>.auth.signInWithOAuth(…)`: a call through the wrapper. */
function isWrapperSignIn(j: JSCodeshift, call: CallExpression, local: string): boolean {
  const callee = call.callee;
  if (!j.MemberExpression.check(callee) || !j.Identifier.check(callee.property) || callee.property.name !== "signInWithOAuth")
    return false;
  const auth = callee.object;
  return (
    j.MemberExpression.check(auth) &&
    j.Identifier.check(auth.property) &&
    auth.property.name === "auth" &&
    j.Identifier.check(auth.object) &&
    auth.object.name === local
  );
}

/** The provider argument in Supabase's terms, or a marker's text when Supabase has no such provider. */
function providerText(f: FileRewrite, arg: ASTNode, at: number, providers: string[]): { text: string } | { todo: string } {
  if (f.j.StringLiteral.check(arg)) {
    const mapped = PROVIDERS[arg.value];
    if (!mapped)
      return { todo: `"${arg.value}" sign-in exists only on Lovable: offer a provider Supabase Auth supports instead` };
    const quote = f.source[spanOfNode(arg).start];
    providers.push(mapped);
    return { text: `${quote}${mapped}${quote}` };
  }
  const { start, end } = spanOfNode(arg);
  const text = f.source.slice(start, end);
  providers.push("(chosen at run time)");
  f.report(
    lineAt(f.source, at),
    `the provider is chosen at run time (${text}): Supabase Auth calls Microsoft "azure", where Lovable said "microsoft"`,
    "low",
  );
  return { text };
}

/** The options object in Supabase's names, or a marker's text when they cannot be mapped. */
function optionsText(f: FileRewrite, arg: ASTNode | undefined): { options: string[] } | { todo: string } {
  if (!arg) return { options: [] };
  if (!f.j.ObjectExpression.check(arg)) return { todo: `rewrite this sign-in with ${SIGN_IN} (its options are built elsewhere)` };
  const options: string[] = [];
  for (const prop of arg.properties) {
    const key = propertyKey(prop);
    if (!key || !OPTIONS[key] || !f.j.ObjectProperty.check(prop))
      return {
        todo: "rewrite this sign-in with supabase.auth.signInWithOAuth({ provider, options: { redirectTo, queryParams } }) (it passes options ownit does not map)",
      };
    const { start, end } = spanOfNode(prop.value);
    options.push(`${OPTIONS[key]}: ${f.source.slice(start, end)}`);
  }
  return { options };
}

/** Supabase answers { data: { provider, url }, error }: a marker where the code reads `redirected` or `tokens`. */
function markStaleResult(f: FileRewrite, call: ASTPath<CallExpression>): void {
  const declarator = f.j.AwaitExpression.check(call.parent?.node) ? call.parent.parent?.node : undefined;
  if (!f.j.VariableDeclarator.check(declarator) || !f.j.Identifier.check(declarator.id)) return;
  const resultName = declarator.id.name;
  const stale = f.root
    .find(f.j.MemberExpression, { object: { type: "Identifier", name: resultName } })
    .filter((m) => f.j.Identifier.check(m.node.property) && ["redirected", "tokens"].includes(m.node.property.name));
  if (stale.size())
    f.todo(
      spanOfNode(stale.get().node).start,
      `supabase.auth.signInWithOAuth redirects the browser and returns { data, error }: ${resultName}.redirected / .tokens no longer exist`,
    );
}

/** Rewrites one `lovable.auth.signInWithOAuth(provider, options)` call; false when it left a marker instead. */
function rewriteSignIn(
  f: FileRewrite,
  p: ASTPath<CallExpression>,
  client: { name: string; nameTaken: boolean },
  providers: string[],
): boolean {
  const at = spanOfNode(p.node).start;
  if (client.nameTaken) {
    f.todo(at, `sign in with ${SIGN_IN} (this file already uses the name "supabase" for something else)`);
    return false;
  }
  const [providerArg, optionsArg, ...rest] = p.node.arguments;
  if (!providerArg || rest.length) {
    f.todo(at, `rewrite this sign-in with ${SIGN_IN}`);
    return false;
  }
  const provider = providerText(f, providerArg, at, providers);
  if ("todo" in provider) return (f.todo(at, provider.todo), false);
  const mapped = optionsText(f, optionsArg);
  if ("todo" in mapped) return (f.todo(at, mapped.todo), false);
  markStaleResult(f, p);

  const lineStart = f.source.lastIndexOf("\n", at) + 1;
  const indent = /^[ \t]*/.exec(f.source.slice(lineStart))![0];
  const multiline =
    optionsArg !== undefined && f.source.slice(spanOfNode(optionsArg).start, spanOfNode(optionsArg).end).includes("\n");
  const parts = [
    provider.text === "provider" ? "provider" : `provider: ${provider.text}`,
    ...(mapped.options.length ? [`options: { ${mapped.options.join(", ")} }`] : []),
  ];
  const args = multiline ? `{\n${parts.map((part) => `${indent}  ${part},`).join("\n")}\n${indent}}` : `{ ${parts.join(", ")} }`;
  const callee = spanOfNode(p.node.callee);
  const argsEnd = spanOfNode(p.node).end - 1; // the closing parenthesis
  f.edits.set(callee.start, { start: callee.start, end: argsEnd, text: `${client.name}.auth.signInWithOAuth(${args}` });
  return true;
}

/** The wrapper import goes when nothing else in the file uses it; the client import comes in when the file lacks it. */
function swapImports(
  f: FileRewrite,
  lovable: { declaration: ImportDeclaration; local: string },
  needsImport: boolean,
  rewritten: number,
) {
  const stillUsed =
    f.root
      .find(f.j.Identifier, { name: lovable.local })
      .filter((p) => !String(p.parent?.node?.type).startsWith("Import"))
      .size() > rewritten;
  const span = spanOfNode(lovable.declaration);
  const importText = f.source.slice(span.start, span.end);
  const quote = importText.includes("'") && !importText.includes('"') ? "'" : '"';
  const semi = importText.trimEnd().endsWith(";") ? ";" : "";
  const from = supabaseImportSource(f.path, String(lovable.declaration.source.value));
  const clientImport = `import { supabase } from ${quote}${from}${quote}${semi}`;
  const onlyLovable = (lovable.declaration.specifiers ?? []).length === 1;
  if (!stillUsed && onlyLovable)
    f.edits.set(
      span.start,
      needsImport ? { start: span.start, end: span.end, text: clientImport } : removeStatementEdit(f.source, lovable.declaration),
    );
  else if (needsImport) f.edits.set(span.start, { start: span.start, end: span.start, text: `${clientImport}\n` });
}

/** One file: calls through the wrapper become Supabase's own sign-in; what cannot be rewritten gets a marker. */
function rewriteFile(
  j: JSCodeshift,
  file: { path: string; source: string },
  report: Report,
): { source: string; rewrite?: Rewrite } {
  const source = file.source;
  const edits = new Map<number, SpanEdit>();
  const f: FileRewrite = {
    j,
    path: file.path,
    source,
    root: j(source),
    edits,
    report,
    todo(at, what) {
      const edit = todoLineEdit(source, at, what);
      if (edit) edits.set(edit.start, edit);
    },
  };
  const wrapperImports = f.root
    .find(j.ImportDeclaration)
    .filter((p: ASTPath<ImportDeclaration>) => importTarget(file.path, String(p.node.source.value)) === WRAPPER_DIR);

  // Code that talks to the broker directly rather than through the wrapper.
  if (!file.path.startsWith(`${WRAPPER_DIR}/`))
    f.root.find(j.CallExpression, { callee: { type: "Identifier", name: "createLovableAuth" } }).forEach((p) => {
      f.todo(spanOfNode(p.node).start, `Lovable's OAuth broker only works on Lovable hosting: sign in with ${SIGN_IN} instead`);
    });

  const providers: string[] = [];
  let rewritten = 0;
  const lovable = lovableBinding(f, wrapperImports);
  if (lovable) {
    const client = supabaseBinding(f);
    f.root.find(j.CallExpression).forEach((p: ASTPath<CallExpression>) => {
      if (isWrapperSignIn(j, p.node, lovable.local) && rewriteSignIn(f, p, client, providers)) rewritten++;
    });
    if (rewritten) swapImports(f, lovable, client.needsImport, rewritten);
  }
  for (const p of wrapperImports.paths())
    if (p.node !== lovable?.declaration)
      report(
        lineAt(source, spanOfNode(p.node).start),
        "imports something other than `lovable` from the Lovable integration",
        "medium",
      );
  const out = edits.size ? applySpanEdits(source, [...edits.values()]) : source;
  return { source: out, rewrite: rewritten ? { providers } : undefined };
}

function remainingUses(ctx: StepContext): { wrapper: string[]; pkg: string[] } {
  const wrapper: string[] = [];
  const pkg: string[] = [];
  for (const file of ctx.files.list({ patterns: ["**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts,css,scss,html,vue,svelte}"] })) {
    if (file.startsWith(`${WRAPPER_DIR}/`)) continue;
    // Searched in the bytes first: in a big project almost no file mentions either.
    const bytes = ctx.files.readBytes(file);
    if (!bytes || (!bytes.includes("integrations/lovable") && !bytes.includes(PACKAGE))) continue;
    const text = bytes.toString("utf8");
    if (text.includes("integrations/lovable") && specifiers(text).some((s) => importTarget(file, s) === WRAPPER_DIR))
      wrapper.push(file);
    if (text.includes(PACKAGE)) pkg.push(file);
  }
  return { wrapper, pkg };
}

/** Drops the package from a vite.config `optimizeDeps.include` list (Lovable adds it there). */
function dropFromViteConfig(ctx: StepContext, file: string): boolean {
  const source = ctx.files.read(file)!;
  const j = jscodeshiftFor(file);
  const edits: SpanEdit[] = [];
  j(source)
    .find(j.ArrayExpression)
    .forEach((p) => {
      const elements = p.node.elements;
      const index = elements.findIndex((e) => j.StringLiteral.check(e) && e.value === PACKAGE);
      if (index >= 0) edits.push(removeListElementEdit(source, elements, index));
    });
  if (!edits.length) return false;
  ctx.files.write(file, applySpanEdits(source, edits));
  return !(ctx.files.read(file) ?? "").includes(PACKAGE);
}

const codemod: Codemod = {
  name: "cloud-auth-to-supabase-oauth",
  description:
    "Lovable Cloud OAuth (lovable.auth.signInWithOAuth) to supabase.auth.signInWithOAuth; the wrapper and @lovable.dev/cloud-auth-js removed once unused",
  builders: ["lovable-vite"],
  files: ["src/**/*.{ts,tsx,js,jsx,mts,mjs}"],
  mentions: ["integrations/lovable", "createLovableAuth"],
  appliesTo: (project) =>
    project.builder.id === "lovable-vite" &&
    (PACKAGE in (project.packageJson?.dependencies ?? {}) || PACKAGE in (project.packageJson?.devDependencies ?? {})),
  transform(file, { j, report, share }) {
    if (file.path.startsWith(`${WRAPPER_DIR}/`)) return undefined;
    const { source, rewrite } = rewriteFile(j, file, (line, message, severity = "medium") =>
      report({
        severity,
        code: severity === "low" ? "oauth-provider-variable" : "lovable-integration-import",
        line,
        message,
        hint:
          severity === "low"
            ? "make sure the value is one Supabase Auth knows"
            : "replace it with Supabase Auth, then remove the import",
      }),
    );
    if (rewrite) share(rewrite);
    return changedText(file.source, source);
  },
  project(ctx, shared) {
    const providers = [...new Set(shared.flatMap((s) => (s.data as Rewrite).providers))];
    let uses = remainingUses(ctx);
    if (!uses.wrapper.length && ctx.files.list({ patterns: [`${WRAPPER_DIR}/**/*`] }).length) ctx.files.removeDir(WRAPPER_DIR);
    else if (uses.wrapper.length)
      ctx.report(
        finding({
          severity: "medium",
          code: "lovable-integration-kept",
          file: WRAPPER_DIR,
          message: `${WRAPPER_DIR}/ is still imported by ${uses.wrapper.join(", ")}`,
          hint: "finish the ownit-todo markers there, then delete the folder",
        }),
      );
    for (const file of uses.pkg.filter((f) => /(^|\/)vite\.config\.[cm]?[jt]s$/.test(f))) dropFromViteConfig(ctx, file);
    uses = remainingUses(ctx);
    const pkg = ctx.files.read("package.json");
    if (pkg !== undefined && !uses.pkg.length) {
      const without = removeDependency(pkg, PACKAGE);
      if (without !== pkg) ctx.files.write("package.json", without);
    } else if (uses.pkg.length) {
      ctx.report(
        finding({
          severity: "medium",
          code: "lovable-package-kept",
          file: "package.json",
          message: `${PACKAGE} stays: still used by ${uses.pkg.join(", ")}`,
          hint: "replace those uses (the stylesheet and logo belong to the Lovable sign-in button), then remove the package",
        }),
      );
    }
    if (providers.length) {
      ctx.report(
        finding({
          severity: "medium",
          code: "oauth-provider-setup",
          message: `sign-in with ${providers.join(", ")} now goes straight to Supabase Auth; Lovable's broker held the OAuth client for you`,
          hint: "in your Supabase project enable each provider (Authentication → Providers) with your own OAuth client ID and secret, and add your site's URL to the allowed redirect URLs",
        }),
      );
    }
  },
};

export default codemod;
