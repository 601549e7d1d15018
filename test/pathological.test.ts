/**
 * Pathological files and trees: whatever a real repository holds, a run ends, reports what it could not
 * analyse in `errors` (one line, never a stack trace) and still checks every other file the same way.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { resolveConfig } from '../src/config/load.js';
import { listFiles } from '../src/engine/files.js';
import { run } from '../src/engine/run.js';
import type { RunResult } from '../src/engine/types.js';
import { rulesById } from '../rules/index.js';
import { runIn, tempProject } from './helpers/engine.js';
import { ROOT } from './helpers/fixtures.js';
import { registry } from '../rules/registry.js';

const UNWIRED = `import OpenAI from 'openai';\nconst client = new OpenAI();\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
const BIN = path.join(ROOT, 'bin/tracewire.js');

async function cli(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

async function checkJson(cwd: string, ...argv: string[]) {
  const r = await cli(cwd, 'check', '--format', 'json', ...argv);
  expect(r.stderr).toBe('');
  return { code: r.code, out: JSON.parse(r.stdout) as { findings: RunResult['findings']; errors: RunResult['errors'] } };
}

const where = (r: { findings: { file: string; line: number; column: number; ruleId: string }[] }) => r.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`);

const NESTS_TOO_DEEPLY = 'skipped: the file nests too deeply to analyse (over 400 levels of nesting)';

describe('deep nesting', () => {
  const N = 10_000;
  const deep: [string, string, string][] = [
    ['parentheses', 'a.ts', `export const x = ${'('.repeat(N)}1${')'.repeat(N)};\n`],
    ['nested calls', 'a.ts', `export const x = ${'f('.repeat(N)}1${')'.repeat(N)};\n`],
    ['nested arrays', 'a.js', `export const x = ${'['.repeat(N)}${']'.repeat(N)};\n`],
    ['nested objects', 'a.js', `export const x = ${'{a:'.repeat(N)}1${'}'.repeat(N)};\n`],
    ['nested arrow callbacks', 'a.ts', `${'run(async () => {\n'.repeat(N)}await client.chat.completions.create({});\n${'});\n'.repeat(N)}`],
    ['nested blocks', 'a.ts', `${'{'.repeat(N)}${'}'.repeat(N)}\n`],
    ['if chains', 'a.ts', `${'if (a) '.repeat(N)}b();\n`],
    ['conditional chains', 'a.ts', `export const x = ${'a ? b : '.repeat(N)}c;\n`],
    ['template literals', 'a.ts', `export const x = ${'`${'.repeat(N)}1${'}`'.repeat(N)};\n`],
    ['JSX elements', 'a.tsx', `export const x = ${'<a>'.repeat(N)}${'</a>'.repeat(N)};\n`],
    ['generic types', 'a.ts', `type X = ${'Array<'.repeat(N)}string${'>'.repeat(N)};\n`],
    ['chained assignments', 'a.ts', `let a; a${' = a'.repeat(N * 5)};\n`],
    ['unary operators', 'a.ts', `export const x = ${'!'.repeat(N)}a;\n`],
    ['a 10,000-call builder chain', 'a.ts', `export const x = a${'.b()'.repeat(N)};\n`],
  ];

  // Each file imports an SDK: the prefilter (which never parses a file that names no catalog module and
  // imports none) keeps it, so the parser and the analysis meet the nesting.
  for (const d of deep) d[2] = `import OpenAI from 'openai';\n${d[2]}`;

  for (const [name, file, text] of deep) {
    it(`${name}: reported in errors (or analysed), the other files checked as usual`, async () => {
      const dir = tempProject({ [`src/${file}`]: text, 'src/ok.ts': UNWIRED });
      const alone = await runIn(tempProject({ 'src/ok.ts': UNWIRED }), ['src/ok.ts']);
      const r = await runIn(dir, [`src/${file}`, 'src/ok.ts']);
      for (const e of r.errors) {
        expect(e).toEqual({ file: `src/${file}`, message: NESTS_TOO_DEEPLY });
      }
      // The parser's state survives an overflow: the next file is analysed exactly as on its own.
      expect(where(r).filter((w) => w.startsWith('src/ok.ts'))).toEqual(where(alone));
      expect(where(r)).toContain('src/ok.ts:3:25 require-llm-tracing');
    });
  }

  it('the parenthesised and nested-call cases do overflow, and are reported rather than thrown', async () => {
    const dir = tempProject({ 'src/p.ts': deep[0]![2], 'src/c.ts': deep[1]![2] });
    const r = await runIn(dir, ['src/c.ts', 'src/p.ts']);
    expect(r.errors).toEqual([
      { file: 'src/c.ts', message: NESTS_TOO_DEEPLY },
      { file: 'src/p.ts', message: NESTS_TOO_DEEPLY },
    ]);
    const c = await cli(dir, 'check');
    expect(c.code).toBe(1);
    expect(c.stderr).toBe('');
    expect(c.stdout).not.toMatch(/\n\s+at /);
  });

  it('long left-leaning code is analysed in full: the walk keeps its own stack', async () => {
    // A generated prompt concatenated over 10,000 lines, and a 10,000-step member chain, before the call.
    const concat = `import OpenAI from 'openai';\nconst client = new OpenAI();\nconst prompt = ${Array.from({ length: N }, (_, i) => `'part ${i} '`).join(' +\n  ')};\nconst deep = cfg${'.next'.repeat(N)};\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: prompt + deep }] });\n`;
    const dir = tempProject({ 'src/gen.ts': concat });
    const r = await runIn(dir, ['src/gen.ts']);
    expect(r.errors).toEqual([]);
    expect(where(r)).toEqual([`src/gen.ts:${N + 4}:25 require-llm-tracing`]);
  });
});

/** `lines` short functions of ordinary (not minified) code, with one unwired call at the end. */
function ordinarySource(lines: number): string {
  let out = `import OpenAI from 'openai';\nconst client = new OpenAI();\n`;
  for (let i = 0; out.length < lines; i++) out += `export function handler${i}(input: string) {\n  const value = input.trim() + ${i};\n  return value.length;\n}\n`;
  return out + `export const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
}

/** Minified code: everything on a few very long lines. */
function minifiedSource(bytes: number): string {
  let out = 'import OpenAI from"openai";const c=new OpenAI;';
  for (let i = 0; out.length < bytes; i++) {
    const n = i.toString(36);
    out += `function f_${n}(a,b){var d=a?b:c;return d.chat.completions.create({model:"gpt-4o",messages:[{role:"user",content:a+b}]}).then(function(r){return r.choices[0].message.content})}var v_${n}=[1,2,3].map(function(x){return x*2});`;
    if (i % 5000 === 4999) out += '\n';
  }
  return out;
}

describe('large and minified files', () => {
  it('a 5 MB minified bundle is skipped by its size, a 3 MB one by its shape; a 1.5 MB ordinary file is analysed', async () => {
    const big = minifiedSource(5 * 1024 * 1024);
    const mid = minifiedSource(3 * 1024 * 1024);
    const dir = tempProject({ 'public/vendor.js': big, 'src/bundle.js': mid, 'src/ordinary.ts': ordinarySource(1.5 * 1024 * 1024) });
    const t0 = performance.now();
    const r = await runIn(dir, ['public/vendor.js', 'src/bundle.js', 'src/ordinary.ts']);
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toEqual({ file: 'public/vendor.js', message: 'skipped: file is 5.0 MB, over the 4 MB limit for source files (generated or bundled code?)' });
    expect(r.errors[1]!.file).toBe('src/bundle.js');
    expect(r.errors[1]!.message).toMatch(/^skipped: looks minified or bundled \(30\d\d KB in \d+ lines, \d+ characters per line on average\); tracewire analyses source code, not build output$/);
    expect(where(r)).toEqual([`src/ordinary.ts:${r.findings[0]?.line}:25 require-llm-tracing`]);
    expect(performance.now() - t0).toBeLessThan(30_000);
  });

  it('a hand-written test holding a large fixture on one line is analysed, not skipped as minified', async () => {
    // 320 KB in 45 lines: 7,000 characters per line on average, nearly all of them in one string literal.
    const fixture = `const FIXTURE = '${'QUJD'.repeat(80_000)}';\n`;
    const cases = Array.from({ length: 40 }, (_, i) => `it('case ${i}', () => { expect(parse(FIXTURE)).toBeTruthy(); });`).join('\n');
    const dir = tempProject({ 'src/parse.test.ts': UNWIRED + fixture + `/* ${'x'.repeat(20_000)} */\n` + cases + '\n' });
    const r = await runIn(dir, ['src/parse.test.ts']);
    expect(r.errors).toEqual([]);
    expect(where(r)).toEqual(['src/parse.test.ts:3:25 require-llm-tracing']);
  });

  it('the whole run fits in a 256 MB heap (the real binary, with --max-old-space-size)', () => {
    const dir = tempProject({ 'src/bundle.js': minifiedSource(3.5 * 1024 * 1024), 'src/vendor.js': minifiedSource(4.5 * 1024 * 1024), 'src/ordinary.ts': ordinarySource(1024 * 1024), 'src/a.ts': UNWIRED });
    const r = spawnSync(process.execPath, ['--max-old-space-size=256', BIN, 'check', '--format', 'json'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.errors.map((e: { file: string }) => e.file)).toEqual(['src/bundle.js', 'src/vendor.js']);
    expect(out.findings.map((f: { file: string }) => f.file)).toEqual(['src/a.ts', 'src/ordinary.ts']);
  });
});

describe('encodings and line endings', () => {
  it('binary content under a .js name is skipped; UTF-16 is named as such', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.alloc(64, 7)]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(UNWIRED, 'utf16le')]);
    // High bytes without a NUL: not recognisably binary, so it is parsed (and does not parse).
    const noise = Buffer.concat([Buffer.from("import OpenAI from 'openai';\n"), Buffer.from(Array.from({ length: 4096 }, (_, i) => 0x80 + ((i * 37) % 128)))]);
    const dir = tempProject({ 'src/logo.js': png, 'src/wide.ts': utf16, 'src/noise.js': noise, 'src/a.ts': UNWIRED });
    const { code, out } = await checkJson(dir);
    expect(code).toBe(1);
    expect(out.errors.map((e) => `${e.file}: ${e.message.replace(/ at \d+:\d+: .*/, ' at …')}`)).toEqual([
      'src/logo.js: skipped: binary content (NUL bytes) in a source file',
      'src/noise.js: parse error at …',
      'src/wide.ts: skipped: UTF-16 encoded (tracewire reads UTF-8 source files)',
    ]);
    expect(where(out)).toEqual(['src/a.ts:3:25 require-llm-tracing']);
  });

  it('invalid UTF-8 is read with replacement characters, and positions count them as editors do', async () => {
    // "café" in Latin-1 (one byte, 0xE9) in a comment and in a string, before the call on the same line.
    const bytes = Buffer.concat([
      Buffer.from(`import OpenAI from 'openai';\nconst client = new OpenAI(); // caf`),
      Buffer.from([0xe9]),
      Buffer.from(`\nexport const go = () => { const s = 'caf`),
      Buffer.from([0xe9, 0xff, 0xc3]),
      Buffer.from(`'; return client.chat.completions.create({ model: 'gpt-4o', messages: [] }); };\n`),
    ]);
    const dir = tempProject({ 'src/latin1.ts': bytes });
    const { out } = await checkJson(dir);
    expect(out.errors).toEqual([]);
    // Each invalid byte is one U+FFFD: `export const go = () => { const s = 'caf\uFFFD\uFFFD\uFFFD'; return ` is
    // 53 characters, so the call starts at column 54 (VS Code shows the same three replacement characters).
    expect(where(out)).toEqual(['src/latin1.ts:3:54 require-llm-tracing']);
  });

  it('a lone BOM is an empty file; a BOM before code changes no position', async () => {
    const dir = tempProject({ 'src/bom.ts': '\uFEFF', 'src/code.ts': '\uFEFF' + UNWIRED });
    const { code, out } = await checkJson(dir);
    expect(code).toBe(1);
    expect(out.errors).toEqual([]);
    expect(where(out)).toEqual(['src/code.ts:3:25 require-llm-tracing']);
  });

  it('CR, CRLF, mixed and Unicode line endings give the line numbers an editor shows', async () => {
    const lines = [`import OpenAI from 'openai';`, `const client = new OpenAI();`, `// tracewire-disable-next-line require-llm-tracing -- batch job, traced by the queue`, `client.chat.completions.create({ model: 'm', messages: [] });`, `export const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });`, ''];
    const join = (seps: string[]) => lines.map((l, i) => l + (i < lines.length - 1 ? seps[i % seps.length] : '')).join('');
    const dir = tempProject({
      'src/lf.ts': join(['\n']),
      'src/crlf.ts': join(['\r\n']),
      'src/cr.ts': join(['\r']),
      'src/mixed.ts': join(['\n', '\r\n', '\r']),
      'src/ls.ts': join(['\u2028', '\n', '\u2029']),
    });
    const { out } = await checkJson(dir);
    expect(out.errors).toEqual([]);
    // Line 4 is suppressed by the comment on line 3 in every file; line 5 is reported at the same place.
    expect(where(out)).toEqual(['src/cr.ts:5:25 require-llm-tracing', 'src/crlf.ts:5:25 require-llm-tracing', 'src/lf.ts:5:25 require-llm-tracing', 'src/ls.ts:5:25 require-llm-tracing', 'src/mixed.ts:5:25 require-llm-tracing']);
  });
});

describe('the file tree', () => {
  it('symlink loops, dangling links and links to devices do not hang or break the scan', async () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED, 'src/sub/b.ts': UNWIRED });
    fs.symlinkSync('..', path.join(dir, 'src/sub/loop'));
    fs.symlinkSync('.', path.join(dir, 'src/self'));
    fs.symlinkSync('x.ts', path.join(dir, 'src/y.ts'));
    fs.symlinkSync('y.ts', path.join(dir, 'src/x.ts'));
    fs.symlinkSync('missing.ts', path.join(dir, 'src/dangling.ts'));
    fs.symlinkSync('/dev/zero', path.join(dir, 'src/zero.js'));
    const { code, out } = await checkJson(dir);
    expect(code).toBe(1);
    expect(out.errors).toEqual([]);
    expect(where(out)).toEqual(['src/a.ts:3:25 require-llm-tracing', 'src/sub/b.ts:3:25 require-llm-tracing']);
  });

  it('a FIFO or a device given as a source file is skipped, not read', async () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED });
    spawnSync('mkfifo', [path.join(dir, 'src/pipe.js')]);
    fs.symlinkSync('/dev/zero', path.join(dir, 'src/zero.js'));
    const config = resolveConfig({}, undefined, rulesById, '', dir);
    const r = await run({ registry, cwd: dir, files: ['src/a.ts', 'src/pipe.js', 'src/zero.js'].map((f) => path.join(dir, f)), config });
    expect(r.errors).toEqual([
      { file: 'src/pipe.js', message: 'skipped: not a regular file' },
      { file: 'src/zero.js', message: 'skipped: not a regular file' },
    ]);
    expect(where(r)).toEqual(['src/a.ts:3:25 require-llm-tracing']);
  });

  it('a file deleted between listing and reading is reported, the others checked', async () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED, 'src/b.ts': UNWIRED, 'src/c.ts': UNWIRED });
    const config = resolveConfig({}, undefined, rulesById, '', dir);
    // What the CLI does: list the files, then analyse them. b.ts goes away in between.
    const files = await listFiles({ cwd: dir, paths: [] });
    expect(files).toHaveLength(3);
    fs.rmSync(path.join(dir, 'src/b.ts'));
    const r = await run({ registry, cwd: dir, files, config });
    expect(r.errors).toEqual([{ file: 'src/b.ts', message: 'cannot read file: ENOENT' }]);
    expect(where(r)).toEqual(['src/a.ts:3:25 require-llm-tracing', 'src/c.ts:3:25 require-llm-tracing']);
  });

  it('an unreadable file named on the command line is reported (run unprivileged)', () => {
    const dir = tempProject({ 'src/secret.ts': UNWIRED, 'src/a.ts': UNWIRED });
    fs.chmodSync(path.join(dir, 'src/secret.ts'), 0o000);
    fs.chmodSync(dir, 0o755);
    const args = [BIN, 'check', '--format', 'json', 'src/secret.ts', 'src/a.ts'];
    const r =
      process.getuid?.() === 0
        ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args], { cwd: dir, encoding: 'utf8' })
        : spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.errors).toEqual([{ file: 'src/secret.ts', message: 'cannot read file: EACCES' }]);
    expect(where(out)).toEqual(['src/a.ts:3:25 require-llm-tracing']);
  });

  it('paths with spaces and non-ASCII characters are reported as they are', async () => {
    const name = 'src/my agents/ünïcødé 文件 (copy) #1.ts';
    const dir = tempProject({ [name]: UNWIRED });
    const { out } = await checkJson(dir);
    expect(where(out)).toEqual([`${name}:3:25 require-llm-tracing`]);
    const stylish = await cli(dir, 'check');
    expect(stylish.stdout).toContain(name);
    const sarif = await cli(dir, 'check', '--format', 'sarif');
    expect(JSON.parse(sarif.stdout).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('src/my%20agents/%C3%BCn%C3%AFc%C3%B8d%C3%A9%20%E6%96%87%E4%BB%B6%20(copy)%20%231.ts');
    const named = await checkJson(dir, name);
    expect(where(named.out)).toEqual([`${name}:3:25 require-llm-tracing`]);
  });
});

describe('callee text', () => {
  it('keeps the spaces between words when it joins a callee onto one line', async () => {
    const src = `import OpenAI from 'openai';\nconst client = new OpenAI();\nexport const a = () => (client as any).chat.completions.create({});\nexport const b = () => client\n  .chat\n  .completions\n  .create({});\n`;
    const dir = tempProject({ 'src/a.ts': src });
    const r = await runIn(dir, ['src/a.ts']);
    expect(r.sites.map((s) => s.callee)).toEqual(['(client as any).chat.completions.create', 'client.chat.completions.create']);
  });
});

describe('the per-file budget', () => {
  /** 20,000 functions: 400,000 steps of work, far over a budget of 100,000. */
  const slow = () => {
    let out = `import OpenAI from 'openai';\n`;
    for (let i = 0; i < 20_000; i++) out += `function f${i}(c) { return c.chat.completions.create({}); }\nf${i}(x);\n`;
    return out;
  };
  const OVER = 'skipped: the analysis needed more than the per-file budget of 100,000 steps (set TRACEWIRE_FILE_BUDGET to raise it)';

  it('a file over the per-file budget is reported; the others are checked', async () => {
    const dir = tempProject({ 'src/huge.ts': slow(), 'src/a.ts': UNWIRED });
    const config = resolveConfig({}, undefined, rulesById, '', dir);
    const r = await run({ registry, cwd: dir, files: ['src/a.ts', 'src/huge.ts'].map((f) => path.join(dir, f)), config, fileBudget: 100_000 });
    expect(r.errors).toEqual([{ file: 'src/huge.ts', message: OVER }]);
    expect(where(r)).toEqual(['src/a.ts:3:25 require-llm-tracing']);
  });

  it('counts work, not time: the same files are skipped in every mode (workers, cache)', async () => {
    const dir = tempProject({ 'src/huge.ts': slow(), 'src/a.ts': UNWIRED, 'src/b.ts': UNWIRED });
    const config = resolveConfig({}, undefined, rulesById, '', dir);
    const files = ['src/a.ts', 'src/b.ts', 'src/huge.ts'].map((f) => path.join(dir, f));
    const plain = await run({ registry, cwd: dir, files, config, fileBudget: 100_000 });
    for (const workers of [2, 3]) expect((await run({ registry, cwd: dir, files, config, fileBudget: 100_000, workers })).errors).toEqual(plain.errors);
    const cacheFile = path.join(dir, '.tracewirecache');
    const first = await run({ registry, cwd: dir, files, config, fileBudget: 100_000, cacheFile });
    const second = await run({ registry, cwd: dir, files, config, fileBudget: 100_000, cacheFile });
    expect(first.errors).toEqual([{ file: 'src/huge.ts', message: OVER }]);
    expect(second.errors).toEqual(first.errors);
    // Another budget is another cache.
    expect((await run({ registry, cwd: dir, files, config, cacheFile })).errors).toEqual([]);
  });

  it('TRACEWIRE_FILE_BUDGET sets it for the CLI; the default budget leaves ordinary files alone', () => {
    const dir = tempProject({ 'src/huge.ts': slow(), 'src/a.ts': UNWIRED });
    const r = spawnSync(process.execPath, [BIN, 'check', '--format', 'json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, TRACEWIRE_FILE_BUDGET: '100000' } });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).errors).toEqual([{ file: 'src/huge.ts', message: OVER }]);
    const d = spawnSync(process.execPath, [BIN, 'check', '--format', 'json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, TRACEWIRE_FILE_BUDGET: '' } });
    expect(JSON.parse(d.stdout).errors).toEqual([]);
  });
});
