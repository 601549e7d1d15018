/**
 * Local bindings of one file, for the metric rules: what a name denotes at a position (a variable
 * with its initializer and assignments, a parameter with its type, an import, an enum, a type alias,
 * a `catch` binding). The engine parses without parent pointers, so everything is collected during
 * the engine's walk (`collect`) with the innermost enclosing function as the scope; block scopes
 * inside a function are approximated by the function.
 */

import ts = require('typescript');

export type FnLike = ts.FunctionLikeDeclaration;

interface Scope {
  start: number;
  end: number;
}

export type Binding =
  | { k: 'var'; name: string; scope: Scope; pos: number; decl: ts.VariableDeclaration; init?: ts.Expression; path: string[]; type?: ts.TypeNode; isConst: boolean }
  | { k: 'param'; name: string; scope: Scope; pos: number; fn: FnLike; index: number; type?: ts.TypeNode; error: boolean }
  | { k: 'fn'; name: string; scope: Scope; pos: number; node: FnLike }
  | { k: 'import'; name: string; scope: Scope; pos: number; module: string; export: string }
  | { k: 'enum'; name: string; scope: Scope; pos: number; node: ts.EnumDeclaration }
  | { k: 'type'; name: string; scope: Scope; pos: number; node: ts.TypeAliasDeclaration }
  | { k: 'catch'; name: string; scope: Scope; pos: number }
  | { k: 'class'; name: string; scope: Scope; pos: number };

export interface Assignment {
  pos: number;
  value: ts.Expression;
  /** `=` or a compound operator (`+=`: the value is then not the assigned expression alone). */
  op: ts.SyntaxKind;
}

/** Node kinds `Bindings.collect` needs to see. */
export const BINDING_KINDS: ts.SyntaxKind[] = [
  ts.SyntaxKind.VariableDeclarationList,
  ts.SyntaxKind.Parameter,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.ImportDeclaration,
  ts.SyntaxKind.ImportEqualsDeclaration,
  ts.SyntaxKind.EnumDeclaration,
  ts.SyntaxKind.TypeAliasDeclaration,
  ts.SyntaxKind.CatchClause,
  ts.SyntaxKind.BinaryExpression,
  ts.SyntaxKind.ReturnStatement,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.CallExpression,
];

export function unwrapExpr(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e) || ts.isAwaitExpression(e)) e = e.expression;
    else return e;
  }
}

export function propertyName(name: ts.PropertyName | ts.BindingName | ts.MemberName): string | undefined {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

function isRequireCall(e: ts.Expression | undefined): string | undefined {
  if (!e) return undefined;
  const u = unwrapExpr(e);
  if (ts.isCallExpression(u) && ts.isIdentifier(u.expression) && u.expression.text === 'require' && u.arguments.length === 1) {
    const a = u.arguments[0]!;
    if (ts.isStringLiteralLike(a)) return a.text;
  }
  return undefined;
}

export class Bindings {
  private readonly byName = new Map<string, Binding[]>();
  private readonly assigns = new Map<string, Assignment[]>();
  /** Return expressions of each function (an arrow's expression body included). */
  readonly returns = new Map<FnLike, ts.Expression[]>();
  /** Functions passed to `.catch(...)`: their first parameter is an error. */
  private readonly catchCallbacks = new Set<ts.Node>();
  private readonly fileScope: Scope;

  constructor(readonly sf: ts.SourceFile) {
    this.fileScope = { start: 0, end: sf.end };
  }

  private scopeOf(fn: FnLike | undefined): Scope {
    return fn ? { start: fn.pos, end: fn.end } : this.fileScope;
  }

  private add(b: Binding): void {
    (this.byName.get(b.name) ?? this.byName.set(b.name, []).get(b.name)!).push(b);
  }

  /** Record what a node declares; `fn` is the innermost function enclosing the node. */
  collect(node: ts.Node, fn: FnLike | undefined): void {
    const sf = this.sf;
    switch (node.kind) {
      case ts.SyntaxKind.VariableDeclarationList: {
        const list = node as ts.VariableDeclarationList;
        const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
        const scope = this.scopeOf(fn);
        for (const d of list.declarations) {
          const required = isRequireCall(d.initializer);
          if (ts.isIdentifier(d.name)) {
            if (required !== undefined) this.add({ k: 'import', name: d.name.text, scope, pos: d.name.getStart(sf), module: required, export: '*' });
            else this.add({ k: 'var', name: d.name.text, scope, pos: d.name.getStart(sf), decl: d, init: d.initializer, path: [], type: d.type, isConst });
          } else if (ts.isObjectBindingPattern(d.name)) {
            for (const el of d.name.elements) {
              if (!ts.isIdentifier(el.name)) continue;
              const key = el.propertyName ? propertyName(el.propertyName) : el.name.text;
              if (el.dotDotDotToken || key === undefined) {
                this.add({ k: 'var', name: el.name.text, scope, pos: el.name.getStart(sf), decl: d, path: [], isConst });
              } else if (required !== undefined) {
                this.add({ k: 'import', name: el.name.text, scope, pos: el.name.getStart(sf), module: required, export: key });
              } else {
                this.add({ k: 'var', name: el.name.text, scope, pos: el.name.getStart(sf), decl: d, init: el.initializer ? undefined : d.initializer, path: [key], isConst });
              }
            }
          } else {
            for (const el of d.name.elements) if (!ts.isOmittedExpression(el) && ts.isIdentifier(el.name)) this.add({ k: 'var', name: el.name.text, scope, pos: el.name.getStart(sf), decl: d, path: [], isConst });
          }
        }
        break;
      }
      case ts.SyntaxKind.Parameter: {
        const p = node as ts.ParameterDeclaration;
        if (!fn || !ts.isIdentifier(p.name)) break;
        const index = fn.parameters.indexOf(p);
        // Parameters of function types and signatures (`(labels?: L) => void`) bind nothing at run time.
        if (index < 0) break;
        this.add({ k: 'param', name: p.name.text, scope: this.scopeOf(fn), pos: p.name.getStart(sf), fn, index, type: p.type, error: index === 0 && this.catchCallbacks.has(fn) });
        break;
      }
      case ts.SyntaxKind.FunctionDeclaration: {
        const f = node as ts.FunctionDeclaration;
        if (f.name) this.add({ k: 'fn', name: f.name.text, scope: this.scopeOf(fn), pos: f.name.getStart(sf), node: f });
        break;
      }
      case ts.SyntaxKind.ClassDeclaration: {
        const c = node as ts.ClassDeclaration;
        if (c.name) this.add({ k: 'class', name: c.name.text, scope: this.scopeOf(fn), pos: c.name.getStart(sf) });
        break;
      }
      case ts.SyntaxKind.ImportDeclaration: {
        const n = node as ts.ImportDeclaration;
        if (!ts.isStringLiteral(n.moduleSpecifier) || !n.importClause) break;
        const mod = n.moduleSpecifier.text;
        const c = n.importClause;
        if (c.name) this.add({ k: 'import', name: c.name.text, scope: this.fileScope, pos: c.name.getStart(sf), module: mod, export: 'default' });
        const nb = c.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) this.add({ k: 'import', name: nb.name.text, scope: this.fileScope, pos: nb.name.getStart(sf), module: mod, export: '*' });
        else if (nb) for (const s of nb.elements) this.add({ k: 'import', name: s.name.text, scope: this.fileScope, pos: s.name.getStart(sf), module: mod, export: s.propertyName ? (propertyName(s.propertyName) ?? s.name.text) : s.name.text });
        break;
      }
      case ts.SyntaxKind.ImportEqualsDeclaration: {
        const n = node as ts.ImportEqualsDeclaration;
        if (ts.isExternalModuleReference(n.moduleReference) && ts.isStringLiteral(n.moduleReference.expression)) this.add({ k: 'import', name: n.name.text, scope: this.fileScope, pos: n.name.getStart(sf), module: n.moduleReference.expression.text, export: '*' });
        break;
      }
      case ts.SyntaxKind.EnumDeclaration: {
        const e = node as ts.EnumDeclaration;
        this.add({ k: 'enum', name: e.name.text, scope: this.scopeOf(fn), pos: e.name.getStart(sf), node: e });
        break;
      }
      case ts.SyntaxKind.TypeAliasDeclaration: {
        const t = node as ts.TypeAliasDeclaration;
        this.add({ k: 'type', name: t.name.text, scope: this.scopeOf(fn), pos: t.name.getStart(sf), node: t });
        break;
      }
      case ts.SyntaxKind.CatchClause: {
        const c = node as ts.CatchClause;
        const v = c.variableDeclaration;
        if (v && ts.isIdentifier(v.name)) this.add({ k: 'catch', name: v.name.text, scope: { start: c.pos, end: c.end }, pos: v.name.getStart(sf) });
        break;
      }
      case ts.SyntaxKind.BinaryExpression: {
        const b = node as ts.BinaryExpression;
        const op = b.operatorToken.kind;
        if (op < ts.SyntaxKind.FirstAssignment || op > ts.SyntaxKind.LastAssignment) break;
        const left = unwrapExpr(b.left);
        if (ts.isIdentifier(left)) (this.assigns.get(left.text) ?? this.assigns.set(left.text, []).get(left.text)!).push({ pos: left.getStart(sf), value: b.right, op });
        break;
      }
      case ts.SyntaxKind.ReturnStatement: {
        const r = node as ts.ReturnStatement;
        if (fn && r.expression) (this.returns.get(fn) ?? this.returns.set(fn, []).get(fn)!).push(r.expression);
        break;
      }
      case ts.SyntaxKind.ArrowFunction: {
        const a = node as ts.ArrowFunction;
        if (!ts.isBlock(a.body)) (this.returns.get(a) ?? this.returns.set(a, []).get(a)!).push(a.body);
        break;
      }
      case ts.SyntaxKind.CallExpression: {
        // `promise.catch((err) => ...)`: the callback's parameter is the rejection reason. Calls are
        // visited before their arguments, so the parameter is marked when it is collected.
        const c = node as ts.CallExpression;
        const callee = unwrapExpr(c.expression);
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'catch' && c.arguments.length === 1) {
          const cb = unwrapExpr(c.arguments[0]!);
          if (ts.isArrowFunction(cb) || ts.isFunctionExpression(cb)) this.catchCallbacks.add(cb);
        }
        break;
      }
      default:
        break;
    }
  }

  /** The binding `name` denotes at `pos`: the innermost scope wins; within one, the last declaration before `pos`. */
  lookup(name: string, pos: number): Binding | undefined {
    const list = this.byName.get(name);
    if (!list) return undefined;
    let best: Binding | undefined;
    for (const b of list) {
      if (pos < b.scope.start || pos >= b.scope.end) continue;
      if (!best) {
        best = b;
        continue;
      }
      const size = b.scope.end - b.scope.start;
      const bestSize = best.scope.end - best.scope.start;
      if (size < bestSize) best = b;
      else if (size === bestSize && b.pos <= pos && (best.pos > pos || b.pos > best.pos)) best = b;
    }
    return best;
  }

  /** Assignments (`x = ...`, `x += ...`) that target binding `b`. */
  assignmentsOf(b: Binding): Assignment[] {
    return (this.assigns.get(b.name) ?? []).filter((a) => this.lookup(b.name, a.pos) === b);
  }

  /** The function a name denotes at `pos`: a function declaration, or a `const` bound to a function expression. */
  functionAt(name: string, pos: number): FnLike | undefined {
    const b = this.lookup(name, pos);
    if (b?.k === 'fn') return b.node;
    if (b?.k === 'var' && b.isConst && b.init && b.path.length === 0) {
      const init = unwrapExpr(b.init);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
    }
    return undefined;
  }
}
