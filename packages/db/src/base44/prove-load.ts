// The last step of a Base44 dump: load the finished export into a throwaway local PostgreSQL
// with the same restore `ownit restore` runs, then read every table back through COPY. That
// proves the export loads before the owner relies on it, and rewrites each data file as
// PostgreSQL's own canonical COPY text in primary-key order, hashed on the way: the row counts,
// bytes and checksums in the manifest are exactly what `ownit verify` recomputes on the target.
import { mkdtempSync, renameSync, rmSync, createWriteStream } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { ExportManifest } from "../export-format";
import { schemaObjects } from "../catalog";
import { collatableColumns, copyTableOut, pinSession } from "../checksum";
import { startLocalServer } from "../local-server";
import type { ServerBinaries } from "../pg-binaries";
import { restoreExport } from "../restore";
import { manifestScope } from "../verify";

export async function proveExportLoads(
  exportDir: string,
  manifest: ExportManifest,
  binaries?: ServerBinaries,
): Promise<ExportManifest> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ownit-base44-check-"));
  const server = await startLocalServer({ dir, binaries });
  try {
    const admin = new pg.Client({ connectionString: server.url() });
    await admin.connect();
    await admin.query("CREATE DATABASE scratch");
    await admin.end();
    const url = server.url("scratch");
    await restoreExport(exportDir, url);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await pinSession(client);
      const collatable = await collatableColumns(client, manifest.tables);
      const tables = [];
      for (const table of manifest.tables) {
        const abs = path.join(exportDir, table.file);
        const sink = createWriteStream(`${abs}.canonical`);
        const counts = await copyTableOut(client, table, { collatable: collatable.get(`${table.schema}.${table.name}`), sink });
        renameSync(`${abs}.canonical`, abs);
        tables.push({ ...table, ...counts });
      }
      const objects = await schemaObjects(client, manifestScope(manifest));
      return { ...manifest, tables, objects };
    } finally {
      await client.end();
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
