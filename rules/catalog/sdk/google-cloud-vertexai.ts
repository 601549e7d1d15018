import type { MemberSpec, PackageModel } from '../types.js';

const deprecated = 'the @google-cloud/vertexai SDK is deprecated; Google replaced it with @google/genai (`new GoogleGenAI({ vertexai: true, project, location })`).';
const generate: MemberSpec = { site: { kind: 'llm-call', operation: 'generate_content', deprecated } };

/**
 * Google Cloud's Vertex AI SDK (`@google-cloud/vertexai`, deprecated): a `VertexAI` client hands out
 * model objects (`getGenerativeModel`, also under `preview`) whose calls are the sites; chats start from
 * a model. OpenLLMetry's Vertex AI instrumentation patches it.
 */
export const googleCloudVertexai: PackageModel = {
  id: 'google-cloud-vertexai',
  name: 'Vertex AI (legacy)',
  role: 'sdk',
  docs: 'https://cloud.google.com/vertex-ai/generative-ai/docs/reference/nodejs/latest',
  modules: {
    '@google-cloud/vertexai': {
      VertexAI: { new: 'google-cloud-vertexai.Client', annotation: 'google-cloud-vertexai.Client' },
      GenerativeModel: { new: 'google-cloud-vertexai.Model', annotation: 'google-cloud-vertexai.Model' },
      GenerativeModelPreview: { new: 'google-cloud-vertexai.Model', annotation: 'google-cloud-vertexai.Model' },
      ChatSession: { new: 'google-cloud-vertexai.Chat', annotation: 'google-cloud-vertexai.Chat' },
      ChatSessionPreview: { new: 'google-cloud-vertexai.Chat', annotation: 'google-cloud-vertexai.Chat' },
    },
  },
  types: {
    'google-cloud-vertexai.Client': {
      sdk: 'google-cloud-vertexai',
      members: {
        getGenerativeModel: { returns: 'google-cloud-vertexai.Model' },
        'preview.getGenerativeModel': { returns: 'google-cloud-vertexai.Model' },
        'preview.getGenerativeModelFromCachedContent': { returns: 'google-cloud-vertexai.Model' },
      },
      notRequests: { 'context caches': ['preview.cachedContents.*'] },
    },
    'google-cloud-vertexai.Model': {
      sdk: 'google-cloud-vertexai',
      members: {
        generateContent: generate,
        generateContentStream: generate,
        startChat: { returns: 'google-cloud-vertexai.Chat' },
      },
      notRequests: { 'token counting: no generation, nothing billed': ['countTokens'], 'accessors of the model’s settings': ['getModelName', 'getCachedContent', 'getSystemInstruction'] },
    },
    'google-cloud-vertexai.Chat': {
      sdk: 'google-cloud-vertexai',
      members: { sendMessage: generate, sendMessageStream: generate },
      notRequests: { 'the chat’s local history': ['getHistory'] },
    },
  },
};
