/**
 * What the wiring rules' fixes are built from: the catalog's fix data resolves to catalog members of the
 * right kind, the advice names the wrapper of the call's SDK and the project's tracing library, the
 * project's own helpers are recognised by their shape, and packages a fix needs are declared or named.
 */

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinModels } from '../rules/catalog/index.js';
import { fixCatalog } from '../rules/catalog/fixes.js';
import { main } from '../src/cli/main.js';
import { installCommand, withDependencies } from '../src/codemod/dependencies.js';
import { CatalogIndex, moduleKey } from '../src/engine/catalog.js';
import { runIn, tempProject } from './helpers/engine.js';

const catalog = new CatalogIndex(builtinModels);

function member(reference: string) {
  const i = reference.indexOf('#');
  const type = catalog.moduleType(reference.slice(0, i));
  return type ? catalog.member(type, [reference.slice(i + 1)]) : undefined;
}

describe('fix catalog', () => {
  it('names wrappers that the catalog knows, for the SDK they are listed under', () => {
    for (const w of fixCatalog.wrappers) {
      const spec = member(w.import)?.wrap;
      expect(spec, w.import).toBeDefined();
      expect(!spec!.sdks || spec!.sdks.includes(w.sdk), `${w.import} wraps ${w.sdk}`).toBe(true);
      expect(catalog.models.get(w.library)?.role, w.library).toBe('tracing');
      expect(w.import.startsWith(w.package), `${w.import} comes from ${w.package}`).toBe(true);
    }
  });

  it('names handlers that the catalog counts as handlers, and SDKs and modules it knows', () => {
    for (const h of fixCatalog.handlers) {
      expect(member(h.import)?.handler, h.import).toBeDefined();
      expect(h.expression).toContain(h.import.slice(h.import.indexOf('#') + 1));
    }
    for (const sdk of Object.keys(fixCatalog.providers)) expect(catalog.models.get(sdk)?.role, sdk).toBe('sdk');
    const known = new Set([...catalog.modules.keys()]);
    for (const mod of Object.keys(fixCatalog.providerModules)) {
      // AI SDK provider packages are catalog modules; LangChain integrations are constructed from them.
      if (mod.startsWith('@ai-sdk/')) expect(known.has(moduleKey(mod)), mod).toBe(true);
    }
    const otel = catalog.moduleType(fixCatalog.spans.module)!;
    expect(catalog.member(otel, ['trace', 'getTracer'])?.returns).toBe('otel.Tracer');
  });

  it('has a range for every package a wrapper or span fix of a library without one would add', () => {
    for (const w of fixCatalog.wrappers.filter((x) => !x.versions)) expect(fixCatalog.packages[w.package], w.package).toMatch(/^\^/);
    expect(fixCatalog.packages[fixCatalog.spans.package]).toMatch(/^\^/);
  });
});

describe('advice per SDK', () => {
  const project = (deps: Record<string, string>, code: string) =>
    tempProject({ 'package.json': JSON.stringify({ name: 'app', type: 'module', dependencies: deps }), 'src/a.ts': code });

  async function advice(deps: Record<string, string>, code: string): Promise<string[]> {
    const dir = project(deps, code);
    const r = await runIn(dir, ['src/a.ts']);
    return r.findings.filter((f) => f.messageId === 'unwiredCall').map((f) => f.message.slice(f.message.indexOf('attributed. ') + 12));
  }

  it('names the wrapper of the project tracing library for the call SDK', async () => {
    const anthropic = `import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nexport const f = () => c.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 9, messages: [] });\n`;
    expect(await advice({ '@anthropic-ai/sdk': '^0.65.0', langsmith: '^0.4.2' }, anthropic)).toEqual([
      'Wrap the client with LangSmith `wrapAnthropic`, call it inside a traced function, or register an instrumentation at start-up (e.g. `AnthropicInstrumentation` from `@traceloop/instrumentation-anthropic`).',
    ]);
    // LangSmith 0.3 has no wrapAnthropic: not offered; the libraries that have one are named.
    expect(await advice({ '@anthropic-ai/sdk': '^0.65.0', langsmith: '^0.3.60' }, anthropic)).toEqual([
      'Wrap the client (e.g. Braintrust `wrapAnthropic`), call it inside a traced function, or register an instrumentation at start-up (e.g. `AnthropicInstrumentation` from `@traceloop/instrumentation-anthropic`).',
    ]);
    const gemini = `import { GoogleGenAI } from '@google/genai';\nconst ai = new GoogleGenAI({});\nexport const f = () => ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });\n`;
    expect(await advice({ '@google/genai': '^1.0.0', langsmith: '^0.5.0' }, gemini)).toEqual([
      'Wrap the client with LangSmith `wrapGemini`, call it inside a traced function, or register an instrumentation at start-up (e.g. `GenAIInstrumentation` from `@traceloop/instrumentation-google-generativeai`).',
    ]);
    const openai = `import OpenAI from 'openai';\nconst c = new OpenAI();\nexport const f = () => c.embeddings.create({ model: 'm', input: 'x' });\n`;
    expect(await advice({ openai: '^5.0.0', '@langfuse/openai': '^4.0.0' }, openai)).toEqual([
      'Wrap the client with Langfuse `observeOpenAI`, call it inside a traced function, or register an instrumentation at start-up (e.g. `OpenAIInstrumentation` from `@opentelemetry/instrumentation-openai`).',
    ]);
    // An SDK no wrapper traces: no wrapper is named.
    const mistral = `import { Mistral } from '@mistralai/mistralai';\nconst m = new Mistral();\nexport const f = () => m.chat.complete({ model: 'mistral-small', messages: [] });\n`;
    expect(await advice({ '@mistralai/mistralai': '^1.0.0', langsmith: '^0.12.0' }, mistral)).toEqual([
      'Wrap the client (e.g. Braintrust `wrapMistral`), or call it inside a traced function.',
    ]);
  });

  it('names what registers a team, workflow or agent of this SDK with tracing, and only what exists for it', async () => {
    const adviceOf = async (deps: Record<string, string>, code: string): Promise<string[]> => {
      const r = await runIn(project(deps, code), ['src/a.ts']);
      return r.findings.filter((f) => f.messageId !== 'unknownWiring').map((f) => `${f.messageId}: ${f.message.replace(/^.*?(black box|attributed)\. /, '')}`);
    };
    const kaiban = `import { Team, Agent, Task } from 'kaibanjs';\nconst a = new Agent({ name: 'a' });\nconst team = new Team({ name: 't', agents: [a], tasks: [new Task({ description: 'd', agent: a })] });\nexport const go = () => team.start();\n`;
    expect(await adviceOf({ kaibanjs: '^0.20.0' }, kaiban)).toEqual([
      'unwiredKickoff: Register it with `enableOpenTelemetry(…)` or `.integrateWithTeam(…)`, or call it inside a traced function.',
    ]);
    const mastra = `import { Agent } from '@mastra/core/agent';\nconst agent = new Agent({ name: 'a', instructions: 'i', model: 'openai/gpt-4o' });\nexport const go = () => agent.generate('hi');\n`;
    expect(await adviceOf({ '@mastra/core': '^0.20.0' }, mastra)).toEqual([
      'unwiredCall: Register it with `new Mastra({ …, observability })`, or call it inside a traced function.',
    ]);
    // AgentKit takes no handler and no registration: only a traced scope is offered, not KaibanJS's or Mastra's.
    const agentKit = `import { createNetwork, createAgent } from '@inngest/agent-kit';\nconst a = createAgent({ name: 'a', system: 's' });\nconst net = createNetwork({ name: 'n', agents: [a] });\nexport const go = () => net.run('hi');\nexport const one = () => a.run('hi');\n`;
    expect(await adviceOf({ '@inngest/agent-kit': '^0.9.0' }, agentKit)).toEqual([
      'unwiredKickoff: Call it inside a traced function.',
      'unwiredTask: Call it inside a traced function.',
    ]);
  });

  it('names the project own tracing helper', async () => {
    const dir = tempProject({
      'package.json': JSON.stringify({ name: 'app', type: 'module', dependencies: { openai: '^5.0.0', '@opentelemetry/api': '^1.9.0' } }),
      'src/trace.ts': `import { trace } from '@opentelemetry/api';\nexport function inSpan<T>(name: string, fn: () => Promise<T>) {\n  return trace.getTracer('x').startActiveSpan(name, async (s) => {\n    try {\n      return await fn();\n    } finally {\n      s.end();\n    }\n  });\n}\n`,
      'src/a.ts': `import OpenAI from 'openai';\nconst c = new OpenAI();\nexport async function f() {\n  return await c.responses.create({ model: 'gpt-4o', input: 'x' });\n}\n`,
    });
    const r = await runIn(dir, ['src/a.ts', 'src/trace.ts']);
    const f = r.findings.find((x) => x.messageId === 'unwiredCall')!;
    expect(f.message).toContain('call it inside a traced function (such as your `inSpan`)');
    // The span name goes in the helper's name parameter; it hands no span to the callback, so the attributes go on the active span.
    expect(f.fix?.kind).toBe('wrap-in-span');
    const text = fs.readFileSync(path.join(dir, 'src/a.ts'), 'utf8');
    const fixed = [...f.fix!.edits].sort((a, b) => b.start - a.start).reduce((t, e) => t.slice(0, e.start) + e.text + t.slice(e.end), text);
    expect(fixed).toBe(
      `import OpenAI from 'openai';\nimport { inSpan } from './trace.js';\nimport { trace } from '@opentelemetry/api';\nconst c = new OpenAI();\nexport async function f() {\n  return await inSpan('chat gpt-4o', async () => {\n    trace.getActiveSpan()?.setAttributes({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' });\n    return await c.responses.create({ model: 'gpt-4o', input: 'x' });\n  });\n}\n`,
    );
  });
});

describe('dependencies a fix needs', () => {
  it('adds packages to dependencies in the file own style, sorted when they were', () => {
    const text = '{\n    "name": "x",\n    "dependencies": {\n        "b": "1",\n        "d": "2"\n    }\n}\n';
    expect(withDependencies(text, new Map([['c', '^3.0.0'], ['a', '^1.0.0']]))).toEqual({
      text: '{\n    "name": "x",\n    "dependencies": {\n        "a": "^1.0.0",\n        "b": "1",\n        "c": "^3.0.0",\n        "d": "2"\n    }\n}\n',
      added: ['a', 'c'],
    });
    // No dependencies yet; CRLF; a package declared as a dev dependency is left; one without a range is not added.
    expect(withDependencies('{\r\n  "name": "x",\r\n  "devDependencies": { "a": "1" }\r\n}', new Map([['a', '^2'], ['z', '^1.0.0'], ['norange', undefined]]))).toEqual({
      text: '{\r\n  "name": "x",\r\n  "devDependencies": {\r\n    "a": "1"\r\n  },\r\n  "dependencies": {\r\n    "z": "^1.0.0"\r\n  }\r\n}',
      added: ['z'],
    });
    expect(withDependencies('{ "dependencies": { "a": "1" } }', new Map([['a', '^2']]))).toBeUndefined();
    expect(withDependencies('not json', new Map([['a', '^2']]))).toBeUndefined();
  });

  it('names the install command of the project package manager', () => {
    const npm = tempProject({ 'package.json': '{}', 'package-lock.json': '{}' });
    const pnpm = tempProject({ 'package.json': '{}', 'pnpm-lock.yaml': '' });
    const yarn = tempProject({ 'package.json': '{}', 'yarn.lock': '' });
    const deps = new Map([['langsmith', '^0.12.0'], ['@opentelemetry/api', undefined]]);
    expect(installCommand(path.join(npm, 'package.json'), deps)).toBe("npm install @opentelemetry/api 'langsmith@^0.12.0'");
    expect(installCommand(path.join(pnpm, 'package.json'), deps)).toBe("pnpm add @opentelemetry/api 'langsmith@^0.12.0'");
    expect(installCommand(path.join(yarn, 'package.json'), new Map())).toBe('yarn install');
  });

  it('fix says which install to run without --add-dependencies, and declares the package with it', async () => {
    const files = {
      'package.json': '{\n  "name": "app",\n  "type": "module",\n  "dependencies": {\n    "openai": "^5.0.0"\n  }\n}\n',
      'src/a.ts': `import OpenAI from 'openai';\nconst c = new OpenAI();\nexport async function f() {\n  return await c.responses.create({ model: 'gpt-4o', input: 'x' });\n}\n`,
    };
    const run = async (dir: string, ...argv: string[]) => {
      let out = '';
      const code = await main(argv, { cwd: dir, stdout: (s) => (out += s), stderr: (s) => (out += s) });
      return { code, out };
    };
    const safeOnly = tempProject(files);
    const a = await run(safeOnly, 'fix', '.');
    expect(a.out).toContain('unsafe fix (Wrap the call in an OpenTelemetry span `chat gpt-4o` (`tracer.startActiveSpan`) with its GenAI attributes (needs `npm install @opentelemetry/api@^1.9.0`))');
    const told = tempProject(files);
    const b = await run(told, 'fix', '--unsafe-fixes', '.');
    expect(b.code).toBe(0);
    expect(b.out).toContain("The fixes import a package package.json does not declare (@opentelemetry/api): run `npm install '@opentelemetry/api@^1.9.0'`, or rerun with --add-dependencies.");
    expect(fs.readFileSync(path.join(told, 'package.json'), 'utf8')).toBe(files['package.json']);
    const added = tempProject(files);
    const c = await run(added, 'fix', '--unsafe-fixes', '--add-dependencies', '.');
    expect(c.out).toContain('Declared in package.json: @opentelemetry/api@^1.9.0; run `npm install` to install it.');
    expect(JSON.parse(fs.readFileSync(path.join(added, 'package.json'), 'utf8')).dependencies).toEqual({ '@opentelemetry/api': '^1.9.0', openai: '^5.0.0' });
    // The codemods say it too.
    const cm = tempProject(files);
    const d = await run(cm, 'codemod', 'wrap-in-span', '.');
    expect(d.out).toContain("The changes import a package package.json does not declare (@opentelemetry/api): run `npm install '@opentelemetry/api@^1.9.0'`, or rerun with --add-dependencies.");
  });
});
