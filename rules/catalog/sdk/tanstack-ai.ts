import type { MemberSpec, OptionWiring, PackageModel } from '../types.js';

const OTEL = 'tanstack-ai.OtelMiddleware';

/**
 * TanStack AI's tracing: `otelMiddleware({ tracer })` (`@tanstack/ai/middlewares/otel`) in the call's
 * `middleware` array opens an OpenTelemetry span for the call and one per model request in it. Other
 * middleware (logging, redaction, persistence) records nothing: the option counts only when the array
 * holds the OTel middleware, and is unknown when an element cannot be told.
 */
const middleware: OptionWiring = { arg: 0, key: 'middleware', only: [OTEL], mechanism: 'call-option:tanstack-ai.otelMiddleware' };

/** An activity: one call with an adapter (`chat({ adapter: openaiText('gpt-5'), messages })`) runs the adapter's model. */
const activity = (operation: string): MemberSpec => ({ site: { kind: 'llm-call', operation, options: [middleware] } });

/**
 * TanStack AI (`@tanstack/ai`): provider-neutral activities that take an adapter from a provider package
 * (`@tanstack/ai-openai`'s `openaiText`, `@tanstack/ai-anthropic`, ...) and call that provider's API. No
 * provider instrumentation sees the request through the adapter's own client unless it patches that
 * client; only the OTel middleware, or a scope around the call, traces it.
 */
export const tanstackAi: PackageModel = {
  id: 'tanstack-ai',
  name: 'TanStack AI',
  role: 'sdk',
  package: '@tanstack/ai',
  docs: 'https://tanstack.com/ai/latest/docs/advanced/otel',
  modules: {
    '@tanstack/ai': {
      chat: activity('chat'),
      summarize: activity('chat'),
      decide: activity('chat'),
      rerank: activity('rerank'),
      embed: activity('embeddings'),
      generateImage: activity('image_generation'),
      generateAudio: activity('audio_generation'),
      generateVideo: activity('video_generation'),
      generateSpeech: activity('speech'),
      generateVoice: activity('speech'),
      generateTranscription: activity('audio_transcription'),
      generateWorld: activity('world_generation'),
      generateLiveVideo: activity('video_generation'),
    },
    '@tanstack/ai/middlewares/otel': { otelMiddleware: { returns: OTEL } },
  },
  types: {
    // The rest of the module's functions and classes (checked against its published types).
    'module:@tanstack/ai': { sdk: 'tanstack-ai', members: {}, notRequests: {
        'option builders, adapter factories and adapter base classes: they describe a call, the activity makes it': [
          'createChatOptions', 'createSummarizeOptions', 'createRerankOptions', 'createImageOptions', 'createAudioOptions', 'createVideoOptions',
          'createSpeechOptions', 'createVoiceOptions', 'createTranscriptionOptions', 'createEmbedOptions', 'createWorldOptions', 'createLiveVideoOptions',
          'createModel', 'extendAdapter', 'BaseRerankAdapter', 'BaseEvaluateAdapter',
        ],
        'questions for `decide` (it asks the model; these only build the question)': ['choice', 'score', 'boolean'],
        'polling a video job started earlier, listing voices, minting a realtime token for the browser': ['getVideoJobStatus', 'listVoices', 'realtimeToken', 'createRealtimeEventEmitter'],
        'tools, schemas, interrupts, middleware builders and run stores: pure helpers': [
          'toolDefinition', 'brandProviderTool', 'ToolCallManager', 'createToolRegistry', 'createFrozenRegistry', 'maxIterations', 'untilFinishReason', 'combineStrategies',
          'hashSchemaInput', 'normalizeApprovalSchema', 'convertSchemaToJsonSchema', 'isStandardSchema', 'parseWithStandardSchema', 'validateWithStandardSchema',
          'canonicalInterruptJson', 'cloneAndDeepFreezeJson', 'digestInterruptJson', 'interruptItemError', 'readInterruptBinding', 'readUnopenedInterruptBinding',
          'validateInterruptResumeBatch', 'withInterruptBinding', 'withoutInterruptBinding', 'defineInterrupt', 'createInterruptBinding',
          'genericInterruptContinuationFromDescriptor', 'readGenericInterruptContinuation', 'wrapGenericInterruptContinuation', 'canonicalizeInterruptResolutions',
          'createCapability', 'defineChatMiddleware', 'createChatMiddleware', 'getMetadata', 'provideMetadata', 'isRunStatus', 'isTerminalRunStatus',
          'defineRunStore', 'InMemoryRunStore', 'getDetachableRun', 'provideDetachableRun', 'getRunDetached', 'provideRunDetached',
          'isCancelRequestedReason', 'requestRunCancel', 'wasCancelRequested', 'isCustomEvent', 'firstSentence', 'renderLazyCatalogEntry', 'ConsoleLogger',
        ],
        'streams, responses and messages: they carry what a call produced, or shape what the app sends': [
          'streamToText', 'toServerSentEventsStream', 'toServerSentEventsResponse', 'resumeServerSentEventsResponse', 'toHttpStream', 'toHttpResponse',
          'resumeHttpResponse', 'resolveResumeRunId', 'memoryStream', 'replayRunStream', 'toWebSocketStream', 'toWebSocketResponse', 'resumeWebSocketStream',
          'resumeWebSocketResponse', 'encodeWsFrame', 'decodeWsFrame', 'StreamProcessor', 'createReplayStream', 'ImmediateStrategy', 'PunctuationStrategy',
          'BatchStrategy', 'WordBoundaryStrategy', 'CompositeStrategy', 'PartialJSONParser', 'parsePartialJSON', 'convertMessagesToModelMessages',
          'generateMessageId', 'uiMessageToModelMessages', 'modelMessageToUIMessage', 'modelMessagesToUIMessages', 'normalizeToUIMessage',
          'chatParamsFromRequest', 'chatParamsFromRequestBody', 'mergeAgentTools', 'generationParamsFromBody', 'generationParamsFromRequest', 'uiMessagesToWire',
          'mergeMetadata', 'withTanstackMetadata', 'fromSpecTokenUsage', 'toSpecTokenUsage', 'normalizeStreamChunk', 'getChunkRunId', 'getChunkThreadId',
          'isContentPart', 'isContentPartArray', 'normalizeToolResult', 'getProviderExecutedMetadata', 'isProviderExecutedToolCall', 'buildBaseUsage',
          'resolveMediaPrompt', 'resolveEmbeddingInput', 'requireTextOnlyEmbeddingInput', 'countEmbeddingInputModalities', 'normalizeSystemPrompts',
          'detectImageMimeType',
        ],
      } },
    [OTEL]: {
      sdk: 'tanstack-ai',
      members: {},
      notRequests: {
        'the middleware’s hooks, which the chat engine calls to open and close its spans around a request it makes itself': [
          'setup', 'onConfig', 'onStructuredOutputConfig', 'onStart', 'onIteration', 'onShouldContinue', 'onChunk', 'onUsage', 'onFinish', 'onAbort', 'onError',
          'onBeforeToolCall', 'onAfterToolCall', 'onToolPhaseComplete', 'onInterruptBoundary', 'onInterruptResolution', 'sandbox.*',
        ],
      },
    },
  },
};
