// entities.json: what a Base44 export knows beyond the SQL. For each entity its table, its
// columns (field → column, type), where its schema came from, and its access rules exactly as
// Base44 stored them (the generated server enforces them: they are never dropped). Also where the
// downloaded files are and how to point the records at them.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { OwnitError } from "@ownit/core";
import type { Base44DataEnv } from "./constants";
import type { Base44EntitySchema, Base44Rls, ColumnKind, EntityColumn } from "./schema";

export const BASE44_ENTITIES_FILE = "entities.json";

export interface Base44EntityEntry {
  table: string;
  /** api: GET …/entity-schemas; file: the export's schema file; inferred: guessed from the records. */
  schemaSource: "api" | "file" | "inferred";
  schemaFile?: string;
  records: number;
  /** The jsonb column keeping undeclared fields and misfit values (merge its keys over the columns when reading). */
  extraColumn: string;
  columns: Array<{
    name: string;
    field?: string;
    type: string;
    kind: ColumnKind;
    json?: EntityColumn["json"];
    notNull: boolean;
    builtIn: boolean;
  }>;
  /** The entity's `rls` block as Base44 had it; null when it had none (no restriction). */
  rls: Base44Rls | null;
  /** Field-level rules: field → its `rls` block. */
  fieldRls: Record<string, Base44Rls>;
  /** The schema the table was built from. */
  schema: Base44EntitySchema;
}

export interface Base44EntitiesFile {
  formatVersion: 1;
  appId: string;
  /** The API the records came from (no credentials). */
  source: string;
  dataEnv: Base44DataEnv;
  entities: Record<string, Base44EntityEntry>;
  /** Downloaded files, when --files was given: the mapping table, the folder, and the SQL that rewrites record URLs. */
  files: { table: string; dir: string; count: number; rewrite: string } | null;
}

/** Reads entities.json of a Base44 export. */
export function readBase44Entities(exportDir: string): Base44EntitiesFile {
  const file = path.join(path.resolve(exportDir), BASE44_ENTITIES_FILE);
  if (!existsSync(file))
    throw new OwnitError(
      "export-not-base44",
      `${file} not found: ${exportDir} is not a Base44 export`,
      "dump the app with `ownit dump base44`",
    );
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Base44EntitiesFile;
  } catch (error) {
    throw new OwnitError(
      "export-invalid",
      `${file} is not valid JSON: ${(error as Error).message}`,
      "dump the app again with `ownit dump base44`",
    );
  }
}
