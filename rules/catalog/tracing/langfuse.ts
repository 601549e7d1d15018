import type { MemberSpec, PackageModel } from '../types.js';

const observeOpenAI: MemberSpec = { wrap: { mechanism: 'client-wrapper:langfuse.observeOpenAI', sdks: ['openai', 'groq'] } };
const observe: MemberSpec = { scope: { callbackArg: 0, mechanism: 'scope:langfuse.observe' } };
const startActiveObservation: MemberSpec = { scope: { callbackArg: 1, mechanism: 'scope:langfuse.startActiveObservation' } };
const startObservation: MemberSpec = { span: { mechanism: 'scope:langfuse.startObservation' } };

/** Langfuse: v3 (`langfuse`) and v4 (`@langfuse/*`) client wrappers and tracing scopes. */
export const langfuse: PackageModel = {
  id: 'langfuse',
  name: 'Langfuse',
  role: 'tracing',
  docs: 'https://langfuse.com/docs/observability/sdk/typescript/overview',
  modules: {
    langfuse: { observeOpenAI },
    '@langfuse/openai': { observeOpenAI },
    // LangChain callback handlers: creating one puts a handler in scope for agent runs and kickoffs.
    'langfuse-langchain': { default: { handler: { mechanism: 'handler:langfuse.CallbackHandler' } }, CallbackHandler: { handler: { mechanism: 'handler:langfuse.CallbackHandler' } } },
    '@langfuse/langchain': { CallbackHandler: { handler: { mechanism: 'handler:langfuse.CallbackHandler' } } },
    '@langfuse/tracing': { observe, startActiveObservation, startObservation },
  },
};
