import type { MemberSpec, PackageModel } from '../types.js';

const chat: MemberSpec = { site: { kind: 'llm-call', operation: 'chat' } };

/** Commands that run a model; the others (guardrails, async invokes, `CountTokens`) are not sites. */
const commands: Record<string, string> = {
  InvokeModelCommand: 'bedrock.InvokeModelCommand',
  InvokeModelWithResponseStreamCommand: 'bedrock.InvokeModelWithResponseStreamCommand',
  InvokeModelWithBidirectionalStreamCommand: 'bedrock.InvokeModelWithBidirectionalStreamCommand',
  ConverseCommand: 'bedrock.ConverseCommand',
  ConverseStreamCommand: 'bedrock.ConverseStreamCommand',
};

/** What every AWS SDK v3 client has besides `send`: its resolved configuration, middleware and `destroy`. */
export const awsClientNotRequests: Record<string, string[]> = {
  'the client’s configuration, middleware stack and connection pool': ['config.*', 'middlewareStack.*', 'destroy'],
};
/** An AWS SDK v3 command object: the request is `client.send(command)`. */
export const awsCommandNotRequests: Record<string, string[]> = {
  'a command’s middleware: the request is `client.send(command)`': ['resolveMiddleware', 'resolveMiddlewareWithContext', 'middlewareStack.*'],
};

/**
 * Amazon Bedrock's runtime client (`@aws-sdk/client-bedrock-runtime`, AWS SDK v3). With the bare client
 * every call is `client.send(command)`, an LLM call only when the command is one that runs a model; the
 * aggregated client (`BedrockRuntime`) also has one method per command.
 */
export const bedrock: PackageModel = {
  id: 'bedrock',
  name: 'Amazon Bedrock',
  role: 'sdk',
  docs: 'https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/client/bedrock-runtime/',
  modules: {
    '@aws-sdk/client-bedrock-runtime': {
      BedrockRuntimeClient: { new: 'bedrock.Client', annotation: 'bedrock.Client' },
      BedrockRuntime: { new: 'bedrock.AggregatedClient', annotation: 'bedrock.AggregatedClient' },
      ...Object.fromEntries(Object.entries(commands).map(([name, type]) => [name, { new: type }])),
    },
  },
  types: {
    'bedrock.Client': {
      sdk: 'bedrock',
      members: {
        send: { site: { kind: 'llm-call', operation: 'chat', argTypes: { arg: 0, types: Object.values(commands) } } },
      },
      notRequests: awsClientNotRequests,
    },
    'bedrock.AggregatedClient': {
      sdk: 'bedrock',
      extends: 'bedrock.Client',
      members: {
        converse: chat,
        converseStream: chat,
        invokeModel: chat,
        invokeModelWithResponseStream: chat,
        invokeModelWithBidirectionalStream: chat,
      },
      notRequests: {
        'guardrails and token counting: no generation': ['applyGuardrail', 'invokeGuardrailChecks', 'countTokens'],
        'asynchronous invocations: queued jobs whose model calls run later, outside any request the app could trace': ['startAsyncInvoke', 'getAsyncInvoke', 'listAsyncInvokes', 'paginateListAsyncInvokes'],
      },
    },
    ...Object.fromEntries(Object.values(commands).map((type) => [type, { sdk: 'bedrock', members: {}, notRequests: awsCommandNotRequests }])),
  },
};
