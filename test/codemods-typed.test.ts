/**
 * The typed fixture project (fixtures/codemods/typed/) against the real SDK packages (tracewire's
 * devDependencies): it type-checks with the real `tsc --noEmit` before, and again after each codemod
 * runs on a fresh copy of it. A codemod whose output does not type-check against the SDK's own types
 * (a wrapper imported from the wrong entry point, an option the SDK does not take) fails here.
 *
 * The untouched copy and one copy per codemod sit side by side under one directory and are checked by
 * a single `tsc` run (the SDKs' declarations are loaded once); errors are attributed by directory.
 */

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { codemods } from '../src/codemod/codemods/index.js';
import { CODEMOD_FIXTURES } from './helpers/codemods.js';
import { ROOT } from './helpers/fixtures.js';

const TYPED = path.join(CODEMOD_FIXTURES, 'typed');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const options: Record<string, string[]> = { 'ai-sdk-telemetry': ['--entry', 'src/index.ts'] };
/** kickoff-callbacks acts on KaibanJS and Mastra, which are not among the typed project's packages. */
const typedCodemods = codemods.filter((c) => c.name !== 'kickoff-callbacks');

function sources(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of fs.readdirSync(path.join(dir, 'src'))) out.set(f, fs.readFileSync(path.join(dir, 'src', f), 'utf8'));
  return out;
}

const runs = new Map<string, { code: number; output: string; changed: string[] }>();
let diagnostics = new Map<string, string[]>();

beforeAll(async () => {
  const root = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'tracewire-typed-'));
  // The packages resolve from tracewire's own node_modules.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const original = sources(TYPED);
  for (const name of ['untouched', ...typedCodemods.map((c) => c.name), 'fix']) {
    const dir = path.join(root, name);
    fs.cpSync(TYPED, dir, { recursive: true });
    if (name === 'untouched') continue;
    let output = '';
    // `fix`: the rules' own fixes, unsafe ones included (wrapped clients, spans, handlers).
    const argv = name === 'fix' ? ['fix', '--unsafe-fixes'] : ['codemod', name, ...(options[name] ?? [])];
    const code = await main(argv, { cwd: dir, stdout: (s) => (output += s), stderr: (s) => (output += s) });
    const changed = [...sources(dir)].filter(([f, t]) => original.get(f) !== t).map(([f]) => f);
    runs.set(name, { code, output, changed });
  }
  const config = JSON.parse(fs.readFileSync(path.join(TYPED, 'tsconfig.json'), 'utf8')) as { compilerOptions: object };
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: config.compilerOptions, include: ['*/src/**/*.ts'] }));
  let out = '';
  try {
    await promisify(execFile)(process.execPath, [TSC, '-p', path.join(root, 'tsconfig.json'), '--noEmit', '--pretty', 'false'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    out = err.stdout || err.stderr || err.message;
  }
  diagnostics = new Map();
  for (const line of out.split('\n').filter(Boolean)) {
    const dir = line.split('/')[0]!;
    (diagnostics.get(dir) ?? diagnostics.set(dir, []).get(dir)!).push(line);
  }
}, 300_000);

describe('codemods on a project typed against the real SDKs', () => {
  it('type-checks before any codemod', () => {
    expect(diagnostics.get('untouched') ?? []).toEqual([]);
    // Nothing outside the copies failed either (a bad tsconfig, a missing package).
    expect([...diagnostics.keys()].filter((d) => d !== 'untouched' && !runs.has(d))).toEqual([]);
  });

  for (const c of [...typedCodemods, { name: 'fix' }]) {
    it(`type-checks after ${c.name === 'fix' ? 'fix --unsafe-fixes' : c.name}`, () => {
      const r = runs.get(c.name)!;
      expect(r.code, r.output).toBe(0);
      expect(r.changed.length, `${c.name} changed nothing:\n${r.output}`).toBeGreaterThan(0);
      expect(diagnostics.get(c.name) ?? [], r.output).toEqual([]);
    });
  }
});
