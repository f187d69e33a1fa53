// docker-compose.yml: the app, PostgreSQL with a named volume that loads the `ownit dump` export on
// first start, and for supabase-js apps PostgREST and GoTrue behind one gateway that maps
// supabase-js's paths. Every secret comes from .env; compose refuses to start when one is missing.
import YAML from "yaml";
import {
  COMPOSE_PUBLIC_URL,
  EXPORT_DIR_CONTAINER,
  EXPORT_DIR_HOST,
  GATEWAY_PORT,
  GOTRUE_IMAGE,
  GOTRUE_LOGIN_ROLE,
  GOTRUE_PORT,
  JWT_EXPIRY_SECONDS,
  NGINX_IMAGE,
  POSTGREST_IMAGE,
  POSTGREST_LOGIN_ROLE,
  POSTGRES_DEFAULT_DB,
  POSTGRES_IMAGE,
  POSTGRES_SUPERUSER,
  postgresDataMount,
  postgresMajor,
} from "./defaults";
import { GATEWAY_CONF_PATH, INIT_DIR } from "./postgres-init";
import type { DeployProject } from "./project";

const required = (name: string, why: string) => `\${${name}:?set ${name} in .env (${why})}`;
const DB = `\${POSTGRES_DB:-${POSTGRES_DEFAULT_DB}}`;
const PASSWORD = required("POSTGRES_PASSWORD", "see .env.example");

/** Whether compose runs the Supabase services (supabase-js apps whose client reads its URL and key from env). */
export function composeRunsSupabase(p: DeployProject): boolean {
  return p.supabase.used && Boolean(p.supabase.urlVar && p.supabase.keyVar);
}

export function dockerCompose(p: DeployProject): string {
  const supabase = composeRunsSupabase(p);
  const services: Record<string, unknown> = {};
  const dbUrl = (user: string) => `postgres://${user}:\${POSTGRES_PASSWORD}@db:5432/${DB}`;

  const args: Record<string, string> = {};
  for (const v of p.buildEnv) {
    if (supabase && v.name === p.supabase.urlVar) args[v.name] = `\${PUBLIC_URL:-${COMPOSE_PUBLIC_URL}}`;
    else if (supabase && v.name === p.supabase.keyVar) args[v.name] = required("SUPABASE_ANON_KEY", "node docker/supabase-keys.mjs prints one");
    else args[v.name] = `\${${v.name}}`;
  }
  // Compose wires what points at its own services; every other setting comes from .env as it is
  // (unset stays unset, so the server's own defaults apply; the image's PORT is never overridden).
  const environment: Record<string, string> = {};
  for (const v of p.runtimeEnv) {
    if (v.name === "DATABASE_URL") environment[v.name] = dbUrl(POSTGRES_SUPERUSER);
    else if (supabase && /SUPABASE_URL$/.test(v.name)) environment[v.name] = `http://gateway:${GATEWAY_PORT}`;
    else if (supabase && /SUPABASE_(ANON|PUBLISHABLE)_KEY$/.test(v.name)) environment[v.name] = required("SUPABASE_ANON_KEY", "node docker/supabase-keys.mjs prints one");
    else if (supabase && /SERVICE_ROLE_KEY$/.test(v.name)) environment[v.name] = required("SUPABASE_SERVICE_ROLE_KEY", "node docker/supabase-keys.mjs prints one");
  }

  const app: Record<string, unknown> = { build: Object.keys(args).length ? { context: ".", args } : { context: "." }, restart: "unless-stopped" };
  if (p.runtime === "node" && p.runtimeEnv.length) app.env_file = [{ path: ".env", required: false }];
  if (Object.keys(environment).length) app.environment = environment;
  // With the gateway in front, the browser reaches the app and supabase-js's paths on one origin.
  if (!supabase) app.ports = [`\${APP_PORT:-${p.port}}:${p.port}`];
  // A server that connects to the database waits for it (a static bundle or a supabase-js client never does).
  if (p.database && p.runtimeEnv.some((v) => v.name === "DATABASE_URL")) app.depends_on = { db: { condition: "service_healthy" } };
  services.app = app;

  if (p.database) {
    services.db = {
      image: POSTGRES_IMAGE,
      restart: "unless-stopped",
      environment: { POSTGRES_USER: POSTGRES_SUPERUSER, POSTGRES_PASSWORD: PASSWORD, POSTGRES_DB: DB },
      volumes: [`db-data:${postgresDataMount()}`, `./${INIT_DIR}:/docker-entrypoint-initdb.d:ro`, `${EXPORT_DIR_HOST}:${EXPORT_DIR_CONTAINER}:ro`],
      healthcheck: { test: ["CMD-SHELL", `pg_isready -U ${POSTGRES_SUPERUSER} -d "$$POSTGRES_DB"`], interval: "5s", timeout: "5s", retries: 20 },
    };
  }
  if (supabase) {
    // A fresh object per service: a shared one would print as a YAML anchor.
    const dependsOnDb = () => ({ db: { condition: "service_healthy" } });
    services.rest = {
      image: POSTGREST_IMAGE,
      restart: "unless-stopped",
      depends_on: dependsOnDb(),
      environment: {
        PGRST_DB_URI: dbUrl(POSTGREST_LOGIN_ROLE),
        PGRST_DB_SCHEMAS: "${PGRST_DB_SCHEMAS:-public}",
        PGRST_DB_ANON_ROLE: "anon",
        PGRST_JWT_SECRET: required("JWT_SECRET", "node docker/supabase-keys.mjs prints one"),
        PGRST_DB_USE_LEGACY_GUCS: "false",
      },
    };
    services.auth = {
      image: GOTRUE_IMAGE,
      restart: "unless-stopped",
      depends_on: dependsOnDb(),
      healthcheck: { test: ["CMD", "wget", "--no-verbose", "--tries=1", "--spider", `http://localhost:${GOTRUE_PORT}/health`], interval: "5s", timeout: "5s", retries: 10 },
      environment: {
        GOTRUE_API_HOST: "0.0.0.0",
        GOTRUE_API_PORT: String(GOTRUE_PORT),
        API_EXTERNAL_URL: `\${PUBLIC_URL:-${COMPOSE_PUBLIC_URL}}/auth/v1`,
        GOTRUE_DB_DRIVER: "postgres",
        GOTRUE_DB_DATABASE_URL: dbUrl(GOTRUE_LOGIN_ROLE),
        GOTRUE_SITE_URL: `\${PUBLIC_URL:-${COMPOSE_PUBLIC_URL}}`,
        GOTRUE_URI_ALLOW_LIST: "${ADDITIONAL_REDIRECT_URLS:-}",
        GOTRUE_DISABLE_SIGNUP: "${DISABLE_SIGNUP:-false}",
        GOTRUE_JWT_SECRET: required("JWT_SECRET", "node docker/supabase-keys.mjs prints one"),
        GOTRUE_JWT_EXP: `\${JWT_EXPIRY:-${JWT_EXPIRY_SECONDS}}`,
        GOTRUE_JWT_AUD: "authenticated",
        GOTRUE_JWT_DEFAULT_GROUP_NAME: "authenticated",
        GOTRUE_JWT_ADMIN_ROLES: "service_role",
        GOTRUE_EXTERNAL_EMAIL_ENABLED: "true",
        GOTRUE_MAILER_AUTOCONFIRM: "${ENABLE_EMAIL_AUTOCONFIRM:-false}",
        GOTRUE_SMTP_ADMIN_EMAIL: "${SMTP_ADMIN_EMAIL:-}",
        GOTRUE_SMTP_HOST: "${SMTP_HOST:-}",
        GOTRUE_SMTP_PORT: "${SMTP_PORT:-587}",
        GOTRUE_SMTP_USER: "${SMTP_USER:-}",
        GOTRUE_SMTP_PASS: "${SMTP_PASS:-}",
        GOTRUE_SMTP_SENDER_NAME: "${SMTP_SENDER_NAME:-}",
      },
    };
    services.gateway = {
      image: NGINX_IMAGE,
      restart: "unless-stopped",
      ports: [`\${GATEWAY_PORT:-${GATEWAY_PORT}}:${GATEWAY_PORT}`],
      volumes: [`./${GATEWAY_CONF_PATH}:/etc/nginx/conf.d/default.conf:ro`],
      depends_on: { app: { condition: "service_started" }, rest: { condition: "service_started" }, auth: { condition: "service_healthy" } },
    };
  }

  const doc = new YAML.Document({ name: p.name, services, ...(p.database ? { volumes: { "db-data": {} } } : {}) });
  const header = [
    "Generated by ownit deploy. Start with: docker compose up --build",
    "Values come from .env (copy .env.example); compose stops with a message when a required one is missing.",
    supabase ? `Open ${COMPOSE_PUBLIC_URL}: the gateway serves the app and supabase-js's /rest/v1/ and /auth/v1/ paths.` : `Open http://localhost:${p.port}.`,
  ];
  doc.commentBefore = header.map((l) => ` ${l}`).join("\n");
  if (p.database) {
    const db = doc.getIn(["services", "db"], true) as YAML.YAMLMap;
    db.commentBefore = [
      ` PostgreSQL ${postgresMajor()}: from 18 on the image keeps its data under ${postgresDataMount()}/${postgresMajor()}/docker, so the volume`,
      ` mounts ${postgresDataMount()} (a volume at /var/lib/postgresql/data is refused).`,
      ` On FIRST start only (an empty volume) the scripts in ${INIT_DIR}/ load ${EXPORT_DIR_HOST}/restore.sql (from \`npx ownit dump\`)`,
      ` and create the roles the services log in as. To load a newer export: docker compose down -v, then up again.`,
    ].join("\n");
  }
  if (supabase) {
    const gateway = doc.getIn(["services", "gateway"], true) as YAML.YAMLMap;
    gateway.commentBefore = ` One origin for the browser: /rest/v1/ → PostgREST, /auth/v1/ → GoTrue, everything else → the app.${
      p.supabase.functions.length ? `\n Edge functions (${p.supabase.functions.join(", ")}) and Storage are not run here: the gateway answers 501 for their paths.` : "\n Storage, Realtime and edge functions are not run here: the gateway answers 501 for their paths."
    }`;
  }
  return doc.toString({ lineWidth: 0 });
}
