// `ownit restore <export-dir> --to <postgres-url>`: an export into a database, in one
// transaction, as a run of the project so `ownit rollback` can drop what it created. Without --to
// it offers the project's own local PostgreSQL (`ownit db`).
import path from "node:path";
import type { Command } from "commander";
import { OwnitError, REDACTED, redactUrl, resolveProjectRoot, Run, type DatabaseAction } from "@ownit/core";
import { localDatabaseUrl, localDbDir, readExport, removeStorageFiles, restoreExport, restoreStorageFiles, rewriteStorageUrls, startLocalDatabase, undoRestore, undoStorageUrlRewrite, type StorageUrlRewrite } from "@ownit/db";
import type { CliContext } from "../context";
import { displayPath } from "../format";
import { color } from "../context";
import { formatBytes, formatCount, tableBars } from "./db";
import { databaseUndoers } from "./runs";

/** The ledger's kind for a restore; rollback finds its undo by it. */
export const RESTORE_ACTION = "postgres-restore";
/** The ledger's kind for the Storage files a restore wrote into the file backend's folder. */
export const STORAGE_FILES_ACTION = "storage-files";
/** The ledger's kind for the URL-rewrite step (old Storage URLs in the app's rows → the new base). */
export const STORAGE_URLS_ACTION = "storage-url-rewrite";

export interface RestoreCliOptions {
  to?: string;
  local?: boolean;
  allowNonempty?: boolean;
  project?: string;
  prefer?: "system" | "embedded";
  storageDir?: string;
  rewriteStorageUrls?: string;
  oldProjectUrl?: string;
}

async function targetUrl(ctx: CliContext, root: string, opts: RestoreCliOptions): Promise<{ url: string; local: boolean }> {
  if (opts.to) return { url: opts.to, local: false };
  let useLocal = opts.local === true;
  if (!useLocal) {
    if (!ctx.interactive) throw new OwnitError("no-target", "restore needs a database to restore into", "pass --to postgres://user:password@host:5432/dbname, or --local for a PostgreSQL of the project's own (.ownit/pg/)");
    useLocal = await ctx.confirm(`No --to given. Start a PostgreSQL of this project's own (data in ${localDbDir(root)}) and restore into it?`);
    if (!useLocal) throw new OwnitError("no-target", "nothing restored: no database to restore into", "pass --to postgres://user:password@host:5432/dbname");
  }
  const local = await startLocalDatabase(root, { prefer: opts.prefer });
  ctx.out(`${local.started ? "started" : "using"} the project's PostgreSQL ${local.version} on 127.0.0.1:${local.port} (data in ${displayPath(ctx.cwd, local.dir)})`);
  return { url: local.url, local: true };
}

export async function restore(ctx: CliContext, exportDir: string, opts: RestoreCliOptions): Promise<void> {
  const dir = path.resolve(ctx.cwd, exportDir);
  const folder = readExport(dir);
  const { root } = resolveProjectRoot(path.resolve(ctx.cwd, opts.project ?? "."));
  const target = await targetUrl(ctx, root, opts);
  // A restore changes no file of the project, so uncommitted work does not stand in its way.
  const run = Run.start(root, { command: "restore", summary: `restore ${path.basename(dir)} into ${redactUrl(target.url)}`, allowDirty: true });
  const bars = tableBars(ctx);
  try {
    const result = await restoreExport(dir, target.url, { allowNonEmpty: opts.allowNonempty, onProgress: bars.listener });
    bars.stop();
    const action: DatabaseAction = { kind: RESTORE_ACTION, target: result.target, objects: result.created, databaseSettings: result.databaseSettings, exportDir: dir, local: target.local };
    run.recordDatabase(action);
    if (opts.storageDir) {
      const root = path.resolve(ctx.cwd, opts.storageDir);
      const files = await restoreStorageFiles(dir, target.url, root);
      run.recordDatabase({ kind: STORAGE_FILES_ACTION, target: root, objects: files.files });
      ctx.out(`  storage     ${files.files.length} file(s), ${formatBytes(files.bytes)} into ${displayPath(ctx.cwd, root)} (the storage service's file layout)${files.skipped.length ? `; ${files.skipped.length} without a storage.objects row left out` : ""}`);
    }
    if (opts.rewriteStorageUrls) {
      const rewrite = await rewriteStorageUrls(dir, target.url, opts.rewriteStorageUrls, opts.oldProjectUrl);
      run.recordDatabase({ kind: STORAGE_URLS_ACTION, target: result.target, objects: rewrite.columns.map((c) => `${c.schema}.${c.table}.${c.column}`), rewrite, exportDir: dir, local: target.local });
      ctx.out(`  urls        ${rewrite.from} → ${rewrite.to}: ${rewrite.columns.length ? rewrite.columns.map((c) => `${c.schema}.${c.table}.${c.column} ${formatCount(c.rows)}`).join(", ") : "no row holds one"}`);
    }
    run.finish({ findings: folder.findings, records: { restore: { tables: result.tables, rows: result.rows, bytes: result.bytes, serverVersion: result.serverVersion } } });
    ctx.out(color.green(`restored ${result.tables} table(s), ${formatCount(result.rows)} row(s), ${formatBytes(result.bytes)} into ${result.target} (PostgreSQL ${result.serverVersion}) in ${(result.durationMs / 1000).toFixed(1)} s`));
    ctx.out(`  created     ${result.created.length} object(s)${result.replicationRole ? "" : "; triggers were created after the rows, so none fired"}`);
    ctx.out(`  run         ${run.id}`);
    const shown = target.local ? "$(npx ownit db url)" : result.target;
    ctx.out(color.dim(`check it:  npx ownit verify ${displayPath(ctx.cwd, dir)} --against ${shown}`));
    ctx.out(color.dim(`undo it:   npx ownit rollback ${displayPath(ctx.cwd, root)} ${run.id}`));
  } catch (error) {
    bars.stop();
    run.abort(error);
    throw error;
  }
}

/** The connection string to undo a restore with: --db-url, the local server's, or the recorded one if it needs no password. */
function undoUrl(action: DatabaseAction, opts: Record<string, unknown>): string {
  if (typeof opts.dbUrl === "string") return opts.dbUrl;
  if (action.local && typeof opts.root === "string") {
    const local = localDatabaseUrl(opts.root);
    if (local) return local.url;
  }
  if (!action.target.includes(`:${REDACTED}@`)) return action.target;
  throw new OwnitError("undo-needs-url", `the restore into ${action.target} is recorded without its password`, "pass the connection string: npx ownit rollback --db-url postgres://user:password@host:5432/dbname");
}

databaseUndoers.set(RESTORE_ACTION, async (action, opts) => {
  if (action.local && typeof opts.root === "string" && !opts.dbUrl) await startLocalDatabase(opts.root);
  await undoRestore(undoUrl(action, opts), { created: action.objects, databaseSettings: (action.databaseSettings as string[] | undefined) ?? [] });
});

databaseUndoers.set(STORAGE_FILES_ACTION, async (action) => removeStorageFiles(action.objects));
databaseUndoers.set(STORAGE_URLS_ACTION, async (action, opts) => {
  if (action.local && typeof opts.root === "string" && !opts.dbUrl) await startLocalDatabase(opts.root);
  await undoStorageUrlRewrite(undoUrl(action, opts), action.exportDir as string, action.rewrite as StorageUrlRewrite);
});

export function registerRestore(program: Command, ctx: CliContext): void {
  program
    .command("restore")
    .description("load an export into a PostgreSQL database in one transaction (a run: `ownit rollback` drops what it created)")
    .argument("<export-dir>", "the folder `ownit dump` wrote")
    .option("--to <url>", "connection string of an empty database to restore into")
    .option("--local", "restore into the project's own PostgreSQL (.ownit/pg/), started if needed")
    .option("--allow-nonempty", "restore into a database that already holds objects")
    .option("--project <dir>", "project folder whose run ledger records the restore", ".")
    .option("--prefer <kind>", "with --local: system or embedded PostgreSQL binaries")
    .option("--storage-dir <dir>", "also put the export's Storage files into this folder, laid out as Supabase's storage service reads its file backend (the storage-data volume)")
    .option("--rewrite-storage-urls <new-base>", "after the restore, replace the old project's Storage URLs stored in text, varchar and jsonb columns with <new-base>/storage/v1/ (reported per column; rollback puts them back)")
    .option("--old-project-url <url>", "with --rewrite-storage-urls: the old project's https://<ref>.supabase.co when the export's connection string does not name it")
    .action((exportDir: string, opts: RestoreCliOptions) => restore(ctx, exportDir, opts));
}
