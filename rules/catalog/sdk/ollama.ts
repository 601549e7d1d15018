import type { MemberSpec, PackageModel } from '../types.js';

const exports: Record<string, MemberSpec> = {
  // The default export is a ready-made client for the local server (`import ollama from 'ollama'`).
  default: { is: 'ollama.Client' },
  Ollama: { new: 'ollama.Client', annotation: 'ollama.Client' },
};

/** Ollama's SDK (`ollama`, and `ollama/browser`). Model management (`pull`, `create`, `list`, ...) is not a site. */
export const ollama: PackageModel = {
  id: 'ollama',
  name: 'Ollama',
  role: 'sdk',
  docs: 'https://github.com/ollama/ollama-js',
  modules: {
    ollama: exports,
    'ollama/browser': exports,
  },
  types: {
    'ollama.Client': {
      sdk: 'ollama',
      members: {
        chat: { site: { kind: 'llm-call', operation: 'chat' } },
        generate: { site: { kind: 'llm-call', operation: 'text_completion' } },
        embed: { site: { kind: 'llm-call', operation: 'embeddings' } },
        // The older single-prompt endpoint, superseded by `embed`.
        embeddings: { site: { kind: 'llm-call', operation: 'embeddings' } },
        // A model scores choices and answers score questions (JSON, no streaming).
        systemone: { site: { kind: 'llm-call', operation: 'chat' } },
      },
      notRequests: {
        'model management on the server': ['create', 'pull', 'push', 'copy', 'delete', 'list', 'show', 'ps', 'version'],
        'local helpers: aborting streams, encoding images': ['abort', 'encodeImage'],
        'Ollama’s web search and fetch APIs: no model runs': ['webSearch', 'webFetch'],
      },
    },
  },
};
