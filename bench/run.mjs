#!/usr/bin/env node
// `npm run bench`: tracewire against the parser floor, on real published code and synthetic scales.
//
// Measured in one run, on the same files, each as a whole process, median of --runs (min and max too):
//   (a) floor:     read + ts.createSourceFile of every file tracewire checks (the engine's parse options)
//   (b) check:     tracewire check --workers 0 (single-threaded); and the same with TRACEWIRE_NO_PREFILTER=1
//                  (every file parsed and analysed: the cost of the analysis on top of the parse)
//   (c) workers:   tracewire check --workers 2; its JSON must equal (b)'s but for durationMs. Next to it,
//                  two floor processes at once: what two cores give on this machine (the ceiling for (c))
//   (d) eslint:    ESLint with the tracewire plugin against ESLint with no rules (bench/eslint-vs-cli.mjs,
//                  on --eslint-set, default s2000: ESLint over 21k files takes minutes per run)
//   (e) precommit: tracewire check on 10 files, next to `node -e "require('typescript')"`; and 10 files of a
//                  synthetic 2,000-file project (the rest of the project as context), without and with --cache
//   (f) peak RSS of each (GNU time).
//   (g) gate:      check --staged on commits of 10 files of the largest repository of ../shared/devcorpus (a
//                  git copy): cold (--no-cache), the first commit with the per-user context cache (written),
//                  and the next commit with it (bench/gate.mjs); the cached outputs must equal the cold ones.
// Then --cache on the largest synthetic scale (first run, then an unchanged re-run), and check over the
// synthetic scales (time and peak RSS per size, with a terminal chart). Prints ratios and writes
// bench/results/<date>.json. Never part of `npm test`.
//
// Options: --set all|s2000 (default s2000) --runs N (default 3) --scales 1000,10000,20000 (default 1000,10000)
//          --eslint-set s2000|all|none --no-corpus --no-eslint --no-cache --no-gate
//          --against <other checkout>/bin/tracewire.js [--devcorpus DIR]: check with this build and the other one,
//          run in turn on the same files (the corpus set and each repository of the development corpus), with
//          the ratio of this build's median to the other's (a change's cost, measured side by side in one run)
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchGate } from './gate.mjs';
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
const ESLINT_SET = flag('no-eslint') ? 'none' : opt('eslint-set', 's2000');

const hasTime = fs.existsSync('/usr/bin/time');
const load = () => os.loadavg().map((x) => +x.toFixed(2));

/** Run a command R times; wall time and peak RSS (KiB) per run. */
function measure(label, cmd, argv, { cwd = ROOT, runs = RUNS, env = {}, before } = {}) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    before?.();
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
  const out = { label, medianMs: med(times), minMs: times[0], maxMs: times[times.length - 1], peakRssMb: med(rss), maxRssMb: rss[rss.length - 1], stdout: samples[0].stdout };
  console.log(`  ${label.padEnd(44)} ${fmt(out.medianMs).padStart(8)} (min ${fmt(out.minMs)}, max ${fmt(out.maxMs)})  peak ${out.peakRssMb.toFixed(0)} MiB`);
  return out;
}
const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const ratio = (a, b) => +(a / b).toFixed(2);
const TS = path.join(ROOT, 'node_modules/typescript');

function floorScript(listFile) {
  // The floor: what any TS-based linter must do at least. Same parse options as the engine.
  return `const ts=require(${JSON.stringify(TS)});const fs=require('fs');
const files=fs.readFileSync(${JSON.stringify(listFile)},'utf8').split('\\n').filter(Boolean);
let n=0;for(const f of files){const t=fs.readFileSync(f,'utf8');const sf=ts.createSourceFile(f,t,{languageVersion:ts.ScriptTarget.Latest,jsDocParsingMode:ts.JSDocParsingMode.ParseNone},false);n+=sf.statements.length}
console.log(n)`;
}

/** The JSON report without the field that differs between equivalent runs. */
function comparable(stdout) {
  const out = JSON.parse(stdout);
  delete out.summary.durationMs;
  return JSON.stringify(out);
}

const strip = ({ stdout, ...rest }) => rest;
const { listFiles } = await import(pathToFileURL(path.join(ROOT, 'dist/src/engine/files.js')).href);
const report = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadAtStart: load(), set: SET, runs: RUNS, corpus: null, eslint: null, precommit: null, gate: null, cache: null, scales: [] };
console.log(`tracewire benchmark: node ${process.version}, ${report.cpus} cores (${report.cpuModel}), load average ${report.loadAtStart.join(' ')}`);

if (!flag('no-corpus')) {
  if (!fs.existsSync(path.join(CORPUS, 'sets', `${SET}.txt`))) {
    console.log(`Building the benchmark corpus in ${CORPUS} (pinned npm packages; about 30 s)...`);
    execFileSync('bash', [path.join(ROOT, 'bench/make-corpus.sh')], { stdio: 'inherit', env: { ...process.env, BENCH_CORPUS: CORPUS } });
  }
  const setDir = path.join(CORPUS, 'sets', SET);
  // Exactly the files `check <set> --no-ignore` checks (.d.ts included): the floor parses the same ones.
  const checked = await listFiles({ cwd: setDir, paths: ['.'], noIgnore: true });
  const checkedList = path.join(os.tmpdir(), `tracewire-bench-${SET}.txt`);
  fs.writeFileSync(checkedList, checked.join('\n') + '\n');
  const mb = checked.reduce((n, f) => n + fs.statSync(f).size, 0) / 1048576;
  console.log(`\nReal corpus: sets/${SET} (${checked.length} files, ${mb.toFixed(1)} MB, the files check checks), ${RUNS} runs each`);
  const a = measure('(a) floor: read + parse', process.execPath, ['-e', floorScript(checkedList)]);
  // What two cores give here: two floor processes at once (a shared or oversubscribed host gives far less than 2x).
  const pair = measure('two floors at once (parallel ceiling)', 'bash', ['-c', `${process.execPath} -e ${shellQuote(floorScript(checkedList))} & ${process.execPath} -e ${shellQuote(floorScript(checkedList))}; wait`]);
  const b = measure('(b) tracewire check --workers 0', process.execPath, [BIN, 'check', setDir, '--no-ignore', '--format', 'json', '--workers', '0']);
  // The same with the prefilter off: every file analysed (what the analysis costs on top of the parse).
  const b2 = measure('(b) the same, every file analysed', process.execPath, [BIN, 'check', setDir, '--no-ignore', '--format', 'json', '--workers', '0'], { env: { TRACEWIRE_NO_PREFILTER: '1' } });
  const c = measure('(c) tracewire check --workers 2', process.execPath, [BIN, 'check', setDir, '--no-ignore', '--format', 'json', '--workers', '2']);
  const identical = comparable(b.stdout) === comparable(c.stdout);
  const sameFindings = JSON.stringify(JSON.parse(b.stdout).findings) === JSON.stringify(JSON.parse(b2.stdout).findings);
  console.log(`  findings with the prefilter ${sameFindings ? 'identical to' : '!! DIFFER from'} those with every file analysed`);
  console.log(`  workers output ${identical ? 'identical to' : '!! DIFFERS from'} the single-threaded output`);
  const files = checked.length;
  report.corpus = {
    files,
    megabytes: +mb.toFixed(1),
    floor: strip(a),
    check: strip(b),
    checkEveryFile: strip(b2),
    workers: strip(c),
    workersIdentical: identical,
    prefilterSameFindings: sameFindings,
    twoFloorsAtOnce: strip(pair),
    throughput: { floor: Math.round((files / a.medianMs) * 1000), check: Math.round((files / b.medianMs) * 1000), workers: Math.round((files / c.medianMs) * 1000) },
    ratios: {
      'check throughput / floor throughput (target >= 0.8)': ratio(a.medianMs, b.medianMs),
      'the same with every file analysed (prefilter off)': ratio(a.medianMs, b2.medianMs),
      'workers 2 speed-up over check (target >= 1.7)': ratio(b.medianMs, c.medianMs),
      'parallel ceiling of this machine (2 floors at once vs 1)': ratio(2 * a.medianMs, pair.medianMs),
      'workers throughput / floor throughput': ratio(a.medianMs, c.medianMs),
    },
  };
  console.log(`  files/s: floor ${report.corpus.throughput.floor}, check ${report.corpus.throughput.check}, workers ${report.corpus.throughput.workers}`);
  console.log(`  ratios: ${JSON.stringify(report.corpus.ratios)}`);
}

const eslintBench = path.join(ROOT, 'bench/eslint-vs-cli.mjs');
if (ESLINT_SET !== 'none' && fs.existsSync(eslintBench) && fs.existsSync(path.join(CORPUS, 'sets', ESLINT_SET))) {
  console.log(`\nESLint path (bench/eslint-vs-cli.mjs on sets/${ESLINT_SET})`);
  try {
    const d = JSON.parse(execFileSync(process.execPath, [eslintBench, '--json', '--runs', String(Math.min(RUNS, 3)), path.join(CORPUS, 'sets', ESLINT_SET)], { encoding: 'utf8', maxBuffer: 1 << 28 }));
    report.eslint = { set: ESLINT_SET, ...d };
    console.log(`  ${JSON.stringify(d)}`);
  } catch (e) {
    console.log(`  (d) eslint path failed: ${e.message.split('\n')[0]}`);
  }
}

// (e) pre-commit-sized runs, whole processes.
const s10 = path.join(CORPUS, 'sets', 's10');
{
  console.log('\nPre-commit-sized runs');
  const runs = Math.max(RUNS, 5);
  const cold = measure('node -e require("typescript")', process.execPath, ['-e', `require(${JSON.stringify(TS)})`], { runs });
  report.precommit = { cold: strip(cold) };
  if (fs.existsSync(s10)) {
    const ten = fs.readdirSync(s10, { recursive: true }).filter((f) => /\.[cm]?[jt]s$/.test(f)).map((f) => path.join(s10, f));
    const e = measure('(e) tracewire check (sets/s10, 10 files)', process.execPath, [BIN, 'check', ...ten, '--no-ignore'], { runs, cwd: s10 });
    report.precommit.check = strip(e);
    report.precommit.ratio = ratio(e.medianMs, cold.medianMs);
    console.log(`  ratio precommit / cold load of typescript (target <= 1.3): ${report.precommit.ratio}`);
  }
  // Ten files of a 2,000-file project: the rest of the project is context (resolution, global registrations).
  const app = path.join(os.tmpdir(), 'tracewire-bench-app');
  generate(app, 2000);
  const staged = fs.readdirSync(path.join(app, 'src/billing/m0')).slice(0, 10).map((f) => path.join(app, 'src/billing/m0', f));
  const cacheFile = path.join(app, '.tracewirecache');
  fs.rmSync(cacheFile, { force: true });
  const inApp = measure('10 files of a 2,000-file project', process.execPath, [BIN, 'check', ...staged], { runs, cwd: app });
  spawnSync(process.execPath, [BIN, 'check', ...staged, '--cache'], { cwd: app, stdio: 'ignore' });
  const inAppCached = measure('the same, --cache (warm)', process.execPath, [BIN, 'check', ...staged, '--cache'], { runs, cwd: app });
  report.precommit.inProject = { files: 2000, checked: staged.length, plain: strip(inApp), cached: strip(inAppCached), ratioToCold: ratio(inAppCached.medianMs, cold.medianMs) };
}

// (g) the gate on a real repository: cold against the per-user context cache, first and second commit.
if (!flag('no-gate')) report.gate = (await benchGate({ runs: RUNS })) ?? null;

if (SCALES.length) {
  console.log('\nSynthetic agent-service code, growth with size');
  const dirs = [];
  for (const n of SCALES) {
    const dir = path.join(os.tmpdir(), `tracewire-synth-${n}`);
    const meta = generate(dir, n);
    dirs.push({ n, dir, meta });
    const r = measure(`check ${n} files --workers 0`, process.execPath, [BIN, 'check', dir, '--format', 'json', '--workers', '0'], { runs: n >= 20000 ? Math.min(RUNS, 2) : RUNS });
    const out = JSON.parse(r.stdout);
    const ok = out.findings.length === meta.unwired;
    report.scales.push({ files: n, calls: meta.calls, unwired: meta.unwired, findings: out.findings.length, correct: ok, ...strip(r) });
    if (!ok) console.log(`  !! expected ${meta.unwired} findings, got ${out.findings.length}`);
  }
  chart(report.scales);

  if (!flag('no-cache')) {
    const { n, dir } = dirs[dirs.length - 1];
    const cacheFile = path.join(dir, '.tracewirecache');
    console.log(`\n--cache on ${n} files`);
    const first = measure('first run (no cache yet)', process.execPath, [BIN, 'check', dir, '--format', 'json', '--workers', '0', '--cache', '--cache-location', cacheFile], {
      runs: Math.min(RUNS, 2),
      before: () => fs.rmSync(cacheFile, { force: true }),
    });
    const again = measure('unchanged re-run', process.execPath, [BIN, 'check', dir, '--format', 'json', '--workers', '0', '--cache', '--cache-location', cacheFile]);
    const same = comparable(first.stdout) === comparable(again.stdout);
    // One file edited: its entry is recomputed, everything is linked again.
    const edited = path.join(dir, 'src/llm/tracing.ts');
    const original = fs.readFileSync(edited, 'utf8');
    const oneEdit = measure('one file edited', process.execPath, [BIN, 'check', dir, '--format', 'json', '--workers', '0', '--cache', '--cache-location', cacheFile], {
      runs: Math.min(RUNS, 2),
      before: () => fs.writeFileSync(edited, original + `// edit ${Math.random()}\n`),
    });
    fs.writeFileSync(edited, original);
    report.cache = { files: n, first: strip(first), rerun: strip(again), oneFileEdited: strip(oneEdit), identical: same, speedup: ratio(first.medianMs, again.medianMs) };
    console.log(`  re-run speed-up (target >= 10): ${report.cache.speedup}; output ${same ? 'identical' : '!! DIFFERS'}`);
  }
}

const AGAINST = opt('against');
if (AGAINST) {
  const other = path.resolve(AGAINST);
  const DEV = path.resolve(opt('devcorpus', process.env.TRACEWIRE_DEVCORPUS ?? path.join(ROOT, '..', 'shared', 'devcorpus', 'repos')));
  const targets = [];
  if (fs.existsSync(path.join(CORPUS, 'sets', SET))) targets.push({ name: `corpus sets/${SET}`, cwd: path.join(CORPUS, 'sets', SET), args: ['--no-ignore'] });
  if (fs.existsSync(DEV)) for (const r of fs.readdirSync(DEV).sort()) targets.push({ name: r, cwd: path.join(DEV, r), args: [] });
  console.log(`\nThis build against ${path.relative(ROOT, other) || other}: check --workers 0, the two in turn, ${RUNS} runs each`);
  report.against = { other, rows: [] };
  for (const t of targets) {
    const mine = [];
    const theirs = [];
    let crashed = '';
    for (let i = 0; i < RUNS; i++) {
      for (const [bin, into] of [[BIN, mine], [other, theirs]]) {
        const t0 = process.hrtime.bigint();
        const r = spawnSync(process.execPath, [bin, 'check', '.', ...t.args, '--format', 'json', '--workers', '0'], { cwd: t.cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
        into.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if ((r.status !== 0 && r.status !== 1) || r.signal) crashed ||= `${bin === BIN ? 'this build' : 'the other'}: exit ${r.status ?? r.signal} ${r.stderr.slice(-300)}`;
      }
    }
    const med = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const row = { target: t.name, thisMs: Math.round(med(mine)), otherMs: Math.round(med(theirs)), ratio: ratio(med(mine), med(theirs)), ...(crashed ? { crashed } : {}) };
    report.against.rows.push(row);
    console.log(`  ${t.name.padEnd(40)} ${fmt(row.thisMs).padStart(8)} vs ${fmt(row.otherMs).padStart(8)}  ratio ${row.ratio}${crashed ? `  !! ${crashed}` : ''}`);
  }
  const total = report.against.rows.reduce((n, r) => n + r.thisMs, 0) / report.against.rows.reduce((n, r) => n + r.otherMs, 0);
  report.against.totalRatio = +total.toFixed(3);
  console.log(`  total time ratio (this / other): ${report.against.totalRatio}`);
}

report.loadAtEnd = load();
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
const outFile = path.join(ROOT, 'bench/results', `${report.date.replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(outFile, JSON.stringify(report, null, 2) + '\n');
console.log(`\nload average at the end: ${report.loadAtEnd.join(' ')}`);
console.log(`report: ${path.relative(ROOT, outFile)}`);

function chart(rows) {
  if (!rows.length) return;
  const maxMs = Math.max(...rows.map((r) => r.medianMs));
  const maxRss = Math.max(...rows.map((r) => r.peakRssMb));
  console.log('\n  files     time                                      peak RSS');
  for (const r of rows) {
    const t = '█'.repeat(Math.max(1, Math.round((30 * r.medianMs) / maxMs)));
    const m = '█'.repeat(Math.max(1, Math.round((20 * r.peakRssMb) / maxRss)));
    console.log(`  ${String(r.files).padStart(6)}  ${fmt(r.medianMs).padStart(8)} ${t.padEnd(30)}  ${r.peakRssMb.toFixed(0).padStart(5)} MiB ${m}  ${(r.files / (r.medianMs / 1000)).toFixed(0)} files/s`);
  }
}
