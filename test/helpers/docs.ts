/** Code blocks of docs/ci.md, so tests run exactly what the documentation tells users to run. */

import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './fixtures.js';

/** The fenced blocks (of one language) under a `## heading` of docs/ci.md, in order. */
export function docBlocks(heading: string, lang: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, 'docs/ci.md'), 'utf8');
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/ci.md has no section "## ${heading}"`);
  const rest = text.slice(start + 1);
  const next = rest.indexOf('\n## ', 1);
  const section = next < 0 ? rest : rest.slice(0, next);
  const blocks: string[] = [];
  const re = new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm');
  for (let m = re.exec(section); m; m = re.exec(section)) blocks.push(m[1]!);
  if (!blocks.length) throw new Error(`docs/ci.md: no \`\`\`${lang} block under "## ${heading}"`);
  return blocks;
}
