/**
 * Writing fixed files safely: only when the content changed, only when the file on disk is still the
 * one that was analysed (content hash), and atomically (a temporary file in the same directory, renamed
 * over the original), so an interrupted run never leaves a half-written source file behind.
 */

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openExclusive, TEMP_FILE, tempNameFor, writeAll } from '../safe-fs.js';

export function contentHash(buf: Buffer | string): string {
  return crypto.createHash('sha256').update(buf).digest('hex');
}

/** Encode a decoded text back to bytes, restoring the byte order mark it was read with. */
export function encodeSource(text: string, bom: boolean): Buffer {
  return Buffer.from((bom ? '\uFEFF' : '') + text, 'utf8');
}

export type WriteOutcome = { status: 'written' } | { status: 'unchanged' } | { status: 'skipped'; reason: string };

/**
 * Replace `file` with `data` if it still hashes to `expectedHash`. The temporary file is created next to
 * the target (same file system, so the rename is atomic), with the target's permissions; symbolic links
 * are followed so the link itself survives, but never out of `root` (the project) when it is given.
 */
export function writeIfUnchanged(file: string, data: Buffer, expectedHash: string, root?: string): WriteOutcome {
  let target: string;
  let current: Buffer;
  let mode: number;
  try {
    target = fs.realpathSync(file);
    if (root !== undefined && target !== path.resolve(file)) {
      const realRoot = fs.realpathSync(root);
      const rel = path.relative(realRoot, target);
      if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
        return { status: 'skipped', reason: `refused: it is a symbolic link to ${target}, outside the project (${realRoot}); tracewire never writes through a link out of it` };
      }
    }
    current = fs.readFileSync(target);
    mode = fs.statSync(target).mode & 0o7777;
  } catch (e) {
    return { status: 'skipped', reason: `cannot read the file before writing (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  if (contentHash(current) !== expectedHash) return { status: 'skipped', reason: 'the file changed on disk after it was analysed; run again' };
  if (current.equals(data)) return { status: 'unchanged' };
  // A read-only file is someone's decision (generated, vendored, locked): left alone, and reported.
  if (readOnly(target, mode)) return { status: 'skipped', reason: 'read-only: tracewire does not rewrite read-only files (make it writable to apply the fix)' };
  try {
    atomicWrite(target, data, mode);
  } catch (e) {
    return { status: 'skipped', reason: `cannot write the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  return { status: 'written' };
}

/** No write permission for anyone (also as root, whom `access` lets write anything), or none for this user. */
function readOnly(file: string, mode: number): boolean {
  if ((mode & 0o222) === 0) return true;
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the temporary files that a killed run (SIGKILL, power loss: nothing that can be handled) left
 * next to the given files, from processes that no longer exist. Returns the paths removed.
 */
export function removeStaleTemps(files: Iterable<string>): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    try {
      dirs.add(path.dirname(fs.realpathSync(f)));
    } catch {
      dirs.add(path.dirname(path.resolve(f)));
    }
  }
  const removed: string[] = [];
  for (const dir of [...dirs].sort()) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = TEMP_FILE.exec(name);
      if (!m) continue;
      const pid = Number(m[2]);
      if (pid === process.pid || alive(pid)) continue;
      try {
        fs.rmSync(path.join(dir, name), { force: true });
        removed.push(path.join(dir, name));
      } catch {
        // Not ours to insist on: a later run tries again.
      }
    }
  }
  return removed;
}

/**
 * Replace `target` (a real path: no link) with `data`: a temporary file created with `O_CREAT | O_EXCL |
 * O_NOFOLLOW` next to it (a name planted in its place, a link included, makes the write fail), then renamed.
 */
export function atomicWrite(target: string, data: Buffer, mode = 0o644): void {
  const tmp = tempNameFor(target);
  let fd: number | undefined;
  try {
    fd = openExclusive(tmp, mode);
    writeAll(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    // openSync's mode is filtered by the umask; give the file exactly the original's permissions.
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
