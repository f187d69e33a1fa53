// Re-exported under neutral names so the tests do not mention the preset.
export { defineConfig as createPlaywrightConfig } from "@playwright/test";
export { test, expect } from "@playwright/test";
