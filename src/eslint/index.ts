/**
 * `tracewire/eslint-plugin`: every tracewire rule in ESLint (flat config, ESLint 9 and 10).
 *
 *     import tracewire from 'tracewire/eslint-plugin';
 *     export default [tracewire.configs.recommended];
 *
 * The presets derive from the rules' metadata: `recommended` (rules whose preset is `recommended`),
 * `strict` (adds the `strict` ones) and `all` (every rule, each at its own severity).
 */

import type { ESLint, Linter } from 'eslint';
import { registry } from '../../rules/registry.js';
import { VERSION } from '../version.js';
import { eslintRule, type TracewireEslintRule } from './rules.js';

export type { TracewireSettings } from './rules.js';

export type PresetName = 'recommended' | 'strict' | 'all';

export interface TracewirePlugin extends ESLint.Plugin {
  meta: { name: string; version: string; namespace: string };
  rules: Record<string, TracewireEslintRule>;
  configs: Record<PresetName, Linter.Config>;
}

const rules: Record<string, TracewireEslintRule> = {};
for (const r of registry.rules.values()) rules[r.meta.id] = eslintRule(r);

/** The rules a preset turns on, with their severities. */
export function presetRules(preset: PresetName): Linter.RulesRecord {
  const out: Linter.RulesRecord = {};
  for (const r of registry.rules.values()) {
    const { preset: p, severity } = r.meta;
    const on = preset === 'all' || p === 'recommended' || (preset === 'strict' && p === 'strict');
    if (on) out[`tracewire/${r.meta.id}`] = severity;
  }
  return out;
}

const plugin: TracewirePlugin = {
  meta: { name: 'tracewire', version: VERSION, namespace: 'tracewire' },
  rules,
  configs: {} as Record<PresetName, Linter.Config>,
};

for (const name of ['recommended', 'strict', 'all'] as const) {
  plugin.configs[name] = { name: `tracewire/${name}`, plugins: { tracewire: plugin }, rules: presetRules(name) };
}

export default plugin;
