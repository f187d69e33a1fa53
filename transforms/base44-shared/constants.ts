// What the Base44 transforms look for and what they write, as named data in one place. This
// folder has no index.ts: it is not a codemod, only what the base44-* codemods share.

/** The SDK and the build plugin a Base44 export depends on. */
export const BASE44_SDK = "@base44/sdk";
export const BASE44_VITE_PLUGIN = "@base44/vite-plugin";

/** The stock client file of each export layout (A and C: src/api; B reads src/lib/app-params.js). */
export const CLIENT_FILES = ["src/api/base44Client.js", "src/api/base44Client.jsx", "src/api/base44Client.ts", "src/api/base44Client.tsx"];

/** Where ownit writes the owned client (beside the client file, so `./ownit-client` resolves). */
export const OWNED_CLIENT_FILE = "src/api/ownit-client.js";
/** The factory the owned client exports in place of the SDK's `createClient`. */
export const OWNED_CLIENT_FACTORY = "createOwnedClient";

/** The generated server's folder, its build output and what `npm start` runs. */
export const SERVER_DIR = "server";
export const SERVER_BUILD_DIR = "build/server";
export const SERVER_ENTRY = `${SERVER_BUILD_DIR}/index.js`;
export const SERVER_CLI = `${SERVER_BUILD_DIR}/cli.js`;
export const SERVER_BUILD_CONFIG = `${SERVER_DIR}/build.config.mjs`;

/** Entity schema files across the layouts (C: base44/entities; B: src/entities or entities). */
export const SCHEMA_GLOBS = ["base44/entities/*.jsonc", "base44/entities/*.json", "src/entities/*.json", "entities/*.json"];

/** Backend functions: C keeps base44/functions/<name>/entry.ts, B keeps functions/<name>.ts. */
export const FUNCTION_GLOBS = ["base44/functions/*/entry.ts", "base44/functions/*/entry.js", "functions/*.ts", "functions/*.js"];

/** The built-in entity every Base44 app has. */
export const USER_ENTITY = "User";

/** Runtime dependencies the generated server needs (versions the template is written and tested against). */
export const SERVER_DEPENDENCIES: Record<string, string> = {
  "@hono/node-server": "^2.1.9",
  bcryptjs: "^3.0.3",
  hono: "^4.13.19",
  nodemailer: "^10.6.0",
  pg: "^8.23.1",
};

/** Core integrations the owned server provides; the rest answer 501 naming themselves. */
export const PROVIDED_INTEGRATIONS = ["InvokeLLM", "GenerateImage", "SendEmail", "UploadFile"];

/** SDK features with no owned equivalent, found in the code and reported: the call and what to do. */
export const UNPROVIDED_FEATURES: Array<{ pattern: RegExp; what: string; hint: string }> = [
  { pattern: /\.subscribe\s*\(/, what: "realtime subscriptions (entities.X.subscribe)", hint: "poll with filter() on an interval, or add a realtime channel to server/" },
  { pattern: /\bagents\s*\./, what: "Base44 AI agents (base44.agents)", hint: "rebuild the agent on InvokeLLM in a backend function" },
  { pattern: /loginWithProvider\s*\(/, what: "social sign-in (auth.loginWithProvider)", hint: "users sign in with email and password on /api/login" },
  { pattern: /add_context_from_internet\s*:\s*true/, what: "InvokeLLM with add_context_from_internet", hint: "the owned InvokeLLM answers from the model alone; add a search API in a backend function if the app needs fresh facts" },
];

/** Environment variables the generated server reads, with the comment .env.example gives each. */
export const SERVER_ENV: Array<{ name: string; value: string; comment: string }> = [
  { name: "DATABASE_URL", value: "postgres://app:app@localhost:5432/app", comment: "PostgreSQL holding the app's records (required)" },
  { name: "PORT", value: "3000", comment: "Port the server listens on (default 3000)" },
  { name: "HOST", value: "0.0.0.0", comment: "Interface the server listens on (default 0.0.0.0: every interface, as a container needs)" },
  { name: "APP_URL", value: "", comment: "Public URL of the app, for reset links and file URLs (default: each request's own origin)" },
  { name: "ALLOW_SIGNUP", value: "false", comment: "true lets anyone create an account (auth.register); otherwise admins invite users" },
  { name: "SESSION_DAYS", value: "30", comment: "How long a sign-in lasts, in days" },
  { name: "STATIC_DIR", value: "dist", comment: "The built SPA the server serves (default dist)" },
  { name: "STORAGE_DRIVER", value: "local", comment: "Where UploadFile keeps files: local (UPLOAD_DIR) or s3 (any S3-compatible bucket)" },
  { name: "UPLOAD_DIR", value: "uploads", comment: "Folder for uploaded files when STORAGE_DRIVER=local (keep it on a volume)" },
  { name: "S3_ENDPOINT", value: "", comment: "S3-compatible endpoint, e.g. https://s3.eu-west-1.amazonaws.com or https://<account>.r2.cloudflarestorage.com (STORAGE_DRIVER=s3)" },
  { name: "S3_REGION", value: "us-east-1", comment: "Bucket region (R2: auto)" },
  { name: "S3_BUCKET", value: "", comment: "Bucket name" },
  { name: "S3_ACCESS_KEY_ID", value: "", comment: "Access key id for the bucket" },
  { name: "S3_SECRET_ACCESS_KEY", value: "", comment: "Secret access key for the bucket (secret: never commit it)" },
  { name: "S3_PUBLIC_URL", value: "", comment: "Public base URL of the bucket's files, if it is not the endpoint/bucket path" },
  { name: "LLM_BASE_URL", value: "https://api.openai.com/v1", comment: "OpenAI-compatible endpoint for InvokeLLM and GenerateImage" },
  { name: "LLM_API_KEY", value: "", comment: "API key for that endpoint (secret); InvokeLLM answers 501 until it is set" },
  { name: "LLM_MODEL", value: "gpt-4o-mini", comment: "Chat model InvokeLLM uses" },
  { name: "LLM_IMAGE_MODEL", value: "gpt-image-1", comment: "Image model GenerateImage uses" },
  { name: "SMTP_URL", value: "", comment: "SMTP server for SendEmail and password links, e.g. smtp://user:password@smtp.example.com:587 (secret)" },
  { name: "MAIL_FROM", value: "", comment: "Sender address of those emails" },
];
