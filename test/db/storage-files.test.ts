// Storage files go back where the owned stack's storage service reads them: `ownit restore
// --storage-dir` copies every object the dump took into Supabase Storage's file-backend layout
// (<root>/stub/stub/<bucket>/<name>/<version>, as supabase/storage's file backend and locator
// build it), byte for byte; bucket settings, object rows and storage policies come with the
// database; `ownit verify --storage-dir` re-hashes every object; rollback removes the files.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpDatabase, storageFilePath, writeStorageXattrs } from "@ownit/db";
import { requireTool } from "../helpers/system-tools";
import { capturedCli, cleanupTemp, tempDir } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";
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
const ALICE = seededId("user-alice");
const BOB = seededId("user-bob");
const FILES = SEEDED_STORAGE_FILES;

let source: SourceDatabase;
let storage: StorageStandIn;
let target: TestServer;
let exportDir: string;
let targetUrl: string;
let project: string;
let storageDir: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startSourceDatabase(), startTestServer()]);
  storage = await startStorageStandIn(SERVICE_KEY, FILES);
  exportDir = path.join(tempDir(), "ownit-export");
  await dumpDatabase({ from: source.url, out: exportDir, storage: { key: SERVICE_KEY, url: storage.url } });
  targetUrl = await target.createDatabase("restored");
  project = tempDir("ownit-project-");
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "storage-owner", private: true }));
  storageDir = path.join(tempDir(), "storage-data");
  mkdirSync(storageDir);
}, 120_000);
afterAll(async () => {
  await storage?.close();
  await Promise.all([source?.server.dispose(), target?.dispose()]);
  cleanupTemp();
});

const versionOf = async (bucket: string, name: string) =>
  (
    await sql<{ version: string | null }>(
      targetUrl,
      `SELECT version FROM storage.objects WHERE bucket_id = '${bucket}' AND name = '${name.replace(/'/g, "''")}'`,
    )
  )[0]!.version;
const layoutFile = async (key: string) => {
  const [bucket, ...rest] = key.split("/");
  const name = rest.join("/");
  return storageFilePath(storageDir, { bucket: bucket!, name, version: await versionOf(bucket!, name) })!;
};

describe("ownit restore --storage-dir, verify --storage-dir, rollback", () => {
  it("restores every object byte-identical into the storage service's file layout, with its version in the path", async () => {
    const cli = capturedCli();
    expect(
      await cli.run("restore", exportDir, "--to", targetUrl, "--project", project, "--storage-dir", storageDir),
      cli.stderr.join("\n"),
    ).toBe(0);
    expect(cli.stdout.join("\n")).toContain("storage     3 file(s)");
    for (const [key, bytes] of Object.entries(FILES)) {
      const file = await layoutFile(key);
      // supabase/storage's layout: <root>/<GLOBAL_S3_BUCKET>/<TENANT_ID>/<bucket>/<name>/<version>
      expect(path.relative(storageDir, file)).toBe(
        path.join("stub", "stub", key, (await versionOf(key.split("/")[0]!, key.split("/").slice(1).join("/")))!),
      );
      expect(createHash("sha256").update(readFileSync(file)).digest("hex")).toBe(
        createHash("sha256").update(bytes).digest("hex"),
      );
    }
  });

  it("each file carries the content type and cache control the storage service serves it with (its user.supabase.* attributes)", async () => {
    const getfattr = requireTool("getfattr");
    const attributes = async (key: string) =>
      execFileSync(getfattr, ["--dump", "--absolute-names", "--match=^user\\.supabase\\.", await layoutFile(key)], {
        encoding: "utf8",
      })
        .split("\n")
        .filter((l) => l.startsWith("user."))
        .sort();
    expect(await attributes(`avatars/${ALICE}/me.png`)).toEqual([
      'user.supabase.cache-control="max-age=3600"',
      'user.supabase.content-type="image/png"',
    ]);
    // No cacheControl in its metadata: no attribute, so the service answers its own default (no-cache).
    expect(await attributes(`documents/${ALICE}/reports/Q1 résumé.pdf`)).toEqual([
      'user.supabase.content-type="application/pdf"',
    ]);
  });

  it("without setfattr the files are still restored, and the outcome says what is missing", async () => {
    const file = path.join(tempDir(), "plain.bin");
    writeFileSync(file, "x");
    expect(await writeStorageXattrs([{ file, contentType: "image/png" }], "/nonexistent/setfattr")).toEqual({
      notWritten: "setfattr is not installed (Debian/Ubuntu: apt-get install attr)",
    });
  });

  it("keeps bucket settings, object metadata and storage policies: the private bucket stays private", async () => {
    const buckets = "SELECT id, public, file_size_limit, allowed_mime_types FROM storage.buckets ORDER BY id";
    expect(await sql(targetUrl, buckets)).toEqual(await sql(source.url, buckets));
    expect((await sql<{ id: string; public: boolean }>(targetUrl, buckets)).map((b) => [b.id, b.public])).toEqual([
      ["avatars", true],
      ["documents", false],
    ]);
    const objects = "SELECT bucket_id, name, metadata, version FROM storage.objects ORDER BY 1, 2";
    expect(await sql(targetUrl, objects)).toEqual(await sql(source.url, objects));
    const policies = "SELECT policyname, cmd, qual, with_check FROM pg_policies WHERE schemaname = 'storage' ORDER BY 1";
    expect((await sql(targetUrl, policies)).length).toBeGreaterThan(0);
    expect(await sql(targetUrl, policies)).toEqual(await sql(source.url, policies));
  });

  it("verify re-hashes every object and catches one changed byte, naming the object", async () => {
    const ok = capturedCli();
    expect(await ok.run("verify", exportDir, "--against", targetUrl, "--storage-dir", storageDir), ok.stdout.join("\n")).toBe(0);
    const file = await layoutFile(`documents/${ALICE}/reports/Q1 résumé.pdf`);
    const bytes = readFileSync(file);
    bytes[500] = bytes[500]! ^ 1;
    writeFileSync(file, bytes);
    const bad = capturedCli();
    expect(await bad.run("verify", exportDir, "--against", targetUrl, "--storage-dir", storageDir, "--json")).toBe(1);
    const report = JSON.parse(bad.stdout.join("\n")) as { differences: Array<{ kind: string; name: string }> };
    expect(report.differences.map((d) => [d.kind, d.name])).toEqual([["storage", `documents/${ALICE}/reports/Q1 résumé.pdf`]]);
  });

  it("rollback removes the files the restore wrote, with the tables", async () => {
    const files = await Promise.all(Object.keys(FILES).map(layoutFile));
    expect(files.every((f) => existsSync(f))).toBe(true);
    const cli = capturedCli();
    expect(await cli.run("rollback", project, "--force"), cli.stderr.join("\n")).toBe(0);
    expect(files.filter((f) => existsSync(f))).toEqual([]);
    expect(await sql(targetUrl, "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'storage'")).toEqual([{ n: 0 }]);
  });
});
