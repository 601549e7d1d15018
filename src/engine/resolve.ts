/**
 * Value resolution over one file's facts: what an expression denotes (a catalog instance reached by an
 * access path, a user function, a parameter, an export of another project file), on demand and memoised.
 * Values rooted in another project file stay symbolic (`ref`) unless a project resolver is given; the
 * summaries (summarize.ts) and the rules (model.ts) ask here.
 */

import path from 'node:path';
import ts = require('typescript');
import { addedToCollection, fnBodyInfo, type FnNode, isNullish, membersKeys, originOf, propName, unwrap } from './ast.js';
import { type Aliases, isPathSpecifier, projectModule } from './aliases.js';
import { type CatalogIndex, GLOBAL_TYPE } from './catalog.js';
import { catalogNames, type FileFacts } from './facts.js';
import { CTOR, Interp, type InterpHost, preferredImplementation } from './interp.js';
import type { Binding, Scopes } from './scopes.js';
import { alternatives, keepsString, Strings, urlLike } from './strings.js';
import type { Arg, AVal, ClassSummary, FnSummary, StrPart } from './values.js';

/** Memo markers (see `FileResolver.valMemo`). */
/** A function with more returns than this is no URL builder: its string is not followed. */
const MAX_STRING_RETURNS = 8;
const NONE = { k: 'fn', id: '(none)' } as AVal;
const BUSY = { k: 'fn', id: '(busy)' } as AVal;

const MAX_ARG_DEPTH = 5;

/** Iteration methods and the callback parameter that receives each element (`reduce`'s is its second). */
const ITERATION_ELEMENT: Record<string, number> = { forEach: 0, map: 0, flatMap: 0, filter: 0, some: 0, every: 0, find: 0, findLast: 0, reduce: 1 };
/** Array and Map methods that return one element (value) of the collection they are called on (or undefined). */
const ELEMENT_RETURNING = new Set(['at', 'find', 'findLast', 'pop', 'shift', 'get']);
/** Array methods whose result holds elements of the array they are called on. */
const ARRAY_KEEPING = new Set(['filter', 'slice', 'sort', 'reverse', 'concat', 'toSorted', 'toReversed']);
export const NO_ARGS = [] as unknown as ts.NodeArray<ts.Expression>;

function hasWiring(v: AVal | undefined): boolean {
  return !!v && (v.k === 'inst' || v.k === 'param') && !!v.wiring?.length;
}

/** Prefer a wired value among alternatives (a conditionally wrapped client counts as wired). */
export function pick(values: (AVal | undefined)[]): AVal | undefined {
  let first: AVal | undefined;
  for (const v of values) {
    if (!v) continue;
    if (hasWiring(v)) return v;
    first ??= v;
  }
  return first;
}

/**
 * The alternatives of a computed key (`clients[provider]`, `factories[name]()`): any of them can be the
 * value at run time, so a wrapper or option counts only when every one that resolves has it. The first
 * that resolves, with the wiring they share (an instance shared by all keeps its origin).
 */
export function pickEvery(values: (AVal | undefined)[]): AVal | undefined {
  const defined = values.filter((v): v is AVal => !!v);
  const first = defined[0];
  if (!first || first.k !== 'inst') return first;
  const insts = defined.filter((v): v is Extract<AVal, { k: 'inst' }> => v.k === 'inst');
  const shared = (first.wiring ?? []).filter((t) => insts.length === defined.length && insts.every((v) => v.wiring?.some((u) => u.mechanism === t.mechanism)));
  const { wiring: _w, origin, ...rest } = first;
  const sameOrigin = origin !== undefined && insts.length === defined.length && insts.every((v) => v.origin === origin);
  return { ...rest, ...(shared.length ? { wiring: shared } : {}), ...(sameOrigin ? { origin } : {}) };
}

/** Cross-file resolution on demand (see `LazyProject`). */
export interface ProjectResolver {
  /** Answers nothing (it only records that another file's value was asked for): resolution stays local. */
  readonly recordsOnly?: boolean;
  resolveRef(ref: Extract<AVal, { k: 'ref' }>): AVal | undefined;
  fnSummary(id: string): FnSummary | undefined;
  classSummary?(id: string): ClassSummary | undefined;
  implementationOf?(id: string, name: string): AVal | undefined;
  /** Every implementation `implementationOf` chooses from, in the project's order. */
  implementationsOf?(id: string, name: string): AVal[];
}

/** Declarations a class value may stand for: classes, interfaces, object type aliases. */
export type ClassLikeNode = ts.ClassLikeDeclaration | ts.InterfaceDeclaration | ts.TypeAliasDeclaration | ts.TypeLiteralNode;

export interface ResolverOptions {
  catalog: CatalogIndex;
  /** The rest of the project: `resolvedVal` concretizes values of other project files through it. */
  project?: ProjectResolver;
  /** The tsconfig/jsconfig path aliases: specifiers they resolve name project modules. */
  aliases?: Aliases;
  /** Called every 256 values computed (the time budget). */
  tick: () => void;
}

export class FileResolver implements InterpHost {
  readonly catalog: CatalogIndex;
  readonly interp: Interp;
  private readonly scopes: Scopes;
  private readonly file: string;
  private readonly sf: ts.SourceFile;
  private readonly dir: string;
  /** Memoised values: `NONE` for a known undefined, `BUSY` while being computed (a cycle resolves to nothing). */
  private readonly valMemo = new Map<ts.Node, AVal>();
  private readonly declMemo = new Map<Binding, AVal>();
  readonly fnById = new Map<string, FnNode>();
  /** Option keys whose function values the catalog inspects (see `Arg.fnBody`). */
  private readonly fnOptionKeys: Set<string>;
  /** Function summaries, for calls of this file's functions (set by the summarizer). */
  summaries: { summarize(f: FnNode): FnSummary; calledParamsOf(f: FnNode): Pick<FnSummary, 'name' | 'calledParams'> | undefined } | undefined;

  constructor(
    readonly facts: FileFacts,
    private readonly opts: ResolverOptions,
  ) {
    this.catalog = opts.catalog;
    this.scopes = facts.scopes;
    this.file = facts.file;
    this.sf = facts.sf;
    this.dir = path.dirname(facts.file);
    this.interp = new Interp(this);
    this.fnOptionKeys = catalogNames(opts.catalog).fnOptionKeys;
  }

  private checkBudget(): void {
    this.opts.tick();
  }

  /** Whether values of other project files resolve here (through `ResolverOptions.project`). */
  get hasProject(): boolean {
    return this.opts.project !== undefined && !this.opts.project.recordsOnly;
  }

  fnSummary(id: string): FnSummary | undefined {
    const node = this.fnById.get(id);
    return node && this.summaries ? this.summaries.summarize(node) : undefined;
  }

  /** The summary of a function of another project file (with the project), or undefined. */
  projectFnSummary(id: string): FnSummary | undefined {
    return this.fnById.has(id) ? this.fnSummary(id) : this.opts.project?.fnSummary(id);
  }

  /** Whether a function of this file creates what it returns per call (set by the summarizer's model). */
  freshness: ((node: FnNode) => boolean) | undefined;
  private readonly freshMemo = new Map<FnNode, boolean>();

  fnFresh(id: string): boolean {
    const node = this.fnById.get(id);
    if (!node) return !!this.opts.project?.fnSummary(id)?.fresh;
    let f = this.freshMemo.get(node);
    if (f === undefined) {
      this.freshMemo.set(node, false);
      f = !!this.freshness?.(node);
      this.freshMemo.set(node, f);
    }
    return f;
  }

  /** The parameters function `id` calls or passes on, without the rest of its summary (what a context needs). */
  fnCalledParams(id: string): Pick<FnSummary, 'name' | 'calledParams'> | undefined {
    const node = this.fnById.get(id);
    if (!node) return this.opts.project?.fnSummary(id);
    return this.summaries ? this.summaries.calledParamsOf(node) : undefined;
  }

  /** What function `id` returns, without the rest of its summary (calls of local functions need no more). */
  fnReturns(id: string): AVal | undefined {
    const node = this.fnById.get(id);
    return node ? this.returnsOf(node) : undefined;
  }

  private readonly returnsMemo = new Map<FnNode, AVal | undefined>();

  returnsOf(f: FnNode): AVal | undefined {
    if (this.returnsMemo.has(f)) return this.returnsMemo.get(f);
    // Undefined while in progress: a recursive call returns nothing known.
    this.returnsMemo.set(f, undefined);
    const returns = this.facts.returns.get(f) ?? [];
    const vals = returns.map((r) => this.val(r));
    let v = pick(vals);
    // A function that builds a string (a URL per branch, `trimSlashes(url)`): what each return holds, as alternatives.
    if ((!v || v.k === 'str' || v.k === 'param' || v.k === 'ref') && returns.length > 0 && returns.length <= MAX_STRING_RETURNS && returns.some((r, i) => vals[i]?.k === 'str' || keepsString(r) || this.stringsOf().stringish(r))) {
      const strings = this.stringsOf();
      const parts = alternatives(returns.map((r) => strings.value(r)?.parts ?? [{ unknown: '' }]));
      if (parts && urlLike(parts)) v = { k: 'str', parts };
    }
    this.returnsMemo.set(f, v);
    return v;
  }

  private readonly fnIds = new Map<FnNode, string>();

  fnId(node: FnNode): string {
    let id = this.fnIds.get(node);
    if (id === undefined) {
      // One string per function, shared by every value that names it.
      id = `${this.file}#${node.pos}`;
      this.fnIds.set(node, id);
      this.fnById.set(id, node);
    }
    return id;
  }

  /** Bare specifier → what the aliases resolved it to (see `FileAnalysis.aliases`). */
  private readonly aliased = new Map<string, string | undefined>();

  /** The project module a specifier names (relative, or through the path aliases), or undefined (a package). */
  moduleFile(spec: string): string | undefined {
    if (isPathSpecifier(spec)) return path.resolve(this.dir, spec);
    if (!this.opts.aliases) return undefined;
    // A catalog module stays the catalog's, even where `paths` or a workspace maps it to local source.
    if (this.catalog.moduleType(spec)) return undefined;
    if (this.aliased.has(spec)) return this.aliased.get(spec);
    const r = projectModule(this.file, spec, this.opts.aliases);
    this.aliased.set(spec, r);
    return r;
  }

  /** See `FileAnalysis.aliases`. */
  aliasAnswers(): Record<string, string> | undefined {
    if (!this.aliased.size) return undefined;
    const out = Object.create(null) as Record<string, string>;
    for (const spec of [...this.aliased.keys()].sort()) out[spec] = this.aliased.get(spec) ?? '';
    return out;
  }

  moduleValue(spec: string, name: string): AVal | undefined {
    const file = this.moduleFile(spec);
    // A path-named catalog module (a team's own wrapper, from the configuration) is known by its path;
    // a file of a catalog package's own source (`'../src'` in the SDK's repository) by the package's name.
    const source = file && !isPathSpecifier(spec) ? undefined : file && this.opts.aliases?.sdk.catalogModuleFor(file);
    const t = this.catalog.moduleType(file ?? spec) ?? (source ? this.catalog.moduleType(source) : undefined);
    // A project file the configuration describes only in part (one helper in `catalog.scopes`): the
    // exports it does not describe are the file's own, resolved (and detected) like any project module's.
    if (t && file && name !== '*' && !this.catalog.hasPrefix(t, [name]) && this.catalog.moduleType(file)) return { k: 'ref', file, name, steps: [] };
    // A named export goes through member access, so ready-made instances (`is`) resolve at the import.
    if (t) return name === '*' ? { k: 'inst', type: t, path: [] } : this.interp.member({ k: 'inst', type: t, path: [] }, name);
    if (file) return { k: 'ref', file, name, steps: [] };
    return undefined;
  }


  declValue(d: Binding): AVal | undefined {
    const m = this.declMemo.get(d);
    if (m !== undefined) return m === NONE || m === BUSY ? undefined : m;
    this.declMemo.set(d, BUSY);
    let v: AVal | undefined;
    try {
      v = this.computeDeclValue(d);
    } catch (err) {
      this.declMemo.delete(d);
      throw err;
    }
    this.declMemo.set(d, v ?? NONE);
    return v;
  }

  private computeDeclValue(d: Binding): AVal | undefined {
    switch (d.k) {
      case 'import':
        return d.typeOnly ? undefined : this.moduleValue(d.module, d.export);
      case 'fn':
        return { k: 'fn', id: this.fnId(d.node) };
      case 'class':
        return { k: 'cls', id: this.classId(d.node) };
      case 'param': {
        if (d.opaque) return undefined;
        // A request function that defaults to one (`fetchImpl = fetch`, `{ fetch: f = fetch }`, `f: typeof fetch`):
        // whatever a caller passes instead (a wrapper, a polyfill) sends the same request.
        const request = this.requestFunction(d.dflt) ?? (d.type && ts.isTypeQueryNode(d.type) ? this.requestFunction(entityExpression(d.type.exprName)) : undefined);
        if (request) return request;
        if (d.type) {
          const t = this.annotationValue(d.type);
          if (t) return t;
        }
        if (d.patternType) {
          // `({ oc }: { oc: OperationContext })`: the member's declared type.
          let t = this.annotationValue(d.patternType);
          for (const m of d.path) t = t && this.interp.member(t, m);
          if (t) return t;
        }
        // The element parameter of an iteration callback over an array of project instances.
        const element = this.iterationElement(d.fn, d.index);
        if (element) {
          let t: AVal | undefined = element;
          for (const m of d.path) t = t && this.interp.member(t, m);
          if (t) return t;
        }
        // A callback the catalog says what it receives (`inngest.createFunction(opts, trigger, async ({ step }) => ...)`).
        const received = this.callbackReceives(d.fn, d.index);
        if (received) {
          let t: AVal | undefined = received;
          for (const m of d.path) t = t && this.interp.member(t, m);
          if (t) return t;
        }
        const contextual = this.facts.contextualType.get(d.fn);
        if (contextual) {
          // `const h: Handler = (ctx) => ...`: the parameter's type is the function type's.
          let t = this.paramTypeValue(contextual, d.index, 0);
          for (const m of d.path) t = t && this.interp.member(t, m);
          if (t) return t;
        }
        let v: AVal | undefined = { k: 'param', fn: this.fnId(d.fn), index: d.index, steps: [] };
        for (const m of d.path) v = v && this.interp.member(v, m);
        return v;
      }
      case 'var': {
        if (d.opaque) return this.arrayElementValue(d);
        const candidates: (AVal | undefined)[] = [];
        if (d.init) {
          let v = this.val(d.init);
          for (const m of d.path) v = v && this.memberOfExpr(v, d.init, m);
          candidates.push(v);
        }
        if (!d.isConst) {
          for (const a of this.scopes.assignmentsNamed(d.name)) {
            if (a.op !== ts.SyntaxKind.EqualsToken && a.op !== ts.SyntaxKind.QuestionQuestionEqualsToken && a.op !== ts.SyntaxKind.BarBarEqualsToken) continue;
            if (this.scopes.lookup(d.name, a.pos) === d) candidates.push(this.val(a.value));
          }
        }
        // A variable declared with a type and assigned a parameter of a function it is declared outside of
        // (`let telemetry: Telemetry | undefined;` ... `setup(api, ctx) { telemetry = ctx.telemetry; }`): that
        // parameter means nothing where the variable is read (no call of that function is in view there),
        // and the declared type says what every value assigned is.
        const escaped = (c: AVal | undefined): boolean => {
          if (!d.type || c?.k !== 'param') return false;
          const fn = this.fnById.get(c.fn);
          return !!fn && !(fn.pos <= d.node.pos && d.node.end <= fn.end);
        };
        const v = pick(candidates.filter((c) => !escaped(c)));
        if (v) return v;
        if (d.type) return this.annotationValue(d.type) ?? pick(candidates);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** The value of `e` when it is a catalog function that sends an HTTP request (`fetch`, `undici.fetch`). */
  private requestFunction(e: ts.Expression | undefined): AVal | undefined {
    if (!e) return undefined;
    const v = this.val(e);
    return v?.k === 'inst' && this.catalog.member(v.type, v.path)?.http ? v : undefined;
  }

  /**
   * `const [model] = await vscode.lm.selectChatModels()`, `for (const model of models)`: an element (not
   * a rest) of a top-level array pattern or of a `for...of` loop, over an array the catalog describes (its
   * `$each` member) or an array of project instances.
   */
  private arrayElementValue(d: Extract<Binding, { k: 'var' }>): AVal | undefined {
    if (d.pairValue && d.init) return this.pairValue(d.init);
    if (!d.init || d.path.length || !d.element) return undefined;
    const array = this.arrayOf(d.init);
    // (`for (const adapter of this.adapters)` over `adapters: Adapter[]`: one adapter, as the element
    // parameter of `this.adapters.forEach(...)` is.)
    return array?.k === 'inst' ? this.interp.member(array, '$each') : this.projectElement(array);
  }

  /**
   * The value of the `[key, value]` pairs a loop iterates: `clients.entries()` (an array's index and
   * element) and `Object.entries(byRegion)` (an object literal's keys and values).
   */
  private pairValue(iterated: ts.Expression): AVal | undefined {
    const u = unwrap(iterated);
    if (!ts.isCallExpression(u)) {
      // `for (const [name, client] of registry)`: a Map's entries (an array's elements are not pairs).
      const map = this.arrayOf(u);
      return map?.k === 'inst' && map.elements && this.holdsMap(u) ? this.interp.member(map, '$each') : undefined;
    }
    const callee = unwrap(u.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'entries') return undefined;
    const array = this.isObjectStatic(callee) ? (u.arguments.length === 1 ? this.objectValues(u.arguments[0]!) : undefined) : u.arguments.length === 0 ? this.arrayOf(callee.expression) : undefined;
    return array?.k === 'inst' ? this.interp.member(array, '$each') : this.projectElement(array);
  }

  /** Whether an expression is a variable holding a `new Map(...)` or declared a `Map`. */
  private holdsMap(e: ts.Expression): boolean {
    if (!ts.isIdentifier(e)) return false;
    const d = this.scopes.lookup(e.text, e.getStart(this.sf));
    if (!d || (d.k !== 'var' && d.k !== 'param') || d.path.length) return false;
    const t = d.type;
    if (t && ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName) && (t.typeName.text === 'Map' || t.typeName.text === 'ReadonlyMap')) return true;
    return d.k === 'var' && !!d.init && this.isNewMap(unwrap(d.init));
  }

  /** `Object.<name>` of the global `Object` (not a variable of that name). */
  private isObjectStatic(e: ts.PropertyAccessExpression): boolean {
    return ts.isIdentifier(e.expression) && e.expression.text === 'Object' && !this.scopes.lookup('Object', e.getStart(this.sf));
  }

  /** `Object.values(o)` over an object literal of catalog instances: an array of them (see `instances`). */
  private objectValues(arg: ts.Expression): AVal | undefined {
    const obj = this.objectLiteralOf(arg);
    if (!obj || obj.properties.some((p) => !ts.isPropertyAssignment(p) && !ts.isShorthandPropertyAssignment(p))) return undefined;
    return this.instances(obj.properties.map((p) => (ts.isPropertyAssignment(p) ? this.val(p.initializer) : this.val((p as ts.ShorthandPropertyAssignment).name))));
  }

  /**
   * An array literal of catalog instances, with the elements spread into it from other such arrays
   * (`[...clients, fallback]`) and, for the array a variable holds, those the file adds to it
   * (`clients.push(new OpenAI())`, `unshift`): an array of them when every one is an instance.
   */
  private arrayValue(literal: ts.ArrayLiteralExpression | ts.NewExpression, holder?: Binding): AVal | undefined {
    const values: AVal[] = [];
    // Whether the element is a catalog instance (the first that is not ends the question).
    const add = (x: ts.Expression): boolean => {
      let v: AVal | undefined;
      if (ts.isSpreadElement(x)) {
        const inner = this.arrayOf(x.expression);
        v = inner?.k === 'inst' && inner.elements ? this.interp.member(inner, '$each') : undefined;
      } else v = ts.isOmittedExpression(x) ? undefined : this.val(x);
      if (v?.k !== 'inst' || v.elements) return false;
      values.push(v);
      return true;
    };
    if (ts.isArrayLiteralExpression(literal)) {
      for (const x of literal.elements) if (!add(x)) return undefined;
    } else {
      // `new Map([['us', client], ...])`: the second element of each entry.
      const entries = literal.arguments?.[0] && unwrap(literal.arguments[0]);
      if (entries && !ts.isArrayLiteralExpression(entries)) return undefined;
      for (const entry of entries?.elements ?? []) {
        const pair = unwrap(entry as ts.Expression);
        if (!ts.isArrayLiteralExpression(pair) || pair.elements.length !== 2 || !add(pair.elements[1]!)) return undefined;
      }
    }
    if (holder) for (const call of this.additionsTo(holder)) for (const x of addedToCollection(call)!.values) if (!add(x)) return undefined;
    return this.instances(values);
  }

  /** `new Map(...)` of the global `Map`. */
  private isNewMap(e: ts.Expression): boolean {
    return ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Map' && !this.scopes.lookup('Map', e.expression.getStart(this.sf));
  }

  private readonly filledArrays = new Map<Binding, AVal | null>();

  /**
   * The array a variable holds, with the elements the file adds to it (`pool.push(client)`): asked where
   * elements are taken (a loop, an iteration callback, a spread, `entries()`) and for exports, not for
   * every read of the variable (`pool.push` itself).
   */
  private filledArray(d: Binding): AVal | undefined {
    if (d.k !== 'var' || d.path.length || d.opaque || !d.init) return undefined;
    const literal = unwrap(d.init);
    if (!(ts.isArrayLiteralExpression(literal) || (ts.isNewExpression(literal) && this.isNewMap(literal))) || (!d.isConst && this.scopes.assignmentsOf(d).length)) return undefined;
    let v = this.filledArrays.get(d);
    if (v === undefined) {
      this.filledArrays.set(d, null);
      v = this.arrayValue(literal as ts.ArrayLiteralExpression | ts.NewExpression, d) ?? null;
      this.filledArrays.set(d, v);
    }
    return v ?? undefined;
  }

  /** `val` of an expression whose elements are taken: a variable's array has what the file adds to it. */
  private arrayOf(e: ts.Expression): AVal | undefined {
    const u = unwrap(e);
    if (ts.isIdentifier(u)) {
      const d = this.scopes.lookup(u.text, u.getStart(this.sf));
      const filled = d && this.filledArray(d);
      if (filled) return filled;
    }
    return this.val(e);
  }

  /** The value a declaration exports: `declValue`, with the elements the file adds to an exported array. */
  exportedValue(d: Binding): AVal | undefined {
    return this.filledArray(d) ?? this.declValue(d);
  }

  private additions: Map<string, ts.CallExpression[]> | undefined;

  /** The calls of the file that add elements to the array or map a variable holds (`xs.push(...)`, `registry.set(k, v)`). */
  private additionsTo(d: Binding): ts.CallExpression[] {
    if (!this.additions) {
      this.additions = new Map();
      for (const rec of this.facts.calls) {
        const n = rec.node;
        const added = ts.isCallExpression(n) ? addedToCollection(n) : undefined;
        if (!added || !ts.isCallExpression(n)) continue;
        const target = unwrap(added.collection);
        if (!ts.isIdentifier(target)) continue;
        (this.additions.get(target.text) ?? this.additions.set(target.text, []).get(target.text)!).push(n);
      }
    }
    return (this.additions.get(d.name) ?? []).filter((n) => {
      const target = unwrap(addedToCollection(n)!.collection) as ts.Identifier;
      return this.scopes.lookup(target.text, target.getStart(this.sf)) === d;
    });
  }

  annotationValue(t: ts.TypeNode): AVal | undefined {
    if (ts.isUnionTypeNode(t)) return pick(t.types.map((x) => this.annotationValue(x)));
    if (ts.isParenthesizedTypeNode(t)) return this.annotationValue(t.type);
    // An inline object type: an instance of it (its members' declared types).
    if (ts.isTypeLiteralNode(t)) return t.members.length ? this.interp.construct({ k: 'cls', id: this.classId(t) }, []) : undefined;
    // A Map of clients (`registry: Map<string, OpenAI>`): its values, as an array of them.
    if (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName) && (t.typeName.text === 'Map' || t.typeName.text === 'ReadonlyMap') && t.typeArguments?.length === 2) {
      const v = this.annotationValue(t.typeArguments[1]!);
      return v?.k === 'inst' && !v.elements ? { ...v, elements: true } : undefined;
    }
    // An array of project instances (`providers: Provider[]`, `Array<Provider>`): iteration callbacks get one.
    const element = ts.isArrayTypeNode(t) ? t.elementType : ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName) && (t.typeName.text === 'Array' || t.typeName.text === 'ReadonlyArray') && t.typeArguments?.length === 1 ? t.typeArguments[0] : undefined;
    if (element) {
      const e = this.annotationValue(element);
      // (Of catalog instances, `clients: OpenAI[]`: an array of them, as an array literal of them is.)
      if (e?.k === 'inst' && !e.elements) return { ...e, elements: true };
      return e && (e.k === 'obj' || e.k === 'ref') ? this.interp.member(e, '$each') : undefined;
    }
    if (!ts.isTypeReferenceNode(t)) return undefined;
    let root: ts.EntityName = t.typeName;
    const members: string[] = [];
    while (ts.isQualifiedName(root)) {
      members.unshift(root.right.text);
      root = root.left;
    }
    const d = this.scopes.lookupType(root.text, t.getStart(this.sf));
    if (!d) return undefined;
    // A class or interface of the project: an instance of it (members resolve through its summary).
    if (d.k !== 'import') {
      const cls = members.length ? undefined : this.typeNameValue(t.typeName, t.getStart(this.sf));
      return cls && this.interp.construct(cls, [], true);
    }
    const base = this.moduleValue(d.module, d.export);
    if (base?.k === 'ref') {
      const cls = this.typeNameValue(t.typeName, t.getStart(this.sf));
      return cls && this.interp.construct(cls, [], true);
    }
    if (!base || base.k !== 'inst') return undefined;
    const p = [...base.path, ...members];
    const spec = this.catalog.member(base.type, p);
    const type = spec?.annotation;
    return type ? { k: 'inst', type, path: [] } : undefined;
  }

  /** Member access that also sees through local object literals (`const clients = { openai: new OpenAI() }`). */
  private memberOfExpr(base: AVal | undefined, baseExpr: ts.Expression, name: string): AVal | undefined {
    // An element of an array of object literals (`for (const p of providers) p.client`, or the element
    // parameter of `providers.forEach((p) => ...)`): any of theirs, so a wrapper counts only when every
    // one has it.
    if (!base || (base.k === 'param' && base.steps.length === 0)) {
      const literals = this.elementLiterals(base, baseExpr);
      if (literals) return pickEvery(literals.map((o) => this.memberOfExpr(undefined, o, name)));
    }
    if (base) return this.interp.member(base, name);
    const obj = this.objectLiteralOf(baseExpr);
    if (!obj) return undefined;
    for (const p of obj.properties) {
      if (ts.isPropertyAssignment(p) && propName(p.name) === name) return this.val(p.initializer);
      if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return this.val(p.name);
    }
    return undefined;
  }

  /** An array of these catalog instances (`elements`), when every one is one; else nothing. */
  private instances(values: (AVal | undefined)[]): AVal | undefined {
    if (!values.length || !values.every((v) => v?.k === 'inst' && !v.elements)) return undefined;
    const element = pickEvery(values);
    return element?.k === 'inst' ? { ...element, elements: true } : undefined;
  }

  /**
   * The object literals an expression may be one of: an element (a `for...of` variable, or the element
   * parameter of `forEach`/`map`/...) of a `const` array whose every element is an object literal.
   */
  private elementLiterals(base: AVal | undefined, e: ts.Expression): ts.ObjectLiteralExpression[] | undefined {
    let array: ts.Expression | undefined;
    if (base?.k === 'param') {
      const fn = this.fnById.get(base.fn);
      const passed = fn && this.facts.fnArg.get(fn);
      if (!passed || passed.index !== 0 || !ts.isCallExpression(passed.call)) return undefined;
      const callee = unwrap(passed.call.expression);
      if (ts.isPropertyAccessExpression(callee) && ITERATION_ELEMENT[callee.name.text] === base.index) array = callee.expression;
    } else {
      const u = unwrap(e);
      if (!ts.isIdentifier(u)) return undefined;
      const d = this.scopes.lookup(u.text, u.getStart(this.sf));
      if (d?.k === 'var' && d.element && d.init && d.path.length === 0) array = d.init;
    }
    let a = array && unwrap(array);
    if (a && ts.isIdentifier(a)) {
      const v = this.scopes.lookup(a.text, a.getStart(this.sf));
      a = v?.k === 'var' && v.isConst && v.init && v.path.length === 0 && !v.opaque ? unwrap(v.init) : undefined;
    }
    if (!a || !ts.isArrayLiteralExpression(a) || !a.elements.length) return undefined;
    const out: ts.ObjectLiteralExpression[] = [];
    for (const x of a.elements) {
      const o = unwrap(x);
      if (!ts.isObjectLiteralExpression(o)) return undefined;
      out.push(o);
    }
    return out;
  }

  objectLiteralOf(e: ts.Expression, depth = 0): ts.ObjectLiteralExpression | undefined {
    const u = unwrap(e);
    if (ts.isObjectLiteralExpression(u)) return u;
    if (depth < 4 && ts.isIdentifier(u)) {
      const d = this.scopes.lookup(u.text, u.getStart(this.sf));
      if (d?.k === 'var' && d.isConst && d.init && d.path.length === 0 && !d.opaque) return this.objectLiteralOf(d.init, depth + 1);
    }
    // `telemetryOptions()`: a function of this file whose only return is an object literal.
    if (depth < 4 && ts.isCallExpression(u) && ts.isIdentifier(unwrap(u.expression))) {
      const callee = unwrap(u.expression) as ts.Identifier;
      const d = this.scopes.lookup(callee.text, callee.getStart(this.sf));
      let fn: ts.Node | undefined;
      if (d?.k === 'fn') fn = d.node;
      else if (d?.k === 'var' && d.isConst && d.init && d.path.length === 0 && !d.opaque) fn = unwrap(d.init);
      if (fn && (ts.isArrowFunction(fn) || ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.body) {
        if (!ts.isBlock(fn.body)) return this.objectLiteralOf(fn.body, depth + 1);
        const only = this.onlyReturn(fn as FnNode);
        if (only) return this.objectLiteralOf(only, depth + 1);
      }
    }
    return undefined;
  }

  private readonly onlyReturns = new Map<FnNode, ts.Expression | null>();

  /** The expression of a function's only `return` statement (none when it has several, or returns nothing). */
  private onlyReturn(fn: FnNode): ts.Expression | undefined {
    let only = this.onlyReturns.get(fn);
    if (only === undefined) {
      const returns: ts.ReturnStatement[] = [];
      const visit = (n: ts.Node): void => {
        if (ts.isReturnStatement(n)) returns.push(n);
        else if (!ts.isFunctionLike(n) && !ts.isClassLike(n)) ts.forEachChild(n, visit);
      };
      if (fn.body) ts.forEachChild(fn.body, visit);
      only = returns.length === 1 && returns[0]!.expression ? returns[0]!.expression : null;
      this.onlyReturns.set(fn, only);
    }
    return only ?? undefined;
  }

  /** A parameter (or a member of a destructured one) as the symbolic value each call binds, ignoring its declared type. */
  paramValue(e: ts.Identifier): AVal | undefined {
    const d = this.scopes.lookup(e.text, e.getStart(this.sf));
    if (d?.k !== 'param' || d.opaque) return undefined;
    return { k: 'param', fn: this.fnId(d.fn), index: d.index, steps: d.path.map((m) => ({ m })) };
  }

  /** The `return` expressions of the function of this file a call calls (`resolveRoute(config)`), when it is one. */
  returnsOfCall(call: ts.CallExpression): readonly ts.Expression[] | undefined {
    const callee = unwrap(call.expression);
    if (!ts.isIdentifier(callee)) return undefined;
    const d = this.scopes.lookup(callee.text, callee.getStart(this.sf));
    let fn: ts.Node | undefined;
    if (d?.k === 'fn') fn = d.node;
    else if (d?.k === 'var' && d.isConst && d.init && d.path.length === 0 && !d.opaque) fn = unwrap(d.init);
    if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn))) return undefined;
    return this.facts.returns.get(fn as FnNode);
  }

  val(e: ts.Expression): AVal | undefined {
    const m = this.valMemo.get(e);
    if (m !== undefined) return m === NONE || m === BUSY ? undefined : m;
    this.checkBudget();
    this.valMemo.set(e, BUSY);
    let v: AVal | undefined;
    try {
      v = this.computeVal(e);
    } catch (err) {
      this.valMemo.delete(e);
      throw err;
    }
    this.valMemo.set(e, v ?? NONE);
    return v;
  }

  private computeVal(e0: ts.Expression): AVal | undefined {
    const e = unwrap(e0);
    // `super(...)`: the base class's constructor.
    if (e.kind === ts.SyntaxKind.SuperKeyword) {
      const cls = this.enclosingClass(e);
      return cls && this.superCtor(cls);
    }
    if (ts.isIdentifier(e)) {
      if (e.text === 'undefined') return undefined;
      const d = this.scopes.lookup(e.text, e.getStart(this.sf));
      return d ? this.declValue(d) : this.globalValue(e.text);
    }
    if (ts.isPropertyAccessExpression(e)) {
      const base = unwrap(e.expression);
      if (base.kind === ts.SyntaxKind.ThisKeyword) return this.thisMember(e, e.name.text);
      return this.memberOfExpr(this.val(e.expression), e.expression, e.name.text);
    }
    if (ts.isElementAccessExpression(e)) {
      const arg = e.argumentExpression;
      if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return this.memberOfExpr(this.val(e.expression), e.expression, arg.text);
      // An element of an array the catalog describes (`models[0]` of `vscode.lm.selectChatModels()`): its `$each` member.
      if (ts.isNumericLiteral(arg)) {
        const array = this.arrayOf(e.expression);
        if (array?.k === 'inst') return this.interp.member(array, '$each');
        if (array?.k === 'obj' && array.each) {
          const { each: _each, ...element } = array;
          return element;
        }
      } else {
        // `clients[i]` of an array of clients: one of them.
        const array = this.arrayOf(e.expression);
        if (array?.k === 'inst' && array.elements) return this.interp.member(array, '$each');
      }
      // A computed key into an object literal (`clients[provider]`): any of its values.
      const alts = this.computedAlternatives(e);
      return alts && pickEvery(alts);
    }
    if (ts.isCallExpression(e)) {
      if (e.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const a = e.arguments[0];
        return a && ts.isStringLiteralLike(a) ? this.moduleValue(a.text, '*') : undefined;
      }
      const callee = unwrap(e.expression);
      if (ts.isIdentifier(callee) && callee.text === 'require' && !this.scopes.lookup('require', callee.getStart(this.sf))) {
        const a = e.arguments[0];
        return a && ts.isStringLiteralLike(a) ? this.moduleValue(a.text, '*') : undefined;
      }
      const fe = unwrap(e.expression);
      // A function bound to its receiver (`this.think.bind(this)`) runs the same body.
      if (ts.isPropertyAccessExpression(fe) && fe.name.text === 'bind') {
        const target = this.val(fe.expression);
        if (target?.k === 'fn') return target;
      }
      // `clients.at(i)`, `clients.find(...)`, `clients.pop()` of an array of clients, `registry.get(k)` of a
      // Map of them: one of them; `registry.values()`: all of them.
      if (ts.isPropertyAccessExpression(fe) && (ELEMENT_RETURNING.has(fe.name.text) || fe.name.text === 'values')) {
        const array = this.arrayOf(fe.expression);
        if (array?.k === 'inst' && array.elements) return fe.name.text === 'values' ? array : this.interp.member(array, '$each');
      }
      // `Object.values(clients)` over an object literal of clients: an array of them (see `instances`).
      if (ts.isPropertyAccessExpression(fe) && fe.name.text === 'values' && e.arguments.length === 1 && this.isObjectStatic(fe)) return this.objectValues(e.arguments[0]!);
      // A factory picked by a computed key (`factories[name]()`): what any of them returns.
      const alts = ts.isElementAccessExpression(fe) ? this.computedAlternatives(fe) : undefined;
      if (alts) return pickEvery(alts.map((v) => v && this.callValue(v, e)));
      const cv = this.val(e.expression);
      return cv && this.callValue(cv, e);
    }
    if (ts.isNewExpression(e)) {
      // A Map of clients: its values, from its entries, else its declared value type (`new Map<string, OpenAI>()`).
      if (this.isNewMap(e)) {
        const entries = this.arrayValue(e);
        if (entries) return entries;
        const v = e.typeArguments?.length === 2 ? this.annotationValue(e.typeArguments[1]!) : undefined;
        return v?.k === 'inst' && !v.elements ? { ...v, elements: true } : undefined;
      }
      const cv = this.val(e.expression);
      if (!cv) return undefined;
      return this.withOrigin(this.interp.construct(cv, this.args(e.arguments ?? NO_ARGS)), e);
    }
    if (ts.isConditionalExpression(e)) return pick([this.val(e.whenTrue), this.val(e.whenFalse)]);
    // An array of catalog instances (`[new OpenAI(), new OpenAI({ baseURL })]`): any of them is the
    // element, so a wrapper or option counts only when every one has it.
    if (ts.isArrayLiteralExpression(e)) return this.arrayValue(e);
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) return this.withFallback(this.val(e.left), this.val(e.right));
      if (op === ts.SyntaxKind.AmpersandAmpersandToken) return this.val(e.right);
      if (op === ts.SyntaxKind.CommaToken) return this.val(e.right);
      // An assignment's value: `return (this.client = new OpenAI())`, `return this.client ??= new OpenAI()`.
      if (op === ts.SyntaxKind.EqualsToken) return this.val(e.right);
      if (op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken) return pick([this.val(e.left), this.val(e.right)]);
      return undefined;
    }
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return { k: 'fn', id: this.fnId(e) };
    if (ts.isClassExpression(e)) return { k: 'cls', id: this.classId(e) };
    return undefined;
  }

  /** The value of calling `cv` at `e`. */
  private callValue(cv: AVal, e: ts.CallExpression): AVal | undefined {
    // A user function's arguments matter only when it returns (a value rooted at) one of its parameters.
    if (cv.k === 'fn') {
      const ret = this.fnReturns(cv.id);
      if (!ret) return undefined;
      // (A string it builds from its parameters needs them too.)
      if ((ret.k !== 'param' || ret.fn !== cv.id) && !(ret.k === 'str' && paramPart(ret.parts, cv.id))) return this.withOrigin(this.interp.call(cv, [], originOf(this.file, e.getStart(this.sf))), e);
    }
    return this.withOrigin(this.interp.call(cv, this.args(e.arguments), originOf(this.file, e.getStart(this.sf))), e);
  }

  /** The values of an object literal read with a computed key (`factories[name]`), one per property; undefined when it is no such read. */
  private computedAlternatives(e: ts.ElementAccessExpression): (AVal | undefined)[] | undefined {
    const arg = e.argumentExpression;
    if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return undefined;
    const obj = this.objectLiteralOf(e.expression);
    if (!obj || !obj.properties.length) return undefined;
    return obj.properties.map((p) =>
      ts.isPropertyAssignment(p) ? this.val(p.initializer) : ts.isShorthandPropertyAssignment(p) ? this.val(p.name) : ts.isMethodDeclaration(p) ? { k: 'fn', id: this.fnId(p) } : undefined,
    );
  }

  /**
   * `a ?? b`, `a || b`: either value. An injectable HTTP client (`options.fetch ?? fetch`): a function the
   * caller may pass instead is one with the same contract, so the request is the default's.
   */
  private withFallback(l: AVal | undefined, r: AVal | undefined): AVal | undefined {
    if (r?.k === 'inst' && (!l || l.k === 'param' || l.k === 'ref') && this.catalog.member(r.type, r.path)?.http) return r;
    return pick([l, r]);
  }

  /** A global name the catalog knows (`fetch`), or the global object itself (`globalThis`, `window`, `self`). */
  private globalValue(name: string): AVal | undefined {
    if (this.catalog.global(name)) return { k: 'inst', type: GLOBAL_TYPE, path: [name] };
    if ((name === 'globalThis' || name === 'window' || name === 'self' || name === 'global') && this.catalog.type(GLOBAL_TYPE)) return { k: 'inst', type: GLOBAL_TYPE, path: [] };
    return undefined;
  }

  private strings: Strings | undefined;

  /** The string an expression denotes (a URL), as far as the code shows it (see strings.ts). */
  str(e: ts.Expression): Extract<AVal, { k: 'str' }> | undefined {
    return this.stringsOf().value(e);
  }

  private stringsOf(): Strings {
    this.strings ??= new Strings({ scopes: this.scopes, sf: this.sf, val: (x) => this.val(x), objectLiteralOf: (x) => this.objectLiteralOf(x), returnsOfCall: (c) => this.returnsOfCall(c), paramValue: (x) => this.paramValue(x) });
    return this.strings;
  }

  /** `str`, only for expressions that read as strings (literals, templates, concatenation, env, `new URL`). */
  strIfStringish(e: ts.Expression): Extract<AVal, { k: 'str' }> | undefined {
    const strings = this.stringsOf();
    return strings.stringish(e) ? strings.value(e) : undefined;
  }

  private projectInterp: Interp | undefined;

  /** `val`, with values rooted in other project files resolved through the project (for file rules). */
  resolvedVal(e: ts.Expression): AVal | undefined {
    return this.resolvedValue(this.val(e));
  }

  /** A value with what is rooted in other project files resolved through the project (see `resolvedVal`). */
  resolvedValue(v: AVal | undefined): AVal | undefined {
    const project = this.opts.project;
    if (!v || v.k !== 'ref' || !project) return v;
    this.projectInterp ??= new Interp({
      catalog: this.catalog,
      resolveRef: (ref) => project.resolveRef(ref),
      fnSummary: (id) => (this.fnById.has(id) ? this.fnSummary(id) : project.fnSummary(id)),
      classSummary: (id) => this.classSummary(id),
      implementationOf: (id, name) => this.implementationOf(id, name),
    });
    return this.projectInterp.concretize(v) ?? v;
  }

  /** A new instance is identified by the expression that created it (see `AVal` origin). */
  private withOrigin(v: AVal | undefined, e: ts.Expression): AVal | undefined {
    if (!v || v.k !== 'inst' || v.origin || v.path.length) return v;
    return { ...v, origin: originOf(this.file, e.getStart(this.sf)) };
  }

  thisMember(e: ts.Node, name: string): AVal | undefined {
    // Find the class that lexically encloses `e` (classes are few; a linear scan is fine).
    const pos = e.getStart(this.sf);
    let cls: ts.ClassLikeDeclaration | undefined;
    for (const c of this.facts.classProps.keys()) if (c.pos <= pos && pos < c.end && (!cls || c.pos > cls.pos)) cls = c;
    // Up the local `extends` chain: a member the subclass does not have may be the base class's. A base
    // class's constructor receives what the subclass passes to `super(...)`: a field it takes from a
    // parameter holds that (`super(new OpenAI())` to `constructor(client) { this.client = client }`).
    let args: Arg[] | undefined;
    for (let depth = 0; cls && depth < 8; depth++) {
      const values = this.facts.classProps.get(cls)?.get(name)?.filter((x) => !x.static);
      const ctor = this.ctorNode(cls);
      const bind = (v: AVal | undefined) => (v && ctor && args ? this.interp.bindCtor(v, this.fnId(ctor), args) : v);
      if (values?.length) {
        // Assigned values, methods and getters first; a declared type only when none resolves. A value
        // assigned from a parameter (`this.client = options.client`) is known only to the caller that
        // constructed the instance, so a concrete assignment elsewhere, then the declared type, come first.
        const vals = values.map((x) => bind('expr' in x ? this.ctorParamField(x.expr, ctor, !args) : 'method' in x ? ({ k: 'fn', id: this.fnId(x.method) } as AVal) : 'getter' in x ? this.returnsOf(x.getter) : undefined));
        const concrete = pick(vals.filter((x) => x?.k !== 'param'));
        if (concrete) return concrete;
        const typed = pick(values.map((x) => ('type' in x ? this.annotationValue(x.type) : undefined)));
        // The declared type of a field the constructor takes from its parameter: what each construction passes tells more.
        const fromCtor = ctor && !args && vals.find((x): x is Extract<AVal, { k: 'param' }> => x?.k === 'param' && x.fn === this.fnId(ctor) && !x.steps.length);
        if (typed?.k === 'inst' && fromCtor && !typed.path.length) return { ...typed, declared: { fn: fromCtor.fn, index: fromCtor.index, path: [] } };
        return typed ?? pick(vals);
      }
      // What this class's constructor passes to its base class's (with no constructor of its own: the same).
      if (ctor) {
        const own = this.superArgsOf(cls);
        args = own && this.interp.substituteArgs(own, this.fnId(ctor), args, 0);
      }
      const local = this.localBaseClass(cls);
      if (!local) {
        // A base class of another file or of a library (`this.tracer` of an `InstrumentationBase`).
        const base = this.baseValue(cls);
        const inst = base && base.k !== 'fn' && base.k !== 'obj' ? this.interp.construct(base, args ?? []) : undefined;
        return inst && this.interp.member(inst, name);
      }
      cls = local;
    }
    return undefined;
  }

  /**
   * The value assigned to a field. A constructor parameter with a declared type (`constructor(private
   * client: OpenAI)`, `this.client = client`) is that type's instance, marked as taken from the parameter
   * (`declared`, when `mark`): each construction of the class tells what it really holds.
   */
  private ctorParamField(expr: ts.Expression, ctor: ts.ConstructorDeclaration | undefined, mark: boolean): AVal | undefined {
    const v = this.val(expr);
    const u = unwrap(expr);
    if (!mark || !ctor || v?.k !== 'inst' || v.path.length || v.declared || !ts.isIdentifier(u)) return v;
    const d = this.scopes.lookup(u.text, u.getStart(this.sf));
    if (d?.k !== 'param' || d.fn !== ctor || d.path.length || !d.type) return v;
    return { ...v, declared: { fn: this.fnId(ctor), index: d.index, path: [] } };
  }

  /** The value a class extends (a project class, a reference to one in another file, a catalog class). */
  private baseValue(cls: ts.ClassLikeDeclaration): AVal | undefined {
    for (const h of cls.heritageClauses ?? []) if (h.token === ts.SyntaxKind.ExtendsKeyword && h.types[0]) return this.val(h.types[0].expression);
    return undefined;
  }

  // ---------------------------------------------------------------- classes

  readonly clsById = new Map<string, ClassLikeNode>();
  private readonly classMemo = new Map<string, ClassSummary | null>();

  /** One id per class, interface or object type alias: `file#pos`, like functions. */
  classId(node: ClassLikeNode): string {
    const id = `${this.file}#${node.pos}`;
    if (!this.clsById.has(id)) this.clsById.set(id, node);
    return id;
  }

  /** The interface members being chosen an implementation for (see `loopsBack`). */
  private readonly choosing = new Set<string>();
  private looped = false;

  /** Member `name` of the classes implementing interface `id`: this file's, and the project's. */
  implementationOf(id: string, name: string): AVal | undefined {
    const key = `${id}\0${name}`;
    // Asked again while choosing: a forward of one of the candidates leads back to this interface member.
    if (this.choosing.has(key)) {
      this.looped = true;
      return undefined;
    }
    const candidates: AVal[] = [];
    for (const [cid, node] of this.clsById) {
      if (!ts.isClassLike(node)) continue;
      const c = this.classSummary(cid);
      if (c?.implements?.some((i) => { const v = this.interp.concretize(i); return v?.k === 'cls' && v.id === id; }) && c.members[name]) candidates.push(c.members[name]!);
    }
    const project = this.opts.project;
    if (project?.implementationsOf) candidates.push(...project.implementationsOf(id, name));
    else {
      const fromProject = project?.implementationOf?.(id, name);
      if (fromProject) candidates.push(fromProject);
    }
    if (candidates.length < 2) return candidates[0];
    this.choosing.add(key);
    try {
      return preferredImplementation(candidates, (fid) => this.projectFnSummary(fid), (fid) => this.loopsBack(fid));
    } finally {
      this.choosing.delete(key);
    }
  }

  /**
   * Whether a method that forwards (`FnSummary.metricForward`) forwards to the interface member being
   * chosen for (a decorator holding another implementation: `this.handle.telemetry.record(...)`).
   */
  private loopsBack(fid: string): boolean {
    const forward = this.projectFnSummary(fid)?.metricForward;
    if (!forward) return false;
    const outer = this.looped;
    this.looped = false;
    try {
      this.resolvedValue(forward.callee);
      return this.looped;
    } finally {
      this.looped = outer;
    }
  }

  /** The summary of a project class: this file's (computed on demand), else the project's. */
  classSummary(id: string): ClassSummary | undefined {
    const node = this.clsById.get(id);
    if (!node) return this.opts.project?.classSummary?.(id);
    const memo = this.classMemo.get(id);
    if (memo !== undefined) return memo ?? undefined;
    // A class whose members refer to itself: nothing while in progress.
    this.classMemo.set(id, null);
    const summary = this.computeClassSummary(id, node);
    this.classMemo.set(id, summary);
    return summary;
  }

  private computeClassSummary(id: string, node: ClassLikeNode): ClassSummary {
    const members: Record<string, AVal> = {};
    const statics: Record<string, AVal> = {};
    const out: ClassSummary = { id, name: !ts.isTypeLiteralNode(node) && node.name ? node.name.text : '(anonymous)', members };
    if (ts.isClassLike(node)) {
      const props = this.facts.classProps.get(node);
      for (const [name, values] of props ?? []) {
        for (const [target, list] of [
          [members, values.filter((x) => !x.static)],
          [statics, values.filter((x) => x.static)],
        ] as const) {
          if (!list.length) continue;
          const v = pick(list.map((x) => ('expr' in x ? this.val(x.expr) : 'method' in x ? ({ k: 'fn', id: this.fnId(x.method) } as AVal) : 'getter' in x ? this.returnsOf(x.getter) : undefined))) ?? pick(list.map((x) => ('type' in x ? this.annotationValue(x.type) : undefined)));
          if (v) target[name] = v;
        }
      }
      const base = this.baseValue(node);
      if (base) out.base = base;
      const ctor = this.ctorNode(node);
      if (ctor) out.ctor = { k: 'fn', id: this.fnId(ctor) };
      const superArgs = base && this.superArgsOf(node);
      if (superArgs?.length) out.superArgs = superArgs;
      const impl: AVal[] = [];
      for (const h of node.heritageClauses ?? []) if (h.token === ts.SyntaxKind.ImplementsKeyword) for (const t of h.types) {
        const v = this.typeNameValue(t.expression, t.getStart(this.sf));
        if (v) impl.push(v);
      }
      if (impl.length) out.implements = impl;
    } else {
      out.isType = true;
      if (ts.isTypeAliasDeclaration(node) && ts.isFunctionTypeNode(node.type)) out.params = node.type.parameters.map((p) => (p.type && !p.dotDotDotToken ? (this.annotationValue(p.type) ?? null) : null));
      const elements = ts.isTypeLiteralNode(node) ? node.members : ts.isInterfaceDeclaration(node) ? node.members : ts.isTypeLiteralNode(node.type) ? node.type.members : undefined;
      for (const m of elements ?? []) {
        if (!ts.isPropertySignature(m) || !m.type) continue;
        const name = propName(m.name);
        const v = name !== undefined ? this.annotationValue(m.type) : undefined;
        if (v) members[name!] = v;
      }
      if (ts.isInterfaceDeclaration(node)) for (const h of node.heritageClauses ?? []) if (h.types[0]) {
        const v = this.typeNameValue(h.types[0].expression, h.types[0].getStart(this.sf));
        if (v) out.base = v;
        break;
      }
    }
    if (Object.keys(statics).length) out.statics = statics;
    return out;
  }

  /** What parameter `index` of a function passed directly to a catalog call receives (`MemberSpec.callbackParams`). */
  private callbackReceives(fn: FnNode, index: number): AVal | undefined {
    const passed = this.facts.fnArg.get(fn);
    if (!passed || !ts.isCallExpression(passed.call)) return undefined;
    const callee = unwrap(passed.call.expression);
    const last = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
    if (last === undefined || !catalogNames(this.catalog).callbackParams.has(last)) return undefined;
    const cv = this.val(callee);
    return cv && (cv.k === 'inst' || cv.k === 'ref') ? this.interp.callbackParam(cv, passed.index, passed.nargs, index) : undefined;
  }

  /** `items.forEach((item) => ...)` over an array of project instances: the instance parameter `index` gets. */
  private iterationElement(fn: FnNode, index: number): AVal | undefined {
    const passed = this.facts.fnArg.get(fn);
    if (!passed || passed.index !== 0 || !ts.isCallExpression(passed.call)) return undefined;
    const callee = unwrap(passed.call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const at = ITERATION_ELEMENT[callee.name.text];
    if (at === undefined || at !== index) return undefined;
    return this.projectElement(this.arrayOf(callee.expression));
  }

  /**
   * One element of an array of project instances (an object literal's array, or a value declared
   * `Provider[]`), through methods that keep the elements (`this.providers.filter(...)`, `.slice()`).
   */
  private projectElement(array: AVal | undefined): AVal | undefined {
    if (array?.k === 'inst' && array.elements) return this.interp.member(array, '$each');
    if (array?.k === 'obj' && array.each) {
      const { each: _each, ...element } = array;
      return element;
    }
    if (array?.k === 'ref') {
      let end = array.steps.length;
      for (;;) {
        const last = array.steps[end - 1];
        const before = array.steps[end - 2];
        if (last && 'call' in last && before && 'm' in before && ARRAY_KEEPING.has(before.m)) end -= 2;
        else break;
      }
      const last = array.steps[end - 1];
      if (last && 'm' in last && last.m === '$each') return { ...array, steps: array.steps.slice(0, end - 1) };
      // An array of another file (`import { clients } from './pool'`): its element, once the linker knows it.
      return this.interp.member({ ...array, steps: array.steps.slice(0, end) }, '$each');
    }
    return undefined;
  }

  /** The declared type of parameter `index` of a function type (through unions, parentheses and aliases), as a value. */
  private paramTypeValue(t: ts.TypeNode, index: number, depth: number): AVal | undefined {
    if (depth > 4) return undefined;
    if (ts.isParenthesizedTypeNode(t)) return this.paramTypeValue(t.type, index, depth + 1);
    if (ts.isUnionTypeNode(t)) return pick(t.types.map((x) => this.paramTypeValue(x, index, depth + 1)));
    if (ts.isFunctionTypeNode(t)) {
      const p = t.parameters[index];
      return p?.type && !p.dotDotDotToken ? this.annotationValue(p.type) : undefined;
    }
    if (!ts.isTypeReferenceNode(t)) return undefined;
    const name = ts.isIdentifier(t.typeName) ? t.typeName.text : undefined;
    const d = name ? this.scopes.lookupType(name, t.getStart(this.sf)) : undefined;
    if (d?.k === 'type' && ts.isTypeAliasDeclaration(d.node)) return this.paramTypeValue(d.node.type, index, depth + 1);
    const v = this.typeNameValue(t.typeName, t.getStart(this.sf));
    return v && this.interp.paramOf(v, index);
  }

  /** The class or interface a type name (`Tracer`, `types.Ctx`) denotes, as a `cls` value or a reference to one. */
  typeNameValue(e: ts.Node, pos: number): AVal | undefined {
    const names: string[] = [];
    let root: ts.Node = e;
    while (ts.isPropertyAccessExpression(root) || ts.isQualifiedName(root)) {
      names.unshift(ts.isPropertyAccessExpression(root) ? root.name.text : root.right.text);
      root = ts.isPropertyAccessExpression(root) ? root.expression : root.left;
    }
    if (!ts.isIdentifier(root)) return undefined;
    const d = this.scopes.lookupType(root.text, pos);
    if (!d) return undefined;
    if (names.length === 0 && (d.k === 'class' || (d.k === 'type' && (ts.isInterfaceDeclaration(d.node) || ts.isTypeLiteralNode(d.node.type) || ts.isFunctionTypeNode(d.node.type))))) return { k: 'cls', id: this.classId(d.node) };
    if (d.k !== 'import') return undefined;
    const base = this.moduleValue(d.module, d.export);
    if (!base || base.k !== 'ref') return undefined;
    let v: AVal | undefined = base;
    for (const n of names) v = v && this.interp.member(v, n);
    return v;
  }

  /** The class a class extends, when it is a class declared in this file (`class Agent extends BaseAgent`). */
  private localBaseClass(cls: ts.ClassLikeDeclaration): ts.ClassLikeDeclaration | undefined {
    for (const h of cls.heritageClauses ?? []) {
      if (h.token !== ts.SyntaxKind.ExtendsKeyword) continue;
      const base = h.types[0] && unwrap(h.types[0].expression);
      if (!base || !ts.isIdentifier(base)) return undefined;
      const d = this.scopes.lookup(base.text, base.getStart(this.sf));
      return d?.k === 'class' && d.node !== cls ? d.node : undefined;
    }
    return undefined;
  }

  /** A class's own constructor, when it declares one with a body. */
  private ctorNode(cls: ts.ClassLikeDeclaration): ts.ConstructorDeclaration | undefined {
    for (const m of cls.members) if (ts.isConstructorDeclaration(m) && m.body) return m;
    return undefined;
  }

  /** The `super(...)` call of a constructor (outside functions nested in it). */
  private superCall(ctor: ts.ConstructorDeclaration): ts.CallExpression | undefined {
    let found: ts.CallExpression | undefined;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.SuperKeyword) found = n;
      else if (!ts.isFunctionLike(n) && !ts.isClassLike(n)) ts.forEachChild(n, visit);
    };
    if (ctor.body) ts.forEachChild(ctor.body, visit);
    return found;
  }

  private readonly superArgsMemo = new Map<ts.ClassLikeDeclaration, Arg[] | null>();

  /** What a class's constructor passes to `super(...)` (undefined: no constructor of its own, or no such call). */
  private superArgsOf(cls: ts.ClassLikeDeclaration): Arg[] | undefined {
    if (this.superArgsMemo.has(cls)) return this.superArgsMemo.get(cls) ?? undefined;
    this.superArgsMemo.set(cls, null);
    const ctor = this.ctorNode(cls);
    const call = ctor && this.superCall(ctor);
    const args = call ? this.args(call.arguments) : undefined;
    this.superArgsMemo.set(cls, args ?? null);
    return args;
  }

  /** The constructor `super(...)` runs in class `cls`: the nearest base class's that declares one (here or in another file). */
  private superCtor(cls: ts.ClassLikeDeclaration): AVal | undefined {
    let cur = cls;
    for (let depth = 0; depth < 8; depth++) {
      const local = this.localBaseClass(cur);
      if (!local) {
        const base = this.baseValue(cur);
        return base?.k === 'ref' ? this.interp.member(base, CTOR) : undefined;
      }
      const ctor = this.ctorNode(local);
      if (ctor) return { k: 'fn', id: this.fnId(ctor) };
      cur = local;
    }
    return undefined;
  }

  /** The class that lexically encloses `e` (classes are few; a linear scan is fine). */
  private enclosingClass(e: ts.Node): ts.ClassLikeDeclaration | undefined {
    const pos = e.getStart(this.sf);
    let cls: ts.ClassLikeDeclaration | undefined;
    for (const c of this.facts.classes) if (c.pos <= pos && pos < c.end && (!cls || c.pos > cls.pos)) cls = c;
    return cls;
  }

  args(list: ts.NodeArray<ts.Expression>): Arg[] {
    return list.map((a) => this.arg(a, 0));
  }

  /**
   * The props of a JSX element as the one argument its component is called with: an object of its
   * attributes (`<Chat client={openai} />` is `Chat({ client: openai })`); a spread attribute leaves it open.
   */
  jsxProps(n: ts.JsxSelfClosingElement | ts.JsxOpeningElement): Arg {
    const shape: Record<string, Arg> = {};
    let open = false;
    for (const p of n.attributes.properties) {
      if (!ts.isJsxAttribute(p)) {
        open = true;
        continue;
      }
      const key = ts.isIdentifier(p.name) ? p.name.text : undefined;
      if (key === undefined) continue;
      const init = p.initializer;
      if (!init) shape[key] = { lit: true, start: p.getStart(this.sf), end: p.getEnd() };
      else if (ts.isStringLiteral(init)) shape[key] = { lit: init.text, start: init.getStart(this.sf), end: init.getEnd() };
      else if (ts.isJsxExpression(init) && init.expression && !init.dotDotDotToken) shape[key] = this.arg(init.expression, 1);
    }
    return { obj: shape, ...(open ? { open: true } : {}), start: n.attributes.getStart(this.sf), end: n.attributes.getEnd() };
  }

  private arg(a: ts.Expression, depth: number): Arg {
    const start = a.getStart(this.sf);
    const end = a.getEnd();
    if (ts.isSpreadElement(a)) return { spread: true, start, end };
    const u = unwrap(a);
    if (ts.isStringLiteralLike(u)) return { lit: u.text, start, end };
    if (ts.isNumericLiteral(u)) return { lit: Number(u.text), start, end };
    if (u.kind === ts.SyntaxKind.TrueKeyword) return { lit: true, start, end };
    if (u.kind === ts.SyntaxKind.FalseKeyword) return { lit: false, start, end };
    if (isNullish(u)) return { lit: null, start, end };
    if (ts.isArrowFunction(u) || ts.isFunctionExpression(u)) return { fn: true, v: this.val(u), start, end };
    if (ts.isArrayLiteralExpression(u) && depth < MAX_ARG_DEPTH) return { arr: u.elements.map((x) => this.arg(x, depth + 1)), start, end };
    const obj = depth < MAX_ARG_DEPTH ? this.objectLiteralOf(u) : undefined;
    if (obj) {
      const shape: Record<string, Arg> = {};
      let open = false;
      for (const p of obj.properties) {
        if (ts.isPropertyAssignment(p)) {
          const k = propName(p.name);
          if (k === undefined) open = true;
          else {
            const a = (shape[k] = this.arg(p.initializer, depth + 1));
            if (a.fn && this.fnOptionKeys.has(k)) {
              const f = unwrap(p.initializer);
              if (ts.isArrowFunction(f) || ts.isFunctionExpression(f)) a.fnBody = fnBodyInfo(f);
            }
          }
        } else if (ts.isShorthandPropertyAssignment(p)) shape[p.name.text] = this.arg(p.name, depth + 1);
        else if (ts.isMethodDeclaration(p) || ts.isGetAccessorDeclaration(p)) {
          const k = propName(p.name);
          if (k !== undefined) {
            shape[k] = { fn: true, start: p.getStart(this.sf), end: p.end };
            if (ts.isMethodDeclaration(p) && this.fnOptionKeys.has(k)) shape[k]!.fnBody = fnBodyInfo(p);
          } else open = true;
        } else if (ts.isSpreadAssignment(p)) {
          const inner = this.arg(p.expression, depth + 1);
          if (inner.obj) {
            Object.assign(shape, inner.obj);
            open ||= !!inner.open;
          } else {
            // `...(cond && { a })`, `...(cond ? { a } : { b })`: each key may or may not be there.
            const maybe = this.conditionalKeys(p.expression, depth + 1);
            if (maybe) {
              for (const [k, a] of Object.entries(maybe.keys)) if (!(k in shape)) shape[k] = { ...a, maybe: true };
              open ||= maybe.open;
            } else open = true;
          }
        } else open = true;
      }
      const direct = obj === u;
      const last = obj.properties[obj.properties.length - 1];
      return {
        obj: shape,
        open: open || undefined,
        start,
        end,
        insertAt: direct ? (last ? last.end : obj.getStart(this.sf) + 1) : undefined,
        trailingComma: direct ? obj.properties.hasTrailingComma || undefined : undefined,
        v: undefined,
      };
    }
    if (ts.isIdentifier(u)) {
      const d = this.scopes.lookup(u.text, u.getStart(this.sf));
      if (d?.k === 'fn') return { fn: true, v: this.val(u), start, end };
      // A variable or parameter whose declared type lists its keys (`settings: CallSettings`,
      // `opts: { temperature?: number }`): only those keys can be there, each maybe.
      const annotation = d && (d.k === 'var' || d.k === 'param') && d.path.length === 0 ? d.type : undefined;
      const keys = annotation ? this.declaredKeys(annotation) : undefined;
      if (keys) {
        const obj: Record<string, Arg> = {};
        for (const k of keys) obj[k] = { maybe: true, start, end };
        return { obj, v: this.val(u), start, end };
      }
    }
    // A string built from parts (a URL handed to a function that sends it); `a ?? b` may be either.
    const either = ts.isBinaryExpression(u) && (u.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || u.operatorToken.kind === ts.SyntaxKind.BarBarToken);
    const str = either ? this.str(u) : !ts.isStringLiteralLike(u) && (ts.isTemplateExpression(u) || ts.isBinaryExpression(u) || ts.isIdentifier(u) || ts.isNewExpression(u) || ts.isPropertyAccessExpression(u)) ? this.strIfStringish(u) : undefined;
    // The object a resolver of this file returns (`send(resolveRoute(config))`): the strings of its fields.
    const fields = ts.isIdentifier(u) || ts.isCallExpression(u) ? this.returnedFields(u) : undefined;
    return { v: this.val(u), ...(str ? { s: str } : {}), ...(fields ? { fields } : {}), start, end };
  }

  /** The strings the fields of the objects a function of this file returns hold (see `Arg.fields`). */
  private returnedFields(e: ts.Expression): Record<string, AVal> | undefined {
    const strings = this.stringsOf();
    const keys = strings.returnedKeys(e);
    if (!keys) return undefined;
    let out: Record<string, AVal> | undefined;
    for (const key of keys) {
      const parts = strings.returnedField(e, key, 0);
      if (!parts || !parts.some((p) => typeof p !== 'object' || !('unknown' in p))) continue;
      (out ??= {})[key] = { k: 'str', parts };
    }
    return out;
  }

  /** The keys of a conditional object (`c && { a }`, `c ? { a } : { b }`, `c || {}`), or undefined. */
  private conditionalKeys(e: ts.Expression, depth: number): { keys: Record<string, Arg>; open: boolean } | undefined {
    const u = unwrap(e);
    const branches: ts.Expression[] = [];
    if (ts.isBinaryExpression(u) && (u.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken)) branches.push(u.right);
    else if (ts.isBinaryExpression(u) && (u.operatorToken.kind === ts.SyntaxKind.BarBarToken || u.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) branches.push(u.left, u.right);
    else if (ts.isConditionalExpression(u)) branches.push(u.whenTrue, u.whenFalse);
    else return undefined;
    const keys: Record<string, Arg> = {};
    let open = false;
    for (const b of branches) {
      const a = this.arg(b, depth);
      if (a.obj) {
        for (const [k, v] of Object.entries(a.obj)) keys[k] ??= v;
        open ||= !!a.open;
      } else if (a.lit === undefined) {
        const inner = depth < MAX_ARG_DEPTH ? this.conditionalKeys(b, depth + 1) : undefined;
        if (!inner) open = true;
        else {
          for (const [k, v] of Object.entries(inner.keys)) keys[k] ??= v;
          open ||= inner.open;
        }
      }
    }
    return { keys, open };
  }

  /**
   * The keys a declared type allows, when it says so exactly: a type literal, an interface or type alias
   * of this file without index signatures or heritage, or a type the catalog knows carries no tracing option
   * (`CallSettings` of the AI SDK: empty list). Undefined when the type does not tell.
   */
  private declaredKeys(t: ts.TypeNode, depth = 0): string[] | undefined {
    if (depth > 4) return undefined;
    if (ts.isParenthesizedTypeNode(t)) return this.declaredKeys(t.type, depth + 1);
    if (ts.isTypeLiteralNode(t)) return membersKeys(t.members);
    if (ts.isIntersectionTypeNode(t)) {
      const all: string[] = [];
      for (const part of t.types) {
        const k = this.declaredKeys(part, depth + 1);
        if (!k) return undefined;
        all.push(...k);
      }
      return all;
    }
    if (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName) && !t.typeArguments) {
      const name = t.typeName.text;
      for (const st of this.sf.statements) {
        if (ts.isInterfaceDeclaration(st) && st.name.text === name) return st.heritageClauses?.length ? undefined : membersKeys(st.members);
        if (ts.isTypeAliasDeclaration(st) && st.name.text === name) return this.declaredKeys(st.type, depth + 1);
      }
      const d = this.scopes.lookup(name, t.getStart(this.sf));
      if (d?.k === 'import' && !this.moduleFile(d.module) && this.catalog.optionFreeType(d.module, d.export)) return [];
    }
    return undefined;
  }
}

/** The name of a `typeof` type query (`typeof fetch`), as an expression to resolve; qualified names are not followed. */
function entityExpression(n: ts.EntityName): ts.Expression | undefined {
  return ts.isIdentifier(n) ? n : undefined;
}

/** Whether string parts read a parameter of function `fnId` (through alternatives too). */
function paramPart(parts: StrPart[], fnId: string): boolean {
  return parts.some((p) => typeof p === 'object' && (('v' in p && p.v.k === 'param' && p.v.fn === fnId) || ('alt' in p && p.alt.some((b) => paramPart(b, fnId)))));
}
