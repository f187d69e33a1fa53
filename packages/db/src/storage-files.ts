// Storage objects from an export into the owned stack's storage, laid out as Supabase's storage API
// reads its file backend (SUPABASE_STORAGE_FILE_BACKEND in @ownit/core): each file the dump took
// is copied to <root>/<global bucket>/<tenant>/<bucket>/<name>/<version>, the version read from the
// restored storage.objects row, and its sha256 checked against the manifest on the way. Buckets
// (public or not, size limits, MIME types), object metadata and storage policies are rows and
// policies the database restore already carried. verify re-reads every file's bytes.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { OwnitError, SUPABASE_STORAGE_FILE_BACKEND } from "@ownit/core";
import { connect } from "./connection";
import { hashingTap } from "./storage";
import { readExport, type ExportManifest, type StorageEntry } from "./export-format";
import type { VerifyDifference } from "./verify";
import { writeStorageXattrs, type FileHeaders, type XattrOutcome } from "./storage-xattrs";

export interface StoredObject {
  bucket: string;
  name: string;
  /** storage.objects.version: the file backend appends it to the path. */
  version: string | null;
}

/**
 * The path segments under the tenant that the storage service keeps an object at, in both of its
 * backends: <bucket>/<name…>/<version> (its TenantLocation key, "/" its version separator by
 * default). Undefined for a name that would leave the tenant's folder.
 */
export function storageObjectSegments(object: StoredObject): string[] | undefined {
  const segments = [object.bucket, ...object.name.split("/"), ...(object.version ? [object.version] : [])];
  if (segments.some((s) => s === "" || s === "." || s === ".." || s.includes("\\") || s.includes("\0"))) return undefined;
  return segments;
}

/** Where the file backend under root keeps an object; undefined for a name that would leave root. */
export function storageFilePath(root: string, object: StoredObject): string | undefined {
  const segments = storageObjectSegments(object);
  if (!segments) return undefined;
  return path.join(root, SUPABASE_STORAGE_FILE_BACKEND.globalBucket, SUPABASE_STORAGE_FILE_BACKEND.tenantId, ...segments);
}

/** What the target's storage.objects row says of an object: its version and the headers it is served with. */
export interface ObjectRow {
  version: string | null;
  contentType?: string;
  cacheControl?: string;
}

/** Each object's row in the target's storage.objects ("bucket/name" → version, content type, cache control). */
export async function objectRows(client: pg.Client): Promise<Map<string, ObjectRow>> {
  const { rows } = await client.query<StoredObject & { content_type: string | null; cache_control: string | null }>(
    `select bucket_id as bucket, name, version, metadata->>'mimetype' as content_type, metadata->>'cacheControl' as cache_control
       from storage.objects where name is not null`,
  );
  return new Map(
    rows.map((r) => [
      `${r.bucket}/${r.name}`,
      { version: r.version, contentType: r.content_type ?? undefined, cacheControl: r.cache_control ?? undefined },
    ]),
  );
}

async function objectVersions(client: pg.Client): Promise<Map<string, string | null>> {
  return new Map([...(await objectRows(client))].map(([key, row]) => [key, row.version]));
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

export interface StorageFilesResult {
  /** Absolute paths written (what rollback removes). */
  files: string[];
  bytes: number;
  /** Objects of the export whose row the target lacks (nothing to serve them from). */
  skipped: string[];
  /** Whether the files carry the content type and cache control the storage service serves them with. */
  headers: XattrOutcome;
}

/**
 * Copies every object of the export into the file layout under root. A file already there with
 * the same bytes is left; one with other bytes stops the restore (nothing is overwritten), and
 * what this call wrote is removed again, so a failure leaves root as it was.
 */
export async function restoreStorageFiles(exportDir: string, targetUrl: string, root: string): Promise<StorageFilesResult> {
  const { manifest } = readExport(exportDir);
  const entries = manifest.storage ?? [];
  const result: StorageFilesResult = { files: [], bytes: 0, skipped: [], headers: { written: 0 } };
  if (!entries.length) return result;
  const client = await connect(targetUrl, "target");
  let rows: Map<string, ObjectRow>;
  try {
    rows = await objectRows(client);
  } finally {
    await client.end().catch(() => {});
  }
  const headers: FileHeaders[] = [];
  try {
    for (const entry of entries) {
      const key = `${entry.bucket}/${entry.name}`;
      const row = rows.get(key);
      if (!row) {
        result.skipped.push(key);
        continue;
      }
      const dest = storageFilePath(root, { ...entry, version: row.version });
      if (!dest)
        throw new OwnitError(
          "storage-bad-name",
          `storage object ${key} has a name that would leave ${root}`,
          "rename the object in the source project, then dump again",
        );
      if (existsSync(dest)) {
        if ((await sha256File(dest)) === entry.sha256) continue;
        throw new OwnitError(
          "storage-file-exists",
          `${dest} already holds other bytes than ${key} in the export`,
          "restore into an empty storage folder (or remove that file if it is stale)",
        );
      }
      mkdirSync(path.dirname(dest), { recursive: true });
      const partial = `${dest}.ownit-partial`;
      const { tap, result: copied } = hashingTap();
      await pipeline(createReadStream(path.join(exportDir, entry.file)), tap, createWriteStream(partial));
      const { bytes, sha256 } = copied();
      if (sha256 !== entry.sha256) {
        rmSync(partial, { force: true });
        throw new OwnitError(
          "storage-export-corrupt",
          `${entry.file} in the export does not match the sha256 the manifest recorded for it`,
          "dump again: the export folder was changed or damaged",
        );
      }
      renameSync(partial, dest);
      result.files.push(dest);
      result.bytes += bytes;
      headers.push({ file: dest, contentType: row.contentType, cacheControl: row.cacheControl });
    }
  } catch (error) {
    removeStorageFiles(result.files);
    throw error;
  }
  result.headers = await writeStorageXattrs(headers);
  return result;
}

/** Removes files restoreStorageFiles wrote (rollback). */
export function removeStorageFiles(files: string[]): void {
  for (const file of files) rmSync(file, { force: true });
}

/** One difference per object of the manifest whose bytes in the file layout are missing or changed. */
export async function verifyStorageFiles(client: pg.Client, manifest: ExportManifest, root: string): Promise<VerifyDifference[]> {
  const entries: StorageEntry[] = manifest.storage ?? [];
  if (!entries.length) return [];
  const versions = await objectVersions(client);
  const differences: VerifyDifference[] = [];
  for (const entry of entries) {
    const key = `${entry.bucket}/${entry.name}`;
    const file = versions.has(key) ? storageFilePath(root, { ...entry, version: versions.get(key)! }) : undefined;
    if (!file || !existsSync(file)) {
      differences.push({
        kind: "storage",
        name: key,
        expected: `sha256 ${entry.sha256.slice(0, 12)}…`,
        actual: versions.has(key) ? "file missing" : "no storage.objects row",
      });
      continue;
    }
    const actual = await sha256File(file);
    if (actual !== entry.sha256)
      differences.push({
        kind: "storage",
        name: key,
        expected: `sha256 ${entry.sha256.slice(0, 12)}…`,
        actual: `sha256 ${actual.slice(0, 12)}…`,
      });
  }
  return differences;
}

/** The bytes of a restored object, for callers that serve or compare it. */
export function readStoredObject(root: string, object: StoredObject): Buffer | undefined {
  const file = storageFilePath(root, object);
  return file && existsSync(file) ? readFileSync(file) : undefined;
}
