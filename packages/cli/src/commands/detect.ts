// `ownit detect [dir] [--json]`: what the exported project is, with the evidence.
import type { Command } from "commander";
import { detectProject } from "@ownit/core";
import type { CliContext } from "../context";
import { formatProject } from "../format";
import path from "node:path";

export function registerDetect(program: Command, ctx: CliContext): void {
  program
    .command("detect")
    .description("detect the builder, framework, package manager, Supabase/Base44 usage and findings")
    .argument("[dir]", "exported project folder", ".")
    .option("--json", "print the facts as JSON")
    .action((dir: string, opts: { json?: boolean }) => {
      const project = detectProject(path.resolve(ctx.cwd, dir));
      if (opts.json) ctx.out(JSON.stringify(project, null, 2));
      else for (const line of formatProject(project)) ctx.out(line);
    });
}
