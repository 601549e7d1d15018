/**
 * The fixes of one unwired site, best first: each a self-contained set of text edits with its safety,
 * its kind and the packages it needs. `require-llm-tracing`, `require-task-callbacks` and
 * `require-kickoff-callbacks` offer the first as the finding's fix and the others as suggestions.
 *
 * Safety is decided per occurrence: switching on the SDK's telemetry option or passing the handler the
 * team configured is safe; everything else changes what runs (a proxy around the client, a new active
 * span, a handler the author did not choose, telemetry the author turned off) and is unsafe. A fix
 * that imports a package the project does not declare is never safe.
 */

import { isStackOverflow } from '../../engine/nesting.js';
import type { EvaluatedSite } from '../../engine/link.js';
import type { Fix, FixSafety } from '../../engine/types.js';
import { buildCallbacks, buildClientWrap, buildTelemetryEnable, buildTelemetryOption, handlersInScope, type HandlerSource, libraryHandler, wrappersFor } from './builders.js';
import { declared, type FixEnv, missingDependencies, refOf, type SiteSource, siteSource } from './common.js';
import { type BuildResult, buildSpanWrap, type SpanOptions } from './span.js';
import { type EditSink, TextSink } from './source.js';

export { fixEnv, type FixEnv } from './common.js';

export interface SiteFixOptions {
  /** The handler the rule's options configure (`handler: { expression, import }`). */
  handler?: { expression: string; import?: { from: string; name: string } };
  span?: SpanOptions;
}

/** Run a builder on a fresh sink; the fix, or undefined when the builder skipped. */
function make(env: FixEnv, ss: SiteSource, kind: string, safety: FixSafety, build: (sink: EditSink) => BuildResult): Fix | undefined {
  const sink = new TextSink(ss.src);
  const r = build(sink);
  if ('skip' in r) return undefined;
  const edits = sink.finish();
  if (edits.length === 0) return undefined;
  const dependencies = missingDependencies(env, ss.site.file, sink.addedModules);
  let description = r.description;
  if (dependencies.length) {
    safety = 'unsafe';
    description += ` (needs \`npm install ${dependencies.map((d) => (d.range ? `${d.package}@${d.range}` : d.package)).join(' ')}\`)`;
  }
  return { safety, description, edits, kind, ...(dependencies.length ? { dependencies } : {}) };
}

/**
 * A file nesting deeper than the call stack allows (generated code) gets its finding without a fix: the
 * fix builders read the file with ordinary recursive walks.
 */
function shallowOnly(build: () => Fix[]): Fix[] {
  try {
    return build();
  } catch (e) {
    if (isStackOverflow(e)) return [];
    throw e;
  }
}

/** The fix for a site whose telemetry is switched off explicitly. */
export function disabledTelemetryFixes(env: FixEnv, site: EvaluatedSite): Fix[] {
  return shallowOnly(() => disabledTelemetryFixesIn(env, site));
}

function disabledTelemetryFixesIn(env: FixEnv, site: EvaluatedSite): Fix[] {
  const ss = siteSource(env, site);
  if (!ss) return [];
  const f = make(env, ss, 'telemetry-enable', 'unsafe', (sink) => buildTelemetryEnable(ss, sink));
  return f ? [f] : [];
}

/** Every fix of an unwired site, best first. */
export function unwiredFixes(env: FixEnv, site: EvaluatedSite, opts: SiteFixOptions = {}): Fix[] {
  return shallowOnly(() => unwiredFixesIn(env, site, opts));
}

function unwiredFixesIn(env: FixEnv, site: EvaluatedSite, opts: SiteFixOptions): Fix[] {
  const ss = siteSource(env, site);
  if (!ss) return [];
  const out: Fix[] = [];
  const add = (f: Fix | undefined) => {
    if (f && !out.some((o) => o.kind === f.kind && JSON.stringify(o.edits) === JSON.stringify(f.edits))) out.push(f);
  };
  const takesCallbacks = site.options.some((o) => o.key === 'callbacks');
  // 1. The SDK's own telemetry option.
  if (site.kind === 'llm-call') add(make(env, ss, 'telemetry-option', 'safe', (sink) => buildTelemetryOption(ss, sink)));
  // 2. Callback handlers: configured (safe), created in scope, the tracing library's.
  if (takesCallbacks) {
    const handlers: HandlerSource[] = [];
    if (opts.handler) handlers.push({ expression: opts.handler.expression, imports: opts.handler.import ? [{ module: opts.handler.import.from, name: opts.handler.import.name }] : [], origin: 'configured' });
    for (const name of handlersInScope(env, ss)) handlers.push({ expression: name, origin: 'in-scope' });
    const lib = libraryHandler(env, site.file);
    if (lib) handlers.push(lib);
    for (const h of handlers) add(make(env, ss, 'callbacks', h.origin === 'configured' ? 'safe' : 'unsafe', (sink) => buildCallbacks(ss, sink, h)));
  }
  // 3. The client wrapped where it is constructed (declared libraries only; the span comes first otherwise).
  const wrappers = site.kind === 'llm-call' ? wrappersFor(env, site.file, site.sdk, site.operation) : [];
  for (const w of wrappers.filter((x) => x.declared)) add(make(env, ss, 'wrap-client', 'unsafe', (sink) => buildClientWrap(env, ss, sink, w.reference)));
  // 4. A span: the team's helper, else OpenTelemetry.
  add(make(env, ss, 'wrap-in-span', 'unsafe', (sink) => buildSpanWrap(env, ss, sink, opts.span)));
  // 5. A project that uses no tracing library yet: the catalog's first one (one vendor for the whole project,
  // whatever the SDK and operation), which the project then needs to install.
  const fallback = env.fixes.wrappers[0]?.library;
  const usesOne = env.fixes.wrappers.some((w) => declared(env, site.file, w.package));
  if (!usesOne) for (const w of wrappers.filter((x) => x.library === fallback).slice(0, 1)) add(make(env, ss, 'wrap-client', 'unsafe', (sink) => buildClientWrap(env, ss, sink, w.reference)));
  return out;
}

/** The finding's fix and suggestions from a site's fixes: the best one, and the unsafe alternatives. */
export function asFindingFixes(fixes: Fix[]): { fix?: Fix; suggestions?: Fix[] } {
  const [fix, ...rest] = fixes;
  if (!fix) return {};
  return rest.length ? { fix, suggestions: rest } : { fix };
}

export { refOf };
