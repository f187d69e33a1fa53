// The staged restore (parallel loading into ownit_stage_* schemas, one swap) is all or nothing: a
// failure injected at the swap, while indexes are built, or found mid-load (a damaged file read
// after the large tables are in) leaves the target exactly as it was, roles and settings included;
// the restore then runs again cleanly. --allow-nonempty keeps the one-transaction path.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OwnitError } from "@ownit/core";
import { dumpDatabase, readExport, restoreExport, verifyExport } from "@ownit/db";
import { cleanupTemp, tempDir } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { sql, startSourceDatabase, type SourceDatabase } from "./source";

let source: SourceDatabase;
let target: TestServer;
let exportDir: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startSourceDatabase(), startTestServer({ prefer: "system" })]);
  exportDir = path.join(tempDir("ownit-staged-"), "export");
  await dumpDatabase({ from: source.url, out: exportDir });
});

afterEach(() => {
  delete process.env.OWNIT_TEST_FAIL_AT;
});

afterAll(async () => {
  for (const server of [source?.server, target]) await server?.dispose();
  cleanupTemp();
});

/** Everything a restore could change: objects, schemas with their owner, grants and comment, settings, the API roles. */
async function state(url: string): Promise<Record<string, unknown>> {
  const objects = await sql<{ o: string }>(
    url,
    `select format('%s %s.%s', c.relkind, n.nspname, c.relname) as o from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' order by 1`,
  );
  const schemas = await sql(
    url,
    `select nspname, pg_get_userbyid(nspowner) as owner, nspacl::text as acl, obj_description(oid, 'pg_namespace') as comment
       from pg_namespace where nspname not in ('pg_catalog', 'information_schema') and nspname not like 'pg\\_%' order by 1`,
  );
  const settings = await sql(
    url,
    "select setconfig from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase where d.datname = current_database()",
  );
  const extensions = await sql(url, "select extname from pg_extension order by 1");
  const publications = await sql(url, "select pubname from pg_publication");
  const roles = await sql(
    url,
    "select rolname from pg_roles where rolname in ('anon', 'authenticated', 'service_role') order by 1",
  );
  return { objects: objects.map((r) => r.o), schemas, settings, extensions, publications, roles };
}

async function failure(promise: Promise<unknown>): Promise<OwnitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OwnitError);
  return error as OwnitError;
}

describe("a staged restore that fails leaves the target exactly as it was", () => {
  it.each(["restore-swap", "restore-index"])("a failure injected at %s", async (point) => {
    const url = await target.createDatabase(`fail_${point.replace("-", "_")}`);
    const before = await state(url);
    expect(before.roles).toEqual([]); // the API roles do not exist yet: the restore creates them, the failure must drop them
    process.env.OWNIT_TEST_FAIL_AT = point;
    const e = await failure(restoreExport(exportDir, url, { jobs: 2 }));
    expect(e.code).toBe("restore-failed");
    expect(e.message).toContain(`injected failure at ${point}`);
    expect(e.message).toContain("the target is as it was");
    expect(await state(url)).toEqual(before);
  });

  it("mid-load: a damaged small table, read after the large tables are in, is refused and nothing stays", async () => {
    const copy = path.join(tempDir("ownit-staged-damaged-"), "export");
    cpSync(exportDir, copy, { recursive: true });
    const tables = readExport(copy).manifest.tables;
    const smallest = [...tables].filter((t) => t.rowCount > 0).sort((a, b) => a.bytes - b.bytes)[0]!;
    const file = path.join(copy, smallest.file);
    writeFileSync(file, readFileSync(file, "utf8").replace(/[a-z]/, "Z")); // same rows, other bytes
    const url = await target.createDatabase("fail_mid_load");
    const before = await state(url);
    const e = await failure(restoreExport(copy, url, { jobs: 2 }));
    expect(e.code).toBe("export-damaged");
    expect(e.message).toContain(`${smallest.schema}.${smallest.name}`);
    expect(await state(url)).toEqual(before);
  });
});

describe("after a failure the restore runs again", () => {
  it("staged, every row verified, the target's public keeps its owner, grants and comment", async () => {
    const url = await target.createDatabase("again");
    process.env.OWNIT_TEST_FAIL_AT = "restore-swap";
    await failure(restoreExport(exportDir, url));
    delete process.env.OWNIT_TEST_FAIL_AT;
    const [publicBefore] = await sql<{ owner: string; acl: string }>(
      url,
      "select pg_get_userbyid(nspowner) as owner, nspacl::text as acl from pg_namespace where nspname = 'public'",
    );
    const result = await restoreExport(exportDir, url, { jobs: 3 });
    expect(result.mode).toBe("staged");
    expect(result.leftoversDropped).toEqual([]);
    const report = await verifyExport(exportDir, url);
    expect(report.differences).toEqual([]);
    const [publicAfter] = await sql<{ owner: string; acl: string; comment: string }>(
      url,
      "select pg_get_userbyid(nspowner) as owner, nspacl::text as acl, obj_description(oid, 'pg_namespace') as comment from pg_namespace where nspname = 'public'",
    );
    expect(publicAfter!.owner).toBe(publicBefore!.owner);
    // The target's own grants stay (USAGE for PUBLIC), the export's are added (anon, authenticated, service_role).
    for (const grant of publicBefore!.acl.slice(1, -1).split(",")) expect(publicAfter!.acl).toContain(grant);
    expect(publicAfter!.acl).toContain("anon=U/");
    expect(publicAfter!.comment).toBe("standard public schema");
    expect(await sql(url, "select nspname from pg_namespace where nspname like 'ownit\\_stag%'")).toEqual([]);
  });

  it("--allow-nonempty restores in one transaction", async () => {
    const url = await target.createDatabase("allow_nonempty");
    const result = await restoreExport(exportDir, url, { allowNonEmpty: true });
    expect(result.mode).toBe("single-transaction");
    expect((await verifyExport(exportDir, url)).differences).toEqual([]);
  });
});
