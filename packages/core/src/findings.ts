// Findings: what a step found that the owner must know about or act on.
import { redact } from "./redact";

export type Severity = "high" | "medium" | "low" | "info";

export interface Finding {
  severity: Severity;
  /** Stable machine-readable code, e.g. "secret-exposed-to-browser". */
  code: string;
  /** One line, secrets redacted. */
  message: string;
  file?: string;
  line?: number;
  /** What to do about it. */
  hint?: string;
}

/** The 1-based line of a character offset, as findings name it. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function finding(f: Finding): Finding {
  return { ...f, message: redact(f.message), ...(f.hint ? { hint: redact(f.hint) } : {}) };
}

const ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2, info: 3 };

/** Sorted most severe first, then by file and line; duplicates removed. */
export function sortFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings
    .filter((f) => {
      const key = `${f.code}|${f.file ?? ""}|${f.line ?? ""}|${f.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort(
      (a, b) =>
        ORDER[a.severity] - ORDER[b.severity] ||
        (a.file ?? "").localeCompare(b.file ?? "") ||
        (a.line ?? 0) - (b.line ?? 0) ||
        a.code.localeCompare(b.code),
    );
}

export function formatFinding(f: Finding): string {
  const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ""}: ` : "";
  return `[${f.severity}] ${where}${f.message}${f.hint ? ` (${f.hint})` : ""}`;
}
