/**
 * Once per `vitest run`: one temporary folder for the whole run, removed at the end. Every test (and every
 * process a test starts: the CLI, git, pre-commit, npm) makes its temporary files there (`TMPDIR`), and
 * tracewire's per-user cache folder is there too (`TRACEWIRE_CACHE_DIR`), so a run leaves nothing behind
 * and never reads a cache an earlier run (or the machine's own tracewire) wrote.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'tracewire-tests-'));
  // Traversable by others, as /tmp is: some tests run the CLI as an unprivileged user on their projects.
  fs.chmodSync(dir, 0o755);
  const cache = path.join(dir, 'user-cache');
  fs.mkdirSync(cache, { mode: 0o700 });
  process.env.TMPDIR = dir;
  process.env.TRACEWIRE_CACHE_DIR = cache;
  process.env.TRACEWIRE_TEST_RUN_DIR = dir;
  // No context servers left running by the gate runs of the tests: test/server.test.ts turns them on.
  process.env.TRACEWIRE_SERVER = '0';
  return () => {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
}
