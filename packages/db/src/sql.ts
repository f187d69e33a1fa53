// Quoting for the SQL ownit writes itself (identifiers and literals), as PostgreSQL's
// quote_ident and quote_literal do.

/** "name", doubled quotes inside; always quoted so reserved words and mixed case survive. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** schema.name, both quoted. */
export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** 'text' with quotes doubled; E'' form when it holds a backslash. */
export function quoteLiteral(value: string): string {
  const body = value.replace(/'/g, "''");
  return value.includes("\\") ? `E'${body.replace(/\\/g, "\\\\")}'` : `'${body}'`;
}
