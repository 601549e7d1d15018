/**
 * The pre-commit integrations with the real tools: the `tracewire` hook of this repository's
 * .pre-commit-hooks.yaml installed by pre-commit itself (which clones the repository, builds it with
 * `npm install` and installs it with `npm pack`), and `check --staged` in a plain .git/hooks/pre-commit
 * taken from docs/ci.md. Each refuses a commit that stages an unwired OpenAI call, prints the finding,
 * and lets the commit through once the client is wrapped with langsmith's `wrapOpenAI` — judging what
 * is staged, not what is in the working tree.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from './helpers/build.js';
import { docBlocks } from './helpers/docs.js';
import { ROOT } from './helpers/fixtures.js';
import { git, gitEnv, gitTry, initRepo, writeFiles } from './helpers/git.js';
import { hasGit, hasPreCommit } from './helpers/system-tools.js';
import { SOURCE_EXTENSIONS } from '../src/engine/files.js';

const UNWIRED = `import OpenAI from 'openai';

const client = new OpenAI();

export async function reply(question: string) {
  const res = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: question }],
  });
  return res.choices[0]?.message.content ?? '';
}
`;
const WIRED = UNWIRED.replace("import OpenAI from 'openai';\n", "import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\n").replace(
  'const client = new OpenAI();',
  'const client = wrapOpenAI(new OpenAI());',
);
const FINDING = /src\/reply\.ts\n\s+6:21\s+error\s+OpenAI chat call `client\.chat\.completions\.create` is not traced/;

const tmp = (prefix: string) => fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), prefix));

function appRepo(): string {
  const dir = tmp('tracewire-app-');
  initRepo(dir);
  writeFiles(dir, {
    '.gitignore': 'node_modules/\n',
    'package.json': JSON.stringify({ name: 'support-bot', private: true, type: 'module', dependencies: { openai: '^5.8.0', langsmith: '^0.3.30' } }, null, 2) + '\n',
    'README.md': '# support bot\n',
  });
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

const head = (dir: string) => git(dir, 'rev-parse', 'HEAD').trim();
const committed = (dir: string, file: string) => git(dir, 'show', `HEAD:${file}`);

describe('the hooks of .pre-commit-hooks.yaml', () => {
  it('are declared as documented, matching every extension check scans', () => {
    const hooks = parseYaml(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[];
    const byId = Object.fromEntries(hooks.map((h) => [h.id, h]));
    expect(byId.tracewire).toMatchObject({ entry: 'tracewire check --affected', language: 'node', types: ['file'], require_serial: true, pass_filenames: true });
    expect(byId['tracewire-fix']).toMatchObject({ entry: 'tracewire fix --allow-dirty', language: 'node', types: ['file'], require_serial: true });
    // pre-commit matches `files` with Python's re.search on the path relative to the repository.
    const check = new RegExp(byId.tracewire!.files as string);
    const fix = new RegExp(byId['tracewire-fix']!.files as string);
    for (const ext of SOURCE_EXTENSIONS) {
      expect(check.test(`src/deep/file.${ext}`), ext).toBe(true);
      expect(fix.test(`file.${ext}`), ext).toBe(true);
    }
    // The files that change findings elsewhere reach the check (not the fixer).
    for (const f of ['package.json', 'apps/web/package.json', 'tsconfig.json', 'tsconfig.build.json', 'jsconfig.json', 'tracewire.config.json', '.gitignore', 'pnpm-workspace.yaml', 'lerna.json']) {
      expect(check.test(f), f).toBe(true);
      expect(fix.test(f), f).toBe(false);
    }
    for (const f of ['README.md', 'data.json', 'src/file.ts.orig', 'mypackage.json', 'style.css']) expect(check.test(f), f).toBe(false);
  });

  it.runIf(hasGit() && fs.existsSync(path.join(ROOT, '.git')))('are pinned in docs/ci.md at a commit of this repository that declares them', () => {
    const config = parseYaml(docBlocks('pre-commit', 'yaml')[0]!) as { repos: { rev: string }[] };
    const rev = config.repos[0]!.rev;
    expect(rev).toMatch(/^[0-9a-f]{40}$/);
    expect(spawnSync('git', ['cat-file', '-e', `${rev}^{commit}`], { cwd: ROOT }).status, `${rev} is not a commit of this repository`).toBe(0);
    const declared = parseYaml(execFileSync('git', ['show', `${rev}:.pre-commit-hooks.yaml`], { cwd: ROOT, encoding: 'utf8' })) as { id: string; entry: string }[];
    expect(declared.find((h) => h.id === 'tracewire')?.entry).toBe('tracewire check --affected');
  });
});

describe.skipIf(!hasPreCommit())('pre-commit: the tracewire hook of .pre-commit-hooks.yaml', () => {
  let hookRepo: string;
  let rev: string;
  let home: string;

  beforeAll(() => {
    // This repository as it stands (tracked and new files), as a git repository pre-commit can clone.
    hookRepo = tmp('tracewire-hookrepo-');
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT }).toString('utf8').split('\0').filter(Boolean);
    for (const rel of files) {
      const src = path.join(ROOT, rel);
      if (!fs.existsSync(src)) continue; // deleted in the working tree
      fs.mkdirSync(path.dirname(path.join(hookRepo, rel)), { recursive: true });
      fs.copyFileSync(src, path.join(hookRepo, rel));
    }
    initRepo(hookRepo);
    git(hookRepo, 'add', '-A');
    git(hookRepo, 'commit', '-q', '-m', 'snapshot');
    rev = head(hookRepo);
    home = tmp('tracewire-precommit-home-');
  });

  it('refuses a commit that stages an unwired call, and lets it through once wired', () => {
    const app = appRepo();
    // The configuration of docs/ci.md, pointed at this repository's snapshot.
    const config = parseYaml(docBlocks('pre-commit', 'yaml')[0]!) as { repos: { repo: string; rev: string; hooks: { id: string }[] }[] };
    expect(config.repos[0]).toMatchObject({ repo: 'https://github.com/tracewire/tracewire', hooks: [{ id: 'tracewire' }] });
    config.repos[0]!.repo = hookRepo;
    config.repos[0]!.rev = rev;
    writeFiles(app, { '.pre-commit-config.yaml': stringifyYaml(config) });
    git(app, 'add', '.pre-commit-config.yaml');
    git(app, 'commit', '-q', '-m', 'pre-commit config');
    const env = { PRE_COMMIT_HOME: home, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', NO_COLOR: '1' };
    const install = spawnSync('pre-commit', ['install'], { cwd: app, env: gitEnv(env), encoding: 'utf8' });
    expect(install.stdout + install.stderr).toContain('pre-commit installed at .git/hooks/pre-commit');

    // Unwired: refused, with the finding printed. (The first commit also installs the hook's environment.)
    writeFiles(app, { 'src/reply.ts': UNWIRED });
    git(app, 'add', 'src/reply.ts');
    const before = head(app);
    const refused = gitTry(app, ['commit', '-m', 'add reply'], env);
    const out = refused.stdout + refused.stderr;
    expect(refused.status, out).not.toBe(0);
    expect(out).toMatch(/tracewire\.+Failed/);
    expect(out).toMatch(FINDING);
    expect(head(app)).toBe(before);

    // Staged unwired, fixed only in the working tree: pre-commit checks what is staged, still refused.
    writeFiles(app, { 'src/reply.ts': WIRED });
    const partial = gitTry(app, ['commit', '-m', 'add reply'], env);
    expect(partial.status, partial.stdout + partial.stderr).not.toBe(0);
    expect(partial.stdout + partial.stderr).toMatch(FINDING);
    expect(fs.readFileSync(path.join(app, 'src/reply.ts'), 'utf8')).toBe(WIRED); // unstaged work restored

    // Wired and staged: the commit goes through.
    git(app, 'add', 'src/reply.ts');
    const ok = gitTry(app, ['commit', '-m', 'add reply'], env);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout + ok.stderr).toMatch(/tracewire\.+Passed/);
    expect(committed(app, 'src/reply.ts')).toBe(WIRED);
  }, 900_000);

  it('refuses an .mts file with an unwired call, and the un-wrapping of a shared client in the files it leaves untraced', () => {
    const app = appRepo();
    writeFiles(app, {
      '.pre-commit-config.yaml': `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: tracewire\n`,
      'src/llm/clients.ts': `import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\n\nexport const openai = wrapOpenAI(new OpenAI());\n`,
      'src/llm/index.ts': `export * from './clients';\n`,
      'src/ask.ts': `import { openai } from './llm';\n\nexport const ask = (q: string) =>\n  openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });\n`,
      'src/summarize.ts': `import { openai } from './llm';\n\nexport const summarize = (t: string) =>\n  openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: t }] });\n`,
    });
    git(app, 'add', '.');
    const env = { PRE_COMMIT_HOME: home, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', NO_COLOR: '1' };
    expect(spawnSync('pre-commit', ['install'], { cwd: app, env: gitEnv(env) }).status).toBe(0);
    const first = gitTry(app, ['commit', '-m', 'wired clients'], env);
    expect(first.status, first.stdout + first.stderr).toBe(0);

    // An ES module file (.mts): pre-commit gives it no `ts` type, the hook's `files:` pattern matches it.
    writeFiles(app, { 'src/reply.mts': UNWIRED });
    git(app, 'add', 'src/reply.mts');
    const mts = gitTry(app, ['commit', '-m', 'mts'], env);
    expect(mts.status, mts.stdout + mts.stderr).not.toBe(0);
    expect(mts.stdout + mts.stderr).toMatch(/src\/reply\.mts\n\s+6:21\s+error\s+OpenAI chat call/);
    git(app, 'rm', '-q', '--cached', 'src/reply.mts');
    fs.rmSync(path.join(app, 'src/reply.mts'));

    // The wrapper removed from the shared client: the commit changes one file, the calls it leaves untraced are in two others.
    writeFiles(app, { 'src/llm/clients.ts': `import OpenAI from 'openai';\n\nexport const openai = new OpenAI();\n` });
    git(app, 'add', 'src/llm/clients.ts');
    const before = head(app);
    const unwrapped = gitTry(app, ['commit', '-m', 'drop the wrapper'], env);
    const out = unwrapped.stdout + unwrapped.stderr;
    expect(unwrapped.status, out).not.toBe(0);
    expect(out).toMatch(/src\/ask\.ts\n\s+4:3\s+error\s+OpenAI chat call/);
    expect(out).toMatch(/src\/summarize\.ts\n\s+4:3\s+error\s+OpenAI chat call/);
    expect(out).not.toMatch(/src\/llm\/clients\.ts\n/);
    expect(head(app)).toBe(before);
  }, 600_000);

  // The hook is declared whatever the state of `fix`; it is exercised once the CLI has the command.
  const hasFix = /\.command\('fix'\)/.test(fs.readFileSync(path.join(ROOT, 'src/cli/main.ts'), 'utf8'));
  it.runIf(hasFix)('tracewire-fix applies the safe fix; the commit stops for review, then goes through', () => {
    const app = appRepo();
    writeFiles(app, {
      'package.json': JSON.stringify({ name: 'titles', private: true, type: 'module', dependencies: { ai: '^5.0.0', '@ai-sdk/openai': '^2.0.0' } }, null, 2) + '\n',
      '.pre-commit-config.yaml': `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: tracewire-fix\n      - id: tracewire\n`,
    });
    git(app, 'add', '.');
    git(app, 'commit', '-q', '-m', 'pre-commit config');
    const env = { PRE_COMMIT_HOME: home, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', NO_COLOR: '1' };
    expect(spawnSync('pre-commit', ['install'], { cwd: app, env: gitEnv(env) }).status).toBe(0);
    const GEN = `import { generateText } from 'ai';\nimport { openai } from '@ai-sdk/openai';\n\nexport async function title(text: string) {\n  const { text: t } = await generateText({\n    model: openai('gpt-4o-mini'),\n    prompt: \`Write a title for: \${text}\`,\n  });\n  return t;\n}\n`;
    writeFiles(app, { 'src/title.ts': GEN });
    git(app, 'add', 'src/title.ts');
    const stopped = gitTry(app, ['commit', '-m', 'titles'], env);
    const out = stopped.stdout + stopped.stderr;
    expect(stopped.status, out).not.toBe(0);
    expect(out).toMatch(/tracewire \(apply safe fixes\)\.+Failed\n- hook id: tracewire-fix\n- files were modified by this hook/);
    const fixed = fs.readFileSync(path.join(app, 'src/title.ts'), 'utf8');
    expect(fixed).toBe(GEN.replace('    prompt: `Write a title for: ${text}`,\n', '    prompt: `Write a title for: ${text}`,\n    experimental_telemetry: { isEnabled: true },\n'));
    // Reviewed and staged: both hooks pass.
    git(app, 'add', 'src/title.ts');
    const ok = gitTry(app, ['commit', '-m', 'titles'], env);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(committed(app, 'src/title.ts')).toBe(fixed);
  }, 600_000);
});

describe.skipIf(!hasPreCommit())('pre-commit with a local hook on the project\'s own tracewire (docs/ci.md)', () => {
  it('refuses an unwired call and accepts it wired', () => {
    const app = appRepo();
    fs.mkdirSync(path.join(app, 'node_modules/.bin'), { recursive: true });
    fs.symlinkSync(buildPackage(), path.join(app, 'node_modules/tracewire'));
    fs.symlinkSync('../tracewire/bin/tracewire.js', path.join(app, 'node_modules/.bin/tracewire'));
    const config = docBlocks('pre-commit', 'yaml')[1]!;
    expect(config).toContain('entry: npx --no-install tracewire check');
    writeFiles(app, { '.pre-commit-config.yaml': config });
    git(app, 'add', '.pre-commit-config.yaml');
    git(app, 'commit', '-q', '-m', 'pre-commit config');
    const env = { PRE_COMMIT_HOME: tmp('tracewire-precommit-local-'), NO_COLOR: '1', npm_config_yes: 'false' };
    expect(spawnSync('pre-commit', ['install'], { cwd: app, env: gitEnv(env) }).status).toBe(0);
    writeFiles(app, { 'src/reply.ts': UNWIRED });
    git(app, 'add', 'src/reply.ts');
    const refused = gitTry(app, ['commit', '-m', 'add reply'], env);
    expect(refused.status).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(FINDING);
    writeFiles(app, { 'src/reply.ts': WIRED });
    git(app, 'add', 'src/reply.ts');
    const ok = gitTry(app, ['commit', '-m', 'add reply'], env);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout + ok.stderr).toMatch(/tracewire\.+Passed/);
  }, 120_000);
});

describe.skipIf(!hasGit())('a plain .git/hooks/pre-commit running check --staged (docs/ci.md)', () => {
  let pkg: string;
  beforeAll(() => {
    pkg = buildPackage();
  });

  function hookedRepo(): string {
    const app = appRepo();
    // tracewire as a dev dependency of the app, as `npx --no-install tracewire` expects it.
    fs.mkdirSync(path.join(app, 'node_modules/.bin'), { recursive: true });
    fs.symlinkSync(pkg, path.join(app, 'node_modules/tracewire'));
    fs.symlinkSync('../tracewire/bin/tracewire.js', path.join(app, 'node_modules/.bin/tracewire'));
    const hook = docBlocks('A plain git hook', 'sh')[0]!;
    expect(hook).toBe('#!/bin/sh\nexec npx --no-install tracewire check --staged\n');
    fs.writeFileSync(path.join(app, '.git/hooks/pre-commit'), hook, { mode: 0o755 });
    return app;
  }

  const commit = (app: string) => gitTry(app, ['commit', '-m', 'change'], { NO_COLOR: '1', npm_config_yes: 'false' });

  it('refuses an unwired call and accepts it wired', () => {
    const app = hookedRepo();
    writeFiles(app, { 'src/reply.ts': UNWIRED });
    git(app, 'add', 'src/reply.ts');
    const refused = commit(app);
    expect(refused.status).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(FINDING);
    writeFiles(app, { 'src/reply.ts': WIRED });
    git(app, 'add', 'src/reply.ts');
    const ok = commit(app);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(committed(app, 'src/reply.ts')).toBe(WIRED);
  });

  it('judges the index when the working tree differs from it', () => {
    const app = hookedRepo();
    // Unwired in the index, fixed only in the working tree: refused.
    writeFiles(app, { 'src/reply.ts': UNWIRED });
    git(app, 'add', 'src/reply.ts');
    writeFiles(app, { 'src/reply.ts': WIRED });
    const refused = commit(app);
    expect(refused.status).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(FINDING);

    // Wired in the index, unwired again in the working tree: allowed, and what is committed is the wired one.
    git(app, 'add', 'src/reply.ts');
    writeFiles(app, { 'src/reply.ts': UNWIRED });
    const ok = commit(app);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(committed(app, 'src/reply.ts')).toBe(WIRED);
    expect(fs.readFileSync(path.join(app, 'src/reply.ts'), 'utf8')).toBe(UNWIRED);
  });

  it('resolves a wrapper from a file that is not part of the commit', () => {
    const app = hookedRepo();
    // The wrapped client lives in a file the developer has not staged (it is in the working tree).
    writeFiles(app, {
      'src/llm.ts': `import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\n\nexport const openai = wrapOpenAI(new OpenAI());\n`,
      'src/ask.ts': `import { openai } from './llm.js';\n\nexport const ask = (q: string) => openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });\n`,
    });
    git(app, 'add', 'src/ask.ts');
    const ok = commit(app);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
  });
});
