/**
 * Fixture discovery and inline expectations.
 *
 * A case is a single file `fixtures/rules/<rule-id>/<name>.<ext>` or a directory
 * `fixtures/rules/<rule-id>/<name>/` (a small project: every source file in it is checked together,
 * with its own optional tracewire.config.json and package.json).
 *
 * Expectations sit on the line where a finding starts:
 *     await client.chat.completions.create({ ... }); // expect: unwiredCall
 *     foo(); // expect: unwiredCall, deprecatedSdk
 * `expect^:` points one line up (`expect^^:` two), for findings on lines that cannot hold a comment.
 * A file that expects nothing says so with the marker comment `// tracewire-fixture: valid`, so a
 * fixture can never silently stop meaning anything.
 */

import fs from 'node:fs';
import path from 'node:path';
import { globbySync } from 'globby';
import { DEFAULT_DASHBOARD_GLOBS, DEFAULT_RULE_GLOBS } from '../../src/config/observability.js';
import { rulesById } from '../../rules/index.js';
import { isSourceFile } from '../../src/engine/files.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const FIXTURES = path.join(ROOT, 'fixtures');

export interface Expectation {
  file: string; // relative to the case root, with /
  line: number;
  messageId: string;
}

export interface FixtureCase {
  ruleId: string;
  name: string;
  /** Directory the case is run from (its config is looked up here). */
  dir: string;
  files: string[];
  expected: Expectation[];
  /** Files that carry neither an expectation nor the valid marker. */
  unmarked: string[];
}

// Comments: `//`, `/*`, `{/*` in code, `#` in YAML (and PromQL), and JSON's `"//": "..."` convention.
const EXPECT_RE = /(?:\/\/|\/\*|\{\/\*|#|"\/\/":\s*")\s*expect(\^*):\s*([\w-]+(?:\s*,\s*[\w-]+)*)/g;
const VALID_MARKER = 'tracewire-fixture: valid';

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') out.push(...walk(p));
    } else if (isSourceFile(p) && !/\.d\.[cm]?ts$/.test(p)) out.push(p);
  }
  return out.sort();
}

/** A project case's Prometheus rule files and Grafana dashboards, in the default locations (observability-query-metrics). */
function observabilityFiles(dir: string): string[] {
  return globbySync([...DEFAULT_RULE_GLOBS, ...DEFAULT_DASHBOARD_GLOBS], { cwd: dir, absolute: true, ignore: ['**/node_modules/**'] }).map((f) => path.resolve(f));
}

export function parseExpectations(file: string, root: string): { expected: Expectation[]; marked: boolean } {
  const text = fs.readFileSync(file, 'utf8');
  const expected: Expectation[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    for (const m of line.matchAll(EXPECT_RE)) {
      const up = m[1]!.length;
      for (const id of m[2]!.split(',')) expected.push({ file: path.relative(root, file).split(path.sep).join('/'), line: i + 1 - up, messageId: id.trim() });
    }
  });
  return { expected, marked: expected.length > 0 || text.includes(VALID_MARKER) };
}

export function discoverRuleFixtures(): FixtureCase[] {
  const base = path.join(FIXTURES, 'rules');
  if (!fs.existsSync(base)) return [];
  const cases: FixtureCase[] = [];
  for (const ruleId of fs.readdirSync(base).sort()) {
    const ruleDir = path.join(base, ruleId);
    if (!fs.statSync(ruleDir).isDirectory()) continue;
    for (const entry of fs.readdirSync(ruleDir, { withFileTypes: true })) {
      const p = path.join(ruleDir, entry.name);
      let dir: string;
      let files: string[];
      if (entry.isDirectory()) {
        dir = p;
        // Rules that check observability files (YAML, JSON) get the case's rule files and dashboards too.
        files = rulesById.get(ruleId)?.checkProject ? [...new Set([...walk(p), ...observabilityFiles(p)])].sort() : walk(p);
      } else if (isSourceFile(p)) {
        dir = ruleDir;
        files = [p];
      } else continue;
      const expected: Expectation[] = [];
      const unmarked: string[] = [];
      for (const f of files) {
        const r = parseExpectations(f, dir);
        expected.push(...r.expected);
        if (!r.marked) unmarked.push(path.relative(dir, f));
      }
      cases.push({ ruleId, name: entry.name, dir, files, expected, unmarked });
    }
  }
  return cases;
}

/**
 * Multi-file projects under `fixtures/projects/<name>/` (monorepos, framework apps, several processes):
 * every finding of every rule is expected inline, as in rule fixtures. A directory none of whose files
 * carries a marker is not such a fixture (a repository the CI tests clone).
 */
export function discoverProjectFixtures(): FixtureCase[] {
  const base = path.join(FIXTURES, 'projects');
  if (!fs.existsSync(base)) return [];
  const cases: FixtureCase[] = [];
  for (const entry of fs.readdirSync(base, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(base, entry.name);
    const files = walk(dir);
    const expected: Expectation[] = [];
    const unmarked: string[] = [];
    for (const f of files) {
      const r = parseExpectations(f, dir);
      expected.push(...r.expected);
      if (!r.marked) unmarked.push(path.relative(dir, f));
    }
    if (unmarked.length === files.length) continue;
    cases.push({ ruleId: '*', name: entry.name, dir, files, expected, unmarked });
  }
  return cases.sort((a, b) => (a.name < b.name ? -1 : 1));
}
