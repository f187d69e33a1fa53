// Which entities a Base44 app has, found in its exported code before any request is made:
// schema files (base44/entities/*.jsonc, src/entities/*.json, entities/*.json), `X.entities.Name`
// member chains anywhere in the code (entities.js re-exports, asServiceRole in Deno functions)
// and names imported from the entities module. The API's own list (entity-schemas) and
// `--entities` are merged in by the dump.
import path from "node:path";
import { parse as parseBabel } from "@babel/parser";
import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";
import { BASE44, finding, listProjectFiles, readText, resolveProjectRoot, type Finding } from "@ownit/core";
import { BASE44_ENTITY_NAME, BASE44_USER_ENTITY } from "./constants";
import type { Base44EntitySchema } from "./schema";

export interface DiscoveredEntity {
  name: string;
  /** The schema from a file in the export, when there is one. */
  schema?: Base44EntitySchema;
  schemaFile?: string;
  /** Code files that use the entity (posix paths relative to the project). */
  usedIn: string[];
}

export interface EntityDiscovery {
  root?: string;
  entities: Map<string, DiscoveredEntity>;
  /** The app id the export names (base44/.app.jsonc or the client file), if any. */
  appId?: string;
  findings: Finding[];
}

const CODE_GLOBS = ["**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}"];

/** Import sources that stand for the app's entities module (layout A, and legacy `@/entities/<Name>` imports). */
const ENTITIES_MODULE = /(?:^|\/)(?:api\/entities|entities)(?:\.[cm]?[jt]sx?)?$|^@\/entities\/\w+$/;

type Node = { type: string; [key: string]: unknown };

function walk(node: unknown, visit: (n: Node) => void): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  const n = node as Node;
  if (typeof n.type === "string") visit(n);
  for (const [key, value] of Object.entries(n)) {
    if (
      key === "loc" ||
      key === "start" ||
      key === "end" ||
      key === "leadingComments" ||
      key === "trailingComments" ||
      key === "innerComments" ||
      key === "extra"
    )
      continue;
    if (value && typeof value === "object") walk(value, visit);
  }
}

function propertyName(node: Node): string | undefined {
  const property = node.property as Node | undefined;
  if (!property) return undefined;
  if (!node.computed && property.type === "Identifier") return property.name as string;
  if (node.computed && property.type === "StringLiteral") return property.value as string;
  return undefined;
}

/** Entity names one source file uses: `<anything>.entities.Name` and imports from the entities module. */
export function entityNamesInCode(code: string, file = "file.jsx"): string[] {
  const names = new Set<string>();
  let ast: unknown;
  try {
    ast = parseBabel(code, {
      sourceType: "unambiguous",
      errorRecovery: true,
      plugins: /\.(m|c)?tsx?$/.test(file) ? (/\.tsx$/.test(file) ? ["typescript", "jsx"] : ["typescript"]) : ["jsx"],
    });
  } catch {
    // Not parseable even with recovery: fall back to the plain pattern (comments may add names; a
    // name the API does not know becomes a finding, never an error).
    for (const m of code.matchAll(/\bentities\s*\.\s*([A-Za-z_]\w*)/g)) names.add(m[1]!);
    return [...names];
  }
  walk(ast, (node) => {
    if (node.type === "MemberExpression" || node.type === "OptionalMemberExpression") {
      const object = node.object as Node;
      const isEntities =
        object.type === "MemberExpression" || object.type === "OptionalMemberExpression"
          ? propertyName(object) === "entities"
          : object.type === "Identifier" && object.name === "entities";
      if (isEntities) {
        const name = propertyName(node);
        if (name && BASE44_ENTITY_NAME.test(name)) names.add(name);
      }
    }
    if (node.type === "ImportDeclaration" && ENTITIES_MODULE.test(String((node.source as Node).value))) {
      for (const spec of node.specifiers as Node[]) {
        if (spec.type !== "ImportSpecifier") continue;
        const imported = spec.imported as Node;
        const name = imported.type === "Identifier" ? (imported.name as string) : (imported.value as string);
        // `User` from entities.js is base44.auth, not an entity read.
        if (name !== BASE44_USER_ENTITY && BASE44_ENTITY_NAME.test(name)) names.add(name);
      }
    }
  });
  return [...names];
}

/** Reads one entity schema file (JSON with comments). */
export function readSchemaFile(root: string, rel: string): { schema?: Base44EntitySchema; error?: string } {
  const text = readText(root, rel);
  if (text === undefined) return { error: "cannot be read" };
  const errors: ParseError[] = [];
  const schema = parseJsonc(text, errors, { allowTrailingComma: true }) as Base44EntitySchema | undefined;
  if (errors.length || !schema || typeof schema !== "object" || Array.isArray(schema)) {
    const first = errors[0];
    const where = first ? ` (${printParseErrorCode(first.error)} at offset ${first.offset})` : "";
    return { error: `is not a JSON object${where}` };
  }
  return { schema };
}

function appIdOf(root: string): string | undefined {
  const app = readText(root, "base44/.app.jsonc");
  if (app) {
    const parsed = parseJsonc(app) as { id?: unknown } | undefined;
    if (typeof parsed?.id === "string") return parsed.id;
  }
  for (const f of BASE44.clientFiles) {
    const m = readText(root, f)?.match(/appId\s*:\s*["'`]([a-f0-9]{24})["'`]/);
    if (m) return m[1];
  }
  for (const f of [".env", ".env.local", ".env.example"]) {
    const m = readText(root, f)?.match(/^VITE_BASE44_APP_ID\s*=\s*["']?([a-f0-9]{24})/m);
    if (m) return m[1];
  }
  return undefined;
}

/** Every entity the exported project names, with the schemas its files hold. */
export function discoverEntities(projectDir: string): EntityDiscovery {
  const { root } = resolveProjectRoot(projectDir);
  const entities = new Map<string, DiscoveredEntity>();
  const findings: Finding[] = [];
  const entry = (name: string) => {
    let e = entities.get(name);
    if (!e) {
      e = { name, usedIn: [] };
      entities.set(name, e);
    }
    return e;
  };

  for (const rel of listProjectFiles(root, { patterns: [...BASE44.schemaGlobs] })) {
    const { schema, error } = readSchemaFile(root, rel);
    if (!schema) {
      findings.push(
        finding({
          severity: "high",
          code: "base44-schema-unreadable",
          file: rel,
          message: `entity schema ${rel} ${error}`,
          hint: "fix the file; until then its table's column types are inferred from the records",
        }),
      );
      continue;
    }
    const name = typeof schema.name === "string" && schema.name ? schema.name : path.posix.basename(rel).replace(/\.jsonc?$/, "");
    if (!BASE44_ENTITY_NAME.test(name)) {
      findings.push(
        finding({
          severity: "medium",
          code: "base44-schema-unreadable",
          file: rel,
          message: `entity schema ${rel} names entity "${name}", which is not a Base44 entity name (letters, digits, _)`,
          hint: "fix the name in the file",
        }),
      );
      continue;
    }
    const e = entry(name);
    if (e.schemaFile) {
      findings.push(
        finding({
          severity: "medium",
          code: "base44-schema-duplicate",
          file: rel,
          message: `${rel} and ${e.schemaFile} both define entity ${name}; ${e.schemaFile} is used`,
          hint: "delete the stale copy",
        }),
      );
      continue;
    }
    e.schema = schema;
    e.schemaFile = rel;
  }

  for (const rel of listProjectFiles(root, { patterns: CODE_GLOBS })) {
    const code = readText(root, rel);
    if (!code || !/entities/.test(code)) continue;
    for (const name of entityNamesInCode(code, rel)) entry(name).usedIn.push(rel);
  }
  return { root, entities, appId: appIdOf(root), findings };
}
