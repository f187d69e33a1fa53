// Base44's Core integrations, provided by services the owner configures: InvokeLLM and
// GenerateImage through any OpenAI-compatible endpoint (LLM_*), SendEmail over SMTP (SMTP_URL),
// UploadFile to the configured storage. As on Base44, SendEmail reaches only the app's own users,
// from the app's own address (a caller names the sender, never the address); each user's emails
// and model calls are counted per hour, and the model is the owner's choice. An integration this server cannot provide answers 501
// naming it and what would provide it: never an empty stand-in result.
import nodemailer, { type Transporter } from "nodemailer";
import type pg from "pg";
import type { Settings } from "./config";
import { badRequest, HttpError, notProvided } from "./errors";
import type { FileStorage } from "./storage";
import type { UserRecord } from "./rules";
import { Throttle } from "./throttle";

const HOUR_MS = 3_600_000;

/** Content types served as themselves from a bucket; anything else (HTML, SVG, scripts) is stored as a download. */
const INLINE_TYPES = /^(image\/(png|jpeg|gif|webp|avif|bmp)|video\/[\w.+-]+|audio\/[\w.+-]+|application\/pdf|text\/plain|text\/csv)$/i;

/** A stored content type that cannot run as a page of whatever origin serves it. */
export function safeContentType(type: string | undefined): string {
  const t = (type ?? "").split(";")[0]!.trim().toLowerCase();
  return INLINE_TYPES.test(t) ? t : "application/octet-stream";
}

/** A sender's display name with nothing that could pass for an address or a header. */
export function senderName(name: unknown): string | undefined {
  if (typeof name !== "string") return undefined;
  const clean = name.replace(/[\u0000-\u001f\u007f<>"@\\,;:]/g, "").replace(/\s+/g, " ").trim().slice(0, 64);
  return clean || undefined;
}

/** Integrations Base44 offered that this server does not, with what to do instead. */
export const NOT_PROVIDED: Record<string, string> = {
  ExtractDataFromUploadedFile: "read the file in a backend function (server/functions/) and call InvokeLLM with its text",
  UploadPrivateFile: "upload with UploadFile to a private bucket (STORAGE_DRIVER=s3 without a public URL) and serve it through a backend function",
  CreateFileSignedUrl: "serve private files through a backend function that checks the user",
  SendSMS: "call your SMS provider's API from a backend function",
  TranscribeAudio: "call a speech-to-text API from a backend function",
};

/** The id integrations see for server code acting as the service role (no per-user limits, any recipient). */
export const SERVICE_USER_ID = "service";

export interface IntegrationContext {
  user: UserRecord;
  /** This request's origin, to make local file URLs absolute. */
  origin: string;
}

export type UploadedFile = { name: string; type: string; bytes: Uint8Array };

export class Integrations {
  private mailer?: Transporter;
  private warnedInternet = false;
  private readonly emailsByUser: Throttle;
  private readonly modelCallsByUser: Throttle;

  constructor(
    private readonly settings: Settings,
    private readonly storage: FileStorage,
    /** Where the per-user quotas are counted (shared by every replica). */
    pool: pg.Pool,
    /** The app's user with this email, if any (SendEmail writes only to them). */
    private readonly appUser: (email: string) => Promise<{ email: string } | undefined> = async () => undefined,
  ) {
    this.emailsByUser = new Throttle(pool, "send-email", { max: settings.limits?.emailsPerHour ?? 20, windowMs: HOUR_MS });
    this.modelCallsByUser = new Throttle(pool, "model-calls", { max: settings.limits?.llmCallsPerHour ?? 60, windowMs: HOUR_MS });
  }

  private async quota(throttle: Throttle, ctx: IntegrationContext, what: string): Promise<void> {
    if (ctx.user.id === SERVICE_USER_ID) return;
    if (!(await throttle.take(ctx.user.id))) throw new HttpError(429, "rate_limited", `${what}: this user reached the hourly limit; try again in ${Math.ceil((await throttle.retryAfter(ctx.user.id)) / 60)} minute(s)`);
  }

  /** Runs Core.<name>; files arrive already read from the multipart body. */
  async invoke(name: string, input: Record<string, unknown>, ctx: IntegrationContext): Promise<unknown> {
    switch (name) {
      case "InvokeLLM":
        this.llm("Core.InvokeLLM");
        await this.quota(this.modelCallsByUser, ctx, "InvokeLLM");
        return this.invokeLLM(input);
      case "GenerateImage":
        this.llm("Core.GenerateImage");
        await this.quota(this.modelCallsByUser, ctx, "GenerateImage");
        return this.generateImage(input, ctx);
      case "SendEmail":
        return this.sendEmail(input, ctx);
      case "UploadFile":
        return this.uploadFile(input, ctx);
      default:
        throw notProvided(`Core.${name}`, (Object.hasOwn(NOT_PROVIDED, name) ? NOT_PROVIDED[name] : undefined) ?? "this Base44 integration has no replacement here; call the service it wrapped from a backend function");
    }
  }

  private llm(what: string): NonNullable<Settings["llm"]> {
    if (!this.settings.llm) throw notProvided(what, "set LLM_API_KEY (and LLM_BASE_URL, LLM_MODEL for an OpenAI-compatible endpoint other than OpenAI)");
    return this.settings.llm;
  }

  private async postJson(url: string, apiKey: string | undefined, body: unknown, what: string): Promise<Record<string, unknown>> {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new HttpError(502, "upstream_error", `${what}: the model endpoint answered ${res.status}: ${text.slice(0, 300)}`);
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new HttpError(502, "upstream_error", `${what}: the model endpoint answered something that is not JSON`);
    }
  }

  /** Base44's InvokeLLM: a string, or (with response_json_schema) the parsed object. */
  async invokeLLM(input: Record<string, unknown>): Promise<unknown> {
    const llm = this.llm("Core.InvokeLLM");
    if (typeof input.prompt !== "string" || !input.prompt) throw badRequest("InvokeLLM needs a prompt");
    if (input.add_context_from_internet && !this.warnedInternet) {
      this.warnedInternet = true;
      console.warn("InvokeLLM: add_context_from_internet is not available here; answering from the model alone");
    }
    const images = Array.isArray(input.file_urls) ? input.file_urls.filter((u): u is string => typeof u === "string") : [];
    const content = images.length ? [{ type: "text", text: input.prompt }, ...images.map((url) => ({ type: "image_url", image_url: { url } }))] : input.prompt;
    const schema = input.response_json_schema;
    // The owner pays for the model: a caller gets the one they ask for only when the owner allowed it.
    const model = typeof input.model === "string" && llm.allowedModels.includes(input.model) ? input.model : llm.model;
    const body: Record<string, unknown> = { model, messages: [{ role: "user", content }] };
    if (schema && typeof schema === "object") body.response_format = { type: "json_schema", json_schema: { name: "response", schema } };
    const answer = await this.postJson(`${llm.baseUrl}/chat/completions`, llm.apiKey, body, "InvokeLLM");
    const message = (answer.choices as Array<{ message?: { content?: string } }> | undefined)?.[0]?.message?.content;
    if (typeof message !== "string") throw new HttpError(502, "upstream_error", "InvokeLLM: the model answered without a message");
    if (!schema) return message;
    try {
      return JSON.parse(message.replace(/^```(?:json)?\s*|\s*```$/g, ""));
    } catch {
      throw new HttpError(502, "upstream_error", "InvokeLLM: the model's answer is not the JSON the schema asked for");
    }
  }

  /** Base44's GenerateImage: `{ url }` of a stored image. */
  async generateImage(input: Record<string, unknown>, ctx: IntegrationContext): Promise<{ url: string }> {
    const llm = this.llm("Core.GenerateImage");
    if (typeof input.prompt !== "string" || !input.prompt) throw badRequest("GenerateImage needs a prompt");
    const answer = await this.postJson(`${llm.baseUrl}/images/generations`, llm.apiKey, { model: llm.imageModel, prompt: input.prompt, n: 1 }, "GenerateImage");
    const image = (answer.data as Array<{ b64_json?: string; url?: string }> | undefined)?.[0];
    if (image?.url) return { url: image.url };
    if (!image?.b64_json) throw new HttpError(502, "upstream_error", "GenerateImage: the endpoint answered without an image");
    const stored = await this.storage.put("generated.png", Buffer.from(image.b64_json, "base64"), "image/png");
    return { url: absolute(stored.url, ctx.origin, this.settings.appUrl) };
  }

  private transport(): Transporter {
    if (!this.settings.smtp) throw notProvided("Core.SendEmail", "set SMTP_URL (smtp://user:password@host:587) and MAIL_FROM");
    this.mailer ??= nodemailer.createTransport(this.settings.smtp.url);
    return this.mailer;
  }

  /** Sends one email; also used for password-reset links. */
  async mail(to: string, subject: string, html: string, fromName?: string): Promise<string | undefined> {
    const transport = this.transport();
    const from = fromName ? { name: fromName, address: this.settings.smtp!.from } : this.settings.smtp!.from;
    const info = await transport.sendMail({ from, to, subject, html, text: html.replace(/<[^>]+>/g, "") });
    return info.messageId;
  }

  /** Base44's SendEmail: to one of the app's users, from the app's address, under a display name the caller may choose. */
  async sendEmail(input: Record<string, unknown>, ctx: IntegrationContext): Promise<{ success: true; message_id?: string }> {
    if (typeof input.to !== "string" || !input.to.trim()) throw badRequest("SendEmail needs `to`");
    this.transport();
    const recipient = ctx.user.id === SERVICE_USER_ID ? { email: input.to.trim() } : await this.appUser(input.to.trim());
    if (!recipient || !/^[^@\s,;<>]+@[^@\s,;<>]+$/.test(recipient.email)) throw new HttpError(403, "recipient_not_user", "SendEmail sends only to users of this app (as Base44 did): invite the recipient first");
    await this.quota(this.emailsByUser, ctx, "SendEmail");
    const subject = typeof input.subject === "string" ? input.subject : "";
    const body = typeof input.body === "string" ? input.body : "";
    const messageId = await this.mail(recipient.email, subject, body, senderName(input.from_name));
    return { success: true, message_id: messageId };
  }

  async uploadFile(input: Record<string, unknown>, ctx: IntegrationContext): Promise<{ file_url: string }> {
    const file = input.file as UploadedFile | undefined;
    if (!file || !(file.bytes instanceof Uint8Array)) throw badRequest("UploadFile needs a `file` (multipart form data)");
    // Never the type the caller claims for something a browser would run: HTML from the bucket's origin is a page of it.
    const stored = await this.storage.put(file.name, file.bytes, safeContentType(file.type));
    return { file_url: absolute(stored.url, ctx.origin, this.settings.appUrl) };
  }
}

/** Local file paths become absolute URLs (APP_URL when set, else the request's own origin). */
export function absolute(url: string, origin: string, appUrl?: string): string {
  return url.startsWith("/") ? `${appUrl ?? origin}${url}` : url;
}
