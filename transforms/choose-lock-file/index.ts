// choose-lock-file: Lovable projects carry a bun.lockb (Lovable installs with bun) beside a
// package-lock.json that may be stale; two lock files mean two installs can resolve different
// versions. This names the one to install from (detection's choice: a declared packageManager, else
// a lock that lists every dependency, preferring one that can be checked over the binary bun.lockb)
// and, only with --prune-locks, deletes the others.
import { finding, LOCK_FILES, type ProjectFacts } from "@ownit/core";
import type { Codemod } from "@ownit/codemod";

/** Why detection trusts this lock file, in words. */
function reason(project: ProjectFacts, chosen: string, others: string[]): string {
  const declared = project.packageJson?.packageManager;
  if (declared && LOCK_FILES[chosen as keyof typeof LOCK_FILES] === declared.split("@")[0])
    return `package.json declares packageManager ${declared}`;
  const stale = others.filter((l) => project.packageManager.stale.includes(l));
  if (stale.length) return `${stale.join(", ")} ${stale.length === 1 ? "does" : "do"} not list every dependency`;
  if (others.includes("bun.lockb")) return "it lists every dependency in package.json; bun.lockb is binary and cannot be checked";
  return "it lists every dependency in package.json";
}

const codemod: Codemod = {
  name: "choose-lock-file",
  description: "name the lock file installs should trust when there are several; delete the others with --prune-locks",
  builders: ["any"],
  kind: "cleanup",
  files: [],
  appliesTo: (project) => project.packageManager.lockFiles.length > 1,
  project(ctx) {
    const present = Object.keys(LOCK_FILES).filter((l) => ctx.files.exists(l));
    if (present.length < 2) return;
    const chosen =
      ctx.project.packageManager.authoritative && present.includes(ctx.project.packageManager.authoritative)
        ? ctx.project.packageManager.authoritative
        : present[0]!;
    const others = present.filter((l) => l !== chosen);
    const why = reason(ctx.project, chosen, others);
    if (ctx.options.pruneLocks) {
      for (const lock of others) ctx.files.remove(lock);
      ctx.report(
        finding({
          severity: "info",
          code: "lock-files-pruned",
          file: chosen,
          message: `removed ${others.join(", ")}: ${chosen} is the lock file installs use (${why})`,
        }),
      );
      return;
    }
    ctx.report(
      finding({
        severity: "low",
        code: "lock-file-choice",
        file: chosen,
        message: `${chosen} is the lock file to install from (${why}); ${others.join(", ")} ${others.length === 1 ? "is" : "are"} left beside it`,
        hint: "delete the other lock file(s) with `npx ownit migrate --prune-locks` (or `npx ownit transform choose-lock-file --prune-locks`) so every install resolves the same versions",
      }),
    );
  },
};

export default codemod;
