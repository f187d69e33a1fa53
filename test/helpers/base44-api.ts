// A stand-in for Base44's HTTP API, on loopback, for tests only. It speaks what @base44/sdk
// 0.8.x and Base44's REST API really send (verified from the SDK's dist/ and docs.base44.com):
//
//   base `${origin}/api/apps/{appId}`; auth `api_key: <personal key>` (the app owner: no rules apply)
//   or `Authorization: Bearer <JWT>` (an app user: the entity's rules apply; the service token of
//   createClientFromRequest/asServiceRole: no rules apply); anything else is 401.
//   GET    /entities/{Name}?q=<json>&sort=&limit=&skip=&fields=a,b      → record[]
//   GET    /entities/{Name}/v2/list?q=&sort=&limit=&cursor=&fields=       → { items, next_cursor, has_more }
//   GET    /entities/{Name}/v2/list?distinct=<field>&limit=&cursor=       → { items: values, … }
//   GET    /entities/{Name}/count?q=                                      → { count }
//   GET    /entities/{Name}/{id}                                          → record (404 when unseen)
//   POST   /entities/{Name}            create → record;  POST /entities/{Name}/bulk  bulkCreate → record[]
//   PUT    /entities/{Name}/{id}       update (top-level merge) → record;  PUT /entities/{Name}/bulk → record[]
//   PATCH  /entities/{Name}/update-many  { query, data: {$set,$unset,$inc,$push,$pull,$addToSet} } → { success, updated, has_more }
//   DELETE /entities/{Name}/{id}       → { success: true };  DELETE /entities/{Name} (body: query) → { success, deleted }
//   GET|PUT /entities/User/me          auth.me / auth.updateMe;  POST /auth/login { email, password } → { access_token, user }
//   POST   /integration-endpoints/Core/{UploadFile|InvokeLLM|SendEmail|GenerateImage}
//   POST   /functions/{name}           (handlers given in options)
//   POST   /analytics/track/batch, POST /api/app-logs/{appId}/log-user-in-app/{page}   (the SDK's telemetry: accepted, dropped)
//   GET    /entity-schemas, /entity-schemas/{Name}   (owner API key only, as Base44's App Management API)
//   files: GET /storage/v1/object/public/base44-prod/public/{appId}/{file} and /images/public/{appId}/{file}
//   (public, like Base44's Supabase bucket and media.base44.com; file URLs in records point here).
// Errors are `{ detail }` (the SDK reads it into Base44Error.message) with 400 (bad query or
// unsupported operator), 401, 403 (a rule refuses), 404 (unknown entity, or a record the caller
// may not see), 422 (required field missing), 429, 501 (an integration the stand-in lacks).
// Also: `X-Data-Env: dev` selects the test data; optional 429 rate limiting with Retry-After
// (Base44 allows about 100 requests a minute per app) and injected 5xx/connection resets.
//
// Query, sort and access-rule semantics are Base44's (it stores records in MongoDB): they live in
// base44-semantics.ts, each rule saying where it comes from; the generated server's parity tests
// compare against this stand-in, so a deviation from Base44 is a bug.
import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { serve, type HttpBindings, type ServerType } from "@hono/node-server";
import { Hono, type Context } from "hono";
import { parse as parseJsonc } from "jsonc-parser";
import { SignJWT } from "jose";
import { base44Seed, type Base44Seed, type SeedUser } from "../../fixtures/base44-data/seed";
import { FIXTURES } from "./project";
import {
  allowed,
  applyUpdateOperators,
  BadRequest,
  BUILT_INS,
  compareKeys,
  compareValues,
  deepEqual,
  Forbidden,
  getPath,
  matchesQuery,
  NotFound,
  parseSort,
  ruleFor,
  sortRecords,
  Unprocessable,
  USER_BUILT_INS,
  type Doc,
  type Json,
  type Operation,
  type Principal,
  type PublicUser,
  type Rule,
  type SortKey,
} from "./base44-semantics";

export { matchesQuery, STANDIN_DEFAULT_SORT, type PublicUser } from "./base44-semantics";

type StandinEnv = { Bindings: HttpBindings; Variables: { principal: Principal } };
type Ctx = Context<StandinEnv>;

/** Page sizes: both list shapes cap a page at 5,000; v2/list defaults to 100, the array form to 5,000. */
const PAGE_MAX = 5000;
const CURSOR_PAGE_DEFAULT = 100;
const ARRAY_PAGE_DEFAULT = 5000;

export interface EntitySchemaFile {
  name?: string;
  properties?: Record<string, { type?: string | string[]; default?: unknown; rls?: Record<string, Rule>; [k: string]: unknown }>;
  required?: string[];
  rls?: Record<string, Rule>;
  [key: string]: unknown;
}

export interface Base44StandinOptions {
  /** Default: the fixture app's id (fixtures/base44/base44/.app.jsonc). */
  appId?: string;
  /** Entity schema files (*.json / *.jsonc) whose rules and defaults apply. Default: the fixture app's. */
  schemasDir?: string;
  /** Tasks seeded (default 5,200: the entity with more than 5,000 records). */
  taskCount?: number;
  /** Start empty instead of with the seed data (users are always there). */
  empty?: boolean;
  /** Answer 429 with Retry-After once `requests` API calls were served in the current window. Off by default. */
  rateLimit?: { requests: number; windowMs: number };
  /** Every `every`-th request fails: with `status` (default 503), or by resetting the connection. */
  failures?: { every: number; status?: number; reset?: boolean };
  /** Serve cursor pages (v2/list). false plays a server from before them: v2/list answers 404. */
  cursorPages?: boolean;
  /** Serve GET /entity-schemas (default true; false plays a key or server without it: 404). */
  schemasEndpoint?: boolean;
  /** Refuse to list the User entity (403), as an app whose users the key may not read. */
  hideUsers?: boolean;
  /** Backend functions for POST /functions/{name}: body and caller in, JSON out. */
  functions?: Record<string, (body: unknown, caller: { user?: PublicUser; service: boolean }) => unknown>;
}

export interface StandinUser {
  id: string;
  email: string;
  password: string;
  /** A Bearer JWT for this user. */
  token: string;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  /** Whether the request carried an api_key or Authorization header. */
  credentials: boolean;
}

export interface Base44Standin {
  /** http://127.0.0.1:<port> (pass as the SDK's serverUrl / the dump's --server-url). */
  url: string;
  /** `${url}/api/apps/${appId}` */
  appUrl: string;
  appId: string;
  /** The owner's personal API key (`api_key` header): full access, no rules. */
  apiKey: string;
  /** A service-role JWT (asServiceRole): full access, no rules. */
  serviceToken: string;
  /** Two users and an admin, with their Bearer tokens and passwords. */
  users: { alice: StandinUser; bob: StandinUser; admin: StandinUser };
  /** Every record of an entity as stored (deep copies, insertion order). `User` gives the user records. */
  records(entity: string, env?: "prod" | "dev"): Doc[];
  /** Entity schemas the stand-in enforces, by name. */
  schemas: Record<string, EntitySchemaFile>;
  /** Bytes served for a file URL path. */
  files: Map<string, { contentType: string; body: Buffer }>;
  /** Emails SendEmail was asked to send. */
  sentEmails: Doc[];
  /** Every request served, in order. */
  requests: RequestLogEntry[];
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The server.

function stamp(date = new Date()): string {
  return `${date.toISOString().slice(0, 23)}000`;
}

function objectId(): string {
  return (
    Math.floor(Date.now() / 1000)
      .toString(16)
      .padStart(8, "0") + randomBytes(8).toString("hex")
  );
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function loadSchemas(dir: string): Record<string, EntitySchemaFile> {
  const out: Record<string, EntitySchemaFile> = {};
  for (const file of readdirSync(dir)
    .filter((f) => /\.jsonc?$/.test(f))
    .sort()) {
    const schema = parseJsonc(readFileSync(path.join(dir, file), "utf8")) as EntitySchemaFile;
    out[schema.name ?? file.replace(/\.jsonc?$/, "")] = schema;
  }
  return out;
}

function fixtureAppId(): string {
  const app = parseJsonc(readFileSync(path.join(FIXTURES, "base44", "base44", ".app.jsonc"), "utf8")) as { id: string };
  return app.id;
}

/** A JWT-shaped bearer token (the SDK never decodes it; Base44 user tokens are JWTs). */
async function bearerFor(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime("2h")
    .sign(randomBytes(32));
}

interface Store {
  entities: Map<string, Map<string, Doc>>;
}

export async function startBase44Standin(options: Base44StandinOptions = {}): Promise<Base44Standin> {
  const appId = options.appId ?? fixtureAppId();
  const schemas = loadSchemas(options.schemasDir ?? path.join(FIXTURES, "base44", "base44", "entities"));
  const apiKey = randomBytes(16).toString("hex"); // Base44 personal API keys are 32 hex characters
  const serviceToken = await bearerFor({ sub: "service", app_id: appId, role: "service" });
  const app = new Hono<StandinEnv>();
  const requests: RequestLogEntry[] = [];
  const sentEmails: Doc[] = [];
  const files = new Map<string, { contentType: string; body: Buffer }>();
  const users = new Map<string, Doc>(); // id → user record (as the User entity returns it)
  const passwords = new Map<string, string>(); // email → password
  const tokens = new Map<string, string>(); // bearer → user id
  const stores: Record<"prod" | "dev", Store> = { prod: { entities: new Map() }, dev: { entities: new Map() } };
  let served = 0;
  let windowStart = Date.now();
  let windowCount = 0;
  let origin = "";

  const entityNames = () => Object.keys(schemas).filter((n) => n !== "User");
  const storeOf = (c: Ctx) => stores[c.req.header("X-Data-Env") === "dev" ? "dev" : "prod"];
  const table = (c: Ctx, name: string) => {
    let t = storeOf(c).entities.get(name);
    if (!t) {
      t = new Map();
      storeOf(c).entities.set(name, t);
    }
    return t;
  };
  // Errors as Base44's (FastAPI) backend shapes them: the SDK reads `detail` into Base44Error.message.
  const fail = (c: Ctx, status: number, detail: string) => c.json({ detail }, status as 400);

  // Every request: logged; some fail on purpose; the API is rate limited; then authenticated.
  app.use("*", async (c, next) => {
    served++;
    await next();
    requests.push({
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      status: c.res.status,
      credentials: c.req.header("api_key") !== undefined || c.req.header("Authorization") !== undefined,
    });
  });
  app.use("*", async (c, next) => {
    if (options.failures && served % options.failures.every === 0) {
      if (options.failures.reset) {
        c.env.incoming.socket.destroy();
        return c.body(null, 502);
      }
      return fail(c, options.failures.status ?? 503, "injected failure (stand-in)");
    }
    await next();
  });
  app.use("/api/*", async (c, next) => {
    if (options.rateLimit) {
      const now = Date.now();
      if (now - windowStart >= options.rateLimit.windowMs) {
        windowStart = now;
        windowCount = 0;
      }
      if (windowCount >= options.rateLimit.requests) {
        const retryAfter = Math.max(1, Math.ceil((windowStart + options.rateLimit.windowMs - now) / 1000));
        c.header("Retry-After", String(retryAfter));
        return fail(c, 429, "Rate limit exceeded, please retry later");
      }
      windowCount++;
    }
    await next();
  });

  const principalOf = (c: Ctx): Principal | undefined => {
    const key = c.req.header("api_key");
    if (key !== undefined) return key === apiKey ? { kind: "owner" } : undefined;
    const auth = c.req.header("Authorization");
    const bearer = auth?.startsWith("Bearer ") ? auth.slice(7) : undefined;
    if (!bearer) return undefined;
    if (bearer === serviceToken) return { kind: "service" };
    const userId = tokens.get(bearer);
    const user = userId ? users.get(userId) : undefined;
    return user && !user.disabled ? { kind: "user", user: user as PublicUser } : undefined;
  };

  const base = "/api/apps/:appId";
  app.use(`${base}/*`, async (c, next) => {
    if (c.req.param("appId") !== appId) return fail(c, 404, `App ${c.req.param("appId")} not found`);
    if (c.req.path.endsWith("/auth/login") || c.req.path.endsWith("/analytics/track/batch")) return next();
    const principal = principalOf(c);
    if (!principal) return fail(c, 401, "Authentication required: send an api_key header or an Authorization: Bearer token");
    c.set("principal", principal);
    await next();
  });
  const principal = (c: Ctx) => c.get("principal");

  // --- entity helpers --------------------------------------------------------------------------
  const knownEntity = (name: string) => name === "User" || name in schemas;
  const rulesOf = (name: string) => schemas[name]?.rls as Record<string, Rule> | undefined;
  const userRule = (op: Operation, p: Principal, record: Doc) =>
    p.kind !== "user" || p.user.role === "admin" || (op !== "create" && op !== "delete" && record.id === p.user.id);
  const may = (name: string, op: Operation, p: Principal, record: Doc) =>
    name === "User" ? userRule(op, p, record) : allowed(ruleFor(rulesOf(name), op), p, record);
  const rowsOf = (c: Ctx, name: string) => (name === "User" ? [...users.values()] : [...table(c, name).values()]);
  const hiddenFields = (name: string, p: Principal, record: Doc) =>
    Object.entries(schemas[name]?.properties ?? {})
      .filter(([, prop]) => prop?.rls && !allowed(prop.rls.read, p, record))
      .map(([f]) => f);
  const present = (name: string, p: Principal, record: Doc, fields?: string[]): Doc => {
    let out = clone(record);
    for (const f of hiddenFields(name, p, record)) delete out[f];
    if (fields?.length) {
      const picked: Doc = { id: out.id };
      for (const f of fields) if (f in out) picked[f] = out[f];
      out = picked;
    }
    return out;
  };
  const refuseFieldWrites = (name: string, p: Principal, record: Doc, body: Doc): string | undefined => {
    for (const [field, prop] of Object.entries(schemas[name]?.properties ?? {})) {
      if (field in body && prop?.rls && !allowed(prop.rls.write ?? prop.rls.update, p, record)) return field;
    }
    return undefined;
  };
  const parseQuery = (c: Ctx): Doc | undefined => {
    const q = c.req.query("q");
    if (q === undefined || q === "") return undefined;
    try {
      const parsed = JSON.parse(q) as unknown;
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error();
      return parsed as Doc;
    } catch {
      throw new BadRequest("q must be a JSON object");
    }
  };
  const parseLimit = (value: string | undefined, fallback: number) => {
    if (value === undefined || value === "") return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new BadRequest("limit must be a non-negative integer");
    return Math.min(n || fallback, PAGE_MAX);
  };
  const parseFields = (value: string | undefined) =>
    value
      ? value
          .split(",")
          .map((f) => f.trim())
          .filter(Boolean)
      : undefined;
  const visible = (c: Ctx, name: string, query: Doc | undefined) => {
    if (name === "User" && options.hideUsers) throw new Forbidden("not allowed to list users");
    const p = principal(c);
    return rowsOf(c, name).filter((r) => may(name, "read", p, r) && matchesQuery(r, query));
  };
  /** Runs a handler for a known entity, turning the errors above into answers. */
  const guard = (handler: (c: Ctx) => Response | Promise<Response>) => async (c: Ctx) => {
    const name = c.req.param("name");
    if (name !== undefined && !knownEntity(name)) return fail(c, 404, `Entity schema ${name} not found`);
    try {
      return await handler(c);
    } catch (error) {
      if (error instanceof BadRequest) return fail(c, 400, error.message);
      if (error instanceof Forbidden) return fail(c, 403, error.message);
      if (error instanceof NotFound) return fail(c, 404, error.message);
      if (error instanceof Unprocessable) return fail(c, 422, error.message);
      throw error;
    }
  };
  const readBody = async (c: Ctx): Promise<unknown> => {
    try {
      return await c.req.json();
    } catch {
      throw new BadRequest("the body must be JSON");
    }
  };

  // --- auth ------------------------------------------------------------------------------------
  app.post(`${base}/auth/login`, async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { email?: string; password?: string };
    const user = [...users.values()].find((u) => u.email === body.email);
    if (!user || passwords.get(String(body.email)) !== body.password || user.disabled)
      return fail(c, 401, "Invalid email or password");
    const token = [...tokens.entries()].find(([, id]) => id === user.id)![0];
    return c.json({ access_token: token, user: clone(user) });
  });
  app.get(`${base}/entities/User/me`, (c) => {
    const p = principal(c);
    if (p.kind !== "user") return fail(c, 401, "No user is signed in");
    return c.json(clone(p.user));
  });
  app.put(
    `${base}/entities/User/me`,
    guard(async (c) => {
      const p = principal(c);
      if (p.kind !== "user") return fail(c, 401, "No user is signed in");
      const body = (await readBody(c)) as Doc;
      const user = users.get(p.user.id)!;
      // updateMe changes custom fields (and the display name); identity and role are not the user's to change.
      for (const [k, v] of Object.entries(body)) if (k === "full_name" || !USER_BUILT_INS.includes(k)) user[k] = v;
      user.updated_date = stamp();
      return c.json(clone(user));
    }),
  );

  // --- schemas ---------------------------------------------------------------------------------
  app.get(`${base}/entity-schemas`, (c) => {
    if (options.schemasEndpoint === false) return fail(c, 404, "Not Found");
    if (principal(c).kind !== "owner") return fail(c, 403, "This endpoint needs a personal API key");
    return c.json(Object.entries(schemas).map(([entity_name, schema]) => ({ entity_name, schema: clone(schema) })));
  });
  app.get(`${base}/entity-schemas/:name`, (c) => {
    if (options.schemasEndpoint === false) return fail(c, 404, "Not Found");
    if (principal(c).kind !== "owner") return fail(c, 403, "This endpoint needs a personal API key");
    const schema = schemas[c.req.param("name")];
    return schema ? c.json(clone(schema)) : fail(c, 404, `Entity schema ${c.req.param("name")} not found`);
  });

  // --- reads -----------------------------------------------------------------------------------
  app.get(
    `${base}/entities/:name/v2/list`,
    guard((c) => {
      if (options.cursorPages === false) return fail(c, 404, "Not Found");
      const name = c.req.param("name")!;
      const limitText = c.req.query("limit");
      const cursorText = c.req.query("cursor");
      let cursor: {
        q?: Doc;
        sort?: string;
        fields?: string[];
        distinct?: string;
        after?: { key: SortKey; id: string };
        offset?: number;
      } = {};
      if (cursorText) {
        try {
          cursor = JSON.parse(Buffer.from(cursorText, "base64url").toString("utf8"));
        } catch {
          throw new BadRequest("invalid cursor");
        }
        // The token carries the walk: a page after the first may not change it.
        const same = (given: string | undefined, carried: unknown) =>
          given === undefined ||
          given === "" ||
          given === (typeof carried === "string" ? carried : JSON.stringify(carried ?? null));
        if (
          !same(c.req.query("q"), cursor.q) ||
          !same(c.req.query("sort"), cursor.sort) ||
          !same(c.req.query("fields"), cursor.fields?.join(",")) ||
          !same(c.req.query("distinct"), cursor.distinct)
        )
          throw new BadRequest("a cursor carries its query, sort and fields: pass only cursor and limit");
      }
      const q = cursorText ? cursor.q : parseQuery(c);
      const p = principal(c);
      if (cursorText ? cursor.distinct !== undefined : c.req.query("distinct") !== undefined) {
        const field = cursorText ? cursor.distinct! : c.req.query("distinct")!;
        const limit = Math.min(parseLimit(limitText, CURSOR_PAGE_DEFAULT), 1000);
        const values: unknown[] = [];
        for (const r of visible(c, name, q)) {
          for (const v of getPath(present(name, p, r), field)) {
            for (const item of Array.isArray(v) ? v : [v])
              if (item !== undefined && !values.some((x) => deepEqual(x, item))) values.push(item);
          }
        }
        values.sort(compareValues);
        const offset = cursor.offset ?? 0;
        const items = values.slice(offset, offset + limit);
        const has_more = offset + limit < values.length;
        const next = has_more
          ? Buffer.from(JSON.stringify({ q, distinct: field, offset: offset + limit })).toString("base64url")
          : null;
        return c.json({ items, next_cursor: next, has_more });
      }
      const sort = cursorText ? cursor.sort : c.req.query("sort") || undefined;
      const fields = cursorText ? cursor.fields : parseFields(c.req.query("fields"));
      const limit = parseLimit(limitText, CURSOR_PAGE_DEFAULT);
      const { descending } = parseSort(sort);
      let ordered = sortRecords(visible(c, name, q), sort);
      // Keyset paging: the page starts after the last record of the previous one, so records
      // deleted or added in between never shift it.
      if (cursor.after) {
        const after = cursor.after;
        ordered = ordered.filter(({ key, record }) => {
          const c1 = descending ? -compareKeys(key, after.key) : compareKeys(key, after.key);
          return c1 > 0 || (c1 === 0 && compareValues(record.id, after.id) > 0);
        });
      }
      const page = ordered.slice(0, limit);
      const has_more = ordered.length > limit;
      const last = page[page.length - 1];
      const next =
        has_more && last
          ? Buffer.from(JSON.stringify({ q, sort, fields, after: { key: last.key, id: last.record.id } })).toString("base64url")
          : null;
      return c.json({ items: page.map(({ record }) => present(name, p, record, fields)), next_cursor: next, has_more });
    }),
  );
  app.get(
    `${base}/entities/:name/count`,
    guard((c) => c.json({ count: visible(c, c.req.param("name")!, parseQuery(c)).length })),
  );
  app.get(
    `${base}/entities/:name`,
    guard((c) => {
      const name = c.req.param("name")!;
      const limit = parseLimit(c.req.query("limit"), ARRAY_PAGE_DEFAULT);
      const skipText = c.req.query("skip");
      const skip = skipText ? Number(skipText) : 0;
      if (!Number.isInteger(skip) || skip < 0) throw new BadRequest("skip must be a non-negative integer");
      const fields = parseFields(c.req.query("fields"));
      const ordered = sortRecords(visible(c, name, parseQuery(c)), c.req.query("sort") || undefined);
      return c.json(ordered.slice(skip, skip + limit).map(({ record }) => present(name, principal(c), record, fields)));
    }),
  );
  app.get(
    `${base}/entities/:name/:id`,
    guard((c) => {
      const name = c.req.param("name")!;
      const record = rowsOf(c, name).find((r) => r.id === c.req.param("id"));
      if (!record || !may(name, "read", principal(c), record)) return fail(c, 404, `${name} ${c.req.param("id")} not found`);
      return c.json(present(name, principal(c), record));
    }),
  );

  // --- writes ----------------------------------------------------------------------------------
  const creator = (p: Principal) =>
    p.kind === "user" ? { created_by: p.user.email, created_by_id: p.user.id } : { created_by: null, created_by_id: null };
  /** A new record: built-ins are the server's (an id or timestamps in the body are ignored), schema defaults fill absent fields, required fields must be there. */
  const buildRecord = (name: string, body: unknown, p: Principal): Doc => {
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new BadRequest("a record must be a JSON object");
    const schema = schemas[name];
    const record: Doc = { id: objectId() };
    for (const [field, prop] of Object.entries(schema?.properties ?? {}))
      if (prop && "default" in prop) record[field] = clone(prop.default);
    for (const [k, v] of Object.entries(body as Doc)) if (!BUILT_INS.includes(k)) record[k] = v;
    const missing = (schema?.required ?? []).filter((f) => record[f] === undefined);
    if (missing.length) throw new Unprocessable(`${name}: missing required field(s) ${missing.join(", ")}`);
    const now = stamp();
    return { ...record, ...creator(p), created_date: now, updated_date: now, is_sample: false };
  };
  const insert = (c: Ctx, name: string, body: unknown): Doc => {
    if (name === "User") throw new Forbidden("users join by invitation or sign-up, not through the entity API");
    const p = principal(c);
    const record = buildRecord(name, body, p);
    if (!may(name, "create", p, record)) throw new Forbidden(`not allowed to create ${name}`);
    const field = refuseFieldWrites(name, p, record, body as Doc);
    if (field) throw new Forbidden(`not allowed to write ${name}.${field}`);
    table(c, name).set(record.id as string, record);
    return present(name, p, record);
  };
  /** Update: a top-level merge of the body into the record; built-ins stay the server's. */
  const change = (c: Ctx, name: string, id: string, body: unknown): Doc => {
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new BadRequest("an update must be a JSON object");
    const p = principal(c);
    const record = rowsOf(c, name).find((r) => r.id === id);
    if (!record || !may(name, "read", p, record)) throw new NotFound(`${name} ${id} not found`);
    if (!may(name, "update", p, record)) throw new Forbidden(`not allowed to update ${name} ${id}`);
    const field = refuseFieldWrites(name, p, record, body as Doc);
    if (field) throw new Forbidden(`not allowed to write ${name}.${field}`);
    // Built-ins stay the server's. On User, identity never changes and role/disabled/is_verified
    // only by an admin, the owner or the service role.
    const manager = p.kind !== "user" || p.user.role === "admin";
    const fixed =
      name === "User"
        ? ["id", "email", "created_date", "updated_date", ...(manager ? [] : ["role", "disabled", "is_verified"])]
        : BUILT_INS;
    for (const [k, v] of Object.entries(body as Doc)) if (!fixed.includes(k)) record[k] = v;
    record.updated_date = stamp();
    return present(name, p, record);
  };
  const remove = (c: Ctx, name: string, id: string) => {
    const p = principal(c);
    const record = rowsOf(c, name).find((r) => r.id === id);
    if (!record || !may(name, "read", p, record)) throw new NotFound(`${name} ${id} not found`);
    if (!may(name, "delete", p, record)) throw new Forbidden(`not allowed to delete ${name} ${id}`);
    if (name === "User") users.delete(id);
    else table(c, name).delete(id);
  };
  app.post(
    `${base}/entities/:name/bulk`,
    guard(async (c) => {
      const body = await readBody(c);
      if (!Array.isArray(body)) throw new BadRequest("bulkCreate needs an array");
      const name = c.req.param("name")!;
      return c.json(body.map((b) => insert(c, name, b)));
    }),
  );
  app.put(
    `${base}/entities/:name/bulk`,
    guard(async (c) => {
      const body = await readBody(c);
      if (!Array.isArray(body)) throw new BadRequest("bulkUpdate needs an array of { id, …changes }");
      const name = c.req.param("name")!;
      return c.json(body.map((b) => change(c, name, String((b as Doc).id), b)));
    }),
  );
  app.patch(
    `${base}/entities/:name/update-many`,
    guard(async (c) => {
      const { query, data } = (await readBody(c)) as { query?: Doc; data?: Doc };
      const name = c.req.param("name")!;
      const p = principal(c);
      let updated = 0;
      for (const record of visible(c, name, query)) {
        if (!may(name, "update", p, record)) continue;
        applyUpdateOperators(record, data ?? {});
        record.updated_date = stamp();
        updated++;
      }
      return c.json({ success: true, updated, has_more: false });
    }),
  );
  app.post(`${base}/entities/:name/:op{aggregate|upsert|import}`, (c) =>
    fail(c, 501, `${c.req.param("op")} is not implemented by the stand-in`),
  );
  app.post(
    `${base}/entities/:name`,
    guard(async (c) => c.json(insert(c, c.req.param("name")!, await readBody(c)))),
  );
  app.put(
    `${base}/entities/:name/:id`,
    guard(async (c) => c.json(change(c, c.req.param("name")!, c.req.param("id")!, await readBody(c)))),
  );
  app.delete(
    `${base}/entities/:name/:id`,
    guard(async (c) => {
      remove(c, c.req.param("name")!, c.req.param("id")!);
      return c.json({ success: true });
    }),
  );
  app.delete(
    `${base}/entities/:name`,
    guard(async (c) => {
      const query = (await c.req.json().catch(() => ({}))) as Doc;
      const name = c.req.param("name")!;
      const p = principal(c);
      let deleted = 0;
      for (const record of visible(c, name, query)) {
        if (!may(name, "delete", p, record)) continue;
        remove(c, name, record.id as string);
        deleted++;
      }
      return c.json({ success: true, deleted });
    }),
  );

  // --- integrations and functions ----------------------------------------------------------------
  const storeFile = (name: string, contentType: string, body: Buffer) => {
    const filePath = `/storage/v1/object/public/base44-prod/public/${appId}/${randomBytes(5).toString("hex").slice(0, 9)}_${encodeURIComponent(name)}`;
    files.set(filePath, { contentType, body });
    return `${origin}${filePath}`;
  };
  app.post(`${base}/integration-endpoints/Core/:integration`, async (c) => {
    const integration = c.req.param("integration");
    switch (integration) {
      case "UploadFile": {
        const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
        const file = form.file;
        if (!(file instanceof File)) return fail(c, 400, "UploadFile needs a multipart `file`");
        return c.json({
          file_url: storeFile(file.name, file.type || "application/octet-stream", Buffer.from(await file.arrayBuffer())),
        });
      }
      case "InvokeLLM": {
        const body = (await c.req.json().catch(() => ({}))) as { prompt?: string; response_json_schema?: Doc };
        const reply = `stand-in reply to: ${String(body.prompt ?? "").slice(0, 60)}`;
        return c.json(body.response_json_schema ? exampleFromSchema(body.response_json_schema, reply) : reply);
      }
      case "SendEmail": {
        const body = (await c.req.json().catch(() => ({}))) as Doc;
        if (!body.to || !body.subject) return fail(c, 400, "SendEmail needs `to` and `subject`");
        sentEmails.push(clone(body));
        return c.json({ status: "sent" });
      }
      case "GenerateImage":
        return c.json({ url: storeFile("generated_image.png", "image/png", Buffer.from("stand-in image")) });
      default:
        return fail(c, 501, `integration Core.${integration} is not provided by the stand-in`);
    }
  });
  app.post(`${base}/functions/:fn`, async (c) => {
    const handler = options.functions?.[c.req.param("fn")];
    if (!handler) return fail(c, 404, `Function ${c.req.param("fn")} not found`);
    const p = principal(c);
    const body = await c.req.json().catch(() => ({}));
    return c.json(handler(body, { user: p.kind === "user" ? p.user : undefined, service: p.kind !== "user" }) as Json);
  });

  // The SDK's own telemetry: page views (appLogs.logUserInApp) and analytics batches, accepted and dropped.
  app.post("/api/app-logs/:appId/log-user-in-app/:page", (c) => c.json({}));
  app.post(`${base}/analytics/track/batch`, (c) => c.json({}));

  // --- files (public, like Base44's storage bucket) ----------------------------------------------
  app.get("*", (c) => {
    const file = files.get(new URL(c.req.url).pathname);
    if (!file) return fail(c, 404, "not found");
    return c.body(new Uint8Array(file.body), 200, {
      "Content-Type": file.contentType,
      "Content-Length": String(file.body.length),
    });
  });
  app.onError((error, c) => fail(c, 500, `stand-in error: ${error.message}`));

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  // Seed: users always, records unless asked to start empty.
  const seed: Base44Seed = base44Seed({ appId, origin, taskCount: options.taskCount });
  const handles: Record<string, StandinUser> = {};
  for (const u of seed.users) {
    const { password, ...record } = u as SeedUser;
    users.set(record.id, clone(record));
    passwords.set(record.email, password);
    const token = await bearerFor({ sub: record.email, user_id: record.id, app_id: appId, role: record.role });
    tokens.set(token, record.id);
    handles[record.email] = { id: record.id, email: record.email, password, token };
  }
  if (!options.empty) {
    for (const env of ["prod", "dev"] as const) {
      const source = env === "prod" ? seed.entities : seed.devEntities;
      for (const name of entityNames())
        stores[env].entities.set(name, new Map((source[name] ?? []).map((r) => [r.id as string, clone(r)])));
    }
    for (const f of seed.files) files.set(f.path, { contentType: f.contentType, body: f.body });
  }

  return {
    url: origin,
    appUrl: `${origin}/api/apps/${appId}`,
    appId,
    apiKey,
    serviceToken,
    users: { alice: handles["alice@example.com"]!, bob: handles["bob@example.com"]!, admin: handles["olga@example.com"]! },
    records: (entity, env = "prod") =>
      (entity === "User" ? [...users.values()] : [...(stores[env].entities.get(entity)?.values() ?? [])]).map(clone),
    schemas,
    files,
    sentEmails,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

/** A value shaped like a JSON schema, for InvokeLLM's response_json_schema. */
function exampleFromSchema(schema: Doc, text: string): Json {
  switch (schema.type) {
    case "object":
      return Object.fromEntries(
        Object.entries((schema.properties as Record<string, Doc>) ?? {}).map(([k, s]) => [k, exampleFromSchema(s, text)]),
      );
    case "array":
      return [exampleFromSchema((schema.items as Doc) ?? { type: "string" }, text)];
    case "number":
    case "integer":
      return 0;
    case "boolean":
      return false;
    default:
      return text;
  }
}
