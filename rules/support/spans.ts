/**
 * What the span rules share: finding the spans a file starts (confirmed through the engine's value
 * resolution against the catalog's `spanStart` members, never by name), the variable or callback
 * parameter that holds each span, and every use of that variable, classified (a span method call,
 * a read, a hand-over to another function, a store). Scopes, parents and values are the engine's
 * semantic model's (src/engine/model.ts).
 */

import ts = require('typescript');
import type { WalkContext } from '../../src/engine/analyze-file.js';
import { calleeName, isFunctionLike, isWrapper, unwrapTypes as unwrapExpr } from '../../src/engine/ast.js';
import type { CatalogIndex } from '../../src/engine/catalog.js';
import type { SemanticModel } from '../../src/engine/model.js';
import type { Binding } from '../../src/engine/scopes.js';
import type { MemberSpec, SpanOp, SpanStartSpec } from '../catalog/types.js';

export { calleeName, isFunctionLike, unwrapExpr };

/** The catalog members the span rules look at (`RuleModule.needs`): files that cannot reach one get no visitor. */
export const startsSpans = (m: MemberSpec): boolean => !!m.spanStart;

const startNames = new WeakMap<CatalogIndex, Set<string>>();

/** Names of the catalog members that start spans (`startSpan`, `startActiveSpan`): a cheap pre-filter for calls. */
export function spanStartNames(catalog: CatalogIndex): Set<string> {
  let names = startNames.get(catalog);
  if (!names) {
    names = new Set<string>();
    for (const t of catalog.types.values()) for (const [p, m] of t.members) if (m.spanStart) names.add(p.split('.').pop()!);
    startNames.set(catalog, names);
  }
  return names;
}

/** A use of the variable that holds a span. */
export interface SpanUse {
  /** The identifier (for chained calls, the call whose result is the span again). */
  node: ts.Node;
  kind: 'method' | 'read' | 'borrow' | 'escape' | 'assign';
  /** Method uses: the call, the member name and what it does according to the catalog. */
  call?: ts.CallExpression;
  member?: string;
  op?: SpanOp;
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

export interface SpanInfo {
  call: ts.CallExpression;
  spec: SpanStartSpec;
  disposition: SpanDisposition;
  /** Name of the variable or parameter holding the span. */
  name?: string;
  /** Its binding in the engine's scopes. */
  binding?: Binding;
  /** Where that binding lives: a block or the source file (variables), or the callback (parameters). */
  scope?: ts.Node;
  /** `const span = tracer.startSpan(...)` as a statement of its own (fixes insert around it). */
  declStatement?: ts.VariableStatement;
  /** The `startActiveSpan` callback. */
  callback?: ts.ArrowFunction | ts.FunctionExpression;
  uses: SpanUse[];
  /** A hoisted function declaration in the scope ends or hands on the span: its timing is unknown. */
  hoistedUse: boolean;
  nameExpr?: ts.Expression;
  optionsExpr?: ts.Expression;
}

export class FileSpans {
  readonly spans: SpanInfo[] = [];
  readonly sf: ts.SourceFile;
  readonly catalog: CatalogIndex;

  constructor(
    /** The engine's model of the file: scopes, parents, values. */
    readonly model: SemanticModel,
  ) {
    this.sf = model.sourceFile;
    this.catalog = model.catalog;
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

  // ------------------------------------------------------------------ spans

  /** Confirm the candidate calls against the catalog and find where each span goes. */
  collect(candidates: ts.CallExpression[]): void {
    for (const call of candidates) {
      const spec = this.model.specOf(this.model.valueOf(call.expression))?.spanStart;
      if (!spec) continue;
      this.spans.push(spec.yields === 'callback' ? this.callbackSpan(call, spec) : this.returnedSpan(call, spec));
    }
  }

  private base(call: ts.CallExpression, spec: SpanStartSpec): SpanInfo {
    const args = call.arguments;
    const nameExpr = args[spec.nameArg ?? 0];
    let optionsExpr: ts.Expression | undefined;
    if (spec.optionsArg !== undefined) {
      // Callback starts: `(name, fn)` has no options; `(name, options, fn)` and `(name, options, context, fn)` do.
      const hasOptions = spec.yields === 'callback' ? args.length > 2 : args.length > spec.optionsArg;
      if (hasOptions) optionsExpr = args[spec.optionsArg];
    }
    return { call, spec, disposition: 'unbound', uses: [], hoistedUse: false, nameExpr, optionsExpr };
  }

  private callbackSpan(call: ts.CallExpression, spec: SpanStartSpec): SpanInfo {
    const info = this.base(call, spec);
    const last = call.arguments[call.arguments.length - 1];
    const fn = last && unwrapExpr(last);
    if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || call.arguments.some((a) => ts.isSpreadElement(a))) return info;
    info.callback = fn;
    const params = fn.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
    if (params.length === 0) {
      info.disposition = 'no-param';
      return info;
    }
    const p0 = params[0]!;
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
    while (p && isWrapper(p)) {
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
    } else if (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p) || ts.isCallExpression(p) && p.expression === child) {
      // `tracer.startSpan('x').end()` and similar chains: not followed.
      return info;
    } else {
      // Returned, passed as an argument, put in an object or array, yielded: someone else owns it.
      info.disposition = 'escaped';
      return info;
    }
    info.disposition = 'bound';
    this.findUses(info);
    return info;
  }

  /** For `var`: the nearest function body (or the source file). */
  private varScope(n: ts.Node): ts.Node {
    const fn = this.fnOf(n);
    if (ts.isSourceFile(fn)) return fn;
    if (isFunctionLike(fn) && fn.body && ts.isBlock(fn.body)) return fn;
    return fn;
  }

  /** Every reference to the span's binding inside its scope (the engine's scopes decide what a name refers to), classified. */
  private findUses(info: SpanInfo): void {
    const name = info.name!;
    const scope = info.scope!;
    const binding = info.binding;
    if (!binding) {
      info.disposition = 'unbound';
      return;
    }
    const scopeFn = isFunctionLike(scope) ? scope : this.fnOf(scope);
    const visit = (n: ts.Node, closure: ts.Node | undefined): void => {
      if (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n)) return;
      if (ts.isIdentifier(n)) {
        if (n.text === name && this.isReference(n) && this.model.bindingOf(n) === binding) {
          const uses = this.classify(n, info);
          for (const u of uses) {
            if (closure) u.closure = closure;
            info.uses.push(u);
          }
          if (closure && ts.isFunctionDeclaration(closure) && uses.some((u) => u.kind === 'escape' || u.kind === 'borrow' || u.op === 'end')) info.hoistedUse = true;
        }
        return;
      }
      const nestedClosure = !closure && n !== scopeFn && (isFunctionLike(n) || ts.isClassLike(n) || ts.isClassStaticBlockDeclaration(n)) ? n : closure;
      ts.forEachChild(n, (c) => visit(c, nestedClosure));
    };
    if (isFunctionLike(scope)) {
      // The callback: its parameters' defaults and its body.
      ts.forEachChild(scope, (c) => {
        if (ts.isParameter(c) && ts.isIdentifier(c.name) && c.name.text === name) return;
        visit(c, undefined);
      });
    } else ts.forEachChild(scope, (c) => visit(c, undefined));
    // Assignments other than the start itself make the binding something this module does not follow.
    for (const u of info.uses) {
      if (u.kind !== 'assign') continue;
      const p = this.parent(u.node);
      const assign = p && (isWrapper(p) ? this.parent(p) : p);
      if (assign && ts.isBinaryExpression(assign) && unwrapExpr(assign.right) === info.call) continue;
      info.disposition = 'unbound';
    }
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
  private classify(node: ts.Node, info: SpanInfo): SpanUse[] {
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
        const spec = this.catalog.member(info.spec.type, [member]);
        const use: SpanUse = { node, kind: 'method', call: gp, member, op: spec?.spanOp };
        // Setters return the span: `span.setAttribute(k, v).end()`, `return span.setStatus(...)`.
        if (spec?.returnsSelf) return [use, ...this.classify(gp, info).filter((u) => u.kind !== 'read')];
        return [use];
      }
      if (ts.isElementAccessExpression(p) && p.expression === child && !ts.isStringLiteralLike(p.argumentExpression)) return [{ node, kind: 'escape' }];
      return [{ node, kind: 'read' }];
    }
    if (ts.isCallExpression(p) || ts.isNewExpression(p)) {
      if (ts.isCallExpression(p) && p.expression === child) return [{ node, kind: 'read' }];
      if (ts.isCallExpression(p) && this.model.specOf(this.model.valueOf(p.expression))?.borrowsSpan) return [{ node, kind: 'borrow' }];
      return [{ node, kind: 'escape' }];
    }
    if ((ts.isIfStatement(p) || ts.isWhileStatement(p) || ts.isDoStatement(p)) && p.expression === child) return [{ node, kind: 'read' }];
    if (ts.isForStatement(p) && p.condition === child) return [{ node, kind: 'read' }];
    if (ts.isConditionalExpression(p)) return p.condition === child ? [{ node, kind: 'read' }] : this.classify(p, info).map((u) => ({ ...u, node }));
    if (ts.isPrefixUnaryExpression(p) || ts.isTypeOfExpression(p) || ts.isVoidExpression(p) || ts.isDeleteExpression(p) || ts.isPostfixUnaryExpression(p)) return [{ node, kind: 'read' }];
    if (ts.isExpressionStatement(p) || ts.isTemplateSpan(p) || ts.isAwaitExpression(p)) return [{ node, kind: 'read' }];
    if (ts.isBinaryExpression(p)) {
      const op = p.operatorToken.kind;
      if (op === ts.SyntaxKind.EqualsToken) return p.left === child ? [{ node, kind: 'assign' }] : [{ node, kind: 'escape' }];
      if (op === ts.SyntaxKind.AmpersandAmpersandToken) return p.left === child ? [{ node, kind: 'read' }] : this.classify(p, info).map((u) => ({ ...u, node }));
      if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) return this.classify(p, info).map((u) => ({ ...u, node }));
      if (op === ts.SyntaxKind.CommaToken) return p.left === child ? [{ node, kind: 'read' }] : this.classify(p, info).map((u) => ({ ...u, node }));
      if (op >= ts.SyntaxKind.FirstCompoundAssignment && op <= ts.SyntaxKind.LastCompoundAssignment) return [{ node, kind: p.left === child ? 'assign' : 'read' }];
      return [{ node, kind: 'read' }];
    }
    // Returned, stored in a variable, an object or an array, spread, yielded, exported: handed on.
    return [{ node, kind: 'escape' }];
  }

  /**
   * Whether `node` runs after an unconditional `span.end()` of `info`: an `end()` statement earlier in
   * one of the statement lists that enclose `node`, inside the span's scope.
   */
  afterUnconditionalEnd(info: SpanInfo, node: ts.Node): boolean {
    const ends = new Set<ts.Node>();
    for (const u of info.uses) if (u.op === 'end' && !u.closure && u.call) {
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
}

const cache = new WeakMap<WalkContext, FileSpans>();

/**
 * The spans of a file, computed once per analysis (the walk context) and shared by the span rules.
 * `candidates` are the calls whose callee name is a span-starting member (`spanStartNames`); each is
 * confirmed through value resolution.
 */
export function fileSpans(candidates: ts.CallExpression[], wctx: WalkContext): FileSpans {
  let fs = cache.get(wctx);
  if (!fs || fs.sf !== wctx.sourceFile) {
    fs = new FileSpans(wctx.model);
    fs.collect(candidates);
    cache.set(wctx, fs);
  }
  return fs;
}

/** A visitor helper: collects the calls that may start spans during the walk. */
export function spanCandidateCollector(catalog: CatalogIndex): { kinds: ts.SyntaxKind[]; calls: ts.CallExpression[]; visit(node: ts.Node): void } {
  const names = spanStartNames(catalog);
  const calls: ts.CallExpression[] = [];
  return {
    kinds: [ts.SyntaxKind.CallExpression],
    calls,
    visit(node) {
      const call = node as ts.CallExpression;
      const n = calleeName(call);
      if (n !== undefined && names.has(n)) calls.push(call);
    },
  };
}

/** The indentation (spaces/tabs) of the line `pos` is on. */
export function indentOfLine(text: string, pos: number): string {
  const start = text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** The file's indentation unit, guessed from its first indented line (default two spaces). */
export function indentUnit(text: string): string {
  const m = /\n([ \t]+)\S/.exec(text);
  if (!m) return '  ';
  return m[1]!.startsWith('\t') ? '\t' : m[1]!.length >= 4 && m[1]!.length % 4 === 0 && !/\n {2}\S/.test(text) ? '    ' : '  ';
}
