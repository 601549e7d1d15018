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

/** A retriever that asks the LLM which nodes match (`KeywordTableLLMRetriever`: the query's keywords; `SummaryIndexLLMRetriever`: a choice among the nodes), with `llm.complete`. */
const LLM_RETRIEVER = 'llamaindex.LLMRetriever';
/** `CorrectnessEvaluator`, `FaithfulnessEvaluator`, `RelevancyEvaluator`: `evaluate` asks the LLM to judge a response. */
const EVALUATOR = 'llamaindex.Evaluator';
/** Metadata extractors (`TitleExtractor`, `SummaryExtractor`, ...): `extract` asks the LLM (`llm.complete`) once per node. */
const EXTRACTOR = 'llamaindex.Extractor';
/** `LLMSingleSelector` / `LLMMultiSelector`: `select` asks the LLM (`llm.complete`) to pick among choices (a router query engine's selector). */
const SELECTOR = 'llamaindex.Selector';
/** `LLMQuestionGenerator`: `generate` asks the LLM (`llm.complete`) for sub-questions (a sub-question query engine's generator). */
const QUESTION_GENERATOR = 'llamaindex.QuestionGenerator';
/** `JinaAIReranker`: `rerank` / `postprocessNodes` POST to Jina AI's rerank API (`https://api.jina.ai/v1/rerank`). */
const RERANKER = 'llamaindex.Reranker';

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

/** The classes of `llamaindex` (re-exported from its subpackages) whose instances call a model themselves. */
const coreClasses: Record<string, MemberSpec> = {
  CompactAndRefine: { new: SYNTHESIZER },
  Refine: { new: SYNTHESIZER },
  TreeSummarize: { new: SYNTHESIZER },
  MultiModal: { new: SYNTHESIZER },
  getResponseSynthesizer: { returns: SYNTHESIZER },
  VectorIndexRetriever: { new: RETRIEVER },
  KeywordTableLLMRetriever: { new: LLM_RETRIEVER },
  SummaryIndexLLMRetriever: { new: LLM_RETRIEVER },
  RouterQueryEngine: { new: 'llamaindex.QueryEngine' },
  SubQuestionQueryEngine: { new: 'llamaindex.QueryEngine' },
  CorrectnessEvaluator: { new: EVALUATOR },
  FaithfulnessEvaluator: { new: EVALUATOR },
  RelevancyEvaluator: { new: EVALUATOR },
  KeywordExtractor: { new: EXTRACTOR },
  QuestionsAnsweredExtractor: { new: EXTRACTOR },
  SummaryExtractor: { new: EXTRACTOR },
  TitleExtractor: { new: EXTRACTOR },
  LLMSingleSelector: { new: SELECTOR },
  LLMMultiSelector: { new: SELECTOR },
  getSelectorFromContext: { returns: SELECTOR },
  LLMQuestionGenerator: { new: QUESTION_GENERATOR },
  JinaAIReranker: { new: RERANKER },
  // Runs the transformations over the nodes, as `IngestionPipeline.run` does: embedding models and LLM extractors.
  runTransformations: { site: { kind: 'llm-call', operation: 'embeddings' } },
};

/** The rest of the `llamaindex` entry point (checked against its published types by test/catalog-types.test.ts). */
const llamaindexModuleNotRequests: Record<string, string[]> = {
  'base classes the project (or a provider package) extends: its own implementations are what runs': [
    'BaseLLM',
    'ToolCallLLM',
    'LiveLLM',
    'LiveLLMSession',
    'BaseEmbedding',
    'MultiModalEmbedding',
    'BaseChatEngine',
    'BaseQueryEngine',
    'BaseSynthesizer',
    'BaseRetriever',
    'BaseExtractor',
    'BaseIndex',
    'BaseSelector',
    'BaseMemory',
    'BaseMemoryBlock',
    'BasePromptTemplate',
    'PromptMixin',
    'TransformComponent',
    'RollbackableTransformComponent',
    'NodeParser',
    'TextSplitter',
    'MetadataAwareTextSplitter',
  ],
  // Not followed: a summary buffer, a fact-extraction block or a vector block calls its own LLM or embedding model when the engine or agent updates the memory in a chat.
  'chat memory and memory blocks, updated by the chat engines and agents that hold them': [
    'Memory',
    'createMemory',
    'loadMemory',
    'ChatMemoryBuffer',
    'ChatSummaryMemoryBuffer',
    'StaticMemoryBlock',
    'FactExtractionMemoryBlock',
    'VectorMemoryBlock',
    'staticBlock',
    'factExtractionBlock',
    'vectorBlock',
    'ChatMessageAdapter',
    'VercelMessageAdapter',
    'BaseChatStore',
    'SimpleChatStore',
  ],
  'the agent runner’s internals: the workers and step functions an agent’s chat/createTask runs (a step calls the LLM it is given)': [
    'AgentRunner',
    'AgentWorker',
    'LLMAgentWorker',
    'ReACTAgentWorker',
    'stepTools',
    'stepToolsStreaming',
    'callTool',
    'validateAgentParams',
  ],
  'tools an agent calls (a query engine tool runs its engine when the agent calls it)': ['FunctionTool', 'tool', 'QueryEngineTool', 'SimpleToolNodeMapping'],
  // `ObjectIndex.fromObjects(...)` builds a vector index over the objects (embedding them); not followed.
  'an index over tools or other objects, built on a vector index': ['ObjectIndex'],
  'retrieves a context chat engine’s context through the retriever it is given': ['DefaultContextGenerator'],
  'retrievers that match stored keywords or return every node, and their local keyword extraction: no model': [
    'KeywordTableSimpleRetriever',
    'KeywordTableRAKERetriever',
    'SummaryIndexRetriever',
    'simpleExtractKeywords',
    'rakeExtractKeywords',
    'expandTokensWithSubtokens',
    'extractKeywordsGivenResponse',
    'defaultFormatNodeBatchFn',
    'defaultParseChoiceSelectAnswerFn',
    'defaultEvaluationParser',
  ],
  'documents, nodes and node parsers (text splitting): local': [
    'BaseNode',
    'Document',
    'ImageDocument',
    'ImageNode',
    'IndexNode',
    'TextNode',
    'buildNodeFromSplits',
    'jsonToNode',
    'splitNodesByType',
    'metadataDictToNode',
    'nodeToMetadata',
    'MarkdownNodeParser',
    'SentenceSplitter',
    'SentenceWindowNodeParser',
    'SimpleNodeParser',
    'TokenTextSplitter',
    'CodeSplitter',
    'HTMLNodeParser',
    'splitByChar',
    'splitByPhraseRegex',
    'splitByRegex',
    'splitBySentenceTokenizer',
    'splitBySep',
    'truncateText',
    'truncateMaxTokens',
  ],
  'storage: document, index, key-value and vector stores, and the index structures kept in them': [
    'storageContextFromDefaults',
    'BaseDocumentStore',
    'KVDocumentStore',
    'SimpleDocumentStore',
    'docToJson',
    'isValidDocJson',
    'jsonToDoc',
    'BaseIndexStore',
    'KVIndexStore',
    'SimpleIndexStore',
    'BaseKVStore',
    'BaseInMemoryKVStore',
    'SimpleKVStore',
    'BaseVectorStore',
    'SimpleVectorStore',
    'IndexDict',
    'IndexList',
    'IndexStruct',
    'KeywordTable',
    'jsonToIndexStruct',
    'escapeLikeString',
    'parseArrayValue',
    'parseNumberValue',
    'parsePrimitiveValue',
    'validateIsFlat',
    'exists',
    'walk',
  ],
  'ingestion bookkeeping: the cache, de-duplication strategies and writing nodes to the stores': [
    'IngestionCache',
    'DuplicatesStrategy',
    'UpsertsStrategy',
    'UpsertsAndDeleteStrategy',
    'createDocStoreStrategy',
    'classify',
    'getTransformationHash',
    'addNodesToVectorStores',
  ],
  'vector maths over embeddings already made, and batching of an embedding function it is given': ['similarity', 'getTopKEmbeddings', 'getTopKMMREmbeddings', 'batchEmbeddings'],
  'prompt templates, prompt fitting and output parsing: local': ['PromptTemplate', 'PromptHelper', 'getBiggestPrompt', 'SubQuestionOutputParser', 'parseJsonMarkdown', 'createMessageContent', 'toToolDescriptions'],
  'node post-processors that filter or rewrite retrieved nodes locally': ['SimilarityPostprocessor', 'MetadataReplacementPostProcessor'],
  'responses, events and the callback manager LlamaIndex reports them to': ['EngineResponse', 'CallbackManager'],
  'reading local files': ['FileReader'],
  'message, stream and data utilities': [
    'addContentPart',
    'consumeAsyncIterable',
    'createReadableStream',
    'streamCallbacks',
    'streamConverter',
    'streamReducer',
    'messagesToHistory',
    'extractText',
    'extractSingleText',
    'extractImage',
    'extractDataUrlComponents',
    'getMimeTypeFromDataUrl',
    'imageToDataUrl',
    'blobToDataUrl',
    'base64ToBlob',
    'base64ToUint8Array',
    'uint8ArrayToBase64',
    'stringifyJSONToMessageContent',
    'assertIsJSONValue',
    'isAsyncIterable',
    'isIterable',
    'isPromise',
    'objectEntries',
    'prettifyError',
  ],
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
      ...coreClasses,
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
    'module:llamaindex': { sdk: 'llamaindex', members: {}, notRequests: llamaindexModuleNotRequests },
    [LLM_RETRIEVER]: {
      sdk: 'llamaindex',
      // `getKeywords(query)` is the keyword retriever's `llm.complete` on its own.
      members: { retrieve: { site: { kind: 'llm-call', operation: 'text_completion' } }, getKeywords: { site: { kind: 'llm-call', operation: 'text_completion' } } },
      notRequests: {
        'the retriever’s prompt templates, and the helpers that format the nodes for the prompt and parse the answer': ['getPrompts', 'updatePrompts', 'validatePrompts', 'choiceSelectPrompt.*', 'formatNodeBatchFn', 'parseChoiceSelectAnswerFn'],
        'the index the retriever reads (a keyword table or summary index: its methods are classified on the index types)': ['index.*'],
      },
    },
    [EVALUATOR]: {
      sdk: 'llamaindex',
      members: { evaluate: { site: { kind: 'llm-call', operation: 'chat' } }, evaluateResponse: { site: { kind: 'llm-call', operation: 'chat' } } },
      notRequests: { 'the evaluator’s prompt templates': ['getPrompts', 'updatePrompts', 'validatePrompts'] },
    },
    [EXTRACTOR]: {
      sdk: 'llamaindex',
      // `extract(nodes)` runs the extractor's per-node step (`extractKeywordsFromNodes`, `extractQuestionsFromNode`, `generateNodeSummary`): one `llm.complete` each.
      members: {
        ...Object.fromEntries(
          ['extract', 'processNodes', 'extractKeywordsFromNodes', 'extractQuestionsFromNode', 'generateNodeSummary'].map((m) => [m, { site: { kind: 'llm-call', operation: 'text_completion' } } satisfies MemberSpec]),
        ),
        llm: { is: LLM },
      },
      notRequests: { 'the prompt templates the extractor formats: local': ['promptTemplate.*', 'nodeTemplate.*', 'combineTemplate.*'] },
    },
    [SELECTOR]: {
      sdk: 'llamaindex',
      members: { select: { site: { kind: 'llm-call', operation: 'text_completion' } }, llm: { is: LLM } },
      notRequests: {
        'the selector’s prompt template and output parser: local': ['getPrompts', 'updatePrompts', 'validatePrompts', 'prompt.*', 'outputParser.*'],
        'wraps the selector as a query-pipeline component (it selects when the pipeline runs it)': ['asQueryComponent'],
      },
    },
    [QUESTION_GENERATOR]: {
      sdk: 'llamaindex',
      members: { generate: { site: { kind: 'llm-call', operation: 'text_completion' } }, llm: { is: LLM } },
      notRequests: { 'the generator’s prompt template and output parser: local': ['getPrompts', 'updatePrompts', 'validatePrompts', 'prompt.*', 'outputParser.*'] },
    },
    [RERANKER]: {
      sdk: 'llamaindex',
      members: { rerank: { site: { kind: 'llm-call', operation: 'rerank' } }, postprocessNodes: { site: { kind: 'llm-call', operation: 'rerank' } } },
    },
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
      members: { retrieve: { site: { kind: 'llm-call', operation: 'embeddings' } }, index: { is: VECTOR_INDEX } },
      notRequests: { 'the retriever’s prompt templates': ['getPrompts', 'updatePrompts', 'validatePrompts'] },
    },
    // `synthesize` → the LLM (`llm.chat` / `llm.complete`, by response mode) over the retrieved nodes.
    [SYNTHESIZER]: {
      sdk: 'llamaindex',
      members: {
        synthesize: { site: { kind: 'llm-call', operation: 'chat' } },
        // What `synthesize` runs: `getResponse(query, nodes, stream)` (refine, compact, tree summarize), `complete({ prompt })` (refine's `llm.complete`).
        getResponse: { site: { kind: 'llm-call', operation: 'chat' } },
        complete: { site: { kind: 'llm-call', operation: 'text_completion' } },
        llm: { is: LLM },
      },
      notRequests: {
        'the synthesizer’s prompt templates': ['getPrompts', 'updatePrompts', 'validatePrompts', 'textQATemplate.*', 'refineTemplate.*', 'summaryTemplate.*'],
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
        // A sub-question query engine's generator.
        questionGen: { is: QUESTION_GENERATOR },
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
