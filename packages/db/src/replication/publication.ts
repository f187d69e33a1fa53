// The source's side of following, set up by a follow-ready dump BEFORE its slot exists: the slot
// decodes every change with the catalog as it stood at that change, so the publications (and the
// REPLICA IDENTITY FULL of tables without a primary key) must already be there for the first change
// after the snapshot to be published. Tables that cannot be identified even by their whole row (no
// key, a column type without equality such as json) get a second publication of inserts only.
import type pg from "pg";
import { OwnitError } from "@ownit/core";
import { listTables } from "../catalog";
import { connect } from "../connection";
import { dumpScope } from "../dump-scope";
import { qualified, quoteIdent } from "../sql";
import { newFollowName } from "./slot";
import { requireLogicalWal, requireReplicationRole, requireTableOwnership, sourceRole } from "./source-checks";

export interface FollowPublications {
  /** Names the publications, the slot and the subscription. */
  name: string;
  publications: string[];
  /** schema.table of every table published. */
  tables: string[];
  /** Tables without a primary key set to REPLICA IDENTITY FULL (put back when following ends). */
  replicaIdentityFull: string[];
  /** Tables of which only inserts stream (no key, and a column type without equality). */
  insertOnly: string[];
}

/** The second publication, of the tables only inserts stream from. */
export function insertsPublication(name: string): string {
  return `${name}_inserts`;
}

/** "schema.table" as a quoted SQL name. */
export function qualifiedName(dotted: string): string {
  const i = dotted.indexOf(".");
  return qualified(dotted.slice(0, i), dotted.slice(i + 1));
}

/** Keyless tables in scope, and whether each can be found by its whole row (every column's type has a btree equality). */
async function keylessTables(
  client: pg.Client,
  tables: { schema: string; name: string }[],
): Promise<{ t: string; comparable: boolean }[]> {
  const { rows } = await client.query<{ t: string; comparable: boolean }>(
    `select n.nspname || '.' || c.relname as t,
            not exists (select 1 from pg_attribute a join pg_type ty on ty.oid = a.atttypid
                         where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                           and not exists (select 1 from pg_opclass oc join pg_am am on am.oid = oc.opcmethod
                                            where oc.opcdefault and am.amname = 'btree'
                                              and (oc.opcintype in (ty.oid, ty.typbasetype)
                                                   or (oc.opcintype = 'anyarray'::regtype and ty.typelem <> 0
                                                       and exists (select 1 from pg_opclass e where e.opcdefault and e.opcmethod = oc.opcmethod and e.opcintype = ty.typelem))
                                                   or (oc.opcintype = 'anyenum'::regtype and ty.typtype = 'e')))) as comparable
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where (n.nspname::text, c.relname::text) in (select * from unnest($1::text[], $2::text[])) and c.relreplident = 'd'
        and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary) order by 1`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  return rows;
}

/** Checks the source can stream, then publishes the tables a dump of it takes. Nothing is created when a check fails. */
export async function publishForFollow(url: string, schemas: string[] | undefined): Promise<FollowPublications> {
  const client = await connect(url, "source");
  try {
    await requireLogicalWal(client, url);
    const role = await sourceRole(client);
    requireReplicationRole(role, url);
    const { scope } = await dumpScope(client, url, schemas);
    const tables = (await listTables(client, scope)).map((t) => ({ schema: t.schema, name: t.name }));
    await requireTableOwnership(client, url, role, tables);
    const keyless = await keylessTables(client, tables);
    const name = newFollowName();
    const result: FollowPublications = {
      name,
      publications: [name],
      tables: tables.map((t) => `${t.schema}.${t.name}`).sort(),
      replicaIdentityFull: keyless.filter((k) => k.comparable).map((k) => k.t),
      insertOnly: keyless.filter((k) => !k.comparable).map((k) => k.t),
    };
    if (result.insertOnly.length) result.publications.push(insertsPublication(name));
    await client.query("BEGIN");
    try {
      // Without a key, UPDATE and DELETE on a published table fail unless the whole row identifies it.
      for (const t of result.replicaIdentityFull) await client.query(`ALTER TABLE ${qualifiedName(t)} REPLICA IDENTITY FULL`);
      const all = result.tables.filter((t) => !result.insertOnly.includes(t));
      await client.query(`CREATE PUBLICATION ${quoteIdent(name)} FOR TABLE ${all.map(qualifiedName).join(", ")}`);
      if (result.insertOnly.length)
        await client.query(
          `CREATE PUBLICATION ${quoteIdent(insertsPublication(name))} FOR TABLE ${result.insertOnly.map(qualifiedName).join(", ")} WITH (publish = 'insert')`,
        );
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw new OwnitError(
        "publication-failed",
        `publishing the tables on the source failed: ${(error as Error).message.split("\n")[0]}; nothing was changed`,
        "connect as the tables' owner or a superuser",
      );
    }
    return result;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The source's side undone: publications dropped, replica identities put back. */
export async function unpublish(client: pg.Client, p: Pick<FollowPublications, "name" | "replicaIdentityFull">): Promise<void> {
  await client.query(`DROP PUBLICATION IF EXISTS ${quoteIdent(p.name)}, ${quoteIdent(insertsPublication(p.name))}`);
  for (const t of p.replicaIdentityFull)
    await client.query(`ALTER TABLE ${qualifiedName(t)} REPLICA IDENTITY DEFAULT`).catch(() => {});
}
