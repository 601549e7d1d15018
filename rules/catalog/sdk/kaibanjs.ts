import type { PackageModel } from '../types.js';

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
    },
    'kaibanjs.OpenTelemetryIntegration': {
      sdk: 'kaibanjs',
      members: { integrateWithTeam: { registers: { arg: 0, mechanism: 'registration:kaibanjs.integrateWithTeam' } } },
    },
    'kaibanjs.Agent': { sdk: 'kaibanjs', members: {} },
    'kaibanjs.Task': { sdk: 'kaibanjs', members: {} },
  },
};
