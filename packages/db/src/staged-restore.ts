// The parallel restore that is still all-or-nothing, for an empty plain PostgreSQL target. A single
// transaction binds a restore to one backend; this loads on N instead, where nothing else sees it:
//   1. one short transaction: the target's empty `public` is held aside, schema.sql runs with the
//      real names (pg_dump qualifies every name; views, defaults' nextval(regclass), policies and
//      SQL-standard bodies bind by OID, other function bodies resolve by name when they run), then
//      every schema it created is renamed to `ownit_stage_<name>`, `public` is put back, and a
//      staging record names all of it (restore-staging.ts);
//   2. N connections work through one graph of jobs (work-graph.ts): COPY into the staged tables
//      (largest first, each checked against the manifest); post-data.sql with its schema qualifiers
//      renamed to the staged names by a real lexer (sql-script.ts), each index or key as soon as its
//      table is in, each foreign key once both tables and their keys are; ANALYZE of a table once
//      its indexes are built, where autovacuum will not analyze it (planner-statistics.ts); then
//      triggers, policies, comments and grants, and the sequences;
//   3. one short transaction, the swap: the target's empty `public` is dropped, every staged schema
//      takes its real name (`public` also takes the original's owner, grants and comment), the
//      Realtime publication is created by real names, the run's marker row is written, COMMIT.
// A failure anywhere before the swap's commit drops the staged schemas and the roles and settings
// phase 1 created; a kill leaves them to the next command's recovery. Either way the target ends
// exactly as it was.
import type pg from "pg";
import { failPoint, killPoint } from "@ownit/core";
import { connect } from "./connection";
import { LOAD_SETTINGS, SCHEMA_FILE, type ExportFolder, type TableEntry } from "./export-format";
import { created, databaseSettings, inventory, undoList, type InventoryItem } from "./inventory";
import { QueueJobError } from "./parallel";
import { statisticsToGather, type StatisticsToGather } from "./planner-statistics";
import type { ProgressListener } from "./progress";
import { copyTableIn, runScript, RestoreStepError } from "./restore-load";
import { writeRestoreMarker } from "./restore-marker";
import {
  deleteStagingRecord,
  dropStaged,
  dropStagedRestore,
  HELD_PUBLIC,
  LOADER_APPLICATION,
  stagedName,
  writeStagingRecord,
} from "./restore-staging";
import { qualified, quoteIdent, quoteLiteral } from "./sql";
import { renameSchemas, splitStatements } from "./sql-script";
import { runGraph, type GraphJob } from "./work-graph";

/** Server memory for index builds and foreign-key checks, per loading connection (N of them build at once). */
export function loaderMaintenanceMemMb(jobs: number): number {
  return Math.min(256, Math.max(64, Math.floor(1024 / jobs)));
}

export interface StagedRestoreContext {
  /** The coordinating session: holds the restore lock, runs phases 1 and 3. */
  client: pg.Client;
  url: string;
  folder: ExportFolder;
  /** The target's inventory and database settings before anything was done. */
  before: InventoryItem[];
  settingsBefore: string[];
  /** Names the staging record (the run's id, or a fresh one). */
  stagingId: string;
  /** The ledger's run, marked in the target at the swap. */
  runId?: string;
  jobs: number;
  onProgress?: ProgressListener;
}

export interface StagedRestoreResult {
  rows: number;
  bytes: number;
  created: InventoryItem[];
  settingsAdded: string[];
  replicationRole: boolean;
}

interface Staging {
  /** Real schema name → staging name. */
  renames: Map<string, string>;
  /** Whether the target had a `public` of its own (held aside, then replaced at the swap). */
  hadPublic: boolean;
}

/** One post-data statement: as written, and with its schema qualifiers renamed to the staging names. */
interface PostDataStatement {
  original: string;
  staged: string;
  /** The table it builds on ("schema.name"), for an index or a constraint: the largest tables' go first. */
  table?: string;
}

const IDENT = String.raw`("(?:[^"]|"")*"|[A-Za-z_][\w$]*)`;
const INDEX_TABLE = new RegExp(String.raw`\bON\s+(?:ONLY\s+)?${IDENT}\.${IDENT}`, "i");
const ALTERED_TABLE = new RegExp(String.raw`^ALTER\s+TABLE\s+(?:ONLY\s+)?${IDENT}\.${IDENT}`, "i");
const unquote = (name: string) => (name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase());

/** The table an index or constraint statement builds on. */
function builtOn(statement: string): string | undefined {
  const match = (/^CREATE\b/i.test(statement) ? INDEX_TABLE : ALTERED_TABLE).exec(statement);
  return match ? `${unquote(match[1]!)}.${unquote(match[2]!)}` : undefined;
}

interface PostDataPlan {
  /** SET and set_config lines: run on every loading connection first. */
  session: string[];
  /** Indexes and primary key, unique, exclusion and check constraints: in parallel. */
  indexes: PostDataStatement[];
  /** Partition indexes attached to their parents (foreign keys may need the parent's): in order. */
  attachments: PostDataStatement[];
  /** Foreign keys (they need the referenced keys): in parallel. */
  foreignKeys: PostDataStatement[];
  /** Triggers, row security, policies, comments, grants, the rest: in file order. */
  rest: PostDataStatement[];
  /** The Realtime publication and database-wide default privileges: at the swap, by real names (they are in no schema). */
  atSwap: string[];
}

const SESSION_STATEMENT = /^(SET\s|SELECT\s+pg_catalog\.set_config\s*\()/i;
const PUBLICATION = /^(CREATE|ALTER)\s+PUBLICATION\b|^DO\b[\s\S]*\bPUBLICATION\b/i;
/** Default privileges for the whole database (no IN SCHEMA): not inside a staged schema, so they wait for the swap too. */
const DATABASE_DEFAULT_PRIVILEGES = /^ALTER\s+DEFAULT\s+PRIVILEGES\b(?![\s\S]*\bIN\s+SCHEMA\b)/i;
const CONSTRAINT_KIND =
  /^ALTER\s+TABLE\b[\s\S]*?\bADD\s+CONSTRAINT\s+(?:"(?:[^"]|"")*"|\w+)\s+(PRIMARY\s+KEY|UNIQUE|EXCLUDE|CHECK|FOREIGN\s+KEY)\b/i;

export function planPostData(sql: string, renames: ReadonlyMap<string, string>): PostDataPlan {
  const plan: PostDataPlan = { session: [], indexes: [], attachments: [], foreignKeys: [], rest: [], atSwap: [] };
  for (const original of splitStatements(sql)) {
    if (SESSION_STATEMENT.test(original)) plan.session.push(original);
    else if (PUBLICATION.test(original) || DATABASE_DEFAULT_PRIVILEGES.test(original)) plan.atSwap.push(original);
    else {
      const statement = { original, staged: renameSchemas(original, renames), table: builtOn(original) };
      const constraint = CONSTRAINT_KIND.exec(original)?.[1]?.toUpperCase();
      if (/^CREATE\s+(UNIQUE\s+)?INDEX\b/i.test(original) || (constraint && !constraint.startsWith("FOREIGN")))
        plan.indexes.push(statement);
      else if (constraint) plan.foreignKeys.push(statement);
      else if (/^ALTER\s+INDEX\b[\s\S]*\bATTACH\s+PARTITION\b/i.test(original)) plan.attachments.push(statement);
      else plan.rest.push(statement);
    }
  }
  return plan;
}

/** Phase 1: the export's schemas created by their real names, then renamed to staging names; undefined when some object landed outside them. */
async function stageSchemas(ctx: StagedRestoreContext): Promise<Staging | undefined> {
  const { client, before } = ctx;
  const hadPublic = before.some((i) => i.kind === "schema" && i.name === "public");
  await client.query("BEGIN");
  try {
    const ownSchemas = await schemaFacts(client);
    if (hadPublic) await client.query(`ALTER SCHEMA public RENAME TO ${HELD_PUBLIC}; CREATE SCHEMA public`);
    await runScript(client, ctx.folder.schemaSql, SCHEMA_FILE);
    const made = created(before, await inventory(client));
    const schemas = made.filter((i) => i.kind === "schema" && i.name !== HELD_PUBLIC).map((i) => i.name);
    if (hadPublic) schemas.push("public");
    // An object in a schema the target already had, or a grant or comment on one (an admin's `extensions`), cannot be
    // staged by a rename: the caller restores in one transaction.
    const now = await schemaFacts(client);
    const touched = [...ownSchemas].some(([oid, facts]) => now.get(oid) !== facts);
    if (touched || made.some((i) => i.schema !== null && i.schema !== HELD_PUBLIC && !schemas.includes(i.schema))) {
      await client.query("ROLLBACK");
      return undefined;
    }
    const renames = new Map(schemas.map((s, i) => [s, stagedName(s, i)]));
    for (const [real, staged] of renames) await client.query(`ALTER SCHEMA ${quoteIdent(real)} RENAME TO ${quoteIdent(staged)}`);
    if (hadPublic) await client.query(`ALTER SCHEMA ${HELD_PUBLIC} RENAME TO public`);
    await writeStagingRecord(client, {
      runId: ctx.stagingId,
      schemas: Object.fromEntries(renames),
      roles: made.filter((i) => i.kind === "role").map((i) => i.name),
      extensions: made.filter((i) => i.kind === "extension").map((i) => i.name),
      settings: (await databaseSettings(client)).filter((s) => !ctx.settingsBefore.includes(s)),
    });
    killPoint("restore-stage");
    await client.query("COMMIT");
    return { renames, hadPublic };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** Owner, grants and comment of every schema, by OID: what phase 1 must leave as it found it (but for its own rename of `public`). */
async function schemaFacts(client: pg.Client): Promise<Map<string, string>> {
  const { rows } = await client.query<{ oid: string; facts: string }>(
    `select n.oid::text as oid, concat_ws(' ', n.nspowner, n.nspacl, obj_description(n.oid, 'pg_namespace')) as facts
       from pg_catalog.pg_namespace n`,
  );
  return new Map(rows.map((r) => [r.oid, r.facts]));
}

/** Extensions installed in the target's own `public` stay with it, so the export's `public` cannot be staged apart. */
async function publicHoldsExtensions(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ n: number }>(
    "select count(*)::int as n from pg_extension e join pg_namespace n on n.oid = e.extnamespace where n.nspname = 'public'",
  );
  return rows[0]!.n > 0;
}

/** The N loading connections (fewer when the server refuses more), named so a cleanup can end them. */
async function openLoaders(ctx: StagedRestoreContext): Promise<{ loaders: pg.Client[]; replicationRole: boolean }> {
  const loaders: pg.Client[] = [];
  let replicationRole = true;
  try {
    for (let i = 0; i < ctx.jobs; i++) {
      // A server at its connection limit (max_connections, a managed host's per-role limit) still gets the restore, on fewer.
      const loader = await connect(ctx.url, "target", { application_name: LOADER_APPLICATION }).catch((error: unknown) => {
        if (i === 0) throw error;
        return undefined;
      });
      if (!loader) break;
      loaders.push(loader);
      await loader.query(
        `SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0; SET client_min_messages = warning;
         SET maintenance_work_mem = '${loaderMaintenanceMemMb(ctx.jobs)}MB'; SET work_mem = '64MB'; ${LOAD_SETTINGS.join(" ")}`,
      );
      // Superuser only; triggers are created after the rows anyway, so none fire.
      replicationRole = await loader.query("SET session_replication_role = replica").then(
        () => replicationRole,
        () => false,
      );
    }
  } catch (error) {
    await closeAll(loaders);
    throw error;
  }
  return { loaders, replicationRole };
}

async function closeAll(clients: pg.Client[]): Promise<void> {
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
}

/** The job's own error: the server's (or the export's) rather than the queue's wrapper. */
async function unwrapped<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw error instanceof QueueJobError ? error.cause : error;
  }
}

/** One table's rows in its own transaction that truncated it (so COPY may FREEZE). */
async function loadTable(ctx: StagedRestoreContext, staging: Staging, loader: pg.Client, table: TableEntry) {
  const schema = staging.renames.get(table.schema) ?? table.schema;
  await loader.query("BEGIN");
  try {
    await loader.query(`TRUNCATE ONLY ${qualified(schema, table.name)}`);
    const loaded = await copyTableIn(loader, ctx.folder, table, {
      schema,
      freeze: true,
      url: ctx.url,
      onProgress: ctx.onProgress,
    });
    await loader.query("COMMIT");
    return loaded;
  } catch (error) {
    await loader.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** A post-data statement on a loader; a deadlock (another session's locks) is retried, other errors name the statement. */
async function runPostData(loader: pg.Client, statement: PostDataStatement): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await loader.query(statement.staged);
      return;
    } catch (error) {
      if ((error as { code?: string }).code === "40P01" && attempt < 5) continue;
      const shown = statement.original.replace(/\s+/g, " ");
      throw new RestoreStepError(`post-data.sql (${shown.length > 90 ? `${shown.slice(0, 89)}…` : shown})`, error);
    }
  }
}

type RestoreJob = GraphJob &
  (
    | { kind: "load"; table: TableEntry }
    | { kind: "analyze"; relation: string }
    | { kind: "statement"; statements: PostDataStatement[]; point?: string }
  );

/**
 * A job's work as a share of its table's load (COPY) time, as measured on the bench database: an
 * index or key build takes 7-22% of it, a foreign key check 5-12% (of the referencing table's),
 * ANALYZE 2-4%. Only the proportions matter: they order the ready jobs (work-graph.ts).
 */
const LOAD_SHARE = { load: 1, index: 0.15, "foreign-key": 0.1, analyze: 0.03 };

/** How a table's jobs are named and costed in the graph. */
interface JobIndex {
  cost(table: string | undefined, share: number): number;
  /** The load jobs a statement on `table` waits for: its own, or every load when its table is unknown. */
  loadsFor(table: string | undefined): string[];
  /** Index and key jobs by table. */
  indexesOf: Map<string, string[]>;
  allIndexes: string[];
}

/**
 * Phase 2 as one graph: loads, then per table its indexes and keys, its foreign keys once the
 * tables on both ends have theirs, its ANALYZE once its indexes are built (expression indexes have
 * statistics too); attachments of partition indexes wait for every index; the rest of post-data
 * (triggers, policies, comments, grants) runs last, in file order.
 */
export function restoreJobs(tables: TableEntry[], plan: PostDataPlan, gather: StatisticsToGather): RestoreJob[] {
  const bytes = new Map(tables.map((t) => [`${t.schema}.${t.name}`, t.bytes]));
  const index: JobIndex = {
    cost: (table, share) => ((bytes.get(table ?? "") ?? 0) + 1) * share,
    loadsFor: (table) => (table && bytes.has(table) ? [`load:${table}`] : [...bytes.keys()].map((t) => `load:${t}`)),
    indexesOf: new Map(),
    allIndexes: plan.indexes.map((_, i) => `index:${i}`),
  };
  const jobs: RestoreJob[] = tables.map((table) => {
    const key = `${table.schema}.${table.name}`;
    return { id: `load:${key}`, after: [], tables: [key], cost: index.cost(key, LOAD_SHARE.load), kind: "load", table };
  });
  jobs.push(...indexJobs(plan, index));
  if (plan.attachments.length)
    jobs.push({
      id: "attachments",
      after: index.allIndexes,
      tables: [],
      cost: 0,
      kind: "statement",
      statements: plan.attachments,
    });
  jobs.push(...foreignKeyJobs(plan, index));
  const built = jobs.map((j) => j.id);
  jobs.push(...analyzeJobs(tables, gather, index));
  if (plan.rest.length) jobs.push({ id: "rest", after: built, tables: [], cost: 0, kind: "statement", statements: plan.rest });
  return jobs;
}

function indexJobs(plan: PostDataPlan, index: JobIndex): RestoreJob[] {
  return plan.indexes.map((statement, i) => {
    const id = `index:${i}`;
    if (statement.table) index.indexesOf.set(statement.table, [...(index.indexesOf.get(statement.table) ?? []), id]);
    return {
      id,
      after: index.loadsFor(statement.table),
      tables: statement.table ? [statement.table] : [],
      // CREATE INDEX takes a SHARE lock, so several may build on one table; ALTER TABLE … ADD takes it alone.
      shared: /^CREATE\b/i.test(statement.original),
      cost: index.cost(statement.table, LOAD_SHARE.index),
      kind: "statement",
      statements: [statement],
      point: "restore-index",
    };
  });
}

function foreignKeyJobs(plan: PostDataPlan, index: JobIndex): RestoreJob[] {
  return plan.foreignKeys.map((statement, i) => {
    const referenced = referencedTable(statement.original);
    const ends = [...new Set([statement.table, referenced].filter((t): t is string => !!t))];
    // Both ends known: their loads and keys; otherwise every load and every key.
    const keys =
      statement.table && referenced
        ? ends.flatMap((t) => [...index.loadsFor(t), ...(index.indexesOf.get(t) ?? [])])
        : [...index.loadsFor(undefined), ...index.allIndexes];
    return {
      id: `foreign-key:${i}`,
      after: [...keys, ...(plan.attachments.length ? ["attachments"] : [])],
      tables: ends,
      cost: index.cost(statement.table, LOAD_SHARE["foreign-key"]),
      kind: "statement",
      statements: [statement],
      point: "restore-foreign-key",
    };
  });
}

function analyzeJobs(tables: TableEntry[], gather: StatisticsToGather, index: JobIndex): RestoreJob[] {
  const jobs: RestoreJob[] = tables
    .filter((t) => gather.tables.has(`${t.schema}.${t.name}`))
    .map((table) => {
      const key = `${table.schema}.${table.name}`;
      return {
        id: `analyze:${key}`,
        after: [`load:${key}`, ...(index.indexesOf.get(key) ?? [])],
        tables: [key],
        cost: index.cost(key, LOAD_SHARE.analyze),
        kind: "analyze",
        relation: qualified(table.schema, table.name),
      };
    });
  // A partitioned parent samples its partitions: once every table and index is in.
  for (const parent of gather.parents)
    jobs.push({
      id: `analyze:${parent.schema}.${parent.name}`,
      after: [...index.loadsFor(undefined), ...index.allIndexes],
      tables: [`${parent.schema}.${parent.name}`],
      cost: 0,
      kind: "analyze",
      relation: qualified(parent.schema, parent.name),
    });
  return jobs;
}

const REFERENCES = new RegExp(String.raw`\bREFERENCES\s+${IDENT}\.${IDENT}`, "i");

/** The table a foreign key statement points at. */
function referencedTable(statement: string): string | undefined {
  const match = REFERENCES.exec(statement);
  return match ? `${unquote(match[1]!)}.${unquote(match[2]!)}` : undefined;
}

/** Phase 2: every job of the graph on the loaders; returns the rows and bytes loaded. */
async function buildTables(ctx: StagedRestoreContext, staging: Staging, plan: PostDataPlan, loaders: pg.Client[]) {
  for (const loader of loaders) for (const statement of plan.session) await loader.query(statement);
  const tables = ctx.folder.manifest.tables;
  const gather = await statisticsToGather(loaders[0]!, tables, (schema) => staging.renames.get(schema) ?? schema);
  const totals = { rows: 0, bytes: 0 };
  await unwrapped(
    runGraph(restoreJobs(tables, plan, gather), loaders, async (job, loader) => {
      if (job.kind === "load") {
        const loaded = await loadTable(ctx, staging, loader, job.table);
        totals.rows += loaded.rows;
        totals.bytes += loaded.bytes;
      } else if (job.kind === "analyze") await loader.query(`ANALYZE ${renameSchemas(job.relation, staging.renames)}`);
      else
        for (const statement of job.statements) {
          if (job.point) {
            killPoint(job.point);
            failPoint(job.point);
          }
          await runPostData(loader, statement);
        }
    }),
  );
  return totals;
}

/** The sequences to the source's values. */
async function setSequences(ctx: StagedRestoreContext, staging: Staging, loader: pg.Client): Promise<void> {
  const staged = (schema: string, name: string) => qualified(staging.renames.get(schema) ?? schema, name);
  for (const s of ctx.folder.manifest.sequences)
    await loader.query(
      `SELECT pg_catalog.setval(${quoteLiteral(staged(s.schema, s.name))}, ${BigInt(s.lastValue)}, ${s.isCalled})`,
    );
}

interface SchemaFacts {
  owner: string;
  comment: string | null;
  grants: { grantee: string; privilege: string; grantable: boolean }[];
}

/** Owner, comment and grants (other than the owner's own) of the target's `public`, which the export's takes over. */
async function publicSchemaFacts(client: pg.Client): Promise<SchemaFacts> {
  const { rows } = await client.query<SchemaFacts>(
    `select pg_catalog.pg_get_userbyid(n.nspowner) as owner, pg_catalog.obj_description(n.oid, 'pg_namespace') as comment,
            coalesce((select json_agg(json_build_object('grantee', case when a.grantee = 0 then null else pg_catalog.pg_get_userbyid(a.grantee) end,
                                                        'privilege', a.privilege_type, 'grantable', a.is_grantable))
                        from pg_catalog.aclexplode(n.nspacl) a where a.grantee <> n.nspowner), '[]') as grants
       from pg_catalog.pg_namespace n where n.nspname = 'public'`,
  );
  return rows[0]!;
}

async function takeOverPublic(client: pg.Client, facts: SchemaFacts): Promise<void> {
  // The owner (pg_database_owner on PostgreSQL 15+) where the restoring role may give it; else the restoring role keeps it.
  await client.query("SAVEPOINT public_owner");
  await client.query(`ALTER SCHEMA public OWNER TO ${quoteIdent(facts.owner)}`).then(
    () => client.query("RELEASE SAVEPOINT public_owner"),
    () => client.query("ROLLBACK TO SAVEPOINT public_owner"),
  );
  for (const g of facts.grants)
    await client.query(
      `GRANT ${g.privilege} ON SCHEMA public TO ${g.grantee === null ? "PUBLIC" : quoteIdent(g.grantee)}${g.grantable ? " WITH GRANT OPTION" : ""}`,
    );
  if (facts.comment !== null && (await publicSchemaFacts(client)).comment === null)
    await client.query(`COMMENT ON SCHEMA public IS ${quoteLiteral(facts.comment)}`);
}

/** Phase 3: every staged schema takes its real name, the run is marked, one COMMIT makes it all visible. */
async function swap(ctx: StagedRestoreContext, staging: Staging, plan: PostDataPlan) {
  const { client } = ctx;
  await client.query("BEGIN");
  try {
    killPoint("restore-swap");
    failPoint("restore-swap");
    const original = staging.hadPublic ? await publicSchemaFacts(client) : undefined;
    // RESTRICT: should anything have been created in the target's `public` meanwhile, the swap stops and nothing is lost.
    if (original) await client.query("DROP SCHEMA public");
    for (const [real, staged] of staging.renames)
      await client.query(`ALTER SCHEMA ${quoteIdent(staged)} RENAME TO ${quoteIdent(real)}`);
    if (original) await takeOverPublic(client, original);
    await client.query("SELECT pg_catalog.set_config('search_path', '', true)");
    for (const statement of plan.atSwap) await runScript(client, statement, "post-data.sql (publication)");
    await deleteStagingRecord(client, ctx.stagingId);
    const made = created(ctx.before, await inventory(client));
    const settingsAdded = (await databaseSettings(client)).filter((s) => !ctx.settingsBefore.includes(s));
    if (ctx.runId) await writeRestoreMarker(client, ctx.runId, { created: undoList(made), databaseSettings: settingsAdded });
    killPoint("restore-commit");
    await client.query("COMMIT");
    killPoint("restore-committed");
    return { made, settingsAdded };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/**
 * Restores through staging schemas (see the top of this file). Returns undefined, having changed
 * nothing, when the export cannot be staged (an object would land in a schema the target already
 * had, or the target's `public` holds extensions): the caller then restores in one transaction.
 */
export async function stagedRestore(ctx: StagedRestoreContext): Promise<StagedRestoreResult | undefined> {
  if (await publicHoldsExtensions(ctx.client)) return undefined;
  const staging = await stageSchemas(ctx);
  if (!staging) return undefined;
  let loaders: pg.Client[] = [];
  try {
    const opened = await openLoaders(ctx);
    loaders = opened.loaders;
    const plan = planPostData(ctx.folder.postDataSql, staging.renames);
    const totals = await buildTables(ctx, staging, plan, loaders);
    await setSequences(ctx, staging, loaders[0]!);
    await closeAll(loaders);
    const { made, settingsAdded } = await swap(ctx, staging, plan);
    return { ...totals, created: made, settingsAdded, replicationRole: opened.replicationRole };
  } catch (error) {
    await closeAll(loaders);
    // On the coordinating session (it holds the lock), or on a new one if that session was cut (its lock went with it).
    // Best effort: when the target cannot be reached now, the next ownit command's recovery drops it.
    await dropStaged(ctx.client, ctx.stagingId).catch(() => dropStagedRestore(ctx.url, ctx.stagingId).catch(() => {}));
    throw error;
  }
}
