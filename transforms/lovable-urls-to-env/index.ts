// lovable-urls-to-env: code that spells out the app's published Lovable address
// (https://<name>.lovable.app: password-reset links, share links, OAuth redirects) keeps pointing
// there after the move. The address becomes an env read (VITE_SITE_URL in browser code, SITE_URL
// in edge functions and server code) whose current value goes to .env.local, so the app behaves as
// before until the owner sets their own domain. Lovable's editor preview hosts
// (id-preview--….lovable.app, *.lovableproject.com) are never the owner's site, and URLs in a list
// (a CORS allowlist) are a decision for the owner: those get a marker instead.
import type { JSCodeshift } from "jscodeshift";
import { finding, LOVABLE, originOn, type ProjectFacts, lineAt } from "@ownit/core";
import {
  changedText,
  addEnvExampleNames,
  addEnvLocalValues,
  applySpanEdits,
  envReaderFor,
  envReadExpression,
  isValueString,
  spanOfNode,
  todoLineEdit,
  type Codemod,
  type SpanEdit,
} from "@ownit/codemod";

/** Any Lovable-hosted origin, and the published ones among them. */
const LOVABLE_ORIGIN = originOn(LOVABLE.hosts);
const PREVIEW_HOST = /^https?:\/\/(?:id-preview--|preview--)|\.lovableproject\.com$/i;
const BROWSER_VAR = "VITE_SITE_URL";
const SERVER_VAR = "SITE_URL";

interface Moved {
  name: string;
  origin: string;
}

/** The variable a file reads the address from: Vite's for browser code, SITE_URL where a server runs it. */
function envRead(file: { path: string; source: string }, project: ProjectFacts): { name: string; read: string } | undefined {
  const reader = envReaderFor(project, file);
  if (!reader) return undefined;
  const name = reader === "vite" ? BROWSER_VAR : SERVER_VAR;
  return { name, read: envReadExpression(reader, name) };
}

function rewrite(j: JSCodeshift, file: { path: string; source: string }, project: ProjectFacts, moved: Moved[]): string {
  const source = file.source;
  const env = envRead(file, project);
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
    const parent = path.parent?.node;
    if (!isValueString(path.node, parent)) return;
    const { start, end } = spanOfNode(path.node);
    const inner = source.slice(start + 1, end - 1);
    const swapped = swap(inner, start, j.ArrayExpression.check(parent), MARK);
    if (swapped === undefined) return;
    const wrap = (text: string) => (j.JSXAttribute.check(parent) ? `{${text}}` : text);
    // `inner` is the literal's raw text (its escapes stay as written): only what a template adds needs escaping.
    const raw = swapped.replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
    const text = swapped === MARK ? env!.read : `\`${raw.split(MARK).join(`\${${env!.read}}`)}\``;
    edits.set(start, { start, end, text: wrap(text) });
  });
  root.find(j.TemplateLiteral).forEach((path) => {
    const inList = j.ArrayExpression.check(path.parent?.node);
    for (const quasi of path.node.quasis) {
      const { start, end } = spanOfNode(quasi);
      const swapped = swap(source.slice(start, end), start, inList, env ? `\${${env.read}}` : "");
      if (swapped !== undefined) edits.set(start, { start, end, text: swapped });
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
    return changedText(file.source, out);
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
