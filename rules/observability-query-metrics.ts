import { z } from 'zod';
import { defineRule } from '../src/engine/rule.js';
import { isMetricMember } from './metrics/model.js';
import { checkObservability } from './observability/check.js';
import { metricFactsVisitor } from './observability/facts.js';

const options = z.object({}).strict();

type Options = z.infer<typeof options>;

export default defineRule<Options>({
  meta: {
    id: 'observability-query-metrics',
    description:
      'Check the queries of Prometheus rule files and Grafana dashboards against the metrics the code defines: names (with the OpenTelemetry-to-Prometheus translation), labels, and the functions applied to each type.',
    preset: 'recommended',
    severity: 'error',
    fix: 'none',
    hasSuggestions: false,
    project: true,
    messages: {
      unknownMetric: '`{{metric}}` is not a metric this project emits, so {{consequence}}.{{hint}} Query a metric the code defines, or list `{{metric}}` in `observability.knownMetrics` if an exporter or another service emits it.',
      otelTranslatedName:
        '`{{metric}}` is not how Prometheus stores {{definition}}: it is stored as `{{stored}}` ({{translation}}), so {{consequence}}. Query `{{stored}}`.',
      unresolvedMetric:
        '`{{metric}}` is not among the metric names tracewire can read in the code, and the code also builds metric names at run time ({{where}}): tracewire cannot tell whether this {{what}} reads one of them. Give that metric a static name (or a factory call with a literal name), or list `{{metric}}` in `observability.knownMetrics` if something else emits it.',
      otherLanguageMetric:
        '`{{metric}}` is not a metric the TypeScript and JavaScript code of this project emits, and the repository has services in other languages that tracewire does not read ({{where}}): one of them may emit it.{{hint}} If one does, list `{{metric}}` in `observability.knownMetrics`; if none does, this {{what}} queries nothing.',
      unknownLabel: '`{{metric}}` has no label `{{label}}` ({{definition}}; its labels: {{labels}}): this matcher selects no series, so {{consequence}}.{{hint}}',
      histogramWithoutSuffix:
        '`{{metric}}` is a histogram ({{definition}}): Prometheus stores it as `{{metric}}_bucket`, `{{metric}}_sum` and `{{metric}}_count`, never under its own name, so {{consequence}}. Use `{{metric}}_bucket` with `histogram_quantile()`, or `_sum` / `_count` for averages and rates.',
      counterFunctionOnGauge:
        '`{{fn}}()` over `{{metric}}`, which is {{type}} ({{definition}}): `{{fn}}()` treats every decrease as a counter reset, so this {{what}} computes nonsense whenever the value goes down. Use `deriv()` or `delta()` on gauges (or `avg_over_time()`), or make the metric a counter.',
      gaugeFunctionOnCounter:
        '`{{fn}}()` over `{{metric}}`, which is a counter ({{definition}}): `{{fn}}()` is meant for gauges and does not handle counter resets, so every restart of the process makes this {{what}} jump. Use `rate()` or `increase()`.',
      quantileNotHistogram:
        '`{{fn}}()` over `{{metric}}`, which is {{type}} ({{definition}}), not a histogram\'s `_bucket` series: it has no `le` label, so this {{what}} returns nothing. Compute quantiles from a histogram\'s `_bucket` series.',
      quantileWithoutLe:
        '`{{fn}}()` needs the `le` label of `{{metric}}`, but `{{op}}` {{how}} aggregates it away, so this {{what}} returns nothing. Keep `le` in the grouping, e.g. `{{op}} by (le) (...)`.',
      invalidQuery: 'This query of the {{what}} is not valid PromQL ({{message}}): Grafana shows an error instead of data. Fix the expression.',
    },
    options,
    defaultOptions: {},
  },
  needs: isMetricMember,
  // Facts are only worth collecting when there are observability files to check.
  wantsFacts: ({ inputs }) => inputs > 0,
  collectFacts: (ctx) => metricFactsVisitor(ctx),
  checkProject: (ctx) => checkObservability(ctx),
});
