/**
 * What a front end hands the engine: the rules it may run and the catalog models it knows. The engine
 * never imports a concrete rule set or catalog; the CLI, the ESLint plugin and the codemod runner pass
 * theirs (tracewire's own is `rules/registry.ts`).
 */

import type { PackageModel } from './catalog-schema.js';
import type { RuleModule } from './rule.js';

export interface Registry {
  /** Every rule the front end knows, by id, in the order findings of a file are produced. */
  rules: ReadonlyMap<string, RuleModule<any>>;
  /** The catalog models built in (the configuration's `catalog` extensions are added to them). */
  models: readonly PackageModel[];
  /**
   * File URL of an ES module that exports this registry as `registry`: worker threads (`--workers`),
   * which cannot receive functions, load it. Without one, a run stays on its own thread.
   */
  module?: string;
}

/** Whether a rule is the registry's own (a front end may add rules the configuration cannot name). */
export function isRegistered(registry: Registry, rule: RuleModule<any>): boolean {
  return registry.rules.get(rule.meta.id) === rule;
}
