// The generated server under attack, on a real PostgreSQL: each test is one class of hole found in
// review (issue 10), tried the way an attacker would, through the app's own client or raw HTTP.
// Field rules hold through bulk updates and queries, profile values never become operators,
// malformed rules deny, signed-out callers reach nothing in a private app, sign-in resists
// guessing and enumeration, email goes only to the app's users, and bodies have limits.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { capturedCli, cleanupTemp, copyFixture } from "../helpers/project";
import {
  fixtureAppId,
  ownedClientModule,
  runSql,
  signedInUser,
  startOwnedServer,
  type OwnedClient,
  type OwnedServer,
} from "./owned-app";
import { startLlmStandin, startSmtpStandin } from "./owned-standins";

const appId = fixtureAppId();
const ADMIN_ONLY = { user_condition: { role: "admin" } };

/** Deals anyone signed in may see and change, but whose budget only admins read and write. */
const DEAL = {
  name: "Deal",
  type: "object",
  properties: { title: { type: "string" }, budget: { type: "number", rls: { read: ADMIN_ONLY, write: ADMIN_ONLY } } },
  rls: { create: true, read: true, update: true, delete: true },
};
/** Notes seen and deleted only by the team named in the reader's own profile. */
const TEAM_RULE = { "data.team": "{{user.team}}" };
const NOTE = {
  name: "Note",
  type: "object",
  properties: { body: { type: "string" }, team: { type: "string" } },
  rls: { create: true, read: TEAM_RULE, update: TEAM_RULE, delete: TEAM_RULE },
};
/** Rules as a hand-edited export may hold them: each one used to compile to "allow". */
const MALFORMED: Record<string, unknown> = {
  BrokenList: [],
  BrokenKey: { Read: true, reads: true, create: true },
  BrokenEmpty: { read: "", create: true },
  BrokenObject: { read: {}, create: true },
  BrokenNull: { read: null, create: true },
  BrokenUserCondition: { read: { user_condition: {} }, create: { user_condition: {} } },
};

let dir: string;
let migrateOutput: string;
let db: TestServer;
let databaseUrl: string;
let owned: OwnedServer;
let publicServer: OwnedServer;
let smtp: Awaited<ReturnType<typeof startSmtpStandin>>;
let llm: Awaited<ReturnType<typeof startLlmStandin>>;
let createOwnedClient: (config: Record<string, unknown>) => OwnedClient;
let admin: OwnedClient;
let alice: OwnedClient;
let aliceToken: string;
let bob: OwnedClient;

const sql = (text: string, values: unknown[] = []) => runSql(databaseUrl, text, values);
/** The table the migration gave an entity. */
const tableOf = (entity: string): string =>
  JSON.parse(readFileSync(path.join(dir, "server", "app.config.json"), "utf8")).entities[entity].table;

async function failure(promise: Promise<unknown>): Promise<{ status?: number; code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { status?: number; code?: string; message: string };
  }
  throw new Error("expected the call to fail");
}

/** What a caller learns from a refusal. */
function said(error: { status?: number; code?: string; message: string }) {
  return { status: error.status, code: error.code, message: error.message };
}

/** A raw call to the app API (`/api/apps/<appId><route>`), as a script would make it. */
async function api(
  server: OwnedServer,
  method: string,
  route: string,
  options: { token?: string; body?: string | FormData; type?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.type) headers["content-type"] = options.type;
  return fetch(`${server.url}/api/apps/${appId}${route}`, { method, headers, body: options.body });
}

/** Sends only a request's headers (no body) and resolves with the status the server answers. */
function headersOnly(route: string, headers: Record<string, string>): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = request(`${owned.url}/api/apps/${appId}${route}`, { method: "POST", agent: false, headers }, (res) => {
      resolve(res.statusCode!);
      res.resume();
      req.destroy();
    });
    req.on("error", reject);
    req.flushHeaders();
  });
}

/** Waits until the SMTP stand-in holds more than `count` messages (mail goes out after the answer). */
async function mailAfter(count: number): Promise<string> {
  for (let i = 0; i < 200 && smtp.messages.length <= count; i++) await new Promise((r) => setTimeout(r, 20));
  return smtp.messages
    .at(-1)!
    .replace(/=\r?\n/g, "")
    .replace(/=3D/g, "=");
}

beforeAll(async () => {
  dir = copyFixture("base44");
  const entities = path.join(dir, "base44", "entities");
  writeFileSync(path.join(entities, "Deal.jsonc"), JSON.stringify(DEAL, null, 2));
  writeFileSync(path.join(entities, "Note.jsonc"), JSON.stringify(NOTE, null, 2));
  for (const [name, rls] of Object.entries(MALFORMED))
    writeFileSync(
      path.join(entities, `${name}.jsonc`),
      JSON.stringify({ name, type: "object", properties: { title: { type: "string" } }, rls }, null, 2),
    );
  mkdirSync(path.join(dir, "dist"), { recursive: true });
  writeFileSync(path.join(dir, "dist", "index.html"), "<!doctype html><title>app</title>");
  const cli = capturedCli();
  expect(await cli.run("migrate", dir, "--yes"), [...cli.stdout, ...cli.stderr].join("\n")).toBe(0);
  migrateOutput = [...cli.stdout, ...cli.stderr].join("\n");
  db = await startTestServer();
  databaseUrl = await db.createDatabase("owned_attacks");
  await sql(readFileSync(path.join(dir, "server", "schema.sql"), "utf8"));
  smtp = await startSmtpStandin();
  llm = await startLlmStandin();
  owned = await startOwnedServer(dir, {
    DATABASE_URL: databaseUrl,
    ALLOW_SIGNUP: "true",
    APP_URL: "https://crm.test",
    SMTP_URL: smtp.url,
    MAIL_FROM: "crm@crm.test",
    LLM_BASE_URL: llm.url,
    LLM_API_KEY: "sk-test-local",
    LLM_MODEL: "owner-model",
    LLM_MAX_PER_HOUR: "2",
    EMAIL_MAX_PER_HOUR: "3",
    MAX_UPLOAD_MB: "1",
  });
  publicServer = await startOwnedServer(dir, { DATABASE_URL: databaseUrl, PUBLIC_APP: "true" });
  ({ createOwnedClient } = await ownedClientModule(dir));
  ({ client: admin } = await signedInUser(owned, databaseUrl, createOwnedClient, {
    id: "65a0000000000000000000a1",
    email: "boss@crm.test",
    role: "admin",
    password: "boss-password-1",
  }));
  ({ client: alice, token: aliceToken } = await signedInUser(owned, databaseUrl, createOwnedClient, {
    id: "65a0000000000000000000b1",
    email: "alice@crm.test",
    password: "alice-password-1",
  }));
  ({ client: bob } = await signedInUser(owned, databaseUrl, createOwnedClient, {
    id: "65a0000000000000000000c1",
    email: "bob@crm.test",
    password: "bob-password-1",
  }));
  await admin.entities.User!.update!("65a0000000000000000000b1", { team: "ops" });
  await admin.entities.User!.update!("65a0000000000000000000c1", { team: "sales" });
});

afterAll(async () => {
  await owned?.stop();
  await publicServer?.stop();
  await smtp?.stop();
  await llm?.stop();
  await db?.dispose();
  cleanupTemp();
});

describe("field write rules", () => {
  it("updateMany cannot set, raise or clear a field only admins write, and changes nothing when refused", async () => {
    const deal = await admin.entities.Deal!.create!({ title: "Acme renewal", budget: 1000 });
    for (const update of [{ $inc: { budget: 5_000_000 } }, { $set: { budget: 1 } }, { $unset: { budget: "" } }, { budget: 2 }]) {
      expect(
        (await failure(alice.entities.Deal!.updateMany!({ title: "Acme renewal" }, update))).status,
        JSON.stringify(update),
      ).toBe(403);
    }
    expect(await sql(`SELECT budget FROM ${tableOf("Deal")} WHERE id = $1`, [deal.id])).toEqual([{ budget: 1000 }]);
    // The fields she may write still go through; the admin may do all of it.
    expect(
      (await alice.entities.Deal!.updateMany!({ title: "Acme renewal" }, { $set: { title: "Acme renewal (signed)" } })).updated,
    ).toBe(1);
    expect((await admin.entities.Deal!.updateMany!({ id: deal.id }, { $inc: { budget: 500 } })).updated).toBe(1);
    expect(await sql(`SELECT budget FROM ${tableOf("Deal")} WHERE id = $1`, [deal.id])).toEqual([{ budget: 1500 }]);
  });
});

describe("field read rules", () => {
  it("a hidden field answers as missing in filters, counts, sorts and distinct, so it cannot be guessed", async () => {
    await admin.entities.Deal!.bulkCreate!([
      { title: "big", budget: 950_000 },
      { title: "small", budget: 10 },
    ]);
    expect(await admin.entities.Deal!.count!({ budget: { $gt: 900_000 } })).toBe(1);
    // To alice the budget is not there at all: no value is greater, smaller or equal, every record lacks it.
    expect(await alice.entities.Deal!.count!({ budget: { $gt: 900_000 } })).toBe(0);
    expect(await alice.entities.Deal!.count!({ budget: { $lt: 900_000 } })).toBe(0);
    expect(await alice.entities.Deal!.count!({ budget: 950_000 })).toBe(0);
    expect(await alice.entities.Deal!.filter!({ $or: [{ budget: { $gte: 0 } }] })).toEqual([]);
    expect(await alice.entities.Deal!.count!({ budget: { $exists: false } })).toBe(await alice.entities.Deal!.count!({}));
    const byBudget = (await alice.entities.Deal!.filter!({ title: { $in: ["big", "small"] } }, "-budget")).map(
      (d: { title: string }) => d.title,
    );
    const byBudgetUp = (await alice.entities.Deal!.filter!({ title: { $in: ["big", "small"] } }, "budget")).map(
      (d: { title: string }) => d.title,
    );
    expect(byBudget).toEqual(byBudgetUp);
    const distinct = (await (
      await api(owned, "GET", "/entities/Deal/v2/list?distinct=budget", { token: aliceToken })
    ).json()) as { items: unknown[] };
    expect(distinct.items).toEqual([]);
    // Nor through the counts a bulk write answers.
    expect((await alice.entities.Deal!.updateMany!({ budget: { $gt: 900_000 } }, { $set: { title: "probe" } })).updated).toBe(0);
    expect((await alice.entities.Deal!.deleteMany!({ budget: { $gt: 900_000 } })).deleted).toBe(0);
    expect(await sql(`SELECT count(*)::int AS n FROM ${tableOf("Deal")} WHERE title = 'big'`)).toEqual([{ n: 1 }]);
  });
});

describe("templates in rules", () => {
  it("a profile value shaped like an operator is a literal: it matches no team but its own", async () => {
    await admin.entities.Note!.bulkCreate!([
      { body: "ops plan", team: "ops" },
      { body: "sales pipeline", team: "sales" },
    ]);
    // As an imported profile, or an admin's slip, might hold it.
    await admin.entities.User!.update!("65a0000000000000000000b1", { team: { $ne: "__none__" } });
    try {
      expect(await alice.entities.Note!.list!()).toEqual([]);
      const [sales] = await sql(`SELECT id FROM ${tableOf("Note")} WHERE body = 'sales pipeline'`);
      expect((await failure(alice.entities.Note!.delete!(sales!.id))).status).toBe(404);
      expect((await alice.entities.Note!.deleteMany!({})).deleted).toBe(0);
    } finally {
      await admin.entities.User!.update!("65a0000000000000000000b1", { team: "ops" });
    }
    expect((await alice.entities.Note!.list!()).map((n: { body: string }) => n.body)).toEqual(["ops plan"]);
  });

  it("a user cannot change the profile field a rule reads, as an operator or as plain text", async () => {
    for (const team of [{ $ne: "__none__" }, "sales"]) {
      expect((await failure(alice.auth.updateMe!({ team }))).status, JSON.stringify(team)).toBe(403);
      expect((await failure(alice.entities.User!.update!("65a0000000000000000000b1", { team }))).status).toBe(403);
    }
    expect((await alice.entities.Note!.list!()).map((n: { body: string }) => n.body)).toEqual(["ops plan"]);
    expect(migrateOutput).toMatch(/\[info\] .*access rules read the user's team, so only admins change it/);
    // Profile fields no rule reads stay hers to edit.
    expect((await alice.auth.updateMe!({ job_title: "Account manager" })).job_title).toBe("Account manager");
  });
});

describe("malformed rules", () => {
  it("every malformed rule denies, and migrate reported each file", async () => {
    for (const name of Object.keys(MALFORMED)) {
      await sql(
        `INSERT INTO ${tableOf(name)} (id, title, created_date, updated_date) VALUES ('65b000000000000000000001', 'secret', now(), now())`,
      );
      expect(await alice.entities[name]!.list!(), name).toEqual([]);
      expect((await failure(alice.entities[name]!.create!({ title: "x" }))).status, name).toBe(403);
      expect(migrateOutput, name).toMatch(new RegExp(`\\[high\\] base44/entities/${name}\\.jsonc: ${name}: .*the server denies`));
    }
  });
});

describe("signed-out callers", () => {
  it("a private app (the default) answers 401 to every entity call; PUBLIC_APP opens what the rules open", async () => {
    const stranger = createOwnedClient({ appId, serverUrl: owned.url });
    expect((await failure(stranger.entities.Comment!.list!())).status).toBe(401);
    expect((await failure(stranger.entities.Comment!.create!({ task_id: "t", body: "spam" }))).status).toBe(401);
    expect(
      (await failure(stranger.entities.Comment!.bulkCreate!(Array.from({ length: 500 }, () => ({ task_id: "t", body: "spam" })))))
        .status,
    ).toBe(401);
    expect((await failure(stranger.functions.invoke("weeklyDigest", {}))).status).toBe(401);
    expect(await sql(`SELECT count(*)::int AS n FROM comment WHERE body = 'spam'`)).toEqual([{ n: 0 }]);
    // As Base44's getPublicSettings answers a visitor of a private app: 403, reason auth_required.
    const settings = await fetch(`${owned.url}/api/apps/public/prod/public-settings/by-id/${appId}`);
    expect(settings.status).toBe(403);
    expect(((await settings.json()) as { extra_data: { reason: string } }).extra_data.reason).toBe("auth_required");

    const open = (await (await fetch(`${publicServer.url}/api/apps/public/prod/public-settings/by-id/${appId}`)).json()) as {
      public_settings: { visibility: string };
    };
    expect(open.public_settings.visibility).toBe("public");
    const visitor = createOwnedClient({ appId, serverUrl: publicServer.url });
    expect(Array.isArray(await visitor.entities.Comment!.list!())).toBe(true);
    // A rule that names the user still keeps visitors out.
    expect(await visitor.entities.Task!.list!()).toEqual([]);

    // An app that was public on Base44 (base44/config.jsonc) stays public without PUBLIC_APP.
    const wasPublic = copyFixture("base44");
    const config = path.join(wasPublic, "base44", "config.jsonc");
    writeFileSync(
      config,
      readFileSync(config, "utf8").replace('"name": "Crew Planner",', '"name": "Crew Planner",\n  "visibility": "public",'),
    );
    expect(await capturedCli().run("migrate", wasPublic, "--yes")).toBe(0);
    const inherited = await startOwnedServer(wasPublic, { DATABASE_URL: databaseUrl });
    try {
      expect(Array.isArray(await createOwnedClient({ appId, serverUrl: inherited.url }).entities.Comment!.list!())).toBe(true);
    } finally {
      await inherited.stop();
    }
  });
});

describe("sign-up and email ownership", () => {
  it("signing up with a departed user's address gives no sign-in, and none of their records, until the address is proved", async () => {
    await sql(
      `INSERT INTO task (id, title, project_id, created_by, created_by_id, created_date, updated_date) VALUES ('65c000000000000000000001', 'Payroll export', 'p', 'former@crm.test', '65c0000000000000000000ff', now(), now())`,
    );
    const before = smtp.messages.length;
    const newcomer = createOwnedClient({ appId, serverUrl: owned.url });
    const registered = await newcomer.auth.register({ email: "former@crm.test", password: "taken-over-1" });
    // The session is in the httpOnly cookie; no token rides in the body (only login's, which the SDK returns).
    expect(registered.access_token).toBeUndefined();
    // Until the mailed link is opened the password does not sign in, and the refusal is a wrong password's.
    const unconfirmed = said(await failure(newcomer.auth.loginViaEmailPassword("former@crm.test", "taken-over-1")));
    const wrong = said(await failure(newcomer.auth.loginViaEmailPassword("boss@crm.test", "not-the-password-1")));
    expect(unconfirmed).toEqual(wrong);
    expect(unconfirmed).toMatchObject({ status: 401, code: "invalid_credentials" });
    // The address's real owner opens the mailed link; then the password signs in, and "created by me" means the address.
    const link = /https:\/\/crm\.test(\/api\/verify-email\?token=[\w-]+)/.exec(await mailAfter(before));
    expect(link).not.toBeNull();
    expect((await fetch(`${owned.url}${link![1]}`, { redirect: "manual" })).status).toBe(303);
    await newcomer.auth.loginViaEmailPassword("former@crm.test", "taken-over-1");
    const own = await newcomer.entities.Task!.create!({ title: "My first task", project_id: "p" });
    expect((await newcomer.entities.Task!.list!()).map((t: { title: string }) => t.title).sort()).toEqual([
      "My first task",
      "Payroll export",
    ]);
    expect(own.id).toBeDefined();
  });

  it("a session an unconfirmed account opened before sign-in asked for confirmation ends, until the address is confirmed", async () => {
    const id = "65a00000000000000000beef";
    await sql(
      `INSERT INTO users (id, email, full_name, role, is_verified, created_date, updated_date) VALUES ('${id}', 'early@crm.test', 'Early', 'user', false, now(), now())`,
    );
    const { token } = await (
      owned.services.auth as unknown as { startSession(id: string): Promise<{ token: string }> }
    ).startSession(id);
    expect((await api(owned, "GET", "/entities/User/me", { token })).status).toBe(401);
    await sql(`UPDATE users SET is_verified = true WHERE id = '${id}'`);
    expect((await api(owned, "GET", "/entities/User/me", { token })).status).toBe(200);
  });

  it("with no mail to confirm by, a new account signs in at once but claims no one's records by address", async () => {
    await sql(
      `INSERT INTO task (id, title, project_id, created_by, created_by_id, created_date, updated_date) VALUES ('65c000000000000000000002', 'Board minutes', 'p', 'departed@crm.test', '65c0000000000000000000fe', now(), now())`,
    );
    const noMail = await startOwnedServer(dir, { DATABASE_URL: databaseUrl, ALLOW_SIGNUP: "true" });
    try {
      const newcomer = createOwnedClient({ appId, serverUrl: noMail.url });
      await newcomer.auth.register({ email: "departed@crm.test", password: "taken-over-2" });
      await newcomer.auth.loginViaEmailPassword("departed@crm.test", "taken-over-2");
      expect(await newcomer.entities.Task!.list!()).toEqual([]);
      const own = await newcomer.entities.Task!.create!({ title: "Mine", project_id: "p" });
      expect((await newcomer.entities.Task!.list!()).map((t: { id: string }) => t.id)).toEqual([own.id]);
    } finally {
      await noMail.stop();
    }
  });
});

describe("sign-up does not tell who has an account", () => {
  /** Everything of an answer a caller can read, but its Date. */
  const answer = async (res: Response) => ({
    status: res.status,
    headers: Object.fromEntries([...res.headers].filter(([name]) => name !== "date")),
    body: await res.text(),
  });
  const register = (email: string) =>
    api(owned, "POST", "/auth/register", {
      type: "application/json",
      body: JSON.stringify({ email, password: "sign-up-pass-1" }),
    });

  it("a taken address and a new one get byte-identical answers after the same bcrypt work; the taken one's owner is told by mail", async () => {
    const before = smtp.messages.length;
    const answers: Array<Awaited<ReturnType<typeof answer>>> = [];
    const took: Record<string, number[]> = { taken: [], fresh: [] };
    for (const [round, taken] of ["alice@crm.test", "boss@crm.test", "Alice@CRM.test"].entries()) {
      for (const [kind, email] of [
        ["taken", taken],
        ["fresh", `newcomer-${round}@crm.test`],
      ] as const) {
        const started = performance.now();
        answers.push(await answer(await register(email)));
        took[kind]!.push(performance.now() - started);
      }
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]!.status).toBe(200);
    expect(answers[0]!.headers["set-cookie"]).toBeUndefined();
    expect(JSON.parse(answers[0]!.body)).toEqual({ success: true, message: expect.stringContaining("check your inbox") });
    // Both pay for one bcrypt hash (hundreds of milliseconds); a quarter leaves room for a busy machine.
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
    expect(median(took.taken!)).toBeGreaterThan(median(took.fresh!) / 4);

    // Mail goes after the answer: three verification links for the new addresses, three notices for the taken ones.
    for (let i = 0; i < 200 && smtp.messages.length < before + 6; i++) await new Promise((r) => setTimeout(r, 20));
    const mails = smtp.messages.slice(before).map((m) => m.replace(/=\r?\n/g, "").replace(/=3D/g, "="));
    expect(mails).toHaveLength(6);
    const to = (address: string) => mails.filter((m) => new RegExp(`^To: ${address}$`, "im").test(m));
    expect(to("alice@crm\\.test")).toHaveLength(2);
    expect(to("boss@crm\\.test")).toHaveLength(1);
    for (const notice of [...to("alice@crm\\.test"), ...to("boss@crm\\.test")]) {
      expect(notice).toContain("tried to create an account with this address");
      expect(notice).toContain("https://crm.test/api/login");
      expect(notice).not.toContain("verify-email");
    }
    for (let round = 0; round < 3; round++)
      expect(to(`newcomer-${round}@crm\\.test`)[0]).toContain("https://crm.test/api/verify-email?token=");
    // The taken accounts are untouched: their own passwords still work, the stranger's does not.
    await createOwnedClient({ appId, serverUrl: owned.url }).auth.loginViaEmailPassword("alice@crm.test", "alice-password-1");
    expect(
      (
        await failure(
          createOwnedClient({ appId, serverUrl: owned.url }).auth.loginViaEmailPassword("alice@crm.test", "sign-up-pass-1"),
        )
      ).status,
    ).toBe(401);
    // Nor does signing in after: the new address's password is refused exactly as the taken one's, until its link is opened.
    const newcomerFailure = said(
      await failure(
        createOwnedClient({ appId, serverUrl: owned.url }).auth.loginViaEmailPassword("newcomer-0@crm.test", "sign-up-pass-1"),
      ),
    );
    const takenFailure = said(
      await failure(
        createOwnedClient({ appId, serverUrl: owned.url }).auth.loginViaEmailPassword("boss@crm.test", "sign-up-pass-1"),
      ),
    );
    expect(newcomerFailure).toEqual(takenFailure);
    const verify = /https:\/\/crm\.test(\/api\/verify-email\?token=[\w-]+)/.exec(to("newcomer-0@crm\\.test")[0]!);
    expect((await fetch(`${owned.url}${verify![1]}`, { redirect: "manual" })).status).toBe(303);
    await createOwnedClient({ appId, serverUrl: owned.url }).auth.loginViaEmailPassword("newcomer-0@crm.test", "sign-up-pass-1");
  });

  it("notices to a taken address are rate-limited like resets", async () => {
    const before = smtp.messages.length;
    // Alice already had two notices this hour (the test above) and RESET_MAX_PER_HOUR is 3: one more goes, then none.
    // (Two tries only: the per-address budget, 3 × 3, is shared with the reset flood below.)
    for (let i = 0; i < 2; i++) expect((await register("alice@crm.test")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.length - before).toBe(1);
  });
});

describe("sign-in and resets", () => {
  it("after repeated wrong passwords even the right one waits", async () => {
    await signedInUser(owned, databaseUrl, createOwnedClient, {
      id: "65a0000000000000000000d1",
      email: "target@crm.test",
      password: "right-password-1",
    });
    const attacker = createOwnedClient({ appId, serverUrl: owned.url });
    for (let i = 0; i < 25; i++) await failure(attacker.auth.loginViaEmailPassword("target@crm.test", `guess-${i}`));
    const last = await failure(attacker.auth.loginViaEmailPassword("target@crm.test", "right-password-1"));
    expect(last.status).toBe(429);
  });

  it("two servers on one database share one failure budget, and a restart forgets none of it", async () => {
    await signedInUser(owned, databaseUrl, createOwnedClient, {
      id: "65a0000000000000000000d2",
      email: "shared@crm.test",
      password: "shared-password-1",
    });
    const env = { DATABASE_URL: databaseUrl, APP_URL: "https://crm.test" };
    let second = await startOwnedServer(dir, env);
    try {
      const login = (server: OwnedServer, password: string) =>
        failure(createOwnedClient({ appId, serverUrl: server.url }).auth.loginViaEmailPassword("shared@crm.test", password));
      // Five wrong passwords spread over both servers (3 + 2): each alone is under its limit of 5.
      for (const [i, server] of [owned, second, owned, second, owned].entries())
        expect((await login(server, `guess-${i}`)).status).toBe(401);
      expect((await login(second, "shared-password-1")).status).toBe(429);
      expect((await login(owned, "shared-password-1")).status).toBe(429);
      // A restart (a new process's state, the same database) still refuses.
      await second.stop();
      second = await startOwnedServer(dir, env);
      const after = await login(second, "shared-password-1");
      expect(after.status).toBe(429);
      expect(after.message).toMatch(/try again in 1[45] minute/);
      // Only hashes of the keys are kept: no email or address in the table.
      const rows = await sql(`SELECT bucket, key_hash FROM ownit_auth.throttle`);
      expect(rows.length).toBeGreaterThan(0);
      expect(JSON.stringify(rows)).not.toMatch(/@|127\.0\.0\.1/);
    } finally {
      await second.stop();
    }
  });

  it("an unknown address, an account without a password and a wrong password answer alike, after the same bcrypt work", async () => {
    await sql(
      `INSERT INTO users (id, email, full_name, role, created_date, updated_date) VALUES ('65a0000000000000000000e1', 'nopass@crm.test', 'No Pass', 'user', now(), now())`,
    );
    const answers = [];
    const took: Record<string, number[]> = { unknown: [], known: [] };
    for (let round = 0; round < 3; round++) {
      for (const [kind, email] of [
        ["unknown", `nobody-${round}@crm.test`],
        ["known", "bob@crm.test"],
      ] as const) {
        const started = performance.now();
        answers.push(
          await failure(createOwnedClient({ appId, serverUrl: owned.url }).auth.loginViaEmailPassword(email, "not-the-password")),
        );
        took[kind]!.push(performance.now() - started);
      }
    }
    answers.push(
      await failure(
        createOwnedClient({ appId, serverUrl: owned.url }).auth.loginViaEmailPassword("nopass@crm.test", "not-the-password"),
      ),
    );
    expect(new Set(answers.map((a) => `${a.status} ${a.code} ${a.message}`)).size).toBe(1);
    expect(answers[0]!.code).toBe("invalid_credentials");
    // A real bcrypt comparison takes hundreds of milliseconds, a lookup alone a few: the unknown
    // address must pay for one too (a quarter of the known one's time leaves room for a busy machine).
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
    expect(median(took.unknown!)).toBeGreaterThan(median(took.known!) / 4);
  });

  it("a flood of reset requests sends a few mails, and a new password voids every older link", async () => {
    const before = smtp.messages.length;
    const stranger = createOwnedClient({ appId, serverUrl: owned.url });
    for (let i = 0; i < 11; i++) await stranger.auth.resetPasswordRequest("bob@crm.test");
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.length - before).toBe(3);

    const auth = owned.services.auth as unknown as { createResetToken(id: string, hours: number): Promise<string> };
    const older = await auth.createResetToken("65a0000000000000000000c1", 1);
    const used = await auth.createResetToken("65a0000000000000000000c1", 1);
    await stranger.auth.resetPassword({ resetToken: used, newPassword: "bob-password-2" });
    expect((await failure(stranger.auth.resetPassword({ resetToken: older, newPassword: "hijacked-1" }))).status).toBe(400);
    ({ client: bob } = { client: createOwnedClient({ appId, serverUrl: owned.url }) });
    await bob.auth.loginViaEmailPassword("bob@crm.test", "bob-password-2");
  });
});

describe("SendEmail", () => {
  it("reaches only the app's users, from the app's address, a few times an hour", async () => {
    const before = smtp.messages.length;
    expect(
      (await failure(alice.integrations.Core!.SendEmail!({ to: "victim@elsewhere.test", subject: "Invoice", body: "pay here" })))
        .status,
    ).toBe(403);
    expect(
      (await failure(alice.integrations.Core!.SendEmail!({ to: "bob@crm.test, victim@elsewhere.test", subject: "x", body: "x" })))
        .status,
    ).toBe(403);
    await alice.integrations.Core!.SendEmail!({
      to: "bob@crm.test",
      subject: "Lunch?",
      body: "at noon",
      from_name: "CEO <ceo@bank.test>\r\nBcc: v@e.test",
    });
    const mail = await mailAfter(before);
    expect(mail).toMatch(/^From: .*<crm@crm\.test>$/m);
    expect(mail).not.toContain("ceo@bank.test");
    expect(mail).not.toMatch(/^Bcc:/im);
    await alice.integrations.Core!.SendEmail!({ to: "bob@crm.test", subject: "2", body: "2" });
    await alice.integrations.Core!.SendEmail!({ to: "bob@crm.test", subject: "3", body: "3" });
    expect((await failure(alice.integrations.Core!.SendEmail!({ to: "bob@crm.test", subject: "4", body: "4" }))).status).toBe(
      429,
    );
    expect(smtp.messages.length - before).toBe(3);
  });
});

describe("request sizes", () => {
  it("an oversized sign-in body or upload is refused with 413 before it is read", async () => {
    // Only the headers go out: a 60 MB Content-Length must be answered without waiting for the bytes.
    expect(
      await headersOnly("/auth/login", { "content-type": "application/json", "content-length": String(60 * 1024 * 1024) }),
    ).toBe(413);
    expect(
      await headersOnly("/integration-endpoints/Core/UploadFile", {
        authorization: `Bearer ${aliceToken}`,
        "content-type": "multipart/form-data; boundary=x",
        "content-length": String(40 * 1024 * 1024),
      }),
    ).toBe(413);
    // A body without a length (chunked) is cut off where it passes the limit.
    const form = new FormData();
    form.set("file", new File([new Uint8Array(2 * 1024 * 1024)], "big.bin"));
    const multipart = new Response(form);
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${owned.url}/api/apps/${appId}/integration-endpoints/Core/UploadFile`,
        {
          method: "POST",
          agent: false,
          headers: {
            authorization: `Bearer ${aliceToken}`,
            "content-type": multipart.headers.get("content-type")!,
            "transfer-encoding": "chunked",
          },
        },
        (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on("error", () => undefined);
      void multipart.arrayBuffer().then((bytes) => req.end(Buffer.from(bytes)), reject);
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).code).toBe("payload_too_large");
  });
});

describe("low-level hardening", () => {
  it("functions named after Object's own properties are unknown functions, answered as JSON", async () => {
    for (const name of ["constructor", "hasOwnProperty", "__proto__", "toString"]) {
      const res = await api(owned, "POST", `/functions/${name}`, { token: aliceToken, type: "application/json", body: "{}" });
      expect(res.status, name).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe("not_found");
    }
  });

  it("pages cannot be framed by other sites (sign-in pages by nobody), JSON must say it is JSON, and the session cookie is SameSite", async () => {
    const login = await fetch(`${owned.url}/api/login`);
    expect(login.headers.get("x-frame-options")).toBe("DENY");
    expect(login.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(login.headers.get("x-content-type-options")).toBe("nosniff");
    const spa = await fetch(`${owned.url}/some/page`);
    expect(spa.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    // What a cross-site form can send: text/plain that happens to be JSON.
    const forged = await api(owned, "POST", "/entities/Comment", {
      token: aliceToken,
      type: "text/plain",
      body: JSON.stringify({ task_id: "t", body: "csrf" }),
    });
    expect(forged.status).toBe(415);
    const res = await api(owned, "POST", "/auth/login", {
      type: "application/json",
      body: JSON.stringify({ email: "alice@crm.test", password: "alice-password-1" }),
    });
    expect(res.headers.get("set-cookie")).toMatch(/SameSite=Lax/i);
    expect(res.headers.get("set-cookie")).toMatch(/HttpOnly/i);
  });
});

describe("what review read but had not run", () => {
  it("InvokeLLM uses the owner's model whatever the caller asks, and stops at the hourly quota", async () => {
    await alice.integrations.Core!.InvokeLLM!({ prompt: "hello", model: "the-most-expensive-model" });
    expect(llm.requests.at(-1)!.body.model).toBe("owner-model");
    await alice.integrations.Core!.InvokeLLM!({ prompt: "again" });
    expect((await failure(alice.integrations.Core!.InvokeLLM!({ prompt: "and again" }))).status).toBe(429);
  });

  it("file URLs never take their host from X-Forwarded-Host", async () => {
    const { token } = await signedInUser(publicServer, databaseUrl, createOwnedClient, {
      id: "65a0000000000000000000f1",
      email: "uploader@crm.test",
      password: "uploader-password-1",
    });
    const form = new FormData();
    form.set("file", new File(["hi"], "note.txt", { type: "text/plain" }));
    const res = await api(publicServer, "POST", "/integration-endpoints/Core/UploadFile", {
      token,
      body: form,
      headers: { "x-forwarded-host": "evil.test" },
    });
    expect(((await res.json()) as { file_url: string }).file_url.startsWith(`${publicServer.url}/`)).toBe(true);
  });

  it("an idle session ends, and the stored token is only a hash", async () => {
    const { client, token } = await signedInUser(owned, databaseUrl, createOwnedClient, {
      id: "65a0000000000000000000f2",
      email: "idle@crm.test",
      password: "idle-password-1",
    });
    expect((await client.auth.me()).email).toBe("idle@crm.test");
    expect(await sql(`SELECT 1 FROM ownit_auth.sessions WHERE token_hash = $1`, [token])).toEqual([]);
    await sql(
      `UPDATE ownit_auth.sessions SET last_seen_at = now() - interval '100 hours' WHERE user_id = '65a0000000000000000000f2'`,
    );
    expect((await failure(client.auth.me())).status).toBe(401);
  });

  it("an upload to S3 claiming to be HTML is stored as a download, not a page of the bucket's origin", async () => {
    const puts: Array<{ path: string; type?: string }> = [];
    const bucket = new Hono();
    bucket.put("/*", (c) => {
      puts.push({ path: c.req.path, type: c.req.header("content-type") });
      return c.body(null, 200);
    });
    const s3 = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: bucket.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
    });
    const s3Server = await startOwnedServer(dir, {
      DATABASE_URL: databaseUrl,
      STORAGE_DRIVER: "s3",
      S3_ENDPOINT: `http://127.0.0.1:${(s3.address() as AddressInfo).port}`,
      S3_BUCKET: "files",
      S3_ACCESS_KEY_ID: "AKIDTEST",
      S3_SECRET_ACCESS_KEY: "test-secret",
    });
    try {
      for (const [name, type] of [
        ["trap.html", "text/html"],
        ["pic.png", "image/png"],
      ]) {
        const form = new FormData();
        form.set("file", new File(["<script>alert(1)</script>"], name!, { type }));
        expect(
          (await api(s3Server, "POST", "/integration-endpoints/Core/UploadFile", { token: aliceToken, body: form })).status,
        ).toBe(200);
      }
      expect(puts.map((p) => p.type)).toEqual(["application/octet-stream", "image/png"]);
    } finally {
      await s3Server.stop();
      await new Promise((r) => s3.close(r));
    }
  });
});

// Last: its sign-ups send mail (a verification, notices) that would count against the budgets the tests above measure.
describe("sign-up races", () => {
  it("sign-ups racing for one address, in any case, make one account and get the same answer", async () => {
    const emails = ["racer@crm.test", "Racer@crm.test", "RACER@crm.test", "racer@CRM.TEST"];
    const config = JSON.parse(readFileSync(path.join(dir, "server", "app.config.json"), "utf8"));
    const users = config.entities[config.userEntity].table as string;
    // Every insert into users waits half a second before it lands: each sign-up has checked the address
    // (and found it free) before the first one's row exists, the window a real race needs luck to hit.
    await sql(`CREATE FUNCTION test_slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.5); RETURN NEW; END $$;
               CREATE TRIGGER test_slow_insert BEFORE INSERT ON "${users}" FOR EACH ROW EXECUTE FUNCTION test_slow_insert()`);
    const answers = await Promise.all(
      emails.map(async (email) => {
        const res = await api(owned, "POST", "/auth/register", {
          type: "application/json",
          body: JSON.stringify({ email, password: "sign-up-pass-1" }),
        });
        return { status: res.status, body: await res.text() };
      }),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    await sql(`DROP TRIGGER test_slow_insert ON "${users}"; DROP FUNCTION test_slow_insert()`);
    expect(answers[0]!.status).toBe(200);
    expect(await sql(`SELECT count(*)::int AS n FROM "${users}" WHERE lower(email) = 'racer@crm.test'`)).toEqual([{ n: 1 }]);
  });
});
