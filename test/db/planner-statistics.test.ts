// Planner statistics after a restore (planner-statistics.ts): the restore ANALYZEs only what
// autovacuum will not (a partitioned parent, a table with autovacuum_enabled off, every table when
// autovacuum is off), and autovacuum really analyzes the rest on its own, on a real server.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpDatabase, restoreExport } from "@ownit/db";
import { cleanupTemp, tempDir } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";

let source: TestServer;
let target: TestServer;
let exportDir: string;

beforeAll(async () => {
  [source, target] = await Promise.all([
    startTestServer({ prefer: "system" }),
    // A short naptime, so the test sees autovacuum's round in seconds rather than a minute.
    startTestServer({ prefer: "system", settings: { autovacuum_naptime: "1s" } }),
  ]);
  const url = await source.createDatabase("app");
  await source.query(
    `CREATE TABLE public.notes (id int PRIMARY KEY, body text);
     INSERT INTO public.notes SELECT i, 'note ' || i FROM generate_series(1, 5000) i;
     CREATE TABLE public.quiet (id int PRIMARY KEY, body text) WITH (autovacuum_enabled = off);
     INSERT INTO public.quiet SELECT i, 'quiet ' || i FROM generate_series(1, 5000) i;
     CREATE TABLE public.events (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
     CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
     INSERT INTO public.events SELECT i, date '2025-01-01' + i % 300 FROM generate_series(1, 5000) i;`,
    [],
    "app",
  );
  exportDir = path.join(tempDir("ownit-stats-"), "ownit-export");
  await dumpDatabase({ from: url, out: exportDir });
}, 120_000);

afterAll(async () => {
  for (const server of [source, target]) await server?.dispose();
  cleanupTemp();
});

/** Tables of `database` that have planner statistics, and which of them autovacuum analyzed. */
async function analyzed(database: string) {
  const rows = await target.query<{ name: string; by: string }>(
    `select c.relname as name, case when s.last_autoanalyze is not null then 'autovacuum' else 'restore' end as by
       from pg_class c join pg_namespace n on n.oid = c.relnamespace left join pg_stat_user_tables s on s.relid = c.oid
      where n.nspname = 'public' and c.relkind in ('r', 'p') and exists (select 1 from pg_statistic st where st.starelid = c.oid)
      order by 1`,
    [],
    database,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.by]));
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 250))) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
  }
}

describe("planner statistics after a staged restore", () => {
  it("the restore analyzes the partitioned parent and the table autovacuum skips; autovacuum analyzes the others", async () => {
    await restoreExport(exportDir, await target.createDatabase("with_autovacuum"));
    const now = await analyzed("with_autovacuum");
    expect(now.events).toBe("restore");
    expect(now.quiet).toBe("restore");
    const later = await waitFor(
      () => analyzed("with_autovacuum"),
      (a) => a.notes === "autovacuum" && a.events_2025 === "autovacuum",
    );
    expect(later).toMatchObject({ notes: "autovacuum", events_2025: "autovacuum", quiet: "restore", events: "restore" });
  });

  it("analyzes every table itself where autovacuum is off", async () => {
    await target.query("ALTER SYSTEM SET autovacuum = off");
    await target.query("SELECT pg_reload_conf()");
    try {
      await restoreExport(exportDir, await target.createDatabase("without_autovacuum"));
      expect(await analyzed("without_autovacuum")).toEqual({
        events: "restore",
        events_2025: "restore",
        notes: "restore",
        quiet: "restore",
      });
    } finally {
      await target.query("ALTER SYSTEM RESET autovacuum");
      await target.query("SELECT pg_reload_conf()");
    }
  });
});
