// A Lovable app's Supabase database (fixtures/db/source on PostgreSQL 15) dumped, restored onto
// servers that have never seen Supabase (PostgreSQL 15, and the embedded PostgreSQL 18), and
// verified; then proven by behaviour: row level security still scopes rows to the signed-in user,
// passwords still verify, triggers did not fire twice, and verify fails when something differs.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OwnitError } from "@ownit/core";
import {
  dumpDatabase,
  findClientBinary,
  portableSchema,
  readExport,
  restoreExport,
  supabasePrelude,
  verifyExport,
  type DumpResult,
  type ExportManifest,
  type TableProgress,
} from "@ownit/db";
import { capturedCli, cleanupTemp, tempDir } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";
import {
  PASSWORD_USERS,
  seededId,
  sql,
  startSourceDatabase,
  startStorageStandIn,
  type SourceDatabase,
  type StorageStandIn,
} from "./source";

const ALICE = seededId("user-alice");
const BOB = seededId("user-bob");
const SERVICE_KEY = "test-service-role-key";
const AVATAR = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(60, 7)]);
const JWT_SIGNATURE = "8_QO49NVEqt-sJnKzZFJAPLUFzkrx9YmXv5QM6GEiBM";

let source: SourceDatabase;
let storage: StorageStandIn;
let pg15: TestServer;
let pg18: TestServer;
let exportDir: string;
let dumped: DumpResult;
let target15: string;
let target18: string;

beforeAll(async () => {
  [source, pg15, pg18] = await Promise.all([
    startSourceDatabase(),
    startTestServer({ prefer: "system" }),
    startTestServer({ prefer: "embedded" }),
  ]);
  storage = await startStorageStandIn(SERVICE_KEY, { [`avatars/${ALICE}/me.png`]: AVATAR, [`avatars/${BOB}/me.png`]: AVATAR });
  exportDir = path.join(tempDir("ownit-export-"), "ownit-export");
  dumped = await dumpDatabase({ from: source.url, out: exportDir, storage: { key: SERVICE_KEY, url: storage.url } });
  target15 = await pg15.createDatabase("restored");
  target18 = await pg18.createDatabase("restored");
});

afterAll(async () => {
  await storage?.close();
  for (const server of [source?.server, pg15, pg18]) await server?.dispose();
  cleanupTemp();
});

/** A progress listener counting how many times each table was read (a read starts at zero rows). */
function countReads(reads: Map<string, number>) {
  return (event: TableProgress) => {
    if (event.rows === 0 && !event.done) reads.set(event.table, (reads.get(event.table) ?? 0) + 1);
  };
}
/** Runs statements in one transaction as `role` with PostgREST's claims for `sub`; returns the last rows. */
async function asUser<T>(url: string, role: string, sub: string | null, query: string): Promise<T[]> {
  const claims = JSON.stringify(sub ? { sub, role } : { role });
  const rows = await sql<T>(
    url,
    "BEGIN",
    `SET LOCAL ROLE ${role}`,
    `SELECT set_config('request.jwt.claims', '${claims}', true)`,
    query,
  );
  return rows;
}

describe("dump: one snapshot of a Supabase database into a portable folder", () => {
  it("writes every app table, auth.users and auth.identities with row counts and checksums, and the sequences' values", () => {
    const tables = Object.fromEntries(dumped.manifest.tables.map((t) => [`${t.schema}.${t.name}`, t]));
    expect(Object.keys(tables).sort()).toEqual([
      "auth.identities",
      "auth.users",
      "public.activity_log",
      "public.imported_contacts",
      "public.invoices",
      "public.messages",
      "public.profiles",
      "public.projects",
      "public.tasks",
      "public.user_roles",
      "storage.buckets",
      "storage.objects",
    ]);
    expect(tables["public.activity_log"]!.rowCount).toBe(120_000);
    expect(tables["auth.users"]!.rowCount).toBe(303);
    expect(tables["public.imported_contacts"]!.primaryKey).toEqual([]);
    expect(tables["auth.users"]!.columns).not.toContain("confirmed_at"); // generated: the target computes it
    for (const t of dumped.manifest.tables) expect(t.checksum, `${t.schema}.${t.name}`).toMatch(/^xxh128:[0-9a-f]{32}$/);
    // The app's tables travel in COPY binary, but projects (an interval column: copy-format.ts);
    // auth's and storage's stay text (other steps read those files).
    for (const t of dumped.manifest.tables)
      expect(t.format, `${t.schema}.${t.name}`).toBe(t.schema === "public" && t.name !== "projects" ? "binary" : undefined);
    expect(tables["public.tasks"]!.arrayColumns).toEqual(["labels"]);
    expect(dumped.manifest.formatVersion).toBe(2);
    const sequences = Object.fromEntries(dumped.manifest.sequences.map((s) => [`${s.schema}.${s.name}`, s]));
    expect(sequences["public.invoice_number_seq"]).toMatchObject({ lastValue: "1249", isCalled: true });
    expect(sequences["public.messages_id_seq"]).toMatchObject({ lastValue: "5000", isCalled: true });
    expect(dumped.manifest.schemas).toEqual(["public"]);
    expect(dumped.manifest.source).toMatchObject({ kind: "supabase", serverVersion: expect.stringMatching(/^15\./) });
  });

  it("leaves sessions and refresh tokens behind, and says so", () => {
    expect(dumped.manifest.tables.some((t) => t.name === "sessions" || t.name === "refresh_tokens")).toBe(false);
    const f = dumped.findings.find((x) => x.code === "auth-sessions-dropped")!;
    expect(f.message).toContain("2 sessions and 6 refresh tokens");
  });

  it("turns pg_cron jobs, pg_net calls, webhooks and realtime into findings, with the JWT redacted everywhere it reports", () => {
    const codes = dumped.findings.map((f) => f.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        "pg-cron-job",
        "pg-net-call",
        "database-webhook-dropped",
        "realtime-table",
        "event-trigger-dropped",
        "platform-grants-dropped",
      ]),
    );
    const digest = dumped.findings.find((f) => f.code === "pg-cron-job" && f.message.includes("nightly-digest"))!;
    expect(digest.severity).toBe("high");
    expect(digest.message).toContain("https://kqzvtnwyhbgxrmpdleaf.supabase.co/functions/v1/daily-digest");
    expect(digest.hint).toContain("SELECT cron.schedule('nightly-digest', '0 6 * * *', $$");
    expect(digest.hint).toContain("Bearer eyJ***");
    for (const file of ["manifest.json", "findings.json"])
      expect(readFileSync(path.join(exportDir, file), "utf8")).not.toContain(JWT_SIGNATURE);
  });

  it("writes a schema with nothing stock PostgreSQL lacks, a restore.sql, and a .gitignore that keeps it out of git", () => {
    const schema =
      readFileSync(path.join(exportDir, "schema.sql"), "utf8") + readFileSync(path.join(exportDir, "post-data.sql"), "utf8");
    expect(schema).not.toMatch(
      /\\restrict|supabase_admin|supabase_functions|dashboard_user|EVENT TRIGGER|OWNER TO|supabase_realtime_messages_publication/,
    );
    // The one publication carried is Realtime's, recreated where it is missing (realtime-publication.test.ts).
    expect([...schema.matchAll(/CREATE PUBLICATION "([^"]+)"/g)].map((m) => m[1])).toEqual(["supabase_realtime"]);
    expect(schema).toContain('CREATE TRIGGER "on_auth_user_created"');
    expect(schema).toContain("ENABLE ROW LEVEL SECURITY");
    expect(readFileSync(path.join(exportDir, ".gitignore"), "utf8")).toMatch(/^\*$/m);
    expect(readFileSync(path.join(exportDir, "restore.sql"), "utf8")).toContain('\\copy "public"."activity_log"');
    expect(readdirSync(path.dirname(exportDir))).toEqual(["ownit-export"]); // no half-built folder beside it
  });

  it("downloads Storage files through the Storage API with the key, and lists the one it could not get", () => {
    expect(readFileSync(path.join(exportDir, "storage", "avatars", ALICE, "me.png"))).toEqual(AVATAR);
    expect(dumped.manifest.storage!.map((s) => s.file).sort()).toEqual([
      `storage/avatars/${ALICE}/me.png`,
      `storage/avatars/${BOB}/me.png`,
    ]);
    expect(storage.requests).toContain(`documents/${ALICE}/reports/Q1 résumé.pdf`);
    const missing = dumped.findings.find((f) => f.code === "storage-file-missing")!;
    expect(missing.message).toContain("documents/");
  });
});

describe("restore + verify onto servers without Supabase", () => {
  it("restores into PostgreSQL 15 with none of Supabase's roles or schemas, and verify finds every row", async () => {
    const before = await sql<{ rolname: string }>(
      target15,
      "select rolname from pg_roles where rolname in ('anon', 'authenticated', 'service_role', 'supabase_admin')",
    );
    expect(before).toEqual([]);
    expect(await sql(target15, "select nspname from pg_namespace where nspname in ('auth', 'storage', 'extensions')")).toEqual(
      [],
    );
    const result = await restoreExport(exportDir, target15);
    // Loaded on parallel connections into staging schemas and swapped in: every proof below runs on that path.
    expect(result.mode).toBe("staged");
    expect(result.rows).toBe(dumped.rows);
    const reads = new Map<string, number>();
    const report = await verifyExport(exportDir, target15, { onProgress: countReads(reads) });
    expect(report.differences).toEqual([]);
    // The rows lie as the restore loaded them, in key order: each table is read once, as stored.
    expect([...reads.values()].filter((n) => n !== 1)).toEqual([]);
    expect(reads.size).toBe(dumped.manifest.tables.length);
    expect(report.ok).toBe(true);
    expect(report.objectKinds).toEqual(
      expect.arrayContaining([
        "columns",
        "constraints",
        "functions",
        "indexes",
        "policies",
        "row security",
        "tables",
        "triggers",
      ]),
    );
  });

  it("restores the PostgreSQL 15 dump onto PostgreSQL 18, and verify passes there too", async () => {
    const [{ server_version_num }] = await sql<{ server_version_num: string }>(target18, "show server_version_num");
    expect(Number(server_version_num)).toBeGreaterThanOrEqual(180000);
    await restoreExport(exportDir, target18);
    const report = await verifyExport(exportDir, target18);
    expect(report.differences).toEqual([]);
  });

  it("restores as a database owner who is not a superuser, as on managed hosts", async () => {
    await sql(
      pg15.url(),
      "create role app_owner login createrole password 'owner-pw'",
      "create database owned_by_app owner app_owner",
    );
    const url = `postgres://app_owner:owner-pw@127.0.0.1:${pg15.port}/owned_by_app`;
    // moddatetime is not a trusted extension: the restore says who must create it, before touching anything.
    const refused = await restoreExport(exportDir, url).catch((e: unknown) => e as OwnitError);
    expect(refused).toMatchObject({ code: "extension-needs-superuser" });
    expect((refused as OwnitError).hint).toContain(
      'CREATE SCHEMA IF NOT EXISTS "extensions"; CREATE EXTENSION "moddatetime" SCHEMA "extensions";',
    );
    await sql(
      pg15.url("owned_by_app"),
      "create schema extensions authorization app_owner",
      "create extension moddatetime schema extensions",
    );
    const result = await restoreExport(exportDir, url);
    expect(result.replicationRole).toBe(false); // superuser-only: triggers are simply created after the rows
    const report = await verifyExport(exportDir, url);
    expect(report.differences).toEqual([]);
    expect(await sql(url, "select tableowner from pg_tables where schemaname = 'public' and tablename = 'tasks'")).toEqual([
      { tableowner: "app_owner" },
    ]);
    const [{ n }] = await asUser<{ n: number }>(
      pg15.url("owned_by_app"),
      "authenticated",
      BOB,
      "select count(*)::int as n from public.tasks",
    );
    expect(n).toBe(400);
  });

  it("keeps row level security: as authenticated Alice sees only her tasks, the owner sees all", async () => {
    const mine = await asUser<{ user_id: string }>(
      target15,
      "authenticated",
      ALICE,
      "select distinct user_id::text from public.tasks",
    );
    expect(mine).toEqual([{ user_id: ALICE }]);
    const [{ n }] = await asUser<{ n: number }>(target15, "authenticated", ALICE, "select count(*)::int as n from public.tasks");
    expect(n).toBe(400);
    const [{ n: anon }] = await asUser<{ n: number }>(target15, "anon", null, "select count(*)::int as n from public.tasks");
    expect(anon).toBe(0);
    const [{ n: all }] = await sql<{ n: number }>(target15, "select count(*)::int as n from public.tasks");
    expect(all).toBe(1500);
    const [{ n: bobsProfiles }] = await asUser<{ n: number }>(
      target15,
      "authenticated",
      BOB,
      "select count(*)::int as n from public.profiles",
    );
    expect(bobsProfiles).toBe(1);
  });

  it("restores logins: a seeded user's password still verifies against its bcrypt hash", async () => {
    for (const name of PASSWORD_USERS) {
      const [row] = await sql<{ ok: boolean; wrong: boolean }>(
        target15,
        `select extensions.crypt('${name}-password-1', encrypted_password) = encrypted_password as ok,
                extensions.crypt('not-the-password', encrypted_password) = encrypted_password as wrong
           from auth.users where email = '${name}@example.com'`,
      );
      expect(row).toEqual({ ok: true, wrong: false });
    }
  });

  it("did not run handle_new_user again: one profile and one default role per user, as in the source", async () => {
    const count = (url: string) =>
      sql<{ users: number; profiles: number; roles: number; dupes: number }>(
        url,
        `select (select count(*)::int from auth.users) as users, (select count(*)::int from public.profiles) as profiles,
              (select count(*)::int from public.user_roles) as roles,
              (select count(*)::int from (select id from public.profiles group by id having count(*) > 1) d) as dupes`,
      );
    const [restored] = await count(target15);
    expect(restored).toEqual((await count(source.url))[0]);
    expect(restored).toMatchObject({ users: 303, profiles: 303, roles: 304, dupes: 0 });
  });

  it("keeps triggers working for what happens next: a new sign-up gets its profile, an edit its timestamp", async () => {
    const id = seededId("new-signup");
    await sql(
      target18,
      `insert into auth.users (id, email, raw_user_meta_data) values ('${id}', 'new@example.com', '{"display_name": "Newcomer"}')`,
    );
    expect(await sql(target18, `select display_name from public.profiles where id = '${id}'`)).toEqual([
      { display_name: "Newcomer" },
    ]);
    // moddatetime, an extension trigger function, came along with its extension.
    const project = seededId("project-alice-2");
    await sql(target18, `update public.projects set name = 'Renamed' where id = '${project}'`);
    const [{ stamped }] = await sql<{ stamped: boolean }>(
      target18,
      `select updated_at > now() - interval '1 minute' as stamped from public.projects where id = '${project}'`,
    );
    expect(stamped).toBe(true);
  });

  it("restore.sql loads the export with psql alone, from inside the folder", async () => {
    const url = await pg18.createDatabase("with_psql");
    const psql = findClientBinary("psql").path;
    execFileSync(psql, [url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "restore.sql"], { cwd: exportDir, stdio: "pipe" });
    const report = await verifyExport(exportDir, url);
    expect(report.differences).toEqual([]);
  });

  it("an export written before XXH128 (bare md5 checksums) still restores and verifies, and a wrong md5 is still refused", async () => {
    // Older ownit wrote every table as COPY text (format 1), as --text-data still does.
    const older = path.join(tempDir("ownit-md5-export-"), "ownit-export");
    await dumpDatabase({ from: source.url, out: older, textData: true });
    const manifestFile = path.join(older, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as ExportManifest;
    expect(manifest.formatVersion).toBe(1);
    // A data file is the canonical COPY text itself, so its md5 is the checksum an older ownit wrote.
    for (const t of manifest.tables)
      t.checksum = createHash("md5")
        .update(readFileSync(path.join(older, t.file)))
        .digest("hex");
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    const url = await pg15.createDatabase("from_md5_export");
    await restoreExport(older, url);
    const report = await verifyExport(older, url);
    expect(report.differences).toEqual([]);
    expect(report.tables.every((t) => /^[0-9a-f]{32}$/.test(t.checksum))).toBe(true);

    const tasks = manifest.tables.find((t) => t.name === "tasks")!;
    tasks.checksum = createHash("md5").update("not the rows").digest("hex");
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    const damaged = await pg15.createDatabase("from_damaged_md5_export");
    await expect(restoreExport(older, damaged)).rejects.toMatchObject({ code: "export-damaged" });
    expect(await sql(damaged, "select nspname from pg_namespace where nspname = 'auth'")).toEqual([]);
  });

  it("an export whose checksums name a hash this ownit does not know is refused in one line naming the table, not called damaged", async () => {
    const newer = path.join(tempDir("ownit-newer-export-"), "ownit-export");
    cpSync(exportDir, newer, { recursive: true });
    const manifestFile = path.join(newer, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as ExportManifest;
    manifest.tables.find((t) => t.name === "tasks")!.checksum = `blake3:${"ab".repeat(32)}`;
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    const url = await pg15.createDatabase("from_newer_export");
    const cli = capturedCli();
    expect(await cli.run("restore", newer, "--to", url, "--project", tempDir("ownit-newer-project-"))).not.toBe(0);
    const said = cli.stderr.join("\n");
    expect(said).toMatch(/the checksum of public\.tasks \("blake3:abab.*"\) is taken with a hash this ownit does not know/);
    expect(said).toContain("use the ownit version that wrote it");
    expect(said).not.toMatch(/\n\s+at /); // no stack trace
    expect(
      await sql(
        url,
        "select nspname from pg_namespace where nspname in ('auth', 'public') and exists (select 1 from pg_class c where c.relnamespace = pg_namespace.oid)",
      ),
    ).toEqual([]);
  });

  it("verify still passes when the same rows lie in another order (read again in key order)", async () => {
    const url = await pg15.createDatabase("reordered");
    await restoreExport(exportDir, url);
    // An update writes the row's new version at the table's end: same rows, another stored order.
    await sql(url, `update public.tasks set title = title where id = (select id from public.tasks order by id limit 1)`);
    const reads = new Map<string, number>();
    const report = await verifyExport(exportDir, url, { onProgress: countReads(reads) });
    expect(report.differences).toEqual([]);
    expect(reads.get("public.tasks")).toBe(2);
  });

  it("verify fails on a tampered row, a deleted row, a moved sequence and a dropped policy", async () => {
    await sql(
      target15,
      `update public.tasks set title = 'tampered' where id = '${seededId("task-alice-7")}'`,
      `delete from public.imported_contacts where ctid = (select min(ctid) from public.imported_contacts)`,
      `select setval('public.invoice_number_seq', 2000)`,
      `drop policy "Users manage their own tasks" on public.tasks`,
    );
    const report = await verifyExport(exportDir, target15);
    expect(report.ok).toBe(false);
    const found = report.differences.map((d) => `${d.kind} ${d.name}`);
    expect(found).toContain("checksum public.tasks");
    expect(found).toContain("rows public.imported_contacts");
    expect(found).toContain("sequence public.invoice_number_seq");
    expect(found.some((d) => d.startsWith("object policies public.tasks.Users manage their own tasks"))).toBe(true);
    expect(report.differences).toHaveLength(5); // the contacts table's checksum differs too
  });
});

describe("the rewrite on a real pg_dump of the whole Supabase-shaped database", () => {
  it("makes pg_dump of every schema load on PostgreSQL 18 without graphql, vault, pg_net, pg_cron, realtime or event triggers", async () => {
    const pgDump = findClientBinary("pg_dump", 15).path;
    const dump = execFileSync(pgDump, ["--schema-only", "--no-owner", source.url], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(dump).toMatch(/CREATE EVENT TRIGGER|CREATE PUBLICATION supabase_realtime/);
    const portable = portableSchema(dump);
    const url = await pg18.createDatabase("whole_dump");
    await sql(url, portable.header + supabasePrelude() + portable.sql + portable.deferred.join("\n"));
    expect(
      await sql(
        url,
        "select nspname from pg_namespace where nspname in ('graphql', 'graphql_public', 'vault', 'net', 'cron', 'realtime', 'supabase_functions', 'supabase_migrations')",
      ),
    ).toEqual([]);
    expect(await sql(url, "select evtname from pg_event_trigger")).toEqual([]);
    expect(await sql(url, "select pubname from pg_publication")).toEqual([]);
    expect(await sql(url, "select count(*)::int as n from information_schema.tables where table_schema = 'public'")).toEqual([
      { n: 9 },
    ]);
  });
});

describe("the export folder on its own", () => {
  it("reads back with every data file present", () => {
    const folder = readExport(exportDir);
    expect(folder.manifest.tables).toHaveLength(12);
    expect(folder.postDataSql).toContain("CREATE POLICY");
  });
});
