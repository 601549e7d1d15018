/**
 * The per-file phase over many files: from the cache, in this thread, or in worker threads.
 *
 * Workers (`--workers N`) each load the engine once and take chunks of files from a queue; each file's
 * result is a pure function of its path and bytes (`runFileTask`), so how files are spread over workers
 * changes nothing in the output. The link phase, the project-level rules and the second phase of the
 * per-file rules run in the main thread afterwards.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ResolvedConfig } from '../config/load.js';
import { contentHash, type RunCache } from './cache.js';
import { aliasesHold, contentError, resultHolds, decodeSource, type FileResult, MAX_FILE_BYTES, minifiedError, runFileTask, type TaskContext } from './file-task.js';
import type { Prescanner, TextScan } from './prescan.js';
import { compactSummary } from './packed.js';

/** Files per worker below which threads cost more than they save (start-up: loading TypeScript and the catalog). */
export const FILES_PER_WORKER = 200;

/** `--workers auto`: one per core, at most one per FILES_PER_WORKER files; fewer than two is no parallelism. */
export function autoWorkers(files: number): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const n = Math.min(cores, Math.floor(files / FILES_PER_WORKER));
  return n >= 2 ? n : 0;
}

export interface AnalyzeFilesOptions {
  /** Worker threads (0: this thread). */
  workers: number;
  /** Workers started ahead (see `WorkerPool`): taken before any new one is started. */
  pool?: WorkerPool;
  cache?: RunCache;
  /** The configuration, for the workers (they build the catalog and the rules from it). */
  config: ResolvedConfig;
  onFile?(done: number, total: number): void;
  /** Files no other file imports (see `unimportedFiles`): their summaries leave out what only an importer would look up. */
  unimported?: ReadonlySet<string>;
}

/** What a worker needs to rebuild the task context. */
export interface WorkerInit {
  cwd: string;
  config: ResolvedConfig;
  /** The file URL of the module that exports the run's registry (`Registry.module`). */
  registry: string;
  budget: number;
  /** Results carry the content hash (`--cache`). */
  hash: boolean;
  /** Ids of the rules whose facts are collected (`TaskContext.collectors`). */
  collectors?: string[];
}

export interface WorkItem {
  file: string;
  reported: boolean;
  /** The bytes, when the main thread read them (cache lookups, `--staged`); else the worker reads the file. */
  content?: Uint8Array;
  /** No other file imports this one (`AnalyzeFilesOptions.unimported`). */
  unimported?: true;
}

/** The most files in a chunk ... */
const CHUNK = 24;
/**
 * ... and the most bytes of source, past which a chunk closes. Files are handed out largest first (see
 * `chunksOf`), so the chunks left when the queue runs dry are small: a thread that finds the queue empty
 * waits for the others at most a few chunks of small files, not a bundle that happened to come last.
 */
const CHUNK_BYTES = 48 * 1024;
/** Chunks queued on each worker at a time: it never waits for this thread between two. */
const IN_FLIGHT = 2;

/**
 * The items in chunks, largest files first (ties in the given order): `sizes[i]` is the size of
 * `items[i]` in bytes. The order changes nothing in the results (each file's result depends on its path
 * and bytes alone), only how evenly the threads finish.
 */
export function chunksOf<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  const order = items.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let bytes = 0;
  for (const i of order) {
    chunk.push(items[i]!);
    bytes += sizes[i]!;
    if (chunk.length >= CHUNK || bytes >= CHUNK_BYTES) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
  }
  if (chunk.length) chunks.push(chunk);
  return chunks;
}
/** This thread lets the workers' messages in at least this often while it analyses a chunk itself. */
const YIELD_MS = 10;

/** What a worker needs, from the task context and the run's options (undefined: no worker can take the work). */
export function workerInit(ctx: TaskContext, config: ResolvedConfig, hash: boolean): WorkerInit | undefined {
  const registry = ctx.registry.module;
  if (!registry || !cloneable(config)) return undefined;
  return { cwd: ctx.cwd, config, registry, budget: ctx.budget, hash, collectors: (ctx.collectors ?? []).map((r) => r.rule.meta.id) };
}

/**
 * Worker threads started before the files are read and prescanned: loading the engine, TypeScript and the
 * catalog takes a worker a few hundred milliseconds, which it spends while this thread reads, instead of
 * after. The per-file phase takes them (`take`); whatever it leaves is ended by `close`. Until taken, a
 * worker does not keep the process alive.
 */
export class WorkerPool {
  private readonly idle: Worker[] = [];

  private constructor(
    private readonly script: string,
    private readonly init: WorkerInit,
  ) {}

  /** `n` workers for a run with this context, or undefined when none can run (sources, a programmatic configuration). */
  static start(n: number, init: WorkerInit | undefined): WorkerPool | undefined {
    const script = n > 0 ? workerScript() : undefined;
    if (!script || !init) return undefined;
    const pool = new WorkerPool(script, init);
    for (let i = 0; i < n; i++) {
      const w = new Worker(script, { workerData: init });
      // A worker that fails while idle is dropped here; once taken, the per-file phase listens.
      const drop = () => {
        const at = pool.idle.indexOf(w);
        if (at >= 0) pool.idle.splice(at, 1);
      };
      w.once('error', drop);
      w.once('exit', drop);
      w.unref();
      pool.idle.push(w);
    }
    return pool;
  }

  /** Whether the pool's workers run the script with this setup (another run's pool cannot serve). */
  serves(script: string, init: WorkerInit): boolean {
    return script === this.script && JSON.stringify(init) === JSON.stringify(this.init);
  }

  /** A started worker, if one is left. */
  take(): Worker | undefined {
    const w = this.idle.shift();
    w?.ref();
    return w;
  }

  /** End the workers nothing took (without waiting for them to stop). */
  close(): void {
    for (const w of this.idle.splice(0)) void w.terminate();
  }
}

/** The compiled worker entry next to this module, or undefined when running from TypeScript sources (tests). */
function workerScript(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return undefined;
  // Next to this module, or, from the bundle (dist/tracewire.cjs), in the module build beside it.
  for (const script of [path.join(path.dirname(here), 'worker.js'), path.join(path.dirname(here), 'src/engine/worker.js')]) if (fs.existsSync(script)) return script;
  return undefined;
}

/** Whether the configuration can be sent to a worker (plain data); a programmatic one may hold functions. */
function cloneable(config: ResolvedConfig): boolean {
  try {
    structuredClone(config);
    return true;
  } catch {
    return false;
  }
}

export interface Prescanned {
  /** Why the file cannot be analysed (read failure, size, binary or minified content). */
  error?: FileResult;
  /** Content hash (with `hash`). */
  hash?: string;
  /** The text scan (with a scanner). */
  scan?: TextScan;
  /** Set when the text may hold suppression comments (`tracewire-`): the prefilter keeps the file. */
  mayHaveDirectives?: true;
  /** The file's size in bytes, as read (how the per-file phase spreads the files over threads). */
  bytes?: number;
}

/**
 * Read every file once in this thread, with the checks the per-file phase makes: the content hash for
 * `--cache`, and the prescan of the text (see prescan.ts) for the prefilter.
 */
export function prescanFiles(files: string[], ctx: TaskContext, opts: { hash: boolean; scanner?: Prescanner; cache?: RunCache }): Map<string, Prescanned> {
  const out = new Map<string, Prescanned>();
  for (const file of files) {
    const read = readForTask(file, ctx);
    if ('error' in read) {
      out.set(file, { error: read.error });
      continue;
    }
    const entry: Prescanned = { bytes: read.buf.length };
    if (opts.hash) entry.hash = contentHash(read.buf);
    // With a cache, the scan of the same bytes is the stored one (while the path aliases it used still hold).
    const stored = opts.scanner && opts.cache && entry.hash ? opts.cache.getPrescan(file, entry.hash, (p) => !p.scan?.aliases || aliasesHold({ file, aliases: p.scan.aliases }, ctx.aliases)) : undefined;
    if (stored) {
      out.set(file, { ...stored, hash: entry.hash, bytes: entry.bytes });
      continue;
    }
    if (opts.scanner) {
      const decoded = decodeSource(read.buf);
      const text = decoded?.text;
      const unreadable = decoded ? minifiedError(file, text!) : contentError(file, read.buf);
      if (unreadable) entry.error = unreadable;
      else {
        entry.scan = opts.scanner.scan(file, text!);
        if (text!.includes('tracewire-')) entry.mayHaveDirectives = true;
      }
      if (opts.cache && entry.hash) {
        const { hash: _hash, bytes: _bytes, ...p } = entry;
        opts.cache.setPrescan(file, entry.hash, p);
      }
    }
    out.set(file, entry);
  }
  return out;
}

/** The per-file phase of every file, as results sorted by file. `pre`: what `prescanFiles` found (errors, content hashes). */
export async function analyzeFiles(files: string[], reported: Set<string>, ctx: TaskContext, opts: AnalyzeFilesOptions, pre?: Map<string, Prescanned>): Promise<FileResult[]> {
  const results = new Map<string, FileResult>();
  let done = 0;
  const progress = () => opts.onFile?.(done++, files.length);
  const cache = opts.cache;

  // Unchanged files come from the cache; with a custom reader (`--staged`) or when the bytes are wanted,
  // this thread reads every file and hands the bytes on.
  const pending: WorkItem[] = [];
  const readHere = !!ctx.readFile || !!ctx.onBuffer;
  for (const file of files) {
    const isReported = reported.has(file);
    const unimported = opts.unimported?.has(file) ? { unimported: true as const } : {};
    const scanned = pre?.get(file);
    if (scanned?.error) {
      results.set(file, scanned.error);
      progress();
      continue;
    }
    if (cache && scanned?.hash !== undefined) {
      // A result stored under other path aliases (a tsconfig edited since) is not this file's any more.
      const hit = cache.get(file, scanned.hash, isReported, (r) => resultHolds(r, ctx.aliases, !!unimported.unimported));
      if (hit) {
        if (hit.summary) hit.summary = compactSummary(hit.summary);
        results.set(file, hit);
        progress();
        continue;
      }
    }
    if (!readHere) {
      pending.push({ file, reported: isReported, ...unimported });
      continue;
    }
    const read = readForTask(file, ctx);
    if ('error' in read) {
      results.set(file, read.error);
      progress();
      continue;
    }
    ctx.onBuffer?.(file, read.buf);
    pending.push({ file, reported: isReported, content: read.buf, ...unimported });
  }

  const store = (r: FileResult) => {
    // Held as bytes, outside the heap the collector marks.
    if (r.summary) r.summary = compactSummary(r.summary);
    results.set(r.file, r);
    // Stored under the hash of the bytes the task analysed (a file may change while the run reads it).
    if (cache && r.hash) cache.set(r.file, r.hash, r);
    progress();
  };

  const local: TaskContext = { ...ctx, onBuffer: undefined, hash: !!cache };
  const here = (item: WorkItem) => store(runFileTask(item.file, item.reported, local, item.content as Buffer | undefined, item.unimported));
  // `--workers N`: N threads analyse files, this one and N - 1 workers.
  const helpers = Math.min(opts.workers - 1, Math.ceil(pending.length / CHUNK) - 1);
  const script = helpers > 0 ? workerScript() : undefined;
  const init = script ? workerInit(ctx, opts.config, !!cache) : undefined;
  const pool = script && init && opts.pool?.serves(script, init) ? opts.pool : undefined;
  if (script && init) await inParallel(script, chunksOf(pending, pending.map((it) => it.content?.byteLength ?? pre?.get(it.file)?.bytes ?? fileSize(it.file))), init, helpers, store, here, !ctx.readFile && !ctx.onBuffer, pool);
  else for (const item of pending) here(item);
  return files.filter((f) => results.has(f)).map((f) => results.get(f)!);
}

/** A file's size in bytes (0 when it cannot be read: the task reports why). */
function fileSize(file: string): number {
  try {
    return fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return 0;
  }
}

/** Read a file in this thread, with the checks `runFileTask` makes. */
function readForTask(file: string, ctx: TaskContext): { buf: Buffer } | { error: FileResult } {
  try {
    if (!ctx.readFile) {
      const st = fs.statSync(file, { throwIfNoEntry: false });
      if (st && !st.isFile()) return { error: { file, error: 'skipped: not a regular file' } };
      if (st && st.size > MAX_FILE_BYTES) return { error: { file, error: `skipped: file is ${(st.size / 1048576).toFixed(1)} MB, over the 4 MB limit for source files (generated or bundled code?)` } };
    }
    const buf = ctx.readFile ? ctx.readFile(file) : fs.readFileSync(file);
    if (buf.length > MAX_FILE_BYTES) return { error: { file, error: `skipped: file is ${(buf.length / 1048576).toFixed(1)} MB, over the 4 MB limit for source files (generated or bundled code?)` } };
    return { buf };
  } catch (e) {
    return { error: { file, error: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, transient: true } };
  }
}

/**
 * Run the chunks, on this thread and `n` worker threads (IN_FLIGHT chunks queued per worker, to hide
 * the messaging). A worker that fails gives its chunks back to the queue: this thread finishes them.
 */
async function inParallel(script: string, chunks: WorkItem[][], init: WorkerInit, n: number, onResult: (r: FileResult) => void, here: (item: WorkItem) => void, ownsReads: boolean, pool?: WorkerPool): Promise<void> {
  const queue = [...chunks];
  let remaining = queue.length;
  const retry: WorkItem[][] = [];
  const workers: Worker[] = [];
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const inFlight = new Map<Worker, WorkItem[][]>();
  const send = (w: Worker) => {
    const chunk = queue.shift();
    if (!chunk) return;
    inFlight.get(w)!.push(chunk);
    // Transfer the bytes where they own their buffer (small reads share a pool: those are copied), and only
    // when nothing else here holds them: a custom reader's buffers (`--staged`: the index) are read again
    // later (fixes, reporters), and `onBuffer` keeps them for the codemods. Transferred, they would be
    // detached here, and what depends on them would depend on which thread analysed the file.
    const transfer = ownsReads
      ? chunk.flatMap((it) => (it.content && it.content.byteOffset === 0 && it.content.byteLength === it.content.buffer.byteLength ? [it.content.buffer as ArrayBuffer] : []))
      : [];
    w.postMessage({ type: 'chunk', items: chunk }, transfer);
  };
  const retire = (w: Worker) => {
    if (!inFlight.has(w)) return;
    // This thread takes its chunks over, reading the files again (transferred bytes are gone, and only
    // this thread has the reader of `--staged`).
    for (const chunk of inFlight.get(w)!) retry.push(chunk.map((it) => ({ file: it.file, reported: it.reported, ...(it.unimported ? { unimported: it.unimported } : {}) })));
    inFlight.delete(w);
    void w.terminate();
    notify();
  };
  try {
    for (let i = 0; i < n; i++) {
      const w = pool?.take() ?? new Worker(script, { workerData: init });
      workers.push(w);
      inFlight.set(w, []);
      w.on('message', (msg: { type: 'results'; results: FileResult[] } | { type: 'error'; message: string }) => {
        // A retired worker's late results: its chunks are this thread's now.
        if (!inFlight.has(w)) return;
        if (msg.type === 'error') {
          retire(w);
          return;
        }
        inFlight.get(w)!.shift();
        for (const r of msg.results) onResult(r);
        remaining--;
        send(w);
        notify();
      });
      w.on('error', () => retire(w));
      w.on('exit', () => retire(w));
      for (let k = 0; k < IN_FLIGHT; k++) send(w);
    }
    // `TRACEWIRE_WORKERS_ONLY=1` (tests, debugging): leave the files to the workers while there are any.
    const mainTakes = !process.env.TRACEWIRE_WORKERS_ONLY;
    while (remaining > 0) {
      const chunk = retry.shift() ?? (mainTakes || inFlight.size === 0 ? queue.shift() : undefined);
      if (chunk) {
        // A worker whose chunks are done waits for this thread to hand it more: let the workers'
        // messages in every few milliseconds, not only between chunks (one large file can take 100 ms+).
        let since = performance.now();
        for (const item of chunk) {
          here(item);
          if (performance.now() - since > YIELD_MS) {
            await new Promise<void>((resolve) => setImmediate(resolve));
            since = performance.now();
          }
        }
        remaining--;
        await new Promise<void>((resolve) => setImmediate(resolve));
      } else {
        // Everything left is in flight on the workers: wait for one of them.
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    }
  } finally {
    for (const w of workers) inFlight.delete(w);
    // Not awaited: a thread takes tens of milliseconds to stop, and the run has nothing more for it.
    for (const w of workers) void w.terminate();
  }
}
