import ts = require('typescript');
import { z } from 'zod';
import { defineRule } from '../src/engine/rule.js';
import type { Fix } from '../src/engine/types.js';
import { eolOf } from '../src/engine/edits.js';
import { rangeOf } from '../src/engine/analyze-file.js';
import { suspends } from '../src/engine/ast.js';
import type { ExitKind } from '../src/engine/flow.js';
import { ANY_OPEN, type ConditionalEnd } from '../src/engine/spans.js';
import { type FileSpans, fileSpans, indentOfLine, indentUnit, isFunctionLike, type SpanInfo, carriesSpans, startsSpans, unwrapExpr } from './support/spans.js';

const options = z.object({}).strict();
type Options = z.infer<typeof options>;

interface Leak {
  node: ts.Node;
  kind: ExitKind | 'end' | 'overwrite';
}

function leaksOf(fs: FileSpans, info: SpanInfo): { leaks: Leak[]; partial: ConditionalEnd[] } | undefined {
  const r = fs.paths(info);
  if (!r) return undefined;
  const { exits: x, fall, endNode } = r;
  const leaks: Leak[] = [];
  for (const n of r.overwrites) leaks.push({ node: n, kind: 'overwrite' });
  for (const [n, m] of x.returns) if (m & ANY_OPEN) leaks.push({ node: n, kind: 'return' });
  for (const [n, t] of x.throws) if (t.mask & ANY_OPEN) leaks.push({ node: n, kind: t.kind });
  for (const [n, j] of x.jumps) if (j.mask & ANY_OPEN) leaks.push({ node: n, kind: j.kind });
  if (fall & ANY_OPEN) leaks.push({ node: endNode, kind: 'end' });
  const pos = (l: Leak) => (l.kind === 'end' ? l.node.end : l.node.getStart(fs.sf));
  return { leaks: leaks.sort((a, b) => pos(a) - pos(b)), partial: r.partial };
}

/** Why a span a closure ends may stay open (see `ConditionalEnd`). */
function partialNote(fs: FileSpans, partial: ConditionalEnd[]): string {
  const p = partial[0];
  if (!p) return '';
  const line = fs.sf.getLineAndCharacterOfPosition(p.closure.getStart(fs.sf)).line + 1;
  if ('callee' in p) return ` (only the function at line ${line} ends it, and the code only gives it to \`${p.callee}\`, a function its caller passes in, which may never call it)`;
  return p.missing === 'reject'
    ? ` (only the \`.${p.method}\` callback at line ${line} ends it, and a rejected promise never runs it)`
    : ` (only the \`.${p.method}\` callback at line ${line} ends it, and it runs only when the promise rejects)`;
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
    case 'call':
      return `when the call at line ${line(leak.node)} throws`;
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
      if (list.slice(i + 1).some(suspends)) return false;
      if (ts.isCaseClause(p) || ts.isDefaultClause(p)) {
        const block = fs.parent(p) as ts.CaseBlock;
        const later = block.clauses.slice(block.clauses.indexOf(p) + 1);
        if (later.some((c) => c.statements.some(suspends))) return false;
      }
    }
    if (ts.isTryStatement(p) && p.finallyBlock && child !== p.finallyBlock && suspends(p.finallyBlock)) return false;
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
  carries: carriesSpans,
  createVisitor(ctx) {
    return {
      kinds: [],
      visit() {},
      end(wctx) {
        const fs = fileSpans(wctx);
        for (const info of fs.spans) {
          const range = rangeOf(fs.sf, info.call);
          if (info.disposition === 'discarded') {
            ctx.report({ range, messageId: 'neverEnded' });
            continue;
          }
          // A helper that ends the span itself (`withSpan(name, fn)`): its callback need not.
          if (info.helper?.ends) continue;
          if (info.disposition === 'no-param') {
            if (usesSpanValue(fs, info)) continue;
            ctx.report({ range, messageId: 'callbackWithoutSpan', data: { callee: calleeText(fs, info.call) } });
            continue;
          }
          if (info.disposition !== 'bound') continue;
          const found = leaksOf(fs, info);
          if (!found || found.leaks.length === 0) continue;
          const { leaks, partial } = found;
          const handled = info.uses.some((u) => u.op === 'end' || u.kind === 'escape' || (u.kind === 'helper' && u.effect!.ends !== 'never') || (u.closure && u.kind === 'borrow'));
          const fix = buildFix(fs, info);
          if (!handled) ctx.report({ range, messageId: 'neverEnded', fix });
          else ctx.report({ range, messageId: 'notEnded', data: { name: info.name!, path: describe(fs, info, leaks[0]!) + partialNote(fs, partial) }, fix });
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
      const v = fs.model.valueOf(n);
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
