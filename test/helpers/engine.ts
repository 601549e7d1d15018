/** Running the real engine in tests, the way the CLI does. */

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
