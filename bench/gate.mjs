#!/usr/bin/env node
// The gate on a real repository: `tracewire check --staged` on commits of 10 changed files, whole processes,
// on a git copy of the largest repository of the development corpus (../shared/devcorpus/repos, or
// --repo DIR). Side by side, in one run, for each sample:
//
//   changed   check --staged --no-cache --no-affected        (the changed files alone, as before this release)
//   cold      check --staged --no-cache                     (every relevant file analysed, the affected ones reported)
//   first     check --staged, no project context cached yet (it is written)   -> target: <= cold
//   second    the next commit of 10 other files, with the context the first left (only what changed is
//             analysed again), answered by the context server the first started -> target: < 1 s
//
// Between the two commits the bench waits until that server has warmed up (what it does while the
// developer writes the next change), and it removes the server before each sample, so every "first" is
// a process of its own.
//
// Each pair of outputs (cold and cached, for the same staged files) must be identical but for durationMs.
// Also: the affected files of the commits (the files --staged reports besides the changed ones), and
// `check --affected` with the same files (the pre-commit hook's command line). Run alone
// (`node bench/gate.mjs [--runs N] [--repo DIR] [--json]`) or from bench/run.mjs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/tracewire.js');
const SOURCE = /\.(?:[cm]?[jt]sx?)$/;
const SDK_IMPORT = /from\s+['"](?:openai|ai|@ai-sdk\/[\w-]+|@anthropic-ai\/sdk|@langchain\/[\w-]+|langchain|@google\/genai|@mastra\/core)['"]/;

const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
function git(cwd, ...args) {
  const r = spawnSync('git', args, { cwd, env: gitEnv, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The development corpus: $DEVCORPUS, else ../shared/devcorpus next to the checkout (or to its worktree folder). */
function corpusDir() {
  const candidates = [process.env.DEVCORPUS, path.resolve(ROOT, '../shared/devcorpus'), path.resolve(ROOT, '../../shared/devcorpus')].filter(Boolean);
  return candidates.map((c) => path.join(c, 'repos')).find((c) => fs.existsSync(c));
}

/** The repository of the corpus with the most source files. */
export function largestRepo(corpus = corpusDir()) {
  if (!corpus) return undefined;
  let best;
  for (const name of fs.readdirSync(corpus).sort()) {
    const dir = path.join(corpus, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    const n = fs.readdirSync(dir, { recursive: true }).filter((f) => SOURCE.test(String(f)) && !String(f).includes('node_modules')).length;
    if (!best || n > best.files) best = { name, dir, files: n };
  }
  return best;
}

function timed(cwd, argv, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`tracewire ${argv.join(' ')}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
  return { ms, stdout: r.stdout };
}

const comparable = (stdout) => {
  const out = JSON.parse(stdout);
  delete out.summary.durationMs;
  return JSON.stringify(out);
};
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const ratio = (a, b) => +(a / b).toFixed(2);

export async function benchGate({ repo, runs = 3, log = console.log } = {}) {
  const { serverIdle } = await import(pathToFileURL(path.join(ROOT, 'dist/src/cli/server.js')).href);
  const source = repo ? { name: path.basename(repo), dir: repo } : largestRepo();
  if (!source) {
    log('\nThe gate: no development corpus (set DEVCORPUS or pass --repo DIR); skipped');
    return undefined;
  }
  const work = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'tracewire-bench-gate-'));
  const cacheDir = path.join(work, 'cache');
  const dir = path.join(work, 'repo');
  try {
    fs.cpSync(source.dir, dir, { recursive: true });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'initial');
    const initial = git(dir, 'rev-parse', 'HEAD').trim();
    const tracked = git(dir, 'ls-files', '-z').split('\0').filter((f) => SOURCE.test(f) && !f.endsWith('.d.ts'));
    // Files a commit touches where tracewire has something to look at: those that import an SDK first.
    const withSdk = tracked.filter((f) => SDK_IMPORT.test(fs.readFileSync(path.join(dir, f), 'utf8')));
    const pool = [...withSdk, ...tracked.filter((f) => !withSdk.includes(f))];
    const commitA = pool.slice(0, 10);
    const commitB = pool.slice(10, 20);
    const env = { TRACEWIRE_CACHE_DIR: cacheDir };
    // The context cache and the context server (removing its socket stops it).
    const clearContext = () => {
      for (const f of fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []) if (f.startsWith('check-') || f.startsWith('server-')) fs.rmSync(path.join(cacheDir, f));
    };
    const waitForServer = async () => {
      const saved = process.env.TRACEWIRE_CACHE_DIR;
      process.env.TRACEWIRE_CACHE_DIR = cacheDir;
      try {
        // It listens once it has loaded (a few hundred ms after the first run ends).
        for (const until = Date.now() + 15_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) if (await serverIdle(dir)) return true;
        return false;
      } finally {
        if (saved === undefined) delete process.env.TRACEWIRE_CACHE_DIR;
        else process.env.TRACEWIRE_CACHE_DIR = saved;
      }
    };
    const edit = (files, n) => {
      for (const f of files) fs.appendFileSync(path.join(dir, f), `\n// edit ${n}\n`);
      git(dir, 'add', '--', ...files);
    };
    // Warm the V8 code cache of TypeScript once (every measured process starts with it).
    timed(dir, ['check', '--staged', '--no-cache', '--format', 'json'], env);
    log(`\nThe gate on ${source.name} (${tracked.length} source files, a git copy): check --staged, commits of 10 changed files, ${runs} samples`);
    const samples = { coldChangedOnly: [], cold: [], first: [], coldSecond: [], second: [], affectedHook: [] };
    let identical = true;
    let served = true;
    let reported;
    for (let i = 0; i < runs; i++) {
      git(dir, 'reset', '-q', '--hard', initial);
      clearContext();
      edit(commitA, `a${i}`);
      // What reporting the affected files costs: the same cold run, changed files only.
      const changedOnly = timed(dir, ['check', '--staged', '--no-cache', '--no-affected', '--format', 'json'], env);
      const cold = timed(dir, ['check', '--staged', '--no-cache', '--format', 'json'], env);
      const first = timed(dir, ['check', '--staged', '--format', 'json'], env);
      git(dir, 'commit', '-q', '-m', `a${i}`);
      // The developer's time before the next commit: the server the first run started warms up.
      served &&= await waitForServer();
      edit(commitB, `b${i}`);
      const coldSecond = timed(dir, ['check', '--staged', '--no-cache', '--format', 'json'], env);
      const second = timed(dir, ['check', '--staged', '--format', 'json'], env);
      // The pre-commit hook's command line (the files passed by name), after the same commits.
      const hook = timed(dir, ['check', '--affected', ...commitB, '--format', 'json'], env);
      identical &&= comparable(cold.stdout) === comparable(first.stdout) && comparable(coldSecond.stdout) === comparable(second.stdout);
      reported = { first: JSON.parse(first.stdout).summary.files, second: JSON.parse(second.stdout).summary.files };
      samples.coldChangedOnly.push(changedOnly.ms);
      samples.cold.push(cold.ms);
      samples.first.push(first.ms);
      samples.coldSecond.push(coldSecond.ms);
      samples.second.push(second.ms);
      samples.affectedHook.push(hook.ms);
    }
    const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, { medianMs: Math.round(median(v)), minMs: Math.round(Math.min(...v)), maxMs: Math.round(Math.max(...v)) }]));
    const row = (label, s) => log(`  ${label.padEnd(52)} ${fmt(s.medianMs).padStart(8)} (min ${fmt(s.minMs)}, max ${fmt(s.maxMs)})`);
    row('cold, changed files only: --staged --no-cache --no-affected', m.coldChangedOnly);
    row('cold: check --staged --no-cache (commit 1)', m.cold);
    row('first: check --staged, no context cached yet', m.first);
    row('cold: check --staged --no-cache (commit 2)', m.coldSecond);
    row('second: check --staged, context from the first', m.second);
    row('the hook: check --affected <10 files> (commit 2)', m.affectedHook);
    const result = {
      repo: source.name,
      sourceFiles: tracked.length,
      changedPerCommit: 10,
      reported,
      identical,
      ...m,
      ratios: {
        'cold with affected files / cold changed files only': ratio(m.cold.medianMs, m.coldChangedOnly.medianMs),
        'first / cold (target <= 1)': ratio(m.first.medianMs, m.cold.medianMs),
        'second / cold (commit 2)': ratio(m.second.medianMs, m.coldSecond.medianMs),
      },
      secondUnder1s: m.second.medianMs < 1000,
      servedByContextServer: served,
    };
    log(`  files reported (changed and affected): ${reported.first} (commit 1), ${reported.second} (commit 2)`);
    log(`  ratios: ${JSON.stringify(result.ratios)}; second commit under 1 s: ${result.secondUnder1s}; cached output ${identical ? 'identical to' : '!! DIFFERS from'} cold; ${served ? 'the first run started a context server' : '!! no context server (TRACEWIRE_SERVER=0, CI, or none could start)'}`);
    return result;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const r = await benchGate({ repo: opt('repo'), runs: Number(opt('runs', '3')), log: args.includes('--json') ? () => {} : console.log });
  if (args.includes('--json')) console.log(JSON.stringify(r, null, 2));
}
