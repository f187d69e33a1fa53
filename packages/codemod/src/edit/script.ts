// Span edits on JS/TS located through the AST (Babel's start/end offsets): remove a statement or
// a list element, add a marker line, and leave every other byte as it was. Used where recast's
// reprint of a changed parent would reflow it (an array literal collapsed onto one line).
import { removalEdit, type SpanEdit } from "./text";
import { TODO_TAG } from "./todo";

interface Located {
  start?: number | null;
  end?: number | null;
}

export function spanOfNode(node: unknown): { start: number; end: number } {
  const n = node as Located;
  if (typeof n.start !== "number" || typeof n.end !== "number") throw new Error("node has no source location");
  return { start: n.start, end: n.end };
}

/** Removes a whole statement (an import, an expression statement) with its line when it stands alone. */
export function removeStatementEdit(source: string, node: unknown): SpanEdit {
  const { start, end } = spanOfNode(node);
  return removalEdit(source, start, end);
}

function skipSpace(source: string, i: number): number {
  while (i < source.length && /\s/.test(source[i]!)) i++;
  return i;
}

/**
 * Removes elements[index] from an array/argument list with its comma, keeping the others' layout:
 * `[a, b]` → `[a]`, a multi-line list loses exactly the element's line(s).
 */
export function removeListElementEdit(source: string, elements: readonly unknown[], index: number): SpanEdit {
  const el = spanOfNode(elements[index]);
  const next = elements[index + 1];
  if (next) return { start: el.start, end: spanOfNode(next).start, text: "" };
  const afterEl = skipSpace(source, el.end);
  if (source[afterEl] === ",") return removalEdit(source, el.start, afterEl + 1);
  const prev = elements[index - 1];
  if (prev) return { start: spanOfNode(prev).end, end: el.end, text: "" };
  return removalEdit(source, el.start, el.end);
}

/** Inserts `// ownit-todo: <what>` on its own line above the line holding pos (nothing when one is already there). */
export function todoLineEdit(source: string, pos: number, what: string): SpanEdit | undefined {
  const lineStart = source.lastIndexOf("\n", pos - 1) + 1;
  const prevLineStart = source.lastIndexOf("\n", lineStart - 2) + 1;
  if (lineStart > 0 && source.slice(prevLineStart, lineStart).includes(TODO_TAG)) return undefined;
  const indent = /^[ \t]*/.exec(source.slice(lineStart))![0];
  return { start: lineStart, end: lineStart, text: `${indent}// ${TODO_TAG} ${what}\n` };
}
