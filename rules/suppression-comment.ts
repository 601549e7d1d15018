import { z } from 'zod';
import { defineRule } from '../src/engine/rule.js';
import { directiveMessages } from '../src/engine/suppress.js';

/**
 * Reports tracewire suppression comments that are malformed or stale. The engine applies the
 * directives itself (see src/engine/suppress.ts); this module carries the metadata and severity.
 */
export default defineRule<Record<string, never>>({
  meta: {
    id: 'suppression-comment',
    description: 'Require tracewire suppression comments to name known rules, give a reason, and suppress something.',
    preset: 'recommended',
    severity: 'error',
    fix: 'none',
    hasSuggestions: false,
    project: false,
    messages: directiveMessages,
    options: z.object({}).strict(),
    defaultOptions: {},
  },
});
