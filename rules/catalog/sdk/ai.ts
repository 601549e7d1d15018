import type { MemberSpec, OptionWiring, PackageModel } from '../types.js';

/*
 * Telemetry in the Vercel AI SDK, by major version (checked against the published packages):
 *
 * - ai <= 6: `experimental_telemetry: { isEnabled: true }` turns on OpenTelemetry spans for the call
 *   (off by default; `isEnabled: false` keeps it off explicitly). From 6.0.111, telemetry
 *   *integrations* also receive lifecycle events of generateText/streamText (and agents built on them):
 *   registered globally with `registerTelemetryIntegration(...)` or per call in
 *   `experimental_telemetry.integrations`, independent of `isEnabled`.
 * - ai 7: the option is `telemetry` (`experimental_telemetry` remains a deprecated alias). Telemetry is
 *   opt-out: once `registerTelemetry(...)` ran, every call emits to the registered integrations unless it
 *   passes `isEnabled: false`. Without a registration nothing is delivered, except to integrations passed
 *   on the call itself (`telemetry.integrations`).
 */

const v6Telemetry = (arg: number): OptionWiring => ({
  arg,
  key: 'experimental_telemetry',
  enabledFlag: 'isEnabled',
  versions: '<7',
  mechanism: 'call-option:ai.experimental_telemetry',
});

/** ai 7: the option only says what to record; delivery needs `registerTelemetry(...)`. */
const v7Telemetry = (arg: number, key: 'telemetry' | 'experimental_telemetry'): OptionWiring => ({
  arg,
  key,
  enabledFlag: 'isEnabled',
  requiresGlobal: 'ai.registerTelemetry',
  versions: '>=7',
  mechanism: `call-option:ai.${key}`,
});

/** Per-call telemetry integrations: ai 7 (either key), ai 6 (generateText/streamText only). */
const integrations = (arg: number, key: 'telemetry' | 'experimental_telemetry', versions: string): OptionWiring => ({
  arg,
  key: `${key}.integrations`,
  versions,
  mechanism: `call-option:ai.${key}.integrations`,
});

/**
 * The telemetry options of a call (or agent constructor) whose options object is argument `arg`. The first
 * one that applies at the project's version is the one the rule's advice names: `experimental_telemetry`
 * before ai 7; from 7 on, per-call integrations (the `telemetry` option alone delivers nothing).
 */
function telemetryOptions(arg: number, v6Integrations: boolean): OptionWiring[] {
  return [
    v6Telemetry(arg),
    integrations(arg, 'telemetry', '>=7'),
    v7Telemetry(arg, 'telemetry'),
    v7Telemetry(arg, 'experimental_telemetry'),
    integrations(arg, 'experimental_telemetry', v6Integrations ? '>=6' : '>=7'),
  ];
}

// A model wrapped for tracing (PostHog's `withTracing(model, posthog)`) traces the calls it is passed to.
const call = (operation: string, v6Integrations = false): MemberSpec => ({
  site: { kind: 'llm-call', operation, options: telemetryOptions(0, v6Integrations), wiringFromArg: { arg: 0, key: 'model' } },
});

/** `new ToolLoopAgent({ model, telemetry })`: the constructor's telemetry applies to every generate/stream. */
const agentClass: MemberSpec = { new: 'ai.Agent', newOptions: telemetryOptions(0, true) };

const LM = 'ai.LanguageModel';
/** Why a model's `doGenerate`/`doStream`/`doEmbed` is not a site of its own. */
const PROVIDER_LEVEL = 'the provider-level method that generateText, streamText, embed and generateImage (and middleware inside them) call: the request is judged at that call';
const EM = 'ai.EmbeddingModel';
const IM = 'ai.ImageModel';

/** Members of a provider value (`openai`, `createOpenAI({...})`, a registry), relative to `prefix`. */
function providerMembers(prefix: string): Record<string, MemberSpec> {
  const p = (m: string) => (prefix ? (m ? `${prefix}.${m}` : prefix) : m);
  const out: Record<string, MemberSpec> = { [p('')]: { returns: LM } };
  for (const m of ['languageModel', 'chat', 'chatModel', 'responses', 'completion', 'messages']) out[p(m)] = { returns: LM };
  for (const m of ['embedding', 'embeddingModel', 'textEmbedding', 'textEmbeddingModel']) out[p(m)] = { returns: EM };
  for (const m of ['image', 'imageModel']) out[p(m)] = { returns: IM };
  return out;
}

/** A provider package: the ready-made provider export and its `create*` factory. */
function providerPackage(instance: string | undefined, factory: string): Record<string, MemberSpec> {
  return { ...(instance ? providerMembers(instance) : {}), [factory]: { returns: 'ai.Provider' } };
}

/** An agent run by a helper (`createAgentUIStreamResponse({ agent, uiMessages })`): the agent's own telemetry applies. */
const agentHelper: MemberSpec = { site: { kind: 'llm-call', operation: 'invoke_agent', wiringFromArg: { arg: 0, key: 'agent' } } };

const core: Record<string, MemberSpec> = {
  generateText: call('chat', true),
  // Image, speech, transcription, video, reranking and the experimental structured calls run models too.
  generateImage: call('image_generation'),
  experimental_generateImage: call('image_generation'),
  generateSpeech: call('speech'),
  experimental_generateSpeech: call('speech'),
  experimental_streamSpeech: call('speech'),
  transcribe: call('audio_transcription'),
  experimental_transcribe: call('audio_transcription'),
  experimental_streamTranscribe: call('audio_transcription'),
  experimental_streamTranslate: call('audio_translation'),
  experimental_generateVideo: call('video_generation'),
  experimental_startVideo: call('video_generation'),
  rerank: call('rerank'),
  experimental_decide: call('chat'),
  experimental_extract: call('chat'),
  experimental_streamTextLowMemory: call('chat'),
  experimental_streamLanguageModelCall: call('chat'),
  // UI-stream helpers that run an agent and stream its messages to the client.
  createAgentUIStream: agentHelper,
  createAgentUIStreamResponse: agentHelper,
  pipeAgentUIStreamToResponse: agentHelper,
  wrapImageModel: { returns: IM },
  streamText: call('chat', true),
  generateObject: call('chat'),
  streamObject: call('chat'),
  embed: call('embeddings'),
  embedMany: call('embeddings'),
  ToolLoopAgent: agentClass,
  // ai 5 exported its agent class as `Experimental_Agent`; ai 6 and 7 alias ToolLoopAgent under that name.
  Experimental_Agent: agentClass,
  registerTelemetry: { global: { id: 'ai.registerTelemetry', mechanism: 'global:ai.registerTelemetry', covers: [{ sdk: 'ai', versions: '>=7' }] } },
  registerTelemetryIntegration: {
    global: { id: 'ai.registerTelemetryIntegration', mechanism: 'global:ai.registerTelemetryIntegration', covers: [{ sdk: 'ai', versions: '>=6 <7' }] },
  },
  wrapLanguageModel: { returns: LM },
  wrapEmbeddingModel: { returns: EM },
  wrapProvider: { returns: 'ai.Provider' },
  customProvider: { returns: 'ai.Provider' },
  experimental_customProvider: { returns: 'ai.Provider' },
  createProviderRegistry: { returns: 'ai.Provider' },
  experimental_createProviderRegistry: { returns: 'ai.Provider' },
  createGateway: { returns: 'ai.Provider' },
  ...providerMembers('gateway'),
};

const aiNotRequests: Record<string, string[]> = {
  'UI message and stream helpers: they shape what a model call (or the app) produced, or post to the app’s own route': [
    'createUIMessageStream',
    'createUIMessageStreamResponse',
    'pipeUIMessageStreamToResponse',
    'readUIMessageStream',
    'toUIMessageChunk',
    'toUIMessageStream',
    'createTextStreamResponse',
    'pipeTextStreamToResponse',
    'toTextStream',
    'consumeStream',
    'smoothStream',
    'simulateReadableStream',
    'parseJsonEventStream',
    'callCompletionApi',
    'convertToModelMessages',
    'convertFileListToFileUIParts',
    'convertDataContentToBase64String',
    'validateUIMessages',
    'safeValidateUIMessages',
    'safeValidateWebSocketChatTransportRequest',
    'pruneMessages',
    'lastAssistantMessageIsCompleteWithApprovalResponses',
    'lastAssistantMessageIsCompleteWithToolCalls',
    'getTextFromDataUrl',
    'isDataUIPart',
    'isTextUIPart',
    'isCustomContentUIPart',
    'isFileUIPart',
    'isReasoningFileUIPart',
    'isReasoningUIPart',
    'isStaticToolUIPart',
    'isDynamicToolUIPart',
    'isToolUIPart',
    'isToolOutputErrorUIPart',
    'getStaticToolName',
    'getToolName',
    'getToolOrDynamicToolName',
    'uiMessageChunkSchema',
  ],
  'chat state and transports of the UI (the request goes to the app’s route, or runs the agent the route streams)': [
    'AbstractChat',
    'HttpChatTransport',
    'DefaultChatTransport',
    'DirectChatTransport',
    'TextStreamChatTransport',
    'WebSocketChatTransport',
    'JsonToSseTransformStream',
    'DefaultGeneratedFile',
    'SerialJobExecutor',
    'Experimental_AbstractRealtimeSession',
  ],
  'tools, schemas, stop conditions, timeouts, ids, middleware and other pure helpers': [
    'tool',
    'dynamicTool',
    'toolSearch',
    'experimental_toolCaller',
    'jsonSchema',
    'zodSchema',
    'asSchema',
    'stepCountIs',
    'isStepCount',
    'isLoopFinished',
    'hasToolCall',
    'filterActiveTools',
    'experimental_filterActiveTools',
    'fingerprintTools',
    'detectToolDrift',
    'getTotalTimeoutMs',
    'getStepTimeoutMs',
    'getFirstChunkTimeoutMs',
    'getChunkTimeoutMs',
    'getToolTimeoutMs',
    'generateId',
    'createIdGenerator',
    'cosineSimilarity',
    'parsePartialJson',
    'isDeepEqualData',
    'createDownload',
    'defaultEmbeddingSettingsMiddleware',
    'defaultInstructionsMiddleware',
    'defaultSettingsMiddleware',
    'extractJsonMiddleware',
    'extractReasoningMiddleware',
    'simulateStreamingMiddleware',
    'addToolInputExamplesMiddleware',
    'experimental_createSteering',
    'experimental_getRealtimeToolDefinitions',
    'experimental_decodeRealtimeAudio',
    'experimental_encodeRealtimeAudio',
    'experimental_resampleAudio',
  ],
  'batches: queued work whose model calls run later, outside any request the app could trace': [
    'experimental_startBatch',
    'experimental_getBatchStatus',
    'experimental_getBatchResults',
    'experimental_listBatches',
    'experimental_cancelBatch',
  ],
  'polling a video job started earlier, uploads, and the evaluation harness (its task is the project’s own code)': ['experimental_getVideoStatus', 'uploadFile', 'uploadSkill', 'experimental_evaluate'],
};

/** The Vercel AI SDK (`ai`) and its provider packages (`@ai-sdk/*` and common community providers). */
export const ai: PackageModel = {
  id: 'ai',
  name: 'Vercel AI SDK',
  role: 'sdk',
  package: 'ai',
  docs: 'https://ai-sdk.dev/docs/ai-sdk-core/telemetry',
  // `CallSettings` (sampling and request settings) has neither `telemetry` nor `experimental_telemetry`.
  optionFreeTypes: { ai: ['CallSettings'] },
  modules: {
    ai: core,
    '@ai-sdk/openai': providerPackage('openai', 'createOpenAI'),
    '@ai-sdk/azure': providerPackage('azure', 'createAzure'),
    '@ai-sdk/anthropic': providerPackage('anthropic', 'createAnthropic'),
    '@ai-sdk/google': providerPackage('google', 'createGoogleGenerativeAI'),
    '@ai-sdk/google-vertex': providerPackage('vertex', 'createVertex'),
    '@ai-sdk/google-vertex/anthropic': providerPackage('vertexAnthropic', 'createVertexAnthropic'),
    '@ai-sdk/mistral': providerPackage('mistral', 'createMistral'),
    '@ai-sdk/amazon-bedrock': providerPackage('bedrock', 'createAmazonBedrock'),
    '@ai-sdk/groq': providerPackage('groq', 'createGroq'),
    '@ai-sdk/cohere': providerPackage('cohere', 'createCohere'),
    '@ai-sdk/xai': providerPackage('xai', 'createXai'),
    '@ai-sdk/deepseek': providerPackage('deepseek', 'createDeepSeek'),
    '@ai-sdk/togetherai': providerPackage('togetherai', 'createTogetherAI'),
    '@ai-sdk/fireworks': providerPackage('fireworks', 'createFireworks'),
    '@ai-sdk/perplexity': providerPackage('perplexity', 'createPerplexity'),
    '@ai-sdk/cerebras': providerPackage('cerebras', 'createCerebras'),
    '@ai-sdk/deepinfra': providerPackage('deepinfra', 'createDeepInfra'),
    '@ai-sdk/gateway': providerPackage('gateway', 'createGateway'),
    '@ai-sdk/openai-compatible': providerPackage(undefined, 'createOpenAICompatible'),
    '@openrouter/ai-sdk-provider': providerPackage('openrouter', 'createOpenRouter'),
    'ollama-ai-provider': providerPackage('ollama', 'createOllama'),
    'ollama-ai-provider-v2': providerPackage('ollama', 'createOllama'),
  },
  types: {
    // The rest of the `ai` module's functions and classes (checked against its published types).
    'module:ai': { sdk: 'ai', members: {}, notRequests: aiNotRequests },
    'ai.Provider': {
      sdk: 'ai',
      members: providerMembers(''),
      notRequests: {
        'a model object for the call that takes it (`generateSpeech`, `transcribe`, `rerank`, a batch or video call): the request is judged at that call': [
          'transcriptionModel', 'transcription', 'speechModel', 'speech', 'rerankingModel', 'reranking', 'videoModel', 'video',
          'decisionModel', 'decision', 'evaluationModel', 'evaluation', 'experimental_batch',
        ],
        'the provider’s file and skill storage, and the gateway’s account: models, credits, spend and past generations, no model request': [
          'files', 'skills', 'getAvailableModels', 'getCredits', 'getSpendReport', 'getGenerationInfo',
        ],
        'tool definitions the gateway runs when a model calls them (`tools.exaSearch()` builds one; the model call that uses it is the request)': ['tools.*'],
      },
    },
    // The models' own provider-level methods are what `generateText`, `streamText`, `embed` and
    // `generateImage` call, and what middleware (`wrapGenerate`, `wrapStream`) calls inside such a call: the
    // request is judged at that call. (Taken for sites, they were reported inside the AI SDK's own code.)
    [LM]: { sdk: 'ai', members: {}, notRequests: { [PROVIDER_LEVEL]: ['doGenerate', 'doStream'] } },
    [EM]: { sdk: 'ai', members: {}, notRequests: { [PROVIDER_LEVEL]: ['doEmbed'] } },
    [IM]: { sdk: 'ai', members: {}, notRequests: { [PROVIDER_LEVEL]: ['doGenerate'] } },
    'ai.Agent': {
      sdk: 'ai',
      members: {
        // Agent calls take no telemetry option of their own: the constructor's applies (newOptions).
        generate: { site: { kind: 'llm-call', operation: 'invoke_agent' } },
        stream: { site: { kind: 'llm-call', operation: 'invoke_agent' } },
      },
    },
  },
};
