/**
 * The metrics of one file, as the three metric rules see them: declarations (prom-client
 * `new Counter({...})`, OTel `meter.createCounter(...)`), uses that carry labels (`inc`, `observe`,
 * `labels`, `startTimer` and its `end`, OTel `add`/`record`/`observe`), and which declaration each use
 * belongs to.
 *
 * Everything is resolved through the engine: a call is a metric call when `ctx.specOf(ctx.valueOf(callee))`
 * has a `metric` spec in the catalog (rules/catalog/metrics/). A use is tied to its declaration by value
 * identity: the engine memoises the value of each expression and each declaration, so the receiver of
 * `requests.inc()` (a variable, `this.requests`, an object member) evaluates to the very object that
 * `new Counter(...)` evaluated to. When that identity cannot be established the use has no declaration
 * and the rules that need one stay silent.
 *
 * The model is built once per file and shared by the metric rules (a WeakMap on the source file).
 */

import ts = require('typescript');
import type { FileVisitor, WalkContext } from '../../src/engine/analyze-file.js';
import { type FnNode, propName as propertyName, unwrap as unwrapExpr } from '../../src/engine/ast.js';
import type { SemanticModel } from '../../src/engine/model.js';
import type { Scopes } from '../../src/engine/scopes.js';
import { originOf } from '../../src/engine/ast.js';
import type { AVal, FnSummary } from '../../src/engine/values.js';
import type { MemberSpec, MetricKind, MetricSpec } from '../catalog/types.js';
import { callersAllInFile } from './label-values.js';
import { metricEffects } from '../../src/engine/metrics.js';

export interface StaticProp {
  key: string;
  /** The property (its name is where label findings point). */
  node: ts.ObjectLiteralElementLike;
  keyNode: ts.Node;
  /** The value expression (the identifier itself for shorthand properties); undefined for methods. */
  value?: ts.Expression;
  /**
   * Built at run time by another function (`...getStandardAttributes()`, `this.baseLabels()`): the
   * expression of the object being read that brought the property in (findings point there).
   */
  via?: ts.Expression;
}

/** An object literal as far as it can be read statically (through `const` variables and spreads). */
export interface StaticObject {
  node: ts.ObjectLiteralExpression;
  props: Map<string, StaticProp>;
  /** Some keys cannot be known (a spread or a computed key we cannot read). */
  open: boolean;
}

export type LabelArgs =
  | { k: 'none' }
  | { k: 'object'; obj: StaticObject }
  | { k: 'positional'; values: ts.Expression[] }
  /** The arguments of a project helper that become the values of these labels (`FnSummary.metricLabels`). */
  | { k: 'params'; values: { key: string; value: ts.Expression }[] }
  | { k: 'unknown' };

export interface MetricDecl {
  node: ts.NewExpression | ts.CallExpression;
  api: MetricSpec['api'];
  kind: MetricKind;
  /** The options object (prom-client argument 0, OTel argument 1), when it can be read. */
  options?: StaticObject;
  /** The options argument is present but cannot be read. */
  optionsUnknown: boolean;
  /** The metric name: a static string, `dynamic` (built at run time) or `missing`. */
  name: { text: string; node: ts.Expression } | 'dynamic' | 'missing';
  /** The expression that gives the name, when there is one (a `dynamic` name's template or variable). */
  nameExpr?: ts.Expression;
  /** Declared through the project's own factory of this name (`getCounter('x')`): it may add options of its own. */
  viaFactory?: string;
  /** prom-client `labelNames`, when statically known (`[]` when absent). */
  labelNames?: { names: string[]; nodes: ts.Expression[] };
  /** prom-client `enableExemplars`: true, false, or undefined when it cannot be read. */
  exemplars: boolean | undefined;
  uses: MetricUse[];
}

export interface MetricUse {
  node: ts.CallExpression;
  api: MetricSpec['api'];
  spec: MetricSpec;
  /** Text of the callee, for messages (`requests.labels`). */
  callee: string;
  labels: LabelArgs;
  /** What the call applies to: the declaration, or the use that produced the receiver (`labels()`, `startTimer()`). */
  origin?: MetricDecl | MetricUse;
  /** The declaration at the root of the origin chain, when every link is known. */
  decl?: MetricDecl;
  /** Recorded through the project's own wrapper of this name (`recordCounter(...)`). */
  viaWrapper?: string;
  /**
   * A call of the project's own helper that records with label values from its parameters
   * (`countRoute(req.url)`): the labels are the arguments (`labels.k === 'params'`); the helper's own
   * label set is judged in the helper.
   */
  viaHelper?: string;
}

export interface MetricFileModel {
  decls: MetricDecl[];
  uses: MetricUse[];
  /** The engine's scope table of the file (what names denote). */
  bindings: Scopes;
  sourceFile: ts.SourceFile;
  /** The engine's semantic model of the file. */
  model: SemanticModel;
}

/** The catalog members the metric rules look at (`RuleModule.needs`): files that cannot reach one get no visitor. */
export const isMetricMember = (m: MemberSpec): boolean => !!m.metric;

const models = new WeakMap<ts.SourceFile, MetricFileModel>();

/**
 * A visitor that hands the file's metric model to `onModel` at the end of the walk. The model is built
 * from the engine's facts (every call of the file, every place a value is stored) once per file and
 * shared by the metric rules.
 */
export function metricVisitor(onModel: (model: MetricFileModel, ctx: WalkContext) => void): FileVisitor {
  return {
    kinds: [],
    visit() {},
    end(ctx) {
      let model = models.get(ctx.sourceFile);
      if (!model) {
        model = new Collector(ctx.model).build(ctx);
        models.set(ctx.sourceFile, model);
      }
      onModel(model, ctx);
    },
  };
}

class Collector {
  readonly bindings: Scopes;
  readonly sf: ts.SourceFile;
  private readonly calls: (ts.CallExpression | ts.NewExpression)[];
  /** Expressions whose value a metric may be stored from (initializers, assigned values). */
  private readonly holders: ts.Expression[] = [];

  constructor(readonly model: SemanticModel) {
    const facts = model.facts;
    this.bindings = facts.scopes;
    this.sf = model.sourceFile;
    this.calls = facts.calls.map((r) => r.node);
    for (const b of facts.scopes.allBindings()) if (b.k === 'var' && b.init && b.path.length === 0) this.holders.push(b.init);
    this.holders.push(...facts.assignedValues);
    for (const props of facts.classProps.values()) for (const values of props.values()) for (const v of values) if ('expr' in v) this.holders.push(v.expr);
  }

  build(ctx: WalkContext): MetricFileModel {
    const sf = this.sf;
    const decls: MetricDecl[] = [];
    const uses: MetricUse[] = [];
    const byNode = new Map<ts.Node, MetricDecl | MetricUse>();
    /** Pending uses: the receiver whose value names their origin. */
    const pending: { use: MetricUse; receiver: AVal | undefined }[] = [];
    /** Callback functions (by engine function id) whose parameter is an observation result. */
    const callbacks = new Map<string, { param: number; result: string; origin: AVal | undefined; originArgOf?: number }>();
    const paramCalls: { node: ts.CallExpression; callee: Extract<AVal, { k: 'param' }> }[] = [];

    for (const node of this.calls) {
      const callee = ctx.valueOf(node.expression);
      if (!callee) continue;
      if (callee.k === 'param') {
        if (ts.isCallExpression(node)) paramCalls.push({ node, callee });
        continue;
      }
      // A call of the project's own metric factory (`getCounter('x', opts)`): a declaration of its own.
      if (callee.k === 'fn' && ts.isCallExpression(node)) {
        const summary = this.model.summaryOf(callee);
        // (A method that forwards to another file's method of the same name does what that one does.)
        const effects = metricEffects(this.model, summary);
        const factory = effects.metricDecl;
        let decl: MetricDecl | undefined;
        if (factory) {
          decl = this.declaration(node, { api: factory.api }, factory.kind, factory);
          decl.viaFactory = summary?.name ?? 'factory';
          decls.push(decl);
          byNode.set(node, decl);
        }
        // A call of the project's own recording wrapper (`recordCounter(name, 1, { ... })`): a use whose
        // labels are the argument the wrapper records with.
        const wrapper = effects.metricUse;
        if (wrapper) {
          const spec: MetricSpec = { api: wrapper.api, labels: { arg: wrapper.labelsArg }, records: true };
          const use: MetricUse = { node, api: wrapper.api, spec, callee: calleeText(sf, node.expression), labels: { k: 'unknown' }, viaWrapper: summary!.name };
          uses.push(use);
          if (decl) use.origin = decl;
          else pending.push({ use, receiver: undefined });
        }
        // A call of a helper that records with label values from its parameters (`countRoute(req.url)`).
        const labelled = summary?.metricLabels;
        // (A helper of this file all of whose calls are here has its label values judged from them, in the helper.)
        const local = this.model.fnNode(callee.id);
        if (labelled && ts.isCallExpression(node) && !(local && callersAllInFile(this.model, local))) {
          const values: { key: string; value: ts.Expression }[] = [];
          for (const l of labelled.labels) {
            const a = node.arguments[l.index];
            if (a && !ts.isSpreadElement(a)) values.push({ key: l.key, value: a });
          }
          const spec: MetricSpec = { api: labelled.api, records: true };
          if (values.length) uses.push({ node, api: labelled.api, spec, callee: calleeText(sf, node.expression), labels: { k: 'params', values }, viaHelper: summary!.name ?? calleeText(sf, node.expression) });
        }
        continue;
      }
      const member = ctx.specOf(callee);
      const spec = member?.metric;
      if (!spec) continue;
      const isNew = ts.isNewExpression(node);
      if (spec.kind) {
        // Declaring: `new Counter(...)` for classes, `meter.createCounter(...)` for factories.
        if ((isNew && member.new) || (!isNew && member.returns)) {
          const decl = this.declaration(node, spec, spec.kind);
          decls.push(decl);
          byNode.set(node, decl);
        }
        continue;
      }
      if (isNew || !ts.isCallExpression(node)) continue;
      if (spec.callback) {
        const fnArg = node.arguments[spec.callback.arg];
        const fv = fnArg && ctx.valueOf(fnArg);
        if (fv?.k === 'fn') callbacks.set(fv.id, { param: spec.callback.param, result: spec.callback.result, origin: ctx.valueOf(receiverOf(node.expression, callee) ?? node.expression) });
        continue;
      }
      // Uses: calls that take labels, record a sample, or return something bound to the metric (`startTimer()` on a child).
      if (!spec.labels && !spec.records && !member.returns) continue;
      const use: MetricUse = { node, api: spec.api, spec, callee: calleeText(sf, node.expression), labels: { k: 'unknown' } };
      uses.push(use);
      byNode.set(node, use);
      const receiver = receiverOf(node.expression, callee);
      pending.push({ use, receiver: receiver && ctx.valueOf(receiver) });
    }

    // `gauge.addCallback((result) => result.observe(v, attrs))`: calls on the callback's parameter.
    for (const { node, callee } of paramCalls) {
      const cb = callbacks.get(callee.fn);
      if (!cb || cb.param !== callee.index || callee.steps.some((s) => !('m' in s))) continue;
      const path = callee.steps.map((s) => (s as { m: string }).m);
      const spec = ctx.specOf({ k: 'inst', type: cb.result, path })?.metric;
      if (!spec || (!spec.labels && !spec.records)) continue;
      const use: MetricUse = { node, api: spec.api, spec, callee: calleeText(sf, node.expression), labels: { k: 'unknown' } };
      uses.push(use);
      // Batch callbacks name the observable in argument 0; single callbacks belong to their instrument.
      const receiver = spec.labels && spec.labels.arg >= 2 ? (node.arguments[0] ? ctx.valueOf(node.arguments[0]) : undefined) : cb.origin;
      pending.push({ use, receiver });
    }

    // Values that denote a declaration or a use's result: the expressions themselves and every
    // initializer or assigned value that is one of them (possibly wrapped in `as`, parentheses, ...).
    const byValue = new Map<AVal, MetricDecl | MetricUse>();
    for (const [node, entity] of byNode) {
      const v = ctx.valueOf(node as ts.Expression);
      if (v) byValue.set(v, entity);
    }
    for (const h of this.holders) {
      const entity = byNode.get(unwrapExpr(h));
      if (!entity) continue;
      const v = ctx.valueOf(h);
      if (v && !byValue.has(v)) byValue.set(v, entity);
    }

    // Declarations by where they are made: a use's receiver carries that origin wherever its value came
    // from (a factory's result, a field, a value resolved through another file).
    const byOrigin = new Map<string, MetricDecl>();
    for (const d of decls) byOrigin.set(originOf(this.model.file, d.node.getStart(sf)), d);
    for (const { use, receiver } of pending) {
      if (use.origin) continue;
      use.origin = receiver ? (byValue.get(receiver) ?? (receiver.k === 'inst' && receiver.origin ? byOrigin.get(receiver.origin) : undefined)) : undefined;
    }
    for (const use of uses) {
      use.decl = rootDecl(use);
      use.decl?.uses.push(use);
      if (use.labels.k !== 'params') use.labels = this.labelArgs(use.node, use.spec, use.decl);
    }
    return { decls, uses, bindings: this.bindings, sourceFile: sf, model: this.model };
  }

  /**
   * A declaration at a declaring call: the catalog's argument positions (prom-client options at 0, OTel
   * name at 0 and options at 1), or a factory's (`at`: where its name, options, label names and help are).
   */
  private declaration(node: ts.NewExpression | ts.CallExpression, spec: Pick<MetricSpec, 'api'>, kind: MetricKind, at?: FnSummary['metricDecl']): MetricDecl {
    const args = node.arguments ?? ts.factory.createNodeArray();
    const decl: MetricDecl = { node, api: spec.api, kind, name: 'missing', optionsUnknown: false, exemplars: false, uses: [] };
    if (at) return this.factoryDeclaration(decl, args, at);
    const optionsArg = spec.api === 'prom-client' ? args[0] : args[1];
    if (optionsArg) {
      decl.options = staticObject(optionsArg, this.bindings);
      decl.optionsUnknown = !decl.options;
    }
    if (spec.api === 'prom-client') {
      const opts = decl.options;
      const nameProp = opts?.props.get('name');
      if (!opts) decl.name = 'dynamic';
      else if (nameProp?.value) {
        decl.name = staticName(nameProp.value, this.bindings, 0, this.model);
        decl.nameExpr = nameProp.value;
      }
      else decl.name = opts.open ? 'dynamic' : 'missing';
      const labelProp = opts?.props.get('labelNames');
      if (opts && labelProp?.value) decl.labelNames = staticStrings(labelProp.value, this.bindings);
      else if (opts && !labelProp && !opts.open) decl.labelNames = { names: [], nodes: [] };
      const ex = opts?.props.get('enableExemplars');
      if (!opts || (!ex && opts.open)) decl.exemplars = undefined;
      else if (ex?.value) {
        const u = unwrapExpr(ex.value);
        decl.exemplars = u.kind === ts.SyntaxKind.TrueKeyword ? true : u.kind === ts.SyntaxKind.FalseKeyword ? false : undefined;
      }
    } else {
      decl.name = args[0] ? staticName(args[0], this.bindings, 0, this.model) : 'missing';
      if (args[0]) decl.nameExpr = args[0];
    }
    return decl;
  }

  private factoryDeclaration(decl: MetricDecl, args: ts.NodeArray<ts.Expression>, at: NonNullable<FnSummary['metricDecl']>): MetricDecl {
    const arg = (i: number | undefined) => (i === undefined ? undefined : args[i]);
    const optionsExpr = arg(at.optionsArg);
    if (optionsExpr) {
      decl.options = staticObject(optionsExpr, this.bindings);
      decl.optionsUnknown = !decl.options;
    }
    const opts = decl.options;
    const nameExpr = arg(at.nameArg) ?? (decl.api === 'prom-client' ? opts?.props.get('name')?.value : undefined);
    decl.name = nameExpr ? staticName(nameExpr, this.bindings, 0, this.model) : 'dynamic';
    if (nameExpr) decl.nameExpr = nameExpr;
    if (decl.api === 'prom-client') {
      const labels = arg(at.labelNamesArg) ?? opts?.props.get('labelNames')?.value;
      if (labels) decl.labelNames = staticStrings(labels, this.bindings);
      // The factory may add keys of its own: only a missing help given by the caller is known missing.
      decl.exemplars = undefined;
    }
    return decl;
  }

  /** Where the call's labels are, as the catalog spec says, read from the arguments. */
  private labelArgs(call: ts.CallExpression, spec: MetricSpec, decl: MetricDecl | undefined): LabelArgs {
    const L = spec.labels;
    if (!L) return { k: 'none' };
    const args = call.arguments;
    if (args.some((a) => ts.isSpreadElement(a))) return { k: 'unknown' };
    if (args.length <= L.arg) return { k: 'none' };
    const a = args[L.arg]!;
    const obj = staticObject(a, this.bindings, 0, this.model);
    if (L.exemplar) {
      // `inc({ labels, value, exemplarLabels })` on metrics created with `enableExemplars: true`.
      const exemplars = decl ? decl.exemplars : obj && looksLikeExemplar(obj) ? true : false;
      if (exemplars === undefined) return { k: 'unknown' };
      if (exemplars) {
        if (!obj) return { k: 'unknown' };
        const inner = obj.props.get('labels');
        if (!inner) return obj.open ? { k: 'unknown' } : { k: 'none' };
        const innerObj = inner.value && staticObject(inner.value, this.bindings, 0, this.model);
        return innerObj ? { k: 'object', obj: innerObj } : { k: 'unknown' };
      }
    }
    if (obj) return { k: 'object', obj };
    if (L.positional) {
      // prom-client's getLabels: an object first argument is the label map, otherwise values in order.
      if (args.length > 1 || isStringish(a, this.bindings)) return { k: 'positional', values: [...args] };
      return { k: 'unknown' };
    }
    if (isNumeric(a, this.bindings)) return { k: 'none' };
    if (L.valueArg !== undefined && args.length <= L.valueArg) return { k: 'none' };
    return { k: 'unknown' };
  }
}

function looksLikeExemplar(obj: StaticObject): boolean {
  const labels = obj.props.get('labels');
  if (!labels && !obj.props.has('exemplarLabels')) return false;
  for (const k of obj.props.keys()) if (k !== 'labels' && k !== 'value' && k !== 'exemplarLabels') return false;
  return true;
}

function rootDecl(use: MetricUse): MetricDecl | undefined {
  let cur: MetricDecl | MetricUse | undefined = use;
  for (let i = 0; i < 20 && cur; i++) {
    if (!('spec' in cur)) return cur;
    cur = cur.origin;
  }
  return undefined;
}

/**
 * The expression a call applies to: `x` in `x.inc()`; the callee itself when the callee value is
 * called directly (`end()` returned by `startTimer`).
 */
function receiverOf(calleeExpr: ts.Expression, callee: AVal): ts.Expression | undefined {
  if (callee.k === 'inst' && callee.path.length === 0) return calleeExpr;
  const u = unwrapExpr(calleeExpr);
  if (ts.isPropertyAccessExpression(u) || ts.isElementAccessExpression(u)) return u.expression;
  return undefined;
}

export function calleeText(sf: ts.SourceFile, e: ts.Expression): string {
  const text = sf.text.slice(e.getStart(sf), e.end).replace(/\s+/g, '');
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}

// ---------------------------------------------------------------- static reading

const MAX_DEPTH = 5;

/** The `const` initializer an identifier denotes, if any. */
export function constInit(e: ts.Expression, bindings: Scopes): ts.Expression | undefined {
  const u = unwrapExpr(e);
  if (!ts.isIdentifier(u)) return undefined;
  const b = bindings.lookup(u.text, u.getStart(bindings.sf));
  if (b?.k === 'var' && b.isConst && b.init && b.path.length === 0 && !b.opaque) return b.init;
  return undefined;
}

export function staticObject(e: ts.Expression, bindings: Scopes, depth = 0, model?: SemanticModel, via?: ts.Expression): StaticObject | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const u = unwrapExpr(e);
  if (ts.isIdentifier(u)) {
    const init = constInit(u, bindings);
    const obj = init ? staticObject(init, bindings, depth + 1, model, via) : undefined;
    // An object the file writes members of (`out[key] = v`, `Object.assign(out, ...)`) has more keys than its literal shows.
    if (obj && model?.facts.mutatedRoots.has(u.text)) return { ...obj, open: true };
    return obj;
  }
  if (model) {
    // Label sets built at run time where they are static in fact: an object a function of the file
    // returns, a class field, either branch of a conditional, the left of `?? {}`.
    if (ts.isCallExpression(u)) {
      const fn = calledFn(model, u);
      if (!fn) return undefined;
      const rets = model.returnsOf(fn);
      const ret = rets.length === 1 ? staticObject(rets[0]!, bindings, depth + 1, model, via ?? u) : undefined;
      if (ret && (ret.props.size || !ret.open)) return ret;
      // A helper that copies its argument's keys into the object it returns (`flatten(attrs)`,
      // `sanitize(labels)`): the argument's keys, and maybe more.
      const i = keysCarriedFrom(model, fn, rets);
      const arg = i === undefined ? undefined : u.arguments[i];
      const inner = arg && !ts.isSpreadElement(arg) ? staticObject(arg, bindings, depth + 1, model, via ?? u) : undefined;
      return inner ? { ...inner, open: true } : ret;
    }
    if (ts.isPropertyAccessExpression(u) && u.expression.kind === ts.SyntaxKind.ThisKeyword) {
      const field = model.memberExpr(u);
      return field && staticObject(field, bindings, depth + 1, model, via ?? u);
    }
    if (ts.isConditionalExpression(u)) {
      const a = staticObject(u.whenTrue, bindings, depth + 1, model, via);
      const b = staticObject(u.whenFalse, bindings, depth + 1, model, via);
      if (!a && !b) return undefined;
      const props = new Map<string, StaticProp>([...(b?.props ?? []), ...(a?.props ?? [])]);
      return { node: (a ?? b)!.node, props, open: !a || !b || a.open || b.open };
    }
    if (ts.isBinaryExpression(u) && (u.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || u.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
      const a = staticObject(u.left, bindings, depth + 1, model, via);
      const b = staticObject(u.right, bindings, depth + 1, model, via);
      if (!a && !b) return undefined;
      const props = new Map<string, StaticProp>([...(b?.props ?? []), ...(a?.props ?? [])]);
      return { node: (a ?? b)!.node, props, open: !a || !b || a.open || b.open };
    }
  }
  if (!ts.isObjectLiteralExpression(u)) return undefined;
  const props = new Map<string, StaticProp>();
  let open = false;
  const at = via ? { via } : {};
  for (const p of u.properties) {
    if (ts.isPropertyAssignment(p)) {
      const key = propertyName(p.name);
      if (key === undefined) open = true;
      else props.set(key, { key, node: p, keyNode: p.name, value: p.initializer, ...at });
    } else if (ts.isShorthandPropertyAssignment(p)) {
      props.set(p.name.text, { key: p.name.text, node: p, keyNode: p.name, value: p.name, ...at });
    } else if (ts.isSpreadAssignment(p)) {
      const inner = staticObject(p.expression, bindings, depth + 1, model, via);
      if (!inner) open = true;
      else {
        for (const [k, v] of inner.props) props.set(k, v);
        open ||= inner.open;
      }
    } else if (ts.isMethodDeclaration(p) || ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p)) {
      const key = propertyName(p.name);
      if (key === undefined) open = true;
      else props.set(key, { key, node: p, keyNode: p.name, ...at });
    } else open = true;
  }
  return { node: u, props, open };
}

/** The function or method of this file a call calls. */
function calledFn(model: SemanticModel, call: ts.CallExpression): FnNode | undefined {
  const callee = model.localValueOf(call.expression);
  return callee?.k === 'fn' ? model.fnNode(callee.id) : undefined;
}

/**
 * The parameter whose keys a function copies into the object it returns: every return is one local
 * object the function writes members of, and it iterates the parameter's keys
 * (`Object.entries(p)`, `Object.keys(p)`, `for (const k in p)`).
 */
function keysCarriedFrom(model: SemanticModel, fn: FnNode, rets: readonly ts.Expression[]): number | undefined {
  // Early returns of an empty object (`if (!attrs) return {}`) carry no key.
  const empty = (x: ts.Expression) => ts.isObjectLiteralExpression(x) && x.properties.length === 0;
  const named = rets.map((r) => unwrapExpr(r)).filter((x) => !empty(x));
  const first = named[0];
  if (!first || !ts.isIdentifier(first) || !model.facts.mutatedRoots.has(first.text)) return undefined;
  if (!named.every((x) => ts.isIdentifier(x) && x.text === first.text)) return undefined;
  const out = model.lookup(first.text, first.getStart(model.sourceFile));
  if (out?.k !== 'var' || !out.init || !ts.isObjectLiteralExpression(unwrapExpr(out.init)) || !model.contains(fn, out.init)) return undefined;
  const paramOf = (e: ts.Expression): number | undefined => {
    const x = unwrapExpr(e);
    if (!ts.isIdentifier(x)) return undefined;
    const b = model.lookup(x.text, x.getStart(model.sourceFile));
    return b?.k === 'param' && b.fn === fn && b.path.length === 0 && !b.opaque ? b.index : undefined;
  };
  // The function's own `for...in` loops and `Object.entries`/`Object.keys` calls (not its nested functions').
  for (const l of model.facts.forIns) {
    const i = l.fns?.node === fn ? paramOf(l.expression) : undefined;
    if (i !== undefined) return i;
  }
  for (const { node: n, fns } of model.facts.calls) {
    if (fns?.node !== fn || !ts.isCallExpression(n) || n.arguments.length !== 1) continue;
    const c = unwrapExpr(n.expression);
    if (!ts.isPropertyAccessExpression(c) || !ts.isIdentifier(c.expression) || c.expression.text !== 'Object' || (c.name.text !== 'entries' && c.name.text !== 'keys')) continue;
    const i = paramOf(n.arguments[0]!);
    if (i !== undefined) return i;
  }
  return undefined;
}

/** A name given as a string literal (possibly through a `const`); template literals with expressions are `dynamic`. */
export function staticName(e: ts.Expression, bindings: Scopes, depth = 0, model?: SemanticModel): { text: string; node: ts.Expression } | 'dynamic' {
  const u = unwrapExpr(e);
  if (ts.isStringLiteralLike(u)) return { text: u.text, node: u };
  if (depth < MAX_DEPTH) {
    const init = constInit(u, bindings);
    if (init) {
      const r = staticName(init, bindings, depth + 1, model);
      // Findings point at the name as written in the call.
      return r === 'dynamic' ? r : { text: r.text, node: u };
    }
    // `Service.METRICS.ERRORS.TOTAL`, `Names.Requests`: constants the file shows.
    const c = model?.constantOf(u);
    if (typeof c === 'string') return { text: c, node: u };
  }
  return 'dynamic';
}

/** An array of string literals (through `const`, spreads and `as const`); undefined when any element is not static. */
export function staticStrings(e: ts.Expression, bindings: Scopes, depth = 0): { names: string[]; nodes: ts.Expression[] } | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const u = unwrapExpr(e);
  if (ts.isIdentifier(u)) {
    const init = constInit(u, bindings);
    return init ? staticStrings(init, bindings, depth + 1) : undefined;
  }
  if (!ts.isArrayLiteralExpression(u)) return undefined;
  const names: string[] = [];
  const nodes: ts.Expression[] = [];
  for (const el of u.elements) {
    if (ts.isSpreadElement(el)) {
      const inner = staticStrings(el.expression, bindings, depth + 1);
      if (!inner) return undefined;
      names.push(...inner.names);
      nodes.push(...inner.nodes);
      continue;
    }
    const n = staticName(el, bindings, depth + 1);
    if (n === 'dynamic') return undefined;
    names.push(n.text);
    nodes.push(n.node);
  }
  return { names, nodes };
}

/** Whether an expression certainly evaluates to a string (so `labels(x)` passes label values, not a label object). */
function isStringish(e: ts.Expression, bindings: Scopes, depth = 0): boolean {
  const u = unwrapExpr(e);
  if (ts.isStringLiteralLike(u) || ts.isTemplateExpression(u) || ts.isNumericLiteral(u)) return true;
  if (ts.isBinaryExpression(u) && u.operatorToken.kind === ts.SyntaxKind.PlusToken) return isStringish(u.left, bindings, depth + 1) || isStringish(u.right, bindings, depth + 1);
  if (ts.isCallExpression(u)) {
    const c = unwrapExpr(u.expression);
    if (ts.isIdentifier(c) && c.text === 'String') return true;
    if (ts.isPropertyAccessExpression(c) && ['toString', 'toLowerCase', 'toUpperCase', 'trim', 'join', 'toFixed'].includes(c.name.text)) return true;
  }
  if (ts.isIdentifier(u) && depth < MAX_DEPTH) {
    const b = bindings.lookup(u.text, u.getStart(bindings.sf));
    if ((b?.k === 'var' || b?.k === 'param') && b.type && isStringType(b.type, bindings, 0)) return true;
    if (b?.k === 'var' && b.init && b.path.length === 0) return isStringish(b.init, bindings, depth + 1);
  }
  return false;
}

/** `string`, string literal types, unions of them, and local aliases of those. */
function isStringType(t: ts.TypeNode, bindings: Scopes, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (t.kind === ts.SyntaxKind.StringKeyword) return true;
  if (ts.isLiteralTypeNode(t)) return ts.isStringLiteralLike(t.literal);
  if (ts.isUnionTypeNode(t)) return t.types.every((x) => isStringType(x, bindings, depth + 1));
  if (ts.isParenthesizedTypeNode(t)) return isStringType(t.type, bindings, depth + 1);
  if (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName)) {
    const b = bindings.lookupType(t.typeName.text, t.getStart(bindings.sf));
    if (b?.k === 'type' && ts.isTypeAliasDeclaration(b.node)) return isStringType(b.node.type, bindings, depth + 1);
  }
  return false;
}

/** Whether an expression certainly evaluates to a number (so `inc(n)` passes no labels). */
export function isNumeric(e: ts.Expression, bindings: Scopes, depth = 0): boolean {
  const u = unwrapExpr(e);
  if (ts.isNumericLiteral(u)) return true;
  if (ts.isPrefixUnaryExpression(u) && (u.operator === ts.SyntaxKind.MinusToken || u.operator === ts.SyntaxKind.PlusToken)) return true;
  if (ts.isBinaryExpression(u)) {
    const op = u.operatorToken.kind;
    if (op === ts.SyntaxKind.MinusToken || op === ts.SyntaxKind.AsteriskToken || op === ts.SyntaxKind.SlashToken || op === ts.SyntaxKind.PercentToken || op === ts.SyntaxKind.AsteriskAsteriskToken) return true;
  }
  if (ts.isPropertyAccessExpression(u) && (u.name.text === 'length' || u.name.text === 'size')) return true;
  if (ts.isCallExpression(u)) {
    const c = unwrapExpr(u.expression);
    if (ts.isIdentifier(c) && ['Number', 'parseInt', 'parseFloat'].includes(c.text)) return true;
    if (ts.isPropertyAccessExpression(c) && ts.isIdentifier(c.expression) && (c.expression.text === 'Math' || (c.expression.text === 'Date' && c.name.text === 'now') || (c.expression.text === 'performance' && c.name.text === 'now'))) return true;
  }
  if (ts.isIdentifier(u) && depth < MAX_DEPTH) {
    const b = bindings.lookup(u.text, u.getStart(bindings.sf));
    if ((b?.k === 'var' || b?.k === 'param') && b.type && b.type.kind === ts.SyntaxKind.NumberKeyword) return true;
    if (b?.k === 'var' && b.init && b.path.length === 0 && b.isConst) return isNumeric(b.init, bindings, depth + 1);
  }
  return false;
}

/** Label key/value pairs a use passes, in declaration terms (positional values mapped to `labelNames`). */
export interface LabelPair {
  key: string | undefined;
  /** Where a finding about the label points. */
  keyNode: ts.Node;
  value?: ts.Expression;
  /** Added by another function: the expression at the use that brought it in (findings point there). */
  via?: ts.Expression;
}

export function labelPairs(use: MetricUse): LabelPair[] {
  const l = use.labels;
  if (l.k === 'object') return [...l.obj.props.values()].map((p) => ({ key: p.key, keyNode: p.keyNode, value: p.value, ...(p.via ? { via: p.via } : {}) }));
  if (l.k === 'params') return l.values.map((v) => ({ key: v.key, keyNode: v.value, value: v.value }));
  if (l.k === 'positional') {
    const names = use.decl?.labelNames?.names;
    const known = names && names.length === l.values.length;
    return l.values.map((v, i) => ({ key: known ? names[i] : undefined, keyNode: v, value: v }));
  }
  return [];
}
