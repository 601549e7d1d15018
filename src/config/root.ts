/**
 * Where a project ends. The project is the repository: configuration lookup, project-root discovery and
 * everything the engine reads upwards from a file (package.json versions and preloads, tsconfig/jsconfig
 * path aliases, workspace roots) stop at the root of the git work tree that holds the file. Outside a
 * repository they go up to the filesystem root, as there is nothing better to stop at.
 *
 * The repository is found from the `.git` entry (a directory, or a file in linked worktrees and
 * submodules), without running git: the answer does not depend on git being installed, and a submodule
 * is a repository of its own.
 */

import fs from 'node:fs';
import path from 'node:path';

/** Whether `dir` is the root of a git work tree (it has a `.git` entry): walks upwards stop there. */
export function isRepositoryRoot(dir: string): boolean {
  return fs.existsSync(path.join(dir, '.git'));
}

/** The root of the git work tree holding `dir` (absolute), or null when no ancestor has a `.git` entry. */
export function repositoryRoot(dir: string): string | null {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (isRepositoryRoot(d)) return d;
    if (path.dirname(d) === d) return null;
  }
}

/**
 * The directories from `dir` upwards that may inform a file there: `dir`, its parents, up to and including
 * the repository root (or the filesystem root outside a repository).
 */
export function* upwards(dir: string): Generator<string> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    yield d;
    if (isRepositoryRoot(d) || path.dirname(d) === d) return;
  }
}

/** Whether `file` is `dir` or inside it. */
export function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
