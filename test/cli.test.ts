/**
 * The `check` and `inventory` commands end to end: file discovery, formats, exit codes, config errors
 * and bad input. Most cases call the CLI's `main()` in-process with captured output; the process-level
 * behaviour (exit code, colour) is checked through the real binary.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { ROOT } from './helpers/fixtures.js';
import { tempProject } from './helpers/engine.js';

const UNWIRED = `import OpenAI from 'openai';\nconst client = new OpenAI();\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
const WIRED = `import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\nconst client = wrapOpenAI(new OpenAI());\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;

async function cli(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

async function json(cwd: string, ...argv: string[]) {
  const r = await cli(cwd, ...argv, '--format', 'json');
  return { ...r, out: JSON.parse(r.stdout) };
}

describe('check: files and exit codes', () => {
  it('exits 0 on a clean project and 1 with findings', async () => {
    const clean = tempProject({ 'src/a.ts': WIRED });
    expect((await cli(clean, 'check')).code).toBe(0);
    const dirty = tempProject({ 'src/a.ts': UNWIRED });
    const r = await cli(dirty, 'check');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/src\/a\.ts\n\s+3:25\s+error\s+OpenAI chat call `client\.chat\.completions\.create` is not traced/);
  });

  it('scans every source extension and never node_modules or build output', async () => {
    const exts = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];
    const files: Record<string, string> = {};
    for (const e of exts) files[`src/f.${e}`] = UNWIRED;
    files['node_modules/pkg/index.js'] = UNWIRED;
    files['dist/out.js'] = UNWIRED;
    files['build/out.js'] = UNWIRED;
    files['src/types.d.ts'] = UNWIRED;
    files['README.md'] = 'not code';
    const dir = tempProject(files);
    const { out } = await json(dir, 'check');
    expect([...new Set(out.findings.map((f: { file: string }) => f.file))].sort()).toEqual(exts.map((e) => `src/f.${e}`).sort());
    expect(out.summary.files).toBe(exts.length);
  });

  it('respects .gitignore and config ignores; --no-ignore turns every ignore off', async () => {
    const dir = tempProject({
      '.gitignore': 'generated/\n',
      'tracewire.config.json': JSON.stringify({ ignores: ['legacy/**'] }),
      'src/a.ts': UNWIRED,
      'generated/b.ts': UNWIRED,
      'legacy/c.ts': UNWIRED,
      'node_modules/x/d.js': UNWIRED,
    });
    const files = (o: { findings: { file: string }[] }) => [...new Set(o.findings.map((f) => f.file))].sort();
    expect(files((await json(dir, 'check')).out)).toEqual(['src/a.ts']);
    expect(files((await json(dir, 'check', '--no-ignore')).out)).toEqual(['generated/b.ts', 'legacy/c.ts', 'node_modules/x/d.js', 'src/a.ts']);
  });

  it('always checks files named explicitly, even when ignored', async () => {
    const dir = tempProject({ '.gitignore': 'generated/\n', 'generated/b.ts': UNWIRED });
    const { out, code } = await json(dir, 'check', 'generated/b.ts');
    expect(code).toBe(1);
    expect(out.findings.map((f: { file: string }) => f.file)).toEqual(['generated/b.ts']);
  });

  it('scans the project\'s dot-folders (.server/, .github/scripts/), not tools\' ones unless --no-ignore', async () => {
    const dir = tempProject({
      '.server/llm.ts': UNWIRED,
      '.github/scripts/triage.mjs': UNWIRED,
      '.yarn/releases/tool.cjs': UNWIRED,
      '.next/server/page.js': UNWIRED,
      'src/a.ts': WIRED,
    });
    const files = async (...argv: string[]) => [...new Set((await json(dir, 'check', ...argv)).out.findings.map((f: { file: string }) => f.file))].sort();
    expect(await files()).toEqual(['.github/scripts/triage.mjs', '.server/llm.ts']);
    expect(await files('--no-ignore')).toEqual(['.github/scripts/triage.mjs', '.next/server/page.js', '.server/llm.ts', '.yarn/releases/tool.cjs']);
    // Named on the command line, a file in a dot-folder is checked like any other.
    expect(await files('.server')).toEqual(['.server/llm.ts']);
  });

  it('exits 2 on a path that does not exist', async () => {
    const dir = tempProject({ 'src/a.ts': WIRED });
    const r = await cli(dir, 'check', 'no-such-dir');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tracewire: No such file or directory: no-such-dir\n');
  });

  it('exits 2 on an unknown option or format', async () => {
    const dir = tempProject({ 'src/a.ts': WIRED });
    expect((await cli(dir, 'check', '--bogus')).code).toBe(2);
    const r = await cli(dir, 'check', '--format', 'xml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Allowed choices are stylish, json");
  });

  it('exits 2 with the usage when no command is given: a CI step that forgot `check` fails', async () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED });
    const r = await cli(dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: tracewire \[options\] \[command\]/);
    expect(r.stderr).toContain('check [options] [paths...]');
    // Asking for help is not an error.
    expect((await cli(dir, '--help')).code).toBe(0);
    expect((await cli(dir, 'help')).code).toBe(0);
    expect((await cli(dir, 'help', 'check')).code).toBe(0);
  });

  it('prints a usage error on one line with a hint, not the whole help', async () => {
    const dir = tempProject({ 'src/a.ts': WIRED });
    const cases: [string[], string][] = [
      [['check', '--bogus'], "error: unknown option '--bogus'\nRun `tracewire check --help` for its usage.\n"],
      [['check', '--format', 'xml'], "error: option '-f, --format <format>' argument 'xml' is invalid. Allowed choices are stylish, json, sarif, github, junit, each optionally followed by :<file>.\nRun `tracewire check --help` for its usage.\n"],
      [['chek'], "error: unknown command 'chek'\n(Did you mean check?)\nRun `tracewire --help` for the commands.\n"],
      // `rules --format` validates like `check`.
      [['rules', '--format', 'xml'], "error: option '-f, --format <format>' argument 'xml' is invalid. Allowed choices are stylish, json.\nRun `tracewire rules --help` for its usage.\n"],
      [['inventory', '--max-warnings', '3'], "error: unknown option '--max-warnings'\nRun `tracewire inventory --help` for its usage.\n"],
    ];
    for (const [argv, stderr] of cases) {
      const r = await cli(dir, ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toBe(stderr);
      expect(r.stdout).toBe('');
    }
    expect(JSON.parse((await cli(dir, 'rules', '--format', 'json')).stdout).length).toBeGreaterThan(5);
  });

  it('a misspelt suppression is reported and suppresses nothing', async () => {
    const dir = tempProject({
      'src/a.ts': `// tracewire-disable-nextline require-llm-tracing -- typo\n${UNWIRED}`,
      'src/b.ts': `/* tracewire-disable require-llm-tracing -- legacy */\n${UNWIRED}`,
    });
    const { out, code } = await json(dir, 'check');
    expect(code).toBe(1);
    expect(out.findings.map((f: { file: string; line: number; messageId: string; message: string }) => `${f.file}:${f.line} ${f.messageId}`)).toEqual([
      'src/a.ts:1 unknownDirective',
      'src/a.ts:4 unwiredCall',
    ]);
    expect(out.findings[0].message).toBe('`tracewire-disable-nextline` is not a tracewire directive, so it suppresses nothing: did you mean `tracewire-disable-next-line`?');
  });

  it('writes the report to a file with -o', async () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED });
    const r = await cli(dir, 'check', '--format', 'json', '-o', 'out/report.json');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'out/report.json'), 'utf8'));
    expect(report.findings).toHaveLength(1);
  });
});

describe('check: bad input is reported and the run goes on', () => {
  it('reports a file that does not parse, and still checks the others', async () => {
    const dir = tempProject({ 'src/broken.ts': "import OpenAI from 'openai';\nexport const = ;\nfunction (", 'src/a.ts': UNWIRED });
    const { out, code } = await json(dir, 'check');
    expect(code).toBe(1);
    expect(out.errors).toEqual([{ file: 'src/broken.ts', message: expect.stringMatching(/^parse error at 2:14: /) }]);
    expect(out.findings.map((f: { file: string }) => f.file)).toEqual(['src/a.ts']);
  });

  it('fails the run on a parse error alone (exit 1)', async () => {
    const dir = tempProject({ 'src/broken.ts': "import { client } from './client';\nconst x = {", 'src/client.ts': "import OpenAI from 'openai';\nexport const client = new OpenAI();\n" });
    const r = await cli(dir, 'check');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('src/broken.ts');
    expect(r.stdout).toContain('could not be checked');
  });

  it('does not parse a file that names no catalog module and imports no file that does (nothing there to check)', async () => {
    const dir = tempProject({ 'src/broken.ts': 'const x = {', 'src/util.ts': "import './broken';\nexport const y = 1;\n", 'src/a.ts': UNWIRED });
    const { out, code } = await json(dir, 'check');
    expect(code).toBe(1);
    expect(out.errors).toEqual([]);
    expect(out.findings.map((f: { file: string }) => f.file)).toEqual(['src/a.ts']);
    // Once a file with an LLM call imports it, it is analysed (and its syntax error reported).
    fs.writeFileSync(path.join(dir, 'src/a.ts'), `import './util';\n${UNWIRED}`);
    const after = await json(dir, 'check');
    expect(after.out.errors).toEqual([{ file: 'src/broken.ts', message: expect.stringMatching(/^parse error at 1:12: /) }]);
  });

  it('reports a binary file with a source extension', async () => {
    const dir = tempProject({ 'src/blob.js': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0, 0xff]), 'src/a.ts': WIRED });
    const { out } = await json(dir, 'check');
    expect(out.errors).toEqual([{ file: 'src/blob.js', message: 'skipped: binary content (NUL bytes) in a source file' }]);
  });

  it('accepts an empty file', async () => {
    const dir = tempProject({ 'src/empty.ts': '' });
    const { out, code } = await json(dir, 'check');
    expect(code).toBe(0);
    expect(out).toMatchObject({ findings: [], errors: [], summary: { files: 1 } });
  });

  it('reports the same positions for files with a BOM or CRLF line endings', async () => {
    const dir = tempProject({ 'src/lf.ts': UNWIRED, 'src/bom.ts': '\uFEFF' + UNWIRED, 'src/crlf.ts': UNWIRED.replace(/\n/g, '\r\n') });
    const { out } = await json(dir, 'check');
    const pos = out.findings.map((f: { file: string; line: number; column: number; endLine: number; endColumn: number }) => `${f.file} ${f.line}:${f.column}-${f.endLine}:${f.endColumn}`);
    expect(pos).toEqual(['src/bom.ts 3:25-3:90', 'src/crlf.ts 3:25-3:90', 'src/lf.ts 3:25-3:90']);
  });

  it('reports an unreadable file and goes on', async () => {
    const dir = tempProject({ 'src/secret.ts': UNWIRED, 'src/a.ts': UNWIRED });
    fs.chmodSync(path.join(dir, 'src/secret.ts'), 0o000);
    fs.chmodSync(dir, 0o755);
    // Root reads anything: run the real CLI as an unprivileged user in that case.
    const asRoot = process.getuid?.() === 0;
    const args = [path.join(ROOT, 'bin/tracewire.js'), 'check', '--format', 'json'];
    const r = asRoot
      ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args], { cwd: dir, encoding: 'utf8' })
      : spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.errors).toEqual([{ file: 'src/secret.ts', message: 'cannot read file: EACCES' }]);
    expect(out.findings.map((f: { file: string }) => f.file)).toEqual(['src/a.ts']);
  });
});

describe('configuration', () => {
  const bad: [string, Record<string, string>, string][] = [
    ['unknown rule id', { 'tracewire.config.json': '{"rules":{"no-such-rule":"error"}}' }, 'tracewire.config.json: rules.no-such-rule: unknown rule "no-such-rule"'],
    ['wrong severity', { 'tracewire.config.json': '{"rules":{"require-llm-tracing":"fatal"}}' }, 'tracewire.config.json: rules.require-llm-tracing: expected "off", "warn", "error", 0, 1, 2, or [severity, options]'],
    ['malformed JSON', { 'tracewire.config.json': '{\n  "rules": {\n    "require-llm-tracing": "error",\n  }\n}' }, 'tracewire.config.json:4:3: invalid JSON'],
    ['unknown top-level key', { 'tracewire.config.json': '{"rulez":{}}' }, 'tracewire.config.json: rulez: unknown key "rulez"'],
    ['unknown catalog field', { 'tracewire.config.json': '{"catalog":{"wrapers":[]}}' }, 'tracewire.config.json: catalog.wrapers: unknown key "wrapers"'],
    ['bad reference', { 'tracewire.config.json': '{"catalog":{"scopes":[{"function":"./src/tracing"}]}}' }, 'tracewire.config.json: catalog.scopes[0].function: expected "module#export"'],
    ['bad rule option', { 'tracewire.config.json': '{"rules":{"require-llm-tracing":["error",{"ignoreOperations":"embeddings"}]}}' }, 'tracewire.config.json: rules.require-llm-tracing[1].ignoreOperations: Invalid input: expected array, received string'],
    ['unknown rule option', { 'tracewire.config.json': '{"rules":{"require-llm-tracing":["error",{"ignore":[]}]}}' }, 'tracewire.config.json: rules.require-llm-tracing[1].ignore: unknown key "ignore"'],
    ['bad package.json key', { 'package.json': '{"name":"x","tracewire":{"rules":{"require-llm-tracing":"loud"}}}' }, 'package.json: tracewire.rules.require-llm-tracing: expected'],
  ];
  for (const [name, files, message] of bad) {
    it(`exits 2 and names the key: ${name}`, async () => {
      const dir = tempProject({ ...files, 'src/a.ts': WIRED });
      const r = await cli(dir, 'check');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.startsWith(`tracewire: ${message}`), r.stderr).toBe(true);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('sets severities and options', async () => {
    const dir = tempProject({
      'tracewire.config.json': JSON.stringify({ rules: { 'require-llm-tracing': ['warn', { ignoreOperations: ['embeddings'] }] } }),
      'src/a.ts': UNWIRED + `export const e = () => client.embeddings.create({ model: 'm', input: 'x' });\n`,
    });
    const { out, code } = await json(dir, 'check');
    expect(code).toBe(0);
    expect(out.findings.map((f: { severity: string; line: number }) => `${f.severity}:${f.line}`)).toEqual(['warn:3']);
  });

  it('reads the `tracewire` key of package.json', async () => {
    const dir = tempProject({ 'package.json': JSON.stringify({ name: 'x', tracewire: { rules: { 'require-llm-tracing': 'off' } } }), 'src/a.ts': UNWIRED });
    expect((await cli(dir, 'check')).code).toBe(0);
  });

  it('ships a JSON Schema that matches the config schema', async () => {
    const { z } = await import('zod');
    const { configSchema } = await import('../src/config/schema.js');
    const shipped = JSON.parse(fs.readFileSync(path.join(ROOT, 'schema/tracewire.schema.json'), 'utf8'));
    expect(shipped).toEqual(z.toJSONSchema(configSchema, { io: 'input' }));
  });
});

describe('inventory', () => {
  it('lists wired and unwired sites with their mechanism, agreeing with check', async () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED, 'src/b.ts': WIRED });
    const { out } = await json(dir, 'inventory');
    expect(out.sites).toEqual([
      {
        file: 'src/a.ts', line: 3, column: 25, endLine: 3, endColumn: 90, kind: 'llm-call', sdk: 'openai', operation: 'chat', callee: 'client.chat.completions.create', wired: false, mechanism: null,
        state: 'unwired',
        // Nothing imports a.ts and it runs nothing at top level: a library file, judged by its package (none here).
        evidence: { processes: [], package: '(no package.json)', rejected: [] },
      },
      {
        file: 'src/b.ts', line: 4, column: 25, endLine: 4, endColumn: 90, kind: 'llm-call', sdk: 'openai', operation: 'chat', callee: 'client.chat.completions.create', wired: true, mechanism: 'client-wrapper:langsmith.wrapOpenAI',
        state: 'wired',
        evidence: { local: 'client-wrapper:langsmith.wrapOpenAI', processes: [], rejected: [] },
      },
    ]);
    const check = (await json(dir, 'check')).out;
    expect(check.findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual(out.sites.filter((s: { wired: boolean }) => !s.wired).map((s: { file: string; line: number }) => `${s.file}:${s.line}`));
  });

  it('prints a table grouped by SDK', async () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED, 'src/b.ts': WIRED });
    const r = await cli(dir, 'inventory');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('openai  2 sites, 1 wired, 1 unwired');
    expect(r.stdout).toMatch(/src\/a\.ts:3:25\s+llm-call\s+client\.chat\.completions\.create\s+UNWIRED/);
    expect(r.stdout).toMatch(/src\/b\.ts:4:25\s+llm-call\s+client\.chat\.completions\.create\s+client-wrapper:langsmith\.wrapOpenAI/);
  });
});

describe('the real binary', () => {
  it('honours NO_COLOR and FORCE_COLOR', () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED });
    const bin = path.join(ROOT, 'bin/tracewire.js');
    const plain = spawnSync(process.execPath, [bin, 'check'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' } });
    expect(plain.status).toBe(1);
    expect(plain.stdout).not.toContain('\u001b[');
    const colored = spawnSync(process.execPath, [bin, 'check'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(colored.stdout).toContain('\u001b[');
  });
});
