/**
 * The options of `check` that make it scale: `--workers`, `--cache` / `--cache-location` and `--shard`.
 */

import { createHash } from 'node:crypto';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { cacheFile } from '../engine/cache.js';
import { autoWorkers } from '../engine/parallel.js';
import { userCacheDir } from '../user-cache-dir.js';

export interface ScaleOptions {
  /** A number of worker threads, or `auto`. */
  workers?: number | 'auto';
  cache?: boolean;
  cacheLocation?: string;
  shard?: Shard;
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseWorkers(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('Expected a whole number of worker threads (0: none) or "auto".');
  return Number(value);
}

export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError('Expected <k>/<n>, such as 1/4: the k-th of n shards.');
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new InvalidArgumentError(`Expected 1 <= k <= n, got ${value}.`);
  return { index, count };
}

/**
 * The files of shard k of n: every n-th file (by path relative to the working directory), starting with
 * the k-th. The other files stay in the run as context, so each shard resolves against the whole project
 * and the shards' reports together equal one run's.
 */
export function applyShard(cwd: string, files: string[], contextFiles: string[], shard: Shard | undefined): { files: string[]; contextFiles: string[] } {
  if (!shard || shard.count === 1) return { files, contextFiles };
  const rel = (f: string) => path.relative(cwd, f).split(path.sep).join('/');
  const sorted = [...files].sort((a, b) => {
    const x = rel(a);
    const y = rel(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const mine = sorted.filter((_, i) => i % shard.count === shard.index - 1);
  const mineSet = new Set(mine);
  const rest = sorted.filter((f) => !mineSet.has(f));
  return { files: mine, contextFiles: [...new Set([...contextFiles, ...rest])] };
}

/**
 * The cache of a gate run (`--staged`, `--affected`) when no `--cache` option says otherwise: in the user's
 * cache folder, one per repository (and working directory, which findings' paths are relative to). Every
 * entry is checked against the content hash of the file it describes, so it never changes an answer.
 */
export function gateCacheFile(repository: string, cwd: string): string | undefined {
  const dir = userCacheDir();
  if (!dir) return undefined;
  const id = createHash('sha1').update(`${path.resolve(repository)}\0${path.resolve(cwd)}`).digest('hex').slice(0, 16);
  return path.join(dir, `check-${id}.cache`);
}

/**
 * What `run()` gets from these options: worker threads and the cache file. `--cache` (or `--cache-location`)
 * uses the project's cache file; a gate run uses `gateCache` unless `--no-cache`.
 */
export function runScale(cwd: string, opts: ScaleOptions, fileCount: number, gateCache?: () => string | undefined): { workers: number; cacheFile?: string } {
  const workers = opts.workers === undefined || opts.workers === 'auto' ? autoWorkers(fileCount) : opts.workers;
  if (opts.cache === false) return { workers };
  if (opts.cache || opts.cacheLocation) return { workers, cacheFile: cacheFile(cwd, opts.cacheLocation) };
  const file = gateCache?.();
  return file ? { workers, cacheFile: file } : { workers };
}
