/**
 * The CI reporters end to end through the CLI: SARIF validated against the official SARIF 2.1.0 JSON
 * schema (test/data/sarif-schema-2.1.0.json) with fix regions applied back to the source, GitHub workflow
 * commands with their escaping, JUnit parsed as XML, several formats in one run, --quiet, --max-warnings
 * and the exit codes.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { escapeData, escapeProperty } from '../src/report/github.js';
import { xmlEscape } from '../src/report/junit.js';
import { tempProject } from './helpers/engine.js';
import { ROOT } from './helpers/fixtures.js';
import { hasGit } from './helpers/system-tools.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

async function cli(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const UNWIRED = `import OpenAI from 'openai';\nconst client = new OpenAI();\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
const WIRED = `import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\nconst client = wrapOpenAI(new OpenAI());\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
// A fixable finding (the AI SDK's telemetry option) after an astral character on the same line (UTF-16
// columns), and a second one in a CRLF file.
const FIXABLE = `import { generateText } from 'ai';\nimport { openai } from '@ai-sdk/openai';\nconst smile = '😀'; export const gen = () => generateText({ model: openai('gpt-4o'), prompt: 'hi' });\n`;
const FIXABLE_CRLF = `import { generateText } from 'ai';\r\nimport { openai } from '@ai-sdk/openai';\r\n\r\nexport async function gen() {\r\n  return generateText({\r\n    model: openai('gpt-4o'),\r\n    prompt: 'hi',\r\n  });\r\n}\r\n`;
const SUPPRESSION = `// tracewire-disable-next-line require-llm-tracing\nexport const x = 1;\n`;

function project() {
  return tempProject({
    'package.json': JSON.stringify({ name: 'app', dependencies: { ai: '^5.0.0', openai: '^5.0.0' } }),
    'tracewire.config.json': JSON.stringify({ rules: { 'suppression-comment': 'warn' } }),
    'src/a.ts': UNWIRED,
    'src/clean.ts': WIRED,
    'src/fix.ts': FIXABLE,
    'src/crlf.ts': FIXABLE_CRLF,
    'src/dir with space/ü,x.ts': UNWIRED,
    'src/suppress.ts': SUPPRESSION,
    'src/broken.ts': "import OpenAI from 'openai';\nexport const = ;\n",
  });
}

function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/data/sarif-schema-2.1.0.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** Offsets from 1-based line/column, computed independently of the reporter (LF, CRLF and CR line ends). */
function offsetAt(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const m = /\r\n|\r|\n/g;
    m.lastIndex = off;
    const hit = m.exec(text)!;
    off = hit.index + hit[0].length;
  }
  return off + column - 1;
}

describe('sarif', () => {
  it('is valid SARIF 2.1.0 with rule metadata, help URIs, fingerprints, fixes and notifications', async () => {
    const dir = project();
    const r = await cli(dir, 'check', '--format', 'sarif');
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    const validate = sarifValidator();
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);

    const run = log.runs[0];
    const rules = run.tool.driver.rules as { id: string; helpUri: string; help: { markdown: string } }[];
    expect(rules.map((x) => x.id)).toContain('require-llm-tracing');
    for (const rule of rules) expect(rule.helpUri).toBe(`https://github.com/tracewire/tracewire/blob/main/rules/${rule.id}.md`);
    // The rule's documentation travels as its help (code scanning shows it on the alert).
    expect(rules.find((x) => x.id === 'require-llm-tracing')!.help.markdown).toMatch(/^# require-llm-tracing\n[\s\S]*## Why is this bad\?/);

    const results = run.results as any[];
    const json = JSON.parse((await cli(dir, 'check', '--format', 'json')).stdout);
    expect(results).toHaveLength(json.findings.length);
    results.forEach((res, i) => {
      const f = json.findings[i];
      expect(rules[res.ruleIndex]!.id).toBe(res.ruleId);
      expect(res.ruleId).toBe(f.ruleId);
      expect(res.level).toBe(f.severity === 'error' ? 'error' : 'warning');
      expect(res.partialFingerprints['tracewire/v1']).toMatch(/^[0-9a-f]{24}:\d+$/);
      const loc = res.locations[0].physicalLocation;
      expect(loc.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(decodeURIComponent(loc.artifactLocation.uri)).toBe(f.file);
      expect(loc.region).toEqual({ startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn });
    });
    expect(results.find((x) => decodeURIComponent(x.locations[0].physicalLocation.artifactLocation.uri).includes('ü'))!.locations[0].physicalLocation.artifactLocation.uri).toBe(
      'src/dir%20with%20space/%C3%BC%2Cx.ts',
    );
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe(`file://${dir}/`);
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(results.some((x) => x.level === 'warning' && x.ruleId === 'suppression-comment')).toBe(true);

    // The file that does not parse is a tool execution notification, and the run did not fully succeed.
    const inv = run.invocations[0];
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications).toHaveLength(1);
    expect(inv.toolExecutionNotifications[0].locations[0].physicalLocation.artifactLocation.uri).toBe('src/broken.ts');
    expect(inv.toolExecutionNotifications[0].message.text).toMatch(/^src\/broken\.ts: parse error/);

    // Fixes: applying the SARIF replacements by line and column gives the same text as the JSON edits by offset.
    // The unwired calls through a client built in their file carry unsafe fixes (wrap the call in a span, wrap the client).
    expect(results.filter((x) => x.fixes?.[0]?.properties.safety === 'unsafe').map((x) => x.locations[0].physicalLocation.artifactLocation.uri).sort()).toEqual([
      'src/a.ts',
      'src/dir%20with%20space/%C3%BC%2Cx.ts',
    ]);
    const fixed = results.filter((x) => x.fixes?.[0]?.properties.safety === 'safe');
    expect(fixed.map((x) => x.locations[0].physicalLocation.artifactLocation.uri).sort()).toEqual(['src/crlf.ts', 'src/fix.ts']);
    for (const res of fixed) {
      const file = decodeURIComponent(res.locations[0].physicalLocation.artifactLocation.uri);
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const f = json.findings.find((x: any) => x.file === file && x.fix);
      let byOffsets = text;
      for (const e of [...f.fix.edits].sort((a: any, b: any) => b.start - a.start)) byOffsets = byOffsets.slice(0, e.start) + e.text + byOffsets.slice(e.end);
      expect(res.fixes[0].properties.safety).toBe('safe');
      expect(res.fixes[0].artifactChanges[0].artifactLocation.uri).toBe(file);
      const reps = res.fixes[0].artifactChanges[0].replacements.map((rep: any) => ({
        start: offsetAt(text, rep.deletedRegion.startLine, rep.deletedRegion.startColumn),
        end: offsetAt(text, rep.deletedRegion.endLine, rep.deletedRegion.endColumn),
        text: rep.insertedContent?.text ?? '',
      }));
      let byRegions = text;
      for (const e of reps.sort((a: any, b: any) => b.start - a.start)) byRegions = byRegions.slice(0, e.start) + e.text + byRegions.slice(e.end);
      expect(byRegions).toBe(byOffsets);
      expect(byRegions).toContain('experimental_telemetry');
    }
  });

  it.runIf(hasGit())('uses paths relative to the git work tree root when run in a subdirectory', async () => {
    const dir = tempProject({ 'packages/app/src/a.ts': UNWIRED });
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const app = path.join(dir, 'packages/app');
    const r = await cli(app, 'check', '--format', 'sarif');
    const log = JSON.parse(r.stdout);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('packages/app/src/a.ts');
    expect(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri).toBe(`file://${dir}/`);
    expect(sarifValidator()(log)).toBe(true);
    const gh = await cli(app, 'check', '--format', 'github');
    expect(gh.stdout).toMatch(/^::error file=packages\/app\/src\/a\.ts,line=3,col=25,/m);
  });

  it('is valid for a clean run too', async () => {
    const dir = tempProject({ 'src/a.ts': WIRED });
    const r = await cli(dir, 'check', '--format', 'sarif');
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stdout);
    expect(sarifValidator()(log)).toBe(true);
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].invocations[0]).toMatchObject({ executionSuccessful: true });
  });

  it('fails schema validation when the log is broken (the validator is not vacuous)', async () => {
    const dir = tempProject({ 'src/a.ts': UNWIRED });
    const log = JSON.parse((await cli(dir, 'check', '--format', 'sarif')).stdout);
    const validate = sarifValidator();
    log.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(log)).toBe(false);
    delete log.runs[0].tool.driver.name;
    expect(validate(log)).toBe(false);
  });
});

describe('github', () => {
  it('escapes data and properties as the workflow command spec says', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('src/a:b,c%.ts\n')).toBe('src/a%3Ab%2Cc%25.ts%0A');
  });

  it('prints one annotation per finding and per unreadable file, with positions and a title', async () => {
    const dir = project();
    const r = await cli(dir, 'check', '--format', 'github');
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toContain(
      '::error file=src/a.ts,line=3,col=25,endLine=3,endColumn=90,title=tracewire(require-llm-tracing)::OpenAI chat call `client.chat.completions.create` is not traced: its latency, tokens and errors never reach your traces, so its cost and failures cannot be attributed. Wrap the client (e.g. LangSmith `wrapOpenAI`, Langfuse `observeOpenAI`), call it inside a traced function, or register an instrumentation at start-up (e.g. `OpenAIInstrumentation` from `@opentelemetry/instrumentation-openai`).',
    );
    expect(lines.some((l) => l.startsWith('::error file=src/dir with space/ü%2Cx.ts,line=3,col=25,'))).toBe(true);
    expect(lines.some((l) => /^::warning file=src\/suppress\.ts,line=1,col=1,.*title=tracewire\(suppression-comment\)::/.test(l))).toBe(true);
    expect(lines.some((l) => /^::error file=src\/broken\.ts,title=tracewire%3A file not checked::parse error/.test(l))).toBe(true);
    // Every line is a workflow command, except the closing summary for the log.
    expect(lines.slice(0, -1).every((l) => l.startsWith('::'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^tracewire: 4 errors, 1 warning in 7 files, 1 file not checked$/);
  });
});

describe('junit', () => {
  it('is well-formed XML: a suite per file, a failing case per finding, a passing case per clean file', async () => {
    const dir = project();
    const r = await cli(dir, 'check', '--format', 'junit');
    expect(r.code).toBe(1);
    // Parsed by a real XML parser (Python's expat), not by regexes.
    const py = spawnSync(
      'python3',
      [
        '-c',
        `import sys, json, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
print(json.dumps({"tag": root.tag, "attrs": root.attrib, "suites": [{"name": s.get("name"), "attrs": s.attrib, "cases": [{"attrs": c.attrib, "children": [{"tag": x.tag, "attrs": x.attrib, "text": x.text} for x in c]} for c in s]} for s in root]}))`,
      ],
      { input: r.stdout, encoding: 'utf8' },
    );
    expect(py.stderr).toBe('');
    const doc = JSON.parse(py.stdout);
    expect(doc.tag).toBe('testsuites');
    const suites = Object.fromEntries(doc.suites.map((s: any) => [s.name, s]));
    expect(Object.keys(suites).sort()).toEqual(['src/a.ts', 'src/broken.ts', 'src/clean.ts', 'src/crlf.ts', 'src/dir with space/ü,x.ts', 'src/fix.ts', 'src/suppress.ts']);
    expect(suites['src/clean.ts'].cases).toEqual([{ attrs: { classname: 'src/clean', name: 'tracewire', file: 'src/clean.ts', time: '0' }, children: [] }]);
    const a = suites['src/a.ts'];
    expect(a.attrs).toMatchObject({ tests: '1', failures: '1', errors: '0' });
    expect(a.cases[0].attrs).toMatchObject({ classname: 'src/a', name: 'require-llm-tracing at 3:25', file: 'src/a.ts', line: '3' });
    expect(a.cases[0].children[0]).toMatchObject({ tag: 'failure', attrs: { type: 'require-llm-tracing/unwiredCall' } });
    expect(a.cases[0].children[0].attrs.message).toMatch(/^OpenAI chat call `client\.chat\.completions\.create` is not traced/);
    expect(a.cases[0].children[0].text).toMatch(/^error at src\/a\.ts:3:25: OpenAI chat call/);
    expect(suites['src/broken.ts'].cases[0].children[0]).toMatchObject({ tag: 'error', attrs: { type: 'file-not-checked' } });
    expect(doc.attrs).toMatchObject({ tests: '7', failures: '5', errors: '1' });
  });

  it('escapes what XML cannot carry', () => {
    expect(xmlEscape(`a<b>&"c"'\u0001\uD800`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;');
    expect(xmlEscape('😀')).toBe('😀');
  });
});

describe('several formats, --quiet, --max-warnings and exit codes', () => {
  it('writes each format:file report and sends the one without a file to stdout', async () => {
    const dir = project();
    const r = await cli(dir, 'check', '--format', 'sarif:reports/tw.sarif', '--format', 'junit:reports/tw.xml', '--format', 'json:tw.json', '--format', 'github');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=src\/a\.ts/);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'reports/tw.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(fs.readFileSync(path.join(dir, 'reports/tw.xml'), 'utf8')).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'tw.json'), 'utf8')).summary.findings).toBe(5);
    // Reports written to files carry no colour.
    const s = await cli(dir, 'check', '--format', 'stylish:out.txt', '--format', 'json');
    expect(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8')).not.toContain('\u001b[');
    expect(JSON.parse(s.stdout).version).toBe(1);
  });

  it('keeps -o for a single format', async () => {
    const dir = project();
    const r = await cli(dir, 'check', '--format', 'sarif', '-o', 'x.sarif');
    expect(r.stdout).toBe('');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'x.sarif'), 'utf8')).version).toBe('2.1.0');
    const r2 = await cli(dir, 'check', '--format', 'sarif:y.sarif', '--format', 'junit', '-o', 'y.xml');
    expect(r2.code).toBe(1);
    expect(fs.existsSync(path.join(dir, 'y.xml'))).toBe(true);
  });

  it('exits 2 on conflicting or unknown formats', async () => {
    const dir = project();
    for (const argv of [
      ['--format', 'sarif', '--format', 'json'],
      ['--format', 'sarif', '--format', 'json', '-o', 'out'],
      ['--format', 'xml'],
      ['--format', 'sarif:'],
      ['--format', 'json:a.json', '--format', 'sarif:a.json'],
      ['--max-warnings', 'many'],
      ['--max-warnings', '-1'],
    ]) {
      const r = await cli(dir, 'check', ...argv);
      expect([argv, r.code]).toEqual([argv, 2]);
      expect(r.stderr).not.toBe('');
    }
  });

  it('--max-warnings fails a run whose warnings exceed it; --quiet neither prints nor counts warnings', async () => {
    const dir = tempProject({
      'tracewire.config.json': JSON.stringify({ rules: { 'require-llm-tracing': 'warn' } }),
      'src/a.ts': UNWIRED,
      'src/b.ts': UNWIRED,
    });
    expect((await cli(dir, 'check')).code).toBe(0);
    expect((await cli(dir, 'check', '--max-warnings', '2')).code).toBe(0);
    const over = await cli(dir, 'check', '--max-warnings', '1');
    expect(over.code).toBe(1);
    expect(over.stderr).toBe('tracewire: 2 warnings, more than the 1 --max-warnings allows.\n');
    const quiet = await cli(dir, 'check', '--quiet', '--max-warnings', '0', '--format', 'json');
    expect(quiet.code).toBe(0);
    expect(JSON.parse(quiet.stdout).findings).toEqual([]);
    const q2 = await cli(dir, 'check', '-q');
    expect(q2.stdout).not.toContain('warn');
  });

  it('--quiet keeps errors and the exit code they cause', async () => {
    const dir = tempProject({
      'tracewire.config.json': JSON.stringify({ rules: { 'suppression-comment': 'warn' } }),
      'src/a.ts': UNWIRED,
      'src/s.ts': SUPPRESSION,
    });
    const r = await cli(dir, 'check', '--quiet', '--format', 'json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: any) => f.ruleId)).toEqual(['require-llm-tracing']);
  });
});
