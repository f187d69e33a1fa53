// The generated server's throttle (template/server/throttle.ts) on a real PostgreSQL: counts are
// atomic when many connections race, a window that has passed starts again, and pruning deletes
// only closed windows. (The servers that share it are tested in owned-attacks.test.ts.)
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { THROTTLE_SCHEMA_SQL, Throttle } from "../../transforms/base44-owned-backend/template/server/throttle";
import { startTestServer, type TestServer } from "../helpers/postgres";

let db: TestServer;
let pool: pg.Pool;

beforeAll(async () => {
  db = await startTestServer();
  pool = new pg.Pool({ connectionString: await db.createDatabase("owned_throttle"), max: 10 });
  // pool.end() can resolve while a client's socket is still closing; the server's shutdown then ends
  // that connection, and pg reports it on the pool. Expected at teardown, so not an unhandled error.
  pool.on("error", () => {});
  await pool.query(`CREATE SCHEMA ownit_auth; ${THROTTLE_SCHEMA_SQL}`);
});

afterAll(async () => {
  await pool?.end();
  await db?.dispose();
});

describe("throttle in PostgreSQL", () => {
  it("forty racing takes from ten connections let exactly the limit through", async () => {
    const throttle = new Throttle(pool, "race", { max: 5, windowMs: 60_000 });
    const taken = await Promise.all(Array.from({ length: 40 }, () => throttle.take("same-key")));
    expect(taken.filter(Boolean)).toHaveLength(5);
    expect(await throttle.blocked("same-key")).toBe(true);
    expect(await throttle.retryAfter("same-key")).toBeGreaterThan(50);
    expect(await new Throttle(pool, "other-bucket", { max: 5, windowMs: 60_000 }).blocked("same-key")).toBe(false);
  });

  it("a passed window starts again at one, and pruning deletes closed windows only", async () => {
    const short = new Throttle(pool, "short", { max: 1, windowMs: 300 });
    const long = new Throttle(pool, "long", { max: 1, windowMs: 3_600_000 });
    expect(await short.take("k")).toBe(true);
    expect(await short.take("k")).toBe(false);
    await long.hit("k");
    await new Promise((r) => setTimeout(r, 400));
    expect(await short.blocked("k")).toBe(false);
    await short.prune();
    await long.prune();
    const left = await pool.query(`SELECT bucket FROM ownit_auth.throttle WHERE bucket IN ('short', 'long')`);
    expect(left.rows).toEqual([{ bucket: "long" }]);
    expect(await short.take("k")).toBe(true);
    await short.clear("k");
    expect(await short.take("k")).toBe(true);
  });
});
