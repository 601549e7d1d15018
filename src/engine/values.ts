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

export type Step = { m: string } | { call: Arg[] } | { new: Arg[] };

export type AVal =
  /**
   * An instance of a catalog type (module namespaces are types named `module:<specifier>`), reached by
   * `path`. `origin` (`file#offset` of the expression that created it) identifies the instance for
   * registrations that wire specific instances; instances obtained from it keep that origin.
   */
  | { k: 'inst'; type: string; path: string[]; wiring?: WiringTag[]; origin?: string; provider?: string }
  /** Export `name` of a project file (absolute path as written in the import, resolved at link time), then steps. */
  | { k: 'ref'; file: string; name: string; steps: Step[] }
  /** Parameter `index` of user function `fn`, then steps. */
  | { k: 'param'; fn: string; index: number; steps: Step[]; wiring?: WiringTag[] }
  /** A user function defined in the project (id: `file#pos`). */
  | { k: 'fn'; id: string };

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
  /** Source text of the callee, for the inventory and messages. */
  calleeText: string;
  /** Contexts that may make this call traced (resolved ones collapse to `wiredBy`). */
  contexts: Context[];
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

export interface FnSummary {
  id: string;
  name: string;
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
  /** Calls that are, or may turn out to be, sites or global registrations. */
  calls: CallCandidate[];
  /** Values of other project files passed as call arguments here: functions handed to a scope from afar. */
  passedRefs?: { value: AVal; callee: AVal; index: number; nargs: number }[];
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
}

export function withSteps(v: AVal, steps: Step[]): AVal | undefined {
  if (v.k === 'ref') return { ...v, steps: [...v.steps, ...steps] };
  if (v.k === 'param') return { ...v, steps: [...v.steps, ...steps] };
  return undefined;
}
