/**
 * The link phase: per-file summaries joined into one project. Resolves cross-file references, builds
 * the wiring manifest (global registrations anywhere in the project), and evaluates every candidate
 * call into a site that is wired (with the mechanism that wires it) or not.
 */

import { createRequire } from 'node:module';
import type Semver from 'semver';
import type { Coverage, DefaultIntegrations, GlobalSpec, MemberSpec, OptionWiring, ScopeSpec, SiteSpec } from './catalog-schema.js';
import { type CatalogIndex, moduleKey } from './catalog.js';
import { contextMechanism, originOf } from './analyze-file.js';
import { catalogNames, registersWork } from './facts.js';
import { argAt, argString, checkOption, Implementations, Interp, type InterpHost } from './interp.js';
import { modelRequest, type ModelRequest } from './http.js';
import { joinBase, normalize } from './strings.js';
import type { Arg, AVal, CallCandidate, StrPart, ClassSummary, Context, FileSummary, FnSummary, ParamShape, SourceRange, WiringTag } from './values.js';
import type { ProcessInfo, ProcessModel, Runtime } from './processes.js';

let loadedSemver: typeof Semver | undefined;

export interface Registration {
  id: string;
  mechanism: string;
  /** The file that registers (calls, or loads the registering module), or where a package's scripts preload it. */
  file: string;
  /** 1-based line of the registering call (0 for a module loaded or preloaded). */
  line: number;
  covers: { sdk: string; versions?: string; operations?: string[] }[];
  /** It installs a global tracer provider (see `GlobalSpec.tracerProvider`). */
  tracerProvider?: boolean;
  /** Runtimes where it traces (absent: all). */
  runtimes?: Runtime[];
  /** Preloaded by the command line of this process only. */
  process?: string;
  /** Preloaded by the scripts of this package (applies to the package's files no entry point reaches). */
  packageDir?: string;
}

/** Why a site is (not) wired: what a user needs to trust, or to fix, the decision. */
export interface Evidence {
  /** The local mechanism that wires it (wrapper, option, scope), if any. */
  local?: string;
  /**
   * It runs in a scope wired by a run the scope does not start (a LangGraph node): the scope, and the
   * origin of the instance whose runs count (absent: whatever invokes it, not followed).
   */
  run?: { mechanism: string; origin?: string; outside: string; untraced?: { callee: string; at: string } };
  /**
   * The processes that run the site's file, each with an import chain from its entry point and the
   * registration that traces the site in it (or why none does). Empty: no entry point reaches the file.
   */
  processes: { label: string; runtime: Runtime; chain: string[]; registration?: string; lacks?: string }[];
  /** No entry point reaches the file: registrations of its own package judge it (this package directory). */
  package?: string;
  /** Registrations for the SDK that do not count here, and why (other process, runtime, version). */
  rejected: { mechanism: string; file: string; line: number; reason: string }[];
  /** What the engine could not see. */
  unknown?: string;
}

export interface EvaluatedSite {
  file: string;
  range: SourceRange;
  kind: SiteSpec['kind'];
  sdk: string;
  operation: string;
  callee: string;
  spec: SiteSpec;
  /** The catalog member called: `<type>#<dotted path>` (e.g. `openai.Client#chat.completions.create`). */
  member: string;
  /**
   * The provider the client was pointed at with its URL option (`new OpenAI({ baseURL })`, see
   * `MemberSpec.provider`): a catalog endpoint's provider, or `unknown` when the URL is not a literal.
   */
  provider?: string;
  /** A raw HTTP request to a model API: its URL, as far as it is known (`{NAME}` for what the code does not show). */
  url?: string;
  wired: boolean;
  mechanism: string | null;
  /** The tracing option is present but explicitly disabled (`isEnabled: false`). */
  disabled?: { option: OptionWiring; arg?: Arg };
  /** The tracing options that apply to this site at the project's declared SDK version (for fixes). */
  options: OptionWiring[];
  /**
   * Not wired, and the engine cannot tell that nothing traces it (options it cannot see, a registration
   * loaded by nothing it can see): the reason. `wired` is false.
   */
  unknown?: string;
  /** A process that runs the site and never initialises tracing for its SDK (for messages). */
  lacking?: string;
  evidence: Evidence;
  /** The call's arguments and where the argument list ends (for fixes). */
  args: Arg[];
  argsEnd: number;
  /**
   * Where the instance the call goes through was created (`file#offset` of `new OpenAI()`, a factory
   * call), when the engine knows it: fixes that wrap a client where it is constructed.
   */
  origin?: string;
}

/** A project function that runs a callback parameter inside a tracing scope (the team's own `withLLMSpan`). */
export interface ScopeHelper {
  /** A file that exports it, and under which name (`default` for a default export). */
  file: string;
  name: string;
  /** The function's id (`file#...`): the same helper exported from several files has one id. */
  fn: string;
  /** The parameter that runs in the scope. */
  callbackIndex: number;
  params: ParamShape[];
  /** The scope underneath, e.g. `scope:otel.startActiveSpan` (or another helper's `scope:<name>`). */
  mechanism: string;
}

export interface LinkOptions {
  catalog: CatalogIndex;
  /** Declared version (a range from package.json) of an npm package for a file, or undefined. */
  declaredVersion(file: string, pkg: string): string | undefined;
  /** SDK ids whose calls count as traced by configuration (LangSmith environment tracing). */
  assumedSdks?: Map<string, string>;
  /**
   * Package specifiers that the package.json scripts of a file's project preload into node
   * (`node --import <module>`, `-r <module>`, `NODE_OPTIONS='--require <module>'`), or undefined.
   */
  preloads?(file: string): string[];
  /** The project's processes (see processes.ts); without it, a registration anywhere counts everywhere. */
  processes?: ProcessModel;
  /** The package directory of a file (nearest package.json), for files no entry point reaches. */
  packageDirOf?(file: string): string | undefined;
  /**
   * A module a relative import names that is nowhere on disk, inside one of the project's packages (a
   * build output or generated copy that is not committed: `import { createAgent } from './agentkit-dist'`).
   */
  absentModule?(file: string): boolean;
  /** A path for messages and evidence. */
  display?(file: string): string;
  /**
   * The catalog package whose own implementation the file is (its repository's `src/`), if any: its
   * calls of that SDK's surface are the SDK at work, not sites; the model requests it makes through
   * another SDK (an agent framework calling a provider) are sites like any other.
   */
  sdkImplementedBy?(file: string): string | undefined;
}

export interface LinkResult {
  sites: EvaluatedSite[];
  registrations: Registration[];
}

export class Linker implements InterpHost {
  readonly catalog: CatalogIndex;
  /** By module key (extension-less), for import resolution; the first file of a key wins (sorted: .js before .ts). */
  private readonly byKey = new Map<string, FileSummary>();
  private readonly all: FileSummary[];
  private readonly interp: Interp;
  private currentFile = '';
  private registrations: Registration[] = [];
  private readonly exportMemo = new Map<string, AVal | undefined>();
  /** Function id → contexts it gets from being passed to a call in another file. */
  private readonly passedContexts = new Map<string, Context[]>();

  constructor(
    summaries: FileSummary[],
    private readonly opts: LinkOptions,
  ) {
    this.catalog = opts.catalog;
    this.all = [...summaries].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    for (const s of this.all) {
      const key = moduleKey(s.file);
      // Prefer TypeScript sources over same-named JavaScript (compiled output checked in next to them).
      const prev = this.byKey.get(key);
      if (!prev || (/\.[cm]?tsx?$/.test(s.file) && !/\.[cm]?tsx?$/.test(prev.file))) this.byKey.set(key, s);
    }
    this.interp = new Interp(this);
  }

  private summaryFor(file: string): FileSummary | undefined {
    return this.byKey.get(moduleKey(file)) ?? this.byKey.get(moduleKey(file) + '/index');
  }

  resolveRef(ref: Extract<AVal, { k: 'ref' }>): AVal | undefined {
    return this.exportOf(ref.file, ref.name, new Set());
  }

  private exportOf(file: string, name: string, seen: Set<string>): AVal | undefined {
    const s = this.summaryFor(file);
    if (!s) return this.absentExport(file, name);
    const key = `${s.file}\0${name}`;
    if (this.exportMemo.has(key)) return this.exportMemo.get(key);
    if (seen.has(key)) return undefined;
    seen.add(key);
    let v: AVal | undefined = s.exports[name];
    if (!v && name !== 'default') {
      for (const star of s.starExports) {
        v = this.exportOf(star, name, seen);
        if (v) break;
      }
    }
    this.exportMemo.set(key, v);
    return v;
  }

  /**
   * An export of a module that is not in the repository at all (an SDK's build output copied next to the
   * code, not committed): the SDK's own export of that name, when the names the project takes from the
   * module include at least two entry points of one SDK module that the module's package declares in its
   * package.json, and of no other. One shared name proves nothing (a missing `./copywriter` exporting
   * `generateText` is the project's own); nothing else can be known of such a module.
   */
  private absentExport(file: string, name: string): AVal | undefined {
    if (!this.opts.absentModule || name === '*' || name === 'default') return undefined;
    const mod = this.absentModuleType(file);
    if (!mod || !this.catalog.member(mod, [name])) return undefined;
    return this.interp.member({ k: 'inst', type: mod, path: [] }, name);
  }

  /** The catalog module an absent module is a copy of (see `absentExport`), memoized per module. */
  private absentModuleType(file: string): string | undefined {
    const key = moduleKey(file);
    if (this.absentMemo.has(key)) return this.absentMemo.get(key);
    let found: string | undefined;
    if (this.opts.absentModule!(file)) {
      if (!this.importedNames) {
        this.importedNames = new Map();
        for (const s of this.all) for (const [m, names] of Object.entries(s.importNames ?? {})) {
          const k = moduleKey(m);
          const set = this.importedNames.get(k) ?? this.importedNames.set(k, new Set()).get(k)!;
          for (const n of names) set.add(n);
        }
      }
      const names = [...(this.importedNames.get(key) ?? [])].filter((n) => n !== 'default' && n !== '*');
      // How many of the names each SDK module exports (`sdkExportIndex`): two or more make a candidate.
      const hits = new Map<string, number>();
      if (names.length >= 2) {
        const index = this.sdkExportIndex();
        for (const n of names) for (const spec of index.byName.get(n) ?? []) hits.set(spec, (hits.get(spec) ?? 0) + 1);
        for (const [spec, type] of index.patterned) {
          const count = names.filter((n) => this.catalog.member(type, [n])).length;
          if (count) hits.set(spec, count);
        }
      }
      const models = new Set<string>();
      // (In the catalog's order: the first module that qualifies gives the type.)
      for (const [spec, modelId] of hits.size ? this.catalog.modules : []) {
        if ((hits.get(spec) ?? 0) < 2) continue;
        const parts = spec.split('/');
        if (!this.opts.declaredVersion(file, spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!)) continue;
        found ??= this.catalog.moduleType(spec);
        models.add(modelId);
      }
      if (models.size !== 1) found = undefined;
    }
    this.absentMemo.set(key, found);
    return found;
  }

  private readonly absentMemo = new Map<string, string | undefined>();
  private importedNames: Map<string, Set<string>> | undefined;
  private sdkExports: { byName: Map<string, string[]>; patterned: [string, string][] } | undefined;

  /**
   * The SDK modules of the catalog by the names they export (for `absentModuleType`), built once; modules
   * whose exports are patterns are listed apart, with their type.
   */
  private sdkExportIndex(): { byName: Map<string, string[]>; patterned: [string, string][] } {
    if (this.sdkExports) return this.sdkExports;
    const byName = new Map<string, string[]>();
    const patterned: [string, string][] = [];
    for (const [spec, modelId] of this.catalog.modules) {
      if (spec.startsWith('.') || spec.startsWith('/') || this.catalog.models.get(modelId)?.role !== 'sdk') continue;
      const type = this.catalog.moduleType(spec);
      const t = type ? this.catalog.type(type) : undefined;
      if (!type || !t) continue;
      if (t.exportPatterns) {
        patterned.push([spec, type]);
        continue;
      }
      for (const name of t.members.keys()) if (name && !name.includes('.')) (byName.get(name) ?? byName.set(name, []).get(name)!).push(spec);
    }
    return (this.sdkExports = { byName, patterned });
  }

  fnSummary(id: string): FnSummary | undefined {
    const file = id.slice(0, id.lastIndexOf('#'));
    return this.summaryFor(file)?.fns[id];
  }

  classSummary(id: string): ClassSummary | undefined {
    const file = id.slice(0, id.lastIndexOf('#'));
    return this.summaryFor(file)?.classes?.[id];
  }

  private implementations: Implementations | undefined;

  implementationOf(id: string, name: string): AVal | undefined {
    this.implementations ??= new Implementations(() => Implementations.classesOf(this.all), this.interp);
    return this.implementations.memberOf(id, name);
  }

  /**
   * Does the declared version of `sdk` fall in `range`? When the project declares no version,
   * `ifUnknown` decides: `true` (the default) accepts every version's semantics rather than guess.
   */
  versionMatches(sdk: string, range: string, ifUnknown = true): boolean {
    return this.packageVersionMatches(this.catalog.sdkPackage.get(sdk) ?? sdk, range, ifUnknown);
  }

  /** `versionMatches` for an npm package named directly. */
  private packageVersionMatches(pkg: string, range: string, ifUnknown: boolean): boolean {
    const declared = this.opts.declaredVersion(this.currentFile, pkg);
    if (!declared) return ifUnknown;
    // Loaded on first use: most runs compare no version (start-up time of small runs).
    const semver = (loadedSemver ??= createRequire(import.meta.url)('semver') as typeof Semver);
    const min = semver.validRange(declared) ? semver.minVersion(declared) : semver.coerce(declared);
    if (!min) return ifUnknown;
    return semver.satisfies(min, range);
  }

  /** Whether a registration with this id runs in every process that runs the current file. */
  hasGlobal(id: string): boolean {
    return this.registrationFor(this.currentFile, (r) => r.id === id).wired !== undefined;
  }

  private readonly displayed = new Map<string, string>();
  private display(file: string): string {
    let d = this.displayed.get(file);
    if (d === undefined) this.displayed.set(file, (d = this.opts.display?.(file) ?? file));
    return d;
  }

  /** A directory for messages: relative, `.` for the working directory. */
  private displayDir(dir: string): string {
    if (!dir) return '(no package.json)';
    return this.display(`${dir}/package.json`).replace(/\/?package\.json$/, '') || '.';
  }

  /**
   * The registration (matching `pred`) that traces `file` in every process that runs it, or why none does.
   * Without a process model every registration counts everywhere.
   */
  private registrationFor(file: string, pred: (r: Registration) => boolean, sdk?: string, gate?: string): {
    wired?: Registration;
    lacking?: ProcessInfo;
    unknown?: string;
    processes: Evidence['processes'];
    package?: string;
    rejected: Evidence['rejected'];
  } {
    const candidates = this.registrations.filter(pred);
    const model = this.opts.processes;
    const rejected: Evidence['rejected'] = [];
    if (!model) return { wired: candidates[0], processes: [], rejected };
    const procs = model.processesRunning(file, gate);
    const pkgOf = (f: string) => this.opts.packageDirOf?.(f) ?? '';
    const reject = (r: Registration, reason: string) => {
      if (!rejected.some((x) => x.file === r.file && x.line === r.line && x.mechanism === r.mechanism && x.reason === reason)) rejected.push({ mechanism: r.mechanism, file: this.display(r.file), line: r.line, reason });
    };
    if (!procs.length) {
      // A library file: judged by its own package's registrations (and its scripts' preloads).
      const pkg = pkgOf(file);
      const own = candidates.find((r) => !r.process && (r.packageDir !== undefined ? r.packageDir === pkg : pkgOf(r.file) === pkg));
      for (const r of candidates) if (r !== own) reject(r, r.process ? 'preloaded by another command line' : `registered in another package (\`${this.displayDir(r.packageDir ?? pkgOf(r.file))}\`)`);
      return { wired: own, processes: [], package: this.displayDir(pkg), rejected };
    }
    const processes: Evidence['processes'] = [];
    let first: Registration | undefined;
    let lacking: ProcessInfo | undefined;
    const verdicts: { p: ProcessInfo; found?: Registration }[] = [];
    for (const p of procs) {
      let found: Registration | undefined;
      for (const r of candidates) {
        const inProcess = r.process ? r.process === p.id : r.packageDir === undefined && model.loads(p, r.file);
        if (!inProcess) continue;
        if (r.runtimes && !r.runtimes.includes(p.runtime)) {
          reject(r, `does not trace under ${p.runtime === 'node' ? 'Node.js' : p.runtime === 'bun' ? 'Bun' : p.runtime === 'deno' ? 'Deno' : 'an edge runtime'}, where ${p.label} runs`);
          continue;
        }
        found = r;
        break;
      }
      if (found) first ??= found;
      else lacking ??= p;
      verdicts.push({ p, found });
    }
    // Evidence lists the processes that lack tracing first, and at most a few in all.
    const chainOf = (p: ProcessInfo) => (model.pathTo(p, file) ?? [file]).map((f) => this.display(f));
    const ordered = [...verdicts.filter((v) => !v.found), ...verdicts.filter((v) => v.found)];
    for (const { p, found } of ordered.slice(0, MAX_LISTED)) {
      if (found) processes.push({ label: p.label, runtime: p.runtime, chain: chainOf(p), registration: `${found.mechanism} (${this.display(found.file)}${found.line ? ':' + found.line : ''})` });
      else processes.push({ label: p.label, runtime: p.runtime, chain: chainOf(p), lacks: sdk ? `never initialises tracing for ${sdk}` : 'never registers it' });
    }
    if (procs.length > MAX_LISTED) processes.push({ label: `and ${procs.length - MAX_LISTED} more process${procs.length - MAX_LISTED === 1 ? '' : 'es'}`, runtime: 'node', chain: [] });
    for (const r of candidates) {
      if (r.process && !procs.some((p) => p.id === r.process)) reject(r, 'preloaded by the command line of another process');
      else if (!r.process && r.packageDir === undefined && !procs.some((p) => model.loads(p, r.file))) reject(r, 'runs in another process: no process that runs this call loads it');
    }
    if (!lacking) return { wired: first, processes, rejected };
    // A registration in a file that runs on its own and that nothing loads (`node --require ./tracing.js`
    // from a Dockerfile or a start command outside the repository): the engine cannot tell.
    const pkg = pkgOf(file);
    const orphan = candidates.find((r) => !r.process && r.packageDir === undefined && pkgOf(r.file) === pkg && INSTRUMENTATION_FILE.test(r.file) && model.isOwnEntryOnly(r.file));
    const unknown = orphan ? `${orphan.mechanism} in \`${this.display(orphan.file)}\` is loaded by no entry point in the repository (a --require/--import outside it?), so whether it runs before this call cannot be seen` : undefined;
    return { lacking, unknown, processes, rejected };
  }

  link(): LinkResult {
    const summaries = this.all;
    // 1. The wiring manifest: registering calls, modules loaded for their side effects, and modules the
    // package.json scripts preload.
    const preloaded = new Set<string>();
    const model = this.opts.processes;
    for (const s of summaries) {
      this.currentFile = s.file;
      for (const c of s.calls) this.collectRegistration(s.file, c);
      for (const spec of s.loads ?? []) this.collectLoad(s.file, spec);
      // Modules the package's scripts preload: with a process model they apply to the processes whose
      // command line preloads them (below), and to the package's files no entry point reaches.
      for (const spec of this.opts.preloads?.(s.file) ?? []) {
        const pkg = model ? this.opts.packageDirOf?.(s.file) ?? '' : '';
        const key = `${pkg}\0${spec}`;
        if (preloaded.has(key)) continue;
        preloaded.add(key);
        this.collectLoad(s.file, spec, model ? { packageDir: pkg } : {});
      }
    }
    for (const p of model?.processes ?? []) {
      for (const spec of p.preloadSpecs) this.collectLoad(p.entries[0] ?? p.preloadFiles[0] ?? p.pkgDir, spec, { process: p.id });
    }
    // Functions passed from one file to a (possible) scope in another: their calls get that context.
    for (const s of summaries) {
      this.currentFile = s.file;
      for (const pr of s.passedRefs ?? []) {
        const v = this.interp.concretize(pr.value);
        if (v?.k !== 'fn') continue;
        const list = this.passedContexts.get(v.id) ?? this.passedContexts.set(v.id, []).get(v.id)!;
        list.push({ k: 'arg', callee: pr.callee, index: pr.index, nargs: pr.nargs });
      }
    }
    // Work registered on instances (graph nodes, entrypoint functions), and the calls of tasks.
    for (const s of summaries) {
      this.currentFile = s.file;
      for (const c of s.calls) this.collectWork(s.file, c);
    }
    // 2. Sites.
    const sites = new Map<string, EvaluatedSite>();
    /** Site key → the project functions enclosing it (innermost first): what graph nodes reach. */
    const siteFns = new Map<string, string[]>();
    /** Site key → why a constructor call reaching it passes a value tracewire cannot follow. */
    const unresolved = new Map<string, string>();
    const put = (site: EvaluatedSite) => {
      if (site.sdk === this.implementedSdk(site.file)) return;
      const key = `${site.file}\0${site.range.start}`;
      const prev = sites.get(key);
      // A site reached from several callers is wired only if every caller wires it.
      if (!prev || (prev.wired && !site.wired) || (!prev.disabled && site.disabled)) sites.set(key, site);
      if (this.putFns && !siteFns.has(key)) siteFns.set(key, this.putFns);
    };
    for (const s of summaries) {
      this.currentFile = s.file;
      for (const c of s.calls) {
        const callee = this.interp.concretize(c.callee);
        if (!callee) continue;
        // Constructing a project class (or `super(...)`): its constructor's parameters may be the clients its methods call.
        if (c.isNew && callee.k === 'cls') {
          const ctor = this.interp.ctorOf(callee.id);
          if (ctor?.k === 'fn') this.paramSites(s.file, c, ctor.id, true, put, unresolved);
          continue;
        }
        // `new X()` is a site only where constructing the instance is the request (`MemberSpec.new` with `site`).
        if (c.isNew && (callee.k !== 'inst' || !this.catalog.member(callee.type, callee.path)?.new)) continue;
        if (callee.k === 'inst' && callee.declared) {
          this.declaredSites(s.file, c, callee, put, unresolved);
        } else if (callee.k === 'inst') {
          const site = this.evaluate(s.file, c, callee, []);
          if (site) put(site);
        } else if (callee.k === 'fn') {
          // A call of a user function that calls SDK methods on its parameters.
          this.paramSites(s.file, c, callee.id, !!c.isSuper, put, unresolved);
        }
      }
    }
    // A constructor some callers give a client and others something tracewire cannot follow: the calls
    // its instances' methods make on it are not known to be wired.
    for (const [key, why] of unresolved) {
      const site = sites.get(key);
      if (!site?.wired) continue;
      const unknown = `${why}; the call is wired for the others (${site.mechanism})`;
      sites.set(key, { ...site, wired: false, mechanism: null, unknown, evidence: { ...site.evidence, unknown } });
    }
    this.judgeWork(sites, siteFns);
    this.runScopes(sites);
    const list = [...sites.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start - b.range.start));
    return { sites: list, registrations: this.registrations };
  }

  /**
   * The sites a call of user function `fnId` (in `file`) makes through its parameters. For a constructor
   * (`new X(client)`, `super(client)`), the calls its methods make later on the kept value run outside
   * the construction: only the calls in the constructor's own body take the caller's context. A
   * constructor argument present but not followed is noted in `unresolved`.
   */
  private paramSites(file: string, c: CallCandidate, fnId: string, isCtor: boolean, put: (site: EvaluatedSite) => void, unresolved: Map<string, string>): void {
    const fs = this.fnSummary(fnId);
    const fnFile = fnId.slice(0, fnId.lastIndexOf('#'));
    for (const pc of fs?.paramCalls ?? []) {
      const actual = this.interp.substitute(pc.callee, fnId, c.args);
      const conc = this.interp.concretize(actual);
      if (!conc || conc.k !== 'inst') {
        if (isCtor && pc.callee.k === 'param' && this.unfollowedArg(pc.callee, fnId, c.args)) {
          const key = `${fnFile}\0${pc.range.start}`;
          if (!unresolved.has(key)) unresolved.set(key, `\`${c.calleeText}(...)\` at ${this.display(file)}:${c.range.line} passes a value tracewire cannot follow`);
        }
        continue;
      }
      this.currentFile = fnFile;
      const inBody = !isCtor || pc.fns?.[0] === fnId;
      const site = this.evaluate(fnFile, pc, conc, inBody ? [c] : [], fnId);
      this.currentFile = file;
      if (site) put(site);
    }
  }

  private readonly implementedMemo = new Map<string, string | undefined>();

  /** The SDK (catalog model id) whose own implementation the file is, if any (see `LinkOptions.sdkImplementedBy`). */
  private implementedSdk(file: string): string | undefined {
    if (this.implementedMemo.has(file)) return this.implementedMemo.get(file);
    const pkg = this.opts.sdkImplementedBy?.(file);
    const sdk = pkg === undefined ? undefined : this.catalog.modules.get(moduleKey(pkg));
    this.implementedMemo.set(file, sdk);
    return sdk;
  }

  /** Constructor id → the calls that run it (`new X(...)`, `super(...)`), with their files; built on first use. */
  private ctorCalls: Map<string, { file: string; c: CallCandidate }[]> | undefined;

  private callsOfCtor(id: string): { file: string; c: CallCandidate }[] {
    if (!this.ctorCalls) {
      this.ctorCalls = new Map();
      const saved = this.currentFile;
      for (const s of this.all) {
        this.currentFile = s.file;
        for (const c of s.calls) {
          if (!c.isNew && !c.isSuper) continue;
          const callee = this.interp.concretize(c.callee);
          const ctor = c.isNew ? (callee?.k === 'cls' ? this.interp.ctorOf(callee.id) : undefined) : callee;
          if (ctor?.k !== 'fn') continue;
          (this.ctorCalls.get(ctor.id) ?? this.ctorCalls.set(ctor.id, []).get(ctor.id)!).push({ file: s.file, c });
        }
      }
      this.currentFile = saved;
    }
    return this.ctorCalls.get(id) ?? [];
  }

  /**
   * A site on a field known by its declared type, kept from a constructor parameter
   * (`constructor(private client: OpenAI)`): judged with what each construction passes (a wrapped client
   * is wired, another SDK's client makes no such site); by the declared type when no construction
   * passes anything tracewire can follow.
   */
  private declaredSites(file: string, c: CallCandidate, callee: Extract<AVal, { k: 'inst' }>, put: (site: EvaluatedSite) => void, unresolved: Map<string, string>): void {
    const d = callee.declared!;
    const p: Extract<AVal, { k: 'param' }> = { k: 'param', fn: d.fn, index: d.index, steps: d.path.map((m) => ({ m })) };
    let followed = false;
    let unfollowed: string | undefined;
    for (const { file: cf, c: cc } of this.callsOfCtor(d.fn)) {
      this.currentFile = cf;
      const actual = this.interp.concretize(this.interp.substitute(p, d.fn, cc.args));
      const open = !actual || actual.k === 'param' || actual.k === 'ref';
      if (open && this.unfollowedArg({ ...p, steps: [] }, d.fn, cc.args)) {
        unfollowed ??= `\`${cc.calleeText}(...)\` at ${this.display(cf)}:${cc.range.line} passes a value tracewire cannot follow`;
        continue;
      }
      if (open) continue;
      followed = true;
      if (actual.k !== 'inst') continue;
      this.currentFile = file;
      const site = this.evaluate(file, c, actual, []);
      if (site) put(site);
    }
    this.currentFile = file;
    if (!followed) {
      const site = this.evaluate(file, c, callee, []);
      if (site) put(site);
    } else if (unfollowed) {
      const key = `${file}\0${c.range.start}`;
      if (!unresolved.has(key)) unresolved.set(key, unfollowed);
    }
  }

  /**
   * Whether the argument a parameter value is rooted at was passed but cannot be followed: neither it nor
   * any member of it on the way to the call resolves to something known (a client, a project object).
   * An argument left out, a literal, a function, or a known value that is no client are followed.
   */
  private unfollowedArg(p: Extract<AVal, { k: 'param' }>, fnId: string, args: Arg[]): boolean {
    const root = args[p.index];
    if (!root || root.spread || root.lit !== undefined || root.fn) return false;
    for (let n = 0; n <= p.steps.length; n++) {
      const step = p.steps[n - 1];
      if (n > 0 && !(step && 'm' in step)) break;
      const v = this.interp.concretize(this.interp.substitute({ ...p, steps: p.steps.slice(0, n) }, fnId, args));
      if (v && v.k !== 'param' && v.k !== 'ref') return false;
    }
    return true;
  }

  /** Instance origin → mechanism, for registrations of specific instances (`MemberSpec.registers`). */
  private readonly registeredInstances = new Map<string, string>();

  private collectInstances(file: string, c: CallCandidate, r: NonNullable<MemberSpec['registers']>): void {
    if (r.when) {
      const states = r.when.map((key) => checkOption({ arg: r.arg, key, mechanism: r.mechanism }, c.args, this, undefined));
      if (!states.some((st) => st === 'wired' || st === 'unknown')) return;
    }
    const add = (v: AVal | undefined) => {
      const conc = this.interp.concretize(v);
      if (conc?.k === 'inst' && conc.origin && !this.registeredInstances.has(conc.origin)) this.registeredInstances.set(conc.origin, r.mechanism);
    };
    const collect = (a: Arg | undefined, depth: number) => {
      if (!a || depth > 3) return;
      if (a.arr) a.arr.forEach((x) => collect(x, depth + 1));
      else if (a.obj) Object.values(a.obj).forEach((x) => collect(x, depth + 1));
      else add(a.v);
    };
    const arg = argAt(c.args, r.arg);
    if (r.keys) for (const k of r.keys) collect(arg?.obj?.[k], 0);
    else collect(arg, 0);
    if (r.self) {
      const origin = originOf(file, c.range.start);
      if (!this.registeredInstances.has(origin)) this.registeredInstances.set(origin, r.mechanism);
    }
  }

  /** A module loaded for its side effects (or preloaded by a script) whose loading registers instrumentation. */
  private collectLoad(file: string, spec: string, scope: { process?: string; packageDir?: string } = {}): void {
    const type = this.catalog.moduleType(spec);
    const g = type ? this.catalog.member(type, [])?.load : undefined;
    if (!g || g.covers === 'instrumentations') return;
    this.pushRegistration(file, 0, g, g.mechanism, g.covers, g.runtimes, scope);
  }

  /** The coverage entries whose instrumenting library is declared at a qualifying version (see `Coverage.library`). */
  private applicable(covers: Coverage[]): Registration['covers'] {
    const out: Registration['covers'] = [];
    for (const c of covers) {
      if (c.library && !this.packageVersionMatches(c.library.package, c.library.versions, false)) continue;
      out.push({ sdk: c.sdk, ...(c.versions ? { versions: c.versions } : {}), ...(c.operations ? { operations: c.operations } : {}) });
    }
    return out;
  }

  private pushRegistration(file: string, line: number, g: GlobalSpec, mechanism: string, covers: Coverage[], runtimes: Runtime[] | undefined, scope: { process?: string; packageDir?: string } = {}): void {
    this.registrations.push({
      id: g.id,
      mechanism,
      file,
      line,
      covers: this.applicable(covers),
      ...(g.tracerProvider ? { tracerProvider: true } : {}),
      ...(runtimes ? { runtimes } : {}),
      ...(scope.process ? { process: scope.process } : {}),
      ...(scope.packageDir !== undefined ? { packageDir: scope.packageDir } : {}),
    });
  }

  /** What a registration's default integrations cover at this call, or nothing when its options leave them out. */
  private defaultCovers(file: string, c: CallCandidate, d: DefaultIntegrations): Coverage[] {
    if (d.exceptFiles && new RegExp(d.exceptFiles).test(file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1))) return [];
    if (d.when) {
      const { arg, keys } = d.when;
      const states = keys.map((key) => checkOption({ arg, key, mechanism: d.mechanism }, c.args, this, undefined));
      if (!states.some((st) => st === 'wired' || st === 'unknown')) return [];
    }
    if (d.replacedBy) {
      const v = argAt(c.args, d.replacedBy.arg)?.obj?.[d.replacedBy.key];
      if (v && (v.lit === false || v.arr)) return [];
    }
    let covers = d.covers;
    if (d.filteredBy) {
      const fn = argAt(c.args, d.filteredBy.arg)?.obj?.[d.filteredBy.key]?.fnBody;
      if (fn) {
        if (!fn.readsParam) return [];
        const dropped = new Set(fn.strings.map((n) => d.filteredBy!.names[n]).filter((x): x is string => !!x));
        if (dropped.size) covers = covers.filter((cov) => !dropped.has(cov.sdk));
      }
    }
    return covers;
  }

  private collectRegistration(file: string, c: CallCandidate): void {
    const callee = this.interp.concretize(c.callee);
    if (!callee || callee.k !== 'inst') return;
    const spec = this.catalog.member(callee.type, callee.path);
    if (spec?.registers) this.collectInstances(file, c, spec.registers);
    const g = spec?.global;
    if (!g) return;
    if (g.when) {
      const { arg, keys } = g.when;
      const states = keys.map((key) => checkOption({ arg, key, mechanism: g.mechanism }, c.args, this, undefined));
      if (!states.some((st) => st === 'wired' || st === 'unknown')) return;
    }
    let covers: Coverage[] = [];
    let runtimes = g.runtimes;
    if (g.covers === 'instrumentations') {
      const found: Coverage[] = [];
      const scan = (a: Arg | undefined, depth: number) => {
        if (!a || depth > 4) return;
        if (a.arr) a.arr.forEach((x) => scan(x, depth + 1));
        if (a.obj) Object.values(a.obj).forEach((x) => scan(x, depth + 1));
        const v = this.interp.concretize(a.v);
        if (v?.k === 'inst') {
          const instr = this.catalog.instrumentations.get(v.type);
          if (instr) {
            found.push(...instr.covers);
            if (instr.runtimes) runtimes = runtimes ? runtimes.filter((r) => instr.runtimes!.includes(r)) : instr.runtimes;
          }
        }
      };
      c.args.forEach((a) => scan(a, 0));
      covers = found;
    } else covers = g.covers;
    this.pushRegistration(file, c.range.line, g, g.mechanism, covers, runtimes);
    const defaults = g.defaults ? this.defaultCovers(file, c, g.defaults) : [];
    if (defaults.length) this.pushRegistration(file, c.range.line, g, g.defaults!.mechanism, defaults, g.runtimes);
  }

  /**
   * The model API an HTTP request goes to (`MemberSpec.http`), with the URL's parts resolved through the
   * project: values of other files, and the parameters of `fnId` from the call `outer` that passes them.
   */
  private modelRequestOf(c: CallCandidate, callee: Extract<AVal, { k: 'inst' }>, outer: CallCandidate | undefined, fnId: string | undefined): ModelRequest | undefined {
    if (c.url?.k !== 'str') return undefined;
    const url = callee.base?.k === 'str' ? joinBase(callee.base, c.url) : c.url;
    const resolve = (parts: StrPart[], depth: number): StrPart[] => {
      const out: StrPart[] = [];
      for (const p of parts) {
        if (typeof p === 'object' && 'alt' in p) {
          out.push({ alt: p.alt.map((b) => resolve(b, depth + 1)) });
          continue;
        }
        if (typeof p !== 'object' || !('v' in p)) {
          out.push(p);
          continue;
        }
        let v: AVal | undefined = p.v;
        if (v.k === 'param' && outer && v.fn === fnId && v.steps.length === 0) v = argString(outer.args[v.index]);
        else if (v.k === 'param' && outer && v.fn === fnId && v.steps.length === 1 && 'm' in v.steps[0]!) {
          // A field of what the call passes (`send(route)` reading `route.endpoint`): an object literal's, or a resolver's result's.
          const a = outer.args[v.index];
          const key = v.steps[0].m;
          v = argString(a?.obj?.[key]) ?? a?.fields?.[key] ?? v;
        }
        const conc = depth < 8 ? this.interp.concretize(v) : undefined;
        if (conc?.k === 'str') out.push(...resolve(conc.parts, depth + 1));
        // What cannot be resolved is a hole with the name it was read from (a parameter: `?`).
        else out.push({ unknown: p.v.k === 'ref' ? [p.v.name, ...p.v.steps.flatMap((st) => ('m' in st ? [st.m] : []))].join('.') : '?' });
      }
      return out;
    };
    return modelRequest(this.catalog, normalize(resolve(url.parts, 0)));
  }

  private evaluate(file: string, c: CallCandidate, callee: Extract<AVal, { k: 'inst' }>, outer: CallCandidate[], fnId?: string): EvaluatedSite | undefined {
    this.putFns = c.fns;
    const member = this.catalog.member(callee.type, callee.path);
    // A raw HTTP request is a site only when it goes to a model API; only a scope around it traces it.
    const request = member?.http ? this.modelRequestOf(c, callee, outer[0], fnId) : undefined;
    if (member?.http && !request) return undefined;
    const spec: SiteSpec | undefined = request ? { kind: 'llm-call', operation: request.operation } : member?.site;
    if (!spec) return undefined;
    const provider = request?.provider ?? callee.provider;
    const type = this.catalog.type(callee.type);
    const sdk = type?.sdk ?? 'unknown';
    if (spec.argTypes) {
      const a = argAt(c.args, spec.argTypes.arg);
      const v = this.interp.concretize(a?.v);
      if (!v || v.k !== 'inst' || !spec.argTypes.types.includes(v.type)) return undefined;
    }
    const base = {
      file,
      range: c.range,
      kind: spec.kind,
      sdk,
      operation: spec.operation,
      callee: c.calleeText,
      spec,
      member: `${callee.type}#${callee.path.join('.')}`,
      ...(provider ? { provider } : {}),
      ...(request ? { url: request.url } : {}),
      options: (spec.options ?? []).filter((o) => !o.versions || this.versionMatches(sdk, o.versions)),
      args: c.args,
      argsEnd: c.argsEnd,
      ...(callee.origin ? { origin: callee.origin } : {}),
    };
    const local = (mechanism: string): EvaluatedSite => {
      evidence.local = mechanism;
      return wired(mechanism);
    };
    const evidence: Evidence = { processes: [], rejected: [] };
    const wired = (mechanism: string): EvaluatedSite => ({ ...base, wired: true, mechanism, evidence });
    // (a) the client value passed through a wrapper (or carries constructor/withConfig options), or the
    // instance the call runs (`SiteSpec.wiringFromArg`)
    const tag = [...(callee.wiring ?? []), ...this.argWiring(c.args, spec.wiringFromArg)].find(
      (t) => covers(t, sdk, spec.operation) && (!t.versions || this.versionMatches(sdk, t.versions)) && (!t.requiresGlobal || this.hasGlobal(t.requiresGlobal)),
    );
    // (b) call options
    let disabled: EvaluatedSite['disabled'];
    let optionMechanism: string | undefined;
    let optionUnknown: string | undefined;
    for (const o of spec.options ?? []) {
      const st = checkOption(o, c.args, this, sdk);
      if (st === 'wired') optionMechanism ??= o.mechanism;
      else if (st === 'unknown') optionUnknown ??= `whether \`${o.key}\` is set cannot be seen (the options come from a value tracewire cannot follow)`;
      else if (st === 'disabled') disabled = { option: o, arg: argAt(c.args, o.arg) };
    }
    if (disabled) return { ...base, wired: false, mechanism: null, disabled, evidence };
    if (tag) return local(tag.mechanism);
    // A client pointed at a gateway that records every request (Helicone, Portkey) is traced there.
    const gateway = provider ? this.catalog.endpoints.find((e) => e.proxy && e.provider === provider) : undefined;
    if (gateway?.proxy) return local(gateway.proxy);
    if (optionMechanism) return local(optionMechanism);
    // (c) lexical tracing scopes, here and in callers (for sites reached through parameters)
    for (const cand of [c, ...outer]) {
      if (cand.wiredBy) return local(cand.wiredBy);
      const passed = (cand.fns ?? []).flatMap((id) => this.passedContexts.get(id) ?? []);
      const m = this.contextsMechanism(cand.contexts, sdk, spec.kind) ?? this.contextsMechanism(passed, sdk, spec.kind);
      if (m) return local(m);
      evidence.run ??= this.registeredRun(cand.fns, sdk, 0) ?? this.runScope([...cand.contexts, ...passed], sdk);
    }
    // A helper that graph nodes call runs under the graph's run like the nodes' own calls.
    evidence.run ??= this.runThroughCallers(c.fns, sdk, 0);
    // (d) global registrations, in every process that runs the call
    const covering = (r: Registration) =>
      r.covers.some((cov) => cov.sdk === sdk && (!cov.versions || this.versionMatches(sdk, cov.versions)) && (!cov.operations || cov.operations.includes(spec.operation)));
    const g = this.registrationFor(file, covering, sdk, c.gate);
    evidence.processes = g.processes;
    evidence.rejected = g.rejected;
    if (g.package !== undefined) evidence.package = g.package;
    if (g.wired) return wired(g.wired.mechanism);
    // (e) the SDK's own spans, once the process installs a global tracer provider
    const native = type?.nativeTracing;
    // Only at a declared version: spans the SDK may or may not emit are not assumed.
    if (native && (!native.versions || this.versionMatches(sdk, native.versions, false))) {
      const provider = this.registrationFor(file, (r) => !!r.tracerProvider, undefined, c.gate).wired;
      if (provider) return wired(`${native.mechanism} (tracer provider from ${provider.mechanism})`);
    }
    // (d') this very instance was registered for tracing (`new Mastra({ agents })`, `enableOpenTelemetry(team)`)
    const registered = callee.origin ? this.registeredInstances.get(callee.origin) : undefined;
    if (registered) return wired(registered);
    const assumed = this.opts.assumedSdks?.get(sdk);
    if (assumed) return wired(assumed);
    // (f) the SDK's own default tracing, unless the project turns it off
    if (spec.builtin && !(spec.builtin.unlessGlobal && this.hasGlobal(spec.builtin.unlessGlobal))) return wired(spec.builtin.mechanism);
    const unknown = optionUnknown ?? g.unknown;
    if (unknown) evidence.unknown = unknown;
    const lacking = g.lacking ? g.lacking.label : undefined;
    return { ...base, wired: false, mechanism: null, evidence, ...(unknown ? { unknown } : {}), ...(lacking ? { lacking } : {}) };
  }

  /** The wiring of the instance a site runs (`SiteSpec.wiringFromArg`). */
  private argWiring(args: Arg[], from: SiteSpec['wiringFromArg']): WiringTag[] {
    if (!from) return [];
    let a = argAt(args, from.arg);
    if (from.key) a = a?.obj?.[from.key];
    const v = this.interp.concretize(a?.v);
    return v?.k === 'inst' ? (v.wiring ?? []) : [];
  }

  /**
   * The project's own tracing helpers: exported functions that run a callback parameter inside a tracing
   * scope for any SDK (scopes limited to some SDKs, such as graph nodes, are left out), sorted by file
   * and name.
   */
  scopeHelpers(): ScopeHelper[] {
    const out: ScopeHelper[] = [];
    for (const s of this.all) {
      this.currentFile = s.file;
      for (const name of Object.keys(s.exports).sort()) {
        const v = this.interp.concretize(s.exports[name]);
        if (v?.k !== 'fn') continue;
        const fs = this.fnSummary(v.id);
        if (!fs?.calledParams || !fs.params) continue;
        for (const cp of fs.calledParams) {
          // A parameter the function runs (a callback), not a value it merely passes to some call in the scope.
          if (!fs.params[cp.index]?.runs) continue;
          let mechanism = cp.wiredBy;
          for (const inner of mechanism ? [] : cp.contexts) {
            const r = contextMechanism(inner, this.interp, this, undefined, 'llm-call');
            if (r !== 'none' && r !== 'pending') {
              mechanism = r;
              break;
            }
          }
          if (!mechanism) continue;
          out.push({ file: s.file, name, fn: v.id, callbackIndex: cp.index, params: fs.params, mechanism });
          break;
        }
      }
    }
    return out;
  }

  /** The first scope among `contexts` whose wiring is a run's (`ScopeSpec.fromRun`) and that applies to `sdk`. */
  private runScope(contexts: Context[], sdk: string): Evidence['run'] {
    for (const ctx of contexts) {
      if (ctx.k !== 'arg') continue;
      const v = this.interp.concretize(ctx.callee);
      if (v?.k !== 'inst') continue;
      const scope = this.catalog.member(v.type, v.path)?.scope;
      if (!scope?.fromRun || (scope.sdks && !scope.sdks.includes(sdk))) continue;
      const at = scope.callbackArg;
      // Runs of the instance the call returns, or of the task's callers: through the registered work
      // (`registeredRun`); when that finds none, no run is seen.
      if (scope.fromRun.runner === 'result' || scope.fromRun.runner === 'callers') {
        if (at === 'any' || at === ctx.index || (at === 'last' && ctx.index === ctx.nargs - 1)) return { mechanism: scope.mechanism, outside: scope.fromRun.outside };
        continue;
      }
      if (!(at === 'any' || at === ctx.index || (at === 'last' && ctx.index === ctx.nargs - 1))) continue;
      return { mechanism: scope.mechanism, ...(scope.fromRun.runner === 'instance' && v.origin ? { origin: v.origin } : {}), outside: scope.fromRun.outside };
    }
    return undefined;
  }

  /** Function id → the calls of it made inside functions (this file's and other files'), built on first use. */
  private callers: Map<string, { fns: string[]; contexts: Context[] }[]> | undefined;

  private callersOf(id: string): { fns: string[]; contexts: Context[] }[] {
    if (!this.callers) {
      this.callers = new Map();
      const add = (callee: string, x: { fns: string[]; contexts: Context[] }) => (this.callers!.get(callee) ?? this.callers!.set(callee, []).get(callee)!).push(x);
      const saved = this.currentFile;
      for (const s of this.all) {
        this.currentFile = s.file;
        for (const h of s.helperCalls ?? []) if (!h.wired) add(h.callee, h);
        for (const c of s.calls) {
          if (c.isNew || !c.fns || c.callee?.k !== 'ref') continue;
          const v = this.interp.concretize(c.callee);
          if (v?.k === 'fn') add(v.id, { fns: c.fns, contexts: c.wiredBy ? [] : c.contexts });
        }
      }
      this.currentFile = saved;
    }
    return this.callers.get(id) ?? [];
  }

  /**
   * The run scope every known caller of the function enclosing a site sits in (a graph node calling a
   * helper, up to a few calls deep), when they all sit in nodes of the same graph.
   */
  private runThroughCallers(fns: string[] | undefined, sdk: string, depth: number): Evidence['run'] {
    if (!fns?.length || depth > 3) return undefined;
    // The innermost enclosing function that something calls.
    let callers: { fns: string[]; contexts: Context[] }[] = [];
    for (const id of fns) {
      callers = this.callersOf(id);
      if (callers.length) break;
    }
    let found: Evidence['run'];
    for (const cl of callers) {
      const passed = cl.fns.flatMap((id) => this.passedContexts.get(id) ?? []);
      const r = this.registeredRun(cl.fns, sdk, depth + 1) ?? this.runScope([...cl.contexts, ...passed], sdk) ?? this.runThroughCallers(cl.fns, sdk, depth + 1);
      // A caller outside every node, or nodes of different graphs: no single run to judge it by.
      if (!r || (found && (found.origin !== r.origin || found.mechanism !== r.mechanism))) return undefined;
      found ??= r;
    }
    return found;
  }

  /** The functions enclosing the call `evaluate` last judged: `link` records them with its site. */
  private putFns: string[] | undefined;
  /** Instance origin → the work registered on it (see `SiteSpec.registeredWork`). */
  private readonly work = new Map<string, Work[]>();
  /** Function id → the instances it was registered on as work. */
  private readonly workFns = new Map<string, { origin: string; work: Work }[]>();
  /** Instance origin → the calls that run its registered work in the caller's run (a task called in an entrypoint). */
  private readonly invocations = new Map<string, { fns: string[]; contexts: Context[] }[]>();

  /**
   * Work a call registers on an instance: a graph node or conditional edge (`graph.addNode(name, fn)`, also
   * from a loop over a literal list), an entrypoint's or a task's function; through a project helper that
   * is given the instance (`addAgentNode(graph, name, fn)`). Also the calls that run a task.
   */
  private collectWork(file: string, c: CallCandidate): void {
    if (c.isNew) return;
    const callee = this.interp.concretize(c.callee);
    if (callee?.k === 'inst') {
      const spec = this.catalog.member(callee.type, callee.path);
      if (spec?.runsRegistered && callee.origin) (this.invocations.get(callee.origin) ?? this.invocations.set(callee.origin, []).get(callee.origin)!).push({ fns: c.fns ?? [], contexts: c.contexts });
      if (!spec || !registersWork(spec)) return;
      const scope = spec.scope!;
      const origin = scope.fromRun!.runner === 'instance' ? callee.origin : originOf(file, c.range.start);
      const index = callbackIndex(scope.callbackArg, c.args.length);
      if (!origin || index === undefined) return;
      const named = argAt(c.args, 0)?.lit;
      if (c.each?.index === index) {
        for (const v of [...c.each.values, ...(c.each.open ? [undefined] : [])]) this.addWork(origin, v, file, c.range.line, scope, named);
      } else for (const [name, v] of workValues(c.args, index)) this.addWork(origin, v, file, c.range.line, scope, name ?? named);
      return;
    }
    if (callee?.k !== 'fn') return;
    // A project helper that adds what it is given to the instance it is given.
    for (const pc of this.fnSummary(callee.id)?.paramCalls ?? []) {
      const inst = this.interp.concretize(this.interp.substitute(pc.callee, callee.id, c.args));
      if (inst?.k !== 'inst' || !inst.origin) continue;
      const spec = this.catalog.member(inst.type, inst.path);
      if (!spec || !registersWork(spec) || spec.scope!.fromRun!.runner !== 'instance') continue;
      const index = callbackIndex(spec.scope!.callbackArg, pc.args.length);
      const first = argAt(pc.args, 0);
      const named = first?.lit ?? (first?.v?.k === 'param' ? argAt(c.args, first.v.index)?.lit : undefined);
      for (const [name, v] of workValues(pc.args, index)) this.addWork(inst.origin, v && this.interp.substitute(v, callee.id, c.args), file, c.range.line, spec.scope!, name ?? named);
    }
  }

  private addWork(origin: string, v: AVal | undefined, file: string, line: number, scope: ScopeSpec, name: Arg['lit']): void {
    const value = v && (this.interp.concretize(v) ?? v);
    const w: Work = { value, file, line, ...(typeof name === 'string' ? { name } : {}), mechanism: scope.mechanism, runner: scope.fromRun!.runner as Work['runner'], outside: scope.fromRun!.outside, ...(scope.sdks ? { sdks: scope.sdks } : {}) };
    (this.work.get(origin) ?? this.work.set(origin, []).get(origin)!).push(w);
    if (value?.k === 'fn') (this.workFns.get(value.id) ?? this.workFns.set(value.id, []).get(value.id)!).push({ origin, work: w });
  }

  /**
   * The run a site runs in as registered work: the innermost enclosing function registered on an instance
   * (a graph node, an entrypoint's function: that instance's runs), or a task's function (the run of the
   * code that calls the task). Undefined when none is, or when its registrations disagree.
   */
  private registeredRun(fns: string[] | undefined, sdk: string, depth: number): Evidence['run'] {
    if (!fns?.length || depth > 4) return undefined;
    for (const id of fns) {
      const regs = (this.workFns.get(id) ?? []).filter((r) => !r.work.sdks || r.work.sdks.includes(sdk));
      if (!regs.length) continue;
      let found: Evidence['run'];
      for (const { origin, work } of regs) {
        let r: Evidence['run'];
        if (work.runner !== 'callers') r = { mechanism: work.mechanism, origin, outside: work.outside };
        else {
          // A task: the run of every call of it, when they agree; none seen: whether it is traced cannot be seen.
          const calls = this.invocations.get(origin) ?? [];
          let run: Evidence['run'];
          for (const inv of calls) {
            const x = this.registeredRun(inv.fns, sdk, depth + 1) ?? this.runScope(inv.contexts, sdk) ?? this.runThroughCallers(inv.fns, sdk, depth + 1);
            if (!x?.origin || (run && run.origin !== x.origin)) {
              run = undefined;
              break;
            }
            run ??= x;
          }
          r = run?.origin ? { mechanism: work.mechanism, origin: run.origin, outside: work.outside } : { mechanism: work.mechanism, outside: work.outside };
        }
        if (found && found.origin !== r.origin) return undefined;
        found ??= r;
      }
      return found;
    }
    return undefined;
  }

  private siteNamesMemo: Set<string> | undefined;
  /** Last segments of the catalog's site members (`invoke`, `generate`, ...). */
  private get siteNames(): Set<string> {
    return (this.siteNamesMemo ??= catalogNames(this.catalog).site);
  }

  /** Function id → the project functions called inside it (any depth of nesting), and the tasks it calls; built on first use. */
  private callGraph: { fns: Map<string, Set<string>>; tasks: Map<string, Set<string>>; graphs: Map<string, Set<string>>; opaque: Map<string, Set<string>> } | undefined;

  private calleesOf(id: string): { fns: Iterable<string>; tasks: Iterable<string>; graphs: Iterable<string>; opaque: Iterable<string> } {
    if (!this.callGraph) {
      const g = (this.callGraph = { fns: new Map<string, Set<string>>(), tasks: new Map<string, Set<string>>(), graphs: new Map<string, Set<string>>(), opaque: new Map<string, Set<string>>() });
      const add = (m: Map<string, Set<string>>, from: string[], to: string) => {
        for (const f of from) (m.get(f) ?? m.set(f, new Set()).get(f)!).add(to);
      };
      const saved = this.currentFile;
      for (const s of this.all) {
        this.currentFile = s.file;
        for (const h of s.helperCalls ?? []) add(g.fns, h.fns, h.callee);
        for (const o of s.opaqueCalls ?? []) add(g.opaque, o.fns, o.text);
        for (const c of s.calls) {
          // (The callee first: the call's other details are read only for the calls that matter.)
          if (c.isNew) continue;
          const v = this.interp.concretize(c.callee);
          if (v?.k === 'fn') {
            if (c.fns) add(g.fns, c.fns, v.id);
          } else if (!v && c.callee.k === 'ref') {
            // A value of another file that does not resolve, called by a site's name.
            const last = c.callee.steps.filter((st): st is { m: string } => 'm' in st).at(-1)?.m ?? c.callee.name;
            if (this.siteNames.has(last) && c.fns) add(g.opaque, c.fns, c.calleeText);
          } else if (v?.k === 'inst' && v.origin) {
            const m = this.catalog.member(v.type, v.path);
            if (m?.runsRegistered && c.fns) add(g.tasks, c.fns, v.origin);
            // A graph run inside it (a subgraph invoked by a node): what that graph's work reaches.
            else if (m?.site?.registeredWork && c.fns) add(g.graphs, c.fns, v.origin);
          }
        }
      }
      this.currentFile = saved;
    }
    return { fns: this.callGraph.fns.get(id) ?? [], tasks: this.callGraph.tasks.get(id) ?? [], graphs: this.callGraph.graphs.get(id) ?? [], opaque: this.callGraph.opaque.get(id) ?? [] };
  }

  /**
   * Whether the work registered on an instance reaches a model: `model`, `none`, or why it cannot be seen.
   * A function reaches one when a site (of any SDK) sits in it or in a project function it calls, across
   * files; a model, agent or graph instance registered as a node is one (a graph: when its own work is).
   */
  private workReaches(origin: string, withSites: Set<string>, seen: Set<string>): 'model' | 'none' | { unknown: string } {
    if (seen.has(origin)) return 'none';
    seen.add(origin);
    const items = this.work.get(origin);
    if (!items?.length) return { unknown: 'none of its nodes is seen' };
    let unknown: { unknown: string } | undefined;
    for (const w of items) {
      const r = this.valueReaches(w, withSites, seen);
      if (r === 'model') return r;
      if (r !== 'none') unknown ??= r;
    }
    return unknown ?? 'none';
  }

  private valueReaches(w: Work, withSites: Set<string>, seen: Set<string>): 'model' | 'none' | { unknown: string } {
    const v = w.value;
    const at = `${w.name ? `node \`${w.name}\`` : 'a node'} (${this.display(w.file)}:${w.line})`;
    if (v?.k === 'inst') {
      const member = this.catalog.member(v.type, v.path);
      const t = this.catalog.type(v.type);
      // A compiled graph (a subgraph as a node): its own work decides.
      if (v.path.length === 0 && v.origin && t && [...t.members.values()].some((m) => m.site?.registeredWork)) return this.workReaches(v.origin, withSites, seen);
      // A model, an agent, a chain: a runnable of an SDK whose calls are sites.
      if (v.path.length === 0 && t && [...t.members.values()].some((m) => m.site)) return 'model';
      if (member?.site) return 'model';
      return { unknown: `${at} is a value of the SDK that tracewire does not know the work of` };
    }
    if (v?.k !== 'fn') return { unknown: `${at} is a value tracewire cannot follow` };
    // The function, the project functions it calls (across files) and the tasks it runs.
    const queue = [v.id];
    const visited = new Set(queue);
    let opaque: string | undefined;
    while (queue.length) {
      const id = queue.pop()!;
      if (withSites.has(id)) return 'model';
      const { fns, tasks, graphs, opaque: unseen } = this.calleesOf(id);
      for (const text of unseen) opaque ??= text;
      // A call on a parameter, by a site's name, that no caller turned into a site (`llm.invoke(q)` in a
      // helper given a model tracewire cannot follow, or called by the run with its state and config).
      const own = this.fnSummary(id)?.paramCalls?.find((pc) => pc.callee.k === 'param' && pc.callee.fn === id);
      if (own) opaque ??= own.calleeText;
      for (const f of fns) if (!visited.has(f)) visited.add(f), queue.push(f);
      for (const g of graphs) {
        const r = this.workReaches(g, withSites, seen);
        if (r === 'model') return r;
      }
      for (const t of tasks) for (const tw of this.work.get(t) ?? []) {
        if (tw.value?.k === 'fn' && !visited.has(tw.value.id)) visited.add(tw.value.id), queue.push(tw.value.id);
        else if (tw.value?.k !== 'fn') return this.valueReaches(tw, withSites, seen) === 'model' ? 'model' : { unknown: `the task ${tw.name ? `\`${tw.name}\` ` : ''}(${this.display(tw.file)}:${tw.line}) is a value tracewire cannot follow` };
      }
    }
    if (opaque) return { unknown: `${at} calls \`${opaque}\`, which tracewire cannot follow` };
    return 'none';
  }

  /**
   * Runs whose work is only what is registered on their instance (`SiteSpec.registeredWork`): a run whose
   * work reaches no model is no LLM kickoff (dropped); one whose work cannot all be seen is unknown, unless
   * it is wired anyway.
   */
  private judgeWork(sites: Map<string, EvaluatedSite>, siteFns: Map<string, string[]>): void {
    let withSites: Set<string> | undefined;
    for (const [key, site] of sites) {
      if (!site.spec.registeredWork || !site.origin) continue;
      if (!withSites) {
        withSites = new Set();
        // (Graph runs inside a function count by their own work: see `calleesOf`.)
        for (const [k, fns] of siteFns) if (sites.get(k)?.spec.registeredWork !== true) for (const f of fns) withSites.add(f);
      }
      const r = this.workReaches(site.origin, withSites, new Set());
      if (r === 'model') continue;
      if (r === 'none') {
        sites.delete(key);
        continue;
      }
      if (site.wired || site.unknown) continue;
      const unknown = `whether this graph calls a model cannot be seen: ${r.unknown}`;
      sites.set(key, { ...site, unknown, evidence: { ...site.evidence, unknown } });
    }
  }

  /**
   * Sites in a scope wired by a run (a LangGraph node): wired when every run of that instance in the
   * repository is wired; when none is seen (a graph exported for the LangGraph server), unknown.
   */
  private runScopes(sites: Map<string, EvaluatedSite>): void {
    const runsByOrigin = new Map<string, EvaluatedSite[]>();
    for (const s of sites.values()) if (s.kind !== 'llm-call' && s.origin) (runsByOrigin.get(s.origin) ?? runsByOrigin.set(s.origin, []).get(s.origin)!).push(s);
    for (const [key, site] of sites) {
      const run = site.evidence.run;
      if (!run || site.wired || site.disabled) continue;
      const runs = run.origin ? runsByOrigin.get(run.origin) ?? [] : [];
      if (runs.length && runs.every((r) => r.wired)) {
        const mechanism = `${run.mechanism} (its run: ${runs[0]!.mechanism})`;
        const { unknown: _u, lacking: _l, ...rest } = site;
        sites.set(key, { ...rest, wired: true, mechanism, evidence: { ...site.evidence, local: mechanism, unknown: undefined } });
      } else if (runs.length) {
        // Traced by fixing the run (its handlers reach the node), not this call.
        const r = runs.find((x) => !x.wired)!;
        sites.set(key, { ...site, evidence: { ...site.evidence, run: { ...run, untraced: { callee: r.callee, at: r.file === site.file ? `line ${r.range.line}` : `${this.display(r.file)}:${r.range.line}` } } } });
      } else if (!site.unknown) {
        sites.set(key, { ...site, unknown: run.outside, evidence: { ...site.evidence, unknown: run.outside } });
      }
    }
  }

  private contextsMechanism(contexts: Context[], sdk: string, kind: SiteSpec['kind']): string | undefined {
    for (const ctx of contexts) {
      const r = contextMechanism(ctx, this.interp, this, sdk, kind);
      if (r !== 'none' && r !== 'pending') return r;
    }
    return undefined;
  }
}

/**
 * A file named for setting up instrumentation (`instrument.ts`, `tracing.js`, `otel.mjs`, `sentry.server.ts`):
 * when nothing in the repository loads it, it is most likely preloaded from outside (`node --require
 * ./tracing.js` in a Dockerfile or a start command), which tracewire cannot see.
 */
/** Processes listed in a site's evidence (a shared module may run in hundreds: tests, examples). */
const MAX_LISTED = 12;

const INSTRUMENTATION_FILE = /(^|[\\/._-])(instrument|instrumentation|tracing|tracer|telemetry|otel|opentelemetry|observability|sentry|monitoring|datadog|dd-trace|apm|newrelic)[^\\/]*$/i;

function covers(t: WiringTag, sdk: string, operation: string): boolean {
  if (t.sdks && !t.sdks.includes(sdk)) return false;
  if (t.operations && !t.operations.includes(operation)) return false;
  return true;
}

/** Work registered on an instance (see `SiteSpec.registeredWork`): the value, where, and the scope's run. */
interface Work {
  /** The function or runnable registered (undefined: a value tracewire cannot follow). */
  value: AVal | undefined;
  file: string;
  line: number;
  /** The name it is registered under (`addNode('agent', ...)`), when written as a literal. */
  name?: string;
  mechanism: string;
  sdks?: string[];
  runner: 'instance' | 'result' | 'callers';
  outside: string;
}

/**
 * What a work-registering call registers, with the names written for it: the function at `index`
 * (`addNode('agent', fn)`), else the nodes listed in the first argument (`addNode({ agent: fn })`,
 * `addSequence([['plan', plan], ['act', act]])`, `addSequence([plan, act])`). A value that cannot be seen
 * (a spread, a list from elsewhere) is an undefined entry.
 */
function workValues(args: Arg[], index: number | undefined): [string | undefined, AVal | undefined][] {
  const a = index === undefined ? undefined : argAt(args, index);
  if (a && !a.arr && !a.obj) return [[undefined, a.v]];
  const list = a ?? argAt(args, 0);
  if (!list) return [[undefined, undefined]];
  const out: [string | undefined, AVal | undefined][] = [];
  if (list.obj) {
    for (const [k, x] of Object.entries(list.obj)) out.push([k, x.v]);
    if (list.open) out.push([undefined, undefined]);
  } else if (list.arr) {
    for (const el of list.arr) {
      if (el.arr) out.push([typeof el.arr[0]?.lit === 'string' ? el.arr[0].lit : undefined, el.arr[1]?.v]);
      else out.push([undefined, el.spread ? undefined : el.v]);
    }
  } else out.push([undefined, list.v]);
  return out;
}

/** The index of the argument a scope's callback is at, in a call with `n` arguments (`any`: none). */
function callbackIndex(at: ScopeSpec['callbackArg'], n: number): number | undefined {
  if (at === 'last') return n ? n - 1 : undefined;
  return typeof at === 'number' ? at : undefined;
}
