// Unified diffs of a change set, for --dry-run.
import { createTwoFilesPatch } from "diff";
import type { FileChange } from "./changeset";
import { looksBinary } from "./files";
import { MASKED_NAME_PARTS } from "./markers";
import { redact, REDACTED } from "./redact";

/** An env file holding values (not .env.example): the values of secret-looking names are masked. */
const ENV_FILE = /(^|\/)\.env(\.(?!example$|sample$|template$)[^/]*)?$/;
const SECRET_ENV_LINE = new RegExp(
  `^([+\\- ]\\s*(?:export\\s+)?[A-Za-z_][A-Za-z0-9_]*(?:${MASKED_NAME_PARTS.join("|")})[A-Za-z0-9_]*\\s*=\\s*)(\\S.*)$`,
  "gm",
);

/** The diff shown to the user: keys and passwords never appear in it (a new .env.local holds them). */
export function unifiedDiff(changes: FileChange[]): string {
  return changes
    .map((change) => {
      const diff = redact(diffOne(change));
      return ENV_FILE.test(change.path) ? diff.replace(SECRET_ENV_LINE, `$1${REDACTED}`) : diff;
    })
    .join("");
}

function diffOne(change: FileChange): string {
  const before = change.before;
  const after = change.after;
  if ((before && looksBinary(before)) || (after && looksBinary(after))) {
    return `Binary file ${change.path} ${after === null ? "deleted" : before === null ? "added" : "changed"}\n`;
  }
  const oldName = before === null ? "/dev/null" : `a/${change.path}`;
  const newName = after === null ? "/dev/null" : `b/${change.path}`;
  return createTwoFilesPatch(oldName, newName, before?.toString("utf8") ?? "", after?.toString("utf8") ?? "", "", "", {
    context: 3,
  }).replace(/^=+\n/, "");
}
