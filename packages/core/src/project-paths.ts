// Folders ownit names in an owner's project, so every command, generated file and hint agrees.

/** The folder `ownit dump` writes and `restore`, `verify`, `follow`, `cutover` and compose read (./ownit-export). */
export const EXPORT_DIR = "ownit-export";
