// Errors the API answers with: a status and a one-line message naming what failed, in the JSON
// shape Base44's SDK read (`{ message, code }`), so existing error handling in the app still works.

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
  }
}

export const badRequest = (message: string, code = "bad_request") => new HttpError(400, code, message);
export const unauthorized = (message = "sign in first") => new HttpError(401, "unauthorized", message);
export const forbidden = (message: string) => new HttpError(403, "forbidden", message);
export const notFound = (message: string) => new HttpError(404, "not_found", message);

/** An integration or feature the owned server does not provide: a clear error, never a silent stub. */
export const notProvided = (what: string, hint: string) => new HttpError(501, "not_provided", `${what} is not provided by this server: ${hint}`);

/** PostgreSQL errors caused by the request's values (bad number, bad date, not null) become 400s. */
export function fromPgError(error: unknown, where: string): HttpError | undefined {
  const e = error as { code?: string; message?: string; column?: string };
  if (typeof e?.code !== "string") return undefined;
  // Class 22 (bad number, bad date, bad regular expression…): PostgreSQL's message names the problem.
  if (e.code.startsWith("22")) return badRequest(`${where}: ${e.message ?? "invalid value"}`, "invalid_value");
  // A NOT NULL column left empty: Base44 answered a missing required field with 422.
  if (e.code === "23502") return new HttpError(422, "validation_failed", `${where}: missing required field(s) ${e.column ?? ""}`.trim());
  if (e.code === "23505") return new HttpError(409, "conflict", `${where}: a record with this id already exists`);
  return undefined;
}
