/**
 * `tracewire explain FILE:LINE`: why the call at that place is (not) wired. Every wiring decision carries
 * its evidence (see `Evidence` in link.ts): the local mechanism (wrapper, option, scope), the processes
 * that run the call with the import chain from each entry point and the registration that traces it
 * there (or the process that lacks one), and the registrations that do not count, with the reason.
 */

import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import { UsageError } from '../engine/files.js';
import type { InventorySite, RunResult } from '../engine/types.js';

export interface Location {
  file: string;
  line: number;
}

/** `src/agent.ts:12` (a column after it is accepted and ignored). */
export function parseLocation(arg: string): Location {
  const m = /^(.+?):(\d+)(?::\d+)?$/.exec(arg);
  if (!m) throw new UsageError(`expected FILE:LINE (e.g. src/agent.ts:12), got '${arg}'`);
  return { file: m[1]!, line: Number(m[2]) };
}

/** The sites at a location: those whose range holds the line, innermost (latest start) first. */
export function sitesAt(result: RunResult, cwd: string, loc: Location): InventorySite[] {
  const want = path.resolve(cwd, loc.file);
  const hits = result.sites.filter((s) => path.resolve(cwd, s.file) === want && s.line <= loc.line && loc.line <= s.endLine);
  return hits.sort((a, b) => b.line - a.line || b.column - a.column);
}

export function formatExplain(sites: InventorySite[], loc: Location, c: ChalkInstance): string {
  if (!sites.length) return `No LLM call, agent run or kickoff at ${loc.file}:${loc.line} (\`tracewire inventory\` lists every one found).\n`;
  const out: string[] = [];
  for (const s of sites) {
    const state = s.state === 'wired' ? c.green('wired') : s.state === 'unknown' ? c.yellow('unknown') : c.red('not wired');
    out.push(`${c.bold(`${s.file}:${s.line}:${s.column}`)}  ${s.callee}  (${s.sdk} ${s.operation}, ${s.kind}): ${state}`);
    const e = s.evidence;
    if (s.url) out.push(`  a raw HTTP request to a model API: ${s.url}${s.provider ? ` (${s.provider})` : ''}; no SDK instrumentation or client wrapper sees it, and an HTTP client span is not an LLM span: only a tracing scope around the call traces it`);
    else if (s.provider) out.push(`  the client talks to ${s.provider}`);
    if (s.wired) out.push(`  wired by ${s.mechanism}`);
    if (e?.local) out.push(`  at the call: ${e.local} (a wrapped client, a tracing option, or an enclosing tracing scope)`);
    if (e && !e.local) {
      if (e.package !== undefined) out.push(`  no entry point in the repository reaches this file: judged by the registrations of its package \`${e.package}\``);
      else if (e.processes.length) out.push(`  processes that run it:`);
      for (const p of e.processes) {
        out.push(`  - ${p.label} [${p.runtime}]`);
        out.push(`      ${p.chain.join(' → ')}`);
        if (p.registration) out.push(`      ${c.green('traced by')} ${p.registration}`);
        else out.push(`      ${c.red(p.lacks ?? 'no tracing')}`);
      }
      if (e.rejected.length) {
        out.push(`  registrations that do not count here:`);
        for (const r of e.rejected) out.push(`  - ${r.mechanism} (${r.file}${r.line ? `:${r.line}` : ''}): ${r.reason}`);
      }
      if (!e.processes.length && e.package === undefined && !s.wired && !e.rejected.length) out.push('  nothing in the project registers tracing for this SDK');
    }
    if (s.state === 'unknown') out.push(`  ${c.yellow('unknown')}: ${s.reason}`);
    out.push('');
  }
  return out.join('\n');
}
