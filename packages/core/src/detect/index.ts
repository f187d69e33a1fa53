// detectProject: what an exported project is, built from small single-purpose detectors.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { OwnitError } from "../errors";
import { readJson } from "../files";
import { sortFindings, finding } from "../findings";
import { isGitRepo } from "../git";
import { detectBuilder } from "./builder";
import { detectFramework } from "./framework";
import { detectPackageManager } from "./package-manager";
import { detectBase44, detectSupabase } from "./platforms";
import { scanProject } from "./scan";
import type { PackageJson, ProjectFacts } from "./types";

export type * from "./types";
export { isBrowserExposed, isSecretName } from "./scan";
export * from "./data-host";

/** Finds the project root: the dir itself, or the one folder inside it that holds package.json (ZIP exports nest under project/). */
export function resolveProjectRoot(dir: string): { root: string; nestedIn?: string } {
  const abs = path.resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new OwnitError(
      "project-not-found",
      `${dir} is not a folder`,
      "pass the folder of the exported project, e.g. `npx ownit detect ./my-app`",
    );
  }
  if (existsSync(path.join(abs, "package.json"))) return { root: abs };
  const children = readdirSync(abs, { withFileTypes: true }).filter(
    (e) => e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules",
  );
  const withPackage = children.filter((c) => existsSync(path.join(abs, c.name, "package.json")));
  const preferred = withPackage.find((c) => c.name === "project") ?? (withPackage.length === 1 ? withPackage[0] : undefined);
  if (preferred) return { root: path.join(abs, preferred.name), nestedIn: preferred.name };
  throw new OwnitError(
    "no-package-json",
    `${path.join(dir, "package.json")} not found`,
    "run ownit in the exported project's folder (the one with package.json)",
  );
}

export function detectProject(dir: string): ProjectFacts {
  const { root, nestedIn } = resolveProjectRoot(dir);
  const pkg = readJson<PackageJson>(root, "package.json");
  if (!pkg)
    throw new OwnitError(
      "bad-package-json",
      `${path.join(root, "package.json")} is not valid JSON`,
      "fix the syntax error, then run again",
    );
  const scan = scanProject(root);
  const packageManager = detectPackageManager(root, pkg);
  const findings = [...scan.findings];
  if (packageManager.competing) {
    findings.push(
      finding({
        severity: "low",
        code: "competing-lock-files",
        message: `several lock files (${packageManager.lockFiles.join(", ")}); ${packageManager.authoritative ?? "none"} looks authoritative`,
        hint: "keep one lock file so every install resolves the same versions",
      }),
    );
  }
  for (const lock of packageManager.stale) {
    findings.push(
      finding({
        severity: "low",
        code: "stale-lock-file",
        file: lock,
        message: `${lock} does not list every dependency in package.json`,
        hint: "reinstall with the project's package manager to refresh it",
      }),
    );
  }
  return {
    root,
    nestedIn,
    builder: detectBuilder(root, pkg),
    framework: detectFramework(root, pkg),
    packageJson: pkg,
    packageManager,
    supabase: detectSupabase(root, pkg, scan.envVars, scan.supabaseRefs),
    base44: detectBase44(root, pkg),
    envVars: scan.envVars,
    isGitRepo: isGitRepo(root),
    findings: sortFindings(findings),
  };
}
