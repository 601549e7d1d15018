/**
 * wrap-in-span (unsafe): wrap an untraced LLM call in an OpenTelemetry span.
 *
 *     const r = await client.chat.completions.create({ model: 'gpt-4o', ... });
 * becomes
 *     const r = await tracer.startActiveSpan('chat gpt-4o', { kind: SpanKind.CLIENT, attributes: {...} }, async (span) => {
 *       try {
 *         return await client.chat.completions.create({ model: 'gpt-4o', ... });
 *       } catch (error) {
 *         span.setStatus({ code: SpanStatusCode.ERROR, message: ... });
 *         span.setAttribute('error.type', ...);
 *         throw error;
 *       } finally {
 *         span.end();
 *       }
 *     });
 *
 * The value is preserved: the callback returns the awaited result, and `startActiveSpan` returns the
 * callback's promise, which the original `await` (or the async function's `return`) unwraps. Only calls
 * that are awaited, or returned from an async function, are wrapped; a promise used as a value (chained
 * `.withResponse()`, stored, passed on) or a stream (the span would end before the stream is read) is
 * skipped with the reason. Unsafe: the call now runs inside a new active span, and its errors are
 * recorded on it.
 */

import ts = require('typescript');
import { type CallExpression, Node, SyntaxKind } from 'ts-morph';
import { analyzeFile } from '../../engine/analyze-file.js';
import type { EvaluatedSite } from '../../engine/link.js';
import { enclosingFunction, isAsyncFunction, objectLiteral, outerParens, propertyOf, templateRanges } from '../ast.js';
import type { Codemod, CodemodContext } from '../codemod.js';
import type { FileEditor } from '../editor.js';
import { reindent } from '../text.js';
import { label } from './shared.js';
import { packageName } from './package-name.js';

/** `gen_ai.provider.name` (OpenTelemetry GenAI semantic conventions) of the SDKs whose provider is fixed. */
const PROVIDERS: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  'google-genai': 'gcp.gen_ai',
  'google-generative-ai': 'gcp.gemini',
  mistral: 'mistral_ai',
  cohere: 'cohere',
  groq: 'groq',
  bedrock: 'aws.bedrock',
};

const OTEL = '@opentelemetry/api';

/** The statically known model of a call: a string literal `model` in one of its object arguments. */
function literalModel(site: EvaluatedSite): string | undefined {
  for (const a of site.args) {
    const m = a.obj?.model?.lit;
    if (typeof m === 'string') return m;
  }
  return undefined;
}

/** A top-level `const` the engine resolves to an OpenTelemetry tracer (reused instead of adding one). */
function existingTracer(ctx: CodemodContext, file: string, text: string): string | undefined {
  if (!text.includes('getTracer')) return undefined;
  const decls: ts.VariableDeclaration[] = [];
  let found: string | undefined;
  try {
    analyzeFile(file, text, {
      catalog: ctx.catalog,
      visitors: [
        {
          kinds: [ts.SyntaxKind.VariableStatement],
          visit: (node, w) => {
            if (w.fn) return;
            const st = node as ts.VariableStatement;
            if (!(st.declarationList.flags & ts.NodeFlags.Const)) return;
            for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.initializer) decls.push(d);
          },
          end: (w) => {
            for (const d of decls) {
              const v = w.valueOf(d.initializer!);
              if (v?.k === 'inst' && v.type === 'otel.Tracer' && v.path.length === 0) {
                found ??= (d.name as ts.Identifier).text;
              }
            }
          },
        },
      ],
    });
  } catch {
    return undefined;
  }
  // Only a module-level binding is visible everywhere in the file; a statement inside a block is not.
  return found;
}

function streamingReason(call: CallExpression, name: string | undefined): string | undefined {
  if (name && (/stream/i.test(name) || name === 'runTools')) return 'the call returns a stream: a span that ends when the call returns would end before the stream is read';
  for (const a of call.getArguments()) {
    const obj = objectLiteral(a);
    const p = obj && propertyOf(obj, 'stream');
    if (p && !(Node.isPropertyAssignment(p) && p.getInitializer()?.getText() === 'false')) {
      return 'the call streams (`stream` option): a span that ends when the call returns would end before the stream is read';
    }
  }
  return undefined;
}

interface FileTools {
  tracer: string;
  spanKind: string;
  statusCode: string;
}

function fileTools(ctx: CodemodContext, ed: FileEditor, file: string): FileTools | string {
  const traceName = ctx.config.codemods.wrapInSpan?.tracerName ?? packageName(file) ?? 'app';
  let tracer = existingTracer(ctx, file, ed.text);
  if (!tracer) {
    const trace = ed.importBinding({ module: OTEL, name: 'trace' });
    if ('error' in trace) return trace.error;
    tracer = ed.freeName('tracer');
    ed.addTopStatement(`const ${tracer} = ${trace.expr}.getTracer(${ed.q(traceName)})${ed.semi}`);
  }
  const kind = ed.importBinding({ module: OTEL, name: 'SpanKind' });
  if ('error' in kind) return kind.error;
  const status = ed.importBinding({ module: OTEL, name: 'SpanStatusCode' });
  if ('error' in status) return status.error;
  return { tracer, spanKind: kind.expr, statusCode: status.expr };
}

export const wrapInSpan: Codemod = {
  name: 'wrap-in-span',
  summary: 'wrap untraced LLM calls in an OpenTelemetry span (tracer.startActiveSpan) with GenAI attributes, error status and span.end() in finally (unsafe)',
  description:
    'Wraps each untraced LLM call that is awaited (or returned from an async function) in `tracer.startActiveSpan(...)` from @opentelemetry/api: ' +
    'a CLIENT span named "<operation> <model>" with `gen_ai.operation.name`, `gen_ai.provider.name` and `gen_ai.request.model` when they are known statically, ' +
    '`setStatus(ERROR)` and `error.type` when the call throws (the error is rethrown), and `span.end()` in `finally`. The call\'s value, `await` and `return` ' +
    'behave as before. Streams and promises used as values are skipped. A module-level tracer is reused, or one is added ' +
    '(`codemods.wrapInSpan.tracerName`, default the package name). Unsafe: the call now runs inside a new active span.',
  safety: 'unsafe',
  fixes: [{ ruleId: 'require-llm-tracing', messageIds: ['unwiredCall'] }],
  async run(ctx: CodemodContext) {
    const tools = new Map<string, FileTools | string>();
    const wrapped = new Map<string, { start: number; end: number }[]>();
    for (const site of ctx.sites) {
      if (site.kind !== 'llm-call' || site.wired || site.disabled) continue;
      const what = label(site);
      const ed = ctx.editor(site.file);
      const node = ed?.callAt(site.range.start, site.range.end);
      if (!ed || !node || !Node.isCallExpression(node)) {
        ctx.skipped(site.file, site.range.start, what, 'the call could not be located in the file');
        continue;
      }
      const call = node;
      const expr = call.getExpression();
      const name = Node.isPropertyAccessExpression(expr) ? expr.getName() : Node.isIdentifier(expr) ? expr.getText() : undefined;
      const streaming = streamingReason(call, name);
      if (streaming) {
        ctx.skipped(site.file, site.range.start, what, streaming);
        continue;
      }
      const outer = outerParens(call);
      const parent = outer.getParent();
      const fn = enclosingFunction(call);
      let ok = false;
      if (parent && Node.isAwaitExpression(parent)) ok = true;
      else if (parent && Node.isReturnStatement(parent) && isAsyncFunction(fn)) ok = true;
      else if (parent && Node.isArrowFunction(parent) && parent.getBody() === outer && parent.isAsync()) ok = true;
      if (!ok) {
        ctx.skipped(site.file, site.range.start, what, 'the call\'s promise is used as a value (not awaited, nor returned from an async function): wrap it by hand');
        continue;
      }
      if (call.getDescendantsOfKind(SyntaxKind.YieldExpression).length) {
        ctx.skipped(site.file, site.range.start, what, 'the call contains `yield`, which cannot move into a callback');
        continue;
      }
      const inside = wrapped.get(site.file) ?? wrapped.set(site.file, []).get(site.file)!;
      if (inside.some((r) => r.start <= site.range.start && site.range.end <= r.end || site.range.start <= r.start && r.end <= site.range.end)) {
        ctx.skipped(site.file, site.range.start, what, 'nested in (or around) another call being wrapped: run the codemod again');
        continue;
      }
      let t = tools.get(site.file);
      if (!t) {
        t = fileTools(ctx, ed, site.file);
        tools.set(site.file, t);
      }
      if (typeof t === 'string') {
        ctx.skipped(site.file, site.range.start, what, t);
        continue;
      }
      const used = new Set(call.getDescendantsOfKind(SyntaxKind.Identifier).map((i) => i.getText()));
      let spanName = 'span';
      for (let i = 2; used.has(spanName) || spanName === t.tracer; i++) spanName = `span${i}`;
      const model = literalModel(site);
      const attrs: string[] = [`${ed.q('gen_ai.operation.name')}: ${ed.q(site.operation)}`];
      const provider = PROVIDERS[site.sdk];
      if (provider) attrs.push(`${ed.q('gen_ai.provider.name')}: ${ed.q(provider)}`);
      if (model) attrs.push(`${ed.q('gen_ai.request.model')}: ${ed.q(model)}`);
      const title = model ? `${site.operation} ${model}` : site.operation;
      const eol = ed.eol;
      const semi = ed.semi;
      const i0 = ed.indentAt(call.getStart());
      const unit = ed.style.indentUnit;
      const i1 = i0 + unit;
      const i2 = i1 + unit;
      const callText = reindent(call.getText(), unit + unit, templateRanges(call));
      const s = spanName;
      const code =
        `${t.tracer}.startActiveSpan(${ed.q(title)}, { kind: ${t.spanKind}.CLIENT, attributes: { ${attrs.join(', ')} } }, async (${s}) => {${eol}` +
        `${i1}try {${eol}` +
        `${i2}return await ${callText}${semi}${eol}` +
        `${i1}} catch (error) {${eol}` +
        `${i2}${s}.setStatus({ code: ${t.statusCode}.ERROR, message: error instanceof Error ? error.message : String(error) })${semi}${eol}` +
        `${i2}${s}.setAttribute(${ed.q('error.type')}, error instanceof Error ? error.constructor.name : ${ed.q('Error')})${semi}${eol}` +
        `${i2}throw error${semi}${eol}` +
        `${i1}} finally {${eol}` +
        `${i2}${s}.end()${semi}${eol}` +
        `${i1}}${eol}` +
        `${i0}})`;
      ed.replace(call.getStart(), call.getEnd(), code);
      inside.push({ start: site.range.start, end: site.range.end });
      ctx.changed(site.file, site.range.start, what);
    }
  },
};
