/**
 * ai-sdk-telemetry: turn on the Vercel AI SDK's own telemetry where `require-llm-tracing` reports an
 * AI SDK call.
 *
 * - ai <= 6 (or an unknown version): `experimental_telemetry: { isEnabled: true, functionId }` on the
 *   call's options object (merged into an existing `experimental_telemetry` object when there is one).
 * - ai 7: telemetry is delivered only to integrations registered with `registerTelemetry(...)`. With
 *   `--entry <file>` the codemod adds that registration once, after the entry point's imports, and
 *   names each call with `telemetry: { functionId }`. Without `--entry` it adds `telemetry: { functionId }`
 *   and says that the calls stay untraced until an integration is registered.
 *
 * `functionId` is the enclosing function's name (`Class.method` for methods), else the file's name.
 */

import type { Node, ObjectLiteralExpression } from 'ts-morph';
import { Node as N } from 'ts-morph';
import type { EvaluatedSite } from '../../engine/link.js';
import { addProperty, enclosingFunctionName, fileStem, objectLiteral, propertyOf } from '../ast.js';
import { type Codemod, type CodemodContext, CodemodUsageError } from '../codemod.js';
import type { FileEditor } from '../editor.js';
import { bindConfiguredImports, label, majorVersion, validExpression } from './shared.js';

const DEFAULT_INTEGRATION = 'new OpenTelemetry()';
const DEFAULT_IMPORTS = ['@ai-sdk/otel#OpenTelemetry'];

/** The options object literal of an AI SDK call (its first argument), or why there is none to edit. */
function optionsObject(call: Node): ObjectLiteralExpression | string {
  if (!N.isCallExpression(call)) return 'not a call';
  const arg = call.getArguments()[0];
  if (!arg) return 'the call has no options object';
  const obj = objectLiteral(arg);
  if (obj) return obj;
  if (N.isIdentifier(arg)) return `the options object is built elsewhere (\`${arg.getText()}\`): add the option there`;
  return 'the options are not an object literal';
}

export const aiSdkTelemetry: Codemod = {
  name: 'ai-sdk-telemetry',
  summary: 'turn on the Vercel AI SDK telemetry of untraced calls (experimental_telemetry for ai <= 6, telemetry + registerTelemetry for ai 7)',
  description:
    'For ai <= 6, adds `experimental_telemetry: { isEnabled: true, functionId }` to generateText/streamText/generateObject/streamObject/embed/embedMany calls that no tracing reaches. ' +
    'For ai 7 (chosen from the installed or declared `ai` version), adds `registerTelemetry(new OpenTelemetry())` once to the entry point named by `--entry <file>` ' +
    '(the integration and its import come from `codemods.aiSdkTelemetry` in the config) and `telemetry: { functionId }` to each call. ' +
    '`functionId` is the enclosing function (or `Class.method`), else the file name. Calls that turn telemetry off explicitly are left alone.',
  safety: 'safe',
  fixes: [{ ruleId: 'require-llm-tracing', messageIds: ['unwiredCall'] }],
  async run(ctx: CodemodContext) {
    const cfg = ctx.config.codemods.aiSdkTelemetry ?? {};
    const integration = cfg.integration ?? DEFAULT_INTEGRATION;
    const imports = cfg.imports ?? (cfg.integration ? [] : DEFAULT_IMPORTS);
    if (!validExpression(integration)) throw new CodemodUsageError(`codemods.aiSdkTelemetry.integration: "${integration}" is not a JavaScript expression`);
    let registerIn: { editor: FileEditor; file: string } | undefined;
    if (ctx.options.entry) {
      const editor = ctx.editor(ctx.options.entry);
      if (!editor) throw new CodemodUsageError(`--entry ${ctx.options.entry}: the file could not be read or does not parse`);
      registerIn = { editor, file: ctx.options.entry };
    }
    let needsRegistration: EvaluatedSite | undefined;
    for (const site of ctx.sites) {
      if (site.sdk !== 'ai' || site.kind !== 'llm-call' || site.wired) continue;
      const what = label(site);
      if (site.disabled) {
        ctx.skipped(site.file, site.range.start, what, 'telemetry is turned off explicitly (`isEnabled: false`); left as the author chose');
        continue;
      }
      const ed = ctx.editor(site.file);
      const call = ed?.callAt(site.range.start, site.range.end);
      if (!ed || !call) {
        ctx.skipped(site.file, site.range.start, what, 'the call could not be located in the file');
        continue;
      }
      if (!site.spec.options?.some((o) => o.key === 'experimental_telemetry' || o.key === 'telemetry')) {
        ctx.skipped(site.file, site.range.start, what, 'this call takes no telemetry option of its own (an agent: set `telemetry` where the agent is constructed)');
        continue;
      }
      const { major } = majorVersion(ctx, site.file, 'ai');
      const v7 = major !== undefined && major >= 7;
      const obj = optionsObject(call);
      const functionId = enclosingFunctionName(call) ?? fileStem(site.file);
      if (!v7) {
        if (typeof obj === 'string') {
          ctx.skipped(site.file, site.range.start, what, obj);
          continue;
        }
        const existing = propertyOf(obj, 'experimental_telemetry');
        if (existing) {
          const inner = N.isPropertyAssignment(existing) ? objectLiteral(existing.getInitializer()) : undefined;
          if (!inner || propertyOf(inner, 'isEnabled')) {
            ctx.skipped(site.file, site.range.start, what, '`experimental_telemetry` is set from an expression the codemod cannot see into');
            continue;
          }
          addProperty(ed, inner, 'isEnabled: true');
        } else addProperty(ed, obj, `experimental_telemetry: { isEnabled: true, functionId: ${ed.q(functionId)} }`);
        ctx.changed(site.file, site.range.start, what);
        continue;
      }
      // ai 7: name the call; delivery needs a registered integration.
      needsRegistration ??= site;
      const note = registerIn ? undefined : 'AI SDK 7 delivers telemetry only to integrations registered with registerTelemetry(...): rerun with --entry <your start-up file>';
      if (typeof obj === 'string' || propertyOf(obj, 'telemetry') || propertyOf(obj, 'experimental_telemetry')) {
        if (registerIn) ctx.changed(site.file, site.range.start, what, undefined);
        else ctx.skipped(site.file, site.range.start, what, note!);
        continue;
      }
      addProperty(ed, obj, `telemetry: { functionId: ${ed.q(functionId)} }`);
      ctx.changed(site.file, site.range.start, what, note);
    }
    if (needsRegistration && registerIn) {
      const { editor, file } = registerIn;
      const problem = bindConfiguredImports(editor, imports, ctx.config.dir, integration);
      const reg = problem ? undefined : editor.importBinding({ module: 'ai', name: 'registerTelemetry' });
      if (problem || !reg || 'error' in reg) {
        ctx.skipped(file, 0, 'registerTelemetry(...)', problem ?? (reg && 'error' in reg ? reg.error : 'cannot import registerTelemetry'));
      } else {
        editor.addTopStatement(`${reg.expr}(${integration})${editor.semi}`);
        ctx.changed(file, 0, `registerTelemetry(${integration})`);
      }
    }
  },
};
