// Host defaults: every image tag, port, version and path the deploy files name, in one place.
// Each is pinned to a version (never `latest`) so a rebuild next month builds the same thing.
import { EXPORT_DIR, SUPABASE_STORAGE_FILE_BACKEND } from "@ownit/core";

/** Node image for build stages and Node server runtimes: LTS line, Debian slim (glibc, so native modules built here run there). */
export const NODE_IMAGE = "node:22.21.1-bookworm-slim";

/** Bun image for projects whose only lock file is bun's; used when package.json names no bun version. */
export const BUN_VERSION = "1.2.20";
export const BUN_IMAGE_REPO = "oven/bun";

/** pnpm version corepack activates when package.json has no `packageManager` field (reads lockfile v9). */
export const PNPM_VERSION = "9.15.9";

/**
 * Static files are served by NGINX's unprivileged image: it runs as uid 101 and listens on 8080,
 * so the runtime needs no root and no port below 1024. Alpine, so busybox `wget` is there for HEALTHCHECK.
 */
export const NGINX_IMAGE = "nginxinc/nginx-unprivileged:1.28.0-alpine";
export const NGINX_UID = 101;
export const STATIC_PORT = 8080;
export const STATIC_ROOT = "/usr/share/nginx/html";
/** A location nginx answers itself, so health checks do not depend on the app's routes. */
export const STATIC_HEALTH_PATH = "/healthz";

/** Node servers (TanStack Start's nitro output, Next, the Base44 replacement server) listen on $PORT. */
export const NODE_PORT = 3000;
/**
 * TanStack Start builds its server with nitro, which reads its preset from NITRO_PRESET. Lovable's
 * config defaults to Cloudflare Workers; the image runs `node .output/server/index.mjs`, so it builds
 * the Node server preset whatever the config says.
 */
export const NITRO_NODE_PRESET = "node-server";

/** The unprivileged user the official node images ship. */
export const NODE_USER = "node";

/** Where every build stage works; COPY --from paths start here. */
export const BUILD_WORKDIR = "/app";

/**
 * PostgreSQL for docker-compose. From 18 on, the official image keeps PGDATA in
 * /var/lib/postgresql/<major>/docker and refuses a volume at /var/lib/postgresql/data:
 * `postgresDataMount()` picks the mount for the major version named here.
 */
export const POSTGRES_IMAGE = "postgres:18.1";
export const POSTGRES_DEFAULT_DB = "app";

/** The variable a server reads its database connection string from: compose and Render wire it to their database. */
export const DATABASE_URL_ENV = "DATABASE_URL";

/** Where compose mounts the folder `ownit dump` writes (default ./ownit-export), and that folder on the host. */
export const EXPORT_DIR_HOST = `./${EXPORT_DIR}`;
export const EXPORT_DIR_CONTAINER = `/${EXPORT_DIR}`;

/**
 * The open-source Supabase services supabase-js talks to, pinned to the versions Supabase's own
 * self-hosting compose runs (supabase/supabase docker/docker-compose.yml, 2026): PostgREST is
 * published by its project as postgrest/postgrest, GoTrue by Supabase as supabase/gotrue.
 */
export const POSTGREST_IMAGE = "postgrest/postgrest:v14.5";
export const POSTGREST_PORT = 3000;
export const GOTRUE_IMAGE = "supabase/gotrue:v2.186.0";
export const GOTRUE_PORT = 9999;
/**
 * Supabase's Storage API (file backend on a volume, or S3) and Realtime (postgres_changes over
 * WebSocket), pinned as storage's own release tag (supabase/storage v1.70.6, the source whose file
 * layout storage-layout.ts follows) and a 2026 Realtime release.
 */
export const STORAGE_IMAGE = "supabase/storage-api:v1.70.6";
export const STORAGE_PORT = 5000;
export const REALTIME_IMAGE = "supabase/realtime:v2.44.0";
export const REALTIME_PORT = 4000;
/** Realtime seeds one tenant when SEED_SELF_HOST is set, and picks the tenant from the Host header's first label. */
export const REALTIME_TENANT = "realtime-dev";
/** Where the storage service keeps its files, and the names its file backend puts in front of every key (restore writes the same layout). */
export const STORAGE_VOLUME_PATH = SUPABASE_STORAGE_FILE_BACKEND.volumePath;
export const STORAGE_TENANT_ID = SUPABASE_STORAGE_FILE_BACKEND.tenantId;
export const STORAGE_GLOBAL_BUCKET = SUPABASE_STORAGE_FILE_BACKEND.globalBucket;
/**
 * postgres_changes needs the wal2json output plugin, which the stock postgres image lacks: compose
 * builds the db image from POSTGRES_IMAGE plus PGDG's wal2json package (docker/postgres/Dockerfile).
 */
export const WAL2JSON_PACKAGE_VERSION = "2.6*";
/** The functions router's port (each function's own Deno process listens on the next ports, inside the container). */
export const FUNCTIONS_PORT = 9000;
/** supabase-js's paths on the project URL, and the service each one reaches (when compose runs it). */
export const SUPABASE_GATEWAY_ROUTES = [
  { path: "/rest/v1/", service: "rest", port: POSTGREST_PORT, upstreamPath: "/" },
  { path: "/auth/v1/", service: "auth", port: GOTRUE_PORT, upstreamPath: "/" },
  { path: "/storage/v1/", service: "storage", port: STORAGE_PORT, upstreamPath: "/" },
  { path: "/functions/v1/", service: "functions", port: FUNCTIONS_PORT, upstreamPath: "/" },
  { path: "/realtime/v1/", service: "realtime", port: REALTIME_PORT, upstreamPath: "/socket/" },
] as const;
export type GatewayService = (typeof SUPABASE_GATEWAY_ROUTES)[number]["service"];
/** The one URL the browser uses in compose: the gateway serves the app and supabase-js's paths. */
export const COMPOSE_PUBLIC_URL = "http://localhost:8080";
export const GATEWAY_PORT = 8080;
/** Access tokens GoTrue issues live this long (seconds), as on hosted Supabase. */
export const JWT_EXPIRY_SECONDS = 3600;

/** Health check timing shared by the Dockerfile and the hosts. */
export const HEALTHCHECK = { interval: "30s", timeout: "5s", startPeriod: "10s", retries: 3 } as const;

/** Hosted platforms' config formats. */
export const RAILWAY_SCHEMA = "https://railway.com/railway.schema.json";
/** Railway: seconds a new deploy has to answer its health check, and restarts after a crash. */
export const RAILWAY_HEALTHCHECK_TIMEOUT_SECONDS = 100;
export const RAILWAY_RESTART = { type: "ON_FAILURE", maxRetries: 10 } as const;
/** Fly: machines stop when idle and start on the next request (a small app costs nothing while unused). */
export const FLY_MACHINES = { autoStop: "stop", autoStart: true, minRunning: 0 } as const;
export const VERCEL_SCHEMA = "https://openapi.vercel.sh/vercel.json";
/** Long cache for content-hashed build output; index.html must be revalidated on every visit. */
export const IMMUTABLE_CACHE = "public, max-age=31536000, immutable";
export const REVALIDATE_CACHE = "no-cache";

/** The compose file's Postgres role the app and the init scripts use. */
export const POSTGRES_SUPERUSER = "postgres";
/** Roles PostgREST and GoTrue log in as (created by the init script when the export lacks them). */
export const POSTGREST_LOGIN_ROLE = "authenticator";
export const GOTRUE_LOGIN_ROLE = "supabase_auth_admin";
/**
 * Every service logs in as its own role with its own password (.env), holding only what it needs:
 * PostgREST switches to the request roles, GoTrue owns auth, storage owns storage, Realtime may read
 * the WAL, functions get service_role as on the platform, a server app gets the app schema's tables.
 */
export const SERVICE_LOGINS = {
  rest: { role: POSTGREST_LOGIN_ROLE, passwordVar: "AUTHENTICATOR_PASSWORD" },
  auth: { role: GOTRUE_LOGIN_ROLE, passwordVar: "AUTH_DB_PASSWORD" },
  storage: { role: "supabase_storage_admin", passwordVar: "STORAGE_DB_PASSWORD" },
  realtime: { role: "supabase_realtime_admin", passwordVar: "REALTIME_DB_PASSWORD" },
  functions: { role: "ownit_functions", passwordVar: "FUNCTIONS_DB_PASSWORD" },
  app: { role: "ownit_app", passwordVar: "APP_DB_PASSWORD" },
} as const;
export type ServiceLogin = keyof typeof SERVICE_LOGINS;
/**
 * The Base44 replacement server's two roles, each with its own password (.env): the owner of the
 * database and its tables, which only `npm run db:setup` (compose's db-setup service) logs in as, and
 * the server's own role, which db:setup grants reading and writing rows and nothing more.
 */
export const APP_SERVER_LOGINS = {
  owner: { role: "ownit_owner", passwordVar: "OWNER_DB_PASSWORD" },
  runtime: SERVICE_LOGINS.app,
} as const;
/** Read only by `npm run db:setup` as the tables' owner: never part of the server's environment on a host. */
export const SETUP_ONLY_ENV = ["DATABASE_OWNER_URL"];
/** The one-shot compose service that runs db:setup as the owner before the app starts. */
export const DB_SETUP_SERVICE = "db-setup";
/** The NOLOGIN roles supabase-js requests run as (the export's prelude creates them too). */
export const SUPABASE_REQUEST_ROLES = ["anon", "authenticated", "service_role"] as const;

/** Suffix of the file written beside one of the owner's files instead of overwriting it. */
export const BESIDE_SUFFIX = ".ownit";

/** Folder for the files the Dockerfile and compose read (nginx configs, init scripts). */
export const SUPPORT_DIR = "docker";

export function postgresMajor(image = POSTGRES_IMAGE): number {
  const tag = image.split(":")[1] ?? "";
  const major = Number.parseInt(tag, 10);
  if (!Number.isFinite(major)) throw new Error(`postgres image ${image} has no numeric version tag`);
  return major;
}

/** The volume target that keeps data across container re-creation for a postgres image's major version. */
export function postgresDataMount(image = POSTGRES_IMAGE): string {
  return postgresMajor(image) >= 18 ? "/var/lib/postgresql" : "/var/lib/postgresql/data";
}

/** Marks the sections deploy appended to another step's .env.example (they are not the app's own names). */
export const ADDED_BY_DEPLOY = " (added by ownit deploy)";

/** Where the Base44 replacement server keeps uploads by default (UPLOAD_DIR): user files, never build context. */
export const UPLOADS_DIR = "uploads";

/** npm's per-project config: may hold a registry token, so it never stays in an image. */
export const NPMRC = ".npmrc";

/**
 * Edge functions run under Deno itself (the same release the tests run them with: the `deno`
 * devDependency), one process per function behind a small router (docker/functions/). Deno's
 * official image runs as its `deno` user and keeps its module cache in DENO_DIR=/deno-dir.
 */
export const DENO_VERSION = "2.9.6";
export const DENO_IMAGE = `denoland/deno:${DENO_VERSION}`;
/** jose verifies the functions' JWTs inside the router (an npm: import, so it loads from the npm registry). */
export const ROUTER_JOSE_VERSION = "6.2.18";
/** Where compose mounts supabase/functions and the router inside the functions container. */
export const FUNCTIONS_DIR_CONTAINER = "/ownit/functions";
export const ROUTER_DIR_CONTAINER = "/ownit/router";
/**
 * The names Supabase's platform sets for every edge function; compose points them at the owned stack.
 * (SUPABASE_DB_URL logs in as its own role, granted service_role like the platform's.)
 */
export const FUNCTION_PLATFORM_ENV = [
  "SUPABASE_URL",
  "SUPABASE_ANON_KEY",
  "SUPABASE_SERVICE_ROLE_KEY",
  "SUPABASE_DB_URL",
] as const;
/** A request body larger than this never reaches a function, a storage upload or the app. */
export const GATEWAY_MAX_BODY = "50m";
