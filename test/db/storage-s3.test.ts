// Storage files into an S3-compatible bucket the owner names: `ownit restore --storage-s3 s3://<bucket>`
// uploads every object the dump took under the key Supabase's storage API reads with STORAGE_BACKEND=s3
// (<TENANT_ID>/<bucket>/<name>/<version>, its TenantLocation with "/" as version separator), with the
// Content-Type and Cache-Control of the object's storage.objects metadata; `verify --storage-s3`
// re-hashes every object; rollback deletes exactly the keys the restore wrote. The S3 service is
// s3rver on loopback, which checks each request's SigV4 signature.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpDatabase, storageObjectKey } from "@ownit/db";
import { capturedCli, cleanupTemp, tempDir } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { S3_STANDIN_KEYS, startS3Standin, type S3Standin } from "../helpers/s3-standin";
import {
  SEEDED_STORAGE_FILES,
  seededId,
  sql,
  startSourceDatabase,
  startStorageStandIn,
  type SourceDatabase,
  type StorageStandIn,
} from "./source";

const SERVICE_KEY = "test-service-role-key";
const BUCKET = "owned-storage";
const ALICE = seededId("user-alice");
const BOB = seededId("user-bob");
const FILES = SEEDED_STORAGE_FILES;
/** An object of someone else's in the same bucket: a restore and its rollback leave it alone. */
const FOREIGN_KEY = "stub/other-bucket/keep-me.txt";

let source: SourceDatabase;
let storage: StorageStandIn;
let s3: S3Standin;
let target: TestServer;
let exportDir: string;
let project: string;
let saved: NodeJS.ProcessEnv;

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const client = () =>
  new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: S3_STANDIN_KEYS.AWS_REGION,
    credentials: { accessKeyId: S3_STANDIN_KEYS.AWS_ACCESS_KEY_ID, secretAccessKey: S3_STANDIN_KEYS.AWS_SECRET_ACCESS_KEY },
  });
const keys = async () =>
  ((await client().send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key!).sort();
const keyOf = async (url: string, id: string) => {
  const [bucket, ...rest] = id.split("/");
  const name = rest.join("/");
  const [row] = await sql<{ version: string | null }>(
    url,
    `SELECT version FROM storage.objects WHERE bucket_id = '${bucket}' AND name = '${name.replace(/'/g, "''")}'`,
  );
  return storageObjectKey({ bucket: bucket!, name, version: row!.version })!;
};
const restore = (url: string, ...extra: string[]) => {
  const cli = capturedCli();
  return cli
    .run(
      "restore",
      exportDir,
      "--to",
      url,
      "--project",
      project,
      "--storage-s3",
      `s3://${BUCKET}`,
      "--s3-endpoint",
      s3.endpoint,
      ...extra,
    )
    .then((code) => ({ code, out: cli.stdout.join("\n"), err: cli.stderr.join("\n") }));
};

beforeAll(async () => {
  saved = { ...process.env };
  Object.assign(process.env, S3_STANDIN_KEYS);
  [source, target] = await Promise.all([startSourceDatabase(), startTestServer()]);
  storage = await startStorageStandIn(SERVICE_KEY, FILES);
  s3 = await startS3Standin([BUCKET]);
  exportDir = path.join(tempDir(), "ownit-export");
  await dumpDatabase({ from: source.url, out: exportDir, storage: { key: SERVICE_KEY, url: storage.url } });
  project = tempDir("ownit-project-");
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "storage-owner", private: true }));
  await client().send(new PutObjectCommand({ Bucket: BUCKET, Key: FOREIGN_KEY, Body: "not ours" }));
}, 120_000);
afterAll(async () => {
  process.env = saved;
  await storage?.close();
  await s3?.close();
  await Promise.all([source?.server.dispose(), target?.dispose()]);
  cleanupTemp();
});

describe("ownit restore --storage-s3, verify --storage-s3, rollback", () => {
  let url: string;

  it("refuses a signature made with the wrong secret, and leaves the bucket and the database as they were", async () => {
    url = await target.createDatabase("refused");
    process.env.AWS_SECRET_ACCESS_KEY = "not-the-secret";
    try {
      const { code, err } = await restore(url);
      expect(code).toBe(1);
      expect(err).toMatch(/the S3 service refused access to bucket owned-storage \(HTTP 403\)/);
    } finally {
      process.env.AWS_SECRET_ACCESS_KEY = S3_STANDIN_KEYS.AWS_SECRET_ACCESS_KEY;
    }
    expect(s3.refused).toContain("SignatureDoesNotMatch");
    expect(await keys()).toEqual([FOREIGN_KEY]);
    expect(await sql(url, "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'storage'")).toEqual([{ n: 0 }]);
  });

  it("uploads every object byte-identical under the storage service's S3 key, with its content type and cache control", async () => {
    url = await target.createDatabase("restored");
    const { code, out, err } = await restore(url);
    expect(code, err).toBe(0);
    expect(out).toContain(`storage     3 object(s)`);
    const expected = new Map([
      [`avatars/${ALICE}/me.png`, ["image/png", "max-age=3600"]],
      [`avatars/${BOB}/me.png`, ["image/png", "max-age=3600"]],
      // No cacheControl in its metadata: the storage service's own default.
      [`documents/${ALICE}/reports/Q1 résumé.pdf`, ["application/pdf", "no-cache"]],
    ]);
    for (const [id, bytes] of Object.entries(FILES)) {
      const key = await keyOf(url, id);
      // <TENANT_ID>/<bucket>/<name>/<version>
      expect(key).toMatch(new RegExp(`^stub/${id.replace(/[.]/g, "\\.")}/[0-9a-f]{32}$`));
      const object = await client().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(sha256(await object.Body!.transformToByteArray())).toBe(sha256(bytes));
      expect([object.ContentType, object.CacheControl]).toEqual(expected.get(id));
    }
    expect(await keys()).toHaveLength(4);
  });

  it("a second restore into another database finds the same bytes there and uploads nothing", async () => {
    const again = await target.createDatabase("restored_again");
    const { code, out } = await restore(again);
    expect(code).toBe(0);
    expect(out).toContain("storage     0 object(s)");
    const cli = capturedCli();
    expect(await cli.run("rollback", project, "--force"), cli.stderr.join("\n")).toBe(0);
    // Its rollback deletes nothing of the first restore's: it wrote no key.
    expect(await keys()).toHaveLength(4);
  });

  it("verify re-hashes every object and catches one changed byte, naming the object", async () => {
    const ok = capturedCli();
    expect(
      await ok.run("verify", exportDir, "--against", url, "--storage-s3", `s3://${BUCKET}`, "--s3-endpoint", s3.endpoint),
      ok.stdout.join("\n"),
    ).toBe(0);
    const id = `documents/${ALICE}/reports/Q1 résumé.pdf`;
    const changed = Buffer.from(FILES[id]!);
    changed[500] = changed[500]! ^ 1;
    await client().send(new PutObjectCommand({ Bucket: BUCKET, Key: await keyOf(url, id), Body: changed }));
    const bad = capturedCli();
    expect(
      await bad.run(
        "verify",
        exportDir,
        "--against",
        url,
        "--storage-s3",
        `s3://${BUCKET}`,
        "--s3-endpoint",
        s3.endpoint,
        "--json",
      ),
    ).toBe(1);
    const report = JSON.parse(bad.stdout.join("\n")) as { differences: Array<{ kind: string; name: string }> };
    expect(report.differences.map((d) => [d.kind, d.name])).toEqual([["storage", id]]);
  });

  it("rollback deletes exactly the objects the restore uploaded, with the tables", async () => {
    const uploaded = await Promise.all(Object.keys(FILES).map((id) => keyOf(url, id)));
    const cli = capturedCli();
    expect(await cli.run("rollback", project, "--force"), cli.stderr.join("\n")).toBe(0);
    expect(await keys()).toEqual([FOREIGN_KEY]);
    expect(uploaded).toHaveLength(3);
    expect(await sql(url, "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'storage'")).toEqual([{ n: 0 }]);
  });

  it("a key prefix is refused: the storage service reads keys from the bucket's root", async () => {
    const cli = capturedCli();
    const code = await cli.run(
      "restore",
      exportDir,
      "--to",
      url,
      "--project",
      project,
      "--storage-s3",
      `s3://${BUCKET}/some/prefix`,
    );
    expect(code).toBe(1);
    expect(cli.stderr.join("\n")).toContain("has a key prefix, which Supabase's storage service cannot read");
  });

  it("the stand-in checks every signature: unsigned and wrongly signed requests are refused, ours pass", async () => {
    expect((await fetch(`${s3.endpoint}/${BUCKET}/${FOREIGN_KEY}`)).status).toBe(403);
    expect((await client().send(new HeadObjectCommand({ Bucket: BUCKET, Key: FOREIGN_KEY }))).ContentLength).toBe(8);
    expect(s3.refused).toContain("SignatureDoesNotMatch");
    expect(s3.refused).toContain("AccessDenied");
  });
});
