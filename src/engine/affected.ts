/**
 * Affected files at the gate (`check --staged`, `--changed-since`, `--affected`): a change is judged by
 * the findings it can change, and those are not only in the changed files. Un-wrapping a shared client in
 * `src/llm/clients.ts` leaves the calls of every file that uses the client untraced; removing a scope
 * helper's span, a metric's label names or a start-up registration does the same to files that never
 * changed. The affected files are, besides the changed ones:
 *
 * - **importers of what changed**, read from the per-file summaries over the import graph (`ImportGraph`):
 *   every file that imports a changed module, directly or through a file that passes the module's values
 *   on (a re-export, a barrel's `export *`, an exported value or function built on them: a file *carries* a
 *   module when its exports or function summaries refer to it). A file that imports a module only to
 *   use it itself passes nothing on: its own importers are not affected through it;
 * - **helpers a changed file calls or hands functions to**: a function of another file whose calls depend
 *   on what its callers pass (a client parameter) or a function a changed file passes to a tracing scope,
 *   before or after the change (and, from there, the helpers they call the same way);
 * - for a deleted file, the files that imported it;
 * - **every file**, when a changed file registers instrumentation process-wide or for given instances,
 *   before or after the change (`registerInstrumentations`, `Sentry.init`, `new NodeSDK`,
 *   `import 'dd-trace/init'`, `new Mastra({ agents })`, an instrumentation instance handed to one): a
 *   registration wires calls that never import it;
 * - every file under a directory whose package.json (declared versions, preloading scripts),
 *   tsconfig/jsconfig (path aliases) or .gitignore (the project's files) changed; every file when the
 *   tracewire configuration or the tracing schema changed.
 *
 * The findings reported are those of the changed and affected files, at the place of each call, exactly
 * as a check of the whole project reports them there.
 */

import path from 'node:path';
import type { MemberSpec } from './catalog-schema.js';
import { type CatalogIndex, moduleKey } from './catalog.js';
import { decodeSource, type FileResult } from './file-task.js';
import { type PackedSummary, summaryPart } from './packed.js';
import { ImportGraph, PACKAGE, type Prescanner } from './prescan.js';

export interface ChangeSet {
  /** Absolute paths of the source files that changed (added, modified, renamed to) and exist now. */
  changed: string[];
  /** Absolute paths of the source files deleted (or renamed away). */
  deleted?: string[];
  /** The bytes of changed and deleted files before the change (HEAD, the merge base), when they had one. */
  previous?: ReadonlyMap<string, Buffer>;
  /** Directories every file under which may be affected (their package.json, tsconfig/jsconfig or .gitignore changed). */
  dirs?: string[];
  /** Every file may be affected (the configuration or the tracing schema changed). */
  all?: boolean;
  /** Whether a file may be reported (the command line's paths and ignores). */
  inScope(file: string): boolean;
}

/** Why files beyond the changed ones are reported (for `--verbose`). */
export interface AffectedResult {
  /** Every file to report: the changed files in scope and the files they affect. */
  files: Set<string>;
  /** The changed files that register instrumentation, before or after the change (they affect every file). */
  registrations: string[];
}

const registersSomething = (m: MemberSpec) => !!(m.global || m.registers || m.load || m.instrumentation);

/**
 * Whether a text may register instrumentation: it imports a catalog module whose library registers
 * something (process-wide or for instances) and names one of the members that do, or it loads a module
 * whose loading registers (`import 'dd-trace/init'`). Over-approximates, never misses a registration the
 * catalog knows.
 */
export class RegistrationScan {
  /** Model id → the names (last path segment) of its members that register something. */
  private readonly names = new Map<string, RegExp>();
  /** Module keys whose loading registers. */
  private readonly loads = new Set<string>();

  constructor(
    private readonly catalog: CatalogIndex,
    private readonly scanner: Prescanner,
  ) {
    const byModel = new Map<string, Set<string>>();
    const add = (model: string, memberPath: string) => {
      const name = memberPath.split('.').pop()!;
      if (name) (byModel.get(model) ?? byModel.set(model, new Set()).get(model)!).add(name);
    };
    for (const [id, model] of catalog.models) {
      for (const [mod, members] of Object.entries(model.modules)) {
        for (const [p, m] of Object.entries(members)) {
          if (!registersSomething(m)) continue;
          if (p === '' && m.load) this.loads.add(moduleKey(mod));
          else add(id, p);
        }
      }
      for (const t of Object.values(model.types ?? {})) for (const [p, m] of Object.entries(t.members)) if (registersSomething(m)) add(id, p);
    }
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const [id, set] of byModel) this.names.set(id, new RegExp(`\\b(?:${[...set].map(escape).join('|')})\\b`));
  }

  /** The catalog model of a package specifier (`openai/resources/chat` → under `openai`). */
  private modelOf(spec: string): { model: string; key: string } | undefined {
    let key = moduleKey(spec);
    for (;;) {
      const model = this.catalog.modules.get(key);
      if (model) return { model, key };
      const slash = key.lastIndexOf('/');
      if (slash <= 0) return undefined;
      key = key.slice(0, slash);
    }
  }

  mayRegister(file: string, text: string): boolean {
    const models = new Set<string>();
    PACKAGE.lastIndex = 0;
    for (let m = PACKAGE.exec(text); m; m = PACKAGE.exec(text)) {
      const spec = m[1]!;
      if (this.loads.has(moduleKey(spec))) return true;
      const found = this.modelOf(spec);
      if (found) models.add(found.model);
    }
    // Path-named catalog modules (the configuration's `catalog.globals`), reached through relative or aliased imports.
    for (const key of this.scanner.scan(file, text).edges) {
      const model = this.catalog.modules.get(key) ?? this.catalog.modules.get(key + '/index');
      if (model) models.add(model);
      if (this.loads.has(key)) return true;
    }
    for (const model of models) if (this.names.get(model)?.test(text)) return true;
    return false;
  }
}

/**
 * What the texts decide before anything is analysed: every file in scope when the configuration changed
 * or a changed file registers instrumentation (before or after the change); the files under directories
 * whose package.json, tsconfig/jsconfig or .gitignore changed. `registrations`: the registering files.
 */
export function textAffected(changes: ChangeSet, files: readonly string[], registrations: RegistrationScan, textOf: (file: string) => string | undefined): { files: Set<string>; registrations: string[] } {
  const registering: string[] = [];
  const present = new Set(files);
  for (const f of [...changes.changed, ...(changes.deleted ?? [])]) {
    const now = present.has(f) ? textOf(f) : undefined;
    const old = changes.previous?.get(f);
    const before = old ? decodeSource(old)?.text : undefined;
    if ((now !== undefined && registrations.mayRegister(f, now)) || (before !== undefined && registrations.mayRegister(f, before))) registering.push(f);
  }
  const out = new Set<string>();
  if (changes.all || registering.length) for (const f of files) out.add(f);
  else for (const dir of changes.dirs ?? []) for (const f of files) if (f.startsWith(dir + path.sep)) out.add(f);
  for (const f of out) if (!changes.inScope(f)) out.delete(f);
  return { files: out, registrations: registering.sort() };
}

/** A file as the affected-files pass reads it: its project imports and its packed summary's parts. */
export interface SummaryFacts {
  file: string;
  /** Module keys of the project files it imports. */
  imports: string[];
  /** The packed summary's parts: head (star re-exports, passed references, callees), calls, tail (exports, functions). */
  head: string;
  calls: string;
  tail: string;
}

/** Stands for the file's own path in parsed parts (the packed text has U+0001, which JSON cannot hold raw). */
const SELF = '@self';

type Json = unknown;

function parse(text: string): Json {
  try {
    return JSON.parse(text.split('\u0001').join(SELF));
  } catch {
    return undefined;
  }
}

/** Every object inside a JSON value. */
function* objects(v: Json): Generator<Record<string, unknown>> {
  if (Array.isArray(v)) for (const x of v) yield* objects(x);
  else if (v && typeof v === 'object') {
    yield v as Record<string, unknown>;
    for (const x of Object.values(v)) yield* objects(x);
  }
}

/** A value read from another project file: its module key, the export name and the first member read from it. */
interface Use {
  key: string;
  name: string;
  member?: string;
}

function usesIn(v: Json): Use[] {
  const out: Use[] = [];
  for (const o of objects(v)) {
    if (o.k !== 'ref' || typeof o.file !== 'string' || typeof o.name !== 'string') continue;
    const first = Array.isArray(o.steps) ? (o.steps[0] as { m?: unknown } | undefined) : undefined;
    out.push({ key: moduleKey(o.file), name: o.name, member: typeof first?.m === 'string' ? first.m : undefined });
  }
  return out;
}

/** Ids of the file's own functions a value mentions. */
function ownFns(v: Json): string[] {
  const out: string[] = [];
  for (const o of objects(v)) if (o.k === 'fn' && typeof o.id === 'string' && o.id.startsWith(SELF)) out.push(o.id);
  return out;
}

/** One file's parsed parts, each parsed once. */
class Parsed {
  private headV: { starExports?: string[]; passedRefs?: Json; callees?: Json } | undefined;
  private tailV: { exports?: Record<string, Json>; fns?: Record<string, Json> } | undefined;
  private starV: string[] | undefined;
  private fnV: Map<string, { uses: Use[]; fns: string[] }> | undefined;
  constructor(readonly facts: SummaryFacts) {}
  get head() {
    return (this.headV ??= (parse(this.facts.head) ?? {}) as NonNullable<Parsed['headV']>);
  }
  get tail() {
    return (this.tailV ??= (parse(this.facts.tail) ?? {}) as NonNullable<Parsed['tailV']>);
  }
  private partUses: { head?: Use[]; calls?: Use[]; tail?: Use[] } = {};
  /**
   * The values the file reads from a module, anywhere in its summary: only the parts whose text names the
   * module are parsed (paths appear JSON-escaped in the packed text).
   */
  usesOf(key: string): Use[] {
    const named = JSON.stringify(key).slice(1, -1);
    const out: Use[] = [];
    for (const part of ['head', 'calls', 'tail'] as const) {
      if (!this.facts[part].includes(named)) continue;
      const uses = (this.partUses[part] ??= usesIn(part === 'head' ? this.head : part === 'tail' ? this.tail : parse(this.facts.calls)));
      for (const u of uses) if (u.key === key) out.push(u);
    }
    return out;
  }
  get starKeys(): string[] {
    return (this.starV ??= (this.head.starExports ?? []).map((f) => moduleKey(f)));
  }
  /** Each of the file's own functions: the values it reads from other files, and the own functions it names. */
  get fnFacts(): Map<string, { uses: Use[]; fns: string[] }> {
    if (!this.fnV) {
      this.fnV = new Map();
      for (const [id, fn] of Object.entries(this.tail.fns ?? {})) this.fnV.set(id, { uses: usesIn(fn), fns: ownFns(fn) });
    }
    return this.fnV;
  }
}

/** Parsed parts by facts: the same facts (of the same packed summary, see `valueAffected`) are parsed once per process. */
const parsedOf = new WeakMap<SummaryFacts, Parsed>();

/**
 * The files a change affects through values (see the module comment), from the per-file summaries:
 * `facts` of every analysed file (the new state), `previous` the facts of the changed files before the
 * change. Values are followed by export name: a file that imports a barrel for a name that does not come
 * from a changed module is not affected through it. Returns the affected files, changed ones included,
 * not yet restricted to the scope.
 */
export function summaryAffected(changes: ChangeSet, facts: ReadonlyMap<string, SummaryFacts>, previous: readonly SummaryFacts[] = []): Set<string> {
  const graph = new ImportGraph(facts.keys(), (f) => facts.get(f)!.imports);
  const parsed = (f: SummaryFacts) => {
    let p = parsedOf.get(f);
    if (!p) parsedOf.set(f, (p = new Parsed(f)));
    return p;
  };
  const ALL = '*';

  /** The names a module exports, its star re-exports' included. */
  const exportNames = (p: Parsed, seen = new Set<string>()): Set<string> => {
    const out = new Set(Object.keys(p.tail.exports ?? {}));
    seen.add(p.facts.file);
    for (const key of p.starKeys) for (const f of graph.filesOf(key)) if (!seen.has(f)) for (const n of exportNames(parsed(facts.get(f)!), seen)) out.add(n);
    return out;
  };

  // Module key → the export names whose values may have changed.
  const carried = new Map<string, Set<string>>();
  const carry = (key: string, names: Iterable<string>): boolean => {
    const set = carried.get(key) ?? carried.set(key, new Set()).get(key)!;
    const before = set.size;
    for (const n of names) set.add(n);
    return set.size > before;
  };
  for (const f of changes.changed) {
    const fact = facts.get(f);
    carry(moduleKey(f), fact ? exportNames(parsed(fact)) : [ALL]);
  }
  for (const old of previous) carry(moduleKey(old.file), Object.keys(new Parsed(old).tail.exports ?? {}));
  // A deleted module: whatever was read from it.
  for (const f of changes.deleted ?? []) carry(moduleKey(f), [ALL]);

  const matches = (u: Use): boolean => {
    const set = carried.get(u.key);
    if (!set || set.size === 0) return false;
    if (set.has(ALL)) return true;
    // A namespace import (`import * as llm`) reads the member it names first.
    const name = u.name === '*' ? u.member : u.name;
    return name === undefined || set.has(name);
  };

  /** The export names of a file whose values come from carried values. */
  const carriedBy = (p: Parsed): Set<string> => {
    const out = new Set<string>();
    const fns = p.fnFacts;
    // The file's own functions built on carried values, and those that use them in turn.
    const tainted = new Set<string>();
    for (let grew = true; grew; ) {
      grew = false;
      for (const [id, fn] of fns) {
        if (tainted.has(id)) continue;
        if (fn.uses.some(matches) || fn.fns.some((x) => tainted.has(x))) {
          tainted.add(id);
          grew = true;
        }
      }
    }
    const own = p.tail.exports ?? {};
    for (const [name, v] of Object.entries(own)) if (usesIn(v).some(matches) || ownFns(v).some((x) => tainted.has(x))) out.add(name);
    for (const key of p.starKeys) for (const n of carried.get(key) ?? []) if (n === ALL || !(n in own)) out.add(n);
    return out;
  };
  /** Whether a part of a packed summary may name a module key (paths appear JSON-escaped, extensions after the key). */
  const names = (text: string, key: string) => text.includes(JSON.stringify(key).slice(1, -1));

  const out = new Set<string>();
  const queue = [...carried.keys()];
  const importersOfKey = (key: string): string[] => {
    const files = graph.filesOf(key);
    if (files.length) return files.flatMap((f) => graph.importersOf(f));
    return [...facts.values()].filter((x) => x.imports.includes(key)).map((x) => x.file);
  };
  while (queue.length) {
    const key = queue.pop()!;
    for (const f of importersOfKey(key)) {
      const fact = facts.get(f)!;
      // Only a file whose summary names the module can read a value of it (or star re-export it).
      const inTail = names(fact.tail, key);
      if (!inTail && !names(fact.head, key) && !names(fact.calls, key)) continue;
      const p = parsed(fact);
      // Affected: it reads a value whose module changed (directly, or through files that pass it on).
      if (p.usesOf(key).some(matches) || p.starKeys.includes(key)) out.add(f);
      // What it passes on changes only through its exports and functions, or a star re-export.
      if (!inTail && !p.starKeys.includes(key)) continue;
      const carriedNames = carriedBy(p);
      if (carriedNames.size && carry(moduleKey(f), carriedNames)) queue.push(moduleKey(f));
    }
  }

  // Downwards: helpers whose calls depend on what a changed file passes them, and functions it hands to
  // a scope, before or after the change.
  const down = [...previous, ...changes.changed.filter((f) => facts.has(f)).map((f) => facts.get(f)!)];
  const seen = new Set<string>(down.map((d) => d.file));
  while (down.length) {
    const from = new Parsed(down.pop()!);
    const handed = new Set(usesIn(from.head.passedRefs).map((u) => u.key));
    const called = new Set(usesIn(from.head.callees).map((u) => u.key));
    for (const key of new Set([...handed, ...called])) {
      for (const f of graph.filesOf(key)) {
        if (seen.has(f)) continue;
        const fact = facts.get(f)!;
        // A function handed over, or one whose calls are rooted at its parameters or that calls a parameter back (a scope helper).
        if (!handed.has(key) && !fact.tail.includes('"paramCalls"') && !fact.tail.includes('"calledParams"')) continue;
        seen.add(f);
        out.add(f);
        down.push(fact);
      }
    }
  }
  for (const f of changes.changed) if (facts.has(f)) out.add(f);
  return out;
}

/**
 * `summaryAffected` over a run's per-file results; `before` gives the summary of a changed file's bytes
 * before the change (its imports and what it passed to whom then): from the cache when the last run
 * analysed them, else analysed now.
 */
const factsBySummary = new WeakMap<PackedSummary, { file: string; importsFrom: string[] | undefined; facts: SummaryFacts }>();

export function valueAffected(
  changes: ChangeSet,
  results: readonly FileResult[],
  before: (file: string, bytes: Buffer) => { summary: PackedSummary; imports?: string[] } | undefined,
): Set<string> {
  const facts = new Map<string, SummaryFacts>();
  // The parts are decoded when first read: most files are never looked at beyond their imports.
  const factsOf = (file: string, summary: PackedSummary, imports: string[] | undefined): SummaryFacts => {
    const parts: Partial<Record<'head' | 'calls' | 'tail', string>> = {};
    return {
      file,
      imports: (imports ?? []).map(moduleKey),
      get head() {
        return (parts.head ??= summaryPart(summary, 'head'));
      },
      get calls() {
        return (parts.calls ??= summaryPart(summary, 'calls'));
      },
      get tail() {
        return (parts.tail ??= summaryPart(summary, 'tail'));
      },
    };
  };
  for (const r of results) {
    if (!r.summary) continue;
    // A process serving several runs holds the same packed summaries from one to the next: their facts
    // (and what is parsed of them) are kept with them.
    let kept = factsBySummary.get(r.summary);
    if (!kept || kept.file !== r.file || kept.importsFrom !== r.imports) factsBySummary.set(r.summary, (kept = { file: r.file, importsFrom: r.imports, facts: factsOf(r.file, r.summary, r.imports) }));
    facts.set(r.file, kept.facts);
  }
  const previous: SummaryFacts[] = [];
  for (const [file, bytes] of changes.previous ?? []) {
    try {
      const a = before(file, bytes);
      if (a) previous.push(factsOf(file, a.summary, a.imports));
    } catch {
      // an old text the analyser cannot handle passed nothing on that can be seen
    }
  }
  return summaryAffected(changes, facts, previous);
}
