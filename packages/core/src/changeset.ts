// An in-memory overlay of a project's files. Every step plans its edits here first, so a
// migration can be shown as a diff, and written only once every step has succeeded.
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { listProjectFiles, type ListOptions } from "./files";

export interface FileChange {
  path: string;
  /** Bytes before (null: the file did not exist). */
  before: Buffer | null;
  /** Bytes after (null: the file is removed). */
  after: Buffer | null;
  /** Created by ownit from project facts (Dockerfile, .env.example…), not an edit of the owner's code. */
  generated: boolean;
  /** Step ids that touched the file. */
  steps: string[];
}

interface Entry {
  after: Buffer | null;
  generated: boolean;
  steps: Set<string>;
}

export class Changeset {
  readonly root: string;
  private readonly entries = new Map<string, Entry>();
  /** The step currently writing, recorded against each change. */
  currentStep = "manual";
  // Planning never writes to the disk, so each file and each listing is read from it once.
  private readonly diskFiles = new Map<string, Buffer | null>();
  private readonly diskListings = new Map<string, string[]>();

  constructor(root: string) {
    this.root = root;
  }

  private disk(rel: string): Buffer | null {
    let bytes = this.diskFiles.get(rel);
    if (bytes === undefined) {
      const abs = path.join(this.root, rel);
      bytes = existsSync(abs) && statSync(abs).isFile() ? readFileSync(abs) : null;
      this.diskFiles.set(rel, bytes);
    }
    return bytes;
  }

  readBytes(rel: string): Buffer | null {
    const entry = this.entries.get(norm(rel));
    return entry ? entry.after : this.disk(norm(rel));
  }

  read(rel: string): string | undefined {
    return this.readBytes(rel)?.toString("utf8");
  }

  exists(rel: string): boolean {
    return this.readBytes(rel) !== null;
  }

  write(rel: string, content: string | Buffer, options: { generated?: boolean } = {}): void {
    const key = norm(rel);
    const after = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    const entry = this.entries.get(key);
    const generated = entry?.generated ?? ((options.generated ?? false) && this.disk(key) === null);
    this.entries.set(key, { after, generated, steps: new Set([...(entry?.steps ?? []), this.currentStep]) });
  }

  remove(rel: string): void {
    const key = norm(rel);
    const entry = this.entries.get(key);
    this.entries.set(key, {
      after: null,
      generated: entry?.generated ?? false,
      steps: new Set([...(entry?.steps ?? []), this.currentStep]),
    });
  }

  /** Removes every file under a folder (the folder itself goes when the change is written). */
  removeDir(rel: string): string[] {
    const prefix = `${norm(rel).replace(/\/$/, "")}/`;
    const files = this.list({ patterns: [`${prefix}**/*`], includeIgnored: true }).filter((f) => f.startsWith(prefix));
    for (const f of files) this.remove(f);
    return files;
  }

  /** Files as they would be after the change: disk listing plus overlay additions, minus removals. */
  list(options: ListOptions = {}): string[] {
    // One walk of the tree per kind of listing; patterns filter it (fast-glob's globs: **, *, ?, {a,b}).
    const { patterns, ...walk } = options;
    const walkKey = JSON.stringify(walk);
    let all = this.diskListings.get(walkKey);
    if (!all) this.diskListings.set(walkKey, (all = listProjectFiles(this.root, walk)));
    const onDisk = patterns ? all.filter((f) => patterns.some((p) => matchesSimple(p, f))) : all;
    const set = new Set(onDisk);
    for (const [key, entry] of this.entries) {
      if (entry.after === null) set.delete(key);
      else if (!set.has(key) && (!patterns || patterns.some((p) => matchesSimple(p, key)))) set.add(key);
    }
    return [...set].sort();
  }

  /** The effective changes: entries whose final bytes differ from disk. */
  changes(): FileChange[] {
    const out: FileChange[] = [];
    for (const [key, entry] of [...this.entries].sort(([a], [b]) => a.localeCompare(b))) {
      const before = this.disk(key);
      if (before === null && entry.after === null) continue;
      if (before !== null && entry.after !== null && before.equals(entry.after)) continue;
      out.push({ path: key, before, after: entry.after, generated: entry.generated && before === null, steps: [...entry.steps] });
    }
    return out;
  }
}

function norm(rel: string): string {
  return rel.split(path.sep).join("/").replace(/^\.\//, "");
}

const globCache = new Map<string, RegExp>();

/** A glob (**, *, ?, {a,b}) as fast-glob reads it with dot: true; compiled once per pattern. */
function matchesSimple(pattern: string, file: string): boolean {
  let re = globCache.get(pattern);
  if (!re) globCache.set(pattern, (re = globRegExp(pattern)));
  return re.test(file);
}

function globRegExp(pattern: string): RegExp {
  return new RegExp(`^${globSource(pattern)}$`);
}

function globSource(pattern: string): string {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      // "**/" is any number of folders (none too); a trailing "**" is anything.
      if (pattern[i + 2] === "/") {
        re += "(?:.*/)?";
        i += 2;
      } else {
        re += ".*";
        i += 1;
      }
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "{" && pattern.indexOf("}", i) > i) {
      const close = pattern.indexOf("}", i);
      re += `(?:${pattern
        .slice(i + 1, close)
        .split(",")
        .map(globSource)
        .join("|")})`;
      i = close;
    } else re += c.replace(/[.+^$()|[\]{}\\]/g, "\\$&");
  }
  return re;
}

/** Whether a project-relative path matches a glob, exactly as Changeset.list filters them. */
export function matchesGlob(pattern: string, file: string): boolean {
  return matchesSimple(pattern, norm(file));
}
