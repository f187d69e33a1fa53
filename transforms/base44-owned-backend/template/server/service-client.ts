// The owned server-side client that backend functions use in place of Base44's SDK:
// `createClientFromRequest(req)` gives the same surface (entities, auth, integrations, functions,
// asServiceRole) working in-process on the request's signed-in user, and `asServiceRole` acts
// with full rights, as Base44's service role did.
import type { AuthService } from "./auth";
import type { EntityStore } from "./entities";
import { forbidden, HttpError, unauthorized } from "./errors";
import { SERVICE_USER_ID, type Integrations } from "./integrations";
import { isAdmin, type Actor, type UserRecord } from "./rules";

export type FunctionHandler = (req: Request) => Response | Promise<Response>;

export interface Services {
  store: EntityStore;
  auth: AuthService;
  integrations: Integrations;
  functions: Record<string, FunctionHandler>;
}

interface RequestContext {
  services: Services;
  user?: UserRecord;
  origin: string;
}

const contexts = new WeakMap<Request, RequestContext>();

/** Ties a request to its user before a backend function sees it. */
export function bindRequest(req: Request, ctx: RequestContext): Request {
  contexts.set(req, ctx);
  return req;
}

function entitiesFor(ctx: RequestContext, actor: Actor) {
  const { store } = ctx.services;
  const handler = (name: string) => ({
    list: (sort?: unknown, limit?: number, skip?: number, fields?: string[] | string) =>
      sort && typeof sort === "object" ? store.page(name, actor, sort as never) : store.list(name, actor, { sort: sort as string | undefined, limit, skip, fields: typeof fields === "string" ? fields.split(",") : fields }),
    filter: (query?: unknown, sort?: unknown, limit?: number, skip?: number, fields?: string[] | string) =>
      sort && typeof sort === "object" ? store.page(name, actor, { ...(sort as object), query }) : store.list(name, actor, { query, sort: sort as string | undefined, limit, skip, fields: typeof fields === "string" ? fields.split(",") : fields }),
    get: (id: string) => store.get(name, actor, id),
    create: (data: unknown) => store.create(name, actor, data),
    bulkCreate: (list: unknown) => store.createMany(name, actor, list),
    update: (id: string, data: unknown) => store.update(name, actor, id, data),
    bulkUpdate: (list: unknown) => store.bulkUpdate(name, actor, list),
    updateMany: (query: unknown, data: unknown) => store.updateMany(name, actor, query, data),
    delete: (id: string) => store.remove(name, actor, id),
    deleteMany: (query: unknown) => store.deleteMany(name, actor, query),
    count: (query?: unknown) => store.count(name, actor, query),
    subscribe: () => {
      throw new HttpError(501, "not_provided", `${name}.subscribe (realtime) is not provided by this server`);
    },
  });
  return new Proxy({} as Record<string, ReturnType<typeof handler>>, {
    get: (_t, name) => (typeof name === "string" && name !== "then" ? handler(name) : undefined),
  });
}

function integrationsFor(ctx: RequestContext, actor: Actor) {
  const integrations = ctx.services.integrations;
  return new Proxy({} as Record<string, Record<string, (input?: Record<string, unknown>) => Promise<unknown>>>, {
    get: (_t, pkg) => {
      if (typeof pkg !== "string" || pkg === "then") return undefined;
      return new Proxy({}, {
        get: (_t2, name) => {
          if (typeof name !== "string" || name === "then") return undefined;
          return async (input: Record<string, unknown> = {}) => {
            if (pkg !== "Core") throw new HttpError(501, "not_provided", `integration ${pkg}.${name} is not provided by this server`);
            // A signed-out caller of a public function is nobody, not the service role.
            if (actor.kind === "anonymous") throw unauthorized("sign in first: integrations act for a signed-in user");
            const user = actor.kind === "user" ? actor.user : ({ id: SERVICE_USER_ID, email: "service", role: "admin" } as UserRecord);
            return integrations.invoke(name, input, { user, origin: ctx.origin });
          };
        },
      });
    },
  });
}

/** functions.invoke(name, data): runs another backend function in-process; resolves like Base44 (`{ data, status }`). */
function functionsFor(ctx: RequestContext, actor: Actor) {
  return {
    async invoke(name: string, data: unknown = {}) {
      const fn = Object.hasOwn(ctx.services.functions, name) ? ctx.services.functions[name] : undefined;
      if (!fn) throw new HttpError(404, "not_found", `backend function ${name} does not exist`);
      const req = new Request(`${ctx.origin}/api/functions/${encodeURIComponent(name)}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(data ?? {}) });
      bindRequest(req, { ...ctx, user: actor.kind === "user" ? actor.user : ctx.user });
      const res = await fn(req);
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: the text as is
      }
      if (!res.ok) {
        const error = new HttpError(res.status, "function_failed", `backend function ${name} answered ${res.status}`);
        Object.assign(error, { response: { status: res.status, data: body } });
        throw error;
      }
      return { data: body, status: res.status, headers: Object.fromEntries(res.headers) };
    },
  };
}

function modulesFor(ctx: RequestContext, actor: Actor) {
  return { entities: entitiesFor(ctx, actor), integrations: integrationsFor(ctx, actor), functions: functionsFor(ctx, actor) };
}

/** The drop-in for `createClientFromRequest` from Base44's SDK in backend functions. */
export function createClientFromRequest(req: Request) {
  const ctx = contexts.get(req);
  if (!ctx) throw new Error("createClientFromRequest: this request did not come through the server's function route");
  const actor: Actor = ctx.user ? { kind: "user", user: ctx.user } : { kind: "anonymous" };
  const { auth } = ctx.services;
  return {
    ...modulesFor(ctx, actor),
    auth: {
      /** The signed-in user; throws 401 for anonymous requests, as the SDK did. */
      async me() {
        if (!ctx.user) throw unauthorized();
        return ctx.user;
      },
      async updateMe(data: Record<string, unknown>) {
        if (!ctx.user) throw unauthorized();
        return ctx.services.store.update(ctx.services.store.userEntity, actor, ctx.user.id, data, { profileOnly: true });
      },
      async isAuthenticated() {
        return Boolean(ctx.user);
      },
    },
    users: {
      /** Only an admin invites, as on the HTTP route: a function passing its caller's input on must not let anyone make accounts. */
      async inviteUser(email: string, role?: string) {
        if (!isAdmin(actor)) throw forbidden("only an admin may invite users");
        return auth.createUser({ email, role: role ?? "user" });
      },
    },
    get asServiceRole() {
      return modulesFor(ctx, { kind: "service" });
    },
  };
}
