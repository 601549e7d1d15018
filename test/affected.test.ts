/**
 * Affected findings at the gate: `check --staged`, `--changed-since` and `--affected <files>` report the
 * changed files and every file whose findings depend on them, each finding where its call is, exactly as a
 * check of the whole project reports it there; and nothing about files the change cannot affect. Real git
 * repositories; the per-user cache of a gate run never changes an answer.
 */

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { tempProject } from './helpers/engine.js';
import { commitAll, git, initRepo, writeFiles } from './helpers/git.js';
import { hasGit } from './helpers/system-tools.js';

interface Out {
  findings: { file: string; line: number; messageId: string; ruleId: string }[];
  summary: { files: number };
}

async function check(cwd: string, ...argv: string[]): Promise<{ code: number; out: Out; at: string[]; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['check', '--format', 'json', ...argv], { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  const out = stdout ? (JSON.parse(stdout) as Out) : ({ findings: [], summary: { files: 0 } } as Out);
  return { code, out, stderr, at: out.findings.map((f) => `${f.file}:${f.line} ${f.messageId}`) };
}

const PKG = JSON.stringify({ name: 'support-bot', private: true, dependencies: { openai: '^4.77.0', langsmith: '^0.3.30', '@opentelemetry/sdk-node': '^0.57.0' } });
const CLIENTS = `import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\n\nexport const openai = wrapOpenAI(new OpenAI());\n`;
const UNWRAPPED = CLIENTS.replace('wrapOpenAI(new OpenAI())', 'new OpenAI()').replace("import { wrapOpenAI } from 'langsmith/wrappers';\n", '');
const BARREL = `export * from './clients';\nexport { retries } from './settings';\n`;
const SETTINGS = `export const retries = 3;\n`;
const USER = (n: number) => `import { openai } from '../llm';\n\nexport const ask${n} = (q: string) =>\n  openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });\n`;
// Imports the barrel for a name that does not come from the clients, and has a finding of its own.
const UNRELATED = `import OpenAI from 'openai';\nimport { retries } from '../llm';\n\nconst own = new OpenAI({ maxRetries: retries });\nexport const other = () => own.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });\n`;

function repo(files: Record<string, string>): string {
  const dir = tempProject({});
  initRepo(dir);
  writeFiles(dir, files);
  commitAll(dir, 'initial');
  return dir;
}

function sharedClientRepo(): string {
  const files: Record<string, string> = { 'package.json': PKG, 'src/llm/clients.ts': CLIENTS, 'src/llm/index.ts': BARREL, 'src/llm/settings.ts': SETTINGS, 'src/other/unrelated.ts': UNRELATED };
  for (let i = 1; i <= 5; i++) files[`src/agents/a${i}.ts`] = USER(i);
  return repo(files);
}

const FIVE = [1, 2, 3, 4, 5].map((i) => `src/agents/a${i}.ts:4 unwiredCall`);

describe.skipIf(!hasGit())('un-wiring a shared client', () => {
  it('fails check --staged with a finding at each call it leaves untraced, as a check of the whole project reports them', async () => {
    const dir = sharedClientRepo();
    // Before: the whole project has one finding, in a file the change below cannot affect.
    expect((await check(dir)).at).toEqual(['src/other/unrelated.ts:5 unwiredCall']);
    writeFiles(dir, { 'src/llm/clients.ts': UNWRAPPED });
    git(dir, 'add', 'src/llm/clients.ts');
    const staged = await check(dir, '--staged', '--no-cache');
    expect(staged.code).toBe(1);
    expect(staged.at).toEqual(FIVE);
    // The same findings a whole check reports in those files; the unrelated file (it imports the barrel for
    // another name) is not reported.
    const whole = await check(dir);
    expect(whole.at).toEqual([...FIVE, 'src/other/unrelated.ts:5 unwiredCall']);
    // Reported: the changed file, the barrel that passes its client on, and the five users.
    expect(staged.out.summary.files).toBe(7);
    // Only the changed file, as before, with --no-affected.
    expect((await check(dir, '--staged', '--no-affected')).at).toEqual([]);
  });

  it('fails check --changed-since main on the branch that un-wraps it', async () => {
    const dir = sharedClientRepo();
    git(dir, 'checkout', '-q', '-b', 'feature');
    writeFiles(dir, { 'src/llm/clients.ts': UNWRAPPED });
    commitAll(dir, 'unwrap');
    const r = await check(dir, '--changed-since', 'main');
    expect(r.code).toBe(1);
    expect(r.at).toEqual(FIVE);
  });

  it('check --affected <files> (the pre-commit hook) reports the same', async () => {
    const dir = sharedClientRepo();
    writeFiles(dir, { 'src/llm/clients.ts': UNWRAPPED });
    const r = await check(dir, '--affected', 'src/llm/clients.ts', '--no-cache');
    expect(r.at).toEqual(FIVE);
    expect(r.code).toBe(1);
    // --affected names what changed: without files it is a usage error.
    expect((await check(dir, '--affected')).code).toBe(2);
  });

  it('reports the paths given only', async () => {
    const dir = sharedClientRepo();
    writeFiles(dir, { 'src/llm/clients.ts': UNWRAPPED });
    git(dir, 'add', '.');
    expect((await check(dir, '--staged', '--no-cache', 'src/agents/a2.ts', 'src/agents/a4.ts')).at).toEqual(['src/agents/a2.ts:4 unwiredCall', 'src/agents/a4.ts:4 unwiredCall']);
    expect((await check(path.join(dir, 'src/agents'), '--staged', '--no-cache')).at).toEqual([1, 2, 3, 4, 5].map((i) => `a${i}.ts:4 unwiredCall`));
  });
});

describe.skipIf(!hasGit())('what else a change affects', () => {
  it('a scope helper that stops tracing: the files calling it', async () => {
    const TRACING = `import { traceable } from 'langsmith/traceable';\n\nexport const withRun = <T>(fn: () => Promise<T>) => traceable(fn, { name: 'run' })();\n`;
    const CALLER = `import OpenAI from 'openai';\nimport { withRun } from './tracing';\n\nconst client = new OpenAI();\nexport const go = () =>\n  withRun(() => client.chat.completions.create({ model: 'gpt-4o', messages: [] }));\n`;
    const dir = repo({ 'package.json': PKG, 'src/tracing.ts': TRACING, 'src/caller.ts': CALLER });
    expect((await check(dir)).at).toEqual([]);
    writeFiles(dir, { 'src/tracing.ts': `export const withRun = <T>(fn: () => Promise<T>) => fn();\n` });
    git(dir, 'add', '.');
    expect((await check(dir, '--staged', '--no-cache')).at).toEqual(['src/caller.ts:6 unwiredCall']);
  });

  it('a caller that passes an unwrapped client to a helper in another file: the helper\'s call', async () => {
    // A helper that does not know what it is given: its call is judged with each caller's client.
    const HELPER = `export async function summarize(client, text) {\n  return client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: text }] });\n}\n`;
    const CALLER = (wrapped: boolean) =>
      `import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\nimport { summarize } from './helper';\n\nconst client = ${wrapped ? 'wrapOpenAI(new OpenAI())' : 'new OpenAI()'};\nexport const run = (t: string) => summarize(client, t);\n`;
    const dir = repo({ 'package.json': PKG, 'src/helper.js': HELPER, 'src/caller.ts': CALLER(true) });
    expect((await check(dir)).at).toEqual([]);
    writeFiles(dir, { 'src/caller.ts': CALLER(false) });
    git(dir, 'add', '.');
    const whole = await check(dir);
    expect(whole.at).toEqual(['src/helper.js:2 unwiredCall']);
    expect((await check(dir, '--staged', '--no-cache')).at).toEqual(whole.at);
  });

  it('a start-up registration removed: every call it covered, in files that never import it', async () => {
    const INSTRUMENTATION = `import { NodeSDK } from '@opentelemetry/sdk-node';\nimport { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';\n\nnew NodeSDK({ instrumentations: [new OpenAIInstrumentation()] }).start();\n`;
    const CALL = `import OpenAI from 'openai';\n\nconst client = new OpenAI();\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
    const dir = repo({ 'package.json': PKG, 'src/instrumentation.ts': INSTRUMENTATION, 'src/a.ts': CALL, 'src/b.ts': CALL });
    expect((await check(dir)).at).toEqual([]);
    git(dir, 'rm', '-q', 'src/instrumentation.ts');
    const r = await check(dir, '--staged', '--no-cache');
    expect(r.at).toEqual(['src/a.ts:4 unwiredCall', 'src/b.ts:4 unwiredCall']);
    expect(r.code).toBe(1);
  });

  it('a package.json change: every file below it', async () => {
    const CALL = `import OpenAI from 'openai';\n\nconst client = new OpenAI();\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
    const dir = repo({
      'package.json': JSON.stringify({ name: 'bot', private: true, scripts: { start: "NODE_OPTIONS='--require dd-trace/init' node dist/a.js" }, dependencies: { openai: '^4.77.0', 'dd-trace': '^5.30.0' } }),
      'src/a.ts': CALL,
    });
    expect((await check(dir)).at).toEqual([]);
    // The preload is dropped from the start script: nothing source changed, yet the call is now untraced.
    writeFiles(dir, { 'package.json': JSON.stringify({ name: 'bot', private: true, scripts: { start: 'node dist/a.js' }, dependencies: { openai: '^4.77.0', 'dd-trace': '^5.30.0' } }) });
    git(dir, 'add', 'package.json');
    expect((await check(dir, '--staged', '--no-cache')).at).toEqual(['src/a.ts:4 unwiredCall']);
    expect((await check(dir, '--affected', 'package.json', '--no-cache')).at).toEqual(['src/a.ts:4 unwiredCall']);
  });

  it('a deleted module: the files that imported it', async () => {
    const TRACING = `import { traceable } from 'langsmith/traceable';\n\nexport const withRun = <T>(fn: () => Promise<T>) => traceable(fn, { name: 'run' })();\n`;
    const CALLER = `import OpenAI from 'openai';\nimport { withRun } from './tracing';\n\nconst client = new OpenAI();\nexport const go = () =>\n  withRun(() => client.chat.completions.create({ model: 'gpt-4o', messages: [] }));\n`;
    const dir = repo({ 'package.json': PKG, 'src/tracing.ts': TRACING, 'src/caller.ts': CALLER });
    git(dir, 'rm', '-q', 'src/tracing.ts');
    const whole = await check(dir);
    expect(whole.at).toEqual(['src/caller.ts:6 unwiredCall']);
    expect((await check(dir, '--staged', '--no-cache')).at).toEqual(whole.at);
    // Named as changed: a source file that is gone was deleted.
    expect((await check(dir, '--affected', 'src/tracing.ts', '--no-cache')).at).toEqual(whole.at);
  });
});

describe.skipIf(!hasGit())('the context kept between gate runs', () => {
  it('lives in the user cache folder, one per repository, and never changes an answer', async () => {
    const cacheDir = tempProject({});
    const before = process.env.TRACEWIRE_CACHE_DIR;
    process.env.TRACEWIRE_CACHE_DIR = cacheDir;
    try {
      const dir = sharedClientRepo();
      const other = sharedClientRepo();
      // Commit after commit, each answer equals a cold run's.
      const steps: [string, string][] = [
        ['src/llm/clients.ts', UNWRAPPED],
        ['src/agents/a3.ts', USER(3) + '// edited\n'],
        ['src/llm/clients.ts', CLIENTS],
        ['src/other/unrelated.ts', UNRELATED.replace('embeddings', 'moderations')],
      ];
      for (const [file, content] of steps) {
        writeFiles(dir, { [file]: content });
        git(dir, 'add', file);
        const cached = await check(dir, '--staged');
        const cold = await check(dir, '--staged', '--no-cache');
        expect(cached.out.findings, file).toEqual(cold.out.findings);
        expect(cached.out.summary.files).toBe(cold.out.summary.files);
        // Tried again unchanged (a refused commit): the same.
        expect((await check(dir, '--staged')).out.findings).toEqual(cold.out.findings);
        git(dir, 'commit', '-q', '-m', `change ${file}`);
      }
      await check(other, '--staged');
      const caches = fs.readdirSync(cacheDir).filter((f) => f.startsWith('check-'));
      expect(caches).toHaveLength(2);
      // Nothing is written into the repository.
      expect(git(dir, 'status', '--porcelain', '--ignored')).toBe('');
    } finally {
      if (before === undefined) delete process.env.TRACEWIRE_CACHE_DIR;
      else process.env.TRACEWIRE_CACHE_DIR = before;
    }
  });
});
