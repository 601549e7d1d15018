/**
 * The GitHub Actions workflow of docs/ci.md, run for real: its tracewire command lines, exactly as
 * written, in a clone of a fixture repository (fixtures/projects/ci-gate) with a committed baseline, for a
 * pull request that adds an unwired call, then for the fix, and for a push to main. SARIF written by the
 * workflow is validated against the official schema.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from './helpers/build.js';
import { docBlocks } from './helpers/docs.js';
import { FIXTURES, ROOT } from './helpers/fixtures.js';
import { git, gitEnv, initRepo, writeFiles } from './helpers/git.js';
import { hasGit } from './helpers/system-tools.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

interface Step {
  name?: string;
  if?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}

const workflow = parseYaml(docBlocks('GitHub Actions', 'yaml')[0]!) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
};
const steps = workflow.jobs.tracewire!.steps;

/** The `if:` conditions the workflow uses, for one event. */
function runsOn(step: Step, event: string): boolean {
  if (!step.if) return true;
  const m = /github\.event_name (==|!=) '(\w+)'/.exec(step.if);
  if (!m) throw new Error(`unexpected condition: ${step.if}`);
  return m[1] === '==' ? event === m[2] : event !== m[2];
}

const tracewireSteps = (event: string) => steps.filter((s) => s.run?.includes('tracewire') && runsOn(s, event));

const tmp = (prefix: string) => fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), prefix));

function copyDir(from: string, to: string) {
  fs.cpSync(from, to, { recursive: true });
}

/** The tracewire dev dependency, as `npm ci` would have installed it. */
function installTracewire(dir: string, pkg: string) {
  fs.mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
  fs.symlinkSync(pkg, path.join(dir, 'node_modules/tracewire'));
  fs.symlinkSync('../tracewire/bin/tracewire.js', path.join(dir, 'node_modules/.bin/tracewire'));
}

/** Run a step's `run:` as GitHub's default shell does (`bash -e {0}`). */
function runStep(step: Step, cwd: string, env: Record<string, string>) {
  return spawnSync('bash', ['-e', '-c', step.run!], { cwd, encoding: 'utf8', env: gitEnv({ NO_COLOR: '1', npm_config_yes: 'false', GITHUB_WORKSPACE: cwd, ...env }) });
}

function validateSarif(file: string) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'test/data/sarif-schema-2.1.0.json'), 'utf8')));
  const log = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  return log;
}

const ESCALATE = `import OpenAI from 'openai';

const openai = new OpenAI();

export async function escalate(ticket: string): Promise<boolean> {
  const verdict = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: \`Does this ticket need a human? Answer yes or no.\\n\${ticket}\` }],
  });
  return verdict.choices[0]?.message.content?.trim().toLowerCase() === 'yes';
}
`;
const ESCALATE_FIXED = ESCALATE.replace("const openai = new OpenAI();\n", '').replace("import OpenAI from 'openai';\n", "import { openai } from './llm.js';\n");

describe.skipIf(!hasGit())('the GitHub Actions workflow of docs/ci.md', () => {
  let pkg: string;
  // Packing builds the project (tsc and the bundle): minutes on a loaded machine, no time limit meant.
  beforeAll(() => {
    pkg = buildPackage();
  }, 600_000);

  it('is the workflow the docs describe: gate on pull requests, code scanning upload on pushes', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(workflow.permissions['security-events']).toBe('write');
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with?.['fetch-depth']).toBe(0);
    expect(tracewireSteps('pull_request').map((s) => s.run)).toEqual([
      'npx tracewire check --changed-since "origin/$GITHUB_BASE_REF" --baseline tracewire-baseline.json --format github --format sarif:tracewire.sarif',
    ]);
    expect(tracewireSteps('push').map((s) => s.run)).toEqual(['npx tracewire check --baseline tracewire-baseline.json --format stylish --format sarif:tracewire.sarif']);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with?.sarif_file).toBe('tracewire.sarif');
    expect(runsOn(upload, 'push')).toBe(true);
    expect(runsOn(upload, 'pull_request')).toBe(false);
  });

  it('runs its command lines against a fixture repository: a pull request, its fix, a push to main', () => {
    // The team's repository: the fixture app, with a baseline recorded for its legacy finding.
    const upstream = tmp('tracewire-upstream-');
    copyDir(path.join(FIXTURES, 'projects/ci-gate'), upstream);
    initRepo(upstream);
    writeFiles(upstream, { '.gitignore': 'node_modules/\n' });
    installTracewire(upstream, pkg);
    const baseline = spawnSync('npx', ['tracewire', 'baseline'], { cwd: upstream, encoding: 'utf8', env: gitEnv({ npm_config_yes: 'false' }) });
    expect(baseline.status, baseline.stderr).toBe(0);
    expect(baseline.stdout).toMatch(/^Wrote tracewire-baseline\.json: 1 finding in 1 file\./);
    git(upstream, 'add', '.');
    git(upstream, 'commit', '-q', '-m', 'support bot with a tracewire baseline');

    // actions/checkout with fetch-depth: 0, then npm ci; a pull request branch adds an unwired call.
    const work = tmp('tracewire-checkout-');
    fs.rmSync(work, { recursive: true });
    git(os.tmpdir(), 'clone', '-q', upstream, work);
    installTracewire(work, pkg);
    git(work, 'checkout', '-q', '-b', 'escalation');
    writeFiles(work, { 'src/escalate.ts': ESCALATE });
    git(work, 'add', '.');
    git(work, 'commit', '-q', '-m', 'escalate tickets to humans');

    const pr = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main' };
    const [gate] = tracewireSteps('pull_request');
    const failed = runStep(gate!, work, pr);
    expect(failed.status, failed.stderr).toBe(1);
    const annotations = failed.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations).toEqual([
      expect.stringMatching(/^::error file=src\/escalate\.ts,line=6,col=25,endLine=9,endColumn=5,title=tracewire\(require-llm-tracing\)::OpenAI chat call `openai\.chat\.completions\.create` is not traced/),
    ]);
    expect(failed.stdout).toMatch(/^tracewire: 1 error, 0 warnings in 1 file$/m);
    const prSarif = validateSarif(path.join(work, 'tracewire.sarif'));
    expect(prSarif.runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri)).toEqual(['src/escalate.ts']);

    // The push run on this commit fails too, and its SARIF (what code scanning would get) has the finding.
    const [full] = tracewireSteps('push');
    const pushFailed = runStep(full!, work, { GITHUB_EVENT_NAME: 'push' });
    expect(pushFailed.status).toBe(1);
    expect(pushFailed.stdout).toContain('src/escalate.ts\n');
    expect(pushFailed.stdout).toContain('1 more finding is in the baseline (tracewire-baseline.json) and not reported.');
    const pushSarif = validateSarif(path.join(work, 'tracewire.sarif'));
    expect(pushSarif.runs[0].results).toHaveLength(1);
    expect(pushSarif.runs[0].results[0].partialFingerprints['tracewire/v1']).toMatch(/^[0-9a-f]{24}:0$/);

    // The fix: the call goes through the app's traced client. The gate passes.
    writeFiles(work, { 'src/escalate.ts': ESCALATE_FIXED });
    git(work, 'commit', '-q', '-am', 'use the traced client');
    const passed = runStep(gate!, work, pr);
    expect(passed.status, passed.stdout + passed.stderr).toBe(0);
    expect(passed.stdout).toBe('tracewire: 0 errors, 0 warnings in 1 file\n');
    expect(validateSarif(path.join(work, 'tracewire.sarif')).runs[0].results).toEqual([]);

    // Merged to main: the push run passes, the legacy finding stays in the baseline.
    git(work, 'checkout', '-q', 'main');
    git(work, 'merge', '-q', '--ff-only', 'escalation');
    const pushed = runStep(full!, work, { GITHUB_EVENT_NAME: 'push' });
    expect(pushed.status, pushed.stdout + pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain('1 more finding is in the baseline');
    expect(validateSarif(path.join(work, 'tracewire.sarif')).runs[0].results).toEqual([]);
  }, 120_000);
});
