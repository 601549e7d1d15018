/**
 * The directory where tracewire keeps what it computes for the user between runs outside a project (V8
 * code caches, the editor's project views): `$TRACEWIRE_CACHE_DIR`, else `<tmpdir>/tracewire-<uid>`,
 * created with mode 0700 and used only when it is the user's own and not writable by others.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function userCacheDir(): string | undefined {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = process.env.TRACEWIRE_CACHE_DIR || path.join(os.tmpdir(), `tracewire-${uid ?? os.userInfo().username}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.statSync(dir);
    // Caches are trusted like code: never read one from a directory another user controls.
    if (uid !== undefined && (st.uid !== uid || (st.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}
