import type { PackageModel } from '../types.js';

/**
 * KaibanJS (`kaibanjs`): multi-agent teams. `team.start()` kicks off every task of the team; tracing is
 * wired per team by `enableOpenTelemetry(team, config)` from `@kaibanjs/opentelemetry`, and a listener
 * subscribed with `team.subscribeToChanges(...)` counts as a callback handler in scope.
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
    },
  },
  types: {
    'kaibanjs.Team': {
      sdk: 'kaibanjs',
      members: {
        start: { site: { kind: 'kickoff', operation: 'invoke_workflow' } },
        subscribeToChanges: { handler: { mechanism: 'handler:kaibanjs.subscribeToChanges' } },
      },
    },
    'kaibanjs.Agent': { sdk: 'kaibanjs', members: {} },
    'kaibanjs.Task': { sdk: 'kaibanjs', members: {} },
  },
};
