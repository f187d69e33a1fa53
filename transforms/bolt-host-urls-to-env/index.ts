// bolt-host-urls-to-env: a Bolt app deployed on `<name>.bolt.host` often spells that address out
// in its code (share links, redirect URLs, canonical links). The address stops being the app's
// once it moves, so the origin becomes an env var the owner sets per deployment: the value it had
// goes to .env.local (gitignored, so the app behaves as before) and the name to .env.example.
// Only string and template literals in code are rewritten; the same address in HTML, Markdown or
// JSON, a project pointing at several Bolt hosts, or a framework with no browser env convention
// get a finding instead. supabase/ (migrations, Deno functions) is history or server code: never touched.
import type { JSCodeshift } from "jscodeshift";
import { finding, type ProjectFacts } from "@ownit/core";
import { addEnvExampleNames, addEnvLocalValues, applySpanEdits, lineAt, spanOfNode, type Codemod, type SpanEdit } from "@ownit/codemod";

type AnyNode = { type: string; [key: string]: unknown };

/** `https://<name>.bolt.host`, the origin only (a path after it stays in the string). */
const BOLT_ORIGIN = /https?:\/\/[a-z0-9-]+\.bolt\.host(?![a-z0-9.-])/gi;

/** The env var that takes the origin's place, and how browser code of each framework reads it. */
function siteUrlFor(project: ProjectFacts): { name: string; read: string } | undefined {
  switch (project.framework.id) {
    case "vite-react":
      return { name: "VITE_SITE_URL", read: "import.meta.env.VITE_SITE_URL" };
    case "next":
      return { name: "NEXT_PUBLIC_SITE_URL", read: "process.env.NEXT_PUBLIC_SITE_URL" };
    case "expo":
      return { name: "EXPO_PUBLIC_SITE_URL", read: "process.env.EXPO_PUBLIC_SITE_URL" };
    default:
      return undefined;
  }
}

/** Distinct Bolt hosts detection found in the project's own files (history and build output left out). */
function projectOrigins(project: ProjectFacts): string[] {
  const hosts = new Set<string>();
  for (const f of project.findings) {
    if (f.code !== "hardcoded-builder-url" || !f.file || /^(supabase\/migrations|dist)\//.test(f.file)) continue;
    const host = /[a-z0-9-]+\.bolt\.host/i.exec(f.message)?.[0];
    if (host) hosts.add(host.toLowerCase());
  }
  return [...hosts].sort();
}

/** A template literal's raw text for a cooked string (backslashes, backticks and `${` escaped). */
function templateText(cooked: string): string {
  return cooked.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
}

interface Found {
  origin: string;
  line: number;
}

function rewrite(j: JSCodeshift, source: string, read: string, found: Found[], skipped: Found[]): string {
  const root = j(source);
  const edits: SpanEdit[] = [];
  const note = (list: Found[], origin: string, at: number) => list.push({ origin: origin.replace(/^http:/i, "https:").toLowerCase(), line: lineAt(source, at) });

  root.find(j.StringLiteral).forEach((p) => {
    const value = p.node.value;
    const origins = [...value.matchAll(new RegExp(BOLT_ORIGIN.source, "gi"))];
    if (!origins.length) return;
    const parent = p.parent?.node as AnyNode;
    const { start, end } = spanOfNode(p.node);
    // Import sources, object keys and type positions cannot take an expression.
    if (parent.type === "ImportDeclaration" || parent.type === "ExportNamedDeclaration" || parent.type === "TSLiteralType" || ((parent.type === "ObjectProperty" || parent.type === "ClassProperty") && parent.key === p.node)) {
      for (const m of origins) note(skipped, m[0], start);
      return;
    }
    // "https://x.bolt.host/share" → `${ENV}/share`; the bare origin → ENV itself.
    const parts = value.split(new RegExp(BOLT_ORIGIN.source, "gi"));
    const expression = parts.every((part) => part === "") && origins.length === 1 ? read : `\`${parts.map(templateText).join(`\${${read}}`)}\``;
    edits.push({ start, end, text: parent.type === "JSXAttribute" ? `{${expression}}` : expression });
    for (const m of origins) note(found, m[0], start);
  });

  // Text between JSX tags is not a string ownit can turn into an expression without changing markup.
  root.find(j.JSXText).forEach((p) => {
    for (const m of p.node.value.matchAll(new RegExp(BOLT_ORIGIN.source, "gi"))) note(skipped, m[0], spanOfNode(p.node).start + m.index!);
  });

  root.find(j.TemplateElement).forEach((p) => {
    const { start, end } = spanOfNode(p.node);
    const raw = source.slice(start, end);
    for (const m of raw.matchAll(new RegExp(BOLT_ORIGIN.source, "gi"))) {
      edits.push({ start: start + m.index!, end: start + m.index! + m[0].length, text: `\${${read}}` });
      note(found, m[0], start + m.index!);
    }
  });
  return edits.length ? applySpanEdits(source, edits) : source;
}

const codemod: Codemod = {
  name: "bolt-host-urls-to-env",
  description: "hard-coded https://<app>.bolt.host URLs in code → the site URL env var (value in .env.local, name in .env.example)",
  builders: ["bolt"],
  files: ["**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts}"],
  mentions: [".bolt.host"],
  appliesTo: (project) => project.builder.id === "bolt",
  transform(file, { j, project, report, share }) {
    if (file.path.startsWith("supabase/")) return undefined;
    const site = siteUrlFor(project);
    const origins = projectOrigins(project);
    if (!site || origins.length > 1) {
      const why = site ? `the project points at several Bolt hosts (${origins.join(", ")}); ownit cannot tell which one is the app` : `ownit knows no browser env convention for a ${project.framework.id} app`;
      for (const m of file.source.matchAll(new RegExp(BOLT_ORIGIN.source, "gi"))) {
        report({ severity: "low", code: "bolt-host-url-left", line: lineAt(file.source, m.index!), message: `hard-coded Bolt address ${m[0]} left in place: ${why}`, hint: "replace it with your own domain, read from an env var" });
      }
      return undefined;
    }
    const found: Found[] = [];
    const skipped: Found[] = [];
    const out = rewrite(j, file.source, site.read, found, skipped);
    for (const s of skipped) report({ severity: "low", code: "bolt-host-url-left", line: s.line, message: `hard-coded Bolt address ${s.origin} left in place: it is not where ownit can put an expression`, hint: `use ${site.name} here by hand` });
    if (found.length) share({ name: site.name, origin: found[0]!.origin, count: found.length });
    return out;
  },
  project(ctx, shared) {
    const moves = shared.map((s) => s.data as { name: string; origin: string; count: number });
    if (!moves.length) return;
    const { name, origin } = moves[0]!;
    addEnvLocalValues(ctx.files, [[name, origin]], "The app's public address (moved out of the code by ownit)");
    addEnvExampleNames(ctx.files, [name], "The app's public address, e.g. https://www.example.com (no trailing slash)");
    const count = moves.reduce((n, m) => n + m.count, 0);
    ctx.report(
      finding({
        severity: "low",
        code: "bolt-host-url-to-env",
        file: ".env.local",
        message: `${count} hard-coded ${origin} URL(s) now read ${name}; .env.local keeps the old address so nothing changes yet`,
        hint: `set ${name} to your own domain wherever the app is built`,
      }),
    );
  },
};

export default codemod;
