// What a database holds, read from its catalog: the app's schemas, the tables (columns, primary
// key, size) and sequences to move, the extensions in use, and the sets of named objects verify
// compares between source and target. The same queries run on both sides.
import type pg from "pg";
import type { ExtensionEntry, SequenceEntry } from "./export-format";
import type { ChecksumTable } from "./checksum";
import { EXTENSION_MEMBER, qualified, SYSTEM_SCHEMA } from "./sql";
import { PLATFORM_FUNCTION_SCHEMAS, SUPABASE_INTERNAL_SCHEMAS } from "./supabase-objects";

/** What a dump covers: whole schemas, plus single tables outside them (auth.users, ...). */
export interface Scope {
  schemas: string[];
  tables: { schema: string; name: string }[];
}

export interface CatalogTable extends ChecksumTable {
  estimatedRows: number;
  sizeBytes: number;
}

/** Schemas holding the app: every schema that is neither PostgreSQL's, Supabase's, nor an extension's. */
export async function appSchemas(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ nspname: string }>(
    `select n.nspname from pg_namespace n
      where not ${SYSTEM_SCHEMA} and n.nspname <> all($1::text[])
        and not ${EXTENSION_MEMBER("pg_namespace", "n.oid")}
      order by n.nspname = 'public' desc, n.nspname`,
    [SUPABASE_INTERNAL_SCHEMAS],
  );
  return rows.map((r) => r.nspname);
}

export async function existingSchemas(client: pg.Client, names: string[]): Promise<string[]> {
  const { rows } = await client.query<{ nspname: string }>("select nspname from pg_namespace where nspname = any($1::text[])", [
    names,
  ]);
  return rows.map((r) => r.nspname);
}

export async function existingTables(
  client: pg.Client,
  tables: { schema: string; name: string }[],
): Promise<{ schema: string; name: string }[]> {
  if (!tables.length) return [];
  const { rows } = await client.query<{ schema: string; name: string }>(
    `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and (n.nspname::text, c.relname::text) in (select * from unnest($1::text[], $2::text[]))`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  return tables.filter((t) => rows.some((r) => r.schema === t.schema && r.name === t.name));
}

/** A CTE naming the tables in scope ($1 schemas, $2/$3 extra tables' schemas and names). */
const SCOPE_TABLES = `scope_tables as (
  select c.oid, n.nspname, c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p')
     and (n.nspname = any($1::text[]) or (n.nspname::text, c.relname::text) in (select * from unnest($2::text[], $3::text[])))
     and not ${EXTENSION_MEMBER("pg_class", "c.oid")})`;

function scopeParams(scope: Scope): unknown[] {
  return [scope.schemas, scope.tables.map((t) => t.schema), scope.tables.map((t) => t.name)];
}

/**
 * Tables whose rows move: plain tables and partitions (a partitioned parent holds no rows of its
 * own), with their stored columns (generated ones are recomputed by the target) and primary key.
 * Largest first, so parallel copies finish together.
 */
export async function listTables(client: pg.Client, scope: Scope): Promise<CatalogTable[]> {
  const { rows } = await client.query<{
    schema: string;
    name: string;
    columns: string[];
    pk: string[] | null;
    est: string;
    size: string;
  }>(
    `with ${SCOPE_TABLES}
     select st.nspname as schema, st.relname as name,
            array(select a.attname::text from pg_attribute a
                   where a.attrelid = st.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
                   order by a.attnum) as columns,
            (select array(select a.attname::text from unnest(i.indkey::int2[]) with ordinality k(attnum, ord)
                           join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum order by k.ord)
               from pg_index i where i.indrelid = st.oid and i.indisprimary) as pk,
            greatest(c.reltuples, 0)::bigint::text as est, pg_relation_size(st.oid)::text as size
       from scope_tables st join pg_class c on c.oid = st.oid
      where st.relkind = 'r'
      order by pg_relation_size(st.oid) desc, st.nspname, st.relname`,
    scopeParams(scope),
  );
  return rows.map((r) => ({
    schema: r.schema,
    name: r.name,
    columns: r.columns,
    primaryKey: r.pk ?? [],
    estimatedRows: Number(r.est),
    sizeBytes: Number(r.size),
  }));
}

/** Sequences in the app schemas and those owned by columns of tables in scope, with their values. */
export async function listSequences(client: pg.Client, scope: Scope): Promise<SequenceEntry[]> {
  const { rows } = await client.query<{ schema: string; name: string }>(
    `with ${SCOPE_TABLES}
     select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'S' and not ${EXTENSION_MEMBER("pg_class", "c.oid")}
        and (n.nspname = any($1::text[])
             or exists (select 1 from pg_depend d join scope_tables st on st.oid = d.refobjid
                         where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')))
      order by 1, 2`,
    scopeParams(scope),
  );
  const result: SequenceEntry[] = [];
  for (const r of rows) {
    const { rows: values } = await client.query<{ last_value: string; is_called: boolean }>(
      `select last_value::text, is_called from ${qualified(r.schema, r.name)}`,
    );
    result.push({ schema: r.schema, name: r.name, lastValue: values[0]!.last_value, isCalled: values[0]!.is_called });
  }
  return result;
}

export async function listExtensions(client: pg.Client): Promise<ExtensionEntry[]> {
  const { rows } = await client.query<{ name: string; schema: string; version: string }>(
    "select e.extname as name, n.nspname as schema, e.extversion as version from pg_extension e join pg_namespace n on n.oid = e.extnamespace order by 1",
  );
  return rows;
}

/** Enum types outside the app schemas that columns of tables in scope use (storage.buckettype). */
export async function foreignEnums(
  client: pg.Client,
  scope: Scope,
): Promise<{ schema: string; name: string; labels: string[] }[]> {
  const { rows } = await client.query<{ schema: string; name: string; labels: string[] }>(
    `with ${SCOPE_TABLES}
     select distinct tn.nspname as schema, t.typname as name,
            array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder) as labels
       from scope_tables st join pg_attribute a on a.attrelid = st.oid and a.attnum > 0 and not a.attisdropped
       join pg_type t on t.oid = a.atttypid or t.typarray = a.atttypid
       join pg_namespace tn on tn.oid = t.typnamespace
      where t.typtype = 'e' and tn.nspname <> all($1::text[])
      order by 1, 2`,
    scopeParams(scope),
  );
  return rows;
}

/**
 * The named objects of a scope, by kind, as comparable strings: tables, row security, columns
 * (with type and NOT NULL), constraints, indexes, policies (with roles and expressions),
 * triggers (except those running Supabase's platform functions), functions (with a digest of their body), views,
 * sequences and types. NOT NULL constraints are left out of `constraints` (PostgreSQL 18 lists
 * them there, older versions do not); they show in `columns`.
 */
export async function schemaObjects(client: pg.Client, scope: Scope): Promise<Record<string, string[]>> {
  const { rows } = await client.query<{ kind: string; item: string }>(
    `with ${SCOPE_TABLES}
     select 'tables' as kind, format('%s.%s', nspname, relname) as item from scope_tables
     union all
     select 'row security', format('%s.%s %s', st.nspname, st.relname, case when c.relforcerowsecurity then 'forced' else 'enabled' end)
       from scope_tables st join pg_class c on c.oid = st.oid where c.relrowsecurity
     union all
     select 'columns', format('%s.%s.%s %s%s', st.nspname, st.relname, a.attname, format_type(a.atttypid, a.atttypmod), case when a.attnotnull then ' not null' else '' end)
       from scope_tables st join pg_attribute a on a.attrelid = st.oid where a.attnum > 0 and not a.attisdropped
     union all
     select 'constraints', format('%s.%s.%s %s', st.nspname, st.relname, con.conname, con.contype)
       from scope_tables st join pg_constraint con on con.conrelid = st.oid where con.contype in ('p', 'u', 'f', 'c', 'x')
     union all
     select 'indexes', format('%s.%s on %s', st.nspname, ic.relname, st.relname)
       from scope_tables st join pg_index i on i.indrelid = st.oid join pg_class ic on ic.oid = i.indexrelid
     union all
     select 'policies', format('%s.%s.%s %s %s to %s using %s check %s', p.schemaname, p.tablename, p.policyname, p.cmd, p.permissive,
                               (select string_agg(r, ',' order by r) from unnest(p.roles) r), coalesce(p.qual, '-'), coalesce(p.with_check, '-'))
       from pg_policies p join scope_tables st on st.nspname = p.schemaname and st.relname = p.tablename
     union all
     select 'triggers', format('%s.%s.%s', st.nspname, st.relname, t.tgname) -- those a portable schema keeps
       from scope_tables st join pg_trigger t on t.tgrelid = st.oid join pg_proc f on f.oid = t.tgfoid join pg_namespace fn on fn.oid = f.pronamespace
      where not t.tgisinternal and fn.nspname <> all($4::text[])
     union all
     select 'functions', format('%s.%s(%s) %s', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), left(md5(coalesce(p.prosrc, '')), 8))
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = any($1::text[]) and not ${EXTENSION_MEMBER("pg_proc", "p.oid")}
     union all
     select case c.relkind when 'S' then 'sequences' else 'views' end, format('%s.%s', n.nspname, c.relname)
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('v', 'm', 'S') and n.nspname = any($1::text[]) and not ${EXTENSION_MEMBER("pg_class", "c.oid")}
     union all
     select 'types', format('%s.%s %s', n.nspname, t.typname,
                            case t.typtype when 'e' then (select 'enum(' || string_agg(e.enumlabel, ',' order by e.enumsortorder) || ')' from pg_enum e where e.enumtypid = t.oid)
                                           when 'd' then 'domain ' || format_type(t.typbasetype, t.typtypmod)
                                           else 'composite' end)
       from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where n.nspname = any($1::text[]) and not ${EXTENSION_MEMBER("pg_type", "t.oid")}
        and (t.typtype in ('e', 'd') or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c'))`,
    [...scopeParams(scope), PLATFORM_FUNCTION_SCHEMAS],
  );
  const objects: Record<string, string[]> = {};
  for (const r of rows) (objects[r.kind] ??= []).push(r.item);
  for (const list of Object.values(objects)) list.sort();
  return objects;
}

/** Row counts of tables, by "schema.name" (exact counts: used for findings on small auth tables). */
export async function rowCounts(client: pg.Client, tables: { schema: string; name: string }[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const t of await existingTables(client, tables)) {
    const { rows } = await client.query<{ n: string }>(`select count(*)::text as n from ${qualified(t.schema, t.name)}`);
    counts.set(`${t.schema}.${t.name}`, Number(rows[0]!.n));
  }
  return counts;
}
