// The kinds of database action a run records in its ledger (`run.manifest.database`): one name per
// thing ownit does to a database, so the command that records it and the undo that reads it agree.
// Light on purpose: every command imports it; the handlers behind the kinds load on demand.

/** An export loaded into a database (`ownit restore`); undone by dropping what it created. */
export const RESTORE_ACTION = "postgres-restore";
/** The Storage files a restore wrote into the file backend's folder (`restore --storage-dir`). */
export const STORAGE_FILES_ACTION = "storage-files";
/** The objects a restore uploaded through a Supabase target's Storage API (objects: "<bucket>/<name>"). */
export const STORAGE_UPLOAD_ACTION = "storage-upload";
/** The Storage objects a restore uploaded into an S3 bucket (target s3://bucket, objects: keys). */
export const STORAGE_S3_ACTION = "storage-s3";
/** Old Storage URLs in the app's rows pointed at the new base (`restore --rewrite-storage-urls`). */
export const STORAGE_URLS_ACTION = "storage-url-rewrite";
/** The builder's schema changes applied to the owned database (`sync-builder --apply-migrations`). */
export const SCHEMA_CHANGES_ACTION = "schema-changes";
/** A cutover's write stop on the source; undone by giving the source its writes back. */
export const CUTOVER_ACTION = "postgres-cutover";

/** What an undo may need besides the action: the project (its local database) and a --db-url. */
export interface UndoOptions {
  root?: string;
  dbUrl?: string;
}
