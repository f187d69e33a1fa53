// Logical replication between a live source and its restored target: the slot a follow-ready dump
// reads through, `follow` (publication + subscription + live state) and `cutover`.
export * from "./names";
export * from "./source-checks";
export * from "./slot";
export * from "./follow";
export * from "./write-stop";
export * from "./cutover";
export * from "./publication";
