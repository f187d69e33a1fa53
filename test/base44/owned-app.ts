// Test helpers for the owned Base44 backend: the fixture app migrated by `ownit migrate` (the real
// codemods, the real generated files), the stand-in's records moved into a throwaway PostgreSQL
// by `ownit dump` and `ownit restore`, and the generated server run from the migrated project's
// own source on a loopback port.
import { existsSync, symlinkSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseJsonc } from "jsonc-parser";
import { readFileSync } from "node:fs";
import { dumpBase44, restoreExport } from "@ownit/db";
import { capturedCli, copyFixture, REPO_ROOT, tempDir } from "../helpers/project";
import type { Base44Standin } from "../helpers/base44-api";

/** Copies fixtures/base44 and runs `ownit migrate --yes` on it; returns the migrated project's folder. */
export async function migratedFixture(): Promise<{ dir: string; stdout: string[] }> {
  const dir = copyFixture("base44");
  const cli = capturedCli();
  const code = await cli.run("migrate", dir, "--yes");
  if (code !== 0) throw new Error(`ownit migrate failed (${code}):\n${[...cli.stdout, ...cli.stderr].join("\n")}`);
  return { dir, stdout: cli.stdout };
}

/**
 * Moves the stand-in's records into `databaseUrl` the way a user does: `ownit dump base44`
 * (dumpBase44, with the owner's API key) into an export folder, then `ownit restore` (restoreExport).
 */
export async function dumpAndRestore(standin: Base44Standin, projectDir: string, databaseUrl: string): Promise<void> {
  const outDir = path.join(tempDir("ownit-b44-export-"), "export");
  await dumpBase44({ token: standin.apiKey, serverUrl: standin.url, appId: standin.appId, outDir, projectDir });
  await restoreExport(outDir, databaseUrl);
}

export interface OwnedServer {
  url: string;
  /** The server's services (to set the passwords Base44 could not export). */
  services: {
    auth: {
      userByEmail(email: string): Promise<{ id: string } | undefined>;
      setPassword(id: string, password: string): Promise<void>;
    };
  };
  stop(): Promise<void>;
}

/**
 * Starts the migrated project's generated server from its own TypeScript source (server/), on a
 * free loopback port, with its realtime socket attached as server/index.ts attaches it. Its packages
 * resolve through a link to this repository's node_modules (the same hono, pg, bcryptjs, nodemailer,
 * ws and openid-client the template declares).
 */
export async function startOwnedServer(dir: string, env: Record<string, string>): Promise<OwnedServer> {
  if (!existsSync(path.join(dir, "node_modules")))
    symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  const load = (file: string) => import(pathToFileURL(path.join(dir, "server", file)).href);
  const { readSettings } = await load("config.ts");
  const { createServices } = await load("services.ts");
  const { createApp } = await load("routes.ts");
  const { serve } = await import("@hono/node-server");
  const settings = readSettings({ ...env, PORT: "0", STATIC_DIR: path.join(dir, "dist"), UPLOAD_DIR: path.join(dir, "uploads") });
  const { services, pool } = await createServices(settings);
  const app = createApp(services, settings, pool);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  // As server/index.ts does: live updates on the same HTTP server.
  const { attachRealtime } = await load("realtime.ts");
  const realtime = attachRealtime(server, services, settings, pool);
  await realtime.ready;
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    async stop() {
      await realtime.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await pool.end();
    },
  };
}

/** The migrated project's owned client module (src/api/ownit-client.js), imported as the app imports it. */
export async function ownedClientModule(
  dir: string,
): Promise<{ createOwnedClient: (config: Record<string, unknown>) => OwnedClient }> {
  return import(pathToFileURL(path.join(dir, "src", "api", "ownit-client.js")).href);
}

/** The slice of the client surface the tests call. */
export interface OwnedClient {
  entities: Record<string, Record<string, (...args: unknown[]) => Promise<any>>>;
  auth: Record<string, (...args: unknown[]) => Promise<any>>;
  integrations: Record<string, Record<string, (input: unknown) => Promise<any>>>;
  functions: { invoke(name: string, data?: unknown): Promise<any> };
}

export function fixtureAppId(): string {
  return (parseJsonc(readFileSync(path.join(REPO_ROOT, "fixtures", "base44", "base44", ".app.jsonc"), "utf8")) as { id: string })
    .id;
}

/** Runs one statement on the test database (a fresh connection each time). */
export async function runSql(databaseUrl: string, text: string, values: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A user in the users table who sets a password through a reset link (which proves the address,
 * as a mailed link does) and signs in; returns the signed-in client and its session token.
 */
export async function signedInUser(
  owned: OwnedServer,
  databaseUrl: string,
  createOwnedClient: (config: Record<string, unknown>) => OwnedClient,
  user: { id: string; email: string; role?: "admin" | "user"; password: string },
): Promise<{ client: OwnedClient; token: string }> {
  await runSql(
    databaseUrl,
    `INSERT INTO users (id, email, full_name, role, created_date, updated_date) VALUES ($1, $2, $2, $3, now(), now())`,
    [user.id, user.email, user.role ?? "user"],
  );
  const reset = await (
    owned.services.auth as unknown as { createResetToken(id: string, hours: number): Promise<string> }
  ).createResetToken(user.id, 1);
  const client = createOwnedClient({ appId: fixtureAppId(), serverUrl: owned.url });
  await client.auth.resetPassword({ resetToken: reset, newPassword: user.password });
  const { access_token } = await client.auth.loginViaEmailPassword(user.email, user.password);
  return { client, token: access_token };
}
