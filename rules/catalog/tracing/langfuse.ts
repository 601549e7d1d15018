import type { MemberSpec, PackageModel } from '../types.js';

const observeOpenAI: MemberSpec = { wrap: { mechanism: 'client-wrapper:langfuse.observeOpenAI', sdks: ['openai', 'groq'] } };
const observe: MemberSpec = { scope: { callbackArg: 0, mechanism: 'scope:langfuse.observe' } };
const startActiveObservation: MemberSpec = { scope: { callbackArg: 1, mechanism: 'scope:langfuse.startActiveObservation' } };
const startObservation: MemberSpec = { span: { mechanism: 'scope:langfuse.startObservation' } };

// v3: `langfuse.trace()` and its `generation()`/`span()` observations, ended with `.end()`: LLM calls made
// after a generation or span starts, in the same function, are inside it.
const v3Client: MemberSpec = { new: 'langfuse.Client', annotation: 'langfuse.Client' };
const observation: MemberSpec = { span: { mechanism: 'scope:langfuse.generation' }, returns: 'langfuse.Observation' };
const observationSpan: MemberSpec = { span: { mechanism: 'scope:langfuse.span' }, returns: 'langfuse.Observation' };
const v3Members: Record<string, MemberSpec> = { trace: { returns: 'langfuse.Observation' }, generation: observation, span: observationSpan };

/** Langfuse: v3 (`langfuse`) and v4 (`@langfuse/*`) client wrappers and tracing scopes. */
export const langfuse: PackageModel = {
  id: 'langfuse',
  name: 'Langfuse',
  role: 'tracing',
  docs: 'https://langfuse.com/docs/observability/sdk/typescript/overview',
  modules: {
    langfuse: { observeOpenAI, Langfuse: v3Client, default: v3Client },
    'langfuse-node': { Langfuse: v3Client, default: v3Client },
    '@langfuse/openai': { observeOpenAI },
    // LangChain callback handlers: creating one puts a handler in scope for agent runs and kickoffs.
    'langfuse-langchain': { default: { handler: { mechanism: 'handler:langfuse.CallbackHandler' } }, CallbackHandler: { handler: { mechanism: 'handler:langfuse.CallbackHandler' } } },
    '@langfuse/langchain': { CallbackHandler: { handler: { mechanism: 'handler:langfuse.CallbackHandler' } } },
    '@langfuse/tracing': { observe, startActiveObservation, startObservation },
  },
  types: {
    'langfuse.Client': { sdk: 'langfuse', members: v3Members },
    'langfuse.Observation': { sdk: 'langfuse', members: { generation: observation, span: observationSpan } },
  },
};
