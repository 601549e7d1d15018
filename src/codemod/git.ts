/**
 * The `cargo fix` safety net: refuse to rewrite files that have uncommitted changes in git (modified,
 * staged or untracked), so every change tracewire makes can be reviewed and reverted with git alone.
 *
 * It fails closed: a file inside a git work tree (a `.git` above it) for which git cannot answer (git
 * missing, a repository owned by another user, a broken index) is reported as `unknown`, and the caller
 * refuses to touch it unless told to (`--allow-dirty`). Only a file with no `.git` above it at all is
 * outside git, with nothing to protect and nothing refused. git runs with the repository's own commands
 * switched off (see git-exec.ts).
 */

import fs from 'node:fs';
import path from 'node:path';
import { runGit } from '../git-exec.js';

export interface DirtyFile {
  file: string;
  /** `modified`, `staged`, `untracked`, ... in git's words. */
  state: string;
}

export interface GitCheck {
  /** Files with uncommitted changes. */
  dirty: DirtyFile[];
  /** Files inside a git work tree whose state git could not tell, with why. */
  unknown: { file: string; reason: string }[];
}

/** The directory holding `.git` above `dir` (a work tree's top, or a submodule's), if any. */
function gitMarkerAbove(dir: string): string | undefined {
  for (let d = dir; ; ) {
    if (fs.lstatSync(path.join(d, '.git'), { throwIfNoEntry: false })) return d;
    const parent = path.dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

function why(r: ReturnType<typeof runGit>): string {
  if (r.error) return r.error.code === 'ENOENT' ? 'git is not installed or not on PATH' : `git could not run (${r.error.code ?? r.error.message})`;
  const line = r.stderr.split('\n').find((l) => /^(fatal|error):/.test(l)) ?? r.stderr.split('\n')[0] ?? '';
  return line ? `git failed: ${line.replace(/^(fatal|error):\s*/, '')}` : `git exited with ${r.status}`;
}

/** Which of `files` (absolute) have uncommitted changes, and which git cannot tell about (see the module comment). */
export function checkFiles(files: string[]): GitCheck {
  const out: GitCheck = { dirty: [], unknown: [] };
  if (files.length === 0) return out;
  const real = new Map<string, string>();
  for (const f of files) {
    try {
      real.set(fs.realpathSync(f), f);
    } catch {
      real.set(path.resolve(f), f);
    }
  }
  const byRoot = new Map<string, string[]>();
  const rootOfDir = new Map<string, { root: string } | { reason: string } | null>();
  for (const f of real.keys()) {
    const dir = path.dirname(f);
    let root = rootOfDir.get(dir);
    if (root === undefined) {
      const r = runGit(dir, ['rev-parse', '--show-toplevel']);
      if (r.status === 0) root = { root: fs.realpathSync(r.stdout.toString('utf8').trim()) };
      // Not in a work tree by git's own account, and no `.git` above either: outside git.
      else if (!gitMarkerAbove(dir)) root = null;
      else root = { reason: why(r) };
      rootOfDir.set(dir, root);
    }
    if (!root) continue;
    if ('reason' in root) out.unknown.push({ file: real.get(f)!, reason: root.reason });
    else (byRoot.get(root.root) ?? byRoot.set(root.root, []).get(root.root)!).push(f);
  }
  for (const [root, list] of byRoot) {
    const wanted = new Set(list);
    const r = runGit(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--ignore-submodules=all']);
    if (r.status !== 0) {
      const reason = why(r);
      for (const f of list) out.unknown.push({ file: real.get(f)!, reason });
      continue;
    }
    for (const entry of r.stdout.toString('utf8').split('\0')) {
      if (entry.length < 4) continue;
      const x = entry[0]!;
      const y = entry[1]!;
      const abs = path.join(root, entry.slice(3));
      if (!wanted.has(abs)) continue;
      const state = x === '?' ? 'untracked' : y !== ' ' ? 'modified' : 'staged';
      out.dirty.push({ file: real.get(abs)!, state });
    }
  }
  out.dirty.sort((a, b) => (a.file < b.file ? -1 : 1));
  out.unknown.sort((a, b) => (a.file < b.file ? -1 : 1));
  return out;
}

/** Files among `files` (absolute) that have uncommitted changes (see `checkFiles` for those git cannot tell about). */
export function dirtyFiles(files: string[]): DirtyFile[] {
  return checkFiles(files).dirty;
}
