import { z } from 'zod';
import { defineRule } from '../src/engine/rule.js';
import { type HandlerOption, reportUnwired, unknownOption, unknownWiringMessage } from './support/sites.js';

export const handlerSchema = z
  .object({
    expression: z.string().min(1).describe('An expression that yields a callback handler, e.g. `getCallbackHandler()`.'),
    import: z.object({ from: z.string().min(1), name: z.string().min(1) }).strict().optional().describe('The import the expression needs.'),
  })
  .strict()
  .describe('A callback handler the safe fix passes in the call config (`callbacks: [<expression>]`).');

const options = z.object({ handler: handlerSchema.optional(), unknown: unknownOption }).strict();
type Options = { handler?: HandlerOption; unknown?: 'error' | 'warn' | 'off' };

export default defineRule<Options>({
  meta: {
    id: 'require-task-callbacks',
    description: 'Require agent and task runs to carry a callback handler or run inside tracing.',
    preset: 'recommended',
    severity: 'error',
    fix: 'safe',
    hasSuggestions: true,
    project: true,
    messages: {
      unwiredTask:
        '{{sdk}} agent run `{{callee}}` has no callback handler and no tracing reaches it: its steps, tool calls and the LLM calls inside it are invisible, so a failing or looping run cannot be debugged and its cost cannot be attributed. {{advice}}',
      unknownWiring: unknownWiringMessage,
    },
    options: options as z.ZodType<Options>,
    defaultOptions: {},
  },
  checkSites(ctx) {
    reportUnwired(ctx, 'task-execution', 'unwiredTask');
  },
});
