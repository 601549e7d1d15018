#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { SERVE_FLAG, serve, startServer, viaServer } from '../dist/src/cli/server.js';
import { loadCli, startup } from '../dist/src/cli/startup.js';

const argv = process.argv.slice(2);

if (argv[0] === SERVE_FLAG) {
  // The context server of a folder (see src/cli/server.ts), started by a gate run.
  startup();
  const { main, clearRunMemos } = await loadCli();
  await serve(argv[1], main, clearRunMemos);
} else {
  // A gate run asks the folder's context server first; it answers as this process would, only warm.
  const served = await viaServer(argv);
  if (served !== undefined) process.exitCode = served;
  else {
    // Before the CLI loads: heap tuning, and TypeScript from the V8 code cache (most of the start-up time
    // otherwise); then the CLI itself, bundled into one script and loaded the same way.
    startup();
    const { main, gateWarmup } = await loadCli();
    process.exitCode = await main(argv);
    startServer(argv, fileURLToPath(import.meta.url), gateWarmup());
  }
}
