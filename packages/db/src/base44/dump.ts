// `ownit dump base44`: every record of a Base44 app, read over its HTTP API, written as the
// portable export (manifest.json, schema.sql, post-data.sql, data/public.<table>.copy,
// findings.json, restore.sql) plus entities.json (entity → table, columns, access rules) and,
// with --files, the uploaded files. `ownit restore` and `ownit verify` read it like a Supabase dump.
//
// Two passes per entity, constant memory: the first pages through the API into a spool file while
// counting what each field holds; then the table is decided (schema types, constraints only where
// every record satisfies them) and the second pass writes the COPY file. The export is written in
// a folder beside the destination and renamed into place at the end, so a failed dump leaves
// nothing behind; before that it is loaded into a scratch PostgreSQL, which proves it loads and
// gives the row counts and checksums verify compares against.
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  type WriteStream,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { partialExportDir } from "../leftovers";
import { createInterface } from "node:readline";
import { finding, OwnitError, redactUrl, sortFindings, TOOL_VERSION, type Finding } from "@ownit/core";
import {
  checkExportDestination,
  dataFileName,
  DATA_DIR,
  formatVersionOf,
  FINDINGS_FILE,
  MANIFEST_FILE,
  POST_DATA_FILE,
  RESTORE_SCRIPT,
  SCHEMA_FILE,
  writeFindings,
  writeManifest,
  type ExportManifest,
  type StorageEntry,
  type TableEntry,
} from "../export-format";
import { Base44Api, Base44HttpError, tokenKind, type RetryEvent, type RetryPolicy } from "./client";
import {
  BASE44_DEFAULT_SERVER_URL,
  BASE44_ID_PATTERN,
  BASE44_PAGE,
  BASE44_TOKEN_ENV,
  BASE44_USER_ENTITY,
  type Base44DataEnv,
} from "./constants";
import { discoverEntities, type EntityDiscovery } from "./discover";
import {
  BASE44_FILES_COLUMNS,
  BASE44_FILES_DIR,
  BASE44_FILES_SCHEMA,
  BASE44_FILES_TABLE,
  BASE44_REWRITE_FUNCTION,
  fileUrlsIn,
  filesSchemaSql,
  saveDownload,
  storagePathFor,
  type DownloadedFile,
  type FileLocation,
} from "./files";
import { addRecordStats, copyEscape, emptyTableStats, recordToCopyLine, type Base44Record } from "./records";
import {
  entitySchemaToTable,
  entityTableNames,
  inferEntitySchema,
  tableDefinitionSql,
  valueFitsColumn,
  type Base44EntitySchema,
  type EntityTable,
  type TableDataStats,
} from "./schema";
import { BASE44_ENTITIES_FILE, type Base44EntitiesFile, type Base44EntityEntry } from "./entities-file";
import { proveExportLoads } from "./prove-load";
import { findServerBinaries } from "../pg-binaries";
import { tableReporter, type ProgressListener } from "../progress";

export interface Base44DumpOptions {
  /** The Base44 app id (default: the one the project names). */
  appId?: string;
  /** A personal API key of the app's owner (api_key header) or a JWT (Bearer). Never logged. */
  token: string;
  /** Default https://app.base44.com. */
  serverUrl?: string;
  /** The export folder to create (must not exist or be empty). */
  outDir: string;
  /** The exported project: entity names and schemas come from its code and schema files. */
  projectDir?: string;
  /** More entity names to dump (the code may not name them all). */
  entities?: string[];
  /** Download the files records point at into the export. */
  files?: boolean;
  /** `dev` dumps the app's test data. */
  dataEnv?: Base44DataEnv;
  /** Replace the export folder if it exists (only once the new export is complete). */
  force?: boolean;
  /** Records per request (default and maximum 5,000). */
  pageSize?: number;
  retry?: Partial<RetryPolicy>;
  /** Records read per entity, as the same table progress dump/restore/verify report (table = the entity's name). */
  onProgress?: ProgressListener;
  /** Everything else worth a line: the entity list, retries, file downloads, the load check. */
  onEvent?: (event: Base44DumpEvent) => void;
}

export type Base44DumpEvent =
  | { kind: "entities"; names: string[] }
  | { kind: "retry"; event: RetryEvent }
  | { kind: "files"; done: number; total: number }
  | { kind: "checking"; what: string };

export interface Base44DumpResult {
  dir: string;
  manifest: ExportManifest;
  findings: Finding[];
  entities: Base44EntitiesFile;
}

interface EntityPlan {
  name: string;
  schema?: Base44EntitySchema;
  schemaSource: Base44EntityEntry["schemaSource"];
  schemaFile?: string;
  /** Named on the command line (an unknown one is an error, not a finding). */
  explicit: boolean;
  usedIn: string[];
}

interface EntityData {
  plan: EntityPlan;
  spool: string;
  stats: TableDataStats;
  found: boolean;
  duplicateIds: number;
  /** Size of the records as JSON. */
  bytes: number;
}

/** What the checks before the first request settle: the app, where the export goes, the API client. */
interface DumpStart {
  appId: string;
  outDir: string;
  binaries: ReturnType<typeof findServerBinaries>;
  api: Base44Api;
  snapshotTime: string;
}

export async function dumpBase44(options: Base44DumpOptions): Promise<Base44DumpResult> {
  const findings: Finding[] = [];
  const notify = options.onEvent ?? (() => {});
  const discovery: EntityDiscovery | undefined = options.projectDir ? discoverEntities(options.projectDir) : undefined;
  if (discovery) findings.push(...discovery.findings);
  const start = startDump(options, discovery, notify, findings);
  const { api, outDir } = start;

  // Work in a sibling folder; rename into place only when everything is written and checked.
  mkdirSync(path.dirname(outDir), { recursive: true });
  const partial = partialExportDir(outDir, randomBytes(3).toString("hex"));
  const work = partial.dir;
  const spoolDir = mkdtempSync(path.join(os.tmpdir(), "ownit-base44-"));
  try {
    const plans = await planEntities(api, discovery, options.entities ?? [], findings);
    notify({ kind: "entities", names: plans.map((p) => p.name) });
    const data = await readEntities(api, plans, spoolDir, options, findings);
    const { tables, tableNames } = entityTables(data, findings);
    const { entries, downloads } = await writeEntityData(work, tables, api, options, notify, findings);
    const entitiesFile = writeSchemaFiles(work, start, options, tables, downloads);
    if (downloads.length) entries.push(writeFilesTable(work, downloads));
    findings.push(...ownerFindings(data, tables, tableNames));
    const manifest = exportManifest(start, entries, downloads);
    const sorted = sortFindings(findings);
    writeFindings(work, sorted);
    writeManifest(work, manifest);
    const loaded = await proveAndPlace(work, outDir, manifest, start, options, notify);
    partial.keep();
    return { dir: outDir, manifest: loaded, findings: sorted, entities: entitiesFile };
  } catch (error) {
    partial.remove();
    if (error instanceof Base44HttpError)
      throw new OwnitError(
        "base44-api-error",
        api.scrub(error.message),
        "run the dump again; if it keeps failing, check Base44's status page",
      );
    throw error;
  } finally {
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

/** The checks that need no request (an app id, a token, a free destination, a PostgreSQL to prove the export with) and the client. */
function startDump(
  options: Base44DumpOptions,
  discovery: EntityDiscovery | undefined,
  notify: (event: Base44DumpEvent) => void,
  findings: Finding[],
): DumpStart {
  const appId = options.appId ?? discovery?.appId;
  if (!appId) {
    throw new OwnitError(
      "base44-no-app-id",
      "no Base44 app id: the project does not name one and --app-id was not given",
      "pass --app-id <id> (the id in the editor's URL: app.base44.com/apps/<id>/editor, or base44/.app.jsonc)",
    );
  }
  if (!options.token)
    throw new OwnitError(
      "base44-no-token",
      "no Base44 token was given",
      `pass --token-env ${BASE44_TOKEN_ENV} with the app owner's API key in that variable`,
    );
  const outDir = path.resolve(options.outDir);
  checkExportDestination(outDir, options.force);
  // The finished export is proved by loading it into a scratch PostgreSQL: find one before
  // spending the API budget, not after.
  const binaries = findServerBinaries();
  const api = new Base44Api({
    serverUrl: options.serverUrl ?? BASE44_DEFAULT_SERVER_URL,
    appId,
    token: options.token,
    dataEnv: options.dataEnv,
    retry: options.retry,
    onRetry: (event) => notify({ kind: "retry", event }),
  });
  if (tokenKind(options.token) === "bearer") {
    findings.push(
      finding({
        severity: "high",
        code: "base44-user-token",
        message:
          "the dump ran with a user's token (a JWT), so Base44 applied that user's access rules: records other users own may be missing",
        hint: "dump again with a personal API key of the app's owner (sent as api_key), which reads every record",
      }),
    );
  }
  return { appId, outDir, binaries, api, snapshotTime: new Date().toISOString() };
}

/** Every record of every entity, spooled to disk one entity after another (the API budget is per app). */
async function readEntities(
  api: Base44Api,
  plans: EntityPlan[],
  spoolDir: string,
  options: Base44DumpOptions,
  findings: Finding[],
): Promise<EntityData[]> {
  const data: EntityData[] = [];
  // Spools are named by position: entity names may differ only in case, which some file systems fold.
  for (const plan of plans)
    data.push(
      await readEntity(
        api,
        plan,
        path.join(spoolDir, `${data.length}.ndjson`),
        options.pageSize ?? BASE44_PAGE.dump,
        options.onProgress,
        findings,
      ),
    );
  return data;
}

/** The table each entity becomes: from its schema, or typed from its records when there is none (a finding says so). */
function entityTables(
  data: EntityData[],
  findings: Finding[],
): { tables: Array<{ data: EntityData; table: EntityTable }>; tableNames: Map<string, string> } {
  const tableNames = entityTableNames(
    data.filter((d) => d.found || d.plan.schema || d.plan.name === BASE44_USER_ENTITY).map((d) => d.plan.name),
  );
  const tables: Array<{ data: EntityData; table: EntityTable }> = [];
  for (const d of data) {
    const tableName = tableNames.get(d.plan.name);
    if (!tableName) continue;
    let schema = d.plan.schema;
    if (!schema) {
      schema = inferEntitySchema(d.plan.name, d.stats);
      d.plan.schemaSource = "inferred";
      // User's own fields are known; only custom ones were guessed.
      if (d.plan.name !== BASE44_USER_ENTITY || Object.keys(schema.properties ?? {}).length)
        findings.push(
          finding({
            severity: "medium",
            code: "base44-schema-inferred",
            message: `entity ${d.plan.name} has no schema in the export or from the API: the column types of table ${tableName} were inferred from its ${d.stats.rowCount} records`,
            hint: `add base44/entities/${d.plan.name}.jsonc to the project (or check the types in schema.sql) before relying on them`,
          }),
        );
    }
    const table = entitySchemaToTable(schema, { name: d.plan.name, data: d.stats, tableName });
    for (const note of table.notes) findings.push(finding({ severity: "low", code: "base44-column-adjusted", message: note }));
    tables.push({ data: d, table });
  }
  return { tables, tableNames };
}

/** The COPY file of each table and, with --files, the files its records point at (else a finding: they go with the app). */
async function writeEntityData(
  work: string,
  tables: Array<{ data: EntityData; table: EntityTable }>,
  api: Base44Api,
  options: Base44DumpOptions,
  notify: (event: Base44DumpEvent) => void,
  findings: Finding[],
): Promise<{ entries: TableEntry[]; downloads: DownloadedFile[] }> {
  mkdirSync(path.join(work, DATA_DIR), { recursive: true });
  const urlLocations = new Map<string, FileLocation[]>();
  const entries: TableEntry[] = [];
  for (const { data: d, table } of tables) entries.push(await writeCopyFile(work, d, table, api.origin, urlLocations, findings));
  const downloads: DownloadedFile[] = [];
  if (urlLocations.size && options.files) downloads.push(...(await downloadFiles(api, work, urlLocations, notify, findings)));
  else if (urlLocations.size) {
    findings.push(
      finding({
        severity: "medium",
        code: "base44-files-not-downloaded",
        message: `${urlLocations.size} record value(s) point at files on Base44's storage, which goes away with the app`,
        hint: "run the dump again with --files to copy them into the export",
      }),
    );
  }
  return { entries, downloads };
}

/** schema.sql, post-data.sql and entities.json; returns what entities.json says. */
function writeSchemaFiles(
  work: string,
  start: DumpStart,
  options: Base44DumpOptions,
  tables: Array<{ data: EntityData; table: EntityTable }>,
  downloads: DownloadedFile[],
): Base44EntitiesFile {
  const schemaSql = [
    `-- Base44 app ${start.appId}: one table per entity (see entities.json for entity → table, columns and access rules).`,
    `-- Written by ownit ${TOOL_VERSION}. Timestamps without a zone in Base44 were read as UTC.`,
    "SET client_encoding = 'UTF8';",
    ...tables.map(({ table }) => tableDefinitionSql(table, { indexes: false })),
    ...(downloads.length ? [filesSchemaSql()] : []),
  ].join("\n");
  writeFileSync(path.join(work, SCHEMA_FILE), `${schemaSql}\n`);
  writeFileSync(
    path.join(work, POST_DATA_FILE),
    `${tables.map(({ table }) => tableDefinitionSql(table, { tables: false })).join("")}`,
  );
  const entitiesFile = entitiesFileFor(start.appId, start.api.appUrl, options.dataEnv ?? "prod", tables, downloads.length);
  writeFileSync(path.join(work, BASE44_ENTITIES_FILE), `${JSON.stringify(entitiesFile, null, 2)}\n`);
  return entitiesFile;
}

/** The manifest before the load check fills in counts and checksums. */
function exportManifest(start: DumpStart, entries: TableEntry[], downloads: DownloadedFile[]): ExportManifest {
  return {
    formatVersion: formatVersionOf(entries),
    toolVersion: TOOL_VERSION,
    source: { kind: "base44", location: redactUrl(start.api.appUrl), appId: start.appId },
    snapshotTime: start.snapshotTime,
    schemas: downloads.length ? ["public", BASE44_FILES_SCHEMA] : ["public"],
    tables: entries,
    sequences: [],
    ...(downloads.length
      ? {
          storage: downloads.map((f): StorageEntry => ({
            bucket: "base44",
            name: decodeURIComponent(f.path),
            file: f.file,
            bytes: f.bytes,
            sha256: f.sha256,
          })),
        }
      : {}),
  };
}

/**
 * Proves the export loads (a scratch PostgreSQL; counts and checksums come from the loaded tables),
 * that no file holds the token, and only then moves it into place. Returns the final manifest.
 */
async function proveAndPlace(
  work: string,
  outDir: string,
  manifest: ExportManifest,
  start: DumpStart,
  options: Base44DumpOptions,
  notify: (event: Base44DumpEvent) => void,
): Promise<ExportManifest> {
  notify({ kind: "checking", what: "loading the export into a scratch PostgreSQL" });
  const loaded = await proveExportLoads(work, manifest, start.binaries);
  writeManifest(work, loaded);
  assertNoToken(work, options.token, [
    SCHEMA_FILE,
    POST_DATA_FILE,
    BASE44_ENTITIES_FILE,
    MANIFEST_FILE,
    FINDINGS_FILE,
    RESTORE_SCRIPT,
  ]);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(work, outDir);
  chmodSync(outDir, 0o755);
  return loaded;
}

/** entities.json: each entity's table, columns, schema and rules, and where the files went. */
function entitiesFileFor(
  appId: string,
  source: string,
  dataEnv: Base44DataEnv,
  tables: Array<{ data: EntityData; table: EntityTable }>,
  files: number,
): Base44EntitiesFile {
  return {
    formatVersion: 1,
    appId,
    source,
    dataEnv,
    entities: Object.fromEntries(
      tables.map(({ data: d, table }) => [
        d.plan.name,
        {
          table: table.name,
          schemaSource: d.plan.schemaSource,
          ...(d.plan.schemaFile ? { schemaFile: d.plan.schemaFile } : {}),
          records: d.stats.rowCount,
          extraColumn: table.extraColumn,
          columns: table.columns.map((c) => ({
            name: c.name,
            ...(c.field ? { field: c.field } : {}),
            type: c.sqlType,
            kind: c.kind,
            ...(c.json ? { json: c.json } : {}),
            notNull: c.notNull,
            builtIn: c.builtIn,
          })),
          rls: d.plan.schema?.rls ?? null,
          fieldRls: Object.fromEntries(
            Object.entries(d.plan.schema?.properties ?? {})
              .filter(([, p]) => p?.rls)
              .map(([f, p]) => [f, p.rls!]),
          ),
          schema: d.plan.schema ?? inferEntitySchema(d.plan.name, d.stats),
        } satisfies Base44EntityEntry,
      ]),
    ),
    files: files
      ? {
          table: `${BASE44_FILES_SCHEMA}.${BASE44_FILES_TABLE}`,
          dir: BASE44_FILES_DIR,
          count: files,
          rewrite: `SELECT ${BASE44_FILES_SCHEMA}.${BASE44_REWRITE_FUNCTION}('https://<where you serve ${BASE44_FILES_DIR}>/');`,
        }
      : null,
  };
}

/** What the owner must know about the app as a whole: logins, and entities no rule protects. */
function ownerFindings(
  data: EntityData[],
  tables: Array<{ data: EntityData; table: EntityTable }>,
  tableNames: Map<string, string>,
): Finding[] {
  const out: Finding[] = [];
  const users = tables.find(({ table }) => table.users);
  if (users && users.data.stats.rowCount > 0) {
    out.push(
      finding({
        severity: "high",
        code: "base44-users-reset-password",
        message: `${users.data.stats.rowCount} users were exported without passwords: Base44 never hands out password hashes (nor Google/SSO links)`,
        hint: "after the move every user signs in again through a password-reset or magic link: send them one from the new app",
      }),
    );
  }
  for (const d of data) {
    if (!d.plan.schema?.rls && d.plan.name !== BASE44_USER_ENTITY && tableNames.has(d.plan.name)) {
      out.push(
        finding({
          severity: "medium",
          code: "base44-no-rules",
          message: `entity ${d.plan.name} has no access rules in its schema (every signed-in user may read and change every record, as on Base44)`,
          hint: "add an rls block to its schema if that is not intended",
        }),
      );
    }
  }
  return out;
}

/** The entities to dump: schema files and code, the API's schema list, --entities, and always User. */
async function planEntities(
  api: Base44Api,
  discovery: EntityDiscovery | undefined,
  explicit: string[],
  findings: Finding[],
): Promise<EntityPlan[]> {
  const plans = new Map<string, EntityPlan>();
  const plan = (name: string) => {
    let p = plans.get(name);
    if (!p) {
      p = { name, schemaSource: "inferred", explicit: false, usedIn: [] };
      plans.set(name, p);
    }
    return p;
  };
  for (const e of discovery?.entities.values() ?? []) {
    const p = plan(e.name);
    p.usedIn = e.usedIn;
    if (e.schema) Object.assign(p, { schema: e.schema, schemaSource: "file", schemaFile: e.schemaFile });
  }
  const live = await api.entitySchemas();
  for (const [name, schema] of live ?? []) {
    const p = plan(name);
    // The live schema is what Base44 enforces now; a schema file that says otherwise is stale.
    if (p.schemaFile && JSON.stringify(p.schema?.properties ?? {}) !== JSON.stringify(schema.properties ?? {})) {
      findings.push(
        finding({
          severity: "low",
          code: "base44-schema-file-differs",
          file: p.schemaFile,
          message: `${p.schemaFile} differs from the schema Base44 serves for ${name}; the live one was used`,
          hint: "pull the app's current code before migrating it",
        }),
      );
    }
    if (name === BASE44_USER_ENTITY && p.schema && !schema.rls) schema.rls = p.schema.rls;
    Object.assign(p, { schema, schemaSource: "api" });
  }
  for (const name of explicit) plan(name).explicit = true;
  if (plans.size === 0 || (plans.size === 1 && plans.has(BASE44_USER_ENTITY) && !live)) {
    throw new OwnitError(
      "base44-no-entities",
      `no entity names to dump: ${discovery ? `the project at ${discovery.root} names none` : "no project folder was given"}, --entities was not given, and the API did not list the app's schemas to this token`,
      "run in the exported project's folder (or pass --project <dir>), or name the entities with --entities A,B",
    );
  }
  plan(BASE44_USER_ENTITY);
  return [...plans.values()].sort(
    (a, b) => Number(b.name === BASE44_USER_ENTITY) - Number(a.name === BASE44_USER_ENTITY) || a.name.localeCompare(b.name),
  );
}

/** First pass: every record into a spool file (NDJSON), counting what each field holds. */
async function readEntity(
  api: Base44Api,
  plan: EntityPlan,
  spool: string,
  pageSize: number,
  onProgress: ProgressListener | undefined,
  findings: Finding[],
): Promise<EntityData> {
  const out = createWriteStream(spool);
  const stats = emptyTableStats();
  const enums = new Map<string, Set<unknown>>();
  for (const [field, prop] of Object.entries(plan.schema?.properties ?? {}))
    if (Array.isArray(prop?.enum)) enums.set(field, new Set(prop.enum));
  const seen = new Set<string>();
  const emails = new Map<string, number>();
  let duplicateIds = 0;
  let found = true;
  const total = await api.count(plan.name).catch(() => undefined);
  const report = tableReporter(onProgress, { phase: "dump", table: plan.name, totalRows: total });
  let bytes = 0;
  try {
    for await (const page of api.pages(plan.name, pageSize)) {
      let chunk = "";
      const before = seen.size;
      for (const record of page.records) {
        if (!record || typeof record !== "object" || typeof record.id !== "string" || !record.id) {
          throw new OwnitError(
            "base44-record-without-id",
            `a ${plan.name} record from the API has no id`,
            "this should not happen with Base44's API: check --server-url points at Base44",
          );
        }
        // Skip/limit pages can repeat a record when others are added meanwhile; the id decides.
        if (seen.has(record.id)) {
          duplicateIds++;
          continue;
        }
        seen.add(record.id);
        addRecordStats(stats, record, enums);
        if (plan.name === BASE44_USER_ENTITY && typeof record.email === "string")
          emails.set(record.email.toLowerCase(), (emails.get(record.email.toLowerCase()) ?? 0) + 1);
        chunk += `${JSON.stringify(record)}\n`;
      }
      // A skip/limit server that ignores skip would hand back the same page forever.
      if (page.mode === "skip" && page.records.length > 0 && seen.size === before) {
        throw new OwnitError(
          "base44-paging-stuck",
          `the Base44 API answered the same ${plan.name} records for every page (skip is ignored)`,
          "run the dump again later; if it persists, report it to Base44 support",
        );
      }
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      const chunkBytes = Buffer.byteLength(chunk);
      bytes += chunkBytes;
      report.add(page.records.length, chunkBytes);
    }
  } catch (error) {
    if ((await unreadableEntity(error, plan, api, out, report, findings)) === "users-empty")
      return { plan, spool, stats, found: false, duplicateIds, bytes };
    found = false;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  if (duplicateIds)
    findings.push(
      finding({
        severity: "info",
        code: "base44-duplicate-pages",
        message: `${duplicateIds} ${plan.name} record(s) came twice while paging (records were added during the dump); each was kept once`,
      }),
    );
  const duplicates = [...emails.values()].filter((n) => n > 1).length;
  if (duplicates) stats.duplicateEmails = duplicates;
  report.done();
  return { plan, spool, stats, found, duplicateIds, bytes };
}

/**
 * What a failed read of an entity means: users the API will not list become an empty table (every
 * app has them); an entity the code names but the API does not know is a finding (an error when
 * named on the command line); anything else is thrown.
 */
async function unreadableEntity(
  error: unknown,
  plan: EntityPlan,
  api: Base44Api,
  out: ReturnType<typeof createWriteStream>,
  report: ReturnType<typeof tableReporter>,
  findings: Finding[],
): Promise<"users-empty" | "not-found"> {
  const status = error instanceof Base44HttpError ? error.status : undefined;
  if (plan.name === BASE44_USER_ENTITY && (status === 403 || status === 404)) {
    // Users are the one entity every app has: an empty users table beats none.
    await new Promise<void>((resolve) => out.end(() => resolve()));
    report.done();
    findings.push(
      finding({
        severity: "high",
        code: "base44-users-unreadable",
        message: `the API refused to list the app's users (HTTP ${status}): the users table is created empty`,
        hint: "dump with a personal API key of the app's owner, or export the users from Base44's dashboard and add them",
      }),
    );
    return "users-empty";
  }
  if (status !== 404) {
    out.destroy();
    throw error;
  }
  if (plan.explicit) {
    out.destroy();
    throw new OwnitError(
      "base44-unknown-entity",
      `the Base44 API does not know entity "${plan.name}" (app ${api.appUrl.split("/").pop()})`,
      "check the name's spelling and case in --entities (entity names are case-sensitive)",
    );
  }
  const where = plan.schemaFile ?? plan.usedIn[0];
  findings.push(
    finding({
      severity: "medium",
      code: "base44-unknown-entity",
      file: where,
      message: `the code names entity ${plan.name} but the Base44 API does not know it: no records were exported${plan.schema ? " (its table is created empty from the schema file)" : ""}`,
      hint: "if the entity was renamed or deleted, update the code that uses it",
    }),
  );
  return "not-found";
}

/** Second pass: the spool as a COPY file, collecting file URLs with the column they sit in. */
async function writeCopyFile(
  work: string,
  d: EntityData,
  table: EntityTable,
  apiOrigin: string,
  urls: Map<string, FileLocation[]>,
  findings: Finding[],
): Promise<TableEntry> {
  const file = dataFileName(table.schema, table.name);
  const out: WriteStream = createWriteStream(path.join(work, file));
  let rows = 0;
  const nulIds: string[] = [];
  const byField = new Map(table.columns.filter((c) => c.field).map((c) => [c.field!, c]));
  if (d.found) {
    const lines = createInterface({ input: createReadStream(d.spool, "utf8"), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line) continue;
      const record = JSON.parse(line) as Base44Record;
      if (!BASE44_ID_PATTERN.test(String(record.id)) && rows === 0) {
        findings.push(
          finding({
            severity: "info",
            code: "base44-unusual-ids",
            message: `${d.plan.name} ids are not Base44's usual 24-hex ObjectIds (e.g. "${String(record.id).slice(0, 40)}"); they are kept as text`,
          }),
        );
      }
      const row = recordToCopyLine(table, record);
      if (row.nul) nulIds.push(String(record.id));
      if (!out.write(row.line)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      rows++;
      for (const [field, value] of Object.entries(record)) {
        for (const url of fileUrlsIn(value, apiOrigin)) {
          const column = byField.get(field);
          const inColumn =
            column && value !== null && valueFitsColumn(column, value) && (column.kind === "text" || column.kind === "jsonb");
          const location: FileLocation = inColumn
            ? { table: table.name, column: column!.name, type: column!.kind === "jsonb" ? "jsonb" : "text" }
            : { table: table.name, column: table.extraColumn, type: "jsonb" };
          const list = urls.get(url) ?? [];
          if (!list.some((l) => l.table === location.table && l.column === location.column)) list.push(location);
          urls.set(url, list);
        }
      }
    }
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  if (nulIds.length) {
    findings.push(
      finding({
        severity: "high",
        code: "base44-nul-characters",
        message: `${nulIds.length} ${d.plan.name} record(s) hold NUL characters, which PostgreSQL text cannot store; they were replaced with U+FFFD (e.g. record ${nulIds[0]})`,
        hint: "check those records in the new app",
      }),
    );
  }
  return {
    schema: table.schema,
    name: table.name,
    file,
    columns: table.columns.map((c) => c.name),
    primaryKey: table.primaryKey,
    rowCount: rows,
    checksum: "",
    bytes: 0,
  };
}

/** Downloads every file (a few at a time), keeping the ones that fail as findings with their URL untouched. */
async function downloadFiles(
  api: Base44Api,
  work: string,
  urls: Map<string, FileLocation[]>,
  progress: (e: Base44DumpEvent) => void,
  findings: Finding[],
): Promise<DownloadedFile[]> {
  const list = [...urls.entries()].sort(([a], [b]) => a.localeCompare(b));
  const taken = new Set<string>();
  const targets = list.map(([url, locations]) => ({ url, locations, ...storagePathFor(url, taken) }));
  const done: DownloadedFile[] = [];
  const failed: string[] = [];
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < targets.length) {
      const t = targets[next++]!;
      try {
        const response = await api.download(t.url);
        const saved = await saveDownload(response, work, t.segments);
        const contentType = response.headers.get("content-type") ?? undefined;
        done.push({ url: t.url, path: t.path, ...saved, ...(contentType ? { contentType } : {}), locations: t.locations });
      } catch (error) {
        failed.push(`${t.url} (${api.scrub(error instanceof Error ? error.message : String(error))})`);
      }
      progress({ kind: "files", done: ++finished, total: targets.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, targets.length) }, worker));
  for (const f of failed) {
    findings.push(
      finding({
        severity: "high",
        code: "base44-file-download-failed",
        message: `could not download ${f}; records keep pointing at Base44`,
        hint: "download it by hand before the Base44 app is deleted",
      }),
    );
  }
  return done.sort((a, b) => a.url.localeCompare(b.url));
}

/** data/ownit.base44_files.copy: the URL → file mapping the rewrite function reads. */
function writeFilesTable(work: string, files: DownloadedFile[]): TableEntry {
  const file = dataFileName(BASE44_FILES_SCHEMA, BASE44_FILES_TABLE);
  const lines = files.map((f) =>
    [f.url, f.path, String(f.bytes), f.sha256, f.contentType ?? null, JSON.stringify(f.locations)].map(copyEscape).join("\t"),
  );
  writeFileSync(path.join(work, file), lines.length ? `${lines.join("\n")}\n` : "");
  return {
    schema: BASE44_FILES_SCHEMA,
    name: BASE44_FILES_TABLE,
    file,
    columns: [...BASE44_FILES_COLUMNS],
    primaryKey: ["url"],
    rowCount: files.length,
    checksum: "",
    bytes: 0,
  };
}

/** A last check that the token reached none of the files ownit wrote itself. */
function assertNoToken(dir: string, token: string, files: string[]): void {
  for (const f of files) {
    const abs = path.join(dir, f);
    if (existsSync(abs) && readFileSync(abs, "utf8").includes(token)) {
      throw new OwnitError(
        "secret-leak",
        `the Base44 token would have been written to ${f}; the export was not kept`,
        "this is a bug in ownit: report it (without the token)",
      );
    }
  }
}
