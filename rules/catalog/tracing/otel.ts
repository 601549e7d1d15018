import type { MemberSpec, PackageModel } from '../types.js';

const startActiveSpan: MemberSpec = { scope: { callbackArg: 'last', mechanism: 'scope:otel.startActiveSpan' } };
const startSpan: MemberSpec = { span: { mechanism: 'scope:otel.startSpan' } };
const instrumentations = (mechanism: string): MemberSpec => ({ global: { id: 'otel.instrumentations', mechanism, covers: 'instrumentations' } });

/** The OpenTelemetry API (tracers and spans) and the SDK entry points that register instrumentations. */
export const otel: PackageModel = {
  id: 'otel',
  name: 'OpenTelemetry',
  role: 'tracing',
  docs: 'https://opentelemetry.io/docs/languages/js/',
  modules: {
    '@opentelemetry/api': {
      'trace.getTracer': { returns: 'otel.Tracer' },
      'trace.getTracerProvider': { returns: 'otel.TracerProvider' },
      'default.trace.getTracer': { returns: 'otel.Tracer' },
      'default.trace.getTracerProvider': { returns: 'otel.TracerProvider' },
      'context.with': { scope: { callbackArg: 1, mechanism: 'scope:otel.context.with' } },
      'default.context.with': { scope: { callbackArg: 1, mechanism: 'scope:otel.context.with' } },
      Tracer: { annotation: 'otel.Tracer' },
    },
    '@opentelemetry/instrumentation': {
      registerInstrumentations: instrumentations('global:otel.registerInstrumentations'),
    },
    '@opentelemetry/sdk-node': {
      NodeSDK: instrumentations('global:otel.NodeSDK'),
      'default.NodeSDK': instrumentations('global:otel.NodeSDK'),
    },
    '@vercel/otel': {
      registerOTel: instrumentations('global:vercel.registerOTel'),
    },
  },
  types: {
    'otel.TracerProvider': { sdk: 'otel', members: { getTracer: { returns: 'otel.Tracer' } } },
    'otel.Tracer': { sdk: 'otel', members: { startActiveSpan, startSpan } },
  },
};
