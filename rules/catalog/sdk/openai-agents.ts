import type { MemberSpec, PackageModel } from '../types.js';

/*
 * The OpenAI Agents SDK traces every run itself: agent, generation, tool and handoff spans go to the
 * registered trace processors, by default a batch exporter to the OpenAI traces dashboard. A run is
 * therefore wired unless the project turns tracing off with `setTracingDisabled(...)`. Processors added
 * with `addTraceProcessor` / `setTraceProcessors` (LangSmith's `OpenAIAgentsTracingProcessor`, Langfuse,
 * Braintrust, ...) are global registrations for it.
 */

const runSite: MemberSpec = {
  site: {
    kind: 'task-execution',
    operation: 'invoke_agent',
    builtin: { mechanism: 'builtin:openai-agents.tracing', unlessGlobal: 'openai-agents.tracingDisabled' },
  },
};

const processors = (name: string): MemberSpec => ({
  global: { id: 'openai-agents.traceProcessor', mechanism: `global:openai-agents.${name}`, covers: [{ sdk: 'openai-agents' }] },
});

const members: Record<string, MemberSpec> = {
  run: runSite,
  Runner: { new: 'openai-agents.Runner', annotation: 'openai-agents.Runner' },
  addTraceProcessor: processors('addTraceProcessor'),
  setTraceProcessors: processors('setTraceProcessors'),
  setTracingDisabled: { global: { id: 'openai-agents.tracingDisabled', mechanism: 'global:openai-agents.setTracingDisabled', covers: [] } },
};

/** The OpenAI Agents SDK (`@openai/agents`). */
export const openaiAgents: PackageModel = {
  id: 'openai-agents',
  name: 'OpenAI Agents SDK',
  role: 'sdk',
  package: '@openai/agents',
  docs: 'https://openai.github.io/openai-agents-js/guides/tracing/',
  modules: {
    '@openai/agents': members,
    '@openai/agents-core': members,
  },
  types: {
    'openai-agents.Runner': { sdk: 'openai-agents', members: { run: runSite } },
  },
};
