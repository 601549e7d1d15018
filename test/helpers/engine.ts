/** Running the real engine in tests, the way the CLI does. */

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { rulesById } from '../../rules/index.js';
import { loadConfig, resolveConfig } from '../../src/config/load.js';
import { run } from '../../src/engine/run.js';
import type { RunResult } from '../../src/engine/types.js';
import { registry } from '../../rules/registry.js';

/** Run on `files` with `dir` as the working directory; a tracewire.config.json in `dir` is honoured. */
export async function runIn(dir: string, files: string[], configData?: unknown): Promise<RunResult> {
  const config =
    configData !== undefined
      ? resolveConfig(configData, path.join(dir, 'tracewire.config.json'), rulesById, '', dir)
      : fs.existsSync(path.join(dir, 'tracewire.config.json'))
        ? loadConfig({ cwd: dir, configFile: 'tracewire.config.json', rules: rulesById })
        : resolveConfig({}, undefined, rulesById, '', dir);
  return run({ registry, cwd: dir, files: files.map((f) => path.resolve(dir, f)).sort(), config });
}

/** Write a throwaway project to a temp directory. */
export function tempProject(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'tracewire-test-'));
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

/**
 * The parts of a `.tracewirecache` (see src/engine/cache.ts: a log of `E` entry records and `H` header
 * records): the last header (key, the last run's result) and the per-file entries of the records before
 * it, merged. Tests that forge a cache write it back as one full write with valid checksums: a record
 * that fails its checksum is ignored (test/hostile.test.ts).
 */
/**
 * A cache file's header and entries (the format of src/engine/cache.ts: `E` records are JSON followed by
 * the summaries, each after a U+0002 and named in the JSON by place; here put back as `{ file, text }`).
 */
export function readCacheFile(cacheFile: string): { header: any; entries: any } {
  const lines = fs.readFileSync(cacheFile, 'utf8').split('\n');
  let headerAt = -1;
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.startsWith('H ')) {
    headerAt = i;
    break;
  }
  const entriesOf = (line: string) => {
    const [json, ...blobs] = line.slice(67).split('\u0002');
    const parsed = JSON.parse(json!) as Record<string, any>;
    for (const e of Object.values(parsed)) if (e.r?.summary) e.r.summary = { file: e.r.summary.file, text: blobs[e.r.summary.blob] };
    return parsed;
  };
  const entries: Record<string, unknown> = {};
  for (const line of lines.slice(0, headerAt)) if (line.startsWith('E ')) Object.assign(entries, entriesOf(line));
  return { header: JSON.parse(lines[headerAt]!.slice(67)), entries };
}

/** Write a cache file from a header and entries as `readCacheFile` gives them. */
export function writeCacheFile(cacheFile: string, c: { header: unknown; entries: unknown }): void {
  const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
  const header = JSON.stringify(c.header);
  const blobs: string[] = [];
  const stored: Record<string, any> = {};
  for (const [file, e] of Object.entries(c.entries as Record<string, any>)) {
    if (e?.r?.summary?.text === undefined) {
      stored[file] = e;
      continue;
    }
    blobs.push(e.r.summary.text);
    stored[file] = { ...e, r: { ...e.r, summary: { file: e.r.summary.file, blob: blobs.length - 1 } } };
  }
  const entries = JSON.stringify(stored) + blobs.map((b) => '\u0002' + b).join('');
  fs.writeFileSync(cacheFile, `E ${sha256(entries)} ${entries}\nH ${sha256(header)} ${header}\n`);
}
