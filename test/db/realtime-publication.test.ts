// Realtime's publication travels with the data: the tables a Supabase app published to
// supabase_realtime are published on the restored database (so a Realtime server reading it keeps
// sending postgres_changes), and rolling the restore back drops the publication with the tables.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpDatabase, restoreExport, undoRestore } from "@ownit/db";
import { cleanupTemp, tempDir } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { sql, startSourceDatabase, type SourceDatabase } from "./source";

let source: SourceDatabase;
let target: TestServer;
let exportDir: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startSourceDatabase(), startTestServer()]);
  exportDir = path.join(tempDir(), "ownit-export");
  await dumpDatabase({ from: source.url, out: exportDir });
}, 120_000);
afterAll(async () => {
  await Promise.all([source?.server.dispose(), target?.dispose()]);
  cleanupTemp();
});

const published = (url: string) =>
  sql<{ t: string }>(
    url,
    "SELECT schemaname || '.' || tablename AS t FROM pg_publication_tables WHERE pubname = 'supabase_realtime' ORDER BY 1",
  );

describe("the supabase_realtime publication after restore", () => {
  it("exists on the target with the same tables as on the source, publishing the same operations", async () => {
    const url = await target.createDatabase("restored");
    const result = await restoreExport(exportDir, url);
    const onSource = await published(source.url);
    expect(onSource.length).toBeGreaterThan(0);
    expect(await published(url)).toEqual(onSource);
    const ops = "SELECT pubinsert, pubupdate, pubdelete, pubtruncate FROM pg_publication WHERE pubname = 'supabase_realtime'";
    expect(await sql(url, ops)).toEqual(await sql(source.url, ops));
    expect(result.created).toContain("publication supabase_realtime");

    // Rollback drops it with everything else the restore created.
    await undoRestore(url, { created: result.created, databaseSettings: result.databaseSettings });
    expect(await sql(url, "SELECT count(*)::int AS n FROM pg_publication")).toEqual([{ n: 0 }]);
  });

  it("a target that already has supabase_realtime (a Supabase project) keeps it and gains the tables", async () => {
    const url = await target.createDatabase("has_publication");
    await sql(url, "CREATE PUBLICATION supabase_realtime");
    await restoreExport(exportDir, url);
    expect(await published(url)).toEqual(await published(source.url));
  });
});
