// Where the app's database lives, which decides how its data gets out: the owner's own Supabase
// project (a connection string works), Lovable Cloud or an unclaimed Bolt Database (a Supabase
// project in the builder's organisation: no password, no dashboard, so the export helper), or
// unknown. Code cannot prove who owns a Supabase organisation, so this weighs signals, says which,
// and asks one question where they are missing or disagree.
import { listProjectFiles, readText } from "../files";
import { LOVABLE } from "../markers";
import type { ProjectFacts } from "./types";

export type DataHostKind = "own-supabase" | "lovable-cloud" | "bolt-database" | "bolt-database-claimed" | "unknown";

export const DATA_HOST_KINDS: readonly DataHostKind[] = [
  "own-supabase",
  "lovable-cloud",
  "bolt-database",
  "bolt-database-claimed",
  "unknown",
];

/** Lovable Cloud became the default backend of new Lovable projects on this day; Supabase projects older than it are the owner's own. */
export const LOVABLE_CLOUD_SINCE = "2025-09-29";
/** Bolt Database became the default of new Bolt projects on this day (support.bolt.new, "Projects … prior to September 30, 2025"). */
export const BOLT_DATABASE_SINCE = "2025-09-30";
/** The secret Lovable Cloud provisions for its AI gateway: functions reading it run on Cloud. */
const LOVABLE_CLOUD_SECRET = "LOVABLE_API_KEY";
/** Lovable Cloud's OAuth broker package. */
const LOVABLE_CLOUD_AUTH_PACKAGE = "@lovable.dev/cloud-auth-js";

export interface DataHostQuestion {
  text: string;
  yes: DataHostKind;
  no: DataHostKind;
}

export interface DataHost {
  kind: DataHostKind;
  /** What the guess rests on, one phrase each. */
  evidence: string[];
  /** Set when the signals are missing or disagree: one question decides. */
  question?: DataHostQuestion;
}

/** The day of the oldest migration (supabase/migrations/<YYYYMMDDhhmmss>_*.sql), as YYYY-MM-DD. */
function firstMigrationDay(project: ProjectFacts): string | undefined {
  const days = project.supabase.migrations
    .map((f) => /(?:^|\/)(\d{4})(\d{2})(\d{2})\d{6}_[^/]*\.sql$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}-${m[2]}-${m[3]}`)
    .sort();
  return days[0];
}

function functionsRead(project: ProjectFacts, name: string): boolean {
  return listProjectFiles(project.root, { patterns: ["supabase/functions/**/*.{ts,js}"] }).some((f) =>
    readText(project.root, f)?.includes(name),
  );
}

/** Whether the generated Supabase client names a project URL in code (the pre-Cloud integration, or a switch by hand) rather than only reading env. */
function clientHardCodesUrl(project: ProjectFacts): boolean | undefined {
  const text = readText(project.root, LOVABLE.supabaseClientFile);
  if (text === undefined) return undefined;
  // A constant or an env fallback: the Cloud-generated client names no project in code (seen in real exports).
  return /["'`]https:\/\/[a-z0-9]{20}\.supabase\.co/.test(text);
}

const OWN_QUESTION_LOVABLE: DataHostQuestion = {
  text: "Can you open this project's database in your own account at supabase.com/dashboard?",
  yes: "own-supabase",
  no: "lovable-cloud",
};

const CLAIMED_QUESTION_BOLT: DataHostQuestion = {
  text: "Is this project's database in your own Supabase account (you connected your own project, or claimed the Bolt Database in Supabase)?",
  yes: "bolt-database-claimed",
  no: "bolt-database",
};

export function detectDataHost(project: ProjectFacts, answer?: DataHostKind): DataHost {
  if (!project.supabase.used) return { kind: "unknown", evidence: ["the code uses no Supabase project"] };
  const day = firstMigrationDay(project);
  const deps = { ...(project.packageJson?.dependencies ?? {}), ...(project.packageJson?.devDependencies ?? {}) };
  const builder = project.builder.id;
  if (answer) return { kind: answer, evidence: ["your answer (--data-host)"] };
  if (builder === "lovable-vite" || builder === "lovable-tanstack") {
    const cloud: string[] = [];
    const own: string[] = [];
    if (functionsRead(project, LOVABLE_CLOUD_SECRET))
      cloud.push(`an edge function reads ${LOVABLE_CLOUD_SECRET}, which Lovable Cloud provisions`);
    if (deps[LOVABLE_CLOUD_AUTH_PACKAGE])
      cloud.push(`${LOVABLE_CLOUD_AUTH_PACKAGE} (Lovable Cloud's sign-in broker) is a dependency`);
    if (day && day >= LOVABLE_CLOUD_SINCE)
      cloud.push(`the first migration (${day}) is from after Lovable Cloud became the default (${LOVABLE_CLOUD_SINCE})`);
    if (day && day < LOVABLE_CLOUD_SINCE)
      own.push(
        `the first migration (${day}) predates Lovable Cloud (${LOVABLE_CLOUD_SINCE}), when projects connected the owner's own Supabase`,
      );
    const hardCoded = clientHardCodesUrl(project);
    if (hardCoded === true)
      own.push(
        `${LOVABLE.supabaseClientFile} names a project URL in code, as Lovable's connect-your-own-Supabase integration (or a hand switch to your own project) wrote it`,
      );
    if (hardCoded === false && builder === "lovable-vite")
      cloud.push(`${LOVABLE.supabaseClientFile} reads the project from env, as Lovable Cloud projects do`);
    if (cloud.length && !own.length) return { kind: "lovable-cloud", evidence: cloud };
    if (own.length && !cloud.length) return { kind: "own-supabase", evidence: own };
    return {
      kind: cloud.length >= own.length ? "lovable-cloud" : "own-supabase",
      evidence: [...cloud, ...own],
      question: OWN_QUESTION_LOVABLE,
    };
  }
  if (builder === "bolt") {
    if (day && day < BOLT_DATABASE_SINCE)
      return {
        kind: "own-supabase",
        evidence: [
          `the first migration (${day}) predates Bolt Database (${BOLT_DATABASE_SINCE}), when Bolt projects used the owner's own Supabase`,
        ],
      };
    return {
      kind: "bolt-database",
      evidence: [
        day
          ? `the first migration (${day}) is from after Bolt Database became the default (${BOLT_DATABASE_SINCE})`
          : "no dated migration says when the database was made",
      ],
      question: CLAIMED_QUESTION_BOLT,
    };
  }
  return {
    kind: "own-supabase",
    evidence: ["a Supabase project not made by Lovable or Bolt"],
    question: {
      text: "Is this Supabase project in your own account at supabase.com/dashboard?",
      yes: "own-supabase",
      no: "unknown",
    },
  };
}
