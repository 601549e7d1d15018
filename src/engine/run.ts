/**
 * A run: read and analyse every file (one parse, one walk each), link the project, run the rules,
 * apply suppressions, and return findings, errors and the inventory, sorted.
 */

import fs from 'node:fs';
import type { ResolvedConfig } from '../config/load.js';
import { type ChangeSet, RegistrationScan, textAffected, valueAffected } from './affected.js';
import { type Aliases, aliasesFor } from './aliases.js';
import { displayPath } from './files.js';
import { type EvaluatedSite, Linker, type LinkOptions, type ScopeHelper } from './link.js';
import { PackageVersions, repositoryRoot } from './packages.js';
import { ProcessModel } from './processes.js';
import { cacheKey, contentHash, RunCache, runDigest } from './cache.js';
import { aliasesHold, decodeSource, type FileResult, fileBudget, type TaskContext } from './file-task.js';
import { readRegularFile } from '../safe-fs.js';
import { analyzeFiles, prescanFiles, WorkerPool, workerInit } from './parallel.js';
import { Prescanner, prefilterEnabled, relevantFiles, scanGraph, type TextScan, unimportedFiles } from './prescan.js';
import { packSummary, unpackSummary } from './packed.js';
import { secondPhase } from './project-phase.js';
import { absentSdkModule, analyzeWithRules, applySuppressions, buildCatalog, compareFindings, type EnabledRule, enabledRules, linkOptions, runCacheKey, runSiteRules, toFinding as toFindingIn } from './pipeline.js';
import type { Registry } from './registry.js';
import type { ProjectInput, Report, RuleModule, SiteProject } from './rule.js';
import { type Directive, scanLineDirectives } from './suppress.js';
import { isInputFile, type ObservabilitySettings } from '../config/observability.js';
import type { FileError, Finding, InventorySite, RunResult } from './types.js';
import type { FileSummary } from './values.js';

export interface RunOptions {
  cwd: string;
  /** Absolute paths of the files to report on. */
  files: string[];
  /** Further project files that are analysed for resolution only (never reported). */
  contextFiles?: string[];
  config: ResolvedConfig;
  /** The rules and built-in catalog the front end runs (tracewire's own: `rules/registry.ts`). */
  registry: Registry;
  /** Read a file's content (the default reads the working tree; `--staged` reads the index). */
  readFile?: (file: string) => Buffer;
  /** Filled in for front ends that act on the analysis (the `fix` and `codemod` runner). */
  detail?: RunDetail;
  /**
   * Budget per file in steps of work (default: `TRACEWIRE_FILE_BUDGET`, else `DEFAULT_FILE_BUDGET`): a file
   * whose analysis needs more is dropped and reported in `errors`, so a pathological file cannot hang a
   * hook. Steps, not time: the same files are dropped on any machine and under any load.
   */
  fileBudget?: number;
  /** Worker threads for the per-file phase (`--workers`; 0 or absent: this thread). */
  workers?: number;
  /** Reuse and update the per-file results stored in this file (`--cache`). */
  cacheFile?: string;
  /**
   * Observability files (dashboards, alert rules; absolute paths) to report on although they are only
   * context, when a reported source file contributes what they are checked against (it defines metrics):
   * a change to the code can break a dashboard nobody touched (`--staged`, `--changed-since`).
   */
  inputsFollowCode?: string[];
  /**
   * What changed (`check --staged`, `--changed-since`, `--affected`): besides `files`, every project file
   * whose findings may depend on a change is reported (see affected.ts). `scopeKey` names what decides
   * `inScope` (the command line's paths and ignores), for the cache of whole results.
   */
  changes?: ChangeSet & { scopeKey: string };
  /**
   * Run the per-file rules on the project's other files too (their findings are not reported): with a
   * cache, their results then serve whichever files a later run reports (gate runs, whose affected files
   * change from commit to commit).
   */
  checkContext?: boolean;
}

export interface RunDetail {
  /** Receives the evaluated sites of the reported files, as the rules saw them. */
  sites?: EvaluatedSite[];
  /** Receives the project view the rules' fixes saw (codemods build the same edits). */
  project?: (project: SiteProject) => void;
  /** Receives the bytes of every file analysed, exactly as read. */
  sources?: Map<string, Buffer>;
  /** Called before each file is read (progress on a terminal). */
  onFile?(done: number, total: number): void;
  /** Receives the files the second phase analysed again (see project-phase.ts), sorted. */
  analysedAgain?: string[];
}

// The per-file phase lives in file-task.ts (it also runs in worker threads); its helpers are re-exported here.
export { DEFAULT_FILE_BUDGET, decodeSource, fileBudget, MAX_FILE_BYTES, minifiedShape } from './file-task.js';

// The orchestration shared with the editor (rule selection, prefilter, linking, suppressions) lives in pipeline.ts.
export { buildCatalog, compareFindings, enabledRules, linkOptions, runCacheKey } from './pipeline.js';

/** The observability settings when an enabled rule checks observability files (`checkProject`), else undefined. */
export function inputSettings(config: ResolvedConfig, registry: Registry): ObservabilitySettings | undefined {
  for (const [id, rule] of registry.rules) {
    const s = config.rules.get(id);
    if (rule.checkProject && s && s.severity !== 'off') return config.observability;
  }
  return undefined;
}


/** The cache key under which a changed file's summary before the change is kept. */
const previousKey = (file: string) => `${file}\0before`;

/** What, besides the files and their hashes, decides the reported files of a run with changes. */
function changesKey(changes: RunOptions['changes']): string | undefined {
  if (!changes) return undefined;
  const previous = [...(changes.previous ?? new Map<string, Buffer>())].sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, b]) => [f, contentHash(b)]);
  return JSON.stringify({ changed: [...changes.changed].sort(), deleted: [...(changes.deleted ?? [])].sort(), dirs: [...(changes.dirs ?? [])].sort(), all: !!changes.all, previous, scope: changes.scopeKey });
}





export async function run(opts: RunOptions): Promise<RunResult> {
  // Worker threads started ahead of the per-file phase end with the run, whatever way it ends.
  const pools: WorkerPool[] = [];
  try {
    return await runOnce(opts, pools);
  } finally {
    for (const p of pools) p.close();
  }
}

async function runOnce(opts: RunOptions, pools: WorkerPool[]): Promise<RunResult> {
  const t0 = performance.now();
  const timingOn = !!process.env.TRACEWIRE_TIMING;
  if (timingOn) {
    const cpu = process.cpuUsage();
    process.stderr.write(`tracewire: run starts (process: ${Math.round(process.uptime() * 1000)} ms, ${Math.round((cpu.user + cpu.system) / 1000)} ms CPU)\n`);
  }
  const { cwd, config } = opts;
  const { registry } = opts;
  const catalog = buildCatalog(config, registry);
  const rules = enabledRules(config, registry);
  const reported = new Set(opts.files);
  // Observability files (YAML, JSON) are inputs of the project rules, never parsed as source code.
  const everything = [...new Set([...opts.files, ...(opts.contextFiles ?? []), ...(opts.changes?.changed ?? [])])].sort();
  const projectRules = rules.filter((r) => r.rule.checkProject);
  const inputFiles = everything.filter(isInputFile);
  const all = everything.filter((f) => !isInputFile(f));
  const collectors = projectRules.filter((r) => r.rule.collectFacts && (r.rule.wantsFacts?.({ inputs: inputFiles.length }) ?? true));
  const read = opts.readFile ?? ((f: string) => fs.readFileSync(f));
  const budget = fileBudget(opts.fileBudget);

  const errors: FileError[] = [];
  const findings: Finding[] = [];
  const summaries: FileSummary[] = [];
  /** Rule id → file → the facts its collector emitted there. */
  const factsByRule = new Map<string, Map<string, unknown[]>>();
  const directives = new Map<string, Directive[]>();

  const toFinding = (file: string, rule: RuleModule<any>, severity: 'error' | 'warn', r: Report): Finding => toFindingIn(cwd, file, rule, severity, r);

  // The per-file phase (read, parse, walk, per-file rules, suppression comments): from the cache, in
  // this thread or in worker threads; then the per-file rules that need the rest of the project.
  const sources = opts.detail?.sources;
  // Path aliases (tsconfig/jsconfig `paths`, `baseUrl`): aliased imports name project files like relative ones.
  const aliases = aliasesFor(catalog);
  const ctx: TaskContext = { cwd, catalog, rules, registry, budget, project: config.project, readFile: opts.readFile, onBuffer: sources ? (f, b) => sources.set(f, b) : undefined, aliases, collectors };
  const cache = opts.cacheFile ? RunCache.load(opts.cacheFile, runCacheKey(config, rules, cwd, registry, collectors, budget)) : undefined;
  const inputs = readInputs(projectRules.length ? inputFiles : [], read);
  // With a cache, every file is read and hashed first: an unchanged project gets the last run's result.
  // The prefilter's scan is made in the same pass (and, for unchanged bytes, taken from the cache).
  const scanner = prefilterEnabled() ? new Prescanner(catalog, aliases) : undefined;
  // The worker threads load the engine while this thread reads and prescans the files. Not with a cache:
  // most files then come from it (a gate's second commit), and a worker started for nothing costs more
  // than the start it would have saved.
  const pool = !cache && (opts.workers ?? 0) > 1 && all.length ? WorkerPool.start(opts.workers! - 1, workerInit(ctx, config, false)) : undefined;
  if (pool) pools.push(pool);
  const hashed = cache ? prescanFiles(all, ctx, { hash: true, scanner, cache }) : undefined;
  const hashOf = (f: string): string => {
    const input = inputs.get(f);
    if (input) return 'error' in input ? `!${input.error}` : contentHash(input.buf);
    const h = hashed!.get(f);
    if (!h) return '-';
    return h.hash ?? `!${h.error!.error}`;
  };
  const digest = hashed && !opts.detail ? runDigest([...all, ...inputFiles].sort(), reported, hashOf, changesKey(opts.changes)) : undefined;
  const previous = digest ? cache!.runResult(digest) : undefined;
  if (previous) return { ...previous, durationMs: Math.round(performance.now() - t0) };
  const timing = timingOn
    ? (phase: string) => {
        const cpu = process.cpuUsage();
        process.stderr.write(`tracewire: ${phase} at ${Math.round(performance.now() - t0)} ms (process: ${Math.round(process.uptime() * 1000)} ms, ${Math.round((cpu.user + cpu.system) / 1000)} ms CPU)\n`);
      }
    : undefined;
  timing?.(`${all.length} files (${reported.size} reported); ${hashed ? 'read and hashed' : 'starting'}`);

  // Changes (the gate): the changed files and the files they affect are reported (see affected.ts). What
  // the texts decide (registrations, the configuration, package.json files) is known before the analysis.
  if (opts.changes) {
    const changedText = (f: string) => {
      try {
        return decodeSource(read(f))?.text;
      } catch {
        return undefined;
      }
    };
    const found = textAffected(opts.changes, all, new RegistrationScan(catalog, new Prescanner(catalog, aliases)), changedText);
    for (const f of found.files) reported.add(f);
    timing?.(`${found.files.size} files affected by registrations or configuration${found.registrations.length ? ` (registrations in ${found.registrations.map((f) => displayPath(cwd, f)).join(', ')})` : ''}`);
  }

  // The prefilter (see prescan.ts): only files connected to a catalog module through imports are analysed.
  let pre = hashed;
  let toAnalyze = all;
  let unimported: Set<string> | undefined;
  const skippedResults: FileResult[] = [];
  if (scanner) {
    pre = hashed ?? prescanFiles(all, ctx, { hash: false, scanner });
    const scans = new Map<string, TextScan>();
    for (const [f, p] of pre) if (p.scan) scans.set(f, p.scan);
    const graph = scanGraph(scans);
    const relevant = relevantFiles(scans, absentSdkModule(catalog, new PackageVersions(repositoryRoot(config.dir ?? cwd))), graph);
    // A reported file with suppression comments is analysed anyway (rare): an unused one is reported,
    // unless the file does not parse, exactly as without the prefilter.
    const keep = (f: string) => relevant.has(f) || !!pre!.get(f)!.error || (reported.has(f) && pre!.get(f)!.mayHaveDirectives !== undefined);
    toAnalyze = all.filter(keep);
    unimported = unimportedFiles(toAnalyze, scans, graph);
    for (const f of all) if (reported.has(f) && !keep(f)) skippedResults.push({ file: f, checked: true });
    timing?.(`prescan done: ${toAnalyze.length} of ${all.length} files to analyse`);
  }
  // The changed files as they were: the last run analysed them so, most of the time, and the cache has their
  // summaries (taken now: this run's results replace them).
  const cachedBefore = new Map<string, FileResult>();
  if (opts.changes && cache) {
    for (const [f, bytes] of opts.changes.previous ?? []) {
      const hash = contentHash(bytes);
      // Or kept aside by an earlier run over the same change (a commit refused, then tried again).
      const hit = cache.get(f, hash, false, (r) => aliasesHold(r, aliases)) ?? cache.get(previousKey(f), hash, false, (r) => aliasesHold(r, aliases));
      if (hit) cachedBefore.set(f, hit);
    }
  }
  const analyzeOpts = { workers: opts.workers ?? 0, cache, config, onFile: opts.detail?.onFile, unimported };
  const analysed = await analyzeFiles(toAnalyze, opts.checkContext ? new Set(toAnalyze) : reported, ctx, { ...analyzeOpts, pool }, pre);
  // (Workers the phase did not need are not kept waiting.)
  pool?.close();
  let results = skippedResults.length ? [...analysed, ...skippedResults].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)) : analysed;
  timing?.('per-file phase done');
  if (opts.changes) {
    // The files the changes affect through values, from the summaries; their per-file rules run now.
    const before = (f: string, bytes: Buffer) => {
      const hit = cachedBefore.get(f);
      if (hit) return hit.summary ? { summary: hit.summary, imports: hit.imports } : undefined;
      const text = decodeSource(bytes)?.text;
      if (text === undefined) return undefined;
      const a = analyzeWithRules(f, text, { catalog, aliases, budget });
      if (a.parseError) return undefined;
      const summary = packSummary(a.summary);
      cache?.set(previousKey(f), contentHash(bytes), { file: f, summary, ...(a.imports?.length ? { imports: a.imports } : {}), ...(a.aliases ? { aliases: a.aliases } : {}) });
      return { summary, imports: a.imports };
    };
    const more = [...valueAffected(opts.changes, results, before)].filter((f) => !reported.has(f) && opts.changes!.inScope(f)).sort();
    for (const f of more) reported.add(f);
    // Their per-file rules run now, unless they already did (`checkContext`).
    const checked = new Set(results.filter((r) => r.checked).map((r) => r.file));
    const unchecked = more.filter((f) => !checked.has(f));
    if (unchecked.length) {
      const again = new Map((await analyzeFiles(unchecked, reported, ctx, analyzeOpts, pre)).map((r) => [r.file, r]));
      results = results.map((r) => again.get(r.file) ?? r);
    }
    timing?.(`${more.length} files affected through values (${unchecked.length} analysed again with their rules)`);
  }
  const unpacked = new Map<string, FileSummary>();
  for (const r of results) if (r.summary) unpacked.set(r.file, unpackSummary(r.summary));
  const second = secondPhase(results, unpacked, all, ctx, read, opts.checkContext ? reported : undefined);
  timing?.(`second phase done (${second.size} files again)`);
  opts.detail?.analysedAgain?.push(...[...second.keys()].sort());
  for (const r of results) {
    const isReported = reported.has(r.file);
    const again = second.get(r.file);
    const error = r.error ?? again?.error;
    if (error) {
      if (isReported) errors.push({ file: displayPath(cwd, r.file), message: error });
      continue;
    }
    const summary = unpacked.get(r.file);
    if (summary) summaries.push(summary);
    const facts = again?.facts ?? (r.deferred ? undefined : r.facts);
    if (facts) for (const [id, list] of Object.entries(facts)) (factsByRule.get(id) ?? factsByRule.set(id, new Map()).get(id)!).set(r.file, list);
    if (!isReported) continue;
    if (r.findings) findings.push(...r.findings);
    if (again) findings.push(...again.findings);
    // Copies: applying marks directives used, and the cache keeps the originals.
    if (r.directives) directives.set(r.file, r.directives.map((d) => ({ ...d })));
  }
  // Texts for the project-level rules' fixes, read again on demand (only files with sites need them).
  const textMemo = new Map<string, string | undefined>();
  const textOf = (f: string): string | undefined => {
    if (!reported.has(f)) return undefined;
    if (!textMemo.has(f)) {
      let t: string | undefined;
      try {
        t = decodeSource(read(f))?.text;
      } catch {
        t = undefined;
      }
      textMemo.set(f, t);
    }
    return textMemo.get(f);
  };

  // Link the project and run the project-level rules.
  const versions = new PackageVersions(repositoryRoot(config.dir ?? cwd));
  const linker = new Linker(summaries, linkOptions(catalog, config, summaries, versions, cwd, aliases, read));
  const linked = linker.link();
  const sites = linked.sites.filter((s) => reported.has(s.file));
  timing?.('link done');
  opts.detail?.sites?.push(...sites);
  let helpers: ScopeHelper[] | undefined;
  const project: SiteProject = {
    declaredVersion: (file, pkg) => versions.declared(file, pkg),
    scopeHelpers: () => (helpers ??= linker.scopeHelpers()),
    sites: () => linked.sites,
  };
  opts.detail?.project?.(project);
  runSiteRules(rules, catalog, sites, textOf, (file, rule, severity, r) => findings.push(toFinding(file, rule, severity, r)), project);

  // Project rules over the collected facts and the observability files.
  let metrics: RunResult['metrics'];
  if (!projectRules.length) {
    for (const file of inputFiles) if (reported.has(file)) errors.push({ file: displayPath(cwd, file), message: 'skipped: not a source file (Prometheus rule files and Grafana dashboards are checked by the rule observability-query-metrics, which is off)' });
  }
  for (const { rule, severity, options } of projectRules) {
    const facts = factsByRule.get(rule.meta.id) ?? new Map<string, unknown[]>();
    // A reported source file that contributes facts makes every input worth reporting on (see `inputsFollowCode`).
    const follow = opts.inputsFollowCode?.length && [...facts.keys()].some((f) => reported.has(f)) ? new Set(opts.inputsFollowCode) : undefined;
    const projectInputs: ProjectInput[] = [];
    for (const file of inputFiles) {
      const input = inputs.get(file)!;
      const isReported = reported.has(file) || !!follow?.has(file);
      if ('error' in input) {
        if (isReported) errors.push({ file: displayPath(cwd, file), message: input.error });
        continue;
      }
      if (isReported && !reported.has(file)) reported.add(file);
      projectInputs.push({ file, text: input.text, reported: isReported });
      if (isReported && !directives.has(file)) {
        const ds = scanLineDirectives(input.text, '#');
        if (ds.length) directives.set(file, ds);
      }
    }
    const inputErrors = new Set<string>();
    rule.checkProject!({
      options,
      catalog,
      cwd,
      config,
      facts,
      declaredVersion: (file, pkg) => versions.declared(file, pkg),
      inputs: projectInputs,
      readText: (file) => {
        try {
          const st = fs.statSync(file, { throwIfNoEntry: false });
          if (!st?.isFile() || st.size > MAX_INPUT_BYTES) return undefined;
          return decodeSource(read(file))?.text;
        } catch {
          return undefined;
        }
      },
      report: (file, r) => findings.push(toFinding(file, rule, severity, r)),
      fileError: (file, message) => {
        if (!reported.has(file) || inputErrors.has(file)) return;
        inputErrors.add(file);
        errors.push({ file: displayPath(cwd, file), message });
      },
      inventory: (data) => {
        metrics = data as RunResult['metrics'];
      },
    });
  }

  // Suppressions, per file.
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) (byFile.get(f.file) ?? byFile.set(f.file, []).get(f.file)!).push(f);
  const final: Finding[] = [];
  for (const file of [...reported].sort()) {
    const shown = displayPath(cwd, file);
    const list = byFile.get(shown) ?? [];
    byFile.delete(shown);
    final.push(...applySuppressions(shown, list, directives.get(file) ?? [], registry, rules));
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
    ...(s.provider ? { provider: s.provider } : {}),
    ...(s.url ? { url: s.url } : {}),
    wired: s.wired,
    mechanism: s.mechanism,
    state: s.wired ? 'wired' : s.unknown ? 'unknown' : 'unwired',
    ...(s.unknown ? { reason: s.unknown } : s.lacking ? { reason: `runs in ${s.lacking}, which never initialises tracing for it` } : {}),
    evidence: s.evidence,
  }));
  inventory.sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line || a.column - b.column));
  errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  const result: RunResult = { findings: final, errors, sites: inventory, ...(metrics ? { metrics } : {}), files: reported.size, durationMs: Math.round(performance.now() - t0) };
  if (opts.changes) result.reported = [...reported].map((f) => displayPath(cwd, f)).sort();
  timing?.('rules and suppressions done');
  if (cache) {
    // A result that depends on a read failure is not the project's to keep.
    const transient = results.some((r) => r.transient) || [...second.values()].some((r) => r.error);
    if (digest && !transient) {
      // Every file's governing tsconfig/jsconfig, wherever the analysis ran (workers look them up on their own).
      aliases.consultFor(all);
      cache.setRunResult(digest, versions.consultedDirs(), { ...result, durationMs: 0 }, aliases.consultedFiles());
    }
    try {
      cache.save();
    } catch {
      // A cache that cannot be written is only slower next time.
    }
  }
  return result;
}

/** The observability files of a run, read once (the digest of `--cache` and the project rules need them). */
function readInputs(files: string[], read: (file: string) => Buffer): Map<string, { buf: Buffer; text: string } | { error: string }> {
  const out = new Map<string, { buf: Buffer; text: string } | { error: string }>();
  for (const file of files) {
    try {
      const st = fs.statSync(file, { throwIfNoEntry: false });
      if (st && !st.isFile()) {
        out.set(file, { error: 'skipped: not a regular file' });
        continue;
      }
      if (st && st.size > MAX_INPUT_BYTES) {
        out.set(file, { error: `skipped: file is ${(st.size / 1048576).toFixed(1)} MB, over the ${MAX_INPUT_BYTES / 1048576} MB limit for observability files` });
        continue;
      }
      const buf = read(file);
      const decoded = decodeSource(buf);
      if (!decoded) out.set(file, { error: 'skipped: binary content (NUL bytes) where a YAML or JSON file was expected' });
      else out.set(file, { buf, text: decoded.text });
    } catch (e) {
      out.set(file, { error: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    }
  }
  return out;
}

/** Dashboards are larger than source files (a generated dashboard of hundreds of panels): 16 MB. */
const MAX_INPUT_BYTES = 16 * 1024 * 1024;
