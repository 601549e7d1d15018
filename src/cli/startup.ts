/**
 * What the `tracewire` executable does before loading the CLI: keep the heap close to what is live, and
 * load TypeScript from the V8 code cache (see code-cache.ts).
 */

import v8 from 'node:v8';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCommonJs, preloadTypeScript } from './code-cache.js';

/**
 * V8 lets the old generation grow to several times its live size between full collections. A check
 * allocates a syntax tree per file, most of which survives a scavenge or two before it dies, so over
 * 20,000 files the heap would reach gigabytes while the live data (the packed summaries) stays near
 * 100 MB. A growth factor of 1.25 keeps the peak flat in the size of the project, for about 2% more time
 * in the collector. `TRACEWIRE_HEAP_GROWING_PERCENT` overrides it (0: V8's default).
 */
export function tuneHeap(): void {
  const percent = process.env.TRACEWIRE_HEAP_GROWING_PERCENT ?? '25';
  if (!/^\d+$/.test(percent) || percent === '0') return;
  try {
    v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  } catch {
    // an engine without the flag: V8's own heuristics
  }
}

export function startup(): void {
  tuneHeap();
  preloadTypeScript();
}

type Main = (argv: string[]) => Promise<number>;
interface Cli {
  main: Main;
  /** Forget what module-level memos remember (a process that serves several runs: see server.ts). */
  clearRunMemos: () => void;
  /** What a context server started after this run warms up on (see gate.ts). */
  gateWarmup: () => string[] | undefined;
}

/**
 * Whether to start from the bundle `dist/tracewire.cjs` rather than the ES modules of `dist/src`. In an
 * installed copy (no TypeScript sources beside `dist/`: the package ships none), the two come from the
 * same build, whatever times the installer gave the files (npm sets the time of extraction, file by file).
 * In a checkout, where `tsc` alone may have rebuilt the modules since, the bundle must not be older.
 */
export function bundleIsCurrent(packageRoot: string): boolean {
  const bundle = fs.statSync(path.join(packageRoot, 'dist/tracewire.cjs'), { throwIfNoEntry: false });
  if (!bundle) return false;
  if (!fs.existsSync(path.join(packageRoot, 'src/cli/main.ts'))) return true;
  const modules = fs.statSync(path.join(packageRoot, 'dist/src/cli/main.js'), { throwIfNoEntry: false });
  return !modules || bundle.mtimeMs >= modules.mtimeMs;
}

/**
 * The CLI's `main`: from the bundle (one script, through the code cache: see scripts/bundle.mjs) when it
 * is current (see `bundleIsCurrent`), else from the ES modules. `TRACEWIRE_NO_BUNDLE=1` loads the modules.
 */
export async function loadMain(): Promise<Main> {
  return (await loadCli()).main;
}

/** The CLI's module (`main` and what goes with it), from the bundle or the ES modules as `loadMain` says. */
export async function loadCli(): Promise<Cli> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const packageRoot = path.resolve(here, '../../..');
  try {
    if (!process.env.TRACEWIRE_NO_BUNDLE && bundleIsCurrent(packageRoot)) return loadCommonJs(path.join(packageRoot, 'dist/tracewire.cjs'), 'tracewire') as Cli;
  } catch {
    // a bundle that cannot load: the modules
  }
  return (await import('./main.js')) as Cli;
}
