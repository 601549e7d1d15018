/** Finding, parsing and validating the configuration; every error names the file and the key path. */

import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { EndpointSpec, HttpPathSpec, MemberSpec, PackageModel } from '../engine/catalog-schema.js';
import type { RuleModule } from '../engine/rule.js';
import type { Severity } from '../engine/types.js';
import { describeCode, readRegularFile } from '../safe-fs.js';
import { globProblem } from './globs.js';
import { duplicateKey, jsonError } from './json-error.js';
import { type ObservabilitySettings, resolveObservability } from './observability.js';
import { isInside, repositoryRoot, upwards } from './root.js';
import { type CatalogExtension, type CodemodsConfig, type ConfigFile, configSchema } from './schema.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface RuleSetting {
  severity: Severity;
  options: unknown;
  /** The configuration sets this rule (its severity is not the default). */
  explicit?: true;
}

export interface ResolvedConfig {
  /** The file the configuration came from, if any. */
  file?: string;
  /** The directory relative references resolve against. */
  dir: string;
  /**
   * The project root: its files (minus ignores) are the project whose context informs every finding.
   * The directory of the configuration file when one was found (or given, inside the repository),
   * else the working directory. Never above the repository.
   */
  root: string;
  /** The root of the git work tree the run is in, or null outside a repository: nothing above it is read. */
  repository: string | null;
  rules: Map<string, RuleSetting>;
  ignores: string[];
  /** Catalog models built from the `catalog` extensions. */
  models: PackageModel[];
  /** SDK id → mechanism, for SDKs the configuration declares traced. */
  assumedSdks: Map<string, string>;
  tracingSchema?: string;
  project: boolean;
  /** Raw text of the config (for cache keys). */
  raw: string;
  /** Settings of the codemods (`tracewire codemod`). */
  codemods: CodemodsConfig;
  /** Where the observability files are and how metrics reach Prometheus (`observability`). */
  observability: ObservabilitySettings;
  /** The `catalog` extension as written, checked against the front end's catalog when it is built (`checkSdkIds`). */
  catalogExtension?: { ext: CatalogExtension; label: string; keyPrefix: string };
}

const CONFIG_NAME = 'tracewire.config.json';

export function formatPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const k of p) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out ? `.${String(k)}` : String(k);
  }
  return out || '(root)';
}

function positionOf(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${line}:${column}`;
}

/**
 * Parse JSON, with errors that name the line and column. `duplicates`: refuse a key given twice in one
 * object (`all`), or only within the `tracewire` key of a package.json (`tracewire`).
 */
export function parseJson(text: string, file: string, duplicates: 'all' | 'tracewire' | 'none' = 'none'): unknown {
  const body = text.replace(/^\uFEFF/, '');
  try {
    const data = JSON.parse(body);
    const dup = duplicates === 'none' ? undefined : duplicateKey(body, (p) => duplicates === 'all' || p[0] === 'tracewire');
    if (dup) {
      const key = dup.path[dup.path.length - 1];
      throw new ConfigError(`${file}:${positionOf(body, dup.offset)}: ${formatPath(dup.path)}: duplicate key "${key}" (JSON keeps only the last one, so the first would be ignored)`);
    }
    return data;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    // JSON.parse gives no position for some errors and may quote the whole file: locate the error ourselves.
    const found = jsonError(body);
    if (found) throw new ConfigError(`${file}:${positionOf(body, found.offset)}: invalid JSON: ${found.message}`);
    const msg = (e as Error).message.split('\n')[0]!;
    const m = /position (\d+)/.exec(msg);
    const where = m ? `:${positionOf(body, Number(m[1]))}` : '';
    throw new ConfigError(`${file}${where}: invalid JSON: ${msg.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)/, '')}`);
  }
}

/**
 * The text of a configuration file: a regular file only (a FIFO would block the run forever), read
 * without blocking. Throws `ConfigError`.
 */
function readConfigText(file: string, label: string): string {
  try {
    return readRegularFile(file).toString('utf8');
  } catch (e) {
    throw new ConfigError(`${label}: cannot read the configuration file (${describeCode(e)})`);
  }
}

/**
 * Look for `tracewire.config.json`, or a package.json with a `tracewire` key, from `start` upwards, up to
 * the root of the repository `start` is in (a configuration outside the repository never applies to it).
 */
export function findConfig(start: string): { file: string; data: unknown; raw: string } | undefined {
  const label = (f: string) => path.relative(start, f) || f;
  for (const dir of upwards(start)) {
    const candidate = path.join(dir, CONFIG_NAME);
    if (fs.existsSync(candidate)) {
      const raw = readConfigText(candidate, label(candidate));
      return { file: candidate, data: parseJson(raw, label(candidate), 'all'), raw };
    }
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      const raw = readConfigText(pkg, label(pkg));
      const data = parseJson(raw, label(pkg), 'tracewire') as Record<string, unknown> | null;
      if (data && typeof data === 'object' && 'tracewire' in data) return { file: pkg, data: data.tracewire, raw: JSON.stringify(data.tracewire) };
    }
  }
  return undefined;
}

/**
 * The project root of a run in `cwd` with the configuration `file`: the configuration's directory when it
 * is inside the repository (a configuration named with `-c` from elsewhere sets the rules, not the
 * project), else the repository's root, else (outside a repository) `cwd`.
 */
export function projectRoot(cwd: string, file: string | undefined): { root: string; repository: string | null } {
  const repository = repositoryRoot(cwd);
  const dir = file ? path.dirname(path.resolve(cwd, file)) : undefined;
  if (dir && (repository ? isInside(dir, repository) : true)) return { root: dir, repository };
  return { root: repository ?? path.resolve(cwd), repository };
}

/** The keys an object schema allows at `p` (through optional, default, array, record and tuple), if it is one. */
function keysAt(schema: unknown, p: readonly PropertyKey[]): string[] | undefined {
  type Def = { type: string; shape?: Record<string, unknown>; innerType?: unknown; in?: unknown; element?: unknown; valueType?: unknown; items?: unknown[] };
  const def = (x: unknown) => (x as { _zod?: { def?: Def } } | undefined)?._zod?.def;
  const unwrap = (x: unknown): unknown => {
    for (let d = def(x); d; d = def(x)) {
      if (d.innerType !== undefined && ['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch'].includes(d.type)) x = d.innerType;
      else if (d.type === 'pipe') x = d.in;
      else break;
    }
    return x;
  };
  let s = unwrap(schema);
  for (const k of p) {
    const d = def(s);
    if (d?.type === 'object' && typeof k === 'string') s = d.shape?.[k];
    else if (d?.type === 'array' && typeof k === 'number') s = d.element;
    else if (d?.type === 'record') s = d.valueType;
    else if (d?.type === 'tuple' && typeof k === 'number') s = d.items?.[k];
    else return undefined;
    s = unwrap(s);
  }
  const d = def(s);
  return d?.type === 'object' && d.shape ? Object.keys(d.shape) : undefined;
}

/** The candidate nearest to `word` (case-insensitive edit distance of at most 3), for "did you mean". */
function closest(word: string, candidates: string[]): string | undefined {
  const a = word.toLowerCase();
  let best: string | undefined;
  let bestD = 4;
  for (const c of candidates) {
    const b = c.toLowerCase();
    if (Math.abs(a.length - b.length) >= bestD) continue;
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const cur = [i];
      for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
    if (prev[b.length]! < bestD) {
      bestD = prev[b.length]!;
      best = c;
    }
  }
  return best;
}

/** `expected a number, "last" or "any"` from the branches of a union that none matched. */
function unionExpectation(issue: z.core.$ZodIssueInvalidUnion): string | undefined {
  const parts: string[] = [];
  for (const branch of issue.errors ?? []) {
    const b = branch[0];
    if (!b || b.path.length) return undefined;
    if (b.code === 'invalid_type') parts.push(`a ${b.expected}`);
    else if (b.code === 'invalid_value') parts.push(...b.values.map((v) => JSON.stringify(v)));
    else return undefined;
  }
  if (!parts.length) return undefined;
  return `expected ${parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`}`;
}

function issueText(file: string, prefix: (string | number)[], issues: z.core.$ZodIssue[], schema?: unknown): string {
  const i = issues[0]!;
  const full = [...prefix, ...(i.path as (string | number)[])];
  let what = i.message;
  if (i.code === 'unrecognized_keys') {
    const keys = (i as { keys: string[] }).keys;
    const known = schema ? keysAt(schema, i.path) : undefined;
    return `${file}: ${formatPath([...full, keys[0]!])}: unknown key "${keys[0]}"${known?.length ? ` (expected one of: ${known.join(', ')})` : ''}`;
  }
  if (i.code === 'invalid_union') {
    // A rule entry (`rules.<id>`) is the one union users meet most; others say what each branch expects.
    const ruleEntry = full.length >= 2 && full[full.length - 2] === 'rules' && (full.length === 2 || full[0] === 'tracewire');
    what = ruleEntry ? 'expected "off", "warn", "error", 0, 1, 2, or [severity, options]' : unionExpectation(i as z.core.$ZodIssueInvalidUnion) ?? what;
  }
  return `${file}: ${formatPath(full)}: ${what}`;
}

export function resolveConfig(
  data: unknown,
  file: string | undefined,
  rules: ReadonlyMap<string, RuleModule<any>>,
  raw = '',
  cwd = process.cwd(),
): ResolvedConfig {
  const label = file ? path.relative(cwd, file) || file : '(config)';
  const inPackageJson = !!file?.endsWith('package.json');
  // No configuration at all is the empty one; a file that holds `null` is an error like any other non-object.
  const parsed = configSchema.safeParse(data === undefined ? {} : data);
  if (!parsed.success) throw new ConfigError(issueText(label, inPackageJson ? ['tracewire'] : [], parsed.error.issues, configSchema));
  const cfg: ConfigFile = parsed.data;
  const keyPrefix = inPackageJson ? 'tracewire.' : '';
  const unknownRule = (id: string) => {
    const near = closest(id, [...rules.keys()]);
    return new ConfigError(`${label}: ${keyPrefix}rules.${id}: unknown rule "${id}" (${near ? `did you mean "${near}"? ` : ''}known rules: ${[...rules.keys()].join(', ')})`);
  };
  // Keys the schema drops on the way (`__proto__`) are still the user's typo.
  const rawRules = data && typeof data === 'object' ? (data as { rules?: unknown }).rules : undefined;
  if (rawRules && typeof rawRules === 'object') for (const id of Object.keys(rawRules)) if (!rules.has(id)) throw unknownRule(id);
  (cfg.ignores ?? []).forEach((pattern, i) => {
    const problem = globProblem(pattern);
    if (problem) throw new ConfigError(`${label}: ${keyPrefix}ignores[${i}]: ${problem}`);
  });
  if (cfg.tracingSchema !== undefined && cfg.tracingSchema.trim() === '') throw new ConfigError(`${label}: ${keyPrefix}tracingSchema: expected the path of a YAML tracing schema, got an empty string`);
  const dir = file ? path.dirname(file) : cwd;
  const observability = resolveObservability(cfg.observability, dir, (key, message) => new ConfigError(`${label}: ${keyPrefix}${key}: ${message}`));
  const { root, repository } = projectRoot(cwd, file);
  const settings = new Map<string, RuleSetting>();
  for (const [id, rule] of rules) {
    // The defaults are the `recommended` preset, as ESLint's `configs.recommended`: strict rules run when configured.
    settings.set(id, { severity: rule.meta.preset === 'recommended' ? rule.meta.severity : 'off', options: rule.meta.defaultOptions });
  }
  for (const [id, entry] of Object.entries(cfg.rules ?? {})) {
    const rule = rules.get(id);
    if (!rule) throw unknownRule(id);
    const [sev, opts] = Array.isArray(entry) ? entry : [entry, undefined];
    const severity: Severity = sev === 0 || sev === 'off' ? 'off' : sev === 1 || sev === 'warn' ? 'warn' : 'error';
    let options = rule.meta.defaultOptions;
    if (opts !== undefined) {
      const r = rule.meta.options.safeParse(opts);
      if (!r.success) throw new ConfigError(issueText(label, [...(inPackageJson ? ['tracewire'] : []), 'rules', id, 1], r.error.issues, rule.meta.options));
      options = { ...(rule.meta.defaultOptions as object), ...(r.data as object) };
    }
    settings.set(id, { severity, options, explicit: true });
  }
  const tracingSchema = cfg.tracingSchema ? path.resolve(dir, cfg.tracingSchema) : undefined;
  for (const [id, rule] of rules) {
    const s = settings.get(id)!;
    // A setting that only this rule reads (a tracing schema) configures it: on at its severity unless set.
    if (!s.explicit && s.severity === 'off' && rule.configuredBy?.({ dir, cwd, tracingSchema })) {
      s.severity = rule.meta.severity;
      s.explicit = true;
    }
    if (rule.prepareOptions && s.severity !== 'off') s.options = rule.prepareOptions(s.options, { dir, cwd, tracingSchema });
  }
  const models = cfg.catalog ? catalogModels(cfg.catalog, dir) : [];
  const assumedSdks = new Map<string, string>();
  if (cfg.assume?.langsmithEnvTracing) {
    for (const sdk of ['langchain', 'langgraph']) assumedSdks.set(sdk, 'global:langsmith.env (assume.langsmithEnvTracing)');
  }
  return {
    file,
    dir,
    root,
    repository,
    rules: settings,
    ignores: cfg.ignores ?? [],
    models,
    assumedSdks,
    tracingSchema,
    project: cfg.project ?? true,
    raw,
    codemods: cfg.codemods ?? {},
    observability,
    catalogExtension: cfg.catalog ? { ext: cfg.catalog, label, keyPrefix } : undefined,
  };
}

export function loadConfig(opts: { cwd: string; configFile?: string; rules: ReadonlyMap<string, RuleModule<any>> }): ResolvedConfig {
  if (opts.configFile) {
    const file = path.resolve(opts.cwd, opts.configFile);
    const raw = readConfigText(file, opts.configFile);
    const data = parseJson(raw, path.relative(opts.cwd, file) || file, path.basename(file) === 'package.json' ? 'tracewire' : 'all');
    let inner = data;
    if (path.basename(file) === 'package.json') {
      // Named explicitly, a package.json must hold the configuration: no key is a mistake, not "no configuration".
      if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`${opts.configFile}: expected a package.json object with a "tracewire" key, got ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}`);
      if (!('tracewire' in data)) throw new ConfigError(`${opts.configFile}: has no "tracewire" key: add one with the configuration, or name a tracewire.config.json`);
      inner = (data as Record<string, unknown>).tracewire;
    }
    return resolveConfig(inner, file, opts.rules, raw, opts.cwd);
  }
  const found = findConfig(opts.cwd);
  return resolveConfig(found?.data, found?.file, opts.rules, found?.raw ?? '', opts.cwd);
}

/**
 * SDK ids named by catalog extensions (`wrappers[].sdks`, `globals[].covers`) must be the catalog's (or
 * declared by the extension's own `sites[].sdk`): an unknown one, a typo, would silently wire nothing.
 */
export function checkSdkIds(config: ResolvedConfig, builtin: readonly PackageModel[]): void {
  if (!config.catalogExtension) return;
  const { ext, label, keyPrefix } = config.catalogExtension;
  const known = new Set<string>(builtin.filter((m) => m.role === 'sdk').map((m) => m.id));
  known.add('custom');
  for (const s of ext.sites ?? []) if (s.sdk) known.add(s.sdk);
  const check = (id: string, where: string) => {
    if (known.has(id)) return;
    const near = closest(id, [...known]);
    throw new ConfigError(`${label}: ${keyPrefix}${where}: unknown SDK id "${id}" (${near ? `did you mean "${near}"? ` : ''}known: ${[...known].sort().join(', ')})`);
  };
  ext.wrappers?.forEach((w, i) => w.sdks?.forEach((id, j) => check(id, `catalog.wrappers[${i}].sdks[${j}]`)));
  ext.globals?.forEach((g, i) => g.covers.forEach((id, j) => check(id, `catalog.globals[${i}].covers[${j}]`)));
}

/** Split `module#a.b` into the module (relative ones resolved against `dir`) and the export path. */
export function splitReference(ref: string, dir: string): { module: string; path: string } {
  const i = ref.indexOf('#');
  const mod = ref.slice(0, i);
  const exp = ref.slice(i + 1);
  const isRelative = mod.startsWith('.') || mod.startsWith('/');
  return { module: isRelative ? path.resolve(dir, mod) : mod, path: exp };
}

/** Turn the config's catalog extensions into a package model the engine merges with the built-in ones. */
export function catalogModels(ext: CatalogExtension, dir: string): PackageModel[] {
  const modules: Record<string, Record<string, MemberSpec>> = {};
  const types: NonNullable<PackageModel['types']> = {};
  const put = (ref: string, spec: MemberSpec) => {
    const { module, path: p } = splitReference(ref, dir);
    const m = (modules[module] ??= {});
    m[p] = { ...m[p], ...spec };
  };
  const label = (ref: string) => ref.slice(ref.indexOf('#') + 1);
  for (const w of ext.wrappers ?? []) {
    put(w.function, { wrap: { arg: w.arg, sdks: w.sdks, operations: w.operations, mechanism: w.mechanism ?? `client-wrapper:${label(w.function)}` } });
  }
  for (const s of ext.scopes ?? []) {
    put(s.function, { scope: { callbackArg: s.callbackArg ?? 'last', mechanism: s.mechanism ?? `scope:${label(s.function)}` } });
  }
  for (const h of ext.handlers ?? []) {
    const ref = (h.function ?? h.class)!;
    put(ref, { handler: { mechanism: h.mechanism ?? `handler:${label(ref)}` } });
  }
  for (const d of ext.decorators ?? []) put(d.decorator, { decorator: { mechanism: d.mechanism ?? `scope:@${label(d.decorator)}` } });
  for (const g of ext.globals ?? []) {
    put(g.function, { global: { id: `config:${g.function}`, mechanism: g.mechanism ?? `global:${label(g.function)}`, covers: g.covers.map((sdk) => ({ sdk })) } });
  }
  for (const c of ext.clients ?? []) {
    if (c.factory) put(c.factory, { returns: c.type });
    if (c.class) put(c.class, { new: c.type, annotation: c.type });
  }
  ext.sites?.forEach((s, i) => {
    const site = { kind: s.kind, operation: s.operation };
    if (s.function) put(s.function, { site });
    if (s.class) {
      const typeName = `config.site${i}`;
      types[typeName] = { sdk: s.sdk ?? 'custom', members: Object.fromEntries((s.methods ?? []).map((m) => [m, { site }])) };
      put(s.class, { new: typeName, annotation: typeName });
    }
  });
  // The team's gateway and other model APIs by URL (a literal prefix, not a pattern), with their own paths.
  const endpoints: EndpointSpec[] = [];
  const httpPaths: HttpPathSpec[] = [];
  for (const e of ext.endpoints ?? []) {
    const provider = e.provider ?? 'gateway';
    const base = e.url.replace(/\/+$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    endpoints.push({ provider, url: `^${base}(/|$)`, ...(e.traced ? { proxy: `proxy:${provider}` } : {}) });
    for (const [p, operation] of Object.entries(e.paths ?? {})) httpPaths.push({ path: p, operation, providers: [provider] });
  }
  if (Object.keys(modules).length === 0 && Object.keys(types).length === 0 && endpoints.length === 0) return [];
  return [{ id: 'config', name: 'your configuration', role: 'tracing', modules, types, ...(endpoints.length ? { endpoints, httpPaths } : {}) }];
}
