// Finding the codemods: every folder with an index.ts that default-exports a Codemod, under the
// folder the caller names (the CLI passes the repository's transforms/). Adding a codemod means
// adding a folder; nothing is registered by hand. (The packaged ownit carries the same folders'
// transforms compiled in: see bundled-transforms.ts.)
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { OwnitError, type ProjectFacts } from "@ownit/core";
import type { Codemod } from "./types";
import { BUNDLED_TRANSFORMS } from "./bundled-transforms";

const cache = new Map<string, Promise<Codemod[]>>();

/** The folder each loaded codemod came from: a worker thread loads it again from there. */
const folders = new WeakMap<Codemod, string>();

/** The folder a codemod was loaded from (undefined for one built in memory, e.g. in a test). */
export function codemodFolder(codemod: Codemod): string | undefined {
  return folders.get(codemod);
}

/** Loads one transform folder's index.ts and checks it is a Codemod. */
export async function loadCodemod(folder: string): Promise<Codemod> {
  const file = path.join(folder, "index.ts");
  // In the package a transform's folder holds its template only: its code is in the bundle.
  const bundled = BUNDLED_TRANSFORMS && !existsSync(file) ? BUNDLED_TRANSFORMS[path.basename(folder)] : undefined;
  const mod = bundled ? await bundled() : ((await import(pathToFileURL(file).href)) as { default?: Partial<Codemod> });
  const c = mod.default;
  const where = path.relative(process.cwd(), file) || file;
  if (!c || typeof c !== "object")
    throw new OwnitError(
      "bad-codemod",
      `${where} has no default export`,
      "export default { name, description, builders, files, appliesTo, transform }",
    );
  if (
    typeof c.name !== "string" ||
    typeof c.description !== "string" ||
    !Array.isArray(c.files) ||
    typeof c.appliesTo !== "function"
  ) {
    throw new OwnitError(
      "bad-codemod",
      `${where} does not export a Codemod (name, description, files, appliesTo)`,
      "see packages/codemod/src/types.ts",
    );
  }
  if (typeof c.transform !== "function" && typeof c.project !== "function") {
    throw new OwnitError(
      "bad-codemod",
      `${where} has neither transform nor project`,
      "a codemod rewrites files (transform) or the project (project), or both",
    );
  }
  folders.set(c as Codemod, folder);
  return c as Codemod;
}

/** Every codemod under dir, sorted by name; in the packaged ownit, every codemod its bundle carries. */
export function loadCodemods(dir: string): Promise<Codemod[]> {
  let loaded = cache.get(dir);
  if (!loaded) {
    const names = BUNDLED_TRANSFORMS
      ? Object.keys(BUNDLED_TRANSFORMS).sort()
      : existsSync(dir)
        ? readdirSync(dir, { withFileTypes: true })
            .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, "index.ts")))
            .map((e) => e.name)
            .sort()
        : [];
    loaded = Promise.all(names.map((name) => loadCodemod(path.join(dir, name))));
    cache.set(dir, loaded);
    loaded.catch(() => cache.delete(dir));
  }
  return loaded;
}

/** Name order, except that a codemod comes after every codemod its `after` names (when present). */
export function runOrder(codemods: Codemod[]): Codemod[] {
  const byName = new Map(codemods.map((c) => [c.name, c]));
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const out: Codemod[] = [];
  const place = (c: Codemod) => {
    if (placed.has(c.name)) return;
    if (visiting.has(c.name))
      throw new OwnitError(
        "codemod-order-cycle",
        `codemods ${[...visiting].join(", ")} each wait for another`,
        "remove one of the `after` entries",
      );
    visiting.add(c.name);
    for (const name of c.after ?? []) {
      const first = byName.get(name);
      if (first) place(first);
    }
    visiting.delete(c.name);
    placed.add(c.name);
    out.push(c);
  };
  for (const c of [...codemods].sort((a, b) => a.name.localeCompare(b.name))) place(c);
  return out;
}

/** The codemods whose appliesTo accepts this project, in run order. */
export async function codemodsFor(project: ProjectFacts, dir: string): Promise<Codemod[]> {
  return runOrder((await loadCodemods(dir)).filter((c) => c.appliesTo(project)));
}

/** One codemod by name, or a clear error listing the names there are. */
export async function findCodemod(name: string, dir: string): Promise<Codemod> {
  const all = await loadCodemods(dir);
  const found = all.find((c) => c.name === name);
  if (!found)
    throw new OwnitError(
      "unknown-transform",
      `no transform named "${name}"`,
      `see \`npx ownit transform --list\` (${all.map((c) => c.name).join(", ") || "none installed"})`,
    );
  return found;
}
