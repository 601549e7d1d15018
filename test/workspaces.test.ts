/**
 * Workspace packages (monorepos): a bare specifier that names one of the project's own packages resolves
 * to that package's source file, through `exports` / `types` / `main`, build output mapped back to its
 * sources; and what depends on it in a run: the prefilter, `--cache`, and the editor's project cache.
 */

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesById } from '../rules/index.js';
import { resolveConfig } from '../src/config/load.js';
import { Aliases, aliasesFor } from '../src/engine/aliases.js';
import { listFiles } from '../src/engine/files.js';
import { Prescanner } from '../src/engine/prescan.js';
import { ProjectCache } from '../src/engine/project-cache.js';
import { buildCatalog, enabledRules, run } from '../src/engine/run.js';
import type { RunResult } from '../src/engine/types.js';
import { exportTargets, splitPackageSpec } from '../src/engine/workspaces.js';
import { tempProject } from './helpers/engine.js';
import { registry } from '../rules/registry.js';

const json = (v: unknown) => JSON.stringify(v, null, 2);

/** Resolve `spec` from `from` (relative to the root); the answer relative to the root. */
function resolver(root: string, aliases = new Aliases()) {
  return (from: string, spec: string) => {
    const r = aliases.resolve(path.join(root, from), spec);
    return r === undefined ? undefined : path.relative(root, r).split(path.sep).join('/');
  };
}

describe('splitPackageSpec and exportTargets', () => {
  it('split a specifier into its package and subpath', () => {
    expect(splitPackageSpec('@acme/ai')).toEqual({ name: '@acme/ai', subpath: '.' });
    expect(splitPackageSpec('@acme/ai/tools/search')).toEqual({ name: '@acme/ai', subpath: './tools/search' });
    expect(splitPackageSpec('utils/x')).toEqual({ name: 'utils', subpath: './x' });
    expect(splitPackageSpec('@acme')).toBeUndefined();
  });

  it('take the subpath entry, its conditions in order, arrays in order, and `*` patterns (longest prefix)', () => {
    expect(exportTargets('./dist/index.js', '.')).toEqual(['./dist/index.js']);
    expect(exportTargets('./dist/index.js', './x')).toEqual([]);
    expect(exportTargets({ types: './dist/index.d.ts', import: './dist/index.mjs', require: './dist/index.cjs' }, '.')).toEqual(['./dist/index.d.ts', './dist/index.mjs', './dist/index.cjs']);
    const exp = {
      '.': { import: { types: './dist/index.d.mts', default: './dist/index.mjs' }, browser: './dist/browser.js' },
      './tools/*': { types: './dist/tools/*.d.ts', default: ['./dist/tools/*.js', './fallback/*.js'] },
      './tools/internal/*': null,
      './*': './src/*.ts',
      './legacy/': './lib/legacy/',
    };
    expect(exportTargets(exp, '.')).toEqual(['./dist/index.d.mts', './dist/index.mjs']);
    expect(exportTargets(exp, './tools/search')).toEqual(['./dist/tools/search.d.ts', './dist/tools/search.js', './fallback/search.js']);
    expect(exportTargets(exp, './tools/internal/secret')).toEqual([]);
    expect(exportTargets(exp, './prompts')).toEqual(['./src/prompts.ts']);
    expect(exportTargets({ '.': './a.js', './legacy/': './lib/legacy/' }, './legacy/x.js')).toEqual(['./lib/legacy/x.js']);
  });
});

describe('workspace packages', () => {
  it('npm/yarn `workspaces`: `exports` to build output resolves to the sources, by outDir/rootDir and by convention', () => {
    const root = tempProject({
      'package.json': json({ name: 'acme', private: true, workspaces: ['apps/*', 'packages/*'] }),
      'packages/ai/package.json': json({ name: '@acme/ai', exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './tools/*': { types: './dist/tools/*.d.ts', default: './dist/tools/*.js' } } }),
      'packages/ai/tsconfig.json': json({ compilerOptions: { rootDir: 'lib', outDir: 'dist' } }),
      'packages/ai/lib/index.ts': '',
      'packages/ai/lib/tools/search.ts': '',
      'packages/db/package.json': json({ name: '@acme/db', main: 'build/cjs/index.js', types: 'build/types/index.d.ts' }),
      'packages/db/src/index.ts': '',
      'apps/web/package.json': json({ name: 'web' }),
      'apps/web/src/page.ts': '',
    });
    const r = resolver(root);
    expect(r('apps/web/src/page.ts', '@acme/ai')).toBe('packages/ai/lib');
    expect(r('apps/web/src/page.ts', '@acme/ai/tools/search')).toBe('packages/ai/lib/tools/search');
    expect(r('apps/web/src/page.ts', '@acme/ai/tools/missing')).toBeUndefined();
    expect(r('apps/web/src/page.ts', '@acme/db')).toBe('packages/db/src');
    // From inside a package too (a package importing a sibling).
    expect(r('packages/db/src/index.ts', '@acme/ai')).toBe('packages/ai/lib');
    // Packages that are not the workspace's, and names that are not packages.
    expect(r('apps/web/src/page.ts', '@acme/other')).toBeUndefined();
    expect(r('apps/web/src/page.ts', 'react')).toBeUndefined();
  });

  it('prefers a source target as written, then `source`, `types`, `module`, `main`, then `index`; a declaration is never a source', () => {
    const root = tempProject({
      'package.json': json({ private: true, workspaces: { packages: ['packages/**', '!packages/legacy/**'] } }),
      'packages/core/package.json': json({ name: '@acme/core', exports: { '.': './src/index.ts', './package.json': './package.json' } }),
      'packages/core/src/index.ts': '',
      'packages/nested/group/util/package.json': json({ name: '@acme/util', source: 'src/main.ts', main: 'dist/main.js' }),
      'packages/nested/group/util/src/main.ts': '',
      'packages/jsonly/package.json': json({ name: 'jsonly', main: 'lib/index.js' }),
      'packages/jsonly/lib/index.js': '',
      'packages/indexed/package.json': json({ name: 'indexed' }),
      'packages/indexed/index.js': '',
      'packages/typesonly/package.json': json({ name: 'typesonly', types: 'index.d.ts' }),
      'packages/typesonly/index.d.ts': '',
      'packages/legacy/old/package.json': json({ name: 'old', main: 'index.js' }),
      'packages/legacy/old/index.js': '',
      'app.ts': '',
    });
    const r = resolver(root);
    expect(r('app.ts', '@acme/core')).toBe('packages/core/src');
    expect(r('app.ts', '@acme/util')).toBe('packages/nested/group/util/src/main');
    expect(r('app.ts', 'jsonly')).toBe('packages/jsonly/lib');
    expect(r('app.ts', 'indexed')).toBe('packages/indexed');
    expect(r('app.ts', 'typesonly')).toBeUndefined();
    expect(r('app.ts', 'old')).toBeUndefined();
  });

  it('pnpm-workspace.yaml, with a subpath export and exclusions', () => {
    const root = tempProject({
      'package.json': json({ name: 'mono', private: true }),
      'pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n  - 'packages/*'\n  - '!packages/fixture-*'\n",
      'packages/llm/package.json': json({ name: '@acme/llm', exports: { '.': { import: './dist/index.mjs' }, './providers': { import: { types: './dist/providers/index.d.mts', default: './dist/providers/index.mjs' } } } }),
      'packages/llm/src/index.ts': '',
      'packages/llm/src/providers/index.ts': '',
      'packages/fixture-llm/package.json': json({ name: '@acme/fixture', main: 'index.js' }),
      'packages/fixture-llm/index.js': '',
      'apps/worker/src/job.ts': '',
    });
    const r = resolver(root);
    expect(r('apps/worker/src/job.ts', '@acme/llm')).toBe('packages/llm/src');
    expect(r('apps/worker/src/job.ts', '@acme/llm/providers')).toBe('packages/llm/src/providers');
    expect(r('apps/worker/src/job.ts', '@acme/fixture')).toBeUndefined();
    // Lerna alone: its `packages`, by default `packages/*`.
    const lerna = tempProject({
      'package.json': json({ name: 'lerna-repo', private: true }),
      'lerna.json': json({ version: 'independent' }),
      'packages/llm/package.json': json({ name: '@acme/llm', main: 'lib/index.js' }),
      'packages/llm/lib/index.js': '',
      'services/api/src/job.js': '',
    });
    expect(resolver(lerna)('services/api/src/job.js', '@acme/llm')).toBe('packages/llm/lib');
  });

  it('outside a workspace: the package itself (a self-reference) and its file:/link: dependencies', () => {
    const root = tempProject({
      'package.json': json({ name: 'svc', exports: './src/index.ts', dependencies: { 'shared-llm': 'file:../shared/llm', 'x-link': 'link:./vendor/x' } }),
      'src/index.ts': '',
      'vendor/x/package.json': json({ name: 'x-link', main: 'x.js' }),
      'vendor/x/x.js': '',
      'scripts/a.ts': '',
    });
    const r = resolver(root);
    expect(r('scripts/a.ts', 'svc')).toBe('src');
    expect(r('scripts/a.ts', 'x-link')).toBe('vendor/x/x');
    expect(r('scripts/a.ts', 'shared-llm')).toBeUndefined();
    // A package without `exports` cannot import itself by name: nothing to resolve, nothing for the prescan.
    const plain = tempProject({ 'package.json': json({ name: 'plain', main: 'index.js' }), 'index.js': '', 'src/a.ts': '' });
    const aliases = new Aliases();
    expect(resolver(plain, aliases)('src/a.ts', 'plain')).toBeUndefined();
    expect(aliases.hasAliasesIn(path.join(plain, 'src'))).toBe(false);
    expect(new Aliases().hasAliasesIn(path.join(root, 'scripts'))).toBe(true);
  });

  it('never answers with a file under node_modules, and never for a catalog module name', () => {
    const root = tempProject({
      'package.json': json({ private: true, workspaces: ['packages/*', 'node_modules/*'] }),
      'packages/ai/package.json': json({ name: 'ai', main: 'src/index.ts' }),
      'packages/ai/src/index.ts': '',
      'packages/lc/package.json': json({ name: '@langchain/core', main: 'src/index.ts' }),
      'packages/lc/src/index.ts': '',
      'packages/escape/package.json': json({ name: 'escape', main: '../../node_modules/escape/index.js' }),
      'node_modules/dep/package.json': json({ name: 'dep', main: 'index.js' }),
      'node_modules/dep/index.js': '',
      'node_modules/escape/index.js': '',
      'app.ts': '',
    });
    const catalog = buildCatalog(resolveConfig({}, undefined, rulesById, '', root), registry);
    const withCatalog = resolver(root, aliasesFor(catalog));
    expect(withCatalog('app.ts', 'ai')).toBeUndefined();
    expect(withCatalog('app.ts', '@langchain/core')).toBeUndefined();
    expect(withCatalog('app.ts', 'dep')).toBeUndefined();
    expect(withCatalog('app.ts', 'escape')).toBeUndefined();
    // Without a catalog, nothing is known: the workspace's own `ai` is its package.
    expect(resolver(root)('app.ts', 'ai')).toBe('packages/ai/src');
  });

  it('tsconfig paths come first; an alias that names nothing falls back to the workspace package', () => {
    const root = tempProject({
      'package.json': json({ private: true, workspaces: ['packages/*'] }),
      'tsconfig.json': json({ compilerOptions: { paths: { '@acme/ai': ['./packages/ai/src/entry.ts'], '@acme/db': ['./nowhere/db.ts'] } } }),
      'packages/ai/package.json': json({ name: '@acme/ai', main: 'src/index.ts' }),
      'packages/ai/src/index.ts': '',
      'packages/ai/src/entry.ts': '',
      'packages/db/package.json': json({ name: '@acme/db', main: 'src/index.ts' }),
      'packages/db/src/index.ts': '',
      'app.ts': '',
    });
    const r = resolver(root);
    expect(r('app.ts', '@acme/ai')).toBe('packages/ai/src/entry');
    expect(r('app.ts', '@acme/db')).toBe('packages/db/src');
  });

  it('records the package.json files and workspace manifests it read, so a change is seen', () => {
    const root = tempProject({
      'package.json': json({ private: true, workspaces: ['packages/*'] }),
      'packages/ai/package.json': json({ name: '@acme/ai', exports: './src/index.ts' }),
      'packages/ai/src/index.ts': '',
      'packages/ai/src/next.ts': '',
      'app.ts': '',
    });
    const aliases = new Aliases();
    expect(aliases.resolve(path.join(root, 'app.ts'), '@acme/ai')).toBe(path.join(root, 'packages/ai/src'));
    aliases.consultFor([path.join(root, 'app.ts')]);
    const consulted = aliases.consultedFiles();
    expect(consulted).toContain(path.join(root, 'package.json'));
    expect(consulted).toContain(path.join(root, 'pnpm-workspace.yaml'));
    expect(consulted).toContain(path.join(root, 'packages/ai/package.json'));
    expect(consulted).toContain(path.join(root, 'packages/ai/tsconfig.json'));
    expect(aliases.changed()).toBe(false);
    fs.writeFileSync(path.join(root, 'packages/ai/package.json'), json({ name: '@acme/ai', exports: { '.': './src/next.ts' } }));
    expect(aliases.changed()).toBe(true);
    expect(new Aliases().resolve(path.join(root, 'app.ts'), '@acme/ai')).toBe(path.join(root, 'packages/ai/src/next'));
  });
});

const CLIENT = "import OpenAI from 'openai';\n\nexport const openai = new OpenAI();\n";
const WRAPPED = "import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\n\nexport const openai = wrapOpenAI(new OpenAI());\n";
const ROUTE = "import { openai } from '@acme/ai';\n\nexport async function POST() {\n  return openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [] });\n}\n";

function monorepo() {
  return tempProject({
    'package.json': json({ name: 'acme', private: true, workspaces: ['apps/*', 'packages/*'] }),
    'packages/ai/package.json': json({ name: '@acme/ai', exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } }, dependencies: { openai: '^5.8.0', langsmith: '^0.3.30' } }),
    'packages/ai/src/index.ts': CLIENT,
    'packages/ai/src/wrapped.ts': WRAPPED,
    'apps/web/package.json': json({ name: 'web', dependencies: { '@acme/ai': '*' } }),
    'apps/web/src/route.ts': ROUTE,
  });
}

async function check(dir: string, cacheFile?: string, workers = 0): Promise<RunResult> {
  const config = resolveConfig({}, undefined, rulesById, '', dir);
  const files = await listFiles({ cwd: dir, paths: [] });
  const r = await run({ registry, cwd: dir, files, config, cacheFile, workers });
  return { ...r, durationMs: 0 };
}

const findings = (r: RunResult) => r.findings.map((f) => `${f.file}:${f.line} ${f.messageId}`);

describe('runs in a monorepo', () => {
  it('the prefilter follows an import of a workspace package as an edge', () => {
    const root = monorepo();
    const catalog = buildCatalog(resolveConfig({}, undefined, rulesById, '', root), registry);
    const scan = new Prescanner(catalog, aliasesFor(catalog)).scan(path.join(root, 'apps/web/src/route.ts'), ROUTE);
    expect(scan.edges).toEqual([path.join(root, 'packages/ai/src')]);
    expect(scan.aliases).toEqual({ '@acme/ai': path.join(root, 'packages/ai/src') });
    expect(scan.root).toBe(false);
  });

  it('find the call through the package, with and without the prefilter, and in worker threads', async () => {
    const dir = monorepo();
    const on = await check(dir);
    expect(findings(on)).toEqual(['apps/web/src/route.ts:4 unwiredCall']);
    expect(await check(dir, undefined, 2)).toEqual(on);
    process.env.TRACEWIRE_NO_PREFILTER = '1';
    try {
      expect(await check(dir)).toEqual(on);
    } finally {
      delete process.env.TRACEWIRE_NO_PREFILTER;
    }
  });

  it('--cache: a package.json edit that points the package elsewhere is seen (run result and per-file results)', async () => {
    const dir = monorepo();
    const cacheFile = path.join(dir, '.tracewirecache');
    expect(findings(await check(dir, cacheFile))).toEqual(['apps/web/src/route.ts:4 unwiredCall']);
    expect(findings(await check(dir, cacheFile))).toEqual(['apps/web/src/route.ts:4 unwiredCall']);
    const pkg = path.join(dir, 'packages/ai/package.json');
    fs.writeFileSync(pkg, json({ name: '@acme/ai', exports: { '.': { types: './dist/wrapped.d.ts', default: './dist/wrapped.js' } }, dependencies: { openai: '^5.8.0', langsmith: '^0.3.30' } }));
    const after = await check(dir, cacheFile);
    expect(findings(after)).toEqual([]);
    expect(after).toEqual(await check(dir));
  });
});

describe('the editor\'s project cache in a monorepo', () => {
  it('resolves workspace packages, and follows package.json edits', () => {
    const root = monorepo();
    const config = resolveConfig({}, undefined, rulesById, '', root);
    let t = 0;
    const cache = new ProjectCache({ registry, root, config, now: () => t });
    const rules = enabledRules(config, registry);
    const file = path.join(root, 'apps/web/src/route.ts');
    const checkRoute = () => cache.checkFile({ file, text: fs.readFileSync(file, 'utf8'), rules }).findings.map((f) => `${f.file}:${f.line} ${f.messageId}`);
    expect(checkRoute()).toEqual(['apps/web/src/route.ts:4 unwiredCall']);
    fs.writeFileSync(path.join(root, 'packages/ai/package.json'), json({ name: '@acme/ai', main: 'dist/wrapped.js', dependencies: { openai: '^5.8.0', langsmith: '^0.3.30' } }));
    t += 1000;
    expect(checkRoute()).toEqual([]);
  });
});
