// Live updates on the generated server: `entities.X.subscribe` through the owned client, over the
// server's WebSocket, fed by PostgreSQL triggers and LISTEN/NOTIFY, with each entity's read rules
// and field rules applied to every event for each subscriber.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { capturedCli, cleanupTemp, copyFixture } from "../helpers/project";
import {
  fixtureAppId,
  ownedClientModule,
  startOwnedServer,
  type OwnedClient,
  type OwnedServer,
  runSql,
  signedInUser,
} from "./owned-app";

/** An entity whose amount only admins read, as Base44 writes field rules. */
const INVOICE = {
  name: "Invoice",
  type: "object",
  properties: { title: { type: "string" }, amount: { type: "number", rls: { read: { user_condition: { role: "admin" } } } } },
  required: ["title"],
  rls: { create: true, read: true, update: true, delete: true },
};

interface Seen {
  entity: string;
  type: string;
  id: string;
  data: Record<string, unknown>;
  timestamp: string;
}

const appId = fixtureAppId();
let dir: string;
let db: TestServer;
let databaseUrl: string;
let owned: OwnedServer;
let createOwnedClient: (config: Record<string, unknown>) => OwnedClient;
let ana: OwnedClient;
let ben: OwnedClient;
let boss: OwnedClient;
const tokens: Record<string, string> = {};

const sql = (text: string, values: unknown[] = []) => runSql(databaseUrl, text, values);

/** A user in the users table who sets a password through a reset token and signs in (the token stays in the client). */
async function signedIn(id: string, email: string, role: "admin" | "user"): Promise<OwnedClient> {
  const withSocket = (config: Record<string, unknown>) => createOwnedClient({ ...config, WebSocket });
  const { client, token } = await signedInUser(owned, databaseUrl, withSocket, { id, email, role, password: "a-password-1" });
  tokens[email] = token;
  return client;
}

/** Subscribes a client to some entities; `until` waits for an event the test expects. */
async function watch(client: OwnedClient, entities: string[]) {
  const seen: Seen[] = [];
  const stops: Array<() => void> = [];
  for (const entity of entities) {
    const stop = (
      client.entities[entity] as unknown as {
        subscribe(cb: (e: Omit<Seen, "entity">) => void): (() => void) & { ready: Promise<void> };
      }
    ).subscribe((e) => seen.push({ entity, ...e }));
    stops.push(stop);
    await stop.ready;
  }
  return {
    seen,
    stop: () => stops.forEach((s) => s()),
    until: (test: (e: Seen) => boolean) => waitFor(() => seen.some(test), "an event that never came"),
  };
}

async function waitFor(done: () => boolean, what: string, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A raw socket to the realtime endpoint, with whatever headers a test gives it. */
function rawSocket(headers: Record<string, string> = {}) {
  const socket = new WebSocket(`${owned.url.replace("http", "ws")}/api/apps/${appId}/realtime`, { headers });
  const messages: Array<Record<string, unknown>> = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  socket.on("message", (data) => messages.push(JSON.parse(data.toString()) as Record<string, unknown>));
  const opened = new Promise<void>((resolve, reject) => {
    socket.on("open", () => resolve());
    socket.on("unexpected-response", (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    socket.on("error", reject);
  });
  return {
    socket,
    messages,
    closed,
    opened,
    next: (type: string) => waitFor(() => messages.some((m) => m.type === type), `a "${type}" message`),
  };
}

beforeAll(async () => {
  dir = copyFixture("base44");
  writeFileSync(path.join(dir, "base44", "entities", "Invoice.jsonc"), `${JSON.stringify(INVOICE, null, 2)}\n`);
  const cli = capturedCli();
  expect(await cli.run("migrate", dir, "--yes"), [...cli.stdout, ...cli.stderr].join("\n")).toBe(0);
  db = await startTestServer();
  databaseUrl = await db.createDatabase("owned_realtime");
  await sql(readFileSync(path.join(dir, "server", "schema.sql"), "utf8"));
  owned = await startOwnedServer(dir, { DATABASE_URL: databaseUrl });
  ({ createOwnedClient } = await ownedClientModule(dir));
  ana = await signedIn("65a0000000000000000000a1", "ana@example.com", "user");
  ben = await signedIn("65a0000000000000000000b1", "ben@example.com", "user");
  boss = await signedIn("65a0000000000000000000c1", "boss@example.com", "admin");
});

afterAll(async () => {
  await owned?.stop();
  await db?.dispose();
  cleanupTemp();
});

describe("entities.X.subscribe through the owned client", () => {
  it("two users subscribed to Task each get exactly the create, update and delete events of the tasks they may read", async () => {
    const anaSees = await watch(ana, ["Task", "Comment"]);
    const benSees = await watch(ben, ["Task", "Comment"]);
    const anaTask = await ana.entities.Task!.create!({ title: "Ana's task", project_id: "p1" });
    const benTask = await ben.entities.Task!.create!({ title: "Ben's task", project_id: "p1" });
    await ana.entities.Task!.update!(anaTask.id, { done: true });
    await ben.entities.Task!.delete!(benTask.id);
    // Comments are readable by all: once both see this one, every earlier event has been delivered.
    const marker = await ana.entities.Comment!.create!({ task_id: anaTask.id, body: "marker" });
    await anaSees.until((e) => e.id === marker.id);
    await benSees.until((e) => e.id === marker.id);
    anaSees.stop();
    benSees.stop();

    const tasks = (seen: Seen[]) => seen.filter((e) => e.entity === "Task").map((e) => [e.type, e.id, e.data.title, e.data.done]);
    expect(tasks(anaSees.seen)).toEqual([
      ["create", anaTask.id, "Ana's task", false],
      ["update", anaTask.id, "Ana's task", true],
    ]);
    expect(tasks(benSees.seen)).toEqual([
      ["create", benTask.id, "Ben's task", false],
      ["delete", benTask.id, "Ben's task", false],
    ]);
    // The SDK's RealtimeEvent: the record as `get` returns it, and an ISO timestamp.
    const created = anaSees.seen.find((e) => e.type === "create" && e.entity === "Task")!;
    expect(created.data).toEqual(anaTask);
    expect(new Date(created.timestamp).toISOString()).toBe(created.timestamp);
  });

  it("a field only admins read is left out of a member's events and present in the admin's", async () => {
    const anaSees = await watch(ana, ["Invoice"]);
    const bossSees = await watch(boss, ["Invoice"]);
    const invoice = await boss.entities.Invoice!.create!({ title: "March", amount: 1200 });
    await anaSees.until((e) => e.id === invoice.id);
    await bossSees.until((e) => e.id === invoice.id);
    anaSees.stop();
    bossSees.stop();
    expect(anaSees.seen[0]!.data.title).toBe("March");
    expect("amount" in anaSees.seen[0]!.data).toBe(false);
    expect(bossSees.seen[0]!.data.amount).toBe(1200);
  });

  it("a change made outside this server process (plain SQL on the database) reaches its subscribers", async () => {
    const anaSees = await watch(ana, ["Task", "Comment"]);
    const benSees = await watch(ben, ["Task", "Comment"]);
    await sql(
      `INSERT INTO task (id, title, project_id, created_by, created_date, updated_date) VALUES ('65b0000000000000000000f1', 'From a script', 'p1', 'ana@example.com', now(), now())`,
    );
    await sql(
      `INSERT INTO comment (id, task_id, body, created_date, updated_date) VALUES ('65b0000000000000000000f2', 'x', 'marker', now(), now())`,
    );
    await anaSees.until((e) => e.id === "65b0000000000000000000f2");
    await benSees.until((e) => e.id === "65b0000000000000000000f2");
    anaSees.stop();
    benSees.stop();
    expect(anaSees.seen.filter((e) => e.entity === "Task").map((e) => [e.type, e.data.title])).toEqual([
      ["create", "From a script"],
    ]);
    expect(benSees.seen.filter((e) => e.entity === "Task")).toEqual([]);
  });
});

describe("large changes", () => {
  it("one SQL statement that creates 1,200 tasks delivers all 1,200 events to their owner (read in windows of 500) and none to another user", async () => {
    const anaSees = await watch(ana, ["Task", "Comment"]);
    const benSees = await watch(ben, ["Task", "Comment"]);
    await sql(`INSERT INTO task (id, title, project_id, created_by, created_date, updated_date)
      SELECT '65c' || lpad(g::text, 21, '0'), 'bulk ' || g, 'p1', 'ana@example.com', now(), now() FROM generate_series(1, 1200) g`);
    await sql(
      `INSERT INTO comment (id, task_id, body, created_date, updated_date) VALUES ('65c0000000000000000000ff', 'x', 'marker', now(), now())`,
    );
    await anaSees.until((e) => e.id === "65c0000000000000000000ff");
    await benSees.until((e) => e.id === "65c0000000000000000000ff");
    anaSees.stop();
    benSees.stop();
    const titles = anaSees.seen.filter((e) => e.entity === "Task").map((e) => e.data.title);
    expect(titles).toHaveLength(1200);
    expect(titles[0]).toBe("bulk 1");
    expect(titles[1199]).toBe("bulk 1200");
    expect(benSees.seen.filter((e) => e.entity === "Task")).toEqual([]);
  });
});

describe("large records", () => {
  it("a record over 256 KiB is announced as { id, _oversize: true }, Base44's signal to fetch it with get()", async () => {
    const anaSees = await watch(ana, ["Comment"]);
    const big = await ben.entities.Comment!.create!({ task_id: "t", body: "x".repeat(300 * 1024) });
    await anaSees.until((e) => e.id === big.id);
    anaSees.stop();
    expect(anaSees.seen.find((e) => e.id === big.id)!.data).toEqual({ id: big.id, _oversize: true });
    expect(((await ana.entities.Comment!.get!(big.id)) as { body: string }).body).toHaveLength(300 * 1024);
  });
});

describe("several server processes", () => {
  it("a write through a second server on the same database reaches a subscriber of the first, through its read rules", async () => {
    const second = await startOwnedServer(dir, { DATABASE_URL: databaseUrl });
    try {
      const anaElsewhere = createOwnedClient({ appId, serverUrl: second.url });
      await anaElsewhere.auth.loginViaEmailPassword("ana@example.com", "a-password-1");
      const benElsewhere = createOwnedClient({ appId, serverUrl: second.url });
      await benElsewhere.auth.loginViaEmailPassword("ben@example.com", "a-password-1");
      const anaSees = await watch(ana, ["Task", "Comment"]);
      const anaTask = await anaElsewhere.entities.Task!.create!({ title: "Written on the second server", project_id: "p1" });
      await benElsewhere.entities.Task!.create!({ title: "Ben's, also on the second", project_id: "p1" });
      const marker = await benElsewhere.entities.Comment!.create!({ task_id: anaTask.id, body: "marker" });
      await anaSees.until((e) => e.id === marker.id);
      anaSees.stop();
      expect(anaSees.seen.filter((e) => e.entity === "Task").map((e) => [e.type, e.id])).toEqual([["create", anaTask.id]]);
    } finally {
      await second.stop();
    }
  });
});

describe("the realtime socket", () => {
  it("closes a socket whose session ended (4401) instead of sending it the next event", async () => {
    const token = (
      await createOwnedClient({ appId, serverUrl: owned.url }).auth.loginViaEmailPassword("ana@example.com", "a-password-1")
    ).access_token as string;
    const raw = rawSocket();
    await raw.opened;
    raw.socket.send(JSON.stringify({ type: "auth", token }));
    await raw.next("ready");
    raw.socket.send(JSON.stringify({ type: "subscribe", entity: "Comment" }));
    await raw.next("subscribed");
    const res = await fetch(`${owned.url}/api/apps/${appId}/auth/logout`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    await ana.entities.Comment!.create!({ task_id: "t", body: "after sign-out" });
    expect((await raw.closed).code).toBe(4401);
    expect(raw.messages.filter((m) => m.type === "event")).toEqual([]);
  });

  it("signs in with the session cookie (no token in the URL) from the app's own origin, and refuses another site's page (403)", async () => {
    const cookie = `ownit_session=${tokens["ben@example.com"]}`;
    await expect(rawSocket({ Cookie: cookie, Origin: "https://evil.example" }).opened).rejects.toThrow("refused with 403");
    // `npm run dev`: the page is on Vite's port of this machine, the socket proxied to the server's.
    const dev = rawSocket({ Cookie: cookie, Origin: "http://localhost:5173" });
    await dev.opened;
    dev.socket.close();

    const raw = rawSocket({ Cookie: cookie, Origin: owned.url });
    await raw.opened;
    raw.socket.send(JSON.stringify({ type: "auth" }));
    await raw.next("ready");
    raw.socket.send(JSON.stringify({ type: "subscribe", entity: "Task" }));
    await raw.next("subscribed");
    const own = await ben.entities.Task!.create!({ title: "Ben, by cookie", project_id: "p1" });
    await waitFor(() => raw.messages.some((m) => m.type === "event"), "Ben's event");
    expect((raw.messages.find((m) => m.type === "event")!.event as Seen).id).toBe(own.id);
    raw.socket.close();
  });

  it("refuses a token that is not a session (4401), a message over 4 KiB (1009) and a first message that is not auth (4400)", async () => {
    const forged = rawSocket();
    await forged.opened;
    forged.socket.send(JSON.stringify({ type: "auth", token: "not-a-session" }));
    expect((await forged.closed).code).toBe(4401);

    const big = rawSocket();
    await big.opened;
    big.socket.send(JSON.stringify({ type: "auth", token: "x".repeat(5000) }));
    expect((await big.closed).code).toBe(1009);

    const rude = rawSocket();
    await rude.opened;
    rude.socket.send(JSON.stringify({ type: "subscribe", entity: "Task" }));
    expect((await rude.closed).code).toBe(4400);
  });
});
