// Sign-in with email and password. Base44 never exports password hashes, so every migrated user
// starts without one and sets it through a reset link (mailed over SMTP, or printed by
// `npm run users -- reset-link <email>`). Passwords are bcrypt hashes; a session is a random
// token kept only as its SHA-256 in the database and sent back in an httpOnly cookie (and, for
// code that calls `auth.setToken`, as a bearer token).
import { createHash, randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import type pg from "pg";
import type { AppConfig } from "./config";
import { quoteIdent, type TableShape } from "./db";
import { badRequest, forbidden, HttpError, notFound } from "./errors";
import { rowToRecord } from "./records";
import type { EntityStore } from "./entities";
import type { UserRecord } from "./rules";

export const SESSION_COOKIE = "ownit_session";
export const MIN_PASSWORD_LENGTH = 8;
const BCRYPT_ROUNDS = 12;
/** Reset links for migrated users last a week (they may read the email late); ordinary resets an hour. */
export const RESET_TTL_HOURS = { invite: 24 * 7, reset: 1 } as const;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function newToken(): string {
  return randomBytes(32).toString("base64url");
}

function checkPassword(password: unknown): string {
  if (typeof password !== "string" || password.length < MIN_PASSWORD_LENGTH) throw badRequest(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`, "weak_password");
  return password;
}

export class AuthService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly config: AppConfig,
    private readonly users: TableShape,
    private readonly store: EntityStore,
    private readonly sessionDays: number,
  ) {}

  private get table(): string {
    return quoteIdent(this.users.table);
  }

  async userById(id: string): Promise<UserRecord | undefined> {
    const { rows } = await this.pool.query(`SELECT * FROM ${this.table} WHERE ${quoteIdent("id")} = $1`, [id]);
    return rows[0] ? (rowToRecord(this.users, rows[0]) as UserRecord) : undefined;
  }

  async userByEmail(email: string): Promise<UserRecord | undefined> {
    const { rows } = await this.pool.query(`SELECT * FROM ${this.table} WHERE lower(${quoteIdent("email")}) = lower($1) ORDER BY ${quoteIdent("id")} LIMIT 1`, [email.trim()]);
    return rows[0] ? (rowToRecord(this.users, rows[0]) as UserRecord) : undefined;
  }

  /** Emails of users who have not set a password since the move. */
  async usersWithoutPassword(): Promise<string[]> {
    const { rows } = await this.pool.query<{ email: string }>(
      `SELECT u.${quoteIdent("email")} AS email FROM ${this.table} u WHERE NOT EXISTS (SELECT 1 FROM ownit_auth.passwords p WHERE p.user_id = u.${quoteIdent("id")}) ORDER BY 1`,
    );
    return rows.map((r) => r.email);
  }

  /** The user a session token belongs to, if the session is alive and the user not disabled (one query: every API request asks). */
  async userForToken(token: string | undefined): Promise<UserRecord | undefined> {
    if (!token) return undefined;
    const { rows } = await this.pool.query(
      `SELECT u.* FROM ownit_auth.sessions s JOIN ${this.table} u ON u.${quoteIdent("id")} = s.user_id WHERE s.token_hash = $1 AND s.expires_at > now()`,
      [hashToken(token)],
    );
    const user = rows[0] ? (rowToRecord(this.users, rows[0]) as UserRecord) : undefined;
    return user && !user.disabled ? user : undefined;
  }

  async startSession(userId: string): Promise<{ token: string; expires: Date }> {
    const token = newToken();
    const expires = new Date(Date.now() + this.sessionDays * 86_400_000);
    await this.pool.query(`INSERT INTO ownit_auth.sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`, [hashToken(token), userId, expires]);
    return { token, expires };
  }

  async endSession(token: string | undefined): Promise<void> {
    if (token) await this.pool.query(`DELETE FROM ownit_auth.sessions WHERE token_hash = $1`, [hashToken(token)]);
  }

  async login(email: unknown, password: unknown): Promise<{ user: UserRecord; token: string; expires: Date }> {
    if (typeof email !== "string" || typeof password !== "string") throw badRequest("email and password are required");
    const user = await this.userByEmail(email);
    const wrong = new HttpError(401, "invalid_credentials", "wrong email or password");
    if (!user || user.disabled) throw wrong;
    const { rows } = await this.pool.query<{ password_hash: string }>(`SELECT password_hash FROM ownit_auth.passwords WHERE user_id = $1`, [user.id]);
    if (!rows[0]) throw new HttpError(401, "password_not_set", "this account has no password yet (accounts moved from Base44 set one first): use \"forgot password\" to get a link");
    if (!(await bcrypt.compare(password, rows[0].password_hash))) throw wrong;
    const session = await this.startSession(user.id);
    return { user, ...session };
  }

  async setPassword(userId: string, password: unknown): Promise<void> {
    const hash = await bcrypt.hash(checkPassword(password), BCRYPT_ROUNDS);
    await this.pool.query(
      `INSERT INTO ownit_auth.passwords (user_id, password_hash) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()`,
      [userId, hash],
    );
    // A new password ends every other session.
    await this.pool.query(`DELETE FROM ownit_auth.sessions WHERE user_id = $1`, [userId]);
  }

  async changePassword(user: UserRecord, current: unknown, next: unknown): Promise<void> {
    const { rows } = await this.pool.query<{ password_hash: string }>(`SELECT password_hash FROM ownit_auth.passwords WHERE user_id = $1`, [user.id]);
    if (!rows[0] || typeof current !== "string" || !(await bcrypt.compare(current, rows[0].password_hash))) throw new HttpError(401, "invalid_credentials", "the current password is wrong");
    await this.setPassword(user.id, next);
  }

  /** A one-time token that lets its holder set the user's password. */
  async createResetToken(userId: string, hours: number): Promise<string> {
    const token = newToken();
    await this.pool.query(`INSERT INTO ownit_auth.reset_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3))`, [hashToken(token), userId, hours]);
    return token;
  }

  async resetPassword(token: unknown, password: unknown): Promise<UserRecord> {
    if (typeof token !== "string" || !token) throw badRequest("the reset token is missing");
    checkPassword(password);
    const { rows } = await this.pool.query<{ user_id: string }>(
      `UPDATE ownit_auth.reset_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id`,
      [hashToken(token)],
    );
    if (!rows[0]) throw badRequest("this reset link is invalid, used or expired: ask for a new one", "invalid_reset_token");
    await this.setPassword(rows[0].user_id, password);
    const user = await this.userById(rows[0].user_id);
    if (!user) throw notFound("the user of this reset link no longer exists");
    return user;
  }

  /** Creates a user (signup when ALLOW_SIGNUP is on, or an admin's invite); the first user of an empty app becomes admin. */
  async createUser(fields: { email: string; full_name?: string; role?: string }): Promise<UserRecord> {
    const email = fields.email.trim();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw badRequest(`"${email}" is not an email address`);
    if (await this.userByEmail(email)) throw new HttpError(409, "user_exists", `a user with email ${email} already exists`);
    const { rows } = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${this.table}`);
    const role = fields.role ?? (rows[0]!.n === 0 ? "admin" : "user");
    const created = await this.store.create(this.config.userEntity, { kind: "service" }, { email, full_name: fields.full_name ?? email.split("@")[0], role });
    return created as UserRecord;
  }

  async register(body: Record<string, unknown>, allowSignup: boolean): Promise<UserRecord> {
    if (!allowSignup) throw forbidden("sign-up is closed on this app: an admin invites users (set ALLOW_SIGNUP=true to open it)");
    const password = checkPassword(body.password);
    if (typeof body.email !== "string") throw badRequest("email is required");
    const user = await this.createUser({ email: body.email, full_name: typeof body.full_name === "string" ? body.full_name : undefined, role: "user" });
    await this.setPassword(user.id, password);
    return user;
  }
}
