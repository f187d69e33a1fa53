// After a sync merged the builder's package.json and lock files into the owned branch, the npm lock
// is brought in line with the package.json the codemods leave: what they dropped is pruned from it
// (as migrate does), and a dependency package.json lists that the lock lacks is reported with the
// command that resolves it (resolving needs the registry, which a plan never calls).
import { finding, type Step } from "@ownit/core";
import { namesMissingFromLock, NPM_LOCKS, prunedNpmLock } from "./edit/package-lock";
import { LOCK_NOT_SYNCED } from "./lock-sync";

export function lockRefreshStep(): Step {
  return {
    id: "lock:refresh",
    title: "npm lock file in line with package.json",
    kind: "cleanup",
    async plan(ctx) {
      const packageJson = ctx.files.read("package.json");
      if (packageJson === undefined) return;
      for (const lock of NPM_LOCKS) {
        const text = ctx.files.read(lock);
        if (text === undefined) continue;
        const synced = await prunedNpmLock({ lockName: lock, lock: text, packageJson, npmrc: ctx.files.read(".npmrc") });
        if ("error" in synced) {
          ctx.report(
            finding({
              severity: "medium",
              code: LOCK_NOT_SYNCED,
              file: lock,
              message: `${lock} could not be checked against package.json: ${synced.error}`,
              hint: "run `npm install --package-lock-only` to refresh it before `npm ci`",
            }),
          );
          continue;
        }
        if (synced.text !== text) ctx.files.write(lock, synced.text);
        const missing = namesMissingFromLock(synced.text, packageJson);
        if (missing.length) {
          ctx.report(
            finding({
              severity: "medium",
              code: LOCK_NOT_SYNCED,
              file: lock,
              message: `${lock} lacks ${missing.join(", ")}, which package.json lists`,
              hint: "run `npm install --package-lock-only` to resolve them before `npm ci`",
            }),
          );
        }
      }
    },
  };
}
