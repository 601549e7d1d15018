/**
 * The OpenTelemetry GenAI semantic conventions as a tracing schema (the format of `tracingSchema`
 * files, see src/config/tracing-schema.ts), built into `span-required-attributes`.
 *
 * GenAI spans are named `{gen_ai.operation.name} {gen_ai.request.model}` for inference and embeddings
 * (`chat gpt-4o`), `execute_tool {gen_ai.tool.name}` and `invoke_agent {gen_ai.agent.name}`:
 * https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
 */

import type { TracingSchemaData } from '../../../src/config/tracing-schema.js';

export const GENAI_CONVENTIONS_NAME = 'the OpenTelemetry GenAI semantic conventions';

/** Operations whose spans the built-in schema recognises by name (the first word of the span name). */
const operations = ['chat', 'text_completion', 'generate_content', 'embeddings', 'execute_tool', 'invoke_agent', 'create_agent'];

/** Operations whose span name carries the requested model after the operation. */
const modelOperations = ['chat', 'text_completion', 'generate_content', 'embeddings'];

export const genAiConventions: TracingSchemaData = {
  attributes: {
    'gen_ai.operation.name': { values: operations },
  },
  deprecated: {
    'gen_ai.system': 'gen_ai.provider.name',
    'gen_ai.usage.prompt_tokens': 'gen_ai.usage.input_tokens',
    'gen_ai.usage.completion_tokens': 'gen_ai.usage.output_tokens',
    'gen_ai.openai.request.seed': 'gen_ai.request.seed',
    'gen_ai.openai.request.response_format': 'gen_ai.output.type',
  },
  // Names follow the conventions' two-word shape; `chat message received` (three words) is a chat
  // app's own span, not a GenAI one, and is left alone.
  spans: [
    {
      name: [
        '{gen_ai.operation.name}',
        `{gen_ai.operation.name=${modelOperations.join('|')}} {gen_ai.request.model}`,
        '{gen_ai.operation.name=execute_tool} {gen_ai.tool.name}',
        '{gen_ai.operation.name=invoke_agent|create_agent} {gen_ai.agent.name}',
      ],
      required: ['gen_ai.operation.name', 'gen_ai.provider.name'],
      description: 'every GenAI span',
    },
    {
      name: `{gen_ai.operation.name=${modelOperations.join('|')}} {gen_ai.request.model}`,
      required: ['gen_ai.request.model'],
      description: 'inference and embeddings spans named after their model',
    },
    {
      name: ['{gen_ai.operation.name=execute_tool}', '{gen_ai.operation.name=execute_tool} {gen_ai.tool.name}'],
      required: ['gen_ai.tool.name'],
      description: 'tool execution spans',
    },
  ],
};
