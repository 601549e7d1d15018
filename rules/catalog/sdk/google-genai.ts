import type { MemberSpec, PackageModel } from '../types.js';

const client: MemberSpec = { new: 'google-genai.Client', annotation: 'google-genai.Client' };
const chatClass: MemberSpec = { annotation: 'google-genai.Chat' };
const generate: MemberSpec = { site: { kind: 'llm-call', operation: 'generate_content' } };
const image: MemberSpec = { site: { kind: 'llm-call', operation: 'image_generation' } };
const realtime: MemberSpec = { site: { kind: 'llm-call', operation: 'realtime' } };

const exports: Record<string, MemberSpec> = { GoogleGenAI: client, Chat: chatClass };

/**
 * Google's Gen AI SDK (`@google/genai`), for the Gemini Developer API and Vertex AI alike.
 *
 * Model requests: content generation, embeddings, image and video generation, Live API sessions
 * (`live.connect` opens a realtime session in which the model answers), interactions, decisions and agent
 * triggers. `models.countTokens` / `computeTokens` are not sites (no generation, nothing billed), nor are
 * batches and tuning jobs (queued work), caches, files, stores and the other management resources.
 * Checked against the published types of 1.x and 3.x.
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
        // A WebSocket or WebRTC session on a live interaction.
        'interactions.connect': realtime,
        'models.generateImages': image,
        'models.editImage': image,
        'models.upscaleImage': image,
        'models.recontextImage': image,
        'models.segmentImage': { site: { kind: 'llm-call', operation: 'image_segmentation' } },
        'models.generateVideos': { site: { kind: 'llm-call', operation: 'video_generation' } },
        'live.connect': realtime,
        'live.music.connect': realtime,
        // A model answers structured decision questions about the input.
        'decisions.create': { site: { kind: 'llm-call', operation: 'chat' } },
        // Runs a configured agent trigger now.
        'triggers.run': { site: { kind: 'task-execution', operation: 'invoke_agent' } },
      },
      notRequests: {
        'token counting: no generation, nothing billed': ['models.countTokens', 'models.computeTokens'],
        'queued jobs whose model calls run later, outside any request the app could trace (batches, tuning)': ['batches.*', 'tunings.*'],
        'models, caches, files, file search stores, long-running operations, auth tokens and webhooks': [
          'models.list',
          'models.get',
          'models.update',
          'models.delete',
          'caches.*',
          'files.*',
          'fileSearchStores.*',
          'operations.*',
          'authTokens.*',
          'webhooks.*',
        ],
        'stored interactions, and short-lived tokens for browser sessions': ['interactions.get', 'interactions.delete', 'interactions.cancel', 'interactions.authTokens.*'],
        'agents, triggers, environments, credentials and voices: configuration': [
          'agents.*',
          'triggers.create',
          'triggers.list',
          'triggers.get',
          'triggers.update',
          'triggers.delete',
          'triggers.listExecutions',
          'environments.*',
          'credentials.*',
          'voices.*',
        ],
      },
    },
    'google-genai.Chat': {
      sdk: 'google-genai',
      members: {
        sendMessage: generate,
        sendMessageStream: generate,
      },
      notRequests: { 'the chat’s local history': ['getHistory'] },
    },
  },
};
