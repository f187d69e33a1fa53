// The builder's schema changes applied to the owned database as part of a sync run: each new
// Supabase migration runs as the builder wrote it, a new Base44 entity gets the table its schema
// describes (the same CREATE TABLE the owned server's schema.sql and `ownit restore` use; its
// access rules live in the server's app.config.json, which the sync regenerates). All of it in one
// transaction; what it created is recorded, and undoing it drops exactly that.
import { readFileSync } from "node:fs";
import path from "node:path";
import { OwnitError, redactUrl } from "@ownit/core";
import { connect, describeServer } from "./connection";
import { created, inventory } from "./inventory";
import { undoList, undoRestore } from "./restore";
import { discoverEntities, readSchemaFile } from "./base44/discover";
import { entitySchemaToTable, entityTableNames, tableDefinitionSql } from "./base44/schema";

export interface SchemaChangeInput {
  kind: "supabase-migration" | "base44-entity";
  status: "A" | "M" | "D";
  path: string;
}

export interface SchemaStatement {
  path: string;
  sql: string;
}

/**
 * The SQL for each new schema change, in the order to run it (migrations by file name, as the
 * Supabase CLI does). A changed or deleted migration or schema is not replayable: it is returned
 * in `skipped` for the owner to look at.
 */
export function schemaChangeStatements(
  root: string,
  changes: SchemaChangeInput[],
): { statements: SchemaStatement[]; skipped: SchemaChangeInput[] } {
  const statements: SchemaStatement[] = [];
  const skipped = changes.filter((c) => c.status !== "A");
  const added = changes.filter((c) => c.status === "A");
  for (const c of added.filter((c) => c.kind === "supabase-migration").sort((a, b) => a.path.localeCompare(b.path))) {
    statements.push({ path: c.path, sql: readFileSync(path.join(root, c.path), "utf8") });
  }
  const entities = added.filter((c) => c.kind === "base44-entity");
  if (entities.length) {
    const tableNames = entityTableNames([...discoverEntities(root).entities.keys()]);
    for (const c of entities) {
      const { schema, error } = readSchemaFile(root, c.path);
      if (!schema)
        throw new OwnitError(
          "base44-schema-unreadable",
          `${c.path}: ${error ?? "not an entity schema"}`,
          "fix the file on the builder's side, then sync again",
        );
      const name = typeof schema.name === "string" ? schema.name : path.basename(c.path).replace(/\.jsonc?$/, "");
      statements.push({
        path: c.path,
        sql: tableDefinitionSql(entitySchemaToTable(schema, { name, tableName: tableNames.get(name) })),
      });
    }
  }
  return { statements, skipped };
}

export interface AppliedSchemaChanges {
  /** Connection string, password redacted. */
  target: string;
  files: string[];
  /** What the statements created, in the order undo drops it. */
  created: string[];
}

/** Runs every statement in one transaction: all of them apply, or none does. */
export async function applySchemaStatements(url: string, statements: SchemaStatement[]): Promise<AppliedSchemaChanges> {
  const client = await connect(url, "target");
  try {
    await client.query("BEGIN");
    let current = "";
    try {
      const before = await inventory(client);
      // inventory empties search_path for its names; the migrations expect the server's default.
      await client.query("RESET search_path");
      for (const statement of statements) {
        current = statement.path;
        await client.query(statement.sql);
      }
      const after = await inventory(client);
      await client.query("COMMIT");
      return { target: redactUrl(url), files: statements.map((s) => s.path), created: undoList(created(before, after)) };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw new OwnitError(
        "schema-change-failed",
        `${current} failed on ${describeServer(url)}: ${(error as Error).message.split("\n")[0]}; no schema change was applied`,
        "fix the migration on the builder's side (or apply it by hand), then sync again",
      );
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** Drops what applySchemaStatements created. */
export async function undoSchemaChanges(url: string, createdObjects: string[]): Promise<void> {
  await undoRestore(url, { created: createdObjects });
}
