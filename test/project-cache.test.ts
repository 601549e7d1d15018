/**
 * The project cache behind the editor front ends: summaries built lazily, refreshed only for files whose
 * stamp (and then content) changed, the project linked once per generation, the checked file's own text
 * used instead of the disk; and the same findings as `run()`.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesById } from '../rules/index.js';
import { resolveConfig } from '../src/config/load.js';
import { listFiles } from '../src/engine/files.js';
import { ProjectCache, Workspace } from '../src/engine/project-cache.js';
import { enabledRules, run } from '../src/engine/run.js';
import { FIXTURES } from './helpers/fixtures.js';
import { tempProject } from './helpers/engine.js';
import { registry } from '../rules/registry.js';

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const WIRED_LLM = `import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\nexport const client = wrapOpenAI(new OpenAI());\n`;
const RAW_LLM = `import OpenAI from 'openai';\nexport const client = new OpenAI();\n`;
const AGENT = `import { client } from './llm';\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
const OTHER = `import OpenAI from 'openai';\nconst raw = new OpenAI();\nexport const embed = () => raw.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });\n`;
const INSTRUMENTATION = `import { NodeSDK } from '@opentelemetry/sdk-node';\nimport { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';\nnew NodeSDK({ instrumentations: [new OpenAIInstrumentation()] }).start();\n`;

function setup() {
  const root = tempProject({
    'package.json': JSON.stringify({ name: 'svc', private: true, dependencies: { openai: '^5.12.0' } }),
    'src/llm.ts': WIRED_LLM,
    'src/agent.ts': AGENT,
    'src/other.ts': OTHER,
  });
  const config = resolveConfig({}, undefined, rulesById, '', root);
  const c = clock();
  const cache = new ProjectCache({ registry, root, config, now: c.now });
  const rules = enabledRules(config, registry);
  const check = (rel: string, text?: string) =>
    cache.checkFile({ file: path.join(root, rel), text: text ?? fs.readFileSync(path.join(root, rel), 'utf8'), rules }).findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.messageId}`);
  const write = (rel: string, text: string) => fs.writeFileSync(path.join(root, rel), text);
  return { root, cache, clock: c, check, write };
}

describe('ProjectCache', () => {
  it('builds the project lazily, then re-reads and re-links nothing while it is unchanged', () => {
    const { cache, clock, check } = setup();
    expect(cache.stats).toEqual({ listings: 0, statPasses: 0, reads: 0, analyses: 0, links: 0, walks: 0 });
    expect(check('src/agent.ts')).toEqual([]);
    // The file is as on disk and no per-file rule has anything to look at in it: no second walk.
    expect(cache.stats).toEqual({ listings: 1, statPasses: 1, reads: 3, analyses: 3, links: 1, walks: 0 });
    // Every other file of the unchanged project is checked against the same link.
    expect(check('src/other.ts')).toEqual(['src/other.ts:3:28 unwiredCall']);
    expect(check('src/llm.ts')).toEqual([]);
    expect(cache.stats.links).toBe(1);
    // Later, files are stat-ed again: nothing changed, nothing is read.
    clock.advance(1500);
    expect(check('src/agent.ts')).toEqual([]);
    expect(cache.stats).toEqual({ listings: 1, statPasses: 2, reads: 3, analyses: 3, links: 1, walks: 0 });
    // An unsaved edit is analysed from the editor's text.
    expect(check('src/agent.ts', AGENT + '\n')).toEqual([]);
    expect(cache.stats.walks).toBe(1);
  });

  it('walks a file again for a per-file rule that can reach something through its imports', () => {
    const root = tempProject({
      'src/telemetry.ts': "import { trace } from '@opentelemetry/api';\nexport const tracer = trace.getTracer('svc');\n",
      'src/job.ts': "import { tracer } from './telemetry';\nexport function job() {\n  const span = tracer.startSpan('job');\n  span.setAttribute('k', 1);\n}\n",
      'src/plain.ts': "import { job } from './job';\nexport const run = () => job();\n",
      'src/llm.ts': "import OpenAI from 'openai';\nconst client = new OpenAI();\nexport const ask = () => client.responses.create({ model: 'gpt-4o', input: 'x' });\n",
    });
    const config = resolveConfig({}, undefined, rulesById, '', root);
    const cache = new ProjectCache({ registry, root, config });
    const rules = enabledRules(config, registry);
    const check = (rel: string) => cache.checkFile({ file: path.join(root, rel), text: fs.readFileSync(path.join(root, rel), 'utf8'), rules }).findings.map((f) => `${f.file}:${f.line} ${f.messageId}`);
    // The tracer comes from another file: the span rules run on job.ts, with the project as resolver.
    expect(check('src/job.ts')).toEqual(['src/job.ts:3 neverEnded']);
    expect(cache.stats.walks).toBe(1);
    // plain.ts imports a file that imports the tracer: walked too (conservatively), nothing found.
    expect(check('src/plain.ts')).toEqual([]);
    expect(cache.stats.walks).toBe(2);
    // llm.ts is connected to no span or metric module: its findings come from the project's link alone.
    expect(check('src/llm.ts')).toEqual(['src/llm.ts:3 unwiredCall']);
    expect(cache.stats.walks).toBe(2);
  });

  it('saves the stores of every open project at exit through one listener', () => {
    const prev = process.env.TRACEWIRE_CACHE_DIR;
    process.env.TRACEWIRE_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-view-'));
    const before = process.listenerCount('exit');
    try {
      // An editor with a dozen projects open: Node.js warns past ten listeners of one event.
      for (let i = 0; i < 12; i++) expect(setup().check('src/other.ts')).toEqual(['src/other.ts:3:28 unwiredCall']);
      expect(process.listenerCount('exit') - before).toBeLessThanOrEqual(1);
      expect(fs.readdirSync(process.env.TRACEWIRE_CACHE_DIR).filter((f) => f.startsWith('project-'))).toHaveLength(12);
    } finally {
      if (prev === undefined) delete process.env.TRACEWIRE_CACHE_DIR;
      else process.env.TRACEWIRE_CACHE_DIR = prev;
    }
  });

  it('keeps the project view between processes: an unchanged project is not analysed again', () => {
    const prev = process.env.TRACEWIRE_CACHE_DIR;
    process.env.TRACEWIRE_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-view-'));
    try {
      const { root, cache, check, write } = setup();
      expect(check('src/other.ts')).toEqual(['src/other.ts:3:28 unwiredCall']);
      expect(cache.stats.analyses).toBe(3);
      const config = resolveConfig({}, undefined, rulesById, '', root);
      const again = () => {
        const c = new ProjectCache({ registry, root, config });
        const findings = c.checkFile({ file: path.join(root, 'src/other.ts'), text: fs.readFileSync(path.join(root, 'src/other.ts'), 'utf8'), rules: enabledRules(config, registry) }).findings;
        return { c, where: findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.messageId}`) };
      };
      const second = again();
      expect(second.where).toEqual(['src/other.ts:3:28 unwiredCall']);
      expect(second.c.stats).toMatchObject({ reads: 3, analyses: 0 });
      // A file whose content changed is analysed again, and only that one.
      write('src/llm.ts', RAW_LLM);
      const third = again();
      expect(third.c.stats).toMatchObject({ reads: 3, analyses: 1 });
      expect(third.c.checkFile({ file: path.join(root, 'src/agent.ts'), text: AGENT, rules: enabledRules(config, registry) }).findings.map((f) => f.messageId)).toEqual(['unwiredCall']);
      // Off: every file is analysed.
      expect(new ProjectCache({ registry, root, config, persist: false }).checkFile({ file: path.join(root, 'src/agent.ts'), text: AGENT, rules: enabledRules(config, registry) }).findings).toHaveLength(1);
    } finally {
      if (prev === undefined) delete process.env.TRACEWIRE_CACHE_DIR;
      else process.env.TRACEWIRE_CACHE_DIR = prev;
    }
  });

  it('re-reads a file whose stamp changed, and re-analyses it only when its content did', () => {
    const { root, cache, clock, check, write } = setup();
    expect(check('src/agent.ts')).toEqual([]);
    write('src/llm.ts', RAW_LLM);
    // Within the stat interval the cached view holds.
    expect(check('src/agent.ts')).toEqual([]);
    clock.advance(1000);
    expect(check('src/agent.ts')).toEqual(['src/agent.ts:2:25 unwiredCall']);
    expect(cache.stats).toMatchObject({ reads: 4, analyses: 4, links: 2 });
    // Touched without a change of content: read again, not analysed, not re-linked.
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(root, 'src/llm.ts'), later, later);
    clock.advance(1000);
    expect(check('src/agent.ts')).toEqual(['src/agent.ts:2:25 unwiredCall']);
    expect(cache.stats).toMatchObject({ reads: 5, analyses: 4, links: 2 });
  });

  it("checks the text it is given, not the disk's, and keeps that link for the same text", () => {
    const { cache, check } = setup();
    const edited = AGENT.replace("from './llm'", "from './raw'") + `import OpenAI from 'openai';\nexport const local = new OpenAI().responses.create({ model: 'gpt-4o', input: 'x' });\n`;
    expect(check('src/agent.ts', edited)).toEqual(['src/agent.ts:4:22 unwiredCall']);
    const links = cache.stats.links;
    expect(check('src/agent.ts', edited)).toEqual(['src/agent.ts:4:22 unwiredCall']);
    expect(cache.stats.links).toBe(links);
    // The disk's version is untouched.
    expect(check('src/agent.ts')).toEqual([]);
  });

  it('sees files added and removed once the project is listed again', () => {
    const { root, clock, check, write } = setup();
    expect(check('src/other.ts')).toEqual(['src/other.ts:3:28 unwiredCall']);
    write('src/instrumentation.ts', INSTRUMENTATION);
    clock.advance(1000);
    expect(check('src/other.ts')).toEqual(['src/other.ts:3:28 unwiredCall']);
    clock.advance(4000);
    expect(check('src/other.ts')).toEqual([]);
    fs.rmSync(path.join(root, 'src/instrumentation.ts'));
    clock.advance(5000);
    expect(check('src/other.ts')).toEqual(['src/other.ts:3:28 unwiredCall']);
  });

  it('re-links when a package.json changes the declared SDK version', () => {
    const { root, clock, check, write } = setup();
    write('src/instrumentation.ts', INSTRUMENTATION);
    expect(check('src/other.ts')).toEqual([]);
    // The OpenTelemetry OpenAI instrumentation does not patch openai v7.
    write('package.json', JSON.stringify({ name: 'svc', private: true, dependencies: { openai: '^7.1.0' } }));
    clock.advance(1000);
    expect(check('src/other.ts')).toEqual(['src/other.ts:3:28 unwiredCall']);
    expect(fs.existsSync(path.join(root, 'package.json'))).toBe(true);
  });

  it('with project off, checks the file alone and lists nothing', () => {
    const { root } = setup();
    const config = resolveConfig({}, undefined, rulesById, '', root);
    const cache = new ProjectCache({ registry, root, config, project: false });
    const r = cache.checkFile({ file: path.join(root, 'src/agent.ts'), text: AGENT, rules: enabledRules(config, registry) });
    expect(r.findings).toEqual([]);
    // The file names no catalog module (and alone, its import leads nowhere): nothing to analyse.
    expect(cache.stats).toMatchObject({ listings: 0, reads: 0, analyses: 0, links: 0 });
    const o = cache.checkFile({ file: path.join(root, 'src/other.ts'), text: OTHER, rules: enabledRules(config, registry) });
    expect(o.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.messageId}`)).toEqual(['src/other.ts:3:28 unwiredCall']);
    expect(cache.stats).toMatchObject({ listings: 0, reads: 0, links: 1 });
  });

  it('reports a file it cannot parse as skipped, with no findings', () => {
    const { root, cache } = setup();
    const r = cache.checkFile({ file: path.join(root, 'src/broken.ts'), text: "import OpenAI from 'openai';\nexport const = ;", rules: enabledRules(cache.config, registry) });
    expect(r.findings).toEqual([]);
    expect(r.skipped).toMatch(/^parse error at 2:/);
  });

  it('skips minified or bundled text, as run() does', () => {
    const { root, cache } = setup();
    const bundle = `${OTHER.replace(/\n/g, ' ')}${' '.repeat(300 * 1024)}\n`;
    const r = cache.checkFile({ file: path.join(root, 'src/bundle.js'), text: bundle, rules: enabledRules(cache.config, registry) });
    expect(r).toMatchObject({ findings: [], skipped: expect.stringMatching(/^looks minified or bundled/) });
  });

  it('finds exactly what run() finds, file by file, on the sample app', async () => {
    const app = path.join(FIXTURES, 'sample-app');
    const files = await listFiles({ cwd: app, paths: ['.'] });
    const config = resolveConfig({}, undefined, rulesById, '', app);
    const expected = await run({ registry, cwd: app, files, config });
    expect(expected.findings.length).toBeGreaterThan(0);
    const cache = new ProjectCache({ registry, root: app, config });
    const actual = files.flatMap((f) => cache.checkFile({ file: f, text: fs.readFileSync(f, 'utf8'), rules: enabledRules(config, registry) }).findings);
    expect(actual.map(({ data: _data, ...f }) => f)).toEqual(expected.findings);
    expect(cache.stats.links).toBe(1);
  });
});

describe('Workspace', () => {
  it('finds the configuration from the file upwards and re-resolves it when it changes', () => {
    const root = tempProject({
      'tracewire.config.json': JSON.stringify({ rules: { 'require-llm-tracing': ['error', { ignoreOperations: ['embeddings'] }] } }),
      'package.json': '{}',
      'src/a.ts': OTHER,
    });
    const c = clock();
    const ws = new Workspace(registry, { now: c.now });
    const file = path.join(root, 'src/a.ts');
    const p = ws.projectFor(file, '/');
    expect(p.root).toBe(root);
    expect(p.config.file).toBe(path.join(root, 'tracewire.config.json'));
    const rule = rulesById.get('require-llm-tracing')!;
    expect(p.rulesFor([{ rule }])[0]!.options).toMatchObject({ ignoreOperations: ['embeddings'] });
    // Options a front end sets merge over the configuration's.
    expect(p.rulesFor([{ rule, options: { reportDeprecatedSdks: false } }])[0]!.options).toMatchObject({ ignoreOperations: ['embeddings'], reportDeprecatedSdks: false });
    expect(ws.projectFor(file, '/')).toBe(p);
    fs.writeFileSync(path.join(root, 'tracewire.config.json'), JSON.stringify({ rules: { 'require-llm-tracing': 'off' } }));
    c.advance(1000);
    const q = ws.projectFor(file, '/');
    expect(q).not.toBe(p);
    // Turned off in the configuration: off for the front end too.
    expect(q.rulesFor([{ rule }, { rule: rulesById.get('suppression-comment')! }]).map((r) => r.rule.meta.id)).toEqual(['suppression-comment']);
  });

  it('takes the configuration file and the project root from settings', () => {
    const root = tempProject({
      'config/tw.json': JSON.stringify({ rules: { 'require-llm-tracing': ['warn', { ignoreOperations: ['chat'] }] } }),
      'app/src/a.ts': OTHER,
    });
    const ws = new Workspace(registry);
    const p = ws.projectFor('app/src/a.ts', root, { configFile: 'config/tw.json', projectRoot: 'app' });
    expect(p.root).toBe(path.join(root, 'app'));
    expect(p.config.file).toBe(path.join(root, 'config/tw.json'));
    expect(p.rulesFor([{ rule: rulesById.get('require-llm-tracing')! }])[0]).toMatchObject({ severity: 'warn', options: { ignoreOperations: ['chat'] } });
  });

  it('keeps one project for the files of every directory', () => {
    const root = tempProject({ 'package.json': '{}', 'src/a.ts': OTHER, 'src/deep/b.ts': OTHER, 'lib/c.ts': OTHER });
    const ws = new Workspace(registry);
    const p = ws.projectFor(path.join(root, 'src/a.ts'), root);
    expect(ws.projectFor(path.join(root, 'src/deep/b.ts'), root)).toBe(p);
    expect(ws.projectFor(path.join(root, 'lib/c.ts'), root, { projectRoot: '.' })).toBe(p);
    const withConfig = tempProject({ 'tracewire.config.json': '{}', 'src/a.ts': OTHER, 'src/deep/b.ts': OTHER });
    const q = ws.projectFor(path.join(withConfig, 'src/a.ts'), withConfig);
    expect(ws.projectFor(path.join(withConfig, 'src/deep/b.ts'), withConfig)).toBe(q);
  });

  it('uses the nearest package.json directory as the root without a configuration', () => {
    const root = tempProject({ 'pkg/package.json': '{}', 'pkg/src/deep/a.ts': OTHER });
    const p = new Workspace(registry).projectFor(path.join(root, 'pkg/src/deep/a.ts'), root);
    expect(p.root).toBe(path.join(root, 'pkg'));
    expect(p.config.file).toBeUndefined();
  });

  it('reports an invalid configuration with its key', () => {
    const root = tempProject({ 'tracewire.config.json': JSON.stringify({ rules: { 'require-llm-tracing': ['error', { ignoreOperation: [] }] } }), 'a.ts': '' });
    expect(() => new Workspace(registry).projectFor(path.join(root, 'a.ts'), root)).toThrow(/rules\.require-llm-tracing\[1\]/);
  });
});
