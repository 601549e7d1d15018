/**
 * The codemod runner. A codemod acts where the engine found something: it receives the evaluated sites
 * and findings of one analysis, edits files through `FileEditor`s (ts-morph ASTs, text edits), and
 * reports per site what it changed or why it skipped. The runner applies the edits, refuses results
 * that do not parse, re-analyses the edited project in memory to verify which findings are gone, and
 * writes (or diffs) the changed files.
 */

import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import type { CatalogIndex } from '../engine/catalog.js';
import type { EvaluatedSite } from '../engine/link.js';
import { PackageVersions } from '../engine/packages.js';
import { buildCatalog } from '../engine/run.js';
import type { SiteProject } from '../engine/rule.js';
import type { Finding, RunResult } from '../engine/types.js';
import { fixCatalog } from '../../rules/catalog/fixes.js';
import { addNeeded, type NeededDependencies } from './dependencies.js';
import { createProject, FileEditor } from './editor.js';
import { type FixEnv, fixEnv, RULE_OF_KIND, suppressedLines } from './fixes/common.js';
import { runFix } from './fix.js';
import type { Session, WriteSummary } from './session.js';
import { applyEdits } from './text.js';
import { registry } from '../../rules/registry.js';

export interface CodemodOptions {
  /** `--entry`: the application's entry point (for codemods that register something once at start-up). */
  entry?: string;
}

export interface Outcome {
  file: string;
  line: number;
  column: number;
  /** What was acted on, e.g. `generateText` or `new OpenAI()`. */
  what: string;
  status: 'changed' | 'skipped';
  /** Why it was skipped, or (changed) what is still needed for the finding to go away. */
  reason?: string;
}

export interface CodemodContext {
  cwd: string;
  config: ResolvedConfig;
  catalog: CatalogIndex;
  options: CodemodOptions;
  /** Evaluated sites of the target files, except unwired ones whose finding a comment suppresses (never rewritten). */
  sites: EvaluatedSite[];
  /** The unwired sites whose finding is suppressed (a change that would also reach them must not be made). */
  suppressed: EvaluatedSite[];
  /** What the rules' fixes build on: the same edits, from the same project view. */
  fixEnv: FixEnv;
  findings: Finding[];
  /** Every file the run may edit (absolute paths, sorted). */
  targets: string[];
  isTarget(file: string): boolean;
  /** The editor of a target file (created on first use), or undefined when the file cannot be edited. */
  editor(file: string): FileEditor | undefined;
  /** Current text of a project file (targets from memory, others from disk). */
  text(file: string): string | undefined;
  /** Record a change; `note` says what is still needed when the change alone does not wire the finding. */
  changed(file: string, pos: number, what: string, note?: string): void;
  skipped(file: string, pos: number, what: string, reason: string): void;
  /** Declared (package.json) and installed (node_modules) versions of a package, seen from a file. */
  declaredVersion(file: string, pkg: string): string | undefined;
  installedVersion(file: string, pkg: string): string | undefined;
  /** Analyse the project again with some files' text replaced and extra catalog models (probes). */
  analyse(overrides: Map<string, string>, config?: ResolvedConfig): Promise<EvaluatedSite[]>;
}

export interface Codemod {
  name: string;
  /** One line for `codemod --list`. */
  summary: string;
  /** A paragraph for `codemod --list`: what it inserts, where, and its configuration. */
  description: string;
  safety: 'safe' | 'unsafe';
  /** The findings it wires (rule id, message ids), used to verify the result and in the summary. */
  fixes: { ruleId: string; messageIds: string[] }[];
  /**
   * Codemods built on a rule's own fixes: every fix (safe and unsafe) of the findings in `fixes`,
   * applied to a fixpoint like `tracewire fix`. `run` is not called.
   */
  fromRuleFixes?: boolean;
  run?(ctx: CodemodContext): Promise<void>;
}

export class CodemodUsageError extends Error {}

export interface CodemodReport {
  outcomes: Outcome[];
  /** Findings of the kinds the codemod wires, before and after it ran (all target files). */
  before: number;
  after: number;
  /** Those still reported after the change. */
  remaining: Finding[];
  first: RunResult;
  write?: WriteSummary;
  /** Files whose edits were refused (do not parse, conflicting edits), with the reason. */
  refused: { file: string; reason: string }[];
  /** Packages the changes import that the project does not declare, per package.json. */
  dependencies: NeededDependencies;
}

function lineCol(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: pos - last };
}

/** The version installed in the nearest node_modules that has the package, seen from `file`. */
export function installedVersion(file: string, pkg: string): string | undefined {
  let dir = path.dirname(file);
  for (;;) {
    try {
      const j = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', pkg, 'package.json'), 'utf8')) as { version?: string };
      if (typeof j.version === 'string') return j.version;
    } catch {
      // not here
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function claims(codemod: Codemod, f: Finding): boolean {
  return codemod.fixes.some((c) => c.ruleId === f.ruleId && c.messageIds.includes(f.messageId));
}

/** A codemod made of a rule's fixes: the fix loop restricted to the codemod's findings. */
async function runFromRuleFixes(session: Session, codemod: Codemod): Promise<CodemodReport> {
  const r = await runFix(session, { unsafe: true, only: (f) => claims(codemod, f) });
  const cwd = session.opts.cwd;
  const outcomes: Outcome[] = [];
  const what = (f: Finding) => f.fix?.description ?? f.messageId;
  for (const [file, list] of r.fixedByFile) for (const f of list) outcomes.push({ file, line: f.line, column: f.column, what: what(f), status: 'changed' });
  for (const s of r.skipped) outcomes.push({ file: path.resolve(cwd, s.finding.file), line: s.finding.line, column: s.finding.column, what: s.finding.messageId, status: 'skipped', reason: s.reason });
  for (const f of r.final.findings) {
    if (!claims(codemod, f) || f.fix || f.suggestions?.length) continue;
    outcomes.push({ file: path.resolve(cwd, f.file), line: f.line, column: f.column, what: f.messageId, status: 'skipped', reason: 'the code around it has no shape the fix can rewrite safely; fix it by hand' });
  }
  const before = r.first.findings.filter((f) => claims(codemod, f)).length;
  const remaining = r.final.findings.filter((f) => claims(codemod, f));
  return { outcomes, before, after: remaining.length, remaining, first: r.first, refused: [], dependencies: r.dependencies };
}

export async function runCodemod(session: Session, codemod: Codemod, options: CodemodOptions): Promise<CodemodReport> {
  if (codemod.fromRuleFixes) return runFromRuleFixes(session, codemod);
  const { cwd, config } = session.opts;
  const all: EvaluatedSite[] = [];
  let view: SiteProject | undefined;
  const first = await session.analyse(all, { project: (p) => (view = p) });
  const sites: EvaluatedSite[] = [];
  const suppressed: EvaluatedSite[] = [];
  const suppressedIn = new Map<string, Map<string, (line: number) => boolean>>();
  for (const s of all) {
    const text = session.text(s.file);
    const rule = RULE_OF_KIND[s.kind];
    let byRule = suppressedIn.get(s.file);
    if (!byRule) suppressedIn.set(s.file, (byRule = new Map()));
    let lines = byRule.get(rule);
    if (!lines) byRule.set(rule, (lines = text === undefined ? () => false : suppressedLines(text, rule)));
    if (!s.wired && lines(s.range.line)) suppressed.push(s);
    else sites.push(s);
  }
  const targets = new Set(session.opts.files);
  const project = createProject();
  const editors = new Map<string, FileEditor | null>();
  const outcomes: Outcome[] = [];
  const versions = new PackageVersions();
  const catalog = buildCatalog(config, registry);
  const outcome = (file: string, pos: number, what: string, status: Outcome['status'], reason?: string) => {
    const text = session.text(file) ?? '';
    outcomes.push({ file, ...lineCol(text, pos), what, status, reason });
  };
  const ctx: CodemodContext = {
    cwd,
    config,
    catalog,
    options,
    sites,
    suppressed,
    fixEnv: fixEnv(catalog, (f) => session.text(f), view),
    findings: first.findings,
    targets: [...targets].sort(),
    isTarget: (f) => targets.has(f),
    editor: (file) => {
      let e = editors.get(file);
      if (e === undefined) {
        const text = session.text(file);
        e = text === undefined ? null : FileEditor.open(project, file, text);
        editors.set(file, e);
      }
      return e ?? undefined;
    },
    text: (file) => {
      const t = session.text(file);
      if (t !== undefined) return t;
      try {
        return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
      } catch {
        return undefined;
      }
    },
    changed: (file, pos, what, note) => outcome(file, pos, what, 'changed', note),
    skipped: (file, pos, what, reason) => outcome(file, pos, what, 'skipped', reason),
    declaredVersion: (file, pkg) => versions.declared(file, pkg),
    installedVersion,
    analyse: async (overrides, cfg) => {
      const out: EvaluatedSite[] = [];
      await session.analyse(out, { overrides, config: cfg });
      return out;
    },
  };
  await codemod.run?.(ctx);

  // Apply each file's edits; a file whose result does not parse is left alone.
  const refused: { file: string; reason: string }[] = [];
  const dependencies: NeededDependencies = new Map();
  for (const [file, editor] of editors) {
    if (!editor) continue;
    const edits = editor.finish();
    if (edits.length === 0) continue;
    let next: string;
    try {
      next = applyEdits(editor.text, edits);
    } catch (e) {
      refused.push({ file, reason: `conflicting edits (${(e as Error).message})` });
      continue;
    }
    const problem = session.update(file, next);
    if (problem) refused.push({ file, reason: problem });
    else {
      const missing = editor.addedPackages().filter((pkg) => !versions.declared(file, pkg));
      addNeeded(dependencies, file, missing.map((pkg) => (fixCatalog.packages[pkg] ? { package: pkg, range: fixCatalog.packages[pkg] } : { package: pkg })));
    }
  }
  for (const r of refused) {
    for (const o of outcomes) {
      if (o.file === r.file && o.status === 'changed') {
        o.status = 'skipped';
        o.reason = `not written: ${r.reason}`;
      }
    }
  }

  // Verify: the claimed findings before and after, over every target file.
  const before = first.findings.filter((f) => claims(codemod, f)).length;
  let remaining = first.findings.filter((f) => claims(codemod, f));
  if (session.changed().length) {
    const after = await session.analyse();
    remaining = after.findings.filter((f) => claims(codemod, f));
  }
  return { outcomes, before, after: remaining.length, remaining, first, refused, dependencies };
}
