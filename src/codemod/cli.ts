/**
 * The `fix` and `codemod` commands (loaded lazily by the CLI, so `check` never pays for ts-morph).
 * A dry run prints the unified diff on stdout and the summary on stderr, so `> changes.patch` is a
 * clean patch; a real run prints the summary on stdout.
 */

import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import { displayPath, UsageError } from '../engine/files.js';
import type { Finding, RunResult } from '../engine/types.js';
import { type Codemod, type CodemodReport, CodemodUsageError, runCodemod } from './codemod.js';
import { codemods, codemodsByName } from './codemods/index.js';
import { installCommand, type NeededDependencies, withDependencies } from './dependencies.js';
import { type FixReport, runFix } from './fix.js';
import { DirtyTreeError, Session, type WriteSummary } from './session.js';

export interface CommandIO {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export type Prepare = (paths: string[]) => Promise<{ config: ResolvedConfig; files: string[]; contextFiles: string[] }>;

export interface FixCommandOptions {
  unsafeFixes?: boolean;
  addDependencies?: boolean;
  dryRun?: boolean;
  allowDirty?: boolean;
}

export interface CodemodCommandOptions {
  list?: boolean;
  addDependencies?: boolean;
  dryRun?: boolean;
  allowDirty?: boolean;
  entry?: string;
}

const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

/** Files done / total on stderr, on a terminal only (and not in CI logs). */
function progressReporter(io: CommandIO): { report?: (phase: string, done: number, total: number) => void; clear(): void } {
  if (!process.stderr.isTTY || process.env.CI) return { clear() {} };
  let last = 0;
  let shown = false;
  return {
    report(phase, done, total) {
      const now = Date.now();
      if (now - last < 100 && done + 1 < total) return;
      last = now;
      shown = true;
      io.stderr(`\r\x1b[K${phase} ${done + 1}/${total} files`);
    },
    clear() {
      if (shown) io.stderr('\r\x1b[K');
    },
  };
}

function analysisErrors(result: RunResult): string {
  return result.errors.map((e) => `  ${e.file}: ${e.message}\n`).join('');
}

function writeFailures(w: WriteSummary | undefined, cwd: string): string {
  if (!w?.failed.length) return '';
  return `Not written:\n${w.failed.map((f) => `  ${displayPath(cwd, f.file)}: ${f.reason}\n`).join('')}`;
}

function where(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}`;
}

/**
 * Declare (with --add-dependencies) the packages the changes import, in each nearest package.json; what
 * was declared, and what is still to install, for the summary.
 */
export function settleDependencies(session: Session, needed: NeededDependencies, add: boolean): DependencyOutcome[] {
  const out: DependencyOutcome[] = [];
  for (const [manifest, packages] of [...needed].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let added: string[] = [];
    if (add && fs.existsSync(manifest)) {
      const text = session.otherText(manifest);
      const next = text === undefined ? undefined : withDependencies(text, packages);
      if (next) {
        session.updateOther(manifest, next.text);
        added = next.added;
      }
    }
    const rest = new Map([...packages].filter(([p]) => !added.includes(p)));
    out.push({ manifest, added: added.map((p) => `${p}@${packages.get(p)}`), install: installCommand(manifest, added.length ? new Map() : rest), missing: [...rest.keys()] });
  }
  return out;
}

export interface DependencyOutcome {
  manifest: string;
  /** `name@range` declared in the manifest. */
  added: string[];
  /** The install command (for what was declared, or for what still has to be). */
  install: string;
  /** Packages neither declared before nor now. */
  missing: string[];
}

export function formatDependencies(deps: DependencyOutcome[], cwd: string, what: string): string {
  let out = '';
  for (const d of deps) {
    const where = displayPath(cwd, d.manifest);
    const dir = path.relative(cwd, path.dirname(d.manifest)).split(path.sep).join('/') || '.';
    if (d.added.length) out += `Declared in ${where}: ${d.added.join(', ')}; run \`${d.install}\`${dir !== '.' ? ` in ${dir}` : ''} to install ${d.added.length === 1 ? 'it' : 'them'}.\n`;
    if (d.missing.length) {
      const cmd = d.added.length ? installCommand(d.manifest, new Map(d.missing.map((m) => [m, undefined]))) : d.install;
      out += `${what} import ${d.missing.length === 1 ? 'a package' : 'packages'} ${where} does not declare (${d.missing.join(', ')}): run \`${cmd}\`${dir !== '.' ? ` in ${dir}` : ''}${d.added.length ? '' : ', or rerun with --add-dependencies'}.\n`;
    }
  }
  return out;
}

export function formatFixSummary(r: FixReport, cwd: string, dryRun: boolean, deps: DependencyOutcome[] = []): string {
  let out = '';
  const written = r.write?.written ? new Set(r.write.written) : undefined;
  const files = [...r.fixedByFile.entries()].filter(([file]) => dryRun || !written || written.has(file));
  const count = files.reduce((n, [, list]) => n + list.length, 0);
  const verb = dryRun ? 'Would fix' : 'Fixed';
  out += `${verb} ${plural(count, 'finding')} in ${plural(files.length, 'file')}${count ? ` (${plural(r.passes, 'pass', 'passes')})` : ''}${dryRun ? '; nothing written (--dry-run)' : ''}.\n`;
  for (const [file, list] of files) {
    const byRule = new Map<string, number>();
    for (const f of list) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
    out += `  ${displayPath(cwd, file)}: ${[...byRule].map(([id, n]) => `${n} ${id}`).join(', ')}\n`;
  }
  if (!r.converged) out += `Fixes did not converge after ${r.passes} passes: some rules' fixes keep producing new findings.\n`;
  if (r.skipped.length) {
    out += `Skipped ${plural(r.skipped.length, 'finding')}:\n`;
    for (const s of r.skipped) out += `  ${where(s.finding)}  ${s.finding.ruleId}  ${s.reason}\n`;
  }
  const unfixable = [...r.unfixable].sort((a, b) => b[1] - a[1]);
  const total = unfixable.reduce((n, [, c]) => n + c, 0);
  if (total) out += `${plural(total, 'finding')} ${total === 1 ? 'has' : 'have'} no automatic fix (${unfixable.map(([id, n]) => `${id}: ${n}`).join(', ')}); \`tracewire codemod --list\` shows larger transforms.\n`;
  out += formatDependencies(deps, cwd, 'The fixes');
  if (r.first.errors.length) out += `Not analysed:\n${analysisErrors(r.first)}`;
  out += writeFailures(r.write, cwd);
  return out;
}

export function formatCodemodSummary(codemod: Codemod, r: CodemodReport, cwd: string, dryRun: boolean, deps: DependencyOutcome[] = []): string {
  let out = '';
  const changed = r.outcomes.filter((o) => o.status === 'changed');
  const skipped = r.outcomes.filter((o) => o.status === 'skipped');
  const files = new Set(changed.map((o) => o.file));
  const written = r.write?.written;
  const verb = dryRun ? 'would change' : 'changed';
  out += `${codemod.name}: ${verb} ${plural(changed.length, 'place')} in ${plural(files.size, 'file')}${dryRun ? '; nothing written (--dry-run)' : written ? `, ${plural(written.length, 'file')} written` : ''}.\n`;
  const kinds = codemod.fixes.map((f) => f.ruleId).filter((v, i, a) => a.indexOf(v) === i).join(', ');
  out += `  findings it wires (${kinds}): ${r.before} before, ${r.after} after.\n`;
  const notes = changed.filter((o) => o.reason);
  for (const o of changed) out += `  ${displayPath(cwd, o.file)}:${o.line}:${o.column}  ${o.what}\n`;
  if (notes.length) {
    out += `Changed, but still not traced:\n`;
    for (const o of notes) out += `  ${displayPath(cwd, o.file)}:${o.line}:${o.column}  ${o.what}  ${o.reason}\n`;
  }
  if (skipped.length) {
    out += `Skipped ${skipped.length}:\n`;
    for (const o of skipped) out += `  ${displayPath(cwd, o.file)}:${o.line}:${o.column}  ${o.what}  ${o.reason}\n`;
  }
  for (const f of r.refused) out += `Refused ${displayPath(cwd, f.file)}: ${f.reason}\n`;
  out += formatDependencies(deps, cwd, 'The changes');
  if (r.first.errors.length) out += `Not analysed:\n${analysisErrors(r.first)}`;
  out += writeFailures(r.write, cwd);
  return out;
}

export function formatCodemodList(): string {
  const w = Math.max(...codemods.map((c) => c.name.length));
  let out = '';
  for (const c of codemods) {
    out += `${c.name.padEnd(w)}  ${c.safety.padEnd(6)}  ${c.summary}\n`;
    out += wrap(c.description, 96, ' '.repeat(w + 10)) + '\n';
  }
  return out;
}

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

export async function fixCommand(io: CommandIO, paths: string[], opts: FixCommandOptions, prepare: Prepare): Promise<number> {
  const { config, files, contextFiles } = await prepare(paths);
  const progress = progressReporter(io);
  const session = new Session({ cwd: io.cwd, files, contextFiles, config, dryRun: opts.dryRun, allowDirty: opts.allowDirty, progress: progress.report });
  let report: FixReport;
  let deps: DependencyOutcome[] = [];
  try {
    report = await runFix(session, { unsafe: !!opts.unsafeFixes });
    deps = settleDependencies(session, report.dependencies, !!opts.addDependencies);
    report.write = session.commit();
  } catch (e) {
    progress.clear();
    if (e instanceof DirtyTreeError) {
      io.stderr(`tracewire fix: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  progress.clear();
  const summary = formatFixSummary(report, io.cwd, !!opts.dryRun, deps);
  if (opts.dryRun) {
    io.stdout(report.write.diff);
    io.stderr(summary);
  } else io.stdout(summary);
  const remainingErrors = report.final.findings.some((f) => f.severity === 'error');
  return remainingErrors || report.first.errors.length || report.write.failed.length ? 1 : 0;
}

export async function codemodCommand(io: CommandIO, name: string | undefined, paths: string[], opts: CodemodCommandOptions, prepare: Prepare): Promise<number> {
  if (opts.list) {
    io.stdout(formatCodemodList());
    return 0;
  }
  if (!name) throw new UsageError(`a codemod name is required (one of: ${[...codemodsByName.keys()].join(', ')}); \`tracewire codemod --list\` describes them`);
  const codemod = codemodsByName.get(name);
  if (!codemod) throw new UsageError(`unknown codemod "${name}" (known: ${[...codemodsByName.keys()].join(', ')})`);
  let entry: string | undefined;
  if (opts.entry) {
    entry = path.resolve(io.cwd, opts.entry);
    if (!fs.statSync(entry, { throwIfNoEntry: false })?.isFile()) throw new UsageError(`--entry: no such file: ${opts.entry}`);
  }
  const prepared = await prepare(paths);
  const files = entry && !prepared.files.includes(entry) ? [...prepared.files, entry].sort() : prepared.files;
  const progress = progressReporter(io);
  const session = new Session({ cwd: io.cwd, files, contextFiles: prepared.contextFiles, config: prepared.config, dryRun: opts.dryRun, allowDirty: opts.allowDirty, progress: progress.report });
  let report: CodemodReport;
  let deps: DependencyOutcome[] = [];
  try {
    report = await runCodemod(session, codemod, { entry });
    deps = settleDependencies(session, report.dependencies, !!opts.addDependencies);
    report.write = session.commit();
  } catch (e) {
    progress.clear();
    if (e instanceof DirtyTreeError) {
      io.stderr(`tracewire codemod: ${e.message}\n`);
      return 2;
    }
    if (e instanceof CodemodUsageError) throw new UsageError(e.message);
    throw e;
  }
  progress.clear();
  const summary = formatCodemodSummary(codemod, report, io.cwd, !!opts.dryRun, deps);
  if (opts.dryRun) {
    io.stdout(report.write.diff);
    io.stderr(summary);
  } else io.stdout(summary);
  return report.refused.length || report.write.failed.length ? 1 : 0;
}
