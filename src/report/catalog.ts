/**
 * What the catalog knows, listed from the catalog itself: the SDKs whose calls tracewire recognises (with
 * their packages and the operations of their model requests) and the tracing libraries whose wrappers,
 * scopes and registrations count as wiring. `tracewire rules` prints it; `npm run gen` writes it into the
 * README between the markers, and a test fails when the committed list is stale.
 */

import type { MemberSpec, PackageModel } from '../../rules/catalog/types.js';

export const CATALOG_START = '<!-- begin generated catalog (npm run gen) -->';
export const CATALOG_END = '<!-- end generated catalog -->';

export interface CatalogRow {
  id: string;
  name: string;
  role: PackageModel['role'];
  /** npm packages, in catalog order. */
  packages: string[];
  docs?: string;
  /** SDKs: the operations of their model requests (`chat`, `embeddings`, ...), then agent runs and kickoffs. */
  operations: string[];
  /** Tracing libraries: what counts as wiring, by kind (`wrappers: wrapOpenAI, ...`). */
  mechanisms: { kind: string; names: string[] }[];
}

/** The npm package of a module specifier (`@langchain/core/prompts` → `@langchain/core`). */
function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const KINDS: [string, (m: MemberSpec) => boolean][] = [
  ['client wrappers', (m) => !!m.wrap],
  ['scopes', (m) => !!(m.scope || m.decorator || m.span)],
  ['registrations', (m) => !!(m.global || m.load || m.registers || m.instrumentation)],
  ['callback handlers', (m) => !!m.handler],
  ['client options', (m) => !!m.newOptions?.length && !m.site],
];

function siteLabel(m: MemberSpec): string | undefined {
  if (!m.site) return undefined;
  if (m.site.kind === 'kickoff' || m.site.operation === 'invoke_workflow') return 'kickoffs';
  if (m.site.kind === 'task-execution' || m.site.operation === 'invoke_agent') return 'agent runs';
  return m.site.operation;
}

export function catalogRows(models: PackageModel[]): CatalogRow[] {
  return models.map((model) => {
    const members: [string, MemberSpec][] = [];
    for (const exports of Object.values(model.modules)) for (const [p, m] of Object.entries(exports)) members.push([p, m]);
    for (const t of Object.values(model.types ?? {})) for (const [p, m] of Object.entries(t.members)) members.push([p, m]);
    const operations = new Set<string>();
    for (const [, m] of members) {
      const label = siteLabel(m);
      if (label) operations.add(label);
    }
    // Raw HTTP requests: the operations of the model API paths they may go to.
    for (const p of model.httpPaths ?? []) operations.add(p.operation);
    const mechanisms: CatalogRow['mechanisms'] = [];
    if (model.role === 'tracing') {
      for (const [kind, test] of KINDS) {
        const names = new Set<string>();
        for (const [p, m] of members) if (test(m) && p && p !== 'default') names.add(p.replace(/^default\./, ''));
        if (names.size) mechanisms.push({ kind, names: [...names] });
      }
      const proxies = (model.endpoints ?? []).filter((e) => e.proxy).map((e) => e.provider);
      if (proxies.length) mechanisms.push({ kind: 'gateways', names: proxies });
    }
    const ordered = [...operations].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    return {
      id: model.id,
      name: model.name,
      role: model.role,
      packages: [...Object.keys(model.globals ?? {}), ...new Set(Object.keys(model.modules).map(packageOf))],
      ...(model.docs ? { docs: model.docs } : {}),
      operations: ordered,
      mechanisms,
    };
  });
}

/** Text generation first, then the other operations, then agent runs and kickoffs. */
function rank(op: string): number {
  return ['chat', 'generate_content', 'text_completion', 'embeddings'].includes(op) ? 0 : op === 'agent runs' ? 2 : op === 'kickoffs' ? 3 : 1;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (names: string[]) => names.map((n) => `\`${n}\``).join(', ');
const named = (r: CatalogRow) => (r.docs ? `[${r.name}](${r.docs})` : r.name);

/** The two markdown tables: SDKs, then tracing libraries. */
export function catalogMarkdown(rows: CatalogRow[]): string {
  const sdks = rows.filter((r) => r.role === 'sdk');
  const tracing = rows.filter((r) => r.role === 'tracing');
  return [
    `**${sdks.length} SDKs and frameworks** whose calls tracewire recognises:`,
    '',
    '| SDK | packages | model requests |',
    '| --- | --- | --- |',
    ...sdks.map((r) => `| ${cell(named(r))} | ${cell(code(r.packages))} | ${cell(r.operations.join(', '))} |`),
    '',
    `**${tracing.length} tracing libraries** whose wiring counts:`,
    '',
    '| library | packages | what counts |',
    '| --- | --- | --- |',
    ...tracing.map((r) => `| ${cell(named(r))} | ${cell(code(r.packages))} | ${cell(r.mechanisms.map((m) => `${m.kind}: ${code(m.names)}`).join('; '))} |`),
  ].join('\n');
}

/** The plain-text listing for `tracewire rules`. */
export function catalogText(rows: CatalogRow[]): string {
  const lines: string[] = [];
  const section = (title: string, list: CatalogRow[], detail: (r: CatalogRow) => string) => {
    lines.push('', title);
    const w = Math.max(...list.map((r) => r.name.length));
    for (const r of list) lines.push(`  ${r.name.padEnd(w)}  ${r.packages.join(', ')}${detail(r) ? `  (${detail(r)})` : ''}`);
  };
  section('SDKs', rows.filter((r) => r.role === 'sdk'), (r) => r.operations.join(', '));
  section('Tracing libraries', rows.filter((r) => r.role === 'tracing'), (r) => r.mechanisms.map((m) => m.kind).join(', '));
  return lines.join('\n') + '\n';
}

/** `markdown` with the text between the catalog markers replaced by `table`. */
export function withCatalog(markdown: string, table: string): string {
  const start = markdown.indexOf(CATALOG_START);
  const end = markdown.indexOf(CATALOG_END);
  if (start < 0 || end < start) throw new Error(`the catalog markers are missing (${CATALOG_START} ... ${CATALOG_END})`);
  return `${markdown.slice(0, start + CATALOG_START.length)}\n${table}\n${markdown.slice(end)}`;
}
