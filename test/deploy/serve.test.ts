// The proof that the deploy files serve the app, without Docker: the migrated example is built by
// executing its Dockerfile's build stage, the runtime stage's COPY --from paths are checked, and the
// result is served the way the image serves it (the emitted nginx config; the Node server's CMD) and
// loaded in headless Chromium: the app renders, the console is clean, no request leaves for a builder.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOVABLE } from "@ownit/core";
import { capturedCli, cleanupTemp, copyFixture, gitInit, tempDir } from "../helpers/project";
import { BUILDER_HOSTS, visit, type BrowserVisit } from "./browser";
import { dockerLikeBuild, freePort, hostEnv, runShell, waitForHttp, type DockerLikeBuild } from "./docker-like";
import { startNginx as startNginxAt } from "./nginx";
import { parseDockerfile } from "./parsed";
import { requireTool } from "../helpers/system-tools";

/** A cold npm cache (a fresh CI machine) makes `npm ci` plus the build take minutes. */
const BUILD_TIMEOUT_MS = 600_000;

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  cleanupTemp();
});

async function migratedCopy(fixture: string): Promise<string> {
  const dir = copyFixture(fixture);
  gitInit(dir);
  const cli = capturedCli();
  const code = await cli.run("migrate", dir, "--yes");
  if (code !== 0) throw new Error(`ownit migrate failed:\n${cli.stderr.join("\n")}\n${cli.stdout.join("\n")}`);
  return dir;
}

/** A value for each variable: the app's own origin for URLs, a placeholder otherwise (as an owner fills .env). */
function buildArgValues(args: string[], origin: string): Record<string, string> {
  return Object.fromEntries(args.map((a) => [a, /URL$/.test(a) ? origin : `test-value-for-${a.toLowerCase()}`]));
}

/** The names .env.example lists under "Run time": what the owner sets on the container. */
function runtimeNames(envExample: string): string[] {
  const section = envExample.split(/^# --- /m).find((s) => s.startsWith("Run time")) ?? "";
  return [...section.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!).filter((n) => n !== "PORT");
}

/** nginx for an emitted server block; every child is stopped after the file's tests. */
const startNginx = (siteConf: string, port: number, replace: Array<[string, string]>, readyPath: string) =>
  startNginxAt(siteConf, port, replace, readyPath, children);

/**
 * Stands in for PostgREST and GoTrue (we cannot run their images here): answers their documented
 * shapes (a JSON array for a table read, GoTrue's /health) and records each path it was asked for.
 */
async function startSupabaseStandIn(): Promise<{ port: number; paths: string[]; close(): Promise<void> }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? "");
    res.setHeader("content-type", "application/json");
    if (req.url === "/health") res.end(JSON.stringify({ version: "stand-in", name: "GoTrue" }));
    else if (req.method === "GET") res.end("[]");
    else res.end("{}");
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { port, paths, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("the migrated Lovable Vite app, built and served as its Dockerfile says", () => {
  let served:
    | {
        origin: string;
        copied: DockerLikeBuild["copied"];
        seen: BrowserVisit;
        indexHtml: string;
        headers: Record<string, string | null>;
        missingAssetStatus: number;
      }
    | undefined;
  let nginx: ChildProcess | undefined;

  beforeAll(async () => {
    const dir = await migratedCopy("lovable-vite");
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const stages = parseDockerfile(readFileSync(path.join(dir, "Dockerfile"), "utf8"));
    const build = await dockerLikeBuild(dir, tempDir("ownit-docker-like-"), buildArgValues(stages[0]!.args, origin));
    const htmlRoot = path.join(build.runtimeRoot, "usr/share/nginx/html");
    nginx = await startNginx(
      readFileSync(path.join(build.runtimeRoot, "etc/nginx/conf.d/default.conf"), "utf8"),
      port,
      [["root /usr/share/nginx/html;", `root ${htmlRoot};`]],
      "/healthz",
    );
    const deep = await fetch(`${origin}/dashboard/settings`);
    const indexHtml = await deep.text();
    const asset = indexHtml.match(/\/assets\/[^"]+\.js/)?.[0];
    const assetResponse = asset ? await fetch(`${origin}${asset}`) : undefined;
    const headers = {
      deepLinkStatus: String(deep.status),
      deepLinkCache: deep.headers.get("cache-control"),
      assetStatus: String(assetResponse?.status),
      assetCache: assetResponse?.headers.get("cache-control") ?? null,
    };
    const missingAssetStatus = (await fetch(`${origin}/assets/missing-${Date.now()}.js`)).status;
    const seen = await visit([`${origin}/`, `${origin}/dashboard/settings`], async (page, url) => {
      await page.waitForSelector("#root h1", { timeout: 15_000 });
      const heading = (await page.textContent("#root h1"))?.trim();
      expect(heading).toBe(url.endsWith("/settings") ? "Settings" : "Taskflow Buddy");
      if (url.endsWith("/settings")) expect(await page.locator('[data-page="settings"]').count()).toBe(1);
    });
    console.log(
      `lovable-vite served by nginx: ${seen.pagesLoaded} pages loaded, ${seen.requests.length} requests to ${[...new Set(seen.requests.map((r) => new URL(r).host))].join(", ")}`,
    );
    served = { origin, copied: build.copied, seen, indexHtml, headers, missingAssetStatus };
  }, BUILD_TIMEOUT_MS);
  afterAll(() => {
    nginx?.kill("SIGTERM");
  });

  it("builds with the Dockerfile's build stage, and every path the runtime stage copies exists", () => {
    expect(served!.copied.length).toBeGreaterThan(0);
    for (const c of served!.copied) expect(c.exists, `COPY ${c.from ? `--from=${c.from} ` : ""}${c.source}`).toBe(true);
  });

  it("serves deep links as index.html without cache, hashed assets with a year of cache, and 404 for a missing asset", () => {
    expect(served!.headers).toEqual({
      deepLinkStatus: "200",
      deepLinkCache: "no-cache",
      assetStatus: "200",
      assetCache: "public, max-age=31536000, immutable",
    });
    expect(served!.indexHtml).toContain('<div id="root">');
    expect(served!.missingAssetStatus).toBe(404);
  });

  it("renders the app at / and at the deep link /dashboard/settings in Chromium", () => {
    expect(served!.seen.pagesLoaded).toBe(2);
  });

  it("has a clean console and sends no request to a Lovable, gpteng, Bolt or StackBlitz host", () => {
    const { seen } = served!;
    const fromBuilder = (url: string) => Boolean(url) && /^https?:/.test(url) && BUILDER_HOSTS.test(new URL(url).hostname);
    expect(served!.indexHtml).not.toContain(LOVABLE.scriptHost);
    expect(seen.requests.filter(fromBuilder)).toEqual([]);
    expect(seen.failedRequests).toEqual([]);
    expect(seen.consoleErrors).toEqual([]);
  });

  it("the build stops with a message naming an empty build argument instead of shipping a blank page", async () => {
    const dir = copyFixture("bolt-vite");
    expect(await capturedCli().run("deploy", dir, "--yes", "--target", "docker")).toBe(0);
    const [build] = parseDockerfile(readFileSync(path.join(dir, "Dockerfile"), "utf8"));
    const check = build!.runs.find((r) => r.includes("missing="))!;
    const env = { VITE_SUPABASE_URL: "http://127.0.0.1:1", VITE_SUPABASE_ANON_KEY: "", VITE_SUPABASE_SERVICE_ROLE_KEY: "x" };
    const failed = await runShell(check, dir, env, path.join(tempDir(), "check.log"));
    expect(failed.code).toBe(1);
    expect(failed.output).toContain("empty build argument(s): VITE_SUPABASE_ANON_KEY.");
    const passed = await runShell(check, dir, { ...env, VITE_SUPABASE_ANON_KEY: "anon" }, path.join(tempDir(), "check.log"));
    expect(passed.code).toBe(0);
  });
});

describe("the migrated Lovable TanStack Start app, run as its Dockerfile and compose file say", () => {
  it(
    "starts the built Node server with the image's ENV and CMD behind compose's gateway, and renders / in Chromium with its Supabase reads reaching PostgREST's paths",
    async () => {
      const dir = await migratedCopy("lovable-tanstack");
      const [appPort, gatewayPort] = [await freePort(), await freePort()];
      const gateway = `http://127.0.0.1:${gatewayPort}`;
      const standIn = await startSupabaseStandIn();
      const stages = parseDockerfile(readFileSync(path.join(dir, "Dockerfile"), "utf8"));
      // As compose builds it: the Supabase URL is the gateway, which also serves the app.
      const build = await dockerLikeBuild(dir, tempDir("ownit-docker-like-"), buildArgValues(stages[0]!.args, gateway));
      for (const c of build.copied) expect(c.exists, `COPY --from=${c.from} ${c.source}`).toBe(true);

      const runtime = build.stages.at(-1)!;
      const command = JSON.parse(runtime.cmd!) as string[];
      expect(command).toEqual(["node", ".output/server/index.mjs"]);
      const imageEnv = Object.fromEntries(
        runtime.env.flatMap((e) => e.split(/\s+/)).map((kv) => kv.split("=") as [string, string]),
      );
      const server = spawn(command[0]!, command.slice(1), {
        cwd: path.join(build.runtimeRoot, runtime.workdir!),
        env: {
          ...hostEnv(),
          ...buildArgValues(runtimeNames(readFileSync(path.join(dir, ".env.example"), "utf8")), gateway),
          ...imageEnv,
          PORT: String(appPort),
          HOST: "127.0.0.1",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(server);
      let logs = "";
      server.stdout!.on("data", (c: Buffer) => (logs += c.toString()));
      server.stderr!.on("data", (c: Buffer) => (logs += c.toString()));
      let nginx: ChildProcess | undefined;
      try {
        await waitForHttp(`http://127.0.0.1:${appPort}/`, 30_000).catch((error) => {
          throw new Error(`${String(error)}\nserver output:\n${logs}`);
        });
        nginx = await startNginx(
          readFileSync(path.join(dir, "docker/supabase-gateway.conf"), "utf8"),
          gatewayPort,
          [
            ["http://rest:3000/", `http://127.0.0.1:${standIn.port}/`],
            ["http://auth:9999/", `http://127.0.0.1:${standIn.port}/`],
            ["http://app:8080", `http://127.0.0.1:${appPort}`],
          ],
          "/auth/v1/health",
        );
        const seen = await visit([`${gateway}/`], async (page) => {
          await page.waitForSelector("body *", { timeout: 15_000 });
          expect((await page.textContent("body"))?.trim().length).toBeGreaterThan(0);
        }).catch((error) => {
          throw new Error(`${String(error)}\nserver output:\n${logs}`);
        });
        console.log(
          `lovable-tanstack served by node behind the gateway: ${seen.pagesLoaded} page loaded, ${seen.requests.length} requests, PostgREST stand-in asked for ${standIn.paths.filter((p) => p !== "/health").join(", ") || "nothing"}`,
        );
        expect(seen.pagesLoaded).toBe(1);
        // The gateway strips /rest/v1: PostgREST sees /<table>?...
        expect(standIn.paths.some((p) => /^\/[a-z_]+\?select=/.test(p))).toBe(true);
        // Chromium asks every site for /favicon.ico on its own; the page did not.
        const pageErrors = seen.consoleErrors.filter((e) => !e.source.endsWith("/favicon.ico"));
        expect(pageErrors).toEqual([]);
        expect(seen.failedRequests).toEqual([]);
        expect([...new Set(seen.requests.map((r) => new URL(r).hostname))].filter((h) => BUILDER_HOSTS.test(h))).toEqual([]);
      } finally {
        nginx?.kill("SIGTERM");
        server.kill("SIGTERM");
        await standIn.close();
      }
    },
    BUILD_TIMEOUT_MS,
  );
});
