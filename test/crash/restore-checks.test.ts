// A restore that must not say all is well when it is not: a data file cut at a row boundary, one
// whose bytes changed, or one holding another table's rows is refused naming the table, in COPY
// binary and in COPY text (`dump --text-data`), and the target stays empty; the figures
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
let textExportDir: string;

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
  textExportDir = path.join(project, "ownit-export-text");
  const dump = capturedCli();
  expect(await dump.run("dump", "--from", sourceUrl, "--out", exportDir), dump.stderr.join("\n")).toBe(0);
  expect(dump.stdout.join("\n")).toContain("data files  2 table(s) in COPY binary (loads faster), 0 in COPY text");
  expect(await dump.run("dump", "--from", sourceUrl, "--out", textExportDir, "--text-data"), dump.stderr.join("\n")).toBe(0);
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

/** A copy of an export with one table's data file changed by edit. */
function damagedCopy(from: string, table: string, edit: (data: Buffer, dir: string) => Buffer): string {
  const copy = path.join(tempDir("ownit-damaged-"), "ownit-export");
  cpSync(from, copy, { recursive: true });
  const entry = readExport(copy).manifest.tables.find((t) => `${t.schema}.${t.name}` === table)!;
  const file = path.join(copy, entry.file);
  writeFileSync(file, edit(readFileSync(file), copy));
  return copy;
}

/** Where each row of a COPY binary file starts, and (last) where its end marker does. */
function binaryRowOffsets(data: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = 19 + data.readUInt32BE(15); ;) {
    offsets.push(at);
    const fields = data.readInt16BE(at);
    at += 2;
    if (fields === -1) return offsets;
    for (let f = 0; f < fields; f++) at += 4 + Math.max(data.readInt32BE(at), 0);
  }
}

/** The same bytes with `from` replaced by `to` (of the same length) once. */
function replaced(data: Buffer, from: string, to: string): Buffer {
  const at = data.indexOf(from);
  expect(at).toBeGreaterThan(0);
  const copy = Buffer.from(data);
  copy.write(to, at);
  return copy;
}

async function refusedRestore(damaged: string, database: string): Promise<string> {
  const url = await server.createDatabase(database);
  const cli = capturedCli();
  expect(await cli.run("restore", damaged, "--to", url, "--project", project)).toBe(1);
  expect(cli.stdout.join("\n")).not.toMatch(/restored \d+ table/);
  expect(await tablesIn(url)).toEqual([]);
  expect(cli.stderr).toHaveLength(2); // the error and its hint, one line each
  return cli.stderr[0]!;
}

describe("restore checks a COPY binary file against the manifest", () => {
  it("cut at a row boundary (1,500 → 750 rows, end marker kept) is refused naming the table", async () => {
    const cut = damagedCopy(exportDir, "public.accounts", (data) => {
      const offsets = binaryRowOffsets(data);
      expect(offsets).toHaveLength(1501);
      return Buffer.concat([data.subarray(0, offsets[750]), data.subarray(offsets[1500]!)]);
    });
    expect(await refusedRestore(cut, "binary_cut")).toMatch(
      /^error restore into .* refused at public\.accounts: .*public\.accounts\.copy holds 750 row\(s\), the manifest says 1500$/,
    );
  });

  it("cut inside a row is refused as cut short, naming the table", async () => {
    const cut = damagedCopy(exportDir, "public.accounts", (data) => data.subarray(0, binaryRowOffsets(data)[750]! + 9));
    expect(await refusedRestore(cut, "binary_cut_short")).toMatch(
      /^error restore into .* refused at public\.accounts: .*public\.accounts\.copy: it is not the COPY binary data its manifest entry says \(it ends before the end marker, cut short\)$/,
    );
  });

  it("with the right rows but changed bytes fails its checksum, naming the table", async () => {
    const edited = damagedCopy(exportDir, "public.notes", (data) => replaced(data, "note 7", "note 8"));
    expect(await refusedRestore(edited, "binary_edited")).toMatch(
      /^error restore into .* refused at public\.notes: .*public\.notes\.copy does not match its checksum in the manifest/,
    );
  });

  it("holding another table's rows is refused as not the data its entry says", async () => {
    const swapped = damagedCopy(exportDir, "public.notes", (_data, dir) =>
      readFileSync(path.join(dir, "data", "public.accounts.copy")),
    );
    expect(await refusedRestore(swapped, "binary_swapped")).toMatch(
      /^error restore into .* refused at public\.notes: .*public\.notes\.copy: it is not the COPY binary data its manifest entry says \(a row of 2 field\(s\) where 3 were expected\)$/,
    );
  });
});

describe("restore checks a COPY text file against the manifest", () => {
  it("cut at a line boundary (1,500 → 750 rows) is refused naming the table", async () => {
    const cut = damagedCopy(textExportDir, "public.accounts", (data) =>
      Buffer.from(data.toString("utf8").split("\n").slice(0, 750).join("\n") + "\n"),
    );
    expect(await refusedRestore(cut, "text_cut")).toMatch(
      /^error restore into .* refused at public\.accounts: .*public\.accounts\.copy holds 750 row\(s\), the manifest says 1500$/,
    );
  });

  it("with the right number of rows but changed bytes fails its checksum, naming the table", async () => {
    const edited = damagedCopy(textExportDir, "public.notes", (data) => replaced(data, "note 7\n", "note 8\n"));
    expect(await refusedRestore(edited, "text_edited")).toMatch(
      /^error restore into .* refused at public\.notes: .*public\.notes\.copy does not match its checksum in the manifest/,
    );
  });
});

describe("what a restore prints", () => {
  it("the rows it loaded", async () => {
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
