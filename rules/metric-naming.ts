import ts = require('typescript');
import { z } from 'zod';
import { rangeOf } from '../src/engine/analyze-file.js';
import { defineRule, type Report } from '../src/engine/rule.js';
import {
  camelCasePattern,
  otelInstrumentNamePattern,
  otelNameUnits,
  promLabelNamePattern,
  promMetricNamePattern,
  promTypeNames,
  promUnitAbbreviations,
  promUnitPrefixes,
  promUnits,
} from './catalog/metrics/naming.js';
import { otelType, prometheusName } from './observability/translate.js';
import type { MetricKind } from './catalog/types.js';
import { unwrap as unwrapExpr } from '../src/engine/ast.js';
import { type MetricDecl, isMetricMember, metricVisitor } from './metrics/model.js';

const options = z
  .object({
    ignore: z
      .array(z.string())
      .describe('Metric names not to check, e.g. legacy names that dashboards and alerts depend on.')
      .optional(),
  })
  .strict();

type Options = z.infer<typeof options>;

const WHY_PROM = 'promtool check metrics reports it, and PromQL users guess names from these conventions';

export default defineRule<Options>({
  meta: {
    id: 'metric-naming',
    description: 'Enforce Prometheus naming conventions on prom-client metrics (the checks of `promtool check metrics`) and OpenTelemetry naming conventions on OTel instruments.',
    preset: 'recommended',
    severity: 'warn',
    fix: 'none',
    hasSuggestions: false,
    project: false,
    messages: {
      missingName: 'This {{kind}} has no `name`: prom-client throws "Missing mandatory name parameter" at start-up. Give it a snake_case name such as `app_requests_total`.',
      missingHelp: 'Metric `{{name}}` has no help text: prom-client throws "Missing mandatory help parameter" at start-up (and promtool reports "no help text"). Add a `help` string that says what is measured.',
      invalidName: '`{{name}}` is not a valid Prometheus metric name (letters, digits, `_` and `:`, not starting with a digit): prom-client throws "Invalid metric name" at start-up. Rename it in snake_case.',
      invalidLabelName: 'Label `{{label}}` of `{{name}}` is not a valid Prometheus label name (letters, digits and `_`, not starting with a digit): prom-client throws "Invalid label name" at start-up. Rename it in snake_case.',
      nonBaseUnit: `Metric \`{{name}}\` is in \`{{unit}}\`; Prometheus metrics use base units (\`{{base}}\`) so that series can be combined and graphed without conversions (${WHY_PROM}). Record the value in {{base}} and rename the metric.`,
      unitAbbreviation: `Metric \`{{name}}\` abbreviates its unit (\`{{abbreviation}}\`): spell the base unit out (\`_seconds\`, \`_bytes\`, \`_meters\`) so the name says what it measures (${WHY_PROM}).`,
      counterWithoutTotal: `Counter \`{{name}}\` should end in \`_total\`: the suffix tells readers and PromQL tooling that the series only goes up and needs \`rate()\` (${WHY_PROM}). Rename it to \`{{suggestion}}\`.`,
      totalOnNonCounter: `\`{{name}}\` is a {{kind}} but ends in \`_total\`, which marks counters: readers will \`rate()\` a value that can go down (${WHY_PROM}). Drop the suffix, or make it a counter.`,
      reservedSuffix: `\`{{name}}\` ends in \`{{suffix}}\`, which Prometheus reserves for the series a histogram or summary exposes: a {{kind}} with this name collides with them and misleads queries (${WHY_PROM}). Rename it.`,
      reservedLabel: 'Label `{{label}}` on `{{name}}` is reserved for {{owner}}: {{consequence}} Rename the label.',
      typeInName: `Metric \`{{name}}\` repeats its type in its name (\`{{type}}\`): the type is already in the metadata, and the name should say what is measured (${WHY_PROM}). Remove \`{{type}}\` from the name.`,
      colonInName: `Metric \`{{name}}\` contains \`:\`, which Prometheus reserves for the names of recording rules (${WHY_PROM}). Use \`_\` instead.`,
      camelCaseName: `Metric \`{{name}}\` is in camelCase; Prometheus names are snake_case (${WHY_PROM}). Rename it to \`{{suggestion}}\`.`,
      camelCaseLabel: `Label \`{{label}}\` of \`{{name}}\` is in camelCase; Prometheus label names are snake_case (${WHY_PROM}). Rename it to \`{{suggestion}}\`.`,
      otelInvalidName: 'Instrument name `{{name}}` breaks the OpenTelemetry name syntax (an ASCII letter, then letters, digits, `_`, `.`, `-` or `/`, at most 255 characters): the SDK drops the instrument with a warning, so nothing is recorded. Rename it.',
      otelTotalSuffix: 'Instrument `{{name}}` ends in `total`: OpenTelemetry names do not carry Prometheus suffixes; the Prometheus exporter adds `_total` to counters itself, so this name is exported as `{{exposed}}`, a doubled or misleading suffix that dashboards and alerts must query. Drop `total`.',
      otelUnitInName: 'Instrument `{{name}}` puts its unit in the name (`{{token}}`): OpenTelemetry carries the unit in metadata (`unit: \'{{ucum}}\'`, UCUM), and exporters derive suffixes from it, so a unit in the name is duplicated or contradicts the metadata (Prometheus sees `{{exposed}}`). Name the quantity (e.g. `http.server.request.duration`) and pass `unit`.',
      otelUppercaseName: 'Instrument `{{name}}` has uppercase letters: OpenTelemetry names are lowercase, dot-separated namespaces (`gen_ai.client.token.usage`), and names that differ only in case are the same instrument to the SDK. Rename it to `{{suggestion}}`.',
    },
    options,
    defaultOptions: { ignore: [] },
  },
  needs: isMetricMember,
  createVisitor(ctx) {
    const ignore = new Set(ctx.options.ignore ?? []);
    return metricVisitor((model) => {
      const sf = model.sourceFile;
      const report = (node: ts.Node, messageId: string, data: Report['data']) => ctx.report({ range: rangeOf(sf, node), messageId, data });
      for (const decl of model.decls) {
        if (typeof decl.name === 'object' && ignore.has(decl.name.text)) continue;
        if (decl.api === 'prom-client') checkProm(decl, report);
        else checkOtel(decl, report);
      }
    });
  },
});

type ReportFn = (node: ts.Node, messageId: string, data: Report['data']) => void;

const KIND_NAMES: Record<MetricKind, string> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  updowncounter: 'up-down counter',
  'observable-counter': 'observable counter',
  'observable-gauge': 'observable gauge',
  'observable-updowncounter': 'observable up-down counter',
};

function checkProm(decl: MetricDecl, report: ReportFn): void {
  const opts = decl.options;
  const kind = KIND_NAMES[decl.kind];
  // Through a factory the options may be the factory's, or complete only there: check what the call names.
  if (decl.viaFactory) {
    if (typeof decl.name !== 'object') return;
    const { text: name, node } = decl.name;
    if (!promMetricNamePattern.test(name)) return report(node, 'invalidName', { name });
    for (const p of promlintName(name, decl.kind)) report(node, p.messageId, { name, kind, ...p.data });
    decl.labelNames?.names.forEach((label, i) => {
      for (const p of promlintLabel(label, decl.kind)) report(decl.labelNames!.nodes[i]!, p.messageId, { name, label, ...p.data });
    });
    return;
  }
  if (!opts) return;
  if (decl.name === 'missing') {
    report(opts.node, 'missingName', { kind });
    return;
  }
  if (decl.name === 'dynamic') return;
  const { text: name, node } = decl.name;
  if (!promMetricNamePattern.test(name)) {
    report(node, 'invalidName', { name });
    return;
  }
  const help = opts.props.get('help');
  if (help ? isEmptyString(help.value) : !opts.open) report(help?.value ?? opts.node, 'missingHelp', { name });

  for (const p of promlintName(name, decl.kind)) report(node, p.messageId, { name, kind, ...p.data });

  if (!decl.labelNames) return;
  decl.labelNames.names.forEach((label, i) => {
    const at = decl.labelNames!.nodes[i]!;
    for (const p of promlintLabel(label, decl.kind)) report(at, p.messageId, { name, label, ...p.data });
  });
}

export interface NameProblem {
  messageId: string;
  data: Record<string, string>;
}

/**
 * promlint's name checks (client_golang prometheus/testutil/promlint), in its order: units, counter
 * suffix, reserved suffixes, type in name, reserved characters, camelCase, unit abbreviations.
 */
export function promlintName(name: string, kind: MetricKind): NameProblem[] {
  const out: NameProblem[] = [];
  const unit = metricUnit(name);
  if (unit && unit.unit !== unit.base) out.push({ messageId: 'nonBaseUnit', data: unit });
  const isCounter = kind === 'counter';
  const total = name.endsWith('_total');
  if (isCounter && !total) out.push({ messageId: 'counterWithoutTotal', data: { suggestion: `${name}_total` } });
  if (!isCounter && total) out.push({ messageId: 'totalOnNonCounter', data: {} });
  if (kind !== 'histogram' && name.endsWith('_bucket')) out.push({ messageId: 'reservedSuffix', data: { suffix: '_bucket' } });
  for (const suffix of ['_count', '_sum']) if (kind !== 'histogram' && kind !== 'summary' && name.endsWith(suffix)) out.push({ messageId: 'reservedSuffix', data: { suffix } });
  const lower = name.toLowerCase();
  for (const t of promTypeNames) if (lower.includes(`_${t}_`) || lower.endsWith(`_${t}`)) out.push({ messageId: 'typeInName', data: { type: t } });
  if (name.includes(':')) out.push({ messageId: 'colonInName', data: {} });
  if (camelCasePattern.test(name)) out.push({ messageId: 'camelCaseName', data: { suggestion: snakeCase(name) } });
  for (const a of promUnitAbbreviations) if (lower.includes(`_${a}_`) || lower.endsWith(`_${a}`)) out.push({ messageId: 'unitAbbreviation', data: { abbreviation: a } });
  return out;
}

/** promlint's label checks, plus prom-client's own label validation. */
export function promlintLabel(label: string, kind: MetricKind): NameProblem[] {
  if (!promLabelNamePattern.test(label)) return [{ messageId: 'invalidLabelName', data: {} }];
  const out: NameProblem[] = [];
  if (label === 'le') {
    out.push({
      messageId: 'reservedLabel',
      data: kind === 'histogram' ? { owner: 'histogram buckets', consequence: 'prom-client throws "le is a reserved label keyword" at start-up.' } : { owner: 'histogram buckets', consequence: 'on a non-histogram it makes the series look like buckets to every query and to promtool.' },
    });
  }
  if (label === 'quantile') {
    out.push({
      messageId: 'reservedLabel',
      data: kind === 'summary' ? { owner: 'summary quantiles', consequence: 'prom-client throws "quantile is a reserved label keyword" at start-up.' } : { owner: 'summary quantiles', consequence: 'on a non-summary it makes the series look like quantiles to every query and to promtool.' },
    });
  }
  if (camelCasePattern.test(label)) out.push({ messageId: 'camelCaseLabel', data: { suggestion: snakeCase(label) } });
  return out;
}

/** promlint's unit detection: the first `_`-separated component that is a known unit, possibly prefixed. */
function metricUnit(name: string): { unit: string; base: string } | undefined {
  for (const s of name.split('_')) {
    const base = promUnits[s];
    if (base) return { unit: s, base };
    for (const p of promUnitPrefixes) {
      if (s.startsWith(p)) {
        const b = promUnits[s.slice(p.length)];
        if (b) return { unit: s, base: b };
      }
    }
  }
  return undefined;
}

function checkOtel(decl: MetricDecl, report: ReportFn): void {
  if (typeof decl.name !== 'object') return;
  const { text: name, node } = decl.name;
  if (!otelInstrumentNamePattern.test(name)) {
    report(node, 'otelInvalidName', { name });
    return;
  }
  const unitValue = decl.options?.props.get('unit')?.value;
  const unit = unitValue && ts.isStringLiteralLike(unwrapExpr(unitValue)) ? (unwrapExpr(unitValue) as ts.StringLiteral).text : undefined;
  // What dashboards query: the name the default OTLP translation (UnderscoreEscapingWithSuffixes) stores.
  const exposed = prometheusName(name, unit, otelType(decl.kind), 'UnderscoreEscapingWithSuffixes');
  // `requests_total`, `errors.total`: the exporter adds its own.
  if (/[._-]total$/i.test(name)) report(node, 'otelTotalSuffix', { name, exposed });
  const tokens = name.split(/[._\-/]/).filter(Boolean);
  const last = tokens[tokens.length - 1]?.toLowerCase();
  // `_total` is not the unit: look at the token before it.
  const unitToken = last === 'total' ? tokens[tokens.length - 2]?.toLowerCase() : last;
  if (unitToken && otelNameUnits[unitToken]) report(node, 'otelUnitInName', { name, token: unitToken, ucum: otelNameUnits[unitToken]!, exposed });
  if (/[A-Z]/.test(name)) report(node, 'otelUppercaseName', { name, suggestion: otelCase(name) });
}

function isEmptyString(e: ts.Expression | undefined): boolean {
  if (!e) return false;
  const u = unwrapExpr(e);
  return ts.isStringLiteralLike(u) && u.text === '';
}

function snakeCase(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

function otelCase(s: string): string {
  return s
    .split('.')
    .map((part) => snakeCase(part))
    .join('.');
}
