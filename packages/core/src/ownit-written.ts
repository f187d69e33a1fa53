// The one rule for files ownit generates (what Changeset.write({ generated: true }) records): a file
// whose bytes are what an applied run wrote there is ownit's, unedited, and ours to regenerate when
// the project's facts change (a sync bringing a new entity, a new edge function); a file that still
// carries the mark ownit writes into it (a first-line header) is ownit's but edited since, so the
// owner's edits are kept; anything else is the owner's and is never overwritten.
import { sha256 } from "./hash";
import { listRuns } from "./ledger";

/** Hashes of the files earlier applied runs wrote, by path. */
function ownitWrittenHashes(root: string): Map<string, Set<string>> {
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

/** Who a file at a path ownit generates into belongs to now. */
export type GeneratedFileState = "absent" | "as-written" | "ownit-edited" | "owner";

/**
 * How ownit marks a file it generates, when the file's format allows one: the text its first line
 * starts with, or (JSON, say) a test of the text.
 */
export type GeneratedMark = string | ((text: string) => boolean);

export interface GeneratedFiles {
  stateOf(rel: string, text: string | Buffer | undefined, mark?: GeneratedMark): GeneratedFileState;
}

/** The rule for one project, its ledger read once (a step that places many files asks many times). */
export function generatedFiles(root: string): GeneratedFiles {
  let hashes: Map<string, Set<string>> | undefined;
  return {
    stateOf(rel, text, mark) {
      if (text === undefined) return "absent";
      hashes ??= ownitWrittenHashes(root);
      if (hashes.get(rel)?.has(sha256(text))) return "as-written";
      if (mark === undefined) return "owner";
      const body = text.toString();
      return (typeof mark === "string" ? body.startsWith(mark) : mark(body)) ? "ownit-edited" : "owner";
    },
  };
}
