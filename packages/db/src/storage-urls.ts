// The URL-rewrite step: apps store their old project's Storage URLs in their own rows (avatar_url,
// image_urls: https://<ref>.supabase.co/storage/v1/object/public/…). On request, after a restore,
// every text, varchar and jsonb column of the app's tables gets the old Storage base replaced by the
// new one, in one transaction, reported per table and column. What was rewritten is written to the
// export's rewrites.json, so verify reads those columns back as they were exported (and still
// proves every other byte), and rollback replaces them back.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { OwnitError } from "@ownit/core";
import { connect } from "./connection";
import { readExport } from "./export-format";
import { qualified, quoteIdent } from "./sql";
import { storageUrlFor } from "./storage";

export const REWRITES_FILE = "rewrites.json";

export interface RewrittenColumn {
  schema: string;
  table: string;
  column: string;
  /** text, character varying or jsonb. */
  type: string;
  rows: number;
}

export interface StorageUrlRewrite {
  /** e.g. https://<ref>.supabase.co/storage/v1/ */
  from: string;
  /** e.g. https://app.example.com/storage/v1/ */
  to: string;
  columns: RewrittenColumn[];
}

/** The old project's Storage base, from the export's (redacted) source connection string. */
export function exportedStorageBase(exportDir: string): string | undefined {
  const { manifest } = readExport(exportDir);
  const url = manifest.source.kind === "supabase" ? storageUrlFor(manifest.source.location) : undefined;
  return url ? `${url}/` : undefined;
}

const CAST: Record<string, string> = { text: "text", "character varying": "varchar", jsonb: "jsonb" };

/** SQL that replaces `from` by `to` in a column of one of the rewritten types, keeping its type. */
function replaced(column: string, type: string, from: string, to: string): string {
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return `replace(${quoteIdent(column)}::text, ${lit(from)}, ${lit(to)})::${CAST[type]}`;
}

/** `oldProjectUrl` (https://<ref>.supabase.co) when the export's connection string does not name the project (a pooler alias, a copy). */
export async function rewriteStorageUrls(
  exportDir: string,
  targetUrl: string,
  newBase: string,
  oldProjectUrl?: string,
): Promise<StorageUrlRewrite> {
  const from = oldProjectUrl ? `${oldProjectUrl.replace(/\/+$/, "")}/storage/v1/` : exportedStorageBase(exportDir);
  if (!from)
    throw new OwnitError(
      "rewrite-no-source",
      `${path.join(exportDir, "manifest.json")} does not name a Supabase project, so ownit cannot tell the old Storage URL`,
      "pass the old project's URL: --old-project-url https://<ref>.supabase.co",
    );
  let base: URL;
  try {
    base = new URL(newBase);
  } catch {
    throw new OwnitError(
      "rewrite-bad-url",
      `--rewrite-storage-urls ${newBase} is not a URL`,
      "pass the new project's public address, e.g. https://app.example.com",
    );
  }
  const to = `${base.origin}${base.pathname.replace(/\/+$/, "")}/storage/v1/`;
  const { manifest } = readExport(exportDir);
  const client = await connect(targetUrl, "target");
  const record: StorageUrlRewrite = { from, to, columns: [] };
  try {
    const { rows } = await client.query<{ schema: string; table: string; column: string; type: string }>(
      `select c.table_schema as schema, c.table_name as table, c.column_name as column, c.data_type as type
         from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where t.table_type = 'BASE TABLE' and c.table_schema = any($1::text[]) and c.data_type = any($2::text[]) order by 1, 2, 3`,
      [manifest.schemas, Object.keys(CAST)],
    );
    await client.query("BEGIN");
    // Triggers (updated_at stampers, audit logs) must not turn a URL change into other changes.
    await quietTriggers(client);
    for (const col of rows) {
      const res = await client.query(
        `UPDATE ${qualified(col.schema, col.table)} SET ${quoteIdent(col.column)} = ${replaced(col.column, col.type, from, to)} WHERE strpos(${quoteIdent(col.column)}::text, $1) > 0`,
        [from],
      );
      if (res.rowCount) record.columns.push({ ...col, rows: res.rowCount });
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    if (error instanceof OwnitError) throw error;
    throw new OwnitError(
      "rewrite-failed",
      `rewriting Storage URLs failed: ${(error as Error).message.split("\n")[0]}; nothing was changed`,
      "check that the restore finished and the connection may write the app's tables",
    );
  } finally {
    await client.end().catch(() => {});
  }
  writeFileSync(path.join(exportDir, REWRITES_FILE), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** session_replication_role = replica for this transaction: user triggers stay silent (superuser only). */
async function quietTriggers(client: import("pg").Client): Promise<void> {
  await client.query("SAVEPOINT quiet");
  try {
    await client.query("SET LOCAL session_replication_role = replica");
  } catch {
    // Not a superuser: triggers fire, as an app's own UPDATE would.
    await client.query("ROLLBACK TO SAVEPOINT quiet");
  }
}

/** The rewrite recorded beside an export, if any. */
export function readStorageUrlRewrite(exportDir: string): StorageUrlRewrite | undefined {
  const file = path.join(exportDir, REWRITES_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as StorageUrlRewrite) : undefined;
}

/** Column SQL that reads a rewritten column as it was exported (verify's checksums). */
export function exportedColumnExpressions(
  record: StorageUrlRewrite | undefined,
  schema: string,
  table: string,
): Record<string, string> | undefined {
  const cols = record?.columns.filter((c) => c.schema === schema && c.table === table) ?? [];
  return cols.length
    ? Object.fromEntries(cols.map((c) => [c.column, replaced(c.column, c.type, record!.to, record!.from)]))
    : undefined;
}

/** Rollback: the new base back to the old one in the columns the rewrite changed. */
export async function undoStorageUrlRewrite(targetUrl: string, exportDir: string, record: StorageUrlRewrite): Promise<void> {
  const client = await connect(targetUrl, "target");
  try {
    await client.query("BEGIN");
    await quietTriggers(client);
    for (const col of record.columns) {
      const exists = await client.query(
        "select 1 from information_schema.columns where table_schema = $1 and table_name = $2 and column_name = $3",
        [col.schema, col.table, col.column],
      );
      if (!exists.rowCount) continue; // dropped with the restore
      await client.query(
        `UPDATE ${qualified(col.schema, col.table)} SET ${quoteIdent(col.column)} = ${replaced(col.column, col.type, record.to, record.from)} WHERE strpos(${quoteIdent(col.column)}::text, $1) > 0`,
        [record.to],
      );
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
  rmSync(path.join(exportDir, REWRITES_FILE), { force: true });
}
