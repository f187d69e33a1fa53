// Entry of a codemod worker thread. Transforms are TypeScript modules, so the thread first
// registers tsx (as the `ownit` bin does), then loads the worker proper.
import { register } from "tsx/esm/api";

register();
await import("./worker-main.ts");
