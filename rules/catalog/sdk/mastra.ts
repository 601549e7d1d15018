import type { MemberSpec, PackageModel } from '../types.js';

/*
 * Mastra traces agents and workflows through the observability configured on the `Mastra` instance they
 * are registered with (`new Mastra({ agents: { support }, observability: new Observability({...}) })`).
 * Registration is per instance: an agent constructed but not passed to such an instance is not traced.
 */

const agent: MemberSpec = { new: 'mastra.Agent', annotation: 'mastra.Agent' };
const mastra: MemberSpec = {
  new: 'mastra.Instance',
  annotation: 'mastra.Instance',
  // Only the agents, workflows and networks registered on an instance with `observability` are traced
  // (and whatever is obtained from the instance: `mastra.getAgent('x')`). An unregistered agent produces
  // no traces, and the pre-v1 `telemetry` key no longer traces anything.
  registers: { arg: 0, keys: ['agents', 'workflows', 'legacy_workflows', 'networks', 'vnext_networks'], self: true, when: ['observability'], mechanism: 'registration:mastra.observability' },
};
const createWorkflow: MemberSpec = { returns: 'mastra.Workflow' };
const workflowClass: MemberSpec = { new: 'mastra.Workflow' };

const agentCall: MemberSpec = { site: { kind: 'llm-call', operation: 'invoke_agent' } };
const networkRun: MemberSpec = { site: { kind: 'kickoff', operation: 'invoke_workflow' } };
const workflowRun: MemberSpec = { site: { kind: 'kickoff', operation: 'invoke_workflow' } };
const self: MemberSpec = { returnsSelf: true };

/** Mastra (`@mastra/core`): agents, agent networks and workflows. */
export const mastraModel: PackageModel = {
  id: 'mastra',
  name: 'Mastra',
  role: 'sdk',
  package: '@mastra/core',
  docs: 'https://mastra.ai/docs/observability/tracing/overview',
  modules: {
    '@mastra/core': { Mastra: mastra, Agent: agent, createWorkflow, Workflow: workflowClass },
    '@mastra/core/mastra': { Mastra: mastra },
    '@mastra/core/agent': { Agent: agent },
    '@mastra/core/workflows': { createWorkflow, Workflow: workflowClass },
    // 0.x: the first workflow API, kept as `legacy_workflows`.
    '@mastra/core/workflows/legacy': { LegacyWorkflow: workflowClass, Workflow: workflowClass },
    // 0.x: agent networks before `agent.network()`.
    '@mastra/core/network': { AgentNetwork: { new: 'mastra.Network' } },
    '@mastra/core/network/vNext': { NewAgentNetwork: { new: 'mastra.Network' } },
    // 1.1+: a control layer over several agent modes; each message runs the current mode's agent.
    '@mastra/core/harness': { Harness: { new: 'mastra.Harness', annotation: 'mastra.Harness' } },
  },
  types: {
    'mastra.Instance': {
      sdk: 'mastra',
      members: {
        getAgent: { returns: 'mastra.Agent' },
        getAgentById: { returns: 'mastra.Agent' },
        getWorkflow: { returns: 'mastra.Workflow' },
        getWorkflowById: { returns: 'mastra.Workflow' },
      },
    },
    'mastra.Agent': {
      sdk: 'mastra',
      members: {
        generate: agentCall,
        stream: agentCall,
        // 0.x names of the AI SDK v5 ("vNext") loop, and 1.x names of the v4 one.
        generateVNext: agentCall,
        streamVNext: agentCall,
        generateLegacy: agentCall,
        streamLegacy: agentCall,
        resumeGenerate: agentCall,
        resumeStream: agentCall,
        streamUntilIdle: agentCall,
        resumeStreamUntilIdle: agentCall,
        network: networkRun,
      },
    },
    'mastra.Harness': { sdk: 'mastra', members: { sendMessage: agentCall } },
    'mastra.Network': { sdk: 'mastra', members: { generate: networkRun, stream: networkRun, loop: networkRun, loopStream: networkRun } },
    'mastra.Workflow': {
      sdk: 'mastra',
      members: {
        then: self,
        parallel: self,
        branch: self,
        dowhile: self,
        dountil: self,
        foreach: self,
        map: self,
        sleep: self,
        sleepUntil: self,
        waitForEvent: self,
        // 0.x legacy builder.
        step: self,
        after: self,
        commit: self,
        createRun: { returns: 'mastra.WorkflowRun' },
        createRunAsync: { returns: 'mastra.WorkflowRun' },
      },
    },
    'mastra.WorkflowRun': {
      sdk: 'mastra',
      members: {
        start: workflowRun,
        startAsync: workflowRun,
        stream: workflowRun,
        streamVNext: workflowRun,
        streamLegacy: workflowRun,
        resume: workflowRun,
        resumeAsync: workflowRun,
        resumeStream: workflowRun,
        restart: workflowRun,
        timeTravel: workflowRun,
        timeTravelStream: workflowRun,
      },
    },
  },
};
