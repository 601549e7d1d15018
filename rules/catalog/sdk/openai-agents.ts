import type { MemberSpec, PackageModel } from '../types.js';

/*
 * The OpenAI Agents SDK traces every run itself: agent, generation, tool and handoff spans go to the
 * registered trace processors. Importing `@openai/agents` installs a batch exporter to the OpenAI traces
 * dashboard (`setDefaultOpenAITracingExporter()` runs on import), so a run through it is wired unless the
 * project turns tracing off with `setTracingDisabled(...)`. `@openai/agents-core` alone installs no
 * processor: its runs are traced only once the project adds one. Processors added with
 * `addTraceProcessor` / `setTraceProcessors` (LangSmith's `OpenAIAgentsTracingProcessor`, Langfuse,
 * Braintrust, ...) or the OpenAI exporter set up by hand are global registrations for it.
 */

const runSite: MemberSpec = {
  site: {
    kind: 'task-execution',
    operation: 'invoke_agent',
    builtin: { mechanism: 'builtin:openai-agents.tracing', unlessGlobal: 'openai-agents.tracingDisabled' },
  },
};

const processors = (name: string): MemberSpec => ({
  global: { id: 'openai-agents.traceProcessor', mechanism: `global:openai-agents.${name}`, covers: [{ sdk: 'openai-agents' }] },
});

/** `@openai/agents-core` without the `@openai/agents` entry point: no exporter unless one is registered. */
const coreRunSite: MemberSpec = { site: { kind: 'task-execution', operation: 'invoke_agent' } };

const tracing: Record<string, MemberSpec> = {
  addTraceProcessor: processors('addTraceProcessor'),
  setTraceProcessors: processors('setTraceProcessors'),
  setTracingDisabled: { global: { id: 'openai-agents.tracingDisabled', mechanism: 'global:openai-agents.setTracingDisabled', covers: [] } },
};
const openaiExporter: Record<string, MemberSpec> = { setDefaultOpenAITracingExporter: processors('setDefaultOpenAITracingExporter') };

/** The runner's lifecycle events (`agent_start`, `agent_end`, `agent_handoff`, ...): listeners, no request. */
const runnerNotRequests: Record<string, string[]> = { 'the runner’s event emitter (lifecycle events of its runs)': ['on', 'off', 'once', 'emit'] };

const SPANS = ['Response', 'Agent', 'Task', 'Turn', 'Function', 'Handoff', 'Generation', 'Custom', 'Guardrail', 'Transcription', 'Speech', 'SpeechGroup', 'MCPListTools'];

/**
 * The rest of `@openai/agents`' exports (checked against its published types by test/catalog-types.test.ts):
 * a model request happens only in a run (`run`, `Runner.run`), whose turns call the model adapters below.
 */
const moduleNotRequests: Record<string, string[]> = {
  'definitions a run uses: agents, tools (hosted ones run inside the model’s own request), handoffs, guardrails, model defaults': [
    'Agent',
    'AgentHooks',
    'tool',
    'toolNamespace',
    'computerTool',
    'hostedMcpTool',
    'applyPatchTool',
    'shellTool',
    'webSearchTool',
    'fileSearchTool',
    'codeInterpreterTool',
    'programmaticToolCallingTool',
    'toolSearchTool',
    'imageGenerationTool',
    'attachClientToolSearchExecutor',
    'getClientToolSearchExecutor',
    'getToolSearchRuntimeToolKey',
    'Handoff',
    'handoff',
    'getHandoff',
    'getTransferMessage',
    'defineOutputGuardrail',
    'defineToolInputGuardrail',
    'defineToolOutputGuardrail',
    'resolveToolInputGuardrails',
    'resolveToolOutputGuardrails',
    'getDefaultModel',
    'getDefaultModelSettings',
    'isGpt5Default',
    'gpt5ReasoningSettingsRequired',
  ],
  'runs the project’s own tool function or tool guardrail functions, not a model': ['invokeFunctionTool', 'runToolInputGuardrails', 'runToolOutputGuardrails'],
  'the results, items, stream events, state and usage of a run (what run() returns or streams)': [
    'RunResult',
    'StreamedRunResult',
    'RunContext',
    'RunState',
    'RunAgentUpdatedStreamEvent',
    'RunRawModelStreamEvent',
    'RunItemStreamEvent',
    'RunCompactionItem',
    'RunInputItem',
    'RunHandoffCallItem',
    'RunHandoffOutputItem',
    'RunMessageOutputItem',
    'RunReasoningItem',
    'RunToolApprovalItem',
    'RunToolCallItem',
    'RunToolCallOutputItem',
    'RunToolSearchCallItem',
    'RunToolSearchOutputItem',
    'RequestUsage',
    'Usage',
    'extractAllTextOutput',
    'isOpenAIResponsesRawModelStreamEvent',
    'isOpenAIChatCompletionsRawModelStreamEvent',
    'RuntimeEventEmitter',
  ],
  'thrown when a guardrail trips': ['InputGuardrailTripwireTriggered', 'OutputGuardrailTripwireTriggered', 'ToolInputGuardrailTripwireTriggered', 'ToolOutputGuardrailTripwireTriggered'],
  'message input items': ['user', 'system', 'assistant'],
  'MCP servers: connecting to tool servers and listing their tools': [
    'MCPServerStdio',
    'MCPServerStreamableHttp',
    'MCPServerSSE',
    'MCPServers',
    'connectMcpServers',
    'getAllMcpTools',
    'invalidateServerToolsCache',
    'mcpToFunctionTool',
    'createMCPToolStaticFilter',
  ],
  'logging, and applying a patch a tool produced': ['getLogger', 'setSensitiveDataLoggingEnabled', 'applyDiff'],
  'configuration: the default model provider, OpenAI client, API, transport and keys': [
    'setDefaultModelProvider',
    'getDefaultOpenAIClient',
    'setDefaultOpenAIClient',
    'setOpenAIAPI',
    'setOpenAIResponsesTransport',
    'setDefaultOpenAIKey',
    'setTracingExportApiKey',
  ],
  // Their requests are the turns of a run, made by the runner (and traced as the run’s generation spans).
  'model providers and model adapters the runner calls for each turn of a run; a scope whose runs use the Responses WebSocket transport': [
    'OpenAIProvider',
    'OpenAIResponsesModel',
    'OpenAIResponsesWSModel',
    'OpenAIChatCompletionsModel',
    'withResponsesWebSocketSession',
  ],
  'sessions: the conversation history a run reads and appends to (in memory, or stored with the OpenAI Conversations API; compaction when the runner asks for it)': [
    'MemorySession',
    'OpenAIConversationsSession',
    'startOpenAIConversationsSession',
    'OpenAIResponsesCompactionSession',
    'applySessionHistoryMutations',
    'isOpenAIResponsesCompactionAwareSession',
    'isOpenAIResponsesCompactionOwnershipAwareSession',
    'isRunContextAwareSession',
    'isSessionHistoryRewriteAwareSession',
    'isSessionHistoryTransactionAwareSession',
  ],
  'the SDK’s own tracing: traces, spans, processors and exporters (runs are traced through them; processors are registered with addTraceProcessor/setTraceProcessors)': [
    'getGlobalTraceProvider',
    'TraceProvider',
    'setTracingIdGenerator',
    'setTracingContextStorage',
    'dispatchTrace',
    'dispatchSpan',
    'dispatchSpanStart',
    'dispatchSpanEnd',
    'startTraceExportLoop',
    'getCurrentTraceContext',
    'getCurrentSpan',
    'getCurrentTrace',
    'getOrCreateTrace',
    'resetCurrentSpan',
    'setCurrentSpan',
    'withTraceContext',
    'withTrace',
    'BatchTraceProcessor',
    'MultiTracingProcessor',
    'ConsoleSpanExporter',
    'OpenAITracingExporter',
    'Span',
    'NoopSpan',
    'Trace',
    'NoopTrace',
    'generateGroupId',
    'generateSpanId',
    'generateTraceId',
    ...SPANS.flatMap((name) => [`create${name}Span`, `with${name}Span`]),
  ],
};

/** The OpenAI Agents SDK (`@openai/agents`). */
export const openaiAgents: PackageModel = {
  id: 'openai-agents',
  name: 'OpenAI Agents SDK',
  role: 'sdk',
  package: '@openai/agents',
  docs: 'https://openai.github.io/openai-agents-js/guides/tracing/',
  modules: {
    '@openai/agents': { run: runSite, Runner: { new: 'openai-agents.Runner', annotation: 'openai-agents.Runner' }, ...tracing, ...openaiExporter },
    '@openai/agents-core': { run: coreRunSite, Runner: { new: 'openai-agents.CoreRunner', annotation: 'openai-agents.CoreRunner' }, ...tracing },
    '@openai/agents-openai': openaiExporter,
    // Temporal's runner runs agents inside workflows, model calls as activities; it installs no exporter.
    '@temporalio/openai-agents': { TemporalOpenAIRunner: { new: 'openai-agents.CoreRunner', annotation: 'openai-agents.CoreRunner' } },
    '@temporalio/openai-agents/workflow': { TemporalOpenAIRunner: { new: 'openai-agents.CoreRunner', annotation: 'openai-agents.CoreRunner' } },
  },
  types: {
    'module:@openai/agents': { sdk: 'openai-agents', members: {}, notRequests: moduleNotRequests },
    'openai-agents.Runner': { sdk: 'openai-agents', members: { run: runSite }, notRequests: runnerNotRequests },
    'openai-agents.CoreRunner': { sdk: 'openai-agents', members: { run: coreRunSite }, notRequests: runnerNotRequests },
  },
};
