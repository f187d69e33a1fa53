// Can this source stream its changes to us? Checked before anything is created, so a refusal
// changes nothing: not the transaction pooler, wal_level=logical, a role allowed to open a
// replication connection, and (for follow) one that owns the tables it must publish.
// Supabase documents this path ("Replicate to another Postgres database using Logical
// Replication"): as `postgres`, CREATE PUBLICATION and a pgoutput slot, then on the external
// server CREATE SUBSCRIPTION … WITH (create_slot = false, slot_name = …) over the direct
// connection (not a pooler; IPv6, or the IPv4 add-on); `postgres` may grant REPLICATION to a role
// of its own. wal_level is logical there. Not documented: whether `postgres` may publish auth.users
// (owned by supabase_auth_admin); the ownership check below refuses in one line if it may not.
import type pg from "pg";
import { OwnitError } from "@ownit/core";
import { describeServer } from "../connection";
import { qualified } from "../sql";
import { NO_FOLLOW_FALLBACK } from "./names";

export interface SourceRole {
  name: string;
  superuser: boolean;
  replication: boolean;
}

export async function sourceRole(client: pg.Client): Promise<SourceRole> {
  const { rows } = await client.query<{ name: string; superuser: boolean; replication: boolean }>(
    "select rolname as name, rolsuper as superuser, rolreplication as replication from pg_roles where rolname = current_user",
  );
  return rows[0]!;
}

/** wal_level must be logical for a slot to decode changes. */
export async function requireLogicalWal(client: pg.Client, url: string): Promise<void> {
  const { rows } = await client.query<{ level: string }>("select current_setting('wal_level') as level");
  const level = rows[0]!.level;
  if (level === "logical") return;
  throw new OwnitError(
    "no-logical-wal",
    `${describeServer(url)} runs with wal_level=${level}, so it cannot stream its changes (logical replication needs wal_level=logical)`,
    `set wal_level = logical on the source and restart it (Supabase has it on); ${NO_FOLLOW_FALLBACK}`,
  );
}

/** The role must be allowed to open a replication connection (REPLICATION or superuser). */
export function requireReplicationRole(role: SourceRole, url: string): void {
  if (role.superuser || role.replication) return;
  throw new OwnitError(
    "no-replication-privilege",
    `role "${role.name}" on ${describeServer(url)} may not open a replication connection (it lacks REPLICATION)`,
    `connect as a role with it (on Supabase: postgres), or run \`ALTER ROLE "${role.name}" REPLICATION\` as a superuser; ${NO_FOLLOW_FALLBACK}`,
  );
}

/**
 * A publication may only name tables its creator owns (PostgreSQL 15), and a table without a
 * primary key needs REPLICA IDENTITY FULL, which only its owner may set.
 */
export async function requireTableOwnership(
  client: pg.Client,
  url: string,
  role: SourceRole,
  tables: { schema: string; name: string }[],
): Promise<void> {
  if (role.superuser) return;
  const { rows } = await client.query<{ schema: string; name: string; owner: string }>(
    `select n.nspname as schema, c.relname as name, pg_get_userbyid(c.relowner) as owner
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where (n.nspname::text, c.relname::text) in (select * from unnest($1::text[], $2::text[]))
        and not pg_has_role(current_user, c.relowner, 'USAGE')
      order by 1, 2`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  if (!rows.length) return;
  const shown = rows
    .slice(0, 3)
    .map((r) => `${qualified(r.schema, r.name)} (owner ${r.owner})`)
    .join(", ");
  throw new OwnitError(
    "no-publication-privilege",
    `role "${role.name}" on ${describeServer(url)} does not own ${rows.length} table(s) it must publish: ${shown}${rows.length > 3 ? ", …" : ""}`,
    `connect as the tables' owner or a superuser, or grant "${role.name}" membership in the owning role; ${NO_FOLLOW_FALLBACK}`,
  );
}
