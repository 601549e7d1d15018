import ts = require('typescript');
import { z } from 'zod';
import { defineRule } from '../src/engine/rule.js';
import type { Fix } from '../src/engine/types.js';
import { eolOf } from '../src/engine/edits.js';
import { rangeOf } from '../src/engine/analyze-file.js';
import { type FileSpans, fileSpans, indentOfLine, indentUnit, isFunctionLike, type SpanInfo, spanCandidateCollector, spanStartNames, startsSpans, unwrapExpr } from './support/spans.js';

const options = z.object({}).strict();
type Options = z.infer<typeof options>;

// Path states, as bits of a mask: before the span starts, while it is open, after it is ended or handed on.
const PRE = 1;
const OPEN = 2;
const CLOSED = 4;
type Mask = number;

type ExitKind = 'return' | 'throw' | 'await' | 'break' | 'continue';

/** Where control leaves a statement other than by completing normally, with the states it can leave in. */
class Exits {
  readonly returns = new Map<ts.Node, Mask>();
  readonly throws = new Map<ts.Node, { mask: Mask; kind: 'throw' | 'await' }>();
  readonly jumps = new Map<ts.Node, { mask: Mask; kind: 'break' | 'continue'; label?: string }>();

  addReturn(node: ts.Node, mask: Mask): void {
    if (mask) this.returns.set(node, (this.returns.get(node) ?? 0) | mask);
  }
  addThrow(node: ts.Node, mask: Mask, kind: 'throw' | 'await'): void {
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

type Event = 'start' | 'end' | 'escape';

/**
 * A small abstract interpretation of the statements of one scope, tracking whether the span is not
 * started yet, open, or ended/handed on, along every path: branches, switch cases, loops (to a fixed
 * point), try/catch/finally, labelled jumps. Exceptions come from `throw` and from `await` (a promise
 * that may reject); other calls are assumed not to throw, which keeps reports to paths a reader sees.
 */
class SpanFlow {
  /** Starts executed while an earlier span of the same variable was still open. */
  readonly overwrites = new Set<ts.Node>();

  /**
   * @param events what happens to the span at a node (start, end, hand-over)
   * @param refs the identifiers that read the span's variable: a span is an object, so `if (span)`,
   *   `span && span.end()` and `if (!span) return` are decided
   */
  constructor(
    private readonly events: Map<ts.Node, Event>,
    private readonly refs: Set<ts.Node>,
  ) {}

  /** `span` (true), `!span` (false), or anything else (undefined), for a condition on the span's variable. */
  private truthOf(e: ts.Expression): boolean | undefined {
    const u = unwrapExpr(e);
    if (this.refs.has(u)) return true;
    if (ts.isPrefixUnaryExpression(u) && u.operator === ts.SyntaxKind.ExclamationToken) {
      const t = this.truthOf(u.operand);
      return t === undefined ? undefined : !t;
    }
    return undefined;
  }

  private apply(n: ts.Node, m: Mask): Mask {
    const ev = this.events.get(n);
    if (!ev) return m;
    if (ev === 'start') {
      if (m & OPEN) this.overwrites.add(n);
      return m & (PRE | CLOSED | OPEN) ? OPEN : m;
    }
    // `end` and hand-overs close the open paths.
    return m & OPEN ? (m & ~OPEN) | CLOSED : m;
  }

  expr(n: ts.Node | undefined, m: Mask, x: Exits): Mask {
    if (!n || m === 0) return m;
    if (isFunctionLike(n) || ts.isClassLike(n)) return this.apply(n, m);
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
      if (mayReject(n.expression)) x.addThrow(n, after, 'await');
      return this.apply(n, after);
    }
    let cur = m;
    ts.forEachChild(n, (c) => {
      cur = this.expr(c, cur, x);
    });
    return this.apply(n, cur);
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
      if ((s.declarationList.flags & ts.NodeFlags.AwaitUsing) === ts.NodeFlags.AwaitUsing) x.addThrow(s, cur, 'await');
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
      x.addThrow(s, this.expr(s.expression, m, x), 'throw');
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
    if (ts.isClassDeclaration(s)) return this.apply(s, m);
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
      // Entered with the states of the throws and awaits in the block (and in the states before the span
      // starts or after it ended, where any call may throw: harmless, and it lets a start in the catch count).
      const entry = subB.throwMask() | (m & (PRE | CLOSED));
      normal |= this.stmt(s.catchClause.block, entry, pending, []);
      subB.forward(pending, undefined, false);
    } else subB.forward(pending);
    if (!s.finallyBlock) {
      pending.forward(x);
      return normal;
    }
    // The finally block runs on every way out: map each exit's states through it.
    const per = new Map<number, { out: Mask; exits: Exits }>();
    const through = (mask: Mask): Mask => {
      let out = 0;
      for (const bit of [PRE, OPEN, CLOSED]) {
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
        if (ts.isForOfStatement(s) && s.awaitModifier) it.addThrow(s, iter, 'await');
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
 * Whether an awaited expression may reject. `p.catch((e) => fallback)` does not, unless its handler
 * throws (or rejects) again.
 */
function mayReject(e0: ts.Expression): boolean {
  const e = unwrapExpr(e0);
  if (!ts.isCallExpression(e)) return true;
  const callee = unwrapExpr(e.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'catch' || e.arguments.length !== 1) return true;
  const h = unwrapExpr(e.arguments[0]!);
  if (!ts.isArrowFunction(h) && !ts.isFunctionExpression(h)) return true;
  let throws = false;
  const visit = (n: ts.Node): void => {
    if (throws || (n !== h && (isFunctionLike(n) || ts.isClassLike(n)))) return;
    if (ts.isThrowStatement(n) || ts.isAwaitExpression(n)) throws = true;
    else if (ts.isCallExpression(n)) {
      const c = unwrapExpr(n.expression);
      if ((ts.isIdentifier(c) && c.text === 'reject') || (ts.isPropertyAccessExpression(c) && c.name.text === 'reject')) throws = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(h);
  return throws;
}

interface Leak {
  node: ts.Node;
  kind: ExitKind | 'end' | 'overwrite';
}

function leaksOf(fs: FileSpans, info: SpanInfo): Leak[] | undefined {
  if (info.hoistedUse) return undefined;
  const events = new Map<ts.Node, Event>();
  const scope = info.scope!;
  let initial = PRE;
  if (info.spec.yields === 'return') events.set(info.call, 'start');
  else initial = OPEN;
  for (const u of info.uses) {
    if (u.closure) {
      // A closure that ends the span or hands it on takes it over when it is created.
      if (u.op === 'end' || u.kind === 'escape' || u.kind === 'borrow') events.set(u.closure, 'escape');
      continue;
    }
    if (u.op === 'end' && u.call) events.set(u.call, 'end');
    else if (u.kind === 'escape') events.set(u.node, 'escape');
  }
  const refs = new Set<ts.Node>(info.uses.filter((u) => u.kind === 'read' && !u.closure && ts.isIdentifier(u.node)).map((u) => u.node));
  const flow = new SpanFlow(events, refs);
  const x = new Exits();
  let fall: Mask;
  let endNode: ts.Node = scope;
  if (isFunctionLike(scope)) {
    const body = scope.body;
    if (!body) return undefined;
    if (ts.isBlock(body)) {
      fall = flow.list(body.statements, initial, x);
      endNode = body;
    } else {
      x.addReturn(body, flow.expr(body, initial, x));
      fall = 0;
    }
  } else if (ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope)) {
    fall = flow.list(scope.statements, initial, x);
  } else return undefined;
  const leaks: Leak[] = [];
  for (const n of flow.overwrites) leaks.push({ node: n, kind: 'overwrite' });
  for (const [n, m] of x.returns) if (m & OPEN) leaks.push({ node: n, kind: 'return' });
  for (const [n, t] of x.throws) if (t.mask & OPEN) leaks.push({ node: n, kind: t.kind });
  for (const [n, j] of x.jumps) if (j.mask & OPEN) leaks.push({ node: n, kind: j.kind });
  if (fall & OPEN) leaks.push({ node: endNode, kind: 'end' });
  const pos = (l: Leak) => (l.kind === 'end' ? l.node.end : l.node.getStart(fs.sf));
  return leaks.sort((a, b) => pos(a) - pos(b));
}

function describe(fs: FileSpans, info: SpanInfo, leak: Leak): string {
  const line = (n: ts.Node, atEnd = false) => fs.sf.getLineAndCharacterOfPosition(atEnd ? n.end : n.getStart(fs.sf)).line + 1;
  switch (leak.kind) {
    case 'return':
      return `on the return at line ${line(leak.node)}`;
    case 'throw':
      return `when the error thrown at line ${line(leak.node)} propagates`;
    case 'await':
      return `when the awaited promise at line ${line(leak.node)} rejects`;
    case 'break':
      return `on the \`break\` at line ${line(leak.node)}`;
    case 'continue':
      return `on the \`continue\` at line ${line(leak.node)}`;
    case 'overwrite':
      return `when line ${line(leak.node)} starts the next span into the same variable`;
    case 'end':
      if (!isFunctionLike(info.scope!)) {
        const owner = fs.parent(info.scope!);
        if (owner && isFunctionLike(owner)) return `when the function finishes at line ${line(leak.node, true)}`;
        if (ts.isSourceFile(info.scope!)) return 'by the end of the module';
        return `when its block ends at line ${line(leak.node, true)}`;
      }
      return `when the ${info.callback ? 'callback' : 'function'} finishes at line ${line(leak.node, true)}`;
  }
}

// ---------------------------------------------------------------------------------------- fix

function containsAwait(n: ts.Node): boolean {
  let found = false;
  const visit = (c: ts.Node): void => {
    if (found || isFunctionLike(c) || ts.isClassLike(c)) return;
    if (ts.isAwaitExpression(c) || ts.isYieldExpression(c) || (ts.isForOfStatement(c) && c.awaitModifier)) {
      found = true;
      return;
    }
    ts.forEachChild(c, visit);
  };
  visit(n);
  return found;
}

function hasMultilineTemplate(nodes: readonly ts.Node[], sf: ts.SourceFile): boolean {
  let found = false;
  const visit = (c: ts.Node): void => {
    if (found) return;
    if ((ts.isTemplateExpression(c) || ts.isNoSubstitutionTemplateLiteral(c)) && sf.text.slice(c.getStart(sf), c.end).includes('\n')) {
      found = true;
      return;
    }
    ts.forEachChild(c, visit);
  };
  nodes.forEach(visit);
  return found;
}

/** Whether nothing awaits between `st` (an `end()` statement) and the end of the region held by `container`. */
function endIsLast(fs: FileSpans, st: ts.Statement, container: ts.Node): boolean {
  let child: ts.Node = st;
  for (let p = fs.parent(st); p; child = p, p = fs.parent(p)) {
    if (ts.isIterationStatement(p, false)) return false;
    const list = ts.isBlock(p) || ts.isSourceFile(p) || ts.isCaseClause(p) || ts.isDefaultClause(p) || ts.isModuleBlock(p) ? p.statements : undefined;
    if (list) {
      const i = list.indexOf(child as ts.Statement);
      if (list.slice(i + 1).some(containsAwait)) return false;
      if (ts.isCaseClause(p) || ts.isDefaultClause(p)) {
        const block = fs.parent(p) as ts.CaseBlock;
        const later = block.clauses.slice(block.clauses.indexOf(p) + 1);
        if (later.some((c) => c.statements.some(containsAwait))) return false;
      }
    }
    if (ts.isTryStatement(p) && p.finallyBlock && child !== p.finallyBlock && containsAwait(p.finallyBlock)) return false;
    if (p === container) return true;
  }
  return false;
}

/**
 * Wrap the statements after the start (or the callback's body) in `try { ... } finally { span.end(); }`,
 * removing the `span.end()` statements the `finally` replaces. Safe when no `await` follows a removed
 * `end()` (the span keeps its duration); unsafe otherwise; none when the shape does not allow it.
 */
function buildFix(fs: FileSpans, info: SpanInfo): Fix | undefined {
  const sf = fs.sf;
  const text = sf.text;
  let container: ts.Node;
  let region: readonly ts.Statement[];
  let anchorEnd: number;
  if (info.declStatement && info.scope === fs.parent(info.declStatement)) {
    container = info.scope!;
    if (!(ts.isBlock(container) || ts.isSourceFile(container) || ts.isModuleBlock(container))) return undefined;
    const list = container.statements;
    region = list.slice(list.indexOf(info.declStatement) + 1);
    anchorEnd = info.declStatement.end;
  } else if (info.callback && ts.isBlock(info.callback.body) && info.scope === info.callback) {
    container = info.callback.body;
    region = info.callback.body.statements;
    anchorEnd = info.callback.body.getStart(sf) + 1;
  } else return undefined;
  if (region.length === 0) return undefined;
  if (info.uses.some((u) => u.kind === 'escape' || u.kind === 'assign' || (u.closure && (u.op === 'end' || u.kind === 'borrow')))) return undefined;
  // Declarations that would change scope when moved into the `try` block.
  if (region.some((st) => ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st))) return undefined;
  const declared = new Set<string>();
  for (const st of region) if (ts.isVariableStatement(st) && st.declarationList.flags & ts.NodeFlags.BlockScoped) for (const d of st.declarationList.declarations) collectNames(d.name, declared);
  if (declared.size) {
    const before = ts.isBlock(container) || ts.isSourceFile(container) || ts.isModuleBlock(container) ? container.statements.slice(0, container.statements.indexOf(region[0]!)) : [];
    if (before.some((st) => mentions(st, declared))) return undefined;
    // Exports of names declared in the region (`export { result }`) would no longer see them.
    if (ts.isSourceFile(container) && container.statements.some((st) => ts.isExportDeclaration(st) || ts.isExportAssignment(st))) return undefined;
  }
  // The `end()` statements the `finally` replaces.
  const removals: { start: number; end: number }[] = [];
  let timingSafe = true;
  for (const u of info.uses) {
    if (u.op !== 'end') continue;
    const st = u.call && fs.parent(u.call);
    if (!u.call || !st || !ts.isExpressionStatement(st) || u.call.arguments.length > 0) return undefined;
    const holder = fs.parent(st);
    if (!holder || !(ts.isBlock(holder) || ts.isSourceFile(holder) || ts.isCaseClause(holder) || ts.isDefaultClause(holder) || ts.isModuleBlock(holder))) return undefined;
    if (st.pos < region[0]!.pos || !fs.contains(container, st)) return undefined;
    if (!endIsLast(fs, st, container)) timingSafe = false;
    const start = st.getStart(sf);
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    let lineEnd = text.indexOf('\n', st.end);
    if (lineEnd < 0) lineEnd = text.length;
    const alone = text.slice(lineStart, start).trim() === '' && text.slice(st.end, lineEnd).trim() === '';
    removals.push(alone ? { start: lineStart, end: Math.min(lineEnd + 1, text.length) } : { start, end: st.end });
  }
  // Whole lines: from the line after the start to the end of the last statement's line.
  const nl = text.indexOf('\n', anchorEnd);
  const firstStart = region[0]!.getStart(sf);
  if (nl < 0 || nl >= firstStart) return undefined;
  const tail = text.slice(anchorEnd, nl).trim();
  if (tail !== '' && !tail.startsWith('//')) return undefined;
  const from = nl + 1;
  const lastEnd = region[region.length - 1]!.end;
  let to = text.indexOf('\n', lastEnd);
  if (to < 0) to = text.length;
  const rest = text.slice(lastEnd, to).trim();
  if (rest !== '' && !rest.startsWith('//')) return undefined;
  if (text[to - 1] === '\r') to--;
  let body = '';
  let at = from;
  for (const r of removals.sort((a, b) => a.start - b.start)) {
    body += text.slice(at, r.start);
    at = r.end;
  }
  body += text.slice(at, to);
  const eol = eolOf(text);
  const indent = indentOfLine(text, firstStart);
  const unit = indentUnit(text);
  const reindented = hasMultilineTemplate(region, sf) ? body : body.split('\n').map((l) => (l.trim() === '' ? l : unit + l)).join('\n');
  const name = info.name!;
  const wrapped = `${indent}try {${eol}${reindented.replace(/\r?\n?$/, '')}${eol}${indent}} finally {${eol}${indent}${unit}${name}.end();${eol}${indent}}`;
  return {
    safety: timingSafe ? 'safe' : 'unsafe',
    description: `End \`${name}\` in a \`finally\` block`,
    edits: [{ start: from, end: to, text: wrapped }],
  };
}

function collectNames(b: ts.BindingName, out: Set<string>): void {
  if (ts.isIdentifier(b)) out.add(b.text);
  else for (const e of b.elements) if (!ts.isOmittedExpression(e)) collectNames(e.name, out);
}

function mentions(n: ts.Node, names: Set<string>): boolean {
  let found = false;
  const visit = (c: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(c) && names.has(c.text)) {
      found = true;
      return;
    }
    ts.forEachChild(c, visit);
  };
  visit(n);
  return found;
}

// ---------------------------------------------------------------------------------------- rule

export default defineRule<Options>({
  meta: {
    id: 'require-span-end',
    description: 'Require every span started with `startSpan` or `startActiveSpan` to be ended on every path: early returns, throws and rejected awaits included.',
    preset: 'recommended',
    severity: 'error',
    fix: 'safe',
    hasSuggestions: false,
    project: false,
    messages: {
      notEnded:
        'Span `{{name}}` started here is not ended {{path}}: a span that is never ended is never exported, so this operation and everything under it vanish from your traces on exactly the paths that fail. End it in a `finally` block (`try { ... } finally { {{name}}.end(); }`).',
      neverEnded:
        'This span is started but never ended: it is never exported, so the operation (and any child spans) never shows up in your traces. Keep the span and call `.end()` on every path, for example in a `finally` block.',
      callbackWithoutSpan:
        'The `{{callee}}` callback takes no span parameter, so nothing ends the span: the API does not end it for you, and a span that is never ended is never exported. Take the span as the first parameter and call `span.end()` in a `finally` block.',
    },
    options,
    defaultOptions: {},
  },
  needs: startsSpans,
  callNames: spanStartNames,
  createVisitor(ctx) {
    const collector = spanCandidateCollector(ctx.catalog);
    return {
      kinds: collector.kinds,
      visit: (node) => collector.visit(node),
      end(wctx) {
        if (collector.calls.length === 0) return;
        const fs = fileSpans(wctx.sourceFile, collector.calls, wctx, ctx.catalog);
        for (const info of fs.spans) {
          const range = rangeOf(fs.sf, info.call);
          if (info.disposition === 'discarded') {
            ctx.report({ range, messageId: 'neverEnded' });
            continue;
          }
          if (info.disposition === 'no-param') {
            if (usesSpanValue(fs, info)) continue;
            ctx.report({ range, messageId: 'callbackWithoutSpan', data: { callee: calleeText(fs, info.call) } });
            continue;
          }
          if (info.disposition !== 'bound') continue;
          const leaks = leaksOf(fs, info);
          if (!leaks || leaks.length === 0) continue;
          const handled = info.uses.some((u) => u.op === 'end' || u.kind === 'escape' || (u.closure && u.kind === 'borrow'));
          const fix = buildFix(fs, info);
          if (!handled) ctx.report({ range, messageId: 'neverEnded', fix });
          else ctx.report({ range, messageId: 'notEnded', data: { name: info.name!, path: describe(fs, info, leaks[0]!) }, fix });
        }
      },
    };
  },
});

function calleeText(fs: FileSpans, call: ts.CallExpression): string {
  const e = call.expression;
  return ts.isPropertyAccessExpression(e) ? e.name.text : fs.sf.text.slice(e.getStart(fs.sf), e.end);
}

/** A parameterless callback may still reach its span through the API (`trace.getActiveSpan()`). */
function usesSpanValue(fs: FileSpans, info: SpanInfo): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n)) {
      const v = fs.wctx.valueOf(n);
      if (v && v.k === 'inst' && v.type === info.spec.type && v.path.length === 0) {
        found = true;
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  if (info.callback) visit(info.callback.body);
  return found;
}
