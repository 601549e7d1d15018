/** Declared dependency versions, from the nearest package.json that declares the package. */

import fs from 'node:fs';
import path from 'node:path';

type Deps = Record<string, string>;

export class PackageVersions {
  private readonly byDir = new Map<string, Deps | null>();

  private depsIn(dir: string): Deps | null {
    let deps = this.byDir.get(dir);
    if (deps !== undefined) return deps;
    deps = null;
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
      deps = {};
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

  declared(file: string, pkg: string): string | undefined {
    let dir = path.dirname(file);
    for (;;) {
      const deps = this.depsIn(dir);
      const v = deps?.[pkg];
      if (typeof v === 'string') return v.startsWith('npm:') ? v.slice(v.lastIndexOf('@') + 1) : v;
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  }
}
