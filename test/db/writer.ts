// A stand-in for a live app during follow and cutover: a bounded loop of transactions against the
// source that signs users up (auth.users, whose trigger adds profiles and roles), creates projects
// for them (a foreign key to auth.users), edits tasks, sends messages, logs activity, deletes old
// activity and old users (cascading), and imports keyless contacts. A second writer goes through a
// PostgREST-like role (SET ROLE service_role). Every commit and every refusal is recorded with its
// time, reconnecting after the server ends the session as an app's pool would.
import pg from "pg";

export interface WriterLog {
  accepted: number;
  rejected: number;
  /** Distinct first lines of the errors the writers saw. */
  errors: Set<string>;
  /** Times (ms) at which each accepted commit returned. */
  commits: number[];
  /** Sign-ups committed and not deleted by the writer (their ids). */
  liveUsers: Set<string>;
}

export interface Writer {
  log: WriterLog;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startWriters(
  ownerUrl: string,
  apiUrl: string,
  options: { pauseMs?: number; maxIterations?: number } = {},
): Writer {
  const log: WriterLog = { accepted: 0, rejected: 0, errors: new Set(), commits: [], liveUsers: new Set() };
  let stopped = false;
  const pause = options.pauseMs ?? 15;
  const max = options.maxIterations ?? 20_000;
  let seq = 0;

  async function loop(url: string, statements: (i: number) => { sql: string[]; after?: () => void }, setup?: string) {
    let client: pg.Client | undefined;
    for (let n = 0; n < max && !stopped; n++) {
      try {
        if (!client) {
          client = new pg.Client({ connectionString: url });
          client.on("error", () => {});
          await client.connect();
          if (setup) await client.query(setup);
        }
        const i = seq++;
        const work = statements(i);
        await client.query("BEGIN");
        for (const sql of work.sql) await client.query(sql);
        await client.query("COMMIT");
        log.accepted++;
        log.commits.push(Date.now());
        work.after?.();
      } catch (error) {
        log.rejected++;
        log.errors.add(String((error as Error).message).split("\n")[0]!);
        await client?.end().catch(() => {});
        client = undefined;
      }
      await sleep(pause);
    }
    await client?.end().catch(() => {});
  }

  const owner = loop(ownerUrl, (i) => {
    const user = `writer-user-${i}`;
    const old = `writer-user-${i - 10}`;
    const sql = [
      `INSERT INTO auth.users (instance_id, id, aud, role, email, raw_user_meta_data, created_at, updated_at)
         VALUES ('00000000-0000-0000-0000-000000000000', md5('${user}')::uuid, 'authenticated', 'authenticated', '${user}@example.com', '{"display_name": "Writer ${i}"}', now(), now())`,
      `INSERT INTO public.projects (owner_id, name, tags) VALUES (md5('${user}')::uuid, 'Project of writer ${i}', ARRAY['live'])`,
      `UPDATE public.tasks SET title = title || ' (edited ${i})', priority = 1 + ${i} % 5 WHERE id = (SELECT id FROM public.tasks ORDER BY id OFFSET ${i % 50} LIMIT 1)`,
      `UPDATE public.profiles SET bio = 'bio ${i}' WHERE id = md5('${user}')::uuid`,
      `INSERT INTO public.activity_log (user_id, action, payload) VALUES (md5('${user}')::uuid, 'signup', '{"n": ${i}}')`,
      `DELETE FROM public.activity_log WHERE id = (SELECT min(id) FROM public.activity_log)`,
      `INSERT INTO public.invoices (project_id, amount_cents) SELECT id, ${100 + i} FROM public.projects WHERE owner_id = md5('${user}')::uuid`,
      `INSERT INTO public.imported_contacts (name, email, extra, imported_at) VALUES ('Live ${i}', 'live${i}@example.net', '{"source": "writer"}', now())`,
    ];
    const deletes = i % 4 === 3 && i >= 10;
    if (deletes) sql.push(`DELETE FROM auth.users WHERE id = md5('${old}')::uuid`);
    return {
      sql,
      after: () => {
        log.liveUsers.add(user);
        if (deletes) log.liveUsers.delete(old);
      },
    };
  });
  const api = loop(
    apiUrl,
    (i) => ({ sql: [`INSERT INTO public.messages (room, body) VALUES ('live', 'message ${i} through the API role')`] }),
    "SET ROLE service_role",
  );
  return {
    log,
    async stop() {
      stopped = true;
      await Promise.all([owner, api]);
    },
  };
}
