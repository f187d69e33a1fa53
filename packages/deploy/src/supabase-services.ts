// The open-source Supabase services compose runs for a supabase-js app, each behind the one gateway
// and each logging in to Postgres as its own role: PostgREST, GoTrue (with the OAuth providers the
// code signs in with), and, when the code needs them, Storage, Realtime and the edge functions.
import {
  COMPOSE_PUBLIC_URL,
  DENO_IMAGE,
  FUNCTIONS_DIR_CONTAINER,
  FUNCTIONS_PORT,
  GATEWAY_PORT,
  GOTRUE_IMAGE,
  GOTRUE_PORT,
  JWT_EXPIRY_SECONDS,
  NGINX_IMAGE,
  POSTGREST_IMAGE,
  POSTGREST_PORT,
  POSTGRES_DEFAULT_DB,
  REALTIME_IMAGE,
  REALTIME_PORT,
  ROUTER_DIR_CONTAINER,
  SERVICE_LOGINS,
  STORAGE_GLOBAL_BUCKET,
  STORAGE_IMAGE,
  STORAGE_PORT,
  STORAGE_TENANT_ID,
  STORAGE_VOLUME_PATH,
  SUPABASE_GATEWAY_ROUTES,
  type ServiceLogin,
} from "./defaults";
import { FUNCTIONS_ROUTER_DIR, FUNCTIONS_ROUTER_PATH, FUNCTIONS_SOURCE_DIR } from "./edge-functions";
import { GATEWAY_CONF_PATH } from "./postgres-init";
import type { DeployProject } from "./project";

export const required = (name: string, why: string) => `\${${name}:?set ${name} in .env (${why})}`;
const KEYS_HINT = "node docker/supabase-keys.mjs prints one";
const DB = `\${POSTGRES_DB:-${POSTGRES_DEFAULT_DB}}`;
const PUBLIC_URL = `\${PUBLIC_URL:-${COMPOSE_PUBLIC_URL}}`;
const INTERNAL_URL = `http://gateway:${GATEWAY_PORT}`;

/** A service's connection URL: its own role and password (required: compose stops without it). */
export function serviceDbUrl(service: ServiceLogin): string {
  const { role, passwordVar } = SERVICE_LOGINS[service];
  return `postgres://${role}:${required(passwordVar, KEYS_HINT)}@db:5432/${DB}`;
}

/** The routes whose services compose runs for this app. */
export function servedRoutes(p: DeployProject): Array<(typeof SUPABASE_GATEWAY_ROUTES)[number]> {
  return SUPABASE_GATEWAY_ROUTES.filter(
    (r) =>
      r.service === "rest" ||
      r.service === "auth" ||
      (r.service === "storage" && p.uses.storage) ||
      (r.service === "realtime" && p.uses.realtime) ||
      (r.service === "functions" && p.edgeFunctions.length > 0),
  );
}

/** The login roles compose's services use for this app (the init script creates each one). */
export function serviceLogins(p: DeployProject): ServiceLogin[] {
  const served = new Set<string>(servedRoutes(p).map((r) => r.service));
  return (["rest", "auth", "storage", "realtime", "functions"] as const).filter((s) => served.has(s));
}

/** GOTRUE_EXTERNAL_<PROVIDER>_* for each provider the code signs in with: enabled only when its client id is set. */
export function oauthProviderEnv(p: DeployProject): Record<string, string> {
  const env: Record<string, string> = {};
  for (const provider of p.uses.oauthProviders) {
    const P = provider.toUpperCase();
    env[`GOTRUE_EXTERNAL_${P}_ENABLED`] = `\${${P}_ENABLED:-false}`;
    env[`GOTRUE_EXTERNAL_${P}_CLIENT_ID`] = `\${${P}_CLIENT_ID:-}`;
    env[`GOTRUE_EXTERNAL_${P}_SECRET`] = `\${${P}_SECRET:-}`;
    env[`GOTRUE_EXTERNAL_${P}_REDIRECT_URI`] = `${PUBLIC_URL}/auth/v1/callback`;
  }
  return env;
}

// A fresh object per service: a shared one would print as a YAML anchor.
const dependsOnDb = () => ({ db: { condition: "service_healthy" } });
const jwtSecret = () => required("JWT_SECRET", KEYS_HINT);

/** The compose services that serve Supabase's paths for this app, each its own function, then the gateway in front. */
export function supabaseServices(p: DeployProject): Record<string, unknown> {
  const served = new Set(servedRoutes(p).map((r) => r.service));
  const services: Record<string, unknown> = { rest: restService(), auth: authService(p) };
  if (served.has("storage")) services.storage = storageService();
  if (served.has("realtime")) services.realtime = realtimeService();
  if (served.has("functions")) services.functions = functionsService(p);
  services.gateway = gatewayService(served);
  return services;
}

/** PostgREST: /rest/v1, as the anon role until a JWT says otherwise. */
function restService(): Record<string, unknown> {
  return {
    image: POSTGREST_IMAGE,
    restart: "unless-stopped",
    depends_on: dependsOnDb(),
    environment: {
      PGRST_DB_URI: serviceDbUrl("rest"),
      PGRST_DB_SCHEMAS: "${PGRST_DB_SCHEMAS:-public}",
      PGRST_DB_ANON_ROLE: "anon",
      PGRST_JWT_SECRET: jwtSecret(),
      PGRST_DB_USE_LEGACY_GUCS: "false",
    },
  };
}

/** GoTrue: /auth/v1, with the OAuth providers the code signs in with. */
function authService(p: DeployProject): Record<string, unknown> {
  return {
    image: GOTRUE_IMAGE,
    restart: "unless-stopped",
    depends_on: dependsOnDb(),
    healthcheck: {
      test: ["CMD", "wget", "--no-verbose", "--tries=1", "--spider", `http://localhost:${GOTRUE_PORT}/health`],
      interval: "5s",
      timeout: "5s",
      retries: 10,
    },
    environment: {
      GOTRUE_API_HOST: "0.0.0.0",
      GOTRUE_API_PORT: String(GOTRUE_PORT),
      API_EXTERNAL_URL: `${PUBLIC_URL}/auth/v1`,
      GOTRUE_DB_DRIVER: "postgres",
      GOTRUE_DB_DATABASE_URL: serviceDbUrl("auth"),
      GOTRUE_SITE_URL: PUBLIC_URL,
      GOTRUE_URI_ALLOW_LIST: "${ADDITIONAL_REDIRECT_URLS:-}",
      GOTRUE_DISABLE_SIGNUP: "${DISABLE_SIGNUP:-false}",
      GOTRUE_JWT_SECRET: jwtSecret(),
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
      ...oauthProviderEnv(p),
    },
  };
}

/** Supabase's storage API: /storage/v1, files on a volume (or S3). */
function storageService(): Record<string, unknown> {
  return {
    image: STORAGE_IMAGE,
    restart: "unless-stopped",
    depends_on: { db: { condition: "service_healthy" }, rest: { condition: "service_started" } },
    volumes: [`storage-data:${STORAGE_VOLUME_PATH}`],
    environment: {
      ANON_KEY: required("SUPABASE_ANON_KEY", KEYS_HINT),
      SERVICE_KEY: required("SUPABASE_SERVICE_ROLE_KEY", KEYS_HINT),
      AUTH_JWT_SECRET: jwtSecret(),
      POSTGREST_URL: `http://rest:${POSTGREST_PORT}`,
      DATABASE_URL: serviceDbUrl("storage"),
      // The export's storage schema is loaded by restore.sql; the service must not re-create it.
      DB_INSTALL_ROLES: "false",
      FILE_SIZE_LIMIT: "${STORAGE_FILE_SIZE_LIMIT:-52428800}",
      STORAGE_BACKEND: "${STORAGE_BACKEND:-file}",
      FILE_STORAGE_BACKEND_PATH: STORAGE_VOLUME_PATH,
      TENANT_ID: STORAGE_TENANT_ID,
      REGION: "${STORAGE_S3_REGION:-stub}",
      // The file backend's top folder; with STORAGE_BACKEND=s3 the bucket objects go to.
      GLOBAL_S3_BUCKET: `\${STORAGE_S3_BUCKET:-${STORAGE_GLOBAL_BUCKET}}`,
      GLOBAL_S3_ENDPOINT: "${STORAGE_S3_ENDPOINT:-}",
      GLOBAL_S3_FORCE_PATH_STYLE: "true",
      AWS_ACCESS_KEY_ID: "${STORAGE_S3_ACCESS_KEY_ID:-}",
      AWS_SECRET_ACCESS_KEY: "${STORAGE_S3_SECRET_ACCESS_KEY:-}",
      ENABLE_IMAGE_TRANSFORMATION: "false",
    },
  };
}

/** Supabase's realtime: /realtime/v1, reading changes through the restored publication. */
function realtimeService(): Record<string, unknown> {
  return {
    image: REALTIME_IMAGE,
    restart: "unless-stopped",
    depends_on: dependsOnDb(),
    environment: {
      PORT: String(REALTIME_PORT),
      DB_HOST: "db",
      DB_PORT: "5432",
      DB_USER: SERVICE_LOGINS.realtime.role,
      DB_PASSWORD: required(SERVICE_LOGINS.realtime.passwordVar, KEYS_HINT),
      DB_NAME: DB,
      DB_AFTER_CONNECT_QUERY: "SET search_path TO _realtime",
      DB_ENC_KEY: required("REALTIME_DB_ENC_KEY", "16 characters; node docker/supabase-keys.mjs prints one"),
      API_JWT_SECRET: jwtSecret(),
      SECRET_KEY_BASE: required("REALTIME_SECRET_KEY_BASE", KEYS_HINT),
      ERL_AFLAGS: "-proto_dist inet_tcp",
      DNS_NODES: "''",
      RLIMIT_NOFILE: "10000",
      APP_NAME: "realtime",
      SEED_SELF_HOST: "true",
      RUN_JANITOR: "true",
    },
  };
}

/** The edge functions under Deno, with the secrets they read from env. */
function functionsService(p: DeployProject): Record<string, unknown> {
  const secrets = Object.fromEntries(p.functionSecrets.map((name) => [name, `\${${name}:-}`]));
  return {
    image: DENO_IMAGE,
    restart: "unless-stopped",
    user: "deno",
    command: [
      "run",
      "--node-modules-dir=none",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-run",
      "--allow-sys",
      `${ROUTER_DIR_CONTAINER}/${FUNCTIONS_ROUTER_PATH.slice(FUNCTIONS_ROUTER_DIR.length + 1)}`,
    ],
    depends_on: dependsOnDb(),
    volumes: [
      `./${FUNCTIONS_SOURCE_DIR}:${FUNCTIONS_DIR_CONTAINER}:ro`,
      `./${FUNCTIONS_ROUTER_DIR}:${ROUTER_DIR_CONTAINER}:ro`,
      "deno-cache:/deno-dir",
    ],
    environment: {
      OWNIT_FUNCTIONS_DIR: FUNCTIONS_DIR_CONTAINER,
      OWNIT_FUNCTIONS_PORT: String(FUNCTIONS_PORT),
      JWT_SECRET: jwtSecret(),
      // What the platform sets for every function, pointing at the owned stack.
      SUPABASE_URL: INTERNAL_URL,
      SUPABASE_ANON_KEY: required("SUPABASE_ANON_KEY", KEYS_HINT),
      SUPABASE_SERVICE_ROLE_KEY: required("SUPABASE_SERVICE_ROLE_KEY", KEYS_HINT),
      SUPABASE_DB_URL: serviceDbUrl("functions"),
      ...secrets,
    },
  };
}

/** nginx in front of every service and the app: the one port the stack publishes. */
function gatewayService(served: Set<string>): Record<string, unknown> {
  const gatewayDeps: Record<string, { condition: string }> = { app: { condition: "service_started" } };
  for (const s of served) gatewayDeps[s] = { condition: s === "auth" ? "service_healthy" : "service_started" };
  return {
    image: NGINX_IMAGE,
    restart: "unless-stopped",
    ports: [`\${GATEWAY_PORT:-${GATEWAY_PORT}}:${GATEWAY_PORT}`],
    volumes: [`./${GATEWAY_CONF_PATH}:/etc/nginx/conf.d/default.conf:ro`],
    depends_on: gatewayDeps,
  };
}
