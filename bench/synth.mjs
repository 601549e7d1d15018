#!/usr/bin/env node
// Generate a synthetic agent-service codebase of N files with a known number of LLM calls, wired and
// unwired, for scale benchmarks. Deterministic: the same N gives the same files.
// Usage: node bench/synth.mjs <outDir> <files>   (prints {"files","calls","unwired"} as JSON)
import fs from 'node:fs';
import path from 'node:path';

export function generate(outDir, n) {
  fs.rmSync(outDir, { recursive: true, force: true });
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  let calls = 0;
  let unwired = 0;
  const write = (rel, text) => {
    const p = path.join(outDir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  };
  write('src/llm/clients.ts', `import OpenAI from 'openai';\nimport Anthropic from '@anthropic-ai/sdk';\nimport { wrapOpenAI } from 'langsmith/wrappers';\n\nexport const traced = wrapOpenAI(new OpenAI());\nexport const raw = new OpenAI();\nexport const claude = new Anthropic();\n`);
  write('src/llm/tracing.ts', `import { SpanStatusCode, trace } from '@opentelemetry/api';\nconst tracer = trace.getTracer('svc');\nexport function withSpan<T>(name: string, fn: () => Promise<T>): Promise<T> {\n  return tracer.startActiveSpan(name, async (span) => {\n    try {\n      return await fn();\n    } catch (e) {\n      span.recordException(e as Error);\n      span.setStatus({ code: SpanStatusCode.ERROR });\n      throw e;\n    } finally {\n      span.end();\n    }\n  });\n}\n`);
  const domains = ['billing', 'support', 'search', 'catalog', 'orders', 'users', 'reports', 'notifications'];
  for (let i = 0; i < n - 2; i++) {
    const domain = pick(domains);
    const kind = rnd();
    const lines = [];
    lines.push(`import { traced, raw, claude } from '../../llm/clients.js';`);
    lines.push(`import { withSpan } from '../../llm/tracing.js';`);
    lines.push(`import type { Request, Response } from 'express';`);
    lines.push('');
    lines.push(`export interface ${domain[0].toUpperCase() + domain.slice(1)}Item${i} { id: string; title: string; body: string; score: number }`);
    lines.push('');
    // Plain business logic, most of every real codebase.
    for (let f = 0; f < 6; f++) {
      lines.push(`export function transform${f}(items: { id: string; score: number }[], limit = ${10 + f}) {`);
      lines.push(`  const out = items.filter((x) => x.score > ${f}).map((x) => ({ ...x, score: x.score * ${f + 1} }));`);
      lines.push(`  out.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));`);
      lines.push(`  return out.slice(0, limit);`);
      lines.push(`}`);
      lines.push('');
    }
    if (kind < 0.5) {
      // An LLM-calling handler: wired one of three ways, or not at all.
      const how = Math.floor(rnd() * 4);
      calls++;
      lines.push(`export async function handle${i}(req: Request, res: Response) {`);
      if (how === 0) lines.push(`  const r = await traced.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: String(req.body.q) }] });`);
      else if (how === 1) lines.push(`  const r = await withSpan('chat', () => raw.chat.completions.create({ model: 'gpt-4o', messages: [] }));`);
      else if (how === 2) lines.push(`  const r = await claude.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, messages: [] });`);
      else lines.push(`  const r = await raw.responses.create({ model: 'gpt-4o-mini', input: String(req.body.q) });`);
      if (how >= 2) unwired++;
      lines.push(`  res.json({ result: r, items: transform0([]) });`);
      lines.push(`}`);
    }
    write(`src/${domain}/m${Math.floor(i / 500)}/f${i}.ts`, lines.join('\n') + '\n');
  }
  return { files: n, calls, unwired };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [out, n] = process.argv.slice(2);
  console.log(JSON.stringify(generate(path.resolve(out), Number(n))));
}
