/** The built-in catalog: every SDK and tracing library tracewire knows. */

import type { PackageModel } from './types.js';
import { ai } from './sdk/ai.js';
import { langchain } from './sdk/langchain.js';
import { langgraph } from './sdk/langgraph.js';
import { llamaindex } from './sdk/llamaindex.js';
import { kaibanjs } from './sdk/kaibanjs.js';
import { mastraModel } from './sdk/mastra.js';
import { openai } from './sdk/openai.js';
import { openaiAgents } from './sdk/openai-agents.js';
import { anthropic } from './sdk/anthropic.js';
import { bedrock } from './sdk/bedrock.js';
import { cohere } from './sdk/cohere.js';
import { googleGenai } from './sdk/google-genai.js';
import { googleGenerativeAi } from './sdk/google-generative-ai.js';
import { groq } from './sdk/groq.js';
import { http } from './sdk/http.js';
import { mistral } from './sdk/mistral.js';
import { ollama } from './sdk/ollama.js';
import { fal } from './sdk/fal.js';
import { inngestAgentKit } from './sdk/inngest-agent-kit.js';
import { inngest } from './sdk/inngest.js';
import { googleCloudVertexai } from './sdk/google-cloud-vertexai.js';
import { huggingface } from './sdk/huggingface.js';
import { replicate } from './sdk/replicate.js';
import { sagemaker } from './sdk/sagemaker.js';
import { together } from './sdk/together.js';
import { tanstackAi } from './sdk/tanstack-ai.js';
import { vscodeLm } from './sdk/vscode-lm.js';
import { otelMetrics } from './metrics/otel.js';
import { promClient } from './metrics/prom-client.js';
import { instrumentations } from './tracing/instrumentations.js';
import { langfuse } from './tracing/langfuse.js';
import { langsmith } from './tracing/langsmith.js';
import { braintrust, ddTrace, gateways, laminar, phoenix, posthog, triggerDev } from './tracing/others.js';
import { otel } from './tracing/otel.js';
import { sentry } from './tracing/sentry.js';
import { traceloop } from './tracing/traceloop.js';

export const sdkModels: PackageModel[] = [openai, anthropic, googleGenai, googleGenerativeAi, mistral, cohere, groq, ollama, bedrock, sagemaker, together, replicate, huggingface, fal, googleCloudVertexai, ai, tanstackAi, vscodeLm, langchain, langgraph, mastraModel, llamaindex, openaiAgents, kaibanjs, inngestAgentKit, inngest, http];

export const tracingModels: PackageModel[] = [otel, instrumentations, langsmith, langfuse, sentry, traceloop, braintrust, laminar, ddTrace, posthog, phoenix, triggerDev, gateways];

/** Metrics APIs (prom-client, OpenTelemetry metrics), for the metric rules. */
export const metricModels: PackageModel[] = [promClient, otelMetrics];

export const builtinModels: PackageModel[] = [...sdkModels, ...tracingModels, ...metricModels];
