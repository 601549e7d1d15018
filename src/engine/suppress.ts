/**
 * Suppression comments:
 *   // tracewire-disable-next-line <rule-id>[, <rule-id>...] -- <reason>
 *   /* tracewire-disable <rule-id>[, ...] -- <reason> *\/  ...  /* tracewire-enable <rule-id> *\/
 * A reason is required; unknown rule ids and suppressions that suppress nothing are reported. A comment
 * that looks like a directive but is not one (`tracewire-disable-nextline`, `tracewire-ignore`) is
 * reported with the directive it resembles, and suppresses nothing.
 */

import ts = require('typescript');
import { formatMessage } from './rule.js';
import type { Finding } from './types.js';

/** Message templates of the findings about suppression comments (the `suppression-comment` rule's messages). */
export const directiveMessages: Record<'unknownDirective' | 'missingRule' | 'unknownRule' | 'missingReason' | 'unusedSuppression', string> = {
  unknownDirective: '`{{ directive }}` is not a tracewire directive, so it suppresses nothing: did you mean `{{ suggestion }}`?',
  missingRule: 'This suppression names no rule: name the rule ids it silences, so it cannot hide future findings of other rules.',
  unknownRule: 'This suppression names an unknown rule {{ rules }}: it silences nothing; fix the id (see `tracewire rules`).',
  missingReason: 'This suppression has no reason: add ` -- <why this call needs no tracing>` so reviewers know why it is safe; until then it silences nothing.',
  unusedSuppression: 'This suppression of {{ rules }} suppresses nothing: remove it so it cannot hide a future finding.',
};

export interface Directive {
  /** `unknown`: a comment that resembles a directive and is none (it suppresses nothing and is reported). */
  kind: 'next-line' | 'disable' | 'enable' | 'unknown';
  /** For `unknown`: the word as written (`disable-nextline`) and the directive it resembles. */
  word?: string;
  suggestion?: string;
  rules: string[];
  reason: string | undefined;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Lines the directive covers (inclusive); computed for next-line and disable ranges. */
  from: number;
  to: number;
  used: boolean;
}

/** `tracewire-<word>` at the start of a comment, the word ending at the first character that cannot be in one. */
const RE = /^(?:\/\/|\/\*)\s*tracewire-([A-Za-z][\w-]*)([\s\S]*?)(?:\*\/)?$/;

const KINDS: Record<string, Directive['kind']> = { 'disable-next-line': 'next-line', disable: 'disable', enable: 'enable' };

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The directive a word that is none resembles (`disable-nextline` → `disable-next-line`, `ignore` →
 * `disable`), or undefined when the word is prose (`tracewire-fixture`, `tracewire-config`).
 */
export function resembledDirective(word: string): string | undefined {
  // Other linters' words for the same thing.
  const w = word.toLowerCase().replace(/_/g, '-').replace(/^(?:ignore|suppress|silence|off|skip|no)(?=-|$)/, 'disable').replace(/^(?:on|restore)(?=-|$)/, 'enable');
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of Object.keys(KINDS)) {
    const d = distance(w, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  // Close to a directive, or built on one (`disable-line`, `disable-file`, `enable-next-line`).
  if (bestD <= 3 || /^(?:disable|enable)/.test(w)) return best;
  return undefined;
}

/** Scan the comments of a file with the TypeScript scanner (so strings and templates are never mistaken for comments). */
export function scanDirectives(text: string, languageVariant: ts.LanguageVariant = ts.LanguageVariant.Standard): Directive[] {
  if (!text.includes('tracewire-')) return [];
  const out: Directive[] = [];
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, languageVariant, text);
  const lineStarts: number[] = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) lineStarts.push(i + 1);
    else if (ch === 13 && text.charCodeAt(i + 1) !== 10) lineStarts.push(i + 1);
    // U+2028 and U+2029 end lines too, for TypeScript (whose positions every other finding uses) and ESLint.
    else if (ch === 0x2028 || ch === 0x2029) lineStarts.push(i + 1);
  }
  const pos = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  for (let tok = scanner.scan(); tok !== ts.SyntaxKind.EndOfFileToken; tok = scanner.scan()) {
    if (tok !== ts.SyntaxKind.SingleLineCommentTrivia && tok !== ts.SyntaxKind.MultiLineCommentTrivia) {
      // Template literals and regexes need rescans to stay in sync; the scanner's token is enough for comments
      // everywhere else, and a missed comment inside a template is not a directive anyway.
      continue;
    }
    const start = scanner.getTokenStart();
    const end = scanner.getTokenEnd();
    const body = text.slice(start, end);
    const d = directiveOf(RE.exec(body.trim()), pos(start), pos(end));
    if (d) out.push(d);
  }
  return withRanges(out);
}

function directiveOf(m: RegExpExecArray | null, s: { line: number; column: number }, e: { line: number; column: number }): Directive | undefined {
  if (!m) return undefined;
  const word = m[1]!;
  const kind = KINDS[word];
  if (!kind) {
    // A misspelt or unknown directive: reported, and it suppresses nothing; a word that is no directive at all is prose.
    const suggestion = resembledDirective(word);
    return suggestion ? { kind: 'unknown', word, suggestion, rules: [], reason: undefined, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, from: 0, to: 0, used: false } : undefined;
  }
  const rest = m[2]!.trim();
  const sep = rest.indexOf('--');
  const idsText = sep >= 0 ? rest.slice(0, sep) : rest;
  const reason = sep >= 0 ? rest.slice(sep + 2).trim() || undefined : undefined;
  const rules = idsText
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);
  return { kind, rules, reason, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, from: 0, to: 0, used: false };
}

const LINE_RE = /^#\s*tracewire-([A-Za-z][\w-]*)([\s\S]*)$/;

/**
 * Suppression comments of a file whose comments run from a marker to the end of the line (`#` in YAML):
 * whole-line comments only, `# tracewire-disable-next-line <rule-id> -- <reason>`.
 */
export function scanLineDirectives(text: string, marker: '#'): Directive[] {
  if (!text.includes('tracewire-')) return [];
  const out: Directive[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((line, i) => {
    const at = line.search(/\S/);
    if (at < 0 || !line.startsWith(marker, at)) return;
    const body = line.slice(at).trimEnd();
    const d = directiveOf(LINE_RE.exec(body), { line: i + 1, column: at + 1 }, { line: i + 1, column: at + body.length + 1 });
    if (d) out.push(d);
  });
  return withRanges(out);
}

function withRanges(out: Directive[]): Directive[] {
  for (let i = 0; i < out.length; i++) {
    const d = out[i]!;
    if (d.kind === 'next-line') {
      d.from = d.endLine + 1;
      d.to = d.endLine + 1;
    } else if (d.kind === 'disable') {
      d.from = d.line;
      d.to = Number.MAX_SAFE_INTEGER;
      for (let j = i + 1; j < out.length; j++) {
        const e = out[j]!;
        if (e.kind === 'enable' && (e.rules.length === 0 || d.rules.some((r) => e.rules.includes(r)))) {
          d.to = e.line;
          break;
        }
      }
    }
  }
  return out;
}

/**
 * Drop suppressed findings and report malformed and unused directives. `dataOut`, when given, receives
 * the template data of each directive finding (for front ends that format messages themselves, like ESLint).
 */
export function applyDirectives(
  file: string,
  findings: Finding[],
  directives: Directive[],
  knownRules: Set<string>,
  severityOf: (messageId: string) => 'error' | 'warn' | 'off',
  dataOut?: Map<Finding, Record<string, string>>,
): Finding[] {
  if (directives.length === 0) return findings;
  const kept: Finding[] = [];
  for (const f of findings) {
    let suppressed = false;
    for (const d of directives) {
      if (d.kind === 'enable' || d.kind === 'unknown' || !d.reason) continue;
      if (f.line >= d.from && f.line <= d.to && d.rules.includes(f.ruleId)) {
        d.used = true;
        suppressed = true;
      }
    }
    if (!suppressed) kept.push(f);
  }
  const report = (d: Directive, messageId: keyof typeof directiveMessages, data?: Record<string, string>) => {
    const severity = severityOf(messageId);
    if (severity === 'off') return;
    const message = formatMessage(directiveMessages[messageId], data);
    const f: Finding = { ruleId: 'suppression-comment', severity, file, line: d.line, column: d.column, endLine: d.endLine, endColumn: d.endColumn, messageId, message };
    if (data) dataOut?.set(f, data);
    kept.push(f);
  };
  for (const d of directives) {
    if (d.kind === 'enable') continue;
    if (d.kind === 'unknown') {
      report(d, 'unknownDirective', { directive: `tracewire-${d.word}`, suggestion: `tracewire-${d.suggestion}` });
      continue;
    }
    const unknown = d.rules.filter((r) => !knownRules.has(r));
    if (d.rules.length === 0) report(d, 'missingRule');
    else if (unknown.length) report(d, 'unknownRule', { rules: unknown.map((u) => `"${u}"`).join(', ') });
    else if (!d.reason) report(d, 'missingReason');
    else if (!d.used) report(d, 'unusedSuppression', { rules: d.rules.join(', ') });
  }
  return kept;
}
