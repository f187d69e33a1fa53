// Which Supabase services the app's code calls, read from the files as the plan sees them (after the
// codemods): the OAuth providers it signs in with, whether it subscribes to Realtime and whether it
// uses Storage. Compose runs a service only when the code needs it.
import type { Changeset } from "@ownit/core";

const APP_CODE = [
  "src/**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts}",
  "app/**/*.{ts,tsx,js,jsx}",
  "lib/**/*.{ts,tsx,js,jsx}",
  "components/**/*.{ts,tsx,js,jsx}",
];
const MIGRATIONS = ["supabase/migrations/**/*.sql"];
/** `signInWithOAuth({ provider: "google", … })` and `linkIdentity({ provider: … })`. */
const OAUTH_CALL = /\b(?:signInWithOAuth|linkIdentity)\s*\(\s*\{[^}]*?\bprovider\s*:\s*["'`]([a-z_]+)["'`]/g;
const REALTIME_CALL = /\.channel\s*\(|postgres_changes/;
const REALTIME_PUBLICATION = /\bpublication\s+supabase_realtime\b/i;
const STORAGE_CALL = /\.storage\s*\.from\s*\(/;
const STORAGE_SQL = /\bstorage\.(?:buckets|objects)\b/i;

/** GoTrue's providers (GOTRUE_EXTERNAL_<NAME>_*), by the name supabase-js passes. */
export const GOTRUE_PROVIDERS = [
  "apple",
  "azure",
  "bitbucket",
  "discord",
  "facebook",
  "figma",
  "github",
  "gitlab",
  "google",
  "kakao",
  "keycloak",
  "linkedin_oidc",
  "notion",
  "slack_oidc",
  "spotify",
  "twitch",
  "twitter",
  "workos",
  "zoom",
] as const;

export interface SupabaseUsage {
  oauthProviders: string[];
  realtime: boolean;
  storage: boolean;
}

export function supabaseUsage(files: Changeset): SupabaseUsage {
  const providers = new Set<string>();
  let realtime = false;
  let storage = false;
  for (const file of files.list({ patterns: APP_CODE })) {
    const text = files.read(file) ?? "";
    for (const m of text.matchAll(OAUTH_CALL)) if ((GOTRUE_PROVIDERS as readonly string[]).includes(m[1]!)) providers.add(m[1]!);
    realtime ||= REALTIME_CALL.test(text);
    storage ||= STORAGE_CALL.test(text);
  }
  for (const file of files.list({ patterns: MIGRATIONS })) {
    const text = files.read(file) ?? "";
    realtime ||= REALTIME_PUBLICATION.test(text);
    storage ||= STORAGE_SQL.test(text);
  }
  return { oauthProviders: [...providers].sort(), realtime, storage };
}
