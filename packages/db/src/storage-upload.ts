// Storage files of an export uploaded into a Supabase project of the owner's own, through its
// Storage API (POST /object/<bucket>/<path> with the service-role key, x-upsert), since Storage
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

function objectUrl(baseUrl: string, entry: StorageEntry): string {
  return `${baseUrl.replace(/\/+$/, "")}/object/${encodeURIComponent(entry.bucket)}/${entry.name.split("/").map(encodeURIComponent).join("/")}`;
}

async function uploadOne(options: StorageUpload, entry: StorageEntry, contentType: string): Promise<void> {
  const file = path.join(options.exportDir, entry.file);
  const response = await fetch(objectUrl(options.baseUrl, entry), {
    method: "POST",
    headers: {
      Authorization: `Bearer ${options.key}`,
      apikey: options.key,
      "x-upsert": "true",
      "content-type": contentType,
      "content-length": String(statSync(file).size),
    },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: "half",
  } as RequestInit);
  if (response.status === 401 || response.status === 403) {
    throw new OwnitError(
      "storage-unauthorized",
      `the target's Storage API refused the key (HTTP ${response.status})`,
      "pass the target project's service-role key (Project Settings → API keys)",
    );
  }
  if (!response.ok) throw new Error(`HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
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
        const metadata = typeof row?.metadata === "string" ? (JSON.parse(row.metadata) as { mimetype?: string }) : undefined;
        try {
          await uploadOne(options, entry, metadata?.mimetype ?? "application/octet-stream");
          objects.push(`${entry.bucket}/${entry.name}`);
          bytes += entry.bytes;
          options.onFile?.(entry);
        } catch (error) {
          if (error instanceof OwnitError) {
            queue.length = 0;
            throw error;
          }
          failures.push({
            bucket: entry.bucket,
            name: entry.name,
            reason: (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message,
          });
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
      const response = await fetch(`${baseUrl.replace(/\/+$/, "")}/object/${encodeURIComponent(bucket)}`, {
        method: "DELETE",
        headers: { Authorization: `Bearer ${key}`, apikey: key, "content-type": "application/json" },
        body: JSON.stringify({ prefixes: names.slice(i, i + DELETE_BATCH) }),
      });
      if (response.status === 401 || response.status === 403)
        throw new OwnitError(
          "storage-unauthorized",
          `the target's Storage API refused the key (HTTP ${response.status})`,
          "set the variable the restore named with --storage-key-env to the target project's service-role key",
        );
      if (!response.ok)
        throw new Error(`deleting from bucket ${bucket}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
    }
  }
}
