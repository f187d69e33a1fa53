// ownit export helper: a one-shot Supabase edge function that lets `ownit dump --via` read this
// project's database, where the owner has no database password (Lovable Cloud, an unclaimed Bolt
// Database). Written by `ownit helper`; delete it from the project once the dump is done.
//
// It answers only a caller holding the one-time secret shown to the owner once (only its SHA-256
// is here), only until EXPIRES_AT, and only with POST (the tunnel is a WebSocket whose first
// message must carry the same secret). It never logs a secret. Standard APIs only, no imports.
//
// POST {"secret", "action": "connect"}             → the connection details the function holds
// POST {"secret", "action": "secrets", "names": []} → the values of those of the project's secrets
// WebSocket, first message {"secret"}              → a byte tunnel to the database (flow-controlled)

const SECRET_SHA256 = "__OWNIT_SECRET_SHA256__";
const EXPIRES_AT = "__OWNIT_EXPIRES_AT__";
/** Largest request body read (the requests are small JSON). */
const MAX_BODY_BYTES = 64 * 1024;
/** Bytes the tunnel sends ahead of the caller's acknowledgements: memory stays bounded. */
const TUNNEL_WINDOW_BYTES = 4 * 1024 * 1024;
/** How long a tunnel may wait for its first message (the secret) before it is closed. */
const TUNNEL_AUTH_TIMEOUT_MS = 10_000;
/** A secret's name, as Supabase allows them. */
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

function reply(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", "cache-control": "no-store", ...headers } });
}

function expired(): boolean {
  const at = Date.parse(EXPIRES_AT);
  return !Number.isFinite(at) || Date.now() >= at;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Whether secret hashes to SECRET_SHA256, compared in constant time (both sides are 32 bytes). */
async function secretMatches(secret: unknown): Promise<boolean> {
  if (typeof secret !== "string" || !secret || secret.length > 256) return false;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)));
  const expected = hexToBytes(SECRET_SHA256);
  if (expected.length !== digest.length) return false;
  let diff = 0;
  for (let i = 0; i < digest.length; i++) diff |= digest[i]! ^ expected[i]!;
  return diff === 0;
}

/** The request's JSON body, refusing anything over MAX_BODY_BYTES. */
async function readBody(req: Request): Promise<Record<string, unknown> | undefined> {
  if (!req.body) return undefined;
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new RangeError("body too large");
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) (bytes.set(c, at), (at += c.length));
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes));
    return parsed && typeof parsed === "object" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** host, port of the database behind SUPABASE_DB_URL. */
function databaseAddress(): { hostname: string; port: number } | undefined {
  const raw = Deno.env.get("SUPABASE_DB_URL");
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    const port = Number(url.port || 5432);
    // 6543 is Supabase's transaction pooler, which cannot hold one snapshot across connections;
    // 5432 on the same host is the session pooler (or the database itself).
    return { hostname: url.hostname.replace(/^\[|\]$/g, ""), port: port === 6543 ? 5432 : port };
  } catch {
    return undefined;
  }
}

function connectAnswer(): Response {
  const databaseUrl = Deno.env.get("SUPABASE_DB_URL");
  if (!databaseUrl) return reply(500, { error: "no-database-url", message: "SUPABASE_DB_URL is not set in this function's environment" });
  return reply(200, {
    databaseUrl,
    supabaseUrl: Deno.env.get("SUPABASE_URL") ?? null,
    serviceRoleKey: Deno.env.get("SUPABASE_SERVICE_ROLE_KEY") ?? null,
    expiresAt: EXPIRES_AT,
  });
}

function secretsAnswer(names: unknown): Response {
  if (!Array.isArray(names) || names.length > 500 || !names.every((n) => typeof n === "string" && SECRET_NAME.test(n))) {
    return reply(400, { error: "bad-names", message: "names must be a list of secret names" });
  }
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names as string[]) {
    const value = Deno.env.get(name);
    if (value === undefined) missing.push(name);
    else values[name] = value;
  }
  return reply(200, { values, missing });
}

/**
 * The tunnel: after the first message proves the secret, bytes flow both ways between the
 * socket and a TCP connection to the database. Binary frames are data; text frames from the
 * caller acknowledge bytes received ({"ack": n}), and reading from the database pauses while
 * more than TUNNEL_WINDOW_BYTES are unacknowledged.
 * Long on purpose: the socket's and the database connection's handlers share one tunnel's
 * flow-control state (bytes sent, bytes acknowledged, paused).
 */
function tunnel(req: Request): Response {
  const { socket, response } = Deno.upgradeWebSocket(req);
  socket.binaryType = "arraybuffer";
  let conn: Deno.TcpConn | undefined;
  let authed = false;
  let unacked = 0;
  let wake: (() => void) | undefined;
  let writes: Promise<unknown> = Promise.resolve();
  const close = (code: number, reason: string) => {
    try {
      conn?.close();
    } catch {
      // already closed
    }
    conn = undefined;
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(code, reason);
    wake?.();
  };
  const authTimer = setTimeout(() => authed || close(4401, "unauthorized"), TUNNEL_AUTH_TIMEOUT_MS);
  const pump = async (c: Deno.TcpConn) => {
    const buffer = new Uint8Array(256 * 1024);
    try {
      for (;;) {
        while (unacked > TUNNEL_WINDOW_BYTES && socket.readyState === WebSocket.OPEN) await new Promise<void>((resolve) => (wake = resolve));
        if (socket.readyState !== WebSocket.OPEN) return;
        const n = await c.read(buffer);
        if (n === null) break;
        unacked += n;
        socket.send(buffer.slice(0, n));
      }
      close(1000, "database closed the connection");
    } catch {
      close(1011, "database connection failed");
    }
  };
  socket.onmessage = async (event) => {
    if (!authed) {
      clearTimeout(authTimer);
      let secret: unknown;
      try {
        secret = typeof event.data === "string" ? JSON.parse(event.data).secret : undefined;
      } catch {
        secret = undefined;
      }
      if (expired()) return close(4410, "expired");
      if (!(await secretMatches(secret))) return close(4401, "unauthorized");
      const address = databaseAddress();
      if (!address) return close(4500, "SUPABASE_DB_URL is not set");
      authed = true;
      try {
        conn = await Deno.connect(address);
      } catch {
        return close(4502, "cannot reach the database");
      }
      socket.send(JSON.stringify({ ok: true }));
      pump(conn);
      return;
    }
    if (typeof event.data === "string") {
      try {
        const ack = Number(JSON.parse(event.data).ack);
        if (Number.isFinite(ack) && ack > 0) unacked = Math.max(0, unacked - ack);
      } catch {
        // not an acknowledgement: ignored
      }
      const resume = wake;
      wake = undefined;
      resume?.();
      return;
    }
    const c = conn;
    if (!c) return;
    const bytes = new Uint8Array(event.data as ArrayBuffer);
    writes = writes.then(async () => {
      for (let at = 0; at < bytes.length; ) at += await c.write(bytes.subarray(at));
    }).catch(() => close(1011, "database connection failed"));
  };
  socket.onclose = () => close(1000, "closed");
  socket.onerror = () => close(1011, "socket error");
  return response;
}

export async function handler(req: Request): Promise<Response> {
  const upgrade = (req.headers.get("upgrade") ?? "").toLowerCase() === "websocket";
  if (req.method === "GET" && upgrade) return tunnel(req);
  if (req.method !== "POST") return reply(405, { error: "method-not-allowed", message: "this helper answers POST only" }, { allow: "POST" });
  let body: Record<string, unknown> | undefined;
  try {
    body = await readBody(req);
  } catch {
    return reply(413, { error: "too-large", message: `bodies are limited to ${MAX_BODY_BYTES} bytes` });
  }
  if (expired()) return reply(401, { error: "expired", message: `this helper expired at ${EXPIRES_AT}` });
  if (!body || !(await secretMatches(body.secret))) return reply(401, { error: "unauthorized", message: "wrong or missing secret" });
  if (body.action === "connect") return connectAnswer();
  if (body.action === "secrets") return secretsAnswer(body.names);
  return reply(400, { error: "bad-action", message: "action must be connect or secrets" });
}

Deno.serve(handler);
