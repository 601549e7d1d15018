/**
 * The ESLint adapter's contract, through ESLint's own APIs: where the TypeScript AST comes from, one
 * parse per lint pass, ESLint's and tracewire's suppression comments, tracewire.config.json and the
 * settings, the editor's text over the disk, invalidation, the presets and the rule metadata.
 */

import fs from 'node:fs';
import path from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { ESLint, Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { allRules, rulesById } from '../rules/index.js';
import tracewire, { presetRules } from '../src/eslint/index.js';
import { astStats, docsUrl } from '../src/eslint/rules.js';
import { ROOT } from './helpers/fixtures.js';
import { tempProject } from './helpers/engine.js';

const UNWIRED = `import OpenAI from 'openai';\nconst client = new OpenAI();\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
const UNWIRED_JS = UNWIRED.replace("import OpenAI from 'openai';", "const OpenAI = require('openai');").replace('export const go =', 'module.exports =');

const SDKS = tempProject({ 'package.json': JSON.stringify({ private: true, dependencies: { openai: '^5.12.0', ai: '^5.0.0' } }) });
const alone = { settings: { tracewire: { project: false } } };

function verify(code: string, file: string, config: Linter.Config[], cwd = SDKS) {
  return new Linter({ cwd }).verify(code, config, path.join(cwd, file)).map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.messageId ?? m.message}`);
}

const ts: Linter.Config = { files: ['**/*.ts'], languageOptions: { parser: tsParser as Linter.Parser } };
const all: Linter.Config = { files: ['**/*.{js,cjs,mjs,ts}'], ...tracewire.configs.all };

describe('the TypeScript AST', () => {
  it("is typescript-eslint's when its parser runs without type information", () => {
    const before = { ...astStats };
    expect(verify(UNWIRED, 'a.ts', [ts, all, alone])).toEqual(['3:25 tracewire/require-llm-tracing unwiredCall']);
    expect(astStats.fromParser - before.fromParser).toBe(1);
    expect(astStats.parsed - before.parsed).toBe(0);
  });

  it("is the program's when type information is on", () => {
    const dir = tempProject({
      'package.json': JSON.stringify({ private: true, dependencies: { openai: '^5.12.0' } }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', noEmit: true }, include: ['src'] }),
      'src/a.ts': UNWIRED,
    });
    const typed: Linter.Config = { files: ['**/*.ts'], languageOptions: { parser: tsParser as Linter.Parser, parserOptions: { project: './tsconfig.json', tsconfigRootDir: dir } } };
    const before = { ...astStats };
    expect(verify(UNWIRED, 'src/a.ts', [typed, all, alone], dir)).toEqual(['3:25 tracewire/require-llm-tracing unwiredCall']);
    expect(astStats.fromParser - before.fromParser).toBe(1);
    expect(astStats.parsed - before.parsed).toBe(0);
  });

  it('is parsed once per lint pass under espree, for every rule, and reused for the same text', () => {
    const before = { ...astStats };
    const code = UNWIRED_JS + '// a unique comment for this test\n';
    expect(verify(code, 'a.cjs', [all, alone])).toEqual(['3:24 tracewire/require-llm-tracing unwiredCall']);
    expect(Object.keys(presetRules('all')).length).toBe(allRules.length);
    expect(astStats.parsed - before.parsed).toBe(1);
    expect(verify(code, 'a.cjs', [all, alone])).toEqual(['3:24 tracewire/require-llm-tracing unwiredCall']);
    expect(astStats.parsed - before.parsed).toBe(1);
    expect(astStats.reused - before.reused).toBe(1);
  });

  it('is parsed again when the parser hands over an AST of another TypeScript', () => {
    const foreign: Linter.Parser = {
      parseForESLint(code: string, options?: unknown) {
        const r = (tsParser as unknown as { parseForESLint: (c: string, o?: unknown) => { services: object } }).parseForESLint(code, options);
        // A source file from a TypeScript whose syntax kinds may differ from the engine's.
        const alien = { kind: 312, text: code, statements: [] };
        return { ...r, services: { ...r.services, program: null, esTreeNodeToTSNodeMap: { get: () => alien } } };
      },
    } as unknown as Linter.Parser;
    const before = { ...astStats };
    const code = UNWIRED + '// foreign\n';
    expect(verify(code, 'a.ts', [{ files: ['**/*.ts'], languageOptions: { parser: foreign } }, all, alone])).toEqual(['3:25 tracewire/require-llm-tracing unwiredCall']);
    expect(astStats.fromParser - before.fromParser).toBe(0);
    expect(astStats.parsed - before.parsed).toBe(1);
  });

  it('keeps positions right after a shebang and a BOM', () => {
    const code = '\uFEFF#!/usr/bin/env node\n' + UNWIRED;
    expect(verify(code, 'a.ts', [ts, all, alone])).toEqual(['4:25 tracewire/require-llm-tracing unwiredCall']);
    expect(verify(code.replace(UNWIRED, UNWIRED_JS), 'a.cjs', [all, alone])).toEqual(['4:24 tracewire/require-llm-tracing unwiredCall']);
  });
});

describe('suppression comments', () => {
  it("ESLint's disable comments silence tracewire rules, and ESLint reports the unused ones", () => {
    const lines = UNWIRED.split('\n');
    const nextLine = [...lines.slice(0, 2), '// eslint-disable-next-line tracewire/require-llm-tracing -- prototype', ...lines.slice(2)].join('\n');
    expect(verify(nextLine, 'a.ts', [ts, all, alone])).toEqual([]);
    const block = `/* eslint-disable tracewire/require-llm-tracing */\n${UNWIRED}`;
    expect(verify(block, 'a.ts', [ts, all, alone])).toEqual([]);
    const unused = `// eslint-disable-next-line tracewire/require-llm-tracing\nexport const x = 1;\n`;
    expect(verify(unused, 'a.ts', [ts, all, alone, { linterOptions: { reportUnusedDisableDirectives: 'error' } }])).toEqual([
      "1:1 null Unused eslint-disable directive (no problems were reported from 'tracewire/require-llm-tracing').",
    ]);
  });

  it("tracewire's suppressions are applied by the engine, with the rules ESLint runs", () => {
    const lines = UNWIRED.split('\n');
    const code = [...lines.slice(0, 2), '// tracewire-disable-next-line require-llm-tracing -- prototype, traced by the gateway', ...lines.slice(2)].join('\n');
    expect(verify(code, 'a.ts', [ts, all, alone])).toEqual([]);
    // Without require-llm-tracing running, that suppression suppresses nothing.
    const onlySuppressions: Linter.Config = { files: ['**/*.ts'], plugins: { tracewire }, rules: { 'tracewire/suppression-comment': 'warn' } };
    expect(verify(code, 'a.ts', [ts, onlySuppressions, alone])).toEqual(['3:1 tracewire/suppression-comment unusedSuppression']);
  });
});

describe('tracewire.config.json and settings', () => {
  const config = {
    rules: { 'require-llm-tracing': ['error', { ignoreOperations: ['embeddings'] }], 'suppression-comment': 'off' },
    catalog: { wrappers: [{ function: './src/obs#traced', sdks: ['openai'] }] },
  };
  const files = {
    'package.json': JSON.stringify({ private: true, dependencies: { openai: '^5.12.0' } }),
    'src/obs.ts': `export function traced<T>(client: T): T {\n  return client;\n}\n`,
    'src/agent.ts': `import OpenAI from 'openai';\nimport { traced } from './obs';\nconst wrapped = traced(new OpenAI());\nconst raw = new OpenAI();\nexport const a = () => wrapped.chat.completions.create({ model: 'gpt-4o', messages: [] });\nexport const b = () => raw.embeddings.create({ model: 'm', input: 'x' });\nexport const c = () => raw.responses.create({ model: 'gpt-4o', input: 'x' });\n// tracewire-disable-next-line no-such-rule\nexport const d = 1;\n`,
  };

  async function lint(dir: string, extra: Linter.Config[] = []) {
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [ts, all, ...extra] });
    const [r] = await eslint.lintFiles(['src/agent.ts']);
    return r!.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.messageId}`);
  }

  it('honours its options, its catalog extensions and the rules it turns off', async () => {
    const dir = tempProject({ ...files, 'tracewire.config.json': JSON.stringify(config) });
    // a: wrapped by the configured wrapper; b: an ignored operation; d: suppression-comment is off in the config.
    expect(await lint(dir)).toEqual(['7:24 tracewire/require-llm-tracing unwiredCall']);
    // The same project without the configuration.
    const bare = tempProject(files);
    expect(await lint(bare)).toEqual([
      '5:24 tracewire/require-llm-tracing unwiredCall',
      '6:24 tracewire/require-llm-tracing unwiredCall',
      '7:24 tracewire/require-llm-tracing unwiredCall',
      '8:1 tracewire/suppression-comment unknownRule',
    ]);
  });

  it('takes the configuration file from settings.tracewire.configFile', async () => {
    // References in the configuration resolve against its own directory.
    const moved = { ...config, catalog: { wrappers: [{ function: '../src/obs#traced', sdks: ['openai'] }] } };
    const dir = tempProject({ ...files, 'config/tracewire.json': JSON.stringify(moved) });
    expect(await lint(dir, [{ settings: { tracewire: { configFile: 'config/tracewire.json', projectRoot: '.' } } }])).toEqual(['7:24 tracewire/require-llm-tracing unwiredCall']);
  });

  it('reports unknown settings and an invalid configuration as one message on the file, by its key, without aborting the lint', async () => {
    const messages = async (dir: string, extra: Linter.Config[] = []) => {
      const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [ts, all, ...extra] });
      const results = await eslint.lintFiles(['src/agent.ts', 'src/obs.ts']);
      return results.map((r) => r.messages.map((m) => `${path.relative(dir, r.filePath)}:${m.line}:${m.column} ${m.ruleId} ${m.message}`));
    };
    const dir = tempProject(files);
    const first = Object.keys(all.rules!)[0];
    expect(await messages(dir, [{ settings: { tracewire: { configfile: 'x.json' } } }])).toEqual([
      [`src/agent.ts:1:1 ${first} tracewire: configuration problem: settings.tracewire.configfile: unknown setting (known: configFile, projectRoot, project)`],
      [`src/obs.ts:1:1 ${first} tracewire: configuration problem: settings.tracewire.configfile: unknown setting (known: configFile, projectRoot, project)`],
    ]);
    const bad = tempProject({ ...files, 'tracewire.config.json': JSON.stringify({ rules: { 'require-llm-tracing': 'loud' } }) });
    const [agent, obs] = await messages(bad);
    expect(agent).toEqual([`src/agent.ts:1:1 ${first} tracewire: configuration problem: tracewire.config.json: rules.require-llm-tracing: expected "off", "warn", "error", 0, 1, 2, or [severity, options]`]);
    expect(obs).toEqual([agent![0]!.replace('src/agent.ts', 'src/obs.ts')]);
  });
});

describe('the editor', () => {
  it("checks the editor's text, with the other files from disk, and sees their changes", async () => {
    const dir = tempProject({
      'package.json': JSON.stringify({ private: true, dependencies: { openai: '^5.12.0' } }),
      'src/llm.ts': `import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\nexport const client = wrapOpenAI(new OpenAI());\n`,
      'src/agent.ts': `export {};\n`,
    });
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [ts, all] });
    const buffer = `import { client } from './llm';\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
    const lintBuffer = async () => (await eslint.lintText(buffer, { filePath: path.join(dir, 'src/agent.ts') }))[0]!.messages.map((m) => `${m.line}:${m.column} ${m.messageId}`);
    expect(await lintBuffer()).toEqual([]);
    fs.writeFileSync(path.join(dir, 'src/llm.ts'), `import OpenAI from 'openai';\nexport const client = new OpenAI();\n`);
    // Files are stat-ed again after a second.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await lintBuffer()).toEqual(['2:25 unwiredCall']);
  });
});

describe('presets and metadata', () => {
  it('derives the presets from the rules', () => {
    const ids = (name: 'recommended' | 'strict' | 'all') => Object.keys(tracewire.configs[name].rules!).map((k) => k.replace('tracewire/', ''));
    expect(ids('all').sort()).toEqual([...rulesById.keys()].sort());
    expect(ids('recommended').sort()).toEqual(allRules.filter((r) => r.meta.preset === 'recommended').map((r) => r.meta.id).sort());
    expect(ids('strict').sort()).toEqual(allRules.filter((r) => r.meta.preset !== 'off').map((r) => r.meta.id).sort());
    for (const r of allRules) if (r.meta.preset !== 'off') expect(tracewire.configs.all.rules![`tracewire/${r.meta.id}`]).toBe(r.meta.severity);
    expect(tracewire.configs.recommended.plugins!.tracewire).toBe(tracewire);
    expect(tracewire.configs.recommended.name).toBe('tracewire/recommended');
  });

  it('gives every rule typescript-eslint style metadata', () => {
    for (const r of allRules) {
      const m = tracewire.rules[r.meta.id]!.meta;
      expect(m.docs.description).toBe(r.meta.description);
      expect(m.docs.url).toBe(docsUrl(r.meta.id));
      expect(m.docs.url).toBe(`https://github.com/tracewire/tracewire/blob/main/rules/${r.meta.id}.md`);
      for (const id of Object.keys(r.meta.messages)) expect(m.messages[id]).toBe(r.meta.messages[id]!.replace(/\{\{\s*(\w+)\s*\}\}/g, '{{ $1 }}'));
      expect(m.defaultOptions).toEqual([r.meta.defaultOptions]);
      expect(m.fixable).toBe(r.meta.fix === 'safe' ? 'code' : undefined);
      expect(m.hasSuggestions).toBe(r.meta.hasSuggestions || r.meta.fix !== 'none');
      expect(Array.isArray(m.schema) && m.schema.length === 1).toBe(true);
    }
  });

  it('accepts every rule with its default options (and rejects unknown options) in real ESLint', () => {
    for (const r of allRules) {
      const key = `tracewire/${r.meta.id}`;
      const ok = new Linter({ cwd: SDKS }).verify('export {};\n', [{ plugins: { tracewire }, rules: { [key]: ['error', r.meta.defaultOptions] } }, alone], path.join(SDKS, 'a.js'));
      expect(ok).toEqual([]);
      expect(() => new Linter({ cwd: SDKS }).verify('export {};\n', [{ plugins: { tracewire }, rules: { [key]: ['error', { noSuchOption: true }] } }], path.join(SDKS, 'a.js'))).toThrow(/noSuchOption|additional properties/i);
    }
  });

  it('is exported as tracewire/eslint-plugin, with types', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.exports['./eslint-plugin']).toEqual({ types: './dist/src/eslint/index.d.ts', default: './dist/src/eslint/index.js' });
  });
});
