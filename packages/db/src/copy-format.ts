// Which format a table's rows travel in. COPY binary spares the server parsing every value on the
// way in (loading the bench's tasks took 2.2 s in binary against 5.6 s in text), so a dump writes
// a table in binary whenever its values mean the same on any server: every column's type, with
// domains followed to their base, is
//   - an enum (sent as its label), or
//   - a built-in type (an OID below FirstGenbkiObjectId, the same on every PostgreSQL) with binary
//     send and receive functions, whose binary form names no other object: not the reg* types
//     (regclass, regtype…: an OID), not xml or interval (UNPORTABLE_BUILT_INS), or
//   - an array of such a built-in type (array_send writes the element type's OID).
// Everything else stays text: extension types (their OIDs differ between servers), composites and
// arrays of enums or domains (both carry OIDs), and any table outside the app's schemas (auth and
// storage tables, which other steps read as text).
import type pg from "pg";

export type CopyFormat = "text" | "binary";

/**
 * Built-in types whose binary form is not the same everywhere: xml (its encoding declaration) and
 * interval (PostgreSQL 17 sends ±infinity as sentinel values that 14–16 take as huge finite intervals).
 */
const UNPORTABLE_BUILT_INS = ["xml", "interval"];

/** PostgreSQL's FirstGenbkiObjectId: OIDs below it are assigned by hand in its catalog files, the same in every version. */
const FIRST_GENBKI_OID = 10000;

/** The WITH clause of a COPY in `format` (text is COPY's default), with FREEZE when asked. */
export function copyOptions(format: CopyFormat | undefined, freeze = false): string {
  const options = [...(format === "binary" ? ["FORMAT binary"] : []), ...(freeze ? ["FREEZE"] : [])];
  return options.length ? ` WITH (${options.join(", ")})` : "";
}

/**
 * Of `tables`, the ones ("schema.name") whose every stored column can travel as COPY binary, each
 * with its array columns (whose has-nulls flag the checksum does not read: copy-binary.ts).
 */
export async function binaryCopyTables(
  client: pg.Client,
  tables: { schema: string; name: string }[],
): Promise<Map<string, string[]>> {
  if (!tables.length) return new Map();
  const { rows } = await client.query<{ schema: string; name: string; arrays: string[] }>(
    `with recursive columns as (
       select n.nspname as schema, c.relname as name, a.attname::text as column, a.attnum, a.atttypid as type
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        where a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
          and (n.nspname::text, c.relname::text) in (select * from unnest($1::text[], $2::text[]))
     ), base(type, base) as (
       select distinct type, type from columns
       union all
       select b.type, t.typbasetype from base b join pg_type t on t.oid = b.base where t.typtype = 'd'
     ), portable(type, is_array) as (
       select b.type, t.typsend = 'array_send'::regproc
         from base b join pg_type t on t.oid = b.base left join pg_type e on e.oid = t.typelem
        where t.typtype = 'e'
           or (t.oid < ${FIRST_GENBKI_OID} and t.typtype in ('b', 'r', 'm') and ${scalar("t")}
               and (t.typsend <> 'array_send'::regproc
                    or (e.oid < ${FIRST_GENBKI_OID} and e.typtype in ('b', 'r', 'm') and ${scalar("e")})))
     )
     select c.schema, c.name,
            coalesce(array_agg(c.column order by c.attnum) filter (where p.is_array), '{}') as arrays
       from columns c left join portable p on p.type = c.type
      group by c.schema, c.name
     having bool_and(p.type is not null)`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  return new Map(rows.map((r) => [`${r.schema}.${r.name}`, r.arrays]));
}

/** A built-in type whose binary form stands on its own and means the same on every version (see above). */
function scalar(t: string): string {
  return `${t}.typsend::oid <> 0 and ${t}.typreceive::oid <> 0 and ${t}.typname !~ '^_?reg' and ${t}.typname not in (${UNPORTABLE_BUILT_INS.map((n) => `'${n}', '_${n}'`).join(", ")})`;
}
