// @ownit/core: project detection, plans, the run ledger (tags, manifests, rollback), file and git helpers, redaction.
export * from "./errors";
export * from "./redact";
export * from "./hash";
export * from "./files";
export * from "./findings";
export * from "./markers";
export * from "./detect/index";
export * from "./changeset";
export * from "./plan";
export * from "./diff";
export * from "./ledger";
export * from "./rollback";
export * from "./apply";
export * as git from "./git";
export { TOOL_VERSION } from "./version";
export * from "./branch";
export * from "./builder-sync";
export * from "./ownit-written";
