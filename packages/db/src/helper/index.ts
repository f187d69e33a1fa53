// The export helper: the edge function `ownit helper` writes, and the client side that dumps through it.
export * from "./export-helper";
export * from "./client";
export * from "./dump-via";
export * from "./secrets-file";
export { openHelperTunnel, type HelperTunnel } from "./tunnel";
