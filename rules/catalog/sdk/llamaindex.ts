import type { MemberSpec, PackageModel } from '../types.js';

/*
 * LlamaIndex.TS has no per-call tracing option: its calls are traced by instrumentation registered at
 * start-up (OpenLLMetry, Laminar, ...) or by an enclosing traced scope.
 */

const LLM = 'llamaindex.LLM';
const EMB = 'llamaindex.Embedding';
const INDEX = 'llamaindex.Index';

/** `VectorStoreIndex`: inserting nodes embeds them with the index's embedding model. */
const VECTOR_INDEX = 'llamaindex.VectorIndex';
/** `KeywordTableIndex`: inserting nodes asks `Settings.llm` for their keywords (`extractKeywords`: `llm.complete`). */
const KEYWORD_INDEX = 'llamaindex.KeywordIndex';

/** A vector index's retriever: `retrieve(query)` embeds the query with the index's embedding model, then queries the vector stores. */
const RETRIEVER = 'llamaindex.Retriever';
/** A query engine's response synthesizer: `synthesize({ query, nodes })` asks its LLM for the answer. */
const SYNTHESIZER = 'llamaindex.ResponseSynthesizer';

const llm: MemberSpec = { new: LLM, annotation: LLM };
const emb: MemberSpec = { new: EMB, annotation: EMB };
const index: MemberSpec = { new: INDEX, annotation: INDEX };
const vectorIndex: MemberSpec = { new: VECTOR_INDEX, annotation: VECTOR_INDEX };
const keywordIndex: MemberSpec = { new: KEYWORD_INDEX, annotation: KEYWORD_INDEX };
const agentClass: MemberSpec = { new: 'llamaindex.Agent' };
const agentFactory: MemberSpec = { returns: 'llamaindex.AgentWorkflow' };
const multiAgent: MemberSpec = { returns: 'llamaindex.MultiAgentWorkflow' };

const indexClass = (type: string): Record<string, MemberSpec> => ({
  fromDocuments: { returns: type },
  init: { returns: type },
  fromVectorStore: { returns: type },
  fromVectorStores: { returns: type },
});
const prefixed = (name: string, members: Record<string, MemberSpec>) => Object.fromEntries(Object.entries(members).map(([k, v]) => [`${name}.${k}`, v]));

/** Event-driven workflows (`@llamaindex/workflow-core`): sending the start event through a context runs the handlers. */
const workflowCore: Record<string, MemberSpec> = { createWorkflow: { returns: 'llamaindex.EventWorkflow' } };

/**
 * `run(workflow, events)`, and the deprecated `runWorkflow` / `runAndCollect` / `runStream(workflow, input, output)`:
 * `workflow.createContext()` then `sendEvent(...)`, the run written out by the package.
 */
const workflowRuns: Record<string, MemberSpec> = Object.fromEntries(
  ['run', 'runWorkflow', 'runAndCollect', 'runStream'].map((m) => [m, { site: { kind: 'kickoff', operation: 'invoke_workflow' } } satisfies MemberSpec]),
);

/** The rest of `@llamaindex/workflow`'s exports (checked against its published types by test/catalog-types.test.ts). */
const workflowNotRequests: Record<string, string[]> = {
  'workflow events: declaring, matching and merging them': ['workflowEvent', 'zodEvent', 'isWorkflowEvent', 'isWorkflowEventData', 'or', 'eventSource'],
  'the stream of a run’s events, and the context a handler reads inside a run': ['WorkflowStream', 'getContext', 'extendContext'],
  // `withState(workflow)` gives a workflow whose `createContext(state)` and `sendEvent` are the run; not followed.
  'state middleware for a workflow': ['createStatefulMiddleware'],
  'an agent of an agent workflow, and the handler that steps it inside the workflow’s run': ['FunctionAgent', 'agentHandler'],
};

const workflow: Record<string, MemberSpec> = {
  ...workflowCore,
  agent: agentFactory,
  multiAgent,
  AgentWorkflow: { new: 'llamaindex.MultiAgentWorkflow' },
  'AgentWorkflow.fromTools': agentFactory,
};

/** `runStream` is `createContext()` then `sendEvent(startAgentEvent.with(...))`: the same run, written out. */
const agentWorkflowSteps: Record<string, MemberSpec> = { createContext: { returns: 'llamaindex.WorkflowContext' } };
const agentWorkflowNotRequests: Record<string, string[]> = {
  'registers a handler for events of the underlying workflow': ['handle'],
  'the workflow’s agents and the handoff tools between them': ['addAgent', 'getAgents', 'createHandoffTool'],
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
      VectorStoreIndex: vectorIndex,
      ...prefixed('VectorStoreIndex', indexClass(VECTOR_INDEX)),
      SummaryIndex: index,
      ...prefixed('SummaryIndex', indexClass(INDEX)),
      KeywordTableIndex: keywordIndex,
      // Runs the transformations over the documents: embedding models, and LLM-based extractors.
      IngestionPipeline: { new: 'llamaindex.IngestionPipeline' },
      ...prefixed('KeywordTableIndex', indexClass(KEYWORD_INDEX)),
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
    '@llamaindex/workflow': { ...workflow, ...workflowRuns },
    '@llamaindex/workflow-core': workflowCore,
    '@llamaindex/workflow-core/stream/run': workflowRuns,
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
    'module:@llamaindex/workflow': { sdk: 'llamaindex', members: {}, notRequests: workflowNotRequests },
    [LLM]: {
      sdk: 'llamaindex',
      members: {
        chat: { site: { kind: 'llm-call', operation: 'chat' } },
        complete: { site: { kind: 'llm-call', operation: 'text_completion' } },
        // One model call with tools (run for it) and structured output: `llm.exec({ messages, tools })`.
        exec: { site: { kind: 'llm-call', operation: 'chat' } },
      },
    },
    'llamaindex.IngestionPipeline': {
      sdk: 'llamaindex',
      members: { run: { site: { kind: 'llm-call', operation: 'embeddings' } } },
      notRequests: {
        'the pipeline’s cache of transformed nodes': ['cache.*'],
        'reads the input documents and nodes (from the reader or docstore)': ['prepareInput', 'reader.loadData'],
        'the stores run() writes the nodes to (document store, vector stores and their clients)': ['docStore.*', 'vectorStore.*', 'vectorStores.*'],
      },
    },
    'llamaindex.EventWorkflow': {
      sdk: 'llamaindex',
      members: { createContext: { returns: 'llamaindex.WorkflowContext' } },
      notRequests: { 'registers a handler for events: the workflow’s work, run when sendEvent delivers a matching event': ['handle'] },
    },
    // `const { sendEvent, stream } = workflow.createContext(); sendEvent(startEvent.with(input))` starts a run.
    'llamaindex.WorkflowContext': {
      sdk: 'llamaindex',
      members: { sendEvent: { site: { kind: 'kickoff', operation: 'invoke_workflow' } } },
      notRequests: { 'the events a run emits: reading the stream waits on the run sendEvent started': ['stream.*'] },
    },
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
      notRequests: {
        // A vector index's retriever embeds the query (`llamaindex.VectorIndex`); a summary index's returns the stored nodes.
        'returns a retriever over the index': ['asRetriever', 'retriever'],
        'the index’s storage (document store, index store, vector stores and their clients, the index structure): reads and writes of stored nodes and vectors; a vector store’s query takes an embedding already made': [
          'storageContext.*',
          'docStore.*',
          'indexStore.*',
          'vectorStores.*',
          'indexStruct.*',
        ],
        'wraps a query engine over the index as an agent tool: it runs when an agent calls the tool': ['asQueryTool', 'queryTool'],
        'document-store and vector-store management (deleting nodes and documents, reading what was ingested)': ['deleteRefDoc', 'deleteNodes', 'deleteNode', 'getRefDocInfo'],
        // A summary index keeps the nodes as they are (`indexStruct.addNode`): no model.
        'stores the nodes in the index as they are': ['insert', 'insertNodes'],
      },
    },
    // `insert(document)` → `insertNodes(nodes)` → `getNodeEmbeddingResults(nodes)` → the embedding model; `buildIndexFromNodes` inserts.
    [VECTOR_INDEX]: {
      sdk: 'llamaindex',
      extends: INDEX,
      members: {
        ...Object.fromEntries(['insert', 'insertNodes', 'buildIndexFromNodes', 'getNodeEmbeddingResults'].map((m) => [m, { site: { kind: 'llm-call', operation: 'embeddings' } } satisfies MemberSpec])),
        asRetriever: { returns: RETRIEVER },
        retriever: { returns: RETRIEVER },
      },
    },
    // `VectorIndexRetriever.retrieve` → `retrieveQuery`: the query's embedding from the index's embedding model, then the vector stores.
    [RETRIEVER]: {
      sdk: 'llamaindex',
      members: { retrieve: { site: { kind: 'llm-call', operation: 'embeddings' } } },
      notRequests: { 'the retriever’s prompt templates': ['getPrompts', 'updatePrompts', 'validatePrompts'] },
    },
    // `synthesize` → the LLM (`llm.chat` / `llm.complete`, by response mode) over the retrieved nodes.
    [SYNTHESIZER]: {
      sdk: 'llamaindex',
      members: { synthesize: { site: { kind: 'llm-call', operation: 'chat' } }, llm: { is: LLM } },
      notRequests: {
        'the synthesizer’s prompt templates': ['getPrompts', 'updatePrompts', 'validatePrompts'],
        'fits the retrieved text into the LLM’s context window: local text splitting': ['promptHelper.*'],
      },
    },
    // `insert(document)` → `insertNodes(nodes)` → `KeywordTableIndex.extractKeywords(text)` → `Settings.llm.complete(...)` per node.
    [KEYWORD_INDEX]: {
      sdk: 'llamaindex',
      extends: INDEX,
      members: Object.fromEntries(['insert', 'insertNodes'].map((m) => [m, { site: { kind: 'llm-call', operation: 'text_completion' } } satisfies MemberSpec])),
    },
    // Retrieval, then a synthesis call to the LLM.
    'llamaindex.QueryEngine': {
      sdk: 'llamaindex',
      members: {
        query: { site: { kind: 'llm-call', operation: 'chat' } },
        // `RetrieverQueryEngine.retrieve(params)` → `retriever.retrieve(...)`: a vector index's retriever embeds the query.
        retrieve: { site: { kind: 'llm-call', operation: 'embeddings' } },
        retriever: { is: RETRIEVER },
        responseSynthesizer: { is: SYNTHESIZER },
      },
      notRequests: { 'the engine’s prompt templates': ['getPrompts', 'updatePrompts', 'validatePrompts'] },
    },
    'llamaindex.ChatEngine': {
      sdk: 'llamaindex',
      members: {
        chat: { site: { kind: 'llm-call', operation: 'chat' } },
        // The LLM of a simple or context chat engine, the LLM and query engine of a condense-question one.
        chatModel: { is: LLM },
        llm: { is: LLM },
        queryEngine: { is: 'llamaindex.QueryEngine' },
      },
      notRequests: {
        'clears the engine’s chat history': ['reset'],
        'the engine’s prompt templates': ['getPrompts', 'updatePrompts', 'validatePrompts', 'condenseMessagePrompt.*'],
        // `chat()` runs them: `manageMemoryBlocks()` hands new messages to the memory blocks (a fact-extraction block asks its own LLM).
        'the engine’s chat memory (messages and memory blocks), kept up by chat()': ['memory.*'],
      },
    },
    // ReActAgent / OpenAIAgent (agent runner API): one agent's reasoning loop.
    'llamaindex.Agent': {
      sdk: 'llamaindex',
      members: {
        chat: { site: { kind: 'task-execution', operation: 'invoke_agent' } },
        // `chat()` is built on it: `createTask(message)` returns the stream of the task's steps, each a call to the LLM (`taskHandler`).
        createTask: { site: { kind: 'task-execution', operation: 'invoke_agent' } },
        llm: { is: LLM },
      },
      notRequests: {
        'the agent’s state: its store, chat history and tools': ['createStore', 'reset', 'getTools'],
        'the step function the runner calls for each step of a task (inside createTask and chat)': ['taskHandler'],
      },
    },
    // `agent({...})`: a single-agent workflow.
    'llamaindex.AgentWorkflow': {
      sdk: 'llamaindex',
      members: { run: { site: { kind: 'task-execution', operation: 'invoke_agent' } }, runStream: { site: { kind: 'task-execution', operation: 'invoke_agent' } }, ...agentWorkflowSteps },
      notRequests: agentWorkflowNotRequests,
    },
    // `multiAgent({...})` / `new AgentWorkflow({ agents })`: agents handing off to each other.
    'llamaindex.MultiAgentWorkflow': {
      sdk: 'llamaindex',
      members: { run: { site: { kind: 'kickoff', operation: 'invoke_workflow' } }, runStream: { site: { kind: 'kickoff', operation: 'invoke_workflow' } }, ...agentWorkflowSteps },
      notRequests: agentWorkflowNotRequests,
    },
  },
};
