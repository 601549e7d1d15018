/**
 * `check --staged` (the staged content of staged files, read from the git index) and
 * `check --changed-since REF` (files changed since the merge base), both with project-level resolution:
 * the rest of the project, read from the working tree, still resolves wrappers and clients.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { Finding } from '../src/engine/types.js';
import { tempProject } from './helpers/engine.js';
import { commitAll, git, initRepo, writeFiles } from './helpers/git.js';
import { hasGit } from './helpers/system-tools.js';
import { tracewireBin } from './helpers/build.js';

async function check(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['check', '--format', 'json', ...argv], { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stderr, out: stdout ? JSON.parse(stdout) : undefined };
}

const at = (f: Finding) => `${f.file}:${f.line}:${f.column}`;

const LLM = `import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\n\nexport const openai = wrapOpenAI(new OpenAI());\n`;
const RAW = `import OpenAI from 'openai';\n\nexport const raw = new OpenAI();\n`;
const USES_WRAPPED = `import { openai } from './llm.js';\n\nexport const ask = (q: string) => openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });\n`;
const USES_RAW = `import { raw } from './raw.js';\n\nexport const ask = (q: string) => raw.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });\n`;
const UNWIRED = `import OpenAI from 'openai';\n\nconst client = new OpenAI();\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
const WIRED = `import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\n\nconst client = wrapOpenAI(new OpenAI());\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;

function repo(files: Record<string, string>): string {
  const dir = tempProject({});
  initRepo(dir);
  writeFiles(dir, files);
  commitAll(dir, 'initial');
  return dir;
}

describe.skipIf(!hasGit())('check --staged', () => {
  it('checks the staged content, not the working tree, with positions in the staged text', async () => {
    const dir = repo({ 'src/llm.ts': LLM, 'README.md': 'app\n' });
    // Staged: unwired. Working tree: wired (and longer), never staged.
    writeFiles(dir, { 'src/chat.ts': UNWIRED });
    git(dir, 'add', 'src/chat.ts');
    writeFiles(dir, { 'src/chat.ts': `// fixed, not staged yet\n\n${WIRED}` });
    const r = await check(dir, '--staged');
    expect(r.code).toBe(1);
    expect(r.out.findings.map(at)).toEqual(['src/chat.ts:4:25']);
    expect(r.out.summary.files).toBe(1);
    // A plain check sees the working tree.
    expect((await check(dir)).out.findings).toEqual([]);

    // The reverse: the index has the fix, the working tree regressed.
    writeFiles(dir, { 'src/chat.ts': WIRED });
    git(dir, 'add', 'src/chat.ts');
    writeFiles(dir, { 'src/chat.ts': UNWIRED });
    const r2 = await check(dir, '--staged');
    expect(r2.out.findings).toEqual([]);
    expect(r2.code).toBe(0);
  });

  it('analyses again a file whose kept summary was made while nothing imported it, once a staged file imports it', async () => {
    // `ask` makes a model call on its parameter: a site once a caller hands it a client. The first gate run
    // keeps llm.ts's result from a time nothing imported it (its summary leaves `ask` out); the commit
    // that adds a caller must not take that result.
    const HELPER = `import { trace } from '@opentelemetry/api';\n\nexport const tracer = trace.getTracer('app');\n\nexport async function ask(client: any, q: string) {\n  return client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] });\n}\n`;
    const dir = repo({ 'src/llm.ts': HELPER, 'README.md': 'app\n' });
    writeFiles(dir, { 'README.md': 'app!\n' });
    git(dir, 'add', 'README.md');
    expect((await check(dir, '--staged')).out.findings).toEqual([]);
    commitAll(dir, 'readme');
    writeFiles(dir, { 'src/main.ts': `import OpenAI from 'openai';\nimport { ask } from './llm.js';\n\nexport const answer = () => ask(new OpenAI(), 'hi');\n` });
    git(dir, 'add', 'src/main.ts');
    const r = await check(dir, '--staged');
    expect(r.out.findings.map((f: Finding) => `${f.ruleId} ${at(f)}`)).toEqual(['require-llm-tracing src/llm.ts:6:10']);
    expect(r.out.findings).toEqual((await check(dir, '--staged', '--no-cache')).out.findings);
  });

  it('resolves imports from files that are not staged, as they are in the working tree', async () => {
    const dir = repo({ 'src/llm.ts': LLM, 'src/raw.ts': RAW });
    // An untracked module that only exists in the working tree, never staged: an unwrapped client.
    writeFiles(dir, { 'src/helpers.ts': RAW.replace('export const raw', 'export const client') });
    writeFiles(dir, {
      'src/a.ts': USES_WRAPPED,
      'src/b.ts': USES_RAW,
      'src/c.ts': `import { client } from './helpers.js';\n\nexport const c = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`,
    });
    git(dir, 'add', 'src/a.ts', 'src/b.ts', 'src/c.ts');
    const r = await check(dir, '--staged');
    expect(r.out.findings.map(at)).toEqual(['src/b.ts:3:35', 'src/c.ts:3:24']);
    expect(r.out.summary.files).toBe(3);
    // The helper wrapped in the working tree (still not staged): c.ts is traced.
    writeFiles(dir, { 'src/helpers.ts': LLM.replace('export const openai', 'export const client') });
    expect((await check(dir, '--staged')).out.findings.map(at)).toEqual(['src/b.ts:3:35']);
  });

  it('gives the staged files the same findings as a check of the whole project', async () => {
    const files: Record<string, string> = {
      'src/llm.ts': LLM,
      'src/raw.ts': RAW,
      'src/a.ts': USES_WRAPPED,
      'src/b.ts': USES_RAW,
      'src/c.ts': UNWIRED,
      'src/d.ts': WIRED,
      'src/e.ts': USES_RAW.replace('ask', 'other'),
    };
    const dir = repo({ 'package.json': JSON.stringify({ name: 'x', dependencies: { openai: '^5.0.0', langsmith: '^0.3.0' } }) });
    writeFiles(dir, files);
    git(dir, 'add', 'src/a.ts', 'src/b.ts', 'src/c.ts');
    const staged = await check(dir, '--staged');
    const whole = await check(dir);
    const three = new Set(['src/a.ts', 'src/b.ts', 'src/c.ts']);
    expect(whole.out.findings.filter((f: Finding) => !three.has(f.file)).length).toBeGreaterThan(0);
    expect(staged.out.findings).toEqual(whole.out.findings.filter((f: Finding) => three.has(f.file)));
    expect(staged.out.findings.map(at)).toEqual(['src/b.ts:3:35', 'src/c.ts:4:25']);
  });

  it('reads the index for a staged file deleted from the working tree; skips ignored and non-source files', async () => {
    const dir = repo({ 'README.md': 'x\n' });
    writeFiles(dir, { 'src/gone.ts': UNWIRED, 'dist/bundle.js': UNWIRED, 'notes.txt': UNWIRED, 'src/unstaged.ts': UNWIRED });
    // A staged symbolic link has no source of its own (its target is checked where it lives).
    fs.symlinkSync('unstaged.ts', path.join(dir, 'src/link.ts'));
    git(dir, 'add', 'src/gone.ts', 'dist/bundle.js', 'notes.txt', 'src/link.ts');
    fs.rmSync(path.join(dir, 'src/gone.ts'));
    const r = await check(dir, '--staged');
    expect(r.out.findings.map(at)).toEqual(['src/gone.ts:4:25']);
    expect(r.out.summary.files).toBe(1);
  });

  it('limits the staged files to the paths given, and to the working directory', async () => {
    const dir = repo({ 'README.md': 'x\n' });
    writeFiles(dir, { 'api/a.ts': UNWIRED, 'web/b.ts': UNWIRED });
    git(dir, 'add', '.');
    expect((await check(dir, '--staged', 'web')).out.findings.map(at)).toEqual(['web/b.ts:4:25']);
    expect((await check(path.join(dir, 'api'), '--staged')).out.findings.map(at)).toEqual(['a.ts:4:25']);
    // Nothing staged: nothing to check, and that is a success.
    git(dir, 'commit', '-q', '-m', 'x');
    const none = await check(dir, '--staged');
    expect(none.code).toBe(0);
    expect(none.out.summary.files).toBe(0);
  });

  it('works from a working directory reached through a symbolic link', async () => {
    const dir = repo({ 'README.md': 'x\n' });
    writeFiles(dir, { 'src/a.ts': UNWIRED });
    git(dir, 'add', 'src/a.ts');
    const link = `${dir}-link`;
    fs.symlinkSync(dir, link);
    const r = await check(path.join(link, 'src'), '--staged');
    expect(r.out.findings.map(at)).toEqual(['a.ts:4:25']);
    const c = await check(link, '--changed-since', 'HEAD');
    expect(c.out.findings.map(at)).toEqual(['src/a.ts:4:25']);
  });

  it('exits 2 outside a git repository, or combined with --changed-since', async () => {
    const dir = tempProject({ 'a.ts': UNWIRED });
    const r = await check(dir, '--staged');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tracewire: --staged needs a git repository, and ${dir} is not inside one\n`);
    const inRepo = repo({ 'a.ts': UNWIRED });
    expect((await check(inRepo, '--staged', '--changed-since', 'main')).code).toBe(2);
  });
});

describe.skipIf(!hasGit())('check --changed-since', () => {
  function branchRepo() {
    const dir = repo({ 'src/llm.ts': LLM, 'src/raw.ts': RAW, 'src/legacy.ts': UNWIRED, 'src/old.ts': UNWIRED });
    git(dir, 'checkout', '-q', '-b', 'feature');
    writeFiles(dir, { 'src/a.ts': USES_WRAPPED, 'src/b.ts': USES_RAW });
    git(dir, 'rm', '-q', 'src/old.ts');
    commitAll(dir, 'feature work');
    // main moves on after the branch point: its new file is not this branch's change.
    git(dir, 'checkout', '-q', 'main');
    writeFiles(dir, { 'src/main-only.ts': UNWIRED });
    commitAll(dir, 'main work');
    git(dir, 'checkout', '-q', 'feature');
    return dir;
  }

  it('checks the files changed since the merge base, resolving through the rest of the project', async () => {
    const dir = branchRepo();
    const r = await check(dir, '--changed-since', 'main');
    expect(r.out.findings.map(at)).toEqual(['src/b.ts:3:35']);
    expect(r.out.summary.files).toBe(2);
    expect(r.code).toBe(1);
    // Uncommitted and untracked changes count too (locally; in CI there are none).
    writeFiles(dir, { 'src/wip.ts': UNWIRED, 'src/legacy.ts': `${UNWIRED}// touched\n` });
    const r2 = await check(dir, '--changed-since', 'main');
    expect(r2.out.findings.map(at)).toEqual(['src/b.ts:3:35', 'src/legacy.ts:4:25', 'src/wip.ts:4:25']);
  });

  it('accepts any commit-ish and works from a subdirectory', async () => {
    const dir = branchRepo();
    const base = git(dir, 'merge-base', 'main', 'HEAD').trim();
    expect((await check(dir, '--changed-since', base)).out.findings.map(at)).toEqual(['src/b.ts:3:35']);
    expect((await check(path.join(dir, 'src'), '--changed-since', 'main')).out.findings.map(at)).toEqual(['b.ts:3:35']);
    // Nothing changed since HEAD itself.
    const none = await check(dir, '--changed-since', 'HEAD');
    expect(none.code).toBe(0);
    expect(none.out.summary.files).toBe(0);
  });

  it('combines with a baseline: stale entries are counted only for the files checked', async () => {
    const dir = branchRepo();
    let out = '';
    await main(['baseline'], { cwd: dir, stdout: (s) => (out += s), stderr: () => {} });
    expect(out).toMatch(/^Wrote tracewire-baseline\.json: 2 findings in 2 files/);
    writeFiles(dir, { 'src/c.ts': UNWIRED });
    const r = await check(dir, '--changed-since', 'main', '--baseline', 'tracewire-baseline.json');
    expect(r.out.findings.map(at)).toEqual(['src/c.ts:4:25']);
    expect(r.out.baseline).toEqual({ file: 'tracewire-baseline.json', matched: 1, stale: 0 });
  });

  it('exits 2 with a clear message for an unknown ref', async () => {
    const dir = branchRepo();
    const r = await check(dir, '--changed-since', 'origin/nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tracewire: --changed-since origin/nope: unknown git ref "origin/nope" (fetch it first, e.g. git fetch origin nope)\n');
    expect((await check(dir, '--changed-since', '--staged')).code).toBe(2);
  });
});

describe.skipIf(!hasGit())('check --staged with worker threads', () => {
  it('gives the report of a single-threaded run, fixes included: the staged bytes are not handed away to the workers', () => {
    // Fixes are built after the analysis from the staged text; a worker that took the index's bytes
    // (transferred, not copied) left them unreadable here, so fixes depended on which thread analysed a file.
    const files: Record<string, string> = { 'package.json': '{ "name": "app", "dependencies": { "openai": "^4.0.0", "@opentelemetry/api": "^1.9.0" } }\n' };
    // More files than one chunk of work (so the workers get some), each large enough that its bytes are a buffer of their own (small reads share a pool and are copied).
    for (let i = 0; i < 60; i++) files[`src/chat${i}.ts`] = `${UNWIRED}\n${`// ${i}: ${'x'.repeat(100)}\n`.repeat(400)}`;
    const dir = repo({ 'README.md': 'app\n' });
    writeFiles(dir, files);
    git(dir, 'add', '-A');
    const bin = tracewireBin();
    const report = (workers: string, env: Record<string, string> = {}) => {
      const r = spawnSync(process.execPath, [bin, 'check', '--staged', '--no-cache', '--format', 'json', '--workers', workers], { cwd: dir, encoding: 'utf8', env: { ...process.env, TRACEWIRE_CACHE_DIR: path.join(dir, '.cache'), ...env } });
      expect(r.status, r.stderr).toBe(1);
      const out = JSON.parse(r.stdout);
      delete out.summary.durationMs;
      return out;
    };
    const single = report('0');
    expect(single.findings).toHaveLength(60);
    expect(single.findings.every((f: { fix?: unknown }) => f.fix)).toBe(true);
    expect(report('2', { TRACEWIRE_WORKERS_ONLY: '1' })).toEqual(single);
    expect(report('3')).toEqual(single);
  });
});
