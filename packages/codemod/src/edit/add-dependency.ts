// Adding dependencies a codemod's new code needs (nodemailer for owned email, say) to package.json
// and to package-lock.json, so `npm ci` still works after the migration. The lock is re-resolved by
// npm itself (`--package-lock-only`: no node_modules, no install scripts) in a scratch folder
// holding copies of package.json and the lock as the plan sees them: that asks the registry for the
// new packages' versions. The project changes only through the Changeset. Removals need none of
// this: the runner prunes the lock offline (lock-sync.ts).
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { finding, LOCK_FILES, OwnitError, type StepContext } from "@ownit/core";
import { editJson, hasDependency, parseJson } from "./json";
import { RESOLVED_BEFORE } from "./tested-versions";

const run = promisify(execFile);

const NPM_LOCK = "package-lock.json";

/** npm asking the registry takes seconds; a stuck network must not hang a plan for ever. */
const NPM_TIMEOUT_MS = 180_000;

// `--before` makes the lock independent of what the registry publishes after this release.
const NPM_ARGS = [
  "install",
  "--package-lock-only",
  "--ignore-scripts",
  "--no-audit",
  "--no-fund",
  "--prefer-offline",
  `--before=${RESOLVED_BEFORE}`,
];

export interface NewDependencies {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function npmErrorLine(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /^npm error (?!A complete log)/.test(l))?.replace(/^npm error\s*/, "") ?? lines.at(-1) ?? "npm failed";
}

/** package-lock.json as npm resolves it for this package.json (throws a clear OwnitError when npm cannot). */
async function resolveNpmLock(ctx: StepContext, packageJson: string, why: string): Promise<string> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "ownit-lock-"));
  try {
    writeFileSync(path.join(scratch, "package.json"), packageJson);
    writeFileSync(path.join(scratch, NPM_LOCK), ctx.files.read(NPM_LOCK)!);
    const npmrc = ctx.files.read(".npmrc");
    if (npmrc !== undefined) writeFileSync(path.join(scratch, ".npmrc"), npmrc);
    try {
      await run("npm", NPM_ARGS, { cwd: scratch, timeout: NPM_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const e = error as { stderr?: string; message?: string; killed?: boolean };
      const reason = e.killed ? `no answer within ${NPM_TIMEOUT_MS / 1000} s` : npmErrorLine(e.stderr ?? e.message ?? "");
      throw new OwnitError(
        "lock-update-failed",
        `npm could not add ${why} to ${NPM_LOCK}: ${reason}`,
        "check that the npm registry is reachable (new packages need their versions from it), then run ownit again",
        { cause: error },
      );
    }
    return readFileSync(path.join(scratch, NPM_LOCK), "utf8");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Adds each package package.json does not list yet (a listed one keeps the owner's range), then
 * brings package-lock.json along. Returns the names added. Other managers' locks, and an npm lock
 * npm could not resolve (offline), get a finding naming what they lack.
 */
export async function addDependencies(ctx: StepContext, wanted: NewDependencies): Promise<string[]> {
  let packageJson = ctx.files.read("package.json");
  if (packageJson === undefined || !parseJson(packageJson)) return [];
  const added: string[] = [];
  for (const section of ["dependencies", "devDependencies"] as const) {
    const current = parseJson<Record<string, Record<string, string> | undefined>>(packageJson)?.[section] ?? {};
    const fresh = Object.entries(wanted[section] ?? {}).filter(([name]) => !hasDependency(packageJson, name));
    if (!fresh.length) continue;
    added.push(...fresh.map(([name]) => name));
    const names = Object.keys(current);
    const sorted = names.every((name, i) => i === 0 || names[i - 1]!.localeCompare(name) <= 0);
    // npm keeps these sections sorted; a section the owner keeps in another order gets the new names at its end.
    const merged = { ...current, ...Object.fromEntries(fresh) };
    const ordered = sorted ? Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b))) : merged;
    packageJson = editJson(packageJson, [section], ordered);
  }
  if (!added.length) return [];
  const why = added.join(", ");
  if (ctx.files.exists(NPM_LOCK)) {
    const pkg = parseJson<{ workspaces?: unknown }>(packageJson);
    if (pkg?.workspaces) {
      ctx.report(
        finding({
          severity: "medium",
          code: "lock-file-not-updated",
          file: NPM_LOCK,
          message: `package.json gained ${why} but ${NPM_LOCK} (npm workspaces) was not updated`,
          hint: "run `npm install` at the workspace root and commit package-lock.json",
        }),
      );
    } else {
      try {
        ctx.files.write(NPM_LOCK, await resolveNpmLock(ctx, packageJson, why));
      } catch (error) {
        // Offline (or a registry that will not answer): the code and package.json still move on;
        // the owner learns which packages the lock lacks and the one command that adds them.
        if (!(error instanceof OwnitError) || error.code !== "lock-update-failed") throw error;
        const wantedVersions = added
          .map((name) => `${name}@${wanted.dependencies?.[name] ?? wanted.devDependencies?.[name]}`)
          .join(", ");
        ctx.report(
          finding({
            severity: "medium",
            code: "lock-file-not-updated",
            file: NPM_LOCK,
            message: `${NPM_LOCK} could not be updated with ${wantedVersions}: ${error.message.replace(/^npm could not add [^:]+: /, "")}`,
            hint: "run `npm install` once the npm registry is reachable, and commit package-lock.json (package.json already lists them)",
          }),
        );
      }
    }
  }
  // Other package managers' locks: each refreshed by `<manager> install`.
  for (const [lock, manager] of Object.entries(LOCK_FILES)) {
    if (manager === "npm" || !ctx.files.exists(lock)) continue;
    ctx.report(
      finding({
        severity: "medium",
        code: "lock-file-not-updated",
        file: lock,
        message: `package.json gained ${why} but ${lock} was not updated`,
        hint: `run \`${manager} install\` and commit ${lock}`,
      }),
    );
  }
  ctx.files.write("package.json", packageJson);
  return added;
}
