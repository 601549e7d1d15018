/**
 * `tracewire init`: a first look at a project and a starter configuration. It reads the project's
 * package.json files and code, lists the LLM SDKs, tracing and metrics libraries it finds (the catalog
 * says which packages are which: nothing here names an SDK), writes `tracewire.config.json` with
 * `$schema` and only the settings that differ from the defaults, and prints the next steps: the
 * inventory's summary, the pre-commit and ESLint snippets. Idempotent: a configuration identical to the
 * one it would write is left as it is; a different one is never overwritten without `--force`.
 */

import fs from 'node:fs';
import path from 'node:path';
import { globbySync } from 'globby';
import type { MemberSpec, PackageModel } from '../../rules/catalog/types.js';
import { builtinModels } from '../../rules/catalog/index.js';
import { registry } from '../../rules/registry.js';
import { findConfig, type ResolvedConfig, resolveConfig } from '../config/load.js';
import { repositoryRoot } from '../config/root.js';
import { moduleKey } from '../engine/catalog.js';
import { DEFAULT_IGNORES, listFiles, UsageError } from '../engine/files.js';
import { PACKAGE } from '../engine/prescan.js';
import { run } from '../engine/run.js';
import type { RunResult } from '../engine/types.js';
import { checkWritePath, projectBoundary, readRegularFile, writeFileAtomic } from '../safe-fs.js';

/** The commit of tracewire's repository that the documented pre-commit configuration pins (until a release tag exists). */
export const PRE_COMMIT_REV = '88d9a7d8726af7e83b2cee1eb6542d78333d0dda';

export const SCHEMA_REF = './node_modules/tracewire/schema/tracewire.schema.json';

export interface InitIO {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export interface InitOptions {
  force?: boolean;
  /** Print what would be written, write nothing. */
  dryRun?: boolean;
}

type Kind = 'sdk' | 'tracing' | 'metrics';
const KIND_LABEL: Record<Kind, string> = { sdk: 'LLM SDKs and agent frameworks', tracing: 'tracing libraries', metrics: 'metrics libraries' };

/** The npm package a module specifier belongs to (`@langchain/core/runnables` → `@langchain/core`). */
function packageOf(spec: string): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) return undefined;
  const parts = spec.split('/');
  return spec.startsWith('@') ? (parts.length >= 2 ? `${parts[0]}/${parts[1]}` : undefined) : parts[0];
}

const hasMetric = (members: Record<string, MemberSpec>) => Object.values(members).some((m) => !!m.metric);

/** The kind of a catalog model: its role, metrics APIs apart (their members declare or record metrics). */
function kindOf(model: PackageModel): Kind {
  if (model.role === 'sdk') return 'sdk';
  const metric = Object.values(model.modules).some(hasMetric) || Object.values(model.types ?? {}).some((t) => hasMetric(t.members));
  return metric ? 'metrics' : 'tracing';
}

/** npm package → the catalog models that describe its modules, from the catalog alone. */
export function catalogPackages(models: readonly PackageModel[] = builtinModels): Map<string, { model: PackageModel; kind: Kind }[]> {
  const out = new Map<string, { model: PackageModel; kind: Kind }[]>();
  for (const model of models) {
    for (const spec of Object.keys(model.modules)) {
      const pkg = packageOf(spec);
      if (!pkg) continue;
      const list = out.get(pkg) ?? out.set(pkg, []).get(pkg)!;
      if (!list.some((x) => x.model.id === model.id)) list.push({ model, kind: kindOf(model) });
    }
  }
  return out;
}

interface Found {
  pkg: string;
  kinds: Set<Kind>;
  models: Set<string>;
  /** package.json files (relative) declaring it, with the range. */
  declared: { file: string; range: string }[];
  /** Source files importing it. */
  files: number;
}

const DEP_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

function rel(from: string, to: string): string {
  const r = path.relative(from, to);
  return (r === '' ? '.' : r).split(path.sep).join('/');
}

/** The configuration `init` writes: `$schema`, and only what differs from the defaults (nothing, today, that can be read from a project without guessing). */
export function starterConfig(): Record<string, unknown> {
  return { $schema: SCHEMA_REF };
}

export function preCommitSnippet(): string {
  return `repos:\n  - repo: https://github.com/tracewire/tracewire\n    rev: ${PRE_COMMIT_REV} # a commit of tracewire's repository; pin a release tag once one is published\n    hooks:\n      - id: tracewire\n`;
}

export const ESLINT_SNIPPET = `// eslint.config.js\nimport tracewire from 'tracewire/eslint-plugin';\n\nexport default [tracewire.configs.recommended];\n`;

/** Environment files a project commits as templates, where LangSmith's environment tracing may be switched on. */
const ENV_TEMPLATES = ['.env.example', '.env.sample', '.env.template', '.env.defaults', '.env.local.example'];

export async function initCommand(io: InitIO, opts: InitOptions): Promise<number> {
  const cwd = path.resolve(io.cwd);
  const target = path.join(cwd, 'tracewire.config.json');
  // A configuration that governs this folder already, here (a package.json's `tracewire` key) or above it
  // in the repository: a new file here would take this folder out of that project.
  const existing = findConfig(cwd);
  if (existing && existing.file !== target && !opts.force) {
    const where = path.dirname(existing.file) === cwd ? 'configures tracewire here (its `tracewire` key)' : `configures tracewire for this folder, as part of the project in ${rel(cwd, path.dirname(existing.file))}`;
    throw new UsageError(`${rel(cwd, existing.file)} ${where}: edit it, or run \`tracewire init --force\` to make this folder a project of its own`);
  }
  // The project the new configuration will govern: this folder (the defaults while it is read).
  const root = cwd;
  const config: ResolvedConfig = { ...resolveConfig({}, undefined, registry.rules, '', cwd), root };
  const repository = repositoryRoot(cwd);

  // package.json files of the project (every workspace package), and what they declare.
  const packages = catalogPackages();
  const found = new Map<string, Found>();
  const entry = (pkg: string) => {
    let f = found.get(pkg);
    if (!f) {
      const models = packages.get(pkg) ?? [];
      f = { pkg, kinds: new Set(models.map((m) => m.kind)), models: new Set(models.map((m) => m.model.name)), declared: [], files: 0 };
      found.set(pkg, f);
    }
    return f;
  };
  const manifests = globbySync('**/package.json', { cwd: root, absolute: true, gitignore: true, ignore: DEFAULT_IGNORES, suppressErrors: true, followSymbolicLinks: false }).sort();
  for (const file of manifests) {
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(readRegularFile(file).toString('utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
    } catch {
      io.stderr(`tracewire: ${rel(cwd, file)} is not valid JSON: its dependencies are not listed\n`);
      continue;
    }
    for (const field of DEP_FIELDS) {
      const deps = data[field];
      if (!deps || typeof deps !== 'object') continue;
      for (const [pkg, range] of Object.entries(deps as Record<string, unknown>)) {
        if (!packages.has(pkg)) continue;
        const f = entry(pkg);
        if (!f.declared.some((d) => d.file === rel(cwd, file))) f.declared.push({ file: rel(cwd, file), range: String(range) });
      }
    }
  }
  // The code: which catalog packages the source files import.
  const files = await listFiles({ cwd: root, paths: [], ignores: config.ignores });
  for (const file of files) {
    let text: string;
    try {
      text = readRegularFile(file).toString('utf8');
    } catch {
      continue;
    }
    const seen = new Set<string>();
    PACKAGE.lastIndex = 0;
    for (let m = PACKAGE.exec(text); m; m = PACKAGE.exec(text)) {
      const pkg = packageOf(moduleKey(m[1]!));
      if (pkg && packages.has(pkg) && !seen.has(pkg)) {
        seen.add(pkg);
        entry(pkg).files++;
      }
    }
  }

  let out = `tracewire init in ${cwd}\n`;
  out += `  project root: ${rel(cwd, root)}; repository: ${repository ? rel(cwd, repository) : 'none'}; ${files.length} source file${files.length === 1 ? '' : 's'}, ${manifests.length} package.json file${manifests.length === 1 ? '' : 's'}\n\n`;
  const byKind = (k: Kind) => [...found.values()].filter((f) => f.kinds.has(k)).sort((a, b) => (a.pkg < b.pkg ? -1 : 1));
  if (found.size === 0) out += 'Found no package the catalog knows (no LLM SDK, tracing or metrics library) in package.json files or imports.\n';
  for (const kind of ['sdk', 'tracing', 'metrics'] as Kind[]) {
    const list = byKind(kind);
    if (!list.length) continue;
    out += `${KIND_LABEL[kind]}:\n`;
    for (const f of list) {
      const declared = f.declared.length ? f.declared.map((d) => `${d.range} in ${d.file}`).join(', ') : 'not declared in any package.json';
      const models = (packages.get(f.pkg) ?? []).filter((m) => m.kind === kind).map((m) => m.model.name);
      out += `  ${f.pkg} (${models.join(', ')}): ${declared}; imported in ${f.files} file${f.files === 1 ? '' : 's'}\n`;
    }
  }
  const langchain = byKind('sdk').some((f) => [...f.models].some((m) => /lang(chain|graph)/i.test(m)));
  const envTracing = langchain ? ENV_TEMPLATES.filter((f) => /^\s*(?:LANGSMITH_TRACING|LANGCHAIN_TRACING_V2)\s*=\s*["']?true/im.test(readOr(path.join(root, f)))) : [];

  // What the engine sees, as `tracewire inventory` would print it, summed up.
  const result: RunResult = await run({ registry, cwd, files, contextFiles: [], config });
  out += `\n${summary(result)}`;

  const text = JSON.stringify(starterConfig(), null, 2) + '\n';
  // A link or a directory where the configuration goes (a repository can commit one) is refused, not followed.
  const write = { boundary: projectBoundary(cwd), label: rel(cwd, target), what: 'the configuration' };
  checkWritePath(target, write);
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
  out += '\n';
  if (current !== undefined && current === text) out += `${rel(cwd, target)} is already the starter configuration: nothing to write.\n`;
  else if (current !== undefined && !opts.force) {
    io.stdout(out);
    throw new UsageError(`${rel(cwd, target)} exists and differs from the starter configuration: it is left as it is (--force overwrites it)`);
  } else if (opts.dryRun) out += `Would write ${rel(cwd, target)} (--dry-run):\n${indent(text)}`;
  else {
    writeFileAtomic(target, text, write);
    out += `Wrote ${rel(cwd, target)}: the defaults fit what was found, so it holds only \`$schema\` (editor completion once tracewire is a dev dependency):\n${indent(text)}`;
  }
  if (envTracing.length) {
    out += `\n${envTracing.join(', ')} switch${envTracing.length === 1 ? 'es' : ''} LangSmith's environment tracing on. tracewire does not assume it is on where LangChain runs;\nif it is, declare it: "assume": { "langsmithEnvTracing": true }.\n`;
  }
  out += `\nNext steps:\n`;
  out += `  1. npx --no-install tracewire check        # after \`npm install --save-dev tracewire\`; exit 1 on an unwired call\n`;
  out += `  2. The pre-commit hook (.pre-commit-config.yaml), then \`pre-commit install\`:\n${indent(preCommitSnippet(), 6)}`;
  out += `  3. Your editor, through ESLint:\n${indent(ESLINT_SNIPPET, 6)}`;
  out += `  4. CI: \`tracewire check --changed-since origin/main\` on pull requests (see docs/ci.md in tracewire's repository).\n`;
  io.stdout(out);
  return 0;
}

function readOr(file: string): string {
  try {
    // A FIFO where an .env template is expected would block init forever.
    return readRegularFile(file).toString('utf8');
  } catch {
    return '';
  }
}

function indent(text: string, n = 4): string {
  return text
    .split('\n')
    .map((l) => (l ? ' '.repeat(n) + l : l))
    .join('\n');
}

function summary(result: RunResult): string {
  if (!result.sites.length) return `No LLM calls, agent runs or kickoffs found in ${result.files} file${result.files === 1 ? '' : 's'}.\n`;
  const bySdk = new Map<string, { total: number; wired: number }>();
  for (const s of result.sites) {
    const e = bySdk.get(s.sdk) ?? bySdk.set(s.sdk, { total: 0, wired: 0 }).get(s.sdk)!;
    e.total++;
    if (s.wired) e.wired++;
  }
  let out = 'What tracewire sees (`tracewire inventory` lists every site and what wires it):\n';
  for (const [sdk, e] of [...bySdk].sort(([a], [b]) => (a < b ? -1 : 1))) out += `  ${sdk.padEnd(16)} ${e.total} site${e.total === 1 ? '' : 's'}, ${e.wired} wired, ${e.total - e.wired} unwired\n`;
  const wired = result.sites.filter((s) => s.wired).length;
  out += `  ${result.sites.length} site${result.sites.length === 1 ? '' : 's'} in all: ${wired} wired, ${result.sites.length - wired} unwired; \`tracewire check\` reports ${result.findings.filter((f) => f.severity === 'error').length} error${result.findings.filter((f) => f.severity === 'error').length === 1 ? '' : 's'}.\n`;
  return out;
}
