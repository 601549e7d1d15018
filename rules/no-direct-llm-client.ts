import path from 'node:path';
import ignore from 'ignore';
import { z } from 'zod';
import { defineRule } from '../src/engine/rule.js';

const policy = z
  .object({
    sdks: z.array(z.string()).optional().describe('SDK ids whose calls must go through the gateway, e.g. ["openai", "anthropic"].'),
    members: z
      .array(z.string().regex(/^[\w.$-]+#[\w.$]+$/, 'expected "<type>#<member path>", e.g. "openai.Client#chat.completions.create"'))
      .optional()
      .describe('Catalog members (`<type>#<path>`) that must go through the gateway.'),
    use: z.string().min(1).describe('What to call instead, named in the message (e.g. "llmGateway.complete from src/llm/gateway").'),
    allow: z.array(z.string()).optional().describe('Globs (gitignore syntax, relative to the config file) of files that may call the SDK directly: the gateway itself.'),
  })
  .strict()
  .refine((p) => (p.sdks?.length ?? 0) + (p.members?.length ?? 0) > 0, 'a policy needs "sdks" or "members"');

const options = z
  .object({
    policies: z.array(policy).describe('"Calls to X must go through Y" policies.'),
    baseDir: z.string().optional().describe('Directory `allow` globs are relative to (set from the config file location).'),
  })
  .strict();
type Options = z.infer<typeof options>;

export default defineRule<Options>({
  meta: {
    id: 'no-direct-llm-client',
    description: 'Forbid calling LLM SDKs directly where the team routes calls through its own gateway.',
    preset: 'off',
    severity: 'error',
    fix: 'none',
    hasSuggestions: false,
    project: true,
    messages: {
      directCall:
        '`{{callee}}` calls {{sdk}} directly, bypassing the LLM gateway: it escapes the gateway\'s tracing, cost accounting, rate limits and redaction. Use {{use}} instead.',
    },
    options,
    defaultOptions: { policies: [] },
  },
  prepareOptions(options, settings) {
    return { ...options, baseDir: options.baseDir ?? settings.dir };
  },
  checkSites(ctx) {
    const policies = ctx.options.policies.map((p) => ({ ...p, allowed: ignore().add(p.allow ?? []) }));
    if (policies.length === 0) return;
    const base = ctx.options.baseDir ?? process.cwd();
    for (const site of ctx.sites) {
      const rel = path.relative(base, site.file).split(path.sep).join('/');
      for (const p of policies) {
        const matches = (p.sdks?.includes(site.sdk) ?? false) || (p.members?.includes(site.member) ?? false);
        if (!matches) continue;
        if (!rel.startsWith('..') && rel !== '' && p.allowed.ignores(rel)) continue;
        ctx.report(site.file, { range: site.range, messageId: 'directCall', data: { callee: site.callee, sdk: ctx.catalog.models.get(site.sdk)?.name ?? site.sdk, use: p.use } });
        break;
      }
    }
  },
});
