// @ownit/db: the builder's database out into portable PostgreSQL (Supabase over `pg`, Base44 over
// HTTP), the portable export format, restore, verify, and finding/starting PostgreSQL itself.
export * from "./export-format";
export * from "./pg-binaries";
export * from "./local-server";
export * from "./supabase-objects";
export * from "./connection";
export * from "./checksum";
export * from "./catalog";
export * from "./prelude";
export * from "./portable-schema";
export * from "./progress";
export * from "./dump";
export * from "./restore";
export * from "./restore-marker";
export * from "./verify";
export * from "./local-db";
export { storageUrlFor } from "./storage";
export * from "./base44/index";
export * from "./schema-changes";
export * from "./helper/index";
export * from "./supabase-target";
export * from "./storage-upload";
export * from "./replication/index";
export * from "./realtime-publication";
export * from "./storage-files";
export * from "./storage-urls";
export * from "./storage-s3";
export * from "./storage-xattrs";
