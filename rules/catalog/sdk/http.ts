import type { HttpPathSpec, MemberSpec, PackageModel } from '../types.js';

/**
 * Model APIs called over plain HTTP, without an SDK: `fetch`, axios, undici, ky, got and the fetch
 * polyfills. A request is an LLM call only when its URL resolves (constants, template literals,
 * concatenation, `new URL(path, base)`, values of other files, an axios instance's `baseURL`) to a model
 * API: a catalog endpoint (rules/catalog/sdk/endpoints.ts) with a path of `httpPaths`, or a path that names
 * a model API whatever the host. Every other request (a weather API, the app's own `/api/chat` route, a URL
 * nothing can tell) is not a site. No SDK instrumentation or client wrapper sees these requests, and an
 * HTTP client span (`@opentelemetry/instrumentation-http`, `-undici`) records a request, not a model call:
 * only a tracing scope around the call (a span, `traceable`, a Langfuse observation) traces it.
 */

/** A request whose URL is argument 0, with options at argument 1 (`fetch(url, init)`, `axios.post(url, body)`). */
const request: MemberSpec = { http: { url: 0 } };
/** `axios(config)` / `axios(url, config)`, `axios.request(config)`: the URL under `url`, relative to `baseURL`. */
const axiosCall: MemberSpec = { http: { url: 0, config: 0, baseKeys: ['baseURL'] } };
const axiosMethods = Object.fromEntries(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'postForm', 'putForm', 'patchForm'].map((m) => [m, request]));
/** ky and got take the URL first and a `prefixUrl` in their options. */
const prefixed: MemberSpec = { http: { url: 0, config: 1, baseKeys: ['prefixUrl'] } };
const kyGotMethods = Object.fromEntries(['get', 'post', 'put', 'patch', 'delete', 'head'].map((m) => [m, prefixed]));

/**
 * Model API paths. `alone`: no other API uses the path, so a request to it is a model call whatever the
 * host (`${base}/v1/chat/completions`, an OpenAI client's `baseURL` + `/images/edits`). The others count
 * only at a catalog endpoint of their providers, or (with `hint`) under a base whose name says which API
 * it is (`process.env.OLLAMA_URL + '/api/chat'`); a bare `/api/chat` is the app's own route.
 */
export const httpPaths: HttpPathSpec[] = [
  // OpenAI and every OpenAI-compatible API (Groq, Mistral, Together, OpenRouter, DeepSeek, xAI, vLLM, LM Studio...).
  { path: '/chat/completions', operation: 'chat', alone: true },
  { path: '/v1/completions', operation: 'text_completion', alone: true },
  { path: '/completions', operation: 'text_completion' },
  { path: '/v1/responses', operation: 'chat', alone: true },
  { path: '/responses', operation: 'chat', providers: ['openai', 'azure', 'xai', 'openrouter', 'groq', 'vercel-ai-gateway'] },
  { path: '/v1/embeddings', operation: 'embeddings', alone: true },
  { path: '/embeddings', operation: 'embeddings' },
  { path: '/images/(generations|edits|variations)', operation: 'image_generation', alone: true },
  { path: '/audio/transcriptions', operation: 'audio_transcription', alone: true },
  { path: '/audio/translations', operation: 'audio_translation', alone: true },
  { path: '/audio/speech', operation: 'speech', alone: true },
  // Azure OpenAI deployments.
  { path: '/openai/deployments/[^/]+/chat/completions', operation: 'chat', alone: true, provider: 'azure' },
  { path: '/openai/deployments/[^/]+/embeddings', operation: 'embeddings', alone: true, provider: 'azure' },
  // Anthropic Messages (also OpenRouter's and gateways' Anthropic-compatible routes).
  { path: '/v1/messages', operation: 'chat', providers: ['anthropic', 'openrouter', 'vercel-ai-gateway', 'deepseek', 'moonshot'], hint: 'anthropic|claude' },
  { path: '/v1/complete', operation: 'text_completion', providers: ['anthropic'] },
  // Gemini (Generative Language API and Vertex AI publisher models).
  { path: '/models/[^/]+:(generateContent|streamGenerateContent)', operation: 'generate_content', alone: true, provider: 'gemini' },
  { path: '/models/[^/]+:(embedContent|batchEmbedContents)', operation: 'embeddings', alone: true, provider: 'gemini' },
  { path: '/models/[^/]+:predict', operation: 'inference', providers: ['gemini', 'vertex'] },
  // Mistral's own routes besides the OpenAI-compatible ones.
  { path: '/v1/fim/completions', operation: 'text_completion', alone: true, provider: 'mistral' },
  { path: '/v1/agents/completions', operation: 'chat', providers: ['mistral'] },
  { path: '/v1/ocr', operation: 'document_parsing', providers: ['mistral'] },
  // Cohere.
  { path: '/v[12]/(chat|generate)', operation: 'chat', providers: ['cohere'] },
  { path: '/v[12]/embed', operation: 'embeddings', providers: ['cohere'] },
  { path: '/v[12]/rerank', operation: 'rerank', providers: ['cohere', 'together', 'jina', 'voyage'] },
  // Ollama's native API: `/api/chat` is also the name every app gives its own chat route.
  { path: '/api/chat', operation: 'chat', providers: ['ollama'], hint: 'ollama', provider: 'ollama' },
  { path: '/api/generate', operation: 'text_completion', providers: ['ollama'], hint: 'ollama', provider: 'ollama' },
  { path: '/api/embed(dings)?', operation: 'embeddings', providers: ['ollama'], hint: 'ollama', provider: 'ollama' },
  // Hugging Face Inference API, Replicate predictions, ElevenLabs speech.
  { path: '/models/.+', operation: 'inference', providers: ['huggingface'] },
  { path: '/v1/(models/[^/]+/[^/]+/)?predictions', operation: 'inference', providers: ['replicate'] },
  { path: '/v1/speech-to-text', operation: 'audio_transcription', providers: ['elevenlabs'] },
  { path: '/v1/text-to-speech/[^/]+(/stream)?', operation: 'speech', providers: ['elevenlabs'] },
  // Vercel AI Gateway's AI SDK protocol (`https://ai-gateway.vercel.sh/v4/ai/<kind>-model`, as @ai-sdk/gateway sends it).
  { path: '/language-model', operation: 'chat', providers: ['vercel-ai-gateway'] },
  { path: '/embedding-model', operation: 'embeddings', providers: ['vercel-ai-gateway'] },
  { path: '/image-model', operation: 'image_generation', providers: ['vercel-ai-gateway'] },
  { path: '/video-model', operation: 'video_generation', providers: ['vercel-ai-gateway'] },
  { path: '/speech-model', operation: 'speech', providers: ['vercel-ai-gateway'] },
  { path: '/transcription-model', operation: 'audio_transcription', providers: ['vercel-ai-gateway'] },
  { path: '/reranking-model', operation: 'rerank', providers: ['vercel-ai-gateway'] },
  // Voyage and Jina embeddings.
  { path: '/v1/embeddings', operation: 'embeddings', providers: ['voyage', 'jina'] },
];

export const http: PackageModel = {
  id: 'http',
  name: 'Model APIs over HTTP',
  role: 'sdk',
  docs: 'https://platform.openai.com/docs/api-reference',
  httpPaths,
  globals: {
    fetch: request,
  },
  modules: {
    'node-fetch': { '': request, default: request },
    'cross-fetch': { '': request, default: request, fetch: request },
    'isomorphic-unfetch': { '': request, default: request },
    undici: { fetch: request, request },
    axios: { '': { is: 'http.Axios' }, default: { is: 'http.Axios' } },
    ky: { '': { is: 'http.Ky' }, default: { is: 'http.Ky' } },
    got: { '': { is: 'http.Got' }, default: { is: 'http.Got' }, got: { is: 'http.Got' } },
  },
  types: {
    'http.Axios': {
      sdk: 'http',
      members: {
        '': axiosCall,
        request: { http: { config: 0, baseKeys: ['baseURL'] } },
        ...axiosMethods,
        create: { returns: 'http.Axios', base: { arg: 0, keys: ['baseURL'] } },
      },
    },
    'http.Ky': {
      sdk: 'http',
      members: { '': prefixed, ...kyGotMethods, create: { returns: 'http.Ky', base: { arg: 0, keys: ['prefixUrl'] } }, extend: { returns: 'http.Ky', base: { arg: 0, keys: ['prefixUrl'] } } },
    },
    'http.Got': {
      sdk: 'http',
      members: { '': prefixed, ...kyGotMethods, extend: { returns: 'http.Got', base: { arg: 0, keys: ['prefixUrl'] } } },
    },
  },
};
