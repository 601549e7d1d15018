/** Expanding the command line's paths into the files to check. */

import fs from 'node:fs';
import path from 'node:path';
import { inputGlobs, isInputFile, isUnder, type ObservabilitySettings } from '../config/observability.js';

export const SOURCE_EXTENSIONS = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];

/** Never scanned unless `--no-ignore`: dependencies, build output, generated and minified files. */
export const DEFAULT_IGNORES = [
  '**/node_modules/**',
  '**/.git/**',
  '**/dist/**',
  '**/build/**',
  '**/out/**',
  '**/coverage/**',
  '**/.next/**',
  '**/.nuxt/**',
  '**/.output/**',
  '**/.turbo/**',
  '**/.vercel/**',
  '**/.cache/**',
  // Tools' own folders (dependencies, build output and caches): other dot-folders (`.server/`,
  // `.github/scripts/`, `.storybook/`) hold the project's code and are scanned.
  '**/.yarn/**',
  '**/.pnpm-store/**',
  '**/.svelte-kit/**',
  '**/.docusaurus/**',
  '**/.expo/**',
  '**/.angular/**',
  '**/.parcel-cache/**',
  '**/.serverless/**',
  '**/.vscode-test/**',
  '**/.nx/**',
  '**/.wrangler/**',
  '**/.netlify/**',
  '**/.astro/**',
  '**/.vite/**',
  '**/.history/**',
  '**/*.min.js',
  '**/*.d.ts',
  '**/*.d.mts',
  '**/*.d.cts',
];

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface FileListOptions {
  cwd: string;
  paths: string[];
  noIgnore?: boolean;
  ignores?: string[];
  /**
   * Also list the observability files (Prometheus rules, Grafana dashboards) these settings locate, inside
   * the directories given (files named explicitly are always listed).
   */
  inputs?: ObservabilitySettings;
}

const SOURCE_RE = new RegExp(`\\.(${SOURCE_EXTENSIONS.join('|')})$`, 'i');

export function isSourceFile(file: string): boolean {
  return SOURCE_RE.test(file);
}

/** Absolute, sorted, de-duplicated paths. Files named explicitly are always included. */
export async function listFiles(opts: FileListOptions): Promise<string[]> {
  const { cwd } = opts;
  const inputs = opts.paths.length ? opts.paths : ['.'];
  const explicit: string[] = [];
  const patterns: string[] = [];
  const dirs: string[] = [];
  for (const p of inputs) {
    const abs = path.resolve(cwd, p);
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(abs);
    } catch {
      st = undefined;
    }
    if (st?.isFile()) explicit.push(abs);
    else if (st?.isDirectory()) {
      dirs.push(abs);
      const rel = path.relative(cwd, abs).split(path.sep).join('/');
      const base = rel === '' ? '' : rel.startsWith('..') ? abs.split(path.sep).join('/') : rel;
      patterns.push(`${base ? base + '/' : ''}**/*.{${SOURCE_EXTENSIONS.join(',')}}`);
    } else if ((await import('globby')).isDynamicPattern(p)) patterns.push(p);
    else throw new UsageError(`No such file or directory: ${p}`);
  }
  // The observability files of the whole project, when it is what is listed: in the same walk.
  const together = !!opts.inputs && dirs.length === 1 && path.resolve(dirs[0]!) === path.resolve(opts.inputs.dir) && path.resolve(cwd) === path.resolve(opts.inputs.dir);
  const inputPatterns = together ? inputGlobs(opts.inputs!) : [];
  const found = patterns.length
    ? // The synchronous walk: the same files, without an asynchronous stat per file (globby's ignore filter).
      (await import('globby')).globbySync([...patterns, ...inputPatterns], {
        cwd,
        absolute: true,
        onlyFiles: true,
        // Dot-folders are the project's too (`.server/`, `.github/scripts/`); tools' ones are default ignores.
        dot: true,
        followSymbolicLinks: false,
        gitignore: !opts.noIgnore,
        ignore: opts.noIgnore ? [] : [...DEFAULT_IGNORES, ...(opts.ignores ?? [])],
        suppressErrors: true,
      })
    : [];
  const all = new Set<string>([...explicit, ...found.filter((f) => isSourceFile(f) || (together && isInputFile(f))).map((f) => path.resolve(f))]);
  if (opts.inputs && dirs.length && !together) {
    const { globbySync } = await import('globby');
    const located = globbySync(inputGlobs(opts.inputs), {
      cwd: opts.inputs.dir,
      absolute: true,
      onlyFiles: true,
      dot: false,
      followSymbolicLinks: false,
      gitignore: !opts.noIgnore,
      ignore: opts.noIgnore ? [] : [...DEFAULT_IGNORES, ...(opts.ignores ?? [])],
      suppressErrors: true,
    });
    for (const f of located) {
      const abs = path.resolve(f);
      if (!isSourceFile(abs) && dirs.some((d) => isUnder(abs, d))) all.add(abs);
    }
  }
  return [...all].sort();
}

export function displayPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return (rel === '' ? path.basename(file) : rel).split(path.sep).join('/');
}
