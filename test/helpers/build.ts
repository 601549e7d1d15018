/**
 * A private build of the CLI for tests that run `tracewire` as a real process (git hooks, workflow command
 * lines): a package directory of its own, so these tests neither depend on a stale dist/ nor disturb it.
 *
 * Made once per test run and shared by every test file (they run in parallel processes): when the
 * repository's dist/ is current (every module compiled after its source changed, as `npm test` leaves it),
 * it is copied, bundle included; otherwise the sources are compiled into it. The first test file that
 * needs it makes it; the others wait for it.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './fixtures.js';

let built: string | undefined;

/** Whether every TypeScript module of the build has a compiled module at least as new, and the bundle is newer than all. */
function distIsCurrent(): boolean {
  const dist = path.join(ROOT, 'dist');
  const bundle = fs.statSync(path.join(dist, 'tracewire.cjs'), { throwIfNoEntry: false });
  if (!bundle) return false;
  for (const dir of ['src', 'rules']) {
    for (const rel of fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[]) {
      if (!rel.endsWith('.ts') || rel.endsWith('.d.ts')) continue;
      const src = fs.statSync(path.join(ROOT, dir, rel)).mtimeMs;
      const out = fs.statSync(path.join(dist, dir, rel.replace(/\.ts$/, '.js')), { throwIfNoEntry: false });
      if (!out || out.mtimeMs < src || bundle.mtimeMs < src) return false;
    }
  }
  return true;
}

function make(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  if (distIsCurrent()) fs.cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
  else {
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist')], { stdio: 'pipe' });
    } catch (e) {
      // Type errors still emit JavaScript (the typecheck is its own test); anything else is fatal.
      if (!fs.existsSync(path.join(dir, 'dist/src/cli/main.js'))) throw e;
    }
  }
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.copyFileSync(path.join(ROOT, 'bin/tracewire.js'), path.join(dir, 'bin/tracewire.js'));
  fs.chmodSync(path.join(dir, 'bin/tracewire.js'), 0o755);
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.mkdirSync(path.join(dir, 'rules'));
  for (const f of fs.readdirSync(path.join(ROOT, 'rules'))) if (f.endsWith('.md')) fs.copyFileSync(path.join(ROOT, 'rules', f), path.join(dir, 'rules', f));
  fs.cpSync(path.join(ROOT, 'schema'), path.join(dir, 'schema'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The package directory of the build: `bin/tracewire.js`, `dist/`, `package.json`, `rules/*.md`, `schema/`, `node_modules` (linked). */
export function buildPackage(): string {
  if (built) return built;
  const run = process.env.TRACEWIRE_TEST_RUN_DIR;
  if (!run) {
    // Outside the test run's setup: a build of this process's own.
    const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'tracewire-pkg-'));
    fs.rmdirSync(dir);
    make(dir);
    return (built = dir);
  }
  const dir = path.join(run, 'pkg');
  const ready = path.join(run, 'pkg.ready');
  const failed = path.join(run, 'pkg.failed');
  let mine = false;
  try {
    fs.mkdirSync(path.join(run, 'pkg.lock'));
    mine = true;
  } catch {
    // another test file makes it
  }
  if (mine) {
    try {
      make(dir);
      fs.writeFileSync(ready, '');
    } catch (e) {
      fs.writeFileSync(failed, String((e as Error).stack ?? e));
      throw e;
    }
  } else {
    for (let waited = 0; !fs.existsSync(ready); waited += 200) {
      if (fs.existsSync(failed)) throw new Error(`the test build failed in another test file:\n${fs.readFileSync(failed, 'utf8')}`);
      if (waited > 600_000) throw new Error('the test build did not finish within 10 minutes');
      sleep(200);
    }
  }
  return (built = dir);
}

/** The built `tracewire` executable. */
export function tracewireBin(): string {
  return path.join(buildPackage(), 'bin/tracewire.js');
}
