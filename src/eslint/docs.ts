/**
 * The rules table of docs/eslint.md, generated from the plugin's metadata. `scripts/gen-eslint-docs.mjs`
 * writes it between the markers; a test fails when the committed table is stale.
 */

import type { TracewirePlugin } from './index.js';

export const TABLE_START = '<!-- begin generated rules table (node scripts/gen-eslint-docs.mjs) -->';
export const TABLE_END = '<!-- end generated rules table -->';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The markdown table of every rule: name (linked to its doc), description, preset, default severity, fixes. */
export function rulesTable(plugin: TracewirePlugin): string {
  const severity = (id: string) => {
    const s = plugin.configs.all.rules?.[`tracewire/${id}`];
    return typeof s === 'string' ? s : Array.isArray(s) ? String(s[0]) : '';
  };
  const rows = Object.entries(plugin.rules).map(([id, rule]) => {
    const { docs, fixable, hasSuggestions } = rule.meta;
    const preset = docs.recommended ? `\`${docs.recommended}\`` : 'not in a preset';
    const fixes = [fixable ? '🔧' : '', hasSuggestions ? '💡' : ''].filter(Boolean).join(' ');
    return `| [\`tracewire/${id}\`](${docs.url}) | ${cell(docs.description)} | ${preset} | ${severity(id)} | ${fixes} |`;
  });
  return [
    '| Rule | Description | Preset | Severity | Fixes |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '🔧 fixable with `eslint --fix` (safe fixes only) · 💡 suggestions in the editor (fixes that may change behaviour). `strict` includes `recommended`; `all` turns on every rule.',
  ].join('\n');
}

/** `markdown` with the text between the markers replaced by `table`. */
export function withRulesTable(markdown: string, table: string): string {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the rules table markers are missing (${TABLE_START} ... ${TABLE_END})`);
  return `${markdown.slice(0, start + TABLE_START.length)}\n${table}\n${markdown.slice(end)}`;
}
