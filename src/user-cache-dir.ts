/**
 * The directory where tracewire keeps what it computes for the user between runs outside a project (V8
 * code caches, the editor's project views). Caches are loaded like code, so the directory must be one no
 * other user can write to or redirect:
 *
 * - `$TRACEWIRE_CACHE_DIR`, else `$XDG_CACHE_HOME/tracewire`, else `~/.cache/tracewire`: the user's own
 *   places. Links the user made there are followed; the directory itself must belong to the user and be
 *   writable by no one else.
 * - Only when there is no usable home: `<tmpdir>/tracewire-<uid>`, created by tracewire with mode 0700,
 *   and used only while it is a real directory (not a link: another user of the machine could plant one
 *   there, pointing into the victim's `~/.ssh`), owned by the user, with no access for group or others.
 *   It is checked on every use.
 *
 * Returns undefined when no directory passes: the caches are then simply not used.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function uid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/** A directory of the user's own choosing (or of their home): created if missing, then its owner and permissions checked. */
function ownDir(dir: string): string | undefined {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // A link where others can create names (`/tmp/cache -> ~victim/.ssh`) is not the user's choice.
    if (fs.lstatSync(dir).isSymbolicLink() && (fs.statSync(path.dirname(dir)).mode & 0o002) !== 0) return undefined;
    const st = fs.statSync(dir);
    const me = uid();
    if (!st.isDirectory()) return undefined;
    // Caches are trusted like code: never read one from a directory another user controls.
    if (me !== undefined && (st.uid !== me || (st.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** The shared temporary directory's fallback: strict (see the module comment). */
export function privateTempDir(parent = os.tmpdir()): string | undefined {
  const me = uid();
  const dir = path.join(parent, `tracewire-${me ?? os.userInfo().username}`);
  try {
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
    }
    // lstat: a link planted by another user is refused, never followed.
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || st.isSymbolicLink()) return undefined;
    if (me !== undefined && (st.uid !== me || (st.mode & 0o077) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

function homeDir(): string | undefined {
  try {
    const h = os.homedir();
    return h && path.isAbsolute(h) ? h : undefined;
  } catch {
    return undefined;
  }
}

export function userCacheDir(): string | undefined {
  const explicit = process.env.TRACEWIRE_CACHE_DIR;
  if (explicit) return path.isAbsolute(explicit) ? ownDir(explicit) : undefined;
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return ownDir(path.join(xdg, 'tracewire'));
  const home = homeDir();
  if (home) {
    const st = fs.statSync(home, { throwIfNoEntry: false });
    const me = uid();
    // A home that exists and is the user's: `~/.cache/tracewire`.
    if (st?.isDirectory() && (me === undefined || st.uid === me)) {
      const dir = ownDir(path.join(home, '.cache', 'tracewire'));
      if (dir) return dir;
    }
  }
  return privateTempDir();
}
