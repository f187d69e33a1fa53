// The names and lists logical replication (follow, cutover) relies on, in one place: what ownit
// calls the slot, publication and subscription it creates, and which privileges count as writes.

/** Prefix of every slot, publication and subscription ownit creates; one id names all three. */
export const FOLLOW_NAME_PREFIX = "ownit_follow_";

/** File in the export folder where `follow` keeps what it set up (names, counters, replica identities). */
export const FOLLOW_STATE_FILE = "follow.json";

/** Logical decoding output plugin the built-in subscription speaks. */
export const OUTPUT_PLUGIN = "pgoutput";

/** Table privileges that let a role change rows: cutover revokes them from every app role. */
export const WRITE_PRIVILEGES = ["INSERT", "UPDATE", "DELETE", "TRUNCATE"] as const;

/** How often follow --watch and cutover's catch-up poll the servers. */
export const POLL_INTERVAL_MS = 200;

/** How long cutover waits for the target to catch up before it gives the source its writes back. */
export const CATCH_UP_TIMEOUT_MS = 120_000;

/** How long cutover waits for the app's terminated sessions to end. */
export const SESSION_END_TIMEOUT_MS = 10_000;

/** The hint every refusal of logical replication carries: the fallback while the source cannot follow. */
export const NO_FOLLOW_FALLBACK =
  "until it can, move with a short write stop instead: stop the app's writes, `ownit dump` + `ownit restore` + `ownit verify`, then switch";
