/**
 * `observability-query-metrics`: every query of the project's Prometheus rule files and Grafana
 * dashboards against the metric catalogue of its code.
 */

import path from 'node:path';
import { globbySync } from 'globby';
import { DEFAULT_IGNORES } from '../../src/engine/files.js';
import { otherLanguageManifests } from '../catalog/metrics/exposition.js';
import type { ProjectRuleContext, Report } from '../../src/engine/rule.js';
import type { MetricInventory, MetricUsage } from '../../src/engine/types.js';
import { promCounterFunctions, promGaugeFunctions, promLabelPreservingFunctions } from '../catalog/metrics/promql.js';
import { Catalogue, closest, kindWord, type Lookup, type MetricDef, type Series } from './catalogue.js';
import { looksLikeLogQL, type ObservabilityFile, type QueryRef, readObservabilityFile } from './files.js';
import { type Expr, isTemplated, type Matcher, matchesEmpty, parseQuery, SourceMap, type Span, templateQuery, walk } from './promql.js';
import { LineIndex, spanIn } from './sources.js';

interface ParsedRef {
  file: string;
  query: QueryRef;
  expr?: Expr;
  /** Offsets of the parsed text back to the query's value. */
  map: SourceMap;
  /** Offset of the parsed text inside the query's value (variable queries parse a part of it). */
  base: number;
}

interface FileState {
  file: string;
  reported: boolean;
  doc: ObservabilityFile;
  lines: LineIndex;
  broken: boolean;
}

const ABSENT_CONSEQUENCE: Record<QueryRef['kind'], string> = {
  alert: '`absent()` is always true and the alert fires all the time',
  record: '`absent()` is always true and the recorded series is constant',
  panel: '`absent()` is always 1 and the panel shows a permanent alarm',
  variable: 'the variable offers no useful values',
};

const CONSEQUENCE: Record<QueryRef['kind'], string> = {
  alert: 'the alert can never fire',
  record: 'the recorded series stays empty, and so does everything built on it',
  panel: 'the panel shows "No data"',
  variable: 'the variable offers no values',
};

export function checkObservability(ctx: ProjectRuleContext<unknown>): void {
  const files: FileState[] = [];
  for (const input of ctx.inputs) {
    const doc = readObservabilityFile(input.file, input.text);
    if (doc.kind === 'none') continue;
    files.push({ file: input.file, reported: input.reported, doc, lines: new LineIndex(input.text), broken: false });
  }
  const foreign = otherLanguageCode(ctx);
  const catalogue = new Catalogue({
    facts: ctx.facts,
    config: ctx.config,
    declaredVersion: ctx.declaredVersion,
    readText: ctx.readText,
    configTargetLabels: files.flatMap((f) => f.doc.targetLabels),
    operator: files.some((f) => f.doc.operator),
  });

  // Parse every query; a rule file Prometheus would reject is an error, not a source of findings.
  const parsed: ParsedRef[] = [];
  const invalid: { f: FileState; ref: ParsedRef; message: string; span: Span }[] = [];
  for (const f of files) {
    if (f.doc.errors.length) {
      f.broken = true;
      const e = f.doc.errors[0]!;
      const p = f.lines.pos(e.offset);
      ctx.fileError(f.file, `parse error at ${p.line}:${p.column}: ${e.message}`);
      continue;
    }
    // Loki's ruler reads the same format: LogQL rules are not this rule's to check.
    if (f.doc.kind === 'rules' && f.doc.queries.some((q) => looksLikeLogQL(q.loc.value))) continue;
    const mine: ParsedRef[] = [];
    for (const q of f.doc.queries) {
      for (const r of parseRef(f.file, q)) {
        if (r.error) {
          if (!q.grafana) {
            f.broken = true;
            const at = fileSpan(f, r.ref, r.error);
            const p = f.lines.pos(at.start);
            ctx.fileError(f.file, `parse error at ${p.line}:${p.column}: ${q.kind === 'record' ? 'recording rule' : 'alerting rule'} ${JSON.stringify(q.name ?? '')}: could not parse expression: ${r.error.message}`);
          } else if (!q.maybeOther) invalid.push({ f, ref: r.ref, message: r.error.message, span: r.error });
          continue;
        }
        mine.push(r.ref);
      }
      if (f.broken) break;
    }
    if (!f.broken) parsed.push(...mine);
  }

  // Recording rules: their outputs are known series, with the labels their expressions keep.
  const records = files.filter((f) => !f.broken).flatMap((f) => f.doc.records.map((r) => ({ f, r, ref: parsed.find((p) => p.query === r.query) })));
  for (const { r } of records) catalogue.addRecorded(r.name, undefined);
  // Rounds, for recording rules built on recording rules; a name recorded by several rules has the labels of all.
  for (let round = 0; round < 3; round++) {
    const merged = new Map<string, Set<string> | undefined>();
    for (const { r, ref } of records) {
      const own = ref?.expr ? outputLabels(ref.expr, catalogue) : undefined;
      const labels = own ? new Set([...own, ...r.labels]) : undefined;
      const prev = merged.has(r.name) ? merged.get(r.name) : new Set<string>();
      merged.set(r.name, prev && labels ? new Set([...prev, ...labels]) : undefined);
    }
    for (const [name, labels] of merged) catalogue.addRecorded(name, labels);
  }

  const usage = new Map<MetricDef, MetricUsage[]>();
  const reporter = new Reporter(ctx, catalogue, files, usage, foreign);
  for (const { f, ref, message, span } of invalid) if (f.reported) reporter.report(f, ref, span, 'invalidQuery', { message, what: whatOf(ref.query) });
  for (const ref of parsed) {
    try {
      reporter.check(ref);
    } catch (e) {
      // An expression too deep for the checks' recursion: nothing is reported on it.
      if (!(e instanceof RangeError)) throw e;
    }
  }

  ctx.inventory(inventory(catalogue, usage, ctx));
}

function whatOf(q: QueryRef): string {
  const name = q.name ? ` ${JSON.stringify(q.name)}` : '';
  switch (q.kind) {
    case 'alert':
      return `alerting rule${name}`;
    case 'record':
      return `recording rule${name}`;
    case 'panel':
      return `panel${name}`;
    case 'variable':
      return `variable${name}`;
  }
}

/** The queries of a query reference to parse (variables: the PromQL inside `label_values(...)`, `query_result(...)`). */
function parseRef(file: string, q: QueryRef): { ref: ParsedRef; error?: { from: number; to: number; message: string } }[] {
  let text = q.loc.value;
  let base = 0;
  if (q.variable?.fn === 'label_values') {
    if (q.variable.selectorTo <= q.variable.selectorFrom || text.slice(q.variable.selectorFrom, q.variable.selectorTo).trim() === '') return [];
    base = q.variable.selectorFrom;
    text = text.slice(q.variable.selectorFrom, q.variable.selectorTo);
  } else if (q.variable?.fn === 'query_result') {
    base = q.variable.from;
    text = text.slice(q.variable.from, q.variable.to);
  }
  const t = q.grafana ? templateQuery(text) : { text, map: new SourceMap(), templated: false };
  const r = parseQuery(t.text, { check: !q.grafana });
  const ref: ParsedRef = { file, query: q, expr: r.expr, map: t.map, base };
  if (r.errors.length) return [{ ref, error: r.errors[0] }];
  return [{ ref }];
}

function fileSpan(f: FileState, ref: ParsedRef, span: Span): { start: number; end: number } {
  const from = ref.base + ref.map.toOriginal(span.from);
  const to = ref.base + ref.map.toOriginal(Math.max(span.from, span.to));
  return spanIn(ref.query.loc, from, to);
}

class Reporter {
  private readonly seen = new Set<string>();
  private readonly byFile: Map<string, FileState>;

  constructor(
    readonly ctx: ProjectRuleContext<unknown>,
    readonly catalogue: Catalogue,
    files: FileState[],
    readonly usage: Map<MetricDef, MetricUsage[]>,
    /** Build manifests of services in other languages (relative paths). */
    readonly foreign: string[],
  ) {
    this.byFile = new Map(files.map((f) => [f.file, f]));
  }

  report(f: FileState, ref: ParsedRef, span: Span, messageId: string, data: Report['data'], severity?: 'warn'): void {
    const at = fileSpan(f, ref, span);
    const s = f.lines.pos(at.start);
    const e = f.lines.pos(at.end);
    const key = `${f.file}:${at.start}:${messageId}:${JSON.stringify(data)}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.ctx.report(f.file, { range: { start: at.start, end: at.end, line: s.line, column: s.column, endLine: e.line, endColumn: e.column }, messageId, data, ...(severity ? { severity } : {}) });
  }

  check(ref: ParsedRef): void {
    const f = this.byFile.get(ref.file)!;
    const q = ref.query;
    const consequence = CONSEQUENCE[q.kind];
    const what = whatOf(q);
    const expr = ref.expr;
    if (!expr) return;
    // Under `absent()`, a selector that matches nothing makes the expression always true.
    const underAbsent = new Set<Expr>();
    for (const node of walk(expr)) if (node.k === 'call' && (node.fn === 'absent' || node.fn === 'absent_over_time')) for (const inner of walk(node.args[0])) underAbsent.add(inner);
    for (const node of walk(expr)) {
      if (node.k === 'selector') this.selector(f, ref, node, underAbsent.has(node) ? ABSENT_CONSEQUENCE[q.kind] : consequence, what);
      else if (node.k === 'call') this.call(f, ref, node, what);
    }
    // `label_values(metric{...}, label)`: the label must exist on the metric.
    if (q.variable?.fn === 'label_values' && q.variable.label && expr.k === 'selector' && expr.name && !isTemplated(expr.name)) {
      const look = this.catalogue.lookup(expr.name);
      const labels = this.labelsOf(look);
      const label = q.variable.label;
      if (labels && !labels.allowed.has(label.name) && !this.catalogue.anyTargetLabel) {
        const at = { from: label.from - ref.base, to: label.to - ref.base };
        this.report(f, { ...ref, map: new SourceMap() }, at, 'unknownLabel', this.labelData(expr.name, label.name, labels, 'the variable offers no values'));
      }
    }
  }

  /** A selector's metric: known, and its label matchers on labels it has. */
  private selector(f: FileState, ref: ParsedRef, sel: Extract<Expr, { k: 'selector' }>, consequence: string, what: string): void {
    const name = sel.name;
    if (name === undefined || isTemplated(name) || !sel.nameSpan) return;
    const look = this.catalogue.lookup(name);
    if (look.k === 'code' && f.reported) {
      for (const s of look.series) {
        const list = this.usage.get(s.def) ?? this.usage.set(s.def, []).get(s.def)!;
        const at = fileSpan(f, ref, sel.nameSpan);
        const p = f.lines.pos(at.start);
        const u: MetricUsage = { file: this.rel(f.file), line: p.line, column: p.column, kind: ref.query.kind, ...(ref.query.name ? { name: ref.query.name } : {}) };
        if (!list.some((x) => x.file === u.file && x.line === u.line && x.column === u.column)) list.push(u);
      }
    }
    if (!f.reported) return;
    if (look.k === 'unknown') {
      this.unknownMetric(f, ref, sel, name, consequence, what);
      return;
    }
    if (look.k === 'histogram-base') {
      const def = look.defs[0]!;
      this.report(f, ref, sel.nameSpan, 'histogramWithoutSuffix', { metric: name, definition: this.catalogue.describe(def), consequence });
      return;
    }
    const labels = this.labelsOf(look);
    if (!labels || this.catalogue.anyTargetLabel) return;
    for (const m of sel.matchers) {
      if (m.label === '__name__' || labels.allowed.has(m.label) || isTemplated(m.label)) continue;
      // `label=""` (or a regex matching "") selects series without the label: valid whatever the label.
      if (matchesEmpty(m)) continue;
      this.report(f, ref, m.labelSpan, 'unknownLabel', this.labelData(name, m.label, labels, consequence));
    }
  }

  private labelData(metric: string, label: string, labels: { own: Set<string>; allowed: Set<string>; definition: string }, consequence: string): Report['data'] {
    // Suggest among the metric's own labels only: target labels are everywhere and rarely what was meant.
    const near = closest(label, labels.own);
    const own = [...labels.own].sort();
    return {
      metric,
      label,
      definition: labels.definition,
      labels: own.length ? own.map((l) => `\`${l}\``).join(', ') : 'none',
      hint: near ? ` Did you mean \`${near}\`?` : '',
      consequence,
    };
  }

  /** The labels a looked-up metric can have (undefined when they cannot be known). */
  private labelsOf(look: Lookup): { own: Set<string>; allowed: Set<string>; definition: string } | undefined {
    if (look.k === 'code') {
      const own = new Set<string>();
      for (const s of look.series) {
        if (!s.labels) return undefined;
        for (const l of s.labels) own.add(l);
      }
      const allowed = new Set([...own, ...this.catalogue.ambientLabels(look.series.find((s) => s.def.api === 'otel')?.def)]);
      const defs = [...new Set(look.series.map((s) => s.def))];
      return { own, allowed, definition: defs.map((d) => this.catalogue.describe(d)).join(' and ') };
    }
    if (look.k === 'recorded' && look.labels) {
      const own = look.labels;
      return { own, allowed: new Set([...own, ...this.catalogue.targetLabels]), definition: `the recording rule \`${look.name}\`` };
    }
    if (look.k === 'known' && look.labels) {
      return { own: look.labels, allowed: new Set([...look.labels, ...this.catalogue.targetLabels]), definition: look.source };
    }
    return undefined;
  }

  private unknownMetric(f: FileState, ref: ParsedRef, sel: Extract<Expr, { k: 'selector' }>, name: string, consequence: string, what: string): void {
    const span = sel.nameSpan!;
    const origin = this.catalogue.otelOrigin(name);
    if (origin) {
      this.report(f, ref, span, 'otelTranslatedName', {
        metric: name,
        definition: this.catalogue.describe(origin.def),
        stored: origin.stored,
        translation: this.catalogue.translationOf(origin.def),
        consequence,
      });
      return;
    }
    if (this.catalogue.opaque.length) {
      const where = this.catalogue.opaque
        .slice(0, 3)
        .map((d) => `${this.rel(d.file)}:${d.line}`)
        .join(', ');
      this.report(f, ref, span, 'unresolvedMetric', { metric: name, where: this.catalogue.opaque.length > 3 ? `${where}, ...` : where, what }, 'warn');
      return;
    }
    const near = this.catalogue.suggest(name);
    let hint = '';
    const base = /_created$/.test(name) ? name.replace(/_created$/, '') : undefined;
    if (base && ['', '_total', '_bucket'].some((s) => this.catalogue.lookup(base + s).k === 'code')) {
      hint = ' prom-client and the OpenTelemetry JavaScript exporters expose no `_created` series; if your exposition carries OpenMetrics created timestamps, set `observability.createdSeries`.';
      this.report(f, ref, span, 'unknownMetric', { metric: name, consequence, hint });
      return;
    }
    if (near) {
      const look = this.catalogue.lookup(near);
      const def = look.k === 'code' ? look.series[0]!.def : undefined;
      hint = ` Did you mean \`${near}\`${def ? ` (${this.catalogue.describe(def)})` : ''}?`;
    }
    if (this.foreign.length) {
      const where = this.foreign.slice(0, 3).join(', ') + (this.foreign.length > 3 ? ', ...' : '');
      this.report(f, ref, span, 'otherLanguageMetric', { metric: name, where, what, hint }, 'warn');
      return;
    }
    this.report(f, ref, span, 'unknownMetric', { metric: name, consequence, hint });
  }

  /** Functions over the wrong type of metric. */
  private call(f: FileState, ref: ParsedRef, call: Extract<Expr, { k: 'call' }>, what: string): void {
    if (!f.reported) return;
    const fn = call.fn;
    if (promCounterFunctions.includes(fn) || promGaugeFunctions.includes(fn)) {
      const arg = call.args[0];
      const sel = arg && rangeSelector(arg);
      if (!sel?.name || isTemplated(sel.name) || !sel.nameSpan) return;
      const look = this.catalogue.lookup(sel.name);
      if (look.k !== 'code') return;
      const types = new Set(look.series.map((s) => s.type));
      const def = look.series[0]!.def;
      const gaugeLike = [...types].every((t) => t === 'gauge' || t === 'quantile');
      const counterLike = [...types].every((t) => t === 'counter' || t === 'bucket' || t === 'histogram_sum' || t === 'histogram_count' || t === 'summary_sum' || t === 'summary_count');
      if (promCounterFunctions.includes(fn) && gaugeLike) {
        this.report(f, ref, sel.nameSpan, 'counterFunctionOnGauge', { fn, metric: sel.name, definition: this.catalogue.describe(def), type: types.has('quantile') ? "a summary's quantile series" : 'a gauge', what });
      } else if (promGaugeFunctions.includes(fn) && counterLike) {
        this.report(f, ref, sel.nameSpan, 'gaugeFunctionOnCounter', { fn, metric: sel.name, definition: this.catalogue.describe(def), what });
      }
      return;
    }
    if (fn === 'histogram_quantile' || fn === 'histogram_fraction') {
      const arg = call.args[fn === 'histogram_quantile' ? 1 : 2];
      if (!arg) return;
      for (const src of bucketSources(arg)) {
        const sel = src.sel;
        if (!sel.name || isTemplated(sel.name) || !sel.nameSpan) continue;
        const look = this.catalogue.lookup(sel.name);
        let hasLe: boolean | undefined;
        let type: string | undefined;
        let definition = '';
        if (look.k === 'code') {
          const bucket = look.series.some((s) => s.type === 'bucket');
          hasLe = bucket;
          const s0 = look.series[0]!;
          definition = this.catalogue.describe(s0.def);
          type = seriesWord(s0);
        } else if (look.k === 'recorded' && look.labels) {
          hasLe = look.labels.has('le');
          definition = `the recording rule \`${sel.name}\``;
          type = 'a recorded series without an `le` label';
        } else continue;
        if (!hasLe) {
          this.report(f, ref, sel.nameSpan, 'quantileNotHistogram', { fn, metric: sel.name, definition, type: type!, what });
          continue;
        }
        if (src.dropsLe) this.report(f, ref, src.dropsLe.opSpan, 'quantileWithoutLe', { fn, metric: sel.name, op: src.dropsLe.op, how: src.dropsLe.grouping?.without ? 'with `without (le)`' : src.dropsLe.grouping ? `by (${src.dropsLe.grouping.labels.map((l) => l.label).join(', ')})` : 'without `by (le)`', what });
      }
    }
  }

  private rel(file: string): string {
    return path.relative(this.ctx.cwd, file).split(path.sep).join('/');
  }
}

function seriesWord(s: Series): string {
  switch (s.type) {
    case 'counter':
      return `a ${kindWord(s.def.kind)}`;
    case 'gauge':
      return `a ${kindWord(s.def.kind)}`;
    case 'histogram_sum':
      return "a histogram's `_sum` series";
    case 'histogram_count':
      return "a histogram's `_count` series";
    case 'quantile':
      return "a summary (its quantiles are precomputed; a summary has no buckets)";
    case 'summary_sum':
    case 'summary_count':
      return "a summary's series";
    default:
      return 'not a histogram';
  }
}

/** The selector under a range function's argument: `x[5m]`, `x[5m] offset 1h`, `(x)[5m:]`. */
function rangeSelector(e: Expr): Extract<Expr, { k: 'selector' }> | undefined {
  let cur: Expr | undefined = e;
  for (let i = 0; i < 8 && cur; i++) {
    if (cur.k === 'selector') return cur;
    if (cur.k === 'matrix' || cur.k === 'subquery' || cur.k === 'paren' || cur.k === 'modifier') cur = cur.expr;
    else return undefined;
  }
  return undefined;
}

type Agg = Extract<Expr, { k: 'agg' }>;

/** The selectors whose series reach `histogram_quantile`, and the aggregation on the way that drops `le`, if any. */
function bucketSources(e: Expr): { sel: Extract<Expr, { k: 'selector' }>; dropsLe?: Agg }[] {
  const out: { sel: Extract<Expr, { k: 'selector' }>; dropsLe?: Agg }[] = [];
  const visit = (x: Expr | undefined, drops: Agg | undefined, depth: number) => {
    if (!x || depth > 32) return;
    switch (x.k) {
      case 'selector':
        out.push({ sel: x, dropsLe: drops });
        return;
      case 'matrix':
      case 'subquery':
      case 'paren':
      case 'modifier':
      case 'unary':
        visit(x.expr, drops, depth + 1);
        return;
      case 'call':
        if (promLabelPreservingFunctions.has(x.fn)) for (const a of x.args) if (a.k !== 'number' && a.k !== 'string') visit(a, drops, depth + 1);
        return;
      case 'agg': {
        if (x.op === 'topk' || x.op === 'bottomk' || x.op === 'limitk' || x.op === 'limit_ratio') {
          visit(x.expr, drops, depth + 1);
          return;
        }
        const keeps = x.grouping ? (x.grouping.without ? !x.grouping.labels.some((l) => l.label === 'le') : x.grouping.labels.some((l) => l.label === 'le')) : false;
        visit(x.expr, drops ?? (keeps ? undefined : x), depth + 1);
        return;
      }
      case 'binary':
        visit(x.lhs, drops, depth + 1);
        visit(x.rhs, drops, depth + 1);
        return;
      default:
        return;
    }
  };
  visit(e, undefined, 0);
  return out;
}

/** The label names an expression's result has (for recording rules); undefined when they cannot be known. */
export function outputLabels(e: Expr, catalogue: Catalogue, depth = 0): Set<string> | undefined {
  if (depth > 32) return undefined;
  switch (e.k) {
    case 'selector': {
      if (!e.name || isTemplated(e.name)) return undefined;
      const look = catalogue.lookup(e.name);
      if (look.k === 'code') {
        const out = new Set<string>();
        for (const s of look.series) {
          if (!s.labels) return undefined;
          for (const l of s.labels) out.add(l);
        }
        for (const l of catalogue.ambientLabels(look.series[0]?.def)) out.add(l);
        return out;
      }
      if (look.k === 'recorded') return look.labels;
      return undefined;
    }
    case 'matrix':
    case 'subquery':
    case 'paren':
    case 'modifier':
    case 'unary':
      return outputLabels(e.expr, catalogue, depth + 1);
    case 'number':
    case 'string':
      return new Set();
    case 'call': {
      if (['vector', 'time', 'scalar', 'pi'].includes(e.fn)) return new Set();
      if (e.fn === 'absent' || e.fn === 'absent_over_time') {
        const sel = e.args[0] && rangeSelector(e.args[0]);
        return sel ? new Set(sel.matchers.filter((m: Matcher) => m.op === '=' && m.label !== '__name__').map((m) => m.label)) : undefined;
      }
      const first = e.args.find((a) => a.k !== 'number' && a.k !== 'string');
      const inner = first ? outputLabels(first, catalogue, depth + 1) : undefined;
      if (!inner) return undefined;
      if (e.fn === 'label_replace' || e.fn === 'label_join') {
        const dst = e.args[1];
        return dst?.k === 'string' ? new Set([...inner, dst.value]) : undefined;
      }
      if (e.fn === 'histogram_quantile') return new Set([...inner].filter((l) => l !== 'le'));
      return inner;
    }
    case 'agg': {
      if (e.op === 'topk' || e.op === 'bottomk' || e.op === 'limitk' || e.op === 'limit_ratio') return e.expr ? outputLabels(e.expr, catalogue, depth + 1) : undefined;
      let out: Set<string> | undefined;
      if (!e.grouping) out = new Set();
      else if (!e.grouping.without) out = new Set(e.grouping.labels.map((l) => l.label));
      else {
        const inner = e.expr ? outputLabels(e.expr, catalogue, depth + 1) : undefined;
        out = inner ? new Set([...inner].filter((l) => !e.grouping!.labels.some((x) => x.label === l))) : undefined;
      }
      if (out && e.op === 'count_values' && e.param?.k === 'string') out.add(e.param.value);
      return out;
    }
    case 'binary': {
      const l = outputLabels(e.lhs, catalogue, depth + 1);
      const r = outputLabels(e.rhs, catalogue, depth + 1);
      const lScalar = l?.size === 0 && (e.lhs.k === 'number' || (e.lhs.k === 'call' && ['scalar', 'time'].includes(e.lhs.fn)));
      const rScalar = r?.size === 0 && (e.rhs.k === 'number' || (e.rhs.k === 'call' && ['scalar', 'time'].includes(e.rhs.fn)));
      if (lScalar) return r;
      if (rScalar) return l;
      if (e.op === 'or') return l && r ? new Set([...l, ...r]) : undefined;
      if (e.matching?.group) {
        const side = e.matching.group.side === 'left' ? l : r;
        return side ? new Set([...side, ...e.matching.group.labels.map((x) => x.label)]) : undefined;
      }
      if (e.matching?.on && !['and', 'unless', 'or'].includes(e.op) && !e.bool) return l;
      return l;
    }
    default:
      return undefined;
  }
}

function inventory(catalogue: Catalogue, usage: Map<MetricDef, MetricUsage[]>, ctx: ProjectRuleContext<unknown>): MetricInventory[] {
  const rel = (f: string) => path.relative(ctx.cwd, f).split(path.sep).join('/');
  const out: MetricInventory[] = [];
  for (const def of catalogue.defs) {
    const series = catalogue.seriesOf(def);
    const used = (usage.get(def) ?? []).sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line || a.column - b.column));
    out.push({
      name: def.display,
      api: def.api,
      type: def.kind,
      file: rel(def.file),
      line: def.line,
      column: def.column,
      series,
      ...(def.otel ? { translation: def.otel.strategy } : {}),
      labels: def.labels ? [...def.labels].sort() : null,
      ...(def.base === undefined ? { dynamic: true } : {}),
      usedBy: used,
    });
  }
  out.sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line || a.column - b.column || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  return out;
}

/** Build manifests of services in languages tracewire does not read, anywhere in the project (relative paths). */
function otherLanguageCode(ctx: ProjectRuleContext<unknown>): string[] {
  if (!ctx.inputs.some((i) => i.reported)) return [];
  const root = ctx.config.dir;
  const found = globbySync(
    otherLanguageManifests.map((m) => `**/${m}`),
    { cwd: root, gitignore: true, ignore: [...DEFAULT_IGNORES, '**/vendor/**', '**/target/**', '**/.venv/**', '**/venv/**', ...ctx.config.ignores], onlyFiles: true, suppressErrors: true, deep: 8 },
  );
  return found.map((f) => f.split(path.sep).join('/')).sort();
}
