// The migrated app's own client against its own server answers exactly as Base44 did: the same
// calls go through the same generated client (src/api/ownit-client.js of the migrated fixture) to
// the stand-in Base44 API and to the generated server (server/ of the migrated fixture) on a
// throwaway PostgreSQL holding the stand-in's records, and the answers are compared.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBase44Standin, type Base44Standin } from "../helpers/base44-api";
import { startTestServer, type TestServer } from "../helpers/postgres";
import path from "node:path";
import { cleanupTemp, REPO_ROOT } from "../helpers/project";
import {
  dumpAndRestore,
  fixtureAppId,
  migratedFixture,
  ownedClientModule,
  startOwnedServer,
  type OwnedClient,
  type OwnedServer,
} from "./owned-app";

type Person = "alice" | "bob" | "admin";

let standin: Base44Standin;
let db: TestServer;
let owned: OwnedServer;
const base44: Record<Person, OwnedClient> = {} as Record<Person, OwnedClient>;
const ours: Record<Person, OwnedClient> = {} as Record<Person, OwnedClient>;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * One answer in comparable form. PostgreSQL keeps instants, not the spelling a date-time arrived
 * in ("+02:00", "Z", no zone), so date-times compare as instants; a field that is null and a field
 * that is absent are the same to MongoDB (and to Base44's queries), so nulls are left out.
 */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = comparable(v);
    return out;
  }
  if (typeof value === "string" && DATE_TIME.test(value)) {
    const ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`);
    return Number.isNaN(ms) ? value : new Date(ms).toISOString();
  }
  return value;
}

/** A created record without what the server assigns (id, timestamps). */
function content(record: Record<string, unknown>): unknown {
  const { id: _id, created_date: _c, updated_date: _u, ...rest } = record;
  return comparable(rest);
}

async function both<T>(who: Person, call: (client: OwnedClient) => Promise<T>): Promise<{ theirs: T; mine: T }> {
  return { theirs: await call(base44[who]), mine: await call(ours[who]) };
}

async function failure(promise: Promise<unknown>): Promise<{ status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status?: number; message: string };
    return { status: e.status, message: e.message };
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  const { dir } = await migratedFixture();
  standin = await startBase44Standin();
  db = await startTestServer();
  const databaseUrl = await db.createDatabase("owned_parity");
  // The records reach PostgreSQL the user's way: ownit dump from the (stand-in) Base44 API, then ownit restore.
  await dumpAndRestore(standin, path.join(REPO_ROOT, "fixtures", "base44"), databaseUrl);
  owned = await startOwnedServer(dir, { DATABASE_URL: databaseUrl });
  const { createOwnedClient } = await ownedClientModule(dir);
  const appId = fixtureAppId();
  for (const who of ["alice", "bob", "admin"] as Person[]) {
    const u = standin.users[who];
    // Base44 exports no password hashes: each user sets one on the owned server first.
    const user = await owned.services.auth.userByEmail(u.email);
    await owned.services.auth.setPassword(user!.id, u.password);
    base44[who] = createOwnedClient({ appId, serverUrl: standin.url, token: u.token });
    ours[who] = createOwnedClient({ appId, serverUrl: owned.url });
    await ours[who].auth.loginViaEmailPassword(u.email, u.password);
  }
});

afterAll(async () => {
  await owned?.stop();
  await standin?.stop();
  await db?.dispose();
  cleanupTemp();
});

describe("the owned server answers like Base44 for the same calls", () => {
  it("me: each person gets their own user record", async () => {
    for (const who of ["alice", "bob", "admin"] as Person[]) {
      const { theirs, mine } = await both(who, (c) => c.auth.me());
      expect(comparable(mine)).toEqual(comparable(theirs));
    }
  });

  it("list: the default order, a sort each way, limit and skip", async () => {
    const calls: Array<[string, unknown[]]> = [
      ["Project", []],
      ["Project", ["-budget", 10, 3]],
      ["Project", ["budget"]],
      ["Project", ["name", 15]],
      ["Task", ["priority", 40, 100]],
      ["Task", ["-created_date", 25, 500]],
      ["Task", ["title", 30]],
      ["Comment", ["-updated_date", 20, 5]],
      ["Project", ["-created_date", 5, 0, ["name", "status"]]],
    ];
    for (const [entity, args] of calls) {
      const { theirs, mine } = await both("alice", (c) => c.entities[entity]!.list!(...args));
      expect((mine as unknown[]).length, `${entity}.list(${JSON.stringify(args)})`).toBe((theirs as unknown[]).length);
      expect(comparable(mine), `${entity}.list(${JSON.stringify(args)})`).toEqual(comparable(theirs));
    }
  });

  it("filter: every operator gives the same records", async () => {
    const allTasks = (await base44.alice.entities.Task!.list!()) as unknown[];
    const project = (await base44.alice.entities.Task!.list!("-created_date", 1))[0] as { project_id: string };
    const queries: Array<[string, unknown]> = [
      ["$eq", { done: { $eq: true } }],
      ["plain equality", { project_id: project.project_id }],
      ["$ne", { priority: { $ne: 3 } }],
      ["$gt", { priority: { $gt: 3 } }],
      ["$gte", { priority: { $gte: 2 } }],
      ["$lt", { priority: { $lt: 2 } }],
      ["$lte", { priority: { $lte: 4 } }],
      ["$in", { priority: { $in: [1, 5] } }],
      ["$nin", { priority: { $nin: [1, 2, 3] } }],
      ["$regex", { title: { $regex: "^[a-m]" } }],
      ["$regex with $options i", { title: { $regex: "^[A-M]", $options: "i" } }],
      ["$or", { $or: [{ priority: 5 }, { done: true }] }],
      ["$and", { $and: [{ priority: { $gte: 2 } }, { done: false }] }],
      ["$nor", { $nor: [{ priority: 1 }, { done: true }] }],
      ["$exists", { estimate_hours: { $exists: true } }],
      ["$not", { priority: { $not: { $gt: 2 } } }],
      ["$size", { checklist: { $size: 2 } }],
      ["$all on an undeclared array", { labels: { $all: ["urgent"] } }],
      ["null matches missing", { assignee: null }],
      ["nested path", { "assignee.email": "bob@example.com" }],
      ["an array value means any of", { priority: [2, 4] }],
      ["scalar in an array field", { "checklist.checked": true }],
    ];
    for (const [label, query] of queries) {
      const { theirs, mine } = await both("alice", (c) => c.entities.Task!.filter!(query, "-created_date", 5000));
      // Every query matches something and leaves something out, so a no-op filter cannot pass.
      expect((theirs as unknown[]).length, label).toBeGreaterThan(0);
      expect((theirs as unknown[]).length, label).toBeLessThan(allTasks.length);
      expect((mine as unknown[]).length, label).toBe((theirs as unknown[]).length);
      expect(comparable(mine), label).toEqual(comparable(theirs));
    }
    const projects = await both("alice", (c) =>
      c.entities.Project!.filter!({ status: { $in: ["planning", "active"] } }, "-updated_date"),
    );
    expect(comparable(projects.mine)).toEqual(comparable(projects.theirs));
    const tagged = await both("alice", (c) => c.entities.Project!.filter!({ tags: "urgent" }, "name"));
    expect(comparable(tagged.mine)).toEqual(comparable(tagged.theirs));
  });

  it("count and cursor pages agree", async () => {
    const counted = await both("alice", (c) => c.entities.Task!.count!({ done: false }));
    expect(counted.mine).toBe(counted.theirs);
    const walk = async (client: OwnedClient) => {
      const seen: unknown[] = [];
      let page = await client.entities.Task!.filter!({ priority: { $gte: 4 } }, { sort: "-created_date", limit: 150 });
      seen.push(...page.items);
      while (page.has_more) {
        page = await client.entities.Task!.list!({ cursor: page.next_cursor, limit: 150 });
        seen.push(...page.items);
      }
      return seen;
    };
    const pages = await both("alice", walk);
    expect(pages.mine.length).toBeGreaterThan(150);
    expect(comparable(pages.mine)).toEqual(comparable(pages.theirs));
  });

  it("get: the same record, and 404 for one the rules hide", async () => {
    const task = (await base44.alice.entities.Task!.list!("-created_date", 1))[0] as { id: string };
    const { theirs, mine } = await both("alice", (c) => c.entities.Task!.get!(task.id));
    expect(comparable(mine)).toEqual(comparable(theirs));
    const hidden = await both("bob", (c) => failure(c.entities.Task!.get!(task.id)));
    expect(hidden.mine.status).toBe(404);
    expect(hidden.theirs.status).toBe(404);
  });

  it("create, update and delete leave the same records", async () => {
    const data = {
      title: "Sand the doors — ünïcode ✓",
      project_id: "p-1",
      priority: 4,
      checklist: [{ text: "tape", checked: false }],
      assignee: { email: "bob@example.com", name: "Bob" },
      due_at: "2025-03-01T09:00:00.000Z",
      mood: "undeclared",
    };
    const created = await both("alice", (c) => c.entities.Task!.create!(data));
    expect(content(created.mine)).toEqual(content(created.theirs));

    const updated = await both("alice", async (c) => {
      const made = c === base44.alice ? created.theirs : created.mine;
      return c.entities.Task!.update!(made.id, { done: true, priority: 1, mood: null, extra_note: "merged" });
    });
    expect(content(updated.mine)).toEqual(content(updated.theirs));
    expect(updated.mine.title).toBe(data.title);

    const missingRequired = await both("alice", (c) => failure(c.entities.Task!.create!({ title: "no project" })));
    expect(missingRequired.mine.status).toBe(422);
    expect(missingRequired.theirs.status).toBe(422);

    const deleted = await both("alice", async (c) => {
      const made = c === base44.alice ? created.theirs : created.mine;
      const answer = await c.entities.Task!.delete!(made.id);
      return { answer, after: await failure(c.entities.Task!.get!(made.id)) };
    });
    expect(deleted.mine.answer).toEqual(deleted.theirs.answer);
    expect(deleted.mine.after.status).toBe(404);
    expect(deleted.theirs.after.status).toBe(404);
  });

  it("updateMe changes the profile, never the role", async () => {
    const { theirs, mine } = await both("bob", (c) => c.auth.updateMe({ job_title: "Foreman", role: "admin" }));
    expect(content(mine)).toEqual(content(theirs));
    expect((mine as { role: string }).role).toBe("user");
  });
});

describe("access rules: a second user cannot touch the first one's records", () => {
  it("bob cannot read, change or delete alice's tasks, on either server", async () => {
    const task = (await ours.alice.entities.Task!.list!("-created_date", 1))[0] as { id: string };
    for (const client of [ours.bob, base44.bob]) {
      expect((await failure(client.entities.Task!.get!(task.id))).status).toBe(404);
      expect((await failure(client.entities.Task!.update!(task.id, { title: "mine now" }))).status).toBe(404);
      expect((await failure(client.entities.Task!.delete!(task.id))).status).toBe(404);
    }
    const bobsView = await both("bob", (c) => c.entities.Task!.filter!({ created_by: "alice@example.com" }));
    expect(bobsView.mine).toEqual([]);
    expect(bobsView.theirs).toEqual([]);
    expect((await ours.alice.entities.Task!.get!(task.id)).title).not.toBe("mine now");
  });

  it("bob reads alice's comments (the rule allows it) but cannot edit them (403)", async () => {
    const comment = (await ours.alice.entities.Comment!.filter!({ created_by: "alice@example.com" }, "-created_date", 1))[0] as {
      id: string;
    };
    const read = await both("bob", (c) => c.entities.Comment!.get!(comment.id));
    expect(comparable(read.mine)).toEqual(comparable(read.theirs));
    const edit = await both("bob", (c) => failure(c.entities.Comment!.update!(comment.id, { body: "defaced" })));
    expect(edit.mine.status).toBe(403);
    expect(edit.theirs.status).toBe(403);
  });

  it("the admin sees and changes every project, because the rules grant admins", async () => {
    const all = await both("admin", (c) => c.entities.Project!.list!("name"));
    expect(comparable(all.mine)).toEqual(comparable(all.theirs));
    expect((all.mine as Array<{ created_by?: string }>).some((p) => p.created_by === "alice@example.com")).toBe(true);
    const alicesProject = (all.mine as Array<{ id: string; created_by?: string }>).find(
      (p) => p.created_by === "alice@example.com",
    )!;
    const changed = await ours.admin.entities.Project!.update!(alicesProject.id, { status: "done" });
    expect(changed.status).toBe("done");
    const denied = await failure(ours.bob.entities.Project!.update!(alicesProject.id, { status: "active" }));
    expect(denied.status).toBe(404);
  });

  it("users read only themselves through the User entity; the admin reads everyone", async () => {
    // (updated_date aside: bob's profile changed a moment apart on each server above)
    const bobs = await both("bob", (c) => c.entities.User!.list!());
    expect(bobs.mine.map(content)).toEqual(bobs.theirs.map(content));
    expect((bobs.mine as unknown[]).length).toBe(1);
    const admins = await both("admin", (c) => c.entities.User!.list!("email"));
    expect(admins.mine.map(content)).toEqual(admins.theirs.map(content));
  });
});

describe("what the owned server refuses, it refuses loudly", () => {
  it("an unsupported operator is a 400 naming it", async () => {
    const error = await failure(ours.alice.entities.Task!.filter!({ title: { $where: "this.title.length > 3" } }));
    expect(error.status).toBe(400);
    expect(error.message).toContain("$where");
    const top = await failure(ours.alice.entities.Task!.filter!({ $text: { $search: "paint" } }));
    expect(top.status).toBe(400);
    expect(top.message).toContain("$text");
  });

  it("an integration it does not provide is a 501 naming it, not an empty answer", async () => {
    const error = await failure(ours.alice.integrations.Core!.ExtractDataFromUploadedFile!({ file_url: "x", json_schema: {} }));
    expect(error.status).toBe(501);
    expect(error.message).toContain("ExtractDataFromUploadedFile");
    const llm = await failure(ours.alice.integrations.Core!.InvokeLLM!({ prompt: "hi" }));
    expect(llm.status).toBe(501);
    expect(llm.message).toContain("LLM_API_KEY");
  });
});
