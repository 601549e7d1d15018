/**
 * wrap-in-span keeps what the code does: the same module, before and after the codemod, run against the
 * real `openai` client (with a fake `fetch`) and the real `@opentelemetry/api`, returns the same values
 * and throws the same errors, through `await`, `return` of a promise, arrow bodies and `this`.
 */

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { ROOT } from './helpers/fixtures.js';
import { tempProject } from './helpers/engine.js';

const MODULE = `import OpenAI from 'openai';

const client = new OpenAI({ apiKey: 'sk-test', fetch: (...args) => globalThis.__fakeFetch(...args), maxRetries: 0 });

export async function ask(q) {
  const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] });
  return completion.choices[0].message.content;
}

export async function passThrough(q) {
  return client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] });
}

export const arrow = async (q) => client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });

export class Bot {
  prefix = 'bot:';
  async reply(q) {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: this.prefix + q }] });
    return r.choices[0].message.content;
  }
}
`;

function fakeFetch(_url: string, init: { body: string }): Response {
  const content = (JSON.parse(init.body) as { messages: { content: string }[] }).messages[0]!.content;
  if (content.includes('fail')) {
    return new Response(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit_exceeded' } }), { status: 429, headers: { 'content-type': 'application/json' } });
  }
  const body = { id: 'c1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: `echo:${content}` } }] };
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
}

async function exercise(file: string) {
  (globalThis as { __fakeFetch?: unknown }).__fakeFetch = fakeFetch;
  const m = await import(pathToFileURL(file).href + `?t=${Date.now()}`);
  const outcome = async (f: () => Promise<unknown>) => {
    try {
      return { value: await f() };
    } catch (e) {
      return { error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
    }
  };
  return {
    ask: await outcome(() => m.ask('hi')),
    passThrough: await outcome(async () => ((await m.passThrough('there')) as { choices: { message: { content: string } }[] }).choices[0]!.message.content),
    arrow: await outcome(async () => ((await m.arrow('x')) as { choices: { message: { content: string } }[] }).choices[0]!.message.content),
    method: await outcome(() => new m.Bot().reply('y')),
    failure: await outcome(() => m.ask('please fail')),
    failureReturned: await outcome(() => m.passThrough('fail too')),
  };
}

describe('wrap-in-span at run time', () => {
  it('returns the same values and throws the same errors as the code it wraps', { timeout: 60_000 }, async () => {
    const dir = tempProject({ 'package.json': JSON.stringify({ name: 'runtime-check', type: 'module' }), 'src/bot.mjs': MODULE, 'src/original.mjs': MODULE });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    let out = '';
    const code = await main(['codemod', 'wrap-in-span', 'src/bot.mjs'], { cwd: dir, stdout: (s) => (out += s), stderr: (s) => (out += s) });
    expect(code, out).toBe(0);
    const wrapped = fs.readFileSync(path.join(dir, 'src/bot.mjs'), 'utf8');
    expect(wrapped.match(/startActiveSpan/g)?.length, out).toBe(4);
    const before = await exercise(path.join(dir, 'src/original.mjs'));
    const after = await exercise(path.join(dir, 'src/bot.mjs'));
    expect(before.ask).toEqual({ value: 'echo:hi' });
    expect(before.method).toEqual({ value: 'echo:bot:y' });
    expect(before.failure.error).toMatch(/^RateLimitError: 429/);
    expect(after).toEqual(before);
  });
});
