// Human-readable renderings of detection results, plans and runs.
import path from "node:path";
import {
  detectDataHost,
  formatFinding,
  type DataHost,
  type Finding,
  type ProjectFacts,
  type RunManifest,
  describeChange,
  EXPORT_DIR,
  type Plan,
} from "@ownit/core";
import { HELPER_FUNCTION_NAME, HELPER_SECRET_ENV } from "@ownit/db";
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
    lines.push(
      `${color.bold("base44")}      layout ${p.base44.layout ?? "?"}, sdk ${p.base44.sdkVersion ?? "none"}, ${p.base44.entityNames.length} entit(ies): ${p.base44.entityNames.join(", ") || "none found"}`,
    );
  }
  if (p.envVars.length) lines.push(`${color.bold("env")}         ${p.envVars.map((v) => v.name).join(", ")}`);
  lines.push(...formatFindings(p.findings));
  return lines;
}

export function formatFindings(findings: Finding[]): string[] {
  if (!findings.length) return [`${color.bold("findings")}    none`];
  const paint = (f: Finding) =>
    (f.severity === "high" ? color.red : f.severity === "medium" ? color.yellow : color.dim)(formatFinding(f));
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
export function formatDataNextSteps(p: ProjectFacts, cwd: string, host?: DataHost): string[] {
  const dir = displayPath(cwd, p.root);
  const restore = [
    `  2. npx ownit restore ${dir}/${EXPORT_DIR} --to <your postgres url>   (or --local: a PostgreSQL of the project's own)`,
    `  3. npx ownit verify ${dir}/${EXPORT_DIR} --against <that url>`,
  ];
  if (p.base44.used) {
    return [
      color.bold("your data") +
        `  lives in Base44${p.base44.appId ? ` (app ${p.base44.appId})` : ""}; take every record with you:`,
      `  1. BASE44_API_KEY=<your API key> npx ownit dump --from base44 --project ${dir} --out ${dir}/${EXPORT_DIR} --files`,
      ...restore,
      color.dim("  users keep their accounts but set a new password: Base44 cannot export password hashes"),
    ];
  }
  if (p.supabase.used) return supabaseDataSteps(p, host ?? detectDataHost(p), dir, restore);
  return [];
}

/** Where a Supabase app's data lives, the evidence, and the steps that fit: never a dashboard the owner does not have. */
export function formatDataHost(host: DataHost): string[] {
  const lines = [`${color.bold("data")}        ${DATA_HOST_LABEL[host.kind]} ${color.dim(`(${host.evidence.join("; ")})`)}`];
  if (host.question)
    lines.push(
      color.yellow(`  ? ${host.question.text} (answer with --data-host ${host.question.yes} or --data-host ${host.question.no})`),
    );
  return lines;
}

const DATA_HOST_LABEL: Record<DataHost["kind"], string> = {
  "own-supabase": "your own Supabase project",
  "lovable-cloud": "Lovable Cloud (a Supabase project in Lovable's organisation)",
  "bolt-database": "Bolt Database, not claimed (a Supabase project in Bolt's organisation)",
  "bolt-database-claimed": "Bolt Database, claimed into your own Supabase account",
  unknown: "unknown",
};

function supabaseDataSteps(p: ProjectFacts, host: DataHost, dir: string, restore: string[]): string[] {
  const ref = p.supabase.projectRefs[0];
  const where = ref ? `Supabase project ${p.supabase.projectRefs.join(", ")}` : "a hosted Supabase project";
  const direct = `  1. npx ownit dump --from '<connection string: Supabase dashboard → Connect → Session pooler, port 5432>' --out ${dir}/${EXPORT_DIR}`;
  if (host.kind === "own-supabase" || host.kind === "bolt-database-claimed") {
    return [
      color.bold("your data") +
        `  lives in ${where}${host.kind === "bolt-database-claimed" ? " (claimed from Bolt)" : ""}; take it with you (tables, auth users with their passwords, RLS):`,
      direct,
      ...restore,
      ...formatDataHost(host),
    ];
  }
  const url = `https://${ref ?? "<project-ref>"}.supabase.co/functions/v1/${HELPER_FUNCTION_NAME}`;
  const helper = [
    `  1. npx ownit helper ${dir}   (writes a one-shot export function as a run; shows its secret once)`,
    `     ${host.kind === "bolt-database" ? "let Bolt deploy it (push the commit, ask Bolt to deploy the function)" : "push it to the repository Lovable syncs, so Lovable deploys it"}, then:`,
    `     ${HELPER_SECRET_ENV}=<that secret> npx ownit dump --via ${url} --out ${dir}/${EXPORT_DIR} --with-secrets`,
    ...restore,
  ];
  if (host.kind === "lovable-cloud") {
    return [
      color.bold("your data") +
        `  lives in Lovable Cloud (${where} in Lovable's organisation): there is no database password or Supabase dashboard for you, so a helper function brings it out (tables, auth users with their passwords, Storage files, your functions' secrets):`,
      ...helper,
      color.yellow(
        `  ! do not press "Remove Lovable Cloud" before verify passes: it deletes the instance and every export stored in it`,
      ),
      color.dim("  Lovable's own Cloud export is capped at 5 GB, once every 24 h; the helper has no such cap"),
      ...formatDataHost(host),
    ];
  }
  if (host.kind === "bolt-database") {
    return [
      color.bold("your data") +
        `  lives in Bolt Database (${where} in Bolt's organisation, not claimed): there is no database password for you, so a helper function brings it out:`,
      ...helper,
      color.dim(
        "  or claim the database into your own Supabase account in Bolt's database settings, then dump it with a connection string",
      ),
      ...formatDataHost(host),
    ];
  }
  return [
    color.bold("your data") + `  lives in ${where}, and ownit cannot tell whose account holds it:`,
    `  with its connection string: ${direct.trim().slice(3)}`,
    `  without one:`,
    ...helper,
    ...formatDataHost(host),
  ];
}
