// Re-exported under neutral names so the tests do not mention the preset.
export { createLovableConfig as createPlaywrightConfig } from "lovable-agent-playwright-config/config";
export { test, expect } from "lovable-agent-playwright-config/fixture";
