import type { MemberSpec, PackageModel } from '../types.js';

/*
 * LlamaIndex.TS has no per-call tracing option: its calls are traced by instrumentation registered at
 * start-up (OpenLLMetry, Laminar, ...) or by an enclosing traced scope.
 */

const LLM = 'llamaindex.LLM';
const EMB = 'llamaindex.Embedding';
const INDEX = 'llamaindex.Index';

const llm: MemberSpec = { new: LLM, annotation: LLM };
const emb: MemberSpec = { new: EMB, annotation: EMB };
const index: MemberSpec = { new: INDEX, annotation: INDEX };
const agentClass: MemberSpec = { new: 'llamaindex.Agent' };
const agentFactory: MemberSpec = { returns: 'llamaindex.AgentWorkflow' };
const multiAgent: MemberSpec = { returns: 'llamaindex.MultiAgentWorkflow' };

const indexClass = (): Record<string, MemberSpec> => ({
  fromDocuments: { returns: INDEX },
  init: { returns: INDEX },
  fromVectorStore: { returns: INDEX },
  fromVectorStores: { returns: INDEX },
});
const prefixed = (name: string, members: Record<string, MemberSpec>) => Object.fromEntries(Object.entries(members).map(([k, v]) => [`${name}.${k}`, v]));

/** Event-driven workflows (`@llamaindex/workflow-core`): sending the start event through a context runs the handlers. */
const workflowCore: Record<string, MemberSpec> = { createWorkflow: { returns: 'llamaindex.EventWorkflow' } };

const workflow: Record<string, MemberSpec> = {
  ...workflowCore,
  agent: agentFactory,
  multiAgent,
  AgentWorkflow: { new: 'llamaindex.MultiAgentWorkflow' },
  'AgentWorkflow.fromTools': agentFactory,
};

/** LlamaIndex.TS: LLMs and embeddings, query and chat engines over indices, agents and agent workflows. */
export const llamaindex: PackageModel = {
  id: 'llamaindex',
  name: 'LlamaIndex',
  role: 'sdk',
  package: 'llamaindex',
  docs: 'https://ts.llamaindex.ai/docs/llamaindex/modules/observability',
  modules: {
    llamaindex: {
      'Settings.llm': { is: LLM },
      'Settings.embedModel': { is: EMB },
      VectorStoreIndex: index,
      ...prefixed('VectorStoreIndex', indexClass()),
      SummaryIndex: index,
      ...prefixed('SummaryIndex', indexClass()),
      KeywordTableIndex: index,
      // Runs the transformations over the documents: embedding models, and LLM-based extractors.
      IngestionPipeline: { new: 'llamaindex.IngestionPipeline' },
      ...prefixed('KeywordTableIndex', indexClass()),
      ContextChatEngine: { new: 'llamaindex.ChatEngine' },
      SimpleChatEngine: { new: 'llamaindex.ChatEngine' },
      CondenseQuestionChatEngine: { new: 'llamaindex.ChatEngine' },
      RetrieverQueryEngine: { new: 'llamaindex.QueryEngine' },
      'SubQuestionQueryEngine.fromDefaults': { returns: 'llamaindex.QueryEngine' },
      'RouterQueryEngine.fromDefaults': { returns: 'llamaindex.QueryEngine' },
      ReActAgent: agentClass,
      LLMAgent: agentClass,
      // Before 0.8 the provider classes were exported from the main package.
      OpenAI: llm,
      Anthropic: llm,
      Groq: llm,
      Ollama: llm,
      Gemini: llm,
      MistralAI: llm,
      OpenAIEmbedding: emb,
      OllamaEmbedding: emb,
      GeminiEmbedding: emb,
      MistralAIEmbedding: emb,
      HuggingFaceEmbedding: emb,
      OpenAIAgent: agentClass,
      AnthropicAgent: agentClass,
      ...workflow,
    },
    '@llamaindex/workflow': workflow,
    '@llamaindex/workflow-core': workflowCore,
    '@llamaindex/core/ingestion': { IngestionPipeline: { new: 'llamaindex.IngestionPipeline' } },
    '@llamaindex/core/agent': { LLMAgent: agentClass },
    '@llamaindex/openai': {
      OpenAI: llm,
      OpenAIResponses: llm,
      openai: { returns: LLM },
      openaiResponses: { returns: LLM },
      OpenAIEmbedding: emb,
      OpenAIAgent: agentClass,
    },
    '@llamaindex/anthropic': { Anthropic: llm, anthropic: { returns: LLM }, AnthropicAgent: agentClass },
    '@llamaindex/groq': { Groq: llm, groq: { returns: LLM } },
    '@llamaindex/ollama': { Ollama: llm, ollama: { returns: LLM }, OllamaEmbedding: emb },
    '@llamaindex/google': { Gemini: llm, gemini: { returns: LLM }, GeminiEmbedding: emb },
    '@llamaindex/mistral': { MistralAI: llm, mistral: { returns: LLM }, MistralAIEmbedding: emb },
    '@llamaindex/huggingface': { HuggingFaceEmbedding: emb },
  },
  types: {
    [LLM]: {
      sdk: 'llamaindex',
      members: {
        chat: { site: { kind: 'llm-call', operation: 'chat' } },
        complete: { site: { kind: 'llm-call', operation: 'text_completion' } },
        // One model call with tools (run for it) and structured output: `llm.exec({ messages, tools })`.
        exec: { site: { kind: 'llm-call', operation: 'chat' } },
      },
    },
    'llamaindex.IngestionPipeline': { sdk: 'llamaindex', members: { run: { site: { kind: 'llm-call', operation: 'embeddings' } } } },
    'llamaindex.EventWorkflow': { sdk: 'llamaindex', members: { createContext: { returns: 'llamaindex.WorkflowContext' } } },
    // `const { sendEvent, stream } = workflow.createContext(); sendEvent(startEvent.with(input))` starts a run.
    'llamaindex.WorkflowContext': { sdk: 'llamaindex', members: { sendEvent: { site: { kind: 'kickoff', operation: 'invoke_workflow' } } } },
    [EMB]: {
      sdk: 'llamaindex',
      members: Object.fromEntries(
        ['getTextEmbedding', 'getQueryEmbedding', 'getTextEmbeddings', 'getTextEmbeddingsBatch'].map((m) => [m, { site: { kind: 'llm-call', operation: 'embeddings' } } satisfies MemberSpec]),
      ),
    },
    [INDEX]: {
      sdk: 'llamaindex',
      members: {
        asQueryEngine: { returns: 'llamaindex.QueryEngine' },
        queryEngine: { returns: 'llamaindex.QueryEngine' },
        asChatEngine: { returns: 'llamaindex.ChatEngine' },
      },
    },
    // Retrieval, then a synthesis call to the LLM.
    'llamaindex.QueryEngine': { sdk: 'llamaindex', members: { query: { site: { kind: 'llm-call', operation: 'chat' } } } },
    'llamaindex.ChatEngine': { sdk: 'llamaindex', members: { chat: { site: { kind: 'llm-call', operation: 'chat' } } } },
    // ReActAgent / OpenAIAgent (agent runner API): one agent's reasoning loop.
    'llamaindex.Agent': { sdk: 'llamaindex', members: { chat: { site: { kind: 'task-execution', operation: 'invoke_agent' } } } },
    // `agent({...})`: a single-agent workflow.
    'llamaindex.AgentWorkflow': {
      sdk: 'llamaindex',
      members: { run: { site: { kind: 'task-execution', operation: 'invoke_agent' } }, runStream: { site: { kind: 'task-execution', operation: 'invoke_agent' } } },
    },
    // `multiAgent({...})` / `new AgentWorkflow({ agents })`: agents handing off to each other.
    'llamaindex.MultiAgentWorkflow': {
      sdk: 'llamaindex',
      members: { run: { site: { kind: 'kickoff', operation: 'invoke_workflow' } }, runStream: { site: { kind: 'kickoff', operation: 'invoke_workflow' } } },
    },
  },
};
