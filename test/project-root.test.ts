/**
 * The project is the repository: a configuration, a package.json (with preloads, versions or a
 * `tracewire` key), a tsconfig.json or another service's files in a folder above the repository never
 * change its findings, through the CLI or the ESLint plugin. Every run can say which configuration and
 * root it used (`--verbose`, `--print-config`, `project` in the JSON report).
 */

import fs from 'node:fs';
import path from 'node:path';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import tracewire from '../src/eslint/index.js';
import { tempProject } from './helpers/engine.js';
import { commitAll, git, initRepo, writeFiles } from './helpers/git.js';
import { hasGit } from './helpers/system-tools.js';

const UNWIRED = `import OpenAI from 'openai';\n\nconst client = new OpenAI();\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
const ASK = `import { go } from './client.js';\n\nexport const ask = () => go();\n`;

async function cli(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const findingsOf = async (cwd: string, ...argv: string[]) => {
  const r = await cli(cwd, 'check', '--format', 'json', ...argv);
  const out = JSON.parse(r.stdout);
  return { code: r.code, out, at: out.findings.map((f: { file: string; line: number; ruleId: string }) => `${f.file}:${f.line} ${f.ruleId}`) };
};

/** Everything a parent folder could hold that used to leak into the repository below it. */
const HOSTILE_PARENT: Record<string, string> = {
  // A configuration turning the rule off, and a package.json with a `tracewire` key doing the same.
  'tracewire.config.json': JSON.stringify({ rules: { 'require-llm-tracing': 'off' } }),
  // A package.json that preloads Datadog's tracer for every process, declaring the SDK versions it covers.
  'package.json': JSON.stringify({
    name: 'parent',
    private: true,
    scripts: { start: "NODE_OPTIONS='--require dd-trace/init' node server.js" },
    dependencies: { 'dd-trace': '^5.30.0', openai: '^4.90.0' },
    tracewire: { rules: { 'require-llm-tracing': 'off' } },
  }),
  // Another service's start-up instrumentation, beside the repository.
  'other-service/instrumentation.ts': `import { registerInstrumentations } from '@opentelemetry/instrumentation';\nimport { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';\n\nregisterInstrumentations({ instrumentations: [new OpenAIInstrumentation()] });\n`,
  // A tsconfig.json whose paths would map the repository's import elsewhere.
  'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { 'openai': ['other-service/fake-openai.ts'] } } }),
  'other-service/fake-openai.ts': 'export default class OpenAI {}\n',
};

function repoIn(parent: string | undefined): string {
  const base = parent ?? tempProject({});
  const dir = path.join(base, 'repo');
  fs.mkdirSync(dir, { recursive: true });
  initRepo(dir);
  writeFiles(dir, { 'src/client.ts': UNWIRED, 'src/ask.ts': ASK, 'README.md': 'repo\n' });
  commitAll(dir, 'initial');
  return dir;
}

describe.skipIf(!hasGit())('the project is the repository', () => {
  it('a parent folder with a config, an instrumented package.json, a tsconfig or another service does not change the findings', async () => {
    const alone = repoIn(undefined);
    const nested = repoIn(tempProject(HOSTILE_PARENT));
    const expected = ['src/client.ts:4 require-llm-tracing'];
    for (const dir of [alone, nested]) {
      const whole = await findingsOf(dir);
      expect(whole.at, dir).toEqual(expected);
      expect(whole.code).toBe(1);
      expect(whole.out.project).toEqual({ root: '.', config: null, repository: '.' });
      // One file named: the rest of the repository is its context, and only the repository.
      expect((await findingsOf(dir, 'src/client.ts')).at).toEqual(expected);
      // From a subfolder: the configuration is looked up to the repository root, no further.
      const sub = await findingsOf(path.join(dir, 'src'));
      expect(sub.at).toEqual(['client.ts:4 require-llm-tracing']);
      expect(sub.out.project).toEqual({ root: '..', config: null, repository: '..' });
      // The gate.
      writeFiles(dir, { 'src/client.ts': UNWIRED + '// touched\n' });
      git(dir, 'add', 'src/client.ts');
      expect((await findingsOf(dir, '--staged')).at).toEqual(expected);
      git(dir, 'reset', '-q');
      writeFiles(dir, { 'src/client.ts': UNWIRED });
    }
  });

  it('the same in the editor: the ESLint plugin never makes a folder above the repository the project', () => {
    const nested = repoIn(tempProject(HOSTILE_PARENT));
    const file = path.join(nested, 'src/client.ts');
    const messages = new Linter({ cwd: nested }).verify(UNWIRED, [{ files: ['**/*.ts'], ...tracewire.configs.recommended }], file);
    expect(messages.map((m) => `${m.line} ${m.ruleId}`)).toEqual(['4 tracewire/require-llm-tracing']);
  });

  it('a configuration inside the repository is found from a subfolder, and makes its folder the root', async () => {
    const dir = repoIn(tempProject(HOSTILE_PARENT));
    writeFiles(dir, { 'tracewire.config.json': JSON.stringify({ rules: { 'require-llm-tracing': 'warn' } }) });
    const r = await findingsOf(path.join(dir, 'src'), 'client.ts', '--verbose');
    expect(r.out.project).toEqual({ root: '..', config: '../tracewire.config.json', repository: '..' });
    expect(r.out.findings.map((f: { severity: string }) => f.severity)).toEqual(['warn']);
    expect(r.code).toBe(0);
  });

  it('says which configuration, root and repository it used: --verbose and --print-config', async () => {
    const dir = repoIn(tempProject(HOSTILE_PARENT));
    writeFiles(dir, { 'package.json': JSON.stringify({ name: 'app', tracewire: { ignores: ['scripts/**'], rules: { 'metric-naming': 'off' } } }) });
    const v = await cli(path.join(dir, 'src'), 'check', '--verbose');
    expect(v.stderr).toBe(
      'tracewire: configuration: ../package.json\ntracewire: project root: ..\ntracewire: repository: ..\ntracewire: 2 files to report on\n',
    );
    const p = await cli(dir, 'check', '--print-config');
    expect(p.code).toBe(0);
    const printed = JSON.parse(p.stdout);
    expect(printed).toMatchObject({ root: '.', config: 'package.json', repository: '.', project: true, ignores: ['scripts/**'] });
    expect(printed.rules['metric-naming']).toBe('off');
    expect(printed.rules['require-llm-tracing'][0]).toBe('error');
    // Outside any repository, the lookup goes up to the filesystem root.
    const plain = tempProject({ 'a.ts': UNWIRED });
    const q = JSON.parse((await cli(plain, 'inventory', '--format', 'json')).stdout);
    expect(q.project).toEqual({ root: '.', config: null, repository: null });
  });

  it('a configuration named with -c outside the repository sets the rules, not the project', async () => {
    const parent = tempProject({ 'shared/tracewire.config.json': JSON.stringify({ rules: { 'require-llm-tracing': 'warn' } }), 'shared/x.ts': UNWIRED });
    const dir = repoIn(parent);
    const r = await findingsOf(dir, '-c', '../shared/tracewire.config.json', 'src/client.ts');
    expect(r.out.project).toEqual({ root: '.', config: '../shared/tracewire.config.json', repository: '.' });
    // A run without a configuration, from a folder of the repository: the repository is the project.
    expect((await findingsOf(path.join(dir, 'src'), 'client.ts')).out.project).toEqual({ root: '..', config: null, repository: '..' });
    expect(r.at).toEqual(['src/client.ts:4 require-llm-tracing']);
    expect(r.out.findings[0].severity).toBe('warn');
  });
});
