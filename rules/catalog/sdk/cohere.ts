import type { MemberSpec, PackageModel } from '../types.js';

const chat: MemberSpec = { site: { kind: 'llm-call', operation: 'chat' } };
const generate: MemberSpec = { site: { kind: 'llm-call', operation: 'text_completion' } };
const embed: MemberSpec = { site: { kind: 'llm-call', operation: 'embeddings' } };
// Reranking runs a model per query and is billed per search; OpenLLMetry traces it as its own request type.
const rerank: MemberSpec = { site: { kind: 'llm-call', operation: 'rerank' } };
const transcribe: MemberSpec = { site: { kind: 'llm-call', operation: 'audio_transcription' } };
// Document parsing with a model (`parse-v5.0`).
const parse: MemberSpec = { site: { kind: 'llm-call', operation: 'document_parsing' } };

const notRequests: Record<string, string[]> = {
  'no generation: tokenizers, classification, the legacy summarize endpoint, an API key check, and the raw fetch helper': ['tokenize', 'detokenize', 'classify', 'summarize', 'checkApiKey', 'fetch'],
  'queued jobs whose model calls run later, outside any request the app could trace (batches, embed jobs, fine-tuning)': ['batches.*', 'embedJobs.*', 'finetuning.*'],
  'datasets, connectors and models': ['datasets.*', 'connectors.*', 'models.*'],
};

const v1: MemberSpec = { new: 'cohere.Client', annotation: 'cohere.Client' };
const v2: MemberSpec = { new: 'cohere.ClientV2', annotation: 'cohere.ClientV2' };
const aws = { BedrockClient: v1, BedrockClientV2: v2, SagemakerClient: v1, SagemakerClientV2: v2, AwsClient: v1, AwsClientV2: v2 };

/**
 * Cohere's SDK (`cohere-ai`): the v1 client (`CohereClient`, with the v2 API under `.v2`), the v2 client
 * (`CohereClientV2`), and their Bedrock/SageMaker variants (exported from the root up to 7.x and from
 * `cohere-ai/aws` since 8.0). `tokenize`, `detokenize`, `classify` and the legacy `summarize` are not sites.
 */
export const cohere: PackageModel = {
  id: 'cohere',
  name: 'Cohere',
  role: 'sdk',
  docs: 'https://github.com/cohere-ai/cohere-typescript',
  modules: {
    'cohere-ai': { CohereClient: v1, CohereClientV2: v2, ...aws },
    'cohere-ai/aws': aws,
  },
  types: {
    'cohere.ClientV2': {
      sdk: 'cohere',
      members: { chat, chatStream: chat, embed, rerank, generate, generateStream: generate, parse, 'audio.transcriptions.create': transcribe },
      notRequests,
    },
    'cohere.Client': {
      sdk: 'cohere',
      members: {
        chat,
        chatStream: chat,
        generate,
        generateStream: generate,
        embed,
        rerank,
        'v2.chat': chat,
        'v2.chatStream': chat,
        'v2.embed': embed,
        'v2.rerank': rerank,
        'v2.parse': parse,
        'audio.transcriptions.create': transcribe,
      },
      notRequests,
    },
  },
};
