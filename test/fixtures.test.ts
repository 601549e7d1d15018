/**
 * Every fixture under fixtures/rules/<rule-id>/ runs through the real engine; the findings of that rule
 * must be exactly the inline expectations (file, line, message id).
 */

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesById } from '../rules/index.js';
import { discoverProjectFixtures, discoverRuleFixtures } from './helpers/fixtures.js';
import { runIn } from './helpers/engine.js';

const cases = discoverRuleFixtures();

describe('rule fixtures', () => {
  it('exist for every rule', () => {
    const withFixtures = new Set(cases.map((c) => c.ruleId));
    for (const id of rulesById.keys()) expect(withFixtures, `fixtures/rules/${id}/`).toContain(id);
  });

  for (const c of cases) {
    it(`${c.ruleId}/${c.name}`, async () => {
      expect(rulesById.has(c.ruleId), `fixtures/rules/${c.ruleId} names no rule`).toBe(true);
      expect(c.unmarked, 'every fixture file states its expectations (expect: ... or tracewire-fixture: valid)').toEqual([]);
      const result = await runIn(c.dir, c.files.map((f) => path.relative(c.dir, f)));
      expect(result.errors).toEqual([]);
      const actual = result.findings
        .filter((f) => f.ruleId === c.ruleId)
        .map((f) => `${f.file}:${f.line} ${f.messageId}`)
        .sort();
      const expected = c.expected.map((e) => `${e.file}:${e.line} ${e.messageId}`).sort();
      expect(actual).toEqual(expected);
    });
  }
});

describe('project fixtures (fixtures/projects: processes, frameworks, monorepos)', () => {
  const projects = discoverProjectFixtures();
  it('exist', () => expect(projects.length).toBeGreaterThan(0));
  for (const c of projects) {
    it(c.name, async () => {
      expect(c.unmarked, 'every fixture file states its expectations (expect: ... or tracewire-fixture: valid)').toEqual([]);
      const result = await runIn(c.dir, c.files.map((f) => path.relative(c.dir, f)));
      expect(result.errors).toEqual([]);
      const actual = result.findings.map((f) => `${f.file}:${f.line} ${f.messageId}`).sort();
      const expected = c.expected.map((e) => `${e.file}:${e.line} ${e.messageId}`).sort();
      expect(actual).toEqual(expected);
    });
  }
});
