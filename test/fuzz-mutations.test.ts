/**
 * Property: no mutation of a fixture crashes the engine. Each case copies one fixture (a file, or a
 * small project with its package.json and config) and mutates one of its files 1-3 times: truncation,
 * deleted and duplicated tokens, random bytes (invalid UTF-8, NUL), odd characters (line and paragraph
 * separators, lone surrogates, BOMs), swapped lines and CR / CRLF / mixed line endings.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { caseDir, checkProject, FUZZ_TIMEOUT, corpus, FUZZ_RUNS, fuzzParams, mutate, mutationArbitrary, writeProject } from './helpers/fuzz.js';

const root = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'tracewire-fuzz-mutations-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const SOURCE_RE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

describe('mutated fixtures', () => {
  it(`never crash the engine, report valid positions and are deterministic (${FUZZ_RUNS} cases)`, async () => {
    const { cases } = corpus();
    let reported = 0;
    let analysed = 0;
    let runs = 0;
    let cliRuns = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(cases.length - 1), fc.nat(), fc.array(mutationArbitrary(), { minLength: 1, maxLength: 3 }), async (ci, fi, mutations) => {
        const c = cases[ci]!;
        const sources = c.files.filter((f) => SOURCE_RE.test(f.rel));
        const target = sources[fi % sources.length]!;
        let bytes = target.bytes;
        for (const m of mutations) bytes = mutate(bytes, m);
        const dir = caseDir(root);
        try {
          const files = writeProject(dir, c.files.map((f) => (f === target ? { rel: f.rel, bytes } : f)));
          const r = await checkProject(dir, files);
          runs++;
          // Every tenth case also through the CLI: exit 0 or 1, never 2, and nothing on stderr.
          if (runs % 10 === 0) {
            let stderr = '';
            const code = await main(['check', '--format', 'json'], { cwd: dir, stdout: () => {}, stderr: (s) => (stderr += s) });
            if (code === 2 || stderr) throw new Error(`CLI exit ${code}: ${stderr}`);
            cliRuns++;
          }
          const shown = target.rel.split(path.sep).join('/');
          if (r.errors.some((e) => e.file === shown)) reported++;
          else analysed++;
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      fuzzParams(20260502),
    );
    console.log(`mutated fixtures: ${runs} cases, ${reported} mutated files reported in errors, ${analysed} analysed, ${cliRuns} also through the CLI`);
    expect(runs).toBe(FUZZ_RUNS);
    expect(cliRuns).toBe(Math.floor(FUZZ_RUNS / 10));
    // Both outcomes occur: mutated files that still parse are analysed, the others are reported.
    expect(reported, 'mutated files reported in errors').toBeGreaterThan(0);
    expect(analysed, 'mutated files analysed').toBeGreaterThan(0);
  }, FUZZ_TIMEOUT);
});
