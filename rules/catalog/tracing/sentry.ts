import type { MemberSpec, PackageModel } from '../types.js';

const startSpan: MemberSpec = { scope: { callbackArg: 'last', mechanism: 'scope:sentry.startSpan' } };
const startSpanManual: MemberSpec = { scope: { callbackArg: 'last', mechanism: 'scope:sentry.startSpanManual' } };
const startInactiveSpan: MemberSpec = { span: { mechanism: 'scope:sentry.startInactiveSpan' } };
// Sentry 8+ runs on OpenTelemetry: `init` installs the global tracer provider.
const init: MemberSpec = { global: { id: 'sentry.init', mechanism: 'global:sentry.init', covers: 'instrumentations', tracerProvider: true } };
const integration = (name: string, ...sdks: string[]): MemberSpec => ({ instrumentation: { mechanism: `global:sentry.${name}`, covers: sdks.map((sdk) => ({ sdk })) } });

const members: Record<string, MemberSpec> = {
  startSpan,
  startSpanManual,
  startInactiveSpan,
  init,
  openAIIntegration: integration('openAIIntegration', 'openai'),
  anthropicAIIntegration: integration('anthropicAIIntegration', 'anthropic'),
  googleGenAIIntegration: integration('googleGenAIIntegration', 'google-genai'),
  vercelAIIntegration: integration('vercelAIIntegration', 'ai'),
  langChainIntegration: integration('langChainIntegration', 'langchain'),
  langGraphIntegration: integration('langGraphIntegration', 'langgraph'),
};

const sentryPackages = ['@sentry/node', '@sentry/nextjs', '@sentry/bun', '@sentry/deno', '@sentry/aws-serverless', '@sentry/google-cloud-serverless', '@sentry/cloudflare', '@sentry/vercel-edge', '@sentry/nestjs', '@sentry/sveltekit', '@sentry/remix', '@sentry/astro', '@sentry/nuxt', '@sentry/core'];

/** Sentry: span scopes and the AI integrations passed to `Sentry.init({ integrations })`. */
export const sentry: PackageModel = {
  id: 'sentry',
  name: 'Sentry',
  role: 'tracing',
  docs: 'https://docs.sentry.io/platforms/javascript/guides/node/tracing/',
  modules: Object.fromEntries(sentryPackages.map((p) => [p, members])),
};
