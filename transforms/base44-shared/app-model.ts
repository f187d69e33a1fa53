// The app as the generated server sees it, read from the export: its id and name, every entity
// (from the schema files, and from the code for entities that have none), each entity's table as
// `ownit dump`/`restore` builds it (through @ownit/db, so names and types agree), and its rules.
import path from "node:path";
import { parseJson } from "@ownit/codemod";
import { finding, type Finding, type StepContext } from "@ownit/core";
import { entitySchemaToTable, entityTableNames, tableDefinitionSql, type Base44EntitySchema, type EntityTable } from "@ownit/db";
import { fieldRuleProblems } from "../base44-owned-backend/template/server/rule-check";
import { APP_CODE_GLOBS, CLIENT_FILES, SCHEMA_GLOBS, USER_ENTITY } from "./constants";

export interface AppEntity {
  name: string;
  /** The schema file it came from; undefined when only the code names the entity. */
  schemaFile?: string;
  schema: Base44EntitySchema;
  table: EntityTable;
}

export interface AppModel {
  appId: string;
  appName: string;
  /** base44/config.jsonc's `visibility` (public, private, workspace): a public app serves signed-out visitors. */
  visibility?: string;
  entities: AppEntity[];
  findings: Finding[];
}

/** `appId: "…"` in the stock client, when base44/.app.jsonc does not say. */
function appIdFromClient(ctx: StepContext): string | undefined {
  for (const file of CLIENT_FILES) {
    const m = /appId\s*:\s*["'`]([^"'`]+)["'`]/.exec(ctx.files.read(file) ?? "");
    if (m) return m[1];
  }
  return undefined;
}

/** Entity names the code uses: `base44.entities.X`, `entities.X` re-exports, `asServiceRole.entities.X`. */
function entityNamesInCode(ctx: StepContext): string[] {
  const names = new Set<string>();
  for (const file of ctx.files.list({ patterns: APP_CODE_GLOBS })) {
    for (const m of (ctx.files.read(file) ?? "").matchAll(/\bentities\.([A-Z]\w*)\b/g)) names.add(m[1]!);
  }
  return [...names];
}

export function readAppModel(ctx: StepContext): AppModel {
  const findings: Finding[] = [];
  const schemas = new Map<string, { file: string; schema: Base44EntitySchema }>();
  for (const file of ctx.files.list({ patterns: SCHEMA_GLOBS })) {
    const schema = parseJson<Base44EntitySchema>(ctx.files.read(file) ?? "");
    if (!schema || typeof schema !== "object") {
      findings.push(
        finding({
          severity: "high",
          code: "base44-schema-unreadable",
          file,
          message: `${file} is not valid JSON: its entity gets no typed table and no rules`,
          hint: "fix the file and run ownit again",
        }),
      );
      continue;
    }
    const name = typeof schema.name === "string" ? schema.name : path.basename(file).replace(/\.jsonc?$/, "");
    if (!schemas.has(name)) schemas.set(name, { file, schema: { ...schema, name } });
  }

  const names = new Set([USER_ENTITY, ...schemas.keys(), ...ctx.project.base44.entityNames, ...entityNamesInCode(ctx)]);
  const tableNames = entityTableNames([...names]);
  const entities: AppEntity[] = [];
  for (const name of [...names].sort((a, b) => Number(b === USER_ENTITY) - Number(a === USER_ENTITY) || a.localeCompare(b))) {
    const found = schemas.get(name);
    const schema: Base44EntitySchema = found?.schema ?? { name, type: "object", properties: {} };
    if (!found && name !== USER_ENTITY) {
      findings.push(
        finding({
          severity: "high",
          code: "base44-entity-without-schema",
          message: `entity ${name} has no schema file, so the server knows neither its fields (they are kept as JSON) nor its access rules (it is open to every user, Base44's default)`,
          hint: `add base44/entities/${name}.jsonc with its properties and "rls" rules as Base44 shows them, then run ownit again`,
        }),
      );
    }
    entities.push({
      name,
      schemaFile: found?.file,
      schema,
      table: entitySchemaToTable(schema, { name, tableName: tableNames.get(name) }),
    });
  }

  const appJson = parseJson<{ id?: string }>(ctx.files.read("base44/.app.jsonc") ?? "");
  const config = parseJson<{ name?: string; visibility?: unknown }>(ctx.files.read("base44/config.jsonc") ?? "");
  const appId = appJson?.id ?? ctx.project.base44.appId ?? appIdFromClient(ctx) ?? "app";
  const appName = config?.name ?? ctx.project.packageJson?.name ?? "app";
  const visibility = typeof config?.visibility === "string" ? config.visibility : undefined;
  return { appId, appName, ...(visibility ? { visibility } : {}), entities, findings };
}

/** The SQL that creates every entity table in an empty database (`npm run db:setup`). */
export function schemaSql(model: AppModel): string {
  const header = `-- The app's tables, written by ownit from the Base44 entity schemas (the same tables \`ownit restore\` creates).\n-- \`npm run db:setup\` runs this on an empty database.\n\n`;
  return header + model.entities.map((e) => tableDefinitionSql(e.table)).join("\n");
}

/** app.config.json: what the server needs to know about each entity. */
export function serverAppConfig(model: AppModel): string {
  const entities: Record<string, unknown> = {};
  for (const e of model.entities) {
    const fieldRules: Record<string, { read?: unknown; write?: unknown }> = {};
    for (const [field, property] of Object.entries(e.schema.properties ?? {})) {
      const rls = property?.rls as Record<string, unknown> | undefined;
      if (rls === undefined) continue;
      // A field rule the server cannot read hides the field and refuses writes to it (fail closed; generation reports it).
      if (fieldRuleProblems(rls, field).length) {
        fieldRules[field] = { read: false, write: false };
        continue;
      }
      const write = rls.write ?? rls.update;
      fieldRules[field] = { ...(rls.read !== undefined ? { read: rls.read } : {}), ...(write !== undefined ? { write } : {}) };
    }
    entities[e.name] = {
      table: e.table.name,
      overflowColumn: e.table.extraColumn,
      required: (e.schema.required ?? []).filter((f) => typeof f === "string"),
      // Kept even when malformed (null, [], ""): the server then denies, rather than reading "no rules" as open.
      ...(e.schema.rls !== undefined ? { rls: e.schema.rls } : {}),
      ...(Object.keys(fieldRules).length ? { fieldRules } : {}),
    };
  }
  return `${JSON.stringify({ appId: model.appId, appName: model.appName, ...(model.visibility ? { visibility: model.visibility } : {}), userEntity: USER_ENTITY, entities }, null, 2)}\n`;
}
