// Which format a table's rows travel in. COPY binary spares the server parsing every value on the
// way in (loading the bench's tasks took 2.2 s in binary against 5.6 s in text), so a dump writes
// a table in binary whenever its values mean the same on any server: every column's type, with
// domains followed to their base, is
//   - an enum (sent as its label), or
//   - a built-in type (an OID below FirstGenbkiObjectId, the same on every PostgreSQL) with binary
//     send and receive functions, whose binary form names no other object: not the reg* types
//     (regclass, regtype…: an OID), not xml (its encoding declaration), or
//   - an array of such a built-in type (array_send writes the element type's OID).
// Everything else stays text: extension types (their OIDs differ between servers), composites and
// arrays of enums or domains (both carry OIDs), and any table outside the app's schemas (auth and
// storage tables, which other steps read as text).
import type pg from "pg";

export type CopyFormat = "text" | "binary";

/** PostgreSQL's FirstGenbkiObjectId: OIDs below it are assigned by hand in its catalog files, the same in every version. */
const FIRST_GENBKI_OID = 10000;

/** The WITH clause of a COPY in `format` (text is COPY's default), with FREEZE when asked. */
export function copyOptions(format: CopyFormat | undefined, freeze = false): string {
  const options = [...(format === "binary" ? ["FORMAT binary"] : []), ...(freeze ? ["FREEZE"] : [])];
  return options.length ? ` WITH (${options.join(", ")})` : "";
}

/** Of `tables`, the ones ("schema.name") whose every stored column can travel as COPY binary. */
export async function binaryCopyTables(client: pg.Client, tables: { schema: string; name: string }[]): Promise<Set<string>> {
  if (!tables.length) return new Set();
  const { rows } = await client.query<{ schema: string; name: string }>(
    `with recursive columns as (
       select n.nspname as schema, c.relname as name, a.atttypid as type
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        where a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
          and (n.nspname::text, c.relname::text) in (select * from unnest($1::text[], $2::text[]))
     ), base(type, base) as (
       select distinct type, type from columns
       union all
       select b.type, t.typbasetype from base b join pg_type t on t.oid = b.base where t.typtype = 'd'
     ), portable(type) as (
       select b.type from base b join pg_type t on t.oid = b.base left join pg_type e on e.oid = t.typelem
        where t.typtype = 'e'
           or (t.oid < ${FIRST_GENBKI_OID} and t.typtype in ('b', 'r', 'm') and ${scalar("t")}
               and (t.typsend <> 'array_send'::regproc
                    or (e.oid < ${FIRST_GENBKI_OID} and e.typtype in ('b', 'r', 'm') and ${scalar("e")})))
     )
     select schema, name from columns group by schema, name
     having bool_and(type in (select type from portable))`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  return new Set(rows.map((r) => `${r.schema}.${r.name}`));
}

/** A built-in type whose binary form stands on its own (see above). */
function scalar(t: string): string {
  return `${t}.typsend::oid <> 0 and ${t}.typreceive::oid <> 0 and ${t}.typname !~ '^_?reg' and ${t}.typname not in ('xml', '_xml')`;
}
