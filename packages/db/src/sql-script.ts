// A small lexer for the SQL scripts pg_dump writes: it knows where strings ('…', E'…' with
// backslash escapes, U&'…'), quoted identifiers ("…"), dollar-quoted bodies ($tag$…$tag$) and
// comments (--, nested /* */) begin and end, so it can cut a script into statements at the
// semicolons that end them, and rename a schema where an identifier token names it (as a
// qualifier, `"public".`, or after SCHEMA), never inside a string, a body or a comment. The staged
// restore uses both on post-data.sql (staged-restore.ts). post-data holds no function definitions,
// so the semicolons inside a BEGIN ATOMIC body (which do not end its statement) are not handled.
import { quoteIdent } from "./sql";

type TokenKind = "space" | "comment" | "string" | "quoted" | "dollar" | "word" | "other";

interface Token {
  kind: TokenKind;
  text: string;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/** The end (exclusive) of a quoted run opened at start by `quote`, with the quote doubled inside (and backslash escapes when escapes). */
function quotedEnd(sql: string, start: number, quote: string, escapes: boolean): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (escapes && sql[i] === "\\") i++;
    else if (sql[i] === quote) {
      if (sql[i + 1] === quote) i++;
      else return i + 1;
    }
  }
  return sql.length;
}

function blockCommentEnd(sql: string, start: number): number {
  let depth = 0;
  for (let i = start; i < sql.length - 1; i++) {
    if (sql[i] === "/" && sql[i + 1] === "*") (depth++, i++);
    else if (sql[i] === "*" && sql[i + 1] === "/") {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  return sql.length;
}

/** `$tag$` at start (tag empty or an identifier not starting with a digit), or undefined ($1 is a parameter). */
function dollarTag(sql: string, start: number): string | undefined {
  const match = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(start, start + 66));
  return match?.[0];
}

/** The length of the token starting at i. */
function tokenAt(sql: string, i: number): { kind: TokenKind; end: number } {
  const c = sql[i]!;
  const next = sql[i + 1];
  if (/\s/.test(c)) {
    let end = i + 1;
    while (end < sql.length && /\s/.test(sql[end]!)) end++;
    return { kind: "space", end };
  }
  if (c === "-" && next === "-") {
    const newline = sql.indexOf("\n", i);
    return { kind: "comment", end: newline === -1 ? sql.length : newline + 1 };
  }
  if (c === "/" && next === "*") return { kind: "comment", end: blockCommentEnd(sql, i) };
  if (c === "'") return { kind: "string", end: quotedEnd(sql, i, "'", false) };
  if (c === '"') return { kind: "quoted", end: quotedEnd(sql, i, '"', false) };
  if (c === "$") {
    const tag = dollarTag(sql, i);
    if (tag) {
      const close = sql.indexOf(tag, i + tag.length);
      return { kind: "dollar", end: close === -1 ? sql.length : close + tag.length };
    }
  }
  if (WORD_START.test(c)) {
    let end = i + 1;
    while (end < sql.length && WORD_PART.test(sql[end]!)) end++;
    // A string with a prefix: E'…' (backslash escapes), U&'…', B'…', X'…', N'…'; U&"…" is an identifier.
    const word = sql.slice(i, end);
    if (sql[end] === "'") return { kind: "string", end: quotedEnd(sql, end, "'", /^e$/i.test(word)) };
    if (/^u$/i.test(word) && sql[end] === "&" && (sql[end + 1] === "'" || sql[end + 1] === '"')) {
      const quote = sql[end + 1]!;
      return { kind: quote === "'" ? "string" : "quoted", end: quotedEnd(sql, end + 1, quote, false) };
    }
    return { kind: "word", end };
  }
  return { kind: "other", end: i + 1 };
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < sql.length;) {
    const { kind, end } = tokenAt(sql, i);
    tokens.push({ kind, text: sql.slice(i, end) });
    i = end;
  }
  return tokens;
}

/** The statements of a script, each without its leading comments and whitespace, without the closing semicolon. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = "";
  for (const token of tokenize(sql)) {
    if (token.kind === "other" && token.text === ";") {
      if (current.trim()) statements.push(current.trim());
      current = "";
    } else if (current || (token.kind !== "space" && token.kind !== "comment")) current += token.text;
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

/** The name an identifier token stands for: a quoted one as written, a bare one folded to lower case. */
function identifierName(token: Token): string | undefined {
  if (token.kind === "word") return token.text.toLowerCase();
  if (token.kind === "quoted" && token.text.startsWith('"')) return token.text.slice(1, -1).replace(/""/g, '"');
  return undefined;
}

/** The next token index at or after i that is not whitespace or a comment. */
function significant(tokens: Token[], i: number): number {
  while (i < tokens.length && (tokens[i]!.kind === "space" || tokens[i]!.kind === "comment")) i++;
  return i;
}

/** Indexes of the identifiers that name a schema after a SCHEMA keyword (`IN SCHEMA a`, `ON SCHEMA a, b`). */
function schemaKeywordTargets(tokens: Token[]): Set<number> {
  const targets = new Set<number>();
  tokens.forEach((token, i) => {
    if (token.kind !== "word" || !/^schemas?$/i.test(token.text)) return;
    for (let j = significant(tokens, i + 1); identifierName(tokens[j] ?? { kind: "other", text: "" }) !== undefined;) {
      targets.add(j);
      const comma = significant(tokens, j + 1);
      if (tokens[comma]?.text !== ",") break;
      j = significant(tokens, comma + 1);
    }
  });
  return targets;
}

/**
 * The script with every schema in `renames` renamed where an identifier names it: as a qualifier
 * (directly followed by `.`, and not itself preceded by `.`) or after a SCHEMA keyword
 * (`ALTER DEFAULT PRIVILEGES IN SCHEMA public`, `GRANT USAGE ON SCHEMA auth`, `COMMENT ON SCHEMA
 * public`); strings, bodies and comments untouched.
 */
export function renameSchemas(sql: string, renames: ReadonlyMap<string, string>): string {
  const tokens = tokenize(sql);
  const afterKeyword = schemaKeywordTargets(tokens);
  return tokens
    .map((token, i) => {
      const name = identifierName(token);
      if (name === undefined || !renames.has(name)) return token.text;
      const qualifier = tokens[i + 1]?.text === "." && tokens[i - 1]?.text !== ".";
      return qualifier || afterKeyword.has(i) ? quoteIdent(renames.get(name)!) : token.text;
    })
    .join("");
}
