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

const call = (operation: string, v6Integrations = false): MemberSpec => ({
  site: { kind: 'llm-call', operation, options: telemetryOptions(0, v6Integrations) },
});

/** `new ToolLoopAgent({ model, telemetry })`: the constructor's telemetry applies to every generate/stream. */
const agentClass: MemberSpec = { new: 'ai.Agent', newOptions: telemetryOptions(0, true) };

const LM = 'ai.LanguageModel';
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

const core: Record<string, MemberSpec> = {
  generateText: call('chat', true),
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
    'ai.Provider': { sdk: 'ai', members: providerMembers('') },
    [LM]: { sdk: 'ai', members: {} },
    [EM]: { sdk: 'ai', members: {} },
    [IM]: { sdk: 'ai', members: {} },
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
