/**
 * Property: no generated program crashes the engine. Programs are built from the statements of the rule
 * fixtures (the catalog's call shapes), put in random contexts (nested functions, generators, classes
 * with decorators, spans, JSX, CommonJS and ESM exports, cross-file imports with cycles) and rewritten
 * (optional chaining, computed members, spreads, aliases, `.call`/`.bind`); see test/helpers/fuzz.ts.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { caseDir, checkProject, FUZZ_TIMEOUT, FUZZ_RUNS, fuzzParams, projectArbitrary, writeProject } from './helpers/fuzz.js';

const root = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'tracewire-fuzz-programs-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('generated programs', () => {
  it(`never crash the engine, report valid positions and are deterministic (${FUZZ_RUNS} cases)`, async () => {
    let withSites = 0;
    let withFindings = 0;
    let unparseable = 0;
    let cases = 0;
    let fixes = 0;
    await fc.assert(
      fc.asyncProperty(projectArbitrary(), async (project) => {
        const dir = caseDir(root);
        try {
          const files = writeProject(dir, [
            ...project.files.map((f) => ({ rel: f.rel, bytes: f.text })),
            ...(project.packageJson ? [{ rel: 'package.json', bytes: JSON.stringify(project.packageJson) }] : []),
            ...(project.config ?? []),
          ]);
          const r = await checkProject(dir, files);
          cases++;
          if (r.sites.length) withSites++;
          if (r.findings.length) withFindings++;
          if (r.errors.length) unparseable++;
          fixes += r.findings.filter((f) => f.fix || f.suggestions?.length).length;
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      fuzzParams(20260501),
    );
    console.log(`generated programs: ${cases} cases, ${withSites} with sites, ${withFindings} with findings, ${unparseable} with a file in errors, ${fixes} fixes applied and re-parsed`);
    // The generator must reach the rules, not only produce noise. (Floors, not rates: the programs are drawn
    // from the fixtures' statements, so a new fixture changes the sample; 150 cases vary by about ±4%.)
    expect(cases).toBe(FUZZ_RUNS);
    expect(withSites / cases, `${withSites} of ${cases} cases have LLM sites`).toBeGreaterThan(0.2);
    expect(withFindings / cases, `${withFindings} of ${cases} cases have findings`).toBeGreaterThan(0.25);
    expect(unparseable / cases, `${unparseable} of ${cases} cases do not parse`).toBeLessThan(0.7);
  }, FUZZ_TIMEOUT);
});
