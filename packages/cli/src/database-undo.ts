// How each kind of database action a run recorded is undone, and how a restore's target is asked
// whether a killed run committed. One table by ledger kind; rollback, recovery and a run failing
// part way all go through it. Loaded only when a run has database actions (it brings in pg).
import { OwnitError, REDACTED, type DatabaseAction, type DatabaseSettlement, type RunManifest } from "@ownit/core";
import {
  connect,
  dropStagedRestore,
  localDatabaseUrl,
  readRestoreMarker,
  removeLoadedRows,
  parseS3Location,
  removeStorageFiles,
  removeStorageS3,
  removeUploadedObjects,
  restoreWrites,
  startLocalDatabase,
  undoRestore,
  undoSchemaChanges,
  undoStorageUrlRewrite,
  type StorageUrlRewrite,
  type WriteStop,
} from "@ownit/db";
import {
  CUTOVER_ACTION,
  RESTORE_ACTION,
  SCHEMA_CHANGES_ACTION,
  STORAGE_FILES_ACTION,
  STORAGE_S3_ACTION,
  STORAGE_UPLOAD_ACTION,
  STORAGE_URLS_ACTION,
  type UndoOptions,
} from "./database-actions";

type Undo = (action: DatabaseAction, opts: UndoOptions) => Promise<void>;

/** The connection string to undo with: --db-url, the local server's, or the recorded one if it needs no password. */
export function undoUrl(action: DatabaseAction, opts: UndoOptions): string {
  if (opts.dbUrl) return opts.dbUrl;
  if (action.local && opts.root) {
    const local = localDatabaseUrl(opts.root);
    if (local) return local.url;
  }
  if (!action.target.includes(`:${REDACTED}@`)) return action.target;
  throw new OwnitError(
    "undo-needs-url",
    `the restore into ${action.target} is recorded without its password`,
    "pass the connection string: npx ownit rollback --db-url postgres://user:password@host:5432/dbname",
  );
}

/** A restore into the project's own PostgreSQL is undone there: start it first when it is down. */
async function startLocalIfNeeded(action: DatabaseAction, opts: UndoOptions): Promise<void> {
  if (action.local && opts.root && !opts.dbUrl) await startLocalDatabase(opts.root);
}

async function undoRestoreAction(action: DatabaseAction, opts: UndoOptions): Promise<void> {
  await startLocalIfNeeded(action, opts);
  const url = undoUrl(action, opts);
  const runId = typeof action.runId === "string" ? action.runId : undefined;
  let record = { created: action.objects, databaseSettings: (action.databaseSettings as string[] | undefined) ?? [] };
  // Killed before the ledger learnt what was created: the target's marker knows; a load killed before its swap left staging schemas.
  if (action.pending && runId) {
    await dropStagedRestore(url, runId);
    record = (await readRestoreMarker(url, runId)) ?? { created: [], databaseSettings: [] };
  }
  await undoRestore(url, { ...record, runId });
  // Into a Supabase project: the rows loaded into its own auth/storage tables go too.
  if (Array.isArray(action.supabaseRows) && action.supabaseRows.length)
    await removeLoadedRows(url, String(action.exportDir), action.supabaseRows as string[]);
}

async function undoCutover(action: DatabaseAction, opts: UndoOptions): Promise<void> {
  const client = await connect(undoUrl(action, opts), "source");
  try {
    await restoreWrites(client, action.stop as WriteStop);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Objects uploaded through a Supabase target's Storage API go again; the key is read from the variable the ledger names. */
async function undoStorageUpload(action: DatabaseAction): Promise<void> {
  const keyEnv = String(action.keyEnv);
  const key = process.env[keyEnv];
  if (!key)
    throw new OwnitError(
      "undo-needs-storage-key",
      `undoing the upload of ${action.objects.length} Storage object(s) into ${action.target} needs the target's service-role key: ${keyEnv} is not set`,
      `export ${keyEnv}=<service-role key>, then run the rollback again`,
    );
  await removeUploadedObjects(String(action.baseUrl), key, action.objects);
}

const UNDO: Record<string, Undo> = {
  [RESTORE_ACTION]: undoRestoreAction,
  [STORAGE_FILES_ACTION]: async (action) => removeStorageFiles(action.objects),
  [STORAGE_UPLOAD_ACTION]: undoStorageUpload,
  [STORAGE_S3_ACTION]: async (action) =>
    removeStorageS3(parseS3Location(action.target, action.endpoint as string | undefined), action.objects),
  [STORAGE_URLS_ACTION]: async (action, opts) => {
    await startLocalIfNeeded(action, opts);
    await undoStorageUrlRewrite(undoUrl(action, opts), action.exportDir as string, action.rewrite as StorageUrlRewrite);
  },
  [SCHEMA_CHANGES_ACTION]: (action, opts) => undoSchemaChanges(undoUrl(action, opts), action.objects),
  [CUTOVER_ACTION]: undoCutover,
};

export async function undoDatabaseAction(action: DatabaseAction, opts: UndoOptions): Promise<void> {
  const undo = UNDO[action.kind];
  if (!undo) throw new Error(`no undo handler for database action ${action.kind}`);
  await undo(action, opts);
}

/** Whether a restore a killed run was in committed, asked of the target's own marker. */
export async function settleDatabaseAction(
  action: DatabaseAction,
  manifest: RunManifest,
  opts: UndoOptions,
): Promise<DatabaseSettlement> {
  if (action.kind !== RESTORE_ACTION) return { unknown: `no way to ask a ${action.kind} target` };
  let url: string;
  try {
    await startLocalIfNeeded(action, opts);
    url = undoUrl(action, opts);
  } catch (error) {
    return { unknown: error instanceof OwnitError ? `${error.message} (${error.hint})` : String(error) };
  }
  try {
    // A staged load killed before its swap: its staging schemas (and roles it created) go; the target is as it was.
    await dropStagedRestore(url, manifest.id);
    const marker = await readRestoreMarker(url, manifest.id);
    return marker
      ? { committed: true, objects: marker.created, databaseSettings: marker.databaseSettings }
      : { committed: false };
  } catch (error) {
    return {
      unknown: `${action.target} cannot be reached (${(error as Error).message.split("\n")[0]}); run again when it can, or pass --db-url`,
    };
  }
}
