// Files a Base44 app uploaded (UploadFile answers a URL on Base44's storage, which records keep):
// finding those URLs in records, downloading them into the export (storage/base44/…), and the SQL
// that records the mapping and rewrites the URLs at restore time to wherever the owner serves the
// files from:
//   SELECT ownit.rewrite_base44_file_urls('https://my-app.example.com/files/');
// replaces every recorded URL with that base + the file's path under storage/base44/ (run it after
// `ownit verify`: it changes rows, so the checksums no longer match the dump's).
import path from "node:path";
import { sha256 } from "@ownit/core";
import { connect } from "../connection";
import { STORAGE_DIR } from "../export-format";
import { saveResponseBody } from "../storage";
import { BASE44_FILE_HOSTS, BASE44_FILE_URL_PATHS } from "./constants";
import { quoteIdent, quoteLiteral } from "../sql";

/** Schema and table of the URL mapping, and the function that rewrites the URLs. */
export const BASE44_FILES_SCHEMA = "ownit";
export const BASE44_FILES_TABLE = "base44_files";
export const BASE44_REWRITE_FUNCTION = "rewrite_base44_file_urls";
/** Where downloaded files go inside the export. */
export const BASE44_FILES_DIR = `${STORAGE_DIR}/base44`;

/** Columns of ownit.base44_files, in COPY order. */
export const BASE44_FILES_COLUMNS = ["url", "path", "bytes", "sha256", "content_type", "locations"] as const;

export interface FileLocation {
  table: string;
  column: string;
  /** text or jsonb: how the rewrite reads the column. */
  type: "text" | "jsonb";
}

export interface DownloadedFile {
  url: string;
  /** Path under storage/base44/, URL-encoded per segment (so base + path is a URL). */
  path: string;
  /** The file in the export, relative to its root. */
  file: string;
  bytes: number;
  sha256: string;
  contentType?: string;
  locations: FileLocation[];
}

/** Whether a URL is a Base44 upload: on Base44's storage hosts (or the API server itself) with a storage path. */
export function isBase44FileUrl(url: string, serverOrigin?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return false;
  const hostOk =
    BASE44_FILE_HOSTS.some((re) => re.test(parsed.hostname)) || (serverOrigin !== undefined && parsed.origin === serverOrigin);
  return hostOk && BASE44_FILE_URL_PATHS.some((re) => re.test(parsed.pathname));
}

const URL_IN_TEXT = /https?:\/\/[^\s"'<>()[\]{}]+/g;

/** Base44 file URLs inside a value (strings anywhere in it, including inside longer text). */
export function fileUrlsIn(value: unknown, serverOrigin: string | undefined, out: Set<string> = new Set()): Set<string> {
  if (typeof value === "string") {
    if (value.includes("://")) {
      for (const m of value.matchAll(URL_IN_TEXT)) {
        const url = m[0].replace(/[.,;:!?]+$/, "");
        if (isBase44FileUrl(url, serverOrigin)) out.add(url);
      }
    }
  } else if (Array.isArray(value)) for (const v of value) fileUrlsIn(v, serverOrigin, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) fileUrlsIn(v, serverOrigin, out);
  return out;
}

/** Where a URL's file is kept: the last two path segments (app id / stored name), decoded for the disk and encoded for URLs. */
export function storagePathFor(url: string, taken: Set<string>): { path: string; segments: string[] } {
  const parsed = new URL(url);
  const raw = parsed.pathname.split("/").filter(Boolean).slice(-2);
  let segments = raw.map((s) => {
    let decoded = s;
    try {
      decoded = decodeURIComponent(s);
    } catch {
      // keep it encoded
    }
    return decoded.replace(/[\\/\u0000]/g, "_").replace(/^\.+$/, "_") || "_";
  });
  let key = segments.join("/");
  if (taken.has(key)) {
    const tag = sha256(url).slice(0, 8);
    segments = [...segments.slice(0, -1), `${tag}_${segments.at(-1)}`];
    key = segments.join("/");
  }
  taken.add(key);
  return { path: segments.map(encodeURIComponent).join("/"), segments };
}

/** Streams a download to disk, hashing it on the way. */
export async function saveDownload(
  response: Response,
  exportDir: string,
  segments: string[],
): Promise<{ file: string; bytes: number; sha256: string }> {
  const file = path.posix.join(BASE44_FILES_DIR, ...segments);
  return { file, ...(await saveResponseBody(response, path.join(exportDir, ...file.split("/")))) };
}

/**
 * The SQL that holds the mapping and rewrites URLs: a table in schema `ownit` (its rows come
 * from data/ownit.base44_files.copy like any other table) and the function. Longer URLs are
 * replaced first so a URL that is the prefix of another never breaks it.
 */
export function filesSchemaSql(): string {
  const schema = quoteIdent(BASE44_FILES_SCHEMA);
  const table = `${schema}.${quoteIdent(BASE44_FILES_TABLE)}`;
  return `CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE ${table} (
  "url" text PRIMARY KEY,
  "path" text NOT NULL,
  "bytes" bigint NOT NULL,
  "sha256" text NOT NULL,
  "content_type" text,
  "locations" jsonb NOT NULL
);
COMMENT ON TABLE ${table} IS ${quoteLiteral("Files Base44 stored for this app: original URL, path under the export's storage/base44/, and the columns that mention it")};
CREATE FUNCTION ${schema}.${quoteIdent(BASE44_REWRITE_FUNCTION)}(new_base text) RETURNS bigint
LANGUAGE plpgsql AS $rewrite$
DECLARE
  loc record;
  f record;
  n bigint;
  changed bigint := 0;
BEGIN
  IF new_base IS NULL OR new_base = '' THEN
    RAISE EXCEPTION 'give the base URL the files are served from, e.g. https://my-app.example.com/files/';
  END IF;
  IF right(new_base, 1) <> '/' THEN new_base := new_base || '/'; END IF;
  FOR loc IN SELECT DISTINCT l->>'table' AS tbl, l->>'column' AS col, l->>'type' AS typ
             FROM ${table} x, jsonb_array_elements(x.locations) l LOOP
    FOR f IN SELECT x.url, x.path FROM ${table} x
             WHERE x.locations @> jsonb_build_array(jsonb_build_object('table', loc.tbl, 'column', loc.col))
             ORDER BY length(x.url) DESC LOOP
      IF loc.typ = 'jsonb' THEN
        EXECUTE format('UPDATE public.%I SET %I = replace(%I::text, $1, $2)::jsonb WHERE strpos(%I::text, $1) > 0', loc.tbl, loc.col, loc.col, loc.col)
          USING f.url, new_base || f.path;
      ELSE
        EXECUTE format('UPDATE public.%I SET %I = replace(%I, $1, $2) WHERE strpos(%I, $1) > 0', loc.tbl, loc.col, loc.col, loc.col)
          USING f.url, new_base || f.path;
      END IF;
      GET DIAGNOSTICS n = ROW_COUNT;
      changed := changed + n;
    END LOOP;
  END LOOP;
  RETURN changed;
END
$rewrite$;
COMMENT ON FUNCTION ${schema}.${quoteIdent(BASE44_REWRITE_FUNCTION)}(text) IS ${quoteLiteral("Points every Base44 file URL at new_base || path (serve the export's storage/base44/ folder there); returns the rows changed")};
`;
}

/**
 * Points the restored records at the owner's copy of the files: every URL recorded in
 * ownit.base44_files becomes baseUrl + its path under storage/base44/. Returns the rows changed.
 * Run it after `ownit verify` (it changes rows the manifest's checksums describe).
 */
export async function rewriteBase44FileUrls(targetUrl: string, baseUrl: string): Promise<number> {
  const client = await connect(targetUrl, "target");
  try {
    const { rows } = await client.query<{ changed: string }>(
      `SELECT ${quoteIdent(BASE44_FILES_SCHEMA)}.${quoteIdent(BASE44_REWRITE_FUNCTION)}($1) AS changed`,
      [baseUrl],
    );
    return Number(rows[0]!.changed);
  } finally {
    await client.end().catch(() => {});
  }
}
