// The owner's own PostgreSQL for a project: `ownit db start|stop|url`, and where `ownit restore`
// goes when no --to is given. Data lives in .ownit/pg/ (ignored by git), the server listens on
// loopback only, and its generated password is kept in .ownit/pg/password (mode 0600).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { LEDGER_DIR, OwnitError } from "@ownit/core";
import { findServerBinaries } from "./pg-binaries";
import { clusterMajor, localServerRunning, startLocalServer, stopLocalServer } from "./local-server";

/** Where a project's local cluster lives, relative to the project root. */
export const LOCAL_DB_DIR = `${LEDGER_DIR}/pg`;
/** The database restores go into on the local server. */
export const LOCAL_DB_NAME = "app";
const PASSWORD_FILE = "password";
const LOCAL_USER = "postgres";

export interface LocalDatabase {
  /** postgres://postgres:<password>@127.0.0.1:<port>/app */
  url: string;
  dir: string;
  port: number;
  version: string;
  /** False when the server was already running. */
  started: boolean;
}

export function localDbDir(root: string): string {
  return path.join(root, LOCAL_DB_DIR);
}

function ensureIgnored(root: string): void {
  const ignore = path.join(root, LEDGER_DIR, ".gitignore");
  if (!existsSync(ignore)) {
    mkdirSync(path.dirname(ignore), { recursive: true });
    writeFileSync(ignore, "# ownit's local state (run ledger, local database): never committed\n*\n");
  }
}

function readPassword(dir: string): string | undefined {
  const file = path.join(dir, PASSWORD_FILE);
  return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
}

function urlFor(dir: string, password: string, database = LOCAL_DB_NAME): string {
  const port = Number(readFileSync(path.join(dir, "port"), "utf8"));
  return `postgres://${LOCAL_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** Starts (initialising on first use) the project's server and makes sure database `app` exists. */
export async function startLocalDatabase(root: string, options: { prefer?: "system" | "embedded" } = {}): Promise<LocalDatabase> {
  const dir = localDbDir(root);
  ensureIgnored(root);
  mkdirSync(dir, { recursive: true });
  let password = readPassword(dir);
  if (!password) {
    if (clusterMajor(dir))
      throw new OwnitError(
        "local-db-password-lost",
        `${path.join(dir, PASSWORD_FILE)} is missing, so the local server's password is unknown`,
        `stop it, then delete ${dir} to start afresh (its data goes with it)`,
      );
    password = randomBytes(18).toString("base64url");
    writeFileSync(path.join(dir, PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
  }
  const running = localServerRunning(dir);
  let version: string;
  if (running) {
    version = String(clusterMajor(dir));
  } else {
    const major = clusterMajor(dir);
    const binaries = findServerBinaries(major ? { major } : { prefer: options.prefer });
    const server = await startLocalServer({ dir, password, binaries });
    version = server.version;
  }
  const admin = new pg.Client({ connectionString: urlFor(dir, password, "postgres") });
  await admin.connect();
  try {
    const { rows } = await admin.query("select 1 from pg_database where datname = $1", [LOCAL_DB_NAME]);
    if (!rows.length) await admin.query(`CREATE DATABASE ${LOCAL_DB_NAME}`);
  } finally {
    await admin.end();
  }
  const port = Number(readFileSync(path.join(dir, "port"), "utf8"));
  return { url: urlFor(dir, password), dir, port, version, started: !running };
}

/** Stops the project's server; false when it was not running. */
export function stopLocalDatabase(root: string): boolean {
  return stopLocalServer(localDbDir(root));
}

/** The connection string of the project's local database, or undefined when there is none. */
export function localDatabaseUrl(root: string): { url: string; running: boolean } | undefined {
  const dir = localDbDir(root);
  const password = readPassword(dir);
  if (!password || !existsSync(path.join(dir, "port"))) return undefined;
  return { url: urlFor(dir, password), running: localServerRunning(dir) };
}
