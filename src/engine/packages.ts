/**
 * Declared dependency versions. The nearest package.json is the project's; when it does not declare
 * the package, an enclosing workspace root (npm/yarn `workspaces`, pnpm-workspace.yaml, lerna.json) may,
 * since monorepos hoist shared dependencies there. Nothing above that is consulted.
 */

import fs from 'node:fs';
import path from 'node:path';

type Deps = Record<string, string> & { [WORKSPACE]?: boolean };
const WORKSPACE = Symbol('workspace root');

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
