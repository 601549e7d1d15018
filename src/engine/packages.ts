/**
 * Declared dependency versions, and the package.json facts the process model needs. The nearest
 * package.json is the project's; when it does not declare the package, an enclosing workspace root
 * (npm/yarn `workspaces`, pnpm-workspace.yaml, lerna.json) may, since monorepos hoist shared dependencies
 * there. Nothing above that is consulted, nor anything above the repository's root.
 *
 * Versions are read as the package manager resolves them: `npm:` aliases, the `catalog:` protocol of
 * pnpm, Bun and Yarn (the workspace root's catalogs), `workspace:` ranges, and, where the declared range
 * alone spans several major versions (`*`, `latest`, `>=4`), the version the lockfile installed
 * (package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock, bun.lock).
 */

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { readRegularFile } from '../safe-fs.js';
import type Semver from 'semver';

let loadedSemver: typeof Semver | undefined;
const semver = () => (loadedSemver ??= createRequire(import.meta.url)('semver') as typeof Semver);
let loadedYaml: typeof import('yaml') | undefined;
const yaml = () => (loadedYaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

/**
 * The repository a path belongs to: the nearest directory with a `.git` entry (a directory, or a file
 * for worktrees and submodules), or undefined outside any repository.
 */
export function repositoryRoot(start: string): string | undefined {
  for (let d = path.resolve(start); ; ) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    const parent = path.dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

/** What the process model reads from a package.json. */
export interface PackageInfo {
  /** The directory holding the package.json. */
  dir: string;
  name?: string;
  private?: boolean;
  main?: string;
  /** Executables (`bin`), as paths relative to `dir`. */
  bin: string[];
  scripts: Record<string, string>;
  /** Every declared dependency (all kinds), name → range as written. */
  deps: Record<string, string>;
  /** A workspace root (declares workspaces, or has pnpm-workspace.yaml / lerna.json). */
  workspaceRoot: boolean;
}

type Deps = Record<string, string> & { [WORKSPACE]?: boolean; [PRELOADS]?: string[]; [INFO]?: PackageInfo };
const WORKSPACE = Symbol('workspace root');
const PRELOADS = Symbol('preloaded modules');
const INFO = Symbol('package facts');

/**
 * A module given to node before the program by a flag: `--import <m>`, `--require <m>`, `-r <m>` (also with
 * `=`), in a command or in `NODE_OPTIONS='...'`. Relative paths name project files (analysed anyway).
 */
const PRELOAD_FLAG = /(?:^|[\s'"=])(?:--import|--require|-r)(?:=|\s+)['"]?([^\s'"]+)/g;

/** The modules a command preloads into node (`--import`, `--require`, `-r`, also inside `NODE_OPTIONS`). */
export function commandPreloads(cmd: string): string[] {
  const out: string[] = [];
  PRELOAD_FLAG.lastIndex = 0;
  for (let m = PRELOAD_FLAG.exec(cmd); m; m = PRELOAD_FLAG.exec(cmd)) if (!m[1]!.startsWith('-')) out.push(m[1]!);
  return out;
}

const isPackageSpec = (spec: string) => !spec.startsWith('.') && !spec.startsWith('/');

/** The package specifiers the scripts of a package.json preload into node. */
function scriptPreloads(scripts: unknown): string[] {
  if (!scripts || typeof scripts !== 'object') return [];
  const out = new Set<string>();
  for (const cmd of Object.values(scripts as Record<string, unknown>)) {
    if (typeof cmd !== 'string') continue;
    for (const spec of commandPreloads(cmd)) if (isPackageSpec(spec)) out.add(spec);
  }
  return [...out].sort();
}

export class PackageVersions {
  private readonly byDir = new Map<string, Deps | null>();

  /**
   * `root`: the repository's root; package.json files above it are never read (the project is the
   * repository). Absent: the filesystem root.
   */
  constructor(private readonly root?: string) {}

  private above(dir: string): boolean {
    if (!this.root) return false;
    const rel = path.relative(this.root, dir);
    return rel.startsWith('..') || path.isAbsolute(rel);
  }

  private depsIn(dir: string): Deps | null {
    let deps = this.byDir.get(dir);
    if (deps !== undefined) return deps;
    deps = null;
    if (this.above(dir)) {
      this.byDir.set(dir, deps);
      return deps;
    }
    try {
      const pkg = JSON.parse(readRegularFile(path.join(dir, 'package.json')).toString('utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
      if (!pkg || typeof pkg !== 'object' || Array.isArray(pkg)) throw new Error('not an object');
      deps = {};
      if (pkg.workspaces || fs.existsSync(path.join(dir, 'pnpm-workspace.yaml')) || fs.existsSync(path.join(dir, 'lerna.json'))) deps[WORKSPACE] = true;
      for (const key of ['peerDependencies', 'optionalDependencies', 'devDependencies', 'dependencies']) {
        const d = pkg[key];
        if (d && typeof d === 'object') for (const [k, v] of Object.entries(d)) if (typeof v === 'string') deps[k] = v;
      }
      const preloads = scriptPreloads(pkg.scripts);
      if (preloads.length) deps[PRELOADS] = preloads;
      const scripts: Record<string, string> = {};
      if (pkg.scripts && typeof pkg.scripts === 'object') for (const [k, v] of Object.entries(pkg.scripts)) if (typeof v === 'string') scripts[k] = v;
      const bin = typeof pkg.bin === 'string' ? [pkg.bin] : pkg.bin && typeof pkg.bin === 'object' ? Object.values(pkg.bin).filter((x): x is string => typeof x === 'string') : [];
      deps[INFO] = {
        dir,
        ...(typeof pkg.name === 'string' ? { name: pkg.name } : {}),
        ...(pkg.private === true ? { private: true } : {}),
        ...(typeof pkg.main === 'string' ? { main: pkg.main } : {}),
        bin,
        scripts,
        deps: { ...deps },
        workspaceRoot: !!deps[WORKSPACE],
      };
    } catch {
      deps = null;
    }
    this.byDir.set(dir, deps);
    return deps;
  }

  /** The directories whose package.json (or its absence) some answer depended on (`--cache` checks them). */
  consultedDirs(): string[] {
    return [...this.byDir.keys()];
  }

  private readonly preloadsByDir = new Map<string, string[]>();

  /**
   * Package specifiers that the scripts of the file's project preload into node (`node --import <m>`,
   * `-r <m>`, `NODE_OPTIONS`): the nearest package.json's, and an enclosing workspace root's.
   */
  preloads(file: string): string[] {
    const start = path.dirname(file);
    const memo = this.preloadsByDir.get(start);
    if (memo) return memo;
    const out: string[] = [];
    let dir = start;
    let nearestSeen = false;
    for (;;) {
      const deps = this.depsIn(dir);
      if (deps && (!nearestSeen || deps[WORKSPACE])) {
        out.push(...(deps[PRELOADS] ?? []));
        nearestSeen = true;
        if (deps[WORKSPACE]) break;
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    this.preloadsByDir.set(start, out);
    return out;
  }

  /** The package (nearest package.json within the repository) a file belongs to. */
  packageOf(file: string): PackageInfo | undefined {
    let dir = path.dirname(file);
    for (;;) {
      if (this.above(dir)) return undefined;
      const deps = this.depsIn(dir);
      if (deps?.[INFO]) return deps[INFO];
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  }

  /** The workspace root enclosing a package directory (itself when it is one), or undefined. */
  workspaceRootOf(dir: string): string | undefined {
    for (let d = dir; ; ) {
      if (this.above(d)) return undefined;
      if (this.depsIn(d)?.[WORKSPACE]) return d;
      const parent = path.dirname(d);
      if (parent === d) return undefined;
      d = parent;
    }
  }

  declared(file: string, pkg: string): string | undefined {
    let dir = path.dirname(file);
    let nearestSeen = false;
    for (;;) {
      const deps = this.depsIn(dir);
      if (deps && (!nearestSeen || deps[WORKSPACE])) {
        const v = deps[pkg];
        if (typeof v === 'string') return this.resolveRange(dir, pkg, v);
        nearestSeen = true;
        if (deps[WORKSPACE]) return undefined;
      }
      const parent = path.dirname(dir);
      if (parent === dir || this.above(parent)) return undefined;
      dir = parent;
    }
  }

  private readonly resolved = new Map<string, string | undefined>();

  /** A declared range as the package manager resolves it (see the module comment). */
  private resolveRange(dir: string, pkg: string, raw: string): string | undefined {
    const key = `${dir}\0${pkg}\0${raw}`;
    if (this.resolved.has(key)) return this.resolved.get(key);
    let v: string | undefined = raw.trim();
    if (v.startsWith('npm:')) v = v.slice(v.lastIndexOf('@') + 1);
    if (v.startsWith('catalog:')) v = this.catalogRange(dir, pkg, v.slice('catalog:'.length).trim() || 'default');
    else if (v.startsWith('workspace:')) {
      const r = v.slice('workspace:'.length);
      v = r === '*' || r === '^' || r === '~' || r === '' ? undefined : r;
    }
    if (v !== undefined && this.ambiguous(v)) v = this.lockedVersion(dir, pkg) ?? v;
    else if (v === undefined || v === 'latest' || v === '*') v = this.lockedVersion(dir, pkg);
    this.resolved.set(key, v);
    return v;
  }

  /** A range that admits several major versions (`*`, `latest`, `>=4`, `4 || 5`), or none that semver reads. */
  private ambiguous(range: string): boolean {
    // The common shapes (`^1.2.3`, `~1.2`, `1.2.3`, `1.x`) name one major: no need to load semver.
    if (/^[\^~=v]?\s*(?:0|[1-9]\d*)(?:\.(?:\d+|x|\*))?(?:\.(?:\d+|x|\*))?(?:-[\w.]+)?$/.test(range.trim())) return false;
    const sv = semver();
    if (!sv.validRange(range)) return true;
    const min = sv.minVersion(range);
    if (!min) return true;
    return sv.intersects(range, `>=${min.major + 1}.0.0-0`, { includePrerelease: true });
  }

  private readonly texts = new Map<string, string | null>();
  private text(file: string): string | undefined {
    if (!this.texts.has(file)) {
      let t: string | null = null;
      try {
        const st = fs.statSync(file);
        if (st.isFile() && st.size < 64 * 1024 * 1024) t = fs.readFileSync(file, 'utf8');
      } catch {
        t = null;
      }
      this.texts.set(file, t);
    }
    return this.texts.get(file) ?? undefined;
  }

  /** `catalog:` / `catalog:<name>`: the range in the workspace root's catalog (pnpm, Bun, Yarn). */
  private catalogRange(dir: string, pkg: string, name: string): string | undefined {
    const root = this.workspaceRootOf(dir) ?? dir;
    const pick = (catalogs: { catalog?: unknown; catalogs?: unknown } | undefined): string | undefined => {
      if (!catalogs) return undefined;
      const c = name === 'default' ? catalogs.catalog ?? (catalogs.catalogs as Record<string, unknown> | undefined)?.default : (catalogs.catalogs as Record<string, unknown> | undefined)?.[name];
      const v = c && typeof c === 'object' ? (c as Record<string, unknown>)[pkg] : undefined;
      return typeof v === 'string' ? v : undefined;
    };
    const ws = this.text(path.join(root, 'pnpm-workspace.yaml'));
    if (ws) {
      try {
        const r = pick(yaml().parse(ws, { maxAliasCount: 100 }) as Record<string, unknown>);
        if (r) return r;
      } catch {
        // unreadable: try the others
      }
    }
    const pj = this.text(path.join(root, 'package.json'));
    if (pj) {
      try {
        const j = JSON.parse(pj.replace(/^\uFEFF/, '')) as Record<string, unknown>;
        const r = pick(j as never) ?? (j.workspaces && typeof j.workspaces === 'object' && !Array.isArray(j.workspaces) ? pick(j.workspaces as never) : undefined);
        if (r) return r;
      } catch {
        // not JSON: nothing
      }
    }
    const yarnrc = this.text(path.join(root, '.yarnrc.yml'));
    if (yarnrc) {
      try {
        const r = pick(yaml().parse(yarnrc, { maxAliasCount: 100 }) as Record<string, unknown>);
        if (r) return r;
      } catch {
        // unreadable
      }
    }
    return undefined;
  }

  /** The version of `pkg` the lockfile next to the package or its workspace root installed for `dir`. */
  private lockedVersion(dir: string, pkg: string): string | undefined {
    const roots = [dir];
    const ws = this.workspaceRootOf(dir);
    if (ws && ws !== dir) roots.push(ws);
    for (const root of roots) {
      const rel = path.relative(root, dir).split(path.sep).join('/');
      for (const name of ['package-lock.json', 'npm-shrinkwrap.json']) {
        const t = this.text(path.join(root, name));
        if (!t) continue;
        try {
          const j = JSON.parse(t) as { packages?: Record<string, { version?: string }>; dependencies?: Record<string, { version?: string }> };
          const v = (rel && j.packages?.[`${rel}/node_modules/${pkg}`]?.version) || j.packages?.[`node_modules/${pkg}`]?.version || j.dependencies?.[pkg]?.version;
          if (v) return v;
        } catch {
          // malformed lockfile: no answer
        }
      }
      const pnpm = this.text(path.join(root, 'pnpm-lock.yaml'));
      if (pnpm) {
        try {
          const j = yaml().parse(pnpm, { maxAliasCount: 100 }) as { importers?: Record<string, Record<string, Record<string, unknown>>> };
          const imp = j.importers?.[rel || '.'];
          for (const kind of ['dependencies', 'devDependencies', 'optionalDependencies']) {
            const e = imp?.[kind]?.[pkg];
            const v = typeof e === 'string' ? e : e && typeof e === 'object' ? (e as { version?: unknown }).version : undefined;
            if (typeof v === 'string') return v.replace(/\(.*$/, '');
          }
        } catch {
          // malformed lockfile: no answer
        }
      }
      const yarn = this.text(path.join(root, 'yarn.lock'));
      if (yarn) {
        const esc = pkg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
        const m = new RegExp(`^"?${esc}@[^\\n]*:\\n(?:[ \\t]+[^\\n]*\\n)*?[ \\t]+version:? "?([^"\\s]+)"?`, 'm').exec(yarn);
        if (m) return m[1];
      }
      const bun = this.text(path.join(root, 'bun.lock'));
      if (bun) {
        const esc = pkg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
        const m = new RegExp(`"${esc}":\\s*\\[\\s*"${esc}@([^"]+)"`).exec(bun);
        if (m) return m[1];
      }
    }
    return undefined;
  }
}
