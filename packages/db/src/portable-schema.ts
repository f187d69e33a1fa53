// Rewrites pg_dump's plain-SQL output so it loads on stock PostgreSQL. pg_dump marks every object
// with a "-- Name: …; Type: …; Schema: …; Owner: …" header; the rewrite works object by object:
// Supabase-only extensions, schemas, publications, event triggers and platform triggers (database
// webhooks) are dropped, grants and owners naming platform roles are removed, psql's
// \restrict/\unrestrict lines and PostgreSQL 17's transaction_timeout go, and what stays is made
// to run on a database that already has the prelude. Each drop is reported as a finding.
import { finding, JWT_PATTERN, SUPABASE_PROJECT_URL, type Finding } from "@ownit/core";
import {
  isCarriedExtension,
  isPlatformRole,
  PLATFORM_FUNCTION_SCHEMAS,
  PRELUDE_FUNCTIONS,
  PRELUDE_OWNED_SCHEMAS,
  REALTIME_APP_PUBLICATION,
  REALTIME_PUBLICATIONS,
  SUPABASE_ONLY_EXTENSIONS,
  SUPABASE_ONLY_SCHEMAS,
  WEBHOOK_FUNCTION,
} from "./supabase-objects";

export interface DumpEntry {
  name: string;
  type: string;
  schema: string;
  owner: string;
  sql: string;
}

export interface ParsedDump {
  /** The SET lines before the first object. */
  header: string;
  entries: DumpEntry[];
}

export interface DroppedObject {
  type: string;
  schema: string;
  name: string;
  reason: string;
}

export interface PortableSchema {
  header: string;
  /** The kept objects' SQL, in pg_dump's order. */
  sql: string;
  /** Statements that must wait until the data is in (FORCE ROW LEVEL SECURITY). */
  deferred: string[];
  dropped: DroppedObject[];
  findings: Finding[];
}

const ENTRY_HEADER = /^--\n-- Name: (.*); Type: ([A-Z][A-Z ]*); Schema: (.*); Owner: (.*)\n--\n/gm;
const PSQL_RESTRICT = /^\\(un)?restrict\b.*\n?/gm;
const DUMP_COMPLETE = /^--\n-- PostgreSQL database dump complete\n--\n/m;
/** SET transaction_timeout exists from PostgreSQL 17; older servers reject it, and 0 is its default anyway. */
const TRANSACTION_TIMEOUT = /^SET transaction_timeout = .*;\n/m;

export function parseDump(text: string): ParsedDump {
  const clean = text.replace(PSQL_RESTRICT, "").replace(DUMP_COMPLETE, "");
  const matches = [...clean.matchAll(ENTRY_HEADER)];
  const header = clean.slice(0, matches[0]?.index ?? clean.length);
  const entries = matches.map((m, i) => ({
    name: m[1]!,
    type: m[2]!,
    schema: m[3]!,
    owner: m[4]!,
    sql: clean.slice(m.index! + m[0].length, matches[i + 1]?.index ?? clean.length),
  }));
  return { header, entries };
}

const ABOUT_OBJECT = ["COMMENT", "ACL", "SECURITY LABEL"];
const OBJECT_REFERENCE =
  /^(EVENT TRIGGER|MATERIALIZED VIEW|FOREIGN TABLE|FOREIGN DATA WRAPPER|TEXT SEARCH \w+|LARGE OBJECT|ACCESS METHOD|[A-Z]+) (.*)$/;

const ident = String.raw`(?:"(?:[^"]|"")+"|[^\s.("]+)`;
const TRIGGER_FUNCTION = new RegExp(String.raw`EXECUTE (?:FUNCTION|PROCEDURE) (${ident})\.(${ident})\(`);
const unquote = (name: string) => (name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name);

const ROLE = String.raw`("(?:[^"]|"")+"|[\w$]+)`;
const FOR_ROLE = new RegExp(String.raw`\bFOR ROLE ${ROLE}`, "i");
const OWNER_TO = new RegExp(String.raw`\bOWNER TO ${ROLE};$`, "i");
const GRANTEE = new RegExp(String.raw`\b(?:TO|FROM) ${ROLE}(?: WITH GRANT OPTION)?;$`, "i");

/** The roles a GRANT, REVOKE, ALTER DEFAULT PRIVILEGES or OWNER TO line names. */
function rolesIn(line: string): string[] {
  return [FOR_ROLE, OWNER_TO, GRANTEE]
    .map((re) => re.exec(line)?.[1])
    .filter((r): r is string => r !== undefined)
    .map(unquote);
}

/** Removes grants and owners naming platform roles; `FOR ROLE postgres` becomes the restoring role. */
function stripPlatformRoles(sql: string): { sql: string; removed: string[] } {
  const removed: string[] = [];
  const lines = sql.split("\n").flatMap((original) => {
    if (!/^(GRANT|REVOKE|ALTER DEFAULT PRIVILEGES)\b|^ALTER [A-Z ]+ .+ OWNER TO /.test(original)) return [original];
    // Default privileges Supabase set up for postgres apply to whoever restores the export.
    const line = original.replace(/^ALTER DEFAULT PRIVILEGES FOR ROLE "?postgres"? /, "ALTER DEFAULT PRIVILEGES ");
    if (rolesIn(line).some(isPlatformRole)) {
      removed.push(line);
      return [];
    }
    return [line];
  });
  return { sql: lines.join("\n"), removed };
}

function firstUrl(text: string): string | undefined {
  return text.match(/https?:\/\/[^\s'"`,)]+/)?.[0];
}

function oneLine(sql: string): string {
  return sql.replace(/\s+/g, " ").trim();
}

/** A dump entry with the object it is about (a COMMENT, ACL or SECURITY LABEL names another object). */
interface ClassifiedEntry extends DumpEntry {
  target: string;
  targetKind: string;
}

/**
 * Why an entry is left out of the portable schema, or undefined to keep it. Each rule names one
 * thing stock PostgreSQL lacks; the first that matches decides, and may add a finding for the owner.
 */
type DropRule = (entry: ClassifiedEntry, findings: Finding[]) => string | undefined;

const SUPABASE_ONLY_SCHEMA_SET = new Set<string>(SUPABASE_ONLY_SCHEMAS);
const PLATFORM_FUNCTION_SCHEMA_SET = new Set<string>(PLATFORM_FUNCTION_SCHEMAS);
const PRELUDE_FUNCTION_SET = new Set<string>(PRELUDE_FUNCTIONS);

const inSupabaseOnlySchema: DropRule = ({ schema, target, targetKind }) => {
  if (SUPABASE_ONLY_SCHEMA_SET.has(schema)) return `in schema ${schema}, which exists only on Supabase`;
  if (targetKind === "SCHEMA" && SUPABASE_ONLY_SCHEMA_SET.has(target)) return `schema ${target} exists only on Supabase`;
  if ((PRELUDE_OWNED_SCHEMAS as readonly string[]).includes(schema))
    return `Supabase's platform object in schema ${schema} (the prelude recreates the schema with its extensions)`;
  return undefined;
};

const platformExtension: DropRule = ({ type, target, targetKind }, findings) => {
  if (targetKind !== "EXTENSION" || isCarriedExtension(target)) return undefined;
  if (type === "EXTENSION" && SUPABASE_ONLY_EXTENSIONS[target]) {
    findings.push(
      finding({
        severity: "low",
        code: "supabase-extension-dropped",
        message: `extension ${target} exists only on Supabase and was left out`,
        hint: SUPABASE_ONLY_EXTENSIONS[target],
      }),
    );
  }
  return SUPABASE_ONLY_EXTENSIONS[target] ?? "installed by the platform for itself";
};

const eventTrigger: DropRule = ({ type, name, targetKind }, findings) => {
  if (targetKind !== "EVENT TRIGGER") return undefined;
  if (type === "EVENT TRIGGER")
    findings.push(
      finding({
        severity: "info",
        code: "event-trigger-dropped",
        message: `event trigger ${name} was left out: Supabase's platform uses it`,
        hint: "nothing to do unless you wrote it yourself",
      }),
    );
  return "event triggers belong to the platform (PostgREST's schema reload, extension grants)";
};

const realtimePublication: DropRule = ({ type, schema, name }, findings) => {
  const publication = name.split(" ")[0]!;
  if (!type.startsWith("PUBLICATION") || !(REALTIME_PUBLICATIONS as readonly string[]).includes(publication)) return undefined;
  if (type === "PUBLICATION TABLE" && publication === REALTIME_APP_PUBLICATION) {
    findings.push(
      finding({
        severity: "info",
        code: "realtime-table",
        message: `${schema}.${name.split(" ").slice(1).join(" ")} stays published to ${publication}: Realtime's postgres_changes keep working where a Realtime server reads the target (docker-compose runs one)`,
        hint: "the target needs wal_level = logical and the wal2json plugin for Realtime (the compose db image has both)",
      }),
    );
  }
  // The app's publication is recreated from the source's catalog after the data (realtime-publication.ts:
  // pg_dump leaves it out of schema dumps, and a Supabase target already has one). Realtime's own
  // broadcast publication lists tables in its realtime schema, which the Realtime service creates itself.
  return publication === REALTIME_APP_PUBLICATION
    ? "recreated after the data from the source's catalog"
    : "Supabase Realtime's own broadcast publication (the Realtime service creates it)";
};

const pgsodiumLabel: DropRule = ({ type, sql }) =>
  type === "SECURITY LABEL" && /SECURITY LABEL FOR pgsodium\b/.test(sql) ? "pgsodium's column encryption label" : undefined;

/** A trigger that runs a function of Supabase's platform schemas: a database webhook (pg_net) or platform bookkeeping. */
const platformTrigger: DropRule = ({ type, schema, name, sql }, findings) => {
  if (type !== "TRIGGER") return undefined;
  const m = TRIGGER_FUNCTION.exec(sql);
  const fnSchema = m ? unquote(m[1]!) : schema;
  if (!m || !PLATFORM_FUNCTION_SCHEMA_SET.has(fnSchema)) return undefined;
  const fn = `${fnSchema}.${unquote(m[2]!)}`;
  const [table, ...rest] = name.split(" ");
  const trigger = rest.join(" ");
  if (fn === WEBHOOK_FUNCTION) {
    const url = firstUrl(sql) ?? "an HTTP endpoint";
    findings.push(
      finding({
        severity: "high",
        code: "database-webhook-dropped",
        message: `database webhook ${trigger} on ${schema}.${table} (calls ${url}) was left out: it runs on Supabase's pg_net`,
        hint: `call the endpoint from your app after the write, or recreate the trigger where pg_net runs: ${oneLine(sql)}`,
      }),
    );
    return "a database webhook: Supabase's supabase_functions.http_request calls pg_net";
  }
  findings.push(
    finding({
      severity: "info",
      code: "platform-trigger-dropped",
      message: `trigger ${trigger} on ${schema}.${table} runs ${fn} from Supabase's platform and was left out`,
      hint: "nothing to do: it maintains Supabase's own bookkeeping",
    }),
  );
  return `runs ${fn}, part of Supabase's ${fnSchema} schema`;
};

/** The stock comment on schema public: setting it needs ownership of schema public. */
const publicSchemaComment: DropRule = ({ type, name }) =>
  type === "COMMENT" && name === "SCHEMA public" ? "the stock comment on schema public" : undefined;

const DROP_RULES: DropRule[] = [
  inSupabaseOnlySchema,
  platformExtension,
  eventTrigger,
  realtimePublication,
  pgsodiumLabel,
  platformTrigger,
  publicSchemaComment,
];

/** A kept entry's SQL as it loads on stock PostgreSQL over the prelude; forced RLS goes to `deferred`. */
function portableEntrySql({ type, schema, name, sql }: DumpEntry, deferred: string[]): string {
  if (type === "SCHEMA") sql = sql.replace(/^CREATE SCHEMA (?!IF NOT EXISTS)/m, "CREATE SCHEMA IF NOT EXISTS ");
  if (type === "FUNCTION" && PRELUDE_FUNCTION_SET.has(`${schema}.${name.replace(/\(.*$/, "")}`))
    sql = sql.replace(/^CREATE FUNCTION /m, "CREATE OR REPLACE FUNCTION ");
  if (type === "TABLE") {
    sql = sql.replace(/^ALTER TABLE ONLY (.+) FORCE ROW LEVEL SECURITY;\n/gm, (line) => {
      // Forced RLS would stop the owner's COPY: applied once the rows are in.
      deferred.push(line.trim());
      return "";
    });
  }
  return sql;
}

/** Makes a pg_dump script portable. Run it once per pg_dump output (each section). */
export function portableSchema(dumpText: string): PortableSchema {
  const { header, entries } = parseDump(dumpText);
  const dropped: DroppedObject[] = [];
  const findings: Finding[] = [];
  const deferred: string[] = [];
  const kept: string[] = [];

  for (const entry of entries) {
    const { type, schema, name } = entry;
    // COMMENT, ACL and SECURITY LABEL entries are named after the object they are about.
    const about = ABOUT_OBJECT.includes(type) ? OBJECT_REFERENCE.exec(name) : null;
    const classified: ClassifiedEntry = { ...entry, target: about ? about[2]! : name, targetKind: about ? about[1]! : type };
    let reason: string | undefined;
    for (const rule of DROP_RULES) if ((reason = rule(classified, findings)) !== undefined) break;
    if (reason !== undefined) {
      dropped.push({ type, schema, name, reason });
      continue;
    }
    const stripped = stripPlatformRoles(portableEntrySql(entry, deferred));
    for (const line of stripped.removed)
      dropped.push({ type: "GRANT", schema, name: line, reason: "names a Supabase platform role" });
    // An ACL entry whose every grant named a platform role has nothing left to say.
    if (!stripped.sql.trim()) continue;
    kept.push(`--\n-- Name: ${name}; Type: ${type}; Schema: ${schema}; Owner: -\n--\n${stripped.sql}`);
  }

  let cleanHeader = header;
  if (TRANSACTION_TIMEOUT.test(header)) {
    cleanHeader = header.replace(TRANSACTION_TIMEOUT, "");
    dropped.push({ type: "SET", schema: "-", name: "transaction_timeout", reason: "PostgreSQL 17+ only; 0 is the default" });
  }
  return { header: cleanHeader, sql: kept.join(""), deferred, dropped, findings };
}

/** One finding per kind of bulk removal (grants, whole schemas), over one or more rewrites. */
export function summarizeDropped(dropped: DroppedObject[]): Finding[] {
  const findings: Finding[] = [];
  const grants = dropped.filter((d) => d.type === "GRANT").length;
  if (grants) {
    findings.push(
      finding({
        severity: "info",
        code: "platform-grants-dropped",
        message: `${grants} grant(s) and owner(s) naming Supabase's platform roles (supabase_*, dashboard_user, postgres, ...) were left out`,
        hint: "the role that restores the export owns everything; grants to anon, authenticated and service_role are kept",
      }),
    );
  }
  const onlySupabase = new Set<string>(SUPABASE_ONLY_SCHEMAS);
  const schemas = [
    ...new Set(dropped.map((d) => (d.type === "SCHEMA" ? d.name : d.schema)).filter((s) => onlySupabase.has(s))),
  ].sort();
  if (schemas.length) {
    findings.push(
      finding({
        severity: "info",
        code: "supabase-schema-dropped",
        message: `objects in Supabase-only schemas were left out: ${schemas.join(", ")}`,
        hint: "they belong to Supabase's services (GraphQL, Vault, pg_net, pg_cron, Realtime)",
      }),
    );
  }
  return findings;
}

/** A project URL with the path after it, up to where a SQL string or a call ends. */
const PROJECT_URL_WITH_PATH = new RegExp(`${SUPABASE_PROJECT_URL.source}(?:\\/[^\\s'"\`)]*)?`, "gi");

/** Supabase project URLs and whether a JWT is pasted in, for findings about SQL that calls out. */
export function describeCallout(sql: string): { urls: string[]; hasJwt: boolean } {
  const urls = [...new Set([...sql.matchAll(PROJECT_URL_WITH_PATH)].map((m) => m[0]))];
  return { urls, hasJwt: new RegExp(JWT_PATTERN.source).test(sql) };
}
