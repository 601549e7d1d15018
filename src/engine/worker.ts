/**
 * A worker thread of `check --workers N`: loads the front end's registry (by the module URL the run
 * names), builds the catalog and the rules from the configuration once, then runs the per-file phase (`runFileTask`) over the chunks of files the main thread sends.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { preloadTypeScript } from '../cli/code-cache.js';
import type { WorkerInit, WorkItem } from './parallel.js';

// Before anything requires TypeScript: load it from the V8 code cache.
preloadTypeScript();

const init = workerData as WorkerInit;
const { buildCatalog, enabledRules } = await import('./pipeline.js');
const { runFileTask, fileBudget } = await import('./file-task.js');
const { aliasesFor } = await import('./aliases.js');
const { registry } = (await import(init.registry)) as { registry: import('./registry.js').Registry };
const catalog = buildCatalog(init.config, registry);
const rules = enabledRules(init.config, registry);
const ctx = {
  cwd: init.cwd,
  catalog,
  registry,
  rules,
  collectors: rules.filter((r) => init.collectors?.includes(r.rule.meta.id)),
  budget: fileBudget(init.budget),
  project: init.config.project,
  hash: init.hash,
  aliases: aliasesFor(catalog),
};

parentPort!.on('message', (msg: { type: 'chunk'; items: WorkItem[] }) => {
  try {
    const results = msg.items.map((it) => runFileTask(it.file, it.reported, ctx, it.content ? Buffer.from(it.content.buffer, it.content.byteOffset, it.content.byteLength) : undefined, it.unimported));
    parentPort!.postMessage({ type: 'results', results });
  } catch (e) {
    parentPort!.postMessage({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
