// Access the generated server enforces beyond whole-record rules: field-level rules (a field hidden
// from, or not writable by, a signed-in user who may see the record), account creation from a
// backend function (admins only), and uploaded pages that must not run as the app.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

/** An entity whose amount only admins read and whose status only admins set, as Base44 writes field rules. */
const INVOICE = {
  name: "Invoice",
  type: "object",
  properties: {
    title: { type: "string" },
    amount: {
      type: "number",
      rls: { read: { user_condition: { role: "admin" } }, write: { user_condition: { role: "admin" } } },
    },
    status: { type: "string", default: "draft", rls: { write: { user_condition: { role: "admin" } } } },
  },
  required: ["title"],
  rls: { create: true, read: true, update: true, delete: { user_condition: { role: "admin" } } },
};

/** A backend function that passes its caller's input on to inviteUser. */
const INVITE_FUNCTION = `import { createClientFromRequest } from 'npm:@base44/sdk@0.8.3';

Deno.serve(async (req) => {
  const base44 = createClientFromRequest(req);
  const { email } = await req.json();
  const user = await base44.users.inviteUser(email, 'admin');
  return Response.json({ invited: user.email });
});
`;

const appId = fixtureAppId();
let dir: string;
let db: TestServer;
let databaseUrl: string;
let owned: OwnedServer;
let createOwnedClient: (config: Record<string, unknown>) => OwnedClient;
let admin: OwnedClient;
let member: OwnedClient;

const sql = (text: string, values: unknown[] = []) => runSql(databaseUrl, text, values);

async function failure(promise: Promise<unknown>): Promise<{ status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { status?: number; message: string };
  }
  throw new Error("expected the call to fail");
}

/** A user in the users table who sets a password through a reset token and signs in. */
async function signedIn(id: string, email: string, role: "admin" | "user"): Promise<OwnedClient> {
  return (await signedInUser(owned, databaseUrl, createOwnedClient, { id, email, role, password: `${role}-password-1` })).client;
}

beforeAll(async () => {
  dir = copyFixture("base44");
  writeFileSync(path.join(dir, "base44", "entities", "Invoice.jsonc"), `${JSON.stringify(INVOICE, null, 2)}\n`);
  mkdirSync(path.join(dir, "base44", "functions", "inviteSomeone"), { recursive: true });
  writeFileSync(path.join(dir, "base44", "functions", "inviteSomeone", "entry.ts"), INVITE_FUNCTION);
  const cli = capturedCli();
  expect(await cli.run("migrate", dir, "--yes"), [...cli.stdout, ...cli.stderr].join("\n")).toBe(0);
  db = await startTestServer();
  databaseUrl = await db.createDatabase("owned_rules");
  await sql(readFileSync(path.join(dir, "server", "schema.sql"), "utf8"));
  owned = await startOwnedServer(dir, { DATABASE_URL: databaseUrl });
  ({ createOwnedClient } = await ownedClientModule(dir));
  admin = await signedIn("65a0000000000000000000a1", "boss@example.com", "admin");
  member = await signedIn("65a0000000000000000000b1", "member@example.com", "user");
});

afterAll(async () => {
  await owned?.stop();
  await db?.dispose();
  cleanupTemp();
});

describe("field-level rules", () => {
  it("a member sees the record but not the field only admins read; the admin sees it", async () => {
    const created = await admin.entities.Invoice!.create!({ title: "March", amount: 1200 });
    expect(created.amount).toBe(1200);
    const seen = await member.entities.Invoice!.get!(created.id);
    expect(seen.title).toBe("March");
    expect("amount" in seen).toBe(false);
    const listed = await member.entities.Invoice!.filter!({ title: "March" });
    expect(listed).toHaveLength(1);
    expect("amount" in listed[0]).toBe(false);
    expect((await admin.entities.Invoice!.get!(created.id)).amount).toBe(1200);
  });

  it("a member may not set a field only admins write, on create or on update, and nothing is stored", async () => {
    expect((await failure(member.entities.Invoice!.create!({ title: "Sneaky", amount: 1 }))).status).toBe(403);
    expect(await sql(`SELECT 1 FROM invoice WHERE title = 'Sneaky'`)).toEqual([]);

    const own = await member.entities.Invoice!.create!({ title: "April" });
    expect((await failure(member.entities.Invoice!.update!(own.id, { status: "paid" }))).status).toBe(403);
    const [row] = await sql(`SELECT status FROM invoice WHERE id = $1`, [own.id]);
    expect(row!.status).toBe("draft");
    await member.entities.Invoice!.update!(own.id, { title: "April (fixed)" });
    await admin.entities.Invoice!.update!(own.id, { status: "paid" });
    expect((await admin.entities.Invoice!.get!(own.id)).status).toBe("paid");
  });
});

describe("accounts made from a backend function", () => {
  it("a member's call that invites an admin is refused and creates nobody; the admin's goes through", async () => {
    expect(
      (await failure(member.functions.invoke("inviteSomeone", { email: "intruder@example.com" }))).status,
    ).toBeGreaterThanOrEqual(400);
    expect(await sql(`SELECT 1 FROM users WHERE email = 'intruder@example.com'`)).toEqual([]);
    const res = await admin.functions.invoke("inviteSomeone", { email: "colleague@example.com" });
    expect(res.data).toEqual({ invited: "colleague@example.com" });
    expect(await sql(`SELECT role FROM users WHERE email = 'colleague@example.com'`)).toEqual([{ role: "admin" }]);
  });
});

describe("uploaded files", () => {
  it("an uploaded HTML page is served sandboxed, so its script cannot act as the app; an image is not", async () => {
    const page = await member.integrations.Core!.UploadFile!({
      file: new File(["<script>fetch('/api/apps')</script>"], "trap.html", { type: "text/html" }),
    });
    const html = await fetch(page.file_url);
    expect(html.headers.get("content-security-policy")).toContain("sandbox");
    expect(html.headers.get("x-content-type-options")).toBe("nosniff");
    const image = await member.integrations.Core!.UploadFile!({
      file: new File([new Uint8Array([137, 80, 78, 71])], "pic.png", { type: "image/png" }),
    });
    const png = await fetch(image.file_url);
    expect(png.headers.get("content-security-policy")).toBeNull();
    expect(png.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
