// package-lock.json after a codemod removes a dependency: the result must be exactly what npm
// itself writes (`npm install --package-lock-only` after the same package.json edit, offline, with
// an empty cache: pruning must need nothing from the network or a warm cache), so `npm ci` accepts
// the project. Checked on every bundled export's real lock file.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { prunedNpmLock, removeDependency } from "@ownit/codemod";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures");
const temp = mkdtempSync(path.join(os.tmpdir(), "ownit-npm-lock-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** npm's own lock for `pkg` with `name` removed, computed without the network. */
async function npmsLock(fixture: string, packageJson: string): Promise<string> {
  const dir = mkdtempSync(path.join(temp, `${fixture}-`));
  writeFileSync(path.join(dir, "package.json"), packageJson);
  cpSync(path.join(FIXTURES, fixture, "package-lock.json"), path.join(dir, "package-lock.json"));
  await promisify(execFile)(
    "npm",
    [
      "install",
      "--package-lock-only",
      "--offline",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      "--cache",
      path.join(temp, "empty-cache"),
    ],
    { cwd: dir, env: { ...process.env, npm_config_update_notifier: "false" } },
  );
  return readFileSync(path.join(dir, "package-lock.json"), "utf8");
}

const withLocks = readdirSync(FIXTURES)
  .filter((f) => existsSync(path.join(FIXTURES, f, "package-lock.json")))
  .sort();

describe("package-lock.json after a dependency is removed", () => {
  for (const fixture of withLocks) {
    const packageJson = readFileSync(path.join(FIXTURES, fixture, "package.json"), "utf8");
    const lock = readFileSync(path.join(FIXTURES, fixture, "package-lock.json"), "utf8");
    const pkg = JSON.parse(packageJson) as { dependencies?: object; devDependencies?: object };
    const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).sort();
    // Every dependency of the Lovable export (whose removals ownit makes); a sample of the others.
    const chosen = fixture === "lovable-vite" ? names : names.filter((_, i) => i % Math.ceil(names.length / 5) === 0);
    it(`${fixture}: matches npm's own lock byte for byte when any one of ${chosen.length} dependencies goes`, async () => {
      for (const name of chosen) {
        const edited = removeDependency(packageJson, name);
        const [ours, npms] = await Promise.all([
          prunedNpmLock({ lockName: "package-lock.json", lock, packageJson: edited }),
          npmsLock(fixture, edited),
        ]);
        expect("text" in ours && ours.text, `removing ${name}`).toBe(npms);
      }
    }, 180_000);
  }

  it("changes nothing, and runs no npm, when package.json still lists everything", async () => {
    const lock = readFileSync(path.join(FIXTURES, "lovable-vite/package-lock.json"), "utf8");
    const packageJson = readFileSync(path.join(FIXTURES, "lovable-vite/package.json"), "utf8");
    expect(await prunedNpmLock({ lockName: "package-lock.json", lock, packageJson })).toEqual({ text: lock });
  });

  it("refuses a lockfileVersion 1 lock, saying why; a lock laid out by hand comes back as npm writes it", async () => {
    const packageJson = '{ "name": "a", "dependencies": {} }';
    const v1 = '{\n  "name": "a",\n  "lockfileVersion": 1,\n  "dependencies": {}\n}\n';
    expect(await prunedNpmLock({ lockName: "package-lock.json", lock: v1, packageJson })).toEqual({
      error: 'lockfileVersion 1 has no "packages" section',
    });
    const handEdited = '{ "name": "a", "lockfileVersion": 3, "packages": { "": { "dependencies": { "x": "1" } } } }\n';
    const pruned = await prunedNpmLock({ lockName: "package-lock.json", lock: handEdited, packageJson });
    expect(pruned).toEqual({
      text: `${JSON.stringify({ name: "a", lockfileVersion: 3, requires: true, packages: { "": { name: "a" } } }, null, 2)}\n`,
    });
  });
});
