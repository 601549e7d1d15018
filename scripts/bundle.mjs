#!/usr/bin/env node
// Part of `npm run build`: the CLI as one CommonJS file, `dist/tracewire.cjs`.
//
// Started as ES modules, the CLI resolves, reads and compiles some 170 modules (its own and zod's) on
// every run: about 150 ms, more than a pre-commit run's whole analysis. One script is compiled once
// and, like TypeScript itself, loaded through a V8 code cache (src/cli/code-cache.ts) by
// `bin/tracewire.js`. TypeScript, ts-morph and the packages loaded with `createRequire` stay outside
// the bundle; the ES module build next to it (dist/src) remains the library, the ESLint plugin and the
// worker threads' entry.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  absWorkingDir: ROOT,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/tracewire.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['typescript', 'ts-morph', 'eslint', '@typescript-eslint/*'],
  // Every module of the bundle sees the bundle's own location (paths are found by walking up from it).
  define: { 'import.meta.url': '__tracewireBundleUrl', 'import.meta.dirname': '__dirname' },
  banner: { js: "const __tracewireBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'none',
  logLevel: 'warning',
});
