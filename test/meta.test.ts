/**
 * Rules are complete: one module, one doc with the fixed skeleton, fixtures; metadata consistent;
 * and every doc example is linted (incorrect examples report, correct ones do not, all parse).
 */

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { runIn, tempProject } from './helpers/engine.js';
import { ROOT } from './helpers/fixtures.js';

const HEADINGS = ['## What it does', '## Why is this bad?', '## Examples', '### Incorrect', '### Correct', '## Options', '## Fix safety', '## When not to use it'];

/**
 * The examples of a section: each `ts`/`js` block is one (as `example.ts`); blocks whose info string
 * names a file (```` ```yaml file=prometheus/alerts.yml ````) in a row form one project example.
 */
function examples(doc: string, section: 'Incorrect' | 'Correct'): Record<string, string>[] {
  const start = doc.indexOf(`### ${section}`);
  const rest = doc.slice(start + 4);
  const end = rest.search(/\n##+ /);
  const body = end >= 0 ? rest.slice(0, end) : rest;
  const out: Record<string, string>[] = [];
  let project: Record<string, string> | undefined;
  let lastEnd = 0;
  for (const m of body.matchAll(/```(ts|js|typescript|javascript|ya?ml|json)(?: file=(\S+))?\n([\s\S]*?)```/g)) {
    const [, lang, file, code] = m;
    // Prose between blocks ends a project example.
    if (project && body.slice(lastEnd, m.index).trim() !== '') project = undefined;
    lastEnd = m.index! + m[0].length;
    if (file) {
      if (!project || file in project) out.push((project = {}));
      project[file] = code!;
    } else if (/^(ts|js|typescript|javascript)$/.test(lang!)) {
      project = undefined;
      out.push({ 'example.ts': code! });
    }
  }
  return out;
}

describe('rule metadata', () => {
  for (const rule of allRules) {
    const id = rule.meta.id;
    describe(id, () => {
      it('has a module, a doc and fixtures named by its id', () => {
        expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
        expect(fs.existsSync(path.join(ROOT, 'rules', `${id}.ts`))).toBe(true);
        expect(fs.existsSync(path.join(ROOT, 'rules', `${id}.md`))).toBe(true);
        expect(fs.existsSync(path.join(ROOT, 'fixtures', 'rules', id))).toBe(true);
      });

      it('has consistent metadata', () => {
        expect(rule.meta.description.length).toBeGreaterThan(20);
        expect(Object.keys(rule.meta.messages).length).toBeGreaterThan(0);
        for (const m of Object.values(rule.meta.messages)) expect(m.trim().length).toBeGreaterThan(10);
        expect(rule.meta.options.safeParse(rule.meta.defaultOptions).success).toBe(true);
        expect(['recommended', 'strict', 'off']).toContain(rule.meta.preset);
        expect(!!rule.checkSites || !!rule.createVisitor || !!rule.checkProject || id === 'suppression-comment').toBe(true);
      });

      const doc = fs.existsSync(path.join(ROOT, 'rules', `${id}.md`)) ? fs.readFileSync(path.join(ROOT, 'rules', `${id}.md`), 'utf8') : '';

      it('has a doc with the fixed skeleton', () => {
        expect(doc.startsWith(`# ${id}\n`)).toBe(true);
        let at = 0;
        for (const h of HEADINGS) {
          const i = doc.indexOf(`\n${h}\n`, at);
          expect(i, `${h} (in order)`).toBeGreaterThan(at - 1);
          at = i;
        }
        expect(examples(doc, 'Incorrect').length).toBeGreaterThan(0);
        expect(examples(doc, 'Correct').length).toBeGreaterThan(0);
      });

      // A doc may give the config its examples run with: <!-- tracewire-config: {...} -->
      const docConfig = /<!-- tracewire-config: (.*?) -->/.exec(doc)?.[1];
      const config = docConfig ? JSON.parse(docConfig) : { rules: { [id]: 'error' } };
      examples(doc, 'Incorrect').forEach((files, i) => {
        it(`reports incorrect example ${i + 1}`, async () => {
          const dir = tempProject(files);
          const r = await runIn(dir, Object.keys(files), config);
          expect(r.errors).toEqual([]);
          expect(r.findings.filter((f) => f.ruleId === id).length).toBeGreaterThan(0);
        });
      });
      examples(doc, 'Correct').forEach((files, i) => {
        it(`accepts correct example ${i + 1}`, async () => {
          const dir = tempProject(files);
          const r = await runIn(dir, Object.keys(files), config);
          expect(r.errors).toEqual([]);
          expect(r.findings.filter((f) => f.ruleId === id)).toEqual([]);
        });
      });
    });
  }
});
