/**
 * The second phase of the per-file rules, once every file's summary is known: the files whose rules
 * consulted values of other project files (`deferred`), and the files whose rules were skipped by the
 * text prefilter while a file they import exports values that may lead to what those rules look at. These files are parsed again and their rules run with the whole project as the
 * resolver; every other file keeps the findings of the first phase. The result equals running every
 * rule on every file with the project, at the cost of a second parse of a few files.
 */

import { type CatalogIndex, moduleKey } from './catalog.js';
import { analysisFailure, decodeSource, type FileResult, type TaskContext } from './file-task.js';
import { LazyProject } from './lazy-project.js';
import { packedMentions, summaryPart } from './packed.js';
import { ImportGraph } from './prescan.js';
import { Interp } from './interp.js';
import { moduleReach } from './reach.js';
import { analyzeWithRules, toFinding } from './pipeline.js';
import type { Finding } from './types.js';
import type { AVal, FileSummary } from './values.js';

export interface SecondPhaseResult {
  /** Findings to add to the file's first-phase ones (which a deferred file does not have). */
  findings: Finding[];
  /** Facts to add to the file's first-phase ones, by rule id (see `FileResult.facts`). */
  facts?: Record<string, unknown[]>;
  /** The file could not be analysed again. */
  error?: string;
}

/** What a file's packed exports and function summaries mention: catalog instances. */
interface TailFacts {
  /** Instance values: type and member path; `started`: a span started there (or by a helper, per call). */
  insts: { type: string; path: string[]; started?: true }[];
}

function tailFacts(r: FileResult): TailFacts {
  const facts: TailFacts = { insts: [] };
  const tail = r.summary && summaryPart(r.summary, 'tail');
  // Only instances are looked for: most tails have none (a cheap test before parsing).
  if (!tail || (!tail.includes('"k":"inst"') && !tail.includes('"spanCallback"') && !tail.includes('"via"'))) return facts;
  // Packed text stands U+0001 for the file's own path (see packed.ts).
  const self = JSON.stringify(r.file).slice(1, -1);
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const e of x) visit(e);
      return;
    }
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (o.k === 'inst' && typeof o.type === 'string' && Array.isArray(o.path)) facts.insts.push({ type: o.type, path: o.path as string[], ...(o.started ? { started: true as const } : {}) });
    // A helper that runs its callback with a span it starts: each call starts one.
    const sc = o.spanCallback as { type?: unknown } | undefined;
    if (sc && typeof sc.type === 'string') facts.insts.push({ type: sc.type, path: [], started: true });
    // A helper that records a metric through a catalog member: each call records one.
    for (const m of [o.metricUse, o.metricLabels] as ({ via?: { type?: unknown; path?: unknown } } | undefined)[]) {
      if (m?.via && typeof m.via.type === 'string' && Array.isArray(m.via.path)) facts.insts.push({ type: m.via.type, path: m.via.path as string[] });
    }
    for (const v of Object.values(o)) visit(v);
  };
  visit(JSON.parse(tail.split('\u0001').join(self)));
  return facts;
}

/**
 * For each rule id (with `needs`), the files that must run it again: files that skipped it and import a
 * file whose exports may carry a value leading to what the rule looks at. A file carries one when its
 * exports or function summaries mention a catalog type from which such a member is reachable, or it
 * imports a file that carries one. Only values read through imports cross files, so a
 * file that imports no carrying file resolves nothing the rule could use, with or without the project.
 */
function filesToRerun(
  results: FileResult[],
  ctx: TaskContext,
  ruleIds: Set<string>,
  summaries: ReadonlyMap<string, FileSummary>,
  all: string[],
  reported: ReadonlySet<string> | undefined,
): Map<string, Set<string>> {
  // Resolved through the summaries at hand only: a file the run did not analyse is connected to no
  // catalog module (the prefilter), so nothing of it leads to a catalog member.
  const known = new LazyProject(all, ctx.catalog, () => {
    throw new Error('not analysed');
  }, ctx.aliases);
  for (const s of summaries.values()) known.add(s);
  const uses = new UsedValues(ctx.catalog, known);
  // X imports Y (references, re-exports and star re-exports all go through imports): Y's carrying may make X carry.
  const byFile = new Map(results.map((r) => [r.file, r]));
  const graph = new ImportGraph(byFile.keys(), (f) => {
    const r = byFile.get(f)!;
    return r.summary ? (r.imports ?? []).map(moduleKey) : [];
  });
  // A file that declares an interface leads, besides its imports, to the files whose classes implement
  // it: a call through the interface (`adapter.record(...)` on an `Adapter`-typed value) runs theirs.
  const implementers = new Map<string, Set<string>>();
  for (const r of results) {
    if (!r.summary || !packedMentions(r.summary, '"implements"')) continue;
    for (const c of Object.values(summaries.get(r.file)?.classes ?? {})) {
      for (const i of c.implements ?? []) {
        // (A reference names the module as imported: `./adapter.js` for adapter.ts.)
        const named = i.k === 'ref' ? i.file : i.k === 'cls' ? i.id.slice(0, i.id.lastIndexOf('#')) : undefined;
        for (const file of named ? graph.filesOf(moduleKey(named)) : []) {
          if (file === r.file) continue;
          graph.addEdge(file, r.file);
          (implementers.get(file) ?? implementers.set(file, new Set()).get(file)!).add(r.file);
        }
      }
    }
  }
  // Instances in a file's exports come from its own imports of catalog modules: only files whose text
  // names one of the rule's modules (`hits`) can hold one, so only theirs are scanned.
  const facts = new Map<string, TailFacts>();
  const factsOf = (r: FileResult) => facts.get(r.file) ?? facts.set(r.file, tailFacts(r)).get(r.file)!;
  const texts = new Map<string, string>();
  const mentions = (x: string, y: string): boolean => {
    const r = byFile.get(x);
    if (!r?.summary) return false;
    let t = texts.get(x);
    if (t === undefined) texts.set(x, (t = summaryPart(r.summary, 'head') + summaryPart(r.summary, 'tail')));
    return t.includes(JSON.stringify(moduleKey(y)).slice(1, -1));
  };
  const implementedIn = (iface: string, impl: string): boolean => implementers.get(iface)?.has(impl) === true;
  const out = new Map<string, Set<string>>();
  // One test per distinct pair of predicates (the metric rules share theirs, the span rules theirs), and
  // with it which files carry such a value: a file's `hits` depend on the rule's `needs` alone.
  const tests = new Map<unknown, Map<unknown, { leadsThere: Leads; carries: Map<string, boolean> }>>();
  for (const id of ruleIds) {
    const rule = (ctx.rules.find((e) => e.rule.meta.id === id) ?? ctx.collectors?.find((e) => e.rule.meta.id === id))?.rule;
    if (!rule?.needs) continue;
    // An instance leads there when a member at or under its path matches, or names a type that leads there.
    const leadsTo = (pred: NonNullable<typeof rule.needs>) => {
      const reach = moduleReach(ctx.catalog, pred);
      const memo = new Map<string, boolean>();
      return (type: string, path: string[]): boolean => {
        const key = `${type}\0${path.join('.')}`;
        let v = memo.get(key);
        if (v !== undefined) return v;
        v = false;
        const t = ctx.catalog.type(type);
        const prefix = path.join('.');
        if (t && reach.types.has(type)) {
          for (const [p, m] of t.members) {
            if (prefix && p !== prefix && !p.startsWith(prefix + '.')) continue;
            if (pred(m) || Object.values(m).some((x) => typeof x === 'string' && reach.types.has(x))) {
              v = true;
              break;
            }
          }
        }
        memo.set(key, v);
        return v;
      };
    };
    const always = moduleReach(ctx.catalog, rule.needs).always;
    const needed = leadsTo(rule.needs);
    const carried = rule.carries ? leadsTo(rule.carries) : needed;
    const byNeeds = tests.get(rule.needs) ?? tests.set(rule.needs, new Map()).get(rule.needs)!;
    const test = byNeeds.get(rule.carries) ?? byNeeds.set(rule.carries, { leadsThere: (type, path) => needed(type, path) || carried(type, path), carries: new Map() }).get(rule.carries)!;
    const { leadsThere, carries } = test;
    // A file carries such a value when its own exports hold one, or when it refers to (imports and
    // mentions) a file that carries one: every value from another file is a reference naming that
    // file's path, and star re-exports name it too. Asked only for the files the wanted ones import, by a
    // search down the imports: a search that finds none clears every file it met (all that they reach,
    // it reached), so no file is searched from twice in vain.
    const carriesItself = (f: string): boolean => {
      const r = byFile.get(f);
      return !!r?.summary && (always || (!!r.hits?.includes(id) && factsOf(r).insts.some((i) => (i.started ? needed : carried)(i.type, i.path))));
    };
    const carrying = (start: string): boolean => {
      const known = carries.get(start);
      if (known !== undefined) return known;
      const seen = new Set<string>([start]);
      const queue = [start];
      while (queue.length) {
        const f = queue.pop()!;
        if (carries.get(f) === true || carriesItself(f)) {
          carries.set(start, true);
          return true;
        }
        for (const t of graph.importsOf(f)) {
          if (seen.has(t) || carries.get(t) === false || (!mentions(f, t) && !implementedIn(f, t))) continue;
          seen.add(t);
          queue.push(t);
        }
      }
      for (const f of seen) carries.set(f, false);
      return false;
    };
    // Whether the files a reference names (a module as imported: `./adapter.js` for adapter.ts) may carry
    // such a value; a module of no analysed file is left to `leads`.
    const refCarried = new Map<string, boolean>();
    const refCarries = (module: string): boolean => {
      let v = refCarried.get(module);
      if (v === undefined) {
        const files = graph.filesOf(moduleKey(module));
        refCarried.set(module, (v = files.length === 0 || files.some((f) => carrying(f))));
      }
      return v;
    };
    const rerun = new Set<string>();
    for (const r of results) {
      // Per-file rules matter where findings are wanted; fact collectors everywhere.
      const wanted = (r.skipped?.includes(id) && r.checked && (!reported || reported.has(r.file))) || r.skippedFacts?.includes(id);
      if (!wanted || !graph.importsOf(r.file).some((t) => carrying(t))) continue;
      // What the file takes from those files: one of the values it uses must lead there.
      const s = summaries.get(r.file);
      if (!s) continue;
      // (A value of a file that carries nothing leads nowhere: only the others are followed.)
      const follow = (v: AVal) => v.k === 'ref' && refCarries(v.file) && uses.leads(v, leadsThere);
      if (s.calls.some((c) => follow(c.callee)) || (s.refs ?? []).some(follow)) rerun.add(r.file);
    }
    out.set(id, rerun);
  }
  return out;
}

type Leads = (type: string, path: string[]) => boolean;

/**
 * Whether a value a file uses (a `ref` of its summary: a callee or an argument, with its steps) can lead,
 * with the project, to what a rule looks at: a catalog member at or under which such a member is, a
 * function of the project that declares or records metrics, starts or takes spans for its callers, or
 * returns such a value, a project class that extends a catalog class. The members of a project instance
 * need no look: every use of one in the file is a value of its own in `refs` (the callee with its
 * steps). A value that cannot be resolved leads nowhere with the project either.
 */
class UsedValues {
  private readonly interp: Interp;
  constructor(
    catalog: CatalogIndex,
    private readonly project: LazyProject,
  ) {
    this.interp = new Interp({
      catalog,
      resolveRef: (r) => project.resolveRef(r),
      fnSummary: (id) => project.fnSummary(id),
      classSummary: (id) => project.classSummary(id),
      implementationOf: (id, name) => project.implementationOf(id, name),
    });
  }

  private readonly memo = new Map<AVal, Map<Leads, boolean>>();
  /** The same answers by the value's text: the files of a project call the same functions of the same modules. */
  private readonly byText = new Map<Leads, Map<string, boolean>>();

  leads(v: AVal, leadsThere: Leads): boolean {
    const byTest = this.memo.get(v) ?? this.memo.set(v, new Map()).get(v)!;
    let r = byTest.get(leadsThere);
    if (r === undefined) {
      const texts = this.byText.get(leadsThere) ?? this.byText.set(leadsThere, new Map()).get(leadsThere)!;
      const text = JSON.stringify(v);
      r = texts.get(text);
      if (r === undefined) texts.set(text, (r = this.judge(this.concretize(v), leadsThere, 0)));
      byTest.set(leadsThere, r);
    }
    return r;
  }

  private judge(v: AVal | undefined, leadsThere: Leads, depth: number): boolean {
    if (!v) return false;
    // Too far to follow: taken to lead there.
    if (depth > 6) return true;
    switch (v.k) {
      case 'ref':
        return true;
      case 'inst':
        return leadsThere(v.type, v.path);
      case 'fn': {
        const s = this.project.fnSummary(v.id);
        if (!s) return false;
        if (s.metricDecl || s.metricUse || s.metricLabels || s.metricForward || s.spanCallback || s.spanParams) return true;
        return !!s.returns && this.judge(this.concretize(s.returns), leadsThere, depth + 1);
      }
      case 'cls':
      case 'obj': {
        const base = this.project.classSummary(v.k === 'cls' ? v.id : v.cls)?.base;
        return !!base && this.judge(this.concretize(base), leadsThere, depth + 1);
      }
      default:
        return false;
    }
  }

  private concretize(v: AVal): AVal | undefined {
    try {
      return this.interp.concretize(v);
    } catch {
      // Too deep for the interpreter: taken to lead there.
      return { k: 'ref', file: '', name: '', steps: [] };
    }
  }
}

/** Run the second phase over the results of the first (sorted by file): by file, what to add. */
export function secondPhase(
  results: FileResult[],
  summaries: ReadonlyMap<string, FileSummary>,
  all: string[],
  ctx: TaskContext,
  read: (file: string) => Buffer,
  /** The files whose findings are wanted (default: every checked one). */
  reported?: ReadonlySet<string>,
): Map<string, SecondPhaseResult> {
  const out = new Map<string, SecondPhaseResult>();
  if (!ctx.project) return out;
  const skippedIds = new Set<string>();
  for (const r of results) for (const id of [...(r.skipped ?? []), ...(r.skippedFacts ?? [])]) skippedIds.add(id);
  const deferred = results.some((r) => r.deferred);
  if (!deferred && skippedIds.size === 0) return out;
  let project: LazyProject | undefined;
  const reaching = skippedIds.size ? filesToRerun(results, ctx, skippedIds, summaries, all, reported) : new Map<string, Set<string>>();
  const collectors = ctx.collectors ?? [];

  for (const r of results) {
    if (r.error || !r.summary) continue;
    // Per-file rules (reported files) and fact collectors (every file) to run again.
    const again = new Set<string>();
    const collectAgain = new Set<string>();
    // The per-file rules of a file whose findings are not wanted (`reported`) are not run again.
    if (r.checked && (!reported || reported.has(r.file))) {
      for (const id of r.skipped ?? []) if (reaching.get(id)?.has(r.file)) again.add(id);
      if (r.deferred) for (const { rule } of ctx.rules) if (rule.createVisitor && !r.skipped?.includes(rule.meta.id)) again.add(rule.meta.id);
    }
    for (const id of r.skippedFacts ?? []) if (reaching.get(id)?.has(r.file)) collectAgain.add(id);
    if (r.deferred) for (const { rule } of collectors) if (!r.skippedFacts?.includes(rule.meta.id)) collectAgain.add(rule.meta.id);
    if (again.size === 0 && collectAgain.size === 0) continue;
    if (!project) {
      project = new LazyProject(all, ctx.catalog, read, ctx.aliases);
      for (const s of summaries.values()) project.add(s);
    }
    const findings: Finding[] = [];
    const facts: Record<string, unknown[]> = {};
    try {
      const decoded = decodeSource(read(r.file));
      if (!decoded) continue;
      const analysis = analyzeWithRules(r.file, decoded.text, {
        catalog: ctx.catalog,
        rules: ctx.rules.filter((e) => again.has(e.rule.meta.id)),
        collectors: collectors.filter((e) => collectAgain.has(e.rule.meta.id)),
        emit: (rule, fact) => (facts[rule.meta.id] ??= []).push(fact),
        report: (rule, severity, rep) => findings.push(toFinding(ctx.cwd, r.file, rule, severity, rep)),
        budget: ctx.budget,
        project,
        aliases: ctx.aliases,
        // The summary is the first phase's: only the findings and facts are new.
        findingsOnly: true,
      });
      if (analysis.parseError) out.set(r.file, { findings: [], error: `parse error at ${analysis.parseError}` });
      else out.set(r.file, Object.keys(facts).length ? { findings, facts } : { findings });
    } catch (e) {
      out.set(r.file, { findings: [], error: analysisFailure(e, ctx.budget) });
    }
  }
  return out;
}
