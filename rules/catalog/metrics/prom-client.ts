import type { MemberSpec, MetricKind, MetricSpec, PackageModel, TypeSpec } from '../types.js';

const api = 'prom-client' as const;
const metric = (spec: Omit<MetricSpec, 'api'>): MetricSpec => ({ api, ...spec });

/** A metric class: `new Counter({ name, help, labelNames })`, also usable as a type annotation. */
const metricClass = (type: string, kind: MetricKind): MemberSpec => ({ new: type, annotation: type, metric: metric({ kind }) });

// Label arguments, as prom-client 15 reads them (lib/counter.js, gauge.js, histogram.js, summary.js, util.js getLabels).
/** `inc(labels?, value?)`: the labels object is optional, the value defaults to 1. */
const incLabels = { arg: 0 };
/** `observe(labels, value)` / `set(labels, value)`: one argument is the value alone. */
const valueLabels = { arg: 0, valueArg: 1 };
/** `labels('GET', '200')` or `labels({ method, code })`; `remove(...)` takes the same. */
const positional = { arg: 0, positional: true };

const records = (labels?: MetricSpec['labels']): MemberSpec => ({ metric: metric(labels ? { labels, records: true } : { records: true }) });
const labelsCall = (child: string): MemberSpec => ({ returns: child, metric: metric({ labels: positional }) });
const remove: MemberSpec = { metric: metric({ labels: positional }) };
/** `startTimer(labels?)` returns `end(labels?)`; the labels of both calls are merged. */
const startTimer = (labels?: MetricSpec['labels']): MemberSpec => ({ returns: 'prom.TimerEnd', metric: metric(labels ? { labels } : {}) });

const type = (members: Record<string, MemberSpec>): TypeSpec => ({ sdk: 'prom-client', members });

const classes: Record<string, MemberSpec> = {
  Counter: metricClass('prom.Counter', 'counter'),
  Gauge: metricClass('prom.Gauge', 'gauge'),
  Histogram: metricClass('prom.Histogram', 'histogram'),
  Summary: metricClass('prom.Summary', 'summary'),
};

/** prom-client (v11 to v15): the Prometheus client for Node.js. */
export const promClient: PackageModel = {
  id: 'prom-client',
  name: 'prom-client',
  role: 'tracing',
  docs: 'https://github.com/siimon/prom-client',
  modules: {
    'prom-client': {
      ...classes,
      // `import client from 'prom-client'` (the CommonJS module object as default export).
      ...Object.fromEntries(Object.entries(classes).map(([k, v]) => [`default.${k}`, v])),
    },
  },
  types: {
    'prom.Counter': type({
      inc: records({ ...incLabels, exemplar: true }),
      labels: labelsCall('prom.Counter.Child'),
      remove,
    }),
    'prom.Counter.Child': type({ inc: records() }),
    'prom.Gauge': type({
      inc: records(incLabels),
      dec: records(incLabels),
      set: records(valueLabels),
      setToCurrentTime: records(incLabels),
      startTimer: startTimer(incLabels),
      labels: labelsCall('prom.Gauge.Child'),
      remove,
    }),
    'prom.Gauge.Child': type({ inc: records(), dec: records(), set: records(), setToCurrentTime: records(), startTimer: startTimer() }),
    'prom.Histogram': type({
      observe: records({ ...valueLabels, exemplar: true }),
      startTimer: startTimer(incLabels),
      zero: records(incLabels),
      labels: labelsCall('prom.Histogram.Child'),
      remove,
    }),
    'prom.Histogram.Child': type({ observe: records(), startTimer: startTimer() }),
    'prom.Summary': type({
      observe: records(valueLabels),
      startTimer: startTimer(incLabels),
      labels: labelsCall('prom.Summary.Child'),
      remove,
    }),
    'prom.Summary.Child': type({ observe: records(), startTimer: startTimer() }),
    /** The function `startTimer()` returns: calling it observes the elapsed time, with extra labels. */
    'prom.TimerEnd': type({ '': records(incLabels) }),
  },
};
