import type { MemberSpec, PackageModel } from '../types.js';

/**
 * Since 0.134.0 the SDK emits its own OpenTelemetry spans; a client given its own tracer provider
 * (`openTelemetry: { tracerProvider }`) traces every call through it, registered globally or not.
 */
const client: MemberSpec = {
  new: 'anthropic.Client',
  annotation: 'anthropic.Client',
  newOptions: [{ arg: 0, key: 'openTelemetry.tracerProvider', versions: '>=0.134.0', mechanism: 'client-option:anthropic.openTelemetry.tracerProvider' }],
};

const chat: MemberSpec = { site: { kind: 'llm-call', operation: 'chat' } };

/**
 * Anthropic's SDK (`@anthropic-ai/sdk`) and the clients for Claude on Amazon Bedrock, Google Vertex AI
 * and Microsoft Foundry, which share its message resources.
 *
 * `messages.countTokens` is deliberately not a site: it runs no model, bills nothing and returns no
 * completion, no instrumentation or wrapper traces it, and reporting it would push teams to trace a
 * token counter rather than their LLM calls. The Message Batches API (`messages.batches.create`) is not
 * a site either: it queues work whose results arrive later, outside any request the app could trace.
 */
export const anthropic: PackageModel = {
  id: 'anthropic',
  name: 'Anthropic',
  role: 'sdk',
  docs: 'https://github.com/anthropics/anthropic-sdk-typescript',
  modules: {
    // CommonJS: `module.exports` is itself a function that constructs the client.
    '@anthropic-ai/sdk': { '': client, default: client, Anthropic: client },
    '@anthropic-ai/bedrock-sdk': { '': client, default: client, AnthropicBedrock: client, AnthropicBedrockMantle: client },
    '@anthropic-ai/vertex-sdk': { '': client, default: client, AnthropicVertex: client },
    '@anthropic-ai/foundry-sdk': { '': client, default: client, AnthropicFoundry: client },
  },
  types: {
    'anthropic.Client': {
      sdk: 'anthropic',
      // Since 0.134 every API call emits a span through the global tracer provider, when one is registered.
      nativeTracing: { mechanism: 'native:anthropic.openTelemetry', versions: '>=0.134.0' },
      members: {
        withOptions: { returnsSelf: true },
        'messages.create': chat,
        'messages.stream': chat,
        'messages.parse': chat,
        'beta.messages.create': chat,
        'beta.messages.stream': chat,
        'beta.messages.parse': chat,
        // The runner sends its requests as it is iterated or awaited; the call that creates it is the site.
        'beta.messages.toolRunner': chat,
        // A server-held conversation: creating it sends nothing, each `send`/`stream` is a request.
        'beta.messages.thread': { returns: 'anthropic.MessageThread' },
        // The legacy Text Completions API (removed from the SDK in 1.0).
        'completions.create': { site: { kind: 'llm-call', operation: 'text_completion' } },
      },
    },
    'anthropic.MessageThread': {
      sdk: 'anthropic',
      members: {
        send: chat,
        parse: chat,
        stream: chat,
        toolRunner: chat,
        fork: { returnsSelf: true },
      },
    },
  },
};
