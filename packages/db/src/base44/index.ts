// Base44 → portable PostgreSQL: entity schemas as tables, records as rows, entity discovery in an
// exported project, the HTTP client, file URLs, and `ownit dump base44` (dump.ts).
export * from "./constants";
export * from "./schema";
export * from "./records";
export * from "./discover";
export * from "./client";
export * from "./files";
export * from "./entities-file";
export * from "./dump";
