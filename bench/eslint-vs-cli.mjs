#!/usr/bin/env node
// The ESLint path against the CLI, on the same files (not a test; needs `npm run build`).
//
//   node bench/eslint-vs-cli.mjs [dir] [--runs N] [--keystrokes N] [--json]
//
// dir defaults to the benchmark corpus set /tmp/bench-corpus/sets/s2000. Its source files (.d.ts aside)
// are mirrored into a temporary project where none sits under a directory tracewire ignores by default
// (`dist/` becomes `dist_/`, ...), so that the CLI and ESLint check exactly the same files and every one
// of them belongs to the project, as in an application's own sources. Each measurement is a fresh
// process (module loading included), median of --runs (default 1):
//   cli            tracewire check <project>
//   eslint         ESLint API over the same files: the plugin's `all` preset, @typescript-eslint/parser
//                  for TS files and espree for JS, the directory as the project root; a first run (empty
//                  cache directory) and a later run (the project view the previous run persisted)
//   eslint-floor   the same ESLint run with no rules: what ESLint and its parsers cost by themselves
//   editor         one process: the first lint of a file of median size (builds the project cache), then --keystrokes
//                  (default 20) lints of that file's text with an edit each time, as an editor does;
//                  against `tracewire check <that file>` (the CLI reads the whole project every time)
// Prints the times and ratios; --json prints one JSON object (bench/run.mjs reads it).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const JSON_OUT = args.includes('--json');
const RUNS = Number(opt('runs', '1'));
const KEYSTROKES = Number(opt('keystrokes', '20'));
const positional = args.filter((a, i) => !a.startsWith('--') && !['--runs', '--keystrokes'].includes(args[i - 1]));
const DIR = path.resolve(positional[0] ?? path.join(process.env.BENCH_CORPUS ?? '/tmp/bench-corpus', 'sets/s2000'));
const log = (s) => {
  if (!JSON_OUT) console.log(s);
};

for (const f of ['dist/src/eslint/index.js', 'dist/src/engine/files.js', 'bin/tracewire.js']) {
  if (!fs.existsSync(path.join(ROOT, f))) {
    console.error(`missing ${f}: run \`npm run build\` first`);
    process.exit(2);
  }
}
if (!fs.existsSync(DIR)) {
  console.error(`no such directory: ${DIR}`);
  process.exit(2);
}

const url = (p) => JSON.stringify(pathToFileURL(path.join(ROOT, p)).href);
const { listFiles, DEFAULT_IGNORES } = await import(JSON.parse(url('dist/src/engine/files.js')));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-eslint-bench-'));

// The mirror: every source file of the set, none of them under a default-ignored directory.
const ignoredDirs = new Set(DEFAULT_IGNORES.map((g) => /^\*\*\/([^*/]+)\/\*\*$/.exec(g)?.[1]).filter(Boolean));
const PROJECT = path.join(work, 'project');
for (const f of await listFiles({ cwd: DIR, paths: ['.'], noIgnore: true })) {
  const rel = path.relative(DIR, f);
  if (/\.d\.[cm]?ts$/.test(rel) || /\.min\.js$/.test(rel)) continue;
  const target = path.join(PROJECT, ...rel.split(path.sep).map((seg) => (ignoredDirs.has(seg) ? `${seg}_` : seg)));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(f, target);
}
const files = await listFiles({ cwd: PROJECT, paths: ['.'] });
const listFile = path.join(work, 'files.json');
fs.writeFileSync(listFile, JSON.stringify(files));

// The ESLint runs, as scripts of their own (fresh processes, like `eslint` on the command line).
const eslintScript = (withRules) => `
import fs from 'node:fs';
const { ESLint } = await import(${url('node_modules/eslint/lib/api.js')});
const tsParser = (await import(${url('node_modules/@typescript-eslint/parser/dist/index.js')})).default;
const tracewire = (await import(${url('dist/src/eslint/index.js')})).default;
const files = JSON.parse(fs.readFileSync(${JSON.stringify(listFile)}, 'utf8'));
const eslint = new ESLint({
  cwd: ${JSON.stringify(PROJECT)},
  overrideConfigFile: true,
  ignore: false,
  overrideConfig: [
    { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tsParser } },
    { files: ['**/*.{jsx,tsx}'], languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } },
    { files: ['**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}'], ${withRules ? '...tracewire.configs.all' : 'rules: {}'} },
    // The project is the directory, as for the CLI run from it.
    { settings: { tracewire: { projectRoot: ${JSON.stringify(PROJECT)} } } },
  ],
});
const results = await eslint.lintFiles(files);
let findings = 0, fatal = 0;
for (const r of results) for (const m of r.messages) m.ruleId?.startsWith('tracewire/') ? findings++ : m.fatal && fatal++;
console.log(JSON.stringify({ files: results.length, findings, fatal }));
`;

const editorScript = (file) => `
import fs from 'node:fs';
const { ESLint } = await import(${url('node_modules/eslint/lib/api.js')});
const tsParser = (await import(${url('node_modules/@typescript-eslint/parser/dist/index.js')})).default;
const tracewire = (await import(${url('dist/src/eslint/index.js')})).default;
const eslint = new ESLint({
  cwd: ${JSON.stringify(PROJECT)},
  overrideConfigFile: true,
  ignore: false,
  overrideConfig: [
    { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tsParser } },
    { files: ['**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}'], ...tracewire.configs.all },
    { settings: { tracewire: { projectRoot: ${JSON.stringify(PROJECT)} } } },
  ],
});
const filePath = ${JSON.stringify(file)};
const text = fs.readFileSync(filePath, 'utf8');
let t = performance.now();
await eslint.lintText(text, { filePath });
const first = performance.now() - t;
const times = [];
for (let i = 0; i < ${KEYSTROKES}; i++) {
  t = performance.now();
  await eslint.lintText(text + '\\n// edit ' + i + '\\n', { filePath });
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ firstMs: first, keystrokeMedianMs: times[Math.floor(times.length / 2)], keystrokeMaxMs: times[times.length - 1] }));
`;

function measure(label, argv, { cwd = ROOT, env } = {}) {
  const samples = [];
  let out;
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...(typeof env === 'function' ? env() : env) } });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0 && r.status !== 1) throw new Error(`${label}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
    samples.push(ms);
    out = r.stdout;
  }
  samples.sort((a, b) => a - b);
  const medianMs = samples[Math.floor(samples.length / 2)];
  log(`  ${label.padEnd(44)} ${fmt(medianMs)}`);
  return { medianMs, stdout: out };
}
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const script = (name, text) => {
  const p = path.join(work, name);
  fs.writeFileSync(p, text);
  return p;
};

log(`ESLint path vs CLI on ${DIR}: ${files.length} source files (${RUNS} run${RUNS > 1 ? 's' : ''} each)`);
const cli = measure('cli: tracewire check', [path.join(ROOT, 'bin/tracewire.js'), 'check', '.', '--format', 'json'], { cwd: PROJECT });
const cliFindings = JSON.parse(cli.stdout).findings.length;
// The plugin keeps its project view between processes (in the user's cache directory): a first run
// starts from an empty cache directory, a later run from the one the previous run left.
const fresh = () => ({ TRACEWIRE_CACHE_DIR: fs.mkdtempSync(path.join(work, 'cache-')) });
const eslint = measure('eslint: plugin (configs.all), first run', [script('eslint.mjs', eslintScript(true))], { env: fresh });
const kept = fresh();
spawnSync(process.execPath, [path.join(work, 'eslint.mjs')], { cwd: ROOT, env: { ...process.env, ...kept } });
const eslintWarm = measure('eslint: plugin (configs.all), later run', [path.join(work, 'eslint.mjs')], { env: kept });
const floor = measure('eslint-floor: parsers, no rules', [script('floor.mjs', eslintScript(false))]);
const eslintOut = JSON.parse(eslint.stdout);

// The editor: a file of median size (not a bundle), edited repeatedly.
const bySize = files.map((f) => ({ f, size: fs.statSync(f).size })).sort((a, b) => a.size - b.size);
const target = bySize[Math.floor(bySize.length / 2)].f;
const editor = JSON.parse(measure(`editor: first lint + ${KEYSTROKES} edits of one file`, [script('editor.mjs', editorScript(target))], { env: fresh }).stdout);
const oneFile = measure('cli: tracewire check <that file>', [path.join(ROOT, 'bin/tracewire.js'), 'check', target, '--format', 'json'], { cwd: PROJECT });

const r = (a, b) => +(a / b).toFixed(2);
const result = {
  dir: DIR,
  files: files.length,
  cliMs: Math.round(cli.medianMs),
  eslintMs: Math.round(eslint.medianMs),
  eslintLaterRunMs: Math.round(eslintWarm.medianMs),
  eslintFloorMs: Math.round(floor.medianMs),
  findings: { cli: cliFindings, eslint: eslintOut.findings, eslintFatal: eslintOut.fatal },
  editor: {
    file: path.relative(PROJECT, target),
    firstLintMs: Math.round(editor.firstMs),
    keystrokeMedianMs: +editor.keystrokeMedianMs.toFixed(1),
    keystrokeMaxMs: +editor.keystrokeMaxMs.toFixed(1),
    cliOneFileMs: Math.round(oneFile.medianMs),
  },
  ratios: {
    'eslint / cli': r(eslint.medianMs, cli.medianMs),
    'eslint-floor / cli': r(floor.medianMs, cli.medianMs),
    'eslint / eslint-floor (target <= 1.5)': r(eslint.medianMs, floor.medianMs),
    'later run: eslint / eslint-floor': r(eslintWarm.medianMs, floor.medianMs),
    'tracewire share of the eslint run': r(eslint.medianMs - floor.medianMs, eslint.medianMs),
    'cli one file / editor keystroke': r(oneFile.medianMs, editor.keystrokeMedianMs),
  },
};
fs.rmSync(work, { recursive: true, force: true });
if (JSON_OUT) console.log(JSON.stringify(result));
else {
  log(`  findings: cli ${cliFindings}, eslint ${eslintOut.findings}${eslintOut.fatal ? ` (eslint parse errors: ${eslintOut.fatal})` : ''}`);
  log(`  editor (${result.editor.file}): first lint ${fmt(editor.firstMs)}, then ${fmt(editor.keystrokeMedianMs)} per edit (max ${fmt(editor.keystrokeMaxMs)})`);
  log(`  ratios: ${JSON.stringify(result.ratios, null, 1).replace(/\n\s*/g, ' ')}`);
}
