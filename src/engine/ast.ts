/**
 * Syntax helpers every part of the engine and the rules share: parsing, positions, and the small
 * shape tests over TypeScript nodes that carry no knowledge of values.
 */

import path from 'node:path';
import ts = require('typescript');
import type { SourceRange } from './values.js';

/** A function of any form: declarations, expressions, arrows, methods, accessors, constructors. */
export type FnNode = ts.FunctionLikeDeclaration;

/** The kinds of `FnNode`, as a table: asked for most nodes of a file. */
const FN_KINDS: Uint8Array = (() => {
  const k = ts.SyntaxKind;
  const t = new Uint8Array(k.Count + 1);
  for (const f of [k.FunctionDeclaration, k.FunctionExpression, k.ArrowFunction, k.MethodDeclaration, k.Constructor, k.GetAccessor, k.SetAccessor]) t[f] = 1;
  return t;
})();

export function isFunctionLike(n: ts.Node): n is FnNode {
  return FN_KINDS[n.kind] === 1;
}

/** Kinds `unwrap` goes through. */
const WRAPPER_KINDS: Uint8Array = (() => {
  const k = ts.SyntaxKind;
  const t = new Uint8Array(k.Count + 1);
  for (const w of [k.ParenthesizedExpression, k.AsExpression, k.NonNullExpression, k.SatisfiesExpression, k.TypeAssertionExpression]) t[w] = 1;
  t[k.AwaitExpression] = 2;
  return t;
})();

export function scriptKindFor(file: string): ts.ScriptKind {
  const ext = path.extname(file).toLowerCase();
  switch (ext) {
    case '.tsx':
      return ts.ScriptKind.TSX;
    case '.jsx':
      return ts.ScriptKind.JSX;
    case '.js':
    case '.mjs':
    case '.cjs':
      return ts.ScriptKind.JS;
    default:
      return ts.ScriptKind.TS;
  }
}

export function parseSource(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(file, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, scriptKindFor(file));
}

export function parseErrorOf(sf: ts.SourceFile): string | undefined {
  const diags = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics;
  if (!diags || diags.length === 0) return undefined;
  const d = diags[0]!;
  const { line, character } = sf.getLineAndCharacterOfPosition(d.start);
  return `${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
}

export function rangeOf(sf: ts.SourceFile, node: ts.Node): SourceRange {
  const start = node.getStart(sf);
  const end = node.getEnd();
  const s = sf.getLineAndCharacterOfPosition(start);
  const e = sf.getLineAndCharacterOfPosition(end);
  return { start, end, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}

/** Through parentheses, type assertions, non-null assertions and `await`: the expression that gives the value. */
export function unwrap(e: ts.Expression): ts.Expression {
  while (WRAPPER_KINDS[e.kind] !== 0) e = (e as ts.ParenthesizedExpression).expression;
  return e;
}

/** `unwrap` without going through `await` (flow cares where a promise is awaited). */
/**
 * The values a call adds to the collection it is called on (`xs.push(a, b)`, `xs.unshift(a)`: its
 * arguments; `map.set(k, v)`: `v`), with that collection's expression; undefined for any other call.
 */
export function addedToCollection(call: ts.CallExpression): { collection: ts.Expression; values: readonly ts.Expression[] } | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !call.arguments.length) return undefined;
  const m = callee.name.text;
  if (m === 'push' || m === 'unshift') return { collection: callee.expression, values: call.arguments };
  if (m === 'set' && call.arguments.length >= 2) return { collection: callee.expression, values: [call.arguments[1]!] };
  return undefined;
}

/** `null` or `undefined` (possibly in parentheses or `as`). */
export function isNullish(e: ts.Expression): boolean {
  const u = unwrap(e);
  return u.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(u) && u.text === 'undefined');
}

export function unwrapTypes(e: ts.Expression): ts.Expression {
  while (WRAPPER_KINDS[e.kind] === 1) e = (e as ts.ParenthesizedExpression).expression;
  return e;
}

/** A node that only wraps an expression for the type checker or grouping. */
export function isWrapper(n: ts.Node): boolean {
  return ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n) || ts.isSatisfiesExpression(n) || ts.isTypeAssertionExpression(n);
}

/** The literal name of a property, binding or member, or undefined (computed). */
export function propName(name: ts.PropertyName | ts.BindingName | ts.MemberName): string | undefined {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

/** The last name of a callee (`b` in `a.b(...)`, `f` in `f(...)`, `'m'` in `a['m'](...)`). */
export function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const e = unwrapTypes(call.expression);
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) return e.argumentExpression.text;
  if (ts.isIdentifier(e)) return e.text;
  return undefined;
}

export function originOf(file: string, start: number): string {
  return `${file}#${start}`;
}

export function calleeText(sf: ts.SourceFile, e: ts.Expression): string {
  const text = sf.text.slice(e.getStart(sf), e.end);
  // Line breaks and indentation go; a space between two words stays (`(client as any).chat`, not `clientasany`).
  const oneLine = text.replace(/\s+/g, (ws: string, at: number) => (/[\w$]/.test(text[at - 1] ?? '') && /[\w$]/.test(text[at + ws.length] ?? '') ? ' ' : ''));
  return oneLine.length > 80 ? oneLine.slice(0, 77) + '...' : oneLine;
}

/**
 * Whether loading the module runs code of its own at top level (a script, an example, a server's main):
 * a statement that is not a declaration, an import/export, or an assignment to `module.exports`/`exports`;
 * or a top-level `await`. Such a file that nothing imports is the entry point of a process of its own.
 */
export function runsAtTopLevel(sf: ts.SourceFile): boolean {
  // Where the next `await` of the text is, from the statement at hand on (-1: none; statements come in order).
  let nextAwait = -2;
  const saysAwait = (n: ts.Node): boolean => {
    if (nextAwait !== -1 && nextAwait < n.pos) nextAwait = sf.text.indexOf('await', n.pos);
    return nextAwait >= 0 && nextAwait < n.end;
  };
  for (const st of sf.statements) {
    if (ts.isExpressionStatement(st)) {
      const e = unwrap(st.expression);
      if (ts.isStringLiteral(e)) continue; // 'use strict' and other directives
      if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken && isModuleExportsTarget(e.left)) continue;
      if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.expression.getText(sf) === 'Object' && e.expression.name.text === 'defineProperty') continue;
      return true;
    }
    if (ts.isIfStatement(st) || ts.isForStatement(st) || ts.isForOfStatement(st) || ts.isForInStatement(st) || ts.isWhileStatement(st) || ts.isDoStatement(st) || ts.isTryStatement(st) || ts.isBlock(st) || ts.isSwitchStatement(st)) return true;
    if (ts.isVariableStatement(st)) {
      // (Walked only where the text says `await`: a large table of data has none.)
      for (const d of st.declarationList.declarations) if (d.initializer && saysAwait(d.initializer) && hasTopLevelAwait(d.initializer)) return true;
    }
  }
  return false;
}

function isModuleExportsTarget(e: ts.Expression): boolean {
  let cur = unwrap(e);
  while (ts.isPropertyAccessExpression(cur) || ts.isElementAccessExpression(cur)) {
    const obj = unwrap(cur.expression);
    if (ts.isIdentifier(obj) && (obj.text === 'exports' || obj.text === 'module')) return true;
    cur = obj;
  }
  return ts.isIdentifier(cur) && cur.text === 'exports';
}

/** An `await` outside any function (explicit stack: generated code nests deeply). */
function hasTopLevelAwait(e: ts.Node): boolean {
  const stack: ts.Node[] = [e];
  while (stack.length) {
    const n = stack.pop()!;
    if (ts.isAwaitExpression(n)) return true;
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) continue;
    ts.forEachChild(n, (c) => {
      stack.push(c);
    });
  }
  return false;
}

/** Property names of type members, or undefined when an index signature (or a computed name) allows any key. */
export function membersKeys(members: ts.NodeArray<ts.TypeElement>): string[] | undefined {
  const out: string[] = [];
  for (const m of members) {
    if (ts.isIndexSignatureDeclaration(m) || ts.isCallSignatureDeclaration(m) || ts.isConstructSignatureDeclaration(m)) return undefined;
    const name = m.name && propName(m.name);
    if (name === undefined) return undefined;
    out.push(name);
  }
  return out;
}

/**
 * What a function given as an option does with its argument (see `Arg.fnBody`): whether its body reads
 * its first parameter (a destructured one, or `arguments`, counts as read), and the string literals in it.
 * A body too large to look through counts as reading it, with no strings.
 */
export function fnBodyInfo(f: ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration): { readsParam: boolean; strings: string[] } {
  const first = f.parameters[0];
  const param = first && ts.isIdentifier(first.name) ? first.name.text : undefined;
  let readsParam = !!first && param === undefined;
  const strings: string[] = [];
  let budget = 2000;
  const visit = (n: ts.Node): boolean => {
    if (--budget < 0) return true;
    if (ts.isIdentifier(n)) {
      if (n.text === param || n.text === 'arguments') readsParam = true;
    } else if (ts.isStringLiteralLike(n)) strings.push(n.text);
    return ts.forEachChild(n, visit) ?? false;
  };
  if (f.body && visit(f.body)) return { readsParam: true, strings: [] };
  return { readsParam, strings };
}

/**
 * The points where code waits (`await`, `yield`, `for await`), outside the functions and classes nested in
 * it, counted up to `atMost`; `from`: only those that start at or after that position.
 */
export function suspensions(node: ts.Node, atMost = 1, from = 0): number {
  let count = 0;
  const visit = (n: ts.Node): void => {
    if (count >= atMost || isFunctionLike(n) || ts.isClassLike(n)) return;
    if ((ts.isAwaitExpression(n) || ts.isYieldExpression(n) || (ts.isForOfStatement(n) && n.awaitModifier)) && n.pos >= from) count++;
    ts.forEachChild(n, visit);
  };
  visit(node);
  return count;
}

/** Whether code waits, outside the functions and classes nested in it: an `await`, a `yield`, a `for await`. */
export function suspends(node: ts.Node): boolean {
  return suspensions(node) > 0;
}

/** Whether an identifier spelled `name` occurs anywhere in a node (nested functions included). */
export function namesIdentifier(node: ts.Node, name: string): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && n.text === name) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}
