/**
 * The process model: which processes a repository runs, and which of its files each one loads.
 *
 * A global registration (OpenTelemetry `NodeSDK`, `traceloop.initialize`, `Sentry.init`, a preloaded
 * `--import` module, Next.js `instrumentation.ts`) traces only the process that runs it. A repository runs
 * several: an API, a website, workers, scripts, examples, tests. So a registration wires a call only when
 * every process that can run the call has loaded the registration.
 *
 * Entry points, from what the repository itself says:
 *
 * - package.json `scripts` that run a file (`node dist/main.js`, `tsx src/x.ts`, `ts-node`, `nodemon`,
 *   `bun src/x.ts`, `deno run`, `node .`), with the modules their command line preloads (`--import`,
 *   `--require`, `-r`, `NODE_OPTIONS`); a compiled path (`dist/`, `build/`, `lib/`, `out/`) is mapped back to
 *   its source; and `bin`;
 * - frameworks: a Next.js app (a package that depends on `next`) runs the files under `app/`, `pages/`
 *   (also in `src/`) and `middleware`, with its `instrumentation` file loaded first; a trigger.dev project
 *   runs the files in its `trigger.config` `dirs`, with that config (its `instrumentations`) loaded first;
 *   NestJS (`nest start`) runs `src/main`; Mastra (`mastra dev`) runs `src/mastra/index`;
 * - a file that nothing imports and that runs code at top level (a script, an example, an eval, a test).
 *
 * The files of a process are those its entries (and preloads) reach through runtime imports. A file no
 * entry reaches (a library's source, consumed elsewhere) belongs to no process: it is judged by the
 * registrations of its own package.
 */

import path from 'node:path';
import { moduleKey } from './catalog.js';
import { commandPreloads, type PackageInfo } from './packages.js';
import type { FileSummary } from './values.js';

import type { Runtime } from './catalog-schema.js';
export type { Runtime };

export interface ProcessInfo {
  /** Stable id: kind, package directory and entry. */
  id: string;
  kind: 'script' | 'bin' | 'next' | 'trigger' | 'framework' | 'entry';
  /** How messages name it: "`scripts/backfill.ts`", "the Next.js app in `apps/web`", "npm script `worker` in `apps/api`". */
  label: string;
  runtime: Runtime;
  /** Entry files (absolute paths of analysed files). */
  entries: string[];
  /** Project files loaded before the entries (`--import ./instrument.mjs`, `instrumentation.ts`, `trigger.config.ts`). */
  preloadFiles: string[];
  /** Package specifiers the command line preloads (`--import @opentelemetry/auto-instrumentations-node/register`). */
  preloadSpecs: string[];
  /** The package directory the process belongs to. */
  pkgDir: string;
}

export interface ProcessHost {
  packageOf(file: string): PackageInfo | undefined;
  /** Display a path (relative to the working directory). */
  display(file: string): string;
  /** Read a project file's text (a framework config), or undefined. */
  readText?(file: string): string | undefined;
}

/** A Next.js route segment config choosing the edge runtime. */
const EDGE_ROUTE = /\bexport\s+const\s+runtime\s*=\s*['"](?:edge|experimental-edge)['"]/;

/** Test files (run one by one by a test runner). */
const TEST_FILE = /(\.(test|spec|e2e|eval)\.[cm]?[jt]sx?$)|([\\/]__tests__[\\/])/;

const SOURCE_EXT = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const BUILD_DIRS = new Set(['dist', 'build', 'lib', 'out', '.output', 'bin']);

/** Runners whose first positional argument is the file they run. */
const RUNNERS: Record<string, Runtime> = {
  node: 'node',
  tsx: 'node',
  'ts-node': 'node',
  'ts-node-dev': 'node',
  'ts-node-esm': 'node',
  tsnd: 'node',
  nodemon: 'node',
  'node-dev': 'node',
  'babel-node': 'node',
  esno: 'node',
  esr: 'node',
  'vite-node': 'node',
  jiti: 'node',
  bun: 'bun',
  deno: 'deno',
};
/** Flags of those runners that take a value (skipped when looking for the file). */
const VALUE_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--env-file', '--conditions', '-C', '--watch-path', '--inspect-port', '--tsconfig', '--project', '-P', '--exec', '-x', '--ext', '-e', '--ignore', '--config', '--preload', '--cwd', '--allow-read', '--allow-net', '--allow-env']);
/** Words that wrap a command. */
const WRAPPERS = new Set(['npx', 'pnpx', 'bunx', 'exec', 'cross-env', 'env', 'dotenv', 'dotenvx', 'time', 'nice', 'run', 'x', 'infisical', 'doppler', 'op', 'concurrently']);

export class ProcessModel {
  readonly processes: ProcessInfo[] = [];
  /** Module key → analysed file. */
  private readonly byKey = new Map<string, string>();
  private readonly importsOf = new Map<string, string[]>();
  private readonly importersOf = new Map<string, string[]>();
  /** Importer → imported file → the names it takes (`*`: everything). */
  private readonly namesOf = new Map<string, Map<string, Set<string>>>();
  private readonly ancestorsMemo = new Map<string, Set<string>>();
  private readonly closureMemo = new Map<string, Map<string, string | null>>();

  constructor(
    summaries: readonly FileSummary[],
    private readonly host: ProcessHost,
  ) {
    const files = summaries.map((s) => s.file).sort();
    for (const f of files) {
      const k = moduleKey(f);
      const prev = this.byKey.get(k);
      if (!prev || (/\.[cm]?tsx?$/.test(f) && !/\.[cm]?tsx?$/.test(prev))) this.byKey.set(k, f);
    }
    for (const s of summaries) {
      if (s.importNames) {
        const m = new Map<string, Set<string>>();
        for (const [mod, names] of Object.entries(s.importNames)) {
          const f = this.fileFor(mod);
          if (!f) continue;
          const set = m.get(f) ?? m.set(f, new Set()).get(f)!;
          for (const n of names) set.add(n);
        }
        this.namesOf.set(s.file, m);
      }
      const targets = [...new Set((s.imports ?? []).map((m) => this.fileFor(m)).filter((x): x is string => !!x && x !== s.file))].sort();
      this.importsOf.set(s.file, targets);
      for (const t of targets) (this.importersOf.get(t) ?? this.importersOf.set(t, []).get(t)!).push(s.file);
    }
    this.discover(summaries, files);
  }

  /** The analysed file a module path (absolute, with or without extension) names. */
  fileFor(modulePath: string): string | undefined {
    const k = moduleKey(modulePath);
    return this.byKey.get(k) ?? this.byKey.get(k + '/index');
  }

  private discover(summaries: readonly FileSummary[], files: string[]): void {
    const seen = new Set<string>();
    const add = (p: ProcessInfo) => {
      if (!p.entries.length && !p.preloadFiles.length) return;
      if (seen.has(p.id)) return;
      seen.add(p.id);
      this.processes.push(p);
    };
    const packages = new Map<string, PackageInfo>();
    const byPackage = new Map<string, string[]>();
    for (const f of files) {
      const pkg = this.host.packageOf(f);
      if (!pkg) continue;
      if (!packages.has(pkg.dir)) packages.set(pkg.dir, pkg);
      (byPackage.get(pkg.dir) ?? byPackage.set(pkg.dir, []).get(pkg.dir)!).push(f);
    }
    const filesIn = (dir: string) => byPackage.get(dir) ?? [];
    const scriptEntries = new Set<string>();
    for (const pkg of [...packages.values()].sort((a, b) => (a.dir < b.dir ? -1 : 1))) {
      const own = filesIn(pkg.dir);
      // Messages name files relative to their package, and packages by name, so that they read the same
      // whatever directory tracewire runs from (the CLI and the editor agree).
      const rel = (f: string) => relTo(pkg.dir, f);
      const where = packageLabel(pkg);
      // Frameworks.
      if (pkg.deps.next !== undefined) {
        // Routes, pages and server components run in the Node.js server; middleware and routes that
        // declare `export const runtime = 'edge'` in the edge runtime. `instrumentation` runs first in both.
        const routes = own.filter((f) => /^(?:src\/)?(?:app|pages)\//.test(relTo(pkg.dir, f)));
        const edge = (f: string) => /^(?:src\/)?middleware\.[cm]?[jt]sx?$/.test(relTo(pkg.dir, f)) || (routes.includes(f) && EDGE_ROUTE.test(this.host.readText?.(f) ?? ''));
        const preloads = own.filter((f) => /^(?:src\/)?instrumentation(?:\.node)?\.[cm]?[jt]s$/.test(relTo(pkg.dir, f)));
        add({ id: `next:${pkg.dir}`, kind: 'next', label: `the Next.js app ${where}`, runtime: 'node', entries: routes.filter((f) => !edge(f)), preloadFiles: preloads, preloadSpecs: [], pkgDir: pkg.dir });
        const edgeEntries = own.filter(edge);
        if (edgeEntries.length) add({ id: `next-edge:${pkg.dir}`, kind: 'next', label: `the edge runtime of the Next.js app ${where}`, runtime: 'edge', entries: edgeEntries, preloadFiles: preloads, preloadSpecs: [], pkgDir: pkg.dir });
      }
      const triggerConfig = own.find((f) => /^trigger\.config\.[cm]?[jt]s$/.test(relTo(pkg.dir, f)));
      if (triggerConfig) {
        const dirs = triggerDirs(this.host.readText?.(triggerConfig)).map((d) => path.resolve(pkg.dir, d));
        const entries = own.filter((f) => f !== triggerConfig && dirs.some((d) => f.startsWith(d + path.sep)));
        add({ id: `trigger:${pkg.dir}`, kind: 'trigger', label: `the trigger.dev project ${where}`, runtime: 'node', entries, preloadFiles: [triggerConfig], preloadSpecs: [], pkgDir: pkg.dir });
      }
      // Scripts and executables.
      for (const name of Object.keys(pkg.scripts).sort()) {
        for (const cmd of splitCommands(pkg.scripts[name]!)) {
          const parsed = parseCommand(cmd);
          if (!parsed) continue;
          const preloadFiles: string[] = [];
          const preloadSpecs: string[] = [];
          for (const spec of commandPreloads(cmd)) {
            if (spec.startsWith('.') || spec.startsWith('/')) {
              const f = this.sourceFor(path.resolve(pkg.dir, spec), pkg);
              if (f) preloadFiles.push(f);
            } else preloadSpecs.push(spec);
          }
          let entry: string | undefined;
          if (parsed.framework === 'nest') entry = this.sourceFor(path.join(pkg.dir, 'src/main'), pkg);
          else if (parsed.framework === 'mastra') entry = this.sourceFor(path.join(pkg.dir, 'src/mastra/index'), pkg);
          else if (parsed.file === '.' || parsed.file === undefined) entry = parsed.file === '.' || parsed.runsMain ? this.mainOf(pkg) : undefined;
          else entry = this.sourceFor(path.resolve(pkg.dir, parsed.file), pkg);
          if (!entry) continue;
          scriptEntries.add(entry);
          add({
            id: `script:${pkg.dir}:${name}:${entry}`,
            kind: parsed.framework ? 'framework' : 'script',
            label: `npm script \`${name}\` of ${where} (\`${rel(entry)}\`)`,
            runtime: parsed.runtime,
            entries: [entry],
            preloadFiles,
            preloadSpecs,
            pkgDir: pkg.dir,
          });
        }
      }
      for (const b of pkg.bin) {
        const entry = this.sourceFor(path.resolve(pkg.dir, b), pkg);
        if (!entry) continue;
        scriptEntries.add(entry);
        add({ id: `bin:${pkg.dir}:${entry}`, kind: 'bin', label: `the executable \`${rel(entry)}\` of ${where}`, runtime: 'node', entries: [entry], preloadFiles: [], preloadSpecs: [], pkgDir: pkg.dir });
      }
    }
    // Files nothing imports that run code when loaded: scripts, examples, evals, tests. A test file runs
    // after its runner's setup files (vitest/jest `setupFiles`).
    const preloaded = new Set(this.processes.flatMap((p) => p.preloadFiles));
    const setupMemo = new Map<string, string[]>();
    for (const s of summaries) {
      if (!s.runs || scriptEntries.has(s.file) || preloaded.has(s.file) || (this.importersOf.get(s.file)?.length ?? 0) > 0) continue;
      const pkg = this.host.packageOf(s.file);
      const label = pkg ? `\`${relTo(pkg.dir, s.file)}\` of ${packageLabel(pkg)}` : `\`${path.basename(s.file)}\``;
      let setup: string[] = [];
      if (pkg && TEST_FILE.test(s.file)) {
        setup = setupMemo.get(pkg.dir) ?? setupMemo.set(pkg.dir, this.setupFiles(pkg)).get(pkg.dir)!;
      }
      add({ id: `entry:${s.file}`, kind: 'entry', label, runtime: 'node', entries: [s.file], preloadFiles: setup.filter((f) => f !== s.file), preloadSpecs: [], pkgDir: pkg?.dir ?? path.dirname(s.file) });
    }
    this.processes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The setup files a package's test runner loads before each test file (vitest or jest config, or package.json `jest`). */
  private setupFiles(pkg: PackageInfo): string[] {
    const texts: string[] = [];
    for (const base of ['vitest.config', 'vite.config', 'jest.config']) for (const ext of SOURCE_EXT) texts.push(this.host.readText?.(path.join(pkg.dir, base + ext)) ?? '');
    texts.push(this.host.readText?.(path.join(pkg.dir, 'package.json')) ?? '');
    const out: string[] = [];
    for (const text of texts) {
      for (const m of text.matchAll(/["']?(?:setupFiles|setupFilesAfterEnv)["']?\s*:\s*(\[[^\]]*\]|["'][^"']+["'])/g)) {
        for (const q of m[1]!.matchAll(/["']([^"']+)["']/g)) {
          const f = this.sourceFor(path.resolve(pkg.dir, q[1]!.replace(/^<rootDir>\//, '')), pkg);
          if (f && !out.includes(f)) out.push(f);
        }
      }
    }
    return out;
  }

  /** The package's `main`, as a source file. */
  private mainOf(pkg: PackageInfo): string | undefined {
    return this.sourceFor(path.resolve(pkg.dir, pkg.main ?? 'index.js'), pkg);
  }

  /** The analysed source file for a path a command names (compiled output mapped back to its source). */
  private sourceFor(p: string, pkg: PackageInfo): string | undefined {
    const direct = this.fileFor(p);
    if (direct) return direct;
    const rel = relTo(pkg.dir, p);
    const parts = rel.split('/');
    if (parts.length > 1 && BUILD_DIRS.has(parts[0]!)) {
      const rest = parts.slice(1).join('/');
      for (const base of ['src', '.', 'source', 'app']) {
        const f = this.fileFor(path.resolve(pkg.dir, base, rest));
        if (f) return f;
      }
      // `dist/src/x.js` (tsc with rootDir at the package).
      if (parts[1] === 'src') {
        const f = this.fileFor(path.resolve(pkg.dir, rest));
        if (f) return f;
      }
    }
    return undefined;
  }

  /** The analysed files that import `file` (directly). */
  importers(file: string): string[] {
    return this.importersOf.get(file) ?? [];
  }

  /** Every file from which `file` can be reached through imports (itself included). */
  private ancestors(file: string): Set<string> {
    let a = this.ancestorsMemo.get(file);
    if (a) return a;
    a = new Set([file]);
    const stack = [file];
    while (stack.length) {
      const f = stack.pop()!;
      for (const i of this.importersOf.get(f) ?? []) {
        if (a.has(i)) continue;
        a.add(i);
        stack.push(i);
      }
    }
    this.ancestorsMemo.set(file, a);
    return a;
  }

  /** The processes that load `file`. */
  processesOf(file: string): ProcessInfo[] {
    const anc = this.ancestors(file);
    return this.processes.filter((p) => p.entries.some((e) => anc.has(e)) || p.preloadFiles.some((e) => anc.has(e)));
  }

  /**
   * The files a process loads, each with the file that imported it (null for entries and preloads):
   * breadth-first, so `pathTo` gives a shortest import chain.
   */
  private closure(p: ProcessInfo): Map<string, string | null> {
    let c = this.closureMemo.get(p.id);
    if (c) return c;
    c = new Map();
    const queue: string[] = [];
    for (const f of [...p.preloadFiles, ...p.entries]) {
      if (c.has(f)) continue;
      c.set(f, null);
      queue.push(f);
    }
    for (let i = 0; i < queue.length; i++) {
      const f = queue[i]!;
      for (const t of this.importsOf.get(f) ?? []) {
        if (c.has(t)) continue;
        c.set(t, f);
        queue.push(t);
      }
    }
    this.closureMemo.set(p.id, c);
    return c;
  }

  /** Whether the process loads `file`. */
  loads(p: ProcessInfo, file: string): boolean {
    return this.closure(p).has(file);
  }

  /** The import chain from an entry (or preload) of `p` to `file`, or undefined when `p` does not load it. */
  pathTo(p: ProcessInfo, file: string): string[] | undefined {
    const c = this.closure(p);
    if (!c.has(file)) return undefined;
    const out = [file];
    for (let f = c.get(file); f; f = c.get(f)) out.unshift(f);
    return out;
  }

  /**
   * Whether the process can run code of `file` that only its export `name` leads to: some file the process
   * loads imports that name (or everything) from it. Without import names for an importer, it may.
   */
  runsExport(p: ProcessInfo, file: string, name: string): boolean {
    // A framework calls the exports of its entries (route handlers, tasks, a Nest or Mastra main).
    if (p.kind !== 'entry' && p.kind !== 'script' && p.kind !== 'bin' && p.entries.includes(file)) return true;
    const c = this.closure(p);
    for (const i of this.importersOf.get(file) ?? []) {
      if (!c.has(i)) continue;
      const names = this.namesOf.get(i)?.get(file);
      if (!names || names.has('*') || names.has(name)) return true;
    }
    return false;
  }

  /** The processes that run code of `file`, narrowed to those importing `gate` when the code is behind one export. */
  processesRunning(file: string, gate: string | undefined): ProcessInfo[] {
    const ps = this.processesOf(file);
    return gate ? ps.filter((p) => this.runsExport(p, file, gate)) : ps;
  }

  /** Whether a file is loaded by some process. */
  reached(file: string): boolean {
    return this.processesOf(file).length > 0;
  }

  /** A file that runs on its own and that no other process loads: a registration there runs for nothing we can see. */
  isOwnEntryOnly(file: string): boolean {
    const ps = this.processesOf(file);
    return ps.length > 0 && ps.every((p) => p.kind === 'entry' && p.entries.length === 1 && p.entries[0] === file);
  }
}

/** How messages name a package: its package.json `name`, else its directory's name. */
function packageLabel(pkg: PackageInfo): string {
  return `\`${pkg.name ?? path.basename(pkg.dir)}\``;
}

function relTo(dir: string, f: string): string {
  return path.relative(dir, f).split(path.sep).join('/');
}

/** The task directories of a trigger.dev config (`dirs: ["./src/trigger"]`), by default `trigger` and `src/trigger`. */
function triggerDirs(text: string | undefined): string[] {
  const m = text && /\bdirs\s*:\s*\[([^\]]*)\]/.exec(text);
  if (m) {
    const dirs = [...m[1]!.matchAll(/['"`]([^'"`]+)['"`]/g)].map((x) => x[1]!);
    if (dirs.length) return dirs;
  }
  return ['trigger', 'src/trigger'];
}

/** A script's commands (`a && b; c | d`). */
export function splitCommands(script: string): string[] {
  return script
    .split(/&&|\|\||[;|&\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

interface ParsedCommand {
  runtime: Runtime;
  /** The file run, `.` for the package itself, undefined when none is named. */
  file?: string;
  /** The runner runs the package's `main` when no file is given (`nodemon`). */
  runsMain?: boolean;
  framework?: 'nest' | 'mastra';
}

/** Shell words: quotes group, and a quoted part joins the word it touches (`NODE_OPTIONS='-r x'`). */
function tokens(cmd: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < cmd.length; i++) {
    const ch = cmd[i]!;
    if (ch === '"' || ch === "'") {
      const close = cmd.indexOf(ch, i + 1);
      const end = close < 0 ? cmd.length : close;
      cur += cmd.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** The runtime and file of one command, when it runs a file of the project (see the module comment). */
export function parseCommand(cmd: string): ParsedCommand | undefined {
  const t = tokens(cmd);
  let i = 0;
  // Environment assignments and wrappers (`NODE_ENV=production`, `cross-env`, `npx`, `dotenv -e .env --`).
  for (;;) {
    const w = t[i];
    if (w === undefined) return undefined;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) i++;
    else if (WRAPPERS.has(w) || w === 'pnpm' || w === 'yarn' || w === 'npm') {
      i++;
      // `dotenv -e .env --`, `cross-env-shell`: skip their own flags up to `--`.
      if (w === 'dotenv' || w === 'dotenvx') {
        const dd = t.indexOf('--', i);
        if (dd >= 0) i = dd + 1;
      }
    } else if (w === '--') i++;
    else break;
  }
  const runner = t[i]!.replace(/^.*\//, '');
  if (runner === 'nest' && t[i + 1] === 'start') return { runtime: 'node', framework: 'nest' };
  if (runner === 'mastra' && (t[i + 1] === 'dev' || t[i + 1] === 'start')) return { runtime: 'node', framework: 'mastra' };
  const runtime = RUNNERS[runner];
  if (!runtime) return undefined;
  i++;
  // `bun run x.ts`, `deno run -A x.ts`, `bun --watch x.ts`, `tsx watch x.ts`.
  if ((runner === 'bun' || runner === 'deno') && (t[i] === 'run' || t[i] === 'x')) i++;
  if ((runner === 'tsx' || runner === 'vite-node') && t[i] === 'watch') i++;
  for (; i < t.length; i++) {
    const a = t[i]!;
    if (a === '--') continue;
    if (a.startsWith('-')) {
      if (VALUE_FLAGS.has(a)) i++;
      continue;
    }
    if (a === '.') return { runtime, file: '.' };
    if (runner === 'bun' && !/[./]/.test(a)) return undefined; // `bun test`, `bun build`, a package script
    if (!/\.[cm]?[jt]sx?$/.test(a) && !a.includes('/') && runner !== 'node' && runner !== 'nodemon') return undefined;
    return { runtime, file: a };
  }
  return runner === 'nodemon' ? { runtime, runsMain: true } : undefined;
}

export { SOURCE_EXT };
