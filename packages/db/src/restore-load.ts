// The steps both restore paths share: a script run with the failing line named, and one table's
// rows streamed from its export file into the target by COPY, counted and hashed on the way and
// refused when they are not the rows the manifest promises. Each file is read exactly once.
import { createReadStream } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { killPoint, lineAt, OwnitError } from "@ownit/core";
import { CopyHasher, rowHasher } from "./checksum";
import { BinaryCopyError } from "./copy-binary";
import { copyOptions } from "./copy-format";
import { describeServer } from "./connection";
import type { ExportFolder, TableEntry } from "./export-format";
import { tableReporter, type ProgressListener } from "./progress";
import { qualified, quoteIdent } from "./sql";

/** A failure with the step it happened at ("schema.sql line 12", "the rows of public.tasks"). */
export class RestoreStepError extends Error {
  constructor(
    readonly step: string,
    readonly cause: unknown,
  ) {
    super(step);
  }
}

export async function runScript(client: pg.Client, sql: string, file: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (error) {
    const position = Number((error as { position?: string }).position);
    throw new RestoreStepError(position ? `${file} line ${lineAt(sql, position - 1)}` : file, error);
  }
}

/**
 * Streams a table's export file into `schema` (its own, or its staging schema) with COPY, FREEZE
 * when the table was created or truncated in the caller's transaction; checks rows and checksum
 * against the manifest. Returns what went through.
 */
export async function copyTableIn(
  client: pg.Client,
  folder: ExportFolder,
  table: TableEntry,
  options: { schema: string; freeze: boolean; url: string; onProgress?: ProgressListener },
): Promise<{ rows: number; bytes: number }> {
  const key = `${table.schema}.${table.name}`;
  const progress = tableReporter(options.onProgress, {
    phase: "restore",
    table: key,
    totalRows: table.rowCount,
    totalBytes: table.bytes,
  });
  const columns = table.columns.map(quoteIdent).join(", ");
  const copy = client.query(
    copyFrom(`COPY ${qualified(options.schema, table.name)} (${columns}) FROM STDIN${copyOptions(table.format, options.freeze)}`),
  );
  let started = false;
  const loaded = new CopyHasher(await rowHasher(table.checksum), {
    table,
    onChunk: (rows, bytes) => {
      if (!started) killPoint("restore-copy"); // rows are on their way to the server: mid-COPY
      started = true;
      progress.add(rows, bytes);
    },
  });
  killPoint("restore-table");
  try {
    await pipeline(createReadStream(path.join(folder.dir, table.file), { highWaterMark: 1024 * 1024 }), loaded, copy);
  } catch (error) {
    if (error instanceof BinaryCopyError)
      refuse(folder, table, options.url, `it is not the COPY binary data its manifest entry says (${error.message})`);
    throw new RestoreStepError(`the rows of ${key}`, error);
  }
  checkLoaded(folder, table, loaded.digest(), options.url);
  progress.done();
  return { rows: loaded.rows, bytes: loaded.bytes };
}

const DAMAGED_HINT =
  "the export is truncated or damaged: dump the database again (nothing was restored, the target is as it was)";

function refusedAt(table: TableEntry, url: string): string {
  return `restore into ${describeServer(url)} refused at ${table.schema}.${table.name}`;
}

/** Refuses a table whose file is not the data its manifest entry describes. */
function refuse(folder: ExportFolder, table: TableEntry, url: string, why: string): never {
  throw new OwnitError("export-damaged", `${refusedAt(table, url)}: ${path.join(folder.dir, table.file)}: ${why}`, DAMAGED_HINT);
}

/** Refuses a table whose file did not hold the rows the manifest promises (cut short, or edited). */
function checkLoaded(folder: ExportFolder, table: TableEntry, loaded: { rowCount: number; checksum: string }, url: string): void {
  const file = path.join(folder.dir, table.file);
  if (loaded.rowCount !== table.rowCount) {
    throw new OwnitError(
      "export-incomplete",
      `${refusedAt(table, url)}: ${file} holds ${loaded.rowCount} row(s), the manifest says ${table.rowCount}`,
      DAMAGED_HINT,
    );
  }
  // Exports whose checksum is taken later (a Base44 dump's check load) carry none yet.
  if (table.checksum && loaded.checksum !== table.checksum) {
    throw new OwnitError(
      "export-damaged",
      `${refusedAt(table, url)}: ${file} does not match its checksum in the manifest (${loaded.checksum} ≠ ${table.checksum})`,
      DAMAGED_HINT,
    );
  }
}
