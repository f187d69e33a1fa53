// `ownit helper [dir]`: writes the one-shot export helper (an edge function) into the project as a
// run, so `ownit rollback` takes it out again, shows its secret once, and says how the builder
// deploys it. `--json` prints { function, path, secret, expiresAt } for scripts, and nothing else.
import path from "node:path";
import type { Command } from "commander";
import {
  applyPlan,
  buildPlan,
  detectDataHost,
  detectProject,
  EXPORT_DIR,
  OwnitError,
  type ProjectFacts,
  type Step,
} from "@ownit/core";
import { exportHelper, FUNCTION_NAME, HELPER_FUNCTION_NAME, HELPER_SECRET_ENV, type ExportHelper } from "@ownit/db";
import { SUPABASE_CONFIG } from "@ownit/deploy";
import { confirmAndApply } from "../confirm-and-apply";
import type { CliContext } from "../context";
import { color } from "../context";
import { displayPath } from "../format";

export interface HelperOptions {
  yes?: boolean;
  json?: boolean;
  name?: string;
  allowDirty?: boolean;
}

/**
 * The helper proves its caller with its own secret, so Supabase's JWT check is turned off for it
 * (a `[functions.<name>]` table appended to config.toml, which Lovable and the Supabase CLI read).
 */
function withoutJwtCheck(config: string | undefined, name: string): string | undefined {
  const table = `[functions.${name}]`;
  if (config?.split("\n").some((l) => l.trim() === table)) return undefined;
  const base = config ?? "";
  return `${base}${base && !base.endsWith("\n") ? "\n" : ""}${base ? "\n" : ""}${table}\nverify_jwt = false\n`;
}

function helperStep(made: ExportHelper): Step {
  return {
    id: "export-helper",
    title: `export helper ${made.path} (expires ${made.expiresAt})`,
    kind: "emit",
    plan(ctx) {
      if (ctx.files.exists(made.path)) {
        throw new OwnitError(
          "helper-exists",
          `${made.path} already exists`,
          "roll back the run that wrote it (`npx ownit runs` lists it), or pass --name",
        );
      }
      ctx.files.write(made.path, made.source, { generated: true });
      const config = withoutJwtCheck(ctx.files.read(SUPABASE_CONFIG), made.name);
      if (config !== undefined) ctx.files.write(SUPABASE_CONFIG, config);
      ctx.record("exportHelper", { function: made.name, path: made.path, expiresAt: made.expiresAt });
    },
  };
}

/** How the function gets deployed, per builder, and the address it will answer at. */
export function deploySteps(project: ProjectFacts, name: string): { url: string; steps: string[] } {
  const ref = project.supabase.projectRefs[0];
  const url = `https://${ref ?? "<project-ref>"}.supabase.co/functions/v1/${name}`;
  const host = detectDataHost(project);
  if (project.builder.id === "bolt") {
    return {
      url,
      steps: [
        "commit and push this change to the repository Bolt works from (or import it into the Bolt project)",
        `ask Bolt: "deploy the Supabase edge function ${name}" (Bolt deploys supabase/functions/* through its Supabase integration)`,
      ],
    };
  }
  if (project.builder.id === "lovable-vite" || project.builder.id === "lovable-tanstack") {
    return {
      url,
      steps: [
        "push this commit to the GitHub repository Lovable syncs with",
        `Lovable deploys supabase/functions/* from it; if ${name} does not appear in Cloud → Edge Functions, ask Lovable: "deploy the edge function ${name}"`,
      ],
    };
  }
  return {
    url,
    steps: [
      host.kind === "own-supabase"
        ? `npx supabase functions deploy ${name} --no-verify-jwt${ref ? ` --project-ref ${ref}` : ""}`
        : "deploy it the way this project's edge functions are deployed",
    ],
  };
}

export async function helper(ctx: CliContext, dir: string, opts: HelperOptions): Promise<void> {
  const name = opts.name ?? HELPER_FUNCTION_NAME;
  if (!FUNCTION_NAME.test(name))
    throw new OwnitError(
      "bad-option",
      `--name ${name} is not a function name`,
      "use letters, digits, - and _, starting with a letter",
    );
  const project = detectProject(path.resolve(ctx.cwd, dir));
  if (!project.supabase.used) {
    throw new OwnitError(
      "no-supabase",
      `${project.root} uses no Supabase project, so there is no edge function runtime to put a helper in`,
      project.base44.used
        ? "a Base44 app's data comes out through its API: npx ownit dump base44"
        : "the helper is for Lovable Cloud and Bolt Database projects",
    );
  }
  const made = exportHelper({ name });
  const plan = await buildPlan(project, [helperStep(made)]);
  const { url, steps } = deploySteps(project, name);
  if (opts.json) {
    if (!opts.yes)
      throw new OwnitError("needs-confirmation", "--json writes the helper without asking", "pass --yes with --json");
    await applyPlan(plan, { command: "helper", summary: `export helper ${name}`, allowDirty: opts.allowDirty });
    // The one-time secret is this command's answer: it passes the output redaction on purpose, once.
    (ctx.outSecret ?? ctx.out)(
      JSON.stringify({ function: name, path: made.path, secret: made.secret, expiresAt: made.expiresAt, url }),
    );
    return;
  }
  ctx.out(
    `${color.bold("helper")}      ${made.path}: answers POST with its one-time secret until ${made.expiresAt}, then nothing`,
  );
  const run = await confirmAndApply(
    ctx,
    plan,
    { yes: opts.yes, allowDirty: opts.allowDirty },
    { command: "helper", summary: `export helper ${name}`, nothingToChange: "nothing to change" },
  );
  if (!run) return;
  const rel = displayPath(ctx.cwd, project.root);
  ctx.out();
  ctx.out(color.bold("secret (shown once, stored nowhere; only its hash is in the code):"));
  (ctx.outSecret ?? ctx.out)(`  ${made.secret}`);
  ctx.out();
  ctx.out(color.bold("deploy it:"));
  steps.forEach((s, i) => ctx.out(`  ${i + 1}. ${s}`));
  ctx.out(color.bold("then take the data:"));
  ctx.out(`  ${HELPER_SECRET_ENV}=<the secret> npx ownit dump --via ${url} --out ${rel}/${EXPORT_DIR} --with-secrets`);
}

export function registerHelper(program: Command, ctx: CliContext): void {
  program
    .command("helper")
    .description(
      "write a one-shot export helper (an edge function) for a database you have no password for (Lovable Cloud, Bolt Database), as a run",
    )
    .argument("[dir]", "project folder", ".")
    .option("-y, --yes", "write without asking")
    .option("--json", "print { function, path, secret, expiresAt } and nothing else (needs --yes)")
    .option("--name <name>", "function name", HELPER_FUNCTION_NAME)
    .option("--allow-dirty", "run even with uncommitted changes in git")
    .action((dir: string, opts: HelperOptions) => helper(ctx, dir, opts));
}
