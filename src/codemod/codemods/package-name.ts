/** The `name` of the nearest package.json above a file (names tracers and services by default). */

import fs from 'node:fs';
import path from 'node:path';
import { runMemo } from '../../run-memo.js';

const cache = runMemo(new Map<string, string | null>());

export function packageName(file: string): string | undefined {
  let dir = path.dirname(file);
  const seen: string[] = [];
  for (;;) {
    const hit = cache.get(dir);
    if (hit !== undefined) {
      for (const d of seen) cache.set(d, hit);
      return hit ?? undefined;
    }
    seen.push(dir);
    try {
      const j = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8').replace(/^\uFEFF/, '')) as { name?: unknown };
      if (typeof j.name === 'string' && j.name) {
        for (const d of seen) cache.set(d, j.name);
        return j.name;
      }
    } catch {
      // no package.json here
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      for (const d of seen) cache.set(d, null);
      return undefined;
    }
    dir = parent;
  }
}
