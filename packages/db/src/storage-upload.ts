// Storage files of an export uploaded into a Supabase project of the owner's own, through its
// Storage API (POST /object/<bucket>/<path> with the service-role key, x-upsert, through
// @supabase/storage-js: see storage.ts), since Storage
// keeps the bytes where only it knows (its backend path includes the row's `version`). The restore
// has already put storage.objects rows in as the source had them; an upload makes Storage write its
// own `version` (and metadata, owner) into the row, so afterwards every column but `version` is
// set back to the source's: ids, owners, timestamps and metadata survive, and verify compares them.
import { createReadStream, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type pg from "pg";
import { OwnitError } from "@ownit/core";
import { connect } from "./connection";
import type { ExportManifest, StorageEntry } from "./export-format";
import { quoteIdent } from "./sql";
import { encodedName, failureReason, refusedStatus, storageBucket } from "./storage";

/** The storage.objects column Storage owns: it names where the bytes are kept. */
export const STORAGE_VERSION_COLUMN = "version";
/**
 * Columns Storage rewrites when it stores the bytes, which a Supabase target's verify leaves out:
 * `version` always, `updated_at` where its trigger cannot be held off (only a superuser may).
 */
export const STORAGE_REWRITTEN_COLUMNS = [STORAGE_VERSION_COLUMN, "updated_at"];

/** Holds off storage.objects' updated_at trigger for this transaction where the role may (superuser). */
async function keepTimestamps(client: pg.Client): Promise<void> {
  await client.query("SAVEPOINT replica");
  try {
    await client.query("SET LOCAL session_replication_role = replica");
    await client.query("RELEASE SAVEPOINT replica");
  } catch {
    await client.query("ROLLBACK TO SAVEPOINT replica");
  }
}

export interface StorageUpload {
  /** The target's Storage API, e.g. https://<ref>.supabase.co/storage/v1 */
  baseUrl: string;
  /** Its service-role (or secret) key. */
  key: string;
  exportDir: string;
  manifest: ExportManifest;
  /** The target database, to set the rows back after the uploads. */
  targetUrl: string;
  concurrency?: number;
  onFile?: (entry: StorageEntry) => void;
}

export interface StorageUploadResult {
  uploaded: number;
  /** "<bucket>/<name>" of every object uploaded (what rollback deletes through the same API). */
  objects: string[];
  bytes: number;
  failures: { bucket: string; name: string; reason: string }[];
}

/** What the source's storage.objects row says the object is served with. */
interface ObjectHeaders {
  mimetype?: string;
  cacheControl?: string;
}

/**
 * storage-js sends `cache-control: max-age=<cacheControl>`, so a stored "max-age=3600" goes in as
 * its seconds; any other stored value (e.g. "no-cache") is sent as the header itself.
 */
function cacheOptions(cacheControl: string | undefined): { cacheControl?: string; headers?: Record<string, string> } {
  if (!cacheControl) return {};
  const seconds = /^max-age=(\d+)$/.exec(cacheControl.trim())?.[1];
  return seconds ? { cacheControl: seconds } : { headers: { "cache-control": cacheControl } };
}

async function uploadOne(options: StorageUpload, entry: StorageEntry, headers: ObjectHeaders): Promise<void> {
  const file = path.join(options.exportDir, entry.file);
  const cache = cacheOptions(headers.cacheControl);
  const { error } = await storageBucket(options.baseUrl, options.key, entry.bucket).upload(
    encodedName(entry.name),
    // A web stream of the file: constant memory (storage-js sends it with duplex "half").
    Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
    {
      upsert: true,
      contentType: headers.mimetype ?? "application/octet-stream",
      ...cache,
      // The length up front, as before, so Storage can refuse a file over its limit before the bytes.
      headers: { ...cache.headers, "content-length": String(statSync(file).size) },
    },
  );
  const refused = refusedStatus(error);
  if (refused) {
    throw new OwnitError(
      "storage-unauthorized",
      `the target's Storage API refused the key (HTTP ${refused})`,
      "pass the target project's service-role key (Project Settings → API keys)",
    );
  }
  if (error) throw error;
}

export async function uploadStorageObjects(options: StorageUpload): Promise<StorageUploadResult> {
  const entries = options.manifest.storage ?? [];
  const table = options.manifest.tables.find((t) => t.schema === "storage" && t.name === "objects");
  const restored = table ? table.columns.filter((c) => c !== STORAGE_VERSION_COLUMN && c !== "bucket_id" && c !== "name") : [];
  const client = await connect(options.targetUrl, "target");
  try {
    // The rows as restored (the source's), to set back after Storage has written its own.
    const { rows } = await client.query<Record<string, unknown> & { bucket_id: string; name: string }>(
      `select bucket_id, name, ${restored.map((c) => `${quoteIdent(c)}::text as ${quoteIdent(c)}`).join(", ") || "1"} from storage.objects where (bucket_id, name) in (select * from unnest($1::text[], $2::text[]))`,
      [entries.map((e) => e.bucket), entries.map((e) => e.name)],
    );
    const before = new Map(rows.map((r) => [`${r.bucket_id}/${r.name}`, r]));
    const failures: StorageUploadResult["failures"] = [];
    const objects: string[] = [];
    let bytes = 0;
    const queue = [...entries];
    const worker = async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) {
        const row = before.get(`${entry.bucket}/${entry.name}`);
        const metadata = typeof row?.metadata === "string" ? (JSON.parse(row.metadata) as ObjectHeaders | null) : null;
        try {
          await uploadOne(options, entry, metadata ?? {});
          objects.push(`${entry.bucket}/${entry.name}`);
          bytes += entry.bytes;
          options.onFile?.(entry);
        } catch (error) {
          if (error instanceof OwnitError) {
            queue.length = 0;
            throw error;
          }
          failures.push({ bucket: entry.bucket, name: entry.name, reason: failureReason(error, true) });
        }
      }
    };
    const outcomes = await Promise.allSettled(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (refused) throw refused.reason;
    // Every column but version back to the source's, in one transaction.
    if (restored.length && before.size) {
      const { rows: types } = await client.query<{ name: string; type: string }>(
        "select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = 'storage.objects'::regclass and attnum > 0 and not attisdropped",
      );
      const typeOf = new Map(types.map((t) => [t.name, t.type]));
      const sets = restored.map((c, i) => `${quoteIdent(c)} = $${i + 3}::${typeOf.get(c) ?? "text"}`).join(", ");
      await client.query("BEGIN");
      try {
        await keepTimestamps(client);
        for (const row of before.values()) {
          await client.query(`update storage.objects set ${sets} where bucket_id = $1 and name = $2`, [
            row.bucket_id,
            row.name,
            ...restored.map((c) => row[c] ?? null),
          ]);
        }
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      }
    }
    return { uploaded: objects.length, objects, bytes, failures };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Storage's bulk delete takes at most this many names per request (supabase/storage MAX_OBJECTS_PER_REQUEST). */
const DELETE_BATCH = 1000;

/**
 * Deletes objects a restore uploaded ("<bucket>/<name>"), through the Storage API's bulk delete
 * (DELETE /object/<bucket> with { prefixes }), which removes the bytes and the row together (rollback).
 */
export async function removeUploadedObjects(baseUrl: string, key: string, objects: string[]): Promise<void> {
  const byBucket = new Map<string, string[]>();
  for (const object of objects) {
    const slash = object.indexOf("/");
    const bucket = object.slice(0, slash);
    byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), object.slice(slash + 1)]);
  }
  for (const [bucket, names] of byBucket) {
    for (let i = 0; i < names.length; i += DELETE_BATCH) {
      // remove() is the bulk delete; the names travel in the JSON body, so they are sent as they are.
      const { error } = await storageBucket(baseUrl, key, bucket).remove(names.slice(i, i + DELETE_BATCH));
      const refused = refusedStatus(error);
      if (refused)
        throw new OwnitError(
          "storage-unauthorized",
          `the target's Storage API refused the key (HTTP ${refused})`,
          "set the variable the restore named with --storage-key-env to the target project's service-role key",
        );
      if (error) throw new Error(`deleting from bucket ${bucket}: ${failureReason(error, true)}`);
    }
  }
}
