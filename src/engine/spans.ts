/**
 * Spans as the engine's model sees them: where a file starts spans (the catalog's span starts, and the
 * project's own helpers: functions and methods that return a span they start, or hand one to a callback),
 * the variable or callback parameter that holds each span, every use of it (a span operation, a read, a
 * hand-over), and what happens along every path (the flow model, flow.ts): ended or not, marked failed or
 * not when an error leaves the span.
 *
 * Function summaries carry what the project's helpers do (`FnSummary.spanCallback`, `spanParams`,
 * `fresh`, `throws`), computed here from their bodies, so a span handed to `endChildSpan(span, 'error')`
 * or started through `tracer.trace(name, cb)` in another file is followed, not assumed.
 */

import ts = require('typescript');
import { calleeName, type FnNode, isFunctionLike, isWrapper, namesIdentifier, suspends, unwrapTypes as unwrapExpr } from './ast.js';
import type { SpanOp, SpanStartSpec } from './catalog-schema.js';
import type { CatalogIndex } from './catalog.js';
import { type Exits, Flow, type FlowClient, type Mask } from './flow.js';
import type { SemanticModel } from './model.js';
import type { Binding } from './scopes.js';
import type { AVal, FnSummary } from './values.js';

/** A use of the variable that holds a span. */
export interface SpanUse {
  /** The identifier (for chained calls, the call whose result is the span again). */
  node: ts.Node;
  kind: 'method' | 'read' | 'borrow' | 'escape' | 'assign' | 'helper';
  /** Method uses: the call, the member name and what it does according to the catalog. */
  call?: ts.CallExpression;
  member?: string;
  op?: SpanOp;
  /** `setStatus` whose code is ERROR or not known to be anything else. */
  marks?: boolean;
  /**
   * A hand-over to code of unknown effect that this code follows by ending the span itself: a lend. The
   * callee may have marked the span, also when the call itself throws or rejects.
   */
  lent?: true;
  /** Hand-overs to a project function whose summary says what it does to the span (`helper` uses). */
  effect?: { ends: 'always' | 'maybe' | 'never'; marks: boolean };
  /**
   * The outermost function or class, nested inside the span's scope, that contains the use: the span
   * is then used by a closure that may run later (an event handler, a `.then` callback).
   */
  closure?: ts.Node;
}

export type SpanDisposition =
  /** Held in a variable or parameter whose uses are all known. */
  | 'bound'
  /** `tracer.startSpan('x');`: the span is thrown away. */
  | 'discarded'
  /** Returned, stored on an object, or passed on at once: someone else owns it. */
  | 'escaped'
  /** A `startActiveSpan` callback that takes no parameter. */
  | 'no-param'
  /** A shape this module does not follow (destructuring, callbacks passed by name, reassigned variables). */
  | 'unbound';

/** A project helper that starts the span (`trace(name, cb)`, `createChildSpan(name)`), from its summary. */
export interface SpanHelper {
  /** The helper's name, for messages. */
  name: string;
  /** The helper ends the span itself on every path (callback helpers). */
  ends: boolean;
  /** The helper marks the span failed when the callback throws or rejects. */
  marks: boolean;
}

export interface SpanInfo {
  call: ts.CallExpression;
  spec: SpanStartSpec;
  disposition: SpanDisposition;
  /** Started through a project helper (absent: a catalog span start such as `tracer.startSpan`). */
  helper?: SpanHelper;
  /** Name of the variable or parameter holding the span. */
  name?: string;
  /** Its binding in the engine's scopes. */
  binding?: Binding;
  /** Where that binding lives: a block or the source file (variables), or the callback (parameters). */
  scope?: ts.Node;
  /** `const span = tracer.startSpan(...)` as a statement of its own (fixes insert around it). */
  declStatement?: ts.VariableStatement;
  /** The callback that receives the span (`startActiveSpan`, a helper's). */
  callback?: ts.ArrowFunction | ts.FunctionExpression;
  uses: SpanUse[];
  /** A hoisted function declaration in the scope ends or hands on the span: its timing is unknown. */
  hoistedUse: boolean;
  nameExpr?: ts.Expression;
  optionsExpr?: ts.Expression;
}

/** Methods of the built-in collections that keep their argument (Array, Set, Map, WeakMap, WeakSet). */
const STORING_METHODS = new Set(['push', 'unshift', 'splice', 'add', 'set']);

/** The OpenTelemetry status code of a failed span (`SpanStatusCode.ERROR`). */
export const STATUS_ERROR = 2;

interface SpanNames {
  ops: Set<string>;
  /** The operations that mark a span failed (`setStatus`, `recordException`). */
  marks: Set<string>;
  starts: Set<string>;
  spanTypes: Set<string>;
}
const spanOpNamesCache = new WeakMap<CatalogIndex, SpanNames>();

/** Names of span operations (`end`, `setStatus`, ...) and span starts (`startSpan`, ...), and the span types. */
export function spanNames(catalog: CatalogIndex): SpanNames {
  let n = spanOpNamesCache.get(catalog);
  if (!n) {
    n = { ops: new Set(), marks: new Set(), starts: new Set(), spanTypes: new Set() };
    for (const t of catalog.types.values()) {
      for (const [p, m] of t.members) {
        const last = p.split('.').pop()!;
        if (m.spanOp) {
          n.ops.add(last);
          if (m.spanOp === 'setStatus' || m.spanOp === 'recordException') n.marks.add(last);
          n.spanTypes.add(t.name);
        }
        if (m.spanStart) n.starts.add(last);
      }
    }
    spanOpNamesCache.set(catalog, n);
  }
  return n;
}

/** A span value a call returns that the call itself started (a catalog start, or a helper that starts one per call). */
function isStartedSpan(v: AVal | undefined, spanTypes: Set<string>): v is Extract<AVal, { k: 'inst' }> {
  return !!v && v.k === 'inst' && !!v.started && v.path.length === 0 && spanTypes.has(v.type);
}

export class FileSpans {
  readonly spans: SpanInfo[] = [];
  readonly sf: ts.SourceFile;
  readonly catalog: CatalogIndex;
  private readonly names: ReturnType<typeof spanNames>;

  constructor(readonly model: SemanticModel) {
    this.sf = model.sourceFile;
    this.catalog = model.catalog;
    this.names = spanNames(model.catalog);
  }

  parent(n: ts.Node): ts.Node | undefined {
    return this.model.parent(n);
  }

  /** The nearest function-like ancestor (or the source file). */
  fnOf(n: ts.Node): ts.Node {
    return this.model.fnOf(n);
  }

  /** Whether `inner` is `outer` or inside it. */
  contains(outer: ts.Node, inner: ts.Node): boolean {
    return this.model.contains(outer, inner);
  }

  /** A span name as far as the source shows it: the whole name, or the known start of a template literal. */
  spanNameOf(e0: ts.Expression | undefined): { exact: string } | { prefix: string } | undefined {
    if (!e0) return undefined;
    const c = this.model.constantOf(e0);
    if (typeof c === 'string') return { exact: c };
    const e = unwrapExpr(e0);
    if (ts.isTemplateExpression(e)) {
      let s = e.head.text;
      for (const span of e.templateSpans) {
        const v = this.model.constantOf(span.expression);
        if (v === undefined) return { prefix: s };
        s += String(v) + span.literal.text;
      }
      return { exact: s };
    }
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const l = this.spanNameOf(e.left);
      if (!l) return undefined;
      return { prefix: 'exact' in l ? l.exact : l.prefix };
    }
    return undefined;
  }

  // ------------------------------------------------------------------ where spans start

  /**
   * Every span the file starts: calls of catalog span starts, of project helpers that hand a span to a
   * callback, and of functions that return a span they start per call.
   */
  collect(): void {
    for (const rec of this.model.facts.calls) {
      const call = rec.node;
      if (!ts.isCallExpression(call) || call.expression.kind === ts.SyntaxKind.ImportKeyword) continue;
      const callee = this.model.valueOf(call.expression);
      if (!callee) continue;
      const spec = this.model.specOf(callee)?.spanStart;
      if (spec) {
        this.spans.push(spec.yields === 'callback' ? this.callbackSpan(call, spec, call.arguments.length - 1, 0) : this.returnedSpan(call, spec));
        continue;
      }
      if (callee.k !== 'fn') continue;
      const summary = this.model.summaryOf(callee);
      if (!summary) continue;
      const sc = summary.spanCallback;
      if (sc) {
        const s: SpanStartSpec = { yields: 'callback', nameArg: sc.nameArg ?? -1, type: sc.type };
        const info = this.callbackSpan(call, s, sc.arg, sc.spanParam);
        info.helper = { name: summary.name, ends: sc.ends, marks: sc.marks };
        this.spans.push(info);
        continue;
      }
      // A span the function starts on each call (its summary says so; a stored span, `getRoot()`, is not).
      if (!summary.fresh) continue;
      const v = this.model.valueOf(call);
      if (isStartedSpan(v, this.names.spanTypes)) {
        const info = this.returnedSpan(call, { yields: 'return', nameArg: -1, type: v.type });
        info.helper = { name: summary.name, ends: false, marks: false };
        this.spans.push(info);
      }
    }
  }

  private base(call: ts.CallExpression, spec: SpanStartSpec): SpanInfo {
    const args = call.arguments;
    // Catalog starts name the span in argument 0 unless they say otherwise; helpers only when their summary knows.
    const nameExpr = args[spec.nameArg ?? 0];
    let optionsExpr: ts.Expression | undefined;
    if (spec.optionsArg !== undefined) {
      // Callback starts: `(name, fn)` has no options; `(name, options, fn)` and `(name, options, context, fn)` do.
      const hasOptions = spec.yields === 'callback' ? args.length > 2 : args.length > spec.optionsArg;
      if (hasOptions) optionsExpr = args[spec.optionsArg];
    }
    return { call, spec, disposition: 'unbound', uses: [], hoistedUse: false, nameExpr, optionsExpr };
  }

  private callbackSpan(call: ts.CallExpression, spec: SpanStartSpec, argIndex: number, spanParam: number): SpanInfo {
    const info = this.base(call, spec);
    const arg = call.arguments[argIndex];
    const fn = arg && unwrapExpr(arg);
    if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || call.arguments.some((a) => ts.isSpreadElement(a))) return info;
    info.callback = fn;
    const params = fn.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
    if (spanParam < 0 || params.length <= spanParam) {
      info.disposition = 'no-param';
      return info;
    }
    const p0 = params[spanParam]!;
    if (!ts.isIdentifier(p0.name) || p0.dotDotDotToken) return info;
    info.name = p0.name.text;
    info.binding = this.model.bindingOf(p0.name);
    info.scope = fn;
    info.disposition = 'bound';
    this.findUses(info);
    return info;
  }

  private returnedSpan(call: ts.CallExpression, spec: SpanStartSpec): SpanInfo {
    const info = this.base(call, spec);
    let child: ts.Node = call;
    let p = this.parent(call);
    while (p && (isWrapper(p) || ts.isAwaitExpression(p))) {
      child = p;
      p = this.parent(p);
    }
    if (!p) return info;
    if (ts.isVariableDeclaration(p) && p.initializer === child) {
      if (!ts.isIdentifier(p.name)) return info;
      const list = this.parent(p);
      const stmt = list && this.parent(list);
      if (!list || !ts.isVariableDeclarationList(list) || !stmt || !ts.isVariableStatement(stmt)) return info;
      const container = this.parent(stmt);
      if (!container || ts.isCaseClause(container) || ts.isDefaultClause(container)) return info;
      info.name = p.name.text;
      info.binding = this.model.bindingOf(p.name);
      info.scope = list.flags & ts.NodeFlags.BlockScoped ? container : this.varScope(stmt);
      if (list.declarations.length === 1) info.declStatement = stmt;
    } else if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === child) {
      const left = unwrapExpr(p.left);
      if (!ts.isIdentifier(left)) {
        info.disposition = 'escaped';
        return info;
      }
      const binding = this.model.bindingOf(left);
      const scope = binding && this.model.scopeNodeOf(binding, p);
      if (!binding || !scope) return info;
      info.binding = binding;
      // Assigned to a variable of an enclosing function: a closure hands it out.
      const scopeFn = isFunctionLike(scope) ? scope : this.fnOf(scope);
      if (scopeFn !== this.fnOf(call)) {
        info.disposition = 'escaped';
        return info;
      }
      info.name = left.text;
      info.scope = scope;
    } else if (ts.isExpressionStatement(p) || (ts.isVoidExpression(p) && p.expression === child)) {
      info.disposition = 'discarded';
      return info;
    } else if (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p) || (ts.isCallExpression(p) && p.expression === child)) {
      // `tracer.startSpan('x').end()` and similar chains: not followed.
      return info;
    } else if (ts.isConditionalExpression(p) && p.condition !== child) {
      // `const span = parent ? a.startChild(...) : a.start(...)`: the variable that holds either arm.
      return this.conditionalArm(info, p);
    } else {
      // Returned, passed as an argument, put in an object or array, yielded: someone else owns it.
      info.disposition = 'escaped';
      return info;
    }
    info.disposition = 'bound';
    this.findUses(info);
    return info;
  }

  /** A start that is one arm of a conditional: followed through the variable the conditional initialises. */
  private conditionalArm(info: SpanInfo, cond: ts.ConditionalExpression): SpanInfo {
    let child: ts.Node = cond;
    let p = this.parent(cond);
    while (p && isWrapper(p)) {
      child = p;
      p = this.parent(p);
    }
    if (!p || !ts.isVariableDeclaration(p) || p.initializer !== child || !ts.isIdentifier(p.name)) {
      info.disposition = 'escaped';
      return info;
    }
    const list = this.parent(p);
    const stmt = list && this.parent(list);
    const container = stmt && this.parent(stmt);
    if (!list || !ts.isVariableDeclarationList(list) || !stmt || !ts.isVariableStatement(stmt) || !container || ts.isCaseClause(container) || ts.isDefaultClause(container)) return info;
    info.name = p.name.text;
    info.binding = this.model.bindingOf(p.name);
    info.scope = list.flags & ts.NodeFlags.BlockScoped ? container : this.varScope(stmt);
    info.disposition = 'bound';
    this.findUses(info);
    return info;
  }

  /** For `var`: the nearest function body (or the source file). */
  private varScope(n: ts.Node): ts.Node {
    return this.fnOf(n);
  }

  /** Every reference to the span's binding inside its scope (the engine's scopes decide what a name refers to), classified. */
  private findUses(info: SpanInfo): void {
    const binding = info.binding;
    if (!binding) {
      info.disposition = 'unbound';
      return;
    }
    info.uses = this.usesOf(binding, info.scope!, info.spec.type, info);
    this.lentBeforeEnd(info);
    // Assignments other than the start itself make the binding something this module does not follow.
    for (const u of info.uses) {
      if (u.kind !== 'assign') continue;
      const p = this.parent(u.node);
      const assign = p && (isWrapper(p) ? this.parent(p) : p);
      if (assign && ts.isBinaryExpression(assign) && unwrapExpr(assign.right) === info.call) continue;
      info.disposition = 'unbound';
    }
  }

  /**
   * A span passed as an argument to code of unknown effect and then ended by this code itself, further
   * down the same statement list (or in the `finally` of a `try` around it), was lent, not given away:
   * had the callee taken it over, that `end()` would end it twice. Such a hand-over is kept as a helper use
   * that does not end the span and, since the callee's body is unknown, may mark it failed.
   */
  private lentBeforeEnd(info: SpanInfo): void {
    const endStatements = new Set<ts.Node>();
    for (const u of info.uses) {
      if (u.closure || !u.call || !(u.op === 'end' || (u.kind === 'helper' && u.effect?.ends === 'always'))) continue;
      let e: ts.Node = u.call;
      let p = this.parent(e);
      while (p && (isWrapper(p) || ts.isAwaitExpression(p))) {
        e = p;
        p = this.parent(p);
      }
      if (p && ts.isExpressionStatement(p)) endStatements.add(p);
    }
    if (endStatements.size === 0) return;
    const endsIn = (list: readonly ts.Statement[], from: number): boolean => list.slice(from).some((st) => endStatements.has(st));
    info.uses = info.uses.map((u) => {
      if (u.kind !== 'escape' || u.closure) return u;
      let arg: ts.Node = u.node;
      let call = this.parent(arg);
      while (call && isWrapper(call)) {
        arg = call;
        call = this.parent(call);
      }
      if (!call || !(ts.isCallExpression(call) || ts.isNewExpression(call)) || !((call.arguments ?? []) as readonly ts.Node[]).includes(arg)) return u;
      // Put in a collection (`open.push(span)`, `bySpan.set(id, span)`): other code may end it from there.
      const callee = unwrapExpr(call.expression);
      if (ts.isPropertyAccessExpression(callee) && STORING_METHODS.has(callee.name.text)) return u;
      // The statement holding the call, and the list it is in.
      let st: ts.Node = call;
      let list = this.parent(st);
      while (list && !(ts.isBlock(list) || ts.isSourceFile(list) || ts.isModuleBlock(list) || ts.isCaseClause(list) || ts.isDefaultClause(list))) {
        if (isFunctionLike(list) || ts.isClassLike(list) || list === info.scope) return u;
        st = list;
        list = this.parent(list);
      }
      if (!list || !ts.isStatement(st)) return u;
      const stmts = (list as ts.Block).statements;
      let lent = endsIn(stmts, stmts.indexOf(st) + 1);
      // A `finally` of a `try` around the call, inside the span's scope.
      for (let child: ts.Node = st, q = this.parent(st); !lent && q && q !== info.scope && !isFunctionLike(q); child = q, q = this.parent(q)) {
        if (ts.isTryStatement(q) && q.finallyBlock && child !== q.finallyBlock) lent = endsIn(q.finallyBlock.statements, 0);
      }
      if (!lent) return u;
      return { node: u.node, kind: 'helper', call: ts.isCallExpression(call) ? call : undefined, effect: { ends: 'never', marks: true }, lent: true };
    });
  }

  /** The uses of a binding that holds a span of catalog type `type`, inside `scope` (a function, block or file). */
  usesOf(binding: Binding, scope: ts.Node, type: string, info?: SpanInfo): SpanUse[] {
    const name = binding.name;
    const out: SpanUse[] = [];
    const scopeFn = isFunctionLike(scope) ? scope : this.fnOf(scope);
    const visit = (n: ts.Node, closure: ts.Node | undefined): void => {
      if (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n)) return;
      if (ts.isIdentifier(n)) {
        if (n.text === name && this.isReference(n) && this.model.bindingOf(n) === binding) {
          const uses = this.classify(n, type);
          for (const u of uses) {
            if (closure) u.closure = closure;
            out.push(u);
          }
          if (info && closure && ts.isFunctionDeclaration(closure) && uses.some((u) => u.kind === 'escape' || u.kind === 'borrow' || u.kind === 'helper' || u.op === 'end')) info.hoistedUse = true;
        }
        return;
      }
      const nestedClosure = !closure && n !== scopeFn && (isFunctionLike(n) || ts.isClassLike(n) || ts.isClassStaticBlockDeclaration(n)) ? n : closure;
      ts.forEachChild(n, (c) => visit(c, nestedClosure));
    };
    if (isFunctionLike(scope)) {
      // A function or callback: its parameters' defaults and its body.
      ts.forEachChild(scope, (c) => {
        if (ts.isParameter(c) && ts.isIdentifier(c.name) && c.name.text === name) return;
        visit(c, undefined);
      });
    } else ts.forEachChild(scope, (c) => visit(c, undefined));
    return out;
  }

  /** The references to a binding inside `scope` (its declaration excluded). */
  referencesOf(binding: Binding, scope: ts.Node): ts.Identifier[] {
    const out: ts.Identifier[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n)) return;
      if (ts.isIdentifier(n)) {
        if (n.text === binding.name && this.isReference(n) && this.model.bindingOf(n) === binding) out.push(n);
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(scope);
    return out;
  }

  private isReference(id: ts.Identifier): boolean {
    const p = this.parent(id);
    if (!p) return false;
    if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
    if (ts.isQualifiedName(p)) return false;
    if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p) || ts.isPropertySignature(p) || ts.isEnumMember(p)) && p.name === id) return false;
    if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isBindingElement(p)) && p.name === id) return false;
    if (ts.isBindingElement(p) && p.propertyName === id) return false;
    if ((ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) || ts.isClassDeclaration(p) || ts.isClassExpression(p)) && p.name === id) return false;
    if (ts.isLabeledStatement(p) || ts.isBreakStatement(p) || ts.isContinueStatement(p)) return false;
    if (ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p)) return false;
    if (ts.isJsxAttribute(p) && p.name === id) return false;
    return true;
  }

  /** What a reference (or a chained call that returns the span) does with the span. */
  private classify(node: ts.Node, type: string): SpanUse[] {
    let child: ts.Node = node;
    let p = this.parent(node);
    while (p && isWrapper(p)) {
      child = p;
      p = this.parent(p);
    }
    if (!p) return [{ node, kind: 'read' }];
    // `span.m(...)`, `span?.m(...)`, `span['m'](...)`.
    const member = ts.isPropertyAccessExpression(p) && p.expression === child ? p.name.text : ts.isElementAccessExpression(p) && p.expression === child && ts.isStringLiteralLike(p.argumentExpression) ? p.argumentExpression.text : undefined;
    if (member !== undefined) {
      let callee: ts.Node = p;
      let gp = this.parent(p);
      while (gp && ts.isParenthesizedExpression(gp)) {
        callee = gp;
        gp = this.parent(gp);
      }
      if (gp && ts.isCallExpression(gp) && gp.expression === callee) {
        const spec = this.catalog.member(type, [member]);
        const use: SpanUse = { node, kind: 'method', call: gp, member, op: spec?.spanOp };
        if (spec?.spanOp === 'setStatus') use.marks = this.statusMayBeError(gp);
        // Setters return the span: `span.setAttribute(k, v).end()`, `return span.setStatus(...)`.
        if (spec?.returnsSelf) return [use, ...this.classify(gp, type).filter((u) => u.kind !== 'read')];
        return [use];
      }
      if (ts.isElementAccessExpression(p) && p.expression === child && !ts.isStringLiteralLike(p.argumentExpression)) return [{ node, kind: 'escape' }];
      return [{ node, kind: 'read' }];
    }
    if (ts.isCallExpression(p) || ts.isNewExpression(p)) {
      if (ts.isCallExpression(p) && p.expression === child) return [{ node, kind: 'read' }];
      const callee = this.model.valueOf(p.expression);
      if (ts.isCallExpression(p) && this.model.specOf(callee)?.borrowsSpan) return [{ node, kind: 'borrow' }];
      // Handed to a project function: its summary says what it does with the span.
      const index = p.arguments ? (p.arguments as readonly ts.Expression[]).indexOf(child as ts.Expression) : -1;
      const effect = index >= 0 ? this.model.summaryOf(callee)?.spanParams?.find((e) => e.index === index) : undefined;
      if (effect) {
        let marks = effect.marks;
        // Marks only for some values of another argument (`endSpan(span, 'error')`), when this call's is known.
        const w = effect.markWhen;
        const arg = w && p.arguments?.[w.param];
        const value = arg ? this.model.constantOf(arg) : w ? undefined : null;
        if (w && typeof value === 'string') marks = w.equals !== undefined ? value === w.equals : value !== w.notEquals;
        return [{ node, kind: 'helper', call: ts.isCallExpression(p) ? p : undefined, effect: { ends: effect.ends, marks } }];
      }
      return [{ node, kind: 'escape' }];
    }
    if ((ts.isIfStatement(p) || ts.isWhileStatement(p) || ts.isDoStatement(p)) && p.expression === child) return [{ node, kind: 'read' }];
    if (ts.isForStatement(p) && p.condition === child) return [{ node, kind: 'read' }];
    if (ts.isConditionalExpression(p)) return p.condition === child ? [{ node, kind: 'read' }] : this.classify(p, type).map((u) => ({ ...u, node }));
    if (ts.isPrefixUnaryExpression(p) || ts.isTypeOfExpression(p) || ts.isVoidExpression(p) || ts.isDeleteExpression(p) || ts.isPostfixUnaryExpression(p)) return [{ node, kind: 'read' }];
    if (ts.isExpressionStatement(p) || ts.isTemplateSpan(p) || ts.isAwaitExpression(p)) return [{ node, kind: 'read' }];
    if (ts.isBinaryExpression(p)) {
      const op = p.operatorToken.kind;
      if (op === ts.SyntaxKind.EqualsToken) return p.left === child ? [{ node, kind: 'assign' }] : [{ node, kind: 'escape' }];
      if (op === ts.SyntaxKind.AmpersandAmpersandToken) return p.left === child ? [{ node, kind: 'read' }] : this.classify(p, type).map((u) => ({ ...u, node }));
      if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) return this.classify(p, type).map((u) => ({ ...u, node }));
      if (op === ts.SyntaxKind.CommaToken) return p.left === child ? [{ node, kind: 'read' }] : this.classify(p, type).map((u) => ({ ...u, node }));
      if (op >= ts.SyntaxKind.FirstCompoundAssignment && op <= ts.SyntaxKind.LastCompoundAssignment) return [{ node, kind: p.left === child ? 'assign' : 'read' }];
      return [{ node, kind: 'read' }];
    }
    // Returned, stored in a variable, an object or an array, spread, yielded, exported: handed on.
    return [{ node, kind: 'escape' }];
  }

  /** `setStatus({ code })` whose code is ERROR, or not known to be anything else. */
  statusMayBeError(call: ts.CallExpression): boolean {
    const arg = call.arguments[0];
    if (!arg) return false;
    const obj = this.model.objectLiteralOf(arg);
    if (!obj) return true;
    for (const p of obj.properties) {
      if (ts.isSpreadAssignment(p)) return true;
      const key = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
      if (key !== 'code') continue;
      if (ts.isShorthandPropertyAssignment(p)) return true;
      if (!ts.isPropertyAssignment(p)) return true;
      const v = this.model.constantOf(p.initializer);
      return v === undefined || v === STATUS_ERROR;
    }
    return false;
  }

  /**
   * Whether `node` runs after an unconditional `span.end()` of `info`: an `end()` statement earlier in
   * one of the statement lists that enclose `node`, inside the span's scope.
   */
  afterUnconditionalEnd(info: SpanInfo, node: ts.Node): boolean {
    const ends = new Set<ts.Node>();
    for (const u of info.uses) if ((u.op === 'end' || (u.kind === 'helper' && u.effect?.ends === 'always')) && !u.closure && u.call) {
      const st = this.parent(u.call);
      if (st && ts.isExpressionStatement(st)) ends.add(st);
    }
    if (ends.size === 0) return false;
    for (let child: ts.Node = node, p = this.parent(node); p; child = p, p = this.parent(p)) {
      if (isFunctionLike(child) || child === info.scope) return false;
      const list = ts.isBlock(p) || ts.isSourceFile(p) || ts.isCaseClause(p) || ts.isDefaultClause(p) || ts.isModuleBlock(p) ? p.statements : undefined;
      if (!list) continue;
      for (const st of list) {
        if (st === child) break;
        if (ends.has(st)) return true;
      }
    }
    return false;
  }

  /** Whether a call may throw synchronously: a project function whose summary says it throws. */
  callThrows(call: ts.CallExpression | ts.NewExpression): boolean {
    if (!ts.isCallExpression(call)) return false;
    const callee = this.model.valueOf(call.expression);
    return callee?.k === 'fn' && !!this.model.summaryOf(callee)?.throws;
  }

  private readonly failing = new Map<ts.Node, boolean>();

  /**
   * Whether an awaited call may reject, when the code says it cannot: a call of a function of this file,
   * or of a span start or helper that returns its callback's result, whose body lets no error out
   * (every failure caught and not rethrown).
   */
  mayReject(e0: ts.Expression): boolean | undefined {
    const e = unwrapExpr(e0);
    if (!ts.isCallExpression(e)) return undefined;
    const callee = this.model.valueOf(e.expression);
    let fn: ts.Node | undefined;
    const spec = this.model.specOf(callee)?.spanStart;
    if (spec?.yields === 'callback') fn = e.arguments[e.arguments.length - 1];
    else if (callee?.k === 'fn') {
      const sc = this.model.summaryOf(callee)?.spanCallback;
      fn = sc ? e.arguments[sc.arg] : this.model.fnNode(callee.id);
    }
    const f = fn && ts.isExpression(fn as ts.Node) ? unwrapExpr(fn as ts.Expression) : fn;
    if (!f || !isFunctionLike(f)) return undefined;
    let may = this.failing.get(f);
    if (may === undefined) {
      this.failing.set(f, true);
      const r = new Flow({ transfer: (_n, m) => m, quiet: 1, callThrows: (c) => this.callThrows(c), mayReject: (x) => this.mayReject(x) }).run(f, 1);
      // It fails when an error leaves it, or when it returns a promise it got from elsewhere.
      may = !r || r.exits.throws.size > 0 || [...r.exits.returns.keys()].some((n) => returnsPromise(n));
      this.failing.set(f, may);
    }
    return may;
  }

  // ------------------------------------------------------------------ paths

  /**
   * The span's lifecycle along every path of its scope: where it is left open (returns, throws, rejected
   * awaits, the end of the scope), started again while open, and where an error leaves the scope with the
   * span not marked failed.
   */
  paths(info: SpanInfo, uses: SpanUse[] = info.uses): SpanPaths | undefined {
    if (info.hoistedUse || !info.scope) return undefined;
    const life = new SpanStates(this, info, uses);
    const r = new Flow(life).run(info.scope, info.spec.yields === 'return' ? PRE : OPEN);
    if (!r) return undefined;
    return { ...r, overwrites: life.overwrites, atCatch: life.atCatchStates, atClosure: life.atClosure, partial: life.partial };
  }
}

/**
 * A closure that ends a span as a reaction of a promise chain (`p.then(() => span.end())`) that runs on
 * one outcome of the chain's promise only, no other reaction of the chain ending the span on the other.
 */
export interface PartialReaction {
  closure: ts.Node;
  /** The reaction's method (`then`, `catch`). */
  method: string;
  /** The outcome on which nothing ends the span. */
  missing: 'reject' | 'fulfil';
  /** The `await` of the chain, when the function awaits it. */
  awaited?: ts.AwaitExpression;
}

/**
 * A closure that ends a span and that the code gives only to functions its caller passes in (the
 * `handler(req, res, next)` a middleware wrapper runs): nothing says they ever call it.
 */
export interface CallerCallback {
  closure: ts.Node;
  /** The parameter the closure is given to. */
  callee: string;
}

/** A closure that ends the span only under a condition the code does not control. */
export type ConditionalEnd = PartialReaction | CallerCallback;

/**
 * For a use of the span inside `outer` (the closure it was found in, directly under the span's scope):
 * the closure on the way to the use that is only given to functions the caller passes in, looking
 * through Promise executors (which run at once). Undefined when the first other closure is used otherwise.
 */
function callerCallback(fs: FileSpans, outer: ts.Node, use: ts.Node): CallerCallback | undefined {
  const chain: ts.Node[] = [];
  for (let n = fs.parent(use); n && n !== outer; n = fs.parent(n)) if (isFunctionLike(n)) chain.unshift(n);
  chain.unshift(outer);
  for (const f of chain) {
    if (isPromiseExecutor(fs, f)) continue;
    const callee = onlyCallerFunctionsTake(fs, f);
    return callee ? { closure: f, callee } : undefined;
  }
  return undefined;
}

/** The expression a node is, through parentheses and type assertions, and that expression's parent. */
function outermost(fs: FileSpans, n: ts.Node): { node: ts.Node; parent: ts.Node | undefined } {
  let node = n;
  let parent = fs.parent(node);
  while (parent && isWrapper(parent)) parent = fs.parent((node = parent));
  return { node, parent };
}

/** `new Promise((resolve, reject) => ...)`: the executor runs at once. */
function isPromiseExecutor(fs: FileSpans, f: ts.Node): boolean {
  const { node, parent } = outermost(fs, f);
  return !!parent && ts.isNewExpression(parent) && parent.arguments?.[0] === node && ts.isIdentifier(parent.expression) && parent.expression.text === 'Promise' && !fs.model.bindingOf(parent.expression);
}

/**
 * The parameter a function is given to, when every use of it is as an argument of calls of parameters
 * of the enclosing functions (`handler(req, res, _next)`), directly or through a `const`.
 */
function onlyCallerFunctionsTake(fs: FileSpans, f: ts.Node): string | undefined {
  const { node, parent } = outermost(fs, f);
  if (parent && ts.isCallExpression(parent) && parent.arguments.includes(node as ts.Expression)) return callerFunction(fs, parent);
  if (!parent || !ts.isVariableDeclaration(parent) || parent.initializer !== node || !ts.isIdentifier(parent.name)) return undefined;
  const b = fs.model.bindingOf(parent.name);
  const scope = b && fs.model.scopeNodeOf(b, parent);
  if (b?.k !== 'var' || !b.isConst || !scope) return undefined;
  const refs = fs.referencesOf(b, scope);
  let callee: string | undefined;
  for (const r of refs) {
    const at = outermost(fs, r);
    if (!at.parent || !ts.isCallExpression(at.parent) || !at.parent.arguments.includes(at.node as ts.Expression)) return undefined;
    const c = callerFunction(fs, at.parent);
    if (!c) return undefined;
    callee ??= c;
  }
  return callee;
}

/** The name of the parameter a call calls (`handler(...)`, not `res.on(...)`), if it calls one. */
function callerFunction(fs: FileSpans, call: ts.CallExpression): string | undefined {
  const callee = unwrapExpr(call.expression);
  if (!ts.isIdentifier(callee)) return undefined;
  const b = fs.model.bindingOf(callee);
  return b?.k === 'param' && b.path.length === 0 && !b.opaque ? callee.text : undefined;
}

const REACTIONS = new Set(['then', 'catch', 'finally']);

/**
 * For a closure given to a promise reaction (`.then(f)`, `.then(_, f)`, `.catch(f)`, `.finally(f)`), and
 * the closures of the same chain that also end the span (`enders`): the outcome of the chain's promise
 * on which none of them runs, or undefined (every outcome ends it, or the closure is no reaction).
 * A rejection a `.catch` (or an `onRejected`) handles goes on as a fulfilment to the reactions after it.
 */
function partialReaction(fs: FileSpans, closure: ts.Node, enders: Set<ts.Node>): Omit<PartialReaction, 'closure'> | undefined {
  const { node: arg, parent: call } = outermost(fs, closure);
  if (!call || !ts.isCallExpression(call) || !call.arguments.includes(arg as ts.Expression)) return undefined;
  const method = reactionMethod(call);
  if (!method) return undefined;
  // The chain, innermost reaction first: down through the calls it reacts to, up through those reacting to it.
  const chain: ts.CallExpression[] = [call];
  for (let c = unwrapExpr((call.expression as ts.PropertyAccessExpression).expression); ts.isCallExpression(c) && reactionMethod(c); c = unwrapExpr((c.expression as ts.PropertyAccessExpression).expression)) chain.unshift(c);
  for (let c: ts.Node = call; ; ) {
    const access = fs.parent(c);
    const next = access && ts.isPropertyAccessExpression(access) && access.expression === c ? fs.parent(access) : undefined;
    if (!next || !ts.isCallExpression(next) || next.expression !== access || !reactionMethod(next)) break;
    chain.push(next);
    c = next;
  }
  const ends = (a: ts.Expression | undefined) => !!a && enders.has(unwrapExpr(a));
  let fulfil = false;
  let reject = false;
  let recovered = false;
  for (const c of chain) {
    const m = reactionMethod(c)!;
    const [a, b] = c.arguments;
    if (m === 'finally') {
      if (ends(a)) fulfil = reject = true;
    } else if (m === 'then') {
      if (ends(a)) {
        fulfil = true;
        if (recovered) reject = true;
      }
      if (ends(b)) reject = true;
      if (b) recovered = true;
    } else if (m === 'catch') {
      if (ends(a)) reject = true;
      recovered = true;
    }
  }
  if (fulfil && reject) return undefined;
  if (!fulfil && !reject) return undefined;
  const up = outermost(fs, chain[chain.length - 1]!).parent;
  return { method, missing: fulfil ? 'reject' : 'fulfil', ...(up && ts.isAwaitExpression(up) ? { awaited: up } : {}) };
}

function reactionMethod(call: ts.CallExpression): string | undefined {
  const callee = unwrapExpr(call.expression);
  return ts.isPropertyAccessExpression(callee) && REACTIONS.has(callee.name.text) && call.arguments.length >= 1 ? callee.name.text : undefined;
}

export interface SpanPaths {
  exits: Exits;
  fall: Mask;
  endNode: ts.Node;
  /** Starts executed while an earlier span of the same variable was still open. */
  overwrites: Set<ts.Node>;
  /** The states each catch clause of the scope may be entered in (with those of its try block's start). */
  atCatch: Map<ts.CatchClause, Mask>;
  /** The states when each function nested in the scope is created (a `.catch()` handler's). */
  atClosure: Map<ts.Node, Mask>;
  /** Closures that end the span only under a condition the code does not control (see `ConditionalEnd`). */
  partial: ConditionalEnd[];
}

// Path states, as bits of a mask: not started yet; open (unmarked, marked failed); ended (unmarked,
// marked failed); handed on (someone else owns it). An error raised while the span is open carries it
// as a thrown state (T_*) until a catch takes it; errors raised before the start or after the end carry
// nothing of the span (IGNORED).
export const PRE = 1;
export const OPEN = 2;
export const OPEN_ERR = 4;
export const CLOSED = 8;
export const CLOSED_ERR = 16;
export const HANDED = 32;
export const T_OPEN = 64;
export const T_OPEN_ERR = 128;
export const T_CLOSED = 256;
export const T_CLOSED_ERR = 512;
export const IGNORED = 1024;
/** Open, and handling (in a catch) an error raised while it was open, not marked yet. */
export const OPEN_C = 2048;
/** Ended, while handling such an error, not marked: rethrowing it now leaves the span unmarked. */
export const CLOSED_C = 4096;
/** Open, whether thrown or not: a path on which nothing ends the span. */
export const ANY_OPEN = OPEN | OPEN_ERR | T_OPEN | T_OPEN_ERR | OPEN_C;
/** An error leaving the span's scope while the span is not marked failed. */
export const UNMARKED_ERROR = T_OPEN | T_CLOSED;

function mapBits(m: Mask, f: (bit: Mask) => Mask): Mask {
  let out = 0;
  for (let bit = 1; bit <= m; bit <<= 1) if (m & bit) out |= f(bit);
  return out;
}

const END: Record<number, Mask> = { [OPEN]: CLOSED, [OPEN_ERR]: CLOSED_ERR, [T_OPEN]: T_CLOSED, [T_OPEN_ERR]: T_CLOSED_ERR, [OPEN_C]: CLOSED_C };
const MARK: Record<number, Mask> = { [OPEN]: OPEN_ERR, [T_OPEN]: T_OPEN_ERR, [OPEN_C]: OPEN_ERR };
const THROWN: Record<number, Mask> = { [OPEN]: T_OPEN, [OPEN_ERR]: T_OPEN_ERR, [OPEN_C]: T_OPEN, [CLOSED_C]: T_CLOSED };
const CAUGHT: Record<number, Mask> = { [T_OPEN]: OPEN_C, [T_OPEN_ERR]: OPEN_ERR, [T_CLOSED]: CLOSED_C, [T_CLOSED_ERR]: CLOSED_ERR };
/** States a start replaces (the span variable takes a new span). */
const RESTARTABLE = PRE | CLOSED | CLOSED_ERR | HANDED | OPEN | OPEN_ERR | OPEN_C | CLOSED_C;
/** Live states a hand-over makes someone else's. */
const LIVE = OPEN | OPEN_ERR | CLOSED | CLOSED_ERR | OPEN_C | CLOSED_C;

type SpanEvent = { start?: true; end?: 'always' | 'maybe'; mark?: true; hand?: true };

/**
 * The span's states over the flow model. Events come from the span's uses: its start, `end()`,
 * `setStatus(ERROR)`, a hand-over (to an unknown function, a store, a return: someone else owns it), and
 * a project helper's summary (`endChildSpan(span, 'error')` ends and marks it). A closure that ends the
 * span or hands it on takes it over when it is created; one that marks it marks it then (a `.catch()`
 * handler marks the rejection it handles).
 */
class SpanStates implements FlowClient {
  readonly overwrites = new Set<ts.Node>();
  readonly quiet = PRE | CLOSED | CLOSED_ERR | HANDED | CLOSED_C;
  readonly refs: Set<ts.Node>;
  readonly atCatchStates = new Map<ts.CatchClause, Mask>();
  readonly atClosure = new Map<ts.Node, Mask>();
  readonly partial: ConditionalEnd[] = [];
  private readonly events = new Map<ts.Node, SpanEvent>();

  constructor(
    private readonly spans: FileSpans,
    info: SpanInfo,
    uses: SpanUse[],
  ) {
    const add = (n: ts.Node, e: SpanEvent) => this.events.set(n, { ...this.events.get(n), ...e });
    if (info.spec.yields === 'return') add(info.call, { start: true });
    // Closures that end the span as promise reactions that run for only one outcome of their promise.
    const enders = new Set(uses.filter((u) => u.closure && (u.op === 'end' || (u.kind === 'helper' && u.effect!.ends !== 'never'))).map((u) => u.closure!));
    for (const u of uses) {
      if (u.closure) {
        const partial = enders.has(u.closure) ? partialReaction(spans, u.closure, enders) : undefined;
        if (partial?.awaited) {
          // Awaited here: the outcome is known where the await resumes (a rejection is thrown there).
          add(partial.awaited, { end: partial.missing === 'reject' ? 'always' : 'maybe' });
          continue;
        }
        if (partial) {
          // It ends the span on one outcome only, later: on the other, nothing does (see `SpanPaths.partial`).
          add(u.closure, { end: 'maybe' });
          if (!this.partial.some((x) => x.closure === u.closure)) this.partial.push({ closure: u.closure, ...partial });
          continue;
        }
        const given = enders.has(u.closure) ? callerCallback(spans, u.closure, u.call ?? u.node) : undefined;
        if (given) {
          // Given to a function of the caller's: it may end the span, or never run.
          add(u.closure, { end: 'maybe' });
          if (!this.partial.some((x) => x.closure === given.closure)) this.partial.push(given);
          continue;
        }
        // A closure that ends the span or hands it on takes it over when it is created.
        if (u.op === 'end' || u.kind === 'escape' || u.kind === 'borrow' || (u.kind === 'helper' && u.effect!.ends !== 'never')) add(u.closure, { hand: true });
        else if (u.marks || (u.kind === 'helper' && u.effect!.marks)) add(u.closure, { mark: true });
        continue;
      }
      if (u.op === 'end' && u.call) add(u.call, { end: 'always' });
      else if (u.op === 'setStatus' && u.marks && u.call) add(u.call, { mark: true });
      else if (u.kind === 'helper' && u.call) add(u.call, { ...(u.effect!.marks ? { mark: true as const } : {}), ...(u.effect!.ends !== 'never' ? { end: u.effect!.ends } : {}) });
      else if (u.kind === 'escape') add(u.node, { hand: true });
    }
    this.refs = new Set<ts.Node>(uses.filter((u) => u.kind === 'read' && !u.closure && ts.isIdentifier(u.node)).map((u) => u.node));
  }

  atCatch(clause: ts.CatchClause, m: Mask, before: Mask): void {
    // Any statement of the try block may throw (calls of unknown functions): its states count too.
    this.atCatchStates.set(clause, (this.atCatchStates.get(clause) ?? 0) | m | before);
  }

  transfer(n: ts.Node, m: Mask): Mask {
    if (isFunctionLike(n)) this.atClosure.set(n, (this.atClosure.get(n) ?? 0) | m);
    const ev = this.events.get(n);
    if (!ev) return m;
    let out = m;
    if (ev.start) {
      if (out & (OPEN | OPEN_ERR | OPEN_C)) this.overwrites.add(n);
      out = out & RESTARTABLE ? (out & ~RESTARTABLE) | OPEN : out;
    }
    if (ev.mark) out = mapBits(out, (b) => MARK[b] ?? b);
    if (ev.end === 'always') out = mapBits(out, (b) => END[b] ?? b);
    else if (ev.end === 'maybe') out = out | mapBits(out, (b) => END[b] ?? b);
    if (ev.hand) out = mapBits(out, (b) => (b & LIVE ? HANDED : b & (T_OPEN | T_OPEN_ERR | T_CLOSED | T_CLOSED_ERR) ? T_CLOSED_ERR : b));
    return out;
  }

  thrown(m: Mask): Mask {
    return mapBits(m, (b) => THROWN[b] ?? (b & (T_OPEN | T_OPEN_ERR | T_CLOSED | T_CLOSED_ERR) ? b : IGNORED));
  }

  caught(m: Mask): Mask {
    return mapBits(m, (b) => CAUGHT[b] ?? 0);
  }

  callThrows(call: ts.CallExpression | ts.NewExpression): boolean {
    return this.spans.callThrows(call);
  }

  mayReject(e: ts.Expression): boolean | undefined {
    return this.spans.mayReject(e);
  }
}

// ---------------------------------------------------------------------------------------- helper summaries

/** Calls inside a function (not inside functions nested in it), built once per file. */
function callsIn(model: SemanticModel, f: FnNode): ts.CallExpression[] {
  let index = callIndexes.get(model);
  if (!index) {
    index = new Map();
    for (const r of model.facts.calls) {
      if (!ts.isCallExpression(r.node) || !r.fns) continue;
      const list = index.get(r.fns.node) ?? index.set(r.fns.node, []).get(r.fns.node)!;
      list.push(r.node);
    }
    callIndexes.set(model, index);
  }
  return index.get(f) ?? [];
}
const callIndexes = new WeakMap<SemanticModel, Map<FnNode, ts.CallExpression[]>>();

const fileSpansOf = new WeakMap<SemanticModel, FileSpans>();

/** The file's span facts (computed once per analysis; `collect()` runs on first use by the rules). */
export function spansOf(model: SemanticModel): FileSpans {
  let fs = fileSpansOf.get(model);
  if (!fs) fileSpansOf.set(model, (fs = new FileSpans(model)));
  return fs;
}

/**
 * What a function does to spans passed as parameters, for `FnSummary.spanParams`: only parameters the
 * function uses as spans (a span operation on them, or a hand-over to a helper that does) are looked at.
 */
export function spanParamsOf(
  model: SemanticModel,
  f: FnNode,
  /** Whether a parameter's declared type may name a span type here (false: the file reaches no span type). */
  declared = true,
): FnSummary['spanParams'] {
  const names = spanNames(model.catalog);
  const candidates = new Map<Binding, ts.Identifier>();
  for (const call of callsIn(model, f)) {
    const callee = unwrapExpr(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !names.ops.has(callee.name.text)) continue;
    const base = unwrapExpr(callee.expression);
    if (!ts.isIdentifier(base)) continue;
    const b = model.bindingOf(base);
    if (b?.k !== 'param' || b.fn !== f || b.path.length || b.opaque || candidates.has(b)) continue;
    // `end()` alone is every stream's and response's: only a parameter declared as a span counts then.
    if (callee.name.text === 'end') {
      if (!declared) continue;
      const v = model.valueOf(base);
      if (!(v?.k === 'inst' && names.spanTypes.has(v.type))) continue;
    }
    candidates.set(b, base);
  }
  // Parameters declared as spans that the function only lends on (`withSpan(span, fn)` puts the span in
  // the active context and runs `fn`): every use a read, a catalog borrow (`trace.setSpan`) or a hand-over
  // to a helper whose summary is known. Anything else (stored, returned, passed to code of unknown
  // effect) leaves no entry, and callers keep treating the hand-over as a transfer of ownership.
  const lent = new Set<Binding>();
  for (const p of declared ? f.parameters : []) {
    if (!ts.isIdentifier(p.name) || p.dotDotDotToken) continue;
    const b = model.bindingOf(p.name);
    if (b?.k !== 'param' || b.fn !== f || b.path.length || b.opaque || candidates.has(b)) continue;
    const v = model.valueOf(p.name);
    if (!(v?.k === 'inst' && names.spanTypes.has(v.type) && v.path.length === 0)) continue;
    candidates.set(b, p.name);
    lent.add(b);
  }
  if (candidates.size === 0) return undefined;
  const spans = spansOf(model);
  const type = [...names.spanTypes][0]!;
  const out: NonNullable<FnSummary['spanParams']> = [];
  for (const [b] of candidates) {
    if (b.k !== 'param') continue;
    const uses = spans.usesOf(b, f, type);
    if (lent.has(b) && (uses.length === 0 || uses.some((u) => u.kind === 'escape' || u.kind === 'assign' || u.kind === 'method' || u.closure))) continue;
    const info: SpanInfo = { call: undefined as unknown as ts.CallExpression, spec: { yields: 'callback', type }, disposition: 'bound', uses, hoistedUse: false, scope: f, binding: b, name: b.name };
    const p = spans.paths(info);
    if (!p) continue;
    let open = false;
    let closed = false;
    const see = (m: Mask) => {
      if (m & ANY_OPEN) open = true;
      if (m & ~ANY_OPEN & ~IGNORED) closed = true;
    };
    see(p.fall);
    for (const m of p.exits.returns.values()) see(m);
    for (const t of p.exits.throws.values()) see(t.mask);
    const markUses = uses.filter((u) => u.marks || (u.kind === 'helper' && u.effect?.marks));
    const markWhen = markUses.length === 1 && markUses[0]!.call ? guardOf(model, markUses[0]!.call, f) : undefined;
    out.push({ index: b.index, ends: !open ? 'always' : closed ? 'maybe' : 'never', marks: markUses.length > 0, ...(markWhen ? { markWhen } : {}) });
  }
  return out.length ? out : undefined;
}

/**
 * Whether the function sets a span's status or records an exception on one, on any receiver (the active
 * span, a span it holds, one it was given): a `catch` that calls it may be marking the caller's span.
 * Judged by the member's name alone, which can only make a swallowing catch look handled.
 */
export function marksSpanIn(model: SemanticModel, f: FnNode): boolean {
  const { marks } = spanNames(model.catalog);
  for (const call of callsIn(model, f)) {
    const callee = unwrapExpr(call.expression);
    if (ts.isPropertyAccessExpression(callee) && marks.has(callee.name.text)) return true;
  }
  return false;
}

/**
 * For `FnSummary.swallows`: the `catch` through which the function handles the failures of its whole
 * work, or undefined. The body has one top-level `try` with a `catch`, every `await` and `yield`
 * of the body is inside that `try`, and the `catch` looks at the error (a handler that names none, or
 * never reads it, is a deliberate fallback) and then lets the function return normally: no `throw`, no
 * `reject`, no value returned for the caller to check, the error not kept (`failure = err`), no span marked
 * (a `setStatus`/`recordException` call, or a call of a function of this file that makes one; the
 * functions of other files it hands the error to are listed). Such a function never fails as far as its
 * caller sees.
 */
export function swallowsOf(model: SemanticModel, f: FnNode): FnSummary['swallows'] {
  const body = f.body;
  if (!body || !ts.isBlock(body)) return undefined;
  let tryStmt: ts.TryStatement | undefined;
  for (const st of body.statements) {
    if (ts.isTryStatement(st)) {
      if (tryStmt) return undefined;
      tryStmt = st;
    }
  }
  const clause = tryStmt?.catchClause;
  const binding = clause?.variableDeclaration?.name;
  if (!tryStmt || !clause || !binding || !ts.isIdentifier(binding)) return undefined;
  for (const st of body.statements) if (st !== tryStmt && suspends(st)) return undefined;
  if (!suspends(tryStmt.tryBlock) && !callsIn(model, f).some((c) => tryStmt.tryBlock.pos <= c.pos && c.end <= tryStmt.tryBlock.end)) return undefined;
  if (tryStmt.finallyBlock && fails(tryStmt.finallyBlock)) return undefined;
  const err = binding.text;
  const { marks } = spanNames(model.catalog);
  let reads = false;
  let handled = true;
  const handsTo: Extract<AVal, { k: 'ref' }>[] = [];
  const visit = (n: ts.Node): void => {
    if (!handled || isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isIdentifier(n) && n.text === err) reads = true;
    if (ts.isThrowStatement(n) || (ts.isReturnStatement(n) && n.expression)) handled = false;
    else if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && namesIdentifier(n.right, err)) handled = false;
    else if (ts.isCallExpression(n)) {
      const callee = unwrapExpr(n.expression);
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
      if (name === 'reject' || (name !== undefined && marks.has(name))) handled = false;
      else if (n.arguments.some((a) => namesIdentifier(a, err))) {
        // The error handed to a function: one of this project's must be known not to mark a span (one
        // of another file is judged by whoever relies on this summary, with the project at hand).
        const v = model.localValueOf(n.expression);
        if (v?.k === 'ref') handsTo.push(v);
        else if (v?.k === 'fn') {
          const s = model.summaryOf(v);
          if (!s || s.marksSpan || s.spanParams?.some((p) => p.marks)) handled = false;
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(clause.block, visit);
  if (!reads || !handled) return undefined;
  const line = model.sourceFile.getLineAndCharacterOfPosition(clause.getStart(model.sourceFile)).line + 1;
  return handsTo.length ? { line, handsTo } : { line };
}

/** Whether a block (outside the functions nested in it) throws or waits on something that may reject. */
function fails(node: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isThrowStatement(n) || ts.isAwaitExpression(n)) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/**
 * The condition on a parameter under which a statement runs, when it is `if (p === 'lit')` or its `else`
 * (`endSpan(span, status)` marks the span only when `status` is not `'completed'`).
 */
function guardOf(model: SemanticModel, node: ts.Node, f: FnNode): { param: number; equals?: string; notEquals?: string } | undefined {
  for (let child: ts.Node = node, p = model.parent(node); p && p !== f; child = p, p = model.parent(p)) {
    if (!ts.isIfStatement(p) || child === p.expression) continue;
    const c = unwrapExpr(p.expression);
    if (!ts.isBinaryExpression(c)) return undefined;
    const op = c.operatorToken.kind;
    const eq = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
    const ne = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
    if (!eq && !ne) return undefined;
    const [id, lit] = ts.isIdentifier(unwrapExpr(c.left)) ? [unwrapExpr(c.left), unwrapExpr(c.right)] : [unwrapExpr(c.right), unwrapExpr(c.left)];
    if (!ts.isIdentifier(id) || !ts.isStringLiteralLike(lit)) return undefined;
    const b = model.bindingOf(id);
    if (b?.k !== 'param' || b.fn !== f || b.path.length) return undefined;
    const inThen = child === p.thenStatement;
    return eq === inThen ? { param: b.index, equals: lit.text } : { param: b.index, notEquals: lit.text };
  }
  return undefined;
}

/**
 * Whether a function starts a span and hands it to a callback it receives, for `FnSummary.spanCallback`:
 * `startActiveSpan(name, cb)` with `cb` a parameter, or with an arrow that calls the parameter with the
 * span (`(span) => fn(span)`), and through other such helpers. `ends` and `marks` say whether the
 * function ends the span on every path and marks it failed when the callback fails.
 */
export function spanCallbackOf(model: SemanticModel, f: FnNode): FnSummary['spanCallback'] {
  const names = spanNames(model.catalog);
  const isParam = (u: ts.Identifier): boolean => {
    const b = model.bindingOf(u);
    return b?.k === 'param' && b.fn === f && b.path.length === 0;
  };
  for (const call of callsIn(model, f)) {
    // The callback is one of the function's parameters, or a function that calls one.
    if (!call.arguments.some((a) => { const u = unwrapExpr(a); return ts.isArrowFunction(u) || ts.isFunctionExpression(u) || (ts.isIdentifier(u) && isParam(u)); })) continue;
    const callee = model.valueOf(call.expression);
    if (!callee) continue;
    let arg: number;
    let spanParam = 0;
    let nameArg: number | undefined;
    let ends = false;
    let marks = false;
    let type: string;
    const spec = model.specOf(callee)?.spanStart;
    if (spec?.yields === 'callback') {
      arg = call.arguments.length - 1;
      nameArg = spec.nameArg ?? 0;
      type = spec.type;
    } else if (callee.k === 'fn') {
      const sc = model.summaryOf(callee)?.spanCallback;
      if (!sc) continue;
      ({ arg, spanParam, nameArg, ends, marks, type } = sc);
    } else continue;
    if (!names.spanTypes.has(type)) continue;
    const paramIndex = (e: ts.Expression | undefined): number | undefined => {
      const u = e && unwrapExpr(e);
      if (!u || !ts.isIdentifier(u)) return undefined;
      const b = model.bindingOf(u);
      return b?.k === 'param' && b.fn === f && b.path.length === 0 ? b.index : undefined;
    };
    const name = nameArg !== undefined ? paramIndex(call.arguments[nameArg]) : undefined;
    const cbExpr = call.arguments[arg];
    const direct = paramIndex(cbExpr);
    if (direct !== undefined) return { arg: direct, spanParam, ...(name !== undefined ? { nameArg: name } : {}), ends, marks, type };
    const cb = cbExpr && unwrapExpr(cbExpr);
    if (!cb || !(ts.isArrowFunction(cb) || ts.isFunctionExpression(cb))) continue;
    const sp = cb.parameters[spanParam];
    if (!sp || !ts.isIdentifier(sp.name)) continue;
    const spanBinding = model.bindingOf(sp.name);
    if (!spanBinding) continue;
    // The arrow calls one of the function's parameters with the span, or (with the span only active:
    // `return await fn()`) without it.
    let quiet: { inner: ts.CallExpression; k: number } | undefined;
    const effect = (inner: ts.CallExpression): { open: boolean; marks: boolean } | undefined => {
      const spans = spansOf(model);
      const uses = spans.usesOf(spanBinding, cb, type);
      // The hand-over to the callback itself does not end the span: the callback borrows it.
      const own = uses.map((u) => (u.kind === 'escape' && isArgOf(spans, u.node, inner) ? { ...u, kind: 'read' as const } : u));
      const info: SpanInfo = { call, spec: { yields: 'callback', type }, disposition: 'bound', uses: own, hoistedUse: false, scope: cb, binding: spanBinding, name: spanBinding.name };
      const p = spans.paths(info);
      if (!p) return undefined;
      let open = false;
      const see = (m: Mask) => {
        if (m & ANY_OPEN) open = true;
      };
      see(p.fall);
      for (const m of p.exits.returns.values()) see(m);
      for (const t of p.exits.throws.values()) see(t.mask);
      let errors = 0;
      let unmarked = false;
      for (const t of p.exits.throws.values()) {
        errors++;
        if (t.mask & UNMARKED_ERROR) unmarked = true;
      }
      return { open, marks: errors > 0 && !unmarked };
    };
    for (const inner of callsIn(model, cb)) {
      const k = paramIndex(inner.expression);
      if (k === undefined) continue;
      const j = inner.arguments.findIndex((a) => {
        const u = unwrapExpr(a);
        return ts.isIdentifier(u) && model.bindingOf(u) === spanBinding;
      });
      if (j < 0) {
        quiet ??= { inner, k };
        continue;
      }
      const e = effect(inner);
      if (!e) continue;
      return { arg: k, spanParam: j, ...(name !== undefined ? { nameArg: name } : {}), ends: ends || !e.open, marks: marks || e.marks, type };
    }
    // A callback run inside the span without it: it cannot end the span, so only a helper that ends the
    // span on every path is one (one that does not is reported where it starts the span).
    const e = quiet && effect(quiet.inner);
    if (quiet && e && (ends || !e.open)) return { arg: quiet.k, spanParam: -1, ...(name !== undefined ? { nameArg: name } : {}), ends: true, marks: marks || e.marks, type };
  }
  return undefined;
}

/** Whether a return (or an arrow's expression body) may hand back a promise that rejects: anything but a plain value. */
function returnsPromise(n: ts.Node): boolean {
  const e = ts.isReturnStatement(n) ? n.expression : ts.isExpression(n) ? n : undefined;
  if (!e) return false;
  const safe = (x: ts.Expression): boolean => {
    const u = unwrapExpr(x);
    if (ts.isAwaitExpression(u)) return true;
    if (ts.isLiteralExpression(u) || ts.isObjectLiteralExpression(u) || ts.isArrayLiteralExpression(u) || ts.isTemplateExpression(u)) return true;
    if (u.kind === ts.SyntaxKind.NullKeyword || u.kind === ts.SyntaxKind.TrueKeyword || u.kind === ts.SyntaxKind.FalseKeyword || u.kind === ts.SyntaxKind.VoidExpression) return true;
    if (ts.isIdentifier(u) && u.text === 'undefined') return true;
    if (ts.isConditionalExpression(u)) return safe(u.whenTrue) && safe(u.whenFalse);
    if (ts.isPrefixUnaryExpression(u) || ts.isBinaryExpression(u)) return true;
    return false;
  };
  return !safe(e);
}

function isArgOf(spans: FileSpans, node: ts.Node, call: ts.CallExpression): boolean {
  let child: ts.Node = node;
  let p = spans.parent(node);
  while (p && isWrapper(p)) {
    child = p;
    p = spans.parent(p);
  }
  return p === call && call.arguments.includes(child as ts.Expression);
}

/**
 * Whether each call of a function returns something it creates (a span it starts, a metric it declares,
 * an instance it constructs), for `FnSummary.fresh`: a returned expression is such a creation, directly
 * or through a local variable it initialises, or a call of another function that is.
 */
export function returnsFresh(model: SemanticModel, f: FnNode): boolean {
  for (const r of model.returnsOf(f)) if (isFreshExpr(model, r, 0)) return true;
  return false;
}

function isFreshExpr(model: SemanticModel, e0: ts.Expression, depth: number): boolean {
  if (depth > 4) return false;
  const e = unwrapExpr(ts.isAwaitExpression(e0) ? e0.expression : e0);
  if (ts.isNewExpression(e)) return true;
  if (ts.isCallExpression(e)) {
    const callee = model.valueOf(e.expression);
    const spec = model.specOf(callee);
    if (spec?.spanStart?.yields === 'return' || spec?.metric?.kind || spec?.new) return true;
    if (callee?.k === 'fn') {
      const node = model.fnNode(callee.id);
      return node ? returnsFreshGuarded(model, node, depth + 1) : !!model.summaryOf(callee)?.fresh;
    }
    // A receiver of another file (`this.tracer` set from a parameter): the member's name says it creates.
    if (!callee || callee.k === 'ref' || callee.k === 'param') {
      const name = calleeName(e);
      return name !== undefined && creatingNames(model.catalog).has(name);
    }
    return false;
  }
  if (ts.isIdentifier(e)) {
    const b = model.bindingOf(e);
    if (b?.k === 'var' && b.init && b.path.length === 0 && !b.opaque) return isFreshExpr(model, b.init, depth + 1);
  }
  return false;
}

const creating = new WeakMap<CatalogIndex, Set<string>>();

/** Names of the catalog members whose calls create something per call (span starts, metric declarations). */
function creatingNames(catalog: CatalogIndex): Set<string> {
  let names = creating.get(catalog);
  if (!names) {
    names = new Set();
    for (const t of catalog.types.values()) for (const [p, m] of t.members) if (m.spanStart?.yields === 'return' || (m.metric?.kind && m.returns)) names.add(p.split('.').pop()!);
    creating.set(catalog, names);
  }
  return names;
}

const inProgress = new WeakMap<SemanticModel, Set<FnNode>>();
function returnsFreshGuarded(model: SemanticModel, f: FnNode, depth: number): boolean {
  let set = inProgress.get(model);
  if (!set) inProgress.set(model, (set = new Set()));
  if (set.has(f)) return false;
  set.add(f);
  try {
    for (const r of model.returnsOf(f)) if (isFreshExpr(model, r, depth)) return true;
    return false;
  } finally {
    set.delete(f);
  }
}
