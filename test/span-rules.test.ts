/**
 * The span rules beyond their fixtures: tracing schemas (loading, validation errors that name the file,
 * pattern matching) and the fixes (applied to the text, the output compared, re-parsed, and re-checked
 * so that a fix converges).
 */

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesById } from '../rules/index.js';
import { main } from '../src/cli/main.js';
import { ConfigError, resolveConfig } from '../src/config/load.js';
import { compilePattern, loadTracingSchema, matchSpanName, parseTracingSchema } from '../src/config/tracing-schema.js';
import { parseErrorOf, parseSource } from '../src/engine/analyze-file.js';
import type { Finding, Fix } from '../src/engine/types.js';
import { runIn, tempProject } from './helpers/engine.js';

function applyFix(text: string, fix: Fix): string {
  let out = text;
  for (const e of [...fix.edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

async function check(code: string, ruleId: string, file = 'example.ts', config: unknown = { rules: { [ruleId]: 'error' } }): Promise<Finding[]> {
  const dir = tempProject({ [file]: code });
  const r = await runIn(dir, [file], config);
  expect(r.errors).toEqual([]);
  return r.findings.filter((f) => f.ruleId === ruleId);
}

/** Apply the fix (or first suggestion) of the only finding, check the output parses and no longer reports. */
async function fixOnce(code: string, ruleId: string, file = 'example.ts'): Promise<{ out: string; fix: Fix }> {
  const findings = await check(code, ruleId, file);
  expect(findings).toHaveLength(1);
  const fix = findings[0]!.fix ?? findings[0]!.suggestions?.[0];
  expect(fix, 'the finding carries a fix').toBeDefined();
  const out = applyFix(code, fix!);
  expect(out).not.toBe(code);
  expect(parseErrorOf(parseSource(file, out))).toBeUndefined();
  expect(await check(out, ruleId, file)).toEqual([]);
  return { out, fix: fix! };
}

describe('tracing schemas', () => {
  const settingsFor = (files: Record<string, string>, config: Record<string, unknown>) => {
    const dir = tempProject(files);
    return () => resolveConfig(config, path.join(dir, 'tracewire.config.json'), rulesById, '', dir);
  };

  it('a YAML syntax error is a ConfigError naming the file and the position', () => {
    const load = settingsFor({ 'spans.yaml': 'spans:\n  - name: [checkout\n    required: [order.id]\n' }, { tracingSchema: 'spans.yaml' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/^spans\.yaml:\d+:\d+: invalid YAML in the tracing schema: /);
  });

  it('a schema of the wrong shape names the file and the key', () => {
    expect(settingsFor({ 'spans.yaml': 'spans:\n  - name: checkout\n' }, { tracingSchema: 'spans.yaml' })).toThrow(/^spans\.yaml: invalid tracing schema: spans\[0\]\.required: /);
    expect(settingsFor({ 'spans.yaml': 'span:\n  - name: checkout\n' }, { tracingSchema: 'spans.yaml' })).toThrow(/^spans\.yaml: invalid tracing schema: span: unknown key "span"/);
    expect(settingsFor({ 'spans.yaml': '- checkout\n' }, { tracingSchema: 'spans.yaml' })).toThrow(/^spans\.yaml: invalid tracing schema: expected a mapping/);
    expect(settingsFor({ 'spans.yaml': 'spans:\n  - name: "chat {gen_ai.request.model"\n    required: [a]\n' }, { tracingSchema: 'spans.yaml' })).toThrow(
      /^spans\.yaml: invalid tracing schema: spans\[0\]\.name: unclosed "\{" at column 6/,
    );
  });

  it('a missing schema file is a ConfigError; a schema for a disabled rule is not loaded', () => {
    expect(settingsFor({}, { tracingSchema: 'nope.yaml' })).toThrow(/^nope\.yaml: cannot read the tracing schema \(ENOENT\)/);
    expect(settingsFor({}, { tracingSchema: 'nope.yaml', rules: { 'span-required-attributes': 'off' } })).not.toThrow();
  });

  it('the rule option `schema` resolves against the config file and overrides `tracingSchema`', () => {
    const load = settingsFor(
      { 'conf/own.yaml': 'spans:\n  - name: checkout\n    required: [order.id]\n' },
      { tracingSchema: 'missing.yaml', rules: { 'span-required-attributes': ['warn', { schema: 'conf/own.yaml' }] } },
    );
    const cfg = load();
    expect((cfg.rules.get('span-required-attributes')!.options as { schema: string }).schema).toMatch(/conf\/own\.yaml$/);
  });

  it('the CLI exits 2 and names the schema file', async () => {
    const dir = tempProject({
      'tracewire.config.json': JSON.stringify({ tracingSchema: 'tracing/spans.yaml' }),
      'tracing/spans.yaml': 'spans:\n  - name: checkout\n    required: order.id\n',
      'src/a.ts': 'export const a = 1;\n',
    });
    let stderr = '';
    const code = await main(['check', 'src'], { cwd: dir, stdout: () => {}, stderr: (s) => (stderr += s) });
    expect(code).toBe(2);
    expect(stderr).toMatch(/tracing\/spans\.yaml: invalid tracing schema: spans\[0\]\.required: /);
  });

  it('loads a valid schema and caches it while the file is unchanged', () => {
    const dir = tempProject({ 's.yaml': 'deprecated:\n  customer.id: enduser.id\nspans:\n  - name: ["refund *"]\n    required: [order.id, order.id]\n' });
    const a = loadTracingSchema(path.join(dir, 's.yaml'), dir);
    expect(a.source).toBe('s.yaml');
    expect(a.spans[0]!.required).toEqual(['order.id']);
    expect(a.deprecated.get('customer.id')).toBe('enduser.id');
    expect(loadTracingSchema(path.join(dir, 's.yaml'), dir)).toBe(a);
  });

  it('matches exact names, globs, templates and known prefixes', () => {
    const schema = parseTracingSchema(
      {
        attributes: { op: { values: ['chat', 'embeddings'] } },
        spans: [
          { name: 'checkout', required: ['a'] },
          { name: 'refund *', required: ['b'] },
          { name: '{op} {model}', required: ['c'] },
          { name: '{kind=card|sepa} payment', required: ['d'] },
        ],
      },
      'test',
    );
    const req = (name: { exact: string } | { prefix: string }) => matchSpanName(schema, name).flatMap((m) => m.requirement.required);
    expect(req({ exact: 'checkout' })).toEqual(['a']);
    expect(req({ exact: 'checkout now' })).toEqual([]);
    expect(req({ exact: 'refund order 42' })).toEqual(['b']);
    expect(req({ prefix: 'refund ' })).toEqual(['b']);
    expect(req({ prefix: 'refun' })).toEqual([]);
    expect(req({ exact: 'chat gpt-4o' })).toEqual(['c']);
    expect(req({ exact: 'chat with friends' })).toEqual([]);
    expect(req({ exact: 'checkout gpt-4o' })).toEqual([]);
    expect(req({ prefix: 'embeddings ' })).toEqual(['c']);
    expect(req({ prefix: 'embeddings text ' })).toEqual([]);
    expect(req({ exact: 'sepa payment' })).toEqual(['d']);
    expect(req({ exact: 'cash payment' })).toEqual([]);
    const m = matchSpanName(schema, { exact: 'chat gpt-4o' })[0]!;
    expect(Object.fromEntries(m.captures)).toEqual({ op: 'chat', model: 'gpt-4o' });
    expect(() => compilePattern('a {} b', new Map())).toThrow(/not an attribute placeholder/);
    expect(() => compilePattern('a } b', new Map())).toThrow(/unexpected "\}"/);
    expect(compilePattern('literal \\* star', new Map()).full.test('literal * star')).toBe(true);
  });
});

describe('require-span-end fixes', () => {
  it('wraps the rest of the block in try/finally and drops the end() it replaces', async () => {
    const code = `import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('svc');

export async function answer(q: string) {
  const span = tracer.startSpan('answer');
  // ask the model
  const res = await ask(q);
  if (!res) {
    span.end();
    return null;
  }
  span.end();
  return res;
}
declare function ask(q: string): Promise<string>;
`;
    const { out, fix } = await fixOnce(code, 'require-span-end');
    expect(fix.safety).toBe('safe');
    expect(out).toBe(`import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('svc');

export async function answer(q: string) {
  const span = tracer.startSpan('answer');
  try {
    // ask the model
    const res = await ask(q);
    if (!res) {
      return null;
    }
    return res;
  } finally {
    span.end();
  }
}
declare function ask(q: string): Promise<string>;
`);
  });

  it('wraps a startActiveSpan callback body (JavaScript, four-space indent)', async () => {
    const code = `const { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('svc');

function run(job) {
    return tracer.startActiveSpan('job', async (span) => {
        await job.prepare();
        const result = await job.execute();
        span.end();
        return result;
    });
}
module.exports = { run };
`;
    const { out, fix } = await fixOnce(code, 'require-span-end', 'job.js');
    expect(fix.safety).toBe('safe');
    expect(out).toContain(`    return tracer.startActiveSpan('job', async (span) => {
        try {
            await job.prepare();
            const result = await job.execute();
            return result;
        } finally {
            span.end();
        }
    });`);
  });

  it('is unsafe when an await follows the end() it removes, and absent when the span is handed on', async () => {
    const code = `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('svc');
export async function a(x: boolean) {
  const span = tracer.startSpan('a');
  if (x) return;
  span.end();
  await flush();
}
declare function flush(): Promise<void>;
`;
    const { fix } = await fixOnce(code, 'require-span-end');
    expect(fix.safety).toBe('unsafe');
    const handed = `import { trace, type Span } from '@opentelemetry/api';
const tracer = trace.getTracer('svc');
declare function keep(s: Span): void;
export function b(x: boolean) {
  const span = tracer.startSpan('b');
  if (x) return;
  keep(span);
}
`;
    const findings = await check(handed, 'require-span-end');
    expect(findings.map((f) => f.messageId)).toEqual(['notEnded']);
    expect(findings[0]!.fix).toBeUndefined();
  });
});

describe('span-error-status fixes', () => {
  const body = `
const tracer = trace.getTracer('svc');
export async function a(job: { run(): Promise<void> }) {
  const span = tracer.startSpan('a');
  try {
    await job.run();
  } catch (err) {
    console.error(err);
  } finally {
    span.end();
  }
}
`;
  const inserted = `  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
    console.error(err);`;

  it('adds SpanStatusCode to the existing named import', async () => {
    const { out, fix } = await fixOnce(`import { trace } from '@opentelemetry/api';\n${body}`, 'span-error-status');
    expect(fix.safety).toBe('safe');
    expect(out.startsWith(`import { trace, SpanStatusCode } from '@opentelemetry/api';\n`)).toBe(true);
    expect(out).toContain(inserted);
  });

  it('reuses an existing (aliased) import and a namespace import', async () => {
    const aliased = await fixOnce(`import { trace, SpanStatusCode as Code } from '@opentelemetry/api';\n${body}`, 'span-error-status');
    expect(aliased.out).toContain('span.setStatus({ code: Code.ERROR, message: String(err) });');
    expect(aliased.fix.edits).toHaveLength(1);
    const ns = await fixOnce(`import * as otel from '@opentelemetry/api';\n${body.replace("trace.getTracer", 'otel.trace.getTracer')}`, 'span-error-status');
    expect(ns.out).toContain('span.setStatus({ code: otel.SpanStatusCode.ERROR, message: String(err) });');
  });

  it('falls back to the value 2 when the name SpanStatusCode is taken', async () => {
    const { out } = await fixOnce(`import { trace } from '@opentelemetry/api';\nconst SpanStatusCode = { failed: 'x' };\n${body}`, 'span-error-status');
    expect(out).toContain('span.setStatus({ code: 2 /* SpanStatusCode.ERROR */, message: String(err) });');
  });

  it('turns an expression-bodied .catch() handler into a block (CommonJS destructuring)', async () => {
    const code = `const { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('svc');
async function warm(client) {
  const span = tracer.startSpan('warm');
  const models = await client.models.list().catch((err) => console.warn(err));
  span.end();
  return models;
}
module.exports = { warm };
`;
    const { out } = await fixOnce(code, 'span-error-status', 'warm.js');
    expect(out).toContain(`const { trace, SpanStatusCode } = require('@opentelemetry/api');`);
    expect(out).toContain(`.catch((err) => { span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) }); return console.warn(err); });`);
  });
});

describe('span-required-attributes suggestions', () => {
  it('adds the missing attributes to the start options, with values the name shows', async () => {
    const code = `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('svc');
export function a() {
  const span = tracer.startSpan("chat gpt-4o", {
    attributes: {
      "gen_ai.operation.name": "chat",
    },
  });
  span.end();
}
`;
    const { out, fix } = await fixOnce(code, 'span-required-attributes');
    expect(fix.safety).toBe('unsafe');
    expect(out).toContain(`    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "TODO",
      "gen_ai.request.model": "gpt-4o",
    },`);
  });

  it('creates the options of a startActiveSpan call, or sets them on the span', async () => {
    const active = await fixOnce(
      `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('svc');
export const a = () => tracer.startActiveSpan('execute_tool get_weather', (span) => span.end());
`,
      'span-required-attributes',
    );
    expect(active.out).toContain(
      `tracer.startActiveSpan('execute_tool get_weather', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.provider.name': 'TODO', 'gen_ai.tool.name': 'get_weather' } }, (span) => span.end());`,
    );
    // Attributes in a constant the options point to: known, but not editable in place.
    const viaSetter = await fixOnce(
      `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('svc');
const base = { 'gen_ai.operation.name': 'embeddings', 'gen_ai.provider.name': 'openai' };
export function b() {
  const span = tracer.startSpan('embeddings text-embedding-3-small', { attributes: base });
  span.end();
}
`,
      'span-required-attributes',
    );
    expect(viaSetter.out).toContain(`  const span = tracer.startSpan('embeddings text-embedding-3-small', { attributes: base });
  span.setAttributes({ 'gen_ai.request.model': 'text-embedding-3-small' });
  span.end();`);
  });

  it('reports nothing when the options are a value it cannot see into', async () => {
    const code = `import { trace, type SpanOptions } from '@opentelemetry/api';
const tracer = trace.getTracer('svc');
export function c(options: SpanOptions) {
  tracer.startSpan('chat gpt-4o', options).end();
}
`;
    expect(await check(code, 'span-required-attributes')).toEqual([]);
  });
});
