/**
 * Every site in the SDK catalog is exercised by at least one fixture: each (type, member) that the
 * catalog calls an LLM call, a task execution or a kickoff is recognised somewhere under fixtures/.
 * A catalog entry without a fixture is knowledge nobody has checked.
 */

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sdkModels } from '../rules/catalog/index.js';
import { rulesById } from '../rules/index.js';
import { loadConfig, resolveConfig } from '../src/config/load.js';
import { CatalogIndex } from '../src/engine/catalog.js';
import { listFiles } from '../src/engine/files.js';
import type { EvaluatedSite } from '../src/engine/link.js';
import { run } from '../src/engine/run.js';
import { discoverRuleFixtures, FIXTURES } from './helpers/fixtures.js';
import fs from 'node:fs';
import { registry } from '../rules/registry.js';

const SITE_RULES = new Set(['require-llm-tracing', 'require-task-callbacks', 'require-kickoff-callbacks', 'no-direct-llm-client']);

describe('catalog coverage', () => {
  it('has a fixture for every site in the SDK catalog', async () => {
    const catalog = new CatalogIndex(sdkModels);
    const expected = new Set<string>();
    for (const t of catalog.types.values()) for (const [p, m] of t.members) if (m.site) expected.add(`${t.name}#${p}`);

    const seen = new Set<string>();
    const cases = discoverRuleFixtures().filter((c) => SITE_RULES.has(c.ruleId));
    const projects = [...cases.map((c) => ({ dir: c.dir, files: c.files })), { dir: path.join(FIXTURES, 'sample-app'), files: await listFiles({ cwd: path.join(FIXTURES, 'sample-app'), paths: ['.'] }) }];
    for (const { dir, files } of projects) {
      const config = fs.existsSync(path.join(dir, 'tracewire.config.json'))
        ? loadConfig({ cwd: dir, configFile: 'tracewire.config.json', rules: rulesById })
        : resolveConfig({}, undefined, rulesById, '', dir);
      const sites: EvaluatedSite[] = [];
      await run({ registry, cwd: dir, files, config, detail: { sites } });
      for (const s of sites) seen.add(s.member);
    }
    const missing = [...expected].filter((k) => !seen.has(k)).sort();
    expect(missing).toEqual([]);
  });
});
