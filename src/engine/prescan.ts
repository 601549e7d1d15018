/**
 * The prescan: which files of a run can matter at all, decided from their text before anything is parsed.
 *
 * Every value the engine gives meaning to (an LLM client, a tracer, a meter, a callback handler, a
 * registration) is rooted at an import of a module the catalog describes: values from other project
 * files arrive through relative imports. So the files that can hold a finding, or a value another file's
 * finding depends on, are within the import graph around the files that name a catalog module:
 *
 * - roots: files whose text imports or requires a catalog module (`from 'openai'`, `require("ai")`,
 *   `import('@langchain/core/callbacks/manager')`, comments allowed in between; the patterns also read the
 *   text with its `\u` and `\x` escapes decoded, which may spell a specifier or a global), names a relative
 *   or aliased specifier leading to a path-named catalog module, or calls a global the catalog knows
 *   (`fetch(`: a request that may go to a model API);
 * - up: files that import a relevant file, transitively (they may use its clients, wrappers, tracers);
 * - down: files that a relevant file imports, transitively (a helper that receives a client as a parameter,
 *   a wrapper defined in another file).
 *
 * Everything else is never parsed: a file that names no catalog module and is not connected to one through
 * imports has nothing to find, whatever its syntax. The scan over-approximates (any string that looks
 * like a relative path is an edge; imports inside comments and strings count), so it only ever keeps too
 * many files. A specifier after `from`, `import` or `require` that the path aliases of the file's
 * tsconfig/jsconfig resolve (`@/lib/openai`) is an edge too, to the module they name (see aliases.ts).
 * `TRACEWIRE_NO_PREFILTER=1` turns it off (the benchmark uses it to measure the analysis of every file).
 */

import path from 'node:path';
import type { Aliases } from './aliases.js';
import { type CatalogIndex, GLOBAL_TYPE, moduleKey } from './catalog.js';

export interface TextScan {
  /** The text names a catalog module (or may: escape sequences could spell one). */
  root: boolean;
  /** Absolute module keys of the relative (or absolute) specifiers in the text, and of the aliased ones. */
  edges: string[];
  /** The specifiers looked up through the path aliases, with the module each named ('' for none). */
  aliases?: Record<string, string>;
  /**
   * Module keys of relative imports that take at least two names an SDK module of the catalog exports
   * (`import { createAgent, createNetwork } from './agentkit-dist'`): if such a module is nowhere on disk,
   * it may be that SDK's build output (see `relevantFiles`).
   */
  sdkNamed?: string[];
  /**
   * Module keys of the interfaces the file's classes implement, imported by relative specifier
   * (`class OtelAdapter implements TelemetryAdapter`, with `import type { TelemetryAdapter } from './adapter'`):
   * a call through the interface anywhere may run this file's methods (see `relevantFiles`).
   */
  implemented?: string[];
}

/** `implements A, B<T>, ns.C {`: the names after `implements`. */
const IMPLEMENTS = /\bimplements\s+([\w$.,\s<>[\]]+?)\s*\{/g;
/** `import { A, type B as C } from './x'` and `import type { A } from '@/x'`: named imports (relative or aliased). */
const NAMED_TYPE_IMPORT = /\bimport\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"\n\\]+)['"]/g;

/** `import { a, b as c } from './x'`, `import type` excluded; `const { a, b } = require('./x')`. */
const NAMED_IMPORT = /\bimport\s*\{([^}]*)\}\s*from\s*['"](\.{1,2}\/[^'"\n\\]*|\.{1,2})['"]|\b(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\s*\(\s*['"](\.{1,2}\/[^'"\n\\]*|\.{1,2})['"]/g;

/** A quote, then a relative or absolute path (spaces allowed): any such string may be an import. */
const RELATIVE = /['"`](\.{1,2}\/[^'"`\n\\]*|\.{1,2}|\/[^'"`\n\\]+)['"`]/g;
/**
 * A package specifier where a module is named: after `from`, `import`, `import(` or `require(`, with
 * any whitespace and comments in between. (A bare string such as `provider: 'openai'` is not an import.)
 */
export const PACKAGE = /\b(?:from|import|require)\s*(?:\(\s*)?(?:(?:\/\*[^*]*\*+(?:[^/*][^*]*\*+)*\/|\/\/[^\n]*\n)\s*)*['"`](@?[A-Za-z0-9_][A-Za-z0-9_.\-]*(?:\/[A-Za-z0-9_.\-@]+)*)['"`]/g;
/**
 * Any non-relative specifier where a module may be named (as PACKAGE, with comments on either side of
 * `(`): aliases take any shape (`@/x`, `~/x`, `#x`).
 */
const BARE = /\b(?:from|import|require)(?:\s|\(|\/\*[^*]*\*+(?:[^/*][^*]*\*+)*\/|\/\/[^\n]*\n)*['"`]([^'"`\n\\./][^'"`\n\\]*)['"`]/g;

/** A `\u` escape (`\u0065`, `\u{65}`) or a `\x` escape (`\x65`). */
const ESCAPE = /\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})/g;

/**
 * The text with its `\u` and `\x` escapes decoded, wherever they stand (strings, identifiers, regular
 * expressions, comments): the scan reads it besides the text, so it can only find more.
 */
function decodeEscapes(text: string): string {
  return text.replace(ESCAPE, (whole, braced: string | undefined, four: string | undefined, two: string | undefined) => {
    const code = parseInt((braced ?? four ?? two)!, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** `.d.ts`, `.d.mts`, `.d.cts`: types only, no code that runs. */
const DECLARATION_FILE = /\.d\.[mc]?ts$/i;

export class Prescanner {
  /** Package-style module keys of the catalog. */
  private readonly bare = new Set<string>();
  /** Path-named catalog modules (catalog extensions relative to the config file), as absolute keys. */
  private readonly pathNamed = new Set<string>();
  /** A call of a global the catalog knows (`fetch(`): no import introduces it. */
  private readonly globalCall: RegExp | undefined;
  /** Those globals' names (a plain search first: the pattern is slow on text that names none). */
  private readonly globalNames: string[] = [];
  /** Names the SDK modules of the catalog export (their top-level members). */
  private readonly sdkExports = new Set<string>();

  constructor(
    catalog: CatalogIndex,
    /** The run's path aliases: aliased specifiers are edges like relative ones. */
    private readonly aliases?: Aliases,
  ) {
    for (const key of catalog.modules.keys()) {
      if (key.startsWith('/') || /^[A-Za-z]:[\\/]/.test(key)) this.pathNamed.add(moduleKey(path.resolve(key)));
      else if (key.startsWith('.')) this.pathNamed.add(moduleKey(path.resolve(key)));
      else this.bare.add(key);
    }
    for (const [spec, id] of catalog.modules) {
      if (spec.startsWith('.') || spec.startsWith('/') || catalog.models.get(id)?.role !== 'sdk') continue;
      for (const p of catalog.moduleType(spec) ? catalog.type(catalog.moduleType(spec)!)?.members.keys() ?? [] : []) if (p && !p.includes('.')) this.sdkExports.add(p);
    }
    const globals = [...(catalog.type(GLOBAL_TYPE)?.members.keys() ?? [])].filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
    // The global called (`fetch(`), also through the global object (`globalThis.fetch(`), but not another
    // object's member of the same name (`app.fetch(`, `this.fetch(`); or the global passed on as a value
    // to be called elsewhere (`options.fetch ?? fetch`, `{ fetch: fetch }`, `wrap(fetch)`).
    this.globalNames = globals;
    if (globals.length) {
      const names = `(?:${globals.join('|')})`;
      this.globalCall = new RegExp(`(?:(?<![.\\w$])|\\b(?:globalThis|window|self|global)\\s*\\??\\.\\s*)${names}\\s*\\(|(?:\\?\\?|\\|\\||[=(,:{])\\s*${names}\\s*[,;)}\\]\\n]`);
    }
  }

  /** Whether a package specifier (`openai/resources/chat`) is a catalog module or under one. */
  private isCatalog(spec: string): boolean {
    let key = moduleKey(spec);
    for (;;) {
      if (this.bare.has(key)) return true;
      const slash = key.lastIndexOf('/');
      if (slash <= 0) return false;
      key = key.slice(0, slash);
    }
  }

  scan(file: string, text: string): TextScan {
    const dir = path.dirname(file);
    const edges = new Set<string>();
    // An escape can spell what the patterns look for (`'\u006fpenai'`, `f\u0065tch(url)`, `'./\u006clm'`):
    // the patterns also read the text with its escapes decoded, and find the union.
    const decoded = text.includes('\\u') || text.includes('\\x') ? decodeEscapes(text) : undefined;
    const texts = decoded === undefined || decoded === text ? [text] : [text, decoded];
    let root = this.pathNamed.has(moduleKey(file));
    for (const t of texts) {
      RELATIVE.lastIndex = 0;
      for (let m = RELATIVE.exec(t); m; m = RELATIVE.exec(t)) {
        const key = moduleKey(path.resolve(dir, m[1]!));
        edges.add(key);
        if (!root && this.pathNamed.size && (this.pathNamed.has(key) || this.pathNamed.has(key + '/index'))) root = true;
        // A relative import of a catalog package's own source (an example in the SDK's repository).
        if (!root && this.aliases?.sdk.catalogModuleFor(key) !== undefined) root = true;
      }
    }
    let aliased: Record<string, string> | undefined;
    if (this.aliases?.hasAliasesIn(dir)) {
      aliased = Object.create(null) as Record<string, string>;
      for (const t of texts) {
        BARE.lastIndex = 0;
        for (let m = BARE.exec(t); m; m = BARE.exec(t)) {
          const spec = m[1]!;
          if (spec in aliased) continue;
          const target = this.aliases.resolve(file, spec);
          aliased[spec] = target ?? '';
          if (!target) continue;
          const key = moduleKey(target);
          edges.add(key);
          if (!root && this.pathNamed.size && (this.pathNamed.has(key) || this.pathNamed.has(key + '/index'))) root = true;
        }
      }
    }
    // (A declaration file declares the global; it calls nothing.)
    if (!root && this.globalCall && !DECLARATION_FILE.test(file)) {
      root = texts.some((t) => this.globalNames.some((n) => t.includes(n)) && this.globalCall!.test(t));
    }
    for (const t of texts) {
      if (root) break;
      PACKAGE.lastIndex = 0;
      for (let m = PACKAGE.exec(t); m; m = PACKAGE.exec(t)) {
        if (this.isCatalog(m[1]!)) {
          root = true;
          break;
        }
      }
    }
    const sdkNamed = new Set<string>();
    if (!root && this.sdkExports.size) {
      for (const t of texts) {
        NAMED_IMPORT.lastIndex = 0;
        for (let m = NAMED_IMPORT.exec(t); m; m = NAMED_IMPORT.exec(t)) {
          const list = m[1] ?? m[3] ?? '';
          const names = list.split(',').map((x) => x.trim().replace(/^type\s+/, '').split(/\s+as\s+|\s*:\s*/)[0]!.trim());
          if (names.filter((n) => this.sdkExports.has(n)).length >= 2) sdkNamed.add(moduleKey(path.resolve(dir, (m[2] ?? m[4])!)));
        }
      }
    }
    const out: TextScan = aliased ? { root, edges: [...edges], aliases: aliased } : { root, edges: [...edges] };
    if (sdkNamed.size) out.sdkNamed = [...sdkNamed];
    const implemented = new Set<string>();
    for (const t of texts) if (t.includes('implements')) for (const k of implementedKeys(t, dir, (spec) => aliased?.[spec] || undefined)) implemented.add(k);
    if (implemented.size) out.implemented = [...implemented];
    return out;
  }
}

/**
 * The module keys of the imported interfaces the text's classes implement: imported relatively, or
 * through a path alias (`aliased`: the file a bare specifier names, as the scan's alias answers record it).
 */
function implementedKeys(text: string, dir: string, aliased: (spec: string) => string | undefined): string[] {
  const names = new Set<string>();
  IMPLEMENTS.lastIndex = 0;
  for (let m = IMPLEMENTS.exec(text); m; m = IMPLEMENTS.exec(text)) {
    for (const part of m[1]!.replace(/<[^<>]*>/g, '').split(',')) {
      const name = /^\s*([A-Za-z_$][\w$]*)/.exec(part)?.[1];
      if (name) names.add(name);
    }
  }
  if (!names.size) return [];
  const keys = new Set<string>();
  NAMED_TYPE_IMPORT.lastIndex = 0;
  for (let m = NAMED_TYPE_IMPORT.exec(text); m; m = NAMED_TYPE_IMPORT.exec(text)) {
    for (const binding of m[1]!.split(',')) {
      const local = binding.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()?.trim();
      if (!local || !names.has(local)) continue;
      const spec = m[2]!;
      const target = spec.startsWith('.') ? path.resolve(dir, spec) : aliased(spec);
      if (target) keys.add(moduleKey(target));
    }
  }
  return [...keys];
}

/**
 * The relevant files: roots, the files that import them (transitively), and everything those import
 * (transitively). `scans` holds every scanned file; files missing from it (unreadable) are not relevant.
 * With `absent`, a file taking two or more of an SDK's export names (`TextScan.sdkNamed`) from a module that
 * is nowhere on disk and that `absent` says may be an SDK's uncommitted build output (see
 * `LinkOptions.absentModule`) is a root too.
 */
export function relevantFiles(scans: ReadonlyMap<string, TextScan>, absent?: (key: string) => boolean, graph = scanGraph(scans)): Set<string> {
  const up = new Set<string>();
  for (const [file, scan] of scans) if (scan.root || (absent && scan.sdkNamed?.some((k) => graph.filesOf(k).length === 0 && absent(k)))) up.add(file);
  graph.closure(up, (f) => graph.importersOf(f));
  return graph.closure(new Set(up), (f) => graph.importsOf(f));
}

/** The import graph of the scanned files, with the edges from interfaces to their implementations. */
export function scanGraph(scans: ReadonlyMap<string, TextScan>): ImportGraph {
  const graph = new ImportGraph(scans.keys(), (file) => scans.get(file)!.edges);
  addImplementerEdges(graph, scans);
  return graph;
}

/**
 * The files among `files` that no scanned file imports or leads to (not even the file itself): no value of
 * another file can name their exports, so their summaries leave out what only an importer would look up
 * (see `AnalyzeOptions.unimported`). The graph over-approximates imports (a module key names every file of
 * it; every relative, aliased or workspace specifier in the text counts), as the prefilter relies on.
 */
export function unimportedFiles(files: Iterable<string>, scans: ReadonlyMap<string, TextScan>, graph: ImportGraph): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    const scan = scans.get(f);
    if (!scan || graph.importersOf(f).length || scan.edges.some((k) => graph.filesOf(k).includes(f))) continue;
    out.add(f);
  }
  return out;
}

/**
 * An interface's file leads to the files whose classes implement it, as if it imported them: whoever
 * calls through the interface may run their methods (`TextScan.implemented`).
 */
export function addImplementerEdges(graph: ImportGraph, scans: Iterable<[string, TextScan | undefined]>): void {
  for (const [file, scan] of scans) for (const key of scan?.implemented ?? []) for (const iface of graph.filesOf(key)) graph.addEdge(iface, file);
}

/**
 * The import graph of a set of files, from each file's module keys (absolute specifiers without
 * extension: relative, aliased or workspace imports). A key names every file of it (`./llm` may be
 * llm.ts, llm.js or llm/index.ts): an over-approximation, as the prefilter and the second phase want.
 */
export class ImportGraph {
  private readonly byKey = new Map<string, string[]>();
  private readonly imports = new Map<string, string[]>();
  private readonly importers = new Map<string, string[]>();

  constructor(files: Iterable<string>, keysOf: (file: string) => Iterable<string>) {
    const list = [...files];
    for (const file of list) {
      const key = moduleKey(file);
      (this.byKey.get(key) ?? this.byKey.set(key, []).get(key)!).push(file);
    }
    for (const file of list) {
      const out = new Set<string>();
      for (const key of keysOf(file)) for (const t of this.filesOf(key)) if (t !== file) out.add(t);
      this.imports.set(file, [...out]);
      for (const t of out) (this.importers.get(t) ?? this.importers.set(t, []).get(t)!).push(file);
    }
  }

  /** One more edge: `from` imports `to` (or leads to it as if it did). */
  addEdge(from: string, to: string): void {
    if (from === to) return;
    const out = this.imports.get(from) ?? this.imports.set(from, []).get(from)!;
    if (out.includes(to)) return;
    out.push(to);
    (this.importers.get(to) ?? this.importers.set(to, []).get(to)!).push(from);
  }

  /** The files a module key names. */
  filesOf(key: string): string[] {
    const a = this.byKey.get(key);
    const b = this.byKey.get(key + '/index');
    return a && b ? [...a, ...b] : (a ?? b ?? []);
  }

  /** The files this file imports (itself excluded). */
  importsOf(file: string): readonly string[] {
    return this.imports.get(file) ?? [];
  }

  /** The files that import this file. */
  importersOf(file: string): readonly string[] {
    return this.importers.get(file) ?? [];
  }

  /** `start` grown along `next`, transitively (in place; returned). */
  closure(start: Set<string>, next: (file: string) => readonly string[]): Set<string> {
    const queue = [...start];
    while (queue.length) {
      for (const g of next(queue.pop()!)) {
        if (start.has(g)) continue;
        start.add(g);
        queue.push(g);
      }
    }
    return start;
  }
}

/** Whether the prefilter is on (`TRACEWIRE_NO_PREFILTER=1` turns it off). */
export function prefilterEnabled(): boolean {
  const v = process.env.TRACEWIRE_NO_PREFILTER;
  return !v || v === '0';
}
