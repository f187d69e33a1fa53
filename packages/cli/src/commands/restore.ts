// `ownit restore <export-dir> --to <postgres-url>`: an export into a database, all or nothing
// (staged on --jobs connections, or in one transaction), as a run of the project so `ownit rollback`
// can drop what it created. Without --to it offers the project's own local PostgreSQL (`ownit db`).
// The ledger goes to the project the export belongs to (or --project), never to whatever folder
// the command runs in.
import { existsSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import {
  acquireProjectLock,
  environmentError,
  OwnitError,
  redactUrl,
  resolveProjectRoot,
  Run,
  type DatabaseAction,
} from "@ownit/core";
import {
  LOCAL_DB_DIR,
  defaultJobs,
  localDbDir,
  readExport,
  parseS3Location,
  restoreExport,
  restoreStorageFiles,
  restoreStorageS3,
  rewriteStorageUrls,
  startLocalDatabase,
  uploadStorageObjects,
} from "@ownit/db";
import { tableBars } from "../progress";
import type { CliContext } from "../context";
import { displayPath, formatBytes, formatCount } from "../format";
import { color } from "../context";
import { recoverFirst, undoDatabaseAction } from "../recover-first";
import {
  RESTORE_ACTION,
  STORAGE_FILES_ACTION,
  STORAGE_S3_ACTION,
  STORAGE_UPLOAD_ACTION,
  STORAGE_URLS_ACTION,
} from "../database-actions";
import { parseJobs } from "../common-flags";

export interface RestoreCliOptions {
  to?: string;
  local?: boolean;
  allowNonempty?: boolean;
  project?: string;
  prefer?: "system" | "embedded";
  storageUrl?: string;
  storageKeyEnv?: string;
  /** Without --to: use the project's own PostgreSQL instead of asking. */
  yes?: boolean;
  storageDir?: string;
  storageS3?: string;
  s3Endpoint?: string;
  rewriteStorageUrls?: string;
  oldProjectUrl?: string;
  jobs?: number;
}

async function targetUrl(ctx: CliContext, root: string, opts: RestoreCliOptions): Promise<{ url: string; local: boolean }> {
  if (opts.to) return { url: opts.to, local: false };
  let useLocal = opts.local === true || opts.yes === true;
  if (!useLocal) {
    if (!ctx.interactive)
      throw new OwnitError(
        "no-target",
        "restore needs a database to restore into",
        `pass --to postgres://user:password@host:5432/dbname, or --local for a PostgreSQL of the project's own (${LOCAL_DB_DIR}/)`,
      );
    useLocal = await ctx.confirm(
      `No --to given. Start a PostgreSQL of this project's own (data in ${localDbDir(root)}) and restore into it?`,
    );
    if (!useLocal)
      throw new OwnitError(
        "no-target",
        "nothing restored: no database to restore into",
        "pass --to postgres://user:password@host:5432/dbname",
      );
  }
  const local = await startLocalDatabase(root, { prefer: opts.prefer });
  ctx.out(
    `${local.started ? "started" : "using"} the project's PostgreSQL ${local.version} on 127.0.0.1:${local.port} (data in ${displayPath(ctx.cwd, local.dir)})`,
  );
  return { url: local.url, local: true };
}

/** The project an export belongs to: the nearest folder above it with a package.json, else the export folder itself. */
export function exportProjectRoot(exportDir: string): string {
  for (let dir = path.dirname(exportDir); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return exportDir;
  }
}

export async function restore(ctx: CliContext, exportDir: string, opts: RestoreCliOptions): Promise<void> {
  const dir = path.resolve(ctx.cwd, exportDir);
  const folder = readExport(dir);
  const root = opts.project ? resolveProjectRoot(path.resolve(ctx.cwd, opts.project)).root : exportProjectRoot(dir);
  await recoverFirst(ctx, root);
  const target = await targetUrl(ctx, root, opts);
  const lock = acquireProjectLock(root, "restore");
  try {
    await restoreAsRun(ctx, root, dir, folder, target, opts, lock);
  } finally {
    lock.release();
  }
}

type ExportFolder = ReturnType<typeof readExport>;
type RestoreResult = Awaited<ReturnType<typeof restoreExport>>;

async function restoreAsRun(
  ctx: CliContext,
  root: string,
  dir: string,
  folder: ExportFolder,
  target: { url: string; local: boolean },
  opts: RestoreCliOptions,
  lock: ReturnType<typeof acquireProjectLock>,
): Promise<void> {
  // A restore changes no file of the project, so uncommitted work does not stand in its way.
  const run = Run.start(root, {
    command: "restore",
    summary: `restore ${path.basename(dir)} into ${redactUrl(target.url)}`,
    allowDirty: true,
    lock,
  });
  const bars = tableBars(ctx);
  // What the restore means to create, recorded before the load; the target's own marker (written
  // in the same transaction as the rows) tells a later command whether it committed.
  const action: DatabaseAction = {
    kind: RESTORE_ACTION,
    target: redactUrl(target.url),
    objects: [],
    intended: [
      ...folder.manifest.schemas.map((s) => `schema ${s}`),
      ...folder.manifest.tables.map((t) => `table ${t.schema}.${t.name}`),
    ],
    pending: true,
    runId: run.id,
    exportDir: dir,
    local: target.local,
  };
  run.recordDatabase(action);
  try {
    run.journal("restore-load");
    const result = await restoreExport(dir, target.url, {
      allowNonEmpty: opts.allowNonempty,
      onProgress: bars.listener,
      runId: run.id,
      jobs: opts.jobs,
    });
    bars.stop();
    if (result.leftoversDropped.length)
      ctx.out(
        color.yellow(`dropped what an interrupted restore had left in the target first: ${result.leftoversDropped.join(", ")}`),
      );
    Object.assign(action, {
      target: result.target,
      objects: result.created,
      databaseSettings: result.databaseSettings,
      ...(result.filledSupabaseTables ? { supabaseRows: result.filledSupabaseTables } : {}),
    });
    delete action.pending;
    await restoreStorageExtras(ctx, run, dir, target, result, opts);
    // Inside the run: rollback deletes the uploaded objects (before the rows they belong to).
    await uploadStorage(ctx, run, dir, folder, target.url, opts);
    run.finish({
      findings: folder.findings,
      records: {
        restore: { tables: result.tables, rows: result.rows, bytes: result.bytes, serverVersion: result.serverVersion },
      },
    });
    printRestore(ctx, root, dir, run.id, target, result);
  } catch (error) {
    bars.stop();
    if (action.pending) {
      // Rolled back, staging schemas dropped: nothing of this run is in the target.
      run.manifest.database = run.manifest.database.filter((a) => a !== action);
    } else {
      // The rows committed but a later step (Storage files, URL rewrite) failed: the run undoes itself, newest first.
      for (const done of [...run.manifest.database].reverse()) await undoDatabaseAction(done, { root, dbUrl: target.url });
      run.manifest.database = [];
    }
    run.abort(error);
    throw environmentError(error) ?? error;
  }
}

/** --storage-dir, --storage-s3 and --rewrite-storage-urls: steps of the same run after the rows are in, each recorded for rollback. */
async function restoreStorageExtras(
  ctx: CliContext,
  run: Run,
  dir: string,
  target: { url: string; local: boolean },
  result: RestoreResult,
  opts: RestoreCliOptions,
): Promise<void> {
  if (opts.storageDir) {
    const root = path.resolve(ctx.cwd, opts.storageDir);
    const files = await restoreStorageFiles(dir, target.url, root);
    run.recordDatabase({ kind: STORAGE_FILES_ACTION, target: root, objects: files.files });
    ctx.out(
      `  storage     ${files.files.length} file(s), ${formatBytes(files.bytes)} into ${displayPath(ctx.cwd, root)} (the storage service's file layout)${files.skipped.length ? `; ${files.skipped.length} without a storage.objects row left out` : ""}`,
    );
    if ("notWritten" in files.headers)
      ctx.out(
        color.yellow(
          `  storage     content types not kept: ${files.headers.notWritten}; the storage service serves these files as application/octet-stream until they are re-uploaded`,
        ),
      );
  }
  if (opts.storageS3) {
    const s3 = parseS3Location(opts.storageS3, opts.s3Endpoint);
    const uploaded = await restoreStorageS3(dir, target.url, s3);
    run.recordDatabase({ kind: STORAGE_S3_ACTION, target: `s3://${s3.bucket}`, endpoint: s3.endpoint, objects: uploaded.keys });
    ctx.out(
      `  storage     ${uploaded.keys.length} object(s), ${formatBytes(uploaded.bytes)} into s3://${s3.bucket} (the storage service's S3 layout)${uploaded.skipped.length ? `; ${uploaded.skipped.length} without a storage.objects row left out` : ""}`,
    );
  }
  if (opts.rewriteStorageUrls) {
    const rewrite = await rewriteStorageUrls(dir, target.url, opts.rewriteStorageUrls, opts.oldProjectUrl);
    run.recordDatabase({
      kind: STORAGE_URLS_ACTION,
      target: result.target,
      objects: rewrite.columns.map((c) => `${c.schema}.${c.table}.${c.column}`),
      rewrite,
      exportDir: dir,
      local: target.local,
    });
    ctx.out(
      `  urls        ${rewrite.from} → ${rewrite.to}: ${rewrite.columns.length ? rewrite.columns.map((c) => `${c.schema}.${c.table}.${c.column} ${formatCount(c.rows)}`).join(", ") : "no row holds one"}`,
    );
  }
}

function printRestore(
  ctx: CliContext,
  root: string,
  dir: string,
  runId: string,
  target: { url: string; local: boolean },
  result: RestoreResult,
): void {
  ctx.out(
    color.green(
      `restored ${result.tables} table(s), ${formatCount(result.rows)} row(s), ${formatBytes(result.bytes)} into ${result.target} (PostgreSQL ${result.serverVersion}) in ${(result.durationMs / 1000).toFixed(1)} s`,
    ),
  );
  ctx.out(
    `  created     ${result.created.length} object(s)${result.replicationRole ? "" : "; triggers were created after the rows, so none fired"}`,
  );
  ctx.out(
    `  loaded      ${result.mode === "staged" ? "on parallel connections into staging schemas, made visible in one swap" : "in one transaction"}`,
  );
  ctx.out(`  run         ${runId}`);
  if (result.leftToSupabase)
    ctx.out(
      `  supabase    the target is a Supabase project: its own auth/storage tables took the rows (${result.leftToSupabase.length} piece(s) of theirs left to Supabase)`,
    );
  const shown = target.local ? "$(npx ownit db url)" : result.target;
  ctx.out(color.dim(`check it:  npx ownit verify ${displayPath(ctx.cwd, dir)} --against ${shown}`));
  ctx.out(color.dim(`undo it:   npx ownit rollback ${displayPath(ctx.cwd, root)} ${runId}`));
}

/** With --storage-url: the export's Storage files into the target's Storage API (a Supabase project of the owner's own). */
async function uploadStorage(
  ctx: CliContext,
  run: Run,
  dir: string,
  folder: ExportFolder,
  targetUrl: string,
  opts: RestoreCliOptions,
): Promise<void> {
  const files = folder.manifest.storage ?? [];
  if (!files.length) return;
  if (!opts.storageUrl) {
    ctx.out(
      color.dim(
        `  storage     ${files.length} file(s) in the export were not uploaded: pass --storage-url <target>/storage/v1 --storage-key-env <var> to upload them through the target's Storage API`,
      ),
    );
    return;
  }
  const key = opts.storageKeyEnv ? process.env[opts.storageKeyEnv] : undefined;
  if (!key)
    throw new OwnitError(
      "storage-key-missing",
      `--storage-url needs the target's service-role key${opts.storageKeyEnv ? `: ${opts.storageKeyEnv} is not set` : ""}`,
      "pass --storage-key-env VAR with VAR holding the target project's service-role key",
    );
  const result = await uploadStorageObjects({
    baseUrl: opts.storageUrl,
    key,
    exportDir: dir,
    manifest: folder.manifest,
    targetUrl,
  });
  // The key stays out of the ledger: rollback reads it from the same variable.
  run.recordDatabase({
    kind: STORAGE_UPLOAD_ACTION,
    target: new URL(opts.storageUrl).origin,
    baseUrl: opts.storageUrl,
    keyEnv: opts.storageKeyEnv,
    objects: result.objects,
  });
  ctx.out(
    `  storage     ${result.uploaded} file(s), ${formatBytes(result.bytes)} uploaded through ${new URL(opts.storageUrl).origin}`,
  );
  for (const f of result.failures) ctx.out(color.yellow(`  storage file ${f.bucket}/${f.name} was not uploaded (${f.reason})`));
}

export function registerRestore(program: Command, ctx: CliContext): void {
  program
    .command("restore")
    .description("load an export into a PostgreSQL database, all or nothing (a run: `ownit rollback` drops what it created)")
    .argument("<export-dir>", "the folder `ownit dump` wrote")
    .option("--to <url>", "connection string of an empty database to restore into")
    .option("--local", `restore into the project's own PostgreSQL (${LOCAL_DB_DIR}/), started if needed`)
    .option("--allow-nonempty", "restore into a database that already holds objects (in one transaction)")
    .option("--jobs <n>", "loading connections into an empty database (default: the core count)", parseJobs, defaultJobs())
    .option(
      "--project <dir>",
      "project folder whose run ledger records the restore (default: the project the export folder sits in)",
    )
    .option("--prefer <kind>", "with --local: system or embedded PostgreSQL binaries")
    .option(
      "--storage-url <url>",
      "a Supabase target's Storage API (https://<ref>.supabase.co/storage/v1): upload the export's files through it",
    )
    .option("--storage-key-env <var>", "with --storage-url: variable holding the target's service-role key")
    .option("-y, --yes", "without --to: restore into the project's own PostgreSQL without asking")
    .option(
      "--storage-dir <dir>",
      "also put the export's Storage files into this folder, laid out as Supabase's storage service reads its file backend (the storage-data volume)",
    )
    .option(
      "--storage-s3 <s3://bucket>",
      "also upload the export's Storage files into this S3 bucket, keyed as Supabase's storage service reads its S3 backend (credentials and region from AWS_* env)",
    )
    .option("--s3-endpoint <url>", "with --storage-s3: a non-AWS S3-compatible endpoint (MinIO, R2, …)")
    .option(
      "--rewrite-storage-urls <new-base>",
      "after the restore, replace the old project's Storage URLs stored in text, varchar and jsonb columns with <new-base>/storage/v1/ (reported per column; rollback puts them back)",
    )
    .option(
      "--old-project-url <url>",
      "with --rewrite-storage-urls: the old project's https://<ref>.supabase.co when the export's connection string does not name it",
    )
    .action((exportDir: string, opts: RestoreCliOptions) => restore(ctx, exportDir, opts));
}
