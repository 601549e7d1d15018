import type { MemberSpec, PackageModel } from '../types.js';

/** Braintrust: client wrappers and `traced`. */
export const braintrust: PackageModel = {
  id: 'braintrust',
  name: 'Braintrust',
  role: 'tracing',
  docs: 'https://www.braintrust.dev/docs/guides/traces',
  modules: {
    braintrust: {
      wrapOpenAI: { wrap: { mechanism: 'client-wrapper:braintrust.wrapOpenAI', sdks: ['openai', 'groq'] } },
      // Proxies messages.* and beta.messages.* (create, stream and parse through create, toolRunner); not completions.
      wrapAnthropic: { wrap: { mechanism: 'client-wrapper:braintrust.wrapAnthropic', operations: ['chat'], sdks: ['anthropic'] } },
      // Takes the module (`wrapGoogleGenAI(await import('@google/genai'))`); clients built from its classes are traced.
      wrapGoogleGenAI: { wrap: { mechanism: 'client-wrapper:braintrust.wrapGoogleGenAI', sdks: ['google-genai'] } },
      wrapGoogleGenerativeAI: { wrap: { mechanism: 'client-wrapper:braintrust.wrapGoogleGenerativeAI', sdks: ['google-generative-ai'] } },
      wrapMistral: { wrap: { mechanism: 'client-wrapper:braintrust.wrapMistral', sdks: ['mistral'] } },
      wrapCohere: { wrap: { mechanism: 'client-wrapper:braintrust.wrapCohere', sdks: ['cohere'] } },
      wrapGroq: { wrap: { mechanism: 'client-wrapper:braintrust.wrapGroq', sdks: ['groq'] } },
      wrapOllama: { wrap: { mechanism: 'client-wrapper:braintrust.wrapOllama', sdks: ['ollama'] } },
      wrapBedrockRuntime: { wrap: { mechanism: 'client-wrapper:braintrust.wrapBedrockRuntime', sdks: ['bedrock'] } },
      wrapAISDK: { wrap: { mechanism: 'client-wrapper:braintrust.wrapAISDK', sdks: ['ai'] } },
      traced: { scope: { callbackArg: 0, mechanism: 'scope:braintrust.traced' } },
      wrapTraced: { scope: { callbackArg: 0, mechanism: 'scope:braintrust.wrapTraced' } },
    },
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
          covers: ['openai', 'anthropic', 'bedrock', 'cohere', 'google-genai', 'langchain', 'langgraph', 'llamaindex'].map((sdk) => ({ sdk })),
        },
      },
      observe: lmnrObserve,
    },
  },
};

/** Datadog's tracer: `tracer.init()` patches the LLM SDKs LLM Observability supports. */
export const ddTrace: PackageModel = {
  id: 'dd-trace',
  name: 'Datadog',
  role: 'tracing',
  docs: 'https://docs.datadoghq.com/llm_observability/instrumentation/auto_instrumentation/?tab=nodejs',
  modules: {
    'dd-trace': {
      'default.init': { global: { id: 'dd.init', mechanism: 'global:dd-trace.init', covers: ['openai', 'langchain', 'bedrock', 'anthropic', 'google-genai'].map((sdk) => ({ sdk })) } },
      init: { global: { id: 'dd.init', mechanism: 'global:dd-trace.init', covers: ['openai', 'langchain', 'bedrock', 'anthropic', 'google-genai'].map((sdk) => ({ sdk })) } },
    },
  },
  types: {
    'dd.Tracer': {
      sdk: 'dd-trace',
      members: {
        init: { global: { id: 'dd.init', mechanism: 'global:dd-trace.init', covers: ['openai', 'langchain', 'bedrock', 'anthropic', 'google-genai'].map((sdk) => ({ sdk })) } },
        'llmobs.trace': { scope: { callbackArg: 'last', mechanism: 'scope:dd-trace.llmobs.trace' } },
        'llmobs.wrap': { scope: { callbackArg: 'last', mechanism: 'scope:dd-trace.llmobs.wrap' } },
        trace: { scope: { callbackArg: 'last', mechanism: 'scope:dd-trace.trace' } },
      },
    },
  },
};
