// Keeping the builder, as an owner lives it: the Lovable export migrated onto its own `owned` branch,
// the builder keeps committing on `main`, and `ownit sync-builder` brings each commit over migrated,
// as one run that rollback undoes. `main` is never written: its ref and tree are checked every time.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireProjectLock, builderSyncRecord, listRuns } from "@ownit/core";
import { supabasePrelude } from "@ownit/db";
import { startTestServer, type TestServer } from "../helpers/postgres";
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
  treeFingerprint,
} from "../helpers/project";

let db: TestServer | undefined;
afterAll(async () => {
  await db?.dispose();
  cleanupTemp();
});

const ANON_KEY = LOVABLE_ANON_KEY;

/** What must not survive on the owned branch anywhere in its tree. */
const LEFTOVERS = [
  "lovable-tagger",
  "componentTagger",
  "gpteng.co",
  "ai.gateway.lovable.dev",
  "@lovable.dev/",
  "lovable.app",
  "lovable.auth",
  ANON_KEY,
];

/** The working tree as the owner sees it, without installs and build output. */
function sourceFingerprint(dir: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(treeFingerprint(dir)).filter(([f]) => !f.startsWith("node_modules/") && !f.startsWith("dist/")),
  );
}

/** The builder commits on main (the owner's checkout comes back to where it was). */
function builderCommits(dir: string, message: string, files: Record<string, string | Buffer>): void {
  const back = git(dir, "symbolic-ref", "--short", "HEAD");
  git(dir, "switch", "-q", "main");
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", message);
  git(dir, "switch", "-q", back);
}

/** main's ref and tree: equal trees mean every file byte-identical. */
function builderSide(dir: string): { ref: string; tree: string } {
  return { ref: git(dir, "rev-parse", "main"), tree: git(dir, "rev-parse", "main^{tree}") };
}

const NEW_PAGE = `import { useState } from "react";
import { format } from "date-fns";
import { lovable } from "@/integrations/lovable/index";

const SignInWithApple = () => {
  const [message, setMessage] = useState<string | null>(null);

  const signIn = async () => {
    const { error } = await lovable.auth.signInWithOAuth("apple", {
      redirect_uri: window.location.origin,
    });
    if (error) setMessage(error.message);
  };

  return (
    <main className="container py-10 max-w-sm">
      <p>{format(new Date(), "PPP")}</p>
      <button type="button" onClick={signIn} className="border rounded-md px-4 py-2 w-full">Continue with Apple</button>
      {message && <p role="status">{message}</p>}
    </main>
  );
};

export default SignInWithApple;
`;

const NEW_FUNCTION = `import { serve } from "https://deno.land/std@0.168.0/http/server.ts";

serve(async (req) => {
  const { text } = await req.json();
  const LOVABLE_API_KEY = Deno.env.get('LOVABLE_API_KEY');
  const response = await fetch('https://ai.gateway.lovable.dev/v1/chat/completions', {
    method: 'POST',
    headers: { 'Authorization': \`Bearer \${LOVABLE_API_KEY}\`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'google/gemini-2.5-flash', messages: [{ role: 'user', content: \`Summarize: \${text}\` }] }),
  });
  const data = await response.json();
  return new Response(JSON.stringify({ summary: data.choices[0].message.content, more: 'https://taskflow-buddy.lovable.app/summaries' }), {
    headers: { 'Content-Type': 'application/json' },
  });
});
`;

const NEW_MIGRATION_PATH = "supabase/migrations/20250702090000_5e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b.sql";
const NEW_MIGRATION = `CREATE TABLE public.summaries (
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  body text NOT NULL
);
ALTER TABLE public.summaries ENABLE ROW LEVEL SECURITY;
CREATE POLICY "own summaries" ON public.summaries FOR ALL USING (auth.uid() = user_id);
`;

/** The builder adds a dependency: package.json, npm's lock (as npm writes it) and Bun's binary lock. */
function addDateFns(dir: string): Record<string, string | Buffer> {
  const pkg = JSON.parse(git(dir, "show", "main:package.json"));
  pkg.dependencies = Object.fromEntries(
    Object.entries({ ...pkg.dependencies, "date-fns": "^3.6.0" }).sort(([a], [b]) => a.localeCompare(b)),
  );
  const lock = JSON.parse(git(dir, "show", "main:package-lock.json"));
  lock.packages[""].dependencies = pkg.dependencies;
  lock.packages["node_modules/date-fns"] = {
    version: "3.6.0",
    integrity: "sha512-fRHTG8g/Gif+kSh50gaGEdToemgfj74aRX3swtiouboip5JDLAyDE9F11nHMIcvOaXeOC6D7SpNhi7uFyB7Uww==",
    license: "MIT",
    funding: { type: "github", url: "https://github.com/sponsors/kossnocorp" },
  };
  lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => a.localeCompare(b)));
  const bun = Buffer.concat([execFileSync("git", ["show", "main:bun.lockb"], { cwd: dir }), Buffer.from("date-fns@3.6.0")]);
  return {
    "package.json": `${JSON.stringify(pkg, null, 2)}\n`,
    "package-lock.json": `${JSON.stringify(lock, null, 2)}\n`,
    "bun.lockb": bun,
  };
}

async function migratedOntoOwned(): Promise<string> {
  const dir = copyFixture("lovable-vite");
  gitInit(dir);
  const cli = capturedCli();
  const code = await cli.run("migrate", dir, "--yes", "--prune-locks", "--branch", "owned");
  expect(code, [...cli.stdout, ...cli.stderr].join("\n")).toBe(0);
  return dir;
}

describe("keeping the builder: a Lovable app synced onto its owned branch", () => {
  let dir: string;
  let ownedBefore: string;
  let treeBefore: Record<string, string>;
  let builder: { ref: string; tree: string };

  beforeAll(async () => {
    dir = await migratedOntoOwned();
    builderCommits(dir, "Add date-fns", addDateFns(dir));
    builderCommits(dir, "Add Sign in with Apple page", { "src/pages/SignInWithApple.tsx": NEW_PAGE });
    builderCommits(dir, "Add summarize edge function", { "supabase/functions/summarize/index.ts": NEW_FUNCTION });
    builderCommits(dir, "Add summaries table", { [NEW_MIGRATION_PATH]: NEW_MIGRATION });
    ownedBefore = git(dir, "rev-parse", "HEAD");
    treeBefore = sourceFingerprint(dir);
    builder = builderSide(dir);
  });

  it("migrate --branch left main exactly as the builder wrote it, and put the migration on owned", () => {
    expect(git(dir, "symbolic-ref", "--short", "HEAD")).toBe("owned");
    expect(git(dir, "log", "--format=%s", "main")).toBe(
      [
        "Add summaries table",
        "Add summarize edge function",
        "Add Sign in with Apple page",
        "Add date-fns",
        "exported from the builder",
      ].join("\n"),
    );
    expect(git(dir, "show", "main:vite.config.ts")).toContain("componentTagger()");
    expect(builderSyncRecord(listRuns(dir)[0]!)).toMatchObject({ branch: "main", ownedBranch: "owned" });
  });

  it("status shows the commits behind, the files that will be migrated and the pending migration", async () => {
    const cli = capturedCli();
    expect(await cli.run("status", dir, "--json"), cli.stderr.join("\n")).toBe(0);
    const status = JSON.parse(cli.stdout.join("\n"));
    expect(status).toMatchObject({ ownedBranch: "owned", builderBranch: "main", behind: 4 });
    // package.json and its lock still list lovable-tagger on main: the sync strips it from them again.
    expect(status.needMigrating.sort()).toEqual([
      "package-lock.json",
      "package.json",
      "src/pages/SignInWithApple.tsx",
      "supabase/functions/summarize/index.ts",
    ]);
    expect(status.schemaChanges).toEqual([
      {
        kind: "supabase-migration",
        status: "A",
        path: NEW_MIGRATION_PATH,
        apply: expect.stringContaining(`-f ${NEW_MIGRATION_PATH}`),
      },
    ]);
    const text = capturedCli();
    expect(await text.run("status", dir)).toBe(0);
    expect(text.stdout.join("\n")).toContain("main at " + builder.ref.slice(0, 12) + ": 4 commit(s) behind");
    expect(text.stdout.join("\n")).toContain("~ src/pages/SignInWithApple.tsx");
    expect(builderSide(dir)).toEqual(builder);
  });

  it("sync-builder merges the builder's commits, migrates the new code and commits one tagged run", async () => {
    const cli = capturedCli();
    const code = await cli.run("sync-builder", dir, "--yes", "--prune-locks");
    const out = cli.stdout.join("\n");
    expect(code, `${out}\n${cli.stderr.join("\n")}`).toBe(0);
    const [run] = listRuns(dir);
    expect(run).toMatchObject({ command: "sync-builder", status: "applied" });
    expect(builderSyncRecord(run!)).toMatchObject({ branch: "main", commit: builder.ref, ownedBranch: "owned" });
    // One merge commit: the owned branch's tip and exactly the builder commit synced.
    expect(git(dir, "log", "-1", "--format=%P").split(" ")).toEqual([ownedBefore, builder.ref]);
    expect(git(dir, "log", "-1", "--format=%B")).toContain(`Ownit-Run: ${run!.id}`);
    expect(git(dir, "rev-parse", `ownit/${run!.id}^{commit}`)).toBe(git(dir, "rev-parse", "HEAD"));
    expect(git(dir, "status", "--porcelain")).toBe("");
    // The new code arrived migrated.
    const page = readFileSync(path.join(dir, "src/pages/SignInWithApple.tsx"), "utf8");
    expect(page).toContain('supabase.auth.signInWithOAuth({\n      provider: "apple"');
    const fn = readFileSync(path.join(dir, "supabase/functions/summarize/index.ts"), "utf8");
    expect(fn).not.toContain("ai.gateway.lovable.dev");
    // Only the gitignored .env.local holds the values the code used to hard-code (the key, the old site URL).
    expect(leftovers(dir, LEFTOVERS)).toEqual({ ".env.local": ["lovable.app", "<the anon key>"] });
    expect(git(dir, "ls-files")).not.toContain(".env.local");
    // The migration is listed with the command that applies it.
    expect(out).toContain(NEW_MIGRATION_PATH);
    expect(out).toContain(`psql "$DATABASE_URL" -v ON_ERROR_STOP=1 --single-transaction -f ${NEW_MIGRATION_PATH}`);
    expect(readFileSync(path.join(dir, NEW_MIGRATION_PATH), "utf8")).toBe(NEW_MIGRATION);
    // The new dependency is in package.json and npm's lock; Bun's lock, pruned on owned, stays gone.
    expect(JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).dependencies["date-fns"]).toBe("^3.6.0");
    expect(JSON.parse(readFileSync(path.join(dir, "package-lock.json"), "utf8")).packages["node_modules/date-fns"].version).toBe(
      "3.6.0",
    );
    expect(existsSync(path.join(dir, "bun.lockb"))).toBe(false);
    expect(run!.findings.filter((f) => f.code === "lock-file-not-synced")).toEqual([]);
    // Deploy files follow the new facts: the functions router serves the new function (checking JWTs,
    // Supabase's default), the functions service gets the env it now reads, and auth the Apple sign-in the new page uses.
    const routed = JSON.parse(readFileSync(path.join(dir, "docker/functions/functions.json"), "utf8")).functions;
    expect(routed).toContainEqual({ name: "summarize", verifyJwt: true, entrypoint: "summarize/index.ts" });
    expect(
      JSON.parse(git(dir, "show", `${ownedBefore}:docker/functions/functions.json`)).functions.map(
        (f: { name: string }) => f.name,
      ),
    ).not.toContain("summarize");
    const compose = git(dir, "diff", ownedBefore, "HEAD", "--", "docker-compose.yml");
    expect(compose).toContain("\n+      SITE_URL: ${SITE_URL:-}\n");
    expect(compose).toContain("\n+      GOTRUE_EXTERNAL_APPLE_ENABLED: ${APPLE_ENABLED:-false}\n");
    expect(git(dir, "diff", ownedBefore, "HEAD", "--", ".env.example")).toContain("\n+SITE_URL=");
    expect(builderSide(dir)).toEqual(builder);
  });

  it("a second sync with nothing new from the builder changes nothing", async () => {
    const head = git(dir, "rev-parse", "HEAD");
    const runs = listRuns(dir).length;
    const before = sourceFingerprint(dir);
    const cli = capturedCli();
    expect(await cli.run("sync-builder", dir, "--yes")).toBe(0);
    expect(cli.stdout.join("\n")).toContain("nothing to sync: owned has every commit of main");
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);
    expect(listRuns(dir).length).toBe(runs);
    expect(sourceFingerprint(dir)).toEqual(before);
    const status = capturedCli();
    expect(await status.run("status", dir, "--json")).toBe(0);
    expect(JSON.parse(status.stdout.join("\n"))).toMatchObject({ behind: 0, needMigrating: [], schemaChanges: [] });
  });

  it("the synced owned branch installs from its lock file and builds", () => {
    installAndBuild(dir);
    expect(readdirSync(path.join(dir, "dist/assets")).some((f) => f.endsWith(".js"))).toBe(true);
    expect(readFileSync(path.join(dir, "dist/index.html"), "utf8")).not.toContain("gpteng");
  }, 600_000);

  it("rollback of the sync returns the owned branch byte for byte, and main stays as it was", async () => {
    const sync = listRuns(dir).find((r) => r.command === "sync-builder")!;
    const cli = capturedCli();
    expect(await cli.run("rollback", dir, sync.id), cli.stderr.join("\n")).toBe(0);
    expect(git(dir, "rev-parse", "HEAD")).toBe(ownedBefore);
    expect(sourceFingerprint(dir)).toEqual(treeBefore);
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(builderSide(dir)).toEqual(builder);
    // The builder's commits are waiting again.
    const status = capturedCli();
    expect(await status.run("status", dir, "--json")).toBe(0);
    expect(JSON.parse(status.stdout.join("\n"))).toMatchObject({ behind: 4 });
  });
});

describe("keeping the builder: a file both the owner and the builder edited", () => {
  it("stops before committing, lists the file, and --continue finishes once the owner resolved it", async () => {
    const dir = await migratedOntoOwned();
    // The owner moves the dev server; the builder, on main, moves it elsewhere.
    const owned = readFileSync(path.join(dir, "vite.config.ts"), "utf8");
    writeFileSync(path.join(dir, "vite.config.ts"), owned.replace("port: 8080", "port: 3000"));
    git(dir, "commit", "-qam", "owner: dev server on 3000");
    const ownedTip = git(dir, "rev-parse", "HEAD");
    builderCommits(dir, "Move preview port", {
      "vite.config.ts": git(dir, "show", "main:vite.config.ts").replace("port: 8080", "port: 8081") + "\n",
    });
    const builder = builderSide(dir);
    const runsBefore = listRuns(dir).length;

    const cli = capturedCli();
    expect(await cli.run("sync-builder", dir, "--yes")).toBe(1);
    expect(cli.stderr[0]).toBe(
      "error 1 file(s) edited on owned and by the builder: vite.config.ts; the merge waits in git's conflict state and nothing was committed",
    );
    expect(cli.stderr.join("\n")).toContain("--continue");
    expect(git(dir, "rev-parse", "HEAD")).toBe(ownedTip);
    expect(git(dir, "status", "--porcelain", "--", "vite.config.ts")).toBe("UU vite.config.ts");
    expect(listRuns(dir).length).toBe(runsBefore);

    const status = capturedCli();
    expect(await status.run("status", dir, "--json")).toBe(0);
    expect(JSON.parse(status.stdout.join("\n")).waitingSync).toEqual({
      builderCommit: builder.ref,
      conflicts: ["vite.config.ts"],
    });

    // --continue refuses while the conflict is still there.
    const early = capturedCli();
    expect(await early.run("sync-builder", dir, "--continue")).toBe(1);
    expect(early.stderr[0]).toBe("error 1 file(s) still in conflict: vite.config.ts");

    // The owner takes the builder's side whole, tagger and all; the sync migrates it again.
    git(dir, "checkout", "--theirs", "vite.config.ts");
    git(dir, "add", "vite.config.ts");
    const done = capturedCli();
    expect(await done.run("sync-builder", dir, "--continue"), done.stderr.join("\n")).toBe(0);
    const config = readFileSync(path.join(dir, "vite.config.ts"), "utf8");
    expect(config).toContain("port: 8081");
    expect(config).not.toContain("componentTagger");
    expect(config).not.toContain("lovable-tagger");
    expect(git(dir, "log", "-1", "--format=%P").split(" ")).toEqual([ownedTip, builder.ref]);
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(existsSync(path.join(dir, ".ownit/sync-builder.json"))).toBe(false);
    expect(listRuns(dir)[0]).toMatchObject({ command: "sync-builder", status: "applied" });
    expect(builderSide(dir)).toEqual(builder);
  });
});

describe("keeping the builder: migrate on the builder's branch", () => {
  it("says why to branch, and someone at the terminal who agrees gets the owned branch", async () => {
    const dir = copyFixture("lovable-vite");
    gitInit(dir);
    const main = builderSide(dir);
    const cli = capturedCli({ interactive: true, answer: true });
    expect(await cli.run("migrate", dir), cli.stderr.join("\n")).toBe(0);
    expect(cli.stdout.join("\n")).toContain(
      "lovable-vite syncs with main: a migration committed there reaches the builder, whose editor needs the plugins ownit removes.",
    );
    expect(git(dir, "symbolic-ref", "--short", "HEAD")).toBe("owned");
    expect(builderSide(dir)).toEqual(main);
  });

  it("with --yes it only advises, and sync-builder refuses to run on the builder's branch", async () => {
    const dir = copyFixture("lovable-vite");
    gitInit(dir);
    const cli = capturedCli();
    expect(await cli.run("migrate", dir, "--yes")).toBe(0);
    expect(cli.stdout.join("\n")).toContain("npx ownit migrate --branch owned, then npx ownit sync-builder");
    expect(git(dir, "symbolic-ref", "--short", "HEAD")).toBe("main");
    const head = git(dir, "rev-parse", "HEAD");
    expect(await cli.run("sync-builder", dir, "--yes")).toBe(1);
    expect(cli.stderr[0]).toBe("error main is the builder's branch, and ownit never writes to it");
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);
  });

  it("refuses a --branch that already exists, and removes a branch it made when nothing was applied", async () => {
    const dir = copyFixture("lovable-vite");
    gitInit(dir);
    git(dir, "branch", "owned");
    const cli = capturedCli();
    expect(await cli.run("migrate", dir, "--yes", "--branch", "owned")).toBe(1);
    expect(cli.stderr[0]).toMatch(/^error branch owned already exists in /);
    const declined = capturedCli({ interactive: true, answer: false });
    expect(await declined.run("migrate", dir, "--branch", "mine")).toBe(0);
    expect(declined.stdout.join("\n")).toContain("nothing was committed on mine: back on main, branch removed");
    expect(git(dir, "branch", "--list", "mine")).toBe("");
    expect(git(dir, "symbolic-ref", "--short", "HEAD")).toBe("main");
  });
});

describe("keeping the builder: commits that cancel out", () => {
  it("still sync as one merge, so the next status reads up to date and rollback steps back", async () => {
    const dir = await migratedOntoOwned();
    const original = readFileSync(path.join(FIXTURES, "lovable-vite/src/pages/Index.tsx"), "utf8");
    builderCommits(dir, "Try a new headline", { "src/pages/Index.tsx": `${original}// headline experiment\n` });
    builderCommits(dir, "Revert the headline", { "src/pages/Index.tsx": original });
    const ownedTip = git(dir, "rev-parse", "HEAD");
    const tree = git(dir, "rev-parse", "HEAD^{tree}");
    const cli = capturedCli();
    expect(await cli.run("sync-builder", dir, "--yes"), cli.stderr.join("\n")).toBe(0);
    expect(git(dir, "log", "-1", "--format=%P").split(" ")).toEqual([ownedTip, git(dir, "rev-parse", "main")]);
    expect(git(dir, "rev-parse", "HEAD^{tree}")).toBe(tree);
    const status = capturedCli();
    expect(await status.run("status", dir, "--json")).toBe(0);
    expect(JSON.parse(status.stdout.join("\n"))).toMatchObject({ behind: 0 });
    expect(await cli.run("rollback", dir)).toBe(0);
    expect(git(dir, "rev-parse", "HEAD")).toBe(ownedTip);
  });
});

describe("keeping the builder: while another ownit works on the project", () => {
  it("sync-builder refuses before merging anything, and syncs once the lock is free", async () => {
    const dir = await migratedOntoOwned();
    builderCommits(dir, "Try a new headline", {
      "src/pages/Index.tsx": `${readFileSync(path.join(FIXTURES, "lovable-vite/src/pages/Index.tsx"), "utf8")}// headline\n`,
    });
    const ownedTip = git(dir, "rev-parse", "HEAD");
    const before = sourceFingerprint(dir);
    const other = acquireProjectLock(dir, "restore");
    const cli = capturedCli();
    try {
      expect(await cli.run("sync-builder", dir, "--yes")).toBe(1);
      expect(cli.stderr.join("\n")).toMatch(/error another ownit restore \(pid \d+, since .*\) is working on /);
      expect(existsSync(path.join(dir, ".git/MERGE_HEAD"))).toBe(false);
      expect(git(dir, "rev-parse", "HEAD")).toBe(ownedTip);
      expect(git(dir, "status", "--porcelain")).toBe("");
      expect(sourceFingerprint(dir)).toEqual(before);
    } finally {
      other.release();
    }
    expect(await cli.run("sync-builder", dir, "--yes"), cli.stderr.join("\n")).toBe(0);
    expect(git(dir, "log", "-1", "--format=%P").split(" ")).toEqual([ownedTip, git(dir, "rev-parse", "main")]);
  });
});

describe("keeping the builder: the builder's new migration applied to the owned database", () => {
  /**
   * Supabase Storage's tables as its migrations leave them, from the fresh-project fixture (the
   * fixture's roles and ownership aside: roles are the cluster's, shared by every database here).
   */
  function storageTables(): string {
    const project = readFileSync(path.join(FIXTURES, "db/supabase-target/01-fresh-project.sql"), "utf8");
    const start = project.indexOf("CREATE TYPE storage.buckettype");
    const end = project.indexOf("CREATE FUNCTION storage.foldername");
    expect(start, "storage tables in fixtures/db/supabase-target/01-fresh-project.sql").toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    return project.slice(start, end);
  }

  /**
   * An owned database as a restore of this app leaves it: the prelude (with Storage's path helpers),
   * the storage tables and the realtime publication the restore carries, then the migrations the
   * owned branch has (they add a bucket, storage policies and a realtime table).
   */
  async function ownedDatabase(dir: string, name: string): Promise<string> {
    db ??= await startTestServer();
    const url = await db.createDatabase(name);
    await db.query(supabasePrelude({ stockAuthTables: true, storageFunctions: true }), [], name);
    await db.query(storageTables(), [], name);
    await db.query("CREATE PUBLICATION supabase_realtime", [], name);
    for (const file of readdirSync(path.join(dir, "supabase/migrations")).sort())
      await db.query(readFileSync(path.join(dir, "supabase/migrations", file), "utf8"), [], name);
    return url;
  }

  const tables = async (name: string) =>
    (
      await db!.query<{ relname: string }>(
        "select relname from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1",
        [],
        name,
      )
    ).map((r) => r.relname);

  it("with --apply-migrations the migration is part of the run, and rollback drops what it created", async () => {
    const dir = await migratedOntoOwned();
    const url = await ownedDatabase(dir, "owned_lovable");
    const baseline = await tables("owned_lovable");
    expect(baseline).toContain("profiles");
    builderCommits(dir, "Add summaries table", { [NEW_MIGRATION_PATH]: NEW_MIGRATION });
    const ownedTip = git(dir, "rev-parse", "HEAD");
    const builder = builderSide(dir);

    const cli = capturedCli();
    expect(await cli.run("sync-builder", dir, "--yes", "--apply-migrations", "--db-url", url), cli.stderr.join("\n")).toBe(0);
    expect(await tables("owned_lovable")).toEqual([...baseline, "summaries"].sort());
    const policies = await db!.query<{ policyname: string }>(
      "select policyname from pg_policies where tablename = 'summaries'",
      [],
      "owned_lovable",
    );
    expect(policies).toEqual([{ policyname: "own summaries" }]);
    const run = listRuns(dir)[0]!;
    expect(run.database).toEqual([expect.objectContaining({ kind: "schema-changes", files: [NEW_MIGRATION_PATH] })]);
    expect(JSON.stringify(run)).not.toContain(new URL(url).password || "\u0000");

    expect(await cli.run("rollback", dir, run.id, "--db-url", url), cli.stderr.join("\n")).toBe(0);
    expect(await tables("owned_lovable")).toEqual(baseline);
    expect(git(dir, "rev-parse", "HEAD")).toBe(ownedTip);
    expect(builderSide(dir)).toEqual(builder);
  });

  it("a migration that fails leaves the owned branch, its files and the database as they were", async () => {
    const dir = await migratedOntoOwned();
    const url = await ownedDatabase(dir, "owned_failing");
    const baseline = await tables("owned_failing");
    builderCommits(dir, "Add broken migrations", {
      [NEW_MIGRATION_PATH]: NEW_MIGRATION,
      "supabase/migrations/20250703090000_broken.sql": "ALTER TABLE public.no_such_table ADD COLUMN x int;\n",
    });
    const ownedTip = git(dir, "rev-parse", "HEAD");
    const before = sourceFingerprint(dir);
    const builder = builderSide(dir);

    const cli = capturedCli();
    expect(await cli.run("sync-builder", dir, "--yes", "--apply-migrations", "--db-url", url)).toBe(1);
    expect(cli.stderr[0]).toMatch(
      /^error supabase\/migrations\/20250703090000_broken\.sql failed on .*: relation "public\.no_such_table" does not exist; no schema change was applied$/,
    );
    expect(await tables("owned_failing")).toEqual(baseline);
    expect(git(dir, "rev-parse", "HEAD")).toBe(ownedTip);
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(sourceFingerprint(dir)).toEqual(before);
    expect(listRuns(dir)[0]).toMatchObject({ command: "sync-builder", status: "failed" });
    expect(builderSide(dir)).toEqual(builder);
  });
});
