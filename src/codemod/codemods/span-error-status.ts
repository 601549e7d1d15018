/**
 * span-error-status: mark spans as failed on the error paths that swallow the error, with the fix of
 * the `span-error-status` rule (`span.setStatus({ code: SpanStatusCode.ERROR, message })` as the first
 * statement of the `catch` block or `.catch()` handler), applied to a fixpoint.
 */

import type { Codemod } from '../codemod.js';

export const spanErrorStatus: Codemod = {
  name: 'span-error-status',
  summary: 'set status ERROR on spans in catch blocks and .catch() handlers that swallow the error',
  description:
    'Adds `span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) })` at the start of each `catch` clause or `.catch()` handler that ' +
    '`span-error-status` reports (inside an open span, the error handled without marking the span failed), reusing or extending the file\'s ' +
    '@opentelemetry/api import for `SpanStatusCode`. Handlers that rethrow, or that ignore the error on purpose (no binding), are left alone.',
  safety: 'safe',
  fixes: [{ ruleId: 'span-error-status', messageIds: ['swallowedError', 'recordExceptionOnly'] }],
  fromRuleFixes: true,
};
