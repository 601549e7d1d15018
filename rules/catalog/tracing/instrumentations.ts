import type { Coverage, MemberSpec, PackageModel } from '../types.js';
import { textOnly } from './operations.js';

/** OpenTelemetry instrumentations patch Node.js's module loading (require/import hooks): Node.js only. */
const instr = (mechanism: string, ...sdks: (string | Coverage)[]): MemberSpec => ({
  instrumentation: { mechanism, covers: sdks.map((s) => textOnly(typeof s === 'string' ? { sdk: s } : s)), runtimes: ['node'] },
});

const autoInstrumentations: Coverage[] = [
  { sdk: 'openai', versions: '<7', library: { package: '@opentelemetry/auto-instrumentations-node', versions: '>=0.66.0' } },
  { sdk: 'bedrock' },
].map((c) => textOnly(c));

/**
 * Instrumentation classes that patch an SDK once registered (`registerInstrumentations`, `NodeSDK`,
 * `registerOTel`). Each covers only the SDKs (and versions) it patches.
 */
export const instrumentations: PackageModel = {
  id: 'instrumentations',
  name: 'OpenTelemetry instrumentations',
  role: 'tracing',
  modules: {
    // OpenTelemetry contrib: the GenAI instrumentation for openai v4-v6 (it does not patch openai v7).
    '@opentelemetry/instrumentation-openai': { OpenAIInstrumentation: instr('global:otel.OpenAIInstrumentation', { sdk: 'openai', versions: '<7' }) },
    // OpenLLMetry (Traceloop) instrumentations.
    // It also wraps images.generate/edit/createVariation.
    '@traceloop/instrumentation-openai': { OpenAIInstrumentation: instr('global:traceloop.OpenAIInstrumentation', textOnly({ sdk: 'openai' }, ['image_generation'])) },
    '@traceloop/instrumentation-anthropic': { AnthropicInstrumentation: instr('global:traceloop.AnthropicInstrumentation', 'anthropic') },
    '@traceloop/instrumentation-bedrock': { BedrockInstrumentation: instr('global:traceloop.BedrockInstrumentation', 'bedrock') },
    '@traceloop/instrumentation-cohere': { CohereInstrumentation: instr('global:traceloop.CohereInstrumentation', 'cohere') },
    '@traceloop/instrumentation-langchain': { LangChainInstrumentation: instr('global:traceloop.LangChainInstrumentation', 'langchain', 'langgraph') },
    '@traceloop/instrumentation-llamaindex': { LlamaIndexInstrumentation: instr('global:traceloop.LlamaIndexInstrumentation', 'llamaindex') },
    // Patches @google-cloud/vertexai and @google-cloud/aiplatform, not @google/genai.
    '@traceloop/instrumentation-vertexai': {
      VertexAIInstrumentation: instr('global:traceloop.VertexAIInstrumentation', 'google-cloud-vertexai'),
      AIPlatformInstrumentation: instr('global:traceloop.AIPlatformInstrumentation', 'google-cloud-aiplatform'),
    },
    // Despite the name, patches @google/genai (its 1.x line only).
    '@traceloop/instrumentation-google-generativeai': { GenAIInstrumentation: instr('global:traceloop.GenAIInstrumentation', { sdk: 'google-genai', versions: '>=1.0.0 <2.0.0' }) },
    // OpenTelemetry contrib: every AWS SDK v3 command gets a span, Bedrock Runtime ones with GenAI attributes.
    '@opentelemetry/instrumentation-aws-sdk': { AwsInstrumentation: instr('global:otel.AwsInstrumentation', 'bedrock') },
    // The auto-instrumentation bundle: OpenAI from 0.66.0 (@opentelemetry/instrumentation-openai), AWS SDK always.
    '@opentelemetry/auto-instrumentations-node': {
      getNodeAutoInstrumentations: instr('global:otel.getNodeAutoInstrumentations', ...autoInstrumentations),
    },
    // `--import`/`--require` of `/register` starts a NodeSDK with that bundle.
    '@opentelemetry/auto-instrumentations-node/register': {
      '': { load: { id: 'otel.autoInstrumentations', mechanism: 'global:otel.auto-instrumentations-node/register', covers: autoInstrumentations, tracerProvider: true, runtimes: ['node'] } },
    },
    // Elastic's OpenTelemetry distribution: `node --import @elastic/opentelemetry-node` (or `--require`) starts its
    // NodeSDK with an OpenAI instrumentation and the AWS SDK one.
    '@elastic/opentelemetry-node': {
      '': { load: { id: 'elastic.edot', mechanism: 'global:elastic.opentelemetry-node', covers: [textOnly({ sdk: 'openai', versions: '<7' }), textOnly({ sdk: 'bedrock' })], tracerProvider: true, runtimes: ['node'] } },
    },
    // OpenInference (Arize Phoenix).
    '@arizeai/openinference-instrumentation-openai': { OpenAIInstrumentation: instr('global:openinference.OpenAIInstrumentation', 'openai') },
    '@arizeai/openinference-instrumentation-anthropic': { AnthropicInstrumentation: instr('global:openinference.AnthropicInstrumentation', 'anthropic') },
    '@arizeai/openinference-instrumentation-langchain': { LangChainInstrumentation: instr('global:openinference.LangChainInstrumentation', 'langchain', 'langgraph') },
    '@arizeai/openinference-instrumentation-bedrock': { BedrockInstrumentation: instr('global:openinference.BedrockInstrumentation', 'bedrock') },
    '@arizeai/openinference-instrumentation-bedrock-agent-runtime': { BedrockAgentInstrumentation: instr('global:openinference.BedrockAgentInstrumentation', 'bedrock') },
    '@arizeai/openinference-instrumentation-beeai': { BeeAIInstrumentation: instr('global:openinference.BeeAIInstrumentation', 'beeai') },
    '@arizeai/openinference-instrumentation-mcp': { MCPInstrumentation: instr('global:openinference.MCPInstrumentation', 'mcp') },
  },
};
