import type { PackageModel } from '../types.js';

const CONTEXT = 'inngest.Context';

/**
 * Inngest (`inngest`): `step.ai.infer(id, { model, body })` makes the model request from Inngest's own
 * servers (the function pauses until it answers): no instrumentation in the process sees it, and the
 * step Inngest records is not an LLM span. `step` is what a function's handler receives
 * (`inngest.createFunction(options, [trigger,] async ({ step }) => ...)`), or the running function's
 * context (`getAsyncCtx()`).
 */
export const inngest: PackageModel = {
  id: 'inngest',
  name: 'Inngest',
  role: 'sdk',
  package: 'inngest',
  docs: 'https://www.inngest.com/docs/features/inngest-functions/steps-workflows/step-ai-orchestration',
  modules: {
    inngest: { Inngest: { new: 'inngest.Client', annotation: 'inngest.Client' } },
    'inngest/experimental': { getAsyncCtx: { returns: 'inngest.AsyncContext' } },
  },
  types: {
    'inngest.Client': { sdk: 'inngest', members: { createFunction: { callbackParams: [{ arg: 'last', param: 0, type: CONTEXT }] } } },
    'inngest.AsyncContext': { sdk: 'inngest', members: { ctx: { is: CONTEXT }, 'execution.ctx': { is: CONTEXT } } },
    [CONTEXT]: { sdk: 'inngest', members: { step: { is: 'inngest.Step' } } },
    'inngest.Step': { sdk: 'inngest', members: { 'ai.infer': { site: { kind: 'llm-call', operation: 'chat' } } } },
  },
};
