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
 * is only parsed when some file has changed, each with a SHA-256 checksum (the header's before it, the
 * entries' on a last line). A cache is data, not trust: a file that fails its checksum, has another
 * format or key, or holds values of another shape is ignored as if there were none, and rewritten. It
 * is read without following links and written through no link (see safe-fs.ts).
 */

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkWritePath, projectBoundary, readRegularFile, writeAll, writeFileAtomic } from '../safe-fs.js';
import { userCacheDir } from '../user-cache-dir.js';
import { VERSION } from '../version.js';
import type { FileResult } from './file-task.js';
import { summaryText } from './packed.js';
import type { TextScan } from './prescan.js';
import type { RunResult } from './types.js';

/** Default file name, in the working directory (or inside `--cache-location` when it names a directory). */
export const CACHE_FILE = '.tracewirecache';

const FORMAT = 5;

interface CacheEntry {
  /** Content hash. */
  h: string;
  /** The per-file phase's result, for files that were analysed. */
  r?: FileResult;
  /** The prescan of the text (see prescan.ts), for every file read with the prefilter on. */
  p?: CachedPrescan;
}

/** What the prescan found in a text: content-determined, so kept by hash like the results. */
export interface CachedPrescan {
  scan?: TextScan;
  mayHaveDirectives?: true;
  /** Why the text cannot be analysed (binary, minified). */
  error?: FileResult;
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
    pkg = contentHash(readRegularFile(path.join(dir, 'package.json')));
  } catch {
    // no package.json here
  }
  const marks = ['pnpm-workspace.yaml', 'lerna.json'].map((m) => (fs.existsSync(path.join(dir, m)) ? '1' : '0')).join('');
  return `${pkg}:${marks}`;
}

/** The state of a tsconfig/jsconfig file as the path aliases see it: its content hash, or `-` when absent. */
export function configState(file: string): string {
  try {
    return contentHash(readRegularFile(file));
  } catch {
    return '-';
  }
}

/**
 * A digest of a run's inputs besides the key: every file, whether it is reported, and its content hash (or
 * failure); and `extra`, what else decides the reported files (the changes of a gate run).
 */
export function runDigest(files: string[], reported: ReadonlySet<string>, hashOf: (file: string) => string, extra?: string): string {
  const h = createHash('sha1');
  if (extra !== undefined) h.update(`changes\0${extra}\n`);
  for (const f of files) h.update(`${reported.has(f) ? 'r' : 'c'}\0${f}\0${hashOf(f)}\n`);
  return h.digest('base64');
}

function stampOf(st: fs.Stats): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}`;
}

/** Open the cache file for reading: never through a link, never blocking on a FIFO; a regular file only. */
function openCache(file: string): number {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  if (!fs.fstatSync(fd).isFile()) {
    fs.closeSync(fd);
    throw new Error('not a regular file');
  }
  return fd;
}

/**
 * The entries line and its checksum from `offset` to the end, if the file is still the one whose header
 * was read (`stamp`) and the checksum holds; else undefined.
 */
function readEntries(file: string, offset: number, stamp: string): string | undefined {
  const fd = openCache(file);
  try {
    const st = fs.fstatSync(fd);
    // Another run replaced the file since the header was read: its entries are for another header.
    if (stampOf(st) !== stamp) return undefined;
    const buf = Buffer.allocUnsafe(Math.max(0, st.size - offset));
    let done = 0;
    while (done < buf.length) {
      const n = fs.readSync(fd, buf, done, buf.length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    const data = buf.subarray(0, done);
    // `<entries>\n<sha256 of the entries, hex>`
    const nl = data.lastIndexOf(10);
    if (nl < 0 || data.length - nl - 1 !== 64) return undefined;
    const body = data.subarray(0, nl);
    if (createHash('sha256').update(body).digest('hex') !== data.subarray(nl + 1).toString('latin1')) return undefined;
    return body.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

export function contentHash(buf: Buffer): string {
  return createHash('sha1').update(buf).digest('base64');
}

/**
 * Where the cache lives: `--cache-location` (a file, or a directory to put `.tracewirecache` in), else the
 * working directory. A location that is a link, or lies behind a link inside the project, is refused
 * (`UnsafePathError`): the cache is read and written there.
 */
export function cacheFile(cwd: string, location?: string): string {
  const abs = location ? path.resolve(cwd, location) : path.join(cwd, CACHE_FILE);
  const st = location ? fs.lstatSync(abs, { throwIfNoEntry: false }) : undefined;
  const isDir = !!location && (location.endsWith('/') || location.endsWith(path.sep) || !!st?.isDirectory());
  const file = isDir ? path.join(abs, CACHE_FILE) : abs;
  checkWritePath(file, { boundary: projectBoundary(cwd), label: path.relative(cwd, file) || file, what: 'the cache (--cache)' });
  return file;
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
    /** Below this directory no link is followed when the cache is written (see safe-fs.ts). */
    private readonly boundary?: string,
  ) {}

  /** The cache at `file` if it was written under `key`, else an empty one (a corrupt file is ignored). */
  static load(file: string, key: string, opts: { boundary?: string } = {}): RunCache {
    // Only the header line is read now: an unchanged project never needs the entries.
    let header: CacheHeader | undefined;
    let entriesAt: { offset: number; stamp: string } | undefined;
    let fd: number | undefined;
    try {
      fd = openCache(file);
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
      // `<sha256 of the header, hex> <header>`: a corrupt or hand-edited header is no header.
      const line = entriesAt ? Buffer.concat(chunks) : undefined;
      if (line && line.length > 65 && line[64] === 32) {
        const body = line.subarray(65);
        if (createHash('sha256').update(body).digest('hex') === line.subarray(0, 64).toString('latin1')) header = JSON.parse(body.toString('utf8')) as CacheHeader;
      }
    } catch {
      header = undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
    const valid = !!header && typeof header === 'object' && header.format === FORMAT && header.key === key && validRun(header.run);
    const cache = valid ? new RunCache(file, key, entriesAt, header!.run, opts.boundary) : new RunCache(file, key, undefined, undefined, opts.boundary);
    if (!valid) cache.dirty = true;
    return cache;
  }

  private get entries(): Record<string, CacheEntry> {
    if (!this.parsedEntries) {
      let parsed: unknown;
      try {
        const at = this.entriesAt;
        const text = at ? readEntries(this.file, at.offset, at.stamp) : undefined;
        if (text !== undefined) parsed = JSON.parse(text);
        // A cache is data, not trust: entries of another shape are dropped with the rest.
        if (parsed !== undefined && !validEntries(parsed)) parsed = undefined;
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
      this.entriesText = readEntries(this.file, this.entriesAt.offset, this.entriesAt.stamp);
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
    if (!e?.r || e.h !== hash || (reported && !e.r.error && !e.r.checked) || (holds && !holds(e.r))) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return e.r;
  }

  /** The stored prescan of this content, if `holds` accepts it (the path aliases it looked up still answer the same). */
  getPrescan(file: string, hash: string, holds?: (p: CachedPrescan) => boolean): CachedPrescan | undefined {
    const e = this.entries[file];
    if (!e?.p || e.h !== hash || (holds && !holds(e.p))) return undefined;
    return e.p;
  }

  setPrescan(file: string, hash: string, p: CachedPrescan): void {
    const prev = this.entries[file];
    this.entries[file] = prev?.h === hash ? { ...prev, p } : { h: hash, p };
    this.dirty = true;
  }

  set(file: string, hash: string, result: FileResult): void {
    if (result.transient) return;
    const { hash: _hash, ...stored } = result;
    result = stored;
    const prev = this.entries[file];
    // A result with the per-file rules' findings serves both uses: keep it over a context-only one.
    if (prev && prev.h === hash && prev.r?.checked && !result.checked) return;
    this.entries[file] = prev?.h === hash && prev.p ? { h: hash, r: result, p: prev.p } : { h: hash, r: result };
    this.dirty = true;
  }

  /** Write the cache (atomically: a concurrent run reads the old or the new file, never half of one). */
  save(): void {
    if (!this.dirty) return;
    const header: CacheHeader = { format: FORMAT, key: this.key, ...(this.run ? { run: this.run } : {}) };
    const headerText = JSON.stringify(header);
    // Entries never parsed are written back as they were read (checked against their checksum then).
    const raw = this.parsedEntries ? undefined : this.rawEntries() ?? '{}';
    writeFileAtomic(
      this.file,
      (fd) => {
        writeAll(fd, `${createHash('sha256').update(headerText).digest('hex')} ${headerText}\n`);
        const sum = createHash('sha256');
        const put = (text: string) => {
          sum.update(text);
          writeAll(fd, text);
        };
        if (raw === undefined) {
          // Entry by entry, in batches: never the whole cache as one string.
          let batch = '{';
          let first = true;
          for (const [file, entry] of Object.entries(this.parsedEntries!)) {
            // Summaries held as bytes are stored as their text.
            const stored = entry.r?.summary?.bytes ? { ...entry, r: { ...entry.r, summary: { file: entry.r.summary.file, text: summaryText(entry.r.summary) } } } : entry;
            batch += `${first ? '' : ','}${JSON.stringify(file)}:${JSON.stringify(stored)}`;
            first = false;
            if (batch.length > 1 << 20) {
              put(batch);
              batch = '';
            }
          }
          put(batch + '}');
        } else put(raw);
        writeAll(fd, `\n${sum.digest('hex')}`);
      },
      { boundary: this.boundary ?? defaultBoundary(this.file), what: 'the cache' },
    );
    this.dirty = false;
  }
}

/** Below which directory no link is followed for a cache file: the user's cache folder for caches kept there, else the project's. */
function defaultBoundary(file: string): string {
  const dir = path.dirname(file);
  return dir === userCacheDir() ? dir : projectBoundary(dir);
}

/** Whether a header's run entry has the shape this version writes (a checksum catches accidents, this the rest). */
function validRun(run: unknown): boolean {
  if (run === undefined) return true;
  if (!run || typeof run !== 'object') return false;
  const r = run as Partial<RunEntry>;
  const res = r.result as Partial<RunResult> | undefined;
  return (
    typeof r.digest === 'string' &&
    !!r.versions &&
    typeof r.versions === 'object' &&
    (r.configs === undefined || (!!r.configs && typeof r.configs === 'object')) &&
    !!res &&
    Array.isArray(res.findings) &&
    Array.isArray(res.errors) &&
    Array.isArray(res.sites) &&
    typeof res.files === 'number'
  );
}

/** Whether parsed entries are `{ file: { h, r?: { file, ... }, p?: { ... } } }`, each with a result or a prescan. */
function validEntries(parsed: unknown): boolean {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
  for (const e of Object.values(parsed as Record<string, unknown>)) {
    const entry = e as Partial<CacheEntry> | null;
    if (!entry || typeof entry !== 'object' || typeof entry.h !== 'string') return false;
    if (entry.r === undefined && entry.p === undefined) return false;
    if (entry.r !== undefined && (!entry.r || typeof entry.r !== 'object' || typeof entry.r.file !== 'string')) return false;
    if (entry.p !== undefined && (!entry.p || typeof entry.p !== 'object')) return false;
  }
  return true;
}
