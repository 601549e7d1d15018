import type { MemberSpec, PackageModel } from '../types.js';
import { textOnly } from './operations.js';

const scope = (name: string): MemberSpec => ({ scope: { callbackArg: 'last', mechanism: `scope:traceloop.${name}` } });
const decorator = (name: string): MemberSpec => ({ decorator: { mechanism: `scope:traceloop.@${name}` } });

// What `initialize()` instruments out of the box (OpenLLMetry-JS 0.27): no Groq, Mistral or Ollama
// instrumentation, and @google/genai only on its 1.x line.
const covered: { sdk: string; versions?: string }[] = [
  ...['openai', 'anthropic', 'bedrock', 'cohere', 'langchain', 'langgraph', 'llamaindex'].map((sdk) => ({ sdk })),
  { sdk: 'google-genai', versions: '>=1.0.0 <2.0.0' },
].map((c) => textOnly(c, c.sdk === 'openai' ? ['image_generation'] : []));

const members: Record<string, MemberSpec> = {
  initialize: { global: { id: 'traceloop.initialize', mechanism: 'global:traceloop.initialize', tracerProvider: true, covers: covered, runtimes: ['node'] } },
  withWorkflow: scope('withWorkflow'),
  withTask: scope('withTask'),
  withAgent: scope('withAgent'),
  withTool: scope('withTool'),
  withAssociationProperties: scope('withAssociationProperties'),
  workflow: decorator('workflow'),
  task: decorator('task'),
  agent: decorator('agent'),
  tool: decorator('tool'),
};

/** OpenLLMetry (Traceloop SDK): global initialisation, scopes and decorators. */
export const traceloop: PackageModel = {
  id: 'traceloop',
  name: 'OpenLLMetry',
  role: 'tracing',
  docs: 'https://www.traceloop.com/docs/openllmetry/getting-started-ts',
  modules: {
    '@traceloop/node-server-sdk': { ...members, ...Object.fromEntries(Object.entries(members).map(([k, v]) => [`default.${k}`, v])) },
  },
};
