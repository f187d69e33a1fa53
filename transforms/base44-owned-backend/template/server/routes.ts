// The HTTP API, on the paths Base44's SDK called (`/api/apps/<appId>/entities/…`, `/auth/…`,
// `/integration-endpoints/Core/…`, `/functions/…`), so the owned client in src/api keeps the
// same wire protocol; plus /api/health, the sign-in pages, uploaded files, and the built SPA
// with history fallback, so one process serves the whole app. Every call needs a signed-in user
// unless the app is public (PUBLIC_APP); every body has a size limit (413 before it is read);
// JSON is JSON only when it says so; pages go out with headers that keep them out of frames.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { getConnInfo } from "@hono/node-server/conninfo";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { secureHeaders } from "hono/secure-headers";
import type pg from "pg";
import { RESET_TTL_HOURS, SESSION_COOKIE } from "./auth";
import { appConfig, confirmsAddresses, type Settings } from "./config";
import { badRequest, forbidden, HttpError, notFound, notProvided, unauthorized } from "./errors";
import { unconverted } from "./functions/index";
import { mountSocialSignIn } from "./oauth";
import { SOCIAL_SIGN_IN_ROUTE } from "./oauth-providers";
import type { UploadedFile } from "./integrations";
import { loginPage, resetPage } from "./pages";
import { isAdmin, type Actor, type UserRecord } from "./rules";
import { bindRequest, type Services } from "./service-client";
import { LOCAL_FILES_ROUTE } from "./storage";

type Env = { Variables: { user?: UserRecord; token?: string } };

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return m?.[1];
}

function actorOf(c: Context<Env>): Actor {
  const user = c.get("user");
  return user ? { kind: "user", user } : { kind: "anonymous" };
}

function requireUser(c: Context<Env>): UserRecord {
  const user = c.get("user");
  if (!user) throw unauthorized();
  return user;
}

/** A JSON media type: `application/json` or `application/<x>+json` (never text/plain, which a cross-site form can send). */
const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

async function jsonBody(c: Context<Env>): Promise<unknown> {
  const text = await c.req.text();
  if (!text) return undefined;
  if (!JSON_TYPE.test(c.req.header("content-type") ?? "")) throw new HttpError(415, "unsupported_media_type", "send the body as JSON with Content-Type: application/json");
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("the request body is not JSON");
  }
}

function jsonParam(value: string | undefined, name: string): unknown {
  if (value === undefined || value === "") return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw badRequest(`the ${name} parameter is not JSON`);
  }
}

function intParam(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw badRequest(`"${value}" is not a number`);
  return n;
}

function fieldsParam(value: string | undefined): string[] | undefined {
  return value ? value.split(",").map((f) => f.trim()).filter(Boolean) : undefined;
}

/** The app's public origin: APP_URL; else this request's (a proxy's X-Forwarded-* only with TRUST_PROXY). */
function origin(c: Context<Env>, settings: Settings): string {
  if (settings.appUrl) return settings.appUrl;
  const url = new URL(c.req.url);
  const forwarded = (name: string) => (settings.trustProxy ? c.req.header(name)?.split(",")[0]?.trim() : undefined);
  const proto = forwarded("x-forwarded-proto") || url.protocol.replace(":", "");
  const host = forwarded("x-forwarded-host") || url.host;
  return `${proto}://${host}`;
}

/** The caller's network address, for per-address limits (the proxy's X-Forwarded-For only with TRUST_PROXY). */
function clientAddress(c: Context<Env>, settings: Settings): string {
  const forwarded = settings.trustProxy ? c.req.header("x-forwarded-for")?.split(",")[0]?.trim() : undefined;
  if (forwarded) return forwarded;
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Routes a signed-out visitor of a private app may still call: signing in (with a password or a provider), and what the sign-in pages need. */
const PASSWORD_SIGN_IN_ROUTES = /^\/api\/apps\/[^/]+\/auth\/(login|register|reset-password-request|reset-password|logout)$/;
const signedOutRoute = (p: string) => PASSWORD_SIGN_IN_ROUTES.test(p) || SOCIAL_SIGN_IN_ROUTE.test(p);

/** Security headers for pages; the sign-in pages also get a strict CSP (their script and style are inline). */
const PAGE_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Integration input: JSON, or multipart with files read into memory (as the SDK sends File values). */
async function integrationInput(c: Context<Env>): Promise<Record<string, unknown>> {
  if (!(c.req.header("content-type") ?? "").startsWith("multipart/form-data")) return ((await jsonBody(c)) ?? {}) as Record<string, unknown>;
  const form = await c.req.parseBody({ all: false });
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    if (value instanceof File) out[key] = { name: value.name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) } satisfies UploadedFile;
    else if (typeof value === "string") out[key] = /^[[{]/.test(value) ? (jsonParam(value, key) as unknown) : value;
  }
  return out;
}

// Long on purpose: the whole HTTP surface (every route and the guard in front of it) reads top to
// bottom in one place; each route's work lives in the services it calls.
export function createApp(services: Services, settings: Settings, pool: pg.Pool): Hono<Env> {
  const { store, auth, integrations } = services;
  const app = new Hono<Env>();
  const secure = (c: Context<Env>) => origin(c, settings).startsWith("https://");
  // Emailed links never take their host from the request: a forged Host header would send the
  // victim's one-time token to someone else's site.
  const linkBase = () => {
    if (!settings.appUrl) throw notProvided("emailed sign-in links", "set APP_URL to the app's public URL (links in emails are built from it)");
    return settings.appUrl;
  };

  app.onError((error, c) => {
    // `detail` too: Base44's backend answered errors that way, and some apps read it.
    if (error instanceof HttpError) return c.json({ message: error.message, detail: error.message, code: error.code }, error.status as 400);
    console.error(error);
    return c.json({ message: "internal server error", code: "internal" }, 500);
  });

  // Frames, sniffing and referrers, on every response. Other sites may not frame the app; the app may
  // frame its own pages and uploads (a PDF preview). Its own scripts are unknown here: no CSP for the SPA.
  // Sign-in pages are never framed, not even by the app (a framed password form invites clickjacking).
  const framing = (p: string) => (p === "/api/login" || p === "/api/reset-password" ? "DENY" : "SAMEORIGIN");
  app.use("*", (c, next) => secureHeaders({ xFrameOptions: framing(c.req.path), referrerPolicy: "no-referrer", crossOriginResourcePolicy: false, crossOriginOpenerPolicy: false, crossOriginEmbedderPolicy: false, strictTransportSecurity: false })(c, next));

  // Size limits, per kind of route, answered 413 from Content-Length before the body is read.
  app.use("/api/*", async (c, next) => {
    const upload = (c.req.header("content-type") ?? "").startsWith("multipart/form-data");
    const maxSize = signedOutRoute(c.req.path) ? settings.limits.authBytes : upload ? settings.limits.uploadBytes : settings.limits.jsonBytes;
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new HttpError(413, "payload_too_large", `the request body is larger than this route takes (${Math.floor(maxSize / 1024)} KB${upload ? "; MAX_UPLOAD_MB sets uploads" : "; MAX_JSON_KB sets it"})`);
      },
    })(c, next);
  });

  // Who is asking: the session cookie, or a bearer token (auth.setToken / server-to-server).
  app.use("/api/*", async (c, next) => {
    const token = bearer(c.req.header("authorization")) ?? getCookie(c, SESSION_COOKIE);
    const user = await auth.userForToken(token);
    if (user) {
      c.set("user", user);
      c.set("token", token);
    } else if (!settings.publicApp && c.req.path.startsWith("/api/apps/") && !c.req.path.startsWith("/api/apps/public/") && !signedOutRoute(c.req.path)) {
      // A private app (Base44's default): signed-out callers reach nothing but signing in.
      throw unauthorized("sign in first: this app is private (PUBLIC_APP=true opens it to signed-out visitors)");
    }
    await next();
  });

  app.get("/api/health", async (c) => {
    try {
      await pool.query("SELECT 1");
      return c.json({ status: "ok" });
    } catch {
      return c.json({ status: "database unreachable" }, 503);
    }
  });

  const page = (c: Context<Env>, html: string) => {
    c.header("Content-Security-Policy", PAGE_CSP);
    c.header("Cache-Control", "no-store");
    return c.html(html);
  };
  app.get("/api/login", (c) => page(c, loginPage(appConfig.appName, appConfig.appId)));
  app.get("/api/reset-password", (c) => page(c, resetPage(appConfig.appName, appConfig.appId)));
  // The link a new account's verification mail carries: proves the address, then on to the app.
  app.get("/api/verify-email", async (c) => {
    await auth.verifyEmail(c.req.query("token"));
    return c.redirect("/", 303);
  });

  if (settings.storage.driver === "local") {
    const dir = settings.storage.dir;
    mkdirSync(dir, { recursive: true });
    // Any signed-in user may upload, and these files share the app's origin (Base44 served them from
    // its own): an uploaded .html or .svg is never sniffed or run as a page of the app.
    app.use(`${LOCAL_FILES_ROUTE}/*`, async (c, next) => {
      await next();
      c.header("X-Content-Type-Options", "nosniff");
      if (/html|xml/i.test(c.res.headers.get("content-type") ?? "")) c.header("Content-Security-Policy", "sandbox");
    });
    app.use(`${LOCAL_FILES_ROUTE}/*`, serveStatic({ root: dir, rewriteRequestPath: (p) => p.slice(LOCAL_FILES_ROUTE.length) }));
  }

  // Layout B apps ask for the app's public settings before anything else.
  // As Base44's getPublicSettings: a visitor who must sign in gets 403 with reason auth_required (the app then redirects to login).
  app.get("/api/apps/public/prod/public-settings/by-id/:appId", (c) => {
    const visibility = settings.publicApp ? "public" : "private";
    if (!settings.publicApp && !c.get("user")) return c.json({ message: "sign in to use this app", code: "auth_required", extra_data: { reason: "auth_required" } }, 403);
    return c.json({ id: appConfig.appId, public_settings: { visibility } });
  });
  app.post("/api/app-logs/:appId/log-user-in-app/:page", (c) => {
    console.info(JSON.stringify({ event: "page_view", page: c.req.param("page"), user: c.get("user")?.id ?? null, at: new Date().toISOString() }));
    return c.json({ success: true });
  });

  const api = new Hono<Env>();

  // --- auth ---------------------------------------------------------------------------------
  const startSession = (c: Context<Env>, token: string, expires: Date) =>
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: "Lax", path: "/", secure: secure(c), expires });

  api.get("/entities/User/me", (c) => c.json(requireUser(c)));
  api.put("/entities/User/me", async (c) => {
    const user = requireUser(c);
    return c.json(await store.update(store.userEntity, actorOf(c), user.id, await jsonBody(c), { profileOnly: true }));
  });
  api.post("/auth/login", async (c) => {
    const body = ((await jsonBody(c)) ?? {}) as Record<string, unknown>;
    const { user, token, expires } = await auth.login(body.email, body.password, clientAddress(c, settings));
    startSession(c, token, expires);
    return c.json({ access_token: token, user });
  });
  api.post("/auth/logout", async (c) => {
    await auth.endSession(c.get("token"));
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.json({ success: true });
  });
  // As Base44's SDK documents it: register, confirm the address, then loginViaEmailPassword. The
  // answer is the same for a new address and a taken one (no session, no user), so sign-up cannot
  // tell a stranger who has an account; the taken address's owner gets a notice instead.
  api.post("/auth/register", async (c) => {
    const { created, user } = await auth.register(((await jsonBody(c)) ?? {}) as Record<string, unknown>, settings.allowSignup);
    const mailed = (subject: string, html: string, what: string) =>
      // Not awaited: the answer must not wait on SMTP for one case and not the other.
      void integrations.mail(user.email, subject, html).catch((error: unknown) => console.error(`${what} mail failed: ${error instanceof Error ? error.message : String(error)}`));
    if (confirmsAddresses(settings) && created) {
      // Until the address is proved, records are not linked to the account by it (see rules.ts).
      const verify = await auth.createResetToken(user.id, RESET_TTL_HOURS.invite);
      const link = `${linkBase()}/api/verify-email?token=${encodeURIComponent(verify)}`;
      mailed(`Confirm your email for ${appConfig.appName}`, `<p>Open this link to confirm this is your address:</p><p><a href="${link}">${link}</a></p>`, "verification");
    } else if (confirmsAddresses(settings) && !user.disabled && (await auth.resetAllowed(user.email, clientAddress(c, settings)))) {
      const link = `${linkBase()}/api/login`;
      mailed(
        `Someone tried to sign up to ${appConfig.appName} with your email`,
        `<p>Someone (maybe you) tried to create an account with this address, which already has one; nothing was changed.</p><p>Sign in at <a href="${link}">${link}</a>, or use "forgot password" there to set a new password. If it was not you, ignore this mail.</p>`,
        "sign-up notice",
      );
    }
    // The same for a new address and a taken one; it depends on this server's settings only.
    return c.json({ success: true, message: confirmsAddresses(settings) ? "check your inbox for the link that confirms your address, then sign in" : "sign in with this email and password" });
  });
  api.post("/auth/reset-password-request", async (c) => {
    const { email } = ((await jsonBody(c)) ?? {}) as { email?: unknown };
    if (typeof email !== "string" || !email) throw badRequest("email is required");
    linkBase();
    if (!settings.smtp) throw notProvided("password reset by email", "set SMTP_URL and MAIL_FROM, or have an admin run `npm run users -- reset-link <email>`");
    // Over the limit the answer is the same and no mail goes: a stranger can neither flood an inbox nor learn anything.
    if (!(await auth.resetAllowed(email, clientAddress(c, settings)))) return c.json({ success: true });
    const user = await auth.userByEmail(email);
    if (user && !user.disabled) {
      const token = await auth.createResetToken(user.id, RESET_TTL_HOURS.reset);
      const link = `${linkBase()}/api/reset-password?token=${encodeURIComponent(token)}`;
      // Not awaited: the answer must take as long for an unknown address as for a real one.
      void integrations.mail(user.email, `Set your password for ${appConfig.appName}`, `<p>Open this link to set your password (it works once, for an hour):</p><p><a href="${link}">${link}</a></p>`).catch((error: unknown) => console.error(`reset mail failed: ${error instanceof Error ? error.message : String(error)}`));
    }
    // The same answer either way: this endpoint must not tell who has an account.
    return c.json({ success: true });
  });
  api.post("/auth/reset-password", async (c) => {
    const body = ((await jsonBody(c)) ?? {}) as Record<string, unknown>;
    const user = await auth.resetPassword(body.reset_token, body.new_password);
    const { token, expires } = await auth.startSession(user.id);
    startSession(c, token, expires);
    return c.json({ success: true, user });
  });
  api.post("/auth/change-password", async (c) => {
    const user = requireUser(c);
    const body = ((await jsonBody(c)) ?? {}) as Record<string, unknown>;
    await auth.changePassword(user, body.current_password, body.new_password);
    const { token, expires } = await auth.startSession(user.id);
    startSession(c, token, expires);
    return c.json({ success: true });
  });
  const inviteUser = async (c: Context<Env>) => {
    const me = requireUser(c);
    if (!isAdmin({ kind: "user", user: me })) throw forbidden("only an admin may invite users");
    const body = ((await jsonBody(c)) ?? {}) as Record<string, unknown>;
    if (typeof body.user_email !== "string") throw badRequest("user_email is required");
    if (!settings.smtp) throw notProvided("inviting by email", "set SMTP_URL and MAIL_FROM, or run `npm run users -- create <email>` then `reset-link <email>`");
    linkBase();
    const user = await auth.createUser({ email: body.user_email, role: typeof body.role === "string" ? body.role : "user" });
    const token = await auth.createResetToken(user.id, RESET_TTL_HOURS.invite);
    const link = `${linkBase()}/api/reset-password?token=${encodeURIComponent(token)}`;
    await integrations.mail(user.email, `You are invited to ${appConfig.appName}`, `<p>Open this link to set your password and sign in:</p><p><a href="${link}">${link}</a></p>`);
    return c.json(user);
  };
  // auth.inviteUser and (SDK 0.8.50+) users.inviteUser.
  api.post("/users/invite-user", inviteUser);
  api.post("/runtime/users/invite-user", inviteUser);
  for (const otp of ["/auth/verify-otp", "/auth/resend-otp"]) {
    api.post(otp, () => {
      throw notProvided(`one-time codes (${otp})`, "users sign in with email and password; reset links replace codes");
    });
  }

  // --- entities -----------------------------------------------------------------------------
  const listOptions = (c: Context<Env>) => ({
    query: jsonParam(c.req.query("q"), "q"),
    sort: c.req.query("sort") || undefined,
    limit: intParam(c.req.query("limit")),
    skip: intParam(c.req.query("skip")),
    fields: fieldsParam(c.req.query("fields")),
  });
  api.get("/entities/:entity", async (c) => c.json(await store.list(c.req.param("entity"), actorOf(c), listOptions(c))));
  api.get("/entities/:entity/count", async (c) => c.json({ count: await store.count(c.req.param("entity"), actorOf(c), jsonParam(c.req.query("q"), "q")) }));
  api.get("/entities/:entity/v2/list", async (c) =>
    c.json(await store.page(c.req.param("entity"), actorOf(c), { ...listOptions(c), cursor: c.req.query("cursor") || undefined, distinct: c.req.query("distinct") || undefined })),
  );
  api.post("/entities/:entity", async (c) => c.json(await store.create(c.req.param("entity"), actorOf(c), await jsonBody(c))));
  api.post("/entities/:entity/bulk", async (c) => c.json(await store.createMany(c.req.param("entity"), actorOf(c), await jsonBody(c))));
  api.put("/entities/:entity/bulk", async (c) => c.json(await store.bulkUpdate(c.req.param("entity"), actorOf(c), await jsonBody(c))));
  api.patch("/entities/:entity/update-many", async (c) => {
    const body = ((await jsonBody(c)) ?? {}) as { query?: unknown; data?: unknown };
    return c.json(await store.updateMany(c.req.param("entity"), actorOf(c), body.query, body.data));
  });
  api.delete("/entities/:entity", async (c) => c.json(await store.deleteMany(c.req.param("entity"), actorOf(c), await jsonBody(c))));
  for (const unsupported of ["upsert", "aggregate", "import"]) {
    api.post(`/entities/:entity/${unsupported}`, (c) => {
      throw notProvided(`${c.req.param("entity")}.${unsupported === "import" ? "importEntities" : unsupported}`, "use create/update (or bulkCreate/bulkUpdate) instead");
    });
  }
  api.get("/entities/:entity/:id", async (c) => c.json(await store.get(c.req.param("entity"), actorOf(c), c.req.param("id"))));
  api.put("/entities/:entity/:id", async (c) => c.json(await store.update(c.req.param("entity"), actorOf(c), c.req.param("id"), await jsonBody(c))));
  api.delete("/entities/:entity/:id", async (c) => c.json(await store.remove(c.req.param("entity"), actorOf(c), c.req.param("id"))));

  // --- integrations and backend functions ------------------------------------------------------
  api.post("/integration-endpoints/Core/:name", async (c) => {
    const user = requireUser(c);
    const result = await integrations.invoke(c.req.param("name"), await integrationInput(c), { user, origin: origin(c, settings) });
    return c.json(result ?? null);
  });
  api.post("/integration-endpoints/installable/:pkg/integration-endpoints/:name", (c) => {
    throw notProvided(`integration ${c.req.param("pkg")}.${c.req.param("name")}`, "call the service it wrapped from a backend function");
  });
  api.post("/functions/:name", async (c) => {
    const name = c.req.param("name");
    // Own keys only: `constructor` or `hasOwnProperty` is not a backend function.
    const fn = Object.hasOwn(services.functions, name) ? services.functions[name] : undefined;
    if (!fn) {
      if (Object.hasOwn(unconverted, name)) throw notProvided(`backend function ${name}`, `it was not converted from Base44 (${unconverted[name]}); port it into server/functions/`);
      throw notFound(`backend function ${name} does not exist`);
    }
    return fn(bindRequest(c.req.raw, { services, user: c.get("user"), origin: origin(c, settings) }));
  });

  mountSocialSignIn(app, { auth, settings, pool, origin: (c) => origin(c, settings), startSession });
  app.route("/api/apps/:appId", api);
  app.all("/api/*", (c) => c.json({ message: `no API route ${c.req.method} ${c.req.path}`, code: "not_found" }, 404));

  // --- the built SPA, with history fallback ----------------------------------------------------
  const indexFile = path.join(settings.staticDir, "index.html");
  app.use("/*", serveStatic({ root: settings.staticDir }));
  app.get("/*", (c) => {
    if (!existsSync(indexFile)) return c.text(`the app is not built: run \`npm run build\` (no ${indexFile})`, 503);
    // The SPA's own scripts and styles are unknown here: only framing is restricted (secureHeaders above).
    return c.html(readFileSync(indexFile, "utf8"));
  });

  return app;
}
