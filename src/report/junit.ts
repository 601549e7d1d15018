/**
 * JUnit XML, the way CI systems (GitLab, Jenkins, Azure Pipelines, CircleCI) render test reports: one
 * test suite per file checked, one failing test case per finding, one passing test case for a clean file,
 * and an `<error>` test case for a file that could not be checked.
 */

import path from 'node:path';
import type { FileError, Finding, RunResult } from '../engine/types.js';
import { docsUrl, type ReportContext } from './context.js';

/** Characters XML 1.0 cannot carry at all are dropped; the five special ones are escaped. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attrs = (a: Record<string, string | number>): string =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');

/** Test runners group by class name: the file without its extension. */
function classname(file: string): string {
  const ext = path.posix.extname(file);
  return ext ? file.slice(0, -ext.length) : file;
}

export function formatJunit(result: RunResult, ctx: ReportContext): string {
  const byFile = new Map<string, { findings: Finding[]; errors: FileError[] }>();
  const entry = (file: string) => byFile.get(file) ?? byFile.set(file, { findings: [], errors: [] }).get(file)!;
  for (const f of ctx.files ?? []) entry(f);
  for (const f of result.findings) entry(f.file).findings.push(f);
  for (const e of result.errors) entry(e.file).errors.push(e);
  const files = [...byFile.keys()].sort();

  let tests = 0;
  let failures = 0;
  let errors = 0;
  const suites: string[] = [];
  for (const file of files) {
    const { findings, errors: errs } = byFile.get(file)!;
    const cases: string[] = [];
    for (const f of findings) {
      const sev = f.severity === 'error' ? 'error' : 'warning';
      const body = `${sev} at ${f.file}:${f.line}:${f.column}: ${f.message}\nRule: ${f.ruleId} (${docsUrl(f.ruleId)})`;
      cases.push(
        `    <testcase${attrs({ classname: classname(file), name: `${f.ruleId} at ${f.line}:${f.column}`, file, line: f.line, time: 0 })}>\n` +
          `      <failure${attrs({ message: f.message, type: `${f.ruleId}/${f.messageId}` })}>${xmlEscape(body)}</failure>\n` +
          `    </testcase>`,
      );
    }
    for (const e of errs) {
      cases.push(
        `    <testcase${attrs({ classname: classname(file), name: 'tracewire', file, time: 0 })}>\n` +
          `      <error${attrs({ message: e.message, type: 'file-not-checked' })}>${xmlEscape(`${file}: ${e.message}`)}</error>\n` +
          `    </testcase>`,
      );
    }
    if (!cases.length) cases.push(`    <testcase${attrs({ classname: classname(file), name: 'tracewire', file, time: 0 })} />`);
    tests += cases.length;
    failures += findings.length;
    errors += errs.length;
    suites.push(
      `  <testsuite${attrs({ name: file, tests: cases.length, failures: findings.length, errors: errs.length, skipped: 0, time: 0 })}>\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  const time = (result.durationMs / 1000).toFixed(3);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites${attrs({ name: 'tracewire', tests, failures, errors, time })}>\n` +
    (suites.length ? suites.join('\n') + '\n' : '') +
    `</testsuites>\n`
  );
}
