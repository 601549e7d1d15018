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
    },
    ...Object.fromEntries(Object.values(commands).map((type) => [type, { sdk: 'bedrock', members: {} }])),
  },
};
