// Moving a live app: `dump --follow-ready` → `restore` → `follow` → `cutover`, on two real
// PostgreSQL 15 servers (the source with wal_level=logical), while writers keep signing users up,
// editing, and deleting on the source throughout. Proves: nothing committed is lost or applied
// twice (full-table hashes), nothing is accepted after the stop, sequences end ahead of every id,
// a kill at several points of cutover leaves `ownit rollback` what it needs, and every refusal
// changes nothing.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRuns } from "@ownit/core";
import { capturedCli, cleanupTemp, REPO_ROOT, tempDir } from "../helpers/project";
import { LOGICAL_WAL_SETTINGS, startTestServer, type TestServer } from "../helpers/postgres";
import { sql, startSourceDatabase, type SourceDatabase } from "./source";
import { startWriters, type Writer } from "./writer";

/** The CLI as its own process prints plain text even under CI=true (picocolors colours output when CI is set). */
const PLAIN_OUTPUT = { ...process.env, NO_COLOR: "1" };

const OWNIT_BIN = path.join(REPO_ROOT, "packages", "cli", "bin", "ownit.mjs");

let source: SourceDatabase;
let target: TestServer;
let targetUrl: string;
let exportDir: string;
let project: string;
let apiUrl: string;
let writer: Writer;
let grantsBefore: string[];

/** The URL of the source's database as another login role. */
function asRole(url: string, role: string): string {
  const u = new URL(url);
  u.username = role;
  return u.toString();
}

/** Every write privilege on the moved tables, as text (what cutover revokes and rollback gives back). */
async function writeGrants(url: string): Promise<string[]> {
  const rows = await sql<{ g: string }>(
    url,
    `select n.nspname || '.' || c.relname || ' ' || coalesce(nullif(pg_get_userbyid(a.grantee), '-'), 'PUBLIC') || ' ' || a.privilege_type || case when a.is_grantable then '*' else '' end as g
       from pg_class c join pg_namespace n on n.oid = c.relnamespace, aclexplode(c.relacl) a
      where n.nspname in ('public', 'auth', 'storage') and c.relkind = 'r' and a.privilege_type in ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') order by 1`,
  );
  return rows.map((r) => r.g);
}

/** md5 over every row of a table, in one text order: equal on both sides means the same rows. */
async function tableHashes(url: string, tables: string[]): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const t of tables) {
    const rows = await sql<{ h: string; n: string }>(
      url,
      `select md5(coalesce(string_agg(x::text, E'\\n' order by x::text), '')) as h, count(*)::text as n from ${t} x`,
    );
    result[t] = `${rows[0]!.n} rows ${rows[0]!.h}`;
  }
  return result;
}

async function followObjects(): Promise<{ slots: number; publications: number; subscriptions: number }> {
  const [slots, pubs, subs] = await Promise.all([
    sql<{ n: number }>(source.url, "select count(*)::int as n from pg_replication_slots where slot_name like 'ownit_follow_%'"),
    sql<{ n: number }>(source.url, "select count(*)::int as n from pg_publication where pubname like 'ownit_follow_%'"),
    sql<{ n: number }>(targetUrl, "select count(*)::int as n from pg_subscription where subname like 'ownit_follow_%'"),
  ]);
  return { slots: slots[0]!.n, publications: pubs[0]!.n, subscriptions: subs[0]!.n };
}

async function sourceTakesWrites(): Promise<boolean> {
  try {
    await sql(apiUrl, "SET ROLE service_role", "INSERT INTO public.messages (room, body) VALUES ('probe', 'can the app write?')");
    await sql(source.url, "INSERT INTO public.activity_log (action) VALUES ('probe')");
    return true;
  } catch {
    return false;
  }
}

/** `ownit cutover --yes --json` from the source into a target, as its own process with plain output. */
function spawnCutover(to = targetUrl, dir = exportDir, extra: string[] = []) {
  return spawn(
    process.execPath,
    [OWNIT_BIN, "cutover", "--from", source.url, "--to", to, "--export", dir, "--project", project, "--yes", "--json", ...extra],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], env: PLAIN_OUTPUT },
  );
}

/** Runs `ownit cutover --json` as its own process and SIGKILLs it right after it reports `event`/`step`. */
async function cutoverKilledAt(point: string): Promise<string[]> {
  const child = spawnCutover();
  const lines: string[] = [];
  let buffer = "";
  let errors = "";
  child.stderr.on("data", (c: Buffer) => (errors += c.toString()));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf("\n"); i !== -1; i = buffer.indexOf("\n")) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        const e = JSON.parse(line) as { event: string; step?: string };
        if (e.event === point || e.step === point) {
          child.kill("SIGKILL");
          resolve();
        }
      }
    });
    child.on("exit", () => resolve());
  });
  await exited;
  if (errors) lines.push(`stderr: ${errors}`);
  return lines;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  [source, target] = await Promise.all([
    startSourceDatabase({ settings: LOGICAL_WAL_SETTINGS }),
    startTestServer({ prefer: "system" }),
  ]);
  await sql(source.url, "CREATE ROLE app_api LOGIN NOINHERIT", "GRANT service_role TO app_api");
  apiUrl = asRole(source.url, "app_api");
  targetUrl = await target.createDatabase("owned");
  exportDir = path.join(tempDir("ownit-follow-"), "ownit-export");
  project = tempDir("ownit-project-");
  writeFileSync(path.join(project, "package.json"), '{ "name": "my-live-app", "private": true }\n');
  writeFileSync(path.join(project, ".env"), `DATABASE_URL=${source.url}\nVITE_SUPABASE_URL=https://example.supabase.co\n`);
  grantsBefore = await writeGrants(source.url);
}, 120_000);

afterAll(async () => {
  await writer?.stop();
  for (const server of [source?.server, target]) await server?.dispose();
  cleanupTemp();
});

describe("moving a live app: follow, then cut over in seconds", () => {
  it("dump --follow-ready reads through a new replication slot and records where its snapshot ends", async () => {
    const cli = capturedCli();
    expect(await cli.run("dump", "--from", source.url, "--out", exportDir, "--follow-ready"), cli.stderr.join("\n")).toBe(0);
    // The app keeps writing from here on: everything after the snapshot must reach the target.
    writer = startWriters(source.url, apiUrl);
    const manifest = JSON.parse(readFileSync(path.join(exportDir, "manifest.json"), "utf8"));
    expect(manifest.replication.slot).toMatch(/^ownit_follow_[0-9a-f]{8}$/);
    const slots = await sql<{ lsn: string }>(
      source.url,
      `select confirmed_flush_lsn::text as lsn from pg_replication_slots where slot_name = '${manifest.replication.slot}'`,
    );
    expect(slots[0]!.lsn).toBe(manifest.replication.lsn);
    expect(cli.stdout.join("\n")).toContain(
      `replication slot ${manifest.replication.slot} starts at ${manifest.replication.lsn}`,
    );
    const restore = capturedCli();
    expect(await restore.run("restore", exportDir, "--to", targetUrl, "--project", project), restore.stderr.join("\n")).toBe(0);
  }, 120_000);

  it("follow refuses a target that differs from the export, and creates nothing", async () => {
    const drifted = await target.createDatabase("drifted");
    expect(await capturedCli().run("restore", exportDir, "--to", drifted, "--project", project)).toBe(0);
    await sql(drifted, "DELETE FROM public.messages WHERE id = (SELECT max(id) FROM public.messages)");
    const cli = capturedCli();
    expect(await cli.run("follow", "--from", source.url, "--to", drifted, "--export", exportDir)).toBe(1);
    expect(cli.stderr[0]).toMatch(
      /^error .*drifted differs from the export in \d place\(s\), first rows public\.messages \(expected \d+, found \d+\)/,
    );
    expect(cli.stderr.filter((l) => l.startsWith("error"))).toHaveLength(1);
    expect(await followObjects()).toEqual({ slots: 1, publications: 2, subscriptions: 0 });
    expect((await sql<{ n: number }>(drifted, "select count(*)::int as n from pg_subscription"))[0]!.n).toBe(0);
  }, 60_000);

  it("follow streams every write since the snapshot and shows rows applied per table and the lag", async () => {
    const cli = capturedCli();
    expect(await cli.run("follow", "--from", source.url, "--to", targetUrl, "--export", exportDir), cli.stderr.join("\n")).toBe(
      0,
    );
    expect(cli.stdout[0]).toMatch(/^following .* into .*: 12 table\(s\) from the export's snapshot on/);
    expect(cli.stdout.join("\n")).toContain("only inserts stream for public.imported_contacts");
    expect(await followObjects()).toEqual({ slots: 1, publications: 2, subscriptions: 1 });
    let status:
      { streaming: boolean; lagBytes: number; appliedRows: number; tables: { name: string; inserted: number }[] } | undefined;
    for (let i = 0; i < 60; i++) {
      const json = capturedCli();
      expect(await json.run("follow", "--from", source.url, "--to", targetUrl, "--export", exportDir, "--json")).toBe(0);
      status = JSON.parse(json.stdout.at(-1)!);
      if (status!.streaming && status!.appliedRows > 100) break;
      await sleep(500);
    }
    expect(status!.streaming).toBe(true);
    expect(status!.tables.find((t) => t.name === "auth.users")!.inserted).toBeGreaterThan(5);
    expect(status!.tables.find((t) => t.name === "public.projects")!.inserted).toBeGreaterThan(5);
    expect(status!.lagBytes).toBeLessThan(16 * 1024 * 1024);
  }, 90_000);

  it("follow --watch prints a JSON line per poll until interrupted", async () => {
    const child = spawn(
      process.execPath,
      [
        OWNIT_BIN,
        "follow",
        "--from",
        source.url,
        "--to",
        targetUrl,
        "--export",
        exportDir,
        "--watch",
        "--json",
        "--interval",
        "100",
      ],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], env: PLAIN_OUTPUT },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const code = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    for (let i = 0; i < 100 && out.split("\n").filter((l) => l.includes('"status"')).length < 3; i++) await sleep(100);
    child.kill("SIGINT");
    expect(await code).toBe(0);
    const statuses = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((e) => e.event === "status");
    expect(statuses.length).toBeGreaterThanOrEqual(3);
    expect(typeof statuses[0].lagBytes).toBe("number");
  }, 30_000);

  for (const point of ["intent-recorded", "writes-stopped", "caught-up", "sequences-set"]) {
    it(`a cutover killed after ${point} leaves rollback what it needs: the source takes writes again`, async () => {
      const lines = await cutoverKilledAt(point);
      expect(
        lines.some((l) => l.includes(point)),
        lines.join("\n"),
      ).toBe(true);
      const run = listRuns(project).find((r) => r.command === "cutover")!;
      expect(run.status).toBe("in-progress");
      const rollback = capturedCli();
      expect(await rollback.run("rollback", project), rollback.stderr.join("\n") + lines.join("\n")).toBe(0);
      expect(await writeGrants(source.url)).toEqual(grantsBefore);
      expect(await sourceTakesWrites()).toBe(true);
      expect(
        (await sql<{ default_transaction_read_only: string }>(source.url, "show default_transaction_read_only"))[0]!
          .default_transaction_read_only,
      ).toBe("off");
      // Replication is still in place, so the move can go on.
      expect(await followObjects()).toEqual({ slots: 1, publications: 2, subscriptions: 1 });
    }, 60_000);
  }

  /** `ownit cutover --yes --json` as its own process; onStdout sees the output so far after each chunk. */
  async function cutoverProcess(
    onStdout: (out: string, child: ChildProcess) => void,
  ): Promise<{ code: number | null; out: string; err: string }> {
    const child = spawnCutover();
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      onStdout(out, child);
    });
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    return { code, out, err };
  }

  it("an interrupted cutover (Ctrl-C) gives the source its writes back before it exits", async () => {
    const { code, out, err } = await cutoverProcess((out, child) => {
      if (out.includes('"writes-stopped"')) child.kill("SIGINT");
    });
    expect(code, out + err).toBe(130);
    expect(err).toMatch(/interrupted: the source takes writes again, replication goes on/);
    expect(await writeGrants(source.url)).toEqual(grantsBefore);
    expect(await sourceTakesWrites()).toBe(true);
    expect(listRuns(project).find((r) => r.command === "cutover")!.status).toBe("failed");
    expect(await followObjects()).toEqual({ slots: 1, publications: 2, subscriptions: 1 });
  }, 60_000);

  it("a cutover whose connection to the source drops gives the source its writes back itself", async () => {
    let cut: Promise<unknown> | undefined;
    const { code, out, err } = await cutoverProcess((out) => {
      if (!cut && out.includes('"writes-stopped"'))
        cut = sql(source.url, "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'ownit source'");
    });
    await cut;
    expect(code, out + err).toBe(1);
    expect(err).toMatch(/^error cutover failed: the connection to a server was cut \(.+\); the source takes writes again\n/);
    expect(await writeGrants(source.url)).toEqual(grantsBefore);
    expect(await sourceTakesWrites()).toBe(true);
    expect(listRuns(project).find((r) => r.command === "cutover")!.status).toBe("failed");
    expect(await followObjects()).toEqual({ slots: 1, publications: 2, subscriptions: 1 });
  }, 60_000);

  it("cutover: every committed write is on the target, none accepted after the stop, sequences ahead of every id", async () => {
    await sleep(500);
    const rejectedBefore = writer.log.rejected;
    const cli = capturedCli();
    const code = await cli.run(
      "--debug",
      "cutover",
      "--from",
      source.url,
      "--to",
      targetUrl,
      "--export",
      exportDir,
      "--project",
      project,
      "--yes",
    );
    const finished = Date.now();
    await sleep(500);
    await writer.stop();
    expect(code, cli.stderr.join("\n")).toBe(0);
    const out = cli.stdout.join("\n");
    expect(out).toMatch(/writes were unavailable for \d+\.\d\d s/);
    expect(out).toContain("switch now: point the app's database connection at");
    expect(out).toContain("(DATABASE_URL in");
    expect(out).not.toContain(source.url);

    // The app saw clear errors, not silent loss, and nothing was accepted after the switch.
    expect(writer.log.rejected).toBeGreaterThan(rejectedBefore);
    const seen = [...writer.log.errors].join("\n");
    expect(seen).toMatch(/read-only transaction|permission denied/);
    expect(writer.log.commits.filter((t) => t > finished)).toEqual([]);
    expect(await sourceTakesWrites()).toBe(false);

    const manifest = JSON.parse(readFileSync(path.join(exportDir, "manifest.json"), "utf8")) as {
      tables: { schema: string; name: string }[];
    };
    const tables = manifest.tables.map((t) => `${t.schema}.${t.name}`);
    const [onSource, onTarget] = await Promise.all([tableHashes(source.url, tables), tableHashes(targetUrl, tables)]);
    expect(onTarget).toEqual(onSource);
    const users = await sql<{ n: number }>(
      targetUrl,
      `select count(*)::int as n from auth.users where id = any(array[${[...writer.log.liveUsers].map((u) => `md5('${u}')::uuid`).join(", ")}])`,
    );
    expect(users[0]!.n).toBe(writer.log.liveUsers.size);
    expect(writer.log.liveUsers.size).toBeGreaterThan(10);

    for (const [seq, table] of [
      ["public.messages_id_seq", "public.messages"],
      ["public.invoices_id_seq", "public.invoices"],
      ["public.activity_log_id_seq", "public.activity_log"],
    ] as const) {
      const [next] = await sql<{ next: string; max: string }>(
        targetUrl,
        `select nextval('${seq}')::text as next, (select max(id) from ${table})::text as max`,
      );
      expect(BigInt(next!.next) > BigInt(next!.max), seq).toBe(true);
    }
    const [numbers] = await sql<{ next: number; max: number }>(
      targetUrl,
      "select nextval('public.invoice_number_seq')::int as next, (select max(number) from public.invoices) as max",
    );
    expect(numbers!.next).toBeGreaterThan(numbers!.max);

    expect(await followObjects()).toEqual({ slots: 0, publications: 0, subscriptions: 0 });
    expect(
      (
        await sql<{ r: string }>(
          source.url,
          "select relreplident as r from pg_class where oid = 'public.imported_contacts'::regclass",
        )
      )[0]!.r,
    ).toBe("d");
    expect(listRuns(project).find((r) => r.command === "cutover")!.status).toBe("applied");
  }, 120_000);

  it("rollback of the cutover gives the source its writes back, exactly as they were", async () => {
    const cli = capturedCli();
    expect(await cli.run("rollback", project), cli.stderr.join("\n")).toBe(0);
    expect(await writeGrants(source.url)).toEqual(grantsBefore);
    expect(await sourceTakesWrites()).toBe(true);
    expect(existsSync(path.join(exportDir, "follow.json"))).toBe(true);
  }, 30_000);
  it("cutover --verify-after-switch opens the target first and verifies its data as it was at the switch, while the app already writes to it", async () => {
    const dir = path.join(tempDir("ownit-follow-"), "ownit-export");
    expect(await capturedCli().run("dump", "--from", source.url, "--out", dir, "--follow-ready")).toBe(0);
    const again = startWriters(source.url, apiUrl);
    const url = await target.createDatabase("owned_again");
    expect(await capturedCli().run("restore", dir, "--to", url, "--project", project)).toBe(0);
    expect(await capturedCli().run("follow", "--from", source.url, "--to", url, "--export", dir)).toBe(0);
    await sleep(1000);
    const child = spawnCutover(url, dir, ["--verify-after-switch"]);
    const events: { event: string; step?: string; windowMs?: number }[] = [];
    let buffer = "";
    let appWrote: Promise<unknown> | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf("\n"); i !== -1; i = buffer.indexOf("\n")) {
        const e = JSON.parse(buffer.slice(0, i));
        buffer = buffer.slice(i + 1);
        events.push(e);
        // The app switches the moment it is told to, while the checksums still run.
        if (e.event === "switch-now")
          appWrote = sql(
            url,
            "INSERT INTO public.messages (room, body) SELECT 'after the switch', 'on the new database ' || i FROM generate_series(1, 50) i",
          );
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    await again.stop();
    await appWrote;
    expect(code).toBe(0);
    const order = events.map((e) => e.step ?? e.event);
    expect(order.indexOf("switch-now")).toBeLessThan(order.indexOf("verified"));
    expect(order.at(-1)).toBe("done");
    const done = events.at(-1) as unknown as { windowMs: number; verifyMs: number };
    expect(done.windowMs).toBe(events.find((e) => e.event === "switch-now")!.windowMs);
    const [moved] = await sql<{ n: number }>(
      url,
      "select count(*)::int as n from public.messages where room = 'after the switch'",
    );
    expect(moved!.n).toBe(50);
    expect(await sourceTakesWrites()).toBe(false);
    expect(await capturedCli().run("rollback", project)).toBe(0);
    expect(await sourceTakesWrites()).toBe(true);
  }, 120_000);
});
