// @ownit/db: the builder's database out into portable PostgreSQL (Supabase over `pg`, Base44 over
// HTTP), the portable export format, restore, verify, and finding/starting PostgreSQL itself.
export * from "./export-format";
export * from "./pg-binaries";
export * from "./local-server";
