/**
 * The process model (which processes run which files), versions as package managers resolve them, and
 * `tracewire explain`. The fixtures under fixtures/projects/ state the findings these produce end to end.
 */

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { PackageVersions } from '../src/engine/packages.js';
import { parseSource, runsAtTopLevel } from '../src/engine/ast.js';
import { parseCommand, splitCommands } from '../src/engine/processes.js';
import { FIXTURES } from './helpers/fixtures.js';
import { runIn, tempProject } from './helpers/engine.js';

async function cli(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false });
  return { code, stdout, stderr };
}

describe('a file that runs code when loaded', () => {
  const runs = (text: string) => runsAtTopLevel(parseSource('m.ts', text));
  it('is one with a top-level await in an initializer, wherever it sits among declarations without one', () => {
    expect(runs(`const a = 1;\nconst b = await load();\n`)).toBe(true);
    expect(runs(`const table = { a: 1, b: [2, 3] };\nconst c = (await import('./x')).default;\n`)).toBe(true);
    // The word elsewhere (a later function, a string, a longer name) is not a top-level await.
    expect(runs(`const a = { awaitable: 'await' };\nexport async function f() { await g(); }\n`)).toBe(false);
    expect(runs(`const h = async () => await g();\nconst t = [1, 2];\n`)).toBe(false);
    expect(runs(`export const x = 1;\n`)).toBe(false);
  });
});

describe('package.json commands', () => {
  it('finds the file a command runs, through wrappers, env assignments and runner flags', () => {
    expect(parseCommand('node dist/main.js')).toEqual({ runtime: 'node', file: 'dist/main.js' });
    expect(parseCommand("NODE_OPTIONS='--require dd-trace/init' node server.js")).toEqual({ runtime: 'node', file: 'server.js' });
    expect(parseCommand('cross-env NODE_ENV=production tsx watch --env-file .env src/index.ts')).toEqual({ runtime: 'node', file: 'src/index.ts' });
    expect(parseCommand('node --import ./instrument.mjs --enable-source-maps dist/server.js')).toEqual({ runtime: 'node', file: 'dist/server.js' });
    expect(parseCommand('bun run --watch src/server.ts')).toEqual({ runtime: 'bun', file: 'src/server.ts' });
    expect(parseCommand('deno run -A main.ts')).toEqual({ runtime: 'deno', file: 'main.ts' });
    expect(parseCommand('dotenv -e .env.local -- ts-node scripts/seed.ts')).toEqual({ runtime: 'node', file: 'scripts/seed.ts' });
    expect(parseCommand('node .')).toEqual({ runtime: 'node', file: '.' });
    expect(parseCommand('nest start --watch')).toEqual({ runtime: 'node', framework: 'nest' });
  });

  it('runs nothing for tools, builds and package scripts', () => {
    for (const cmd of ['tsc -p .', 'next build', 'vitest run', 'bun test', 'bun build ./src/index.ts', 'eslint .', 'npm run build', 'node --version']) expect(parseCommand(cmd), cmd).toBeUndefined();
  });

  it('splits a script into its commands', () => {
    expect(splitCommands('npm run build && node dist/a.js; tsx b.ts | tee log')).toEqual(['npm run build', 'node dist/a.js', 'tsx b.ts', 'tee log']);
  });
});

describe('declared versions as package managers resolve them', () => {
  it('reads catalog:, workspace: and the lockfile where the range spans majors', () => {
    const dir = tempProject({
      'package.json': JSON.stringify({ name: 'root', workspaces: ['apps/*'] }),
      'pnpm-workspace.yaml': "packages: ['apps/*']\ncatalog:\n  ai: ^6.0.10\ncatalogs:\n  legacy:\n    openai: ^4.80.0\n",
      'apps/x/package.json': JSON.stringify({ name: 'x', dependencies: { ai: 'catalog:', openai: 'catalog:legacy', '@anthropic-ai/sdk': '*', langsmith: 'workspace:^0.3.0', cohere: '^7.1.0' } }),
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\nimporters:\n  apps/x:\n    dependencies:\n      '@anthropic-ai/sdk':\n        specifier: '*'\n        version: 0.52.0\n",
    });
    const v = new PackageVersions(dir);
    const f = path.join(dir, 'apps/x/src/a.ts');
    expect(v.declared(f, 'ai')).toBe('^6.0.10');
    expect(v.declared(f, 'openai')).toBe('^4.80.0');
    expect(v.declared(f, '@anthropic-ai/sdk')).toBe('0.52.0');
    expect(v.declared(f, 'langsmith')).toBe('^0.3.0');
    expect(v.declared(f, 'cohere')).toBe('^7.1.0');
  });

  it('never reads a package.json above the repository root', () => {
    const dir = tempProject({
      'package.json': JSON.stringify({ name: 'outside', dependencies: { openai: '^4.0.0' }, scripts: { start: "NODE_OPTIONS='-r dd-trace/init' node x.js" } }),
      'repo/.git/HEAD': 'ref: refs/heads/main\n',
      'repo/src/a.ts': '',
    });
    const v = new PackageVersions(path.join(dir, 'repo'));
    expect(v.declared(path.join(dir, 'repo/src/a.ts'), 'openai')).toBeUndefined();
    expect(v.preloads(path.join(dir, 'repo/src/a.ts'))).toEqual([]);
    expect(v.packageOf(path.join(dir, 'repo/src/a.ts'))).toBeUndefined();
  });
});

describe('processes', () => {
  it('a registration in one example wires only that example', async () => {
    const dir = tempProject({
      'package.json': JSON.stringify({ name: 'sdk-examples', private: true, dependencies: { '@anthropic-ai/sdk': '^0.40.0', '@traceloop/node-server-sdk': '^0.12.0' } }),
      'examples/traced.ts': "import * as traceloop from '@traceloop/node-server-sdk';\nimport Anthropic from '@anthropic-ai/sdk';\ntraceloop.initialize({ appName: 'x' });\nawait new Anthropic().messages.create({ model: 'm', max_tokens: 1, messages: [] });\n",
      'examples/plain.ts': "import Anthropic from '@anthropic-ai/sdk';\nawait new Anthropic().messages.create({ model: 'm', max_tokens: 1, messages: [] });\n",
    });
    const r = await runIn(dir, ['examples/traced.ts', 'examples/plain.ts']);
    expect(r.findings.map((f) => `${f.file}:${f.line} ${f.messageId}`)).toEqual(['examples/plain.ts:2 unwiredCall']);
    expect(r.findings[0]!.message).toContain('It runs in `examples/plain.ts` of `sdk-examples`');
  });

  it('a registration that nothing in the repository loads makes its package\'s calls unknown, not wired', async () => {
    const dir = tempProject({
      'package.json': JSON.stringify({ name: 'svc', private: true, scripts: { start: 'node dist/server.js' }, dependencies: { openai: '^4.90.0', '@opentelemetry/sdk-node': '^0.57.0', '@opentelemetry/instrumentation-openai': '^0.3.0' } }),
      'src/tracing.ts': "import { NodeSDK } from '@opentelemetry/sdk-node';\nimport { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';\nnew NodeSDK({ instrumentations: [new OpenAIInstrumentation()] }).start();\n",
      'src/server.ts': "import OpenAI from 'openai';\nconst client = new OpenAI();\nsetInterval(() => client.chat.completions.create({ model: 'm', messages: [] }), 1000);\n",
    });
    const r = await runIn(dir, ['src/tracing.ts', 'src/server.ts']);
    expect(r.findings.map((f) => `${f.file}:${f.line} ${f.messageId} ${f.severity}`)).toEqual(['src/server.ts:3 unknownWiring warn']);
    expect(r.sites[0]).toMatchObject({ state: 'unknown', wired: false });
    expect(r.sites[0]!.reason).toContain('src/tracing.ts');
  });
});

describe('tracewire explain', () => {
  const dir = path.join(FIXTURES, 'projects', 'monorepo-processes');

  it('names each process that runs the call, its import chain, and what traces it there', async () => {
    const r = await cli(dir, 'explain', 'packages/llm/src/index.ts:5');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('not wired');
    expect(r.stdout).toContain('the Next.js app `@acme/web` [node]');
    expect(r.stdout).toContain('apps/web/app/api/chat/route.ts → packages/llm/src/index.ts');
    expect(r.stdout).toContain('never initialises tracing for openai');
    expect(r.stdout).toContain('traced by global:otel.NodeSDK (apps/api/src/instrument.ts:5)');
  });

  it('gives the same evidence as JSON, and in inventory', async () => {
    const r = await cli(dir, 'explain', 'packages/llm/src/embed.ts:6', '--format', 'json');
    const out = JSON.parse(r.stdout);
    expect(out.sites).toHaveLength(1);
    expect(out.sites[0]).toMatchObject({ state: 'wired', mechanism: 'global:otel.NodeSDK' });
    expect(out.sites[0].evidence.processes.map((p: { label: string }) => p.label)).toEqual(['npm script `start` of `@acme/api` (`src/main.ts`)']);
    const inv = JSON.parse((await cli(dir, 'inventory', '--format', 'json')).stdout);
    expect(inv.sites.find((s: { file: string }) => s.file === 'packages/llm/src/embed.ts').evidence).toEqual(out.sites[0].evidence);
  });

  it('exits 1 when nothing is at that place, 2 on a bad location', async () => {
    expect((await cli(dir, 'explain', 'packages/llm/src/client.ts:1')).code).toBe(1);
    const bad = await cli(dir, 'explain', 'nowhere');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected FILE:LINE');
    expect(fs.existsSync(dir)).toBe(true);
  });
});
