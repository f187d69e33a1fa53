// Stopping the app's writes on the source for a cutover, in a way the app sees as an error, never
// as silent loss, and recorded exactly so it can be given back:
//   - every INSERT/UPDATE/DELETE/TRUNCATE privilege any role other than the owner holds on the
//     moved tables is revoked (PostgREST's anon/authenticated/service_role, any app role);
//   - the database defaults to read-only transactions (ALTER DATABASE … SET
//     default_transaction_read_only), which stops even the owning role's new sessions;
//   - every other client session of the database is ended, so none keeps writing with old settings.
// A transaction that committed before its session ended is in the WAL and reaches the target; one
// that had not committed is rolled back on the source and its client gets an error.
import type pg from "pg";
import { OwnitError } from "@ownit/core";
import { describeServer } from "../connection";
import { qualified, quoteIdent, quoteLiteral } from "../sql";
import { SESSION_END_TIMEOUT_MS, WRITE_PRIVILEGES } from "./names";

export interface RevokedGrant {
  schema: string;
  table: string;
  /** Role name, or PUBLIC. */
  grantee: string;
  privilege: string;
  grantable: boolean;
}

/** Everything stopWrites changes, recorded before it acts so a rollback can always undo it. */
export interface WriteStop {
  database: string;
  grants: RevokedGrant[];
  /** The database's own default_transaction_read_only before (null: not set). */
  previousReadOnly: string | null;
}

/** What stopping writes will change, read without changing anything. */
export async function planWriteStop(client: pg.Client, tables: { schema: string; name: string }[]): Promise<WriteStop> {
  const { rows: grants } = await client.query<RevokedGrant>(
    `select n.nspname as schema, c.relname as "table", case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end as grantee,
            a.privilege_type as privilege, a.is_grantable as grantable
       from pg_class c join pg_namespace n on n.oid = c.relnamespace, aclexplode(c.relacl) a
      where (n.nspname::text, c.relname::text) in (select * from unnest($1::text[], $2::text[]))
        and a.privilege_type = any($3::text[]) and a.grantee <> c.relowner
      order by 1, 2, 3, 4`,
    [tables.map((t) => t.schema), tables.map((t) => t.name), [...WRITE_PRIVILEGES]],
  );
  const { rows: db } = await client.query<{ database: string; setting: string | null }>(
    `select current_database() as database,
            (select substr(cfg, length('default_transaction_read_only=') + 1) from pg_db_role_setting s, unnest(s.setconfig) cfg
              where s.setdatabase = d.oid and s.setrole = 0 and cfg like 'default_transaction_read_only=%') as setting
       from pg_database d where d.datname = current_database()`,
  );
  return { database: db[0]!.database, grants, previousReadOnly: db[0]!.setting };
}

function grantee(name: string): string {
  return name === "PUBLIC" ? "PUBLIC" : quoteIdent(name);
}

/** Applies a planned stop: revokes, read-only default, then ends every other client session and waits until they are gone. */
export async function stopWrites(client: pg.Client, url: string, stop: WriteStop): Promise<{ sessionsEnded: number }> {
  await client.query("BEGIN");
  try {
    for (const g of stop.grants)
      await client.query(`REVOKE ${g.privilege} ON ${qualified(g.schema, g.table)} FROM ${grantee(g.grantee)} CASCADE`);
    await client.query(`ALTER DATABASE ${quoteIdent(stop.database)} SET default_transaction_read_only = on`);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw new OwnitError(
      "stop-writes-failed",
      `could not stop writes on ${describeServer(url)}: ${(error as Error).message.split("\n")[0]}; nothing was changed`,
      "connect as the database's owner or a superuser",
    );
  }
  // Sessions that start from now on are read-only by default; only older ones may still write.
  const others =
    "datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend' and backend_start < $1";
  const { rows: at } = await client.query<{ now: Date }>("select clock_timestamp() as now");
  const stoppedAt = at[0]!.now;
  // Materialized first: in a plain WHERE the planner may call pg_terminate_backend before the filter that spares this session.
  const terminate = `with victims as materialized (select pid from pg_stat_activity where ${others}) select count(*) filter (where pg_terminate_backend(pid))::int as n from victims`;
  const { rows } = await client.query<{ n: number }>(terminate, [stoppedAt]);
  const deadline = Date.now() + SESSION_END_TIMEOUT_MS;
  for (;;) {
    const { rows: left } = await client.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where ${others}`, [
      stoppedAt,
    ]);
    if (!left[0]!.n) break;
    if (Date.now() > deadline)
      throw new OwnitError(
        "sessions-still-open",
        `${left[0]!.n} session(s) on ${describeServer(url)} could not be ended, so they might still write`,
        "connect as a superuser (or a member of pg_signal_backend), or stop the app's servers, then run cutover again",
      );
    await client.query(terminate, [stoppedAt]);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { sessionsEnded: rows[0]!.n };
}

/** Gives the writes back exactly as they were. Safe to run twice, and after a stop that was cut off halfway. */
export async function restoreWrites(client: pg.Client, stop: WriteStop): Promise<void> {
  // This session may have started under the read-only default; the undo itself must write.
  await client.query("SET default_transaction_read_only = off");
  await client.query("BEGIN");
  try {
    for (const g of stop.grants)
      await client.query(
        `GRANT ${g.privilege} ON ${qualified(g.schema, g.table)} TO ${grantee(g.grantee)}${g.grantable ? " WITH GRANT OPTION" : ""}`,
      );
    if (stop.previousReadOnly === null)
      await client.query(`ALTER DATABASE ${quoteIdent(stop.database)} RESET default_transaction_read_only`);
    else
      await client.query(
        `ALTER DATABASE ${quoteIdent(stop.database)} SET default_transaction_read_only = ${quoteLiteral(stop.previousReadOnly)}`,
      );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}
