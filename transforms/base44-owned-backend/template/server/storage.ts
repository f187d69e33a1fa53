// Where UploadFile puts files: a local folder served at /api/files/ (STORAGE_DRIVER=local, the
// default), or any S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Backblaze B2) signed with
// AWS Signature Version 4 (STORAGE_DRIVER=s3).
import { createHash, createHmac, randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Settings } from "./config";

export interface StoredFile {
  /** The object key, e.g. 2025/06/3f9a1c2b_cover.png */
  key: string;
  /** Absolute URL when the storage has one, else a path under /api/files/ (made absolute per request). */
  url: string;
}

export interface FileStorage {
  put(name: string, bytes: Uint8Array, contentType: string): Promise<StoredFile>;
}

/** `3f9a1c2b_cover.png` under a year/month folder: unique, and still readable. */
export function objectKey(name: string, now = new Date()): string {
  const safe = (path.basename(name || "file").normalize("NFKD").replace(/[^\w.-]+/g, "_").replace(/^\.+/, "") || "file").slice(-120);
  const month = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
  return `${month}/${randomBytes(4).toString("hex")}_${safe}`;
}

export const LOCAL_FILES_ROUTE = "/api/files";

export function localStorage(dir: string): FileStorage {
  return {
    async put(name, bytes) {
      const key = objectKey(name);
      const file = path.join(dir, ...key.split("/"));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, bytes);
      return { key, url: `${LOCAL_FILES_ROUTE}/${key.split("/").map(encodeURIComponent).join("/")}` };
    },
  };
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

/** SigV4's signing key: HMAC chain over date, region, service, "aws4_request". */
export function sigV4SigningKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
}

/** RFC 3986 encoding of one path segment, as SigV4 wants it. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The headers of a signed S3 PUT (path-style URL, so any S3-compatible endpoint works). */
export function signS3Put(options: { endpoint: string; region: string; bucket: string; key: string; accessKeyId: string; secretAccessKey: string; body: Uint8Array; contentType: string; now?: Date }): { url: string; headers: Record<string, string> } {
  const endpoint = new URL(options.endpoint);
  const canonicalPath = `${endpoint.pathname.replace(/\/$/, "")}/${encodeSegment(options.bucket)}/${options.key.split("/").map(encodeSegment).join("/")}`;
  const amzDate = (options.now ?? new Date()).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const date = amzDate.slice(0, 8);
  const payloadHash = sha256Hex(options.body);
  const headers: Record<string, string> = { "content-type": options.contentType, host: endpoint.host, "x-amz-content-sha256": payloadHash, "x-amz-date": amzDate };
  const names = Object.keys(headers).sort();
  const canonicalRequest = ["PUT", canonicalPath, "", ...names.map((n) => `${n}:${headers[n]!.trim()}`), "", names.join(";"), payloadHash].join("\n");
  const scope = `${date}/${options.region}/s3/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const signature = createHmac("sha256", sigV4SigningKey(options.secretAccessKey, date, options.region, "s3")).update(stringToSign).digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${options.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  return { url: `${endpoint.origin}${canonicalPath}`, headers };
}

export function s3Storage(s3: Extract<Settings["storage"], { driver: "s3" }>): FileStorage {
  return {
    async put(name, bytes, contentType) {
      const key = objectKey(name);
      const { url, headers } = signS3Put({ ...s3, key, body: bytes, contentType });
      const { host: _host, ...sent } = headers;
      const res = await fetch(url, { method: "PUT", headers: sent, body: bytes });
      if (!res.ok) throw new Error(`S3 upload to ${s3.bucket} failed: ${res.status} ${(await res.text()).slice(0, 200)}`);
      const endpoint = new URL(s3.endpoint);
      const base = s3.publicUrl ? s3.publicUrl.replace(/\/$/, "") : `${endpoint.origin}${endpoint.pathname.replace(/\/$/, "")}/${encodeSegment(s3.bucket)}`;
      return { key, url: `${base}/${key.split("/").map(encodeSegment).join("/")}` };
    },
  };
}

export function createStorage(settings: Settings): FileStorage {
  return settings.storage.driver === "s3" ? s3Storage(settings.storage) : localStorage(settings.storage.dir);
}
