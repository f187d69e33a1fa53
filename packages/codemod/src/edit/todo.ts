// `// ownit-todo: <what to do>` markers: where a transform could not rewrite code safely it leaves
// the code working and one marker at the call; the runner lists every marker as a finding.
import { finding, type Finding } from "@ownit/core";

export const TODO_TAG = "ownit-todo:";

/** Every marker in a file, as findings with file and line. */
export function collectTodos(file: string, text: string): Finding[] {
  if (!text.includes(TODO_TAG)) return [];
  const out: Finding[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const at = line.indexOf(TODO_TAG);
    if (at < 0) return;
    const what = line
      .slice(at + TODO_TAG.length)
      .replace(/\*\/.*$|-->.*$/, "")
      .trim();
    out.push(
      finding({
        severity: "medium",
        code: "ownit-todo",
        file,
        line: i + 1,
        message: what || "left for you to finish",
        hint: "finish this by hand, then delete the marker",
      }),
    );
  });
  return out;
}
