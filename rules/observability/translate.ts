/**
 * OpenTelemetry metric and attribute names as Prometheus stores them.
 *
 * - OTLP into Prometheus (its OTLP receiver) or through the collector: the translation strategies of
 *   github.com/prometheus/otlptranslator (`UnderscoreEscapingWithSuffixes` by default: characters other
 *   than letters, digits and `:` split the name into `_`-joined tokens, the unit is appended as a word
 *   (`s` → `seconds`, `By/s` → `bytes_per_second`, `{requests}` → nothing), monotonic counters get
 *   `_total`, gauges in unit `1` get `_ratio`).
 * - @opentelemetry/exporter-prometheus (`PrometheusExporter`): invalid characters become `_`, runs of
 *   `_` collapse, monotonic counters get `_total` unless the name ends with it, and no unit is appended.
 *
 * Histograms are exposed as `_bucket` (with `le`), `_sum` and `_count` series of the translated name.
 */

import type { OtelTranslation } from '../../src/config/observability.js';
import type { MetricKind } from '../catalog/types.js';
import { otelPerUnitWords, otelUnitWords } from '../catalog/metrics/exposition.js';

export type OtelType = 'monotonic' | 'nonmonotonic' | 'gauge' | 'histogram';

/** The OpenTelemetry data point type an instrument kind produces. */
export function otelType(kind: MetricKind): OtelType {
  switch (kind) {
    case 'counter':
    case 'observable-counter':
      return 'monotonic';
    case 'updowncounter':
    case 'observable-updowncounter':
      return 'nonmonotonic';
    case 'histogram':
      return 'histogram';
    default:
      return 'gauge';
  }
}

const isCompliant = (c: string) => /[a-zA-Z0-9:]/.test(c);

/** Unit suffixes before clean-up: `By/s` → [`bytes`, `per_second`]. */
function unitSuffixes(unit: string): [string, string] {
  const [mainRaw, perRaw] = splitOnce(unit, '/');
  let main = '';
  let per = '';
  const m = mainRaw.trim();
  if (m && !/[{}]/.test(m)) main = otelUnitWords[m] ?? m;
  if (perRaw !== undefined && perRaw !== '') {
    const p = perRaw.trim();
    if (p && !/[{}]/.test(p)) per = otelPerUnitWords[p] ?? p;
    if (per) per = `per_${per}`;
  }
  return [main, per];
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** otlptranslator's cleanUpUnit: invalid characters to `_`, runs of `_` collapsed, no leading `_`. */
function cleanUpUnit(u: string): string {
  return u
    .replace(/[^a-zA-Z0-9:]/g, '_')
    .replace(/__+/g, '_')
    .replace(/^_/, '');
}

function tokens(name: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const c of name) {
    if (isCompliant(c)) cur += c;
    else if (cur) {
      out.push(cur);
      cur = '';
    }
  }
  if (cur) out.push(cur);
  return out;
}

function withoutItem(list: string[], item: string): string[] {
  return list.filter((x) => x !== item);
}

/** The name Prometheus stores for an OpenTelemetry metric (for histograms: the base of `_bucket`, `_sum`, `_count`). */
export function prometheusName(name: string, unit: string | undefined, type: OtelType, strategy: OtelTranslation, namespace?: string): string {
  switch (strategy) {
    case 'PrometheusExporter': {
      let n = name.replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_');
      if (namespace) n = `${namespace}_${n}`;
      if (/^[0-9]/.test(n)) n = `_${n}`;
      if (type === 'monotonic' && !n.endsWith('_total')) n += '_total';
      return n;
    }
    case 'UnderscoreEscapingWithSuffixes': {
      let t = tokens(name);
      const [main0, per0] = unitSuffixes(unit ?? '');
      let main = cleanUpUnit(main0);
      let per = cleanUpUnit(per0);
      if (t.includes(main)) main = '';
      if (per === 'per_') per = '';
      else {
        per = per.replace(/_$/, '');
        if (t.includes(per)) per = '';
      }
      if (per) main = main.replace(/_$/, '');
      if (main) t.push(main);
      if (per) t.push(per);
      if (type === 'monotonic') t = [...withoutItem(t, 'total'), 'total'];
      if (unit === '1' && type === 'gauge') t = [...withoutItem(t, 'ratio'), 'ratio'];
      if (namespace) t = [namespace, ...t];
      let n = t.join('_');
      if (/^[0-9]/.test(n)) n = `_${n}`;
      return n;
    }
    case 'UnderscoreEscapingWithoutSuffixes': {
      const simple = name
        .split(/[^a-zA-Z0-9:_]/)
        .filter(Boolean)
        .join('_');
      if (namespace) {
        const ns = namespace
          .split(/[^a-zA-Z0-9:_]/)
          .filter(Boolean)
          .join('_');
        return `${ns}_${simple}`;
      }
      return /^[0-9]/.test(simple) ? `_${simple}` : simple;
    }
    case 'NoUTF8EscapingWithSuffixes': {
      let n = namespace ? `${namespace}_${name}` : name;
      const trim = (suffix: string) => (n.endsWith(suffix) && n.length > suffix.length + 1 ? n.slice(0, n.length - suffix.length - 1) : n);
      const after: string[] = [];
      if (unit === '1' && type === 'gauge') {
        n = trim('ratio');
        after.unshift('_ratio');
      }
      if (type === 'monotonic') {
        n = trim('total');
        after.unshift('_total');
      }
      const [main, per] = unitSuffixes(unit ?? '');
      if (per) {
        n = trim(per);
        after.unshift(`_${per}`);
      }
      if (main && !n.endsWith(main)) n = `${n}_${main}`;
      return n + after.join('');
    }
    case 'NoTranslation':
      return namespace ? `${namespace}_${name}` : name;
  }
}

/** An OpenTelemetry attribute name as a Prometheus label name. */
export function prometheusLabel(key: string, strategy: OtelTranslation): string {
  switch (strategy) {
    case 'PrometheusExporter':
      return key.replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_');
    case 'UnderscoreEscapingWithSuffixes':
    case 'UnderscoreEscapingWithoutSuffixes': {
      let l = key.replace(/[^a-zA-Z0-9_]/g, '_');
      if (/^[0-9]/.test(l)) l = `key_${l}`;
      else if (l.startsWith('_') && !l.startsWith('__')) l = `key${l}`;
      return l;
    }
    default:
      return key;
  }
}

/** What a strategy does, for messages. */
export function describeTranslation(strategy: OtelTranslation): string {
  switch (strategy) {
    case 'PrometheusExporter':
      return '@opentelemetry/exporter-prometheus replaces characters other than letters, digits and `_` with `_` and adds `_total` to monotonic counters (no unit suffix)';
    case 'UnderscoreEscapingWithSuffixes':
      return 'the OTLP translation (Prometheus\'s OTLP receiver and the collector, UnderscoreEscapingWithSuffixes) turns dots into `_`, appends the unit (`s` → `_seconds`, `By` → `_bytes`) and `_total` to monotonic counters';
    case 'UnderscoreEscapingWithoutSuffixes':
      return 'the OTLP translation UnderscoreEscapingWithoutSuffixes turns dots into `_` and adds no suffix';
    case 'NoUTF8EscapingWithSuffixes':
      return 'the OTLP translation NoUTF8EscapingWithSuffixes keeps the name and appends the unit and `_total` to monotonic counters';
    case 'NoTranslation':
      return 'the OTLP translation NoTranslation keeps the name as it is';
  }
}
