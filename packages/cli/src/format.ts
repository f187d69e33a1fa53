// Human-readable renderings of detection results, plans and runs.
import path from "node:path";
import { formatFinding, type Finding, type ProjectFacts, type RunManifest, describeChange, type Plan } from "@ownit/core";
import { color } from "./context";

export function formatProject(p: ProjectFacts): string[] {
  const lines = [
    `${color.bold("project")}     ${p.root}${p.nestedIn ? color.dim(` (nested under ${p.nestedIn}/)`) : ""}`,
    `${color.bold("builder")}     ${p.builder.id} ${color.dim(`(${p.builder.evidence.join("; ")})`)}`,
    `${color.bold("framework")}   ${p.framework.id} ${color.dim(`(${p.framework.evidence.join("; ")})`)}`,
    `${color.bold("packages")}    ${p.packageManager.name}${p.packageManager.lockFiles.length ? ` (${p.packageManager.lockFiles.join(", ")})` : ""}${p.packageManager.stale.length ? color.yellow(` stale: ${p.packageManager.stale.join(", ")}`) : ""}`,
  ];
  if (p.supabase.used) {
    lines.push(
      `${color.bold("supabase")}    ${p.supabase.clientFiles.length} client file(s), ${p.supabase.migrations.length} migration(s), ${p.supabase.functions.length} edge function(s)${p.supabase.projectRefs.length ? `, project ${p.supabase.projectRefs.join(", ")}` : ""}`,
    );
  }
  if (p.base44.used) {
    lines.push(`${color.bold("base44")}      layout ${p.base44.layout ?? "?"}, sdk ${p.base44.sdkVersion ?? "none"}, ${p.base44.entityNames.length} entit(ies): ${p.base44.entityNames.join(", ") || "none found"}`);
  }
  if (p.envVars.length) lines.push(`${color.bold("env")}         ${p.envVars.map((v) => v.name).join(", ")}`);
  lines.push(...formatFindings(p.findings));
  return lines;
}

export function formatFindings(findings: Finding[]): string[] {
  if (!findings.length) return [`${color.bold("findings")}    none`];
  const paint = (f: Finding) => (f.severity === "high" ? color.red : f.severity === "medium" ? color.yellow : color.dim)(formatFinding(f));
  return [`${color.bold("findings")}    ${findings.length}`, ...findings.map((f) => `  ${paint(f)}`)];
}

export function formatPlan(plan: Plan): string[] {
  const lines = [color.bold(`plan: ${plan.steps.length} step(s), ${plan.changes.length} file(s)`)];
  for (const { step, files } of plan.steps) {
    lines.push(`  ${step.kind.padEnd(8)} ${step.title}${files.length ? "" : color.dim(" (nothing to change)")}`);
    for (const file of files) {
      const change = plan.changes.find((c) => c.path === file)!;
      lines.push(`             ${describeChange(change)}`);
    }
  }
  return lines;
}

export function formatRun(run: RunManifest): string {
  const changed = run.files.length;
  const tag = run.git?.tag ? ` tag ${run.git.tag}` : "";
  return `${run.id}  ${run.status.padEnd(11)} ${run.command.padEnd(9)} ${String(changed).padStart(4)} file(s)${tag}  ${run.summary}`;
}

/** How to name a project folder in a command the user can paste: relative when inside cwd, absolute otherwise. */
export function displayPath(cwd: string, target: string): string {
  const rel = path.relative(cwd, target);
  if (!rel) return ".";
  return rel.startsWith("..") || path.isAbsolute(rel) ? target : rel;
}

/**
 * Where the app's data lives and the commands that bring it home: `migrate` moves code and deploy
 * files, and the owner's first question after it is "and my data?".
 */
export function formatDataNextSteps(p: ProjectFacts, cwd: string): string[] {
  const dir = displayPath(cwd, p.root);
  const restore = [
    `  2. npx ownit restore ${dir}/ownit-export --to <your postgres url>   (or --local: a PostgreSQL of the project's own)`,
    `  3. npx ownit verify ${dir}/ownit-export --against <that url>`,
  ];
  if (p.base44.used) {
    return [
      color.bold("your data") + `  lives in Base44${p.base44.appId ? ` (app ${p.base44.appId})` : ""}; take every record with you:`,
      `  1. BASE44_API_KEY=<your API key> npx ownit dump --from base44 --project ${dir} --out ${dir}/ownit-export --files`,
      ...restore,
      color.dim("  users keep their accounts but set a new password: Base44 cannot export password hashes"),
    ];
  }
  if (p.supabase.used) {
    const where = p.supabase.projectRefs.length ? `Supabase project ${p.supabase.projectRefs.join(", ")}` : "a hosted Supabase project";
    return [
      color.bold("your data") + `  lives in ${where}; take it with you (tables, auth users with their passwords, RLS):`,
      `  1. npx ownit dump --from '<connection string: Supabase dashboard → Connect → Session pooler, port 5432>' --out ${dir}/ownit-export`,
      ...restore,
    ];
  }
  return [];
}
