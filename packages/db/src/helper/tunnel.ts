// The local end of the export helper's tunnel: a loopback TCP port where each connection (pg,
// pg_dump) becomes a WebSocket to the helper, which opens its own TCP connection to the database.
// The first message proves the secret; after that binary frames carry bytes both ways, and this
// side acknowledges what it has written on, so the helper never runs far ahead (bounded memory).
import net from "node:net";
import WebSocket from "ws";

/** Acknowledge received bytes in steps of this size (the helper's window is 4 MB). */
const ACK_STEP_BYTES = 256 * 1024;

/** Why the helper closed a tunnel before it opened, by the close code it uses. */
const CLOSE_REASONS: Record<number, string> = {
  4401: "the helper refused the secret",
  4410: "the helper has expired",
  4500: "the helper has no SUPABASE_DB_URL",
  4502: "the helper cannot reach its database",
};

export interface HelperTunnel {
  /** Loopback port that leads to the helper's database. */
  port: number;
  /** The last reason a tunnel connection failed, for messages. */
  lastError(): string | undefined;
  close(): Promise<void>;
}

export function websocketUrl(helperUrl: string): string {
  const url = new URL(helperUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export async function openHelperTunnel(helperUrl: string, secret: string): Promise<HelperTunnel> {
  const target = websocketUrl(helperUrl);
  const sockets = new Set<WebSocket>();
  let lastError: string | undefined;
  const server = net.createServer((local) => {
    local.pause();
    const ws = new WebSocket(target, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    sockets.add(ws);
    let ready = false;
    let pendingAck = 0;
    ws.on("open", () => ws.send(JSON.stringify({ secret })));
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (!ready) {
        if (!isBinary && JSON.parse(data.toString("utf8")).ok === true) {
          ready = true;
          local.resume();
        }
        return;
      }
      if (!isBinary) return;
      const size = data.length;
      local.write(data, () => {
        pendingAck += size;
        if (pendingAck >= ACK_STEP_BYTES && ws.readyState === WebSocket.OPEN) {
          ws.send(JSON.stringify({ ack: pendingAck }));
          pendingAck = 0;
        }
      });
    });
    ws.on("close", (code) => {
      sockets.delete(ws);
      if (!ready || code >= 4000) lastError = CLOSE_REASONS[code] ?? `the helper closed the tunnel (code ${code})`;
      else if (code !== 1000) lastError = `the tunnel was cut (code ${code})`;
      local.destroy();
    });
    ws.on("error", (error) => {
      lastError = `the tunnel failed: ${error.message}`;
      local.destroy();
    });
    local.on("data", (chunk: Buffer) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(chunk);
    });
    local.on("close", () => ws.close());
    local.on("error", () => ws.terminate());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    lastError: () => lastError,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets) ws.terminate();
        server.close(() => resolve());
      }),
  };
}
