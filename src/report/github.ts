/**
 * GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff
 * (`::error file=...,line=...,col=...,endLine=...,endColumn=...,title=...::message`), each file that could
 * not be checked an error annotation on that file.
 */

import path from 'node:path';
import type { RunResult } from '../engine/types.js';
import type { ReportContext } from './context.js';

/** Escaping of a command's message (the data after `::`). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a property value: as data, and `:` and `,` which separate properties. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(name: string, props: [string, string | number][], message: string): string {
  const p = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
  return `::${name}${p ? ' ' + p : ''}::${escapeData(message)}`;
}

export function formatGithub(result: RunResult, ctx: ReportContext): string {
  // Annotation paths are relative to the repository root, whatever directory tracewire ran in.
  const file = (f: string) => {
    const rel = path.relative(ctx.root, path.resolve(ctx.cwd, f));
    return (rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(ctx.cwd, f) : rel).split(path.sep).join('/');
  };
  const lines: string[] = [];
  for (const f of result.findings) {
    const props: [string, string | number][] = [
      ['file', file(f.file)],
      ['line', f.line],
      ['col', f.column],
      ['endLine', f.endLine],
      ['endColumn', f.endColumn],
      ['title', `tracewire(${f.ruleId})`],
    ];
    lines.push(command(f.severity === 'error' ? 'error' : 'warning', props, f.message));
  }
  for (const e of result.errors) {
    lines.push(command('error', [['file', file(e.file)], ['title', 'tracewire: file not checked']], e.message));
  }
  if (ctx.baseline?.stale) {
    const b = ctx.baseline;
    lines.push(command('notice', [['title', 'tracewire baseline']], `${b.stale} entr${b.stale === 1 ? 'y' : 'ies'} of ${b.file} no longer occur${b.stale === 1 ? 's' : ''} (\`tracewire baseline --prune\` drops stale entries).`));
  }
  // A plain line for the log (not a command).
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  const matched = ctx.baseline?.matched ? `, ${ctx.baseline.matched} more in the baseline` : '';
  const unchecked = result.errors.length ? `, ${result.errors.length} file${result.errors.length === 1 ? '' : 's'} not checked` : '';
  lines.push(`tracewire: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${result.files} file${result.files === 1 ? '' : 's'}${unchecked}${matched}`);
  return lines.join('\n') + '\n';
}
