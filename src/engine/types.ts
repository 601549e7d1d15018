/** Plain data shared by the engine, the rules, the reporters and every front end. */

import type { SiteKind } from './catalog-schema.js';

export type Severity = 'error' | 'warn' | 'off';

export type FixSafety = 'safe' | 'unsafe';

export interface TextEdit {
  /** Offsets into the original text (UTF-16 code units, as JavaScript strings count). */
  start: number;
  end: number;
  text: string;
}

/** A package a fix's imports need that the file's package.json does not declare. */
export interface FixDependency {
  package: string;
  /** The range to declare, from the catalog (absent when the catalog has none). */
  range?: string;
}

export interface Fix {
  safety: FixSafety;
  /** Short description of what the fix does (shown by `fix --dry-run` and as ESLint suggestion text). */
  description?: string;
  edits: TextEdit[];
  /**
   * What kind of edit it is (`wrap-in-span`, `wrap-client`, `callbacks`, `telemetry-option`, ...): codemods
   * built on the rules' fixes pick theirs by kind.
   */
  kind?: string;
  /** Packages the edits import that the project does not declare (`fix --add-dependencies` declares them). */
  dependencies?: FixDependency[];
}

export interface Finding {
  ruleId: string;
  severity: 'error' | 'warn';
  /** Path relative to the working directory, with `/` separators. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  messageId: string;
  message: string;
  fix?: Fix;
  suggestions?: Fix[];
}

export interface FileError {
  file: string;
  message: string;
}

/** A call site the engine recognises, wired or not (the inventory). */
export interface InventorySite {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  kind: SiteKind;
  sdk: string;
  operation: string;
  callee: string;
  /**
   * The provider the call goes to: an OpenAI-compatible client's `baseURL` (`deepseek`, `unknown`), or the
   * host of a raw HTTP request to a model API.
   */
  provider?: string;
  /** A raw HTTP request to a model API (`fetch`, axios...): its URL as far as the code shows it (`{OLLAMA_URL}/api/chat`). */
  url?: string;
  wired: boolean;
  mechanism: string | null;
  /** `wired`, `unwired`, or `unknown` (tracewire cannot see whether something traces it; `wired` is false). */
  state: 'wired' | 'unwired' | 'unknown';
  /** For `unknown`: what could not be seen. For `unwired`: the process that runs it without tracing, when known. */
  reason?: string;
  /** Why: processes that run it (with an import chain and the registration that traces it there), rejected registrations. */
  evidence?: SiteEvidence;
}

/** See `Evidence` in link.ts (the same data, paths as displayed). */
export interface SiteEvidence {
  local?: string;
  processes: { label: string; runtime: string; chain: string[]; registration?: string; lacks?: string }[];
  package?: string;
  rejected: { mechanism: string; file: string; line: number; reason: string }[];
  unknown?: string;
}

/** Where an observability file queries a metric (a panel, a variable, an alerting or recording rule). */
export interface MetricUsage {
  file: string;
  line: number;
  column: number;
  /** `alert`, `record`, `panel` or `variable`, and its name or title. */
  kind: 'alert' | 'record' | 'panel' | 'variable';
  name?: string;
}

/** A metric the code defines, as Prometheus sees it, and the dashboards and alerts that query it (the inventory). */
export interface MetricInventory {
  /** The name as the code writes it; `*` stands for the parts built at run time. */
  name: string;
  api: 'prom-client' | 'otel';
  /** counter, gauge, histogram, summary, updowncounter, ... (as declared). */
  type: string;
  file: string;
  line: number;
  column: number;
  /** The series Prometheus stores for it (`_total`, `_bucket`, ...), and how the name was translated. */
  series: string[];
  translation?: string;
  /** Label names, or null when they cannot be known statically. */
  labels: string[] | null;
  /** The name is built at run time: it cannot be matched to queries exactly. */
  dynamic?: boolean;
  usedBy: MetricUsage[];
}

export interface RunResult {
  findings: Finding[];
  errors: FileError[];
  sites: InventorySite[];
  /** The metrics the code defines and where observability files use them (when a rule computed them). */
  metrics?: MetricInventory[];
  files: number;
  /** With changes (a gate run): every file reported, the changed and the affected ones, relative to the working directory, sorted. */
  reported?: string[];
  durationMs: number;
}

/** 1-based positions of a range. */
export interface Range {
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}
