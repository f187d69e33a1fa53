// The facts detection learns about an exported project; every later stage reads these.
import type { Finding } from "../findings";

export type BuilderId = "lovable-vite" | "lovable-tanstack" | "bolt" | "base44" | "unknown";
export type FrameworkId = "vite-react" | "tanstack-start" | "next" | "expo" | "remix" | "unknown";
export type PackageManagerName = "npm" | "pnpm" | "yarn" | "bun" | "unknown";

export interface PackageJson {
  name?: string;
  version?: string;
  packageManager?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

export interface PackageManagerFacts {
  name: PackageManagerName;
  lockFiles: string[];
  /** The lock file the install should trust, if one can be named. */
  authoritative?: string;
  /** Lock files that do not list every dependency in package.json. */
  stale: string[];
  /** More than one package manager's lock file is present. */
  competing: boolean;
  evidence: string[];
}

export interface SupabaseFacts {
  used: boolean;
  clientFiles: string[];
  envVars: string[];
  migrations: string[];
  functions: string[];
  projectRefs: string[];
  configFile?: string;
}

export interface Base44Facts {
  used: boolean;
  sdkVersion?: string;
  layout?: "A" | "B" | "C";
  clientFiles: string[];
  entityNames: string[];
  schemaFiles: string[];
  functions: string[];
  appId?: string;
}

export interface EnvVarUse {
  name: string;
  /** Files that read it (or declare it, for .env files). */
  files: string[];
  /** Its name makes a bundler inline it into browser code. */
  browserExposed: boolean;
}

export interface ProjectFacts {
  /** Absolute path of the project (inside project/ when the export was nested). */
  root: string;
  /** Set when the export was nested one level down (a ZIP with everything under project/). */
  nestedIn?: string;
  builder: { id: BuilderId; evidence: string[] };
  framework: { id: FrameworkId; evidence: string[] };
  packageJson?: PackageJson;
  packageManager: PackageManagerFacts;
  supabase: SupabaseFacts;
  base44: Base44Facts;
  envVars: EnvVarUse[];
  isGitRepo: boolean;
  findings: Finding[];
}
