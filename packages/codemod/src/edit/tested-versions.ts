// The one home for the versions ownit's generated code was tested with. Code a codemod writes into
// an owner's project pins these exact versions, and npm resolves everything beneath them as the
// registry stood on RESOLVED_BEFORE, so a registry release after this commit changes nothing.

/** npm's `--before`: every version npm picks for a generated lock was published before this instant. */
export const RESOLVED_BEFORE = "2026-12-04T00:00:00.000Z";

/**
 * Exact versions of the packages generated code imports (the owned Base44 server, owned email, the
 * TanStack Start vite.config written out from Lovable's wrapper: nitro and lightningcss; Lovable's
 * Playwright files moved to @playwright/test).
 */
export const TESTED_VERSIONS = {
  "@hono/node-server": "2.1.9",
  "@playwright/test": "1.65.1",
  "@supabase/supabase-js": "2.49.4",
  "@types/nodemailer": "8.0.2",
  bcryptjs: "3.0.3",
  hono: "4.13.19",
  lightningcss: "1.33.0",
  nitro: "3.0.260603-beta",
  nodemailer: "10.6.0",
  "openid-client": "6.9.1",
  pg: "8.23.1",
  ws: "8.23.1",
} as const;

export type TestedPackage = keyof typeof TESTED_VERSIONS;

/** `{ name: exactVersion }` for the named packages, for `addDependencies`. */
export function testedVersions(...names: TestedPackage[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, TESTED_VERSIONS[name]]));
}
