/**
 * Running git in a repository tracewire does not trust (`check --staged`, `--changed-since`, the
 * uncommitted-changes guard of `fix` and `codemod`).
 *
 * A repository's own configuration (`.git/config`, and files it includes) can name commands that git
 * runs on its own: `core.fsmonitor` on every status, hooks (`post-index-change`), clean and smudge
 * filters and diff text conversions for the paths `.gitattributes` assigns them. tracewire uses git as
 * a tool, so it starts every git process with all of these switched off (`-c core.fsmonitor=false`,
 * `-c core.hooksPath=/dev/null`, every filter and diff driver the configuration defines emptied), without
 * the system configuration, without prompts, pagers or lazy fetches, and without taking optional locks.
 */

import { spawnSync } from 'node:child_process';
import { runMemo } from './run-memo.js';

export interface GitResult {
  /** null when git did not run (see `error`) or was killed. */
  status: number | null;
  stdout: Buffer;
  stderr: string;
  /** Why git could not be started (`ENOENT`: not installed). */
  error?: NodeJS.ErrnoException;
}

const MAX_BUFFER = 1024 * 1024 * 1024;

/** Always given: what no repository may turn on. */
const FIXED = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'core.untrackedCache=false', '-c', 'core.pager=cat', '-c', 'protocol.allow=never'];

/** Configuration keys that name a command git may run on its own (lower case, as `git config --list` prints them). */
const COMMAND_KEY = /^(filter\..+\.(clean|smudge|process)|diff\..+\.(textconv|command)|merge\..+\.driver)$/;

/** The environment of every git process: the caller's, made safe. */
export function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_NO_LAZY_FETCH: '1',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
  };
  delete env.GIT_EXTERNAL_DIFF;
  delete env.GIT_SSH;
  delete env.GIT_SSH_COMMAND;
  delete env.GIT_PROXY_COMMAND;
  return env;
}

const overridesByDir = runMemo(new Map<string, string[]>());

/**
 * `-c` options that empty every command-naming key the configuration seen from `cwd` defines (filters,
 * diff and merge drivers). Reading the configuration runs nothing.
 */
function overrides(cwd: string): string[] {
  let out = overridesByDir.get(cwd);
  if (out) return out;
  out = [];
  const r = spawnSync('git', [...FIXED, 'config', '--list', '--name-only', '-z'], { cwd, env: gitEnv(), maxBuffer: 64 * 1024 * 1024 });
  if (!r.error && r.status === 0) {
    const seen = new Set<string>();
    for (const key of r.stdout.toString('utf8').split('\0')) {
      const k = key.trim();
      if (!k || seen.has(k) || !COMMAND_KEY.test(k.toLowerCase())) continue;
      seen.add(k);
      out.push('-c', `${k}=`);
      const filter = /^filter\.(.+)\.[^.]+$/i.exec(k);
      if (filter && !seen.has(`filter.${filter[1]}.required`)) {
        seen.add(`filter.${filter[1]}.required`);
        out.push('-c', `filter.${filter[1]}.required=false`);
      }
    }
  }
  overridesByDir.set(cwd, out);
  return out;
}

/** Run `git <args>` in `cwd` with the repository's own commands switched off (see the module comment). */
export function runGit(cwd: string, args: string[], input?: Buffer | string): GitResult {
  const r = spawnSync('git', [...FIXED, ...overrides(cwd), ...args], { cwd, input, env: gitEnv(), maxBuffer: MAX_BUFFER });
  return {
    status: r.error ? null : r.status,
    stdout: r.stdout ?? Buffer.alloc(0),
    stderr: (r.stderr ?? Buffer.alloc(0)).toString('utf8').trim(),
    ...(r.error ? { error: r.error as NodeJS.ErrnoException } : {}),
  };
}
