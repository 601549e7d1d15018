import type { MemberSpec, PackageModel } from '../types.js';

/**
 * trigger.dev: `trigger.config.ts` exports `defineConfig({ ... })`, whose OpenTelemetry instrumentations
 * (v3: `instrumentations: [...]`; v4: `telemetry: { instrumentations: [...] }`) the worker registers before
 * it loads the project's tasks. The process model applies the config to the tasks in its `dirs`.
 */
const defineConfig: MemberSpec = { global: { id: 'trigger.defineConfig', mechanism: 'global:trigger.defineConfig', covers: 'instrumentations', tracerProvider: true } };

export const trigger: PackageModel = {
  id: 'trigger',
  name: 'trigger.dev',
  role: 'tracing',
  package: '@trigger.dev/sdk',
  docs: 'https://trigger.dev/docs/config/config-file#instrumentations',
  modules: {
    '@trigger.dev/sdk': { defineConfig },
    '@trigger.dev/sdk/v3': { defineConfig },
  },
};
