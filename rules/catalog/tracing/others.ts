import type { Coverage, MemberSpec, PackageModel } from '../types.js';
import { textOnly, TEXT_OPERATIONS } from './operations.js';

/** Braintrust: client wrappers and `traced`. */
export const braintrust: PackageModel = {
  id: 'braintrust',
  name: 'Braintrust',
  role: 'tracing',
  docs: 'https://www.braintrust.dev/docs/guides/traces',
  modules: {
    braintrust: {
      // Proxies chat completions, completions, embeddings, responses and the beta helpers: not audio, images or video.
      wrapOpenAI: { wrap: { mechanism: 'client-wrapper:braintrust.wrapOpenAI', sdks: ['openai', 'groq'], operations: TEXT_OPERATIONS } },
      // Proxies messages.* and beta.messages.* (create, stream and parse through create, toolRunner); not completions.
      wrapAnthropic: { wrap: { mechanism: 'client-wrapper:braintrust.wrapAnthropic', operations: ['chat'], sdks: ['anthropic'] } },
      // Takes the module (`wrapGoogleGenAI(await import('@google/genai'))`); clients built from its classes are traced.
      wrapGoogleGenAI: { wrap: { mechanism: 'client-wrapper:braintrust.wrapGoogleGenAI', operations: TEXT_OPERATIONS, sdks: ['google-genai'] } },
      wrapGoogleGenerativeAI: { wrap: { mechanism: 'client-wrapper:braintrust.wrapGoogleGenerativeAI', sdks: ['google-generative-ai'] } },
      wrapMistral: { wrap: { mechanism: 'client-wrapper:braintrust.wrapMistral', operations: TEXT_OPERATIONS, sdks: ['mistral'] } },
      wrapCohere: { wrap: { mechanism: 'client-wrapper:braintrust.wrapCohere', operations: TEXT_OPERATIONS, sdks: ['cohere'] } },
      wrapGroq: { wrap: { mechanism: 'client-wrapper:braintrust.wrapGroq', operations: TEXT_OPERATIONS, sdks: ['groq'] } },
      wrapOllama: { wrap: { mechanism: 'client-wrapper:braintrust.wrapOllama', operations: TEXT_OPERATIONS, sdks: ['ollama'] } },
      wrapBedrockRuntime: { wrap: { mechanism: 'client-wrapper:braintrust.wrapBedrockRuntime', operations: TEXT_OPERATIONS, sdks: ['bedrock'] } },
      wrapAISDK: { wrap: { mechanism: 'client-wrapper:braintrust.wrapAISDK', sdks: ['ai'] } },
      traced: { scope: { callbackArg: 0, mechanism: 'scope:braintrust.traced' } },
      wrapTraced: { scope: { callbackArg: 0, mechanism: 'scope:braintrust.wrapTraced' } },
      // A logger (or an experiment) traces what runs in `logger.traced(fn)` and after `logger.startSpan()`.
      initLogger: { returns: 'braintrust.Logger' },
      init: { returns: 'braintrust.Logger' },
      initExperiment: { returns: 'braintrust.Logger' },
      currentLogger: { returns: 'braintrust.Logger' },
      currentSpan: { returns: 'braintrust.Logger' },
      startSpan: { span: { mechanism: 'scope:braintrust.startSpan' } },
    },
  },
  types: {
    'braintrust.Logger': {
      sdk: 'braintrust',
      members: {
        traced: { scope: { callbackArg: 0, mechanism: 'scope:braintrust.logger.traced' } },
        startSpan: { span: { mechanism: 'scope:braintrust.logger.startSpan' }, returns: 'braintrust.Logger' },
      },
    },
  },
};

const posthogOption = (operations: string[]) => [{ arg: 0, key: 'posthog', mechanism: 'client-option:posthog', operations }];
const posthogOpenAI: MemberSpec = { new: 'openai.Client', annotation: 'openai.Client', newOptions: posthogOption(['chat', 'text_completion', 'embeddings', 'audio_transcription']) };
const posthogAnthropic: MemberSpec = { new: 'anthropic.Client', annotation: 'anthropic.Client', newOptions: posthogOption(['chat']) };
const posthogGemini: MemberSpec = { new: 'google-genai.Client', annotation: 'google-genai.Client', newOptions: posthogOption(['generate_content', 'embeddings']) };
const withTracing: MemberSpec = { wrap: { mechanism: 'client-wrapper:posthog.withTracing', sdks: ['ai'] } };
const posthogHandler: MemberSpec = { handler: { mechanism: 'handler:posthog.LangChainCallbackHandler' } };

/**
 * PostHog LLM analytics (`@posthog/ai`): drop-in OpenAI, Anthropic and Gemini clients that capture each
 * generation when given a `posthog` client (chat, responses, embeddings and transcriptions for OpenAI;
 * messages for Anthropic), `withTracing(model, posthog)` for AI SDK models, a LangChain handler, and a
 * trace processor for the OpenAI Agents SDK.
 */
export const posthog: PackageModel = {
  id: 'posthog',
  name: 'PostHog LLM analytics',
  role: 'tracing',
  docs: 'https://posthog.com/docs/llm-analytics',
  modules: {
    '@posthog/ai': { withTracing, OpenAI: posthogOpenAI, AzureOpenAI: posthogOpenAI, Anthropic: posthogAnthropic, LangChainCallbackHandler: posthogHandler },
    '@posthog/ai/vercel': { withTracing },
    '@posthog/ai/openai': { OpenAI: posthogOpenAI, PostHogOpenAI: posthogOpenAI, AzureOpenAI: posthogOpenAI, default: posthogOpenAI },
    '@posthog/ai/anthropic': { Anthropic: posthogAnthropic, PostHogAnthropic: posthogAnthropic, default: posthogAnthropic },
    '@posthog/ai/gemini': { GoogleGenAI: posthogGemini, Gemini: posthogGemini, PostHogGoogleGenAI: posthogGemini, default: posthogGemini },
    '@posthog/ai/langchain': { LangChainCallbackHandler: posthogHandler },
    '@posthog/ai/openai-agents': {
      instrument: { global: { id: 'openai-agents.traceProcessor', mechanism: 'global:posthog.openai-agents.instrument', covers: [{ sdk: 'openai-agents' }] } },
    },
  },
};

const phoenixRegister: MemberSpec = { global: { id: 'otel.instrumentations', mechanism: 'global:phoenix.register', covers: 'instrumentations', tracerProvider: true } };

/** Arize Phoenix's OpenTelemetry setup: `register({ projectName, instrumentations })` installs a tracer provider. */
export const phoenix: PackageModel = {
  id: 'phoenix',
  name: 'Arize Phoenix',
  role: 'tracing',
  docs: 'https://arize.com/docs/phoenix/tracing/how-to-tracing/setup-tracing/javascript',
  modules: { '@arizeai/phoenix-otel': { register: phoenixRegister } },
};

const triggerConfig: MemberSpec = {
  global: { id: 'trigger.instrumentations', mechanism: 'global:trigger.defineConfig', covers: 'instrumentations', tracerProvider: true },
};

/**
 * trigger.dev: `defineConfig({ telemetry: { instrumentations: [...] } })` in trigger.config.ts registers the
 * instrumentations in the task runtime (v3 also took `instrumentations` at the top level).
 */
export const triggerDev: PackageModel = {
  id: 'trigger.dev',
  name: 'trigger.dev',
  role: 'tracing',
  docs: 'https://trigger.dev/docs/config/config-file#instrumentations',
  modules: {
    '@trigger.dev/sdk/v3': { defineConfig: triggerConfig },
    '@trigger.dev/sdk': { defineConfig: triggerConfig },
    '@trigger.dev/sdk/build': { defineConfig: triggerConfig },
  },
};

const lmnrObserve: MemberSpec = { scope: { callbackArg: 'last', mechanism: 'scope:laminar.observe' } };

/** Laminar: `Laminar.initialize()` instruments the common SDKs; `observe` scopes. */
export const laminar: PackageModel = {
  id: 'laminar',
  name: 'Laminar',
  role: 'tracing',
  docs: 'https://docs.lmnr.ai/tracing/introduction',
  modules: {
    '@lmnr-ai/lmnr': {
      'Laminar.initialize': {
        global: {
          id: 'laminar.initialize',
          mechanism: 'global:laminar.initialize',
          tracerProvider: true,
          // @lmnr-ai/lmnr 0.8 loads OpenLLMetry's OpenAI/Anthropic/Cohere/Bedrock/LangChain instrumentations and its
          // own @google/genai one; it has none for groq-sdk.
          covers: ['openai', 'anthropic', 'bedrock', 'cohere', 'google-genai', 'langchain', 'langgraph', 'llamaindex'].map((sdk) => textOnly({ sdk })),
        },
      },
      observe: lmnrObserve,
    },
  },
};

/**
 * What dd-trace's plugins patch once the tracer is initialised: openai, langchain, Bedrock, Anthropic and
 * @google/genai, plus (read from dd-trace's instrumentations) the Vercel AI SDK from 5.63.0 (ai >=4: every
 * generateText/streamText/generateObject/streamObject/embed/embedMany call gets telemetry unless it sets
 * `isEnabled: false`) and LangGraph from 5.91.0 (@langchain/langgraph >=1.1.2).
 */
const ddCovers: Coverage[] = [
  ...['openai', 'langchain', 'bedrock', 'anthropic', 'google-genai'].map((sdk) => ({ sdk })),
  { sdk: 'ai', versions: '>=4.0.0', library: { package: 'dd-trace', versions: '>=5.63.0' } },
  { sdk: 'langgraph', versions: '>=1.1.2', library: { package: 'dd-trace', versions: '>=5.91.0' } },
].map((c) => textOnly(c));
const ddInit: MemberSpec = { global: { id: 'dd.init', mechanism: 'global:dd-trace.init', covers: ddCovers, runtimes: ['node'] } };
/** `dd-trace/init` (`require`, `node -r`) and `dd-trace/initialize.mjs` (`node --import`) call `tracer.init()` when loaded. */
const ddPreload: MemberSpec = { load: { id: 'dd.init', mechanism: 'global:dd-trace/init', covers: ddCovers, runtimes: ['node'] } };

/** Datadog's tracer: `tracer.init()` (or loading `dd-trace/init`) patches the LLM SDKs LLM Observability supports. */
export const ddTrace: PackageModel = {
  id: 'dd-trace',
  name: 'Datadog',
  role: 'tracing',
  docs: 'https://docs.datadoghq.com/llm_observability/instrumentation/auto_instrumentation/?tab=nodejs',
  modules: {
    'dd-trace': {
      'default.init': ddInit,
      init: ddInit,
    },
    'dd-trace/init': { '': ddPreload },
    'dd-trace/initialize.mjs': { '': ddPreload },
  },
  types: {
    'dd.Tracer': {
      sdk: 'dd-trace',
      members: {
        init: ddInit,
        'llmobs.trace': { scope: { callbackArg: 'last', mechanism: 'scope:dd-trace.llmobs.trace' } },
        'llmobs.wrap': { scope: { callbackArg: 'last', mechanism: 'scope:dd-trace.llmobs.wrap' } },
        trace: { scope: { callbackArg: 'last', mechanism: 'scope:dd-trace.trace' } },
      },
    },
  },
};

/**
 * Observability gateways: a client whose `baseURL` routes through one (`new OpenAI({ baseURL:
 * 'https://oai.helicone.ai/v1' })`, Portkey's `PORTKEY_GATEWAY_URL`) is traced there, every request logged
 * with its latency, tokens and cost.
 */
export const gateways: PackageModel = {
  id: 'gateways',
  name: 'Helicone and Portkey gateways',
  role: 'tracing',
  docs: 'https://docs.helicone.ai/getting-started/quick-start',
  endpoints: [
    { provider: 'helicone', url: '^https?://([a-z0-9-]+\\.)?helicone\\.ai(/|$)', proxy: 'proxy:helicone' },
    { provider: 'portkey', url: '^https?://api\\.portkey\\.ai(/|$)', proxy: 'proxy:portkey' },
  ],
  modules: {
    // Portkey's gateway URL, for `new OpenAI({ baseURL: PORTKEY_GATEWAY_URL, defaultHeaders: createHeaders(...) })`.
    'portkey-ai': { PORTKEY_GATEWAY_URL: { constant: 'https://api.portkey.ai/v1' } },
  },
};
