/**
 * Text-level plumbing shared by `fix` and the codemods: applying edits, mapping offsets through them,
 * and reading a file's code style (line endings, quotes, semicolons, indentation, module system), so
 * that what tracewire inserts looks like the code around it and nothing else changes.
 */

import type { TextEdit } from '../engine/types.js';

export class EditConflict extends Error {}

/** Edits sorted by position; inserts at the same offset keep their given order. */
export function sortEdits(edits: TextEdit[]): TextEdit[] {
  return edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i)
    .map((x) => x.e);
}

/**
 * Whether two edits (of different fixes) conflict: they overlap or touch, as in ESLint, so that a fix is
 * never applied next to another whose text it may depend on. The later one is retried on the next pass.
 */
export function editsOverlap(a: TextEdit, b: TextEdit): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Apply edits whose offsets all refer to `text`. Throws `EditConflict` when two edits overlap. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = sortEdits(edits);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos || e.end < e.start || e.end > text.length) throw new EditConflict(`overlapping or out-of-range edit at ${e.start}-${e.end}`);
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}

/** Map an offset in the original text to the edited text (offsets inside a replaced range map to its start). */
export function mapOffset(offset: number, edits: TextEdit[]): number {
  let delta = 0;
  for (const e of sortEdits(edits)) {
    if (e.end <= offset && !(e.start === e.end && e.start === offset)) delta += e.text.length - (e.end - e.start);
    else if (e.start < offset && offset < e.end) return e.start + delta;
  }
  return offset + delta;
}

export interface CodeStyle {
  eol: '\n' | '\r\n';
  quote: "'" | '"';
  semi: boolean;
  /** One level of indentation: a tab, or a number of spaces. */
  indentUnit: string;
  module: 'esm' | 'cjs';
}

export function eolOf(text: string): '\n' | '\r\n' {
  const crlf = text.indexOf('\r\n');
  if (crlf < 0) return '\n';
  const lf = text.indexOf('\n');
  return lf === crlf + 1 ? '\r\n' : '\n';
}

export function lineStartOf(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** The leading whitespace of the line that contains `pos`. */
export function indentAt(text: string, pos: number): string {
  const start = lineStartOf(text, pos);
  return /^[ \t]*/.exec(text.slice(start, start + 200))![0];
}

/** The indentation unit the file uses: a tab when lines start with tabs, else the smallest step of spaces. */
export function detectIndentUnit(text: string): string {
  let tabs = 0;
  const widths = new Map<number, number>();
  let prev = 0;
  for (const line of text.split('\n').slice(0, 2000)) {
    if (!line.trim()) continue;
    const m = /^[ \t]*/.exec(line)![0];
    if (m.startsWith('\t')) {
      tabs++;
      continue;
    }
    const w = m.length;
    const step = Math.abs(w - prev);
    if (step > 0 && step <= 8) widths.set(step, (widths.get(step) ?? 0) + 1);
    prev = w;
  }
  let best = 2;
  let bestCount = 0;
  for (const [w, c] of widths) if (c > bestCount || (c === bestCount && w < best)) [best, bestCount] = [w, c];
  if (tabs > bestCount) return '\t';
  return ' '.repeat(best);
}

/** Re-indent the continuation lines of `code` (a slice of the file) by `extra`, leaving template literal contents alone. */
export function reindent(code: string, extra: string, protectedRanges: { start: number; end: number }[]): string {
  let out = '';
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]!;
    out += ch;
    if (ch === '\n' && i + 1 < code.length) {
      const inside = protectedRanges.some((r) => r.start < i && i < r.end);
      const next = code[i + 1];
      if (!inside && next !== '\n' && next !== '\r') out += extra;
    }
  }
  return out;
}

/** Turn `\n` in generated text into the file's line ending. */
export function withEol(s: string, eol: string): string {
  return eol === '\n' ? s : s.replace(/\r?\n/g, eol);
}

/** Quote a string literal in the file's quote style. */
export function quoteString(s: string, quote: "'" | '"'): string {
  const escaped = s.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped.replace(/"/g, '\\"')) + quote;
}
