// Migrations that already ran and build output already shipped are history: a key or a project
// URL in them is reported with its file and line (rotate it, move it to configuration), and no
// codemod ever edits them. Proven on a Bolt and a Lovable export, each with a pg_cron + pg_net job
// carrying a hard-coded URL and JWT, and a committed dist/ with the anon key baked in.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlan, detectProject, listRuns, sha256 } from "@ownit/core";
import { codemodStep, loadCodemods } from "@ownit/codemod";
import { TRANSFORMS_DIR } from "ownit";
import fg from "fast-glob";
import { capturedCli, cleanupTemp, copyFixture, gitInit } from "../helpers/project";

afterAll(cleanupTemp);

/** An anon key for project abcdefghijklmnopqrst (header.payload.signature; the signature is not checked by anyone here). */
const ANON_JWT = [
  Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url"),
  Buffer.from(
    JSON.stringify({ iss: "supabase", ref: "abcdefghijklmnopqrst", role: "anon", iat: 1735689600, exp: 2051265600 }),
  ).toString("base64url"),
  "aGlzdG9yeS1pcy1ub3QtcmV3cml0dGVuLXNpZ25hdHVyZQ",
].join(".");
const PROJECT_URL = "https://abcdefghijklmnopqrst.supabase.co";

const HISTORY = ["supabase/migrations/**", "dist/**"];
const isHistory = (file: string) => file.startsWith("supabase/migrations/") || file.startsWith("dist/");

/** A Lovable-style migration scheduling an edge function, the way exports carry them. */
const CRON_MIGRATION = `-- Schedules the weekly digest.
select cron.schedule(
  'weekly-digest',
  '0 7 * * 1',
  $$
  select net.http_post(
    url := '${PROJECT_URL}/functions/v1/weekly-digest',
    headers := '{"Content-Type": "application/json", "Authorization": "Bearer ${ANON_JWT}"}'::jsonb
  );
  $$
);
`;

/** What `vite build` left in dist/ and the owner committed (GitHub Pages publishes it from the repo). */
function commitBuildOutput(dir: string, builderUrl: string): void {
  mkdirSync(path.join(dir, "dist", "assets"), { recursive: true });
  writeFileSync(
    path.join(dir, "dist", "index.html"),
    `<!doctype html><html><head><script type="module" src="/assets/index-4f9c2e1a.js"></script></head><body><div id="root"></div></body></html>\n`,
  );
  writeFileSync(
    path.join(dir, "dist", "assets", "index-4f9c2e1a.js"),
    `const a="${PROJECT_URL}",b="${ANON_JWT}",c="${builderUrl}/shared";export{a,b,c};\n`,
  );
  const gitignore = path.join(dir, ".gitignore");
  writeFileSync(gitignore, readFileSync(gitignore, "utf8").replace(/^dist$/m, "# dist is published from the repo"));
}

function hashes(dir: string): Record<string, string> {
  return Object.fromEntries(
    fg
      .sync(HISTORY, { cwd: dir, dot: true })
      .sort()
      .map((f) => [f, sha256(readFileSync(path.join(dir, f)))]),
  );
}

const CASES = [
  {
    fixture: "bolt-vite",
    builderUrl: "https://notes-studio-k3x9.bolt.host",
    migration: "supabase/migrations/20250302090000_quiet_river.sql",
    extraMigration: false,
  },
  {
    fixture: "lovable-vite",
    builderUrl: "https://glow-tasks.lovable.app",
    migration: "supabase/migrations/20250701090000_5e1b7c2d-weekly-digest.sql",
    extraMigration: true,
  },
];

for (const c of CASES) {
  describe(`history in a ${c.fixture} export`, () => {
    let dir: string;
    let before: Record<string, string>;
    let output: string;

    beforeAll(async () => {
      dir = copyFixture(c.fixture);
      if (c.extraMigration) writeFileSync(path.join(dir, c.migration), CRON_MIGRATION);
      commitBuildOutput(dir, c.builderUrl);
      gitInit(dir);
      before = hashes(dir);
      const cli = capturedCli();
      const code = await cli.run("migrate", dir, "--yes");
      output = [...cli.stdout, ...cli.stderr].join("\n");
      expect(code, output).toBe(0);
    });

    it("ownit migrate reports the key and the project URL in the migration, with file and line", () => {
      const text = readFileSync(path.join(dir, c.migration), "utf8").split("\n");
      const jwtLine = text.findIndex((l) => l.includes("eyJ")) + 1;
      const urlLine = text.findIndex((l) => l.includes(".supabase.co")) + 1;
      expect(output).toMatch(
        new RegExp(`${c.migration}:${jwtLine}: JWT with role anon for project \\w{20} is hard-coded \\(history is not rewritten`),
      );
      expect(output).toMatch(
        new RegExp(`${c.migration}:${urlLine}: hard-coded Supabase project URL \\(ref \\w{20}\\) \\(history is not rewritten`),
      );
    });

    it("ownit migrate reports what the committed build output carries, with file and line", () => {
      expect(output).toContain(
        "dist/assets/index-4f9c2e1a.js:1: JWT with role anon for project abcdefghijklmnopqrst is hard-coded (history is not rewritten",
      );
      expect(output).toContain(
        "dist/assets/index-4f9c2e1a.js:1: hard-coded Supabase project URL (ref abcdefghijklmnopqrst) (history is not rewritten",
      );
      expect(output).toMatch(
        /dist\/assets\/index-4f9c2e1a\.js:1: hard-coded (Bolt|Lovable) URL [\w.-]+ \(history is not rewritten/,
      );
      // The key itself is never printed.
      expect(output).not.toContain(ANON_JWT);
    });

    it("leaves every migration and build-output file as it was, byte for byte", () => {
      expect(Object.keys(before).length).toBeGreaterThan(2);
      expect(hashes(dir)).toEqual(before);
      const run = listRuns(dir)[0]!;
      expect(run.files.map((f) => f.path).filter(isHistory)).toEqual([]);
    });

    it("no codemod, whether or not it applies to this export, plans a change there", async () => {
      const fresh = copyFixture(c.fixture);
      if (c.extraMigration) writeFileSync(path.join(fresh, c.migration), CRON_MIGRATION);
      commitBuildOutput(fresh, c.builderUrl);
      const project = detectProject(fresh);
      for (const codemod of await loadCodemods(TRANSFORMS_DIR)) {
        const plan = await buildPlan(project, [codemodStep(codemod)]);
        expect(plan.changes.map((ch) => ch.path).filter(isHistory), codemod.name).toEqual([]);
      }
    });
  });
}
