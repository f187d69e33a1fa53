// What each builder leaves behind, as named data. Detection and findings read these lists;
// nothing else in core spells these strings out.

/** Packages and files that only a Lovable export has. */
export const LOVABLE = {
  packages: [
    "lovable-tagger",
    "@lovable.dev/cloud-auth-js",
    "@lovable.dev/email-js",
    "@lovable.dev/webhooks-js",
    "lovable-agent-playwright-config",
  ],
  tanstackConfigPackage: "@lovable.dev/vite-tanstack-config",
  scriptHost: "cdn.gpteng.co",
  dirs: [".lovable"],
  readmeMarkers: ["lovable.dev/projects", "Lovable"],
  supabaseClientFile: "src/integrations/supabase/client.ts",
  /** Domains its apps are served under (<name>.lovable.app, <id>.lovableproject.com previews). */
  hosts: ["lovable.app", "lovableproject.com"],
  /** Lovable's own sites (its brand images, the editor script's CDN): never the app's. */
  ownHosts: ["lovable.dev", "gpteng.co"],
  aiGateway: "ai.gateway.lovable.dev",
} as const;

/** Signals a Bolt.new export leaves (some projects delete .bolt/, so the others matter). */
export const BOLT = {
  dirs: [".bolt"],
  configFile: ".bolt/config.json",
  supabaseClientFiles: ["src/lib/supabase.ts", "src/lib/supabase.js", "lib/supabase.ts", "utils/supabase.ts"],
  readmeMarkers: ["stackblitz.com", "bolt.new"],
  // Bolt's Supabase migrations open with a /* # Title ... */ block comment.
  migrationHeader: /^\s*\/\*\s*\n?\s*#\s+\S/,
  /** Where deployed apps are served (<name>.bolt.host), and Bolt's own site. */
  appHost: "bolt.host",
  hosts: ["bolt.host", "bolt.new"],
  starterPackageNames: ["vite-react-typescript-starter", "bolt-expo-starter", "nextjs-shadcn"],
  /** Expo's app config, where Bolt's Expo template names the app `bolt-expo-nativewind` (name and slug). */
  expoConfigFiles: ["app.json", "app.config.js", "app.config.ts", "app.config.mjs", "app.config.cjs"],
  expoTemplateName: /["']?(?:name|slug)["']?\s*:\s*["'`](bolt-expo[a-z0-9-]*)["'`]/i,
  /** The template's hook that tells Bolt's in-browser preview the app is up (`window.frameworkReady`). */
  frameworkReadyHooks: ["hooks/useFrameworkReady.ts", "hooks/useFrameworkReady.tsx", "hooks/useFrameworkReady.js"],
  frameworkReadyCall: "frameworkReady",
} as const;

/** The SDK client module of layouts A and C (B reads src/lib/app-params.js instead). */
const BASE44_SDK_CLIENT_FILES = [
  "src/api/base44Client.js",
  "src/api/base44Client.jsx",
  "src/api/base44Client.ts",
  "src/api/base44Client.tsx",
] as const;

/** Signals of a Base44 export, across its three layouts (A: src/api, B: app-params, C: base44/). */
export const BASE44 = {
  sdk: "@base44/sdk",
  vitePlugin: "@base44/vite-plugin",
  packages: ["@base44/sdk", "@base44/vite-plugin"],
  dirs: ["base44"],
  sdkClientFiles: BASE44_SDK_CLIENT_FILES,
  clientFiles: [...BASE44_SDK_CLIENT_FILES, "src/lib/app-params.js", "src/lib/app-params.ts"],
  entitiesFiles: ["src/api/entities.js", "src/api/entities.ts"],
  /** Entity schemas: C keeps base44/entities/<Name>.jsonc; B sometimes src/entities or entities. */
  schemaGlobs: ["base44/entities/*.jsonc", "base44/entities/*.json", "src/entities/*.json", "entities/*.json"],
  /**
   * Backend functions: C keeps base44/functions/<name>/entry.ts or entry.js (the Base44 CLI finds a
   * function by its entry file), B keeps them flat in functions/.
   */
  functionGlobs: ["base44/functions/*/entry.ts", "base44/functions/*/entry.js", "functions/*.ts", "functions/*.js"],
  packageNames: ["base44-app"],
  envVars: ["VITE_BASE44_APP_ID", "VITE_BASE44_APP_BASE_URL"],
} as const;

/**
 * Supabase Storage's file backend (supabase/storage v1.70: src/storage/backend/file.ts, locator.ts)
 * keeps an object at <FILE_STORAGE_BACKEND_PATH>/<GLOBAL_S3_BUCKET>/<TENANT_ID>/<bucket_id>/<name>/<version>
 * (no /<version> for objects whose storage.objects.version is null). Self-hosted Supabase runs it with
 * both names "stub"; the content type and cache control sit in the file's user.supabase.* xattrs.
 */
export const SUPABASE_STORAGE_FILE_BACKEND = { tenantId: "stub", globalBucket: "stub", volumePath: "/var/lib/storage" } as const;

/** A hosted Supabase project's origin (the ref, group 1, is 20 lowercase letters), not followed by more host name. */
export const SUPABASE_PROJECT_URL = /https?:\/\/([a-z0-9]{20})\.supabase\.(?:co|in)(?![a-z0-9.-])/gi;

/**
 * An origin (scheme and host) on one of `domains` or below it, not followed by more host name:
 * `originOn(LOVABLE.hosts)` finds https://my-app.lovable.app in `https://my-app.lovable.app/reset`.
 */
export function originOn(domains: readonly string[]): RegExp {
  const alternatives = domains.map((d) => d.replaceAll(".", "\\.")).join("|");
  return new RegExp(`https?:\\/\\/[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.(?:${alternatives})(?![a-z0-9.-])`, "gi");
}

/** How code reads an env variable: Vite (dot and bracket), Node (dot and bracket), Deno. */
export const ENV_READS: readonly RegExp[] = [
  /import\.meta\.env\.([A-Z_][A-Z0-9_]*)/g,
  // Lovable's TanStack template reads import.meta.env['VITE_…'] (its tsconfig forbids dot access to index signatures).
  /import\.meta\.env\[\s*["'`]([A-Z_][A-Z0-9_]*)["'`]\s*\]/g,
  /process\.env\.([A-Z_][A-Z0-9_]*)/g,
  /process\.env\[\s*["'`]([A-Z_][A-Z0-9_]*)["'`]\s*\]/g,
  /Deno\.env\.get\(\s*["'`]([A-Z_][A-Z0-9_]*)["'`]\s*\)/g,
];

/** Set by the bundler or the runtime, never by the owner. */
export const BUILTIN_ENV: ReadonlySet<string> = new Set(["MODE", "DEV", "PROD", "SSR", "BASE_URL", "NODE_ENV"]);

/** Env var prefixes that bundlers inline into browser code. */
export const BROWSER_ENV_PREFIXES = ["VITE_", "EXPO_PUBLIC_", "NEXT_PUBLIC_", "PUBLIC_", "REACT_APP_"] as const;

/** Parts of an env var name that mean "this must never reach a browser". */
export const SECRET_NAME_PARTS = [
  "SERVICE_ROLE",
  "SECRET",
  "PRIVATE_KEY",
  "DB_PASSWORD",
  "DATABASE_URL",
  "OPENAI_API_KEY",
  "STRIPE_SECRET",
] as const;

/**
 * Parts of an env var name whose value ownit masks wherever it shows one (a diff of .env.local):
 * broader than SECRET_NAME_PARTS, since a publishable key may ship to browsers yet still has no place in a log.
 */
export const MASKED_NAME_PARTS = ["KEY", "SECRET", "TOKEN", "PASSWORD", "PRIVATE"] as const;

/**
 * Well-known provider API key shapes. Each is a secret wherever it sits: in code or config the
 * client build can reach it ships to every user; anywhere else in the repository it is committed.
 * Findings name the provider and the file:line, never the key.
 */
export const PROVIDER_KEYS = [
  { provider: "Google", prefix: "AIza", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { provider: "Stripe (live secret)", prefix: "sk_live_", pattern: /\b[sr]k_live_[0-9A-Za-z]{20,}\b/g },
  { provider: "OpenAI", prefix: "sk-", pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}\b/g },
  { provider: "Resend", prefix: "re_", pattern: /\bre_[A-Za-z0-9]{8,}_[A-Za-z0-9]{16,}\b/g },
] as const;

/** Files that hold keys without being app code: scanned for provider keys only. */
export const KEY_FILE_GLOBS = ["**/*.{ini,py,cfg,conf,example,sample}"];

/** Where code runs on a server (or is never bundled): a key there is committed, not shipped to browsers. */
export const SERVER_ONLY_PATHS: readonly RegExp[] = [
  /^supabase\//,
  /^server\//,
  /^functions\//,
  /^base44\/functions\//,
  /^(?:src\/)?(?:app|pages)\/api\//,
  /\.server\.[cm]?[jt]sx?$/,
  /^scripts\//,
];

/**
 * A JWT: three base64url parts, the first being a JSON header (`{"` is `eyJ`). The payload is not
 * required to start with `eyJ` (a payload written with a space after `{` does not), and the greedy
 * runs need no closing `\b` (which would leave a trailing `-` of the signature behind).
 */
export const JWT_PATTERN = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;

/** Source files worth scanning for env reads, URLs and keys. */
export const SOURCE_GLOBS = ["**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts,vue,svelte,astro,html,sql,toml,json,jsonc}"];

/** Lock files by package manager, most specific first. */
export const LOCK_FILES = {
  "bun.lockb": "bun",
  "bun.lock": "bun",
  "pnpm-lock.yaml": "pnpm",
  "yarn.lock": "yarn",
  "package-lock.json": "npm",
  "npm-shrinkwrap.json": "npm",
} as const;
