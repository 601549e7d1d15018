/** Plain data shared by the engine, the rules, the reporters and every front end. */

import type { SiteKind } from '../../rules/catalog/types.js';

export type Severity = 'error' | 'warn' | 'off';

export type FixSafety = 'safe' | 'unsafe';

export interface TextEdit {
  /** Offsets into the original text (UTF-16 code units, as JavaScript strings count). */
  start: number;
  end: number;
  text: string;
}

export interface Fix {
  safety: FixSafety;
  /** Short description of what the fix does (shown by `fix --dry-run` and as ESLint suggestion text). */
  description?: string;
  edits: TextEdit[];
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
  /** The provider an OpenAI-compatible client was pointed at with `baseURL` (`deepseek`, `unknown`), when it was. */
  provider?: string;
  wired: boolean;
  mechanism: string | null;
}

export interface RunResult {
  findings: Finding[];
  errors: FileError[];
  sites: InventorySite[];
  files: number;
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
