/**
 * The per-file facts: what one walk of a file records, and nothing derived from it. Declarations with
 * their scopes (scopes.ts), calls, functions passed as arguments, returns, class members, assignments,
 * exports, modules loaded, and, on demand, the parent relation of the syntax tree. Facts are filled once
 * by `walkFile` and then only read: value resolution (resolve.ts), the summaries (summarize.ts), the
 * flow model (flow.ts) and the rules (through model.ts) all answer from them.
 */

import ts = require('typescript');
import { type FnNode, isFunctionLike, isNullish, propName, unwrap } from './ast.js';
import { type CatalogIndex, MODULE_TYPE_PREFIX, moduleKey } from './catalog.js';
import { isPathSpecifier } from './aliases.js';
import { type Binding, type BindingData, Scopes } from './scopes.js';
import type { MemberSpec } from './catalog-schema.js';

export interface Chain<T> {
  node: T;
  parent: Chain<T> | undefined;
}

/**
 * What `this.<name>` may hold in a class: an assigned or initial value, a declared type, a method (the
 * function itself) or a getter (what it returns).
 */
export type ClassPropValue = ({ expr: ts.Expression } | { type: ts.TypeNode } | { method: FnNode } | { getter: FnNode }) & { static?: true };

function isStatic(n: ts.Node): boolean {
  return !!ts.getModifiers(n as ts.HasModifiers)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
}

export interface IdentArg {
  ident: ts.Identifier;
  call: ts.CallExpression | ts.NewExpression;
  index: number;
  nargs: number;
  fns: Chain<FnNode> | undefined;
}

export interface CallRecord {
  node: ts.CallExpression | ts.NewExpression;
  fns: Chain<FnNode> | undefined;
  classes: Chain<ts.ClassLikeDeclaration> | undefined;
}

/** Per-kind flags for the walk: which nodes it records, which open a function, class or block scope, which it does not enter. */
const K_RECORD = 1;
const K_FN = 2;
const K_CLASS = 4;
const K_BLOCK = 8;
/** Type annotations and type declarations: no runtime value, call or declaration inside; not entered. */
export const K_SKIP = 16;
/** Tokens, identifiers and literals: no children, nothing the walk records. */
const K_LEAF = 32;
export const KIND_FLAGS: Uint8Array = (() => {
  const k = ts.SyntaxKind;
  const flags = new Uint8Array(k.Count + 1);
  for (const r of [k.ImportDeclaration, k.ImportEqualsDeclaration, k.VariableDeclarationList, k.FunctionDeclaration, k.ClassDeclaration, k.PropertyDeclaration, k.MethodDeclaration, k.BinaryExpression, k.ReturnStatement, k.CallExpression, k.NewExpression, k.ExportDeclaration, k.ExportAssignment, k.EnumDeclaration, k.ThrowStatement, k.TryStatement, k.DeleteExpression, k.JsxSelfClosingElement, k.JsxOpeningElement]) flags[r]! |= K_RECORD;
  for (const f of [k.FunctionDeclaration, k.FunctionExpression, k.ArrowFunction, k.MethodDeclaration, k.Constructor, k.GetAccessor, k.SetAccessor]) flags[f]! |= K_FN;
  for (const c of [k.ClassDeclaration, k.ClassExpression]) flags[c]! |= K_CLASS;
  for (const b of [k.Block, k.ForStatement, k.ForOfStatement, k.ForInStatement, k.CatchClause, k.CaseBlock]) flags[b]! |= K_BLOCK;
  for (let t = k.FirstTypeNode; t <= k.LastTypeNode; t++) flags[t]! |= K_SKIP;
  flags[k.InterfaceDeclaration]! |= K_SKIP;
  flags[k.TypeAliasDeclaration]! |= K_SKIP;
  for (let t = 0; t <= k.LastToken; t++) flags[t]! |= K_LEAF;
  return flags;
})();

/** Kinds a visitor can only meet inside type annotations or type declarations' bodies (never in runtime code). */
export const TYPE_ONLY_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.PropertySignature,
  ts.SyntaxKind.MethodSignature,
  ts.SyntaxKind.CallSignature,
  ts.SyntaxKind.ConstructSignature,
  ts.SyntaxKind.IndexSignature,
  ts.SyntaxKind.HeritageClause,
]);

/** Markers on the walk's stack: leaving a function, a class, a block scope. */
type ExitMarker = { readonly exit: string };
const EXIT_FN: ExitMarker = { exit: 'fn' };
const EXIT_CLASS: ExitMarker = { exit: 'class' };
const EXIT_BLOCK: ExitMarker = { exit: 'block' };

/** Member names the catalog gives a meaning to, computed once per catalog. */
export interface CatalogNames {
  /** Last segments of the member paths that are sites (`''` when an instance itself is a callable site). */
  site: Set<string>;
  /** Keys of the modules whose loading registers instrumentation (`MemberSpec.load`). */
  loads: Set<string>;
  /** Option keys whose function values registrations inspect (`DefaultIntegrations.filteredBy`). */
  fnOptionKeys: Set<string>;
  /** Last segments of the members that start a span (not as active) or create a callback handler. */
  spanOrHandler: Set<string>;
  /** Last segments of the members that call a function argument back with a catalog instance (`MemberSpec.callbackParams`). */
  callbackParams: Set<string>;
  /**
   * Last segments of the members that register work on an instance (a scope run by the instance's runs:
   * LangGraph `addNode`, `addConditionalEdges`, `entrypoint`; see `SiteSpec.registeredWork`).
   */
  work: Set<string>;
}

const catalogNamesCache = new WeakMap<CatalogIndex, CatalogNames>();

export function catalogNames(catalog: CatalogIndex): CatalogNames {
  let names = catalogNamesCache.get(catalog);
  if (names) return names;
  names = { site: new Set(), loads: new Set(), fnOptionKeys: new Set(), spanOrHandler: new Set(), callbackParams: new Set(), work: new Set() };
  for (const t of catalog.types.values()) {
    for (const [p, m] of t.members) {
      const last = p.slice(p.lastIndexOf('.') + 1);
      if (m.site) names.site.add(last);
      if (m.span || m.handler) names.spanOrHandler.add(last);
      if (m.callbackParams) names.callbackParams.add(last);
      if (registersWork(m)) names.work.add(last);
      if (m.load && p === '' && t.name.startsWith(MODULE_TYPE_PREFIX)) names.loads.add(t.name.slice(MODULE_TYPE_PREFIX.length));
      const filtered = m.global?.defaults?.filteredBy;
      if (filtered) names.fnOptionKeys.add(filtered.key);
    }
  }
  catalogNamesCache.set(catalog, names);
  return names;
}

/** The member registers a function as work its instance (or the instance it returns) runs (see `CatalogNames.work`). */
export function registersWork(m: MemberSpec | undefined): boolean {
  const runner = m?.scope?.fromRun?.runner;
  return runner === 'instance' || runner === 'result' || runner === 'callers';
}

/** A visitor's view of the walk: subscribed kinds are dispatched to it as they are met. */
export interface WalkHooks {
  /** Handlers by node kind (the walk's hot path: an array, not a map). */
  dispatch: ({ visit(node: ts.Node): void }[] | undefined)[];
  /** Whether the walk may skip type annotations (no visitor asked to see inside them). */
  skipTypes: boolean;
  /** Called before dispatching with the innermost enclosing function. */
  enter(fn: FnNode | undefined): void;
  /** Called every 1,024 nodes (the time budget). */
  tick(): void;
}

export class FileFacts {
  readonly scopes: Scopes;
  readonly calls: CallRecord[] = [];
  /** `for (const k in obj)` loops: the object whose keys they walk, and the functions enclosing them. */
  readonly forIns: { expression: ts.Expression; fns: Chain<FnNode> | undefined }[] = [];
  /** JSX elements whose tag is a component (a capitalised name or a member): rendering one calls it with its props. */
  readonly jsx: { node: ts.JsxSelfClosingElement | ts.JsxOpeningElement; fns: Chain<FnNode> | undefined; classes: Chain<ts.ClassLikeDeclaration> | undefined }[] = [];
  /** Functions passed directly as an argument. */
  readonly fnArg = new Map<FnNode, { call: ts.CallExpression | ts.NewExpression; index: number; nargs: number }>();
  /** Identifiers passed as arguments: may name a function (`traceable(run)`) or a parameter. */
  readonly identArgs: IdentArg[] = [];
  /** The same, by identifier text. */
  readonly identArgsByName = new Map<string, IdentArg[]>();
  readonly fnName = new Map<FnNode, string>();
  /** Return expressions of each function (an arrow's expression body included). */
  readonly returns = new Map<FnNode, ts.Expression[]>();
  readonly classProps = new Map<ts.ClassLikeDeclaration, Map<string, ClassPropValue[]>>();
  /** Every class of the file, in source order. */
  readonly classes: ts.ClassLikeDeclaration[] = [];
  readonly exportNodes: ts.Node[] = [];
  readonly cjsExports: { name: string | undefined; value: ts.Expression }[] = [];
  /**
   * Functions whose parameters take their types from where the function stands: the declared type of
   * the variable it initialises (`const h: Handler = (ctx) => ...`) or the declared return type of the
   * function that returns it.
   */
  readonly contextualType = new Map<FnNode, ts.TypeNode>();
  /** The right side of every plain assignment (`x = v`, `this.x = v`, `o.x = v`): where a value may be stored. */
  readonly assignedValues: ts.Expression[] = [];
  /**
   * Names whose members the file assigns to, deletes or merges into (`llm.client = ...`, `delete
   * llm.client`, `Object.assign(llm, ...)`): an object literal they hold does not stay as written.
   */
  readonly mutatedRoots = new Set<string>();
  /**
   * Functions that may throw synchronously: a `throw` statement of their own (not in a function or class
   * nested in them) outside every `try` block of theirs that has a `catch` (a throw in a `catch` or
   * `finally` block leaves the function).
   */
  readonly throwing = new Set<FnNode>();
  /** Catalog modules the file loads whose loading registers instrumentation. */
  readonly loads = new Set<string>();
  private readonly loadModules: Set<string>;

  constructor(
    readonly file: string,
    readonly sf: ts.SourceFile,
    readonly catalog: CatalogIndex,
  ) {
    this.scopes = new Scopes(sf);
    this.loadModules = catalogNames(catalog).loads;
  }

  private noteLoad(spec: string): void {
    if (this.loadModules.size && !isPathSpecifier(spec) && this.loadModules.has(moduleKey(spec))) this.loads.add(spec);
  }

  /** The name an expression's member chain starts from (`llm` of `llm.client.x`), as mutated. */
  private noteMutated(e: ts.Expression): void {
    let r = unwrap(e);
    while (ts.isPropertyAccessExpression(r) || ts.isElementAccessExpression(r)) r = unwrap(r.expression);
    if (ts.isIdentifier(r)) this.mutatedRoots.add(r.text);
  }

  private classProp(cls: ts.ClassLikeDeclaration, name: string, value: ClassPropValue): void {
    const props = this.classProps.get(cls) ?? this.classProps.set(cls, new Map()).get(cls)!;
    (props.get(name) ?? props.set(name, []).get(name)!).push(value);
  }

  // ---------------------------------------------------------------- the walk

  walk(hooks: WalkHooks): void {
    const sf = this.sf;
    const fileScope = { start: 0, end: sf.end };
    const scopeStack: { start: number; end: number; fn: boolean; caught?: true }[] = [{ ...fileScope, fn: true }];
    /** The `try` blocks that have a `catch`: a throw in them stays in the function. */
    let catchingTries: Set<ts.Node> | undefined;
    /** Whether the walk is in such a `try` block of the innermost function. */
    const inCatchingTry = () => {
      for (let i = scopeStack.length - 1; i >= 0 && !scopeStack[i]!.fn; i--) if (scopeStack[i]!.caught) return true;
      return false;
    };
    const nearestFn = () => {
      for (let i = scopeStack.length - 1; i >= 0; i--) if (scopeStack[i]!.fn) return scopeStack[i]!;
      return scopeStack[0]!;
    };
    const block = () => scopeStack[scopeStack.length - 1]!;
    const scopes = this.scopes;
    // (Each `make` is a fresh object, completed in place: a binding is created once per declared name.
    // Scopes are the walk's own records of a range, never changed once made.)
    const add = (id: ts.Identifier, scope: { start: number; end: number }, make: BindingData) => {
      const b = make as Binding;
      b.name = id.text;
      b.scope = scope;
      b.pos = id.end - id.text.length;
      scopes.add(b);
    };
    /** Bind every name of a pattern: object members with their path, rest and array elements opaquely. */
    const bindPattern = (name: ts.BindingName, scope: { start: number; end: number }, make: (p: string[], el: ts.BindingElement | undefined, opaque: boolean) => BindingData, pathSoFar: string[] = [], el?: ts.BindingElement, opaque = false) => {
      if (ts.isIdentifier(name)) {
        add(name, scope, make(pathSoFar, el, opaque));
        return;
      }
      if (ts.isObjectBindingPattern(name)) {
        for (const e of name.elements) {
          const key = e.propertyName ? propName(e.propertyName) : ts.isIdentifier(e.name) ? e.name.text : undefined;
          if (e.dotDotDotToken || key === undefined) bindPattern(e.name, scope, make, pathSoFar, e, true);
          else bindPattern(e.name, scope, make, [...pathSoFar, key], e, opaque);
        }
        return;
      }
      for (const e of name.elements) if (!ts.isOmittedExpression(e)) bindPattern(e.name, scope, make, pathSoFar, e, true);
    };

    let fns: Chain<FnNode> | undefined;
    let classes: Chain<ts.ClassLikeDeclaration> | undefined;
    /** The declaration lists of `for (const x of xs)` loops met, with what they iterate. */
    let iterated: Map<ts.VariableDeclarationList, ts.Expression> | undefined;
    const { dispatch, skipTypes } = hooks;

    const recordImport = (node: ts.Node): void => {
      const n = node as ts.ImportDeclaration;
      if (ts.isStringLiteral(n.moduleSpecifier) && !n.importClause?.isTypeOnly) this.noteLoad(n.moduleSpecifier.text);
      if (!ts.isStringLiteral(n.moduleSpecifier) || !n.importClause) return;
      const mod = n.moduleSpecifier.text;
      const c = n.importClause;
      // Type-only imports bind no runtime value, but type annotations (`client: OpenAI`) still name them.
      const typeOnly = c.isTypeOnly || undefined;
      if (c.name) add(c.name, fileScope, { k: 'import', module: mod, export: 'default', typeOnly });
      const nb = c.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) add(nb.name, fileScope, { k: 'import', module: mod, export: '*', typeOnly });
      else if (nb) for (const s of nb.elements) add(s.name, fileScope, { k: 'import', module: mod, export: s.propertyName ? (propName(s.propertyName) ?? s.name.text) : s.name.text, typeOnly: typeOnly || s.isTypeOnly || undefined });
    };

    const recordImportEquals = (node: ts.Node): void => {
      const n = node as ts.ImportEqualsDeclaration;
      if (ts.isExternalModuleReference(n.moduleReference) && ts.isStringLiteral(n.moduleReference.expression)) {
        add(n.name, fileScope, { k: 'import', module: n.moduleReference.expression.text, export: '*' });
        if (!n.isTypeOnly) this.noteLoad(n.moduleReference.expression.text);
      }
    };

    const recordVariables = (node: ts.Node): void => {
      const list = node as ts.VariableDeclarationList;
      const lflags = list.flags;
      const blockScoped = (lflags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using | ts.NodeFlags.AwaitUsing)) !== 0;
      const scope = blockScoped ? block() : nearestFn();
      const isConst = (lflags & ts.NodeFlags.Const) !== 0;
      // `for (const x of xs)`: x is one element of xs (as `const [x] = xs` is).
      const elementOf = iterated?.get(list);
      for (const n of list.declarations) {
        if (elementOf) {
          if (ts.isIdentifier(n.name)) add(n.name, scope, { k: 'var', node: n, init: elementOf, path: [], isConst, opaque: true, element: true });
          else {
            // `for (const [i, c] of clients.entries())`: the second name is a value of the pairs (resolve.ts).
            const second = ts.isArrayBindingPattern(n.name) ? n.name.elements[1] : undefined;
            const pair = second && ts.isBindingElement(second) && !second.dotDotDotToken && ts.isIdentifier(second.name) ? second : undefined;
            bindPattern(n.name, scope, (p, el) => ({ k: 'var', node: el ?? n, path: p, isConst, opaque: true, ...(el && el === pair && p.length === 0 ? { init: elementOf, pairValue: true as const } : {}) }));
          }
          continue;
        }
        if (n.type && n.initializer) {
          const init = unwrap(n.initializer);
          if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) this.contextualType.set(init, n.type);
        }
        const elements = ts.isArrayBindingPattern(n.name) ? n.name.elements : undefined;
        bindPattern(n.name, scope, (p, el, opaque) => {
          // (Optional fields set only when there: a binding is made for every declared name.)
          const b: BindingData & { k: 'var' } = { k: 'var', node: el ?? n, init: n.initializer, path: p, type: p.length === 0 && !el ? n.type : undefined, isConst };
          if (el?.initializer) b.dflt = el.initializer;
          if (opaque) b.opaque = opaque;
          if (el && !el.dotDotDotToken && elements?.includes(el)) b.element = true;
          return b;
        });
        if (n.initializer && ts.isIdentifier(n.name)) {
          const init = unwrap(n.initializer);
          if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) this.fnName.set(init, n.name.text);
        }
      }
    };

    const recordProperty = (node: ts.Node): void => {
      const n = node as ts.PropertyDeclaration;
      const name = propName(n.name);
      const st = isStatic(n) ? ({ static: true } as const) : {};
      if (classes && name !== undefined && n.initializer) this.classProp(classes.node, name, { expr: n.initializer, ...st });
      // The declared type, also of a field that starts empty (`meter: Meter | null = null`, assigned later).
      if (classes && name !== undefined && n.type && (!n.initializer || isNullish(n.initializer))) this.classProp(classes.node, name, { type: n.type, ...st });
    };

    const recordAssignment = (node: ts.Node): void => {
      const n = node as ts.BinaryExpression;
      const op = n.operatorToken.kind;
      if (op < ts.SyntaxKind.FirstAssignment || op > ts.SyntaxKind.LastAssignment) return;
      if (op === ts.SyntaxKind.EqualsToken) this.assignedValues.push(n.right);
      const left = unwrap(n.left);
      if (ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)) this.noteMutated(left);
      if (ts.isIdentifier(left)) {
        scopes.addAssignment(left.text, { pos: left.getStart(sf), value: n.right, op });
        return;
      }
      // `x = v`, and lazy initialisation: `this.client ??= new OpenAI()`, `client ||= create()`.
      if (op !== ts.SyntaxKind.EqualsToken && op !== ts.SyntaxKind.QuestionQuestionEqualsToken && op !== ts.SyntaxKind.BarBarEqualsToken) return;
      if (ts.isPropertyAccessExpression(left)) {
        const base = unwrap(left.expression);
        if (base.kind === ts.SyntaxKind.ThisKeyword && classes) this.classProp(classes.node, left.name.text, { expr: n.right });
        else if (ts.isIdentifier(base) && base.text === 'exports') this.cjsExports.push({ name: left.name.text, value: n.right });
        else if (ts.isPropertyAccessExpression(base) && ts.isIdentifier(base.expression) && base.expression.text === 'module' && base.name.text === 'exports') this.cjsExports.push({ name: left.name.text, value: n.right });
        else if (ts.isIdentifier(base) && base.text === 'module' && left.name.text === 'exports') this.cjsExports.push({ name: undefined, value: n.right });
      }
    };

    const recordReturn = (node: ts.Node): void => {
      const n = node as ts.ReturnStatement;
      if (fns && n.expression) {
        (this.returns.get(fns.node) ?? this.returns.set(fns.node, []).get(fns.node)!).push(n.expression);
        const ret = unwrap(n.expression);
        if (fns.node.type && (ts.isArrowFunction(ret) || ts.isFunctionExpression(ret))) this.contextualType.set(ret, fns.node.type);
      }
    };

    const recordCall = (node: ts.Node, kind: ts.SyntaxKind): void => {
      const n = node as ts.CallExpression | ts.NewExpression;
      this.calls.push({ node: n, fns, classes });
      const args = n.arguments ?? [];
      // `Object.assign(llm, ...)`, `Object.defineProperty(llm, ...)`: members merged into a value.
      if (args.length && ts.isPropertyAccessExpression(n.expression) && ts.isIdentifier(n.expression.expression) && n.expression.expression.text === 'Object') this.noteMutated(args[0]!);
      // `require('dd-trace/init')`, `await import('...')`: loading a module may register instrumentation.
      if (this.loadModules.size && kind === ts.SyntaxKind.CallExpression && args.length && ts.isStringLiteralLike(args[0]!)) {
        const callee = n.expression;
        if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) this.noteLoad(args[0].text);
      }
      args.forEach((arg, index) => {
        const u = unwrap(arg);
        if (ts.isArrowFunction(u) || ts.isFunctionExpression(u)) this.fnArg.set(u, { call: n, index, nargs: args.length });
        else if (ts.isIdentifier(u)) {
          const ia: IdentArg = { ident: u, call: n, index, nargs: args.length, fns };
          this.identArgs.push(ia);
          (this.identArgsByName.get(u.text) ?? this.identArgsByName.set(u.text, []).get(u.text)!).push(ia);
        }
      });
    };

    /**
     * What the walk records of a node (declarations, calls, assignments, returns...), by kind. Apart from
     * `visit`, and the larger kinds each in a function of its own: as one function, the walk was compiled
     * by the optimiser, and thrown away on meeting a kind it had not seen yet, again and again.
     */
    const record = (node: ts.Node, kind: ts.SyntaxKind): void => {
      switch (kind) {
        case ts.SyntaxKind.ImportDeclaration:
          recordImport(node);
          break;
        case ts.SyntaxKind.ImportEqualsDeclaration:
          recordImportEquals(node);
          break;
        case ts.SyntaxKind.VariableDeclarationList:
          recordVariables(node);
          break;
        case ts.SyntaxKind.FunctionDeclaration: {
          const n = node as ts.FunctionDeclaration;
          if (n.name) {
            add(n.name, nearestFn(), { k: 'fn', node: n });
            this.fnName.set(n, n.name.text);
          }
          break;
        }
        case ts.SyntaxKind.ClassDeclaration: {
          const n = node as ts.ClassDeclaration;
          if (n.name) add(n.name, block(), { k: 'class', node: n });
          break;
        }
        case ts.SyntaxKind.EnumDeclaration: {
          const n = node as ts.EnumDeclaration;
          add(n.name, block(), { k: 'enum', node: n });
          break;
        }
        case ts.SyntaxKind.PropertyDeclaration:
          recordProperty(node);
          break;
        case ts.SyntaxKind.MethodDeclaration: {
          const n = node as ts.MethodDeclaration;
          const name = propName(n.name);
          if (name) this.fnName.set(n, name);
          break;
        }
        case ts.SyntaxKind.BinaryExpression:
          recordAssignment(node);
          break;
        case ts.SyntaxKind.ReturnStatement:
          recordReturn(node);
          break;
        case ts.SyntaxKind.JsxSelfClosingElement:
        case ts.SyntaxKind.JsxOpeningElement: {
          const n = node as ts.JsxSelfClosingElement | ts.JsxOpeningElement;
          const tag = n.tagName;
          if ((ts.isIdentifier(tag) && /^[A-Z]/.test(tag.text)) || ts.isPropertyAccessExpression(tag)) this.jsx.push({ node: n, fns, classes });
          break;
        }
        case ts.SyntaxKind.CallExpression:
        case ts.SyntaxKind.NewExpression:
          recordCall(node, kind);
          break;
        case ts.SyntaxKind.ExportDeclaration:
        case ts.SyntaxKind.ExportAssignment:
          this.exportNodes.push(node);
          break;
        case ts.SyntaxKind.ThrowStatement:
          // (Not in a class nested in the function, outside its methods: a static block, a field's initializer.)
          if (fns && !(classes && classes.node.pos > fns.node.pos) && !inCatchingTry()) this.throwing.add(fns.node);
          break;
        case ts.SyntaxKind.TryStatement: {
          const n = node as ts.TryStatement;
          if (n.catchClause) (catchingTries ??= new Set()).add(n.tryBlock);
          break;
        }
        case ts.SyntaxKind.DeleteExpression:
          this.noteMutated((node as ts.DeleteExpression).expression);
          break;
        default:
          break;
      }
    };

    /** Entering a function: its scope, and a binding for each parameter. */
    const enterFunction = (fnNode: FnNode, kind: ts.SyntaxKind): void => {
      fns = { node: fnNode, parent: fns };
      const scope = { start: fnNode.pos, end: fnNode.end, fn: true };
      scopeStack.push(scope);
      const params = fnNode.parameters;
      // The first parameter of a `.catch(...)` callback is a rejection reason.
      const passed = this.fnArg.get(fnNode);
      const callee = passed && ts.isCallExpression(passed.call) ? unwrap(passed.call.expression) : undefined;
      const catchCallback = !!callee && passed!.index === 0 && passed!.nargs === 1 && ts.isPropertyAccessExpression(callee) && callee.name.text === 'catch';
      for (let index = 0; index < params.length; index++) {
        const p = params[index]!;
        bindPattern(p.name, scope, (pth, el, opaque) => {
          const dflt = el ? el.initializer : pth.length === 0 ? p.initializer : undefined;
          const b: BindingData & { k: 'param' } = { k: 'param', fn: fnNode, index, path: pth, type: pth.length === 0 ? p.type : undefined, error: catchCallback && index === 0 && pth.length === 0 };
          if (pth.length && p.type) b.patternType = p.type;
          if (opaque) b.opaque = opaque;
          if (dflt) b.dflt = dflt;
          return b;
        });
        if (kind === ts.SyntaxKind.Constructor && classes && ts.isIdentifier(p.name) && ts.getModifiers(p)?.length) {
          // Parameter property: `constructor(private client: OpenAI)`.
          // What the construction passes (the parameter), its default, its declared type.
          this.classProp(classes.node, p.name.text, { expr: p.name });
          if (p.initializer) this.classProp(classes.node, p.name.text, { expr: p.initializer });
          if (p.type) this.classProp(classes.node, p.name.text, { type: p.type });
        }
      }
      if (kind === ts.SyntaxKind.ArrowFunction && !ts.isBlock((fnNode as ts.ArrowFunction).body)) (this.returns.get(fnNode) ?? this.returns.set(fnNode, []).get(fnNode)!).push((fnNode as ts.ArrowFunction).body as ts.Expression);
    };

    /** Entering a class: its methods and getters are members (`this.getClient()`, `this.client`). */
    const enterClass = (cls: ts.ClassLikeDeclaration): void => {
      classes = { node: cls, parent: classes };
      this.classes.push(cls);
      // Methods and getters: `this.getClient()` and `this.client` may be them.
      for (const m of cls.members) {
        if (!(ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m)) || !m.body) continue;
        const name = propName(m.name);
        const st = isStatic(m) ? ({ static: true } as const) : {};
        if (name !== undefined) this.classProp(cls, name, ts.isMethodDeclaration(m) ? { method: m, ...st } : { getter: m, ...st });
      }
    };

    const visit = (node: ts.Node): void => {
      const kind = node.kind;
      const handlers = dispatch[kind];
      if (handlers !== undefined) {
        hooks.enter(fns?.node);
        for (const h of handlers) h.visit(node);
      }
      const flags = KIND_FLAGS[kind]!;
      if (flags & K_SKIP) {
        // Type declarations bind type names (in their own table), then are not entered.
        if (kind === ts.SyntaxKind.TypeAliasDeclaration || kind === ts.SyntaxKind.InterfaceDeclaration) {
          const n = node as ts.TypeAliasDeclaration | ts.InterfaceDeclaration;
          add(n.name, block(), { k: 'type', node: n });
        }
        if (skipTypes) return;
      }
      if (flags & K_RECORD) record(node, kind);

      // Scopes and chains for the children.
      if (flags & K_FN) {
        enterFunction(node as FnNode, kind);
        descend(node, EXIT_FN);
        return;
      }
      if (flags & K_CLASS) {
        enterClass(node as ts.ClassLikeDeclaration);
        descend(node, EXIT_CLASS);
        return;
      }
      if (flags & K_BLOCK) {
        const scope: { start: number; end: number; fn: boolean; caught?: true } = { start: node.pos, end: node.end, fn: false };
        if (catchingTries?.has(node)) scope.caught = true;
        scopeStack.push(scope);
        if (kind === ts.SyntaxKind.CatchClause) {
          const c = node as ts.CatchClause;
          if (c.variableDeclaration) bindPattern(c.variableDeclaration.name, scope, () => ({ k: 'catch', node: c }));
        } else if (kind === ts.SyntaxKind.ForOfStatement) {
          const f = node as ts.ForOfStatement;
          if (ts.isVariableDeclarationList(f.initializer)) (iterated ??= new Map()).set(f.initializer, f.expression);
        } else if (kind === ts.SyntaxKind.ForInStatement) {
          this.forIns.push({ expression: (node as ts.ForInStatement).expression, fns });
        }
        descend(node, EXIT_BLOCK);
        return;
      }
      descend(node, undefined);
    };
    // The walk keeps its own stack (children, then a marker whose exit restores the enclosing
    // function, class or block), so deeply nested or long left-leaning code (a generated string
    // concatenated over 10,000 lines, a long builder chain) cannot overflow the JS stack here.
    const stack: (ts.Node | ExitMarker)[] = [sf];
    let base = 0;
    // Nodes the walk would neither record nor enter are not pushed, unless a visitor subscribed to them.
    const notPushed = K_LEAF | (skipTypes ? K_SKIP : 0);
    const push = (child: ts.Node) => {
      const kind = child.kind;
      // Type declarations are met (their names are bound) but not entered.
      if (KIND_FLAGS[kind]! & notPushed && dispatch[kind] === undefined && kind !== ts.SyntaxKind.TypeAliasDeclaration && kind !== ts.SyntaxKind.InterfaceDeclaration) return;
      stack.push(child);
    };
    const descend = (node: ts.Node, exit: ExitMarker | undefined) => {
      if (exit !== undefined) stack.push(exit);
      base = stack.length;
      ts.forEachChild(node, push);
      // Children are pushed in source order; reverse them so they pop (are visited) in source order.
      for (let i = base, j = stack.length - 1; i < j; i++, j--) {
        const t = stack[i]!;
        stack[i] = stack[j]!;
        stack[j] = t;
      }
    };
    while (stack.length) {
      const top = stack.pop()!;
      if (top === EXIT_FN) {
        scopeStack.pop();
        fns = fns!.parent;
      } else if (top === EXIT_CLASS) classes = classes!.parent;
      else if (top === EXIT_BLOCK) scopeStack.pop();
      else visit(top as ts.Node);
      hooks.tick();
    }
  }

  // ---------------------------------------------------------------- the tree, on demand

  private parents: Map<ts.Node, ts.Node> | undefined;

  /**
   * The parent of a node. The parser keeps no parent pointers (they cost a third of the parse): the
   * relation is built on the first question, once per file, by one traversal of its own (with an
   * explicit stack: generated code nests deeper than the JS stack allows).
   */
  parent(n: ts.Node): ts.Node | undefined {
    if (!this.parents) {
      const parents = new Map<ts.Node, ts.Node>();
      const stack: ts.Node[] = [this.sf];
      while (stack.length) {
        const node = stack.pop()!;
        ts.forEachChild(node, (c) => {
          parents.set(c, node);
          stack.push(c);
        });
      }
      this.parents = parents;
    }
    return this.parents.get(n);
  }

  /** The nearest function-like (or class static block) ancestor of a node, or the source file. */
  fnOf(n: ts.Node): ts.Node {
    for (let p = this.parent(n); p; p = this.parent(p)) if (isFunctionLike(p) || ts.isClassStaticBlockDeclaration(p)) return p;
    return this.sf;
  }

  /** Whether `inner` is `outer` or inside it. */
  contains(outer: ts.Node, inner: ts.Node): boolean {
    for (let n: ts.Node | undefined = inner; n; n = this.parent(n)) if (n === outer) return true;
    return false;
  }
}
