#!/usr/bin/env node
/**
 * Scores tracewire against hand-labelled sites in real repositories (see README.md here).
 *
 *   node bench/accuracy/score.mjs [--family llm|spans|metrics|all] [--repo DIR] [--tool BIN] [--corpus DIR] [--json] [--misses]
 *
 * For each repository with labels, runs `tracewire inventory` (LLM family) or `tracewire check` (span and
 * metric rules) in the repository's folder, matches what it reports to the labels by file and line, and
 * prints precision and recall. `--tool` points at another build (e.g. a checkout of an earlier commit) so
 * before/after figures come from the same labels.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const flag = (name) => args.includes(`--${name}`);
const family = opt('family', 'all');
const onlyRepo = opt('repo');
const tool = path.resolve(opt('tool', path.join(here, '..', '..', 'bin', 'tracewire.js')));
/** The corpus: `--corpus`, `TRACEWIRE_DEVCORPUS`, else the first `shared/devcorpus/repos` above this folder. */
function defaultCorpus() {
  for (let d = here; ; d = path.dirname(d)) {
    const c = path.join(d, 'shared', 'devcorpus', 'repos');
    if (fs.existsSync(c)) return c;
    if (path.dirname(d) === d) return c;
  }
}
const corpus = path.resolve(opt('corpus', process.env.TRACEWIRE_DEVCORPUS ?? defaultCorpus()));
if (!fs.existsSync(corpus)) {
  console.error(`score: no corpus at ${corpus} (give --corpus DIR or TRACEWIRE_DEVCORPUS)`);
  process.exit(2);
}
const asJson = flag('json');
const showMisses = flag('misses');

function readLabels(dir) {
  const out = new Map();
  const d = path.join(here, dir);
  if (!fs.existsSync(d)) return out;
  for (const f of fs.readdirSync(d).sort()) {
    if (!f.endsWith('.jsonl')) continue;
    const repo = f.slice(0, -'.jsonl'.length);
    if (onlyRepo && repo !== onlyRepo) continue;
    const rows = fs
      .readFileSync(path.join(d, f), 'utf8')
      .split('\n')
      .map((l, i) => [l.trim(), i + 1])
      .filter(([l]) => l && !l.startsWith('//'))
      .map(([l, n]) => {
        try {
          return JSON.parse(l);
        } catch (e) {
          throw new Error(`${dir}/${f}:${n}: ${e.message}`);
        }
      });
    out.set(repo, rows);
  }
  return out;
}

const runCache = new Map();
function runTool(command, repo) {
  const key = `${command}\0${repo}`;
  if (runCache.has(key)) return runCache.get(key);
  const cwd = path.join(corpus, repo);
  let stdout;
  try {
    stdout = execFileSync(process.execPath, [tool, command, '--format', 'json', '.'], { cwd, maxBuffer: 1 << 28, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    // `check` exits 1 when it finds something: its report is still on stdout.
    if (e.stdout) stdout = e.stdout;
    else throw e;
  }
  const r = JSON.parse(stdout);
  runCache.set(key, r);
  return r;
}

const within = (line, l) => line >= l.line && line <= (l.endLine ?? l.line);
const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(1)}%` : 'n/a');

/** The state tracewire gives an inventory site: wired, unwired or unknown. */
function stateOf(site) {
  if (site.state) return site.state;
  return site.wired ? 'wired' : 'unwired';
}

function scoreLlm() {
  const labels = readLabels('llm');
  const totals = { tp: 0, fp: 0, fn: 0, tpLenient: 0, fpLenient: 0, found: 0, sites: 0, unclear: {}, unknownOnWired: 0 };
  const perRepo = [];
  const misses = [];
  for (const [repo, rows] of labels) {
    const inv = runTool('inventory', repo);
    const byFile = new Map();
    for (const s of inv.sites) (byFile.get(s.file) ?? byFile.set(s.file, []).get(s.file)).push(s);
    const labelledFiles = new Set(rows.map((r) => r.file));
    const used = new Set();
    const r = { repo, tp: 0, fp: 0, fn: 0, tpLenient: 0, fpLenient: 0, found: 0, sites: 0 };
    for (const l of rows) {
      if (l.none) continue;
      r.sites++;
      const cands = (byFile.get(l.file) ?? []).filter((s) => within(s.line, l));
      const exact = cands.find((s) => s.line === l.line) ?? cands[0];
      if (exact) used.add(exact);
      const st = exact ? stateOf(exact) : 'missing';
      if (exact) r.found++;
      if (l.label === 'unclear') {
        totals.unclear[st] = (totals.unclear[st] ?? 0) + 1;
        continue;
      }
      const positive = l.label === 'unwired';
      if (positive) {
        if (st === 'unwired') r.tp++, r.tpLenient++;
        else if (st === 'unknown') r.tpLenient++, r.fn++;
        else r.fn++;
        if (st !== 'unwired') misses.push({ kind: 'miss', repo, file: l.file, line: l.line, callee: l.callee, got: st, mechanism: exact?.mechanism ?? null, why: l.why });
      } else if (l.label === 'wired') {
        if (st === 'unwired') {
          r.fp++, r.fpLenient++;
          misses.push({ kind: 'false-alarm', repo, file: l.file, line: l.line, callee: l.callee, got: st, why: l.why });
        } else if (st === 'unknown') r.fpLenient++, totals.unknownOnWired++;
      }
    }
    // Sites reported in labelled files that match no label: false alarms when unwired.
    for (const f of labelledFiles) {
      for (const s of byFile.get(f) ?? []) {
        if (used.has(s)) continue;
        const st = stateOf(s);
        if (st === 'unwired') {
          r.fp++, r.fpLenient++;
          misses.push({ kind: 'unlabelled-report', repo, file: f, line: s.line, callee: s.callee, got: st });
        } else if (st === 'unknown') r.fpLenient++;
      }
    }
    perRepo.push(r);
    for (const k of ['tp', 'fp', 'fn', 'tpLenient', 'fpLenient', 'found', 'sites']) totals[k] += r[k];
  }
  return { family: 'llm', perRepo, totals, misses };
}

function scoreRules(dir, rules) {
  const labels = readLabels(dir);
  const per = Object.fromEntries(rules.map((id) => [id, { tp: 0, fp: 0, fn: 0, tn: 0 }]));
  const misses = [];
  for (const [repo, rows] of labels) {
    const rep = runTool('check', repo);
    const files = new Set(rows.map((r) => r.file));
    for (const id of rules) {
      const findings = rep.findings.filter((f) => f.ruleId === id && files.has(f.file));
      const used = new Set();
      const judged = rows.filter((l) => l.rules?.[id] === 'violation' || l.rules?.[id] === 'ok');
      // Spans nest: a finding belongs to the innermost labelled construct whose lines hold it.
      const ownerOf = (f) => judged.filter((l) => f.file === l.file && within(f.line, l)).reduce((a, l) => (!a || l.line > a.line ? l : a), undefined);
      for (const l of judged) {
        const want = l.rules[id];
        const hit = findings.filter((f) => ownerOf(f) === l);
        hit.forEach((f) => used.add(f));
        if (want === 'violation') {
          if (hit.length) per[id].tp++;
          else per[id].fn++, misses.push({ kind: 'miss', rule: id, repo, file: l.file, line: l.line, why: l.why });
        } else if (hit.length) per[id].fp++, misses.push({ kind: 'false-alarm', rule: id, repo, file: l.file, line: l.line, message: hit[0].message });
        else per[id].tn++;
      }
      for (const f of findings) {
        if (used.has(f)) continue;
        // A finding on a construct labelled n/a for this rule, or on nothing labelled.
        per[id].fp++;
        misses.push({ kind: 'unlabelled-report', rule: id, repo, file: f.file, line: f.line, message: f.message });
      }
    }
  }
  return { family: dir, per, misses };
}

const results = [];
if (family === 'llm' || family === 'all') results.push(scoreLlm());
if (family === 'spans' || family === 'all') results.push(scoreRules('spans', ['require-span-end', 'span-error-status']));
if (family === 'metrics' || family === 'all') results.push(scoreRules('metrics', ['no-unbounded-metric-labels', 'metric-naming', 'metric-label-consistency']));

if (asJson) {
  process.stdout.write(JSON.stringify({ tool, results }, null, 2) + '\n');
} else {
  for (const res of results) {
    if (res.family === 'llm') {
      const t = res.totals;
      console.log('LLM sites (positive = labelled unwired; "flagged" = reported unwired)');
      console.log('repo'.padEnd(34), 'sites', 'found', 'TP', 'FP', 'FN', 'precision', 'recall', ' | +unknown: precision recall');
      for (const r of [...res.perRepo, { repo: 'TOTAL', ...t }]) {
        console.log(
          r.repo.padEnd(34),
          String(r.sites).padStart(5),
          String(r.found).padStart(5),
          String(r.tp).padStart(3),
          String(r.fp).padStart(3),
          String(r.fn).padStart(3),
          pct(r.tp, r.tp + r.fp).padStart(9),
          pct(r.tp, r.tp + r.fn).padStart(7),
          ' |',
          pct(r.tpLenient, r.tpLenient + r.fpLenient).padStart(9),
          pct(r.tpLenient, r.tp + r.fn).padStart(6),
        );
      }
      console.log('labelled unclear -> reported as:', JSON.stringify(t.unclear), '; unknown on labelled-wired:', t.unknownOnWired);
    } else {
      console.log(`\n${res.family}`);
      console.log('rule'.padEnd(30), 'TP', 'FP', 'FN', 'TN', 'precision', 'recall');
      for (const [id, c] of Object.entries(res.per)) console.log(id.padEnd(30), String(c.tp).padStart(2), String(c.fp).padStart(2), String(c.fn).padStart(2), String(c.tn).padStart(2), pct(c.tp, c.tp + c.fp).padStart(9), pct(c.tp, c.tp + c.fn).padStart(6));
    }
    if (showMisses) for (const m of res.misses) console.log('  ', JSON.stringify(m));
  }
}
