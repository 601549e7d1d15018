/** Unified diffs of what `fix`/`codemod --dry-run` would change (the `diff` package; `git apply -p1` reads them). */

import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

export function unifiedDiff(shownPath: string, before: string, after: string): string {
  if (before === after) return '';
  return createTwoFilesPatch(`a/${shownPath}`, `b/${shownPath}`, before, after, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
}
