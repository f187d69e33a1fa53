// The post-data lexer: statements cut at the semicolons that end them, and schema qualifiers
// renamed only where they are identifiers, never inside strings, bodies or comments.
import { describe, expect, it } from "vitest";
import { chainCosts, planPostData, renameSchemas, restoreJobs, splitStatements } from "@ownit/db";

const STAGED = new Map([
  ["public", "ownit_stage_public"],
  ["auth", "ownit_stage_auth"],
]);

describe("splitStatements", () => {
  it("cuts at semicolons outside strings, quoted names, dollar bodies and comments", () => {
    const script = [
      "-- header; with a semicolon",
      "SET check_function_bodies = false;",
      `CREATE POLICY "a;b" ON "public"."t" USING (("x" = 'it''s; fine'));`,
      "/* block /* nested; */ still; */ DO $body$ BEGIN PERFORM 1; END $body$;",
      "SELECT E'it\\'s; one string', $1;",
      "COMMENT ON TABLE t IS 'last'",
    ].join("\n");
    expect(splitStatements(script)).toEqual([
      "SET check_function_bodies = false",
      `CREATE POLICY "a;b" ON "public"."t" USING (("x" = 'it''s; fine'))`,
      "DO $body$ BEGIN PERFORM 1; END $body$",
      "SELECT E'it\\'s; one string', $1",
      "COMMENT ON TABLE t IS 'last'",
    ]);
  });
});

describe("renameSchemas", () => {
  it("renames quoted and bare schema qualifiers, bound by what follows them", () => {
    expect(
      renameSchemas(
        `CREATE POLICY "p" ON "public"."tasks" USING (("auth"."uid"() = "user_id") AND public.is_admin(auth.uid()))`,
        STAGED,
      ),
    ).toBe(
      `CREATE POLICY "p" ON "ownit_stage_public"."tasks" USING (("ownit_stage_auth"."uid"() = "user_id") AND "ownit_stage_public".is_admin("ownit_stage_auth".uid()))`,
    );
  });

  it("leaves strings, dollar bodies, comments, column names and third parts alone", () => {
    const untouched = [
      `SELECT 'public.tasks', E'auth.\\'users', $$ public.x $$, $f$auth.uid()$f$ -- public.t`,
      `SELECT "t"."public" FROM x /* auth.users */`,
      `SELECT "db"."public"."t", "public" FROM "Public"."t"`,
      `SELECT U&'public.t', publicity.x, authx.y`,
    ];
    for (const sql of untouched) expect(renameSchemas(sql, STAGED)).toBe(sql);
  });

  it("renames the schemas a SCHEMA keyword names, lists included", () => {
    expect(renameSchemas(`ALTER DEFAULT PRIVILEGES IN SCHEMA "public" GRANT ALL ON TABLES TO "anon"`, STAGED)).toBe(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA "ownit_stage_public" GRANT ALL ON TABLES TO "anon"`,
    );
    expect(renameSchemas(`GRANT USAGE ON SCHEMA public, /* c */ "auth", other TO anon`, STAGED)).toBe(
      `GRANT USAGE ON SCHEMA "ownit_stage_public", /* c */ "ownit_stage_auth", other TO anon`,
    );
    expect(renameSchemas(`COMMENT ON SCHEMA "public" IS 'public schema'`, STAGED)).toBe(
      `COMMENT ON SCHEMA "ownit_stage_public" IS 'public schema'`,
    );
  });

  it("keeps a DO block's body as written", () => {
    const sql = `DO $$ BEGIN ALTER PUBLICATION "p" ADD TABLE ONLY "public"."messages"; END $$`;
    expect(renameSchemas(sql, STAGED)).toBe(sql);
  });
});

describe("planPostData", () => {
  it("builds keys and indexes first, then foreign keys, then the rest in order; what is in no schema waits for the swap", () => {
    const script = [
      "SELECT pg_catalog.set_config('search_path', '', false);",
      `ALTER TABLE ONLY "public"."notes" ADD CONSTRAINT "notes_pkey" PRIMARY KEY ("id");`,
      `ALTER TABLE ONLY "public"."notes" ADD CONSTRAINT "notes_user_fkey" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id");`,
      `CREATE UNIQUE INDEX "notes_title" ON "public"."notes" USING "btree" ("title");`,
      `CREATE TRIGGER "t" AFTER INSERT ON "auth"."users" FOR EACH ROW EXECUTE FUNCTION "public"."handle_new_user"();`,
      `ALTER INDEX "public"."p_idx" ATTACH PARTITION "public"."p1_idx";`,
      `ALTER TABLE "public"."notes" ENABLE ROW LEVEL SECURITY;`,
      `DO $$ BEGIN CREATE PUBLICATION "supabase_realtime"; ALTER PUBLICATION "supabase_realtime" ADD TABLE ONLY "public"."notes"; END $$;`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA "public" GRANT ALL ON TABLES TO "anon";`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE "postgres" GRANT ALL ON FUNCTIONS TO "anon";`,
    ].join("\n");
    const plan = planPostData(script, STAGED);
    expect(plan.session).toEqual(["SELECT pg_catalog.set_config('search_path', '', false)"]);
    expect(plan.indexes.map((s) => s.staged)).toEqual([
      `ALTER TABLE ONLY "ownit_stage_public"."notes" ADD CONSTRAINT "notes_pkey" PRIMARY KEY ("id")`,
      `CREATE UNIQUE INDEX "notes_title" ON "ownit_stage_public"."notes" USING "btree" ("title")`,
    ]);
    expect(plan.indexes.map((s) => s.table)).toEqual(["public.notes", "public.notes"]);
    expect(plan.attachments).toHaveLength(1);
    expect(plan.foreignKeys.map((s) => s.staged)).toEqual([
      `ALTER TABLE ONLY "ownit_stage_public"."notes" ADD CONSTRAINT "notes_user_fkey" FOREIGN KEY ("user_id") REFERENCES "ownit_stage_auth"."users"("id")`,
    ]);
    expect(plan.rest.map((s) => s.original.split(" ")[0])).toEqual(["CREATE", "ALTER", "ALTER"]);
    expect(plan.rest[2]!.staged).toContain(`IN SCHEMA "ownit_stage_public"`);
    expect(plan.rest[0]!.staged).toContain(`EXECUTE FUNCTION "ownit_stage_public"."handle_new_user"()`);
    expect(plan.atSwap).toHaveLength(2);
    expect(plan.atSwap[0]).toContain(`ADD TABLE ONLY "public"."notes"`);
    expect(plan.atSwap[1]).toContain(`FOR ROLE "postgres"`);
  });
});

describe("restoreJobs", () => {
  const script = [
    `ALTER TABLE ONLY "public"."notes" ADD CONSTRAINT "notes_pkey" PRIMARY KEY ("id");`,
    `CREATE INDEX "notes_title" ON "public"."notes" USING "btree" ("title");`,
    `ALTER TABLE ONLY "auth"."users" ADD CONSTRAINT "users_pkey" PRIMARY KEY ("id");`,
    `ALTER TABLE ONLY "public"."notes" ADD CONSTRAINT "notes_user_fkey" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id");`,
    `CREATE TRIGGER "t" AFTER INSERT ON "auth"."users" FOR EACH ROW EXECUTE FUNCTION "public"."handle_new_user"();`,
  ].join("\n");
  const table = (schema: string, name: string, bytes: number) => ({
    schema,
    name,
    bytes,
    file: "",
    columns: [],
    primaryKey: [],
    rowCount: 0,
    checksum: "",
  });
  const tables = [table("public", "notes", 900), table("auth", "users", 100)];
  const jobs = restoreJobs(tables, planPostData(script, STAGED), {
    tables: new Set(["public.notes", "auth.users"]),
    parents: [],
  });
  const byId = new Map(jobs.map((j) => [j.id, j]));

  it("starts a table's keys and indexes after its own load, not after every load", () => {
    expect(byId.get("index:0")).toMatchObject({ after: ["load:public.notes"], tables: ["public.notes"], shared: false });
    expect(byId.get("index:1")).toMatchObject({ after: ["load:public.notes"], tables: ["public.notes"], shared: true });
    expect(byId.get("index:2")).toMatchObject({ after: ["load:auth.users"], tables: ["auth.users"] });
  });

  it("starts a foreign key once both tables and their keys are in, holding both", () => {
    const fk = byId.get("foreign-key:0")!;
    expect(new Set(fk.after)).toEqual(new Set(["load:public.notes", "index:0", "index:1", "load:auth.users", "index:2"]));
    expect(fk.tables).toEqual(["public.notes", "auth.users"]);
  });

  it("analyzes a table after its indexes, and runs the rest of post-data after every build", () => {
    expect(byId.get("analyze:public.notes")!.after).toEqual(["load:public.notes", "index:0", "index:1"]);
    expect(new Set(byId.get("rest")!.after)).toEqual(
      new Set(["load:public.notes", "load:auth.users", "index:0", "index:1", "index:2", "foreign-key:0"]),
    );
  });

  it("analyzes only the tables it is asked to (those autovacuum will not)", () => {
    const ids = restoreJobs(tables, planPostData(script, STAGED), { tables: new Set(["auth.users"]), parents: [] }).map(
      (j) => j.id,
    );
    expect(ids.filter((id) => id.startsWith("analyze:"))).toEqual(["analyze:auth.users"]);
  });

  it("ranks a small table's load by the foreign key of the big table that waits for it", () => {
    const chain = chainCosts(jobs);
    // users: its own load, its key, then the notes → users foreign key (a tenth of notes' load).
    expect(chain.get("load:auth.users")).toBeCloseTo(101 + 101 * 0.15 + 901 * 0.1);
    expect(chain.get("load:public.notes")).toBeCloseTo(901 + 901 * 0.15 + 901 * 0.1);
    expect(chain.get("load:auth.users")!).toBeGreaterThan(chain.get("analyze:public.notes")!);
  });
});
