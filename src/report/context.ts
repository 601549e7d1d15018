/** What the CI reporters (SARIF, GitHub annotations, JUnit) know besides the run's result: all plain data. */

import type { ProjectInfo } from '../cli/describe.js';
import type { RuleMeta } from '../engine/rule.js';

export const DOCS_BASE = 'https://github.com/tracewire/tracewire/blob/main/rules/';
export const HOMEPAGE = 'https://github.com/tracewire/tracewire';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}${ruleId}.md`;
}

/** How the run compared with a baseline, when one was given. */
export interface BaselineSummary {
  /** The baseline file, relative to the working directory. */
  file: string;
  /** Findings that are in the baseline, and so not reported. */
  matched: number;
  /** Baseline entries (of the files checked) that no longer occur: `tracewire baseline --prune` drops them. */
  stale: number;
}

export interface ReportContext {
  /** Absolute working directory: finding paths are relative to it. */
  cwd: string;
  /**
   * Absolute directory that SARIF URIs and GitHub annotation paths are relative to: the root of the git
   * work tree (code scanning and annotations resolve paths against the repository root), else `cwd`.
   */
  root: string;
  /** Metadata of every rule tracewire ships (SARIF lists them all). */
  rules: readonly Pick<RuleMeta, 'id' | 'description' | 'severity' | 'preset' | 'fix' | 'messages'>[];
  /** Paths of the files checked, relative to `cwd` (JUnit reports a passing test case for each clean one). */
  files?: readonly string[];
  /** The source text the engine analysed, by path relative to `cwd` (fix regions as lines and columns in SARIF). */
  source?: (file: string) => string | undefined;
  /** Stable per-finding fingerprints (`<hash>:<n>`), keyed by finding object. */
  fingerprints?: ReadonlyMap<object, string>;
  baseline?: BaselineSummary;
  /** The configuration file, project root and repository the run used (the JSON report's `project`). */
  project?: ProjectInfo;
  /** A rule's documentation (Markdown), when the package ships it: SARIF carries it as the rule's help. */
  ruleDoc?: (ruleId: string) => string | undefined;
}
