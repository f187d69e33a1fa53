// Every bundled export migrated end to end, as a user would: a copy with its own git history,
// `ownit migrate --yes`, and the whole resulting tree compared with a committed snapshot
// (test/__snapshots__/migrate/<fixture>.txt; refresh with `npx vitest run test/codemod -u` and read
// the diff). A second migrate must change nothing, and rollback must put every byte back.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRuns, looksBinary, redact, sha256, type RunManifest } from "@ownit/core";
import { capturedCli, cleanupTemp, copyFixture, FIXTURES, gitInit, treeFingerprint } from "../helpers/project";
import fg from "fast-glob";
import { undeclaredImports } from "../helpers/declared-imports";

afterAll(cleanupTemp);

/** Every folder under fixtures/ that is a project (has a package.json). */
const fixtures = readdirSync(FIXTURES)
  .filter((name) => existsSync(path.join(FIXTURES, name, "package.json")))
  .sort();

/**
 * The tree as one reviewable text: the run's findings and records, then every file (text verbatim,
 * binary as its hash), secrets redacted, .git and .ownit left out.
 */
function treeSnapshot(dir: string, run: RunManifest | undefined): string {
  const out = [
    "# ownit migrate --yes: the run's findings, then every file of the migrated tree",
    "# (text verbatim with secrets redacted, binary files as their sha256; .git and .ownit left out)",
    "",
  ];
  out.push("== findings");
  for (const f of run?.findings ?? [])
    out.push(`[${f.severity}] ${f.code}${f.file ? ` ${f.file}${f.line ? `:${f.line}` : ""}` : ""}: ${f.message}`);
  out.push("", "== records", JSON.stringify(run?.records ?? {}, null, 2), "");
  const files = fg
    .sync("**/*", { cwd: dir, dot: true, onlyFiles: true, ignore: ["**/.git/**", "**/.ownit/**", "**/node_modules/**"] })
    .sort();
  for (const file of files) {
    const bytes = readFileSync(path.join(dir, file));
    out.push(`=== ${file}`);
    out.push(looksBinary(bytes) ? `<binary sha256 ${sha256(bytes)}>` : redact(bytes.toString("utf8")).replace(/\n$/, ""));
  }
  return `${out.join("\n").split(dir).join("<project>")}\n`;
}

for (const name of fixtures) {
  describe(`ownit migrate on fixtures/${name}`, () => {
    let dir: string;
    let original: Record<string, string>;
    let run: RunManifest | undefined;
    let code: number;
    let output: string;

    beforeAll(async () => {
      dir = copyFixture(name);
      gitInit(dir);
      original = treeFingerprint(dir);
      const cli = capturedCli();
      code = await cli.run("migrate", dir, "--yes");
      output = [...cli.stdout, ...cli.stderr].join("\n");
      run = listRuns(dir)[0];
    });

    it("applies as one run and leaves the tree the snapshot shows", async () => {
      expect(code, output).toBe(0);
      expect(run?.status).toBe("applied");
      await expect(treeSnapshot(dir, run)).toMatchFileSnapshot(`../__snapshots__/migrate/${name}.txt`);
    });

    it("declares in package.json every package a file it wrote imports", () => {
      const written = (run?.files ?? []).filter((f) => f.after !== null).map((f) => f.path);
      expect(undeclaredImports(dir, written)).toEqual([]);
    });

    it("never prints a key or a password", () => {
      expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/);
      expect(output).not.toMatch(/sb_(?:secret|publishable)_[A-Za-z0-9_-]{10,}/);
    });

    it("a second migrate changes nothing", async () => {
      const before = treeFingerprint(dir);
      const cli = capturedCli();
      expect(await cli.run("migrate", dir, "--yes"), cli.stderr.join("\n")).toBe(0);
      const changed = Object.keys({ ...before, ...treeFingerprint(dir) }).filter((f) => before[f] !== treeFingerprint(dir)[f]);
      expect(changed, cli.stdout.join("\n")).toEqual([]);
    });

    it("rollback puts every byte back", async () => {
      const cli = capturedCli();
      for (const r of listRuns(dir).filter((r) => r.status === "applied"))
        expect(await cli.run("rollback", dir, r.id), cli.stderr.join("\n")).toBe(0);
      expect(treeFingerprint(dir)).toEqual(original);
    });
  });
}
