// Adding dependencies a codemod's new code needs (nodemailer for owned email, say) to package.json
// and to package-lock.json, so `npm ci` still works after the migration. npm re-resolves the lock
// (edit/package-lock.ts), asking the registry for the new packages' versions; removals are pruned
// offline by the runner (lock-sync.ts).
import { finding, LOCK_FILES, type StepContext } from "@ownit/core";
import { editJson, hasDependency, parseJson } from "./json";
import { npmLock, npmLockInput } from "./package-lock";

const NPM_LOCK = "package-lock.json";

export interface NewDependencies {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
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
      const resolved = await npmLock(npmLockInput(ctx.files, NPM_LOCK, packageJson), "add");
      if ("text" in resolved) ctx.files.write(NPM_LOCK, resolved.text);
      else {
        // Offline (or a registry that will not answer): the code and package.json still move on;
        // the owner learns which packages the lock lacks and the one command that adds them.
        const wantedVersions = added
          .map((name) => `${name}@${wanted.dependencies?.[name] ?? wanted.devDependencies?.[name]}`)
          .join(", ");
        ctx.report(
          finding({
            severity: "medium",
            code: "lock-file-not-updated",
            file: NPM_LOCK,
            message: `${NPM_LOCK} could not be updated with ${wantedVersions}: ${resolved.error}`,
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
