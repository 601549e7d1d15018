#!/usr/bin/env node
// Precision and recall of tracewire's LLM call sites against the hand labels in bench/accuracy/llm/
// (one JSON line per site: file, line..endLine, label wired|unwired|unclear; or { file, none } for a file
// with no site). Usage: node bench/llm-accuracy.mjs [--bin path/to/tracewire.js] [--corpus ../shared/devcorpus/repos]
//
// Detection: a labelled site is found when the inventory has a site whose line falls in its line range.
// Findings: a site reported unwired (inventory `wired: false`) at a site labelled unwired is a true positive;
// at a site labelled wired, in a file labelled as having no site, or at an unlabelled line of a labelled
// file, a false positive; a site labelled unwired and not reported unwired, a false negative.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
};
const bin = path.resolve(arg('--bin', path.join(root, 'bin/tracewire.js')));
const corpus = path.resolve(arg('--corpus', path.join(root, '../../shared/devcorpus/repos')));
const labelsDir = path.join(root, 'bench/accuracy/llm');

const total = { labelled: 0, found: 0, tp: 0, fp: 0, fn: 0 };
const misses = [];
const extras = [];
for (const f of fs.readdirSync(labelsDir).filter((x) => x.endsWith('.jsonl')).sort()) {
  const repo = f.replace(/\.jsonl$/, '');
  const labels = fs.readFileSync(path.join(labelsDir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const dir = path.join(corpus, repo);
  if (!fs.existsSync(dir)) continue;
  const out = execFileSync(process.execPath, [bin, 'inventory', '.', '--format', 'json'], { cwd: dir, maxBuffer: 1 << 28, encoding: 'utf8' });
  const sites = JSON.parse(out).sites;
  const files = new Set(labels.map((l) => l.file));
  const siteLabels = labels.filter((l) => !l.none);
  const at = (l) => sites.filter((s) => s.file === l.file && s.line >= l.line && s.line <= (l.endLine ?? l.line));
  const r = { labelled: 0, found: 0, tp: 0, fp: 0, fn: 0 };
  const matched = new Set();
  for (const l of siteLabels) {
    r.labelled++;
    const hits = at(l);
    hits.forEach((s) => matched.add(s));
    if (hits.length) r.found++;
    const reported = hits.some((s) => !s.wired);
    if (l.label === 'unwired') {
      if (reported) r.tp++;
      else {
        r.fn++;
        misses.push(`${repo} ${l.file}:${l.line} ${l.callee} (${hits.length ? 'found, wired by ' + hits[0].mechanism : 'not found'})`);
      }
    } else if (l.label === 'wired' && reported) {
      r.fp++;
      extras.push(`${repo} ${l.file}:${l.line} ${l.callee} (labelled wired)`);
    }
  }
  for (const s of sites) {
    if (matched.has(s) || !files.has(s.file) || s.wired) continue;
    r.fp++;
    extras.push(`${repo} ${s.file}:${s.line} ${s.callee} (not a labelled site)`);
  }
  for (const k of Object.keys(total)) total[k] += r[k];
  console.log(`${repo.padEnd(36)} sites ${String(r.found).padStart(3)}/${String(r.labelled).padEnd(3)}  TP ${r.tp}  FP ${r.fp}  FN ${r.fn}`);
}
const pct = (a, b) => (b ? ((100 * a) / b).toFixed(1) + '%' : 'n/a');
console.log(`\ntotal: sites found ${total.found}/${total.labelled} (${pct(total.found, total.labelled)}); unwired findings: precision ${pct(total.tp, total.tp + total.fp)}, recall ${pct(total.tp, total.tp + total.fn)} (TP ${total.tp}, FP ${total.fp}, FN ${total.fn})`);
if (process.argv.includes('--details')) {
  console.log('\nmissed (labelled unwired, not reported):\n  ' + misses.join('\n  '));
  console.log('\nfalse positives:\n  ' + extras.join('\n  '));
}
