/** Helpers that build text edits in the style of the surrounding code. */

import type { Arg } from './values.js';
import type { TextEdit } from './types.js';

function lineStart(text: string, pos: number): number {
  const i = text.lastIndexOf('\n', pos - 1);
  return i + 1;
}

function indentAt(text: string, pos: number): string {
  const start = lineStart(text, pos);
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** The line ending the file uses. */
export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Insert `key: value` into an object literal argument, matching its layout. */
export function insertPropertyEdit(text: string, arg: Arg, property: string): TextEdit | undefined {
  if (!arg.obj || arg.insertAt === undefined) return undefined;
  const at = arg.insertAt;
  const objText = text.slice(arg.start, arg.end);
  const empty = Object.keys(arg.obj).length === 0 && !arg.open && /^\{\s*\}$/.test(objText);
  if (empty) return { start: arg.start, end: arg.end, text: `{ ${property} }` };
  const multiline = objText.includes('\n');
  if (multiline) {
    const eol = eolOf(text);
    const indent = indentAt(text, at);
    // `at` is the end of the last property; put the new one on its own line with the same indent.
    const comma = arg.trailingComma ? '' : ',';
    if (arg.trailingComma) {
      const commaPos = text.indexOf(',', at);
      return { start: commaPos + 1, end: commaPos + 1, text: `${eol}${indent}${property},` };
    }
    return { start: at, end: at, text: `${comma}${eol}${indent}${property}` };
  }
  return { start: at, end: at, text: `, ${property}` };
}

/** Add a new last argument to a call. */
export function appendArgumentEdit(text: string, args: Arg[], argsEnd: number, argument: string): TextEdit {
  if (args.length === 0) return { start: argsEnd, end: argsEnd, text: argument };
  const last = args[args.length - 1]!;
  return { start: last.end, end: last.end, text: `, ${argument}` };
}
