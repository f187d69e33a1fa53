// The ownit CLI as the kill harness runs it in a child process: the real main and process context,
// with the harness's small migration steps. The harness bundles this file once (esbuild) so each
// of its hundreds of child processes starts in a fraction of the time tsx would take.
import { main } from "../../packages/cli/src/main";
import { processContext } from "../../packages/cli/src/context";
import { crashSteps } from "./steps";

process.exitCode = await main(process.argv.slice(2), processContext(crashSteps));
