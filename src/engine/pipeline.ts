/**
 * The one orchestration of a check that every front end shares: which rules run (the configuration over
 * the front end's registry), which of them a file's text can concern (the prefilter), analysing a file
 * with the per-file rules' visitors, linking the project and running the project-level rules over its
 * sites, and applying suppression comments. `run()` (the CLI, fix and codemods, in batch, with workers and
 * a cache) and `ProjectCache.checkFile()` (the editor and ESLint, one buffer against a cached project)
 * are both built from these functions, so the editor and the CLI decide alike by construction.
 */

import fs from 'node:fs';
import { readRegularFile } from '../safe-fs.js';
import type ts from 'typescript';
import { checkSdkIds, type ResolvedConfig } from '../config/load.js';
import { analyzeFile, type FileAnalysis, type FileVisitor, type ProjectResolver } from './analyze-file.js';
import type { Aliases } from './aliases.js';
import { CatalogIndex } from './catalog.js';
import { cacheKey } from './cache.js';
import { fileBudget } from './file-task.js';
import { displayPath } from './files.js';
import type { EvaluatedSite, LinkOptions } from './link.js';
import type { PackageVersions } from './packages.js';
import { ProcessModel } from './processes.js';
import { mayReach } from './reach.js';
import type { Registry } from './registry.js';
import { formatMessage, type Report, type RuleModule, type SiteProject } from './rule.js';
import { applyDirectives, type Directive } from './suppress.js';
import type { Finding } from './types.js';
import type { FileSummary } from './values.js';

export interface EnabledRule {
  rule: RuleModule<any>;
  severity: 'error' | 'warn';
  options: unknown;
}

// ---------------------------------------------------------------- rules and catalog

/** The catalog of a run: the registry's models and the configuration's extensions. */
export function buildCatalog(config: ResolvedConfig, registry: Registry): CatalogIndex {
  checkSdkIds(config, registry.models);
  return new CatalogIndex([...registry.models, ...config.models]);
}

/** The registry's rules that the configuration turns on, in registry order. */
export function enabledRules(config: ResolvedConfig, registry: Registry): EnabledRule[] {
  const out: EnabledRule[] = [];
  for (const [id, rule] of registry.rules) {
    const s = config.rules.get(id);
    if (!s || s.severity === 'off') continue;
    out.push({ rule, severity: s.severity, options: s.options });
  }
  return out;
}

/** The key of `--cache`: what the per-file results depend on besides each file's content. */
export function runCacheKey(config: ResolvedConfig, rules: EnabledRule[], cwd: string, registry: Registry, collectors: EnabledRule[] = [], budget = fileBudget()): string {
  let schema: string | undefined;
  try {
    schema = config.tracingSchema ? readRegularFile(config.tracingSchema).toString('utf8') : undefined;
  } catch {
    schema = undefined;
  }
  return cacheKey({
    cwd,
    config: { file: config.file, raw: config.raw, project: config.project, models: config.models, assumedSdks: [...config.assumedSdks], schema },
    rules: rules.map((r) => [r.rule.meta.id, r.severity, r.options]),
    facts: collectors.map((r) => r.rule.meta.id),
    catalog: registry.models,
    // A file over the budget is cached as skipped: only for the same budget.
    budget,
  });
}

// ---------------------------------------------------------------- which rules a file's text concerns

/** Ids of the rules with `needs` whose modules the text names. */
export function reachHits(text: string, rules: readonly EnabledRule[] | Iterable<RuleModule<any>>, catalog: CatalogIndex): string[] {
  const hits: string[] = [];
  const byPred = new Map<unknown, boolean>();
  for (const entry of rules) {
    const rule = 'rule' in entry ? entry.rule : entry;
    if (!(rule.createVisitor || rule.collectFacts) || !rule.needs) continue;
    let hit = byPred.get(rule.needs);
    if (hit === undefined) byPred.set(rule.needs, (hit = mayReach(text, catalog, rule.needs)));
    if (hit) hits.push(rule.meta.id);
  }
  return hits;
}

/** Whether the text contains one of the names (or an escape sequence, which could spell one). */
export function mentionsAny(text: string, names: ReadonlySet<string>): boolean {
  for (const n of names) if (text.includes(n)) return true;
  return text.includes('\\u');
}

/**
 * The per-file rules to run on a file's text, and the rules with `needs` left out only because the text
 * names none of their modules (`skipped`): with the project, a file it imports may still lead there, so
 * the caller decides from the import graph (`importsReach`, when it knows it already; else the run's
 * second phase). Rules that are not the registry's own always run.
 */
export function selectFileRules(
  text: string,
  rules: readonly EnabledRule[],
  catalog: CatalogIndex,
  opts: { project: boolean; registry: Registry; hits?: readonly string[]; importsReach?: (ruleId: string) => boolean },
): { run: EnabledRule[]; skipped: string[] } {
  const run: EnabledRule[] = [];
  const skipped: string[] = [];
  const hits = opts.hits;
  for (const r of rules) {
    const { rule } = r;
    if (!rule.createVisitor) continue;
    if (opts.registry.rules.get(rule.meta.id) !== rule) {
      run.push(r);
      continue;
    }
    // A rule that only looks at calls of certain names has nothing to look at here.
    if (rule.callNames && !mentionsAny(text, rule.callNames(catalog))) continue;
    if (rule.needs && !(hits ? hits.includes(rule.meta.id) : mayReach(text, catalog, rule.needs))) {
      // Without project resolution nothing outside the file can lead there: nothing to find.
      if (!opts.project) continue;
      if (opts.importsReach) {
        if (opts.importsReach(rule.meta.id)) run.push(r);
      } else skipped.push(rule.meta.id);
      continue;
    }
    run.push(r);
  }
  return { run, skipped };
}

// ---------------------------------------------------------------- one file

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
    /** See `AnalyzeOptions.findingsOnly`. */
    findingsOnly?: boolean;
    /** See `AnalyzeOptions.unimported`. */
    unimported?: boolean;
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
    findingsOnly: opts.findingsOnly,
    unimported: opts.unimported,
    visitors: fileVisitors.map((v) => ({
      kinds: v.visitor.kinds,
      types: v.visitor.types,
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

// ---------------------------------------------------------------- the project

/** The link phase's view of the project: versions, preloads and processes from its package.json files. */
export function linkOptions(catalog: CatalogIndex, config: ResolvedConfig, summaries: FileSummary[], versions: PackageVersions, cwd: string, aliases: Aliases, read?: (file: string) => Buffer): LinkOptions {
  const display = (f: string) => displayPath(cwd, f);
  const processes = new ProcessModel(summaries, {
    packageOf: (f) => versions.packageOf(f),
    display,
    readText: (f) => {
      try {
        return (read ?? fs.readFileSync)(f).toString('utf8');
      } catch {
        return undefined;
      }
    },
  });
  return {
    catalog,
    declaredVersion: (file, pkg) => versions.declared(file, pkg),
    preloads: (file) => versions.preloads(file),
    assumedSdks: config.assumedSdks,
    processes,
    packageDirOf: (f) => versions.packageOf(f)?.dir,
    absentModule: absentSdkModule(catalog, versions),
    display,
    sdkImplementedBy: (f) => aliases.sdk.implementationOf(f),
  };
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

// ---------------------------------------------------------------- suppressions and order

/**
 * Severity of the findings about suppression comments: the `suppression-comment` rule's own, for every
 * one of them (ESLint reports a rule's findings at one severity, so the CLI does too).
 */
export function suppressionSeverity(rules: EnabledRule[]): (messageId: string) => 'error' | 'warn' | 'off' {
  const setting = rules.find((r) => r.rule.meta.id === 'suppression-comment');
  return () => (setting ? setting.severity : 'off');
}

/**
 * A file's findings after its suppression comments: suppressed ones dropped, malformed and unused
 * directives reported. `dataOut` receives the template data of the directive findings (ESLint formats
 * messages itself).
 */
export function applySuppressions(
  displayFile: string,
  findings: Finding[],
  directives: Directive[],
  registry: Registry,
  rules: EnabledRule[],
  dataOut?: Map<Finding, Record<string, string>>,
): Finding[] {
  return applyDirectives(displayFile, findings, directives, new Set(registry.rules.keys()), suppressionSeverity(rules), dataOut);
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  if (a.messageId !== b.messageId) return a.messageId < b.messageId ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/**
 * Whether a module key (an absolute path a relative import names) is nowhere on disk, inside a package
 * of the project that declares an SDK of the catalog in its package.json: a build output or generated copy
 * of that SDK that is not committed (see `LinkOptions.absentModule`). Memoized per key.
 */
export function absentSdkModule(catalog: CatalogIndex, versions: PackageVersions): (key: string) => boolean {
  const sdkPackages = new Set<string>();
  for (const [mod, id] of catalog.modules) {
    if (mod.startsWith('.') || mod.startsWith('/') || catalog.models.get(id)?.role !== 'sdk') continue;
    const parts = mod.split('/');
    sdkPackages.add(mod.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  const memo = new Map<string, boolean>();
  /** Package directory → whether it declares an SDK (the answer is the same for every file in it). */
  const declaresSdk = new Map<string, boolean>();
  return (key) => {
    let answer = memo.get(key);
    if (answer === undefined) {
      const dir = versions.packageOf(key)?.dir;
      let declares = dir === undefined ? false : declaresSdk.get(dir);
      if (declares === undefined) {
        declares = [...sdkPackages].some((pkg) => !!versions.declared(key, pkg));
        declaresSdk.set(dir!, declares);
      }
      answer = declares && !moduleOnDisk(key);
      memo.set(key, answer);
    }
    return answer;
  };
}

/** Extensions a module path may leave out (TypeScript's and Node's resolution), and the ones written for them. */
const MODULE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.jsx', '.mjs', '.cjs', '.json'];

/** Whether a relative module path names anything on disk: the file, with an extension, or a folder. */
function moduleOnDisk(file: string): boolean {
  const bare = file.replace(/\.(d\.)?[cm]?[jt]sx?$/, '');
  for (const base of new Set([file, bare])) {
    if (fs.existsSync(base)) return true;
    if (MODULE_EXTENSIONS.some((ext) => fs.existsSync(base + ext))) return true;
  }
  return false;
}
