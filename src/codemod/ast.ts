/** AST helpers the codemods share (ts-morph nodes; edits go through the file's `FileEditor`). */

import path from 'node:path';
import { Node, type ObjectLiteralExpression, SyntaxKind } from 'ts-morph';
import type { FileEditor } from './editor.js';
import { lineStartOf } from './text.js';

/** A property of an object literal by (static) name. */
export function propertyOf(obj: ObjectLiteralExpression, name: string): Node | undefined {
  for (const p of obj.getProperties()) {
    if (Node.isPropertyAssignment(p) || Node.isShorthandPropertyAssignment(p) || Node.isMethodDeclaration(p)) {
      const n = p.getNameNode();
      const text = Node.isIdentifier(n) ? n.getText() : Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n) ? n.getLiteralValue() : undefined;
      if (text === name) return p;
    }
  }
  return undefined;
}

/** The object literal an expression is, through parentheses and `as`/`satisfies`. */
export function objectLiteral(n: Node | undefined): ObjectLiteralExpression | undefined {
  let e = n;
  while (e && (Node.isParenthesizedExpression(e) || Node.isAsExpression(e) || Node.isSatisfiesExpression(e) || Node.isTypeAssertion(e))) e = e.getExpression();
  return e && Node.isObjectLiteralExpression(e) ? e : undefined;
}

function lineEndAfter(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  if (nl < 0) return text.length;
  return text[nl - 1] === '\r' ? nl - 1 : nl;
}

/** Whether only a comment (or nothing) follows `pos` on its line. */
function onlyCommentAfter(text: string, pos: number): boolean {
  const rest = text.slice(pos, lineEndAfter(text, pos));
  return /^\s*(\/\/.*|\/\*.*\*\/\s*)?$/.test(rest);
}

/** Add `prop` (e.g. `callbacks: [handler]`) as the last property of an object literal, in its layout. */
export function addProperty(ed: FileEditor, obj: ObjectLiteralExpression, prop: string): void {
  const text = ed.text;
  const props = obj.getProperties();
  const open = obj.getStart();
  const close = obj.getEnd() - 1;
  if (props.length === 0) {
    const inner = text.slice(open + 1, close);
    if (!inner.trim()) ed.replace(open, obj.getEnd(), `{ ${prop} }`);
    else if (/\n[ \t]*$/.test(inner)) {
      // Only comments inside, `}` on its own line: the property goes on the line before it.
      ed.insert(lineStartOf(text, close), `${ed.indentAt(open)}${ed.style.indentUnit}${prop},${ed.eol}`);
    } else ed.insert(open + 1, ` ${prop},`);
    return;
  }
  const last = props[props.length - 1]!;
  const between = text.slice(last.getEnd(), close);
  const comma = /^\s*,/.exec(between);
  const multiline = text.slice(open, last.getStart()).includes('\n');
  if (multiline) {
    const indent = ed.indentAt(last.getStart());
    if (comma) {
      const afterComma = last.getEnd() + comma[0].length;
      const at = onlyCommentAfter(text, afterComma) ? lineEndAfter(text, afterComma) : afterComma;
      ed.insert(at, `${ed.eol}${indent}${prop},`);
    } else if (onlyCommentAfter(text, last.getEnd()) && lineEndAfter(text, last.getEnd()) < close) {
      ed.insert(last.getEnd(), ',');
      ed.insert(lineEndAfter(text, last.getEnd()), `${ed.eol}${indent}${prop}`);
    } else ed.insert(last.getEnd(), `,${ed.eol}${indent}${prop}`);
    return;
  }
  if (comma) ed.insert(last.getEnd() + comma[0].length, ` ${prop},`);
  else ed.insert(last.getEnd(), `, ${prop}`);
}

/** The file name without extension (a functionId of last resort). */
export function fileStem(file: string): string {
  const base = path.basename(file).replace(/\.[^.]+$/, '');
  return base === 'index' ? path.basename(path.dirname(file)) : base;
}

/**
 * A readable name for the code around `node`: the nearest named function, method (`Class.method`),
 * or function assigned to a variable or property; undefined at module level.
 */
export function enclosingFunctionName(node: Node): string | undefined {
  for (let n: Node | undefined = node.getParent(); n; n = n.getParent()) {
    if (Node.isFunctionDeclaration(n) && n.getName()) return n.getName();
    if (Node.isMethodDeclaration(n) || Node.isGetAccessorDeclaration(n) || Node.isSetAccessorDeclaration(n)) {
      const cls = n.getParent();
      const m = n.getName();
      if (Node.isClassDeclaration(cls) || Node.isClassExpression(cls)) {
        const c = cls.getName();
        return c ? `${c}.${m}` : m;
      }
      return m;
    }
    if (Node.isConstructorDeclaration(n)) {
      const cls = n.getParent();
      return Node.isClassDeclaration(cls) && cls.getName() ? `${cls.getName()}.constructor` : undefined;
    }
    if (Node.isArrowFunction(n) || Node.isFunctionExpression(n)) {
      if (Node.isFunctionExpression(n) && n.getName()) return n.getName();
      const p = n.getParent();
      if (Node.isVariableDeclaration(p) && Node.isIdentifier(p.getNameNode())) return p.getName();
      if (Node.isPropertyAssignment(p) || Node.isPropertyDeclaration(p)) {
        const name = p.getNameNode();
        if (Node.isIdentifier(name) || Node.isStringLiteral(name)) return Node.isStringLiteral(name) ? name.getLiteralValue() : name.getText();
      }
      // An anonymous callback: keep looking outwards.
    }
  }
  return undefined;
}

/** The nearest enclosing function-like node. */
export function enclosingFunction(node: Node): Node | undefined {
  for (let n: Node | undefined = node.getParent(); n; n = n.getParent()) {
    if (Node.isFunctionDeclaration(n) || Node.isFunctionExpression(n) || Node.isArrowFunction(n) || Node.isMethodDeclaration(n) || Node.isConstructorDeclaration(n) || Node.isGetAccessorDeclaration(n) || Node.isSetAccessorDeclaration(n)) return n;
  }
  return undefined;
}

export function isAsyncFunction(fn: Node | undefined): boolean {
  if (!fn) return false;
  return (Node.isFunctionDeclaration(fn) || Node.isFunctionExpression(fn) || Node.isArrowFunction(fn) || Node.isMethodDeclaration(fn)) && fn.isAsync();
}

/** Skip parentheses upwards: the node whose parent is not a parenthesized expression. */
export function outerParens(n: Node): Node {
  let cur = n;
  for (let p = cur.getParent(); p && Node.isParenthesizedExpression(p); p = cur.getParent()) cur = p;
  return cur;
}

/** Ranges of template literals inside `node` (their text must not be re-indented). */
export function templateRanges(node: Node): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const base = node.getStart();
  node.forEachDescendant((d) => {
    if (d.getKind() === SyntaxKind.NoSubstitutionTemplateLiteral || d.getKind() === SyntaxKind.TemplateExpression) {
      out.push({ start: d.getStart() - base, end: d.getEnd() - base });
    }
  });
  return out;
}

/** The last member name of a call's callee (`create` in `client.chat.completions.create(...)`). */
export function calleeName(call: Node): string | undefined {
  if (!Node.isCallExpression(call) && !Node.isNewExpression(call)) return undefined;
  const e = call.getExpression();
  if (Node.isPropertyAccessExpression(e)) return e.getName();
  if (Node.isIdentifier(e)) return e.getText();
  return undefined;
}
