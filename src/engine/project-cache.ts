/**
 * Checking one file's text against a cached view of its project: the engine behind editor front ends
 * (the ESLint plugin), where the same file is checked on every keystroke.
 *
 * A `ProjectCache` holds the per-file summaries of a project's other files, built lazily on the first
 * check and refreshed incrementally: files are stat-ed at most every `statIntervalMs` and re-read only
 * when their size or mtime changed (and re-analysed only when their content did); the file list is
 * re-globbed at most every `listIntervalMs`. The file being checked always uses the text it is given
 * (the editor's buffer), never the disk. The linked project is cached per generation of the summaries,
 * so checking every file of an unchanged project (`eslint .`) links it once.
 *
 * A `Workspace` finds the configuration and the project root for a file, the way the CLI does, and
 * keeps one `ProjectCache` per project.
 */

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { globbySync } from 'globby';
import type ts from 'typescript';
import { upwards } from '../config/root.js';
import { findConfig, loadConfig, parseJson, type ResolvedConfig, resolveConfig, type RuleSetting } from '../config/load.js';
import { type Aliases, aliasesFor } from './aliases.js';
import type { CatalogIndex } from './catalog.js';
import { DEFAULT_IGNORES, displayPath, isSourceFile, SOURCE_EXTENSIONS } from './files.js';
import { type EvaluatedSite, Linker, type ScopeHelper } from './link.js';
import { PackageVersions, repositoryRoot } from './packages.js';
import { absentSdkModule, analyzeWithRules, applySuppressions, buildCatalog, compareFindings, type EnabledRule, linkOptions, reachHits, runSiteRules, selectFileRules, toFinding } from './pipeline.js';
import { LazyProject } from './lazy-project.js';
import { addImplementerEdges, ImportGraph, Prescanner, prefilterEnabled, relevantFiles, type TextScan } from './prescan.js';
import { aliasesHold, resultHolds } from './file-task.js';
import { isRegistered, type Registry } from './registry.js';
import { userCacheDir } from '../user-cache-dir.js';
import { cacheKey, RunCache } from './cache.js';
import { packSummary, unpackSummary } from './packed.js';
import { decodeSource, fileBudget, MAX_FILE_BYTES, minifiedShape } from './run.js';
import { scanDirectives } from './suppress.js';
import type { RuleModule, SiteProject } from './rule.js';
import type { Finding } from './types.js';
import type { FileSummary } from './values.js';

/** The persisted stores to write once more when the process exits: one listener for all of them. */
const toSaveAtExit = new Set<RunCache>();

function saveAtExit(store: RunCache): void {
  if (toSaveAtExit.size === 0) {
    process.once('exit', () => {
      for (const s of toSaveAtExit) {
        try {
          s.save();
        } catch {
          // a full or read-only disk: analysed again next time
        }
      }
    });
  }
  toSaveAtExit.add(store);
}

export interface CacheTiming {
  /** How long the project's files are trusted before they are stat-ed again (ms, default 1000). */
  statIntervalMs?: number;
  /** How long the list of project files is trusted before the project is listed again (ms, default 5000). */
  listIntervalMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

export interface ProjectCacheOptions extends CacheTiming {
  /**
   * Keep the project's summaries between processes, in the user's cache directory, keyed by each file's
   * content (default: on; `TRACEWIRE_EDITOR_CACHE=0` turns it off): an editor or `eslint .` that starts
   * again on an unchanged project does not analyse it again.
   */
  persist?: boolean;
  /** The project root: its source files (minus ignores and .gitignore) inform resolution. */
  root: string;
  config: ResolvedConfig;
  /** The front end's rules and built-in catalog. */
  registry: Registry;
  /** Whether the project's other files inform resolution (default: `config.project`). */
  project?: boolean;
}

export interface CheckFileOptions {
  /** Absolute path of the file. */
  file: string;
  /** Its current text (BOM removed): an editor's buffer may differ from the disk. */
  text: string;
  /**
   * The file's AST when the caller already has it (typescript-eslint's parser services), or a function
   * that gives it, called only when the file needs a walk (most files of a project do not).
   */
  sourceFile?: ts.SourceFile | (() => ts.SourceFile | undefined);
  /** The rules to run, with their severities and options. */
  rules: EnabledRule[];
}

/** A finding with the data its message template was filled with (front ends that format messages themselves need it). */
export interface CheckedFinding extends Finding {
  data?: Record<string, string | number>;
}

export interface CheckFileResult {
  findings: CheckedFinding[];
  /** Why the file was not analysed (syntax error, size, internal error); `findings` is then empty. */
  skipped?: string;
}

interface Entry {
  /** `mtimeMs:size`, or `missing`. */
  stamp: string;
  /** Hash of the decoded text, when the file could be read. */
  hash?: string;
  /** The prescan of the text (with the prefilter), when the file could be read. */
  scan?: TextScan;
  /** The analysis of this text was attempted (it may have failed: a syntax error). */
  analysed?: boolean;
  /** The text, between its scan and the relevance pass of the same revalidation (not read twice). */
  pending?: string;
  /** Ids of the built-in per-file rules whose modules (`needs`) the text names. */
  reach?: string[];
  /** Absent when the file could not be read or parsed (it then informs nothing, as in the CLI), or is not relevant. */
  summary?: FileSummary;
  /** What the scan and the analysis looked up through the path aliases (see `FileAnalysis.aliases`). */
  aliases?: Record<string, string>;
}


const sameList = (a: readonly string[] = [], b: readonly string[] = []) => a.length === b.length && a.every((e, i) => e === b[i]);
const sameScan = (a: TextScan, b: TextScan) => a.root === b.root && sameList(a.edges, b.edges) && sameList(a.implemented, b.implemented);

const hashText = (text: string) => crypto.createHash('sha1').update(text).digest('base64');

function stampOf(file: string): string {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st ? `${st.mtimeMs}:${st.size}` : 'missing';
}

const MAX_OVERLAYS = 4;

export class ProjectCache {
  readonly root: string;
  readonly config: ResolvedConfig;
  readonly registry: Registry;
  readonly project: boolean;
  readonly catalog: CatalogIndex;
  /** Counters, for tests and benchmarks: how much work the cache did. */
  readonly stats = { listings: 0, statPasses: 0, reads: 0, analyses: 0, links: 0, walks: 0 };

  private readonly statIntervalMs: number;
  private readonly listIntervalMs: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  private files: string[] | undefined;
  private listedAt = 0;
  private validatedAt = 0;
  /** Bumped whenever a summary or a package.json changes. */
  private generation = 0;
  private versions: PackageVersions;
  private packageJsons = new Map<string, string>();
  private base: { generation: number; byFile: Map<string, EvaluatedSite[]> } | undefined;
  /** Links with one file's summary replaced by an unsaved text, most recent last. */
  private overlays = new Map<string, EvaluatedSite[]>();
  /** The prefilter (see prescan.ts): only files connected to a catalog module are analysed. */
  private scanner: Prescanner | undefined;
  /** The tsconfig/jsconfig path aliases, replaced when a config changes or files come and go. */
  private aliases: Aliases;
  private aliasesAt = 0;
  /** The relevant files of the disk's state, per generation of the scans. */
  private relevant: Set<string> | undefined;

  constructor(opts: ProjectCacheOptions) {
    this.root = path.resolve(opts.root);
    this.config = opts.config;
    this.registry = opts.registry;
    this.versions = new PackageVersions(repositoryRoot(this.root));
    this.project = opts.project ?? opts.config.project;
    this.catalog = buildCatalog(opts.config, opts.registry);
    this.statIntervalMs = opts.statIntervalMs ?? 1000;
    this.listIntervalMs = opts.listIntervalMs ?? 5000;
    this.now = opts.now ?? (() => performance.now());
    this.aliases = aliasesFor(this.catalog);
    this.aliasesAt = this.now();
    this.scanner = prefilterEnabled() ? new Prescanner(this.catalog, this.aliases) : undefined;
    const persist = (opts.persist ?? true) && process.env.TRACEWIRE_EDITOR_CACHE !== '0' && this.project;
    const dir = persist ? userCacheDir() : undefined;
    if (dir) {
      const id = crypto.createHash('sha1').update(this.root).digest('hex').slice(0, 16);
      const c = this.config;
      const key = cacheKey({ view: 'project', root: this.root, config: { file: c.file, raw: c.raw, models: c.models }, catalog: opts.registry.models });
      this.store = RunCache.load(path.join(dir, `project-${id}.cache`), key, { boundary: dir });
    }
  }

  /** The persisted summaries (see `ProjectCacheOptions.persist`). */
  private readonly store: RunCache | undefined;
  private saveOnExit = false;

  /** Write the persisted summaries now, and once more when the process exits if they change again. */
  private persist(): void {
    const store = this.store;
    if (!store) return;
    try {
      store.save();
    } catch {
      // a full or read-only disk: analysed again next time
    }
    if (!this.saveOnExit) {
      this.saveOnExit = true;
      saveAtExit(store);
    }
  }

  private resetAliases(): void {
    this.aliases = aliasesFor(this.catalog);
    this.aliasesAt = this.now();
    if (this.scanner) this.scanner = new Prescanner(this.catalog, this.aliases);
  }

  /**
   * Without the project, nothing is revalidated: the aliases alone are renewed (within the intervals)
   * when a config changed or the files may have (they resolve a team's own wrapper imported through one).
   */
  private refreshAliasesAlone(): void {
    const age = this.now() - this.aliasesAt;
    if (age >= this.listIntervalMs || (age >= this.statIntervalMs && this.aliases.changed())) this.resetAliases();
  }

  /**
   * Whether a file with this text can hold anything the rules look at (the prefilter): it names a catalog
   * module or is connected to one through imports. Unsaved text that changes the file's imports is
   * judged with the project as it would be once saved.
   */
  private isRelevant(file: string, text: string, rules: EnabledRule[]): boolean {
    // A rule that is not tracewire's own (a front end's) may look at anything.
    if (!this.scanner || rules.some((r) => !isRegistered(this.registry, r.rule))) return true;
    // Brought up to date first: the scan resolves aliased imports with the current aliases.
    if (this.project) this.revalidate();
    const scan = this.scanner!.scan(file, text);
    if (!this.project) return scan.root;
    const disk = this.entries.get(file)?.scan;
    if (disk && sameScan(disk, scan)) return this.relevant!.has(file);
    const scans = new Map<string, TextScan>();
    for (const [f, e] of this.entries) if (e.scan) scans.set(f, e.scan);
    scans.set(file, scan);
    const relevant = relevantFiles(scans, absentSdkModule(this.catalog, this.versions));
    if (!relevant.has(file)) return false;
    // Files the unsaved text connects: their summaries inform the overlay link (others are unaffected).
    for (const f of relevant) if (f !== file) this.ensureSummary(f);
    return true;
  }

  /**
   * Whether a per-file rule may find something in this file, as the CLI decides (file-task.ts and the
   * second phase, project-phase.ts): the text names a call the rule looks at and a module leading to
   * what it looks at, or the file imports a file that does (or that imports one, transitively).
   */
  private needsWalk(file: string, text: string, r: EnabledRule): boolean {
    const importsReach = (id: string) => {
      const carrying = this.carrying(id);
      return this.graph().graph.importsOf(file).some((t) => carrying.has(t));
    };
    return selectFileRules(text, [r], this.catalog, { project: this.project, registry: this.registry, importsReach }).run.length > 0;
  }

  private carried: { generation: number; byRule: Map<string, Set<string>>; graph: ImportGraph } | undefined;

  /** The import graph of the disk's state (per generation). */
  private graph(): NonNullable<ProjectCache['carried']> {
    if (this.carried?.generation === this.generation) return this.carried;
    const graph = new ImportGraph(this.entries.keys(), (f) => this.entries.get(f)!.scan?.edges ?? []);
    addImplementerEdges(graph, [...this.entries].map(([f, e]) => [f, e.scan] as [string, TextScan | undefined]));
    this.carried = { generation: this.generation, byRule: new Map(), graph };
    return this.carried;
  }

  /** Files whose text names the rule's modules, and the files that import one of them, transitively. */
  private carrying(ruleId: string): Set<string> {
    const { graph, byRule } = this.graph();
    let set = byRule.get(ruleId);
    if (set) return set;
    set = new Set<string>();
    for (const [f, e] of this.entries) if (e.reach?.includes(ruleId)) set.add(f);
    byRule.set(ruleId, graph.closure(set, (f) => graph.importersOf(f)));
    return set;
  }

  /**
   * Check one file's text: its per-file rules during one walk, the project-level rules over its sites
   * (linked with the rest of the project), then its suppression comments. Findings are sorted.
   */
  checkFile(opts: CheckFileOptions): CheckFileResult {
    const file = path.resolve(opts.file);
    const { text, rules } = opts;
    if (Buffer.byteLength(text) > MAX_FILE_BYTES) {
      return { findings: [], skipped: `file is over the ${MAX_FILE_BYTES / 1048576} MB limit for source files (generated or bundled code?)` };
    }
    const minified = minifiedShape(text);
    if (minified) return { findings: [], skipped: `looks minified or bundled (${minified})` };
    if (!this.project) this.refreshAliasesAlone();
    // Nothing to analyse (a file with suppression comments is, as in the CLI: an unused one is reported).
    if (!text.includes('tracewire-') && !this.isRelevant(file, text, rules)) return { findings: [] };
    // The file as on disk, analysed already for the project view: when no per-file rule has anything to
    // look at here, its findings are the project-level rules' over the project's link (no second walk).
    if (this.project && this.scanner && !text.includes('tracewire-')) {
      const entry = this.entries.get(file);
      if (entry?.summary && entry.hash === hashText(text) && !rules.some((r) => this.needsWalk(file, text, r))) {
        const findings: CheckedFinding[] = [];
        runSiteRules(
          rules,
          this.catalog,
          this.baseSites().get(file) ?? [],
          (f) => (f === file ? text : undefined),
          (f, rule, severity, r) => {
            if (f === file) findings.push({ ...toFinding(this.root, file, rule, severity, r), ...(r.data ? { data: r.data } : {}) });
          },
          this.siteProject(file, this.baseSites().get(file) ?? []),
        );
        return { findings: findings.sort(compareFindings) };
      }
    }
    // Per-file rules resolve values imported from other project files through the cached summaries.
    const project = this.project ? this.resolver() : undefined;
    const findings: CheckedFinding[] = [];
    const report = (rule: EnabledRule['rule'], severity: 'error' | 'warn', r: Parameters<typeof toFinding>[4]) =>
      findings.push({ ...toFinding(this.root, file, rule, severity, r), ...(r.data ? { data: r.data } : {}) });
    let analysis;
    try {
      this.stats.walks++;
      const sourceFile = typeof opts.sourceFile === 'function' ? opts.sourceFile() : opts.sourceFile;
      analysis = analyzeWithRules(file, text, { catalog: this.catalog, rules, sourceFile, report, budget: fileBudget(), project, aliases: this.aliases });
    } catch (e) {
      return { findings: [], skipped: `analysis stopped: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (analysis.parseError) return { findings: [], skipped: `parse error at ${analysis.parseError}` };

    const sites = this.sitesOf(file, text, analysis.summary);
    runSiteRules(
      rules,
      this.catalog,
      sites,
      (f) => (f === file ? text : undefined),
      (f, rule, severity, r) => {
        if (f === file) report(rule, severity, r);
      },
      this.siteProject(file, sites, analysis.summary),
    );

    const data = new Map<Finding, Record<string, string>>();
    const kept = applySuppressions(displayPath(this.root, file), findings, scanDirectives(text), this.registry, rules, data) as CheckedFinding[];
    for (const f of kept) {
      const d = data.get(f);
      if (d) f.data = d;
    }
    return { findings: kept.sort(compareFindings) };
  }

  private helpers: { generation: number; helpers: ScopeHelper[] } | undefined;

  /** What the project-level rules' fixes ask of the project, for `file` whose sites are `sites` (as linked for its current text). */
  private siteProject(file: string, sites: EvaluatedSite[], summary?: FileSummary): SiteProject {
    let alone: ScopeHelper[] | undefined;
    return {
      declaredVersion: (f, pkg) => this.versions.declared(f, pkg),
      scopeHelpers: () => {
        if (!this.project) return (alone ??= summary ? this.linker([summary]).scopeHelpers() : []);
        if (this.helpers?.generation !== this.generation) {
          const summaries: FileSummary[] = [];
          for (const e of this.entries.values()) if (e.summary) summaries.push(e.summary);
          this.helpers = { generation: this.generation, helpers: this.linker(summaries).scopeHelpers() };
        }
        return this.helpers.helpers;
      },
      sites: () => {
        if (!this.project) return sites;
        const out: EvaluatedSite[] = [...sites];
        for (const [f, list] of this.baseSites()) if (f !== file) out.push(...list);
        return out;
      },
    };
  }

  /** The evaluated sites in `file`, whose current text has `summary`. */
  private sitesOf(file: string, text: string, summary: FileSummary): EvaluatedSite[] {
    if (!this.project) return this.link([summary]).filter((s) => s.file === file);
    this.revalidate();
    const hash = hashText(text);
    const entry = this.entries.get(file);
    if (entry?.summary && entry.hash === hash) return this.baseSites().get(file) ?? [];
    // An unsaved (or unlisted) file: link the project with this text in place of the disk's.
    const key = `${this.generation}\0${file}\0${hash}`;
    let sites = this.overlays.get(key);
    if (!sites) {
      const summaries: FileSummary[] = [summary];
      for (const [f, e] of this.entries) if (f !== file && e.summary) summaries.push(e.summary);
      sites = this.link(summaries).filter((s) => s.file === file);
      this.overlays.set(key, sites);
      if (this.overlays.size > MAX_OVERLAYS) this.overlays.delete(this.overlays.keys().next().value!);
    } else {
      // Most recently used last.
      this.overlays.delete(key);
      this.overlays.set(key, sites);
    }
    return sites;
  }

  private lazy: { generation: number; project: LazyProject } | undefined;

  /** The project's summaries as a resolver for per-file rules (as `run()` gives them a `LazyProject`). */
  private resolver(): LazyProject {
    this.revalidate();
    if (this.lazy?.generation === this.generation) return this.lazy.project;
    const project = new LazyProject(this.files ?? [], this.catalog, undefined, this.aliases);
    for (const e of this.entries.values()) if (e.summary) project.add(e.summary);
    this.lazy = { generation: this.generation, project };
    return project;
  }

  private baseSites(): Map<string, EvaluatedSite[]> {
    if (this.base?.generation === this.generation) return this.base.byFile;
    const byFile = new Map<string, EvaluatedSite[]>();
    const summaries: FileSummary[] = [];
    for (const e of this.entries.values()) if (e.summary) summaries.push(e.summary);
    for (const s of this.link(summaries)) (byFile.get(s.file) ?? byFile.set(s.file, []).get(s.file)!).push(s);
    this.base = { generation: this.generation, byFile };
    return byFile;
  }

  private link(summaries: FileSummary[]): EvaluatedSite[] {
    this.stats.links++;
    return this.linker(summaries).link().sites;
  }

  private linker(summaries: FileSummary[]): Linker {
    return new Linker(summaries, linkOptions(this.catalog, this.config, summaries, this.versions, this.root, this.aliases));
  }

  /** Bring the summaries up to date with the disk, within the configured intervals. */
  private revalidate(): void {
    const now = this.now();
    const relist = this.files === undefined || now - this.listedAt >= this.listIntervalMs;
    if (!relist && now - this.validatedAt < this.statIntervalMs) return;
    let changed = false;
    if (this.aliases.changed()) {
      // A tsconfig/jsconfig changed: every file is read and analysed again with the new aliases (rare).
      this.resetAliases();
      this.entries.clear();
      this.relevant = undefined;
      changed = true;
    }
    if (relist) {
      const before = this.files;
      this.files = this.listProjectFiles();
      this.listedAt = now;
      if (before && (before.length !== this.files.length || before.some((f, i) => f !== this.files![i]))) {
        // Files came or went: an alias may name another file now. Files whose answers changed are read again.
        this.resetAliases();
        for (const [f, e] of this.entries) {
          if (e.aliases && !aliasesHold({ file: f, aliases: e.aliases }, this.aliases)) {
            e.stamp = '';
            e.hash = undefined;
          }
        }
      }
    }
    this.validatedAt = now;
    this.stats.statPasses++;
    const listed = new Set(this.files);
    for (const f of this.entries.keys()) {
      if (!listed.has(f)) {
        this.entries.delete(f);
        changed = true;
      }
    }
    for (const f of this.files!) if (this.refresh(f)) changed = true;
    if (changed || !this.relevant) this.updateRelevance();
    if (changed) this.persist();
    if (this.refreshPackageJsons(relist)) {
      this.versions = new PackageVersions(repositoryRoot(this.root));
      changed = true;
    }
    if (changed) {
      this.generation++;
      this.overlays.clear();
    }
  }

  /** A project file's text as the engine sees it (BOM removed), or null when it cannot be read or is binary. */
  private read(file: string): { text: string } | null {
    try {
      this.stats.reads++;
      return decodeSource(fs.readFileSync(file));
    } catch {
      return null;
    }
  }

  /** Re-read a file whose stamp changed; true when its summary changed. */
  private refresh(file: string): boolean {
    let stamp: string;
    try {
      const st = fs.statSync(file, { throwIfNoEntry: false });
      // Not a regular file (a FIFO or a device behind a source name): never read, like `run()`.
      stamp = st?.isFile() ? `${st.mtimeMs}:${st.size}` : 'missing';
    } catch {
      stamp = 'missing';
    }
    const prev = this.entries.get(file);
    if (prev && prev.stamp === stamp) return false;
    const entry: Entry = { stamp };
    this.entries.set(file, entry);
    const size = stamp === 'missing' ? 0 : Number(stamp.slice(stamp.indexOf(':') + 1));
    if (stamp === 'missing' || size > MAX_FILE_BYTES) return !!prev?.summary;
    const decoded = this.read(file);
    if (!decoded || minifiedShape(decoded.text)) return !!prev?.summary;
    entry.hash = hashText(decoded.text);
    if (prev?.hash === entry.hash) {
      // Touched or saved unchanged: the summary still holds.
      entry.scan = prev.scan;
      entry.reach = prev.reach;
      entry.analysed = prev.analysed;
      entry.summary = prev.summary;
      entry.aliases = prev.aliases;
      return false;
    }
    if (this.scanner) {
      entry.scan = this.scanner.scan(file, decoded.text);
      entry.reach = reachHits(decoded.text, this.registry.rules.values(), this.catalog);
      if (entry.scan.aliases) entry.aliases = { ...entry.scan.aliases };
      // A file that names a catalog module is relevant; the others once the project's relevant files are known (`updateRelevance`).
      if (entry.scan.root || !this.project) this.analyse(entry, file, decoded.text);
      else entry.pending = decoded.text;
      return true;
    }
    this.analyse(entry, file, decoded.text);
    return true;
  }

  private analyse(entry: Entry, file: string, text: string): void {
    entry.analysed = true;
    const hash = entry.hash ?? hashText(text);
    // A summary stored under other path aliases (a tsconfig edited since) is not this file's any more, nor
    // one made while nothing imported the file (the editor's files import and stop importing as one types).
    const stored = this.store?.get(file, hash, false, (r) => resultHolds(r, this.aliases, false));
    if (stored) {
      if (stored.summary) entry.summary = unpackSummary(stored.summary);
      if (stored.aliases) entry.aliases = { ...entry.aliases, ...stored.aliases };
      return;
    }
    try {
      this.stats.analyses++;
      const a = analyzeWithRules(file, text, { catalog: this.catalog, budget: fileBudget(), aliases: this.aliases });
      if (a.aliases) entry.aliases = { ...entry.aliases, ...a.aliases };
      if (!a.parseError) entry.summary = a.summary;
      this.store?.set(file, hash, a.parseError ? { file, error: `parse error at ${a.parseError}` } : { file, summary: packSummary(a.summary), ...(a.aliases ? { aliases: a.aliases } : {}) });
    } catch {
      // A file the analyser cannot handle informs nothing (the CLI skips it the same way).
    }
  }

  /** The summary of a listed file that was not analysed yet (read again: only its stamp and hash were kept). */
  private ensureSummary(file: string): void {
    const entry = this.entries.get(file);
    if (!entry || entry.analysed || !entry.scan) return;
    if (entry.pending !== undefined) {
      const text = entry.pending;
      entry.pending = undefined;
      this.analyse(entry, file, text);
      return;
    }
    const decoded = this.read(file);
    // Changed on disk since it was scanned: the next revalidation reads it again.
    if (!decoded || hashText(decoded.text) !== entry.hash) return;
    this.analyse(entry, file, decoded.text);
  }

  /** The relevant files of the disk's state; analyse those not analysed yet, drop the others' summaries. */
  private updateRelevance(): void {
    if (!this.scanner) return;
    const scans = new Map<string, TextScan>();
    for (const [f, e] of this.entries) if (e.scan) scans.set(f, e.scan);
    const relevant = this.project ? relevantFiles(scans, absentSdkModule(this.catalog, this.versions)) : new Set([...scans].filter(([, s]) => s.root).map(([f]) => f));
    this.relevant = relevant;
    for (const [f, e] of this.entries) {
      if (relevant.has(f)) this.ensureSummary(f);
      else if (e.analysed) {
        e.summary = undefined;
        e.analysed = false;
      }
      e.pending = undefined;
    }
  }

  /** The package.json files that declared versions are read from (every ancestor of a project directory). */
  private refreshPackageJsons(relist: boolean): boolean {
    if (relist) {
      const dirs = new Set<string>();
      for (const f of this.files!) {
        for (let d = path.dirname(f); !dirs.has(d); d = path.dirname(d)) {
          dirs.add(d);
          if (path.dirname(d) === d) break;
        }
      }
      const next = new Map<string, string>();
      for (const d of dirs) next.set(d, this.packageJsons.get(d) ?? '');
      this.packageJsons = next;
    }
    let changed = false;
    for (const [dir, prev] of this.packageJsons) {
      let stamp: string;
      try {
        stamp = stampOf(path.join(dir, 'package.json'));
      } catch {
        stamp = 'missing';
      }
      if (stamp !== prev) {
        if (prev !== '') changed = true;
        this.packageJsons.set(dir, stamp);
      }
    }
    return changed;
  }

  /** The project's source files, as `tracewire check` in the root would list them. */
  private listProjectFiles(): string[] {
    this.stats.listings++;
    const found = globbySync(`**/*.{${SOURCE_EXTENSIONS.join(',')}}`, {
      cwd: this.root,
      absolute: true,
      onlyFiles: true,
      dot: true,
      followSymbolicLinks: false,
      gitignore: true,
      ignore: [...DEFAULT_IGNORES, ...this.config.ignores],
      suppressErrors: true,
    });
    return [...new Set(found.filter(isSourceFile).map((f) => path.resolve(f)))].sort();
  }
}

export interface WorkspaceSettings {
  /** A tracewire configuration file (relative to `cwd`), instead of looking for one from the checked file upwards. */
  configFile?: string;
  /**
   * The project root (relative to `cwd`); default: the configuration's directory, else the repository's
   * root, else (outside a repository) the nearest package.json's directory.
   */
  projectRoot?: string;
  /** Whether the project's other files inform resolution (default: the configuration's `project`, true). */
  project?: boolean;
}

/** A rule a front end wants to run, with the options its own configuration sets on top of tracewire's (if any). */
export interface RuleRequest {
  rule: RuleModule<any>;
  options?: Record<string, unknown>;
}

interface ConfigSource {
  file?: string;
  /** The configuration object (a package.json's `tracewire` key), undefined without a file. */
  data: unknown;
  raw: string;
  /** Directory names resolve against without a file; the label's base. */
  cwd: string;
  /** Stamp of the tracing schema the configuration names, so an edit of it re-resolves the rules. */
  schemaStamp: string;
}

export class ProjectContext {
  private readonly effective = new Map<string, Map<string, RuleSetting>>();

  constructor(
    readonly root: string,
    readonly config: ResolvedConfig,
    readonly cache: ProjectCache,
    private readonly source: ConfigSource,
  ) {}

  get schemaStamp(): string {
    return this.source.schemaStamp;
  }

  /**
   * The rules to run for the requests, in catalog order, with their severities and prepared options.
   * A rule the configuration turns off explicitly stays off (the editor agrees with the CLI); options a
   * request sets are merged over the configuration's and validated and prepared like them.
   */
  rulesFor(requests: RuleRequest[]): EnabledRule[] {
    const wanted = new Map<string, RuleRequest>();
    const foreign: EnabledRule[] = [];
    for (const r of requests) {
      const { id, severity, defaultOptions } = r.rule.meta;
      if (!isRegistered(this.cache.registry, r.rule)) {
        // A rule the configuration cannot name: its defaults and the front end's options.
        foreign.push({ rule: r.rule, severity, options: { ...(defaultOptions as object), ...(r.options ?? {}) } });
        continue;
      }
      const setting = this.config.rules.get(id);
      if (setting?.severity === 'off' && setting.explicit) continue;
      wanted.set(id, r);
    }
    const needsResolve = [...wanted.values()].some((r) => (r.options && Object.keys(r.options).length > 0) || this.config.rules.get(r.rule.meta.id)?.severity === 'off');
    const settings = needsResolve ? this.resolveWith([...wanted.values()]) : this.config.rules;
    const out: EnabledRule[] = [];
    for (const [id, rule] of this.cache.registry.rules) {
      if (!wanted.has(id)) continue;
      const s = settings.get(id);
      out.push({ rule, severity: s && s.severity !== 'off' ? s.severity : rule.meta.severity, options: s?.options ?? rule.meta.defaultOptions });
    }
    return [...out, ...foreign];
  }

  private resolveWith(requests: RuleRequest[]): Map<string, RuleSetting> {
    const key = JSON.stringify(requests.map((r) => [r.rule.meta.id, r.options ?? null]).sort());
    let settings = this.effective.get(key);
    if (settings) return settings;
    const base = (this.source.data ?? {}) as { rules?: Record<string, unknown> };
    const rules: Record<string, unknown> = { ...(base.rules ?? {}) };
    for (const r of requests) {
      const id = r.rule.meta.id;
      const entry = rules[id];
      const [sev, opts] = Array.isArray(entry) ? entry : [entry, undefined];
      const on = sev === undefined || sev === 'off' || sev === 0 ? 'error' : sev;
      // Over the rule's defaults, so a rule the configuration never set validates with its defaults.
      rules[id] = [on, { ...(r.rule.meta.defaultOptions as object), ...((opts as object | undefined) ?? {}), ...(r.options ?? {}) }];
    }
    settings = resolveConfig({ ...base, rules }, this.source.file, this.cache.registry.rules, this.source.raw, this.source.cwd).rules;
    if (this.effective.size >= 8) this.effective.delete(this.effective.keys().next().value!);
    this.effective.set(key, settings);
    return settings;
  }
}

function sameConfig(a: ResolvedConfig, b: ResolvedConfig): boolean {
  return a.file === b.file && a.raw === b.raw;
}

interface Timed<T> {
  at: number;
  value: T;
}

type Found = { file: string; data: unknown; raw: string } | undefined;

/** Configurations and project caches for the files an editor or ESLint checks; everything it reads from disk is revalidated on the cache's intervals. */
export class Workspace {
  private readonly timing: Required<CacheTiming>;
  private readonly found = new Map<string, Timed<Found>>();
  private readonly packageDirs = new Map<string, Timed<string | undefined>>();
  /** Resolved configurations by config file (or, without one, by directory), with what they were resolved from. */
  private readonly configs = new Map<string, Timed<{ source: ConfigSource; config: ResolvedConfig; stamp: string }>>();
  private readonly projects = new Map<string, ProjectContext>();

  constructor(
    /** The front end's rules and built-in catalog. */
    readonly registry: Registry,
    timing: CacheTiming = {},
  ) {
    this.timing = { statIntervalMs: timing.statIntervalMs ?? 1000, listIntervalMs: timing.listIntervalMs ?? 5000, now: timing.now ?? (() => performance.now()) };
  }

  /** The configuration and project cache for a file. Throws `ConfigError` when the configuration is invalid. */
  projectFor(file: string, cwd: string, settings: WorkspaceSettings = {}): ProjectContext {
    const dir = path.dirname(path.resolve(cwd, file));
    const { source, config } = settings.configFile ? this.explicitConfig(path.resolve(cwd, settings.configFile), cwd) : this.foundConfig(dir);
    // As the CLI: the configuration's folder, else the repository, else (outside one) the nearest package.
    const root = settings.projectRoot ? path.resolve(cwd, settings.projectRoot) : config.root;
    const project = settings.project ?? config.project;
    const key = `${root}\0${config.file ?? ''}\0${project}`;
    const existing = this.projects.get(key);
    // Without a configuration file every directory resolves the defaults on its own: same content, same project.
    if (existing && (existing.config === config || (sameConfig(existing.config, config) && existing.schemaStamp === source.schemaStamp))) return existing;
    const context = new ProjectContext(root, config, new ProjectCache({ root, config, registry: this.registry, project, ...this.timing }), source);
    this.projects.set(key, context);
    return context;
  }

  private fresh(t: Timed<unknown> | undefined): boolean {
    return !!t && this.timing.now() - t.at < this.timing.statIntervalMs;
  }

  private schemaStamp(config: ResolvedConfig): string {
    if (!config.tracingSchema) return '';
    try {
      return stampOf(config.tracingSchema);
    } catch {
      return 'missing';
    }
  }

  /** A cached resolution that still holds for `stamp` (the config's raw text or file stamp) and its tracing schema. */
  private cached(key: string, stamp: string) {
    const c = this.configs.get(key);
    if (!c || c.value.stamp !== stamp || this.schemaStamp(c.value.config) !== c.value.source.schemaStamp) return undefined;
    c.at = this.timing.now();
    return c.value;
  }

  private store(key: string, source: Omit<ConfigSource, 'schemaStamp'>, config: ResolvedConfig, stamp: string) {
    const value = { source: { ...source, schemaStamp: this.schemaStamp(config) }, config, stamp };
    this.configs.set(key, { at: this.timing.now(), value });
    return value;
  }

  private foundConfig(dir: string): { source: ConfigSource; config: ResolvedConfig } {
    let f = this.found.get(dir);
    const refreshed = !f || !this.fresh(f);
    if (refreshed) {
      f = { at: this.timing.now(), value: findConfig(dir) };
      this.found.set(dir, f);
    }
    const found = f!.value;
    const key = found ? found.file : `\0${this.packageDir(dir) ?? dir}`;
    const raw = found?.raw ?? '';
    const hit = this.configs.get(key);
    if (hit && !refreshed && hit.value.stamp === raw) return hit.value;
    const again = this.cached(key, raw);
    if (again) return again;
    // Without a configuration file, the defaults apply; relative references resolve against the project root.
    const cwd = found ? path.dirname(found.file) : (this.packageDir(dir) ?? dir);
    const config = resolveConfig(found?.data, found?.file, this.registry.rules, raw, cwd);
    return this.store(key, { file: found?.file, data: found?.data, raw, cwd }, config, raw);
  }

  private explicitConfig(file: string, cwd: string): { source: ConfigSource; config: ResolvedConfig } {
    const key = `explicit\0${file}`;
    const t = this.configs.get(key);
    if (t && this.fresh(t)) return t.value;
    let stamp: string;
    try {
      stamp = stampOf(file);
    } catch {
      stamp = 'missing';
    }
    const again = stamp === 'missing' ? undefined : this.cached(key, stamp);
    if (again) return again;
    const config = loadConfig({ cwd, configFile: file, rules: this.registry.rules });
    const raw = fs.readFileSync(file, 'utf8');
    const data = parseJson(raw, file);
    const inner = file.endsWith('package.json') ? (data as Record<string, unknown>).tracewire : data;
    return this.store(key, { file, data: inner, raw, cwd }, config, stamp);
  }

  private packageDir(dir: string): string | undefined {
    const t = this.packageDirs.get(dir);
    if (t && this.fresh(t)) return t.value;
    let found: string | undefined;
    // Up to the repository root: a package.json above the repository never makes its folder the project.
    for (const d of upwards(dir)) {
      if (fs.existsSync(path.join(d, 'package.json'))) {
        found = d;
        break;
      }
    }
    this.packageDirs.set(dir, { at: this.timing.now(), value: found });
    return found;
  }
}
