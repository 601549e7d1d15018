/**
 * `metric-naming` against the real `promtool check metrics` (Debian package `prometheus`; .ci/run
 * installs it).
 *
 * Every prom-client metric declared in fixtures/rules/metric-naming/ is instantiated with the real
 * prom-client, from constructor options read out of the fixture source with the TypeScript API (the
 * fixtures are never executed), given one sample, rendered by a Registry in the Prometheus text
 * format, and checked by promtool. For each metric, the message ids promtool's problems map to must
 * be exactly the message ids tracewire reports on that declaration.
 *
 * Where promtool and tracewire cannot see the same thing, the test says so:
 * - promtool only sees metric families that have a sample, so the test records one sample with every
 *   declared label set (tracewire checks the declaration and needs no sample);
 * - metrics prom-client refuses to construct (no help, an invalid metric or label name, `le` on a
 *   histogram, `quantile` on a summary) never reach an exposition: for those, the constructor's error
 *   must correspond to what tracewire reports (`missingHelp`, `invalidName`, ...);
 * - names built at run time are skipped by tracewire and cannot be read statically by this test;
 * - promtool 2.42 detects units by iterating a Go map, so for a name with two unit components its
 *   answer is not deterministic; tracewire takes the first one (as current client_golang does) and the
 *   fixtures avoid such names;
 * - OpenTelemetry instruments (`otel*` message ids) are outside promtool's scope.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as prom from 'prom-client';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../src/engine/types.js';
import { runIn } from './helpers/engine.js';
import { FIXTURES } from './helpers/fixtures.js';
import { systemTool } from './helpers/system-tools.js';

const DIR = path.join(FIXTURES, 'rules', 'metric-naming');
const KINDS = ['Counter', 'Gauge', 'Histogram', 'Summary'] as const;
type Kind = (typeof KINDS)[number];

/** promtool problem text → tracewire message id. */
const PROMTOOL_MESSAGES: [RegExp, string][] = [
  [/^no help text$/, 'missingHelp'],
  [/^use base unit ".*" instead of ".*"$/, 'nonBaseUnit'],
  [/^counter metrics should have "_total" suffix$/, 'counterWithoutTotal'],
  [/^non-counter metrics should not have "_total" suffix$/, 'totalOnNonCounter'],
  [/^non-histogram( and non-summary)? metrics should not have "_(bucket|count|sum)" suffix$/, 'reservedSuffix'],
  [/^non-(histogram|summary) metrics should not have "(le|quantile)" label$/, 'reservedLabel'],
  [/^metric name should not include type '.*'$/, 'typeInName'],
  [/^metric names should not contain ':'$/, 'colonInName'],
  [/^metric names should be written in 'snake_case' not 'camelCase'$/, 'camelCaseName'],
  [/^label names should be written in 'snake_case' not 'camelCase'$/, 'camelCaseLabel'],
  [/^metric names should not contain abbreviated units$/, 'unitAbbreviation'],
];

/** prom-client constructor errors → the tracewire message id that predicts them. */
const CONSTRUCTOR_ERRORS: [RegExp, string][] = [
  [/^Missing mandatory help parameter$/, 'missingHelp'],
  [/^Missing mandatory name parameter$/, 'missingName'],
  [/^Invalid metric name$/, 'invalidName'],
  [/^Invalid label name$/, 'invalidLabelName'],
  [/^(le|quantile) is a reserved label keyword$/, 'reservedLabel'],
];

type Literal = string | number | boolean | Literal[];

interface FixtureMetric {
  file: string;
  line: number;
  kind: Kind;
  /** Source ranges that belong to this declaration (the `new` expression, a `const` options object). */
  ranges: [number, number][];
  /** The options, when every property is a literal. */
  options?: Record<string, Literal>;
}

interface Checked {
  metric: FixtureMetric;
  name: string;
  /** promtool's message ids, or the id the constructor error maps to. */
  expected: string[];
  actual: string[];
  exposition?: string;
  promtool?: string;
  constructorError?: string;
}

function fixtureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...fixtureFiles(p));
    else if (/\.(c|m)?[jt]s$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

function unwrap(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

function requireOf(e: ts.Expression | undefined): string | undefined {
  if (!e) return undefined;
  const u = unwrap(e);
  return ts.isCallExpression(u) && ts.isIdentifier(u.expression) && u.expression.text === 'require' && u.arguments[0] && ts.isStringLiteral(u.arguments[0]) ? u.arguments[0].text : undefined;
}

/**
 * The project's own metric factories (`createCounter(opts)` returning `new Counter({ ...opts })`, a
 * registry wrapper's `gauge(config)` method): function or method name → the kind each call declares.
 * Their own `new` expression is a template, not a metric: each call of the factory is one.
 */
function factoryTemplates(files: string[]): Map<string, Kind> {
  const out = new Map<string, Kind>();
  for (const file of files) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && (KINDS as readonly string[]).includes(node.expression.text)) {
        const fn = spreadParamFactory(node);
        if (fn) out.set(fn, node.expression.text as Kind);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

/** The name of the function or method whose options parameter the constructor's options spread, if any. */
function spreadParamFactory(node: ts.NewExpression): string | undefined {
  const arg = node.arguments?.[0] && unwrap(node.arguments[0]);
  if (!arg || !ts.isObjectLiteralExpression(arg)) return undefined;
  let fn: ts.Node | undefined = node.parent;
  while (fn && !ts.isFunctionDeclaration(fn) && !ts.isMethodDeclaration(fn)) fn = fn.parent;
  if (!fn || !(ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) || !fn.name || !ts.isIdentifier(fn.name)) return undefined;
  const params = new Set(fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : '')));
  const spreads = arg.properties.some((p) => ts.isSpreadAssignment(p) && ts.isIdentifier(p.expression) && params.has(p.expression.text));
  return spreads ? fn.name.text : undefined;
}

/** The prom-client metric constructors of a fixture file, read with the TypeScript API. */
function extractMetrics(file: string, factories: Map<string, Kind>): FixtureMetric[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  /** Local name → prom-client export it denotes (`*` for the module object). */
  const names = new Map<string, string>();
  const consts = new Map<string, ts.Expression>();
  const visitDecls = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text === 'prom-client' && node.importClause) {
      const c = node.importClause;
      if (c.name) names.set(c.name.text, '*');
      if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) names.set(c.namedBindings.name.text, '*');
      else if (c.namedBindings) for (const s of c.namedBindings.elements) names.set(s.name.text, (s.propertyName ?? s.name).text);
    }
    if (ts.isVariableDeclaration(node)) {
      const mod = requireOf(node.initializer);
      if (mod === 'prom-client' && ts.isIdentifier(node.name)) names.set(node.name.text, '*');
      else if (mod === 'prom-client' && ts.isObjectBindingPattern(node.name)) {
        for (const el of node.name.elements) if (ts.isIdentifier(el.name)) names.set(el.name.text, el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text);
      } else if (ts.isIdentifier(node.name) && node.initializer) consts.set(node.name.text, node.initializer);
    }
    ts.forEachChild(node, visitDecls);
  };
  visitDecls(sf);

  const kindOf = (callee: ts.Expression): Kind | undefined => {
    const u = unwrap(callee);
    let exp: string | undefined;
    if (ts.isIdentifier(u)) exp = names.get(u.text);
    else if (ts.isPropertyAccessExpression(u) && ts.isIdentifier(u.expression) && names.get(u.expression.text) === '*') exp = u.name.text;
    return KINDS.find((k) => k === exp);
  };
  const literal = (e: ts.Expression): Literal | undefined => {
    const u = unwrap(e);
    if (ts.isStringLiteralLike(u)) return u.text;
    if (ts.isNumericLiteral(u)) return Number(u.text);
    if (u.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (u.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (ts.isArrayLiteralExpression(u)) {
      const items = u.elements.map(literal);
      return items.every((x) => x !== undefined) ? (items as Literal[]) : undefined;
    }
    return undefined;
  };

  const out: FixtureMetric[] = [];
  const visit = (node: ts.Node): void => {
    // A call of one of the project's factories with its options written out: a metric of the factory's kind.
    if (ts.isCallExpression(node)) {
      const callee = unwrap(node.expression);
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      const kind = name ? factories.get(name) : undefined;
      const arg = node.arguments[0] && unwrap(node.arguments[0]);
      if (kind && arg && ts.isObjectLiteralExpression(arg)) {
        let options: Record<string, Literal> | undefined = {};
        for (const p of arg.properties) {
          const value = ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? literal(p.initializer) : undefined;
          if (value === undefined || !ts.isPropertyAssignment(p)) {
            options = undefined;
            break;
          }
          options[(p.name as ts.Identifier | ts.StringLiteral).text] = value;
        }
        out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, kind, ranges: [[node.getStart(sf), node.end]], options });
      }
    }
    if (ts.isNewExpression(node)) {
      const kind = kindOf(node.expression);
      if (kind && !spreadParamFactory(node)) {
        const ranges: [number, number][] = [[node.getStart(sf), node.end]];
        let arg = node.arguments?.[0] && unwrap(node.arguments[0]);
        if (arg && ts.isIdentifier(arg) && consts.has(arg.text)) {
          arg = unwrap(consts.get(arg.text)!);
          ranges.push([arg.getStart(sf), arg.end]);
        }
        let options: Record<string, Literal> | undefined;
        if (arg && ts.isObjectLiteralExpression(arg)) {
          options = {};
          for (const p of arg.properties) {
            const value = ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? literal(p.initializer) : undefined;
            if (value === undefined || !ts.isPropertyAssignment(p)) {
              options = undefined;
              break;
            }
            options[(p.name as ts.Identifier | ts.StringLiteral).text] = value;
          }
        }
        out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, kind, ranges, options });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Construct the metric in its own registry, record one sample with every label, render the exposition. */
async function expose(m: FixtureMetric): Promise<{ text: string } | { error: string }> {
  const registry = new prom.Registry();
  const options = { ...m.options, registers: [registry] } as never;
  let metric: prom.Counter | prom.Gauge | prom.Histogram | prom.Summary;
  try {
    metric = new prom[m.kind](options);
  } catch (e) {
    return { error: (e as Error).message };
  }
  const labelNames = (m.options?.labelNames ?? []) as string[];
  const labels = Object.fromEntries(labelNames.map((l) => [l, 'x']));
  if (metric instanceof prom.Counter) metric.inc(labels, 1);
  else if (metric instanceof prom.Gauge) metric.set(labels, 1);
  else metric.observe(labels, 1);
  return { text: await registry.metrics() };
}

function promtool(text: string): { ids: string[]; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) throw r.error;
  const output = `${r.stdout}${r.stderr}`.trim();
  // Exit status 0: no problems; 3: lint problems; anything else is an error reading the input.
  if (r.status !== 0 && r.status !== 3) throw new Error(`promtool exited with ${r.status}: ${output}`);
  const ids = output
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const text = line.slice(line.indexOf(' ') + 1);
      return PROMTOOL_MESSAGES.find(([re]) => re.test(text))?.[1] ?? `unmapped promtool problem: ${text}`;
    });
  return { ids: [...new Set(ids)].sort(), output };
}

// Skipped, with one line naming the Debian package, when promtool is not installed (a failure under
// TRACEWIRE_REQUIRE_SYSTEM_TOOLS=1, as in .ci/run).
const hasPromtool = systemTool('promtool', 'prometheus').available;

describe('metric-naming agrees with promtool check metrics', () => {
  const checked: Checked[] = [];
  let findings: Finding[] = [];
  let metrics: FixtureMetric[] = [];
  const attributed = new Set<Finding>();
  const dynamicFindings: Finding[] = [];

  beforeAll(async () => {
    if (!hasPromtool) return;
    const files = fixtureFiles(DIR);
    const factories = factoryTemplates(files);
    metrics = files.flatMap((f) => extractMetrics(f, factories));
    const result = await runIn(DIR, files.map((f) => path.relative(DIR, f)));
    findings = result.findings.filter((f) => f.ruleId === 'metric-naming');
    const sources = new Map(files.map((f) => [path.relative(DIR, f).split(path.sep).join('/'), ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.Latest)]));
    const findingsOf = (m: FixtureMetric) =>
      findings.filter((f) => {
        const rel = path.relative(DIR, m.file).split(path.sep).join('/');
        if (f.file !== rel) return false;
        const pos = sources.get(rel)!.getPositionOfLineAndCharacter(f.line - 1, f.column - 1);
        return m.ranges.some(([s, e]) => pos >= s && pos < e);
      });
    for (const m of metrics) {
      const own = findingsOf(m);
      for (const f of own) attributed.add(f);
      if (!m.options) {
        dynamicFindings.push(...own);
        continue;
      }
      const actual = [...new Set(own.map((f) => f.messageId))].sort();
      const name = String(m.options.name);
      const r = await expose(m);
      if ('error' in r) {
        const id = CONSTRUCTOR_ERRORS.find(([re]) => re.test(r.error))?.[1] ?? `unmapped constructor error: ${r.error}`;
        checked.push({ metric: m, name, expected: [id], actual, constructorError: r.error });
      } else {
        const p = promtool(r.text);
        checked.push({ metric: m, name, expected: p.ids, actual, exposition: r.text, promtool: p.output });
      }
    }
  });

  it.runIf(hasPromtool)('reads every prom-client metric of the fixtures, and most of them statically', () => {
    expect(metrics.length).toBeGreaterThanOrEqual(30);
    // Only the deliberately dynamic one is unreadable.
    expect(metrics.filter((m) => !m.options).map((m) => path.basename(m.file))).toEqual(['prometheus-conventions.ts']);
    expect(checked.filter((c) => c.exposition).length).toBeGreaterThanOrEqual(25);
    expect(checked.filter((c) => c.constructorError).length).toBeGreaterThanOrEqual(5);
    // promtool does find problems in the fixtures (the comparison is not vacuous).
    expect(checked.filter((c) => c.exposition && c.expected.length > 0).length).toBeGreaterThanOrEqual(15);
  });

  it.runIf(hasPromtool)('reports, metric by metric, what promtool reports on the exposition', () => {
    const rows = checked.filter((c) => c.exposition).map((c) => ({ metric: `${path.basename(c.metric.file)}:${c.metric.line} ${c.name}`, promtool: c.expected, tracewire: c.actual }));
    expect(rows).toEqual(rows.map((r) => ({ ...r, tracewire: r.promtool })));
  });

  it.runIf(hasPromtool)('reports what makes prom-client throw before promtool could see the metric', () => {
    const rows = checked.filter((c) => c.constructorError).map((c) => ({ metric: `${path.basename(c.metric.file)}:${c.metric.line} ${c.name}`, error: c.constructorError, tracewire: c.actual }));
    expect(rows).toEqual(checked.filter((c) => c.constructorError).map((c) => ({ metric: `${path.basename(c.metric.file)}:${c.metric.line} ${c.name}`, error: c.constructorError, tracewire: c.expected })));
  });

  it.runIf(hasPromtool)('accounts for every prom-client naming finding, and none on names built at run time', () => {
    const stray = findings.filter((f) => !f.messageId.startsWith('otel') && !attributed.has(f)).map((f) => `${f.file}:${f.line} ${f.messageId}`);
    expect(stray).toEqual([]);
    expect(dynamicFindings).toEqual([]);
  });

  it.runIf(hasPromtool && !!process.env.TRACEWIRE_SHOW_PROMTOOL)('shows the comparison (TRACEWIRE_SHOW_PROMTOOL=1)', () => {
    for (const c of checked) {
      const what = c.constructorError ? `prom-client throws: ${c.constructorError}` : c.promtool || '(promtool: no problems)';
      console.log(`${path.basename(c.metric.file)}:${c.metric.line} ${c.name}\n  ${what.split('\n').join('\n  ')}\n  tracewire: ${c.actual.join(', ') || '(nothing)'}`);
    }
  });

  it.runIf(hasPromtool)('promtool itself finds nothing to report on the conventional metrics', () => {
    const clean = checked.filter((c) => c.exposition && c.expected.length === 0).map((c) => c.name);
    expect(clean).toEqual(expect.arrayContaining(['http_requests_total', 'http_request_duration_seconds', 'http_response_size_bytes', 'gpu_temperature_celsius']));
  });
});
