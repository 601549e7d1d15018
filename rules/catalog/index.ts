/** The built-in catalog: every SDK and tracing library tracewire knows. */

import type { PackageModel } from './types.js';
import { openai } from './sdk/openai.js';
import { instrumentations } from './tracing/instrumentations.js';
import { langfuse } from './tracing/langfuse.js';
import { langsmith } from './tracing/langsmith.js';
import { braintrust, ddTrace, laminar } from './tracing/others.js';
import { otel } from './tracing/otel.js';
import { sentry } from './tracing/sentry.js';
import { traceloop } from './tracing/traceloop.js';

export const sdkModels: PackageModel[] = [openai];

export const tracingModels: PackageModel[] = [otel, instrumentations, langsmith, langfuse, sentry, traceloop, braintrust, laminar, ddTrace];

export const builtinModels: PackageModel[] = [...sdkModels, ...tracingModels];
