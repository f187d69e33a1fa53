// `ownit dump base44` as an owner leaving Base44 meets it: every record of the app comes out
// of Base44's API (rate limited and flaky as it may be), lands in a real PostgreSQL through the
// same restore and verify as a Supabase dump, and reads back exactly as Base44 served it.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OwnitError } from "@ownit/core";
import {
  dumpBase44,
  isStorableDateTime,
  readBase44Entities,
  readExport,
  restoreExport,
  rewriteBase44FileUrls,
  rowToRecord,
  verifyExport,
  type Base44DumpResult,
  type Base44EntitiesFile,
  type EntityTable,
} from "@ownit/db";
import { startBase44Standin, type Base44Standin } from "../helpers/base44-api";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { cleanupTemp, copyFixture, tempDir } from "../helpers/project";

let api: Base44Standin;
let db: TestServer;
let dump: Base44DumpResult;
let exportDir: string;
let targetUrl: string;

/** Instants compared to the microsecond (a date-time without a zone is UTC, as Base44 means it). */
function instantKey(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2}))?(?:\.(\d{1,6}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(value)!;
  const zone =
    !m[5] || /^z$/i.test(m[5])
      ? "Z"
      : m[5].length === 3
        ? `${m[5]}:00`
        : m[5].includes(":")
          ? m[5]
          : `${m[5].slice(0, 3)}:${m[5].slice(3)}`;
  const ms = Date.parse(`${m[1]}T${m[2]}:${m[3] ?? "00"}${zone}`);
  return `${ms}.${(m[4] ?? "").padEnd(6, "0")}`;
}

/** A record as the comparison sees it: every column's field present (absent = null), date-times as instants. */
function canonical(
  record: Record<string, unknown>,
  table: EntityTable | Base44EntitiesFile["entities"][string],
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record };
  for (const c of table.columns) {
    if (!c.field) continue;
    if (!(c.field in out)) out[c.field] = null;
    const v = out[c.field];
    if (c.kind === "timestamptz" && typeof v === "string" && isStorableDateTime(v)) out[c.field] = instantKey(v);
  }
  return out;
}

/** Rows of a restored table, read as text where pg would round (timestamps to milliseconds). */
async function readTable(url: string, table: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({
    connectionString: url,
    types: {
      getTypeParser: (oid: number, format?: "text" | "binary") =>
        oid === 1184 || oid === 1082 ? (v: string) => v : pg.types.getTypeParser(oid, format),
    } as pg.CustomTypesConfig,
  });
  await client.connect();
  try {
    await client.query("SET TimeZone = 'UTC'");
    return (await client.query(`SELECT * FROM public."${table}"`)).rows;
  } finally {
    await client.end();
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

beforeAll(async () => {
  // Base44 allows ~100 requests a minute; here 3 a second (so any machine meets the limit), and every 7th request fails.
  api = await startBase44Standin({ rateLimit: { requests: 3, windowMs: 1000 }, failures: { every: 7, status: 503 } });
  db = await startTestServer();
  exportDir = path.join(tempDir(), "crew-planner-export");
  dump = await dumpBase44({
    appId: api.appId,
    token: api.apiKey,
    serverUrl: api.url,
    outDir: exportDir,
    projectDir: copyFixture("base44"),
    files: true,
    pageSize: 1000,
    retry: { baseDelayMs: 5 },
  });
  targetUrl = await db.createDatabase("owned");
  await restoreExport(exportDir, targetUrl);
});

afterAll(async () => {
  await api?.stop();
  await db?.dispose();
  cleanupTemp();
});

describe("dump → restore → verify of a Base44 app", () => {
  it("ran into Base44's rate limit and transient failures, and waited them out", () => {
    const statuses = api.requests.map((r) => r.status);
    expect(statuses).toContain(429);
    expect(statuses).toContain(503);
  });

  it("writes the portable export: manifest of kind base44, schema, post-data, COPY files, findings, restore.sql, entities.json", () => {
    for (const f of [
      "manifest.json",
      "schema.sql",
      "post-data.sql",
      "findings.json",
      "restore.sql",
      "entities.json",
      ".gitignore",
    ])
      expect(existsSync(path.join(exportDir, f)), f).toBe(true);
    const { manifest } = readExport(exportDir);
    expect(manifest.source).toMatchObject({ kind: "base44", appId: api.appId });
    expect(manifest.tables.map((t) => `${t.schema}.${t.name}`).sort()).toEqual([
      "ownit.base44_files",
      "public.comment",
      "public.project",
      "public.task",
      "public.users",
    ]);
    for (const t of manifest.tables) {
      expect(t.checksum).toMatch(/^xxh128:[a-f0-9]{32}$/);
      expect(t.file).toBe(`data/${t.schema}.${t.name}.copy`);
    }
    expect(readdirSync(path.dirname(exportDir)).filter((f) => f.includes(".partial-"))).toEqual([]);
  });

  it("counts every record of every entity, more than 5,000 in one", () => {
    const { manifest } = readExport(exportDir);
    const rows = Object.fromEntries(manifest.tables.map((t) => [t.name, t.rowCount]));
    expect(rows).toMatchObject({
      users: api.records("User").length,
      project: api.records("Project").length,
      task: api.records("Task").length,
      comment: api.records("Comment").length,
    });
    expect(rows.task).toBeGreaterThan(5000);
  });

  it("restore.sql loads the export with psql alone, and verify passes on that too", async () => {
    const viaPsql = await db.createDatabase("via_psql");
    execFileSync("psql", [viaPsql, "-q", "-v", "ON_ERROR_STOP=1", "-f", "restore.sql"], { cwd: exportDir, stdio: "pipe" });
    expect((await verifyExport(exportDir, viaPsql)).differences).toEqual([]);
  });

  it("ownit verify passes on the restored database", async () => {
    const report = await verifyExport(exportDir, targetUrl);
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
  });

  for (const [entity, table] of [
    ["User", "users"],
    ["Project", "project"],
    ["Task", "task"],
    ["Comment", "comment"],
  ] as const) {
    it(`every ${entity} record reads back as Base44 served it (unicode, nulls, nested objects, arrays, dates)`, async () => {
      const entry = dump.entities.entities[entity]!;
      const tableDef = {
        ...entry,
        entity,
        schema: "public",
        name: table,
        primaryKey: ["id"],
        users: entity === "User",
        notes: [],
      } as unknown as EntityTable;
      const restored = new Map(
        (await readTable(targetUrl, table)).map((row) => {
          const r = rowToRecord(tableDef, row);
          return [r.id as string, r];
        }),
      );
      const original = api.records(entity);
      expect(restored.size).toBe(original.length);
      for (const record of original) {
        expect(canonical(restored.get(record.id as string)!, entry), `${entity} ${record.id}`).toEqual(canonical(record, entry));
      }
    });
  }

  it("keeps what the schema does not declare, and values of the wrong type, in _extra", async () => {
    const rows = await db.query<{ id: string; priority: string | null; _extra: Record<string, unknown> }>(
      "select id, priority, _extra from task",
      [],
      "owned",
    );
    const tasks = api.records("Task");
    const high = tasks.find((t) => t.priority === "high")!;
    const row = rows.find((r) => r.id === high.id)!;
    expect(row.priority).toBeNull();
    expect(row._extra.priority).toBe("high");
    const estimated = tasks.find((t) => "estimate_hours" in t)!;
    expect(rows.find((r) => r.id === estimated.id)!._extra.estimate_hours).toBe(estimated.estimate_hours);
    const findings = dump.findings.map((f) => f.message).join("\n");
    expect(findings).toMatch(/value\(s\) of Task\.priority are not integers; they are kept in _extra/);
  });

  it("types columns from the entity schemas, with constraints only where every record allows them", async () => {
    const columns = await db.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
      "select table_name, column_name, data_type, is_nullable from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position",
      [],
      "owned",
    );
    const type = (t: string, c: string) => columns.find((x) => x.table_name === t && x.column_name === c);
    expect(type("task", "id")).toMatchObject({ data_type: "text", is_nullable: "NO" });
    expect(type("task", "priority")?.data_type).toBe("bigint");
    expect(type("task", "due_at")?.data_type).toBe("timestamp with time zone");
    expect(type("task", "checklist")?.data_type).toBe("jsonb");
    expect(type("task", "title")?.is_nullable).toBe("NO"); // required and always there
    expect(type("project", "name")?.is_nullable).toBe("YES"); // required, but one record lacks it
    expect(type("project", "due_date")?.data_type).toBe("date");
    expect(type("project", "budget")?.data_type).toBe("double precision");
    expect(type("users", "email")).toMatchObject({ data_type: "text", is_nullable: "NO" });
    const unique = await db.query(
      "select 1 from pg_indexes where tablename = 'users' and indexdef like '%UNIQUE%(email)%'",
      [],
      "owned",
    );
    expect(unique.length).toBe(1);
    // status has an enum but one project says "on-hold": no CHECK, and a finding says why.
    expect(dump.findings.some((f) => f.message.includes("Project.status are outside its enum"))).toBe(true);
  });

  it("keeps each entity's access rules in entities.json for the generated server", () => {
    const entities = readBase44Entities(exportDir);
    expect(entities.entities.Task!.rls).toEqual({
      create: true,
      read: { created_by: "{{user.email}}" },
      update: { created_by: "{{user.email}}" },
      delete: { created_by: "{{user.email}}" },
    });
    expect(entities.entities.Project!.rls?.delete).toEqual({ user_condition: { role: "admin" } });
    expect(entities.entities.Task!.table).toBe("task");
    expect(entities.entities.Task!.schemaSource).toBe("api");
  });

  it("tells the owner that users must sign in again through a reset link", () => {
    const f = dump.findings.find((x) => x.code === "base44-users-reset-password")!;
    expect(f.severity).toBe("high");
    expect(f.message).toContain(`${api.records("User").length} users`);
    expect(f.hint).toMatch(/reset/);
  });

  it("downloads the uploaded files (without sending the token to the file host) and rewrites their URLs on request", async () => {
    const { manifest } = readExport(exportDir);
    expect(manifest.storage?.length).toBe(api.files.size);
    for (const entry of manifest.storage!) {
      const body = readFileSync(path.join(exportDir, entry.file));
      expect(createHash("sha256").update(body).digest("hex")).toBe(entry.sha256);
    }
    const downloads = api.requests.filter((r) => !r.path.startsWith("/api/") && r.status === 200);
    expect(downloads.length).toBeGreaterThanOrEqual(api.files.size);
    expect(downloads.every((r) => !r.credentials)).toBe(true);

    const scratch = await db.createDatabase("rewritten");
    await restoreExport(exportDir, scratch);
    expect(await rewriteBase44FileUrls(scratch, "https://files.example.com/uploads")).toBeGreaterThan(0);
    const covers = await db.query<{ cover_url: string | null }>(
      "select cover_url from project where cover_url is not null",
      [],
      "rewritten",
    );
    expect(covers.length).toBeGreaterThan(0);
    for (const { cover_url } of covers) {
      expect(cover_url).toMatch(/^https:\/\/files\.example\.com\/uploads\//);
      const rel = decodeURIComponent(cover_url!.replace("https://files.example.com/uploads/", ""));
      expect(existsSync(path.join(exportDir, "storage", "base44", rel)), rel).toBe(true);
    }
    const leftover = await db.query("select 1 from comment where attachment_url like $1", [`${api.url}%`], "rewritten");
    expect(leftover).toEqual([]);
  });

  it("never writes the token anywhere: not in the manifest, findings, schema, data or files", () => {
    for (const file of filesUnder(exportDir)) expect(readFileSync(file).includes(api.apiKey), file).toBe(false);
  });
});

describe("when the dump cannot go on", () => {
  it("a token Base44 refuses is one line naming the fix, and nothing is left behind", async () => {
    const out = path.join(tempDir(), "refused");
    const wrong = "0123456789abcdef0123456789abcdef";
    const error = await dumpBase44({
      appId: api.appId,
      token: wrong,
      serverUrl: api.url,
      outDir: out,
      retry: { baseDelayMs: 5 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OwnitError);
    const e = error as OwnitError;
    expect(e.code).toBe("base44-auth");
    expect(e.message).toBe(
      `Base44 refused the API key (sent as the api_key header) for app ${api.appId} on ${new URL(api.url).host} (HTTP 401)`,
    );
    expect(e.hint).toMatch(/API Key.*--token-env/);
    expect(`${e.message} ${e.hint}`).not.toContain(wrong);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(path.dirname(out)).filter((f) => f.includes("partial"))).toEqual([]);
  });

  it("an entity named with --entities that the API does not know is an error naming it", async () => {
    const out = path.join(tempDir(), "unknown");
    const error = (await dumpBase44({
      appId: api.appId,
      token: api.apiKey,
      serverUrl: api.url,
      outDir: out,
      entities: ["Invoice"],
      retry: { baseDelayMs: 5 },
    }).catch((e: unknown) => e)) as OwnitError;
    expect(error).toBeInstanceOf(OwnitError);
    expect(error.code).toBe("base44-unknown-entity");
    expect(error.message).toContain('"Invoice"');
    expect(existsSync(out)).toBe(false);
  });

  it("an entity only the code names, unknown to the API, is a finding and the rest is exported", async () => {
    const project = copyFixture("base44");
    writeFileSync(
      path.join(project, "src", "pages", "Invoices.jsx"),
      `import { base44 } from "@/api/base44Client";\nexport default function Invoices() {\n  base44.entities.Invoice.list();\n  return null;\n}\n`,
    );
    const quiet = await startBase44Standin({ taskCount: 10 });
    try {
      const result = await dumpBase44({
        appId: quiet.appId,
        token: quiet.apiKey,
        serverUrl: quiet.url,
        outDir: path.join(tempDir(), "partial-code"),
        projectDir: project,
      });
      const f = result.findings.find((x) => x.code === "base44-unknown-entity")!;
      expect(f.message).toContain("Invoice");
      expect(f.file).toBe("src/pages/Invoices.jsx");
      expect(result.manifest.tables.map((t) => t.name)).not.toContain("invoice");
      expect(result.manifest.tables.find((t) => t.name === "task")!.rowCount).toBe(10);
    } finally {
      await quiet.stop();
    }
  });
});

describe("Base44 servers and apps of other shapes", () => {
  it("without cursor pages or the schema list: skip/limit paging and schemas from the files, the same rows", async () => {
    const old = await startBase44Standin({ cursorPages: false, schemasEndpoint: false, taskCount: 2500 });
    try {
      const out = path.join(tempDir(), "old-server");
      const result = await dumpBase44({
        appId: old.appId,
        token: old.apiKey,
        serverUrl: old.url,
        outDir: out,
        projectDir: copyFixture("base44"),
        pageSize: 1000,
      });
      expect(old.requests.filter((r) => r.path.endsWith("/v2/list")).every((r) => r.status === 404)).toBe(true);
      expect(old.requests.some((r) => /\/entities\/Task$/.test(r.path) && r.status === 200)).toBe(true);
      expect(result.manifest.tables.find((t) => t.name === "task")!.rowCount).toBe(2500);
      expect(result.entities.entities.Task!.schemaSource).toBe("file");
    } finally {
      await old.stop();
    }
  });

  it("an entity with no schema anywhere gets column types inferred from its records, and says so", async () => {
    const project = copyFixture("base44");
    unlinkSync(path.join(project, "base44", "entities", "Comment.jsonc"));
    const bare = await startBase44Standin({ schemasEndpoint: false, taskCount: 10 });
    try {
      const result = await dumpBase44({
        appId: bare.appId,
        token: bare.apiKey,
        serverUrl: bare.url,
        outDir: path.join(tempDir(), "inferred"),
        projectDir: project,
      });
      expect(result.findings.some((f) => f.code === "base44-schema-inferred" && f.message.includes("Comment"))).toBe(true);
      const comment = result.entities.entities.Comment!;
      expect(comment.schemaSource).toBe("inferred");
      expect(comment.columns.find((c) => c.name === "body")?.type).toBe("text");
      expect(comment.rls).toBeNull();
      const check = await db.createDatabase("inferred");
      await restoreExport(result.dir, check);
      expect((await verifyExport(result.dir, check)).ok).toBe(true);
    } finally {
      await bare.stop();
    }
  });

  it("when the API will not list the users, the users table is still created (empty) and the owner is told", async () => {
    const hidden = await startBase44Standin({ hideUsers: true, taskCount: 10 });
    try {
      const result = await dumpBase44({
        appId: hidden.appId,
        token: hidden.apiKey,
        serverUrl: hidden.url,
        outDir: path.join(tempDir(), "no-users"),
        entities: ["Task"],
      });
      expect(result.manifest.tables.find((t) => t.name === "users")!.rowCount).toBe(0);
      expect(result.findings[0]).toMatchObject({ code: "base44-users-unreadable", severity: "high" });
    } finally {
      await hidden.stop();
    }
  });

  it("--data-env dev dumps the app's test data", async () => {
    const result = await dumpBase44({
      appId: api.appId,
      token: api.apiKey,
      serverUrl: api.url,
      outDir: path.join(tempDir(), "dev"),
      entities: ["Project"],
      dataEnv: "dev",
      retry: { baseDelayMs: 5 },
    });
    expect(result.manifest.tables.find((t) => t.name === "project")!.rowCount).toBe(api.records("Project", "dev").length);
    expect(result.entities.dataEnv).toBe("dev");
  });
});

afterAll(() => {
  rmSync(exportDir ?? "", { recursive: true, force: true });
});
