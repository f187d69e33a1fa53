// The code lovable-email-to-smtp writes into an app must work on its own: the email module talks
// SMTP to a local stand-in server (the protocol a real provider speaks), the webhook module accepts
// a request signed the documented way and refuses a tampered or stale one.
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMAIL_MODULE, WEBHOOKS_MODULE } from "./templates";

const REPO_NODE_MODULES = path.resolve(import.meta.dirname, "..", "..", "node_modules");

interface Received {
  from: string;
  to: string[];
  data: string;
}

/** A minimal SMTP server: enough of RFC 5321 for one client to deliver messages, which it keeps. */
function smtpStandIn(
  options: { rejectRecipient?: string } = {},
): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((socket: Socket) => {
    let buffer = "";
    let current: Received = { from: "", to: [], data: "" };
    let inData = false;
    socket.write("220 stand-in ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          received.push(current);
          current = { from: "", to: [], data: "" };
          socket.write("250 2.0.0 queued as stand-in-1\r\n");
          continue;
        }
        const eol = buffer.indexOf("\r\n");
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") socket.write("250-stand-in\r\n250 8BITMIME\r\n");
        else if (verb === "MAIL") {
          current.from = line;
          socket.write("250 2.1.0 ok\r\n");
        } else if (verb === "RCPT") {
          if (options.rejectRecipient && line.includes(options.rejectRecipient)) socket.write("550 5.1.1 no such mailbox\r\n");
          else {
            current.to.push(line);
            socket.write("250 2.1.5 ok\r\n");
          }
        } else if (verb === "DATA") {
          inData = true;
          socket.write("354 go ahead\r\n");
        } else if (verb === "QUIT") {
          socket.end("221 bye\r\n");
          return;
        } else socket.write("250 ok\r\n");
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as { port: number }).port, received })),
  );
}

const temp = mkdtempSync(path.join(os.tmpdir(), "ownit-owned-modules-"));
// The modules import nodemailer as the app would; the repository's copy stands in for the app's.
symlinkSync(REPO_NODE_MODULES, path.join(temp, "node_modules"), "dir");
writeFileSync(path.join(temp, "smtp-email.server.ts"), EMAIL_MODULE);
writeFileSync(path.join(temp, "signed-webhooks.server.ts"), WEBHOOKS_MODULE);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** What the test uses of each generated module (they are loaded from the temp folder at run time). */
interface EmailModule {
  sendEmail(message: Record<string, unknown>, lovableOptions?: unknown): Promise<{ success: boolean; message_id: string }>;
  formatEmailFrom(from: string | { name: string; address: string }): string;
  EmailSendError: new (...args: never[]) => Error;
}
interface WebhooksModule {
  verifyWebhookRequest<T = unknown>(options: { req: Request; secret: string | undefined }): Promise<{ payload: T }>;
}

describe("the owned email module (src/lib/smtp-email.server.ts)", () => {
  let smtp: Awaited<ReturnType<typeof smtpStandIn>>;
  let email: EmailModule;
  const env = { ...process.env };

  beforeAll(async () => {
    smtp = await smtpStandIn({ rejectRecipient: "nobody@" });
    Object.assign(process.env, {
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(smtp.port),
      EMAIL_FROM: "Harbor Yoga <hello@harboryoga.studio>",
    });
    email = (await import(path.join(temp, "smtp-email.server.ts"))) as EmailModule;
  });
  afterAll(() => {
    smtp.server.close();
    process.env = env;
  });

  it("delivers a message shaped like Lovable's to the SMTP server the env names", async () => {
    const result = await email.sendEmail(
      {
        to: "studio@example.com",
        from: { name: "Harbor Yoga: website", address: "noreply@harboryoga.studio" },
        reply_to: "guest@example.com",
        subject: "New message from Ana",
        html: "<p>See you Monday</p>",
        text: "See you Monday",
        purpose: "transactional",
        sender_domain: "notify.harboryoga.studio",
      },
      { apiKey: "left over from Lovable" },
    );
    expect(result.success).toBe(true);
    expect(result.message_id).toMatch(/@/);
    const message = smtp.received.at(-1)!;
    expect(message.from).toContain("<noreply@harboryoga.studio>");
    expect(message.to).toEqual(["RCPT TO:<studio@example.com>"]);
    expect(message.data).toContain('From: "Harbor Yoga: website" <noreply@harboryoga.studio>');
    expect(message.data).toContain("Reply-To: guest@example.com");
    expect(message.data).toContain("Subject: New message from Ana");
    expect(message.data).toContain("See you Monday");
  });

  it("sends from EMAIL_FROM when the message names no sender", async () => {
    await email.sendEmail({ to: "ana@example.com", subject: "Welcome", html: "<p>Welcome</p>" });
    expect(smtp.received.at(-1)!.data).toContain("From: Harbor Yoga <hello@harboryoga.studio>");
  });

  it("turns a refused recipient into an EmailSendError carrying the SMTP reply code", async () => {
    const error = await email.sendEmail({ to: "nobody@example.com", subject: "x", html: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(email.EmailSendError);
    expect((error as { status: number }).status).toBe(550);
  });

  it("quotes a sender name that a From header cannot take bare", () => {
    expect(email.formatEmailFrom({ name: 'Studio "North", Inc', address: "a@b.co" })).toBe('"Studio \\"North\\", Inc" <a@b.co>');
    expect(email.formatEmailFrom({ name: "Harbor Yoga", address: "a@b.co" })).toBe("Harbor Yoga <a@b.co>");
  });
});

describe("the owned webhook module (src/lib/signed-webhooks.server.ts)", () => {
  const secret = "whsec-test-5f2a9c";
  let webhooks: WebhooksModule;
  beforeAll(async () => {
    webhooks = (await import(path.join(temp, "signed-webhooks.server.ts"))) as WebhooksModule;
  });

  function signed(body: string, options: { at?: number; key?: string; tamper?: boolean } = {}): Request {
    const timestamp = String(Math.floor((options.at ?? Date.now()) / 1000));
    const signature = `sha256=${createHmac("sha256", options.key ?? secret)
      .update(`${timestamp}.${body}`)
      .digest("hex")}`;
    return new Request("http://localhost/api/public/email-events", {
      method: "POST",
      headers: { "x-webhook-timestamp": timestamp, "x-webhook-signature": signature },
      body: options.tamper ? body.replace("bounced", "delivered") : body,
    });
  }

  const body = JSON.stringify({
    type: "email.bounced",
    data: { event: "email.bounced", recipient: "ana@example.com", message_id: "m-1" },
  });

  it("accepts a request signed with the owner's secret and returns its payload", async () => {
    const { payload } = await webhooks.verifyWebhookRequest<{ type: string }>({ req: signed(body), secret });
    expect(payload.type).toBe("email.bounced");
  });

  it("refuses a tampered body, a wrong key and a stale timestamp, each with its code", async () => {
    const code = (p: Promise<unknown>) =>
      p.then(
        () => "accepted",
        (e: { code?: string }) => e.code,
      );
    expect(await code(webhooks.verifyWebhookRequest({ req: signed(body, { tamper: true }), secret }))).toBe("invalid_signature");
    expect(await code(webhooks.verifyWebhookRequest({ req: signed(body, { key: "someone-else" }), secret }))).toBe(
      "invalid_signature",
    );
    expect(await code(webhooks.verifyWebhookRequest({ req: signed(body, { at: Date.now() - 10 * 60 * 1000 }), secret }))).toBe(
      "stale_timestamp",
    );
    expect(await code(webhooks.verifyWebhookRequest({ req: signed(body), secret: undefined }))).toBe("missing_secret");
  });
});
