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
/** The same export restored both ways, compared at the end. */
const restored: { staged?: string; single?: string } = {};

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

/** Everything a restore could change: objects, schemas with their owner, grants and comment, settings, default privileges, the API roles. */
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
  const defaultPrivileges = await sql(
    url,
    "select defaclnamespace, defaclobjtype, defaclacl::text from pg_default_acl order by 1, 2",
  );
  const publications = await sql(url, "select pubname from pg_publication");
  const roles = await sql(
    url,
    "select rolname from pg_roles where rolname in ('anon', 'authenticated', 'service_role') order by 1",
  );
  return { objects: objects.map((r) => r.o), schemas, settings, extensions, defaultPrivileges, publications, roles };
}

/**
 * What a restore sets beyond rows and the object list verify compares: privileges, expressions
 * bound by OID, comments. Schema grants are compared as a set: `public` takes the target's own
 * grants at the swap, after the export's, so the array lists the same entries in another order.
 */
async function catalog(url: string): Promise<Record<string, unknown[]>> {
  const user = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`;
  const q = (text: string) => sql(url, text);
  return {
    schemas: await q(
      `select n.nspname, pg_get_userbyid(n.nspowner) as owner, (select array_agg(x::text order by x::text) from unnest(n.nspacl) x) as acl, obj_description(n.oid, 'pg_namespace') as comment from pg_namespace n where ${user} order by 1`,
    ),
    defaultPrivileges: await q(
      "select pg_get_userbyid(d.defaclrole) as role, coalesce(n.nspname, '') as schema, d.defaclobjtype, d.defaclacl::text as acl from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace order by 1, 2, 3",
    ),
    relations: await q(
      `select n.nspname, c.relname, c.relkind, c.relacl::text as acl, c.relrowsecurity, c.relforcerowsecurity, obj_description(c.oid, 'pg_class') as comment,
              case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end as view
         from pg_class c join pg_namespace n on n.oid = c.relnamespace where ${user} order by 1, 2`,
    ),
    defaults: await q(
      `select n.nspname, c.relname, a.attname, pg_get_expr(d.adbin, d.adrelid) as expr from pg_attrdef d
         join pg_class c on c.oid = d.adrelid join pg_namespace n on n.oid = c.relnamespace
         join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum order by 1, 2, 3`,
    ),
    functions: await q(
      `select p.oid::regprocedure::text as f, p.proacl::text as acl, p.proconfig::text as config, p.prosecdef from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where ${user} and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e') order by 1`,
    ),
    policies: await q(
      "select schemaname, tablename, policyname, roles::text, cmd, qual, with_check from pg_policies order by 1, 2, 3",
    ),
    triggers: await q("select pg_get_triggerdef(t.oid) as t from pg_trigger t where not t.tgisinternal order by 1"),
    constraints: await q(
      `select conrelid::regclass::text as rel, conname, pg_get_constraintdef(c.oid) as def from pg_constraint c join pg_namespace n on n.oid = c.connamespace where ${user} order by 1, 2`,
    ),
    publications: await q("select pubname, schemaname, tablename from pg_publication_tables order by 1, 2, 3"),
  };
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
    const data = readFileSync(file);
    // Three letters are a text value's, in binary or text (no small table has a field length of 6 MB).
    data[data.toString("latin1").search(/[a-z]{3}/)] = 0x5a; // "Z": same rows, other bytes
    writeFileSync(file, data);
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
    restored.staged = url;
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
    restored.single = url;
  });

  it("beside an admin's own extensions schema (the prelude grants on it), restores in one transaction", async () => {
    await sql(
      target.url(),
      "create role ext_owner login createrole password 'owner-pw'",
      "create database admin_ext owner ext_owner",
    );
    // moddatetime is untrusted: an admin creates it in a schema of the owner's, as restore's hint says.
    await sql(
      target.url("admin_ext"),
      "create schema extensions authorization ext_owner",
      "create extension moddatetime schema extensions",
    );
    const result = await restoreExport(exportDir, `postgres://ext_owner:owner-pw@127.0.0.1:${target.port}/admin_ext`);
    expect(result.mode).toBe("single-transaction");
    expect((await verifyExport(exportDir, target.url("admin_ext"))).differences).toEqual([]);
  });

  it("an owner limited to two connections: a failure leaves the target as it was, then the restore runs staged on the one loader it may open", async () => {
    const plain = await source.server.createDatabase("plain_app");
    await sql(
      plain,
      "create table public.items (id int primary key, body text)",
      "create table public.refs (id int primary key, item_id int not null references public.items(id))",
      "insert into public.items select g, 'item ' || g from generate_series(1, 500) g",
      "insert into public.refs select g, 1 + g % 500 from generate_series(1, 800) g",
    );
    const plainExport = path.join(tempDir("ownit-staged-plain-"), "export");
    await dumpDatabase({ from: plain, out: plainExport });
    await sql(
      target.url(),
      "create role limited_owner login connection limit 2 password 'owner-pw'",
      "create database limited owner limited_owner",
    );
    const url = `postgres://limited_owner:owner-pw@127.0.0.1:${target.port}/limited`;
    const before = await state(target.url("limited"));
    process.env.OWNIT_TEST_FAIL_AT = "restore-swap";
    await failure(restoreExport(plainExport, url, { jobs: 4 }));
    delete process.env.OWNIT_TEST_FAIL_AT;
    expect(await state(target.url("limited"))).toEqual(before);
    const result = await restoreExport(plainExport, url, { jobs: 4 });
    expect(result.mode).toBe("staged");
    expect((await verifyExport(plainExport, url, { jobs: 1 })).differences).toEqual([]);
  });

  it("the swap leaves the same catalog as the one-transaction restore: grants, default privileges, policies, triggers, defaults, views, comments", async () => {
    const [staged, single] = [await catalog(restored.staged!), await catalog(restored.single!)];
    expect(staged.defaultPrivileges.length).toBeGreaterThan(0);
    expect(staged.policies.length).toBeGreaterThan(0);
    expect(staged).toEqual(single);
  });
});
