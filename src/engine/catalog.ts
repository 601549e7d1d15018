/**
 * The catalog index: package models merged into one table of types, with the lookups the interpreter
 * needs precomputed (member by dotted path, path prefixes for early pruning, module specifier → type).
 */

import type { EndpointSpec, HttpPathSpec, InstrumentationSpec, MemberSpec, PackageModel, TypeSpec } from './catalog-schema.js';

export const MODULE_TYPE_PREFIX = 'module:';
/** The type of the global object: its members are the catalog's `globals`. */
export const GLOBAL_TYPE = 'global:';

export interface IndexedType {
  name: string;
  sdk: string;
  model: PackageModel;
  members: Map<string, MemberSpec>;
  /** Every proper prefix of a member path (`chat`, `chat.completions`) and every member path. */
  prefixes: Set<string>;
  nativeTracing?: TypeSpec['nativeTracing'];
  /** Published methods that make no model request (`TypeSpec.notRequests`, own and inherited): path → reason. */
  notRequests: Map<string, string>;
  /** A family of modules (`PackageModel.modulePatterns`): export name patterns, tried in order. */
  exportPatterns?: { re: RegExp; spec: MemberSpec }[];
}

/** An export name pattern (`*Embeddings`) as an anchored regular expression. */
function exportPattern(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[A-Za-z0-9_$]*')}$`);
}

/** Strip a TS/JS extension and a trailing `/index`, so `./llm`, `./llm.ts` and `./llm/index.js` compare equal. */
export function moduleKey(spec: string): string {
  return spec.replace(/\.(d\.)?[cm]?[jt]sx?$/, '').replace(/\/index$/, '');
}

export class CatalogIndex {
  readonly types = new Map<string, IndexedType>();
  readonly instrumentations = new Map<string, InstrumentationSpec>();
  /** Module key → model id, for every module the catalog describes. */
  readonly modules = new Map<string, string>();
  /** Model id → model. */
  readonly models = new Map<string, PackageModel>();
  /** SDK id → the npm package whose version gates version ranges. */
  readonly sdkPackage = new Map<string, string>();
  /** Module families (`PackageModel.modulePatterns`): specifier prefixes, longest first. */
  private readonly modulePrefixes: string[] = [];
  /** Model API endpoints and gateways, with their compiled patterns. */
  readonly endpoints: (EndpointSpec & { re: RegExp })[] = [];
  /** Model API paths (see `HttpPathSpec`), with their compiled patterns. */
  readonly httpPaths: (HttpPathSpec & { re: RegExp; hintRe?: RegExp })[] = [];

  /** `module\0type` of the exported types that carry no tracing option (see `PackageModel.optionFreeTypes`). */
  private readonly optionFree = new Set<string>();

  /** Whether the type `name` exported by module `spec` cannot carry any tracing option. */
  optionFreeType(spec: string, name: string): boolean {
    return this.optionFree.has(`${moduleKey(spec)}\0${name}`);
  }

  constructor(models: PackageModel[]) {
    const raw = new Map<string, { spec: TypeSpec; model: PackageModel }>();
    for (const model of models) {
      this.models.set(model.id, model);
      for (const [mod, names] of Object.entries(model.optionFreeTypes ?? {})) for (const n of names) this.optionFree.add(`${moduleKey(mod)}\0${n}`);
      // The configuration's endpoints (the team's gateway) come before the built-in ones.
      const compiled = (model.endpoints ?? []).map((e) => ({ ...e, re: new RegExp(e.url, 'i') }));
      if (model.id === 'config') this.endpoints.unshift(...compiled);
      else this.endpoints.push(...compiled);
      for (const p of model.httpPaths ?? []) this.httpPaths.push({ ...p, re: new RegExp(`(?:${p.path})$`), ...(p.hint ? { hintRe: new RegExp(p.hint, 'i') } : {}) });
      if (model.globals) {
        const existing = raw.get(GLOBAL_TYPE);
        raw.set(GLOBAL_TYPE, { spec: { sdk: existing?.spec.sdk ?? model.id, members: { ...existing?.spec.members, ...model.globals } }, model: existing?.model ?? model });
      }
      const firstModule = Object.keys(model.modules)[0];
      if (!this.sdkPackage.has(model.id)) this.sdkPackage.set(model.id, model.package ?? firstModule ?? model.id);
      for (const [mod, members] of Object.entries(model.modules)) {
        const key = moduleKey(mod);
        this.modules.set(key, model.id);
        const name = MODULE_TYPE_PREFIX + key;
        const existing = raw.get(name);
        // Several models may describe the same module (a tracing library adding a member): merge.
        const merged: TypeSpec = existing
          ? { sdk: existing.spec.sdk, members: { ...existing.spec.members, ...members } }
          : { sdk: model.id, members };
        raw.set(name, { spec: merged, model: existing?.model ?? model });
      }
      for (const [prefix, members] of Object.entries(model.modulePatterns ?? {})) {
        // One type per family, named by its prefix (the text prefilter finds the prefix in an import).
        const name = MODULE_TYPE_PREFIX + prefix;
        const existing = raw.get(name);
        raw.set(name, { spec: { sdk: existing?.spec.sdk ?? model.id, members: { ...existing?.spec.members, ...members } }, model: existing?.model ?? model });
        if (!this.modulePrefixes.includes(prefix)) this.modulePrefixes.push(prefix);
      }
      for (const [name, spec] of Object.entries(model.types ?? {})) {
        const existing = raw.get(name);
        if (existing) {
          const notRequests = { ...existing.spec.notRequests, ...spec.notRequests };
          raw.set(name, { spec: { ...existing.spec, members: { ...existing.spec.members, ...spec.members }, notRequests }, model: existing.model });
        }
        else raw.set(name, { spec, model });
      }
    }
    const resolveMembers = (name: string, seen: Set<string>): Record<string, MemberSpec> => {
      const entry = raw.get(name);
      if (!entry || seen.has(name)) return {};
      seen.add(name);
      const base = entry.spec.extends ? resolveMembers(entry.spec.extends, seen) : {};
      return { ...base, ...entry.spec.members };
    };
    const resolveNotRequests = (name: string, seen: Set<string>, out: Map<string, string>): Map<string, string> => {
      const entry = raw.get(name);
      if (!entry || seen.has(name)) return out;
      seen.add(name);
      if (entry.spec.extends) resolveNotRequests(entry.spec.extends, seen, out);
      for (const [reason, paths] of Object.entries(entry.spec.notRequests ?? {})) for (const p of paths) out.set(p, reason);
      return out;
    };
    let instrumentationCount = 0;
    for (const [name, { spec, model }] of raw) {
      const members = new Map(Object.entries(resolveMembers(name, new Set())));
      const prefixes = new Set<string>();
      for (const [path, m] of members) {
        prefixes.add(path);
        const parts = path.split('.');
        for (let i = 1; i < parts.length; i++) prefixes.add(parts.slice(0, i).join('.'));
        if (m.instrumentation) {
          // Instances of an instrumentation class get a synthetic type carrying what they cover.
          const synthetic = `instrumentation#${instrumentationCount++}`;
          this.instrumentations.set(synthetic, m.instrumentation);
          // Constructed (`new OpenAIInstrumentation()`) or returned by a factory (`Sentry.openAIIntegration()`).
          members.set(path, { ...m, new: synthetic, returns: synthetic });
        }
      }
      const notRequests = resolveNotRequests(name, new Set(), new Map());
      const family = name.endsWith('/') ? { exportPatterns: [...members].map(([glob, m]) => ({ re: exportPattern(glob), spec: m })) } : {};
      this.types.set(name, { name, sdk: spec.sdk, model, members, prefixes, nativeTracing: spec.nativeTracing, notRequests, ...family });
    }
    this.modulePrefixes.sort((a, b) => b.length - a.length);
  }

  /** The endpoint a URL belongs to, if the catalog knows it. */
  endpoint(url: string): (EndpointSpec & { re: RegExp }) | undefined {
    return this.endpoints.find((e) => e.re.test(url));
  }

  /** The spec of a global name (`fetch`), if the catalog knows it. */
  global(name: string): MemberSpec | undefined {
    return this.types.get(GLOBAL_TYPE)?.members.get(name);
  }

  moduleType(spec: string): string | undefined {
    const key = moduleKey(spec);
    if (this.modules.has(key)) return MODULE_TYPE_PREFIX + key;
    // A module of a family: deeper than its prefix, a package's entry point (not a path).
    for (const prefix of this.modulePrefixes) if (key.startsWith(prefix) && key.length > prefix.length) return MODULE_TYPE_PREFIX + prefix;
    return undefined;
  }

  type(name: string): IndexedType | undefined {
    return this.types.get(name);
  }

  member(type: string, path: string[]): MemberSpec | undefined {
    const t = this.types.get(type);
    if (!t) return undefined;
    if (t.exportPatterns) return path.length === 1 ? t.exportPatterns.find((p) => p.re.test(path[0]!))?.spec : undefined;
    return t.members.get(path.join('.'));
  }

  /** Whether some member path of the type starts with `path` (the empty path always does for a known type). */
  hasPrefix(type: string, path: string[]): boolean {
    const t = this.types.get(type);
    if (!t) return false;
    if (path.length === 0) return true;
    if (t.exportPatterns) return path.length === 1 && t.exportPatterns.some((p) => p.re.test(path[0]!));
    return t.prefixes.has(path.join('.'));
  }
}
