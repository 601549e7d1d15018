/**
 * observability-query-metrics end to end: the OpenTelemetry-to-Prometheus translation against the
 * published behaviour of Prometheus's translator and the JavaScript Prometheus exporter, positions in
 * YAML and JSON (block scalars, folding, escapes, template variables), rule files Prometheus would reject,
 * file discovery and the gate (`check` paths, `--staged`, `--cache`, `--workers`), and the inventory.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { prometheusLabel, prometheusName } from '../rules/observability/translate.js';
import { parseQuery, templateQuery } from '../rules/observability/promql.js';
import { main } from '../src/cli/main.js';
import { tracewireBin } from './helpers/build.js';
import { runIn, tempProject } from './helpers/engine.js';
import { ROOT } from './helpers/fixtures.js';
import { git, initRepo } from './helpers/git.js';

async function cli(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const METRICS = `import { Counter, Gauge, Histogram } from 'prom-client';
export const runs = new Counter({ name: 'agent_runs_total', help: 'Runs.', labelNames: ['agent', 'status'] });
export const backlog = new Gauge({ name: 'hitl_approval_backlog', help: 'Backlog.', labelNames: ['risk'] });
export const latency = new Histogram({ name: 'llm_request_duration_seconds', help: 'Latency.', labelNames: ['provider'] });
`;

const pos = (r: { findings: { file: string; line: number; column: number; endLine: number; endColumn: number; messageId: string }[] }) =>
  r.findings.map((f) => `${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.messageId}`);

describe('OpenTelemetry names as Prometheus stores them', () => {
  // github.com/prometheus/otlptranslator metric_namer_test.go (UTF8Allowed false, WithMetricSuffixes true).
  it.each([
    ['requests', '', 'monotonic', 'requests_total'],
    ['cpu_usage', '1', 'gauge', 'cpu_usage_ratio'],
    ['items', '1', 'monotonic', 'items_total'],
    ['response_time', 'ms', 'gauge', 'response_time_milliseconds'],
    ['memory_usage', 'By', 'gauge', 'memory_usage_bytes'],
    ['requests', '1/s', 'gauge', 'requests_per_second'],
    ['throughput', 'By/s', 'gauge', 'throughput_bytes_per_second'],
    ['custom_metric', 'custom_unit', 'gauge', 'custom_metric_custom_unit'],
    ['custom_metric', '{custom}', 'gauge', 'custom_metric'],
    ['custom_metric', 'By/{custom}', 'gauge', 'custom_metric_bytes'],
    ['requests_total', '', 'monotonic', 'requests_total'],
    ['cpu_usage_ratio', '1', 'gauge', 'cpu_usage_ratio'],
    ['response_time_seconds', 's', 'gauge', 'response_time_seconds'],
    ['metric__with__multiple__underscores', 'unit__multiple__underscores', 'gauge', 'metric_with_multiple_underscores_unit_multiple_underscores'],
    ['custom_metric', 'unit@with#special/chars', 'gauge', 'custom_metric_unit_with_special_per_chars'],
    ['request_duration', 's', 'histogram', 'request_duration_seconds'],
    ['request_size', 'By', 'histogram', 'request_size_bytes'],
    ['active_connections', '', 'nonmonotonic', 'active_connections'],
    ['uptime', 'd', 'gauge', 'uptime_days'],
    // The semantic conventions' own examples.
    ['http.server.request.duration', 's', 'histogram', 'http_server_request_duration_seconds'],
    ['gen_ai.client.token.usage', '{token}', 'histogram', 'gen_ai_client_token_usage'],
    ['system.filesystem.usage', 'By', 'nonmonotonic', 'system_filesystem_usage_bytes'],
    ['workflow.runs', '', 'monotonic', 'workflow_runs_total'],
  ] as const)('UnderscoreEscapingWithSuffixes: %s [%s] %s → %s', (name, unit, type, want) => {
    expect(prometheusName(name, unit || undefined, type, 'UnderscoreEscapingWithSuffixes')).toBe(want);
  });

  it('with a namespace, and names starting with a digit (otlptranslator)', () => {
    expect(prometheusName('requests', '1/s', 'monotonic', 'UnderscoreEscapingWithSuffixes', 'app')).toBe('app_requests_per_second_total');
    expect(prometheusName('123_requests', undefined, 'monotonic', 'UnderscoreEscapingWithSuffixes', 'app')).toBe('app_123_requests_total');
  });

  it('UnderscoreEscapingWithoutSuffixes and NoUTF8EscapingWithSuffixes (otlptranslator)', () => {
    expect(prometheusName('metric@with#special$chars', undefined, 'gauge', 'UnderscoreEscapingWithoutSuffixes')).toBe('metric_with_special_chars');
    expect(prometheusName('123metric', undefined, 'gauge', 'UnderscoreEscapingWithoutSuffixes')).toBe('_123metric');
    expect(prometheusName('metric@@##$$name', undefined, 'gauge', 'UnderscoreEscapingWithoutSuffixes')).toBe('metric_name');
    expect(prometheusName('simple_metric', undefined, 'gauge', 'UnderscoreEscapingWithoutSuffixes', 'test_namespace')).toBe('test_namespace_simple_metric');
    expect(prometheusName('requêsts', undefined, 'monotonic', 'NoUTF8EscapingWithSuffixes')).toBe('requêsts_total');
    expect(prometheusName('cpu_usagé', '1', 'gauge', 'NoUTF8EscapingWithSuffixes')).toBe('cpu_usagé_ratio');
    expect(prometheusName('respønse_time', 'ms', 'gauge', 'NoUTF8EscapingWithSuffixes')).toBe('respønse_time_milliseconds');
    expect(prometheusName('requêsts', '1/s', 'monotonic', 'NoUTF8EscapingWithSuffixes', 'ñamespace')).toBe('ñamespace_requêsts_per_second_total');
    expect(prometheusName('cpu_seconds_total', 's', 'monotonic', 'NoUTF8EscapingWithSuffixes')).toBe('cpu_seconds_total');
    expect(prometheusName('workflow.runs', undefined, 'monotonic', 'NoTranslation')).toBe('workflow.runs');
  });

  // @opentelemetry/exporter-prometheus PrometheusSerializer(.test).ts: no unit suffix, `_total` once.
  it('PrometheusExporter', () => {
    expect(prometheusName('test', 'seconds', 'monotonic', 'PrometheusExporter')).toBe('test_total');
    expect(prometheusName('test_total', undefined, 'monotonic', 'PrometheusExporter')).toBe('test_total');
    expect(prometheusName('test_total', undefined, 'nonmonotonic', 'PrometheusExporter')).toBe('test_total');
    expect(prometheusName('test', undefined, 'histogram', 'PrometheusExporter')).toBe('test');
    expect(prometheusName('http.server.request.duration', 's', 'histogram', 'PrometheusExporter')).toBe('http_server_request_duration');
    expect(prometheusName('a..b--c', undefined, 'gauge', 'PrometheusExporter')).toBe('a_b_c');
    expect(prometheusName('requests', undefined, 'monotonic', 'PrometheusExporter', 'myapp')).toBe('myapp_requests_total');
    expect(prometheusLabel('account-id', 'PrometheusExporter')).toBe('account_id');
    expect(prometheusLabel('gen_ai.request.model', 'UnderscoreEscapingWithSuffixes')).toBe('gen_ai_request_model');
    expect(prometheusLabel('1abc', 'UnderscoreEscapingWithSuffixes')).toBe('key_1abc');
  });
});

describe('Grafana template variables', () => {
  it('become placeholders: durations in ranges and after offset, identifiers elsewhere, strings untouched', () => {
    const q = 'sum by ($group) (rate(x{job=~"$job"}[$__rate_interval] offset ${off})) / [[total]]';
    const t = templateQuery(q);
    expect(t.text).toBe('sum by (__tw_var_0) (rate(x{job=~"$job"}[5m] offset 5m)) / __tw_var_1');
    expect(parseQuery(t.text).errors).toEqual([]);
    // Offsets map back: `x` and what follows the placeholders.
    const x = t.text.indexOf('x{');
    expect(q.slice(t.map.toOriginal(x), t.map.toOriginal(x) + 1)).toBe('x');
    expect(q.slice(t.map.toOriginal(t.text.indexOf(' offset')))).toMatch(/^ offset \$\{off\}/);
    expect(t.map.toOriginal(t.text.indexOf('__tw_var_1') + 3)).toBe(q.indexOf('[[total]]'));
  });

  it('subquery steps and `[[var]]` ranges are durations', () => {
    expect(templateQuery('max_over_time(x[$__range:$__interval])').text).toBe('max_over_time(x[5m:5m])');
    expect(templateQuery('rate(x[[[window]]])').text).toBe('rate(x[5m])');
  });
});

describe('positions in YAML and JSON', () => {
  it('points at the metric and the label in block, folded, quoted and plain scalars and in JSON strings', async () => {
    const dir = tempProject({
      'src/metrics.ts': METRICS,
      'prometheus/rules.yml': [
        'groups:',
        '  - name: g',
        '    rules:',
        '      - alert: Literal',
        '        expr: |',
        '          sum by (le) (',
        '            rate(agent_runs_totl[5m])) > 1',
        '      - alert: Folded',
        '        expr: >-',
        '          max(hitl_approval_backlog',
        '          {risk_level="high"}) > 1',
        '      - alert: Quoted',
        '        expr: "max(hitl_approval_backlog{risk=\\"a\\", tier=\\"x\\"}) > 1"',
        "      - alert: Single",
        "        expr: 'max(hitl_approval_backlog{risk=''a'', level=''x''}) > 1'",
        '      - alert: Plain',
        '        expr: max(hitl_approval_backlog)',
        '          + max(agent_run_total) > 1',
        '',
      ].join('\n'),
      'dashboards/d.json': JSON.stringify({ title: 'D', panels: [{ title: 'P', datasource: { type: 'prometheus' }, targets: [{ expr: 'sum(rate(agent_runs_total{status=~"$status",\nstage="x"}[$__rate_interval]))' }] }] }, null, 2),
    });
    const r = await runIn(dir, ['src/metrics.ts', 'prometheus/rules.yml', 'dashboards/d.json']);
    expect(r.errors).toEqual([]);
    const json = fs.readFileSync(path.join(dir, 'dashboards/d.json'), 'utf8').split('\n');
    const jsonLine = json.findIndex((l) => l.includes('"expr"')) + 1;
    // In JSON the `\n` escape keeps the text on one line: the label is after it, on the same line.
    const jsonCol = json[jsonLine - 1]!.indexOf('stage') + 1;
    expect(pos(r).sort()).toEqual(
      [
        'prometheus/rules.yml:7:18-7:33 unknownMetric',
        'prometheus/rules.yml:11:12-11:22 unknownLabel',
        'prometheus/rules.yml:13:54-13:58 unknownLabel',
        'prometheus/rules.yml:15:54-15:59 unknownLabel',
        'prometheus/rules.yml:18:17-18:32 unknownMetric',
        `dashboards/d.json:${jsonLine}:${jsonCol}-${jsonLine}:${jsonCol + 5} unknownLabel`,
      ].sort(),
    );
  });

  it('maps findings after template variables back to the dashboard text', async () => {
    const expr = 'sum by (${group}) (rate(agent_runs_total{agent=~"${agent:regex}", tier="x"}[$__rate_interval])) / ${total}';
    const dir = tempProject({
      'src/metrics.ts': METRICS,
      'dashboards/d.json': `{"title":"D","panels":[{"title":"P","datasource":{"type":"prometheus"},"targets":[{"expr":${JSON.stringify(expr)}}]}]}`,
    });
    const r = await runIn(dir, ['src/metrics.ts', 'dashboards/d.json']);
    const text = fs.readFileSync(path.join(dir, 'dashboards/d.json'), 'utf8');
    expect(pos(r)).toEqual([`dashboards/d.json:1:${text.indexOf('tier') + 1}-1:${text.indexOf('tier') + 5} unknownLabel`]);
  });
});

describe('rule files Prometheus would reject', () => {
  const cases: [string, string, RegExp][] = [
    ['syntax', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(rate(agent_runs_total[5m]) > 1\n', /^parse error at 5:49: alerting rule "A": could not parse expression: unexpected end of input$/],
    ['type', 'groups:\n  - name: g\n    rules:\n      - record: r\n        expr: rate(agent_runs_total)\n', /^parse error at 5:20: recording rule "r": could not parse expression: expected type range vector in call to function "rate", got instant vector$/],
    ['unknown field', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        summary: x\n', /^parse error at 6:9: field summary not found in type rulefmt.RuleNode$/],
    ['both record and alert', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        record: r\n        expr: up\n', /only one of 'record' and 'alert' must be set/],
    ['repeated group', 'groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n', /^parse error at 4:5: groupname: "g" is repeated in the same file$/],
    ['invalid YAML', 'groups:\n  - name: g\n    rules:\n      - alert: A\n      expr: [up\n', /^parse error at \d+:\d+: invalid YAML: /],
    ['empty selector', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: \'{status=~".*"}\'\n', /vector selector must contain at least one non-empty matcher/],
  ];
  it.each(cases)('%s: an error with its position, and no findings in the file', async (_name, yaml, message) => {
    const dir = tempProject({ 'src/metrics.ts': METRICS, 'alerts/a.yml': yaml });
    const r = await runIn(dir, ['src/metrics.ts', 'alerts/a.yml']);
    expect(r.errors.map((e) => e.file)).toEqual(['alerts/a.yml']);
    expect(r.errors[0]!.message).toMatch(message);
    expect(r.findings.filter((f) => f.file === 'alerts/a.yml')).toEqual([]);
  });

  it('a broken expression hides the findings of the whole file', async () => {
    const dir = tempProject({ 'src/metrics.ts': METRICS, 'alerts/a.yml': 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: agent_unknown_total > 0\n      - alert: B\n        expr: rate(up)\n' });
    const r = await runIn(dir, ['src/metrics.ts', 'alerts/a.yml']);
    expect(r.errors).toHaveLength(1);
    expect(r.findings).toEqual([]);
  });

  it('what is not a Prometheus rule file or a dashboard is left alone', async () => {
    const dir = tempProject({
      'src/metrics.ts': METRICS,
      // A Helm template, Grafana-managed alerting, a Prometheus server config, an Alertmanager config, a manifest.
      'prometheus/templates/rules.yaml': 'groups:\n{{- range .Values.groups }}\n  - name: {{ .name }}\n{{- end }}\n',
      'alerts/grafana-alerting.yml': 'apiVersion: 1\ngroups:\n  - orgId: 1\n    name: x\n    rules:\n      - uid: a\n        title: T\n',
      'prometheus/prometheus.yml': 'scrape_configs:\n  - job_name: agent\n',
      'alerts/alertmanager.yml': 'route:\n  receiver: team\nreceivers:\n  - name: team\n',
      'monitoring/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n',
      'dashboards/package.json': '{"name": "x"}',
      'grafana/broken.json': '{ "not": "json',
    });
    const r = await cli(dir, 'check', '--format', 'json');
    const out = JSON.parse(r.stdout);
    expect(out.errors).toEqual([]);
    expect(out.findings).toEqual([]);
    expect(r.code).toBe(0);
  });
});

describe('files, the gate and the inventory', () => {
  const project = () =>
    tempProject({
      'package.json': '{"name":"svc","dependencies":{"prom-client":"^15.0.0"}}',
      'src/metrics.ts': METRICS,
      'ops/rules/agent.yaml': 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: hitl_approval_backlog{risk_level="high"} > 1\n',
      'dashboards/agent.json': '{"title":"A","panels":[{"title":"Runs","datasource":{"type":"prometheus"},"targets":[{"expr":"sum(rate(agent_runs_total[5m]))"}]}]}',
    });

  it('finds dashboards and rule files in the default locations, and where the configuration says', async () => {
    const dir = project();
    let r = await cli(dir, 'check', '--format', 'json');
    // ops/rules/ is a default location (**/rules/**).
    expect(JSON.parse(r.stdout).findings.map((f: { file: string }) => f.file)).toEqual(['ops/rules/agent.yaml']);
    fs.writeFileSync(path.join(dir, 'tracewire.config.json'), JSON.stringify({ observability: { rules: ['ops/other/**/*.yaml'] } }));
    r = await cli(dir, 'check', '--format', 'json');
    expect(JSON.parse(r.stdout).findings).toEqual([]);
  });

  it('checks a dashboard or rule file named alone against the whole project', async () => {
    const dir = project();
    const r = await cli(dir, 'check', 'ops/rules/agent.yaml', '--format', 'json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { messageId: string }) => f.messageId)).toEqual(['unknownLabel']);
    const d = await cli(dir, 'check', 'dashboards', '--format', 'json');
    expect(JSON.parse(d.stdout)).toMatchObject({ findings: [], errors: [] });
  });

  it('is off: YAML named on the command line is not parsed as code', async () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'tracewire.config.json'), JSON.stringify({ rules: { 'observability-query-metrics': 'off' } }));
    const r = await cli(dir, 'check', 'ops/rules/agent.yaml', '--format', 'json');
    expect(JSON.parse(r.stdout).errors).toEqual([{ file: 'ops/rules/agent.yaml', message: expect.stringMatching(/^skipped: not a source file/) }]);
  });

  it('--staged reports the dashboards a staged rename of a metric breaks', async () => {
    const dir = project();
    initRepo(dir);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    fs.writeFileSync(path.join(dir, 'src/metrics.ts'), METRICS.replace("'agent_runs_total'", "'agent_executions_total'"));
    git(dir, 'add', 'src/metrics.ts');
    const r = await cli(dir, 'check', '--staged', '--format', 'json');
    const files = JSON.parse(r.stdout).findings.map((f: { file: string; messageId: string }) => `${f.file} ${f.messageId}`);
    expect(files).toContain('dashboards/agent.json unknownMetric');
    // A staged change that defines no metric does not drag the dashboards in.
    git(dir, 'commit', '-qm', 'rename');
    fs.writeFileSync(path.join(dir, 'src/other.ts'), 'export const x = 1;\n');
    git(dir, 'add', 'src/other.ts');
    const quiet = await cli(dir, 'check', '--staged', '--format', 'json');
    expect(JSON.parse(quiet.stdout).findings).toEqual([]);
  });

  it('reports in the YAML file in every format: SARIF (valid against the schema), GitHub annotations, JUnit, JSON', async () => {
    const dir = project();
    const sarif = JSON.parse((await cli(dir, 'check', '--format', 'sarif')).stdout);
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/data/sarif-schema-2.1.0.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    (addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const result = sarif.runs[0].results[0];
    expect(result.ruleId).toBe('observability-query-metrics');
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('ops/rules/agent.yaml');
    // `risk_level` in `hitl_approval_backlog{risk_level="high"} > 1` on line 5.
    expect(result.locations[0].physicalLocation.region).toMatchObject({ startLine: 5, startColumn: 37, endLine: 5, endColumn: 47 });
    const github = (await cli(dir, 'check', '--format', 'github')).stdout;
    expect(github).toMatch(/^::error file=ops\/rules\/agent\.yaml,line=5,col=37,endLine=5,endColumn=47,title=tracewire\(observability-query-metrics\)::`hitl_approval_backlog` has no label `risk_level`/m);
    const junit = (await cli(dir, 'check', '--format', 'junit')).stdout;
    expect(junit).toContain('ops/rules/agent.yaml');
    const json = JSON.parse((await cli(dir, 'check', '--format', 'json')).stdout);
    expect(json.findings[0]).toMatchObject({ file: 'ops/rules/agent.yaml', line: 5, column: 37, messageId: 'unknownLabel' });
  });

  it('`_created` series only where the exposition carries them (observability.createdSeries)', async () => {
    const dir = tempProject({ 'src/metrics.ts': METRICS, 'alerts/a.yml': 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: time() - agent_runs_created < 60 and time() - llm_request_duration_seconds_created < 60\n' });
    const without = await runIn(dir, ['src/metrics.ts', 'alerts/a.yml']);
    expect(without.findings.map((f) => f.messageId)).toEqual(['unknownMetric', 'unknownMetric']);
    expect(without.findings[0]!.message).toContain('no `_created` series');
    const withCreated = await runIn(dir, ['src/metrics.ts', 'alerts/a.yml'], { observability: { createdSeries: true } });
    expect(withCreated.findings).toEqual([]);
  });

  it('inventory lists each metric, the series Prometheus stores, and what queries it', async () => {
    const dir = project();
    const r = await cli(dir, 'inventory', '--format', 'json');
    const metrics = JSON.parse(r.stdout).metrics as { name: string; series: string[]; usedBy: { file: string; kind: string; name?: string }[] }[];
    expect(metrics.map((m) => [m.name, m.series, m.usedBy.map((u) => `${u.file} ${u.kind} ${u.name}`)])).toEqual([
      ['agent_runs_total', ['agent_runs_total'], ['dashboards/agent.json panel Runs']],
      ['hitl_approval_backlog', ['hitl_approval_backlog'], ['ops/rules/agent.yaml alert A']],
      ['llm_request_duration_seconds', ['llm_request_duration_seconds_bucket', 'llm_request_duration_seconds_sum', 'llm_request_duration_seconds_count'], []],
    ]);
    const text = await cli(dir, 'inventory');
    expect(text.stdout).toMatch(/llm_request_duration_seconds_\{bucket,sum,count\}\s+prom-client histogram\s+src\/metrics\.ts:4:\d+\s+not queried/);
  });

  it('--cache: an edited dashboard is checked again; --workers: the same findings', () => {
    const files: Record<string, string> = { 'src/metrics.ts': METRICS, 'dashboards/a.json': '{"title":"A","panels":[{"title":"P","datasource":{"type":"prometheus"},"targets":[{"expr":"agent_runs_total"}]}]}' };
    // Enough files for worker threads to take some, each a metric module of its own.
    for (let i = 0; i < 60; i++) files[`src/m${i}.ts`] = `import { Counter } from 'prom-client';\nexport const c${i} = new Counter({ name: 'm${i}_total', help: 'x', labelNames: ['k'] });\n`;
    const dir = tempProject(files);
    const bin = tracewireBin();
    const run = (...args: string[]) => {
      const r = spawnSync(process.execPath, [bin, 'check', '--format', 'json', ...args], { cwd: dir, encoding: 'utf8' });
      return (JSON.parse(r.stdout).findings as { file: string; messageId: string }[]).map((f) => `${f.file} ${f.messageId}`);
    };
    expect(run('--cache')).toEqual([]);
    fs.writeFileSync(path.join(dir, 'dashboards/a.json'), '{"title":"A","panels":[{"title":"P","datasource":{"type":"prometheus"},"targets":[{"expr":"m7_total{kk=\\"x\\"} + agent_runs"}]}]}');
    const edited = run('--cache');
    expect(edited).toEqual(['dashboards/a.json unknownLabel', 'dashboards/a.json unknownMetric']);
    expect(run('--cache')).toEqual(edited);
    expect(run('--workers', '3')).toEqual(edited);
  });
});
