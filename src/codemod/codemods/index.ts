/** Every codemod `tracewire codemod` offers, by name. */

import type { Codemod } from '../codemod.js';
import { aiSdkTelemetry } from './ai-sdk-telemetry.js';
import { kickoffCallbacks } from './kickoff-callbacks.js';
import { langchainCallbacks } from './langchain-callbacks.js';
import { spanEnd } from './span-end.js';
import { spanErrorStatus } from './span-error-status.js';
import { wrapClients } from './wrap-clients.js';
import { wrapInSpan } from './wrap-in-span.js';

export const codemods: Codemod[] = [aiSdkTelemetry, langchainCallbacks, wrapClients, wrapInSpan, spanEnd, spanErrorStatus, kickoffCallbacks];

export const codemodsByName: Map<string, Codemod> = new Map(codemods.map((c) => [c.name, c]));
