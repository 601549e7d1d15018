import type { MemberSpec, PackageModel } from '../types.js';

const agent: MemberSpec = { returns: 'agent-kit.Agent' };
const network: MemberSpec = { returns: 'agent-kit.Network' };

/**
 * The rest of the agents' and networks' published methods (checked against `@inngest/agent-kit`'s types by
 * test/catalog-types.test.ts). A model request happens only in a run: `Agent.run` calls its model adapter
 * (`performInference`), `Network.run` schedules agents and calls their `run`.
 */
const agentNotRequests: Record<string, string[]> = {
  'lifecycle hooks the user supplies (`lifecycle: { onStart, onResponse, onFinish, enabled, onRoute }`); a run calls them around its own model request': ['lifecycles.*'],
};
const networkNotRequests: Record<string, string[]> = {
  'the network’s in-memory state: results, history formatting and a key-value store': ['state.*'],
  'history adapter hooks the user supplies (`history: { createThread, get, appendUserMessage, appendResults }`), storage calls a run makes': ['history.*'],
  'agent bookkeeping: `availableAgents` filters the registered agents by their `enabled` hook, `addAgent` registers one': ['availableAgents', 'addAgent'],
};

/**
 * Inngest's AgentKit (`@inngest/agent-kit`): `createAgent(...).run(input)` runs one agent's model/tool loop;
 * `createNetwork({ agents, router }).run(input)` runs agents handing work to each other. Neither traces
 * by itself: Inngest records the function and its steps, not the model calls in them.
 */
export const inngestAgentKit: PackageModel = {
  id: 'agent-kit',
  name: 'Inngest AgentKit',
  role: 'sdk',
  package: '@inngest/agent-kit',
  docs: 'https://agentkit.inngest.com/',
  modules: {
    '@inngest/agent-kit': {
      createAgent: agent,
      createRoutingAgent: agent,
      Agent: { new: 'agent-kit.Agent', annotation: 'agent-kit.Agent' },
      createNetwork: network,
      Network: { new: 'agent-kit.Network', annotation: 'agent-kit.Network' },
    },
  },
  types: {
    'agent-kit.Agent': {
      sdk: 'agent-kit',
      // `withModel(model)` returns a copy of the agent with another model (`new Agent({ ...this, model })`).
      members: { run: { site: { kind: 'task-execution', operation: 'invoke_agent' } }, withModel: agent },
      notRequests: agentNotRequests,
    },
    'agent-kit.Network': { sdk: 'agent-kit', members: { run: { site: { kind: 'kickoff', operation: 'invoke_workflow' } } }, notRequests: networkNotRequests },
  },
};
