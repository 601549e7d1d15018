/** The README lists the SDKs and tracing libraries from the catalog itself, current (regenerate: npm run gen). */

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sdkModels, tracingModels } from '../rules/catalog/index.js';
import { CATALOG_END, CATALOG_START, catalogMarkdown, catalogRows, catalogText, withCatalog } from '../src/report/catalog.js';
import { main } from '../src/cli/main.js';
import { ROOT } from './helpers/fixtures.js';

const rows = catalogRows([...sdkModels, ...tracingModels]);

describe('the catalog list', () => {
  it('is current in the README (regenerate: npm run gen)', () => {
    const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(text).toBe(withCatalog(text, catalogMarkdown(rows)));
  });

  it('names every model once, with its packages and what it recognises', () => {
    const table = catalogMarkdown(rows);
    for (const m of [...sdkModels, ...tracingModels]) {
      const lines = table.split('\n').filter((l) => l.startsWith(`| ${m.docs ? `[${m.name}]` : m.name}`));
      expect(lines, m.id).toHaveLength(1);
      for (const spec of Object.keys(m.modules)) expect(lines[0]).toContain(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
    expect(rows.find((r) => r.id === 'openai')!.operations).toEqual(expect.arrayContaining(['chat', 'embeddings', 'audio_transcription', 'image_generation', 'realtime', 'agent runs']));
    expect(rows.find((r) => r.id === 'langsmith')!.mechanisms.map((m) => m.kind)).toEqual(expect.arrayContaining(['client wrappers', 'scopes', 'callback handlers']));
  });

  it('fails on a stale list', () => {
    const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const stale = text.replace(/\| \[OpenAI\][^\n]*\n/, '');
    expect(withCatalog(stale, catalogMarkdown(rows))).not.toBe(stale);
    expect(() => withCatalog('no markers', '')).toThrow(CATALOG_START.slice(0, 10));
    expect(CATALOG_END).toContain('end');
  });

  it('is printed by `tracewire rules`', async () => {
    let out = '';
    const code = await main(['rules'], { cwd: ROOT, stdout: (s: string) => void (out += s), stderr: () => {} });
    expect(code).toBe(0);
    expect(out).toContain(catalogText(rows));
    expect(out).toContain('Together AI');
    expect(out).toContain('PostHog LLM analytics');
  });
});
