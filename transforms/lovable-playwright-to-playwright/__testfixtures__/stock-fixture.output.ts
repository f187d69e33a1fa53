// Re-export the base fixture from the package
// Override or extend test/expect here if needed
export { test, expect } from "@playwright/test";
