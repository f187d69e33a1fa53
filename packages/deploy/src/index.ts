// @ownit/deploy: Dockerfile, .dockerignore, docker-compose.yml, host configs and .env.example
// emitted from the project's facts, as a plan step for `ownit deploy` and `ownit migrate`.
export * from "./defaults";
export type { EnvRead, EnvReader } from "./env-reads";
export { scanEnvReads } from "./env-reads";
export { FUNCTIONS_SOURCE_DIR, SUPABASE_CONFIG } from "./edge-functions";
export type { DeployProject, PackageManagerPlan, NodeRuntime, RuntimeKind } from "./project";
export { DEPLOY_TARGETS, parseTargets, type DeployTarget } from "./emit";
export type { Placement, PlacementStatus } from "./place";
export { deployStep, deploySteps, type DeployStepOptions, type DeployResult } from "./step";
