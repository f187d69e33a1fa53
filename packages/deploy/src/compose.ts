// docker-compose.yml: the app, PostgreSQL with a named volume that loads the `ownit dump` export on
// first start, and for supabase-js apps PostgREST and GoTrue behind one gateway that maps
// supabase-js's paths. Every secret comes from .env; compose refuses to start when one is missing.
import YAML from "yaml";
import {
  DATABASE_URL_ENV,
  APP_SERVER_LOGINS,
  COMPOSE_PUBLIC_URL,
  DB_SETUP_SERVICE,
  EXPORT_DIR_CONTAINER,
  EXPORT_DIR_HOST,
  GATEWAY_PORT,
  POSTGRES_DEFAULT_DB,
  POSTGRES_IMAGE,
  POSTGRES_SUPERUSER,
  postgresDataMount,
  postgresMajor,
  SERVICE_LOGINS,
  SUPABASE_GATEWAY_ROUTES,
} from "./defaults";
import { INIT_DIR, POSTGRES_BUILD_DIR } from "./postgres-init";
import type { DeployProject } from "./project";
import { required, servedRoutes, serviceLogins, supabaseServices } from "./supabase-services";

const DB = `\${POSTGRES_DB:-${POSTGRES_DEFAULT_DB}}`;
const PASSWORD = required("POSTGRES_PASSWORD", "see .env.example");
const LETTERS_AND_DIGITS = "letters and digits, see .env.example";

/** A connection URL for one of the app server's roles; compose stops when its password is unset. */
function appServerDbUrl(login: (typeof APP_SERVER_LOGINS)[keyof typeof APP_SERVER_LOGINS]): string {
  return `postgres://${login.role}:${required(login.passwordVar, LETTERS_AND_DIGITS)}@db:5432/${DB}`;
}

/**
 * The Base44 server logs in as its least-privilege role; a one-shot service runs db:setup as the
 * owner first. The owner's and the superuser's secrets, which the app's .env file also holds, are
 * blanked in the app's container (environment wins over env_file), so the server never has them.
 */
function appServerRoles(services: Record<string, unknown>, app: Record<string, unknown>): void {
  const environment = (app.environment ??= {}) as Record<string, string>;
  environment[DATABASE_URL_ENV] = appServerDbUrl(APP_SERVER_LOGINS.runtime);
  environment.DATABASE_OWNER_URL = "";
  app.depends_on = { db: { condition: "service_healthy" }, [DB_SETUP_SERVICE]: { condition: "service_completed_successfully" } };
  services[DB_SETUP_SERVICE] = {
    build: structuredClone(app.build),
    command: ["npm", "run", "db:setup"],
    environment: {
      DATABASE_OWNER_URL: appServerDbUrl(APP_SERVER_LOGINS.owner),
      [DATABASE_URL_ENV]: appServerDbUrl(APP_SERVER_LOGINS.runtime),
    },
    depends_on: { db: { condition: "service_healthy" } },
  };
  dbCreatesLogins(services, Object.values(APP_SERVER_LOGINS));
}

/** The db service's init scripts create these app roles, each with its password from .env. */
function dbCreatesLogins(services: Record<string, unknown>, logins: { passwordVar: string }[]): void {
  const db = services.db as { environment: Record<string, string> };
  for (const login of logins) db.environment[login.passwordVar] = required(login.passwordVar, LETTERS_AND_DIGITS);
}

/**
 * Any other server that connects with DATABASE_URL logs in as the app's own role (20-app-login.sh),
 * which reads and writes rows and may not change the schema or run `COPY … TO PROGRAM`.
 */
export function composeAppLogin(p: DeployProject): boolean {
  return p.database && !p.base44Server && p.runtimeEnv.some((v) => v.name === DATABASE_URL_ENV);
}

/**
 * Secrets of .env that only compose's own services use: the database roles' passwords (the app's
 * DATABASE_URL is built with its own already), the JWT secret and service_role key that pass row
 * level security, Realtime's keys. The app's container reads .env whole, so each is blanked there
 * unless the app's own code reads it.
 */
function composeOnlySecrets(p: DeployProject, supabase: boolean): string[] {
  if (!p.database) return [];
  const names = ["POSTGRES_PASSWORD"];
  if (p.base44Server || composeAppLogin(p)) names.push(APP_SERVER_LOGINS.runtime.passwordVar);
  if (p.base44Server) names.push(APP_SERVER_LOGINS.owner.passwordVar);
  // docker/supabase-keys.mjs prints every one of these into .env, whichever services run.
  if (supabase)
    names.push(
      ...Object.values(SERVICE_LOGINS).map((l) => l.passwordVar),
      "JWT_SECRET",
      "SUPABASE_SERVICE_ROLE_KEY",
      "REALTIME_DB_ENC_KEY",
      "REALTIME_SECRET_KEY_BASE",
    );
  return [...new Set(names)].filter((name) => !p.runtimeEnv.some((v) => v.name === name));
}

/** Whether compose runs the Supabase services (supabase-js apps whose client reads its URL and key from env). */
export function composeRunsSupabase(p: DeployProject): boolean {
  return p.supabase.used && Boolean(p.supabase.urlVar && p.supabase.keyVar);
}

export function dockerCompose(p: DeployProject): string {
  const supabase = composeRunsSupabase(p);
  const services: Record<string, unknown> = { app: appService(p, supabase) };
  if (p.database) services.db = dbService(p, supabase);
  if (p.base44Server && p.database) appServerRoles(services, services.app as Record<string, unknown>);
  if (composeAppLogin(p)) dbCreatesLogins(services, [APP_SERVER_LOGINS.runtime]);
  if (supabase) Object.assign(services, supabaseServices(p));
  const volumes: Record<string, object> = {};
  if (p.database) volumes["db-data"] = {};
  if (services.storage) volumes["storage-data"] = {};
  if (services.functions) volumes["deno-cache"] = {};
  // No top-level `name:` (compose v2 only): the project is named after its folder, or `docker compose -p`.
  const doc = new YAML.Document({ services, ...(Object.keys(volumes).length ? { volumes } : {}) });
  const header = [
    "Generated by ownit deploy. Start with: docker compose up --build",
    "Values come from .env (copy .env.example); compose stops with a message when a required one is missing.",
    supabase
      ? `Open ${COMPOSE_PUBLIC_URL}: the gateway serves the app and supabase-js's paths (${servedRoutes(p)
          .map((r) => r.path)
          .join(", ")}).`
      : `Open http://localhost:${p.port}.`,
  ];
  doc.commentBefore = header.map((l) => ` ${l}`).join("\n");
  if (p.database) {
    const db = doc.getIn(["services", "db"], true) as YAML.YAMLMap;
    db.commentBefore = [
      ` PostgreSQL ${postgresMajor()}: from 18 on the image keeps its data under ${postgresDataMount()}/${postgresMajor()}/docker, so the volume`,
      ` mounts ${postgresDataMount()} (a volume at /var/lib/postgresql/data is refused).`,
      ` On FIRST start only (an empty volume) the scripts in ${INIT_DIR}/ load ${EXPORT_DIR_HOST}/restore.sql (from \`npx ownit dump\`)`,
      ` and create the roles the services log in as. To load a newer export: docker compose down -v, then up again.`,
      ...(p.base44Server
        ? [
            ` The app logs in as ${APP_SERVER_LOGINS.runtime.role}, which may only read and write rows; ${DB_SETUP_SERVICE} (npm run db:setup)`,
            ` runs before it as ${APP_SERVER_LOGINS.owner.role}, the tables' owner.`,
          ]
        : []),
      ...(composeAppLogin(p)
        ? [
            ` The app logs in as ${APP_SERVER_LOGINS.runtime.role}: it reads and writes every row (past row level security, as the superuser`,
            ` it replaces did) but may not change the schema. Run migrations as ${POSTGRES_SUPERUSER}: docker compose exec db psql -U ${POSTGRES_SUPERUSER}.`,
          ]
        : []),
    ].join("\n");
  }
  if (supabase) {
    const gateway = doc.getIn(["services", "gateway"], true) as YAML.YAMLMap;
    const served = servedRoutes(p)
      .map((r) => `${r.path} → ${r.service}`)
      .join(", ");
    const unserved = SUPABASE_GATEWAY_ROUTES.filter((r) => !servedRoutes(p).includes(r)).map((r) => r.path);
    gateway.commentBefore = ` One origin for the browser: ${served}, everything else → the app.${unserved.length ? `\n The app's code never calls ${unserved.join(", ")}: the gateway answers 501 there.` : ""}`;
  }
  return doc.toString({ lineWidth: 0 });
}

/** The app itself: built with its public env as build args, run with the env that points at compose's own services. */
function appService(p: DeployProject, supabase: boolean): Record<string, unknown> {
  const args: Record<string, string> = {};
  for (const v of p.buildEnv) {
    if (supabase && v.name === p.supabase.urlVar) args[v.name] = `\${PUBLIC_URL:-${COMPOSE_PUBLIC_URL}}`;
    else if (supabase && v.name === p.supabase.keyVar)
      args[v.name] = required("SUPABASE_ANON_KEY", "node docker/supabase-keys.mjs prints one");
    else args[v.name] = `\${${v.name}}`;
  }
  // Compose wires what points at its own services; every other setting comes from .env as it is
  // (unset stays unset, so the server's own defaults apply; the image's PORT is never overridden).
  const environment: Record<string, string> = {};
  for (const v of p.runtimeEnv) {
    if (v.name === DATABASE_URL_ENV) environment[v.name] = appServerDbUrl(APP_SERVER_LOGINS.runtime);
    else if (supabase && /SUPABASE_URL$/.test(v.name)) environment[v.name] = `http://gateway:${GATEWAY_PORT}`;
    else if (supabase && /SUPABASE_(ANON|PUBLISHABLE)_KEY$/.test(v.name))
      environment[v.name] = required("SUPABASE_ANON_KEY", "node docker/supabase-keys.mjs prints one");
    else if (supabase && /SERVICE_ROLE_KEY$/.test(v.name))
      environment[v.name] = required("SUPABASE_SERVICE_ROLE_KEY", "node docker/supabase-keys.mjs prints one");
  }

  const app: Record<string, unknown> = {
    build: Object.keys(args).length ? { context: ".", args } : { context: "." },
    restart: "unless-stopped",
  };
  // The short form: the long one ({ path, required }) is compose v2.24+ only, and Debian's docker-compose rejects it.
  if (p.runtime === "node" && p.runtimeEnv.length) {
    app.env_file = [".env"];
    // environment wins over env_file: the app never holds the other services' secrets.
    for (const name of composeOnlySecrets(p, supabase)) environment[name] ??= "";
  }
  if (Object.keys(environment).length) app.environment = environment;
  // With the gateway in front, the browser reaches the app and supabase-js's paths on one origin.
  if (!supabase) app.ports = [`\${APP_PORT:-${p.port}}:${p.port}`];
  // A server that connects to the database waits for it (a static bundle or a supabase-js client never does).
  if (p.database && p.runtimeEnv.some((v) => v.name === DATABASE_URL_ENV))
    app.depends_on = { db: { condition: "service_healthy" } };
  return app;
}

/** PostgreSQL loading the export on first start (and, for Realtime, built with wal2json and logical decoding). */
function dbService(p: DeployProject, supabase: boolean): Record<string, unknown> {
  const db: Record<string, unknown> = {
    image: POSTGRES_IMAGE,
    restart: "unless-stopped",
    environment: { POSTGRES_USER: POSTGRES_SUPERUSER, POSTGRES_PASSWORD: PASSWORD, POSTGRES_DB: DB },
    volumes: [
      `db-data:${postgresDataMount()}`,
      `./${INIT_DIR}:/docker-entrypoint-initdb.d:ro`,
      `${EXPORT_DIR_HOST}:${EXPORT_DIR_CONTAINER}:ro`,
    ],
    healthcheck: {
      test: ["CMD-SHELL", `pg_isready -U ${POSTGRES_SUPERUSER} -d "$$POSTGRES_DB"`],
      interval: "5s",
      timeout: "5s",
      retries: 20,
    },
  };
  if (supabase) {
    // The init script gives each service's login role the password that service connects with.
    const environment = db.environment as Record<string, string>;
    for (const login of serviceLogins(p))
      environment[SERVICE_LOGINS[login].passwordVar] = required(
        SERVICE_LOGINS[login].passwordVar,
        "node docker/supabase-keys.mjs prints one",
      );
  }
  if (supabase && p.uses.realtime) {
    // Realtime decodes the WAL with wal2json: the image gains the plugin and the server logical decoding.
    Object.assign(db, {
      image: `${p.name}-db:${POSTGRES_IMAGE.split(":")[1]}-wal2json`,
      build: { context: `./${POSTGRES_BUILD_DIR}` },
      command: ["postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=10", "-c", "max_wal_senders=10"],
    });
  }
  return db;
}
