// The deploy emit as a plan step: `ownit deploy` plans it alone, `ownit migrate` plans it after the
// codemods, so it reads the project as they leave it.
import { finding, isOwnitError, isSecretName, type Step } from "@ownit/core";
import { composeAppLogin } from "./compose";
import { APP_SERVER_LOGINS, COMPOSE_PUBLIC_URL, POSTGRES_SUPERUSER } from "./defaults";
import { FUNCTIONS_SOURCE_DIR, supabaseDeployCommands } from "./edge-functions";
import { emitDeployFiles, parseTargets, type DeployTarget } from "./emit";
import { placeFiles, type Placement } from "./place";
import { readDeployProject, type DeployProject } from "./project";

export interface DeployStepOptions {
  targets?: DeployTarget[];
  /** Fail the plan when the project cannot be deployed (ownit deploy); migrate only reports it. */
  strict?: boolean;
  onPlaced?(result: DeployResult): void;
}

export interface DeployResult {
  project: DeployProject;
  placements: Placement[];
  skipped: Array<{ target: DeployTarget; reason: string }>;
}

export function deployStep(options: DeployStepOptions = {}): Step {
  const targets = options.targets ?? parseTargets("all");
  return {
    id: "deploy:emit",
    title: `deploy files for ${targets.join(", ")}`,
    kind: "emit",
    plan(ctx) {
      let project: DeployProject;
      try {
        project = readDeployProject(ctx.project, ctx.files);
      } catch (error) {
        if (options.strict || !isOwnitError(error)) throw error;
        ctx.report(
          finding({
            severity: "low",
            code: "deploy-not-emitted",
            message: `no deploy files: ${error.message}`,
            hint: error.hint,
          }),
        );
        return;
      }
      const emission = emitDeployFiles(project, targets);
      const placements = placeFiles(ctx, project, emission.files, { force: Boolean(ctx.options.force) });
      for (const s of emission.skipped)
        ctx.report(finding({ severity: "info", code: "deploy-target-skipped", message: `${s.target}: ${s.reason}` }));
      for (const v of project.buildEnv.filter((e) => isSecretName(e.name))) {
        ctx.report(
          finding({
            severity: "high",
            code: "deploy-secret-build-arg",
            file: v.files[0],
            message: `${v.name} is a build argument because the code reads it, and the build bakes it into the browser bundle`,
            hint: "rotate the key and move the code that uses it to a server; until then do not give it a real service key",
          }),
        );
      }
      if (project.supabase.used && !(project.supabase.urlVar && project.supabase.keyVar)) {
        ctx.report(
          finding({
            severity: "medium",
            code: "deploy-supabase-client-hardcoded",
            message:
              "the Supabase client does not read its URL and key from VITE_* variables, so the deploy files cannot point it at your own services",
            hint: "read them with import.meta.env (e.g. VITE_SUPABASE_URL, VITE_SUPABASE_PUBLISHABLE_KEY), then run ownit deploy again",
          }),
        );
      }
      if (project.edgeFunctions.length) {
        ctx.report(
          finding({
            severity: "info",
            code: "deploy-functions-on-supabase",
            file: FUNCTIONS_SOURCE_DIR,
            message: `docker-compose.yml runs ${project.edgeFunctions.length} edge function(s) itself; to host them on a Supabase project of your own instead: ${supabaseDeployCommands(project.edgeFunctions, project.functionSecrets).join(" && ")}`,
          }),
        );
      }
      if (targets.includes("docker") && composeAppLogin(project)) {
        const tools = project.schemaTools;
        ctx.report(
          finding({
            severity: tools.length ? "medium" : "info",
            code: "deploy-app-role-no-ddl",
            message: `in docker-compose.yml the app's server connects as ${APP_SERVER_LOGINS.runtime.role}, which reads and writes rows but may not change the schema${tools.length ? `: a migration ${tools.join(", ")} runs when the server starts fails with "permission denied for schema public"` : ""}`,
            hint: `run migrations as the superuser before the app starts (docker compose exec db psql -U ${POSTGRES_SUPERUSER}, or the tool with a URL holding POSTGRES_PASSWORD), never from the app's container`,
          }),
        );
      }
      for (const provider of project.uses.oauthProviders) {
        const P = provider.toUpperCase();
        ctx.report(
          finding({
            severity: "medium",
            code: "deploy-oauth-redirect-url",
            message: `the app signs in with ${provider}: register <PUBLIC_URL>/auth/v1/callback (${COMPOSE_PUBLIC_URL}/auth/v1/callback locally) as the redirect URL in ${provider}'s console`,
            hint: `then set ${P}_ENABLED=true, ${P}_CLIENT_ID and ${P}_SECRET in .env; users who signed in with ${provider} before keep their account (GoTrue matches auth.identities)`,
          }),
        );
      }
      ctx.record("deploy", {
        framework: project.framework,
        runtime: project.runtime,
        port: project.port,
        targets,
        files: placements.map((p) => ({ path: p.path, writtenTo: p.writtenTo, status: p.status })),
      });
      options.onPlaced?.({ project, placements, skipped: emission.skipped });
    },
  };
}

/** The migrate pipeline's provider: one deploy step for every target, after the codemods. */
export function deploySteps(): Step[] {
  return [deployStep()];
}
