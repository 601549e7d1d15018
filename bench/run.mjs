#!/usr/bin/env node
// `npm run bench`: tracewire against the parser floor, on real published code and synthetic scales.
//
// Measured in one run, on the same files, each as a whole process, median of --runs (min and max too):
//   (a) floor:     read + ts.createSourceFile of every file (the engine's parse options)
//   (b) check:     tracewire check, single-threaded
//   (c) workers:   tracewire check --workers 2 (when the CLI has workers)
//   (d) eslint:    ESLint with the tracewire plugin, same files (when the plugin is built)
//   (e) precommit: tracewire check on 10 files, next to `node -e "require('typescript')"`
//   (f) peak RSS of each (GNU time).
// Prints ratios and writes bench/results/<date>.json. Never part of `npm test`.
//
// Options: --set all|s2000 (default s2000) --runs N (default 3) --scales 1000,10000 --no-corpus --no-eslint
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './synth.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/tracewire.js');
const CORPUS = process.env.BENCH_CORPUS ?? '/tmp/bench-corpus';
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const flag = (name) => args.includes(`--${name}`);
const SET = opt('set', 's2000');
const RUNS = Number(opt('runs', '3'));
const SCALES = opt('scales', '1000,10000').split(',').filter(Boolean).map(Number);

const hasTime = fs.existsSync('/usr/bin/time');

/** Run a command R times; wall time and peak RSS (KiB) per run. */
function measure(label, cmd, argv, { cwd = ROOT, runs = RUNS, env = {} } = {}) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = hasTime
      ? spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...argv], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 30 })
      : spawnSync(cmd, argv, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0 && r.status !== 1) throw new Error(`${label}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
    const rssKb = hasTime ? Number(r.stderr.trim().split('\n').pop()) : NaN;
    samples.push({ ms, rssMb: rssKb / 1024, stdout: r.stdout });
  }
  const times = samples.map((s) => s.ms).sort((a, b) => a - b);
  const rss = samples.map((s) => s.rssMb).sort((a, b) => a - b);
  const med = (a) => a[Math.floor(a.length / 2)];
  const out = { label, medianMs: med(times), minMs: times[0], maxMs: times[times.length - 1], peakRssMb: med(rss), stdout: samples[0].stdout };
  console.log(`  ${label.padEnd(34)} ${fmt(out.medianMs)} (min ${fmt(out.minMs)}, max ${fmt(out.maxMs)})  peak ${out.peakRssMb.toFixed(0)} MiB`);
  return out;
}
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const ratio = (a, b) => (a / b).toFixed(2);

function floorScript(listFile) {
  // The floor: what any TS-based linter must do at least. Same parse options as the engine.
  return `const ts=require(${JSON.stringify(require_ts())});const fs=require('fs');
const files=fs.readFileSync(${JSON.stringify(listFile)},'utf8').split('\\n').filter(Boolean);
let n=0;for(const f of files){const t=fs.readFileSync(f,'utf8');const sf=ts.createSourceFile(f,t,{languageVersion:ts.ScriptTarget.Latest,jsDocParsingMode:ts.JSDocParsingMode.ParseNone},false);n+=sf.statements.length}
console.log(n)`;
}
function require_ts() {
  return path.join(ROOT, 'node_modules/typescript');
}

const cliHelp = execFileSync(process.execPath, [BIN, 'check', '--help'], { encoding: 'utf8' });
const hasWorkers = cliHelp.includes('--workers');
const eslintBench = path.join(ROOT, 'bench/eslint-vs-cli.mjs');
const report = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, set: SET, runs: RUNS, corpus: null, precommit: null, scales: [] };

if (!flag('no-corpus')) {
  if (!fs.existsSync(path.join(CORPUS, 'sets', `${SET}.txt`))) {
    console.log(`Building the benchmark corpus in ${CORPUS} (pinned npm packages; about 30 s)...`);
    execFileSync('bash', [path.join(ROOT, 'bench/make-corpus.sh')], { stdio: 'inherit', env: { ...process.env, BENCH_CORPUS: CORPUS } });
  }
  const setDir = path.join(CORPUS, 'sets', SET);
  const listFile = path.join(CORPUS, 'sets', `${SET}.txt`);
  // The corpus holds .d.ts files too; the floor parses exactly the files tracewire checks.
  const checked = fs.readFileSync(listFile, 'utf8').split('\n').filter((f) => f && !/\.d\.[cm]?ts$/.test(f));
  const checkedList = path.join(os.tmpdir(), `tracewire-bench-${SET}.txt`);
  fs.writeFileSync(checkedList, checked.join('\n') + '\n');
  console.log(`\nReal corpus: sets/${SET} (${checked.length} files checked, .d.ts excluded), ${RUNS} runs each`);
  const a = measure('(a) floor: read + parse', process.execPath, ['-e', floorScript(checkedList)]);
  const b = measure('(b) tracewire check', process.execPath, [BIN, 'check', setDir, '--no-ignore', '--format', 'json', ...(hasWorkers ? ['--workers', '0'] : [])]);
  const c = hasWorkers ? measure('(c) tracewire check --workers 2', process.execPath, [BIN, 'check', setDir, '--no-ignore', '--format', 'json', '--workers', '2']) : null;
  if (c && JSON.stringify(JSON.parse(b.stdout).findings) !== JSON.stringify(JSON.parse(c.stdout).findings)) console.log('  !! workers output differs from single-threaded output');
  let d = null;
  if (!flag('no-eslint') && fs.existsSync(eslintBench)) {
    try {
      d = JSON.parse(execFileSync(process.execPath, [eslintBench, '--json', setDir], { encoding: 'utf8', maxBuffer: 1 << 28 }));
      console.log(`  (d) eslint path: ${JSON.stringify(d)}`);
    } catch (e) {
      console.log(`  (d) eslint path failed: ${e.message.split('\n')[0]}`);
    }
  }
  const files = checked.length;
  report.corpus = {
    files,
    floor: strip(a),
    check: strip(b),
    workers: c && strip(c),
    eslint: d,
    ratios: {
      'check/floor (time)': +ratio(b.medianMs, a.medianMs),
      'throughput check vs floor': +ratio(a.medianMs, b.medianMs),
      ...(c ? { 'workers speed-up over check': +ratio(b.medianMs, c.medianMs), 'workers/floor (time)': +ratio(c.medianMs, a.medianMs) } : {}),
    },
  };
  console.log(`  ratios: ${JSON.stringify(report.corpus.ratios)}`);

  // (e) a pre-commit-sized run: 10 files, whole process, against loading the TypeScript module.
  const s10 = path.join(CORPUS, 'sets', 's10');
  if (fs.existsSync(s10)) {
    console.log('\nPre-commit-sized run (sets/s10, 10 files)');
    const cold = measure('node -e require("typescript")', process.execPath, ['-e', `require(${JSON.stringify(require_ts())})`], { runs: Math.max(RUNS, 5) });
    const e = measure('(e) tracewire check (10 files)', process.execPath, [BIN, 'check', ...fs.readdirSync(s10, { recursive: true }).filter((f) => /\.[cm]?[jt]s$/.test(f)).map((f) => path.join(s10, f)), '--no-ignore'], { runs: Math.max(RUNS, 5), cwd: s10 });
    report.precommit = { cold: strip(cold), check: strip(e), ratio: +ratio(e.medianMs, cold.medianMs) };
    console.log(`  ratio precommit/cold-load: ${report.precommit.ratio}`);
  }
}

if (SCALES.length) {
  console.log('\nSynthetic agent-service code, growth with size');
  for (const n of SCALES) {
    const dir = path.join(os.tmpdir(), `tracewire-synth-${n}`);
    const meta = generate(dir, n);
    const r = measure(`check ${n} files`, process.execPath, [BIN, 'check', dir, '--format', 'json'], { runs: n >= 20000 ? 1 : RUNS });
    const out = JSON.parse(r.stdout);
    const ok = out.findings.length === meta.unwired;
    report.scales.push({ files: n, calls: meta.calls, unwired: meta.unwired, findings: out.findings.length, correct: ok, ...strip(r) });
    if (!ok) console.log(`  !! expected ${meta.unwired} findings, got ${out.findings.length}`);
  }
  chart(report.scales);
}

fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
const outFile = path.join(ROOT, 'bench/results', `${report.date.replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(outFile, JSON.stringify(report, null, 2) + '\n');
console.log(`\nreport: ${path.relative(ROOT, outFile)}`);

function strip(m) {
  const { stdout, ...rest } = m;
  return rest;
}

function chart(rows) {
  if (!rows.length) return;
  const maxMs = Math.max(...rows.map((r) => r.medianMs));
  const maxRss = Math.max(...rows.map((r) => r.peakRssMb));
  console.log('\n  files     time                                      peak RSS');
  for (const r of rows) {
    const t = '█'.repeat(Math.max(1, Math.round((30 * r.medianMs) / maxMs)));
    const m = '█'.repeat(Math.max(1, Math.round((20 * r.peakRssMb) / maxRss)));
    console.log(`  ${String(r.files).padStart(6)}  ${fmt(r.medianMs).padStart(8)} ${t.padEnd(30)}  ${r.peakRssMb.toFixed(0).padStart(5)} MiB ${m}`);
  }
}
