import type { MemberSpec, PackageModel } from '../types.js';

const site = (operation: string): MemberSpec => ({ site: { kind: 'llm-call', operation } });
const client: MemberSpec = { new: 'huggingface.Client', annotation: 'huggingface.Client' };

/** Generative and embedding tasks: each call runs a model on an Inference Provider or endpoint. */
const tasks: Record<string, MemberSpec> = {
  chatCompletion: site('chat'),
  chatCompletionStream: site('chat'),
  textGeneration: site('text_completion'),
  textGenerationStream: site('text_completion'),
  featureExtraction: site('embeddings'),
  sentenceSimilarity: site('embeddings'),
  summarization: site('text_completion'),
  translation: site('text_completion'),
  questionAnswering: site('text_completion'),
  documentQuestionAnswering: site('text_completion'),
  visualQuestionAnswering: site('text_completion'),
  tableQuestionAnswering: site('text_completion'),
  imageToText: site('text_completion'),
  textToImage: site('image_generation'),
  imageToImage: site('image_generation'),
  imageTextToImage: site('image_generation'),
  textToVideo: site('video_generation'),
  imageToVideo: site('video_generation'),
  imageTextToVideo: site('video_generation'),
  textToSpeech: site('speech'),
  automaticSpeechRecognition: site('audio_transcription'),
  audioToAudio: site('speech'),
  textToAudio: site('speech'),
};

/**
 * Hugging Face's inference client (`@huggingface/inference`): `InferenceClient` (v4; `HfInference` in v2
 * and v3), `endpoint(url)` for a dedicated endpoint, and the same tasks as standalone functions.
 * Classification and detection tasks (labels and boxes, no generation) are not counted.
 */
export const huggingface: PackageModel = {
  id: 'huggingface',
  name: 'Hugging Face Inference',
  role: 'sdk',
  docs: 'https://huggingface.co/docs/huggingface.js/inference/README',
  modules: {
    '@huggingface/inference': { InferenceClient: client, HfInference: client, InferenceClientEndpoint: client, HfInferenceEndpoint: client, ...tasks },
  },
  types: {
    'huggingface.Client': {
      sdk: 'huggingface',
      members: { ...tasks, endpoint: { returns: 'huggingface.Client' } },
      notRequests: {
        'the raw request helpers: the task they run is not known': ['request', 'streamingRequest'],
        'classification, detection and regression tasks: labels, scores and boxes, no generation': [
          'audioClassification',
          'imageClassification',
          'imageSegmentation',
          'objectDetection',
          'zeroShotImageClassification',
          'fillMask',
          'textClassification',
          'tokenClassification',
          'zeroShotClassification',
          'tabularClassification',
          'tabularRegression',
        ],
      },
    },
  },
};
