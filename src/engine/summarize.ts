/**
 * Function and file summaries over one file's facts and values: the contexts that may trace a call
 * (scopes, decorators, spans, base classes), what each function returns and does with its parameters,
 * and the serialisable `FileSummary` the link phase joins (calls that may be sites, exports, functions
 * handed to scopes, modules loaded).
 */

import ts = require('typescript');
import { calleeText, type FnNode, propName, rangeOf, runsAtTopLevel, unwrap } from './ast.js';
import type { MemberSpec, SiteKind } from './catalog-schema.js';
import { type CallRecord, type Chain, catalogNames, type CatalogNames, type FileFacts, type IdentArg, registersWork } from './facts.js';
import type { Interp, InterpHost } from './interp.js';
import { type FileResolver, NO_ARGS } from './resolve.js';
import { joinBase } from './strings.js';
import type { SemanticModel } from './model.js';
import type { Binding } from './scopes.js';
import { metricDeclOf, metricForwardOf, metricLabelsOf, metricUseOf } from './metrics.js';
import { mayReach } from './reach.js';
import { marksSpanIn, returnsFresh, spanCallbackOf, spanParamsOf, swallowsOf } from './spans.js';
import type { AVal, CallCandidate, ClassSummary, Context, FileSummary, FnSummary, ParamShape } from './values.js';

/** Span starts and operations, and metric members: what span and metric summaries are made of. */
const startsSpansMember = (m: MemberSpec): boolean => !!m.spanStart || !!m.spanOp;
const metricMember = (m: MemberSpec): boolean => !!m.metric;

/** A call of the file with the value of its callee. */
type Resolved = { rec: CallRecord; callee: AVal };

export class Summarizer {
  private readonly fnSummaries = new Map<string, FnSummary>();
  /** The file's semantic model (set once it exists): span helpers are summarised over it. */
  model: SemanticModel | undefined;
  /** Functions already looked at by `finish` (kept or not). */
  private readonly done = new Set<string>();
  private readonly names: CatalogNames;

  constructor(
    private readonly f: FileFacts,
    private readonly r: FileResolver,
    /** See `AnalyzeOptions.unimported`. */
    private readonly unimported = false,
  ) {
    this.names = catalogNames(r.catalog);
    r.summaries = this;
  }

  /** The base classes of the classes enclosing a call (`class MyModel extends BaseChatModel`). */
  private classContexts(classes: Chain<ts.ClassLikeDeclaration> | undefined): Context[] {
    const out: Context[] = [];
    for (let c = classes; c; c = c.parent) {
      for (const h of c.node.heritageClauses ?? []) {
        if (h.token !== ts.SyntaxKind.ExtendsKeyword) continue;
        for (const t of h.types) {
          const callee = this.r.val(t.expression);
          if (callee) out.push({ k: 'subclass', callee });
        }
      }
    }
    return out;
  }

  private contextsOf(pos: number, fns: Chain<FnNode> | undefined, stopAt?: FnNode): Context[] {
    const out: Context[] = [];
    for (let c = fns; c && c.node !== stopAt; c = c.parent) {
      const f = c.node;
      const direct = this.f.fnArg.get(f);
      if (direct) {
        const callee = this.calleeOf(direct.call);
        if (callee) out.push({ k: 'arg', callee, index: direct.index, nargs: direct.nargs });
      }
      const name = this.f.fnName.get(f);
      if (name) {
        for (const ia of this.f.identArgsByName.get(name) ?? []) {
          const d = this.f.scopes.lookup(name, ia.ident.getStart(this.f.sf));
          if (!d || !this.declDenotesFn(d, f)) continue;
          const callee = this.calleeOf(ia.call);
          if (callee) out.push({ k: 'arg', callee, index: ia.index, nargs: ia.nargs });
        }
      }
      const decorators = ts.canHaveDecorators(f) ? ts.getDecorators(f) : undefined;
      for (const dec of decorators ?? []) {
        const ex = unwrap(dec.expression);
        const callee = this.r.val(ts.isCallExpression(ex) ? ex.expression : ex);
        if (callee) out.push({ k: 'decorator', callee });
      }
      // Spans started (not as active), and callback handlers created, earlier in this function.
      for (const rec of this.spanStarts(f)) {
        if (rec.node.getStart(this.f.sf) < pos) {
          const callee = this.calleeOf(rec.node);
          if (callee) out.push({ k: 'span', callee });
        }
      }
    }
    return out;
  }

  private spanStartIndex: Map<FnNode | null, CallRecord[]> | undefined;
  /** Calls that may start a span (by the catalog's span member names), by their innermost function. */
  /**
   * Also callback handlers created (calls or `new`). Only starts inside a function count: a handler
   * created once at module level and never passed wires nothing (`null` holds those, unused).
   */
  private spanStarts(f: FnNode | null): CallRecord[] {
    if (!this.spanStartIndex) {
      this.spanStartIndex = new Map();
      if (this.names.spanOrHandler.size) {
        for (const r of this.f.calls) {
          const name = this.lastName(r.node.expression);
          if (name === undefined || !this.names.spanOrHandler.has(name)) continue;
          const key = r.fns?.node ?? null;
          const list = this.spanStartIndex.get(key) ?? this.spanStartIndex.set(key, []).get(key)!;
          list.push(r);
        }
      }
    }
    return this.spanStartIndex.get(f) ?? [];
  }

  private lastName(e: ts.Expression): string | undefined {
    const u = unwrap(e);
    if (ts.isPropertyAccessExpression(u)) return u.name.text;
    if (ts.isIdentifier(u)) return u.text;
    return undefined;
  }

  private declDenotesFn(d: Binding, f: FnNode): boolean {
    if (d.k === 'fn') return d.node === f;
    if (d.k === 'var' && d.init && !d.opaque && d.path.length === 0) return unwrap(d.init) === f;
    return false;
  }

  private calleeOf(call: ts.CallExpression | ts.NewExpression): AVal | undefined {
    return this.r.val(call.expression);
  }

  /** Collapse contexts that already resolve locally: to a mechanism (wired), or away (not tracing). */
  private settle(contexts: Context[], sdk?: string): { wiredBy?: string; pending: Context[] } {
    const pending: Context[] = [];
    for (const c of contexts) {
      const r = contextMechanism(c, this.r.interp, this.r, sdk);
      // A callee rooted at a parameter stays one at link time too (contexts are not substituted): it never wires.
      if (r === 'pending') {
        if (c.callee.k !== 'param') pending.push(c);
      } else if (r !== 'none') return { wiredBy: r, pending: [] };
    }
    return { pending };
  }

  private reach: Partial<Record<'spans' | 'metrics', boolean>> = {};

  /**
   * Whether the file can reach span starts or metric members at all. Without the project, every catalog
   * value is rooted at an import the text names (see reach.ts): a file that names none of those modules
   * starts no span and declares or records no metric, in any function, so those summaries are not looked
   * for. With the project, values of other files may lead there.
   */
  private reaches(what: 'spans' | 'metrics'): boolean {
    return (this.reach[what] ??= !!this.r.hasProject || mayReach(this.f.sf.text, this.r.catalog, what === 'spans' ? startsSpansMember : metricMember));
  }

  summarize(f: FnNode): FnSummary {
    const id = this.r.fnId(f);
    const existing = this.fnSummaries.get(id);
    if (existing) return existing;
    const summary: FnSummary = { id, name: this.f.fnName.get(f) ?? '(anonymous)' };
    this.fnSummaries.set(id, summary);
    summary.returns = this.r.returnsOf(f);
    // What the function does with spans and instances: helpers of other files are followed through these.
    if (this.model) {
      if (summary.returns && returnsFresh(this.model, f)) summary.fresh = true;
      if (this.f.throwing.has(f)) summary.throws = true;
      if (marksSpanIn(this.model, f)) summary.marksSpan = true;
      else {
        const sw = swallowsOf(this.model, f);
        if (sw) summary.swallows = sw;
      }
      // A span callback helper calls, or passes on, one of its parameters.
      const sc = this.paramUses().has(f) && this.reaches('spans') ? spanCallbackOf(this.model, f) : undefined;
      if (sc) summary.spanCallback = sc;
      const sp = spanParamsOf(this.model, f, this.reaches('spans'));
      if (sp) summary.spanParams = sp;
      const md = this.reaches('metrics') ? metricDeclOf(this.model, f) : undefined;
      if (md) summary.metricDecl = md;
      const mu = this.reaches('metrics') ? metricUseOf(this.model, f) : undefined;
      if (mu) summary.metricUse = mu;
      const ml = this.reaches('metrics') && !mu ? metricLabelsOf(this.model, f) : undefined;
      if (ml) summary.metricLabels = ml;
      // (Whatever the file reaches itself: what it forwards to may record.)
      const mf = !md && !mu && !ml ? metricForwardOf(this.model, f) : undefined;
      if (mf) summary.metricForward = mf;
    }
    const called = this.calledParamsOf(f);
    if (called) {
      summary.calledParams = called.calledParams;
      summary.params = called.params;
    }
    return summary;
  }

  private readonly calledParamsMemo = new Map<FnNode, (Pick<Required<FnSummary>, 'calledParams' | 'params'> & Pick<FnSummary, 'name'>) | undefined>();

  /**
   * The parameters the function calls, or passes on as callbacks, in the contexts that may trace them, with
   * how it is called (`params`): part of its summary, and all a context naming the function needs.
   */
  calledParamsOf(f: FnNode): (Pick<Required<FnSummary>, 'calledParams' | 'params'> & Pick<FnSummary, 'name'>) | undefined {
    if (this.calledParamsMemo.has(f)) return this.calledParamsMemo.get(f);
    this.calledParamsMemo.set(f, undefined);
    const called: NonNullable<FnSummary['calledParams']> = [];
    const uses = this.paramUses().get(f);
    for (const rec of uses?.calls ?? []) {
      const s = this.settle(this.contextsOf(rec.rec.node.getStart(this.f.sf), rec.rec.fns, f));
      called.push({ index: rec.index, contexts: s.pending, wiredBy: s.wiredBy });
    }
    for (const { ia, index } of uses?.args ?? []) {
      const callee = this.calleeOf(ia.call);
      if (!callee) continue;
      const ctx: Context[] = [{ k: 'arg', callee, index: ia.index, nargs: ia.nargs }, ...this.contextsOf(ia.call.getStart(this.f.sf), ia.fns, f)];
      const s = this.settle(ctx);
      called.push({ index, contexts: s.pending, wiredBy: s.wiredBy });
    }
    // An entry with neither a mechanism nor a pending context can never wire anything.
    const useful = called.filter((c) => c.wiredBy || c.contexts.length);
    const out = useful.length ? { name: this.f.fnName.get(f) ?? '(anonymous)', calledParams: useful, params: this.paramShapes(f, uses) } : undefined;
    this.calledParamsMemo.set(f, out);
    return out;
  }

  /**
   * The values the function argument of a work-registering call takes when it is read from the variable of
   * a loop over a literal list (`for (const [name, fn] of nodes) graph.addNode(name, fn)`,
   * `nodes.forEach(({ name, run }) => graph.addNode(name, run))`, `Object.entries(nodes)`): see
   * `CallCandidate.each`.
   */
  private workInLoop(n: ts.CallExpression | ts.NewExpression, spec: MemberSpec | undefined): CallCandidate['each'] {
    if (!registersWork(spec) || ts.isNewExpression(n)) return undefined;
    const at = spec!.scope!.callbackArg;
    const index = at === 'last' ? n.arguments.length - 1 : at;
    if (typeof index !== 'number' || index < 0) return undefined;
    const arg = n.arguments[index];
    if (!arg) return undefined;
    // The loop variable and the members read from it (`node.fn`).
    const members: string[] = [];
    let u = unwrap(arg);
    while (ts.isPropertyAccessExpression(u)) {
      members.unshift(u.name.text);
      u = unwrap(u.expression);
    }
    if (!ts.isIdentifier(u)) return undefined;
    const sf = this.f.sf;
    const d = this.f.scopes.lookup(u.text, u.getStart(sf));
    let name: ts.BindingName | undefined;
    let iterated: ts.Expression | undefined;
    if (d?.k === 'var') {
      // (The parser keeps no parent pointers: the facts know the parents.)
      let decl: ts.Node | undefined = d.node;
      while (decl && !ts.isVariableDeclaration(decl)) decl = this.f.parent(decl);
      const list = decl && this.f.parent(decl);
      const st = list && this.f.parent(list);
      if (!decl || !ts.isVariableDeclaration(decl) || !st || !ts.isForOfStatement(st)) return undefined;
      name = decl.name;
      iterated = st.expression;
    } else if (d?.k === 'param' && d.index === 0) {
      const direct = this.f.fnArg.get(d.fn);
      const method = direct && direct.index === 0 && ts.isCallExpression(direct.call) ? unwrap(direct.call.expression) : undefined;
      if (!method || !ts.isPropertyAccessExpression(method) || !LOOP_METHODS.has(method.name.text)) return undefined;
      name = d.fn.parameters[0]?.name;
      iterated = method.expression;
    }
    if (!name || !iterated || !d) return undefined;
    const path = bindingPath(name, d.pos, sf);
    const elements = path && this.literalElements(iterated, 0);
    if (!path || !elements) return undefined;
    const values: AVal[] = [];
    let open = false;
    for (const el of elements) {
      const v = this.elementValue(el, [...path, ...members]);
      if (v) values.push(v);
      else open = true;
    }
    return { index, values, ...(open ? { open: true as const } : {}) };
  }

  /** The elements of a literal list a loop goes over: an array literal (through constants), or an object literal's `Object.entries`/`Object.values`. */
  private literalElements(e: ts.Expression, depth: number): LoopElement[] | undefined {
    const u = unwrap(e);
    if (ts.isArrayLiteralExpression(u)) return u.elements.some(ts.isSpreadElement) ? undefined : [...u.elements];
    if (depth < 4 && ts.isIdentifier(u)) {
      const d = this.f.scopes.lookup(u.text, u.getStart(this.f.sf));
      if (d?.k === 'var' && d.isConst && d.init && d.path.length === 0 && !d.opaque) return this.literalElements(d.init, depth + 1);
      return undefined;
    }
    if (ts.isCallExpression(u) && u.arguments.length === 1) {
      const callee = unwrap(u.expression);
      if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression) || callee.expression.text !== 'Object') return undefined;
      const kind = callee.name.text;
      if (kind !== 'entries' && kind !== 'values') return undefined;
      const obj = this.r.objectLiteralOf(u.arguments[0]!);
      if (!obj) return undefined;
      const out: LoopElement[] = [];
      for (const p of obj.properties) {
        const value = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : ts.isMethodDeclaration(p) ? p : undefined;
        if (!value) return undefined;
        out.push(kind === 'values' ? (value as ts.Expression) : { entry: value as ts.Expression });
      }
      return out;
    }
    return undefined;
  }

  /** The value at `path` (array indexes, member names) of one element of a literal list. */
  private elementValue(el: LoopElement, path: (string | number)[]): AVal | undefined {
    let e: ts.Expression | undefined;
    let i = 0;
    if ('entry' in el) {
      // `[key, value]` of `Object.entries`.
      if (path[0] !== 1) return undefined;
      e = el.entry;
      i = 1;
    } else e = el;
    for (; e && i < path.length; i++) {
      const step = path[i]!;
      const u: ts.Expression = unwrap(e);
      if (typeof step === 'number') {
        e = ts.isArrayLiteralExpression(u) && !ts.isSpreadElement(u.elements[step] ?? u) ? u.elements[step] : undefined;
        continue;
      }
      const obj = this.r.objectLiteralOf(u);
      if (!obj) {
        // Not a literal: the rest of the path on the element's value.
        let v = this.r.val(u);
        for (; v && i < path.length; i++) v = typeof path[i] === 'string' ? this.r.interp.member(v, path[i] as string) : undefined;
        return v;
      }
      e = undefined;
      for (const p of obj.properties) {
        if (ts.isPropertyAssignment(p) && propName(p.name) === step) e = p.initializer;
        else if (ts.isShorthandPropertyAssignment(p) && p.name.text === step) e = p.name;
        else if (ts.isMethodDeclaration(p) && propName(p.name) === step) e = p as unknown as ts.Expression;
      }
    }
    if (!e) return undefined;
    if (ts.isMethodDeclaration(e as ts.Node)) return { k: 'fn', id: this.r.fnId(e as unknown as FnNode) };
    return this.r.val(e);
  }

  /** How a function that runs a callback parameter in a scope is called (see `ParamShape`), for fixes that reuse it. */
  private paramShapes(f: FnNode, uses: { calls: { rec: CallRecord; index: number }[]; args: { ia: IdentArg; index: number }[] } | undefined): ParamShape[] {
    const sf = this.f.sf;
    const shapes: ParamShape[] = f.parameters.map((p) => {
      const shape: ParamShape = { name: ts.isIdentifier(p.name) ? p.name.text : '' };
      if (p.questionToken || p.initializer || p.dotDotDotToken) shape.optional = true;
      if (p.type?.kind === ts.SyntaxKind.StringKeyword) shape.string = true;
      // `fn: (span: Span) => ...`
      const t = p.type && ts.isParenthesizedTypeNode(p.type) ? p.type.type : p.type;
      const first = t && ts.isFunctionTypeNode(t) ? t.parameters[0]?.type : undefined;
      if (first && ts.isTypeReferenceNode(first) && /(^|\.)Span$/.test(first.typeName.getText(sf))) shape.receivesSpan = true;
      return shape;
    });
    for (const { ia, index } of uses?.args ?? []) {
      const shape = shapes[index];
      if (!shape) continue;
      const callee = this.r.interp.concretize(this.calleeOf(ia.call));
      if (callee?.k === 'inst') {
        const spec = this.r.catalog.member(callee.type, callee.path);
        const nameArg = spec?.spanStart ? (spec.spanStart.nameArg ?? 0) : typeof spec?.scope?.callbackArg === 'number' && spec.scope.callbackArg > 0 ? 0 : -1;
        if (ia.index === nameArg) shape.spanName = true;
        const at = spec?.scope?.callbackArg;
        if (at !== undefined && (at === 'any' || at === ia.index || (at === 'last' && ia.index === ia.nargs - 1))) shape.runs = true;
      } else if (callee?.k === 'fn' && this.r.fnById.has(callee.id) && this.r.fnById.get(callee.id) !== f) {
        const inner = this.calledParamsOf(this.r.fnById.get(callee.id)!)?.params[ia.index];
        if (inner?.spanName) shape.spanName = true;
        if (inner?.runs) shape.runs = true;
      }
    }
    // `fn(span)` inside the callback of a span start that hands its span to the callback.
    for (const { rec, index } of uses?.calls ?? []) {
      const shape = shapes[index];
      if (shape) shape.runs = true;
      const a0 = rec.node.arguments?.[0];
      if (!shape || !a0 || !ts.isIdentifier(a0)) continue;
      const d = this.f.scopes.lookup(a0.text, a0.getStart(sf));
      if (d?.k !== 'param' || d.index !== 0 || d.path.length) continue;
      const direct = this.f.fnArg.get(d.fn);
      const callee = direct && this.r.interp.concretize(this.calleeOf(direct.call));
      const spec = callee?.k === 'inst' ? this.r.catalog.member(callee.type, callee.path) : undefined;
      if (spec?.spanStart?.yields === 'callback' && direct!.index === direct!.nargs - 1) shape.receivesSpan = true;
    }
    return shapes;
  }

  private paramUsesCache: Map<FnNode, { calls: { rec: CallRecord; index: number }[]; args: { ia: IdentArg; index: number }[] }> | undefined;

  /** One pass over calls and identifier arguments: which functions call (or pass on) their own parameters. */
  private paramUses() {
    if (this.paramUsesCache) return this.paramUsesCache;
    const out = new Map<FnNode, { calls: { rec: CallRecord; index: number }[]; args: { ia: IdentArg; index: number }[] }>();
    const entry = (f: FnNode) => out.get(f) ?? out.set(f, { calls: [], args: [] }).get(f)!;
    for (const rec of this.f.calls) {
      if (!ts.isCallExpression(rec.node)) continue;
      const callee = unwrap(rec.node.expression);
      if (!ts.isIdentifier(callee)) continue;
      const d = this.f.scopes.lookup(callee.text, callee.getStart(this.f.sf));
      if (d?.k !== 'param' || d.path.length || d.opaque) continue;
      entry(d.fn).calls.push({ rec, index: d.index });
    }
    for (const ia of this.f.identArgs) {
      const d = this.f.scopes.lookup(ia.ident.text, ia.ident.getStart(this.f.sf));
      if (d?.k !== 'param' || d.path.length || d.opaque) continue;
      entry(d.fn).args.push({ ia, index: d.index });
    }
    this.paramUsesCache = out;
    return out;
  }

  // ---------------------------------------------------------------- finish

  /** The file's summary for the linker: its call candidates, exports and the summaries they reach. */
  finish(): FileSummary {
    const resolved = this.resolvedCalls();
    const paramCalls = this.paramCallCandidates(resolved);
    for (const [fnId, list] of paramCalls) {
      const node = this.r.fnById.get(fnId);
      if (node) this.summarize(node).paramCalls = list;
    }
    const calls = this.callCandidates(resolved, paramCalls);
    const opaqueCalls = this.opaqueCalls(resolved);
    const helperCalls = this.helperCalls(resolved, calls, paramCalls, opaqueCalls);
    const exports = this.collectExports();
    const passedRefs = this.passedRefs();
    const refs = this.refs(resolved, calls);
    const { fns, classes } = this.reachableSummaries(calls, passedRefs, exports);
    // A method whose summary says nothing answers like no member at all: left out of the class summaries
    // (the linker and the other files only look members up).
    for (const [id, c] of Object.entries(classes)) classes[id] = this.withoutEmptyMethods(c, fns);
    const { runtime: imports, names: importNames } = this.collectImports();
    return {
      file: this.f.file,
      exports,
      starExports: this.starExports,
      fns,
      ...(Object.keys(classes).length ? { classes } : {}),
      calls,
      ...(passedRefs.length ? { passedRefs } : {}),
      ...(helperCalls.length ? { helperCalls } : {}),
      ...(opaqueCalls.length ? { opaqueCalls } : {}),
      ...(this.f.loads.size ? { loads: [...this.f.loads].sort() } : {}),
      ...(imports.length ? { imports } : {}),
      ...(refs.length ? { refs } : {}),
      ...(importNames ? { importNames } : {}),
      ...(runsAtTopLevel(this.f.sf) ? { runs: true as const } : {}),
    };
  }

  /** The calls of the file whose callee has a value, with it (`import()` left out). */
  private resolvedCalls(): Resolved[] {
    const resolved: Resolved[] = [];
    for (const rec of this.f.calls) {
      const n = rec.node;
      if (!ts.isNewExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) continue;
      const callee = this.r.val(n.expression);
      if (callee) resolved.push({ rec, callee });
    }
    return resolved;
  }

  /** A call as the linker sees it (see `CallCandidate`). */
  private candidate(rec: CallRecord, callee: AVal): CallCandidate {
    const n = rec.node;
    const url = callee.k === 'inst' || callee.k === 'ref' ? this.requestURL(n, callee) : undefined;
    // Scopes limited to some SDKs (LangGraph nodes) are judged here when the callee's SDK is known.
    const sdk = callee.k === 'inst' ? this.r.catalog.type(callee.type)?.sdk : undefined;
    const { wiredBy, pending } = this.settle([...this.contextsOf(n.getStart(this.f.sf), rec.fns), ...this.classContexts(rec.classes)], sdk);
    const each = callee.k === 'inst' ? this.workInLoop(n, this.r.catalog.member(callee.type, callee.path)) : undefined;
    return {
      range: rangeOf(this.f.sf, n),
      callee,
      args: this.r.args(n.arguments ?? NO_ARGS),
      isNew: ts.isNewExpression(n),
      ...(url ? { url } : {}),
      calleeText: calleeText(this.f.sf, n.expression),
      ...(n.expression.kind === ts.SyntaxKind.SuperKeyword ? { isSuper: true as const } : {}),
      contexts: pending,
      ...(each ? { each } : {}),
      wiredBy,
      argsEnd: n.end - 1,
      ...(rec.fns ? { fns: enclosingFnIds(this.f.file, rec.fns) } : {}),
      ...(rec.fns || rec.classes ? gateField(this.exportGate(n.getStart(this.f.sf))) : {}),
    };
  }

  /** By function id, the calls made on its parameters' values, and the requests whose URL comes from a parameter. */
  private paramCallCandidates(resolved: Resolved[]): Map<string, CallCandidate[]> {
    const paramCalls = new Map<string, CallCandidate[]>();
    // Calls on a parameter's value belong to the function's summary (clients passed around), when
    // their last step names a site member: only those can turn out to be sites once the argument is known.
    const siteNames = catalogNames(this.r.catalog).site;
    const workNames = catalogNames(this.r.catalog).work;
    for (const { rec, callee } of resolved) {
      if (callee.k !== 'param' || callee.steps.length === 0) continue;
      const last = callee.steps[callee.steps.length - 1]!;
      // (Also calls that register work on a parameter's instance: a project helper that adds graph nodes.)
      if (!siteNames.has('') && (!('m' in last) || !(siteNames.has(last.m) || workNames.has(last.m)))) continue;
      const list = paramCalls.get(callee.fn) ?? paramCalls.set(callee.fn, []).get(callee.fn)!;
      list.push(this.candidate(rec, callee));
    }
    // HTTP requests whose URL comes from a parameter: each call of the function says where they go.
    for (const { rec, callee } of resolved) {
      if (callee.k !== 'inst' || !this.r.catalog.member(callee.type, callee.path)?.http) continue;
      const c = this.candidate(rec, callee);
      const fnId = paramRoot(c.url);
      if (!fnId) continue;
      const list = paramCalls.get(fnId) ?? paramCalls.set(fnId, []).get(fnId)!;
      list.push(c);
    }
    return paramCalls;
  }

  /** The calls that may be sites, scopes or registrations, or pass clients to a function that uses them. */
  private callCandidates(resolved: Resolved[], paramCalls: Map<string, CallCandidate[]>): CallCandidate[] {
    const calls: CallCandidate[] = [];
    const siteNames = catalogNames(this.r.catalog).site;
    // Constructors whose parameters this file's sites know only by a field's declared type: their calls matter.
    const declaredCtors = new Set<string>();
    for (const { callee } of resolved) if (callee.k === 'inst' && callee.declared) declaredCtors.add(callee.declared.fn);
    // (Whether a function of this file makes calls on its parameters is known here, without its whole summary.)
    const hasParamCalls = (id: string) => (this.r.fnById.has(id) ? paramCalls.has(id) : !!this.r.fnSummary(id)?.paramCalls?.length);
    const ctorMatters = (id: string) => declaredCtors.has(id) || hasParamCalls(id);
    for (const { rec, callee } of resolved) {
      const isNew = ts.isNewExpression(rec.node);
      // Constructing a project class whose constructor keeps a client its methods call (`this.client = client`).
      if (isNew && callee.k === 'cls') {
        const ctor = this.r.interp.ctorOf(callee.id);
        if (ctor?.k === 'fn' && ctorMatters(ctor.id)) calls.push(this.candidate(rec, callee));
        continue;
      }
      // A project class or instance: constructing or calling one gives no catalog value.
      if (callee.k === 'param' || callee.k === 'cls' || callee.k === 'obj') continue;
      if (callee.k === 'inst') {
        const spec = this.r.catalog.member(callee.type, callee.path);
        if (!spec) continue;
        // Constructing a class is a site when opening the instance is the request (a Realtime session).
        const interesting = isNew
          ? !!(spec.global || spec.instrumentation || spec.registers || (spec.site && spec.new))
          : !!(spec.site || spec.global || spec.registers || spec.http || spec.runsRegistered || registersWork(spec));
        if (!interesting) continue;
      }
      if (callee.k === 'fn' && !hasParamCalls(callee.id) && !declaredCtors.has(callee.id)) continue;
      // A method of a value only typed with a class or interface of another file: a site only when its
      // name is a site member's (its other calls meant nothing before types were followed either).
      if (callee.k === 'ref' && callee.steps.some((st) => 'new' in st && st.typed)) {
        const last = callee.steps[callee.steps.length - 1];
        if (!last || !('m' in last) || !(siteNames.has(last.m) || siteNames.has(''))) continue;
      }
      calls.push(this.candidate(rec, callee));
    }
    // Rendering a component of the project (`<Chat client={openai} />`) calls it with its props: the
    // clients it is given reach the calls it makes on them.
    for (const el of this.f.jsx) {
      const n = el.node;
      // (A capitalised name or a member, as the walk recorded: no namespaced name.)
      const tag = n.tagName as ts.Identifier | ts.PropertyAccessExpression;
      const callee = this.r.val(tag);
      if (!callee || (callee.k !== 'fn' && callee.k !== 'ref')) continue;
      if (callee.k === 'fn' && !hasParamCalls(callee.id)) continue;
      const { wiredBy, pending } = this.settle([...this.contextsOf(n.getStart(this.f.sf), el.fns), ...this.classContexts(el.classes)]);
      calls.push({
        range: rangeOf(this.f.sf, n),
        callee,
        args: [this.r.jsxProps(n)],
        isNew: false,
        calleeText: calleeText(this.f.sf, tag),
        contexts: pending,
        wiredBy,
        argsEnd: n.attributes.getEnd(),
        ...(el.fns ? { fns: enclosingFnIds(this.f.file, el.fns) } : {}),
      });
    }
    return calls;
  }

  /** Calls inside functions that nothing here follows, named like a site (see `FileSummary.opaqueCalls`). */
  private opaqueCalls(resolved: Resolved[]): NonNullable<FileSummary['opaqueCalls']> {
    const siteNames = catalogNames(this.r.catalog).site;
    const opaqueCalls: NonNullable<FileSummary['opaqueCalls']> = [];
    const followed = new Set(resolved.map((r) => r.rec));
    for (const rec of this.f.calls) {
      const n = rec.node;
      if (!rec.fns || followed.has(rec) || !ts.isCallExpression(n)) continue;
      const e = unwrap(n.expression);
      const last = ts.isPropertyAccessExpression(e) ? e.name.text : ts.isIdentifier(e) ? e.text : undefined;
      if (last === undefined || !siteNames.has(last)) continue;
      // Rooted at an import or a variable of the file (not a global such as `JSON`, nor a parameter: the
      // parameters' calls are in the function's summary).
      let root: ts.Expression = e;
      for (;;) {
        const u = unwrap(root);
        if (ts.isPropertyAccessExpression(u) || ts.isElementAccessExpression(u) || ts.isCallExpression(u)) root = u.expression;
        else {
          root = u;
          break;
        }
      }
      if (!ts.isIdentifier(root)) continue;
      const d = this.f.scopes.lookup(root.text, root.getStart(this.f.sf));
      if (!d || !((d.k === 'import' && !d.typeOnly) || d.k === 'var')) continue;
      opaqueCalls.push({ fns: enclosingFnIds(this.f.file, rec.fns), text: calleeText(this.f.sf, n.expression) });
    }
    return opaqueCalls;
  }

  /** Calls of this file's functions from inside functions (see `FileSummary.helperCalls`). */
  private helperCalls(resolved: Resolved[], calls: CallCandidate[], paramCalls: Map<string, CallCandidate[]>, opaqueCalls: NonNullable<FileSummary['opaqueCalls']>): NonNullable<FileSummary['helperCalls']> {
    // The linker asks for the callers of functions that enclose a call that may be a site (up the calls
    // that lead there): only calls of those functions are kept.
    const inner = resolved.filter(({ rec, callee }) => callee.k === 'fn' && rec.fns && !ts.isNewExpression(rec.node));
    const enclosing = new Set<string>();
    for (const c of calls) for (const id of c.fns ?? []) enclosing.add(id);
    for (const list of paramCalls.values()) for (const c of list) for (const id of c.fns ?? []) enclosing.add(id);
    // (And those enclosing a call that cannot be followed: what a graph node reaches through them is unknown.)
    for (const o of opaqueCalls) for (const id of o.fns) enclosing.add(id);
    // (A worklist over the functions found to matter: each call is looked at once, however long the chains.)
    const byCallee = new Map<string, (typeof inner)[number][]>();
    for (const h of inner) {
      const id = (h.callee as Extract<AVal, { k: 'fn' }>).id;
      (byCallee.get(id) ?? byCallee.set(id, []).get(id)!).push(h);
    }
    const kept = new Set<(typeof inner)[number]>();
    const work = [...enclosing];
    while (work.length) {
      for (const h of byCallee.get(work.pop()!) ?? []) {
        if (kept.has(h)) continue;
        kept.add(h);
        for (const id of enclosingFnIds(this.f.file, h.rec.fns!)) {
          if (enclosing.has(id)) continue;
          enclosing.add(id);
          work.push(id);
        }
      }
    }
    const helperCalls: NonNullable<FileSummary['helperCalls']> = [];
    for (const h of inner) {
      if (!kept.has(h)) continue;
      const { rec } = h;
      const { wiredBy, pending } = this.settle(this.contextsOf(rec.node.getStart(this.f.sf), rec.fns));
      // A call in a traced scope is kept as an edge of the call graph only (what a graph node reaches).
      helperCalls.push({ callee: (h.callee as Extract<AVal, { k: 'fn' }>).id, fns: enclosingFnIds(this.f.file, rec.fns!), contexts: pending, ...(wiredBy ? { wired: true as const } : {}) });
    }
    return helperCalls;
  }

  /** Functions imported from another project file and passed to a call that may be a scope. */
  private passedRefs(): NonNullable<FileSummary['passedRefs']> {
    const passedRefs: NonNullable<FileSummary['passedRefs']> = [];
    for (const ia of this.f.identArgs) {
      const value = this.r.val(ia.ident);
      if (value?.k !== 'ref') continue;
      const callee = this.calleeOf(ia.call);
      if (!callee || (callee.k === 'inst' && !this.r.catalog.member(callee.type, callee.path)?.scope)) continue;
      passedRefs.push({ value, callee, index: ia.index, nargs: ia.nargs });
    }
    return passedRefs;
  }

  /** The values of other files this file uses (see `FileSummary.refs`): callees, and arguments naming one. */
  private refs(resolved: Resolved[], calls: CallCandidate[]): AVal[] {
    const refs: AVal[] = [];
    // Deduplicated by the expression's text first: values of the same text are compared only then.
    const byText = new Map<string, { v: AVal; json?: string }[]>();
    const keepRef = (e: ts.Expression, v: AVal | undefined) => {
      if (v?.k !== 'ref') return;
      const text = this.f.sf.text.slice(e.getStart(this.f.sf), e.end);
      const same = byText.get(text);
      if (!same) {
        byText.set(text, [{ v }]);
        refs.push(v);
        return;
      }
      if (same.some((x) => x.v === v)) return;
      const json = JSON.stringify(v);
      for (const x of same) if ((x.json ??= JSON.stringify(x.v)) === json) return;
      same.push({ v, json });
      refs.push(v);
    };
    // The callees of `calls` are in the summary already.
    const listed = new Set(calls.map((c) => c.callee));
    for (const { rec, callee } of resolved) if (!listed.has(callee)) keepRef(rec.node.expression, callee);
    // Arguments that name an import, or a member of one: resolving every argument would cost more than
    // analysing the few files it spares.
    for (const rec of this.f.calls) {
      for (const a of rec.node.arguments ?? NO_ARGS) {
        const e = unwrap(a);
        let root: ts.Expression = e;
        while (ts.isPropertyAccessExpression(root)) root = root.expression;
        if (!ts.isIdentifier(root)) continue;
        const b = this.f.scopes.lookup(root.text, root.getStart(this.f.sf));
        if (b?.k === 'import' && !b.typeOnly) keepRef(e, this.r.val(e));
      }
    }
    return refs;
  }

  /** Summaries of every function and class a kept value can reach (the others can never be looked up). */
  private reachableSummaries(calls: CallCandidate[], passedRefs: NonNullable<FileSummary['passedRefs']>, exports: FileSummary['exports']): { fns: Record<string, FnSummary>; classes: Record<string, ClassSummary> } {
    const fns: Record<string, FnSummary> = {};
    const classes: Record<string, ClassSummary> = {};
    const reachable = new Set<string>();
    const reachableClasses = new Set<string>();
    const collect = (x: unknown) => collectIds(x, reachable, reachableClasses);
    collect(calls);
    collect(passedRefs);
    if (!this.unimported) collect(exports);
    else {
      // No import looks the exports up. Two lookups need no import: the list of the project's own tracing
      // helpers (exported functions that run a callback parameter in a scope: `Linker.scopeHelpers`),
      // which fixes reuse, and a call through an interface, which may run a class that implements it.
      for (const v of Object.values(exports)) {
        if (v.k === 'fn') {
          const node = this.r.fnById.get(v.id);
          const called = node && this.paramUses().has(node) ? this.calledParamsOf(node) : undefined;
          if (called?.calledParams.some((c) => called.params[c.index]?.runs)) reachable.add(v.id);
        } else if (v.k === 'cls') {
          const node = this.r.clsById.get(v.id);
          if (node && 'heritageClauses' in node && node.heritageClauses?.some((h) => h.token === ts.SyntaxKind.ImplementsKeyword)) reachableClasses.add(v.id);
        }
      }
    }
    for (const [id, c] of this.literals) {
      classes[id] = c;
      collect(c);
    }
    for (let progress = true; progress; ) {
      progress = false;
      for (const id of reachable) {
        if (id in fns || this.done.has(id)) continue;
        this.done.add(id);
        progress = true;
        const node = this.r.fnById.get(id);
        if (!node) continue;
        const s = this.summarize(node);
        // A summary with nothing in it answers like no summary at all.
        if (s.returns || s.calledParams || s.paramCalls || s.spanCallback || s.spanParams || s.throws || s.swallows || s.marksSpan || s.metricDecl || s.metricUse || s.metricLabels || s.metricForward) fns[id] = s;
        collect(s);
      }
      for (const id of reachableClasses) {
        if (id in classes || !this.r.clsById.has(id)) continue;
        const c = this.r.classSummary(id);
        if (!c) continue;
        classes[id] = c;
        progress = true;
        collect(c);
      }
    }
    return { fns, classes };
  }

  private starExports: string[] = [];

  private withoutEmptyMethods(c: ClassSummary, fns: Record<string, FnSummary>): ClassSummary {
    // Not in a subclass: its own method hides the base class's of the same name.
    if (c.base) return c;
    const prune = (table: Record<string, AVal> | undefined) => {
      if (!table) return table;
      let out: Record<string, AVal> | undefined;
      for (const [k, v] of Object.entries(table)) {
        if (v.k !== 'fn' || v.id in fns || !this.r.fnById.has(v.id)) continue;
        out ??= { ...table };
        delete out[k];
      }
      return out ?? table;
    };
    const members = prune(c.members)!;
    const statics = prune(c.statics);
    if (members === c.members && statics === c.statics) return c;
    const out: ClassSummary = { ...c, members };
    if (statics && Object.keys(statics).length) out.statics = statics;
    else delete out.statics;
    return out;
  }

  private importFacts: { all: string[]; runtime: string[]; names: Record<string, string[]> | undefined } | undefined;

  /**
   * The project modules the file imports, in one pass: every one (with type-only imports, for the
   * prefilter's graph), the ones loaded at run time, and what the file takes from each (see
   * `FileSummary.importNames`): binding names (`default` for the default export), `*` for a namespace,
   * `require`, `import()` or a re-export, nothing for a side-effect import.
   */
  private collectImports(): { all: string[]; runtime: string[]; names: Record<string, string[]> | undefined } {
    if (this.importFacts) return this.importFacts;
    const all = new Set<string>();
    const names = new Map<string, Set<string>>();
    const resolved = new Map<string, string | undefined>();
    const fileOf = (spec: string) => {
      if (!resolved.has(spec)) resolved.set(spec, this.r.moduleFile(spec));
      return resolved.get(spec);
    };
    const add = (spec: string, name: string | undefined, runtime: boolean) => {
      const file = fileOf(spec);
      if (!file) return;
      all.add(file);
      if (!runtime) return;
      const set = names.get(file) ?? names.set(file, new Set()).get(file)!;
      if (name !== undefined) set.add(name);
    };
    for (const d of this.f.scopes.allBindings()) if (d.k === 'import') add(d.module, d.export, !d.typeOnly);
    // `import './instrument'`: loaded for its side effects, binds nothing.
    for (const st of this.f.sf.statements) if (ts.isImportDeclaration(st) && !st.importClause && ts.isStringLiteral(st.moduleSpecifier)) add(st.moduleSpecifier.text, undefined, true);
    for (const n of this.f.exportNodes) if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) add(n.moduleSpecifier.text, '*', !n.isTypeOnly);
    for (const { node } of this.f.calls) {
      if (!ts.isCallExpression(node)) continue;
      const callee = unwrap(node.expression);
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
      const a = node.arguments[0];
      if (isImport && a && ts.isStringLiteralLike(a)) add(a.text, '*', true);
    }
    let rec: Record<string, string[]> | undefined;
    if (names.size) {
      rec = {};
      for (const k of [...names.keys()].sort()) rec[k] = [...names.get(k)!].sort();
    }
    this.importFacts = { all: [...all].sort(), runtime: [...names.keys()].sort(), names: rec };
    return this.importFacts;
  }

  /** See `FileAnalysis.imports`. */
  projectImports(): string[] {
    return this.collectImports().all;
  }

  private gateMemo = new Map<number, string | undefined>();
  private nameCounts = new Map<string, number>();

  /**
   * The export whose use is the only way to run code at `pos`: the position lies in an exported top-level
   * function, class or `const f = () => ...` that nothing else in the file mentions. A process that loads
   * the file without importing that name (or `*`) never runs it. Undefined when no such gate exists.
   */
  private exportGate(pos: number): string | undefined {
    const stmts = this.f.sf.statements;
    let lo = 0;
    let hi = stmts.length - 1;
    let st: ts.Statement | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = stmts[mid]!;
      if (pos < m.pos) hi = mid - 1;
      else if (pos >= m.end) lo = mid + 1;
      else {
        st = m;
        break;
      }
    }
    if (!st) return undefined;
    if (this.gateMemo.has(st.pos)) return this.gateMemo.get(st.pos);
    let name: string | undefined;
    const mods = ts.canHaveModifiers(st) ? ts.getModifiers(st) : undefined;
    const exported = mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const isDefault = mods?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if (exported && (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) name = isDefault ? 'default' : st.name.text;
    else if (exported && ts.isVariableStatement(st) && st.declarationList.declarations.length === 1) {
      const d = st.declarationList.declarations[0]!;
      const init = d.initializer && unwrap(d.initializer);
      if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init) || ts.isClassExpression(init))) name = d.name.text;
    }
    const local = name === 'default' ? (st as ts.FunctionDeclaration | ts.ClassDeclaration).name?.text : name;
    if (name && local && this.mentions(local) !== 1) name = undefined;
    this.gateMemo.set(st.pos, name);
    return name;
  }

  /**
   * How many times an identifier (`word`) occurs in the file's text as a word of its own, as the pattern
   * `[A-Za-z_$][\w$]*` tokenizes it (a run of word characters, less its leading digits). Counted per word
   * asked, with the text searched for it: a file asks about a few names, and tokenizing all of it costs
   * more than a few searches.
   */
  private mentions(word: string): number {
    let n = this.nameCounts.get(word);
    if (n !== undefined) return n;
    n = 0;
    const text = this.f.sf.text;
    for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + word.length)) {
      if (isWordChar(text.charCodeAt(i + word.length))) continue;
      // Preceded by word characters: part of a longer token, unless they are all digits (skipped by the pattern).
      let j = i - 1;
      while (j >= 0 && isDigit(text.charCodeAt(j))) j--;
      if (j >= 0 && isWordChar(text.charCodeAt(j))) continue;
      n++;
    }
    this.nameCounts.set(word, n);
    return n;
  }

  /**
   * The URL an HTTP request goes to (`MemberSpec.http`): its URL argument or the `url` of its options
   * object, after the base URL of the client or of the options (`axios.create({ baseURL })`, `prefixUrl`).
   */
  private requestURL(n: ts.CallExpression | ts.NewExpression, callee: Extract<AVal, { k: 'inst' } | { k: 'ref' }>): AVal | undefined {
    const args = n.arguments ?? NO_ARGS;
    // A value of another file (an HTTP client instance exported there): the link phase knows what it is;
    // the request's own URL is read here, as an HTTP client method takes it.
    const spec = callee.k === 'inst' ? this.r.catalog.member(callee.type, callee.path)?.http : args.length && callee.steps.some((st) => 'm' in st) ? REF_REQUEST : undefined;
    if (!spec) return undefined;
    let url: AVal | undefined;
    let base: AVal | undefined;
    const atUrl = spec.url !== undefined ? args[spec.url] : undefined;
    // (For another file's value, only a URL written as one: most calls through such values are no requests.)
    if (atUrl && !this.r.objectLiteralOf(atUrl)) url = callee.k === 'inst' ? this.r.str(atUrl) : this.r.strIfStringish(atUrl);
    // The options: at `config` (`axios({ url })`), else after the URL (`axios(url, { baseURL })`).
    const objectAt = (i: number | undefined) => (i === undefined || !args[i] ? undefined : this.r.objectLiteralOf(args[i]!));
    const config = objectAt(spec.config) ?? (spec.url !== undefined ? objectAt(spec.url + 1) : undefined);
    if (config) {
      for (const p of config.properties) {
        const key = ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) ? propName(p.name) : undefined;
        const value = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : undefined;
        if (!key || !value) continue;
        if (key === 'url' && !url) url = this.r.str(value);
        else if (spec.baseKeys?.includes(key)) base = this.r.str(value) ?? base;
      }
    }
    if (!url || url.k !== 'str') return undefined;
    // The base of the options here; the client instance's own base is joined at link time (`joinBase`).
    return base?.k === 'str' ? joinBase(base, url) : url;
  }

  /** Object literals exported (`export const llm = { client: new OpenAI() }`), as classes of one instance: id → summary. */
  private readonly literals = new Map<string, ClassSummary>();

  /**
   * An exported object literal as an instance whose members are its properties' values, so that other
   * files resolve `llm.client.chat.completions.create` through it. Not when the file assigns to its
   * members or merges into it (`llm.client = wrap(llm.client)`, `Object.assign(llm, ...)`): its members'
   * values are then not the literal's.
   */
  private literalValue(e: ts.Expression, name: string | undefined, depth: number): AVal | undefined {
    if (depth > 3) return undefined;
    const u = unwrap(e);
    if (!ts.isObjectLiteralExpression(u)) return undefined;
    if (name !== undefined && depth === 0 && this.f.mutatedRoots.has(name)) return undefined;
    const id = `${this.f.file}#${u.pos}`;
    const known = this.literals.get(id);
    if (known) return { k: 'obj', cls: id };
    const members: Record<string, AVal> = {};
    const summary: ClassSummary = { id, name: name ?? 'default', members };
    this.literals.set(id, summary);
    for (const p of u.properties) {
      if (ts.isPropertyAssignment(p)) {
        const k = propName(p.name);
        const v = k === undefined ? undefined : (this.r.val(p.initializer) ?? this.literalValue(p.initializer, undefined, depth + 1));
        if (k !== undefined && v) members[k] = v;
      } else if (ts.isShorthandPropertyAssignment(p)) {
        const v = this.r.val(p.name);
        if (v) members[p.name.text] = v;
      } else if (ts.isMethodDeclaration(p) && p.body) {
        const k = propName(p.name);
        if (k !== undefined) members[k] = { k: 'fn', id: this.r.fnId(p) };
      }
    }
    return { k: 'obj', cls: id };
  }

  private collectExports(): Record<string, AVal> {
    const out: Record<string, AVal> = {};
    /** Exported interfaces and object types, kept where no value of the same name is exported. */
    const typeExports = new Map<string, AVal>();
    const set = (name: string, v: AVal | undefined) => {
      if (v) out[name] = v;
    };
    const sf = this.f.sf;
    for (const st of sf.statements) {
      const mods = ts.canHaveModifiers(st) ? ts.getModifiers(st) : undefined;
      const exported = mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      const isDefault = mods?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      if (exported && ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) {
          if (ts.isIdentifier(d.name)) {
            const decl = this.f.scopes.lookup(d.name.text, d.name.getStart(sf));
            // A string constant (a model API URL other files build requests on) when it is no other value.
            set(d.name.text, (decl && this.r.exportedValue(decl)) ?? (d.initializer && (this.r.strIfStringish(d.initializer) ?? this.literalValue(d.initializer, d.name.text, 0))));
          }
        }
      } else if (exported && ts.isFunctionDeclaration(st)) {
        const v: AVal = { k: 'fn', id: this.r.fnId(st) };
        if (isDefault) set('default', v);
        if (st.name) set(st.name.text, v);
      } else if (exported && ts.isClassDeclaration(st)) {
        // Classes: other files construct them, extend them, or declare values of their type.
        const v: AVal = { k: 'cls', id: this.r.classId(st) };
        if (isDefault) set('default', v);
        if (st.name) set(st.name.text, v);
      } else if (exported && (ts.isInterfaceDeclaration(st) || (ts.isTypeAliasDeclaration(st) && (ts.isTypeLiteralNode(st.type) || ts.isFunctionTypeNode(st.type))))) {
        // Interfaces and object types: values declared with them get their members' types.
        if (!out[st.name.text]) typeExports.set(st.name.text, { k: 'cls', id: this.r.classId(st) });
      }
    }
    for (const node of this.f.exportNodes) {
      if (ts.isExportAssignment(node)) {
        set('default', this.r.val(node.expression) ?? this.literalValue(node.expression, undefined, 0));
        continue;
      }
      const n = node as ts.ExportDeclaration;
      const from = n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier) ? n.moduleSpecifier.text : undefined;
      if (!n.exportClause) {
        const file = from && this.r.moduleFile(from);
        if (file) this.starExports.push(file);
        continue;
      }
      if (ts.isNamespaceExport(n.exportClause)) {
        if (from) set(n.exportClause.name.text, this.r.moduleValue(from, '*'));
        continue;
      }
      for (const el of n.exportClause.elements) {
        const local = el.propertyName ? (propName(el.propertyName) ?? el.name.text) : el.name.text;
        const typeOnly = n.isTypeOnly || el.isTypeOnly;
        if (from) {
          // A re-exported type is only a reference (annotations follow it); a value one is the value.
          const v = this.r.moduleValue(from, local);
          if (typeOnly) {
            if (v) typeExports.set(el.name.text, v);
          } else set(el.name.text, v);
        } else {
          const d = typeOnly ? undefined : this.f.scopes.lookup(local, el.getStart(sf));
          const v = d && (this.r.exportedValue(d) ?? (d.k === 'var' && d.init && !d.path.length ? (this.r.strIfStringish(d.init) ?? (d.isConst ? this.literalValue(d.init, local, 0) : undefined)) : undefined));
          if (v) set(el.name.text, v);
          else {
            const t = this.r.typeNameValue(el.propertyName ?? el.name, el.getStart(sf));
            if (t) typeExports.set(el.name.text, t);
          }
        }
      }
    }
    for (const [name, v] of typeExports) if (!out[name]) out[name] = v;
    for (const c of this.f.cjsExports) {
      if (c.name) set(c.name, this.r.val(c.value) ?? this.r.strIfStringish(c.value));
      else {
        set('default', this.r.val(c.value) ?? this.literalValue(c.value, undefined, 0));
        const obj = this.r.objectLiteralOf(c.value);
        if (obj) for (const p of obj.properties) {
          if (ts.isPropertyAssignment(p)) { const k = propName(p.name); if (k) set(k, this.r.val(p.initializer)); }
          else if (ts.isShorthandPropertyAssignment(p)) set(p.name.text, this.r.val(p.name));
        }
      }
    }
    return out;
  }
}


/** Array methods whose callback gets each element as its first parameter. */
const LOOP_METHODS = new Set(['forEach', 'map', 'flatMap']);

/** An element of a literal list a loop goes over: an expression, or an `Object.entries` pair's value. */
type LoopElement = ts.Expression | { entry: ts.Expression };

/** The path (array indexes, member names) from a binding pattern's value to the name declared at `pos`. */
function bindingPath(name: ts.BindingName, pos: number, sf: ts.SourceFile): (string | number)[] | undefined {
  if (ts.isIdentifier(name)) return name.getStart(sf) === pos ? [] : undefined;
  if (ts.isArrayBindingPattern(name)) {
    for (let i = 0; i < name.elements.length; i++) {
      const el = name.elements[i]!;
      if (ts.isOmittedExpression(el) || el.dotDotDotToken) continue;
      const r = bindingPath(el.name, pos, sf);
      if (r) return [i, ...r];
    }
    return undefined;
  }
  for (const el of name.elements) {
    if (el.dotDotDotToken) continue;
    const key = el.propertyName ? propName(el.propertyName) : ts.isIdentifier(el.name) ? el.name.text : undefined;
    const r = bindingPath(el.name, pos, sf);
    if (r) return key === undefined ? undefined : [key, ...r];
  }
  return undefined;
}

/** How an HTTP client method of another file's instance takes its URL (`api.post(url, body, { baseURL })`). */
const REF_REQUEST: NonNullable<MemberSpec['http']> = { url: 0, baseKeys: ['baseURL', 'prefixUrl'] };

/** The function whose parameter a URL starts from (`fetch(url)` in `function send(url)`), if any. */
function paramRoot(url: AVal | undefined): string | undefined {
  if (url?.k !== 'str') return undefined;
  for (const p of url.parts) if (typeof p === 'object' && 'v' in p && p.v.k === 'param') return p.v.fn;
  return undefined;
}

function gateField(gate: string | undefined): { gate?: string } {
  return gate ? { gate } : {};
}

/** Ids (as `fnId` makes them) of the functions of a chain, innermost first. */
function enclosingFnIds(file: string, chain: Chain<FnNode>): string[] {
  const ids: string[] = [];
  for (let c: Chain<FnNode> | undefined = chain; c; c = c.parent) ids.push(`${file}#${c.node.pos}`);
  return ids;
}

/** Ids of the user functions (`{ k: 'fn' }`) and classes (`cls`, `obj`) anywhere in a summary's plain data. */
/** `[0-9]`. */
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `[\w$]`: ASCII letters and digits, `_` and `$` (NaN, past the end of the text, is none). */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 36;
}

export function collectIds(x: unknown, fns: Set<string>, classes: Set<string>): void {
  if (x === null || typeof x !== 'object') return;
  if (Array.isArray(x)) {
    for (const e of x) collectIds(e, fns, classes);
    return;
  }
  const o = x as Record<string, unknown>;
  if (o.k === 'fn' && typeof o.id === 'string') fns.add(o.id);
  else if (o.k === 'cls' && typeof o.id === 'string') classes.add(o.id);
  else if (o.k === 'obj' && typeof o.cls === 'string') classes.add(o.cls);
  for (const key in o) {
    const v = o[key];
    if (v !== null && typeof v === 'object') collectIds(v, fns, classes);
  }
}

/**
 * What a context means: a mechanism name (it traces), `none` (it does not), or `pending` (its callee
 * is rooted in another file or a parameter and can only be judged at link time). `sdk` and `kind`
 * describe the site being judged; unknown in the local phase, where contexts whose meaning depends on
 * them stay pending (scopes limited to some SDKs, handlers that only serve agent task executions and
 * kickoffs).
 */
export function contextMechanism(c: Context, interp: Interp, host: InterpHost, sdk?: string, kind?: SiteKind): string | 'none' | 'pending' {
  const v = interp.concretize(c.callee);
  if (!v) return 'none';
  if (v.k === 'ref' || v.k === 'param') return 'pending';
  if (v.k === 'fn') {
    if (c.k !== 'arg') return 'none';
    const s = host.fnCalledParams ? host.fnCalledParams(v.id) : host.fnSummary(v.id);
    if (!s?.calledParams) return 'none';
    let pending = false;
    for (const cp of s.calledParams) {
      if (cp.index !== c.index) continue;
      if (cp.wiredBy) return `scope:${s.name}`;
      for (const inner of cp.contexts) {
        const r = contextMechanism(inner, interp, host, sdk, kind);
        if (r === 'pending') pending = true;
        else if (r !== 'none') return `scope:${s.name}`;
      }
    }
    return pending ? 'pending' : 'none';
  }
  if (v.k !== 'inst') return 'none';
  const spec = host.catalog.member(v.type, v.path);
  if (!spec) return 'none';
  if (c.k === 'arg' && spec.scope) {
    const at = spec.scope.callbackArg;
    if (!(at === 'any' || at === c.index || (at === 'last' && c.index === c.nargs - 1))) return 'none';
    if (spec.scope.sdks) {
      if (sdk === undefined) return 'pending';
      if (!spec.scope.sdks.includes(sdk)) return 'none';
    }
    // Wired by a run the scope does not start: judged once every site is known (see `Linker.runScopes`).
    if (spec.scope.fromRun) return 'pending';
    return spec.scope.mechanism;
  }
  if (c.k === 'decorator' && spec.decorator) return spec.decorator.mechanism;
  if (c.k === 'span' && spec.span) return spec.span.mechanism;
  if (c.k === 'subclass' && spec.subclassScope) return spec.subclassScope.mechanism;
  if (c.k === 'span' && spec.handler) {
    if (kind === undefined) return 'pending';
    return kind === 'llm-call' ? 'none' : spec.handler.mechanism;
  }
  return 'none';
}
