import type { Coverage, DefaultIntegrations, MemberSpec, PackageModel } from '../types.js';
import { textOnly } from './operations.js';

const startSpan: MemberSpec = { scope: { callbackArg: 'last', mechanism: 'scope:sentry.startSpan' } };
const startSpanManual: MemberSpec = { scope: { callbackArg: 'last', mechanism: 'scope:sentry.startSpanManual' } };
const startInactiveSpan: MemberSpec = { span: { mechanism: 'scope:sentry.startInactiveSpan' } };
/** Sentry's AI integrations patch the SDK modules through OpenTelemetry instrumentation: Node.js only (Bun and edge need `instrument*Client`). */
const integration = (name: string, ...sdks: string[]): MemberSpec => ({ instrumentation: { mechanism: `global:sentry.${name}`, covers: sdks.map((sdk) => textOnly({ sdk })), runtimes: ['node'] } });

/*
 * The AI integrations `Sentry.init()` turns on by itself, read from the published packages (@sentry/node,
 * @sentry/server-utils, @sentry/core; every @sentry/* package is released in lockstep, so one version
 * table serves them all). `getDefaultIntegrations(options)` adds `getAutoPerformanceIntegrations()` only
 * when tracing is on: 8.x `enableTracing`, `tracesSampleRate` or `tracesSampler` in the options; from 9.0
 * `tracesSampleRate != null` or `tracesSampler` (`hasSpansEnabled`). 9.x and 10.x judge the options
 * passed to `init` (SENTRY_TRACES_SAMPLE_RATE in the environment does not add them); 11.x also reads the
 * variable, which tracewire cannot see. `sendDefaultPii` only decides whether inputs and outputs are
 * recorded, not whether spans are. `defaultIntegrations` (false or a list) replaces the defaults;
 * `integrations` as an array is merged with them, as a function receives them and returns the list.
 *
 * What each default integration patches, by Sentry version (SDK ranges from its instrumentation's
 * `supportedVersions`, or 11.x's orchestrion module configs):
 *
 * - vercelAIIntegration (default from 8.43.0): patches generateText/streamText/generateObject/streamObject/
 *   embed/embedMany to turn `experimental_telemetry` on unless the call sets `isEnabled`; ai >=3 <5, <6 from
 *   10.6.0, <7 from 10.33.0; from 10.62.0 it also subscribes to ai 7's own `ai:telemetry` diagnostics
 *   channel; 11.x instruments ai >=4 (v4-6 through injected channels, v7 natively).
 * - openAIIntegration (default from 9.40.0): openai >=4 <6, <7 from 10.26.0, <8 from 10.72.0 (and 11.x).
 * - anthropicAIIntegration (from 10.6.0): @anthropic-ai/sdk >=0.19.2 <1; <2 from 11.11.0.
 * - googleGenAIIntegration (from 10.13.0): @google/genai >=0.10.0 <2; <3 in 11.x.
 * - langChainIntegration (from 10.22.0): chat models of the LangChain provider packages >=0.1.0 <1, <2 from
 *   10.28.0 (judged on @langchain/core, which the provider packages track).
 * - langGraphIntegration (from 10.26.0): @langchain/langgraph <2.
 * - 11.x adds mistralAIIntegration (@mistralai/mistralai >=2 <3, <4 from 11.11.0), groqIntegration
 *   (groq-sdk >=0.3.0 <2) and awsIntegration (every AWS SDK v3 command, Bedrock Runtime with GenAI spans).
 *   (Its mastraIntegration attaches an exporter to Mastra instances that have observability configured,
 *   which the Mastra model already counts.)
 *
 * @sentry/nextjs (server) builds on @sentry/node's defaults, but Next.js bundles `ai` into server chunks
 * (@sentry/nextjs leaves it out of `serverExternalPackages` on purpose), so the module patch never reaches
 * it: Sentry's Next.js docs ask for `experimental_telemetry: { isEnabled: true }` on each call. Only ai 7's
 * own channel (from 10.62.0) and 11.x's build-time injection reach bundled `ai` calls.
 */
function defaultCovers(pkg: string, bundlesAi: boolean): Coverage[] {
  const at = (versions: string) => ({ package: pkg, versions });
  const ai: Coverage[] = [
    ...(bundlesAi
      ? []
      : [
          { sdk: 'ai', versions: '>=3.0.0 <5', library: at('>=8.43.0 <10.6.0') },
          { sdk: 'ai', versions: '>=3.0.0 <6', library: at('>=10.6.0 <10.33.0') },
          { sdk: 'ai', versions: '>=3.0.0 <7', library: at('>=10.33.0 <11') },
        ]),
    { sdk: 'ai', versions: '>=7', library: at('>=10.62.0 <11') },
    { sdk: 'ai', versions: '>=4.0.0', library: at('>=11.0.0') },
  ];
  return [
    ...ai,
    { sdk: 'openai', versions: '>=4.0.0 <6', library: at('>=9.40.0 <10.26.0') },
    { sdk: 'openai', versions: '>=4.0.0 <7', library: at('>=10.26.0 <10.72.0') },
    { sdk: 'openai', versions: '>=4.0.0 <8', library: at('>=10.72.0') },
    { sdk: 'anthropic', versions: '>=0.19.2 <1', library: at('>=10.6.0 <11.11.0') },
    { sdk: 'anthropic', versions: '>=0.19.2 <2', library: at('>=11.11.0') },
    { sdk: 'google-genai', versions: '>=0.10.0 <2', library: at('>=10.13.0 <11') },
    { sdk: 'google-genai', versions: '>=0.10.0 <3', library: at('>=11.0.0') },
    { sdk: 'langchain', versions: '>=0.1.0 <1', library: at('>=10.22.0 <10.28.0') },
    { sdk: 'langchain', versions: '>=0.1.0 <2', library: at('>=10.28.0') },
    { sdk: 'langgraph', versions: '<2', library: at('>=10.26.0') },
    { sdk: 'mistral', versions: '>=2.0.0 <3', library: at('>=11.0.0 <11.11.0') },
    { sdk: 'mistral', versions: '>=2.0.0 <4', library: at('>=11.11.0') },
    { sdk: 'groq', versions: '>=0.3.0 <2', library: at('>=11.0.0') },
    { sdk: 'bedrock', library: at('>=11.0.0') },
  ].map((c) => textOnly(c));
}

/** Integration names as `integrations: (defaults) => defaults.filter((i) => i.name !== 'OpenAI')` spells them. */
const integrationNames: Record<string, string> = {
  vercelAI: 'ai',
  VercelAI: 'ai',
  OpenAI: 'openai',
  Anthropic_AI: 'anthropic',
  Google_GenAI: 'google-genai',
  LangChain: 'langchain',
  LangGraph: 'langgraph',
  Mistral: 'mistral',
  Groq: 'groq',
  Aws: 'bedrock',
};

/** A framework SDK's browser or edge initialisation: `sentry.client.config.ts`, `instrumentation-client.ts`, `hooks.client.ts`, `sentry.edge.config.ts`. */
const NOT_NODE = '(^|[._-])(client|edge)[._-]';

function defaults(pkg: string, framework: boolean): DefaultIntegrations {
  return {
    mechanism: 'global:sentry.init (default integrations)',
    covers: defaultCovers(pkg, pkg === '@sentry/nextjs'),
    when: { arg: 0, keys: ['tracesSampleRate', 'tracesSampler', 'enableTracing'] },
    replacedBy: { arg: 0, key: 'defaultIntegrations' },
    filteredBy: { arg: 0, key: 'integrations', names: integrationNames },
    ...(framework ? { exceptFiles: NOT_NODE } : {}),
  };
}

/**
 * `init`: Sentry 8+ runs on OpenTelemetry, so it installs the global tracer provider; it covers the AI
 * integrations passed in `integrations` and, in the SDKs built on @sentry/node, the default ones.
 */
/** Tracing is on only with a sample rate or sampler (8.x also `enableTracing`); `tracesSampleRate: 0` keeps it off. */
const tracingOn = { arg: 0, keys: ['tracesSampleRate', 'tracesSampler', 'enableTracing'] };

function members(pkg: string, nodeDefaults: 'node' | 'framework' | undefined): Record<string, MemberSpec> {
  const init: MemberSpec = {
    global: {
      id: 'sentry.init',
      mechanism: 'global:sentry.init',
      covers: 'instrumentations',
      // A Sentry set up for errors only sends no spans, whatever integrations it lists.
      when: tracingOn,
      tracerProvider: true,
      ...(nodeDefaults ? { defaults: defaults(pkg, nodeDefaults === 'framework') } : {}),
      // What it covers comes from the AI integrations, which patch Node.js module loading.
      runtimes: ['node'],
    },
  };
  return {
    startSpan,
    startSpanManual,
    startInactiveSpan,
    init,
    ...(pkg === '@sentry/node' ? { initWithoutDefaultIntegrations: { global: { id: 'sentry.init', mechanism: 'global:sentry.init', covers: 'instrumentations', when: tracingOn, tracerProvider: true } } } : {}),
    openAIIntegration: integration('openAIIntegration', 'openai'),
    anthropicAIIntegration: integration('anthropicAIIntegration', 'anthropic'),
    googleGenAIIntegration: integration('googleGenAIIntegration', 'google-genai'),
    vercelAIIntegration: integration('vercelAIIntegration', 'ai'),
    langChainIntegration: integration('langChainIntegration', 'langchain'),
    langGraphIntegration: integration('langGraphIntegration', 'langgraph'),
    // Manual instrumentation of one client (runtimes where the module patch does not reach: bundlers, Bun, edge).
    instrumentOpenAiClient: { wrap: { mechanism: 'client-wrapper:sentry.instrumentOpenAiClient', sdks: ['openai'] } },
    instrumentAnthropicAiClient: { wrap: { mechanism: 'client-wrapper:sentry.instrumentAnthropicAiClient', sdks: ['anthropic'] } },
    instrumentGoogleGenAIClient: { wrap: { mechanism: 'client-wrapper:sentry.instrumentGoogleGenAIClient', sdks: ['google-genai'] } },
  };
}

/**
 * Sentry's JavaScript SDKs, and whether their `init` brings @sentry/node's default integrations: the Node
 * SDK and those built on it with its performance integrations (Bun, NestJS, the meta-frameworks' server
 * side); not the serverless SDKs (10.x: `getDefaultIntegrationsWithoutPerformance()`), Cloudflare, Vercel
 * Edge, Deno or the core package. The meta-framework SDKs serve browser and server from one import.
 */
const sentryPackages: [string, 'node' | 'framework' | undefined][] = [
  ['@sentry/node', 'node'],
  ['@sentry/bun', 'node'],
  ['@sentry/aws-serverless', undefined],
  ['@sentry/google-cloud-serverless', undefined],
  ['@sentry/nestjs', 'node'],
  ['@sentry/nextjs', 'framework'],
  ['@sentry/sveltekit', 'framework'],
  ['@sentry/remix', 'framework'],
  ['@sentry/astro', 'framework'],
  ['@sentry/nuxt', 'framework'],
  ['@sentry/deno', undefined],
  ['@sentry/cloudflare', undefined],
  ['@sentry/vercel-edge', undefined],
  ['@sentry/core', undefined],
];

/** Sentry: span scopes, and the AI integrations `Sentry.init` registers (given in `integrations`, or on by default). */
export const sentry: PackageModel = {
  id: 'sentry',
  name: 'Sentry',
  role: 'tracing',
  docs: 'https://docs.sentry.io/platforms/javascript/guides/node/tracing/',
  modules: Object.fromEntries(sentryPackages.map(([p, d]) => [p, members(p, d)])),
};
