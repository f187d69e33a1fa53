// Keeping Base44 as the builder: the export migrated onto `owned`, the builder adds an entity schema
// and a page using base44.entities on `main`, and `ownit sync-builder --apply-migrations` brings
// both over: the page on the owned client, the entity's rules in the server's config, its table in
// the owned PostgreSQL. Rollback undoes all three; `main` is never written.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builderSyncRecord, listRuns } from "@ownit/core";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { capturedCli, cleanupTemp, copyFixture, git, gitInit, treeFingerprint } from "../helpers/project";

/** An import, require or Deno specifier of a Base44 package (comments and prose do not count). */
const BASE44_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["'](?:npm:)?@base44\//m;

const INVOICE_SCHEMA = `{
  "name": "Invoice",
  "type": "object",
  "properties": {
    "project_id": { "type": "string" },
    "amount": { "type": "number" },
    "status": { "type": "string", "enum": ["draft", "sent", "paid"], "default": "draft" },
    "due_date": { "type": "string", "format": "date" }
  },
  "required": ["project_id", "amount"],
  "rls": {
    "create": true,
    "read": { "created_by": "{{user.email}}" },
    "update": { "created_by": "{{user.email}}" },
    "delete": { "user_condition": { "role": "admin" } }
  }
}
`;

const INVOICES_PAGE = `import React, { useEffect, useState } from "react";
import { base44 } from "@/api/base44Client";

export default function Invoices() {
  const [invoices, setInvoices] = useState([]);

  useEffect(() => {
    base44.entities.Invoice.filter({ status: { $in: ["draft", "sent"] } }, "-due_date", 50).then(setInvoices);
  }, []);

  const markPaid = async (invoice) => {
    await base44.entities.Invoice.update(invoice.id, { status: "paid" });
    setInvoices(await base44.entities.Invoice.list("-created_date", 50));
  };

  return (
    <ul>
      {invoices.map((i) => (
        <li key={i.id}>{i.amount} <button onClick={() => markPaid(i)}>paid</button></li>
      ))}
    </ul>
  );
}
`;

let db: TestServer;
afterAll(async () => {
  await db?.dispose();
  cleanupTemp();
});

function builderSide(dir: string): { ref: string; tree: string } {
  return { ref: git(dir, "rev-parse", "main"), tree: git(dir, "rev-parse", "main^{tree}") };
}

describe("keeping the builder: a Base44 app synced onto its owned branch", () => {
  let dir: string;
  let url: string;
  let ownedBefore: string;
  let treeBefore: Record<string, string>;
  let builder: { ref: string; tree: string };

  beforeAll(async () => {
    dir = copyFixture("base44");
    gitInit(dir);
    const cli = capturedCli();
    expect(await cli.run("migrate", dir, "--yes", "--branch", "owned"), cli.stderr.join("\n")).toBe(0);
    // The owned database, set up as `npm run db:setup` does: the server's schema.sql on an empty database.
    db = await startTestServer();
    url = await db.createDatabase("owned_app");
    await db.query(readFileSync(path.join(dir, "server/schema.sql"), "utf8"), [], "owned_app");

    git(dir, "switch", "-q", "main");
    mkdirSync(path.join(dir, "src/pages"), { recursive: true });
    writeFileSync(path.join(dir, "base44/entities/Invoice.jsonc"), INVOICE_SCHEMA);
    writeFileSync(path.join(dir, "src/pages/Invoices.jsx"), INVOICES_PAGE);
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "Add invoices");
    git(dir, "switch", "-q", "owned");
    ownedBefore = git(dir, "rev-parse", "HEAD");
    treeBefore = treeFingerprint(dir);
    builder = builderSide(dir);
  });

  it("status lists the new entity schema as a pending schema change", async () => {
    const cli = capturedCli();
    expect(await cli.run("status", dir, "--json"), cli.stderr.join("\n")).toBe(0);
    const status = JSON.parse(cli.stdout.join("\n"));
    expect(status).toMatchObject({
      behind: 1,
      schemaChanges: [{ kind: "base44-entity", status: "A", path: "base44/entities/Invoice.jsonc" }],
    });
    // The page calls the app's own client module, which the owned client replaced: it needs no edit.
    expect(status.needMigrating).toEqual([]);
  });

  it("sync-builder --apply-migrations migrates the page, adds the entity's rules and creates its table", async () => {
    const cli = capturedCli();
    const code = await cli.run("sync-builder", dir, "--yes", "--apply-migrations", "--db-url", url);
    expect(code, [...cli.stdout, ...cli.stderr].join("\n")).toBe(0);
    const [run] = listRuns(dir);
    expect(builderSyncRecord(run!)).toMatchObject({ commit: builder.ref, ownedBranch: "owned" });
    expect(git(dir, "log", "-1", "--format=%P").split(" ")).toEqual([ownedBefore, builder.ref]);
    expect(git(dir, "status", "--porcelain")).toBe("");

    const page = readFileSync(path.join(dir, "src/pages/Invoices.jsx"), "utf8");
    expect(BASE44_IMPORT.test(page)).toBe(false);
    expect(page).toContain("base44.entities.Invoice.filter(");
    const config = JSON.parse(readFileSync(path.join(dir, "server/app.config.json"), "utf8"));
    expect(config.entities.Invoice.rls).toEqual(JSON.parse(INVOICE_SCHEMA).rls);
    const table = config.entities.Invoice.table as string;
    expect(readFileSync(path.join(dir, "server/schema.sql"), "utf8")).toContain(`CREATE TABLE "public"."${table}"`);

    // The table exists in the owned database with the schema's typed columns.
    const columns = await db.query<{ column_name: string; data_type: string }>(
      "select column_name, data_type from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position",
      [table],
      "owned_app",
    );
    expect(Object.fromEntries(columns.map((c) => [c.column_name, c.data_type]))).toMatchObject({
      id: "text",
      project_id: "text",
      amount: "double precision",
      status: "text",
      due_date: "date",
    });
    expect(run!.database).toEqual([
      expect.objectContaining({
        kind: "schema-changes",
        files: ["base44/entities/Invoice.jsonc"],
        objects: [`table public.${table}`],
      }),
    ]);
    expect(cli.stdout.join("\n")).toContain("applied 1 schema change(s) to");
    expect(cli.stdout.join("\n")).not.toContain(new URL(url).password || "\u0000");
    expect(builderSide(dir)).toEqual(builder);
  });

  it("rollback drops the table and returns the owned branch byte for byte; main stays as the builder wrote it", async () => {
    const sync = listRuns(dir)[0]!;
    const table = JSON.parse(readFileSync(path.join(dir, "server/app.config.json"), "utf8")).entities.Invoice.table as string;
    const cli = capturedCli();
    expect(await cli.run("rollback", dir, sync.id, "--db-url", url), cli.stderr.join("\n")).toBe(0);
    expect(git(dir, "rev-parse", "HEAD")).toBe(ownedBefore);
    expect(treeFingerprint(dir)).toEqual(treeBefore);
    expect(await db.query("select 1 from pg_class where relname = $1", [table], "owned_app")).toEqual([]);
    // The tables that were there before the sync are still there.
    expect((await db.query("select relname from pg_class where relname = 'task'", [], "owned_app")).length).toBe(1);
    expect(builderSide(dir)).toEqual(builder);
  });
});
