/**
 * observability-query-metrics against the real `promtool` (Debian package `prometheus`; .ci/run installs
 * it):
 *
 * - `promtool check rules` accepts every rule file of the rule's fixtures and of the sample app (the spec
 *   of PrometheusRule resources extracted as a rule file): the findings tracewire reports there are about
 *   files Prometheus loads;
 * - on a corpus of expressions and rule files, tracewire reports a parse error exactly when promtool
 *   rejects the file;
 * - the queries of a service's rule file and dashboard are evaluated by `promtool test rules` over the
 *   series the real prom-client exposes for that service (with the labels scraping adds): every selector
 *   tracewire accepts returns data, every selector it reports (unknown metric, unknown label, a
 *   histogram's bare name) returns none. Recording rules are evaluated too, so the labels tracewire
 *   infers for their outputs are checked against Prometheus's.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { looksLikeLogQL, readObservabilityFile } from '../rules/observability/files.js';
import { type Expr, parseQuery, templateQuery, walk } from '../rules/observability/promql.js';
import { spanIn } from '../rules/observability/sources.js';
import { runIn, tempProject } from './helpers/engine.js';
import { discoverRuleFixtures, ROOT } from './helpers/fixtures.js';

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;

/** promtool's verdict on each file (true: accepted). */
function promtoolCheck(files: string[]): Map<string, boolean> {
  const r = spawnSync('promtool', ['check', 'rules', ...files], { encoding: 'utf8' });
  const out = `${r.stdout}\n${r.stderr}`;
  const verdicts = new Map<string, boolean>();
  for (const f of files) {
    const at = out.indexOf(`Checking ${f}\n`);
    const rest = at < 0 ? '' : out.slice(at + `Checking ${f}\n`.length);
    const next = rest.indexOf('Checking ');
    const block = next < 0 ? rest : rest.slice(0, next);
    verdicts.set(f, /SUCCESS/.test(block) && !/FAILED/.test(block));
  }
  return verdicts;
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'tracewire-promtool-'));
}

describe.skipIf(!hasPromtool)('observability-query-metrics and promtool', () => {
  it('promtool accepts every rule file of the fixtures (PrometheusRule specs extracted)', () => {
    const tmp = tmpDir();
    const files: string[] = [];
    const extra = ['fixtures/sample-app/observability/alerts/agents.rules.yml', 'test/data/observability-service/prometheus/rules.yml'].map((f) => path.join(ROOT, f));
    for (const c of [...discoverRuleFixtures().filter((x) => x.ruleId === 'observability-query-metrics'), { files: extra }]) {
      for (const f of c.files) {
        if (!/\.ya?ml$/.test(f)) continue;
        const text = fs.readFileSync(f, 'utf8');
        const doc = readObservabilityFile(f, text);
        if (doc.kind !== 'rules') continue;
        // Loki's rule files (LogQL) are not checked by tracewire, nor loadable by Prometheus.
        if (doc.queries.some((q) => looksLikeLogQL(q.loc.value))) continue;
        if (/partial_response_strategy|source_tenants/.test(text)) {
          // A Thanos/Mimir ruler's fields, which tracewire tolerates: checked by promtool without them.
          const v = YAML.parse(text) as { groups: Record<string, unknown>[] };
          for (const g of v.groups) for (const k of ['partial_response_strategy', 'source_tenants', 'evaluation_delay', 'align_evaluation_time_on_interval']) delete g[k];
          const out = path.join(tmp, `${path.basename(f)}.ruler.yml`);
          fs.writeFileSync(out, YAML.stringify(v));
          files.push(out);
          continue;
        }
        if (/^\s*kind\s*:\s*PrometheusRule/m.test(text)) {
          YAML.parseAllDocuments(text).forEach((d, i) => {
            const v = d.toJS() as { kind?: string; spec?: unknown };
            if (v?.kind !== 'PrometheusRule') return;
            const out = path.join(tmp, `${path.basename(f)}.${i}.yml`);
            fs.writeFileSync(out, YAML.stringify(v.spec));
            files.push(out);
          });
        } else files.push(f);
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(9);
    const verdicts = promtoolCheck(files);
    expect([...verdicts].filter(([, ok]) => !ok).map(([f]) => path.relative(ROOT, f))).toEqual([]);
  });

  // Expressions and rule files on both sides of Prometheus's validation (avoiding what changed between
  // promtool 2.42 and Prometheus 3: functions added since, durations as numbers, UTF-8 quoted names).
  const EXPRESSIONS = [
    'up',
    'sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))',
    'histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))',
    'foo[5m]',
    '"a string"',
    '1',
    'rate(foo)',
    '{job=~".*"}',
    '{job=""}',
    '{__name__=~"agent_.*"}',
    'foo{__name__="bar"}',
    '1 > 2',
    '1 > bool 2',
    'foo and 1',
    'foo + on(a) 1',
    'sum(foo) by (a)',
    'topk(foo, bar)',
    'topk(3, bar)',
    'count_values(1, foo)',
    'count_values("v", foo)',
    'quantile(0.9, foo)',
    '-foo[5m]',
    'foo offset -1m',
    'foo[0s]',
    'foo @ start()',
    '(foo)[5m:]',
    'rate(foo[5m:1m])',
    'foo[5m][5m]',
    'label_join(foo, "a", ",")',
    'label_replace(foo, "a", "$1", "b", "(.*)")',
    'label_replace(foo, "a", "$1", "b")',
    'round(foo, 1, 2)',
    'round(foo, 1)',
    'sum without() (foo)',
    'foo / on(a) group_left(a) bar',
    'foo / on(a) group_left(b) bar',
    'foo > bool bar',
    'foo + bool bar',
    'abs("a")',
    '0x1f + Inf - NaN',
    'foo{a=~"("}',
    'foo{a=~"(?i)error|warn"}',
    '5m',
    'foo[5m:1m:1m]',
    'time() > 1',
    'time() > bool 1',
    'foo{a="b",a="c"}',
    'foo or on() vector(1)',
    'foo and on() group_left bar',
    'foo(bar)',
    'sum(rate(x[5m])) by (le',
    'absent(up{job="x"})',
    'absent_over_time(up[1h])',
    'histogram_quantile(foo, bar)',
    'predict_linear(foo[1h], 3600) < 0',
    'deriv(foo)',
    'max_over_time(rate(foo[1m])[1h:5m])',
    'scalar(foo) * 2',
    'vector(time())',
    'sum(foo) + on(job) group_right(instance) sum by (job, instance) (bar)',
    'foo # a comment',
    'sum by (le) (\n  rate(x_bucket[5m])\n) # multi-line',
    'sort_desc(sum by (a) (foo))',
    '1 + time() > bool 3',
  ];

  it('reports a parse error on a rule file exactly when promtool rejects it', async () => {
    const tmp = tmpDir();
    const files: { file: string; expr: string }[] = [];
    EXPRESSIONS.forEach((expr, i) => {
      const file = path.join(tmp, `e${i}.yml`);
      fs.writeFileSync(file, YAML.stringify({ groups: [{ name: 'g', rules: [{ record: 'r', expr }] }] }));
      files.push({ file, expr });
    });
    const structural: [string, string][] = [
      ['unknown-field.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        severity: page\n'],
      ['unknown-group-field.yml', 'groups:\n  - name: g\n    evaluation: 1m\n    rules: []\n'],
      ['top-field.yml', 'groups: []\nrules: []\n'],
      ['both.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        record: r\n        expr: up\n'],
      ['neither.yml', 'groups:\n  - name: g\n    rules:\n      - expr: up\n'],
      ['no-expr.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n'],
      ['bad-record.yml', 'groups:\n  - name: g\n    rules:\n      - record: "a b"\n        expr: up\n'],
      ['record-for.yml', 'groups:\n  - name: g\n    rules:\n      - record: r\n        expr: up\n        for: 5m\n'],
      ['record-annotations.yml', 'groups:\n  - name: g\n    rules:\n      - record: r\n        expr: up\n        annotations: { a: b }\n'],
      ['repeated.yml', 'groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n'],
      ['no-name.yml', 'groups:\n  - rules: []\n'],
      ['bad-label.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        labels: { "a b": c }\n'],
      ['name-label.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        labels: { __name__: c }\n'],
      ['template.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        annotations: { summary: "{{ $value " }\n'],
      ['good-template.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        for: 5m\n        keep_firing_for: 1m\n        labels: { severity: page }\n        annotations: { summary: "{{ $labels.instance }} is down ({{ $value }})" }\n'],
      ['group-options.yml', 'groups:\n  - name: g\n    interval: 1m\n    limit: 10\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n'],
      ['empty.yml', 'groups: []\n'],
      ['block.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: |\n          sum by (job) (\n            rate(x[5m])\n          ) > 1\n'],
      ['folded.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: >-\n          sum by (job)\n          (rate(x[5m])) > 1\n'],
      ['yaml-error.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n      expr: [up\n'],
    ];
    for (const [name, text] of structural) {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, text);
      files.push({ file, expr: name });
    }
    const verdicts = promtoolCheck(files.map((f) => f.file));
    const disagreements: string[] = [];
    const accepted: string[] = [];
    for (const { file, expr } of files) {
      const dir = tempProject({ 'alerts/a.yml': fs.readFileSync(file, 'utf8') });
      const r = await runIn(dir, ['alerts/a.yml']);
      const tracewireAccepts = r.errors.length === 0;
      if (tracewireAccepts !== verdicts.get(file)) disagreements.push(`${JSON.stringify(expr)}: promtool ${verdicts.get(file) ? 'accepts' : 'rejects'}, tracewire ${tracewireAccepts ? 'accepts' : `rejects (${r.errors[0]!.message})`}`);
      if (verdicts.get(file)) accepted.push(expr);
    }
    expect(disagreements).toEqual([]);
    // Both sides are exercised.
    expect(accepted.length).toBeGreaterThan(25);
    expect(files.length - accepted.length).toBeGreaterThan(25);
  });

  it("evaluates each selector over the real prom-client exposition: data exactly where tracewire finds nothing wrong", async () => {
    const dir = path.join(ROOT, 'test/data/observability-service');
    const files = ['src/metrics.ts', 'prometheus/rules.yml', 'dashboards/agent.json'];
    const result = await runIn(dir, files);
    expect(result.errors).toEqual([]);
    const empty = new Set(['unknownMetric', 'unknownLabel', 'histogramWithoutSuffix', 'otelTranslatedName']);
    const reported = new Set(result.findings.filter((f) => empty.has(f.messageId)).map((f) => `${f.file}:${f.line}:${f.column}`));

    // The series the service really exposes, as a scrape stores them (job and instance added).
    const mod = (await import(path.join(dir, 'src/metrics.ts'))) as { exercise(): void; register: { metrics(): Promise<string> } };
    mod.exercise();
    const exposition = await mod.register.metrics();
    const series = exposition
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.slice(0, l.lastIndexOf(' ')))
      .map((s) => (s.includes('{') ? s.replace('{', '{job="agent",instance="agent:9464",') : `${s}{job="agent",instance="agent:9464"}`));
    expect(series.length).toBeGreaterThan(10);

    // Every selector of every query, with tracewire's verdict on it.
    const tests: { expr: string; value: number; where: string }[] = [];
    for (const rel of files.slice(1)) {
      const text = fs.readFileSync(path.join(dir, rel), 'utf8');
      const doc = readObservabilityFile(rel, text);
      const lines = text.split('\n');
      const lineCol = (offset: number) => {
        const before = text.slice(0, offset).split('\n');
        return `${before.length}:${before[before.length - 1]!.length + 1}`;
      };
      for (const q of doc.queries) {
        let value = q.loc.value;
        let base = 0;
        if (q.variable?.fn === 'label_values') {
          base = q.variable.selectorFrom;
          value = value.slice(q.variable.selectorFrom, q.variable.selectorTo);
        }
        const t = q.grafana ? templateQuery(value) : { text: value, map: { toOriginal: (n: number) => n } };
        const parsed = parseQuery(t.text, { check: false });
        for (const node of walk(parsed.expr as Expr)) {
          if (node.k !== 'selector' || !node.name) continue;
          // Grafana's variables inside label values match anything here.
          const selector = t.text.slice(node.from, node.to).replace(/\$\{?\w+(?::\w+)?\}?/g, '.*');
          const at = spanIn(q.loc, base + t.map.toOriginal(node.nameSpan!.from), base + t.map.toOriginal(node.nameSpan!.to)).start;
          const labelAts = node.matchers.map((m) => `${rel}:${lineCol(spanIn(q.loc, base + t.map.toOriginal(m.labelSpan.from), base + t.map.toOriginal(m.labelSpan.to)).start)}`);
          const where = `${rel}:${lineCol(at)}`;
          const flagged = reported.has(where) || labelAts.some((l) => reported.has(l));
          tests.push({ expr: `(count(${selector}) > bool 0) or vector(0)`, value: flagged ? 0 : 1, where: `${where} ${selector} (${lines[Number(lineCol(at).split(':')[0]) - 1]!.trim().slice(0, 40)})` });
        }
      }
    }
    expect(tests.filter((t) => t.value === 0).length).toBeGreaterThanOrEqual(6);
    expect(tests.filter((t) => t.value === 1).length).toBeGreaterThanOrEqual(12);

    const tmp = tmpDir();
    fs.copyFileSync(path.join(dir, 'prometheus/rules.yml'), path.join(tmp, 'rules.yml'));
    const testFile = {
      rule_files: ['rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: series.map((s) => ({ series: s, values: '0+1x30' })),
          promql_expr_test: tests.map((t) => ({ expr: t.expr, eval_time: '20m', exp_samples: [{ labels: '{}', value: t.value }] })),
        },
      ],
    };
    fs.writeFileSync(path.join(tmp, 'test.yml'), YAML.stringify(testFile));
    const r = spawnSync('promtool', ['test', 'rules', 'test.yml'], { cwd: tmp, encoding: 'utf8' });
    const out = `${r.stdout}\n${r.stderr}`;
    // On failure, name the selectors whose verdicts differ.
    const failing = tests.filter((t) => out.includes(`expr: "${t.expr.replace(/"/g, '\\"')}"`)).map((t) => `${t.where}: tracewire says ${t.value ? 'data' : 'no data'}`);
    if (process.env.TRACEWIRE_SHOW_PROMTOOL) console.log(tests.map((t) => `${t.value} ${t.where}`).join('\n'));
    expect({ status: r.status, failing }, out).toEqual({ status: 0, failing: [] });
  });
});

if (!hasPromtool) {
  describe('observability-query-metrics and promtool', () => {
    it.skip('skipped: promtool is not installed (Debian package prometheus: apt-get install prometheus)', () => {});
  });
}
