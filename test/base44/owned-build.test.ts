// The Base44 example after `ownit migrate`: no Base44 import is left anywhere, a second migrate
// changes nothing, `npm ci && npm run build` builds the SPA and the server, and `npm start`'s
// command serves both on $PORT with /api/health answering 200 (the deploy contract).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import fg from "fast-glob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { capturedCli, cleanupTemp } from "../helpers/project";
import { migratedFixture, runSql } from "./owned-app";
import { freePort } from "@ownit/db";

const run = promisify(execFile);

/** An import, require or Deno specifier of a Base44 package (comments and prose do not count). */
const BASE44_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["'](?:npm:)?@base44\//m;

let dir: string;
let db: TestServer;
let server: ChildProcess | undefined;

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<Response> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output()}`);
    try {
      return await fetch(`${url}/api/health`);
    } catch {
      if (Date.now() > deadline) throw new Error(`the server never answered:\n${output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

beforeAll(async () => {
  ({ dir } = await migratedFixture());
  db = await startTestServer();
});

afterAll(async () => {
  if (server?.pid && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server!.once("exit", r));
  }
  await db?.dispose();
  cleanupTemp();
});

describe("the migrated Base44 example owns its code", () => {
  it("has no Base44 import left: a search of every file proves it", () => {
    const files = fg.sync("**/*", { cwd: dir, dot: true, onlyFiles: true, ignore: ["node_modules/**", ".ownit/**", ".git/**"] });
    const offenders = files.filter(
      (f) =>
        /\.(?:[cm]?[jt]sx?|json)$/.test(f) &&
        (BASE44_IMPORT.test(readFileSync(path.join(dir, f), "utf8")) ||
          (/package(-lock)?\.json$/.test(f) && readFileSync(path.join(dir, f), "utf8").includes('"@base44/'))),
    );
    expect(offenders).toEqual([]);
    // The search does find them before the move.
    expect(
      BASE44_IMPORT.test(
        readFileSync(
          path.join(dir, ".ownit", fg.sync("runs/*/files/src/api/base44Client.js", { cwd: path.join(dir, ".ownit") })[0]!),
          "utf8",
        ),
      ),
    ).toBe(true);
  });

  it("a second migrate plans nothing for any Base44 codemod", async () => {
    const cli = capturedCli();
    expect(await cli.run("migrate", dir, "--dry-run")).toBe(0);
    const steps = cli.stdout.filter((line) => /^\s*codemod\s+base44-/.test(line));
    expect(steps.length).toBe(5);
    for (const step of steps) expect(step).toContain("(nothing to change)");
  });

  it("builds with npm ci && npm run build, and npm start serves the app and /api on $PORT", async () => {
    await run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, timeout: 300_000 });
    await run("npm", ["run", "build"], { cwd: dir, timeout: 300_000 });
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe("node build/server/index.js");

    const databaseUrl = await db.createDatabase("owned_build");
    const env = { ...process.env, DATABASE_URL: databaseUrl };
    await run("npm", ["run", "db:setup"], { cwd: dir, env, timeout: 60_000 });

    // An admin sets a password at the console: that vouches for the address, as a mailed link would
    // (a server that mails confirmations signs in only confirmed addresses).
    await runSql(
      databaseUrl,
      `INSERT INTO users (id, email, full_name, role, is_verified, created_date, updated_date) VALUES ('65a00000000000000000c0de', 'console@crm.test', 'Console', 'user', false, now(), now())`,
    );
    const setPassword = spawn("npm", ["run", "users", "--", "set-password", "console@crm.test"], { cwd: dir, env });
    setPassword.stdin!.end("console-pass-1\n");
    expect(await new Promise((resolve) => setPassword.once("exit", resolve))).toBe(0);
    expect(await runSql(databaseUrl, "SELECT is_verified FROM users WHERE email = 'console@crm.test'")).toEqual([
      { is_verified: true },
    ]);

    const port = await freePort();
    let output = "";
    // `npm start`'s command, run directly so the test stops exactly the process it started.
    // Sign-up open without mail: the server says at start what that gives away.
    server = spawn("node", pkg.scripts.start.split(" ").slice(1), {
      cwd: dir,
      env: { ...env, PORT: String(port), ALLOW_SIGNUP: "true" },
    });
    server.stdout!.on("data", (d) => (output += d));
    server.stderr!.on("data", (d) => (output += d));
    const url = `http://127.0.0.1:${port}`;
    const health = await waitForHealth(url, server, () => output);
    expect(health.status).toBe(200);
    expect(output).toContain(
      "warning: sign-up is open (ALLOW_SIGNUP) but no address can be confirmed without SMTP_URL and APP_URL",
    );

    const home = await fetch(`${url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<div id="root">');
    // A deep link of the SPA falls back to index.html.
    const deep = await fetch(`${url}/projects/65a000000000000000000001`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
    // An unknown API path is a JSON 404, never the SPA.
    const missing = await fetch(`${url}/api/nothing-here`);
    expect(missing.status).toBe(404);
    // The entity API answers, and a private app (the default) asks a stranger to sign in first.
    const tasks = await fetch(`${url}/api/apps/any/entities/Task?limit=5`);
    expect(tasks.status).toBe(401);
    expect(((await tasks.json()) as { code: string }).code).toBe("unauthorized");
  });
});
