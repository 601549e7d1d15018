/**
 * `--cache`: the per-file phase's results (summaries, per-file findings, suppression comments), keyed by
 * each file's content hash, like ESLint's `--cache-strategy content`. A whole cache is valid for one
 * key: tracewire's version and build, the catalog (built in and from the configuration), the enabled
 * rules with their options, the configuration's text, the working directory (findings name files
 * relative to it) and the Node.js major version. Any change starts a new cache.
 *
 * Only what the file's own bytes decide is stored per file (and the path aliases its imports resolved
 * through, checked again before an entry serves): read failures and time-outs are tried again. The link
 * phase, project-level rules, and per-file rules that needed other files are computed again whenever any
 * file changed. When none did (the same files with the same hashes, reported the same way, the same
 * package.json files where the link phase looked up SDK versions, and the same tsconfig/jsconfig files
 * where path aliases were looked up), the whole result of the previous run is the result: an unchanged
 * tree costs a listing, a read and a hash per file.
 *
 * The file is a header line (format, key, the last run's result) and a line of per-file entries, which
 * is only parsed when some file has changed.
 */

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';
import type { FileResult } from './file-task.js';
import { summaryText } from './packed.js';
import type { RunResult } from './types.js';

/** Default file name, in the working directory (or inside `--cache-location` when it names a directory). */
export const CACHE_FILE = '.tracewirecache';

const FORMAT = 3;

interface CacheEntry {
  /** Content hash. */
  h: string;
  r: FileResult;
}

interface CacheHeader {
  format: number;
  key: string;
  run?: RunEntry;
}

/** The last run's result, valid for its digest of files and hashes while the package.json files it read are unchanged. */
interface RunEntry {
  digest: string;
  /** Directory → state of its package.json (and workspace markers) when the run read it. */
  versions: Record<string, string>;
  /** tsconfig/jsconfig file (present or not) → its state when the run looked for path aliases in it. */
  configs?: Record<string, string>;
  result: RunResult;
}

/** The state of a directory's package.json and workspace markers, as the link phase sees them. */
export function packageState(dir: string): string {
  let pkg = '-';
  try {
    pkg = contentHash(fs.readFileSync(path.join(dir, 'package.json')));
  } catch {
    // no package.json here
  }
  const marks = ['pnpm-workspace.yaml', 'lerna.json'].map((m) => (fs.existsSync(path.join(dir, m)) ? '1' : '0')).join('');
  return `${pkg}:${marks}`;
}

/** The state of a tsconfig/jsconfig file as the path aliases see it: its content hash, or `-` when absent. */
export function configState(file: string): string {
  try {
    return contentHash(fs.readFileSync(file));
  } catch {
    return '-';
  }
}

/** A digest of a run's inputs besides the key: every file, whether it is reported, and its content hash (or failure). */
export function runDigest(files: string[], reported: ReadonlySet<string>, hashOf: (file: string) => string): string {
  const h = createHash('sha1');
  for (const f of files) h.update(`${reported.has(f) ? 'r' : 'c'}\0${f}\0${hashOf(f)}\n`);
  return h.digest('base64');
}

function stampOf(st: fs.Stats): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}`;
}

function readFrom(file: string, offset: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(Math.max(0, size - offset));
    let done = 0;
    while (done < buf.length) {
      const n = fs.readSync(fd, buf, done, buf.length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return buf.subarray(0, done).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
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
  // In the bundle (dist/tracewire.cjs) this module's location is the bundle itself: its stamp covers everything.
  const self = fileURLToPath(import.meta.url);
  const here = path.dirname(self);
  const files = ['cache', 'aliases', 'workspaces', 'analyze-file', 'link', 'interp', 'pipeline', 'file-task', '../../rules/index', '../../rules/catalog/index', '../codemod/fixes/index', '../codemod/fixes/span', '../codemod/fixes/builders', '../../rules/catalog/fixes'];
  const st = fs.statSync(self, { throwIfNoEntry: false });
  const own = `${path.basename(self)}:${st?.size ?? '-'}:${Math.round(st?.mtimeMs ?? 0)}`;
  return own + ',' + files
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
  private parsedEntries: Record<string, CacheEntry> | undefined;
  private dirty = false;
  hits = 0;
  misses = 0;

  private entriesText: string | undefined;

  private constructor(
    readonly file: string,
    private readonly key: string,
    /** Where the entries line starts in the file, and the file's identity then (read on first need). */
    private entriesAt: { offset: number; stamp: string } | undefined,
    private run: RunEntry | undefined,
  ) {}

  /** The cache at `file` if it was written under `key`, else an empty one (a corrupt file is ignored). */
  static load(file: string, key: string): RunCache {
    // Only the header line is read now: an unchanged project never needs the entries.
    let header: CacheHeader | undefined;
    let entriesAt: { offset: number; stamp: string } | undefined;
    let fd: number | undefined;
    try {
      fd = fs.openSync(file, 'r');
      const st = fs.fstatSync(fd);
      const chunks: Buffer[] = [];
      let offset = 0;
      for (;;) {
        const buf = Buffer.allocUnsafe(1 << 20);
        const n = fs.readSync(fd, buf, 0, buf.length, offset);
        if (n === 0) break;
        const nl = buf.subarray(0, n).indexOf(10);
        if (nl >= 0) {
          chunks.push(buf.subarray(0, nl));
          entriesAt = { offset: offset + nl + 1, stamp: stampOf(st) };
          break;
        }
        chunks.push(buf.subarray(0, n));
        offset += n;
      }
      header = entriesAt ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as CacheHeader) : undefined;
    } catch {
      header = undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
    const valid = header && header.format === FORMAT && header.key === key;
    const cache = valid ? new RunCache(file, key, entriesAt, header!.run) : new RunCache(file, key, undefined, undefined);
    if (!valid) cache.dirty = true;
    return cache;
  }

  private get entries(): Record<string, CacheEntry> {
    if (!this.parsedEntries) {
      let parsed: unknown;
      try {
        const at = this.entriesAt;
        if (at) {
          const st = fs.statSync(this.file);
          // Another run replaced the file since the header was read: its entries are for another header.
          if (stampOf(st) === at.stamp) parsed = JSON.parse(readFrom(this.file, at.offset));
        }
      } catch {
        parsed = undefined;
      }
      this.parsedEntries = Object.assign(Object.create(null), parsed && typeof parsed === 'object' ? parsed : {});
      if (!parsed) this.dirty = true;
    }
    return this.parsedEntries!;
  }

  /** The entries line as it is in the file, for writing back unparsed. */
  private rawEntries(): string | undefined {
    if (this.entriesText !== undefined || !this.entriesAt) return this.entriesText;
    try {
      if (stampOf(fs.statSync(this.file)) === this.entriesAt.stamp) this.entriesText = readFrom(this.file, this.entriesAt.offset);
    } catch {
      this.entriesText = undefined;
    }
    return this.entriesText;
  }

  /** The last run's result, if its inputs are this run's. */
  runResult(digest: string): RunResult | undefined {
    const run = this.run;
    if (!run || run.digest !== digest) return undefined;
    for (const [dir, state] of Object.entries(run.versions)) if (packageState(dir) !== state) return undefined;
    for (const [file, state] of Object.entries(run.configs ?? {})) if (configState(file) !== state) return undefined;
    return run.result;
  }

  /** Keep the run's result, with the package.json directories and tsconfig/jsconfig files it depended on. */
  setRunResult(digest: string, versionDirs: string[], result: RunResult, configFiles: string[] = []): void {
    const versions: Record<string, string> = {};
    for (const dir of [...versionDirs].sort()) versions[dir] = packageState(dir);
    const configs: Record<string, string> = {};
    for (const file of [...configFiles].sort()) configs[file] = configState(file);
    this.run = { digest, versions, ...(configFiles.length ? { configs } : {}), result };
    this.dirty = true;
  }

  /**
   * The stored result for this content, if it serves: a reported file needs one computed with the rules,
   * and `holds` must accept it (what it depends on besides the bytes is unchanged).
   */
  get(file: string, hash: string, reported: boolean, holds?: (r: FileResult) => boolean): FileResult | undefined {
    const e = this.entries[file];
    if (!e || e.h !== hash || (reported && !e.r.error && !e.r.checked) || (holds && !holds(e.r))) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return e.r;
  }

  set(file: string, hash: string, result: FileResult): void {
    if (result.transient) return;
    const { hash: _hash, ...stored } = result;
    result = stored;
    const prev = this.entries[file];
    // A result with the per-file rules' findings serves both uses: keep it over a context-only one.
    if (prev && prev.h === hash && prev.r.checked && !result.checked) return;
    this.entries[file] = { h: hash, r: result };
    this.dirty = true;
  }

  /** Write the cache (atomically: a concurrent run reads the old or the new file, never half of one). */
  save(): void {
    if (!this.dirty) return;
    const header: CacheHeader = { format: FORMAT, key: this.key, ...(this.run ? { run: this.run } : {}) };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, `${JSON.stringify(header)}\n`);
      if (this.parsedEntries) {
        // Entry by entry, in batches: never the whole cache as one string.
        let batch = '{';
        let first = true;
        for (const [file, entry] of Object.entries(this.parsedEntries)) {
          // Summaries held as bytes are stored as their text.
          const stored = entry.r.summary?.bytes ? { h: entry.h, r: { ...entry.r, summary: { file: entry.r.summary.file, text: summaryText(entry.r.summary) } } } : entry;
          batch += `${first ? '' : ','}${JSON.stringify(file)}:${JSON.stringify(stored)}`;
          first = false;
          if (batch.length > 1 << 20) {
            fs.writeSync(fd, batch);
            batch = '';
          }
        }
        fs.writeSync(fd, batch + '}');
      } else {
        // Entries never parsed are written back as they were read.
        fs.writeSync(fd, this.rawEntries() ?? '{}');
      }
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    this.dirty = false;
  }
}
