/**
 * The semantic model of one file, as rules and codemods query it: scopes and bindings, the parent
 * relation, values (resolved across files when the run has the project), catalog specs, constants,
 * function summaries and the control-flow model. Everything here answers from the engine's facts
 * (facts.ts), resolver (resolve.ts), summaries (summarize.ts) and flow (flow.ts): a rule keeps no
 * binding table, parent map or flow analysis of its own.
 */

import ts = require('typescript');
import { type FnNode, isFunctionLike, unwrapTypes } from './ast.js';
import type { MemberSpec } from './catalog-schema.js';
import type { CatalogIndex } from './catalog.js';
import type { FileFacts } from './facts.js';
import type { FileResolver } from './resolve.js';
import { type Binding, importOf } from './scopes.js';
import type { Summarizer } from './summarize.js';
import type { AVal, FnSummary } from './values.js';

export class SemanticModel {
  readonly sourceFile: ts.SourceFile;
  readonly file: string;
  readonly catalog: CatalogIndex;

  constructor(
    readonly facts: FileFacts,
    private readonly resolver: FileResolver,
    private readonly summarizer: Summarizer,
  ) {
    this.sourceFile = facts.sf;
    this.file = facts.file;
    this.catalog = resolver.catalog;
  }

  // ---------------------------------------------------------------- scopes

  /** The value binding `name` denotes at `pos` (undefined: a global, or not declared in the file). */
  lookup(name: string, pos: number): Binding | undefined {
    return this.facts.scopes.lookup(name, pos);
  }

  /** What a type name denotes at `pos`: a type alias or interface, an enum, class or import. */
  lookupType(name: string, pos: number): Binding | undefined {
    return this.facts.scopes.lookupType(name, pos);
  }

  /** The binding an identifier refers to. */
  bindingOf(id: ts.Identifier): Binding | undefined {
    return this.facts.scopes.bindingOf(id);
  }

  /** Assignments to a binding after its declaration (`=` and compound operators). */
  assignmentsOf(b: Binding) {
    return this.facts.scopes.assignmentsOf(b);
  }

  /** The function a name denotes at `pos` (a declaration or a `const` bound to a function expression). */
  functionAt(name: string, pos: number): FnNode | undefined {
    return this.facts.scopes.functionAt(name, pos);
  }

  /** The module and export an import binding (or `require`) names. */
  importOf(b: Binding | undefined): { module: string; export: string } | undefined {
    return importOf(b);
  }

  /** The `const` initializer an identifier denotes (a name bound directly, not destructured), if any. */
  constInit(e: ts.Expression): ts.Expression | undefined {
    const u = unwrapTypes(e);
    if (!ts.isIdentifier(u)) return undefined;
    const b = this.bindingOf(u);
    if (b?.k === 'var' && b.isConst && b.init && b.path.length === 0 && !b.opaque) return b.init;
    return undefined;
  }

  // ---------------------------------------------------------------- the tree

  parent(n: ts.Node): ts.Node | undefined {
    return this.facts.parent(n);
  }

  /** The nearest function-like ancestor (or class static block), or the source file. */
  fnOf(n: ts.Node): ts.Node {
    return this.facts.fnOf(n);
  }

  contains(outer: ts.Node, inner: ts.Node): boolean {
    return this.facts.contains(outer, inner);
  }

  /**
   * The node whose range is a binding's scope (a block, a function, a catch clause, a loop, the file),
   * found from a node inside it.
   */
  scopeNodeOf(b: Binding, from: ts.Node): ts.Node | undefined {
    if (b.scope.start === 0 && b.scope.end === this.sourceFile.end) return this.sourceFile;
    for (let n: ts.Node | undefined = from; n; n = this.parent(n)) if (n.pos === b.scope.start && n.end === b.scope.end) return n;
    return undefined;
  }

  /** The return expressions of a function (an arrow's expression body included). */
  returnsOf(f: FnNode): readonly ts.Expression[] {
    return this.facts.returns.get(f) ?? [];
  }

  /** The call a function is passed to directly as an argument, with its position. */
  passedTo(f: FnNode): { call: ts.CallExpression | ts.NewExpression; index: number; nargs: number } | undefined {
    return this.facts.fnArg.get(f);
  }

  // ---------------------------------------------------------------- values

  /** The abstract value of an expression; values of other project files resolved when the run has the project. */
  valueOf(e: ts.Expression): AVal | undefined {
    return this.resolver.resolvedVal(e);
  }

  /**
   * A value (one a summary holds) with what is rooted in other project files resolved through the project;
   * `ref` values stay symbolic without the project (a single file in the editor, or a first pass).
   */
  resolve(v: AVal | undefined): AVal | undefined {
    return this.resolver.resolvedValue(v);
  }

  /** Whether values of other project files resolve here (`resolve`); not in a single file, nor in a first pass. */
  get hasProject(): boolean {
    return this.resolver.hasProject;
  }

  /** The value without cross-file resolution (symbolic `ref` values stay symbolic). */
  localValueOf(e: ts.Expression): AVal | undefined {
    return this.resolver.val(e);
  }

  /** The catalog spec of a resolved instance value's current member path, if any. */
  specOf(v: AVal | undefined): MemberSpec | undefined {
    return v && v.k === 'inst' ? this.catalog.member(v.type, v.path) : undefined;
  }

  /** The object literal an expression denotes: directly, through `const`s, or as the only return of a local function. */
  objectLiteralOf(e: ts.Expression): ts.ObjectLiteralExpression | undefined {
    return this.resolver.objectLiteralOf(e);
  }

  /** A string or number the expression is known to have: literals, local constants, catalog constants. */
  constantOf(e0: ts.Expression, depth = 0): string | number | undefined {
    const e = unwrapTypes(e0);
    if (ts.isStringLiteralLike(e)) return e.text;
    if (ts.isNumericLiteral(e)) return Number(e.text);
    if (depth > 4) return undefined;
    if (ts.isTemplateExpression(e)) {
      let s = e.head.text;
      for (const span of e.templateSpans) {
        const v = this.constantOf(span.expression, depth + 1);
        if (v === undefined) return undefined;
        s += String(v) + span.literal.text;
      }
      return s;
    }
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const l = this.constantOf(e.left, depth + 1);
      const r = l === undefined ? undefined : this.constantOf(e.right, depth + 1);
      if (l === undefined || r === undefined) return undefined;
      return typeof l === 'number' && typeof r === 'number' ? l + r : String(l) + String(r);
    }
    const spec = this.specOf(this.valueOf(e));
    if (spec?.constant !== undefined) return spec.constant;
    const init = this.constInit(e);
    if (init) return this.constantOf(init, depth + 1);
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      const member = this.memberExpr(e, depth);
      return member && this.constantOf(member, depth + 1);
    }
    return undefined;
  }

  /**
   * The expression a member read denotes, when the file shows it: a property of a `const` object literal
   * (`METRICS.ERRORS.TOTAL`), a static field of a class (`Service.METRICS`), an enum member.
   */
  memberExpr(e: ts.PropertyAccessExpression | ts.ElementAccessExpression, depth = 0): ts.Expression | undefined {
    if (depth > 6) return undefined;
    const key = ts.isPropertyAccessExpression(e) ? e.name.text : ts.isStringLiteralLike(e.argumentExpression) || ts.isNumericLiteral(e.argumentExpression) ? e.argumentExpression.text : undefined;
    if (key === undefined) return undefined;
    const base = unwrapTypes(e.expression);
    let obj: ts.Expression | undefined;
    if (ts.isIdentifier(base)) {
      const b = this.bindingOf(base);
      if (b?.k === 'enum') {
        const m = b.node.members.find((x) => (ts.isIdentifier(x.name) || ts.isStringLiteral(x.name)) && x.name.text === key);
        return m?.initializer;
      }
      if (b?.k === 'class') {
        const values = this.facts.classProps.get(b.node)?.get(key);
        const v = values?.find((x) => x.static && 'expr' in x);
        return v && 'expr' in v ? v.expr : undefined;
      }
      obj = this.constInit(base);
    } else if (ts.isPropertyAccessExpression(base) || ts.isElementAccessExpression(base)) obj = this.memberExpr(base, depth + 1);
    const literal = obj && unwrapTypes(obj);
    if (!literal || !ts.isObjectLiteralExpression(literal)) return undefined;
    for (const p of literal.properties) {
      if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name)) && p.name.text === key) return p.initializer;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- functions

  /** The node of a function of this file, by the id values carry (`{ k: 'fn', id }`). */
  fnNode(id: string): FnNode | undefined {
    return this.resolver.fnById.get(id);
  }

  /** A value resolved through the project, when the run has it (a `ref` to another file's export, its members). */
  resolvedValue(v: AVal | undefined): AVal | undefined {
    return v && this.resolver.resolvedValue(v);
  }

  /** The summary of a function value: this file's (computed on demand) or, with the project, another file's. */
  summaryOf(v: AVal | undefined): FnSummary | undefined {
    if (!v || v.k !== 'fn') return undefined;
    const node = this.resolver.fnById.get(v.id);
    if (node) return this.summarizer.summarize(node);
    return this.resolver.projectFnSummary(v.id);
  }

  /** Whether a node is a function of any form. */
  isFunction(n: ts.Node): n is FnNode {
    return isFunctionLike(n);
  }
}
