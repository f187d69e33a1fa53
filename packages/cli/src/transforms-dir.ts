// Where ownit's codemods are: the repository's transforms/ folder, one folder per codemod. The CLI
// hands this path to @ownit/codemod, which knows no repository layout. In the packaged ownit the
// same relative path is dist/transforms (their templates; the code is compiled into the bundle).
import path from "node:path";

export const TRANSFORMS_DIR = path.resolve(import.meta.dirname, "..", "..", "..", "transforms");
