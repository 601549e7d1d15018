#!/usr/bin/env node
import { loadMain, startup } from '../dist/src/cli/startup.js';

// Before the CLI loads: heap tuning, and TypeScript from the V8 code cache (most of the start-up time
// otherwise); then the CLI itself, bundled into one script and loaded the same way.
startup();
const main = await loadMain();

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
