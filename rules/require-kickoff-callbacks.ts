import { z } from 'zod';
import { defineRule } from '../src/engine/rule.js';
import { handlerSchema } from './require-task-callbacks.js';
import { type HandlerOption, reportUnwired, unknownOption, unknownWiringMessage } from './support/sites.js';

const options = z.object({ handler: handlerSchema.optional(), unknown: unknownOption }).strict();
type Options = { handler?: HandlerOption; unknown?: 'error' | 'warn' | 'off' };

export default defineRule<Options>({
  meta: {
    id: 'require-kickoff-callbacks',
    description: 'Require multi-agent kickoffs (teams, graphs, workflows, agent networks) to be traced.',
    preset: 'recommended',
    severity: 'error',
    fix: 'safe',
    hasSuggestions: true,
    project: true,
    messages: {
      unwiredKickoff:
        '{{sdk}} kickoff `{{callee}}` starts a multi-agent run that no tracing reaches: the hand-offs between agents, their tool calls and their LLM calls leave no trace, so a stuck or runaway run is a black box. {{advice}}',
      unknownWiring: unknownWiringMessage,
    },
    options: options as z.ZodType<Options>,
    defaultOptions: {},
  },
  checkSites(ctx) {
    reportUnwired(ctx, 'kickoff', 'unwiredKickoff');
  },
});
