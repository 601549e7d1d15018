import type { MemberSpec, PackageModel } from '../types.js';

const deprecated = 'the @google/generative-ai SDK is deprecated; Google replaced it with @google/genai.';
const generate: MemberSpec = { site: { kind: 'llm-call', operation: 'generate_content', deprecated } };
const embed: MemberSpec = { site: { kind: 'llm-call', operation: 'embeddings', deprecated } };

/**
 * Google's legacy Generative AI SDK (`@google/generative-ai`): a client hands out model objects
 * (`getGenerativeModel`) whose calls are the sites; chats are started from a model. `countTokens` is
 * not a site (no generation, nothing billed).
 */
export const googleGenerativeAi: PackageModel = {
  id: 'google-generative-ai',
  name: 'Google Generative AI (legacy)',
  role: 'sdk',
  docs: 'https://github.com/google/generative-ai-js',
  modules: {
    '@google/generative-ai': {
      GoogleGenerativeAI: { new: 'google-generative-ai.Client', annotation: 'google-generative-ai.Client' },
      GenerativeModel: { new: 'google-generative-ai.Model', annotation: 'google-generative-ai.Model' },
      ChatSession: { new: 'google-generative-ai.Chat', annotation: 'google-generative-ai.Chat' },
    },
  },
  types: {
    'google-generative-ai.Client': {
      sdk: 'google-generative-ai',
      members: {
        getGenerativeModel: { returns: 'google-generative-ai.Model' },
        getGenerativeModelFromCachedContent: { returns: 'google-generative-ai.Model' },
      },
    },
    'google-generative-ai.Model': {
      sdk: 'google-generative-ai',
      members: {
        generateContent: generate,
        generateContentStream: generate,
        embedContent: embed,
        batchEmbedContents: embed,
        startChat: { returns: 'google-generative-ai.Chat' },
      },
      notRequests: { 'token counting: no generation, nothing billed': ['countTokens'] },
    },
    'google-generative-ai.Chat': {
      sdk: 'google-generative-ai',
      members: {
        sendMessage: generate,
        sendMessageStream: generate,
      },
      notRequests: { 'the chat’s local history': ['getHistory'] },
    },
  },
};
