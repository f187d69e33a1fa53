// What a Supabase database holds besides the app, as named lists: which schemas, extensions and
// roles belong to the platform (and why each group is there), which auth and storage tables the
// export carries, and the connection facts dump and restore check. Every other module reads these
// lists instead of spelling the names itself.

/**
 * Schemas Supabase creates and manages in every project. They are never taken as app schemas;
 * the parts of `auth` and `storage` an app relies on are carried table by table (below).
 */
export const SUPABASE_INTERNAL_SCHEMAS = [
  "auth", // GoTrue: users, identities, sessions, MFA, SSO
  "storage", // Storage API metadata: buckets and objects (the bytes live in an object store)
  "extensions", // where Supabase installs extensions; the prelude recreates it
  "graphql", // pg_graphql
  "graphql_public", // pg_graphql's public wrapper
  "realtime", // Realtime's subscriptions and broadcast tables
  "_realtime", // Realtime's own bookkeeping
  "vault", // supabase_vault secrets
  "pgsodium", // pgsodium key management
  "pgsodium_masks", // pgsodium's masking views
  "net", // pg_net's request and response queues
  "cron", // pg_cron's jobs and their history
  "supabase_functions", // database webhooks (triggers that call supabase_functions.http_request)
  "supabase_migrations", // the Supabase CLI's migration history
  "pgbouncer", // the pooler's auth function
  "_analytics", // Logflare
  "_supavisor", // the Supavisor pooler
  "pgtle", // Trusted Language Extensions registry
  "pgmq", // Supabase Queues
  "pgmq_public", // Supabase Queues' API wrappers
] as const;

/**
 * Schemas whose objects exist only on Supabase: a portable schema drops every object in them (for
 * when a dump includes them, e.g. a whole-database pg_dump).
 */
export const SUPABASE_ONLY_SCHEMAS = SUPABASE_INTERNAL_SCHEMAS.filter((s) => !["auth", "storage", "extensions"].includes(s));

/**
 * Schemas whose functions stay on Supabase: a trigger that runs one of them (a database webhook,
 * Storage's own bookkeeping) is dropped. Triggers running app functions or extension functions
 * (e.g. extensions.moddatetime) are kept.
 */
export const PLATFORM_FUNCTION_SCHEMAS = [...SUPABASE_ONLY_SCHEMAS, "auth", "storage"];

/**
 * Schemas the prelude owns: objects a dump has in them besides the extensions themselves are
 * Supabase's platform functions (pgrst_ddl_watch, grant_pg_cron_access, ...) and are dropped.
 */
export const PRELUDE_OWNED_SCHEMAS = ["extensions"] as const;

/**
 * Extensions that exist only on Supabase's Postgres image (or need its preloaded libraries). Stock
 * PostgreSQL cannot install them, so their CREATE EXTENSION and schemas are dropped, with a finding.
 */
export const SUPABASE_ONLY_EXTENSIONS: Record<string, string> = {
  pg_graphql: "the GraphQL endpoint (/graphql/v1) is served by Supabase only",
  pgsodium: "libsodium encryption and its key server exist on Supabase only",
  supabase_vault: "Vault secrets are encrypted with a key held by Supabase: copy the values you need into your new environment",
  pg_net: "async HTTP from SQL (edge function calls, webhooks) needs Supabase's pg_net build",
  pg_cron: "scheduled jobs: each one is listed with the SQL to recreate it where pg_cron runs",
  pgjwt: "JWT signing in SQL is deprecated by Supabase and not packaged for stock PostgreSQL",
};

/**
 * Extensions Supabase installs for itself that an app does not need on its new server; skipped
 * without a finding. pg_stat_statements needs shared_preload_libraries on the target.
 */
export const PLATFORM_EXTENSIONS_SKIPPED = ["plpgsql", "pg_stat_statements", "supautils", "pgaudit"] as const;

/** Whether an extension moves to the target: neither Supabase-only nor one the platform installs for itself. */
export function isCarriedExtension(name: string): boolean {
  return !Object.hasOwn(SUPABASE_ONLY_EXTENSIONS, name) && !(PLATFORM_EXTENSIONS_SKIPPED as readonly string[]).includes(name);
}

/** Extensions the prelude always creates in schema `extensions`, as Supabase does. */
export const PRELUDE_EXTENSIONS = ["pgcrypto", "uuid-ossp"] as const;

/**
 * Extensions shipped with PostgreSQL itself (contrib): any server can create them. Others found in
 * the source (vector, postgis, ...) are carried too but need installing on the target: a finding
 * at dump time, and restore checks pg_available_extensions before it starts.
 */
export const CONTRIB_EXTENSIONS = [
  "pgcrypto",
  "uuid-ossp",
  "pg_trgm",
  "citext",
  "hstore",
  "ltree",
  "unaccent",
  "fuzzystrmatch",
  "btree_gin",
  "btree_gist",
  "cube",
  "earthdistance",
  "intarray",
  "isn",
  "tablefunc",
  "pg_stat_statements",
  "pgrowlocks",
  "pgstattuple",
  "postgres_fdw",
  "dblink",
  "seg",
  "tcn",
  "tsm_system_rows",
  "tsm_system_time",
  "lo",
  "moddatetime",
  "autoinc",
  "insert_username",
  "refint",
  "dict_int",
  "dict_xsyn",
  "bloom",
  "amcheck",
  "pg_prewarm",
  "pg_buffercache",
  "pg_visibility",
  "pg_walinspect",
  "xml2",
  "plpgsql",
] as const;

/**
 * Roles the app's grants and policies name: PostgREST switches to them per request. The prelude
 * creates them (NOLOGIN; service_role with BYPASSRLS) and their grants are kept.
 */
export const API_ROLES = ["anon", "authenticated", "service_role"] as const;

/**
 * Platform roles: owners and grants naming them are dropped. `postgres` is here because on
 * Supabase it owns the app's objects; on the target the restoring role owns what it creates, so a
 * grant to `postgres` adds nothing there and fails where no such role exists.
 */
export const PLATFORM_ROLES = [
  "supabase_admin",
  "supabase_auth_admin",
  "supabase_storage_admin",
  "supabase_realtime_admin",
  "supabase_functions_admin",
  "supabase_replication_admin",
  "supabase_read_only_user",
  "supabase_etl_admin",
  "supabase_privileged_role",
  "dashboard_user",
  "authenticator",
  "pgbouncer",
  "pgsodium_keyholder",
  "pgsodium_keyiduser",
  "pgsodium_keymaker",
  "pgtle_admin",
  "postgres",
] as const;

/** Any role whose name starts like this is a platform role too (new ones appear over time). */
export const PLATFORM_ROLE_PREFIXES = ["supabase_", "pgsodium_"] as const;

/** The publications Supabase Realtime streams changes from. */
export const REALTIME_PUBLICATIONS = ["supabase_realtime", "supabase_realtime_messages_publication"] as const;
/** The one that lists the app's tables (`ALTER PUBLICATION supabase_realtime ADD TABLE …`): carried to the target. */
export const REALTIME_APP_PUBLICATION = "supabase_realtime";

export interface CarriedTable {
  schema: string;
  name: string;
  /** Why the app needs it. */
  reason: string;
}

/**
 * auth tables whose rows move: users (bcrypt hashes keep passwords working) and identities (OAuth
 * and email logins). Foreign keys to auth.users and the handle_new_user trigger hang off them.
 */
export const CARRIED_AUTH_TABLES: CarriedTable[] = [
  { schema: "auth", name: "users", reason: "accounts and bcrypt password hashes" },
  { schema: "auth", name: "identities", reason: "which provider each account signs in with" },
];

/** Storage metadata, carried when the project has buckets (the files come from the Storage API). */
export const CARRIED_STORAGE_TABLES: CarriedTable[] = [
  { schema: "storage", name: "buckets", reason: "bucket settings (public, size limit, mime types)" },
  { schema: "storage", name: "objects", reason: "which file belongs to whom; storage policies sit on it" },
];

/** auth tables left behind on purpose, with the reason a finding gives. */
export const DROPPED_AUTH_TABLES: Record<string, string> = {
  sessions: "sessions are signed with the old project's JWT secret: everyone signs in again",
  refresh_tokens: "refresh tokens belong to those sessions and stop working with them",
};

/**
 * Functions the prelude defines (as Supabase does). A dump that also defines them is rewritten to
 * CREATE OR REPLACE, and triggers or policies calling them keep working.
 */
export const PRELUDE_FUNCTIONS = [
  "auth.uid",
  "auth.role",
  "auth.email",
  "auth.jwt",
  "storage.foldername",
  "storage.filename",
  "storage.extension",
] as const;

/** The trigger function database webhooks call (its arguments hold the URL and headers). */
export const WEBHOOK_FUNCTION = "supabase_functions.http_request";

/**
 * Supavisor's transaction mode listens on 6543: each statement may land on another server
 * connection, so one snapshot shared by several connections cannot work there.
 */
export const TRANSACTION_POOLER_PORT = 6543;

/** pg_net calls in SQL text. */
export const PG_NET_CALL = /\bnet\s*\.\s*http_(get|post|delete)\s*\(/i;

export function isPlatformRole(role: string): boolean {
  const name = role.replace(/^"|"$/g, "");
  return (PLATFORM_ROLES as readonly string[]).includes(name) || PLATFORM_ROLE_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * Secrets Supabase gives every edge function by itself. They belong to the builder's project (its
 * database, its keys): `dump --with-secrets` does not copy them, the owner's new project has its own.
 */
export const SUPABASE_FUNCTION_DEFAULT_SECRETS: readonly string[] = [
  "SUPABASE_URL",
  "SUPABASE_DB_URL",
  "SUPABASE_SERVICE_ROLE_KEY",
  "SUPABASE_ANON_KEY",
  "SUPABASE_SECRET_KEYS",
  "SUPABASE_PUBLISHABLE_KEYS",
];
