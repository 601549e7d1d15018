/**
 * Wrap one call in a span: the team's own tracing helper when the project has one (`withLLMSpan(name,
 * async (span) => ...)`), else an OpenTelemetry `tracer.startActiveSpan(...)` with error status and
 * `span.end()` in `finally`. The span carries the GenAI attributes visible in the code (operation,
 * provider, requested model) and is named by the conventions (`chat gpt-4o`) when the provider is
 * known; otherwise it is named after the call, so it is never an incomplete GenAI span.
 *
 * Only calls whose value is awaited (or returned from an async function) are wrapped: the callback
 * returns the awaited result and the helper (or `startActiveSpan`) returns the callback's promise, which
 * the original `await` or `return` unwraps. Streams, promises used as values, calls containing `yield`
 * and calls around a suppressed one are left alone, with the reason.
 */

import fs from 'node:fs';
import path from 'node:path';
import ts = require('typescript');
import { analyzeFile } from '../../engine/analyze-file.js';
import type { EvaluatedSite, ScopeHelper } from '../../engine/link.js';
import { reindent } from '../text.js';
import { packageName } from '../codemods/package-name.js';
import { enclosingFunction, type FixEnv, importedFrom, isAsync, outerParens, RULE_OF_KIND, type SiteSource, siteIndex, sitesWithin, suppressedLines, topLevelConst, unwrapExpr } from './common.js';
import type { EditSink } from './source.js';
import { runMemo } from '../../run-memo.js';

export interface SpanOptions {
  /** Name given to `trace.getTracer(...)` when the file has no tracer (default: the nearest package.json name). */
  tracerName?: string;
  /** Use only OpenTelemetry, not the project's own helpers. */
  noHelpers?: boolean;
}

export type BuildResult = { description: string } | { skip: string };

/** What the code shows of a call: GenAI provider and requested model. */
export interface GenAiFacts {
  operation: string;
  provider?: string;
  model?: string;
}

/** The GenAI facts of a site, as far as its file shows them. */
export function genAiFacts(env: FixEnv, ss: SiteSource): GenAiFacts {
  const { site, src } = ss;
  const facts: GenAiFacts = { operation: site.operation };
  const fixed = env.fixes.providers[site.sdk];
  if (fixed) facts.provider = fixed;
  for (const a of site.args) {
    const m = a.obj?.model?.lit ?? a.obj?.modelId?.lit;
    if (typeof m === 'string') {
      facts.model = m;
      break;
    }
  }
  // A model value built by a provider function: `model: openai('gpt-4o-mini')` (AI SDK).
  const modelArg = site.args[0]?.obj?.model;
  if (modelArg) {
    const made = providerCall(env, src.sf, src.nodeAt(modelArg.start, modelArg.end));
    if (made) {
      facts.provider ??= made.provider;
      facts.model ??= made.model;
    }
  }
  // The receiver's construction in this file: `new ChatOpenAI({ model: 'gpt-4o' })` (LangChain).
  const origin = site.origin;
  const hash = origin?.lastIndexOf('#') ?? -1;
  if (origin && origin.slice(0, hash) === site.file) {
    const at = Number(origin.slice(hash + 1));
    const made = providerCall(env, src.sf, nodeStartingAt(src.sf, at));
    if (made) {
      facts.provider ??= made.provider;
      facts.model ??= made.model;
    }
  }
  return facts;
}

function nodeStartingAt(sf: ts.SourceFile, at: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (n: ts.Node): void => {
    if (found || n.end <= at || n.pos > at) return;
    if ((ts.isNewExpression(n) || ts.isCallExpression(n)) && n.getStart(sf) === at) {
      found = n;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

/** `openai('gpt-4o')`, `anthropic.messages('claude')`, `new ChatOpenAI({ model })`: the provider module's provider and the literal model. */
function providerCall(env: FixEnv, sf: ts.SourceFile, node: ts.Node | undefined, depth = 0): { provider?: string; model?: string } | undefined {
  if (!node || depth > 2) return undefined;
  const e = unwrapExpr(node as ts.Expression);
  if (!ts.isCallExpression(e) && !ts.isNewExpression(e)) return undefined;
  let root: ts.Expression = e.expression;
  while (ts.isPropertyAccessExpression(root)) root = root.expression;
  if (!ts.isIdentifier(root)) return undefined;
  let provider: string | undefined;
  const imp = importedFrom(sf, root.text);
  if (imp) provider = env.fixes.providerModules[imp.module];
  else {
    // `const openai = createOpenAI({...})` earlier in the file.
    const init = topLevelConst(sf, root.text);
    provider = init ? providerCall(env, sf, init, depth + 1)?.provider : undefined;
  }
  let model: string | undefined;
  const a0 = e.arguments?.[0] && unwrapExpr(e.arguments[0]);
  // A provider function's model id (`openai('gpt-4o')`); a constructor's string argument is something else (an API key).
  if (a0 && ts.isStringLiteralLike(a0) && ts.isCallExpression(e)) model = a0.text;
  else if (a0 && ts.isObjectLiteralExpression(a0)) {
    for (const p of a0.properties) {
      if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) continue;
      if ((p.name.text === 'model' || p.name.text === 'modelName') && ts.isStringLiteralLike(p.initializer)) model = p.initializer.text;
    }
  }
  return provider || model ? { provider, model } : undefined;
}

/** Why a call cannot move into a span callback, if it cannot. */
export function spanShapeProblem(env: FixEnv, ss: SiteSource): string | undefined {
  const { site, src, call } = ss;
  if (!ts.isCallExpression(call)) return 'not a call';
  const expr = call.expression;
  const name = ts.isPropertyAccessExpression(expr) ? expr.name.text : ts.isIdentifier(expr) ? expr.text : undefined;
  if (name && (/stream/i.test(name) || name === 'runTools')) return 'the call returns a stream: a span that ends when the call returns would end before the stream is read';
  for (const a of call.arguments) {
    const obj = unwrapExpr(a);
    if (!ts.isObjectLiteralExpression(obj)) continue;
    for (const p of obj.properties) {
      if (p.name && ts.isIdentifier(p.name) && p.name.text === 'stream' && !(ts.isPropertyAssignment(p) && p.initializer.kind === ts.SyntaxKind.FalseKeyword)) {
        return 'the call streams (`stream` option): a span that ends when the call returns would end before the stream is read';
      }
    }
  }
  const outer = outerParens(call);
  const parent = outer.parent;
  const fn = enclosingFunction(call);
  const ok =
    (parent && ts.isAwaitExpression(parent)) ||
    (parent && ts.isReturnStatement(parent) && isAsync(fn)) ||
    (parent && ts.isArrowFunction(parent) && parent.body === outer && isAsync(parent));
  if (!ok) return "the call's promise is used as a value (not awaited, nor returned from an async function): wrap it by hand";
  let hasYield = false;
  const visit = (n: ts.Node): void => {
    if (ts.isYieldExpression(n)) hasYield = true;
    else if (!hasYield) ts.forEachChild(n, visit);
  };
  visit(call);
  if (hasYield) return 'the call contains `yield`, which cannot move into a callback';
  // Another site inside this call whose finding is suppressed: moving it into a span would rewrite it.
  const inner = (env.project ? sitesWithin(siteIndex(env.project.sites()).byFile.get(site.file) ?? [], site.range.start, site.range.end) : []).filter((s) => s !== site && site.range.start <= s.range.start && s.range.end <= site.range.end && (s.range.start !== site.range.start || s.range.end !== site.range.end));
  if (inner.length) {
    for (const s of inner) {
      if (suppressedLines(src.text, RULE_OF_KIND[s.kind])(s.range.line)) return 'a call inside it is suppressed on purpose; moving it into a span would rewrite it';
    }
  }
  return undefined;
}

const packageDirs = runMemo(new Map<string, string | null>());

/** The directory of the nearest package.json above a file. */
function packageDir(file: string): string | undefined {
  let dir = path.dirname(file);
  const seen: string[] = [];
  for (;;) {
    const hit = packageDirs.get(dir);
    if (hit !== undefined) {
      for (const d of seen) packageDirs.set(d, hit);
      return hit ?? undefined;
    }
    seen.push(dir);
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      for (const d of seen) packageDirs.set(d, dir);
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      for (const d of seen) packageDirs.set(d, null);
      return undefined;
    }
    dir = parent;
  }
}

/** The arguments to call a helper with (the span name, the callback), or undefined when one is required that a fix cannot give. */
function helperArgs(h: ScopeHelper, spanName: string, callback: string, q: (s: string) => string): string[] | undefined {
  let last = h.callbackIndex;
  h.params.forEach((p, i) => {
    if (!p.optional || p.spanName) last = Math.max(last, i);
  });
  const args: string[] = [];
  for (let i = 0; i <= last; i++) {
    const p = h.params[i];
    if (i === h.callbackIndex) args.push(callback);
    else if (p?.spanName) args.push(q(spanName));
    else if (p?.optional) args.push('undefined');
    else return undefined;
  }
  return args;
}

/** The helper to use from a file: one it imports already, else one exported by a file of the same package; its expression. */
function chooseHelper(env: FixEnv, ss: SiteSource, sink: EditSink): { helper: ScopeHelper; expr: string } | undefined {
  const helpers = env.project?.scopeHelpers() ?? [];
  if (!helpers.length) return undefined;
  const { site, src } = ss;
  const enclosing = new Set<string>();
  for (let n: ts.Node | undefined = ss.call; n; n = n.parent) if (ts.isFunctionDeclaration(n) && n.name) enclosing.add(n.name.text);
  const usable = helpers.filter((h) => helperArgs(h, 'x', 'cb', (s) => s) && h.params[h.callbackIndex] !== undefined);
  // Already imported here (the binding the file uses).
  for (const h of usable) {
    if (h.file === site.file) continue;
    for (const st of src.sf.statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !st.moduleSpecifier.text.startsWith('.')) continue;
      const abs = path.resolve(path.dirname(site.file), st.moduleSpecifier.text).replace(/\.[cm]?[jt]sx?$/, '').replace(/\/index$/, '');
      if (abs !== h.file.replace(/\.[cm]?[jt]sx?$/, '').replace(/\/index$/, '')) continue;
      const b = sink.importBinding({ module: h.file, name: h.name });
      if ('expr' in b) return { helper: h, expr: b.expr };
    }
  }
  const dir = packageDir(site.file);
  const candidates = usable
    .filter((h) => packageDir(h.file) === dir)
    // The defining file first (not a re-export), then the nearest by path.
    .sort((a, b) => Number(b.fn.startsWith(b.file + '#')) - Number(a.fn.startsWith(a.file + '#')) || a.file.localeCompare(b.file) || a.name.localeCompare(b.name));
  for (const h of candidates) {
    if (h.file === site.file) {
      // A helper of this very file: called by its own name, unless the call is inside it.
      if (h.name === 'default' || enclosing.has(h.name) || !topLevelFunction(src.sf, h.name)) continue;
      return { helper: h, expr: h.name };
    }
    if (h.name === 'default') continue;
    const b = sink.importBinding({ module: h.file.replace(/\.[cm]?[jt]sx?$/, ''), name: h.name });
    if ('expr' in b) return { helper: h, expr: b.expr };
  }
  return undefined;
}

function topLevelFunction(sf: ts.SourceFile, name: string): boolean {
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name?.text === name) return true;
    if (ts.isVariableStatement(st) && st.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name)) return true;
  }
  return false;
}

/** A top-level `const` the engine resolves to an OpenTelemetry tracer (reused instead of adding one). */
const tracerMemo = runMemo(new Map<string, { text: string; tracer: string | undefined }>());

export function existingTracer(env: FixEnv, file: string, text: string): string | undefined {
  if (!text.includes('getTracer')) return undefined;
  const memo = tracerMemo.get(file);
  if (memo?.text === text) return memo.tracer;
  const tracer = findTracer(env, file, text);
  tracerMemo.set(file, { text, tracer });
  if (tracerMemo.size > 64) tracerMemo.delete(tracerMemo.keys().next().value!);
  return tracer;
}

function findTracer(env: FixEnv, file: string, text: string): string | undefined {
  const decls: ts.VariableDeclaration[] = [];
  let found: string | undefined;
  try {
    analyzeFile(file, text, {
      catalog: env.catalog,
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
              if (v?.k === 'inst' && v.type === 'otel.Tracer' && v.path.length === 0) found ??= (d.name as ts.Identifier).text;
            }
          },
        },
      ],
    });
  } catch {
    return undefined;
  }
  return found;
}

function templateRanges(node: ts.Node, sf: ts.SourceFile): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const base = node.getStart(sf);
  const visit = (n: ts.Node): void => {
    if (n.kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral || n.kind === ts.SyntaxKind.TemplateExpression) out.push({ start: n.getStart(sf) - base, end: n.end - base });
    ts.forEachChild(n, visit);
  };
  visit(node);
  return out;
}

/** A span name from a callee's text: `new Runner().run` → `Runner.run`, `this.client.chat(x).send` → `this.client.chat.send`. */
function calleeName(callee: string): string {
  let name = callee.replace(/^new\s+/, '');
  for (let prev = ''; prev !== name; ) {
    prev = name;
    name = name.replace(/\((?:[^()]|\([^()]*\))*\)/g, '').replace(/<[^<>]*>/g, '');
  }
  return name.replace(/\s+/g, '') || callee;
}

/** The span's name and attributes (object literal text) from what the code shows. */
export function spanNaming(site: EvaluatedSite, facts: GenAiFacts, q: (s: string) => string): { name: string; attributes: string } {
  const attrs: string[] = [`${q('gen_ai.operation.name')}: ${q(facts.operation)}`];
  if (facts.provider) attrs.push(`${q('gen_ai.provider.name')}: ${q(facts.provider)}`);
  if (facts.model) attrs.push(`${q('gen_ai.request.model')}: ${q(facts.model)}`);
  // GenAI span names (`chat gpt-4o`) require the provider; without it the span is named after the call.
  const name = facts.provider ? (facts.model ? `${facts.operation} ${facts.model}` : facts.operation) : calleeName(site.callee);
  return { name, attributes: `{ ${attrs.join(', ')} }` };
}

/** The tracer a sink's file gets from an earlier call of the same run (a codemod wrapping several calls). */
const addedTracers = new WeakMap<EditSink, string>();

/** Wrap the site's call in a span through `sink`. */
export function buildSpanWrap(env: FixEnv, ss: SiteSource, sink: EditSink, opts: SpanOptions = {}): BuildResult & { helper?: string } {
  const problem = spanShapeProblem(env, ss);
  if (problem) return { skip: problem };
  const { site, src, call } = ss;
  const facts = genAiFacts(env, ss);
  const { name, attributes } = spanNaming(site, facts, (s) => sink.q(s));
  const used = new Set<string>();
  const collect = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) used.add(n.text);
    ts.forEachChild(n, collect);
  };
  collect(call);
  const eol = sink.eol;
  const semi = sink.semi;
  const i0 = sink.indentAt(call.getStart(src.sf));
  const unit = sink.style.indentUnit;
  const i1 = i0 + unit;
  const i2 = i1 + unit;
  const callStart = call.getStart(src.sf);
  const helper = opts.noHelpers ? undefined : chooseHelper(env, ss, sink);
  if (helper) {
    const h = helper.helper;
    const receives = !!h.params[h.callbackIndex]?.receivesSpan;
    let s = 'span';
    for (let i = 2; used.has(s); i++) s = `span${i}`;
    let setAttrs: string | undefined;
    if (receives) setAttrs = `${s}.setAttributes(${attributes})${semi}`;
    else if (h.mechanism.startsWith('scope:otel.')) {
      const trace = sink.importBinding({ module: env.fixes.spans.module, name: 'trace' });
      if ('error' in trace) return { skip: trace.error };
      setAttrs = `${trace.expr}.getActiveSpan()?.setAttributes(${attributes})${semi}`;
    }
    const callText = reindent(call.getText(src.sf), unit, templateRanges(call, src.sf));
    const cb =
      `async (${receives ? s : ''}) => {${eol}` + (setAttrs ? `${i1}${setAttrs}${eol}` : '') + `${i1}return await ${callText}${semi}${eol}` + `${i0}}`;
    const args = helperArgs(h, name, cb, (x) => sink.q(x))!;
    sink.replace(callStart, call.end, `${helper.expr}(${args.join(', ')})`);
    return { description: `Run the call inside \`${helper.expr}\` (the project's tracing helper)${setAttrs ? ', with its GenAI attributes' : ''}`, helper: helper.expr };
  }
  // OpenTelemetry.
  const otel = env.fixes.spans.module;
  let tracer = existingTracer(env, site.file, src.text) ?? addedTracers.get(sink);
  if (!tracer) {
    const trace = sink.importBinding({ module: otel, name: 'trace' });
    if ('error' in trace) return { skip: trace.error };
    tracer = sink.freeName('tracer');
    const tracerName = opts.tracerName ?? packageName(site.file) ?? 'app';
    sink.addTopStatement(`const ${tracer} = ${trace.expr}.getTracer(${sink.q(tracerName)})${semi}`);
    addedTracers.set(sink, tracer);
  }
  const kind = sink.importBinding({ module: otel, name: 'SpanKind' });
  if ('error' in kind) return { skip: kind.error };
  const status = sink.importBinding({ module: otel, name: 'SpanStatusCode' });
  if ('error' in status) return { skip: status.error };
  let s = 'span';
  for (let i = 2; used.has(s) || s === tracer; i++) s = `span${i}`;
  const callText = reindent(call.getText(src.sf), unit + unit, templateRanges(call, src.sf));
  const code =
    `${tracer}.startActiveSpan(${sink.q(name)}, { kind: ${kind.expr}.CLIENT, attributes: ${attributes} }, async (${s}) => {${eol}` +
    `${i1}try {${eol}` +
    `${i2}return await ${callText}${semi}${eol}` +
    `${i1}} catch (error) {${eol}` +
    `${i2}${s}.setStatus({ code: ${status.expr}.ERROR, message: error instanceof Error ? error.message : String(error) })${semi}${eol}` +
    `${i2}${s}.setAttribute(${sink.q('error.type')}, error instanceof Error ? error.constructor.name : ${sink.q('Error')})${semi}${eol}` +
    `${i2}throw error${semi}${eol}` +
    `${i1}} finally {${eol}` +
    `${i2}${s}.end()${semi}${eol}` +
    `${i1}}${eol}` +
    `${i0}})`;
  sink.replace(callStart, call.end, code);
  return { description: `Wrap the call in an OpenTelemetry span \`${name}\` (\`${tracer}.startActiveSpan\`) with its GenAI attributes` };
}
