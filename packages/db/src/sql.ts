// Quoting for the SQL ownit writes itself (identifiers and literals), as PostgreSQL's
// quote_ident and quote_literal do, and the catalog predicates every catalog reader shares.

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

/** True for PostgreSQL's own schemas (n is pg_namespace). */
export const SYSTEM_SCHEMA = `(n.nspname in ('pg_catalog', 'information_schema') or n.nspname like 'pg\\_toast%' or n.nspname like 'pg\\_temp%')`;

/** True when the object (classid catalog, oid expression) belongs to an extension. */
export const EXTENSION_MEMBER = (classid: string, oid: string) =>
  `exists (select 1 from pg_depend d where d.classid = '${classid}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;
