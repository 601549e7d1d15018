import type { MemberSpec, PackageModel } from '../types.js';
import { semconvIncubating, semconvStable } from './semconv.js';

// `startActiveSpan(name, [options, [context,]] fn)`: `fn` receives the span and must end it (the API does not).
const startActiveSpan: MemberSpec = {
  scope: { callbackArg: 'last', mechanism: 'scope:otel.startActiveSpan' },
  spanStart: { yields: 'callback', nameArg: 0, optionsArg: 1, type: 'otel.Span' },
};
// `startSpan(name, [options, [context]])` returns the span, neither active nor ended.
const startSpan: MemberSpec = {
  span: { mechanism: 'scope:otel.startSpan' },
  spanStart: { yields: 'return', nameArg: 0, optionsArg: 1, type: 'otel.Span' },
  returns: 'otel.Span',
};
// The `trace` API members that take or give a span without owning it.
const traceApi: Record<string, MemberSpec> = {
  setSpan: { borrowsSpan: true },
  getActiveSpan: { returns: 'otel.Span' },
  getSpan: { returns: 'otel.Span' },
};
const statusCodes: Record<string, MemberSpec> = {
  'SpanStatusCode.UNSET': { constant: 0 },
  'SpanStatusCode.OK': { constant: 1 },
  'SpanStatusCode.ERROR': { constant: 2 },
};
const prefixed = (prefix: string, members: Record<string, MemberSpec>): Record<string, MemberSpec> =>
  Object.fromEntries(Object.entries(members).map(([k, v]) => [`${prefix}${k}`, v]));
const instrumentations = (mechanism: string, tracerProvider = false): MemberSpec => ({
  global: { id: 'otel.instrumentations', mechanism, covers: 'instrumentations', ...(tracerProvider ? { tracerProvider } : {}) },
});
// Installing a global tracer provider by hand: `new NodeTracerProvider(...).register()`, `trace.setGlobalTracerProvider(p)`.
const setsProvider = (mechanism: string): MemberSpec => ({ global: { id: 'otel.tracerProvider', mechanism, covers: [], tracerProvider: true } });
const sdkProvider: MemberSpec = { new: 'otel.SdkTracerProvider' };

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
      'trace.setGlobalTracerProvider': setsProvider('global:otel.setGlobalTracerProvider'),
      'default.trace.setGlobalTracerProvider': setsProvider('global:otel.setGlobalTracerProvider'),
      'context.with': { scope: { callbackArg: 1, mechanism: 'scope:otel.context.with' } },
      'default.context.with': { scope: { callbackArg: 1, mechanism: 'scope:otel.context.with' } },
      Tracer: { annotation: 'otel.Tracer' },
      Span: { annotation: 'otel.Span' },
      ...prefixed('trace.', traceApi),
      ...prefixed('default.trace.', traceApi),
      ...statusCodes,
    },
    '@opentelemetry/semantic-conventions': semconvStable,
    '@opentelemetry/semantic-conventions/incubating': semconvIncubating,
    '@opentelemetry/instrumentation': {
      registerInstrumentations: instrumentations('global:otel.registerInstrumentations'),
      // The base class of instrumentation packages: subclasses use the inherited `this.tracer` and `this.meter`.
      InstrumentationBase: { new: 'otel.InstrumentationBase' },
    },
    '@opentelemetry/sdk-node': {
      NodeSDK: instrumentations('global:otel.NodeSDK', true),
      'default.NodeSDK': instrumentations('global:otel.NodeSDK', true),
    },
    '@vercel/otel': {
      registerOTel: instrumentations('global:vercel.registerOTel', true),
    },
    '@opentelemetry/sdk-trace-node': { NodeTracerProvider: sdkProvider },
    '@opentelemetry/sdk-trace-web': { WebTracerProvider: sdkProvider },
    '@opentelemetry/sdk-trace-base': { BasicTracerProvider: sdkProvider },
  },
  types: {
    'otel.SdkTracerProvider': { sdk: 'otel', members: { register: setsProvider('global:otel.TracerProvider.register'), getTracer: { returns: 'otel.Tracer' } } },
    'otel.TracerProvider': { sdk: 'otel', members: { getTracer: { returns: 'otel.Tracer' } } },
    'otel.Tracer': { sdk: 'otel', members: { startActiveSpan, startSpan } },
    'otel.InstrumentationBase': { sdk: 'otel', members: { tracer: { is: 'otel.Tracer' }, meter: { is: 'otel.Meter' } } },
    // The span API (`Span` in @opentelemetry/api): setters return the span itself.
    'otel.Span': {
      sdk: 'otel',
      members: {
        end: { spanOp: 'end' },
        setAttribute: { spanOp: 'setAttribute', returnsSelf: true },
        setAttributes: { spanOp: 'setAttributes', returnsSelf: true },
        setStatus: { spanOp: 'setStatus', returnsSelf: true },
        recordException: { spanOp: 'recordException' },
        addEvent: { returnsSelf: true },
        addLink: { returnsSelf: true },
        addLinks: { returnsSelf: true },
        updateName: { returnsSelf: true },
      },
    },
  },
};
