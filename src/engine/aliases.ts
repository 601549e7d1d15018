/**
 * Path aliases: the `compilerOptions.paths` and `baseUrl` of the tsconfig.json (or jsconfig.json) that
 * governs a file, so that `import { openai } from '@/lib/openai'` names the project file
 * `src/lib/openai.ts` exactly as `'../../lib/openai'` would.
 *
 * What TypeScript does, and so what Next.js, Vite (with vite-tsconfig-paths), tsx and most bundlers do:
 *
 * - the governing configuration is the nearest `tsconfig.json`, else `jsconfig.json`, looking in the
 *   file's directory and then each parent (as the language service does). A solution-style config with no
 *   aliases of its own (`"files": []` and `references`) defers to the referenced config that includes
 *   the file;
 * - `extends` (a path, a package under node_modules, or an array of them, later ones winning) is followed;
 *   `baseUrl` is relative to the config that sets it, `paths` substitutions are relative to `baseUrl`, or
 *   without one to the config that sets `paths`; `${configDir}` is the governing config's directory;
 * - a specifier that matches a pattern (an exact one first, else the `*` pattern with the longest prefix)
 *   tries each substitution in order and takes the first that names an existing file or directory;
 *   failing that, a specifier resolves against `baseUrl` when a file is there; failing that, it is a package.
 *
 * Two departures, both so that an alias never hides a module the catalog knows (`openai`, `ai`,
 * `langsmith/wrappers`): a pattern that is all wildcard (`"*"`) and the bare `baseUrl` lookup never apply
 * to such a specifier (only a pattern that names it does: the team's stated intent), since a project that
 * imports the SDK by that name means the SDK (at run time Node.js looks in node_modules before NODE_PATH,
 * and a TypeScript project whose `src/openai/index.ts` shadowed the SDK would not compile); and a module
 * found under `node_modules` is a package, not a project file. Other subpaths of such packages follow
 * TypeScript (`openai/openai.service` with `baseUrl: "src"` is `src/openai/openai.service.ts`).
 *
 * The answer is an absolute path without extension (what `moduleKey` compares), or undefined. Lookups are
 * memoised per configuration and per specifier, configurations per directory, and the file system is read
 * as directory listings, once per directory: the cost per import is a few map lookups. A configuration
 * that cannot be read or parsed is taken as one without aliases; nothing here throws.
 */

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LinearMatcher, type Part } from '../linear-match.js';
import { readRegularFile } from '../safe-fs.js';
import type TS from 'typescript';
import { type CatalogIndex, moduleKey } from './catalog.js';
import { Workspaces } from './workspaces.js';
import { SdkSources } from './sdk-source.js';
import { isRepositoryRoot } from '../config/root.js';

let loadedTs: typeof TS | undefined;

/** Parse JSON with comments and trailing commas (as TypeScript reads its configs); undefined when malformed. */
export function parseJsonc(text: string, file = 'tsconfig.json'): unknown {
  const ts = (loadedTs ??= createRequire(import.meta.url)('typescript') as typeof TS);
  const r = ts.parseConfigFileTextToJson(file, text.replace(/^\uFEFF/, ''));
  return r.error ? undefined : (r.config as unknown);
}

/** Whether a specifier is relative or absolute (resolved against the importing file, never an alias). */
export function isPathSpecifier(spec: string): boolean {
  return spec.startsWith('.') || spec.startsWith('/');
}

/**
 * The absolute module path (no extension) a specifier names in the project, relative or through the
 * aliases: the one place where the engine turns a specifier into a project module. Undefined for a package.
 */
export function projectModule(file: string, spec: string, aliases: Aliases | undefined): string | undefined {
  if (isPathSpecifier(spec)) return path.resolve(path.dirname(file), spec);
  return aliases?.resolve(file, spec);
}

/** The aliases of a run over this catalog: its modules are never shadowed by a wildcard or `baseUrl`. */
export function aliasesFor(catalog: CatalogIndex): Aliases {
  const modules: string[] = [];
  for (const key of catalog.modules.keys()) if (!isPathSpecifier(key) && !path.isAbsolute(key)) modules.push(key);
  return new Aliases({ modules });
}

interface Pattern {
  prefix: string;
  suffix: string;
  /** No `*`: matches only the specifier itself. */
  exact: boolean;
  substitutions: string[];
}

/** The aliases of one governing configuration, with its answers memoised. */
interface AliasConfig {
  /** The config file. */
  file: string;
  baseUrl?: string;
  /** Where relative substitutions resolve: `baseUrl`, else the directory of the config that sets `paths`. */
  pathsBase: string;
  patterns: Pattern[];
  memo: Map<string, string | null>;
}

/** A config file as read, `extends` followed, before `${configDir}` is known. */
interface LoadedConfig {
  file: string;
  baseUrl?: { value: string; dir: string };
  paths?: { value: Record<string, unknown>; dir: string };
  include?: { value: string[]; dir: string };
  files?: { value: string[]; dir: string };
  rootDir?: { value: string; dir: string };
  outDir?: { value: string; dir: string };
  references: string[];
}

const SOURCE_EXTS = ['.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mts', '.cts', '.d.mts', '.d.cts', '.mjs', '.cjs'];
const SCRIPT_EXT_RE = /\.(d\.)?[cm]?[jt]sx?$/;
const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];

export interface AliasesOptions {
  /**
   * Module specifiers that the all-wildcard pattern and the bare `baseUrl` lookup never shadow: the
   * catalog's modules, so `import OpenAI from 'openai'` stays the SDK next to a `src/openai/index.ts`.
   */
  modules?: Iterable<string>;
}

export class Aliases {
  private readonly modules: ReadonlySet<string>;
  /** Directory → the config found there or above (null: none up to the root). */
  private readonly byDir = new Map<string, LoadedConfig | null>();
  /** Config file → its content, `extends` followed (null: unreadable or malformed). */
  private readonly loaded = new Map<string, LoadedConfig | null>();
  /** Leaf config file → its aliases (null: it sets none). */
  private readonly aliasConfigs = new Map<string, AliasConfig | null>();
  /** Files whose governing config is chosen among a solution's references (per file). */
  private readonly byFile = new Map<string, AliasConfig | null>();
  /** Directory → its entries (null: not a readable directory). */
  private readonly listings = new Map<string, Set<string> | null>();
  /** Every config file path looked at (existing or not) → its stamp then (`mtime:size`, or `missing`). */
  private readonly consulted = new Map<string, string>();
  /** The project's own packages, imported by name in a monorepo (see workspaces.ts). */
  private readonly workspaces: Workspaces;
  /** Catalog packages whose source is in the project (an SDK's own repository; see sdk-source.ts). */
  readonly sdk: SdkSources;

  constructor(opts: AliasesOptions = {}) {
    this.modules = new Set(opts.modules ?? []);
    this.sdk = new SdkSources((name) => this.modules.has(name));
    this.workspaces = new Workspaces(
      {
        consult: (file) => this.consult(file),
        listing: (dir) => this.listing(dir),
        outputDirs: (file) => this.outputDirs(file),
      },
      this.modules,
    );
  }

  /** The `rootDir` / `outDir` of a tsconfig file (`extends` followed), absolute; undefined when it is missing or sets neither. */
  private outputDirs(file: string): { rootDir?: string; outDir?: string } | undefined {
    if (!this.consult(file)) return undefined;
    const c = this.load(file, new Set());
    if (!c || (!c.rootDir && !c.outDir)) return undefined;
    const configDir = path.dirname(file);
    const abs = (v: { value: string; dir: string } | undefined) => v && path.resolve(v.dir, v.value.replace(/\$\{configDir\}/g, configDir));
    return { rootDir: abs(c.rootDir), outDir: abs(c.outDir) };
  }

  /** The config files this instance looked at, present or not (their state decides whether a cached run still holds). */
  consultedFiles(): string[] {
    return [...this.consulted.keys()].sort();
  }

  /** Whether a config file looked at has changed (or appeared, or gone) since: the answers may not hold. */
  changed(): boolean {
    for (const [file, stamp] of this.consulted) if (stampOf(file) !== stamp) return true;
    return false;
  }

  /** Note a config file looked at; true when it is a file. */
  private consult(file: string): boolean {
    let stamp = this.consulted.get(file);
    if (stamp === undefined) {
      stamp = stampOf(file);
      this.consulted.set(file, stamp);
    }
    return stamp !== 'missing';
  }

  /** Whether any alias (or workspace package) can apply to files of this directory (a quick test for the prescan). */
  hasAliasesIn(dir: string): boolean {
    const found = this.dirConfig(dir);
    if (found && (this.aliasConfig(found, found) || found.references.length > 0)) return true;
    return this.workspaces.hasPackagesIn(dir);
  }

  /**
   * Look up the governing config and the workspace of every file's directory (records them as consulted,
   * for `--cache`).
   */
  consultFor(files: Iterable<string>): void {
    const list = [...files];
    for (const f of list) {
      const found = this.dirConfig(path.dirname(f));
      if (found && !this.aliasConfig(found, found) && found.references.length) this.configForFile(f);
    }
    this.workspaces.consultFor(list);
  }

  /**
   * The project module (absolute path, no extension) that a bare specifier names through the aliases of
   * `file`'s configuration, else as one of the project's workspace packages (TypeScript looks in
   * node_modules, where the package manager links them, once no `paths` pattern applies), or undefined (a
   * package, or nothing that exists). Relative specifiers are not aliases: undefined.
   */
  resolve(file: string, spec: string): string | undefined {
    if (!spec || isPathSpecifier(spec)) return undefined;
    const config = this.configForFile(file);
    if (config) {
      let r = config.memo.get(spec);
      if (r === undefined) {
        r = this.lookup(config, spec) ?? null;
        config.memo.set(spec, r);
      }
      if (r) return r;
    }
    return this.workspaces.resolve(file, spec);
  }

  private lookup(c: AliasConfig, spec: string): string | undefined {
    const known = this.modules.has(spec);
    const m = matchPattern(c.patterns, spec);
    if (m && !(known && m.pattern.prefix === '' && !m.pattern.exact)) {
      for (const subst of m.pattern.substitutions) {
        const target = m.star !== undefined ? subst.replace('*', m.star) : subst;
        const found = this.probe(path.resolve(c.pathsBase, target));
        if (found === 'package') return undefined;
        if (found) return found;
      }
    }
    if (c.baseUrl && !known) {
      const found = this.probe(path.resolve(c.baseUrl, spec));
      if (found && found !== 'package') return found;
    }
    return undefined;
  }

  /** The module at `p` as TypeScript would load it: a file (extensions tried) or a directory; `package` under node_modules. */
  private probe(p: string): string | 'package' | undefined {
    const found = this.probeFile(p) ?? this.probeDir(p);
    if (!found) return undefined;
    return /[\\/]node_modules[\\/]/.test(p) ? 'package' : found;
  }

  private probeFile(p: string): string | undefined {
    const dir = path.dirname(p);
    const names = this.listing(dir);
    if (!names) return undefined;
    const base = path.basename(p);
    // A file named in full (`@/data/prompts.json`, `@/lib/openai.ts`) is itself.
    if (names.has(base) && !this.listing(p)) return moduleKey(p);
    // Extensions tried; `@/lib/openai.js` names `openai.ts` (TypeScript maps script extensions).
    const stem = base.replace(SCRIPT_EXT_RE, '');
    for (const ext of SOURCE_EXTS) if (names.has(stem + ext)) return moduleKey(path.join(dir, stem));
    return undefined;
  }

  private probeDir(p: string): string | undefined {
    const names = this.listing(p);
    if (!names) return undefined;
    if (names.has('package.json') || SOURCE_EXTS.some((ext) => names.has('index' + ext))) return moduleKey(p);
    return undefined;
  }

  private listing(dir: string): Set<string> | null {
    let names = this.listings.get(dir);
    if (names === undefined) {
      try {
        names = new Set(fs.readdirSync(dir));
      } catch {
        names = null;
      }
      this.listings.set(dir, names);
    }
    return names;
  }

  /** The nearest tsconfig.json / jsconfig.json at or above `dir`, loaded. */
  private dirConfig(dir: string): LoadedConfig | null {
    const cached = this.byDir.get(dir);
    if (cached !== undefined) return cached;
    let found: LoadedConfig | null = null;
    let located = false;
    for (const name of CONFIG_NAMES) {
      const file = path.join(dir, name);
      if (this.consult(file)) {
        // A malformed nearest config still governs: its aliases are taken as none.
        found = this.load(file, new Set()) ?? { file, references: [] };
        located = true;
        break;
      }
    }
    if (!located) {
      // Up to the repository root: a tsconfig.json above the repository is another project's.
      const parent = path.dirname(dir);
      found = parent === dir || isRepositoryRoot(dir) ? null : this.dirConfig(parent);
    }
    this.byDir.set(dir, found);
    return found;
  }

  private configForFile(file: string): AliasConfig | null {
    const found = this.dirConfig(path.dirname(file));
    if (!found) return null;
    const own = this.aliasConfig(found, found);
    if (own || found.references.length === 0) return own;
    // A solution-style config (Vite's tsconfig.json): the referenced project that includes the file.
    let c = this.byFile.get(file);
    if (c === undefined) {
      c = null;
      for (const ref of found.references) {
        const loaded = this.load(ref, new Set());
        if (loaded && includes(loaded, file)) {
          c = this.aliasConfig(loaded, loaded);
          break;
        }
      }
      this.byFile.set(file, c);
    }
    return c;
  }

  /** The aliases of a leaf config (`${configDir}` is its directory). */
  private aliasConfig(leaf: LoadedConfig, c: LoadedConfig): AliasConfig | null {
    let a = this.aliasConfigs.get(leaf.file);
    if (a !== undefined) return a;
    a = null;
    const configDir = path.dirname(leaf.file);
    const sub = (s: string) => s.replace(/\$\{configDir\}/g, configDir);
    const baseUrl = c.baseUrl ? path.resolve(c.baseUrl.dir, sub(c.baseUrl.value)) : undefined;
    const patterns: Pattern[] = [];
    if (c.paths) {
      for (const [key, value] of Object.entries(c.paths.value)) {
        const stars = key.split('*').length - 1;
        if (stars > 1 || !Array.isArray(value)) continue;
        const substitutions = value.filter((s): s is string => typeof s === 'string' && (s.split('*').length - 1 <= 1)).map(sub);
        if (!substitutions.length) continue;
        const star = key.indexOf('*');
        patterns.push(star < 0 ? { prefix: key, suffix: '', exact: true, substitutions } : { prefix: key.slice(0, star), suffix: key.slice(star + 1), exact: false, substitutions });
      }
    }
    if (baseUrl || patterns.length) a = { file: leaf.file, baseUrl, pathsBase: baseUrl ?? c.paths?.dir ?? configDir, patterns, memo: new Map() };
    this.aliasConfigs.set(leaf.file, a);
    return a;
  }

  /** A config file with its `extends` chain merged (null: unreadable, malformed, or a cycle). */
  private load(file: string, seen: Set<string>): LoadedConfig | null {
    const cached = this.loaded.get(file);
    if (cached !== undefined) return cached;
    if (seen.has(file)) return null;
    seen.add(file);
    this.consult(file);
    let result: LoadedConfig | null = null;
    try {
      const data = parseJsonc(readRegularFile(file).toString('utf8'), file);
      if (data && typeof data === 'object' && !Array.isArray(data)) result = this.merge(file, data as Record<string, unknown>, seen);
    } catch {
      result = null;
    }
    this.loaded.set(file, result);
    return result;
  }

  private merge(file: string, data: Record<string, unknown>, seen: Set<string>): LoadedConfig {
    const dir = path.dirname(file);
    const out: LoadedConfig = { file, references: [] };
    const ext = data.extends;
    for (const e of typeof ext === 'string' ? [ext] : Array.isArray(ext) ? ext : []) {
      if (typeof e !== 'string') continue;
      const baseFile = this.extendsTarget(dir, e);
      const base = baseFile ? this.load(baseFile, new Set(seen)) : null;
      if (!base) continue;
      // Later bases win; references are never inherited.
      if (base.baseUrl) out.baseUrl = base.baseUrl;
      if (base.paths) out.paths = base.paths;
      if (base.include) out.include = base.include;
      if (base.files) out.files = base.files;
      if (base.rootDir) out.rootDir = base.rootDir;
      if (base.outDir) out.outDir = base.outDir;
    }
    const co = data.compilerOptions;
    if (co && typeof co === 'object') {
      const { baseUrl, paths, rootDir, outDir } = co as Record<string, unknown>;
      if (typeof baseUrl === 'string') out.baseUrl = { value: baseUrl, dir };
      if (typeof rootDir === 'string') out.rootDir = { value: rootDir, dir };
      if (typeof outDir === 'string') out.outDir = { value: outDir, dir };
      if (paths && typeof paths === 'object' && !Array.isArray(paths)) out.paths = { value: paths as Record<string, unknown>, dir };
    }
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined);
    const include = strings(data.include);
    const files = strings(data.files);
    if (include) out.include = { value: include, dir };
    if (files) out.files = { value: files, dir };
    if (Array.isArray(data.references)) {
      for (const r of data.references) {
        const p = r && typeof r === 'object' ? (r as Record<string, unknown>).path : undefined;
        if (typeof p !== 'string') continue;
        const abs = path.resolve(dir, p);
        out.references.push(/\.json$/i.test(abs) ? abs : path.join(abs, 'tsconfig.json'));
      }
    }
    return out;
  }

  /** The file an `extends` entry names: a path relative to the config, or a package config under node_modules. */
  private extendsTarget(dir: string, spec: string): string | undefined {
    const withJson = (p: string) => {
      if (this.consult(p)) return p;
      if (!p.endsWith('.json') && this.consult(p + '.json')) return p + '.json';
      return undefined;
    };
    if (isPathSpecifier(spec) || path.isAbsolute(spec)) return withJson(path.resolve(dir, spec));
    for (let d = dir; ; d = path.dirname(d)) {
      const p = path.join(d, 'node_modules', spec);
      const direct = withJson(p);
      if (direct) return direct;
      if (this.listing(p)) {
        // A package: its package.json `tsconfig` field, else its tsconfig.json.
        let field: string | undefined;
        this.consult(path.join(p, 'package.json'));
        try {
          const pkg = JSON.parse(readRegularFile(path.join(p, 'package.json')).toString('utf8')) as Record<string, unknown>;
          if (typeof pkg.tsconfig === 'string') field = path.resolve(p, pkg.tsconfig);
        } catch {
          field = undefined;
        }
        const t = field ? withJson(field) : withJson(path.join(p, 'tsconfig.json'));
        if (t) return t;
      }
      if (path.dirname(d) === d) return undefined;
    }
  }
}

/** A regular file's `mtime:size`, else `missing`. */
function stampOf(file: string): string {
  try {
    const st = fs.statSync(file, { throwIfNoEntry: false });
    return st?.isFile() ? `${st.mtimeMs}:${st.size}` : 'missing';
  } catch {
    return 'missing';
  }
}

/** TypeScript's pattern choice: an exact pattern, else the matching `*` pattern with the longest prefix. */
function matchPattern(patterns: Pattern[], spec: string): { pattern: Pattern; star?: string } | undefined {
  let best: Pattern | undefined;
  for (const p of patterns) {
    if (p.exact) {
      if (p.prefix === spec) return { pattern: p };
      continue;
    }
    if (spec.length >= p.prefix.length + p.suffix.length && spec.startsWith(p.prefix) && spec.endsWith(p.suffix) && (!best || p.prefix.length > best.prefix.length)) best = p;
  }
  return best && { pattern: best, star: spec.slice(best.prefix.length, spec.length - best.suffix.length) };
}

/** Whether a config's `files` / `include` cover a file (default: everything under the config's directory). */
function includes(c: LoadedConfig, file: string): boolean {
  const configDir = path.dirname(c.file);
  const sub = (s: string) => s.replace(/\$\{configDir\}/g, configDir);
  if (c.files && c.files.value.some((f) => path.resolve(c.files!.dir, sub(f)) === file)) return true;
  const include = c.include ?? (c.files ? undefined : { value: ['**/*'], dir: configDir });
  if (!include) return false;
  return include.value.some((spec) => globMatches(path.resolve(include.dir, sub(spec)), file));
}

/** A tsconfig `include` entry: `*`, `?` and `**​/`; an entry with no wildcard and no extension is a directory. */
function globMatches(pattern: string, file: string): boolean {
  const norm = (p: string) => p.split(path.sep).join('/');
  let pat = norm(pattern);
  const f = norm(file);
  const last = pat.slice(pat.lastIndexOf('/') + 1);
  if (!/[*?]/.test(last) && !/\.[^/]+$/.test(last)) pat += '/**/*';
  // Matched in linear time (see linear-match.ts): as a regular expression, an `include` of many `**​/`
  // backtracked exponentially on a deep path (14 of them, 19 folders deep: 40 s for one file).
  const parts: Part[] = [];
  for (let i = 0; i < pat.length; i++) {
    const ch = pat[i]!;
    if (ch === '*' && pat[i + 1] === '*' && pat[i + 2] === '/') {
      parts.push({ segs: true });
      i += 2;
    } else if (ch === '*') parts.push({ run: 'nonslash', min: 0 });
    else if (ch === '?') parts.push({ run: 'nonslash', min: 1, max: 1 });
    else parts.push({ lit: ch });
  }
  return new LinearMatcher(parts).test(f);
}
