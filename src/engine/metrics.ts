/**
 * Metrics as the engine's model sees them across functions: the project's own metric factories,
 * registries and wrapper methods (`getCounter(name, options)`, `createCounter(opts)`,
 * `registry.gauge({ name, help })`), summarised from their bodies so that each call of them, in any file,
 * is a declaration with the name and options its arguments give (`FnSummary.metricDecl`).
 */

import ts = require('typescript');
import { addedToCollection, type FnNode, propName, unwrap } from './ast.js';
import type { SemanticModel } from './model.js';
import type { AVal, FnSummary, MetricVia } from './values.js';
import type { MemberSpec } from './catalog-schema.js';

const callIndexes = new WeakMap<SemanticModel, Map<FnNode, (ts.CallExpression | ts.NewExpression)[]>>();

/** Iteration methods whose callback runs before they return (`providers.forEach((p) => p.record(...))`). */
const SYNC_CALLBACKS = new Set(['forEach', 'map', 'flatMap', 'filter', 'some', 'every', 'find', 'reduce']);

/**
 * Calls and constructions inside a function, and inside the callbacks it passes to iteration methods
 * (which run before it returns); not those of other nested functions.
 */
function callsIn(model: SemanticModel, f: FnNode): (ts.CallExpression | ts.NewExpression)[] {
  let index = callIndexes.get(model);
  if (!index) {
    index = new Map();
    for (const r of model.facts.calls) {
      // Attribute the call to its innermost function, and on through synchronous iteration callbacks.
      for (let c = r.fns; c; c = c.parent) {
        (index.get(c.node) ?? index.set(c.node, []).get(c.node)!).push(r.node);
        const passed = model.passedTo(c.node);
        const callee = passed && ts.isCallExpression(passed.call) ? unwrap(passed.call.expression) : undefined;
        if (!callee || !ts.isPropertyAccessExpression(callee) || !SYNC_CALLBACKS.has(callee.name.text)) break;
      }
    }
    callIndexes.set(model, index);
  }
  return index.get(f) ?? [];
}

/**
 * The parameter a labels expression comes from: the parameter itself, an object literal that spreads it
 * (`{ ...attributes, operation }`), or a call that transforms it (`this.flatten(attributes)`,
 * `withDefaults(attributes)`).
 */
function labelsParam(model: SemanticModel, f: FnNode, e: ts.Expression | undefined, depth = 0): number | undefined {
  if (!e || depth > 3) return undefined;
  const u = unwrap(e);
  if (ts.isIdentifier(u)) {
    const b = model.bindingOf(u);
    if (b?.k === 'param' && b.fn === f && b.path.length === 0 && !b.opaque) return b.index;
    if (b?.k === 'var' && b.init && b.path.length === 0 && !b.opaque) return labelsParam(model, f, b.init, depth + 1);
    return undefined;
  }
  if (ts.isObjectLiteralExpression(u)) {
    for (const p of u.properties) if (ts.isSpreadAssignment(p)) {
      const i = labelsParam(model, f, p.expression, depth + 1);
      if (i !== undefined) return i;
    }
    return undefined;
  }
  if (ts.isCallExpression(u)) {
    for (const a of u.arguments) {
      const i = labelsParam(model, f, a, depth + 1);
      if (i !== undefined) return i;
    }
  }
  if (ts.isBinaryExpression(u) && (u.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || u.operatorToken.kind === ts.SyntaxKind.BarBarToken)) return labelsParam(model, f, u.left, depth + 1);
  return undefined;
}

/**
 * Whether a function records a metric sample whose labels come from one of its parameters (a recording
 * call of the catalog, or of another such wrapper), for `FnSummary.metricUse`.
 */
export function metricUseOf(model: SemanticModel, f: FnNode): FnSummary['metricUse'] {
  if (!f.parameters.length) return undefined;
  for (const call of callsIn(model, f)) {
    if (!ts.isCallExpression(call)) continue;
    const callee = model.valueOf(call.expression);
    if (!callee) continue;
    const spec = model.specOf(callee)?.metric;
    if (spec?.labels && spec.records) {
      const i = labelsParam(model, f, call.arguments[spec.labels.arg]);
      if (i !== undefined) return { api: spec.api, labelsArg: i, ...viaOf(callee) };
      continue;
    }
    // Another wrapper's summary only matters when an argument comes from a parameter.
    if (callee.k !== 'fn' || !call.arguments.some((a) => labelsParam(model, f, a) !== undefined)) continue;
    const inner = model.summaryOf(callee)?.metricUse;
    if (!inner) continue;
    const i = labelsParam(model, f, call.arguments[inner.labelsArg]);
    if (i !== undefined) return { api: inner.api, labelsArg: i, ...(inner.via ? { via: inner.via } : {}) };
  }
  return storedSampleUse(model, f);
}

/**
 * A method that forwards to the method of the same name of a value of another file, passing some of its
 * parameters on (`for (const a of this.adapters) a.recordHistogram(name, value, merged)`), for
 * `FnSummary.metricForward`: only values the project can resolve (rooted in another file) are kept.
 */
export function metricForwardOf(model: SemanticModel, f: FnNode): FnSummary['metricForward'] {
  if (!ts.isMethodDeclaration(f) || !f.parameters.length) return undefined;
  const name = propName(f.name);
  // (Asked of every method: its text first, before any call is indexed.)
  if (name === undefined || !f.body || !model.sourceFile.text.slice(f.body.pos, f.body.end).includes(`.${name}`)) return undefined;
  for (const call of callsIn(model, f)) {
    if (!ts.isCallExpression(call)) continue;
    const e = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(e) || e.name.text !== name) continue;
    const args = call.arguments.map((a) => labelsParam(model, f, a) ?? null);
    if (args.every((a) => a === null)) continue;
    const callee = model.valueOf(e);
    // (A function of this file is followed through its own summary: see `metricUseOf`.)
    if (callee?.k === 'ref' || (callee?.k === 'fn' && !model.fnNode(callee.id))) return { callee, args };
  }
  return undefined;
}

/**
 * What a function declares and records, its own summary's or, for a method that forwards
 * (`FnSummary.metricForward`), what the method it forwards to does, with the arguments mapped back to
 * this method's parameters. Resolved through the project, so only where the run has it.
 */
export function metricEffects(model: SemanticModel, s: FnSummary | undefined, depth = 0): Pick<FnSummary, 'metricDecl' | 'metricUse'> {
  if (!s) return {};
  if (s.metricDecl || s.metricUse || !s.metricForward || depth > 3) return { ...(s.metricDecl ? { metricDecl: s.metricDecl } : {}), ...(s.metricUse ? { metricUse: s.metricUse } : {}) };
  const { callee, args } = s.metricForward;
  const inner = metricEffects(model, model.summaryOf(model.resolvedValue(callee)), depth + 1);
  const map = (i: number | undefined) => (i === undefined ? undefined : (args[i] ?? undefined));
  const out: Pick<FnSummary, 'metricDecl' | 'metricUse'> = {};
  if (inner.metricDecl) {
    const d: NonNullable<FnSummary['metricDecl']> = { api: inner.metricDecl.api, kind: inner.metricDecl.kind };
    for (const k of ['nameArg', 'optionsArg', 'labelNamesArg', 'helpArg'] as const) {
      const i = map(inner.metricDecl[k]);
      if (i !== undefined) d[k] = i;
    }
    if (d.nameArg !== undefined || d.optionsArg !== undefined) out.metricDecl = d;
  }
  const labelsArg = inner.metricUse && map(inner.metricUse.labelsArg);
  if (inner.metricUse && labelsArg !== undefined) out.metricUse = { api: inner.metricUse.api, labelsArg, ...(inner.metricUse.via ? { via: inner.metricUse.via } : {}) };
  return out;
}


/**
 * A method that keeps a sample for an observable instrument of its own class to report: a synchronous
 * gauge built on an observable one, which stores `{ value, attributes }` in a collection of an instance
 * field (`this.series.get(name).set(key, { value, attributes })`) and observes it in the instrument's
 * callback (`result.observe(data.value, this.flatten(data.attributes))`). The stored member the class's
 * recording call reads as its labels (by name) is the label set: the parameter it holds is the method's
 * labels argument, as for a method that records directly.
 */
function storedSampleUse(model: SemanticModel, f: FnNode): FnSummary['metricUse'] {
  const cls = model.parent(f);
  if (!ts.isMethodDeclaration(f) || !cls || !ts.isClassLike(cls)) return undefined;
  // Stored members that hold a parameter (`{ value, attributes }`, `{ attributes: merged }`).
  const stored = new Map<string, number>();
  for (const call of callsIn(model, f)) {
    const added = ts.isCallExpression(call) ? addedToCollection(call) : undefined;
    if (!added || !fieldCollection(model, added.collection, 0)) continue;
    for (const p of added.values.flatMap((v) => model.objectLiteralOf(v)?.properties ?? [])) {
      const key = ts.isPropertyAssignment(p) ? propName(p.name) : ts.isShorthandPropertyAssignment(p) ? p.name.text : undefined;
      const i = ts.isPropertyAssignment(p) ? labelsParam(model, f, p.initializer) : ts.isShorthandPropertyAssignment(p) ? labelsParam(model, f, p.name) : undefined;
      if (key !== undefined && i !== undefined) stored.set(key, i);
    }
  }
  if (!stored.size) return undefined;
  // A recording call of the class whose labels read one of those members (`data.attributes`, or a
  // helper's copy of it: `this.flatten(data.attributes)`).
  for (const rec of model.facts.calls) {
    if (rec.classes?.node !== cls || !ts.isCallExpression(rec.node)) continue;
    // (Only calls with an argument that reads a stored member are resolved.)
    if (!rec.node.arguments.some((a) => stored.has(readMember(a) ?? ''))) continue;
    const recording = recordingOf(model, rec.node);
    const spec = recording?.spec;
    if (!spec?.labels || !spec.records) continue;
    const key = readMember(rec.node.arguments[spec.labels.arg]);
    const i = key === undefined ? undefined : stored.get(key);
    if (i !== undefined) return { api: spec.api, labelsArg: i, ...viaOf(recording!.callee) };
  }
  return undefined;
}

/**
 * The metric spec of a call, with the value it goes through: a catalog member, or a member of the result
 * an instrument's callback receives (`gauge.addCallback((result) => result.observe(v, attrs))`).
 */
function recordingOf(model: SemanticModel, call: ts.CallExpression): { spec: NonNullable<MemberSpec['metric']>; callee: AVal } | undefined {
  const callee = model.valueOf(call.expression);
  if (!callee) return undefined;
  const spec = model.specOf(callee)?.metric;
  if (spec) return { spec, callee };
  if (callee.k !== 'param' || callee.steps.some((st) => !('m' in st))) return undefined;
  const fn = model.fnNode(callee.fn);
  const passed = fn && model.passedTo(fn);
  if (!passed || !ts.isCallExpression(passed.call)) return undefined;
  const cb = model.specOf(model.valueOf(passed.call.expression))?.metric?.callback;
  if (!cb || cb.arg !== passed.index || cb.param !== callee.index) return undefined;
  const inst: AVal = { k: 'inst', type: cb.result, path: callee.steps.map((st) => (st as { m: string }).m) };
  const member = model.specOf(inst)?.metric;
  return member ? { spec: member, callee: inst } : undefined;
}

/** The member a labels expression reads (`data.attributes`, also through a one-argument helper). */
function readMember(e: ts.Expression | undefined): string | undefined {
  if (!e) return undefined;
  const u = unwrap(e);
  if (ts.isPropertyAccessExpression(u)) return u.name.text;
  if (ts.isCallExpression(u) && u.arguments.length === 1) return readMember(u.arguments[0]);
  if (ts.isObjectLiteralExpression(u) && u.properties.length === 1 && ts.isSpreadAssignment(u.properties[0]!)) return readMember(u.properties[0].expression);
  return undefined;
}

/**
 * Whether an expression is a collection an instance field holds: `this.samples`, `this.series.get(name)`,
 * or a local variable set from one.
 */
function fieldCollection(model: SemanticModel, e: ts.Expression, depth: number): boolean {
  if (depth > 3) return false;
  let u = unwrap(e);
  while (ts.isCallExpression(u) || ts.isPropertyAccessExpression(u) || ts.isElementAccessExpression(u) || ts.isNonNullExpression(u)) u = unwrap(ts.isCallExpression(u) ? u.expression : u.expression);
  if (u.kind === ts.SyntaxKind.ThisKeyword) return true;
  if (!ts.isIdentifier(u)) return false;
  const b = model.bindingOf(u);
  if (b?.k !== 'var' || b.path.length || b.opaque) return false;
  const values = [...(b.init ? [b.init] : []), ...model.assignmentsOf(b).map((a) => a.value)];
  return values.some((v) => fieldCollection(model, v, depth + 1));
}

/** The catalog member a recording call goes through, for `MetricVia`. */
function viaOf(callee: AVal): { via?: MetricVia } {
  return callee.k === 'inst' ? { via: { type: callee.type, path: callee.path } } : {};
}

/**
 * The labels whose values a function takes from its parameters when it records a metric sample with a
 * label set of its own (`requests.add(1, { route, method: 'GET' })` in `countRoute(route)`), for
 * `FnSummary.metricLabels`. Only an object literal the labels argument denotes (written there, held by a
 * `const`, or returned by a local function) counts, and only a parameter passed as the value itself.
 */
export function metricLabelsOf(model: SemanticModel, f: FnNode): FnSummary['metricLabels'] {
  if (!f.parameters.length) return undefined;
  const paramIndex = (e: ts.Expression): number | undefined => {
    const u = unwrap(e);
    if (!ts.isIdentifier(u)) return undefined;
    const b = model.bindingOf(u);
    return b?.k === 'param' && b.fn === f && b.path.length === 0 && !b.opaque ? b.index : undefined;
  };
  for (const call of callsIn(model, f)) {
    if (!ts.isCallExpression(call)) continue;
    const callee = model.valueOf(call.expression);
    const spec = model.specOf(callee)?.metric;
    if (!callee || !spec?.labels || !spec.records) continue;
    const arg = call.arguments[spec.labels.arg];
    const obj = arg && model.objectLiteralOf(arg);
    if (!obj) continue;
    const labels: { key: string; index: number }[] = [];
    for (const p of obj.properties) {
      const key = ts.isPropertyAssignment(p) ? propName(p.name) : ts.isShorthandPropertyAssignment(p) ? p.name.text : undefined;
      const value = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : undefined;
      const index = value && paramIndex(value);
      if (key !== undefined && index !== undefined) labels.push({ key, index });
    }
    if (labels.length) return { api: spec.api, labels, ...viaOf(callee) };
  }
  return undefined;
}

/**
 * Whether a function declares a metric from its arguments, and from which: a declaring call of the
 * catalog (`meter.createCounter(name, opts)`, `new Counter(opts)`) or of another factory, whose name,
 * options, label names or help come from the function's parameters (directly, or spread into the options
 * object). A declaration whose name and options are all the function's own is an ordinary declaration.
 */
export function metricDeclOf(model: SemanticModel, f: FnNode): FnSummary['metricDecl'] {
  const paramIndex = (e: ts.Expression | undefined): number | undefined => {
    const u = e && unwrap(e);
    if (!u || !ts.isIdentifier(u)) return undefined;
    const b = model.bindingOf(u);
    return b?.k === 'param' && b.fn === f && b.path.length === 0 && !b.opaque ? b.index : undefined;
  };
  if (!f.parameters.length) return undefined;
  for (const call of callsIn(model, f)) {
    const callee = model.valueOf(call.expression);
    if (!callee) continue;
    const args = call.arguments ?? ts.factory.createNodeArray<ts.Expression>();
    const member = model.specOf(callee);
    const spec = member?.metric;
    if (spec?.kind && ((ts.isNewExpression(call) && member!.new) || (ts.isCallExpression(call) && member!.returns))) {
      if (spec.api === 'otel') {
        const nameArg = paramIndex(args[0]);
        const optionsArg = paramIndex(args[1]);
        if (nameArg !== undefined || optionsArg !== undefined) return { api: 'otel', kind: spec.kind, ...(nameArg !== undefined ? { nameArg } : {}), ...(optionsArg !== undefined ? { optionsArg } : {}) };
        continue;
      }
      const direct = paramIndex(args[0]);
      if (direct !== undefined) return { api: 'prom-client', kind: spec.kind, optionsArg: direct };
      const obj = args[0] && model.objectLiteralOf(args[0]);
      if (!obj) continue;
      const out: NonNullable<FnSummary['metricDecl']> = { api: 'prom-client', kind: spec.kind };
      for (const p of obj.properties) {
        if (ts.isSpreadAssignment(p)) {
          const i = paramIndex(p.expression);
          if (i !== undefined) out.optionsArg = i;
          continue;
        }
        const key = ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) ? propName(p.name) : undefined;
        const value = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : undefined;
        const i = paramIndex(value);
        if (i === undefined) continue;
        if (key === 'name') out.nameArg = i;
        else if (key === 'labelNames') out.labelNamesArg = i;
        else if (key === 'help') out.helpArg = i;
      }
      if (out.optionsArg !== undefined || out.nameArg !== undefined) return out;
      continue;
    }
    // Through another factory: its arguments mapped to this function's parameters.
    if (callee.k !== 'fn' || !ts.isCallExpression(call) || !args.some((a) => paramIndex(a) !== undefined)) continue;
    const inner = model.summaryOf(callee)?.metricDecl;
    if (!inner) continue;
    const map = (i: number | undefined) => (i === undefined ? undefined : paramIndex(args[i]));
    const out: NonNullable<FnSummary['metricDecl']> = { api: inner.api, kind: inner.kind };
    for (const k of ['nameArg', 'optionsArg', 'labelNamesArg', 'helpArg'] as const) {
      const i = map(inner[k]);
      if (i !== undefined) out[k] = i;
    }
    if (out.nameArg !== undefined || out.optionsArg !== undefined) return out;
  }
  return undefined;
}
