// The stand-in Base44 API speaks what the real @base44/sdk sends: a Base44 app's own client
// (createClient from the SDK) lists, filters, pages, creates, updates and deletes against it, and
// its rules, paging, rate limiting and errors behave as Base44 documents them.
import { createClient, type Base44Client } from "@base44/sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startBase44Standin, type Base44Standin } from "./base44-api";

let api: Base44Standin;
const clients: Base44Client[] = [];

/** The SDK as a Base44 app creates it, signed in with a token. */
function sdk(token: string | undefined, headers?: Record<string, string>): Base44Client {
  const client = createClient({ serverUrl: api.url, appId: api.appId, token, analytics: { enabled: false }, headers });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {}); // the SDK logs every error response outside production
  api = await startBase44Standin();
});
afterAll(async () => {
  for (const c of clients) c.cleanup();
  await api?.stop();
});

async function rest(pathAndQuery: string, init: RequestInit & { key?: string | false; bearer?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.bearer) headers.set("Authorization", `Bearer ${init.bearer}`);
  else if (init.key !== false) headers.set("api_key", init.key ?? api.apiKey);
  return fetch(`${api.appUrl}${pathAndQuery}`, { ...init, headers });
}

describe("the stand-in Base44 API, driven by the real @base44/sdk", () => {
  it("seeds three entities and the users, one entity with more than 5,000 records", () => {
    expect(api.records("Task").length).toBeGreaterThan(5000);
    expect(api.records("Project").length).toBeGreaterThan(0);
    expect(api.records("Comment").length).toBeGreaterThan(0);
    expect(api.records("User").map((u) => u.email)).toEqual(
      expect.arrayContaining([api.users.alice.email, api.users.bob.email, api.users.admin.email]),
    );
  });

  it("a signed-in user creates, reads, updates (a partial merge) and deletes a record", async () => {
    const alice = sdk(api.users.alice.token);
    const project = api.records("Project").find((p) => p.created_by === api.users.alice.email)!;
    const created = (await alice.entities.Task.create({
      title: "Paint the hall ✨",
      project_id: project.id,
      id: "ffffffffffffffffffffffff",
      created_date: "2001-01-01T00:00:00",
    })) as Record<string, unknown>;
    expect(created.id).toMatch(/^[a-f0-9]{24}$/);
    expect(created.id).not.toBe("ffffffffffffffffffffffff"); // ids and timestamps are the server's
    expect(created.created_date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
    expect(created).toMatchObject({
      created_by: api.users.alice.email,
      created_by_id: api.users.alice.id,
      priority: 3,
      done: false,
    }); // schema defaults
    const updated = (await alice.entities.Task.update(created.id as string, { done: true })) as Record<string, unknown>;
    expect(updated).toMatchObject({ title: "Paint the hall ✨", done: true, priority: 3 });
    expect(await alice.entities.Task.get(created.id as string)).toMatchObject({ done: true });
    expect(await alice.entities.Task.delete(created.id as string)).toEqual({ success: true });
    await expect(alice.entities.Task.get(created.id as string)).rejects.toMatchObject({ status: 404 });
  });

  it("a create missing a required field is a 422 naming the field", async () => {
    await expect(sdk(api.users.alice.token).entities.Task.create({ title: "no project" })).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining("project_id"),
    });
  });

  it("auth.me returns the signed-in user and updateMe changes custom fields but not the role", async () => {
    const bob = sdk(api.users.bob.token);
    expect(await bob.auth.me()).toMatchObject({ email: api.users.bob.email, role: "user", full_name: "Bob 李小龍" });
    const after = (await bob.auth.updateMe({ job_title: "Carpenter", role: "admin" })) as Record<string, unknown>;
    expect(after).toMatchObject({ job_title: "Carpenter", role: "user" });
  });

  it("signs in with email and password like auth.loginViaEmailPassword", async () => {
    const anonymous = sdk(undefined);
    const { access_token, user } = await anonymous.auth.loginViaEmailPassword(api.users.alice.email, api.users.alice.password);
    expect(access_token).toBe(api.users.alice.token);
    expect(user).toMatchObject({ email: api.users.alice.email });
  });

  it("without a token, or with a wrong one, every call is a 401 the SDK reports with Base44's message", async () => {
    await expect(sdk(undefined).entities.Task.list()).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining("api_key"),
    });
    await expect(sdk("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.wrongsignature").entities.Task.list()).rejects.toMatchObject({
      status: 401,
    });
    expect((await rest("/entities/Task", { key: "0123456789abcdef0123456789abcdef" })).status).toBe(401);
  });

  it("an entity the app does not have is a 404", async () => {
    await expect(sdk(api.users.alice.token).entities.Invoice.list()).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining("Invoice"),
    });
  });
});

describe("access rules from the entity schemas", () => {
  it("a user lists only their own tasks (read: created_by = {{user.email}}); the owner's API key sees all", async () => {
    const mine = await sdk(api.users.bob.token).entities.Task.filter({}, "-created_date", 5000);
    const all = api.records("Task");
    expect(mine.length).toBe(all.filter((t) => t.created_by === api.users.bob.email).length);
    expect(mine.every((t) => (t as Record<string, unknown>).created_by === api.users.bob.email)).toBe(true);
    const everything = (await (await rest("/entities/Task?limit=5000")).json()) as unknown[];
    expect(everything.length).toBe(Math.min(all.length, 5000));
  });

  it("another user's record does not exist for them: get, update and delete answer 404", async () => {
    const bob = sdk(api.users.bob.token);
    const alices = api.records("Task").find((t) => t.created_by === api.users.alice.email)!;
    await expect(bob.entities.Task.get(alices.id as string)).rejects.toMatchObject({ status: 404 });
    await expect(bob.entities.Task.update(alices.id as string, { done: true })).rejects.toMatchObject({ status: 404 });
    await expect(bob.entities.Task.delete(alices.id as string)).rejects.toMatchObject({ status: 404 });
    expect(api.records("Task").find((t) => t.id === alices.id)).toEqual(alices);
  });

  it("a readable record the user may not change answers 403 (Comment: read true, update by its author)", async () => {
    const bob = sdk(api.users.bob.token);
    const alicesComment = api.records("Comment").find((c) => c.created_by === api.users.alice.email)!;
    expect(await bob.entities.Comment.get(alicesComment.id as string)).toMatchObject({ id: alicesComment.id });
    await expect(bob.entities.Comment.update(alicesComment.id as string, { body: "hijacked" })).rejects.toMatchObject({
      status: 403,
    });
  });

  it("the admin passes where the rule names user_condition role admin (Project), and only there (Task)", async () => {
    const admin = sdk(api.users.admin.token);
    const projects = await admin.entities.Project.list("-created_date", 5000);
    expect(projects.length).toBe(api.records("Project").length);
    const tasks = await admin.entities.Task.list("-created_date", 5000);
    expect(tasks.every((t) => (t as Record<string, unknown>).created_by === api.users.admin.email)).toBe(true);
    // delete: { user_condition: { role: "admin" } }
    const alice = sdk(api.users.alice.token);
    const own = api.records("Project").find((p) => p.created_by === api.users.alice.email)!;
    await expect(alice.entities.Project.delete(own.id as string)).rejects.toMatchObject({ status: 403 });
  });

  it("users see only themselves in the User entity; the admin sees everyone", async () => {
    const asUser = await sdk(api.users.alice.token).entities.User.list();
    expect(asUser.map((u) => (u as Record<string, unknown>).email)).toEqual([api.users.alice.email]);
    const asAdmin = await sdk(api.users.admin.token).entities.User.list();
    expect(asAdmin.length).toBe(api.records("User").length);
  });
});

describe("queries as Base44 (MongoDB) answers them", () => {
  const owner = () => sdk(undefined, { api_key: api.apiKey });
  const tasks = () => api.records("Task");

  it("sorts newest first by default, ascending with + or a bare name, ties broken by id", async () => {
    const newest = (await owner().entities.Task.list(undefined, 3)) as Array<Record<string, string>>;
    const expected = [...tasks()].sort((a, b) => String(b.created_date).localeCompare(String(a.created_date))).slice(0, 3);
    expect(newest.map((t) => t.id)).toEqual(expected.map((t) => t.id));
    const byPriority = (await owner().entities.Task.list("+priority", 5000)) as Array<Record<string, unknown>>;
    const keys = byPriority.map((t) =>
      typeof t.priority === "number" ? t.priority : t.priority === undefined || t.priority === null ? -Infinity : 99,
    );
    expect([...keys].sort((a, b) => a - b)).toEqual(keys); // nulls first, the one string after the numbers
  });

  it("skip, limit and fields (id always comes back)", async () => {
    const page = (await owner().entities.Task.list("-created_date", 4, 2, ["title"])) as Array<Record<string, unknown>>;
    const all = (await owner().entities.Task.list("-created_date", 6)) as Array<Record<string, unknown>>;
    expect(page.map((t) => t.id)).toEqual(all.slice(2, 6).map((t) => t.id));
    expect(Object.keys(page[0]!).sort()).toEqual(["id", "title"]);
  });

  const cases: Array<[string, Record<string, unknown>, (t: Record<string, unknown>) => boolean]> = [
    ["equality", { done: true }, (t) => t.done === true],
    ["$ne null (present and not null)", { assignee: { $ne: null } }, (t) => t.assignee !== undefined && t.assignee !== null],
    ["null matches missing and null", { assignee: null }, (t) => t.assignee === undefined || t.assignee === null],
    [
      "$gt/$lte on numbers only (the string 'high' never compares)",
      { priority: { $gt: 2, $lte: 4 } },
      (t) => typeof t.priority === "number" && t.priority > 2 && t.priority <= 4,
    ],
    ["$gte/$lt", { priority: { $gte: 4 } }, (t) => typeof t.priority === "number" && t.priority >= 4],
    ["$in", { priority: { $in: [1, 5] } }, (t) => t.priority === 1 || t.priority === 5],
    ["an array value means any of", { priority: [2, 3] }, (t) => t.priority === 2 || t.priority === 3],
    [
      "$nin also matches a missing or null field",
      { priority: { $nin: [1, 2, 3] } },
      (t) => ![1, 2, 3].includes(t.priority as number),
    ],
    ["$exists false", { assignee: { $exists: false } }, (t) => !("assignee" in t)],
    [
      "$regex with $options i",
      { title: { $regex: "^plan", $options: "i" } },
      (t) => typeof t.title === "string" && /^plan/i.test(t.title),
    ],
    [
      "a dotted path into a nested object",
      { "assignee.email": api?.users?.alice.email ?? "alice@example.com" },
      (t) => (t.assignee as Record<string, unknown> | null | undefined)?.email === "alice@example.com",
    ],
    [
      "an array field matches when any element does",
      { "checklist.checked": true },
      (t) => Array.isArray(t.checklist) && t.checklist.some((c: Record<string, unknown>) => c.checked === true),
    ],
    ["$size", { checklist: { $size: 2 } }, (t) => Array.isArray(t.checklist) && t.checklist.length === 2],
    ["$not", { priority: { $not: { $gte: 3 } } }, (t) => !(typeof t.priority === "number" && t.priority >= 3)],
    ["$or", { $or: [{ priority: 1 }, { done: false }] }, (t) => t.priority === 1 || t.done === false],
    [
      "$and",
      { $and: [{ priority: { $gte: 2 } }, { done: true }] },
      (t) => typeof t.priority === "number" && t.priority >= 2 && t.done === true,
    ],
    [
      "$nor",
      { $nor: [{ done: true }, { priority: null }] },
      (t) => t.done !== true && t.priority !== null && t.priority !== undefined,
    ],
    [
      "created_date compares as an instant",
      { created_date: { $gte: "2025-01-01T00:00:00Z" } },
      (t) => Date.parse(`${String(t.created_date)}Z`) >= Date.parse("2025-01-01T00:00:00Z"),
    ],
  ];
  for (const [what, query, predicate] of cases) {
    it(`filter: ${what}`, async () => {
      const got = (await owner().entities.Task.filter(query, "-created_date", 5000)) as Array<Record<string, unknown>>;
      const expected = tasks().filter(predicate);
      expect(expected.length).toBeGreaterThan(0);
      expect(got.map((t) => t.id).sort()).toEqual(expected.map((t) => t.id).sort());
    });
  }

  it("$all on an array of strings", async () => {
    const project = api.records("Project").find((p) => Array.isArray(p.tags) && (p.tags as string[]).length >= 2)!;
    const tags = (project.tags as string[]).slice(0, 2);
    const got = (await owner().entities.Project.filter({ tags: { $all: tags } })) as Array<Record<string, unknown>>;
    expect(got.map((p) => p.id)).toContain(project.id);
    expect(got.every((p) => tags.every((t) => (p.tags as string[]).includes(t)))).toBe(true);
  });

  it("an unsupported operator is a 400, not a silent empty list", async () => {
    await expect(owner().entities.Task.filter({ title: { $where: "1" } })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("$where"),
    });
  });

  it("count", async () => {
    expect(await owner().entities.Task.count({ done: true })).toBe(tasks().filter((t) => t.done === true).length);
  });
});

describe("cursor pages (v2/list)", () => {
  it("walks every record exactly once in sort order, 100 per page by default", async () => {
    const client = sdk(undefined, { api_key: api.apiKey });
    let page = await client.entities.Task.list({ sort: "-created_date" });
    expect(page.items.length).toBe(100);
    const ids: string[] = page.items.map((t) => (t as Record<string, string>).id);
    const first = ids.slice();
    while (page.has_more) {
      page = await client.entities.Task.list({ cursor: page.next_cursor, limit: 1000 });
      ids.push(...page.items.map((t) => (t as Record<string, string>).id));
    }
    expect(page.next_cursor).toBeNull();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(api.records("Task").length);
    const expected = [...api.records("Task")].sort(
      (a, b) => String(b.created_date).localeCompare(String(a.created_date)) || String(a.id).localeCompare(String(b.id)),
    );
    expect(ids.slice(0, 100)).toEqual(first);
    expect(ids).toEqual(expected.map((t) => t.id));
  });

  it("a record deleted between pages does not shift the next page", async () => {
    const client = sdk(undefined, { api_key: api.apiKey });
    const first = await client.entities.Comment.filter({}, { sort: "created_date", limit: 10 });
    const victim = (first.items[9] as Record<string, string>).id;
    await client.entities.Comment.delete(victim);
    const second = await client.entities.Comment.filter({}, { cursor: first.next_cursor, limit: 10 });
    const all = [...api.records("Comment")].sort(
      (a, b) => String(a.created_date).localeCompare(String(b.created_date)) || String(a.id).localeCompare(String(b.id)),
    );
    const after = all.findIndex(
      (c) =>
        String(c.created_date) > String((first.items[9] as Record<string, string>).created_date) ||
        (c.created_date === (first.items[9] as Record<string, string>).created_date && String(c.id) > victim),
    );
    expect(second.items.map((c) => (c as Record<string, string>).id)).toEqual(all.slice(after, after + 10).map((c) => c.id));
  });

  it("a cursor carries its query: passing another one with it is a 400", async () => {
    const first = (await (await rest("/entities/Task/v2/list?limit=10&sort=-created_date")).json()) as { next_cursor: string };
    const res = await rest(`/entities/Task/v2/list?cursor=${first.next_cursor}&sort=title`);
    expect(res.status).toBe(400);
  });

  it("distinct values of a field, ascending", async () => {
    const page = await sdk(undefined, { api_key: api.apiKey }).entities.Project.list({ distinct: "status" });
    expect(page.items).toEqual([...new Set(api.records("Project").map((p) => p.status as string))].sort());
  });
});

describe("what a dump runs into", () => {
  it("X-Data-Env: dev selects the app's test data", async () => {
    const dev = (await (await rest("/entities/Project", { headers: { "X-Data-Env": "dev" } })).json()) as Array<
      Record<string, unknown>
    >;
    expect(dev.map((p) => p.id).sort()).toEqual(
      api
        .records("Project", "dev")
        .map((p) => p.id)
        .sort(),
    );
    expect(dev.length).toBeLessThan(api.records("Project").length);
  });

  it("the owner's API key reads every entity schema with its rules; a user token is refused", async () => {
    const res = await rest("/entity-schemas");
    const list = (await res.json()) as Array<{ entity_name: string; schema: Record<string, unknown> }>;
    expect(list.map((e) => e.entity_name).sort()).toEqual(["Comment", "Project", "Task", "User"]);
    expect(list.find((e) => e.entity_name === "Task")!.schema.rls).toMatchObject({ read: { created_by: "{{user.email}}" } });
    expect((await rest("/entity-schemas", { bearer: api.users.admin.token })).status).toBe(403);
  });

  it("file URLs in records are served from the stand-in's storage paths", async () => {
    const url = api
      .records("Project")
      .map((p) => p.cover_url)
      .find((u): u is string => typeof u === "string" && u.includes("/storage/v1/object/public/base44-prod/"))!;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    const media = api
      .records("Project")
      .map((p) => p.cover_url)
      .find((u): u is string => typeof u === "string" && u.includes("/images/public/"))!;
    expect((await fetch(media)).status).toBe(200);
  });

  it("integrations: UploadFile answers a file_url that serves the bytes; InvokeLLM answers in the asked shape; SendEmail is recorded", async () => {
    const alice = sdk(api.users.alice.token);
    const { file_url } = (await alice.integrations.Core.UploadFile({
      file: new File([Buffer.from("hello files")], "notes.txt", { type: "text/plain" }),
    })) as { file_url: string };
    expect(await (await fetch(file_url)).text()).toBe("hello files");
    const ideas = (await alice.integrations.Core.InvokeLLM({
      prompt: "Three tasks",
      response_json_schema: { type: "object", properties: { tasks: { type: "array", items: { type: "string" } } } },
    })) as { tasks: string[] };
    expect(ideas.tasks).toHaveLength(1);
    await alice.integrations.Core.SendEmail({ to: "x@example.com", subject: "Hi", body: "There" });
    expect(api.sentEmails.at(-1)).toMatchObject({ to: "x@example.com", subject: "Hi" });
  });
});

describe("rate limits and failures, on request", () => {
  it("answers 429 with Retry-After once the window's budget is spent", async () => {
    const limited = await startBase44Standin({ empty: true, rateLimit: { requests: 3, windowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${limited.appUrl}/entities/Task`, { headers: { api_key: limited.apiKey } });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get("retry-after");
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.stop();
    }
  });

  it("fails every n-th request with a 5xx, or by resetting the connection", async () => {
    const flaky = await startBase44Standin({ empty: true, failures: { every: 2, status: 502 } });
    const resetting = await startBase44Standin({ empty: true, failures: { every: 2, reset: true } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await fetch(`${flaky.appUrl}/entities/Task`, { headers: { api_key: flaky.apiKey } })).status);
      expect(statuses).toEqual([200, 502, 200, 502]);
      expect((await fetch(`${resetting.appUrl}/entities/Task`, { headers: { api_key: resetting.apiKey } })).status).toBe(200);
      await expect(fetch(`${resetting.appUrl}/entities/Task`, { headers: { api_key: resetting.apiKey } })).rejects.toThrow();
    } finally {
      await flaky.stop();
      await resetting.stop();
    }
  });
});
