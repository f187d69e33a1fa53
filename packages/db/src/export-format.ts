// The portable export folder every source writes (Supabase Postgres or the Base44 API) and
// restore/verify read:
//   manifest.json   ExportManifest below
//   schema.sql      loads on stock PostgreSQL >= 14 (prelude included)
//   data/<schema>.<table>.copy   COPY text format, one file per table
//   findings.json   Finding[] (what was dropped or needs attention, and why)
import type { Finding } from "@ownit/core";

export const EXPORT_FORMAT_VERSION = 1;

export interface TableEntry {
  schema: string;
  name: string;
  /** Relative path of the COPY file, e.g. data/public.profiles.copy */
  file: string;
  columns: string[];
  /** Primary key columns (empty: rows are ordered by every column for the checksum). */
  primaryKey: string[];
  rowCount: number;
  /** md5 over the rows' text form ordered by the primary key (see verify). */
  checksum: string;
  bytes: number;
}

export interface SequenceEntry {
  schema: string;
  name: string;
  lastValue: string;
  isCalled: boolean;
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
  schemas: string[];
  tables: TableEntry[];
  sequences: SequenceEntry[];
  /** Names of objects by kind, for verify's schema comparison. */
  objects?: Record<string, string[]>;
}

export type ExportFindings = Finding[];
