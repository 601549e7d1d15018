/**
 * `tracewire fix` never corrupts a file, even when it is killed with SIGKILL at any moment: a corpus of
 * 200 files with unwired AI SDK calls (the project declares ai 5, so the safe fix adds
 * `experimental_telemetry`) is fixed by the real binary, killed at random points (during start-up and
 * analysis, and after the k-th file is written). Afterwards each file is byte-identical to its original
 * or to its fixed form; the only other file that may exist is the one temporary file of the write that
 * was in flight (a SIGKILL cannot be handled), and the next run removes it.
 */

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/fixtures.js';
import { tempProject } from './helpers/engine.js';

const BIN = path.join(ROOT, 'bin/tracewire.js');
const KILLS = Number(process.env.TRACEWIRE_KILL_RUNS) || 6;
const DIRS = 10;
const PER_DIR = 20;
const TEMP_RE = /^\.(.+)\.tracewire-(\d+)-[0-9a-f]{8}\.tmp$/;

/** A deterministic PRNG (mulberry32), so the kill points reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function source(i: number): string | Buffer {
  const pad = Array.from({ length: i % 7 === 0 ? 150 : 5 }, (_, k) => `export const helper${k} = (x: number) => x * ${k};\n`).join('');
  const body = `import { generateText, streamText } from 'ai';\nimport { openai } from '@ai-sdk/openai';\n\nconst model = openai('gpt-4o');\n${pad}\n`;
  switch (i % 8) {
    case 0:
      return `${body}export async function answer${i}(prompt: string) {\n  const { text } = await generateText({ model, prompt });\n  return text;\n}\n`;
    case 1:
      return `${body}export async function both${i}(prompt: string) {\n  const a = await generateText({ model, prompt, });\n  const b = streamText({\n    model,\n    prompt,\n  });\n  return [a.text, b];\n}\n`;
    case 2: // CRLF
      return `${body}export const run${i} = async (prompt: string) => (await generateText({ model: openai('gpt-4o-mini'), prompt })).text;\n`.replace(/\n/g, '\r\n');
    case 3: // BOM
      return `\uFEFF${body}export async function bom${i}(prompt: string) {\n  return generateText({ model, system: 'Be brief.', prompt });\n}\n`;
    case 4: // already wired: unchanged
      return `${body}export async function wired${i}(prompt: string) {\n  return generateText({ model, prompt, experimental_telemetry: { isEnabled: true } });\n}\n`;
    case 5: // no LLM call: unchanged
      return `${body}export const nothing${i} = 1;\n`;
    case 6: // non-ASCII text around the call
      return `${body}// Résumé: répondre en français 🇫🇷\nexport async function fr${i}(prompt: string) {\n  return generateText({ model, prompt: \`« \${prompt} »\` });\n}\n`;
    default:
      return `${body}export class Agent${i} {\n  async step(prompt: string) {\n    const result = await generateText({ model, prompt, maxRetries: 2 });\n    return result.text;\n  }\n}\n`;
  }
}

function corpus(): Record<string, string | Buffer> {
  const files: Record<string, string | Buffer> = { 'package.json': JSON.stringify({ name: 'agents', private: true, dependencies: { ai: '^5.0.0', '@ai-sdk/openai': '^2.0.0' } }) };
  for (let d = 0; d < DIRS; d++) for (let f = 0; f < PER_DIR; f++) files[`src/d${d}/agent${f}.ts`] = source(d * PER_DIR + f);
  return files;
}

function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.set(r, fs.readFileSync(path.join(dir, r)));
    }
  };
  walk('');
  return out;
}

function fixAll(dir: string): void {
  const r = spawnSync(process.execPath, [BIN, 'fix'], { cwd: dir, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status, r.stdout).toBe(0);
}

describe('fix killed with SIGKILL', () => {
  it(`leaves every file original or fixed, and no temporary file after the next run (${KILLS} kills over 200 files)`, async () => {
    const files = corpus();
    const originals = new Map(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)]));
    const sources = [...originals.keys()].filter((f) => f.endsWith('.ts'));
    expect(sources).toHaveLength(200);

    // The fixed forms, from a complete run (and a second run changes nothing).
    const reference = tempProject(files);
    const t0 = performance.now();
    fixAll(reference);
    const total = performance.now() - t0;
    const fixed = snapshot(reference);
    const changed = sources.filter((f) => !fixed.get(f)!.equals(originals.get(f)!));
    expect(changed.length).toBe(150);
    expect(fixed.get('src/d0/agent0.ts')!.toString()).toContain('generateText({ model, prompt, experimental_telemetry: { isEnabled: true } })');
    fixAll(reference);
    expect(snapshot(reference)).toEqual(fixed);

    const random = prng(20260508);
    const outcomes: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      const dir = tempProject(files);
      const child: ChildProcess = spawn(process.execPath, [BIN, 'fix'], { cwd: dir, stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      const watchers: fs.FSWatcher[] = [];
      let reason: string;
      if (k % 3 === 0) {
        // Anywhere in the run: start-up, analysis, fixing, writing.
        const delay = Math.floor(random() * total);
        reason = `after ${delay} ms`;
        setTimeout(() => child.kill('SIGKILL'), delay);
      } else {
        // In the write phase: after the n-th file is renamed into place, or as the n-th temporary file
        // appears (most likely while it is being written, before its rename).
        const n = 1 + Math.floor(random() * (changed.length - 1));
        const onTemp = k % 3 === 2;
        reason = onTemp ? `at temporary file #${n}` : `after ${n} files written`;
        let seen = 0;
        for (let d = 0; d < DIRS; d++) {
          watchers.push(
            fs.watch(path.join(dir, `src/d${d}`), (event, name) => {
              if (event !== 'rename' || !name) return;
              const wanted = onTemp ? TEMP_RE.test(name) : name.endsWith('.ts');
              if (wanted && fs.existsSync(path.join(dir, `src/d${d}`, name)) && ++seen >= n) child.kill('SIGKILL');
            }),
          );
        }
        // A run that ends before the n-th event simply completes; the checks below hold all the same.
      }
      await exited;
      for (const w of watchers) w.close();

      // Right after the kill: originals or fixed forms, and at most the one temporary file in flight.
      const after = snapshot(dir);
      let done = 0;
      const temps: string[] = [];
      for (const [rel, bytes] of after) {
        const base = path.basename(rel);
        const m = TEMP_RE.exec(base);
        if (m) {
          expect(m[2], 'a temporary file of the killed run').toBe(String(child.pid));
          temps.push(rel);
          continue;
        }
        expect(originals.has(rel), `unexpected file ${rel}`).toBe(true);
        const same = bytes.equals(originals.get(rel)!);
        const isFixed = bytes.equals(fixed.get(rel)!);
        expect(same || isFixed, `${rel} is neither its original nor its fixed form (killed ${reason})`).toBe(true);
        if (!same) done++;
      }
      expect(temps.length).toBeLessThanOrEqual(1);
      for (const rel of originals.keys()) expect(after.has(rel), `${rel} disappeared`).toBe(true);
      outcomes.push(`${reason}: ${done} written${temps.length ? ', 1 temporary file' : ''}`);

      // The next run finishes the job and removes what the killed one left.
      fixAll(dir);
      expect(snapshot(dir)).toEqual(fixed);
    }
    console.log(`fix killed: ${outcomes.join('; ')}`);
  }, 600_000);

  it('never rewrites a file that is not valid UTF-8 (its other bytes would come back as U+FFFD)', () => {
    const latin1 = Buffer.concat([Buffer.from(`import { generateText } from 'ai';\n// r`), Buffer.from([0xe9]), Buffer.from(`sum`), Buffer.from([0xe9]), Buffer.from(`: caf`), Buffer.from([0xe9]), Buffer.from(`\nexport const go = (model: any, prompt: string) => generateText({ model, prompt });\n`)]);
    const dir = tempProject({ 'package.json': JSON.stringify({ dependencies: { ai: '^5.0.0' } }), 'src/latin1.ts': latin1, 'src/utf8.ts': source(0) });
    const r = spawnSync(process.execPath, [BIN, 'fix'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('src/latin1.ts: the file is not valid UTF-8: writing it back would replace its invalid bytes (convert it to UTF-8 first)');
    expect(fs.readFileSync(path.join(dir, 'src/latin1.ts')).equals(latin1)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'src/utf8.ts'), 'utf8')).toContain('experimental_telemetry');
  });

  it('the next run removes temporary files of dead processes, never those of a live one', () => {
    const dir = tempProject({ 'package.json': JSON.stringify({ dependencies: { ai: '^5.0.0' } }), 'src/a.ts': source(0) });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const stale = `src/.a.ts.tracewire-${dead}-0badc0de.tmp`;
      const busy = `src/.a.ts.tracewire-${live.pid}-0123abcd.tmp`;
      const other = 'src/.a.ts.backup.tmp';
      for (const f of [stale, busy, other]) fs.writeFileSync(path.join(dir, f), 'half a file');
      fixAll(dir);
      expect(fs.existsSync(path.join(dir, stale))).toBe(false);
      expect(fs.existsSync(path.join(dir, busy))).toBe(true);
      expect(fs.existsSync(path.join(dir, other))).toBe(true);
      expect(fs.readFileSync(path.join(dir, 'src/a.ts'), 'utf8')).toContain('experimental_telemetry');
    } finally {
      live.kill('SIGKILL');
    }
  });
});
