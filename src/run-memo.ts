/**
 * Memos that hold for one run: what they remember (package.json files, git configuration, another
 * file's tracer) can change between runs. A process that serves several runs (the context server, see
 * cli/server.ts) clears them before each one.
 */

const memos: { clear(): void }[] = [];

/** Register a module-level memo (a Map or Set); returns it. */
export function runMemo<T extends { clear(): void }>(memo: T): T {
  memos.push(memo);
  return memo;
}

/** Forget what every registered memo remembers. */
export function clearRunMemos(): void {
  for (const m of memos) m.clear();
}
