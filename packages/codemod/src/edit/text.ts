// Span edits on text: replace located ranges from a real parser and keep every other byte.
export interface SpanEdit {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping edits (any order) and returns the new text. */
export function applySpanEdits(source: string, edits: SpanEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let out = source;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.end > limit) throw new Error(`overlapping edits at ${edit.start}-${edit.end}`);
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
    limit = edit.start;
  }
  return out;
}

/**
 * A removal of [start, end) that also takes the line with it when nothing else is on that
 * line (the indentation before, the newline after), so no blank line is left behind.
 */
export function removalEdit(source: string, start: number, end: number): SpanEdit {
  let lineStart = start;
  while (lineStart > 0 && (source[lineStart - 1] === " " || source[lineStart - 1] === "\t")) lineStart--;
  const atLineStart = lineStart === 0 || source[lineStart - 1] === "\n";
  let lineEnd = end;
  while (lineEnd < source.length && (source[lineEnd] === " " || source[lineEnd] === "\t")) lineEnd++;
  if (source[lineEnd] === "\r") lineEnd++;
  const atLineEnd = lineEnd === source.length || source[lineEnd] === "\n";
  if (atLineStart && atLineEnd) return { start: lineStart, end: Math.min(source.length, lineEnd + 1), text: "" };
  return { start, end, text: "" };
}

/** The line ending a file uses ("\r\n" when its first line break is CRLF). */
export function eolOf(text: string): string {
  const i = text.indexOf("\n");
  return i > 0 && text[i - 1] === "\r" ? "\r\n" : "\n";
}

/**
 * A string's characters as a template literal's raw text: backslashes, backticks, `${` and line
 * breaks escaped, so the template's value is the string's.
 */
export function templateText(cooked: string): string {
  return cooked.replace(/[\\`]|\$\{|[\n\r\t]/g, (c) => ({ "\n": "\\n", "\r": "\\r", "\t": "\\t", "${": "\\${" })[c] ?? `\\${c}`);
}

/** A transform's answer: the new text, or undefined when it is the same (the one "unchanged" signal, as in jscodeshift). */
export function changedText(before: string, after: string): string | undefined {
  return after === before ? undefined : after;
}
