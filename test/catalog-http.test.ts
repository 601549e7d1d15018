/**
 * Model APIs called over plain HTTP: the inventory records the provider (from the host) and the operation
 * (from the path) of each request, `explain` says why only a scope traces it, and the catalog's paths
 * name only providers its endpoints know.
 */

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinModels } from '../rules/catalog/index.js';
import { CatalogIndex } from '../src/engine/catalog.js';
import { modelRequest } from '../src/engine/http.js';
import { formatExplain, sitesAt } from '../src/cli/explain.js';
import { FIXTURES } from './helpers/fixtures.js';
import { runIn, tempProject } from './helpers/engine.js';

const dir = path.join(FIXTURES, 'rules/require-llm-tracing');
const catalog = new CatalogIndex(builtinModels);
const plain = new Proxy({}, { get: () => (s: string) => s }) as Parameters<typeof formatExplain>[2];

describe('raw HTTP requests to model APIs', () => {
  it('records provider, operation, URL and wiring in the inventory', async () => {
    const result = await runIn(dir, ['http-requests.ts']);
    const sites = result.sites.map((s) => `${s.line} ${s.callee} ${s.operation} ${s.provider} ${s.url} ${s.wired ? s.mechanism : 'unwired'}`);
    expect(sites).toEqual([
      '19 fetch chat openai https://api.openai.com/v1/chat/completions unwired',
      '20 fetch embeddings openai https://api.openai.com/v1/embeddings unwired',
      '21 fetch audio_transcription openai https://api.openai.com/v1/audio/transcriptions unwired',
      '22 fetch image_generation openai https://api.openai.com/v1/images/generations unwired',
      '23 globalThis.fetch chat anthropic https://api.anthropic.com/v1/messages unwired',
      '24 fetch generate_content gemini https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent?key={GEMINI_API_KEY} unwired',
      '25 fetch text_completion mistral https://api.mistral.ai/v1/fim/completions unwired',
      '26 fetch chat cohere https://api.cohere.com/v2/chat unwired',
      '27 fetch chat groq https://api.groq.com/openai/v1/chat/completions unwired',
      '28 fetch chat openrouter https://openrouter.ai/api/v1/chat/completions unwired',
      '29 fetch text_completion together https://api.together.xyz/v1/completions unwired',
      '30 fetch text_completion ollama http://localhost:11434/api/generate unwired',
      '36 fetch chat unknown {?}/v1/chat/completions unwired',
      '37 fetch chat ollama {OLLAMA_URL}/api/chat unwired',
      '38 fetch image_generation unknown {unknown client baseURL}/images/edits unwired',
      '39 fetch generate_content gemini {LLM_PROXY}/models/gemini-2.5-pro:streamGenerateContent unwired',
      '45 axios.post chat anthropic https://api.anthropic.com/v1/messages unwired',
      '46 axios chat openai https://api.openai.com/v1/responses unwired',
      '47 openai.post chat openai https://api.openai.com/v1/chat/completions unwired',
      '48 request embeddings openai https://api.openai.com/v1/embeddings unwired',
      '49 ky.post chat deepseek https://api.deepseek.com/v1/chat/completions unwired',
      '50 got.post chat xai https://api.x.ai/v1/chat/completions unwired',
      '51 nodeFetch embeddings mistral https://api.mistral.ai/v1/embeddings unwired',
      '52 axios chat fireworks https://api.fireworks.ai/inference/v1/chat/completions unwired',
      '53 axios.request embeddings ollama {OLLAMA_BASE_URL}/api/embed unwired',
      '55 claude.post chat anthropic https://api.anthropic.com/v1/messages unwired',
      '57 gemini.post embeddings gemini https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004:embedContent unwired',
      '66 fetch chat openai https://api.openai.com/v1/chat/completions scope:otel.startActiveSpan',
      '71 fetch chat anthropic https://api.anthropic.com/v1/messages scope:langsmith.traceable',
      '74 fetch generate_content gemini https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent scope:langfuse.startActiveObservation',
      '77 fetch chat helicone https://oai.helicone.ai/v1/chat/completions proxy:helicone',
      '82 fetchImpl speech openai https://api.openai.com/v1/audio/speech unwired',
    ]);
  });

  it('follows URLs across files, through HTTP client instances and helper parameters; HTTP client spans do not count', async () => {
    const project = path.join(dir, 'http-project');
    const files = ['src/endpoints.ts', 'src/api.ts', 'src/send.ts', 'src/instrument.ts', 'src/server.ts', 'src/settings.ts'];
    const result = await runIn(project, files);
    const sites = result.sites.map((s) => `${s.file}:${s.line} ${s.callee} ${s.operation} ${s.provider} ${s.url} ${s.wired ? s.mechanism : 'unwired'}`);
    expect(sites).toEqual([
      // `process.env.X ?? 'https://...'`: the default names the host.
      'src/send.ts:3 fetch chat ollama http://localhost:11434/api/chat unwired',
      'src/server.ts:11 fetch chat openai https://api.openai.com/v1/chat/completions unwired',
      'src/server.ts:12 llm.post embeddings openai https://api.openai.com/v1/embeddings unwired',
      'src/server.ts:18 fetch text_completion ollama {settings.ollama.url}/api/generate unwired',
      'src/server.ts:23 llm.post embeddings openai https://api.openai.com/v1/embeddings scope:otel.startActiveSpan',
    ]);
    const text = formatExplain(sitesAt(result, project, { file: 'src/server.ts', line: 12 }), { file: 'src/server.ts', line: 12 }, plain);
    expect(text).toContain('a raw HTTP request to a model API: https://api.openai.com/v1/embeddings (openai)');
    expect(text).toContain('an HTTP client span is not an LLM span');
    const finding = result.findings.find((f) => f.file === 'src/send.ts');
    expect(finding?.message).toContain('Model APIs over HTTP (ollama) chat call `fetch` is not traced');
    expect(finding?.message).toContain('no SDK instrumentation or client wrapper sees it');
  });

  it("counts requests to the team's gateway declared in the configuration, and its own tracing", async () => {
    const project = path.join(dir, 'http-gateway');
    const result = await runIn(project, ['src/gateway.ts']);
    const sites = result.sites.map((s) => `${s.line} ${s.sdk} ${s.operation} ${s.provider} ${s.wired ? s.mechanism : 'unwired'}`);
    expect(sites).toEqual([
      '10 http chat acme-gateway unwired',
      '11 http chat acme-gateway unwired',
      '12 openai chat acme-gateway unwired',
      '14 http chat acme-litellm proxy:acme-litellm',
      '15 openai chat acme-litellm proxy:acme-litellm',
    ]);
  });

  it('classifies URLs by host and path, and guesses nothing', () => {
    const req = (...parts: Parameters<typeof modelRequest>[1]) => {
      const r = modelRequest(catalog, parts);
      return r ? `${r.provider} ${r.operation}` : 'none';
    };
    expect(req('https://api.openai.com/v1/chat/completions')).toBe('openai chat');
    expect(req('https://api.openai.com/v1/models')).toBe('none');
    expect(req('https://api.openai.com/api/chat')).toBe('none');
    expect(req('/api/chat')).toBe('none');
    expect(req('/v1/chat/completions')).toBe('none');
    expect(req({ env: 'API_URL' }, '/api/chat')).toBe('none');
    expect(req({ env: 'OLLAMA_URL' }, '/api/chat')).toBe('ollama chat');
    expect(req('http://my-ollama.internal:8080/api/chat')).toBe('ollama chat');
    expect(req({ unknown: 'base' }, '/v1/chat/completions')).toBe('unknown chat');
    expect(req({ unknown: 'base' }, '/v1/messages')).toBe('none');
    expect(req({ env: 'ANTHROPIC_BASE_URL' }, '/v1/messages')).toBe('unknown chat');
    expect(req({ unknown: 'base' }, { unknown: 'path' })).toBe('none');
    expect(req({ unknown: 'url' })).toBe('none');
    expect(req({ client: 'openai' }, '/images/edits')).toBe('openai image_generation');
    expect(req('https://api.cohere.com/v2/embed')).toBe('cohere embeddings');
    expect(req('https://api.elevenlabs.io/v1/speech-to-text')).toBe('elevenlabs audio_transcription');
    expect(req('https://api.open-meteo.com/v1/forecast')).toBe('none');
    expect(req('https://ai-gateway.vercel.sh/v4/ai/transcription-model')).toBe('vercel-ai-gateway audio_transcription');
    expect(req('https://ai-gateway.vercel.sh/v4/ai/language-model')).toBe('vercel-ai-gateway chat');
    expect(req({ unknown: 'base' }, '/transcription-model')).toBe('none');
    // One of several URLs (a resolver's branches): a model request when one branch is; the first one names it.
    expect(req({ alt: [['https://status.example.com/health'], ['https://api.openai.com/v1/embeddings']] })).toBe('openai embeddings');
    expect(req({ alt: [['https://status.example.com'], [{ unknown: 'base' }]] }, '/v1/messages')).toBe('none');
    expect(req({ alt: [['https://api.elevenlabs.io/v1'], ['https://api.openai.com/v1/audio']] }, '/speech-to-text')).toBe('elevenlabs audio_transcription');
    expect(modelRequest(catalog, [{ alt: [['https://api.openai.com/v1'], ['https://api.mistral.ai/v1']] }, '/embeddings'])?.url).toBe('https://api.openai.com/v1/embeddings | https://api.mistral.ai/v1/embeddings');
    // Two paths to the same API and operation: the first only.
    expect(modelRequest(catalog, [{ alt: [['https://api.openai.com/v1'], ['https://api.openai.com/v1/v1']] }, '/embeddings'])?.url).toBe('https://api.openai.com/v1/embeddings');
  });

  it('follows a resolver with a branch per provider, injected fetch functions and `new Request(url)`', async () => {
    const project = path.join(dir, 'http-resolver');
    const result = await runIn(project, ['src/url.ts', 'src/transcribe.ts', 'src/look-alikes.ts']);
    const sites = result.sites.map((s) => `${s.file}:${s.line} ${s.callee} ${s.operation} ${s.provider} ${s.url}`);
    // The gateway's resolver appends `/v4/ai` unless the base ends with it: branches are combined without
    // their conditions, so only the first URL per API and operation is kept (not `.../v4/ai/v4/ai/...`).
    const branches = 'https://api.elevenlabs.io/v1/speech-to-text | https://ai-gateway.vercel.sh/v4/ai/transcription-model | https://api.openai.com/v1/audio/transcriptions';
    expect(sites).toEqual([
      `src/transcribe.ts:32 fetchImpl audio_transcription elevenlabs ${branches}`,
      `src/transcribe.ts:36 fetchImpl audio_transcription elevenlabs ${branches}`,
      `src/transcribe.ts:43 fetch audio_transcription elevenlabs ${branches}`,
      'src/transcribe.ts:53 send embeddings openai https://api.openai.com/v1/embeddings',
    ]);
    // The message names every API a branch can pick, not only the first.
    const message = result.findings.find((f) => f.line === 32)?.message ?? '';
    expect(message).toContain('Model APIs over HTTP (elevenlabs and 2 other APIs) audio_transcription call `fetchImpl`');
    expect(message).toContain('one of `https://api.elevenlabs.io/v1/speech-to-text`, `https://ai-gateway.vercel.sh/v4/ai/transcription-model` or `https://api.openai.com/v1/audio/transcriptions` (a branch picks which)');
  });

  it('reads no URL out of generated code thousands of terms long, and analyses it in full', async () => {
    const N = 10_000;
    const terms = Array.from({ length: N }, (_, i) => `'part ${i} '`).join(' +\n  ');
    const text = `const deep = cfg${'.next'.repeat(N)};\nconst long = ${terms};\nexport const a = () => fetch(\`\${deep}/v1/chat/completions\`, { method: 'POST', body: long });\nexport const b = () => fetch(long + '/v1/embeddings');\n`;
    const project = tempProject({ 'src/gen.ts': text });
    const result = await runIn(project, ['src/gen.ts']);
    expect(result.errors).toEqual([]);
    expect(result.sites.map((s) => `${s.line} ${s.operation}`)).toEqual([`${N + 2} chat`, `${N + 3} embeddings`]);
  });

  it('names only providers the catalog endpoints know', () => {
    const known = new Set(catalog.endpoints.map((e) => e.provider));
    for (const p of catalog.httpPaths) for (const id of p.providers ?? []) expect(known, `${p.path}: provider ${id}`).toContain(id);
  });
});
