/**
 * span-end: end every span on every path, with the `try { ... } finally { span.end(); }` fix of the
 * `require-span-end` rule, applied to a fixpoint (the same edits `tracewire fix` makes, including the
 * ones the rule marks unsafe because an `await` followed a removed `span.end()`, so the span now also
 * covers it).
 */

import type { Codemod } from '../codemod.js';

export const spanEnd: Codemod = {
  name: 'span-end',
  summary: 'end spans in a finally block where require-span-end finds a path that leaves them open',
  description:
    'Wraps the statements after `const span = tracer.startSpan(...)` (or a `startActiveSpan` callback\'s body) in `try { ... } finally { span.end(); }` ' +
    'and removes the `span.end()` calls the `finally` replaces, wherever `require-span-end` reports a span left open on some path (early return, throw, ' +
    'rejected await). Spans that escape (returned, stored, handed on) and shapes that cannot move into a `try` block are reported, not changed. ' +
    'Where an `await` followed a removed `end()` the span now also covers it (the rule calls that fix unsafe; the codemod applies it, review the diff).',
  safety: 'unsafe',
  fixes: [{ ruleId: 'require-span-end', messageIds: ['notEnded', 'neverEnded'] }],
  fromRuleFixes: true,
};
