// Sign-in with email and password. Base44 never exports password hashes, so every migrated user
// starts without one and sets it through a reset link (mailed over SMTP, or printed by
// `npm run users -- reset-link <email>`). Passwords are bcrypt hashes; a session is a random
// token kept only as its SHA-256 in the database and sent back in an httpOnly cookie (and, for
// code that calls `auth.setToken`, as a bearer token). Sign-in costs the same whether or not the
// account exists, answers one error for every wrong case, and waits after repeated failures
// (counted in the database, so across replicas and restarts); sign-up answers alike for a new
// address and a taken one.
import { createHash, randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import type pg from "pg";
import type { AppConfig } from "./config";
import { quoteIdent, type TableShape } from "./db";
import { badRequest, forbidden, HttpError, notFound } from "./errors";
import { rowToRecord } from "./records";
import type { EntityStore } from "./entities";
import { emailVerified, type UserRecord } from "./rules";
import { Throttle } from "./throttle";

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

/** What sign-in answers for an unknown account, a wrong password and an account without one alike. */
const WRONG_CREDENTIALS = "wrong email or password, or the address is not confirmed yet (open the link we mailed; moved from Base44? use \"forgot password\" to set yours)";
const LOGIN_WINDOW_MS = 15 * 60_000;
/** Failures per address across accounts (password spraying) before sign-in from it waits. */
const LOGIN_FAILURES_PER_ADDRESS = 50;
const HOUR_MS = 3_600_000;

export interface AuthOptions {
  sessionIdleHours: number;
  /** Password sign-in needs a confirmed address (config.ts, confirmsAddresses). */
  confirmedSignIn: boolean;
  loginFailures: number;
  resetsPerHour: number;
}

export class AuthService {
  private readonly failedByAccount: Throttle;
  private readonly failedByAddress: Throttle;
  private readonly resetsByAccount: Throttle;
  private readonly resetsByAddress: Throttle;
  /** A hash of nothing, compared when there is no real one, so every sign-in pays for one bcrypt. */
  private readonly decoyHash = bcrypt.hash(randomBytes(16).toString("hex"), BCRYPT_ROUNDS);
  private readonly idleHours: number;
  private readonly confirmedSignIn: boolean;

  constructor(
    private readonly pool: pg.Pool,
    private readonly config: AppConfig,
    private readonly users: TableShape,
    private readonly store: EntityStore,
    private readonly sessionDays: number,
    options: Partial<AuthOptions> = {},
  ) {
    this.idleHours = options.sessionIdleHours ?? 72;
    this.confirmedSignIn = options.confirmedSignIn ?? false;
    this.failedByAccount = new Throttle(pool, "login-account", { max: options.loginFailures ?? 5, windowMs: LOGIN_WINDOW_MS });
    this.failedByAddress = new Throttle(pool, "login-address", { max: LOGIN_FAILURES_PER_ADDRESS, windowMs: LOGIN_WINDOW_MS });
    this.resetsByAccount = new Throttle(pool, "mail-account", { max: options.resetsPerHour ?? 3, windowMs: HOUR_MS });
    this.resetsByAddress = new Throttle(pool, "mail-address", { max: (options.resetsPerHour ?? 3) * 3, windowMs: HOUR_MS });
  }

  /**
   * Whether an account mail (a reset link, a sign-up notice) may go out now to this address on a
   * stranger's request from this client address (counts it when so): one budget for both kinds.
   */
  async resetAllowed(email: string, address: string): Promise<boolean> {
    if (!(await this.resetsByAddress.take(address))) return false;
    return this.resetsByAccount.take(email.trim().toLowerCase());
  }

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
    // Alive: not expired and used within the idle window; the last use is written at most once a minute.
    const { rows } = await this.pool.query(
      `WITH live AS (SELECT user_id FROM ownit_auth.sessions WHERE token_hash = $1 AND expires_at > now() AND last_seen_at > now() - make_interval(hours => $2)),
        touched AS (UPDATE ownit_auth.sessions SET last_seen_at = now() WHERE token_hash = $1 AND last_seen_at < now() - interval '1 minute' AND EXISTS (SELECT 1 FROM live))
       SELECT u.* FROM live s JOIN ${this.table} u ON u.${quoteIdent("id")} = s.user_id`,
      [hashToken(token), this.idleHours],
    );
    const user = rows[0] ? (rowToRecord(this.users, rows[0]) as UserRecord) : undefined;
    // A session an unconfirmed account opened before sign-in asked for confirmation ends too.
    return user && !user.disabled && !this.unconfirmed(user) ? user : undefined;
  }

  /** Whether the account must confirm its address before it signs in (and has not). */
  private unconfirmed(user: UserRecord): boolean {
    return this.confirmedSignIn && this.users.columns.has("is_verified") && !emailVerified(user);
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

  /**
   * Signs in. Unknown account, no password yet, disabled, wrong password and (when sign-up mails a
   * confirmation) an address not confirmed yet all answer the same `invalid_credentials` after the
   * same bcrypt work, and count alike toward the wait; after `loginFailures` wrong tries an account
   * waits (even the right password is refused until the window passes).
   */
  async login(email: unknown, password: unknown, address = "unknown"): Promise<{ user: UserRecord; token: string; expires: Date }> {
    if (typeof email !== "string" || typeof password !== "string") throw badRequest("email and password are required");
    const account = email.trim().toLowerCase();
    const wait = Math.max(await this.failedByAccount.retryAfter(account), await this.failedByAddress.retryAfter(address));
    if (wait > 0) {
      throw new HttpError(429, "too_many_attempts", `too many failed sign-ins: try again in ${Math.ceil(wait / 60)} minute(s), or reset the password`);
    }
    const user = await this.userByEmail(email);
    const { rows } = user ? await this.pool.query<{ password_hash: string }>(`SELECT password_hash FROM ownit_auth.passwords WHERE user_id = $1`, [user.id]) : { rows: [] };
    const hash = rows[0]?.password_hash ?? (await this.decoyHash);
    const matches = await bcrypt.compare(password, hash);
    if (!user || user.disabled || !rows[0] || !matches || this.unconfirmed(user)) {
      await this.failedByAccount.hit(account);
      await this.failedByAddress.hit(address);
      throw new HttpError(401, "invalid_credentials", WRONG_CREDENTIALS);
    }
    await this.failedByAccount.clear(account);
    const session = await this.startSession(user.id);
    return { user, ...session };
  }

  async setPassword(userId: string, password: unknown): Promise<void> {
    await this.storePasswordHash(userId, await bcrypt.hash(checkPassword(password), BCRYPT_ROUNDS));
  }

  private async storePasswordHash(userId: string, hash: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ownit_auth.passwords (user_id, password_hash) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()`,
      [userId, hash],
    );
    // A new password ends every session and every reset link still out.
    await this.pool.query(`DELETE FROM ownit_auth.sessions WHERE user_id = $1`, [userId]);
    await this.pool.query(`UPDATE ownit_auth.reset_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [userId]);
    await this.failedByAccount.clear((await this.userById(userId))?.email.toLowerCase() ?? "");
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
    await this.markVerified(rows[0].user_id);
    const user = await this.userById(rows[0].user_id);
    if (!user) throw notFound("the user of this reset link no longer exists");
    return user;
  }

  /** The link was mailed to the user's address and used: they own it. */
  async markVerified(userId: string): Promise<void> {
    if (this.users.columns.has("is_verified")) await this.pool.query(`UPDATE ${this.table} SET ${quoteIdent("is_verified")} = true WHERE ${quoteIdent("id")} = $1 AND ${quoteIdent("is_verified")} IS NOT TRUE`, [userId]);
  }

  /**
   * An identity provider vouched for the user's address, which proves it as a mailed link does. An
   * account nobody had proved first loses the password and sessions it had: whoever set them never
   * showed they own the address (someone may have registered it ahead of its owner).
   */
  async emailProvedByProvider(user: UserRecord): Promise<void> {
    if (!this.users.columns.has("is_verified") || emailVerified(user)) return;
    await this.pool.query(`DELETE FROM ownit_auth.passwords WHERE user_id = $1`, [user.id]);
    await this.pool.query(`DELETE FROM ownit_auth.sessions WHERE user_id = $1`, [user.id]);
    await this.markVerified(user.id);
  }

  /** Consumes a one-time link mailed to the user (an email verification), marking the address verified. */
  async verifyEmail(token: unknown): Promise<UserRecord> {
    if (typeof token !== "string" || !token) throw badRequest("the verification token is missing");
    const { rows } = await this.pool.query<{ user_id: string }>(
      `UPDATE ownit_auth.reset_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id`,
      [hashToken(token)],
    );
    if (!rows[0]) throw badRequest("this verification link is invalid, used or expired: use \"forgot password\" on the sign-in page for a new link (it confirms the address too)", "invalid_verification_token");
    await this.markVerified(rows[0].user_id);
    const user = await this.userById(rows[0].user_id);
    if (!user) throw notFound("the user of this link no longer exists");
    return user;
  }

  /** Creates a user (signup when ALLOW_SIGNUP is on, or an admin's invite); the first user of an empty app becomes admin. */
  async createUser(fields: { email: string; full_name?: string; role?: string }): Promise<UserRecord> {
    const email = fields.email.trim();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw badRequest(`"${email}" is not an email address`);
    if (await this.userByEmail(email)) throw new HttpError(409, "user_exists", `a user with email ${email} already exists`);
    const { rows } = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${this.table}`);
    const role = fields.role ?? (rows[0]!.n === 0 ? "admin" : "user");
    // Nobody has proved they own the address yet: records are not linked by it until they do.
    const created = await this.store
      .create(this.config.userEntity, { kind: "service" }, { email, full_name: fields.full_name ?? email.split("@")[0], role, ...(this.users.columns.has("is_verified") ? { is_verified: false } : {}) })
      .catch((error: unknown) => {
        // A 409 here is the unique index on addresses: another request created this one since the check above.
        if (error instanceof HttpError && error.status === 409) throw new HttpError(409, "user_exists", `a user with email ${email} already exists`);
        throw error;
      });
    return created as UserRecord;
  }

  /**
   * Sign-up. It must not tell whether the address has an account: a new address and a taken one
   * both pay for one bcrypt hash, and the caller answers both alike. A taken address keeps its
   * account untouched (`created: false`, its owner is told by mail); a new one gets an unverified
   * account with this password.
   */
  async register(body: Record<string, unknown>, allowSignup: boolean): Promise<{ created: boolean; user: UserRecord }> {
    if (!allowSignup) throw forbidden("sign-up is closed on this app: an admin invites users (set ALLOW_SIGNUP=true to open it)");
    const hash = await bcrypt.hash(checkPassword(body.password), BCRYPT_ROUNDS);
    if (typeof body.email !== "string") throw badRequest("email is required");
    const existing = await this.userByEmail(body.email);
    if (existing) return { created: false, user: existing };
    try {
      const user = await this.createUser({ email: body.email, full_name: typeof body.full_name === "string" ? body.full_name : undefined, role: "user" });
      await this.storePasswordHash(user.id, hash);
      return { created: true, user };
    } catch (error) {
      // A sign-up racing this one took the address first: answered as any taken address is.
      const winner = error instanceof HttpError && error.code === "user_exists" ? await this.userByEmail(body.email) : undefined;
      if (winner) return { created: false, user: winner };
      throw error;
    }
  }
}
