// Names ownit gives what it writes, defined once for every package (the CLI's defaults, deploy's mounts, messages).

/** The folder `ownit dump` writes, and restore, verify, follow and deploy read, unless told another. */
export const EXPORT_DIR = "ownit-export";
