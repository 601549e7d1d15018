import type { MemberSpec, PackageModel } from '../types.js';
import { httpClientMethods } from './common.js';
import { endpoints } from './endpoints.js';

// `baseURL` points the client at any OpenAI-compatible API (DeepSeek, xAI, OpenRouter, a gateway).
const client: MemberSpec = { new: 'openai.Client', annotation: 'openai.Client', provider: { arg: 0, key: 'baseURL' } };

const site = (operation: string): MemberSpec => ({ site: { kind: 'llm-call', operation } });
const chat = site('chat');
const agentRun: MemberSpec = { site: { kind: 'task-execution', operation: 'invoke_agent' } };

/**
 * A Realtime session over a WebSocket (`new OpenAIRealtimeWS({ model }, client)`, the browser's
 * `OpenAIRealtimeWebSocket`, and their `create(client, options)` factories for Azure): opening one starts
 * a session in which the model answers every `response.create` the app sends.
 */
const realtimeSocket: MemberSpec = { new: 'openai.RealtimeSocket', site: { kind: 'llm-call', operation: 'realtime' } };
const realtimeFactory: MemberSpec = { returns: 'openai.RealtimeSocket', site: { kind: 'llm-call', operation: 'realtime' } };
const realtimeWS = { OpenAIRealtimeWS: realtimeSocket, 'OpenAIRealtimeWS.create': realtimeFactory };
const realtimeWebSocket = { OpenAIRealtimeWebSocket: realtimeSocket, 'OpenAIRealtimeWebSocket.create': realtimeFactory };

/**
 * OpenAI's official SDK (`openai`, v4 and later), including the Azure and Bedrock clients. Checked against
 * the published types of 6.x and 7.x (test/catalog-types.test.ts); v4's `beta.chat.completions.*` helpers
 * moved to `chat.completions.*` in v5.
 *
 * Model requests: chat completions, Responses (and the beta Responses API), legacy completions,
 * embeddings, audio (transcription, translation, speech), images, videos, decisions, Realtime and Live
 * sessions (WebSocket, WebRTC and SIP calls), and agent runs (Assistants runs, hosted agent sessions and
 * automations). Not requests: the Batch API and evals (queued jobs whose model calls happen later,
 * outside any request the app could trace), moderations (a free classifier: no generation, and no
 * wrapper or instrumentation traces it), token counting, and every management resource.
 */
export const openai: PackageModel = {
  id: 'openai',
  name: 'OpenAI',
  role: 'sdk',
  docs: 'https://github.com/openai/openai-node',
  endpoints,
  modules: {
    openai: {
      '': client,
      default: client,
      OpenAI: client,
      AzureOpenAI: client,
      BedrockOpenAI: client,
    },
    'openai/azure': { AzureOpenAI: client },
    'openai/bedrock': { BedrockOpenAI: client },
    'openai/realtime/ws': realtimeWS,
    'openai/realtime/websocket': realtimeWebSocket,
    // v4 and v5: the Realtime API under `beta`.
    'openai/beta/realtime/ws': realtimeWS,
    'openai/beta/realtime/websocket': realtimeWebSocket,
  },
  types: {
    'openai.Client': {
      sdk: 'openai',
      members: {
        // The URL the client talks to: requests built on it (`fetch(`${client.baseURL}/images/edits`)`) go to its model API.
        baseURL: { clientURL: true },
        withOptions: { returnsSelf: true },
        'chat.completions.create': chat,
        'chat.completions.parse': chat,
        'chat.completions.stream': chat,
        'chat.completions.runTools': chat,
        // v4: the structured-output and streaming helpers lived under `beta`.
        'beta.chat.completions.parse': chat,
        'beta.chat.completions.stream': chat,
        'beta.chat.completions.runTools': chat,
        'responses.create': chat,
        'responses.parse': chat,
        'responses.stream': chat,
        // Compaction runs the model over the conversation to summarise it.
        'responses.compact': chat,
        'beta.responses.create': chat,
        'beta.responses.compact': chat,
        // A model answers classification or scoring questions about the input.
        'decisions.create': chat,
        'completions.create': site('text_completion'),
        'embeddings.create': site('embeddings'),
        'audio.transcriptions.create': site('audio_transcription'),
        'audio.translations.create': site('audio_translation'),
        'audio.speech.create': site('speech'),
        'images.generate': site('image_generation'),
        'images.edit': site('image_generation'),
        'images.createVariation': site('image_generation'),
        'videos.create': site('video_generation'),
        'videos.edit': site('video_generation'),
        'videos.extend': site('video_generation'),
        'videos.remix': site('video_generation'),
        'videos.createCharacter': site('video_generation'),
        // Realtime and Live sessions started from the server: WebRTC offers and accepted SIP calls.
        'realtime.calls.create': site('realtime'),
        'realtime.calls.accept': site('realtime'),
        'live.create': site('realtime'),
        'live.sessions.accept': site('realtime'),
        'live.sessions.fork': site('realtime'),
        // Assistants: a run is one agent's model/tool loop; submitting tool outputs resumes it.
        'beta.threads.runs.create': agentRun,
        'beta.threads.runs.createAndPoll': agentRun,
        'beta.threads.runs.createAndStream': agentRun,
        'beta.threads.runs.stream': agentRun,
        'beta.threads.runs.submitToolOutputs': agentRun,
        'beta.threads.runs.submitToolOutputsAndPoll': agentRun,
        'beta.threads.runs.submitToolOutputsStream': agentRun,
        'beta.threads.createAndRun': agentRun,
        'beta.threads.createAndRunPoll': agentRun,
        'beta.threads.createAndRunStream': agentRun,
        // Hosted agents: a session runs the agent on its input; events sent to it continue the run.
        'beta.agents.sessions.create': agentRun,
        'beta.agents.sessions.events.create': agentRun,
        'beta.agents.automations.invocations.create': agentRun,
      },
      notRequests: {
        'the client’s generic HTTP helpers: the path they are given decides, which the catalog does not know': httpClientMethods,
        'the client’s logger': ['logger.*'],
        'management of stored completions and responses, conversations and their items': [
          'chat.completions.retrieve',
          'chat.completions.update',
          'chat.completions.list',
          'chat.completions.delete',
          'chat.completions.messages.*',
          'responses.retrieve',
          'responses.delete',
          'responses.cancel',
          'responses.inputItems.*',
          'beta.responses.retrieve',
          'beta.responses.delete',
          'beta.responses.cancel',
          'beta.responses.inputItems.*',
          'conversations.*',
        ],
        'token counting: no generation, nothing billed': ['responses.inputTokens.*', 'beta.responses.inputTokens.*'],
        'queued jobs whose model calls run later, outside any request the app could trace (Batch API, evals, graders)': ['batches.*', 'evals.*', 'fineTuning.alpha.graders.*'],
        'moderation: a free classifier with no generation that no wrapper or instrumentation traces': ['moderations.create'],
        'content and safety checks on existing output, not inference for the app': ['contentProvenanceChecks.*', 'safety.*'],
        'files, uploads, containers, skills, vector stores and webhooks: storage and configuration': [
          'files.*',
          'uploads.*',
          'containers.*',
          'skills.*',
          'vectorStores.*',
          'webhooks.*',
        ],
        'fine-tuning, models and organisation administration': ['fineTuning.jobs.*', 'fineTuning.checkpoints.*', 'models.*', 'admin.*'],
        'custom voices and consents': ['audio.voices.*', 'audio.voiceConsents.*'],
        'video jobs: status, listing and downloads': ['videos.retrieve', 'videos.list', 'videos.delete', 'videos.downloadContent', 'videos.getCharacter'],
        'Realtime and Live session management: ephemeral client secrets (the session runs in the browser), call control, recordings': [
          'realtime.clientSecrets.*',
          'realtime.translations.clientSecrets.*',
          'realtime.calls.hangup',
          'realtime.calls.refer',
          'realtime.calls.reject',
          'beta.realtime.sessions.*',
          'beta.realtime.transcriptionSessions.*',
          'live.sessions.hangup',
          'live.sessions.refer',
          'live.sessions.reject',
          'live.sessions.downloadRecording',
        ],
        'Assistants, threads and messages: state management; runs are listed, polled and cancelled here without a new model call': [
          'beta.assistants.*',
          'beta.threads.create',
          'beta.threads.retrieve',
          'beta.threads.update',
          'beta.threads.delete',
          'beta.threads.messages.*',
          'beta.threads.runs.retrieve',
          'beta.threads.runs.update',
          'beta.threads.runs.list',
          'beta.threads.runs.cancel',
          'beta.threads.runs.poll',
          'beta.threads.runs.steps.*',
        ],
        'hosted agents: configuration, environments, vaults, artifacts, and reading a session’s events': [
          'beta.agents.create',
          'beta.agents.retrieve',
          'beta.agents.update',
          'beta.agents.list',
          'beta.agents.delete',
          'beta.agents.automations.create',
          'beta.agents.automations.retrieve',
          'beta.agents.automations.update',
          'beta.agents.automations.list',
          'beta.agents.automations.delete',
          'beta.agents.automations.pause',
          'beta.agents.automations.resume',
          'beta.agents.automations.invocations.retrieve',
          'beta.agents.automations.invocations.list',
          'beta.agents.environments.*',
          'beta.agents.vaults.*',
          'beta.agents.sessions.retrieve',
          'beta.agents.sessions.update',
          'beta.agents.sessions.list',
          'beta.agents.sessions.delete',
          'beta.agents.sessions.stream',
          'beta.agents.sessions.events.stream',
          'beta.agents.sessions.artifacts.*',
          'beta.agents.sessions.items.*',
          'beta.agents.sessions.subagents.*',
          'beta.agents.sessions.turns.*',
          'beta.agents.sessions.traces.*',
        ],
        'ChatKit: sessions are client secrets for the browser widget, threads are stored state': ['beta.chatkit.*'],
      },
    },
    // An open Realtime session: the app sends events and listens; opening it was the request.
    'openai.RealtimeSocket': {
      sdk: 'openai',
      members: {},
      notRequests: {
        'events on the open session (each response belongs to the session the constructor opened) and listeners': ['send', 'sendResponseCreate', 'close', 'on', 'off', 'once', 'emitted', 'flushPending', 'takePending'],
      },
    },
  },
};
