// A stand-in for a Supabase project's Storage API (supabase/storage), in the test harness only:
// it speaks the documented object routes (POST /storage/v1/object/<bucket>/<path> to upload, with
// x-upsert; GET to download; DELETE /storage/v1/object/<bucket> with { prefixes } to delete; Bearer +
// apikey service key) and, like the real service, records each object in the project's own
// storage.objects table with a fresh `version` naming the stored bytes, and deletes row and bytes together.
import { createHash, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { Hono, type Context } from "hono";
import pg from "pg";

/** Largest upload accepted (Supabase's default file size limit is 50 MB). */
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export interface StorageApi {
  url: string;
  /** Stored bytes by "<bucket>/<name>/<version>". */
  blobs: Map<string, Buffer>;
  /** "<bucket>/<name>" of every object deleted, in order. */
  deleted: string[];
  /** The headers each upload came with that say how the object is served and how long it is. */
  uploads: { object: string; contentType?: string; cacheControl?: string; contentLength?: string }[];
  close(): Promise<void>;
}

function objectName(c: Context, bucket: string): string {
  return decodeURIComponent(new URL(c.req.url).pathname.slice(`/storage/v1/object/${encodeURIComponent(bucket)}/`.length));
}

export async function startStorageApi(key: string, databaseUrl: string): Promise<StorageApi> {
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const blobs = new Map<string, Buffer>();
  const deleted: string[] = [];
  const uploads: StorageApi["uploads"] = [];
  const app = new Hono();
  const authorized = (c: Context) => c.req.header("authorization") === `Bearer ${key}` && c.req.header("apikey") === key;
  app.post("/storage/v1/object/:bucket/*", async (c) => {
    if (!authorized(c)) return c.json({ statusCode: "403", error: "Unauthorized", message: "invalid signature" }, 403);
    const bucket = c.req.param("bucket");
    const name = objectName(c, bucket);
    const { rows: buckets } = await db.query("select 1 from storage.buckets where id = $1", [bucket]);
    if (!buckets.length) return c.json({ statusCode: "404", error: "Bucket not found", message: "Bucket not found" }, 400);
    uploads.push({
      object: `${bucket}/${name}`,
      contentType: c.req.header("content-type"),
      cacheControl: c.req.header("cache-control"),
      contentLength: c.req.header("content-length"),
    });
    const body = Buffer.from(await c.req.arrayBuffer());
    if (body.length > MAX_UPLOAD_BYTES)
      return c.json(
        { statusCode: "413", error: "Payload too large", message: "The object exceeded the maximum allowed size" },
        413,
      );
    const upsert = c.req.header("x-upsert") === "true";
    const version = randomUUID();
    const metadata = {
      eTag: `"${createHash("md5").update(body).digest("hex")}"`,
      size: body.length,
      mimetype: c.req.header("content-type") ?? "application/octet-stream",
      // Storage keeps the upload's cache-control header (its default no-cache when there is none).
      cacheControl: c.req.header("cache-control") ?? "no-cache",
      lastModified: new Date().toISOString(),
      contentLength: body.length,
      httpStatusCode: 200,
    };
    const conflict = upsert
      ? "on conflict (bucket_id, name) do update set metadata = excluded.metadata, version = excluded.version, owner = excluded.owner, owner_id = excluded.owner_id"
      : "";
    try {
      const { rows } = await db.query<{ id: string }>(
        `insert into storage.objects (bucket_id, name, owner, owner_id, metadata, version) values ($1, $2, null, null, $3, $4) ${conflict} returning id`,
        [bucket, name, metadata, version],
      );
      blobs.set(`${bucket}/${name}/${version}`, body);
      return c.json({ Id: rows[0]!.id, Key: `${bucket}/${name}` });
    } catch (error) {
      if ((error as { code?: string }).code === "23505")
        return c.json({ statusCode: "409", error: "Duplicate", message: "The resource already exists" }, 400);
      throw error;
    }
  });
  app.get("/storage/v1/object/:bucket/*", async (c) => {
    if (!authorized(c)) return c.json({ statusCode: "403", error: "Unauthorized", message: "invalid signature" }, 403);
    const bucket = c.req.param("bucket");
    const name = objectName(c, bucket);
    const { rows } = await db.query<{ version: string; mimetype: string | null }>(
      "select version, metadata->>'mimetype' as mimetype from storage.objects where bucket_id = $1 and name = $2",
      [bucket, name],
    );
    const body = rows[0] ? blobs.get(`${bucket}/${name}/${rows[0].version}`) : undefined;
    if (!body) return c.json({ statusCode: "404", error: "not_found", message: "Object not found" }, 400);
    return c.body(new Uint8Array(body), 200, { "content-type": rows[0]!.mimetype ?? "application/octet-stream" });
  });
  app.delete("/storage/v1/object/:bucket", async (c) => {
    if (!authorized(c)) return c.json({ statusCode: "403", error: "Unauthorized", message: "invalid signature" }, 403);
    const bucket = c.req.param("bucket");
    const { prefixes } = (await c.req.json()) as { prefixes?: unknown };
    if (!Array.isArray(prefixes) || !prefixes.length || prefixes.length > 1000 || prefixes.some((p) => typeof p !== "string"))
      return c.json({ statusCode: "400", error: "Invalid Input", message: "body/prefixes must be 1 to 1000 names" }, 400);
    const { rows } = await db.query<{ name: string; version: string }>(
      "delete from storage.objects where bucket_id = $1 and name = any($2::text[]) returning name, version",
      [bucket, prefixes],
    );
    for (const r of rows) {
      blobs.delete(`${bucket}/${r.name}/${r.version}`);
      deleted.push(`${bucket}/${r.name}`);
    }
    return c.json(rows.map((r) => ({ bucket_id: bucket, name: r.name })));
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/storage/v1`,
    blobs,
    deleted,
    uploads,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.end();
    },
  };
}
