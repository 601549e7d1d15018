import type { MemberSpec, PackageModel } from '../types.js';

const chat: MemberSpec = { site: { kind: 'llm-call', operation: 'chat' } };
const fim: MemberSpec = { site: { kind: 'llm-call', operation: 'text_completion' } };
const client: MemberSpec = { new: 'mistral.Client', annotation: 'mistral.Client' };

const legacyDeprecated = 'the 0.x `MistralClient` of @mistralai/mistralai is deprecated; Mistral replaced it with the `Mistral` client of @mistralai/mistralai 1.x.';

/**
 * The SDK's own OpenTelemetry support (`@mistralai/mistralai/extra/observability`, opt-in).
 * `registerTracerProvider` routes the spans of every client to a provider. `configureTelemetry(client)`
 * and `setTracerProvider(client, provider)` switch tracing on for the client passed in only; the catalog
 * cannot yet say "this call wires its argument from here on", so they count as registrations for the
 * project's Mistral calls (a second, unconfigured client is missed rather than a configured one reported).
 */
const telemetry: MemberSpec = { global: { id: 'mistral.telemetry', mechanism: 'global:mistral.telemetry', covers: [{ sdk: 'mistral' }] } };

/**
 * Mistral's SDK (`@mistralai/mistralai` 1.x and later), its Azure and Google Cloud clients, and the
 * deprecated 0.x client (a default export, gone since 1.0, so a default import is always 0.x).
 */
export const mistral: PackageModel = {
  id: 'mistral',
  name: 'Mistral',
  role: 'sdk',
  docs: 'https://github.com/mistralai/client-ts',
  modules: {
    '@mistralai/mistralai': {
      Mistral: client,
      default: { new: 'mistral.LegacyClient', annotation: 'mistral.LegacyClient' },
    },
    '@mistralai/mistralai-azure': { MistralAzure: client },
    '@mistralai/mistralai-gcp': { MistralGoogleCloud: client, MistralGCP: client },
    '@mistralai/mistralai/extra/observability': {
      registerTracerProvider: telemetry,
      configureTelemetry: telemetry,
      setTracerProvider: telemetry,
    },
  },
  types: {
    'mistral.Client': {
      sdk: 'mistral',
      members: {
        'chat.complete': chat,
        'chat.stream': chat,
        'chat.parse': chat,
        'chat.parseStream': chat,
        'fim.complete': fim,
        'fim.stream': fim,
        'embeddings.create': { site: { kind: 'llm-call', operation: 'embeddings' } },
        // Completions against an agent configured on the platform: one model call each.
        'agents.complete': chat,
        'agents.stream': chat,
        // The Conversations API: each call runs the model (and any server-side tools) on a conversation.
        'beta.conversations.start': chat,
        'beta.conversations.startStream': chat,
        'beta.conversations.append': chat,
        'beta.conversations.appendStream': chat,
        'beta.conversations.restart': chat,
        'beta.conversations.restartStream': chat,
        'audio.transcriptions.complete': { site: { kind: 'llm-call', operation: 'audio_transcription' } },
        'audio.transcriptions.stream': { site: { kind: 'llm-call', operation: 'audio_transcription' } },
        'audio.speech.complete': { site: { kind: 'llm-call', operation: 'speech' } },
        // Mistral OCR: a model reads the document, billed per page.
        'ocr.process': { site: { kind: 'llm-call', operation: 'document_parsing' } },
      },
      notRequests: {
        'classifiers: moderation and classification scores, no generation, traced by no wrapper or instrumentation': ['classifiers.*'],
        'queued jobs whose model calls run later, outside any request the app could trace (batch, fine-tuning)': ['batch.*', 'fineTuning.*'],
        'models, files, voices, conversations’ stored history, prompts, skills, libraries, connectors and accounts': [
          'models.*',
          'files.*',
          'audio.voices.*',
          'beta.conversations.list',
          'beta.conversations.get',
          'beta.conversations.delete',
          'beta.conversations.getHistory',
          'beta.conversations.getMessages',
          'beta.agents.*',
          'beta.prompts.*',
          'beta.skills.*',
          'beta.libraries.*',
          'beta.connectors.*',
          'beta.serviceAccounts.*',
          'beta.users.*',
          'beta.rag.*',
        ],
        'Mistral’s own observability and evaluation platform (judges run there, on recorded traffic)': ['beta.observability.*'],
        'realtime client sessions: short-lived credentials for a browser session': ['realtime.sessions.*'],
        'Workflows: durable workflows that run and are traced on Mistral’s platform; these calls start, query and manage them': ['workflows.*', 'events.*'],
      },
    },
    'mistral.LegacyClient': {
      sdk: 'mistral',
      members: {
        chat: { site: { kind: 'llm-call', operation: 'chat', deprecated: legacyDeprecated } },
        chatStream: { site: { kind: 'llm-call', operation: 'chat', deprecated: legacyDeprecated } },
        completion: { site: { kind: 'llm-call', operation: 'text_completion', deprecated: legacyDeprecated } },
        completionStream: { site: { kind: 'llm-call', operation: 'text_completion', deprecated: legacyDeprecated } },
        embeddings: { site: { kind: 'llm-call', operation: 'embeddings', deprecated: legacyDeprecated } },
      },
    },
  },
};
