// kill -9 of a staged restore at each of its own points (before its first commit, mid-COPY on each
// connection, during an index and a foreign-key build, at the swap): the next restore into the same
// database, recorded in another project so no ledger recovery helps it, drops the killed load's
// staging schemas first, says so, and restores every row; the killed run's own recovery afterwards
// leaves that restore alone; rolling it back leaves the target empty of ownit's objects.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRuns } from "@ownit/core";
import { capturedCli, cleanupTemp, tempDir } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { sql } from "../db/source";
import { bundleChild, removeChildBundle, runChild, KILL_APP_SQL } from "./harness";

let source: TestServer;
let target: TestServer;
let exportDir: string;

function project(): string {
  const dir = tempDir("ownit-staged-kill-");
  writeFileSync(path.join(dir, "package.json"), '{ "name": "staged-kill", "private": true }\n');
  return dir;
}

/** Tables anywhere, and ownit's schemas (its marker, the staging record, staging schemas). */
async function leftovers(url: string): Promise<string[]> {
  const rows = await sql<{ o: string }>(
    url,
    `select n.nspname || '.' || c.relname as o from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
     union all select 'schema ' || nspname from pg_namespace where nspname like 'ownit%' order by 1`,
  );
  return rows.map((r) => r.o);
}

beforeAll(async () => {
  await bundleChild();
  [source, target] = await Promise.all([startTestServer({ prefer: "system" }), startTestServer({ prefer: "system" })]);
  const sourceUrl = await source.createDatabase("app");
  await sql(sourceUrl, KILL_APP_SQL);
  exportDir = path.join(project(), "ownit-export");
  const dump = capturedCli();
  expect(await dump.run("dump", "--from", sourceUrl, "--out", exportDir), dump.stderr.join("\n")).toBe(0);
});

afterAll(async () => {
  for (const server of [source, target]) await server?.dispose();
  removeChildBundle();
  cleanupTemp();
});

describe("a staged restore killed at each of its points", () => {
  it.each([
    ["restore-stage#1", false],
    ["restore-copy#1", true],
    ["restore-copy#2", true],
    ["restore-index#2", true],
    ["restore-foreign-key#1", true],
    ["restore-swap#1", true],
  ] as const)("killed at %s: the next restore drops its leftovers, restores, and rolls back to empty", async (point, staged) => {
    const url = await target.createDatabase(`staged_kill_${point.replace(/\W/g, "_")}`);
    const killed = project();
    const child = await runChild(["restore", exportDir, "--to", url, "--project", killed, "--jobs", "2"], {
      OWNIT_TEST_KILL_AT: point,
    });
    expect(child.signal, child.stderr).toBe("SIGKILL");
    const left = await leftovers(url);
    if (staged) expect(left).toContain("schema ownit_stage_public");
    else expect(left).toEqual([]);

    const again = project();
    const rerun = await runChild(["restore", exportDir, "--to", url, "--project", again, "--jobs", "2"]);
    expect(rerun.code, rerun.stderr).toBe(0);
    if (staged) expect(rerun.stdout).toContain("dropped what an interrupted restore had left in the target first");
    const verify = await runChild(["verify", exportDir, "--against", url]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);

    // The killed run's recovery finds nothing of its own any more, and leaves the new restore whole.
    const runs = capturedCli();
    expect(await runs.run("runs", killed), runs.stderr.join("\n")).toBe(0);
    expect(listRuns(killed)[0]!.status).toBe("failed");
    expect(await sql(url, "select count(*)::int as n from public.notes")).toEqual([{ n: 300 }]);

    const rollback = capturedCli();
    expect(await rollback.run("rollback", again), rollback.stderr.join("\n")).toBe(0);
    expect(await leftovers(url)).toEqual([]);
  });
});
