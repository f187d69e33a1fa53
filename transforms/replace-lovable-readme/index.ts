// replace-lovable-readme: Lovable's stock README ("Welcome to your Lovable project", edit in
// Lovable, publish with Share -> Publish) describes a workflow the owner is leaving. When README.md
// is still that boilerplate it is replaced by a short one that says how to run, build and deploy
// this project; a README the owner has written is left alone, with a finding for any line that
// still points at the Lovable project.
import { finding, type ProjectFacts, type StepContext } from "@ownit/core";
import type { Codemod } from "@ownit/codemod";

const FILE = "README.md";
/** The headings Lovable's README template has had; a README with only these is the template. */
const STOCK_TITLE = /^#\s+Welcome to your Lovable project\s*$/m;
const STOCK_HEADINGS = new Set([
  "project info",
  "how can i edit this code?",
  "what technologies are used for this project?",
  "how can i deploy this project?",
  "can i connect a custom domain to my lovable project?",
  "i want to use a custom domain - is that possible?",
]);
const LOVABLE_LINK = /lovable\.dev\/projects\//;
/** Package names Lovable's templates start with: not the app's name. */
const TEMPLATE_NAMES = new Set(["vite_react_shadcn_ts", "tanstack_start_ts", "vite-project"]);

export function isStockReadme(text: string): boolean {
  if (!STOCK_TITLE.test(text)) return false;
  return [...text.matchAll(/^##\s+(.+?)\s*$/gm)].every((m) => STOCK_HEADINGS.has(m[1]!.toLowerCase()));
}

function appName(ctx: StepContext): string {
  const name = ctx.project.packageJson?.name;
  if (name && !TEMPLATE_NAMES.has(name)) return name;
  const title = /<title>([^<]+)<\/title>/i.exec(ctx.files.read("index.html") ?? "")?.[1]?.trim();
  if (title && !/lovable/i.test(title)) return title;
  return ctx.project.root.split(/[\\/]/).pop() ?? "app";
}

function commands(project: ProjectFacts, hasNpmLock: boolean): { install: string; run: (script: string) => string } {
  switch (project.packageManager.name) {
    case "bun":
      return { install: "bun install", run: (s) => `bun run ${s}` };
    case "pnpm":
      return { install: "pnpm install", run: (s) => `pnpm ${s}` };
    case "yarn":
      return { install: "yarn", run: (s) => `yarn ${s}` };
    default:
      return { install: hasNpmLock ? "npm ci" : "npm install", run: (s) => `npm run ${s}` };
  }
}

/** The README for this project: only steps that are true of it. */
export function ownedReadme(ctx: StepContext): string {
  const { install, run } = commands(ctx.project, ctx.files.exists("package-lock.json"));
  const scripts = ctx.project.packageJson?.scripts ?? {};
  const viteConfig =
    ["vite.config.ts", "vite.config.js", "vite.config.mts", "vite.config.mjs"].map((f) => ctx.files.read(f)).find(Boolean) ?? "";
  const port = /\bport:\s*(\d{2,5})/.exec(viteConfig)?.[1] ?? "5173";
  const hasEnvExample = ctx.files.exists(".env.example");
  const functions = ctx.files.list({ patterns: ["supabase/functions/*/index.ts"] }).length > 0;
  const migrations = ctx.files.list({ patterns: ["supabase/migrations/*.sql"] }).length > 0;

  const lines: string[] = [`# ${appName(ctx)}`, "", "## Run it", "", "```sh", install];
  if (hasEnvExample) lines.push("cp .env.example .env.local   # then fill in the values");
  if (scripts.dev) lines.push(`${run("dev")}`.padEnd(29) + `# http://localhost:${port}`);
  lines.push("```", "");
  if (hasEnvExample) {
    lines.push(
      "Settings come from env variables: `.env.example` names them; their values go in `.env.local`, which stays out of git.",
      "",
    );
  }
  if (scripts.build) {
    lines.push("## Build", "", "```sh", `${run("build")}`.padEnd(29) + "# static files in dist/");
    if (scripts.preview) lines.push(`${run("preview")}`.padEnd(29) + "# serve dist/ locally");
    lines.push("```", "");
  }
  lines.push(
    "## Deploy",
    "",
    "`dist/` is a static single-page app: serve it from any static host or web server, sending paths it",
    "does not know to `index.html` so links into the app work, and set the same `VITE_*` variables where",
    "it is built (Vite writes them into the bundle).",
  );
  if (functions)
    lines.push(
      "",
      "The edge functions in `supabase/functions/` deploy with `supabase functions deploy`; set the",
      "variables they read with `supabase secrets set`.",
    );
  if (migrations) lines.push("", "The database schema is in `supabase/migrations/`.");
  return `${lines.join("\n")}\n`;
}

const codemod: Codemod = {
  name: "replace-lovable-readme",
  description: "replace Lovable's stock README with one that says how to run, build and deploy the app",
  builders: ["lovable-vite", "lovable-tanstack"],
  kind: "cleanup",
  files: [],
  // It names the env files the other codemods write.
  after: ["supabase-client-to-env", "ai-gateway-to-env", "lovable-urls-to-env", "clean-lovable-index-html"],
  appliesTo: (project) => project.builder.id.startsWith("lovable"),
  project(ctx) {
    const text = ctx.files.read(FILE);
    if (text === undefined) return;
    if (isStockReadme(text)) {
      ctx.files.write(FILE, ownedReadme(ctx));
      return;
    }
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      if (LOVABLE_LINK.test(line))
        ctx.report(
          finding({
            severity: "low",
            code: "readme-links-lovable",
            file: FILE,
            line: i + 1,
            message: "the README still points at the Lovable project",
            hint: "say how to run and deploy the app instead",
          }),
        );
    });
  },
};

export default codemod;
