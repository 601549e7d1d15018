/**
 * The project's files as a resolver, analysed on demand: per-file rules ask for the value of an import
 * from another project file (`import { tracer } from './telemetry'`), and only that file is parsed and
 * summarised, once. Summaries the run produces anyway can be handed in (`add`) so nothing is parsed twice
 * when files are analysed in dependency order.
 */

import fs from 'node:fs';
import type { Aliases } from './aliases.js';
import { analyzeFile, type ProjectResolver } from './analyze-file.js';
import { type CatalogIndex, moduleKey } from './catalog.js';
import { decodeSource } from './run.js';
import { Implementations, Interp } from './interp.js';
import type { AVal, ClassSummary, FileSummary, FnSummary } from './values.js';

export class LazyProject implements ProjectResolver {
  private readonly byKey = new Map<string, string>();
  private readonly summaries = new Map<string, FileSummary | null>();

  constructor(
    files: string[],
    private readonly catalog: CatalogIndex,
    private readonly read: (file: string) => Buffer = (f) => fs.readFileSync(f),
    /** The path aliases the files are analysed with (as in the run). */
    private readonly aliases?: Aliases,
  ) {
    for (const f of [...files].sort()) {
      const key = moduleKey(f);
      const prev = this.byKey.get(key);
      // Prefer TypeScript sources over same-named JavaScript, as the linker does.
      if (!prev || (/\.[cm]?tsx?$/.test(f) && !/\.[cm]?tsx?$/.test(prev))) this.byKey.set(key, f);
    }
  }

  add(summary: FileSummary): void {
    this.summaries.set(summary.file, summary);
  }

  private fileFor(ref: string): string | undefined {
    const key = moduleKey(ref);
    return this.byKey.get(key) ?? this.byKey.get(key + '/index');
  }

  private summary(file: string): FileSummary | undefined {
    const cached = this.summaries.get(file);
    if (cached !== undefined) return cached ?? undefined;
    this.summaries.set(file, null); // a cycle or a failure resolves to nothing
    try {
      const decoded = decodeSource(this.read(file));
      if (!decoded) return undefined;
      const a = analyzeFile(file, decoded.text, { catalog: this.catalog, aliases: this.aliases });
      if (a.parseError) return undefined;
      this.summaries.set(file, a.summary);
      return a.summary;
    } catch {
      return undefined;
    }
  }

  resolveRef(ref: Extract<AVal, { k: 'ref' }>): AVal | undefined {
    return this.exportOf(ref.file, ref.name, new Set());
  }

  private exportOf(moduleFile: string, name: string, seen: Set<string>): AVal | undefined {
    const file = this.fileFor(moduleFile);
    if (!file || seen.has(`${file}\0${name}`)) return undefined;
    seen.add(`${file}\0${name}`);
    const s = this.summary(file);
    if (!s) return undefined;
    const v = s.exports[name];
    if (v || name === 'default') return v;
    for (const star of s.starExports) {
      const found = this.exportOf(star, name, seen);
      if (found) return found;
    }
    return undefined;
  }

  fnSummary(id: string): FnSummary | undefined {
    const file = id.slice(0, id.lastIndexOf('#'));
    const s = this.summaries.get(file) ?? this.summary(file);
    return s?.fns[id];
  }

  classSummary(id: string): ClassSummary | undefined {
    const file = id.slice(0, id.lastIndexOf('#'));
    const s = this.summaries.get(file) ?? this.summary(file);
    return s?.classes?.[id];
  }

  private implementations: Implementations | undefined;

  /** Member `name` of the classes that implement interface `id`, among the summaries at hand. */
  implementationOf(id: string, name: string): AVal | undefined {
    return this.implementationsIndex().memberOf(id, name);
  }

  /** Member `name` of every class that implements interface `id`, among the summaries at hand. */
  implementationsOf(id: string, name: string): AVal[] {
    return this.implementationsIndex().membersOf(id, name);
  }

  private implementationsIndex(): Implementations {
    this.implementations ??= new Implementations(
      () => Implementations.classesOf(this.summaries.values()),
      new Interp({ catalog: this.catalog, resolveRef: (r) => this.resolveRef(r), fnSummary: (f) => this.fnSummary(f), classSummary: (c) => this.classSummary(c) }),
    );
    return this.implementations;
  }
}
