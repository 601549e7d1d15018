/**
 * Project conventions that keep tracewire fast and honest, checked over the source tree.
 */

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/fixtures.js';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('conventions', () => {
  it('loads the TypeScript compiler with require, never with an ESM value import', () => {
    // `import ts from 'typescript'` makes Node scan the 9 MB CommonJS bundle for named exports on every
    // start (about 0.25 s, doubling a pre-commit run). `import ts = require('typescript')` compiles to
    // createRequire and skips the scan; `import type` is free.
    const offenders = [...sources(path.join(ROOT, 'src')), ...sources(path.join(ROOT, 'rules'))].filter((f) =>
      /^import\s+(?!type\b)[^=;]*\bfrom\s+['"]typescript['"]/m.test(fs.readFileSync(f, 'utf8')),
    );
    expect(offenders.map((f) => path.relative(ROOT, f))).toEqual([]);
  });
});
