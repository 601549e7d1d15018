import type { MemberSpec, PackageModel } from '../types.js';

const run: MemberSpec = { site: { kind: 'llm-call', operation: 'image_generation' } };

/**
 * fal's client (`@fal-ai/client`): the ready-made `fal` client and `createFalClient()`. Its endpoints are
 * mostly image and video models; `subscribe` and `run` wait for the result, `stream` streams it,
 * `queue.submit` starts a run polled later, `realtime.connect` opens a session.
 */
export const fal: PackageModel = {
  id: 'fal',
  name: 'fal',
  role: 'sdk',
  docs: 'https://docs.fal.ai/model-apis/client',
  modules: {
    '@fal-ai/client': {
      fal: { is: 'fal.Client', annotation: 'fal.Client' },
      createFalClient: { returns: 'fal.Client' },
    },
    // The older package name.
    '@fal-ai/serverless-client': {
      subscribe: run,
      run,
      stream: run,
      'queue.submit': run,
      'realtime.connect': { site: { kind: 'llm-call', operation: 'realtime' } },
    },
  },
  types: {
    'fal.Client': {
      sdk: 'fal',
      members: {
        subscribe: run,
        run,
        stream: run,
        'queue.submit': run,
        // The streaming client `stream` delegates to.
        'streaming.stream': run,
        'realtime.connect': { site: { kind: 'llm-call', operation: 'realtime' } },
      },
      notRequests: {
        'queued runs: status, results and cancellation of a run submitted earlier': ['queue.status', 'queue.streamStatus', 'queue.subscribeToStatus', 'queue.result', 'queue.cancel'],
        'configuration and file storage': ['config', 'storage.*'],
      },
    },
  },
};
