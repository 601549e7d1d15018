/**
 * Path aliases (tsconfig/jsconfig `paths` and `baseUrl`): TypeScript's resolution on small projects on
 * disk, and what depends on it in a run: the prefilter's import graph, `--cache` (per-file results and the
 * last run's result) and the editor's project cache.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesById } from '../rules/index.js';
import { resolveConfig } from '../src/config/load.js';
import { Aliases, aliasesFor, parseJsonc, projectModule } from '../src/engine/aliases.js';
import { listFiles } from '../src/engine/files.js';
import { Prescanner, relevantFiles, scanGraph, unimportedFiles } from '../src/engine/prescan.js';
import { ProjectCache } from '../src/engine/project-cache.js';
import { buildCatalog, enabledRules, run } from '../src/engine/run.js';
import type { RunResult } from '../src/engine/types.js';
import { readCacheFile, tempProject, writeCacheFile } from './helpers/engine.js';
import { registry } from '../rules/registry.js';

const tsconfig = (compilerOptions: unknown, rest: Record<string, unknown> = {}) => JSON.stringify({ compilerOptions, ...rest });

/** Resolve `spec` from `from` (relative to the project root) and give the answer relative to the root. */
function resolver(root: string, aliases = new Aliases()) {
  return (from: string, spec: string) => {
    const r = aliases.resolve(path.join(root, from), spec);
    return r === undefined ? undefined : path.relative(root, r).split(path.sep).join('/');
  };
}

describe('parseJsonc', () => {
  it('reads comments and trailing commas, and gives undefined for malformed text', () => {
    expect(parseJsonc('{ // a\n "a": [1, 2,], /* b */ "b": { "c": true, }, }')).toEqual({ a: [1, 2], b: { c: true } });
    expect(parseJsonc('\uFEFF{"a": 1}')).toEqual({ a: 1 });
    expect(parseJsonc('{ "compilerOptions": { "paths": ')).toBeUndefined();
    expect(parseJsonc('{ "a": 1 } trailing')).toBeUndefined();
  });
});

describe('Aliases', () => {
  it('resolves `@/*` from a tsconfig with comments and trailing commas, like a relative import', () => {
    const root = tempProject({
      'tsconfig.json': '{\n  // Next.js\n  "compilerOptions": {\n    "paths": { "@/*": ["./src/*"], },\n  },\n}\n',
      'src/lib/openai.ts': 'export const x = 1;\n',
      'src/lib/ai/index.ts': 'export const y = 1;\n',
      'src/app/route.ts': '',
    });
    const r = resolver(root);
    expect(r('src/app/route.ts', '@/lib/openai')).toBe('src/lib/openai');
    // Extensions as written (TypeScript maps `.js` to the `.ts` source) and directory indexes.
    expect(r('src/app/route.ts', '@/lib/openai.js')).toBe('src/lib/openai');
    expect(r('src/app/route.ts', '@/lib/openai.ts')).toBe('src/lib/openai');
    expect(r('src/app/route.ts', '@/lib/ai')).toBe('src/lib/ai');
    // Nothing there: not a project module (a package, or an unresolved import).
    expect(r('src/app/route.ts', '@/lib/missing')).toBeUndefined();
    expect(r('src/app/route.ts', 'openai')).toBeUndefined();
    expect(r('src/app/route.ts', '@ai-sdk/openai')).toBeUndefined();
    // Relative specifiers are never aliases; `projectModule` is the one place that handles both.
    expect(r('src/app/route.ts', '../lib/openai')).toBeUndefined();
    const aliases = new Aliases();
    const from = path.join(root, 'src/app/route.ts');
    expect(projectModule(from, '../lib/openai', aliases)).toBe(path.join(root, 'src/lib/openai'));
    expect(projectModule(from, '@/lib/openai', aliases)).toBe(path.join(root, 'src/lib/openai'));
    expect(projectModule(from, '@/lib/openai', undefined)).toBeUndefined();
    expect(projectModule(from, 'openai', aliases)).toBeUndefined();
  });

  it('prefers an exact pattern, then the `*` pattern with the longest prefix; a pattern with two `*` is ignored', () => {
    const root = tempProject({
      'tsconfig.json': tsconfig({
        baseUrl: '.',
        paths: { '@/*': ['src/*'], '@/components/*': ['ui/components/*'], '@/config': ['config/app.ts'], '*.svg': ['assets/*.svg.ts'], '@x/*/*': ['nowhere/*/*'] },
      }),
      'src/components/button.ts': '',
      'ui/components/button.ts': '',
      'src/config.ts': '',
      'config/app.ts': '',
      'assets/logo.svg.ts': '',
      'a.ts': '',
    });
    const r = resolver(root);
    expect(r('a.ts', '@/components/button')).toBe('ui/components/button');
    expect(r('a.ts', '@/config')).toBe('config/app');
    expect(r('a.ts', 'logo.svg')).toBe('assets/logo.svg');
    expect(r('a.ts', '@x/a/b')).toBeUndefined();
  });

  it('tries the substitutions in order: the first that exists wins, else `baseUrl`, else a package', () => {
    const root = tempProject({
      'tsconfig.json': tsconfig({ baseUrl: '.', paths: { '~/*': ['./generated/*', './src/*', './fallback/*'] } }),
      'generated/schema.ts': '',
      'src/schema.ts': '',
      'src/db.ts': '',
      'fallback/db.ts': '',
      '~/odd.ts': '',
      'a.ts': '',
    });
    const r = resolver(root);
    expect(r('a.ts', '~/schema')).toBe('generated/schema');
    expect(r('a.ts', '~/db')).toBe('src/db');
    // No substitution exists: the specifier resolves against baseUrl, as TypeScript does.
    expect(r('a.ts', '~/odd')).toBe('~/odd');
    expect(r('a.ts', '~/none')).toBeUndefined();
  });

  it('resolves bare specifiers against baseUrl only when a project file is there', () => {
    const root = tempProject({
      'jsconfig.json': '{ "compilerOptions": { "baseUrl": "src" } }',
      'src/services/llm.js': '',
      'src/lib/openai.js': '',
      'src/jobs/digest.js': '',
    });
    const r = resolver(root);
    expect(r('src/jobs/digest.js', 'services/llm')).toBe('src/services/llm');
    expect(r('src/jobs/digest.js', 'lib/openai')).toBe('src/lib/openai');
    expect(r('src/jobs/digest.js', 'zod')).toBeUndefined();
    expect(r('src/jobs/digest.js', 'services')).toBeUndefined();
  });

  it('never lets a wildcard pattern or baseUrl shadow a module the catalog knows; a pattern naming it does', () => {
    const root = tempProject({
      'tsconfig.json': tsconfig({ baseUrl: './src', paths: { '*': ['./*'], 'langsmith/wrappers': ['./tracing/wrappers.ts'] } }),
      'src/openai/index.ts': '',
      'src/openai/prompts.ts': '',
      'src/ai.ts': '',
      'src/tracing/wrappers.ts': '',
      'src/app.ts': '',
    });
    const plain = resolver(root);
    expect(plain('src/app.ts', 'openai')).toBe('src/openai');
    const r = resolver(root, aliasesFor(buildCatalog(resolveConfig({}, undefined, rulesById, '', root), registry)));
    expect(r('src/app.ts', 'openai')).toBeUndefined();
    expect(r('src/app.ts', 'ai')).toBeUndefined();
    // A subpath the catalog does not describe follows TypeScript.
    expect(r('src/app.ts', 'openai/prompts')).toBe('src/openai/prompts');
    // The team mapped this one by name: their intent.
    expect(r('src/app.ts', 'langsmith/wrappers')).toBe('src/tracing/wrappers');
  });

  it('takes a module found under node_modules as a package', () => {
    const root = tempProject({
      'tsconfig.json': tsconfig({ baseUrl: '.', paths: { '*': ['node_modules/*', 'src/types/*'] } }),
      'node_modules/left-pad/package.json': '{"name":"left-pad","main":"index.js"}',
      'node_modules/left-pad/index.js': '',
      'src/types/untyped-lib.ts': '',
      'a.ts': '',
    });
    const r = resolver(root);
    expect(r('a.ts', 'left-pad')).toBeUndefined();
    expect(r('a.ts', 'untyped-lib')).toBe('src/types/untyped-lib');
  });

  it('follows extends: baseUrl relative to the config that sets it, paths relative to baseUrl', () => {
    const root = tempProject({
      'tsconfig.base.json': tsconfig({ baseUrl: '.', paths: { '@acme/ai': ['packages/ai/src/index.ts'], '@acme/ai/*': ['packages/ai/src/*'] } }),
      'apps/api/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base', compilerOptions: { outDir: 'dist' } }),
      'packages/ai/src/index.ts': '',
      'packages/ai/src/client.ts': '',
      'apps/api/src/handler.ts': '',
    });
    const r = resolver(root);
    // A module key: `packages/ai/src/index.ts` compares as its directory (see `moduleKey`).
    expect(r('apps/api/src/handler.ts', '@acme/ai')).toBe('packages/ai/src');
    expect(r('apps/api/src/handler.ts', '@acme/ai/client.js')).toBe('packages/ai/src/client');
  });

  it('without baseUrl, resolves paths relative to the config that sets them; the extending config overrides', () => {
    const root = tempProject({
      'configs/paths.json': tsconfig({ paths: { '#lib/*': ['../lib/*'] } }),
      'configs/strict.json': JSON.stringify({ extends: './paths.json', compilerOptions: { strict: true } }),
      'app/tsconfig.json': JSON.stringify({ extends: '../configs/strict.json' }),
      'app/override/tsconfig.json': JSON.stringify({ extends: '../../configs/strict.json', compilerOptions: { paths: { '#lib/*': ['./vendor/*'] } } }),
      'lib/db.ts': '',
      'app/override/vendor/db.ts': '',
      'app/main.ts': '',
      'app/override/main.ts': '',
    });
    const r = resolver(root);
    expect(r('app/main.ts', '#lib/db')).toBe('lib/db');
    expect(r('app/override/main.ts', '#lib/db')).toBe('app/override/vendor/db');
  });

  it('follows an array of extends (later ones win) and package configs under node_modules', () => {
    const root = tempProject({
      'node_modules/@acme/tsconfig/package.json': JSON.stringify({ name: '@acme/tsconfig', tsconfig: './base.json' }),
      'node_modules/@acme/tsconfig/base.json': tsconfig({ baseUrl: '../../..', paths: { '@/*': ['./from-package/*'] } }),
      'node_modules/@acme/tsconfig/next.json': tsconfig({ paths: { '@/*': ['../../../from-next/*'] } }),
      'web/tsconfig.json': JSON.stringify({ extends: ['@acme/tsconfig', '@tsconfig/missing', './local.json'] }),
      'web/local.json': tsconfig({ strict: true }),
      'next/tsconfig.json': JSON.stringify({ extends: ['./local.json', '@acme/tsconfig/next.json'] }),
      'next/local.json': tsconfig({ paths: { '@/*': ['./local/*'] } }),
      'from-package/x.ts': '',
      'from-next/x.ts': '',
      'next/local/x.ts': '',
      'web/a.ts': '',
      'next/a.ts': '',
    });
    const r = resolver(root);
    expect(r('web/a.ts', '@/x')).toBe('from-package/x');
    expect(r('next/a.ts', '@/x')).toBe('from-next/x');
  });

  it('replaces ${configDir} with the directory of the config that governs the file', () => {
    const root = tempProject({
      'shared/tsconfig.json': tsconfig({ paths: { '@/*': ['${configDir}/src/*'] } }),
      'app/tsconfig.json': JSON.stringify({ extends: '../shared/tsconfig.json' }),
      'app/src/util.ts': '',
      'shared/src/util.ts': '',
      'app/main.ts': '',
    });
    expect(resolver(root)('app/main.ts', '@/util')).toBe('app/src/util');
  });

  it('uses the nearest config (tsconfig.json before jsconfig.json in a directory) and nothing without one', () => {
    const root = tempProject({
      'tsconfig.json': tsconfig({ paths: { '@/*': ['./root/*'] } }),
      'jsconfig.json': tsconfig({ paths: { '@/*': ['./js/*'] } }),
      'root/x.ts': '',
      'js/x.ts': '',
      'pkg/jsconfig.json': tsconfig({ paths: { '@/*': ['./src/*'] } }),
      'pkg/src/x.js': '',
      'pkg/src/a.js': '',
      'a.ts': '',
    });
    const r = resolver(root);
    expect(r('a.ts', '@/x')).toBe('root/x');
    expect(r('pkg/src/a.js', '@/x')).toBe('pkg/src/x');
    const bare = tempProject({ 'src/lib/x.ts': '', 'src/a.ts': '' });
    expect(resolver(bare)('src/a.ts', '@/lib/x')).toBeUndefined();
    expect(resolver(bare)('src/a.ts', 'lib/x')).toBeUndefined();
  });

  it('takes a malformed or unreadable config as one without aliases, and survives cycles in extends', () => {
    const root = tempProject({
      'tsconfig.json': '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] ',
      'src/x.ts': '',
      'a.ts': '',
      'loop/tsconfig.json': JSON.stringify({ extends: './other.json', compilerOptions: { paths: { '@/*': ['./src/*'] } } }),
      'loop/other.json': JSON.stringify({ extends: './tsconfig.json', compilerOptions: { baseUrl: '.' } }),
      'loop/src/x.ts': '',
      'loop/a.ts': '',
      'weird/tsconfig.json': '[1, 2]',
      'weird/a.ts': '',
      'types/tsconfig.json': JSON.stringify({ extends: 42, compilerOptions: { baseUrl: 7, paths: { '@/*': 'src/*', '~/*': [1, './src/*'] } } }),
      'types/src/x.ts': '',
      'types/a.ts': '',
    });
    const r = resolver(root);
    expect(r('a.ts', '@/x')).toBeUndefined();
    expect(r('loop/a.ts', '@/x')).toBe('loop/src/x');
    expect(r('weird/a.ts', '@/x')).toBeUndefined();
    expect(r('types/a.ts', '@/x')).toBeUndefined();
    expect(r('types/a.ts', '~/x')).toBe('types/src/x');
  });

  it('defers a solution-style config to the referenced project that includes the file', () => {
    const root = tempProject({
      'tsconfig.json': JSON.stringify({ files: [], references: [{ path: './tsconfig.app.json' }, { path: './tsconfig.node.json' }, { path: './server' }] }),
      'tsconfig.app.json': '{ "compilerOptions": { /* Bundler mode */ "paths": { "@/*": ["./src/*"] } }, "include": ["src"] }',
      'tsconfig.node.json': tsconfig({ paths: { '@/*': ['./tools/*'] } }, { include: ['vite.config.ts'] }),
      'server/tsconfig.json': tsconfig({ paths: { '@/*': ['./lib/*'] } }, { include: ['**/*.ts'] }),
      'src/lib/x.ts': '',
      'src/main.ts': '',
      'tools/x.ts': '',
      'vite.config.ts': '',
      'server/lib/x.ts': '',
      'server/main.ts': '',
      'other/main.ts': '',
    });
    const r = resolver(root);
    expect(r('src/main.ts', '@/lib/x')).toBe('src/lib/x');
    expect(r('vite.config.ts', '@/x')).toBe('tools/x');
    // server/ has its own tsconfig.json: the nearest one.
    expect(r('server/main.ts', '@/x')).toBe('server/lib/x');
    expect(r('other/main.ts', '@/lib/x')).toBeUndefined();
  });

  it('records the config files it looked at and notices when one changes, appears or goes', () => {
    const root = tempProject({ 'src/a.ts': '', 'src/x.ts': '' });
    const aliases = new Aliases();
    expect(aliases.resolve(path.join(root, 'src/a.ts'), '@/x')).toBeUndefined();
    expect(aliases.consultedFiles()).toContain(path.join(root, 'tsconfig.json'));
    expect(aliases.consultedFiles()).toContain(path.join(root, 'src/jsconfig.json'));
    expect(aliases.changed()).toBe(false);
    fs.writeFileSync(path.join(root, 'tsconfig.json'), tsconfig({ paths: { '@/*': ['./src/*'] } }));
    expect(aliases.changed()).toBe(true);
    const fresh = new Aliases();
    expect(fresh.resolve(path.join(root, 'src/a.ts'), '@/x')).toBe(path.join(root, 'src/x'));
  });
});

describe('the prefilter', () => {
  it('takes a missing relative module for an SDK build only where two or more of an SDK\'s export names are imported from it', () => {
    const root = tempProject({ 'src/a.ts': '' });
    const catalog = buildCatalog(resolveConfig({}, undefined, rulesById, '', root), registry);
    const scanner = new Prescanner(catalog);
    const a = path.join(root, 'src/a.ts');
    const b = path.join(root, 'src/b.ts');
    const c = path.join(root, 'src/c.ts');
    const scans = new Map([
      [a, scanner.scan(a, "import { createAgent, createNetwork } from '../agentkit-dist';\nexport const x = 1;\n")],
      // Strings that look like paths, a missing chunk, one SDK name: no build of an SDK.
      [b, scanner.scan(b, "import { helper } from './missing-chunk';\nconst next = './other-missing';\nexport const y = helper(next);\n")],
      [c, scanner.scan(c, "import { generateText } from './copywriter';\nexport const z = generateText;\n")],
    ]);
    expect(scans.get(a)!.sdkNamed).toEqual([path.join(root, 'agentkit-dist')]);
    // (The names read through `\\u` escapes.)
    expect(scanner.scan(a, "import { cre\\u0061teAgent, createNetwork } from '../agentkit-dist';\n").sdkNamed).toEqual([path.join(root, 'agentkit-dist')]);
    expect(scans.get(b)!.sdkNamed).toBeUndefined();
    expect(scans.get(c)!.sdkNamed).toBeUndefined();
    expect([...relevantFiles(scans, () => true)]).toEqual([a]);
    expect([...relevantFiles(scans, () => false)]).toEqual([]);
  });

  it('knows the files nothing imports: not one an alias, a self-import, a type import or an implemented interface leads to', () => {
    const texts: Record<string, string> = {
      'main.ts': "import OpenAI from 'openai';\nimport { ask } from './llm';\nimport { log } from '@/log';\nexport const run = () => ask(new OpenAI(), log);\n",
      'llm.ts': 'export const ask = (client: any, q: unknown) => client.chat.completions.create({ q });\n',
      'log.ts': 'export const log = 1;\n',
      'self.ts': "import * as me from './self';\nexport const a = () => me.b();\nexport const b = () => 1;\n",
      'types.ts': "import type { Recorder } from './recorder';\nexport type R = Recorder;\n",
      'recorder.ts': 'export interface Recorder { record(): void }\n',
      'impl.ts': "import type { Recorder } from './recorder';\nexport class Impl implements Recorder { record() {} }\n",
      // A string that looks like a path counts as an import of it (the graph over-approximates): none here.
      'strings.ts': "export const where = './nowhere';\n",
    };
    const root = tempProject({ 'tsconfig.json': tsconfig({ paths: { '@/*': ['./src/*'] } }), ...Object.fromEntries(Object.entries(texts).map(([n, t]) => [`src/${n}`, t])) });
    const catalog = buildCatalog(resolveConfig({}, undefined, rulesById, '', root), registry);
    const scanner = new Prescanner(catalog, new Aliases());
    const f = (name: string) => path.join(root, 'src', name);
    const scans = new Map(Object.entries(texts).map(([n, t]) => [f(n), scanner.scan(f(n), t)]));
    const graph = scanGraph(scans);
    const unimported = [...unimportedFiles(scans.keys(), scans, graph)].map((x) => path.basename(x)).sort();
    // types.ts imports recorder.ts, whose interface impl.ts implements (a call through it may run impl.ts).
    expect(unimported).toEqual(['main.ts', 'strings.ts', 'types.ts']);
  });

  it('takes a file calling the global `fetch`, or handing it on to be called, for a root; not a declaration file or another object\'s `fetch`', () => {
    const root = tempProject({ 'src/a.ts': '' });
    const catalog = buildCatalog(resolveConfig({}, undefined, rulesById, '', root), registry);
    const scanner = new Prescanner(catalog);
    const isRoot = (name: string, text: string) => scanner.scan(path.join(root, name), text).root;
    expect(isRoot('src/a.ts', "export const r = await fetch('https://api.openai.com/v1/models');\n")).toBe(true);
    expect(isRoot('src/a.ts', 'export const r = () => globalThis.fetch(url);\n')).toBe(true);
    expect(isRoot('src/a.ts', 'export const r = () => window?.fetch(url);\n')).toBe(true);
    // Handed on: called under another name (`fetchImpl(...)`).
    expect(isRoot('src/a.ts', 'const fetchImpl = options.fetch ?? fetch;\nexport const r = () => fetchImpl(url);\n')).toBe(true);
    expect(isRoot('src/a.ts', 'export const client = createClient({ fetch, baseUrl });\n')).toBe(true);
    expect(isRoot('src/a.ts', 'export const client = createClient({ fetch: fetch });\n')).toBe(true);
    // Another object's method of the same name, or a declaration.
    expect(isRoot('src/a.ts', 'export default { fetch: app.fetch };\nexport const r = () => app.fetch(request);\nthis.fetch(x);\n')).toBe(false);
    expect(isRoot('src/globals.d.ts', 'declare function fetch(input: string): Promise<Response>;\n')).toBe(false);
    expect(isRoot('src/globals.d.mts', 'export declare const r: ReturnType<typeof fetch>;\nfetch(x);\n')).toBe(false);
  });

  it('reads a specifier or a global spelled with `\\u` or `\\x` escapes; not escapes in a regular expression, a colour code or a message', () => {
    const root = tempProject({ 'src/a.ts': '' });
    const catalog = buildCatalog(resolveConfig({}, undefined, rulesById, '', root), registry);
    const scanner = new Prescanner(catalog);
    const isRoot = (text: string) => scanner.scan(path.join(root, 'src/a.ts'), text).root;
    expect(isRoot("import OpenAI from '\\u006fpenai';\nexport const c = new OpenAI();\n")).toBe(true);
    expect(isRoot('const { OpenAI } = require(/* sdk */ "op\\x65nai");\n')).toBe(true);
    expect(isRoot('export const load = () => import(`\\u{6f}penai`);\n')).toBe(true);
    // An escaped relative import is an edge like a plain one.
    expect(scanner.scan(path.join(root, 'src/a.ts'), "export * from './\\u006clm';\n").edges).toEqual([path.join(root, 'src/llm')]);
    // A global called by an escaped name (the call pattern cannot see it).
    expect(isRoot('export const r = () => f\\u0065tch(url);\n')).toBe(true);
    expect(isRoot('export const r = () => \\u{66}etch(url);\n')).toBe(true);
    expect(isRoot('export const r = () => w\\u0069ndow.fetch(url);\n')).toBe(true);
    // Escapes that name no module; an escaped backslash before a `u` is no escape.
    expect(isRoot("import { z } from 'zod';\nconst CONTROL = /[\\u0000-\\u001f]/;\nexport const red = (s: string) => `\\x1b[31m${s}`;\nexport const msg = 'caf\\u00e9';\n")).toBe(false);
    expect(isRoot("import x from 'a\\\\u';\nexport default x;\n")).toBe(false);
  });

  it('finds the call of a client imported by an escaped specifier, with and without the prefilter', async () => {
    const dir = tempProject({
      'package.json': JSON.stringify({ name: 'app', private: true, dependencies: { openai: '^5.8.0' } }),
      'src/llm.ts': "import OpenAI from '\\u006fpenai';\nconst openai = new OpenAI();\nexport const ask = () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [] });\n",
      'src/strings.ts': "export const CONTROL = /[\\u0000-\\u001f]/;\nexport const red = (s: string) => `\\x1b[31m${s}`;\n",
    });
    await expectSameWithoutPrefilter(dir, ['src/llm.ts:3 unwiredCall']);
  });

  it('follows aliased imports as edges, and only where a config sets aliases', () => {
    const root = tempProject({
      'tsconfig.json': tsconfig({ paths: { '@/*': ['./src/*'], '#tracing': ['./src/obs/tracing.ts'] } }),
      'src/lib/openai.ts': '',
      'src/obs/tracing.ts': '',
    });
    const catalog = buildCatalog(resolveConfig({}, undefined, rulesById, '', root), registry);
    const scanner = new Prescanner(catalog, aliasesFor(catalog));
    const text = "import { openai } from '@/lib/openai';\nimport { span } from /* why */ \"#tracing\";\nconst lazy = () => import(\n  '@/lib/missing');\nimport OpenAI from 'openai';\n";
    const scan = scanner.scan(path.join(root, 'src/app/route.ts'), text);
    expect(scan.edges.sort()).toEqual([path.join(root, 'src/lib/openai'), path.join(root, 'src/obs/tracing')]);
    expect(scan.aliases).toEqual({ '@/lib/openai': path.join(root, 'src/lib/openai'), '#tracing': path.join(root, 'src/obs/tracing'), '@/lib/missing': '', openai: '' });
    expect(scan.root).toBe(true);
    const elsewhere = tempProject({ 'src/lib/openai.ts': '' });
    expect(new Prescanner(catalog, aliasesFor(catalog)).scan(path.join(elsewhere, 'src/a.ts'), text)).toEqual({ root: true, edges: [] });
  });
});

const CLIENT = "import OpenAI from 'openai';\n\nexport const openai = new OpenAI();\n";
const ROUTE = "import { openai } from '@/lib/openai';\n\nexport async function POST() {\n  return openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [] });\n}\n";

function appWithAliases(paths: Record<string, string[]> = { '@/*': ['./src/*'] }) {
  return tempProject({
    'package.json': JSON.stringify({ name: 'app', private: true, dependencies: { openai: '^5.8.0' } }),
    'tsconfig.json': tsconfig({ paths }),
    'src/lib/openai.ts': CLIENT,
    'src/app/route.ts': ROUTE,
    'src/app/other.ts': "import { POST } from './route';\nexport const handler = POST;\n",
  });
}

async function check(dir: string, cacheFile?: string): Promise<RunResult> {
  const config = resolveConfig({}, undefined, rulesById, '', dir);
  const files = await listFiles({ cwd: dir, paths: [] });
  const r = await run({ registry, cwd: dir, files, config, cacheFile });
  return { ...r, durationMs: 0 };
}

const findings = (r: RunResult) => r.findings.map((f) => `${f.file}:${f.line} ${f.messageId}`);

/** A run finds `expected`, and a run with the prefilter off gives the same result. */
async function expectSameWithoutPrefilter(dir: string, expected: string[]): Promise<void> {
  const on = await check(dir);
  expect(findings(on)).toEqual(expected);
  process.env.TRACEWIRE_NO_PREFILTER = '1';
  try {
    expect(await check(dir)).toEqual(on);
  } finally {
    delete process.env.TRACEWIRE_NO_PREFILTER;
  }
}

describe('runs with path aliases', () => {
  it('find the call through the alias, with and without the prefilter', async () => {
    const dir = appWithAliases();
    await expectSameWithoutPrefilter(dir, ['src/app/route.ts:4 unwiredCall']);
  });

  it('go on with a malformed tsconfig: aliases ignored, relative imports still followed, no error', async () => {
    const dir = appWithAliases();
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] ');
    fs.writeFileSync(path.join(dir, 'src/app/relative.ts'), ROUTE.replace('@/lib/openai', '../lib/openai'));
    const r = await check(dir);
    expect(r.errors).toEqual([]);
    expect(findings(r)).toEqual(['src/app/relative.ts:4 unwiredCall']);
  });

  /** The cache file's header and merged entries (test/helpers/engine.ts), and a well-formed rewrite of it. */
  const readCache = readCacheFile;
  const writeCache = (cacheFile: string, header: unknown, entries: unknown) => writeCacheFile(cacheFile, { header, entries });
  const PLANTED = { ruleId: 'require-span-end', severity: 'error', file: 'src/app/route.ts', line: 1, column: 1, endLine: 1, endColumn: 2, messageId: 'neverEnded', message: 'planted' };
  const planted = (r: RunResult) => r.findings.some((f) => f.message === 'planted');
  /** Plant a finding in the last run's result, or in a file's stored result (dropping the run's). */
  function plant(cacheFile: string, file?: string): void {
    const c = readCache(cacheFile);
    if (file) {
      c.entries[file].r.findings = [PLANTED];
      delete c.header.run;
    } else c.header.run.result.findings.push(PLANTED);
    writeCache(cacheFile, c.header, c.entries);
  }

  it('--cache: the last run\'s result holds until a tsconfig it looked at changes or appears', async () => {
    const dir = appWithAliases();
    const cacheFile = path.join(dir, '.tracewirecache');
    const fresh = await check(dir);
    expect(await check(dir, cacheFile)).toEqual(fresh);
    expect(Object.keys(readCache(cacheFile).header.run.configs)).toContain(path.join(dir, 'tsconfig.json'));
    plant(cacheFile);
    expect(planted(await check(dir, cacheFile))).toBe(true);
    // The alias now points elsewhere: the call is no longer the client's.
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), tsconfig({ paths: { '@/*': ['./lib/*'] } }));
    const after = await check(dir, cacheFile);
    expect(planted(after)).toBe(false);
    expect(findings(after)).toEqual([]);
    expect(after).toEqual(await check(dir));
    // A jsconfig.json appearing nearer to the files than the tsconfig.json.
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), tsconfig({ paths: { '@/*': ['./src/*'] } }));
    expect(findings(await check(dir, cacheFile))).toEqual(['src/app/route.ts:4 unwiredCall']);
    plant(cacheFile);
    fs.writeFileSync(path.join(dir, 'src/jsconfig.json'), tsconfig({ paths: { '@/*': ['./nowhere/*'] } }));
    const shadowed = await check(dir, cacheFile);
    expect(planted(shadowed)).toBe(false);
    expect(findings(shadowed)).toEqual([]);
  });

  it('--cache: a file\'s stored result serves only while its aliased imports resolve as they did', async () => {
    const dir = appWithAliases();
    const cacheFile = path.join(dir, '.tracewirecache');
    await check(dir, cacheFile);
    const route = path.join(dir, 'src/app/route.ts');
    expect(readCache(cacheFile).entries[route].r.aliases).toEqual({ '@/lib/openai': path.join(dir, 'src/lib/openai') });
    // Unchanged aliases: the stored result is reused.
    plant(cacheFile, route);
    fs.writeFileSync(path.join(dir, 'src/app/other.ts'), "import { POST } from './route';\nexport const handler2 = POST;\n");
    expect(planted(await check(dir, cacheFile))).toBe(true);
    // The file's bytes are the same, but `@/lib/openai` names another module now.
    plant(cacheFile, route);
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), tsconfig({ paths: { '@/*': ['./src/*'], '@/lib/openai': ['./src/lib/llm.ts'] } }));
    fs.writeFileSync(path.join(dir, 'src/lib/llm.ts'), "import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\n\nexport const openai = wrapOpenAI(new OpenAI());\n");
    const after = await check(dir, cacheFile);
    expect(planted(after)).toBe(false);
    expect(findings(after)).toEqual([]);
    expect(after).toEqual(await check(dir));
  });

  it('--cache: a file an alias names appearing makes the importer\'s stored result stale', async () => {
    const dir = appWithAliases();
    fs.rmSync(path.join(dir, 'src/lib/openai.ts'));
    // The route names the SDK itself too, so the prefilter keeps it (and the cache holds its result).
    fs.writeFileSync(path.join(dir, 'src/app/route.ts'), `import { APIError } from 'openai';\n${ROUTE}export const isApiError = (e: unknown) => e instanceof APIError;\n`);
    const cacheFile = path.join(dir, '.tracewirecache');
    expect(findings(await check(dir, cacheFile))).toEqual([]);
    plant(cacheFile, path.join(dir, 'src/app/route.ts'));
    fs.writeFileSync(path.join(dir, 'src/lib/openai.ts'), CLIENT);
    const after = await check(dir, cacheFile);
    expect(planted(after)).toBe(false);
    expect(findings(after)).toEqual(['src/app/route.ts:5 unwiredCall']);
  });
});

describe('the editor\'s project cache with path aliases', () => {
  function clock() {
    let t = 0;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  }

  it('resolves aliased imports, and follows tsconfig edits and files that come and go', () => {
    const root = appWithAliases();
    fs.rmSync(path.join(root, 'src/lib/openai.ts'));
    const config = resolveConfig({}, undefined, rulesById, '', root);
    const c = clock();
    const cache = new ProjectCache({ registry, root, config, now: c.now });
    const rules = enabledRules(config, registry);
    const check = (rel: string) => cache.checkFile({ file: path.join(root, rel), text: fs.readFileSync(path.join(root, rel), 'utf8'), rules }).findings.map((f) => `${f.file}:${f.line} ${f.messageId}`);
    expect(check('src/app/route.ts')).toEqual([]);
    // The file the alias names appears: seen once the project is listed again.
    fs.writeFileSync(path.join(root, 'src/lib/openai.ts'), CLIENT);
    c.advance(5000);
    expect(check('src/app/route.ts')).toEqual(['src/app/route.ts:4 unwiredCall']);
    // The alias is pointed elsewhere: seen at the next stat pass.
    fs.writeFileSync(path.join(root, 'tsconfig.json'), tsconfig({ paths: { '@/*': ['./lib/*'] } }));
    c.advance(1000);
    expect(check('src/app/route.ts')).toEqual([]);
    fs.writeFileSync(path.join(root, 'tsconfig.json'), tsconfig({ paths: { '@/*': ['./src/*'] } }));
    c.advance(1000);
    expect(check('src/app/route.ts')).toEqual(['src/app/route.ts:4 unwiredCall']);
  });

  it('does not reuse a summary kept between processes once the aliases it used changed', () => {
    const prev = process.env.TRACEWIRE_CACHE_DIR;
    process.env.TRACEWIRE_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-view-'));
    try {
      const root = appWithAliases();
      // The route names the SDK too: it is analysed (and kept) whatever the alias says.
      fs.writeFileSync(path.join(root, 'src/app/route.ts'), `import { APIError } from 'openai';\n${ROUTE}export const isApiError = (e: unknown) => e instanceof APIError;\n`);
      const config = resolveConfig({}, undefined, rulesById, '', root);
      const session = () => {
        const cache = new ProjectCache({ registry, root, config });
        const file = path.join(root, 'src/app/route.ts');
        const found = cache.checkFile({ file, text: fs.readFileSync(file, 'utf8'), rules: enabledRules(config, registry) }).findings.map((f) => `${f.file}:${f.line} ${f.messageId}`);
        return { cache, found };
      };
      expect(session().found).toEqual(['src/app/route.ts:5 unwiredCall']);
      expect(session().cache.stats.analyses).toBe(0);
      fs.writeFileSync(path.join(root, 'tsconfig.json'), tsconfig({ paths: { '@/*': ['./lib/*'] } }));
      const after = session();
      expect(after.found).toEqual([]);
      expect(after.cache.stats.analyses).toBeGreaterThan(0);
    } finally {
      if (prev === undefined) delete process.env.TRACEWIRE_CACHE_DIR;
      else process.env.TRACEWIRE_CACHE_DIR = prev;
    }
  });
});
