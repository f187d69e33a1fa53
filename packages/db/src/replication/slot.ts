// The replication slot a follow-ready dump reads through. The slot is created on a replication
// connection with its snapshot exported, and the whole dump (pg_dump and every COPY connection)
// joins that snapshot: the slot streams exactly the transactions that committed after what the
// dump saw, so the follower starts with no gap and no row applied twice. The snapshot lives as
// long as the replication connection stays idle, so it is held open until the dump is done.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { OwnitError } from "@ownit/core";
import { connect, describeServer } from "../connection";
import { FOLLOW_NAME_PREFIX, OUTPUT_PLUGIN } from "./names";

export interface FollowSlot {
  /** Names the slot, and later the publication and subscription. */
  name: string;
  /** WAL position the slot starts from: the dump's snapshot. */
  lsn: string;
  /** Snapshot to join with SET TRANSACTION SNAPSHOT while the slot's connection is held. */
  snapshot: string;
  /** Ends the replication connection (the snapshot with it); the slot stays. */
  release(): Promise<void>;
}

export function newFollowName(): string {
  return `${FOLLOW_NAME_PREFIX}${randomBytes(4).toString("hex")}`;
}

/** Creates the slot (after its publications: see publication.ts) and returns its snapshot. */
export async function createFollowSlot(url: string, name: string): Promise<FollowSlot> {
  const replication = await connect(url, "source", { replication: "database" } as Partial<pg.ClientConfig>);
  try {
    const { rows } = await replication.query<{ consistent_point: string; snapshot_name: string }>(
      `CREATE_REPLICATION_SLOT ${name} LOGICAL ${OUTPUT_PLUGIN} (SNAPSHOT 'export')`,
    );
    let released: Promise<void> | undefined;
    return {
      name,
      lsn: rows[0]!.consistent_point,
      snapshot: rows[0]!.snapshot_name,
      release: () => (released ??= replication.end().catch(() => {})),
    };
  } catch (error) {
    await replication.end().catch(() => {});
    const message = (error as Error).message.split("\n")[0];
    throw new OwnitError(
      "slot-failed",
      `${describeServer(url)} refused a replication slot: ${message}`,
      "free a slot (max_replication_slots) or check the role's REPLICATION privilege",
    );
  }
}

/** Drops a slot ownit created (waiting briefly for a subscriber that is still letting go of it). */
export async function dropFollowSlot(client: pg.Client, name: string): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { rows } = await client.query<{ active_pid: number | null }>(
      "select active_pid from pg_replication_slots where slot_name = $1",
      [name],
    );
    if (!rows.length) return false;
    if (rows[0]!.active_pid === null) {
      await client.query("select pg_drop_replication_slot($1)", [name]);
      return true;
    }
    if (attempt > 10) await client.query("select pg_terminate_backend($1)", [rows[0]!.active_pid]);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new OwnitError(
    "slot-busy",
    `replication slot ${name} is still in use`,
    "stop the subscription that reads it, then run the command again",
  );
}
