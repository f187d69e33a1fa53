// The HTTP side of a Base44 dump: authenticated requests to `${server}/api/apps/{appId}`, retried
// with exponential backoff on 5xx and network errors, waiting out 429s as Retry-After says, and
// paging every record of an entity (cursor pages, falling back to skip/limit). The token travels
// only to the API server (never to file hosts) and never appears in an error message.
import { OwnitError, redact } from "@ownit/core";
import { BASE44_HEADERS, BASE44_PAGE, BASE44_RETRY, BASE44_TOKEN_ENV, type Base44DataEnv } from "./constants";
import type { Base44EntitySchema } from "./schema";
import type { Base44Record } from "./records";

export type RetryPolicy = { [K in keyof typeof BASE44_RETRY]: number };

export interface RetryEvent {
  reason: "rate-limited" | "server-error" | "network";
  /** Path of the request (no host, no token). */
  what: string;
  waitMs: number;
  attempt: number;
  status?: number;
}

export interface Base44ApiOptions {
  serverUrl: string;
  appId: string;
  /** A personal API key (sent as `api_key`) or a JWT (sent as `Authorization: Bearer`). */
  token: string;
  dataEnv?: Base44DataEnv;
  retry?: Partial<RetryPolicy>;
  onRetry?: (event: RetryEvent) => void;
  /** For tests: how to wait (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
}

/** An answer the dump cannot use (after retries), with Base44's own message when it sent one. */
export class Base44HttpError extends Error {
  constructor(
    readonly status: number,
    readonly what: string,
    readonly detail: string,
  ) {
    super(`${what}: HTTP ${status}${detail ? ` (${detail})` : ""}`);
  }
}

/** How the token is sent: JWTs (three base64url parts) as Bearer, anything else as Base44's api_key header. */
export function tokenKind(token: string): "bearer" | "api_key" {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token) ? "bearer" : "api_key";
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.ceil(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class Base44Api {
  readonly appUrl: string;
  readonly origin: string;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: Base44ApiOptions) {
    let server: URL;
    try {
      server = new URL(options.serverUrl);
    } catch {
      throw new OwnitError(
        "base44-bad-server-url",
        `"${options.serverUrl}" is not a URL`,
        "pass the server like https://app.base44.com (without /api)",
      );
    }
    this.origin = server.origin;
    this.appUrl = `${server.origin}${server.pathname.replace(/\/+$/, "").replace(/\/api$/, "")}/api/apps/${encodeURIComponent(options.appId)}`;
    this.retry = { ...BASE44_RETRY, ...options.retry };
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Text with the token taken out (then the usual redaction), for anything that may be shown. */
  scrub(text: string): string {
    return redact(text.split(this.options.token).join("***"));
  }

  private authHeaders(): Record<string, string> {
    const headers: Record<string, string> = { Accept: "application/json", [BASE44_HEADERS.appId]: this.options.appId };
    if (tokenKind(this.options.token) === "bearer") headers.Authorization = `Bearer ${this.options.token}`;
    else headers[BASE44_HEADERS.apiKey] = this.options.token;
    if (this.options.dataEnv === "dev") headers[BASE44_HEADERS.dataEnv] = "dev";
    return headers;
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(base * (0.5 + Math.random() / 2));
  }

  /**
   * One request with the retry policy: 429 waits Retry-After (or a default) and does not use up
   * the attempts; 5xx and network errors back off exponentially. Answers below 500 other than 429
   * are returned as they are.
   */
  async fetchWithRetry(url: string, init: { headers?: Record<string, string>; what: string }): Promise<Response> {
    let attempt = 0;
    let rateWaits = 0;
    for (;;) {
      let response: Response;
      try {
        response = await fetch(url, {
          headers: init.headers,
          signal: AbortSignal.timeout(this.retry.timeoutMs),
          redirect: "follow",
        });
      } catch (error) {
        attempt++;
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
        if (attempt >= this.retry.attempts) {
          throw new OwnitError(
            "base44-unreachable",
            `${new URL(url).host} did not answer ${init.what} after ${attempt} tries (${cause})`,
            "check the network and --server-url, then run the dump again",
          );
        }
        const waitMs = this.backoff(attempt);
        this.options.onRetry?.({ reason: "network", what: init.what, waitMs, attempt });
        await this.sleep(waitMs);
        continue;
      }
      if (response.status === 429) {
        rateWaits++;
        await response.body?.cancel();
        if (rateWaits > this.retry.rateLimitWaits) {
          throw new OwnitError(
            "base44-rate-limited",
            `Base44 kept answering 429 (too many requests) to ${init.what}, ${rateWaits} times`,
            "wait a few minutes (Base44 allows about 100 requests a minute per app) and run the dump again",
          );
        }
        const waitMs = retryAfterMs(response.headers.get("retry-after")) ?? this.retry.rateLimitDefaultMs;
        this.options.onRetry?.({ reason: "rate-limited", what: init.what, waitMs, attempt: rateWaits, status: 429 });
        await this.sleep(waitMs);
        continue;
      }
      if (response.status >= 500) {
        attempt++;
        const detail = await errorDetail(response);
        if (attempt >= this.retry.attempts) throw new Base44HttpError(response.status, init.what, this.scrub(detail));
        const waitMs = this.backoff(attempt);
        this.options.onRetry?.({ reason: "server-error", what: init.what, waitMs, attempt, status: response.status });
        await this.sleep(waitMs);
        continue;
      }
      return response;
    }
  }

  /** GET an API path (relative to /api/apps/{appId}); non-2xx answers become Base44HttpError (401/403 an OwnitError naming the fix). */
  async get<T>(pathAndQuery: string, what: string): Promise<T> {
    const response = await this.fetchWithRetry(`${this.appUrl}${pathAndQuery}`, { headers: this.authHeaders(), what });
    if (response.status === 401) {
      await response.body?.cancel();
      throw this.authError(401);
    }
    if (!response.ok) throw new Base44HttpError(response.status, what, this.scrub(await errorDetail(response)));
    return (await response.json()) as T;
  }

  authError(status: 401 | 403): OwnitError {
    const kind =
      tokenKind(this.options.token) === "bearer"
        ? "token (sent as Authorization: Bearer)"
        : "API key (sent as the api_key header)";
    return new OwnitError(
      "base44-auth",
      `Base44 refused the ${kind} for app ${this.options.appId} on ${new URL(this.appUrl).host} (HTTP ${status})`,
      `use a personal API key of the app's owner (Base44: profile → Account settings → API Key) and pass it with --token-env ${BASE44_TOKEN_ENV}`,
    );
  }

  /** The app's entity schemas from `GET …/entity-schemas`, or undefined when the API does not offer them to this token. */
  async entitySchemas(): Promise<Map<string, Base44EntitySchema> | undefined> {
    try {
      const body = await this.get<unknown>("/entity-schemas", "listing entity schemas");
      return schemasFromResponse(body);
    } catch (error) {
      if (error instanceof Base44HttpError && [403, 404, 405, 428].includes(error.status)) return undefined;
      throw error;
    }
  }

  /** How many records an entity has (for the progress bar); undefined when the server does not say. */
  async count(entity: string): Promise<number | undefined> {
    try {
      const body = await this.get<{ count?: unknown }>(`/entities/${encodeURIComponent(entity)}/count`, `counting ${entity}`);
      return typeof body.count === "number" ? body.count : undefined;
    } catch (error) {
      if (error instanceof Base44HttpError) return undefined;
      throw error;
    }
  }

  /**
   * Every record of an entity, page by page: cursor pages (`v2/list`, stable however records
   * change in between) when the server has them, else skip/limit ordered by created_date, read
   * until an empty page (a server that caps the page size lower than asked must not end the walk).
   * An entity the API does not know throws Base44HttpError 404.
   */
  async *pages(
    entity: string,
    pageSize: number = BASE44_PAGE.dump,
  ): AsyncGenerator<{ records: Base44Record[]; mode: "cursor" | "skip" }> {
    const base = `/entities/${encodeURIComponent(entity)}`;
    const limit = Math.min(pageSize, BASE44_PAGE.max);
    let page: { items?: unknown; next_cursor?: unknown; has_more?: unknown } | undefined;
    try {
      page = await this.get(`${base}/v2/list?limit=${limit}&sort=created_date`, `reading ${entity}`);
    } catch (error) {
      // No cursor pages on this server (or not for this entity): the array form tells which.
      if (!(error instanceof Base44HttpError) || ![400, 404, 405].includes(error.status)) throw error;
      page = undefined;
    }
    if (page && Array.isArray(page.items)) {
      yield { records: page.items as Base44Record[], mode: "cursor" };
      const cursors = new Set<string>();
      while (page.has_more === true && typeof page.next_cursor === "string" && page.next_cursor) {
        // A cursor seen before would walk the same pages forever.
        if (cursors.has(page.next_cursor))
          throw new Base44HttpError(200, `reading ${entity}`, "the API returned a cursor it had returned before");
        cursors.add(page.next_cursor);
        page = await this.get(
          `${base}/v2/list?limit=${limit}&cursor=${encodeURIComponent(page.next_cursor)}`,
          `reading ${entity}`,
        );
        if (!Array.isArray(page?.items)) throw new Base44HttpError(200, `reading ${entity}`, "a cursor page without items");
        yield { records: page.items as Base44Record[], mode: "cursor" };
      }
      return;
    }
    for (let skip = 0; ;) {
      const records = await this.get<unknown>(`${base}?sort=created_date&limit=${limit}&skip=${skip}`, `reading ${entity}`);
      if (!Array.isArray(records)) throw new Base44HttpError(200, `reading ${entity}`, "the answer is not a list of records");
      if (records.length === 0) return;
      yield { records: records as Base44Record[], mode: "skip" };
      skip += records.length;
    }
  }

  /** A file from Base44's storage, without credentials (they are public URLs on other hosts). */
  async download(url: string): Promise<Response> {
    const response = await this.fetchWithRetry(url, { what: `downloading ${new URL(url).pathname}` });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Base44HttpError(response.status, `downloading ${url}`, "");
    }
    return response;
  }
}

async function errorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { detail?: unknown; message?: unknown; error?: { message?: unknown } };
    const detail = body.error?.message ?? body.message ?? body.detail;
    return typeof detail === "string" ? detail.slice(0, 200) : text.slice(0, 200);
  } catch {
    return text.replace(/\s+/g, " ").slice(0, 200);
  }
}

/**
 * Schemas from `GET …/entity-schemas`. Its documentation says each entry pairs the entity name with
 * its JSON Schema; accepted shapes: [{ entity_name | name, schema }], [schema with name], or
 * { Name: schema } (also under `entityNameToSchema`, the shape the CLI's sync sends).
 */
export function schemasFromResponse(body: unknown): Map<string, Base44EntitySchema> {
  const out = new Map<string, Base44EntitySchema>();
  const add = (name: unknown, schema: unknown) => {
    if (typeof name === "string" && name && schema && typeof schema === "object" && !Array.isArray(schema))
      out.set(name, schema as Base44EntitySchema);
  };
  if (Array.isArray(body)) {
    for (const entry of body as Array<Record<string, unknown>>) {
      if (!entry || typeof entry !== "object") continue;
      if (entry.schema && typeof entry.schema === "object")
        add(entry.entity_name ?? entry.name ?? (entry.schema as Record<string, unknown>).name, entry.schema);
      else add(entry.name, entry);
    }
  } else if (body && typeof body === "object") {
    const map = ((body as Record<string, unknown>).entityNameToSchema ??
      (body as Record<string, unknown>).entities ??
      body) as Record<string, unknown>;
    for (const [name, schema] of Object.entries(map)) add(name, schema);
  }
  return out;
}
