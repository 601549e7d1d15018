/**
 * Baselines: record today's findings so that later runs fail only on new ones.
 *
 * A finding's fingerprint must survive edits that do not touch it: lines added or removed above it,
 * code reformatted elsewhere in the file, the whole project re-run from another directory. It is a hash
 * of the rule id, the message id, the file (relative to the baseline file) and the finding's own source
 * text, normalised so that whitespace, quote style and trailing commas do not count, and cut after
 * ANCHOR_CHARS characters so that an edit deep inside a long call's arguments does not make it new.
 * Findings whose hash is the same (the same call written twice in a file) are told apart by an occurrence
 * index (`<hash>:<n>`, in file order); matching a run against the baseline pairs equal hashes and, among
 * duplicates, the ones closest in line order, so adding a second identical call above an old one reports
 * the new one.
 */

import { createHash } from 'node:crypto';
import path from 'node:path';
import ts = require('typescript');
import { describeCode, projectBoundary, readRegularFile, writeFileAtomic } from '../safe-fs.js';
import { UsageError } from './files.js';
import type { Finding } from './types.js';

export const BASELINE_FILE = 'tracewire-baseline.json';

/** Normalised source characters that make a finding's anchor. */
const ANCHOR_CHARS = 160;

export interface BaselineEntry {
  /** `<hash>:<occurrence>`: see the module comment. */
  fingerprint: string;
  ruleId: string;
  messageId: string;
  /** Relative to the baseline file's directory, with `/`. */
  file: string;
  /** Where the finding was when recorded (for people reading the file; matching does not use it except to order duplicates). */
  line: number;
}

export interface BaselineFile {
  version: 1;
  entries: BaselineEntry[];
}

/** Offsets where lines start, with the line terminators TypeScript counts (CR, LF, CRLF, U+2028, U+2029). */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (ch === 10 || ch === 0x2028 || ch === 0x2029) starts.push(i + 1);
  }
  return starts;
}

/** The 1-based line and UTF-16 column of an offset. */
export function positionOf(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
}

/** Offsets of 1-based line/column positions (UTF-16 columns, the engine's). */
export function offsetOf(lineStarts: readonly number[], text: string, line: number, column: number): number {
  const start = lineStarts[Math.min(Math.max(line - 1, 0), lineStarts.length - 1)] ?? 0;
  return Math.min(start + Math.max(column - 1, 0), text.length);
}

/** The finding's source text with formatting removed: no whitespace or comments, one quote style, no trailing commas. */
export function normalizeSource(text: string): string {
  let out = '';
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  // A scanner, not a regex: `//` inside a string or a URL is not a comment.
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) continue;
    if (kind === ts.SyntaxKind.WhitespaceTrivia || kind === ts.SyntaxKind.NewLineTrivia) continue;
    let tok = scanner.getTokenText();
    if (kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral) tok = '"' + tok.slice(1, -1) + '"';
    out += tok.replace(/\s+/g, '');
  }
  return out.replace(/,(?=[)\]}>])/g, '');
}

export function anchorOf(text: string, lineStarts: readonly number[], f: Pick<Finding, 'line' | 'column' | 'endLine' | 'endColumn'>): string {
  const start = offsetOf(lineStarts, text, f.line, f.column);
  const end = Math.max(start, offsetOf(lineStarts, text, f.endLine, f.endColumn));
  // Normalise a little more than the anchor needs (whitespace shrinks), then cut.
  return normalizeSource(text.slice(start, Math.min(end, start + ANCHOR_CHARS * 8))).slice(0, ANCHOR_CHARS);
}

function hashOf(ruleId: string, messageId: string, file: string, anchor: string): string {
  return createHash('sha256').update(`${ruleId}\0${messageId}\0${file}\0${anchor}`).digest('hex').slice(0, 24);
}

export interface Fingerprinted {
  finding: Finding;
  /** `<hash>:<occurrence>` */
  fingerprint: string;
  hash: string;
  /** The file relative to the fingerprint root, with `/`. */
  file: string;
}

/**
 * Fingerprints of `findings` (sorted as the engine sorts them). `abs(f)` gives a finding's absolute path,
 * `text(abs)` its source as the engine read it (the index for `--staged`), `root` the directory paths are
 * taken relative to (the baseline file's).
 */
export function fingerprintFindings(
  findings: readonly Finding[],
  opts: { root: string; abs: (f: Finding) => string; text: (abs: string) => string | undefined },
): Fingerprinted[] {
  const cache = new Map<string, { text: string; lineStarts: readonly number[] } | null>();
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const abs = opts.abs(finding);
    let src = cache.get(abs);
    if (src === undefined) {
      const t = opts.text(abs);
      src = t === undefined ? null : { text: t, lineStarts: lineStartsOf(t) };
      cache.set(abs, src);
    }
    const file = relPath(opts.root, abs);
    // Without the text (a file gone since), the rule's own position is all there is.
    const anchor = src ? anchorOf(src.text, src.lineStarts, finding) : `@${finding.line}:${finding.column}`;
    const hash = hashOf(finding.ruleId, finding.messageId, file, anchor);
    const n = seen.get(`${file}\0${hash}`) ?? 0;
    seen.set(`${file}\0${hash}`, n + 1);
    return { finding, fingerprint: `${hash}:${n}`, hash, file };
  });
}

export function relPath(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

const hashPart = (fp: string): string => fp.replace(/:\d+$/, '');

/**
 * Pair current findings with baseline entries of the same hash. Within a group of duplicates, the pairing
 * keeps line order and minimises the total line distance, so the surplus (new findings, or stale entries)
 * is the one farthest from where the others were.
 */
export function matchBaseline(
  current: readonly Fingerprinted[],
  entries: readonly BaselineEntry[],
): { matched: { current: Fingerprinted; entry: BaselineEntry }[]; fresh: Fingerprinted[]; stale: BaselineEntry[] } {
  const groups = new Map<string, { cur: Fingerprinted[]; base: BaselineEntry[] }>();
  const group = (file: string, hash: string) => {
    const k = `${file}\0${hash}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { cur: [], base: [] }));
    return g;
  };
  for (const c of current) group(c.file, c.hash).cur.push(c);
  for (const e of entries) group(e.file, hashPart(e.fingerprint)).base.push(e);
  const matched: { current: Fingerprinted; entry: BaselineEntry }[] = [];
  const fresh: Fingerprinted[] = [];
  const stale: BaselineEntry[] = [];
  for (const { cur, base } of groups.values()) {
    cur.sort((a, b) => a.finding.line - b.finding.line || a.finding.column - b.finding.column);
    base.sort((a, b) => a.line - b.line);
    const pairs = alignByLine(
      cur.map((c) => c.finding.line),
      base.map((b) => b.line),
    );
    const usedCur = new Set<number>();
    const usedBase = new Set<number>();
    for (const [i, j] of pairs) {
      usedCur.add(i);
      usedBase.add(j);
      matched.push({ current: cur[i]!, entry: base[j]! });
    }
    cur.forEach((c, i) => usedCur.has(i) || fresh.push(c));
    base.forEach((b, j) => usedBase.has(j) || stale.push(b));
  }
  return { matched, fresh, stale };
}

/** Order-preserving pairing of min(a, b) elements minimising the sum of |a[i] - b[j]| (a small DP; groups are tiny). */
function alignByLine(a: number[], b: number[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  if (!n || !m) return [];
  if (n === m) return a.map((_, i) => [i, i]);
  // Pair every element of the shorter list with a distinct element of the longer one, in order.
  const short = n < m ? a : b;
  const long = n < m ? b : a;
  const S = short.length;
  const L = long.length;
  // cost[i][j]: best cost pairing short[0..i) within long[0..j).
  const INF = Number.POSITIVE_INFINITY;
  const cost: number[][] = Array.from({ length: S + 1 }, () => new Array<number>(L + 1).fill(INF));
  for (let j = 0; j <= L; j++) cost[0]![j] = 0;
  for (let i = 1; i <= S; i++) {
    for (let j = i; j <= L; j++) {
      const skip = cost[i]![j - 1]!;
      const take = cost[i - 1]![j - 1]! + Math.abs(short[i - 1]! - long[j - 1]!);
      cost[i]![j] = Math.min(skip, take);
    }
  }
  const pairs: [number, number][] = [];
  let i = S;
  let j = L;
  while (i > 0) {
    if (j > i && cost[i]![j] === cost[i]![j - 1]) j--;
    else {
      pairs.push(n < m ? [i - 1, j - 1] : [j - 1, i - 1]);
      i--;
      j--;
    }
  }
  return pairs.reverse();
}

export function readBaseline(file: string): BaselineFile {
  let raw: string;
  try {
    // Not through a link (the project is the repository), and never blocking on a FIFO.
    raw = readRegularFile(file, { noFollow: true }).toString('utf8');
  } catch (e) {
    throw new UsageError(`cannot read the baseline ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (create it with `tracewire baseline`)' : describeCode(e)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const d = data as Partial<BaselineFile> | null;
  if (!d || typeof d !== 'object' || d.version !== 1 || !Array.isArray(d.entries)) {
    throw new UsageError(`${file}: not a tracewire baseline (expected {"version": 1, "entries": [...]})`);
  }
  d.entries.forEach((e, i) => {
    const ok =
      e &&
      typeof e === 'object' &&
      typeof e.fingerprint === 'string' &&
      /^[0-9a-f]+:\d+$/.test(e.fingerprint) &&
      typeof e.ruleId === 'string' &&
      typeof e.messageId === 'string' &&
      typeof e.file === 'string' &&
      typeof e.line === 'number';
    if (!ok) throw new UsageError(`${file}: entries[${i}]: expected { fingerprint: "<hash>:<n>", ruleId, messageId, file, line }`);
  });
  return { version: 1, entries: d.entries };
}

export function serializeBaseline(entries: readonly BaselineEntry[]): string {
  const sorted = [...entries].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (a.fingerprint < b.fingerprint ? -1 : 1),
  );
  const lines = sorted.map((e) => '    ' + JSON.stringify({ fingerprint: e.fingerprint, ruleId: e.ruleId, messageId: e.messageId, file: e.file, line: e.line }));
  return `{\n  "version": 1,\n  "entries": [${lines.length ? '\n' + lines.join(',\n') + '\n  ' : ''}]\n}\n`;
}

/**
 * Write atomically (a reader never sees half a baseline) and through no link: `cwd` sets the project
 * whose links are never followed (see safe-fs.ts).
 */
export function writeBaseline(file: string, entries: readonly BaselineEntry[], cwd = path.dirname(file)): void {
  writeFileAtomic(file, serializeBaseline(entries), { boundary: projectBoundary(cwd), label: path.relative(cwd, file) || file, what: 'the baseline' });
}

export function toEntry(f: Fingerprinted): BaselineEntry {
  return { fingerprint: f.fingerprint, ruleId: f.finding.ruleId, messageId: f.finding.messageId, file: f.file, line: f.finding.line };
}
