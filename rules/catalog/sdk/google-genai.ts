import type { MemberSpec, PackageModel } from '../types.js';

const client: MemberSpec = { new: 'google-genai.Client', annotation: 'google-genai.Client' };
const chatClass: MemberSpec = { annotation: 'google-genai.Chat' };
const generate: MemberSpec = { site: { kind: 'llm-call', operation: 'generate_content' } };

const exports: Record<string, MemberSpec> = { GoogleGenAI: client, Chat: chatClass };

/**
 * Google's Gen AI SDK (`@google/genai`), for the Gemini Developer API and Vertex AI alike.
 *
 * `models.countTokens` / `computeTokens` are not sites (no generation, nothing billed), nor is the Live
 * API (`live.connect` opens a realtime session, not a request/response call), nor image and video
 * generation, which the OpenAI model leaves out as well.
 */
export const googleGenai: PackageModel = {
  id: 'google-genai',
  name: 'Google Gen AI',
  role: 'sdk',
  docs: 'https://googleapis.github.io/js-genai/',
  modules: {
    '@google/genai': exports,
    '@google/genai/node': exports,
    '@google/genai/web': exports,
  },
  types: {
    'google-genai.Client': {
      sdk: 'google-genai',
      members: {
        'models.generateContent': generate,
        'models.generateContentStream': generate,
        'models.embedContent': { site: { kind: 'llm-call', operation: 'embeddings' } },
        // Creating a chat sends nothing; each message is a generateContent request.
        'chats.create': { returns: 'google-genai.Chat' },
        // The Interactions API: one model (or server-run agent) interaction per call.
        'interactions.create': { site: { kind: 'llm-call', operation: 'chat' } },
      },
    },
    'google-genai.Chat': {
      sdk: 'google-genai',
      members: {
        sendMessage: generate,
        sendMessageStream: generate,
      },
    },
  },
};
