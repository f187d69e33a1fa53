// base44-owned-backend: a Base44 app's data, logins, files and AI calls all went to Base44's
// servers. This writes the app's own server into the project (server/: TypeScript on Hono and
// pg, from template/server/), with its entity tables (server/schema.sql, the same tables
// `ownit restore` creates) and what it must know of each entity (server/app.config.json: table,
// rules), adds its dependencies and the scripts of the deploy contract (`npm run build` builds the
// SPA and the server, `npm start` serves both on $PORT), and lists every setting in .env.example.
// Features the server cannot provide are findings here and clear errors at run time.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { finding, generatedFiles, OwnitError, type GeneratedMark, type StepContext, lineAt } from "@ownit/core";
import { addDependencies, addEnvVar, addGitignoreEntry, editJson, parseJson, type Codemod } from "@ownit/codemod";
import { readAppModel, schemaSql, serverAppConfig } from "../base44-shared/app-model";
import {
  APP_CODE_GLOBS,
  BASE44_SDK,
  CONFIGURED_FEATURES,
  PROVIDED_INTEGRATIONS,
  REALTIME_CALL,
  SERVER_BUILD_CONFIG,
  SERVER_BUILD_DIR,
  SERVER_CLI,
  SERVER_DEPENDENCIES,
  SERVER_DIR,
  SERVER_ENTRY,
  SERVER_ENV,
  SERVER_FILE_HEADER as GENERATED_HEADER,
  SOCIAL_SIGN_IN_CALL,
  socialProviderEnv,
  UNPROVIDED_FEATURES,
  USER_ENTITY,
} from "../base44-shared/constants";
import { providerEnvNames, socialCallbackPath } from "./template/server/oauth-providers";
import { fieldRuleProblems, rlsProblems, userFieldsOf } from "./template/server/rule-check";

const TEMPLATE_DIR = path.join(import.meta.dirname, "template", SERVER_DIR);

/** Template files written elsewhere (generated from the export) or only there for the repo's type check. */
const GENERATED_FILES = new Set(["app.config.json", "schema.sql", "functions/index.ts"]);

/** The scripts of the deploy contract. `build` keeps the owner's SPA build and adds the server's. */
export const SCRIPTS = {
  "build:server": `vite build --config ${SERVER_BUILD_CONFIG}`,
  start: `node ${SERVER_ENTRY}`,
  "db:setup": `node ${SERVER_CLI} setup-db`,
  users: `node ${SERVER_CLI} users`,
} as const;

/** Vite's SSR build turns server/*.ts into build/server/*.js: no TypeScript compiler needed in the project. */
const BUILD_CONFIG = `${GENERATED_HEADER}
// Builds the app's server (server/*.ts) into ${SERVER_BUILD_DIR}/ for \`npm start\`, with Vite's SSR
// build: packages stay in node_modules, TypeScript is stripped, nothing else is needed.
import { defineConfig } from "vite";

export default defineConfig({
  publicDir: false,
  build: {
    ssr: true,
    target: "node20",
    outDir: "${SERVER_BUILD_DIR}",
    emptyOutDir: true,
    rollupOptions: {
      input: { index: "${SERVER_DIR}/index.ts", cli: "${SERVER_DIR}/cli.ts" },
      output: { format: "esm", entryFileNames: "[name].js" },
    },
  },
});
`;

function templateFiles(dir = TEMPLATE_DIR, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? templateFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/**
 * Writes a generated file unless the owner's own file is there (error) or the owner edited ours (kept,
 * reported). With `regenerate`, a file still as an earlier run wrote it follows the export's facts.
 */
function writeGenerated(
  ctx: StepContext,
  rel: string,
  content: string,
  mark: GeneratedMark,
  options: { regenerate?: boolean } = {},
): void {
  const current = ctx.files.read(rel);
  if (current === content) return;
  const state = generatedFiles(ctx.project.root).stateOf(rel, current, mark);
  if (state === "absent" || (state === "as-written" && options.regenerate)) {
    ctx.files.write(rel, content, { generated: true });
    return;
  }
  if (state === "owner") {
    throw new OwnitError(
      "server-file-taken",
      `${rel} already exists and is not a file ownit wrote`,
      `move your ${SERVER_DIR}/ folder aside (the generated server goes there), then run ownit again`,
    );
  }
  ctx.report(
    finding({
      severity: "info",
      code: "base44-server-file-kept",
      file: rel,
      message: `${rel} was edited since ownit wrote it: kept as it is`,
      hint: "delete it and run ownit again to get the current template",
    }),
  );
}

function writeServer(ctx: StepContext, appConfig: string, schema: string): void {
  for (const rel of templateFiles()) {
    if (GENERATED_FILES.has(rel)) continue;
    const body = readFileSync(path.join(TEMPLATE_DIR, rel), "utf8");
    writeGenerated(ctx, `${SERVER_DIR}/${rel}`, `${GENERATED_HEADER}\n${body}`, GENERATED_HEADER);
  }
  writeGenerated(ctx, SERVER_BUILD_CONFIG, BUILD_CONFIG, GENERATED_HEADER);
  // app.config.json and schema.sql are regenerated from the export on every run.
  const isAppConfig = (text: string) => Boolean(parseJson<{ entities?: unknown; userEntity?: unknown }>(text)?.userEntity);
  writeGenerated(ctx, `${SERVER_DIR}/app.config.json`, appConfig, isAppConfig, { regenerate: true });
  writeGenerated(ctx, `${SERVER_DIR}/schema.sql`, schema, "-- The app's tables, written by ownit", {
    regenerate: true,
  });
  // The functions registry belongs to base44-functions-to-routes; an app without functions gets the empty one.
  const registry = `${SERVER_DIR}/functions/index.ts`;
  if (!ctx.files.exists(registry))
    ctx.files.write(registry, `${GENERATED_HEADER}\n${readFileSync(path.join(TEMPLATE_DIR, "functions", "index.ts"), "utf8")}`, {
      generated: true,
    });
}

/** package.json: the scripts of the deploy contract (an owner's different `start` is kept and reported). */
function addScripts(ctx: StepContext): void {
  let text = ctx.files.read("package.json");
  const pkg = text === undefined ? undefined : parseJson<{ scripts?: Record<string, string> }>(text);
  if (!text || !pkg) return;
  const scripts = pkg.scripts ?? {};
  for (const [name, command] of Object.entries(SCRIPTS)) {
    if (scripts[name] === command) continue;
    if (scripts[name] !== undefined) {
      ctx.report(
        finding({
          severity: "medium",
          code: "base44-script-kept",
          file: "package.json",
          message: `package.json already has a "${name}" script (${scripts[name]}); the server's is \`${command}\``,
          hint: `make "${name}" run \`${command}\` so the deploy files work`,
        }),
      );
      continue;
    }
    text = editJson(text, ["scripts", name], command);
  }
  const build = scripts.build;
  if (build === undefined) text = editJson(text, ["scripts", "build"], "vite build && npm run build:server");
  else if (!build.includes("build:server")) text = editJson(text, ["scripts", "build"], `${build} && npm run build:server`);
  ctx.files.write("package.json", text);
}

function writeEnvExample(ctx: StepContext, providers: string[]): void {
  let text = ctx.files.read(".env.example");
  const before = text;
  if (!text?.includes("# The app's own server"))
    text = `${text ?? ""}${text && !text.endsWith("\n") ? "\n" : ""}${text ? "\n" : ""}# The app's own server (server/), written by ownit. Copy to .env for local runs.\n`;
  for (const v of [...SERVER_ENV, ...providers.filter((p) => p !== "google").flatMap(socialProviderEnv)])
    text = addEnvVar(text, v.name, v.value, v.comment);
  if (text !== before) ctx.files.write(".env.example", text, { generated: true });
  let ignore = ctx.files.read(".gitignore");
  for (const entry of [".env", "build", "uploads"]) ignore = addGitignoreEntry(ignore, entry);
  if (ignore !== ctx.files.read(".gitignore")) ctx.files.write(".gitignore", ignore!);
}

/** The providers the code signs in with (`loginWithProvider("google")`), each reported with the redirect URL to register. */
function reportSocialSignIn(ctx: StepContext): string[] {
  const providers = new Set<string>();
  for (const file of ctx.files.list({ patterns: APP_CODE_GLOBS })) {
    const text = ctx.files.read(file) ?? "";
    for (const m of text.matchAll(SOCIAL_SIGN_IN_CALL)) {
      const provider = m[2] ? m[2].toLowerCase() : "google";
      const env = providerEnvNames(provider);
      const first = !providers.has(provider);
      providers.add(provider);
      if (!first) continue;
      ctx.report(
        finding({
          severity: "medium",
          code: "base44-social-sign-in",
          file,
          line: lineAt(text, m.index!),
          message: `sign-in with ${provider} now goes through the app's own server: register <APP_URL>${socialCallbackPath(provider)} as the redirect URL of an OAuth client at ${provider}`,
          hint: `set ${env.clientId} and ${env.clientSecret}${provider === "google" ? "" : ` and ${env.issuer}`} (see .env.example); a verified email signs in the account that already has it; until they are set, the sign-in answers 501 naming them`,
        }),
      );
    }
  }
  return [...providers].sort();
}

/** Live updates keep working; the one thing to know is that a proxy in front must pass WebSocket upgrades. */
function reportRealtime(ctx: StepContext): void {
  for (const file of ctx.files.list({ patterns: APP_CODE_GLOBS })) {
    const text = ctx.files.read(file) ?? "";
    const m = REALTIME_CALL.exec(text);
    if (!m || !/base44|entities/.test(text)) continue;
    ctx.report(
      finding({
        severity: "info",
        code: "base44-realtime",
        file,
        line: lineAt(text, m.index),
        message:
          "entities.X.subscribe is served by the app's own server over a WebSocket (server/realtime.ts), each event filtered by the entity's read rules",
        hint: "a proxy or load balancer in front of the server must pass WebSocket upgrades on /api/apps/<appId>/realtime",
      }),
    );
    return;
  }
}

/** Access rules the server cannot read: each denies at run time (fail closed), and each is a finding naming its file. */
function reportMalformedRules(ctx: StepContext, model: ReturnType<typeof readAppModel>): void {
  for (const e of model.entities) {
    const problems = rlsProblems(e.schema.rls);
    for (const [field, property] of Object.entries(e.schema.properties ?? {})) {
      const rls = (property as { rls?: unknown } | undefined)?.rls;
      if (rls !== undefined) problems.push(...fieldRuleProblems(rls, `properties.${field}.rls`));
    }
    for (const problem of problems) {
      ctx.report(
        finding({
          severity: "high",
          code: "base44-rule-malformed",
          file: e.schemaFile,
          message: `${e.name}: ${problem}; the server denies ${problem.startsWith("properties.") ? "that field" : "every operation on this entity"} until it is fixed`,
          hint: 'write the rule as Base44 does (true, false, or a condition such as { "created_by": "{{user.email}}" }), then run ownit again',
        }),
      );
    }
  }
}

/** Profile fields the rules read: only admins change them now (a user who set their own could reach any record). */
function reportRuleUserFields(ctx: StepContext, model: ReturnType<typeof readAppModel>): void {
  const fields = new Set<string>();
  for (const e of model.entities) {
    userFieldsOf(e.schema.rls, fields);
    for (const property of Object.values(e.schema.properties ?? {}))
      userFieldsOf((property as { rls?: unknown } | undefined)?.rls, fields);
  }
  const users = model.entities.find((e) => e.name === USER_ENTITY);
  const writable = (field: string) =>
    Boolean(
      (users?.schema.properties?.[field] as { rls?: { write?: unknown; update?: unknown } } | undefined)?.rls?.write ??
      (users?.schema.properties?.[field] as { rls?: { update?: unknown } } | undefined)?.rls?.update,
    );
  for (const field of [...fields].filter((f) => !["id", "email", "role"].includes(f) && !writable(f)).sort()) {
    ctx.report(
      finding({
        severity: "info",
        code: "base44-rule-field-admin-only",
        file: users?.schemaFile,
        message: `access rules read the user's ${field}, so only admins change it (updateMe and User updates by the user answer 403)`,
        hint: `to let users set it themselves, give ${USER_ENTITY}.${field} a write rule in its schema ("rls": { "write": … })`,
      }),
    );
  }
}

/** Integrations and SDK features the code uses that the server does not provide. */
function reportUnprovided(ctx: StepContext): void {
  for (const file of ctx.files.list({ patterns: APP_CODE_GLOBS })) {
    const text = ctx.files.read(file) ?? "";
    for (const m of text.matchAll(/\bCore\.([A-Z]\w*)/g)) {
      const name = m[1]!;
      if (PROVIDED_INTEGRATIONS.includes(name)) continue;
      ctx.report(
        finding({
          severity: "medium",
          code: "base44-integration-not-provided",
          file,
          line: lineAt(text, m.index!),
          message: `Core.${name} is a Base44 integration the app's own server does not provide: calls answer 501 naming it`,
          hint: "replace it with a backend function calling the service it wrapped (see server/integrations.ts)",
        }),
      );
    }
    if (!/base44|entities|integrations|auth|Core|InvokeLLM/.test(text)) continue;
    for (const feature of CONFIGURED_FEATURES) {
      const m = feature.pattern.exec(text);
      if (!m) continue;
      ctx.report(
        finding({
          severity: "medium",
          code: "base44-feature-needs-setting",
          file,
          line: lineAt(text, m.index),
          message: `calls to ${feature.what} answer 501 on the app's own server until ${feature.until}`,
          hint: "see .env.example",
        }),
      );
    }
    for (const feature of UNPROVIDED_FEATURES) {
      const m = feature.pattern.exec(text);
      if (m) {
        ctx.report(
          finding({
            severity: "medium",
            code: "base44-feature-not-provided",
            file,
            line: lineAt(text, m.index),
            message: `${feature.what} is not provided by the app's own server`,
            hint: feature.hint,
          }),
        );
      }
    }
  }
}

const codemod: Codemod = {
  name: "base44-owned-backend",
  description:
    "write the app's own server (entities over PostgreSQL, auth, files, AI, email, functions) in place of Base44's backend",
  builders: ["base44"],
  files: [],
  appliesTo: (project) =>
    project.builder.id === "base44" ||
    Boolean(project.packageJson?.dependencies?.[BASE44_SDK] ?? project.packageJson?.devDependencies?.[BASE44_SDK]),
  async project(ctx) {
    const model = readAppModel(ctx);
    for (const f of model.findings) ctx.report(f);
    writeServer(ctx, serverAppConfig(model), schemaSql(model));
    addScripts(ctx);
    await addDependencies(ctx, { dependencies: SERVER_DEPENDENCIES });
    writeEnvExample(ctx, reportSocialSignIn(ctx));
    reportRealtime(ctx);
    reportUnprovided(ctx);
    reportMalformedRules(ctx, model);
    reportRuleUserFields(ctx, model);
    for (const e of model.entities)
      for (const note of e.table.notes)
        ctx.report(finding({ severity: "info", code: "base44-table-note", file: e.schemaFile, message: note }));
    ctx.report(
      finding({
        severity: "medium",
        code: "base44-users-set-passwords",
        message:
          'Base44 does not export password hashes: every user sets a password once ("forgot password" on /api/login mails a link over SMTP, or an admin prints one with `npm run users -- reset-link <email>`)',
        hint: "set SMTP_URL and MAIL_FROM, or hand out the links yourself; `npm run users -- without-password` lists who is left",
      }),
    );
  },
};

export default codemod;
