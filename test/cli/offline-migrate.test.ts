// Offline, `ownit migrate` still does its work: a package the new code needs goes into
// package.json at its tested version, and the run says which packages package-lock.json lacks
// (npm could not ask the registry) and the command that adds them.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { listRuns } from "@ownit/core";
import { TESTED_VERSIONS } from "@ownit/codemod";
import { capturedCli, cleanupTemp, copyFixture, gitInit, tempDir } from "../helpers/project";

afterAll(cleanupTemp);

/** npm's view of the network for the child processes ownit starts: a registry nobody answers on, an empty cache. */
const OFFLINE = { npm_config_registry: "http://127.0.0.1:9/", npm_config_fetch_retries: "0", npm_config_fetch_timeout: "2000" };
const saved: Record<string, string | undefined> = {};

beforeEach(() => {
  for (const [key, value] of Object.entries({ ...OFFLINE, npm_config_cache: tempDir("ownit-empty-npm-cache-") })) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
});
afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("migrate without the npm registry", () => {
  it("applies, lists @playwright/test in package.json, and says package-lock.json lacks it", async () => {
    const dir = copyFixture("lovable-vite");
    gitInit(dir);
    const lockBefore = readFileSync(path.join(dir, "package-lock.json"), "utf8");
    const cli = capturedCli();
    expect(await cli.run("migrate", dir, "--yes"), cli.stderr.join("\n")).toBe(0);
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies["@playwright/test"]).toBe(TESTED_VERSIONS["@playwright/test"]);
    expect(readFileSync(path.join(dir, "package-lock.json"), "utf8")).not.toContain('"node_modules/@playwright/test"');
    expect(readFileSync(path.join(dir, "package-lock.json"), "utf8")).not.toBe(lockBefore); // the removals are still pruned offline
    const finding = listRuns(dir)[0]!.findings.find((f) => f.code === "lock-file-not-updated" && f.file === "package-lock.json");
    expect(finding?.message).toContain(
      `package-lock.json could not be updated with @playwright/test@${TESTED_VERSIONS["@playwright/test"]}`,
    );
    expect(finding?.hint).toContain("run `npm install` once the npm registry is reachable");
  });
});
