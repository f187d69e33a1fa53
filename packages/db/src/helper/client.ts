// Talking to a deployed export helper: its POST calls (connection details, secret values) with a
// one-line OwnitError for every refusal, and `openHelperConnection`, which gives a connection
// string that reaches the builder's database from here: the one the helper holds when it can be
// reached directly, else a loopback port tunnelled through the helper. `dump --via` uses it, and
// so can anything else that needs the database (follow, cutover).
import pg from "pg";
import { OwnitError } from "@ownit/core";
import { describeServer } from "../connection";
import { TRANSACTION_POOLER_PORT } from "../supabase-objects";
import { HELPER_FUNCTION_NAME } from "./export-helper";
import { openHelperTunnel, type HelperTunnel } from "./tunnel";

/** How long to try the database the helper names before taking the tunnel. */
export const DIRECT_PROBE_TIMEOUT_MS = 5_000;
/** Largest helper answer read (the answers are small JSON). */
const MAX_ANSWER_BYTES = 1024 * 1024;

export type HelperRoute = "auto" | "direct" | "tunnel";

export interface HelperDetails {
  databaseUrl: string;
  supabaseUrl: string | null;
  serviceRoleKey: string | null;
  expiresAt: string;
}

export interface HelperConnection {
  /** A connection string that reaches the database from this machine (holds its password: never print it). */
  databaseUrl: string;
  route: "direct" | "tunnel";
  /** Storage API address and service-role key, when the helper's project has them. */
  storage?: { url: string; key: string };
  /** For manifests and messages: the helper and the database behind it, no secrets. */
  label: string;
  /** Why the tunnel last failed, if it did. */
  tunnelError(): string | undefined;
  close(): Promise<void>;
}

/** The helper's address for messages (no query string). */
function shown(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

export function checkHelperUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OwnitError(
      "bad-helper-url",
      `"${url}" is not a URL`,
      `pass the helper's address, e.g. https://<project-ref>.supabase.co/functions/v1/${HELPER_FUNCTION_NAME}`,
    );
  }
  if (!/^https?:$/.test(parsed.protocol))
    throw new OwnitError(
      "bad-helper-url",
      `"${shown(url)}" is not an http(s) address`,
      `pass the helper's address, e.g. https://<project-ref>.supabase.co/functions/v1/${HELPER_FUNCTION_NAME}`,
    );
  if (parsed.protocol === "http:" && !["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname)) {
    throw new OwnitError(
      "insecure-helper-url",
      `${shown(url)} is plain http: the secret and the database password would cross the network in the clear`,
      "use the https:// address of the function",
    );
  }
  return url;
}

/** One POST to the helper with the secret, its JSON answer, or a one-line error saying why not. */
export async function callHelper<T>(url: string, secret: string, body: Record<string, unknown>): Promise<T> {
  const where = shown(url);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...body, secret }),
      redirect: "error",
    });
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new OwnitError(
      "helper-unreachable",
      `the helper at ${where} cannot be reached (${code})`,
      "check the address, and that the builder has deployed the function (see `npx ownit helper`)",
    );
  }
  const text = (await response.text()).slice(0, MAX_ANSWER_BYTES);
  let answer: Record<string, unknown> = {};
  try {
    answer = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: judged by the status below
  }
  if (response.ok && answer && typeof answer === "object" && !answer.error) return answer as T;
  if (response.status === 401 && answer.error === "expired") {
    throw new OwnitError(
      "helper-expired",
      `the helper at ${where} has expired and answers nothing`,
      "write a fresh one with `npx ownit helper`, let the builder deploy it, and dump again",
    );
  }
  if (response.status === 401) {
    throw new OwnitError(
      "helper-refused",
      `the helper at ${where} refused the secret`,
      "set OWNIT_HELPER_SECRET to the secret `npx ownit helper` showed when it wrote this helper (or write a fresh one)",
    );
  }
  if (response.status === 404)
    throw new OwnitError(
      "helper-not-found",
      `nothing answers at ${where} (HTTP 404)`,
      "check the function's name in the address, and that the builder has deployed it",
    );
  throw new OwnitError(
    "helper-failed",
    `the helper at ${where} answered HTTP ${response.status}${typeof answer.message === "string" ? `: ${answer.message}` : ""}`,
    "check that the address is the ownit export helper and that it is deployed",
  );
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: DIRECT_PROBE_TIMEOUT_MS });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The database URL with host and port replaced by the local end of the tunnel (TLS is the tunnel's). */
function tunnelledUrl(databaseUrl: string, tunnel: HelperTunnel): string {
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(tunnel.port);
  for (const key of ["host", "hostaddr", "port", "sslmode", "sslrootcert", "sslcert", "sslkey"]) url.searchParams.delete(key);
  url.searchParams.set("sslmode", "disable");
  return url.toString();
}

/**
 * The database URL with Supabase's transaction pooler port (6543) turned into 5432 on the same host:
 * the session pooler, or the database itself. A dump needs one snapshot across connections.
 */
function sessionModeUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.port !== String(TRANSACTION_POOLER_PORT)) return databaseUrl;
  url.port = "5432";
  return url.toString();
}

export async function openHelperConnection(
  helperUrl: string,
  secret: string,
  options: { route?: HelperRoute } = {},
): Promise<HelperConnection> {
  checkHelperUrl(helperUrl);
  const details = await callHelper<HelperDetails>(helperUrl, secret, { action: "connect" });
  if (typeof details.databaseUrl !== "string")
    throw new OwnitError(
      "helper-failed",
      `the helper at ${shown(helperUrl)} gave no database address`,
      "check that the address is the ownit export helper",
    );
  details.databaseUrl = sessionModeUrl(details.databaseUrl);
  const storage =
    details.supabaseUrl && details.serviceRoleKey
      ? { url: `${details.supabaseUrl.replace(/\/+$/, "")}/storage/v1`, key: details.serviceRoleKey }
      : undefined;
  const database = describeServer(details.databaseUrl);
  const route = options.route ?? "auto";
  if (route === "direct" || (route === "auto" && (await reachable(details.databaseUrl)))) {
    return {
      databaseUrl: details.databaseUrl,
      route: "direct",
      storage,
      label: `helper ${shown(helperUrl)} → ${database}`,
      tunnelError: () => undefined,
      close: async () => {},
    };
  }
  const tunnel = await openHelperTunnel(helperUrl, secret);
  return {
    databaseUrl: tunnelledUrl(details.databaseUrl, tunnel),
    route: "tunnel",
    storage,
    label: `helper ${shown(helperUrl)} (tunnel) → ${database}`,
    tunnelError: () => tunnel.lastError(),
    close: () => tunnel.close(),
  };
}

/** The values of the named secrets the helper's project holds, and the names it does not have. */
export async function fetchHelperSecrets(
  helperUrl: string,
  secret: string,
  names: string[],
): Promise<{ values: Record<string, string>; missing: string[] }> {
  checkHelperUrl(helperUrl);
  return callHelper(helperUrl, secret, { action: "secrets", names });
}
