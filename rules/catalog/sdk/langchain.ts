import type { MemberSpec, OptionWiring, PackageModel, SiteKind } from '../types.js';

/*
 * LangChain.js traces through callback handlers. A handler reaches a model call when it is passed in the
 * call's config (`model.invoke(input, { callbacks })`), on the constructor (`new ChatOpenAI({ callbacks })`),
 * or bound with `.withConfig({ callbacks })`. Handlers of a parent run propagate to the runnables it
 * calls (through the config argument, or AsyncLocalStorage in Node): a call whose config is a variable
 * the engine cannot see into counts as wired (the option state is `unknown`), and functions run by a
 * parent runnable (tools, `RunnableLambda`, graph nodes) are scopes that inherit its handlers.
 */

/** Handlers that keep runs in memory or print them: a callbacks list of only these traces nothing. */
const LOCAL_HANDLER = 'langchain.LocalHandler';
const callbacks = (arg: number, mechanism = 'call-option:langchain.callbacks'): OptionWiring => ({ arg, key: 'callbacks', mechanism, ignores: [LOCAL_HANDLER] });
const localHandler: MemberSpec = { new: LOCAL_HANDLER };
const localHandlers: Record<string, Record<string, MemberSpec>> = {
  '@langchain/core/tracers/run_collector': { RunCollectorCallbackHandler: localHandler },
  '@langchain/core/tracers/console': { ConsoleCallbackHandler: localHandler },
  '@langchain/core/tracers/log_stream': { LogStreamCallbackHandler: localHandler },
  'langchain/callbacks': { ConsoleCallbackHandler: localHandler, RunCollectorCallbackHandler: localHandler },
  // The Google integrations' request loggers print or keep the raw HTTP request and response.
  '@langchain/google-common': { GoogleRequestLogger: localHandler, GoogleRequestRecorder: localHandler },
};
/** The handlers themselves as an argument (`generate(prompts, stop, [handler])`, `chain.call(values, [handler])`). */
const handlers = (arg: number): OptionWiring => ({ arg, key: '', mechanism: 'call-option:langchain.callbacks', ignores: [LOCAL_HANDLER] });
const ctorCallbacks: OptionWiring[] = [callbacks(0, 'constructor-option:langchain.callbacks')];
const withConfigCallbacks: OptionWiring[] = [callbacks(0, 'with-config:langchain.callbacks')];

/**
 * Runnable entry points: `(input, config)`; the legacy model methods take `(input, options, callbacks)`.
 * `transform(inputChunks, config)` collects the streamed input and runs `_streamIterator` on it (the same
 * request as `stream`).
 */
const RUN_METHODS = ['invoke', 'stream', 'batch', 'streamEvents', 'streamLog', 'transform'];
const LEGACY_MODEL_METHODS = ['generate', 'generatePrompt', 'call', 'predict', 'predictMessages'];

function sites(methods: string[], kind: SiteKind, operation: string): Record<string, MemberSpec> {
  return Object.fromEntries(methods.map((m) => [m, { site: { kind, operation, options: [callbacks(1)] } } satisfies MemberSpec]));
}

/** The legacy model methods also take the handlers themselves as a third argument: `generate(prompts, stop, [handler])`. */
function legacyModelSites(kind: SiteKind, operation: string): Record<string, MemberSpec> {
  return Object.fromEntries(LEGACY_MODEL_METHODS.map((m) => [m, { site: { kind, operation, options: [callbacks(1), callbacks(2), handlers(2)] } } satisfies MemberSpec]));
}

/** Methods that return a runnable wrapping the receiver (same calls, same handlers). */
function wrappers(...extra: string[]): Record<string, MemberSpec> {
  const out: Record<string, MemberSpec> = {};
  for (const m of ['pipe', 'bind', 'withRetry', 'withFallbacks', 'withListeners', ...extra]) out[m] = { returnsSelf: true };
  out.withConfig = { returnsSelf: true, returnsOptions: withConfigCallbacks };
  return out;
}

/*
 * The rest of the published surface of models and runnables (checked against @langchain/core's types by
 * test/catalog-types.test.ts): nothing here sends a model request.
 */
const introspection = ['getName', 'getGraph', 'serialize', 'toJSON', 'toJSONNotImplemented'];
const modelNotRequests: Record<string, string[]> = {
  'introspection and serialisation of the runnable': introspection,
  'the request parameters and LangSmith metadata the model would send, built locally': ['invocationParams', 'getLsParams', 'getLsParamsWithDefaults'],
  'token counting with a local tokenizer (js-tiktoken): no model request': ['getNumTokens'],
  'the model’s response cache (lookups and writes of cached generations)': ['cache.*'],
  'the model’s retry and concurrency helper: runs the function it is given, which is the request the model method already is': ['caller.*'],
  'wraps the runnable as a tool: it runs when an agent calls the tool': ['asTool'],
};
/** The callbacks of a handler that keeps runs in memory or prints them: LangChain calls them during a run. */
const HANDLER_EVENTS = ['AgentAction', 'AgentEnd', 'ChainEnd', 'ChainError', 'ChainStart', 'LLMEnd', 'LLMError', 'LLMNewToken', 'LLMStart', 'RetrieverEnd', 'RetrieverError', 'RetrieverStart', 'Text', 'ToolEnd', 'ToolError', 'ToolStart'];
const localHandlerNotRequests: Record<string, string[]> = {
  'callback plumbing: LangChain calls these during a run; they record or print it': [
    ...HANDLER_EVENTS.flatMap((e) => [`handle${e}`, `on${e}`]),
    'handleChatModelStart',
    'handleChatModelStreamEvent',
    'handleCustomEvent',
    'handleToolEvent',
    'onRunCreate',
    'onRunUpdate',
    'copy',
    'getBreadcrumbs',
    'getParents',
    'tapOutputIterable',
  ],
  'the stream of run-log patches the handler emits (a ReadableStream)': ['receiveStream.*'],
  serialisation: ['toJSON', 'toJSONNotImplemented'],
};

/** The rest of the `langchain` (1.x) entry point: an agent's requests are its runs (`createAgent(...).invoke`). */
const langchainModuleNotRequests: Record<string, string[]> = {
  'messages, documents and local message utilities (filtering, trimming, approximate token counts, the context template tag)': [
    'AIMessage',
    'AIMessageChunk',
    'BaseMessage',
    'BaseMessageChunk',
    'HumanMessage',
    'HumanMessageChunk',
    'SystemMessage',
    'SystemMessageChunk',
    'ToolMessage',
    'ToolMessageChunk',
    'Document',
    'filterMessages',
    'trimMessages',
    'countTokensApproximately',
    'context',
  ],
  'tool classes: definitions an agent calls': ['StructuredTool', 'DynamicStructuredTool', 'DynamicTool', 'Tool'],
  'structured-output strategies for createAgent': ['ProviderStrategy', 'ToolStrategy', 'providerStrategy', 'toolStrategy', 'applyStrategy'],
  // A middleware that calls a model itself (summarization, tool selection, moderation, tool emulation, fallbacks) does so inside the agent's run.
  'agent middleware: hooks an agent runs around its model and tool calls, and their helpers': [
    'createMiddleware',
    'anthropicPromptCachingMiddleware',
    'bedrockPromptCachingMiddleware',
    'contextEditingMiddleware',
    'ClearToolUsesEdit',
    'dynamicSystemPromptMiddleware',
    'humanInTheLoopMiddleware',
    'llmToolSelectorMiddleware',
    'modelCallLimitMiddleware',
    'modelFallbackMiddleware',
    'modelRetryMiddleware',
    'openAIModerationMiddleware',
    'piiMiddleware',
    'piiRedactionMiddleware',
    'providerToolSearchMiddleware',
    'summarizationMiddleware',
    'todoListMiddleware',
    'toolCallLimitMiddleware',
    'toolEmulatorMiddleware',
    'toolErrorMiddleware',
    'toolRetryMiddleware',
    'detectCreditCard',
    'detectEmail',
    'detectIP',
    'detectMacAddress',
    'detectUrl',
    'resolveRedactionRule',
  ],
  'stream transformers of an agent’s run': ['createSubagentTransformer', 'createToolCallTransformer'],
  'a fake chat model for tests: answers from a script, no request': ['FakeToolCallingModel', 'fakeModel'],
  'the agent class createAgent returns (its runs are the sites)': ['ReactAgent'],
  'long-term memory store': ['InMemoryStore'],
};

/** The rest of the `@langchain/core` entry points the catalog names (checked against their published types by test/catalog-types.test.ts). */
const coreModuleNotRequests: Record<string, Record<string, string[]>> = {
  '@langchain/core/prompts': {
    'prompt templates and template rendering: local': [
      'BasePromptTemplate',
      'BaseStringPromptTemplate',
      'BaseChatPromptTemplate',
      'BaseMessagePromptTemplate',
      'BaseMessageStringPromptTemplate',
      'AIMessagePromptTemplate',
      'ChatMessagePromptTemplate',
      'HumanMessagePromptTemplate',
      'SystemMessagePromptTemplate',
      'DictPromptTemplate',
      'ImagePromptTemplate',
      'MessagesPlaceholder',
      'PipelinePromptTemplate',
      'StructuredPrompt',
      'checkValidTemplate',
      'interpolateFString',
      'interpolateMustache',
      'parseFString',
      'parseMustache',
      'parseTemplate',
      'renderTemplate',
    ],
  },
  '@langchain/core/runnables': {
    // Not followed: `new RunnableSequence({ first, last })`, `new RunnableWithMessageHistory({ runnable })` run the model they are given, but only `RunnableSequence.from`, `pipe` and the model's own methods are sites.
    'compositions of runnables built with their constructors: they run the runnables they are given': [
      'RunnableSequence',
      'RunnableMap',
      'RunnableParallel',
      'RunnableBranch',
      'RunnableEach',
      'RunnableAssign',
      'RunnablePick',
      'RunnableBinding',
      'RunnableRetry',
      'RunnableWithFallbacks',
      'RunnableWithMessageHistory',
      'RouterRunnable',
      'RunnableLambda',
      'RunnableToolLike',
      '_coerceToRunnable',
    ],
    'run-config plumbing': ['ensureConfig', 'mergeConfigs', 'patchConfig', 'pickRunnableConfigKeys', 'getCallbackManagerForConfig', 'raceWithSignal'],
  },
  '@langchain/core/tools': { 'tool base classes, errors and type guards': ['BaseToolkit', 'ToolInputParsingException', 'isLangChainTool', 'isRunnableToolLike', 'isStructuredTool', 'isStructuredToolParams'] },
  '@langchain/core/language_models/base': {
    'model metadata and local token arithmetic (context sizes, tiktoken model names)': ['getModelNameForTiktoken', 'getEmbeddingContextSize', 'getModelContextSize', 'calculateMaxTokens', 'isOpenAITool'],
    'the base class of every LangChain runnable with callbacks': ['BaseLangChain'],
  },
  '@langchain/core/language_models/chat_models': {},
  '@langchain/core/language_models/llms': {},
  '@langchain/core/embeddings': {},
  '@langchain/core/retrievers': {},
  '@langchain/core/callbacks/base': { 'callback plumbing': ['callbackHandlerPrefersStreaming', 'callbackHandlerPrefersChatModelStreamEvents', 'isBaseCallbackHandler'] },
};
const coreModuleTypes = Object.fromEntries(Object.entries(coreModuleNotRequests).map(([mod, notRequests]) => [`module:${mod}`, { sdk: 'langchain', members: {}, notRequests }]));

const CHAT = 'langchain.ChatModel';
const LLM = 'langchain.LLM';
const EMB = 'langchain.Embeddings';
const CHAIN = 'langchain.Chain';
const RUNNABLE = 'langchain.Runnable';
/** What makes a runnable sequence a chain that calls a model. */
const MODELS = [CHAT, LLM, CHAIN, 'langchain.LegacyChain'];

const chat: MemberSpec = { new: CHAT, newOptions: ctorCallbacks, annotation: CHAT };
const llm: MemberSpec = { new: LLM, newOptions: ctorCallbacks, annotation: LLM };
const emb: MemberSpec = { new: EMB, annotation: EMB };
const runnable: MemberSpec = { new: RUNNABLE };
const legacyChain: MemberSpec = { new: 'langchain.LegacyChain', newOptions: ctorCallbacks };

const initChatModel: MemberSpec = { returns: CHAT, returnsOptions: [callbacks(1, 'constructor-option:langchain.callbacks')] };
// Methods of a subclass run inside the LangChain run that invokes it, under that run's callbacks.
const integration: MemberSpec = { subclassScope: { mechanism: 'scope:langchain.integration' } };
const createAgent: MemberSpec = { returns: 'langchain.Agent' };
// Tools and lambdas run inside a parent run and inherit its handlers, which reach LangChain runnables only.
const INHERITS = ['langchain', 'langgraph'];
// A tool's function runs under the handlers of whatever invokes the tool (an agent, a graph's tool node).
const tool: MemberSpec = {
  scope: {
    callbackArg: 0,
    mechanism: 'scope:langchain.tool',
    sdks: INHERITS,
    fromRun: { runner: 'invoker', outside: 'it runs in a LangChain tool, under the handlers of whatever invokes the tool, and tracewire does not follow the tool to the run that invokes it' },
  },
};

const prompts: Record<string, MemberSpec> = {
  ChatPromptTemplate: runnable,
  'ChatPromptTemplate.fromMessages': { returns: RUNNABLE },
  'ChatPromptTemplate.fromTemplate': { returns: RUNNABLE },
  'ChatPromptTemplate.fromPromptMessages': { returns: RUNNABLE },
  PromptTemplate: runnable,
  'PromptTemplate.fromTemplate': { returns: RUNNABLE },
  FewShotPromptTemplate: runnable,
  FewShotChatMessagePromptTemplate: runnable,
};

const runnables: Record<string, MemberSpec> = {
  'RunnableSequence.from': { returns: CHAIN, returnsIfArg: MODELS },
  'RunnablePassthrough.assign': { returns: RUNNABLE },
  RunnablePassthrough: runnable,
  'RunnableLambda.from': { returns: RUNNABLE, scope: { callbackArg: 0, mechanism: 'scope:langchain.RunnableLambda', sdks: INHERITS } },
  'RunnableMap.from': { returns: RUNNABLE },
  'RunnableParallel.from': { returns: RUNNABLE },
};

const legacyChains: Record<string, MemberSpec> = {
  LLMChain: legacyChain,
  ConversationChain: legacyChain,
  'RetrievalQAChain.fromLLM': { returns: 'langchain.LegacyChain', returnsOptions: [callbacks(2, 'constructor-option:langchain.callbacks')] },
  'ConversationalRetrievalQAChain.fromLLM': { returns: 'langchain.LegacyChain', returnsOptions: [callbacks(2, 'constructor-option:langchain.callbacks')] },
  loadQAStuffChain: { returns: 'langchain.LegacyChain' },
  loadQAMapReduceChain: { returns: 'langchain.LegacyChain' },
  loadQARefineChain: { returns: 'langchain.LegacyChain' },
  loadSummarizationChain: { returns: 'langchain.LegacyChain' },
};

const agentExecutor: MemberSpec = { new: 'langchain.AgentExecutor', newOptions: ctorCallbacks };
/** The agent constructors of `langchain/agents`: a runnable that calls the model once per step (AgentExecutor loops it). */
const agentRunnable: MemberSpec = { returns: CHAIN };

/** The entry points of the 0.x `langchain` package that `@langchain/classic` keeps under the same subpaths. */
function classicEntryPoints(pkg: string): Record<string, Record<string, MemberSpec>> {
  return {
    [`${pkg}/chains`]: legacyChains,
    [`${pkg}/chains/combine_documents`]: { createStuffDocumentsChain: { returns: CHAIN } },
    [`${pkg}/chains/retrieval`]: { createRetrievalChain: { returns: CHAIN } },
    [`${pkg}/chains/history_aware_retriever`]: { createHistoryAwareRetriever: { returns: CHAIN } },
    [`${pkg}/agents`]: {
      AgentExecutor: agentExecutor,
      initializeAgentExecutorWithOptions: { returns: 'langchain.AgentExecutor' },
      createToolCallingAgent: agentRunnable,
      createOpenAIFunctionsAgent: agentRunnable,
      createOpenAIToolsAgent: agentRunnable,
      createReactAgent: agentRunnable,
      createStructuredChatAgent: agentRunnable,
      createXmlAgent: agentRunnable,
    },
    [`${pkg}/hub`]: { pull: { returns: RUNNABLE } },
    [`${pkg}/hub/node`]: { pull: { returns: RUNNABLE } },
    [`${pkg}/chat_models/universal`]: { initChatModel },
  };
}

/** LangChain.js: chat models, LLMs and embeddings of the provider packages, and the runnables built from them. */
export const langchain: PackageModel = {
  id: 'langchain',
  name: 'LangChain',
  role: 'sdk',
  package: '@langchain/core',
  docs: 'https://js.langchain.com/docs/how_to/callbacks_runtime/',
  modules: {
    '@langchain/openai': {
      ChatOpenAI: chat,
      ChatOpenAICompletions: chat,
      ChatOpenAIResponses: chat,
      AzureChatOpenAI: chat,
      AzureChatOpenAICompletions: chat,
      AzureChatOpenAIResponses: chat,
      OpenAI: llm,
      AzureOpenAI: llm,
      OpenAIEmbeddings: emb,
      AzureOpenAIEmbeddings: emb,
      // The OpenAI SDK's client, re-exported.
      OpenAIClient: { new: 'openai.Client', annotation: 'openai.Client' },
    },
    '@langchain/anthropic': { ChatAnthropic: chat, ChatAnthropicMessages: chat },
    '@langchain/google-genai': { ChatGoogleGenerativeAI: chat, GoogleGenerativeAIEmbeddings: emb },
    '@langchain/google-vertexai': { ChatVertexAI: chat, VertexAI: llm, VertexAIEmbeddings: emb },
    '@langchain/google-vertexai-web': { ChatVertexAI: chat, VertexAI: llm, VertexAIEmbeddings: emb },
    // The Google integrations on `@langchain/google-common` (Gemini API and Vertex AI, by auth flavour),
    // and their successor `@langchain/google` (`ChatGoogle` for both).
    '@langchain/google-gauth': { ChatGoogle: chat, GoogleLLM: llm, GoogleEmbeddings: emb },
    '@langchain/google-webauth': { ChatGoogle: chat, GoogleLLM: llm, GoogleEmbeddings: emb },
    '@langchain/google': { ChatGoogle: chat, GoogleRequestLogger: localHandler, GoogleRequestRecorder: localHandler },
    '@langchain/google/node': { ChatGoogle: chat, GoogleRequestLogger: localHandler, GoogleRequestRecorder: localHandler },
    '@langchain/mistralai': { ChatMistralAI: chat, MistralAI: llm, MistralAIEmbeddings: emb },
    '@langchain/groq': { ChatGroq: chat },
    '@langchain/ollama': { ChatOllama: chat, Ollama: llm, OllamaEmbeddings: emb },
    '@langchain/aws': { ChatBedrockConverse: chat, BedrockEmbeddings: emb },
    '@langchain/cohere': { ChatCohere: chat, Cohere: llm, CohereEmbeddings: emb },
    '@langchain/deepseek': { ChatDeepSeek: chat },
    '@langchain/xai': { ChatXAI: chat },
    '@langchain/cerebras': { ChatCerebras: chat },
    '@langchain/community/chat_models/ollama': { ChatOllama: chat },
    '@langchain/community/chat_models/bedrock': { BedrockChat: chat },
    '@langchain/community/chat_models/togetherai': { ChatTogetherAI: chat },
    '@langchain/community/chat_models/fireworks': { ChatFireworks: chat },
    '@langchain/community/llms/ollama': { Ollama: llm },
    '@langchain/community/embeddings/ollama': { OllamaEmbeddings: emb },
    // The community LLMs (one entry point each; their class names follow no single pattern).
    '@langchain/community/llms/ai21': { AI21: llm },
    '@langchain/community/llms/aleph_alpha': { AlephAlpha: llm },
    '@langchain/community/llms/bedrock': { Bedrock: llm },
    '@langchain/community/llms/bedrock/web': { Bedrock: llm },
    '@langchain/community/llms/cohere': { Cohere: llm },
    '@langchain/community/llms/deepinfra': { DeepInfraLLM: llm },
    '@langchain/community/llms/fireworks': { Fireworks: llm },
    '@langchain/community/llms/friendli': { Friendli: llm },
    '@langchain/community/llms/gradient_ai': { GradientLLM: llm },
    '@langchain/community/llms/hf': { HuggingFaceInference: llm },
    '@langchain/community/llms/ibm': { WatsonxLLM: llm },
    '@langchain/community/llms/llama_cpp': { LlamaCpp: llm },
    '@langchain/community/llms/portkey': { Portkey: llm },
    '@langchain/community/llms/raycast': { RaycastAI: llm },
    '@langchain/community/llms/replicate': { Replicate: llm },
    '@langchain/community/llms/sagemaker_endpoint': { SageMakerEndpoint: llm },
    '@langchain/community/llms/togetherai': { TogetherAI: llm },
    '@langchain/community/llms/writer': { Writer: llm },
    '@langchain/community/llms/googlevertexai': { GoogleVertexAI: llm },
    '@langchain/community/llms/watsonx_ai': { WatsonxAI: llm },
    // langchain 0.0.x entry points, still common in older code.
    'langchain/chat_models/openai': { ChatOpenAI: chat },
    'langchain/chat_models/anthropic': { ChatAnthropic: chat },
    'langchain/llms/openai': { OpenAI: llm },
    'langchain/embeddings/openai': { OpenAIEmbeddings: emb },
    'langchain/prompts': prompts,
    'langchain/schema/runnable': runnables,
    ...classicEntryPoints('langchain'),
    // LangChain 1.x moved the chains, agents and hub of 0.x into `@langchain/classic`.
    ...classicEntryPoints('@langchain/classic'),
    langchain: { initChatModel, createAgent, tool },
    '@langchain/core/prompts': prompts,
    '@langchain/core/runnables': { ...runnables, Runnable: integration },
    '@langchain/core/tools': { tool, StructuredTool: integration, Tool: integration, DynamicTool: integration, DynamicStructuredTool: integration },
    // Base classes: a class that extends one is a LangChain integration, run (and traced) by LangChain.
    '@langchain/core/language_models/chat_models': { BaseChatModel: { annotation: CHAT, ...integration }, SimpleChatModel: integration },
    '@langchain/core/language_models/base': { BaseLanguageModel: { annotation: CHAT, ...integration } },
    '@langchain/core/language_models/llms': { BaseLLM: { annotation: LLM, ...integration }, LLM: { annotation: LLM, ...integration } },
    '@langchain/core/embeddings': { Embeddings: { annotation: EMB, ...integration } },
    '@langchain/core/retrievers': { BaseRetriever: integration },
    '@langchain/core/callbacks/base': { BaseCallbackHandler: integration },
    ...localHandlers,
  },
  // Every embeddings class and chat model of @langchain/community (and of the 0.0.x `langchain` entry
  // points), one entry point per provider, named by convention.
  modulePatterns: {
    '@langchain/community/embeddings/': { '*Embeddings': emb },
    '@langchain/community/chat_models/': { 'Chat*': chat, '*Chat': chat },
    'langchain/embeddings/': { '*Embeddings': emb },
    'langchain/chat_models/': { 'Chat*': chat },
  },
  types: {
    'module:langchain': { sdk: 'langchain', members: {}, notRequests: langchainModuleNotRequests },
    ...coreModuleTypes,
    [LOCAL_HANDLER]: { sdk: 'langchain', members: {}, notRequests: localHandlerNotRequests },
    [CHAT]: {
      sdk: 'langchain',
      members: {
        ...sites(RUN_METHODS, 'llm-call', 'chat'),
        // A deprecated alias of `streamEvents` (@langchain/core 1.x: `streamV2(input, options) { return this.streamEvents(input, options) }`):
        // the same request and the same instrumentation, so not a deprecated SDK.
        streamV2: { site: { kind: 'llm-call', operation: 'chat', options: [callbacks(1)] } },
        ...legacyModelSites('llm-call', 'chat'),
        ...wrappers('bindTools', 'withStructuredOutput', 'assign', 'pick'),
      },
      notRequests: modelNotRequests,
    },
    [LLM]: {
      sdk: 'langchain',
      members: { ...sites(RUN_METHODS, 'llm-call', 'text_completion'), ...legacyModelSites('llm-call', 'text_completion'), ...wrappers('assign', 'pick') },
      notRequests: { ...modelNotRequests, 'declared (optional) on the base language model; text-completion LLMs do not implement it': ['withStructuredOutput'] },
    },
    // LangChain.js embeddings take no config and emit no callbacks: only scopes and instrumentation reach them.
    [EMB]: {
      sdk: 'langchain',
      members: {
        embedQuery: { site: { kind: 'llm-call', operation: 'embeddings' } },
        embedDocuments: { site: { kind: 'llm-call', operation: 'embeddings' } },
      },
      notRequests: { 'the embeddings’ retry and concurrency helper: runs the function it is given, which is the request embedQuery/embedDocuments already are': ['caller.*'] },
    },
    // A prompt, parser, lambda or passthrough: a chain once a model is piped in.
    [RUNNABLE]: {
      sdk: 'langchain',
      members: {
        pipe: { returns: CHAIN, returnsIfArg: MODELS },
        withConfig: { returnsSelf: true },
        withRetry: { returnsSelf: true },
      },
      notRequests: {
        'runs the prompt, parser or passthrough itself, locally (formatting, parsing, copying the input): a lambda’s model calls are sites of their own': [...RUN_METHODS, 'func'],
        'prompt formatting': ['format', 'formatMessages', 'formatPromptValue', 'partial', 'mergePartialAndUserVariables'],
        'the parts of a prompt (its output parser, the prompt and example selector of a few-shot prompt): formatting, parsing and example selection': ['outputParser.*', 'examplePrompt.*', 'exampleSelector.*'],
        'a type-only field of the prompt (the prompt value type): no value at run time': ['PromptValueReturnType.*'],
        'another local runnable around this one': ['assign', 'pick', 'withFallbacks', 'withListeners'],
        'introspection and serialisation of the runnable': introspection,
        'wraps the runnable as a tool: it runs when an agent calls the tool': ['asTool'],
      },
    },
    [CHAIN]: { sdk: 'langchain', members: { ...sites(RUN_METHODS, 'llm-call', 'chat'), ...wrappers('assign', 'pick') }, notRequests: modelNotRequests },
    // LLMChain and friends (`langchain/chains`, 0.x): `call(values, callbacks | config)`, `run(input, callbacks)`.
    'langchain.LegacyChain': {
      sdk: 'langchain',
      members: {
        ...sites([...RUN_METHODS, 'call', 'run', 'predict', 'apply'], 'llm-call', 'chat'),
        ...Object.fromEntries(['call', 'run'].map((m) => [m, { site: { kind: 'llm-call', operation: 'chat', options: [callbacks(1), handlers(1)] } } satisfies MemberSpec])),
        ...wrappers(),
      },
    },
    // langchain v1 `createAgent`: a `ReactAgent` running the model/tool loop over a compiled graph. It is
    // not a Runnable itself: it has `invoke`, `stream` and `streamEvents`, and no `batch`.
    'langchain.Agent': {
      sdk: 'langchain',
      members: { ...sites(['invoke', 'stream', 'streamEvents'], 'task-execution', 'invoke_agent'), withConfig: { returnsSelf: true, returnsOptions: withConfigCallbacks } },
      notRequests: {
        'draws the agent’s graph (Mermaid text, or a PNG rendered from it)': ['drawMermaid', 'drawMermaidPng'],
        'declared to throw (typed never): state and subgraphs are read on the compiled graph, not the agent': ['getGraphAsync', 'getState', 'getStateHistory', 'getSubgraphs', 'getSubgraphsAsync', 'updateState'],
      },
    },
    'langchain.AgentExecutor': {
      sdk: 'langchain',
      members: { ...sites([...RUN_METHODS, 'call', 'run'], 'task-execution', 'invoke_agent'), ...wrappers() },
    },
  },
};
