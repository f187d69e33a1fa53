// Signed webhooks, verified with a secret you own. It replaced @lovable.dev/webhooks-js, which
// checked requests Lovable signed with the project's LOVABLE_API_KEY, and keeps its scheme for any
// sender you point here: a Unix timestamp in the `x-webhook-timestamp` header and
// `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` in `x-webhook-signature`, keyed with
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
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
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
  if (!(await verifyWebhookSignature({ signedPayload: `${timestamp}.${body}`, signature, secret, secrets }))) throw new WebhookError("invalid_signature", "Invalid webhook signature");
  try {
    return { body, payload: parser ? parser(body) : (JSON.parse(body) as TPayload), timestamp };
  } catch {
    throw new WebhookError(parser ? "invalid_payload" : "invalid_json", parser ? "Could not parse the webhook payload" : "Webhook body is not JSON");
  }
}
