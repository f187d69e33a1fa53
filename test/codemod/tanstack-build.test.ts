// A Lovable TanStack Start export, migrated the way a user would (`ownit migrate --yes` on a git
// copy), must install from its lock file, build, and run as a plain Node server: `npm ci`,
// `npm run build`, `node .output/server/index.mjs` on a free port, real HTTP requests. Supabase is
// stood in for by a local server that speaks the PostgREST insert its code makes.
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import path from "node:path";
import { promisify } from "node:util";
import fg from "fast-glob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capturedCli, cleanupTemp, copyFixture, gitInit } from "../helpers/project";
import { startNitroServer, userEnv, type RunningServer } from "../helpers/node-server";

const run = promisify(execFile);

/** Install, build and typecheck each take tens of seconds on a shared two-core machine. */
const SLOW = 10 * 60 * 1000;

const SERVICE_ROLE_KEY = "test-service-role-key-never-in-the-bundle-7f3a";
const WEBHOOK_SECRET = "whsec-harbor-yoga-test";

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** Answers PostgREST inserts (`POST /rest/v1/<table>`) with 201 and keeps what it was sent. */
function supabaseStandIn(): Promise<{ server: Server; url: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      if (req.method === "POST" && req.url?.startsWith("/rest/v1/")) {
        res.writeHead(201, { "content-type": "application/json" }).end("");
        return;
      }
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "not stood in for" }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests }),
    ),
  );
}

function signedEvent(url: string, body: string, secret: string): Request {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-webhook-timestamp": timestamp, "x-webhook-signature": signature },
    body,
  });
}

describe("a migrated Lovable TanStack Start app builds and serves as a Node server", () => {
  let dir: string;
  let migrateOutput: string;
  let server: RunningServer | undefined;
  let supabase: Awaited<ReturnType<typeof supabaseStandIn>>;
  let base: string;

  beforeAll(async () => {
    dir = copyFixture("lovable-tanstack");
    gitInit(dir);
    const cli = capturedCli();
    const code = await cli.run("migrate", dir, "--yes");
    migrateOutput = [...cli.stdout, ...cli.stderr].join("\n");
    expect(code, migrateOutput).toBe(0);
  }, SLOW);

  afterAll(async () => {
    await server?.stop();
    supabase?.server.close();
    cleanupTemp();
  });

  it("leaves no @lovable.dev package and no Cloudflare Worker config behind", () => {
    const pkg = readFileSync(path.join(dir, "package.json"), "utf8");
    const lock = readFileSync(path.join(dir, "package-lock.json"), "utf8");
    expect(pkg).not.toContain("@lovable.dev/");
    expect(lock).not.toContain("@lovable.dev/");
    expect(JSON.parse(pkg).scripts.start).toBe("node .output/server/index.mjs");
    expect(existsSync(path.join(dir, "wrangler.jsonc"))).toBe(false);
    expect(readFileSync(path.join(dir, "vite.config.ts"), "utf8")).toContain('nitro({ preset: "node-server" })');
    // The service-role client still reads its key from the server's environment, and only there.
    expect(readFileSync(path.join(dir, "src/integrations/supabase/client.server.ts"), "utf8")).toContain(
      'process.env["SUPABASE_SERVICE_ROLE_KEY"]',
    );
  });

  it(
    "installs from its lock file with `npm ci`, type-checks, and builds",
    async () => {
      await run("npm", ["ci", "--no-audit", "--no-fund"], {
        cwd: dir,
        env: userEnv(),
        timeout: SLOW,
        maxBuffer: 64 * 1024 * 1024,
      });
      // The owned email and webhook modules must satisfy the strict tsconfig Lovable generates.
      await run("npx", ["tsc", "--noEmit", "-p", "tsconfig.json"], {
        cwd: dir,
        env: userEnv(),
        timeout: SLOW,
        maxBuffer: 64 * 1024 * 1024,
      });
      await run("npm", ["run", "build"], { cwd: dir, env: userEnv(), timeout: SLOW, maxBuffer: 64 * 1024 * 1024 });
      expect(existsSync(path.join(dir, ".output/server/index.mjs"))).toBe(true);
      // nitro says what it built for: a Node server, where the wrapper defaulted to cloudflare-module.
      expect(JSON.parse(readFileSync(path.join(dir, ".output/nitro.json"), "utf8")).preset).toBe("node-server");
    },
    SLOW,
  );

  it(
    "`node .output/server/index.mjs` renders the app's pages over HTTP",
    async () => {
      supabase = await supabaseStandIn();
      server = await startNitroServer(dir, {
        SUPABASE_URL: supabase.url,
        SUPABASE_PUBLISHABLE_KEY: "sb_publishable_test",
        SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
        WEBHOOK_SECRET,
      });
      base = server.base;

      const home = await fetch(`${base}/`);
      expect(home.status, server.log()).toBe(200);
      expect(home.headers.get("content-type")).toContain("text/html");
      const html = await home.text();
      expect(html).toContain("This week at Harbor Yoga");
      expect(html).toContain("<title>Harbor Yoga — classes by the water</title>");
      // The page hydrates from the built client bundle, and its Tailwind stylesheet is served.
      expect(html).toMatch(/<script[^>]+type="module"/);
      const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
      expect(css, html).toBeDefined();
      const stylesheet = await fetch(`${base}${css}`);
      expect(stylesheet.status).toBe(200);
      expect(await stylesheet.text()).toContain("--color-harbor");

      const contact = await fetch(`${base}/contact`);
      expect(contact.status).toBe(200);
      expect(await contact.text()).toContain("Get in touch");
    },
    SLOW,
  );

  it("its webhook endpoint accepts a request signed with WEBHOOK_SECRET and stores it through the service-role client", async () => {
    const body = JSON.stringify({
      type: "email.bounced",
      data: { event: "email.bounced", recipient: "ana@example.com", message_id: "msg-42" },
    });
    const accepted = await fetch(signedEvent(`${base}/api/public/email-events`, body, WEBHOOK_SECRET));
    expect(accepted.status, server?.log()).toBe(200);
    expect(await accepted.json()).toEqual({ ok: true });
    const insert = supabase.requests.find((r) => r.method === "POST" && r.url.startsWith("/rest/v1/email_events"));
    expect(insert, JSON.stringify(supabase.requests)).toBeDefined();
    expect(insert!.headers.apikey).toBe(SERVICE_ROLE_KEY);
    expect(JSON.parse(insert!.body)).toMatchObject({
      event: "email.bounced",
      recipient: "ana@example.com",
      message_id: "msg-42",
    });

    const forged = await fetch(signedEvent(`${base}/api/public/email-events`, body, "not-the-secret"));
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ error: "invalid_signature" });
  });

  it("ships nothing of the service-role key to the browser", () => {
    const bundle = fg.sync("**/*.{js,html,css}", { cwd: path.join(dir, ".output/public") });
    expect(bundle.length).toBeGreaterThan(0);
    for (const file of bundle) {
      const text = readFileSync(path.join(dir, ".output/public", file), "utf8");
      expect(text, file).not.toContain("SUPABASE_SERVICE_ROLE_KEY");
      expect(text, file).not.toContain(SERVICE_ROLE_KEY);
    }
  });
});
