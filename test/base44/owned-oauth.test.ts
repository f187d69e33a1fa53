// Social sign-in on the generated server (`auth.loginWithProvider("google", fromUrl)`): the whole
// browser round trip against a loopback OpenID Connect provider, with the server's own routes,
// openid-client and a real PostgreSQL. A user Base44 exported signs in with Google and lands in the
// account they already had.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOidcStandin, type OidcStandin, type ProviderAccount } from "../helpers/oidc-standin";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { cleanupTemp } from "../helpers/project";
import { fixtureAppId, migratedFixture, startOwnedServer, type OwnedServer, runSql } from "./owned-app";

const appId = fixtureAppId();
const ANA = { id: "65a0000000000000000000a1", email: "Ana@Example.com" };
let db: TestServer;
let databaseUrl: string;
let owned: OwnedServer;
let provider: OidcStandin;
let dir: string;

const sql = (text: string, values: unknown[] = []) => runSql(databaseUrl, text, values);

/** A browser: follows nothing by itself, keeps cookies per host. */
function browser() {
  const jars = new Map<string, Map<string, string>>();
  return {
    async get(url: string): Promise<Response> {
      const host = new URL(url).host;
      const jar = jars.get(host) ?? new Map<string, string>();
      jars.set(host, jar);
      const res = await fetch(url, { redirect: "manual", headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } });
      for (const line of res.headers.getSetCookie()) {
        const [pair, ...attrs] = line.split(";");
        const [name, value] = [pair!.slice(0, pair!.indexOf("=")), pair!.slice(pair!.indexOf("=") + 1)];
        if (!value || attrs.some((a) => /max-age=0\b/i.test(a.trim()))) jar.delete(name);
        else jar.set(name, value);
      }
      return res;
    },
    cookie: (url: string, name: string) => jars.get(new URL(url).host)?.get(name),
  };
}

/** loginWithProvider's round trip: the app's login URL, the provider's consent, the callback. Returns each hop. */
async function signInWithGoogle(b: ReturnType<typeof browser>, account: ProviderAccount, fromUrl: string) {
  provider.signInAs(account);
  const start = await b.get(`${owned.url}/api/apps/auth/login?app_id=${appId}&from_url=${encodeURIComponent(fromUrl)}`);
  expect(start.status, await start.clone().text()).toBe(302);
  const consent = await b.get(start.headers.get("location")!);
  expect(consent.status).toBe(302);
  const callback = consent.headers.get("location")!;
  const done = await b.get(callback);
  return { start, callback, done };
}

async function me(b: ReturnType<typeof browser>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await b.get(`${owned.url}/api/apps/${appId}/entities/User/me`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  ({ dir } = await migratedFixture());
  provider = await startOidcStandin();
  db = await startTestServer();
  databaseUrl = await db.createDatabase("owned_oauth");
  await sql(readFileSync(path.join(dir, "server", "schema.sql"), "utf8"));
  // A user Base44 exported (no password: Base44 never exports them), with a task of her own.
  await sql(
    `INSERT INTO users (id, email, full_name, role, created_date, updated_date) VALUES ($1, $2, 'Ana', 'user', now(), now())`,
    [ANA.id, ANA.email],
  );
  await sql(
    `INSERT INTO task (id, title, project_id, created_by, created_by_id, created_date, updated_date) VALUES ('65b0000000000000000000a1', 'Ana''s old task', 'p1', $1, $2, now(), now())`,
    [ANA.email, ANA.id],
  );
  owned = await startOwnedServer(dir, {
    DATABASE_URL: databaseUrl,
    GOOGLE_CLIENT_ID: provider.clientId,
    GOOGLE_CLIENT_SECRET: provider.clientSecret,
    GOOGLE_ISSUER_URL: provider.issuer,
  });
});

afterAll(async () => {
  await owned?.stop();
  await provider?.close();
  await db?.dispose();
  cleanupTemp();
});

describe("sign-in with Google (OpenID Connect)", () => {
  it("signs in an existing user: they land on the page they came from, in their own account, and no user is added", async () => {
    const b = browser();
    const usersBefore = await sql(`SELECT count(*)::int AS n FROM users`);
    const { done } = await signInWithGoogle(
      b,
      { sub: "google-sub-ana", email: "ana@example.com", email_verified: true, name: "Ana G." },
      `${owned.url}/projects?tab=mine`,
    );
    expect(done.status, await done.clone().text()).toBe(302);
    expect(done.headers.get("location")).toBe(`${owned.url}/projects?tab=mine`);
    const { status, body } = await me(b);
    expect(status).toBe(200);
    expect(body.id).toBe(ANA.id);
    expect(await sql(`SELECT count(*)::int AS n FROM users`)).toEqual(usersBefore);
    // Her own data, through her rules.
    const tasks = (await (await b.get(`${owned.url}/api/apps/${appId}/entities/Task`)).json()) as Array<{ title: string }>;
    expect(tasks.map((t) => t.title)).toEqual(["Ana's old task"]);
    expect(await sql(`SELECT provider, subject, user_id FROM ownit_auth.identities`)).toEqual([
      { provider: "google", subject: "google-sub-ana", user_id: ANA.id },
    ]);
  });

  it("counts the provider's verified email as verified: records linked by that email appear, and a password set before anyone proved it stops working", async () => {
    // Someone registered Bo's address ahead of him (unverified, with a password of theirs); Base44's records name him by email only.
    const BO = { id: "65a0000000000000000000b2", email: "bo@example.com" };
    await sql(
      `INSERT INTO users (id, email, full_name, role, is_verified, created_date, updated_date) VALUES ($1, $2, 'Bo', 'user', false, now(), now())`,
      [BO.id, BO.email],
    );
    await sql(
      `INSERT INTO task (id, title, project_id, created_by, created_date, updated_date) VALUES ('65b0000000000000000000b2', 'Bo''s old task', 'p1', $1, now(), now())`,
      [BO.email],
    );
    await owned.services.auth.setPassword(BO.id, "squatter-password");
    const squatter = await fetch(`${owned.url}/api/apps/${appId}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: BO.email, password: "squatter-password" }),
    });
    expect(squatter.status).toBe(200);

    const b = browser();
    const { done } = await signInWithGoogle(b, { sub: "google-sub-bo", email: BO.email, email_verified: true }, "/");
    expect(done.status, await done.clone().text()).toBe(302);
    expect((await me(b)).body).toMatchObject({ id: BO.id, is_verified: true });
    const tasks = (await (await b.get(`${owned.url}/api/apps/${appId}/entities/Task`)).json()) as Array<{ title: string }>;
    expect(tasks.map((t) => t.title)).toEqual(["Bo's old task"]);
    const again = await fetch(`${owned.url}/api/apps/${appId}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: BO.email, password: "squatter-password" }),
    });
    expect(again.status).toBe(401);
    // The session the squatter had is over too.
    const squatterMe = await fetch(`${owned.url}/api/apps/${appId}/entities/User/me`, {
      headers: { cookie: squatter.headers.getSetCookie()[0]!.split(";")[0]! },
    });
    expect(squatterMe.status).toBe(401);
  });

  it("asks the provider with PKCE (S256), a state and a nonce, and the callback URL to register", async () => {
    await signInWithGoogle(browser(), { sub: "google-sub-ana", email: "ana@example.com", email_verified: true }, "/");
    const q = provider.lastAuthorization()!;
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(q.get("state")).toBeTruthy();
    expect(q.get("nonce")).toBeTruthy();
    expect(q.get("redirect_uri")).toBe(`${owned.url}/api/apps/auth/google/callback`);
  });

  it("refuses an email the provider has not verified, and makes no session", async () => {
    const b = browser();
    const { done } = await signInWithGoogle(
      b,
      { sub: "google-sub-mallory", email: "ana@example.com", email_verified: false },
      "/",
    );
    expect(done.status).toBe(403);
    expect(((await done.json()) as { message: string }).message).toContain("did not confirm");
    expect(b.cookie(owned.url, "ownit_session")).toBeUndefined();
    expect(await sql(`SELECT subject FROM ownit_auth.identities WHERE subject = 'google-sub-mallory'`)).toEqual([]);
  });

  it("makes no account for an unknown email while sign-up is closed", async () => {
    const { done } = await signInWithGoogle(
      browser(),
      { sub: "google-sub-stranger", email: "stranger@example.com", email_verified: true },
      "/",
    );
    expect(done.status).toBe(403);
    expect(await sql(`SELECT 1 FROM users WHERE email = 'stranger@example.com'`)).toEqual([]);
  });

  it("with sign-up open, a new verified email gets a new account of its own (an ordinary user, not an admin)", async () => {
    const open = await startOwnedServer(dir, {
      DATABASE_URL: databaseUrl,
      ALLOW_SIGNUP: "true",
      GOOGLE_CLIENT_ID: provider.clientId,
      GOOGLE_CLIENT_SECRET: provider.clientSecret,
      GOOGLE_ISSUER_URL: provider.issuer,
    });
    const served = owned;
    owned = open;
    try {
      const b = browser();
      const { done } = await signInWithGoogle(
        b,
        { sub: "google-sub-newcomer", email: "newcomer@example.com", email_verified: true, name: "New Comer" },
        "/",
      );
      expect(done.status).toBe(302);
      const { body } = await me(b);
      expect(body).toMatchObject({ email: "newcomer@example.com", full_name: "New Comer", role: "user" });
      expect(body.id).not.toBe(ANA.id);
    } finally {
      owned = served;
      await open.stop();
    }
  });

  it("sends a from_url on another site to the app's home page instead (no open redirect)", async () => {
    for (const fromUrl of ["https://evil.example/phish", "//evil.example/x", `${owned.url}//evil.example/x`]) {
      const { done } = await signInWithGoogle(
        browser(),
        { sub: "google-sub-ana", email: "ana@example.com", email_verified: true },
        fromUrl,
      );
      const location = new URL(done.headers.get("location")!);
      expect(location.origin, fromUrl).toBe(owned.url);
    }
  });

  it("refuses a callback that another browser started (login CSRF), and a code replayed", async () => {
    const attacker = browser();
    provider.signInAs({ sub: "google-sub-attacker", email: "ana@example.com", email_verified: true });
    const start = await attacker.get(`${owned.url}/api/apps/auth/login?from_url=/`);
    const consent = await attacker.get(start.headers.get("location")!);
    const victim = browser();
    const forced = await victim.get(consent.headers.get("location")!);
    expect(forced.status).toBe(400);
    expect(victim.cookie(owned.url, "ownit_session")).toBeUndefined();

    const b = browser();
    const { callback, done } = await signInWithGoogle(
      b,
      { sub: "google-sub-ana", email: "ana@example.com", email_verified: true },
      "/",
    );
    expect(done.status).toBe(302);
    const replay = await b.get(callback);
    expect(replay.status).toBe(400);
  });

  it("answers 501 naming the variables for a provider that is not configured", async () => {
    const res = await fetch(`${owned.url}/api/apps/auth/microsoft/login?from_url=/`, { redirect: "manual" });
    expect(res.status).toBe(501);
    expect(((await res.json()) as { message: string }).message).toContain("MICROSOFT_CLIENT_ID");
  });
});
