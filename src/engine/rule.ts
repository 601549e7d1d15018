/**
 * The rule contract. A rule is metadata plus up to two detectors:
 *
 * - `createVisitor`: per-file, over the AST during the engine's single walk (span and metric rules);
 * - `checkSites`:   project-level, over the sites the link phase evaluated (tracing rules).
 *
 * Both report through the same `report` function; the engine turns reports into findings, so a rule
 * never formats positions or severities itself. Messages are templates with `{{name}}` placeholders.
 */

import type ts from 'typescript';
import type { MemberSpec } from './catalog-schema.js';
import type { z } from 'zod';
import type { FileVisitor } from './analyze-file.js';
import type { CatalogIndex } from './catalog.js';
import type { EvaluatedSite, ScopeHelper } from './link.js';
import type { Fix } from './types.js';
import type { SourceRange } from './values.js';

export type Preset = 'recommended' | 'strict';

export interface RuleMeta<Options = unknown> {
  id: string;
  description: string;
  /** The preset that enables the rule first (`strict` includes `recommended`). `off` = only when configured. */
  preset: Preset | 'off';
  /** Severity in its preset. */
  severity: 'error' | 'warn';
  /** The most a fix of this rule can be: `safe` fixes are applied by `fix`, `unsafe` need `--unsafe-fixes`. */
  fix: 'safe' | 'unsafe' | 'none';
  hasSuggestions: boolean;
  messages: Record<string, string>;
  /** Options schema (zod); its JSON Schema is generated for the config file and ESLint. */
  options: z.ZodType<Options>;
  defaultOptions: Options;
  /** Whether the rule needs the project's other files (link phase). */
  project: boolean;
}

export interface Report {
  range: SourceRange;
  messageId: string;
  /** This finding's severity when it differs from the rule's (an option such as `unknown: 'warn'`). */
  severity?: 'error' | 'warn';
  data?: Record<string, string | number>;
  fix?: Fix;
  suggestions?: Fix[];
}

export interface SiteRuleContext<Options> {
  options: Options;
  catalog: CatalogIndex;
  sites: EvaluatedSite[];
  /** Text of a file (for fixes), when available. */
  text(file: string): string | undefined;
  report(file: string, r: Report): void;
  /** What the rest of the project says, for fixes (absent where a front end cannot tell). */
  project?: SiteProject;
}

/** Project facts the fixes of the project-level rules build on. */
export interface SiteProject {
  /** The version range the nearest package.json (or its workspace root) declares for an npm package. */
  declaredVersion(file: string, pkg: string): string | undefined;
  /** The project's own tracing helpers (see `ScopeHelper`). */
  scopeHelpers(): ScopeHelper[];
  /** Every evaluated site of the project, reported or not (who else calls through a client a fix would wrap). */
  sites(): EvaluatedSite[];
}

export interface FileRuleContext<Options> {
  options: Options;
  catalog: CatalogIndex;
  file: string;
  sourceFile: ts.SourceFile;
  report(r: Report): void;
}

export interface RuleModule<Options = unknown> {
  meta: RuleMeta<Options>;
  checkSites?(ctx: SiteRuleContext<Options>): void;
  /**
   * Per-file detection during the engine's walk. Subscribe to node kinds in `kinds`; collect nodes in
   * `visit`; resolve values (`ctx.valueOf`) and report in `end`, once the whole file has been walked.
   */
  createVisitor?(ctx: FileRuleContext<Options>): FileVisitor;
  /**
   * Per-file rules that only report on values of certain catalog members (spans started by a
   * `spanStart` member, metrics): the predicate over members. Files whose text names no module from
   * which such a member is reachable get no visitor (see src/engine/reach.ts): most files of a project.
   */
  needs?: (member: MemberSpec) => boolean;
  /**
   * Of the values another project file hands over, those that can give the rule something to report in
   * a file whose text names none of its modules: values leading to a member satisfying this (default
   * `needs`). Spans started there (or by a helper of there, for its callers) count whenever `needs`
   * holds: what a span rule reports starts at a span start (a tracer's, or a helper's).
   */
  carries?: (member: MemberSpec) => boolean;
  /**
   * Per-file rules that only look at calls whose callee name (the last property name, or the identifier)
   * is one of these: files whose text contains none of them get no visitor.
   */
  callNames?: (catalog: CatalogIndex) => ReadonlySet<string>;
  /**
   * Called once when the configuration is resolved (for enabled rules), with the rule's options and the
   * project settings; returns the options the rule runs with (paths made absolute, files they name
   * loaded and validated). Throws `ConfigError` for a problem in such a file, so it is a config error.
   */
  prepareOptions?(options: Options, settings: RuleSettings): Options;
  /**
   * Whether project settings that only this rule reads are set (a tracing schema): the configuration
   * then turns the rule on at its own severity, unless it sets the rule itself.
   */
  configuredBy?(settings: RuleSettings): boolean;
  /**
   * Project rules that need facts from every file of the project, reported or not (a check of one YAML
   * file still needs every metric the code defines): a visitor run during the engine's walk of each
   * analysed file, emitting plain, serialisable facts. They are stored with the file's result (worker
   * threads, `--cache`) and handed to `checkProject`. `needs` and the project's second phase apply as to
   * `createVisitor`. Collected only when `wantsFacts` says the run needs them.
   */
  collectFacts?(ctx: FactContext<Options>): FileVisitor;
  /** Whether a run with these inputs needs this rule's facts (default: always). */
  wantsFacts?(run: { inputs: number }): boolean;
  /** Project-level detection over the collected facts and the run's non-source inputs (see `ProjectRuleContext`). */
  checkProject?(ctx: ProjectRuleContext<Options>): void;
}

export interface FactContext<Options> {
  options: Options;
  catalog: CatalogIndex;
  file: string;
  sourceFile: ts.SourceFile;
  emit(fact: unknown): void;
}

/** A file of the run that is not source code (an observability file: Prometheus rules, a Grafana dashboard). */
export interface ProjectInput {
  /** Absolute path. */
  file: string;
  text: string;
  /** Findings in it are reported (else it only informs: recording rules feeding a reported dashboard). */
  reported: boolean;
}

export interface ProjectRuleContext<Options> {
  options: Options;
  catalog: CatalogIndex;
  /** The working directory and the configuration's settings. */
  cwd: string;
  config: import('../config/load.js').ResolvedConfig;
  /** This rule's facts, by absolute file path: every analysed file of the project, reported or not. */
  facts: ReadonlyMap<string, unknown[]>;
  /** The dependencies a file's nearest package.json declares (range), for facts that depend on them. */
  declaredVersion(file: string, pkg: string): string | undefined;
  inputs: readonly ProjectInput[];
  /** The text of a project file as this run reads it (the index for `--staged`), undefined when unreadable. */
  readText(file: string): string | undefined;
  report(file: string, r: Report): void;
  /** An input the rule could not read (syntax errors): listed in the run's `errors`, like unparseable source files. */
  fileError(file: string, message: string): void;
  /** Data for `tracewire inventory` (plain, serialisable). */
  inventory(data: unknown): void;
}

/** Project settings from the configuration that a rule's options may depend on. */
export interface RuleSettings {
  /** Directory relative paths in the configuration resolve against. */
  dir: string;
  /** Working directory (for the file names in error messages). */
  cwd: string;
  /** Absolute path of the tracing schema the configuration names (`tracingSchema`), if any. */
  tracingSchema?: string;
}

export function defineRule<Options>(rule: RuleModule<Options>): RuleModule<Options> {
  return rule;
}

export function formatMessage(template: string, data: Record<string, string | number> | undefined): string {
  if (!data) return template;
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (k in data ? String(data[k]) : m));
}
