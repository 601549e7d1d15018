import type { MemberSpec, PackageModel } from '../types.js';

const agent: MemberSpec = { returns: 'agent-kit.Agent' };
const network: MemberSpec = { returns: 'agent-kit.Network' };

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
    'agent-kit.Agent': { sdk: 'agent-kit', members: { run: { site: { kind: 'task-execution', operation: 'invoke_agent' } } } },
    'agent-kit.Network': { sdk: 'agent-kit', members: { run: { site: { kind: 'kickoff', operation: 'invoke_workflow' } } } },
  },
};
