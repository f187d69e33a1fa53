// `ownit detect [dir] [--json]`: what the exported project is, with the evidence.
import type { Command } from "commander";
import {
  DATA_HOST_KINDS,
  detectDataHost,
  detectProject,
  OwnitError,
  type DataHost,
  type DataHostKind,
  type ProjectFacts,
} from "@ownit/core";
import type { CliContext } from "../context";
import { formatDataHost, formatProject } from "../format";
import path from "node:path";

/**
 * Where the project's database lives: the answer given with --data-host, else the evidence, and
 * when the evidence cannot tell, one question to whoever is at the terminal.
 */
export async function resolveDataHost(ctx: CliContext, project: ProjectFacts, answer: string | undefined): Promise<DataHost> {
  if (answer !== undefined && !DATA_HOST_KINDS.includes(answer as DataHostKind)) {
    throw new OwnitError(
      "bad-option",
      `--data-host ${answer} is not one of ${DATA_HOST_KINDS.join(", ")}`,
      "pass e.g. --data-host lovable-cloud",
    );
  }
  const host = detectDataHost(project, answer as DataHostKind | undefined);
  if (!host.question || !ctx.interactive) return host;
  const yes = await ctx.confirm(host.question.text);
  return { kind: yes ? host.question.yes : host.question.no, evidence: [...host.evidence, `your answer: ${yes ? "yes" : "no"}`] };
}

export function registerDetect(program: Command, ctx: CliContext): void {
  program
    .command("detect")
    .description("detect the builder, framework, package manager, Supabase/Base44 usage, where the data lives, and findings")
    .argument("[dir]", "exported project folder", ".")
    .option("--json", "print the facts as JSON")
    .option(
      "--data-host <kind>",
      "where the database lives, when ownit cannot tell: own-supabase, lovable-cloud, bolt-database, bolt-database-claimed",
    )
    .action(async (dir: string, opts: { json?: boolean; dataHost?: string }) => {
      const project = detectProject(path.resolve(ctx.cwd, dir));
      if (opts.json) {
        ctx.out(
          JSON.stringify(
            project.supabase.used
              ? { ...project, dataHost: await resolveDataHost({ ...ctx, interactive: false }, project, opts.dataHost) }
              : project,
            null,
            2,
          ),
        );
        return;
      }
      for (const line of formatProject(project)) ctx.out(line);
      if (project.supabase.used)
        for (const line of formatDataHost(await resolveDataHost(ctx, project, opts.dataHost))) ctx.out(line);
    });
}
