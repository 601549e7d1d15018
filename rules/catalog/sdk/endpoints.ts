import type { EndpointSpec } from '../types.js';

/**
 * Model API endpoints by URL, for clients pointed at them with their URL option (`new OpenAI({ baseURL })`):
 * the OpenAI SDK is the client of choice for every OpenAI-compatible API, so the provider a call goes to
 * is read from the URL. Gateways that record every request they forward trace the calls routed through
 * them (`proxy`). HTTP requests sent without an SDK are matched against the same list, with the paths of
 * `httpPaths` (rules/catalog/sdk/http.ts).
 */
export const endpoints: EndpointSpec[] = [
  { provider: 'openai', url: '^https?://api\\.openai\\.com(/|$)' },
  { provider: 'azure', url: '^https?://[^/]+\\.(openai\\.azure\\.com|cognitiveservices\\.azure\\.com|services\\.ai\\.azure\\.com)(/|$)' },
  { provider: 'anthropic', url: '^https?://api\\.anthropic\\.com(/|$)' },
  { provider: 'deepseek', url: '^https?://api\\.deepseek\\.com(/|$)' },
  { provider: 'xai', url: '^https?://api\\.x\\.ai(/|$)' },
  { provider: 'openrouter', url: '^https?://openrouter\\.ai/api(/|$)' },
  { provider: 'groq', url: '^https?://api\\.groq\\.com(/|$)' },
  { provider: 'together', url: '^https?://api\\.together\\.(xyz|ai)(/|$)' },
  { provider: 'fireworks', url: '^https?://api\\.fireworks\\.ai(/|$)' },
  { provider: 'perplexity', url: '^https?://api\\.perplexity\\.ai(/|$)' },
  { provider: 'mistral', url: '^https?://api\\.mistral\\.ai(/|$)' },
  { provider: 'gemini', url: '^https?://generativelanguage\\.googleapis\\.com(/|$)' },
  { provider: 'cohere', url: '^https?://api\\.cohere\\.(ai|com)(/|$)' },
  { provider: 'cerebras', url: '^https?://api\\.cerebras\\.ai(/|$)' },
  { provider: 'deepinfra', url: '^https?://api\\.deepinfra\\.com(/|$)' },
  { provider: 'nvidia', url: '^https?://integrate\\.api\\.nvidia\\.com(/|$)' },
  { provider: 'moonshot', url: '^https?://api\\.moonshot\\.(ai|cn)(/|$)' },
  { provider: 'dashscope', url: '^https?://dashscope(-intl)?\\.aliyuncs\\.com(/|$)' },
  { provider: 'vercel-ai-gateway', url: '^https?://ai-gateway\\.vercel\\.sh(/|$)' },
  { provider: 'ollama', url: '^https?://(localhost|127\\.0\\.0\\.1|0\\.0\\.0\\.0|host\\.docker\\.internal|ollama):11434(/|$)' },
  { provider: 'vertex', url: '^https?://([a-z0-9-]+-)?aiplatform\\.googleapis\\.com(/|$)' },
  { provider: 'huggingface', url: '^https?://(api-inference|router)\\.huggingface\\.co(/|$)' },
  { provider: 'replicate', url: '^https?://api\\.replicate\\.com(/|$)' },
  { provider: 'elevenlabs', url: '^https?://api\\.elevenlabs\\.io(/|$)' },
  { provider: 'voyage', url: '^https?://api\\.voyageai\\.com(/|$)' },
  { provider: 'jina', url: '^https?://api\\.jina\\.ai(/|$)' },
  { provider: 'lmstudio', url: '^https?://(localhost|127\\.0\\.0\\.1):1234(/|$)' },
];
