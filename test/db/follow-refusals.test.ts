// Sources that cannot be followed are refused in one line, before anything is created: no export
// folder, no slot, no publication, no subscription. Plain PostgreSQL 15 servers, one with and one
// without wal_level=logical.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capturedCli, cleanupTemp, tempDir } from "../helpers/project";
import { LOGICAL_WAL_SETTINGS, startTestServer, type TestServer } from "../helpers/postgres";
import { sql } from "./source";

let logical: TestServer;
let plain: TestServer;
let logicalUrl: string;
let plainUrl: string;

const APP_SQL = [
  "CREATE TABLE public.notes (id bigserial PRIMARY KEY, body text NOT NULL)",
  "CREATE TABLE public.tags (note_id bigint REFERENCES public.notes (id), tag text)",
  "INSERT INTO public.notes (body) SELECT 'note ' || i FROM generate_series(1, 50) i",
];

/** An exported app's folder, where the run ledger lives. */
function project(): string {
  const dir = tempDir("ownit-project-");
  writeFileSync(path.join(dir, "package.json"), '{ "name": "my-app", "private": true }\n');
  return dir;
}

function asRole(url: string, role: string): string {
  const u = new URL(url);
  u.username = role;
  return u.toString();
}

async function replicationObjects(url: string): Promise<{ slots: number; publications: number }> {
  const [slots] = await sql<{ n: number }>(url, "select count(*)::int as n from pg_replication_slots");
  const [pubs] = await sql<{ n: number }>(url, "select count(*)::int as n from pg_publication");
  return { slots: slots!.n, publications: pubs!.n };
}

/** Runs a command that must be refused; returns its stderr after checking the one-line shape. */
async function refused(...argv: string[]): Promise<string> {
  const cli = capturedCli();
  expect(await cli.run(...argv)).toBe(1);
  expect(cli.stderr.filter((l) => l.startsWith("error"))).toHaveLength(1);
  expect(cli.stderr.join("\n")).not.toMatch(/\n\s+at /);
  return cli.stderr.join("\n");
}

beforeAll(async () => {
  [logical, plain] = await Promise.all([
    startTestServer({ prefer: "system", settings: LOGICAL_WAL_SETTINGS }),
    startTestServer({ prefer: "system" }),
  ]);
  [logicalUrl, plainUrl] = await Promise.all([logical.createDatabase("app"), plain.createDatabase("app")]);
  await sql(
    logicalUrl,
    ...APP_SQL,
    "CREATE ROLE reader LOGIN",
    "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader",
    "CREATE ROLE replicator LOGIN REPLICATION",
    "GRANT SELECT ON ALL TABLES IN SCHEMA public TO replicator",
  );
  await sql(plainUrl, ...APP_SQL);
}, 60_000);

afterAll(async () => {
  for (const server of [logical, plain]) await server?.dispose();
  cleanupTemp();
});

describe("sources that cannot be followed are refused, and nothing changes", () => {
  it("refuses a source without logical WAL, naming the setting and the fallback", async () => {
    const out = path.join(tempDir(), "ownit-export");
    const err = await refused("dump", "--from", plainUrl, "--out", out, "--follow-ready");
    expect(err).toContain("runs with wal_level=replica, so it cannot stream its changes");
    expect(err).toContain("set wal_level = logical");
    expect(err).toContain("move with a short write stop instead");
    expect(existsSync(out)).toBe(false);
    expect(await replicationObjects(plainUrl)).toEqual({ slots: 0, publications: 0 });
  });

  it("refuses a role without REPLICATION", async () => {
    const out = path.join(tempDir(), "ownit-export");
    const err = await refused("dump", "--from", asRole(logicalUrl, "reader"), "--out", out, "--follow-ready");
    expect(err).toContain('role "reader" on 127.0.0.1:');
    expect(err).toContain("may not open a replication connection (it lacks REPLICATION)");
    expect(existsSync(out)).toBe(false);
    expect(await replicationObjects(logicalUrl)).toEqual({ slots: 0, publications: 0 });
  });

  it("refuses a replication role that does not own the tables it must publish", async () => {
    const out = path.join(tempDir(), "ownit-export");
    const err = await refused("dump", "--from", asRole(logicalUrl, "replicator"), "--out", out, "--follow-ready");
    expect(err).toContain('role "replicator" on 127.0.0.1:');
    expect(err).toMatch(
      /does not own 2 table\(s\) it must publish: "public"\."notes" \(owner postgres\), "public"\."tags" \(owner postgres\)/,
    );
    expect(existsSync(out)).toBe(false);
    expect(await replicationObjects(logicalUrl)).toEqual({ slots: 0, publications: 0 });
  });

  it("refuses the transaction pooler on port 6543 before connecting", async () => {
    const pooler = "postgres://postgres.abcdefghijklmnopqrst:secret-pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres";
    for (const argv of [
      ["dump", "--from", pooler, "--out", path.join(tempDir(), "x"), "--follow-ready"],
      ["follow", "--from", pooler, "--to", logicalUrl, "--export", tempDir()],
      ["cutover", "--from", pooler, "--to", logicalUrl, "--export", tempDir(), "--project", tempDir(), "--yes"],
    ]) {
      const err = await refused(...argv);
      expect(err).toContain("is a transaction-mode pooler");
      expect(err).not.toContain("secret-pw");
    }
  });

  it("follow refuses an export dumped without --follow-ready, and cutover one that is not following", async () => {
    const out = path.join(tempDir(), "ownit-export");
    expect(await capturedCli().run("dump", "--from", logicalUrl, "--out", out)).toBe(0);
    const target = await logical.createDatabase("restored");
    const restore = capturedCli();
    expect(await restore.run("restore", out, "--to", target, "--project", project()), restore.stderr.join("\n")).toBe(0);
    expect(await refused("follow", "--from", logicalUrl, "--to", target, "--export", out)).toContain(
      "was dumped without a replication slot",
    );
    expect(
      await refused("cutover", "--from", logicalUrl, "--to", target, "--export", out, "--project", project(), "--yes"),
    ).toContain("the target is not following its source yet");
    expect(await replicationObjects(logicalUrl)).toEqual({ slots: 0, publications: 0 });
  }, 60_000);

  it("follow --stop after an abandoned follow-ready dump removes the slot and publications, so no WAL is kept for it", async () => {
    const out = path.join(tempDir(), "ownit-export");
    expect(await capturedCli().run("dump", "--from", logicalUrl, "--out", out, "--follow-ready")).toBe(0);
    expect(await replicationObjects(logicalUrl)).toEqual({ slots: 1, publications: 1 });
    const target = await logical.createDatabase("abandoned");
    const cli = capturedCli();
    expect(await cli.run("follow", "--from", logicalUrl, "--to", target, "--export", out, "--stop"), cli.stderr.join("\n")).toBe(
      0,
    );
    expect(cli.stdout[0]).toMatch(/^stopped following: subscription, slot ownit_follow_[0-9a-f]{8} and its publications removed/);
    expect(await replicationObjects(logicalUrl)).toEqual({ slots: 0, publications: 0 });
  }, 60_000);
});
