// Stands in for PostgREST (a Haskell binary that does not run here) in front of a REAL PostgreSQL:
// `GET /<table>?select=a,b` as PostgREST documents it. The caller's JWT is verified with the
// project's secret, the query runs as the role the JWT names (anon without one) with
// request.jwt.claims set, exactly as PostgREST does it, so the restored database's RLS decides the rows.
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { jwtVerify } from "jose";
import type { AddressInfo } from "node:net";
import pg from "pg";

export interface PostgrestStandIn {
  port: number;
  /** "<role> GET /<table>?…" per request. */
  requests: string[];
  close(): Promise<void>;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

export async function startPostgrestStandIn(databaseUrl: string, jwtSecret: string): Promise<PostgrestStandIn> {
  const requests: string[] = [];
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const app = new Hono();
  app.get("/:table", async (c) => {
    const table = c.req.param("table");
    let claims: Record<string, unknown> = { role: "anon" };
    const token = /^Bearer (\S+)$/.exec(c.req.header("authorization") ?? "")?.[1];
    if (token) {
      try {
        claims = (await jwtVerify(token, new TextEncoder().encode(jwtSecret))).payload as Record<string, unknown>;
      } catch {
        return c.json({ code: "PGRST301", message: "JWSError JWSInvalidSignature" }, 401);
      }
    }
    const role = String(claims.role ?? "anon");
    requests.push(`${role} GET ${new URL(c.req.url).pathname}${new URL(c.req.url).search}`);
    const columns = (c.req.query("select") ?? "*").split(",").map((s) => s.trim());
    if (!IDENT.test(table) || !IDENT.test(role) || !columns.every((col) => col === "*" || IDENT.test(col)))
      return c.json({ code: "PGRST100", message: "unsupported by the stand-in" }, 400);
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(`SET LOCAL ROLE ${role}`);
      await client.query("SELECT set_config('request.jwt.claims', $1, true)", [JSON.stringify(claims)]);
      const { rows } = await client.query(
        `SELECT coalesce(json_agg(t), '[]'::json) AS body FROM (SELECT ${columns.map((col) => (col === "*" ? col : `"${col}"`)).join(", ")} FROM public."${table}") t`,
      );
      await client.query("COMMIT");
      return c.json(rows[0].body);
    } catch (error) {
      await client.query("ROLLBACK");
      return c.json({ code: (error as { code?: string }).code ?? "PGRST000", message: (error as Error).message }, 403);
    } finally {
      client.release();
    }
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

/** An OpenAI-compatible chat API on loopback (Lovable's AI gateway speaks this protocol): records each call. */
export async function startChatCompletionsStandIn(answer: string): Promise<{
  url: string;
  calls: Array<{ authorization?: string; body: { model?: string; messages?: Array<{ content: string }> } }>;
  close(): Promise<void>;
}> {
  const calls: Array<{ authorization?: string; body: { model?: string; messages?: Array<{ content: string }> } }> = [];
  const app = new Hono();
  app.post("/v1/chat/completions", async (c) => {
    calls.push({ authorization: c.req.header("authorization"), body: await c.req.json() });
    return c.json({
      id: "chatcmpl-stand-in",
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: answer }, finish_reason: "stop" }],
    });
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
