/** Every rule tracewire ships, by id. */

import type { RuleModule } from '../src/engine/rule.js';
import requireLlmTracing from './require-llm-tracing.js';
import suppressionComment from './suppression-comment.js';

export const allRules: RuleModule<any>[] = [requireLlmTracing, suppressionComment];

export const rulesById: Map<string, RuleModule<any>> = new Map(allRules.map((r) => [r.meta.id, r]));
