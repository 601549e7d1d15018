import type { MemberSpec, PackageModel } from '../types.js';

const client: MemberSpec = { new: 'replicate.Client', annotation: 'replicate.Client' };
const predict: MemberSpec = { site: { kind: 'llm-call', operation: 'inference' } };

/**
 * Replicate's SDK (`replicate`): `run` and `stream` run a model and wait for (or stream) its output;
 * creating a prediction starts one. Replicate hosts every kind of model (language, image, audio, video),
 * so the operation is `inference`.
 */
export const replicate: PackageModel = {
  id: 'replicate',
  name: 'Replicate',
  role: 'sdk',
  docs: 'https://github.com/replicate/replicate-javascript',
  modules: {
    replicate: { '': client, default: client, Replicate: client },
  },
  types: {
    'replicate.Client': {
      sdk: 'replicate',
      members: {
        run: predict,
        stream: predict,
        'predictions.create': predict,
        'deployments.predictions.create': predict,
      },
      notRequests: {
        'the client’s generic HTTP helpers and pagination: the path decides, which the catalog does not know': ['fetch', 'request', 'paginate'],
        'waiting for a prediction created earlier: the request was its creation': ['wait', 'predictions.get', 'predictions.cancel', 'predictions.list'],
        'trainings: queued fine-tuning jobs': ['trainings.*'],
        'accounts, collections, deployments, files, hardware, models and webhooks': [
          'accounts.*',
          'collections.*',
          'deployments.get',
          'deployments.create',
          'deployments.update',
          'deployments.delete',
          'deployments.list',
          'files.*',
          'hardware.*',
          'models.*',
          'webhooks.*',
        ],
      },
    },
  },
};
