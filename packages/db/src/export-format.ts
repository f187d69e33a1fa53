// The portable export folder every source writes (Supabase Postgres or the Base44 API) and
// restore/verify read:
//   manifest.json   ExportManifest below
//   schema.sql      the prelude and every table, type and function: loads on stock PostgreSQL >= 14
//   post-data.sql   (optional) constraints, indexes, triggers, policies: applied after the data, so
//                   triggers do not fire on restored rows and indexes are built once
//   data/<schema>.<table>.copy   one file per table, rows in primary-key order: COPY binary where
//                   every column's type reads the same on any server (copy-format.ts), else COPY text
//   findings.json   Finding[] (what was dropped or needs attention, and why)
//   restore.sql     a psql script loading all of it in one transaction (run from inside the folder)
//   storage/<bucket>/<path>      files downloaded from Supabase Storage, when a key was given
//   .gitignore      `*`: the folder holds user data and password hashes, never to be committed
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { OwnitError, redactUrl, TOOL_VERSION, type Finding, EXPORT_DIR } from "@ownit/core";
import { knownChecksum } from "./checksum";
import { copyOptions, type CopyFormat } from "./copy-format";
import { quoteIdent, quoteLiteral, qualified } from "./sql";

/**
 * 1: every data file is COPY text. 2: a table may be COPY binary (its entry says `format`). An
 * export is written at the lowest version that describes it, so an older ownit still reads an
 * all-text export and refuses a binary one with its one-line `export-version` error.
 */
export const EXPORT_FORMAT_VERSION = 2;

export function formatVersionOf(tables: TableEntry[]): number {
  return tables.some((t) => t.format === "binary") ? 2 : 1;
}

export const MANIFEST_FILE = "manifest.json";
export const SCHEMA_FILE = "schema.sql";
export const POST_DATA_FILE = "post-data.sql";
export const FINDINGS_FILE = "findings.json";
export const RESTORE_SCRIPT = "restore.sql";
export const DATA_DIR = "data";
export const STORAGE_DIR = "storage";

export interface TableEntry {
  schema: string;
  name: string;
  /** Relative path of the COPY file, e.g. data/public.profiles.copy */
  file: string;
  /** Columns in the COPY file, in order (generated columns are left out: the target computes them). */
  columns: string[];
  /** Primary key columns (empty: rows are ordered by their whole text form for the checksum). */
  primaryKey: string[];
  rowCount: number;
  /** "xxh128:<hex>" over the rows' COPY data ordered by the primary key (see checksum.ts); bare md5 hex in older exports. */
  checksum: string;
  bytes: number;
  /** The file's COPY format: text when absent (format 2). */
  format?: CopyFormat;
  /** Binary: the columns holding arrays (the checksum reads each array's has-nulls flag as 0). */
  arrayColumns?: string[];
}

export interface SequenceEntry {
  schema: string;
  name: string;
  lastValue: string;
  isCalled: boolean;
}

export interface ExtensionEntry {
  name: string;
  schema: string;
  version?: string;
}

export interface StorageEntry {
  bucket: string;
  name: string;
  /** Relative path in the export, e.g. storage/avatars/<user>/me.png */
  file: string;
  bytes: number;
  sha256: string;
}

export interface ExportManifest {
  formatVersion: number;
  toolVersion: string;
  source: {
    kind: "supabase" | "postgres" | "base44";
    /** Redacted connection string or API base URL. */
    location: string;
    serverVersion?: string;
    appId?: string;
  };
  snapshotTime: string;
  /** App schemas, dumped whole. Tables outside them (auth.users, ...) are listed in `tables`. */
  schemas: string[];
  tables: TableEntry[];
  sequences: SequenceEntry[];
  /** Extensions the schema needs on the target, created by the prelude. */
  extensions?: ExtensionEntry[];
  /** Names of objects by kind, for verify's schema comparison (see schemaObjects). */
  objects?: Record<string, string[]>;
  storage?: StorageEntry[];
  /** A follow-ready dump: the logical replication slot whose snapshot it read (see `ownit follow`). */
  replication?: {
    slot: string;
    lsn: string;
    /** Publications made before the slot; the subscription reads them all. */
    publications: string[];
    /** Keyless tables set to REPLICA IDENTITY FULL for following (put back when it ends). */
    replicaIdentityFull: string[];
    /** Keyless tables with a column type without equality: only their inserts stream. */
    insertOnly: string[];
  };
}

export type ExportFindings = Finding[];

export interface ExportFolder {
  dir: string;
  manifest: ExportManifest;
  schemaSql: string;
  /** Empty when the export has no post-data.sql. */
  postDataSql: string;
  findings: Finding[];
}

/** data/<schema>.<table>.copy, with characters a file name or psql's \copy would trip on replaced. */
export function dataFileName(schema: string, table: string): string {
  const raw = `${schema}.${table}`;
  const safe = raw.replace(/[^A-Za-z0-9_.-]/g, "_");
  if (safe === raw) return `${DATA_DIR}/${raw}.copy`;
  // Different names must not collapse onto one file.
  const tag = Buffer.from(raw).toString("hex").slice(0, 8);
  return `${DATA_DIR}/${safe}-${tag}.copy`;
}

/**
 * Refuses an export destination that holds something (unless force: the finished export replaces
 * it) or is not a folder. Dumps call it before reading anything from the source.
 */
export function checkExportDestination(outDir: string, force: boolean | undefined): void {
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory())
    throw new OwnitError("export-exists", `${outDir} exists and is not a folder`, "pass another --out");
  if (readdirSync(outDir).length && !force)
    throw new OwnitError(
      "export-exists",
      `${outDir} already exists and is not empty`,
      "pass another --out, or --force to replace it",
    );
}

/** A JSON file of an export, or a one-line error naming it. */
function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new OwnitError("export-invalid", `${file} is not valid JSON: ${(error as Error).message}`, "dump the database again");
  }
}

/** Reads and checks an export folder: manifest, schema and every data file it names. */
export function readExport(dir: string): ExportFolder {
  const abs = path.resolve(dir);
  const manifestFile = path.join(abs, MANIFEST_FILE);
  if (!existsSync(manifestFile)) {
    throw new OwnitError(
      "export-not-found",
      `${manifestFile} not found: ${dir} is not an ownit export`,
      `pass the folder \`ownit dump\` wrote (default ./${EXPORT_DIR})`,
    );
  }
  const manifest = readJsonFile(manifestFile) as ExportManifest;
  const version = manifest?.formatVersion;
  if (!Number.isInteger(version) || version < 1 || version > EXPORT_FORMAT_VERSION) {
    throw new OwnitError(
      "export-version",
      `${manifestFile} has export format ${version}; this ownit reads formats 1 to ${EXPORT_FORMAT_VERSION}`,
      "use the ownit version that wrote it, or dump again",
    );
  }
  if (!Array.isArray(manifest.tables) || !Array.isArray(manifest.sequences) || !Array.isArray(manifest.schemas)) {
    throw new OwnitError(
      "export-invalid",
      `${manifestFile} lacks its schemas, tables or sequences list`,
      "dump the database again",
    );
  }
  const schemaFile = path.join(abs, SCHEMA_FILE);
  if (!existsSync(schemaFile)) throw new OwnitError("export-invalid", `${schemaFile} is missing`, "dump the database again");
  for (const table of manifest.tables) {
    if (table.format !== undefined && !(version >= 2 && (table.format === "text" || table.format === "binary"))) {
      throw new OwnitError(
        "export-version",
        `${manifestFile}: ${table.schema}.${table.name} is in a COPY format ("${String(table.format)}") export format ${version} does not have`,
        `use the ownit version that wrote it (toolVersion ${manifest.toolVersion} in the manifest), or dump again`,
      );
    }
    const arrays: unknown = table.arrayColumns;
    if (
      arrays !== undefined &&
      (table.format !== "binary" || !Array.isArray(arrays) || arrays.some((c) => !table.columns.includes(c as string)))
    ) {
      throw new OwnitError(
        "export-invalid",
        `${manifestFile}: the arrayColumns of ${table.schema}.${table.name} are not columns of its binary file`,
        "dump the database again",
      );
    }
    if (!knownChecksum(String(table.checksum ?? ""))) {
      throw new OwnitError(
        "export-version",
        `${manifestFile}: the checksum of ${table.schema}.${table.name} ("${String(table.checksum).slice(0, 24)}…") is taken with a hash this ownit does not know`,
        `use the ownit version that wrote it (toolVersion ${manifest.toolVersion} in the manifest), or dump again`,
      );
    }
    if (!existsSync(path.join(abs, table.file))) {
      throw new OwnitError(
        "export-invalid",
        `${path.join(abs, table.file)} (rows of ${table.schema}.${table.name}) is missing`,
        "dump the database again",
      );
    }
  }
  const postDataFile = path.join(abs, POST_DATA_FILE);
  const findingsFile = path.join(abs, FINDINGS_FILE);
  return {
    dir: abs,
    manifest,
    schemaSql: readFileSync(schemaFile, "utf8"),
    postDataSql: existsSync(postDataFile) ? readFileSync(postDataFile, "utf8") : "",
    findings: existsSync(findingsFile) ? (readJsonFile(findingsFile) as Finding[]) : [],
  };
}

/**
 * Writes manifest.json, and with it restore.sql and the folder's .gitignore, so every export (from
 * any source) can be loaded with psql alone and is never committed by accident.
 */
export function writeManifest(dir: string, manifest: ExportManifest): void {
  const abs = path.resolve(dir);
  mkdirSync(abs, { recursive: true });
  const clean: ExportManifest = { ...manifest, source: { ...manifest.source, location: redactUrl(manifest.source.location) } };
  writeFileSync(path.join(abs, MANIFEST_FILE), `${JSON.stringify(clean, null, 2)}\n`);
  writeFileSync(path.join(abs, RESTORE_SCRIPT), restoreScript(clean, existsSync(path.join(abs, POST_DATA_FILE))));
  writeFileSync(path.join(abs, ".gitignore"), "# ownit export: user data and password hashes, never committed\n*\n");
}

export function writeFindings(dir: string, findings: Finding[]): void {
  writeFileSync(path.join(path.resolve(dir), FINDINGS_FILE), `${JSON.stringify(findings, null, 2)}\n`);
}

/** Session settings for loading COPY data exactly as it was written (see checksum.ts). */
export const LOAD_SETTINGS = [
  "SET client_encoding = 'UTF8';",
  "SET DateStyle = 'ISO, YMD';",
  "SET IntervalStyle = 'postgres';",
  "SET TimeZone = 'UTC';",
];

/** The psql script: schema, every table with \copy, post-data, sequences, in one transaction. */
export function restoreScript(manifest: ExportManifest, hasPostData: boolean): string {
  const lines = [
    `-- Loads this export into the database psql is connected to, in one transaction: it all`,
    `-- lands or nothing does. Run it from inside this folder, into an empty database:`,
    `--   psql "postgres://user:password@host:5432/dbname" -v ON_ERROR_STOP=1 -f ${RESTORE_SCRIPT}`,
    `-- Written by ownit ${TOOL_VERSION} from ${manifest.source.location}, snapshot ${manifest.snapshotTime}.`,
    `\\set ON_ERROR_STOP on`,
    `BEGIN;`,
    `\\ir ${SCHEMA_FILE}`,
    ...LOAD_SETTINGS,
    ...manifest.tables.map(
      (t) =>
        `\\copy ${qualified(t.schema, t.name)} (${t.columns.map(quoteIdent).join(", ")}) FROM '${t.file.replace(/'/g, "''")}'${copyOptions(t.format)}`,
    ),
  ];
  if (hasPostData) lines.push(`\\ir ${POST_DATA_FILE}`);
  if (manifest.sequences.length) {
    // In a DO block so psql prints no result per sequence.
    lines.push("DO $$", "BEGIN");
    for (const s of manifest.sequences)
      lines.push(`  PERFORM pg_catalog.setval(${quoteLiteral(qualified(s.schema, s.name))}, ${s.lastValue}, ${s.isCalled});`);
    lines.push("END $$;");
  }
  lines.push(`COMMIT;`, ``);
  return lines.join("\n");
}
