/**
 * `--cache`: the per-file phase's results (summaries, per-file findings, suppression comments), keyed by
 * each file's content hash, like ESLint's `--cache-strategy content`. A whole cache is valid for one
 * key: tracewire's version and build, the catalog (built in and from the configuration), the enabled
 * rules with their options, the configuration's text, the working directory (findings name files
 * relative to it) and the Node.js major version. Any change starts a new cache.
 *
 * Only what the file's own bytes decide is stored: read failures and time-outs are tried again. The
 * link phase, project-level rules, and per-file rules that needed other files are computed on every run.
 */

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';
import type { FileResult } from './file-task.js';

/** Default file name, in the working directory (or inside `--cache-location` when it names a directory). */
export const CACHE_FILE = '.tracewirecache';

const FORMAT = 1;

interface CacheEntry {
  /** Content hash. */
  h: string;
  r: FileResult;
}

interface CacheData {
  format: number;
  key: string;
  entries: Record<string, CacheEntry>;
}

export function contentHash(buf: Buffer): string {
  return createHash('sha1').update(buf).digest('base64');
}

/** Where the cache lives: `--cache-location` (a file, or a directory to put `.tracewirecache` in), else the working directory. */
export function cacheFile(cwd: string, location?: string): string {
  if (!location) return path.join(cwd, CACHE_FILE);
  const abs = path.resolve(cwd, location);
  const isDir = location.endsWith('/') || location.endsWith(path.sep) || fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory();
  return isDir ? path.join(abs, CACHE_FILE) : abs;
}

/** Modification times of tracewire's own compiled modules: a rebuild without a version change still invalidates. */
function buildStamp(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const files = ['cache', 'analyze-file', 'link', 'interp', 'pipeline', 'file-task', '../../rules/index', '../../rules/catalog/index'];
  return files
    .map((f) => {
      for (const ext of ['.js', '.ts']) {
        const st = fs.statSync(path.join(here, f + ext), { throwIfNoEntry: false });
        if (st) return `${f}:${st.size}:${Math.round(st.mtimeMs)}`;
      }
      return `${f}:-`;
    })
    .join(',');
}

/** Maps and other non-JSON values in rule options, stably. */
function stable(value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value.entries()].map(([k, v]) => [stable(k), stable(v)]) };
  if (value instanceof Set) return { $set: [...value].map(stable) };
  if (value instanceof RegExp) return { $re: String(value) };
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = stable((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** The key of a cache: everything besides a file's content that its per-file results depend on. */
export function cacheKey(parts: Record<string, unknown>): string {
  const data = { tracewire: VERSION, build: buildStamp(), node: process.versions.node.split('.')[0], ...parts };
  return createHash('sha1').update(JSON.stringify(stable(data))).digest('hex');
}

export class RunCache {
  private readonly entries: Record<string, CacheEntry>;
  private dirty = false;
  hits = 0;
  misses = 0;

  private constructor(
    readonly file: string,
    private readonly key: string,
    entries: Record<string, CacheEntry> | undefined,
  ) {
    this.entries = entries ?? Object.create(null);
  }

  /** The cache at `file` if it was written under `key`, else an empty one (a corrupt file is ignored). */
  static load(file: string, key: string): RunCache {
    let data: CacheData | undefined;
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheData;
    } catch {
      data = undefined;
    }
    const valid = data && data.format === FORMAT && data.key === key && data.entries && typeof data.entries === 'object';
    const cache = new RunCache(file, key, valid ? Object.assign(Object.create(null), data!.entries) : undefined);
    if (!valid) cache.dirty = true;
    return cache;
  }

  /** The stored result for this content, if it serves: a reported file needs one computed with the rules. */
  get(file: string, hash: string, reported: boolean): FileResult | undefined {
    const e = this.entries[file];
    if (!e || e.h !== hash || (reported && !e.r.error && !e.r.checked)) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return e.r;
  }

  set(file: string, hash: string, result: FileResult): void {
    if (result.transient) return;
    const prev = this.entries[file];
    // A result with the per-file rules' findings serves both uses: keep it over a context-only one.
    if (prev && prev.h === hash && prev.r.checked && !result.checked) return;
    this.entries[file] = { h: hash, r: result };
    this.dirty = true;
  }

  /** Write the cache (atomically: a concurrent run reads the old or the new file, never half of one). */
  save(): void {
    if (!this.dirty) return;
    const data: CacheData = { format: FORMAT, key: this.key, entries: this.entries };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, this.file);
    this.dirty = false;
  }
}
