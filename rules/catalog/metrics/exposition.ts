/**
 * How the metrics a Node.js service defines reach Prometheus, as data: the OpenTelemetry-to-Prometheus
 * name translation (its unit table), the exporters and APIs whose presence changes what is exposed,
 * the metrics that instrumentation packages and client libraries emit by themselves, and the labels that
 * scraping adds to every series.
 *
 * Sources: the OpenTelemetry "Prometheus and OpenMetrics compatibility" specification as implemented by
 * Prometheus's OTLP receiver and the collector (github.com/prometheus/otlptranslator: unit_namer.go,
 * metric_namer.go), and @opentelemetry/exporter-prometheus (PrometheusSerializer.ts), which adds no unit
 * suffix. test/observability-translation.test.ts checks the translation against their test vectors and
 * against the real exporter.
 */

/** UCUM units → the Prometheus unit words appended to OTel metric names (otlptranslator `unitMap`). */
export const otelUnitWords: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tebibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

/** The "per" part of a unit (`By/s` → `bytes_per_second`), otlptranslator `perUnitMap`. */
export const otelPerUnitWords: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/**
 * Code that decides how OpenTelemetry metrics are exported, as `module#export.path` access paths (`()`
 * for a construction or call): the Prometheus pull exporter keeps names without unit suffixes; OTLP
 * exporters hand them to a collector or Prometheus's OTLP receiver, which add them.
 */
export const otelExporters = {
  prometheus: ['@opentelemetry/exporter-prometheus#PrometheusExporter'],
  otlp: [
    '@opentelemetry/exporter-metrics-otlp-http#OTLPMetricExporter',
    '@opentelemetry/exporter-metrics-otlp-grpc#OTLPMetricExporter',
    '@opentelemetry/exporter-metrics-otlp-proto#OTLPMetricExporter',
  ],
  /** `new MeterProvider({ views })` and `new View(...)`: views rename instruments and drop attributes. */
  views: ['@opentelemetry/sdk-metrics#View'],
  meterProviders: ['@opentelemetry/sdk-metrics#MeterProvider', '@opentelemetry/sdk-node#NodeSDK'],
};

/** The packages whose declaration in package.json tells the exporter when the code does not show it. */
export const otelExporterPackages = {
  prometheus: ['@opentelemetry/exporter-prometheus'],
  otlp: ['@opentelemetry/exporter-metrics-otlp-http', '@opentelemetry/exporter-metrics-otlp-grpc', '@opentelemetry/exporter-metrics-otlp-proto'],
};

/** prom-client's `collectDefaultMetrics({ prefix })`: the `process_*` and `nodejs_*` families, prefixed. */
export const promDefaultMetrics = ['prom-client#collectDefaultMetrics'];

/** prom-client calls that add labels to every metric of a registry. */
export const promDefaultLabels = ['prom-client#register.setDefaultLabels', 'prom-client#Registry().setDefaultLabels', 'prom-client#Registry.globalRegistry.setDefaultLabels'];

/** Labels scraping attaches to every series of a target. */
export const scrapeLabels = ['job', 'instance'];

/**
 * Labels the Prometheus Operator's ServiceMonitor and PodMonitor targets carry by default: known when the
 * project deploys with the operator (it has PrometheusRule, ServiceMonitor or PodMonitor resources).
 */
export const operatorTargetLabels = ['namespace', 'pod', 'container', 'service', 'endpoint'];

/** Labels the OpenTelemetry exporters add to every OTel metric (instrumentation scope). */
export const otelScopeLabels = ['otel_scope_name', 'otel_scope_version', 'otel_scope_schema_url'];

/** Metric name prefixes of families emitted by libraries and well-known exporters, not by the code. */
export const knownFamilies: { prefix: string; source: string }[] = [
  // prom-client's collectDefaultMetrics() (process and Node.js runtime).
  { prefix: 'process_', source: 'prom-client default metrics (collectDefaultMetrics)' },
  { prefix: 'nodejs_', source: 'prom-client default metrics (collectDefaultMetrics)' },
  // Prometheus's own metrics and the usual exporters next to a service.
  { prefix: 'prometheus_', source: 'Prometheus itself' },
  { prefix: 'alertmanager_', source: 'Alertmanager' },
  { prefix: 'node_', source: 'node_exporter' },
  { prefix: 'kube_', source: 'kube-state-metrics' },
  { prefix: 'container_', source: 'cAdvisor (kubelet)' },
  { prefix: 'kubelet_', source: 'the kubelet' },
  { prefix: 'apiserver_', source: 'the Kubernetes API server' },
  { prefix: 'go_', source: 'a Go exporter\'s runtime metrics' },
  { prefix: 'probe_', source: 'blackbox_exporter' },
  { prefix: 'otelcol_', source: 'the OpenTelemetry collector' },
];

/** A metric an instrumentation package records through OpenTelemetry, translated like the code's own. */
export interface LibraryInstrument {
  name: string;
  kind: 'counter' | 'updowncounter' | 'histogram' | 'gauge';
  unit?: string;
}

/**
 * Instrumentation packages and the OpenTelemetry metrics they record once registered (their attributes
 * are not listed: label matchers on them are not checked).
 */
export const instrumentationMetrics: { packages: string[]; instruments: LibraryInstrument[] }[] = [
  {
    packages: ['@opentelemetry/instrumentation-http', '@opentelemetry/auto-instrumentations-node'],
    instruments: [
      // Semantic conventions before 1.23 (OTEL_SEMCONV_STABILITY_OPT_IN unset) and the stable ones.
      { name: 'http.server.duration', kind: 'histogram', unit: 'ms' },
      { name: 'http.client.duration', kind: 'histogram', unit: 'ms' },
      { name: 'http.server.request.duration', kind: 'histogram', unit: 's' },
      { name: 'http.client.request.duration', kind: 'histogram', unit: 's' },
    ],
  },
  {
    packages: ['@opentelemetry/instrumentation-undici', '@opentelemetry/auto-instrumentations-node'],
    instruments: [{ name: 'http.client.request.duration', kind: 'histogram', unit: 's' }],
  },
  {
    packages: ['@opentelemetry/instrumentation-runtime-node', '@opentelemetry/auto-instrumentations-node'],
    instruments: [
      ...['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'].map((s): LibraryInstrument => ({ name: `nodejs.eventloop.delay.${s}`, kind: 'gauge', unit: 's' })),
      { name: 'nodejs.eventloop.utilization', kind: 'gauge', unit: '1' },
      { name: 'nodejs.eventloop.time', kind: 'counter', unit: 's' },
      { name: 'v8js.gc.duration', kind: 'histogram', unit: 's' },
      { name: 'v8js.memory.heap.limit', kind: 'updowncounter', unit: 'By' },
      { name: 'v8js.memory.heap.used', kind: 'updowncounter', unit: 'By' },
      { name: 'v8js.memory.heap.space.available_size', kind: 'updowncounter', unit: 'By' },
      { name: 'v8js.memory.heap.space.physical_size', kind: 'updowncounter', unit: 'By' },
    ],
  },
  {
    packages: ['@opentelemetry/host-metrics'],
    instruments: [
      { name: 'system.cpu.time', kind: 'counter', unit: 's' },
      { name: 'system.cpu.utilization', kind: 'gauge', unit: '1' },
      { name: 'system.memory.usage', kind: 'updowncounter', unit: 'By' },
      { name: 'system.memory.utilization', kind: 'gauge', unit: '1' },
      { name: 'system.network.dropped', kind: 'counter', unit: '{packets}' },
      { name: 'system.network.errors', kind: 'counter', unit: '{errors}' },
      { name: 'system.network.io', kind: 'counter', unit: 'By' },
      { name: 'process.cpu.time', kind: 'counter', unit: 's' },
      { name: 'process.cpu.utilization', kind: 'gauge', unit: '1' },
      { name: 'process.memory.usage', kind: 'updowncounter', unit: 'By' },
    ],
  },
  {
    // OpenLLMetry records the GenAI client metrics for the LLM SDKs it instruments.
    packages: ['@traceloop/node-server-sdk'],
    instruments: [
      { name: 'gen_ai.client.token.usage', kind: 'histogram', unit: '{token}' },
      { name: 'gen_ai.client.operation.duration', kind: 'histogram', unit: 's' },
    ],
  },
];

/**
 * Build manifests of services in languages tracewire does not read: a repository that has them may emit
 * metrics from code tracewire cannot see, so a metric it cannot find there is unverifiable, not wrong.
 */
export const otherLanguageManifests = ['go.mod', 'pom.xml', 'build.gradle', 'build.gradle.kts', '*.csproj', '*.fsproj', 'Cargo.toml', 'pyproject.toml', 'setup.py', 'Gemfile', 'mix.exs', 'composer.json', 'Package.swift'];
