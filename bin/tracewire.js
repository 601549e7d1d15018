#!/usr/bin/env node
import { startup } from '../dist/src/cli/startup.js';

// Before the CLI loads: heap tuning, and TypeScript from the V8 code cache (most of the start-up time otherwise).
startup();
const { main } = await import('../dist/src/cli/main.js');

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
