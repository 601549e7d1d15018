import type { MemberSpec, PackageModel } from '../types.js';
import { awsClientNotRequests, awsCommandNotRequests } from './bedrock.js';

const invoke: MemberSpec = { site: { kind: 'llm-call', operation: 'inference' } };

/** Commands that run the model behind an endpoint; the asynchronous one queues work for later. */
const commands: Record<string, string> = {
  InvokeEndpointCommand: 'sagemaker.InvokeEndpointCommand',
  InvokeEndpointWithResponseStreamCommand: 'sagemaker.InvokeEndpointWithResponseStreamCommand',
  InvokeEndpointWithBidirectionalStreamCommand: 'sagemaker.InvokeEndpointWithBidirectionalStreamCommand',
};

/**
 * Amazon SageMaker's runtime client (`@aws-sdk/client-sagemaker-runtime`, AWS SDK v3): invoking an
 * endpoint runs the model deployed behind it (an LLM served by TGI, vLLM or JumpStart, or any other
 * model), so the operation is `inference`. With the bare client the request is `client.send(command)`.
 */
export const sagemaker: PackageModel = {
  id: 'sagemaker',
  name: 'Amazon SageMaker Runtime',
  role: 'sdk',
  docs: 'https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/client/sagemaker-runtime/',
  modules: {
    '@aws-sdk/client-sagemaker-runtime': {
      SageMakerRuntimeClient: { new: 'sagemaker.Client', annotation: 'sagemaker.Client' },
      SageMakerRuntime: { new: 'sagemaker.AggregatedClient', annotation: 'sagemaker.AggregatedClient' },
      ...Object.fromEntries(Object.entries(commands).map(([name, type]) => [name, { new: type }])),
    },
  },
  types: {
    'sagemaker.Client': {
      sdk: 'sagemaker',
      members: {
        send: { site: { kind: 'llm-call', operation: 'inference', argTypes: { arg: 0, types: Object.values(commands) } } },
      },
      notRequests: awsClientNotRequests,
    },
    'sagemaker.AggregatedClient': {
      sdk: 'sagemaker',
      extends: 'sagemaker.Client',
      members: {
        invokeEndpoint: invoke,
        invokeEndpointWithResponseStream: invoke,
        invokeEndpointWithBidirectionalStream: invoke,
      },
      notRequests: {
        'asynchronous invocations: queued work whose model call runs later, outside any request the app could trace': ['invokeEndpointAsync'],
      },
    },
    ...Object.fromEntries(Object.values(commands).map((type) => [type, { sdk: 'sagemaker', members: {}, notRequests: awsCommandNotRequests }])),
  },
};
