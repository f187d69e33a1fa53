// The COPY-out reader that walks CopyData messages itself (copy-out.ts): on a real server it gives
// exactly the bytes pg-copy-streams gives, skips notices, turns a server error mid-COPY into the
// stream's error, holds back when the consumer is slow, and leaves the connection usable. The
// framing is also fed one real COPY response cut at every byte, so every header split is met.
import { Writable, PassThrough } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CopyOutStream } from "@ownit/db";
import { startTestServer, type TestServer } from "../helpers/postgres";

let server: TestServer;
let client: pg.Client;

beforeAll(async () => {
  server = await startTestServer({ prefer: "system" });
  client = new pg.Client({ connectionString: server.url() });
  await client.connect();
  await client.query(`
    CREATE TABLE t (id int PRIMARY KEY, body text, doc jsonb, note text);
    INSERT INTO t SELECT i, repeat(chr(65 + i % 26), i % 300), jsonb_build_object('i', i, 'tab', E'a\\tb'), CASE WHEN i % 7 = 0 THEN NULL ELSE 'ünï ✓ ' || i END
      FROM generate_series(1, 60000) i;
    INSERT INTO t VALUES (0, repeat('x', 3000000), '{}', E'line\\nbreak\\\\');
    CREATE FUNCTION noisy(i int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'row %', i; RETURN i; END $$;`);
}, 120_000);

afterAll(async () => {
  await client?.end();
  await server?.dispose();
});

/** Every byte a readable gives, through a consumer that may dawdle. */
async function collect(source: NodeJS.ReadableStream, slow = false): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    source,
    new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        parts.push(Buffer.from(chunk)); // a copy: the reader reuses nothing, but the test must not depend on it
        if (slow) setTimeout(done, 1);
        else done();
      },
    }),
  );
  return Buffer.concat(parts);
}

describe("CopyOutStream on PostgreSQL", () => {
  it("gives the same bytes as pg-copy-streams, for small rows, a 3 MB row, escapes and NULLs", async () => {
    const sql = "COPY (SELECT * FROM t ORDER BY id) TO STDOUT";
    const ours = await collect(client.query(new CopyOutStream(sql)));
    const reference = await collect(client.query(copyTo(sql)));
    expect(ours.length).toBeGreaterThan(10_000_000);
    expect(ours.equals(reference)).toBe(true);
    expect((await client.query("SELECT count(*)::int AS n FROM t")).rows[0].n).toBe(60001); // the connection is pg's again
  });

  it("gives the same bytes to a slow consumer (backpressure), and the connection works after", async () => {
    const sql = "COPY (SELECT * FROM t WHERE id < 5000 ORDER BY id) TO STDOUT";
    const reference = await collect(client.query(copyTo(sql)));
    expect((await collect(client.query(new CopyOutStream(sql)), true)).equals(reference)).toBe(true);
    expect((await client.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });

  it("leaves notices raised during the COPY out of the rows", async () => {
    const notices: string[] = [];
    client.on("notice", (n) => notices.push(n.message ?? ""));
    const rows = await collect(
      client.query(new CopyOutStream("COPY (SELECT noisy(i) FROM generate_series(1, 2000) i) TO STDOUT")),
    );
    client.removeAllListeners("notice");
    expect(rows.toString()).toBe(Array.from({ length: 2000 }, (_, i) => `${i + 1}\n`).join(""));
    expect(notices).toEqual([]); // the reader drops them: a COPY's rows are all it reads
  });

  it("fails with the server's error when the COPY breaks off mid-way, and the connection works after", async () => {
    const stream = client.query(new CopyOutStream("COPY (SELECT 1 / (i - 40000) FROM generate_series(1, 50000) i) TO STDOUT"));
    await expect(collect(stream)).rejects.toThrow(/division by zero/);
    expect((await client.query("SELECT 2 AS two")).rows).toEqual([{ two: 2 }]);
  });

  it("fails with the server's error for a COPY that cannot start", async () => {
    await expect(collect(client.query(new CopyOutStream("COPY (SELECT * FROM missing) TO STDOUT")))).rejects.toThrow(
      /relation "missing" does not exist/,
    );
    expect((await client.query("SELECT 3 AS three")).rows).toEqual([{ three: 3 }]);
  });
});

/** A protocol message: type byte, int32 length counting itself, body. */
function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

describe("CopyOutStream's framing", () => {
  const rows = ["1\talpha\n", "22\t\\N\n", "333\t" + "y".repeat(40) + "\n"];
  const response = Buffer.concat([
    message("H", Buffer.from([0, 0, 2, 0, 0, 0, 0])), // CopyOutResponse: text, 2 columns
    message("d", Buffer.from(rows[0]!)),
    message("N", Buffer.from("SNOTICE\0Mhello\0\0")),
    message("d", Buffer.from(rows[1]!)),
    message("d", Buffer.from(rows[2]!)),
    message("c", Buffer.alloc(0)),
  ]);
  const after = Buffer.concat([message("C", Buffer.from("COPY 3\0")), message("Z", Buffer.from("I"))]);

  /** Feeds the response in two chunks cut at `cut`; returns the rows and what pg's listener got back. */
  async function feed(cut: number): Promise<{ rows: string; handedBack: Buffer }> {
    const socket = new PassThrough();
    const handed: Buffer[] = [];
    socket.on("data", (b: Buffer) => handed.push(Buffer.from(b)));
    const reader = new CopyOutStream("COPY x TO STDOUT");
    reader.submit({ stream: socket, query: () => {} } as unknown as pg.Connection);
    const collected = collect(reader);
    const bytes = Buffer.concat([response, after]);
    socket.write(bytes.subarray(0, cut));
    await new Promise((r) => setImmediate(r));
    socket.write(bytes.subarray(cut));
    await new Promise((r) => setImmediate(r));
    return { rows: (await collected).toString(), handedBack: Buffer.concat(handed) };
  }

  it("gives the rows and hands back exactly the bytes after CopyDone, wherever a chunk ends", async () => {
    for (let cut = 1; cut < response.length + after.length; cut++) {
      const { rows: got, handedBack } = await feed(cut);
      expect(got, `cut at ${cut}`).toBe(rows.join(""));
      expect(handedBack.equals(after), `cut at ${cut}`).toBe(true);
    }
  });
});
