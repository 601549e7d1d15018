/**
 * A hostile repository and a careless user: tracewire runs in CI on pull requests from forks, in hooks
 * of freshly cloned repositories and on shared machines. Each test builds the trap (a committed link
 * where a report, a cache or a temporary file goes, a link planted in /tmp by another user, a
 * `.git/config` that runs a command, a damaged cache, a pattern built to backtrack, a file nested at the
 * limit, a FIFO where a configuration file should be, ...) and asserts the safe outcome: nothing written
 * outside the project and the user's cache folder, nothing run from the repository's configuration, the
 * same findings in every mode, and one line with exit 2 for bad input.
 */

import { registry } from '../rules/registry.js';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { rulesById } from '../rules/index.js';
import { main } from '../src/cli/main.js';
import { resolveConfig } from '../src/config/load.js';
import { parseSource } from '../src/engine/analyze-file.js';
import { exceedsNesting, MAX_NESTING, nestingDepth } from '../src/engine/nesting.js';
import { run } from '../src/engine/run.js';
import tracewire from '../src/eslint/index.js';
import { runIn, tempProject } from './helpers/engine.js';
import { ROOT } from './helpers/fixtures.js';
import { commitAll, git, initRepo } from './helpers/git.js';

const BIN = path.join(ROOT, 'bin/tracewire.js');
const UNWIRED = `import OpenAI from 'openai';\nconst client = new OpenAI();\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
const PKG = JSON.stringify({ name: 'bot', private: true, type: 'module', dependencies: { ai: '^5.0.0', '@ai-sdk/openai': '^2.0.0' } });
const AI_CALL = `import { generateText } from 'ai';\nimport { openai } from '@ai-sdk/openai';\n\nexport async function summarize(text: string) {\n  const { text: summary } = await generateText({\n    model: openai('gpt-4o-mini'),\n    prompt: text,\n  });\n  return summary;\n}\n`;
const AI_FIXED = AI_CALL.replace('    prompt: text,\n', '    prompt: text,\n    experimental_telemetry: { isEnabled: true },\n');
const SECRET = 'the victim file: must never change\n';

async function cli(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

/** The real binary, with a private cache folder unless `env` says otherwise; `timeout` guards against a hang. */
function bin(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeout = 60_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout, env: { ...process.env, TRACEWIRE_CACHE_DIR: path.join(cwd, '..', 'user-cache'), ...env } });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  return stderr.trimEnd();
}

/** A project and, next to it, a directory outside the project holding a file that must never change. */
function projectWithVictim(files: Record<string, string> = { 'src/a.ts': UNWIRED }) {
  const root = tempProject({ 'outside/victim.txt': SECRET });
  const dir = path.join(root, 'project');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  const outside = path.join(root, 'outside');
  return { root, dir, outside, victim: path.join(outside, 'victim.txt') };
}

const listing = (d: string) => fs.readdirSync(d).sort();

describe('writes never go through a link the repository could commit', () => {
  it('a report path (-o, --format x:file) that is a link is refused before the run, and nothing is written through it', async () => {
    const p = projectWithVictim();
    fs.symlinkSync('../outside/victim.txt', path.join(p.dir, 'tracewire.sarif'));
    for (const args of [['-o', 'tracewire.sarif', '--format', 'sarif'], ['--format', 'sarif:tracewire.sarif']]) {
      const r = await cli(p.dir, 'check', ...args);
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toBe('tracewire: tracewire.sarif: refusing to write the report through a symbolic link (tracewire never writes through links; remove the link or name another path)');
      expect(fs.readFileSync(p.victim, 'utf8')).toBe(SECRET);
    }
    for (const cmd of [['inventory', '-o', 'tracewire.sarif'], ['merge', 'a.json', '-o', 'tracewire.sarif']]) {
      if (cmd[0] === 'merge') fs.writeFileSync(path.join(p.dir, 'a.json'), (await cli(p.dir, 'check', '--format', 'json')).stdout);
      const r = await cli(p.dir, ...cmd);
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toContain('refusing to write the report through a symbolic link');
    }
    expect(fs.readFileSync(p.victim, 'utf8')).toBe(SECRET);
  });

  it('a report under a directory that is a link inside the project is refused; nothing is created outside', async () => {
    const p = projectWithVictim();
    fs.symlinkSync('../outside', path.join(p.dir, 'reports'));
    const r = await cli(p.dir, 'check', '--format', 'sarif:reports/deep/tracewire.sarif');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe('tracewire: reports/deep/tracewire.sarif: refusing to write the report: reports is a symbolic link inside the project (tracewire never writes through links)');
    expect(listing(p.outside)).toEqual(['victim.txt']);
  });

  it('-o naming a directory, or something other than a file, is one line and exit 2', async () => {
    const p = projectWithVictim();
    fs.mkdirSync(path.join(p.dir, 'out'));
    const r = await cli(p.dir, 'check', '-o', 'out');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe('tracewire: out: is a directory; name a file to write the report to');
    spawnSync('mkfifo', [path.join(p.dir, 'pipe.json')]);
    const f = bin(p.dir, ['check', '--format', 'json:pipe.json'], {}, 30_000);
    expect(f.status).toBe(2);
    expect(oneLine(f.stderr)).toBe('tracewire: pipe.json: is a FIFO, not a regular file; name a file to write the report to');
  });

  it('the report directories that do not exist yet are created, and the report written', async () => {
    const p = projectWithVictim();
    const r = await cli(p.dir, 'check', '--format', 'json:reports/ci/tracewire.json');
    expect(r.code).toBe(1);
    expect(JSON.parse(fs.readFileSync(path.join(p.dir, 'reports/ci/tracewire.json'), 'utf8')).findings).toHaveLength(1);
    expect(listing(path.join(p.dir, 'reports/ci'))).toEqual(['tracewire.json']);
  });

  it('the baseline: neither its temporary file nor the baseline itself is written through a planted link', async () => {
    const p = projectWithVictim();
    // The temporary file used to be `<baseline>.<pid>.tmp`: a name a repository can plant for a range of pids.
    fs.symlinkSync('../outside/victim.txt', path.join(p.dir, `tracewire-baseline.json.${process.pid}.tmp`));
    const r = await cli(p.dir, 'baseline');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(p.victim, 'utf8')).toBe(SECRET);
    expect(JSON.parse(fs.readFileSync(path.join(p.dir, 'tracewire-baseline.json'), 'utf8')).entries).toHaveLength(1);
    // The baseline itself a link: refused, to write and to read.
    fs.rmSync(path.join(p.dir, 'tracewire-baseline.json'));
    fs.symlinkSync('../outside/victim.txt', path.join(p.dir, 'tracewire-baseline.json'));
    const w = await cli(p.dir, 'baseline');
    expect(w.code).toBe(2);
    expect(oneLine(w.stderr)).toBe('tracewire: tracewire-baseline.json: refusing to write the baseline through a symbolic link (tracewire never writes through links; remove the link or name another path)');
    const c = await cli(p.dir, 'check', '--baseline', 'tracewire-baseline.json');
    expect(c.code).toBe(2);
    expect(oneLine(c.stderr)).toBe(`tracewire: cannot read the baseline ${path.join(p.dir, 'tracewire-baseline.json')}: a symbolic link, which tracewire does not follow here`);
    expect(fs.readFileSync(p.victim, 'utf8')).toBe(SECRET);
  });

  it('--cache: a planted temporary file, a cache file or a cache directory that is a link write nothing outside', async () => {
    const p = projectWithVictim();
    fs.symlinkSync('../outside/victim.txt', path.join(p.dir, `.tracewirecache.${process.pid}.tmp`));
    const r = await cli(p.dir, 'check', '--cache');
    expect(r.code).toBe(1);
    expect(fs.readFileSync(p.victim, 'utf8')).toBe(SECRET);
    expect(fs.existsSync(path.join(p.dir, '.tracewirecache'))).toBe(true);
    fs.rmSync(path.join(p.dir, '.tracewirecache'));
    fs.symlinkSync('../outside/victim.txt', path.join(p.dir, '.tracewirecache'));
    const l = await cli(p.dir, 'check', '--cache');
    expect(l.code).toBe(2);
    expect(oneLine(l.stderr)).toBe('tracewire: .tracewirecache: refusing to write the cache (--cache) through a symbolic link (tracewire never writes through links; remove the link or name another path)');
    fs.symlinkSync('../outside', path.join(p.dir, 'cache-dir'));
    const d = await cli(p.dir, 'check', '--cache', '--cache-location', 'cache-dir/');
    expect(d.code).toBe(2);
    expect(oneLine(d.stderr)).toContain('refusing to write the cache (--cache)');
    expect(listing(p.outside)).toEqual(['victim.txt']);
    expect(fs.readFileSync(p.victim, 'utf8')).toBe(SECRET);
  });

  it('init does not write the starter configuration through a link, dangling or not', async () => {
    for (const force of [[], ['--force']]) {
      const p = projectWithVictim({ 'package.json': PKG, 'src/a.ts': AI_CALL });
      // A dangling link: existsSync says there is no file, and writing would create the link's target.
      fs.symlinkSync('../outside/new-file.json', path.join(p.dir, 'tracewire.config.json'));
      const r = await cli(p.dir, 'init', ...force);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('tracewire: tracewire.config.json: refusing to write the configuration through a symbolic link');
      expect(listing(p.outside)).toEqual(['victim.txt']);
    }
  });

  it('fix leaves a read-only file alone and reports it', async () => {
    const dir = tempProject({ 'package.json': PKG, 'src/locked.ts': AI_CALL, 'src/open.ts': AI_CALL });
    fs.chmodSync(path.join(dir, 'src/locked.ts'), 0o444);
    const r = await cli(dir, 'fix');
    expect(fs.readFileSync(path.join(dir, 'src/locked.ts'), 'utf8')).toBe(AI_CALL);
    expect(fs.statSync(path.join(dir, 'src/locked.ts')).mode & 0o777).toBe(0o444);
    expect(fs.readFileSync(path.join(dir, 'src/open.ts'), 'utf8')).toBe(AI_FIXED);
    expect(r.stderr + r.stdout).toContain('src/locked.ts');
    expect(r.stderr + r.stdout).toContain('read-only');
    expect(r.code).not.toBe(0);
  });
});

describe('caches are data, not trust', () => {
  it('a damaged V8 code cache in the user cache folder never crashes a run', () => {
    const p = projectWithVictim();
    const cache = path.join(p.root, 'user-cache');
    const first = bin(p.dir, ['check', '--format', 'json']);
    expect(first.status).toBe(1);
    const files = listing(cache).filter((f) => f.endsWith('.v8cache'));
    expect(files.length).toBeGreaterThan(0);
    // Bytes flipped through the whole file, as a bad disk or a killed writer would leave it.
    for (const f of files) {
      const buf = fs.readFileSync(path.join(cache, f));
      for (let i = 200; i < buf.length; i += 997) buf[i]! ^= 0x5a;
      fs.writeFileSync(path.join(cache, f), buf);
    }
    const second = bin(p.dir, ['check', '--format', 'json']);
    expect(second.signal).toBeNull();
    expect(second.stderr).toBe('');
    expect(second.status).toBe(1);
    expect(JSON.parse(second.stdout).findings).toEqual(JSON.parse(first.stdout).findings);
    // ... and the cache is repaired for the next run.
    const third = bin(p.dir, ['check', '--format', 'json']);
    expect(third.status).toBe(1);
  });

  it('a hand-edited .tracewirecache is discarded: the run goes on as if there were none', async () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED });
    expect((await cli(dir, 'check', '--cache')).code).toBe(1);
    // Drop the findings from the last run's result, and keep the file well-formed.
    const file = path.join(dir, '.tracewirecache');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const at = lines.map((l) => l.startsWith('H ')).lastIndexOf(true);
    const header = JSON.parse(lines[at]!.slice(67));
    header.run.result.findings = [];
    lines[at] = lines[at]!.slice(0, 67) + JSON.stringify(header);
    fs.writeFileSync(file, lines.join('\n'));
    const r = await cli(dir, 'check', '--cache', '--format', 'json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toHaveLength(1);
  });

  it('a truncated or garbled .tracewirecache is discarded and rewritten', async () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED, 'src/b.ts': UNWIRED });
    const want = (await cli(dir, 'check', '--format', 'json')).stdout;
    expect((await cli(dir, 'check', '--cache')).code).toBe(1);
    const file = path.join(dir, '.tracewirecache');
    const full = fs.readFileSync(file);
    fs.writeFileSync(path.join(dir, 'src/b.ts'), UNWIRED + '\n'); // a file changed: the entries are read
    // Cut inside the header, inside the entries, garbage, empty; and a record appended after the header
    // that a run stopped half-way (the header before it still serves).
    for (const damaged of [full.subarray(0, full.length - 10), full.subarray(0, full.indexOf(10) + 5), Buffer.from('\u0000\u0001garbage'), Buffer.alloc(0), Buffer.concat([full, Buffer.from('E 0123 {"x":'), full.subarray(full.lastIndexOf(10, full.length - 2) + 1, full.length - 30)])]) {
      fs.writeFileSync(file, damaged);
      const r = await cli(dir, 'check', '--cache', '--format', 'json');
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout).findings).toEqual(JSON.parse(want).findings.map((f: { file: string; line: number }) => f));
    }
  });
});

describe('file names that look like patterns', () => {
  it('a path holding `$&`, `$\'` or `$1` comes back from a packed summary as it went in', async () => {
    const { packSummary, unpackSummary } = await import('../src/engine/packed.js');
    for (const file of ["/repo/app/routes/api.$&.tsx", "/repo/a$'b/x.ts", '/repo/$1/$$/y.ts']) {
      const summary = { file, exports: { x: { k: 'ref' as const, file, name: 'y', steps: [] } }, starExports: [file], fns: {}, calls: [] };
      const back = unpackSummary(packSummary(summary));
      expect(back.starExports).toEqual([file]);
      expect(back.exports).toEqual(summary.exports);
    }
  });
});

describe('the user cache folder', () => {
  const uid = process.getuid?.();

  it('defaults to $XDG_CACHE_HOME/tracewire, else ~/.cache/tracewire, private to the user', () => {
    const p = projectWithVictim();
    const home = path.join(p.root, 'home');
    fs.mkdirSync(home);
    const env = { TRACEWIRE_CACHE_DIR: '', XDG_CACHE_HOME: '', HOME: home, TMPDIR: path.join(p.root, 'tmp') };
    fs.mkdirSync(env.TMPDIR);
    expect(bin(p.dir, ['check'], env).status).toBe(1);
    const dir = path.join(home, '.cache/tracewire');
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(listing(dir).some((f) => f.endsWith('.v8cache'))).toBe(true);
    expect(listing(env.TMPDIR)).toEqual([]);
    const xdg = path.join(p.root, 'xdg');
    expect(bin(p.dir, ['check'], { ...env, XDG_CACHE_HOME: xdg }).status).toBe(1);
    expect(listing(path.join(xdg, 'tracewire')).some((f) => f.endsWith('.v8cache'))).toBe(true);
  });

  it.skipIf(uid === undefined)('the /tmp fallback never follows a link another user planted there', () => {
    const p = projectWithVictim();
    // A shared temporary directory (sticky, world-writable) where "another user" planted tracewire-<uid>
    // as a link to the victim's private directory (owned by the victim, mode 0700: it passes an owner check).
    const tmp = path.join(p.root, 'tmp');
    fs.mkdirSync(tmp);
    fs.chmodSync(tmp, 0o1777);
    const ssh = path.join(p.root, 'victim-ssh');
    fs.mkdirSync(ssh, { mode: 0o700 });
    fs.symlinkSync(ssh, path.join(tmp, `tracewire-${uid}`));
    const env = { TRACEWIRE_CACHE_DIR: '', XDG_CACHE_HOME: '', HOME: path.join(p.root, 'no-such-home'), TMPDIR: tmp };
    const r = bin(p.dir, ['check', '--format', 'json'], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(listing(ssh)).toEqual([]);
    // Without the link, the fallback is created private, and used.
    fs.rmSync(path.join(tmp, `tracewire-${uid}`));
    expect(bin(p.dir, ['check'], env).status).toBe(1);
    const own = path.join(tmp, `tracewire-${uid}`);
    expect(fs.lstatSync(own).isDirectory()).toBe(true);
    expect(fs.statSync(own).mode & 0o777).toBe(0o700);
    expect(listing(own).some((f) => f.endsWith('.v8cache'))).toBe(true);
    // A fallback folder others can enter is not used either.
    fs.rmSync(own, { recursive: true });
    fs.mkdirSync(own, { mode: 0o755 });
    fs.chmodSync(own, 0o755);
    expect(bin(p.dir, ['check'], env).status).toBe(1);
    expect(listing(own)).toEqual([]);
  });
});

describe("git runs without the repository's own commands", () => {
  /** A repository whose .git/config runs a command on every status (fsmonitor), on clean (a filter) and in hooks. */
  function trappedRepo() {
    const dir = tempProject({ 'package.json': PKG, 'src/summarize.ts': AI_CALL });
    initRepo(dir);
    commitAll(dir, 'init');
    const markers = path.join(dir, '..', `markers-${path.basename(dir)}`);
    fs.mkdirSync(markers);
    const script = (name: string) => {
      const f = path.join(markers, `${name}.sh`);
      fs.writeFileSync(f, `#!/bin/sh\ntouch ${JSON.stringify(path.join(markers, `MARKER-${name}`))}\ncat\n`);
      fs.chmodSync(f, 0o755);
      return f;
    };
    git(dir, 'config', 'core.fsmonitor', script('fsmonitor'));
    git(dir, 'config', 'filter.trap.clean', script('clean'));
    git(dir, 'config', 'filter.trap.smudge', 'cat');
    git(dir, 'config', 'diff.trap.textconv', script('textconv'));
    fs.writeFileSync(path.join(dir, '.gitattributes'), '*.ts filter=trap diff=trap\n');
    const hook = path.join(dir, '.git/hooks/post-index-change');
    fs.writeFileSync(hook, `#!/bin/sh\ntouch ${JSON.stringify(path.join(markers, 'MARKER-hook'))}\n`);
    fs.chmodSync(hook, 0o755);
    return { dir, ran: () => listing(markers).filter((f) => f.startsWith('MARKER')) };
  }

  it('check --staged and --changed-since start no process named by .git/config', async () => {
    const { dir, ran } = trappedRepo();
    fs.appendFileSync(path.join(dir, 'src/summarize.ts'), '// staged\n');
    spawnSync('git', ['add', 'src/summarize.ts'], { cwd: dir, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } });
    for (const m of ran()) fs.rmSync(path.join(dir, '..', `markers-${path.basename(dir)}`, m));
    fs.appendFileSync(path.join(dir, 'src/summarize.ts'), '// and changed again\n');
    const staged = await cli(dir, 'check', '--staged');
    expect(staged.code).toBe(1);
    const since = await cli(dir, 'check', '--changed-since', 'HEAD');
    expect(since.code).toBe(1);
    expect(ran()).toEqual([]);
  });

  it('the uncommitted-changes guard of fix starts no process named by .git/config', async () => {
    const { dir, ran } = trappedRepo();
    // Touched, so git must look at the content (where a filter would run).
    const f = path.join(dir, 'src/summarize.ts');
    fs.utimesSync(f, new Date(Date.now() + 5000), new Date(Date.now() + 5000));
    const r = await cli(dir, 'fix');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(f, 'utf8')).toBe(AI_FIXED);
    expect(ran()).toEqual([]);
  });

  it('fix fails closed when git cannot answer: git missing, or a repository git refuses', async () => {
    const dir = tempProject({ 'package.json': PKG, 'src/summarize.ts': AI_CALL });
    initRepo(dir);
    commitAll(dir, 'init');
    const saved = process.env.PATH;
    process.env.PATH = path.join(dir, 'no-bin');
    let r;
    try {
      r = await cli(dir, 'fix');
    } finally {
      process.env.PATH = saved;
    }
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot tell whether the file to change has uncommitted changes: git is not installed or not on PATH');
    expect(r.stderr).toContain('--allow-dirty');
    expect(fs.readFileSync(path.join(dir, 'src/summarize.ts'), 'utf8')).toBe(AI_CALL);
    // A repository owned by another user: git refuses it ("dubious ownership").
    if (process.getuid?.() === 0) {
      spawnSync('chown', ['-R', '65534:65534', dir]);
      const o = await cli(dir, 'fix');
      expect(o.code).toBe(2);
      expect(o.stderr).toMatch(/cannot tell whether the file to change has uncommitted changes: git failed: .*dubious ownership/);
      expect(fs.readFileSync(path.join(dir, 'src/summarize.ts'), 'utf8')).toBe(AI_CALL);
      const forced = await cli(dir, 'fix', '--allow-dirty');
      expect(forced.code).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'src/summarize.ts'), 'utf8')).toBe(AI_FIXED);
    }
  });

  const strace = spawnSync('strace', ['-V'], { encoding: 'utf8' });
  it.skipIf(strace.error !== undefined)('under strace: writes only inside the project and the user cache folder, and starts only node and git (strace: Debian package strace)', () => {
    const { dir, ran } = trappedRepo();
    const cache = path.join(dir, '..', `user-cache-${path.basename(dir)}`);
    fs.appendFileSync(path.join(dir, 'src/summarize.ts'), '// changed\n');
    const log = path.join(dir, '..', `strace-${path.basename(dir)}.log`);
    const runs = [
      ['check', '--changed-since', 'HEAD', '--cache', '--format', 'sarif:reports/tracewire.sarif'],
      ['check', '--staged'],
      ['fix', '--allow-dirty'],
      ['baseline'],
    ];
    for (const args of runs) {
      const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve,open,openat,creat,rename,renameat,renameat2,mkdir,mkdirat,unlink,unlinkat,symlink,symlinkat,link,linkat', '-o', log, process.execPath, BIN, ...args], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, TRACEWIRE_CACHE_DIR: cache, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
      });
      expect(r.stderr, args.join(' ')).toBe('');
      const lines = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l && !/= -1 E/.test(l));
      const inside = (p: string) => [dir, cache].some((d) => p === d || p.startsWith(d + '/')) || p === '/dev/null' || p === '/dev/tty';
      const writes: string[] = [];
      const programs = new Set<string>();
      for (const l of lines) {
        const exec = /execve\("([^"]+)"/.exec(l);
        if (exec) programs.add(fs.realpathSync(exec[1]!));
        const open = /open(?:at)?\((?:AT_FDCWD, )?"([^"]+)", ([A-Z_|]+)/.exec(l);
        if (open && /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/.test(open[2]!)) writes.push(open[1]!);
        const other = /(?:rename|renameat2?|mkdir|mkdirat|unlink|unlinkat|symlink|symlinkat|link|linkat|creat)\((.*)\) = /.exec(l);
        if (other) for (const m of other[1]!.matchAll(/"([^"]+)"/g)) writes.push(m[1]!);
      }
      const outside = writes.map((w) => (path.isAbsolute(w) ? w : path.join(dir, w))).filter((w) => !inside(w));
      expect(outside, `${args.join(' ')} wrote outside the project and the cache folder`).toEqual([]);
      const git = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
      expect([...programs].sort(), `${args.join(' ')} started`).toEqual([...new Set([fs.realpathSync(process.execPath), ...(programs.size > 1 ? [fs.realpathSync(git)] : [])])].sort());
    }
    expect(ran()).toEqual([]);
  });

  it('outside any git work tree there is nothing to protect: fix writes', async () => {
    const dir = tempProject({ 'package.json': PKG, 'src/summarize.ts': AI_CALL });
    const r = await cli(dir, 'fix');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'src/summarize.ts'), 'utf8')).toBe(AI_FIXED);
  });
});

describe('no pattern or input stalls a run', () => {
  it('span-name patterns built to backtrack match in linear time', async () => {
    // `*a*a*a*a*a*a*a*a*b`: a backtracking regular expression needs ~n^8 steps on a long name of `a`s.
    const schema = `spans:\n  - name: "*a*a*a*a*a*a*a*a*b"\n    required: [x.y]\n  - name: "{w}*{w}*{w}*{w}*{w}*{w}*z"\n    required: [x.z]\n`;
    const name = 'a'.repeat(20_000);
    const src = `import { trace } from '@opentelemetry/api';\nconst tracer = trace.getTracer('t');\nexport function f() {\n  const span = tracer.startSpan('${name}');\n  span.end();\n  const other = tracer.startSpan('${'a '.repeat(5_000)}');\n  other.end();\n  const hit = tracer.startSpan('${name}b');\n  hit.end();\n}\n`;
    const dir = tempProject({ 'tracing.yaml': schema, 'src/a.ts': src, 'tracewire.config.json': JSON.stringify({ tracingSchema: 'tracing.yaml', rules: { 'span-required-attributes': 'error' } }) });
    const r = await runIn(dir, ['src/a.ts']);
    expect(r.errors).toEqual([]);
    expect(r.findings.map((f) => `${f.line} ${f.ruleId}`)).toEqual(['8 span-required-attributes']);
  });

  it('glob patterns of the repository (tsconfig include, workspaces) built to backtrack match in linear time', () => {
    // 16 `**/` against a file 19 folders deep that the pattern does not match: a backtracking regular
    // expression tries every way to split the 19 folders among the 16 `**` (hours).
    const deep = `src/${Array.from({ length: 19 }, (_, i) => `d${i}`).join('/')}`;
    const stars = Array(16).fill('**').join('/');
    const dir = tempProject({
      [`${deep}/a.ts`]: `import OpenAI from 'openai';\nimport { x } from '@/lib/x';\nconst client = new OpenAI();\nexport const go = () => client.chat.completions.create({ model: x, messages: [] });\n`,
      'src/lib/x.ts': `export const x = 'gpt-4o';\n`,
      'tsconfig.json': JSON.stringify({ files: [], references: [{ path: './tsconfig.app.json' }] }),
      'tsconfig.app.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@/*': ['src/*'] } }, include: [`${stars}/*.nomatch`] }),
      'package.json': JSON.stringify({ name: 'root', private: true, workspaces: [`${stars}/nomatch`, `!${stars}/x`] }),
    });
    const r = bin(dir, ['check', '--format', 'json'], {}, 60_000);
    expect(r.signal, 'check stalled').toBeNull();
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).findings.map((f: { file: string }) => f.file)).toEqual([`${deep}/a.ts`]);
  });

  it('a YAML alias bomb in the tracing schema is one line and exit 2', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`), 'spans: *i', ''].join('\n');
    const dir = tempProject({ 'tracing.yaml': bomb, 'src/a.ts': UNWIRED, 'tracewire.config.json': JSON.stringify({ tracingSchema: 'tracing.yaml', rules: { 'span-required-attributes': 'error' } }) });
    const r = await cli(dir, 'check');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe('tracewire: tracing.yaml: invalid YAML in the tracing schema: too many alias expansions (a YAML alias bomb?); write the schema without nested aliases');
  });
});

describe('deep nesting: the same answer in every mode', () => {
  const pre = `import OpenAI from 'openai';\nimport { trace } from '@opentelemetry/api';\nconst client = new OpenAI();\nconst tracer = trace.getTracer('t');\n`;
  const cases: [string, string, (n: number) => string][] = [
    ['parentheses', 'ts', (n) => `export const x = ${'('.repeat(n)}client.chat.completions.create({})${')'.repeat(n)};\n`],
    ['type arguments', 'ts', (n) => `type X = ${'Array<'.repeat(n)}string${'>'.repeat(n)};\nexport const go = () => client.chat.completions.create({});\n`],
    ['callbacks', 'ts', (n) => `${'run(async () => {\n'.repeat(n)}await client.chat.completions.create({});\n${'});\n'.repeat(n)}`],
    ['blocks', 'ts', (n) => `${'{'.repeat(n)}client.chat.completions.create({});${'}'.repeat(n)}\n`],
    ['else-if chains', 'ts', (n) => `export function f(a: number) {\n${Array.from({ length: n }, (_, i) => `${i ? 'else ' : ''}if (a === ${i}) { return client.chat.completions.create({}); }`).join('\n')}\n}\n`],
    ['spans in try blocks', 'ts', (n) => `export function f() { const span = tracer.startSpan('s');\n${'try {\n'.repeat(n)}client.chat.completions.create({});\n${'} catch (e) { span.end(); throw e; }\n'.repeat(n)}}\n`],
    ['JSX', 'tsx', (n) => `export const x = ${'<a>'.repeat(n)}{client.chat.completions.create({})}${'</a>'.repeat(n)};\n`],
  ];
  /** The deepest repetition of a construct that stays within the limit, as nesting.ts measures it. */
  const limitOf = (ext: string, gen: (n: number) => string) => {
    let lo = 1;
    let hi = 4 * MAX_NESTING;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      let depth: number;
      try {
        depth = nestingDepth(parseSource(`a.${ext}`, pre + gen(mid)));
      } catch {
        depth = Infinity; // the parser's stack ran out: far over
      }
      if (depth <= MAX_NESTING) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  // Deep enough that, before nesting was measured, the main thread and worker threads disagreed.
  const over = (n: number) => Math.max(n + 1, Math.round(n * 2.5));

  it.each(cases)('%s: analysed at the limit, skipped just over it and far over it, identically with 0, 2 or 3 workers, the cache and ESLint', async (_name, ext, gen) => {
    const limit = limitOf(ext, gen);
    // The check that skips subtrees too short to matter gives the exact measure's answer on both sides.
    expect(exceedsNesting(parseSource(`a.${ext}`, pre + gen(limit)))).toBe(false);
    expect(exceedsNesting(parseSource(`a.${ext}`, pre + gen(limit + 1)))).toBe(true);
    const files = { [`src/at.${ext}`]: pre + gen(limit), [`src/over.${ext}`]: pre + gen(limit + 1), [`src/far.${ext}`]: pre + gen(over(limit)), 'src/ok.ts': UNWIRED };
    const dir = tempProject(files);
    const config = resolveConfig({}, undefined, rulesById, '', dir);
    const all = Object.keys(files).map((f) => path.join(dir, f)).sort();
    const plain = await run({ registry, cwd: dir, files: all, config, workers: 0 });
    expect(plain.errors).toEqual([
      { file: `src/far.${ext}`, message: 'skipped: the file nests too deeply to analyse (over 400 levels of nesting)' },
      { file: `src/over.${ext}`, message: 'skipped: the file nests too deeply to analyse (over 400 levels of nesting)' },
    ]);
    expect(plain.findings.some((f) => f.file === `src/at.${ext}`)).toBe(true);
    const strip = (r: { findings: unknown[]; errors: unknown[] }) => JSON.stringify({ findings: r.findings, errors: r.errors });
    for (const workers of [2, 3]) expect(strip(await run({ registry, cwd: dir, files: all, config, workers }))).toBe(strip(plain));
    const cacheFile = path.join(dir, '.tracewirecache');
    expect(strip(await run({ registry, cwd: dir, files: all, config, workers: 2, cacheFile }))).toBe(strip(plain));
    expect(strip(await run({ registry, cwd: dir, files: all, config, workers: 0, cacheFile }))).toBe(strip(plain));
    // The editor path: the findings of the file at the limit are the CLI's.
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } }, tracewire.configs.recommended] });
    const [at] = await eslint.lintFiles([`src/at.${ext}`]);
    const fatal = at!.messages.filter((m) => m.fatal);
    if (!fatal.length) expect(at!.messages.map((m) => `${m.line}:${m.column} ${m.ruleId?.replace('tracewire/', '')}`)).toEqual(plain.findings.filter((f) => f.file === `src/at.${ext}`).map((f) => `${f.line}:${f.column} ${f.ruleId}`));
    // Many whole runs over files at the nesting limit: no time limit but the suite's patience.
  }, 900_000);
});

describe('one clear line and exit 2 for every bad input', () => {
  it('-c naming a package.json that holds null, or has no tracewire key', async () => {
    const dir = tempProject({ 'null/package.json': 'null', 'plain/package.json': JSON.stringify({ name: 'x' }), 'arr/package.json': '[]', 'src/a.ts': UNWIRED });
    for (const [cfg, want] of [
      ['null/package.json', 'tracewire: null/package.json: expected a package.json object with a "tracewire" key, got null'],
      ['arr/package.json', 'tracewire: arr/package.json: expected a package.json object with a "tracewire" key, got an array'],
      ['plain/package.json', 'tracewire: plain/package.json: has no "tracewire" key: add one with the configuration, or name a tracewire.config.json'],
    ]) {
      const r = await cli(dir, 'check', '-c', cfg!);
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toBe(want);
    }
  });

  it('a key given twice in the configuration (JSON keeps the last one silently)', async () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED, 'tracewire.config.json': '{\n  "rules": { "require-llm-tracing": "off" },\n  "ignores": [],\n  "rules": { "metric-naming": "off" }\n}\n' });
    const r = await cli(dir, 'check');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe('tracewire: tracewire.config.json:4:3: rules: duplicate key "rules" (JSON keeps only the last one, so the first would be ignored)');
    const pkg = tempProject({ 'src/a.ts': UNWIRED, 'package.json': '{"name":"x","scripts":{"a":"1","a":"2"},"tracewire":{"rules":{"metric-naming":"off","metric-naming":"warn"}}}' });
    const p = await cli(pkg, 'check');
    expect(p.code).toBe(2);
    expect(oneLine(p.stderr)).toMatch(/^tracewire: package\.json:1:\d+: tracewire\.rules\.metric-naming: duplicate key "metric-naming"/);
  });

  it('a configuration file, a tracing schema, a baseline or a report to merge that is a FIFO: refused at once, no hang', () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED, 'good/tracewire.config.json': JSON.stringify({ tracingSchema: '../schema.yaml', rules: { 'span-required-attributes': 'error' } }) });
    for (const f of ['tracewire.config.json', 'other.json', 'schema.yaml', 'baseline.json', 'report.json']) spawnSync('mkfifo', [path.join(dir, f)]);
    const cases: [string[], string][] = [
      [['check'], 'tracewire: tracewire.config.json: cannot read the configuration file (a FIFO, not a regular file)'],
      [['check', '-c', 'other.json'], 'tracewire: other.json: cannot read the configuration file (a FIFO, not a regular file)'],
      [['check', '-c', 'good/tracewire.config.json'], 'tracewire: schema.yaml: cannot read the tracing schema (a FIFO, not a regular file)'],
      [['check', '-c', 'good/tracewire.config.json', '--baseline', 'baseline.json'], `tracewire: cannot read the baseline ${path.join(dir, 'baseline.json')}: a FIFO, not a regular file`],
      [['merge', 'report.json'], 'tracewire: merge: cannot read report.json: a FIFO, not a regular file'],
    ];
    for (const [args, want] of cases) {
      const r = bin(dir, args, {}, 30_000);
      expect(r.signal, `${args.join(' ')} hung`).toBeNull();
      expect(r.status).toBe(2);
      expect(oneLine(r.stderr)).toBe(want);
    }
  });

  it('FIFOs named tsconfig.json or package.json in the project are treated as unreadable, not waited on', () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED, 'pkg/b.ts': UNWIRED });
    for (const f of ['tsconfig.json', 'src/tsconfig.json', 'pkg/package.json', 'pkg/tsconfig.json']) spawnSync('mkfifo', [path.join(dir, f)]);
    const r = bin(dir, ['check', '--format', 'json'], {}, 30_000);
    expect(r.signal, 'check hung').toBeNull();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { file: string }) => f.file)).toEqual(['pkg/b.ts', 'src/a.ts']);
  });

  it('init with a FIFO where an .env template is expected ends, and writes its configuration', () => {
    const dir = tempProject({ 'package.json': JSON.stringify({ name: 'x', private: true, dependencies: { '@langchain/openai': '^0.6.0', langchain: '^0.3.0' } }), 'src/a.ts': UNWIRED });
    spawnSync('mkfifo', [path.join(dir, '.env.example')]);
    const r = bin(dir, ['init'], {}, 30_000);
    expect(r.signal, 'init hung').toBeNull();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(dir, 'tracewire.config.json'))).toBe(true);
  });

  it('malformed reports given to merge', async () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED });
    const good = JSON.parse((await cli(dir, 'check', '--format', 'json')).stdout);
    const sarif = JSON.parse((await cli(dir, 'check', '--format', 'sarif')).stdout);
    const bad: [string, unknown, string][] = [
      ['null-finding.json', { ...good, findings: [null] }, 'findings[0]: expected a finding'],
      ['no-errors.json', { ...good, errors: undefined }, 'errors: expected an array'],
      ['no-summary.json', { ...good, summary: 'x' }, 'summary: expected { files, findings, errors, durationMs } (numbers)'],
      ['string-line.json', { ...good, findings: [{ ...good.findings[0], line: '1' }] }, 'findings[0]: expected a finding'],
      ['results.sarif', { ...sarif, runs: [{ ...sarif.runs[0], results: {} }] }, 'runs[0].results: expected an array'],
      ['result-null.sarif', { ...sarif, runs: [{ ...sarif.runs[0], results: [null] }] }, 'runs[0].results[0]: expected a result object'],
      ['uri.sarif', { ...sarif, runs: [{ ...sarif.runs[0], results: [{ ...sarif.runs[0].results[0], locations: [{ physicalLocation: { artifactLocation: { uri: '%E0%A4%A' } } }] }] }] }, 'runs[0].results[0]: artifactLocation.uri: not a valid URI'],
    ];
    for (const [name, data, want] of bad) {
      fs.writeFileSync(path.join(dir, name), JSON.stringify(data));
      const r = await cli(dir, 'merge', name, name);
      expect(r.code, name).toBe(2);
      expect(oneLine(r.stderr)).toContain(`tracewire: merge: ${name} is not a report tracewire wrote: ${want}`);
    }
    fs.writeFileSync(path.join(dir, 'text.json'), '{"version": 1,\n oops');
    const t = await cli(dir, 'merge', 'text.json');
    expect(t.code).toBe(2);
    expect(oneLine(t.stderr)).toMatch(/^tracewire: merge: text\.json: not valid JSON \(/);
  });

  it('stdout closed early (check | head) ends quietly with the run\'s exit code', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`src/f${i}.ts`] = UNWIRED;
    const dir = tempProject(files);
    for (const format of ['stylish', 'json']) {
      const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" check --format ${format} | head -c 20 > /dev/null; echo "status $?"`], { cwd: dir, encoding: 'utf8', env: { ...process.env, TRACEWIRE_CACHE_DIR: path.join(dir, '..', 'uc') } });
      expect(r.stderr).toBe('');
    }
    const rc = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" check | head -1 > /dev/null; echo "\${PIPESTATUS[0]}"`], { cwd: dir, encoding: 'utf8', env: { ...process.env, TRACEWIRE_CACHE_DIR: path.join(dir, '..', 'uc') } });
    expect(rc.stderr).toBe('');
    expect(rc.stdout.trim()).toBe('1');
  });

  it('ignores that exclude every file: exit 2 rather than a pass that checked nothing, unless --allow-empty', async () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED, 'tracewire.config.json': JSON.stringify({ ignores: ['**'] }) });
    const r = await cli(dir, 'check');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe('tracewire: no file to check: the ignores of tracewire.config.json or .gitignore exclude all 1 source file under ., and a check of nothing would pass. Fix the ignores, or pass --allow-empty if nothing is what you mean to check');
    const allowed = await cli(dir, 'check', '--allow-empty');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('No problems in 0 files');
    expect((await cli(dir, 'baseline')).code).toBe(2);
    // A directory with no source files at all has nothing to check: that is no error.
    const empty = tempProject({ 'README.md': '# x\n', 'node_modules/x/index.js': UNWIRED });
    expect((await cli(empty, 'check')).code).toBe(0);
  });

  it('terminal escape sequences in file names are shown escaped, never sent to the terminal', async () => {
    const name = 'src/evil\u001b]0;pwned\u0007\u001b[2J\u202e.ts';
    const dir = tempProject({ [name]: UNWIRED });
    const r = await cli(dir, 'check');
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(r.stdout).toContain('src/evil\\x1b]0;pwned\\x07\\x1b[2J\\u202e.ts');
    const inv = await cli(dir, 'inventory');
    expect(inv.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    // Machine-readable formats keep the name as it is.
    expect(JSON.parse((await cli(dir, 'check', '--format', 'json')).stdout).findings[0].file).toBe(name);
  });
});

describe('the ESLint plugin reports a bad configuration on the file instead of aborting the lint', () => {
  it('invalid JSON, an unknown rule: one message per file, every file linted', async () => {
    for (const [config, want] of [
      ['{ "rules": ', /^tracewire: configuration problem: (\.\.\/)?tracewire\.config\.json:1:\d+: invalid JSON/],
      [JSON.stringify({ rules: { 'no-such-rule': 'error' } }), /^tracewire: configuration problem: (\.\.\/)?tracewire\.config\.json: rules\.no-such-rule: unknown rule/],
    ] as const) {
      const dir = tempProject({ 'tracewire.config.json': config, 'src/a.js': UNWIRED, 'src/b.js': UNWIRED });
      const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [tracewire.configs.recommended] });
      const results = await eslint.lintFiles(['src/a.js', 'src/b.js']);
      expect(results).toHaveLength(2);
      for (const r of results) {
        expect(r.messages).toHaveLength(1);
        expect(r.messages[0]!.message).toMatch(want);
        expect(r.messages[0]!.line).toBe(1);
      }
    }
  });
});

describe('the fixtures of this suite are what they claim', () => {
  it('the code cache file is an envelope with a checksum (what the damage test breaks)', () => {
    const p = projectWithVictim();
    bin(p.dir, ['check']);
    const cache = path.join(p.root, 'user-cache');
    for (const f of listing(cache).filter((x) => x.endsWith('.v8cache'))) {
      const buf = fs.readFileSync(path.join(cache, f));
      expect(buf.subarray(0, 4).toString()).toBe('TWV8');
      expect(createHash('sha256').update(buf.subarray(40)).digest().equals(buf.subarray(8, 40))).toBe(true);
      expect(fs.statSync(path.join(cache, f)).mode & 0o777).toBe(0o600);
    }
  });
});
