// docker-compose's database side, run for real without Docker: the init scripts the postgres image
// would run on first start are run (sourced, as its entrypoint does) against a throwaway PostgreSQL,
// loading an export from inside its folder and creating the roles PostgREST and GoTrue log in as.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { jwtVerify } from "jose";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capturedCli, cleanupTemp, copyFixture, gitInit, tempDir } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";
import YAML from "yaml";
import { runShell } from "./docker-like";
import { nextWithPostgres, writeTree } from "./projects";

const PASSWORD = "s3cretpassw0rd";
/** Each service's login role has its own password (what docker/supabase-keys.mjs prints into .env). */
const SERVICE_PASSWORDS = {
  AUTHENTICATOR_PASSWORD: "restpassw0rd",
  AUTH_DB_PASSWORD: "authpassw0rd",
  STORAGE_DB_PASSWORD: "storagepassw0rd",
  REALTIME_DB_PASSWORD: "realtimepassw0rd",
  FUNCTIONS_DB_PASSWORD: "functionspassw0rd",
};
const ALICE = "8f1c3a52-1d2e-4f6a-9b7c-0a1b2c3d4e5f";
const BOB = "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e";

/** A small export in the `ownit dump` shape: restore.sql reads data files by relative path. */
function writeExport(): string {
  const dir = path.join(tempDir("ownit-export-"), "ownit-export");
  mkdirSync(path.join(dir, "data"), { recursive: true });
  writeFileSync(
    path.join(dir, "restore.sql"),
    `BEGIN;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN; END IF;
END $$;
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text, encrypted_password text);
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $fn$ SELECT nullif(current_setting('request.jwt.claims', true)::json->>'sub', '')::uuid $fn$;
CREATE TABLE public.tasks (id serial PRIMARY KEY, user_id uuid REFERENCES auth.users (id), title text NOT NULL);
ALTER TABLE public.tasks ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_tasks ON public.tasks FOR SELECT TO authenticated USING (user_id = auth.uid());
GRANT SELECT ON public.tasks TO authenticated;
\\copy auth.users FROM 'data/auth.users.copy'
\\copy public.tasks (id, user_id, title) FROM 'data/public.tasks.copy'
SELECT setval('public.tasks_id_seq', 3);
COMMIT;
`,
  );
  writeFileSync(
    path.join(dir, "data/auth.users.copy"),
    `${ALICE}\talice@example.com\t$2a$10$abcdefghijklmnopqrstuv\n${BOB}\tbob@example.com\t$2a$10$vutsrqponmlkjihgfedcba\n`,
  );
  writeFileSync(
    path.join(dir, "data/public.tasks.copy"),
    `1\t${ALICE}\tWater the plants\n2\t${ALICE}\tCall mum\n3\t${BOB}\tFile taxes\n`,
  );
  return dir;
}

async function as(
  server: TestServer,
  user: string,
  password: string,
  sql: string,
  database = "app",
): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ host: server.host, port: server.port, user, password, database });
  await client.connect();
  try {
    const results = await client.query(sql);
    const last = Array.isArray(results) ? results.at(-1)! : results;
    return last.rows;
  } finally {
    await client.end();
  }
}

/**
 * The postgres image's entrypoint sources non-executable init scripts, in order, in a bash with
 * errexit: `project`'s, as compose mounts them, against `server`'s database "app".
 */
function runInitScripts(
  server: TestServer,
  project: string,
  exportDir: string,
  passwords: Record<string, string>,
): Promise<{ code: number; output: string }> {
  const init = path.join(project, "docker/postgres-init");
  const script = `set -Eeo pipefail; cd /; for f in ${init}/*.sh; do . "$f"; done; echo "entrypoint still in $(pwd)"`;
  const env = {
    POSTGRES_USER: server.user,
    POSTGRES_DB: "app",
    POSTGRES_PASSWORD: PASSWORD,
    PGHOST: server.host,
    PGPORT: String(server.port),
    PGPASSWORD: PASSWORD,
    OWNIT_EXPORT_DIR: exportDir,
    ...passwords,
  };
  return runShell(`bash -c '${script}'`, tempDir(), env, path.join(tempDir(), "init.log"));
}

describe("docker-compose's Postgres init scripts against a real PostgreSQL", () => {
  let server: TestServer;
  let project: string;

  beforeAll(async () => {
    server = await startTestServer({ password: PASSWORD });
    await server.createDatabase("app");
    project = copyFixture("bolt-vite");
    expect(await capturedCli().run("deploy", project, "--yes", "--target", "docker")).toBe(0);
  });
  afterAll(async () => {
    await server?.dispose();
    cleanupTemp();
  });

  const firstStart = (exportDir: string, passwords: Record<string, string> = SERVICE_PASSWORDS) =>
    runInitScripts(server, project, exportDir, passwords);

  it("loads the export from inside its folder, then creates each service's login role with its own password from .env", async () => {
    const { code, output } = await firstStart(writeExport());
    expect(output).toContain("ownit: loading");
    expect(code).toBe(0);
    // Sourced scripts neither exit nor move the entrypoint's working directory.
    expect(output).toContain("entrypoint still in /");
    expect(await server.query("SELECT count(*)::int AS n FROM public.tasks", [], "app")).toEqual([{ n: 3 }]);

    // PostgREST's login role: the password from .env, and it may become each request role.
    const rows = await as(
      server,
      "authenticator",
      SERVICE_PASSWORDS.AUTHENTICATOR_PASSWORD,
      `SET ROLE authenticated; SELECT set_config('request.jwt.claims', '{"sub":"${ALICE}","role":"authenticated"}', false); SELECT title FROM public.tasks ORDER BY id`,
    );
    expect(rows).toEqual([{ title: "Water the plants" }, { title: "Call mum" }]);
    await expect(
      as(server, "authenticator", SERVICE_PASSWORDS.AUTHENTICATOR_PASSWORD, "SET ROLE anon; SELECT count(*) FROM public.tasks"),
    ).rejects.toThrow(/permission denied/);
    await expect(as(server, "authenticator", "wrong-password", "SELECT 1")).rejects.toThrow(/password authentication failed/);
    // Another service's password (or the superuser's) does not open PostgREST's role.
    await expect(as(server, "authenticator", SERVICE_PASSWORDS.AUTH_DB_PASSWORD, "SELECT 1")).rejects.toThrow(
      /password authentication failed/,
    );
    await expect(as(server, "authenticator", PASSWORD, "SELECT 1")).rejects.toThrow(/password authentication failed/);
    // PostgREST's role holds no table rights of its own: it must switch to a request role.
    await expect(
      as(server, "authenticator", SERVICE_PASSWORDS.AUTHENTICATOR_PASSWORD, "SELECT count(*) FROM public.tasks"),
    ).rejects.toThrow(/permission denied/);

    // GoTrue's login role owns the auth schema's tables, so its migrations can alter them.
    expect(await server.query("SELECT tableowner FROM pg_tables WHERE schemaname = 'auth'", [], "app")).toEqual([
      { tableowner: "supabase_auth_admin" },
    ]);
    await as(
      server,
      "supabase_auth_admin",
      SERVICE_PASSWORDS.AUTH_DB_PASSWORD,
      "ALTER TABLE auth.users ADD COLUMN IF NOT EXISTS phone text; CREATE OR REPLACE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'x' $$",
    );
    expect(
      await as(server, "supabase_auth_admin", SERVICE_PASSWORDS.AUTH_DB_PASSWORD, "SELECT email FROM users ORDER BY email"),
    ).toEqual([{ email: "alice@example.com" }, { email: "bob@example.com" }]);
  });

  it("without an export it starts with an empty database and says how to make one", async () => {
    await server.query("DROP DATABASE app");
    await server.createDatabase("app");
    const { code, output } = await firstStart(path.join(tempDir(), "no-export-here"));
    expect(code).toBe(0);
    expect(output).toContain("starting with an empty database (create one with: npx ownit dump)");
    expect(
      await server.query(
        "SELECT rolname FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role', 'authenticator', 'supabase_auth_admin') ORDER BY rolname",
        [],
        "app",
      ),
    ).toHaveLength(5);
  });

  it("an empty service password stops the first start instead of creating a role anyone could guess", async () => {
    await server.query("DROP DATABASE app");
    await server.createDatabase("app");
    const { code, output } = await firstStart(path.join(tempDir(), "no-export-here"), {
      ...SERVICE_PASSWORDS,
      AUTH_DB_PASSWORD: "",
    });
    expect(code).not.toBe(0);
    expect(output).toContain("AUTH_DB_PASSWORD is empty; refusing to create supabase_auth_admin without a password");
  });

  it("a broken export stops the first start loudly instead of leaving a half-loaded database", async () => {
    await server.query("DROP DATABASE app");
    await server.createDatabase("app");
    const broken = writeExport();
    writeFileSync(path.join(broken, "data/public.tasks.copy"), "not\ta\tvalid\trow\n");
    const { code, output } = await firstStart(broken);
    expect(code).not.toBe(0);
    expect(output).not.toContain("entrypoint still in");
    expect(await server.query("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'auth'", [], "app")).toEqual([
      { n: 0 },
    ]);
  });
});

describe("the init scripts of an app that uses Storage, Realtime and edge functions (the migrated Lovable fixture)", () => {
  it("creates all five service roles, each able to do its job and nothing more", async () => {
    const server = await startTestServer({ password: PASSWORD });
    try {
      await server.createDatabase("app");
      const project = copyFixture("lovable-vite");
      gitInit(project);
      expect(await capturedCli().run("migrate", project, "--yes")).toBe(0);
      const { code, output } = await runInitScripts(server, project, writeExport(), SERVICE_PASSWORDS);
      expect(code, output).toBe(0);
      const roles = await server.query<{ rolname: string; rolreplication: boolean; rolbypassrls: boolean; rolsuper: boolean }>(
        "SELECT rolname, rolreplication, rolbypassrls, rolsuper FROM pg_roles WHERE rolname IN ('authenticator', 'supabase_auth_admin', 'supabase_storage_admin', 'supabase_realtime_admin', 'ownit_functions') ORDER BY rolname",
      );
      expect(roles.map((r) => r.rolname)).toEqual([
        "authenticator",
        "ownit_functions",
        "supabase_auth_admin",
        "supabase_realtime_admin",
        "supabase_storage_admin",
      ]);
      expect(roles.every((r) => !r.rolsuper)).toBe(true);
      expect(roles.filter((r) => r.rolreplication).map((r) => r.rolname)).toEqual(["supabase_realtime_admin"]);
      expect(roles.filter((r) => r.rolbypassrls).map((r) => r.rolname)).toEqual(["ownit_functions"]);
      // Storage owns its schema and may create its tables there; Realtime keeps its own schemas.
      await as(
        server,
        "supabase_storage_admin",
        SERVICE_PASSWORDS.STORAGE_DB_PASSWORD,
        "CREATE TABLE storage.migrations_probe (id int); DROP TABLE storage.migrations_probe",
      );
      await as(
        server,
        "supabase_realtime_admin",
        SERVICE_PASSWORDS.REALTIME_DB_PASSWORD,
        "CREATE TABLE _realtime.probe (id int); DROP TABLE _realtime.probe",
      );
      // Functions read every row (service_role, as on the platform), but cannot change the schema.
      expect(
        await as(
          server,
          "ownit_functions",
          SERVICE_PASSWORDS.FUNCTIONS_DB_PASSWORD,
          "SELECT count(*)::int AS n FROM public.tasks",
        ),
      ).toEqual([{ n: 3 }]);
      await expect(
        as(server, "ownit_functions", SERVICE_PASSWORDS.FUNCTIONS_DB_PASSWORD, "DROP TABLE public.tasks"),
      ).rejects.toThrow(/must be owner/);
      await expect(
        as(server, "supabase_storage_admin", SERVICE_PASSWORDS.STORAGE_DB_PASSWORD, "DROP TABLE public.tasks"),
      ).rejects.toThrow(/must be owner/);
    } finally {
      await server.dispose();
    }
  });
});

describe("the init scripts of a server that connects with DATABASE_URL itself (pg in a Next app)", () => {
  const APP_PASSWORD = "apppassw0rd";
  let server: TestServer;
  let project: string;

  beforeAll(async () => {
    server = await startTestServer({ password: PASSWORD });
    await server.createDatabase("app");
    project = writeTree(nextWithPostgres, "order-desk");
    expect(await capturedCli().run("deploy", project, "--yes", "--target", "docker")).toBe(0);
    // The export's own functions: an admin helper it keeps from PUBLIC (running as its owner), and a
    // plain one it grants to no one in particular.
    const exportDir = writeExport();
    const script = path.join(exportDir, "restore.sql");
    writeFileSync(
      script,
      readFileSync(script, "utf8").replace(
        "COMMIT;",
        `CREATE FUNCTION public.admin_exec(q text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $fn$ BEGIN EXECUTE q; END $fn$;
REVOKE EXECUTE ON FUNCTION public.admin_exec(text) FROM PUBLIC;
CREATE FUNCTION public.task_count() RETURNS int LANGUAGE sql AS $fn$ SELECT count(*)::int FROM public.tasks $fn$;
REVOKE EXECUTE ON FUNCTION public.task_count() FROM PUBLIC;
COMMIT;`,
      ),
    );
    const { code, output } = await runInitScripts(server, project, exportDir, { APP_DB_PASSWORD: APP_PASSWORD });
    expect(code, output).toBe(0);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  const asApp = (sql: string) => as(server, "ownit_app", APP_PASSWORD, sql);

  it("logs in as ownit_app, no superuser: every row read and written past row level security, sequences too", async () => {
    const [role] = await server.query(
      "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = 'ownit_app'",
    );
    expect(role).toEqual({
      rolsuper: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolreplication: false,
      rolbypassrls: true,
    });
    // RLS lets authenticated users see their own tasks only; the app's server saw all of them as the superuser, and still does.
    expect(await asApp("SELECT count(*)::int AS n FROM public.tasks")).toEqual([{ n: 3 }]);
    expect(
      await asApp(
        `INSERT INTO public.tasks (user_id, title) VALUES ('${ALICE}', 'New') RETURNING id; UPDATE public.tasks SET title = 'Renamed' WHERE id = 4; DELETE FROM public.tasks WHERE id = 4; SELECT count(*)::int AS n FROM auth.users`,
      ),
    ).toEqual([{ n: 2 }]);
  });

  it("may not change the schema, run programs on the server, or read password hashes of roles", async () => {
    await expect(asApp("CREATE TABLE public.probe (id int)")).rejects.toThrow(/permission denied for schema public/);
    await expect(asApp("ALTER TABLE public.tasks ADD COLUMN probe int")).rejects.toThrow(/must be owner/);
    await expect(asApp("DROP TABLE public.tasks")).rejects.toThrow(/must be owner/);
    await expect(asApp("TRUNCATE public.tasks")).rejects.toThrow(/permission denied/);
    await expect(asApp("COPY public.tasks TO PROGRAM 'id'")).rejects.toThrow(
      /permission denied|must be superuser|pg_execute_server_program/,
    );
    await expect(asApp("SELECT rolpassword FROM pg_authid")).rejects.toThrow(/permission denied/);
    await expect(as(server, "ownit_app", PASSWORD, "SELECT 1")).rejects.toThrow(/password authentication failed/);
  });

  it("calls functions that run with its own rights, not a SECURITY DEFINER one the export kept from PUBLIC", async () => {
    expect(await asApp("SELECT public.task_count() AS n")).toEqual([{ n: 3 }]);
    await expect(asApp("SELECT public.admin_exec('ALTER ROLE ownit_app SUPERUSER')")).rejects.toThrow(
      /permission denied for function admin_exec/,
    );
  });

  it("uses a table a migration run as the superuser adds later", async () => {
    await server.query("CREATE TABLE public.orders (id serial PRIMARY KEY, total numeric)", [], "app");
    expect(await asApp("INSERT INTO public.orders (total) VALUES (9.5) RETURNING id")).toEqual([{ id: 1 }]);
  });

  it("compose hands the app its role's URL, not the superuser's password", () => {
    const compose = YAML.parse(readFileSync(path.join(project, "docker-compose.yml"), "utf8"));
    expect(compose.services.app.environment).toMatchObject({
      DATABASE_URL:
        "postgres://ownit_app:${APP_DB_PASSWORD:?set APP_DB_PASSWORD in .env (letters and digits, see .env.example)}@db:5432/${POSTGRES_DB:-app}",
      POSTGRES_PASSWORD: "",
      APP_DB_PASSWORD: "", // the URL above carries it already
    });
    expect(compose.services.db.environment.APP_DB_PASSWORD).toContain("APP_DB_PASSWORD");
    expect(readFileSync(path.join(project, ".env.example"), "utf8")).toMatch(/^APP_DB_PASSWORD=/m);
  });
});

describe("docker/supabase-keys.mjs", () => {
  it("prints a JWT secret and anon and service_role keys that verify with it", async () => {
    const project = copyFixture("bolt-vite");
    expect(await capturedCli().run("deploy", project, "--yes", "--target", "docker")).toBe(0);
    const out = execFileSync(process.execPath, [path.join(project, "docker/supabase-keys.mjs")], { encoding: "utf8" });
    const env = Object.fromEntries(
      out
        .trim()
        .split("\n")
        .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    expect(Object.keys(env)).toEqual([
      "POSTGRES_PASSWORD",
      "AUTHENTICATOR_PASSWORD",
      "AUTH_DB_PASSWORD",
      "STORAGE_DB_PASSWORD",
      "REALTIME_DB_PASSWORD",
      "FUNCTIONS_DB_PASSWORD",
      "APP_DB_PASSWORD",
      "REALTIME_DB_ENC_KEY",
      "REALTIME_SECRET_KEY_BASE",
      "JWT_SECRET",
      "SUPABASE_ANON_KEY",
      "SUPABASE_SERVICE_ROLE_KEY",
    ]);
    expect(env.POSTGRES_PASSWORD).toMatch(/^[0-9a-f]{48}$/);
    expect(
      new Set(
        Object.entries(env)
          .filter(([k]) => k.endsWith("PASSWORD"))
          .map(([, v]) => v),
      ).size,
    ).toBe(7);
    expect(env.REALTIME_DB_ENC_KEY).toHaveLength(16);
    const secret = new TextEncoder().encode(env.JWT_SECRET);
    expect((await jwtVerify(env.SUPABASE_ANON_KEY!, secret)).payload).toMatchObject({ role: "anon", iss: "supabase" });
    expect((await jwtVerify(env.SUPABASE_SERVICE_ROLE_KEY!, secret)).payload).toMatchObject({ role: "service_role" });
    await expect(jwtVerify(env.SUPABASE_ANON_KEY!, new TextEncoder().encode("another secret"))).rejects.toThrow();
  });
});
