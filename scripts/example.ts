// `npm run example`: the main job on a bundled example, with no outside accounts. Copies
// fixtures/<name> (default lovable-vite) into a temp folder with its own git history and runs:
//   1. `ownit migrate --yes`: codemods and deploy files, as one tagged run;
//   2. the data move: a throwaway PostgreSQL seeded as a Supabase project's database stands in for
//      the hosted one (fixtures/db/source: auth users with bcrypt passwords, RLS, 100k+ rows), then
//      `ownit dump` → `ownit restore --local` (the project's own PostgreSQL under .ownit/pg, the
//      embedded build when none is installed) → `ownit verify`;
//   3. `ownit runs`.
// Nothing in this repository is modified; every server it starts is stopped at the end.
import { cpSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { EXPORT_DIR, isOwnitError } from "@ownit/core";
import { findClientBinary, findServerBinaries, localDatabaseUrl, startLocalServer, type LocalServer } from "@ownit/db";
import { main } from "../packages/cli/src/main";

const REPO = path.resolve(import.meta.dirname, "..");
const name = process.argv[2] ?? "lovable-vite";
const temp = mkdtempSync(path.join(os.tmpdir(), "ownit-example-"));
const work = path.join(temp, name);
cpSync(path.join(REPO, "fixtures", name), work, { recursive: true });
const git = (...args: string[]) =>
  execFileSync("git", args, {
    cwd: work,
    stdio: "ignore",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "example",
      GIT_AUTHOR_EMAIL: "example@localhost",
      GIT_COMMITTER_NAME: "example",
      GIT_COMMITTER_EMAIL: "example@localhost",
    },
  });
git("init", "-q", "-b", "main");
git("add", "-A");
git("commit", "-q", "-m", "exported from the builder");

const step = (title: string) => console.log(`\n── ${title} ${"─".repeat(Math.max(0, 72 - title.length))}\n`);

/** A stand-in for the builder's hosted database: a Supabase-shaped source on a throwaway server. */
async function startStandInSource(): Promise<{ server: LocalServer; url: string }> {
  // An installed server first: its pg_dump is usually installed beside it (the embedded build has none).
  const server = await startLocalServer({
    dir: path.join(temp, "hosted-supabase-stand-in"),
    binaries: findServerBinaries({ prefer: "system" }),
  });
  const admin = new pg.Client({ connectionString: server.url() });
  await admin.connect();
  await admin.query("CREATE DATABASE supabase_source");
  await admin.end();
  const url = server.url("supabase_source");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const sqlDir = path.join(REPO, "fixtures", "db", "source");
  for (const file of readdirSync(sqlDir)
    .filter((f) => f.endsWith(".sql"))
    .sort())
    await client.query(readFileSync(path.join(sqlDir, file), "utf8"));
  await client.end();
  return { server, url };
}

/** The data move needs a pg_dump at least as new as the stand-in server; say so when there is none. */
async function moveData(): Promise<number> {
  let source: { server: LocalServer; url: string } | undefined;
  try {
    source = await startStandInSource();
    findClientBinary("pg_dump", Number(source.server.version.split(".")[0]));
  } catch (error) {
    await source?.server.stop();
    if (!isOwnitError(error)) throw error;
    console.log(`skipped the data move: ${error.message}${error.hint ? ` (${error.hint})` : ""}`);
    return 0;
  }
  try {
    const exportDir = path.join(work, EXPORT_DIR);
    console.log(`a throwaway PostgreSQL ${source.server.version} plays the app's hosted Supabase database\n`);
    let code = await main(["dump", "--from", source.url, "--out", exportDir]);
    if (code === 0) {
      step("ownit restore --local: into the project's own PostgreSQL");
      code = await main(["restore", exportDir, "--local", "--project", work]);
    }
    const local = localDatabaseUrl(work);
    if (code === 0 && local) {
      step("ownit verify: every row, checksum, sequence and schema object");
      code = await main(["verify", exportDir, "--against", local.url]);
    }
    await main(["db", "stop", "--project", work]);
    return code;
  } finally {
    await source.server.stop();
  }
}

console.log(`example: ${name} copied to ${work}`);
step("ownit migrate --yes: codemods and deploy files as one run");
let code = await main(["migrate", work, "--yes"]);
if (code === 0) {
  step("the data: dump the hosted database, restore it locally, verify");
  code = await moveData();
}
if (code === 0) {
  step("ownit runs");
  code = await main(["runs", work]);
}
console.log(`\nexample: inspect ${work}`);
console.log(`  its database: npx ownit db start --project ${work}   (then: npx ownit db url --project ${work})`);
console.log(`  undo the latest run: npx ownit rollback ${work}`);
process.exitCode = code;
