import type { Coverage } from '../types.js';

/**
 * What the SDK instrumentations and integrations patch: text generation (chat, completions, Gemini's
 * generate content), embeddings and reranking, and agent runs (Assistants). None of the OpenTelemetry,
 * OpenLLMetry, OpenInference, Sentry, Laminar or Datadog integrations for the provider SDKs patch audio,
 * image or video generation, realtime sessions or document parsing: those calls stay unwired under them.
 */
export const TEXT_OPERATIONS = ['chat', 'text_completion', 'generate_content', 'embeddings', 'rerank', 'invoke_agent'];

/** Provider SDKs whose catalog has operations beyond text (audio, images, video, realtime, documents). */
const MEDIA_SDKS = new Set(['openai', 'anthropic', 'groq', 'mistral', 'google-genai', 'cohere', 'ollama', 'bedrock']);

/** A coverage entry limited to the text operations when its SDK has others (see `TEXT_OPERATIONS`). */
export function textOnly<C extends Coverage>(c: C, extra: string[] = []): C {
  if (c.operations || !MEDIA_SDKS.has(c.sdk)) return c;
  return { ...c, operations: [...TEXT_OPERATIONS, ...extra] };
}
