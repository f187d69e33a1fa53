// `ownit dump --via <helper-url>`: the same portable export as a direct dump, read through a
// deployed export helper. The helper hands over the connection it holds; the ordinary dump
// (one snapshot, pg_dump for the schema, parallel COPY, Storage files) then runs over it, directly
// or through the helper's tunnel, so restore and verify see no difference.
import { OwnitError } from "@ownit/core";
import { dumpDatabase, type DumpOptions, type DumpResult } from "../dump";
import { openHelperConnection, type HelperRoute } from "./client";

export interface DumpViaHelperOptions extends Omit<DumpOptions, "from" | "storage" | "sourceLabel"> {
  /** The helper's address, e.g. https://<ref>.supabase.co/functions/v1/ownit-export */
  via: string;
  secret: string;
  /** auto (default): direct when the database answers from here, else the tunnel. */
  route?: HelperRoute;
  /** Download Storage files with the key the helper holds (default true). */
  storage?: boolean;
}

export interface DumpViaHelperResult extends DumpResult {
  route: "direct" | "tunnel";
}

export async function dumpViaHelper(options: DumpViaHelperOptions): Promise<DumpViaHelperResult> {
  const { via, secret, route, storage, ...dump } = options;
  const connection = await openHelperConnection(via, secret, { route });
  try {
    const result = await dumpDatabase({
      ...dump,
      from: connection.databaseUrl,
      storage: storage === false ? undefined : connection.storage,
      sourceLabel: connection.label,
    });
    return { ...result, route: connection.route };
  } catch (error) {
    // The dump names the loopback end of the tunnel; say what happened at the helper instead.
    const cut = connection.tunnelError();
    if (error instanceof OwnitError && error.code === "dump-failed" && cut) {
      throw new OwnitError(
        "dump-failed",
        `dump through the helper at ${new URL(via).origin}${new URL(via).pathname} failed: ${cut}; nothing was written`,
        "keep the helper deployed and run the dump again",
        { cause: error },
      );
    }
    throw error;
  } finally {
    await connection.close();
  }
}
