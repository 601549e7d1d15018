/**
 * The options that make `check` scale, judged on their output only (timings are the benchmark's
 * business, never a test's): worker threads give byte-identical reports, the cache is reused only for
 * unchanged content under an unchanged configuration, catalog and version, and the reports of shards
 * merge into the report of one run.
 */

import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rulesById } from '../rules/index.js';
import { applyShard } from '../src/cli/scale.js';
import { loadConfig } from '../src/config/load.js';
import { listFiles } from '../src/engine/files.js';
import { chunksOf } from '../src/engine/parallel.js';
import { enabledRules, run, runCacheKey } from '../src/engine/run.js';
import type { RunResult } from '../src/engine/types.js';
import { buildPackage } from './helpers/build.js';
import { readCacheFile, writeCacheFile } from './helpers/engine.js';
import { FIXTURES, ROOT } from './helpers/fixtures.js';
import { registry } from '../rules/registry.js';

const tmp = (prefix: string) => fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), prefix));

/** The built CLI as a process; stdout and the exit code. */
function cli(pkg: string, cwd: string, args: string[], env: Record<string, string> = {}): { stdout: string; status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(pkg, 'bin/tracewire.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 1 << 28 });
  return { stdout: r.stdout, status: r.status, stderr: r.stderr };
}

/** A JSON report without the one field that may differ between equivalent runs. */
function comparable(json: string): unknown {
  const out = JSON.parse(json);
  delete out.summary.durationMs;
  return out;
}

/** A synthetic agent-service project (bench/synth.mjs) with a known number of unwired calls. */
function synthetic(files: number): { dir: string; unwired: number } {
  const dir = tmp('tracewire-synth-');
  const meta = JSON.parse(execFileSync(process.execPath, [path.join(ROOT, 'bench/synth.mjs'), dir, String(files)], { encoding: 'utf8' }));
  return { dir, unwired: meta.unwired };
}

let pkg: string;
let synth: { dir: string; unwired: number };

beforeAll(() => {
  pkg = buildPackage();
  synth = synthetic(700);
}, 240_000);

describe('--workers', () => {
  const projects = () => [
    { name: 'the rule fixtures as one project', cwd: path.join(FIXTURES, 'rules'), args: ['--no-ignore'] },
    { name: 'the sample app', cwd: path.join(FIXTURES, 'sample-app'), args: [] },
    { name: 'a synthetic project of 700 files', cwd: synth.dir, args: [] },
  ];

  it('gives the same JSON report with 0, 2 and 3 threads, and with the worker threads alone', () => {
    for (const p of projects()) {
      // With TRACEWIRE_WORKERS_ONLY the main thread leaves every file to the worker threads.
      const reports = [
        cli(pkg, p.cwd, ['check', '.', '--format', 'json', '--workers', '0', ...p.args]),
        cli(pkg, p.cwd, ['check', '.', '--format', 'json', '--workers', '2', ...p.args], { TRACEWIRE_WORKERS_ONLY: '1' }),
        cli(pkg, p.cwd, ['check', '.', '--format', 'json', '--workers', '3', ...p.args]),
      ];
      for (const r of reports) expect(r.status, `${p.name}: ${r.stderr}`).toBe(1);
      const [single, ...parallel] = reports.map((r) => comparable(r.stdout));
      for (const other of parallel) expect(other, p.name).toEqual(single);
    }
    // The synthetic project's known answer, so the comparison compares something.
    const out = JSON.parse(cli(pkg, synth.dir, ['check', '--format', 'json', '--workers', '2']).stdout) as RunResult;
    expect(out.findings.length).toBe(synth.unwired);
  }, 240_000);

  it('hands the files out largest first, in chunks closed by a count of files or of bytes', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f'];
    // Two bundles, then small files (ties keep their order): the chunks left at the end are the small ones.
    const sizes = [1_000, 300_000, 2_000, 1_000, 120_000, 1_000];
    expect(chunksOf(items, sizes)).toEqual([['b'], ['e'], ['c', 'a', 'd', 'f']]);
    // Never more than 24 files in a chunk, however small.
    const many = Array.from({ length: 50 }, (_, i) => i);
    expect(chunksOf(many, many.map(() => 10)).map((c) => c.length)).toEqual([24, 24, 2]);
    expect(chunksOf([], [])).toEqual([]);
  });

  it('rejects a worker count that is not a number or auto', () => {
    const r = cli(pkg, synth.dir, ['check', '--workers', 'many']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--workers/);
  });
});

describe('--cache', () => {
  const UNWIRED = `import OpenAI from 'openai';\n\nconst client = new OpenAI();\n\nexport async function ask(q: string) {\n  return client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] });\n}\n`;
  const WIRED = UNWIRED.replace("import OpenAI from 'openai';\n", "import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\n").replace('new OpenAI()', 'wrapOpenAI(new OpenAI())');

  function project(): string {
    const dir = tmp('tracewire-cache-');
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src/ask.ts'), UNWIRED);
    // Imports the file with the LLM call: connected to a catalog module, so the prefilter keeps it.
    fs.writeFileSync(path.join(dir, 'src/other.ts'), "import { ask } from './ask';\nexport const answer = 42;\n");
    return dir;
  }

  async function check(dir: string, cacheFile?: string): Promise<RunResult> {
    const config = loadConfig({ cwd: dir, rules: rulesById });
    const files = await listFiles({ cwd: dir, paths: [] });
    const r = await run({ registry, cwd: dir, files, config, cacheFile });
    return { ...r, durationMs: 0 };
  }

  const PLANTED = { ruleId: 'require-span-end', severity: 'error', file: 'src/other.ts', line: 1, column: 1, endLine: 1, endColumn: 2, messageId: 'neverEnded', message: 'planted' };

  const readCache = readCacheFile;
  const writeCache = writeCacheFile;

  /**
   * Plant a finding in the cached per-file result of a file, and drop the last run's result: the finding
   * shows up only when that entry is reused.
   */
  function plant(cacheFile: string, file: string): void {
    const c = readCache(cacheFile);
    const entry = c.entries[file];
    expect(entry, `cache entry of ${file}`).toBeDefined();
    entry.r.findings = [PLANTED];
    delete c.header.run;
    writeCache(cacheFile, c);
  }

  /** Plant a finding in the last run's result: it shows up only when that result is reused. */
  function plantRun(cacheFile: string): void {
    const c = readCache(cacheFile);
    expect(c.header.run).toBeDefined();
    c.header.run.result.findings.push(PLANTED);
    writeCache(cacheFile, c);
  }
  const planted = (r: RunResult) => r.findings.some((f) => f.message === 'planted');

  it('reuses the results of unchanged files, and gives what a run without cache gives', async () => {
    const dir = project();
    const cacheFile = path.join(dir, '.tracewirecache');
    const fresh = await check(dir);
    expect(fresh.findings.map((f) => f.messageId)).toEqual(['unwiredCall']);
    expect(await check(dir, cacheFile)).toEqual(fresh);
    expect(fs.existsSync(cacheFile)).toBe(true);
    expect(await check(dir, cacheFile)).toEqual(fresh);
    plant(cacheFile, path.join(dir, 'src/other.ts'));
    expect(planted(await check(dir, cacheFile))).toBe(true);
  });

  it('keeps each summary as its own bytes after the entries\' JSON, and drops entries whose summary is missing', async () => {
    const dir = project();
    const cacheFile = path.join(dir, '.tracewirecache');
    const fresh = await check(dir);
    await check(dir, cacheFile);
    const [entries] = fs.readFileSync(cacheFile, 'utf8').split('\n');
    const [json, ...blobs] = entries!.slice(67).split('\u0002');
    const parsed = JSON.parse(json!) as Record<string, { r?: { summary?: { blob?: number; text?: string } } }>;
    const ask = parsed[path.join(dir, 'src/ask.ts')]!.r!.summary!;
    // Named by place, not written into the JSON: reading the entries parses only the JSON.
    expect(ask.text).toBeUndefined();
    expect(blobs[ask.blob!]).toContain('chat.completions.create');
    // A record naming a summary it does not hold is of another shape: nothing of the file serves, and the
    // run gives what a run without cache gives.
    const c = readCache(cacheFile);
    plant(cacheFile, path.join(dir, 'src/other.ts'));
    const text = fs.readFileSync(cacheFile, 'utf8').replace(/"blob":\d+/, '"blob":99');
    const sha256 = (x: string) => createHash('sha256').update(x).digest('hex');
    fs.writeFileSync(cacheFile, text.split('\n').map((l) => (l.startsWith('E ') ? `E ${sha256(l.slice(67))} ${l.slice(67)}` : l)).join('\n'));
    expect(c.header.format).toBe(7);
    expect(await check(dir, cacheFile)).toEqual(fresh);
  });

  it('is invalidated for a file whose content changed', async () => {
    const dir = project();
    const cacheFile = path.join(dir, '.tracewirecache');
    await check(dir, cacheFile);
    plant(cacheFile, path.join(dir, 'src/other.ts'));
    fs.writeFileSync(path.join(dir, 'src/other.ts'), "import { ask } from './ask';\nexport const answer = 43;\n");
    fs.writeFileSync(path.join(dir, 'src/ask.ts'), WIRED);
    const after = await check(dir, cacheFile);
    expect(planted(after)).toBe(false);
    expect(after).toEqual(await check(dir));
    expect(after.findings).toEqual([]);
  });

  it('does not reuse the summary of a file nothing imported once a file imports it', async () => {
    // `ask` calls a method of its parameter: a model call once a caller hands it a client. While no file
    // imports llm.ts, its summary leaves `ask` out (no other file can call it); the run that adds a caller
    // must analyse llm.ts again, unchanged as it is.
    const dir = tmp('tracewire-cache-unimported-');
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(
      path.join(dir, 'src/llm.ts'),
      "import { trace } from '@opentelemetry/api';\n\nexport const tracer = trace.getTracer('app');\n\nexport async function ask(client: any, q: string) {\n  return client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] });\n}\n",
    );
    const cacheFile = path.join(dir, '.tracewirecache');
    expect((await check(dir, cacheFile)).findings).toEqual([]);
    fs.writeFileSync(path.join(dir, 'src/main.ts'), "import OpenAI from 'openai';\nimport { ask } from './llm';\n\nexport const answer = () => ask(new OpenAI(), 'hi');\n");
    const after = await check(dir, cacheFile);
    expect(after).toEqual(await check(dir));
    expect(after.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`)).toEqual(['require-llm-tracing src/llm.ts:6']);
  });

  it('is invalidated as a whole when the configuration changes (rules, options, catalog extensions)', async () => {
    const dir = project();
    const cacheFile = path.join(dir, '.tracewirecache');
    await check(dir, cacheFile);
    plant(cacheFile, path.join(dir, 'src/other.ts'));
    fs.writeFileSync(path.join(dir, 'tracewire.config.json'), JSON.stringify({ rules: { 'require-llm-tracing': 'warn' } }));
    const after = await check(dir, cacheFile);
    expect(planted(after)).toBe(false);
    expect(after.findings.map((f) => f.severity)).toEqual(['warn']);
    expect(after).toEqual(await check(dir));
  });

  it('answers an unchanged project with the last run\'s result, until a file or a package.json it read changes', async () => {
    const dir = tmp('tracewire-cache-run-');
    fs.mkdirSync(path.join(dir, 'src'));
    // AI SDK telemetry options depend on the declared version of `ai`: the link phase reads package.json.
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', dependencies: { ai: '^5.0.0' } }));
    fs.writeFileSync(path.join(dir, 'src/ask.ts'), "import { generateText } from 'ai';\nimport { openai } from '@ai-sdk/openai';\n\nexport const ask = (prompt: string) => generateText({ model: openai('gpt-4o'), prompt });\n");
    fs.writeFileSync(path.join(dir, 'src/other.ts'), 'export const answer = 42;\n');
    const cacheFile = path.join(dir, '.tracewirecache');
    const fresh = await check(dir);
    expect(fresh.findings.length).toBeGreaterThan(0);
    expect(await check(dir, cacheFile)).toEqual(fresh);
    expect(Object.keys(readCache(cacheFile).header.run.versions)).toContain(dir);
    plantRun(cacheFile);
    expect(planted(await check(dir, cacheFile))).toBe(true);
    // A package.json the link phase read changed: everything is linked again.
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', dependencies: { ai: '^5.0.1' } }));
    expect(planted(await check(dir, cacheFile))).toBe(false);
    plantRun(cacheFile);
    fs.writeFileSync(path.join(dir, 'src/other.ts'), "import { ask } from './ask';\nexport const answer = 43;\n");
    const after = await check(dir, cacheFile);
    expect(planted(after)).toBe(false);
    expect(after).toEqual(await check(dir));
  });

  it('keys on the configuration, the rule options, the catalog and the working directory', () => {
    const dir = project();
    const config = loadConfig({ cwd: dir, rules: rulesById });
    const key = runCacheKey(config, enabledRules(config, registry), dir, registry);
    expect(runCacheKey(config, enabledRules(config, registry), dir, registry)).toBe(key);
    expect(runCacheKey(config, enabledRules(config, registry), path.join(dir, 'src'), registry)).not.toBe(key);
    expect(runCacheKey({ ...config, raw: config.raw + ' ' }, enabledRules(config, registry), dir, registry)).not.toBe(key);
    const models = [{ id: 'acme', modules: { '@acme/llm': { complete: { site: { kind: 'llm-call', operation: 'chat' } } } } }] as unknown as typeof config.models;
    expect(runCacheKey({ ...config, models }, enabledRules(config, registry), dir, registry)).not.toBe(key);
    const rules = enabledRules(config, registry).map((r) => (r.rule.meta.id === 'no-unbounded-metric-labels' ? { ...r, options: { boundedNames: ['tenant'] } } : r));
    expect(runCacheKey(config, rules, dir, registry)).not.toBe(key);
    expect(runCacheKey(config, enabledRules(config, registry).slice(1), dir, registry)).not.toBe(key);
  });

  it('is invalidated when tracewire\'s version changes (the real CLI)', () => {
    const dir = project();
    const cacheFile = path.join(tmp('tracewire-cache-loc-'), 'cache.json');
    const first = cli(pkg, dir, ['check', '--format', 'json', '--cache', '--cache-location', cacheFile]);
    expect(first.status).toBe(1);
    const keyBefore = readCache(cacheFile).header.key;
    plant(cacheFile, path.join(dir, 'src/other.ts'));
    expect(cli(pkg, dir, ['check', '--format', 'json', '--cache', '--cache-location', cacheFile]).stdout).toContain('planted');
    // The same build under another version number.
    const other = tmp('tracewire-pkg-copy-');
    for (const entry of ['bin', 'dist', 'rules']) fs.cpSync(path.join(pkg, entry), path.join(other, entry), { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8'));
    fs.writeFileSync(path.join(other, 'package.json'), JSON.stringify({ ...manifest, version: `${manifest.version}-next` }));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(other, 'node_modules'));
    const after = cli(other, dir, ['check', '--format', 'json', '--cache', '--cache-location', cacheFile]);
    expect(after.stdout).not.toContain('planted');
    expect(comparable(after.stdout)).toMatchObject({ findings: (comparable(first.stdout) as { findings: unknown[] }).findings });
    expect(readCache(cacheFile).header.key).not.toBe(keyBefore);
  }, 120_000);

  it('appends what a run changed (its entries and its header) and reads the records back merged; a file that appended records outweigh is written anew', async () => {
    const dir = project();
    const cacheFile = path.join(dir, '.tracewirecache');
    await check(dir, cacheFile);
    const kinds = () => fs.readFileSync(cacheFile, 'utf8').split('\n').filter(Boolean).map((l) => l[0]).join('');
    expect(kinds()).toBe('EH');
    const inode = fs.statSync(cacheFile).ino;
    const size = fs.statSync(cacheFile).size;
    fs.writeFileSync(path.join(dir, 'src/other.ts'), 'export const answer = 43;\n');
    const after = await check(dir, cacheFile);
    expect(after).toEqual(await check(dir));
    // The same file, grown by one entry record (the changed file alone) and a header.
    expect(fs.statSync(cacheFile).ino).toBe(inode);
    expect(kinds()).toBe('EHEH');
    const lines = fs.readFileSync(cacheFile, 'utf8').split('\n');
    expect(Object.keys(JSON.parse(lines[2]!.slice(67).split('\u0002')[0]!))).toEqual([path.join(dir, 'src/other.ts')]);
    expect(fs.statSync(cacheFile).size - size).toBeLessThan(size);
    // Appended records beyond twice the last full write (plus 1 MiB) start a new file.
    const c = readCache(cacheFile);
    c.header.base = 1;
    writeCache(cacheFile, c);
    fs.appendFileSync(cacheFile, 'E ' + '0'.repeat(64) + ' ' + JSON.stringify({ padding: 'x'.repeat(1 << 21) }) + '\n');
    fs.writeFileSync(path.join(dir, 'src/other.ts'), 'export const answer = 44;\n');
    expect(await check(dir, cacheFile)).toEqual(await check(dir));
    expect(kinds()).toBe('EH');
    expect(fs.statSync(cacheFile).size).toBeLessThan(1 << 20);
    // Merged: an entry of the first record still serves after records were appended behind it.
    plant(cacheFile, path.join(dir, 'src/ask.ts'));
    fs.writeFileSync(path.join(dir, 'src/other.ts'), 'export const answer = 45;\n');
    expect(planted(await check(dir, cacheFile))).toBe(true);
    fs.writeFileSync(path.join(dir, 'src/other.ts'), 'export const answer = 46;\n');
    expect(planted(await check(dir, cacheFile))).toBe(true);
    expect(kinds()).toBe('EHEHEH');
  });

  it('a cache location that is a directory holds .tracewirecache', () => {
    const dir = project();
    const cacheDir = tmp('tracewire-cache-dir-');
    expect(cli(pkg, dir, ['check', '--cache', '--cache-location', cacheDir]).status).toBe(1);
    expect(fs.existsSync(path.join(cacheDir, '.tracewirecache'))).toBe(true);
  });
});

describe('--shard and merge', () => {
  it('splits the files into disjoint shards that cover them all, the rest staying as context', () => {
    const files = Array.from({ length: 23 }, (_, i) => `/p/src/f${String(i).padStart(2, '0')}.ts`);
    const shards = [1, 2, 3, 4].map((index) => applyShard('/p', files, ['/p/lib/x.ts'], { index, count: 4 }));
    expect(shards.flatMap((s) => s.files).sort()).toEqual([...files].sort());
    for (const s of shards) {
      expect(s.files.length).toBeGreaterThanOrEqual(5);
      expect(new Set([...s.files, ...s.contextFiles])).toEqual(new Set([...files, '/p/lib/x.ts']));
    }
    // Deterministic: the same split whatever order the files come in.
    expect(applyShard('/p', [...files].reverse(), ['/p/lib/x.ts'], { index: 2, count: 4 }).files).toEqual(shards[1]!.files);
  });

  it('the JSON reports and SARIF logs of the shards merge into those of one run', () => {
    for (const cwd of [path.join(FIXTURES, 'sample-app'), synth.dir]) {
      for (const format of ['json', 'sarif']) {
        const whole = cli(pkg, cwd, ['check', '--format', format]);
        expect(whole.status).toBe(1);
        const out = tmp('tracewire-shards-');
        const parts = [1, 2, 3].map((k) => {
          const file = path.join(out, `shard-${k}.${format}`);
          const r = cli(pkg, cwd, ['check', '--format', format, '--shard', `${k}/3`, '-o', file]);
          expect(r.status, r.stderr).not.toBe(2);
          return file;
        });
        const merged = cli(pkg, cwd, ['merge', ...parts]);
        expect(merged.status, merged.stderr).toBe(0);
        if (format === 'json') expect(comparable(merged.stdout)).toEqual(comparable(whole.stdout));
        else expect(JSON.parse(merged.stdout)).toEqual(JSON.parse(whole.stdout));
      }
    }
  }, 240_000);

  it('merge refuses reports of different formats and files that are not reports', () => {
    const cwd = path.join(FIXTURES, 'sample-app');
    const out = tmp('tracewire-shards-');
    cli(pkg, cwd, ['check', '--format', 'json', '--shard', '1/2', '-o', path.join(out, 'a.json')]);
    cli(pkg, cwd, ['check', '--format', 'sarif', '--shard', '2/2', '-o', path.join(out, 'b.sarif')]);
    fs.writeFileSync(path.join(out, 'c.json'), '{"hello": 1}');
    expect(cli(pkg, cwd, ['merge', path.join(out, 'a.json'), path.join(out, 'b.sarif')]).stderr).toMatch(/one format/);
    expect(cli(pkg, cwd, ['merge', path.join(out, 'c.json')]).stderr).toMatch(/neither a tracewire JSON report/);
    expect(cli(pkg, cwd, ['check', '--shard', '4/3']).status).toBe(2);
  });
});

describe('which rules a file concerns, from its text', () => {
  it('takes a module only with an export that leads to the rule\'s members: `trace` of @opentelemetry/api is no meter', async () => {
    const { reachHits } = await import('../src/engine/pipeline.js');
    const { CatalogIndex } = await import('../src/engine/catalog.js');
    const { builtinModels } = await import('../rules/catalog/index.js');
    const catalog = new CatalogIndex(builtinModels);
    const rules = [...rulesById.values()];
    const metricRules = rules.filter((r) => r.needs && r.meta.id.startsWith('metric') || r.meta.id === 'no-unbounded-metric-labels').map((r) => r.meta.id);
    expect(metricRules.length).toBeGreaterThanOrEqual(2);
    const spanRules = ['require-span-end', 'span-error-status'];
    const hits = (text: string) => reachHits(text, rules, catalog);
    const tracingOnly = hits("import { trace } from '@opentelemetry/api';\nexport const t = trace.getTracer('svc');\n");
    expect(tracingOnly).toEqual(expect.arrayContaining(spanRules));
    expect(tracingOnly.filter((id) => metricRules.includes(id))).toEqual([]);
    // Every way of naming the metrics API: a member of the namespace or of the default export, a type, a require.
    for (const text of [
      "import * as api from '@opentelemetry/api';\nexport const m = api.metrics.getMeter('svc');\n",
      "import otel from '@opentelemetry/api';\nexport const m = otel.metrics.getMeter('svc');\n",
      "import type { Meter } from '@opentelemetry/api';\nexport function f(meter: Meter) { return meter.createCounter('x'); }\n",
      "const { metrics } = require('@opentelemetry/api');\n",
      "import client from 'prom-client';\nexport const c = new client.Counter({ name: 'x_total', help: 'x' });\n",
    ]) expect(hits(text).filter((id) => metricRules.includes(id)).sort(), text).toEqual([...metricRules].sort());
    // Nothing from a metrics module at all.
    expect(hits("import { z } from 'zod';\n")).toEqual([]);
  });
});

describe('the second phase', () => {
  it('analyses again only the files that use a value leading to a metric or a span, and finds what they hold', async () => {
    const { tempProject } = await import('./helpers/engine.js');
    const dir = tempProject({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { 'prom-client': '^15.0.0', '@opentelemetry/api': '^1.9.0' } }),
      'src/metrics.ts': [
        "import { Counter } from 'prom-client';",
        "export const requests = new Counter({ name: 'requests_total', help: 'Requests.', labelNames: ['user'] });",
        "export const SERVICE = 'svc';",
        'export function version(): string { return SERVICE + "@1"; }',
        '',
      ].join('\n'),
      'src/tracing.ts': ["import { trace } from '@opentelemetry/api';", "export const tracer = trace.getTracer('svc');", "export const serviceName = 'svc';", ''].join('\n'),
      // Names neither prom-client nor OpenTelemetry: its rules are skipped by the text, and run again.
      'src/handler.ts': ["import { requests } from './metrics';", 'export function handle(req: { userId: string }) {', '  requests.inc({ user: req.userId });', '}', ''].join('\n'),
      'src/job.ts': ["import { tracer } from './tracing';", 'export function job(work: () => void) {', "  const span = tracer.startSpan('job');", '  work();', '}', ''].join('\n'),
      // Import the same files, but take nothing that leads to a metric or a span: not analysed again.
      'src/util.ts': ["import { version } from './metrics';", "import { serviceName } from './tracing';", 'export const banner = `${serviceName} ${version()}`;', ''].join('\n'),
      'src/caller.ts': ["import { handle } from './handler';", "import { job } from './job';", "handle({ userId: 'u' });", 'job(() => undefined);', ''].join('\n'),
    });
    const config = loadConfig({ cwd: dir, rules: rulesById });
    const files = await listFiles({ cwd: dir, paths: [] });
    const analysedAgain: string[] = [];
    const r = await run({ registry, cwd: dir, files, config, detail: { analysedAgain } });
    expect(r.errors).toEqual([]);
    expect(analysedAgain.map((f) => path.relative(dir, f))).toEqual(['src/handler.ts', 'src/job.ts']);
    const found = r.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}/${f.messageId}`);
    expect(found).toContain('src/handler.ts:3 no-unbounded-metric-labels/unboundedLabelValue');
    expect(found.some((f) => f.startsWith('src/job.ts:3 require-span-end/'))).toBe(true);
    expect(found.filter((f) => /util|caller/.test(f))).toEqual([]);
  });
});
