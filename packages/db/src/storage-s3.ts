// Storage objects from an export into an S3-compatible bucket the owner names, laid out as
// Supabase's storage API reads its S3 backend (STORAGE_BACKEND=s3, GLOBAL_S3_BUCKET): the key is
// <tenant>/<bucket>/<name>/<version> (its TenantLocation, "/" its default version separator), with
// Content-Type and Cache-Control from the object's storage.objects metadata, which that backend
// serves back (it falls back to application/octet-stream and no-cache). Each file streams from the
// export through a sha256 tap into a multipart upload (@aws-sdk/lib-storage: a few parts in memory
// whatever the file's size). Credentials and region come from the SDK's standard environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, profiles); a non-AWS endpoint is named.
import { createReadStream } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type pg from "pg";
import { OwnitError, SUPABASE_STORAGE_FILE_BACKEND } from "@ownit/core";
import { connect } from "./connection";
import { readExport, type ExportManifest } from "./export-format";
import { hashingTap } from "./storage";
import { objectRows, storageObjectSegments, type StoredObject } from "./storage-files";
import type { VerifyDifference } from "./verify";

/** The user metadata an uploaded object carries: the export's sha256 (a rerun leaves identical objects alone). */
const SHA256_METADATA = "ownit-sha256";
/** Multipart part size and parts in flight: memory stays near PART_BYTES × QUEUE whatever the file size. */
const PART_BYTES = 8 * 1024 * 1024;
const QUEUE = 2;

export interface S3Target {
  bucket: string;
  /** A non-AWS endpoint (MinIO, R2, …): path-style addressing. Unset: AWS, from the SDK's environment. */
  endpoint?: string;
}

/** `s3://bucket` → the bucket. A key prefix is refused: the storage service reads keys from the bucket's root. */
export function parseS3Location(location: string, endpoint?: string): S3Target {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?$/.exec(location);
  if (!m) {
    const prefixed = /^s3:\/\/[^/]+\/./.test(location);
    throw new OwnitError(
      "storage-s3-location",
      prefixed
        ? `--storage-s3 ${location} has a key prefix, which Supabase's storage service cannot read (its keys start at the bucket's root)`
        : `--storage-s3 ${location} is not an s3://<bucket> address`,
      "pass the bucket the storage service is configured with (STORAGE_S3_BUCKET), e.g. --storage-s3 s3://my-app-storage",
    );
  }
  return { bucket: m[1]!, endpoint };
}

export function s3Client(target: S3Target): S3Client {
  return new S3Client({
    ...(target.endpoint ? { endpoint: target.endpoint, forcePathStyle: true } : {}),
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
  });
}

/** The key the storage service reads an object from. */
export function storageObjectKey(object: StoredObject): string | undefined {
  const segments = storageObjectSegments(object);
  return segments && [SUPABASE_STORAGE_FILE_BACKEND.tenantId, ...segments].join("/");
}

/** The sha256 an object already in the bucket was uploaded with; undefined when there is no such object. */
async function existingSha256(client: S3Client, bucket: string, key: string): Promise<string | null | undefined> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.Metadata?.[SHA256_METADATA] ?? null;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
    throw s3Error(error, bucket);
  }
}

function s3Error(error: unknown, bucket: string): Error {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (error as { name?: string }).name ?? "";
  if (status === 403 || /AccessDenied|SignatureDoesNotMatch|InvalidAccessKeyId/.test(name))
    return new OwnitError(
      "storage-s3-refused",
      `the S3 service refused access to bucket ${bucket} (${name && name !== "Unknown" ? name : `HTTP ${status}`})`,
      "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to a key that may write the bucket (and --s3-endpoint for a non-AWS service)",
    );
  if (status === 404 || name === "NoSuchBucket")
    return new OwnitError("storage-s3-no-bucket", `bucket ${bucket} does not exist`, "create it first, then restore again");
  return error instanceof Error ? error : new Error(String(error));
}

export interface StorageS3Result {
  /** Keys this call wrote (what rollback deletes); objects already there with the same bytes are not in it. */
  keys: string[];
  bytes: number;
  /** Objects of the export whose row the target lacks. */
  skipped: string[];
}

/** Uploads one export file under key, checking its bytes against the manifest as they stream. */
async function uploadOne(
  client: S3Client,
  bucket: string,
  key: string,
  file: string,
  sha256: string,
  row: { contentType?: string; cacheControl?: string },
): Promise<number> {
  const { tap, result } = hashingTap();
  const source = createReadStream(file);
  source.on("error", (error) => tap.destroy(error));
  const body = source.pipe(tap);
  await new Upload({
    client,
    queueSize: QUEUE,
    partSize: PART_BYTES,
    params: {
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: row.contentType ?? "application/octet-stream",
      CacheControl: row.cacheControl ?? "no-cache",
      Metadata: { [SHA256_METADATA]: sha256 },
    },
  })
    .done()
    .catch((error: unknown) => {
      throw s3Error(error, bucket);
    });
  const sent = result();
  if (sent.sha256 !== sha256) {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    throw new OwnitError(
      "storage-export-corrupt",
      `${file} does not match the sha256 the manifest recorded for it`,
      "dump again: the export folder was changed or damaged",
    );
  }
  return sent.bytes;
}

/**
 * Uploads every object of the export into the bucket. An object already there with the export's
 * sha256 is left; one with other bytes stops the restore (nothing is overwritten), and what this
 * call wrote is deleted again, so a failure leaves the bucket as it was.
 */
export async function restoreStorageS3(exportDir: string, targetUrl: string, target: S3Target): Promise<StorageS3Result> {
  const { manifest } = readExport(exportDir);
  const entries = manifest.storage ?? [];
  const result: StorageS3Result = { keys: [], bytes: 0, skipped: [] };
  if (!entries.length) return result;
  const db = await connect(targetUrl, "target");
  let rows: Awaited<ReturnType<typeof objectRows>>;
  try {
    rows = await objectRows(db);
  } finally {
    await db.end().catch(() => {});
  }
  const client = s3Client(target);
  try {
    for (const entry of entries) {
      const id = `${entry.bucket}/${entry.name}`;
      const row = rows.get(id);
      if (!row) {
        result.skipped.push(id);
        continue;
      }
      const key = storageObjectKey({ ...entry, version: row.version });
      if (!key)
        throw new OwnitError(
          "storage-bad-name",
          `storage object ${id} has a name S3 keys cannot hold safely`,
          "rename it in the source, then dump again",
        );
      const there = await existingSha256(client, target.bucket, key);
      if (there === entry.sha256) continue;
      if (there !== undefined)
        throw new OwnitError(
          "storage-object-exists",
          `s3://${target.bucket}/${key} already holds other bytes than ${id} in the export`,
          "restore into an empty bucket (or delete that object if it is stale)",
        );
      result.bytes += await uploadOne(client, target.bucket, key, path.join(exportDir, entry.file), entry.sha256, row);
      result.keys.push(key);
    }
  } catch (error) {
    await removeStorageS3(target, result.keys).catch(() => {});
    throw error;
  } finally {
    client.destroy();
  }
  return result;
}

/** Deletes the keys a restore uploaded (rollback). */
export async function removeStorageS3(target: S3Target, keys: string[]): Promise<void> {
  const client = s3Client(target);
  try {
    for (const key of keys)
      await client.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: key })).catch((error: unknown) => {
        throw s3Error(error, target.bucket);
      });
  } finally {
    client.destroy();
  }
}

/** One difference per object of the manifest whose bytes in the bucket are missing or changed (each re-hashed, streamed). */
export async function verifyStorageS3(db: pg.Client, manifest: ExportManifest, target: S3Target): Promise<VerifyDifference[]> {
  const entries = manifest.storage ?? [];
  if (!entries.length) return [];
  const rows = await objectRows(db);
  const client = s3Client(target);
  const differences: VerifyDifference[] = [];
  const expected = (sha: string) => `sha256 ${sha.slice(0, 12)}…`;
  try {
    for (const entry of entries) {
      const id = `${entry.bucket}/${entry.name}`;
      const row = rows.get(id);
      const key = row && storageObjectKey({ ...entry, version: row.version });
      if (!key) {
        differences.push({ kind: "storage", name: id, expected: expected(entry.sha256), actual: "no storage.objects row" });
        continue;
      }
      let body: Readable;
      try {
        body = (await client.send(new GetObjectCommand({ Bucket: target.bucket, Key: key }))).Body as Readable;
      } catch (error) {
        if ((error as { name?: string }).name !== "NoSuchKey") throw s3Error(error, target.bucket);
        differences.push({ kind: "storage", name: id, expected: expected(entry.sha256), actual: "object missing" });
        continue;
      }
      const { tap, result } = hashingTap();
      await pipeline(body, tap, async (source: AsyncIterable<unknown>) => {
        for await (const _ of source);
      });
      const actual = result().sha256;
      if (actual !== entry.sha256)
        differences.push({ kind: "storage", name: id, expected: expected(entry.sha256), actual: expected(actual) });
    }
  } finally {
    client.destroy();
  }
  return differences;
}
