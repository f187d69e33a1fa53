#!/usr/bin/env node
// The packaged bin's entry (dist/ownit.mjs): the CLI with this process's arguments. In the source
// tree, bin/ownit.mjs does the same through tsx.
import { main } from "./main";

process.exitCode = await main(process.argv.slice(2));
