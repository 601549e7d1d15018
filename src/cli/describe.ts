/**
 * What a run used: the configuration file, the project root and the repository, for `--verbose`,
 * `--print-config` and the JSON report. Paths are relative to the working directory, with `/` separators.
 */

import path from 'node:path';
import type { ResolvedConfig } from '../config/load.js';

/** The project a run resolved, as the JSON report carries it (`project`). */
export interface ProjectInfo {
  /** The project root: its files are the context of every finding. */
  root: string;
  /** The configuration file used, or null for the defaults. */
  config: string | null;
  /** The root of the git work tree, or null outside one: nothing above it is read. */
  repository: string | null;
}

function rel(cwd: string, abs: string): string {
  const r = path.relative(cwd, abs);
  return r === '' ? '.' : r.split(path.sep).join('/');
}

export function projectInfo(cwd: string, config: ResolvedConfig): ProjectInfo {
  return {
    root: rel(cwd, config.root),
    config: config.file ? rel(cwd, config.file) : null,
    repository: config.repository ? rel(cwd, config.repository) : null,
  };
}

/** The `--verbose` header (stderr): which configuration and project root the run used. */
export function verboseHeader(cwd: string, config: ResolvedConfig, counts?: { files: number; context: number; detail?: string }): string {
  const p = projectInfo(cwd, config);
  let out = `tracewire: configuration: ${p.config ?? 'none found (the defaults)'}\n`;
  out += `tracewire: project root: ${p.root}${config.project ? '' : ' (project mode off: each file on its own)'}\n`;
  out += `tracewire: repository: ${p.repository ?? 'none (configuration looked up to the filesystem root)'}\n`;
  if (counts) {
    const context = counts.context ? `, with ${counts.context} project file${counts.context === 1 ? '' : 's'} as context` : '';
    out += `tracewire: ${counts.files} file${counts.files === 1 ? '' : 's'} to report on${context}${counts.detail ? ` (${counts.detail})` : ''}\n`;
  }
  return out;
}

/** `--print-config`: the configuration as the run resolved it, as JSON. */
export function printConfig(cwd: string, config: ResolvedConfig): string {
  let declared: Record<string, unknown> = {};
  try {
    const data: unknown = config.raw ? JSON.parse(config.raw.replace(/^\uFEFF/, '')) : {};
    const inner = config.file?.endsWith('package.json') && data && typeof data === 'object' && 'tracewire' in data ? (data as { tracewire: unknown }).tracewire : data;
    if (inner && typeof inner === 'object') declared = inner as Record<string, unknown>;
  } catch {
    declared = {};
  }
  const rules: Record<string, unknown> = {};
  for (const [id, s] of config.rules) {
    const options = s.options && typeof s.options === 'object' && Object.keys(s.options).length ? s.options : undefined;
    rules[id] = s.severity === 'off' ? 'off' : options ? [s.severity, options] : s.severity;
  }
  const out = {
    ...projectInfo(cwd, config),
    project: config.project,
    rules,
    ignores: config.ignores,
    ...(config.tracingSchema ? { tracingSchema: rel(cwd, config.tracingSchema) } : {}),
    ...(declared.catalog ? { catalog: declared.catalog } : {}),
    ...(declared.assume ? { assume: declared.assume } : {}),
    ...(declared.codemods ? { codemods: declared.codemods } : {}),
  };
  return JSON.stringify(out, null, 2) + '\n';
}
