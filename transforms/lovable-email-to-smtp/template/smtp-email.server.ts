// Email through your own SMTP server. It replaced @lovable.dev/email-js, which sent
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

/** A message the SMTP server did not accept: `code` as nodemailer names it (EAUTH, EENVELOPE…), `status` the SMTP reply code. */
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

/** `Name <address>`, the name quoted when it holds characters a From header cannot take bare. */
export function formatEmailFrom(from: EmailFrom): string {
  if (typeof from === "string") return from;
  const name = from.name.trim();
  const address = from.address.trim();
  if (!name) return address;
  return /^[\w !#$%&'*+\-/^`{|}~]*$/.test(name) ? `${name} <${address}>` : `"${name.replace(/["\\]/g, "\\$&")}" <${address}>`;
}

/** Each setting is read by its literal name, so tools that list the app's env variables see it. */
function required(name: string, value: string | undefined): string {
  if (!value) throw new Error(`${name} is not set: email needs SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD and EMAIL_FROM (see .env.example)`);
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
    throw new EmailSendError(`Email not sent: ${e.message ?? String(error)}`, e.code ?? null, e.responseCode ?? 0);
  }
}
