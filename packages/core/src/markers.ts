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
  /** Domains its apps are served under (<name>.bolt.host). */
  hosts: ["bolt.host", "bolt.new"],
  starterPackageNames: ["vite-react-typescript-starter", "bolt-expo-starter", "nextjs-shadcn"],
  /** Expo's app config, where Bolt's Expo template names the app `bolt-expo-nativewind` (name and slug). */
  expoConfigFiles: ["app.json", "app.config.js", "app.config.ts", "app.config.mjs", "app.config.cjs"],
  expoTemplateName: /["']?(?:name|slug)["']?\s*:\s*["'`](bolt-expo[a-z0-9-]*)["'`]/i,
  /** The template's hook that tells Bolt's in-browser preview the app is up (`window.frameworkReady`). */
  frameworkReadyHooks: ["hooks/useFrameworkReady.ts", "hooks/useFrameworkReady.tsx", "hooks/useFrameworkReady.js"],
  frameworkReadyCall: "frameworkReady",
} as const;

/** Signals of a Base44 export, across its three layouts (A: src/api, B: app-params, C: base44/). */
export const BASE44 = {
  packages: ["@base44/sdk", "@base44/vite-plugin"],
  dirs: ["base44"],
  clientFiles: ["src/api/base44Client.js", "src/api/base44Client.ts", "src/lib/app-params.js", "src/lib/app-params.ts"],
  entitiesFiles: ["src/api/entities.js", "src/api/entities.ts"],
  schemaGlobs: ["base44/entities/*.jsonc", "base44/entities/*.json", "src/entities/*.json", "entities/*.json"],
  // 2026 exports use entry.ts or index.ts (beside a function.jsonc); layout B keeps them flat in functions/.
  functionGlobs: ["base44/functions/*/entry.ts", "base44/functions/*/index.ts", "functions/*.ts"],
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

/** Hosted Supabase project URLs (the ref is 20 lowercase letters). */
export const SUPABASE_PROJECT_URL = /https?:\/\/([a-z0-9]{20})\.supabase\.(?:co|in)/gi;

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

/** A JWT: three base64url parts, the first being a JSON header. */
export const JWT_PATTERN = /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g;

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
