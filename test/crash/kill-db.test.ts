// kill -9 anywhere in `ownit restore` and `ownit dump`: SIGKILLed child processes at every point
// they pass (journal steps; for the staged restore its first commit, each table before and during its
// COPY on each connection, each index and foreign key build, the swap, before and after COMMIT; each
// pg_dump password file) and at random ones. After a killed restore, `ownit runs` settles it: the target is either empty, or fully
// restored, recorded and undone by `ownit rollback`. After a killed dump, dumping again gives a
// complete export and no password file or partial folder survives.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRuns } from "@ownit/core";
import { readExport } from "@ownit/db";
import { capturedCli, cleanupTemp, git, gitInit, tempDir } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { sql } from "../db/source";
import { bundleChild, removeChildBundle, inPool, runChild, seededRandom, tracePoints, KILL_APP_SQL } from "./harness";

const KILLS_PER_COMMAND = 52;
/** Each kill is a process start: on two busy cores a command's 52 take one to two minutes. */
const HARNESS_TIMEOUT = 400_000;
const PASSWORD = "kill-harness-secret";

let source: TestServer;
let target: TestServer;
let sourceUrl: string;
let project: string;
let exportDir: string;
let head: string;

beforeAll(async () => {
  await bundleChild();
  [source, target] = await Promise.all([
    startTestServer({ prefer: "system", password: PASSWORD }),
    startTestServer({ prefer: "system" }),
  ]);
  sourceUrl = await source.createDatabase("app");
  await sql(sourceUrl, KILL_APP_SQL);
  project = tempDir("ownit-kill-project-");
  writeFileSync(path.join(project, "package.json"), '{ "name": "kill-app", "private": true }\n');
  writeFileSync(path.join(project, ".gitignore"), "ownit-export/\n");
  gitInit(project);
  head = git(project, "rev-parse", "HEAD");
  exportDir = path.join(project, "ownit-export");
  const dump = capturedCli();
  expect(await dump.run("dump", "--from", sourceUrl, "--out", exportDir), dump.stderr.join("\n")).toBe(0);
});

afterAll(async () => {
  for (const server of [source, target]) await server?.dispose();
  removeChildBundle();
  cleanupTemp();
});

/** Tables and the ownit marker schema in a target database (empty: nothing the restore made). */
async function userTables(url: string): Promise<string[]> {
  const rows = await sql<{ t: string }>(
    url,
    "select n.nspname || '.' || c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r','p') and n.nspname not in ('pg_catalog','information_schema') and n.nspname not like 'pg_toast%' order by 1",
  );
  // ownit's marker schema, the staging record's, and staging schemas (ownit_stage_*) a killed load left.
  const schemas = await sql<{ n: string }>(url, "select nspname as n from pg_namespace where nspname like 'ownit%' order by 1");
  return [...rows.map((r) => r.t), ...schemas.map((s) => `schema ${s.n}`)];
}

function killPlan(points: string[], seed: number): string[] {
  const random = seededRandom(seed);
  const plan = [...points];
  while (plan.length < KILLS_PER_COMMAND) plan.push(points[Math.floor(random() * points.length)]!);
  return plan;
}

describe("kill -9 during a restore", () => {
  it(
    "leaves the target empty, or fully restored, recorded and undoable, at every point",
    async () => {
      const traceUrl = await target.createDatabase("trace");
      const points = await tracePoints(["restore", exportDir, "--to", traceUrl]);
      expect(points).toEqual(
        expect.arrayContaining([
          "start#1",
          "restore-load#1",
          "restore-stage#1",
          "restore-table#3",
          "restore-copy#3",
          "restore-index#3",
          "restore-foreign-key#1",
          "restore-swap#1",
          "restore-commit#1",
          "restore-committed#1",
          "applied#1",
        ]),
      );
      expect(await capturedCli().run("rollback", project)).toBe(0);
      const expected = readExport(exportDir).manifest.tables;
      const kills = killPlan(points, 91);
      const failures: string[] = [];
      let recovered = 0;
      let committed = 0;
      // One project ledger: kills run one after another, each into a database of its own.
      const seen = new Set(listRuns(project).map((r) => r.id));
      await inPool(kills, 1, async (point, i) => {
        const url = await target.createDatabase(`kill_${i}`);
        const child = await runChild(["restore", exportDir, "--to", url], { OWNIT_TEST_KILL_AT: point });
        if (child.signal !== "SIGKILL")
          return void failures.push(`#${i} ${point}: not killed (exit ${child.code}) ${child.stderr}`);
        const runs = capturedCli();
        if ((await runs.run("runs", project)) !== 0)
          return void failures.push(`#${i} ${point}: runs failed: ${runs.stderr.join(" | ")}`);
        const run = listRuns(project)[0]!;
        const wrong: string[] = [];
        const tables = await userTables(url);
        if (seen.has(run.id)) {
          // Killed before the run began (reading the export, checking the project): nothing may be in the target.
          if (tables.length) wrong.push(`no run, yet ${tables.join(", ")} in the target`);
        } else if (run.status === "applied") {
          committed++;
          for (const t of expected) {
            const [{ n }] = await sql<{ n: number }>(url, `select count(*)::int as n from "${t.schema}"."${t.name}"`);
            if (n !== t.rowCount) wrong.push(`${t.schema}.${t.name} has ${n} of ${t.rowCount} rows`);
          }
          const rollback = capturedCli();
          if ((await rollback.run("rollback", project, run.id)) !== 0)
            wrong.push(`rollback failed: ${rollback.stderr.join(" | ")}`);
          const left = await userTables(url);
          if (left.length) wrong.push(`rollback left ${left.join(", ")}`);
        } else if (run.status !== "failed") wrong.push(`run left ${run.status}`);
        else if (tables.length) wrong.push(`failed run left ${tables.join(", ")} in the target`);
        if (git(project, "rev-parse", "HEAD") !== head) wrong.push("HEAD moved");
        if (git(project, "tag", "--list")) wrong.push(`tags left: ${git(project, "tag", "--list")}`);
        if (existsSync(path.join(project, ".git/index.lock"))) wrong.push("index.lock left");
        seen.add(run.id);
        if (wrong.length) failures.push(`#${i} ${point}: ${wrong.join("; ")}`);
        else recovered++;
      });
      console.log(
        `kill harness: restore ${recovered}/${kills.length} recovered (${committed} had committed and were recorded, then rolled back)`,
      );
      expect(failures).toEqual([]);
      expect(committed).toBeGreaterThan(0);
    },
    HARNESS_TIMEOUT,
  );
});

describe("kill -9 during a dump", () => {
  it(
    "leaves no password file or partial export behind once a dump runs again, at every point",
    async () => {
      const tmp = tempDir("ownit-kill-tmp-");
      const previousTmp = process.env.TMPDIR;
      process.env.TMPDIR = tmp;
      try {
        const traceOut = path.join(tempDir("ownit-kill-dump-"), "export");
        const points = await tracePoints(["dump", "--from", sourceUrl, "--out", traceOut], { TMPDIR: tmp });
        expect(points).toEqual(expect.arrayContaining(["dump-passfile#1", "dump-table#3", "dump-manifest#1", "dump-rename#1"]));
        const kills = killPlan(points, 92);
        const failures: string[] = [];
        let recovered = 0;
        let passfilesSeen = 0;
        // Kills land in runs of one to three on the same destination before the dump is run again.
        const random = seededRandom(93);
        const batches: string[][] = [];
        for (let i = 0; i < kills.length;) {
          const n = 1 + Math.floor(random() * 3);
          batches.push(kills.slice(i, i + n));
          i += n;
        }
        await inPool(batches, 2, async (batch, b) => {
          const parent = tempDir("ownit-kill-dump-");
          const out = path.join(parent, "export");
          const childTmp = path.join(tmp, `batch-${b}`);
          mkdirSync(childTmp);
          for (const point of batch) {
            const child = await runChild(["dump", "--from", sourceUrl, "--out", out], {
              TMPDIR: childTmp,
              OWNIT_TEST_KILL_AT: point,
            });
            if (child.signal !== "SIGKILL") failures.push(`batch ${b} ${point}: not killed (exit ${child.code}) ${child.stderr}`);
          }
          const leftPass = readdirSync(childTmp).filter((n) => n.startsWith("ownit-pgdump-"));
          for (const d of leftPass)
            if (readFileSync(path.join(childTmp, d, "pgpass"), "utf8").includes(PASSWORD)) passfilesSeen++;
          const partials = readdirSync(parent).filter((n) => n.startsWith("export.partial-"));
          for (const p of partials) {
            if (statSync(path.join(parent, p)).mode & 0o077) failures.push(`batch ${b}: ${p} is readable by others`);
            if (!existsSync(path.join(parent, p, ".gitignore"))) failures.push(`batch ${b}: ${p} is not git-ignored`);
          }
          // The recovery: the same dump again (its first act sweeps what the killed ones left).
          const again = await runChild(["dump", "--from", sourceUrl, "--out", out], { TMPDIR: childTmp });
          const wrong: string[] = [];
          if (again.code !== 0) wrong.push(`dump again exit ${again.code}: ${again.stderr}`);
          else {
            const tables = readExport(out).manifest.tables;
            if (tables.map((t) => t.rowCount).join(",") !== "40,300,12")
              wrong.push(`export rows ${tables.map((t) => t.rowCount)}`);
          }
          const stillPass = readdirSync(childTmp).filter((n) => n.startsWith("ownit-pgdump-"));
          if (stillPass.length) wrong.push(`password file(s) left: ${stillPass.join(", ")}`);
          const stillPartial = readdirSync(parent).filter((n) => n.includes(".partial-"));
          if (stillPartial.length) wrong.push(`partial export(s) left: ${stillPartial.join(", ")}`);
          if (wrong.length) failures.push(`batch ${b} [${batch.join(" ")}]: ${wrong.join("; ")}`);
          else recovered += batch.length;
        });
        console.log(
          `kill harness: dump ${recovered}/${kills.length} recovered (${passfilesSeen} password file(s) left by kills, all removed)`,
        );
        expect(failures).toEqual([]);
        expect(passfilesSeen).toBeGreaterThan(0);
      } finally {
        if (previousTmp === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = previousTmp;
      }
    },
    HARNESS_TIMEOUT,
  );
});

describe("a dump stopped by a signal it can catch", () => {
  it.each(["SIGTERM", "SIGINT"])(
    "%s while pg_dump's password file exists removes it and the partial export before exiting",
    async (signal) => {
      const tmp = tempDir("ownit-sig-tmp-");
      const parent = tempDir("ownit-sig-dump-");
      const child = await runChild(["dump", "--from", sourceUrl, "--out", path.join(parent, "export")], {
        TMPDIR: tmp,
        OWNIT_TEST_KILL_AT: "dump-passfile",
        OWNIT_TEST_KILL_SIGNAL: signal,
      });
      expect(child.code).toBe(signal === "SIGTERM" ? 143 : 130);
      expect(readdirSync(tmp)).toEqual([]);
      expect(readdirSync(parent)).toEqual([]);
    },
  );
});
