/**
 * Parity: ESLint with the plugin reports exactly what the CLI engine reports, over every fixture case
 * under fixtures/rules/ (each case is its own working directory and project, as in fixtures.test.ts),
 * under ESLint 10 and ESLint 9: same rule, position, message id and message, and the same fixed text
 * for every fix and suggestion.
 *
 * ESLint runs `configs.all`, minus the rules outside `recommended` that the case's tracewire.config.json
 * does not enable (the CLI would not run them either: its defaults are `configs.recommended`). Rules a case's config turns off stay on in
 * ESLint: the plugin must honour the config and stay silent for them.
 */

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { describe, expect, it } from 'vitest';
import { rulesById } from '../rules/index.js';
import { loadConfig, resolveConfig } from '../src/config/load.js';
import type { Finding, Fix } from '../src/engine/types.js';
import tracewire from '../src/eslint/index.js';
import { isSourceFile } from '../src/engine/files.js';
import { runIn } from './helpers/engine.js';
import { discoverRuleFixtures, type FixtureCase } from './helpers/fixtures.js';

const cases = discoverRuleFixtures();

const hash = (s: string) => crypto.createHash('sha1').update(s).digest('hex').slice(0, 10);

function applyEdits(text: string, edits: { start: number; end: number; text: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function readText(file: string): string {
  return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
}

/** The CLI's findings, with fixes mapped the way the plugin promises: safe → fix, the rest → suggestions. */
function cliKeys(dir: string, findings: Finding[]): string[] {
  return findings.map((f) => {
    const text = readText(path.join(dir, f.file));
    const safe = f.fix?.safety === 'safe' && rulesById.get(f.ruleId)?.meta.fix === 'safe' ? f.fix : undefined;
    const suggestions: Fix[] = [...(f.fix && !safe ? [f.fix] : []), ...(f.suggestions ?? [])].filter((s) => s.edits.length);
    return key(f.file, f.line, f.column, f.endLine, f.endColumn, f.ruleId, f.messageId, f.message, safe && applyEdits(text, safe.edits), suggestions.map((s) => applyEdits(text, s.edits)));
  });
}

function key(file: string, line: number, column: number, endLine: number, endColumn: number, rule: string, messageId: string, message: string, fixed: string | undefined, suggested: string[]): string {
  return `${file}:${line}:${column}-${endLine}:${endColumn} ${rule} ${messageId} | ${message}${fixed !== undefined ? ` | fix ${hash(fixed)}` : ''}${suggested.length ? ` | suggest ${suggested.map(hash).join(',')}` : ''}`;
}

function cliConfig(c: FixtureCase) {
  return fs.existsSync(path.join(c.dir, 'tracewire.config.json'))
    ? loadConfig({ cwd: c.dir, configFile: 'tracewire.config.json', rules: rulesById })
    : resolveConfig({}, undefined, rulesById, '', c.dir);
}

type ESLintClass = typeof import('eslint').ESLint;

const versions: [string, () => Promise<ESLintClass>][] = [
  ['ESLint 10', async () => (await import('eslint')).ESLint],
  ['ESLint 9', async () => (await import('eslint9')).ESLint as unknown as ESLintClass],
];

describe.each(versions)('parity with the CLI under %s', (_name, load) => {
  it('runs the ESLint major it claims', async () => {
    const ESLint = await load();
    expect(ESLint.version.split('.')[0]).toBe(_name.split(' ')[1]);
  });

  for (const c of cases) {
    it(`${c.ruleId}/${c.name}`, async () => {
      const ESLint = await load();
      const isProject = path.basename(c.dir) === c.name;
      const config = cliConfig(c);
      const offByDefault: Record<string, 'off'> = {};
      for (const [id, rule] of rulesById) if (rule.meta.preset !== 'recommended' && config.rules.get(id)?.severity === 'off' && !config.rules.get(id)?.explicit) offByDefault[`tracewire/${id}`] = 'off';
      const eslint = new ESLint({
        cwd: c.dir,
        overrideConfigFile: true,
        overrideConfig: [
          { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tsParser } },
          { files: ['**/*.{jsx,tsx}'], languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } },
          { files: ['**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}'], ...tracewire.configs.all },
          { rules: offByDefault },
          // A single-file case is a project of its own; a directory case is the project.
          { settings: { tracewire: isProject ? { projectRoot: c.dir } : { project: false } } },
        ],
      });
      // ESLint lints source files; findings in Prometheus rule files and dashboards are the CLI's alone.
      const results = await eslint.lintFiles(c.files.filter(isSourceFile));
      const fatal = results.flatMap((r) => r.messages.filter((m) => m.fatal || !m.ruleId).map((m) => `${r.filePath}:${m.line} ${m.message}`));
      expect(fatal).toEqual([]);
      const actual: string[] = [];
      for (const r of results) {
        const text = readText(r.filePath);
        const file = path.relative(c.dir, r.filePath).split(path.sep).join('/');
        for (const m of r.messages) {
          const fixed = m.fix ? text.slice(0, m.fix.range[0]) + m.fix.text + text.slice(m.fix.range[1]) : undefined;
          const suggested = (m.suggestions ?? []).map((s) => text.slice(0, s.fix.range[0]) + s.fix.text + text.slice(s.fix.range[1]));
          actual.push(key(file, m.line, m.column, m.endLine!, m.endColumn!, m.ruleId!.replace(/^tracewire\//, ''), m.messageId!, m.message, fixed, suggested));
        }
      }
      const cli = await runIn(c.dir, c.files.map((f) => path.relative(c.dir, f)));
      expect(actual.sort()).toEqual(cliKeys(c.dir, cli.findings.filter((f) => isSourceFile(f.file))).sort());
    });
  }
});
