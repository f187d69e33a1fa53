// Tables in COPY binary (copy-format.ts, copy-binary.ts). The row counter is fed a real server's
// binary COPY cut at every byte and refuses what is not this table's data; the type rule picks
// binary only where values mean the same on any server; and a table holding every kind of value
// the rule lets through is dumped from PostgreSQL 15, restored onto the embedded PostgreSQL 18,
// verified, and read back as text, equal value for value.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BINARY_SIGNATURE,
  BinaryCopyError,
  BinaryRowCounter,
  binaryCopyTables,
  CopyOutStream,
  dumpDatabase,
  restoreExport,
  verifyExport,
  type CopyFormat,
  type DumpResult,
  type ExportManifest,
} from "@ownit/db";
import { capturedCli, cleanupTemp, tempDir } from "../helpers/project";
import { startTestServer, type TestServer } from "../helpers/postgres";

let source: TestServer;
let target: TestServer;
let client: pg.Client;

/** Every kind of value the binary rule lets through, with its edge cases. */
const PORTABLE_TABLE = `
  CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
  CREATE DOMAIN positive AS int CHECK (VALUE > 0);
  CREATE DOMAIN small_positive AS positive CHECK (VALUE < 1000);
  CREATE TABLE portable (
    id bigint PRIMARY KEY, n numeric, n2 numeric(12, 3), f4 real, f8 double precision, m money,
    sm smallint, d date, ts timestamp, tz timestamptz, t time, ttz timetz, b bool, ch char(4), nm name,
    u uuid, j json, jb jsonb, by bytea, tx text, vc varchar(20), ip inet, net cidr, mac macaddr,
    bits bit(5), vbits varbit, tsv tsvector, tsq tsquery, r int4range, tr tstzrange, mr int4multirange,
    ints int[], texts text[], grid int[][], nums numeric[], o oid, lsn pg_lsn, pt point,
    mood mood, dom small_positive);
  INSERT INTO portable VALUES
    (1, 'NaN', 123456789.125, 7.038531e-26, 1e308, 12.34, 32767, '4713-01-01 BC',
     '294276-12-31 23:59:59.999999', 'infinity', '24:00:00', '13:14:15+05:30', true, 'ab', 'a name',
     'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"b": 1, "a":  [1, 2.50]}', '{"b": 1, "a": [1, 2.50], "c": null}',
     '\\x00ff10', E'tab\\there\\nnewline \\\\ ünï ✓', 'short', '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03',
     B'10101', B'1', 'a fat:2 cat', 'fat & !rat', '[1,10)', '[2024-01-01 00:00+00,infinity)', '{[1,3), [5,9)}',
     '{1,NULL,3}', '{"a b","",NULL,"\\"q\\""}', '{{1,2},{3,4}}', '{1.5,NaN,-0.001}', 4294967295, '16/B374D848', '(1.5,-2)',
     'happy', 999),
    (2, '-Infinity', -0.001, '-Infinity', 'NaN', -92233720368547758.08, -32768, '5874897-12-31',
     '-infinity', '-infinity', '00:00', '00:00:00-15:59', false, NULL, '', '00000000-0000-0000-0000-000000000000',
     'null', '[]', '\\x', '', '', '::1', '::/0', 'ff:ff:ff:ff:ff:ff', B'00000', B'', '', 'a', 'empty', '(,)', '{}',
     '{}', '{}', '{}', '{}', 0, '0/0', '(0,0)', 'sad', 1),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, NULL);
  INSERT INTO portable (id, n, tx, jb, ints) SELECT i, i / 7.0, repeat(chr(65 + i % 26), i % 500), jsonb_build_object('i', i), ARRAY[i, -i]
    FROM generate_series(4, 20000) i;
  -- Its last NULL assigned away, row 1's array keeps its null bitmap: the source sends it with the
  -- has-nulls flag set, a restored copy without (copy-binary.ts).
  UPDATE portable SET ints[2] = 2 WHERE id = 1;`;

beforeAll(async () => {
  [source, target] = await Promise.all([startTestServer({ prefer: "system" }), startTestServer({ prefer: "embedded" })]);
  client = new pg.Client({ connectionString: source.url() });
  await client.connect();
  await client.query(PORTABLE_TABLE);
}, 180_000);

afterAll(async () => {
  await client?.end();
  for (const server of [source, target]) await server?.dispose();
  cleanupTemp();
});

async function copyOut(sql: string, from: pg.Client = client): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    from.query(new CopyOutStream(sql)),
    new Writable({
      write(chunk: Buffer, _enc, done) {
        parts.push(Buffer.from(chunk));
        done();
      },
    }),
  );
  return Buffer.concat(parts);
}

/** The rows a counter finds in `data` fed in pieces of `size` bytes. */
function countInPieces(data: Buffer, size: number, columns?: number): number {
  const counter = new BinaryRowCounter(columns);
  let rows = 0;
  for (let at = 0; at < data.length; at += size) rows += counter.count(data.subarray(at, at + size));
  expect(counter.rows).toBe(rows);
  return rows;
}

describe("BinaryRowCounter", () => {
  it("counts the rows of a real COPY binary stream however it is cut: every split of a small one, and big pieces of a large one", async () => {
    const small = await copyOut("COPY (SELECT * FROM portable WHERE id <= 3 ORDER BY id) TO STDOUT (FORMAT binary)");
    for (let size = 1; size <= small.length; size++) expect(countInPieces(small, size, 40), `pieces of ${size}`).toBe(3);
    for (let cut = 0; cut <= small.length; cut++) {
      const split = new BinaryRowCounter(40);
      expect(split.count(small.subarray(0, cut)) + split.count(small.subarray(cut)), `cut at ${cut}`).toBe(3);
    }

    const large = await copyOut("COPY (SELECT * FROM portable ORDER BY id) TO STDOUT (FORMAT binary)");
    for (const size of [7, 4096, 65536, large.length]) expect(countInPieces(large, size, 40)).toBe(20000);
  });

  it("hashes every array's has-nulls flag as 0, however the stream is cut, and passes the bytes on untouched", async () => {
    const sent = await copyOut("COPY (SELECT id, ints FROM portable WHERE id = 1) TO STDOUT (FORMAT binary)");
    // Header (19), field count (2), id's length and value (4 + 8), ints' length (4), then ndim and the flag.
    const FLAG = 19 + 2 + 4 + 8 + 4 + 4;
    expect(sent.readInt32BE(FLAG)).toBe(1); // the bitmap the assignment left behind
    const canonical = await copyOut("COPY (SELECT 1::bigint, '{1,2,3}'::int[]) TO STDOUT (FORMAT binary)");
    expect(canonical.readInt32BE(FLAG)).toBe(0);
    const original = Buffer.from(sent);
    for (let size = 1; size <= sent.length; size++) {
      const counter = new BinaryRowCounter(2, new Set([1]));
      const hashed: Buffer[] = [];
      for (let at = 0; at < sent.length; at += size) {
        const piece = sent.subarray(at, at + size);
        counter.count(piece);
        hashed.push(counter.hashed(piece));
      }
      expect(Buffer.concat(hashed).equals(canonical), `pieces of ${size}`).toBe(true);
    }
    expect(sent.equals(original)).toBe(true);
  });

  it("refuses a stream that ends before its end marker", async () => {
    const whole = await copyOut("COPY (SELECT id, tx FROM portable WHERE id <= 3 ORDER BY id) TO STDOUT (FORMAT binary)");
    const complete = new BinaryRowCounter(2);
    complete.count(whole);
    complete.finish();
    for (const cut of [whole.length - 2, whole.length - 5, 25]) {
      const counter = new BinaryRowCounter(2);
      counter.count(whole.subarray(0, cut));
      expect(() => counter.finish(), `cut at ${cut}`).toThrow("it ends before the end marker, cut short");
    }
  });

  it("counts rows of no columns, and skips a header extension", () => {
    const header = (extension: Buffer) => {
      const fixed = Buffer.alloc(8);
      fixed.writeUInt32BE(extension.length, 4);
      return Buffer.concat([BINARY_SIGNATURE, fixed, extension]);
    };
    const noColumns = Buffer.concat([header(Buffer.alloc(0)), Buffer.from([0, 0, 0, 0, 0xff, 0xff])]);
    expect(countInPieces(noColumns, 1, 0)).toBe(2);
    const row = Buffer.from([0, 1, 0, 0, 0, 2, 0x61, 0x62, 0xff, 0xff]); // one field "ab", then the end
    expect(countInPieces(Buffer.concat([header(Buffer.from("future")), row]), 3, 1)).toBe(1);
  });

  it("refuses text, another table's rows, a negative length, and bytes after the end marker", async () => {
    const text = await copyOut("COPY (SELECT id, tx FROM portable WHERE id <= 3) TO STDOUT");
    expect(() => new BinaryRowCounter(2).count(text)).toThrow(new BinaryCopyError("no COPY binary signature"));
    const binary = await copyOut("COPY (SELECT id, tx FROM portable WHERE id <= 3 ORDER BY id) TO STDOUT (FORMAT binary)");
    expect(() => new BinaryRowCounter(3).count(binary)).toThrow("a row of 2 field(s) where 3 were expected");
    const negative = Buffer.from(binary);
    negative.writeInt32BE(-2, 19 + 2); // the first field's length
    expect(() => new BinaryRowCounter(2).count(negative)).toThrow("a field length of -2");
    expect(() => new BinaryRowCounter(2).count(Buffer.concat([binary, Buffer.from([0])]))).toThrow("bytes follow the end marker");
  });
});

describe("which tables travel in binary", () => {
  it("built-in types, enums, domains and built-in arrays do; reg* types, xml, interval, composites and arrays of enums or domains do not", async () => {
    await client.query(`
      CREATE TYPE pair AS (a int, b text);
      CREATE TABLE with_regclass (id int, rel regclass);
      CREATE TABLE with_xml (id int, doc xml);
      CREATE TABLE with_interval (id int, span interval);
      CREATE TABLE with_interval_array (id int, spans interval[]);
      CREATE TABLE with_composite (id int, p pair);
      CREATE TABLE with_enum_array (id int, moods mood[]);
      CREATE TABLE with_domain_array (id int, doms positive[]);
      CREATE TABLE with_generated (id int, twice int GENERATED ALWAYS AS (id * 2) STORED, rel regclass GENERATED ALWAYS AS ('pg_class'::regclass) STORED);`);
    const names = [
      "portable",
      "with_regclass",
      "with_xml",
      "with_interval",
      "with_interval_array",
      "with_composite",
      "with_enum_array",
      "with_domain_array",
      "with_generated",
    ];
    const binary = await binaryCopyTables(
      client,
      names.map((name) => ({ schema: "public", name })),
    );
    // A generated column is not copied (the target computes it), so its type does not count.
    expect([...binary.keys()].sort()).toEqual(["public.portable", "public.with_generated"]);
    expect(binary.get("public.portable")).toEqual(["ints", "texts", "grid", "nums"]);
    expect(binary.get("public.with_generated")).toEqual([]);
    await client.query(
      "DROP TABLE with_regclass, with_xml, with_interval, with_interval_array, with_composite, with_enum_array, with_domain_array, with_generated; DROP TYPE pair",
    );
  });
});

describe("a binary table moved across major versions", () => {
  let dumped: DumpResult;

  it("is written in binary, restored onto PostgreSQL 18, verified, and reads back as the same text", async () => {
    const exportDir = path.join(tempDir("ownit-binary-export-"), "ownit-export");
    dumped = await dumpDatabase({ from: source.url(), out: exportDir });
    expect(dumped.manifest.formatVersion).toBe(2);
    expect(dumped.manifest.tables.map((t) => [t.name, t.format, t.rowCount])).toEqual([["portable", "binary", 20000]]);

    const url = await target.createDatabase("restored");
    await restoreExport(exportDir, url);
    const report = await verifyExport(exportDir, url);
    expect(report.differences).toEqual([]);
    expect(report.tables).toEqual([expect.objectContaining({ name: "public.portable", ok: true, rows: 20000 })]);
    expect(dumped.manifest.tables[0]!.arrayColumns).toEqual(["ints", "texts", "grid", "nums"]);

    const asText = "SET TimeZone = 'UTC'; SET extra_float_digits = 1; SELECT p::text AS row FROM portable p ORDER BY id";
    const restored = new pg.Client({ connectionString: url });
    await restored.connect();
    try {
      const rows = async (c: pg.Client) => ((await c.query(asText)) as unknown as pg.QueryResult[])[2]!.rows;
      expect(await rows(restored)).toEqual(await rows(client));
      // Verify passed although row 1's array is sent with its has-nulls flag set by the source and clear by the target.
      const flag = async (c: pg.Client) =>
        (await copyOut("COPY (SELECT id, ints FROM portable WHERE id = 1) TO STDOUT (FORMAT binary)", c)).readInt32BE(41);
      expect([await flag(client), await flag(restored)]).toEqual([1, 0]);
    } finally {
      await restored.end();
    }
  });

  it("--text-data writes the same table as text, in export format 1, which restores and verifies too", async () => {
    const exportDir = path.join(tempDir("ownit-text-export-"), "ownit-export");
    const text = await dumpDatabase({ from: source.url(), out: exportDir, textData: true });
    expect(text.manifest.formatVersion).toBe(1);
    expect(text.manifest.tables[0]).not.toHaveProperty("format");
    expect(text.manifest.tables[0]!.checksum).not.toBe(dumped.manifest.tables[0]!.checksum);
    const url = await target.createDatabase("restored_text");
    await restoreExport(exportDir, url);
    expect((await verifyExport(exportDir, url)).differences).toEqual([]);
  });

  it("a table in a schema of Supabase's own stays text even when --schemas names that schema (other steps read its file), and a storage schema without buckets is the app's", async () => {
    await client.query("CREATE SCHEMA storage; CREATE TABLE storage.objects (id uuid PRIMARY KEY, name text)");
    try {
      const exportDir = path.join(tempDir("ownit-storage-export-"), "ownit-export");
      const result = await dumpDatabase({ from: source.url(), out: exportDir, schemas: ["public", "storage"] });
      expect(result.manifest.tables.map((t) => [`${t.schema}.${t.name}`, t.format])).toEqual([
        ["public.portable", "binary"],
        ["storage.objects", undefined],
      ]);
    } finally {
      await client.query("DROP SCHEMA storage CASCADE");
    }
  });

  it("an export of a format this ownit does not know, a binary table in a format 1 export, or array columns that are not its columns, is refused in one line", async () => {
    const cases: [string, (m: ExportManifest) => void, RegExp][] = [
      ["newer", (m) => (m.formatVersion = 3), /has export format 3; this ownit reads formats 1 to 2$/],
      [
        "mislabelled",
        (m) => (m.formatVersion = 1),
        /public\.portable is in a COPY format \("binary"\) export format 1 does not have$/,
      ],
      ["unknown", (m) => (m.tables[0]!.format = "parquet" as CopyFormat), /\("parquet"\) export format 2 does not have$/],
      [
        "arrays",
        (m) => (m.tables[0]!.arrayColumns = ["ints", "nowhere"]),
        /the arrayColumns of public\.portable are not columns of its binary file$/,
      ],
    ];
    for (const [name, edit, said] of cases) {
      const dir = path.join(tempDir(`ownit-${name}-export-`), "ownit-export");
      cpSync(dumped.dir, dir, { recursive: true });
      const manifestFile = path.join(dir, "manifest.json");
      const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as ExportManifest;
      edit(manifest);
      writeFileSync(manifestFile, JSON.stringify(manifest));
      const cli = capturedCli();
      expect(await cli.run("restore", dir, "--to", await target.createDatabase(name), "--project", tempDir("ownit-p-"))).toBe(1);
      expect(cli.stderr[0], name).toMatch(said);
      expect(cli.stderr, name).toHaveLength(2); // the error and what to do
    }
  });
});
