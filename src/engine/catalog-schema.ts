/**
 * The shape of tracewire's SDK and tracing-library knowledge.
 *
 * A package model describes the part of a library's API that matters for observability as a small
 * API graph, in the manner of CodeQL's API graphs: module exports lead to functions, classes and
 * objects; constructing a class or calling a factory yields an instance of a named *type*; members of
 * a type (addressed by dotted paths such as `chat.completions.create`) are either further steps
 * (`returns`, `new`, `is`) or the things the rules care about:
 *
 * - `site`:   calling the member is an LLM call, an agent task execution or a multi-agent kickoff;
 * - `wrap`:   calling the member wraps a client so that calls through the result are traced;
 * - `scope`:  calling the member runs a function argument inside a tracing scope;
 * - `decorator`: decorating a method with the member makes the method body a tracing scope;
 * - `global`: calling (or constructing) the member registers instrumentation process-wide.
 *
 * Type names are global across models (`openai.Client`, `langchain.ChatModel`), so one library's
 * model can refer to another's types (a wrapper that accepts an OpenAI client).
 */

export type SiteKind = 'llm-call' | 'task-execution' | 'kickoff';

/** A semver range tested against the version the nearest package.json declares for the package. */
export type VersionRange = string;

/** An SDK a registration or an instrumentation traces, at the SDK versions in `versions`. */
export interface Coverage {
  sdk: string;
  versions?: VersionRange;
  /**
   * Only calls of these operations (absent: every operation). An instrumentation patches the methods it
   * knows: most trace chat, completions and embeddings, not audio, images or realtime sessions.
   */
  operations?: string[];
  /**
   * Only when the project declares the instrumenting package at a version in range (checked where the
   * registration is; an undeclared version does not qualify): what a library instruments changes with its
   * own version (Sentry's default integrations, an auto-instrumentation bundle).
   */
  library?: { package: string; versions: VersionRange };
}

/**
 * Integrations a registration turns on without being told (Sentry's default integrations): they count
 * unless the call's options visibly leave them out.
 */
export interface DefaultIntegrations {
  /** Mechanism name reported for sites they trace, e.g. `global:sentry.init (default integrations)`. */
  mechanism: string;
  covers: Coverage[];
  /** Only when the options object in argument `arg` has one of `keys` (tracing turned on), or cannot be seen. */
  when?: { arg: number | 'last'; keys: string[] };
  /** An option that replaces the defaults: `false` or an array literal there drops them (`defaultIntegrations: false`). */
  replacedBy?: { arg: number | 'last'; key: string };
  /**
   * An option that may hold a function receiving the defaults and returning the list to use
   * (`integrations: (defaults) => ...`): a function that never reads its parameter drops them all; a name
   * of `names` (integration name → SDK id) written in it as a string filters that one out.
   */
  filteredBy?: { arg: number | 'last'; key: string; names: Record<string, string> };
  /**
   * Not in files whose base name matches this regular expression: a framework SDK's browser or edge
   * initialisation (`sentry.client.config.ts`, `instrumentation-client.ts`, `sentry.edge.config.ts`).
   */
  exceptFiles?: string;
}

/** Where the tracing option of a call or constructor lives and what makes it count. */
export interface OptionWiring {
  /**
   * Argument that holds the options object: a 0-based index or `last` (the last argument).
   * For `new` specs this is the constructor argument.
   */
  arg: number | 'last';
  /** Key in that object (dotted for nested keys) whose presence wires the call; `''`: the argument itself is the value (a handler array). */
  key: string;
  /**
   * When set, the option is an object whose `isEnabled` must be literally true to count,
   * and whose `isEnabled: false` is reported as tracing explicitly disabled.
   */
  enabledFlag?: 'isEnabled';
  /**
   * When set, the option only counts if a global registration of this id exists in the project
   * (AI SDK 7: `telemetry` only emits once `registerTelemetry(...)` ran).
   */
  requiresGlobal?: string;
  /** Only applies when the project declares a version of the package in this range. */
  versions?: VersionRange;
  /** Mechanism name reported in the inventory, e.g. `call-option:ai.experimental_telemetry`. */
  mechanism: string;
  /** On constructor options: the operations the option traces on the instance (absent: all). */
  operations?: string[];
  /**
   * Catalog types whose instances do not count as the option's value: a `callbacks` array holding only
   * handlers that keep runs in memory or print them (`RunCollectorCallbackHandler`, `ConsoleCallbackHandler`)
   * exports nothing.
   */
  ignores?: string[];
  /**
   * Catalog types the option's value must be an instance of to count: a `middleware` array wires the call
   * only when one of its elements is a tracing middleware (TanStack AI's `otelMiddleware(...)`); elements
   * the engine cannot tell leave the call unknown, and an array of other known values does not count.
   */
  only?: string[];
}

export interface SiteSpec {
  kind: SiteKind;
  /** The GenAI operation, as in `gen_ai.operation.name` (chat, text_completion, embeddings, ...). */
  operation: string;
  /** Options that wire this call when passed (LangChain `callbacks`, AI SDK telemetry). */
  options?: OptionWiring[];
  /** The SDK or API is deprecated; the text says what replaces it. */
  deprecated?: string;
  /**
   * For `send`-style APIs whose meaning depends on the command passed (Bedrock): the site only
   * counts when the given argument is an instance of one of these types.
   */
  argTypes?: { arg: number; types: string[] };
  /**
   * The SDK traces this call itself unless told not to (OpenAI Agents SDK: runs are exported to the
   * OpenAI traces dashboard by default). The site counts as wired by `mechanism` when nothing else wires
   * it, unless the project makes the global registration `unlessGlobal` (`setTracingDisabled(...)`).
   */
  builtin?: { mechanism: string; unlessGlobal?: string };
  /**
   * The call runs an instance passed to it, whose own wiring applies (`createAgentUIStreamResponse({ agent })`
   * streams an agent built with its telemetry): the instance at argument `arg` (under `key` of an options
   * object) wires the site as it would wire its own calls.
   */
  wiringFromArg?: { arg: number; key?: string };
  /**
   * The run does the work registered on its instance and nothing else: the functions (and runnables) given
   * to members whose scope runs `fromRun` that instance (LangGraph nodes and conditional edges added to a
   * graph builder, an `entrypoint` function). When every one of them is seen and none reaches a model (a
   * site of any SDK, in its body or in the project functions it calls, across files), the run is no LLM
   * kickoff and not a site; when one cannot be followed, the site is unknown, with the reason.
   */
  registeredWork?: true;
}

export interface WrapSpec {
  /** Argument holding the value to wrap (default 0). */
  arg?: number;
  /** Mechanism name, e.g. `client-wrapper:langsmith.wrapOpenAI`. */
  mechanism: string;
  /** Operations the wrapper traces; absent means all. */
  operations?: string[];
  /** Only applies when the wrapped SDK is in this list (absent means any). */
  sdks?: string[];
}

export interface ScopeSpec {
  /** Argument holding the function that runs in the scope: index, or `last`, or `any` function argument. */
  callbackArg: number | 'last' | 'any';
  /** Mechanism name, e.g. `scope:otel.startActiveSpan`. */
  mechanism: string;
  /**
   * Only calls of these SDKs inside the function are wired (absent: any): a LangGraph node inherits the
   * run's LangChain callbacks, which do not reach a raw OpenAI client called in it.
   */
  sdks?: string[];
  /**
   * The function runs under the handlers of a run the scope does not start (LangGraph nodes, LangChain
   * tools): its calls are wired when that run is. `instance`: the runs of the instance this member was
   * called on (`graph.addNode(...)`: the compiled graph's `invoke`/`stream`, found by the instance's
   * origin); `invoker`: whatever invokes the function, which the engine does not follow. `outside`:
   * what the finding says when no such run is seen in the repository. `result`: the runs of the instance the
   * call returns (`entrypoint(name, fn)`: the workflow's `invoke`/`stream`); `callers`: the runs of whatever
   * calls the value the call returns (`task(name, fn)` called in an entrypoint: that entrypoint's runs).
   *
   * The functions such scopes register are the work of the instance (`instance`, `result`): see
   * `SiteSpec.registeredWork`.
   */
  fromRun?: { runner: 'instance' | 'invoker' | 'result' | 'callers'; outside: string };
}

export interface GlobalSpec {
  /** Registration id other specs can require (e.g. `ai.registerTelemetry`). */
  id: string;
  /** Mechanism name, e.g. `global:traceloop.initialize`. */
  mechanism: string;
  /**
   * What it instruments: a list of SDK ids with optional version ranges, or `instrumentations` when the
   * covered SDKs come from the instrumentation instances passed in (arrays or an `instrumentations` key).
   */
  covers: Coverage[] | 'instrumentations';
  /**
   * The registration only counts when the options object in argument `arg` has one of `keys`
   * (or cannot be seen): `new Mastra({ observability })` traces, `new Mastra({ agents })` does not.
   */
  when?: { arg: number | 'last'; keys: string[] };
  /**
   * The registration installs a global OpenTelemetry tracer provider (`NodeSDK`, `registerOTel`,
   * `provider.register()`, Sentry or OpenLLMetry initialisation). SDKs that emit their own spans through
   * the global provider (`TypeSpec.nativeTracing`) are traced once one exists.
   */
  tracerProvider?: boolean;
  /** Integrations the registration turns on by default, besides what it is given (see `DefaultIntegrations`). */
  defaults?: DefaultIntegrations;
  /**
   * The runtimes where the registration traces anything (absent: every runtime). Instrumentation that
   * patches Node.js's module loading (`require-in-the-middle`, `import-in-the-middle`) does not fire under
   * Bun, Deno or an edge runtime.
   */
  runtimes?: Runtime[];
}

/** Where a process runs: Node.js, Bun, Deno, or an edge runtime (Vercel/Next.js edge, Cloudflare Workers). */
export type Runtime = 'node' | 'bun' | 'deno' | 'edge';

/** An instrumentation class instance (OpenTelemetry/OpenInference/OpenLLMetry) and what it covers. */
export interface InstrumentationSpec {
  mechanism: string;
  covers: Coverage[];
  /** Runtimes where it works (see `GlobalSpec.runtimes`); OpenTelemetry instrumentations patch Node.js module loading. */
  runtimes?: Runtime[];
}

/** The kinds of metric instruments the metric rules know (prom-client and OpenTelemetry). */
export type MetricKind =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'summary'
  | 'updowncounter'
  | 'observable-counter'
  | 'observable-gauge'
  | 'observable-updowncounter';

/**
 * A member of a metrics API (prom-client, OpenTelemetry metrics), as the metric rules read it:
 * declaring a metric, recording with labels (OTel: attributes), or registering an observable callback.
 */
export interface MetricSpec {
  api: 'prom-client' | 'otel';
  /**
   * The member declares a metric of this kind: prom-client `new Counter({ name, help, labelNames })`
   * (options object at argument 0); OTel `meter.createCounter(name, { unit, description })`.
   */
  kind?: MetricKind;
  /** Where the call takes label values (OTel: attributes), when it takes any. */
  labels?: {
    /** Argument holding the labels as an object: `inc({ route }, 1)` 0, OTel `add(1, attrs)` 1. */
    arg: number;
    /** Argument holding the value when labels are given: a call with no argument after `arg` has no labels (`observe(0.2)`). */
    valueArg?: number;
    /** The arguments may instead be the label values in `labelNames` order (`labels('GET', '200')`). */
    positional?: boolean;
    /** On metrics created with `enableExemplars: true`, argument `arg` is `{ labels, value, exemplarLabels }`. */
    exemplar?: boolean;
  };
  /** Calling the member records a sample, so its series is complete (`inc`, `observe`, `set`, a timer's end); members without it bind labels (`labels()`, `startTimer()`) or remove series. */
  records?: boolean;
  /** A function at argument `arg` is called back with an instance of type `result` as its parameter `param` (OTel `addCallback`). */
  callback?: { arg: number; param: number; result: string };
}

/** What a call to a span member does: end the span, set attributes, set its status, record an exception. */
export type SpanOp = 'end' | 'setAttribute' | 'setAttributes' | 'setStatus' | 'recordException';

/** A member that starts a span the caller owns (OpenTelemetry `startSpan` / `startActiveSpan`). */
export interface SpanStartSpec {
  /**
   * Where the span comes out: `return`, the call's value (`const span = tracer.startSpan(...)`);
   * `callback`, the first parameter of the function passed as the last argument
   * (`tracer.startActiveSpan(name, (span) => ...)`), which must end it.
   */
  yields: 'return' | 'callback';
  /** Argument holding the span name (default 0). */
  nameArg?: number;
  /**
   * Argument holding the span options (`{ attributes }`). For `callback` starts the options are only
   * there when the call has more than two arguments (`startActiveSpan(name, options, fn)`).
   */
  optionsArg?: number;
  /** Key of the attributes object inside the options (default `attributes`). */
  attributesKey?: string;
  /** The catalog type of the span: its members' `spanOp` say which calls end it, set attributes or status. */
  type: string;
}

export interface MemberSpec {
  /** `new member(...)` yields an instance of this type. */
  new?: string;
  /** Options on the constructor that wire every call made through the instance. */
  newOptions?: OptionWiring[];
  /** `member(...)` yields an instance of this type (factories, builders, `getGenerativeModel`). */
  returns?: string;
  /** `member(...)` returns the receiver's own type and wiring (pipe, bindTools, withRetry). */
  returnsSelf?: boolean;
  /** Options on this call that wire the returned value (`withConfig({ callbacks })`). */
  returnsOptions?: OptionWiring[];
  /**
   * `member(...)` yields `returns` only when one of the arguments (or array elements of them) is an
   * instance of one of these types (e.g. `prompt.pipe(model)` is a chain that calls a model).
   */
  returnsIfArg?: string[];
  /** Reading the member (without calling it) yields an instance of this type (ready-made objects). */
  is?: string;
  /** A type annotation naming this export denotes an instance of this type (`client: OpenAI`). */
  annotation?: string;
  site?: SiteSpec;
  /**
   * Calling the member with a function at argument `arg` (`last`: the last one) calls it back with an
   * instance of `type` as its parameter `param` (an Inngest function's handler receives `{ step }`).
   */
  callbackParams?: { arg: number | 'last'; param: number; type: string }[];
  wrap?: WrapSpec;
  scope?: ScopeSpec;
  decorator?: { mechanism: string };
  global?: GlobalSpec;
  /**
   * Calling the member starts a span that is not made active (`tracer.startSpan`): LLM calls that
   * follow it in the same function are inside that span.
   */
  span?: { mechanism: string };
  /**
   * Creating (calling or constructing) the member makes a callback handler available in the enclosing
   * function: agent task executions and kickoffs that follow it there count as wired (the team's own
   * `createCallbackHandler()`, LangChain `CallbackHandler`s from Langfuse or LangSmith).
   */
  handler?: { mechanism: string };
  /**
   * A framework base class whose subclasses' methods run inside the framework's traced runs: code in a
   * class that extends it (a LangChain chat model, LLM, embeddings or tool implementation) is reached by
   * the callbacks of the run that calls it, so SDK calls there are not reported.
   */
  subclassScope?: { mechanism: string };
  /**
   * Calling (or constructing) the member registers specific instances for tracing: the values in
   * argument `arg` (the argument itself, or the values under `keys` of an options object, each an
   * object of instances or an array of them), and with `self` the constructed instance and every
   * instance obtained from it. Sites called on a registered instance are wired (`new Mastra({ agents,
   * observability })`, KaibanJS `enableOpenTelemetry(team)`). With `when`, only if the options object
   * has one of those keys (or cannot be seen).
   */
  registers?: { arg: number; keys?: string[]; self?: boolean; when?: string[]; mechanism: string };
  /**
   * Calling the member (on an instance a `fromRun` scope with runner `callers` returned: a LangGraph `task`)
   * runs the function registered there, under the run of the code that calls it.
   */
  runsRegistered?: true;
  /** Calling the member starts a span that its caller must end (the span rules); see `SpanStartSpec`. */
  spanStart?: SpanStartSpec;
  /** On a span type: what calling the member does to the span (the span rules). */
  spanOp?: SpanOp;
  /** Passing a span to this function does not hand it over (`trace.setSpan`): the caller still ends it. */
  borrowsSpan?: boolean;
  /**
   * Reading the member yields this literal: enum members (`SpanStatusCode.ERROR` is 2) and attribute-name
   * constants (`ATTR_GEN_AI_OPERATION_NAME` is `'gen_ai.operation.name'`).
   */
  constant?: string | number;
  /**
   * On a module's own entry (export path `''`): loading the module registers instrumentation process-wide,
   * whether its value is used or not: `import 'dd-trace/init'`, `require('@opentelemetry/auto-instrumentations-node/register')`,
   * or the module preloaded by a package.json script (`node --import <module>`, `node -r <module>`,
   * `NODE_OPTIONS='--require <module>'`).
   */
  load?: GlobalSpec;
  /** `new member(...)` is an instrumentation instance (passed to `registerInstrumentations`). */
  instrumentation?: InstrumentationSpec;
  /** Metrics API knowledge (prom-client, OpenTelemetry metrics) for the metric rules. */
  metric?: MetricSpec;
  /**
   * On a client constructor: the option holding the URL the client talks to (`new OpenAI({ baseURL })`).
   * A literal URL is matched against the catalog's `endpoints` to record the provider the calls go to
   * (DeepSeek, xAI, OpenRouter through the OpenAI SDK); a proxy endpoint traces them at the gateway.
   */
  provider?: { arg: number; key: string };
  /**
   * Calling the member sends an HTTP request (`fetch`, axios, undici, ky, got). It is an LLM call when the
   * URL resolves to a model API (the catalog's `endpoints` and `httpPaths`), with the operation its path
   * names; any other request is not a site. `url`: the argument holding the URL (or a `Request`/`URL`);
   * `config`: the argument holding an options object whose `url` key holds it (`axios({ url })`);
   * `baseKeys`: keys of that object holding a base URL the path is relative to (`baseURL`, `prefixUrl`).
   * Only a scope around the call traces it: no SDK instrumentation sees a raw request.
   */
  http?: { url?: number; config?: number; baseKeys?: string[] };
  /**
   * Calling the member returns an HTTP client whose requests are relative to the base URL under one of
   * `keys` of the options object at argument `arg` (`axios.create({ baseURL })`, `ky.create({ prefixUrl })`).
   */
  base?: { arg: number; keys: string[] };
  /**
   * Reading the member yields the base URL of the model client it is read from (`client.baseURL` of an
   * OpenAI client): requests built on it go to that client's model API.
   */
  clientURL?: true;
}

/**
 * A path of a model API (`/v1/chat/completions`, Gemini's `:generateContent`): an HTTP request whose URL
 * ends with it is an LLM call of `operation`.
 *
 * When the URL's host is a catalog endpoint (a literal `https://api.openai.com/v1`, an OpenAI client's
 * `baseURL`), every path that applies to that provider counts. When the host cannot be known (an
 * environment variable, a parameter), only a path that no other API uses counts (`alone`), or one whose
 * base was read from a name matching `hint` (`process.env.OLLAMA_URL + '/api/chat'`). A URL with no host
 * at all (`/api/chat`) is the application's own server, never a model API.
 */
export interface HttpPathSpec {
  /** Regular expression source matched against the URL's path (without query), anchored at its end by the catalog. */
  path: string;
  operation: string;
  /** Only at the endpoints of these providers (absent: any model API endpoint). */
  providers?: string[];
  /** The path alone identifies a model API, whatever the host. */
  alone?: boolean;
  /** With an unknown host, the path counts when the base's name (an environment variable, a constant) matches this regular expression. */
  hint?: string;
  /** Provider recorded when the host is unknown. */
  provider?: string;
}

/** A model API endpoint: calls sent to a URL matching `url` go to `provider`. */
export interface EndpointSpec {
  /** Provider id recorded in the inventory (`deepseek`, `openrouter`). */
  provider: string;
  /** Regular expression source matched against the URL (`^https?://api\\.deepseek\\.com`). */
  url: string;
  /**
   * A gateway that records every request it forwards (Helicone, Portkey): calls routed through it are
   * traced there, reported with this mechanism (`proxy:helicone`).
   */
  proxy?: string;
}

export interface TypeSpec {
  /** The SDK id calls on this type belong to (reported in the inventory, matched by coverage). */
  sdk: string;
  /** Another type whose members this one has too (groq's client has the OpenAI shape). */
  extends?: string;
  /** Members by dotted path from the instance. */
  members: Record<string, MemberSpec>;
  /**
   * The SDK emits OpenTelemetry spans for its calls by itself whenever the application registered a
   * global tracer provider (Anthropic's SDK since 0.134): calls are traced once the project has a
   * registration with `tracerProvider`, at the declared versions in `versions`.
   */
  nativeTracing?: { mechanism: string; versions?: VersionRange };
  /**
   * The rest of the SDK's published surface: public methods of instances of this type that make no model
   * request (file uploads, fine-tune and vector-store management, model listing, token counting...), by
   * dotted path, grouped under the reason. A path ending in `.*` classifies a whole resource whose job is
   * not inference (`files.*`). With `members`, this is the classification the type-walk completeness test
   * checks the SDK's published type definitions against: a public method in neither fails it.
   */
  notRequests?: Record<string, string[]>;
}

export interface PackageModel {
  /** Short id: `openai`, `anthropic`, `langsmith`, `otel`. */
  id: string;
  /** Human name for messages and docs. */
  name: string;
  /** `library` for SDKs whose calls are sites, `tracing` for tracing/instrumentation libraries. */
  role: 'sdk' | 'tracing';
  /** The npm package whose declared version gates `versions` ranges (defaults to the first module). */
  package?: string;
  /** Docs URL for the rule messages and `tracewire rules`. */
  docs?: string;
  /**
   * Module specifier → export path → spec. `default` is the default export; the empty path `''`
   * is the module object itself (CommonJS `module.exports`, `import * as ns`).
   */
  modules: Record<string, Record<string, MemberSpec>>;
  /**
   * Families of entry points too many (and too often added to) to list one by one: module specifier
   * prefix (ending in `/`) → export name pattern (`*` stands for any characters) → spec, for every module
   * under the prefix that `modules` does not list (`@langchain/community/embeddings/<provider>` exports
   * `<Provider>Embeddings`).
   */
  modulePatterns?: Record<string, Record<string, MemberSpec>>;
  types?: Record<string, TypeSpec>;
  /**
   * Types the package exports (module specifier → type names) whose values cannot carry any tracing option
   * the catalog knows (`CallSettings` of the AI SDK): spreading such a value cannot switch tracing on.
   */
  optionFreeTypes?: Record<string, string[]>;
  /** Model API endpoints and gateways this model knows (see `MemberSpec.provider`). */
  endpoints?: EndpointSpec[];
  /** Paths of model APIs, for HTTP requests sent without an SDK (see `MemberSpec.http`). */
  httpPaths?: HttpPathSpec[];
  /**
   * Global names (`fetch`, also reached as `globalThis.fetch`, `window.fetch`, `self.fetch`) → spec,
   * for values no import introduces.
   */
  globals?: Record<string, MemberSpec>;
}

/**
 * What the fixes of the wiring rules write, per SDK and tracing library (rules/catalog/fixes.ts). Every
 * import named here must resolve to a catalog member of the right kind (checked by the catalog tests).
 */
export interface FixCatalog {
  /** npm packages a fix may need, with the range a fix writes into package.json (`--add-dependencies`). */
  packages: Record<string, VersionRange>;
  /** `gen_ai.provider.name` of the SDKs bound to one provider, by SDK id. */
  providers: Record<string, string>;
  /**
   * `gen_ai.provider.name` by the module a multi-provider SDK's model comes from: an AI SDK provider
   * package (`openai('gpt-4o')` from `@ai-sdk/openai`), a LangChain integration (`new ChatOpenAI()` from
   * `@langchain/openai`).
   */
  providerModules: Record<string, string>;
  /** Client wrappers, per SDK and tracing library, in order of preference. */
  wrappers: WrapperFix[];
  /** LangChain callback handlers a fix can construct, per tracing library. */
  handlers: HandlerFix[];
  /** Spans written by fixes: the OpenTelemetry API module. */
  spans: { module: string; package: string };
}

export interface WrapperFix {
  /** The tracing library's model id (`langsmith`), whose declared package selects it. */
  library: string;
  /** The npm package the project must depend on. */
  package: string;
  sdk: string;
  /** `module#export` to import the wrapper from (its operations and SDKs come from that catalog member). */
  import: string;
  /** The package versions whose published entry points export it. */
  versions?: VersionRange;
}

export interface HandlerFix {
  library: string;
  /** Packages whose declaration shows the project uses this library (not LangChain itself). */
  usedWith: string[];
  package: string;
  /** The expression that creates the handler. */
  expression: string;
  /** `module#export` the expression uses (a catalog member with `handler`). */
  import: string;
}
