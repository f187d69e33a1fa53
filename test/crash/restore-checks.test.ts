// A restore that must not say all is well when it is not: a data file cut at a line boundary, or
// one whose bytes changed, is refused naming the table, and the target stays empty; the figures
// printed are the rows loaded; and the run's ledger goes into the export's project, not the folder
// the command happens to run in.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRuns } from "@ownit/core";
import { readExport } from "@ownit/db";
import { capturedCli, cleanupTemp, gitInit, tempDir } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { sql } from "../db/source";

let server: TestServer;
let project: string;
let exportDir: string;

beforeAll(async () => {
  server = await startTestServer({ prefer: "system" });
  const sourceUrl = await server.createDatabase("app");
  await sql(
    sourceUrl,
    `create table public.accounts (id int primary key, email text not null);
     create table public.notes (id bigserial primary key, account_id int not null references public.accounts(id), body text);
     insert into public.accounts select g, 'user' || g || '@example.com' from generate_series(1, 1500) g;
     insert into public.notes (account_id, body) select 1 + g % 1500, 'note ' || g from generate_series(1, 200) g;`,
  );
  project = tempDir("ownit-restore-project-");
  writeFileSync(path.join(project, "package.json"), '{ "name": "restore-app", "private": true }\n');
  exportDir = path.join(project, "ownit-export");
  const dump = capturedCli();
  expect(await dump.run("dump", "--from", sourceUrl, "--out", exportDir), dump.stderr.join("\n")).toBe(0);
});

afterAll(async () => {
  await server?.dispose();
  cleanupTemp();
});

async function tablesIn(url: string): Promise<string[]> {
  return (
    await sql<{ t: string }>(
      url,
      "select table_schema || '.' || table_name as t from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')",
    )
  ).map((r) => r.t);
}

/** A copy of the export with one table's data file changed by edit. */
function damagedCopy(table: string, edit: (text: string) => string): string {
  const copy = path.join(tempDir("ownit-damaged-"), "ownit-export");
  cpSync(exportDir, copy, { recursive: true });
  const entry = readExport(copy).manifest.tables.find((t) => `${t.schema}.${t.name}` === table)!;
  const file = path.join(copy, entry.file);
  writeFileSync(file, edit(readFileSync(file, "utf8")));
  return copy;
}

describe("restore checks what it loaded against the manifest", () => {
  it("a data file cut at a line boundary (1,500 → 750 rows) is refused naming the table, and the target stays empty", async () => {
    const cut = damagedCopy("public.accounts", (text) => text.split("\n").slice(0, 750).join("\n") + "\n");
    const url = await server.createDatabase("cut");
    const cli = capturedCli();
    expect(await cli.run("restore", cut, "--to", url, "--project", project)).toBe(1);
    expect(cli.stderr[0]).toMatch(
      /^error restore into .* refused at public\.accounts: .*public\.accounts\.copy holds 750 row\(s\), the manifest says 1500$/,
    );
    expect(cli.stdout.join("\n")).not.toMatch(/restored \d+ table/);
    expect(await tablesIn(url)).toEqual([]);
  });

  it("a data file with the right number of rows but changed bytes fails its checksum, naming the table", async () => {
    const edited = damagedCopy("public.notes", (text) => text.replace("note 7\n", "note 8\n"));
    const url = await server.createDatabase("edited");
    const cli = capturedCli();
    expect(await cli.run("restore", edited, "--to", url, "--project", project)).toBe(1);
    expect(cli.stderr[0]).toMatch(
      /^error restore into .* refused at public\.notes: .*public\.notes\.copy does not match its checksum in the manifest/,
    );
    expect(await tablesIn(url)).toEqual([]);
  });

  it("prints the rows it loaded", async () => {
    const url = await server.createDatabase("whole");
    const cli = capturedCli();
    expect(await cli.run("restore", exportDir, "--to", url, "--project", project), cli.stderr.join("\n")).toBe(0);
    expect(cli.stdout.join("\n")).toMatch(/restored 2 table\(s\), 1,700 row\(s\)/);
  });
});

describe("where a restore's ledger lives", () => {
  it("without --project it goes to the project the export sits in, even run from another repository", async () => {
    const elsewhere = tempDir("ownit-other-repo-");
    writeFileSync(path.join(elsewhere, "package.json"), '{ "name": "someone-else" }\n');
    gitInit(elsewhere);
    const url = await server.createDatabase("ledger_place");
    const cli = capturedCli();
    cli.ctx.cwd = elsewhere;
    const before = listRuns(project).length;
    expect(await cli.run("restore", exportDir, "--to", url), cli.stderr.join("\n")).toBe(0);
    expect(listRuns(elsewhere)).toEqual([]);
    expect(listRuns(project)).toHaveLength(before + 1);
    expect(listRuns(project)[0]).toMatchObject({ command: "restore", status: "applied" });
  });
});
