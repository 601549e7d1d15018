#!/usr/bin/env node
// `npm test` runs this first: install test/sdk-types, the SDKs that only the catalog's type walk reads
// (test/catalog-types.test.ts: previous major versions, agent frameworks, @types/vscode), from its own
// lockfile. They are not tracewire's devDependencies, so that installing tracewire from its repository
// (pre-commit's `npm install`, a git URL) does not fetch them. Skipped when the installed tree is the
// lockfile's already (npm writes node_modules/.package-lock.json on install).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'sdk-types');
const lock = path.join(dir, 'package-lock.json');
const installed = path.join(dir, 'node_modules', '.package-lock.json');

/** The lockfile's packages, as npm records what it installed (`packages` without the root entry). */
function packagesOf(file) {
  try {
    const { packages = {} } = JSON.parse(fs.readFileSync(file, 'utf8'));
    return JSON.stringify(Object.fromEntries(Object.entries(packages).filter(([k]) => k !== '').map(([k, v]) => [k, v.version]).sort(([a], [b]) => a.localeCompare(b))));
  } catch {
    return undefined;
  }
}

if (packagesOf(installed) !== undefined && packagesOf(installed) === packagesOf(lock)) process.exit(0);
console.error('tracewire: installing the SDK type definitions the catalog tests read (test/sdk-types, once)');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
process.exit(r.status ?? 1);
