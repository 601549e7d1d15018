import type { MemberSpec, PackageModel } from '../types.js';

/*
 * The OpenAI Agents SDK traces every run itself: agent, generation, tool and handoff spans go to the
 * registered trace processors. Importing `@openai/agents` installs a batch exporter to the OpenAI traces
 * dashboard (`setDefaultOpenAITracingExporter()` runs on import), so a run through it is wired unless the
 * project turns tracing off with `setTracingDisabled(...)`. `@openai/agents-core` alone installs no
 * processor: its runs are traced only once the project adds one. Processors added with
 * `addTraceProcessor` / `setTraceProcessors` (LangSmith's `OpenAIAgentsTracingProcessor`, Langfuse,
 * Braintrust, ...) or the OpenAI exporter set up by hand are global registrations for it.
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

/** `@openai/agents-core` without the `@openai/agents` entry point: no exporter unless one is registered. */
const coreRunSite: MemberSpec = { site: { kind: 'task-execution', operation: 'invoke_agent' } };

const tracing: Record<string, MemberSpec> = {
  addTraceProcessor: processors('addTraceProcessor'),
  setTraceProcessors: processors('setTraceProcessors'),
  setTracingDisabled: { global: { id: 'openai-agents.tracingDisabled', mechanism: 'global:openai-agents.setTracingDisabled', covers: [] } },
};
const openaiExporter: Record<string, MemberSpec> = { setDefaultOpenAITracingExporter: processors('setDefaultOpenAITracingExporter') };

/** The runner's lifecycle events (`agent_start`, `agent_end`, `agent_handoff`, ...): listeners, no request. */
const runnerNotRequests: Record<string, string[]> = { 'the runner’s event emitter (lifecycle events of its runs)': ['on', 'off', 'once', 'emit'] };

/** The OpenAI Agents SDK (`@openai/agents`). */
export const openaiAgents: PackageModel = {
  id: 'openai-agents',
  name: 'OpenAI Agents SDK',
  role: 'sdk',
  package: '@openai/agents',
  docs: 'https://openai.github.io/openai-agents-js/guides/tracing/',
  modules: {
    '@openai/agents': { run: runSite, Runner: { new: 'openai-agents.Runner', annotation: 'openai-agents.Runner' }, ...tracing, ...openaiExporter },
    '@openai/agents-core': { run: coreRunSite, Runner: { new: 'openai-agents.CoreRunner', annotation: 'openai-agents.CoreRunner' }, ...tracing },
    '@openai/agents-openai': openaiExporter,
    // Temporal's runner runs agents inside workflows, model calls as activities; it installs no exporter.
    '@temporalio/openai-agents': { TemporalOpenAIRunner: { new: 'openai-agents.CoreRunner', annotation: 'openai-agents.CoreRunner' } },
    '@temporalio/openai-agents/workflow': { TemporalOpenAIRunner: { new: 'openai-agents.CoreRunner', annotation: 'openai-agents.CoreRunner' } },
  },
  types: {
    'openai-agents.Runner': { sdk: 'openai-agents', members: { run: runSite }, notRequests: runnerNotRequests },
    'openai-agents.CoreRunner': { sdk: 'openai-agents', members: { run: coreRunSite }, notRequests: runnerNotRequests },
  },
};
