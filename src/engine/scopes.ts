/**
 * The scope table of one file: every name a declaration binds, with the source range where it is
 * visible (its function for `var` and parameters, its block for `let`/`const`/classes, the catch clause
 * for a catch binding, the file for imports), filled by the engine's walk (facts.ts). Value resolution,
 * the summaries and the rules all look names up here; nothing else keeps a binding table.
 *
 * Values and types live in separate tables (`type Foo` and `const Foo` do not shadow each other);
 * enums, classes and imports are in the value table and also answer type lookups.
 */

import ts = require('typescript');
import { type FnNode, unwrap } from './ast.js';

export interface Scope {
  start: number;
  end: number;
}

interface BindingBase {
  name: string;
  /** Where the name is visible. */
  scope: Scope;
  /** Start of the declaring identifier. */
  pos: number;
}

export type Binding = BindingBase &
  (
    | { k: 'import'; module: string; export: string; typeOnly?: boolean }
    | {
        k: 'var';
        /** The declaration, or the binding element of a destructuring. */
        node: ts.VariableDeclaration | ts.BindingElement;
        /** The whole declaration's initializer (`path` leads from it to this name's value). */
        init?: ts.Expression;
        /** Member path of a destructuring: `const { a: { b } } = x` binds `b` at `['a', 'b']` of `x`. */
        path: string[];
        /** A destructuring default (`{ a = 1 }`): the value when the member is undefined. */
        dflt?: ts.Expression;
        /** Declared type (only for a name bound directly, not inside a pattern). */
        type?: ts.TypeNode;
        isConst: boolean;
        /** A rest element or an array element: the value is not `path` of `init`. */
        opaque?: boolean;
        /** An element (not a rest) of the declaration's own array pattern (`const [model] = models`): one element of `init`. */
        element?: true;
        /**
         * The second name of a `[key, value]` pattern over what a loop iterates (`for (const [i, c] of
         * clients.entries())`, `Object.entries(byRegion)`): `init` is the iterated expression.
         */
        pairValue?: true;
      }
    | {
        k: 'param';
        fn: FnNode;
        index: number;
        /** Member path when the parameter is destructured. */
        path: string[];
        type?: ts.TypeNode;
        /** A destructured parameter's declared type (`{ oc }: { oc: Ctx }`): `path` leads from it. */
        patternType?: ts.TypeNode;
        /** The first parameter of a `.catch(...)` callback: a rejection reason. */
        error: boolean;
        opaque?: boolean;
        /** Its default (`fetchImpl = fetch`, `{ fetch: f = fetch }`): the value when a call leaves it out. */
        dflt?: ts.Expression;
      }
    | { k: 'fn'; node: FnNode }
    | { k: 'class'; node: ts.ClassLikeDeclaration }
    | { k: 'enum'; node: ts.EnumDeclaration }
    | { k: 'type'; node: ts.TypeAliasDeclaration | ts.InterfaceDeclaration }
    | { k: 'catch'; node: ts.CatchClause }
  );

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A binding without its name and scope: what a declaration says about the name. */
export type BindingData = DistributiveOmit<Binding, 'name' | 'scope' | 'pos'>;

export interface Assignment {
  /** Start of the assigned identifier. */
  pos: number;
  value: ts.Expression;
  /** `=`, `??=`, `||=`, or a compound operator (`+=`: the value is then not the assigned expression alone). */
  op: ts.SyntaxKind;
}

class Table {
  readonly byName = new Map<string, Binding[]>();
  /** Per name with many declarations: the declarations sorted by scope (outer first), each with its enclosing one. */
  private readonly index = new Map<string, { size: number; sorted: Binding[]; parent: Int32Array; first: Int32Array }>();

  /**
   * Per name, the start and end of each declaration's scope, in the order of `byName`'s list: the scan of
   * `lookup` reads numbers from one array instead of a field of bindings of a dozen shapes (which kept the
   * optimiser compiling and discarding it).
   */
  private readonly ranges = new Map<string, number[]>();

  add(b: Binding): void {
    const list = this.byName.get(b.name);
    if (list) {
      list.push(b);
      this.ranges.get(b.name)!.push(b.scope.start, b.scope.end);
    } else {
      this.byName.set(b.name, [b]);
      this.ranges.set(b.name, [b.scope.start, b.scope.end]);
    }
  }

  /** The binding `name` denotes at `pos`: the innermost scope wins; of equal scopes, the first declared. */
  lookup(name: string, pos: number): Binding | undefined {
    const list = this.byName.get(name);
    if (!list) return undefined;
    if (list.length > 16) return this.lookupIndexed(name, list, pos);
    const r = this.ranges.get(name)!;
    let best = -1;
    let bestSize = Infinity;
    for (let i = 0; i < list.length; i++) {
      const start = r[2 * i]!;
      const end = r[2 * i + 1]!;
      if (start <= pos && pos < end && end - start < bestSize) {
        best = i;
        bestSize = end - start;
      }
    }
    return best < 0 ? undefined : list[best];
  }

  /**
   * `lookup` for names declared in many scopes (a minified bundle's `a`, `b`, `e` in every function):
   * logarithmic instead of a scan of every declaration. Scopes are AST node ranges, so they nest or are
   * disjoint: the innermost scope holding `pos` encloses the last scope starting at or before `pos`.
   * Same answer as the scan: the smallest range, and of equal ranges the first declared.
   */
  private lookupIndexed(name: string, list: Binding[], pos: number): Binding | undefined {
    let idx = this.index.get(name);
    if (!idx || idx.size !== list.length) {
      // Stable sort: equal ranges keep their declaration order.
      const sorted = [...list].sort((a, b) => a.scope.start - b.scope.start || b.scope.end - a.scope.end);
      const parent = new Int32Array(sorted.length);
      // The first declared of the declarations with the same range as this one.
      const first = new Int32Array(sorted.length);
      const stack: number[] = [];
      sorted.forEach((d, i) => {
        while (stack.length && !(sorted[stack[stack.length - 1]!]!.scope.end >= d.scope.end)) stack.pop();
        const p = stack.length ? stack[stack.length - 1]! : -1;
        parent[i] = p;
        first[i] = p >= 0 && sorted[p]!.scope.start === d.scope.start && sorted[p]!.scope.end === d.scope.end ? first[p]! : i;
        stack.push(i);
      });
      idx = { size: list.length, sorted, parent, first };
      this.index.set(name, idx);
    }
    const { sorted, parent, first } = idx;
    let lo = 0;
    let hi = sorted.length - 1;
    let k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.scope.start <= pos) {
        k = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // Up the enclosing scopes (past every same-range declaration at once) to one that holds `pos`.
    while (k >= 0 && !(pos < sorted[k]!.scope.end)) k = parent[first[k]!]!;
    return k < 0 ? undefined : sorted[first[k]!];
  }
}

export class Scopes {
  private readonly values = new Table();
  private readonly types = new Table();
  private readonly assigns = new Map<string, Assignment[]>();

  constructor(readonly sf: ts.SourceFile) {}

  add(b: Binding): void {
    (b.k === 'type' ? this.types : this.values).add(b);
  }

  /** Every value binding, in declaration order per name. */
  *allBindings(): IterableIterator<Binding> {
    for (const list of this.values.byName.values()) yield* list;
  }

  addAssignment(name: string, a: Assignment): void {
    (this.assigns.get(name) ?? this.assigns.set(name, []).get(name)!).push(a);
  }

  /** The value binding `name` denotes at `pos` (undefined: a global, or a name the file never declares). */
  lookup(name: string, pos: number): Binding | undefined {
    return this.values.lookup(name, pos);
  }

  /** The binding an identifier refers to. */
  bindingOf(id: ts.Identifier): Binding | undefined {
    return this.values.lookup(id.text, id.getStart(this.sf));
  }

  /** What a type name denotes at `pos`: a type alias or interface, or an enum, class or import of that name. */
  lookupType(name: string, pos: number): Binding | undefined {
    const t = this.types.lookup(name, pos);
    const v = this.values.lookup(name, pos);
    const usable = v && (v.k === 'enum' || v.k === 'class' || v.k === 'import') ? v : undefined;
    if (!t) return usable;
    if (!usable) return t;
    return usable.scope.end - usable.scope.start < t.scope.end - t.scope.start ? usable : t;
  }

  /** Assignments (`x = ...`, `x += ...`, `x ??= ...`) that target binding `b`. */
  assignmentsOf(b: Binding): Assignment[] {
    return (this.assigns.get(b.name) ?? []).filter((a) => this.lookup(b.name, a.pos) === b);
  }

  /** Every assignment to a name, whatever it binds (the resolver filters by scope). */
  assignmentsNamed(name: string): readonly Assignment[] {
    return this.assigns.get(name) ?? [];
  }

  /** The function a name denotes at `pos`: a function declaration, or a `const` bound to a function expression. */
  functionAt(name: string, pos: number): FnNode | undefined {
    const b = this.lookup(name, pos);
    if (b?.k === 'fn') return b.node;
    if (b?.k === 'var' && b.isConst && b.init && b.path.length === 0) {
      const init = unwrap(b.init);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
    }
    return undefined;
  }
}

/**
 * The module and export a binding imports: `import x from 'm'` (`default`), `import * as ns from 'm'`
 * (`*`), and the CommonJS forms `const x = require('m')` (`*`) and `const { a } = require('m')` (`a`).
 */
export function importOf(b: Binding | undefined): { module: string; export: string } | undefined {
  if (!b) return undefined;
  if (b.k === 'import') return { module: b.module, export: b.export };
  if (b.k === 'var' && b.init && !b.opaque && b.path.length <= 1) {
    const init = unwrap(b.init);
    if (ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require' && init.arguments.length === 1) {
      const a = init.arguments[0]!;
      if (ts.isStringLiteralLike(a)) return { module: a.text, export: b.path[0] ?? '*' };
    }
  }
  return undefined;
}
