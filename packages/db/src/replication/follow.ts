// `ownit follow`: keeps a restored target in step with its live source through PostgreSQL's own
// logical replication. The follow-ready dump published the tables and created the slot whose
// snapshot it read; follow checks the target is exactly that export, then subscribes it to the
// slot without copying (copy_data = false): the target already holds the snapshot, and the slot
// streams every transaction committed after it, once.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { OwnitError, redactUrl } from "@ownit/core";
import { connect, describeServer, refuseTransactionPooler } from "../connection";
import { readExport, type ExportManifest } from "../export-format";
import { quoteIdent, quoteLiteral } from "../sql";
import { verifyManifest } from "../verify";
import { FOLLOW_STATE_FILE } from "./names";
import { dropFollowSlot } from "./slot";
import { unpublish } from "./publication";
import { requireLogicalWal, requireReplicationRole, sourceRole } from "./source-checks";

/** What follow set up, kept in the export folder for `follow --watch` and `cutover`. */
export interface FollowState {
  name: string;
  source: string;
  target: string;
  startedAt: string;
  /** Tables without a primary key that follow set to REPLICA IDENTITY FULL (put back by cutover). */
  replicaIdentityFull: string[];
  publications: string[];
  /**
   * Tables without a primary key holding a type with no equality (json, …): the target could not
   * find their rows, so only their inserts stream; cutover's verify fails if they were changed.
   */
  insertOnly: string[];
  /** The target's row counters when following began, so "applied" counts only replicated rows. */
  baseline: Record<string, TableCounters>;
}

export interface TableCounters {
  inserted: number;
  updated: number;
  deleted: number;
}

export interface FollowOptions {
  from: string;
  to: string;
  exportDir: string;
}

export interface FollowSetup {
  state: FollowState;
  /** False when the target was already following (nothing new was created). */
  created: boolean;
  tables: number;
}

export function followStateFile(exportDir: string): string {
  return path.join(path.resolve(exportDir), FOLLOW_STATE_FILE);
}

export function readFollowState(exportDir: string): FollowState {
  const file = followStateFile(exportDir);
  if (!existsSync(file))
    throw new OwnitError(
      "not-following",
      `${file} not found: the target is not following its source yet`,
      "run `ownit follow --from <source> --to <target>` first",
    );
  return JSON.parse(readFileSync(file, "utf8")) as FollowState;
}

/** The export's slot, or the one-line reason follow cannot use it. */
export function followSlotOf(manifest: ExportManifest, dir: string): { slot: string; lsn: string } {
  if (manifest.replication) return manifest.replication;
  throw new OwnitError(
    "not-follow-ready",
    `${dir} was dumped without a replication slot, so nothing records where the snapshot ended`,
    "dump again with `ownit dump --follow-ready`, restore that export, then follow",
  );
}

/** PostgreSQL 15 lets only superusers subscribe; 16 adds the pg_create_subscription role. */
async function requireSubscribePrivilege(target: pg.Client, url: string): Promise<void> {
  const { rows } = await target.query<{ name: string; ok: boolean }>(
    `select current_user as name, rolsuper or (current_setting('server_version_num')::int >= 160000 and pg_has_role(current_user, 'pg_create_subscription', 'USAGE')) as ok
       from pg_roles where rolname = current_user`,
  );
  if (rows[0]!.ok) return;
  throw new OwnitError(
    "no-subscription-privilege",
    `role "${rows[0]!.name}" on ${describeServer(url)} may not create a subscription`,
    "connect to the target as a superuser (PostgreSQL 16+: a member of pg_create_subscription)",
  );
}

async function tableCounters(
  target: pg.Client,
  tables: { schema: string; name: string }[],
): Promise<Record<string, TableCounters>> {
  const { rows } = await target.query<{ t: string; i: string; u: string; d: string }>(
    `select schemaname || '.' || relname as t, n_tup_ins as i, n_tup_upd as u, n_tup_del as d from pg_stat_user_tables
      where (schemaname::text, relname::text) in (select * from unnest($1::text[], $2::text[]))`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  return Object.fromEntries(rows.map((r) => [r.t, { inserted: Number(r.i), updated: Number(r.u), deleted: Number(r.d) }]));
}

async function subscriptionExists(target: pg.Client, name: string): Promise<boolean> {
  const { rows } = await target.query("select 1 from pg_subscription where subname = $1", [name]);
  return rows.length > 0;
}

/** The export's slot is still there, unread since the snapshot, and so are its publications. */
async function requireSlotAndPublications(
  source: pg.Client,
  from: string,
  manifest: ExportManifest,
  slot: string,
  lsn: string,
): Promise<void> {
  const { rows: slots } = await source.query<{ active: boolean; flushed: string | null; behind: boolean }>(
    "select active, confirmed_flush_lsn::text as flushed, confirmed_flush_lsn > $2::pg_lsn as behind from pg_replication_slots where slot_name = $1 and database = current_database()",
    [slot, lsn],
  );
  if (!slots.length)
    throw new OwnitError(
      "slot-missing",
      `replication slot ${slot} of this export no longer exists on ${describeServer(from)}`,
      "dump again with --follow-ready, restore that export into an empty database, then follow",
    );
  if (slots[0]!.active || slots[0]!.behind)
    throw new OwnitError(
      "slot-used",
      `replication slot ${slot} on ${describeServer(from)} is already being read by someone else`,
      "stop the other reader, or dump again with --follow-ready",
    );
  const { rows: pubs } = await source.query<{ n: number }>(
    "select count(*)::int as n from pg_publication where pubname = any($1::text[])",
    [manifest.replication!.publications],
  );
  if (pubs[0]!.n !== manifest.replication!.publications.length)
    throw new OwnitError(
      "publication-missing",
      `the publication(s) ${manifest.replication!.publications.join(", ")} of this export are gone from ${describeServer(from)}`,
      "dump again with --follow-ready, restore that export, then follow",
    );
}

export async function startFollow(options: FollowOptions): Promise<FollowSetup> {
  refuseTransactionPooler(options.from);
  const folder = readExport(options.exportDir);
  const { manifest } = folder;
  const { slot, lsn } = followSlotOf(manifest, folder.dir);
  const tables = manifest.tables.map((t) => ({ schema: t.schema, name: t.name }));
  const source = await connect(options.from, "source");
  let target: pg.Client | undefined;
  try {
    await requireLogicalWal(source, options.from);
    const role = await sourceRole(source);
    requireReplicationRole(role, options.from);
    target = await connect(options.to, "target");
    await requireSubscribePrivilege(target, options.to);
    if (await subscriptionExists(target, slot))
      return { state: readFollowState(folder.dir), created: false, tables: tables.length };

    await requireSlotAndPublications(source, options.from, manifest, slot, lsn);

    // The target must hold exactly the snapshot the slot starts after: every row, sequence and object.
    const report = await verifyManifest(manifest, options.to);
    if (!report.ok) {
      const d = report.differences[0]!;
      throw new OwnitError(
        "target-differs",
        `${redactUrl(options.to)} differs from the export in ${report.differences.length} place(s), first ${d.kind} ${d.name} (expected ${d.expected}, found ${d.actual}); following it would mix two histories`,
        `restore ${folder.dir} into an empty database with \`ownit restore\`, then follow`,
      );
    }

    const state: FollowState = {
      name: slot,
      source: redactUrl(options.from),
      target: redactUrl(options.to),
      startedAt: new Date().toISOString(),
      publications: manifest.replication!.publications,
      replicaIdentityFull: manifest.replication!.replicaIdentityFull,
      insertOnly: manifest.replication!.insertOnly,
      baseline: await tableCounters(target, tables),
    };
    writeFileSync(followStateFile(folder.dir), `${JSON.stringify(state, null, 2)}\n`);
    try {
      await target.query(
        `CREATE SUBSCRIPTION ${quoteIdent(slot)} CONNECTION ${quoteLiteral(options.from)} PUBLICATION ${state.publications.map(quoteIdent).join(", ")} WITH (create_slot = false, slot_name = ${quoteLiteral(slot)}, copy_data = false)`,
      );
    } catch (error) {
      throw new OwnitError(
        "follow-failed",
        `the target refused the subscription: ${(error as Error).message.split("\n")[0]}; nothing was created`,
        "fix the cause and run follow again",
      );
    }
    return { state, created: true, tables: tables.length };
  } finally {
    await source.end().catch(() => {});
    await target?.end().catch(() => {});
  }
}

/**
 * Ends following for good: the subscription dropped on the target (detached from the slot first,
 * so dropping it needs no connection back), then the slot and publication on the source.
 */
export async function removeFollow(source: pg.Client, target: pg.Client, state: FollowState): Promise<void> {
  if (await subscriptionExists(target, state.name)) {
    const sub = quoteIdent(state.name);
    await target.query(`ALTER SUBSCRIPTION ${sub} DISABLE`);
    await target.query(`ALTER SUBSCRIPTION ${sub} SET (slot_name = NONE)`);
    await target.query(`DROP SUBSCRIPTION ${sub}`);
  }
  await dropFollowSlot(source, state.name);
  await unpublish(source, state);
}

/**
 * Gives following up without a cutover (`follow --stop`): subscription, slot and publications
 * removed, so an abandoned move does not keep the source's WAL forever. Works from the export
 * alone when follow never ran (only the dump's slot and publications exist).
 */
export async function stopFollowing(options: FollowOptions): Promise<{ name: string }> {
  refuseTransactionPooler(options.from);
  const { manifest, dir } = readExport(options.exportDir);
  const replication = followSlotOf(manifest, dir);
  const state: Pick<FollowState, "name" | "replicaIdentityFull"> = {
    name: replication.slot,
    replicaIdentityFull: manifest.replication!.replicaIdentityFull,
  };
  const source = await connect(options.from, "source");
  try {
    const target = await connect(options.to, "target");
    try {
      await removeFollow(source, target, state as FollowState);
    } finally {
      await target.end().catch(() => {});
    }
  } finally {
    await source.end().catch(() => {});
  }
  return { name: replication.slot };
}

export interface FollowStatus {
  name: string;
  /** The subscription's apply worker is running. */
  streaming: boolean;
  sourceLsn: string;
  confirmedLsn: string | null;
  lagBytes: number;
  /** Seconds the target is behind (PostgreSQL's replay_lag); 0 when caught up, null when unknown. */
  lagSeconds: number | null;
  tables: ({ name: string } & TableCounters)[];
  appliedRows: number;
  at: string;
}

export async function followStatus(source: pg.Client, target: pg.Client, state: FollowState): Promise<FollowStatus> {
  const { rows: slot } = await source.query<{
    current: string;
    confirmed: string | null;
    lag: string | null;
    seconds: number | null;
  }>(
    `select pg_current_wal_lsn()::text as current, s.confirmed_flush_lsn::text as confirmed,
            pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::text as lag,
            (select extract(epoch from r.replay_lag)::float8 from pg_stat_replication r where r.application_name = s.slot_name limit 1) as seconds
       from pg_replication_slots s where s.slot_name = $1`,
    [state.name],
  );
  if (!slot.length)
    throw new OwnitError(
      "slot-missing",
      `replication slot ${state.name} no longer exists on ${state.source}`,
      "dump again with --follow-ready, restore, then follow",
    );
  const { rows: sub } = await target.query<{ pid: number | null }>(
    "select pid from pg_stat_subscription where subname = $1 and relid is null",
    [state.name],
  );
  const keys = Object.keys(state.baseline).map((k) => {
    const i = k.indexOf(".");
    return { schema: k.slice(0, i), name: k.slice(i + 1) };
  });
  const now = await tableCounters(target, keys);
  const tables = Object.keys(state.baseline)
    .sort()
    .map((name) => {
      const before = state.baseline[name]!;
      const after = now[name] ?? before;
      return {
        name,
        inserted: after.inserted - before.inserted,
        updated: after.updated - before.updated,
        deleted: after.deleted - before.deleted,
      };
    });
  const lagBytes = Math.max(0, Number(slot[0]!.lag ?? 0));
  return {
    name: state.name,
    streaming: sub.some((s) => s.pid !== null),
    sourceLsn: slot[0]!.current,
    confirmedLsn: slot[0]!.confirmed,
    lagBytes,
    lagSeconds: lagBytes === 0 ? 0 : slot[0]!.seconds,
    tables,
    appliedRows: tables.reduce((n, t) => n + t.inserted + t.updated + t.deleted, 0),
    at: new Date().toISOString(),
  };
}
