import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "packages/*/test/**/*.test.ts", "transforms/*/*.test.ts"],
    // Installs the system programs the tests drive (nginx, Chromium, …) when they are missing.
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Database suites start real servers; two cores cannot run many at once.
    maxWorkers: 2,
  },
});
