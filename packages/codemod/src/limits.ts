// What the runner refuses to parse, and why: named here so the reasons read the same everywhere.

/** Files larger than this are skipped: hand-written source is never this big (minified bundles, data). */
export const MAX_FILE_BYTES = 1024 * 1024;

/** Finding codes the runner reports for files it could not process. */
export const FILE_FAILED = "codemod-file-failed";
export const FILE_SKIPPED = "codemod-file-skipped";
