import type { MemberSpec, PackageModel } from '../types.js';

const chat: MemberSpec = { site: { kind: 'llm-call', operation: 'chat' } };
const generate: MemberSpec = { site: { kind: 'llm-call', operation: 'text_completion' } };
const embed: MemberSpec = { site: { kind: 'llm-call', operation: 'embeddings' } };
// Reranking runs a model per query and is billed per search; OpenLLMetry traces it as its own request type.
const rerank: MemberSpec = { site: { kind: 'llm-call', operation: 'rerank' } };

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
      members: { chat, chatStream: chat, embed, rerank, generate, generateStream: generate },
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
      },
    },
  },
};
