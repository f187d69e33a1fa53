// cloud-auth-to-supabase-oauth: Lovable Cloud signs users in with Google/Apple/Microsoft through
// its own OAuth broker (`@lovable.dev/cloud-auth-js`, wrapped in src/integrations/lovable/index.ts
// as `lovable.auth.signInWithOAuth(provider, { redirect_uri, extraParams })`). Off Lovable the broker
// is gone (its /~oauth/initiate route 404s), so each call becomes Supabase's own
// `supabase.auth.signInWithOAuth({ provider, options: { redirectTo, queryParams } })`, which
// redirects the browser the same way and returns `{ data, error }`. When nothing imports the wrapper
// any more it is removed, and the package with it when nothing else uses it.
import path from "node:path";
import type { ASTPath, CallExpression, ImportDeclaration, JSCodeshift } from "jscodeshift";
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

type AnyNode = { type: string; start: number; end: number; [key: string]: unknown };

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

function rewriteFile(
  j: JSCodeshift,
  file: { path: string; source: string },
  report: (line: number, message: string, severity?: "low" | "medium") => void,
): { source: string; rewrite?: Rewrite } {
  const source = file.source;
  const root = j(source);
  const wrapperImports = root
    .find(j.ImportDeclaration)
    .filter((p: ASTPath<ImportDeclaration>) => importTarget(file.path, String(p.node.source.value)) === WRAPPER_DIR);
  const edits = new Map<number, SpanEdit>();
  const todo = (at: number, what: string) => {
    const edit = todoLineEdit(source, at, what);
    if (edit) edits.set(edit.start, edit);
  };

  // Code that talks to the broker directly rather than through the wrapper.
  root.find(j.CallExpression, { callee: { type: "Identifier", name: "createLovableAuth" } }).forEach((p) => {
    if (file.path.startsWith(`${WRAPPER_DIR}/`)) return;
    todo(
      spanOfNode(p.node).start,
      `Lovable's OAuth broker only works on Lovable hosting: sign in with supabase.auth.signInWithOAuth({ provider, options: { redirectTo } }) instead`,
    );
  });

  const providers: string[] = [];
  let rewritten = 0;
  let lovableImport: ImportDeclaration | undefined;
  let local: string | undefined;
  wrapperImports.forEach((p) => {
    for (const spec of p.node.specifiers ?? []) {
      if (spec.type === "ImportSpecifier" && spec.imported.name === "lovable" && typeof spec.local?.name === "string") {
        lovableImport = p.node;
        local = spec.local.name;
      }
    }
  });

  if (lovableImport && local) {
    // The Supabase client as this file already has it, or as it will be imported.
    let supabaseName: string | undefined;
    root.find(j.ImportDeclaration).forEach((p) => {
      if (importTarget(file.path, String(p.node.source.value)) !== SUPABASE_CLIENT) return;
      for (const spec of p.node.specifiers ?? [])
        if (spec.type === "ImportSpecifier" && spec.imported.name === "supabase" && typeof spec.local?.name === "string")
          supabaseName = spec.local.name;
    });
    const needsImport = supabaseName === undefined;
    const nameTaken = needsImport && root.find(j.Identifier, { name: "supabase" }).size() > 0;
    const name = supabaseName ?? "supabase";

    root.find(j.CallExpression).forEach((p: ASTPath<CallExpression>) => {
      const callee = p.node.callee as unknown as AnyNode;
      if (
        callee.type !== "MemberExpression" ||
        (callee.property as AnyNode).type !== "Identifier" ||
        (callee.property as { name: string }).name !== "signInWithOAuth"
      )
        return;
      const auth = callee.object as AnyNode;
      if (
        auth.type !== "MemberExpression" ||
        (auth.property as { name?: string }).name !== "auth" ||
        (auth.object as { name?: string }).name !== local
      )
        return;
      const at = spanOfNode(p.node).start;
      if (nameTaken)
        return todo(
          at,
          `sign in with supabase.auth.signInWithOAuth({ provider, options: { redirectTo } }) (this file already uses the name "supabase" for something else)`,
        );
      const [providerArg, optionsArg, ...rest] = p.node.arguments as unknown as AnyNode[];
      if (!providerArg || rest.length)
        return todo(at, "rewrite this sign-in with supabase.auth.signInWithOAuth({ provider, options: { redirectTo } })");

      let provider: string;
      if (providerArg.type === "StringLiteral") {
        const mapped = PROVIDERS[providerArg.value as string];
        if (!mapped)
          return todo(
            at,
            `"${providerArg.value}" sign-in exists only on Lovable: offer a provider Supabase Auth supports instead`,
          );
        const quote = source[providerArg.start];
        provider = `${quote}${mapped}${quote}`;
        providers.push(mapped);
      } else {
        provider = source.slice(providerArg.start, providerArg.end);
        providers.push("(chosen at run time)");
        report(
          lineAt(source, at),
          `the provider is chosen at run time (${provider}): Supabase Auth calls Microsoft "azure", where Lovable said "microsoft"`,
          "low",
        );
      }

      const options: string[] = [];
      if (optionsArg) {
        if (optionsArg.type !== "ObjectExpression")
          return todo(
            at,
            "rewrite this sign-in with supabase.auth.signInWithOAuth({ provider, options: { redirectTo } }) (its options are built elsewhere)",
          );
        for (const prop of optionsArg.properties as AnyNode[]) {
          const key = propertyKey(prop);
          if (!key || !OPTIONS[key])
            return todo(
              at,
              "rewrite this sign-in with supabase.auth.signInWithOAuth({ provider, options: { redirectTo, queryParams } }) (it passes options ownit does not map)",
            );
          const value = prop.value as AnyNode;
          options.push(`${OPTIONS[key]}: ${source.slice(value.start, value.end)}`);
        }
      }

      // Supabase answers { data: { provider, url }, error }: `redirected` and `tokens` are gone.
      const declarator = p.parent?.node?.type === "AwaitExpression" ? (p.parent.parent?.node as AnyNode | undefined) : undefined;
      const resultName =
        declarator?.type === "VariableDeclarator" && (declarator.id as AnyNode).type === "Identifier"
          ? (declarator.id as { name: string }).name
          : undefined;
      if (resultName) {
        const stale = root
          .find(j.MemberExpression, { object: { type: "Identifier", name: resultName } })
          .filter((m) => ["redirected", "tokens"].includes((m.node.property as { name?: string }).name ?? ""));
        if (stale.size())
          todo(
            spanOfNode(stale.get().node).start,
            `supabase.auth.signInWithOAuth redirects the browser and returns { data, error }: ${resultName}.redirected / .tokens no longer exist`,
          );
      }

      const lineStart = source.lastIndexOf("\n", at) + 1;
      const indent = /^[ \t]*/.exec(source.slice(lineStart))![0];
      const multiline = optionsArg !== undefined && source.slice(optionsArg.start, optionsArg.end).includes("\n");
      const parts = [
        provider === "provider" ? "provider" : `provider: ${provider}`,
        ...(options.length ? [`options: { ${options.join(", ")} }`] : []),
      ];
      const args = multiline
        ? `{\n${parts.map((part) => `${indent}  ${part},`).join("\n")}\n${indent}}`
        : `{ ${parts.join(", ")} }`;
      const argsEnd = (p.node as unknown as AnyNode).end - 1; // the closing parenthesis
      edits.set(callee.start, { start: callee.start, end: argsEnd, text: `${name}.auth.signInWithOAuth(${args}` });
      rewritten++;
    });

    if (rewritten) {
      // The wrapper import goes when nothing else in the file uses it; the client import comes in.
      const stillUsed =
        root
          .find(j.Identifier, { name: local })
          .filter((p) => !String(p.parent?.node?.type).startsWith("Import"))
          .size() > rewritten;
      const importNode = lovableImport as unknown as AnyNode;
      const lovableSource = String((lovableImport as ImportDeclaration).source.value);
      const importText = source.slice(importNode.start, importNode.end);
      const quote = importText.includes("'") && !importText.includes('"') ? "'" : '"';
      const semi = importText.trimEnd().endsWith(";") ? ";" : "";
      const clientImport = `import { supabase } from ${quote}${supabaseImportSource(file.path, lovableSource)}${quote}${semi}`;
      const onlyLovable = ((lovableImport as ImportDeclaration).specifiers ?? []).length === 1;
      if (!stillUsed && onlyLovable)
        edits.set(
          importNode.start,
          needsImport
            ? { start: importNode.start, end: importNode.end, text: clientImport }
            : removeStatementEdit(source, importNode),
        );
      else if (needsImport)
        edits.set(importNode.start, { start: importNode.start, end: importNode.start, text: `${clientImport}\n` });
    }
  }
  for (const p of wrapperImports.paths())
    if (!lovableImport || p.node !== lovableImport)
      report(
        lineAt(source, spanOfNode(p.node).start),
        "imports something other than `lovable` from the Lovable integration",
        "medium",
      );
  const out = edits.size ? applySpanEdits(source, [...edits.values()]) : source;
  return { source: out, rewrite: rewritten ? { providers } : undefined };
}

/** Files that still import the wrapper folder, and files that still mention the package. */
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
      const elements = p.node.elements as unknown as AnyNode[];
      const index = elements.findIndex((e) => e?.type === "StringLiteral" && e.value === PACKAGE);
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
