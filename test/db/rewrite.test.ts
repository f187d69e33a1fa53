// The portability rewrite on pg_dump output vanilla PostgreSQL cannot load (Supabase-only
// extensions, publications, event triggers, platform roles, webhooks): fixtures/db/rewrite holds
// each case's input beside the expected output and findings. The rewrite of a whole real
// pg_dump is exercised in roundtrip.test.ts.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { portableSchema, summarizeDropped, supabasePrelude } from "@ownit/db";
import { FIXTURES } from "../helpers/project";

const DIR = path.join(FIXTURES, "db", "rewrite");
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith(".input.sql"))
  .map((f) => f.slice(0, -".input.sql".length));

/** How a case's expected output is laid out: the rewritten script, then what waits for the data. */
function renderRewrite(input: string) {
  const result = portableSchema(input);
  const deferred = result.deferred.length ? `\n-- after the data:\n${result.deferred.join("\n")}\n` : "";
  return { sql: `${result.header}${result.sql}${deferred}`, findings: [...result.findings, ...summarizeDropped(result.dropped)] };
}

describe("portable schema rewrite", () => {
  it.each(cases)("%s: output and findings match the fixture", (name) => {
    const { sql, findings } = renderRewrite(readFileSync(path.join(DIR, `${name}.input.sql`), "utf8"));
    expect(sql).toBe(readFileSync(path.join(DIR, `${name}.output.sql`), "utf8"));
    expect(findings).toEqual(JSON.parse(readFileSync(path.join(DIR, `${name}.findings.json`), "utf8")));
  });

  it("is idempotent: rewriting its own output changes nothing more", () => {
    for (const name of cases) {
      const once = renderRewrite(readFileSync(path.join(DIR, `${name}.input.sql`), "utf8")).sql.replace(
        /\n-- after the data:\n[\s\S]*$/,
        "",
      );
      expect(renderRewrite(once).sql.replace(/\n-- after the data:\n[\s\S]*$/, ""), name).toBe(once);
    }
  });

  it("drops psql's \\restrict lines and PostgreSQL 17's SET transaction_timeout", () => {
    const { sql } = renderRewrite(readFileSync(path.join(DIR, "restrict-and-timeout.input.sql"), "utf8"));
    expect(sql).not.toMatch(/\\(un)?restrict|transaction_timeout/);
    expect(sql).toContain("CREATE TABLE public.notes");
  });

  it("keeps no grant, owner or default privilege naming a platform role, and keeps those to the API roles", () => {
    const { sql } = renderRewrite(readFileSync(path.join(DIR, "platform-roles.input.sql"), "utf8"));
    expect(sql).not.toMatch(/supabase_|dashboard_user|TO postgres|OWNER TO|FOR ROLE/);
    expect(sql).toContain("GRANT ALL ON TABLE public.todos TO anon;");
    expect(sql).toContain("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon;");
    expect(sql).toContain("CREATE SCHEMA IF NOT EXISTS public;");
    expect(sql).toContain("CREATE OR REPLACE FUNCTION auth.uid()");
  });

  it("reports a database webhook with the SQL to recreate it, the key redacted", () => {
    const { sql, findings } = renderRewrite(readFileSync(path.join(DIR, "triggers-and-forced-rls.input.sql"), "utf8"));
    const webhook = findings.find((f) => f.code === "database-webhook-dropped")!;
    expect(webhook.severity).toBe("high");
    expect(webhook.message).toContain("https://abcdefghijklmnopqrst.supabase.co/functions/v1/order-created");
    expect(webhook.hint).toContain("CREATE TRIGGER order_created_webhook");
    expect(webhook.hint).toContain("Bearer eyJ***");
    expect(JSON.stringify(findings)).not.toContain("c2lnbmF0dXJlLW5vdC1yZWFs");
    expect(sql).not.toContain("supabase_functions");
    expect(sql).toContain("CREATE TRIGGER on_auth_user_created");
    expect(sql).toContain('EXECUTE FUNCTION "public"."touch_updated_at"()');
  });

  it("writes a prelude that creates the API roles, extensions schema and Supabase's auth helpers", () => {
    const prelude = supabasePrelude({
      extensions: [
        { name: "pg_graphql", schema: "graphql" },
        { name: "citext", schema: "public" },
      ],
      storageFunctions: true,
    });
    expect(prelude).toMatch(/CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS/);
    expect(prelude).toContain('CREATE EXTENSION IF NOT EXISTS "pgcrypto" WITH SCHEMA "extensions";');
    expect(prelude).toContain('CREATE EXTENSION IF NOT EXISTS "citext" WITH SCHEMA "public";');
    expect(prelude).not.toContain("pg_graphql");
    expect(prelude).toContain("nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'");
    expect(prelude).toContain("CREATE OR REPLACE FUNCTION storage.foldername(name text)");
  });
});
