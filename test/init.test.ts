/**
 * `tracewire init`: lists the SDKs and tracing libraries of a project from its package.json files and
 * code (what is which comes from the catalog), writes a starter configuration with `$schema` only,
 * prints the inventory summary and the next steps; idempotent, never overwrites without --force.
 */

import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { builtinModels } from '../rules/catalog/index.js';
import { main } from '../src/cli/main.js';
import { catalogPackages, ESLINT_SNIPPET, PRE_COMMIT_REV, preCommitSnippet, SCHEMA_REF } from '../src/cli/init.js';
import { tempProject } from './helpers/engine.js';
import { docBlocks } from './helpers/docs.js';
import { ROOT } from './helpers/fixtures.js';

async function cli(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const APP = {
  'package.json': JSON.stringify({ name: 'bot', private: true, dependencies: { openai: '^4.77.0', langsmith: '^0.3.30', 'left-pad': '^1.3.0' } }),
  'packages/worker/package.json': JSON.stringify({ name: 'worker', private: true, dependencies: { '@anthropic-ai/sdk': '^0.65.0' }, devDependencies: { 'prom-client': '^15.1.0' } }),
  'src/llm.ts': `import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\nimport leftPad from 'left-pad';\n\nexport const openai = wrapOpenAI(new OpenAI());\nexport const raw = new OpenAI();\nexport const go = () => raw.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`,
  'packages/worker/src/job.ts': `import Anthropic from '@anthropic-ai/sdk';\nimport { Ollama } from 'ollama';\n\nconst a = new Anthropic();\nexport const run = () => a.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [] });\nexport const local = new Ollama();\n`,
  '.env.example': 'OPENAI_API_KEY=\n',
};

describe('tracewire init', () => {
  it('lists the SDKs and tracing libraries of the package.json files and the code, writes the starter configuration and prints the next steps', async () => {
    const dir = tempProject(APP);
    const r = await cli(dir, 'init');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('LLM SDKs and agent frameworks:\n  @anthropic-ai/sdk (Anthropic): ^0.65.0 in packages/worker/package.json; imported in 1 file\n');
    expect(r.stdout).toContain('  ollama (Ollama): not declared in any package.json; imported in 1 file\n');
    expect(r.stdout).toContain('  openai (OpenAI): ^4.77.0 in package.json; imported in 1 file\n');
    expect(r.stdout).toContain('tracing libraries:\n  langsmith (LangSmith): ^0.3.30 in package.json; imported in 1 file\n');
    expect(r.stdout).toContain('metrics libraries:\n  prom-client (prom-client): ^15.1.0 in packages/worker/package.json; imported in 0 files\n');
    expect(r.stdout).not.toContain('left-pad');
    // The inventory's summary.
    expect(r.stdout).toContain('  anthropic        1 site, 0 wired, 1 unwired\n');
    expect(r.stdout).toContain('  openai           1 site, 0 wired, 1 unwired\n');
    expect(r.stdout).toContain('2 sites in all: 0 wired, 2 unwired; `tracewire check` reports 2 errors.');
    // The next steps: the snippets tracewire documents.
    expect(r.stdout).toContain(preCommitSnippet().split('\n').map((l) => (l ? `      ${l}` : l)).join('\n'));
    expect(r.stdout).toContain(ESLINT_SNIPPET.split('\n').map((l) => (l ? `      ${l}` : l)).join('\n'));
    // $schema and nothing else: the defaults fit; the file validates against the schema tracewire ships.
    const written = JSON.parse(fs.readFileSync(path.join(dir, 'tracewire.config.json'), 'utf8'));
    expect(written).toEqual({ $schema: SCHEMA_REF });
    expect(fs.existsSync(path.join(ROOT, SCHEMA_REF.replace('./node_modules/tracewire/', '')))).toBe(true);
    expect((await cli(dir, 'check', '--print-config')).stdout).toContain('"config": "tracewire.config.json"');
  });

  it('is idempotent, and never overwrites a different configuration without --force', async () => {
    const dir = tempProject(APP);
    expect((await cli(dir, 'init')).code).toBe(0);
    const again = await cli(dir, 'init');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('tracewire.config.json is already the starter configuration: nothing to write.');
    const edited = JSON.stringify({ $schema: SCHEMA_REF, ignores: ['scripts/**'] }, null, 2) + '\n';
    fs.writeFileSync(path.join(dir, 'tracewire.config.json'), edited);
    const refused = await cli(dir, 'init');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('tracewire: tracewire.config.json exists and differs from the starter configuration: it is left as it is (--force overwrites it)\n');
    expect(fs.readFileSync(path.join(dir, 'tracewire.config.json'), 'utf8')).toBe(edited);
    // --dry-run writes nothing.
    expect((await cli(dir, 'init', '--force', '--dry-run')).stdout).toContain('Would write tracewire.config.json (--dry-run)');
    expect(fs.readFileSync(path.join(dir, 'tracewire.config.json'), 'utf8')).toBe(edited);
    expect((await cli(dir, 'init', '--force')).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'tracewire.config.json'), 'utf8'))).toEqual({ $schema: SCHEMA_REF });
  });

  it('refuses to take a folder out of the project a configuration above it governs, unless --force', async () => {
    const dir = tempProject({ ...APP, 'package.json': JSON.stringify({ name: 'bot', tracewire: { ignores: ['scripts/**'] } }) });
    const r = await cli(path.join(dir, 'packages/worker'), 'init');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('../../package.json configures tracewire for this folder, as part of the project in ../..');
    expect(fs.existsSync(path.join(dir, 'packages/worker/tracewire.config.json'))).toBe(false);
    const here = await cli(dir, 'init');
    expect(here.code).toBe(2);
    expect(here.stderr).toContain('package.json configures tracewire here (its `tracewire` key)');
  });

  it('mentions LangSmith environment tracing switched on in an env template, without assuming it', async () => {
    const dir = tempProject({
      'package.json': JSON.stringify({ name: 'chain', dependencies: { '@langchain/openai': '^0.6.0', langsmith: '^0.3.30' } }),
      'src/chain.ts': `import { ChatOpenAI } from '@langchain/openai';\n\nexport const model = new ChatOpenAI({ model: 'gpt-4o' });\nexport const ask = (q: string) => model.invoke(q);\n`,
      '.env.example': 'LANGSMITH_TRACING=true\nLANGSMITH_API_KEY=\n',
    });
    const r = await cli(dir, 'init');
    expect(r.stdout).toContain(".env.example switches LangSmith's environment tracing on. tracewire does not assume it is on where LangChain runs;");
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'tracewire.config.json'), 'utf8'))).toEqual({ $schema: SCHEMA_REF });
  });

  it('knows packages from the catalog only: every SDK and tracing library of the catalog, nothing else', () => {
    const packages = catalogPackages();
    for (const model of builtinModels) {
      for (const spec of Object.keys(model.modules)) {
        if (spec.startsWith('.')) continue;
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        expect(packages.get(pkg)?.some((m) => m.model.id === model.id), `${spec} (${model.id})`).toBe(true);
      }
    }
    const source = fs.readFileSync(path.join(ROOT, 'src/cli/init.ts'), 'utf8');
    // No hand-written list of SDKs in the command.
    for (const pkg of ['openai', '@anthropic-ai/sdk', 'langsmith', 'prom-client']) expect(source).not.toContain(`'${pkg}'`);
  });

  it('prints the pre-commit snippet of docs/ci.md and the README, pinned at the same commit', () => {
    const doc = parseYaml(docBlocks('pre-commit', 'yaml')[0]!) as { repos: { repo: string; rev: string }[] };
    expect(doc.repos[0]!.rev).toBe(PRE_COMMIT_REV);
    expect((parseYaml(preCommitSnippet()) as typeof doc).repos[0]).toMatchObject({ repo: doc.repos[0]!.repo, rev: PRE_COMMIT_REV });
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const revs = [...readme.matchAll(/^\s*rev: (\S+)/gm)].map((m) => m[1]);
    expect(revs).toEqual([PRE_COMMIT_REV]);
    expect(readme).not.toMatch(/(?<!--no-install )\bnpx tracewire (check|init|inventory)\b/);
  });
});
