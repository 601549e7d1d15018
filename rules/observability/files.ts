/**
 * Reading observability files: Prometheus rule files (also inside Kubernetes `PrometheusRule`
 * resources, several YAML documents per file), Grafana dashboards (panels, collapsed and legacy rows,
 * library panels, template variables) and Prometheus server configurations (for the labels relabelling
 * adds). Every query comes out with the position of each of its characters in the file.
 *
 * Rule files are validated as Prometheus validates them (`promtool check rules`: unknown fields,
 * record/alert, names, labels, repeated groups, and the expression's syntax and types): a file
 * Prometheus would reject gives an error and no findings.
 */

import YAML, { isMap, isScalar, isSeq, type Node as YamlNode, type Scalar, type YAMLMap } from 'yaml';
import { type JsonValue, JsonSyntaxError, jsonGet, type Located, locateYamlScalar, parseLocatedJson } from './sources.js';

export type QueryKind = 'alert' | 'record' | 'panel' | 'variable';

export interface QueryRef {
  /** The expression (the scalar's value) and where each character is written. */
  loc: Located;
  kind: QueryKind;
  /** The alert or recording rule name, the panel title or the variable name. */
  name?: string;
  /** A Grafana query: template variables are replaced before parsing, and only its syntax is checked. */
  grafana: boolean;
  /** The datasource is not known to be Prometheus: a query that does not parse as PromQL is not one. */
  maybeOther?: boolean;
  /** A Grafana variable's query function (`label_values`, `query_result`), when it is one. */
  variable?: { fn: 'label_values'; selectorFrom: number; selectorTo: number; label?: { name: string; from: number; to: number } } | { fn: 'query_result'; from: number; to: number };
}

export interface RecordingRule {
  name: string;
  query: QueryRef;
  /** Labels the rule sets (`labels:`). */
  labels: string[];
}

export interface FileError {
  offset: number;
  message: string;
}

/**
 * LogQL (Loki's ruler reads rule files of the same format): a pipeline after a stream selector, or a
 * line filter. A rule file with such an expression is Loki's, not Prometheus's.
 */
export function looksLikeLogQL(expr: string): boolean {
  return /\}\s*(?:\|[=~]|!=|!~|\|\s*(?:json|logfmt|regexp|pattern|unpack|line_format|label_format|unwrap|drop|keep|decolorize)\b)/.test(expr);
}

export interface ObservabilityFile {
  kind: 'rules' | 'dashboard' | 'prometheus-config' | 'none';
  queries: QueryRef[];
  records: RecordingRule[];
  errors: FileError[];
  /** Labels the server's relabelling and static configs attach to targets (Prometheus configuration files). */
  targetLabels: string[];
  /** The file deploys with the Prometheus Operator (PrometheusRule, ServiceMonitor, PodMonitor resources). */
  operator: boolean;
}

const empty = (): ObservabilityFile => ({ kind: 'none', queries: [], records: [], errors: [], targetLabels: [], operator: false });

export function readObservabilityFile(file: string, text: string): ObservabilityFile {
  return /\.json$/i.test(file) ? readJson(text) : readYaml(text);
}

// ---------------------------------------------------------------- YAML: rule files, PrometheusRule, Prometheus config

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function readYaml(text: string): ObservabilityFile {
  const out = empty();
  const looksLikeRules = /^\s*groups\s*:/m.test(text) || /^\s*kind\s*:\s*["']?PrometheusRule\b/m.test(text);
  let docs: YAML.Document.Parsed[];
  try {
    docs = YAML.parseAllDocuments(text, { keepSourceTokens: true, uniqueKeys: false, prettyErrors: false }) as YAML.Document.Parsed[];
  } catch {
    return out;
  }
  if (!Array.isArray(docs)) docs = [docs as unknown as YAML.Document.Parsed];
  const broken = docs.find((d) => d.errors.length);
  if (broken) {
    // A Helm template is not YAML until rendered: it is not this file's to check.
    if (looksLikeRules && !/\{\{-?\s*(?:if|range|with|end|include|template|define|\.Values|\.Release|\.Chart)\b/.test(text)) {
      const e = broken.errors[0]!;
      out.kind = 'rules';
      out.errors.push({ offset: e.pos[0], message: `invalid YAML: ${e.message.split('\n')[0]}` });
    }
    return out;
  }
  for (const doc of docs) {
    const root = doc.contents;
    if (!isMap(root)) continue;
    const kind = scalarValue(root.get('kind', true));
    if (typeof kind === 'string' && ['PrometheusRule', 'ServiceMonitor', 'PodMonitor'].includes(kind)) out.operator = true;
    if (kind === 'PrometheusRule') {
      const spec = root.get('spec', true);
      const groups = isMap(spec) ? spec.get('groups', true) : undefined;
      if (groups !== undefined) {
        out.kind = 'rules';
        readGroups(text, groups as YamlNode, out, false);
      }
      continue;
    }
    if (root.has('groups') && !root.has('apiVersion')) {
      out.kind = 'rules';
      for (const pair of root.items) {
        const key = scalarValue(pair.key);
        if (key !== 'groups') out.errors.push({ offset: nodeStart(pair.key), message: `field ${String(key)} not found in type rulefmt.RuleGroups` });
      }
      readGroups(text, root.get('groups', true) as YamlNode, out, true);
      continue;
    }
    if (root.has('scrape_configs')) {
      if (out.kind === 'none') out.kind = 'prometheus-config';
      out.targetLabels.push(...prometheusConfigLabels(root.get('scrape_configs', true) as YamlNode));
    }
  }
  return out;
}

function scalarValue(n: unknown): unknown {
  return isScalar(n) ? n.value : undefined;
}

function nodeStart(n: unknown): number {
  return (n as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
}

/** Rule group fields: Prometheus's, and those Thanos, Cortex and Mimir rulers add to the same format. */
const GROUP_FIELDS = ['name', 'interval', 'limit', 'rules', 'query_offset', 'labels', 'partial_response_strategy', 'source_tenants', 'evaluation_delay', 'align_evaluation_time_on_interval'];
const RULE_FIELDS = ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];

function readGroups(text: string, groups: YamlNode | undefined, out: ObservabilityFile, strict: boolean): void {
  if (groups === undefined || groups === null || (isScalar(groups) && groups.value === null)) return;
  if (!isSeq(groups)) {
    out.errors.push({ offset: nodeStart(groups), message: 'groups: expected a list of rule groups' });
    return;
  }
  const names = new Set<string>();
  for (const g of groups.items) {
    if (!isMap(g)) {
      out.errors.push({ offset: nodeStart(g), message: 'expected a rule group (a mapping with name and rules)' });
      continue;
    }
    if (strict) unknownFields(g, GROUP_FIELDS, 'rulefmt.RuleGroup', out);
    const name = scalarValue(g.get('name', true));
    if (typeof name !== 'string' || name === '') {
      out.errors.push({ offset: nodeStart(g), message: 'Groupname must not be empty' });
      continue;
    }
    if (names.has(name)) out.errors.push({ offset: nodeStart(g), message: `groupname: ${JSON.stringify(name)} is repeated in the same file` });
    names.add(name);
    const rules = g.get('rules', true);
    if (rules === undefined || (isScalar(rules) && rules.value === null)) continue;
    if (!isSeq(rules)) {
      out.errors.push({ offset: nodeStart(rules), message: `group ${JSON.stringify(name)}: rules: expected a list` });
      continue;
    }
    rules.items.forEach((r, i) => readRule(text, r, `group ${JSON.stringify(name)}, rule ${i + 1}`, out, strict));
  }
}

function unknownFields(m: YAMLMap, known: string[], type: string, out: ObservabilityFile): void {
  for (const pair of m.items) {
    const key = scalarValue(pair.key);
    if (typeof key !== 'string' || !known.includes(key)) out.errors.push({ offset: nodeStart(pair.key), message: `field ${String(key)} not found in type ${type}` });
  }
}

function readRule(text: string, r: unknown, where: string, out: ObservabilityFile, strict: boolean): void {
  if (!isMap(r)) {
    out.errors.push({ offset: nodeStart(r), message: `${where}: expected a rule (a mapping with record or alert, and expr)` });
    return;
  }
  if (strict) unknownFields(r, RULE_FIELDS, 'rulefmt.RuleNode', out);
  const record = scalarValue(r.get('record', true));
  const alert = scalarValue(r.get('alert', true));
  const exprNode = r.get('expr', true);
  const name = String(record ?? alert ?? '');
  const label = `${where}, ${JSON.stringify(name)}`;
  const fail = (at: unknown, message: string): void => {
    out.errors.push({ offset: nodeStart(at ?? r), message: `${label}: ${message}` });
  };
  const hasRecord = record !== undefined && record !== null && record !== '';
  const hasAlert = alert !== undefined && alert !== null && alert !== '';
  if (hasRecord && hasAlert) return fail(r, "only one of 'record' and 'alert' must be set");
  if (!hasRecord && !hasAlert) return fail(r, "one of 'record' or 'alert' must be set");
  if (!isScalar(exprNode) || exprNode.value === null || String(exprNode.value).trim() === '') return fail(r, "field 'expr' must be set in rule");
  if (hasRecord) {
    if (r.has('for')) return fail(r.get('for', true), "invalid field 'for' in recording rule");
    if (r.has('keep_firing_for')) return fail(r.get('keep_firing_for', true), "invalid field 'keep_firing_for' in recording rule");
    if (r.has('annotations')) return fail(r.get('annotations', true), "invalid field 'annotations' in recording rule");
    if (typeof record !== 'string' || !METRIC_NAME.test(record)) return fail(r.get('record', true), `invalid recording rule name: ${String(record)}`);
  }
  const labels: string[] = [];
  for (const key of ['labels', 'annotations']) {
    const m = r.get(key, true);
    if (m === undefined || (isScalar(m) && m.value === null)) continue;
    if (!isMap(m)) return fail(m, `${key}: expected a mapping`);
    for (const pair of m.items) {
      const k = scalarValue(pair.key);
      const v = scalarValue(pair.value);
      if (key === 'labels') {
        if (typeof k !== 'string' || !LABEL_NAME.test(k) || k === '__name__') return fail(pair.key, `invalid label name: ${String(k)}`);
        labels.push(k);
      } else if (typeof k !== 'string' || !LABEL_NAME.test(k)) return fail(pair.key, `invalid annotation name: ${String(k)}`);
      if (typeof v === 'string' && !templateBalanced(v)) return fail(pair.value, `${key === 'labels' ? 'label' : 'annotation'} ${JSON.stringify(k)}: template: unclosed action`);
    }
  }
  const loc = locateYamlScalar(text, exprNode as Scalar);
  const query: QueryRef = { loc, kind: hasRecord ? 'record' : 'alert', name, grafana: false };
  out.queries.push(query);
  if (hasRecord) out.records.push({ name: record as string, query, labels });
}

/** Go template actions are closed: every `{{` has its `}}` before the next `{{`. */
function templateBalanced(s: string): boolean {
  let i = 0;
  for (;;) {
    const open = s.indexOf('{{', i);
    if (open < 0) return true;
    const close = s.indexOf('}}', open + 2);
    if (close < 0) return false;
    const next = s.indexOf('{{', open + 2);
    if (next >= 0 && next < close) return false;
    i = close + 2;
  }
}

/** `target_label`s of relabelling and the label keys of static configs: labels every target's series carry. */
function prometheusConfigLabels(scrapeConfigs: YamlNode | undefined): string[] {
  const out: string[] = [];
  if (!isSeq(scrapeConfigs)) return out;
  for (const sc of scrapeConfigs.items) {
    if (!isMap(sc)) continue;
    for (const key of ['relabel_configs', 'metric_relabel_configs']) {
      const list = sc.get(key, true);
      if (!isSeq(list)) continue;
      for (const rc of list.items) {
        if (!isMap(rc)) continue;
        const t = scalarValue(rc.get('target_label', true));
        // `$1`-style targets name labels from the data: nothing to learn statically.
        if (typeof t === 'string' && LABEL_NAME.test(t) && !t.startsWith('__')) out.push(t);
        const action = scalarValue(rc.get('action', true));
        if (action === 'labelmap') out.push('*');
      }
    }
    const statics = sc.get('static_configs', true);
    if (isSeq(statics)) {
      for (const s of statics.items) {
        const labels = isMap(s) ? s.get('labels', true) : undefined;
        if (isMap(labels)) for (const p of labels.items) if (typeof scalarValue(p.key) === 'string') out.push(scalarValue(p.key) as string);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- JSON: Grafana dashboards and library panels

function readJson(text: string): ObservabilityFile {
  const out = empty();
  let root: JsonValue;
  try {
    root = parseLocatedJson(text);
  } catch (e) {
    // Only a file that means to be a dashboard is this rule's to reject.
    if (e instanceof JsonSyntaxError && /"(?:panels|targets|templating)"\s*:/.test(text)) {
      out.kind = 'dashboard';
      out.errors.push({ offset: e.offset, message: `invalid JSON: ${e.message}` });
    }
    return out;
  }
  // `{ "dashboard": {...}, "meta": {...} }` (the HTTP API's shape), a dashboard, or a library panel.
  let dash = root;
  const wrapped = jsonGet(root, 'dashboard');
  if (wrapped?.k === 'object' && (jsonGet(wrapped, 'panels') || jsonGet(wrapped, 'rows'))) dash = wrapped;
  const isDashboard = dash.k === 'object' && (jsonGet(dash, 'panels')?.k === 'array' || jsonGet(dash, 'rows')?.k === 'array');
  const libraryModel = jsonGet(root, 'model');
  const isLibraryPanel = !isDashboard && libraryModel?.k === 'object' && (jsonGet(libraryModel, 'targets') !== undefined || jsonGet(libraryModel, 'type') !== undefined) && jsonGet(root, 'uid') !== undefined;
  if (!isDashboard && !isLibraryPanel) return out;
  out.kind = 'dashboard';
  const ctx = new DashboardContext(dash, out);
  if (isLibraryPanel) {
    ctx.panel(libraryModel!, undefined);
    return out;
  }
  ctx.variables();
  const panels = jsonGet(dash, 'panels');
  if (panels?.k === 'array') for (const p of panels.items) ctx.panel(p, undefined);
  const rows = jsonGet(dash, 'rows');
  if (rows?.k === 'array') {
    for (const row of rows.items) {
      const rp = jsonGet(row, 'panels');
      if (rp?.k === 'array') for (const p of rp.items) ctx.panel(p, undefined);
    }
  }
  // Library panels exported with the dashboard ("Export for sharing externally").
  const elements = jsonGet(dash, '__elements');
  if (elements?.k === 'object') {
    for (const e of elements.entries) {
      const model = jsonGet(e.value, 'model');
      if (model?.k === 'object') ctx.panel(model, undefined);
    }
  }
  return out;
}

type DsKind = 'prometheus' | 'other' | 'unknown';

class DashboardContext {
  /** Datasource variables and `__inputs`: name → plugin type. */
  private readonly dsVars = new Map<string, string>();

  constructor(
    readonly dash: JsonValue,
    readonly out: ObservabilityFile,
  ) {
    const inputs = jsonGet(dash, '__inputs');
    if (inputs?.k === 'array') {
      for (const i of inputs.items) {
        const name = str(jsonGet(i, 'name'));
        const plugin = str(jsonGet(i, 'pluginId'));
        if (name && plugin) this.dsVars.set(name, plugin);
      }
    }
    for (const v of this.variableList()) {
      if (str(jsonGet(v, 'type')) !== 'datasource') continue;
      const name = str(jsonGet(v, 'name'));
      const q = str(jsonGet(v, 'query'));
      if (name && q) this.dsVars.set(name, q);
    }
  }

  private variableList(): JsonValue[] {
    const list = jsonGet(jsonGet(this.dash, 'templating'), 'list');
    return list?.k === 'array' ? list.items : [];
  }

  /** What a `datasource` value denotes. */
  dsKind(ds: JsonValue | undefined): DsKind | undefined {
    if (!ds || ds.k === 'null') return undefined;
    if (ds.k === 'string') return this.byName(ds.loc.value);
    if (ds.k === 'object') {
      const type = str(jsonGet(ds, 'type'));
      if (type) return /prometheus/i.test(type) ? 'prometheus' : type === 'datasource' ? undefined : 'other';
      const uid = str(jsonGet(ds, 'uid'));
      if (uid) return this.byName(uid);
    }
    return 'unknown';
  }

  private byName(name: string): DsKind {
    if (/^-- (Mixed|Dashboard|Grafana) --$/.test(name)) return 'other';
    const v = /^\$\{?([A-Za-z0-9_]+)(?::[^}]*)?\}?$/.exec(name)?.[1];
    if (v) {
      const plugin = this.dsVars.get(v);
      if (plugin) return /prometheus/i.test(plugin) ? 'prometheus' : 'other';
      return 'unknown';
    }
    if (/prometheus|mimir|thanos|cortex|victoria/i.test(name)) return 'prometheus';
    if (/loki|elastic|tempo|jaeger|zipkin|influx|graphite|mysql|postgres|cloudwatch/i.test(name)) return 'other';
    return 'unknown';
  }

  panel(p: JsonValue, inherited: DsKind | undefined): void {
    if (p.k !== 'object') return;
    const title = str(jsonGet(p, 'title'));
    const ds = this.dsKind(jsonGet(p, 'datasource')) ?? inherited;
    const targets = jsonGet(p, 'targets');
    if (targets?.k === 'array') {
      for (const t of targets.items) {
        const kind = this.dsKind(jsonGet(t, 'datasource')) ?? ds;
        if (kind === 'other') continue;
        const expr = jsonGet(t, 'expr');
        if (expr?.k !== 'string' || expr.loc.value.trim() === '') continue;
        this.out.queries.push({ loc: expr.loc, kind: 'panel', name: title, grafana: true, maybeOther: kind !== 'prometheus' });
      }
    }
    // Collapsed rows keep their panels inside.
    const nested = jsonGet(p, 'panels');
    if (nested?.k === 'array') for (const c of nested.items) this.panel(c, ds);
  }

  /** Template variables of type `query`: `label_values(...)`, `query_result(...)`. */
  variables(): void {
    for (const v of this.variableList()) {
      if (str(jsonGet(v, 'type')) !== 'query') continue;
      const kind = this.dsKind(jsonGet(v, 'datasource'));
      if (kind === 'other') continue;
      let q = jsonGet(v, 'query');
      if (q?.k === 'object') q = jsonGet(q, 'query');
      if (q?.k !== 'string') continue;
      const name = str(jsonGet(v, 'name'));
      const text = q.loc.value;
      const lv = /^\s*label_values\s*\(/.exec(text);
      const qr = /^\s*query_result\s*\(/.exec(text);
      const close = text.lastIndexOf(')');
      if (lv && close > lv[0].length) {
        const inner = text.slice(lv[0].length, close);
        // `label_values(selector, label)` or `label_values(label)`: the label is after the last top-level comma.
        const comma = lastTopLevelComma(inner);
        if (comma < 0) continue;
        const labelText = inner.slice(comma + 1);
        const label = labelText.trim();
        const labelFrom = lv[0].length + comma + 1 + labelText.indexOf(label);
        this.out.queries.push({
          loc: q.loc,
          kind: 'variable',
          name,
          grafana: true,
          maybeOther: kind !== 'prometheus',
          variable: { fn: 'label_values', selectorFrom: lv[0].length, selectorTo: lv[0].length + comma, label: /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label) ? { name: label, from: labelFrom, to: labelFrom + label.length } : undefined },
        });
      } else if (qr && close > qr[0].length) {
        this.out.queries.push({ loc: q.loc, kind: 'variable', name, grafana: true, maybeOther: kind !== 'prometheus', variable: { fn: 'query_result', from: qr[0].length, to: close } });
      }
    }
  }
}

function lastTopLevelComma(s: string): number {
  let depth = 0;
  let quote: string | undefined;
  let last = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) last = i;
  }
  return last;
}

function str(v: JsonValue | undefined): string | undefined {
  return v?.k === 'string' ? v.loc.value : undefined;
}
