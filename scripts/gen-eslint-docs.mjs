#!/usr/bin/env node
// Regenerate the rules table in docs/eslint.md from the ESLint plugin's metadata (the built package:
// `npm run build` first). test/eslint-docs.test.ts fails when the committed table is stale.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { default: plugin } = await import(path.join(root, 'dist/src/eslint/index.js'));
const { rulesTable, withRulesTable } = await import(path.join(root, 'dist/src/eslint/docs.js'));
const file = path.join(root, 'docs/eslint.md');
const before = fs.readFileSync(file, 'utf8');
const after = withRulesTable(before, rulesTable(plugin));
if (after === before) console.log('docs/eslint.md: the rules table is current');
else {
  fs.writeFileSync(file, after);
  console.log('docs/eslint.md: rules table updated');
}
