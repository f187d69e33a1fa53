// Loopback stand-ins for the services the owned server talks to (test harness only): an SMTP
// server that keeps every message, and an OpenAI-compatible chat endpoint that records requests.
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

/** A loopback SMTP server that accepts every message (test harness only): what SendEmail really sends. */
export async function startSmtpStandin(): Promise<{ url: string; messages: string[]; stop(): Promise<void> }> {
  const messages: string[] = [];
  const server = createServer((socket) => {
    let data: string | undefined;
    let buffer = "";
    socket.write("220 localhost ESMTP stand-in\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (let i = buffer.indexOf("\r\n"); i >= 0; i = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (data !== undefined) {
          if (line === ".") {
            messages.push(data);
            data = undefined;
            socket.write("250 queued\r\n");
          } else data += `${line}\n`;
        } else if (/^(EHLO|HELO)/i.test(line)) socket.write("250-localhost\r\n250 8BITMIME\r\n");
        else if (/^DATA/i.test(line)) {
          data = "";
          socket.write("354 go ahead\r\n");
        } else if (/^QUIT/i.test(line)) socket.end("221 bye\r\n");
        else socket.write("250 OK\r\n");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, messages, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A loopback OpenAI-compatible chat endpoint (test harness only) that records what it was asked. */
export async function startLlmStandin(): Promise<{
  url: string;
  requests: Array<{ auth?: string; body: any }>;
  stop(): Promise<void>;
}> {
  const requests: Array<{ auth?: string; body: any }> = [];
  const app = new Hono();
  app.post("/v1/chat/completions", async (c) => {
    const body = await c.req.json();
    requests.push({ auth: c.req.header("authorization"), body });
    const structured = body.response_format?.type === "json_schema";
    return c.json({
      choices: [
        {
          message: {
            role: "assistant",
            content: structured ? JSON.stringify({ tasks: ["Buy primer", "Sand"] }) : "Three ideas.",
          },
        },
      ],
    });
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, requests, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
