// Which package manager a project uses, and whether its lock files agree with package.json.
import { existsSync } from "node:fs";
import path from "node:path";
import { LOCK_FILES } from "../markers";
import { readText } from "../files";
import type { PackageJson, PackageManagerFacts, PackageManagerName } from "./types";

export function detectPackageManager(root: string, pkg: PackageJson | undefined): PackageManagerFacts {
  const lockFiles = Object.keys(LOCK_FILES).filter((f) => existsSync(path.join(root, f)));
  const managers = new Set(lockFiles.map((f) => LOCK_FILES[f as keyof typeof LOCK_FILES]));
  const evidence: string[] = [];
  const deps = Object.keys({ ...(pkg?.dependencies ?? {}), ...(pkg?.devDependencies ?? {}) });

  const stale = lockFiles.filter((lock) => {
    const missing = missingFromLock(root, lock, deps);
    if (missing === undefined) return false; // binary lock: cannot tell
    if (missing.length)
      evidence.push(
        `${lock} lacks ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ` and ${missing.length - 3} more` : ""}`,
      );
    return missing.length > 0;
  });

  let name: PackageManagerName = "unknown";
  let authoritative: string | undefined;
  const declared = pkg?.packageManager?.split("@")[0];
  if (declared && ["npm", "pnpm", "yarn", "bun"].includes(declared)) {
    name = declared as PackageManagerName;
    evidence.push(`package.json packageManager: ${pkg!.packageManager}`);
    authoritative = lockFiles.find((f) => LOCK_FILES[f as keyof typeof LOCK_FILES] === name);
  } else {
    // Prefer a lock that is known to be in sync; a binary bun.lockb cannot be checked.
    const fresh = lockFiles.filter((f) => !stale.includes(f));
    const checkable = fresh.filter((f) => f !== "bun.lockb");
    authoritative = checkable[0] ?? fresh[0] ?? lockFiles[0];
    if (authoritative) {
      name = LOCK_FILES[authoritative as keyof typeof LOCK_FILES];
      evidence.push(`lock file ${authoritative}`);
    } else if (pkg) {
      name = "npm";
      evidence.push("no lock file: npm assumed");
    }
  }
  return { name, lockFiles, authoritative, stale, competing: managers.size > 1, evidence };
}

/** Dependencies that a lock file does not mention; undefined when the lock cannot be read as text. */
function missingFromLock(root: string, lock: string, deps: string[]): string[] | undefined {
  if (lock === "bun.lockb") return undefined;
  const text = readText(root, lock);
  if (text === undefined) return undefined;
  if (lock === "package-lock.json" || lock === "npm-shrinkwrap.json") {
    try {
      const parsed = JSON.parse(text) as { packages?: Record<string, unknown>; dependencies?: Record<string, unknown> };
      const has = (d: string) => Boolean(parsed.packages?.[`node_modules/${d}`] ?? parsed.dependencies?.[d]);
      return deps.filter((d) => !has(d));
    } catch {
      return deps;
    }
  }
  // yarn.lock, pnpm-lock.yaml and bun.lock name each package in a quoted or plain key.
  return deps.filter((d) => !text.includes(d));
}
