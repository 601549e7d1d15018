import type { MemberSpec, PackageModel } from '../types.js';
import { httpClientMethods } from './common.js';

const client: MemberSpec = { new: 'together.Client', annotation: 'together.Client' };
const site = (operation: string): MemberSpec => ({ site: { kind: 'llm-call', operation } });

/**
 * Together AI's SDK (`together-ai`): an OpenAI-shaped client of its own (instrumentations that patch the
 * `openai` package do not patch it). Checked against its published types.
 */
export const together: PackageModel = {
  id: 'together',
  name: 'Together AI',
  role: 'sdk',
  docs: 'https://github.com/togethercomputer/together-typescript',
  modules: {
    // CommonJS: `module.exports` is itself a function that constructs the client.
    'together-ai': { '': client, default: client, Together: client },
  },
  types: {
    'together.Client': {
      sdk: 'together',
      members: {
        withOptions: { returnsSelf: true },
        'chat.completions.create': site('chat'),
        'completions.create': site('text_completion'),
        'embeddings.create': site('embeddings'),
        'chat.completions.stream': site('chat'),
        'rerank.create': site('rerank'),
        'images.generate': site('image_generation'),
        // 0.x before the audio and images resources were split: `images.create`, `audio.create` (speech).
        'images.create': site('image_generation'),
        'audio.create': site('speech'),
        'audio.speech.create': site('speech'),
        'audio.transcriptions.create': site('audio_transcription'),
        'audio.translations.create': site('audio_translation'),
        'videos.create': site('video_generation'),
      },
      notRequests: {
        'the client’s generic HTTP helpers: the path they are given decides, which the catalog does not know': httpClientMethods,
        'the client’s logger': ['logger.*', 'whoami'],
        'queued jobs whose model calls run later, outside any request the app could trace (batches, evals, fine-tuning)': ['batches.*', 'evals.*', 'fineTuning.*'],
        'files, models, voices, video job status, dedicated endpoints, clusters and container deployments': [
          'files.*',
          'models.*',
          'audio.voices.*',
          'videos.retrieve',
          'endpoints.*',
          'beta.*',
        ],
        'the code interpreter: a sandbox that runs code, not a model': ['codeInterpreter.*'],
      },
    },
  },
};
