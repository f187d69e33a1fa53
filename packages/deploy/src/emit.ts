// Which files each deploy target needs, rendered from the deploy view of the project.
import { OwnitError } from "@ownit/core";
import { composeAppLogin, composeRunsSupabase, dockerCompose } from "./compose";
import { EXPORT_DIR_HOST } from "./defaults";
import { dockerfile, NGINX_CONF_PATH } from "./dockerfile";
import { dockerignore } from "./dockerignore";
import { envExample } from "./env-example";
import { flyToml } from "./hosts/fly";
import { netlifyToml } from "./hosts/netlify";
import { railwayJson } from "./hosts/railway";
import { renderYaml } from "./hosts/render";
import { vercelJson } from "./hosts/vercel";
import { nginxConf } from "./nginx";
import { FUNCTIONS_MANIFEST_PATH, FUNCTIONS_ROUTER_PATH, functionsManifest, functionsRouter } from "./edge-functions";
import {
  GATEWAY_CONF_PATH,
  KEYS_SCRIPT_PATH,
  POSTGRES_DOCKERFILE_PATH,
  postgresDockerfile,
  APP_LOGIN_SCRIPT_PATH,
  APP_ROLES_SCRIPT_PATH,
  appLoginScript,
  appRolesScript,
  RESTORE_SCRIPT_PATH,
  restoreExportScript,
  ROLES_SCRIPT_PATH,
  supabaseGatewayConf,
  supabaseKeysScript,
  supabaseRolesScript,
} from "./postgres-init";
import { servedRoutes, serviceLogins } from "./supabase-services";
import type { DeployProject } from "./project";

export const DEPLOY_TARGETS = ["docker", "fly", "render", "railway", "vercel", "netlify"] as const;
export type DeployTarget = (typeof DEPLOY_TARGETS)[number];

export interface EmittedFile {
  path: string;
  content: string;
  /** One line for the plan listing. */
  purpose: string;
}

export interface Emission {
  files: EmittedFile[];
  /** Targets left out, and why (a Node server on a static-only host). */
  skipped: Array<{ target: DeployTarget; reason: string }>;
}

/** Parses --target values ("all", or a comma/space separated list). */
export function parseTargets(values: string[] | string | undefined): DeployTarget[] {
  const raw = (Array.isArray(values) ? values : [values ?? "all"]).flatMap((v) => v.split(/[\s,]+/)).filter(Boolean);
  if (!raw.length || raw.includes("all")) return [...DEPLOY_TARGETS];
  for (const t of raw) {
    if (!(DEPLOY_TARGETS as readonly string[]).includes(t))
      throw new OwnitError(
        "deploy-unknown-target",
        `unknown deploy target "${t}"`,
        `use one of: ${DEPLOY_TARGETS.join(", ")}, all`,
      );
  }
  return [...new Set(raw)] as DeployTarget[];
}

export function emitDeployFiles(p: DeployProject, targets: DeployTarget[]): Emission {
  const files = new Map<string, EmittedFile>();
  const add: AddFile = (path, content, purpose) => files.set(path, { path, content, purpose });
  const skipped: Emission["skipped"] = [];
  const image = () => {
    add(
      "Dockerfile",
      dockerfile(p),
      `multi-stage image: ${p.packageManager.name} build, ${p.runtime === "static" ? "nginx" : "Node"} runtime on port ${p.port}`,
    );
    add(".dockerignore", dockerignore(p), "keeps node_modules, .env files, .git and exports out of the image");
    if (p.runtime === "static")
      add(NGINX_CONF_PATH, nginxConf(p), "nginx: deep links fall back to index.html, hashed assets cached for a year");
  };
  for (const target of targets) {
    switch (target) {
      case "docker":
        image();
        composeFiles(p, add);
        break;
      case "fly":
        image();
        add("fly.toml", flyToml(p), `Fly.io: internal_port ${p.port}, health check ${p.healthPath}`);
        break;
      case "render":
        if (p.runtime === "node") image();
        add(
          "render.yaml",
          renderYaml(p),
          p.runtime === "static" ? "Render static site with the /* → /index.html rewrite" : "Render Docker web service",
        );
        break;
      case "railway":
        image();
        add("railway.json", railwayJson(p), `Railway: Dockerfile build, health check ${p.healthPath}`);
        break;
      case "vercel":
      case "netlify":
        if (p.runtime !== "static") {
          skipped.push({
            target,
            reason: `${target} config here serves static files, and this ${p.framework} app runs a Node server: use docker, fly, render or railway`,
          });
          break;
        }
        if (target === "vercel") add("vercel.json", vercelJson(p), "Vercel: SPA rewrite /(.*) → /index.html");
        else add("netlify.toml", netlifyToml(p), 'Netlify: [[redirects]] from "/*" to "/index.html" status 200');
        break;
    }
  }
  add(".env.example", envExample(p), "every variable the app and these files read, and where");
  return { files: [...files.values()], skipped };
}

type AddFile = (path: string, content: string, purpose: string) => void;

/** The docker target's compose stack: the app, its PostgreSQL and, for supabase-js apps, Supabase's services behind a gateway. */
function composeFiles(p: DeployProject, add: AddFile): void {
  add(
    "docker-compose.yml",
    dockerCompose(p),
    `the app${p.database ? `, PostgreSQL loading ${EXPORT_DIR_HOST} on first start` : ""}${composeRunsSupabase(p) ? ", PostgREST and GoTrue behind one gateway" : ""}`,
  );
  if (p.database) {
    add(RESTORE_SCRIPT_PATH, restoreExportScript(), `loads ${EXPORT_DIR_HOST}/restore.sql into a fresh database`);
    if (p.base44Server)
      add(
        APP_ROLES_SCRIPT_PATH,
        appRolesScript(),
        "creates the server's least-privilege role and the tables' owner, which db:setup logs in as",
      );
    if (composeAppLogin(p))
      add(
        APP_LOGIN_SCRIPT_PATH,
        appLoginScript(),
        "creates the role the app's server logs in as: rows, not the schema, never the superuser",
      );
    if (composeRunsSupabase(p))
      add(
        ROLES_SCRIPT_PATH,
        supabaseRolesScript(serviceLogins(p)),
        `creates one least-privilege login role per service (${serviceLogins(p).join(", ")})`,
      );
  }
  if (composeRunsSupabase(p)) {
    const served = servedRoutes(p);
    add(
      GATEWAY_CONF_PATH,
      supabaseGatewayConf(served),
      `gateway: ${served.map((r) => `${r.path} → ${r.service}`).join(", ")}, / → the app`,
    );
    add(
      KEYS_SCRIPT_PATH,
      supabaseKeysScript(),
      "prints a JWT secret, the anon/service keys signed with it and one password per service",
    );
    if (served.some((r) => r.service === "functions")) {
      add(FUNCTIONS_ROUTER_PATH, functionsRouter(), "serves supabase/functions under Deno, checking each function's verify_jwt");
      add(
        FUNCTIONS_MANIFEST_PATH,
        functionsManifest(p.edgeFunctions),
        `the edge functions and their verify_jwt settings (${p.edgeFunctions.map((f) => `${f.name}: ${f.verifyJwt}`).join(", ")})`,
      );
    }
    if (served.some((r) => r.service === "realtime") && p.database)
      add(POSTGRES_DOCKERFILE_PATH, postgresDockerfile(), "the db image with wal2json, which Realtime reads changes through");
  }
}
