// What a dump of a PostgreSQL source takes: the app's schemas whole, and from auth/storage the
// tables the app relies on. One home for the rule, used by the dump itself and by the replication
// setup a follow-ready dump makes before its snapshot (replication/publication.ts).
import type pg from "pg";
import { OwnitError } from "@ownit/core";
import { appSchemas, existingSchemas, existingTables, type Scope } from "./catalog";
import { describeServer } from "./connection";
import type { ExportManifest } from "./export-format";
import { CARRIED_AUTH_TABLES, CARRIED_STORAGE_TABLES } from "./supabase-objects";

export interface DumpScope {
  schemas: string[];
  kind: ExportManifest["source"]["kind"];
  storageTables: { schema: string; name: string }[];
  scope: Scope;
}

export async function dumpScope(client: pg.Client, url: string, wanted: string[] | undefined): Promise<DumpScope> {
  const schemas = wanted ?? (await appSchemas(client));
  if (wanted) {
    const found = await existingSchemas(client, wanted);
    const absent = wanted.filter((s) => !found.includes(s));
    if (absent.length)
      throw new OwnitError(
        "schema-not-found",
        `schema ${absent.join(", ")} not found in ${describeServer(url)}`,
        "list the app's schemas with --schemas, e.g. --schemas public",
      );
  }
  if (!schemas.length)
    throw new OwnitError("no-app-schemas", `${describeServer(url)} has no app schema to dump`, "name them with --schemas");
  const authTables = await existingTables(client, CARRIED_AUTH_TABLES);
  const kind: ExportManifest["source"]["kind"] = authTables.some((t) => t.name === "users") ? "supabase" : "postgres";
  let storageTables = await existingTables(client, CARRIED_STORAGE_TABLES);
  // Supabase Storage has buckets; a schema of the app's own that happens to be called storage may not.
  if (!storageTables.some((t) => t.name === "buckets")) storageTables = [];
  if (storageTables.length) {
    const { rows } = await client.query<{ n: number }>("select count(*)::int as n from storage.buckets");
    if (!rows[0]!.n) storageTables = [];
  }
  return { schemas, kind, storageTables, scope: { schemas, tables: [...authTables, ...storageTables] } };
}
