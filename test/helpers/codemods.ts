/**
 * Codemod fixture pairs, discovered by file name:
 *
 * - `fixtures/codemods/<name>/<case>.input.ts` → `<case>.output.ts`: a single file, run in a temporary
 *   directory as `<case>.ts`, next to the codemod folder's own `package.json` and `tracewire.config.json`
 *   when it has them;
 * - `fixtures/codemods/<name>/<case>/`: a small project; every `x.input.<ext>` pairs with `x.output.<ext>`,
 *   other files are copied as they are (and must come out unchanged), and an optional `codemod.json`
 *   gives command-line options (`{ "entry": "src/index.ts" }`).
 *
 * Lines of an output that keep a finding on purpose (a call the codemod skips) say so with the usual
 * `// expect: messageId` comment.
 *
 * `fixtures/codemods/fix/` holds the rules' own fixes: its cases run `tracewire fix --unsafe-fixes` (plus
 * the `args` of `codemod.json`), and `package.input.json` / `package.output.json` pairs show what
 * `--add-dependencies` declares.
 */

import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES } from './fixtures.js';

export const CODEMOD_FIXTURES = path.join(FIXTURES, 'codemods');

const PAIR_RE = /^(.*)\.(input|output)\.([cm]?[jt]sx?|json)$/;

export interface CodemodCase {
  codemod: string;
  name: string;
  /** Files of the project, by path relative to its root: input text and expected output (unpaired files: output = input). */
  files: Map<string, { input: string; output: string; paired: boolean }>;
  /** Other files copied verbatim (package.json, config). */
  extra: Map<string, string>;
  options: { entry?: string; args?: string[] };
}

function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, base));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

function collect(root: string, rels: string[], c: CodemodCase): void {
  const outputs = new Map<string, string>();
  for (const rel of rels) {
    const m = PAIR_RE.exec(rel);
    const text = fs.readFileSync(path.join(root, rel), 'utf8');
    if (m?.[2] === 'output') outputs.set(`${m[1]}.${m[3]}`, text);
  }
  for (const rel of rels) {
    const m = PAIR_RE.exec(rel);
    const text = fs.readFileSync(path.join(root, rel), 'utf8');
    if (m?.[2] === 'output') continue;
    if (m?.[2] === 'input') {
      const target = `${m[1]}.${m[3]}`;
      const output = outputs.get(target);
      if (output === undefined) throw new Error(`${c.codemod}/${c.name}: ${rel} has no ${m[1]}.output.${m[3]}`);
      c.files.set(target, { input: text, output, paired: true });
    } else if (rel === 'codemod.json') c.options = JSON.parse(text) as CodemodCase['options'];
    else if (/\.[cm]?[jt]sx?$/.test(rel)) c.files.set(rel, { input: text, output: text, paired: false });
    else c.extra.set(rel, text);
  }
}

export function discoverCodemodCases(): CodemodCase[] {
  if (!fs.existsSync(CODEMOD_FIXTURES)) return [];
  const cases: CodemodCase[] = [];
  for (const codemod of fs.readdirSync(CODEMOD_FIXTURES).sort()) {
    const dir = path.join(CODEMOD_FIXTURES, codemod);
    if (codemod === 'typed' || !fs.statSync(dir).isDirectory()) continue;
    const shared = ['package.json', 'tracewire.config.json'].filter((f) => fs.existsSync(path.join(dir, f)));
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        const c: CodemodCase = { codemod, name: e.name, files: new Map(), extra: new Map(), options: {} };
        collect(path.join(dir, e.name), walk(path.join(dir, e.name)), c);
        cases.push(c);
        continue;
      }
      const m = PAIR_RE.exec(e.name);
      if (m?.[2] !== 'input') continue;
      const c: CodemodCase = { codemod, name: m[1]!, files: new Map(), extra: new Map(), options: {} };
      collect(dir, [e.name, `${m[1]}.output.${m[3]}`, ...shared], c);
      cases.push(c);
    }
  }
  return cases.sort((a, b) => (a.codemod + a.name < b.codemod + b.name ? -1 : 1));
}

/** Write a case's inputs (and extra files) to `dir`. */
export function materialize(c: CodemodCase, dir: string): void {
  for (const [rel, f] of c.files) write(dir, rel, f.input);
  for (const [rel, text] of c.extra) write(dir, rel, text);
}

function write(dir: string, rel: string, text: string): void {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}
