// The classic Lovable export after `ownit migrate`: nothing of Lovable is left in it, the Supabase key
// lives only in the gitignored .env.local (and never in what ownit prints), and the app still
// installs from its lock file and builds, talking to the same Supabase project.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRuns } from "@ownit/core";
import {
  capturedCli,
  cleanupTemp,
  copyFixture,
  FIXTURES,
  git,
  gitInit,
  installAndBuild,
  leftovers,
  LOVABLE_ANON_KEY,
} from "../helpers/project";

afterAll(cleanupTemp);

/** The anon key and project URL the export had hard-coded. */
const client = readFileSync(path.join(FIXTURES, "lovable-vite/src/integrations/supabase/client.ts"), "utf8");
const ANON_KEY = LOVABLE_ANON_KEY;
const PROJECT_URL = /"(https:\/\/[a-z0-9]{20}\.supabase\.co)"/.exec(client)![1]!;

/** What must not survive the migration anywhere in the tree. */
const LEFTOVERS = ["lovable-tagger", "gpteng.co", "ai.gateway.lovable.dev", "@lovable.dev/", ANON_KEY];

async function migrated(...flags: string[]): Promise<{ dir: string; output: string }> {
  const dir = copyFixture("lovable-vite");
  gitInit(dir);
  const cli = capturedCli();
  const code = await cli.run("migrate", dir, "--yes", ...flags);
  const output = [...cli.stdout, ...cli.stderr].join("\n");
  expect(code, output).toBe(0);
  return { dir, output };
}

describe("a migrated Lovable export (migrate --yes --prune-locks)", () => {
  let dir: string;
  let output: string;
  beforeAll(async () => {
    ({ dir, output } = await migrated("--prune-locks"));
  });

  it("has no lovable-tagger, gpteng.co, AI gateway, @lovable.dev/ package or Supabase key left, except the key in the gitignored .env.local", () => {
    expect(leftovers(dir, LEFTOVERS)).toEqual({ ".env.local": ["<the anon key>"] });
    expect(git(dir, "check-ignore", ".env.local")).toBe(".env.local");
    expect(git(dir, "ls-files")).not.toContain(".env.local");
  });

  it("moved the key to .env.local and never printed it", () => {
    expect(readFileSync(path.join(dir, ".env.local"), "utf8")).toContain(`VITE_SUPABASE_PUBLISHABLE_KEY=${ANON_KEY}\n`);
    expect(output).not.toContain(ANON_KEY);
    expect(readFileSync(path.join(dir, ".ownit/runs", listRuns(dir)[0]!.id, "manifest.json"), "utf8")).not.toContain(ANON_KEY);
  });

  it("installs from its lock file and builds, and the bundle talks to the same Supabase project", () => {
    installAndBuild(dir);
    const assets = readdirSync(path.join(dir, "dist/assets")).filter((f) => f.endsWith(".js"));
    const bundle = assets.map((f) => readFileSync(path.join(dir, "dist/assets", f), "utf8")).join("\n");
    expect(bundle).toContain(PROJECT_URL);
    expect(bundle).toContain("https://taskflow-buddy.lovable.app/auth");
    expect(readFileSync(path.join(dir, "dist/index.html"), "utf8")).not.toContain("gpteng");
    expect(existsSync(path.join(dir, "dist/og-image.png"))).toBe(true);
  }, 600_000);
});

describe("a migrated Lovable export without --prune-locks", () => {
  it("keeps bun.lockb, the only file still naming the removed packages, and says so", async () => {
    const { dir } = await migrated();
    expect(leftovers(dir, LEFTOVERS)).toEqual({
      ".env.local": ["<the anon key>"],
      "bun.lockb": ["lovable-tagger", "@lovable.dev/"],
    });
    const findings = listRuns(dir)[0]!.findings;
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "lock-file-not-synced", file: "bun.lockb" }),
        expect.objectContaining({ code: "lock-file-choice", file: "package-lock.json" }),
      ]),
    );
  });
});

describe("migrate --dry-run on a Lovable export", () => {
  it("shows the new .env.local with the key masked, and writes nothing", async () => {
    const dir = copyFixture("lovable-vite");
    const cli = capturedCli();
    expect(await cli.run("migrate", dir, "--dry-run"), cli.stderr.join("\n")).toBe(0);
    const output = cli.stdout.join("\n");
    expect(output).toContain("+VITE_SUPABASE_PUBLISHABLE_KEY=***");
    expect(output).toContain(`+VITE_SUPABASE_URL=${PROJECT_URL}`);
    expect(output).not.toContain(ANON_KEY);
    expect(existsSync(path.join(dir, ".env.local"))).toBe(false);
  });
});
