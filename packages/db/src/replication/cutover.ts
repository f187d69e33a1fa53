// `ownit cutover`: the switch from a followed source to its target, in the order that loses no
// write: (1) stop the app's writes on the source (recorded first, see write-stop.ts), (2) wait
// until the target has confirmed everything the source committed up to that moment, (3) move every
// sequence on the target to the source's value (logical replication does not carry sequences),
// (4) verify the target against checksums taken from the stopped source now, not the old snapshot,
// (5) remove the subscription, slot and publication. Any failure before the end gives the source
// its writes back; a kill leaves the recorded intent for `ownit rollback`.
import type pg from "pg";
import { OwnitError } from "@ownit/core";
import { listSequences, schemaObjects } from "../catalog";
import { collatableColumns, copyTableOut, pinSession } from "../checksum";
import { connect, describeServer, refuseTransactionPooler } from "../connection";
import { readExport, type ExportManifest, type SequenceEntry, type TableEntry } from "../export-format";
import { defaultJobs, drainQueue, QueueJobError } from "../parallel";
import { qualified } from "../sql";
import { manifestScope, verifyManifest, type VerifyReport } from "../verify";
import { followStatus, readFollowState, removeFollow, type FollowState } from "./follow";
import { CATCH_UP_TIMEOUT_MS, POLL_INTERVAL_MS } from "./names";
import { planWriteStop, restoreWrites, stopWrites, type WriteStop } from "./write-stop";

export type CutoverStep = "writes-stopped" | "caught-up" | "sequences-set" | "verified" | "replication-removed";

/** Thrown when verification after the switch finds a difference: the source stays stopped, rollback gives its writes back. */
export const VERIFY_AFTER_SWITCH_FAILED = "verify-after-switch-failed";

export interface CutoverOptions {
  from: string;
  to: string;
  exportDir: string;
  /** Parallel connections per server for the checksums (default 2). */
  jobs?: number;
  /** Must keep the plan somewhere a rollback finds it (the run ledger) before it returns. */
  recordIntent(stop: WriteStop): void | Promise<void>;
  /**
   * Open the target as soon as its data is final (caught up, sequences set, replication removed)
   * and verify afterwards, on a snapshot of the target taken at that moment: the window no longer
   * includes the checksums. A difference found then is reported, not undone (the app may already write).
   */
  verifyAfterSwitch?: boolean;
  onStep?(step: CutoverStep, elapsedMs: number): void;
}

export interface CutoverResult {
  stop: WriteStop;
  sessionsEnded: number;
  /** The source's WAL position once writes had stopped: everything up to it is on the target. */
  stopLsn: string;
  sequences: SequenceEntry[];
  report: VerifyReport;
  /** Milliseconds from the first revoke until the target was ready to take the app's writes. */
  windowMs: number;
  /** Milliseconds the checksums took (inside the window unless verifyAfterSwitch). */
  verifyMs: number;
  steps: { step: CutoverStep; ms: number }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the slot's confirmed position passes lsn (the subscriber applied and flushed all before it). */
async function waitForTarget(source: pg.Client, state: FollowState, lsn: string): Promise<void> {
  const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
  for (;;) {
    const { rows } = await source.query<{ done: boolean | null }>(
      "select confirmed_flush_lsn >= $2::pg_lsn as done from pg_replication_slots where slot_name = $1",
      [state.name, lsn],
    );
    if (rows[0]?.done) return;
    if (Date.now() > deadline)
      throw new OwnitError(
        "catch-up-timeout",
        `the target did not catch up with ${state.source} within ${CATCH_UP_TIMEOUT_MS / 1000} s`,
        "check `ownit follow --watch` and the target's log, then run cutover again",
      );
    await sleep(POLL_INTERVAL_MS / 4);
  }
}

/** Every sequence of the source's scope set on the target to the source's value, so the next id is past every existing one. */
async function moveSequences(source: pg.Client, target: pg.Client, manifest: ExportManifest): Promise<SequenceEntry[]> {
  const sequences = await listSequences(source, manifestScope(manifest));
  for (const s of sequences)
    await target.query("select pg_catalog.setval($1, $2::bigint, $3)", [qualified(s.schema, s.name), s.lastValue, s.isCalled]);
  return sequences;
}

/** Row counts and checksums of the stopped source, computed exactly as dump computes them. */
async function sourceChecksums(url: string, tables: TableEntry[], jobs: number): Promise<TableEntry[]> {
  const results: TableEntry[] = [];
  const clients: pg.Client[] = [];
  try {
    for (let i = 0; i < Math.max(1, Math.min(jobs, tables.length)); i++) {
      const client = await connect(url, "source");
      clients.push(client);
      await client.query("SET statement_timeout = 0");
      await pinSession(client);
    }
    const collatable = await collatableColumns(clients[0]!, tables);
    await drainQueue(
      [...tables].sort((a, b) => b.bytes - a.bytes),
      clients,
      async (t, client) => {
        const counts = await copyTableOut(client, t, { collatable: collatable.get(`${t.schema}.${t.name}`) });
        results.push({ ...t, ...counts });
      },
    ).catch((error: unknown) => {
      throw error instanceof QueueJobError ? error.cause : error;
    });
  } finally {
    for (const client of clients) await client.end().catch(() => {});
  }
  return results.sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`));
}

/** The stopped source's rows (and, before the switch, sequences) against the target, as of snapshot when given. */
async function verifyAgainstSource(
  options: CutoverOptions,
  source: pg.Client,
  manifest: ExportManifest,
  sequences: SequenceEntry[],
  jobs: number,
  snapshot?: string,
): Promise<{ report: VerifyReport; ms: number }> {
  const at = Date.now();
  const live: ExportManifest = {
    ...manifest,
    tables: await sourceChecksums(options.from, manifest.tables, jobs),
    // Sequences are not transactional: once the app writes to the target they move on, so after the switch only rows and objects are compared.
    sequences: snapshot ? [] : sequences,
    objects: manifest.objects ? await schemaObjects(source, manifestScope(manifest)) : undefined,
  };
  return { report: await verifyManifest(live, options.to, { jobs, snapshot }), ms: Date.now() - at };
}

function differs(report: VerifyReport): string {
  const d = report.differences[0]!;
  return `the target differs from the stopped source in ${report.differences.length} place(s), first ${d.kind} ${d.name} (source ${d.expected}, target ${d.actual})`;
}

/** After a failed cutover that had stopped the source's writes: gives them back (on a fresh connection), and says what happened. */
async function giveWritesBack(options: CutoverOptions, stop: WriteStop, error: unknown): Promise<unknown> {
  try {
    // A fresh connection: the one in use may be what failed.
    const undo = await connect(options.from, "source");
    try {
      await restoreWrites(undo, stop);
    } finally {
      await undo.end().catch(() => {});
    }
  } catch (undoError) {
    return new OwnitError(
      "writes-not-restored",
      `cutover failed (${(error as Error).message.split("\n")[0]}) and the source's writes could not be given back (${(undoError as Error).message.split("\n")[0]})`,
      "run `ownit rollback` to give the source its writes back",
      { cause: error },
    );
  }
  if (error instanceof OwnitError) return error;
  const message = (error as Error).message.split("\n")[0]!;
  const cut = /terminat|ECONNRESET|not queryable|connection error/i.test(message);
  return new OwnitError(
    "cutover-failed",
    `cutover failed: ${cut ? `the connection to a server was cut (${message})` : message}; the source takes writes again`,
    "check both servers, then run cutover again",
    { cause: error },
  );
}

export async function cutover(options: CutoverOptions): Promise<CutoverResult> {
  refuseTransactionPooler(options.from);
  const { manifest, dir } = readExport(options.exportDir);
  const state = readFollowState(dir);
  const jobs = options.jobs ?? defaultJobs();
  const source = await connect(options.from, "source");
  const target = await connect(options.to, "target").catch(async (error) => {
    await source.end().catch(() => {});
    throw error;
  });
  let stop: WriteStop | undefined;
  try {
    const status = await followStatus(source, target, state);
    if (!status.streaming)
      throw new OwnitError(
        "not-streaming",
        `the subscription ${state.name} on ${describeServer(options.to)} is not running, so the target would never catch up`,
        "check `ownit follow --watch` and the target's log; nothing was changed",
      );
    const planned = await planWriteStop(source, manifest.tables);
    await options.recordIntent(planned);
    stop = planned;
    const started = Date.now();
    const steps: { step: CutoverStep; ms: number }[] = [];
    const step = (name: CutoverStep) => {
      steps.push({ step: name, ms: Date.now() - started });
      options.onStep?.(name, Date.now() - started);
    };

    const { sessionsEnded } = await stopWrites(source, options.from, planned);
    const { rows } = await source.query<{ lsn: string }>("select pg_current_wal_lsn()::text as lsn");
    const stopLsn = rows[0]!.lsn;
    step("writes-stopped");
    await waitForTarget(source, state, stopLsn);
    step("caught-up");
    const sequences = await moveSequences(source, target, manifest);
    step("sequences-set");
    const verify = (snapshot?: string) => verifyAgainstSource(options, source, manifest, sequences, jobs, snapshot);
    if (!options.verifyAfterSwitch) {
      const { report, ms } = await verify();
      if (!report.ok)
        throw new OwnitError(
          "cutover-verify-failed",
          differs(report),
          "the source takes writes again; find the cause with `ownit follow --watch` and `ownit verify`, then cut over again",
        );
      step("verified");
      await removeFollow(source, target, state);
      step("replication-removed");
      return { stop: planned, sessionsEnded, stopLsn, sequences, report, windowMs: Date.now() - started, verifyMs: ms, steps };
    }
    await removeFollow(source, target, state);
    // The target's data as it is at the switch, held while the checksums run and the app already writes.
    const holder = await connect(options.to, "target");
    try {
      await holder.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      const { rows: snap } = await holder.query<{ id: string }>("select pg_export_snapshot() as id");
      const windowMs = Date.now() - started;
      step("replication-removed");
      stop = undefined; // from here on the target is live: a failure no longer gives the source its writes back
      const { report, ms } = await verify(snap[0]!.id);
      if (!report.ok)
        throw new OwnitError(
          VERIFY_AFTER_SWITCH_FAILED,
          differs(report),
          "do not switch, or switch back: `ownit rollback` gives the source its writes back",
        );
      step("verified");
      return { stop: planned, sessionsEnded, stopLsn, sequences, report, windowMs, verifyMs: ms, steps };
    } finally {
      await holder.end().catch(() => {});
    }
  } catch (error) {
    throw stop ? await giveWritesBack(options, stop, error) : error;
  } finally {
    await source.end().catch(() => {});
    await target.end().catch(() => {});
  }
}
