// The URL-rewrite step, on request, as part of the restore run: old Storage URLs the app stored in
// its rows (text and jsonb) point at the new base, reported per table and column; verify still
// proves every row (the rewritten columns read back as exported); rollback undoes it.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpDatabase } from "@ownit/db";
import { capturedCli, cleanupTemp, tempDir } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { seededId, sql, startSourceDatabase, type SourceDatabase } from "./source";
import { existsSync, writeFileSync } from "node:fs";

const OLD = "https://kqzvtnwyhbgxrmpdleaf.supabase.co";
const NEW = "https://app.example.com";
const ALICE = seededId("user-alice");
const AVATAR = `${OLD}/storage/v1/object/public/avatars/${ALICE}/me.png`;

let source: SourceDatabase;
let target: TestServer;
let exportDir: string;
let project: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startSourceDatabase(), startTestServer()]);
  await sql(
    source.url,
    `UPDATE public.profiles SET avatar_url = '${AVATAR}' WHERE id = '${ALICE}'`,
    `UPDATE public.projects SET settings = settings || jsonb_build_object('cover', '${OLD}/storage/v1/object/sign/documents/cover.png?token=abc') WHERE owner_id = '${ALICE}'`,
  );
  exportDir = path.join(tempDir(), "ownit-export");
  await dumpDatabase({ from: source.url, out: exportDir });
  project = tempDir("ownit-project-");
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "urls-owner", private: true }));
}, 120_000);
afterAll(async () => {
  await Promise.all([source?.server.dispose(), target?.dispose()]);
  cleanupTemp();
});

describe("ownit restore --rewrite-storage-urls", () => {
  let url: string;
  it("rewrites the old Storage URLs in text and jsonb columns and reports each table, column and count", async () => {
    url = await target.createDatabase("restored");
    const cli = capturedCli();
    expect(
      await cli.run(
        "restore",
        exportDir,
        "--to",
        url,
        "--project",
        project,
        "--rewrite-storage-urls",
        NEW,
        "--old-project-url",
        OLD,
      ),
      cli.stderr.join("\n"),
    ).toBe(0);
    const [{ n: projects }] = await sql<{ n: number }>(
      source.url,
      `SELECT count(*)::int AS n FROM public.projects WHERE owner_id = '${ALICE}'`,
    );
    expect(cli.stdout.join("\n")).toContain(
      `urls        ${OLD}/storage/v1/ → ${NEW}/storage/v1/: public.profiles.avatar_url 1, public.projects.settings ${projects}`,
    );
    expect(await sql(url, `SELECT avatar_url FROM public.profiles WHERE id = '${ALICE}'`)).toEqual([
      { avatar_url: `${NEW}/storage/v1/object/public/avatars/${ALICE}/me.png` },
    ]);
    expect(
      await sql(
        url,
        `SELECT count(*)::int AS n FROM public.projects WHERE settings->>'cover' LIKE '${NEW}/storage/v1/object/sign/%'`,
      ),
    ).toEqual([{ n: projects }]);
    expect(await sql(url, `SELECT count(*)::int AS n FROM public.profiles WHERE avatar_url LIKE '${OLD}%'`)).toEqual([{ n: 0 }]);
  });

  it("verify still proves every row: the rewritten columns read back as exported, any other change is caught", async () => {
    const ok = capturedCli();
    expect(await ok.run("verify", exportDir, "--against", url), ok.stdout.join("\n")).toBe(0);
    await sql(url, `UPDATE public.profiles SET display_name = 'changed' WHERE id = '${ALICE}'`);
    const bad = capturedCli();
    expect(await bad.run("verify", exportDir, "--against", url, "--json")).toBe(1);
    expect(
      (JSON.parse(bad.stdout.join("\n")) as { differences: Array<{ kind: string; name: string }> }).differences.map((d) => [
        d.kind,
        d.name,
      ]),
    ).toEqual([["checksum", "public.profiles"]]);
  });

  it("rollback undoes the rewrite with the restore: the tables go, and the export no longer records a rewrite", async () => {
    expect(existsSync(path.join(exportDir, "rewrites.json"))).toBe(true);
    const cli = capturedCli();
    expect(await cli.run("rollback", project, "--force"), cli.stderr.join("\n")).toBe(0);
    expect(cli.stdout.join("\n")).toContain("2 database action(s) undone");
    expect(existsSync(path.join(exportDir, "rewrites.json"))).toBe(false);
    expect(await sql(url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).toEqual([{ n: 0 }]);
  });
});
