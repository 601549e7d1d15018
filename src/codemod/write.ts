/**
 * Writing fixed files safely: only when the content changed, only when the file on disk is still the
 * one that was analysed (content hash), and atomically (a temporary file in the same directory, renamed
 * over the original), so an interrupted run never leaves a half-written source file behind.
 */

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

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
 * are followed so the link itself survives.
 */
export function writeIfUnchanged(file: string, data: Buffer, expectedHash: string): WriteOutcome {
  let target: string;
  let current: Buffer;
  let mode: number;
  try {
    target = fs.realpathSync(file);
    current = fs.readFileSync(target);
    mode = fs.statSync(target).mode & 0o7777;
  } catch (e) {
    return { status: 'skipped', reason: `cannot read the file before writing (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  if (contentHash(current) !== expectedHash) return { status: 'skipped', reason: 'the file changed on disk after it was analysed; run again' };
  if (current.equals(data)) return { status: 'unchanged' };
  try {
    atomicWrite(target, data, mode);
  } catch (e) {
    return { status: 'skipped', reason: `cannot write the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  return { status: 'written' };
}

export function atomicWrite(target: string, data: Buffer, mode = 0o644): void {
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.tracewire-${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
    fs.writeSync(fd, data);
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
