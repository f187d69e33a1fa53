// Settings from the environment (every variable is listed, with a comment, in .env.example) and
// the app's own facts that ownit generated from the Base44 export (app.config.json).
import { existsSync } from "node:fs";
import appConfigJson from "./app.config.json";
import { readSocialProviders, type SocialProvider } from "./oauth-providers";

/** One entity as the export described it: its table, its declared fields and its access rules. */
export interface EntityConfig {
  table: string;
  /** The jsonb column that keeps fields the schema does not declare. */
  overflowColumn?: string;
  required: string[];
  /** Field-level rules from the schema (`properties.<field>.rls`): who sees a field, who writes it. */
  fieldRules?: Record<string, { read?: unknown; write?: unknown }>;
  /** Base44's `rls` block, verbatim: true/false or Mongo-style conditions per operation. */
  rls?: Record<string, unknown>;
}

export interface AppConfig {
  appId: string;
  appName: string;
  /** The visibility the app had on Base44 (base44/config.jsonc): `public` lets signed-out visitors in. */
  visibility?: string;
  userEntity: string;
  entities: Record<string, EntityConfig>;
}

export const appConfig = appConfigJson as AppConfig;

export interface Settings {
  port: number;
  host: string;
  databaseUrl: string;
  /** The public URL of the app (reset links, absolute file URLs); derived from each request when unset. */
  appUrl?: string;
  staticDir: string;
  allowSignup: boolean;
  /** Signed-out visitors may use the API (as far as the rules let them): Base44's public apps. Off by default. */
  publicApp: boolean;
  /** Trust X-Forwarded-Proto/Host from a proxy in front (only used when APP_URL is unset). */
  trustProxy: boolean;
  sessionDays: number;
  /** A session unused this long ends, however long it had left. */
  sessionIdleHours: number;
  limits: Limits;
  storage:
    | { driver: "local"; dir: string }
    | { driver: "s3"; endpoint: string; region: string; bucket: string; accessKeyId: string; secretAccessKey: string; publicUrl?: string };
  /** `allowedModels`: models a caller may ask for by name; any other request gets `model`. */
  llm?: { baseUrl: string; apiKey?: string; model: string; imageModel: string; allowedModels: string[] };
  smtp?: { url: string; from: string };
  /** Social sign-in providers (GOOGLE_CLIENT_ID and the like), by the name `loginWithProvider` uses. */
  socialProviders: Record<string, SocialProvider>;
}

/** Request sizes and rates, each from its own variable (see .env.example). */
export interface Limits {
  /** Largest JSON body of the entity and integration API, in bytes. */
  jsonBytes: number;
  /** Largest upload (multipart body), in bytes. */
  uploadBytes: number;
  /** Largest body of the sign-in, sign-up and reset routes, in bytes. */
  authBytes: number;
  /** Wrong passwords per account per 15 minutes before sign-in waits. */
  loginFailures: number;
  /** Reset mails per account per hour. */
  resetsPerHour: number;
  /** SendEmail calls per user per hour. */
  emailsPerHour: number;
  /** InvokeLLM and GenerateImage calls per user per hour. */
  llmCallsPerHour: number;
}

/** Local runs read .env (variables already set win); deployed servers get their settings from the host. */
export function loadDotEnv(file = ".env"): void {
  if (existsSync(file) && typeof process.loadEnvFile === "function") process.loadEnvFile(file);
}

function flag(value: string | undefined): boolean {
  return /^(1|true|yes|on)$/i.test(value ?? "");
}

/** A positive number from the environment, or the default; anything else stops the server naming it. */
function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${raw} is not a positive number`);
  return n;
}

function required(env: NodeJS.ProcessEnv, name: string, why: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: ${why} (see .env.example)`);
  return value;
}

/** Reads the settings; a missing required variable stops the server with a line naming it. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const driver = (env.STORAGE_DRIVER ?? "local").toLowerCase();
  let storage: Settings["storage"];
  if (driver === "s3") {
    const why = "STORAGE_DRIVER=s3 needs it";
    storage = {
      driver: "s3",
      endpoint: required(env, "S3_ENDPOINT", why),
      region: env.S3_REGION || "us-east-1",
      bucket: required(env, "S3_BUCKET", why),
      accessKeyId: required(env, "S3_ACCESS_KEY_ID", why),
      secretAccessKey: required(env, "S3_SECRET_ACCESS_KEY", why),
      publicUrl: env.S3_PUBLIC_URL || undefined,
    };
  } else if (driver === "local") {
    storage = { driver: "local", dir: env.UPLOAD_DIR || "uploads" };
  } else {
    throw new Error(`STORAGE_DRIVER=${driver} is not a storage this server knows: use local or s3`);
  }
  return {
    port: Number(env.PORT || 3000),
    host: env.HOST || "0.0.0.0",
    databaseUrl: required(env, "DATABASE_URL", "the server keeps every record in PostgreSQL"),
    appUrl: env.APP_URL ? env.APP_URL.replace(/\/$/, "") : undefined,
    staticDir: env.STATIC_DIR || "dist",
    allowSignup: flag(env.ALLOW_SIGNUP),
    // PUBLIC_APP decides when set; otherwise the app is as open as it was on Base44 (private unless it was public).
    publicApp: env.PUBLIC_APP ? flag(env.PUBLIC_APP) : appConfig.visibility === "public",
    trustProxy: flag(env.TRUST_PROXY),
    sessionDays: positive(env, "SESSION_DAYS", 30),
    sessionIdleHours: positive(env, "SESSION_IDLE_HOURS", 72),
    limits: {
      jsonBytes: positive(env, "MAX_JSON_KB", 1024) * 1024,
      uploadBytes: positive(env, "MAX_UPLOAD_MB", 20) * 1024 * 1024,
      authBytes: 16 * 1024,
      loginFailures: positive(env, "LOGIN_MAX_FAILURES", 5),
      resetsPerHour: positive(env, "RESET_MAX_PER_HOUR", 3),
      emailsPerHour: positive(env, "EMAIL_MAX_PER_HOUR", 20),
      llmCallsPerHour: positive(env, "LLM_MAX_PER_HOUR", 60),
    },
    storage,
    llm: env.LLM_API_KEY || env.LLM_BASE_URL
      ? {
          baseUrl: (env.LLM_BASE_URL || "https://api.openai.com/v1").replace(/\/$/, ""),
          apiKey: env.LLM_API_KEY || undefined,
          model: env.LLM_MODEL || "gpt-4o-mini",
          imageModel: env.LLM_IMAGE_MODEL || "gpt-image-1",
          allowedModels: (env.LLM_ALLOWED_MODELS ?? "").split(",").map((m) => m.trim()).filter(Boolean),
        }
      : undefined,
    smtp: env.SMTP_URL ? { url: env.SMTP_URL, from: env.MAIL_FROM || "no-reply@localhost" } : undefined,
    socialProviders: readSocialProviders(env),
  };
}

/**
 * Whether sign-up mails a link that confirms the address (SMTP and APP_URL set). Then an account
 * signs in with its password only once its address is confirmed, as Base44's own sign-up wants:
 * else signing up with an address and signing in with that password would tell a stranger
 * whether the address had an account already.
 */
export function confirmsAddresses(settings: Settings): boolean {
  return Boolean(settings.smtp && settings.appUrl);
}
