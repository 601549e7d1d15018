/**
 * The plugin the way a user's editor integration loads it: an `eslint.config.mjs` that imports
 * `tracewire/eslint-plugin` (the package's export, from dist/) and `@typescript-eslint/parser`, run by
 * the `eslint` binary (ESLint 10 and ESLint 9) over a copy of fixtures/sample-app/. Its findings must
 * be exactly the CLI's for the same project.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles } from '../src/engine/files.js';
import { runIn } from './helpers/engine.js';
import { FIXTURES, ROOT } from './helpers/fixtures.js';

const CONFIG = `import tsParser from '@typescript-eslint/parser';
import tracewire from 'tracewire/eslint-plugin';

export default [
  { files: ['**/*.ts'], languageOptions: { parser: tsParser } },
  tracewire.configs.recommended,
];
`;

function userProject(): string {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'tracewire-eslint-'));
  fs.cpSync(path.join(FIXTURES, 'sample-app'), dir, { recursive: true });
  // Installed the way npm would: the package itself, and the parser.
  fs.mkdirSync(path.join(dir, 'node_modules/@typescript-eslint'), { recursive: true });
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules/tracewire'), 'dir');
  fs.symlinkSync(path.join(ROOT, 'node_modules/@typescript-eslint/parser'), path.join(dir, 'node_modules/@typescript-eslint/parser'), 'dir');
  fs.writeFileSync(path.join(dir, 'eslint.config.mjs'), CONFIG);
  return dir;
}

interface EslintJsonResult {
  filePath: string;
  messages: { ruleId: string | null; line: number; column: number; endLine?: number; endColumn?: number; messageId?: string; message: string; fatal?: boolean }[];
}

describe.each([
  ['ESLint 10', 'node_modules/eslint/bin/eslint.js'],
  ['ESLint 9', 'node_modules/eslint9/bin/eslint.js'],
])('the eslint binary with a flat config file (%s)', (_name, bin) => {
  it('reports on the sample app exactly what the CLI reports', async () => {
    expect(fs.existsSync(path.join(ROOT, 'dist/src/eslint/index.js')), 'the package is built (npm run build)').toBe(true);
    const dir = userProject();
    const r = spawnSync(process.execPath, [path.join(ROOT, bin), '--format', 'json', '.'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const results = JSON.parse(r.stdout) as EslintJsonResult[];
    const rel = (f: string) => path.relative(dir, f).split(path.sep).join('/');
    expect(results.map((x) => rel(x.filePath))).toContain('src/routes/chat.ts');
    const messages = results.flatMap((x) => x.messages.map((m) => ({ ...m, file: rel(x.filePath) })));
    expect(messages.filter((m) => m.fatal || !m.ruleId)).toEqual([]);
    const actual = messages.map((m) => `${m.file}:${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.ruleId} ${m.messageId} | ${m.message}`);

    const files = (await listFiles({ cwd: dir, paths: ['.'] })).filter((f) => !f.endsWith('eslint.config.mjs'));
    const cli = await runIn(dir, files.map((f) => path.relative(dir, f)));
    const expected = cli.findings.map((f) => `${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} tracewire/${f.ruleId} ${f.messageId} | ${f.message}`);
    expect(expected.length).toBeGreaterThan(0);
    expect(actual.sort()).toEqual(expected.sort());
  });
});
