/**
 * PromQL, parsed with the grammar Prometheus's own UI uses (`@prometheus-io/lezer-promql`), turned into a
 * small typed tree, and type-checked the way Prometheus's parser checks an expression (argument types
 * and counts, aggregation parameters, binary operators, empty selectors), so an expression Prometheus
 * would reject is reported as a parse error with the same wording.
 *
 * Grafana queries carry template variables (`$job`, `${var:regex}`, `[[var]]`, `[$__rate_interval]`)
 * that are not PromQL: `templateQuery` replaces them with placeholders first (a duration inside range
 * brackets and after `offset`, an identifier elsewhere; strings are left alone) and keeps a map back to
 * the original offsets.
 *
 * Offsets in the tree are into the text that was parsed (after placeholders); `SourceMap.toOriginal`
 * maps them back.
 */

import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { promAggregationParams, promComparisons, promFunctions, promSetOperators, type PromType } from '../catalog/metrics/promql.js';

export interface Span {
  from: number;
  to: number;
}

export interface Matcher extends Span {
  label: string;
  labelSpan: Span;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export type Expr =
  | ({ k: 'selector'; name?: string; nameSpan?: Span; matchers: Matcher[] } & Span)
  | ({ k: 'matrix'; expr: Expr; range: string } & Span)
  | ({ k: 'subquery'; expr: Expr } & Span)
  | ({ k: 'call'; fn: string; fnSpan: Span; args: Expr[] } & Span)
  | ({ k: 'agg'; op: string; opSpan: Span; grouping?: { without: boolean; labels: LabelRef[] }; param?: Expr; expr?: Expr } & Span)
  | ({ k: 'binary'; op: string; opSpan: Span; lhs: Expr; rhs: Expr; bool: boolean; matching?: { on: boolean; labels: LabelRef[]; group?: { side: 'left' | 'right'; labels: LabelRef[] } } } & Span)
  | ({ k: 'unary'; op: string; expr: Expr } & Span)
  | ({ k: 'paren'; expr: Expr } & Span)
  /** `offset` and `@` modifiers: the type and series of the inner expression. */
  | ({ k: 'modifier'; expr: Expr } & Span)
  /** `duration`: a duration literal where a number goes (`1 + 5m`), only valid with Prometheus's duration-expression feature. */
  | ({ k: 'number'; value: number; duration?: string } & Span)
  | ({ k: 'string'; value: string } & Span)
  /** Syntax tracewire does not model (newer experimental modifiers): checked no further. */
  | ({ k: 'other' } & Span);

export interface LabelRef extends Span {
  label: string;
}

export interface PromError extends Span {
  message: string;
}

export interface ParsedQuery {
  expr?: Expr;
  /** Syntax and type errors (the first one is what Prometheus would report). */
  errors: PromError[];
}

// ---------------------------------------------------------------- Grafana templates

/** Prefix of the identifiers that stand for template variables: a selector named with it is fully templated. */
export const TEMPLATE_PREFIX = '__tw_var_';

export class SourceMap {
  /** Replaced segments, in order: original [from, to) became [at, at + length) in the parsed text. */
  constructor(readonly segments: { from: number; to: number; at: number; length: number }[] = []) {}

  /** An offset of the parsed text as an offset of the original (inside a placeholder: its start). */
  toOriginal(offset: number): number {
    let delta = 0;
    for (const s of this.segments) {
      if (offset < s.at) break;
      if (offset < s.at + s.length) return s.from;
      delta = s.to - (s.at + s.length);
    }
    return offset + delta;
  }
}

const VAR_RE = /\$\{[^}]*\}|\[\[[^\]]*\]\]|\$[A-Za-z_][A-Za-z0-9_]*/y;

/**
 * Grafana's query text with its template variables replaced by placeholders that keep the expression
 * parseable; `templated` when there was any.
 */
export function templateQuery(text: string): { text: string; map: SourceMap; templated: boolean } {
  const segments: SourceMap['segments'] = [];
  let out = '';
  let i = 0;
  let n = 0;
  let bracket = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === '`') {
      // Strings stay as they are: `{job=~"$job"}` is a regex over the variable's values.
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' && c !== '`' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '#') {
      const j = text.indexOf('\n', i);
      const end = j < 0 ? text.length : j;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    if (c === '[') bracket++;
    else if (c === ']') bracket = Math.max(0, bracket - 1);
    // `[[var]]` (Grafana's old syntax); in `x[[[var]]]` the first `[` is the range's.
    if (c === '$' || (c === '[' && text[i + 1] === '[' && text[i + 2] !== '[')) {
      VAR_RE.lastIndex = i;
      const m = VAR_RE.exec(text);
      if (m) {
        const before = out.trimEnd();
        const inDuration = (bracket > 0 && c !== '[') || /\boffset$/i.test(before) || /\[\s*$/.test(before) || /:\s*$/.test(before);
        const placeholder = inDuration ? '5m' : `${TEMPLATE_PREFIX}${n++}`;
        segments.push({ from: i, to: i + m[0].length, at: out.length, length: placeholder.length });
        out += placeholder;
        i += m[0].length;
        if (c === '[') bracket--;
        continue;
      }
    }
    out += c;
    i++;
  }
  return { text: out, map: new SourceMap(segments), templated: segments.length > 0 };
}

export function isTemplated(name: string): boolean {
  return name.includes(TEMPLATE_PREFIX);
}

// ---------------------------------------------------------------- parsing

/** Parse and type-check. `check: false` keeps only the syntax (dashboards: Grafana checks nothing more). */
export function parseQuery(text: string, opts: { check?: boolean } = {}): ParsedQuery {
  try {
    return parseChecked(text, opts);
  } catch (e) {
    if (e instanceof RangeError) return { errors: [{ from: 0, to: text.length, message: 'the expression nests too deeply to analyse' }] };
    throw e;
  }
}

function parseChecked(text: string, opts: { check?: boolean }): ParsedQuery {
  const tree = parser.parse(text);
  const errors: PromError[] = [];
  const top = tree.topNode;
  // The first syntax error, in Prometheus's words where we can tell.
  tree.iterate({
    enter(n) {
      if (errors.length) return false;
      if (!n.type.isError) return undefined;
      errors.push(syntaxError(text, n.node));
      return false;
    },
  });
  if (errors.length) return { errors };
  let root: SyntaxNode | null = top.firstChild;
  while (root && root.name === 'LineComment') root = root.nextSibling;
  if (!root) return { errors: [{ from: 0, to: text.length, message: 'no expression found in input' }] };
  const b = new Builder(text);
  const expr = b.expr(root);
  if (opts.check !== false) {
    const c = new Checker(errors);
    c.typeOf(expr);
  }
  errors.push(...b.errors);
  errors.sort((x, y) => x.from - y.from);
  return { expr, errors };
}

function syntaxError(text: string, n: SyntaxNode): PromError {
  // `foo(bar)`: an identifier followed by `(` that is not a function.
  const prev = n.prevSibling;
  if (text[n.from] === '(' && prev?.name === 'Identifier') {
    return { from: prev.from, to: prev.to, message: `unknown function with name ${JSON.stringify(text.slice(prev.from, prev.to))}` };
  }
  let at = n.from;
  while (at < text.length && /\s/.test(text[at]!)) at++;
  if (at >= text.length) return { from: text.length, to: text.length, message: 'unexpected end of input' };
  const token = /^(?:[A-Za-z_:][\w:]*|\d[\w.]*|"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|\S)/.exec(text.slice(at))![0];
  return { from: at, to: at + token.length, message: `unexpected ${JSON.stringify(token)}` };
}

const OPERATOR_NODES: Record<string, string> = {
  Pow: '^',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Add: '+',
  Sub: '-',
  Eql: '==',
  Neq: '!=',
  Gte: '>=',
  Gtr: '>',
  Lte: '<=',
  Lss: '<',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
  Atan2: 'atan2',
  TrimUpper: '</',
  TrimLower: '>/',
};

class Builder {
  readonly errors: PromError[] = [];
  constructor(readonly text: string) {}

  private slice(n: SyntaxNode | Span): string {
    return this.text.slice(n.from, n.to);
  }

  private children(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'LineComment') out.push(c);
    return out;
  }

  expr(n: SyntaxNode): Expr {
    const span = { from: n.from, to: n.to };
    switch (n.name) {
      case 'PromQL':
      case 'FunctionCallBody': {
        const inner = this.children(n)[0];
        return inner ? this.expr(inner) : { k: 'other', ...span };
      }
      case 'ParenExpr': {
        const inner = this.children(n)[0];
        return { k: 'paren', expr: inner ? this.expr(inner) : { k: 'other', ...span }, ...span };
      }
      case 'VectorSelector':
        return this.selector(n);
      case 'MatrixSelector': {
        const [sel, dur] = this.children(n);
        const expr = sel ? this.expr(sel) : ({ k: 'other', ...span } as Expr);
        if (expr.k !== 'selector') this.errors.push({ from: dur?.from ?? n.to, to: n.to, message: 'ranges only allowed for vector selectors' });
        const range = dur ? this.slice(dur) : '';
        if (dur && durationMs(range) === 0) this.errors.push({ from: dur.from, to: dur.to, message: 'duration must be greater than 0' });
        return { k: 'matrix', expr, range, ...span };
      }
      case 'SubqueryExpr': {
        const inner = this.children(n)[0];
        return { k: 'subquery', expr: inner ? this.expr(inner) : { k: 'other', ...span }, ...span };
      }
      case 'OffsetExpr':
      case 'StepInvariantExpr':
      case 'AnchoredExpr':
      case 'SmoothedExpr': {
        const inner = this.children(n)[0];
        return { k: 'modifier', expr: inner ? this.expr(inner) : { k: 'other', ...span }, ...span };
      }
      case 'FunctionCall': {
        const kids = this.children(n);
        const id = kids.find((c) => c.name === 'FunctionIdentifier');
        const body = kids.find((c) => c.name === 'FunctionCallBody');
        const args = body ? this.children(body).map((c) => this.expr(c)) : [];
        return { k: 'call', fn: id ? this.slice(id) : '', fnSpan: id ? { from: id.from, to: id.to } : span, args, ...span };
      }
      case 'AggregateExpr': {
        const kids = this.children(n);
        const opNode = kids.find((c) => c.name === 'AggregateOp');
        const mod = kids.find((c) => c.name === 'AggregateModifier');
        const body = kids.find((c) => c.name === 'FunctionCallBody');
        const args = body ? this.children(body).map((c) => this.expr(c)) : [];
        const op = opNode ? this.slice(opNode).toLowerCase() : '';
        const hasParam = op in promAggregationParams;
        let grouping: { without: boolean; labels: LabelRef[] } | undefined;
        if (mod) {
          const parts = this.children(mod);
          grouping = { without: parts.some((p) => p.name === 'Without'), labels: this.groupingLabels(parts.find((p) => p.name === 'GroupingLabels')) };
        }
        return {
          k: 'agg',
          op,
          opSpan: opNode ? { from: opNode.from, to: opNode.to } : span,
          grouping,
          param: hasParam ? args[0] : undefined,
          expr: hasParam ? args[1] : args[0],
          ...span,
          ...(args.length > (hasParam ? 2 : 1) ? { extra: true } : {}),
        } as Expr;
      }
      case 'BinaryExpr': {
        const kids = this.children(n);
        const lhs = kids[0]!;
        const rhs = kids[kids.length - 1]!;
        const opNode = kids.find((c) => c.name in OPERATOR_NODES);
        const bool = kids.some((c) => c.name === 'BoolModifier');
        const clause = kids.find((c) => c.name === 'MatchingModifierClause');
        let matching: Extract<Expr, { k: 'binary' }>['matching'];
        if (clause) {
          const parts = this.children(clause);
          const lists = parts.filter((p) => p.name === 'GroupingLabels');
          const groupNode = parts.find((p) => p.name === 'GroupLeft' || p.name === 'GroupRight');
          matching = {
            on: parts.some((p) => p.name === 'On'),
            labels: this.groupingLabels(lists[0]),
            ...(groupNode ? { group: { side: groupNode.name === 'GroupLeft' ? 'left' : 'right', labels: this.groupingLabels(lists[1]) } } : {}),
          } as NonNullable<typeof matching>;
        }
        return {
          k: 'binary',
          op: opNode ? OPERATOR_NODES[opNode.name]! : '?',
          opSpan: opNode ? { from: opNode.from, to: opNode.to } : span,
          lhs: this.expr(lhs),
          rhs: this.expr(rhs),
          bool,
          matching,
          ...span,
        };
      }
      case 'UnaryExpr': {
        const kids = this.children(n);
        const inner = kids[kids.length - 1];
        return { k: 'unary', op: kids[0] ? this.slice(kids[0]) : '-', expr: inner ? this.expr(inner) : { k: 'other', ...span }, ...span };
      }
      case 'NumberDurationLiteral': {
        const t = this.slice(n);
        const num = parseNumber(t);
        if (num === undefined) {
          const ms = durationMs(t);
          if (ms === undefined) this.errors.push({ ...span, message: `bad number or duration syntax: ${JSON.stringify(t)}` });
          return { k: 'number', value: (ms ?? 0) / 1000, duration: t, ...span };
        }
        return { k: 'number', value: num, ...span };
      }
      case 'StringLiteral':
        return { k: 'string', value: this.unquote(n), ...span };
      default:
        return { k: 'other', ...span };
    }
  }

  private groupingLabels(n: SyntaxNode | undefined): LabelRef[] {
    if (!n) return [];
    const out: LabelRef[] = [];
    for (const c of this.children(n)) {
      if (c.name === 'LabelName') out.push({ label: this.slice(c), from: c.from, to: c.to });
      else if (c.name === 'QuotedLabelName') out.push({ label: this.unquote(c.firstChild ?? c), from: c.from, to: c.to });
    }
    return out;
  }

  private selector(n: SyntaxNode): Expr {
    const span = { from: n.from, to: n.to };
    const sel: Extract<Expr, { k: 'selector' }> = { k: 'selector', matchers: [], ...span };
    for (const c of this.children(n)) {
      if (c.name === 'Identifier' || c.name === 'MetricName') {
        sel.name = this.slice(c);
        sel.nameSpan = { from: c.from, to: c.to };
      } else if (c.name === 'LabelMatchers') {
        for (const m of this.children(c)) {
          if (m.name === 'QuotedLabelName') {
            // `{"metric.name", ...}`: the metric name in Prometheus 3's quoted syntax.
            const name = this.unquote(m.firstChild ?? m);
            if (sel.name !== undefined) this.errors.push({ from: m.from, to: m.to, message: `metric name must not be set twice: ${JSON.stringify(sel.name)} or ${JSON.stringify(name)}` });
            sel.name = name;
            sel.nameSpan = { from: m.from, to: m.to };
            continue;
          }
          if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher') continue;
          const parts = this.children(m);
          const labelNode = parts[0];
          const opNode = parts.find((p) => p.name === 'MatchOp');
          const valueNode = parts[parts.length - 1];
          if (!labelNode || !opNode || !valueNode || valueNode.name !== 'StringLiteral') continue;
          const label = labelNode.name === 'QuotedLabelName' ? this.unquote(labelNode.firstChild ?? labelNode) : this.slice(labelNode);
          sel.matchers.push({
            label,
            labelSpan: { from: labelNode.from, to: labelNode.to },
            op: this.slice(opNode) as Matcher['op'],
            value: this.unquote(valueNode),
            from: m.from,
            to: m.to,
          });
        }
      }
    }
    const nameMatcher = sel.matchers.find((m) => m.label === '__name__' && m.op === '=');
    if (nameMatcher) {
      if (sel.name !== undefined) this.errors.push({ from: sel.from, to: sel.to, message: `metric name must not be set twice: ${JSON.stringify(sel.name)} or ${JSON.stringify(nameMatcher.value)}` });
      else {
        sel.name = nameMatcher.value;
        sel.nameSpan = { from: nameMatcher.from, to: nameMatcher.to };
      }
    }
    if (sel.name === undefined && !sel.matchers.some((m) => !matchesEmpty(m))) {
      this.errors.push({ ...span, message: 'vector selector must contain at least one non-empty matcher' });
    }
    for (const m of sel.matchers) {
      if (m.op !== '=~' && m.op !== '!~') continue;
      const problem = regexProblem(m.value);
      if (problem) this.errors.push({ from: m.from, to: m.to, message: `error parsing regexp: ${problem}` });
    }
    return sel;
  }

  private unquote(n: SyntaxNode): string {
    return unquote(this.slice(n));
  }
}

/** A Go-syntax string literal's value (PromQL strings: double, single or back quotes). */
export function unquote(lit: string): string {
  const q = lit[0];
  if (q === '`') return lit.slice(1, -1);
  const body = lit.slice(1, lit.length > 1 && lit[lit.length - 1] === q ? -1 : undefined);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x':
        out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
        i += 2;
        break;
      case 'u':
        out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 5), 16));
        i += 4;
        break;
      case 'U':
        out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 9), 16));
        i += 8;
        break;
      default:
        if (e !== undefined && /[0-7]/.test(e)) {
          out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
          i += 2;
        } else out += e ?? '';
    }
  }
  return out;
}

function parseNumber(t: string): number | undefined {
  const l = t.toLowerCase();
  if (l === 'inf' || l === '+inf') return Infinity;
  if (l === '-inf') return -Infinity;
  if (l === 'nan') return NaN;
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t, 16);
  if (/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  return undefined;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** A PromQL duration literal (`1h30m`, `500ms`) in milliseconds; undefined when it is not one. */
export function durationMs(t: string): number | undefined {
  const re = /(\d+)(ms|s|m|h|d|w|y)/y;
  let i = 0;
  let total = 0;
  if (!t) return undefined;
  while (i < t.length) {
    re.lastIndex = i;
    const m = re.exec(t);
    if (!m) return undefined;
    total += Number(m[1]) * UNITS[m[2]!]!;
    i = re.lastIndex;
  }
  return total;
}

// ---------------------------------------------------------------- regular expressions (RE2 → JavaScript)

/** An RE2 pattern as a JavaScript RegExp anchored as Prometheus anchors it, or an error. */
export function promRegex(source: string): RegExp | { error: string } {
  let flags = '';
  let body = source;
  // Leading flag groups `(?i)`, `(?s)`: JavaScript only has them as flags.
  for (;;) {
    const m = /^\(\?([imsU]+)\)/.exec(body);
    if (!m) break;
    for (const f of m[1]!) if (f !== 'U' && !flags.includes(f)) flags += f;
    body = body.slice(m[0].length);
  }
  body = body.replace(/\(\?P</g, '(?<').replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_, lit: string) => lit.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  try {
    return new RegExp(`^(?:${body})$`, flags);
  } catch (e) {
    return { error: (e as Error).message.replace(/^Invalid regular expression: /, '') };
  }
}

function regexProblem(source: string): string | undefined {
  const r = promRegex(source);
  if (!(r instanceof RegExp)) {
    // RE2 syntax JavaScript lacks (POSIX classes, \pN, (?flags:...)) is not an error: only clear breakage is.
    if (/\[\[:|\\p|\\P|\(\?[a-zA-Z]*:|\\C|\\z|\\A/.test(source)) return undefined;
    return r.error;
  }
  return undefined;
}

/** Whether a matcher matches the empty string, i.e. also series without the label (undefined: cannot tell). */
export function matchesEmpty(m: Pick<Matcher, 'op' | 'value'>): boolean {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
    case '!~': {
      const r = promRegex(m.value);
      const hit = r instanceof RegExp ? r.test('') : false;
      return m.op === '=~' ? hit : !hit;
    }
  }
}

// ---------------------------------------------------------------- type checking

const TYPE_NAMES: Record<PromType, string> = { vector: 'instant vector', matrix: 'range vector', scalar: 'scalar', string: 'string' };

class Checker {
  constructor(readonly errors: PromError[]) {}

  private fail(at: Span, message: string): void {
    this.errors.push({ from: at.from, to: at.to, message });
  }

  private expect(e: Expr, want: PromType, context: string): void {
    const got = this.typeOf(e);
    if (got && got !== want) this.fail(e, `expected type ${TYPE_NAMES[want]} in ${context}, got ${TYPE_NAMES[got]}`);
  }

  /** The expression's type, checking it on the way (undefined: not modelled). */
  typeOf(e: Expr): PromType | undefined {
    switch (e.k) {
      case 'selector':
        return 'vector';
      case 'matrix':
        this.typeOf(e.expr);
        return 'matrix';
      case 'subquery': {
        const t = this.typeOf(e.expr);
        if (t && t !== 'vector') this.fail(e.expr, `subquery is only allowed on instant vector, got ${TYPE_NAMES[t]} instead`);
        return 'matrix';
      }
      case 'paren':
      case 'modifier':
        return this.typeOf(e.expr);
      case 'number':
        if (e.duration !== undefined) this.fail(e, `unexpected duration ${JSON.stringify(e.duration)}`);
        return 'scalar';
      case 'string':
        return 'string';
      case 'unary': {
        const t = this.typeOf(e.expr);
        if (t && t !== 'scalar' && t !== 'vector') this.fail(e, `unary expression only allowed on expressions of type scalar or instant vector, got ${JSON.stringify(TYPE_NAMES[t])}`);
        return t;
      }
      case 'call': {
        const f = promFunctions[e.fn];
        if (!f) {
          this.fail(e.fnSpan, `unknown function with name ${JSON.stringify(e.fn)}`);
          for (const a of e.args) this.typeOf(a);
          return undefined;
        }
        const n = f.args.length;
        if (!f.variadic) {
          if (n !== e.args.length) this.fail(e, `expected ${n} argument(s) in call to ${JSON.stringify(e.fn)}, got ${e.args.length}`);
        } else {
          const min = n - 1;
          if (min > e.args.length) this.fail(e, `expected at least ${min} argument(s) in call to ${JSON.stringify(e.fn)}, got ${e.args.length}`);
          else if (f.variadic > 0 && min + f.variadic < e.args.length) this.fail(e, `expected at most ${min + f.variadic} argument(s) in call to ${JSON.stringify(e.fn)}, got ${e.args.length}`);
        }
        e.args.forEach((a, i) => {
          let j = i;
          if (j >= n) {
            if (!f.variadic) {
              this.typeOf(a);
              return;
            }
            j = n - 1;
          }
          this.expect(a, f.args[j]!, `call to function ${JSON.stringify(e.fn)}`);
        });
        return f.returns;
      }
      case 'agg': {
        if ((e as { extra?: boolean }).extra) this.fail(e, `wrong number of arguments for aggregate expression provided, expected ${e.op in promAggregationParams ? 2 : 1}`);
        const want = promAggregationParams[e.op];
        if (want) {
          if (!e.param) this.fail(e, `wrong number of arguments for aggregate expression provided, expected 2, got 1`);
          else this.expect(e.param, want, 'aggregation parameter');
        }
        if (!e.expr) this.fail(e, 'no arguments for aggregate expression provided');
        else this.expect(e.expr, 'vector', 'aggregation expression');
        return 'vector';
      }
      case 'binary': {
        const lt = this.typeOf(e.lhs);
        const rt = this.typeOf(e.rhs);
        const comparison = promComparisons.includes(e.op);
        const set = promSetOperators.includes(e.op);
        if (e.bool && !comparison) this.fail(e.opSpan, 'bool modifier can only be used on comparison operators');
        if (comparison && !e.bool && lt === 'scalar' && rt === 'scalar') this.fail(e.opSpan, 'comparisons between scalars must use BOOL modifier');
        for (const [t, side] of [
          [lt, e.lhs],
          [rt, e.rhs],
        ] as const) {
          if (t && t !== 'scalar' && t !== 'vector') {
            this.fail(side, 'binary expression must contain only scalar and instant vector types');
            return undefined;
          }
        }
        if (set && (lt === 'scalar' || rt === 'scalar')) this.fail(e.lhs, `set operator ${JSON.stringify(e.op)} not allowed in binary scalar expression`);
        if (e.matching && (lt === 'scalar' || rt === 'scalar')) this.fail(e.lhs, 'vector matching only allowed between instant vectors');
        if (e.matching?.group) {
          if (set) this.fail(e.opSpan, `no grouping allowed for ${JSON.stringify(e.op)} operation`);
          if (e.matching.on) {
            for (const l of e.matching.group.labels) {
              if (e.matching.labels.some((x) => x.label === l.label)) this.fail(e.opSpan, `label ${JSON.stringify(l.label)} must not occur in ON and GROUP clause at once`);
            }
          }
        }
        if (lt === undefined || rt === undefined) return undefined;
        return lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
      }
      case 'other':
        return undefined;
    }
  }
}

/** The expression's node kinds down the tree, depth first (for walking selectors and calls). */
export function* walk(e: Expr | undefined): Generator<Expr> {
  if (!e) return;
  yield e;
  switch (e.k) {
    case 'matrix':
    case 'subquery':
    case 'paren':
    case 'modifier':
    case 'unary':
      yield* walk(e.expr);
      break;
    case 'call':
      for (const a of e.args) yield* walk(a);
      break;
    case 'agg':
      yield* walk(e.param);
      yield* walk(e.expr);
      break;
    case 'binary':
      yield* walk(e.lhs);
      yield* walk(e.rhs);
      break;
    default:
      break;
  }
}
