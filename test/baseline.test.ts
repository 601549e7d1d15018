/**
 * Baselines: `tracewire baseline` records today's findings; `check --baseline` fails only on new ones and
 * counts the entries that no longer occur; `baseline --prune` drops those. Fingerprints are tested
 * against the edits a codebase goes through: lines added above, reformatting, duplicates, moves.
 */

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { anchorOf, fingerprintFindings, lineStartsOf, matchBaseline, normalizeSource, type BaselineEntry } from '../src/engine/baseline.js';
import type { Finding } from '../src/engine/types.js';
import { tempProject } from './helpers/engine.js';

async function cli(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

async function checkJson(cwd: string, ...argv: string[]) {
  const r = await cli(cwd, 'check', '--format', 'json', ...argv);
  return { ...r, out: JSON.parse(r.stdout) };
}

const AGENT = `import OpenAI from 'openai';

const client = new OpenAI();

export async function triage(ticket: string) {
  const res = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: ticket }],
  });
  return res.choices[0]?.message.content;
}

export async function ping() {
  return client.models.list();
}

export async function embed(text: string) {
  return client.embeddings.create({ model: 'text-embedding-3-small', input: text });
}

export async function embedAgain(text: string) {
  return client.embeddings.create({ model: 'text-embedding-3-small', input: text });
}
`;

const write = (dir: string, file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');

describe('fingerprint normalisation', () => {
  it('ignores whitespace, comments, quote style and trailing commas, but not code', () => {
    const a = normalizeSource(`client.chat.completions.create({\n  model: 'gpt-4o', // cheap\n  messages,\n})`);
    expect(normalizeSource(`client.chat.completions.create({ model: "gpt-4o", messages })`)).toBe(a);
    expect(normalizeSource(`client.chat.completions\n  .create({model:'gpt-4o',/* x */messages,},)`)).toBe(a);
    expect(normalizeSource(`client.chat.completions.create({ model: 'gpt-4.1', messages })`)).not.toBe(a);
    expect(normalizeSource(`other.chat.completions.create({ model: 'gpt-4o', messages })`)).not.toBe(a);
    // A `//` inside a string is not a comment.
    expect(normalizeSource(`f('http://x')`)).toBe(`f("http://x")`);
  });

  it('anchors on the start of the finding: edits deep inside a long call do not count', () => {
    const long = (tail: string) => `client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'system', content: 'You are a helpful assistant for the billing team of the company. Answer briefly and cite the invoice number.' }, { role: 'user', content: '${tail}' }] })`;
    const anchor = (t: string) => anchorOf(t, lineStartsOf(t), { line: 1, column: 1, endLine: 1, endColumn: t.length + 1 });
    expect(anchor(long('first question'))).toBe(anchor(long('a different question')));
    expect(anchor(long('q')).length).toBe(160);
  });

  it('is stable across versions: the hash of a known finding is pinned', () => {
    const text = `import OpenAI from 'openai';\nconst client = new OpenAI();\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
    const finding: Finding = { ruleId: 'require-llm-tracing', severity: 'error', file: 'src/a.ts', line: 3, column: 25, endLine: 3, endColumn: 90, messageId: 'unwiredCall', message: '' };
    const [fp] = fingerprintFindings([finding], { root: '/p', abs: () => '/p/src/a.ts', text: () => text });
    // Changing this value invalidates every baseline users have committed: bump FINGERPRINT_KEY and the format version instead.
    expect(fp!.fingerprint).toBe('bd1f52cc2eb21f88abbdf3dd:0');
  });

  it('pairs duplicates by position: a new copy above old ones is the new finding', () => {
    const mk = (line: number): Finding => ({ ruleId: 'r', severity: 'error', file: 'a.ts', line, column: 1, endLine: line, endColumn: 5, messageId: 'm', message: '' });
    const text = (lines: number[]) => {
      const out: string[] = Array.from({ length: 60 }, () => '');
      for (const l of lines) out[l - 1] = 'call()';
      return out.join('\n');
    };
    const fps = (lines: number[]) => fingerprintFindings(lines.map(mk), { root: '/p', abs: () => '/p/a.ts', text: () => text(lines) });
    const base: BaselineEntry[] = fps([20, 40]).map((f) => ({ fingerprint: f.fingerprint, ruleId: 'r', messageId: 'm', file: f.file, line: f.finding.line }));
    // Five lines added at the top, and a new copy at line 3.
    const m = matchBaseline(fps([3, 25, 45]), base);
    expect(m.fresh.map((f) => f.finding.line)).toEqual([3]);
    expect(m.stale).toEqual([]);
    // One copy removed: one entry is stale, the one farthest from what is left.
    const m2 = matchBaseline(fps([41]), base);
    expect(m2.fresh).toEqual([]);
    expect(m2.stale.map((e) => e.line)).toEqual([20]);
  });
});

describe('tracewire baseline and check --baseline', () => {
  it('records findings, then fails only on new ones across unrelated edits', async () => {
    const dir = tempProject({ 'src/agent.ts': AGENT, 'src/other.ts': `export const x = 1;\n` });
    const before = await checkJson(dir);
    expect(before.code).toBe(1);
    expect(before.out.findings).toHaveLength(3);

    const b = await cli(dir, 'baseline');
    expect(b.code).toBe(0);
    expect(b.stdout).toBe('Wrote tracewire-baseline.json: 3 findings in 1 file. `tracewire check --baseline tracewire-baseline.json` now fails only on new ones.\n');
    const data = JSON.parse(read(dir, 'tracewire-baseline.json'));
    expect(data.version).toBe(1);
    expect(data.entries.map((e: BaselineEntry) => [e.file, e.line, e.ruleId, e.messageId])).toEqual([
      ['src/agent.ts', 6, 'require-llm-tracing', 'unwiredCall'],
      ['src/agent.ts', 18, 'require-llm-tracing', 'unwiredCall'],
      ['src/agent.ts', 22, 'require-llm-tracing', 'unwiredCall'],
    ]);
    // The two identical embeddings calls share a hash and are numbered.
    expect(data.entries[1].fingerprint.replace(/:\d+$/, '')).toBe(data.entries[2].fingerprint.replace(/:\d+$/, ''));
    expect([data.entries[1].fingerprint.slice(-2), data.entries[2].fingerprint.slice(-2)]).toEqual([':0', ':1']);

    const clean = await checkJson(dir, '--baseline', 'tracewire-baseline.json');
    expect(clean.code).toBe(0);
    expect(clean.out.findings).toEqual([]);
    expect(clean.out.baseline).toEqual({ file: 'tracewire-baseline.json', matched: 3, stale: 0 });
    expect(clean.out.summary.findings).toBe(0);

    // Unrelated edits: an import and a helper added above, the file reformatted the way prettier would
    // (double quotes, trailing commas, the long call joined on one line), and a function changed elsewhere.
    const edited =
      `import { z } from "zod";\nimport OpenAI from "openai";\n\nconst Ticket = z.string().min(1);\nconst client = new OpenAI();\n\n` +
      `export async function triage(ticket: string) {\n  Ticket.parse(ticket);\n  const res = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: ticket },], });\n  return res.choices[0]?.message.content ?? null;\n}\n\n` +
      `export async function ping() {\n  return client.models.list();\n}\n\n` +
      `export async function embed(text: string) {\n  return client.embeddings.create({\n    model: "text-embedding-3-small",\n    input: text,\n  });\n}\n\n` +
      `export async function embedAgain(text: string) {\n  return client.embeddings.create({ model: "text-embedding-3-small", input: text });\n}\n`;
    write(dir, 'src/agent.ts', edited);
    const after = await checkJson(dir, '--baseline', 'tracewire-baseline.json');
    expect(after.out.findings).toEqual([]);
    expect(after.out.baseline).toEqual({ file: 'tracewire-baseline.json', matched: 3, stale: 0 });
    expect(after.code).toBe(0);

    // A new, identical call added above the old ones is reported, and only it.
    write(dir, 'src/agent.ts', edited.replace('export async function triage', 'export const warm = (t: string) => client.embeddings.create({ model: "text-embedding-3-small", input: t });\n\nexport async function triage'));
    const added = await checkJson(dir, '--baseline', 'tracewire-baseline.json');
    expect(added.code).toBe(1);
    expect(added.out.findings.map((f: Finding) => [f.file, f.line])).toEqual([['src/agent.ts', 7]]);
    expect(added.out.baseline).toEqual({ file: 'tracewire-baseline.json', matched: 3, stale: 0 });

    // The same finding in another file is new there.
    write(dir, 'src/agent.ts', edited);
    write(dir, 'src/other.ts', `import OpenAI from 'openai';\nconst client = new OpenAI();\nexport const embed = (text: string) => client.embeddings.create({ model: "text-embedding-3-small", input: text });\n`);
    const moved = await checkJson(dir, '--baseline', 'tracewire-baseline.json');
    expect(moved.out.findings.map((f: Finding) => f.file)).toEqual(['src/other.ts']);
    write(dir, 'src/other.ts', `export const x = 1;\n`);

    // Changing the call itself makes it new, and its old entry stale.
    write(dir, 'src/agent.ts', edited.replace('model: "gpt-4o-mini"', 'model: "gpt-4.1"'));
    const changed = await cli(dir, 'check', '--baseline', 'tracewire-baseline.json');
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/src\/agent\.ts\n\s+9:21\s+error/);
    expect(changed.stdout).toContain('  2 more findings are in the baseline (tracewire-baseline.json) and not reported.\n');
    expect(changed.stdout).toContain('  1 baseline entry no longer occurs: `tracewire baseline --prune` drops them.\n');
  });

  it('counts stale entries and prunes them without recording new findings', async () => {
    const dir = tempProject({ 'src/agent.ts': AGENT });
    await cli(dir, 'baseline');
    // Wire one call: its entry no longer occurs. Add a new unwired one elsewhere.
    write(dir, 'src/agent.ts', AGENT.replace("import OpenAI from 'openai';", "import OpenAI from 'openai';\nimport { traceable } from 'langsmith/traceable';").replace(
      /export async function triage\(ticket: string\) \{([\s\S]*?)\n\}\n/,
      'export const triage = traceable(async (ticket: string) => {$1\n});\n',
    ));
    write(dir, 'src/new.ts', `import OpenAI from 'openai';\nconst c = new OpenAI();\nexport const go = () => c.responses.create({ model: 'gpt-4o', input: 'hi' });\n`);
    const r = await checkJson(dir, '--baseline', 'tracewire-baseline.json');
    expect(r.out.findings.map((f: Finding) => f.file)).toEqual(['src/new.ts']);
    expect(r.out.baseline).toEqual({ file: 'tracewire-baseline.json', matched: 2, stale: 1 });
    // Machine-readable stdout stays clean; the news goes to stderr.
    expect(r.stderr).toBe('tracewire:\n  2 more findings are in the baseline (tracewire-baseline.json) and not reported.\n  1 baseline entry no longer occurs: `tracewire baseline --prune` drops them.\n');

    const p = await cli(dir, 'baseline', '--prune');
    expect(p.code).toBe(0);
    expect(p.stdout).toBe('Pruned 1 stale entry from tracewire-baseline.json; 2 remain.\n');
    const entries = JSON.parse(read(dir, 'tracewire-baseline.json')).entries as BaselineEntry[];
    expect(entries.map((e) => [e.file, e.line])).toEqual([
      ['src/agent.ts', 19],
      ['src/agent.ts', 23],
    ]);
    const again = await checkJson(dir, '--baseline', 'tracewire-baseline.json');
    expect(again.out.baseline).toEqual({ file: 'tracewire-baseline.json', matched: 2, stale: 0 });
    expect(again.out.findings.map((f: Finding) => f.file)).toEqual(['src/new.ts']);
    expect(again.code).toBe(1);
  });

  it('keeps paths relative to the baseline file, from any working directory', async () => {
    const dir = tempProject({ 'pkg/src/agent.ts': AGENT, 'tracewire.config.json': '{}' });
    await cli(dir, 'baseline', '--baseline', 'ci/tw-baseline.json');
    const entries = JSON.parse(read(dir, 'ci/tw-baseline.json')).entries as BaselineEntry[];
    expect(new Set(entries.map((e) => e.file))).toEqual(new Set(['../pkg/src/agent.ts']));
    const sub = await checkJson(path.join(dir, 'pkg'), '--baseline', '../ci/tw-baseline.json');
    expect(sub.out.findings).toEqual([]);
    expect(sub.out.baseline).toEqual({ file: '../ci/tw-baseline.json', matched: 3, stale: 0 });
    expect(sub.code).toBe(0);
  });

  it('only touches the files it checks: others are neither stale nor rewritten', async () => {
    const dir = tempProject({ 'src/agent.ts': AGENT, 'src/b.ts': AGENT });
    await cli(dir, 'baseline');
    expect(JSON.parse(read(dir, 'tracewire-baseline.json')).entries).toHaveLength(6);
    const one = await checkJson(dir, 'src/b.ts', '--baseline', 'tracewire-baseline.json');
    expect(one.out.baseline).toEqual({ file: 'tracewire-baseline.json', matched: 3, stale: 0 });
    // Re-recording one file keeps the other file's entries.
    write(dir, 'src/b.ts', `export const nothing = 0;\n`);
    await cli(dir, 'baseline', 'src/b.ts');
    const entries = JSON.parse(read(dir, 'tracewire-baseline.json')).entries as BaselineEntry[];
    expect(entries.map((e) => e.file)).toEqual(['src/agent.ts', 'src/agent.ts', 'src/agent.ts']);
  });

  it('combines with --quiet: warnings in the baseline are not stale', async () => {
    const dir = tempProject({ 'tracewire.config.json': JSON.stringify({ rules: { 'require-llm-tracing': 'warn' } }), 'src/agent.ts': AGENT });
    await cli(dir, 'baseline');
    const r = await checkJson(dir, '--quiet', '--baseline', 'tracewire-baseline.json');
    expect(r.out.baseline).toEqual({ file: 'tracewire-baseline.json', matched: 3, stale: 0 });
  });

  it('exits 2 on a missing or malformed baseline', async () => {
    const dir = tempProject({ 'src/agent.ts': AGENT, 'bad.json': '{"version":1,"entries":[{"fingerprint":"zz"}]}', 'worse.json': '{' });
    const missing = await cli(dir, 'check', '--baseline', 'nope.json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^tracewire: cannot read the baseline .*nope\.json: no such file \(create it with `tracewire baseline`\)\n$/);
    const bad = await cli(dir, 'check', '--baseline', 'bad.json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json: entries\[0\]: expected/);
    expect((await cli(dir, 'check', '--baseline', 'worse.json')).code).toBe(2);
    expect((await cli(dir, 'baseline', '--prune')).code).toBe(2);
  });
});
