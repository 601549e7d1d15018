/**
 * A run: read and analyse every file (one parse, one walk each), link the project, run the rules,
 * apply suppressions, and return findings, errors and the inventory, sorted.
 */

import fs from 'node:fs';
import { builtinModels } from '../../rules/catalog/index.js';
import { rulesById } from '../../rules/index.js';
import type { ResolvedConfig } from '../config/load.js';
import { CatalogIndex } from './catalog.js';
import { displayPath } from './files.js';
import { type EvaluatedSite, Linker } from './link.js';
import { PackageVersions } from './packages.js';
import { analyzeWithRules, type EnabledRule, runSiteRules, suppressionSeverity, toFinding as toFindingIn } from './pipeline.js';
import type { Report, RuleModule } from './rule.js';
import { applyDirectives, type Directive, scanDirectives } from './suppress.js';
import type { FileError, Finding, InventorySite, RunResult } from './types.js';
import type { FileSummary } from './values.js';

export interface RunOptions {
  cwd: string;
  /** Absolute paths of the files to report on. */
  files: string[];
  /** Further project files that are analysed for resolution only (never reported). */
  contextFiles?: string[];
  config: ResolvedConfig;
  /** Read a file's content (the default reads the working tree; `--staged` reads the index). */
  readFile?: (file: string) => Buffer;
  /** Filled in for front ends that act on the analysis (the `fix` and `codemod` runner). */
  detail?: RunDetail;
}

export interface RunDetail {
  /** Receives the evaluated sites of the reported files, as the rules saw them. */
  sites?: EvaluatedSite[];
  /** Receives the bytes of every file analysed, exactly as read. */
  sources?: Map<string, Buffer>;
  /** Called before each file is read (progress on a terminal). */
  onFile?(done: number, total: number): void;
}

/** Text of a file as the engine sees it: BOM removed. Null when the file is binary. */
export function decodeSource(buf: Buffer): { text: string; bom: boolean } | null {
  const probe = buf.subarray(0, 8192);
  if (probe.includes(0)) return null;
  let text = buf.toString('utf8');
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  return { text, bom };
}

export const MAX_FILE_BYTES = 4 * 1024 * 1024;

export function buildCatalog(config: ResolvedConfig): CatalogIndex {
  return new CatalogIndex([...builtinModels, ...config.models]);
}

export function enabledRules(config: ResolvedConfig): EnabledRule[] {
  const out: EnabledRule[] = [];
  for (const [id, rule] of rulesById) {
    const s = config.rules.get(id);
    if (!s || s.severity === 'off') continue;
    out.push({ rule, severity: s.severity, options: s.options });
  }
  return out;
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  if (a.messageId !== b.messageId) return a.messageId < b.messageId ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

export async function run(opts: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  const { cwd, config } = opts;
  const catalog = buildCatalog(config);
  const rules = enabledRules(config);
  const reported = new Set(opts.files);
  const all = [...new Set([...opts.files, ...(opts.contextFiles ?? [])])].sort();
  const read = opts.readFile ?? ((f: string) => fs.readFileSync(f));

  const errors: FileError[] = [];
  const findings: Finding[] = [];
  const summaries: FileSummary[] = [];
  const texts = new Map<string, string>();
  const directives = new Map<string, Directive[]>();

  const toFinding = (file: string, rule: RuleModule<any>, severity: 'error' | 'warn', r: Report): Finding => toFindingIn(cwd, file, rule, severity, r);

  let done = 0;
  for (const file of all) {
    opts.detail?.onFile?.(done++, all.length);
    const isReported = reported.has(file);
    const shown = displayPath(cwd, file);
    let buf: Buffer;
    try {
      const st = fs.statSync(file, { throwIfNoEntry: false });
      if (st && st.size > MAX_FILE_BYTES && !opts.readFile) {
        if (isReported) errors.push({ file: shown, message: `skipped: file is ${(st.size / 1048576).toFixed(1)} MB, over the 4 MB limit for source files (generated or bundled code?)` });
        continue;
      }
      buf = read(file);
    } catch (e) {
      if (isReported) errors.push({ file: shown, message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      continue;
    }
    opts.detail?.sources?.set(file, buf);
    const decoded = decodeSource(buf);
    if (!decoded) {
      if (isReported) errors.push({ file: shown, message: 'skipped: binary content (NUL bytes) in a source file' });
      continue;
    }
    const { text } = decoded;
    const fileFindings: Finding[] = [];
    let analysis;
    try {
      analysis = analyzeWithRules(file, text, {
        catalog,
        rules: isReported ? rules : undefined,
        report: (rule, severity, r) => fileFindings.push(toFinding(file, rule, severity, r)),
      });
    } catch (e) {
      if (isReported) errors.push({ file: shown, message: `internal error while analysing: ${e instanceof RangeError ? 'the file nests too deeply to analyse' : (e as Error).message}` });
      continue;
    }
    if (analysis.parseError) {
      if (isReported) errors.push({ file: shown, message: `parse error at ${analysis.parseError}` });
      continue;
    }
    summaries.push(analysis.summary);
    if (isReported) {
      texts.set(file, text);
      findings.push(...fileFindings);
      const ds = scanDirectives(text);
      if (ds.length) directives.set(file, ds);
    }
  }

  // Link the project and run the project-level rules.
  const versions = new PackageVersions();
  const linked = new Linker(config.project ? summaries : summaries, {
    catalog,
    declaredVersion: (file, pkg) => versions.declared(file, pkg),
    assumedSdks: config.assumedSdks,
  }).link();
  const sites = linked.sites.filter((s) => reported.has(s.file));
  opts.detail?.sites?.push(...sites);
  runSiteRules(rules, catalog, sites, (f) => texts.get(f), (file, rule, severity, r) => findings.push(toFinding(file, rule, severity, r)));

  // Suppressions, per file.
  const known = new Set(rulesById.keys());
  const severityOf = suppressionSeverity(rules);
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) (byFile.get(f.file) ?? byFile.set(f.file, []).get(f.file)!).push(f);
  const final: Finding[] = [];
  for (const file of [...reported].sort()) {
    const shown = displayPath(cwd, file);
    const list = byFile.get(shown) ?? [];
    byFile.delete(shown);
    final.push(...applyDirectives(shown, list, directives.get(file) ?? [], known, severityOf));
  }
  for (const rest of byFile.values()) final.push(...rest);
  final.sort(compareFindings);

  const inventory: InventorySite[] = sites.map((s) => ({
    file: displayPath(cwd, s.file),
    line: s.range.line,
    column: s.range.column,
    endLine: s.range.endLine,
    endColumn: s.range.endColumn,
    kind: s.kind,
    sdk: s.sdk,
    operation: s.operation,
    callee: s.callee,
    wired: s.wired,
    mechanism: s.mechanism,
  }));
  inventory.sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line || a.column - b.column));
  errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { findings: final, errors, sites: inventory, files: opts.files.length, durationMs: Math.round(performance.now() - t0) };
}
