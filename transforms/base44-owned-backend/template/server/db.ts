// PostgreSQL access: one pool with the type parsing Base44's JSON needs (dates as text, big
// numbers as numbers), the shape of each entity table read from the database itself (so the
// server follows whatever `ownit restore` or `npm run db:setup` created), and the server's own
// auth tables.
import pg from "pg";
import type { AppConfig } from "./config";

export type ColumnKind = "text" | "number" | "integer" | "boolean" | "date" | "timestamp" | "json";

/** What the query compiler needs to know about one entity table. */
export interface TableShape {
  entity: string;
  table: string;
  columns: Map<string, ColumnKind>;
  overflow?: string;
}

const { types } = pg;

/**
 * Timestamps as Base44 wrote them: ISO in UTC with microseconds and no zone letter
 * ("2024-01-15T10:20:30.123400"; apps append "Z" themselves, so a second one would break them).
 * PostgreSQL prints "2024-01-15 10:20:30.1234+00" in a UTC session.
 */
export function base44Timestamp(pgText: string): string {
  const m = /^(\d{4,}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d+))?/.exec(pgText);
  if (!m) return pgText;
  return `${m[1]}T${m[2]}.${(m[3] ?? "").padEnd(6, "0")}`;
}

/** A date-time the app sends, as timestamptz input: without a zone it is UTC (Base44 leaves the Z out). */
export function timestampInput(value: string): string {
  return /(Z|[+-]\d{2}(:?\d{2})?)$/i.test(value) ? value : `${value}+00`;
}

const parsers: Record<number, (value: string) => unknown> = {
  // date: the calendar date as written, never shifted by a time zone
  1082: (v) => v,
  // timestamp / timestamptz: text in Base44's form (the session is UTC), never through Date (it drops microseconds)
  1114: (v) => base44Timestamp(v),
  1184: (v) => base44Timestamp(v),
  // int8 and numeric: numbers, as Base44 returned them
  20: (v) => Number(v),
  1700: (v) => Number(v),
};

export function createPool(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    // Every session in UTC: timestamps without a zone mean UTC in Base44's records.
    options: "-c TimeZone=UTC",
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") => parsers[oid] ?? types.getTypeParser(oid, format)) as typeof types.getTypeParser,
    },
  });
  // An idle connection the database drops (a restart, a failover, an admin's terminate) must not
  // crash the server: pg emits it on the pool, which discards that client and opens a new one later.
  pool.on("error", (error) => console.error(`database connection lost (${error.message}); the next query reconnects`));
  return pool;
}

function kindOf(udt: string): ColumnKind {
  if (["int2", "int4", "int8"].includes(udt)) return "integer";
  if (["float4", "float8", "numeric"].includes(udt)) return "number";
  if (udt === "bool") return "boolean";
  if (udt === "date") return "date";
  if (udt === "timestamptz" || udt === "timestamp") return "timestamp";
  if (udt === "jsonb" || udt === "json") return "json";
  return "text";
}

/** Reads every entity table's columns; a missing table stops the server with the fix. */
export async function readTableShapes(pool: pg.Pool, config: AppConfig): Promise<Map<string, TableShape>> {
  const shapes = new Map<string, TableShape>();
  const tables = Object.entries(config.entities).map(([entity, e]) => ({ entity, table: e.table, overflow: e.overflowColumn }));
  const { rows } = await pool.query<{ table_name: string; column_name: string; udt_name: string }>(
    `SELECT table_name, column_name, udt_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ANY($1::text[]) ORDER BY ordinal_position`,
    [tables.map((t) => t.table)],
  );
  for (const t of tables) {
    const columns = new Map<string, ColumnKind>();
    for (const r of rows) if (r.table_name === t.table) columns.set(r.column_name, kindOf(r.udt_name));
    if (!columns.size) {
      throw new Error(`table "${t.table}" for entity ${t.entity} is missing: run \`npm run db:setup\` for an empty app, or \`ownit restore\` to load the exported data`);
    }
    if (!columns.has("id")) throw new Error(`table "${t.table}" for entity ${t.entity} has no id column`);
    shapes.set(t.entity, { entity: t.entity, table: t.table, columns, overflow: t.overflow && columns.has(t.overflow) ? t.overflow : undefined });
  }
  return shapes;
}

/**
 * The server's own tables, apart from the app's data: password hashes (Base44 cannot export
 * them, so every migrated user sets one), sessions and one-time reset tokens.
 */
export const AUTH_SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS ownit_auth;
CREATE TABLE IF NOT EXISTS ownit_auth.passwords (
  user_id text PRIMARY KEY,
  password_hash text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ownit_auth.sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
-- When the session was last used: an idle session ends (SESSION_IDLE_HOURS).
ALTER TABLE ownit_auth.sessions ADD COLUMN IF NOT EXISTS last_seen_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX IF NOT EXISTS sessions_user_id ON ownit_auth.sessions (user_id);
CREATE TABLE IF NOT EXISTS ownit_auth.reset_tokens (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
`;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
