import type { MemberSpec, PackageModel } from '../types.js';
import { httpClientMethods } from './common.js';

const client: MemberSpec = { new: 'groq.Client', annotation: 'groq.Client', provider: { arg: 0, key: 'baseURL' } };

/**
 * Groq's SDK (`groq-sdk`). Its client looks like OpenAI's but is a separate package with a smaller
 * surface (no Responses API, no `parse`/`stream`/`runTools` helpers, no legacy completions; audio
 * transcription, translation and speech run models too), so it has
 * its own members rather than extending `openai.Client`; instrumentations that patch the `openai`
 * package do not patch it.
 */
export const groq: PackageModel = {
  id: 'groq',
  name: 'Groq',
  role: 'sdk',
  docs: 'https://github.com/groq/groq-typescript',
  modules: {
    // CommonJS: `module.exports` is itself a function that constructs the client.
    'groq-sdk': { '': client, default: client, Groq: client },
  },
  types: {
    'groq.Client': {
      sdk: 'groq',
      members: {
        withOptions: { returnsSelf: true },
        'chat.completions.create': { site: { kind: 'llm-call', operation: 'chat' } },
        'embeddings.create': { site: { kind: 'llm-call', operation: 'embeddings' } },
        'audio.transcriptions.create': { site: { kind: 'llm-call', operation: 'audio_transcription' } },
        'audio.translations.create': { site: { kind: 'llm-call', operation: 'audio_translation' } },
        'audio.speech.create': { site: { kind: 'llm-call', operation: 'speech' } },
      },
      notRequests: {
        'the client’s generic HTTP helpers: the path they are given decides, which the catalog does not know': httpClientMethods,
        'the client’s logger': ['logger.*'],
        'the Batch API: queued work whose model calls run later, outside any request the app could trace': ['batches.*'],
        'models and files': ['models.*', 'files.*'],
      },
    },
  },
};
