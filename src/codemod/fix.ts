/**
 * `tracewire fix`: apply the rules' fixes to a fixpoint, ESLint- and Ruff-style.
 *
 * Each pass analyses the project (from memory after the first), takes every applicable fix (safe ones;
 * with `--unsafe-fixes` also unsafe fixes and suggestions marked unsafe), applies the non-conflicting
 * ones per file (a fix whose edits touch an earlier fix's waits for the next pass), and refuses any
 * result that no longer parses. Passes stop when nothing applies, after 10 passes (reported as not
 * converging), or per file when its text comes back to an earlier state (circular fixes).
 */

import path from 'node:path';
import type { Finding, Fix, RunResult, TextEdit } from '../engine/types.js';
import { addNeeded, type NeededDependencies } from './dependencies.js';
import { contentHash } from './write.js';
import { type Session, type WriteSummary } from './session.js';
import { applyEdits, editsOverlap } from './text.js';

export const MAX_PASSES = 10;

export interface FixOptions {
  unsafe: boolean;
  /** Only these findings (codemods built on a rule's fixes); others are ignored, not reported. */
  only?: (f: Finding) => boolean;
}

export interface SkippedFinding {
  finding: Finding;
  reason: string;
}

export interface FixReport {
  passes: number;
  converged: boolean;
  /** Fixes applied, per file (absolute path). */
  fixedByFile: Map<string, Finding[]>;
  skipped: SkippedFinding[];
  /** Findings left that no rule can fix, by rule id. */
  unfixable: Map<string, number>;
  final: RunResult;
  first: RunResult;
  write?: WriteSummary;
  /** Packages the applied fixes import that the project does not declare, per package.json. */
  dependencies: NeededDependencies;
}

/** The fix `fix` would apply for a finding, or why none applies. */
export function chooseFix(f: Finding, opts: FixOptions): { fix: Fix } | { reason: string } | undefined {
  if (f.fix) {
    if (f.fix.safety === 'safe' || opts.unsafe) return { fix: f.fix };
    return { reason: `unsafe fix (${f.fix.description ?? 'may change behaviour'}): rerun with --unsafe-fixes to apply it` };
  }
  const unsafe = f.suggestions?.find((s) => s.safety === 'unsafe');
  if (unsafe && opts.unsafe) return { fix: unsafe };
  if (unsafe) return { reason: `unsafe suggestion (${unsafe.description ?? 'may change behaviour'}): rerun with --unsafe-fixes to apply it` };
  if (f.suggestions?.length) return { reason: 'only a suggestion to review (apply it from your editor)' };
  return undefined;
}

function applicable(f: Finding, opts: FixOptions): boolean {
  if (opts.only && !opts.only(f)) return false;
  const c = chooseFix(f, opts);
  return !!c && 'fix' in c;
}

function key(f: Finding): string {
  return `${f.file}\0${f.line}\0${f.column}\0${f.ruleId}\0${f.messageId}`;
}

export async function runFix(session: Session, opts: FixOptions): Promise<FixReport> {
  const cwd = session.opts.cwd;
  const fixedByFile = new Map<string, Finding[]>();
  const dependencies: NeededDependencies = new Map();
  const history = new Map<string, Set<string>>();
  const frozen = new Map<string, string>();
  let result = await session.analyse();
  const first = result;
  /** Passes that applied fixes. */
  let passes = 0;
  let converged = true;
  let lastRejections = new Map<string, string>();
  for (;;) {
    const rejections = new Map<string, string>();
    let applied = 0;
    const byFile = new Map<string, { finding: Finding; fix: Fix }[]>();
    for (const f of result.findings) {
      if (opts.only && !opts.only(f)) continue;
      const c = chooseFix(f, opts);
      if (!c || !('fix' in c)) continue;
      const abs = path.resolve(cwd, f.file);
      if (frozen.has(abs)) {
        rejections.set(key(f), frozen.get(abs)!);
        continue;
      }
      (byFile.get(abs) ?? byFile.set(abs, []).get(abs)!).push({ finding: f, fix: c.fix });
    }
    for (const [file, list] of byFile) {
      const text = session.text(file);
      if (text === undefined) {
        for (const { finding } of list) rejections.set(key(finding), 'the file could not be read for fixing');
        continue;
      }
      const seen = history.get(file) ?? history.set(file, new Set([contentHash(text)])).get(file)!;
      list.sort((a, b) => Math.min(...a.fix.edits.map((e) => e.start)) - Math.min(...b.fix.edits.map((e) => e.start)));
      // Greedy: a fix joins when none of its edits touches an accepted fix's edits and the result parses.
      const accepted: { finding: Finding; fix: Fix }[] = [];
      let current = text;
      for (const c0 of list) {
        if (c0.fix.edits.length === 0) continue;
        // An edit identical to one an accepted fix makes (the same import added by two fixes) is made once.
        const same = (a: TextEdit, b: TextEdit) => a.start === b.start && a.end === b.end && a.text === b.text;
        const edits = c0.fix.edits.filter((x) => !accepted.some((a) => a.fix.edits.some((e) => same(e, x))));
        if (edits.length === 0) continue;
        const c = edits.length === c0.fix.edits.length ? c0 : { finding: c0.finding, fix: { ...c0.fix, edits } };
        if (accepted.some((a) => a.fix.edits.some((e) => c.fix.edits.some((x) => editsOverlap(e, x))))) {
          rejections.set(key(c.finding), 'conflicts with another fix in the same place');
          continue;
        }
        let next: string;
        try {
          next = applyEdits(text, [...accepted, c].flatMap((a) => a.fix.edits));
        } catch {
          rejections.set(key(c.finding), 'the fix has overlapping edits');
          continue;
        }
        const problem = session.update(file, next);
        if (problem) {
          rejections.set(key(c.finding), `the fix would break the syntax: ${problem}`);
          session.update(file, current);
          continue;
        }
        accepted.push(c);
        current = next;
      }
      if (accepted.length === 0 || current === text) continue;
      const h = contentHash(current);
      if (seen.has(h)) {
        // Back to an earlier state: the fixes undo each other. Keep the text as it was before this pass.
        session.update(file, text);
        const reason = 'circular fixes: applying them brings the file back to an earlier state';
        frozen.set(file, reason);
        for (const a of accepted) rejections.set(key(a.finding), reason);
        continue;
      }
      seen.add(h);
      applied += accepted.length;
      for (const a of accepted) addNeeded(dependencies, file, a.fix.dependencies);
      const log = fixedByFile.get(file) ?? fixedByFile.set(file, []).get(file)!;
      log.push(...accepted.map((a) => a.finding));
    }
    lastRejections = rejections;
    if (applied === 0) break;
    passes++;
    result = await session.analyse();
    if (passes >= MAX_PASSES) {
      // Fixes still applicable after the last pass: report them as not converging.
      converged = !result.findings.some((f) => applicable(f, opts));
      break;
    }
  }

  const skipped: SkippedFinding[] = [];
  const unfixable = new Map<string, number>();
  for (const f of result.findings) {
    if (opts.only && !opts.only(f)) continue;
    const c = chooseFix(f, opts);
    if (!c) {
      unfixable.set(f.ruleId, (unfixable.get(f.ruleId) ?? 0) + 1);
      continue;
    }
    if ('reason' in c) skipped.push({ finding: f, reason: c.reason });
    else skipped.push({ finding: f, reason: lastRejections.get(key(f)) ?? (converged ? 'the fix did not take effect' : `fixes did not converge after ${MAX_PASSES} passes`) });
  }
  return { passes, converged, fixedByFile, skipped, unfixable, final: result, first, dependencies };
}
