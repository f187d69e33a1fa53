// `npm run users -- <command>`: what an admin does from a shell, because Base44 could not export
// passwords. `reset-link` prints a one-time link to set a password (no SMTP needed), `set-password`
// sets one directly, `create` adds a user, `without-password` lists who has not set one yet.
// `npm run db:setup`, as the tables' owner (DATABASE_OWNER_URL): the entity tables in an empty database
// (a fresh start, without `ownit restore`), the server's own tables and triggers, and the rights of
// the role the server logs in as (DATABASE_URL), which may read and write rows and nothing more.
import schemaSql from "./schema.sql?raw";
import { RESET_TTL_HOURS } from "./auth";
import { loadDotEnv, readSettings } from "./config";
import { createServices } from "./services";
import { setupDatabase } from "./setup";

const USAGE = `usage:
  npm run users -- reset-link <email>                   print a one-time link to set a password
  npm run users -- set-password <email>                 set a password (read from stdin)
  npm run users -- create <email> [--admin] [--name N]  add a user (then send them a reset link)
  npm run users -- without-password                     users who have not set a password yet
  npm run db:setup                                      as DATABASE_OWNER_URL: the tables, and DATABASE_URL's rights`;

/** The first line of stdin: a password never goes through argv or the environment, where other processes see it. */
async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
}

async function setupDb(): Promise<void> {
  const runtimeUrl = process.env.DATABASE_URL || undefined;
  const ownerUrl = process.env.DATABASE_OWNER_URL || runtimeUrl;
  if (!ownerUrl) throw new Error("DATABASE_OWNER_URL is not set: db:setup connects as the owner of the app's tables (see .env.example)");
  try {
    for (const line of await setupDatabase(ownerUrl, runtimeUrl, schemaSql)) console.info(line);
  } catch (error) {
    throw new Error(`db:setup changed nothing: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function users(args: string[]): Promise<void> {
  const [command, email] = args;
  const settings = readSettings();
  const { services, pool } = await createServices(settings);
  const { auth } = services;
  try {
    if (command === "without-password") {
      for (const u of await auth.usersWithoutPassword()) console.info(u);
      return;
    }
    if (!email) throw new Error(USAGE);
    if (command === "create") {
      const name = args.includes("--name") ? args[args.indexOf("--name") + 1] : undefined;
      const user = await auth.createUser({ email, full_name: name, role: args.includes("--admin") ? "admin" : undefined });
      console.info(`created ${user.email} (${user.role}); send them: npm run users -- reset-link ${user.email}`);
      return;
    }
    const user = await auth.userByEmail(email);
    if (!user) throw new Error(`no user with email ${email}`);
    if (command === "reset-link") {
      const token = await auth.createResetToken(user.id, RESET_TTL_HOURS.invite);
      const base = settings.appUrl ?? `http://localhost:${settings.port}`;
      console.info(`${base}/api/reset-password?token=${encodeURIComponent(token)}`);
    } else if (command === "set-password") {
      await auth.setPassword(user.id, await readPassword());
      // An admin at the server's console vouches for the account, as a mailed link would.
      await auth.markVerified(user.id);
      console.info(`password set for ${user.email}`);
    } else {
      throw new Error(USAGE);
    }
  } finally {
    await pool.end();
  }
}

async function main(argv: string[]): Promise<void> {
  loadDotEnv();
  const [command, ...rest] = argv;
  if (command === "setup-db") return setupDb();
  if (command === "users") return users(rest);
  throw new Error(USAGE);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
