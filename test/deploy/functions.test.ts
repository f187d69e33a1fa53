// The proof that the owned stack runs the app's Supabase edge functions, without Docker: the
// migrated Lovable export's functions (made portable by the codemod) run under real Deno from the
// npm registry behind the emitted router, itself behind the emitted gateway config served by real
// nginx. The Lovable-shaped function reads the RESTORED database as the caller (a PostgREST
// stand-in in front of real PostgreSQL applies the exported RLS) and calls an AI gateway stand-in.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { SignJWT } from "jose";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpDatabase, restoreExport } from "@ownit/db";
import { capturedCli, cleanupTemp, copyFixture, gitInit, REPO_ROOT, tempDir } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { startChatCompletionsStandIn, startPostgrestStandIn, type PostgrestStandIn } from "../helpers/postgrest-stand-in";
import { seededId, sql, startSourceDatabase, type SourceDatabase } from "../db/source";
import { freePort, hostEnv } from "./docker-like";
import { startNginx } from "./nginx";

const DENO = path.join(REPO_ROOT, "node_modules", ".bin", "deno");
/** Deno's module cache: npm packages come from the registry once, then from here. */
const DENO_DIR = path.join(REPO_ROOT, "node_modules", ".cache", "ownit-deno");
const JWT_SECRET = "owner-jwt-secret-for-the-functions-proof-0123456789";
const AI_ANSWER = "You have a lot of tasks; start with the first one.";
const START_TIMEOUT_MS = 180_000;

const children: ChildProcess[] = [];
const sign = (claims: Record<string, unknown>, secret = JWT_SECRET) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(secret));

let source: SourceDatabase;
let target: TestServer;
let targetUrl: string;
let rest: PostgrestStandIn;
let ai: Awaited<ReturnType<typeof startChatCompletionsStandIn>>;
let gateway: string;
let dir: string;
let routerLog = "";

beforeAll(async () => {
  if (!existsSync(DENO)) throw new Error("deno is missing: run npm ci (the deno devDependency brings it from the npm registry)");
  dir = copyFixture("lovable-vite");
  gitInit(dir);
  const cli = capturedCli();
  if ((await cli.run("migrate", dir, "--yes")) !== 0) throw new Error(`ownit migrate failed:\n${cli.stderr.join("\n")}`);

  // The hosted database, dumped and restored into the owner's PostgreSQL as `ownit restore` does it.
  [source, target] = await Promise.all([startSourceDatabase(), startTestServer()]);
  const exportDir = path.join(tempDir(), "ownit-export");
  await dumpDatabase({ from: source.url, out: exportDir });
  targetUrl = await target.createDatabase("restored");
  await restoreExport(exportDir, targetUrl);

  rest = await startPostgrestStandIn(targetUrl, JWT_SECRET);
  ai = await startChatCompletionsStandIn(AI_ANSWER);
  const [functionsPort, gatewayPort, authPort, appPort, storagePort, realtimePort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  gateway = `http://127.0.0.1:${gatewayPort}`;

  // The functions service as compose runs it: the router command and the environment compose sets.
  // Its flags are read from the emitted docker-compose.yml, so the permissions proven here are the ones shipped.
  const composed = YAML.parse(readFileSync(path.join(dir, "docker-compose.yml"), "utf8")) as {
    services: { functions: { command: string[] } };
  };
  const router = spawn(
    DENO,
    [...composed.services.functions.command.slice(0, -1), path.join(dir, "docker/functions/functions-router.ts")],
    {
      env: {
        ...hostEnv(),
        DENO_DIR,
        NO_COLOR: "1",
        OWNIT_FUNCTIONS_DIR: path.join(dir, "supabase/functions"),
        OWNIT_FUNCTIONS_PORT: String(functionsPort),
        JWT_SECRET,
        SUPABASE_URL: gateway,
        SUPABASE_ANON_KEY: await sign({ role: "anon" }),
        SUPABASE_SERVICE_ROLE_KEY: await sign({ role: "service_role" }),
        SUPABASE_DB_URL: targetUrl,
        AI_GATEWAY_URL: ai.url,
        AI_API_KEY: "owner-ai-key",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(router);
  router.stdout!.on("data", (c: Buffer) => (routerLog += c.toString()));
  router.stderr!.on("data", (c: Buffer) => (routerLog += c.toString()));

  const conf = readFileSync(path.join(dir, "docker/supabase-gateway.conf"), "utf8");
  await startNginx(
    conf,
    gatewayPort,
    [
      ["http://functions:9000/", `http://127.0.0.1:${functionsPort}/`],
      ["http://rest:3000/", `http://127.0.0.1:${rest.port}/`],
      ["http://auth:9999/", `http://127.0.0.1:${authPort}/`],
      ["http://app:8080", `http://127.0.0.1:${appPort}`],
      ["http://storage:5000/", `http://127.0.0.1:${storagePort}/`],
      ["http://realtime:4000/", `http://127.0.0.1:${realtimePort}/`],
    ],
    "/functions/v1/",
    children,
  );
  // Every function answers once its Deno process has loaded its npm: imports.
  const end = Date.now() + START_TIMEOUT_MS;
  for (const name of ["suggest-tasks", "task-summary"]) {
    // 502: the router is not listening yet; 503: it is, the function is not.
    while ([502, 503].includes((await fetch(`${gateway}/functions/v1/${name}`, { method: "OPTIONS" })).status)) {
      if (Date.now() > end || router.exitCode !== null) throw new Error(`the functions did not start:\n${routerLog}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}, START_TIMEOUT_MS + 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  await rest?.close();
  await ai?.close();
  await Promise.all([source?.server.dispose(), target?.dispose()]);
  cleanupTemp();
});

describe("the migrated Lovable app's edge functions under Deno, behind the emitted gateway in nginx", () => {
  it("the codemod left functions that load from npm only: no esm.sh or deno.land import remains", () => {
    for (const name of ["suggest-tasks", "task-summary"]) {
      const code = readFileSync(path.join(dir, "supabase/functions", name, "index.ts"), "utf8");
      expect(code).not.toMatch(/https:\/\/(esm\.sh|deno\.land)\//);
      expect(code).toContain("Deno.serve(");
    }
    expect(JSON.parse(readFileSync(path.join(dir, "docker/functions/functions.json"), "utf8")).functions).toEqual([
      { name: "suggest-tasks", verifyJwt: false, entrypoint: "suggest-tasks/index.ts" },
      { name: "task-summary", verifyJwt: true, entrypoint: "task-summary/index.ts" },
    ]);
  });

  it("answers a CORS preflight without a token, as Supabase does", async () => {
    const res = await fetch(`${gateway}/functions/v1/task-summary`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com", "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-headers")).toContain("authorization");
  });

  it("a verify_jwt function answers 401 with no token, and with a token signed by another secret", async () => {
    const none = await fetch(`${gateway}/functions/v1/task-summary`, { method: "POST", body: "{}" });
    expect(none.status).toBe(401);
    const forged = await fetch(`${gateway}/functions/v1/task-summary`, {
      method: "POST",
      body: "{}",
      headers: {
        authorization: `Bearer ${await sign({ role: "authenticated", sub: seededId("user-alice") }, "not-the-owners-secret")}`,
      },
    });
    expect(forged.status).toBe(401);
    expect(ai.calls).toHaveLength(0);
  });

  it("with a JWT signed with the owner's secret it answers 200, having read the caller's own rows from the restored database and called the AI gateway", async () => {
    const alice = seededId("user-alice");
    const token = await sign({ role: "authenticated", sub: alice, aud: "authenticated" });
    const res = await fetch(`${gateway}/functions/v1/task-summary`, {
      method: "POST",
      body: "{}",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    });
    const body = (await res.json()) as { count: number; titles: string[]; summary: string; error?: string };
    expect(res.status, body.error ?? routerLog).toBe(200);
    // RLS in the restored database: alice's tasks only, all of them.
    const [{ n }] = await sql<{ n: number }>(targetUrl, `SELECT count(*)::int AS n FROM public.tasks WHERE user_id = '${alice}'`);
    const [{ all }] = await sql<{ all: number }>(targetUrl, "SELECT count(*)::int AS all FROM public.tasks");
    expect(body.count).toBe(n);
    expect(n).toBeGreaterThan(0);
    expect(all).toBeGreaterThan(n);
    expect(rest.requests.at(-1)).toBe("authenticated GET /tasks?select=title%2Cstatus");
    expect(body.summary).toBe(AI_ANSWER);
    // The AI call went to the owner's OpenAI-compatible API with the owner's key (ai-gateway-to-env).
    expect(ai.calls.at(-1)!.authorization).toBe("Bearer owner-ai-key");
    const prompt = ai.calls.at(-1)!.body.messages!.at(-1)!.content;
    const titles = await sql<{ title: string }>(targetUrl, `SELECT title FROM public.tasks WHERE user_id = '${alice}'`);
    expect(titles.filter((t) => !prompt.includes(t.title))).toEqual([]);
    expect([...body.titles].sort()).toEqual(titles.map((t) => t.title).sort());
  });

  it("a verify_jwt = false function answers without a token", async () => {
    const res = await fetch(`${gateway}/functions/v1/suggest-tasks`, {
      method: "POST",
      body: JSON.stringify({ goal: "Move house" }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status, routerLog).toBe(200);
    expect(((await res.json()) as { suggestions: string[] }).suggestions).toEqual([AI_ANSWER]);
  });

  it("an unknown function is 404, not another function's answer", async () => {
    expect((await fetch(`${gateway}/functions/v1/no-such-function`)).status).toBe(404);
  });
});
