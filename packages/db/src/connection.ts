// Connecting to a source or target database: the URL checked before anything is sent (a
// transaction-mode pooler cannot share a snapshot), and connection failures turned into one line
// that says what went wrong and what to do, with the password never shown.
import pg from "pg";
import { OwnitError, redactUrl } from "@ownit/core";
import { TRANSACTION_POOLER_PORT } from "./supabase-objects";

export interface ConnectionParts {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  sslmode?: string;
}

/** How long to wait for a server to answer before calling it unreachable. */
export const CONNECT_TIMEOUT_MS = 10_000;

export function parseConnectionUrl(url: string): ConnectionParts {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OwnitError(
      "bad-database-url",
      `"${redactUrl(url)}" is not a connection string`,
      "use the form postgres://user:password@host:5432/database",
    );
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) {
    throw new OwnitError(
      "bad-database-url",
      `"${redactUrl(url)}" is not a postgres:// connection string`,
      "use the form postgres://user:password@host:5432/database",
    );
  }
  return {
    host: decodeURIComponent(parsed.hostname || parsed.searchParams.get("host") || "localhost"),
    port: Number(parsed.port || parsed.searchParams.get("port") || 5432),
    user: decodeURIComponent(parsed.username || parsed.searchParams.get("user") || "postgres"),
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "") || parsed.searchParams.get("dbname") || "postgres"),
    sslmode: parsed.searchParams.get("sslmode") ?? undefined,
  };
}

/** host:port/database, for messages. */
export function describeServer(url: string): string {
  const p = parseConnectionUrl(url);
  return `${p.host}:${p.port}/${p.database}`;
}

/**
 * Refuses Supabase's transaction pooler: every statement may run on another server connection,
 * so a snapshot exported on one cannot be joined from another, and a dump would not be consistent.
 */
export function refuseTransactionPooler(url: string): void {
  const p = parseConnectionUrl(url);
  if (p.port !== TRANSACTION_POOLER_PORT) return;
  const direct = /pooler\.supabase\.com$/.test(p.host) ? `the session pooler on port 5432 of ${p.host}` : "port 5432";
  throw new OwnitError(
    "transaction-pooler",
    `${p.host}:${p.port} is a transaction-mode pooler, which cannot hold one snapshot across connections`,
    `connect through ${direct} or the direct connection (db.<project-ref>.supabase.co:5432): in the Supabase dashboard, Connect → "Session pooler" or "Direct connection"`,
  );
}

/** A one-line OwnitError for a failed connection attempt. */
export function connectionError(url: string, error: unknown, role: "source" | "target"): OwnitError {
  const p = parseConnectionUrl(url);
  const where = `${p.host}:${p.port}`;
  const e = error as { code?: string; message?: string };
  const message = String(e.message ?? error).split("\n")[0]!;
  switch (e.code) {
    case "28P01":
      return new OwnitError(
        "db-auth-failed",
        `password authentication failed for user "${p.user}" on ${where} (${role})`,
        "check the password in the connection string (Supabase: Project Settings → Database → reset the database password)",
      );
    case "28000":
      return new OwnitError(
        "db-auth-failed",
        `${where} refused user "${p.user}" (${role}): ${message}`,
        "check the user name and that the server allows this client (pg_hba.conf)",
      );
    case "3D000":
      return new OwnitError(
        "db-not-found",
        `database "${p.database}" does not exist on ${where} (${role})`,
        role === "target"
          ? `create it first: createdb -h ${p.host} -p ${p.port} -U ${p.user} ${p.database}`
          : "check the database name in the connection string",
      );
    case "ECONNREFUSED":
      return new OwnitError(
        "db-unreachable",
        `nothing accepts connections on ${where} (${role}: connection refused)`,
        "check the host and port, and that the server is running",
      );
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new OwnitError(
        "db-unreachable",
        `host ${p.host} not found (${role})`,
        "check the host name in the connection string",
      );
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new OwnitError(
        "db-unreachable",
        `${where} cannot be reached (${role}: ${e.code})`,
        "check the host, the port and any firewall between you and the server",
      );
  }
  if (/timeout/i.test(message)) {
    return new OwnitError(
      "db-unreachable",
      `${where} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s (${role})`,
      "check the host, the port and any firewall between you and the server",
    );
  }
  if (/SSL|TLS|certificate/i.test(message)) {
    return new OwnitError(
      "db-ssl",
      `secure connection to ${where} failed (${role}): ${message}`,
      "add ?sslmode=require (or sslmode=disable for a local server) to the connection string",
    );
  }
  return new OwnitError("db-connect-failed", `cannot connect to ${where} (${role}): ${message}`, "check the connection string");
}

/** A connected client, or a one-line OwnitError. */
export async function connect(url: string, role: "source" | "target", extra: Partial<pg.ClientConfig> = {}): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: `ownit ${role}`,
    keepAlive: true,
    ...extra,
  });
  // A server that goes away later must not crash the process through an unhandled 'error' event;
  // the query in flight fails and reports it.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw connectionError(url, error, role);
  }
  return client;
}

/** "15.18" and 150018 for the server behind a client. */
export async function serverVersion(client: pg.Client): Promise<{ version: string; num: number; major: number }> {
  const { rows } = await client.query<{ v: string; n: string }>(
    "select current_setting('server_version') as v, current_setting('server_version_num') as n",
  );
  const num = Number(rows[0]!.n);
  return { version: rows[0]!.v.split(" ")[0]!, num, major: Math.floor(num / 10000) };
}
