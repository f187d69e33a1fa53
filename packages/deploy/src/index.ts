// @ownit/deploy: Dockerfile, .dockerignore, docker-compose.yml, host configs and .env.example
// emitted from the project's facts, as a plan step for `ownit deploy` and `ownit migrate`.
export * from "./defaults";
export { scanEnvReads, publicPrefixes, declaredNames, type EnvRead, type EnvReader } from "./env-reads";
export { readDeployProject, type DeployProject, type PackageManagerPlan, type NodeRuntime, type RuntimeKind } from "./project";
export { dockerfile, NGINX_CONF_PATH } from "./dockerfile";
export { nginxConf } from "./nginx";
export { dockerignore } from "./dockerignore";
export { dockerCompose, composeRunsSupabase } from "./compose";
export { INIT_DIR, RESTORE_SCRIPT_PATH, ROLES_SCRIPT_PATH, GATEWAY_CONF_PATH, KEYS_SCRIPT_PATH, restoreExportScript, supabaseRolesScript, supabaseGatewayConf, supabaseKeysScript } from "./postgres-init";
export { flyToml } from "./hosts/fly";
export { renderYaml } from "./hosts/render";
export { railwayJson } from "./hosts/railway";
export { vercelJson } from "./hosts/vercel";
export { netlifyToml } from "./hosts/netlify";
export { envExample, envSections } from "./env-example";
export { DEPLOY_TARGETS, emitDeployFiles, parseTargets, type DeployTarget, type EmittedFile, type Emission } from "./emit";
export { placeFiles, type Placement, type PlacementStatus } from "./place";
export { deployStep, deploySteps, type DeployStepOptions, type DeployResult } from "./step";
