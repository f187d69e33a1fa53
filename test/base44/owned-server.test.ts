// The generated server on a fresh database (the tables `npm run db:setup` creates from
// server/schema.sql): people moved from Base44 set a password before they can sign in, sessions
// end on logout, files upload to disk and come back, backend functions answer through
// functions.invoke, and what is not configured fails naming what to configure.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signS3Put, sigV4SigningKey } from "../../transforms/base44-owned-backend/template/server/storage";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { cleanupTemp } from "../helpers/project";
import {
  fixtureAppId,
  migratedFixture,
  ownedClientModule,
  startOwnedServer,
  type OwnedClient,
  type OwnedServer,
  runSql,
} from "./owned-app";
import { startLlmStandin, startSmtpStandin } from "./owned-standins";

let dir: string;
let db: TestServer;
let owned: OwnedServer;
let databaseUrl: string;
let createOwnedClient: (config: Record<string, unknown>) => OwnedClient;
const appId = fixtureAppId();

async function failure(promise: Promise<unknown>): Promise<{ status?: number; message: string; code?: string; data?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { status?: number; message: string };
  }
  throw new Error("expected the call to fail");
}

const sql = (text: string, values: unknown[] = []) => runSql(databaseUrl, text, values);

beforeAll(async () => {
  ({ dir } = await migratedFixture());
  db = await startTestServer();
  databaseUrl = await db.createDatabase("owned_fresh");
  // What `npm run db:setup` runs.
  await sql(readFileSync(path.join(dir, "server", "schema.sql"), "utf8"));
  // A user moved from Base44: a User record, no password.
  await sql(
    `INSERT INTO users (id, email, full_name, role, created_date, updated_date) VALUES ('65a000000000000000000001', 'mover@example.com', 'Mo Ver', 'user', now(), now())`,
  );
  owned = await startOwnedServer(dir, { DATABASE_URL: databaseUrl });
  ({ createOwnedClient } = await ownedClientModule(dir));
});

afterAll(async () => {
  await owned?.stop();
  await db?.dispose();
  cleanupTemp();
});

describe("signing in after the move", () => {
  it("a moved user has no password until they set one through a reset link", async () => {
    const client = createOwnedClient({ appId, serverUrl: owned.url });
    const first = await failure(client.auth.loginViaEmailPassword("mover@example.com", "anything-at-all"));
    expect(first.status).toBe(401);
    // The same answer as a wrong password, so nobody learns which accounts exist; it says how to set one.
    expect(first.code).toBe("invalid_credentials");
    expect(first.message).toContain("forgot password");

    const token = await (
      owned.services.auth as unknown as { createResetToken(id: string, hours: number): Promise<string> }
    ).createResetToken("65a000000000000000000001", 1);
    await client.auth.resetPassword({ resetToken: token, newPassword: "a-new-password" });
    expect((await failure(client.auth.resetPassword({ resetToken: token, newPassword: "again-and-again" }))).status).toBe(400);

    const fresh = createOwnedClient({ appId, serverUrl: owned.url });
    const { user } = await fresh.auth.loginViaEmailPassword("mover@example.com", "a-new-password");
    expect(user.email).toBe("mover@example.com");
    expect((await fresh.auth.me()).full_name).toBe("Mo Ver");
    expect((await failure(fresh.auth.loginViaEmailPassword("mover@example.com", "wrong-password"))).status).toBe(401);
  });

  it("the password is stored as a bcrypt hash, never as given", async () => {
    const [row] = await sql(`SELECT password_hash FROM ownit_auth.passwords WHERE user_id = '65a000000000000000000001'`);
    expect(String(row!.password_hash)).toMatch(/^\$2[aby]\$12\$/);
    expect(String(row!.password_hash)).not.toContain("a-new-password");
  });

  it("logout ends the session on the server", async () => {
    const client = createOwnedClient({ appId, serverUrl: owned.url });
    await client.auth.loginViaEmailPassword("mover@example.com", "a-new-password");
    expect(await client.auth.isAuthenticated()).toBe(true);
    const { access_token } = await createOwnedClient({ appId, serverUrl: owned.url }).auth.loginViaEmailPassword(
      "mover@example.com",
      "a-new-password",
    );
    const stolen = createOwnedClient({ appId, serverUrl: owned.url, token: access_token });
    await stolen.auth.logout();
    expect(await createOwnedClient({ appId, serverUrl: owned.url, token: access_token }).auth.isAuthenticated()).toBe(false);
    expect(await client.auth.isAuthenticated()).toBe(true);
  });

  it("sign-up is closed unless ALLOW_SIGNUP is set", async () => {
    const error = await failure(
      createOwnedClient({ appId, serverUrl: owned.url }).auth.register({ email: "new@example.com", password: "long-enough-1" }),
    );
    expect(error.status).toBe(403);
    expect(error.message).toContain("ALLOW_SIGNUP");
  });

  it("the sign-in page the app's redirectToLogin lands on is served", async () => {
    const res = await fetch(`${owned.url}/api/login?from_url=%2Fprojects`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`/api/apps/${appId}/auth`);
  });
});

describe("when the database drops the server's connections", () => {
  it("keeps serving: the pool reconnects instead of the process crashing on an idle connection's error", async () => {
    const client = createOwnedClient({ appId, serverUrl: owned.url });
    // An unknown address still reads the users table: a query through the pool.
    expect((await failure(client.auth.loginViaEmailPassword("nobody-1@example.com", "wrong"))).code).toBe("invalid_credentials");
    const dropped = await sql(
      "SELECT pg_terminate_backend(pid) AS dropped FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    expect(dropped.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await failure(client.auth.loginViaEmailPassword("nobody-2@example.com", "wrong"))).code).toBe("invalid_credentials");
  });
});

describe("the rest of the surface", () => {
  let me: OwnedClient;
  beforeAll(async () => {
    me = createOwnedClient({ appId, serverUrl: owned.url });
    await me.auth.loginViaEmailPassword("mover@example.com", "a-new-password");
  });

  it("UploadFile stores the file and its file_url serves the same bytes", async () => {
    const bytes = new TextEncoder().encode("cover image bytes ✓");
    const { file_url } = await me.integrations.Core!.UploadFile!({
      file: new File([bytes], "cöver photo.png", { type: "image/png" }),
    });
    expect(file_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/files\/\d{4}\/\d{2}\/[0-9a-f]{8}_c/);
    const res = await fetch(file_url);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });

  it("functions.invoke reaches the converted backend function, which reports the integration it lacks", async () => {
    const project = await me.entities.Project!.create!({ name: "Fence" });
    await me.entities.Task!.create!({ title: "Paint the fence", project_id: project.id });
    const error = (await failure(me.functions.invoke("weeklyDigest", {}))) as {
      status?: number;
      response?: { data?: { error?: string } };
    };
    // It read the tasks as the service role, then asked for SendEmail, which needs SMTP_URL here.
    expect(error.status).toBe(500);
    expect(error.response?.data?.error).toContain("SendEmail");
    expect(error.response?.data?.error).toContain("SMTP_URL");
    expect((await failure(me.functions.invoke("noSuchFunction", {}))).status).toBe(404);
  });

  it("anonymous calls get 401: the app is private unless PUBLIC_APP says otherwise", async () => {
    const anonymous = createOwnedClient({ appId, serverUrl: owned.url });
    expect((await failure(anonymous.auth.me())).status).toBe(401);
    expect((await failure(anonymous.entities.Task!.list!())).status).toBe(401);
  });

  it("GET /api/health answers 200 while the database is up", async () => {
    const res = await fetch(`${owned.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});

describe("integrations, once their services are configured", () => {
  let smtp: Awaited<ReturnType<typeof startSmtpStandin>>;
  let llm: Awaited<ReturnType<typeof startLlmStandin>>;
  let configured: OwnedServer;
  let me: OwnedClient;
  beforeAll(async () => {
    smtp = await startSmtpStandin();
    llm = await startLlmStandin();
    configured = await startOwnedServer(dir, {
      DATABASE_URL: databaseUrl,
      SMTP_URL: smtp.url,
      MAIL_FROM: "orders@bakery.test",
      APP_URL: "https://bakery.test",
      LLM_BASE_URL: llm.url,
      LLM_API_KEY: "sk-test-local",
      LLM_MODEL: "small-model",
    });
    me = createOwnedClient({ appId, serverUrl: configured.url });
    await me.auth.loginViaEmailPassword("mover@example.com", "a-new-password");
  });
  afterAll(async () => {
    await configured?.stop();
    await smtp?.stop();
    await llm?.stop();
  });

  it("InvokeLLM asks the OpenAI-compatible endpoint and returns the parsed JSON the schema asked for", async () => {
    const schema = { type: "object", properties: { tasks: { type: "array", items: { type: "string" } } } };
    const answer = await me.integrations.Core!.InvokeLLM!({ prompt: "Suggest tasks for painting", response_json_schema: schema });
    expect(answer).toEqual({ tasks: ["Buy primer", "Sand"] });
    expect(await me.integrations.Core!.InvokeLLM!({ prompt: "Say something" })).toBe("Three ideas.");
    expect(llm.requests[0]!.auth).toBe("Bearer sk-test-local");
    expect(llm.requests[0]!.body).toMatchObject({
      model: "small-model",
      messages: [{ role: "user", content: "Suggest tasks for painting" }],
      response_format: { type: "json_schema", json_schema: { schema } },
    });
  });

  it("SendEmail goes out over SMTP to a user of the app", async () => {
    const sent = await me.integrations.Core!.SendEmail!({
      to: "Mover@Example.com",
      subject: "Your cake is ready",
      body: "<p>Come by after 3pm.</p>",
    });
    expect(sent.success).toBe(true);
    const message = smtp.messages.at(-1)!;
    expect(message).toContain("To: mover@example.com");
    expect(message).toContain("Subject: Your cake is ready");
    expect(message).toContain("Come by after 3pm.");
  });

  it("the converted weeklyDigest function runs to the end: reads tasks as the service role and mails the digest", async () => {
    const before = smtp.messages.length;
    const res = await me.functions.invoke("weeklyDigest", {});
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ sent: true, count: 1 });
    expect(smtp.messages.length).toBe(before + 1);
    expect(smtp.messages.at(-1)).toContain("Paint the fence");
  });

  it("forgot password mails a one-time link on APP_URL that sets the password", async () => {
    const stranger = createOwnedClient({ appId, serverUrl: configured.url });
    const before = smtp.messages.length;
    await stranger.auth.resetPasswordRequest("mover@example.com");
    // The mail goes out after the answer (so the answer takes as long for unknown addresses).
    for (let i = 0; i < 100 && smtp.messages.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    const mail = smtp.messages
      .at(-1)!
      .replace(/=\r?\n/g, "")
      .replace(/=3D/g, "=");
    const link = /https:\/\/bakery\.test\/api\/reset-password\?token=([\w-]+)/.exec(mail);
    expect(link, mail).not.toBeNull();
    await stranger.auth.resetPassword({ resetToken: link![1], newPassword: "baked-fresh-today" });
    await stranger.auth.loginViaEmailPassword("mover@example.com", "baked-fresh-today");
    expect((await stranger.auth.me()).email).toBe("mover@example.com");
    // Without APP_URL the server will not build an emailed link from a request's (forgeable) Host.
    const unconfigured = await failure(
      createOwnedClient({ appId, serverUrl: owned.url }).auth.resetPasswordRequest("mover@example.com"),
    );
    expect(unconfigured.status).toBe(501);
    expect(unconfigured.message).toContain("APP_URL");
  });
});

describe("S3-compatible storage", () => {
  it("derives the AWS documentation's Signature Version 4 signing key", () => {
    // docs.aws.amazon.com, "Examples of how to derive a signing key for Signature Version 4".
    const key = sigV4SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
    expect(key.toString("hex")).toBe("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  });

  it("signs a path-style PUT that names its bucket, key, payload hash and signed headers", () => {
    const body = new TextEncoder().encode("hello");
    const { url, headers } = signS3Put({
      endpoint: "https://s3.example.com",
      region: "eu-west-1",
      bucket: "app-files",
      key: "2025/06/ab_c.png",
      accessKeyId: "AKID",
      secretAccessKey: "secret",
      body,
      contentType: "image/png",
      now: new Date("2025-06-01T12:00:00Z"),
    });
    expect(url).toBe("https://s3.example.com/app-files/2025/06/ab_c.png");
    expect(headers["x-amz-date"]).toBe("20250601T120000Z");
    expect(headers["x-amz-content-sha256"]).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/20250601\/eu-west-1\/s3\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });
});
