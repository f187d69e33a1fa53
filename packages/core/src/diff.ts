// Unified diffs of a change set, for --dry-run.
import { createTwoFilesPatch } from "diff";
import type { FileChange } from "./changeset";
import { looksBinary } from "./files";

export function unifiedDiff(changes: FileChange[]): string {
  return changes.map(diffOne).join("");
}

function diffOne(change: FileChange): string {
  const before = change.before;
  const after = change.after;
  if ((before && looksBinary(before)) || (after && looksBinary(after))) {
    return `Binary file ${change.path} ${after === null ? "deleted" : before === null ? "added" : "changed"}\n`;
  }
  const oldName = before === null ? "/dev/null" : `a/${change.path}`;
  const newName = after === null ? "/dev/null" : `b/${change.path}`;
  return createTwoFilesPatch(oldName, newName, before?.toString("utf8") ?? "", after?.toString("utf8") ?? "", "", "", { context: 3 }).replace(/^=+\n/, "");
}
