/**
 * Packages that fixes and codemods import but the project does not declare. tracewire never adds such
 * an import silently: with `--add-dependencies` it declares the package in the nearest package.json (at
 * the range the catalog gives), otherwise it prints the install command to run, in the package
 * manager the project uses.
 */

import fs from 'node:fs';
import path from 'node:path';
import type { FixDependency } from '../engine/types.js';

/** Packages needed per package.json (absolute path), each with its range when the catalog has one. */
export type NeededDependencies = Map<string, Map<string, string | undefined>>;

/** The nearest package.json above a file, or undefined. */
export function nearestPackageJson(file: string): string | undefined {
  for (let dir = path.dirname(file); ; ) {
    const p = path.join(dir, 'package.json');
    if (fs.existsSync(p)) return p;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function addNeeded(needed: NeededDependencies, file: string, deps: FixDependency[] | undefined): void {
  if (!deps?.length) return;
  const manifest = nearestPackageJson(file) ?? path.join(path.dirname(file), 'package.json');
  const m = needed.get(manifest) ?? needed.set(manifest, new Map()).get(manifest)!;
  for (const d of deps) if (!m.has(d.package) || (m.get(d.package) === undefined && d.range)) m.set(d.package, d.range);
}

/** The package manager a directory's project uses, from its lockfile (up to the filesystem root). */
function packageManager(dir: string): 'npm' | 'pnpm' | 'yarn' | 'bun' {
  for (let d = dir; ; ) {
    if (fs.existsSync(path.join(d, 'pnpm-lock.yaml'))) return 'pnpm';
    if (fs.existsSync(path.join(d, 'yarn.lock'))) return 'yarn';
    if (fs.existsSync(path.join(d, 'bun.lockb')) || fs.existsSync(path.join(d, 'bun.lock'))) return 'bun';
    if (fs.existsSync(path.join(d, 'package-lock.json'))) return 'npm';
    const parent = path.dirname(d);
    if (parent === d) return 'npm';
    d = parent;
  }
}

/** `npm install a@^1 b`, in the project's package manager. */
export function installCommand(manifest: string, packages: Map<string, string | undefined>): string {
  const pm = packageManager(path.dirname(manifest));
  if (packages.size === 0) return `${pm} install`;
  const specs = [...packages].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, r]) => (r ? `${p}@${r}` : p));
  const quoted = specs.map((s) => (/[\^~<>=| *]/.test(s) ? `'${s}'` : s));
  return `${pm === 'npm' ? 'npm install' : `${pm} add`} ${quoted.join(' ')}`;
}

/**
 * `text` (a package.json) with `packages` added to `dependencies` (created when missing), in the file's
 * indentation and line endings, keys kept sorted when they were. Packages without a range, or already
 * declared in any dependency field, are left out. Undefined when nothing changes or the text is not a
 * JSON object.
 */
export function withDependencies(text: string, packages: Map<string, string | undefined>): { text: string; added: string[] } | undefined {
  let pkg: Record<string, unknown>;
  try {
    const parsed = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    pkg = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const declared = (name: string) =>
    ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].some((k) => {
      const d = pkg[k];
      return !!d && typeof d === 'object' && Object.prototype.hasOwnProperty.call(d, name);
    });
  const toAdd = [...packages].filter(([name, range]) => range && !declared(name)).sort(([a], [b]) => (a < b ? -1 : 1)) as [string, string][];
  if (toAdd.length === 0) return undefined;
  const existing = pkg.dependencies && typeof pkg.dependencies === 'object' ? (pkg.dependencies as Record<string, string>) : undefined;
  let deps: Record<string, string>;
  if (existing) {
    const keys = Object.keys(existing);
    const sorted = keys.every((k, i) => i === 0 || keys[i - 1]! <= k);
    const merged: Record<string, string> = { ...existing };
    for (const [name, range] of toAdd) merged[name] = range;
    deps = sorted ? Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : 1))) : merged;
  } else deps = Object.fromEntries(toAdd);
  const next = { ...pkg, dependencies: deps };
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let out = JSON.stringify(next, null, indent);
  if (eol !== '\n') out = out.replace(/\n/g, eol);
  if (/\r?\n$/.test(text)) out += eol;
  return { text: (text.startsWith('\uFEFF') ? '\uFEFF' : '') + out, added: toAdd.map(([n]) => n) };
}
