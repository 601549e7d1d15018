/**
 * Is a label value bounded? A small abstract interpretation of one expression over the file's
 * bindings, driven by the data in rules/catalog/metrics/labels.ts:
 *
 * - bounded: literals, enum members, variables and parameters typed with a literal union (or an enum,
 *   or `boolean`), variables whose every assigned value is bounded (a `switch` or `if` over literals),
 *   conditionals over bounded values, local functions that only return bounded values, route
 *   templates, HTTP methods and status codes, error classes and codes, `process.env`;
 * - unbounded: request URLs, paths and input, error text, timestamps, random values and ids, and
 *   template literals or concatenations with a part that is not bounded;
 * - unknown: everything else (never reported as a value; the label's name may still be).
 */

import ts = require('typescript');
import { boundedMembers, errors, requestObjects, syntaxSources, unboundedCalls, unboundedConstructors, type UnboundedDimension, type ValueSource } from '../catalog/metrics/labels.js';
import { type FnNode as FnLike, unwrap as unwrapExpr } from '../../src/engine/ast.js';
import type { SemanticModel } from '../../src/engine/model.js';
import { type Binding, importOf } from '../../src/engine/scopes.js';

export type Boundedness = { k: 'bounded' } | { k: 'unbounded'; node: ts.Node; what: string; advice: string } | { k: 'unknown' };

const BOUNDED: Boundedness = { k: 'bounded' };
const UNKNOWN: Boundedness = { k: 'unknown' };

/** `userId`, `user_id`, `user.id`, `USER-ID` → `['user', 'id']`. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

interface Term {
  tokens: string[];
  suffix: boolean;
  dim: UnboundedDimension;
}

/** Matches names against the unbounded dimensions (term syntax: see rules/catalog/metrics/labels.ts). */
export class DimensionMatcher {
  private readonly terms: Term[] = [];
  private readonly bounded: Set<string>;

  private readonly boundedSuffixes: string[][];

  /** `boundedNames`: exact names; a leading `*` also matches longer names that end with the term (`*provider id`). */
  constructor(dims: UnboundedDimension[], boundedNames: string[] = []) {
    this.boundedSuffixes = boundedNames.filter((n) => n.startsWith('*')).map((n) => n.slice(1).trim().split(/\s+/));
    boundedNames = boundedNames.filter((n) => !n.startsWith('*'));
    for (const dim of dims) {
      for (const t of dim.names) {
        const suffix = t.startsWith('*');
        this.terms.push({ tokens: t.replace(/^\*/, '').trim().split(/\s+/), suffix, dim });
      }
    }
    this.bounded = new Set(boundedNames.map((n) => words(n).join(' ')));
  }

  match(ws: string[]): UnboundedDimension | undefined {
    if (ws.length === 0 || this.bounded.has(ws.join(' '))) return undefined;
    if (this.boundedSuffixes.some((t) => ws.length >= t.length && t.every((tok, i) => ws[ws.length - t.length + i] === tok))) return undefined;
    const joined = ws.join('');
    for (const t of this.terms) {
      const tj = t.tokens.join('');
      if (ws.length === t.tokens.length && ws.every((w, i) => w === t.tokens[i])) return t.dim;
      // `userid`, `requestid`: one word that spells a multi-word term.
      if (t.tokens.length > 1 && joined === tj) return t.dim;
      if (!t.suffix) continue;
      if (ws.length > t.tokens.length && t.tokens.every((tok, i) => ws[ws.length - t.tokens.length + i] === tok)) return t.dim;
      if (t.tokens.length > 1 && ws.length >= 1 && ws[ws.length - 1]!.endsWith(tj) && ws[ws.length - 1] !== tj) return t.dim;
    }
    return undefined;
  }

  matchName(name: string): UnboundedDimension | undefined {
    return this.match(words(name));
  }
}

const MAX_DEPTH = 10;

export class LabelValueClassifier {
  private readonly inProgress = new Set<unknown>();
  private readonly sf: ts.SourceFile;

  constructor(
    private readonly model: SemanticModel,
    private readonly dims: DimensionMatcher,
    /** Report template literals and concatenations whose parts are merely unknown (not shown bounded). */
    private readonly strictTemplates = false,
  ) {
    this.sf = model.sourceFile;
  }

  classify(e0: ts.Expression, depth = 0): Boundedness {
    if (depth > MAX_DEPTH) return UNKNOWN;
    const e = unwrapExpr(e0);
    switch (e.kind) {
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      case ts.SyntaxKind.NumericLiteral:
      case ts.SyntaxKind.BigIntLiteral:
      case ts.SyntaxKind.TrueKeyword:
      case ts.SyntaxKind.FalseKeyword:
      case ts.SyntaxKind.NullKeyword:
      case ts.SyntaxKind.TypeOfExpression:
        return BOUNDED;
      default:
        break;
    }
    if (ts.isArrayLiteralExpression(e)) {
      // What an array holds (the elements an iteration callback receives).
      let r: Boundedness = BOUNDED;
      for (const el of e.elements) r = combine(r, ts.isSpreadElement(el) ? this.classify(el.expression, depth + 1) : this.classify(el, depth + 1));
      return r;
    }
    if (ts.isTemplateExpression(e)) {
      const parts = e.templateSpans.map((s) => this.classify(s.expression, depth + 1));
      if (parts.every((p) => p.k === 'bounded')) return BOUNDED;
      return parts.find((p) => p.k === 'unbounded') ?? (this.strictTemplates ? unbounded(e, syntaxSources.template) : UNKNOWN);
    }
    if (ts.isPrefixUnaryExpression(e)) {
      if (e.operator === ts.SyntaxKind.ExclamationToken) return BOUNDED;
      return this.classify(e.operand, depth + 1);
    }
    if (ts.isBinaryExpression(e)) return this.binary(e, depth);
    if (ts.isConditionalExpression(e)) return combine(this.classify(e.whenTrue, depth + 1), this.classify(e.whenFalse, depth + 1));
    if (ts.isIdentifier(e)) return this.identifier(e, depth);
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return this.member(e, depth);
    if (ts.isCallExpression(e)) return this.call(e, depth);
    if (ts.isNewExpression(e)) {
      const q = this.qualifiedName(e.expression);
      const src = q && lookupSource(unboundedConstructors, q);
      return src ? unbounded(e, src) : UNKNOWN;
    }
    return UNKNOWN;
  }

  private binary(e: ts.BinaryExpression, depth: number): Boundedness {
    const op = e.operatorToken.kind;
    switch (op) {
      case ts.SyntaxKind.EqualsEqualsToken:
      case ts.SyntaxKind.EqualsEqualsEqualsToken:
      case ts.SyntaxKind.ExclamationEqualsToken:
      case ts.SyntaxKind.ExclamationEqualsEqualsToken:
      case ts.SyntaxKind.LessThanToken:
      case ts.SyntaxKind.LessThanEqualsToken:
      case ts.SyntaxKind.GreaterThanToken:
      case ts.SyntaxKind.GreaterThanEqualsToken:
      case ts.SyntaxKind.InstanceOfKeyword:
      case ts.SyntaxKind.InKeyword:
        return BOUNDED;
      case ts.SyntaxKind.CommaToken:
        return this.classify(e.right, depth + 1);
      case ts.SyntaxKind.AmpersandAmpersandToken:
      case ts.SyntaxKind.BarBarToken:
      case ts.SyntaxKind.QuestionQuestionToken:
        return combine(this.classify(e.left, depth + 1), this.classify(e.right, depth + 1));
      case ts.SyntaxKind.PlusToken: {
        const l = this.classify(e.left, depth + 1);
        const r = this.classify(e.right, depth + 1);
        if (l.k === 'bounded' && r.k === 'bounded') return BOUNDED;
        if (l.k === 'unbounded') return l;
        if (r.k === 'unbounded') return r;
        // A concatenation with a string part and a part we cannot bound.
        if (this.strictTemplates && (isStringPart(e.left) || isStringPart(e.right))) return unbounded(e, syntaxSources.concat);
        return UNKNOWN;
      }
      case ts.SyntaxKind.MinusToken:
      case ts.SyntaxKind.AsteriskToken:
      case ts.SyntaxKind.SlashToken:
      case ts.SyntaxKind.PercentToken:
      case ts.SyntaxKind.AsteriskAsteriskToken:
        return combine(this.classify(e.left, depth + 1), this.classify(e.right, depth + 1));
      default:
        return UNKNOWN;
    }
  }

  private identifier(id: ts.Identifier, depth: number): Boundedness {
    if (id.text === 'undefined' || id.text === 'NaN' || id.text === 'Infinity') return BOUNDED;
    const b = this.model.lookup(id.text, id.getStart(this.sf));
    if (b) {
      const r = this.guard(b, () => this.binding(b, id, depth));
      if (r && r.k !== 'unknown') return r;
    }
    if (importOf(b) && /^[A-Z][A-Z0-9_]*$/.test(id.text) && id.text.length > 1) return BOUNDED; // an imported constant
    return this.byName(id, words(id.text));
  }

  private binding(b: Binding, at: ts.Expression, depth: number): Boundedness {
    switch (b.k) {
      case 'catch':
        return unbounded(at, syntaxSources.errorValue);
      case 'param':
        if (b.type && this.boundedType(b.type, 0)) return BOUNDED;
        if (b.error) return unbounded(at, syntaxSources.errorValue);
        if (b.path.length || b.opaque) return UNKNOWN;
        return this.paramOrigin(b, at, depth);
      case 'var': {
        if (b.type && this.boundedType(b.type, 0)) return BOUNDED;
        const values: Boundedness[] = [];
        // A rest or array element: not a member path of the initializer.
        if (b.opaque) return UNKNOWN;
        if (b.init) values.push(b.path.length ? this.memberPath(b.init, b.path, at, depth + 1) : this.classify(b.init, depth + 1));
        // A destructuring default is the value when the member is undefined.
        if (b.dflt) values.push(this.classify(b.dflt, depth + 1));
        for (const a of this.model.assignmentsOf(b)) {
          values.push(a.op === ts.SyntaxKind.EqualsToken ? this.classify(a.value, depth + 1) : a.op === ts.SyntaxKind.PlusEqualsToken ? this.plusAssign(a.value, depth) : UNKNOWN);
        }
        if (values.length === 0) return UNKNOWN;
        const unb = values.find((v) => v.k === 'unbounded');
        if (unb) return unb;
        return values.every((v) => v.k === 'bounded') ? BOUNDED : UNKNOWN;
      }
      default:
        return UNKNOWN;
    }
  }

  /**
   * A parameter's value, from where the function is called: an element of the array it iterates
   * (`ids.forEach((id) => ...)`), or the arguments every call in this file passes.
   */
  private paramOrigin(b: Extract<Binding, { k: 'param' }>, at: ts.Expression, depth: number): Boundedness {
    const passed = this.model.passedTo(b.fn);
    if (passed && ts.isCallExpression(passed.call)) {
      const callee = unwrapExpr(passed.call.expression);
      // `array.forEach((element) => ...)`: the element is what the array holds.
      if (!ts.isPropertyAccessExpression(callee)) return UNKNOWN;
      const elementParam = ITERATION_ELEMENT[callee.name.text];
      if (elementParam !== undefined && passed.index === 0 && b.index === elementParam) {
        const array = callee.expression;
        const r = this.guard(array, () => this.classify(array, depth + 1));
        return r?.k === 'unbounded' ? { ...r, node: at } : (r ?? UNKNOWN);
      }
      return UNKNOWN;
    }
    // Every call of the function in this file: bounded when all their arguments are, unbounded when one is.
    const calls = this.callersOf(b.fn);
    if (calls.length === 0) return UNKNOWN;
    const rs: Boundedness[] = [];
    for (const c of calls) {
      const a = c.arguments?.[b.index];
      if (!a || ts.isSpreadElement(a)) return UNKNOWN;
      const r = this.guard(a, () => this.classify(a, depth + 1));
      rs.push(r ?? UNKNOWN);
    }
    const unb = rs.find((r) => r.k === 'unbounded');
    if (unb) return { ...unb, node: at };
    return rs.every((r) => r.k === 'bounded') ? BOUNDED : UNKNOWN;
  }

  private callers: Map<ts.Node, (ts.CallExpression | ts.NewExpression)[]> | undefined;

  /** The calls of a function of this file, in this file (a function value that escapes elsewhere has others too: then none). */
  private callersOf(fn: FnLike): (ts.CallExpression | ts.NewExpression)[] {
    if (!this.callers) {
      this.callers = new Map();
      for (const r of this.model.facts.calls) {
        const v = this.model.localValueOf(r.node.expression);
        const node = v?.k === 'fn' ? this.model.fnNode(v.id) : undefined;
        if (node) (this.callers.get(node) ?? this.callers.set(node, []).get(node)!).push(r.node);
      }
    }
    if (!callersAllInFile(this.model, fn)) return [];
    return this.callers.get(fn) ?? [];
  }

  private plusAssign(value: ts.Expression, depth: number): Boundedness {
    const r = this.classify(value, depth + 1);
    return r.k === 'unknown' && this.strictTemplates ? unbounded(value, syntaxSources.concat) : r;
  }

  /** A value read by name: `userId`, `user.id`, `req.user.email` are ids and emails whatever their origin. */
  private byName(at: ts.Node, ws: string[]): Boundedness {
    const dim = this.dims.match(ws);
    if (dim?.valueNames) return { k: 'unbounded', node: at, what: dim.what, advice: dim.advice };
    return UNKNOWN;
  }

  private member(e: ts.PropertyAccessExpression | ts.ElementAccessExpression, depth: number): Boundedness {
    const chain = accessChain(e);
    if (!chain) return UNKNOWN;
    return this.memberPath(chain.root, chain.names, e, depth);
  }

  /** `root.names...`, e.g. the destructuring `const { method } = req` is `req.method`. */
  private memberPath(root0: ts.Expression, names: string[], at: ts.Expression, depth: number): Boundedness {
    // Normalise: `req.route.path` may be reached from a longer root expression.
    const inner = accessChain(unwrapExpr(root0));
    const root = inner ? inner.root : unwrapExpr(root0);
    const path = inner ? [...inner.names, ...names] : names;
    const rootName = ts.isIdentifier(root) ? root.text : root.kind === ts.SyntaxKind.ThisKeyword ? 'this' : undefined;
    const b = ts.isIdentifier(root) ? this.model.lookup(root.text, root.getStart(this.sf)) : undefined;

    // An element of a split or sliced value: `req.url.split('?')[0]`.
    if (ts.isCallExpression(root) && path.every((n) => n === '*' || /^\d+$/.test(n))) {
      const c = unwrapExpr(root.expression);
      if (ts.isPropertyAccessExpression(c) && VALUE_PRESERVING.has(c.name.text)) return this.classify(c.expression, depth + 1);
    }

    // Enum members and members of local constant objects.
    if (b?.k === 'enum' && path.length === 1) return BOUNDED;
    if (importOf(b) && path.length === 1 && /^[A-Z]/.test(root.getText(this.sf)) && /^[A-Z]/.test(path[0]!)) return BOUNDED; // `Provider.OpenAI`
    if (b?.k === 'var' && b.isConst && b.init && b.path.length === 0 && !b.opaque && path[0] !== '*') {
      const obj = unwrapExpr(b.init);
      if (ts.isObjectLiteralExpression(obj)) {
        const prop = obj.properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText(this.sf).replace(/^['"]|['"]$/g, '') === path[0]);
        if (prop && ts.isPropertyAssignment(prop)) {
          const r = this.guard(prop, () => (path.length === 1 ? this.classify(prop.initializer, depth + 1) : this.memberPath(prop.initializer, path.slice(1), at, depth + 1)));
          if (r && r.k !== 'unknown') return r;
        }
      }
    }

    // `process.env.X`: one value per process.
    if (rootName === 'process' && !b && path[0] === 'env') return BOUNDED;

    // HTTP requests.
    if (rootName) {
      const full = [rootName, ...path];
      for (const recv of requestObjects.receivers) {
        const parts = recv.split('.');
        if (parts.length >= full.length || !parts.every((p, i) => full[i] === p)) continue;
        const rest = full.slice(parts.length);
        if (requestObjects.bounded.some((bp) => startsWith(rest, bp.split('.')))) return BOUNDED;
        const direct = requestObjects.members[rest[0]!];
        if (direct && rest.length === 1) return unbounded(at, direct);
        const container = requestObjects.members[`${rest[0]}.*`];
        if (container) return unbounded(at, container);
      }
    }

    // Status codes, methods and route templates on any object.
    if (boundedMembers.some((bp) => endsWith(path, bp.split('.')))) return BOUNDED;

    // Errors: the text is unbounded, the class and code are not.
    if (path.length >= 1 && this.isErrorLike(root, b)) {
      if (path.length === 1 && errors.text.members.includes(path[0]!)) return unbounded(at, errors.text.source);
      if (errors.bounded.includes(path.join('.'))) return BOUNDED;
    }

    // By name: `user.id`, `req.user.email`, `session.userId`.
    const last = path[path.length - 1];
    if (!last || last === '*') return UNKNOWN;
    let ws = words(last);
    if (ws.length === 1 && (ws[0] === 'id' || ws[0] === 'uuid')) {
      const prev = path.length >= 2 ? path[path.length - 2] : rootName && rootName !== 'this' ? rootName : undefined;
      if (prev && prev !== '*') ws = [...words(prev), ...ws];
    }
    return this.byName(at, ws);
  }

  private isErrorLike(root: ts.Expression, b: Binding | undefined): boolean {
    if (b?.k === 'catch' || (b?.k === 'param' && b.error)) return true;
    if (!ts.isIdentifier(root)) return false;
    return errors.names.includes(root.text) || /(?:^|[a-z])Error$|^error[A-Z]/.test(root.text);
  }

  private call(e: ts.CallExpression, depth: number): Boundedness {
    const callee = unwrapExpr(e.expression);
    const q = this.qualifiedName(callee);
    if (q) {
      const src = lookupSource(unboundedCalls, q);
      if (src) return unbounded(e, src);
      if (q === 'global#String' || q === 'global#Number' || q === 'global#Boolean') {
        if (q === 'global#Boolean') return BOUNDED;
        return e.arguments[0] ? this.classify(e.arguments[0], depth + 1) : BOUNDED;
      }
      if (q === 'os#hostname') return BOUNDED;
    }
    if (ts.isPropertyAccessExpression(callee)) {
      const m = callee.name.text;
      const recv = callee.expression;
      // Conversions keep what the value is: `err.toString()`, `new Date().toISOString()`, `method.toUpperCase()`.
      if (VALUE_PRESERVING.has(m)) return this.classify(recv, depth + 1);
      // Request accessors: `req.get('x-user-id')`, `c.req.param('id')`.
      const chain = accessChain(unwrapExpr(recv));
      const rootName = chain ? (ts.isIdentifier(chain.root) ? chain.root.text : undefined) : ts.isIdentifier(unwrapExpr(recv)) ? (unwrapExpr(recv) as ts.Identifier).text : undefined;
      if (rootName) {
        const full = [rootName, ...(chain?.names ?? [])].join('.');
        if (requestObjects.receivers.includes(full) && requestObjects.methods[m]) return unbounded(e, requestObjects.methods[m]);
      }
    }
    // A local function that only returns bounded values (`statusClass(code)` with a switch over literals).
    if (ts.isIdentifier(callee)) {
      const fn = this.model.functionAt(callee.text, callee.getStart(this.sf));
      if (fn) {
        const r = this.guard(fn, () => this.returnsOf(fn, depth));
        if (r) return r;
      }
    }
    return UNKNOWN;
  }

  private returnsOf(fn: FnLike, depth: number): Boundedness {
    const rets = this.model.returnsOf(fn);
    if (fn.type && this.boundedType(fn.type, 0)) return BOUNDED;
    if (rets.length === 0) return UNKNOWN;
    const rs = rets.map((r) => this.classify(r, depth + 1));
    const unb = rs.find((r) => r.k === 'unbounded');
    if (unb) return unb;
    return rs.every((r) => r.k === 'bounded') ? BOUNDED : UNKNOWN;
  }

  /** `module#export.path` of an expression rooted at an import, or `global#a.b` for an unbound root. */
  qualifiedName(e0: ts.Expression): string | undefined {
    const e = unwrapExpr(e0);
    const chain = ts.isIdentifier(e) ? { root: e as ts.Expression, names: [] as string[] } : ts.isPropertyAccessExpression(e) ? accessChain(e) : undefined;
    if (!chain || !ts.isIdentifier(chain.root) || chain.names.includes('*')) return undefined;
    const root = chain.root;
    const b = this.model.lookup(root.text, root.getStart(this.sf));
    if (!b) return `global#${[root.text, ...chain.names].join('.')}`;
    const imp = importOf(b);
    if (!imp) return undefined;
    const mod = imp.module.replace(/^node:/, '');
    const path = imp.export === '*' ? chain.names : [imp.export, ...chain.names];
    return `${mod}#${path.join('.')}`;
  }

  /** Whether a type annotation admits only a bounded set of values. */
  boundedType(t: ts.TypeNode, depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    if (ts.isLiteralTypeNode(t)) return true;
    if (t.kind === ts.SyntaxKind.BooleanKeyword || t.kind === ts.SyntaxKind.UndefinedKeyword || t.kind === ts.SyntaxKind.NullKeyword) return true;
    if (ts.isUnionTypeNode(t)) return t.types.every((x) => this.boundedType(x, depth + 1));
    if (ts.isParenthesizedTypeNode(t)) return this.boundedType(t.type, depth + 1);
    if (ts.isTypeOperatorNode(t) && t.operator === ts.SyntaxKind.KeyOfKeyword) return true;
    if (ts.isIndexedAccessTypeNode(t) && ts.isTypeQueryNode(t.objectType) && ts.isIdentifier(t.objectType.exprName)) {
      // `(typeof TIERS)[number]` over `const TIERS = [...] as const`.
      const b = this.model.lookup(t.objectType.exprName.text, t.getStart(this.sf));
      return b?.k === 'var' && !!b.init && ts.isAsExpression(b.init) && ts.isTypeReferenceNode(b.init.type) && b.init.type.typeName.getText(this.sf) === 'const';
    }
    if (ts.isTypeReferenceNode(t)) {
      let root: ts.EntityName = t.typeName;
      while (ts.isQualifiedName(root)) root = root.left;
      const b = this.model.lookupType(root.text, t.getStart(this.sf));
      if (b?.k === 'enum') return true;
      if (b?.k === 'type' && ts.isTypeAliasDeclaration(b.node) && ts.isIdentifier(t.typeName)) {
        const alias = b.node;
        return this.guard(alias, () => this.boundedType(alias.type, depth + 1)) === true;
      }
    }
    return false;
  }

  private guard<T>(key: unknown, f: () => T): T | undefined {
    if (this.inProgress.has(key)) return undefined;
    this.inProgress.add(key);
    try {
      return f();
    } finally {
      this.inProgress.delete(key);
    }
  }
}

/** Iteration callbacks and the parameter that receives each element (`reduce`'s is its second). */
const ITERATION_ELEMENT: Record<string, number> = { forEach: 0, map: 0, flatMap: 0, filter: 0, some: 0, every: 0, find: 0, findLast: 0, reduce: 1 };

/**
 * Whether every call of a function of this file is in this file: not exported, not passed as a value
 * (which may be called from elsewhere with other arguments).
 */
export function callersAllInFile(model: SemanticModel, fn: FnLike): boolean {
  const name = model.facts.fnName.get(fn);
  if (name && model.facts.identArgsByName.get(name)?.length) return false;
  return !isExported(fn, (n) => model.parent(n));
}

/** A function declared `export`, or an arrow or function expression that an exported `const` holds. */
function isExported(fn: ts.Node, parentOf: (n: ts.Node) => ts.Node | undefined): boolean {
  let n: ts.Node | undefined = fn;
  for (let i = 0; n && i < 4; i++, n = parentOf(n)) {
    const mods = ts.canHaveModifiers(n) ? ts.getModifiers(n) : undefined;
    if (mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return true;
    if (!(ts.isVariableDeclaration(n) || ts.isVariableDeclarationList(n) || ts.isVariableStatement(n) || n === fn)) return false;
  }
  return false;
}

const VALUE_PRESERVING = new Set(['slice', 'substring', 'substr', 'at', 'split', 'toString', 'toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase', 'trim', 'trimStart', 'trimEnd', 'normalize', 'toISOString', 'toUTCString', 'toJSON', 'toLocaleString', 'toLocaleDateString', 'toLocaleTimeString', 'toDateString', 'toTimeString', 'getTime', 'valueOf', 'toFixed']);

function unbounded(node: ts.Node, src: ValueSource): Boundedness {
  return { k: 'unbounded', node, what: src.what, advice: src.advice };
}

function combine(a: Boundedness, b: Boundedness): Boundedness {
  if (a.k === 'unbounded') return a;
  if (b.k === 'unbounded') return b;
  return a.k === 'bounded' && b.k === 'bounded' ? BOUNDED : UNKNOWN;
}

function isStringPart(e: ts.Expression): boolean {
  const u = unwrapExpr(e);
  return ts.isStringLiteralLike(u) || ts.isTemplateExpression(u);
}

function startsWith(a: string[], b: string[]): boolean {
  return a.length >= b.length && b.every((x, i) => a[i] === x);
}

function endsWith(a: string[], b: string[]): boolean {
  return a.length >= b.length && b.every((x, i) => a[a.length - b.length + i] === x);
}

function lookupSource(table: Record<string, ValueSource>, q: string): ValueSource | undefined {
  if (table[q]) return table[q];
  // A default import of a CommonJS module is its namespace (`import crypto from 'crypto'`).
  const m = /^([^#]+)#default\.(.+)$/.exec(q);
  return m ? table[`${m[1]}#${m[2]}`] : undefined;
}

/** `a.b['c'].d` → root `a`, names `['b', 'c', 'd']` (`*` for a computed key). */
export function accessChain(e: ts.Expression): { root: ts.Expression; names: string[] } | undefined {
  const names: string[] = [];
  let cur: ts.Expression = e;
  for (let i = 0; i < 30; i++) {
    cur = unwrapExpr(cur);
    if (ts.isPropertyAccessExpression(cur)) {
      names.unshift(cur.name.text);
      cur = cur.expression;
    } else if (ts.isElementAccessExpression(cur)) {
      const a = cur.argumentExpression;
      names.unshift(ts.isStringLiteralLike(a) || ts.isNumericLiteral(a) ? a.text : '*');
      cur = cur.expression;
    } else break;
  }
  return names.length ? { root: cur, names } : undefined;
}
