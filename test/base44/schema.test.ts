// Entity schemas become tables a real PostgreSQL accepts and enforces, and records become rows that
// read back as the same records: the functions the dump and the generated server share.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addRecordStats,
  emptyTableStats,
  entitySchemaToTable,
  entityTableName,
  entityTableNames,
  inferEntitySchema,
  recordToCopyLine,
  rowToRecord,
  tableDefinitionSql,
  type Base44EntitySchema,
  type EntityTable,
} from "@ownit/db";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { FIXTURES } from "../helpers/project";

let db: TestServer;
beforeAll(async () => {
  db = await startTestServer();
});
afterAll(async () => {
  await db?.dispose();
});

function fixtureSchema(name: string): Base44EntitySchema {
  return parseJsonc(
    readFileSync(path.join(FIXTURES, "base44", "base44", "entities", `${name}.jsonc`), "utf8"),
  ) as Base44EntitySchema;
}

async function withDatabase<T>(name: string, sql: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: await db.createDatabase(name) });
  await client.connect();
  try {
    await client.query(sql);
    return await use(client);
  } finally {
    await client.end();
  }
}

async function rejects(client: pg.Client, sql: string): Promise<string> {
  return client.query(sql).then(
    () => "accepted",
    (e: { code?: string }) => e.code ?? "error",
  );
}

describe("entity names become table names", () => {
  it("User is users, everything else snake_case without plurals", () => {
    expect(entityTableName("User")).toBe("users");
    expect(entityTableName("Project")).toBe("project");
    expect(entityTableName("TeamMember")).toBe("team_member");
    expect(entityTableName("HTTPLog")).toBe("http_log");
    expect(entityTableName("order_item")).toBe("order_item");
    expect(entityTableName("Order2Line")).toBe("order2_line");
  });

  it("two entities that would share a table get distinct names, User keeps users", () => {
    const names = entityTableNames(["Team_Member", "TeamMember", "Users", "User"]);
    expect(names.get("User")).toBe("users");
    expect(names.get("Users")).toBe("users_2");
    expect(new Set(names.values()).size).toBe(4);
    expect(names.get("TeamMember")).toBe("team_member");
    expect(names.get("Team_Member")).toBe("team_member_2");
  });
});

describe("an entity schema as a table PostgreSQL enforces", () => {
  it("Task: typed columns, built-ins, defaults, required fields NOT NULL, an _extra jsonb", async () => {
    const table = entitySchemaToTable(fixtureSchema("Task"));
    expect(table.columns.map((c) => `${c.name}:${c.sqlType}${c.notNull ? "!" : ""}`)).toEqual([
      "id:text!",
      "title:text!",
      "project_id:text!",
      "priority:bigint",
      "done:boolean",
      "due_at:timestamptz",
      "checklist:jsonb",
      "assignee:jsonb",
      "created_date:timestamptz!",
      "updated_date:timestamptz!",
      "created_by:text",
      "created_by_id:text",
      "is_sample:boolean",
      "_extra:jsonb!",
    ]);
    await withDatabase("task_schema", tableDefinitionSql(table), async (client) => {
      await client.query(
        `insert into task (id, title, project_id, created_date, updated_date) values ('a', 't', 'p', now(), now())`,
      );
      const [row] = (await client.query("select priority, done, _extra from task")).rows;
      expect(row).toEqual({ priority: "3", done: false, _extra: {} }); // schema defaults
      expect(
        await rejects(client, `insert into task (id, project_id, created_date, updated_date) values ('b', 'p', now(), now())`),
      ).toBe("23502"); // title required
      expect(
        await rejects(
          client,
          `insert into task (id, title, project_id, created_date, updated_date) values ('a', 't', 'p', now(), now())`,
        ),
      ).toBe("23505"); // id is the key
    });
  });

  it("Project: an enum becomes a CHECK, a date a date column", async () => {
    const table = entitySchemaToTable(fixtureSchema("Project"));
    expect(table.columns.find((c) => c.name === "status")?.enum).toEqual(["planning", "active", "done"]);
    await withDatabase("project_schema", tableDefinitionSql(table), async (client) => {
      expect(
        await rejects(
          client,
          `insert into project (id, name, status, created_date, updated_date) values ('a', 'n', 'archived', now(), now())`,
        ),
      ).toBe("23514");
      expect(
        await rejects(
          client,
          `insert into project (id, name, due_date, created_date, updated_date) values ('a', 'n', '2025-02-30', now(), now())`,
        ),
      ).not.toBe("accepted");
      expect(
        await rejects(
          client,
          `insert into project (id, name, status, due_date, created_date, updated_date) values ('a', 'n', 'done', '2025-02-28', now(), now())`,
        ),
      ).toBe("accepted");
    });
  });

  it("User: a users table with a unique email, a role defaulting to user, and the custom fields of User.jsonc", async () => {
    const table = entitySchemaToTable(fixtureSchema("User"));
    expect(table.name).toBe("users");
    expect(table.users).toBe(true);
    expect(table.columns.map((c) => c.name)).toEqual([
      "id",
      "email",
      "full_name",
      "role",
      "disabled",
      "is_verified",
      "job_title",
      "timezone",
      "created_date",
      "updated_date",
      "_extra",
    ]);
    await withDatabase("user_schema", tableDefinitionSql(table), async (client) => {
      await client.query(`insert into users (id, email, created_date, updated_date) values ('a', 'a@example.com', now(), now())`);
      expect((await client.query("select role, timezone from users")).rows[0]).toEqual({ role: "user", timezone: "UTC" });
      expect(
        await rejects(
          client,
          `insert into users (id, email, created_date, updated_date) values ('b', 'a@example.com', now(), now())`,
        ),
      ).toBe("23505");
    });
  });

  it("with the records known, keeps a constraint only where every record satisfies it, and says why", () => {
    const stats = emptyTableStats();
    const records = [
      {
        id: "1",
        name: "ok",
        status: "active",
        budget: 10,
        created_date: "2025-01-01T00:00:00",
        updated_date: "2025-01-01T00:00:00",
      },
      { id: "2", status: "paused", budget: "n/a", created_date: "2025-01-01T00:00:00", updated_date: "2025-01-01T00:00:00" },
    ];
    const schema = fixtureSchema("Project");
    const enums = new Map([["status", new Set(schema.properties!.status!.enum)]]);
    for (const r of records) addRecordStats(stats, r, enums);
    const table = entitySchemaToTable(schema, { data: stats });
    expect(table.columns.find((c) => c.name === "name")?.notNull).toBe(false);
    expect(table.columns.find((c) => c.name === "status")?.enum).toBeUndefined();
    expect(table.notes).toEqual([
      "Project.name is required by the schema but 1 record(s) lack it (or hold another type): the column allows NULL",
      "1 value(s) of Project.status are outside its enum (planning, active, done): no CHECK constraint",
      '1 value(s) of Project.budget are not numbers; they are kept in _extra under "budget"',
    ]);
  });

  it("without any schema, infers the narrowest type every value fits", () => {
    const stats = emptyTableStats();
    for (const r of [
      {
        id: "1",
        n: 1,
        x: 1.5,
        when: "2025-01-01T10:00:00",
        day: "2025-01-01",
        ok: true,
        tags: ["a"],
        meta: { a: 1 },
        mixed: 1,
        gone: null,
      },
      { id: "2", n: 2, x: 2, when: "2025-01-02T10:00:00Z", day: "2025-01-02", ok: false, tags: [], meta: {}, mixed: "one" },
    ])
      addRecordStats(stats, r);
    expect(inferEntitySchema("Thing", stats).properties).toEqual({
      n: { type: "integer" },
      x: { type: "number" },
      when: { type: "string", format: "date-time" },
      day: { type: "string", format: "date" },
      ok: { type: "boolean" },
      tags: { type: "array" },
      meta: { type: "object" },
      mixed: {},
      gone: {},
    });
  });
});

describe("records as rows and back", () => {
  const awkward = [
    {
      id: "a1",
      title: "tab\there, new\nline, back\\slash, cr\r, \"quotes\" 'single' — 日本語 🚀 e\u0301",
      project_id: "p",
      priority: 5,
      done: true,
      due_at: "2025-03-01T10:00:00",
      checklist: [{ text: "ü", checked: false }],
      assignee: { email: "a@x", name: null, deep: { list: [1, [2, [3]]] } },
      created_date: "2025-01-01T00:00:00.000001",
      updated_date: "2025-01-01T00:00:00.123456",
      created_by: "a@x",
      created_by_id: "u1",
      is_sample: false,
    },
    {
      id: "a2",
      title: "misfits",
      project_id: "p",
      priority: "high",
      done: null,
      due_at: "next week",
      checklist: "buy paint",
      created_date: "2025-01-01T00:00:00",
      updated_date: "2025-01-01T00:00:00",
      undeclared: { keep: ["me", null] },
      also: null,
    },
    {
      id: "a3",
      title: "zones",
      project_id: "p",
      due_at: "2025-03-01T10:00:00+02:00",
      created_date: "2025-01-01T00:00:00Z",
      updated_date: "2025-01-01T00:00:00Z",
    },
  ];

  it("COPY into PostgreSQL and read back: every value as it was (misfits and undeclared fields through _extra)", async () => {
    const table: EntityTable = entitySchemaToTable(fixtureSchema("Task"));
    const back = await withDatabase("rows", tableDefinitionSql(table), async (client) => {
      const copy = client.query(copyFrom(`COPY task (${table.columns.map((c) => `"${c.name}"`).join(", ")}) FROM STDIN`));
      for (const r of awkward) copy.write(recordToCopyLine(table, r).line);
      await new Promise<void>((resolve, reject) => copy.end(() => resolve()).on("error", reject));
      const client2 = new pg.Client({
        connectionString: db.url("rows"),
        types: {
          getTypeParser: (oid: number, f?: "text" | "binary") =>
            oid === 1184 ? (v: string) => v : pg.types.getTypeParser(oid, f),
        } as pg.CustomTypesConfig,
      });
      await client2.connect();
      await client2.query("set timezone = 'UTC'");
      const rows = (await client2.query("select * from task order by id")).rows;
      await client2.end();
      return rows.map((row) => rowToRecord(table, row));
    });
    expect(back[0]).toEqual({ ...awkward[0], due_at: "2025-03-01T10:00:00.000000" });
    expect(back[1]).toEqual({
      ...awkward[1],
      assignee: null,
      created_by: null,
      created_by_id: null,
      is_sample: null,
      created_date: "2025-01-01T00:00:00.000000",
      updated_date: "2025-01-01T00:00:00.000000",
    });
    expect(back[2]!.due_at).toBe("2025-03-01T08:00:00.000000"); // +02:00 is the same instant in UTC
  });

  it("NUL characters, which PostgreSQL text cannot hold, become U+FFFD and are reported", () => {
    const table = entitySchemaToTable(fixtureSchema("Comment"));
    const row = recordToCopyLine(table, {
      id: "n",
      task_id: "t",
      body: "a\u0000b",
      created_date: "2025-01-01T00:00:00",
      updated_date: "2025-01-01T00:00:00",
      meta: { "k\u0000": "v" },
    });
    expect(row.nul).toBe(true);
    expect(row.line).toContain("a\uFFFDb");
    expect(row.line).not.toContain("\u0000");
  });
});
