import { Chalk, type ChalkInstance } from 'chalk';
import type { RunResult } from '../engine/types.js';
import { terminalSafe as t } from './terminal.js';

export function makeChalk(stream: NodeJS.WriteStream | undefined): ChalkInstance {
  // chalk honours NO_COLOR / FORCE_COLOR; when writing to a file there is no colour at all.
  if (!stream) return new Chalk({ level: 0 });
  return new Chalk();
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** ESLint-style output: findings grouped by file, then a summary line. */
export function formatStylish(result: RunResult, c: ChalkInstance): string {
  const lines: string[] = [];
  const byFile = new Map<string, RunResult['findings']>();
  for (const f of result.findings) (byFile.get(f.file) ?? byFile.set(f.file, []).get(f.file)!).push(f);
  for (const [file, list] of byFile) {
    lines.push(c.underline(t(file)));
    const pos = list.map((f) => `${f.line}:${f.column}`);
    const w = Math.max(...pos.map((p) => p.length));
    list.forEach((f, i) => {
      const sev = f.severity === 'error' ? c.red('error') : c.yellow('warn ');
      const fix = f.fix ? c.dim(f.fix.safety === 'safe' ? ' [fixable]' : ' [unsafe fix]') : '';
      lines.push(`  ${c.dim(pos[i]!.padEnd(w))}  ${sev}  ${t(f.message)}  ${c.dim(f.ruleId)}${fix}`);
    });
    lines.push('');
  }
  if (result.errors.length) {
    lines.push(c.bold('Files that could not be checked:'));
    for (const e of result.errors) lines.push(`  ${c.underline(t(e.file))}  ${c.red(t(e.message))}`);
    lines.push('');
  }
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  const fixable = result.findings.filter((f) => f.fix?.safety === 'safe').length;
  if (result.findings.length || result.errors.length) {
    const head = `✖ ${plural(result.findings.length, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
    const parts = [errors || result.errors.length ? c.red.bold(head) : c.yellow.bold(head)];
    if (result.errors.length) parts.push(c.red.bold(`  ${plural(result.errors.length, 'file')} could not be checked`));
    lines.push(parts.join('\n'));
    if (fixable) lines.push(c.dim(`  ${fixable} of them fixable with \`tracewire fix\``));
  } else {
    lines.push(c.green(`✔ No problems in ${plural(result.files, 'file')}.`));
  }
  return lines.join('\n') + '\n';
}

/** The inventory as a table grouped by SDK, with wired/unwired/unknown counts. */
export function formatInventoryStylish(result: RunResult, c: ChalkInstance): string {
  const lines: string[] = [];
  const bySdk = new Map<string, RunResult['sites']>();
  for (const s of result.sites) (bySdk.get(s.sdk) ?? bySdk.set(s.sdk, []).get(s.sdk)!).push(s);
  const sdks = [...bySdk.keys()].sort();
  const counts = (list: RunResult['sites']) => {
    const wired = list.filter((s) => s.wired).length;
    const unknown = list.filter((s) => s.state === 'unknown').length;
    return `${wired} wired, ${list.length - wired - unknown} unwired${unknown ? `, ${unknown} unknown` : ''}`;
  };
  for (const sdk of sdks) {
    const list = bySdk.get(sdk)!;
    lines.push(c.bold(`${sdk}`) + c.dim(`  ${list.length} site${list.length === 1 ? '' : 's'}, ${counts(list)}`));
    const rows = list.map((s) => [`${t(s.file)}:${s.line}:${s.column}`, s.kind, t(s.callee), s.wired ? t(s.mechanism ?? 'wired') : s.state === 'unknown' ? `UNKNOWN: ${t(s.reason ?? '')}` : s.reason ? `UNWIRED: ${t(s.reason)}` : 'UNWIRED']);
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) {
      const status = r[3]!.startsWith('UNWIRED') ? c.red(r[3]) : r[3]!.startsWith('UNKNOWN') ? c.yellow(r[3]) : c.green(r[3]!);
      lines.push(`  ${r[0]!.padEnd(widths[0]!)}  ${c.dim(r[1]!.padEnd(widths[1]!))}  ${r[2]!.padEnd(widths[2]!)}  ${status}`);
    }
    lines.push('');
  }
  const total = result.sites.length;
  if (result.metrics?.length) lines.push(...formatMetricInventory(result.metrics, c), '');
  lines.push(total ? `${plural(total, 'site')} in ${plural(result.files, 'file')}: ${counts(result.sites)}` : `No LLM calls, agent runs or kickoffs found in ${plural(result.files, 'file')}.`);
  if (result.metrics?.length) {
    const unused = result.metrics.filter((m) => m.usedBy.length === 0).length;
    lines.push(`${plural(result.metrics.length, 'metric')} defined: ${result.metrics.length - unused} queried by dashboards or alerts, ${unused} not queried`);
  }
  if (result.errors.length) for (const e of result.errors) lines.push(c.red(`  ${t(e.file)}: ${t(e.message)}`));
  return lines.join('\n') + '\n';
}

/** The metrics the code defines, as Prometheus stores them, and the dashboards and alerts that query each. */
function formatMetricInventory(metrics: NonNullable<RunResult['metrics']>, c: ChalkInstance): string[] {
  const lines = [c.bold('metrics') + c.dim('  defined in code, as Prometheus stores them, and where dashboards and alerts query them')];
  const stored = (m: (typeof metrics)[number]): string => {
    if (!m.series.length) return m.name;
    if (m.type === 'histogram' && m.series.length === 3) return m.series[0]!.replace(/_bucket$/, '_{bucket,sum,count}');
    if (m.type === 'summary' && m.series.length === 3) return `${m.series[0]} (+_sum, _count)`;
    return m.series.join(', ');
  };
  const rows = metrics.map((m) => [stored(m), `${m.api} ${m.type}`, `${m.file}:${m.line}:${m.column}`]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  metrics.forEach((m, i) => {
    const r = rows[i]!;
    const used = m.dynamic ? c.yellow('name built at run time') : m.usedBy.length ? c.green(`queried ${m.usedBy.length}x`) : c.dim('not queried');
    lines.push(`  ${r[0]!.padEnd(widths[0]!)}  ${c.dim(r[1]!.padEnd(widths[1]!))}  ${r[2]!.padEnd(widths[2]!)}  ${used}`);
    for (const u of m.usedBy) lines.push(c.dim(`      ${u.file}:${u.line}:${u.column}  ${u.kind}${u.name ? ` ${u.name}` : ''}`));
  });
  return lines;
}
