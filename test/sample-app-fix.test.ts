/**
 * `tracewire fix --unsafe-fixes` on a git copy of the demo app (fixtures/sample-app), against the app's
 * own locked dependencies (installed with `npm ci` from its package-lock.json) and the real `tsc`:
 *
 * - the app type-checks before;
 * - afterwards no finding of require-llm-tracing, require-task-callbacks or require-kickoff-callbacks is
 *   left, and `check` (with the span rules of the strict preset on as well) reports nothing: the only call
 *   still untraced is the one whose finding is suppressed, and it is not rewritten;
 * - every changed file parses and the whole app type-checks again;
 * - a second run changes nothing.
 *
 * The dependencies are installed once per lockfile into the user's cache directory (later runs reuse
 * them). That needs the npm registry (or npm's cache), and the copy needs git: without them the test is
 * skipped with one line saying which, unless TRACEWIRE_REQUIRE_SYSTEM_TOOLS=1 (CI), where it fails.
 */

import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { parseProblem } from '../src/codemod/session.js';
import { listFiles } from '../src/engine/files.js';
import { userCacheDir } from '../src/user-cache-dir.js';
import { runIn } from './helpers/engine.js';
import { FIXTURES, ROOT } from './helpers/fixtures.js';
import { git } from './helpers/git.js';

const APP = path.join(FIXTURES, 'sample-app');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const WIRING = new Set(['require-llm-tracing', 'require-task-callbacks', 'require-kickoff-callbacks']);
/** Every rule, the strict preset's span rules included. */
const ALL_RULES = { rules: { 'span-required-attributes': 'error', 'require-span-end': 'error', 'span-error-status': 'error' } };

let dir = '';
let missing: string | undefined;

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd: dir, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

function tsc(): { code: number | null; output: string } {
  const r = spawnSync(process.execPath, [TSC, '-p', path.join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, output: r.stdout + r.stderr };
}

async function sources(): Promise<string[]> {
  return (await listFiles({ cwd: dir, paths: ['.'] })).map((f) => path.relative(dir, f));
}

/**
 * The app's locked dependencies, installed once per lockfile (by `npm ci`) under the user's cache
 * directory and shared by later runs; the path of their node_modules, or why they could not be installed.
 */
function installedDependencies(): string {
  const lock = fs.readFileSync(path.join(APP, 'package-lock.json'));
  const key = crypto.createHash('sha256').update(lock).update(fs.readFileSync(path.join(APP, 'package.json'))).digest('hex').slice(0, 16);
  const base = userCacheDir() ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-sample-deps-'));
  const target = path.join(base, `sample-app-deps-${key}`);
  if (fs.existsSync(path.join(target, 'node_modules', '.package-lock.json'))) return path.join(target, 'node_modules');
  // Installed next to the target and renamed into place, so a run never sees half an install.
  const work = fs.mkdtempSync(`${target}.tmp-`);
  fs.copyFileSync(path.join(APP, 'package.json'), path.join(work, 'package.json'));
  fs.copyFileSync(path.join(APP, 'package-lock.json'), path.join(work, 'package-lock.json'));
  const npm = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: work, encoding: 'utf8' });
  if (npm.status !== 0) {
    fs.rmSync(work, { recursive: true, force: true });
    return (npm.stderr || npm.stdout || String(npm.error)).trim().split('\n').pop() ?? 'npm ci failed';
  }
  try {
    fs.renameSync(work, target);
  } catch {
    // Another run installed it first.
    fs.rmSync(work, { recursive: true, force: true });
  }
  return path.join(target, 'node_modules');
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? os.tmpdir()), 'tracewire-sample-fix-'));
  fs.cpSync(APP, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) });
  if (spawnSync('git', ['--version']).status !== 0) {
    missing = 'git (Debian package `git`)';
    return;
  }
  const modules = installedDependencies();
  if (typeof modules !== 'string' || !modules.startsWith('/')) {
    missing = `the sample app's dependencies (npm ci needs the npm registry or npm's cache: ${modules})`;
    return;
  }
  fs.symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
  // The app's dashboards and alerts (one broken on purpose for observability-query-metrics) are not what
  // this test fixes: without them, the fixed app must check clean.
  fs.rmSync(path.join(dir, 'observability'), { recursive: true, force: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'sample app');
}, 600_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function needsTools(ctx: { skip: (note?: string) => void }): boolean {
  if (!missing) return false;
  if (process.env.TRACEWIRE_REQUIRE_SYSTEM_TOOLS === '1') throw new Error(`missing: ${missing}`);
  ctx.skip(`needs ${missing}`);
  return true;
}

describe('fix --unsafe-fixes on the sample app', () => {
  it('type-checks before, fixes every wiring finding, type-checks after, and a second run changes nothing', async (ctx) => {
    if (needsTools(ctx)) return;
    const before = tsc();
    expect(before.output).toBe('');
    expect(before.code).toBe(0);
    const files = await sources();
    const first = await runIn(dir, files);
    const wiring = first.findings.filter((f) => WIRING.has(f.ruleId));
    expect(wiring.length).toBe(6);

    const r = await cli('fix', '--unsafe-fixes', '.');
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^Fixed 6 findings in 4 files/);
    expect(r.stdout).not.toMatch(/Skipped|no automatic fix|npm install/);

    // Nothing is left, with every rule on; the suppressed call is the only untraced one, and it is as it was.
    const after = await runIn(dir, files, ALL_RULES);
    expect(after.errors).toEqual([]);
    expect(after.findings).toEqual([]);
    const untraced = after.sites.filter((s) => !s.wired);
    expect(untraced.map((s) => `${s.file}:${s.line} ${s.callee}`)).toEqual(['src/jobs/embeddings.ts:18 rawOpenAI.embeddings.create']);
    const jobs = fs.readFileSync(path.join(dir, 'src/jobs/embeddings.ts'), 'utf8');
    expect(jobs).toContain(
      "  // tracewire-disable-next-line require-llm-tracing -- latency-critical path, measured by the search span upstream\n  return rawOpenAI.embeddings.create({ model: 'text-embedding-3-small', input: query });\n",
    );

    // Every changed file parses, and the app type-checks against its own dependencies.
    const changed = git(dir, 'diff', '--name-only').trim().split('\n').sort();
    expect(changed).toEqual(['src/agents/research.ts', 'src/agents/support.ts', 'src/jobs/embeddings.ts', 'src/routes/chat.ts']);
    for (const f of changed) expect(parseProblem(path.join(dir, f), fs.readFileSync(path.join(dir, f), 'utf8')), f).toBeUndefined();
    const typed = tsc();
    expect(typed.output).toBe('');
    expect(typed.code).toBe(0);

    // No dependency was needed: the fixes reuse what the app has (its span helper, its LangSmith tracer).
    expect(git(dir, 'status', '--porcelain', 'package.json')).toBe('');
    const support = fs.readFileSync(path.join(dir, 'src/agents/support.ts'), 'utf8');
    expect(support).toContain("await withLLMSpan('chat gpt-4o-mini', async (span) => {");
    expect(support).toContain("span.setAttributes({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' });");
    expect(fs.readFileSync(path.join(dir, 'src/agents/research.ts'), 'utf8')).toContain("await model.invoke([['human', question]], { callbacks: [tracer] });");

    // Idempotent.
    git(dir, 'commit', '-q', '-am', 'fixed');
    const again = await cli('fix', '--unsafe-fixes', '.');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Fixed 0 findings in 0 files/);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  }, 600_000);
});
