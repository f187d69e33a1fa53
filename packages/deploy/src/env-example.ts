// .env.example: every variable the code and the emitted files read, with where each is used.
// Values are never written here, except harmless defaults the deploy files already assume.
import { isSecretName } from "@ownit/core";
import { ADDED_BY_DEPLOY, COMPOSE_PUBLIC_URL, DATABASE_URL_ENV, GATEWAY_PORT, POSTGRES_DEFAULT_DB } from "./defaults";
import { composeAppLogin, composeRunsSupabase } from "./compose";
import { APP_SERVER_LOGINS, DB_SETUP_SERVICE, FUNCTION_PLATFORM_ENV, SERVICE_LOGINS } from "./defaults";
import { serviceLogins } from "./supabase-services";
import type { EnvRead } from "./env-reads";
import type { DeployProject } from "./project";

interface EnvEntry {
  name: string;
  comment: string;
  value?: string;
}

interface EnvSection {
  title: string;
  entries: EnvEntry[];
}

const usedIn = (v: EnvRead) =>
  v.files.length === 1 && v.files[0] === ".env.example"
    ? "listed by the server's own .env.example"
    : `read by ${v.files.join(", ")}`;

function envSections(p: DeployProject): EnvSection[] {
  const sections: EnvSection[] = [];
  const supabase = composeRunsSupabase(p);
  if (p.buildEnv.length) {
    sections.push({
      title: `Build time: baked into the browser bundle (public values only; the Docker build stops when one is empty)`,
      entries: p.buildEnv.map((v) => ({
        name: v.name,
        comment: `${isSecretName(v.name) ? "A SECRET THE BUILD SHIPS TO EVERY BROWSER: rotate it and move the code that needs it to a server; " : ""}${usedIn(v)}${supabase && v.name === p.supabase.urlVar ? `; docker-compose sets it to PUBLIC_URL` : ""}${supabase && v.name === p.supabase.keyVar ? "; docker-compose sets it to SUPABASE_ANON_KEY" : ""}`,
      })),
    });
  }
  if (p.runtimeEnv.length || p.runtime === "node") {
    const entries: EnvEntry[] = p.runtimeEnv.map((v) => ({
      name: v.name,
      comment: `${usedIn(v)}${v.name === DATABASE_URL_ENV ? "; docker-compose points it at its db service" : ""}`,
      ...(v.name === "PORT" ? { value: String(p.port) } : {}),
    }));
    if (p.runtime === "node" && !entries.some((e) => e.name === "PORT"))
      entries.push({ name: "PORT", comment: "the port the server listens on (the Dockerfile sets it)", value: String(p.port) });
    sections.push({ title: "Run time: read by the server", entries });
  }
  if (p.buildConfigEnv.length)
    sections.push({
      title: "Build configuration (optional)",
      entries: p.buildConfigEnv.map((v) => ({ name: v.name, comment: usedIn(v) })),
    });
  if (p.database) sections.push({ title: "docker-compose.yml", entries: composeEntries(p, supabase) });
  if (p.edgeFunctions.length || p.edgeFunctionEnv.length) sections.push(edgeFunctionsSection(p, supabase));
  // A name appears once, in the first section that needs it.
  const seen = new Set<string>();
  for (const section of sections) {
    section.entries = section.entries.filter((e) => !seen.has(e.name) && seen.add(e.name));
  }
  return sections.filter((s) => s.entries.length);
}

/** What docker-compose.yml reads: the database, and for the Supabase stack its secrets, mail, OAuth, Realtime and Storage. */
function composeEntries(p: DeployProject, supabase: boolean): EnvEntry[] {
  const entries: EnvEntry[] = [
    {
      name: "POSTGRES_PASSWORD",
      comment: "docker-compose.yml: the db service's password (letters and digits: it goes into connection URLs)",
    },
    { name: "POSTGRES_DB", comment: "docker-compose.yml: the database name", value: POSTGRES_DEFAULT_DB },
  ];
  if (p.base44Server)
    entries.push(
      {
        name: APP_SERVER_LOGINS.runtime.passwordVar,
        comment: `docker-compose.yml: the password of ${APP_SERVER_LOGINS.runtime.role}, the role the app's server logs in as (it may only read and write rows; letters and digits)`,
      },
      {
        name: APP_SERVER_LOGINS.owner.passwordVar,
        comment: `docker-compose.yml: the password of ${APP_SERVER_LOGINS.owner.role}, the tables' owner, which only the ${DB_SETUP_SERVICE} service logs in as (letters and digits)`,
      },
    );
  if (composeAppLogin(p))
    entries.push({
      name: APP_SERVER_LOGINS.runtime.passwordVar,
      comment: `docker-compose.yml: the password of ${APP_SERVER_LOGINS.runtime.role}, the role the app's server logs in as (it reads and writes rows, not the schema; letters and digits)`,
    });
  if (supabase) entries.push(...supabaseStackEntries(p));
  return entries;
}

/** The Supabase services' variables (GoTrue, PostgREST, the gateway, and Realtime/Storage when the code uses them). */
function supabaseStackEntries(p: DeployProject): EnvEntry[] {
  const entries: EnvEntry[] = [];
  for (const login of serviceLogins(p))
    entries.push({
      name: SERVICE_LOGINS[login].passwordVar,
      comment: `docker-compose.yml: the ${SERVICE_LOGINS[login].role} role's password (${login} logs in with it; letters and digits)`,
    });
  entries.push(
    {
      name: "JWT_SECRET",
      comment:
        "docker-compose.yml: PostgREST and GoTrue verify and sign tokens with it (node docker/supabase-keys.mjs prints all four secrets)",
    },
    {
      name: "SUPABASE_ANON_KEY",
      comment: `docker-compose.yml: a JWT with role anon signed with JWT_SECRET; becomes ${p.supabase.keyVar} in the app's build`,
    },
    {
      name: "SUPABASE_SERVICE_ROLE_KEY",
      comment: "a JWT with role service_role signed with JWT_SECRET: bypasses row level security, server-side only",
    },
    {
      name: "PUBLIC_URL",
      comment: `docker-compose.yml: where the browser reaches the gateway (app + /rest/v1 + /auth/v1); becomes ${p.supabase.urlVar} in the app's build`,
      value: COMPOSE_PUBLIC_URL,
    },
    { name: "GATEWAY_PORT", comment: "docker-compose.yml: the host port of the gateway", value: String(GATEWAY_PORT) },
    {
      name: "SMTP_HOST",
      comment:
        "docker-compose.yml: GoTrue's mail server for sign-up confirmations and password resets (also SMTP_PORT, SMTP_USER, SMTP_PASS, SMTP_ADMIN_EMAIL)",
    },
    {
      name: "ENABLE_EMAIL_AUTOCONFIRM",
      comment: "docker-compose.yml: true skips email confirmation (only without SMTP, for trying things out)",
      value: "false",
    },
  );
  for (const provider of p.uses.oauthProviders) {
    const P = provider.toUpperCase();
    entries.push(
      {
        name: `${P}_ENABLED`,
        comment: `docker-compose.yml: true turns on sign-in with ${provider} (the code calls signInWithOAuth with it); register the redirect URL PUBLIC_URL/auth/v1/callback with ${provider}`,
        value: "false",
      },
      { name: `${P}_CLIENT_ID`, comment: `docker-compose.yml: the OAuth client id ${provider} gave you` },
      { name: `${P}_SECRET`, comment: `docker-compose.yml: the OAuth client secret ${provider} gave you` },
    );
  }
  if (p.uses.realtime) {
    entries.push(
      {
        name: "REALTIME_DB_ENC_KEY",
        comment: "docker-compose.yml: Realtime encrypts its tenant settings with it (16 characters)",
      },
      {
        name: "REALTIME_SECRET_KEY_BASE",
        comment: "docker-compose.yml: Realtime signs its sessions with it (64 characters or more)",
      },
    );
  }
  if (p.uses.storage) {
    entries.push(
      {
        name: "STORAGE_BACKEND",
        comment: "docker-compose.yml: file keeps objects on the storage-data volume; s3 puts them in STORAGE_S3_BUCKET",
        value: "file",
      },
      {
        name: "STORAGE_S3_BUCKET",
        comment:
          "docker-compose.yml (STORAGE_BACKEND=s3): the bucket (also STORAGE_S3_ENDPOINT, STORAGE_S3_REGION, STORAGE_S3_ACCESS_KEY_ID, STORAGE_S3_SECRET_ACCESS_KEY)",
      },
    );
  }
  return entries;
}

/** The edge functions' variables: the platform's names (set by compose when it runs them) and their secrets. */
function edgeFunctionsSection(p: DeployProject, supabase: boolean): EnvSection {
  const runs = supabase && p.database;
  const reads = new Map(p.edgeFunctionEnv.map((v) => [v.name, v]));
  const platform = FUNCTION_PLATFORM_ENV.map((name) => ({
    name,
    comment: `set for every function by ${runs ? "docker-compose.yml, pointing at the owned stack" : "the platform"}${reads.has(name) ? `; ${usedIn(reads.get(name)!)}` : ""}`,
  }));
  return {
    title: runs
      ? "Supabase edge functions (docker-compose.yml runs supabase/functions; the platform names are set there)"
      : "Supabase edge functions (supabase/functions: not run by these deploy files; set them where you host the functions)",
    entries: [
      ...platform,
      ...p.functionSecrets.map((name) => ({
        name,
        comment: reads.has(name) ? usedIn(reads.get(name)!) : "read by supabase/functions",
      })),
    ],
  };
}

export function envExample(p: DeployProject): string {
  const lines = [
    "# Generated by ownit deploy: every variable the app and its deploy files read.",
    "# Copy to .env and fill in; never commit .env.",
    "",
  ];
  const sections = envSections(p);
  if (!sections.length) lines.push("# The app reads no environment variables.");
  for (const section of sections) {
    lines.push(`# --- ${section.title}`);
    for (const e of section.entries) lines.push(`# ${e.name}: ${e.comment}`, `${e.name}=${e.value ?? ""}`);
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** Lines to append to an .env.example another step wrote in the same plan: only names it lacks. */
export function envExampleAdditions(p: DeployProject, existingNames: string[]): string {
  const have = new Set(existingNames);
  const lines: string[] = [];
  for (const section of envSections(p)) {
    const missing = section.entries.filter((e) => !have.has(e.name));
    if (!missing.length) continue;
    lines.push(`# --- ${section.title}${ADDED_BY_DEPLOY}`);
    for (const e of missing) lines.push(`# ${e.name}: ${e.comment}`, `${e.name}=${e.value ?? ""}`);
    lines.push("");
  }
  return lines.join("\n").trimEnd();
}
