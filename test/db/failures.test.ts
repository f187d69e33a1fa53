// What goes wrong, and what the owner sees: a wrong password, a host nobody answers on, the
// transaction pooler, a target that already holds data, an extension the target lacks, and a
// connection cut in the middle of a COPY. Each is one clear line, and nothing is half-restored
// or half-dumped.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OwnitError } from "@ownit/core";
import { dumpDatabase, findClientBinary, freePort, restoreExport, type TableProgress } from "@ownit/db";
import { cleanupTemp, tempDir } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { sql, startSourceDatabase, type SourceDatabase } from "./source";

const PASSWORD = "s3cret: pass/word";
let source: SourceDatabase;
let target: TestServer;
let exportDir: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startSourceDatabase({ password: PASSWORD }), startTestServer({ prefer: "embedded" })]);
  exportDir = path.join(tempDir("ownit-fail-"), "export");
  await dumpDatabase({ from: source.url, out: exportDir });
});

afterAll(async () => {
  for (const server of [source?.server, target]) await server?.dispose();
  cleanupTemp();
});

/** Awaits a promise expected to fail with an OwnitError and returns it. */
async function failure(promise: Promise<unknown>): Promise<OwnitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OwnitError);
  const e = error as OwnitError;
  expect(e.message).not.toContain("\n");
  expect(e.message).not.toContain("s3cret");
  return e;
}

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** Everything in a database besides schema public, plus whether the API roles exist in its cluster. */
async function contents(url: string): Promise<{ objects: string[]; apiRoles: string[] }> {
  const objects = await sql<{ o: string }>(
    url,
    `select format('%s %s.%s', c.relkind, n.nspname, c.relname) as o from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
     union all select 'schema ' || nspname from pg_namespace where nspname not in ('public', 'pg_catalog', 'information_schema') and nspname not like 'pg_toast%' and nspname not like 'pg_temp%'
     union all select 'extension ' || extname from pg_extension where extname <> 'plpgsql'`,
  );
  const roles = await sql<{ rolname: string }>(
    url,
    "select rolname from pg_roles where rolname in ('anon', 'authenticated', 'service_role') order by 1",
  );
  return { objects: objects.map((r) => r.o).sort(), apiRoles: roles.map((r) => r.rolname) };
}

describe("connection failures are one line with what to do", () => {
  it("wrong password: says authentication failed for the user, never shows the password", async () => {
    const e = await failure(dumpDatabase({ from: withPassword(source.url, "wrong"), out: path.join(tempDir(), "x") }));
    expect(e.code).toBe("db-auth-failed");
    expect(e.message).toMatch(/password authentication failed for user "postgres" on 127\.0\.0\.1:\d+ \(source\)/);
    const r = await failure(restoreExport(exportDir, withPassword(source.url, "wrong")));
    expect(r.code).toBe("db-auth-failed");
  });

  it("unreachable host: names the host and port that refused", async () => {
    const port = await freePort();
    const e = await failure(restoreExport(exportDir, `postgres://postgres:pw@127.0.0.1:${port}/app`));
    expect(e.code).toBe("db-unreachable");
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(e.message).toContain("connection refused");
  });

  it("port 6543: refuses Supabase's transaction pooler before connecting, and names the session pooler", async () => {
    const e = await failure(
      dumpDatabase({
        from: "postgres://postgres.kqzvtnwyhbgxrmpdleaf:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres",
        out: path.join(tempDir(), "x"),
      }),
    );
    expect(e.code).toBe("transaction-pooler");
    expect(e.hint).toContain("session pooler on port 5432 of aws-0-eu-central-1.pooler.supabase.com");
  });
});

describe("a restore never leaves a target half-written", () => {
  it("refuses a target that already holds tables, and leaves it exactly as it was", async () => {
    const url = await target.createDatabase("not_empty");
    await sql(url, "create table public.keep_me (id int primary key)", "insert into public.keep_me values (1)");
    const before = await contents(url);
    const e = await failure(restoreExport(exportDir, url));
    expect(e.code).toBe("target-not-empty");
    expect(e.message).toContain("table public.keep_me");
    expect(e.hint).toContain("--allow-nonempty");
    expect(await contents(url)).toEqual(before);
  });

  it("checks the target can create the export's extensions before touching it", async () => {
    const copy = path.join(tempDir(), "needs-vector");
    cpSync(exportDir, copy, { recursive: true });
    const manifestFile = path.join(copy, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    manifest.extensions.push({ name: "vector", schema: "extensions", version: "0.8.0" });
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const url = await target.createDatabase("no_vector");
    const e = await failure(restoreExport(copy, url));
    expect(e.code).toBe("extension-unavailable");
    expect(e.message).toContain("vector");
    expect((await contents(url)).objects).toEqual([]);
  });

  it("a COPY cut half way (backend killed) rolls everything back: no table, schema, extension or role is left", async () => {
    const url = await target.createDatabase("cut_mid_copy");
    const psql = findClientBinary("psql").path;
    let killedAt: TableProgress | undefined;
    const onProgress = (e: TableProgress) => {
      if (killedAt || e.table !== "public.activity_log" || e.rows === 0 || e.done) return;
      killedAt = e;
      // Synchronously, so the kill lands while this COPY is still streaming: the connection loading it, and the one coordinating.
      execFileSync(psql, [
        target.url(),
        "-X",
        "-qAt",
        "-c",
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = 'cut_mid_copy' and (application_name = 'ownit target' or query like 'COPY %activity_log%')",
      ]);
    };
    const e = await failure(restoreExport(exportDir, url, { onProgress }));
    expect(killedAt!.rows).toBeLessThan(120_000);
    expect(e.code).toBe("restore-failed");
    expect(e.message).toContain("the rows of public.activity_log");
    expect(e.message).toContain("the connection was cut");
    expect(e.message).toContain("nothing was restored");
    expect(await contents(url)).toEqual({ objects: [], apiRoles: [] });
  });
});

describe("pg_dump is chosen by version and never sees the password on its command line", () => {
  it("passes the password through a 0600 passfile that is gone afterwards, and joins the dump's snapshot", async () => {
    const dir = tempDir();
    const log = path.join(dir, "calls.log");
    const fakePgDump = path.join(dir, "pg_dump");
    // Records how it was called, then prints nothing (an empty schema is still a valid dump).
    writeFileSync(
      fakePgDump,
      `#!/bin/sh\n{ echo "ARGS $*"; echo "PASSFILE $PGPASSFILE"; echo "MODE $(stat -c %a "$PGPASSFILE")"; echo "LINE $(cat "$PGPASSFILE")"; echo "PGPASSWORD \${PGPASSWORD:-unset}"; } >> "${log}"\n`,
      { mode: 0o755 },
    );
    await dumpDatabase({ from: source.url, out: path.join(dir, "export"), pgDump: fakePgDump });
    const calls = readFileSync(log, "utf8").trim().split("\n");
    const args = calls.filter((l) => l.startsWith("ARGS "));
    expect(args).toHaveLength(4); // schema before and after the data, for the app schemas and for auth/storage tables
    for (const a of args) {
      expect(a).not.toContain("s3cret");
      expect(a).toMatch(/--snapshot=\S+/);
      expect(a).toContain("--schema-only");
    }
    expect(calls.filter((l) => l.startsWith("MODE "))).toEqual(Array(4).fill("MODE 600"));
    expect(calls).toContain("LINE *:*:*:*:s3cret\\: pass/word");
    expect(calls).toContain("PGPASSWORD unset");
    for (const l of calls.filter((c) => c.startsWith("PASSFILE "))) expect(existsSync(l.slice("PASSFILE ".length))).toBe(false);
  });

  it("a server newer than every pg_dump here says exactly which client to install", () => {
    const error = (() => {
      try {
        findClientBinary("pg_dump", 99);
      } catch (e) {
        return e as OwnitError;
      }
    })()!;
    expect(error.code).toBe("pg-client-too-old");
    expect(error.message).toMatch(/^pg_dump 99 or newer is needed/);
    expect(error.hint).toContain("postgresql-client-99");
  });
});

describe("a dump never leaves a half-written export", () => {
  it("a source connection cut mid-COPY fails the dump with one line and writes no folder", async () => {
    const parent = tempDir();
    const psql = findClientBinary("psql").path;
    let killed = false;
    const onProgress = (e: TableProgress) => {
      if (killed || e.table !== "public.activity_log" || e.rows === 0 || e.done) return;
      killed = true;
      execFileSync(
        psql,
        [
          source.url,
          "-X",
          "-qAt",
          "-c",
          "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'ownit source'",
        ],
        {
          env: { ...process.env, PGPASSWORD: PASSWORD },
        },
      );
    };
    const e = await failure(dumpDatabase({ from: source.url, out: path.join(parent, "export"), onProgress }));
    expect(e.code).toBe("dump-failed");
    expect(e.message).toContain("while reading public.activity_log: the connection was cut");
    expect(e.message).toContain("nothing was written");
    expect(readdirSync(parent)).toEqual([]);
  });
});
