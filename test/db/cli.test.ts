// The database commands as an owner types them: `ownit dump`, `ownit restore` (a run that
// `ownit rollback` undoes), `ownit verify` (a table of differences, exit 1 on any), and
// `ownit db start|url|stop` with `restore --local` for owners who have no server.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRuns } from "@ownit/core";
import { stopLocalDatabase } from "@ownit/db";
import { capturedCli, cleanupTemp, tempDir } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { seededId, sql, startSourceDatabase, startStorageStandIn, type SourceDatabase } from "./source";

let source: SourceDatabase;
let target: TestServer;
let exportDir: string;
let dumpCli: ReturnType<typeof capturedCli>;
let dumpExit: number;
const projects: string[] = [];

beforeAll(async () => {
  [source, target] = await Promise.all([startSourceDatabase(), startTestServer({ prefer: "system" })]);
  exportDir = path.join(tempDir("ownit-cli-"), "ownit-export");
  dumpCli = capturedCli();
  dumpExit = await dumpCli.run("dump", "--from", source.url, "--out", exportDir);
});

afterAll(async () => {
  for (const project of projects) stopLocalDatabase(project);
  for (const server of [source?.server, target]) await server?.dispose();
  cleanupTemp();
});

/** User tables of a database (what a restore adds and a rollback must take away). */
async function tables(url: string): Promise<string[]> {
  const rows = await sql<{ t: string }>(
    url,
    "select table_schema || '.' || table_name as t from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') order by 1",
  );
  return rows.map((r) => r.t);
}

/** An exported app's folder, where the run ledger and the local database live. */
function project(): string {
  const dir = tempDir("ownit-project-");
  writeFileSync(path.join(dir, "package.json"), '{ "name": "my-lovable-app", "private": true }\n');
  projects.push(dir);
  return dir;
}

describe("ownit dump, restore, verify, rollback", () => {
  it("dump prints what it took and where it went", () => {
    expect(dumpExit, dumpCli.stderr.join("\n")).toBe(0);
    const out = dumpCli.stdout.join("\n");
    expect(out).toMatch(/dumped 12 table\(s\), 124,8\d\d row\(s\)/);
    expect(out).toContain("schemas     public + auth.identities, auth.users, storage.buckets, storage.objects");
    expect(out).toContain("[high]");
    expect(out).toContain("next: npx ownit restore");
    expect(existsSync(path.join(exportDir, "manifest.json"))).toBe(true);
  });

  it("dump --storage-key-env reads the service key from the environment and saves the Storage files", async () => {
    const key = "service-key-from-env";
    const alice = `${seededId("user-alice")}/me.png`;
    const storage = await startStorageStandIn(key, { [`avatars/${alice}`]: Buffer.from("png bytes") });
    process.env.OWNIT_TEST_SERVICE_KEY = key;
    try {
      const out = path.join(tempDir(), "with-files");
      const cli = capturedCli();
      expect(
        await cli.run(
          "dump",
          "--from",
          source.url,
          "--out",
          out,
          "--storage-key-env",
          "OWNIT_TEST_SERVICE_KEY",
          "--storage-url",
          storage.url,
        ),
        cli.stderr.join("\n"),
      ).toBe(0);
      expect(cli.stdout.join("\n")).toContain(", 1 storage file(s) in");
      expect(cli.stdout.join("\n")).not.toContain(key);
      expect(readFileSync(path.join(out, "storage", "avatars", alice), "utf8")).toBe("png bytes");
    } finally {
      delete process.env.OWNIT_TEST_SERVICE_KEY;
      await storage.close();
    }
  });

  it("dump with a key the Storage API refuses stops, naming the refusal, and leaves no export, finished or partial", async () => {
    const alice = `${seededId("user-alice")}/me.png`;
    const storage = await startStorageStandIn("the-real-key", { [`avatars/${alice}`]: Buffer.from("png bytes") });
    process.env.OWNIT_TEST_SERVICE_KEY = "a-wrong-key";
    try {
      const parent = tempDir();
      const cli = capturedCli();
      const code = await cli.run(
        "dump",
        "--from",
        source.url,
        "--out",
        path.join(parent, "refused"),
        "--storage-key-env",
        "OWNIT_TEST_SERVICE_KEY",
        "--storage-url",
        storage.url,
      );
      expect(code).not.toBe(0);
      expect(cli.stderr.join("\n")).toContain("the Storage API refused the key (HTTP 403)");
      expect(storage.requests).toContain(`avatars/${alice}`);
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      delete process.env.OWNIT_TEST_SERVICE_KEY;
      await storage.close();
    }
  });

  it("restore is a run; verify passes; rollback drops everything the restore created", async () => {
    const dir = project();
    const url = await target.createDatabase("cli_restore");
    const cli = capturedCli();
    expect(await cli.run("restore", exportDir, "--to", url, "--project", dir), cli.stderr.join("\n")).toBe(0);
    expect(cli.stdout.join("\n")).toMatch(/restored 12 table\(s\)/);
    const [run] = listRuns(dir);
    expect(run).toMatchObject({ command: "restore", status: "applied" });
    expect(run!.database[0]).toMatchObject({ kind: "postgres-restore", target: url });
    expect(run!.database[0]!.objects).toEqual(
      expect.arrayContaining([
        "schema auth",
        "schema storage",
        "schema extensions",
        "table public.profiles",
        "function public.handle_new_user()",
        "type public.app_role",
        "role anon",
      ]),
    );
    expect(await tables(url)).toContain("public.profiles");

    const verify = capturedCli();
    expect(await verify.run("verify", exportDir, "--against", url)).toBe(0);
    expect(verify.stdout.join("\n")).toContain("verified: every row, sequence and schema object");

    const rollback = capturedCli();
    expect(await rollback.run("rollback", dir), rollback.stderr.join("\n")).toBe(0);
    expect(rollback.stdout.join("\n")).toContain("1 database action(s) undone");
    expect(await tables(url)).toEqual([]);
    expect(await sql(url, "select nspname from pg_namespace where nspname in ('auth', 'storage', 'extensions')")).toEqual([]);
    expect(await sql(url, "select rolname from pg_roles where rolname in ('anon', 'authenticated', 'service_role')")).toEqual([]);
    expect(
      await sql(
        url,
        "select setconfig from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase where d.datname = 'cli_restore'",
      ),
    ).toEqual([]);
    expect(listRuns(dir)[0]!.status).toBe("rolled-back");
  });

  it("verify prints a table of differences and exits 1 when a row was changed", async () => {
    const url = await target.createDatabase("cli_tampered");
    expect(await capturedCli().run("restore", exportDir, "--to", url, "--project", project())).toBe(0);
    await sql(url, "update auth.users set email = 'mallory@example.com' where email = 'bob@example.com'");
    const cli = capturedCli();
    expect(await cli.run("verify", exportDir, "--against", url)).toBe(1);
    const out = cli.stdout.join("\n");
    expect(out).toMatch(/auth\.users\s+303\s+DIFFERS/);
    expect(out).toMatch(/checksum\s+auth\.users/);
    expect(cli.stderr[0]).toBe(`error 1 difference(s) between the export and ${url}`);
  });

  it("a failed restore leaves a failed run and an untouched target, with one line of error", async () => {
    const dir = project();
    const url = await target.createDatabase("cli_not_empty");
    await sql(url, "create table public.mine (id int)");
    const cli = capturedCli();
    expect(await cli.run("restore", exportDir, "--to", url, "--project", dir)).toBe(1);
    expect(cli.stderr[0]).toMatch(/^error .* is not empty: 1 object\(s\) already there \(table public\.mine\)$/);
    expect(cli.stderr[1]).toContain("--allow-nonempty");
    expect(listRuns(dir)[0]!.status).toBe("failed");
    expect(await tables(url)).toEqual(["public.mine"]);
  });

  it("--allow-nonempty restores beside the owner's objects, and rollback removes only what the restore made", async () => {
    const dir = project();
    const url = await target.createDatabase("cli_beside");
    await sql(
      url,
      "create table public.mine (id int primary key)",
      "insert into public.mine values (7)",
      "create schema reporting",
      "create view reporting.v as select 1 as one",
    );
    expect(await capturedCli().run("restore", exportDir, "--to", url, "--project", dir, "--allow-nonempty")).toBe(0);
    expect(await tables(url)).toEqual(expect.arrayContaining(["public.mine", "public.profiles", "auth.users", "reporting.v"]));
    const rollback = capturedCli();
    expect(await rollback.run("rollback", dir), rollback.stderr.join("\n")).toBe(0);
    expect(await tables(url)).toEqual(["public.mine", "reporting.v"]);
    expect(await sql(url, "select id from public.mine")).toEqual([{ id: 7 }]);
  });

  it("refuses the transaction pooler in one line with the fix", async () => {
    const cli = capturedCli();
    expect(
      await cli.run(
        "dump",
        "--from",
        "postgres://postgres.abcdefghijklmnopqrst:secret@aws-0-us-east-1.pooler.supabase.com:6543/postgres",
        "--out",
        path.join(tempDir(), "x"),
      ),
    ).toBe(1);
    expect(cli.stderr).toHaveLength(2);
    expect(cli.stderr[0]).toContain("transaction-mode pooler");
    expect(cli.stderr.join("\n")).not.toContain("secret");
  });

  it("restore without --to, and nobody at the terminal, says how to give a target", async () => {
    const cli = capturedCli();
    expect(await cli.run("restore", exportDir, "--project", project())).toBe(1);
    expect(cli.stderr[1]).toContain("--local");
  });
});

describe("ownit db and restore --local: a PostgreSQL of the project's own", () => {
  it("restore without --to offers it; then db url, verify, restore --local again, rollback, stop", async () => {
    const dir = project();
    const questions: string[] = [];
    const restore = capturedCli({ interactive: true, answer: true });
    restore.ctx.confirm = async (question) => {
      questions.push(question);
      return true;
    };
    expect(await restore.run("restore", exportDir, "--project", dir), restore.stderr.join("\n")).toBe(0);
    expect(questions[0]).toMatch(/^No --to given\. Start a PostgreSQL of this project's own/);
    expect(restore.stdout[0]).toMatch(/^started the project's PostgreSQL \d+(\.\d+)? on 127\.0\.0\.1:\d+/);
    const passwordFile = path.join(dir, ".ownit", "pg", "password");
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
    const password = readFileSync(passwordFile, "utf8").trim();
    expect(restore.stdout.join("\n")).not.toContain(password);

    const urlCli = capturedCli();
    expect(await urlCli.run("db", "url", "--project", dir)).toBe(0);
    const url = urlCli.stdout[0]!;
    expect(url).toMatch(new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:\\d+/app$`));
    const verify = capturedCli();
    expect(await verify.run("verify", exportDir, "--against", url), [...verify.stdout, ...verify.stderr].join("\n")).toBe(0);

    const start = capturedCli();
    expect(await start.run("db", "start", "--project", dir)).toBe(0);
    expect(start.stdout[0]).toMatch(/^already running:/);

    const rollback = capturedCli();
    expect(await rollback.run("rollback", dir), rollback.stderr.join("\n")).toBe(0);
    expect(await tables(url)).toEqual([]);

    const again = capturedCli();
    expect(await again.run("restore", exportDir, "--local", "--project", dir), again.stderr.join("\n")).toBe(0);
    expect(again.stdout[0]).toMatch(/^using the project's PostgreSQL/);
    expect(await tables(url)).toContain("public.tasks");

    const stop = capturedCli();
    expect(await stop.run("db", "stop", "--project", dir)).toBe(0);
    expect(stop.stdout).toEqual(["stopped"]);
    const after = capturedCli();
    expect(await after.run("db", "url", "--project", dir)).toBe(0);
    expect(after.stderr[0]).toContain("not running");
    expect(readFileSync(path.join(dir, ".ownit", ".gitignore"), "utf8")).toMatch(/^\*$/m);
  });
});
