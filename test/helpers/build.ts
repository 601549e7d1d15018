/**
 * A private build of the CLI for tests that run `tracewire` as a real process (git hooks, workflow command
 * lines): compiled from the current sources into a temporary package directory, so these tests neither
 * depend on nor disturb the repository's own dist/.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './fixtures.js';

let built: string | undefined;

/** The package directory of the build: `bin/tracewire.js`, `dist/`, `package.json`, `rules/*.md`, `node_modules` (linked). */
export function buildPackage(): string {
  if (built) return built;
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'tracewire-pkg-'));
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist')], {
      stdio: 'pipe',
    });
  } catch (e) {
    // Type errors still emit JavaScript (the typecheck is its own test); anything else is fatal.
    if (!fs.existsSync(path.join(dir, 'dist/src/cli/main.js'))) throw e;
  }
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.copyFileSync(path.join(ROOT, 'bin/tracewire.js'), path.join(dir, 'bin/tracewire.js'));
  fs.chmodSync(path.join(dir, 'bin/tracewire.js'), 0o755);
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.mkdirSync(path.join(dir, 'rules'));
  for (const f of fs.readdirSync(path.join(ROOT, 'rules'))) if (f.endsWith('.md')) fs.copyFileSync(path.join(ROOT, 'rules', f), path.join(dir, 'rules', f));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  built = dir;
  return dir;
}

/** The built `tracewire` executable. */
export function tracewireBin(): string {
  return path.join(buildPackage(), 'bin/tracewire.js');
}
