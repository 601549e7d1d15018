/**
 * No surprises for the user's repository: every front end (check, inventory, baseline, fix, codemod)
 * runs as the real binary over a project built to catch it out. It never executes the analysed code
 * (top-level side effects, modules the configuration names, package scripts), never writes outside the
 * files it fixes and the outputs it is asked for, never writes through a symbolic link out of the
 * project, and opens no network connection (every socket API is hooked; with `unshare -n` it also runs
 * without any network at all).
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/fixtures.js';

const BIN = path.join(ROOT, 'bin/tracewire.js');

/** Importing or running any of these leaves a MARKER-* file next to it. */
const mark = (name: string) => `require('node:fs').writeFileSync(require('node:path').join(__dirname, 'MARKER-${name}'), 'executed');\n`;

const UNWIRED_AI = (fn: string) => `export async function ${fn}(prompt: string) {\n  const { text } = await generateText({ model: openai('gpt-4o'), prompt });\n  return text;\n}\n`;
const AI_IMPORTS = `import { generateText } from 'ai';\nimport { openai } from '@ai-sdk/openai';\n`;

/** The hook loaded with --import: records any attempt to reach the network. */
const NET_HOOK = `
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
const log = process.env.TRACEWIRE_NET_LOG;
const note = (what) => fs.appendFileSync(log, what + '\\n');
const wrap = (obj, name) => {
  const orig = obj[name];
  obj[name] = function (...args) {
    note(name + ' ' + (() => { try { return JSON.stringify(args[0]); } catch { return String(args[0]); } })());
    return orig.apply(this, args);
  };
};
wrap(net.Socket.prototype, 'connect');
wrap(net, 'connect');
wrap(net, 'createConnection');
wrap(tls, 'connect');
wrap(dgram, 'createSocket');
wrap(dns, 'lookup');
wrap(dns, 'resolve');
wrap(dns.promises, 'lookup');
wrap(http, 'request');
wrap(http, 'get');
wrap(https, 'request');
wrap(https, 'get');
if (globalThis.fetch) wrap(globalThis, 'fetch');
if (globalThis.WebSocket) globalThis.WebSocket = function () { note('WebSocket'); throw new Error('no network'); };
`;

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const abs = path.join(dir, r);
      if (e.isSymbolicLink()) out.set(r, `-> ${fs.readlinkSync(abs)}`);
      else if (e.isDirectory()) walk(r);
      else out.set(r, fs.readFileSync(abs).toString('base64'));
    }
  };
  walk('');
  return out;
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of after) if (before.get(k) !== v) out.push(before.has(k) ? `changed ${k}` : `added ${k}`);
  for (const k of before.keys()) if (!after.has(k)) out.push(`removed ${k}`);
  return out.sort();
}

/** A workspace: the project, a directory outside it that links point into, a HOME and a TMPDIR. */
function workspace() {
  const root = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'tracewire-surprises-'));
  const project = path.join(root, 'project');
  const outside = path.join(root, 'outside');
  const home = path.join(root, 'home');
  const tmp = path.join(root, 'tmp');
  const files: Record<string, string> = {
    'package.json': JSON.stringify({
      name: 'agents',
      private: true,
      main: 'src/a.ts',
      scripts: { postinstall: `node -e "${mark('postinstall').replace(/"/g, '\\"')}"`, prepare: 'node src/side-effect.js', test: 'node src/a.ts' },
      dependencies: { ai: '^5.0.0', '@ai-sdk/openai': '^2.0.0', openai: '^4.0.0' },
    }),
    'tracewire.config.json': JSON.stringify({ catalog: { scopes: [{ function: './src/tracing#withLLMSpan' }] } }),
    'src/a.ts': `${AI_IMPORTS}import './side-effect.js';\nimport { withLLMSpan } from './tracing';\n${mark('a')}${UNWIRED_AI('answer')}export const traced = (p: string) => withLLMSpan(() => answer(p));\n`,
    'src/side-effect.js': mark('side-effect'),
    'src/tracing.ts': `${mark('tracing')}export function withLLMSpan<T>(fn: () => T): T { return fn(); }\n`,
    'src/chat.mjs': `import OpenAI from 'openai';\nimport fs from 'node:fs';\nfs.writeFileSync(new URL('./MARKER-chat', import.meta.url), 'executed');\nconst client = new OpenAI();\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`,
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
    fs.writeFileSync(path.join(project, rel), text);
  }
  fs.mkdirSync(path.join(outside, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(outside, 'victim.ts'), `${AI_IMPORTS}${UNWIRED_AI('victim')}`);
  fs.writeFileSync(path.join(outside, 'lib/x.ts'), `${AI_IMPORTS}${UNWIRED_AI('library')}`);
  fs.writeFileSync(path.join(outside, 'package.json'), JSON.stringify({ dependencies: { ai: '^5.0.0' } }));
  // A file and a directory inside the project that are links out of it.
  fs.symlinkSync('../../outside/victim.ts', path.join(project, 'src/linked.ts'));
  fs.symlinkSync('../../outside/lib', path.join(project, 'src/vendor'));
  fs.mkdirSync(home);
  fs.mkdirSync(tmp);
  const hook = path.join(root, 'net-hook.mjs');
  fs.writeFileSync(hook, NET_HOOK);
  const netLog = path.join(root, 'net.log');
  fs.writeFileSync(netLog, '');
  return { root, project, outside, home, tmp, hook, netLog };
}

type Workspace = ReturnType<typeof workspace>;

function tracewire(ws: Workspace, args: string[], opts: { unshare?: boolean } = {}) {
  // The user cache in its default place (TMPDIR), not the test run's.
  const { TRACEWIRE_CACHE_DIR: _runCache, ...inherited } = process.env;
  const env = { ...inherited, HOME: ws.home, TMPDIR: ws.tmp, XDG_CACHE_HOME: path.join(ws.home, '.cache'), TRACEWIRE_NET_LOG: ws.netLog, NO_COLOR: '1', CI: '1' };
  const cmd = [process.execPath, '--import', pathToFileUrl(ws.hook), BIN, ...args];
  const r = opts.unshare ? spawnSync('unshare', ['-n', ...cmd], { cwd: ws.project, env, encoding: 'utf8' }) : spawnSync(cmd[0]!, cmd.slice(1), { cwd: ws.project, env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function pathToFileUrl(p: string): string {
  return new URL(`file://${p}`).href;
}

/** What a run may leave outside the project: only its own compile cache, in the user's cache folder ($XDG_CACHE_HOME/tracewire). */
function outsideWrites(ws: Workspace, before: { outside: Map<string, string>; home: Map<string, string>; tmp: Map<string, string> }): string[] {
  const home = changes(before.home, snapshot(ws.home)).filter((c) => !c.startsWith('added .cache/tracewire/') && !c.startsWith('changed .cache/tracewire/'));
  return [...changes(before.outside, snapshot(ws.outside)).map((c) => `outside: ${c}`), ...home.map((c) => `HOME: ${c}`), ...changes(before.tmp, snapshot(ws.tmp)).map((c) => `TMPDIR: ${c}`)];
}

function markers(ws: Workspace): string[] {
  return [...snapshot(ws.root).keys()].filter((k) => path.basename(k).startsWith('MARKER'));
}

const snapAll = (ws: Workspace) => ({ project: snapshot(ws.project), outside: snapshot(ws.outside), home: snapshot(ws.home), tmp: snapshot(ws.tmp) });

describe('no surprises', () => {
  it('the traps work: the hook records a connection attempt, a marker appears when code runs', () => {
    const ws = workspace();
    const env = { ...process.env, TRACEWIRE_NET_LOG: ws.netLog };
    spawnSync(process.execPath, ['--import', pathToFileUrl(ws.hook), '-e', "require('node:net').connect(9, '127.0.0.1').on('error', () => {})"], { env });
    expect(fs.readFileSync(ws.netLog, 'utf8')).toMatch(/^connect /);
    spawnSync(process.execPath, [path.join(ws.project, 'src/side-effect.js')]);
    expect(markers(ws)).toEqual(['project/src/MARKER-side-effect']);
  });

  it('check, inventory and baseline write only the outputs asked for, and execute nothing', () => {
    const ws = workspace();
    const before = snapAll(ws);

    const check = tracewire(ws, ['check', '--format', 'json']);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(1);
    const found = JSON.parse(check.stdout).findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`);
    // The links out of the project are not followed by the scan.
    expect(found).toEqual(['src/a.ts:7', 'src/chat.mjs:5']);
    expect(changes(before.project, snapshot(ws.project))).toEqual([]);

    expect(tracewire(ws, ['check', '--format', 'sarif', '-o', 'reports/tracewire.sarif']).status).toBe(1);
    expect(tracewire(ws, ['inventory', '--format', 'json']).status).toBe(0);
    expect(tracewire(ws, ['baseline']).status).toBe(0);
    expect(changes(before.project, snapshot(ws.project))).toEqual(['added reports/tracewire.sarif', 'added tracewire-baseline.json']);

    expect(outsideWrites(ws, before)).toEqual([]);
    expect(markers(ws)).toEqual([]);
    expect(fs.readFileSync(ws.netLog, 'utf8')).toBe('');
  });

  it('fix and codemod change only the project files they fix, and never write through a link out of the project', () => {
    const ws = workspace();
    const before = snapAll(ws);

    // Named explicitly: the link to a file outside and a file inside a linked directory are refused.
    const named = tracewire(ws, ['fix', 'src/a.ts', 'src/linked.ts', 'src/vendor/x.ts']);
    expect(named.stderr).toBe('');
    expect(named.status).toBe(1);
    expect(named.stdout).toContain('src/linked.ts: refused: it is a symbolic link to');
    expect(named.stdout).toContain('src/vendor/x.ts: refused: it is a symbolic link to');
    expect(changes(before.project, snapshot(ws.project))).toEqual(['changed src/a.ts']);
    expect(fs.readFileSync(path.join(ws.project, 'src/a.ts'), 'utf8')).toContain('experimental_telemetry: { isEnabled: true }');

    // The whole tree, and a codemod: links are not followed, nothing outside changes.
    expect(tracewire(ws, ['fix']).stderr).toBe('');
    const codemod = tracewire(ws, ['codemod', 'wrap-clients']);
    expect(codemod.stderr).toBe('');
    expect(changes(before.project, snapshot(ws.project))).toEqual(['changed src/a.ts', 'changed src/chat.mjs']);
    expect(fs.readFileSync(path.join(ws.project, 'src/chat.mjs'), 'utf8')).toContain('wrapOpenAI(new OpenAI())');

    expect(outsideWrites(ws, before)).toEqual([]);
    expect(markers(ws)).toEqual([]);
    expect(fs.readFileSync(ws.netLog, 'utf8')).toBe('');
  });

  const canUnshare = spawnSync('unshare', ['-n', 'true']).status === 0;
  it.skipIf(!canUnshare)('gives the same results without any network (unshare -n)', () => {
    const ws = workspace();
    const online = tracewire(ws, ['check', '--format', 'json']);
    const offline = tracewire(ws, ['check', '--format', 'json'], { unshare: true });
    expect(offline.stderr).toBe('');
    const strip = (s: string) => JSON.stringify({ ...JSON.parse(s), summary: { ...JSON.parse(s).summary, durationMs: 0 } });
    expect(strip(offline.stdout)).toBe(strip(online.stdout));
    const fixed = tracewire(ws, ['fix'], { unshare: true });
    expect(fixed.stderr).toBe('');
    // The OpenAI call in chat.mjs has no safe fix and is still reported.
    expect(fixed.stdout).toMatch(/^Fixed 1 finding in 1 file/);
    expect(fixed.status).toBe(1);
    expect(fs.readFileSync(path.join(ws.project, 'src/a.ts'), 'utf8')).toContain('experimental_telemetry');
    expect(markers(ws)).toEqual([]);
  });
});
