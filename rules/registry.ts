/**
 * tracewire's own rules and built-in catalog, as the front ends (CLI, ESLint plugin, codemods) hand them
 * to the engine.
 */

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Registry } from '../src/engine/registry.js';
import { builtinModels } from './catalog/index.js';
import { rulesById } from './index.js';

/** This module's URL for worker threads: from the CLI bundle (dist/tracewire.cjs), the module build beside it. */
function moduleUrl(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.cjs') ? pathToFileURL(path.join(path.dirname(here), 'rules/registry.js')).href : import.meta.url;
}

export const registry: Registry = { rules: rulesById, models: builtinModels, module: moduleUrl() };
