// The database side of the server beyond the app's entity tables: its auth and social sign-in
// tables, the realtime capture triggers, and the rights of the role the server logs in as.
// `npm run db:setup` runs as the tables' owner (DATABASE_OWNER_URL) and grants the server's own
// role (the user in DATABASE_URL) reading and writing rows and nothing else: no DDL, no roles, no
// extensions. So a flaw in a request handler can read or change what the app's rules guard, but can
// never drop a table or widen its own rights. The server then checks at start that everything is
// in place and runs no DDL; where it is the owner itself (a one-role local database) it still
// creates what is missing, as it always did.
import pg from "pg";
import { appConfig } from "./config";
import { AUTH_SCHEMA_SQL, quoteIdent } from "./db";
import { OAUTH_SCHEMA_SQL } from "./oauth";
import { realtimeSchemaSql } from "./realtime";
import { THROTTLE_SCHEMA_SQL } from "./throttle";

/** The server's own tables, each of which must exist before it serves a request. */
const SERVER_TABLES = [
  "ownit_auth.passwords",
  "ownit_auth.sessions",
  "ownit_auth.reset_tokens",
  "ownit_auth.identities",
  "ownit_auth.oauth_flows",
  "ownit_auth.throttle",
  "ownit_realtime.events",
];
/** PostgreSQL's "insufficient privilege": the server's role may not run the DDL. */
const INSUFFICIENT_PRIVILEGE = "42501";

interface Queryable {
  query: pg.Pool["query"];
}

export function entityTables(): string[] {
  return Object.values(appConfig.entities).map((e) => e.table);
}

/** The users' table: sign-in finds an account by its address, so two accounts must never share one. */
export function usersTable(): string {
  return appConfig.entities[appConfig.userEntity]!.table;
}

/** Where an address is unique whatever its case (two sign-ups racing for one address make one account). */
export const USERS_EMAIL_INDEX = "ownit_users_email_key";

/**
 * The unique index on the users' addresses; addresses already shared (in data moved from Base44)
 * stop it with a line naming them, before anything is created.
 */
export function usersEmailIndexSql(table: string = usersTable()): string {
  const t = quoteIdent(table);
  return `DO $ownit$ DECLARE shared text; BEGIN
  SELECT string_agg(address, ', ') INTO shared FROM (SELECT lower("email") AS address FROM ${t} WHERE "email" IS NOT NULL GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 5) d;
  IF shared IS NOT NULL THEN
    RAISE EXCEPTION 'more than one user in % has the address %: merge or change those accounts, then run db:setup again', '${table.replace(/'/g, "''")}', shared;
  END IF;
END $ownit$;
CREATE UNIQUE INDEX IF NOT EXISTS ${USERS_EMAIL_INDEX} ON ${t} (lower("email"));`;
}

/** Every statement the server's tables and triggers need, idempotent (one query: one transaction). */
export function serverSchemaSql(tables: string[] = entityTables()): string {
  return `${AUTH_SCHEMA_SQL}\n${THROTTLE_SCHEMA_SQL}\n${OAUTH_SCHEMA_SQL}\n${realtimeSchemaSql(tables)}\n${usersEmailIndexSql()}`;
}

/**
 * The rights of the server's login role: rows of the entity tables and of its own auth tables,
 * reading and pruning captured realtime rows (the triggers write them as their owner). Nothing on
 * the schemas beyond USAGE, so it can create, alter or drop nothing.
 */
export function runtimeGrantsSql(role: string, schema: string, tables: string[] = entityTables()): string {
  const r = quoteIdent(role);
  const entityList = tables.map((t) => `${quoteIdent(schema)}.${quoteIdent(t)}`).join(", ");
  return `GRANT USAGE ON SCHEMA ${quoteIdent(schema)}, ownit_auth, ownit_realtime TO ${r};
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE ${entityList} TO ${r};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ownit_auth TO ${r};
GRANT SELECT, DELETE ON ownit_realtime.events TO ${r};`;
}

/** What of the server's schema is missing (empty when everything is in place); reads the catalog only. */
export async function missingSetup(db: Queryable, tables: string[] = entityTables()): Promise<string[]> {
  const { rows } = await db.query<{ missing: string }>(
    `SELECT name AS missing FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL
     UNION ALL
     SELECT 'ownit_auth.sessions.last_seen_at' WHERE to_regclass('ownit_auth.sessions') IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('ownit_auth.sessions') AND attname = 'last_seen_at' AND NOT attisdropped)
     UNION ALL
     SELECT 'the unique index on user addresses' WHERE to_regclass($3) IS NULL
     UNION ALL
     SELECT 'realtime triggers on ' || t FROM unnest($2::text[]) AS t
      WHERE (SELECT count(*) FROM pg_trigger g WHERE g.tgrelid = to_regclass(quote_ident(t)) AND g.tgname LIKE 'ownit\\_realtime\\_%') < 3`,
    [SERVER_TABLES, tables, USERS_EMAIL_INDEX],
  );
  return rows.map((r) => r.missing);
}

/**
 * At start: nothing to do when db:setup has run. Otherwise the server creates what is missing if its
 * role may (the owner of a one-role database), and stops naming db:setup if it may not.
 */
export async function ensureServerSchema(pool: pg.Pool): Promise<void> {
  const missing = await missingSetup(pool);
  if (!missing.length) return;
  try {
    await pool.query(serverSchemaSql());
  } catch (error) {
    if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) throw error;
    throw new Error(
      `the database lacks ${missing.join(", ")}, and the role in DATABASE_URL may not create them (as it should not): run \`npm run db:setup\` with DATABASE_OWNER_URL set to the tables' owner (see .env.example)`,
    );
  }
}

/** The login role a connection URL names (PGUSER when the URL has none). */
export function roleOf(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    return decodeURIComponent(new URL(databaseUrl).username) || env.PGUSER || undefined;
  } catch {
    return env.PGUSER || undefined;
  }
}

/**
 * `npm run db:setup`, as the owner: the entity tables when none exist yet (an empty database; a
 * restored one already has them), the server's tables and triggers, and the runtime role's rights.
 * One transaction: a failure leaves the database as it was.
 */
export async function setupDatabase(ownerUrl: string, runtimeUrl: string | undefined, entitySql: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  const done: string[] = [];
  try {
    await client.query("BEGIN");
    const tables = entityTables();
    const { rows } = await client.query<{ present: string[]; owner: string; schema: string }>(
      `SELECT coalesce(array_agg(t) FILTER (WHERE to_regclass(quote_ident(t)) IS NOT NULL), '{}') AS present, current_user AS owner, current_schema() AS schema
         FROM unnest($1::text[]) AS t`,
      [tables],
    );
    const { present, owner, schema } = rows[0]!;
    if (!present.length) {
      await client.query(entitySql);
      done.push("created the app's tables");
    } else if (present.length < tables.length) {
      const absent = tables.filter((t) => !present.includes(t));
      throw new Error(`the database has some of the app's tables but not ${absent.join(", ")}: create those with their CREATE TABLE from server/schema.sql`);
    }
    await client.query(serverSchemaSql(tables));
    done.push("created the server's auth tables and realtime triggers");
    const runtime = runtimeUrl ? roleOf(runtimeUrl) : undefined;
    if (runtime && runtime !== owner) {
      await client.query(runtimeGrantsSql(runtime, schema, tables));
      done.push(`granted ${runtime} reading and writing rows (no schema changes)`);
    }
    await client.query("COMMIT");
    return done;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
