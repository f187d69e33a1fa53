// The owned modules lovable-email-to-smtp writes into the app: email over the owner's SMTP server
// and signed-webhook verification with the owner's secret. They are the app's code from then on,
// so they are written for the strictest tsconfig Lovable generates (bracket access to process.env,
// exact optional properties).

/** First line of each module: how a later run knows the file is the one ownit wrote. */
export const EMAIL_MODULE_MARK = "// Email through your own SMTP server.";
export const WEBHOOKS_MODULE_MARK = "// Signed webhooks, verified with a secret you own.";

export const EMAIL_MODULE = `${EMAIL_MODULE_MARK} It replaced @lovable.dev/email-js, which sent
// through Lovable's email API, and keeps the shape of its messages (to, from, subject, html, text,
// reply_to, cc, bcc); Lovable-only fields such as sender_domain, purpose or label are ignored.
// Set SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD and EMAIL_FROM in the server's environment
// (see .env.example): any SMTP provider works (Resend, Postmark, SES, Mailgun, your own).
import nodemailer, { type Transporter } from "nodemailer";

export interface EmailFromParts {
  name: string;
  address: string;
}

export type EmailFrom = string | EmailFromParts;

export interface EmailMessage {
  to: string;
  /** Defaults to EMAIL_FROM. */
  from?: EmailFrom;
  subject: string;
  html: string;
  text?: string;
  reply_to?: string;
  cc?: string[];
  bcc?: string[];
  [field: string]: unknown;
}

export interface EmailSendResult {
  success: true;
  message_id: string;
}

/** A message the SMTP server did not accept: \`code\` as nodemailer names it (EAUTH, EENVELOPE…), \`status\` the SMTP reply code. */
export class EmailSendError extends Error {
  readonly code: string | null;
  readonly status: number;

  constructor(message: string, code: string | null, status: number) {
    super(message);
    this.name = "EmailSendError";
    this.code = code;
    this.status = status;
  }

  /** Worth trying again later: the server was busy or unreachable (4xx replies, connection errors). */
  get retryable(): boolean {
    return (this.status >= 400 && this.status < 500) || this.code === "ECONNECTION" || this.code === "ETIMEDOUT";
  }
}

/** \`Name <address>\`, the name quoted when it holds characters a From header cannot take bare. */
export function formatEmailFrom(from: EmailFrom): string {
  if (typeof from === "string") return from;
  const name = from.name.trim();
  const address = from.address.trim();
  if (!name) return address;
  return /^[\\w !#$%&'*+\\-/^\`{|}~]*$/.test(name) ? \`\${name} <\${address}>\` : \`"\${name.replace(/["\\\\]/g, "\\\\$&")}" <\${address}>\`;
}

/** Each setting is read by its literal name, so tools that list the app's env variables see it. */
function required(name: string, value: string | undefined): string {
  if (!value) throw new Error(\`\${name} is not set: email needs SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD and EMAIL_FROM (see .env.example)\`);
  return value;
}

let transport: Transporter | undefined;

function smtp(): Transporter {
  if (transport) return transport;
  const port = Number(process.env["SMTP_PORT"] ?? "587");
  const user = process.env["SMTP_USER"];
  transport = nodemailer.createTransport({
    host: required("SMTP_HOST", process.env["SMTP_HOST"]),
    port,
    // Port 465 speaks TLS from the first byte; 587 and 25 upgrade with STARTTLS.
    secure: port === 465,
    ...(user ? { auth: { user, pass: process.env["SMTP_PASSWORD"] ?? "" } } : {}),
  });
  return transport;
}

/** Sends one message. A second argument (the Lovable API options of old call sites) is accepted and ignored. */
export async function sendEmail(message: EmailMessage, _lovableOptions?: unknown): Promise<EmailSendResult> {
  const from = message.from ?? required("EMAIL_FROM", process.env["EMAIL_FROM"]);
  try {
    const info = await smtp().sendMail({
      from: formatEmailFrom(from),
      to: message.to,
      subject: message.subject,
      html: message.html,
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(message.reply_to !== undefined ? { replyTo: message.reply_to } : {}),
      ...(message.cc?.length ? { cc: message.cc } : {}),
      ...(message.bcc?.length ? { bcc: message.bcc } : {}),
    });
    return { success: true, message_id: info.messageId };
  } catch (error) {
    const e = error as { message?: string; code?: string; responseCode?: number };
    throw new EmailSendError(\`Email not sent: \${e.message ?? String(error)}\`, e.code ?? null, e.responseCode ?? 0);
  }
}
`;

export const WEBHOOKS_MODULE = `${WEBHOOKS_MODULE_MARK} It replaced @lovable.dev/webhooks-js, which
// checked requests Lovable signed with the project's LOVABLE_API_KEY, and keeps its scheme for any
// sender you point here: a Unix timestamp in the \`x-webhook-timestamp\` header and
// \`sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">\` in \`x-webhook-signature\`, keyed with
// WEBHOOK_SECRET (see .env.example). Requests more than five minutes old are refused.

export type WebhookErrorCode = "missing_secret" | "missing_timestamp" | "invalid_timestamp" | "stale_timestamp" | "invalid_signature" | "body_too_large" | "invalid_json" | "invalid_payload";

export class WebhookError extends Error {
  readonly code: WebhookErrorCode;

  constructor(code: WebhookErrorCode, message: string) {
    super(message);
    this.name = "WebhookError";
    this.code = code;
  }
}

export interface VerifyWebhookOptions {
  signedPayload: string;
  signature: string | null;
  secret?: string | undefined;
  secrets?: string[] | undefined;
}

export interface VerifyWebhookRequestOptions<TPayload = unknown> {
  req: Request;
  secret?: string | undefined;
  secrets?: string[] | undefined;
  signatureHeader?: string;
  timestampHeader?: string;
  toleranceMs?: number;
  maxBodyBytes?: number;
  parser?: (body: string) => TPayload;
}

export interface VerifiedWebhook<TPayload = unknown> {
  body: string;
  payload: TPayload;
  timestamp: string;
}

const SIGNATURE_HEADER = "x-webhook-signature";
const TIMESTAMP_HEADER = "x-webhook-timestamp";
const TOLERANCE_MS = 5 * 60 * 1000;
const MAX_BODY_BYTES = 1024 * 1024;

async function sign(payload: string, secret: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(payload)));
  return \`sha256=\${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}\`;
}

/** Compares without leaking, through timing, how much of the signature was right. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export async function verifyWebhookSignature({ signedPayload, signature, secret, secrets }: VerifyWebhookOptions): Promise<boolean> {
  if (!signature) return false;
  const keys = [secret, ...(secrets ?? [])].filter((k): k is string => Boolean(k));
  if (!keys.length) throw new WebhookError("missing_secret", "No webhook secret configured (WEBHOOK_SECRET)");
  for (const key of keys) if (sameText(signature, await sign(signedPayload, key))) return true;
  return false;
}

function timestampMs(value: string): number {
  const n = Number(value);
  // Seconds unless the number is already milliseconds.
  if (Number.isFinite(n)) return Math.abs(n) < 1e12 ? n * 1000 : n;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new WebhookError("invalid_timestamp", "Invalid webhook timestamp");
  return parsed;
}

/** Checks the request's signature and age, then parses its body (JSON unless a parser is given). */
export async function verifyWebhookRequest<TPayload = unknown>(options: VerifyWebhookRequestOptions<TPayload>): Promise<VerifiedWebhook<TPayload>> {
  const { req, secret, secrets, parser } = options;
  const timestamp = req.headers.get(options.timestampHeader ?? TIMESTAMP_HEADER);
  if (!timestamp) throw new WebhookError("missing_timestamp", "Missing webhook timestamp");
  if (Math.abs(Date.now() - timestampMs(timestamp)) > (options.toleranceMs ?? TOLERANCE_MS)) throw new WebhookError("stale_timestamp", "Webhook timestamp outside the tolerance window");
  const body = await req.text();
  if (new TextEncoder().encode(body).length > (options.maxBodyBytes ?? MAX_BODY_BYTES)) throw new WebhookError("body_too_large", "Webhook body too large");
  const signature = req.headers.get(options.signatureHeader ?? SIGNATURE_HEADER);
  if (!(await verifyWebhookSignature({ signedPayload: \`\${timestamp}.\${body}\`, signature, secret, secrets }))) throw new WebhookError("invalid_signature", "Invalid webhook signature");
  try {
    return { body, payload: parser ? parser(body) : (JSON.parse(body) as TPayload), timestamp };
  } catch {
    throw new WebhookError(parser ? "invalid_payload" : "invalid_json", parser ? "Could not parse the webhook payload" : "Webhook body is not JSON");
  }
}
`;
