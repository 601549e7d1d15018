/**
 * The git plumbing behind `check --staged` and `check --changed-since`: which files changed, and the
 * staged content of files read straight from the index (so a pre-commit check sees exactly what is
 * about to be committed, whatever the working tree holds).
 */

import fs from 'node:fs';
import path from 'node:path';
import { runGit } from '../git-exec.js';
import { UsageError } from './files.js';

/** git with the repository's own commands (fsmonitor, hooks, filters) switched off: see git-exec.ts. */
function git(cwd: string, args: string[], input?: Buffer | string): { status: number | null; stdout: Buffer; stderr: string } {
  const r = runGit(cwd, args, input);
  if (r.error) {
    const code = r.error.code;
    throw new UsageError(code === 'ENOENT' ? 'git is not installed or not on PATH' : `git ${args[0]} failed: ${r.error.message}`);
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function gitOk(cwd: string, args: string[], what: string): Buffer {
  const r = git(cwd, args);
  if (r.status !== 0) throw new UsageError(`${what}: ${r.stderr || `git ${args.join(' ')} exited with ${r.status}`}`);
  return r.stdout;
}

/** NUL-separated output (`-z`) into paths. */
function splitZ(buf: Buffer): string[] {
  return buf
    .toString('utf8')
    .split('\0')
    .filter((s) => s.length > 0);
}

/**
 * The top-level directory of the work tree that contains `cwd`, or null outside git. git answers with a
 * real path; it is expressed in the same terms as `cwd` (which may go through a symbolic link), so that
 * the paths git names compare equal to the paths listed from `cwd`.
 */
export function repoRoot(cwd: string): string | null {
  const r = git(cwd, ['rev-parse', '--show-toplevel']);
  if (r.status !== 0) return null;
  const top = path.resolve(r.stdout.toString('utf8').trim());
  let real: string;
  try {
    real = fs.realpathSync(cwd);
  } catch {
    return top;
  }
  const up = path.relative(real, top);
  return up === '' || /^(\.\.[\\/])*\.\.$/.test(up) ? path.resolve(cwd, up) : top;
}

function requireRoot(cwd: string, option: string): string {
  const root = repoRoot(cwd);
  if (!root) throw new UsageError(`${option} needs a git repository, and ${cwd} is not inside one`);
  return root;
}

export interface StagedFile {
  /** Absolute path. */
  file: string;
  /** The staged blob. */
  blob: string;
}

/**
 * The regular files added, copied, modified or renamed in the index (what `git commit` would record),
 * with their staged blobs, and the files the commit deletes (renames are a deletion and an addition).
 * Symbolic links and submodules are left out: they carry no source of their own. `head` is the commit
 * the staged changes apply to (null before the first commit).
 */
export function stagedFiles(cwd: string): { root: string; files: StagedFile[]; deleted: string[]; head: string | null } {
  const root = requireRoot(cwd, '--staged');
  const out = gitOk(root, ['diff', '--cached', '--raw', '-z', '--no-abbrev', '--diff-filter=ACMRD', '--no-renames', '--no-ext-diff', '--no-textconv', '--ignore-submodules=all'], 'cannot list the staged files');
  // `:<old mode> <new mode> <old blob> <new blob> <status>` NUL `<path>` NUL, per file.
  const parts = splitZ(out);
  const files: StagedFile[] = [];
  const deleted: string[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [oldMode, newMode, , blob, status] = parts[i]!.slice(1).split(' ');
    const file = path.join(root, parts[i + 1]!);
    if (status === 'D') {
      if (oldMode === '100644' || oldMode === '100755') deleted.push(file);
    } else if ((newMode === '100644' || newMode === '100755') && blob && !/^0+$/.test(blob)) files.push({ file, blob });
  }
  const head = git(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  return { root, files, deleted, head: head.status === 0 ? head.stdout.toString('utf8').trim() : null };
}

/**
 * Absolute paths of the files changed since the merge base of `ref` and HEAD: committed changes on this
 * branch plus uncommitted and untracked ones, which in CI are none (added, copied, modified, renamed;
 * deletions have nothing left to check).
 */
export function changedSince(cwd: string, ref: string): { root: string; base: string; files: string[]; deleted: string[] } {
  const root = requireRoot(cwd, '--changed-since');
  if (ref.startsWith('-')) throw new UsageError(`--changed-since: "${ref}" is not a git ref`);
  const mb = git(root, ['merge-base', ref, 'HEAD']);
  if (mb.status !== 0) {
    const known = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).status === 0;
    throw new UsageError(
      known
        ? `--changed-since ${ref}: no merge base between ${ref} and HEAD (a shallow clone? fetch the full history, e.g. actions/checkout with fetch-depth: 0)`
        : `--changed-since ${ref}: unknown git ref "${ref}" (fetch it first, e.g. git fetch origin ${ref.replace(/^origin\//, '')})`,
    );
  }
  const base = mb.stdout.toString('utf8').trim();
  const diff = gitOk(root, ['diff', '--name-only', '--diff-filter=ACMR', '--no-renames', '--no-ext-diff', '--no-textconv', '--ignore-submodules=all', '-z', base, '--'], 'cannot list the changed files');
  const untracked = gitOk(root, ['ls-files', '--others', '--exclude-standard', '-z'], 'cannot list the untracked files');
  const files = [...new Set([...splitZ(diff), ...splitZ(untracked)])].map((p) => path.join(root, p));
  const gone = gitOk(root, ['diff', '--name-only', '--diff-filter=D', '--no-renames', '--no-ext-diff', '--no-textconv', '--ignore-submodules=all', '-z', base, '--'], 'cannot list the deleted files');
  return { root, base, files: files.sort(), deleted: splitZ(gone).map((p) => path.join(root, p)).sort() };
}

/**
 * The content of files at a commit (`<commit>:<path>`), for the files that exist there, keyed by absolute
 * path: what changed files held before the change.
 */
export function readAtCommit(root: string, commit: string, files: readonly string[]): Map<string, Buffer> {
  const specs = files.map((file) => ({ file, blob: `${commit}:${path.relative(root, file).split(path.sep).join('/')}` })).filter((s) => !s.blob.includes('\n'));
  return readBlobs(root, specs);
}

/** The content of blobs, read with one `git cat-file --batch`, keyed as given. */
export function readBlobs(root: string, blobs: readonly StagedFile[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!blobs.length) return out;
  const r = git(root, ['cat-file', '--batch'], blobs.map((b) => b.blob).join('\n') + '\n');
  if (r.status !== 0) throw new UsageError(`cannot read the staged content from the git index: ${r.stderr}`);
  const buf = r.stdout;
  let pos = 0;
  for (const { file } of blobs) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) throw new UsageError('cannot read the staged content from the git index: truncated `git cat-file --batch` output');
    const header = buf.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    // `<oid> <type> <size>`, then the content and a newline; or `<oid> missing`.
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) continue;
    const size = Number(m[2]);
    if (m[1] === 'blob') out.set(file, Buffer.from(buf.subarray(pos, pos + size)));
    pos += size + 1;
  }
  return out;
}
