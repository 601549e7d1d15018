/**
 * wrap-in-span (unsafe): wrap untraced LLM calls in a span: the same edit as the `wrap-in-span` fix of
 * `require-llm-tracing` (src/codemod/fixes/span.ts), for every call at once.
 *
 *     const r = await client.chat.completions.create({ model: 'gpt-4o', ... });
 * becomes, when the project has its own tracing helper (`withLLMSpan(name, fn)`),
 *     const r = await withLLMSpan('chat gpt-4o', async (span) => {
 *       span.setAttributes({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' });
 *       return await client.chat.completions.create({ model: 'gpt-4o', ... });
 *     });
 * and otherwise an OpenTelemetry `tracer.startActiveSpan(...)` with the same attributes, `setStatus(ERROR)`
 * and `error.type` when the call throws (the error is rethrown), and `span.end()` in `finally`.
 *
 * The value is preserved: the callback returns the awaited result, and the helper (or `startActiveSpan`)
 * returns the callback's promise, which the original `await` (or the async function's `return`) unwraps.
 * Only calls that are awaited, or returned from an async function, are wrapped; streams, promises used
 * as values and calls whose finding is suppressed are left alone, with the reason.
 */

import { Node } from 'ts-morph';
import type { Codemod, CodemodContext } from '../codemod.js';
import { siteSource } from '../fixes/common.js';
import { buildSpanWrap } from '../fixes/span.js';
import { label } from './shared.js';

export const wrapInSpan: Codemod = {
  name: 'wrap-in-span',
  summary: "wrap untraced LLM calls in a span (the project's own tracing helper, else OpenTelemetry tracer.startActiveSpan) with GenAI attributes (unsafe)",
  description:
    "Wraps each untraced LLM call that is awaited (or returned from an async function) in a span: the project's own tracing helper when it has one " +
    '(an exported function that runs its callback in a span, such as `withLLMSpan(name, fn)`; the attributes go on the span it hands the callback, or on the active span), ' +
    'else `tracer.startActiveSpan(...)` from @opentelemetry/api, a CLIENT span with `setStatus(ERROR)` and `error.type` when the call throws (rethrown) and `span.end()` in `finally`. ' +
    'The span carries `gen_ai.operation.name`, `gen_ai.provider.name` and `gen_ai.request.model` where the code shows them, and is named "<operation> <model>" when the provider is known ' +
    '(otherwise after the call). The call\'s value, `await` and `return` behave as before. Streams, promises used as values and suppressed calls are skipped. ' +
    'A module-level tracer is reused, or one is added (`codemods.wrapInSpan.tracerName`, default the package name). Unsafe: the call now runs inside a new active span.',
  safety: 'unsafe',
  fixes: [{ ruleId: 'require-llm-tracing', messageIds: ['unwiredCall'] }],
  async run(ctx: CodemodContext) {
    const wrapped = new Map<string, { start: number; end: number }[]>();
    const tracerName = ctx.config.codemods.wrapInSpan?.tracerName;
    for (const site of ctx.sites) {
      if (site.kind !== 'llm-call' || site.wired || site.disabled) continue;
      const what = label(site);
      const ed = ctx.editor(site.file);
      const ss = siteSource(ctx.fixEnv, site);
      const node = ed?.callAt(site.range.start, site.range.end);
      if (!ed || !ss || !node || !Node.isCallExpression(node)) {
        ctx.skipped(site.file, site.range.start, what, 'the call could not be located in the file');
        continue;
      }
      const inside = wrapped.get(site.file) ?? wrapped.set(site.file, []).get(site.file)!;
      if (inside.some((r) => (r.start <= site.range.start && site.range.end <= r.end) || (site.range.start <= r.start && r.end <= site.range.end))) {
        ctx.skipped(site.file, site.range.start, what, 'nested in (or around) another call being wrapped: run the codemod again');
        continue;
      }
      const r = buildSpanWrap(ctx.fixEnv, ss, ed, { tracerName });
      if ('skip' in r) {
        ctx.skipped(site.file, site.range.start, what, r.skip);
        continue;
      }
      inside.push({ start: site.range.start, end: site.range.end });
      ctx.changed(site.file, site.range.start, what);
    }
  },
};
