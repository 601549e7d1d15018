import type { MemberSpec, PackageModel } from '../types.js';

const scope = (name: string): MemberSpec => ({ scope: { callbackArg: 'last', mechanism: `scope:traceloop.${name}` } });
const decorator = (name: string): MemberSpec => ({ decorator: { mechanism: `scope:traceloop.@${name}` } });

// What `initialize()` instruments out of the box (OpenLLMetry-JS).
const covered = ['openai', 'groq', 'anthropic', 'bedrock', 'cohere', 'google-genai', 'langchain', 'langgraph', 'llamaindex'];

const members: Record<string, MemberSpec> = {
  initialize: { global: { id: 'traceloop.initialize', mechanism: 'global:traceloop.initialize', covers: covered.map((sdk) => ({ sdk })) } },
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
