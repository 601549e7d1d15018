/** The configuration file's schema (zod), from which the shipped JSON Schema is generated. */

import { z } from 'zod';

/** `module#export.path`: a package or a path relative to the config file, then an export path. */
export const referenceSchema = z
  .string()
  .regex(/^[^#\s]+#[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, 'expected "module#export" such as "./src/tracing#withLLMSpan" or "@acme/llm#createClient"');

const severity = z.union([z.enum(['off', 'warn', 'error']), z.literal(0), z.literal(1), z.literal(2)]);
const ruleEntry = z.union([severity, z.tuple([severity]), z.tuple([severity, z.unknown()])]);

const siteKind = z.enum(['llm-call', 'task-execution', 'kickoff']);

export const catalogExtensionSchema = z
  .object({
    wrappers: z
      .array(
        z
          .object({
            function: referenceSchema.describe('A function that takes a client and returns it traced.'),
            arg: z.number().int().min(0).optional().describe('Argument holding the client (default 0).'),
            sdks: z.array(z.string()).optional().describe('SDK ids it applies to (default: any).'),
            operations: z.array(z.string()).optional().describe('Operations it traces (default: all).'),
            mechanism: z.string().optional(),
          })
          .strict(),
      )
      .optional()
      .describe('Client wrappers: calls through the returned client are traced.'),
    scopes: z
      .array(
        z
          .object({
            function: referenceSchema.describe('A function that runs a callback inside a tracing scope.'),
            callbackArg: z.union([z.number().int().min(0), z.enum(['last', 'any'])]).optional().describe('Argument holding the callback (default "last").'),
            mechanism: z.string().optional(),
          })
          .strict(),
      )
      .optional()
      .describe('Tracing scopes: LLM calls inside the callback are traced (the team\'s own `withLLMSpan`).'),
    handlers: z
      .array(
        z
          .object({
            function: referenceSchema.optional().describe('A function that creates a callback handler.'),
            class: referenceSchema.optional().describe('A callback handler class.'),
            mechanism: z.string().optional(),
          })
          .strict()
          .refine((v) => !!v.function !== !!v.class, 'expected exactly one of "function" or "class"'),
      )
      .optional()
      .describe('Callback handler factories: agent task executions and kickoffs after a handler is created in the same scope count as wired.'),
    decorators: z
      .array(z.object({ decorator: referenceSchema, mechanism: z.string().optional() }).strict())
      .optional()
      .describe('Method decorators that trace the method body.'),
    globals: z
      .array(
        z
          .object({
            function: referenceSchema.describe('A function that registers instrumentation process-wide when called.'),
            covers: z.array(z.string()).min(1).describe('SDK ids it instruments.'),
            mechanism: z.string().optional(),
          })
          .strict(),
      )
      .optional()
      .describe('Global registrations: one call anywhere in the project traces every call of the covered SDKs.'),
    clients: z
      .array(
        z
          .object({
            factory: referenceSchema.optional().describe('A function returning a client.'),
            class: referenceSchema.optional().describe('A class whose instances are clients.'),
            type: z.string().describe('The catalog type the client has, e.g. "openai.Client" or "anthropic.Client".'),
          })
          .strict()
          .refine((v) => !!v.factory !== !!v.class, 'expected exactly one of "factory" or "class"'),
      )
      .optional()
      .describe('The team\'s own client factories and classes that yield an SDK client.'),
    sites: z
      .array(
        z
          .object({
            function: referenceSchema.optional().describe('A function whose calls are sites.'),
            class: referenceSchema.optional().describe('A class whose instances have site methods.'),
            methods: z.array(z.string()).optional().describe('Methods of `class` instances that are sites.'),
            kind: siteKind,
            operation: z.string().default('chat'),
            sdk: z.string().optional().describe('SDK id reported for these sites (default "custom").'),
          })
          .strict()
          .refine((v) => !!v.function !== !!v.class, 'expected exactly one of "function" or "class"')
          .refine((v) => !v.class || (v.methods && v.methods.length > 0), 'a "class" site needs "methods"'),
      )
      .optional()
      .describe('In-house LLM calls, task executions and kickoffs (e.g. a task class\'s `executeAsync`).'),
    endpoints: z
      .array(
        z
          .object({
            url: z
              .string()
              .regex(/^[a-z][a-z0-9+.-]*:\/\/[^/\s]+/i, 'expected an absolute URL, e.g. "https://llm-gateway.acme.internal/v1"')
              .describe('Base URL (scheme, host, optionally a path) of the team\'s LLM gateway or of a model API, e.g. "https://llm-gateway.acme.internal/v1".'),
            provider: z.string().min(1).optional().describe('Provider id recorded for requests to it (default "gateway").'),
            paths: z
              .record(
                z.string().refine((p) => {
                  try {
                    new RegExp(p);
                    return true;
                  } catch {
                    return false;
                  }
                }, 'expected a regular expression'),
                z.string().min(1),
              )
              .optional()
              .describe('Its own model API paths, besides the OpenAI-compatible ones: regular expression (matched at the end of the path) → operation, e.g. { "/v1/complete": "chat" }.'),
            traced: z
              .boolean()
              .optional()
              .describe('The gateway records every request it forwards (its own tracing): requests through it count as wired (`proxy:<provider>`).'),
          })
          .strict(),
      )
      .optional()
      .describe('The team\'s LLM gateway and other model APIs reached by URL: HTTP requests to them (`fetch`, axios, ...) are LLM calls, and SDK clients pointed at them record the provider.'),
  })
  .strict();

/**
 * Settings of the codemods (`tracewire codemod <name>`): what to insert where a codemod wires tracing in.
 * References (`module#export`) name what the inserted code imports; relative modules resolve against the
 * configuration file's directory and are imported from each changed file by a relative path.
 */
export const codemodsSchema = z
  .object({
    aiSdkTelemetry: z
      .object({
        integration: z
          .string()
          .optional()
          .describe('AI SDK 7, `--entry`: the integration passed to `registerTelemetry(...)` (default "new OpenTelemetry()").'),
        imports: z.array(referenceSchema).optional().describe('What the integration expression imports (default ["@ai-sdk/otel#OpenTelemetry"]).'),
      })
      .strict()
      .optional()
      .describe('ai-sdk-telemetry: the AI SDK 7 telemetry integration registered in the entry point.'),
    langchainCallbacks: z
      .object({
        handler: z.string().describe('Expression of the callback handler put in `callbacks`, e.g. "getCallbackHandler()" or "new CallbackHandler()".'),
        imports: z
          .array(referenceSchema)
          .optional()
          .describe('What the handler expression imports, e.g. ["./src/tracing#getCallbackHandler"] or ["@langfuse/langchain#CallbackHandler"].'),
      })
      .strict()
      .optional()
      .describe('langchain-callbacks: the handler passed to LangChain and LangGraph invoke/stream/batch calls.'),
    wrapClients: z
      .object({
        library: z
          .enum(['langsmith', 'langfuse', 'braintrust'])
          .optional()
          .describe('Tracing library whose client wrappers to use (default: the one the project declares, else "langsmith").'),
        wrappers: z
          .record(z.string(), referenceSchema)
          .optional()
          .describe('Per SDK id, the team\'s own wrapper to use instead, e.g. { "openai": "./src/tracing#withTracing" } (declare it in catalog.wrappers too).'),
      })
      .strict()
      .optional()
      .describe('wrap-clients: how SDK clients are wrapped where they are constructed.'),
    wrapInSpan: z
      .object({
        tracerName: z.string().optional().describe('Name passed to `trace.getTracer(...)` (default: the nearest package.json name).'),
      })
      .strict()
      .optional()
      .describe('wrap-in-span: the OpenTelemetry tracer the inserted spans come from.'),
    kickoffCallbacks: z
      .object({
        serviceName: z.string().optional().describe('KaibanJS: `serviceName` passed to `enableOpenTelemetry` (default: the nearest package.json name).'),
      })
      .strict()
      .optional()
      .describe('kickoff-callbacks: how KaibanJS teams are instrumented.'),
  })
  .strict();

/** How OpenTelemetry instrument names reach Prometheus (see rules/observability/catalogue.ts). */
export const OTEL_TRANSLATIONS = ['UnderscoreEscapingWithSuffixes', 'UnderscoreEscapingWithoutSuffixes', 'NoUTF8EscapingWithSuffixes', 'NoTranslation', 'PrometheusExporter'] as const;

const globList = (what: string) => z.array(z.string()).optional().describe(what);

/** Observability as code: where the Prometheus rule files and Grafana dashboards are, and how metrics reach Prometheus. */
export const observabilitySchema = z
  .object({
    rules: globList(
      'Glob patterns (relative to the configuration file) of Prometheus rule files, also Kubernetes PrometheusRule manifests. Replaces the default locations (**/prometheus/**, **/alerts/**, *.rules.yml, ...).',
    ),
    dashboards: globList('Glob patterns (relative to the configuration file) of Grafana dashboard JSON files and exported library panels. Replaces the default locations (**/dashboards/**, **/grafana/**, ...).'),
    knownMetrics: globList(
      'Metric names, or globs such as "node_*", that something other than this code emits (an exporter, another service): queries on them are known and not checked.',
    ),
    targetLabels: globList(
      'Labels that scraping, relabelling or the OpenTelemetry collector attach to every series, besides job and instance (e.g. "cluster", "env"): label matchers on them are never reported.',
    ),
    createdSeries: z
      .boolean()
      .optional()
      .describe(
        'The exposition carries OpenMetrics created timestamps as `_created` series (the collector\'s Prometheus exporter with enable_open_metrics): counters, histograms and summaries also have `<name>_created`. Default false: prom-client and the OpenTelemetry JS exporters expose none.',
      ),
    otel: z
      .object({
        translation: z
          .enum(OTEL_TRANSLATIONS)
          .optional()
          .describe(
            'How OpenTelemetry instrument names become Prometheus names: a Prometheus/collector translation strategy for OTLP (default UnderscoreEscapingWithSuffixes: dots to "_", unit suffix, "_total" on counters), or "PrometheusExporter" for @opentelemetry/exporter-prometheus (no unit suffix). Default: decided from the dependencies each package declares.',
          ),
        namespace: z.string().optional().describe('A prefix the exporter puts before every OpenTelemetry metric name (the PrometheusExporter `prefix`, the collector exporter\'s `namespace`).'),
      })
      .strict()
      .optional()
      .describe('How OpenTelemetry metrics are exported to Prometheus.'),
  })
  .strict();

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    rules: z.record(z.string(), ruleEntry).optional().describe('Rule severities ("off" | "warn" | "error") and options ([severity, options]).'),
    ignores: z.array(z.string()).optional().describe('Glob patterns of files not to check (in addition to .gitignore).'),
    catalog: catalogExtensionSchema.optional().describe('Extensions of the SDK and tracing catalog.'),
    assume: z
      .object({
        langsmithEnvTracing: z
          .boolean()
          .optional()
          .describe('LangSmith tracing is enabled by environment (LANGSMITH_TRACING=true) wherever LangChain runs.'),
      })
      .strict()
      .optional(),
    tracingSchema: z.string().optional().describe('Path to a tracing schema (YAML) of span names and required attributes.'),
    project: z.boolean().optional().describe('Resolve values across the project\'s files (default true).'),
    codemods: codemodsSchema.optional().describe('Settings of the codemods (`tracewire codemod --list`).'),
    observability: observabilitySchema
      .optional()
      .describe('Prometheus rule files and Grafana dashboards checked against the metrics the code emits (rule observability-query-metrics).'),
  })
  .strict();

export type ConfigFile = z.infer<typeof configSchema>;
export type CatalogExtension = z.infer<typeof catalogExtensionSchema>;
export type CodemodsConfig = z.infer<typeof codemodsSchema>;
export type ObservabilityConfig = z.infer<typeof observabilitySchema>;
