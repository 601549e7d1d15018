/**
 * The context server: what makes the second commit's gate fast.
 *
 * A gate run (`check --staged` or `--affected`, with its context cache) spends most of its
 * time on what every new process pays again: loading TypeScript and tracewire, and running their code
 * before the JIT has compiled it. So the first gate run in a folder, once it has answered, starts a server
 * in the background: a tracewire process of the same build, listening on a socket in the user's private
 * cache folder (named after the build, the Node.js version and the folder). The next gate run from that
 * folder hands its command line, environment and working directory to the server, which runs exactly
 * the same `main` and sends the output and the exit code back. What runs share is keyed by content:
 * memos that depend on files are cleared before each request (see run-memo.ts); the context cache's
 * entries stay in memory while its file is as the server left it, each checked against the content hash
 * of its file as in any run; what is parsed of a summary stays with it. The output is the one a new
 * process would print.
 *
 * The server runs one request at a time, exits after `TRACEWIRE_SERVER_IDLE` seconds without one
 * (default 600), and at once when its socket is removed or replaced or its build changes. It is never
 * used or started with `--no-server`, `TRACEWIRE_SERVER=0`, `--no-cache`, on CI (`CI` set), or on
 * Windows. When the server cannot answer (gone, crashed mid-run), the client runs the check itself:
 * output is written only once the exit code has arrived, so nothing is printed twice.
 *
 * This module loads Node.js's own modules only (and chalk, for the terminal's colour level): the client
 * runs before TypeScript would load.
 */

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { userCacheDir } from '../user-cache-dir.js';

type Main = (argv: string[], io: { cwd: string; stdout: (s: string) => void; stderr: (s: string) => void; colorLevel?: number }) => Promise<number>;

interface Request {
  v: 1;
  /** Only answer once every request before it has run (`serverIdle`). */
  ping?: boolean;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  colorLevel: number;
}

/** `--tracewire-serve <socket>`: the command line of a server process (not an option of the CLI). */
export const SERVE_FLAG = '--tracewire-serve';

const PROTOCOL = 1;
const here = path.dirname(fileURLToPath(import.meta.url));
/** The script the server runs from: the bundle when present (what an installed copy runs), else the modules. */
const BUILD_FILES = [path.resolve(here, '../../tracewire.cjs'), path.resolve(here, 'main.js')];

/** Whether a command line is a gate run that keeps its context between runs (and so may use a server). */
export function servable(argv: string[]): boolean {
  if (argv[0] !== 'check') return false;
  let gate = false;
  for (const a of argv.slice(1)) {
    if (a === '--') break;
    if (a === '--staged' || a === '--affected') gate = true;
    // `--changed-since` (a pull request's check) keeps no context between runs: a process of its own.
    if (a === '--changed-since' || a.startsWith('--changed-since=')) return false;
    // The process is the run: no server. Explicit caches and help are left to a process of their own too.
    if (a === '--no-server' || a === '--no-cache' || a === '--cache' || a === '--cache-location' || a.startsWith('--cache-location=') || a === '-h' || a === '--help' || a === '--print-config') return false;
  }
  return gate;
}

/** Whether this environment lets gate runs use (and start) a server. */
export function serverAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform === 'win32') return false;
  const setting = (env.TRACEWIRE_SERVER ?? '').toLowerCase();
  if (setting === '0' || setting === 'false' || setting === 'off' || setting === 'no') return false;
  const ci = (env.CI ?? '').toLowerCase();
  if (ci && ci !== '0' && ci !== 'false') return false;
  return true;
}

/** A tag for this build of tracewire on this Node.js: a server of another build is never asked. */
function buildTag(): string | undefined {
  for (const f of BUILD_FILES) {
    const st = fs.statSync(f, { throwIfNoEntry: false });
    if (st) return `${process.version}-${process.arch}-${st.size}-${Math.round(st.mtimeMs)}-${f}`;
  }
  return undefined;
}

/** The socket of the server for this folder and build (undefined: no private cache folder, or a path too long for a socket). */
export function socketPath(cwd: string): string | undefined {
  const dir = userCacheDir();
  const tag = buildTag();
  if (!dir || !tag) return undefined;
  const id = createHash('sha1').update(`${PROTOCOL}\0${tag}\0${path.resolve(cwd)}`).digest('hex').slice(0, 16);
  const file = path.join(dir, `server-${id}.sock`);
  // Unix socket paths are limited to about 104 bytes.
  return Buffer.byteLength(file) < 100 ? file : undefined;
}

function envStrings(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** The colour level chalk would choose for this process's stdout. */
async function stdoutColorLevel(): Promise<number> {
  try {
    const { supportsColor } = await import('chalk');
    return supportsColor ? supportsColor.level : 0;
  } catch {
    return 0;
  }
}

/**
 * Ask the server for this folder to run `argv`. Resolves to the exit code once the server has answered
 * (its output written), or undefined when no server could answer (nothing written): then run in-process.
 */
export async function viaServer(argv: string[], cwd = process.cwd()): Promise<number | undefined> {
  if (!servable(argv) || !serverAllowed()) return undefined;
  const socket = socketPath(cwd);
  if (!socket || !fs.existsSync(socket)) return undefined;
  const request: Request = { v: PROTOCOL, argv, cwd, env: envStrings(process.env), colorLevel: await stdoutColorLevel() };
  const answer = await new Promise<{ out: string[]; err: string[]; code: number } | undefined>((resolve) => {
    const out: string[] = [];
    const err: string[] = [];
    let code: number | undefined;
    let buf = '';
    const conn = net.createConnection(socket);
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(JSON.stringify(request) + '\n'));
    conn.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const m = JSON.parse(line) as { o?: string; e?: string; x?: number };
          if (typeof m.o === 'string') out.push(m.o);
          else if (typeof m.e === 'string') err.push(m.e);
          else if (typeof m.x === 'number') code = m.x;
        } catch {
          conn.destroy();
          resolve(undefined);
          return;
        }
      }
    });
    conn.on('error', () => resolve(undefined));
    conn.on('close', () => resolve(code === undefined ? undefined : { out, err, code }));
  });
  if (!answer) return undefined;
  for (const s of answer.err) process.stderr.write(s);
  for (const s of answer.out) process.stdout.write(s);
  return answer.code;
}

/**
 * Resolves once the server for this folder has run every request it had (its warm-up included): true,
 * or false when there is none. What a benchmark waits for between two commits.
 */
export function serverIdle(cwd = process.cwd()): Promise<boolean> {
  const socket = socketPath(cwd);
  if (!socket || !fs.existsSync(socket)) return Promise.resolve(false);
  return new Promise((resolve) => {
    let answered = false;
    const conn = net.createConnection(socket);
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(JSON.stringify({ v: PROTOCOL, ping: true }) + '\n'));
    conn.on('data', (chunk: string) => {
      if (chunk.includes('"x"')) answered = true;
    });
    conn.on('error', () => resolve(false));
    conn.on('close', () => resolve(answered));
  });
}

/** After a gate run in this process: start the server for this folder in the background, unless one is there. */
export function startServer(argv: string[], binFile: string, warmup: string[] | undefined, cwd = process.cwd()): void {
  if (!servable(argv) || !serverAllowed()) return;
  const socket = socketPath(cwd);
  if (!socket || fs.existsSync(socket)) return;
  try {
    const child = spawn(process.execPath, [binFile, SERVE_FLAG, socket], {
      cwd,
      detached: true,
      stdio: 'ignore',
      // The server warms up on the changes of the run that started it (its output goes nowhere).
      env: { ...process.env, ...(warmup ? { TRACEWIRE_SERVER_WARMUP: JSON.stringify({ argv: warmup, cwd }) } : {}) },
    });
    child.on('error', () => {});
    child.unref();
  } catch {
    // no server: the next run starts as this one did
  }
}

/** Replace the process's environment with a request's, in place (`process.env` stays the special object). */
function setEnv(env: Record<string, string>): void {
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  for (const [k, v] of Object.entries(env)) process.env[k] = v;
}

/**
 * The server: listen on `socket`, run each request through `main`, one at a time. `beforeRun` clears
 * what a previous run may have memoised.
 */
export async function serve(socket: string, main: Main, beforeRun: () => void): Promise<void> {
  const tag = buildTag();
  const idleMs = Math.max(1, Number(process.env.TRACEWIRE_SERVER_IDLE ?? '600') || 600) * 1000;
  const warmup = process.env.TRACEWIRE_SERVER_WARMUP;
  delete process.env.TRACEWIRE_SERVER_WARMUP;
  const baseEnv = envStrings(process.env);
  let queue: Promise<void> = Promise.resolve();
  let lastActive = Date.now();
  let busy = 0;
  let runs = 0;

  const runOne = async (argv: string[], cwd: string, env: Record<string, string>, colorLevel: number, send: (m: object) => void): Promise<void> => {
    const write = { out: process.stdout.write, err: process.stderr.write };
    // Whatever the run writes to the process's own streams (timings, warnings) goes to the client too.
    process.stdout.write = ((s: string | Uint8Array) => (send({ o: String(s) }), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string | Uint8Array) => (send({ e: String(s) }), true)) as typeof process.stderr.write;
    let code = 2;
    try {
      setEnv(env);
      process.chdir(cwd);
      beforeRun();
      runs++;
      if (argv.includes('--verbose')) send({ e: `tracewire: answered by the context server (pid ${process.pid}, run ${runs}; --no-server runs in a process of its own)\n` });
      code = await main(argv, { cwd, stdout: (s) => send({ o: s }), stderr: (s) => send({ e: s }), colorLevel });
    } catch (e) {
      send({ e: `tracewire: internal error: ${(e as Error).stack ?? String(e)}\n` });
      code = 2;
    } finally {
      process.stdout.write = write.out;
      process.stderr.write = write.err;
      setEnv(baseEnv);
    }
    send({ x: code });
  };

  const enqueue = (f: () => Promise<void>) => {
    busy++;
    queue = queue.then(f, f).finally(() => {
      busy--;
      lastActive = Date.now();
    });
  };

  const server = net.createServer((conn) => {
    conn.setEncoding('utf8');
    let buf = '';
    let taken = false;
    conn.on('error', () => {});
    conn.on('data', (chunk: string) => {
      if (taken) return;
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      taken = true;
      let req: Request;
      try {
        req = JSON.parse(buf.slice(0, nl)) as Request;
        if (req.v !== PROTOCOL || (!req.ping && (!Array.isArray(req.argv) || typeof req.cwd !== 'string'))) throw new Error('bad request');
      } catch {
        conn.destroy();
        return;
      }
      const send = (m: object) => {
        if (!conn.destroyed) conn.write(JSON.stringify(m) + '\n');
      };
      if (req.ping) {
        enqueue(async () => {
          send({ x: 0 });
          conn.end();
        });
        return;
      }
      enqueue(async () => {
        await runOne(req.argv, req.cwd, req.env ?? {}, req.colorLevel ?? 0, send);
        conn.end();
      });
    });
  });

  const listen = () =>
    new Promise<boolean>((resolve) => {
      server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRINUSE' ? false : (process.exit(0), false)));
      server.listen(socket, () => resolve(true));
    });
  if (!(await listen())) {
    // Another server, or a socket left by one that died.
    const alive = await new Promise<boolean>((resolve) => {
      const c = net.createConnection(socket);
      c.on('connect', () => (c.destroy(), resolve(true)));
      c.on('error', () => resolve(false));
    });
    if (alive) process.exit(0);
    try {
      fs.unlinkSync(socket);
    } catch {
      // gone already
    }
    if (!(await listen())) process.exit(0);
  }
  fs.chmodSync(socket, 0o600);
  const ino = fs.statSync(socket).ino;

  const quit = () => {
    try {
      if (fs.statSync(socket, { throwIfNoEntry: false })?.ino === ino) fs.unlinkSync(socket);
    } catch {
      // not ours any more
    }
    process.exit(0);
  };
  setInterval(() => {
    // Removed or replaced socket (its folder deleted, another server), a new build, or idle: exit.
    const st = fs.statSync(socket, { throwIfNoEntry: false });
    if (!st || st.ino !== ino) process.exit(0);
    if (buildTag() !== tag) quit();
    if (busy === 0 && Date.now() - lastActive > idleMs) quit();
  }, Math.min(2000, idleMs)).unref();
  process.on('SIGTERM', quit);
  process.on('SIGINT', quit);

  if (warmup) {
    try {
      const w = JSON.parse(warmup) as { argv: string[]; cwd: string };
      enqueue(() => runOne(w.argv, w.cwd, baseEnv, 0, () => {}));
    } catch {
      // no warm-up
    }
  }
  // Keep running: the server's handle keeps the event loop alive.
}
