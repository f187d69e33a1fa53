// base44-branding: what a Base44 export shows the world as Base44's, made the app's own. In
// index.html the favicon loaded from base44.com goes (a page of yours should not fetch Base44's
// logo) and the stock "Base44 APP" title becomes the app's name (base44/config.jsonc); the stock
// README ("Welcome to your Base44 project", which sends readers to Base44's builder) becomes one
// that says how to build, run and deploy the app now. A title or README the owner wrote stays.
import { parse as parseJsonc } from "jsonc-parser";
import {
  changedText,
  applySpanEdits,
  attr,
  attrValueSpan,
  htmlElements,
  parseHtml,
  parseJson,
  removalEdit,
  spanOf,
  type Codemod,
  type SpanEdit,
} from "@ownit/codemod";

/** Base44's hosts as index.html references them. */
const BASE44_ASSET = /^https?:\/\/(?:[\w-]+\.)*base44\.(?:com|app)\//i;
/** The titles Base44 writes into index.html. */
const STOCK_TITLES = [/^base44 app$/i, /^base44$/i];
/** Lines only the stock README has. */
const STOCK_README = [/Welcome to your Base44 project/i, /reflected in the Base44 Builder/i];

function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);
}

function appName(read: (path: string) => string | undefined): string | undefined {
  const config = parseJsonc(read("base44/config.jsonc") ?? "{}") as { name?: unknown } | undefined;
  return typeof config?.name === "string" && config.name.trim() ? config.name.trim() : undefined;
}

function cleanIndexHtml(source: string, name: string | undefined): string {
  const doc = parseHtml(source);
  const edits: SpanEdit[] = [];
  for (const link of htmlElements(doc, "link")) {
    const rel = (attr(link, "rel") ?? "").toLowerCase();
    if (!/\bicon\b/.test(rel) || !BASE44_ASSET.test(attr(link, "href") ?? "")) continue;
    const span = spanOf(link);
    if (span) edits.push(removalEdit(source, span.start, span.end));
  }
  const title = htmlElements(doc, "title")[0];
  const text = title?.childNodes.find((n) => n.nodeName === "#text") as
    { value: string; sourceCodeLocation?: { startOffset: number; endOffset: number } } | undefined;
  if (name && text?.sourceCodeLocation && STOCK_TITLES.some((t) => t.test(text.value.trim()))) {
    edits.push({ start: text.sourceCodeLocation.startOffset, end: text.sourceCodeLocation.endOffset, text: escapeHtml(name) });
  }
  // Open Graph images Base44 points at its own logo go too.
  for (const meta of htmlElements(doc, "meta")) {
    if (!BASE44_ASSET.test(attr(meta, "content") ?? "") || !attrValueSpan(source, meta, "content")) continue;
    const span = spanOf(meta);
    if (span) edits.push(removalEdit(source, span.start, span.end));
  }
  return applySpanEdits(source, edits);
}

function ownReadme(name: string): string {
  return `# ${name}

This app was built on Base44 and now runs on its own: the React app in \`src/\`, its own server in
\`server/\` (the data in PostgreSQL, sign-in, file uploads, AI and email), one process for both.

## Run it

\`\`\`sh
npm ci
cp .env.example .env          # then set DATABASE_URL and the rest (each variable is explained there)
npm run db:setup              # an empty database: creates the tables (or load your data with \`ownit restore\`)
npm run build                 # the app (dist/) and the server (build/server/)
npm start                     # http://localhost:3000 (PORT), health check at /api/health
\`\`\`

While working on the app: \`npm start\` in one terminal and \`npm run dev\` in another (Vite sends /api
to the server).

## Users

Base44 never hands out passwords, so everyone sets one once: "forgot password" on the sign-in page
mails a link (set \`SMTP_URL\`), or an admin prints one with \`npm run users -- reset-link <email>\`.
\`npm run users -- without-password\` lists who has not yet.
`;
}

const codemod: Codemod = {
  name: "base44-branding",
  description: "drop Base44's favicon and stock title from index.html and replace the stock Base44 README",
  builders: ["base44"],
  files: ["index.html", "README.md"],
  mentions: [/base44/i],
  appliesTo: (project) => project.builder.id === "base44",
  transform(file, { read }) {
    const name = appName(read);
    if (file.path === "index.html") return changedText(file.source, cleanIndexHtml(file.source, name));
    // The README may fall back on package.json's name; the page title keeps Base44's unless the app has a name.
    if (file.path === "README.md" && STOCK_README.every((line) => line.test(file.source)))
      return ownReadme(name ?? parseJson<{ name?: string }>(read("package.json") ?? "")?.name ?? "This app");
    return undefined;
  },
};

export default codemod;
