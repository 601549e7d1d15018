import type { PackageModel } from '../types.js';

const CONTEXT = 'inngest.Context';

/**
 * The rest of the client's published methods (checked against `inngest`'s types by
 * test/catalog-types.test.ts): they talk to Inngest (events, signals, realtime channels, sandboxes, run
 * metadata) or set the client up; none asks a model anything.
 */
const clientNotRequests: Record<string, string[]> = {
  'events and signals sent to Inngest, which starts or resumes functions (`send`, `sendSignal`); their model requests are sites where they are written': ['send', 'sendSignal'],
  'realtime channels: publishing to and subscribing to a run’s messages, and the token to do so': ['realtime.*'],
  'Inngest sandboxes (remote execution environments) and their snapshots': ['sandboxes.*'],
  'experimental run metadata attached to the current run, step or span (`metadataMiddleware()`)': ['metadata.*'],
  'the client’s set-up: its logger, its `fetch`, its environment, and the HTTP handlers of durable endpoints': ['logger.*', 'fetch', 'setEnvVars', 'endpoint', 'endpointProxy'],
};

/** The step tools other than `ai.infer` (the one that asks a model, from Inngest's servers). */
const stepNotRequests: Record<string, string[]> = {
  'runs the callback it is given as a durable step in this process (`step.run(id, fn)`, `step.ai.wrap(id, fn, ...args)`, which only records its input and output as an AI step): a request is the call written in that callback, a site of its own': ['run', 'ai.wrap'],
  'model descriptions for `ai.infer` (`step.ai.models.openai({ model })`): URL, headers and body format, no request': ['ai.models.*'],
  'Inngest orchestration: events, signals, invoking another Inngest function (whose requests are sites where its handler is written), realtime messages': ['sendEvent', 'sendSignal', 'invoke', 'realtime.*'],
  'pauses of the run: a duration, a date, an event or a signal': ['sleep', 'sleepUntil', 'waitForEvent', 'waitForSignal'],
};
const contextNotRequests: Record<string, string[]> = {
  'grouping of steps (parallel, experiment variants, spans) and deferred functions, run by Inngest': ['group.*', 'defer'],
};
const asyncContextNotRequests: Record<string, string[]> = {
  'the SDK’s own execution of the running function and its response stream (internal: what `createFunction` runs)': ['execution.instance.*', 'execution.stream.*'],
};

/**
 * Inngest (`inngest`): `step.ai.infer(id, { model, body })` makes the model request from Inngest's own
 * servers (the function pauses until it answers): no instrumentation in the process sees it, and the
 * step Inngest records is not an LLM span. `step` is what a function's handler receives
 * (`inngest.createFunction(options, [trigger,] async ({ step }) => ...)`), the running function's
 * context (`getAsyncCtx()`), or, from v4, the module's own `step` (`import { step } from 'inngest'`: the
 * step tools of whichever function is running).
 */
export const inngest: PackageModel = {
  id: 'inngest',
  name: 'Inngest',
  role: 'sdk',
  package: 'inngest',
  docs: 'https://www.inngest.com/docs/features/inngest-functions/steps-workflows/step-ai-orchestration',
  modules: {
    // v4: `step`, step tools bound to the running function through AsyncLocalStorage.
    inngest: { Inngest: { new: 'inngest.Client', annotation: 'inngest.Client' }, step: { is: 'inngest.Step' } },
    'inngest/experimental': { getAsyncCtx: { returns: 'inngest.AsyncContext' } },
  },
  types: {
    'inngest.Client': { sdk: 'inngest', members: { createFunction: { callbackParams: [{ arg: 'last', param: 0, type: CONTEXT }] } }, notRequests: clientNotRequests },
    'inngest.AsyncContext': { sdk: 'inngest', members: { ctx: { is: CONTEXT }, 'execution.ctx': { is: CONTEXT } }, notRequests: asyncContextNotRequests },
    [CONTEXT]: { sdk: 'inngest', members: { step: { is: 'inngest.Step' } }, notRequests: contextNotRequests },
    'inngest.Step': { sdk: 'inngest', members: { 'ai.infer': { site: { kind: 'llm-call', operation: 'chat' } } }, notRequests: stepNotRequests },
  },
};
