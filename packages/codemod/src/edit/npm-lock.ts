// package-lock.json kept in step with package.json after a codemod removes dependencies, so
// `npm ci` still accepts the project: the root entry loses the names package.json no longer lists,
// packages nothing reaches any more are dropped, and the dev/optional/peer flags are computed again
// the way npm computes them (a package only the removed one needed may now be dev-only).
// Only lock files npm wrote (lockfileVersion 2 or 3, npm's own JSON layout) are edited; the caller
// reports anything else.
import { DEPENDENCY_SECTIONS } from "./json";

type Section = (typeof DEPENDENCY_SECTIONS)[number];

interface LockEntry {
  name?: string;
  version?: string;
  resolved?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

interface LegacyEntry {
  dev?: boolean;
  optional?: boolean;
  dependencies?: Record<string, LegacyEntry>;
  [key: string]: unknown;
}

interface PackageLock {
  lockfileVersion?: number;
  packages?: Record<string, LockEntry>;
  dependencies?: Record<string, LegacyEntry>;
  [key: string]: unknown;
}

/** Where in the tree a package is needed, as npm's calcDepFlags tracks it. */
interface Flags {
  dev: boolean;
  optional: boolean;
  devOptional: boolean;
  peer: boolean;
}
const FLAG_KEYS = ["dev", "devOptional", "optional", "peer"] as const;
type FlagKey = (typeof FLAG_KEYS)[number];

export type LockSyncResult = { text: string; removed: string[] } | { error: string };

/** The indentation and line ending the file was written with. */
function layoutOf(text: string): { indent: string; eol: string } {
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? "  ";
  return { indent, eol: text.includes("\r\n") ? "\r\n" : "\n" };
}

/** The keys npm writes first, in this order (arborist's swKeyOrder). */
const PREFERRED_KEYS = ["name", "version", "lockfileVersion", "resolved", "integrity", "requires", "packages", "dependencies"];

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === "object" && !Array.isArray(v);

/**
 * Keys in npm's order (json-stringify-nice): values that are not objects first, then objects; in
 * each group the preferred keys in their order, then the rest alphabetically.
 */
function npmOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(npmOrder);
  if (!isObject(value)) return value;
  const rank = (k: string) => PREFERRED_KEYS.indexOf(k);
  const entries = Object.entries(value).sort(([a, av], [b, bv]) => {
    if (isObject(av) !== isObject(bv)) return isObject(av) ? 1 : -1;
    if (rank(a) >= 0 || rank(b) >= 0) return rank(a) < 0 ? 1 : rank(b) < 0 ? -1 : rank(a) - rank(b);
    return a.localeCompare(b, "en");
  });
  return Object.fromEntries(entries.map(([k, v]) => [k, npmOrder(v)]));
}

function serialize(lock: PackageLock, layout: { indent: string; eol: string }): string {
  const json = JSON.stringify(npmOrder(lock), null, layout.indent);
  return `${layout.eol === "\n" ? json : json.replace(/\n/g, "\r\n")}${layout.eol}`;
}

/** Where node resolution finds `name` when required from the package at `from` ("" is the root). */
function resolveFrom(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    if (!dir.endsWith("node_modules")) {
      const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      if (packages[candidate]) return candidate;
    }
    if (!dir) return undefined;
    const slash = dir.lastIndexOf("/");
    dir = slash < 0 ? "" : dir.slice(0, slash);
  }
}

/** The package folder a nested one lives in (`node_modules/a/node_modules/b` → `node_modules/a`). */
function folderParent(location: string): string | undefined {
  const i = location.lastIndexOf("/node_modules/");
  return i < 0 ? undefined : location.slice(0, i);
}

interface Edge {
  to: string;
  dev: boolean;
  optional: boolean;
  peer: boolean;
}

/** The dependency edges out of one package, as npm's tree has them. */
function edgesOut(packages: Record<string, LockEntry>, location: string, isRoot: boolean): Edge[] {
  const entry = packages[location]!;
  const source = entry.link && entry.resolved !== undefined ? entry.resolved : location;
  const pkg = packages[source] ?? entry;
  const edges: Edge[] = [];
  const add = (deps: Record<string, string> | undefined, kind: "prod" | "dev" | "optional" | "peer") => {
    for (const name of Object.keys(deps ?? {})) {
      const to = resolveFrom(packages, source, name);
      if (!to) continue;
      const peerOptional = kind === "peer" && pkg.peerDependenciesMeta?.[name]?.optional === true;
      edges.push({ to, dev: kind === "dev", optional: kind === "optional" || peerOptional, peer: kind === "peer" });
    }
  };
  add(pkg.dependencies, "prod");
  add(pkg.optionalDependencies, "optional");
  add(pkg.peerDependencies, "peer");
  if (isRoot) add(pkg.devDependencies, "dev");
  // A link's own entry leads to its target folder.
  if (entry.link && entry.resolved !== undefined && packages[entry.resolved])
    edges.push({ to: entry.resolved, dev: false, optional: false, peer: false });
  return edges;
}

/** An optional peer only shapes flags; nothing is installed for it alone. */
function installs(edge: Edge): boolean {
  return !(edge.peer && edge.optional);
}

/**
 * npm's calcDepFlags as a fixed point. First the packages something still needs (walking out from
 * the roots; the others are extraneous and absent from the result), then their flags: every one
 * starts dev, optional, devOptional and peer, and each edge clears the flags it proves wrong.
 */
function computeFlags(packages: Record<string, LockEntry>): Map<string, Flags> {
  const isInstalled = (loc: string) => loc.startsWith("node_modules/") || loc.includes("/node_modules/");
  const roots = Object.keys(packages).filter((loc) => !isInstalled(loc));
  const edges = new Map<string, Edge[]>();
  const edgesOf = (loc: string) => {
    let out = edges.get(loc);
    if (!out) edges.set(loc, (out = edgesOut(packages, loc, roots.includes(loc))));
    return out;
  };

  const needed = new Set(roots);
  const walk = [...roots];
  const need = (loc: string) => {
    if (needed.has(loc)) return;
    needed.add(loc);
    walk.push(loc);
    // A package nested inside another's folder needs that folder installed too.
    const parent = folderParent(loc);
    if (parent && packages[parent]) need(parent);
  };
  while (walk.length) for (const edge of edgesOf(walk.pop()!)) if (installs(edge)) need(edge.to);

  const flags = new Map<string, Flags>();
  for (const loc of needed)
    flags.set(
      loc,
      roots.includes(loc)
        ? { dev: false, optional: false, devOptional: false, peer: false }
        : { dev: true, optional: true, devOptional: true, peer: true },
    );
  const queue = [...roots];
  const clear = (loc: string, unset: Partial<Record<FlagKey, boolean>>): void => {
    const f = flags.get(loc);
    if (!f) return;
    let changed = false;
    for (const key of FLAG_KEYS) {
      if (unset[key] && f[key]) {
        f[key] = false;
        changed = true;
      }
    }
    if (!changed) return;
    queue.push(loc);
    const parent = folderParent(loc);
    if (parent) clear(parent, { dev: !f.dev, optional: !f.optional, devOptional: !f.devOptional, peer: !f.peer });
  };
  while (queue.length) {
    const loc = queue.shift()!;
    const node = flags.get(loc)!;
    for (const edge of edgesOf(loc)) {
      const unsetDevOpt = !node.devOptional && !edge.dev && !edge.optional;
      clear(edge.to, {
        devOptional: unsetDevOpt,
        dev: unsetDevOpt || (!node.dev && !edge.dev),
        optional: unsetDevOpt || (!node.optional && !edge.optional),
        peer: !node.peer && !edge.peer,
      });
    }
  }
  return flags;
}

/** The flags as npm writes them: devOptional only when neither dev nor optional says it already. */
function writtenFlags(f: Flags): Partial<Record<FlagKey, true>> {
  const out: Partial<Record<FlagKey, true>> = {};
  if (f.dev) out.dev = true;
  if (f.devOptional && !f.dev && !f.optional) out.devOptional = true;
  if (f.optional) out.optional = true;
  if (f.peer) out.peer = true;
  return out;
}

/** The entry with exactly the flags in `want` (serialize puts them where npm does). */
function withFlags(entry: LockEntry, want: Partial<Record<FlagKey, true>>): LockEntry {
  const out: LockEntry = { ...entry };
  for (const flag of FLAG_KEYS) {
    if (want[flag]) out[flag] = true;
    else delete out[flag];
  }
  return out;
}

/** The legacy (lockfileVersion 2) `dependencies` tree, pruned and re-flagged to match `packages`. */
function syncLegacy(tree: Record<string, LegacyEntry> | undefined, prefix: string, packages: Record<string, LockEntry>): void {
  if (!tree) return;
  for (const name of Object.keys(tree)) {
    const loc = `${prefix}node_modules/${name}`;
    const entry = packages[loc];
    if (!entry) {
      delete tree[name];
      continue;
    }
    const legacy = tree[name]!;
    for (const flag of ["dev", "optional"] as const) {
      if (entry[flag]) legacy[flag] = true;
      else delete legacy[flag];
    }
    syncLegacy(legacy.dependencies, `${loc}/`, packages);
    if (legacy.dependencies && !Object.keys(legacy.dependencies).length) delete legacy.dependencies;
  }
}

/**
 * package-lock.json brought in line with package.json after dependencies were removed from it.
 * Returns the same text when there is nothing to do, or an error saying why it cannot be edited.
 */
export function syncPackageLock(lockText: string, packageJsonText: string): LockSyncResult {
  let lock: PackageLock;
  let pkg: Partial<Record<Section, Record<string, string>>>;
  try {
    lock = JSON.parse(lockText) as PackageLock;
    pkg = JSON.parse(packageJsonText) as typeof pkg;
  } catch {
    return { error: "it is not valid JSON" };
  }
  if (!lock.packages || (lock.lockfileVersion ?? 1) < 2)
    return { error: `lockfileVersion ${lock.lockfileVersion ?? 1} has no "packages" section` };
  const layout = layoutOf(lockText);
  if (serialize(lock, layout) !== lockText) return { error: "it is not laid out the way npm writes it (edited by hand?)" };
  const packages = lock.packages;
  const root = packages[""];
  if (!root) return { error: 'it has no root ("") entry' };

  let rootChanged = false;
  for (const section of DEPENDENCY_SECTIONS) {
    const listed = root[section];
    if (!listed) continue;
    for (const name of Object.keys(listed)) {
      if (pkg[section] && Object.prototype.hasOwnProperty.call(pkg[section], name)) continue;
      delete listed[name];
      rootChanged = true;
    }
    if (!Object.keys(listed).length) delete root[section];
  }
  if (!rootChanged) return { text: lockText, removed: [] };

  const flags = computeFlags(packages);
  const removed: string[] = [];
  for (const loc of Object.keys(packages)) {
    if (!loc) continue;
    const f = flags.get(loc);
    if (!f) {
      delete packages[loc];
      removed.push(loc);
      continue;
    }
    const entry = packages[loc]!;
    const want = writtenFlags(f);
    if (!FLAG_KEYS.every((k) => Boolean(entry[k]) === Boolean(want[k]))) packages[loc] = withFlags(entry, want);
  }
  syncLegacy(lock.dependencies, "", packages);
  return { text: serialize(lock, layout), removed };
}
