/**
 * `check` as a gate and `baseline`: which files to check (paths, `--staged` from the git index,
 * `--changed-since` a ref), several reports at once (`--format sarif:out.sarif --format stylish`),
 * `--quiet`, `--max-warnings`, and baselines (record today's findings; fail only on new ones).
 */

import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import ignore from 'ignore';
import { rulesById } from '../../rules/index.js';
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
import { changedSince, readBlobs, repoRoot, stagedFiles } from '../engine/git.js';
import { decodeSource, inputSettings, run } from '../engine/run.js';
import { isInputFile } from '../config/observability.js';
import type { Finding, RunResult } from '../engine/types.js';
import type { BaselineSummary, ReportContext } from '../report/context.js';
import { terminalSafe } from '../report/terminal.js';
import { checkNamedFile, writeNamedFile } from '../safe-fs.js';
import { projectInfo, verboseHeader } from './describe.js';
import { applyShard, runScale, type ScaleOptions } from './scale.js';

export const CHECK_FORMATS = ['stylish', 'json', 'sarif', 'github', 'junit'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export interface GateIO {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
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
}

/** The whole project, for resolution only, as `prepare` lists it. */
async function projectFiles(io: GateIO, config: ResolvedConfig): Promise<string[]> {
  const inputs = inputSettings(config);
  if (!config.project && !inputs) return [];
  return listFiles({ cwd: config.root, paths: [], ignores: config.ignores, inputs });
}

/**
 * Of the files git names, those a plain `check [paths]` would check: source files inside the paths, not
 * ignored. Files git names that the working tree no longer has (staged, then deleted) are filtered by path
 * and ignore patterns alone.
 */
async function restrict(io: GateIO, paths: string[], opts: { ignore: boolean }, config: ResolvedConfig, named: string[], listing?: string[]): Promise<string[]> {
  const inTree = new Set(listing ?? (await listFiles({ cwd: io.cwd, paths, noIgnore: !opts.ignore, ignores: config.ignores, inputs: inputSettings(config) })));
  const scopes = (paths.length ? paths : ['.']).map((p) => path.resolve(io.cwd, p));
  const ig = ignore().add(opts.ignore ? [...DEFAULT_IGNORES, ...config.ignores] : []);
  return named.filter((f) => {
    if (inTree.has(f)) return true;
    if (fs.existsSync(f) || !isSourceFile(f)) return false;
    const rel = path.relative(io.cwd, f);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return false;
    if (!scopes.some((s) => f === s || f.startsWith(s + path.sep))) return false;
    return !ig.ignores(rel.split(path.sep).join('/'));
  });
}

async function select(io: GateIO, paths: string[], opts: CheckOptions, prepare: Prepare): Promise<Selection> {
  if (opts.staged && opts.changedSince) throw new UsageError('--staged and --changed-since cannot be combined');
  if (!opts.staged && !opts.changedSince) {
    const p = await prepare(io, paths, opts);
    return { ...p, gitRoot: repoRootQuiet(io.cwd) };
  }
  // Loaded first: a configuration error is a configuration error, in a git repository or not.
  const config = loadConfig({ cwd: io.cwd, configFile: opts.config, rules: rulesById });
  const project = await projectFiles(io, config);
  // The plain listing of the working directory is the project's when they coincide: list once.
  const sameListing = paths.length === 0 && opts.ignore && config.project && config.root === path.resolve(io.cwd);
  const listing = sameListing ? project : undefined;
  // The files the paths cover: what the changed files are restricted to, and the observability files a
  // change to the code may break (reported even when unchanged, see `RunOptions.inputsFollowCode`).
  const scope = listing ?? (await listFiles({ cwd: io.cwd, paths, noIgnore: !opts.ignore, ignores: config.ignores, inputs: inputSettings(config) }));
  const followInputs = scope.filter(isInputFile);
  if (opts.staged) {
    const { root, files: staged } = stagedFiles(io.cwd);
    const files = await restrict(io, paths, opts, config, staged.map((s) => s.file), scope);
    // Every staged source file is read from the index, also those outside the paths (they inform resolution).
    const index = readBlobs(root, staged.filter((s) => isSourceFile(s.file) || isInputFile(s.file)));
    return {
      config,
      files,
      contextFiles: project,
      // The staged content of staged files; the rest of the project as it is on disk.
      readFile: (f) => index.get(f) ?? fs.readFileSync(f),
      gitRoot: root,
      inputsFollowCode: followInputs,
    };
  }
  const { root, files: changed } = changedSince(io.cwd, opts.changedSince!);
  const files = await restrict(io, paths, opts, config, changed, scope);
  return { config, files, contextFiles: project, gitRoot: root, inputsFollowCode: followInputs };
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
  const present = globbySync(patterns, { cwd: io.cwd, onlyFiles: true, dot: false, followSymbolicLinks: false, gitignore: false, ignore: DEFAULT_IGNORES, suppressErrors: true }).filter(isSourceFile);
  if (!present.length) return;
  const by = config.ignores.length ? `the ignores of ${config.file ? displayRel(io.cwd, config.file) : 'the configuration'} or .gitignore` : '.gitignore';
  throw new UsageError(`no file to check: ${by} exclude${by === '.gitignore' ? 's' : ''} all ${present.length} source file${present.length === 1 ? '' : 's'} under ${scopes.join(', ')}, and a check of nothing would pass. Fix the ignores, or pass --allow-empty if nothing is what you mean to check`);
}

function repoRootQuiet(cwd: string): string | null {
  try {
    return repoRoot(cwd);
  } catch {
    return null; // no git on PATH: paths stay relative to the working directory
  }
}

function colorLevel(toFile: boolean): 0 | undefined {
  if (toFile) return 0;
  if (process.env.NO_COLOR && !process.env.FORCE_COLOR) return 0;
  return undefined;
}

async function renderCheck(format: CheckFormat, result: RunResult, ctx: ReportContext, toFile: boolean): Promise<string> {
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
      const c = colorLevel(toFile) === 0 ? new Chalk({ level: 0 }) : new Chalk();
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

export async function runCheck(io: GateIO, paths: string[], opts: CheckOptions, prepare: Prepare): Promise<number> {
  const outputs = outputSpecs(opts.format, opts.outputFile);
  // A report path that cannot be written safely is refused before the run, not after it.
  for (const o of outputs) if (o.file) checkNamedFile(io.cwd, o.file, 'the report');
  const baselineFile = opts.baseline ? path.resolve(io.cwd, opts.baseline) : undefined;
  const data = baselineFile ? readBaseline(baselineFile) : undefined;
  const sel = await select(io, paths, opts, prepare);
  if (!opts.staged && !opts.changedSince) await refuseEmpty(io, paths, sel.config, sel.files, opts);
  Object.assign(sel, applyShard(io.cwd, sel.files, sel.contextFiles, opts.shard));
  if (opts.verbose) io.stderr(verboseHeader(io.cwd, sel.config, { files: sel.files.length, context: sel.contextFiles.length }));
  const scale = runScale(io.cwd, opts, sel.files.length + sel.contextFiles.length);
  const full = await run({ cwd: io.cwd, files: sel.files, contextFiles: sel.contextFiles, config: sel.config, readFile: sel.readFile, inputsFollowCode: sel.inputsFollowCode, ...scale });
  const text = textReader(sel.readFile);

  let findings = full.findings;
  let baseline: BaselineSummary | undefined;
  if (baselineFile && data) {
    const file = baselineFile;
    const root = path.dirname(file);
    // Entries of files not checked this time (or that could not be read) are neither matched nor stale.
    const unreadable = new Set(full.errors.map((e) => relPath(root, path.resolve(io.cwd, e.file))));
    const checked = new Set(sel.files.map((f) => relPath(root, f)).filter((f) => !unreadable.has(f)));
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
    rules: [...rulesById.values()].map((r) => r.meta),
    files: sel.files.map((f) => displayRel(io.cwd, f)),
    source: (f) => text(path.resolve(io.cwd, f)),
    // Numbered among all of the run's findings, so a finding's fingerprint does not depend on what is filtered out.
    fingerprints: outputs.some((o) => o.format === 'sarif') ? new Map(fingerprints(io.cwd, root, full.findings, text).map((f) => [f.finding, f.fingerprint])) : undefined,
    baseline,
    project: projectInfo(io.cwd, sel.config),
    ruleDoc: ruleDocs(),
  };
  for (const o of outputs) writeReport(io, await renderCheck(o.format, result, ctx, !!o.file), o.file);
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
  const result = await run({ cwd: io.cwd, files: sel.files, contextFiles: sel.contextFiles, config: sel.config });
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
