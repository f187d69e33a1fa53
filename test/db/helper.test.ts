// Lovable Cloud owners have no database password: `ownit helper` writes a one-shot edge function,
// real Deno serves it with the env Supabase gives functions (pointed at a Supabase-shaped
// PostgreSQL and a Storage stand-in), and `ownit dump --via` reads the database through it into
// the same export a direct dump makes, which restore and verify then load with logins intact.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import fg from "fast-glob";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dumpDatabase,
  dumpViaHelper,
  exportHelper,
  helperSecretHash,
  localDatabaseUrl,
  readExport,
  stopLocalDatabase,
  type DumpResult,
  type ExportManifest,
} from "@ownit/db";
import { capturedCli, cleanupTemp, copyFixture, FIXTURES, gitInit, tempDir } from "../helpers/project";
import { DENO_BINARY, startEdgeFunction, type EdgeFunction } from "../helpers/edge-function";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { startStorageApi, type StorageApi } from "../helpers/storage-api";
import {
  PASSWORD_USERS,
  seededId,
  sql,
  startSourceDatabase,
  startStorageStandIn,
  type SourceDatabase,
  type StorageStandIn,
} from "./source";

const ALICE = seededId("user-alice");
const BOB = seededId("user-bob");
const DB_PASSWORD = "db-pass-7Qw9zLx2";
const SERVICE_KEY = "service-role-key-Jk3mN8pR";
const TARGET_KEY = "target-service-role-key-Zp4q";
const LOVABLE_KEY_VALUE = "lovable-ai-key-Vb6tY1uE";
const SUPABASE_TARGET_SQL = path.join(FIXTURES, "db", "supabase-target", "01-fresh-project.sql");
const AVATAR = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(60, 7)]);

let source: SourceDatabase;
let storage: StorageStandIn;
let project: string;
let helperJson: { function: string; path: string; secret: string; expiresAt: string };
let fn: EdgeFunction;
let direct: DumpResult;
const outputs: string[] = [];

function functionEnv(): Record<string, string> {
  return {
    SUPABASE_URL: storage.url.replace(/\/storage\/v1$/, ""),
    SUPABASE_DB_URL: source.url,
    SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY,
    SUPABASE_ANON_KEY: "anon-key",
    LOVABLE_API_KEY: LOVABLE_KEY_VALUE,
  };
}

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const c = capturedCli();
  const code = await c.run(...argv);
  const result = { code, stdout: c.stdout.join("\n"), stderr: c.stderr.join("\n") };
  outputs.push(result.stdout, result.stderr);
  return result;
}

function tableFacts(m: ExportManifest) {
  return m.tables.map((t) => ({ table: `${t.schema}.${t.name}`, rows: t.rowCount, checksum: t.checksum }));
}

/** Export folders and their leftovers (name.partial-*) in a folder. */
function exportsIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith("export")) : [];
}

beforeAll(async () => {
  source = await startSourceDatabase({ password: DB_PASSWORD });
  storage = await startStorageStandIn(SERVICE_KEY, { [`avatars/${ALICE}/me.png`]: AVATAR, [`avatars/${BOB}/me.png`]: AVATAR });
  project = copyFixture("lovable-vite");
  mkdirSync(path.join(project, "supabase/functions/send-receipt"), { recursive: true });
  writeFileSync(
    path.join(project, "supabase/functions/send-receipt/index.ts"),
    'Deno.serve(() => new Response(Deno.env.get("RESEND_API_KEY") ? "ok" : "no key"));\n',
  );
  gitInit(project);
  const written = await cli("helper", project, "--yes", "--json");
  expect(written.code).toBe(0);
  helperJson = JSON.parse(written.stdout);
  fn = await startEdgeFunction(path.join(project, helperJson.path), functionEnv());
  direct = await dumpDatabase({
    from: source.url,
    out: path.join(tempDir(), "direct"),
    storage: { key: SERVICE_KEY, url: storage.url },
  });
}, 120_000);

afterAll(async () => {
  delete process.env.OWNIT_HELPER_SECRET;
  if (project) stopLocalDatabase(project);
  await fn?.stop();
  await storage?.close();
  await source?.server.dispose();
  cleanupTemp();
});

describe("ownit helper: a one-shot export function written as a run", () => {
  it("commits only the secret's hash, an expiry, and turns Supabase's JWT check off for it alone", () => {
    const code = readFileSync(path.join(project, helperJson.path), "utf8");
    expect(helperJson.function).toBe("ownit-export");
    expect(helperJson.path).toBe("supabase/functions/ownit-export/index.ts");
    expect(code).toContain(helperSecretHash(helperJson.secret));
    expect(code).not.toContain(helperJson.secret);
    expect(code).toContain(`const EXPIRES_AT = "${helperJson.expiresAt}"`);
    expect(Date.parse(helperJson.expiresAt)).toBeGreaterThan(Date.now());
    expect(code).not.toMatch(/https:\/\/(esm\.sh|deno\.land|cdn\.)/);
    expect(code).not.toContain("console.");
    expect(readFileSync(path.join(project, "supabase/config.toml"), "utf8")).toContain(
      "[functions.ownit-export]\nverify_jwt = false\n",
    );
    expect(execFileSync("git", ["log", "-1", "--format=%B"], { cwd: project, encoding: "utf8" })).toContain("Ownit-Run:");
  });

  it("type-checks under Deno with no import at all (nothing to fetch from a CDN)", () => {
    const code = readFileSync(path.join(project, helperJson.path), "utf8");
    expect(code).not.toMatch(/^\s*import\s/m);
    execFileSync(DENO_BINARY, ["check", "--quiet", path.join(project, helperJson.path)], {
      env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
      stdio: "pipe",
    });
  });

  it("refuses a project with no Supabase, pointing a Base44 app at its API dump", async () => {
    const dir = copyFixture("base44");
    const run = await cli("helper", dir, "--yes");
    expect(run.code).toBe(1);
    expect(run.stderr.split("\n")[1]).toBe("hint  a Base44 app's data comes out through its API: npx ownit dump base44");
    expect(existsSync(path.join(dir, "supabase"))).toBe(false);
  });

  it("says how Lovable deploys it, and shows the secret once", async () => {
    const dir = copyFixture("lovable-tanstack");
    const shown = await cli("helper", dir, "--yes");
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("push this commit to the GitHub repository Lovable syncs with");
    expect(shown.stdout).toContain("https://qwertyuiopasdfghjklz.supabase.co/functions/v1/ownit-export");
    const secretLine = shown.stdout.split("\n").findIndex((l) => l.startsWith("secret (shown once"));
    const secret = shown.stdout.split("\n")[secretLine + 1]!.trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(path.join(dir, "supabase/functions/ownit-export/index.ts"), "utf8")).toContain(helperSecretHash(secret));
  });
});

describe("migrate tells a Lovable Cloud owner the helper way out", () => {
  it("names Lovable Cloud with its evidence, the helper steps, and warns about Remove Lovable Cloud", async () => {
    const dir = copyFixture("lovable-tanstack");
    const c = capturedCli({ steps: async () => [] });
    expect(await c.run("migrate", dir, "--dry-run")).toBe(0);
    const out = c.stdout.join("\n");
    expect(out).toContain("your data  lives in Lovable Cloud");
    expect(out).toContain(`npx ownit helper ${dir}`);
    expect(out).toContain(
      `OWNIT_HELPER_SECRET=<that secret> npx ownit dump --via https://qwertyuiopasdfghjklz.supabase.co/functions/v1/ownit-export`,
    );
    expect(out).toContain('do not press "Remove Lovable Cloud" before verify passes');
    expect(out).toContain("capped at 5 GB, once every 24 h");
    expect(out).toContain("is from after Lovable Cloud became the default");
    expect(out).not.toContain("dashboard → Connect");
  });

  it("asks one question when the signals disagree, and takes the answer from --data-host", async () => {
    const dir = copyFixture("lovable-vite");
    const asked = await cli("detect", dir);
    expect(asked.stdout).toContain("? Can you open this project's database in your own account at supabase.com/dashboard?");
    const answered = await cli("detect", dir, "--data-host", "own-supabase");
    expect(answered.stdout).toContain("data        your own Supabase project");
    expect(answered.stdout).not.toContain("? Can you open");
  });
});

describe("dump --via: the same export as a direct dump, through the Deno-run helper", () => {
  let via: ExportManifest;
  let out: string;

  beforeAll(async () => {
    process.env.OWNIT_HELPER_SECRET = helperJson.secret;
    out = path.join(project, "ownit-export");
    const run = await cli("dump", "--via", fn.url, "--out", out, "--project", project, "--with-secrets");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("route       direct");
    expect(run.stdout).toContain("now delete the helper");
    via = readExport(out).manifest;
  }, 120_000);

  it("has every table with the same row count and checksum, the same sequences and auth users", () => {
    expect(tableFacts(via)).toEqual(tableFacts(direct.manifest));
    expect(via.sequences).toEqual(direct.manifest.sequences);
    expect(via.tables.find((t) => t.schema === "auth" && t.name === "users")!.rowCount).toBe(303);
    expect(readFileSync(path.join(out, "schema.sql"), "utf8").split("\n").slice(3)).toEqual(
      readFileSync(path.join(direct.dir, "schema.sql"), "utf8").split("\n").slice(3),
    );
    expect(via.source.location).toMatch(/^helper http:\/\/127\.0\.0\.1:\d+\/ → 127\.0\.0\.1:\d+\/supabase_source$/);
  });

  it("takes the Storage files with the key only the helper holds", () => {
    expect(via.storage!.map((s) => [s.file, s.sha256])).toEqual(direct.manifest.storage!.map((s) => [s.file, s.sha256]));
    expect(readFileSync(path.join(out, "storage", "avatars", ALICE, "me.png"))).toEqual(AVATAR);
  });

  it("brings the functions' secrets into a 0600, git-ignored env file, listing found and missing names", () => {
    const file = `${out}.secrets.env`;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toContain(`LOVABLE_API_KEY='${LOVABLE_KEY_VALUE}'`);
    expect(execFileSync("git", ["status", "--porcelain"], { cwd: project, encoding: "utf8" })).toBe("");
    const run = outputs.find((o) => o.includes("secrets     "))!;
    expect(run).toMatch(/found {7}LOVABLE_API_KEY/);
    expect(run).toContain("missing     RESEND_API_KEY (read by the functions, not set in the builder's project)");
    expect(readFileSync(file, "utf8")).toContain("# RESEND_API_KEY: not set in the builder's project");
  });

  it("asks for the secret, unechoed, when OWNIT_HELPER_SECRET is not set and someone is at the terminal", async () => {
    delete process.env.OWNIT_HELPER_SECRET;
    const asked: string[] = [];
    const c = capturedCli({ interactive: true });
    c.ctx.askSecret = async (question) => (asked.push(question), helperJson.secret);
    try {
      expect(await c.run("dump", "--via", fn.url, "--out", path.join(tempDir(), "asked"), "--jobs", "1")).toBe(0);
    } finally {
      process.env.OWNIT_HELPER_SECRET = helperJson.secret;
      outputs.push(c.stdout.join("\n"), c.stderr.join("\n"));
    }
    expect(asked).toEqual(["the helper's secret (shown by `ownit helper`)"]);
  });

  it("through the tunnel too (the database not reachable from here): same checksums", async () => {
    const tunnelled = await dumpViaHelper({
      via: fn.url,
      secret: helperJson.secret,
      route: "tunnel",
      out: path.join(tempDir(), "tunnel"),
      jobs: 2,
    });
    expect(tunnelled.route).toBe("tunnel");
    expect(tableFacts(tunnelled.manifest)).toEqual(tableFacts(direct.manifest));
    expect(tunnelled.manifest.storage!.length).toBe(direct.manifest.storage!.length);
  });

  it("restore --local and verify take it unchanged, and every seeded password still verifies", async () => {
    const restored = await cli("restore", out, "--local", "--project", project, "--prefer", "system");
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    const target = localDatabaseUrl(project)!.url;
    const verified = await cli("verify", out, "--against", target);
    expect(verified.code).toBe(0);
    for (const name of PASSWORD_USERS) {
      const [row] = await sql<{ ok: boolean }>(
        target,
        `select encrypted_password = extensions.crypt('${name}-password-1', encrypted_password) as ok from auth.users where email = '${name}@example.com'`,
      );
      expect(row?.ok).toBe(true);
    }
  });
});

describe("restore into a fresh Supabase project of the owner's own", () => {
  let supabase: TestServer;
  let target: string;
  let api: StorageApi;
  let restored: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    supabase = await startTestServer({ prefer: "system" });
    target = await supabase.createDatabase("fresh_project");
    await sql(target, readFileSync(path.join(SUPABASE_TARGET_SQL), "utf8"));
    api = await startStorageApi(TARGET_KEY, target);
    process.env.OWNIT_TEST_TARGET_KEY = TARGET_KEY;
    restored = await cli(
      "restore",
      path.join(project, "ownit-export"),
      "--to",
      target,
      "--project",
      project,
      "--storage-url",
      api.url,
      "--storage-key-env",
      "OWNIT_TEST_TARGET_KEY",
    );
  }, 120_000);

  afterAll(async () => {
    delete process.env.OWNIT_TEST_TARGET_KEY;
    await api?.close();
    await supabase?.dispose();
  });

  it("loads into Supabase's own auth and storage tables instead of creating them, and verify passes", async () => {
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain("the target is a Supabase project");
    expect(restored.stdout).toContain("2 file(s)");
    const [owner] = await sql<{ owner: string }>(
      target,
      "select tableowner as owner from pg_tables where schemaname = 'auth' and tablename = 'users'",
    );
    expect(owner!.owner).toBe("supabase_auth_admin");
    const verified = await cli("verify", path.join(project, "ownit-export"), "--against", target);
    expect(verified.stdout + verified.stderr).not.toContain("differ");
    expect(verified.code).toBe(0);
  });

  it("keeps logins, the app's trigger on auth.users and its storage policies", async () => {
    for (const name of PASSWORD_USERS) {
      const [row] = await sql<{ ok: boolean }>(
        target,
        `select encrypted_password = extensions.crypt('${name}-password-1', encrypted_password) as ok from auth.users where email = '${name}@example.com'`,
      );
      expect(row?.ok).toBe(true);
    }
    expect(
      await sql(target, "select tgname from pg_trigger where tgrelid = 'auth.users'::regclass and not tgisinternal"),
    ).toEqual([{ tgname: "on_auth_user_created" }]);
    expect(
      (
        await sql<{ n: number }>(
          target,
          "select count(*)::int as n from pg_policies where schemaname = 'storage' and tablename = 'objects'",
        )
      )[0]!.n,
    ).toBe(3);
  });

  it("puts the files in through the target's Storage API, with the source's ids and owners kept", async () => {
    const got = await fetch(`${api.url}/object/avatars/${ALICE}/me.png`, {
      headers: { Authorization: `Bearer ${TARGET_KEY}`, apikey: TARGET_KEY },
    });
    expect(Buffer.from(await got.arrayBuffer())).toEqual(AVATAR);
    const [row] = await sql<{ owner: string; version: string }>(
      target,
      `select owner::text, version from storage.objects where bucket_id = 'avatars' and name = '${ALICE}/me.png'`,
    );
    expect(row!.owner).toBe(ALICE);
    expect(api.blobs.has(`avatars/${ALICE}/me.png/${row!.version}`)).toBe(true);
  });

  it("uploads each file with the source's content type and cache control (max-age seconds), its length up front", () => {
    expect(api.uploads.map((u) => u.object).sort()).toEqual([`avatars/${ALICE}/me.png`, `avatars/${BOB}/me.png`].sort());
    for (const upload of api.uploads)
      expect(upload).toMatchObject({
        contentType: "image/png",
        cacheControl: "max-age=3600",
        contentLength: String(AVATAR.length),
      });
  });

  it("verify still catches a storage row that differs beyond what Storage rewrites", async () => {
    await sql(target, `update storage.objects set owner = null where bucket_id = 'avatars' and name = '${ALICE}/me.png'`);
    try {
      const verified = await cli("verify", path.join(project, "ownit-export"), "--against", target);
      expect(verified.code).toBe(1);
      expect(verified.stdout + verified.stderr).toContain("storage.objects");
    } finally {
      await sql(target, `update storage.objects set owner = '${ALICE}' where bucket_id = 'avatars' and name = '${ALICE}/me.png'`);
    }
  });

  it("rollback of that restore deletes the files it uploaded through the Storage API, drops the app's tables and deletes the rows it put into Supabase's own", async () => {
    // "<bucket>/<name>/<version>" → "<bucket>/<name>": what the restore uploaded (a row without bytes in the export is not).
    const uploaded = [...api.blobs.keys()].map((k) => k.slice(0, k.lastIndexOf("/"))).sort();
    expect(uploaded).toHaveLength(2);
    expect(api.blobs.size).toBe(2);
    const runId = /run {9}(\S+)/.exec(restored.stdout)![1]!;
    await sql(
      target,
      "insert into auth.users (id, email) values ('00000000-0000-4000-8000-000000000001', 'signed-up-later@example.com')",
    );
    const rolledBack = await cli("rollback", project, runId, "--db-url", target);
    expect(rolledBack.stderr).toBe("");
    expect(rolledBack.code).toBe(0);
    expect(await sql(target, "select email from auth.users")).toEqual([{ email: "signed-up-later@example.com" }]);
    expect(
      await sql(
        target,
        "select count(*)::int as n from storage.objects union all select count(*)::int from storage.buckets union all select count(*)::int from auth.identities",
      ),
    ).toEqual([{ n: 0 }, { n: 0 }, { n: 0 }]);
    expect(await sql(target, "select tablename from pg_tables where schemaname = 'public'")).toEqual([]);
    expect(await sql(target, "select tableowner from pg_tables where schemaname = 'auth' and tablename = 'users'")).toEqual([
      { tableowner: "supabase_auth_admin" },
    ]);
    // Exactly the objects the restore uploaded, bytes and rows, through the API that stored them.
    expect([...api.deleted].sort()).toEqual(uploaded);
    expect(api.blobs.size).toBe(0);
  });
});

describe("refusals: one clear line, nothing written", () => {
  const refused = async (env: string | undefined, ...args: string[]) => {
    if (env === undefined) delete process.env.OWNIT_HELPER_SECRET;
    else process.env.OWNIT_HELPER_SECRET = env;
    const dir = tempDir();
    const run = await cli("dump", ...args, "--out", path.join(dir, "export"));
    expect(run.code).toBe(1);
    expect(exportsIn(dir)).toEqual([]);
    return run.stderr.split("\n")[0]!;
  };

  it("a wrong secret", async () => {
    expect(await refused("not-the-secret", "--via", fn.url)).toBe(`error the helper at ${fn.url} refused the secret`);
  });

  it("a missing secret", async () => {
    expect(await refused(undefined, "--via", fn.url)).toBe("error no secret for the helper: OWNIT_HELPER_SECRET is not set");
  });

  it("a GET, and a POST without the secret, get 405 and 401", async () => {
    const get = await fetch(fn.url);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect((await fetch(fn.url, { method: "POST", body: "{}" })).status).toBe(401);
    expect((await fetch(fn.url, { method: "POST", body: "x".repeat(70_000) })).status).toBe(413);
  });

  it("a tunnel opened with a wrong secret is closed before it reaches the database", async () => {
    const ws = new WebSocket(fn.url.replace(/^http/, "ws"));
    const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
    ws.on("open", () => ws.send(JSON.stringify({ secret: "not-the-secret" })));
    expect(await closed).toBe(4401);
  });

  it("an expired helper", async () => {
    const stale = exportHelper({ ttlHours: -1 });
    const file = path.join(tempDir(), "index.ts");
    writeFileSync(file, stale.source);
    const old = await startEdgeFunction(file, functionEnv());
    try {
      expect(await refused(stale.secret, "--via", old.url)).toBe(
        `error the helper at ${old.url} has expired and answers nothing`,
      );
    } finally {
      await old.stop();
    }
  });

  it("the helper killed mid-stream leaves no partial export behind", async () => {
    const killable = await startEdgeFunction(path.join(project, helperJson.path), functionEnv());
    const dir = tempDir();
    let killed = false;
    const attempt = dumpViaHelper({
      via: killable.url,
      secret: helperJson.secret,
      route: "tunnel",
      out: path.join(dir, "export"),
      onProgress: (e) => {
        if (!killed && e.table === "public.activity_log" && (e.rows ?? 0) > 0) {
          killed = true;
          killable.process.kill("SIGKILL");
        }
      },
    });
    await expect(attempt).rejects.toThrow(/nothing was written/);
    expect(killed).toBe(true);
    expect(exportsIn(dir)).toEqual([]);
  });
});

describe("secrets stay secret", () => {
  it("no secret value appears in stdout, stderr, the export or .ownit/", () => {
    const values = [DB_PASSWORD, SERVICE_KEY, LOVABLE_KEY_VALUE, TARGET_KEY, helperJson.secret];
    // The helper's own --json answer is the one place its secret is shown, by design.
    const said = outputs.filter((o) => !o.includes(`"secret":"${helperJson.secret}"`)).join("\n");
    const files = [
      ...fg.sync("**/*", { cwd: path.join(project, "ownit-export"), dot: true, absolute: true }),
      ...fg.sync("**/*", { cwd: path.join(project, ".ownit"), dot: true, absolute: true }),
      ...fg.sync("**/*", { cwd: direct.dir, dot: true, absolute: true }),
    ];
    expect(files.length).toBeGreaterThan(10);
    for (const value of values) {
      expect(said).not.toContain(value);
      for (const file of files) expect(readFileSync(file).includes(value), `${value} in ${file}`).toBe(false);
    }
  });
});

describe("rollback takes the helper out of the repository", () => {
  it("removes the function and restores config.toml byte for byte", async () => {
    const before = readFileSync(path.join(copyFixture("lovable-vite"), "supabase/config.toml"), "utf8");
    const runs = (await cli("runs", project)).stdout.split("\n");
    const helperRun = runs.find((l) => /\bhelper\b/.test(l) && l.includes("export helper ownit-export"))!.split(/\s+/)[0]!;
    const rolledBack = await cli("rollback", project, helperRun);
    expect(rolledBack.stderr).toBe("");
    expect(rolledBack.code).toBe(0);
    expect(existsSync(path.join(project, helperJson.path))).toBe(false);
    expect(readFileSync(path.join(project, "supabase/config.toml"), "utf8")).toBe(before);
  });
});
