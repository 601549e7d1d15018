/**
 * What the three wiring rules share: reporting unwired sites of one kind, with the safe fix that passes
 * a configured callback handler (or switches on the SDK's own telemetry option).
 */

import { appendArgumentEdit, insertPropertyEdit } from '../../src/engine/edits.js';
import type { EvaluatedSite } from '../../src/engine/link.js';
import type { SiteRuleContext } from '../../src/engine/rule.js';
import type { Fix, TextEdit } from '../../src/engine/types.js';
import { z } from 'zod';
import type { SiteKind } from '../catalog/types.js';

export interface HandlerOption {
  /** An expression that yields a callback handler, e.g. `getCallbackHandler()`. */
  expression: string;
  /** Where it comes from, added as an import when missing. */
  import?: { from: string; name: string };
}

/** An import of `name` from `from` added after the file's last top-level import, in its quote style. */
export function importEdit(text: string, imp: { from: string; name: string }): TextEdit | undefined {
  const already = new RegExp(`import\\s*\\{[^}]*\\b${imp.name}\\b[^}]*\\}\\s*from\\s*['"]${imp.from.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}['"]`);
  if (already.test(text)) return undefined;
  const quote = /^import[^\n]*"/m.test(text) && !/^import[^\n]*'/m.test(text) ? '"' : "'";
  const semi = /^import[^\n]*;\s*$/m.test(text) || !/^import/m.test(text) ? ';' : '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const re = /^import\s[^;]*?from\s*['"][^'"]+['"];?[ \t]*$/gm;
  let last = -1;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m.index + m[0].length;
  const line = `import { ${imp.name} } from ${quote}${imp.from}${quote}${semi}`;
  if (last >= 0) return { start: last, end: last, text: `${eol}${line}` };
  return { start: 0, end: 0, text: `${line}${eol}` };
}

/** The safe fix that passes the configured handler in the call's `callbacks` option, where the shape allows. */
export function handlerFix(text: string | undefined, site: EvaluatedSite, handler: HandlerOption | undefined): Fix | undefined {
  if (!text || !handler) return undefined;
  const option = site.options.find((o) => o.key === 'callbacks' && typeof o.arg === 'number');
  if (!option || typeof option.arg !== 'number') return undefined;
  const edits: TextEdit[] = [];
  const property = `callbacks: [${handler.expression}]`;
  const arg = site.args[option.arg];
  if (arg) {
    const e = insertPropertyEdit(text, arg, property);
    if (!e) return undefined;
    edits.push(e);
  } else {
    // Only when the options argument is the next one: never skip positions.
    if (site.args.length !== option.arg || site.args.some((a) => a.spread)) return undefined;
    edits.push(appendArgumentEdit(text, site.args, site.argsEnd, `{ ${property} }`));
  }
  if (handler.import) {
    const imp = importEdit(text, handler.import);
    if (imp) edits.unshift(imp);
  }
  return { safety: 'safe', description: `Pass \`${property}\``, edits };
}

/** The option of the three wiring rules for sites whose wiring the engine cannot see (default `warn`). */
export const unknownOption = z
  .enum(['error', 'warn', 'off'])
  .describe('Severity of `unknownWiring`: sites whose wiring tracewire cannot see (options from a value it cannot follow, a registration nothing in the repository loads). Default `warn`.')
  .optional();

/** The message of `unknownWiring`, shared by the three wiring rules. */
export const unknownWiringMessage =
  '{{sdk}} {{operation}} `{{callee}}` may not be traced: {{reason}}. tracewire does not assume "traced" when it cannot see it: make the wiring visible (the option written at the call, a wrapped client, a traced function around it) or suppress this with the reason it is traced.';

/**
 * Report a site the engine could not judge (`site.unknown`), at the configured severity. Returns whether
 * the site was one (the caller then reports nothing else for it).
 */
export function reportUnknown<O extends { unknown?: 'error' | 'warn' | 'off' }>(ctx: SiteRuleContext<O>, site: EvaluatedSite): boolean {
  if (site.wired || !site.unknown) return false;
  const severity = ctx.options.unknown ?? 'warn';
  if (severity === 'off') return true;
  ctx.report(site.file, {
    range: site.range,
    messageId: 'unknownWiring',
    severity,
    data: { sdk: ctx.catalog.models.get(site.sdk)?.name ?? site.sdk, operation: site.operation, callee: site.callee, reason: site.unknown },
  });
  return true;
}

/** The sentence that names the process that runs the site without tracing (empty when none is known). */
export function whereUntraced(site: EvaluatedSite): string {
  return site.lacking ? ` It runs in ${site.lacking}, which never initialises tracing for it (\`tracewire explain FILE:LINE\` shows the processes and registrations).` : '';
}

export function reportUnwired<O extends { handler?: HandlerOption; unknown?: 'error' | 'warn' | 'off' }>(ctx: SiteRuleContext<O>, kind: SiteKind, messageId: string): void {
  for (const site of ctx.sites) {
    if (site.kind !== kind || site.wired) continue;
    if (reportUnknown(ctx, site)) continue;
    const fix = handlerFix(ctx.text(site.file), site, ctx.options.handler);
    ctx.report(site.file, {
      range: site.range,
      messageId,
      data: { sdk: ctx.catalog.models.get(site.sdk)?.name ?? site.sdk, callee: site.callee, operation: site.operation, where: whereUntraced(site) },
      fix,
    });
  }
}
