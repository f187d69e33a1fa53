// Small projects for the deploy tests, written inline: each is the smallest tree that has the facts
// one deploy case turns on (framework, lock files, env reads, a generated server).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "../helpers/project";

export type Tree = Record<string, string | Buffer>;

export function writeTree(tree: Tree, name = "app"): string {
  const dir = path.join(tempDir("ownit-deploy-"), name);
  for (const [rel, content] of Object.entries(tree)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

const pkg = (value: Record<string, unknown>) => `${JSON.stringify(value, null, 2)}\n`;

/** A Lovable TanStack Start app after migration: Node server build, Supabase from env, a server-only key. */
export const tanstackStart: Tree = {
  "package.json": pkg({
    name: "crm-pulse",
    type: "module",
    scripts: { dev: "vite dev", build: "vite build", start: "node .output/server/index.mjs" },
    dependencies: {
      "@tanstack/react-start": "^1.120.0",
      "@supabase/supabase-js": "^2.50.0",
      react: "^19.0.0",
      "react-dom": "^19.0.0",
    },
    devDependencies: { vite: "^6.3.0" },
  }),
  "package-lock.json": pkg({ name: "crm-pulse", lockfileVersion: 3, packages: {} }),
  "vite.config.ts": 'import { defineConfig } from "vite";\nexport default defineConfig({});\n',
  "src/integrations/supabase/client.ts":
    'import { createClient } from "@supabase/supabase-js";\nexport const supabase = createClient(import.meta.env.VITE_SUPABASE_URL, import.meta.env.VITE_SUPABASE_PUBLISHABLE_KEY);\n',
  "src/integrations/supabase/client.server.ts":
    'import { createClient } from "@supabase/supabase-js";\nexport const admin = createClient(process.env.SUPABASE_URL!, process.env.SUPABASE_SERVICE_ROLE_KEY!);\n',
};

/** A Base44 app after migration: `npm start` runs a generated server with /api, settings in .env.example. */
export const base44WithServer: Tree = {
  "package.json": pkg({
    name: "base44-app",
    type: "module",
    scripts: { dev: "vite", build: "vite build && node server/build.js", start: "node server/index.js" },
    dependencies: { react: "^18.2.0", "react-dom": "^18.2.0", hono: "^4.0.0", pg: "^8.0.0" },
    devDependencies: { vite: "^6.1.0", "@vitejs/plugin-react": "^4.3.4" },
  }),
  "package-lock.json": pkg({ name: "base44-app", lockfileVersion: 3, packages: {} }),
  "base44/config.jsonc": '{ "name": "Crew Planner" }\n',
  "vite.config.js": 'import { defineConfig } from "vite";\nexport default defineConfig({});\n',
  "src/main.jsx": 'console.log("app");\n',
  "server/index.js":
    "const url = process.env.DATABASE_URL;\nconst port = Number(process.env.PORT ?? 3000);\nconst secret = process.env.SESSION_SECRET;\nexport { url, port, secret };\n",
  ".env.example": "# Settings of the generated server\nDATABASE_URL=\nSESSION_SECRET=\nSMTP_URL=\n",
};

const viteSpa = (lock: Tree, extra: Record<string, unknown> = {}): Tree => ({
  "package.json": pkg({
    name: "Notes App",
    type: "module",
    scripts: { build: "vite build" },
    dependencies: { react: "^18.3.1", "react-dom": "^18.3.1" },
    devDependencies: { vite: "^5.4.1" },
    ...extra,
  }),
  "vite.config.ts": 'import { defineConfig } from "vite";\nexport default defineConfig({ build: { outDir: "build" } });\n',
  "src/main.tsx": "console.log(import.meta.env.VITE_API_URL);\n",
  ...lock,
});

/** Only bun's binary lock, no version declared anywhere. */
export const bunOnly: Tree = viteSpa({ "bun.lockb": Buffer.from([0x23, 0x21, 0x2f, 0x75, 0x73, 0x72, 0, 1, 2, 3]) });
/** bun with a declared version. */
export const bunDeclared: Tree = viteSpa({ "bun.lock": "{}\n" }, { packageManager: "bun@1.1.38" });
/** pnpm with its lock and no packageManager field. */
export const pnpmSpa: Tree = viteSpa({ "pnpm-lock.yaml": "lockfileVersion: '9.0'\n" });

/** A Next app whose server code connects to PostgreSQL itself (pg with DATABASE_URL), without supabase-js. */
export const nextWithPostgres: Tree = {
  "package.json": pkg({
    name: "order-desk",
    scripts: { build: "next build", start: "next start" },
    dependencies: { next: "^15.0.0", pg: "^8.13.1", react: "^19.0.0", "react-dom": "^19.0.0" },
  }),
  "package-lock.json": pkg({ name: "order-desk", lockfileVersion: 3, packages: {} }),
  "next.config.mjs": 'export default { output: "standalone" };\n',
  "lib/db.ts": 'import pg from "pg";\nexport const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });\n',
  "app/page.tsx":
    'import { pool } from "../lib/db";\nexport default async function Page() {\n  const { rows } = await pool.query("select count(*) from orders");\n  return rows[0].count;\n}\n',
};

/** Next with standalone output. */
export const nextStandalone: Tree = {
  "package.json": pkg({
    name: "next-shop",
    scripts: { build: "next build", start: "next start" },
    dependencies: { next: "^15.0.0", react: "^19.0.0", "react-dom": "^19.0.0" },
  }),
  "yarn.lock": "# yarn lockfile v1\n",
  "next.config.mjs": 'export default { output: "standalone" };\n',
  "app/page.tsx": "export default function Page() { return process.env.NEXT_PUBLIC_SITE_NAME; }\n",
  "public/logo.svg": "<svg/>\n",
};
