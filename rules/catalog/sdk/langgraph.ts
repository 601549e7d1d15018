import type { MemberSpec, OptionWiring, PackageModel, SiteKind } from '../types.js';

/*
 * LangGraph.js runs are runnables: handlers passed in the run config (`graph.invoke(input, { callbacks })`)
 * or bound with `.withConfig({ callbacks })` trace the run and, through the config LangGraph hands to
 * every node, the model calls inside it. Node functions, conditional-edge functions, `task` and
 * `entrypoint` bodies therefore inherit the run's handlers (scopes here); whether the run itself is
 * traced is the kickoff's concern.
 */

/** Handlers that only keep runs in memory or print them do not count (see the LangChain model). */
const callbacks = (arg: number, mechanism: string): OptionWiring => ({ arg, key: 'callbacks', mechanism, ignores: ['langchain.LocalHandler'] });

/**
 * `registered`: the run does only the work registered on the graph (its nodes, its conditional edges, an
 * entrypoint's function): a graph none of whose nodes reaches a model is no LLM kickoff.
 */
function sites(kind: SiteKind, operation: string, registered = false): Record<string, MemberSpec> {
  const out: Record<string, MemberSpec> = {};
  // `streamLog` and `transform` are the Runnable entry points over `stream` and `_streamIterator`: the same run.
  for (const m of ['invoke', 'stream', 'streamEvents', 'batch', 'streamLog', 'transform']) {
    out[m] = { site: { kind, operation, options: [callbacks(1, 'call-option:langgraph.callbacks')], ...(registered ? { registeredWork: true as const } : {}) } };
  }
  out.withConfig = { returnsSelf: true, returnsOptions: [callbacks(0, 'with-config:langgraph.callbacks')] };
  // Runnables around the graph whose runs are the graph's runs.
  for (const m of ['withRetry', 'withFallbacks', 'withListeners', 'pipe', 'pick', 'assign']) out[m] = { returnsSelf: true };
  return out;
}

/** The rest of a compiled graph's published surface (checked against the package's types by test/catalog-types.test.ts). */
const graphNotRequests: Record<string, string[]> = {
  'the builder the graph was compiled from, and the compile steps that attach its nodes, edges and branches': ['builder.*', 'attachNode', 'attachEdge', 'attachBranch', 'validate'],
  'checkpointed state: reads and writes of the thread’s state through the checkpointer (updateState applies writes as a node would, without running it)': [
    'getState',
    'getStateHistory',
    'updateState',
    'bulkUpdateState',
    'isInterrupted',
    'clearCache',
  ],
  'introspection and serialisation of the graph': ['getName', 'getGraph', 'getGraphAsync', 'getSubgraphs', 'getSubgraphsAsync', 'toJSON', 'toJSONNotImplemented'],
  'the graph’s default config and retry policy: functions LangGraph calls inside a run (stream writer, interrupt, heartbeat, retry predicate)': ['config.*', 'retryPolicy.*'],
  'wraps the graph as a tool: it runs when an agent calls the tool': ['asTool'],
};

const BUILDER = 'langgraph.StateGraph';
const GRAPH = 'langgraph.CompiledGraph';
const AGENT = 'langgraph.Agent';
/** Multi-agent builders (`createSupervisor`, `createSwarm`) come with their agents as nodes already. */
const PREBUILT_BUILDER = 'langgraph.PrebuiltStateGraph';
const PREBUILT_GRAPH = 'langgraph.PrebuiltGraph';
const TASK = 'langgraph.Task';

const builder: MemberSpec = { new: BUILDER };
/** Functions the graph runs inherit the run's handlers, which reach LangChain runnables only. */
const INHERITS = ['langchain', 'langgraph'];
const inherits = (callbackArg: number, name: string): NonNullable<MemberSpec['scope']> => ({ callbackArg, mechanism: `scope:langgraph.${name}`, sdks: INHERITS });
/** A node runs under the handlers of the graph's run: its calls are wired when the graph's runs are. */
const GRAPH_RUN = {
  runner: 'instance',
  outside:
    'it runs in a LangGraph node of a graph that nothing in the repository runs (exported for the LangGraph server or another host?), so whether that run is traced (on the LangGraph server, by the LangSmith settings of its environment) cannot be seen',
} as const;
const nodeScope = (name: string, callbackArg = 1): MemberSpec => ({ returnsSelf: true, scope: { ...inherits(callbackArg, name), fromRun: GRAPH_RUN } });
/*
 * The functional API: an `entrypoint`'s function runs under the runs of the workflow it returns (and is
 * that workflow's work); a `task`'s function runs under the run of whatever calls the task (an entrypoint,
 * another task). Neither is a tracing scope by itself.
 */
const functional: Record<string, MemberSpec> = {
  entrypoint: {
    returns: GRAPH,
    scope: {
      ...inherits(1, 'entrypoint'),
      fromRun: {
        runner: 'result',
        outside:
          'it runs in a LangGraph entrypoint that nothing in the repository invokes (exported for the LangGraph server or another host?), so whether that run is traced (on the LangGraph server, by the LangSmith settings of its environment) cannot be seen',
      },
    },
  },
  task: {
    returns: TASK,
    scope: {
      ...inherits(1, 'task'),
      fromRun: {
        runner: 'callers',
        outside: 'it runs in a LangGraph task that no entrypoint in the repository calls (or one whose run tracewire cannot tell), so whether its run is traced cannot be seen',
      },
    },
  },
};

/**
 * The rest of `@langchain/langgraph`'s exports (checked against its published types by
 * test/catalog-types.test.ts): a run happens only through a compiled graph (`compile()`, `entrypoint()`).
 */
const moduleNotRequests: Record<string, string[]> = {
  'the graph’s state: schemas, channels and reducers that declare and merge it': [
    'Annotation',
    'AnnotationRoot',
    'StateSchema',
    'AnyValue',
    'BaseChannel',
    'BinaryOperatorAggregate',
    'DeltaChannel',
    'DeltaValue',
    'DynamicBarrierValue',
    'EphemeralValue',
    'LastValue',
    'NamedBarrierValue',
    'ReducedValue',
    'Topic',
    'UntrackedValue',
    'UntrackedValueChannel',
    'Overwrite',
    'addMessages',
    'messagesStateReducer',
    'messagesDeltaReducer',
    'pushMessage',
    'getJsonSchemaFromSchema',
    'getSchemaDefaultGetter',
    'isSerializableSchema',
    'isStandardSchema',
  ],
  'checkpointers and stores: persistence of threads and long-term memory': [
    'BaseCheckpointSaver',
    'MemorySaver',
    'BaseStore',
    'InMemoryStore',
    'AsyncBatchedStore',
    'copyCheckpoint',
    'emptyCheckpoint',
    'isCheckpointEnvelope',
  ],
  'control flow inside a run (commands, sends, interrupts, draining) and what a node reads of its run': [
    'Command',
    'CommandInstance',
    'Send',
    'ParentCommand',
    'interrupt',
    'isCommand',
    'isParentCommand',
    'isInterrupted',
    'isInvalidResume',
    '_markInvalidResume',
    'RunControl',
    'getConfig',
    'getCurrentTaskInput',
    'getPreviousState',
    'getStore',
    'getWriter',
    'writer',
  ],
  'errors and interrupts a run throws': [
    'GraphBubbleUp',
    'GraphDrained',
    'GraphInterrupt',
    'NodeInterrupt',
    'RemoteException',
    'isGraphBubbleUp',
    'isGraphDrained',
    'isGraphInterrupt',
    'isNodeError',
    'isNodeTimeoutError',
    'isUnknownInterruptError',
  ],
  'stream plumbing: the events, transformers and run streams a run emits': [
    'ChatModelStreamImpl',
    'EventLog',
    'StreamChannel',
    'GraphRunStream',
    'SubgraphRunStream',
    'convertToProtocolEvent',
    'createGraphRunStream',
    'createLifecycleTransformer',
    'createMessagesTransformer',
    'createSubgraphDiscoveryTransformer',
    'createValuesTransformer',
    'filterLifecycleEntries',
    'filterSubgraphHandles',
    'getSubgraphsSeenSet',
    'isNativeTransformer',
  ],
  // A handler the project extends to observe interrupts and resumes: it exports nothing by itself.
  'a base callback handler for a run’s interrupts and resumes': ['GraphCallbackHandler'],
  // Not followed: a graph built by hand from `new Pregel({ nodes, channels })` rather than compiled.
  'the compiled-graph classes: a graph comes from compile() or entrypoint(), whose runs are the sites': ['Pregel', 'PregelNode', 'CompiledGraph', 'CompiledStateGraph'],
};

/** LangGraph.js: graph builders, compiled graphs, the functional API and the prebuilt agents. */
export const langgraph: PackageModel = {
  id: 'langgraph',
  name: 'LangGraph',
  role: 'sdk',
  package: '@langchain/langgraph',
  docs: 'https://langchain-ai.github.io/langgraphjs/how-tos/',
  modules: {
    '@langchain/langgraph': {
      StateGraph: builder,
      Graph: builder,
      MessageGraph: builder,
      ...functional,
    },
    '@langchain/langgraph/web': {
      StateGraph: builder,
      Graph: builder,
      MessageGraph: builder,
      ...functional,
    },
    // The older prebuilt loops (`createAgentExecutor` over an agent runnable, the deprecated `createFunctionCallingExecutor`) compile to the same kind of graph.
    '@langchain/langgraph/prebuilt': { createReactAgent: { returns: AGENT }, createAgentExecutor: { returns: AGENT }, createFunctionCallingExecutor: { returns: AGENT } },
    // Multi-agent builders return an uncompiled StateGraph.
    '@langchain/langgraph-supervisor': { createSupervisor: { returns: PREBUILT_BUILDER } },
    '@langchain/langgraph-swarm': { createSwarm: { returns: PREBUILT_BUILDER } },
  },
  types: {
    'module:@langchain/langgraph': { sdk: 'langgraph', members: {}, notRequests: moduleNotRequests },
    'module:@langchain/langgraph/prebuilt': {
      sdk: 'langgraph',
      members: {},
      notRequests: {
        'runs the tools an agent asked for, and routes to them': ['ToolNode', 'ToolExecutor', 'toolsCondition'],
        'the prebuilt agent’s state schema': ['createReactAgentAnnotation'],
        // Deprecated (moved to `langchain`); its result is not followed.
        'wraps a chat model to put the agent’s name into its messages: its calls are the model’s': ['withAgentName'],
      },
    },
    [BUILDER]: {
      sdk: 'langgraph',
      members: {
        addNode: nodeScope('addNode'),
        addConditionalEdges: nodeScope('addConditionalEdges'),
        addEdge: { returnsSelf: true },
        // `addSequence([['plan', plan], ['act', act]])`, `addNode({ plan, act })`: nodes listed in the first argument.
        addSequence: nodeScope('addSequence', 0),
        setEntryPoint: { returnsSelf: true },
        setFinishPoint: { returnsSelf: true },
        setNodeDefaults: { returnsSelf: true },
        compile: { returns: GRAPH },
      },
      notRequests: { 'checks the graph’s structure before compiling': ['validate'] },
    },
    [PREBUILT_BUILDER]: { sdk: 'langgraph', extends: BUILDER, members: { compile: { returns: PREBUILT_GRAPH } } },
    // A graph run is a multi-step (often multi-agent) workflow: a kickoff, when its nodes reach a model.
    [GRAPH]: { sdk: 'langgraph', members: sites('kickoff', 'invoke_workflow', true), notRequests: graphNotRequests },
    [PREBUILT_GRAPH]: { sdk: 'langgraph', members: sites('kickoff', 'invoke_workflow'), notRequests: graphNotRequests },
    // Calling a task runs its function in the caller's run.
    [TASK]: { sdk: 'langgraph', members: { '': { runsRegistered: true } } },
    // `createReactAgent`: one agent's model/tool loop.
    [AGENT]: { sdk: 'langgraph', members: sites('task-execution', 'invoke_agent'), notRequests: graphNotRequests },
  },
};
