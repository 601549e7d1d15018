/**
 * Per-file facts about metrics, for the project's metric catalogue: what each declaration of the
 * metric model (rules/metrics/model.ts) defines, as plain data that crosses worker threads and the cache.
 *
 * A name is kept as parts: literal text, a parameter of the enclosing function (a factory such as
 * `counter('agent_runs_total')`, resolved against the factory's call sites, also collected here), an
 * export of another module (`METRIC_NAMES.runs`, resolved when the catalogue is built), or unknown (built
 * at run time). Constants of the file itself (`const`, `as const` objects, enums, template literals over
 * them) are read here.
 */

import ts = require('typescript');
import type { FileVisitor, WalkContext } from '../../src/engine/analyze-file.js';
import type { FactContext } from '../../src/engine/rule.js';
import type { MetricKind } from '../../src/engine/catalog-schema.js';
import { otelExporters, promDefaultLabels, promDefaultMetrics } from '../catalog/metrics/exposition.js';
import { propName as propertyName, unwrap as unwrapExpr } from '../../src/engine/ast.js';
import type { Binding, Scopes as Bindings } from '../../src/engine/scopes.js';
import { type MetricDecl, type MetricFileModel, metricVisitor, type StaticObject, staticObject } from '../metrics/model.js';

/** An export of another module: `module#name.path`, as imported by `from`. */
export interface RefPart {
  ref: { from: string; module: string; name: string; path: string[] };
}
/** A parameter of a project function (`${file}#${pos}`, the engine's function id), then a property path. */
export interface ParamPart {
  param: { fn: string; index: number; path: string[] };
}
/** Part of a name: text, a reference to resolve, or `null` for what cannot be known. */
export type Part = string | RefPart | ParamPart | null;

/** A list of strings (label names): known, to resolve, or `null` when it cannot be known. */
export type StringList = { list: string[] } | RefPart | ParamPart | null;

/** The static shape of a call argument, for factory calls. */
export type ArgShape = { s: string } | { list: string[] } | { obj: Record<string, ArgShape> } | { parts: Part[] } | null;

export interface DeclFact {
  k: 'decl';
  api: 'prom-client' | 'otel';
  kind: MetricKind;
  name: Part[];
  /** prom-client `labelNames` (absent option: `{ list: [] }`). Unused for OTel (attributes come from the recording calls). */
  labels: StringList;
  /** OTel `unit` (`[]`: none given). */
  unit: Part[];
  /** The declaration's own enclosing function (when the name is a parameter, the factory). */
  line: number;
  column: number;
}

/** OpenTelemetry recording calls (`add`, `record`, `observe`) and the attribute keys they pass. */
export interface UseFact {
  k: 'use';
  /** Index of the declaration (among this file's `decl` facts) when the call is tied to one. */
  decl?: number;
  /** The catalog type of the instrument (`otel.Counter`), when known. */
  type?: string;
  /** Attribute keys; `null` when they cannot all be known. */
  keys: string[] | null;
}

/** A call of a project function with static arguments: a factory's call sites. */
export interface CallFact {
  k: 'call';
  fn: string;
  args: ArgShape[];
  line: number;
  column: number;
}

/** Code that changes how metrics are exposed. */
export interface EvidenceFact {
  k: 'evidence';
  what: 'prometheus-exporter' | 'otlp-exporter' | 'views' | 'default-labels' | 'default-metrics';
  /** PrometheusExporter `prefix` (`null`: given but not readable). */
  prefix?: string | null;
  /** PrometheusExporter `withResourceConstantLabels`: resource attributes become labels. */
  resourceLabels?: boolean;
  /** `setDefaultLabels({...})` keys (`null`: not readable). */
  labels?: string[] | null;
  /** Views: `instrumentName` → `name` when both are literal; `null` when a view cannot be read. */
  renames?: { from: string; to: string | null }[] | null;
  line: number;
  column: number;
}

export type MetricFact = DeclFact | UseFact | CallFact | EvidenceFact;

const MAX_DEPTH = 8;

/** The visitor that emits the file's metric facts (`RuleModule.collectFacts`). */
export function metricFactsVisitor(ctx: FactContext<unknown>): FileVisitor {
  const calls: (ts.CallExpression | ts.NewExpression)[] = [];
  const base = metricVisitor((model, wctx) => new FactBuilder(ctx, model, wctx).build(calls));
  const kinds = [...new Set([...base.kinds, ts.SyntaxKind.CallExpression, ts.SyntaxKind.NewExpression])];
  return {
    kinds,
    visit(node, wctx) {
      if (base.kinds.includes(node.kind)) base.visit(node, wctx);
      if (node.kind === ts.SyntaxKind.CallExpression || node.kind === ts.SyntaxKind.NewExpression) calls.push(node as ts.CallExpression | ts.NewExpression);
    },
    end(wctx) {
      base.end?.(wctx);
    },
  };
}

class FactBuilder {
  private readonly sf: ts.SourceFile;
  private readonly bindings: Bindings;

  constructor(
    readonly ctx: FactContext<unknown>,
    readonly model: MetricFileModel,
    readonly wctx: WalkContext,
  ) {
    this.sf = model.sourceFile;
    this.bindings = model.bindings;
  }

  private at(node: ts.Node): { line: number; column: number } {
    const p = this.sf.getLineAndCharacterOfPosition(node.getStart(this.sf));
    return { line: p.line + 1, column: p.character + 1 };
  }

  build(calls: (ts.CallExpression | ts.NewExpression)[]): void {
    const index = new Map<MetricDecl, number>();
    this.model.decls.forEach((d, i) => {
      index.set(d, i);
      this.ctx.emit(this.decl(d));
    });
    for (const use of this.model.uses) {
      // (A call of a helper that records with label values from its parameters is not a use of its own:
      // the helper's recording call is.)
      if (use.api !== 'otel' || !use.spec.records || use.viaHelper) continue;
      const fact: UseFact = { k: 'use', keys: null };
      if (use.decl) fact.decl = index.get(use.decl);
      const callee = this.wctx.valueOf(use.node.expression);
      if (callee?.k === 'inst') fact.type = callee.type;
      const l = use.labels;
      if (l.k === 'none') fact.keys = [];
      else if (l.k === 'object' && !l.obj.open) fact.keys = [...l.obj.props.keys()];
      this.ctx.emit(fact);
    }
    for (const call of calls) this.call(call);
  }

  private decl(d: MetricDecl): DeclFact {
    const args = d.node.arguments ?? ts.factory.createNodeArray();
    const fact: DeclFact = { k: 'decl', api: d.api, kind: d.kind, name: [null], labels: null, unit: [], ...this.at(d.node) };
    if (d.viaFactory) {
      // A call of the project's own metric factory (`counter('x_total', ...)`): the metric model read the
      // name and label names the factory passes on from this call.
      if (typeof d.name === 'object') {
        fact.name = [d.name.text];
        Object.assign(fact, this.at(d.name.node));
      } else if (d.name === 'dynamic' && d.nameExpr) fact.name = this.parts(d.nameExpr);
      fact.labels = d.labelNames ? { list: d.labelNames.names } : d.api === 'prom-client' ? null : { list: [] };
      return fact;
    }
    if (d.api === 'prom-client') {
      const optsArg = args[0];
      const opts = d.options;
      if (opts) {
        const name = opts.props.get('name');
        if (name?.value) fact.name = this.parts(name.value);
        else fact.name = [opts.open ? null : ''];
        const labels = opts.props.get('labelNames');
        if (labels?.value) fact.labels = this.strings(labels.value);
        else fact.labels = opts.open ? null : { list: [] };
        if (name) Object.assign(fact, this.at(name.value ?? name.node));
      } else if (optsArg) {
        // `new Counter(opts)` with `opts` a factory's parameter: its `name` and `labelNames` at the call sites.
        const root = this.parts(optsArg);
        if (root.length === 1 && root[0] && typeof root[0] === 'object' && 'param' in root[0]) {
          const p = root[0].param;
          fact.name = [{ param: { ...p, path: [...p.path, 'name'] } }];
          fact.labels = { param: { ...p, path: [...p.path, 'labelNames'] } };
        } else if (root.length === 1 && root[0] && typeof root[0] === 'object' && 'ref' in root[0]) {
          const r = root[0].ref;
          fact.name = [{ ref: { ...r, path: [...r.path, 'name'] } }];
          fact.labels = { ref: { ...r, path: [...r.path, 'labelNames'] } };
        }
      }
    } else {
      if (args[0]) {
        fact.name = this.parts(args[0]);
        Object.assign(fact, this.at(args[0]));
      }
      const opts = args[1] ? staticObject(args[1], this.bindings) : undefined;
      const unit = opts?.props.get('unit');
      if (unit?.value) fact.unit = this.parts(unit.value);
      else if (args[1] && (!opts || opts.open)) {
        // A factory's options parameter (`meter.createCounter(name, options)`): its `unit` at the call sites.
        const root = opts ? [null] : this.parts(args[1]);
        const p0 = root.length === 1 ? root[0] : null;
        if (p0 && typeof p0 === 'object' && 'param' in p0) fact.unit = [{ param: { ...p0.param, path: [...p0.param.path, 'unit'] } }];
        else if (p0 && typeof p0 === 'object' && 'ref' in p0) fact.unit = [{ ref: { ...p0.ref, path: [...p0.ref.path, 'unit'] } }];
        else fact.unit = [null];
      }
    }
    return fact;
  }

  /** A call of a project function with at least one static argument: maybe a metric factory. */
  private call(call: ts.CallExpression | ts.NewExpression): void {
    const callee = this.wctx.valueOf(call.expression);
    // Evidence first: exporters, views, default labels (module APIs the catalog does not model).
    const path = this.accessPath(call.expression);
    if (path) this.evidence(call, ts.isNewExpression(call) ? `${path}` : path);
    if (callee?.k !== 'fn' || ts.isNewExpression(call)) return;
    // A factory: a project function whose call yields a metric instrument. Every call site counts, static
    // or not: one that passes a name built at run time makes that metric's name unknown.
    const result = this.wctx.valueOf(call);
    if (result?.k !== 'inst' || !this.isInstrument(result.type)) return;
    const args = (call.arguments ?? []).map((a) => this.shape(a, 0));
    this.ctx.emit({ k: 'call', fn: callee.id, args, ...this.at(call) } satisfies CallFact);
  }

  private isInstrument(type: string): boolean {
    const t = this.ctx.catalog.type(type);
    if (!t) return false;
    for (const m of t.members.values()) if (m.metric && (m.metric.records || m.metric.labels || m.metric.callback)) return true;
    return false;
  }

  private evidence(call: ts.CallExpression | ts.NewExpression, path: string): void {
    const isNew = ts.isNewExpression(call);
    const arg0 = call.arguments?.[0];
    const opts = arg0 ? staticObject(arg0, this.bindings) : undefined;
    const at = this.at(call);
    if (isNew && otelExporters.prometheus.includes(path)) {
      const fact: EvidenceFact = { k: 'evidence', what: 'prometheus-exporter', ...at };
      const prefix = opts?.props.get('prefix');
      if (prefix?.value) {
        const p = this.parts(prefix.value);
        fact.prefix = p.length === 1 && typeof p[0] === 'string' ? p[0] : null;
      } else if (arg0 && (!opts || opts.open)) fact.prefix = null;
      if (opts?.props.has('withResourceConstantLabels') || (arg0 && !opts)) fact.resourceLabels = true;
      this.ctx.emit(fact);
    } else if (isNew && otelExporters.otlp.includes(path)) {
      this.ctx.emit({ k: 'evidence', what: 'otlp-exporter', ...at } satisfies EvidenceFact);
    } else if (isNew && otelExporters.views.includes(path)) {
      this.ctx.emit({ k: 'evidence', what: 'views', renames: opts ? [this.viewRename(opts)] : null, ...at } satisfies EvidenceFact);
    } else if (isNew && otelExporters.meterProviders.includes(path)) {
      const views = opts?.props.get('views');
      if (!views?.value) return;
      const list = unwrapExpr(views.value);
      const renames: { from: string; to: string | null }[] = [];
      if (ts.isArrayLiteralExpression(list)) {
        for (const el of list.elements) {
          const u = unwrapExpr(el as ts.Expression);
          // `new View({...})` elements are reported on their own; object literals (sdk-metrics 2) here.
          if (ts.isNewExpression(u)) continue;
          const o = staticObject(u, this.bindings);
          if (!o) {
            this.ctx.emit({ k: 'evidence', what: 'views', renames: null, ...at } satisfies EvidenceFact);
            return;
          }
          renames.push(this.viewRename(o));
        }
        if (renames.length) this.ctx.emit({ k: 'evidence', what: 'views', renames, ...at } satisfies EvidenceFact);
      } else this.ctx.emit({ k: 'evidence', what: 'views', renames: null, ...at } satisfies EvidenceFact);
    } else if (!isNew && promDefaultMetrics.includes(path)) {
      const prefix = opts?.props.get('prefix');
      const fact: EvidenceFact = { k: 'evidence', what: 'default-metrics', ...at };
      if (prefix?.value) {
        const p = this.parts(prefix.value);
        fact.prefix = p.length === 1 && typeof p[0] === 'string' ? p[0] : null;
      } else if (arg0 && (!opts || opts.open)) fact.prefix = null;
      this.ctx.emit(fact);
    } else if (!isNew && promDefaultLabels.includes(path)) {
      const labels = opts && !opts.open ? [...opts.props.keys()] : null;
      this.ctx.emit({ k: 'evidence', what: 'default-labels', labels, ...at } satisfies EvidenceFact);
    }
  }

  /** A view's selector and new name: `{ instrumentName: 'a', name: 'b' }`; the selector `*`-globs as the SDK's do. */
  private viewRename(o: StaticObject): { from: string; to: string | null } {
    const lit = (key: string): string | null | undefined => {
      const p = o.props.get(key);
      if (!p?.value) return o.open ? null : undefined;
      const parts = this.parts(p.value);
      return parts.length === 1 && typeof parts[0] === 'string' ? parts[0] : null;
    };
    const from = lit('instrumentName');
    const to = lit('name');
    // A view that selects by anything else (meter, type, unit) or cannot be read touches every instrument.
    return { from: typeof from === 'string' ? from : '*', to: to === undefined ? (from === null ? null : '') : to };
  }

  /**
   * `module#export.path` of an expression rooted at an import (`()` after a construction), following
   * `const` aliases; undefined when it is not one.
   */
  private accessPath(e: ts.Expression, depth = 0): string | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const u = unwrapExpr(e);
    if (ts.isIdentifier(u)) {
      const b = this.bindings.lookup(u.text, u.getStart(this.sf));
      if (b?.k === 'import') {
        if (b.module.startsWith('.') || b.module.startsWith('/')) return undefined;
        const exp = b.export === 'default' || b.export === '*' ? '' : b.export;
        return `${b.module}#${exp}`;
      }
      if (b?.k === 'var' && b.isConst && b.init && b.path.length === 0) {
        const init = unwrapExpr(b.init);
        if (ts.isNewExpression(init)) {
          const p = this.accessPath(init.expression, depth + 1);
          return p ? `${p}()` : undefined;
        }
        return this.accessPath(init, depth + 1);
      }
      return undefined;
    }
    if (ts.isPropertyAccessExpression(u)) {
      const p = this.accessPath(u.expression, depth + 1);
      if (!p) return undefined;
      const member = u.name.text;
      // `client.default.register`: the CommonJS module object as default export.
      if (member === 'default' && p.endsWith('#')) return p;
      return p.endsWith('#') ? `${p}${member}` : `${p}.${member}`;
    }
    return undefined;
  }

  // ------------------------------------------------------------ static values

  /** The parts of a string expression. */
  parts(e: ts.Expression, depth = 0): Part[] {
    if (depth > MAX_DEPTH) return [null];
    const u = unwrapExpr(e);
    if (ts.isStringLiteralLike(u)) return [u.text];
    if (ts.isNumericLiteral(u)) return [u.text];
    if (ts.isTemplateExpression(u)) {
      const out: Part[] = [u.head.text];
      for (const span of u.templateSpans) {
        out.push(...this.parts(span.expression, depth + 1));
        out.push(span.literal.text);
      }
      return merge(out);
    }
    if (ts.isBinaryExpression(u) && u.operatorToken.kind === ts.SyntaxKind.PlusToken) return merge([...this.parts(u.left, depth + 1), ...this.parts(u.right, depth + 1)]);
    if (ts.isCallExpression(u)) {
      // `[prefix, 'runs'].join('_')`, `String(x)`.
      const c = unwrapExpr(u.expression);
      if (ts.isPropertyAccessExpression(c) && c.name.text === 'join' && u.arguments.length <= 1) {
        const arr = unwrapExpr(c.expression);
        const sep = u.arguments[0] ? this.parts(u.arguments[0], depth + 1) : [','];
        if (ts.isArrayLiteralExpression(arr) && sep.length === 1 && typeof sep[0] === 'string') {
          const out: Part[] = [];
          arr.elements.forEach((el, i) => {
            if (i) out.push(sep[0] as string);
            out.push(...(ts.isSpreadElement(el) ? [null] : this.parts(el, depth + 1)));
          });
          return merge(out);
        }
      }
      if (ts.isIdentifier(c) && c.text === 'String' && u.arguments[0]) return this.parts(u.arguments[0], depth + 1);
      return [null];
    }
    const ref = this.reference(u, depth);
    if (ref === undefined) return [null];
    if ('expr' in ref) return this.parts(ref.expr, depth + 1);
    return [ref.part];
  }

  /** A list of strings (`labelNames`). */
  strings(e: ts.Expression, depth = 0): StringList {
    if (depth > MAX_DEPTH) return null;
    const u = unwrapExpr(e);
    if (ts.isArrayLiteralExpression(u)) {
      const list: string[] = [];
      for (const el of u.elements) {
        if (ts.isSpreadElement(el)) {
          const inner = this.strings(el.expression, depth + 1);
          if (!inner || !('list' in inner)) return null;
          list.push(...inner.list);
          continue;
        }
        const p = this.parts(el, depth + 1);
        if (p.length !== 1 || typeof p[0] !== 'string') return null;
        list.push(p[0]);
      }
      return { list };
    }
    const ref = this.reference(u, depth);
    if (ref === undefined) return null;
    if ('expr' in ref) return this.strings(ref.expr, depth + 1);
    return ref.part;
  }

  /**
   * What an identifier or member chain denotes: a local expression to read further, or a part to
   * resolve later (a parameter, an import); undefined when nothing static is known.
   */
  private reference(u: ts.Expression, depth: number): { expr: ts.Expression } | { part: RefPart | ParamPart } | undefined {
    const path: string[] = [];
    let root = u;
    for (;;) {
      root = unwrapExpr(root);
      if (ts.isPropertyAccessExpression(root)) {
        path.unshift(root.name.text);
        root = root.expression;
      } else if (ts.isElementAccessExpression(root) && ts.isStringLiteralLike(unwrapExpr(root.argumentExpression))) {
        path.unshift((unwrapExpr(root.argumentExpression) as ts.StringLiteralLike).text);
        root = root.expression;
      } else break;
    }
    if (!ts.isIdentifier(root)) return undefined;
    const b: Binding | undefined = this.bindings.lookup(root.text, root.getStart(this.sf));
    if (!b) return undefined;
    switch (b.k) {
      case 'var': {
        if (!b.isConst || !b.init) return undefined;
        const target = this.member(b.init, [...b.path, ...path], depth);
        return target ? { expr: target } : undefined;
      }
      case 'enum': {
        if (path.length !== 1) return undefined;
        const m = b.node.members.find((x) => propertyName(x.name) === path[0]);
        return m?.initializer ? { expr: m.initializer } : undefined;
      }
      case 'param':
        return { part: { param: { fn: `${this.ctx.file}#${b.fn.pos}`, index: b.index, path } } };
      case 'import': {
        if (b.export === '*' || b.export === 'default') {
          const [name, ...rest] = path;
          if (b.export === '*' && name === undefined) return undefined;
          return { part: { ref: { from: this.ctx.file, module: b.module, name: b.export === '*' ? name! : 'default', path: b.export === '*' ? rest : path } } };
        }
        return { part: { ref: { from: this.ctx.file, module: b.module, name: b.export, path } } };
      }
      default:
        return undefined;
    }
  }

  /** Member `path` of an object literal (through `const`s), or the expression itself for an empty path. */
  private member(e: ts.Expression, path: string[], depth: number): ts.Expression | undefined {
    let cur: ts.Expression = e;
    for (const key of path) {
      if (depth++ > MAX_DEPTH) return undefined;
      const obj = staticObject(cur, this.bindings);
      const p = obj?.props.get(key);
      if (!p?.value) return undefined;
      cur = p.value;
    }
    return cur;
  }

  private shape(e: ts.Expression, depth: number): ArgShape {
    if (depth > 3) return null;
    const u = unwrapExpr(e);
    if (ts.isObjectLiteralExpression(u)) {
      const obj = staticObject(u, this.bindings);
      if (!obj) return null;
      const out: Record<string, ArgShape> = {};
      for (const [k, p] of obj.props) if (p.value) out[k] = this.shape(p.value, depth + 1);
      return { obj: out };
    }
    if (ts.isArrayLiteralExpression(u)) {
      const s = this.strings(u, depth);
      return s && 'list' in s ? { list: s.list } : null;
    }
    const parts = this.parts(u, depth);
    if (parts.length === 1 && typeof parts[0] === 'string') return { s: parts[0] };
    if (parts.some((p) => p !== null)) return { parts };
    const s = this.strings(u, depth);
    return s && 'list' in s ? { list: s.list } : null;
  }
}

/** Adjacent strings joined, empty strings dropped. */
function merge(parts: Part[]): Part[] {
  const out: Part[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === 'string' && typeof last === 'string') out[out.length - 1] = last + p;
    else if (p !== '') out.push(p);
  }
  return out.length ? out : [''];
}
