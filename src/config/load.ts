/** Finding, parsing and validating the configuration; every error names the file and the key path. */

import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { MemberSpec, PackageModel } from '../../rules/catalog/types.js';
import type { RuleModule } from '../engine/rule.js';
import type { Severity } from '../engine/types.js';
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
}

export interface ResolvedConfig {
  /** The file the configuration came from, if any. */
  file?: string;
  /** The directory relative references resolve against. */
  dir: string;
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

export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const where = m ? `:${positionOf(text, Number(m[1]))}` : '';
    throw new ConfigError(`${file}${where}: invalid JSON: ${msg.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)/, '')}`);
  }
}

/** Look for `tracewire.config.json`, or a package.json with a `tracewire` key, from `start` upwards. */
export function findConfig(start: string): { file: string; data: unknown; raw: string } | undefined {
  let dir = path.resolve(start);
  const label = (f: string) => path.relative(start, f) || f;
  for (;;) {
    const candidate = path.join(dir, CONFIG_NAME);
    if (fs.existsSync(candidate)) {
      const raw = fs.readFileSync(candidate, 'utf8');
      return { file: candidate, data: parseJson(raw, label(candidate)), raw };
    }
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      const raw = fs.readFileSync(pkg, 'utf8');
      const data = parseJson(raw, label(pkg)) as Record<string, unknown> | null;
      if (data && typeof data === 'object' && 'tracewire' in data) return { file: pkg, data: data.tracewire, raw: JSON.stringify(data.tracewire) };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function issueText(file: string, prefix: (string | number)[], issues: z.core.$ZodIssue[]): string {
  const i = issues[0]!;
  const full = [...prefix, ...(i.path as (string | number)[])];
  let what = i.message;
  if (i.code === 'unrecognized_keys') {
    const keys = (i as { keys: string[] }).keys;
    return `${file}: ${formatPath([...full, keys[0]!])}: unknown key "${keys[0]}"`;
  }
  if (i.code === 'invalid_union') what = 'expected "off", "warn", "error", 0, 1, 2, or [severity, options]';
  return `${file}: ${formatPath(full)}: ${what}`;
}

export function resolveConfig(
  data: unknown,
  file: string | undefined,
  rules: Map<string, RuleModule<any>>,
  raw = '',
  cwd = process.cwd(),
): ResolvedConfig {
  const label = file ? path.relative(cwd, file) || file : '(config)';
  const parsed = configSchema.safeParse(data ?? {});
  if (!parsed.success) throw new ConfigError(issueText(label, file?.endsWith('package.json') ? ['tracewire'] : [], parsed.error.issues));
  const cfg: ConfigFile = parsed.data;
  const dir = file ? path.dirname(file) : cwd;
  const settings = new Map<string, RuleSetting>();
  for (const [id, rule] of rules) {
    settings.set(id, { severity: rule.meta.preset === 'off' ? 'off' : rule.meta.severity, options: rule.meta.defaultOptions });
  }
  for (const [id, entry] of Object.entries(cfg.rules ?? {})) {
    const rule = rules.get(id);
    if (!rule) throw new ConfigError(`${label}: rules.${id}: unknown rule "${id}" (known rules: ${[...rules.keys()].join(', ')})`);
    const [sev, opts] = Array.isArray(entry) ? entry : [entry, undefined];
    const severity: Severity = sev === 0 || sev === 'off' ? 'off' : sev === 1 || sev === 'warn' ? 'warn' : 'error';
    let options = rule.meta.defaultOptions;
    if (opts !== undefined) {
      const r = rule.meta.options.safeParse(opts);
      if (!r.success) throw new ConfigError(issueText(label, ['rules', id, 1], r.error.issues));
      options = { ...(rule.meta.defaultOptions as object), ...(r.data as object) };
    }
    settings.set(id, { severity, options });
  }
  const tracingSchema = cfg.tracingSchema ? path.resolve(dir, cfg.tracingSchema) : undefined;
  for (const [id, rule] of rules) {
    const s = settings.get(id)!;
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
    rules: settings,
    ignores: cfg.ignores ?? [],
    models,
    assumedSdks,
    tracingSchema,
    project: cfg.project ?? true,
    raw,
    codemods: cfg.codemods ?? {},
  };
}

export function loadConfig(opts: { cwd: string; configFile?: string; rules: Map<string, RuleModule<any>> }): ResolvedConfig {
  if (opts.configFile) {
    const file = path.resolve(opts.cwd, opts.configFile);
    let raw: string;
    try {
      raw = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`${opts.configFile}: cannot read the configuration file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const data = parseJson(raw, path.relative(opts.cwd, file) || file);
    const inner = file.endsWith('package.json') ? (data as Record<string, unknown>).tracewire : data;
    return resolveConfig(inner, file, opts.rules, raw, opts.cwd);
  }
  const found = findConfig(opts.cwd);
  return resolveConfig(found?.data, found?.file, opts.rules, found?.raw ?? '', opts.cwd);
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
  if (Object.keys(modules).length === 0 && Object.keys(types).length === 0) return [];
  return [{ id: 'config', name: 'your configuration', role: 'tracing', modules, types }];
}
