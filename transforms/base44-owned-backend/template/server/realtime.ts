// Live updates for `entities.X.subscribe`: a WebSocket endpoint (the `ws` library) at
// /api/apps/<appId>/realtime. Statement-level triggers on every entity table copy each changed row
// into ownit_realtime.events and announce the batch with NOTIFY; every server process LISTENs. So a
// write made by any process (or by plain SQL, a script, a restore) reaches the subscribers of every
// process: delivering from one process's own write path would miss the writes of the others.
// Each event is read back through the entity's read rule and field rules as each subscriber's
// current user, so nobody receives a record, or a field, that `get` would not show them.
//
// Wire protocol (JSON text frames). Client → server: `{"type":"auth","token"?}` first (the token of
// `auth.setToken`/`loginViaEmailPassword`; without one the session cookie is used, so no token is
// ever in a URL), then `{"type":"subscribe"|"unsubscribe","entity":"Task"}`. Server → client:
// `{"type":"ready"}`, `{"type":"subscribed","entity"}`, and `{"type":"event","entity","event":
// {"type":"create"|"update"|"delete","id","data","timestamp"}}`: `event` is the SDK's RealtimeEvent.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { parse as parseCookies } from "hono/utils/cookie";
import pg from "pg";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { SESSION_COOKIE } from "./auth";
import { appConfig, type Settings } from "./config";
import { quoteIdent } from "./db";
import type { Actor, UserRecord } from "./rules";
import type { Services } from "./service-client";

export const REALTIME_PATH = `/api/apps/${appConfig.appId}/realtime`;
const CHANNEL = "ownit_realtime";
/** The largest message a client may send (its messages are a few dozen bytes); bigger closes the socket (1009). */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;
/** A record bigger than this goes out as `{ id, _oversize: true }`, Base44's own signal to fetch it with get(). */
export const MAX_EVENT_BYTES = 256 * 1024;
/** A client that leaves this much unread is cut off rather than buffered in memory. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const MAX_CONNECTIONS = 10_000;
const HELLO_TIMEOUT_MS = 10_000;
/** How often sessions are checked again (they are also checked before every event) and dead sockets dropped. */
const HEARTBEAT_MS = 30_000;
/** Captured rows read per query when delivering one batch. */
const EVENT_WINDOW = 500;
/** Captured rows are kept this long, then pruned: listeners read a batch right after its NOTIFY. */
const EVENT_RETENTION = "15 minutes";
/** Close codes: the session ended (sign in again), or the client broke the protocol. */
export const CLOSE = { authLost: 4401, badMessage: 4400 } as const;

const OPERATIONS = [
  { type: "create", event: "INSERT", transition: "NEW", rows: "new_rows" },
  { type: "update", event: "UPDATE", transition: "NEW", rows: "new_rows" },
  { type: "delete", event: "DELETE", transition: "OLD", rows: "old_rows" },
] as const;

/**
 * The capture tables, functions and triggers, idempotent (run by db:setup, see setup.ts), under an
 * advisory lock so processes starting together do not race. The functions run as their owner
 * (SECURITY DEFINER), so the server's database role only reads and prunes ownit_realtime.events.
 */
export function realtimeSchemaSql(tables: string[]): string {
  const functions = OPERATIONS.map(
    (op) => `CREATE OR REPLACE FUNCTION ownit_realtime.capture_${op.type}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE b uuid := gen_random_uuid(); n bigint;
BEGIN
  INSERT INTO ownit_realtime.events (batch, row) SELECT b, to_jsonb(r) FROM ${op.rows} r;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n > 0 THEN PERFORM pg_notify('${CHANNEL}', json_build_object('batch', b, 'table', TG_TABLE_NAME, 'type', '${op.type}')::text); END IF;
  RETURN NULL;
END $fn$;`,
  );
  const triggers = tables.flatMap((table) =>
    OPERATIONS.map(
      (op) => `DROP TRIGGER IF EXISTS ownit_realtime_${op.type} ON ${quoteIdent(table)};
CREATE TRIGGER ownit_realtime_${op.type} AFTER ${op.event} ON ${quoteIdent(table)} REFERENCING ${op.transition} TABLE AS ${op.rows} FOR EACH STATEMENT EXECUTE FUNCTION ownit_realtime.capture_${op.type}();`,
    ),
  );
  return `SELECT pg_advisory_xact_lock(hashtext('${CHANNEL}'));
CREATE SCHEMA IF NOT EXISTS ownit_realtime;
CREATE TABLE IF NOT EXISTS ownit_realtime.events (
  seq bigserial PRIMARY KEY,
  batch uuid NOT NULL,
  row jsonb NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS events_batch ON ownit_realtime.events (batch);
CREATE INDEX IF NOT EXISTS events_at ON ownit_realtime.events (at);
${functions.join("\n")}
${triggers.join("\n")}`;
}

interface Change {
  batch: string;
  table: string;
  type: "create" | "update" | "delete";
}

interface Subscriber {
  socket: WebSocket;
  /** The session token the socket signed in with (the hello's, or the cookie's). */
  token?: string;
  user?: UserRecord;
  ready: boolean;
  alive: boolean;
  entities: Set<string>;
  /** Messages are handled one after another, so a subscribe never overtakes the hello. */
  queue: Promise<void>;
}

/** One LISTEN connection per process, reconnecting after a lost connection. */
class ChangeFeed {
  private client?: pg.Client;
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly onChange: (change: Change) => void,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    const retry = () => {
      if (this.client !== client || this.closed) return;
      this.client = undefined;
      setTimeout(() => void this.start().catch((error: unknown) => console.error(`realtime: cannot listen for changes (${message(error)}); retrying`)), 1000).unref();
    };
    this.client = client;
    client.on("error", (error) => {
      console.error(`realtime: the change feed connection failed (${error.message}); reconnecting`);
      retry();
    });
    client.on("end", retry);
    client.on("notification", (n) => {
      try {
        this.onChange(JSON.parse(n.payload ?? "") as Change);
      } catch {
        // not one of ours
      }
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * A browser page of another site must not open a socket with the user's cookie. Pages on this
 * machine may reach a server on this machine: `npm run dev` proxies the socket from Vite's port.
 */
function sameOrigin(req: IncomingMessage, settings: Settings): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    const from = new URL(origin);
    if (settings.appUrl) return from.origin === new URL(settings.appUrl).origin;
    const host = String(req.headers["x-forwarded-host"] ?? req.headers.host ?? "").split(",")[0]!.trim();
    if (from.host === host) return true;
    return LOOPBACK.has(from.hostname) && LOOPBACK.has(new URL(`http://${host}`).hostname);
  } catch {
    return false;
  }
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export interface Realtime {
  /** Resolves once this process listens for changes (events from then on are delivered). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves `entities.X.subscribe` on the HTTP server's upgrade requests.
 * Long on purpose: one closure holds the subscriber set, the change feed and the socket handlers
 * that share them, so nothing of one server's connections is reachable from another.
 */
export function attachRealtime(server: Server, services: Services, settings: Settings, pool: pg.Pool): Realtime {
  const { store, auth } = services;
  const entityByTable = new Map(Object.entries(appConfig.entities).map(([name, e]) => [e.table, name]));
  const subscribers = new Set<Subscriber>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false });

  const send = (s: Subscriber, payload: unknown) => {
    if (s.socket.readyState !== WebSocket.OPEN) return;
    if (s.socket.bufferedAmount > MAX_BUFFERED_BYTES) return s.socket.terminate();
    s.socket.send(JSON.stringify(payload));
  };

  /** Re-reads the socket's session: its user as they are now, or the socket closed if the session ended. */
  const refresh = async (s: Subscriber, sessions = new Map<string, Promise<UserRecord | undefined>>()): Promise<boolean> => {
    if (!s.token) return true;
    if (!sessions.has(s.token)) sessions.set(s.token, auth.userForToken(s.token));
    const user = await sessions.get(s.token)!;
    if (!user) {
      s.socket.close(CLOSE.authLost, "the session ended: sign in again");
      return false;
    }
    s.user = user;
    return true;
  };

  const deliver = async (change: Change) => {
    const entity = entityByTable.get(change.table);
    if (!entity) return;
    const targets = [...subscribers].filter((s) => s.ready && s.entities.has(entity));
    if (!targets.length) return;
    const sessions = new Map<string, Promise<UserRecord | undefined>>();
    const live = (await Promise.all(targets.map(async (s) => ((await refresh(s, sessions)) ? s : undefined)))).filter((s): s is Subscriber => s !== undefined);
    // One read per distinct user: everyone signed in as the same user sees the same rows.
    const byUser = new Map<string, Subscriber[]>();
    for (const s of live) byUser.set(s.user?.id ?? "", [...(byUser.get(s.user?.id ?? "") ?? []), s]);
    const table = quoteIdent(appConfig.entities[entity]!.table);
    // A statement that changed many rows (a script's UPDATE of a whole table) is read in windows of
    // captured rows, so memory stays bounded however big the batch is.
    const span = await pool.query<{ lo: string | null; hi: string | null }>(`SELECT min(seq)::text AS lo, max(seq)::text AS hi FROM ownit_realtime.events WHERE batch = $1`, [change.batch]);
    if (span.rows[0]?.lo == null) return;
    const [lo, hi] = [BigInt(span.rows[0].lo), BigInt(span.rows[0].hi!)];
    for (let from = lo; from <= hi; from += BigInt(EVENT_WINDOW)) {
      for (const group of byUser.values()) {
        const user = group[0]!.user;
        const actor: Actor = user ? { kind: "user", user } : { kind: "anonymous" };
        const rows = await store.readableRows(entity, actor, (params) =>
          `SELECT r.*, e.seq AS "__seq", (extract(epoch FROM e.at) * 1000)::float8 AS "__at"
             FROM ownit_realtime.events e CROSS JOIN LATERAL jsonb_populate_record(NULL::${table}, e.row) AS r
            WHERE e.batch = ${params.add(change.batch)} AND e.seq >= ${params.add(from.toString())}::bigint AND e.seq < ${params.add((from + BigInt(EVENT_WINDOW)).toString())}::bigint`,
        );
        rows.sort((a, b) => Number(a.row.__seq) - Number(b.row.__seq));
        for (const { row, record } of rows) {
          const data = Buffer.byteLength(JSON.stringify(record)) > MAX_EVENT_BYTES ? { id: record.id, _oversize: true } : record;
          const event = { type: change.type, id: record.id, data, timestamp: new Date(Number(row.__at)).toISOString() };
          for (const s of group) send(s, { type: "event", entity, event });
        }
      }
    }
  };

  let deliveries = Promise.resolve();
  const feed = new ChangeFeed(settings.databaseUrl, (change) => {
    // In commit order, one batch at a time.
    deliveries = deliveries.then(() => deliver(change)).catch((error: unknown) => console.error(`realtime: could not deliver a ${change.table} change (${message(error)})`));
  });

  const handle = async (s: Subscriber, raw: RawData, isBinary: boolean, cookieToken: string | undefined) => {
    let msg: { type?: unknown; token?: unknown; entity?: unknown };
    try {
      if (isBinary) throw new Error("binary");
      msg = JSON.parse(raw.toString()) as typeof msg;
      if (!msg || typeof msg !== "object") throw new Error("not an object");
    } catch {
      return s.socket.close(CLOSE.badMessage, "messages are JSON objects");
    }
    if (!s.ready) {
      if (msg.type !== "auth") return s.socket.close(CLOSE.badMessage, "the first message is {\"type\":\"auth\"}");
      const given = typeof msg.token === "string" && msg.token ? msg.token : undefined;
      s.token = given ?? cookieToken;
      if (s.token) {
        const user = await auth.userForToken(s.token);
        // A token the client named must be valid; a stale cookie just means "signed out", as on HTTP.
        if (!user && given) return s.socket.close(CLOSE.authLost, "the session is not valid: sign in again");
        if (!user) s.token = undefined;
        s.user = user;
      }
      s.ready = true;
      return send(s, { type: "ready" });
    }
    if (msg.type !== "subscribe" && msg.type !== "unsubscribe") return s.socket.close(CLOSE.badMessage, "unknown message type");
    if (typeof msg.entity !== "string" || !Object.hasOwn(appConfig.entities, msg.entity)) return send(s, { type: "error", message: `no entity ${String(msg.entity).slice(0, 60)}` });
    if (msg.type === "subscribe") {
      s.entities.add(msg.entity);
      send(s, { type: "subscribed", entity: msg.entity });
    } else {
      s.entities.delete(msg.entity);
    }
  };

  wss.on("connection", (socket: WebSocket, req: IncomingMessage) => {
    const cookieToken = parseCookies(req.headers.cookie ?? "", SESSION_COOKIE)[SESSION_COOKIE] || undefined;
    const s: Subscriber = { socket, ready: false, alive: true, entities: new Set(), queue: Promise.resolve() };
    subscribers.add(s);
    const hello = setTimeout(() => s.ready || socket.close(CLOSE.badMessage, "no auth message"), HELLO_TIMEOUT_MS);
    socket.on("pong", () => (s.alive = true));
    socket.on("message", (raw, isBinary) => {
      s.queue = s.queue.then(() => handle(s, raw, isBinary, cookieToken)).catch((error: unknown) => {
        console.error(`realtime: ${message(error)}`);
        socket.close(1011, "server error");
      });
    });
    socket.on("close", () => {
      clearTimeout(hello);
      subscribers.delete(s);
    });
    socket.on("error", () => socket.terminate());
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== REALTIME_PATH) return refuse(socket, "404 Not Found");
    if (!sameOrigin(req, settings)) return refuse(socket, "403 Forbidden");
    if (subscribers.size >= MAX_CONNECTIONS) return refuse(socket, "503 Service Unavailable");
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  };
  server.on("upgrade", onUpgrade);

  const heartbeat = setInterval(() => {
    for (const s of subscribers) {
      if (!s.alive) {
        s.socket.terminate();
        continue;
      }
      s.alive = false;
      s.socket.ping();
      if (s.ready) void refresh(s).catch(() => undefined);
    }
    void pool.query(`DELETE FROM ownit_realtime.events WHERE at < now() - interval '${EVENT_RETENTION}'`).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();

  // The capture triggers are in place: createServices checked them (setup.ts) before the server started.
  const ready = feed.start();
  ready.catch((error: unknown) => console.error(`realtime: cannot listen for changes (${message(error)})`));

  return {
    ready,
    async close() {
      clearInterval(heartbeat);
      server.off("upgrade", onUpgrade);
      for (const s of subscribers) s.socket.close(1001, "the server is stopping");
      wss.close();
      await feed.close();
    },
  };
}
