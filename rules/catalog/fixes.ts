import type { FixCatalog } from './types.js';

/**
 * What the fixes of `require-llm-tracing`, `require-task-callbacks` and `require-kickoff-callbacks` write.
 * Entry points and versions are read from the published packages: langsmith's `wrappers/anthropic`
 * appeared in 0.4.0 and `wrappers/gemini` in 0.5.0 (`langsmith/wrappers` itself exports only wrapOpenAI
 * and wrapSDK); Langfuse v4+ ships observeOpenAI as `@langfuse/openai`, v3 had it in `langfuse`.
 */
export const fixCatalog: FixCatalog = {
  packages: {
    '@ai-sdk/otel': '^1.0.0',
    '@opentelemetry/api': '^1.9.0',
    langsmith: '^0.12.0',
    '@langfuse/openai': '^5.11.1',
    braintrust: '^3.35.0',
  },
  providers: {
    openai: 'openai',
    anthropic: 'anthropic',
    'google-genai': 'gcp.gen_ai',
    'google-generative-ai': 'gcp.gemini',
    mistral: 'mistral_ai',
    cohere: 'cohere',
    groq: 'groq',
    bedrock: 'aws.bedrock',
    ollama: 'ollama',
  },
  providerModules: {
    '@ai-sdk/openai': 'openai',
    '@ai-sdk/azure': 'azure.ai.openai',
    '@ai-sdk/anthropic': 'anthropic',
    '@ai-sdk/google': 'gcp.gemini',
    '@ai-sdk/google-vertex': 'gcp.vertex_ai',
    '@ai-sdk/google-vertex/anthropic': 'gcp.vertex_ai',
    '@ai-sdk/mistral': 'mistral_ai',
    '@ai-sdk/amazon-bedrock': 'aws.bedrock',
    '@ai-sdk/groq': 'groq',
    '@ai-sdk/cohere': 'cohere',
    '@ai-sdk/xai': 'x_ai',
    '@ai-sdk/deepseek': 'deepseek',
    '@ai-sdk/perplexity': 'perplexity',
    '@langchain/openai': 'openai',
    '@langchain/anthropic': 'anthropic',
    '@langchain/google-genai': 'gcp.gemini',
    '@langchain/google-vertexai': 'gcp.vertex_ai',
    '@langchain/mistralai': 'mistral_ai',
    '@langchain/aws': 'aws.bedrock',
    '@langchain/groq': 'groq',
    '@langchain/cohere': 'cohere',
    '@langchain/xai': 'x_ai',
    '@langchain/deepseek': 'deepseek',
  },
  wrappers: [
    { library: 'langsmith', package: 'langsmith', sdk: 'openai', import: 'langsmith/wrappers#wrapOpenAI' },
    { library: 'langsmith', package: 'langsmith', sdk: 'groq', import: 'langsmith/wrappers#wrapOpenAI' },
    { library: 'langsmith', package: 'langsmith', sdk: 'anthropic', import: 'langsmith/wrappers/anthropic#wrapAnthropic', versions: '>=0.4.0' },
    { library: 'langsmith', package: 'langsmith', sdk: 'google-genai', import: 'langsmith/wrappers/gemini#wrapGemini', versions: '>=0.5.0' },
    { library: 'langfuse', package: '@langfuse/openai', sdk: 'openai', import: '@langfuse/openai#observeOpenAI' },
    { library: 'langfuse', package: '@langfuse/openai', sdk: 'groq', import: '@langfuse/openai#observeOpenAI' },
    { library: 'langfuse', package: 'langfuse', sdk: 'openai', import: 'langfuse#observeOpenAI', versions: '<4' },
    { library: 'braintrust', package: 'braintrust', sdk: 'openai', import: 'braintrust#wrapOpenAI' },
    { library: 'braintrust', package: 'braintrust', sdk: 'anthropic', import: 'braintrust#wrapAnthropic' },
    { library: 'braintrust', package: 'braintrust', sdk: 'mistral', import: 'braintrust#wrapMistral' },
    { library: 'braintrust', package: 'braintrust', sdk: 'cohere', import: 'braintrust#wrapCohere' },
    { library: 'braintrust', package: 'braintrust', sdk: 'groq', import: 'braintrust#wrapGroq' },
    { library: 'braintrust', package: 'braintrust', sdk: 'ollama', import: 'braintrust#wrapOllama' },
    { library: 'braintrust', package: 'braintrust', sdk: 'bedrock', import: 'braintrust#wrapBedrockRuntime' },
  ],
  handlers: [
    { library: 'langsmith', usedWith: ['langsmith'], package: '@langchain/core', expression: 'new LangChainTracer()', import: '@langchain/core/tracers/tracer_langchain#LangChainTracer' },
    { library: 'langfuse', usedWith: ['@langfuse/langchain'], package: '@langfuse/langchain', expression: 'new CallbackHandler()', import: '@langfuse/langchain#CallbackHandler' },
  ],
  spans: { module: '@opentelemetry/api', package: '@opentelemetry/api' },
};
