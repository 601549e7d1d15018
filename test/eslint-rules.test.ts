/**
 * The plugin's rules through @typescript-eslint/rule-tester (ESLint 10): exact positions, message ids,
 * message data, fix output and suggestion output.
 *
 * Hand-written cases cover require-llm-tracing, suppression-comment, the span and metric rules, the adapter's fix/suggestion
 * mapping, rule options, tracewire.config.json and project knowledge. A generic part runs every rule of
 * rules/index.ts over its fixtures (each file of a project case with the others informing it), with the
 * positions, fixes and suggestions the CLI engine computes for that rule alone, so a new rule goes
 * through the rule tester as soon as it has fixtures.
 */

import fs from 'node:fs';
import path from 'node:path';
import { RuleTester } from '@typescript-eslint/rule-tester';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allRules, rulesById } from '../rules/index.js';
import { isSourceFile } from '../src/engine/files.js';
import { defineRule, type RuleModule } from '../src/engine/rule.js';
import type { Finding, Fix } from '../src/engine/types.js';
import tracewire from '../src/eslint/index.js';
import { eslintRule, SUGGESTION_MESSAGE_ID } from '../src/eslint/rules.js';
import { runIn, tempProject } from './helpers/engine.js';
import { discoverRuleFixtures } from './helpers/fixtures.js';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

// The cases live in a directory whose package.json declares the SDK versions they are written for, and each
// file is its own project (nothing else on disk informs it).
const SDKS = tempProject({ 'package.json': JSON.stringify({ private: true, dependencies: { openai: '^5.12.0', ai: '^5.0.0', '@google/generative-ai': '^0.24.0', '@opentelemetry/api': '^1.9.0', 'prom-client': '^15.1.3' } }) });
const tester = new RuleTester({
  defaultFilenames: { ts: path.join(SDKS, 'file.ts'), tsx: path.join(SDKS, 'react.tsx') },
  settings: { tracewire: { project: false } },
});

// The rule tester's types are typescript-eslint's; the plugin's rules are plain ESLint rules.
const rule = (id: string) => tracewire.rules[id] as never;

const OPENAI = `import OpenAI from 'openai';\nconst client = new OpenAI();\n`;

/** What the span fix writes around a top-level awaited call, after the file's imports gain the OpenTelemetry API and a tracer. */
function otelSpanFix(imports: string, between: string, call: string, name: string, attributes: string, after = ''): string {
  return `${imports}
import { trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';

const tracer = trace.getTracer('app');

${between}await tracer.startActiveSpan('${name}', { kind: SpanKind.CLIENT, attributes: ${attributes} }, async (span) => {
  try {
    return await ${call};
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.setAttribute('error.type', error instanceof Error ? error.constructor.name : 'Error');
    throw error;
  } finally {
    span.end();
  }
});${after}`;
}

const suggestion = (description: string, output: string) => ({ messageId: SUGGESTION_MESSAGE_ID, data: { description }, output });

describe('require-llm-tracing', () => {
  tester.run('require-llm-tracing', rule('require-llm-tracing'), {
    valid: [
      // (a) a wrapped client
      `import OpenAI from 'openai';
import { wrapOpenAI } from 'langsmith/wrappers';
const client = wrapOpenAI(new OpenAI());
export const ask = (q: string) => client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });`,
      // (b) the AI SDK's telemetry option
      `import { generateText } from 'ai';
import { openai } from '@ai-sdk/openai';
export const ask = (prompt: string) => generateText({ model: openai('gpt-4o'), prompt, experimental_telemetry: { isEnabled: true } });`,
      // (c) a traced scope
      `${OPENAI}import { traceable } from 'langsmith/traceable';
export const ask = traceable(async (q: string) => client.responses.create({ model: 'gpt-4o', input: q }));`,
      // (d) a global instrumentation in the same file
      `import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
${OPENAI}registerInstrumentations({ instrumentations: [new OpenAIInstrumentation()] });
export const embed = (input: string) => client.embeddings.create({ model: 'text-embedding-3-small', input });`,
      // a tracewire suppression with a reason
      `${OPENAI}// tracewire-disable-next-line require-llm-tracing -- offline evaluation script, traced by the harness
await client.embeddings.create({ model: 'text-embedding-3-small', input: 'a' });`,
      // an operation the options ignore
      {
        code: `${OPENAI}await client.embeddings.create({ model: 'text-embedding-3-small', input: 'a' });`,
        options: [{ ignoreOperations: ['embeddings'] }],
      },
      // not the SDK: a local object with the same shape
      `const client = { chat: { completions: { create: async (_: unknown) => ({}) } } };
await client.chat.completions.create({ model: 'gpt-4o' });`,
      // explicitly disabled telemetry, accepted by the options
      {
        code: `import { generateText } from 'ai';
import { openai } from '@ai-sdk/openai';
await generateText({ model: openai('gpt-4o'), prompt: 'hi', experimental_telemetry: { isEnabled: false } });`,
        options: [{ reportDisabledTelemetry: false }],
      },
      // a JavaScript (CommonJS) file
      {
        code: `const OpenAI = require('openai');\nconst { wrapOpenAI } = require('langsmith/wrappers');\nconst client = wrapOpenAI(new OpenAI());\nmodule.exports = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`,
        filename: path.join(SDKS, 'handler.cjs'),
      },
    ],
    invalid: [
      {
        code: `${OPENAI}export async function answer(question: string) {
  return client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: question }] });
}`,
        errors: [
          {
            messageId: 'unwiredCall',
            line: 4,
            column: 10,
            endLine: 4,
            endColumn: 110,
            data: {
              sdk: 'OpenAI',
              operation: 'chat',
              callee: 'client.chat.completions.create',
              advice: 'Wrap the client (e.g. LangSmith `wrapOpenAI`, Langfuse `observeOpenAI`), call it inside a traced function, or register an instrumentation at start-up (e.g. `OpenAIInstrumentation` from `@opentelemetry/instrumentation-openai`).',
            },
            // Unsafe fixes are suggestions: an OpenTelemetry span (the project declares @opentelemetry/api), and the
            // client wrapped where it is constructed with LangSmith, which the project does not declare yet.
            suggestions: [
              {
                messageId: SUGGESTION_MESSAGE_ID,
                data: { description: 'Wrap the call in an OpenTelemetry span `chat gpt-4o` (`tracer.startActiveSpan`) with its GenAI attributes' },
                output: `import OpenAI from 'openai';
import { trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';

const tracer = trace.getTracer('app');

const client = new OpenAI();
export async function answer(question: string) {
  return tracer.startActiveSpan('chat gpt-4o', { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' } }, async (span) => {
    try {
      return await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: question }] });
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      span.setAttribute('error.type', error instanceof Error ? error.constructor.name : 'Error');
      throw error;
    } finally {
      span.end();
    }
  });
}`,
              },
              {
                messageId: SUGGESTION_MESSAGE_ID,
                data: { description: 'Wrap the client with `wrapOpenAI` (langsmith/wrappers) where it is constructed (needs `npm install langsmith@^0.12.0`)' },
                output: `import OpenAI from 'openai';
import { wrapOpenAI } from 'langsmith/wrappers';
const client = wrapOpenAI(new OpenAI());
export async function answer(question: string) {
  return client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: question }] });
}`,
              },
            ],
          },
        ],
      },
      {
        // The safe fix switches the SDK's own telemetry on.
        code: `import { generateText } from 'ai';
import { openai } from '@ai-sdk/openai';
export const ask = (prompt: string) => generateText({ model: openai('gpt-4o'), prompt });`,
        output: `import { generateText } from 'ai';
import { openai } from '@ai-sdk/openai';
export const ask = (prompt: string) => generateText({ model: openai('gpt-4o'), prompt, experimental_telemetry: { isEnabled: true } });`,
        errors: [{ messageId: 'unwiredCall', line: 3, column: 40, endLine: 3, endColumn: 89 }],
      },
      {
        // The fix follows the layout of a multi-line options object.
        code: `import { streamText } from 'ai';
import { anthropic } from '@ai-sdk/anthropic';
export function chat(messages: never[]) {
  return streamText({
    model: anthropic('claude-sonnet-4-5'),
    messages,
  });
}`,
        output: `import { streamText } from 'ai';
import { anthropic } from '@ai-sdk/anthropic';
export function chat(messages: never[]) {
  return streamText({
    model: anthropic('claude-sonnet-4-5'),
    messages,
    experimental_telemetry: { isEnabled: true },
  });
}`,
        errors: [{ messageId: 'unwiredCall', line: 4, column: 10, endLine: 7, endColumn: 5 }],
      },
      {
        code: `import { generateText } from 'ai';
import { openai } from '@ai-sdk/openai';
await generateText({ model: openai('gpt-4o'), prompt: 'hi', experimental_telemetry: { isEnabled: false } });`,
        errors: [
          {
            messageId: 'telemetryDisabled',
            line: 3,
            column: 7,
            endLine: 3,
            endColumn: 108,
            data: { callee: 'generateText', option: 'experimental_telemetry' },
            // The author turned it off: turning it back on is unsafe.
            suggestions: [
              {
                messageId: SUGGESTION_MESSAGE_ID,
                data: { description: 'Turn telemetry back on (`experimental_telemetry: { isEnabled: true }`)' },
                output: `import { generateText } from 'ai';
import { openai } from '@ai-sdk/openai';
await generateText({ model: openai('gpt-4o'), prompt: 'hi', experimental_telemetry: { isEnabled: true } });`,
              },
            ],
          },
        ],
      },
      {
        code: `import { GoogleGenerativeAI } from '@google/generative-ai';
const model = new GoogleGenerativeAI('key').getGenerativeModel({ model: 'gemini-1.5-flash' });
await model.generateContent('hi');`,
        errors: [
          { messageId: 'deprecatedSdk', line: 3, column: 7, endLine: 3, endColumn: 34 },
          {
            messageId: 'unwiredCall',
            line: 3,
            column: 7,
            endLine: 3,
            endColumn: 34,
            // No client wrapper traces this SDK: a span, named by the operation (the model is set on another call).
            suggestions: [
              suggestion(
                'Wrap the call in an OpenTelemetry span `generate_content` (`tracer.startActiveSpan`) with its GenAI attributes',
                otelSpanFix(
                  "import { GoogleGenerativeAI } from '@google/generative-ai';",
                  "const model = new GoogleGenerativeAI('key').getGenerativeModel({ model: 'gemini-1.5-flash' });\n",
                  "model.generateContent('hi')",
                  'generate_content',
                  "{ 'gen_ai.operation.name': 'generate_content', 'gen_ai.provider.name': 'gcp.gemini' }",
                ),
              ),
            ],
          },
        ],
      },
      {
        // A suppression without a reason suppresses nothing.
        code: `${OPENAI}// tracewire-disable-next-line require-llm-tracing
await client.embeddings.create({ model: 'text-embedding-3-small', input: 'a' });`,
        errors: [
          {
            messageId: 'unwiredCall',
            line: 4,
            column: 7,
            // The project uses no tracing library, and LangSmith's wrapOpenAI (the one it would get) does not trace
            // embeddings: no client wrapper, only the span.
            suggestions: [
              suggestion(
                'Wrap the call in an OpenTelemetry span `embeddings text-embedding-3-small` (`tracer.startActiveSpan`) with its GenAI attributes',
                otelSpanFix(
                  "import OpenAI from 'openai';",
                  'const client = new OpenAI();\n// tracewire-disable-next-line require-llm-tracing\n',
                  "client.embeddings.create({ model: 'text-embedding-3-small', input: 'a' })",
                  'embeddings text-embedding-3-small',
                  "{ 'gen_ai.operation.name': 'embeddings', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'text-embedding-3-small' }",
                ),
              ),
            ],
          },
        ],
      },
      {
        code: `${OPENAI}await client.embeddings.create({ model: 'text-embedding-3-small', input: 'a' });
await client.chat.completions.create({ model: 'gpt-4o', messages: [] });`,
        options: [{ ignoreOperations: ['embeddings'] }],
        errors: [
          {
            messageId: 'unwiredCall',
            line: 4,
            column: 7,
            suggestions: [
              suggestion(
                'Wrap the call in an OpenTelemetry span `chat gpt-4o` (`tracer.startActiveSpan`) with its GenAI attributes',
                otelSpanFix(
                  "import OpenAI from 'openai';",
                  "const client = new OpenAI();\nawait client.embeddings.create({ model: 'text-embedding-3-small', input: 'a' });\n",
                  "client.chat.completions.create({ model: 'gpt-4o', messages: [] })",
                  'chat gpt-4o',
                  "{ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' }",
                ),
              ),
              suggestion(
                'Wrap the client with `wrapOpenAI` (langsmith/wrappers) where it is constructed (needs `npm install langsmith@^0.12.0`)',
                `import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\nconst client = wrapOpenAI(new OpenAI());\nawait client.embeddings.create({ model: 'text-embedding-3-small', input: 'a' });\nawait client.chat.completions.create({ model: 'gpt-4o', messages: [] });`,
              ),
            ],
          },
        ],
      },
      {
        code: `const OpenAI = require('openai');\nconst client = new OpenAI();\nmodule.exports = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`,
        filename: path.join(SDKS, 'handler.cjs'),
        errors: [
          {
            messageId: 'unwiredCall',
            line: 3,
            column: 24,
            endLine: 3,
            endColumn: 89,
            // The call's promise is returned by a plain arrow function: no span (it would end before the call), the client wrapped in CommonJS.
            suggestions: [
              suggestion(
                'Wrap the client with `wrapOpenAI` (langsmith/wrappers) where it is constructed (needs `npm install langsmith@^0.12.0`)',
                `const OpenAI = require('openai');\nconst { wrapOpenAI } = require('langsmith/wrappers');\nconst client = wrapOpenAI(new OpenAI());\nmodule.exports = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`,
              ),
            ],
          },
        ],
      },
    ],
  });
});

describe('suppression-comment', () => {
  tester.run('suppression-comment', rule('suppression-comment'), {
    valid: [
      `${OPENAI}export const x = 1;`,
      // Inside a string, not a comment.
      "const text = `// tracewire-disable-next-line require-llm-tracing`;\nexport { text };",
    ],
    invalid: [
      {
        code: `${OPENAI}// tracewire-disable-next-line -- no rule named\nawait client.embeddings.create({ model: 'm', input: 'a' });`,
        errors: [{ messageId: 'missingRule', line: 3, column: 1, endLine: 3, endColumn: 48 }],
      },
      {
        code: `${OPENAI}// tracewire-disable-next-line require-llm-tracin -- typo\nawait client.embeddings.create({ model: 'm', input: 'a' });`,
        errors: [{ messageId: 'unknownRule', line: 3, column: 1, endLine: 3, endColumn: 58, data: { rules: '"require-llm-tracin"' } }],
      },
      {
        code: `${OPENAI}/* tracewire-disable require-llm-tracing */\nawait client.embeddings.create({ model: 'm', input: 'a' });\n/* tracewire-enable require-llm-tracing */`,
        errors: [{ messageId: 'missingReason', line: 3, column: 1, endLine: 3, endColumn: 44 }],
      },
      {
        // With require-llm-tracing not running, a suppression of it suppresses nothing (as in the CLI with the rule off).
        code: `${OPENAI}// tracewire-disable-next-line require-llm-tracing -- batch job, traced by the scheduler\nawait client.embeddings.create({ model: 'm', input: 'a' });`,
        errors: [{ messageId: 'unusedSuppression', line: 3, column: 1, endLine: 3, endColumn: 89, data: { rules: 'require-llm-tracing' } }],
      },
    ],
  });
});

// ---------------------------------------------------------------- span and metric rules

const TRACER = `import { trace } from '@opentelemetry/api';\n\nconst tracer = trace.getTracer('jobs');\n\n`;

describe('require-span-end', () => {
  tester.run('require-span-end', rule('require-span-end'), {
    valid: [
      `${TRACER}export async function sync(job: { run(): Promise<void> }) {
  const span = tracer.startSpan('sync');
  try {
    await job.run();
  } finally {
    span.end();
  }
}`,
      // Handed over: the caller ends it.
      `${TRACER}export function begin() {\n  return tracer.startSpan('begin');\n}`,
    ],
    invalid: [
      {
        code: `${TRACER}export async function sync(job: { run(): Promise<void> }) {
  const span = tracer.startSpan('sync');
  await job.run();
  span.end();
}`,
        output: `${TRACER}export async function sync(job: { run(): Promise<void> }) {
  const span = tracer.startSpan('sync');
  try {
    await job.run();
  } finally {
    span.end();
  }
}`,
        errors: [{ messageId: 'notEnded', line: 6, column: 16, endLine: 6, endColumn: 40 }],
      },
    ],
  });
});

describe('span-error-status', () => {
  tester.run('span-error-status', rule('span-error-status'), {
    valid: [
      `import { trace, SpanStatusCode } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
export async function sync(job: { run(): Promise<void> }) {
  const span = tracer.startSpan('sync');
  try {
    await job.run();
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR });
  } finally {
    span.end();
  }
}`,
      // A function that handles its own failures but marks the active span failed in its catch.
      `import { trace, SpanStatusCode } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
async function refresh(job: { run(): Promise<void> }) {
  try {
    await job.run();
  } catch (err) {
    trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
  }
}
export function sync(job: { run(): Promise<void> }) {
  return tracer.startActiveSpan('sync', async (span) => {
    await refresh(job);
    span.end();
  });
}`,
    ],
    invalid: [
      {
        // A function that handles its own failures, run inside the span: the span never sees them (no fix).
        code: `${TRACER}async function refresh(job: { run(): Promise<void> }) {
  try {
    await job.run();
  } catch (err) {
    console.error('refresh failed', err);
  }
}
export function sync(job: { run(): Promise<void> }) {
  return tracer.startActiveSpan('sync', async (span) => {
    await refresh(job);
    span.end();
  });
}`,
        errors: [{ messageId: 'swallowedInCall', line: 14, column: 11 }],
      },
      {
        // The callback takes no span: only the active span can be marked, and the catch does not.
        code: `${TRACER}export function sync(job: { run(): Promise<void> }) {
  return tracer.startActiveSpan('sync', async () => {
    try {
      await job.run();
    } catch (err) {
      console.error('sync failed', err);
    }
  });
}`,
        errors: [{ messageId: 'swallowedErrorActive', line: 9, column: 7 }],
      },
      {
        // Two edits in one fix: the statement and the import it needs.
        code: `${TRACER}export async function sync(job: { run(): Promise<void> }) {
  const span = tracer.startSpan('sync');
  try {
    await job.run();
  } catch (err) {
    console.error(err);
  } finally {
    span.end();
  }
}`,
        output: `import { trace, SpanStatusCode } from '@opentelemetry/api';\n\nconst tracer = trace.getTracer('jobs');\n\nexport async function sync(job: { run(): Promise<void> }) {
  const span = tracer.startSpan('sync');
  try {
    await job.run();
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
    console.error(err);
  } finally {
    span.end();
  }
}`,
        errors: [{ messageId: 'swallowedError', line: 9, column: 5, endLine: 11, endColumn: 4 }],
      },
    ],
  });
});

const METRICS = `import client from 'prom-client';\n\nconst requests = new client.Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames: ['route'] });\n`;

describe('metric rules', () => {
  tester.run('metric-naming', rule('metric-naming'), {
    valid: [METRICS],
    invalid: [
      {
        code: METRICS.replace('http_requests_total', 'http_requests'),
        errors: [{ messageId: 'counterWithoutTotal', line: 3, column: 45, endLine: 3, endColumn: 60 }],
      },
    ],
  });
  tester.run('metric-label-consistency', rule('metric-label-consistency'), {
    valid: [`${METRICS}export const track = () => requests.labels({ route: '/users/:id' }).inc();`],
    invalid: [
      {
        code: `${METRICS}export const track = (req: { path: string }) => requests.labels({ path: req.path }).inc();`,
        errors: [{ messageId: 'unknownLabel', line: 4, column: 67, endLine: 4, endColumn: 71 }],
      },
    ],
  });
  tester.run('no-unbounded-metric-labels', rule('no-unbounded-metric-labels'), {
    valid: [
      `${METRICS}export const track = (req: { route: { path: string } }) => requests.inc({ route: req.route.path });`,
      // The model an LLM call went to is one of a handful: a bounded id, built in.
      `${METRICS}export const track = (input: { modelId: string }) => requests.inc({ route: input.modelId });`,
    ],
    invalid: [
      {
        code: `${METRICS}export const track = (req: { user: { id: string } }) => requests.inc({ route: req.user.id });`,
        errors: [{ messageId: 'unboundedLabelValue', line: 4, column: 79, endLine: 4, endColumn: 90 }],
      },
      {
        // A team whose model ids are unbounded (fine-tuned models per customer) says so.
        code: `${METRICS}export const track = (input: { modelId: string }) => requests.inc({ route: input.modelId });`,
        options: [{ unboundedNames: ['model id'] }],
        errors: [{ messageId: 'unboundedLabelValue' }],
      },
    ],
  });
});

// ---------------------------------------------------------------- the adapter's mapping of fixes

/** A rule that reports every `debugger` statement with a safe fix, an unsafe fix and an extra suggestion. */
const fixture = defineRule<{ label?: string }>({
  meta: {
    id: 'test-fixes',
    description: 'test rule',
    preset: 'off',
    severity: 'warn',
    fix: 'safe',
    hasSuggestions: true,
    project: false,
    messages: { found: 'Found {{what}} ({{label}}).', other: 'Other.' },
    options: z.object({ label: z.string().optional() }).strict(),
    defaultOptions: { label: 'default' },
  },
  createVisitor(ctx) {
    const found: ts.Node[] = [];
    return {
      kinds: [ts.SyntaxKind.DebuggerStatement],
      visit: (node) => found.push(node),
      end: () => {
        for (const node of found) {
          const start = node.getStart(ctx.sourceFile);
          const end = node.getEnd();
          const { line, character } = ctx.sourceFile.getLineAndCharacterOfPosition(start);
          const e = ctx.sourceFile.getLineAndCharacterOfPosition(end);
          const range = { start, end, line: line + 1, column: character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
          const isLast = ctx.sourceFile.text.slice(end).trim() === '';
          const remove: Fix = { safety: isLast ? 'safe' : 'unsafe', description: 'Remove the statement', edits: [{ start, end, text: '' }] };
          const comment: Fix = { safety: 'unsafe', description: 'Comment it out', edits: [{ start, end: start, text: '// ' }] };
          ctx.report({ range, messageId: 'found', data: { what: 'debugger', label: ctx.options.label ?? '' }, fix: remove, suggestions: [comment] });
        }
      },
    };
  },
});

describe('fix and suggestion mapping', () => {
  it('declares what the rule can do', () => {
    const r = eslintRule(fixture as RuleModule<any>);
    expect(r.meta.fixable).toBe('code');
    expect(r.meta.hasSuggestions).toBe(true);
    expect(r.meta.messages).toEqual({ found: 'Found {{ what }} ({{ label }}).', other: 'Other.', [SUGGESTION_MESSAGE_ID]: '{{ description }}' });
    expect(r.meta.defaultOptions).toEqual([{ label: 'default' }]);
    expect(r.meta.schema).toEqual([{ type: 'object', properties: { label: { type: 'string' } }, additionalProperties: false }]);
  });

  tester.run('test-fixes', eslintRule(fixture as RuleModule<any>) as never, {
    valid: ['export const a = 1;'],
    invalid: [
      {
        // Safe (the last statement): a fix, plus the extra suggestion.
        code: 'const a = 1;\ndebugger;',
        output: 'const a = 1;\n',
        errors: [
          {
            messageId: 'found',
            data: { what: 'debugger', label: 'default' },
            line: 2,
            column: 1,
            endLine: 2,
            endColumn: 10,
            suggestions: [{ messageId: SUGGESTION_MESSAGE_ID, data: { description: 'Comment it out' }, output: 'const a = 1;\n// debugger;' }],
          },
        ],
      },
      {
        // Unsafe: no fix, a suggestion with its own message, then the extra one.
        code: 'debugger;\nconst a = 1;',
        options: [{ label: 'mine' }],
        output: null,
        errors: [
          {
            messageId: 'found',
            data: { what: 'debugger', label: 'mine' },
            suggestions: [
              { messageId: SUGGESTION_MESSAGE_ID, data: { description: 'Remove the statement' }, output: '\nconst a = 1;' },
              { messageId: SUGGESTION_MESSAGE_ID, data: { description: 'Comment it out' }, output: '// debugger;\nconst a = 1;' },
            ],
          },
        ],
      },
    ],
  });
});

// ---------------------------------------------------------------- project knowledge and configuration

const project = tempProject({
  'package.json': JSON.stringify({ name: 'svc', private: true, dependencies: { openai: '^5.0.0' } }),
  'tracewire.config.json': JSON.stringify({
    rules: { 'require-llm-tracing': ['error', { ignoreOperations: ['moderation'] }] },
    catalog: { scopes: [{ function: './src/obs#withSpan', callbackArg: 1 }] },
  }),
  'src/llm.ts': `import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\nexport const traced = wrapOpenAI(new OpenAI());\nexport const raw = new OpenAI();\n`,
  'src/obs.ts': `export async function withSpan<T>(name: string, fn: () => Promise<T>): Promise<T> {\n  return fn();\n}\n`,
  'src/agent.ts': '',
});
const inProject = new RuleTester({ settings: { tracewire: {} } });

describe('project knowledge (a tracewire.config.json and other files)', () => {
  inProject.run('require-llm-tracing', rule('require-llm-tracing'), {
    valid: [
      { code: `import { traced } from './llm';\nexport const go = () => traced.chat.completions.create({ model: 'gpt-4o', messages: [] });`, filename: path.join(project, 'src/agent.ts') },
      { code: `import { raw } from './llm';\nimport { withSpan } from './obs';\nexport const go = () => withSpan('answer', () => raw.chat.completions.create({ model: 'gpt-4o', messages: [] }));`, filename: path.join(project, 'src/agent.ts') },
      { code: `import { raw } from './llm';\nexport const go = () => raw.moderations.create({ input: 'x' });`, filename: path.join(project, 'src/agent.ts') },
    ],
    invalid: [
      {
        code: `import { raw } from './llm';\nexport const go = () => raw.chat.completions.create({ model: 'gpt-4o', messages: [] });`,
        filename: path.join(project, 'src/agent.ts'),
        errors: [{ messageId: 'unwiredCall', line: 2, column: 25, endLine: 2, endColumn: 87 }],
      },
      {
        // The ESLint options add to the configuration's.
        code: `import { raw } from './llm';\nexport const go = () => raw.embeddings.create({ model: 'm', input: 'x' });\nexport const m = () => raw.moderations.create({ input: 'x' });`,
        filename: path.join(project, 'src/agent.ts'),
        options: [{ reportDeprecatedSdks: false }],
        errors: [{ messageId: 'unwiredCall', line: 2, column: 25 }],
      },
    ],
  });

  it('the project was used', () => {
    expect(fs.existsSync(path.join(project, 'src/llm.ts'))).toBe(true);
  });
});

// ---------------------------------------------------------------- every rule, from its fixtures

const fixtureCases = discoverRuleFixtures();

function applyFixes(text: string, fixes: Fix[]): string {
  // As ESLint does in one pass: in order of position, skipping a fix that overlaps an earlier one.
  const sorted = fixes.map((f) => ({ start: Math.min(...f.edits.map((e) => e.start)), end: Math.max(...f.edits.map((e) => e.end)), fix: f })).sort((a, b) => a.start - b.start || a.end - b.end);
  const applied: Fix[] = [];
  let last = -1;
  for (const s of sorted) {
    if (s.start < last) continue;
    applied.push(s.fix);
    last = s.end;
  }
  let out = text;
  for (const e of applied.flatMap((f) => f.edits).sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

for (const r of allRules) {
  const cases = fixtureCases.filter((c) => c.ruleId === r.meta.id);
  describe(`${r.meta.id}: fixtures through the rule tester`, () => {
    it('has a fixture with findings', () => {
      expect(cases.some((c) => c.expected.length > 0), 'an invalid fixture').toBe(true);
    });
  });
  if (cases.length === 0) continue;
  const valid: unknown[] = [];
  const invalid: unknown[] = [];
  for (const c of cases) {
    const isProject = path.basename(c.dir) === c.name;
    // What the engine reports for this rule alone (the rule tester runs one rule), with the case's configuration.
    const configFile = path.join(c.dir, 'tracewire.config.json');
    const data = fs.existsSync(configFile) ? (JSON.parse(fs.readFileSync(configFile, 'utf8')) as { rules?: Record<string, unknown>; project?: boolean }) : {};
    const only = Object.fromEntries([...rulesById.keys()].map((id) => [id, id === r.meta.id ? (data.rules?.[id] ?? r.meta.severity) : 'off']));
    const result = await runIn(c.dir, c.files.map((f) => path.relative(c.dir, f)), { ...data, rules: only });
    // A directory case is a project: each of its files is linted with the others informing it.
    const settings = isProject ? { tracewire: { projectRoot: c.dir, project: data.project ?? true } } : undefined;
    // ESLint lints source files: findings in Prometheus rule files and dashboards are the CLI's alone.
    for (const file of c.files.filter(isSourceFile)) {
      const code = fs.readFileSync(file, 'utf8');
      const rel = path.relative(c.dir, file).split(path.sep).join('/');
      const findings: Finding[] = result.findings.filter((f) => f.ruleId === r.meta.id && f.file === rel);
      const base = { code, filename: file, ...(settings ? { settings } : {}) };
      if (findings.length === 0) {
        valid.push(base);
        continue;
      }
      const safeFixes = findings.map((f) => (f.fix?.safety === 'safe' && r.meta.fix === 'safe' ? f.fix : undefined)).filter((f): f is Fix => !!f);
      invalid.push({
        ...base,
        output: safeFixes.length ? applyFixes(code, safeFixes) : null,
        errors: findings.map((f) => {
          const safe = f.fix?.safety === 'safe' && r.meta.fix === 'safe';
          const suggestions = [...(f.fix && !safe ? [f.fix] : []), ...(f.suggestions ?? [])].filter((s) => s.edits.length);
          return {
            messageId: f.messageId,
            line: f.line,
            column: f.column,
            endLine: f.endLine,
            endColumn: f.endColumn,
            ...(suggestions.length
              ? { suggestions: suggestions.map((s) => ({ messageId: SUGGESTION_MESSAGE_ID, data: { description: s.description ?? "Apply tracewire's fix (it may change behaviour: review it)" }, output: applyFixes(code, [s]) })) }
              : {}),
          };
        }),
      });
    }
  }
  describe(`${r.meta.id} (fixtures)`, () => {
    tester.run(r.meta.id, rule(r.meta.id), { valid: valid as never[], invalid: invalid as never[] });
  });
}
