// `npm run bench:db`: how fast and how lean ownit moves a database, against PostgreSQL's own tools
// in the same run. Builds a Supabase-shaped source of at least 1 GB (fixtures/db/source's schema,
// generated rows), then times `ownit dump` + `ownit restore` + `ownit verify` (each a separate
// ownit process, peak RSS and CPU seconds measured) against `pg_dump -Fd -j2` + `pg_restore -j2`
// of the same database: a warm-up round, then three timed rounds in alternating order (`-- --rounds
// N`), and prints the medians and their ratios. ownit runs as users get it: the package `npm run build` makes
// (bundled, no TypeScript loader). Every timed step starts from the same state (settle): where
// the step before wrote, vacuumed and analyzed as autovacuum would next; no autovacuum worker
// busy; both servers checkpointed and the kernel's dirty pages written (`sync`). So no step pays
// for the work left by the one before it (the source's build, the other contestant's restore).
// Then the same dump through the export helper (Deno, tunnel route) as a ratio to the direct
// dump. Targets: ratio <= 1.0, peak RSS <= 200 MB. Then the live move: with a writer loop running
// against the source, `ownit follow` (steady-state lag sampled) and `ownit cutover
// --verify-after-switch` (the write-unavailable window; goal < 5 s). Everything it makes lives in
// one temp folder, deleted at the end. `-- --move-only` stops after the ratios.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import {
  dropFollowSlot,
  exportHelper,
  findClientBinary,
  findServerBinaries,
  freePort,
  readExport,
  unpublish,
  followStatus,
  readFollowState,
  startLocalServer,
  type LocalServer,
} from "@ownit/db";
import { EXPORT_DIR } from "@ownit/core";
import { startWriters } from "../../test/db/writer";
import { exitedChildrenCpuSeconds, serverCpuSeconds } from "./cpu-time";
import { buildPackage, PACKAGE_DIR } from "../package/build";

const args = process.argv.slice(2);
/** How many times each contestant's move is timed (`-- --rounds N`); the medians are compared. */
const ROUNDS = args.includes("--rounds") ? Number(args[args.indexOf("--rounds") + 1]) : 3;
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error("bench:db: --rounds takes a whole number of rounds, 1 or more (e.g. -- --rounds 3)");
  process.exit(2);
}
const ROOT = path.resolve(import.meta.dirname, "..", "..");
/** The built package's bin (scripts/package/build.ts), built at the start of the run. */
const OWNIT_BIN = path.join(PACKAGE_DIR, "dist", "ownit.mjs");
const SOURCE_SQL = path.join(ROOT, "fixtures", "db", "source");
/** Free space the run needs in the temp folder: source, two restored copies, two dumps. */
const NEEDED_BYTES = 8e9;
const TARGET_BYTES = 1e9;

/** Row counts of the generated data; sized so the database passes TARGET_BYTES. */
const SCALE = { users: 100_000, projects: 250_000, tasks: 1_500_000, activity: 2_500_000, messages: 400_000 };

// A bcrypt hash shared by the generated users (hashing 100k passwords would dominate the build).
const GENERATED_SQL = `
SET search_path = public, extensions;
SET session_replication_role = replica; -- bulk load: no webhook or handle_new_user per row
INSERT INTO auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
SELECT '00000000-0000-0000-0000-000000000000', md5('bench-user-' || i)::uuid, 'authenticated', 'authenticated', 'user' || i || '@example.com',
       '$2a$06$W4p0m7tQe0Q1QqfB2x0x9uJ3m4bH0pC9mX1tqGQF6c2v5yQ3m0e5K', now(), '{"provider": "email", "providers": ["email"]}',
       jsonb_build_object('display_name', 'User ' || i, 'locale', (ARRAY['en', 'fr', 'ja', 'pt'])[1 + i % 4]), now() - i * interval '1 minute', now()
FROM generate_series(1, ${SCALE.users}) AS i;
INSERT INTO auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
SELECT md5('bench-user-' || i), md5('bench-user-' || i)::uuid, jsonb_build_object('sub', md5('bench-user-' || i), 'email', 'user' || i || '@example.com'), 'email', now(), now()
FROM generate_series(1, ${SCALE.users}) AS i;
INSERT INTO public.profiles (id, display_name, bio) SELECT md5('bench-user-' || i)::uuid, 'User ' || i, repeat('Bio text ', 1 + i % 20) FROM generate_series(1, ${SCALE.users}) AS i;
INSERT INTO public.user_roles (user_id, role) SELECT md5('bench-user-' || i)::uuid, 'user' FROM generate_series(1, ${SCALE.users}) AS i;
INSERT INTO public.projects (id, owner_id, name, description, tags, settings, budget, progress, due_on, created_at, updated_at)
SELECT md5('bench-project-' || i)::uuid, md5('bench-user-' || (1 + i % ${SCALE.users}))::uuid, 'Project ' || i || ' ✓',
       repeat('Plan the launch, write the copy, ship it. ', 1 + i % 12), ARRAY['tag' || i % 7, 'q' || i % 4],
       jsonb_build_object('theme', (ARRAY['dark', 'light'])[1 + i % 2], 'notify', i % 3 = 0, 'limits', jsonb_build_array(i % 10, i % 100)),
       (i % 100000) * 1.25, (i % 1000) / 1000.0, date '2025-01-01' + i % 365, now() - i * interval '5 minutes', now()
FROM generate_series(1, ${SCALE.projects}) AS i;
INSERT INTO public.tasks (id, project_id, user_id, title, status, priority, estimate_hours, labels, created_at, completed_at)
SELECT md5('bench-task-' || i)::uuid, md5('bench-project-' || (1 + i % ${SCALE.projects}))::uuid, md5('bench-user-' || (1 + i % ${SCALE.users}))::uuid,
       'Task ' || i || ': follow up with the customer about the proposal', (ARRAY['todo', 'in_progress', 'done']::public.task_status[])[1 + i % 3],
       1 + i % 5, (i % 13) * 0.5, ARRAY[i % 3, i % 11], now() - i * interval '10 seconds', CASE WHEN i % 3 = 2 THEN localtimestamp END
FROM generate_series(1, ${SCALE.tasks}) AS i;
INSERT INTO public.activity_log (user_id, action, payload, created_at)
SELECT md5('bench-user-' || (1 + i % ${SCALE.users}))::uuid, (ARRAY['page_view', 'click', 'task_created', 'login', 'export'])[1 + i % 5],
       jsonb_build_object('path', '/projects/' || (i % 5000), 'ms', i % 1000, 'ua', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 'n', i),
       timestamptz '2025-01-01 00:00:00+00' + i * interval '2 seconds'
FROM generate_series(1, ${SCALE.activity}) AS i;
INSERT INTO public.messages (room, sender_id, body, sent_at)
SELECT 'room-' || (i % 500), md5('bench-user-' || (1 + i % ${SCALE.users}))::uuid, 'Message ' || i || ' — see you tomorrow 👋', timestamptz '2025-06-01 00:00:00+00' + i * interval '3 seconds'
FROM generate_series(1, ${SCALE.messages}) AS i;
SET session_replication_role = origin;
`;

interface Timed {
  seconds: number;
  maxRssMb?: number;
  /** CPU seconds of the step: the client process plus the server it worked on. */
  cpu?: number;
}

function run(
  program: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ seconds: number; stderr: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0)
        reject(
          new Error(
            `${path.basename(program)} ${args[0] ?? ""} exited ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`,
          ),
        );
      else resolve({ seconds, stderr });
    });
  });
}

/** Runs the ownit CLI in its own process and reads that process's peak RSS as it exits. */
async function ownit(...args: string[]): Promise<Timed> {
  const script = `process.on("exit", () => process.stderr.write("ownit-max-rss-kb " + process.resourceUsage().maxRSS + "\\n")); process.argv.splice(1, 0, "ownit"); await import(${JSON.stringify(pathToFileURL(OWNIT_BIN).href)});`;
  const { seconds, stderr } = await run(process.execPath, ["--input-type=module", "-e", script, ...args], {
    ...process.env,
    CI: "1",
  });
  const kb = Number(/ownit-max-rss-kb (\d+)/.exec(stderr)?.[1]);
  return { seconds, maxRssMb: kb / 1024 };
}

/**
 * The same starting state for every timed step: what autovacuum would do next to the databases a
 * step wrote (`written`: ANALYZE and the visibility map of a restore's new tables, after ownit as
 * after pg_restore) done now and untimed, no autovacuum worker still busy, nothing left to write.
 */
async function settle(servers: LocalServer[], written: string[] = []): Promise<void> {
  for (const url of written) await query(url, "VACUUM (ANALYZE)");
  for (const server of servers) {
    for (const end = Date.now() + 300_000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
      const [{ n }] = await query<{ n: number }>(
        server.url(),
        "select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'",
      );
      if (n === 0) break;
    }
    await query(server.url(), "CHECKPOINT");
  }
  await run("sync", []);
}

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Serves an edge function with real Deno (the npm `deno` package) on a free port, as Supabase would. */
async function serveEdgeFunction(file: string, env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "deno"), ["run", "-A", "--no-prompt", file], {
    env: { ...process.env, ...env, DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${port}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const check = (b: Buffer) => ((output += b.toString()), output.includes("Listening on") && resolve());
    child.stdout!.on("data", check);
    child.stderr!.on("data", check);
    child.once("exit", (code) => reject(new Error(`deno exited (${code}): ${output}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, child };
}

/** Runs the ownit CLI with --json output and returns its JSON lines. */
function ownitJson(...args: string[]): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [OWNIT_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("close", (code) =>
      code === 0
        ? resolve(
            out
              .trim()
              .split("\n")
              .map((l) => JSON.parse(l)),
          )
        : reject(new Error(`ownit ${args[0]} exited ${code}: ${err.trim()}`)),
    );
  });
}

/** The follow lag, sampled every 500 ms while the writer runs. */
async function sampleLag(source: string, target: string, exportDir: string, ms: number) {
  const state = readFollowState(exportDir);
  const [s, t] = [new pg.Client({ connectionString: source }), new pg.Client({ connectionString: target })];
  await Promise.all([s.connect(), t.connect()]);
  const bytes: number[] = [];
  const seconds: number[] = [];
  try {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 500))) {
      const status = await followStatus(s, t, state);
      bytes.push(status.lagBytes);
      seconds.push(status.lagSeconds ?? 0);
    }
  } finally {
    await Promise.all([s.end(), t.end()]);
  }
  return {
    samples: bytes.length,
    medianBytes: median(bytes),
    maxBytes: Math.max(...bytes),
    medianSeconds: median(seconds),
    maxSeconds: Math.max(...seconds),
  };
}

/** Undoes on the source what the follow-ready dump in `exportDir` set up (its slot, publications, replica identities). */
async function undoFollowReady(source: string, exportDir: string): Promise<void> {
  if (!existsSync(exportDir)) return;
  const replication = readExport(exportDir).manifest.replication;
  if (!replication) return;
  const client = new pg.Client({ connectionString: source });
  await client.connect();
  try {
    await dropFollowSlot(client, replication.slot);
    await unpublish(client, { name: replication.publications[0]!, replicaIdentityFull: replication.replicaIdentityFull });
  } finally {
    await client.end();
  }
}

/** Creates the source's roles on the target server (pg_dumpall --roles-only | psql); roles that exist are left as they are. */
async function copyRoles(source: string, target: string): Promise<void> {
  const roles = path.join(os.tmpdir(), `ownit-bench-roles-${process.pid}.sql`);
  const psql = findClientBinary("psql").path;
  await run(path.join(path.dirname(psql), "pg_dumpall"), ["--roles-only", "-f", roles, "-d", source]);
  await run(psql, ["-q", "-o", "/dev/null", "-d", target, "-f", roles]);
  rmSync(roles, { force: true });
}

type Step = "dump" | "restore" | "verify" | "pgDump" | "pgRestore";

/**
 * Times a step and the CPU it cost: the client's, read as it exits, and the server's it worked on.
 * A step's backends have ended shortly after its client; 200 ms lets the postmaster collect them.
 */
async function measured(server: LocalServer, step: () => Promise<Timed>): Promise<Timed> {
  const [client, serverBefore] = [exitedChildrenCpuSeconds(), serverCpuSeconds(server.dataDir)];
  const timed = await step();
  await new Promise((r) => setTimeout(r, 200));
  return { ...timed, cpu: exitedChildrenCpuSeconds() - client + serverCpuSeconds(server.dataDir) - serverBefore };
}

/**
 * The move, timed ROUNDS times each way after a warm-up round, in alternating order (ownit first
 * in odd rounds, the baseline first in even ones), so a machine whose speed drifts during the run
 * weighs on both alike. Each round starts from nothing: a new export and dump folder, new target databases.
 * The last round's export and target are kept for the live move.
 */
async function moveRounds(work: string, servers: LocalServer[], source: string, major: number) {
  const [sourceServer, targetServer] = servers as [LocalServer, LocalServer];
  const samples: Record<Step, Timed[]> = { dump: [], restore: [], verify: [], pgDump: [], pgRestore: [] };
  const exportDir = path.join(work, EXPORT_DIR);
  const ownitTarget = targetServer.url("ownit_target");
  let projectDir = "";
  const ownitMove = async () => {
    await undoFollowReady(source, exportDir);
    rmSync(exportDir, { recursive: true, force: true });
    await query(targetServer.url(), "DROP DATABASE IF EXISTS ownit_target WITH (FORCE)");
    await query(targetServer.url(), "CREATE DATABASE ownit_target");
    // The restore is a run; its ledger goes to a throwaway project.
    projectDir = mkdtempSync(path.join(work, "project-"));
    writeFileSync(path.join(projectDir, "package.json"), '{ "name": "bench-app" }\n');
    // --follow-ready: the same snapshot dump, read through a replication slot for the live move below.
    await settle(servers);
    samples.dump.push(
      await measured(sourceServer, () => ownit("dump", "--from", source, "--out", exportDir, "--jobs", "2", "--follow-ready")),
    );
    await settle(servers);
    samples.restore.push(
      await measured(targetServer, () =>
        ownit("restore", exportDir, "--to", ownitTarget, "--project", projectDir, "--jobs", "2"),
      ),
    );
    await settle(servers, [ownitTarget]);
    samples.verify.push(await measured(targetServer, () => ownit("verify", exportDir, "--against", ownitTarget, "--jobs", "2")));
  };
  // Baseline: pg_dump -Fd -j2 and pg_restore -j2 of the same database.
  const dumpDir = path.join(work, "pg_dump-dir");
  const baselineMove = async () => {
    rmSync(dumpDir, { recursive: true, force: true });
    await query(targetServer.url(), "DROP DATABASE IF EXISTS baseline_target WITH (FORCE)");
    await query(targetServer.url(), "CREATE DATABASE baseline_target");
    await settle(servers);
    samples.pgDump.push(
      await measured(sourceServer, () =>
        run(findClientBinary("pg_dump", major).path, ["-Fd", "-j2", "-f", dumpDir, "-d", source]),
      ),
    );
    await settle(servers);
    samples.pgRestore.push(
      await measured(targetServer, () =>
        run(findClientBinary("pg_restore").path, [
          "-j2",
          "--no-owner",
          "--no-privileges",
          "-d",
          targetServer.url("baseline_target"),
          dumpDir,
        ]),
      ),
    );
  };
  // Round 0 warms up and is not counted: a cluster's first loads run slower than its later ones
  // (in earlier runs, round 1's restores took 20-35% longer than rounds 2 and 3, for both contestants).
  for (let round = 0; round <= ROUNDS; round++) {
    const order = round % 2 ? "ownit, then the baseline" : "the baseline, then ownit";
    console.log(round ? `round ${round} of ${ROUNDS}: ${order} …` : `warm-up round (not counted): ${order} …`);
    for (const move of round % 2 ? [ownitMove, baselineMove] : [baselineMove, ownitMove]) await move();
    if (round === 0) for (const step of Object.values(samples)) step.length = 0;
  }
  await query(targetServer.url(), "DROP DATABASE baseline_target WITH (FORCE)");
  return { exportDir, ownitTarget, projectDir, samples };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Medians of the rounds (every round's figure beside them), the ratios to the baseline, peak RSS. */
function report(samples: Record<Step, Timed[]>): void {
  const wall = (step: Step) => median(samples[step].map((t) => t.seconds));
  const cpu = (step: Step) => median(samples[step].map((t) => t.cpu!));
  const rounds = (step: Step) => samples[step].map((t) => t.seconds.toFixed(1)).join(", ");
  const rss = (step: Step) => Math.max(...samples[step].map((t) => t.maxRssMb!));
  const line = (label: string, step: Step, extra = "") =>
    console.log(`${label.padEnd(17)}${fmt(wall(step))}   cpu ${fmt(cpu(step))}   rounds: ${rounds(step)}${extra}`);
  console.log("");
  console.log(`medians of ${ROUNDS} rounds (wall time; cpu = client + server CPU seconds)`);
  line("ownit dump", "dump", `   peak RSS ${rss("dump").toFixed(0)} MB`);
  line("ownit restore", "restore", `   peak RSS ${rss("restore").toFixed(0)} MB`);
  line("ownit verify", "verify", `   peak RSS ${rss("verify").toFixed(0)} MB`);
  line("pg_dump -Fd -j2", "pgDump");
  line("pg_restore -j2", "pgRestore");
  const ownitTotal = wall("dump") + wall("restore") + wall("verify");
  const baselineTotal = wall("pgDump") + wall("pgRestore");
  console.log(`ownit total      ${fmt(ownitTotal)}   (dump + restore + verify)`);
  console.log(`baseline total   ${fmt(baselineTotal)}   (dump + restore, no verification)`);
  console.log("");
  const restoreRatio = wall("restore") / wall("pgRestore");
  // Each round's own ratio too: its two restores ran a minute apart, on a machine whose speed drifts.
  const byRound = samples.restore.map((t, i) => t.seconds / samples.pgRestore[i]!.seconds);
  console.log(
    `ratio ownit restore / pg_restore -j2: ${restoreRatio.toFixed(2)}  (target <= 0.90) ${restoreRatio <= 0.9 ? "met" : "MISSED"}; by round ${byRound.map((r) => r.toFixed(2)).join(", ")} (median ${median(byRound).toFixed(2)}); cpu ${(cpu("restore") / cpu("pgRestore")).toFixed(2)}`,
  );
  const cpuTotal = (cpu("dump") + cpu("restore") + cpu("verify")) / (cpu("pgDump") + cpu("pgRestore"));
  console.log(
    `ratio ownit dump + restore + verify / pg_dump -Fd -j2 + pg_restore -j2: ${(ownitTotal / baselineTotal).toFixed(2)}  (target <= 1.00) ${ownitTotal <= baselineTotal ? "met" : "MISSED"}; cpu ${cpuTotal.toFixed(2)}`,
  );
  const peak = Math.max(rss("dump"), rss("restore"), rss("verify"));
  console.log(
    `ownit peak RSS per step: dump ${rss("dump").toFixed(0)} MB, restore ${rss("restore").toFixed(0)} MB, verify ${rss("verify").toFixed(0)} MB; highest ${peak.toFixed(0)} MB  (target <= 200 MB) ${peak <= 200 ? "met" : "MISSED"}`,
  );
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${os.availableParallelism()} cores`,
  );
}

function fmt(seconds: number): string {
  return `${seconds.toFixed(1).padStart(6)} s`;
}

async function main(): Promise<void> {
  const tmp = os.tmpdir();
  const { bavail, bsize } = statfsSync(tmp);
  if (bavail * bsize < NEEDED_BYTES)
    throw new Error(
      `bench:db needs ${(NEEDED_BYTES / 1e9).toFixed(0)} GB free in ${tmp}; ${((bavail * bsize) / 1e9).toFixed(1)} GB available`,
    );
  const work = mkdtempSync(path.join(tmp, "ownit-bench-db-"));
  const servers: LocalServer[] = [];
  try {
    await buildPackage();
    const binaries = findServerBinaries({ prefer: "system" });
    const settings = {
      max_wal_size: "4GB",
      checkpoint_timeout: "30min",
      shared_buffers: "256MB",
      maintenance_work_mem: "256MB",
      synchronous_commit: "off",
      // A fresh cluster zero-fills every new WAL segment; a server in steady state recycles them. Without
      // this, whichever restore runs first pays ~1.5 GB of zeroing that the second one, on recycled files, does not.
      wal_init_zero: "off",
    };
    const [sourceServer, targetServer] = await Promise.all([
      // The source streams its changes for the live move (follow, cutover).
      startLocalServer({
        dir: path.join(work, "source-pg"),
        binaries,
        settings: { ...settings, wal_level: "logical", max_replication_slots: 4, max_wal_senders: 4 },
      }),
      startLocalServer({ dir: path.join(work, "target-pg"), binaries, settings }),
    ]);
    servers.push(sourceServer, targetServer);
    await query(sourceServer.url(), "CREATE DATABASE app");
    const source = sourceServer.url("app");
    console.log(`building a Supabase-shaped source on PostgreSQL ${binaries.version} …`);
    const built = process.hrtime.bigint();
    const client = new pg.Client({ connectionString: source });
    await client.connect();
    for (const file of ["01-platform.sql", "02-app.sql"]) await client.query(readFileSync(path.join(SOURCE_SQL, file), "utf8"));
    await client.query(GENERATED_SQL);
    // A source in its steady state, as a production database is: nothing left for autovacuum to do.
    await client.query("VACUUM (FREEZE, ANALYZE)");
    await client.end();
    const [{ size, rows }] = await query<{ size: string; rows: string }>(
      source,
      "select pg_database_size(current_database())::text as size, (select sum(n_live_tup) from pg_stat_user_tables)::text as rows",
    );
    console.log(
      `source: ${(Number(size) / 1e9).toFixed(2)} GB, ${Number(rows).toLocaleString("en-US")} rows, built in ${(Number(process.hrtime.bigint() - built) / 1e9).toFixed(0)} s`,
    );
    if (Number(size) < TARGET_BYTES)
      throw new Error(`the generated database is ${size} bytes, under ${TARGET_BYTES}: raise SCALE`);
    // Both contestants read from a warm cache.
    await query(
      source,
      "select count(*) from public.activity_log union all select count(*) from public.tasks union all select count(*) from public.projects",
    );

    // The roles the export's grants and policies name, as a DBA creates them before pg_restore (which
    // does not restore roles); ownit's restore creates them itself. Whichever contestant runs first
    // then finds the same cluster.
    await copyRoles(source, targetServer.url());
    const { exportDir, ownitTarget, projectDir, samples } = await moveRounds(work, servers, source, binaries.major);
    report(samples);
    if (args.includes("--move-only")) return;

    // The same dump through the export helper (real Deno serving the edge function, the tunnel route).
    const helper = exportHelper();
    const helperFile = path.join(work, "helper", "index.ts");
    mkdirSync(path.dirname(helperFile), { recursive: true });
    writeFileSync(helperFile, helper.source);
    const deno = await serveEdgeFunction(helperFile, {
      SUPABASE_URL: "http://127.0.0.1:9",
      SUPABASE_DB_URL: source,
      SUPABASE_SERVICE_ROLE_KEY: "bench",
      SUPABASE_ANON_KEY: "bench",
    });
    let viaHelper: Timed;
    try {
      process.env.OWNIT_HELPER_SECRET = helper.secret;
      viaHelper = await ownit(
        "dump",
        "--via",
        deno.url,
        "--route",
        "tunnel",
        "--out",
        path.join(work, `${EXPORT_DIR}-via-helper`),
        "--jobs",
        "2",
      );
    } finally {
      delete process.env.OWNIT_HELPER_SECRET;
      deno.child.kill("SIGKILL");
    }

    console.log("");
    console.log(
      `ownit dump --via helper ${fmt(viaHelper.seconds)}   peak RSS ${viaHelper.maxRssMb!.toFixed(0)} MB   (tunnel through the Deno-run export helper)`,
    );
    console.log(
      `ratio dump via helper / direct dump: ${(viaHelper.seconds / median(samples.dump.map((d) => d.seconds))).toFixed(2)}`,
    );

    // The live move: an app writing throughout follow and cutover.
    await query(source, "CREATE ROLE app_api LOGIN NOINHERIT; GRANT service_role TO app_api");
    const api = new URL(source);
    api.username = "app_api";
    const writer = startWriters(source, api.toString(), { pauseMs: 5 });
    const follow = await ownit("follow", "--from", source, "--to", ownitTarget, "--export", exportDir);
    const lag = await sampleLag(source, ownitTarget, exportDir, 20_000);
    const before = writer.log.accepted;
    const cutover = await ownitJson(
      "cutover",
      "--from",
      source,
      "--to",
      ownitTarget,
      "--export",
      exportDir,
      "--project",
      projectDir,
      "--yes",
      "--json",
      "--verify-after-switch",
    );
    await writer.stop();
    const done = cutover.find((e) => e.event === "done") as {
      windowMs: number;
      verifyMs: number;
      steps: { step: string; ms: number }[];
    };
    console.log("");
    console.log(
      `live move (writer: ${writer.log.accepted.toLocaleString("en-US")} transactions accepted, ${before.toLocaleString("en-US")} before cutover, ${writer.log.rejected} refused during it)`,
    );
    console.log(`ownit follow      ${fmt(follow.seconds)}   (checks the target against the export, then subscribes)`);
    console.log(
      `steady-state lag  median ${lag.medianBytes.toLocaleString("en-US")} B / ${lag.medianSeconds.toFixed(2)} s, max ${lag.maxBytes.toLocaleString("en-US")} B / ${lag.maxSeconds.toFixed(2)} s over ${lag.samples} samples`,
    );
    console.log(`cutover steps     ${done.steps.map((s) => `${s.step} ${(s.ms / 1000).toFixed(2)} s`).join(", ")}`);
    console.log(
      `write-unavailable window: ${(done.windowMs / 1000).toFixed(2)} s  (goal < 5 s; checksums of the switch took ${(done.verifyMs / 1000).toFixed(1)} s after it)`,
    );
  } finally {
    for (const server of servers) await server.stop().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
