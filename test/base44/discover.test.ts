// Before a dump asks Base44 anything, the exported project says which entities the app has: its
// schema files, the entities its code uses, and the app id.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discoverEntities, entityNamesInCode } from "@ownit/db";
import { cleanupTemp, copyFixture } from "../helpers/project";

afterAll(cleanupTemp);

describe("finding a Base44 app's entities in its exported code", () => {
  it("the fixture: schema files, entities.js, pages and the Deno function, and the app id", () => {
    const found = discoverEntities(copyFixture("base44"));
    expect([...found.entities.keys()].sort()).toEqual(["Comment", "Project", "Task", "User"]);
    expect(found.appId).toBe("68a1b2c3d4e5f60718293a4b");
    expect(found.entities.get("Task")!.schemaFile).toBe("base44/entities/Task.jsonc");
    expect(found.entities.get("Task")!.schema!.rls).toMatchObject({ read: { created_by: "{{user.email}}" } });
    expect(found.entities.get("Task")!.usedIn).toEqual(
      expect.arrayContaining([
        "src/api/entities.js",
        "src/pages/ProjectDetail.jsx",
        "src/pages/Tasks.jsx",
        "base44/functions/weeklyDigest/entry.ts",
      ]),
    );
    expect(found.findings).toEqual([]);
  });

  it("reads every way code names an entity, and not the ones left in comments", () => {
    const code = `
      import { Project, User, Invoice as Bill } from "@/api/entities";
      import { Legacy } from "@/entities/Legacy";
      import { base44 } from "./base44Client";
      // export const Family = base44.entities.Family;
      /* base44.entities.Ghost.list() */
      const rows = await base44.asServiceRole.entities.Order.filter({});
      const maybe = client?.entities?.Receipt;
      const dynamic = base44.entities["Shipment"];
      const { entities } = base44;
      entities.Payment.create({});
    `;
    expect(entityNamesInCode(code, "x.jsx").sort()).toEqual([
      "Invoice",
      "Legacy",
      "Order",
      "Payment",
      "Project",
      "Receipt",
      "Shipment",
    ]);
  });

  it("parses TypeScript (a <T> cast would break the tsx parser)", () => {
    expect(entityNamesInCode("const t = <Task>base44.entities.Task.get(id) as unknown;", "x.ts")).toEqual(["Task"]);
  });

  it("takes an entity's name from its schema file, and reports a broken file without stopping", () => {
    const dir = copyFixture("base44");
    writeFileSync(
      path.join(dir, "base44", "entities", "team-member.jsonc"),
      `{ "name": "TeamMember", "type": "object", "properties": { "team_id": { "type": "string" } } }`,
    );
    writeFileSync(path.join(dir, "base44", "entities", "Broken.jsonc"), `{ "name": "Broken", "properties": { `);
    mkdirSync(path.join(dir, "src", "entities"), { recursive: true });
    writeFileSync(
      path.join(dir, "src", "entities", "Invoice.json"),
      JSON.stringify({ type: "object", properties: { total: { type: "number" } } }),
    );
    const found = discoverEntities(dir);
    expect(found.entities.get("TeamMember")!.schemaFile).toBe("base44/entities/team-member.jsonc");
    expect(found.entities.get("Invoice")!.schema!.properties!.total).toEqual({ type: "number" });
    expect(found.entities.has("Broken")).toBe(false);
    expect(found.findings).toEqual([
      expect.objectContaining({ code: "base44-schema-unreadable", file: "base44/entities/Broken.jsonc", severity: "high" }),
    ]);
  });
});
