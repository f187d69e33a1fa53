// `ownit dump --via <helper-url>`: the builder's database through a deployed export helper, into
// the same export a direct dump makes; with --with-secrets the values of the secrets the edge
// functions read go to a 0600 env file beside it. The helper's secret comes from
// OWNIT_HELPER_SECRET or a hidden prompt, never from a flag (flags land in shell history).
import path from "node:path";
import { Changeset, detectProject, OwnitError } from "@ownit/core";
import { bringSecrets, checkHelperUrl, dumpViaHelper, HELPER_SECRET_ENV, type HelperRoute } from "@ownit/db";
import { FUNCTIONS_SOURCE_DIR, scanEnvReads } from "@ownit/deploy";
import { tableBars } from "../progress";
import { commaList, projectOption } from "../common-flags";
import type { CliContext } from "../context";
import { color } from "../context";
import { displayPath } from "../format";
import { printDumpSummary, type DumpCliOptions } from "./dump";

const ROUTES: HelperRoute[] = ["auto", "direct", "tunnel"];
const EDGE_FUNCTIONS_DIR = `${FUNCTIONS_SOURCE_DIR}/`;

async function helperSecret(ctx: CliContext): Promise<string> {
  const fromEnv = process.env[HELPER_SECRET_ENV];
  if (fromEnv) return fromEnv;
  const asked =
    ctx.interactive && ctx.askSecret ? await ctx.askSecret("the helper's secret (shown by `ownit helper`)") : undefined;
  if (asked) return asked;
  throw new OwnitError(
    "helper-secret-missing",
    `no secret for the helper: ${HELPER_SECRET_ENV} is not set`,
    `run it as ${HELPER_SECRET_ENV}=<the secret \`npx ownit helper\` showed> npx ownit dump --via …`,
  );
}

/** Names the project's edge functions read from env (those the helper can fetch values for). */
function functionSecretNames(projectDir: string): string[] {
  const project = detectProject(projectDir);
  return scanEnvReads(new Changeset(project.root), project.framework.id)
    .filter((r) => r.files.some((f) => f.startsWith(EDGE_FUNCTIONS_DIR)))
    .map((r) => r.name);
}

export async function dumpThroughHelper(
  ctx: CliContext,
  opts: DumpCliOptions & { via: string; project?: string },
): Promise<void> {
  checkHelperUrl(opts.via);
  const jobs = Number(opts.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new OwnitError("bad-option", `--jobs ${opts.jobs} is not a positive whole number`, "pass e.g. --jobs 2");
  const route = (opts.route ?? "auto") as HelperRoute;
  if (!ROUTES.includes(route))
    throw new OwnitError(
      "bad-option",
      `--route ${opts.route} is not one of ${ROUTES.join(", ")}`,
      "pass --route auto, direct or tunnel",
    );
  const projectDir = projectOption(ctx.cwd, opts.project);
  if (opts.withSecrets && !projectDir)
    throw new OwnitError(
      "no-project",
      "--with-secrets needs the project, to know which secrets its functions read",
      "run it in the project's folder, or pass --project <dir>",
    );
  const names = opts.withSecrets ? functionSecretNames(projectDir!) : [];
  const secret = await helperSecret(ctx);
  const out = path.resolve(ctx.cwd, opts.out);
  ctx.out(
    `dumping through the helper at ${new URL(opts.via).origin}${new URL(opts.via).pathname} into ${displayPath(ctx.cwd, out)}`,
  );
  const bars = tableBars(ctx);
  let result;
  try {
    result = await dumpViaHelper({
      via: opts.via,
      secret,
      route,
      out,
      schemas: commaList(opts.schemas),
      jobs,
      force: opts.force,
      textData: opts.textData,
      onProgress: bars.listener,
    });
  } finally {
    bars.stop();
  }
  ctx.out(
    color.dim(
      `  route       ${result.route === "direct" ? "direct: the database the helper named answers from here" : "tunnel: through the helper (the database is not reachable from here)"}`,
    ),
  );
  printDumpSummary(ctx, result);
  if (opts.withSecrets) {
    const secrets = await bringSecrets({ via: opts.via, secret, names, exportDir: out });
    ctx.out(
      `${color.bold("secrets")}     ${displayPath(ctx.cwd, secrets.file)} (mode 0600${secrets.ignoredBy ? `, git-ignored: ${secrets.ignoredBy}` : ""})`,
    );
    ctx.out(`  found       ${secrets.found.join(", ") || "none"}`);
    if (secrets.missing.length)
      ctx.out(
        color.yellow(`  missing     ${secrets.missing.join(", ")} (read by the functions, not set in the builder's project)`),
      );
    if (secrets.platform.length)
      ctx.out(color.dim(`  not copied  ${secrets.platform.join(", ")} (Supabase gives every project its own)`));
  }
  const name = new URL(opts.via).pathname.split("/").filter(Boolean).pop() ?? "the helper";
  ctx.out();
  ctx.out(color.bold("now delete the helper") + ` (it stops answering at its expiry anyway):`);
  ctx.out(
    `  - from the builder's project: Lovable → Cloud → Edge Functions → ${name} → delete (or ask the builder's chat: "delete the edge function ${name}"); Bolt: ask Bolt to delete it`,
  );
  ctx.out(
    `  - from the repository: npx ownit rollback${projectDir ? ` ${displayPath(ctx.cwd, projectDir)}` : ""} <the helper's run id> (npx ownit runs lists it), then push`,
  );
}
