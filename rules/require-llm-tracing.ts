import { z } from 'zod';
import { asFindingFixes, disabledTelemetryFixes, unwiredFixes } from '../src/codemod/fixes/index.js';
import { defineRule } from '../src/engine/rule.js';
import { adviceFor, envOf, reportUnknown, unknownOption, unknownWiringMessage, whereUntraced } from './support/sites.js';

const options = z
  .object({
    ignoreOperations: z
      .array(z.string())
      .describe('GenAI operations (`gen_ai.operation.name`) not to report, e.g. `["embeddings"]`.')
      .optional(),
    reportDisabledTelemetry: z.boolean().describe('Report calls that explicitly disable telemetry (`isEnabled: false`).').optional(),
    reportDeprecatedSdks: z.boolean().describe('Also report calls through deprecated SDKs (such as `@google/generative-ai`).').optional(),
    unknown: unknownOption,
  })
  .strict();

type Options = z.infer<typeof options>;

export default defineRule<Options>({
  meta: {
    id: 'require-llm-tracing',
    description: 'Require every LLM call to be reached by tracing: a wrapped client, a tracing option, a traced scope, or a global instrumentation.',
    preset: 'recommended',
    severity: 'error',
    fix: 'safe',
    hasSuggestions: true,
    project: true,
    messages: {
      unwiredCall:
        '{{sdk}} {{operation}} call `{{callee}}` is not traced: its latency, tokens and errors never reach your traces, so its cost and failures cannot be attributed. {{advice}}',
      telemetryDisabled:
        '`{{callee}}` turns telemetry off (`{{option}}: { isEnabled: false }`): this call is invisible in your traces even though the SDK could report it. Remove the flag or set `isEnabled: true`.',
      unknownWiring: unknownWiringMessage,
      deprecatedSdk: '`{{callee}}` uses a deprecated SDK: {{deprecated}} New instrumentation targets the replacement; migrate before wiring more tracing into this call.',
    },
    options,
    defaultOptions: { ignoreOperations: [], reportDisabledTelemetry: true, reportDeprecatedSdks: true },
  },
  checkSites(ctx) {
    const ignore = new Set(ctx.options.ignoreOperations ?? []);
    const env = envOf(ctx);
    for (const site of ctx.sites) {
      if (site.kind !== 'llm-call' || ignore.has(site.operation)) continue;
      if (site.spec.deprecated && ctx.options.reportDeprecatedSdks !== false) {
        ctx.report(site.file, { range: site.range, messageId: 'deprecatedSdk', data: { callee: site.callee, deprecated: site.spec.deprecated } });
      }
      if (site.disabled) {
        if (ctx.options.reportDisabledTelemetry === false) continue;
        ctx.report(site.file, {
          range: site.range,
          messageId: 'telemetryDisabled',
          data: { callee: site.callee, option: site.disabled.option.key },
          ...asFindingFixes(disabledTelemetryFixes(env, site)),
        });
        continue;
      }
      if (site.wired) continue;
      if (reportUnknown(ctx, site)) continue;
      // A call in a graph node whose run is not traced: the fix is at the run (its own finding), not here.
      const viaRun = !!site.evidence.run?.untraced;
      const advice = viaRun ? whereUntraced(site).trim() : adviceFor(env, site) + whereUntraced(site);
      ctx.report(site.file, {
        range: site.range,
        messageId: 'unwiredCall',
        data: { sdk: sdkLabel(ctx.catalog.models.get(site.sdk)?.name ?? site.sdk, site), operation: site.operation, callee: site.callee, advice },
        ...(viaRun ? {} : asFindingFixes(unwiredFixes(env, site))),
      });
    }
  },
});

/** The SDK named in messages; a raw HTTP request names the provider its URL goes to. */
function sdkLabel(name: string, site: { url?: string; provider?: string }): string {
  if (!site.url || !site.provider || site.provider === 'unknown') return name;
  // A resolver with a branch per API: the first names the operation; say that there are others.
  const apis = site.url.split(' | ').length;
  return apis > 1 ? `${name} (${site.provider} and ${apis - 1} other API${apis > 2 ? 's' : ''})` : `${name} (${site.provider})`;
}
