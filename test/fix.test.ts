/**
 * `tracewire fix` and the write path every codemod shares: safe vs unsafe fixes, the dry-run diff,
 * line endings and byte order marks, atomic writes, the git guard, the content-hash check, and the
 * fix loop's guards (re-parse, conflicts, circular fixes, the pass cap) on scripted findings.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { applyPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { rulesById } from '../rules/index.js';
import { main } from '../src/cli/main.js';
import { MAX_PASSES, runFix } from '../src/codemod/fix.js';
import { Session } from '../src/codemod/session.js';
import { applyEdits, mapOffset } from '../src/codemod/text.js';
import { atomicWrite } from '../src/codemod/write.js';
import { resolveConfig } from '../src/config/load.js';
import type { EvaluatedSite } from '../src/engine/link.js';
import type { Finding, Fix, RunResult } from '../src/engine/types.js';
import { tempProject } from './helpers/engine.js';
import { hasGit } from './helpers/system-tools.js';

async function cli(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const PKG = JSON.stringify({ name: 'support-bot', private: true, type: 'module', dependencies: { ai: '^5.0.0', '@ai-sdk/openai': '^2.0.0' } });

const AI_CALL = `import { generateText } from 'ai';
import { openai } from '@ai-sdk/openai';

export async function summarize(text: string) {
  const { text: summary } = await generateText({
    model: openai('gpt-4o-mini'),
    prompt: text,
  });
  return summary;
}
`;

const AI_FIXED = AI_CALL.replace("    prompt: text,\n", '    prompt: text,\n    experimental_telemetry: { isEnabled: true },\n');

// An `await` follows the `end()` the fix removes: the rule calls that fix unsafe (the span gets longer).
const SPAN_UNSAFE = `import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('inventory');

export async function sync(sku: string) {
  const span = tracer.startSpan('inventory.sync');
  if (!sku) return;
  await save(sku);
  span.end();
  await audit(sku);
}

declare function save(sku: string): Promise<void>;
declare function audit(sku: string): Promise<void>;
`;

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1', HOME: cwd },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function gitRepo(files: Record<string, string>): string {
  const dir = tempProject(files);
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

describe('fix', () => {
  it('applies safe fixes, says what it fixed, and a second run has nothing left to do', async () => {
    const dir = tempProject({ 'package.json': PKG, 'src/summarize.ts': AI_CALL });
    const r = await cli(dir, 'fix');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Fixed 1 finding in 1 file (1 pass).\n  src/summarize.ts: 1 require-llm-tracing\n');
    expect(fs.readFileSync(path.join(dir, 'src/summarize.ts'), 'utf8')).toBe(AI_FIXED);
    const again = await cli(dir, 'fix');
    expect(again.stdout).toContain('Fixed 0 findings in 0 files.');
    expect(fs.readFileSync(path.join(dir, 'src/summarize.ts'), 'utf8')).toBe(AI_FIXED);
  });

  it('--dry-run prints a unified diff (that applies) and writes nothing', async () => {
    const dir = tempProject({ 'package.json': PKG, 'src/summarize.ts': AI_CALL });
    const file = path.join(dir, 'src/summarize.ts');
    const mtime = fs.statSync(file).mtimeMs;
    const r = await cli(dir, 'fix', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^--- a\/src\/summarize\.ts\n\+\+\+ b\/src\/summarize\.ts\n@@ -5,6 \+5,7 @@\n/);
    expect(r.stdout).toContain('\n+    experimental_telemetry: { isEnabled: true },\n');
    expect(r.stderr).toContain('Would fix 1 finding in 1 file (1 pass); nothing written (--dry-run).');
    expect(fs.readFileSync(file, 'utf8')).toBe(AI_CALL);
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
    expect(applyPatch(AI_CALL, r.stdout)).toBe(AI_FIXED);
  });

  it('leaves unsafe fixes to --unsafe-fixes, and says so', async () => {
    const dir = tempProject({ 'src/sync.ts': SPAN_UNSAFE });
    const file = path.join(dir, 'src/sync.ts');
    const safe = await cli(dir, 'fix');
    expect(safe.code).toBe(1);
    expect(safe.stdout).toContain('Skipped 1 finding:\n  src/sync.ts:6:16  require-span-end  unsafe fix (End `span` in a `finally` block): rerun with --unsafe-fixes to apply it\n');
    expect(fs.readFileSync(file, 'utf8')).toBe(SPAN_UNSAFE);
    const unsafe = await cli(dir, 'fix', '--unsafe-fixes');
    expect(unsafe.code).toBe(0);
    expect(unsafe.stdout).toContain('Fixed 1 finding in 1 file');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('  try {\n    if (!sku) return;\n    await save(sku);\n    await audit(sku);\n  } finally {\n    span.end();\n  }\n');
  });

  it('keeps CRLF line endings and the byte order mark', async () => {
    const crlf = '\uFEFF' + AI_CALL.replace(/\n/g, '\r\n');
    const dir = tempProject({ 'package.json': PKG, 'src/summarize.ts': crlf });
    const r = await cli(dir, 'fix');
    expect(r.code).toBe(0);
    const buf = fs.readFileSync(path.join(dir, 'src/summarize.ts'));
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buf.toString('utf8');
    expect(text).toBe('\uFEFF' + AI_FIXED.replace(/\n/g, '\r\n'));
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('writes atomically: no temporary file left, permissions kept, a symlink stays a symlink', async () => {
    const dir = tempProject({ 'package.json': PKG, 'real/summarize.ts': AI_CALL });
    fs.mkdirSync(path.join(dir, 'src'));
    fs.symlinkSync(path.join(dir, 'real/summarize.ts'), path.join(dir, 'src/summarize.ts'));
    fs.chmodSync(path.join(dir, 'real/summarize.ts'), 0o640);
    const r = await cli(dir, 'fix', 'src/summarize.ts');
    expect(r.code).toBe(0);
    expect(fs.lstatSync(path.join(dir, 'src/summarize.ts')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'real/summarize.ts'), 'utf8')).toBe(AI_FIXED);
    expect(fs.statSync(path.join(dir, 'real/summarize.ts')).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(path.join(dir, 'real'))).toEqual(['summarize.ts']);
    expect(fs.readdirSync(path.join(dir, 'src'))).toEqual(['summarize.ts']);
  });

  it('a failed write removes its temporary file and leaves the target as it was', () => {
    const dir = tempProject({ 'a.ts': 'old\n' });
    const target = path.join(dir, 'a.ts');
    fs.mkdirSync(path.join(dir, 'blocker'));
    // Renaming a file over a directory fails after the temporary file was written.
    expect(() => atomicWrite(path.join(dir, 'blocker'), Buffer.from('new\n'))).toThrow();
    expect(fs.readdirSync(dir).sort()).toEqual(['a.ts', 'blocker']);
    expect(fs.readFileSync(target, 'utf8')).toBe('old\n');
  });

  it.runIf(hasGit())('refuses files with uncommitted changes in git unless --allow-dirty', async () => {
    const dir = gitRepo({ 'package.json': PKG, 'src/summarize.ts': AI_CALL, 'src/other.ts': AI_CALL });
    // An unrelated file with changes does not block: only files that would change count.
    fs.writeFileSync(path.join(dir, 'package.json'), PKG + '\n');
    fs.appendFileSync(path.join(dir, 'src/summarize.ts'), '// wip\n');
    fs.writeFileSync(path.join(dir, 'src/new.ts'), AI_CALL);
    const r = await cli(dir, 'fix');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tracewire fix: 2 files to change have uncommitted changes in git:\n  src/new.ts (untracked)\n  src/summarize.ts (modified)\n');
    expect(r.stderr).toContain('--allow-dirty');
    expect(fs.readFileSync(path.join(dir, 'src/other.ts'), 'utf8')).toBe(AI_CALL);
    const forced = await cli(dir, 'fix', '--allow-dirty');
    expect(forced.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'src/summarize.ts'), 'utf8')).toBe(AI_FIXED + '// wip\n');
    expect(fs.readFileSync(path.join(dir, 'src/other.ts'), 'utf8')).toBe(AI_FIXED);
  });

  it.runIf(hasGit())('writes a clean git work tree, and a staged change counts as uncommitted', async () => {
    const dir = gitRepo({ 'package.json': PKG, 'src/summarize.ts': AI_CALL });
    fs.appendFileSync(path.join(dir, 'src/summarize.ts'), '\n');
    git(dir, 'add', 'src/summarize.ts');
    const staged = await cli(dir, 'fix');
    expect(staged.code).toBe(2);
    expect(staged.stderr).toContain('src/summarize.ts (staged)');
    git(dir, 'commit', '-q', '-m', 'blank line');
    const clean = await cli(dir, 'fix');
    expect(clean.code).toBe(0);
    expect(git(dir, 'status', '--porcelain')).toBe(' M src/summarize.ts\n');
  });

  it('skips a file that changed on disk after it was analysed', async () => {
    const dir = tempProject({ 'package.json': PKG, 'src/a.ts': AI_CALL, 'src/b.ts': AI_CALL });
    const config = resolveConfig({}, undefined, rulesById, '', dir);
    const files = ['src/a.ts', 'src/b.ts'].map((f) => path.join(dir, f));
    const session = new Session({ cwd: dir, files, config });
    const report = await runFix(session, { unsafe: false });
    expect(report.fixedByFile.size).toBe(2);
    fs.writeFileSync(files[0]!, AI_CALL + '// edited meanwhile\n');
    const w = session.commit();
    expect(w.written).toEqual([files[1]]);
    expect(w.failed).toEqual([{ file: files[0], reason: 'the file changed on disk after it was analysed; run again' }]);
    expect(fs.readFileSync(files[0]!, 'utf8')).toBe(AI_CALL + '// edited meanwhile\n');
    expect(fs.readFileSync(files[1]!, 'utf8')).toBe(AI_FIXED);
  });

  it('refuses to run the codemod or fix on a file that does not exist, with exit 2', async () => {
    const dir = tempProject({ 'src/a.ts': 'export {};\n' });
    expect((await cli(dir, 'fix', 'nope.ts')).code).toBe(2);
  });
});

/** A session whose analysis is scripted: each pass's findings come from the current texts. */
class ScriptedSession extends Session {
  passes = 0;
  constructor(
    dir: string,
    files: Record<string, string>,
    private readonly script: (file: string, text: string) => { messageId: string; fix: Fix }[],
  ) {
    super({ cwd: dir, files: Object.keys(files).map((f) => path.join(dir, f)), config: resolveConfig({}, undefined, rulesById, '', dir) });
    for (const [rel, text] of Object.entries(files)) {
      const file = path.join(dir, rel);
      this.states.set(file, { file, shown: rel, original: Buffer.from(text), hash: '', bom: false, before: text, text });
    }
  }
  override async analyse(_sites?: EvaluatedSite[]): Promise<RunResult> {
    this.passes++;
    const findings: Finding[] = [];
    for (const st of this.states.values()) {
      for (const f of this.script(st.file, st.text)) {
        findings.push({ ruleId: 'scripted', severity: 'error', file: st.shown, line: 1, column: 1, endLine: 1, endColumn: 1, messageId: f.messageId, message: f.messageId, fix: f.fix });
      }
    }
    return { findings, errors: [], sites: [], files: this.states.size, durationMs: 0 };
  }
}

const at = (start: number, end: number, text: string): Fix => ({ safety: 'safe', edits: [{ start, end, text }] });

describe('the fix loop', () => {
  const dir = tempProject({});

  it('refuses a fix whose result does not parse and keeps the others', async () => {
    const s = new ScriptedSession(dir, { 'a.ts': 'const a = 1;\nconst b = 2;\n' }, (_f, t) => [
      { messageId: 'breaks', fix: at(0, 5, 'const (') },
      ...(t.includes('one') ? [] : [{ messageId: 'fine', fix: at(13, 18, '/* one */ const') }]),
    ]);
    const r = await runFix(s, { unsafe: false });
    expect(s.text(path.join(dir, 'a.ts'))).toBe('const a = 1;\n/* one */ const b = 2;\n');
    expect(r.skipped.map((x) => [x.finding.messageId, x.reason.replace(/\(.*/, '')])).toEqual([['breaks', 'the fix would break the syntax: the changed text would not parse ']]);
  });

  it('defers a fix that touches another to the next pass', async () => {
    let passes = 0;
    const s = new ScriptedSession(dir, { 'a.ts': 'let x = 1;\n' }, (_f, t) => {
      passes++;
      const out: { messageId: string; fix: Fix }[] = [];
      if (t.startsWith('let')) out.push({ messageId: 'const', fix: at(0, 3, 'const') });
      if (!t.includes('/*')) out.push({ messageId: 'note', fix: at(0, 0, '/* checked */ ') });
      return out;
    });
    const r = await runFix(s, { unsafe: false });
    expect(s.text(path.join(dir, 'a.ts'))).toBe('/* checked */ const x = 1;\n');
    expect(r.passes).toBe(2);
    expect(passes).toBe(3);
    expect(r.skipped).toEqual([]);
  });

  it('stops circular fixes and reports them', async () => {
    const s = new ScriptedSession(dir, { 'a.ts': 'let x = 1;\n' }, (_f, t) =>
      t.startsWith('let') ? [{ messageId: 'toConst', fix: at(0, 3, 'const') }] : [{ messageId: 'toLet', fix: at(0, 5, 'let') }],
    );
    const r = await runFix(s, { unsafe: false });
    expect(s.text(path.join(dir, 'a.ts'))).toBe('const x = 1;\n');
    expect(r.skipped.map((x) => x.reason)).toEqual(['circular fixes: applying them brings the file back to an earlier state']);
  });

  it(`gives up after ${MAX_PASSES} passes when fixes keep coming`, async () => {
    const s = new ScriptedSession(dir, { 'a.ts': 'x;\n' }, (_f, t) => [{ messageId: 'grow', fix: at(0, 0, `/*${t.length}*/`) }]);
    const r = await runFix(s, { unsafe: false });
    expect(r.converged).toBe(false);
    expect(r.passes).toBe(MAX_PASSES);
    expect(r.skipped.map((x) => x.reason)).toEqual([`fixes did not converge after ${MAX_PASSES} passes`]);
  });
});

describe('text edits', () => {
  it('applies edits in order, keeps inserts at one offset in the order given, and rejects overlaps', () => {
    expect(applyEdits('abcdef', [{ start: 3, end: 3, text: 'X' }, { start: 0, end: 1, text: 'A' }, { start: 3, end: 3, text: 'Y' }])).toBe('AbcXYdef');
    expect(() => applyEdits('abcdef', [{ start: 0, end: 3, text: '' }, { start: 2, end: 4, text: '' }])).toThrow();
  });

  it('maps offsets through edits', () => {
    const edits = [{ start: 2, end: 2, text: '<<' }, { start: 4, end: 6, text: '' }];
    expect(mapOffset(1, edits)).toBe(1);
    expect(mapOffset(3, edits)).toBe(5);
    expect(mapOffset(8, edits)).toBe(8);
  });
});

describe('codemod command', () => {
  it('--list describes every codemod', async () => {
    const r = await cli(tempProject({}), 'codemod', '--list');
    expect(r.code).toBe(0);
    for (const name of ['ai-sdk-telemetry', 'langchain-callbacks', 'wrap-clients', 'wrap-in-span', 'span-end', 'span-error-status']) expect(r.stdout).toMatch(new RegExp(`^${name} +(safe|unsafe) `, 'm'));
  });

  it('exits 2 on an unknown codemod, a missing name, a missing entry file or missing configuration', async () => {
    const dir = tempProject({ 'src/a.ts': AI_CALL });
    const unknown = await cli(dir, 'codemod', 'wrap-everything');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown codemod "wrap-everything"');
    expect((await cli(dir, 'codemod')).code).toBe(2);
    const entry = await cli(dir, 'codemod', 'ai-sdk-telemetry', '--entry', 'src/missing.ts');
    expect(entry.code).toBe(2);
    expect(entry.stderr).toContain('--entry: no such file: src/missing.ts');
    const lc = await cli(dir, 'codemod', 'langchain-callbacks');
    expect(lc.code).toBe(2);
    expect(lc.stderr).toContain('set codemods.langchainCallbacks in tracewire.config.json');
  });

  it('--dry-run prints the diff and writes nothing', async () => {
    const dir = tempProject({ 'package.json': PKG, 'src/summarize.ts': AI_CALL });
    const r = await cli(dir, 'codemod', 'ai-sdk-telemetry', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("+    experimental_telemetry: { isEnabled: true, functionId: 'summarize' },\n");
    expect(r.stderr).toContain('ai-sdk-telemetry: would change 1 place in 1 file; nothing written (--dry-run).');
    expect(fs.readFileSync(path.join(dir, 'src/summarize.ts'), 'utf8')).toBe(AI_CALL);
  });

  it('keeps CRLF and the BOM in codemod output', async () => {
    const text = '\uFEFF' + AI_CALL.replace(/\n/g, '\r\n');
    const dir = tempProject({ 'package.json': PKG, 'src/summarize.ts': text });
    expect((await cli(dir, 'codemod', 'wrap-in-span')).code).toBe(0);
    const out = fs.readFileSync(path.join(dir, 'src/summarize.ts'), 'utf8');
    expect(out.startsWith('\uFEFF')).toBe(true);
    expect(out).toContain('startActiveSpan');
    expect(out.replace(/\r\n/g, '')).not.toContain('\n');
  });
});
