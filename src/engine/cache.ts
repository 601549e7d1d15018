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
 * The file is a log of records, one per line, each `<kind> <SHA-256 of the payload, hex> <payload>`: the
 * payload is JSON, and in `E` records the JSON is followed by the files' summaries, each after a U+0002
 * (the JSON names a summary by its place: `{ "blob": 3 }`), kept as the bytes they are so that reading
 * the entries parses only the small JSON (a summary's parts are parsed where the link needs them; packed
 * summaries never hold a raw U+0002 or newline). `E` records hold per-file entries (a later one overrides an earlier one for the same file), `H` records
 * a header (format, key, the last run's result). The last valid `H` is the header, and only the records
 * before it count. A run whose results changed appends what changed and its header: a commit that
 * changed 10 files of a 4,000-file project writes 10 entries, not 4,000. When appended records outweigh
 * the last full write, the file is written anew (atomically) with one `E` and one `H`. The header is
 * found from the end of the file; the entries are read only when some file has changed. A cache is
 * data, not trust: a record that fails its checksum is ignored, a file without a valid header of this
 * format and key is ignored as if there were none and rewritten, entries of another shape are dropped.
 * It is read without following links and written through no link (see safe-fs.ts).
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

const FORMAT = 7;

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
  /** The file's size after its last full write (appended records beyond twice that start a new one). */
  base?: number;
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

/** The file's identity (appending keeps it; a new full write replaces it), then its size and time. */
function stampOf(st: fs.Stats): string {
  return `${st.ino}:${st.dev}|${st.size}:${st.mtimeMs}`;
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

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** One record line: `<kind> <sha256 hex> <payload>\n`. */
function record(kind: 'E' | 'H', payload: string): string {
  return `${kind} ${sha256(payload)} ${payload}\n`;
}

/** The payload of a record line (without its newline) if its kind and checksum hold, else undefined. */
function payloadOf(line: Buffer, kind: 'E' | 'H'): Buffer | undefined {
  if (line.length < 67 || line[0] !== kind.charCodeAt(0) || line[1] !== 32 || line[66] !== 32) return undefined;
  const payload = line.subarray(67);
  return sha256(payload) === line.subarray(2, 66).toString('latin1') ? payload : undefined;
}

/**
 * The last valid header record of the file, read from the end: its payload and where its line starts
 * (the records before it are the entries). Undefined when the file has none.
 */
function lastHeader(fd: number, size: number): { payload: Buffer; at: number } | undefined {
  for (let window = Math.min(size, 1 << 20); ; window = Math.min(size, window * 4)) {
    const start = size - window;
    const buf = Buffer.allocUnsafe(window);
    let done = 0;
    while (done < window) {
      const n = fs.readSync(fd, buf, done, window - done, start + done);
      if (n === 0) break;
      done += n;
    }
    const data = buf.subarray(0, done);
    // Each `H` line from the last: a torn or garbled one (a run stopped mid-write) is passed over.
    let end = data.length;
    while (end > 0) {
      const nl = data.lastIndexOf(10, end - 2);
      const lineStart = nl + 1;
      if (nl < 0 && start > 0) break; // the line may begin before the window
      const line = data.subarray(lineStart, data[end - 1] === 10 ? end - 1 : end);
      if (data[end - 1] === 10) {
        const payload = payloadOf(line, 'H');
        if (payload) return { payload: Buffer.from(payload), at: start + lineStart };
      }
      if (nl < 0) break;
      end = lineStart;
    }
    if (start === 0) return undefined;
  }
}

/** Separates an `E` record's JSON and its summaries (see the module comment). */
const BLOB = 2;

/**
 * An `E` record's payload: the entries as JSON, each summary replaced by its place among the texts that
 * follow it (`{ "file": ..., "blob": i }`).
 */
function entriesPayload(entries: Iterable<[string, CacheEntry]>): { json: string[]; blobs: string[] } {
  const json: string[] = [];
  const blobs: string[] = [];
  let batch = '{';
  let first = true;
  for (const [file, entry] of entries) {
    let stored: unknown = entry;
    if (entry.r?.summary) {
      blobs.push(summaryText(entry.r.summary));
      stored = { ...entry, r: { ...entry.r, summary: { file: entry.r.summary.file, blob: blobs.length - 1 } } };
    }
    batch += `${first ? '' : ','}${JSON.stringify(file)}:${JSON.stringify(stored)}`;
    first = false;
    // In batches: never the whole cache as one string.
    if (batch.length > 1 << 20) {
      json.push(batch);
      batch = '';
    }
  }
  json.push(batch + '}');
  return { json, blobs };
}

/** Parse an `E` record's payload: the JSON, with each summary's bytes put back in its place (as bytes). */
function parseEntries(payload: Buffer): Record<string, unknown> | undefined {
  let end = payload.indexOf(BLOB);
  if (end < 0) end = payload.length;
  const parsed = JSON.parse(payload.toString('utf8', 0, end)) as Record<string, { r?: { summary?: { file?: unknown; blob?: unknown } } }>;
  if (!parsed || typeof parsed !== 'object') return undefined;
  const blobs: Buffer[] = [];
  for (let at = end; at < payload.length; ) {
    let next = payload.indexOf(BLOB, at + 1);
    if (next < 0) next = payload.length;
    blobs.push(payload.subarray(at + 1, next));
    at = next;
  }
  for (const e of Object.values(parsed)) {
    const summary = e && typeof e === 'object' ? e.r?.summary : undefined;
    if (!summary || typeof summary !== 'object') continue;
    const bytes = typeof summary.blob === 'number' ? blobs[summary.blob] : undefined;
    // A summary whose bytes are missing: the entry is of another shape, and dropped with the rest.
    if (!bytes || typeof summary.file !== 'string') return undefined;
    e.r!.summary = { file: summary.file, bytes } as never;
  }
  return parsed;
}

/** The per-file entries of the records before `end` (a later record overrides an earlier one per file), if the file is still the one whose header was read. */
function readEntries(file: string, end: number, stamp: string): Record<string, unknown>[] | undefined {
  const fd = openCache(file);
  try {
    const st = fs.fstatSync(fd);
    // Another run rewrote the file since the header was read: its records are for another header.
    if (st.ino + ':' + st.dev !== stamp.split('|')[0] || st.size < end) return undefined;
    const buf = Buffer.allocUnsafe(end);
    let done = 0;
    while (done < end) {
      const n = fs.readSync(fd, buf, done, end - done, done);
      if (n === 0) break;
      done += n;
    }
    const out: Record<string, unknown>[] = [];
    for (let at = 0; at < done; ) {
      let nl = buf.indexOf(10, at);
      if (nl < 0) nl = done;
      const payload = payloadOf(buf.subarray(at, nl), 'E');
      if (payload) {
        const entries = parseEntries(payload);
        if (!entries) return undefined;
        out.push(entries);
      }
      at = nl + 1;
    }
    return out;
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

/**
 * What this process last read from or wrote to each cache file, while the file is as it left it: a
 * process that serves several runs (the context server, cli/server.ts) then takes the entries from memory
 * instead of reading and parsing the file again. Keyed by the file; valid for one key and one stamp
 * (inode, size, modification time) of the file.
 */
const resident = new Map<string, { key: string; stamp: string; entries: Record<string, CacheEntry> }>();

export class RunCache {
  private parsedEntries: Record<string, CacheEntry> | undefined;
  private dirty = false;
  /** Files whose entry this run set (what an append writes). */
  private readonly changed = new Set<string>();
  hits = 0;
  misses = 0;

  private constructor(
    readonly file: string,
    private readonly key: string,
    /** Where the header's line starts (the entries are the records before it), the file's identity then, and the size of its last full write. */
    private entriesAt: { end: number; stamp: string; size: number; base: number } | undefined,
    private run: RunEntry | undefined,
    /** Below this directory no link is followed when the cache is written (see safe-fs.ts). */
    private readonly boundary?: string,
  ) {}

  /** The cache at `file` if it was written under `key`, else an empty one (a corrupt file is ignored). */
  static load(file: string, key: string, opts: { boundary?: string } = {}): RunCache {
    // Only the header is read now: an unchanged project never needs the entries.
    let header: CacheHeader | undefined;
    let entriesAt: { end: number; stamp: string; size: number; base: number } | undefined;
    let fd: number | undefined;
    try {
      fd = openCache(file);
      const st = fs.fstatSync(fd);
      const found = lastHeader(fd, st.size);
      if (found) {
        header = JSON.parse(found.payload.toString('utf8')) as CacheHeader;
        entriesAt = { end: found.at, stamp: stampOf(st), size: st.size, base: typeof header?.base === 'number' ? header.base : st.size };
      }
    } catch {
      header = undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
    const valid = !!header && typeof header === 'object' && header.format === FORMAT && header.key === key && validRun(header.run);
    const cache = valid ? new RunCache(file, key, entriesAt, header!.run, opts.boundary) : new RunCache(file, key, undefined, undefined, opts.boundary);
    if (!valid) cache.dirty = true;
    const kept = resident.get(file);
    if (valid && kept && kept.key === key && kept.stamp === entriesAt?.stamp) cache.parsedEntries = kept.entries;
    return cache;
  }

  private get entries(): Record<string, CacheEntry> {
    if (!this.parsedEntries) {
      const entries: Record<string, CacheEntry> = Object.create(null);
      let ok = false;
      try {
        const at = this.entriesAt;
        const records = at ? readEntries(this.file, at.end, at.stamp) : undefined;
        // A cache is data, not trust: entries of another shape are dropped with the rest.
        if (records && records.every(validEntries)) {
          for (const r of records) Object.assign(entries, r);
          ok = true;
        }
      } catch {
        ok = false;
      }
      this.parsedEntries = ok ? entries : Object.create(null);
      if (ok && this.entriesAt) resident.set(this.file, { key: this.key, stamp: this.entriesAt.stamp, entries: this.parsedEntries! });
      if (!ok) {
        // Nothing of the file serves: the next save writes it anew.
        this.entriesAt = undefined;
        this.dirty = true;
      }
    }
    return this.parsedEntries!;
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
    this.changed.add(file);
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
    this.changed.add(file);
    this.dirty = true;
  }

  /**
   * Write the cache: the entries this run changed and its header, appended to the file it read (one
   * write: a concurrent reader sees the records before it or after it, and a record cut short fails its
   * checksum); or the whole cache anew, atomically, when there is no valid file to append to or appended
   * records outweigh the last full write.
   */
  save(): void {
    if (!this.dirty) return;
    const at = this.entriesAt;
    if (at && at.size < 2 * at.base + (1 << 20) && this.append(at)) {
      this.dirty = false;
      return;
    }
    const entries = this.entries;
    writeFileAtomic(
      this.file,
      (fd) => {
        // One record, written in parts: never the whole cache as one string.
        const { json, blobs } = entriesPayload(Object.entries(entries));
        const sum = createHash('sha256');
        const parts: Buffer[] = [];
        const add = (b: Buffer) => {
          sum.update(b);
          parts.push(b);
        };
        for (const text of json) add(Buffer.from(text, 'utf8'));
        for (const blob of blobs) add(Buffer.from('\u0002' + blob, 'utf8'));
        writeAll(fd, `E ${sum.digest('hex')} `);
        for (const b of parts) writeAll(fd, b);
        writeAll(fd, '\n');
        const size = fs.fstatSync(fd).size;
        writeAll(fd, record('H', JSON.stringify(this.header(size))));
        this.remember(fs.fstatSync(fd), entries);
      },
      { boundary: this.boundary ?? defaultBoundary(this.file), what: 'the cache' },
    );
    this.changed.clear();
    this.dirty = false;
  }

  /** The file as this write left it holds these entries (see `resident`). */
  private remember(st: fs.Stats, entries: Record<string, CacheEntry>): void {
    resident.set(this.file, { key: this.key, stamp: stampOf(st), entries });
  }

  private header(base: number): CacheHeader {
    return { format: FORMAT, base, key: this.key, ...(this.run ? { run: this.run } : {}) };
  }

  /** Append the changed entries and the header to the file read (still a regular file, reached through no link); false when it cannot be. */
  private append(at: { base: number }): boolean {
    let fd: number | undefined;
    try {
      checkWritePath(this.file, { boundary: this.boundary ?? defaultBoundary(this.file), what: 'the cache' });
      fd = fs.openSync(this.file, fs.constants.O_WRONLY | fs.constants.O_APPEND | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
      if (!fs.fstatSync(fd).isFile()) return false;
      let text = '';
      if (this.changed.size && this.parsedEntries) {
        const delta: [string, CacheEntry][] = [];
        for (const f of [...this.changed].sort()) {
          const e = this.parsedEntries[f];
          if (e) delta.push([f, e]);
        }
        const { json, blobs } = entriesPayload(delta);
        text += record('E', json.join('') + blobs.map((b) => '\u0002' + b).join(''));
      }
      text += record('H', JSON.stringify(this.header(at.base)));
      writeAll(fd, text);
      this.changed.clear();
      if (this.parsedEntries) this.remember(fs.fstatSync(fd), this.parsedEntries);
      else resident.delete(this.file);
      return true;
    } catch {
      return false;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
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
