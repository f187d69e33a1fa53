// Which restored tables need an ANALYZE from the restore itself. A table loaded by COPY counts
// every row as modified, so autovacuum analyzes it within its next round (autovacuum_naptime, a
// minute by default), as it does after pg_restore; running ANALYZE inside the restore as well
// cost the bench 5% of the restore for statistics that arrive a minute later anyway. It is still
// run where autovacuum will not: autovacuum or track_counts off on the server, autovacuum_enabled
// off on the table, and partitioned tables (autovacuum never analyzes a partitioned parent).
import type pg from "pg";

export interface StatisticsToGather {
  /** Restored tables ("schema.name") autovacuum will not analyze. */
  tables: Set<string>;
  /** Partitioned parents of restored tables, as found (under the looked-up schema), at any level. */
  parents: { schema: string; name: string }[];
}

/** What a restore must ANALYZE itself; tables are looked up under `schemaOf(schema)` (a staging schema). */
export async function statisticsToGather(
  client: pg.Client,
  tables: { schema: string; name: string }[],
  schemaOf: (schema: string) => string = (s) => s,
): Promise<StatisticsToGather> {
  const restored = `unnest($1::text[], $2::text[], $3::text[]) as t(schema, name, lookup)
       join pg_catalog.pg_namespace n on n.nspname = t.lookup
       join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = t.name`;
  const params = [tables.map((t) => t.schema), tables.map((t) => t.name), tables.map((t) => schemaOf(t.schema))];
  const skipped = await client.query<{ key: string }>(
    `select t.schema || '.' || t.name as key from ${restored}
      where current_setting('autovacuum') <> 'on' or current_setting('track_counts') <> 'on'
         or exists (select 1 from unnest(c.reloptions) o where o ~* '^autovacuum_enabled=(false|off|no|0)$')`,
    params,
  );
  const parents = await client.query<{ schema: string; name: string }>(
    `select distinct pn.nspname as schema, p.relname as name from ${restored}
       cross join lateral pg_catalog.pg_partition_ancestors(c.oid) a
       join pg_catalog.pg_class p on p.oid = a.relid and p.relkind = 'p'
       join pg_catalog.pg_namespace pn on pn.oid = p.relnamespace
      order by 1, 2`,
    params,
  );
  return { tables: new Set(skipped.rows.map((r) => r.key)), parents: parents.rows };
}
