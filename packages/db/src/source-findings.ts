// Findings read from the source's catalog (things pg_dump of the app schemas does not show):
// pg_cron jobs with the SQL to recreate them, functions calling pg_net with hard-coded project
// URLs and keys, tables published to Realtime, auth rows left behind (sessions, refresh tokens,
// MFA factors), and extensions the target will need. Secrets are redacted by finding().
import type pg from "pg";
import { finding, type Finding } from "@ownit/core";
import { existingTables, rowCounts } from "./catalog";
import type { ExtensionEntry } from "./export-format";
import { describeCallout } from "./portable-schema";
import { quoteLiteral } from "./sql";
import {
  CARRIED_AUTH_TABLES,
  CONTRIB_EXTENSIONS,
  DROPPED_AUTH_TABLES,
  isCarriedExtension,
  PG_NET_CALL,
  REALTIME_PUBLICATIONS,
  SUPABASE_ONLY_EXTENSIONS,
} from "./supabase-objects";

function dollarQuote(sql: string): string {
  let tag = "$$";
  for (let i = 0; sql.includes(tag); i++) tag = `$job${i || ""}$`;
  return `${tag}${sql}${tag}`;
}

function callout(sql: string): string {
  const { urls, hasJwt } = describeCallout(sql);
  const parts = [];
  if (urls.length) parts.push(`calls ${urls.join(", ")}`);
  if (hasJwt) parts.push("with a JWT pasted in");
  return parts.length ? ` (${parts.join(" ")})` : "";
}

/** pg_cron jobs, each with the cron.schedule call that recreates it (the key redacted). */
async function cronJobs(client: pg.Client): Promise<Finding[]> {
  if (!(await existingTables(client, [{ schema: "cron", name: "job" }])).length) return [];
  const { rows } = await client.query<{ jobname: string | null; schedule: string; command: string; active: boolean }>(
    "select jobname, schedule, command, active from cron.job order by jobid",
  );
  return rows.map((job) => {
    const name = job.jobname ?? "(unnamed)";
    const calls = PG_NET_CALL.test(job.command);
    const command = job.command.trim().replace(/\s+/g, " ");
    return finding({
      severity: calls ? "high" : "medium",
      code: "pg-cron-job",
      message: `pg_cron job ${name} (${job.schedule}${job.active ? "" : ", inactive"})${callout(job.command)} was not carried: stock PostgreSQL has no scheduler`,
      hint: `recreate it where pg_cron runs${calls ? ", pointing at your own endpoint with a new key" : ""}: SELECT cron.schedule(${quoteLiteral(name)}, ${quoteLiteral(job.schedule)}, ${dollarQuote(command)});`,
    });
  });
}

/** App functions calling pg_net: kept, but they fail on a server without it. */
async function pgNetCallers(client: pg.Client, schemas: string[]): Promise<Finding[]> {
  const { rows } = await client.query<{ fn: string; src: string; triggers: string[] }>(
    `select format('%s.%s(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) as fn, p.prosrc as src,
            array(select format('%s on %s.%s', t.tgname, tn.nspname, tc.relname) from pg_trigger t
                    join pg_class tc on tc.oid = t.tgrelid join pg_namespace tn on tn.oid = tc.relnamespace
                   where t.tgfoid = p.oid and not t.tgisinternal order by 1) as triggers
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = any($1::text[]) and p.prosrc ~* 'net\\s*\\.\\s*http_(get|post|delete)\\s*\\('
      order by 1`,
    [schemas],
  );
  return rows.map((r) =>
    finding({
      severity: "high",
      code: "pg-net-call",
      message: `function ${r.fn}${r.triggers.length ? ` (trigger ${r.triggers.join(", ")})` : ""} calls pg_net${callout(r.src)}: it fails on a server without pg_net`,
      hint: "move the call into your app or a job runner with the URL and key from the environment, or install pg_net on the new server",
    }),
  );
}

async function realtimeTables(client: pg.Client): Promise<Finding[]> {
  const { rows } = await client.query<{ t: string }>(
    "select format('%s.%s', schemaname, tablename) as t from pg_publication_tables where pubname = any($1::text[]) order by 1",
    [REALTIME_PUBLICATIONS],
  );
  if (!rows.length) return [];
  return [
    finding({
      severity: "info",
      code: "realtime-table",
      message: `${rows.map((r) => r.t).join(", ")} ${rows.length === 1 ? "is" : "are"} published to Supabase Realtime: restore carries the publication and its tables to the target`,
      hint: "live updates need a Realtime server reading the target (docker-compose runs one, on a db with wal_level = logical and wal2json)",
    }),
  ];
}

async function eventTriggers(client: pg.Client): Promise<Finding[]> {
  const { rows } = await client.query<{ evtname: string }>("select evtname from pg_event_trigger order by 1");
  if (!rows.length) return [];
  return [
    finding({
      severity: "info",
      code: "event-trigger-dropped",
      message: `event trigger(s) ${rows.map((r) => r.evtname).join(", ")} were not carried: Supabase's platform uses them`,
      hint: "nothing to do unless you wrote one yourself",
    }),
  ];
}

/** auth rows that stay behind: sessions and refresh tokens (on purpose), and any other auth table with rows. */
async function authLeftBehind(client: pg.Client): Promise<Finding[]> {
  const { rows } = await client.query<{ name: string }>(
    "select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'auth' and c.relkind = 'r' order by 1",
  );
  const carried = new Set(CARRIED_AUTH_TABLES.map((t) => t.name));
  const counts = await rowCounts(
    client,
    rows.filter((r) => !carried.has(r.name) && r.name !== "schema_migrations").map((r) => ({ schema: "auth", name: r.name })),
  );
  const findings: Finding[] = [];
  const dropped = Object.keys(DROPPED_AUTH_TABLES).filter((t) => (counts.get(`auth.${t}`) ?? 0) > 0);
  if (dropped.length) {
    findings.push(
      finding({
        severity: "medium",
        code: "auth-sessions-dropped",
        message: `${dropped.map((t) => `${counts.get(`auth.${t}`)} ${t.replace("_", " ")}`).join(" and ")} were not carried: ${DROPPED_AUTH_TABLES[dropped[0]!]}`,
        hint: "expected: users keep their accounts and passwords and sign in once more",
      }),
    );
  }
  const others = [...counts].filter(([t, n]) => n > 0 && !Object.keys(DROPPED_AUTH_TABLES).includes(t.slice("auth.".length)));
  if (others.length) {
    findings.push(
      finding({
        severity: "low",
        code: "auth-tables-not-carried",
        message: `auth tables with rows not carried: ${others.map(([t, n]) => `${t} (${n})`).join(", ")}`,
        hint: "only accounts and identities move; MFA factors, audit log and SSO settings are re-created by the auth server you run next",
      }),
    );
  }
  return findings;
}

/** Extensions the target must be able to create (beyond contrib), and Supabase-only ones left out. */
export function extensionFindings(extensions: ExtensionEntry[]): Finding[] {
  const findings: Finding[] = [];
  const contrib = new Set<string>(CONTRIB_EXTENSIONS);
  for (const e of extensions) {
    if (SUPABASE_ONLY_EXTENSIONS[e.name]) {
      findings.push(
        finding({
          severity: "low",
          code: "supabase-extension-dropped",
          message: `extension ${e.name} exists only on Supabase and was left out`,
          hint: SUPABASE_ONLY_EXTENSIONS[e.name],
        }),
      );
    } else if (isCarriedExtension(e.name) && !contrib.has(e.name)) {
      findings.push(
        finding({
          severity: "medium",
          code: "extension-needed",
          message: `the schema uses extension ${e.name} ${e.version ?? ""}, which stock PostgreSQL does not ship`.replace(
            "  ",
            " ",
          ),
          hint: `install it on the target server before restoring (e.g. the ${e.name} package for your PostgreSQL version)`,
        }),
      );
    }
  }
  return findings;
}

/** Every catalog finding for a Supabase source. */
export async function sourceFindings(client: pg.Client, appSchemas: string[], extensions: ExtensionEntry[]): Promise<Finding[]> {
  return [
    ...(await cronJobs(client)),
    ...(await pgNetCallers(client, appSchemas)),
    ...(await realtimeTables(client)),
    ...(await eventTriggers(client)),
    ...(await authLeftBehind(client)),
    ...extensionFindings(extensions),
  ];
}
