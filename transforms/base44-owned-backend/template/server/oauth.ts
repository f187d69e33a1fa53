// Social sign-in for `auth.loginWithProvider(provider, fromUrl)`: the OpenID Connect authorization
// code flow with PKCE, state and nonce, through `openid-client`, against each provider the
// environment configures (GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET; see oauth-providers.ts). The
// provider's verified email finds the account the user already has (the one Base44 exported), and
// the provider identity is linked to it, and the address counts as verified; an unknown email gets
// an account only when sign-up is open. These routes are signing in: a private app lets signed-out
// visitors reach them (routes.ts). The browser comes back only to a page of this app, never to
// another site.
import { createHash, randomBytes } from "node:crypto";
import type { Context, Env, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import * as oidc from "openid-client";
import type pg from "pg";
import type { AuthService } from "./auth";
import type { Settings } from "./config";
import { badRequest, forbidden, HttpError, notProvided } from "./errors";
import { PROVIDER_NAME, providerEnvNames, socialCallbackPath, socialLoginPath, SOCIAL_AUTH_BASE, type SocialProvider } from "./oauth-providers";
import type { UserRecord } from "./rules";

/** The browser's half of a sign-in in progress: only this browser can finish it (no login CSRF). */
const FLOW_COOKIE = "ownit_oauth_flow";
const FLOW_MINUTES = 10;
const SCOPE = "openid email profile";

/** Which provider account belongs to which user, and the sign-ins in progress (created by db:setup, see setup.ts). */
export const OAUTH_SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS ownit_auth;
CREATE TABLE IF NOT EXISTS ownit_auth.identities (
  provider text NOT NULL,
  subject text NOT NULL,
  user_id text NOT NULL,
  email text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, subject)
);
CREATE TABLE IF NOT EXISTS ownit_auth.oauth_flows (
  flow_hash text PRIMARY KEY,
  provider text NOT NULL,
  state text NOT NULL,
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  redirect_uri text NOT NULL,
  return_to text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS oauth_flows_expires_at ON ownit_auth.oauth_flows (expires_at);
`;

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The page to land on: `fromUrl` only when it is on the app's own origin, else the home page (no open redirect). */
export function returnTo(fromUrl: string | undefined, appOrigin: string): string {
  if (fromUrl) {
    try {
      const url = new URL(fromUrl, appOrigin);
      // Absolute on the app's origin: a path like //evil.example would otherwise be another host.
      if (url.origin === appOrigin) return `${appOrigin}${url.pathname}${url.search}${url.hash}`;
    } catch {
      // not a URL: home
    }
  }
  return `${appOrigin}/`;
}

/** Plain http is accepted only for an issuer on this machine (a local test provider); anything else needs https. */
function discoveryOptions(issuer: URL): oidc.DiscoveryRequestOptions | undefined {
  if (issuer.protocol === "https:") return undefined;
  if (issuer.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(issuer.hostname)) return { execute: [oidc.allowInsecureRequests] };
  throw notProvided(`sign-in through ${issuer.href}`, "the issuer URL must be https");
}

export interface SocialSignInDeps<E extends Env> {
  auth: AuthService;
  settings: Settings;
  pool: pg.Pool;
  /** The app's public origin for this request (APP_URL, or the request's own). */
  origin: (c: Context<E>) => string;
  /** Sets the session cookie, as password sign-in does. */
  startSession: (c: Context<E>, token: string, expires: Date) => void;
}

/**
 * Adds GET <SOCIAL_AUTH_BASE>/[<provider>/]login and /<provider>/callback to the app.
 * Long on purpose: the two routes of the code flow (login, callback) and the state they share
 * (provider configurations, the PKCE/state/nonce cookie) stay in one closure.
 */
export function mountSocialSignIn<E extends Env>(app: Hono<E>, deps: SocialSignInDeps<E>): void {
  const { auth, settings, pool } = deps;
  const providers: Record<string, SocialProvider> = settings.socialProviders;
  const configs = new Map<string, Promise<oidc.Configuration>>();
  const providerOf = (name: string): SocialProvider => {
    if (!PROVIDER_NAME.test(name)) throw badRequest(`"${name.slice(0, 40)}" is not a sign-in provider`);
    const provider = Object.hasOwn(providers, name) ? providers[name] : undefined;
    if (!provider) {
      const env = providerEnvNames(name);
      throw notProvided(`sign-in with ${name}`, `set ${env.clientId} and ${env.clientSecret}${name === "google" ? "" : ` and ${env.issuer}`} (see .env.example)`);
    }
    return provider;
  };

  /** The provider's OpenID configuration (its discovery document), fetched once. */
  const configOf = (name: string, provider: SocialProvider): Promise<oidc.Configuration> => {
    let config = configs.get(name);
    if (!config) {
      const issuer = new URL(provider.issuer);
      config = oidc.discovery(issuer, provider.clientId, provider.clientSecret, undefined, discoveryOptions(issuer));
      config.catch(() => configs.delete(name));
      configs.set(name, config);
    }
    return config;
  };

  const start = async (c: Context<E>, name: string) => {
    const provider = providerOf(name);
    const config = await configOf(name, provider).catch((error: unknown) => {
      throw new HttpError(502, "provider_unreachable", `the ${name} sign-in service did not answer (${error instanceof Error ? error.message : String(error)})`);
    });
    const appOrigin = deps.origin(c);
    const flow = randomBytes(32).toString("base64url");
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const verifier = oidc.randomPKCECodeVerifier();
    const redirectUri = `${appOrigin}${socialCallbackPath(name)}`;
    await pool.query(`DELETE FROM ownit_auth.oauth_flows WHERE expires_at < now()`);
    await pool.query(
      `INSERT INTO ownit_auth.oauth_flows (flow_hash, provider, state, nonce, code_verifier, redirect_uri, return_to, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(mins => $8))`,
      [sha256(flow), name, state, nonce, verifier, redirectUri, returnTo(c.req.query("from_url"), appOrigin), FLOW_MINUTES],
    );
    setCookie(c, FLOW_COOKIE, flow, { httpOnly: true, sameSite: "Lax", path: SOCIAL_AUTH_BASE, secure: appOrigin.startsWith("https://"), maxAge: FLOW_MINUTES * 60 });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: SCOPE,
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    return c.redirect(url.href, 302);
  };

  /** The account this provider identity belongs to: linked before, or the existing user with the verified email. */
  const accountFor = async (name: string, subject: string, email: string, fullName: string | undefined): Promise<UserRecord> => {
    const linked = await pool.query<{ user_id: string }>(`SELECT user_id FROM ownit_auth.identities WHERE provider = $1 AND subject = $2`, [name, subject]);
    const linkedUser = linked.rows[0] ? await auth.userById(linked.rows[0].user_id) : undefined;
    if (linkedUser) return linkedUser;
    let user = await auth.userByEmail(email);
    if (!user) {
      if (!settings.allowSignup) throw forbidden(`there is no account for ${email} and sign-up is closed on this app: ask an admin to invite you`);
      user = await auth.createUser({ email, full_name: fullName, role: "user" });
    }
    await pool.query(
      `INSERT INTO ownit_auth.identities (provider, subject, user_id, email) VALUES ($1, $2, $3, $4)
       ON CONFLICT (provider, subject) DO UPDATE SET user_id = EXCLUDED.user_id, email = EXCLUDED.email`,
      [name, subject, user.id, email],
    );
    return user;
  };

  const finish = async (c: Context<E>, name: string) => {
    const provider = providerOf(name);
    const flowId = getCookie(c, FLOW_COOKIE);
    deleteCookie(c, FLOW_COOKIE, { path: SOCIAL_AUTH_BASE });
    const { rows } = flowId
      ? await pool.query<{ state: string; nonce: string; code_verifier: string; redirect_uri: string; return_to: string }>(
          `DELETE FROM ownit_auth.oauth_flows WHERE flow_hash = $1 AND provider = $2 AND expires_at > now() RETURNING state, nonce, code_verifier, redirect_uri, return_to`,
          [sha256(flowId), name],
        )
      : { rows: [] };
    const flow = rows[0];
    if (!flow) throw badRequest(`this ${name} sign-in expired or was started in another browser: sign in again`, "sign_in_expired");
    // The URL the provider redirected to, as registered (the request may have come through a proxy).
    const current = new URL(flow.redirect_uri);
    current.search = new URL(c.req.url).search;
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(await configOf(name, provider), current, {
        pkceCodeVerifier: flow.code_verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      throw new HttpError(401, "sign_in_failed", `${name} sign-in failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const email = typeof claims?.email === "string" ? claims.email : undefined;
    // Only an address the provider verified may open an existing account.
    if (!claims || !email || claims.email_verified !== true) throw forbidden(`${name} did not confirm that this email address belongs to you, so it cannot sign you in`);
    const account = await accountFor(name, claims.sub, email, typeof claims.name === "string" ? claims.name : undefined);
    if (account.disabled) throw forbidden("this account is disabled");
    // The provider proved the address (a link before may have been to an account whose email changed since).
    if (account.email.trim().toLowerCase() === email.trim().toLowerCase()) await auth.emailProvedByProvider(account);
    const session = await auth.startSession(account.id);
    deps.startSession(c, session.token, session.expires);
    return c.redirect(flow.return_to, 302);
  };

  // `loginWithProvider("google")` goes to /login; any other provider to /<provider>/login.
  app.get(socialLoginPath("google"), (c) => start(c, "google"));
  app.get(`${SOCIAL_AUTH_BASE}/:provider/login`, (c) => start(c, c.req.param("provider") ?? ""));
  app.get(`${SOCIAL_AUTH_BASE}/:provider/callback`, (c) => finish(c, c.req.param("provider") ?? ""));
}
