// Restoring into a Supabase project of the owner's own: its database already has Supabase's
// `auth` and `storage` schemas, tables, functions and roles, owned by Supabase's own roles. So the
// export's prelude is left out (only extensions are created), and so is every piece of the
// carried auth/storage tables Supabase already has (tables, keys, indexes, defaults, row
// security); what the app added to them (its triggers, e.g. on_auth_user_created, and its storage
// policies) is kept unless Supabase has one of that name. Rows load into Supabase's tables by
// column name, whatever their order there.
import { createReadStream } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type pg from "pg";
import { OwnitError } from "@ownit/core";
import { copyTableOut, pinSession, rowHasher } from "./checksum";
import { connect } from "./connection";
import { readExport, type ExportFolder, type ExportManifest, type TableEntry } from "./export-format";
import { STORAGE_REWRITTEN_COLUMNS } from "./storage-upload";
import { PRELUDE_BEGIN, PRELUDE_END } from "./prelude";
import { quoteIdent } from "./sql";
import { CARRIED_AUTH_TABLES, CARRIED_STORAGE_TABLES } from "./supabase-objects";

/** The tables whose presence makes a target Supabase-shaped. */
const SUPABASE_MARKER_TABLES = [...CARRIED_AUTH_TABLES, ...CARRIED_STORAGE_TABLES];
/** pg_dump entry types of carried tables that the app itself adds, kept unless Supabase has one of that name. */
const APP_ADDITIONS = ["TRIGGER", "POLICY"];
/** pg_dump's header before each entry. */
const ENTRY_HEADER = /^--\n-- (?:Data for )?Name: (.*?); Type: (.*?); Schema: (.*?); Owner: .*\n--\n/gm;

export async function isSupabaseShaped(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ n: number }>(
    `select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and (n.nspname::text, c.relname::text) in (select * from unnest($1::text[], $2::text[]))`,
    [SUPABASE_MARKER_TABLES.map((t) => t.schema), SUPABASE_MARKER_TABLES.map((t) => t.name)],
  );
  return rows[0]!.n === SUPABASE_MARKER_TABLES.length;
}

interface Entry {
  name: string;
  type: string;
  schema: string;
  text: string;
}

/** A pg_dump script cut into its entries (the text before the first header is kept as a preamble). */
function entries(sql: string): { preamble: string; entries: Entry[] } {
  const heads = [...sql.matchAll(ENTRY_HEADER)];
  if (!heads.length) return { preamble: sql, entries: [] };
  const out: Entry[] = heads.map((m, i) => ({
    name: m[1]!,
    type: m[2]!,
    schema: m[3]!,
    text: sql.slice(m.index!, heads[i + 1]?.index ?? sql.length),
  }));
  return { preamble: sql.slice(0, heads[0]!.index), entries: out };
}

export interface SupabaseTargetLoad {
  schemaSql: string;
  postDataSql: string;
  /** What was left to Supabase, e.g. "CONSTRAINT auth.users users_pkey". */
  leftToSupabase: string[];
}

/** Triggers and policies the target has, as "schema.table name". */
async function namedAdditions(client: pg.Client, schemas: string[]): Promise<Set<string>> {
  const { rows } = await client.query<{ key: string }>(
    `select format('%s.%s %s', n.nspname, c.relname, t.tgname) as key from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where not t.tgisinternal and n.nspname = any($1::text[])
     union all
     select format('%s.%s %s', schemaname, tablename, policyname) from pg_policies where schemaname = any($1::text[])`,
    [schemas],
  );
  return new Set(rows.map((r) => r.key));
}

/** Refuses when a column the export carries has no place in the target's table (its values would be lost). */
async function checkColumns(client: pg.Client, tables: TableEntry[]): Promise<void> {
  for (const table of tables) {
    const { rows } = await client.query<{ name: string }>(
      `select a.attname as name from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relname = $2 and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''`,
      [table.schema, table.name],
    );
    const there = new Set(rows.map((r) => r.name));
    const absent = table.columns.filter((c) => !there.has(c));
    if (absent.length) {
      throw new OwnitError(
        "supabase-target-columns",
        `${table.schema}.${table.name} in the target Supabase project has no column ${absent.map(quoteIdent).join(", ")}, which the export carries`,
        "the target runs an older Supabase than the source: upgrade it (Project Settings → Infrastructure), then restore again",
      );
    }
  }
}

function extensionStatements(folder: ExportFolder): string {
  return (folder.manifest.extensions ?? [])
    .map(
      (e) =>
        `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(e.schema)};\nCREATE EXTENSION IF NOT EXISTS ${quoteIdent(e.name)} WITH SCHEMA ${quoteIdent(e.schema)};`,
    )
    .join("\n");
}

/** The export's schema and post-data scripts, cut to what a Supabase project does not have yet. */
export async function supabaseTargetLoad(client: pg.Client, folder: ExportFolder): Promise<SupabaseTargetLoad> {
  const begin = folder.schemaSql.indexOf(PRELUDE_BEGIN);
  const end = folder.schemaSql.indexOf(PRELUDE_END);
  if (begin === -1 || end === -1) {
    throw new OwnitError(
      "export-too-old",
      `${folder.dir}/schema.sql does not mark its prelude, so it cannot load into a Supabase project`,
      "dump the source again with this version of ownit",
    );
  }
  const carriedTables = folder.manifest.tables.filter((t) => !folder.manifest.schemas.includes(t.schema));
  const carriedSchemas = [...new Set(carriedTables.map((t) => t.schema))];
  await checkColumns(client, carriedTables);
  const existing = await namedAdditions(client, carriedSchemas);
  const leftToSupabase: string[] = [];
  const keep = (sql: string) => {
    const cut = entries(sql);
    const kept = cut.entries.filter((e) => {
      if (!carriedSchemas.includes(e.schema)) return true;
      const [table, ...rest] = e.name.split(" ");
      if (APP_ADDITIONS.includes(e.type) && !existing.has(`${e.schema}.${table} ${rest.join(" ")}`)) return true;
      leftToSupabase.push(`${e.type} ${e.schema}.${e.name}`);
      return false;
    });
    return cut.preamble + kept.map((e) => e.text).join("");
  };
  const withoutPrelude = `${folder.schemaSql.slice(0, begin)}-- prelude left out: the target is a Supabase project, which has its own\n${extensionStatements(folder)}\n${folder.schemaSql.slice(end + PRELUDE_END.length)}`;
  return { schemaSql: keep(withoutPrelude), postDataSql: keep(folder.postDataSql), leftToSupabase };
}

/** Object kinds of carried auth/storage tables that a Supabase project defines itself (verify leaves them to it). */
const SUPABASE_OWNED_KINDS = ["columns", "constraints", "indexes", "row security"];

/** Drops, from a verify object listing, what Supabase owns on the carried auth/storage tables. */
export function withoutSupabaseOwned(manifest: {
  schemas: string[];
  tables: { schema: string }[];
}): (objects: Record<string, string[]>) => Record<string, string[]> {
  const carried = [...new Set(manifest.tables.map((t) => t.schema).filter((s) => !manifest.schemas.includes(s)))];
  const owned = (item: string) => carried.some((schema) => item.startsWith(`${schema}.`));
  return (objects) =>
    Object.fromEntries(
      Object.entries(objects).map(([kind, items]) => [
        kind,
        SUPABASE_OWNED_KINDS.includes(kind) ? items.filter((i) => !owned(i)) : items,
      ]),
    );
}

/**
 * For storage.objects in a Supabase project whose files were uploaded through its Storage API:
 * whether the rows equal the export's on every column but those Storage rewrote when it stored
 * the bytes (STORAGE_REWRITTEN_COLUMNS). Both sides hashed the same way as the checksum.
 */
export async function sameButStorageRewrites(
  client: pg.Client,
  exportDir: string,
  manifest: ExportManifest,
  table: string,
): Promise<boolean> {
  const entry = manifest.tables.find((t) => `${t.schema}.${t.name}` === table);
  // Supabase's own tables are always written as COPY text (dump.ts), which is read line by line here.
  if (table !== "storage.objects" || !entry || entry.format === "binary" || !manifest.storage?.length) return false;
  const keep = entry.columns.map((c, i) => (STORAGE_REWRITTEN_COLUMNS.includes(c) ? -1 : i)).filter((i) => i >= 0);
  const expected = await rowHasher(entry.checksum);
  const lines = createInterface({ input: createReadStream(path.join(exportDir, entry.file)), crlfDelay: Infinity });
  for await (const line of lines) {
    const fields = line.split("\t");
    expected.update(Buffer.from(`${keep.map((i) => fields[i]).join("\t")}\n`));
  }
  await pinSession(client);
  const actual = await copyTableOut(client, { ...entry, columns: keep.map((i) => entry.columns[i]!) });
  return actual.checksum === expected.digest();
}

/** The value of one field of a COPY text line (\N is NULL; backslash escapes decoded). */
function copyField(field: string): string | null {
  if (field === "\\N") return null;
  return field.replace(
    /\\(.)/g,
    (_m, c: string) => ({ t: "\t", n: "\n", r: "\r", b: "\b", f: "\f", v: "\v", "\\": "\\" })[c] ?? c,
  );
}

/**
 * Undoing a restore into a Supabase project: the rows it loaded into Supabase's own tables
 * (auth.users, storage.objects, …), which existed before and so are not dropped, are deleted by
 * the primary keys the export holds, dependants first, in one transaction. Rows added since stay.
 */
export async function removeLoadedRows(targetUrl: string, exportDir: string, tables: string[]): Promise<number> {
  const { manifest } = readExport(exportDir);
  const order = [...SUPABASE_MARKER_TABLES].reverse().map((t) => `${t.schema}.${t.name}`);
  const entries = manifest.tables
    .filter((t) => tables.includes(`${t.schema}.${t.name}`) && t.primaryKey.length)
    .sort((a, b) => order.indexOf(`${a.schema}.${a.name}`) - order.indexOf(`${b.schema}.${b.name}`));
  const client = await connect(targetUrl, "target");
  let removed = 0;
  try {
    await client.query("BEGIN");
    for (const table of entries) {
      if (table.format === "binary") throw new Error(`${table.file} is COPY binary, and only text files are read here`);
      const keyIndexes = table.primaryKey.map((k) => table.columns.indexOf(k));
      const keys: (string | null)[][] = table.primaryKey.map(() => []);
      const lines = createInterface({ input: createReadStream(path.join(exportDir, table.file)), crlfDelay: Infinity });
      for await (const line of lines) {
        const fields = line.split("\t");
        keyIndexes.forEach((i, k) => keys[k]!.push(copyField(fields[i]!)));
      }
      const unnest = table.primaryKey.map((_k, i) => `$${i + 1}::text[]`).join(", ");
      const casts = table.primaryKey.map((k) => `${quoteIdent(k)}::text`).join(", ");
      const { rowCount } = await client.query(
        `DELETE FROM ${quoteIdent(table.schema)}.${quoteIdent(table.name)} WHERE (${casts}) IN (SELECT * FROM unnest(${unnest}))`,
        keys,
      );
      removed += rowCount ?? 0;
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw new OwnitError(
      "undo-failed",
      `removing the rows the restore loaded into Supabase's tables failed: ${(error as Error).message.split("\n")[0]}; nothing was removed`,
      "check the connection and that you connect as the role that restored",
    );
  } finally {
    await client.end().catch(() => {});
  }
  return removed;
}
