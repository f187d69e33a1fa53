// Supabase Realtime's publication, carried to the target: pg_dump leaves publications out when it
// dumps chosen schemas, so the dump reads supabase_realtime and its tables in the export's snapshot
// and post-data.sql recreates them. Idempotent SQL, so a Supabase target that already has the
// publication keeps it and only gains the tables; only tables the export carries are added.
import type pg from "pg";
import { REALTIME_APP_PUBLICATION } from "./supabase-objects";

export interface RealtimePublication {
  name: string;
  /** Published operations, in pg_publication's terms. */
  insert: boolean;
  update: boolean;
  delete: boolean;
  truncate: boolean;
  /** Every table (puballtables) or these ones. */
  allTables: boolean;
  tables: Array<{ schema: string; name: string }>;
}

/** supabase_realtime as the source's snapshot has it, restricted to the carried tables; undefined when absent. */
export async function readRealtimePublication(
  client: pg.Client,
  carried: (schema: string, table: string) => boolean,
): Promise<RealtimePublication | undefined> {
  const { rows } = await client.query<{
    puballtables: boolean;
    pubinsert: boolean;
    pubupdate: boolean;
    pubdelete: boolean;
    pubtruncate: boolean;
  }>("select puballtables, pubinsert, pubupdate, pubdelete, pubtruncate from pg_catalog.pg_publication where pubname = $1", [
    REALTIME_APP_PUBLICATION,
  ]);
  const pub = rows[0];
  if (!pub) return undefined;
  const tables = pub.puballtables
    ? []
    : (
        await client.query<{ schema: string; name: string }>(
          "select schemaname as schema, tablename as name from pg_catalog.pg_publication_tables where pubname = $1 order by 1, 2",
          [REALTIME_APP_PUBLICATION],
        )
      ).rows.filter((t) => carried(t.schema, t.name));
  return {
    name: REALTIME_APP_PUBLICATION,
    insert: pub.pubinsert,
    update: pub.pubupdate,
    delete: pub.pubdelete,
    truncate: pub.pubtruncate,
    allTables: pub.puballtables,
    tables,
  };
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** The SQL that recreates the publication on the target (after the tables exist). */
export function realtimePublicationSql(pub: RealtimePublication): string {
  const ops = (["insert", "update", "delete", "truncate"] as const).filter((op) => pub[op]).join(", ");
  const create = `CREATE PUBLICATION ${ident(pub.name)}${pub.allTables ? " FOR ALL TABLES" : ""} WITH (publish = ${literal(ops)})`;
  const adds = pub.tables.map(
    (
      t,
    ) => `  IF NOT EXISTS (SELECT FROM pg_catalog.pg_publication_tables WHERE pubname = ${literal(pub.name)} AND schemaname = ${literal(t.schema)} AND tablename = ${literal(t.name)}) THEN
    ALTER PUBLICATION ${ident(pub.name)} ADD TABLE ONLY ${ident(t.schema)}.${ident(t.name)};
  END IF;`,
  );
  return `-- Supabase Realtime's publication and the tables it streams (postgres_changes), as on the source.
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_publication WHERE pubname = ${literal(pub.name)}) THEN
    ${create};
  END IF;
${adds.join("\n")}
END $$;
`;
}
