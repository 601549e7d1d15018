/**
 * Where the observability files of a project are (Prometheus rule files, Kubernetes PrometheusRule
 * manifests, Grafana dashboards), and what the configuration says about how metrics reach Prometheus.
 *
 * The default locations are broad on purpose: every file they match is read and recognised by its
 * content (`groups[].rules[]`, `kind: PrometheusRule`, a dashboard's `panels`), and a file that is none
 * of these (a Prometheus server config, an Alertmanager config, another manifest) is left alone.
 */

import path from 'node:path';
import { globProblem } from './globs.js';
import type { ObservabilityConfig } from './schema.js';

/** Default globs of Prometheus rule files (relative to the project root). */
export const DEFAULT_RULE_GLOBS = [
  '**/prometheus/**/*.{yml,yaml}',
  '**/alerts/**/*.{yml,yaml}',
  '**/alerting/**/*.{yml,yaml}',
  '**/rules/**/*.{yml,yaml}',
  '**/monitoring/**/*.{yml,yaml}',
  '**/observability/**/*.{yml,yaml}',
  '**/*.rules.{yml,yaml}',
  '**/*-rules.{yml,yaml}',
  '**/*_rules.{yml,yaml}',
  '**/{alerts,rules,alerting-rules,recording-rules}.{yml,yaml}',
  '**/*prometheusrule*.{yml,yaml}',
  '**/*PrometheusRule*.{yml,yaml}',
];

/** Default globs of Grafana dashboards. */
export const DEFAULT_DASHBOARD_GLOBS = ['**/dashboards/**/*.json', '**/grafana/**/*.json', '**/monitoring/**/*.json', '**/observability/**/*.json', '**/*.dashboard.json', '**/*-dashboard.json'];

/** Extensions of the observability inputs: files with these are never parsed as source code. */
export const INPUT_EXTENSIONS = ['yml', 'yaml', 'json'];

const INPUT_RE = new RegExp(`\\.(${INPUT_EXTENSIONS.join('|')})$`, 'i');

export function isInputFile(file: string): boolean {
  return INPUT_RE.test(file);
}

export type OtelTranslation = NonNullable<NonNullable<ObservabilityConfig['otel']>['translation']>;

export interface ObservabilitySettings {
  /** Directory the globs are relative to (the configuration file's, else the working directory). */
  dir: string;
  rules: string[];
  dashboards: string[];
  /** The globs come from the configuration (not the defaults). */
  configuredRules: boolean;
  configuredDashboards: boolean;
  knownMetrics: string[];
  targetLabels: string[];
  otelTranslation?: OtelTranslation;
  otelNamespace?: string;
  /** Counters, histograms and summaries also have `_created` series (OpenMetrics created timestamps). */
  createdSeries: boolean;
}

/** The settings, with the configuration's globs checked (throws a message naming the key on a bad one). */
export function resolveObservability(cfg: ObservabilityConfig | undefined, dir: string, problem: (key: string, message: string) => Error): ObservabilitySettings {
  for (const key of ['rules', 'dashboards', 'knownMetrics'] as const) {
    (cfg?.[key] ?? []).forEach((pattern, i) => {
      const p = globProblem(pattern);
      if (p) throw problem(`observability.${key}[${i}]`, p);
    });
  }
  (cfg?.targetLabels ?? []).forEach((label, i) => {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) throw problem(`observability.targetLabels[${i}]`, `expected a Prometheus label name (letters, digits and "_"), got ${JSON.stringify(label)}`);
  });
  if (cfg?.otel?.namespace !== undefined && !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(cfg.otel.namespace)) {
    throw problem('observability.otel.namespace', `expected a Prometheus metric name prefix (letters, digits, "_" and ":"), got ${JSON.stringify(cfg.otel.namespace)}`);
  }
  return {
    dir,
    rules: cfg?.rules ?? DEFAULT_RULE_GLOBS,
    dashboards: cfg?.dashboards ?? DEFAULT_DASHBOARD_GLOBS,
    configuredRules: !!cfg?.rules,
    configuredDashboards: !!cfg?.dashboards,
    knownMetrics: cfg?.knownMetrics ?? [],
    targetLabels: cfg?.targetLabels ?? [],
    otelTranslation: cfg?.otel?.translation,
    otelNamespace: cfg?.otel?.namespace,
    createdSeries: cfg?.createdSeries ?? false,
  };
}

/** The globs to list, relative to `settings.dir`, as posix patterns. */
export function inputGlobs(settings: ObservabilitySettings): string[] {
  return [...settings.rules, ...settings.dashboards];
}

/** Whether `file` (absolute) is under `dir`. */
export function isUnder(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
