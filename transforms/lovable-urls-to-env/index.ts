// lovable-urls-to-env: code that spells out the app's published Lovable address
// (https://<name>.lovable.app: password-reset links, share links, OAuth redirects) keeps pointing
// there after the move. The address becomes an env read (VITE_SITE_URL in browser code, SITE_URL
// in edge functions and server code) whose current value goes to .env.local, so the app behaves as
// before until the owner sets their own domain. Lovable's editor preview hosts
// (id-preview--….lovable.app, *.lovableproject.com) are never the owner's site, and URLs in a list
// (a CORS allowlist) are a decision for the owner: those get a marker instead.
import type { JSCodeshift } from "jscodeshift";
import { finding, type ProjectFacts } from "@ownit/core";
import {
  addEnvExampleNames,
  addEnvLocalValues,
  applySpanEdits,
  lineAt,
  todoLineEdit,
  type Codemod,
  type SpanEdit,
} from "@ownit/codemod";

/** Any Lovable-hosted origin, and the published ones among them. */
const LOVABLE_ORIGIN = /https?:\/\/[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:lovable\.app|lovableproject\.com)(?![a-z0-9.-])/gi;
const PREVIEW_HOST = /^https?:\/\/(?:id-preview--|preview--)|\.lovableproject\.com$/i;
const BROWSER_VAR = "VITE_SITE_URL";
const SERVER_VAR = "SITE_URL";

type AnyNode = { type: string; start: number; end: number; [key: string]: unknown };

interface Moved {
  name: string;
  origin: string;
}

function envRead(file: string, source: string, project: ProjectFacts): { name: string; read: string } | undefined {
  if (file.startsWith("supabase/functions/") || source.includes("Deno.env"))
    return { name: SERVER_VAR, read: `Deno.env.get("${SERVER_VAR}")` };
  if (file.startsWith("src/") && project.framework.id === "vite-react")
    return { name: BROWSER_VAR, read: `import.meta.env.${BROWSER_VAR}` };
  if (source.includes("process.env")) return { name: SERVER_VAR, read: `process.env.${SERVER_VAR}` };
  if (file.startsWith("src/")) return { name: BROWSER_VAR, read: `import.meta.env.${BROWSER_VAR}` };
  return undefined;
}

function rewrite(j: JSCodeshift, file: { path: string; source: string }, project: ProjectFacts, moved: Moved[]): string {
  const source = file.source;
  const env = envRead(file.path, source, project);
  const edits = new Map<number, SpanEdit>();
  // One marker per line: a second note for the same line joins the first.
  const notes = new Map<number, string[]>();
  const todo = (at: number, what: string) => {
    const edit = todoLineEdit(source, at, what);
    if (!edit) return;
    const all = [...(notes.get(edit.start) ?? []), what];
    notes.set(edit.start, all);
    edits.set(edit.start, todoLineEdit(source, at, all.join("; "))!);
  };

  /** The raw text with the published origin replaced by `insert`, or a marker for what stays. */
  const swap = (raw: string, at: number, inList: boolean, insert: string): string | undefined => {
    let out = raw;
    for (const m of raw.matchAll(new RegExp(LOVABLE_ORIGIN.source, "gi"))) {
      const origin = m[0].toLowerCase();
      if (PREVIEW_HOST.test(origin)) {
        todo(at, `${m[0]} is Lovable's editor preview, not your site: remove it or use your own domain`);
        continue;
      }
      if (inList || !env) {
        todo(at, `${m[0]} is the app's Lovable address: add your own domain${inList ? " to this list" : ""}`);
        continue;
      }
      const published = moved[0]?.origin;
      if (published && origin !== published) {
        todo(at, `${m[0]} is a second Lovable address (${env.name} stands for ${published}): point it at your own domain`);
        continue;
      }
      moved.push({ name: env.name, origin });
      out = out.split(m[0]).join(insert);
    }
    return out === raw ? undefined : out;
  };

  const root = j(source);
  const MARK = "\u0000site\u0000";
  root.find(j.StringLiteral).forEach((path) => {
    const node = path.node as unknown as AnyNode;
    const parent = path.parent?.node as AnyNode | undefined;
    if (parent?.type === "ImportDeclaration" || parent?.type === "TSLiteralType") return;
    if (parent?.type === "ObjectProperty" && parent.key === (path.node as unknown)) return;
    const inner = source.slice(node.start + 1, node.end - 1);
    const swapped = swap(inner, node.start, parent?.type === "ArrayExpression", MARK);
    if (swapped === undefined) return;
    const wrap = (text: string) => (parent?.type === "JSXAttribute" ? `{${text}}` : text);
    const text =
      swapped === MARK
        ? env!.read
        : `\`${swapped.replace(/`/g, "\\`").replace(/\$\{/g, "\\${").split(MARK).join(`\${${env!.read}}`)}\``;
    edits.set(node.start, { start: node.start, end: node.end, text: wrap(text) });
  });
  root.find(j.TemplateLiteral).forEach((path) => {
    const inList = (path.parent?.node as AnyNode | undefined)?.type === "ArrayExpression";
    for (const quasi of (path.node as unknown as { quasis: AnyNode[] }).quasis) {
      const swapped = swap(source.slice(quasi.start, quasi.end), quasi.start, inList, env ? `\${${env.read}}` : "");
      if (swapped !== undefined) edits.set(quasi.start, { start: quasi.start, end: quasi.end, text: swapped });
    }
  });
  return edits.size ? applySpanEdits(source, [...edits.values()]) : source;
}

const codemod: Codemod = {
  name: "lovable-urls-to-env",
  description:
    "hard-coded https://<app>.lovable.app addresses to VITE_SITE_URL / SITE_URL (value kept in .env.local); preview hosts marked",
  builders: ["lovable-vite", "lovable-tanstack"],
  files: ["src/**/*.{ts,tsx,js,jsx,mts,mjs}", "supabase/functions/**/*.{ts,js,mts,mjs}", "server/**/*.{ts,js,mts,mjs}"],
  mentions: [".lovable.app", ".lovableproject.com"],
  appliesTo: (project) => project.builder.id.startsWith("lovable"),
  transform(file, { j, project, report, share }) {
    const moved: Moved[] = [];
    const out = rewrite(j, file, project, moved);
    if (moved.length) {
      share(moved);
      report({
        severity: "low",
        code: "lovable-url-to-env",
        line: lineAt(file.source, file.source.toLowerCase().indexOf(moved[0]!.origin)),
        message: `${moved[0]!.origin} (the app's Lovable address) is now read from ${moved[0]!.name}`,
        hint: `set ${moved[0]!.name} to your own domain when the app moves; until then .env.local keeps the Lovable address`,
      });
    }
    return out;
  },
  project(ctx, shared) {
    const moved = shared.flatMap((s) => s.data as Moved[]);
    if (!moved.length) return;
    const values = new Map<string, string>();
    for (const m of moved) {
      const first = values.get(m.name);
      if (first === undefined) values.set(m.name, m.origin);
      else if (first !== m.origin)
        ctx.report(
          finding({
            severity: "medium",
            code: "lovable-urls-disagree",
            message: `the code names two Lovable addresses (${first}, ${m.origin}); ${m.name} holds the first`,
            hint: "check each place now reading it, and point them at your own domain",
          }),
        );
    }
    // Vite reads VITE_SITE_URL from .env.local; SITE_URL is set where the functions run.
    const browser = values.get(BROWSER_VAR);
    if (browser)
      addEnvLocalValues(
        ctx.files,
        [[BROWSER_VAR, browser]],
        "the address the app links to (was hard-coded; set your own domain)",
      );
    addEnvExampleNames(ctx.files, values.keys(), "the app's public address, e.g. https://app.example.com");
    if (values.has(SERVER_VAR))
      ctx.report(
        finding({
          severity: "low",
          code: "site-url-to-set",
          message: `edge functions and server code now read ${SERVER_VAR} (was ${values.get(SERVER_VAR)})`,
          hint: `set it where they run (edge functions: \`supabase secrets set ${SERVER_VAR}=https://your-domain\`)`,
        }),
      );
  },
};

export default codemod;
