/**
 * What the span rules share: finding the spans a file starts (confirmed through the engine's value
 * resolution against the catalog's `spanStart` members, never by name), the variable or callback
 * parameter that holds each span, and every use of that variable, classified (a span method call,
 * a read, a hand-over to another function, a store). Scopes, parents and values are the engine's
 * semantic model's (src/engine/model.ts).
 */

import ts = require('typescript');
import type { WalkContext } from '../../src/engine/analyze-file.js';
import { calleeName, isFunctionLike, isWrapper, unwrapTypes as unwrapExpr } from '../../src/engine/ast.js';
import type { CatalogIndex } from '../../src/engine/catalog.js';
import { type FileSpans, spansOf } from '../../src/engine/spans.js';
import type { MemberSpec } from '../catalog/types.js';

export { calleeName, isFunctionLike, unwrapExpr };

/**
 * The catalog members the span rules look at (`RuleModule.needs`): span starts, and span operations (a
 * project helper may return or take spans). Files that cannot reach one get no visitor.
 */
export const startsSpans = (m: MemberSpec): boolean => !!m.spanStart || !!m.spanOp;

/**
 * Of the values another file hands over, what the span rules can report on in a file that names no span
 * module (`RuleModule.carries`): tracers (spans started here), and spans started there or by a helper of
 * there for each call. A span that is only passed along was started, and is reported, elsewhere.
 */
export const carriesSpans = (m: MemberSpec): boolean => !!m.spanStart;

const startNames = new WeakMap<CatalogIndex, Set<string>>();

/** Names of the catalog members that start spans (`startSpan`, `startActiveSpan`): a cheap pre-filter for calls. */
export function spanStartNames(catalog: CatalogIndex): Set<string> {
  let names = startNames.get(catalog);
  if (!names) {
    names = new Set<string>();
    for (const t of catalog.types.values()) for (const [p, m] of t.members) if (m.spanStart) names.add(p.split('.').pop()!);
    startNames.set(catalog, names);
  }
  return names;
}

// The span facts themselves (starts, helpers, uses, paths) are the engine's: src/engine/spans.ts.
export { FileSpans, type SpanDisposition, type SpanInfo, type SpanUse } from '../../src/engine/spans.js';

const collected = new WeakMap<object, FileSpans>();

/** The spans of the file being walked, collected once per analysis and shared by the span rules. */
export function fileSpans(wctx: WalkContext): FileSpans {
  let fs = collected.get(wctx.model);
  if (!fs) {
    fs = spansOf(wctx.model);
    fs.collect();
    collected.set(wctx.model, fs);
  }
  return fs;
}

/** The indentation (spaces/tabs) of the line `pos` is on. */
export function indentOfLine(text: string, pos: number): string {
  const start = text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** The file's indentation unit, guessed from its first indented line (default two spaces). */
export function indentUnit(text: string): string {
  const m = /\n([ \t]+)\S/.exec(text);
  if (!m) return '  ';
  return m[1]!.startsWith('\t') ? '\t' : m[1]!.length >= 4 && m[1]!.length % 4 === 0 && !/\n {2}\S/.test(text) ? '    ' : '  ';
}
