// package-lock.json after a codemod removes a dependency: the result must be exactly what npm
// itself writes (`npm install --package-lock-only` after the same package.json edit, offline), so
// `npm ci` accepts the project. Checked on every bundled export's real lock file.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { removeDependency, syncPackageLock } from "@ownit/codemod";

const FIXTURES = path.resolve(import.meta.dirname, "../../../fixtures");
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
        const ours = syncPackageLock(lock, edited);
        expect("text" in ours && ours.text, `removing ${name}`).toBe(await npmsLock(fixture, edited));
      }
    }, 180_000);
  }

  it("changes nothing when package.json still lists everything", () => {
    const lock = readFileSync(path.join(FIXTURES, "lovable-vite/package-lock.json"), "utf8");
    expect(syncPackageLock(lock, readFileSync(path.join(FIXTURES, "lovable-vite/package.json"), "utf8"))).toEqual({
      text: lock,
      removed: [],
    });
  });

  it("refuses a lockfileVersion 1 lock and one not laid out the way npm writes it, saying why", () => {
    const pkg = '{ "name": "a", "dependencies": {} }';
    expect(syncPackageLock('{\n  "name": "a",\n  "lockfileVersion": 1,\n  "dependencies": {}\n}\n', pkg)).toEqual({
      error: 'lockfileVersion 1 has no "packages" section',
    });
    const handEdited = '{ "name": "a", "lockfileVersion": 3, "packages": { "": { "dependencies": { "x": "1" } } } }\n';
    expect(syncPackageLock(handEdited, pkg)).toEqual({ error: "it is not laid out the way npm writes it (edited by hand?)" });
  });
});
