/**
 * PromQL's functions and aggregations with their types, as Prometheus's parser declares them
 * (promql/parser/functions.go, generated_parser.y): the data behind tracewire's type check of rule
 * expressions, so an expression Prometheus would reject is a parse error here too, and behind the rule
 * `observability-query-metrics` (which functions want counters, which gauges, which histograms).
 */

export type PromType = 'vector' | 'matrix' | 'scalar' | 'string';

export interface PromFunction {
  args: PromType[];
  /** Extra arguments allowed after the declared ones: a count, or -1 for any number (the last type repeats). */
  variadic?: number;
  returns: PromType;
  /** Behind `--enable-feature=promql-experimental-functions` in Prometheus. */
  experimental?: boolean;
}

const v: PromType = 'vector';
const m: PromType = 'matrix';
const s: PromType = 'scalar';
const str: PromType = 'string';

const vv = (): PromFunction => ({ args: [v], returns: v });
const mv = (): PromFunction => ({ args: [m], returns: v });
const time = (): PromFunction => ({ args: [v], variadic: 1, returns: v });

export const promFunctions: Record<string, PromFunction> = {
  abs: vv(),
  absent: vv(),
  absent_over_time: mv(),
  acos: vv(),
  acosh: vv(),
  asin: vv(),
  asinh: vv(),
  atan: vv(),
  atanh: vv(),
  avg_over_time: mv(),
  ceil: vv(),
  changes: mv(),
  clamp: { args: [v, s, s], returns: v },
  clamp_max: { args: [v, s], returns: v },
  clamp_min: { args: [v, s], returns: v },
  cos: vv(),
  cosh: vv(),
  count_over_time: mv(),
  days_in_month: time(),
  day_of_month: time(),
  day_of_week: time(),
  day_of_year: time(),
  deg: vv(),
  delta: mv(),
  deriv: mv(),
  double_exponential_smoothing: { args: [m, s, s], returns: v, experimental: true },
  end: { args: [], returns: s, experimental: true },
  exp: vv(),
  first_over_time: { args: [m], returns: v, experimental: true },
  floor: vv(),
  histogram_avg: vv(),
  histogram_count: vv(),
  histogram_fraction: { args: [s, s, v], returns: v },
  histogram_quantile: { args: [s, v], returns: v },
  histogram_quantiles: { args: [v, str, s, s], variadic: 9, returns: v, experimental: true },
  histogram_stddev: vv(),
  histogram_stdvar: vv(),
  histogram_sum: vv(),
  holt_winters: { args: [m, s, s], returns: v },
  hour: time(),
  idelta: mv(),
  increase: mv(),
  info: { args: [v, v], variadic: 1, returns: v, experimental: true },
  integral: { args: [m, s], variadic: 1, returns: v, experimental: true },
  irate: mv(),
  label_join: { args: [v, str, str, str], variadic: -1, returns: v },
  label_replace: { args: [v, str, str, str, str], returns: v },
  last_over_time: mv(),
  ln: vv(),
  log10: vv(),
  log2: vv(),
  mad_over_time: { args: [m], returns: v, experimental: true },
  max_over_time: mv(),
  min_over_time: mv(),
  minute: time(),
  month: time(),
  pi: { args: [], returns: s },
  predict_linear: { args: [m, s], returns: v },
  present_over_time: mv(),
  quantile_over_time: { args: [s, m], returns: v },
  rad: vv(),
  range: { args: [], returns: s, experimental: true },
  rate: mv(),
  resets: mv(),
  round: { args: [v, s], variadic: 1, returns: v },
  scalar: { args: [v], returns: s },
  sgn: vv(),
  sin: vv(),
  sinh: vv(),
  sort: vv(),
  sort_by_label: { args: [v, str], variadic: -1, returns: v, experimental: true },
  sort_by_label_desc: { args: [v, str], variadic: -1, returns: v, experimental: true },
  sort_desc: vv(),
  sqrt: vv(),
  start: { args: [], returns: s, experimental: true },
  stddev_over_time: mv(),
  stdvar_over_time: mv(),
  step: { args: [], returns: s, experimental: true },
  sum_over_time: mv(),
  tan: vv(),
  tanh: vv(),
  time: { args: [], returns: s },
  timestamp: vv(),
  ts_of_first_over_time: { args: [m], returns: v, experimental: true },
  ts_of_last_over_time: { args: [m], returns: v, experimental: true },
  ts_of_max_over_time: { args: [m], returns: v, experimental: true },
  ts_of_min_over_time: { args: [m], returns: v, experimental: true },
  vector: { args: [s], returns: v },
  year: time(),
};

/** Aggregation operators that take a parameter before the vector, and its type. */
export const promAggregationParams: Record<string, PromType> = {
  topk: s,
  bottomk: s,
  quantile: s,
  limitk: s,
  limit_ratio: s,
  count_values: str,
};

/** Comparison operators (`bool` allowed; between scalars only with `bool`). */
export const promComparisons = ['==', '!=', '>', '<', '>=', '<='];
/** Set operators (between instant vectors only). */
export const promSetOperators = ['and', 'or', 'unless'];

/**
 * What a function expects of the metric under it, for `observability-query-metrics`:
 * - `counter`: rates and resets assume a monotonic counter (on a gauge, every decrease reads as a reset);
 * - `gauge`: `delta`, `deriv`, `predict_linear` and `idelta` assume a gauge (on a counter, resets make them wrong).
 */
export const promCounterFunctions = ['rate', 'irate', 'increase', 'resets'];
export const promGaugeFunctions = ['delta', 'idelta', 'deriv', 'predict_linear', 'double_exponential_smoothing', 'holt_winters'];

/** Functions and aggregations whose result keeps the labels of their (vector) argument, for tracing `le` to `histogram_quantile`. */
export const promLabelPreservingFunctions = new Set(Object.keys(promFunctions).filter((f) => !['absent', 'absent_over_time', 'vector', 'scalar', 'time', 'pi', 'label_replace', 'label_join', 'info'].includes(f)));

/**
 * Series that Prometheus itself creates for every scrape target and every alerting rule: never emitted
 * by the code, always there.
 */
export const promBuiltinSeries: Record<string, { type: 'gauge' | 'counter'; labels?: string[] }> = {
  up: { type: 'gauge' },
  scrape_duration_seconds: { type: 'gauge' },
  scrape_samples_scraped: { type: 'gauge' },
  scrape_samples_post_metric_relabeling: { type: 'gauge' },
  scrape_series_added: { type: 'gauge' },
  scrape_timeout_seconds: { type: 'gauge' },
  scrape_sample_limit: { type: 'gauge' },
  scrape_body_size_bytes: { type: 'gauge' },
  ALERTS: { type: 'gauge', labels: ['alertname', 'alertstate'] },
  ALERTS_FOR_STATE: { type: 'gauge', labels: ['alertname'] },
};
