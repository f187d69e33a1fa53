// lovable-email-to-smtp: @lovable.dev/email-js sends mail through Lovable's email API (keyed by
// LOVABLE_API_KEY) and @lovable.dev/webhooks-js checks webhooks Lovable signed; off Lovable both
// stop working. Their calls move onto owned code written into the app: src/lib/smtp-email.server.ts
// (nodemailer on SMTP_* env settings, same message shape) and src/lib/signed-webhooks.server.ts
// (the same HMAC scheme, keyed by WEBHOOK_SECRET). Imports and names are renamed in place
// (sendLovableEmail → sendEmail, EmailAPIError → EmailSendError); the Lovable API options passed as
// a second argument go; `secret: process.env.LOVABLE_API_KEY` becomes WEBHOOK_SECRET. Any other
// read of LOVABLE_API_KEY in those files (a "is email set up?" check) gets an ownit-todo marker.
// What has no owned equivalent (auth-email hooks, email logs, unsubscribe lists) and Supabase edge
// functions (Deno: their own runtime) stay as they are, with a marker at each call.
import { existsSync } from "node:fs";
import path from "node:path";
import type { Collection, JSCodeshift } from "jscodeshift";
import { finding, generatedFiles, type StepContext } from "@ownit/core";
import {
  changedText,
  addDependencies,
  addEnvExampleNames,
  testedVersions,
  applySpanEdits,
  parseJson,
  removeDependency,
  spanOfNode,
  todoLineEdit,
  type Codemod,
  type SpanEdit,
} from "@ownit/codemod";
import { EMAIL_MODULE, EMAIL_MODULE_MARK, WEBHOOKS_MODULE, WEBHOOKS_MODULE_MARK } from "./templates";

type AnyNode = { type: string; start?: number; end?: number; [key: string]: unknown };

const EMAIL_PACKAGE = "@lovable.dev/email-js";
const WEBHOOKS_PACKAGE = "@lovable.dev/webhooks-js";

/** Each package's exports that have an owned equivalent, with the owned name. */
const OWNED: Record<string, { module: "email" | "webhooks"; names: Record<string, string> }> = {
  [EMAIL_PACKAGE]: {
    module: "email",
    names: {
      sendLovableEmail: "sendEmail",
      EmailAPIError: "EmailSendError",
      formatEmailFrom: "formatEmailFrom",
      EmailSendRequest: "EmailMessage",
      EmailSendResponse: "EmailSendResult",
      EmailFrom: "EmailFrom",
      EmailFromParts: "EmailFromParts",
    },
  },
  [WEBHOOKS_PACKAGE]: {
    module: "webhooks",
    names: {
      verifyWebhookRequest: "verifyWebhookRequest",
      verifyWebhookSignature: "verifyWebhookSignature",
      WebhookError: "WebhookError",
      WebhookErrorCode: "WebhookErrorCode",
      VerifiedWebhook: "VerifiedWebhook",
      VerifyWebhookOptions: "VerifyWebhookOptions",
      VerifyWebhookRequestOptions: "VerifyWebhookRequestOptions",
    },
  },
};

/** Where the owned modules go (src/lib when the app has src/), and their env settings. */
const MODULES = {
  email: { file: "lib/smtp-email.server.ts", text: EMAIL_MODULE, mark: EMAIL_MODULE_MARK },
  webhooks: { file: "lib/signed-webhooks.server.ts", text: WEBHOOKS_MODULE, mark: WEBHOOKS_MODULE_MARK },
} as const;

const ENV = {
  email: {
    comment: "Email over SMTP (server only; used by lib/smtp-email.server.ts)",
    names: ["SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "EMAIL_FROM"],
  },
  webhooks: {
    comment: "Secret that signs incoming webhooks (server only; see lib/signed-webhooks.server.ts)",
    names: ["WEBHOOK_SECRET"],
  },
} as const;

/** The owned code's own dependencies. */
const EMAIL_DEPENDENCIES = { dependencies: testedVersions("nodemailer"), devDependencies: testedVersions("@types/nodemailer") };

const LOVABLE_KEY = "LOVABLE_API_KEY";
/**
 * Reads of the key Lovable's services took. ai-gateway-to-env (which runs first) renames
 * LOVABLE_API_KEY to AI_API_KEY wherever it reads it; in a file that never called the AI gateway
 * that read is still the email key, so both names count there.
 */
function keyReadPattern(source: string): RegExp {
  const names = source.includes("AI_GATEWAY_URL") ? "LOVABLE_API_KEY" : "(?:LOVABLE_API_KEY|AI_API_KEY)";
  return new RegExp(
    `(?:process\\.env(?:\\.${names}\\b|\\[\\s*["'\`]${names}["'\`]\\s*\\])|Deno\\.env\\.get\\(\\s*["'\`]${names}["'\`]\\s*\\))`,
    "g",
  );
}

function packageOf(source: string): string | undefined {
  const bare = source.replace(/^npm:/, "").replace(/^https:\/\/esm\.sh\//, "");
  return [EMAIL_PACKAGE, WEBHOOKS_PACKAGE].find((p) => bare === p || bare.startsWith(`${p}@`) || bare.startsWith(`${p}/`));
}

/** What a file's rewrite tells the project step. */
interface Used {
  modules: Array<"email" | "webhooks">;
  /** Packages this file still imports (calls ownit could not carry over). */
  stillImports: string[];
  /** Webhook endpoints, for the finding about who signs their requests now. */
  webhookEndpoint: boolean;
}

/** The specifier a file imports an owned module by: `@/lib/…` when tsconfig maps `@/*`, else a relative path. */
function specifierFor(from: string, target: string, atAlias: boolean): string {
  const noExt = target.replace(/\.ts$/, "");
  if (atAlias && noExt.startsWith("src/")) return `@/${noExt.slice(4)}`;
  const rel = path.posix.relative(path.posix.dirname(from), noExt);
  return rel.startsWith(".") ? rel : `./${rel}`;
}

interface FileContext {
  path: string;
  source: string;
  /** Where the owned modules live in this project. */
  moduleFile: (m: "email" | "webhooks") => string;
  atAlias: boolean;
  /** An owned module's path is taken by a file ownit did not write. */
  blocked: (m: "email" | "webhooks") => boolean;
}

const UNSUPPORTED_TODO = (name: string, pkg: string) =>
  `${name} from ${pkg} calls Lovable's service, which stops working off Lovable: replace it with your own provider`;
const DENO_TODO = (name: string, pkg: string) =>
  `${name} from ${pkg} calls Lovable's service from this edge function, which stops working off Lovable: send through your SMTP provider instead`;
const KEY_TODO = `this read ${LOVABLE_KEY}, the key for Lovable's email API, which this code no longer calls: email goes through SMTP_* now (smtp-email.server.ts); drop this check`;

/** A second argument with no side effects (an identifier, or an object of plain values) can simply go. */
function isPlainValue(node: AnyNode): boolean {
  if (node.type === "TemplateLiteral") return (node.expressions as unknown[]).length === 0;
  if (node.type === "Identifier" || node.type.endsWith("Literal") || node.type === "MemberExpression") return true;
  if (node.type === "ObjectExpression")
    return (node.properties as AnyNode[]).every((p) => p.type === "ObjectProperty" && isPlainValue(p.value as AnyNode));
  if (node.type === "LogicalExpression") return isPlainValue(node.left as AnyNode) && isPlainValue(node.right as AnyNode);
  return false;
}

/** One file's rewrite in progress; edits keyed by span, so a marker inserted where a rename starts does not replace it. */
interface EmailRewrite {
  j: JSCodeshift;
  root: Collection;
  f: FileContext;
  used: Used;
  deno: boolean;
  edit(e: SpanEdit | undefined): void;
  /** Local name → owned name, for bindings renamed to the owned name. */
  renamed: Map<string, string>;
  /** Local name → owned name, for every binding moved onto owned code (renamed or not). */
  ownedOf: Map<string, string>;
  /** Local name → package, for bindings that stay on Lovable's package. */
  leftLocals: Map<string, string>;
}

/** Imports of Lovable's packages move onto the owned modules when every name has an owned equivalent. */
function moveImports(r: EmailRewrite): void {
  const { j, root, f, used, deno, edit, renamed, ownedOf, leftLocals } = r;
  root.find(j.ImportDeclaration).forEach((p) => {
    const node = p.node as unknown as AnyNode;
    const pkg = packageOf((node.source as AnyNode).value as string);
    if (!pkg) return;
    const owned = OWNED[pkg]!;
    const specifiers = (node.specifiers as AnyNode[]) ?? [];
    const movable =
      !deno &&
      !f.blocked(owned.module) &&
      specifiers.length > 0 &&
      specifiers.every((s) => s.type === "ImportSpecifier" && ((s.imported as AnyNode).name as string) in owned.names);
    if (!movable) {
      for (const s of specifiers) leftLocals.set((s.local as AnyNode).name as string, pkg);
      used.stillImports.push(pkg);
      return;
    }
    const parts = specifiers.map((s) => {
      const imported = (s.imported as AnyNode).name as string;
      const local = (s.local as AnyNode).name as string;
      const ownedName = owned.names[imported]!;
      ownedOf.set(local, ownedName);
      // The owned name is taken when the file already uses that word: keep the local name then.
      const rename = local === imported && (ownedName === local || !new RegExp(`\\b${ownedName}\\b`).test(f.source));
      if (rename) renamed.set(local, ownedName);
      const kind = s.importKind === "type" ? "type " : "";
      return kind + (rename || local === ownedName ? ownedName : `${ownedName} as ${local}`);
    });
    const typeOnly = node.importKind === "type" ? "type " : "";
    const quote = f.source[spanOfNode(node.source).start] === "'" ? "'" : '"';
    const semi = f.source.slice(spanOfNode(node).start, spanOfNode(node).end).trimEnd().endsWith(";") ? ";" : "";
    const specifier = specifierFor(f.path, f.moduleFile(owned.module), f.atAlias);
    edit({ ...spanOfNode(node), text: `import ${typeOnly}{ ${parts.join(", ")} } from ${quote}${specifier}${quote}${semi}` });
    if (!used.modules.includes(owned.module)) used.modules.push(owned.module);
  });
}

/** References to moved bindings take the owned names. */
function renameReferences(r: EmailRewrite): void {
  const { j, root, edit, renamed } = r;
  root.find(j.Identifier).forEach((p) => {
    const name = p.node.name;
    const to = renamed.get(name);
    if (!to) return;
    const parent = p.parent?.node as AnyNode;
    if (parent.type === "ImportSpecifier" || parent.type === "ImportDefaultSpecifier") return;
    if (
      (parent.type === "MemberExpression" || parent.type === "OptionalMemberExpression") &&
      parent.property === p.node &&
      !parent.computed
    )
      return;
    if (
      (parent.type === "ObjectProperty" || parent.type === "ObjectMethod") &&
      parent.key === p.node &&
      !parent.computed &&
      !parent.shorthand
    )
      return;
    if (p.scope && p.scope.lookup(name) && !p.scope.lookup(name).isGlobal && p.scope.lookup(name).path.node.type !== "Program")
      return;
    edit({ ...spanOfNode(p.node), text: to });
  });
}

/** Calls: Lovable-only arguments go, webhook secrets become WEBHOOK_SECRET, calls left on Lovable get a marker. */
function rewriteCalls(r: EmailRewrite): void {
  const { j, root, f, used, deno, edit, ownedOf, leftLocals } = r;
  root.find(j.CallExpression).forEach((p) => {
    const call = p.node as unknown as AnyNode;
    const callee = call.callee as AnyNode;
    if (callee.type !== "Identifier") return;
    const name = callee.name as string;
    const args = call.arguments as AnyNode[];
    // sendLovableEmail(payload, { apiKey, sendUrl }): the Lovable API options have no meaning now.
    if (ownedOf.get(name) === "sendEmail" && args.length === 2 && isPlainValue(args[1]!)) {
      edit({ start: spanOfNode(args[0]).end, end: spanOfNode(args[1]).end, text: "" });
    }
    // verifyWebhookRequest({ req, secret: process.env.LOVABLE_API_KEY }): the owner's secret signs now.
    if (
      (ownedOf.get(name) === "verifyWebhookRequest" || ownedOf.get(name) === "verifyWebhookSignature") &&
      args[0]?.type === "ObjectExpression"
    ) {
      used.webhookEndpoint = true;
      for (const prop of args[0].properties as AnyNode[]) {
        if (prop.type !== "ObjectProperty" || ((prop.key as AnyNode).name as string) !== "secret") continue;
        const value = prop.value as AnyNode;
        const text = f.source.slice(spanOfNode(value).start, spanOfNode(value).end);
        const read = keyReadPattern(f.source).exec(text);
        const name = read && /LOVABLE_API_KEY|AI_API_KEY/.exec(read[0]);
        if (read && name) {
          const at = spanOfNode(value).start + read.index + name.index;
          edit({ start: at, end: at + name[0].length, text: "WEBHOOK_SECRET" });
        }
      }
    }
    const leftPkg = leftLocals.get(name);
    if (leftPkg)
      edit(todoLineEdit(f.source, spanOfNode(call).start, deno ? DENO_TODO(name, leftPkg) : UNSUPPORTED_TODO(name, leftPkg)));
  });
}

function rewrite(j: JSCodeshift, f: FileContext, used: Used): string {
  const edits = new Map<string, SpanEdit>();
  const r: EmailRewrite = {
    j,
    root: j(f.source),
    f,
    used,
    deno: f.path.startsWith("supabase/functions/"),
    edit: (e) => void (e && edits.set(`${e.start}:${e.end}`, e)),
    renamed: new Map(),
    ownedOf: new Map(),
    leftLocals: new Map(),
  };
  moveImports(r);
  if (!r.ownedOf.size && !r.leftLocals.size) return f.source;
  renameReferences(r);
  rewriteCalls(r);
  // Whatever still reads LOVABLE_API_KEY in a file whose email moved is a check that no longer means anything.
  if (used.modules.includes("email")) {
    for (const m of f.source.matchAll(keyReadPattern(f.source))) {
      const end = m.index! + m[0].length;
      const taken = [...edits.values()].some((e) => e.start < end && m.index! < e.end);
      if (!taken) r.edit(todoLineEdit(f.source, m.index!, KEY_TODO));
    }
  }
  // At one position a replacement goes before an insertion (applySpanEdits keeps ties in this order).
  const ordered = [...edits.values()].sort((a, b) => b.start - a.start || b.end - a.end);
  return ordered.length ? applySpanEdits(f.source, ordered) : f.source;
}

function writeModules(ctx: StepContext, modules: Set<"email" | "webhooks">, base: string): void {
  for (const m of modules) {
    const file = `${base}${MODULES[m].file}`;
    if (ctx.files.read(file) === undefined) ctx.files.write(file, MODULES[m].text, { generated: true });
    addEnvExampleNames(ctx.files, ENV[m].names, ENV[m].comment);
  }
}

/** Whether any app code (edge functions aside: Deno imports by URL) still imports the package. */
function stillImported(ctx: StepContext, pkg: string): boolean {
  const specifier = new RegExp(`["'\`]${pkg.replace(/[./]/g, "\\$&")}(?:/[^"'\`]*)?["'\`]`);
  return ctx.files
    .list({ patterns: ["**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts}"] })
    .filter((f) => !f.startsWith("supabase/functions/"))
    .some((f) => specifier.test(ctx.files.read(f) ?? ""));
}

const codemod: Codemod = {
  name: "lovable-email-to-smtp",
  description:
    "calls to @lovable.dev/email-js and webhooks-js → owned code (nodemailer over SMTP_* env, webhooks signed with WEBHOOK_SECRET)",
  builders: ["lovable-tanstack", "lovable-vite"],
  files: ["**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts}"],
  mentions: [EMAIL_PACKAGE, WEBHOOKS_PACKAGE],
  appliesTo: (project) =>
    [EMAIL_PACKAGE, WEBHOOKS_PACKAGE].some(
      (p) => project.packageJson?.dependencies?.[p] ?? project.packageJson?.devDependencies?.[p],
    ) || project.builder.id === "lovable-tanstack",
  transform(file, { j, read, share, report, project }) {
    const generated = generatedFiles(project.root);
    const base = existsSync(path.join(project.root, "src")) ? "src/" : "";
    const tsconfig = parseJson<{ compilerOptions?: { paths?: Record<string, string[]> } }>(read("tsconfig.json") ?? "");
    const used: Used = { modules: [], stillImports: [], webhookEndpoint: false };
    const out = rewrite(
      j,
      {
        path: file.path,
        source: file.source,
        moduleFile: (m) => `${base}${MODULES[m].file}`,
        atAlias: Boolean(tsconfig?.compilerOptions?.paths?.["@/*"]),
        blocked: (m) => {
          const rel = `${base}${MODULES[m].file}`;
          return generated.stateOf(rel, read(rel), MODULES[m].mark) === "owner";
        },
      },
      used,
    );
    for (const m of ["email", "webhooks"] as const) {
      const pkg = m === "email" ? EMAIL_PACKAGE : WEBHOOKS_PACKAGE;
      const rel = `${base}${MODULES[m].file}`;
      if (used.stillImports.includes(pkg) && generated.stateOf(rel, read(rel), MODULES[m].mark) === "owner") {
        report({
          severity: "medium",
          code: "owned-module-path-taken",
          message: `${base}${MODULES[m].file} already exists and is not the module ownit writes, so ${pkg} stays here`,
          hint: "rename your file, then run the transform again",
        });
      }
    }
    if (used.modules.length || used.stillImports.length) share({ ...used, base, file: file.path });
    return changedText(file.source, out);
  },
  async project(ctx, shared) {
    const uses = shared.map((s) => s.data as Used & { base: string; file: string });
    if (!uses.length) return;
    const modules = new Set(uses.flatMap((u) => u.modules));
    const base = uses.find((u) => u.modules.length)?.base ?? "src/";
    writeModules(ctx, modules, base);

    // Packages nothing imports any more leave package.json before npm resolves the new ones.
    let pkg = ctx.files.read("package.json");
    for (const p of [EMAIL_PACKAGE, WEBHOOKS_PACKAGE])
      if (pkg !== undefined && !stillImported(ctx, p)) pkg = removeDependency(pkg, p);
    if (pkg !== undefined && pkg !== ctx.files.read("package.json")) ctx.files.write("package.json", pkg);
    if (modules.has("email")) await addDependencies(ctx, EMAIL_DEPENDENCIES);

    if (modules.has("email")) {
      ctx.report(
        finding({
          severity: "medium",
          code: "email-now-smtp",
          file: `${base}${MODULES.email.file}`,
          message: "email that went through Lovable's email API now goes through your SMTP server",
          hint: "set SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD and EMAIL_FROM on the server (see .env.example)",
        }),
      );
    }
    for (const u of uses.filter((x) => x.webhookEndpoint)) {
      ctx.report(
        finding({
          severity: "medium",
          code: "webhook-sender-needed",
          file: u.file,
          message: "this endpoint checked webhooks Lovable signed; off Lovable nothing sends them until you point a sender at it",
          hint: "have the sender sign with WEBHOOK_SECRET as described in signed-webhooks.server.ts, or delete the endpoint",
        }),
      );
    }
    for (const p of new Set(uses.flatMap((u) => u.stillImports))) {
      const where = uses.filter((u) => u.stillImports.includes(p)).map((u) => u.file);
      ctx.report(
        finding({
          severity: "medium",
          code: "lovable-email-left",
          message: `${p} is still used in ${where.join(", ")}: calls without an owned equivalent are marked ownit-todo`,
          hint: "replace each marked call, then remove the package",
        }),
      );
    }
  },
};

export default codemod;
