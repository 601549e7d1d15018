/**
 * The per-file phase of a run as a task: read one file, analyse it (one parse, one walk, the per-file
 * rules) and return plain, serialisable data. The same function runs in the main thread and in worker
 * threads (`--workers`), and its result is what the cache (`--cache`) stores, so the three paths cannot
 * disagree.
 *
 * Per-file rules may resolve values imported from other project files (a tracer exported from
 * `telemetry.ts`). A task cannot see the other files, so it runs the rules with a resolver that only
 * records whether it was asked: a file whose rules never asked is final; one whose rules asked is
 * `deferred` and run again once every summary is known (`run()`'s second phase). Rules that declare
 * `needs` are not run at all on a file whose text names no module leading to what they look at; the
 * run decides from the project's import graph whether such a file can reach one through its imports.
 */

import fs from 'node:fs';
import type { Aliases } from './aliases.js';
import { FileBudgetError, type ProjectResolver } from './analyze-file.js';
import { isStackOverflow, MAX_NESTING, NestingError } from './nesting.js';
import type { CatalogIndex } from './catalog.js';
import { analyzeWithRules, type EnabledRule, reachHits as reachHitsOf, selectFileRules, toFinding } from './pipeline.js';
import { contentHash } from './cache.js';
import { mayReach } from './reach.js';
import type { Registry } from './registry.js';
import { type Directive, scanDirectives } from './suppress.js';
import type { Finding } from './types.js';
import { type PackedSummary, packSummary } from './packed.js';
import type { AVal, FnSummary } from './values.js';

export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * The default per-file budget, in steps of work (nodes walked and values resolved). Work, not time: a
 * file is skipped or not whatever the machine's speed and load, and whatever the number of workers.
 * Analysis is linear in ordinary code, about 0.1 step per byte: the most of the 9,000 files of this
 * project's dependencies is 166,000 steps (a 1.4 MB bundle chunk), and a 4 MB file (the size limit) of
 * such code takes about 500,000. The budget is ten times that: only analysis that goes superlinear on
 * some construct reaches it.
 */
export const DEFAULT_FILE_BUDGET = 5_000_000;

/** Why bytes that `decodeSource` refuses cannot be analysed. */
export function contentError(file: string, buf: Buffer): FileResult {
  const utf16 = buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff));
  return { file, error: utf16 ? 'skipped: UTF-16 encoded (tracewire reads UTF-8 source files)' : 'skipped: binary content (NUL bytes) in a source file' };
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

/**
 * Minified or bundled code: a file of more than 256 KiB whose lines average more than 500 characters of
 * code (GitHub Linguist calls a file minified from 110). Analysing one costs seconds and hundreds of MB and
 * finds nothing a team can act on. Only code counts: the characters of string and template literals and
 * of comments do not, so a hand-written test holding a large fixture on one line (a base64 image, a
 * recorded response) is analysed like the rest. Returns the shape that gave it away, or undefined.
 */
export function minifiedShape(text: string): string | undefined {
  if (text.length <= 256 * 1024) return undefined;
  let lf = 0;
  let cr = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lf++;
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) cr++;
  // LF, CRLF or old Mac CR line endings.
  const lines = Math.max(lf, cr) + 1;
  const average = text.length / lines;
  if (average <= 500) return undefined;
  const code = text.length - literalChars(text);
  if (code / lines <= 500) return undefined;
  return `${Math.round(text.length / 1024)} KB in ${lines} line${lines === 1 ? '' : 's'}, ${Math.round(average)} characters per line on average`;
}

/**
 * How many characters of `text` are inside string or template literals or comments, by a lexical scan
 * (regular expression literals count as code; a template's substitutions count as literal: an estimate).
 */
function literalChars(text: string): number {
  let n = 0;
  const len = text.length;
  for (let i = 0; i < len; ) {
    const c = text.charCodeAt(i);
    let end = -1;
    if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      end = text.indexOf('\n', i + 2);
      if (end < 0) end = len;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      end = text.indexOf('*/', i + 2);
      end = end < 0 ? len : end + 2;
    } else if (c === 0x22 || c === 0x27 || c === 0x60) {
      // A quote: to the same unescaped quote (a string also ends at a line break).
      let j = i + 1;
      for (; j < len; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) j++;
        else if (d === c) break;
        else if (c !== 0x60 && (d === 0x0a || d === 0x0d)) break;
      }
      end = Math.min(j + 1, len);
    }
    if (end < 0) i++;
    else {
      n += end - i;
      i = end;
    }
  }
  return n;
}

/** The result of a file skipped as minified or bundled, or undefined. */
export function minifiedError(file: string, text: string): FileResult | undefined {
  const minified = minifiedShape(text);
  return minified ? { file, error: `skipped: looks minified or bundled (${minified}); tracewire analyses source code, not build output` } : undefined;
}

/** The per-file budget in steps: the option, else `TRACEWIRE_FILE_BUDGET`, else the default. */
export function fileBudget(option?: number): number {
  if (option !== undefined && option > 0) return option;
  const env = Number(process.env.TRACEWIRE_FILE_BUDGET);
  return Number.isInteger(env) && env > 0 ? env : DEFAULT_FILE_BUDGET;
}

/** Why the analysis of a file stopped, for `errors` (never a stack trace). */
export function analysisFailure(e: unknown, budget: number): string {
  if (e instanceof FileBudgetError) return `skipped: the analysis needed more than the per-file budget of ${budget.toLocaleString('en-US')} steps (set TRACEWIRE_FILE_BUDGET to raise it)`;
  if (e instanceof NestingError) return `skipped: ${e.message}`;
  // A stack overflow the nesting limit did not foresee: the same words (see nesting.ts).
  if (isStackOverflow(e)) return `skipped: the file nests too deeply to analyse (over ${MAX_NESTING} levels of nesting)`;
  return `internal error while analysing: ${e instanceof Error ? e.message : String(e)}`;
}

export interface FileResult {
  file: string;
  /** Why the file could not be analysed (shown when the file is reported). No summary then. */
  error?: string;
  /** The error depends on more than the content (a read failure): never cached. */
  transient?: boolean;
  /** The file's summary, packed (see packed.ts). */
  summary?: PackedSummary;
  /** See `FileAnalysis.imports`. */
  imports?: string[];
  /** See `FileAnalysis.aliases`: the result holds for the same bytes while these answers hold. */
  aliases?: Record<string, string>;
  /** Ids of the rules with `needs` whose modules the text names (for every file: the import graph needs them). */
  hits?: string[];
  /** Reported files: whether the per-file rules ran (a context-only result has no findings to give). */
  checked?: boolean;
  /** Findings of the per-file rules (not yet suppressed); absent when `deferred`. */
  findings?: Finding[];
  /** The per-file rules consulted values of other project files: run them again with the project. */
  deferred?: boolean;
  /** Ids of the rules with `needs` not run here: the text names no module that leads to what they look at. */
  skipped?: string[];
  /** Suppression comments. */
  directives?: Directive[];
  /** Facts of the rules that collect them (`RuleModule.collectFacts`), by rule id; absent when `deferred`. */
  facts?: Record<string, unknown[]>;
  /** Ids of the fact-collecting rules with `needs` not run here (as `skipped`, for reported and context files alike). */
  skippedFacts?: string[];
  /** The content hash of the bytes analysed (when the context asks for it: `--cache`). */
  hash?: string;
  /** The summary was made for a file no other file imported (`AnalyzeOptions.unimported`). */
  unimported?: true;
}

export interface TaskContext {
  cwd: string;
  catalog: CatalogIndex;
  rules: EnabledRule[];
  /** The front end's rules and catalog (`rules` are the enabled ones among them). */
  registry: Registry;
  /** Per-file budget in steps of work (see `DEFAULT_FILE_BUDGET`). */
  budget: number;
  /** The configuration's `project`: per-file rules resolve values of other project files. */
  project: boolean;
  /** Read a file's content (default: the working tree, after checking it is a regular file of sane size). */
  readFile?: (file: string) => Buffer;
  /** Receives the bytes of the file, exactly as read. */
  onBuffer?: (file: string, buf: Buffer) => void;
  /** Put the content hash on the result (`--cache`). */
  hash?: boolean;
  /** The tsconfig/jsconfig path aliases (see aliases.ts). */
  aliases?: Aliases;
  /** Rules whose facts this run collects on every analysed file (`RuleModule.collectFacts`). */
  collectors?: EnabledRule[];
}

/** A resolver that knows no other file and remembers whether it was asked. */
class RecordingResolver implements ProjectResolver {
  readonly recordsOnly = true;
  asked = false;
  resolveRef(_ref: Extract<AVal, { k: 'ref' }>): AVal | undefined {
    this.asked = true;
    return undefined;
  }
  fnSummary(_id: string): FnSummary | undefined {
    this.asked = true;
    return undefined;
  }
}

/** Ids of the rules with `needs` whose modules the text names. */
export function reachHits(text: string, ctx: Pick<TaskContext, 'catalog' | 'rules' | 'collectors'>): string[] {
  return reachHitsOf(text, [...ctx.rules, ...(ctx.collectors ?? []).filter((c) => !c.rule.createVisitor)], ctx.catalog);
}

/** Read the file as the run does: regular files of at most 4 MB (a custom reader, `--staged`, is trusted). */
function readChecked(file: string, ctx: TaskContext): { buf: Buffer } | { error: string; transient?: boolean } {
  try {
    if (!ctx.readFile) {
      const st = fs.statSync(file, { throwIfNoEntry: false });
      // A FIFO or a device behind a source file name (a symlink to /dev/zero) would block or never end.
      if (st && !st.isFile()) return { error: 'skipped: not a regular file' };
      if (st && st.size > MAX_FILE_BYTES) return { error: `skipped: file is ${(st.size / 1048576).toFixed(1)} MB, over the 4 MB limit for source files (generated or bundled code?)` };
    }
    const buf = ctx.readFile ? ctx.readFile(file) : fs.readFileSync(file);
    if (buf.length > MAX_FILE_BYTES) return { error: `skipped: file is ${(buf.length / 1048576).toFixed(1)} MB, over the 4 MB limit for source files (generated or bundled code?)` };
    return { buf };
  } catch (e) {
    return { error: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, transient: true };
  }
}

/** Whether a result's alias answers (see `FileAnalysis.aliases`) are still what the aliases say: a stored result serves only then. */
export function aliasesHold(r: FileResult, aliases: Aliases | undefined): boolean {
  if (!r.aliases) return true;
  for (const [spec, answer] of Object.entries(r.aliases)) if ((aliases?.resolve(r.file, spec) ?? '') !== answer) return false;
  return true;
}

/**
 * Whether a stored result serves this run: the path aliases it looked up still answer the same, and a
 * summary made for a file nothing imported serves only while nothing does (`FileResult.unimported`).
 */
export function resultHolds(r: FileResult, aliases: Aliases | undefined, unimported: boolean): boolean {
  return (!r.unimported || unimported) && aliasesHold(r, aliases);
}

/**
 * The per-file phase of one file. `reported`: run the per-file rules (else: resolution only);
 * `unimported`: no other file imports this one (see `AnalyzeOptions.unimported`).
 */
export function runFileTask(file: string, reported: boolean, ctx: TaskContext, content?: Buffer, unimported?: boolean): FileResult {
  let buf: Buffer;
  if (content) buf = content;
  else {
    const r = readChecked(file, ctx);
    if ('error' in r) return { file, error: r.error, ...(r.transient ? { transient: true } : {}) };
    buf = r.buf;
  }
  ctx.onBuffer?.(file, buf);
  const result = analyzeContent(file, buf, reported, ctx, unimported);
  if (ctx.hash) result.hash = contentHash(buf);
  return result;
}

/** The per-file phase over bytes already read. */
export function analyzeContent(file: string, buf: Buffer, reported: boolean, ctx: TaskContext, unimported?: boolean): FileResult {
  const decoded = decodeSource(buf);
  if (!decoded) return contentError(file, buf);
  const { text } = decoded;
  const minified = minifiedError(file, text);
  if (minified) return minified;

  const hits = ctx.project ? reachHits(text, ctx) : [];
  // Rules left out only because the text names none of their modules (`skipped`) run in the second
  // phase when a file this one imports may lead there (project-phase.ts).
  const { run, skipped } = reported ? selectFileRules(text, ctx.rules, ctx.catalog, { project: ctx.project, registry: ctx.registry, hits: ctx.project ? hits : undefined }) : { run: [] as EnabledRule[], skipped: [] as string[] };
  // Fact collectors run on every file, reported or not, under the same `needs` test.
  const collect: EnabledRule[] = [];
  const skippedFacts: string[] = [];
  for (const r of ctx.collectors ?? []) {
    if (r.rule.needs && !(ctx.project ? hits.includes(r.rule.meta.id) : mayReach(text, ctx.catalog, r.rule.needs))) {
      if (ctx.project) skippedFacts.push(r.rule.meta.id);
      continue;
    }
    collect.push(r);
  }
  const findings: Finding[] = [];
  const facts: Record<string, unknown[]> = {};
  const resolver = ctx.project && ((reported && run.length) || collect.length) ? new RecordingResolver() : undefined;
  let analysis;
  try {
    analysis = analyzeWithRules(file, text, {
      catalog: ctx.catalog,
      rules: reported ? run : undefined,
      collectors: collect,
      emit: (rule, fact) => (facts[rule.meta.id] ??= []).push(fact),
      report: (rule, severity, r) => findings.push(toFinding(ctx.cwd, file, rule, severity, r)),
      budget: ctx.budget,
      project: resolver,
      aliases: ctx.aliases,
      unimported,
    });
  } catch (e) {
    return { file, error: analysisFailure(e, ctx.budget) };
  }
  if (analysis.parseError) return { file, error: `parse error at ${analysis.parseError}` };
  const result: FileResult = { file, summary: packSummary(analysis.summary) };
  if (unimported) result.unimported = true;
  if (analysis.imports?.length) result.imports = analysis.imports;
  if (analysis.aliases) result.aliases = analysis.aliases;
  if (hits.length) result.hits = hits;
  if (skippedFacts.length) result.skippedFacts = skippedFacts;
  // Facts that needed other files' values are collected again in the second phase.
  if (resolver?.asked) result.deferred = true;
  else if (Object.keys(facts).length) result.facts = facts;
  if (reported) {
    result.checked = true;
    if (resolver?.asked) result.deferred = true;
    else if (findings.length) result.findings = findings;
    if (skipped.length) result.skipped = skipped;
    const ds = scanDirectives(text);
    if (ds.length) result.directives = ds;
  }
  return result;
}
