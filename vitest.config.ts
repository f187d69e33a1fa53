import { defineConfig } from "vitest/config";

// Where tests live (README.md, "Tests"): a codemod's tests beside it (transforms/<name>/*.test.ts,
// cases in __testfixtures__/); every other test under test/<area>/, named for what it exercises
// from the user's side (cli, codemod, db, deploy, base44, crash, package, generated-code), with the
// helpers several areas share, and their own tests, in test/helpers/.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "transforms/*/*.test.ts"],
    // Installs the system programs the tests drive (nginx, Chromium, …) when they are missing.
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Database suites start real servers; two cores cannot run many at once.
    maxWorkers: 2,
  },
});
