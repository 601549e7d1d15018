/** docs/eslint.md carries the rules table generated from the plugin's metadata, current. */

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesById } from '../rules/index.js';
import { rulesTable, TABLE_END, TABLE_START, withRulesTable } from '../src/eslint/docs.js';
import tracewire from '../src/eslint/index.js';
import { ROOT } from './helpers/fixtures.js';

const DOC = path.join(ROOT, 'docs/eslint.md');

describe('docs/eslint.md', () => {
  it('has the current rules table (regenerate: npm run build && node scripts/gen-eslint-docs.mjs)', () => {
    const text = fs.readFileSync(DOC, 'utf8');
    expect(text).toBe(withRulesTable(text, rulesTable(tracewire)));
  });

  it('lists every rule once, from its metadata', () => {
    const table = rulesTable(tracewire);
    for (const [id, rule] of rulesById) {
      const rows = table.split('\n').filter((l) => l.startsWith(`| [\`tracewire/${id}\`]`));
      expect(rows, id).toHaveLength(1);
      expect(rows[0]).toContain(rule.meta.description.replace(/\|/g, '\\|'));
      expect(rows[0]).toContain(`(https://github.com/tracewire/tracewire/blob/main/rules/${id}.md)`);
    }
  });

  it('fails on a stale table', () => {
    const text = fs.readFileSync(DOC, 'utf8');
    const stale = text.replace(/\| \[`tracewire\/[^\n]*\n/, '');
    expect(withRulesTable(stale, rulesTable(tracewire))).not.toBe(stale);
    expect(() => withRulesTable('no markers', '')).toThrow(TABLE_START.slice(0, 10));
    expect(TABLE_END).toContain('end');
  });
});
