#!/usr/bin/env node
// The `ownit` bin: loads the TypeScript sources through tsx, then hands over to main.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));
