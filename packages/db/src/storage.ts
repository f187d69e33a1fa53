// Files in Supabase Storage, downloaded through the Storage API (GET /object/<bucket>/<path> with
// the service-role key) into the export's storage/<bucket>/<path>. Which files exist comes from
// storage.objects in the dump's snapshot. Each file is streamed to disk with its sha256; a file
// that cannot be fetched is reported, not fatal (objects whose bytes are gone are common).
//
// The calls go through @supabase/storage-js, the Storage client that @supabase/supabase-js (which
// the design names) exposes as `supabase.storage`, taken alone: a dump or restore speaks only to
// Storage with a service key, and supabase-js would add auth-js (a session store that warns under
// Node), realtime-js, postgrest-js and functions-js for nothing. Pinned to 2.109.0, the last release
// whose engines allow Node 20 (from 2.110.0 on they ask for Node >= 22; ownit runs on Node >= 20.11).
import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { isStorageError, StorageClient, StorageUnknownError } from "@supabase/storage-js";
import { OwnitError } from "@ownit/core";
import { STORAGE_DIR, type StorageEntry } from "./export-format";
import { parseConnectionUrl } from "./connection";

export interface StorageObject {
  bucket: string;
  name: string;
}

export interface StorageFailure extends StorageObject {
  reason: string;
}

export interface StorageDownload {
  /** e.g. https://<ref>.supabase.co/storage/v1 */
  baseUrl: string;
  /** The service-role key (or a secret key): it can read private buckets. */
  key: string;
  objects: StorageObject[];
  /** The export folder; files go under storage/. */
  dir: string;
  concurrency?: number;
  onFile?: (object: StorageObject, bytes: number) => void;
}

/** https://<ref>.supabase.co/storage/v1 from a Supabase connection string (direct or pooler). */
export function storageUrlFor(databaseUrl: string): string | undefined {
  const p = parseConnectionUrl(databaseUrl);
  const direct = /^db\.([a-z0-9]{20})\.supabase\.co$/.exec(p.host);
  const pooled = /\.pooler\.supabase\.com$/.test(p.host) ? /^[^.]+\.([a-z0-9]{20})$/.exec(p.user) : null;
  const ref = direct?.[1] ?? pooled?.[1];
  return ref ? `https://${ref}.supabase.co/storage/v1` : undefined;
}

/** The export-relative path of an object, refusing names that would escape the folder. */
export function storagePath(object: StorageObject): string | undefined {
  const segments = [object.bucket, ...object.name.split("/")];
  if (segments.some((s) => s === "" || s === "." || s === ".." || s.includes("\\") || s.includes("\0"))) return undefined;
  return path.posix.join(STORAGE_DIR, ...segments);
}

/** A Storage API client for one bucket, the key sent as Supabase's gateway takes it: as apikey and as the Bearer token. */
export function storageBucket(baseUrl: string, key: string, bucket: string) {
  const client = new StorageClient(baseUrl.replace(/\/+$/, ""), { Authorization: `Bearer ${key}`, apikey: key });
  // storage-js puts the bucket and path into the URL as given, so they are percent-encoded here
  // (Storage allows names with `?`, `#`, spaces): the request is the documented one for any name.
  return client.from(encodeURIComponent(bucket));
}

/** An object's name as a URL path, each segment percent-encoded (see storageBucket). */
export function encodedName(name: string): string {
  return name.split("/").map(encodeURIComponent).join("/");
}

/** The HTTP status Storage refused a request with, when the refusal is the key's (401/403). */
export function refusedStatus(error: unknown): number | undefined {
  const status = isStorageError(error) ? error.status : undefined;
  return status === 401 || status === 403 ? status : undefined;
}

/**
 * Why a request failed: the network's error code where there is one (ECONNREFUSED…), else
 * `HTTP <status>`, followed by Storage's message when `withMessage`.
 */
export function failureReason(error: unknown, withMessage = false): string {
  const original = error instanceof StorageUnknownError ? (error.originalError as { cause?: { code?: string } }) : undefined;
  if (original?.cause?.code) return original.cause.code;
  if (isStorageError(error) && error.status)
    return withMessage ? `HTTP ${error.status} ${error.message.slice(0, 200)}` : `HTTP ${error.status}`;
  return (error as Error).message;
}

/** A pass-through stream that counts and sha256-hashes what flows through it; `result()` once it has ended. */
export function hashingTap(): { tap: Transform; result(): { bytes: number; sha256: string } } {
  const hash = createHash("sha256");
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  return { tap, result: () => ({ bytes, sha256: hash.digest("hex") }) };
}

/** Streams a web stream into a file (its folders created), hashing it on the way. */
async function saveStream(body: ReadableStream, abs: string): Promise<{ bytes: number; sha256: string }> {
  mkdirSync(path.dirname(abs), { recursive: true });
  const { tap, result } = hashingTap();
  await pipeline(Readable.fromWeb(body as WebReadableStream), tap, createWriteStream(abs));
  return result();
}

/** Streams a response's body into a file (its folders created), hashing it on the way. */
export async function saveResponseBody(response: Response, abs: string): Promise<{ bytes: number; sha256: string }> {
  if (!response.body) throw new Error("empty body");
  return saveStream(response.body, abs);
}

async function downloadOne(options: StorageDownload, object: StorageObject): Promise<StorageEntry> {
  const file = storagePath(object);
  if (!file) throw new Error("its name would leave the export folder");
  // asStream(): the body as it arrives (a plain download() would buffer the whole file in a Blob).
  const { data, error } = await storageBucket(options.baseUrl, options.key, object.bucket)
    .download(encodedName(object.name))
    .asStream();
  const refused = refusedStatus(error);
  if (refused) {
    throw new OwnitError(
      "storage-unauthorized",
      `the Storage API refused the key (HTTP ${refused})`,
      "pass the project's service-role key (Project Settings → API) with --storage-key",
    );
  }
  if (error) throw error;
  if (!data) throw new Error("empty body");
  const saved = await saveStream(data, path.join(options.dir, file));
  options.onFile?.(object, saved.bytes);
  return { bucket: object.bucket, name: object.name, file, ...saved };
}

/**
 * Downloads every object, a few at a time. A refused key stops everything (once every download
 * under way has ended, so nothing writes into the folder after this returns); other failures are listed.
 */
export async function downloadStorageObjects(
  options: StorageDownload,
): Promise<{ entries: StorageEntry[]; failures: StorageFailure[] }> {
  const entries: StorageEntry[] = [];
  const failures: StorageFailure[] = [];
  const queue = [...options.objects];
  const worker = async () => {
    for (let object = queue.shift(); object; object = queue.shift()) {
      try {
        entries.push(await downloadOne(options, object));
      } catch (error) {
        if (error instanceof OwnitError) {
          queue.length = 0; // the other workers stop after their current file
          throw error;
        }
        failures.push({ ...object, reason: failureReason(error) });
      }
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (refused) throw refused.reason;
  entries.sort((a, b) => a.file.localeCompare(b.file));
  return { entries, failures };
}
