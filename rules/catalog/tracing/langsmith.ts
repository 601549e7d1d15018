import type { MemberSpec, PackageModel } from '../types.js';

// wrapOpenAI patches chat.completions, completions and responses; embeddings stay untraced.
const wrapOpenAI: MemberSpec = { wrap: { mechanism: 'client-wrapper:langsmith.wrapOpenAI', operations: ['chat', 'text_completion'], sdks: ['openai', 'groq'] } };
// wrapAnthropic patches messages.create/stream (parse goes through create) and beta.messages.create/parse/stream;
// the legacy completions.create stays untraced.
const wrapAnthropic: MemberSpec = { wrap: { mechanism: 'client-wrapper:langsmith.wrapAnthropic', operations: ['chat'], sdks: ['anthropic'] } };
// wrapGemini patches models.generateContent and models.generateContentStream only (not embedContent).
const wrapGemini: MemberSpec = { wrap: { mechanism: 'client-wrapper:langsmith.wrapGemini', operations: ['generate_content'], sdks: ['google-genai'] } };
const wrapSDK: MemberSpec = { wrap: { mechanism: 'client-wrapper:langsmith.wrapSDK' } };
const wrapAISDK: MemberSpec = { wrap: { mechanism: 'client-wrapper:langsmith.wrapAISDK', sdks: ['ai'] } };
const traceable: MemberSpec = { scope: { callbackArg: 0, mechanism: 'scope:langsmith.traceable' } };
// `evaluate(target, { data, evaluators })` runs the target under a traced run per example.
const evaluate: MemberSpec = { scope: { callbackArg: 0, mechanism: 'scope:langsmith.evaluate' } };
// The test-runner integrations: `ls.test(name, { inputs }, fn)` traces fn; evaluators wrapped likewise.
const lsTest: Record<string, MemberSpec> = {
  test: { scope: { callbackArg: 'last', mechanism: 'scope:langsmith.test' } },
  it: { scope: { callbackArg: 'last', mechanism: 'scope:langsmith.test' } },
  wrapEvaluator: { scope: { callbackArg: 0, mechanism: 'scope:langsmith.wrapEvaluator' } },
};

/** LangSmith's JS SDK: client wrappers and `traceable`. */
export const langsmith: PackageModel = {
  id: 'langsmith',
  name: 'LangSmith',
  role: 'tracing',
  docs: 'https://docs.smith.langchain.com/observability',
  modules: {
    'langsmith/wrappers': { wrapOpenAI, wrapSDK, wrapAnthropic, wrapGemini },
    'langsmith/wrappers/openai': { wrapOpenAI },
    'langsmith/wrappers/anthropic': { wrapAnthropic },
    'langsmith/wrappers/gemini': { wrapGemini, default: wrapGemini },
    'langsmith/experimental/vercel': { wrapAISDK },
    'langsmith/traceable': { traceable },
    'langsmith/evaluation': { evaluate },
    'langsmith/vitest': lsTest,
    'langsmith/jest': lsTest,
    // LangSmith's LangChain tracer: creating one puts a handler in scope for agent runs and kickoffs.
    '@langchain/core/tracers/tracer_langchain': { LangChainTracer: { handler: { mechanism: 'handler:langsmith.LangChainTracer' } } },
    'langchain/callbacks': { LangChainTracer: { handler: { mechanism: 'handler:langsmith.LangChainTracer' } } },
  },
};
