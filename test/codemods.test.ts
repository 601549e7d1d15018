/**
 * Every codemod fixture pair (see test/helpers/codemods.ts), through the real CLI: the output matches,
 * a second run changes nothing, every output re-parses, and `check` on the result no longer reports
 * the findings the codemod wires (except on lines whose `// expect:` comment says the codemod skips them).
 */

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { type Codemod, claims } from '../src/codemod/codemod.js';
import { codemods, codemodsByName } from '../src/codemod/codemods/index.js';
import { parseProblem } from '../src/codemod/session.js';
import { type CodemodCase, discoverCodemodCases, materialize } from './helpers/codemods.js';
import { runIn, tempProject } from './helpers/engine.js';
import { parseExpectations } from './helpers/fixtures.js';

async function cli(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

function snapshot(dir: string, c: CodemodCase): Map<string, string> {
  return new Map([...c.files.keys()].map((rel) => [rel, fs.readFileSync(path.join(dir, rel), 'utf8')]));
}

const cases = discoverCodemodCases();

/** What `fixtures/codemods/fix/` cases fix: every finding of the three wiring rules. */
const RULE_FIXES: Codemod = {
  name: 'fix',
  summary: 'the rules\' fixes',
  description: '',
  safety: 'unsafe',
  fixes: [
    { ruleId: 'require-llm-tracing', messageIds: ['unwiredCall', 'telemetryDisabled'] },
    { ruleId: 'require-task-callbacks', messageIds: ['unwiredTask'] },
    { ruleId: 'require-kickoff-callbacks', messageIds: ['unwiredKickoff'] },
  ],
};

describe('codemod fixtures', () => {
  it('exist for every codemod', () => {
    const covered = new Set(cases.map((c) => c.codemod));
    for (const c of codemods) expect(covered, `fixtures/codemods/${c.name}/`).toContain(c.name);
    for (const c of covered) expect(c === 'fix' || codemodsByName.has(c), `fixtures/codemods/${c}/ names no codemod`).toBe(true);
  });

  for (const c of cases) {
    it(`${c.codemod}: ${c.name}`, async () => {
      const codemod = c.codemod === 'fix' ? RULE_FIXES : codemodsByName.get(c.codemod)!;
      const dir = tempProject({});
      materialize(c, dir);
      const args =
        c.codemod === 'fix' ? ['fix', '--unsafe-fixes', ...(c.options.args ?? [])] : ['codemod', c.codemod, ...(c.options.entry ? ['--entry', c.options.entry] : []), ...(c.options.args ?? [])];
      const sources = [...c.files.keys()].filter((f) => !f.endsWith('.json'));
      const before = await runIn(dir, sources);
      const changes = [...c.files.values()].some((f) => f.input !== f.output);
      // A case means something: it changes code, or it shows a claimed finding the codemod leaves alone.
      expect(changes || before.findings.some((f) => claims(codemod, f)), 'the case neither changes code nor has a finding the codemod wires').toBe(true);

      const first = await cli(dir, ...args);
      expect(first.stderr).toBe('');
      // `fix` exits 1 while error findings remain (those its cases expect to stay).
      const exitCode = async () => (c.codemod === 'fix' && (await runIn(dir, sources)).findings.some((f) => f.severity === 'error') ? 1 : 0);
      expect(first.code, first.stdout).toBe(await exitCode());
      const after = snapshot(dir, c);
      for (const [rel, f] of c.files) expect(after.get(rel), `${rel}\n${first.stdout}`).toBe(f.output);

      // Idempotent: the second run changes nothing.
      const second = await cli(dir, ...args);
      expect(second.code).toBe(await exitCode());
      expect(second.stdout).toMatch(c.codemod === 'fix' ? /^Fixed 0 findings/ : /changed 0 places/);
      expect(snapshot(dir, c)).toEqual(after);

      // The outputs parse, and check reports none of the findings the codemod wires, except where expected.
      for (const [rel, text] of after) {
        if (rel.endsWith('.json')) expect(() => JSON.parse(text), rel).not.toThrow();
        else expect(parseProblem(path.join(dir, rel), text), rel).toBeUndefined();
      }
      const result = await runIn(dir, sources);
      expect(result.errors).toEqual([]);
      const claimedIds = new Set(codemod.fixes.flatMap((f) => f.messageIds));
      const expected: string[] = [];
      for (const rel of sources) {
        for (const e of parseExpectations(path.join(dir, rel), dir).expected) if (claimedIds.has(e.messageId)) expected.push(`${e.file}:${e.line}:${e.messageId}`);
      }
      const actual = result.findings.filter((f) => claims(codemod, f)).map((f) => `${f.file}:${f.line}:${f.messageId}`);
      expect(actual.sort()).toEqual(expected.sort());
    });
  }
});
