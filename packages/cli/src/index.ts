// ownit CLI entry points, for tests and embedding.
export { main, buildProgram } from "./main";
export type { CliContext } from "./context";
export { defaultMigrationSteps } from "./pipeline";
export { TRANSFORMS_DIR } from "./transforms-dir";
