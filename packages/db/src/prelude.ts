// The prelude: what a Supabase app's schema expects of the database, created on stock PostgreSQL
// 14-18 before the app's own objects. The API roles its grants and policies name, the
// `extensions` schema with pgcrypto and uuid-ossp, the `auth` schema with the JWT helpers reading
// request.jwt.claims as Supabase defines them, and, when the export does not carry them itself,
// auth.users and auth.identities shaped as current Supabase has them. Every statement can run
// again on a database that already has it.
import type { ExtensionEntry } from "./export-format";
import { qualified, quoteIdent, quoteLiteral } from "./sql";
import { API_ROLES, isCarriedExtension, PRELUDE_EXTENSIONS } from "./supabase-objects";

/** Lines around the prelude in schema.sql, so a restore into a Supabase project can leave it out (Supabase has its own). */
export const PRELUDE_BEGIN = "-- ownit:prelude-begin";
export const PRELUDE_END = "-- ownit:prelude-end";

export interface PreludeOptions {
  /** Extensions the source had (Supabase-only and platform ones are skipped here). */
  extensions?: ExtensionEntry[];
  /** Create auth.users and auth.identities when the export does not bring its own. */
  stockAuthTables?: boolean;
  /** Create storage.foldername/filename/extension (storage policies call them). */
  storageFunctions?: boolean;
  /** Enum types outside the app schemas that carried tables use (e.g. storage.buckettype). */
  enums?: { schema: string; name: string; labels: string[] }[];
}

function roles(): string {
  const body = API_ROLES.map((role) => {
    const create = `CREATE ROLE ${role} NOLOGIN NOINHERIT${role === "service_role" ? " BYPASSRLS" : ""}`;
    if (role !== "service_role")
      return `  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${role}') THEN ${create}; END IF;`;
    // BYPASSRLS needs a superuser (or, from PostgreSQL 16, a role that has it): without, the role
    // is created plainly and a warning says service_role will be subject to RLS.
    return [
      `  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${role}') THEN`,
      `    BEGIN ${create};`,
      `    EXCEPTION WHEN insufficient_privilege THEN`,
      `      CREATE ROLE ${role} NOLOGIN NOINHERIT;`,
      `      RAISE WARNING 'service_role was created without BYPASSRLS (only a superuser can grant it): it is subject to row level security';`,
      `    END;`,
      `  END IF;`,
    ].join("\n");
  });
  return [
    "-- The roles PostgREST switches to per request; policies and grants name them.",
    "DO $$",
    "BEGIN",
    ...body,
    "END $$;",
  ].join("\n");
}

function extensions(entries: ExtensionEntry[]): string {
  const wanted = new Map<string, string>(PRELUDE_EXTENSIONS.map((name) => [name, "extensions"]));
  for (const e of entries) if (isCarriedExtension(e.name)) wanted.set(e.name, e.schema);
  const lines = [
    "-- Supabase keeps extensions in their own schema, on every role's search_path.",
    "CREATE SCHEMA IF NOT EXISTS extensions;",
    `GRANT USAGE ON SCHEMA extensions TO ${API_ROLES.join(", ")};`,
  ];
  for (const [name, schema] of wanted) {
    if (schema !== "extensions" && schema !== "public") lines.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)};`);
    lines.push(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(name)} WITH SCHEMA ${quoteIdent(schema)};`);
  }
  // Functions in the app call extension functions unqualified, as Supabase's search_path allows.
  lines.push(
    "DO $$",
    "BEGIN",
    "  IF NOT EXISTS (SELECT FROM pg_catalog.pg_db_role_setting s JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase",
    "                  WHERE d.datname = current_database() AND s.setrole = 0 AND s.setconfig::text LIKE '%search_path=%') THEN",
    `    EXECUTE format('ALTER DATABASE %I SET search_path = "$user", public, extensions', current_database());`,
    "  END IF;",
    "EXCEPTION WHEN insufficient_privilege THEN",
    `  RAISE WARNING 'search_path not set for the database (only its owner can): add "extensions" to your roles'' search_path if functions call extension functions unqualified';`,
    "END $$;",
  );
  return lines.join("\n");
}

/** auth.uid(), auth.role(), auth.email(), auth.jwt(): Supabase's definitions, reading PostgREST's claims. */
function authFunctions(): string {
  const claim = (name: string, type: string) => `CREATE OR REPLACE FUNCTION auth.${name}() RETURNS ${type}
    LANGUAGE sql STABLE
    AS $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.${name === "uid" ? "sub" : name}', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> '${name === "uid" ? "sub" : name}')
  )::${type}
$$;`;
  return [
    "-- The JWT helpers RLS policies call: PostgREST puts the verified token's claims in request.jwt.claims.",
    "CREATE SCHEMA IF NOT EXISTS auth;",
    `GRANT USAGE ON SCHEMA auth TO ${API_ROLES.join(", ")};`,
    claim("uid", "uuid"),
    claim("role", "text"),
    claim("email", "text"),
    `CREATE OR REPLACE FUNCTION auth.jwt() RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;`,
    `GRANT EXECUTE ON FUNCTION auth.uid(), auth.role(), auth.email(), auth.jwt() TO ${API_ROLES.join(", ")};`,
  ].join("\n");
}

/** auth.users and auth.identities with the columns supabase/auth's migrations leave (2025). */
export const STOCK_AUTH_TABLES = `-- Accounts, shaped as Supabase Auth keeps them (bcrypt hashes in encrypted_password).
CREATE TABLE IF NOT EXISTS auth.users (
    instance_id uuid,
    id uuid NOT NULL PRIMARY KEY,
    aud character varying(255),
    role character varying(255),
    email character varying(255),
    encrypted_password character varying(255),
    email_confirmed_at timestamp with time zone,
    invited_at timestamp with time zone,
    confirmation_token character varying(255),
    confirmation_sent_at timestamp with time zone,
    recovery_token character varying(255),
    recovery_sent_at timestamp with time zone,
    email_change_token_new character varying(255),
    email_change character varying(255),
    email_change_sent_at timestamp with time zone,
    last_sign_in_at timestamp with time zone,
    raw_app_meta_data jsonb,
    raw_user_meta_data jsonb,
    is_super_admin boolean,
    created_at timestamp with time zone,
    updated_at timestamp with time zone,
    phone text UNIQUE DEFAULT NULL,
    phone_confirmed_at timestamp with time zone,
    phone_change text DEFAULT '',
    phone_change_token character varying(255) DEFAULT '',
    phone_change_sent_at timestamp with time zone,
    confirmed_at timestamp with time zone GENERATED ALWAYS AS (LEAST(email_confirmed_at, phone_confirmed_at)) STORED,
    email_change_token_current character varying(255) DEFAULT '',
    email_change_confirm_status smallint DEFAULT 0 CHECK (email_change_confirm_status >= 0 AND email_change_confirm_status <= 2),
    banned_until timestamp with time zone,
    reauthentication_token character varying(255) DEFAULT '',
    reauthentication_sent_at timestamp with time zone,
    is_sso_user boolean NOT NULL DEFAULT false,
    deleted_at timestamp with time zone,
    is_anonymous boolean NOT NULL DEFAULT false
);
CREATE TABLE IF NOT EXISTS auth.identities (
    provider_id text NOT NULL,
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    identity_data jsonb NOT NULL,
    provider text NOT NULL,
    last_sign_in_at timestamp with time zone,
    created_at timestamp with time zone,
    updated_at timestamp with time zone,
    email text GENERATED ALWAYS AS (lower(identity_data ->> 'email')) STORED,
    id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    UNIQUE (provider_id, provider)
);
ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth.identities ENABLE ROW LEVEL SECURITY;`;

/** storage.foldername/filename/extension: what storage policies use to read an object's path. */
function storageFunctions(): string {
  return `-- Path helpers storage policies call, e.g. (storage.foldername(name))[1] = auth.uid()::text.
CREATE SCHEMA IF NOT EXISTS storage;
GRANT USAGE ON SCHEMA storage TO ${API_ROLES.join(", ")};
CREATE OR REPLACE FUNCTION storage.foldername(name text) RETURNS text[]
    LANGUAGE sql IMMUTABLE
    AS $$ select (string_to_array(name, '/'))[1:cardinality(string_to_array(name, '/')) - 1] $$;
CREATE OR REPLACE FUNCTION storage.filename(name text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ select (string_to_array(name, '/'))[cardinality(string_to_array(name, '/'))] $$;
CREATE OR REPLACE FUNCTION storage.extension(name text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ select case when storage.filename(name) like '%.%' then reverse(split_part(reverse(storage.filename(name)), '.', 1)) else '' end $$;`;
}

function enumTypes(enums: NonNullable<PreludeOptions["enums"]>): string {
  return enums
    .map((e) => {
      const labels = e.labels.map(quoteLiteral).join(", ");
      return [
        "DO $$",
        "BEGIN",
        `  CREATE SCHEMA IF NOT EXISTS ${quoteIdent(e.schema)};`,
        `  CREATE TYPE ${qualified(e.schema, e.name)} AS ENUM (${labels});`,
        "EXCEPTION WHEN duplicate_object THEN NULL;",
        "END $$;",
      ].join("\n");
    })
    .join("\n");
}

/** The prelude SQL. Fully qualified throughout: pg_dump's scripts run with an empty search_path. */
export function supabasePrelude(options: PreludeOptions = {}): string {
  const parts = [
    "-- ownit prelude: what this Supabase app's schema expects of the database, on stock PostgreSQL.",
    roles(),
    extensions(options.extensions ?? []),
    authFunctions(),
  ];
  if (options.stockAuthTables) parts.push(STOCK_AUTH_TABLES);
  if (options.storageFunctions) parts.push(storageFunctions());
  if (options.enums?.length) parts.push(`-- Types the carried auth and storage tables use.\n${enumTypes(options.enums)}`);
  return `${parts.join("\n\n")}\n`;
}
