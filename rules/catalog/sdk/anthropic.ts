import type { MemberSpec, PackageModel } from '../types.js';
import { httpClientMethods } from './common.js';

/**
 * Since 0.134.0 the SDK emits its own OpenTelemetry spans; a client given its own tracer provider
 * (`openTelemetry: { tracerProvider }`) traces every call through it, registered globally or not.
 */
const client: MemberSpec = {
  new: 'anthropic.Client',
  annotation: 'anthropic.Client',
  provider: { arg: 0, key: 'baseURL' },
  newOptions: [{ arg: 0, key: 'openTelemetry.tracerProvider', versions: '>=0.134.0', mechanism: 'client-option:anthropic.openTelemetry.tracerProvider' }],
};

const chat: MemberSpec = { site: { kind: 'llm-call', operation: 'chat' } };
const agentRun: MemberSpec = { site: { kind: 'task-execution', operation: 'invoke_agent' } };

/**
 * Anthropic's SDK (`@anthropic-ai/sdk`) and the clients for Claude on Amazon Bedrock, Google Vertex AI
 * and Microsoft Foundry, which share its message resources.
 *
 * `messages.countTokens` is deliberately not a site: it runs no model, bills nothing and returns no
 * completion, no instrumentation or wrapper traces it, and reporting it would push teams to trace a
 * token counter rather than their LLM calls. The Message Batches API (`messages.batches.create`) is not
 * a site either: it queues work whose results arrive later, outside any request the app could trace.
 *
 * Managed Agents (`beta.sessions`, `beta.deployments`): sending events to a session runs the agent on
 * them, and so does running a deployment; creating agents, environments, sessions and vaults, and
 * reading a session's events, run nothing. Checked against the published types of 0.x and 1.x.
 */
export const anthropic: PackageModel = {
  id: 'anthropic',
  name: 'Anthropic',
  role: 'sdk',
  docs: 'https://github.com/anthropics/anthropic-sdk-typescript',
  modules: {
    // CommonJS: `module.exports` is itself a function that constructs the client.
    '@anthropic-ai/sdk': { '': client, default: client, Anthropic: client },
    '@anthropic-ai/bedrock-sdk': { '': client, default: client, AnthropicBedrock: client, AnthropicBedrockMantle: client },
    '@anthropic-ai/vertex-sdk': { '': client, default: client, AnthropicVertex: client },
    '@anthropic-ai/foundry-sdk': { '': client, default: client, AnthropicFoundry: client },
  },
  types: {
    'anthropic.Client': {
      sdk: 'anthropic',
      // Since 0.134 every API call emits a span through the global tracer provider, when one is registered.
      nativeTracing: { mechanism: 'native:anthropic.openTelemetry', versions: '>=0.134.0' },
      members: {
        withOptions: { returnsSelf: true },
        'messages.create': chat,
        'messages.stream': chat,
        'messages.parse': chat,
        'beta.messages.create': chat,
        'beta.messages.stream': chat,
        'beta.messages.parse': chat,
        // The runner sends its requests as it is iterated or awaited; the call that creates it is the site.
        'beta.messages.toolRunner': chat,
        // A server-held conversation: creating it sends nothing, each `send`/`stream` is a request.
        'beta.messages.thread': { returns: 'anthropic.MessageThread' },
        // Managed Agents: events sent to a session (user messages, tool results) make the agent work on them.
        'beta.sessions.events.send': agentRun,
        // Runs the session's client-side tools and sends their results back, which continues the agent's run.
        'beta.sessions.events.toolRunner': agentRun,
        'beta.deployments.run': agentRun,
        // The legacy Text Completions API (removed from the SDK in 1.0).
        'completions.create': { site: { kind: 'llm-call', operation: 'text_completion' } },
      },
      notRequests: {
        'the client’s generic HTTP helpers: the path they are given decides, which the catalog does not know': [...httpClientMethods, 'credentials', 'providerChainResolver'],
        'the client’s logger': ['logger.*'],
        'token counting: no generation, nothing billed': ['messages.countTokens', 'beta.messages.countTokens'],
        'Message Batches: queued work whose model calls run later, outside any request the app could trace': ['messages.batches.*', 'beta.messages.batches.*'],
        'Dreams: background memory jobs of Managed Agents, whose results arrive later': ['beta.dreams.*'],
        'models, files, skills, user profiles, webhooks and organisation administration': [
          'models.*',
          'beta.models.*',
          'files.*',
          'beta.files.*',
          'skills.*',
          'beta.skills.*',
          'userProfiles.*',
          'beta.userProfiles.*',
          'organization.*',
          'beta.organization.*',
          'beta.webhooks.*',
          'beta.compliance.*',
          'beta.tunnels.*',
        ],
        'Managed Agents configuration and state: agents, environments (and their self-hosted workers), vaults, memory stores, session resources, threads and reading events': [
          'beta.agents.*',
          'beta.environments.*',
          'beta.vaults.*',
          'beta.memoryStores.*',
          'beta.sessions.create',
          'beta.sessions.retrieve',
          'beta.sessions.update',
          'beta.sessions.list',
          'beta.sessions.delete',
          'beta.sessions.archive',
          'beta.sessions.resources.*',
          'beta.sessions.threads.*',
          'beta.sessions.events.list',
          'beta.sessions.events.stream',
          'beta.deployments.create',
          'beta.deployments.retrieve',
          'beta.deployments.update',
          'beta.deployments.list',
          'beta.deployments.archive',
          'beta.deployments.pause',
          'beta.deployments.unpause',
          'beta.deploymentRuns.*',
        ],
      },
    },
    'anthropic.MessageThread': {
      sdk: 'anthropic',
      members: {
        send: chat,
        parse: chat,
        stream: chat,
        toolRunner: chat,
        fork: { returnsSelf: true },
      },
      notRequests: {
        'changing the thread locally: the next `send`/`stream`/`parse` carries it': ['append', 'update'],
      },
    },
  },
};
