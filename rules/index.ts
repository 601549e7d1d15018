/** Every rule tracewire ships, by id. */

import type { RuleModule } from '../src/engine/rule.js';
import metricLabelConsistency from './metric-label-consistency.js';
import metricNaming from './metric-naming.js';
import noDirectLlmClient from './no-direct-llm-client.js';
import noUnboundedMetricLabels from './no-unbounded-metric-labels.js';
import observabilityQueryMetrics from './observability-query-metrics.js';
import requireKickoffCallbacks from './require-kickoff-callbacks.js';
import requireLlmTracing from './require-llm-tracing.js';
import requireSpanEnd from './require-span-end.js';
import requireTaskCallbacks from './require-task-callbacks.js';
import spanErrorStatus from './span-error-status.js';
import spanRequiredAttributes from './span-required-attributes.js';
import suppressionComment from './suppression-comment.js';

export const allRules: RuleModule<any>[] = [requireLlmTracing, requireTaskCallbacks, requireKickoffCallbacks, noDirectLlmClient, noUnboundedMetricLabels, metricNaming, metricLabelConsistency, observabilityQueryMetrics, requireSpanEnd, spanErrorStatus, spanRequiredAttributes, suppressionComment];

export const rulesById: Map<string, RuleModule<any>> = new Map(allRules.map((r) => [r.meta.id, r]));
