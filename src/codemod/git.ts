/**
 * The `cargo fix` safety net: refuse to rewrite files that have uncommitted changes in git (modified,
 * staged or untracked), so every change tracewire makes can be reviewed and reverted with git alone.
 * Outside a git work tree there is nothing to protect against and nothing is refused.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function git(cwd: string, args: string[]): { ok: boolean; stdout: string } {
  const r = spawnSync('git', args, { cwd, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' });
  if (r.error || r.status !== 0) return { ok: false, stdout: '' };
  return { ok: true, stdout: r.stdout };
}

export interface DirtyFile {
  file: string;
  /** `modified`, `staged`, `untracked`, ... in git's words. */
  state: string;
}

/** Files among `files` (absolute) that have uncommitted changes; empty outside git or when git is missing. */
export function dirtyFiles(files: string[]): DirtyFile[] {
  if (files.length === 0) return [];
  const real = new Map<string, string>();
  for (const f of files) {
    try {
      real.set(fs.realpathSync(f), f);
    } catch {
      real.set(path.resolve(f), f);
    }
  }
  const byRoot = new Map<string, string[]>();
  const rootOfDir = new Map<string, string | null>();
  for (const f of real.keys()) {
    const dir = path.dirname(f);
    let root = rootOfDir.get(dir);
    if (root === undefined) {
      const r = git(dir, ['rev-parse', '--show-toplevel']);
      root = r.ok ? fs.realpathSync(r.stdout.trim()) : null;
      rootOfDir.set(dir, root);
    }
    if (root) (byRoot.get(root) ?? byRoot.set(root, []).get(root)!).push(f);
  }
  const out: DirtyFile[] = [];
  for (const [root, list] of byRoot) {
    const wanted = new Set(list);
    const r = git(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']);
    if (!r.ok) continue;
    for (const entry of r.stdout.split('\0')) {
      if (entry.length < 4) continue;
      const x = entry[0]!;
      const y = entry[1]!;
      const abs = path.join(root, entry.slice(3));
      if (!wanted.has(abs)) continue;
      const state = x === '?' ? 'untracked' : y !== ' ' ? 'modified' : 'staged';
      out.push({ file: real.get(abs)!, state });
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : 1));
}
