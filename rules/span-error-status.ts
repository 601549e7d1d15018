import ts = require('typescript');
import { z } from 'zod';
import { rangeOf } from '../src/engine/analyze-file.js';
import { eolOf } from '../src/engine/edits.js';
import { defineRule } from '../src/engine/rule.js';
import type { Fix, TextEdit } from '../src/engine/types.js';
import type { SourceRange } from '../src/engine/values.js';
import { OPEN, OPEN_C, OPEN_ERR, STATUS_ERROR, T_CLOSED, UNMARKED_ERROR } from '../src/engine/spans.js';
import { isWrapper, namesIdentifier, suspensions } from '../src/engine/ast.js';
import { type FileSpans, fileSpans, indentOfLine, isFunctionLike, type SpanInfo, type SpanUse, carriesSpans, startsSpans, unwrapExpr } from './support/spans.js';

const options = z.object({}).strict();
type Options = z.infer<typeof options>;


const API_MODULE = '@opentelemetry/api';

interface Handler {
  /** The `catch` clause, or the `.catch(fn)` call. */
  node: ts.CatchClause | ts.CallExpression;
  what: string;
  binding: ts.BindingName | undefined;
  /** The catch block, or the handler function's body. */
  body: ts.Block | ts.ConciseBody;
  /** The handler function (for `.catch(fn)`). */
  fn?: ts.ArrowFunction | ts.FunctionExpression;
  range: SourceRange;
}

export default defineRule<Options>({
  meta: {
    id: 'span-error-status',
    description: 'Require error paths inside a span to set the span status to ERROR: a `catch` clause or `.catch()` handler that swallows the error, and errors that leave the span (rethrown, rejected, thrown) while it is not marked failed.',
    preset: 'recommended',
    severity: 'warn',
    fix: 'safe',
    hasSuggestions: false,
    project: false,
    messages: {
      swallowedError:
        'This {{what}} handles the error inside span `{{span}}` without marking the span as failed: the span is exported as a success, so error rates, alerts and failed-trace searches say this operation worked. Call `{{span}}.setStatus({ code: SpanStatusCode.ERROR, message })` (and set the `error.type` attribute), or rethrow.',
      errorNotMarked:
        'An error leaves span `{{span}}` {{path}} while the span is not marked failed: the span is exported without status ERROR (UNSET, or OK when the code set it), so error rates, alerts and failed-trace searches count this failure as a success (rethrowing does not set the status). Catch the error, call `{{span}}.setStatus({ code: SpanStatusCode.ERROR, message })` and `{{span}}.recordException(err)` (or set `error.type`), then rethrow it.',
      swallowedInCall:
        '`{{fn}}` runs inside span {{span}} and handles its own failures ({{where}} returns normally without marking any span): when it fails, the span is exported as a success, so error rates, alerts and failed-trace searches say this operation worked. Mark the active span failed in that catch (`trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR, message })`), or let the error reach the span.',
      swallowedErrorActive:
        'This {{what}} handles the error inside span {{span}}, which its callback runs in without a parameter for it, and does not mark the span as failed: the span is exported as a success, so error rates, alerts and failed-trace searches say this operation worked. Call `trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR, message })` here (and set the `error.type` attribute), or rethrow.',
      recordExceptionOnly:
        'This {{what}} records the exception on span `{{span}}` but leaves its status unset: the span still counts as a success in error rates, and current OpenTelemetry conventions mark a failure with status ERROR plus the `error.type` attribute rather than an exception event alone. Add `{{span}}.setStatus({ code: SpanStatusCode.ERROR, message })` and `error.type`.',
    },
    options,
    defaultOptions: {},
  },
  needs: startsSpans,
  carries: carriesSpans,
  createVisitor(ctx) {
    const catches: ts.CatchClause[] = [];
    const promiseCatches: ts.CallExpression[] = [];
    const statementCalls: ts.CallExpression[] = [];
    return {
      kinds: [ts.SyntaxKind.CallExpression, ts.SyntaxKind.CatchClause],
      visit(node) {
        if (ts.isCatchClause(node)) {
          catches.push(node);
          return;
        }
        const call = node as ts.CallExpression;
        const callee = unwrapExpr(call.expression);
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'catch' && call.arguments.length >= 1) promiseCatches.push(call);
        else statementCalls.push(call);
      },
      end(wctx) {
        const fs = fileSpans(wctx);
        // Work a span covers that handles its own failures: calls, whose result nothing looks at, of functions that never fail.
        for (const call of fs.spans.length ? statementCalls : []) {
          if (!isStatementCall(fs, call)) continue;
          const around = fs.spans.filter((s) => s.disposition !== 'discarded' && coversCall(fs, s, call));
          if (around.length === 0) continue;
          // The innermost span, when the call is the work it times: its one `await`. (A best-effort side
          // task that logs its own failure, next to the operation's other work, is not the span's failure.)
          const span = around.reduce((a, b) => (b.call.pos > a.call.pos ? b : a));
          if (!isOnlyAwait(fs, span, call)) continue;
          const fn = swallowing(fs, call);
          if (!fn) continue;
          ctx.report({ range: rangeOf(fs.sf, call), messageId: 'swallowedInCall', data: { fn: fn.name, where: fn.where, span: spanLabel(fs, span) } });
        }
        const spans = fs.spans.filter((s) => s.disposition === 'bound');
        // Spans a callback runs in without a parameter for them (`withSpan('sync', async () => ...)`).
        const quiet = fs.spans.filter((s) => s.disposition === 'no-param' && s.callback);
        if (spans.length === 0 && quiet.length === 0) return;
        // Errors that leave a span's scope with the span not marked failed (rethrown, rejected, thrown).
        for (const info of spans) {
          // A helper that marks the span when its callback fails (`withSpan`) handles what leaves the callback.
          if (info.helper?.marks) continue;
          const leak = unmarkedError(fs, info) ?? endedUnmarkedInCallback(fs, info);
          if (leak) ctx.report({ range: rangeOf(fs.sf, info.call), messageId: 'errorNotMarked', data: { span: info.name!, path: leak } });
        }
        if (catches.length === 0 && promiseCatches.length === 0) return;
        const handlers: { h: Handler; at: ts.Node }[] = [];
        for (const c of catches) {
          handlers.push({ h: { node: c, what: '`catch` clause', binding: c.variableDeclaration?.name, body: c.block, range: rangeOf(fs.sf, c) }, at: c });
        }
        for (const call of promiseCatches) {
          const fn = unwrapExpr(call.arguments[0]!);
          if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) continue;
          const name = (unwrapExpr(call.expression) as ts.PropertyAccessExpression).name;
          const range = rangeOf(fs.sf, call);
          const start = fs.sf.getLineAndCharacterOfPosition(name.getStart(fs.sf));
          handlers.push({
            h: { node: call, what: '`.catch()` handler', binding: fn.parameters[0]?.name, body: fn.body, fn, range: { ...range, start: name.getStart(fs.sf), line: start.line + 1, column: start.character + 1 } },
            at: call,
          });
        }
        // The states each span is in where its errors are handled.
        const paths = new Map(spans.map((s) => [s, fs.paths(s)] as const));
        const openAt = (s: SpanInfo, h: Handler): boolean => {
          const p = paths.get(s);
          if (!p) return true;
          const m = ts.isCatchClause(h.node) ? p.atCatch.get(h.node) : h.fn && p.atClosure.get(h.fn);
          return m === undefined || (m & (OPEN | OPEN_ERR | OPEN_C)) !== 0;
        };
        for (const { h, at } of handlers) {
          const inScope = spans.filter((s) => inSpanScope(fs, s, at) && openAt(s, h));
          if (inScope.length === 0) {
            // Only the active span of a callback: marked, if at all, through `trace.getActiveSpan()`.
            const around = quiet.filter((s) => fs.contains(s.callback!, at) && fs.fnOf(at) === s.callback);
            if (around.length === 0 || judge(fs, h, around) === 'ok') continue;
            const span = around.reduce((a, b) => (b.call.pos > a.call.pos ? b : a));
            ctx.report({ range: h.range, messageId: 'swallowedErrorActive', data: { what: h.what, span: spanLabel(fs, span) } });
            continue;
          }
          const verdict = judge(fs, h, inScope);
          if (verdict === 'ok') continue;
          // The innermost span: the one started last.
          const span = inScope.reduce((a, b) => (b.call.pos > a.call.pos ? b : a));
          ctx.report({ range: h.range, messageId: verdict, data: { what: h.what, span: span.name! }, fix: buildFix(fs, h, span) });
        }
      },
    };
  },
});

/**
 * Where an error first leaves the span's scope while the span is not marked failed, described, or
 * undefined. A closure that only ends the span (`.finally(() => span.end())`) runs after the error has
 * left: it does not hand the span over here.
 */
function unmarkedError(fs: FileSpans, info: SpanInfo): string | undefined {
  const uses: SpanUse[] = info.uses.filter((u) => !(u.closure && u.op === 'end'));
  const r = fs.paths(info, uses);
  if (!r) return undefined;
  // A call the span was lent to may have marked it before it threw or rejected.
  const lentCalls = new Set<ts.Node>(uses.filter((u) => u.lent && u.call).map((u) => u.call!));
  const atLentCall = (n: ts.Node): boolean => {
    let e: ts.Node = n;
    while (ts.isAwaitExpression(e) || ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
    return lentCalls.has(e);
  };
  let first: { node: ts.Node; kind: string } | undefined;
  for (const [n, t] of r.exits.throws) if (t.mask & UNMARKED_ERROR && !atLentCall(n) && (!first || n.getStart(fs.sf) < first.node.getStart(fs.sf))) first = { node: n, kind: t.kind };
  if (!first) return undefined;
  const line = fs.sf.getLineAndCharacterOfPosition(first.node.getStart(fs.sf)).line + 1;
  if (first.kind === 'await') return `when the awaited promise at line ${line} rejects`;
  if (first.kind === 'call') return `when the call at line ${line} throws`;
  return inCatch(fs, first.node) ? `when the catch clause rethrows at line ${line}` : `when the error thrown at line ${line} propagates`;
}

/**
 * A span ended inside a callback handed, with the span, to a call that runs it
 * (`tracer.withSpan(span, async () => { try { ... } finally { end(span, 'ok') } })`): when an error
 * leaves the callback after the callback ended the span unmarked, nothing can mark it any more (a status
 * set after `end()` is dropped). Judged only when the owner does nothing else with the span than lend
 * it, and that one callback is the only code that ends or marks it.
 */
function endedUnmarkedInCallback(fs: FileSpans, info: SpanInfo): string | undefined {
  if (info.spec.yields !== 'return' || !info.binding || !info.scope) return undefined;
  const ending = new Set(info.uses.filter((u) => u.closure && (u.op === 'end' || (u.kind === 'helper' && u.effect!.ends !== 'never'))).map((u) => u.closure!));
  if (ending.size !== 1) return undefined;
  const cb = [...ending][0]!;
  if (!ts.isArrowFunction(cb) && !ts.isFunctionExpression(cb)) return undefined;
  const argOf = (n: ts.Node): ts.CallExpression | undefined => {
    let arg = n;
    let p = fs.parent(n);
    while (p && isWrapper(p)) {
      arg = p;
      p = fs.parent(p);
    }
    return p && ts.isCallExpression(p) && (p.arguments as readonly ts.Node[]).includes(arg) ? p : undefined;
  };
  const runner = argOf(cb);
  if (!runner) return undefined;
  for (const u of info.uses) {
    if (u.closure === cb) continue;
    if (u.kind === 'read' || u.kind === 'borrow') continue;
    if (u.kind === 'method' && u.op !== 'end' && !u.marks) continue;
    if (u.kind === 'helper' && !u.lent && u.effect!.ends === 'never' && !u.effect!.marks) continue;
    // The span handed to the very call that runs the callback.
    if ((u.kind === 'escape' || u.lent) && !u.closure && argOf(u.node) === runner) continue;
    return undefined;
  }
  const uses = fs.usesOf(info.binding, cb, info.spec.type);
  const r = fs.paths({ ...info, spec: { ...info.spec, yields: 'callback' }, scope: cb, uses, hoistedUse: false }, uses);
  if (!r) return undefined;
  let first: { node: ts.Node; kind: string } | undefined;
  for (const [n, t] of r.exits.throws) if (t.mask & T_CLOSED && (!first || n.getStart(fs.sf) < first.node.getStart(fs.sf))) first = { node: n, kind: t.kind };
  if (!first) return undefined;
  const line = fs.sf.getLineAndCharacterOfPosition(first.node.getStart(fs.sf)).line + 1;
  const where = first.kind === 'await' ? `the awaited promise at line ${line} rejects` : first.kind === 'call' ? `the call at line ${line} throws` : `the error thrown at line ${line} propagates`;
  return `when ${where} inside the callback that ends it`;
}

/** A call whose result is dropped: `f(...);`, `await f(...);`, `void f(...)`. */
function isStatementCall(fs: FileSpans, call: ts.CallExpression): boolean {
  let p = fs.parent(call);
  while (p && (ts.isAwaitExpression(p) || ts.isParenthesizedExpression(p) || ts.isVoidExpression(p))) p = fs.parent(p);
  return !!p && ts.isExpressionStatement(p);
}

/**
 * The project function a call runs when that function handles every failure of its work itself
 * (`FnSummary.swallows`), with where its catch is; undefined when any function its catch hands the error
 * to may mark a span, or cannot be seen (another file's, without the project).
 */
function swallowing(fs: FileSpans, call: ts.CallExpression): { name: string; where: string } | undefined {
  const summary = fs.model.summaryOf(fs.model.valueOf(call.expression));
  const sw = summary?.swallows;
  if (!summary || !sw) return undefined;
  if (sw.handsTo && !fs.model.hasProject) return undefined;
  for (const ref of sw.handsTo ?? []) {
    const v = fs.model.resolve(ref);
    if (v?.k === 'fn') {
      const s = fs.model.summaryOf(v);
      if (!s || s.marksSpan || s.spanParams?.some((p) => p.marks)) return undefined;
    } else if (v?.k === 'ref') {
      // A member tracewire cannot follow: of a value the project defines (an object of its own, a class), it may
      // be a function that marks; of an export it knows nothing of (another package's logger), it is not the project's.
      if (ref.steps.length === 0 || fs.model.resolve({ ...ref, steps: [] })?.k !== 'ref') return undefined;
    } else if (fs.model.specOf(v)?.spanOp) return undefined;
  }
  const file = summary.id.slice(0, summary.id.lastIndexOf('#'));
  const where = file === fs.sf.fileName ? `its \`catch\` at line ${sw.line}` : `its \`catch\` at line ${sw.line} of ${file.slice(file.lastIndexOf('/') + 1)}`;
  return { name: summary.name, where };
}

/** Whether a call runs while the span is open, in the span's own scope (its callback, or the function that holds it). */
function coversCall(fs: FileSpans, info: SpanInfo, call: ts.CallExpression): boolean {
  if (info.callback) return fs.contains(info.callback, call) && fs.fnOf(call) === info.callback;
  return info.disposition === 'bound' && !!info.scope && inSpanScope(fs, info, call);
}

/** Whether a call is awaited and is the one `await` of the span's scope (after the span starts). */
function isOnlyAwait(fs: FileSpans, info: SpanInfo, call: ts.CallExpression): boolean {
  const awaited = fs.parent(call);
  if (!awaited || !ts.isAwaitExpression(awaited)) return false;
  const scope = info.callback ?? info.scope;
  const root = scope && (isFunctionLike(scope) ? scope.body : scope);
  if (!root) return false;
  return suspensions(root, 2, info.callback ? 0 : info.call.end) === 1;
}

/** How a message names a span: its variable, or its name. */
function spanLabel(fs: FileSpans, info: SpanInfo): string {
  if (info.name) return `\`${info.name}\``;
  const n = fs.spanNameOf(info.nameExpr);
  if (n) return 'exact' in n ? `\`${n.exact}\`` : `\`${n.prefix}...\``;
  return `started at line ${fs.sf.getLineAndCharacterOfPosition(info.call.getStart(fs.sf)).line + 1}`;
}

function inCatch(fs: FileSpans, n: ts.Node): boolean {
  for (let p = fs.parent(n); p && !isFunctionLike(p); p = fs.parent(p)) if (ts.isCatchClause(p)) return true;
  return false;
}

/** Whether `node` (a catch clause or `.catch()` call) sits in the span's scope, in the same function, while the span is open. */
function inSpanScope(fs: FileSpans, info: SpanInfo, node: ts.Node): boolean {
  const scope = info.scope!;
  if (!fs.contains(scope, node)) return false;
  const fn = info.callback ?? fs.fnOf(info.call);
  if (fs.fnOf(node) !== fn) return false;
  if (info.spec.yields === 'return' && node.pos < info.call.end) return false;
  return !fs.afterUnconditionalEnd(info, node);
}

type Verdict = 'ok' | 'swallowedError' | 'recordExceptionOnly';

function judge(fs: FileSpans, h: Handler, spans: SpanInfo[]): Verdict {
  const b = h.binding;
  // No binding, or one the handler never looks at: a deliberate fallback (`catch { return cached; }`).
  if (!b) return 'ok';
  if (ts.isIdentifier(b) && !namesIdentifier(h.body, b.text)) return 'ok';
  const names = new Set(spans.map((s) => s.name!));
  let rethrows = false;
  let setsError = false;
  let records = false;
  let handsOn = false;
  const errName = ts.isIdentifier(b) ? b.text : undefined;
  const visit = (n: ts.Node): void => {
    if (n !== h.body && (isFunctionLike(n) || ts.isClassLike(n))) return;
    if (ts.isThrowStatement(n)) rethrows = true;
    if (ts.isCallExpression(n)) {
      const callee = unwrapExpr(n.expression);
      const member = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
      // `return Promise.reject(err)`, `reject(err)` in a promise executor: the error goes on.
      if (member === 'reject') rethrows = true;
      const op = spanOpOf(fs, n, names, spans[0]!);
      if (op === 'setStatus' && fs.statusMayBeError(n)) setsError = true;
      if (op === 'recordException') records = true;
      // A span handed to a helper (`markFailed(span, err)`): the helper's summary says whether it marks
      // the span; a function tracewire cannot see is trusted to.
      const at = n.arguments.findIndex((a) => {
        const u = unwrapExpr(a);
        return ts.isIdentifier(u) && names.has(u.text);
      });
      if (at >= 0) {
        const callee = fs.model.valueOf(n.expression);
        if (!fs.model.specOf(callee)?.borrowsSpan) {
          const effect = fs.model.summaryOf(callee)?.spanParams?.find((e) => e.index === at);
          if (effect ? effect.marks : true) handsOn = true;
        }
      }
    }
    // `lastError = err`: the error is kept and dealt with after the handler.
    if (errName && ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const r = unwrapExpr(n.right);
      if (ts.isIdentifier(r) && r.text === errName) handsOn = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(h.body);
  if (rethrows || setsError || handsOn) return 'ok';
  // A status set after the handler, in the same function (`span.setStatus({ code: failed ? ERROR : OK })`).
  for (const s of spans) {
    for (const u of s.uses) {
      if (u.op !== 'setStatus' || u.closure || !u.call || u.call.pos < h.node.end) continue;
      if (fs.statusMayBeError(u.call)) return 'ok';
    }
  }
  return records ? 'recordExceptionOnly' : 'swallowedError';
}

/** What a call does to a span: a method of one of the spans in scope, or of any value the catalog knows as a span. */
function spanOpOf(fs: FileSpans, call: ts.CallExpression, names: Set<string>, info: SpanInfo): string | undefined {
  const callee = unwrapExpr(call.expression);
  if (ts.isPropertyAccessExpression(callee)) {
    let base = unwrapExpr(callee.expression);
    // Through setter chains: `span.setAttribute(k, v).setStatus(...)`.
    while (ts.isCallExpression(base) && ts.isPropertyAccessExpression(unwrapExpr(base.expression))) base = unwrapExpr((unwrapExpr(base.expression) as ts.PropertyAccessExpression).expression);
    if (ts.isIdentifier(base) && names.has(base.text)) return fs.catalog.member(info.spec.type, [callee.name.text])?.spanOp;
  }
  return fs.model.specOf(fs.model.valueOf(call.expression))?.spanOp;
}

// ---------------------------------------------------------------------------------------- fix

/**
 * How to write `SpanStatusCode.ERROR` in this file: through an existing import or require of the API,
 * by adding `SpanStatusCode` to one (the edit replaces a specifier, so two fixes that would both add
 * it overlap and are never applied together), or as the literal `2` with a comment.
 */
function statusCodeExpr(fs: FileSpans): { code: string; edit?: TextEdit } {
  const sf = fs.sf;
  const taken = /\bSpanStatusCode\b/.test(sf.text);
  let addTo: TextEdit | undefined;
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.moduleSpecifier.text === API_MODULE) {
      const clause = st.importClause;
      if (!clause || clause.isTypeOnly) continue;
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) return { code: `${nb.name.text}.SpanStatusCode.ERROR` };
      if (nb && ts.isNamedImports(nb)) {
        const el = nb.elements.find((e) => !e.isTypeOnly && (e.propertyName ?? e.name).text === 'SpanStatusCode');
        if (el) return { code: `${el.name.text}.ERROR` };
        const last = nb.elements[nb.elements.length - 1];
        if (last && !addTo) addTo = { start: last.getStart(sf), end: last.end, text: `${sf.text.slice(last.getStart(sf), last.end)}, SpanStatusCode` };
      } else if (!nb && clause.name && !addTo) {
        addTo = { start: clause.name.getStart(sf), end: clause.name.end, text: `${clause.name.text}, { SpanStatusCode }` };
      }
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer && unwrapExpr(d.initializer);
        if (!init || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'require') continue;
        const a = init.arguments[0];
        if (!a || !ts.isStringLiteralLike(a) || a.text !== API_MODULE) continue;
        if (ts.isIdentifier(d.name)) return { code: `${d.name.text}.SpanStatusCode.ERROR` };
        if (ts.isObjectBindingPattern(d.name)) {
          const el = d.name.elements.find((e) => ((e.propertyName && ts.isIdentifier(e.propertyName) ? e.propertyName.text : ts.isIdentifier(e.name) ? e.name.text : '') === 'SpanStatusCode') && ts.isIdentifier(e.name));
          if (el) return { code: `${(el.name as ts.Identifier).text}.ERROR` };
          const last = d.name.elements[d.name.elements.length - 1];
          if (last && !last.dotDotDotToken && !addTo) addTo = { start: last.getStart(sf), end: last.end, text: `${sf.text.slice(last.getStart(sf), last.end)}, SpanStatusCode` };
        }
      }
    }
  }
  if (addTo && !taken) return { code: 'SpanStatusCode.ERROR', edit: addTo };
  return { code: `${STATUS_ERROR} /* SpanStatusCode.ERROR */` };
}

function buildFix(fs: FileSpans, h: Handler, span: SpanInfo): Fix | undefined {
  if (!h.binding || !ts.isIdentifier(h.binding)) return undefined;
  const sf = fs.sf;
  const text = sf.text;
  const { code, edit } = statusCodeExpr(fs);
  const call = `${span.name}.setStatus({ code: ${code}, message: String(${h.binding.text}) });`;
  const edits: TextEdit[] = [];
  const body = h.body;
  if (ts.isBlock(body)) {
    const first = body.statements[0];
    if (!first) return undefined;
    const open = body.getStart(sf) + 1;
    const firstStart = first.getStart(sf);
    if (text.slice(open, firstStart).includes('\n')) {
      const at = text.lastIndexOf('\n', firstStart - 1) + 1;
      edits.push({ start: at, end: at, text: `${indentOfLine(text, firstStart)}${call}${eolOf(text)}` });
    } else edits.push({ start: open, end: open, text: ` ${call}` });
  } else {
    // `(err) => fallback(err)` becomes `(err) => { span.setStatus(...); return fallback(err); }`.
    const start = body.getStart(sf);
    edits.push({ start, end: body.end, text: `{ ${call} return ${text.slice(start, body.end)}; }` });
  }
  if (edit) edits.push(edit);
  return { safety: 'safe', description: `Set \`${span.name}\`'s status to ERROR`, edits };
}
