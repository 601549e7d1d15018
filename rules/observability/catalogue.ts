/**
 * The project's metric catalogue: every metric the code defines, under the names Prometheus stores it
 * with, its type and its label names; plus what else is known to exist (Prometheus's own series, the
 * metrics of libraries and exporters, recording rules' outputs, the configuration's `knownMetrics`).
 *
 * Built from the per-file facts (facts.ts): names written through constants of other modules are read
 * from those modules, factories are followed to their call sites, OpenTelemetry instruments are
 * translated the way their exporter does (translate.ts), decided from the code (which exporter it
 * constructs) or the package's dependencies, or from the configuration.
 *
 * Unknown stays unknown: a name built at run time with some literal text is a pattern (queries it
 * matches are not reported); a name with no literal text at all is opaque, and queries that match
 * nothing else are then reported as unverifiable rather than wrong.
 */

import path from 'node:path';
import ts = require('typescript');
import type { OtelTranslation } from '../../src/config/observability.js';
import type { ResolvedConfig } from '../../src/config/load.js';
import type { MetricKind } from '../catalog/types.js';
import { instrumentationMetrics, knownFamilies, operatorTargetLabels, otelExporterPackages, otelScopeLabels, scrapeLabels } from '../catalog/metrics/exposition.js';
import { promBuiltinSeries } from '../catalog/metrics/promql.js';
import type { ArgShape, CallFact, DeclFact, EvidenceFact, MetricFact, Part, StringList, UseFact } from './facts.js';
import { describeTranslation, type OtelType, otelType, prometheusLabel, prometheusName } from './translate.js';

export type SeriesType = 'counter' | 'gauge' | 'bucket' | 'histogram_sum' | 'histogram_count' | 'quantile' | 'summary_sum' | 'summary_count';

export interface MetricDef {
  api: 'prom-client' | 'otel';
  kind: MetricKind;
  /** The name as the code writes it (`*` for parts built at run time). */
  display: string;
  file: string;
  line: number;
  column: number;
  /** The name Prometheus stores (for histograms and summaries: the base of their series); undefined when built at run time. */
  base?: string;
  /** A pattern over stored names, for names partly built at run time. */
  pattern?: RegExp;
  /** No literal text at all: nothing can be said about its name. */
  opaque?: boolean;
  /** Label names (undefined: cannot be known). */
  labels?: Set<string>;
  /** OpenTelemetry: the instrument name and unit, and how the name was translated. */
  otel?: { name: string; unit?: string; strategy: OtelTranslation; why: string };
  /** Why the name or labels are not known. */
  dynamicWhy?: string;
}

export interface Series {
  name: string;
  type: SeriesType;
  def: MetricDef;
  /** Label names of this series (the metric's, with `le` or `quantile`); undefined: cannot be known. */
  labels?: Set<string>;
}

export type Lookup =
  | { k: 'code'; series: Series[] }
  | { k: 'histogram-base'; defs: MetricDef[] }
  | { k: 'recorded'; name: string; labels?: Set<string> }
  | { k: 'known'; source: string; labels?: Set<string> }
  | { k: 'pattern'; defs: MetricDef[] }
  | { k: 'unknown' };

export interface CatalogueInput {
  facts: ReadonlyMap<string, unknown[]>;
  config: ResolvedConfig;
  declaredVersion(file: string, pkg: string): string | undefined;
  readText(file: string): string | undefined;
  /** Labels that Prometheus configuration files in the project attach to targets. */
  configTargetLabels: string[];
  /** The project deploys with the Prometheus Operator. */
  operator: boolean;
}

export class Catalogue {
  readonly defs: MetricDef[] = [];
  private readonly exact = new Map<string, Series[]>();
  private readonly histogramBases = new Map<string, MetricDef[]>();
  private readonly patterns: MetricDef[] = [];
  readonly opaque: MetricDef[] = [];
  private readonly library = new Map<string, { source: string; type: SeriesType }>();
  private readonly knownGlobs: { re: RegExp; source: string }[] = [];
  readonly recorded = new Map<string, { labels?: Set<string> }>();
  /** Labels every series may carry (scraping, relabelling, the collector, the configuration). */
  readonly targetLabels = new Set<string>();
  /** Relabelling maps labels from the data (`labelmap`): any label may exist. */
  anyTargetLabel = false;
  private readonly consts: ConstResolver;
  private readonly byDef = new Map<MetricDef, string[]>();

  /** The names Prometheus stores a metric under. */
  seriesOf(def: MetricDef): string[] {
    return this.byDef.get(def) ?? [];
  }

  constructor(readonly input: CatalogueInput) {
    this.consts = new ConstResolver(input.readText);
    const obs = input.config.observability;
    for (const l of scrapeLabels) this.targetLabels.add(l);
    for (const l of obs.targetLabels) this.targetLabels.add(l);
    for (const l of input.configTargetLabels) {
      if (l === '*') this.anyTargetLabel = true;
      else this.targetLabels.add(l);
    }
    if (input.operator) for (const l of operatorTargetLabels) this.targetLabels.add(l);
    for (const g of obs.knownMetrics) this.knownGlobs.push({ re: globToRegex(g), source: 'observability.knownMetrics' });
    this.build();
  }

  // ------------------------------------------------------------ building

  private build(): void {
    const decls: { file: string; fact: DeclFact; index: number }[] = [];
    const uses: { file: string; fact: UseFact }[] = [];
    const calls = new Map<string, (CallFact & { file: string })[]>();
    const evidence: (EvidenceFact & { file: string })[] = [];
    for (const [file, list] of [...this.input.facts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      let index = 0;
      for (const raw of list as MetricFact[]) {
        if (raw.k === 'decl') decls.push({ file, fact: raw, index: index++ });
        else if (raw.k === 'use') uses.push({ file, fact: raw });
        else if (raw.k === 'call') (calls.get(raw.fn) ?? calls.set(raw.fn, []).get(raw.fn)!).push({ ...raw, file });
        else if (raw.k === 'evidence') evidence.push({ ...raw, file });
      }
    }

    // Attributes of OpenTelemetry instruments: the recording calls tied to each declaration, and those
    // tied to none (an instrument passed around): their keys may belong to any instrument of that type.
    const attrs = new Map<string, Set<string> | undefined>();
    const floating = new Map<string, Set<string> | undefined>();
    const key = (file: string, index: number) => `${file}#${index}`;
    for (const { file, fact } of uses) {
      if (fact.decl !== undefined) {
        const k = key(file, fact.decl);
        const cur = attrs.has(k) ? attrs.get(k) : new Set<string>();
        attrs.set(k, cur && fact.keys ? new Set([...cur, ...fact.keys]) : undefined);
      } else {
        const t = fact.type ?? '*';
        const cur = floating.has(t) ? floating.get(t) : new Set<string>();
        floating.set(t, cur && fact.keys ? new Set([...cur, ...fact.keys]) : undefined);
      }
    }

    const strategy = this.strategies(evidence);
    const prefix = evidence.filter((e) => e.what === 'prometheus-exporter');
    const views = evidence.filter((e) => e.what === 'views');
    const defaultLabels = evidence.filter((e) => e.what === 'default-labels');
    const promExtraLabels = defaultLabels.some((e) => e.labels === null) ? undefined : new Set(defaultLabels.flatMap((e) => e.labels ?? []));
    const resourceLabels = prefix.some((e) => e.resourceLabels);
    // `collectDefaultMetrics({ prefix })`: the default families under that prefix too.
    for (const e of evidence.filter((x) => x.what === 'default-metrics' && x.prefix !== undefined)) {
      for (const family of ['process_', 'nodejs_']) {
        const source = `prom-client default metrics (collectDefaultMetrics, ${rel(this.input.config, e.file)}:${e.line})`;
        this.knownGlobs.push({ re: e.prefix === null ? new RegExp(`^[a-zA-Z_:][a-zA-Z0-9_:]*${family}`) : new RegExp(`^${escapeRe(e.prefix!)}${family}`), source });
      }
    }

    for (const { file, fact, index } of decls) {
      for (const d of this.expand(file, fact, calls)) {
        const def: MetricDef = { api: fact.api, kind: fact.kind, display: displayName(d.name), file: d.file, line: d.line, column: d.column };
        if (fact.api === 'prom-client') {
          def.labels = d.labels && promExtraLabels ? new Set([...d.labels, ...promExtraLabels]) : undefined;
          if (!d.labels) def.dynamicWhy = 'its `labelNames` are not static';
          this.addName(def, d.name, undefined);
        } else {
          let labels: Set<string> | undefined = attrs.has(key(file, index)) ? attrs.get(key(file, index)) : new Set<string>();
          const t = otelTypeName(fact.kind);
          for (const ft of [t, '*', ...(fact.kind.startsWith('observable') ? ['otel.ObservableResult', 'otel.BatchObservableResult'] : [])]) {
            if (!floating.has(ft)) continue;
            const f = floating.get(ft);
            labels = labels && f ? new Set([...labels, ...f]) : undefined;
          }
          if (resourceLabels) labels = undefined;
          let name = d.name;
          // Views rename instruments and change their attributes.
          for (const v of views) {
            if (v.renames === null) {
              name = [null];
              def.dynamicWhy = `an OpenTelemetry view (${rel(this.input.config, v.file)}:${v.line}) that tracewire cannot read may rename it`;
              labels = undefined;
              continue;
            }
            for (const r of v.renames ?? []) {
              const full = name.every((p) => typeof p === 'string') ? (name as string[]).join('') : undefined;
              if (full === undefined || !globToRegex(r.from).test(full)) continue;
              labels = undefined;
              if (r.to === null) {
                name = [null];
                def.dynamicWhy = `an OpenTelemetry view (${rel(this.input.config, v.file)}:${v.line}) renames it to a name tracewire cannot read`;
              } else if (r.to) name = [r.to];
            }
          }
          def.labels = labels ? new Set([...labels].map((l) => prometheusLabel(l, strategy(file).list[0]!))) : undefined;
          this.addName(def, name, { unit: d.unit, strategy: strategy(file), namespace: this.namespace(prefix) });
        }
      }
    }
    this.addLibraries(strategy);
  }

  /** The declarations a fact stands for: one per factory call site when its name is a factory parameter. */
  private expand(file: string, fact: DeclFact, calls: Map<string, (CallFact & { file: string })[]>): { name: Part[]; labels?: string[]; unit: Part[] | undefined; file: string; line: number; column: number }[] {
    const fns = new Set<string>();
    const note = (p: unknown) => {
      if (p && typeof p === 'object' && 'param' in p) fns.add((p as { param: { fn: string } }).param.fn);
    };
    fact.name.forEach(note);
    fact.unit.forEach(note);
    note(fact.labels);
    const base = { file, line: fact.line, column: fact.column };
    if (fns.size !== 1) {
      return [{ ...base, name: this.resolveParts(fact.name, undefined), labels: this.resolveList(fact.labels, undefined), unit: this.resolveUnit(fact.unit, undefined) }];
    }
    const fn = [...fns][0]!;
    const sites = calls.get(fn) ?? [];
    if (!sites.length) return [{ ...base, name: [null], labels: undefined, unit: undefined }];
    return sites.map((c) => ({
      file: c.file,
      line: c.line,
      column: c.column,
      name: this.resolveParts(fact.name, c),
      labels: this.resolveList(fact.labels, c),
      unit: this.resolveUnit(fact.unit, c),
    }));
  }

  private resolveParts(parts: Part[], call: CallFact | undefined, depth = 0): Part[] {
    const out: Part[] = [];
    for (const p of parts) {
      if (p === null || typeof p === 'string') out.push(p);
      else if ('ref' in p) {
        const v = this.consts.resolve(p.ref);
        out.push(typeof v === 'string' ? v : null);
      } else if (call && depth < 2) {
        const arg = call.args[p.param.index];
        const a = argAt(arg, p.param.path);
        if (a && 's' in a) out.push(a.s);
        else if (a && 'parts' in a) out.push(...this.resolveParts(a.parts, undefined, depth + 1));
        // An option the call does not pass (`{ description }` without `unit`), or no options at all: none.
        else if (p.param.path.length && a === undefined && (call.args.length <= p.param.index || (arg && 'obj' in arg))) out.push('');
        else out.push(null);
      } else out.push(null);
    }
    return mergeParts(out);
  }

  private resolveList(list: StringList, call: CallFact | undefined): string[] | undefined {
    if (!list) return undefined;
    if ('list' in list) return list.list;
    if ('ref' in list) {
      const v = this.consts.resolve(list.ref);
      return Array.isArray(v) ? v : undefined;
    }
    if (!call) return undefined;
    const a = argAt(call.args[list.param.index], list.param.path);
    if (a === undefined && list.param.path.length && call.args[list.param.index] && 'obj' in call.args[list.param.index]!) return []; // option absent: no labels
    return a && 'list' in a ? a.list : undefined;
  }

  private resolveUnit(unit: Part[], call: CallFact | undefined): Part[] | undefined {
    if (!unit.length) return [];
    return this.resolveParts(unit, call);
  }

  /** How OpenTelemetry metrics of a file are translated: the configuration, else what the code constructs, else the declared dependencies. */
  private strategies(evidence: (EvidenceFact & { file: string })[]): (file: string) => { list: OtelTranslation[]; why: string } {
    const cfg = this.input.config.observability.otelTranslation;
    const promEx = evidence.filter((e) => e.what === 'prometheus-exporter');
    const otlpEx = evidence.filter((e) => e.what === 'otlp-exporter');
    const at = (e: { file: string; line: number }) => `${rel(this.input.config, e.file)}:${e.line}`;
    const memo = new Map<string, { list: OtelTranslation[]; why: string }>();
    return (file) => {
      if (cfg) return { list: [cfg], why: `observability.otel.translation is ${cfg}` };
      if (promEx.length && !otlpEx.length) return { list: ['PrometheusExporter'], why: `the code exports through PrometheusExporter (${at(promEx[0]!)})` };
      if (otlpEx.length && !promEx.length) return { list: ['UnderscoreEscapingWithSuffixes'], why: `the code exports through OTLP (${at(otlpEx[0]!)}), translated by Prometheus or the collector` };
      const hit = memo.get(path.dirname(file));
      if (hit) return hit;
      const declared = (pkgs: string[]) => pkgs.find((p) => this.input.declaredVersion(file, p) !== undefined);
      const pe = declared(otelExporterPackages.prometheus);
      const otlp = declared(otelExporterPackages.otlp);
      let r: { list: OtelTranslation[]; why: string };
      if (pe && !otlp) r = { list: ['PrometheusExporter'], why: `its package depends on ${pe}` };
      else if (otlp && !pe) r = { list: ['UnderscoreEscapingWithSuffixes'], why: `its package depends on ${otlp} (OTLP, translated by Prometheus or the collector)` };
      else r = { list: ['UnderscoreEscapingWithSuffixes', 'PrometheusExporter'], why: 'tracewire cannot tell which exporter is used (set observability.otel.translation)' };
      memo.set(path.dirname(file), r);
      return r;
    };
  }

  private namespace(prefixes: EvidenceFact[]): string | null | undefined {
    const cfg = this.input.config.observability.otelNamespace;
    if (cfg !== undefined) return cfg;
    const given = prefixes.filter((p) => p.prefix !== undefined);
    if (!given.length) return undefined;
    if (given.some((p) => p.prefix === null)) return null;
    return given[0]!.prefix as string;
  }

  private addName(def: MetricDef, name: Part[], otel: { unit: Part[] | undefined; strategy: { list: OtelTranslation[]; why: string }; namespace: string | null | undefined } | undefined): void {
    this.defs.push(def);
    const literal = name.every((p) => typeof p === 'string') ? (name as string[]).join('') : undefined;
    const unit = otel?.unit === undefined ? undefined : otel.unit.every((p) => typeof p === 'string') ? (otel.unit as string[]).join('') : null;
    if (literal === '') {
      this.defs.pop();
      return;
    }
    if (literal === undefined || unit === null || otel?.namespace === null) {
      const text = name.filter((p): p is string => typeof p === 'string').join('');
      if (!text.replace(/[^a-zA-Z0-9]/g, '')) {
        def.opaque = true;
        def.dynamicWhy ??= 'its name is built at run time';
        this.opaque.push(def);
        return;
      }
      def.dynamicWhy ??= literal === undefined ? 'its name is built at run time' : unit === null ? 'its unit is not static' : 'the exporter prefix is not static';
      def.pattern = patternOf(name, !!otel);
      this.patterns.push(def);
      return;
    }
    if (!otel) {
      def.base = literal;
      this.addSeries(def, literal, promType(def.kind));
      return;
    }
    const type = otelType(def.kind);
    const names = new Set<string>();
    for (const s of otel.strategy.list) names.add(prometheusName(literal, unit, type, s, otel.namespace ?? undefined));
    def.otel = { name: literal, unit: unit || undefined, strategy: otel.strategy.list[0]!, why: otel.strategy.why };
    def.base = [...names][0];
    for (const n of names) this.addSeries(def, n, type === 'histogram' ? 'histogram' : type === 'monotonic' ? 'counter' : 'gauge');
  }

  private addSeries(def: MetricDef, base: string, kind: 'counter' | 'gauge' | 'histogram' | 'summary'): void {
    const put = (name: string, type: SeriesType, extra?: string) => {
      const labels = def.labels ? new Set([...def.labels, ...(extra ? [extra] : [])]) : undefined;
      (this.exact.get(name) ?? this.exact.set(name, []).get(name)!).push({ name, type, def, labels });
      (this.byDef.get(def) ?? this.byDef.set(def, []).get(def)!).push(name);
    };
    const created = this.input.config.observability.createdSeries;
    if (kind === 'histogram') {
      put(`${base}_bucket`, 'bucket', 'le');
      put(`${base}_sum`, 'histogram_sum');
      put(`${base}_count`, 'histogram_count');
      if (created) put(`${base}_created`, 'gauge');
      (this.histogramBases.get(base) ?? this.histogramBases.set(base, []).get(base)!).push(def);
    } else if (kind === 'summary') {
      put(base, 'quantile', 'quantile');
      put(`${base}_sum`, 'summary_sum');
      put(`${base}_count`, 'summary_count');
      if (created) put(`${base}_created`, 'gauge');
    } else {
      put(base, kind);
      // OpenMetrics: the counter `foo_total` has `foo_created`.
      if (created && kind === 'counter') put(`${base.replace(/_total$/, '')}_created`, 'gauge');
    }
  }

  private addLibraries(strategy: (file: string) => { list: OtelTranslation[]; why: string }): void {
    const root = path.join(this.input.config.dir, 'package.json');
    const declaredAnywhere = (pkg: string) => this.input.declaredVersion(root, pkg) !== undefined || [...this.input.facts.keys()].some((f) => this.input.declaredVersion(f, pkg) !== undefined);
    for (const group of instrumentationMetrics) {
      const pkg = group.packages.find(declaredAnywhere);
      if (!pkg) continue;
      const strategies = strategy(root).list;
      for (const inst of group.instruments) {
        const type = otelType(inst.kind);
        for (const s of strategies) {
          const base = prometheusName(inst.name, inst.unit, type, s, this.input.config.observability.otelNamespace);
          const names = type === 'histogram' ? [[`${base}_bucket`, 'bucket'], [`${base}_sum`, 'histogram_sum'], [`${base}_count`, 'histogram_count']] : [[base, type === 'monotonic' ? 'counter' : 'gauge']];
          for (const [n, t] of names) if (!this.library.has(n!)) this.library.set(n!, { source: `${pkg} (OpenTelemetry instrument \`${inst.name}\`)`, type: t as SeriesType });
        }
      }
    }
  }

  addRecorded(name: string, labels: Set<string> | undefined): void {
    this.recorded.set(name, { labels });
  }

  // ------------------------------------------------------------ queries

  lookup(name: string): Lookup {
    const series = this.exact.get(name);
    if (series) return { k: 'code', series };
    const rec = this.recorded.get(name);
    if (rec) return { k: 'recorded', name, labels: rec.labels };
    const builtin = promBuiltinSeries[name];
    if (builtin) return { k: 'known', source: 'Prometheus', labels: builtin.labels ? new Set(builtin.labels) : undefined };
    const lib = this.library.get(name);
    if (lib) return { k: 'known', source: lib.source };
    if (name === 'target_info') return { k: 'known', source: 'the OpenTelemetry exporters (resource attributes)' };
    for (const g of this.knownGlobs) if (g.re.test(name)) return { k: 'known', source: g.source };
    for (const f of knownFamilies) if (name.startsWith(f.prefix)) return { k: 'known', source: f.source };
    const bases = this.histogramBases.get(name);
    if (bases) return { k: 'histogram-base', defs: bases };
    const pats = this.patterns.filter((d) => d.pattern!.test(name));
    if (pats.length) return { k: 'pattern', defs: pats };
    return { k: 'unknown' };
  }

  /** Labels every series may carry besides its own (target labels; OTel scope labels for OpenTelemetry metrics). */
  ambientLabels(def: MetricDef | undefined): Set<string> {
    const out = new Set(this.targetLabels);
    if (def?.api === 'otel') for (const l of otelScopeLabels) out.add(l);
    return out;
  }

  /** The stored names closest to `name` (edit distance), for "did you mean". */
  suggest(name: string): string | undefined {
    const candidates = new Set([...this.exact.keys(), ...this.recorded.keys(), ...this.library.keys()]);
    // A Prometheus suffix added or left out (`agent_runs` for `agent_runs_total`) before any spelling slip.
    for (const suffix of ['_total', '_bucket', '_count', '_sum', '_seconds', '_seconds_total', '_bytes', '_bytes_total', '_ratio', '_info']) {
      if (candidates.has(name + suffix)) return name + suffix;
      if (name.endsWith(suffix) && candidates.has(name.slice(0, -suffix.length))) return name.slice(0, -suffix.length);
    }
    return closest(name, candidates);
  }

  /**
   * An OpenTelemetry metric whose name before translation, or under another translation, is `name`:
   * the query uses the instrument's name as written in the code rather than as Prometheus stores it.
   */
  otelOrigin(name: string): { def: MetricDef; stored: string } | undefined {
    for (const def of this.defs) {
      if (!def.otel || !def.base) continue;
      const { name: inst, unit } = def.otel;
      const type = otelType(def.kind);
      const spellings = new Set<string>([inst]);
      for (const s of ['UnderscoreEscapingWithSuffixes', 'UnderscoreEscapingWithoutSuffixes', 'PrometheusExporter', 'NoUTF8EscapingWithSuffixes'] as OtelTranslation[]) {
        const b = prometheusName(inst, unit, type, s);
        spellings.add(b);
        if (type === 'histogram') for (const suf of ['_bucket', '_sum', '_count']) spellings.add(b + suf);
      }
      spellings.add(inst.replace(/[^a-zA-Z0-9_:]/g, '_'));
      if (spellings.has(name)) {
        const storedBase = def.base;
        const stored = type === 'histogram' ? `${storedBase}_${/_(sum|count)$/.exec(name)?.[1] ?? 'bucket'}` : storedBase;
        if (stored !== name) return { def, stored };
      }
    }
    return undefined;
  }

  describe(def: MetricDef): string {
    const where = `${rel(this.input.config, def.file)}:${def.line}`;
    if (def.api === 'otel') return `the OpenTelemetry ${kindWord(def.kind)} \`${def.display}\` (${where})`;
    return `the prom-client ${kindWord(def.kind)} \`${def.display}\` (${where})`;
  }

  translationOf(def: MetricDef): string {
    return def.otel ? `${describeTranslation(def.otel.strategy)}; ${def.otel.why}` : '';
  }
}

// ---------------------------------------------------------------- helpers

function otelTypeName(kind: MetricKind): string {
  const names: Record<MetricKind, string> = {
    counter: 'otel.Counter',
    updowncounter: 'otel.UpDownCounter',
    histogram: 'otel.Histogram',
    gauge: 'otel.Gauge',
    summary: 'otel.Summary',
    'observable-counter': 'otel.ObservableCounter',
    'observable-gauge': 'otel.ObservableGauge',
    'observable-updowncounter': 'otel.ObservableUpDownCounter',
  };
  return names[kind];
}

function promType(kind: MetricKind): 'counter' | 'gauge' | 'histogram' | 'summary' {
  return kind === 'counter' || kind === 'histogram' || kind === 'summary' ? kind : 'gauge';
}

export function kindWord(kind: MetricKind): string {
  switch (kind) {
    case 'updowncounter':
      return 'up-down counter';
    case 'observable-counter':
      return 'observable counter';
    case 'observable-gauge':
      return 'observable gauge';
    case 'observable-updowncounter':
      return 'observable up-down counter';
    default:
      return kind;
  }
}

function rel(config: ResolvedConfig, file: string): string {
  const r = path.relative(config.dir, file);
  return (r.startsWith('..') ? file : r).split(path.sep).join('/');
}

function displayName(parts: Part[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : '*')).join('');
}

function mergeParts(parts: Part[]): Part[] {
  const out: Part[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === 'string' && typeof last === 'string') out[out.length - 1] = last + p;
    else if (p === null && last === null) continue;
    else if (p !== '') out.push(p);
  }
  return out.length ? out : [''];
}

function argAt(a: ArgShape | undefined, p: string[]): ArgShape | undefined {
  let cur: ArgShape | undefined = a;
  for (const k of p) {
    if (!cur || !('obj' in cur)) return undefined;
    cur = cur.obj[k];
  }
  return cur ?? undefined;
}

/** A pattern over stored names: literal text (translated like an OTel name when `otel`), holes as anything, any suffixes after. */
function patternOf(parts: Part[], otel: boolean): RegExp {
  const esc = (s: string) => (otel ? s.replace(/[^a-zA-Z0-9_:]+/g, '_') : s).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const body = parts.map((p) => (typeof p === 'string' ? esc(p) : '.+')).join('');
  return new RegExp(`^(?:[a-zA-Z_:][a-zA-Z0-9_:]*_)?${body}(?:_[a-zA-Z0-9_]+)?$`);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function globToRegex(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** The candidate nearest to `word` (edit distance at most a third of its length, and at most 6). */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Math.min(6, Math.max(2, Math.floor(word.length / 3))) + 1;
  for (const c of [...new Set(candidates)].sort()) {
    if (c === word || Math.abs(c.length - word.length) >= bestD) continue;
    const d = distance(word, c, bestD);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best !== undefined) return best;
  // A word of the name left out or added: `risk_level` for `risk`, `status` for `run_status`.
  const sorted = [...new Set(candidates)].sort();
  return sorted.find((c) => word.startsWith(`${c}_`) || c.startsWith(`${word}_`) || word.endsWith(`_${c}`) || c.endsWith(`_${word}`));
}

function distance(a: string, b: string, cap: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, cur[j]!);
    }
    if (rowMin >= cap) return cap;
    prev = cur;
  }
  return prev[b.length]!;
}

// ---------------------------------------------------------------- constants of other modules

type ConstValue = string | string[] | undefined;

/**
 * Reads the exported constants of project modules (`export const METRIC_NAMES = { runs: '...' } as
 * const`, enums, template literals over constants, re-exports), for names and label lists written
 * through them. Only relative and absolute imports are followed.
 */
class ConstResolver {
  private readonly files = new Map<string, ConstFile | null>();
  constructor(readonly readText: (file: string) => string | undefined) {}

  resolve(ref: { from: string; module: string; name: string; path: string[] }, depth = 0): ConstValue {
    if (depth > 6) return undefined;
    const file = this.moduleFile(ref.from, ref.module);
    if (!file) return undefined;
    const cf = this.load(file);
    return cf?.exported(ref.name, ref.path, depth);
  }

  private moduleFile(from: string, spec: string): string | undefined {
    if (!spec.startsWith('.') && !spec.startsWith('/')) return undefined;
    const base = path.resolve(path.dirname(from), spec);
    const stripped = base.replace(/\.(m|c)?js$/, '');
    const candidates = [base, `${stripped}.ts`, `${stripped}.tsx`, `${stripped}.mts`, `${stripped}.cts`, `${base}.js`, `${base}.mjs`, `${base}.cjs`, path.join(base, 'index.ts'), path.join(base, 'index.js')];
    for (const c of candidates) {
      if (/\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$/.test(c) && this.load(c)) return c;
    }
    return undefined;
  }

  private load(file: string): ConstFile | null {
    if (this.files.has(file)) return this.files.get(file)!;
    const text = this.readText(file);
    const cf = text === undefined ? null : new ConstFile(file, text, this);
    this.files.set(file, cf);
    return cf;
  }
}

class ConstFile {
  private readonly sf: ts.SourceFile;
  private readonly locals = new Map<string, ts.Expression>();
  private readonly enums = new Map<string, ts.EnumDeclaration>();
  private readonly imports = new Map<string, { module: string; name: string }>();
  private readonly exports = new Map<string, string>();
  private readonly reexports: { module: string; names?: Map<string, string> }[] = [];
  private defaultExport: ts.Expression | undefined;

  constructor(
    readonly file: string,
    text: string,
    readonly resolver: ConstResolver,
  ) {
    this.sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
    for (const st of this.sf.statements) {
      const exported = ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (ts.isVariableStatement(st) && st.declarationList.flags & ts.NodeFlags.Const) {
        for (const d of st.declarationList.declarations) {
          if (!ts.isIdentifier(d.name) || !d.initializer) continue;
          this.locals.set(d.name.text, d.initializer);
          if (exported) this.exports.set(d.name.text, d.name.text);
        }
      } else if (ts.isEnumDeclaration(st)) {
        this.enums.set(st.name.text, st);
        if (exported) this.exports.set(st.name.text, st.name.text);
      } else if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.importClause) {
        const mod = st.moduleSpecifier.text;
        const nb = st.importClause.namedBindings;
        if (st.importClause.name) this.imports.set(st.importClause.name.text, { module: mod, name: 'default' });
        if (nb && ts.isNamedImports(nb)) for (const s of nb.elements) this.imports.set(s.name.text, { module: mod, name: (s.propertyName ?? s.name).text });
      } else if (ts.isExportDeclaration(st)) {
        const mod = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
        if (st.exportClause && ts.isNamedExports(st.exportClause)) {
          const names = new Map<string, string>();
          for (const s of st.exportClause.elements) names.set(s.name.text, (s.propertyName ?? s.name).text);
          if (mod) this.reexports.push({ module: mod, names });
          else for (const [outer, inner] of names) this.exports.set(outer, inner);
        } else if (mod && !st.exportClause) this.reexports.push({ module: mod });
      } else if (ts.isExportAssignment(st) && !st.isExportEquals) this.defaultExport = st.expression;
    }
  }

  exported(name: string, p: string[], depth: number): ConstValue {
    if (name === 'default' && this.defaultExport) return this.evaluate(this.defaultExport, p, depth);
    const local = this.exports.get(name);
    if (local !== undefined) return this.named(local, p, depth);
    for (const r of this.reexports) {
      const inner = r.names ? r.names.get(name) : name;
      if (inner === undefined) continue;
      const v = this.resolver.resolve({ from: this.file, module: r.module, name: inner, path: p }, depth + 1);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  private named(name: string, p: string[], depth: number): ConstValue {
    const e = this.enums.get(name);
    if (e) {
      if (p.length !== 1) return undefined;
      const m = e.members.find((x) => (ts.isIdentifier(x.name) || ts.isStringLiteral(x.name) ? x.name.text : undefined) === p[0]);
      return m?.initializer ? this.evaluate(m.initializer, [], depth) : undefined;
    }
    const init = this.locals.get(name);
    if (init) return this.evaluate(init, p, depth);
    const imp = this.imports.get(name);
    if (imp) return this.resolver.resolve({ from: this.file, module: imp.module, name: imp.name, path: p }, depth + 1);
    return undefined;
  }

  private evaluate(e: ts.Expression, p: string[], depth: number): ConstValue {
    if (depth > 12) return undefined;
    while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    if (p.length) {
      const [k, ...rest] = p;
      if (ts.isObjectLiteralExpression(e)) {
        for (const prop of e.properties) {
          if (ts.isPropertyAssignment(prop) && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name)) && prop.name.text === k) return this.evaluate(prop.initializer, rest, depth + 1);
          if (ts.isShorthandPropertyAssignment(prop) && prop.name.text === k) return this.named(prop.name.text, rest, depth + 1);
        }
        return undefined;
      }
      if (ts.isIdentifier(e)) return this.named(e.text, p, depth + 1);
      return undefined;
    }
    if (ts.isStringLiteralLike(e)) return e.text;
    if (ts.isTemplateExpression(e)) {
      let s = e.head.text;
      for (const span of e.templateSpans) {
        const v = this.evaluate(span.expression, [], depth + 1);
        if (typeof v !== 'string') return undefined;
        s += v + span.literal.text;
      }
      return s;
    }
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const a = this.evaluate(e.left, [], depth + 1);
      const b = this.evaluate(e.right, [], depth + 1);
      return typeof a === 'string' && typeof b === 'string' ? a + b : undefined;
    }
    if (ts.isArrayLiteralExpression(e)) {
      const out: string[] = [];
      for (const el of e.elements) {
        if (ts.isSpreadElement(el)) {
          const v = this.evaluate(el.expression, [], depth + 1);
          if (!Array.isArray(v)) return undefined;
          out.push(...v);
          continue;
        }
        const v = this.evaluate(el, [], depth + 1);
        if (typeof v !== 'string') return undefined;
        out.push(v);
      }
      return out;
    }
    if (ts.isIdentifier(e)) return this.named(e.text, [], depth + 1);
    if (ts.isPropertyAccessExpression(e)) {
      const chain: string[] = [];
      let cur: ts.Expression = e;
      while (ts.isPropertyAccessExpression(cur)) {
        chain.unshift(cur.name.text);
        cur = cur.expression;
      }
      if (ts.isIdentifier(cur)) return this.named(cur.text, chain, depth + 1);
    }
    return undefined;
  }
}
