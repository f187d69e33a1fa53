// After a codemod edits package.json, the lock files must agree with it or `npm ci` refuses the
// project. npm prunes its own lock (edit/package-lock.ts); the locks of other managers (the binary
// bun.lockb, yarn, pnpm, bun.lock) are reported with what to run instead.
import { finding, LOCK_FILES, type StepContext } from "@ownit/core";
import { DEPENDENCY_SECTIONS, parseJson } from "./edit/json";
import { NPM_LOCKS, npmLockInput, prunedNpmLock, type NpmLockFile } from "./edit/package-lock";

/** Finding codes about lock files a codemod left out of step. */
export const LOCK_NOT_SYNCED = "lock-file-not-synced";

function dependencyNames(packageJson: string | undefined): Set<string> {
  const pkg = packageJson === undefined ? undefined : parseJson<Record<string, Record<string, string> | undefined>>(packageJson);
  const names = new Set<string>();
  for (const section of DEPENDENCY_SECTIONS) for (const name of Object.keys(pkg?.[section] ?? {})) names.add(name);
  return names;
}

/** The command that refreshes a lock file of this kind. */
function refreshCommand(lock: string): string {
  return `${LOCK_FILES[lock as keyof typeof LOCK_FILES]} install`;
}

/** Brings lock files in line with the dependencies package.json lost since `packageJsonBefore`. */
export async function syncLockFiles(ctx: StepContext, packageJsonBefore: string | undefined): Promise<void> {
  const packageJson = ctx.files.read("package.json");
  if (packageJson === undefined || packageJson === packageJsonBefore) return;
  const now = dependencyNames(packageJson);
  const gone = [...dependencyNames(packageJsonBefore)].filter((name) => !now.has(name));
  if (!gone.length) return;
  const names = gone.join(", ");

  for (const lock of Object.keys(LOCK_FILES)) {
    if (!ctx.files.exists(lock)) continue;
    // --prune-locks deletes every lock but the authoritative one: nothing to say about those.
    if (ctx.options.pruneLocks && lock !== ctx.project.packageManager.authoritative) continue;
    if ((NPM_LOCKS as readonly string[]).includes(lock)) {
      const synced = await prunedNpmLock(npmLockInput(ctx.files, lock as NpmLockFile, packageJson));
      if ("text" in synced) {
        ctx.files.write(lock, synced.text);
        continue;
      }
      ctx.report(
        finding({
          severity: "medium",
          code: LOCK_NOT_SYNCED,
          file: lock,
          message: `${lock} still lists ${names}, which package.json no longer does: ${synced.error}`,
          hint: `run \`${refreshCommand(lock)}\` to refresh it before \`npm ci\``,
        }),
      );
      continue;
    }
    const binary = lock === "bun.lockb";
    ctx.report(
      finding({
        severity: "low",
        code: LOCK_NOT_SYNCED,
        file: lock,
        message: `${lock} still lists ${names}, which package.json no longer does${binary ? " (a binary lock file cannot be edited)" : ""}`,
        hint: `run \`${refreshCommand(lock)}\` to refresh it, or delete it if another lock file is the one you install from (\`--prune-locks\`)`,
      }),
    );
  }
}
