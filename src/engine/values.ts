/**
 * Abstract values: what an expression denotes, as far as observability is concerned.
 *
 * Every value is plain, serialisable data, so per-file summaries can cross worker threads and be
 * cached. Values rooted in another project file (`ref`) or in a parameter of a user function
 * (`param`) are symbolic: the steps applied to them are kept and replayed once the root is known.
 */

export interface WiringTag {
  mechanism: string;
  /** Operations covered (absent: all). */
  operations?: string[];
  /** SDKs covered (absent: any). */
  sdks?: string[];
  /**
   * Conditions carried over from the option that earned the tag (constructor or `withConfig` options),
   * judged when the site is evaluated: the declared SDK version must be in this range ...
   */
  versions?: string;
  /** ... and this global registration must exist in the project (AI SDK 7 `registerTelemetry`). */
  requiresGlobal?: string;
}

/** The shape of an argument, as much as the engine needs to judge options and wrapped values. */
export interface Arg {
  /** The value the argument evaluates to, when known. */
  v?: AVal;
  /** A string built from parts (template literal, concatenation, constants): see `StrPart`. */
  s?: AVal;
  /**
   * The object a function of the same file returns (`resolveRoute(config)`, or a constant holding it): the
   * strings its fields hold, each with the alternatives of the function's branches (a URL per provider).
   */
  fields?: Record<string, AVal>;
  /** Object literal: its known keys. */
  obj?: Record<string, Arg>;
  /** The object literal has a spread or computed key whose content is unknown. */
  open?: boolean;
  /** A literal: string, number, boolean or null. */
  lit?: string | number | boolean | null;
  /** Array literal elements. */
  arr?: Arg[];
  /** The argument is a function (arrow, function expression, or reference to a function). */
  fn?: boolean;
  /** A spread argument (`...args`). */
  spread?: boolean;
  /** This key of an object may be absent at run time (a conditional spread, an optional member of a declared type). */
  maybe?: boolean;
  /**
   * A function under an option key the catalog inspects (`integrations: (defaults) => ...`): whether it
   * reads its first parameter, and the string literals in its body.
   */
  fnBody?: { readsParam: boolean; strings: string[] };
  /** Source span of the argument and, for object literals, where a new property can be inserted. */
  start: number;
  end: number;
  /** Object literal only: offset just after the last property (or after `{` when empty). */
  insertAt?: number;
  /** Object literal only: the literal has a trailing comma after its last property. */
  trailingComma?: boolean;
}

/**
 * An instance known only by the declared type of a field its class's constructor takes from parameter
 * `index` of `fn` (`constructor(private client: OpenAI)`), then the members `path`: each construction
 * of the class that passes a value there tells what it really is (a wrapped client, another SDK).
 */
export interface Declared {
  fn: string;
  index: number;
  path: string[];
}

/**
 * A step applied to a symbolic value: a member, a call, a construction, or (for a function type) the
 * type of parameter `param`; with `arg`, parameter `param` of the function passed as argument `arg` (of
 * `nargs`) to a call of the value (`MemberSpec.callbackParams`).
 */
export type Step = { m: string } | { call: Arg[]; at?: string } | { new: Arg[]; typed?: true } | { param: number; arg?: number; nargs?: number };

export type AVal =
  /**
   * An instance of a catalog type (module namespaces are types named `module:<specifier>`), reached by
   * `path`. `origin` (`file#offset` of the expression that created it) identifies the instance for
   * registrations that wire specific instances; instances obtained from it keep that origin. `elements`:
   * an array of such instances (`[new OpenAI(), wrapOpenAI(new OpenAI())]`), with the wiring every one
   * of them has: only its `$each` member (what `for...of`, `forEach` and `[0]` give) is one of them.
   */
  | { k: 'inst'; type: string; path: string[]; wiring?: WiringTag[]; origin?: string; started?: true; provider?: string; declared?: Declared; base?: AVal; elements?: true }
  /** Export `name` of a project file (absolute path as written in the import, resolved at link time), then steps. */
  | { k: 'ref'; file: string; name: string; steps: Step[] }
  /** Parameter `index` of user function `fn`, then steps. */
  | { k: 'param'; fn: string; index: number; steps: Step[]; wiring?: WiringTag[] }
  /** A user function defined in the project (id: `file#pos`). */
  | { k: 'fn'; id: string }
  /** A class or interface (or object type alias) of the project (id: `file#pos` of its declaration); `new` gives an instance. */
  | { k: 'cls'; id: string }
  /**
   * An instance of a project class, or a value declared with a project interface type; `origin` as for
   * `inst`. `each`: an array of such instances (`providers: Provider[]`): iteration callbacks get one.
   * `args`: the arguments it was constructed with, when any can matter (a field the constructor takes
   * from a parameter, `this.client = client`, holds what this instance was given).
   */
  | { k: 'obj'; cls: string; origin?: string; each?: true; args?: Arg[] }
  /**
   * A string as far as it can be known (a URL a request goes to): literal text, environment variables,
   * the base URL of a model client, values of other files or parameters (resolved at link time), and
   * parts nothing can tell (see `StrPart`).
   */
  | { k: 'str'; parts: StrPart[] };

/**
 * A part of a string value: literal text; `env`, an environment variable (`process.env.OLLAMA_URL`);
 * `client`, the base URL of a model client of that provider (`${client.baseURL}`); `v`, a value rooted in
 * another file or a parameter; `unknown`, text nothing can tell, with the name it was read from; `alt`,
 * one of several strings (the branches of a function that builds a URL per provider, `a ?? b` of two
 * values neither of which shows a host).
 */
export type StrPart = string | { env: string } | { client: string } | { v: AVal } | { unknown: string } | { alt: StrPart[][] };

/**
 * A project class or interface as other files see it: what its instances' members hold, and what it
 * extends (members it lacks are looked up there) and implements.
 */
export interface ClassSummary {
  id: string;
  name: string;
  /** The class it extends: a project class (`cls`, or a `ref` to one) or a catalog class (`inst`). */
  base?: AVal;
  /** Its own constructor (a `fn` value), when it declares one: members taken from its parameters are bound per instance. */
  ctor?: AVal;
  /** The arguments its constructor passes to `super(...)` (values may be rooted at the constructor's parameters). */
  superArgs?: Arg[];
  /** Instance members: methods and function-valued fields (`fn`), fields (their value or declared type), getters (what they return). */
  members: Record<string, AVal>;
  /** Static members (`Service.instance`, `Metrics.requests`). */
  statics?: Record<string, AVal>;
  /** The interfaces it implements (`cls` or `ref` values). */
  implements?: AVal[];
  /** An interface or object type: its instances are values of that type, whatever class made them. */
  isType?: true;
  /** A function type (`type Handler = (ctx: Ctx) => ...`): its parameters' declared types, as values. */
  params?: (AVal | null)[];
}

/** How a site or a parameter call sits inside something that may trace it. */
export type Context =
  /** The enclosing function is argument `index` (of `nargs`) of a call to `callee`. */
  | { k: 'arg'; callee: AVal; index: number; nargs: number }
  /** The enclosing method is decorated by `callee` (called or not). */
  | { k: 'decorator'; callee: AVal }
  /** A span was started (not as active) earlier in the same function by calling `callee`. */
  | { k: 'span'; callee: AVal }
  /** The call sits in a method of a class that extends `callee` (a framework base class). */
  | { k: 'subclass'; callee: AVal };

export interface SourceRange {
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A call (or `new`) whose callee might be an SDK entry point, once resolved. */
export interface CallCandidate {
  range: SourceRange;
  callee: AVal;
  args: Arg[];
  isNew: boolean;
  /** An HTTP request (`MemberSpec.http`): the URL it goes to, as far as it is known (a `str` value). */
  url?: AVal;
  /** Source text of the callee, for the inventory and messages. */
  calleeText: string;
  /** A `super(...)` call (the base class's constructor runs). */
  isSuper?: true;
  /** Contexts that may make this call traced (resolved ones collapse to `wiredBy`). */
  contexts: Context[];
  /**
   * A call that registers work (a LangGraph `addNode`) inside a loop over a literal list
   * (`for (const [name, fn] of nodes) graph.addNode(name, fn)`): the values argument `index` takes, one per
   * element; `open` when some element cannot be followed.
   */
  each?: { index: number; values: AVal[]; open?: true };
  /** Set when a context already resolved to a tracing scope in the local phase. */
  wiredBy?: string;
  /** Offset of the closing parenthesis of the argument list (for fixes that add an argument). */
  argsEnd: number;
  /**
   * Ids of the project functions enclosing the call, innermost first: another file may pass one of them
   * to a tracing scope (`addNode('agent', callModel)` with `callModel` imported), known at link time.
   */
  fns?: string[];
  /**
   * The export of the file through which alone the call can run (it sits in an exported top-level
   * function or class that nothing else in the file mentions): a process that loads the file without
   * importing this name never runs it.
   */
  gate?: string;
}

/**
 * A parameter of a function that runs one of its callback parameters inside a tracing scope (the team's
 * own `withLLMSpan(name, fn)`): what a fix needs to call it.
 */
export interface ParamShape {
  name: string;
  /** Optional, defaulted or rest: a call may leave it out. */
  optional?: boolean;
  /** Annotated `string`. */
  string?: boolean;
  /** The function calls it, or hands it to a tracing scope as the function the scope runs. */
  runs?: boolean;
  /** The function passes it on as the name of the span it starts (`tracer.startActiveSpan(name, ...)`). */
  spanName?: boolean;
  /**
   * A callback whose first parameter receives the span: annotated `(span: Span) => ...`, or called as
   * `fn(span)` with the span of the `startActiveSpan` callback it runs in.
   */
  receivesSpan?: boolean;
}

/** The catalog member a metric helper records through (`otel.Counter` `add`): what makes a file that calls the helper concern the metric rules. */
export interface MetricVia {
  type: string;
  path: string[];
}

export interface FnSummary {
  id: string;
  name: string;
  /** Each call returns an instance the function creates (a span it starts, a metric it declares): the caller owns it. */
  fresh?: true;
  /** The function may throw synchronously: a `throw` no catch of its own handles. */
  throws?: true;
  /**
   * The function handles the failures of its own work: its body's one top-level `try` holds every
   * `await` of the body, and its `catch` looks at the error and returns normally without marking a span
   * (see `swallowsOf`): the catch clause's line, and the functions of other files the catch hands the
   * error to (`reportError(err)`), to be known not to mark a span before a caller relies on this. A span
   * around a call of the function ends as a success when it fails.
   */
  swallows?: { line: number; handsTo?: Extract<AVal, { k: 'ref' }>[] };
  /** The function sets a span's status or records an exception on one (any `setStatus`/`recordException` call). */
  marksSpan?: true;
  /**
   * The function starts a span and hands it to a callback it receives (`trace(name, (span) => ...)`):
   * the callback is argument `arg`, the span its parameter `spanParam` (-1: the callback runs with the
   * span active and is not given it); the span's name is argument
   * `nameArg`. `ends`: the function ends the span on every path; `marks`: it marks the span failed when
   * the callback throws or rejects.
   */
  spanCallback?: { arg: number; spanParam: number; nameArg?: number; ends: boolean; marks: boolean; type: string };
  /**
   * The function declares a metric instrument from its arguments (a factory: `getCounter(name, options)`,
   * `createCounter(opts)`, `registry.gauge({ ... })`): which arguments hold the name, the options object,
   * the label names and the help text. Each call is then a declaration of its own.
   */
  metricDecl?: { api: 'prom-client' | 'otel'; kind: import('./catalog-schema.js').MetricKind; nameArg?: number; optionsArg?: number; labelNamesArg?: number; helpArg?: number };
  /**
   * The function records a metric sample with labels (OTel attributes) that come from one of its
   * arguments (`recordCounter(name, value, attributes)`, `increment(labels)`): each call is a use whose
   * labels are that argument, merged with what the function adds itself.
   */
  metricUse?: { api: 'prom-client' | 'otel'; labelsArg: number; via?: MetricVia };
  /**
   * The function records a metric sample whose label values (not the whole set) come from its
   * parameters (`countRoute(route)` doing `requests.add(1, { route })`): by label, the parameter. Each
   * call's arguments are then those labels' values, judged where they are known: at the call.
   */
  metricLabels?: { api: 'prom-client' | 'otel'; labels: { key: string; index: number }[]; via?: MetricVia };
  /**
   * The method forwards to the method of the same name of a value of another file (a telemetry service's
   * `recordHistogram(name, value, attrs)` calling `adapter.recordHistogram(name, value, merged)` on each
   * of its adapters, typed with an interface): that callee, and for each of its arguments the parameter
   * passed there (or null). What the callee declares or records, once the project resolves it, this
   * method does with its own arguments (`metricDecl` and `metricUse` through it).
   */
  metricForward?: { callee: AVal; args: (number | null)[] };
  /** What the function does to spans passed as parameters (`endSpan(span, err)`): ends them always or on some paths, marks them failed. */
  spanParams?: { index: number; ends: 'always' | 'maybe' | 'never'; marks: boolean; markWhen?: { param: number; equals?: string; notEquals?: string } }[];
  /** Parameters, for functions that run a callback parameter in a tracing scope (see `ParamShape`). */
  params?: ParamShape[];
  /** The value the function returns (may be rooted at its parameters). */
  returns?: AVal;
  /** Parameters that the function calls, with the contexts of those calls (scope wrappers). */
  calledParams?: { index: number; contexts: Context[]; wiredBy?: string }[];
  /** Calls inside the function whose callee is rooted at a parameter (clients passed around). */
  paramCalls?: CallCandidate[];
}

export interface FileSummary {
  file: string;
  /** Export name → value. `*` entries list star re-exports (`export * from`). */
  exports: Record<string, AVal>;
  starExports: string[];
  fns: Record<string, FnSummary>;
  /** Classes and interfaces of the file that a kept value can reach (their instances' members). */
  classes?: Record<string, ClassSummary>;
  /**
   * Whether the summary's JSON text holds `needle`: a packed summary answers without parsing a part (see
   * packed.ts), so that a scan of every file for something most have none of parses none of them. Absent:
   * the summary cannot tell, the part must be read.
   */
  mentions?(needle: string): boolean;
  /** Calls that are, or may turn out to be, sites or global registrations. */
  calls: CallCandidate[];
  /** Values of other project files passed as call arguments here: functions handed to a scope from afar. */
  passedRefs?: { value: AVal; callee: AVal; index: number; nargs: number }[];
  /**
   * Calls of this file's own functions made inside functions: the function called, the functions
   * enclosing the call (innermost first) and the contexts left pending there. A call in a helper that a
   * graph node calls runs under the graph's run like the node's own calls.
   */
  helperCalls?: { callee: string; fns: string[]; contexts: Context[]; wired?: true }[];
  /**
   * Calls inside functions that tracewire cannot follow and whose member name is a site's
   * (`agent.invoke(...)` on a value of a package the catalog does not know): what a graph node reaches
   * through them cannot be seen. The functions enclosing each (innermost first) and its text.
   */
  opaqueCalls?: { fns: string[]; text: string }[];
  /** Catalog modules the file loads whose loading registers instrumentation (`import 'dd-trace/init'`). */
  loads?: string[];
  /**
   * The project modules the file loads at run time (absolute paths as written, without extension):
   * imports with bindings, side-effect imports, re-exports, `require` and `import()` of literal specifiers.
   */
  imports?: string[];
  /** Per imported project module (as in `imports`): the names taken (`default`, `*` for everything); none for a side-effect import. */
  importNames?: Record<string, string[]>;
  /** Loading the file runs code at top level (see `runsAtTopLevel`): unimported, it is an entry point. */
  runs?: true;
  /**
   * The values of other project files this file uses (each distinct one once) besides the callees of
   * `calls`: the callee of every other call and every argument naming one (`counter.inc()`,
   * `withSpan(tracer, ...)`), with their steps. A rule
   * skipped here by the text prefilter can find something with the project only through one of them
   * (see project-phase.ts).
   */
  refs?: AVal[];
}

export function withSteps(v: AVal, steps: Step[]): AVal | undefined {
  if (v.k === 'ref') return { ...v, steps: [...v.steps, ...steps] };
  if (v.k === 'param') return { ...v, steps: [...v.steps, ...steps] };
  return undefined;
}
