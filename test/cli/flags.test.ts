// One flag vocabulary: --yes, --json, --dry-run and --debug are accepted by every command, a
// command that would write refuses --dry-run instead of writing anyway, and --jobs is read the
// same strict way wherever it appears.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { capturedCli, cleanupTemp, copyFixture, gitInit, tempDir, treeFingerprint } from "../helpers/project";

afterAll(cleanupTemp);

const noSteps = async () => [];

describe("one flag vocabulary", () => {
  it("rollback --yes undoes the latest run (the flag used to be an unknown option)", async () => {
    const dir = copyFixture("bolt-vite");
    gitInit(dir);
    const before = treeFingerprint(dir);
    const cli = capturedCli();
    expect(await cli.run("migrate", dir, "--yes")).toBe(0);
    expect(treeFingerprint(dir)).not.toEqual(before);
    expect(await cli.run("rollback", dir, "--yes", "--debug")).toBe(0);
    expect(cli.stderr.join("\n")).not.toContain("unknown option");
    expect(treeFingerprint(dir)).toEqual(before);
  });

  it("verify --jobs abc is refused in one line, as dump --jobs abc is (it used to become 2 silently)", async () => {
    for (const argv of [
      ["verify", "some-export", "--against", "postgres://u@127.0.0.1:1/db", "--jobs", "abc"],
      ["dump", "--from", "postgres://u@127.0.0.1:1/db", "--jobs", "abc"],
      ["verify", "x", "--against", "postgres://u@127.0.0.1:1/db", "--jobs", "0"],
    ]) {
      const cli = capturedCli();
      expect(await cli.run(...argv)).toBe(1);
      expect(cli.stderr[0]).toBe(`error --jobs ${argv.at(-1)} is not a positive whole number`);
      expect(cli.stderr).toHaveLength(2);
    }
  });

  it("a command that would write refuses --dry-run and changes nothing", async () => {
    const dir = copyFixture("bolt-vite");
    gitInit(dir);
    const cli = capturedCli({ steps: noSteps });
    expect(await cli.run("migrate", dir, "--yes")).toBe(0);
    const before = treeFingerprint(dir);
    const refused = capturedCli();
    expect(await refused.run("rollback", dir, "--dry-run")).toBe(1);
    expect(refused.stderr[0]).toBe("error ownit rollback has no --dry-run: it would change things, so nothing was done");
    expect(treeFingerprint(dir)).toEqual(before);
  });

  it("read-only commands take --dry-run and --yes as the no-ops they are; --json where a command has no JSON is harmless", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "plain", dependencies: { react: "^18.3.1" } }));
    for (const argv of [
      ["detect", dir, "--dry-run", "--yes", "--json"],
      ["runs", dir, "--dry-run", "--yes"],
      ["migrate", dir, "--dry-run", "--json"],
    ]) {
      const cli = capturedCli({ steps: noSteps });
      expect(await cli.run(...argv), argv.join(" ")).toBe(0);
      expect(cli.stderr).toEqual([]);
    }
  });

  it("--help lists every command, each with its one-line summary", async () => {
    const cli = capturedCli();
    expect(await cli.run("--help")).toBe(0);
    const help = cli.stdout.join("\n");
    for (const name of ["detect", "migrate", "runs", "rollback", "transform", "deploy", "dump", "restore", "verify", "db"])
      expect(help).toMatch(new RegExp(`^  ${name}\\b`, "m"));
  });
});
