/**
 * Declared dependency versions. The nearest package.json is the project's; when it does not declare
 * the package, an enclosing workspace root (npm/yarn `workspaces`, pnpm-workspace.yaml, lerna.json) may,
 * since monorepos hoist shared dependencies there. Nothing above that is consulted.
 */

import fs from 'node:fs';
import path from 'node:path';

type Deps = Record<string, string> & { [WORKSPACE]?: boolean; [PRELOADS]?: string[] };
const WORKSPACE = Symbol('workspace root');
const PRELOADS = Symbol('preloaded modules');

/**
 * A module given to node before the program by a flag: `--import <m>`, `--require <m>`, `-r <m>` (also with
 * `=`), in a command or in `NODE_OPTIONS='...'`. Relative paths name project files (analysed anyway).
 */
const PRELOAD_FLAG = /(?:^|[\s'"=])(?:--import|--require|-r)(?:=|\s+)['"]?([^\s'"]+)/g;

/** The package specifiers the scripts of a package.json preload into node. */
function scriptPreloads(scripts: unknown): string[] {
  if (!scripts || typeof scripts !== 'object') return [];
  const out = new Set<string>();
  for (const cmd of Object.values(scripts as Record<string, unknown>)) {
    if (typeof cmd !== 'string') continue;
    PRELOAD_FLAG.lastIndex = 0;
    for (let m = PRELOAD_FLAG.exec(cmd); m; m = PRELOAD_FLAG.exec(cmd)) {
      const spec = m[1]!;
      if (!spec.startsWith('.') && !spec.startsWith('/') && !spec.startsWith('-')) out.add(spec);
    }
  }
  return [...out].sort();
}

export class PackageVersions {
  private readonly byDir = new Map<string, Deps | null>();

  private depsIn(dir: string): Deps | null {
    let deps = this.byDir.get(dir);
    if (deps !== undefined) return deps;
    deps = null;
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
      deps = {};
      if (pkg.workspaces || fs.existsSync(path.join(dir, 'pnpm-workspace.yaml')) || fs.existsSync(path.join(dir, 'lerna.json'))) deps[WORKSPACE] = true;
      for (const key of ['peerDependencies', 'optionalDependencies', 'devDependencies', 'dependencies']) {
        const d = pkg[key];
        if (d && typeof d === 'object') Object.assign(deps, d);
      }
      const preloads = scriptPreloads(pkg.scripts);
      if (preloads.length) deps[PRELOADS] = preloads;
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

  declared(file: string, pkg: string): string | undefined {
    let dir = path.dirname(file);
    let nearestSeen = false;
    for (;;) {
      const deps = this.depsIn(dir);
      if (deps && (!nearestSeen || deps[WORKSPACE])) {
        const v = deps[pkg];
        if (typeof v === 'string') return v.startsWith('npm:') ? v.slice(v.lastIndexOf('@') + 1) : v;
        nearestSeen = true;
        if (deps[WORKSPACE]) return undefined;
      }
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  }
}
