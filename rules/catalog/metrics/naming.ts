/**
 * Naming conventions for metrics: the data behind `metric-naming`.
 *
 * The Prometheus part mirrors the default checks of `promtool check metrics` (client_golang's
 * `promlint`): its unit table, unit prefixes and unit abbreviations, kept verbatim so tracewire and
 * promtool agree (test/metric-naming-promtool.test.ts checks this against the real promtool).
 */

/** Units promlint recognises in a metric name, mapped to their base unit. */
export const promUnits: Record<string, string> = {
  amperes: 'amperes',
  bytes: 'bytes',
  celsius: 'celsius',
  grams: 'grams',
  joules: 'joules',
  kelvin: 'kelvin',
  meters: 'meters',
  metres: 'metres',
  seconds: 'seconds',
  volts: 'volts',
  minutes: 'seconds',
  hours: 'seconds',
  days: 'seconds',
  weeks: 'seconds',
  kelvins: 'kelvin',
  fahrenheit: 'celsius',
  rankine: 'celsius',
  inches: 'meters',
  yards: 'meters',
  miles: 'meters',
  bits: 'bytes',
  calories: 'joules',
  pounds: 'grams',
  ounces: 'grams',
};

/** SI and binary prefixes promlint strips before looking a unit up (`mibi` is promlint's spelling). */
export const promUnitPrefixes = ['pico', 'nano', 'micro', 'milli', 'centi', 'deci', 'deca', 'hecto', 'kilo', 'kibi', 'mega', 'mibi', 'giga', 'gibi', 'tera', 'tebi', 'peta', 'pebi'];

/** Unit abbreviations promlint rejects as a name component (`_ms`, `_ms_`). */
export const promUnitAbbreviations = ['s', 'ms', 'us', 'ns', 'sec', 'b', 'kb', 'mb', 'gb', 'tb', 'pb', 'm', 'h', 'd'];

/** Metric type names promlint rejects as a name component (client_model's MetricType, untyped excluded). */
export const promTypeNames = ['counter', 'gauge', 'summary', 'histogram', 'gauge_histogram'];

/** prom-client's own validation (lib/validation.js): names that make the constructor throw. */
export const promMetricNamePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const promLabelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** promlint's camelCase test. */
export const camelCasePattern = /[a-z][A-Z]/;

/**
 * OpenTelemetry instrument names: the API's syntax (ASCII letter first; letters, digits, `_`, `.`,
 * `-`, `/`; at most 255 characters). Names outside it are dropped by the SDK with a warning.
 */
export const otelInstrumentNamePattern = /^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$/;

/**
 * Units written into OpenTelemetry instrument names; the convention puts them in the `unit` option
 * (UCUM: `s`, `ms`, `By`, `1`) and lets exporters add Prometheus suffixes. The value is the UCUM unit to use.
 */
export const otelNameUnits: Record<string, string> = {
  seconds: 's',
  second: 's',
  secs: 's',
  sec: 's',
  milliseconds: 'ms',
  millis: 'ms',
  ms: 'ms',
  microseconds: 'us',
  nanoseconds: 'ns',
  ns: 'ns',
  minutes: 'min',
  hours: 'h',
  bytes: 'By',
  kilobytes: 'kBy',
  kb: 'kBy',
  megabytes: 'MBy',
  mb: 'MBy',
  gigabytes: 'GBy',
  gb: 'GBy',
  bits: 'bit',
  percent: '%',
  pct: '%',
};

