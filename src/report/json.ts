import type { ProjectInfo } from '../cli/describe.js';
import type { RunResult } from '../engine/types.js';
import { VERSION } from '../version.js';
import type { BaselineSummary } from './context.js';

/**
 * The stable, versioned JSON contract (DESIGN.md §4); `project` (the configuration file, project root and
 * repository the run used) when the front end knows it; `baseline` when the run used one.
 */
export function formatJson(result: RunResult, extra: { baseline?: BaselineSummary; project?: ProjectInfo } = {}): string {
  const out = {
    version: 1,
    tool: { name: 'tracewire', version: VERSION },
    ...(extra.project ? { project: extra.project } : {}),
    findings: result.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      file: f.file,
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      messageId: f.messageId,
      message: f.message,
      ...(f.fix ? { fix: { safety: f.fix.safety, edits: f.fix.edits } } : {}),
    })),
    errors: result.errors,
    summary: { files: result.files, findings: result.findings.length, errors: result.errors.length, durationMs: result.durationMs },
    ...(extra.baseline ? { baseline: extra.baseline } : {}),
  };
  return JSON.stringify(out, null, 2) + '\n';
}

export function formatInventoryJson(result: RunResult, extra: { project?: ProjectInfo } = {}): string {
  return JSON.stringify({ version: 1, ...(extra.project ? { project: extra.project } : {}), sites: result.sites, ...(result.metrics ? { metrics: result.metrics } : {}) }, null, 2) + '\n';
}
