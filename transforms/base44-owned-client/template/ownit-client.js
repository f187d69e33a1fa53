// The app's own API client, written by ownit in place of Base44's SDK. It keeps the surface the
// app already calls (base44.entities.<Name>.list/filter/get/create/update/delete/…, base44.auth.*,
// base44.integrations.Core.*, base44.functions.invoke) and the same wire protocol, but talks to
// the app's own server (server/ in this project) on the same origin. Sign-in is an httpOnly
// session cookie the server sets; nothing secret is kept in the browser.

/** An error with the fields Base44's SDK errors had (`status`, `data`, `code`) and axios's `response`. */
export class ApiError extends Error {
  constructor(message, status, data) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = data && typeof data === "object" ? data.code : undefined;
    this.data = data;
    this.response = { status, data };
  }
}

/** Base44's own hosts: the app no longer talks to them, so a serverUrl naming one means "this origin". */
const BASE44_HOSTS = /(^|\.)base44\.(app|com)$/i;

function ownServerUrl(serverUrl) {
  if (!serverUrl) return "";
  try {
    if (BASE44_HOSTS.test(new URL(serverUrl).hostname)) return "";
  } catch {
    // a relative URL: keep it
  }
  return serverUrl.replace(/\/$/, "");
}

function hasFile(data) {
  return typeof File !== "undefined" && data && typeof data === "object" && Object.values(data).some((v) => v instanceof File);
}

/** Objects with File values go as multipart, as the SDK sent them; everything else as JSON. */
function encodeBody(data) {
  if (data === undefined) return {};
  if (typeof FormData !== "undefined" && data instanceof FormData) return { body: data };
  if (hasFile(data)) {
    const form = new FormData();
    for (const [key, value] of Object.entries(data)) {
      if (value instanceof File) form.append(key, value, value.name);
      else if (value !== null && typeof value === "object") form.append(key, JSON.stringify(value));
      else if (value !== undefined) form.append(key, value);
    }
    return { body: form };
  }
  return { body: JSON.stringify(data), headers: { "Content-Type": "application/json" } };
}

/** The response's body (its JSON, or the text when it is not JSON); a failed status throws an ApiError with the server's message. */
async function readResponse(res, method, path) {
  const text = await res.text();
  let body = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  if (!res.ok) throw new ApiError((body && typeof body === "object" && (body.message || body.detail)) || `${method} ${path} failed with ${res.status}`, res.status, body);
  return body;
}

/**
 * The small HTTP helper some exports import from the SDK's `dist/utils/axios-client` (layout B's
 * AuthContext reads the app's public settings with it): get/post/put/patch/delete resolving to
 * the response body, errors as ApiError, against this app's own server.
 */
export function createAxiosClient({ baseURL = "", headers = {}, token } = {}) {
  const call = async (method, url, data, config = {}) => {
    const query = new URLSearchParams(Object.entries(config.params ?? {}).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)])).toString();
    const encoded = encodeBody(data);
    const res = await fetch(`${baseURL}${url}${query ? `?${query}` : ""}`, {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json", ...headers, ...(encoded.headers ?? {}), ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(config.headers ?? {}) },
      body: encoded.body,
    });
    return readResponse(res, method, url);
  };
  return {
    get: (url, config) => call("GET", url, undefined, config),
    delete: (url, config) => call("DELETE", url, config?.data, config),
    post: (url, data, config) => call("POST", url, data, config),
    put: (url, data, config) => call("PUT", url, data, config),
    patch: (url, data, config) => call("PATCH", url, data, config),
  };
}

function notProvided(what, hint) {
  return new Error(`${what} is not provided by this app's own server: ${hint}`);
}

/**
 * Live updates for `entities.<Name>.subscribe(callback)`, as the SDK gave them: the callback gets
 * `{ type: "create" | "update" | "delete", id, data, timestamp }` (the SDK's RealtimeEvent) and
 * subscribe returns the function that stops it. One WebSocket per client, to the server's
 * /api/apps/<appId>/realtime; it signs in with the first message (the token, when the app set one;
 * otherwise the session cookie), never with a token in the URL. The server sends each user only
 * what their read rules let them read. A lost connection is retried; an ended session is not.
 * The returned function also carries `ready`, a promise that settles once the server confirmed.
 */
function createRealtime({ url, WebSocketImpl, getToken }) {
  const listeners = new Map();
  const confirmations = new Map();
  let socket;
  let open = false;
  let retryMs = 500;
  let sessionEnded = false;

  const sendMessage = (message) => {
    if (socket && open && socket.readyState === 1) socket.send(JSON.stringify(message));
  };
  const confirm = (entity) => {
    for (const resolve of confirmations.get(entity) ?? []) resolve();
    confirmations.delete(entity);
  };

  function connect() {
    if (socket || sessionEnded) return;
    if (!WebSocketImpl) throw notProvided("realtime subscriptions in this environment", "pass a WebSocket implementation as createOwnedClient({ WebSocket })");
    const ws = new WebSocketImpl(url());
    socket = ws;
    open = false;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: "auth", token: getToken() }));
    };
    ws.onmessage = (message) => {
      let msg;
      try {
        msg = JSON.parse(typeof message.data === "string" ? message.data : String(message.data));
      } catch {
        return;
      }
      if (msg.type === "ready") {
        open = true;
        retryMs = 500;
        for (const entity of listeners.keys()) sendMessage({ type: "subscribe", entity });
      } else if (msg.type === "subscribed") {
        confirm(msg.entity);
      } else if (msg.type === "event") {
        for (const callback of listeners.get(msg.entity) ?? []) {
          try {
            callback(msg.event);
          } catch (error) {
            console.error("[ownit] subscription callback error:", error);
          }
        }
      }
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = undefined;
      open = false;
      if (event.code === 4401) {
        sessionEnded = true;
        console.warn("[ownit] live updates stopped: the session ended (sign in again)");
        return;
      }
      if (listeners.size) setTimeout(connect, (retryMs = Math.min(retryMs * 2, 30_000)));
    };
  }

  function subscribe(entity, callback) {
    if (typeof callback !== "function") throw new TypeError(`${entity}.subscribe needs a callback`);
    const set = listeners.get(entity) ?? new Set();
    const first = !set.size;
    set.add(callback);
    listeners.set(entity, set);
    const ready = new Promise((resolve) => confirmations.set(entity, [...(confirmations.get(entity) ?? []), resolve]));
    if (first) sendMessage({ type: "subscribe", entity });
    else if (open) confirm(entity);
    connect();
    const unsubscribe = () => {
      set.delete(callback);
      if (set.size) return;
      listeners.delete(entity);
      sendMessage({ type: "unsubscribe", entity });
      if (!listeners.size && socket) {
        const ws = socket;
        socket = undefined;
        ws.close(1000);
      }
    };
    unsubscribe.ready = ready;
    return unsubscribe;
  }

  /** Signs in again as the new token's user (or the cookie's), keeping the subscriptions. */
  function reconnect() {
    sessionEnded = false;
    if (!socket) {
      if (listeners.size) connect();
      return;
    }
    const ws = socket;
    socket = undefined;
    ws.close(1000);
    if (listeners.size) connect();
  }

  return { subscribe, reconnect };
}

/**
 * createOwnedClient({ appId, serverUrl, token, requiresAuth, fetch, WebSocket }): the drop-in for
 * `createClient` from Base44's SDK. `serverUrl` defaults to this origin; `fetch` and `WebSocket`
 * let tests and server code pass their own.
 */
export function createOwnedClient(config = {}) {
  const appId = String(config.appId ?? "app");
  const root = ownServerUrl(config.serverUrl);
  const base = `${root}/api/apps/${encodeURIComponent(appId)}`;
  const doFetch = config.fetch ?? ((...args) => globalThis.fetch(...args));
  let token = config.token || undefined;
  const realtime = createRealtime({
    url: () => {
      const url = new URL(`${base}/realtime`, root || window.location.origin);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      return url.href;
    },
    WebSocketImpl: config.WebSocket ?? globalThis.WebSocket,
    getToken: () => token,
  });

  /** One request; `outsideApp` paths sit beside /api/apps/<appId> rather than under it. */
  async function send(method, path, { query, data, raw, outsideApp } = {}) {
    const url = new URL(`${outsideApp ? `${root}/api` : base}${path}`, root || (typeof window !== "undefined" ? window.location.origin : "http://localhost"));
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, String(value));
    const encoded = encodeBody(data);
    const headers = { Accept: "application/json", "X-App-Id": appId, ...(encoded.headers ?? {}) };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await doFetch(root || typeof window === "undefined" ? url.href : `${url.pathname}${url.search}`, { method, headers, body: encoded.body, credentials: "same-origin" });
    const body = await readResponse(res, method, path);
    if (raw) return { data: body, status: res.status, statusText: res.statusText, headers: Object.fromEntries(res.headers.entries()) };
    return body;
  }

  const readParams = (sort, limit, skip, fields, query) => ({
    q: query === undefined ? undefined : JSON.stringify(query),
    sort: sort || undefined,
    limit: limit || undefined,
    skip: skip || undefined,
    fields: Array.isArray(fields) ? fields.join(",") : fields || undefined,
  });
  const isPageOptions = (value) => typeof value === "object" && value !== null;
  const pageParams = (options, query) => ({
    q: query === undefined ? undefined : JSON.stringify(query),
    limit: options.limit || 100,
    cursor: options.cursor || undefined,
    sort: options.sort || undefined,
    fields: Array.isArray(options.fields) ? options.fields.join(",") : options.fields || undefined,
  });

  function entityHandler(name) {
    const path = `/entities/${encodeURIComponent(name)}`;
    return {
      list: (sort, limit, skip, fields) =>
        isPageOptions(sort) ? send("GET", `${path}/v2/list`, { query: pageParams(sort) }) : send("GET", path, { query: readParams(sort, limit, skip, fields) }),
      filter: (query, sort, limit, skip, fields) =>
        isPageOptions(sort) ? send("GET", `${path}/v2/list`, { query: pageParams(sort, query) }) : send("GET", path, { query: readParams(sort, limit, skip, fields, query) }),
      get: (id) => send("GET", `${path}/${encodeURIComponent(id)}`),
      create: (data) => send("POST", path, { data }),
      update: (id, data) => send("PUT", `${path}/${encodeURIComponent(id)}`, { data }),
      delete: (id) => send("DELETE", `${path}/${encodeURIComponent(id)}`),
      deleteMany: (query) => send("DELETE", path, { data: query }),
      bulkCreate: (list) => send("POST", `${path}/bulk`, { data: list }),
      bulkUpdate: (list) => send("PUT", `${path}/bulk`, { data: list }),
      updateMany: (query, data) => send("PATCH", `${path}/update-many`, { data: { query, data } }),
      count: async (query) => (await send("GET", `${path}/count`, { query: { q: query === undefined ? undefined : JSON.stringify(query) } })).count,
      upsert: () => Promise.reject(notProvided(`${name}.upsert`, "use filter then create or update")),
      aggregate: () => Promise.reject(notProvided(`${name}.aggregate`, "list the records and group them in the app, or add a backend function")),
      importEntities: () => Promise.reject(notProvided(`${name}.importEntities`, "parse the file in the app and use bulkCreate")),
      subscribe: (callback) => realtime.subscribe(name, callback),
    };
  }

  const entities = new Proxy({}, {
    get(_target, name) {
      if (typeof name !== "string" || name === "then" || name.startsWith("_")) return undefined;
      return entityHandler(name);
    },
  });

  const inBrowser = typeof window !== "undefined";
  const auth = {
    me: () => send("GET", "/entities/User/me"),
    updateMe: (data) => send("PUT", "/entities/User/me", { data }),
    async isAuthenticated() {
      try {
        await auth.me();
        return true;
      } catch {
        return false;
      }
    },
    /** Sends the browser to the sign-in page the server hosts; `nextUrl` is where it comes back. */
    redirectToLogin(nextUrl) {
      if (!inBrowser) throw new Error("redirectToLogin only works in a browser");
      const back = nextUrl ? new URL(nextUrl, window.location.origin).toString() : window.location.href;
      window.location.href = `${root}/api/login?from_url=${encodeURIComponent(back)}`;
    },
    async loginViaEmailPassword(email, password) {
      const { access_token, user } = await send("POST", "/auth/login", { data: { email, password } });
      token = access_token;
      realtime.reconnect();
      return { access_token, user };
    },
    /** Ends the session on the server, then reloads (or goes to `redirectUrl`), as the SDK did. */
    async logout(redirectUrl) {
      try {
        await send("POST", "/auth/logout");
      } finally {
        token = undefined;
        realtime.reconnect();
        if (inBrowser) {
          if (redirectUrl) window.location.href = redirectUrl;
          else window.location.reload();
        }
      }
    },
    setToken(newToken) {
      if (newToken) token = newToken;
      realtime.reconnect();
    },
    register: (payload) => send("POST", "/auth/register", { data: payload }),
    inviteUser: (userEmail, role) => send("POST", "/users/invite-user", { data: { user_email: userEmail, role } }),
    resetPasswordRequest: (email) => send("POST", "/auth/reset-password-request", { data: { email } }),
    resetPassword: ({ resetToken, newPassword }) => send("POST", "/auth/reset-password", { data: { reset_token: resetToken, new_password: newPassword } }),
    changePassword: ({ currentPassword, newPassword }) => send("POST", "/auth/change-password", { data: { current_password: currentPassword, new_password: newPassword } }),
    verifyOtp: () => Promise.reject(notProvided("verifyOtp", "users sign in with email and password")),
    resendOtp: () => Promise.reject(notProvided("resendOtp", "users sign in with email and password")),
    /**
     * Sends the browser to the server's sign-in with `provider` (OpenID Connect), as the SDK did:
     * /api/apps/auth/login for Google, /api/apps/auth/<provider>/login for others. The server
     * comes back to `fromUrl` (a page of this app only) with the session cookie set.
     */
    loginWithProvider(provider, fromUrl = "/") {
      if (!inBrowser) throw new Error("loginWithProvider only works in a browser");
      const back = new URL(fromUrl, window.location.origin).toString();
      const segment = provider === "google" ? "" : `/${encodeURIComponent(provider)}`;
      window.location.href = `${root}/api/apps/auth${segment}/login?app_id=${encodeURIComponent(appId)}&from_url=${encodeURIComponent(back)}`;
    },
  };

  function integrationPackage(pkg) {
    return new Proxy({}, {
      get(_target, endpoint) {
        if (typeof endpoint !== "string" || endpoint === "then" || endpoint.startsWith("_")) return undefined;
        return (data) => {
          if (typeof data === "string") return Promise.reject(new Error(`Integration ${endpoint} must receive an object with named parameters, received: ${data}`));
          const path = pkg === "Core" ? `/integration-endpoints/Core/${endpoint}` : `/integration-endpoints/installable/${pkg}/integration-endpoints/${endpoint}`;
          return send("POST", path, { data: data ?? {} });
        };
      },
    });
  }
  const integrations = new Proxy({}, {
    get(_target, pkg) {
      if (typeof pkg !== "string" || pkg === "then" || pkg.startsWith("_")) return undefined;
      return integrationPackage(pkg);
    },
  });

  /** invoke(name, data) resolves to the raw response (`res.data` is the function's JSON), as the SDK did. */
  const invoke = (name, data) => {
    if (typeof data === "string") return Promise.reject(new Error(`Function ${name} must receive an object with named parameters, received: ${data}`));
    return send("POST", `/functions/${encodeURIComponent(name)}`, { data: data ?? {}, raw: true });
  };
  // Older exports call functions by name (`base44.functions.weeklyDigest(data)`): that is invoke too.
  const functions = new Proxy({ invoke }, {
    get(target, name) {
      if (name === "invoke") return target.invoke;
      if (typeof name !== "string" || name === "then" || name.startsWith("_")) return undefined;
      return (data) => invoke(name, data);
    },
  });

  const client = {
    entities,
    auth,
    integrations,
    functions,
    users: {
      inviteUser: (userEmail, role) => send("POST", "/users/invite-user", { data: { user_email: userEmail, role } }),
    },
    appLogs: {
      logUserInApp: (pageName) => send("POST", `/app-logs/${encodeURIComponent(appId)}/log-user-in-app/${encodeURIComponent(pageName)}`, { outsideApp: true }).then(() => undefined),
    },
    agents: new Proxy({}, {
      get(_target, name) {
        if (typeof name !== "string" || name === "then") return undefined;
        return () => {
          throw notProvided(`agents.${name} (Base44 AI agents)`, "see the migration findings; build the agent on InvokeLLM in a backend function");
        };
      },
    }),
    // Base44's own product analytics: there is nothing of the app's to keep, so calls do nothing.
    analytics: { track() {}, identify() {}, flush() {} },
    setToken(newToken) {
      auth.setToken(newToken);
    },
    getConfig() {
      return { serverUrl: root, appId, requiresAuth: Boolean(config.requiresAuth) };
    },
    cleanup() {},
    get asServiceRole() {
      throw new Error("asServiceRole is for server code only (backend functions in server/functions/)");
    },
  };

  if (config.requiresAuth && inBrowser) {
    // As the SDK did: check once the page has loaded, and send strangers to sign in.
    setTimeout(async () => {
      if (!(await auth.isAuthenticated())) auth.redirectToLogin(window.location.href);
    }, 0);
  }
  return client;
}
