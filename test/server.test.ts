/**
 * The context server (src/cli/server.ts): a gate run starts it, the next gate run from the same folder
 * is answered by it, with exactly the output and exit code a process of its own gives, through changes
 * to files, the index and the configuration between runs; it goes away with its socket.
 */

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { servable, serverAllowed } from '../src/cli/server.js';
import { tempProject } from './helpers/engine.js';
import { commitAll, git, initRepo, writeFiles } from './helpers/git.js';
import { hasGit } from './helpers/system-tools.js';
import { tracewireBin } from './helpers/build.js';

describe('which runs a server may answer', () => {
  it('gate runs that keep their context, nothing else', () => {
    expect(servable(['check', '--staged'])).toBe(true);
    expect(servable(['check', '--affected', 'src/a.ts'])).toBe(true);
    expect(servable(['check', '--changed-since', 'main', '--format', 'json'])).toBe(false);
    expect(servable(['check', '--staged', '--changed-since=main'])).toBe(false);
    expect(servable(['check', 'src'])).toBe(false);
    expect(servable(['inventory', '--staged'])).toBe(false);
    for (const off of ['--no-server', '--no-cache', '--cache', '--cache-location', '--help', '--print-config']) expect(servable(['check', '--staged', off])).toBe(false);
    // After `--`, a path, not an option.
    expect(servable(['check', '--', '--staged'])).toBe(false);
  });

  it('never on CI, with TRACEWIRE_SERVER=0, or on Windows', () => {
    expect(serverAllowed({})).toBe(process.platform !== 'win32');
    expect(serverAllowed({ CI: 'true' })).toBe(false);
    expect(serverAllowed({ CI: 'false' })).toBe(process.platform !== 'win32');
    for (const v of ['0', 'off', 'false', 'no']) expect(serverAllowed({ TRACEWIRE_SERVER: v })).toBe(false);
  });
});

const UNWIRED = `import OpenAI from 'openai';\n\nconst client = new OpenAI();\nexport const go = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
const WIRED = `import OpenAI from 'openai';\nimport { wrapOpenAI } from 'langsmith/wrappers';\n\nexport const client = wrapOpenAI(new OpenAI());\n`;
const USES = `import { client } from './llm.js';\n\nexport const ask = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;

async function waitFor(cond: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!hasGit() || process.platform === 'win32')('the context server', () => {
  it('answers the next gate run as a process of its own would, through edits, and exits with its socket', async () => {
    const bin = tracewireBin();
    const dir = tempProject({});
    const cache = fs.mkdtempSync(path.join(path.dirname(dir), 'server-cache-'));
    fs.chmodSync(cache, 0o700);
    initRepo(dir);
    writeFiles(dir, { 'package.json': '{"name":"app","dependencies":{"openai":"^4.0.0","langsmith":"^0.1.0"}}\n', 'src/llm.ts': WIRED, 'src/ask.ts': USES });
    commitAll(dir, 'initial');
    const env = { ...process.env, TRACEWIRE_SERVER: '1', TRACEWIRE_CACHE_DIR: cache, TRACEWIRE_SERVER_IDLE: '120', NO_COLOR: '1' };
    delete (env as Record<string, string | undefined>).CI;
    const tw = (...argv: string[]) => {
      const r = spawnSync(process.execPath, [bin, ...argv], { cwd: dir, env, encoding: 'utf8' });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    const sockets = () => fs.readdirSync(cache).filter((f) => f.startsWith('server-') && f.endsWith('.sock'));
    try {
      // 1. No server yet: the run is this process's, and it starts one.
      writeFiles(dir, { 'src/chat.ts': UNWIRED });
      git(dir, 'add', 'src/chat.ts');
      const first = tw('check', '--staged', '--verbose', '--format', 'json');
      expect(first.err).not.toContain('context server');
      expect(first.code).toBe(1);
      await waitFor(() => sockets().length === 1);

      // 2. The same question: the server answers, the same output.
      const again = tw('check', '--staged', '--verbose', '--format', 'json');
      expect(again.err).toContain('answered by the context server');
      expect(again.code).toBe(1);
      const alone = tw('check', '--staged', '--no-server', '--format', 'json');
      expect(alone.err).toBe('');
      const strip = (s: string) => {
        const j = JSON.parse(s);
        delete j.summary.durationMs;
        return j;
      };
      expect(strip(again.out)).toEqual(strip(alone.out));
      expect(strip(again.out).findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual(['src/chat.ts:4']);

      // 3. Un-wiring the shared client between runs: the server sees the new index and reports the
      //    affected caller in another file, exactly as a new process does.
      git(dir, 'commit', '-q', '-m', 'chat');
      writeFiles(dir, { 'src/llm.ts': `import OpenAI from 'openai';\n\nexport const client = new OpenAI();\n` });
      git(dir, 'add', 'src/llm.ts');
      const served = tw('check', '--staged', '--verbose', '--format', 'json');
      expect(served.err).toContain('answered by the context server');
      expect(strip(served.out)).toEqual(strip(tw('check', '--staged', '--no-server', '--format', 'json').out));
      expect(strip(served.out).findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual(['src/ask.ts:3']);

      // 4. A configuration written between runs is read by the next one.
      writeFiles(dir, { 'tracewire.config.json': JSON.stringify({ rules: { 'require-llm-tracing': 'off' } }) });
      const off = tw('check', '--staged', '--verbose', '--format', 'json');
      expect(off.err).toContain('answered by the context server');
      expect(off.code).toBe(0);
      expect(strip(off.out).findings).toEqual([]);
      fs.rmSync(path.join(dir, 'tracewire.config.json'));

      // 5. Stylish output in colour only where the caller's terminal takes it (here: NO_COLOR).
      const stylish = tw('check', '--staged');
      expect(stylish.out).not.toMatch(/\u001b\[/);
      expect(stylish.out).toContain('src/ask.ts');

      // 6. Its socket removed, the server exits, and the next run is a process of its own again.
      for (const s of sockets()) fs.rmSync(path.join(cache, s));
      await new Promise((r) => setTimeout(r, 2500));
      const own = tw('check', '--staged', '--verbose', '--format', 'json');
      expect(own.err).not.toContain('context server');
      expect(strip(own.out)).toEqual(strip(served.out));
      // 7. A server that takes the request and dies without answering: the client runs the check
      //    itself and prints its report once.
      await waitFor(() => sockets().length === 1);
      const socket = path.join(cache, sockets()[0]!);
      fs.rmSync(socket);
      const dying = net.createServer((c) => c.on('data', () => c.destroy()));
      await new Promise<void>((r) => dying.listen(socket, () => r()));
      try {
        const alone2 = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
          const child = spawn(process.execPath, [bin, 'check', '--staged', '--verbose', '--format', 'json'], { cwd: dir, env });
          let out = '';
          let err = '';
          child.stdout.on('data', (d: Buffer) => (out += d));
          child.stderr.on('data', (d: Buffer) => (err += d));
          child.on('close', (code: number | null) => resolve({ code, out, err }));
        });
        expect(alone2.err).not.toContain('context server');
        expect(strip(alone2.out)).toEqual(strip(served.out));
      } finally {
        dying.close();
      }
    } finally {
      // Whatever happened: no server left behind.
      for (const s of fs.existsSync(cache) ? sockets() : []) fs.rmSync(path.join(cache, s), { force: true });
    }
  });
});
