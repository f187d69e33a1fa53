// The codemods a packaged ownit carries inside its bundle. In the source tree there are none:
// transforms are found by folder (discover.ts). The package build (scripts/package/build.ts)
// replaces this module with one lazy import per transforms/ folder, so the bundle needs no
// TypeScript loader and loads a codemod only when a run needs it.
import type { Codemod } from "./types";

export type BundledTransforms = Record<string, () => Promise<{ default?: Partial<Codemod> }>>;

export const BUNDLED_TRANSFORMS: BundledTransforms | undefined = undefined;
