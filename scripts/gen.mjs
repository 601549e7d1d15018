#!/usr/bin/env node
// Regenerate files derived from metadata: the config JSON Schema (schema/tracewire.schema.json) and the
// README's list of SDKs and tracing libraries (from rules/catalog/).
// `npm run gen` after changing src/config/schema.ts; a test fails when the shipped file is stale.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { configSchema } = await import(path.join(root, 'dist/src/config/schema.js'));
const schema = z.toJSONSchema(configSchema, { io: 'input' });
fs.mkdirSync(path.join(root, 'schema'), { recursive: true });
fs.writeFileSync(path.join(root, 'schema/tracewire.schema.json'), JSON.stringify(schema, null, 2) + '\n');
console.log('wrote schema/tracewire.schema.json');

// The README's list of SDKs and tracing libraries, from the catalog.
const { catalogRows, catalogMarkdown, withCatalog } = await import(path.join(root, 'dist/src/report/catalog.js'));
const { sdkModels, tracingModels } = await import(path.join(root, 'dist/rules/catalog/index.js'));
const readme = path.join(root, 'README.md');
fs.writeFileSync(readme, withCatalog(fs.readFileSync(readme, 'utf8'), catalogMarkdown(catalogRows([...sdkModels, ...tracingModels]))));
console.log('wrote the catalog list in README.md');
