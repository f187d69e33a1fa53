// What a database holds, as droppable objects ("table public.profiles", "schema auth", "role anon"):
// taken before and after a restore, the difference is what the restore created and what undoing it
// drops. Also decides whether a target counts as empty.
import type pg from "pg";
import { EXTENSION_MEMBER, SYSTEM_SCHEMA } from "./sql";

export interface InventoryItem {
  kind: string;
  /** SQL-ready name: quoted and schema-qualified where it has a schema. */
  id: string;
  schema: string | null;
  /** The bare name (for comparing with a manifest). */
  name: string;
}

/** The object kinds a restore can create, in the order undo drops them (dependents first). */
export const DROP_ORDER = [
  "publication",
  "view",
  "materialized view",
  "foreign table",
  "table",
  "sequence",
  "function",
  "procedure",
  "aggregate",
  "type",
  "extension",
  "schema",
  "role",
] as const;

const NOT_SYSTEM = `not ${SYSTEM_SCHEMA}`;
const NOT_EXTENSION_MEMBER = (classid: string, oid: string) => `not ${EXTENSION_MEMBER(classid, oid)}`;

export async function inventory(client: pg.Client): Promise<InventoryItem[]> {
  // regprocedure prints qualified names only for schemas off the search_path.
  await client.query("select pg_catalog.set_config('search_path', '', false)");
  const { rows } = await client.query<InventoryItem>(
    `select 'schema' as kind, quote_ident(n.nspname) as id, n.nspname as schema, n.nspname as name from pg_namespace n where ${NOT_SYSTEM}
     union all
     select case c.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence' when 'f' then 'foreign table' else 'table' end,
            quote_ident(n.nspname) || '.' || quote_ident(c.relname), n.nspname, c.relname
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and ${NOT_SYSTEM} and ${NOT_EXTENSION_MEMBER("pg_class", "c.oid")}
        and not (c.relkind = 'S' and exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')))
     union all
     select case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end, p.oid::regprocedure::text, n.nspname, p.proname
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${NOT_SYSTEM} and ${NOT_EXTENSION_MEMBER("pg_proc", "p.oid")}
     union all
     select 'type', quote_ident(n.nspname) || '.' || quote_ident(t.typname), n.nspname, t.typname
       from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where ${NOT_SYSTEM} and ${NOT_EXTENSION_MEMBER("pg_type", "t.oid")}
        and (t.typtype in ('e', 'd', 'r') or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c'))
     union all
     select 'extension', quote_ident(e.extname), null, e.extname from pg_extension e where e.extname <> 'plpgsql'
     union all
     select 'publication', quote_ident(p.pubname), null, p.pubname from pg_publication p
     union all
     select 'role', quote_ident(r.rolname), null, r.rolname from pg_roles r where r.rolname !~ '^pg_'`,
  );
  return rows;
}

export function itemKey(item: InventoryItem): string {
  return `${item.kind} ${item.id}`;
}

/**
 * Objects that make a database "not empty" for a restore: tables, functions, types and the like.
 * Roles (shared by the cluster), installed extensions, publications and schemas holding nothing else do not
 * count: an admin may have prepared those for the restore.
 */
export function userObjects(items: InventoryItem[]): InventoryItem[] {
  // A publication alone (a Supabase project's supabase_realtime) holds no data either.
  const isThing = (i: InventoryItem) => !["role", "extension", "schema", "publication"].includes(i.kind);
  const usedSchemas = new Set(items.filter(isThing).map((i) => i.schema));
  return items.filter((i) => isThing(i) || (i.kind === "schema" && i.name !== "public" && usedSchemas.has(i.schema)));
}

/** Items in after that were not in before. */
export function created(before: InventoryItem[], after: InventoryItem[]): InventoryItem[] {
  const had = new Set(before.map(itemKey));
  return after.filter((i) => !had.has(itemKey(i)));
}

/** The database-level settings (ALTER DATABASE … SET) of the connected database, by name. */
export async function databaseSettings(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ config: string[] | null }>(
    "select s.setconfig as config from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase where d.datname = current_database() and s.setrole = 0",
  );
  return (rows[0]?.config ?? []).map((c) => c.slice(0, c.indexOf("=")));
}

/** Created objects worth dropping one by one: objects inside a created schema go with the schema. */
export function undoList(items: InventoryItem[]): string[] {
  const newSchemas = new Set(items.filter((i) => i.kind === "schema").map((i) => i.schema));
  const order = (kind: string) => DROP_ORDER.indexOf(kind as (typeof DROP_ORDER)[number]);
  return items
    .filter((i) => i.kind === "schema" || i.schema === null || !newSchemas.has(i.schema))
    .sort((a, b) => order(b.kind) - order(a.kind))
    .map(itemKey);
}
