/**
 * OpenAI-compatible clients: the inventory records the provider a client was pointed at with `baseURL`
 * (read from the catalog's endpoints), `unknown` when the URL is not a literal, and calls routed through
 * an observability gateway are wired by it.
 */

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers/fixtures.js';
import { runIn } from './helpers/engine.js';

const dir = path.join(FIXTURES, 'rules/require-llm-tracing');

describe('providers of OpenAI-compatible clients', () => {
  it('records the provider from baseURL and wires calls through gateways', async () => {
    const result = await runIn(dir, ['openai-compatible.ts', 'openai-subclass.ts']);
    const sites = result.sites.map((s) => `${s.file}:${s.line} ${s.callee} provider=${s.provider ?? '-'} ${s.wired ? s.mechanism : 'unwired'}`);
    expect(sites).toEqual([
      'openai-compatible.ts:17 deepseek.chat.completions.create provider=deepseek unwired',
      'openai-compatible.ts:18 grok.chat.completions.create provider=xai unwired',
      'openai-compatible.ts:19 openrouter.chat.completions.create provider=openrouter unwired',
      'openai-compatible.ts:20 configured.chat.completions.create provider=unknown unwired',
      'openai-compatible.ts:21 helicone.chat.completions.create provider=helicone proxy:helicone',
      'openai-compatible.ts:22 portkey.chat.completions.create provider=portkey proxy:portkey',
      'openai-compatible.ts:23 claudeViaHelicone.messages.create provider=helicone proxy:helicone',
      // A class extending the client is pointed where its `super(...)` options say.
      'openai-subclass.ts:12 this.chat.completions.create provider=deepseek unwired',
      'openai-subclass.ts:15 this.chat.completions.create provider=deepseek scope:langsmith.traceable',
      'openai-subclass.ts:23 client.embeddings.create provider=deepseek unwired',
      'openai-subclass.ts:24 new FastGroq().chat.completions.create provider=- unwired',
    ]);
  });
});
