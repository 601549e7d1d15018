/**
 * The steps of a check that every front end shares: analysing one file with the per-file rules'
 * visitors, running the project-level rules over evaluated sites, and turning reports into findings.
 * `run()` (the CLI) and `ProjectCache.checkFile()` (the ESLint adapter) are both built from these, so
 * the editor and the CLI cannot drift apart.
 */

import type ts from 'typescript';
import { analyzeFile, type FileAnalysis, type FileVisitor, type ProjectResolver } from './analyze-file.js';
import type { Aliases } from './aliases.js';
import type { CatalogIndex } from './catalog.js';
import { displayPath } from './files.js';
import type { EvaluatedSite } from './link.js';
import { formatMessage, type Report, type RuleModule, type SiteProject } from './rule.js';
import type { Finding } from './types.js';

export interface EnabledRule {
  rule: RuleModule<any>;
  severity: 'error' | 'warn';
  options: unknown;
}

export function toFinding(cwd: string, file: string, rule: RuleModule<any>, severity: 'error' | 'warn', r: Report): Finding {
  return {
    ruleId: rule.meta.id,
    severity: r.severity ?? severity,
    file: displayPath(cwd, file),
    line: r.range.line,
    column: r.range.column,
    endLine: r.range.endLine,
    endColumn: r.range.endColumn,
    messageId: r.messageId,
    message: formatMessage(rule.meta.messages[r.messageId] ?? r.messageId, r.data),
    ...(r.fix ? { fix: r.fix } : {}),
    ...(r.suggestions?.length ? { suggestions: r.suggestions } : {}),
  };
}

/**
 * One parse (or the AST given in `sourceFile`) and one walk of a file. With `rules`, the per-file rules
 * (`createVisitor`) run during that walk and report through `report`; without, the file is analysed
 * for resolution only.
 */
export function analyzeWithRules(
  file: string,
  text: string,
  opts: {
    catalog: CatalogIndex;
    rules?: EnabledRule[];
    sourceFile?: ts.SourceFile;
    report?: (rule: RuleModule<any>, severity: 'error' | 'warn', r: Report) => void;
    /** Rules whose `collectFacts` visitors run during the walk, and where their facts go. */
    collectors?: EnabledRule[];
    emit?: (rule: RuleModule<any>, fact: unknown) => void;
    /** See `AnalyzeOptions.budget`. */
    budget?: number;
    /** See `AnalyzeOptions.project`. */
    project?: ProjectResolver;
    /** See `AnalyzeOptions.aliases`. */
    aliases?: Aliases;
  },
): FileAnalysis {
  const { catalog } = opts;
  const fileVisitors: { visitor: FileVisitor; rule: RuleModule<any>; severity: 'error' | 'warn' }[] = [];
  const sfHolder: { sf?: ts.SourceFile } = {};
  for (const { rule, severity, options } of opts.rules ?? []) {
    if (!rule.createVisitor) continue;
    // The source file is bound lazily: visitors are created before the walk starts.
    const ctx = {
      options,
      catalog,
      file,
      get sourceFile() {
        return sfHolder.sf!;
      },
      report: (r: Report) => opts.report?.(rule, severity, r),
    };
    fileVisitors.push({ visitor: rule.createVisitor(ctx), rule, severity });
  }
  for (const { rule, severity, options } of opts.collectors ?? []) {
    if (!rule.collectFacts) continue;
    const ctx = {
      options,
      catalog,
      file,
      get sourceFile() {
        return sfHolder.sf!;
      },
      emit: (fact: unknown) => opts.emit?.(rule, fact),
    };
    fileVisitors.push({ visitor: rule.collectFacts(ctx), rule, severity });
  }
  return analyzeFile(file, text, {
    catalog,
    sourceFile: opts.sourceFile,
    budget: opts.budget,
    project: opts.project,
    aliases: opts.aliases,
    visitors: fileVisitors.map((v) => ({
      kinds: v.visitor.kinds,
      visit: (node, wctx) => {
        sfHolder.sf = wctx.sourceFile;
        v.visitor.visit(node, wctx);
      },
      end: (wctx) => {
        sfHolder.sf = wctx.sourceFile;
        v.visitor.end?.(wctx);
      },
    })),
  });
}

/** The project-level rules (`checkSites`) over the evaluated sites of the reported files. */
export function runSiteRules(
  rules: EnabledRule[],
  catalog: CatalogIndex,
  sites: EvaluatedSite[],
  text: (file: string) => string | undefined,
  report: (file: string, rule: RuleModule<any>, severity: 'error' | 'warn', r: Report) => void,
  project?: SiteProject,
): void {
  for (const { rule, severity, options } of rules) {
    if (!rule.checkSites) continue;
    rule.checkSites({ options, catalog, sites, text, report: (file, r) => report(file, rule, severity, r), project });
  }
}

/** Severity of the findings about suppression comments, from the `suppression-comment` rule's setting. */
export function suppressionSeverity(rules: EnabledRule[]): (messageId: string) => 'error' | 'warn' | 'off' {
  const setting = rules.find((r) => r.rule.meta.id === 'suppression-comment');
  return (messageId) => {
    if (!setting) return 'off';
    return messageId === 'unusedSuppression' ? 'warn' : setting.severity;
  };
}
