import type { MemberSpec, MetricKind, MetricSpec, PackageModel, TypeSpec } from '../types.js';

const api = 'otel' as const;
const metric = (spec: Omit<MetricSpec, 'api'>): MetricSpec => ({ api, ...spec });

/** `meter.createCounter(name, { description, unit })` and friends. */
const create = (type: string, kind: MetricKind): MemberSpec => ({ returns: type, metric: metric({ kind }) });
/** `add(value, attributes?)`, `record(value, attributes?)`, `result.observe(value, attributes?)`. */
const record: MemberSpec = { metric: metric({ labels: { arg: 1 }, records: true }) };
const addCallback: MemberSpec = { metric: metric({ callback: { arg: 0, param: 0, result: 'otel.ObservableResult' } }) };
const observable: TypeSpec = { sdk: 'otel', members: { addCallback } };
const meter = { returns: 'otel.Meter' };
const meterProvider = { returns: 'otel.MeterProvider' };

/** The metrics part of the OpenTelemetry API (`@opentelemetry/api` 1.x) and the SDK's `MeterProvider`. */
export const otelMetrics: PackageModel = {
  id: 'otel-metrics',
  name: 'OpenTelemetry metrics',
  role: 'tracing',
  package: '@opentelemetry/api',
  docs: 'https://opentelemetry.io/docs/languages/js/instrumentation/#metrics',
  modules: {
    '@opentelemetry/api': {
      'metrics.getMeter': meter,
      'metrics.getMeterProvider': meterProvider,
      'default.metrics.getMeter': meter,
      'default.metrics.getMeterProvider': meterProvider,
      createNoopMeter: meter,
      Meter: { annotation: 'otel.Meter' },
      MeterProvider: { annotation: 'otel.MeterProvider' },
      Counter: { annotation: 'otel.Counter' },
      UpDownCounter: { annotation: 'otel.UpDownCounter' },
      Histogram: { annotation: 'otel.Histogram' },
      Gauge: { annotation: 'otel.Gauge' },
      ObservableGauge: { annotation: 'otel.ObservableGauge' },
      ObservableCounter: { annotation: 'otel.ObservableCounter' },
      ObservableUpDownCounter: { annotation: 'otel.ObservableUpDownCounter' },
      ObservableResult: { annotation: 'otel.ObservableResult' },
      BatchObservableResult: { annotation: 'otel.BatchObservableResult' },
    },
    '@opentelemetry/sdk-metrics': {
      MeterProvider: { new: 'otel.MeterProvider', annotation: 'otel.MeterProvider' },
    },
  },
  types: {
    'otel.MeterProvider': { sdk: 'otel', members: { getMeter: meter } },
    'otel.Meter': {
      sdk: 'otel',
      members: {
        createCounter: create('otel.Counter', 'counter'),
        createUpDownCounter: create('otel.UpDownCounter', 'updowncounter'),
        createHistogram: create('otel.Histogram', 'histogram'),
        createGauge: create('otel.Gauge', 'gauge'),
        createObservableGauge: create('otel.ObservableGauge', 'observable-gauge'),
        createObservableCounter: create('otel.ObservableCounter', 'observable-counter'),
        createObservableUpDownCounter: create('otel.ObservableUpDownCounter', 'observable-updowncounter'),
        addBatchObservableCallback: { metric: metric({ callback: { arg: 0, param: 0, result: 'otel.BatchObservableResult' } }) },
      },
    },
    'otel.Counter': { sdk: 'otel', members: { add: record } },
    'otel.UpDownCounter': { sdk: 'otel', members: { add: record } },
    'otel.Histogram': { sdk: 'otel', members: { record } },
    'otel.Gauge': { sdk: 'otel', members: { record } },
    'otel.ObservableGauge': observable,
    'otel.ObservableCounter': observable,
    'otel.ObservableUpDownCounter': observable,
    'otel.ObservableResult': { sdk: 'otel', members: { observe: record } },
    /** `batch.observe(observable, value, attributes?)` in `meter.addBatchObservableCallback`. */
    'otel.BatchObservableResult': { sdk: 'otel', members: { observe: { metric: metric({ labels: { arg: 2 }, records: true }) } } },
  },
};
