// The generated server on the compose stack's database, as its least-privilege role: docker-compose's
// first start is run for real without Docker (the init scripts sourced against a real PostgreSQL,
// loading an `ownit dump` export of the stand-in Base44 app), db:setup runs as the tables' owner, and
// the server, logged in as ownit_app, signs people in, reads and writes records, delivers realtime
// events and stores uploads, while the role itself can change no schema, make no role and read no
// password hash of PostgreSQL's own.
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { dumpBase44 } from "@ownit/db";
import { startBase44Standin, type Base44Standin } from "../helpers/base44-api";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { cleanupTemp, REPO_ROOT, tempDir } from "../helpers/project";
import { runShell } from "../deploy/docker-like";
import { migratedFixture, ownedClientModule, startOwnedServer, type OwnedClient, type OwnedServer } from "./owned-app";

const SUPERUSER_PASSWORD = "super0123456789";
const PASSWORDS = { APP_DB_PASSWORD: "app0123456789", OWNER_DB_PASSWORD: "owner0123456789" };

let dir: string;
let standin: Base44Standin;
let exportDir: string;
let db: TestServer;
let owned: OwnedServer | undefined;

const urlAs = (role: string, password: string, database = "app") =>
  `postgres://${role}:${password}@${db.host}:${db.port}/${database}`;
const appUrl = (database = "app") => urlAs("ownit_app", PASSWORDS.APP_DB_PASSWORD, database);
const ownerUrl = (database = "app") => urlAs("ownit_owner", PASSWORDS.OWNER_DB_PASSWORD, database);

/** One statement as a given login; resolves to its rows. */
async function as(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The postgres image's first start: each init script sourced in order, in a bash with errexit, as its entrypoint does. */
async function firstStart(database: string, passwords: Record<string, string> = PASSWORDS) {
  await db.createDatabase(database);
  const init = path.join(dir, "docker/postgres-init");
  const script = `set -Eeo pipefail; cd /; for f in ${init}/*.sh; do . "$f"; done`;
  return runShell(
    `bash -c '${script}'`,
    tempDir(),
    {
      POSTGRES_USER: db.user,
      POSTGRES_DB: database,
      POSTGRES_PASSWORD: SUPERUSER_PASSWORD,
      PGHOST: db.host,
      PGPORT: String(db.port),
      PGPASSWORD: SUPERUSER_PASSWORD,
      OWNIT_EXPORT_DIR: exportDir,
      ...passwords,
    },
    path.join(tempDir(), "init.log"),
  );
}

/** What compose's db-setup service runs (`npm run db:setup`), from the migrated project's own source. */
async function dbSetup(owner: string, runtime: string): Promise<string[]> {
  const { setupDatabase } = await import(pathToFileURL(path.join(dir, "server", "setup.ts")).href);
  return setupDatabase(owner, runtime, readFileSync(path.join(dir, "server", "schema.sql"), "utf8"));
}

beforeAll(async () => {
  ({ dir } = await migratedFixture());
  standin = await startBase44Standin();
  exportDir = path.join(tempDir("ownit-b44-export-"), "ownit-export");
  await dumpBase44({
    token: standin.apiKey,
    serverUrl: standin.url,
    appId: standin.appId,
    outDir: exportDir,
    projectDir: path.join(REPO_ROOT, "fixtures", "base44"),
  });
  db = await startTestServer({ password: SUPERUSER_PASSWORD });
  const { code, output } = await firstStart("app");
  expect(code, output).toBe(0);
  expect(output).toContain("ownit: loading");
});

afterAll(async () => {
  await owned?.stop();
  await standin?.stop();
  await db?.dispose();
  cleanupTemp();
});

describe("the generated server as ownit_app, the role docker-compose gives it", () => {
  it("db:setup runs as the owner and grants the server's role rows only; the roles are neither superusers nor able to make roles", async () => {
    expect(await dbSetup(ownerUrl(), appUrl())).toEqual([
      "created the server's auth tables and realtime triggers",
      "granted ownit_app reading and writing rows (no schema changes)",
    ]);
    const roles = await db.query(
      "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles WHERE rolname LIKE 'ownit\\_%' ORDER BY 1",
    );
    expect(roles).toEqual([
      {
        rolname: "ownit_app",
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolreplication: false,
        rolbypassrls: false,
      },
      {
        rolname: "ownit_owner",
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolreplication: false,
        rolbypassrls: false,
      },
    ]);
    // The export's tables became the owner's; the server's role owns nothing.
    expect(
      await db.query(
        "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ('public', 'ownit_auth', 'ownit_realtime')",
        [],
        "app",
      ),
    ).toEqual([{ tableowner: "ownit_owner" }]);
    // A second run (every `docker compose up`) changes nothing and still succeeds.
    expect(await dbSetup(ownerUrl(), appUrl())).toHaveLength(2);
  });

  it("signs a moved user in, reads and writes their records, streams their live events and stores their upload", async () => {
    owned = await startOwnedServer(dir, { DATABASE_URL: appUrl(), ALLOW_SIGNUP: "false" });
    const alice = standin.users.alice;
    const user = await owned.services.auth.userByEmail(alice.email);
    expect(user, "the exported users are readable by the server's role").toBeDefined();
    await owned.services.auth.setPassword(user!.id, alice.password);
    const { createOwnedClient } = await ownedClientModule(dir);
    const client: OwnedClient = createOwnedClient({ appId: standin.appId, serverUrl: owned.url, WebSocket });
    // A wrong password is counted in ownit_auth.throttle (an upsert), and the right one clears it: rows the role may write.
    await expect(client.auth.loginViaEmailPassword(alice.email, "not-her-password")).rejects.toMatchObject({ status: 401 });
    const { user: me } = await client.auth.loginViaEmailPassword(alice.email, alice.password);
    expect(me.email).toBe(alice.email);

    const projects = await client.entities.Project!.list!("-created_date", 5);
    expect(projects.length).toBeGreaterThan(0);
    const seen: Array<{ type: string; id: string }> = [];
    const stop = (
      client.entities.Task as unknown as {
        subscribe(cb: (e: { type: string; id: string }) => void): (() => void) & { ready: Promise<void> };
      }
    ).subscribe((e) => seen.push(e));
    await stop.ready;
    const task = await client.entities.Task!.create!({ title: "Least privilege", project_id: projects[0].id });
    const updated = await client.entities.Task!.update!(task.id, { title: "Least privilege, checked" });
    expect(updated.title).toBe("Least privilege, checked");
    await client.entities.Task!.delete!(task.id);
    for (let waited = 0; seen.length < 3 && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    stop();
    expect(seen.map((e) => [e.type, e.id])).toEqual([
      ["create", task.id],
      ["update", task.id],
      ["delete", task.id],
    ]);

    const bytes = new TextEncoder().encode("a file uploaded through the least-privilege server");
    const { file_url } = await client.integrations.Core!.UploadFile!({
      file: new File([bytes], "note.txt", { type: "text/plain" }),
    });
    expect(new Uint8Array(await (await fetch(file_url)).arrayBuffer())).toEqual(bytes);

    await client.auth.logout();
    expect(await as(ownerUrl(), "SELECT count(*)::int AS n FROM ownit_auth.sessions")).toEqual([{ n: 0 }]);
  });

  it.each([
    ["drop a table", "DROP TABLE task", /must be owner/],
    ["alter a table", "ALTER TABLE task ADD COLUMN sneaky text", /must be owner/],
    ["empty a table", "TRUNCATE task", /permission denied/],
    ["create a table", "CREATE TABLE public.sneaky (id int)", /permission denied for schema public/],
    ["create a schema", "CREATE SCHEMA sneaky", /permission denied for database/],
    ["create a temporary table", "CREATE TEMP TABLE sneaky (id int)", /permission denied to create temporary tables/],
    ["create a role", "CREATE ROLE sneaky LOGIN SUPERUSER", /permission denied to create role/],
    ["create an extension", "CREATE EXTENSION IF NOT EXISTS pgcrypto", /permission denied/],
    ["read PostgreSQL's password hashes", "SELECT rolpassword FROM pg_authid", /permission denied for table pg_authid/],
    ["drop the realtime triggers", "DROP TRIGGER ownit_realtime_create ON task", /must be owner/],
    [
      "write a captured realtime event",
      "INSERT INTO ownit_realtime.events (batch, row) VALUES (gen_random_uuid(), '{}')",
      /permission denied/,
    ],
    ["become the owner", "SET ROLE ownit_owner", /permission denied to set role/],
    ["make itself a superuser", "ALTER ROLE ownit_app SUPERUSER", /permission denied to alter role/],
  ])("the server's role cannot %s", async (_what, sql, refusal) => {
    await expect(as(appUrl(), sql)).rejects.toThrow(refusal);
  });
});

describe("failing closed", () => {
  it("an empty password for either role stops the first start instead of creating a role anyone could guess", async () => {
    for (const [name, role] of [
      ["APP_DB_PASSWORD", "ownit_app"],
      ["OWNER_DB_PASSWORD", "ownit_owner"],
    ]) {
      const { code, output } = await firstStart(`empty_${role}`, { ...PASSWORDS, [name]: "" });
      expect(code).not.toBe(0);
      expect(output).toContain(`${name} is empty; refusing to create ${role} without a password`);
    }
  });

  it("db:setup refuses addresses two users share in different case (sign-in could not tell them apart), naming them, and changes nothing", async () => {
    await db.createDatabase("shared_addresses");
    await db.query(readFileSync(path.join(dir, "server", "schema.sql"), "utf8"), [], "shared_addresses");
    await db.query(
      `INSERT INTO users (id, email, created_date, updated_date) VALUES ('u1', 'dup@crm.test', now(), now()), ('u2', 'Dup@CRM.test', now(), now())`,
      [],
      "shared_addresses",
    );
    const superuser = new URL(db.url("shared_addresses"));
    superuser.password = SUPERUSER_PASSWORD;
    await expect(dbSetup(superuser.toString(), superuser.toString())).rejects.toThrow(
      "more than one user in users has the address dup@crm.test: merge or change those accounts, then run db:setup again",
    );
    expect(
      await db.query("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE 'ownit\\_%'", [], "shared_addresses"),
    ).toEqual([{ n: 0 }]);
  });

  it("the server as ownit_app on a database db:setup has not prepared stops, naming db:setup, and changes nothing", async () => {
    // A database of its own: the roles are cluster-wide (already made), so this one is prepared by hand.
    await db.createDatabase("unprepared");
    await db.query(readFileSync(path.join(dir, "server", "schema.sql"), "utf8"), [], "unprepared");
    await db.query(
      "REVOKE ALL ON DATABASE unprepared FROM PUBLIC; GRANT CONNECT ON DATABASE unprepared TO ownit_app",
      [],
      "unprepared",
    );
    await db.query("REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO ownit_app", [], "unprepared");
    await db.query("GRANT SELECT ON ALL TABLES IN SCHEMA public TO ownit_app", [], "unprepared");
    await expect(startOwnedServer(dir, { DATABASE_URL: appUrl("unprepared") })).rejects.toThrow(
      /lacks ownit_auth\.passwords.*run `npm run db:setup` with DATABASE_OWNER_URL/,
    );
    expect(
      await db.query("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE 'ownit\\_%'", [], "unprepared"),
    ).toEqual([{ n: 0 }]);
  });
});
