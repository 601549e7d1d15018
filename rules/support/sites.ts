/**
 * What the three wiring rules share: the fixes of an unwired site (built per occurrence by
 * src/codemod/fixes/ from the evaluated site: detect → explain → act), and the advice their messages
 * give, which names the wrappers the catalog has for *this* SDK and the project's tracing library.
 */

import { asFindingFixes, fixEnv, type FixEnv, unwiredFixes } from '../../src/codemod/fixes/index.js';
import { wrappersFor } from '../../src/codemod/fixes/builders.js';
import { declared, declaredIn } from '../../src/codemod/fixes/common.js';
import { packageOf } from '../../src/codemod/fixes/source.js';
import type { EvaluatedSite } from '../../src/engine/link.js';
import type { SiteRuleContext } from '../../src/engine/rule.js';
import { z } from 'zod';
import type { Coverage, SiteKind } from '../catalog/types.js';

export interface HandlerOption {
  /** An expression that yields a callback handler, e.g. `getCallbackHandler()`. */
  expression: string;
  /** Where it comes from, added as an import when missing. */
  import?: { from: string; name: string };
}

/** The fix environment of a rule run (one per `checkSites` call). */
export function envOf<O>(ctx: SiteRuleContext<O>): FixEnv {
  return fixEnv(ctx.catalog, (f) => ctx.text(f), ctx.project);
}

/** `langsmith \`wrapOpenAI\``: a library's human name and the wrapper's export. */
function wrapperLabel(env: FixEnv, reference: string, library: string): string {
  const name = env.catalog.models.get(library)?.name ?? library;
  return `${name} \`${reference.slice(reference.indexOf('#') + 1)}\``;
}

/**
 * How to wire a site, from the catalog: the tracing option its SDK takes, the client wrappers that
 * trace this SDK's operation (the project's tracing library first), the team's own helper, or a
 * registration at start-up.
 */
export function adviceFor(env: FixEnv, site: EvaluatedSite): string {
  const helper = env.project?.scopeHelpers().find((h) => h.name !== 'default');
  // A raw HTTP request: nothing but a scope around it can trace it.
  if (site.url) {
    const urls = site.url.split(' | ').map((u) => `\`${u}\``);
    const to = urls.length > 1 ? `one of ${urls.slice(0, -1).join(', ')} or ${urls.at(-1)} (a branch picks which)` : urls[0];
    return `It sends the request to ${to} without an SDK, so no SDK instrumentation or client wrapper sees it, and an HTTP client span is not an LLM span: call it inside a traced function${helper ? ` (such as your \`${helper.name}\`)` : ''} or a span with the GenAI attributes.`;
  }
  const parts: string[] = [];
  const option = site.options[0];
  if (option) parts.push(site.kind === 'llm-call' ? `pass \`${option.key}\`` : `pass a handler (\`${option.key}\`)`);
  const registrations = registrationsOf(env, site.sdk);
  if (registrations.length) parts.push(`register it with ${registrations.join(' or ')}`);
  if (site.kind === 'llm-call') {
    const wrappers = wrappersFor(env, site.file, site.sdk, site.operation);
    const declared = wrappers.filter((w) => w.declared);
    if (declared.length) parts.push(`wrap the client with ${declared.map((w) => wrapperLabel(env, w.reference, w.library)).join(' or ')}`);
    else if (wrappers.length) parts.push(`wrap the client (e.g. ${wrappers.slice(0, 2).map((w) => wrapperLabel(env, w.reference, w.library)).join(', ')})`);
  }
  parts.push(helper ? `call it inside a traced function (such as your \`${helper.name}\`)` : 'call it inside a traced function');
  const instrumentations = instrumentationsFor(env, site);
  if (instrumentations.length) parts.push(`register an instrumentation at start-up (e.g. ${instrumentations.join(', ')})`);
  const text = parts.length > 1 ? `${parts.slice(0, -1).join(', ')}, or ${parts[parts.length - 1]}` : parts[0]!;
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

/**
 * What the catalog says registers this SDK's runs with tracing, written as the user would call it
 * (KaibanJS `enableOpenTelemetry(…)`, `new Mastra({ …, observability })`).
 */
function registrationsOf(env: FixEnv, sdk: string): string[] {
  const bySdk = registrationsMemo.get(env.catalog) ?? registrationsMemo.set(env.catalog, new Map()).get(env.catalog)!;
  let out = bySdk.get(sdk);
  if (out) return out;
  out = [];
  const model = env.catalog.models.get(sdk);
  const add = (text: string): void => void (out!.includes(text) || out!.push(text));
  for (const members of Object.values(model?.modules ?? {})) {
    for (const [name, spec] of Object.entries(members)) {
      if (!spec.registers) continue;
      const when = spec.registers.when?.length ? `{ …, ${spec.registers.when.join(', ')} }` : '…';
      add(spec.new ? `\`new ${name}(${when})\`` : `\`${name}(${when})\``);
    }
  }
  for (const type of Object.values(model?.types ?? {})) {
    for (const [name, spec] of Object.entries(type.members)) if (spec.registers) add(`\`.${name}(…)\``);
  }
  out = out.slice(0, 2);
  bySdk.set(sdk, out);
  return out;
}

/** By catalog, by SDK: what `registrationsOf` found (the same for every site of the SDK). */
const registrationsMemo = new WeakMap<FixEnv['catalog'], Map<string, string[]>>();

/** A member of the catalog that instruments SDKs once registered (or loaded): its label and what it covers. */
interface InstrumentationEntry {
  label: string;
  module: string;
  covers: Coverage[];
}

/** By catalog: its instrumentations, in the catalog's order (read once, not for every site). */
const instrumentationIndex = new WeakMap<FixEnv['catalog'], InstrumentationEntry[]>();

function instrumentationEntries(catalog: FixEnv['catalog']): InstrumentationEntry[] {
  let out = instrumentationIndex.get(catalog);
  if (out) return out;
  out = [];
  for (const model of catalog.models.values()) {
    for (const [module, members] of Object.entries(model.modules)) {
      for (const [name, spec] of Object.entries(members)) {
        const covers = spec.instrumentation?.covers ?? spec.load?.covers;
        if (Array.isArray(covers)) out.push({ label: name ? `\`${name}\` from \`${module}\`` : `\`${module}\``, module, covers });
      }
    }
  }
  instrumentationIndex.set(catalog, out);
  return out;
}

/**
 * Instrumentations in the catalog that trace this SDK's operation once registered: those of packages the
 * project declares (at most two), else the first the catalog lists (`AnthropicInstrumentation` from
 * `@traceloop/instrumentation-anthropic`).
 */
function instrumentationsFor(env: FixEnv, site: EvaluatedSite): string[] {
  const found: { label: string; declared: boolean }[] = [];
  // An instrumentation for other versions of the SDK than the project declares is no advice.
  const sdkPackage = env.catalog.models.get(site.sdk)?.package;
  const fitsDeclared = (versions: string | undefined): boolean => !versions || !sdkPackage || !declared(env, site.file, sdkPackage) || declaredIn(env, site.file, sdkPackage, versions);
  for (const { label, module, covers } of instrumentationEntries(env.catalog)) {
    if (!covers.some((c) => c.sdk === site.sdk && (!c.operations || c.operations.includes(site.operation)) && fitsDeclared(c.versions) && (!c.library || declaredIn(env, site.file, c.library.package, c.library.versions)))) continue;
    if (!found.some((f) => f.label === label)) found.push({ label, declared: !!declared(env, site.file, packageOf(module) ?? module) });
  }
  const mine = found.filter((f) => f.declared);
  return (mine.length ? mine.slice(0, 2) : found.slice(0, 1)).map((f) => f.label);
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
  const run = site.evidence.run?.untraced;
  if (run) return ` It runs in a node of a graph whose run \`${run.callee}\` (${run.at}) is not traced: trace that run, and its handlers reach this call.`;
  return site.lacking ? ` It runs in ${site.lacking}, which never initialises tracing for it (\`tracewire explain FILE:LINE\` shows the processes and registrations).` : '';
}

export function reportUnwired<O extends { handler?: HandlerOption; unknown?: 'error' | 'warn' | 'off' }>(ctx: SiteRuleContext<O>, kind: SiteKind, messageId: string): void {
  const env = envOf(ctx);
  for (const site of ctx.sites) {
    if (site.kind !== kind || site.wired) continue;
    if (reportUnknown(ctx, site)) continue;
    ctx.report(site.file, {
      range: site.range,
      messageId,
      data: { sdk: ctx.catalog.models.get(site.sdk)?.name ?? site.sdk, callee: site.callee, operation: site.operation, advice: adviceFor(env, site) + whereUntraced(site) },
      ...asFindingFixes(unwiredFixes(env, site, { handler: ctx.options.handler })),
    });
  }
}
