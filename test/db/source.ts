// Test doubles for the database tests: a Supabase-shaped source database built from fixtures/db/source
// on a real throwaway PostgreSQL, and a local HTTP server speaking the Supabase Storage API's
// download route (GET /storage/v1/object/<bucket>/<path>, bearer key) with a few files.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import pg from "pg";
import { FIXTURES } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";

/** The uuid PostgreSQL makes of md5(text)::uuid, as the seed does (e.g. seededId("user-alice")). */
export function seededId(text: string): string {
  const h = createHash("md5").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const SOURCE_SQL_DIR = path.join(FIXTURES, "db", "source");

/** Seeded people who sign in with a password: "<name>-password-1". */
export const PASSWORD_USERS = ["alice", "bob", "carol"] as const;

export interface SourceDatabase {
  server: TestServer;
  url: string;
}

/** A PostgreSQL 15 (system) server holding the Supabase-shaped source database. */
export async function startSourceDatabase(
  options: { password?: string; settings?: Record<string, string | number> } = {},
): Promise<SourceDatabase> {
  const server = await startTestServer({ prefer: "system", password: options.password, settings: options.settings });
  const url = await server.createDatabase("supabase_source");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const file of readdirSync(SOURCE_SQL_DIR)
      .filter((f) => f.endsWith(".sql"))
      .sort()) {
      await client.query(readFileSync(path.join(SOURCE_SQL_DIR, file), "utf8"));
    }
  } finally {
    await client.end();
  }
  return { server, url };
}

/** Runs queries on one connection and returns the last result's rows. */
export async function sql<T = Record<string, unknown>>(url: string, ...statements: string[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let rows: T[] = [];
    for (const statement of statements) rows = (await client.query(statement)).rows as T[];
    return rows;
  } finally {
    await client.end();
  }
}

/** Storage objects the seeded users own (two avatars, a PDF with a non-ASCII name), as the Storage stand-in serves them. */
export const SEEDED_STORAGE_FILES: Record<string, Buffer> = {
  [`avatars/${seededId("user-alice")}/me.png`]: Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(60, 7)]),
  [`avatars/${seededId("user-bob")}/me.png`]: Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(60, 9)]),
  [`documents/${seededId("user-alice")}/reports/Q1 résumé.pdf`]: Buffer.from("%PDF-1.7\n".padEnd(1024, "x")),
};

export interface StorageStandIn {
  url: string;
  /** Paths requested, as "<bucket>/<name>". */
  requests: string[];
  close(): Promise<void>;
}

/**
 * The Storage API's authenticated download, serving `files` ("<bucket>/<name>" → bytes) to
 * requests bearing `key`; 400 {"error":"not_found"} like the real service for anything else.
 */
export async function startStorageStandIn(key: string, files: Record<string, Buffer>): Promise<StorageStandIn> {
  const requests: string[] = [];
  const app = new Hono();
  app.get("/storage/v1/object/:bucket/*", (c) => {
    const bucket = c.req.param("bucket");
    const name = decodeURIComponent(
      new URL(c.req.url).pathname.slice(`/storage/v1/object/${encodeURIComponent(bucket)}/`.length),
    );
    requests.push(`${bucket}/${name}`);
    if (c.req.header("authorization") !== `Bearer ${key}` || c.req.header("apikey") !== key) {
      return c.json({ statusCode: "403", error: "Unauthorized", message: "invalid signature" }, 403);
    }
    const body = files[`${bucket}/${name}`];
    if (!body) return c.json({ statusCode: "404", error: "not_found", message: "Object not found" }, 400);
    return c.body(new Uint8Array(body), 200, { "content-type": "application/octet-stream" });
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/storage/v1`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
