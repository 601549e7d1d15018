import type { MemberSpec, PackageModel } from '../types.js';

/*
 * Mastra traces agents and workflows through the observability configured on the `Mastra` instance they
 * are registered with (`new Mastra({ agents: { support }, observability: new Observability({...}) })`).
 * Registration is per instance: an agent constructed but not passed to such an instance is not traced.
 */

const agent: MemberSpec = { new: 'mastra.Agent', annotation: 'mastra.Agent' };
const mastra: MemberSpec = {
  new: 'mastra.Instance',
  annotation: 'mastra.Instance',
  // Only the agents, workflows and networks registered on an instance with `observability` are traced
  // (and whatever is obtained from the instance: `mastra.getAgent('x')`). An unregistered agent produces
  // no traces, and the pre-v1 `telemetry` key no longer traces anything.
  registers: { arg: 0, keys: ['agents', 'workflows', 'legacy_workflows', 'networks', 'vnext_networks'], self: true, when: ['observability'], mechanism: 'registration:mastra.observability' },
};
const createWorkflow: MemberSpec = { returns: 'mastra.Workflow' };
const workflowClass: MemberSpec = { new: 'mastra.Workflow' };

const agentCall: MemberSpec = { site: { kind: 'llm-call', operation: 'invoke_agent' } };
const networkRun: MemberSpec = { site: { kind: 'kickoff', operation: 'invoke_workflow' } };
const workflowRun: MemberSpec = { site: { kind: 'kickoff', operation: 'invoke_workflow' } };
// A model request the agent makes itself, outside a run: the title of a memory thread from its first message.
const titleCall: MemberSpec = { site: { kind: 'llm-call', operation: 'chat' } };
const self: MemberSpec = { returnsSelf: true };

/** Mastra (`@mastra/core`): agents, agent networks and workflows. */
export const mastraModel: PackageModel = {
  id: 'mastra',
  name: 'Mastra',
  role: 'sdk',
  package: '@mastra/core',
  docs: 'https://mastra.ai/docs/observability/tracing/overview',
  modules: {
    '@mastra/core': { Mastra: mastra, Agent: agent, createWorkflow, Workflow: workflowClass },
    '@mastra/core/mastra': { Mastra: mastra },
    '@mastra/core/agent': { Agent: agent },
    '@mastra/core/workflows': { createWorkflow, Workflow: workflowClass },
    // 0.x: the first workflow API, kept as `legacy_workflows`.
    '@mastra/core/workflows/legacy': { LegacyWorkflow: workflowClass, Workflow: workflowClass },
    // 0.x: agent networks before `agent.network()`.
    '@mastra/core/network': { AgentNetwork: { new: 'mastra.Network' } },
    '@mastra/core/network/vNext': { NewAgentNetwork: { new: 'mastra.Network' } },
    // 1.1+: a control layer over several agent modes; each message runs the current mode's agent.
    '@mastra/core/harness': { Harness: { new: 'mastra.Harness', annotation: 'mastra.Harness' } },
  },
  types: {
    'mastra.Instance': {
      sdk: 'mastra',
      members: {
        getAgent: { returns: 'mastra.Agent' },
        getAgentById: { returns: 'mastra.Agent' },
        getWorkflow: { returns: 'mastra.Workflow' },
        getWorkflowById: { returns: 'mastra.Workflow' },
        // Boot-time recovery: restarts every active run of every registered workflow (`createRun().restart()`),
        // and recovers the active runs of every durable agent (`DurableAgent.recoverActiveRuns()`).
        restartAllActiveWorkflowRuns: workflowRun,
        recoverAllDurableAgents: agentCall,
      },
      notRequests: {
        'the registries of the instance: reading, adding and removing its agents, workflows, harnesses, agent controllers, tools, scorers, classifiers, processors, memories, vectors, workspaces, prompt blocks, MCP servers, gateways and TTS providers (a `get…` hands back what was registered; no request)': [
          'listAgents', 'addAgent', 'removeAgent', 'resolveVersionedAgent',
          'getAgentController', 'getAgentControllerById', 'listAgentControllers',
          'getHarness', 'getHarnessById', 'listHarnesses',
          'listWorkflows', 'addWorkflow', 'removeWorkflow', 'addDynamicWorkflow', 'addDynamicWorkflows', 'getWorkflowOrigin', 'listActiveWorkflowRuns',
          'getTool', 'getToolById', 'listTools', 'addTool', 'removeTool', 'getToolPayloadTransform',
          'listScorers', 'addScorer', 'getScorer', 'getScorerById', 'removeScorer',
          'listClassifiers', 'addClassifier', 'getClassifier', 'getClassifierById', 'removeClassifier',
          'getProcessor', 'getProcessorById', 'listProcessors', 'addProcessor', 'addProcessorConfiguration', 'getProcessorConfigurations', 'listProcessorConfigurations',
          'getMemory', 'getMemoryById', 'listMemory', 'addMemory',
          'getVector', 'getVectorById', 'listVectors', 'addVector', 'getVectors',
          'getWorkspace', 'getWorkspaceById', 'listWorkspaces', 'addWorkspace', 'removeWorkspace',
          'listPromptBlocks', 'addPromptBlock', 'getPromptBlock', 'getPromptBlockById', 'removePromptBlock',
          'listMCPServers', 'addMCPServer', 'getMCPServer', 'getMCPServerById',
          'getGateway', 'getGatewayById', 'listGateways', 'addGateway',
          'getTTS', 'getChannels', 'getChannelProvider', 'getChannelProviders', 'getEditor', 'getStoredAgentCache', 'getStoredScorerCache', 'getVersionOverrides',
        ],
        'configuration and services of the instance: storage, logger, id generator, server, studio, deployer, bundler, environment, its cache, log queries, observability registry, metrics and datasets': [
          'setStorage', 'getStorage', 'setLogger', 'getLogger', 'loggerVNext.*', 'getIdGenerator', 'setIdGenerator', 'generateId',
          'setServer', 'getServer', 'setStudio', 'getStudio', 'setMastraServer', 'getMastraServer', 'getServerApp', 'getServerMiddleware', 'setServerMiddleware', 'getServerCache', 'serverCache.*',
          'getDeployer', 'getBundlerConfig', 'getEnvironment', 'listLogs', 'listLogsByRunId',
          'registerExporter', 'observability.*', 'metrics.*', 'datasets.*',
        ],
        'the instance’s messaging and workers: its pubsub, topic listeners, the evented workflow engine’s event handler, the background task manager and the execution and schedule workers (they carry on runs that a `start()`/`stream()` site or a schedule began; shutting down stops them)': [
          'pubsub.*', 'addTopicListener', 'removeTopicListener', 'handleWorkflowEvent', 'backgroundTaskManager.*',
          'getWorker', 'getWorkerConfig', 'startWorkers', 'stopWorkers', 'startEventEngine', 'stopEventEngine', 'shutdown',
        ],
        'schedules: creating, reading, pausing and deleting them; `schedules.run(id)` fires one now by publishing an event that a schedule worker picks up, and the scheduler ticks the same way (the run itself happens in the worker)': [
          'schedules.*', 'scheduler.*', 'registerDeclarativeSchedules',
        ],
        'the runtime behind an agent’s thread APIs (`agent.sendMessage()`, `sendSignal()`, `sendToolApproval()`: the sites), taking the agent as an argument: internal bookkeeping of thread runs, ownership and queued signals': ['agentThreadStreamRuntime.*'],
      },
    },
    'mastra.Agent': {
      sdk: 'mastra',
      members: {
        generate: agentCall,
        stream: agentCall,
        // 0.x names of the AI SDK v5 ("vNext") loop, and 1.x names of the v4 one.
        generateVNext: agentCall,
        streamVNext: agentCall,
        generateLegacy: agentCall,
        streamLegacy: agentCall,
        resumeGenerate: agentCall,
        resumeStream: agentCall,
        streamUntilIdle: agentCall,
        resumeStreamUntilIdle: agentCall,
        network: networkRun,
        // The durable wrapper returned by `getAgent()` for a durable agent holds the agent it runs.
        agent: { is: 'mastra.Agent' },
        // Approving or declining a suspended tool call resumes the run (`resumeStream`, `resumeGenerate`, `resumeNetwork`).
        approveToolCall: agentCall,
        declineToolCall: agentCall,
        approveToolCallGenerate: agentCall,
        declineToolCallGenerate: agentCall,
        resumeNetwork: networkRun,
        approveNetworkToolCall: networkRun,
        declineNetworkToolCall: networkRun,
        // Thread messages and signals wake an idle thread by streaming the agent on it (the default `ifIdle`
        // behaviour); tool approvals and stream resumes sent to a thread continue its run.
        sendMessage: agentCall,
        queueMessage: agentCall,
        sendSignal: agentCall,
        sendStateSignal: agentCall,
        sendNotificationSignal: agentCall,
        sendToolApproval: agentCall,
        sendStreamResume: agentCall,
        // Durable agents (`durable: true`): resuming and recovering persisted runs.
        resume: agentCall,
        recover: agentCall,
        recoverActiveRuns: agentCall,
        // The title of a memory thread: one request to the agent's model (`getLLM()`), outside any run.
        generateTitleFromUserMessage: titleCall,
        genTitle: titleCall,
      },
      notRequests: {
        'configuration of the agent: its instructions, model list, tools, processors, memory, workspace, skills, voice, browser, channels, scorers, sub-agents, workflows, default options, tracing policy and background tasks (reading or changing them; `getLLM()` and `getModel()` resolve the model without calling it)': [
          'getMastraInstance', 'getPubSub', 'hasOwnPubSub', 'getBackgroundTasksConfig', 'disableBackgroundTasks', 'enableBackgroundTasks', 'getToolPayloadTransform',
          'setObjective', 'getObjective', 'clearObjective', 'updateObjectiveOptions',
          'getChannels', 'setChannels', 'setBrowser', 'hasOwnBrowser', 'listAgents',
          'listInputProcessors', 'listOutputProcessors', 'listErrorProcessors', 'resolveProcessorById', 'listConfiguredInputProcessors', 'listConfiguredOutputProcessors', 'getConfiguredProcessorIds', 'getConfiguredProcessorWorkflows',
          'hasOwnMemory', 'getMemory', 'hasOwnWorkspace', 'getWorkspace', 'getSkill', 'listSkills', 'listWorkflows', 'listScorers', 'getVoice',
          'getInstructions', 'getDescription', 'getDeclaredSchedules', 'getTracingPolicy', 'getMetadata',
          'getDefaultGenerateOptionsLegacy', 'getDefaultStreamOptionsLegacy', 'getDefaultOptions', 'getDefaultNetworkOptions',
          'listTools', 'getToolsForExecution', 'getConfiguredToolHooks', 'getLLM', 'getModel', 'getModelList', 'reorderModels', 'updateModelInModelList',
          'resolveTitleGenerationConfig', 'resolveTitleInstructions', 'formatMessagesForTitle', 'getMostRecentUserMessage', 'filterUiMessagesByThread',
          'resolveNotificationDeliveryDecision', 'toRawConfig',
        ],
        'state of the agent’s thread runs: subscribing to a thread or its events, peers and ownership, listing active or suspended runs, aborting a run, cancelling queued messages, and (durable agents) observing a run without driving it, preparing one without starting it': [
          'subscribeToThread', 'claimThreadOwnership', 'updateThreadPeerAdvertisement', 'discoverThreadPeers', 'getActiveThreadRunId', 'listActiveThreadRuns', 'listSuspendedRuns',
          'abortThreadStream', 'abortRunStream', 'cancelQueuedMessages', 'subscribeThreadEvents', 'listActiveRuns', 'observe', 'prepare',
        ],
        'the agent’s voice: the configured provider (a `@mastra/voice-*` package, or a `CompositeVoice` delegating to one) makes its speech requests; `@mastra/core` itself sends none (its default voice throws)': ['voice.*'],
        'the agent’s browser (a `@mastra/browser-*` toolset): launching, navigating and screencasting a browser, no model request': ['browser.*'],
      },
    },
    'mastra.Harness': {
      sdk: 'mastra',
      members: {
        sendMessage: agentCall,
        // Through the current mode's agent (`agent.generateTitleFromUserMessage()`).
        generateThreadTitle: titleCall,
      },
      notRequests: {
        'sessions, threads, modes, workspace, storage, channels, models and intervals of the harness: reading or changing its state (`getCurrentAgent()` hands back the current mode’s agent; listing models asks the gateways for their catalogues, not a model)': [
          'onSessionCreated', 'onSessionDeleted', 'createSession', 'getSessionByResource', 'deleteSession', 'getMastra', 'hasWorkspace', 'isWorkspaceReady', 'getWorkspace', 'resolveWorkspace',
          'setBrowser', 'init', 'initStorage', 'queryThreadById', 'queryThreads', 'queryThreadMessages', 'listModes', 'getChannels', 'setChannels', 'getCurrentAgent', 'listActiveThreadRuns',
          'getCurrentModelAuthStatus', 'listAvailableModels', 'invalidateAvailableModelsCache', 'setResourceId', 'getKnownResourceIds', 'loadOMProgress', 'getObservationalMemoryRecord', 'getToolCategory',
          'registerInterval', 'removeInterval', 'stopIntervals', 'destroy',
        ],
      },
    },
    'mastra.Network': { sdk: 'mastra', members: { generate: networkRun, stream: networkRun, loop: networkRun, loopStream: networkRun } },
    'mastra.Workflow': {
      sdk: 'mastra',
      members: {
        then: self,
        parallel: self,
        branch: self,
        dowhile: self,
        dountil: self,
        foreach: self,
        map: self,
        sleep: self,
        sleepUntil: self,
        waitForEvent: self,
        // 0.x legacy builder.
        step: self,
        after: self,
        commit: self,
        // 1.x builder: an agent, tool or classifier as the next step.
        agent: self,
        tool: self,
        classifier: self,
        createRun: { returns: 'mastra.WorkflowRun' },
        createRunAsync: { returns: 'mastra.WorkflowRun' },
        // The instance the workflow is registered with.
        mastra: { is: 'mastra.Instance' },
        // The workflow as a step of another one: creates a run and starts (or resumes, restarts) it.
        execute: workflowRun,
        // Restarts every active run of this workflow (`createRun().restart()`).
        restartAllActiveWorkflowRuns: workflowRun,
      },
      notRequests: {
        'the step graph and the stored runs of the workflow: building the graph, listing, reading and deleting runs, its scorers and raw configuration': [
          'setStepFlow', 'buildExecutionGraph', 'listScorers', 'listWorkflowRuns', 'listActiveWorkflowRuns', 'getWorkflowRunById', 'deleteWorkflowRunById', 'toRawConfig',
        ],
      },
    },
    'mastra.WorkflowRun': {
      sdk: 'mastra',
      members: {
        start: workflowRun,
        startAsync: workflowRun,
        stream: workflowRun,
        streamVNext: workflowRun,
        streamLegacy: workflowRun,
        resume: workflowRun,
        resumeAsync: workflowRun,
        resumeStream: workflowRun,
        restart: workflowRun,
        timeTravel: workflowRun,
        timeTravelStream: workflowRun,
        mastra: { is: 'mastra.Instance' },
      },
      notRequests: {
        'a run already started: cancelling it, watching its events, observing or reading its output stream': ['cancel', 'watch', 'watchAsync', 'observeStream', 'observeStreamLegacy', 'streamOutput.*'],
        'the run’s execution engine: the internals `start()`, `resume()` and the other sites drive (step execution, persistence, its own reference to the instance); not called by the application': ['executionEngine.*'],
      },
    },
  },
};
