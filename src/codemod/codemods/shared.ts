/** Pieces several codemods use: configured imports, package versions, site lookup. */

import semver from 'semver';
import type { MemberSpec, PackageModel } from '../../engine/catalog-schema.js';
import { parseErrorOf, parseSource } from '../../engine/analyze-file.js';
import type { EvaluatedSite } from '../../engine/link.js';
import type { CodemodContext } from '../codemod.js';
import type { TextEdit } from '../../engine/types.js';
import { type FileEditor, parseRef } from '../editor.js';
import { applyEdits, mapOffset } from '../text.js';

/** The major version of `pkg` the file runs with: installed if found, else the lowest the declared range allows. */
export function majorVersion(ctx: CodemodContext, file: string, pkg: string): { major?: number; source: 'installed' | 'declared' | 'unknown' } {
  const installed = ctx.installedVersion(file, pkg);
  if (installed && semver.valid(installed)) return { major: semver.major(installed), source: 'installed' };
  const declared = ctx.declaredVersion(file, pkg);
  if (declared) {
    const min = semver.validRange(declared) ? semver.minVersion(declared) : semver.coerce(declared);
    if (min) return { major: min.major, source: 'declared' };
  }
  return { source: 'unknown' };
}

/** The identifier an expression starts from (`getCallbackHandler` in `getCallbackHandler()`, `X` in `new X.Y()`). */
export function rootIdentifier(expr: string): string | undefined {
  const m = /^\s*(?:new\s+)?([A-Za-z_$][\w$]*)/.exec(expr);
  return m?.[1];
}

/**
 * Bind the imports a configured expression needs in a file. Each reference's local name must be the
 * identifier the expression uses, so a clash with another binding of that name is an error.
 */
export function bindConfiguredImports(ed: FileEditor, refs: string[], dir: string, expr: string): string | undefined {
  const root = rootIdentifier(expr);
  for (const r of refs) {
    const ref = parseRef(r, dir);
    const local = ref.name === 'default' ? root : ref.name;
    if (!local) return `cannot tell which name \`${expr}\` uses for the default import of ${r}`;
    const b = ed.importBinding(ref, { local, exact: true });
    if ('error' in b) return b.error;
  }
  return undefined;
}

/** Sites grouped by file, in source order. */
export function sitesByFile(sites: EvaluatedSite[]): Map<string, EvaluatedSite[]> {
  const out = new Map<string, EvaluatedSite[]>();
  for (const s of sites) (out.get(s.file) ?? out.set(s.file, []).get(s.file)!).push(s);
  for (const list of out.values()) list.sort((a, b) => a.range.start - b.range.start);
  return out;
}

/** Short label of a site for the summary: its callee text. */
export function label(site: EvaluatedSite): string {
  return site.callee;
}

/** Whether configured code is one valid expression (it is inserted verbatim). */
export function validExpression(code: string): boolean {
  if (!code.trim()) return false;
  const sf = parseSource('expr.ts', `(${code}\n);`);
  return !parseErrorOf(sf) && sf.statements.length === 1;
}

export interface ProbeCandidate {
  id: number;
  file: string;
  /** Edits (to the file's current text) that put the probe call in place. */
  edits: TextEdit[];
  /** What the probe function does for the engine: wraps a client, registers an instance, ... */
  spec: (mechanism: string) => MemberSpec;
}

const PROBE_MODULE = 'tracewire-codemod-probe';

/** The name of candidate `id`'s probe function (import it in the probe edits). */
export function probeName(id: number): string {
  return `__twProbe${id}`;
}

/**
 * Ask the engine which untraced sites each candidate change would wire: every candidate gets its own
 * probe function (a catalog member with a mechanism of its own), all are put in place in an in-memory
 * copy of the project, and the project is analysed again. A site wired by `probe:<id>` that was
 * untraced before is attributed to candidate `id`. The engine follows values through fields,
 * factories and other files, so the codemod does not have to.
 */
export async function probe(ctx: CodemodContext, candidates: ProbeCandidate[], unwired: EvaluatedSite[]): Promise<Map<number, EvaluatedSite[]>> {
  const attributed = new Map<number, EvaluatedSite[]>();
  if (candidates.length === 0 || unwired.length === 0) return attributed;
  const members: Record<string, MemberSpec> = {};
  const editsByFile = new Map<string, TextEdit[]>();
  const namesByFile = new Map<string, string[]>();
  for (const c of candidates) {
    members[probeName(c.id)] = c.spec(`probe:${c.id}`);
    (editsByFile.get(c.file) ?? editsByFile.set(c.file, []).get(c.file)!).push(...c.edits);
    (namesByFile.get(c.file) ?? namesByFile.set(c.file, []).get(c.file)!).push(probeName(c.id));
  }
  const overrides = new Map<string, string>();
  for (const [file, edits] of editsByFile) {
    const text = ctx.text(file);
    if (text === undefined) continue;
    // The import goes last, so the probe edits shift no offset before it; imports bind file-wide.
    overrides.set(file, applyEdits(text, edits) + `\nimport { ${namesByFile.get(file)!.join(', ')} } from '${PROBE_MODULE}';\n`);
  }
  const model: PackageModel = { id: 'codemod-probe', name: 'codemod probe', role: 'tracing', modules: { [PROBE_MODULE]: members } };
  const probed = await ctx.analyse(overrides, { ...ctx.config, models: [...ctx.config.models, model] });
  const byKey = new Map<string, EvaluatedSite>();
  for (const s of unwired) byKey.set(`${s.file}\0${mapOffset(s.range.end, editsByFile.get(s.file) ?? [])}`, s);
  for (const s of probed) {
    const m = /^probe:(\d+)$/.exec(s.mechanism ?? '');
    if (!m) continue;
    const orig = byKey.get(`${s.file}\0${s.range.end}`);
    if (!orig) continue;
    const id = Number(m[1]);
    (attributed.get(id) ?? attributed.set(id, []).get(id)!).push(orig);
  }
  return attributed;
}
