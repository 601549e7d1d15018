/**
 * The control-flow model: a small abstract interpretation of the statements of one scope (a function
 * body, a callback, a block), tracking a set of path states along every path: branches, switch cases,
 * loops (to a fixed point), try/catch/finally, labelled jumps, and where control leaves the scope other
 * than by completing (returns, throws, rejected awaits, breaks and continues).
 *
 * The states are the client's: bits of a mask, each an independent path state (a resource not acquired
 * yet, held, released; a status set or not), changed by the client's `transfer` at the nodes it cares
 * about. Exceptions come from `throw`, from `await` of a promise that may reject, and from calls the
 * client says may throw (a project function whose summary throws); other calls are assumed not to throw,
 * which keeps findings to the paths a reader sees.
 */

import ts = require('typescript');
import { isFunctionLike, unwrapTypes } from './ast.js';

export type Mask = number;

export type ExitKind = 'return' | 'throw' | 'await' | 'call' | 'break' | 'continue';

/** Where control leaves a statement other than by completing normally, with the states it can leave in. */
export class Exits {
  readonly returns = new Map<ts.Node, Mask>();
  readonly throws = new Map<ts.Node, { mask: Mask; kind: 'throw' | 'await' | 'call' }>();
  readonly jumps = new Map<ts.Node, { mask: Mask; kind: 'break' | 'continue'; label?: string }>();

  addReturn(node: ts.Node, mask: Mask): void {
    if (mask) this.returns.set(node, (this.returns.get(node) ?? 0) | mask);
  }
  addThrow(node: ts.Node, mask: Mask, kind: 'throw' | 'await' | 'call'): void {
    if (mask) this.throws.set(node, { mask: (this.throws.get(node)?.mask ?? 0) | mask, kind });
  }
  addJump(node: ts.Node, mask: Mask, kind: 'break' | 'continue', label?: string): void {
    if (mask) this.jumps.set(node, { mask: (this.jumps.get(node)?.mask ?? 0) | mask, kind, label });
  }
  /** Forward every exit to `to`, with its mask mapped through `f` (a `finally` block). */
  forward(to: Exits, f: (m: Mask) => Mask = (m) => m, withThrows = true): void {
    for (const [n, m] of this.returns) to.addReturn(n, f(m));
    if (withThrows) for (const [n, t] of this.throws) to.addThrow(n, f(t.mask), t.kind);
    for (const [n, j] of this.jumps) to.addJump(n, f(j.mask), j.kind, j.label);
  }
  throwMask(): Mask {
    let m = 0;
    for (const t of this.throws.values()) m |= t.mask;
    return m;
  }
  /** Remove and return the states of the breaks or continues that target a statement with `labels`. */
  take(kind: 'break' | 'continue', labels: string[], unlabeled: boolean): Mask {
    let m = 0;
    for (const [n, j] of this.jumps) {
      if (j.kind !== kind) continue;
      if (j.label === undefined ? unlabeled : labels.includes(j.label)) {
        m |= j.mask;
        this.jumps.delete(n);
      }
    }
    return m;
  }
}

export interface FlowClient {
  /** The states after a node, given those before it (called after the node's children; for closures, at their creation). */
  transfer(node: ts.Node, m: Mask): Mask;
  /**
   * The identifiers that read the tracked value: an object is truthy, so `if (span)`, `span && span.end()`
   * and `if (!span) return` are decided.
   */
  refs?: ReadonlySet<ts.Node>;
  /** States in which any statement may throw, harmlessly (a catch clause may be entered in them). */
  quiet?: Mask;
  /** Whether a call may throw synchronously (a project function whose summary says it throws). */
  callThrows?(call: ts.CallExpression | ts.NewExpression): boolean;
  /** Whether an awaited expression may reject, when the client knows better than `mayReject` (undefined: it does not). */
  mayReject?(e: ts.Expression): boolean | undefined;
  /** Called with the states a catch clause is entered in, and those its try block was entered in. */
  atCatch?(clause: ts.CatchClause, m: Mask, before: Mask): void;
  /** The states an exception carries when it is raised in states `m` (default: the same). */
  thrown?(m: Mask): Mask;
  /** The states a catch clause starts in, from those of the exceptions it catches (default: the same). */
  caught?(m: Mask): Mask;
}

export interface FlowResult {
  exits: Exits;
  /** The states when the scope completes normally (falls off its end). */
  fall: Mask;
  /** The node whose end is where control falls off. */
  endNode: ts.Node;
}

export class Flow {
  private readonly thrown: (m: Mask) => Mask;

  constructor(private readonly client: FlowClient) {
    this.thrown = client.thrown ? (m) => client.thrown!(m) : (m) => m;
  }

  /** Run over a scope: a function's body (or expression body), a block, a module. Undefined for other nodes. */
  run(scope: ts.Node, initial: Mask): FlowResult | undefined {
    const x = new Exits();
    if (isFunctionLike(scope)) {
      const body = scope.body;
      if (!body) return undefined;
      if (ts.isBlock(body)) return { exits: x, fall: this.list(body.statements, initial, x), endNode: body };
      x.addReturn(body, this.expr(body, initial, x));
      return { exits: x, fall: 0, endNode: body };
    }
    if (ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope)) return { exits: x, fall: this.list(scope.statements, initial, x), endNode: scope };
    return undefined;
  }

  /** `ref` (true), `!ref` (false), or anything else (undefined), for a condition on the tracked variable. */
  private truthOf(e: ts.Expression): boolean | undefined {
    const u = unwrapTypes(e);
    if (this.client.refs?.has(u)) return true;
    if (ts.isPrefixUnaryExpression(u) && u.operator === ts.SyntaxKind.ExclamationToken) {
      const t = this.truthOf(u.operand);
      return t === undefined ? undefined : !t;
    }
    return undefined;
  }

  expr(n: ts.Node | undefined, m: Mask, x: Exits): Mask {
    if (!n || m === 0) return m;
    if (isFunctionLike(n) || ts.isClassLike(n)) return this.client.transfer(n, m);
    if (ts.isConditionalExpression(n)) {
      const c = this.expr(n.condition, m, x);
      return this.expr(n.whenTrue, c, x) | this.expr(n.whenFalse, c, x);
    }
    if (ts.isBinaryExpression(n)) {
      const op = n.operatorToken.kind;
      if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.AmpersandAmpersandEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken || op === ts.SyntaxKind.QuestionQuestionEqualsToken) {
        const l = this.expr(n.left, m, x);
        const t = op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken ? this.truthOf(n.left) : undefined;
        if (t !== undefined) return (op === ts.SyntaxKind.AmpersandAmpersandToken) === t ? this.expr(n.right, l, x) : l;
        return l | this.expr(n.right, l, x);
      }
    }
    if (ts.isAwaitExpression(n)) {
      const after = this.expr(n.expression, m, x);
      if (this.client.mayReject?.(n.expression) ?? mayReject(n.expression)) x.addThrow(n, this.thrown(after), 'await');
      return this.client.transfer(n, after);
    }
    let cur = m;
    ts.forEachChild(n, (c) => {
      cur = this.expr(c, cur, x);
    });
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && this.client.callThrows?.(n)) x.addThrow(n, this.thrown(cur), 'call');
    return this.client.transfer(n, cur);
  }

  list(statements: readonly ts.Statement[], m: Mask, x: Exits): Mask {
    let cur = m;
    for (const s of statements) cur = this.stmt(s, cur, x, []);
    return cur;
  }

  stmt(s: ts.Statement, m: Mask, x: Exits, labels: string[]): Mask {
    if (m === 0) return 0;
    if (ts.isBlock(s)) return this.list(s.statements, m, x);
    if (ts.isExpressionStatement(s)) return this.expr(s.expression, m, x);
    if (ts.isVariableStatement(s)) {
      let cur = m;
      for (const d of s.declarationList.declarations) cur = this.expr(d.initializer, cur, x);
      if ((s.declarationList.flags & ts.NodeFlags.AwaitUsing) === ts.NodeFlags.AwaitUsing) x.addThrow(s, this.thrown(cur), 'await');
      return cur;
    }
    if (ts.isIfStatement(s)) {
      const c = this.expr(s.expression, m, x);
      const t = this.truthOf(s.expression);
      const then = t === false ? 0 : this.stmt(s.thenStatement, c, x, []);
      const other = t === true ? 0 : s.elseStatement ? this.stmt(s.elseStatement, c, x, []) : c;
      return then | other;
    }
    if (ts.isReturnStatement(s)) {
      x.addReturn(s, this.expr(s.expression, m, x));
      return 0;
    }
    if (ts.isThrowStatement(s)) {
      x.addThrow(s, this.thrown(this.expr(s.expression, m, x)), 'throw');
      return 0;
    }
    if (ts.isBreakStatement(s) || ts.isContinueStatement(s)) {
      x.addJump(s, m, ts.isBreakStatement(s) ? 'break' : 'continue', s.label?.text);
      return 0;
    }
    if (ts.isLabeledStatement(s)) {
      const sub = new Exits();
      const all = [...labels, s.label.text];
      const r = this.stmt(s.statement, m, sub, all);
      const out = r | sub.take('break', [s.label.text], false);
      sub.forward(x);
      return out;
    }
    if (ts.isTryStatement(s)) return this.tryStmt(s, m, x);
    if (ts.isSwitchStatement(s)) return this.switchStmt(s, m, x, labels);
    if (ts.isWhileStatement(s) || ts.isDoStatement(s) || ts.isForStatement(s) || ts.isForOfStatement(s) || ts.isForInStatement(s)) return this.loop(s, m, x, labels);
    if (ts.isFunctionDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isImportDeclaration(s) || ts.isEmptyStatement(s) || ts.isDebuggerStatement(s)) return m;
    if (ts.isClassDeclaration(s)) return this.client.transfer(s, m);
    // Anything else (exports, `with`, enums): evaluate what it contains.
    let cur = m;
    ts.forEachChild(s, (c) => {
      cur = ts.isStatement(c) ? this.stmt(c, cur, x, []) : this.expr(c, cur, x);
    });
    return cur;
  }

  private tryStmt(s: ts.TryStatement, m: Mask, x: Exits): Mask {
    const subB = new Exits();
    let normal = this.stmt(s.tryBlock, m, subB, []);
    const pending = new Exits();
    if (s.catchClause) {
      // Entered with the states of the throws, awaits and throwing calls in the block (and in the quiet
      // states, where any statement may throw: harmless, and it lets what the catch does there count).
      const thrown = subB.throwMask();
      const entry = (this.client.caught ? this.client.caught(thrown) : thrown) | (m & (this.client.quiet ?? 0));
      this.client.atCatch?.(s.catchClause, entry, m);
      normal |= this.stmt(s.catchClause.block, entry, pending, []);
      subB.forward(pending, undefined, false);
    } else subB.forward(pending);
    if (!s.finallyBlock) {
      pending.forward(x);
      return normal;
    }
    // The finally block runs on every way out: map each exit's states through it, one state at a time.
    const per = new Map<number, { out: Mask; exits: Exits }>();
    const through = (mask: Mask): Mask => {
      let out = 0;
      for (let bit = 1; bit <= mask; bit <<= 1) {
        if (!(mask & bit)) continue;
        let r = per.get(bit);
        if (!r) {
          const exits = new Exits();
          r = { out: this.stmt(s.finallyBlock!, bit, exits, []), exits };
          per.set(bit, r);
        }
        out |= r.out;
      }
      return out;
    };
    pending.forward(x, through);
    const out = through(normal);
    for (const r of per.values()) r.exits.forward(x);
    return out;
  }

  private switchStmt(s: ts.SwitchStatement, m: Mask, x: Exits, labels: string[]): Mask {
    const d = this.expr(s.expression, m, x);
    const sub = new Exits();
    let prev = 0;
    let hasDefault = false;
    for (const clause of s.caseBlock.clauses) {
      if (ts.isDefaultClause(clause)) hasDefault = true;
      prev = this.list(clause.statements, d | prev, sub);
    }
    const out = prev | (hasDefault ? 0 : d) | sub.take('break', labels, true);
    sub.forward(x);
    return out;
  }

  private loop(s: ts.IterationStatement, m: Mask, x: Exits, labels: string[]): Mask {
    const sub = new Exits();
    let entry = m;
    if (ts.isForStatement(s) && s.initializer) {
      if (ts.isVariableDeclarationList(s.initializer)) for (const d of s.initializer.declarations) entry = this.expr(d.initializer, entry, sub);
      else entry = this.expr(s.initializer, entry, sub);
    }
    if (ts.isForOfStatement(s) || ts.isForInStatement(s)) entry = this.expr(s.expression, entry, sub);
    const cond = ts.isWhileStatement(s) || ts.isDoStatement(s) ? s.expression : ts.isForStatement(s) ? s.condition : undefined;
    const infinite = (ts.isWhileStatement(s) || ts.isDoStatement(s) || ts.isForStatement(s)) && (!cond || cond.kind === ts.SyntaxKind.TrueKeyword);
    let exit = 0;
    let iter = entry;
    for (let i = 0; i < 6; i++) {
      const it = new Exits();
      let bodyIn = iter;
      if (ts.isWhileStatement(s) || ts.isForStatement(s)) {
        bodyIn = this.expr(cond, iter, it);
        if (!infinite) exit |= bodyIn;
      } else if (ts.isForOfStatement(s) || ts.isForInStatement(s)) {
        if (ts.isForOfStatement(s) && s.awaitModifier) it.addThrow(s, this.thrown(iter), 'await');
        exit |= iter;
      }
      let after = this.stmt(s.statement, bodyIn, it, []);
      after |= it.take('continue', labels, true);
      if (ts.isDoStatement(s)) {
        after = this.expr(cond, after, it);
        if (!infinite) exit |= after;
      } else if (ts.isForStatement(s) && s.incrementor) after = this.expr(s.incrementor, after, it);
      it.forward(sub);
      if ((iter | after) === iter) break;
      iter |= after;
    }
    exit |= sub.take('break', labels, true);
    sub.forward(x);
    return exit;
  }
}

/**
 * Whether an awaited expression may reject. `p.catch((e) => fallback)` and `p.then(ok, (e) => fallback)`
 * do not, unless the handler throws (or rejects) again; `p.finally(f)` rejects when `p` does (or `f`
 * throws).
 */
export function mayReject(e0: ts.Expression): boolean {
  const e = unwrapTypes(e0);
  if (!ts.isCallExpression(e)) return true;
  const callee = unwrapTypes(e.expression);
  if (!ts.isPropertyAccessExpression(callee)) return true;
  const m = callee.name.text;
  if (m === 'finally' && e.arguments.length === 1) return mayReject(callee.expression) || handlerThrows(e.arguments[0]!);
  const handler = m === 'catch' && e.arguments.length === 1 ? e.arguments[0] : m === 'then' && e.arguments.length === 2 ? e.arguments[1] : undefined;
  if (!handler) return true;
  return handlerThrows(handler);
}

/** Whether a promise handler may throw or reject (a handler that is not a function literal may). */
function handlerThrows(h0: ts.Expression): boolean {
  const h = unwrapTypes(h0);
  if (!ts.isArrowFunction(h) && !ts.isFunctionExpression(h)) return true;
  let throws = false;
  const visit = (n: ts.Node): void => {
    if (throws || (n !== h && (isFunctionLike(n) || ts.isClassLike(n)))) return;
    if (ts.isThrowStatement(n) || ts.isAwaitExpression(n)) throws = true;
    else if (ts.isCallExpression(n)) {
      const c = unwrapTypes(n.expression);
      if ((ts.isIdentifier(c) && c.text === 'reject') || (ts.isPropertyAccessExpression(c) && c.name.text === 'reject')) throws = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(h);
  return throws;
}
