// A Lovable TanStack Start export of the 1.x wrapper era (fixtures/lovable-tanstack-v1): its
// vite.config, once written out, imports nitro/vite, yet the export never declared nitro (the
// wrapper brought it) and still lists the Cloudflare Vite plugin. After `ownit migrate --yes` it
// must install from its lock, build, and serve with `node .output/server/index.mjs`.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TESTED_VERSIONS } from "@ownit/codemod";
import { capturedCli, cleanupTemp, copyFixture, gitInit } from "../helpers/project";
import { startNitroServer, userEnv, type RunningServer } from "../helpers/node-server";

const run = promisify(execFile);
const SLOW = 10 * 60 * 1000;

describe("a migrated 1.x-wrapper Lovable TanStack Start app builds and serves", () => {
  let dir: string;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    dir = copyFixture("lovable-tanstack-v1");
    gitInit(dir);
    const cli = capturedCli();
    const code = await cli.run("migrate", dir, "--yes");
    expect(code, [...cli.stdout, ...cli.stderr].join("\n")).toBe(0);
  }, SLOW);

  afterAll(async () => {
    await server?.stop();
    cleanupTemp();
  });

  it("declares nitro (the version ownit tested) in package.json and the lock, and drops the Cloudflare plugin", () => {
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const lock = JSON.parse(readFileSync(path.join(dir, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string; devDependencies?: Record<string, string> }>;
    };
    expect(pkg.devDependencies.nitro).toBe(TESTED_VERSIONS.nitro);
    expect(lock.packages[""]!.devDependencies!.nitro).toBe(TESTED_VERSIONS.nitro);
    expect(lock.packages["node_modules/nitro"]!.version).toBe(TESTED_VERSIONS.nitro);
    expect({ ...pkg.dependencies, ...pkg.devDependencies }).not.toHaveProperty("@cloudflare/vite-plugin");
    expect(
      Object.keys(lock.packages).filter(
        (k) => k.includes("@cloudflare/vite-plugin") || k.includes("@lovable.dev/") || k.endsWith("node_modules/wrangler"),
      ),
    ).toEqual([]);
  });

  it(
    "installs with `npm ci` and builds a Node server",
    async () => {
      await run("npm", ["ci", "--no-audit", "--no-fund"], {
        cwd: dir,
        env: userEnv(),
        timeout: SLOW,
        maxBuffer: 64 * 1024 * 1024,
      });
      await run("npm", ["run", "build"], { cwd: dir, env: userEnv(), timeout: SLOW, maxBuffer: 64 * 1024 * 1024 });
      expect(JSON.parse(readFileSync(path.join(dir, ".output/nitro.json"), "utf8")).preset).toBe("node-server");
      expect(existsSync(path.join(dir, ".output/server/index.mjs"))).toBe(true);
    },
    SLOW,
  );

  it(
    "`node .output/server/index.mjs` renders the page with its server function's data",
    async () => {
      server = await startNitroServer(dir);
      const { base } = server;
      const home = await fetch(`${base}/`);
      expect(home.status, server.log()).toBe(200);
      const html = await home.text();
      expect(html).toContain("<title>Crumb &amp; Co — today&#x27;s bakes</title>");
      expect(html).toContain("Sourdough loaf");
      const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
      expect(css, html).toBeDefined();
      expect(await (await fetch(`${base}${css}`)).text()).toContain("--color-crust");
    },
    SLOW,
  );
});
