/**
 * `tracewire merge`: join the reports of `check --shard k/n` jobs into the report one run would have
 * written. JSON reports (`--format json`) and SARIF logs (`--format sarif`) are recognised by content; all
 * inputs must be of one kind and from one tracewire version. Findings and errors come out in the order a
 * single run sorts them; the summary counts are the shards' sums, `durationMs` the longest shard's.
 */

import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../engine/files.js';
import { describeCode, readRegularFile } from '../safe-fs.js';
import { compareFindings } from '../engine/run.js';
import type { FileError, Finding } from '../engine/types.js';

type Json = Record<string, any>;

interface JsonReport {
  version: number;
  tool: { name: string; version: string };
  project?: { root: string; config: string | null; repository: string | null };
  findings: Finding[];
  errors: FileError[];
  summary: { files: number; findings: number; errors: number; durationMs: number };
  baseline?: { file: string; matched: number; stale: number };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function kindOf(data: Json): 'json' | 'sarif' | undefined {
  if (data && data.version === 1 && data.tool?.name === 'tracewire' && Array.isArray(data.findings)) return 'json';
  if (data && data.version === '2.1.0' && Array.isArray(data.runs) && data.runs.length === 1 && data.runs[0]?.tool?.driver?.name === 'tracewire') return 'sarif';
  return undefined;
}

function sumBaselines<T extends { file: string; matched: number; stale: number }>(list: (T | undefined)[]): T | undefined {
  const present = list.filter((b): b is T => !!b);
  if (present.length === 0) return undefined;
  return { ...present[0]!, matched: present.reduce((n, b) => n + b.matched, 0), stale: present.reduce((n, b) => n + b.stale, 0) };
}

export function mergeJson(reports: JsonReport[]): string {
  const first = reports[0]!;
  const findings = reports.flatMap((r) => r.findings).sort(compareFindings);
  const errors = reports.flatMap((r) => r.errors).sort((a, b) => compareText(a.file, b.file) || compareText(a.message, b.message));
  const baseline = sumBaselines(reports.map((r) => r.baseline));
  const out = {
    version: first.version,
    tool: first.tool,
    ...(first.project ? { project: first.project } : {}),
    findings,
    errors,
    summary: {
      files: reports.reduce((n, r) => n + r.summary.files, 0),
      findings: findings.length,
      errors: errors.length,
      durationMs: Math.max(...reports.map((r) => r.summary.durationMs)),
    },
    ...(baseline ? { baseline } : {}),
  };
  return JSON.stringify(out, null, 2) + '\n';
}

function resultKey(r: Json): [string, number, number, string, string, string] {
  const loc = r.locations?.[0]?.physicalLocation;
  const uri: string = loc?.artifactLocation?.uri ?? '';
  const file = uri.startsWith('file:') ? uri : uri.split('/').map(decodeURIComponent).join('/');
  return [file, loc?.region?.startLine ?? 0, loc?.region?.startColumn ?? 0, r.ruleId ?? '', r.properties?.messageId ?? '', r.message?.text ?? ''];
}

function compareResults(a: Json, b: Json): number {
  const x = resultKey(a);
  const y = resultKey(b);
  return compareText(x[0], y[0]) || x[1] - y[1] || x[2] - y[2] || compareText(x[3], y[3]) || compareText(x[4], y[4]) || compareText(x[5], y[5]);
}

export function mergeSarif(logs: Json[]): string {
  const first = logs[0]!;
  const runs = logs.map((l) => l.runs[0] as Json);
  const run0 = runs[0]!;
  const results = runs.flatMap((r) => r.results ?? []).sort(compareResults);
  const notifications = runs.flatMap((r) => r.invocations?.[0]?.toolExecutionNotifications ?? []).sort((a: Json, b: Json) => compareText(a.message?.text ?? '', b.message?.text ?? ''));
  const invocation = { ...run0.invocations?.[0] };
  invocation.executionSuccessful = runs.every((r) => r.invocations?.[0]?.executionSuccessful !== false);
  delete invocation.toolExecutionNotifications;
  if (notifications.length) invocation.toolExecutionNotifications = notifications;
  const baseline = sumBaselines(runs.map((r) => r.properties?.baseline));
  // Same key order as the reporter writes.
  const { results: _results, properties: _properties, invocations: _invocations, ...rest } = run0;
  const run: Json = { ...rest, invocations: [invocation], results, ...(baseline ? { properties: { ...run0.properties, baseline } } : {}) };
  return JSON.stringify({ ...first, runs: [run] }, null, 2) + '\n';
}

const isObj = (x: unknown): x is Json => !!x && typeof x === 'object' && !Array.isArray(x);
const isNum = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown) => typeof x === 'string';

/** What is wrong with a JSON report's shape (the first problem, as `key path: expected ...`), if anything. */
function jsonProblem(d: Json): string | undefined {
  if (!isStr(d.tool?.version)) return 'tool.version: expected a string';
  for (const [i, f] of (d.findings as unknown[]).entries()) {
    const ok = isObj(f) && isStr(f.ruleId) && isStr(f.file) && isStr(f.messageId) && isStr(f.message) && (f.severity === 'error' || f.severity === 'warn') && [f.line, f.column, f.endLine, f.endColumn].every(isNum);
    if (!ok) return `findings[${i}]: expected a finding { ruleId, severity, file, line, column, endLine, endColumn, messageId, message }`;
  }
  if (!Array.isArray(d.errors)) return 'errors: expected an array';
  for (const [i, e] of (d.errors as unknown[]).entries()) if (!isObj(e) || !isStr(e.file) || !isStr(e.message)) return `errors[${i}]: expected { file, message }`;
  const s = d.summary;
  if (!isObj(s) || ![s.files, s.findings, s.errors, s.durationMs].every(isNum)) return 'summary: expected { files, findings, errors, durationMs } (numbers)';
  if (d.baseline !== undefined && (!isObj(d.baseline) || !isStr(d.baseline.file) || !isNum(d.baseline.matched) || !isNum(d.baseline.stale))) return 'baseline: expected { file, matched, stale }';
  return undefined;
}

/** The same for a SARIF log written by `check --format sarif`. */
function sarifProblem(d: Json): string | undefined {
  const run = d.runs[0] as Json;
  if (!isObj(run.tool?.driver) || !isStr(run.tool.driver.version)) return 'runs[0].tool.driver.version: expected a string';
  if (run.results !== undefined && !Array.isArray(run.results)) return 'runs[0].results: expected an array';
  for (const [i, r] of ((run.results ?? []) as unknown[]).entries()) {
    if (!isObj(r)) return `runs[0].results[${i}]: expected a result object`;
    const loc = r.locations;
    if (loc !== undefined && (!Array.isArray(loc) || !loc.every(isObj))) return `runs[0].results[${i}].locations: expected an array of locations`;
    const uri = loc?.[0]?.physicalLocation?.artifactLocation?.uri;
    if (uri !== undefined && !isStr(uri)) return `runs[0].results[${i}]: artifactLocation.uri: expected a string`;
    if (isStr(uri)) {
      try {
        uri.split('/').map(decodeURIComponent);
      } catch {
        return `runs[0].results[${i}]: artifactLocation.uri: not a valid URI`;
      }
    }
    const region = loc?.[0]?.physicalLocation?.region;
    if (region !== undefined && (!isObj(region) || (region.startLine !== undefined && !isNum(region.startLine)) || (region.startColumn !== undefined && !isNum(region.startColumn)))) return `runs[0].results[${i}]: region: expected numbers`;
    for (const k of ['ruleId'] as const) if (r[k] !== undefined && !isStr(r[k])) return `runs[0].results[${i}].${k}: expected a string`;
    if (r.message !== undefined && (!isObj(r.message) || (r.message.text !== undefined && !isStr(r.message.text)))) return `runs[0].results[${i}].message: expected { text }`;
  }
  const inv = run.invocations;
  if (inv !== undefined && (!Array.isArray(inv) || !inv.every(isObj))) return 'runs[0].invocations: expected an array of objects';
  const notes = inv?.[0]?.toolExecutionNotifications;
  if (notes !== undefined && (!Array.isArray(notes) || !notes.every((n: unknown) => isObj(n) && (n.message === undefined || (isObj(n.message) && (n.message.text === undefined || isStr(n.message.text))))))) return 'runs[0].invocations[0].toolExecutionNotifications: expected an array of notifications';
  if (run.properties !== undefined && !isObj(run.properties)) return 'runs[0].properties: expected an object';
  const b = run.properties?.baseline;
  if (b !== undefined && (!isObj(b) || !isStr(b.file) || !isNum(b.matched) || !isNum(b.stale))) return 'runs[0].properties.baseline: expected { file, matched, stale }';
  return undefined;
}

/** Read, check and merge the reports; returns the merged text. */
export function mergeReports(cwd: string, files: string[]): string {
  if (files.length === 0) throw new UsageError('merge: name the reports to merge (the JSON or SARIF files of each shard)');
  const parsed = files.map((f) => {
    let data: Json;
    try {
      // A FIFO or a device named by mistake is refused, not waited on.
      const text = readRegularFile(path.resolve(cwd, f)).toString('utf8');
      try {
        data = JSON.parse(text) as Json;
      } catch (e) {
        throw new UsageError(`merge: ${f}: not valid JSON (${(e as Error).message.split('\n')[0]!.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')})`);
      }
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`merge: cannot read ${f}: ${describeCode(e)}`);
    }
    const kind = kindOf(data);
    if (!kind) throw new UsageError(`merge: ${f} is neither a tracewire JSON report (--format json) nor a tracewire SARIF log (--format sarif)`);
    const problem = kind === 'json' ? jsonProblem(data) : sarifProblem(data);
    if (problem) throw new UsageError(`merge: ${f} is not a report tracewire wrote: ${problem}`);
    return { file: f, data, kind };
  });
  const kind = parsed[0]!.kind;
  const other = parsed.find((p) => p.kind !== kind);
  if (other) throw new UsageError(`merge: ${parsed[0]!.file} is ${kind === 'json' ? 'JSON' : 'SARIF'} but ${other.file} is not: merge reports of one format`);
  const versionOf = (d: Json) => (kind === 'json' ? d.tool.version : d.runs[0].tool.driver.version);
  const v = versionOf(parsed[0]!.data);
  const mismatch = parsed.find((p) => versionOf(p.data) !== v);
  if (mismatch) throw new UsageError(`merge: ${mismatch.file} comes from tracewire ${versionOf(mismatch.data)}, ${parsed[0]!.file} from ${v}: shards must run the same version`);
  return kind === 'json' ? mergeJson(parsed.map((p) => p.data as JsonReport)) : mergeSarif(parsed.map((p) => p.data));
}
