import type { PackageModel } from '../types.js';

const client = { new: 'openai.Client', annotation: 'openai.Client' } as const;

/** OpenAI's official SDK (`openai`, v4 and later), including the Azure client. */
export const openai: PackageModel = {
  id: 'openai',
  name: 'OpenAI',
  role: 'sdk',
  docs: 'https://github.com/openai/openai-node',
  modules: {
    openai: {
      '': client,
      default: client,
      OpenAI: client,
      AzureOpenAI: client,
    },
  },
  types: {
    'openai.Client': {
      sdk: 'openai',
      members: {
        'chat.completions.create': { site: { kind: 'llm-call', operation: 'chat' } },
        'chat.completions.parse': { site: { kind: 'llm-call', operation: 'chat' } },
        'chat.completions.stream': { site: { kind: 'llm-call', operation: 'chat' } },
        'chat.completions.runTools': { site: { kind: 'llm-call', operation: 'chat' } },
        'beta.chat.completions.parse': { site: { kind: 'llm-call', operation: 'chat' } },
        'beta.chat.completions.stream': { site: { kind: 'llm-call', operation: 'chat' } },
        'beta.chat.completions.runTools': { site: { kind: 'llm-call', operation: 'chat' } },
        'responses.create': { site: { kind: 'llm-call', operation: 'chat' } },
        'responses.parse': { site: { kind: 'llm-call', operation: 'chat' } },
        'responses.stream': { site: { kind: 'llm-call', operation: 'chat' } },
        'completions.create': { site: { kind: 'llm-call', operation: 'text_completion' } },
        'embeddings.create': { site: { kind: 'llm-call', operation: 'embeddings' } },
        'beta.threads.runs.create': { site: { kind: 'task-execution', operation: 'invoke_agent' } },
        'beta.threads.runs.createAndPoll': { site: { kind: 'task-execution', operation: 'invoke_agent' } },
        'beta.threads.runs.stream': { site: { kind: 'task-execution', operation: 'invoke_agent' } },
        'beta.threads.createAndRun': { site: { kind: 'task-execution', operation: 'invoke_agent' } },
        'beta.threads.createAndRunPoll': { site: { kind: 'task-execution', operation: 'invoke_agent' } },
      },
    },
  },
};
