/**
 * Workspace packages: in a monorepo (npm/yarn/bun `workspaces`, pnpm-workspace.yaml, and so turborepo and
 * nx on top of them), `import { openai } from '@acme/ai'` in `apps/web` names the project's own package
 * `packages/ai` (its package.json `"name": "@acme/ai"`), which the package manager links into node_modules.
 * This module answers such a specifier with the package's source file, as TypeScript's node16/bundler
 * resolution lands on it, preferring sources over build output:
 *
 * - the workspace is the nearest directory at or above the importing file whose package.json declares
 *   `workspaces` (an array, or `{ packages: [...] }`) or that holds a pnpm-workspace.yaml (`packages:`)
 *   or a lerna.json (`packages`, by default `packages/*`);
 *   its packages are the directories its patterns name (`packages/*`, `apps/**`, `!` exclusions; never under
 *   node_modules) with a package.json that has a `name`. The root itself, and without a workspace the
 *   nearest package.json's own package, count when they declare `exports` (a self-reference, as Node.js
 *   allows it); so do a package's `file:`/`link:` dependencies on directories outside a workspace;
 * - `@acme/ai` and `@acme/ai/sub/path` go through the package's `exports` (a string, an array, a
 *   conditions object, subpath keys and `*` patterns; conditions are taken in the object's order among
 *   `source`, `development`, `types`, `import`, `require`, `node`, `module`, `default`...; a condition whose
 *   target is no project file gives way to the next), else `source` / `types` / `typings` / `module` /
 *   `main` and `index` for the package itself, or the path under the package for a subpath;
 * - a target that is build output (`dist/index.js`, `dist/index.d.ts`, `build/…`, `lib/…`, or anything
 *   under the package tsconfig's `outDir`) names its source: the same path under `rootDir` (else `src/`,
 *   else the package root) with a TypeScript or JavaScript extension. A declaration file is never a source.
 *   Only files that exist are answers; otherwise the specifier stays a package.
 *
 * A workspace package named like a module the catalog describes (`openai`, `ai`, `@langchain/core`) is
 * ignored: an import of that name means the SDK, as for aliases (see aliases.ts).
 *
 * Lookups are memoised per workspace and per specifier; every package.json, pnpm-workspace.yaml and package
 * tsconfig.json looked at is recorded through `consult` (so `--cache` and the editor see it change).
 */

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LinearMatcher, type Part } from '../linear-match.js';
import { readRegularFile } from '../safe-fs.js';
import type * as Yaml from 'yaml';
import { moduleKey } from './catalog.js';
import { isRepositoryRoot } from '../config/root.js';

/** What the workspace lookup needs from the path aliases' file-system view (shared, memoised there). */
export interface WorkspaceHost {
  /** Record a file looked at; true when it is a regular file. */
  consult(file: string): boolean;
  /** A directory's entries (null: not a readable directory). */
  listing(dir: string): Set<string> | null;
  /** The `rootDir` / `outDir` of a package's tsconfig.json (`extends` followed), absolute. */
  outputDirs(tsconfig: string): { rootDir?: string; outDir?: string } | undefined;
}

interface PackageInfo {
  dir: string;
  name: string;
  json: Record<string, unknown>;
}

/** The packages one workspace (or one standalone package) makes importable by name, with answers memoised. */
interface Workspace {
  packages: Map<string, PackageInfo>;
  memo: Map<string, string | null>;
}

/** Source extensions tried for a module path (declaration files are never sources). */
const SOURCE_EXTS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const SCRIPT_EXT_RE = /\.(d\.)?[cm]?[jt]sx?$/;
/** Directories that hold build output by convention (the first segment of a target path). */
const BUILD_DIRS = new Set(['dist', 'build', 'out', 'lib', 'esm', 'cjs', 'es', 'types', 'typings', 'dts']);
/** Format subdirectories inside build output (`dist/esm/index.js`). */
const FORMAT_DIRS = new Set(['esm', 'cjs', 'es', 'mjs', 'commonjs', 'module', 'types', 'typings', 'dts', 'node', 'browser', 'src']);
/** Build directories that are never project sources (the file list ignores them). */
const IGNORED_DIRS = new Set(['dist', 'build', 'out']);
/** Export conditions that can apply (TypeScript and Node.js under any of their modes, and the source conventions). */
const CONDITIONS = new Set(['source', 'development', 'types', 'typescript', 'import', 'require', 'node', 'module', 'module-sync', 'default', 'node-addons', 'es2015', 'esnext', 'production']);
/** The package.json fields tried for the package itself, sources first. */
const MAIN_FIELDS = ['source', 'types', 'typings', 'module', 'main'];
/** Directories a workspace pattern never descends into. */
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', '.next', '.turbo', '.cache', 'coverage']);
const MAX_GLOB_DEPTH = 6;

let yaml: typeof Yaml | undefined;

/** A package specifier's package name and subpath (`@acme/ai/tools` → `@acme/ai`, `./tools`). */
export function splitPackageSpec(spec: string): { name: string; subpath: string } | undefined {
  const parts = spec.split('/');
  const n = spec.startsWith('@') ? 2 : 1;
  if (parts.length < n || parts.slice(0, n).some((p) => !p)) return undefined;
  const name = parts.slice(0, n).join('/');
  const rest = parts.slice(n).join('/');
  return { name, subpath: rest ? `./${rest}` : '.' };
}

export class Workspaces {
  /** Package names the catalog describes (a workspace package so named is ignored). */
  private readonly catalogPackages = new Set<string>();
  /** Directory → the workspace its files see (null: none). */
  private readonly byDir = new Map<string, Workspace | null>();
  /** Workspace root (or standalone package directory) → its workspace. */
  private readonly byRoot = new Map<string, Workspace | null>();
  /** package.json path → its content (null: missing, unreadable or malformed). */
  private readonly jsons = new Map<string, Record<string, unknown> | null>();

  constructor(
    private readonly host: WorkspaceHost,
    catalogModules: Iterable<string>,
  ) {
    for (const m of catalogModules) {
      const s = splitPackageSpec(m);
      if (s) this.catalogPackages.add(s.name);
    }
  }

  /** Whether files of this directory can import a workspace package by name. */
  hasPackagesIn(dir: string): boolean {
    return (this.workspaceFor(dir)?.packages.size ?? 0) > 0;
  }

  /** Look up the workspace of each file's directory, and each package's tsconfig (records them as consulted). */
  consultFor(files: Iterable<string>): void {
    const seen = new Set<Workspace>();
    for (const f of files) {
      const ws = this.workspaceFor(path.dirname(f));
      if (!ws || seen.has(ws)) continue;
      seen.add(ws);
      for (const pkg of ws.packages.values()) this.host.outputDirs(path.join(pkg.dir, 'tsconfig.json'));
    }
  }

  /** The project module (absolute path, no extension) a bare specifier names in `file`'s workspace, or undefined. */
  resolve(file: string, spec: string): string | undefined {
    const ws = this.workspaceFor(path.dirname(file));
    if (!ws) return undefined;
    let r = ws.memo.get(spec);
    if (r === undefined) {
      r = this.lookup(ws, spec) ?? null;
      ws.memo.set(spec, r);
    }
    return r ?? undefined;
  }

  private lookup(ws: Workspace, spec: string): string | undefined {
    const s = splitPackageSpec(spec);
    if (!s) return undefined;
    const pkg = ws.packages.get(s.name);
    if (!pkg || this.catalogPackages.has(s.name)) return undefined;
    return this.resolveIn(pkg, s.subpath);
  }

  // ---- inside a package ----

  private resolveIn(pkg: PackageInfo, subpath: string): string | undefined {
    const exp = pkg.json.exports;
    if (exp !== undefined && exp !== null) {
      for (const target of exportTargets(exp, subpath)) {
        const found = this.toSource(pkg, target);
        if (found) return found;
      }
    }
    if (subpath === '.') {
      for (const field of MAIN_FIELDS) {
        const v = pkg.json[field];
        if (typeof v !== 'string' || !v) continue;
        const found = this.toSource(pkg, v);
        if (found) return found;
      }
      return this.toSource(pkg, './index');
    }
    // A subpath the exports do not name (or a package without exports): the path under the package, as
    // TypeScript's node10 resolution (and a bundler's fallback) finds it.
    return this.toSource(pkg, subpath);
  }

  /** The project source file a package-relative target names, directly or as the source of build output. */
  private toSource(pkg: PackageInfo, target: string): string | undefined {
    const abs = path.resolve(pkg.dir, target);
    const rel = path.relative(pkg.dir, abs);
    if (rel.startsWith('..') || path.isAbsolute(rel) || /(^|[\\/])node_modules([\\/]|$)/.test(rel)) return undefined;
    const segs = rel ? rel.split(path.sep) : [];
    const out = this.host.outputDirs(path.join(pkg.dir, 'tsconfig.json'));
    const outRel = out?.outDir ? path.relative(pkg.dir, out.outDir) : undefined;
    const underOut = outRel !== undefined && outRel !== '' && !outRel.startsWith('..') && (rel === outRel || rel.startsWith(outRel + path.sep));
    const ignored = segs.length > 1 && IGNORED_DIRS.has(segs[0]!);
    // The target itself, when it is a source the project holds.
    if (!underOut && !ignored) {
      const found = this.sourceAt(abs);
      if (found) return found;
    }
    // Build output: the same path under the source directory.
    const candidates: string[] = [];
    if (underOut) {
      const rest = path.relative(out!.outDir!, abs);
      if (out!.rootDir) candidates.push(path.join(out!.rootDir, rest));
      candidates.push(path.join(pkg.dir, 'src', rest), path.join(pkg.dir, rest));
    } else if (segs.length > 1 && BUILD_DIRS.has(segs[0]!)) {
      const rests = [segs.slice(1)];
      if (segs.length > 2 && FORMAT_DIRS.has(segs[1]!)) rests.push(segs.slice(2));
      for (const rest of rests) {
        if (out?.rootDir) candidates.push(path.join(out.rootDir, ...rest));
        candidates.push(path.join(pkg.dir, 'src', ...rest), path.join(pkg.dir, ...rest));
      }
    }
    for (const c of candidates) {
      if (c === abs) continue;
      const found = this.sourceAt(c);
      if (found) return found;
    }
    return undefined;
  }

  /** The module at `p`: a source file (its extension mapped, as TypeScript does) or a directory's index. */
  private sourceAt(p: string): string | undefined {
    if (/(^|[\\/])node_modules([\\/]|$)/.test(p)) return undefined;
    const dir = path.dirname(p);
    const names = this.host.listing(dir);
    if (names) {
      const base = path.basename(p);
      // `index.js` and `index.d.ts` name the source `index.ts` beside them (a declaration file never is one).
      const stem = base.replace(SCRIPT_EXT_RE, '');
      if (stem) for (const ext of SOURCE_EXTS) if (names.has(stem + ext)) return moduleKey(path.join(dir, stem + ext));
    }
    const inner = this.host.listing(p);
    if (inner) for (const ext of SOURCE_EXTS) if (inner.has('index' + ext)) return moduleKey(path.join(p, 'index' + ext));
    return undefined;
  }

  // ---- finding the workspace ----

  private workspaceFor(dir: string): Workspace | null {
    const cached = this.byDir.get(dir);
    if (cached !== undefined) return cached;
    // The nearest workspace root at or above `dir`; failing one, the nearest package with a name.
    let nearest: string | undefined;
    let nearestAt = -1;
    let ws: Workspace | null = null;
    const visited: string[] = [];
    for (let d = dir; ; d = path.dirname(d)) {
      const known = this.byDir.get(d);
      if (known !== undefined && nearest === undefined) {
        ws = known;
        break;
      }
      visited.push(d);
      if (path.basename(d) === 'node_modules') break;
      const json = this.packageJson(d);
      const patterns = this.workspacePatterns(d, json);
      if (patterns) {
        ws = this.rootWorkspace(d, patterns);
        break;
      }
      if (json && nearest === undefined && typeof json.name === 'string') {
        nearest = d;
        nearestAt = visited.length;
      }
      // Up to the repository root: a workspace above the repository is another project's.
      const parent = path.dirname(d);
      if (parent === d || isRepositoryRoot(d)) break;
    }
    // Outside a workspace, the answer holds for the directories up to the nearest package only (those above
    // it see another package, or none).
    let upTo = visited.length;
    if (!ws && nearest !== undefined) {
      ws = this.standalone(nearest);
      upTo = nearestAt;
    }
    for (const d of visited.slice(0, upTo)) this.byDir.set(d, ws);
    return ws;
  }

  private packageJson(dir: string): Record<string, unknown> | null {
    const file = path.join(dir, 'package.json');
    let json = this.jsons.get(file);
    if (json !== undefined) return json;
    json = null;
    if (this.host.consult(file)) {
      try {
        const data = JSON.parse(readRegularFile(file).toString('utf8').replace(/^\uFEFF/, '')) as unknown;
        if (data && typeof data === 'object' && !Array.isArray(data)) json = data as Record<string, unknown>;
      } catch {
        json = null;
      }
    }
    this.jsons.set(file, json);
    return json;
  }

  /** The workspace patterns declared at `dir` (package.json `workspaces`, pnpm-workspace.yaml), or undefined. */
  private workspacePatterns(dir: string, json: Record<string, unknown> | null): string[] | undefined {
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined);
    let patterns: string[] | undefined;
    const w = json?.workspaces;
    if (w !== undefined) patterns = strings(w) ?? (w && typeof w === 'object' ? strings((w as Record<string, unknown>).packages) : undefined) ?? [];
    const pnpm = path.join(dir, 'pnpm-workspace.yaml');
    if (this.host.consult(pnpm)) {
      try {
        yaml ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
        const data = yaml.parse(readRegularFile(pnpm).toString('utf8')) as unknown;
        const p = data && typeof data === 'object' ? strings((data as Record<string, unknown>).packages) : undefined;
        patterns = [...(patterns ?? []), ...(p ?? [])];
      } catch {
        patterns ??= [];
      }
    }
    // Lerna without a package manager's workspaces: `packages` in lerna.json (default `packages/*`).
    const lerna = path.join(dir, 'lerna.json');
    if (patterns === undefined && this.host.consult(lerna)) {
      try {
        const data = JSON.parse(readRegularFile(lerna).toString('utf8').replace(/^\uFEFF/, '')) as unknown;
        patterns = (data && typeof data === 'object' ? strings((data as Record<string, unknown>).packages) : undefined) ?? ['packages/*'];
      } catch {
        patterns = [];
      }
    }
    return patterns;
  }

  private rootWorkspace(root: string, patterns: string[]): Workspace {
    const cached = this.byRoot.get(root);
    if (cached) return cached;
    const packages = new Map<string, PackageInfo>();
    const include = patterns.filter((p) => !p.startsWith('!'));
    const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => globRegExp(normPattern(p.slice(1))));
    const dirs = new Set<string>();
    for (const p of include) for (const d of this.expand(root, normPattern(p).split('/').filter(Boolean), 0)) dirs.add(d);
    for (const d of [...dirs].sort()) {
      const rel = path.relative(root, d).split(path.sep).join('/');
      if (exclude.some((re) => re.test(rel))) continue;
      this.addPackage(packages, d);
    }
    this.addPackage(packages, root, true);
    const ws: Workspace = { packages, memo: new Map() };
    this.byRoot.set(root, ws);
    return ws;
  }

  /** A package outside any workspace: itself (a self-reference) and its `file:` / `link:` dependencies. */
  private standalone(dir: string): Workspace | null {
    const cached = this.byRoot.get(dir);
    if (cached !== undefined) return cached;
    const packages = new Map<string, PackageInfo>();
    this.addPackage(packages, dir, true);
    const json = this.packageJson(dir);
    for (const key of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const deps = json?.[key];
      if (!deps || typeof deps !== 'object') continue;
      for (const [name, v] of Object.entries(deps as Record<string, unknown>)) {
        const m = typeof v === 'string' ? /^(?:file|link|portal):(.+)$/.exec(v) : null;
        if (!m || packages.has(name)) continue;
        const target = path.resolve(dir, m[1]!);
        if (/(^|[\\/])node_modules([\\/]|$)/.test(target) || /\.(tgz|tar\.gz|tar)$/.test(target)) continue;
        const pkgJson = this.packageJson(target);
        if (pkgJson) packages.set(name, { dir: target, name, json: pkgJson });
      }
    }
    const ws = packages.size ? { packages, memo: new Map() } : null;
    this.byRoot.set(dir, ws);
    return ws;
  }

  /** Add the package at `dir`; a package reached only by its own files (a self-reference) needs `exports`, as in Node.js. */
  private addPackage(packages: Map<string, PackageInfo>, dir: string, self = false): void {
    const json = this.packageJson(dir);
    const name = json?.name;
    if (self && (json?.exports === undefined || json.exports === null)) return;
    if (typeof name !== 'string' || !name || packages.has(name) || !splitPackageSpec(name) || name.split('/').length > (name.startsWith('@') ? 2 : 1)) return;
    packages.set(name, { dir, name, json: json! });
  }

  /** The directories a workspace pattern names (`packages/*`, `apps/**`, `tools/cli`). */
  private expand(dir: string, segs: string[], depth: number): string[] {
    if (!segs.length) return [dir];
    const [seg, ...rest] = segs as [string, ...string[]];
    if (seg === '**') {
      const out = this.expand(dir, rest, depth);
      if (depth >= MAX_GLOB_DEPTH) return out;
      for (const sub of this.subdirs(dir)) out.push(...this.expand(sub, segs, depth + 1));
      return out;
    }
    if (seg === '.') return this.expand(dir, rest, depth);
    if (seg === '..') return [];
    if (!/[*?[{]/.test(seg)) {
      const next = path.join(dir, seg);
      return this.host.listing(next) && !SKIP_DIRS.has(seg) ? this.expand(next, rest, depth + 1) : [];
    }
    const re = globRegExp(seg);
    const out: string[] = [];
    for (const sub of this.subdirs(dir)) if (re.test(path.basename(sub))) out.push(...this.expand(sub, rest, depth + 1));
    return out;
  }

  private subdirs(dir: string): string[] {
    const names = this.host.listing(dir);
    if (!names) return [];
    const out: string[] = [];
    for (const n of [...names].sort()) {
      if (n.startsWith('.') || SKIP_DIRS.has(n)) continue;
      const p = path.join(dir, n);
      if (this.host.listing(p)) out.push(p);
    }
    return out;
  }
}

/** A workspace pattern with `/` separators, no leading `./` and no trailing `/`. */
function normPattern(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
}

/**
 * `*`, `?`, `**` (any number of directories) and `{a,b}` in a workspace pattern, as a matcher over a
 * relative path. Linear in the path whatever the pattern (see linear-match.ts): as a regular expression,
 * a package.json listing `**​/**​/**​/...` backtracked exponentially on a deep folder.
 */
function globRegExp(pattern: string): LinearMatcher {
  const parts: Part[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      parts.push(slash ? { segs: true } : { run: 'all', min: 0 });
      i += slash ? 2 : 1;
    } else if (ch === '*') parts.push({ run: 'nonslash', min: 0 });
    else if (ch === '?') parts.push({ run: 'nonslash', min: 1, max: 1 });
    else if (ch === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) parts.push({ lit: '{' });
      else {
        parts.push({ alt: pattern.slice(i + 1, end).split(',') });
        i = end;
      }
    } else parts.push({ lit: ch });
  }
  return new LinearMatcher(parts);
}

/**
 * The targets `exports` gives a subpath, in order of preference: the subpath's entry (an exact key, else the
 * matching `*` pattern with the longest prefix, else a legacy folder key ending in `/`), its conditions in
 * the object's order (nested), arrays in order; `*` substituted. Empty when the exports do not name it.
 */
export function exportTargets(exp: unknown, subpath: string): string[] {
  let map: Record<string, unknown>;
  if (typeof exp === 'string' || Array.isArray(exp)) map = { '.': exp };
  else if (exp && typeof exp === 'object') {
    const keys = Object.keys(exp);
    map = keys.length && keys.every((k) => !k.startsWith('.')) ? { '.': exp } : (exp as Record<string, unknown>);
  } else return [];
  let entry: unknown;
  let star: string | undefined;
  if (Object.prototype.hasOwnProperty.call(map, subpath) && !subpath.includes('*')) entry = map[subpath];
  else {
    let best: string | undefined;
    for (const key of Object.keys(map)) {
      const i = key.indexOf('*');
      if (i < 0 || key.indexOf('*', i + 1) >= 0) continue;
      const prefix = key.slice(0, i);
      const suffix = key.slice(i + 1);
      if (subpath.length >= key.length && subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath !== prefix && (!best || patternKeyCompare(best, key) > 0)) best = key;
    }
    if (best) {
      const i = best.indexOf('*');
      entry = map[best];
      star = subpath.slice(i, subpath.length - (best.length - i - 1));
    } else {
      let folder: string | undefined;
      for (const key of Object.keys(map)) if (key.endsWith('/') && subpath.startsWith(key) && (!folder || key.length > folder.length)) folder = key;
      if (!folder) return [];
      entry = map[folder];
      star = subpath.slice(folder.length);
      const out: string[] = [];
      collectTargets(entry, out, 0);
      return out.map((t) => t + star);
    }
  }
  const out: string[] = [];
  collectTargets(entry, out, 0);
  return star === undefined ? out : out.map((t) => t.split('*').join(star));
}

function collectTargets(v: unknown, out: string[], depth: number): void {
  if (depth > 8) return;
  if (typeof v === 'string') {
    if (v.startsWith('./')) out.push(v);
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) collectTargets(x, out, depth + 1);
    return;
  }
  if (v && typeof v === 'object') {
    for (const [cond, target] of Object.entries(v as Record<string, unknown>)) {
      if (CONDITIONS.has(cond) || cond.startsWith('types@')) collectTargets(target, out, depth + 1);
    }
  }
}

/** Node.js's order of `*` keys: the longer prefix first, then the longer key. */
function patternKeyCompare(a: string, b: string): number {
  const ai = a.indexOf('*');
  const bi = b.indexOf('*');
  if (ai !== bi) return ai > bi ? -1 : 1;
  if (a.length !== b.length) return a.length > b.length ? -1 : 1;
  return 0;
}
