// Which files ownit generated and nobody edited since: a file whose bytes are what an applied run
// wrote there is ours to regenerate when the project's facts change (a sync bringing a new entity,
// a new edge function); anything else is the owner's and is kept.
import { sha256 } from "./hash";
import { listRuns } from "./ledger";

/** Hashes of the files earlier applied runs wrote, by path. */
export function ownitWrittenHashes(root: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const run of listRuns(root)) {
    if (run.status !== "applied") continue;
    for (const f of run.files) {
      if (!f.after) continue;
      if (!out.has(f.path)) out.set(f.path, new Set());
      out.get(f.path)!.add(f.after);
    }
  }
  return out;
}

/** True when these bytes at this path are exactly what an applied ownit run wrote there. */
export function writtenByOwnit(root: string, rel: string, bytes: string | Buffer): boolean {
  return ownitWrittenHashes(root).get(rel)?.has(sha256(bytes)) ?? false;
}
