import type { MemberSpec, PackageModel } from '../types.js';

/**
 * An agent's own run on a task: `Agent.workOnTask(task, inputs, context)` calls its implementation's
 * (`agentInstance`) `workOnTask`, which for the default `ReactChampionAgent` builds the prompt and runs
 * `agenticLoop` (the LangChain model calls and tools), and for a `WorkflowDrivenAgent` runs its workflow;
 * `workOnFeedback` and `workOnTaskResume` run the same loop again. A team calls them for each task; code
 * that calls them itself runs the agent outside `team.start()`.
 */
const agentRun: MemberSpec = { site: { kind: 'task-execution', operation: 'invoke_agent' } };

/** The rest of the published methods (checked against `kaibanjs`' types by test/catalog-types.test.ts). */
const teamNotRequests: Record<string, string[]> = {
  'control of the run `start()` began (the kickoff, whose wiring is the team’s): pause, resume, stop, and a task sent back to its agent with feedback or approved so the workflow goes on': ['pause', 'resume', 'stop', 'provideFeedback', 'validateTask'],
  'the team’s store and what it holds: subscriptions to its changes, tasks, status, result and stats': ['getStore', 'useStore', 'subscribeToChanges', 'onWorkflowStatusChange', 'getTasksByStatus', 'getWorkflowStatus', 'getWorkflowResult', 'getTasks', 'getWorkflowStats'],
};
const agentNotRequests: Record<string, string[]> = {
  'set-up and state of the agent: its implementation (`createAgent` picks `ReactChampionAgent` or `WorkflowDrivenAgent`), the team’s store and environment, its status': ['createAgent', 'initialize', 'updateEnv', 'setStore', 'setEnv', 'setStatus', 'reset', 'getCleanedAgent'],
  'prompt templates: functions that build the text of a prompt or feedback message': ['promptTemplates.*'],
};

/**
 * KaibanJS (`kaibanjs`): multi-agent teams. `team.start()` kicks off every task of the team; tracing is
 * wired per team by `enableOpenTelemetry(team, config)` or `createOpenTelemetryIntegration(config)
 * .integrateWithTeam(team)` from `@kaibanjs/opentelemetry`. A listener subscribed with
 * `team.subscribeToChanges(...)` only sees store changes: it exports nothing, so it does not count.
 */
export const kaibanjs: PackageModel = {
  id: 'kaibanjs',
  name: 'KaibanJS',
  role: 'sdk',
  package: 'kaibanjs',
  docs: 'https://docs.kaibanjs.com/',
  modules: {
    kaibanjs: {
      Team: { new: 'kaibanjs.Team', annotation: 'kaibanjs.Team' },
      Agent: { new: 'kaibanjs.Agent', annotation: 'kaibanjs.Agent' },
      Task: { new: 'kaibanjs.Task', annotation: 'kaibanjs.Task' },
    },
    '@kaibanjs/opentelemetry': {
      enableOpenTelemetry: { registers: { arg: 0, mechanism: 'registration:kaibanjs.enableOpenTelemetry' } },
      createOpenTelemetryIntegration: { returns: 'kaibanjs.OpenTelemetryIntegration' },
    },
  },
  types: {
    'kaibanjs.Team': {
      sdk: 'kaibanjs',
      members: {
        start: { site: { kind: 'kickoff', operation: 'invoke_workflow' } },
      },
      notRequests: teamNotRequests,
    },
    'kaibanjs.OpenTelemetryIntegration': {
      sdk: 'kaibanjs',
      members: { integrateWithTeam: { registers: { arg: 0, mechanism: 'registration:kaibanjs.integrateWithTeam' } } },
    },
    'kaibanjs.Agent': {
      sdk: 'kaibanjs',
      // `agentInstance`: the implementation the agent delegates to, with the same methods.
      members: { workOnTask: agentRun, workOnFeedback: agentRun, workOnTaskResume: agentRun, agentInstance: { is: 'kaibanjs.Agent' } },
      notRequests: agentNotRequests,
    },
    'kaibanjs.Task': { sdk: 'kaibanjs', members: { agent: { is: 'kaibanjs.Agent' } } },
  },
};
