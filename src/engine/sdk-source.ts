/**
 * Catalog packages stay catalog packages. In an SDK's own repository (and in forks and vendored copies)
 * the SDK's source is a project file: examples import it relatively (`'../src'`) or through tsconfig
 * `paths` (`"openai": ["./src/index.ts"]`). What they call is still the SDK the catalog describes, so:
 *
 * - a bare specifier naming a catalog module is that module, whatever the aliases or workspaces map it to
 *   (decided by the caller before resolving aliases);
 * - a project file inside a package whose package.json `name` is a catalog package is that package's
 *   module: its entry (`src/index`, `index`, what `main`/`types`/`exports["."]` name) is the package,
 *   another file `<name>/<path without src/>`;
 * - the SDK's own implementation files (under the package's `src/` or `lib/`, or its entry) are not
 *   call sites: their calls are the SDK at work, not the application's.
 */

import fs from 'node:fs';
import path from 'node:path';
import { readRegularFile } from '../safe-fs.js';
import { moduleKey } from './catalog.js';

interface OwnPackage {
  dir: string;
  name: string;
  /** Module keys (absolute, without extension) of the package's entry. */
  entries: Set<string>;
}

const NONE = null;

export class SdkSources {
  private readonly byDir = new Map<string, OwnPackage | null>();

  constructor(
    /** Whether a package name is one the catalog describes (`openai`, `@anthropic-ai/sdk`). */
    private readonly isCatalogPackage: (name: string) => boolean,
  ) {}

  /** The nearest package.json's package, when its name is a catalog package. */
  private packageOf(file: string): OwnPackage | undefined {
    const visited: string[] = [];
    let found: OwnPackage | null = NONE;
    for (let dir = path.dirname(file); ; ) {
      const memo = this.byDir.get(dir);
      if (memo !== undefined) {
        found = memo;
        break;
      }
      visited.push(dir);
      let text: string | undefined;
      try {
        text = readRegularFile(path.join(dir, 'package.json')).toString('utf8');
      } catch {
        text = undefined;
      }
      if (text !== undefined) {
        found = this.read(dir, text);
        break;
      }
      const parent = path.dirname(dir);
      if (parent === dir || /[\\/]node_modules$/.test(dir)) break;
      dir = parent;
    }
    for (const d of visited) this.byDir.set(d, found);
    return found ?? undefined;
  }

  private read(dir: string, text: string): OwnPackage | null {
    let pkg: Record<string, unknown>;
    try {
      pkg = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
    } catch {
      return NONE;
    }
    const name = typeof pkg?.name === 'string' ? pkg.name : undefined;
    if (!name || !this.isCatalogPackage(name)) return NONE;
    const entries = new Set<string>();
    const add = (p: unknown) => {
      if (typeof p !== 'string') return;
      const abs = path.resolve(dir, p);
      entries.add(moduleKey(abs));
      // `dist/index.js` is built from `src/index.ts`.
      const rel = path.relative(dir, abs).split(path.sep);
      if (rel.length > 1 && ['dist', 'build', 'lib', 'out'].includes(rel[0]!)) entries.add(moduleKey(path.join(dir, 'src', ...rel.slice(1))));
    };
    add(pkg.main);
    add(pkg.types);
    add(pkg.module);
    const exp = pkg.exports;
    const dot = typeof exp === 'string' ? exp : exp && typeof exp === 'object' ? (exp as Record<string, unknown>)['.'] : undefined;
    if (typeof dot === 'string') add(dot);
    else if (dot && typeof dot === 'object') for (const v of Object.values(dot as Record<string, unknown>)) add(typeof v === 'object' && v ? (v as Record<string, unknown>).default : v);
    for (const e of ['src/index', 'index', 'src/mod', 'mod']) entries.add(moduleKey(path.join(dir, e)));
    return { dir, name, entries };
  }

  /**
   * The catalog module a project module path names (absolute, with or without extension) when it lies in
   * a catalog package's own source, else undefined.
   */
  catalogModuleFor(modulePath: string): string | undefined {
    const pkg = this.packageOf(modulePath + (path.extname(modulePath) ? '' : '.ts'));
    if (!pkg) return undefined;
    const key = moduleKey(modulePath);
    if (pkg.entries.has(key) || pkg.entries.has(key + '/index') || key === moduleKey(pkg.dir)) return pkg.name;
    let rel = path.relative(pkg.dir, key).split(path.sep).join('/');
    if (rel.startsWith('..')) return undefined;
    rel = rel.replace(/^src\//, '').replace(/\/index$/, '');
    return `${pkg.name}/${rel}`;
  }

  /** Whether a file is the implementation of a catalog package (its `src/`, `lib/` or entry), not an application of it. */
  isImplementation(file: string): boolean {
    return this.implementationOf(file) !== undefined;
  }

  /** The catalog package a file implements (its `src/`, `lib/` or entry), or undefined for an application of it. */
  implementationOf(file: string): string | undefined {
    const pkg = this.packageOf(file);
    if (!pkg) return undefined;
    const rel = path.relative(pkg.dir, file).split(path.sep).join('/');
    if (/^(src|lib)\//.test(rel)) return !/(^|\/)(examples?|__tests__|tests?|ecosystem-tests|scripts)\//.test(rel) && !/\.(test|spec)\.[cm]?[jt]sx?$/.test(rel) ? pkg.name : undefined;
    return pkg.entries.has(moduleKey(file)) ? pkg.name : undefined;
  }
}
