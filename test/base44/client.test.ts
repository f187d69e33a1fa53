// Talking to Base44's API the way a long dump must: waiting out rate limits, retrying what fails
// for a moment, giving up with a clear message on what will not get better.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OwnitError } from "@ownit/core";
import { Base44Api, Base44HttpError, dumpBase44, retryAfterMs, schemasFromResponse, tokenKind, type RetryEvent } from "@ownit/db";
import { startBase44Standin, type Base44Standin } from "../helpers/base44-api";
import { cleanupTemp, tempDir } from "../helpers/project";

const started: Base44Standin[] = [];
async function standin(options: Parameters<typeof startBase44Standin>[0]): Promise<Base44Standin> {
  const s = await startBase44Standin(options);
  started.push(s);
  return s;
}
afterAll(async () => {
  for (const s of started) await s.stop();
  cleanupTemp();
});

async function readAll(api: Base44Api, entity: string): Promise<{ ids: string[]; modes: Set<string> }> {
  const ids: string[] = [];
  const modes = new Set<string>();
  for await (const page of api.pages(entity, 250)) {
    modes.add(page.mode);
    ids.push(...page.records.map((r) => r.id as string));
  }
  return { ids, modes };
}

describe("the Base44 HTTP client", () => {
  it("sends a JWT as Bearer and anything else as Base44's api_key header", () => {
    expect(tokenKind("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln")).toBe("bearer");
    expect(tokenKind("8111da9b45f14fe6bed7277feb284722")).toBe("api_key");
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(10_000);
    expect(retryAfterMs(null)).toBeUndefined();
  });

  it("waits out 429s for as long as Retry-After says, and reads every record once", async () => {
    const s = await standin({ taskCount: 1500, rateLimit: { requests: 2, windowMs: 1000 } });
    const waits: RetryEvent[] = [];
    const api = new Base44Api({ serverUrl: s.url, appId: s.appId, token: s.apiKey, onRetry: (e) => waits.push(e) });
    const { ids, modes } = await readAll(api, "Task");
    expect(new Set(ids).size).toBe(1500);
    expect(ids.length).toBe(1500);
    expect(modes).toEqual(new Set(["cursor"]));
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((w) => w.reason === "rate-limited" && w.waitMs >= 1000)).toBe(true);
  });

  it("retries 5xx answers and cut connections with backoff", async () => {
    const flaky = await standin({ taskCount: 1000, failures: { every: 3, status: 502 } });
    const cut = await standin({ taskCount: 1000, failures: { every: 3, reset: true } });
    for (const s of [flaky, cut]) {
      const events: RetryEvent[] = [];
      const api = new Base44Api({
        serverUrl: s.url,
        appId: s.appId,
        token: s.apiKey,
        retry: { baseDelayMs: 2 },
        onRetry: (e) => events.push(e),
      });
      const { ids } = await readAll(api, "Task");
      expect(new Set(ids).size).toBe(1000);
      expect(events.length).toBeGreaterThan(0);
      expect(events[0]!.reason).toBe(s === flaky ? "server-error" : "network");
    }
  });

  it("gives up on a server that keeps failing, with its status", async () => {
    const down = await standin({ empty: true, failures: { every: 1, status: 503 } });
    const api = new Base44Api({
      serverUrl: down.url,
      appId: down.appId,
      token: down.apiKey,
      retry: { attempts: 3, baseDelayMs: 1 },
    });
    const error = await api.get("/entities/Task", "reading Task").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Base44HttpError);
    expect((error as Base44HttpError).status).toBe(503);
    expect(down.requests.length).toBe(3);
  });

  it("a dump against a server that stays down fails with one line and leaves no folder", async () => {
    const down = await standin({ empty: true, failures: { every: 1, status: 500 } });
    const out = path.join(tempDir(), "down");
    const error = (await dumpBase44({
      appId: down.appId,
      token: down.apiKey,
      serverUrl: down.url,
      outDir: out,
      retry: { attempts: 2, baseDelayMs: 1 },
    }).catch((e: unknown) => e)) as OwnitError;
    expect(error).toBeInstanceOf(OwnitError);
    expect(error.code).toBe("base44-api-error");
    expect(error.message).toBe("listing entity schemas: HTTP 500 (injected failure (stand-in))");
    expect(error.message).not.toContain(down.apiKey);
  });

  it("a user's token reads only what Base44's rules let that user read, and the dump says so", async () => {
    const s = await standin({ taskCount: 300 });
    const result = await dumpBase44({
      appId: s.appId,
      token: s.users.bob.token,
      serverUrl: s.url,
      outDir: path.join(tempDir(), "as-bob"),
      entities: ["Task"],
    });
    const bobs = s.records("Task").filter((t) => t.created_by === s.users.bob.email).length;
    expect(result.manifest.tables.find((t) => t.name === "task")!.rowCount).toBe(bobs);
    expect(result.findings[0]).toMatchObject({ code: "base44-user-token", severity: "high" });
    expect(JSON.stringify(result)).not.toContain(s.users.bob.token);
  });

  it("with no project, no --entities and no schema list from the API, refuses instead of exporting nothing", async () => {
    const s = await standin({ empty: true, schemasEndpoint: false });
    const error = (await dumpBase44({
      appId: s.appId,
      token: s.apiKey,
      serverUrl: s.url,
      outDir: path.join(tempDir(), "nothing"),
    }).catch((e: unknown) => e)) as OwnitError;
    expect(error.code).toBe("base44-no-entities");
    expect(error.hint).toContain("--entities");
  });

  it("accepts the entity-schemas answer in each shape Base44's API and CLI use", () => {
    const task = { name: "Task", type: "object", properties: { title: { type: "string" } } };
    for (const body of [
      [{ entity_name: "Task", schema: task }],
      [task],
      { Task: task },
      { entityNameToSchema: { Task: task } },
    ]) {
      expect([...schemasFromResponse(body).keys()]).toEqual(["Task"]);
    }
  });
});
