/**
 * Reading and writing files on a repository tracewire does not trust.
 *
 * A pull request can commit symbolic links (`tracewire.sarif -> ~/.bashrc`, `reports -> ~/.ssh`), and a
 * tarball can hold FIFOs. So every file tracewire writes (reports, baselines, caches, fixed sources) is
 * written by `writeFileAtomic`: the path is checked first (no link and no directory at the target, no link
 * among the directories inside the project), missing directories are created one at a time, the data goes
 * to a temporary file created with `O_CREAT | O_EXCL | O_NOFOLLOW` in the target's own directory, and is
 * renamed over the target (which replaces a link rather than following it). Files tracewire reads as
 * configuration or data (`readRegularFile`) are opened without blocking and refused unless they are
 * regular files, so a FIFO cannot hang a run.
 */

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './engine/files.js';

const C = fs.constants;
/** 0 where the platform has no such flag (Windows): the checks by `lstat` still apply. */
const O_NOFOLLOW = C.O_NOFOLLOW ?? 0;
const O_NONBLOCK = C.O_NONBLOCK ?? 0;

/** A path tracewire refuses to write to or read from: one line, exit 2 (a `UsageError`). */
export class UnsafePathError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafePathError';
  }
}

/** An error with a code for files that are not what a read expects (`ENOTREG`: a FIFO, a device; `EISDIR`). */
function notRegular(file: string, st: fs.Stats): NodeJS.ErrnoException {
  const what = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'a special file';
  const e = new Error(`${file} is ${what}`) as NodeJS.ErrnoException & { what: string };
  e.code = st.isDirectory() ? 'EISDIR' : 'ENOTREG';
  e.what = what;
  return e;
}

/** An errno code for one-line messages: the code itself (`ENOENT`), or words where the code says little. */
export function describeCode(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { what?: string };
  switch (err?.code) {
    case 'ENOTREG':
      return `${err.what ?? 'a special file'}, not a regular file`;
    case 'ELOOP':
      return 'a symbolic link, which tracewire does not follow here';
    case 'EFBIG':
      return 'too large';
    default:
      return err?.code ?? (err instanceof Error ? err.message : String(e));
  }
}

/**
 * The whole content of a regular file. Opened with `O_NONBLOCK` (a FIFO opens at once, and is then
 * refused), and with `O_NOFOLLOW` when `noFollow` is set (a symbolic link fails with `ELOOP`).
 * Throws errno-style errors (`ENOENT`, `EISDIR`, `ENOTREG`, `ELOOP`, ...): see `describeCode`.
 */
export function readRegularFile(file: string, opts: { noFollow?: boolean; maxBytes?: number } = {}): Buffer {
  const fd = fs.openSync(file, C.O_RDONLY | O_NONBLOCK | (opts.noFollow ? O_NOFOLLOW : 0));
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw notRegular(file, st);
    if (opts.maxBytes !== undefined && st.size > opts.maxBytes) {
      const e = new Error(`${file} is larger than ${opts.maxBytes} bytes`) as NodeJS.ErrnoException;
      e.code = 'EFBIG';
      throw e;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.max(65536, Math.min(st.size - total + 1, 1 << 24)));
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (opts.maxBytes !== undefined && total > opts.maxBytes) {
        const e = new Error(`${file} is larger than ${opts.maxBytes} bytes`) as NodeJS.ErrnoException;
        e.code = 'EFBIG';
        throw e;
      }
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The directory below which symbolic links are the repository's, not the machine's: the nearest ancestor
 * of `cwd` that holds `.git` (the checkout), else `cwd` itself.
 */
export function projectBoundary(cwd: string): string {
  const start = path.resolve(cwd);
  for (let dir = start; ; ) {
    if (fs.lstatSync(path.join(dir, '.git'), { throwIfNoEntry: false })) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

function isInside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

export interface WriteCheckOptions {
  /** The directory below which no symbolic link is followed (default: `projectBoundary(cwd)`). */
  boundary: string;
  /** How the path is named in messages (default: the path). */
  label?: string;
  /** What is written, for messages: `the report`, `the baseline`, ... */
  what?: string;
}

/**
 * Check that `target` (absolute) can be written without following a link: it is not a symbolic link,
 * a directory or another special file, and no directory between `boundary` and it is a symbolic link.
 * Directories above `boundary` (the machine's own, such as `/tmp` on macOS) are not looked at.
 * Throws `UnsafePathError`.
 */
export function checkWritePath(target: string, opts: WriteCheckOptions): void {
  const label = opts.label ?? target;
  const what = opts.what ?? 'the file';
  const st = fs.lstatSync(target, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) throw new UnsafePathError(`${label}: refusing to write ${what} through a symbolic link (tracewire never writes through links; remove the link or name another path)`);
  if (st?.isDirectory()) throw new UnsafePathError(`${label}: is a directory; name a file to write ${what} to`);
  if (st && !st.isFile()) throw new UnsafePathError(`${label}: is ${(notRegular(target, st) as { what?: string }).what}, not a regular file; name a file to write ${what} to`);
  for (let dir = path.dirname(target); isInside(opts.boundary, dir); dir = path.dirname(dir)) {
    const d = fs.lstatSync(dir, { throwIfNoEntry: false });
    if (d?.isSymbolicLink()) {
      const rel = path.relative(opts.boundary, dir).split(path.sep).join('/');
      throw new UnsafePathError(`${label}: refusing to write ${what}: ${rel} is a symbolic link inside the project (tracewire never writes through links)`);
    }
    if (d && !d.isDirectory()) throw new UnsafePathError(`${label}: cannot write ${what}: ${path.relative(opts.boundary, dir).split(path.sep).join('/')} is not a directory`);
  }
}

/** Create the missing directories of `dir` one at a time, never through a link below `boundary`. */
function makeDirs(dir: string, opts: WriteCheckOptions): void {
  const missing: string[] = [];
  let d = dir;
  for (;;) {
    const st = fs.lstatSync(d, { throwIfNoEntry: false });
    if (st) break;
    missing.push(d);
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const m of missing.reverse()) {
    try {
      fs.mkdirSync(m, { mode: 0o777 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const st = fs.lstatSync(m);
    if (!st.isDirectory()) throw new UnsafePathError(`${opts.label ?? m}: refusing to write ${opts.what ?? 'the file'}: ${m} appeared as something other than a directory while it was being created`);
  }
}

export interface AtomicWriteOptions extends WriteCheckOptions {
  /** Permissions of the new file (exactly: the umask does not apply). Default: 0o666 less the umask. */
  mode?: number;
  /** Skip `checkWritePath` (the caller checked the path already, for its own message). */
  checked?: boolean;
}

/** Temporary files of `writeFileAtomic`: `.<name>.tracewire-<pid>-<hex>.tmp`. */
export const TEMP_FILE = /^\.(.+)\.tracewire-(\d+)-[0-9a-f]{8}\.tmp$/;

/** The name of a new temporary file next to `target`. */
export function tempNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.tracewire-${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Create a new file for writing that no link can redirect: `O_CREAT | O_EXCL | O_NOFOLLOW` (an existing
 * name, a link included, fails with `EEXIST`). Returns the descriptor.
 */
export function openExclusive(file: string, mode = 0o666): number {
  return fs.openSync(file, C.O_WRONLY | C.O_CREAT | C.O_EXCL | O_NOFOLLOW, mode);
}

/**
 * Write `data` to `target` (absolute) atomically and without following links: see the module comment.
 * `data` may be a function that writes through the descriptor it is given (large files, written in parts).
 * Throws `UnsafePathError` for a refused path, else the file system's error.
 */
export function writeFileAtomic(target: string, data: string | Buffer | ((fd: number) => void), opts: AtomicWriteOptions): void {
  if (!opts.checked) checkWritePath(target, opts);
  makeDirs(path.dirname(target), opts);
  const tmp = tempNameFor(target);
  let fd: number | undefined = openExclusive(tmp, opts.mode ?? 0o666);
  try {
    if (typeof data === 'function') data(fd);
    else writeAll(fd, data);
    if (opts.mode !== undefined) fs.fchmodSync(fd, opts.mode);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    // The directory is the one checked: a link put in place of one of its parents meanwhile is refused.
    if (!opts.checked) checkDirs(target, opts);
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Write the whole of `data` at the descriptor's position (`writeSync` may write less than asked). */
export function writeAll(fd: number, data: string | Buffer): void {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  for (let done = 0; done < buf.length; ) done += fs.writeSync(fd, buf, done, buf.length - done);
}

function checkDirs(target: string, opts: WriteCheckOptions): void {
  for (let dir = path.dirname(target); isInside(opts.boundary, dir); dir = path.dirname(dir)) {
    if (fs.lstatSync(dir).isSymbolicLink()) throw new UnsafePathError(`${opts.label ?? target}: refusing to write ${opts.what ?? 'the file'}: ${dir} became a symbolic link while it was written`);
  }
}

/**
 * Write a file the user named on the command line (a report, a merged report): `file` is relative to
 * `cwd`. Inside the project it is written by `writeFileAtomic`; outside it, a FIFO or a character device
 * (`/dev/null`, `/dev/stdout`, a shell's `>(...)`) is written to as it is.
 */
export function writeNamedFile(cwd: string, file: string, data: string, what: string): void {
  const abs = path.resolve(cwd, file);
  const boundary = projectBoundary(cwd);
  if (!isInside(boundary, abs) && abs !== boundary) {
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    if (st && (st.isFIFO() || st.isCharacterDevice())) {
      fs.writeFileSync(abs, data);
      return;
    }
  }
  writeFileAtomic(abs, data, { boundary, label: file, what });
}

/** `checkWritePath` for a file the user named, before a run: a refused report path fails at once. */
export function checkNamedFile(cwd: string, file: string, what: string): void {
  const abs = path.resolve(cwd, file);
  const boundary = projectBoundary(cwd);
  if (!isInside(boundary, abs) && abs !== boundary) {
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    if (st && (st.isFIFO() || st.isCharacterDevice())) return;
  }
  checkWritePath(abs, { boundary, label: file, what });
}
