// Redaction reads connection strings the way libpq and URL parsers do, so a password is hidden
// whatever characters it holds and however it is written; the rest of the line stays readable.
import { describe, expect, it } from "vitest";
import { parseConninfo, redact, redactUrl } from "@ownit/core";

describe("redacting connection strings", () => {
  const cases: Array<[string, string]> = [
    ["postgres://app:s3cr/et@db.example.com:5432/app", "postgres://app:***@db.example.com:5432/app"],
    ["postgres://app:p@ss@host/db", "postgres://app:***@host/db"],
    ["postgresql://app:p%40ss%2Fw0rd@host/db?sslmode=require", "postgresql://app:***@host/db?sslmode=require"],
    ["postgres://app:pässwörd☃€@host/db", "postgres://app:***@host/db"],
    ["postgres://app:pa?ss#w@host/db", "postgres://app:***@host/db"],
    ["postgres://app@host/db?sslmode=require&password=hunter2", "postgres://app@host/db?sslmode=require&password=***"],
    [
      "host=db.internal port=5432 user=app password=s3cr@t/%x dbname=app",
      "host=db.internal port=5432 user=app password=*** dbname=app",
    ],
    ["host=db password = 'with space \\' quote' user=app", "host=db password = '***' user=app"],
    ["PGPASSWORD=abc psql -h db", "PGPASSWORD=*** psql -h db"],
  ];
  it.each(cases)("%s", (input, expected) => {
    expect(redact(input)).toBe(expected);
    expect(redactUrl(input)).toBe(expected);
    expect(redact(`error: could not connect to ${input}: refused`)).toBe(`error: could not connect to ${expected}: refused`);
  });

  it("leaves code that merely names a password alone", () => {
    const code = 'const password = input.value;\nconst key = await importKey("raw");';
    expect(redact(code)).toBe(code);
  });

  it("hides secret fields written as JSON, whatever the key's case or prefix", () => {
    const json = JSON.stringify(
      { user: "app", password: 'p@ss"w0rd', db_password: "x1", apiKey: "k-123", client_secret: "cs" },
      null,
      2,
    );
    const hidden = redact(json);
    expect(JSON.parse(hidden)).toEqual({ user: "app", password: "***", db_password: "***", apiKey: "***", client_secret: "***" });
    expect(redact(`{'token': 'abc', "name": "kept"}`)).toBe(`{'token': '***', "name": "kept"}`);
    expect(redact(hidden)).toBe(hidden);
  });

  it("reads libpq keyword/value strings as libpq does", () => {
    expect(parseConninfo("host=db  port = 5432 password='a \\' b\\\\c' user=app")).toEqual([
      { keyword: "host", value: "db" },
      { keyword: "port", value: "5432" },
      { keyword: "password", value: "a ' b\\c" },
      { keyword: "user", value: "app" },
    ]);
  });
});
