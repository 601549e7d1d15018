/**
 * `check` as a gate and `baseline`: which files to check (paths, `--staged` from the git index,
 * `--changed-since` a ref), several reports at once (`--format sarif:out.sarif --format stylish`),
 * `--quiet`, `--max-warnings`, and baselines (record today's findings; fail only on new ones).
 */

import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import ignore from 'ignore';
import { loadConfig, type ResolvedConfig } from '../config/load.js';
import {
  BASELINE_FILE,
  type BaselineEntry,
  fingerprintFindings,
  type Fingerprinted,
  matchBaseline,
  readBaseline,
  relPath,
  toEntry,
  writeBaseline,
} from '../engine/baseline.js';
import { DEFAULT_IGNORES, isSourceFile, listFiles, UsageError } from '../engine/files.js';
import { changedSince, readAtCommit, readBlobs, repoRoot, stagedFiles } from '../engine/git.js';
import type { ChangeSet } from '../engine/affected.js';
import { decodeSource, inputSettings, run } from '../engine/run.js';
import { isInputFile } from '../config/observability.js';
import type { Finding, RunResult } from '../engine/types.js';
import type { BaselineSummary, ReportContext } from '../report/context.js';
import { terminalSafe } from '../report/terminal.js';
import { checkNamedFile, writeNamedFile } from '../safe-fs.js';
import { projectInfo, verboseHeader } from './describe.js';
import { applyShard, gateCacheFile, runScale, type ScaleOptions } from './scale.js';
import { registry } from '../../rules/registry.js';

export const CHECK_FORMATS = ['stylish', 'json', 'sarif', 'github', 'junit'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export interface GateIO {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** The colour level of the terminal the report goes to, when it is not this process's (a client of the context server). */
  colorLevel?: number;
}

export interface CheckOptions extends ScaleOptions {
  config?: string;
  ignore: boolean;
  /** Repeatable: `name` or `name:path`. */
  format?: string[];
  outputFile?: string;
  maxWarnings?: number;
  quiet?: boolean;
  baseline?: string;
  changedSince?: string;
  staged?: boolean;
  /** Accept a run that checks no file because the ignores exclude every one. */
  allowEmpty?: boolean;
  /** Report the files the changes affect: the default with --staged and --changed-since; with paths, the paths are the changes. */
  affected?: boolean;
  verbose?: boolean;
}

export interface BaselineOptions {
  config?: string;
  ignore: boolean;
  baseline: string;
  prune?: boolean;
  allowEmpty?: boolean;
}

/** The files of a plain run (main.ts's `prepare`: explicit paths keep the rest of the project as context). */
export type Prepare = (
  io: GateIO,
  paths: string[],
  opts: { config?: string; ignore: boolean },
) => Promise<{ config: ResolvedConfig; files: string[]; contextFiles: string[] }>;

/** Commander argument parser for the repeatable `--format name[:file]`. */
export function collectFormat(value: string, previous: string[] | undefined): string[] {
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  if (!(CHECK_FORMATS as readonly string[]).includes(name)) {
    throw new InvalidArgumentError(`Allowed choices are ${CHECK_FORMATS.join(', ')}, each optionally followed by :<file>.`);
  }
  if (colon >= 0 && colon === value.length - 1) throw new InvalidArgumentError(`"${value}" names no file after the colon.`);
  return [...(previous ?? []), value];
}

export function parseMaxWarnings(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('Expected a whole number of warnings (0 or more).');
  return Number(value);
}

export interface OutputSpec {
  format: CheckFormat;
  /** Relative to the working directory; undefined = stdout. */
  file?: string;
}

/** `--format` values and `-o`: `-o` applies to the one format named without a file. */
export function outputSpecs(formats: string[] | undefined, outputFile: string | undefined): OutputSpec[] {
  const specs: OutputSpec[] = (formats?.length ? formats : ['stylish']).map((v) => {
    const colon = v.indexOf(':');
    return colon < 0 ? { format: v as CheckFormat } : { format: v.slice(0, colon) as CheckFormat, file: v.slice(colon + 1) };
  });
  const toStdout = specs.filter((s) => !s.file);
  if (outputFile) {
    if (toStdout.length !== 1) throw new UsageError('-o/--output-file applies to a single format: name the file of each format with --format <format>:<file> instead');
    toStdout[0]!.file = outputFile;
  } else if (toStdout.length > 1) {
    throw new UsageError(`only one report can go to stdout, and ${toStdout.map((s) => s.format).join(' and ')} have no file: use --format <format>:<file>`);
  }
  const seen = new Set<string>();
  for (const s of specs) {
    if (!s.file) continue;
    const key = path.resolve(s.file);
    if (seen.has(key)) throw new UsageError(`two reports would be written to ${s.file}`);
    seen.add(key);
  }
  return specs;
}

interface Selection {
  config: ResolvedConfig;
  files: string[];
  contextFiles: string[];
  readFile?: (file: string) => Buffer;
  /** The git work tree root, when there is one. */
  gitRoot: string | null;
  /** See `RunOptions.inputsFollowCode`. */
  inputsFollowCode?: string[];
  /** What changed, for a gate run that reports the files a change affects. */
  changes?: ChangeSet & { scopeKey: string };
  /** For `--verbose`: how the files to report were chosen. */
  detail?: string;
}

/** The whole project, for resolution only, as `prepare` lists it. */
async function projectFiles(io: GateIO, config: ResolvedConfig): Promise<string[]> {
  const inputs = inputSettings(config, registry);
  if (!config.project && !inputs) return [];
  return listFiles({ cwd: config.root, paths: [], ignores: config.ignores, inputs });
}

/**
 * Which files a plain `check [paths]` would check, as a predicate: source files inside the paths, not
 * ignored. Files the working tree no longer has (staged, then deleted) are judged by path and ignore
 * patterns alone.
 */
async function scopeOf(io: GateIO, paths: string[], opts: { ignore: boolean }, config: ResolvedConfig, listing?: string[]): Promise<(f: string) => boolean> {
  const inTree = new Set(listing ?? (await listFiles({ cwd: io.cwd, paths, noIgnore: !opts.ignore, ignores: config.ignores, inputs: inputSettings(config, registry) })));
  const scopes = (paths.length ? paths : ['.']).map((p) => path.resolve(io.cwd, p));
  const ig = ignore().add(opts.ignore ? [...DEFAULT_IGNORES, ...config.ignores] : []);
  return (f) => {
    if (inTree.has(f)) return true;
    if (fs.existsSync(f) || !isSourceFile(f)) return false;
    const rel = path.relative(io.cwd, f);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return false;
    if (!scopes.some((s) => f === s || f.startsWith(s + path.sep))) return false;
    return !ig.ignores(rel.split(path.sep).join('/'));
  };
}

/** Files whose change may change the findings of every file under their directory. */
const STRUCTURAL = /^(?:package\.json|[tj]sconfig(?:\..*)?\.json|\.gitignore|pnpm-workspace\.yaml|lerna\.json)$/;

/**
 * The changes besides source files that may change findings anywhere: the configuration and the tracing
 * schema (every file), package.json, tsconfig/jsconfig, .gitignore and workspace markers (every file under
 * their directory).
 */
function structuralChanges(config: ResolvedConfig, changed: readonly string[]): { dirs: string[]; all: boolean } {
  const dirs = new Set<string>();
  let all = false;
  for (const f of changed) {
    if (isSourceFile(f)) continue;
    const base = path.basename(f);
    if (f === config.file || f === config.tracingSchema || base === 'tracewire.config.json') all = true;
    else if (STRUCTURAL.test(base)) dirs.add(path.dirname(f));
  }
  return { dirs: [...dirs].sort(), all };
}

function describeChanges(changed: number, changes: ChangeSet | undefined): string {
  const what = `${changed} changed source file${changed === 1 ? '' : 's'}`;
  if (!changes) return what;
  const extra = [changes.deleted?.length ? `${changes.deleted.length} deleted` : '', changes.all ? 'the configuration changed: every file is affected' : '', changes.dirs?.length ? `${changes.dirs.length} package.json/tsconfig/.gitignore changed` : '']
    .filter(Boolean)
    .join(', ');
  return `${what}${extra ? `, ${extra}` : ''}, and the files they affect`;
}

async function select(io: GateIO, paths: string[], opts: CheckOptions, prepare: Prepare): Promise<Selection> {
  if (opts.staged && opts.changedSince) throw new UsageError('--staged and --changed-since cannot be combined');
  if (!opts.staged && !opts.changedSince) {
    if (opts.affected) return selectAffected(io, paths, opts);
    const p = await prepare(io, paths, opts);
    return { ...p, gitRoot: repoRootQuiet(io.cwd) };
  }
  // Loaded first: a configuration error is a configuration error, in a git repository or not.
  const config = loadConfig({ cwd: io.cwd, configFile: opts.config, rules: registry.rules });
  const project = await projectFiles(io, config);
  // The plain listing of the working directory is the project's when they coincide: list once.
  const sameListing = paths.length === 0 && opts.ignore && config.project && config.root === path.resolve(io.cwd);
  const listing = sameListing ? project : undefined;
  // The files the paths cover: what the changed files are restricted to, and the observability files a
  // change to the code may break (reported even when unchanged, see `RunOptions.inputsFollowCode`).
  const scope = listing ?? (await listFiles({ cwd: io.cwd, paths, noIgnore: !opts.ignore, ignores: config.ignores, inputs: inputSettings(config, registry) }));
  const followInputs = scope.filter(isInputFile);
  const inScope = await scopeOf(io, paths, opts, config, scope);
  // Affected files need the project's context (project mode) to depend on anything.
  const withAffected = opts.affected !== false && config.project;
  const scopeKey = JSON.stringify({ cwd: io.cwd, paths, ignore: opts.ignore });
  if (opts.staged) {
    const { root, files: staged, deleted, head } = stagedFiles(io.cwd);
    const named = staged.map((s) => s.file);
    const sources = named.filter(isSourceFile);
    const files = named.filter(inScope);
    // Every staged source file is read from the index, also those outside the paths (they inform resolution).
    const index = readBlobs(root, staged.filter((s) => isSourceFile(s.file) || isInputFile(s.file)));
    const goneSources = deleted.filter(isSourceFile);
    const changes = withAffected
      ? { changed: sources, deleted: goneSources, previous: head ? readAtCommit(root, head, [...sources, ...goneSources]) : undefined, ...structuralChanges(config, [...named, ...deleted]), inScope, scopeKey }
      : undefined;
    return {
      config,
      files,
      contextFiles: project,
      // The staged content of staged files; the rest of the project as it is on disk.
      readFile: (f) => index.get(f) ?? fs.readFileSync(f),
      gitRoot: root,
      inputsFollowCode: followInputs,
      changes,
      detail: `--staged: ${describeChanges(sources.length, changes)}`,
    };
  }
  const { root, base, files: changed, deleted } = changedSince(io.cwd, opts.changedSince!);
  const files = changed.filter(inScope);
  const sources = changed.filter(isSourceFile);
  const goneSources = deleted.filter(isSourceFile);
  const changes = withAffected
    ? { changed: sources, deleted: goneSources, previous: readAtCommit(root, base, [...sources, ...goneSources]), ...structuralChanges(config, [...changed, ...deleted]), inScope, scopeKey }
    : undefined;
  return { config, files, contextFiles: project, gitRoot: root, inputsFollowCode: followInputs, changes, detail: `--changed-since ${opts.changedSince}: ${describeChanges(sources.length, changes)}` };
}

/**
 * A gate that checks nothing must not pass: when the paths hold source files but the configuration's
 * `ignores` or the `.gitignore` files exclude every one of them, the run stops with one line (exit 2),
 * unless `--allow-empty`. (tracewire's own defaults, `node_modules` and build output, do not count: a
 * directory holding only those has nothing to check.)
 */
async function refuseEmpty(io: GateIO, paths: string[], config: ResolvedConfig, files: string[], opts: { ignore: boolean; allowEmpty?: boolean }): Promise<void> {
  if (files.length > 0 || opts.allowEmpty || !opts.ignore) return;
  const { globbySync } = await import('globby');
  const scopes = paths.length ? paths : ['.'];
  const patterns: string[] = [];
  for (const p of scopes) {
    const abs = path.resolve(io.cwd, p);
    if (!fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory()) continue;
    const rel = path.relative(io.cwd, abs).split(path.sep).join('/');
    const base = rel === '' ? '' : rel.startsWith('..') ? abs.split(path.sep).join('/') : rel;
    patterns.push(`${base ? base + '/' : ''}**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}`);
  }
  if (!patterns.length) return;
  const present = globbySync(patterns, { cwd: io.cwd, onlyFiles: true, dot: true, followSymbolicLinks: false, gitignore: false, ignore: DEFAULT_IGNORES, suppressErrors: true }).filter(isSourceFile);
  if (!present.length) return;
  const by = config.ignores.length ? `the ignores of ${config.file ? displayRel(io.cwd, config.file) : 'the configuration'} or .gitignore` : '.gitignore';
  throw new UsageError(`no file to check: ${by} exclude${by === '.gitignore' ? 's' : ''} all ${present.length} source file${present.length === 1 ? '' : 's'} under ${scopes.join(', ')}, and a check of nothing would pass. Fix the ignores, or pass --allow-empty if nothing is what you mean to check`);
}

/**
 * `check --affected <files>`: the files named changed (what a pre-commit hook passes); they and every file
 * whose findings depend on them are reported, the rest of the project being context. Non-source files
 * named (package.json, tsconfig.json, the configuration) mark what they govern as affected.
 */
async function selectAffected(io: GateIO, paths: string[], opts: CheckOptions): Promise<Selection> {
  if (paths.length === 0) throw new UsageError('--affected: name the files that changed (a pre-commit hook passes them), or use --staged or --changed-since <ref>');
  const config = loadConfig({ cwd: io.cwd, configFile: opts.config, rules: registry.rules });
  const named = paths.map((p) => path.resolve(io.cwd, p));
  // A source file named that does not exist any more was deleted: the files that imported it are affected.
  const glob = /[*?[\]{}]/;
  const deleted = named.filter((f, i) => isSourceFile(f) && !glob.test(paths[i]!) && !fs.existsSync(f));
  // Directories and globs name the files they hold; other files named are what changed, source or not.
  const expand = paths.filter((p, i) => !deleted.includes(named[i]!) && (isSourceFile(named[i]!) || fs.statSync(named[i]!, { throwIfNoEntry: false })?.isDirectory() || !fs.existsSync(named[i]!)));
  const sources = expand.length ? await listFiles({ cwd: io.cwd, paths: expand, noIgnore: !opts.ignore, ignores: config.ignores }) : [];
  const project = await projectFiles(io, config);
  const projectSet = new Set(project);
  const cwd = path.resolve(io.cwd);
  const inScope = (f: string) => (projectSet.has(f) || sources.includes(f)) && (f === cwd || f.startsWith(cwd + path.sep));
  const gitRoot = repoRootQuiet(io.cwd);
  if (!config.project) return { config, files: sources, contextFiles: [], gitRoot, detail: `--affected: ${sources.length} named source files (project mode off: nothing else is affected)` };
  let previous: Map<string, Buffer> | undefined;
  if (gitRoot) {
    try {
      previous = readAtCommit(gitRoot, 'HEAD', [...sources, ...deleted]);
    } catch {
      previous = undefined; // no commit yet, or git cannot answer: registrations are judged on the new text
    }
  }
  const changes = { changed: sources, deleted, previous, ...structuralChanges(config, named), inScope, scopeKey: JSON.stringify({ cwd: io.cwd, affected: true, ignore: opts.ignore }) };
  return { config, files: sources, contextFiles: project, gitRoot, inputsFollowCode: project.filter(isInputFile), changes, detail: `--affected: ${describeChanges(sources.length, changes)}` };
}

function repoRootQuiet(cwd: string): string | null {
  try {
    return repoRoot(cwd);
  } catch {
    return null; // no git on PATH: paths stay relative to the working directory
  }
}

/** The colour level of a report: none in a file or with NO_COLOR, else what the caller's terminal takes (undefined: chalk decides for this process). */
function colorLevel(toFile: boolean, io: GateIO): number | undefined {
  if (toFile) return 0;
  if (process.env.NO_COLOR && !process.env.FORCE_COLOR) return 0;
  return io.colorLevel;
}

async function renderCheck(format: CheckFormat, result: RunResult, ctx: ReportContext, toFile: boolean, io: GateIO): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('../report/json.js')).formatJson(result, { baseline: ctx.baseline, project: ctx.project });
    case 'sarif':
      return (await import('../report/sarif.js')).formatSarif(result, ctx);
    case 'github':
      return (await import('../report/github.js')).formatGithub(result, ctx);
    case 'junit':
      return (await import('../report/junit.js')).formatJunit(result, ctx);
    case 'stylish': {
      const { Chalk } = await import('chalk');
      const level = colorLevel(toFile, io);
      const c = level === undefined ? new Chalk() : new Chalk({ level: level as 0 | 1 | 2 | 3 });
      let text = (await import('../report/stylish.js')).formatStylish(result, c);
      const note = baselineNote(ctx.baseline);
      if (note) text += c.dim(note);
      return text;
    }
  }
}

function baselineNote(b: BaselineSummary | undefined): string {
  if (!b || (!b.matched && !b.stale)) return '';
  const lines: string[] = [];
  if (b.matched) lines.push(`  ${b.matched} more finding${b.matched === 1 ? ' is' : 's are'} in the baseline (${b.file}) and not reported.`);
  if (b.stale) lines.push(`  ${b.stale} baseline entr${b.stale === 1 ? 'y no longer occurs' : 'ies no longer occur'}: \`tracewire baseline --prune\` drops them.`);
  return lines.join('\n') + '\n';
}

function writeReport(io: GateIO, text: string, file: string | undefined): void {
  if (!file) {
    io.stdout(text);
    return;
  }
  writeNamedFile(io.cwd, file, text, 'the report');
}

/** Source text as the engine read it (BOM removed), by absolute path. */
function textReader(readFile: ((f: string) => Buffer) | undefined): (abs: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (abs) => {
    if (cache.has(abs)) return cache.get(abs);
    let text: string | undefined;
    try {
      text = decodeSource(readFile ? readFile(abs) : fs.readFileSync(abs))?.text;
    } catch {
      text = undefined;
    }
    cache.set(abs, text);
    return text;
  };
}

function fingerprints(cwd: string, root: string, findings: readonly Finding[], text: (abs: string) => string | undefined): Fingerprinted[] {
  return fingerprintFindings(findings, { root, abs: (f) => path.resolve(cwd, f.file), text });
}

/** The rule docs shipped with the package (`rules/<id>.md`, next to `dist/` or to the sources). */
function ruleDocs(): (ruleId: string) => string | undefined {
  let dir = import.meta.dirname;
  let pkgRoot: string | undefined;
  for (let i = 0; i < 5 && !pkgRoot; i++, dir = path.dirname(dir)) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'tracewire') pkgRoot = dir;
    } catch {
      // not here: one level up
    }
  }
  return (id) => {
    if (!pkgRoot || !/^[a-z0-9-]+$/.test(id)) return undefined;
    try {
      return fs.readFileSync(path.join(pkgRoot, 'rules', `${id}.md`), 'utf8');
    } catch {
      return undefined;
    }
  };
}

function displayRel(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return (rel === '' ? path.basename(abs) : rel).split(path.sep).join('/');
}

let warmup: string[] | undefined;

/**
 * What a context server started after this process's gate run warms up on (see server.ts): the same
 * changed files, named (by the time it runs, the commit has usually moved the index on); undefined when
 * the run was no gate run or changed no source file.
 */
export function gateWarmup(): string[] | undefined {
  return warmup;
}

export async function runCheck(io: GateIO, paths: string[], opts: CheckOptions, prepare: Prepare): Promise<number> {
  const outputs = outputSpecs(opts.format, opts.outputFile);
  // A report path that cannot be written safely is refused before the run, not after it.
  for (const o of outputs) if (o.file) checkNamedFile(io.cwd, o.file, 'the report');
  const baselineFile = opts.baseline ? path.resolve(io.cwd, opts.baseline) : undefined;
  const data = baselineFile ? readBaseline(baselineFile) : undefined;
  const sel = await select(io, paths, opts, prepare);
  if (!opts.staged && !opts.changedSince && !opts.affected) await refuseEmpty(io, paths, sel.config, sel.files, opts);
  if (sel.changes && opts.shard && opts.shard.count > 1) {
    throw new UsageError('--shard splits a check of the whole project; a gate run that reports the files a change affects is not split (add --no-affected to shard the changed files alone)');
  }
  Object.assign(sel, applyShard(io.cwd, sel.files, sel.contextFiles, opts.shard));
  if (opts.verbose) io.stderr(verboseHeader(io.cwd, sel.config, { files: sel.files.length, context: sel.contextFiles.length, detail: sel.detail }));
  // A gate run (`--staged`, `--affected`) keeps the project's context in the user's cache folder between runs.
  const gate = opts.staged || (opts.affected && !opts.changedSince);
  const scale = runScale(io.cwd, opts, sel.files.length + sel.contextFiles.length, gate ? () => gateCacheFile(sel.gitRoot ?? sel.config.root, io.cwd) : undefined);
  const full = await run({ registry, cwd: io.cwd, files: sel.files, contextFiles: sel.contextFiles, config: sel.config, readFile: sel.readFile, inputsFollowCode: sel.inputsFollowCode, changes: sel.changes, checkContext: !!(sel.changes && scale.cacheFile), ...scale });
  warmup = gate && sel.changes?.changed.length ? ['check', '--affected', ...sel.changes.changed.map((f) => path.relative(io.cwd, f)), '--format', 'json', ...(opts.config ? ['--config', opts.config] : []), ...(opts.ignore ? [] : ['--no-ignore'])] : undefined;
  const text = textReader(sel.readFile);
  // The files reported: those selected and, in a gate run, the files the changes affect.
  const reportedFiles = full.reported ? full.reported.map((f) => path.resolve(io.cwd, f)) : sel.files;

  let findings = full.findings;
  let baseline: BaselineSummary | undefined;
  if (baselineFile && data) {
    const file = baselineFile;
    const root = path.dirname(file);
    // Entries of files not checked this time (or that could not be read) are neither matched nor stale.
    const unreadable = new Set(full.errors.map((e) => relPath(root, path.resolve(io.cwd, e.file))));
    const checked = new Set(reportedFiles.map((f) => relPath(root, f)).filter((f) => !unreadable.has(f)));
    const entries = data.entries.filter((e) => checked.has(e.file));
    const { fresh, matched, stale } = matchBaseline(fingerprints(io.cwd, root, findings, text), entries);
    const freshSet = new Set(fresh.map((f) => f.finding));
    findings = findings.filter((f) => freshSet.has(f));
    baseline = { file: displayRel(io.cwd, file), matched: matched.length, stale: stale.length };
  }
  if (opts.quiet) findings = findings.filter((f) => f.severity === 'error');
  const result: RunResult = { ...full, findings };

  const root = sel.gitRoot ?? io.cwd;
  const ctx: ReportContext = {
    cwd: io.cwd,
    root,
    rules: [...registry.rules.values()].map((r) => r.meta),
    files: reportedFiles.map((f) => displayRel(io.cwd, f)),
    source: (f) => text(path.resolve(io.cwd, f)),
    // Numbered among all of the run's findings, so a finding's fingerprint does not depend on what is filtered out.
    fingerprints: outputs.some((o) => o.format === 'sarif') ? new Map(fingerprints(io.cwd, root, full.findings, text).map((f) => [f.finding, f.fingerprint])) : undefined,
    baseline,
    project: projectInfo(io.cwd, sel.config),
    ruleDoc: ruleDocs(),
  };
  if (opts.verbose && full.reported) {
    const affected = full.reported.length - sel.files.length;
    io.stderr(`tracewire: ${full.reported.length} file${full.reported.length === 1 ? '' : 's'} reported: ${sel.files.length} changed, ${affected} affected by the changes\n`);
  }
  for (const o of outputs) writeReport(io, await renderCheck(o.format, result, ctx, !!o.file, io), o.file);
  // Without a stylish report on stdout, the baseline's news goes to stderr.
  if (!outputs.some((o) => o.format === 'stylish' && !o.file)) {
    const note = baselineNote(baseline);
    if (note) io.stderr(`tracewire:\n${note}`);
  }

  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const tooManyWarnings = opts.maxWarnings !== undefined && warnings > opts.maxWarnings;
  if (tooManyWarnings) io.stderr(`tracewire: ${warnings} warning${warnings === 1 ? '' : 's'}, more than the ${opts.maxWarnings} --max-warnings allows.\n`);
  return errors > 0 || result.errors.length > 0 || tooManyWarnings ? 1 : 0;
}

export async function runBaseline(io: GateIO, paths: string[], opts: BaselineOptions, prepare: Prepare): Promise<number> {
  const file = path.resolve(io.cwd, opts.baseline);
  const shown = displayRel(io.cwd, file);
  checkNamedFile(io.cwd, opts.baseline, 'the baseline');
  const previous = fs.lstatSync(file, { throwIfNoEntry: false }) ? readBaseline(file).entries : undefined;
  if (opts.prune && !previous) throw new UsageError(`--prune: there is no baseline at ${shown} yet (create it with \`tracewire baseline\`)`);
  const sel = await prepare(io, paths, opts);
  await refuseEmpty(io, paths, sel.config, sel.files, opts);
  const result = await run({ registry, cwd: io.cwd, files: sel.files, contextFiles: sel.contextFiles, config: sel.config });
  const root = path.dirname(file);
  const current = fingerprints(io.cwd, root, result.findings, textReader(undefined));
  const unreadable = new Set(result.errors.map((e) => relPath(root, path.resolve(io.cwd, e.file))));
  const checked = new Set(sel.files.map((f) => relPath(root, f)).filter((f) => !unreadable.has(f)));
  // Entries of files not checked this time are kept as they are.
  const kept = (previous ?? []).filter((e) => !checked.has(e.file));
  let entries: BaselineEntry[];
  let message: string;
  if (opts.prune) {
    const { matched, stale } = matchBaseline(
      current,
      previous!.filter((e) => checked.has(e.file)),
    );
    // Matched entries are refreshed (line numbers, occurrence indexes); findings not in the baseline stay out.
    entries = [...kept, ...matched.map((m) => toEntry(m.current))];
    message = `Pruned ${stale.length} stale entr${stale.length === 1 ? 'y' : 'ies'} from ${shown}; ${entries.length} remain.\n`;
  } else {
    entries = [...kept, ...current.map(toEntry)];
    const files = new Set(entries.map((e) => e.file)).size;
    message = `Wrote ${shown}: ${entries.length} finding${entries.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}. \`tracewire check --baseline ${shown}\` now fails only on new ones.\n`;
  }
  writeBaseline(file, entries, io.cwd);
  io.stdout(message);
  if (result.errors.length) {
    io.stderr(`tracewire: ${result.errors.length} file${result.errors.length === 1 ? '' : 's'} could not be checked, so ${result.errors.length === 1 ? 'its' : 'their'} findings are not in the baseline:\n`);
    for (const e of result.errors) io.stderr(`  ${terminalSafe(e.file)}: ${terminalSafe(e.message)}\n`);
    return 1;
  }
  return 0;
}

export { BASELINE_FILE };
