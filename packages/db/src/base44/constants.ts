// What Base44's HTTP API and records look like, as named data. Verified against @base44/sdk 0.8.3
// to 0.8.50 (dist/), the Base44 CLI's REST calls and docs.base44.com; everything else in
// packages/db/src/base44 reads these instead of spelling the strings out.

/**
 * Where the REST API lives. The SDK defaults to https://base44.app; the API-key examples Base44
 * itself generates ("JavaScript Example: Reading Entities") and the App Management API use
 * https://app.base44.com. Both serve `/api/apps/{appId}/…`; the dump defaults to the latter.
 */
export const BASE44_DEFAULT_SERVER_URL = "https://app.base44.com";

/** The environment variable `ownit dump base44` reads the owner's API key from unless told another. */
export const BASE44_TOKEN_ENV = "BASE44_API_KEY";

/** Request headers. `api_key` carries a personal API key, `Authorization: Bearer` a user or service JWT. */
export const BASE44_HEADERS = {
  apiKey: "api_key",
  appId: "X-App-Id",
  /** `dev` selects the app's test data (the SDK forwards only `dev` or `prod`). */
  dataEnv: "X-Data-Env",
} as const;

export type Base44DataEnv = "prod" | "dev";

/** Page sizes: both list shapes cap a page at 5,000 records; v2/list defaults to 100, the array form to 5,000. */
export const BASE44_PAGE = {
  max: 5000,
  cursorDefault: 100,
  arrayDefault: 5000,
  /** What the dump asks for per page: big pages mean fewer requests against the ~100/minute budget. */
  dump: 5000,
} as const;

/** The default sort of every list (newest first). */
export const BASE44_DEFAULT_SORT = "-created_date";

/**
 * Fields Base44 adds to every record. `is_deleted`, `deleted_date`, `entity_name`, `app_id` and
 * `environment` are internal: never returned by the API, but rules may name them.
 */
export const BASE44_BUILT_IN_FIELDS = ["id", "created_date", "updated_date", "created_by", "created_by_id", "is_sample"] as const;
export const BASE44_INTERNAL_FIELDS = ["is_deleted", "deleted_date", "entity_name", "app_id", "environment"] as const;

/** The built-in User entity's own fields (custom fields come from User.jsonc / the entity-schemas API). */
export const BASE44_USER_FIELDS = [
  "id",
  "email",
  "full_name",
  "role",
  "disabled",
  "is_verified",
  "created_date",
  "updated_date",
] as const;
export const BASE44_USER_ENTITY = "User";
export const BASE44_USER_ROLES = ["admin", "user"] as const;

/** Record ids are 24-hex MongoDB ObjectIds (stored as text: they are not uuids). */
export const BASE44_ID_PATTERN = /^[a-f0-9]{24}$/;

/** Entity names are word characters only (the CLI's schema check). */
export const BASE44_ENTITY_NAME = /^\w+$/;

/** Rule operations of an entity's `rls` block; `write` is the older spelling of create+update+delete. */
export const BASE44_RLS_OPERATIONS = ["create", "read", "update", "delete", "write"] as const;

/**
 * Uploaded files. `UploadFile` answers `{ file_url }` on Base44's Supabase storage
 * (`https://<ref>.supabase.co/storage/v1/object/public/base44-prod/public/<appId>/<9hex>_<name>`,
 * older uploads without the app id) or, since 2026, on `https://media.base44.com/{images|videos|files}/public/<appId>/…`.
 */
export const BASE44_FILE_URL_PATHS = [
  /^\/storage\/v1\/object\/public\/base44-[a-z]+\//,
  /^\/(?:images|videos|files)\/public\//,
] as const;
export const BASE44_FILE_HOSTS = [/\.supabase\.co$/i, /^media\.base44\.com$/i, /^base44\.app$/i, /^app\.base44\.com$/i] as const;

/** Retry policy for transient failures (5xx, network errors) and rate limits (429 + Retry-After). */
export const BASE44_RETRY = {
  attempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  /** 429s are expected under the ~100 requests/minute budget: they have their own, larger allowance. */
  rateLimitWaits: 50,
  /** Without a Retry-After header, wait this long after a 429. */
  rateLimitDefaultMs: 10_000,
  timeoutMs: 60_000,
} as const;

/** PostgreSQL's identifier limit: longer field names cannot be columns and stay in the extra column. */
export const PG_MAX_IDENTIFIER_BYTES = 63;
