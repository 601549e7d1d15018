/**
 * The interpreter of abstract values: member access, calls and construction over the catalog.
 * The same code runs in the per-file phase (where cross-file roots stay symbolic) and in the link
 * phase (where `resolveRef` and `fnSummary` answer from the project's summaries).
 */

import type { MemberSpec, OptionWiring } from './catalog-schema.js';
import type { CatalogIndex } from './catalog.js';
import type { Arg, AVal, ClassSummary, FileSummary, FnSummary, Step, StrPart, WiringTag } from './values.js';

export interface InterpHost {
  catalog: CatalogIndex;
  /** Resolve a cross-file reference to a value (link phase), or undefined to keep it symbolic. */
  resolveRef?(ref: Extract<AVal, { k: 'ref' }>): AVal | undefined;
  fnSummary(id: string): FnSummary | undefined;
  /** What function `id` returns (the local phase answers without summarising the whole function). */
  fnReturns?(id: string): AVal | undefined;
  /** The parameters function `id` calls or passes on as callbacks, and its name (the local phase answers without a full summary). */
  fnCalledParams?(id: string): Pick<FnSummary, 'name' | 'calledParams'> | undefined;
  /** Version gate for option wirings: does the project declare a version of `sdk` within `range`? */
  versionMatches?(sdk: string, range: string): boolean;
  /** Does the project register global `id` (AI SDK 7 `registerTelemetry`)? Unknown in the local phase. */
  hasGlobal?(id: string): boolean | undefined;
  /** Whether function `id` returns something it creates per call (the local phase answers without a full summary). */
  fnFresh?(id: string): boolean;
  /** The summary of a project class or interface (by id), when the host can see it. */
  classSummary?(id: string): ClassSummary | undefined;
  /** Member `name` of the project's classes that implement interface `id` (the one that matters most), when the host can see them. */
  implementationOf?(id: string, name: string): AVal | undefined;
}

/** Of several classes' members, the one the rules care about most: a function whose summary says what it does. */
export function preferredImplementation(candidates: AVal[], summaryOf: (id: string) => FnSummary | undefined, loopsBack?: (id: string) => boolean): AVal | undefined {
  const score = (v: AVal) => {
    if (v.k !== 'fn') return 0;
    const s = summaryOf(v.id);
    if (s?.metricDecl || s?.metricUse || s?.metricLabels || s?.spanCallback || s?.spanParams) return 3;
    // A decorator that forwards to another value of the same interface (`this.inner.record(...)`) leads
    // back to this choice: the implementation that forwards elsewhere is the one that records.
    if (s?.metricForward) return loopsBack?.(v.id) ? 1 : 2;
    return s ? 1 : 0;
  };
  let best: AVal | undefined;
  let bestScore = -1;
  for (const v of candidates) {
    const sc = score(v);
    if (sc > bestScore) {
      best = v;
      bestScore = sc;
    }
  }
  return best;
}

const MAX_DEPTH = 40;

/** The member naming a class's constructor, as `super(...)` calls it. */
export const CTOR = '$ctor';

/** An argument whose value (or an object literal's) a constructed instance may keep. */
function carriesValue(a: Arg): boolean {
  return !!a.v || (!!a.obj && Object.values(a.obj).some((x) => !!x.v));
}

/** What an instance passes on to the values obtained from it: its identity and the provider it talks to. */
function keep(v: Extract<AVal, { k: 'inst' }>): { origin?: string; provider?: string; base?: AVal } {
  return { ...(v.origin ? { origin: v.origin } : {}), ...(v.provider ? { provider: v.provider } : {}), ...(v.base ? { base: v.base } : {}) };
}

/** The string an argument holds (a literal, or a `str` value built from parts), as a `str` value. */
export function argString(a: Arg | undefined): AVal | undefined {
  if (!a) return undefined;
  if (typeof a.lit === 'string') return { k: 'str', parts: [a.lit] };
  if (a.s) return a.s;
  if (a.v && (a.v.k === 'str' || a.v.k === 'ref' || a.v.k === 'param')) return a.v.k === 'str' ? a.v : { k: 'str', parts: [{ v: a.v }] };
  return undefined;
}

/** String parts with the parameters of `fnId` replaced by what `args` pass (a string nothing can tell where none is passed). */
function substituteParts(parts: StrPart[], fnId: string, args: Arg[], depth: number): StrPart[] {
  const out: StrPart[] = [];
  for (const p of parts) {
    if (typeof p === 'object' && 'alt' in p) out.push({ alt: p.alt.map((b) => substituteParts(b, fnId, args, depth + 1)) });
    else if (typeof p === 'object' && 'v' in p && p.v.k === 'param' && p.v.fn === fnId && p.v.steps.length === 0) {
      const s = depth < 4 && !args.some((a) => a.spread) ? argString(args[p.v.index]) : undefined;
      out.push(...(s?.k === 'str' ? s.parts : [{ unknown: '' }]));
    } else out.push(p);
  }
  return out;
}

/** The base URL an HTTP client factory was given (`MemberSpec.base`: `axios.create({ baseURL })`). */
function baseOf(spec: MemberSpec, args: Arg[]): { base?: AVal } {
  if (!spec.base) return {};
  const opts = argAt(args, spec.base.arg)?.obj;
  for (const key of spec.base.keys) {
    const b = argString(opts?.[key]);
    if (b) return { base: b };
  }
  return {};
}

/** The provider a client constructed with these arguments talks to (`MemberSpec.provider`), or undefined. */
function providerOf(spec: MemberSpec, args: Arg[], catalog: InterpHost['catalog']): string | undefined {
  if (!spec.provider) return undefined;
  const opt = argAt(args, spec.provider.arg)?.obj?.[spec.provider.key];
  if (!opt) return undefined;
  let url = opt.lit;
  // A URL constant the catalog knows (`PORTKEY_GATEWAY_URL` from portkey-ai).
  if (url === undefined && opt.v?.k === 'inst') url = catalog.member(opt.v.type, opt.v.path)?.constant;
  // A URL written through constants or a template literal (`baseURL: GATEWAY_URL`): its literal start.
  if (url === undefined && opt.s?.k === 'str' && typeof opt.s.parts[0] === 'string') url = opt.s.parts[0];
  if (typeof url !== 'string') return 'unknown';
  return catalog.endpoint(url)?.provider ?? 'unknown';
}

function addWiring(v: AVal, tags: WiringTag[] | undefined): AVal {
  if (!tags || tags.length === 0) return v;
  if (v.k === 'inst' || v.k === 'param') return { ...v, wiring: [...(v.wiring ?? []), ...tags] };
  if (v.k === 'ref') return { ...v, steps: [...v.steps, { m: '$wrap', tags } as unknown as Step] };
  return v;
}

export class Interp {
  private depth = 0;
  constructor(readonly host: InterpHost) {}

  /** Turn refs into concrete values where the host can; replays symbolic steps. */
  concretize(v0: AVal | undefined): AVal | undefined {
    let v = v0;
    let hops = 0;
    while (v && v.k === 'ref' && this.host.resolveRef) {
      if (this.depth > MAX_DEPTH || ++hops > MAX_DEPTH) return undefined;
      this.depth++;
      try {
        let name = v.name;
        let steps = v.steps;
        // A namespace (`import * as m`, `require('./m')`): the first member names the export; a call uses the default.
        if (name === '*') {
          const first = steps[0];
          if (first && 'm' in first && first.m !== '$wrap') {
            // `module.exports = client` consumed through `require()`: the members are the exported value's.
            if (this.host.resolveRef({ k: 'ref', file: v.file, name: first.m, steps: [] }) === undefined && this.host.resolveRef({ k: 'ref', file: v.file, name: 'default', steps: [] }) !== undefined) {
              name = 'default';
            } else {
              name = first.m;
              steps = steps.slice(1);
            }
          } else if (first) name = 'default';
          else return v;
        }
        const root = this.host.resolveRef({ k: 'ref', file: v.file, name, steps: [] });
        if (!root) return undefined;
        const next = this.applySteps(root, steps);
        if (next && next.k === 'ref' && next.file === v.file && next.name === v.name && next.steps.length === v.steps.length) return undefined;
        v = next;
      } finally {
        this.depth--;
      }
    }
    return v;
  }

  applySteps(v: AVal | undefined, steps: Step[]): AVal | undefined {
    let cur = v;
    for (const step of steps) {
      if (!cur) return undefined;
      cur = this.step(cur, step);
    }
    return cur;
  }

  step(v: AVal, step: Step): AVal | undefined {
    if ('m' in step) {
      if (step.m === '$wrap') return addWiring(v, (step as unknown as { tags: WiringTag[] }).tags);
      return this.member(v, step.m);
    }
    if ('call' in step) return this.call(v, step.call, step.at);
    if ('param' in step) return step.arg !== undefined ? this.callbackParam(v, step.arg, step.nargs ?? step.arg + 1, step.param) : this.paramOf(v, step.param);
    return this.construct(v, step.new, step.typed);
  }

  /** The declared type of parameter `index` of a function type (`(ctx: Ctx) => void`), as a value. */
  paramOf(v0: AVal, index: number): AVal | undefined {
    const v = this.concretize(v0);
    if (!v) return undefined;
    if (v.k === 'ref') return { ...v, steps: [...v.steps, { param: index }] };
    if (v.k !== 'cls') return undefined;
    return this.host.classSummary?.(v.id)?.params?.[index] ?? undefined;
  }

  /** Parameter `param` of a function passed as argument `arg` (of `nargs`) to a call of `v0`, when the catalog says what it receives. */
  callbackParam(v0: AVal, arg: number, nargs: number, param: number): AVal | undefined {
    const v = this.concretize(v0);
    if (!v) return undefined;
    if (v.k === 'ref') return { ...v, steps: [...v.steps, { param, arg, nargs }] };
    if (v.k !== 'inst') return undefined;
    const spec = this.host.catalog.member(v.type, v.path);
    const cb = spec?.callbackParams?.find((c) => (c.arg === 'last' ? arg === nargs - 1 : c.arg === arg) && c.param === param);
    return cb ? { k: 'inst', type: cb.type, path: [], ...keep(v) } : undefined;
  }

  member(v: AVal, name: string): AVal | undefined {
    if (v.k === 'ref' || v.k === 'param') return { ...v, steps: [...v.steps, { m: name }] };
    if (v.k === 'obj') {
      // (`$each` makes an array of project instances of an instance, `Provider[]`, and is one element of it.)
      if (name === '$each') {
        if (!v.each) return { ...v, each: true };
        const { each: _each, ...element } = v;
        return element;
      }
      return v.each ? undefined : this.classMember(v.cls, name, 'members', v.args);
    }
    // `$ctor`: the constructor `super(...)` runs (the class's own, else the nearest base class's).
    if (v.k === 'cls') return name === CTOR ? this.ctorOf(v.id) : this.classMember(v.id, name, 'statics');
    if (v.k !== 'inst') return undefined;
    // An array of instances: one of them, and nothing else (its `forEach`, `length`, ... are the array's).
    if (v.elements) {
      if (name !== '$each') return undefined;
      const { elements: _elements, ...element } = v;
      return element;
    }
    const path = [...v.path, name];
    const spec = this.host.catalog.member(v.type, path);
    const declared = v.declared ? { declared: { ...v.declared, path: [...v.declared.path, name] } } : {};
    if (spec?.is) return { k: 'inst', type: spec.is, path: [], wiring: v.wiring, ...keep(v), ...declared };
    // A model client's base URL (`client.baseURL`): requests built on it go to the client's API.
    if (spec?.clientURL) return { k: 'str', parts: [{ client: v.provider ?? this.host.catalog.type(v.type)?.sdk ?? 'unknown' }] };
    if (!this.host.catalog.hasPrefix(v.type, path)) return undefined;
    return { k: 'inst', type: v.type, path, wiring: v.wiring, ...keep(v), ...declared };
  }

  /** `at`: the origin of the call expression (a function that creates per call gives its result that origin). */
  call(v0: AVal, args: Arg[], at?: string): AVal | undefined {
    const v = this.concretize(v0);
    if (!v) return undefined;
    if (v.k === 'ref' || v.k === 'param') return { ...v, steps: [...v.steps, at ? { call: args, at } : { call: args }] };
    if (v.k === 'fn') {
      const r = this.callFn(v.id, args);
      // What the function creates per call (a metric a factory declares, a span a helper starts) is new at each call.
      if (at && r && (r.k === 'inst' || r.k === 'obj') && (this.host.fnFresh ? this.host.fnFresh(v.id) : this.host.fnSummary(v.id)?.fresh)) return { ...r, origin: at };
      return r;
    }
    if (v.k !== 'inst') return undefined;
    const spec = this.host.catalog.member(v.type, v.path);
    if (!spec) return undefined;
    if (spec.wrap) {
      const target = args[spec.wrap.arg ?? 0]?.v;
      if (!target) return undefined;
      const tag: WiringTag = { mechanism: spec.wrap.mechanism, operations: spec.wrap.operations, sdks: spec.wrap.sdks };
      const resolved = this.concretize(target) ?? target;
      return addWiring(resolved, [tag]);
    }
    const optionTags = spec.returnsOptions ? this.optionTags(spec.returnsOptions, args, v.type) : [];
    if (spec.returnsSelf) {
      return { k: 'inst', type: v.type, path: [], wiring: [...(v.wiring ?? []), ...optionTags], ...keep(v) };
    }
    if (spec.returns) {
      let argWiring: WiringTag[] = [];
      if (spec.returnsIfArg) {
        const matched = this.matchingArgs(args, spec.returnsIfArg);
        if (matched.length === 0) return undefined;
        // A chain runs its models with their own handlers (`new ChatOpenAI({ callbacks })` piped into a prompt).
        argWiring = matched.flatMap((m) => m.wiring ?? []);
      }
      // A span a start call creates is new, owned by the caller (its origin is set where it is called).
      if (spec.spanStart?.yields === 'return') return { k: 'inst', type: spec.returns, path: [], started: true };
      // So is a metric instrument a declaring call creates (`meter.createCounter(...)`).
      if (spec.metric?.kind) return { k: 'inst', type: spec.returns, path: [] };
      // What an instance's method returns (`mastra.getAgent()`, `workflow.createRun()`) keeps its origin.
      return { k: 'inst', type: spec.returns, path: [], wiring: [...(v.wiring ?? []), ...optionTags, ...argWiring], ...keep(v), ...baseOf(spec, args) };
    }
    return undefined;
  }

  /**
   * A member of a project class's instances (or its statics), through the classes it extends: a project
   * base class's summary, or a catalog base class's instance type (`this.tracer` of an
   * `InstrumentationBase` subclass).
   */
  classMember(id: string, name: string, where: 'members' | 'statics', ctorArgs?: Arg[]): AVal | undefined {
    if (this.depth > MAX_DEPTH) return undefined;
    this.depth++;
    try {
      // The arguments the class at `cur` was constructed with (unknown: undefined), for members it takes from them.
      let args = where === 'members' ? ctorArgs : undefined;
      for (let cur: string | undefined = id, hops = 0; cur && hops < 8; hops++) {
        const c = this.host.classSummary?.(cur);
        if (!c) return undefined;
        // Own keys only: `toString` of a member table is no member of the class.
        const table = c[where];
        const own = table && Object.hasOwn(table, name) ? table[name] : undefined;
        if (own) return c.ctor?.k === 'fn' && where === 'members' ? this.bindCtor(own, c.ctor.id, args) : own;
        // What the base class's constructor receives: this class's `super(...)` arguments, or (with no
        // constructor of its own) the same arguments.
        if (where === 'members' && c.ctor?.k === 'fn') args = c.superArgs ? this.substituteArgs(c.superArgs, c.ctor.id, args, 0) : undefined;
        // A method an interface only declares: the project's classes that implement it have it.
        if (c.isType && where === 'members') {
          const impl = this.host.implementationOf?.(cur, name);
          if (impl) return impl;
        }
        if (!c.base) return undefined;
        const base = this.concretize(c.base);
        if (!base) return undefined;
        if (base.k === 'cls') {
          cur = base.id;
          continue;
        }
        if (base.k === 'inst' && where === 'members') {
          const inst = this.construct(base, args ?? []);
          return inst && this.member(inst, name);
        }
        return undefined;
      }
      return undefined;
    } finally {
      this.depth--;
    }
  }

  /** `typed`: not a construction in the code, the instance a type annotation declares. */
  construct(v0: AVal, args: Arg[], typed?: true): AVal | undefined {
    const v = this.concretize(v0);
    if (!v) return undefined;
    if (v.k === 'cls') return !typed && args.some(carriesValue) ? { k: 'obj', cls: v.id, args } : { k: 'obj', cls: v.id };
    if (v.k === 'ref' || v.k === 'param') return { ...v, steps: [...v.steps, typed ? { new: args, typed } : { new: args }] };
    if (v.k !== 'inst') return undefined;
    const spec: MemberSpec | undefined = this.host.catalog.member(v.type, v.path);
    if (!spec?.new) return undefined;
    const tags = spec.newOptions ? this.optionTags(spec.newOptions, args, spec.new) : [];
    // A class reached through a wrapped module (braintrust `wrapGoogleGenAI(genai).GoogleGenAI`) builds wired instances.
    const wiring = [...(v.wiring ?? []), ...tags];
    const provider = providerOf(spec, args, this.host.catalog);
    return { k: 'inst', type: spec.new, path: [], wiring: wiring.length ? wiring : undefined, ...(provider ? { provider } : {}) };
  }

  /** Substitute a user function's arguments into its return summary. */
  callFn(id: string, args: Arg[]): AVal | undefined {
    const returns = this.host.fnReturns ? this.host.fnReturns(id) : this.host.fnSummary(id)?.returns;
    if (!returns || this.depth > MAX_DEPTH) return undefined;
    this.depth++;
    try {
      return this.substitute(returns, id, args);
    } finally {
      this.depth--;
    }
  }

  substitute(v: AVal, fnId: string, args: Arg[]): AVal | undefined {
    if (v.k === 'param' && v.fn === fnId) {
      if (args.some((a) => a.spread)) return undefined;
      // A member of an object literal passed there (`super({ client })` to `constructor({ client })`).
      let arg = args[v.index];
      let steps = v.steps;
      while (arg && !arg.v && arg.obj && steps.length && 'm' in steps[0]! && steps[0].m !== '$wrap') {
        arg = arg.obj[steps[0].m];
        steps = steps.slice(1);
      }
      const actual = arg?.v;
      if (!actual) return undefined;
      return this.applySteps(addWiring(this.concretize(actual) ?? actual, v.wiring), steps);
    }
    // A string the function builds from its parameters (`${base}/v1`, `trimSlashes(url)`): with the arguments put in.
    if (v.k === 'str') return { k: 'str', parts: substituteParts(v.parts, fnId, args, 0) };
    return this.concretize(v);
  }

  /**
   * A class member as one instance sees it: a value taken from a parameter of the class's constructor
   * `ctorId` is what that instance was constructed with (`args`); unknown arguments leave it symbolic,
   * and a parameter the construction left out holds nothing.
   */
  bindCtor(v: AVal, ctorId: string, args: Arg[] | undefined): AVal | undefined {
    if (v.k !== 'param' || v.fn !== ctorId || !args) return v;
    if (args.some((a) => a.spread)) return v;
    if (!args[v.index]) return undefined;
    return this.substitute(v, ctorId, args) ?? v;
  }

  /** Arguments whose values are rooted at parameters of `fnId`, with `actual` (when known) put in. */
  substituteArgs(args: Arg[], fnId: string, actual: Arg[] | undefined, depth: number): Arg[] {
    if (!actual || depth > 3) return args;
    return args.map((a) => {
      let out = a;
      if (a.v?.k === 'param' && a.v.fn === fnId) {
        const { v: _v, ...rest } = a;
        const nv = this.substitute(a.v, fnId, actual);
        out = nv ? { ...rest, v: nv } : rest;
      }
      if (a.obj) {
        const obj: Record<string, Arg> = {};
        for (const [k, x] of Object.entries(a.obj)) obj[k] = this.substituteArgs([x], fnId, actual, depth + 1)[0]!;
        out = { ...out, obj };
      }
      return out;
    });
  }

  /** The constructor `new` of class `id` runs first: its own, else the nearest base class's. */
  ctorOf(id: string): AVal | undefined {
    for (let cur: string | undefined = id, hops = 0; cur && hops < 8; hops++) {
      const c: ClassSummary | undefined = this.host.classSummary?.(cur);
      if (!c) return undefined;
      if (c.ctor) return c.ctor;
      const base: AVal | undefined = c.base && this.concretize(c.base);
      if (base?.k !== 'cls') return undefined;
      cur = base.id;
    }
    return undefined;
  }

  /** The arguments (or array elements of them) that are instances of one of `types`. */
  private matchingArgs(args: Arg[], types: string[]): Extract<AVal, { k: 'inst' }>[] {
    const out: Extract<AVal, { k: 'inst' }>[] = [];
    const check = (a: Arg | undefined): void => {
      if (!a) return;
      if (a.arr) {
        a.arr.forEach(check);
        return;
      }
      const v = this.concretize(a.v);
      if (v && v.k === 'inst' && v.path.length === 0 && types.includes(v.type)) out.push(v);
    };
    args.forEach(check);
    return out;
  }

  /** Wiring tags earned by options on a call or constructor. */
  optionTags(options: OptionWiring[], args: Arg[], type: string): WiringTag[] {
    const tags: WiringTag[] = [];
    for (const o of options) {
      // The registration a tag requires is judged at evaluation, once the whole manifest is known.
      const r = checkOption(o.requiresGlobal ? { ...o, requiresGlobal: undefined } : o, args, this.host, this.host.catalog.type(type)?.sdk);
      // Version and registration conditions travel with the tag: the local phase cannot judge them.
      if (r === 'wired')
        tags.push({
          mechanism: o.mechanism,
          ...(o.versions ? { versions: o.versions } : {}),
          ...(o.requiresGlobal ? { requiresGlobal: o.requiresGlobal } : {}),
          ...(o.operations ? { operations: o.operations } : {}),
        });
    }
    return tags;
  }
}

export type OptionState = 'wired' | 'absent' | 'disabled' | 'unknown' | 'inapplicable';

export function argAt(args: Arg[], at: number | 'last'): Arg | undefined {
  if (args.some((a) => a.spread)) return undefined;
  return at === 'last' ? args[args.length - 1] : args[at];
}

/** Judge one option wiring against a call's arguments. `unknown` means the engine cannot see the object. */
export function checkOption(o: OptionWiring, args: Arg[], host: InterpHost, sdk: string | undefined): OptionState {
  if (o.versions && sdk && host.versionMatches && !host.versionMatches(sdk, o.versions)) return 'inapplicable';
  if (args.some((a) => a.spread)) return 'unknown';
  const arg = argAt(args, o.arg);
  if (!arg) return 'absent';
  const ignored = (a: Arg | undefined) => !!o.ignores && a?.v?.k === 'inst' && a.v.path.length === 0 && o.ignores.includes(a.v.type);
  if (o.key === '') {
    // The argument is the value itself (LangChain's legacy `[handler]` argument); an object there is a config, judged by the keyed option.
    if (arg.arr) return arg.arr.length && !arg.arr.every(ignored) ? 'wired' : 'absent';
    return arg.lit !== undefined || arg.obj || arg.fn ? 'absent' : 'unknown';
  }
  // The handlers themselves where the options may go (`chain.call(values, [handler])`), all of them ignored.
  if (arg.arr && arg.arr.length > 0 && arg.arr.every(ignored)) return 'absent';
  // A literal (or `undefined`) cannot carry options; any other expression we cannot see into.
  if (!arg.obj) return arg.lit !== undefined ? 'absent' : 'unknown';
  let cur: Arg | undefined = arg;
  const keys = o.key.split('.');
  for (let i = 0; i < keys.length; i++) {
    if (!cur?.obj) return 'unknown';
    const next: Arg | undefined = cur.obj[keys[i]!];
    if (!next) return cur.open ? 'unknown' : 'absent';
    // A key that may be there or not (`...(traced && { callbacks })`, `settings: { callbacks?: ... }`).
    if (next.maybe) return next.lit === null || next.lit === false ? 'absent' : 'unknown';
    cur = next;
  }
  if (!cur) return 'absent';
  // `false`, `null` and `0` turn an option off (`tracesSampleRate: 0`).
  if (cur.lit === null || cur.lit === false || cur.lit === 0) return 'absent';
  if (cur.arr && cur.arr.length === 0) return 'absent';
  // Every element a value the option's catalog entry does not count (a handler that only prints or collects runs).
  if (cur.arr && cur.arr.every(ignored)) return 'absent';
  if (ignored(cur)) return 'absent';
  if (o.only) {
    const only = o.only;
    // What an element is: one of the types that count, a value known to be something else, or unknown.
    const kind = (a: Arg): 'match' | 'other' | 'unknown' => {
      if (a.spread) return 'unknown';
      const v = a.v;
      if (v?.k === 'inst') return v.path.length === 0 && only.includes(v.type) ? 'match' : 'other';
      if (v?.k === 'obj' || v?.k === 'str' || a.lit !== undefined || a.obj || a.arr) return 'other';
      return 'unknown';
    };
    const kinds = cur.arr ? cur.arr.map(kind) : [kind(cur)];
    if (kinds.includes('match')) return 'wired';
    if (kinds.includes('unknown')) return 'unknown';
    return 'absent';
  }
  if (o.enabledFlag) {
    if (!cur.obj) return 'unknown';
    const flag = cur.obj[o.enabledFlag];
    if (!flag) return cur.open ? 'unknown' : 'absent';
    if (flag.lit === false) return 'disabled';
    if (flag.lit !== true) return 'unknown';
  }
  if (o.requiresGlobal && host.hasGlobal) {
    const g = host.hasGlobal(o.requiresGlobal);
    if (g === false) return 'absent';
    if (g === undefined) return 'unknown';
  }
  return 'wired';
}

/**
 * The classes of a set of summaries that implement each interface (by the interface's class id), built
 * once, for calls through interface-typed values (`provider.recordCounter(...)` on an `ITelemetryProvider`).
 */
export class Implementations {
  /** The classes of summaries that may implement an interface (a packed summary that names none is not parsed). */
  static classesOf(summaries: Iterable<FileSummary | null | undefined>): ClassSummary[] {
    const out: ClassSummary[] = [];
    for (const s of summaries) {
      if (!s || s.mentions?.('"implements"') === false || !s.classes) continue;
      out.push(...Object.values(s.classes));
    }
    return out;
  }

  private index: Map<string, { cls: string; members: Record<string, AVal> }[]> | undefined;

  constructor(
    private readonly classesOf: () => Iterable<ClassSummary>,
    private readonly interp: Interp,
  ) {}

  memberOf(id: string, name: string): AVal | undefined {
    return preferredImplementation(this.membersOf(id, name), (fid) => this.interp.host.fnSummary(fid));
  }

  /** Member `name` of every class implementing interface `id`, in the project's order. */
  membersOf(id: string, name: string): AVal[] {
    if (!this.index) {
      this.index = new Map();
      for (const c of this.classesOf()) {
        for (const i of c.implements ?? []) {
          const v = this.interp.concretize(i);
          if (v?.k !== 'cls') continue;
          (this.index.get(v.id) ?? this.index.set(v.id, []).get(v.id)!).push({ cls: c.id, members: c.members });
        }
      }
    }
    return (this.index.get(id) ?? []).map((x) => x.members[name]).filter((v): v is AVal => !!v);
  }
}
