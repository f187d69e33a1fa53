// The suite finds its system programs itself: a present one is located (PostgreSQL's server
// programs off PATH too), a missing one fails the test that needs it with the package to install.
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { installMissingTools, requireTool, SYSTEM_TOOLS } from "./system-tools";

const savedPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = savedPath;
});

describe("the suite's system programs", () => {
  it("finds every program the tests drive on this machine (the global setup installed any that were missing)", () => {
    for (const tool of SYSTEM_TOOLS) expect(existsSync(requireTool(tool.command)), tool.command).toBe(true);
  });

  it("a missing program fails the test with one line naming its Debian package, instead of skipping it", () => {
    process.env.PATH = "/nonexistent";
    expect(() => requireTool("nginx")).toThrowError(
      /^nginx is not installed \(needed by .+\): install the Debian package nginx \(apt-get install nginx\)/,
    );
    expect(() => requireTool("chromium")).toThrowError(/install the Debian package chromium/);
  });

  it("without root, the setup installs nothing and says in one line which packages are missing", () => {
    const lines: string[] = [];
    installMissingTools({
      tools: [{ command: "ownit-no-such-program", debianPackage: "ownit-no-such-package", usedBy: "this test" }],
      log: (l) => lines.push(l),
      canInstall: false,
    });
    expect(lines).toEqual([
      "test setup: missing ownit-no-such-package (install: apt-get install ownit-no-such-package); the tests that need them will fail",
    ]);
  });

  it("a program nobody listed is a mistake in the test, said as such", () => {
    expect(() => requireTool("gimp")).toThrowError(
      "gimp is not listed in test/helpers/system-tools.ts: add it there with its Debian package",
    );
  });
});
