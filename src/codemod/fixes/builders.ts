/**
 * The single-site edits behind the wiring rules' fixes (and the codemods built on them):
 *
 * - `telemetry-option`: switch on the SDK's own telemetry option (AI SDK `experimental_telemetry`);
 * - `telemetry-enable`: flip an explicit `isEnabled: false` to `true`;
 * - `callbacks`: pass a callback handler in the call's `callbacks` option: the configured one, a handler
 *   the file already creates and that is in scope, or the handler of the tracing library the project uses;
 * - `wrap-client`: wrap the client where it is constructed, in this file, with the wrapper the catalog
 *   names for this SDK and the tracing library the project declares;
 * - `wrap-in-span` (span.ts): run the call inside the team's helper or an OpenTelemetry span.
 */

import ts = require('typescript');
import { appendArgumentEdit, insertPropertyEdit } from '../../engine/edits.js';
import type { Arg } from '../../engine/values.js';
import { analyzeFile } from '../../engine/analyze-file.js';
import { type BuildResult } from './span.js';
import { declared, declaredIn, type FixEnv, refOf, RULE_OF_KIND, type SiteSource, siteIndex, suppressedLines, visibleAt, wrapCovers, wrapSpecOf } from './common.js';
import type { EvaluatedSite } from '../../engine/link.js';
import type { EditSink, ImportRef, SourceInfo } from './source.js';

/** `experimental_telemetry: { isEnabled: true }` where the call takes an options object literal. */
export function buildTelemetryOption(ss: SiteSource, sink: EditSink): BuildResult {
  const { site } = ss;
  const option = site.options.find((o) => o.enabledFlag && !o.requiresGlobal);
  if (!option || typeof option.arg !== 'number') return { skip: 'the SDK has no telemetry option that works on its own at this version' };
  const arg = site.args[option.arg];
  const existing = arg?.obj?.[option.key];
  if (existing?.obj) {
    // `experimental_telemetry: { functionId }` without the flag: switch it on in place.
    const edit = insertPropertyEdit(sink.text, existing, 'isEnabled: true');
    if (!edit) return { skip: `\`${option.key}\` is built from parts the fix cannot see into` };
    sink.replace(edit.start, edit.end, edit.text);
    return { description: `Set \`${option.key}.isEnabled: true\`` };
  }
  if (!arg || existing || option.key.includes('.')) return { skip: 'the options are not an object literal' };
  const edit = insertPropertyEdit(sink.text, arg, `${option.key}: { isEnabled: true }`);
  if (!edit) return { skip: 'the options are not an object literal' };
  sink.replace(edit.start, edit.end, edit.text);
  return { description: `Add \`${option.key}: { isEnabled: true }\`` };
}

/** `isEnabled: false` → `isEnabled: true` (the author turned telemetry off: unsafe). */
export function buildTelemetryEnable(ss: SiteSource, sink: EditSink): BuildResult {
  const d = ss.site.disabled;
  let cur: Arg | undefined = d?.arg;
  for (const k of d?.option.key.split('.') ?? []) cur = cur?.obj?.[k];
  const flag = cur?.obj?.[d?.option.enabledFlag ?? 'isEnabled'];
  if (!d || !flag || flag.lit !== false || sink.text.slice(flag.start, flag.end) !== 'false') return { skip: 'the flag is not a literal `false` the fix can flip' };
  sink.replace(flag.start, flag.end, 'true');
  return { description: `Turn telemetry back on (\`${d.option.key}: { isEnabled: true }\`)` };
}

export interface HandlerSource {
  /** The handler expression. */
  expression: string;
  /** Imports it needs. */
  imports?: ImportRef[];
  /** Where it comes from, for the description. */
  origin: 'configured' | 'in-scope' | 'library';
}

/** Pass `handler` in the call's `callbacks` option (merged into the config object, or as a new config argument). */
export function buildCallbacks(ss: SiteSource, sink: EditSink, handler: HandlerSource): BuildResult {
  const { site } = ss;
  const option = site.options.find((o) => o.key === 'callbacks' && typeof o.arg === 'number');
  if (!option || typeof option.arg !== 'number') return { skip: 'this call takes no `callbacks` in its config' };
  if (site.args.some((a) => a.spread)) return { skip: 'the arguments are spread from an array' };
  const property = `callbacks: [${handler.expression}]`;
  const arg = site.args[option.arg];
  if (arg) {
    const existing = arg.obj?.callbacks;
    if (existing) {
      const text = sink.text.slice(existing.start, existing.end);
      if (!(existing.arr && existing.arr.length === 0) && text !== 'undefined' && text !== 'null') return { skip: '`callbacks` is set from an expression the fix cannot see into' };
      sink.replace(existing.start, existing.end, `[${handler.expression}]`);
    } else if (arg.obj) {
      const e = insertPropertyEdit(sink.text, arg, property);
      if (!e) return { skip: 'the config object is built from parts the fix cannot see into' };
      sink.replace(e.start, e.end, e.text);
    } else if (sink.text.slice(arg.start, arg.end) === 'undefined') sink.replace(arg.start, arg.end, `{ ${property} }`);
    else return { skip: `the config is built elsewhere (\`${sink.text.slice(arg.start, Math.min(arg.end, arg.start + 40))}\`): add the handler there` };
  } else {
    // Only when the config is the next argument: never skip positions.
    if (site.args.length !== option.arg) return { skip: 'the call passes fewer arguments than the config position' };
    const e = appendArgumentEdit(sink.text, site.args, site.argsEnd, `{ ${property} }`);
    sink.replace(e.start, e.end, e.text);
  }
  for (const imp of handler.imports ?? []) {
    const b = sink.importBinding(imp, { local: rootIdentifier(handler.expression), exact: true });
    if ('error' in b) return { skip: b.error };
  }
  const from = handler.origin === 'in-scope' ? ' (the handler this file already creates)' : handler.origin === 'library' ? " (the tracing library's LangChain handler)" : '';
  return { description: `Pass \`${property}\`${from}` };
}

/** The identifier an expression starts from (`getCallbackHandler` in `getCallbackHandler()`, `X` in `new X.Y()`). */
export function rootIdentifier(expr: string): string | undefined {
  return /^\s*(?:new\s+)?([A-Za-z_$][\w$]*)/.exec(expr)?.[1];
}

/**
 * Handlers the file creates that are visible at the call: `const tracer = new LangChainTracer()` at
 * the top level or earlier in an enclosing block (values resolved by the engine: catalog members with
 * `handler`, the team's own handler factories declared in the catalog).
 */
export function handlersInScope(env: FixEnv, ss: SiteSource): string[] {
  const { src, call } = ss;
  const out: string[] = [];
  for (const f of handlerDeclarations(env, ss)) {
    if (f.start >= call.getStart(src.sf)) continue;
    const decl = declarationAt(src.sf, f.start);
    if (decl && visibleAt(f.name, decl, call)) out.push(f.name);
  }
  return out;
}

const handlerMemo = new WeakMap<SourceInfo, { name: string; start: number }[]>();

/** The file's variables bound to a newly created callback handler (one walk per file text). */
function handlerDeclarations(env: FixEnv, ss: SiteSource): { name: string; start: number }[] {
  const { src, site } = ss;
  const memo = handlerMemo.get(src);
  if (memo) return memo;
  const found: { name: string; start: number }[] = [];
  handlerMemo.set(src, found);
  if (!/\b(Handler|Tracer|handler|tracer|callback)/i.test(src.text)) return found;
  const decls: ts.VariableDeclaration[] = [];
  try {
    analyzeFile(site.file, src.text, {
      catalog: env.catalog,
      visitors: [
        {
          kinds: [ts.SyntaxKind.VariableStatement],
          visit: (node) => {
            for (const d of (node as ts.VariableStatement).declarationList.declarations) if (ts.isIdentifier(d.name) && d.initializer) decls.push(d);
          },
          end: (w) => {
            for (const d of decls) {
              let init = d.initializer!;
              while (ts.isParenthesizedExpression(init) || ts.isAwaitExpression(init)) init = init.expression;
              if (!ts.isNewExpression(init) && !ts.isCallExpression(init)) continue;
              const v = w.valueOf(init.expression);
              if (v?.k !== 'inst' || !env.catalog.member(v.type, v.path)?.handler) continue;
              found.push({ name: (d.name as ts.Identifier).text, start: d.getStart(w.sourceFile) });
            }
          },
        },
      ],
    });
  } catch {
    found.length = 0;
  }
  return found;
}

function declarationAt(sf: ts.SourceFile, at: number): ts.VariableDeclaration | undefined {
  let found: ts.VariableDeclaration | undefined;
  const visit = (n: ts.Node): void => {
    if (found || n.end <= at || n.pos > at) return;
    if (ts.isVariableDeclaration(n) && n.getStart(sf) === at) {
      found = n;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

/** The LangChain handler of a tracing library the project declares (`new LangChainTracer()` for LangSmith). */
export function libraryHandler(env: FixEnv, file: string): HandlerSource | undefined {
  for (const h of env.fixes.handlers) {
    // The project must use the library (LangChain itself depending on LangSmith's client does not count).
    if (!h.usedWith.some((p) => declared(env, file, p)) || !declared(env, file, h.package)) continue;
    return { expression: h.expression, imports: [refOf(h.import)], origin: 'library' };
  }
  return undefined;
}

/** The wrappers the catalog offers for a site's SDK and operation: those of declared libraries first. */
export function wrappersFor(env: FixEnv, file: string, sdk: string, operation: string): { reference: string; package: string; library: string; declared: boolean }[] {
  const out: { reference: string; package: string; library: string; declared: boolean }[] = [];
  for (const w of env.fixes.wrappers) {
    if (w.sdk !== sdk) continue;
    const spec = wrapSpecOf(env.catalog, w.import);
    if (!spec || !wrapCovers(spec, sdk, operation)) continue;
    const isDeclared = declaredIn(env, file, w.package, w.versions);
    // A library declared at a version without this entry point: not offered at all.
    if (!isDeclared && declared(env, file, w.package)) continue;
    if (out.some((o) => o.library === w.library)) continue;
    out.push({ reference: w.import, package: w.package, library: w.library, declared: isDeclared });
  }
  return out.sort((a, b) => Number(b.declared) - Number(a.declared));
}

/**
 * Wrap the client where it is constructed (`new OpenAI()` → `wrapOpenAI(new OpenAI())`), when that is in
 * this file and every call through the client is here and unsuppressed (wrapping a client other files
 * use, or one a suppressed call goes through, is the `wrap-clients` codemod's or the author's decision).
 */
/**
 * Of the sites sharing one client: whether one is in another file than `file`, and the line of the first
 * one whose finding is suppressed. The same for every finding through that client: computed once.
 */
const sharingMemo = new WeakMap<readonly EvaluatedSite[], { file: string; text: string; otherFile: boolean; suppressedLine?: number }>();

function sharingFacts(sharing: readonly EvaluatedSite[], file: string, text: string): { otherFile: boolean; suppressedLine?: number } {
  const hit = sharingMemo.get(sharing);
  if (hit && hit.file === file && hit.text === text) return hit;
  const otherFile = sharing.some((s) => s.file !== file);
  const byRule = new Map<string, (line: number) => boolean>();
  const first = otherFile
    ? undefined
    : sharing.find((s) => {
        const rule = RULE_OF_KIND[s.kind];
        let at = byRule.get(rule);
        if (!at) byRule.set(rule, (at = suppressedLines(text, rule)));
        return at(s.range.line);
      });
  const facts = { file, text, otherFile, ...(first ? { suppressedLine: first.range.line } : {}) };
  sharingMemo.set(sharing, facts);
  return facts;
}

export function buildClientWrap(env: FixEnv, ss: SiteSource, sink: EditSink, reference: string): BuildResult {
  const { site, src } = ss;
  const origin = site.origin;
  const hash = origin?.lastIndexOf('#') ?? -1;
  if (!origin || origin.slice(0, hash) !== site.file) return { skip: 'the client is not constructed in this file' };
  const at = Number(origin.slice(hash + 1));
  let ctor: ts.NewExpression | undefined;
  const visit = (n: ts.Node): void => {
    if (ctor || n.end <= at || n.pos > at) return;
    if (ts.isNewExpression(n) && n.getStart(src.sf) === at) ctor = n;
    else ts.forEachChild(n, visit);
  };
  visit(src.sf);
  if (!ctor) return { skip: 'the client comes from a factory, not a construction the fix can wrap' };
  let up: ts.Node = ctor;
  while (up.parent && ts.isParenthesizedExpression(up.parent)) up = up.parent;
  if (up.parent && (ts.isCallExpression(up.parent) || ts.isNewExpression(up.parent)) && up.parent.arguments?.includes(up as ts.Expression)) {
    return { skip: 'the construction is already passed to a function (a wrapper that does not trace this call?)' };
  }
  const sharing = env.project ? siteIndex(env.project.sites()).byOrigin.get(origin) ?? [] : [site];
  const shared = sharingFacts(sharing, site.file, src.text);
  if (shared.otherFile) return { skip: 'other files call through this client: `tracewire codemod wrap-clients` wraps it for all of them' };
  if (shared.suppressedLine !== undefined) return { skip: `a call through this client is suppressed on purpose (line ${shared.suppressedLine}); wrapping the client would trace it too` };
  const b = sink.importBinding(refOf(reference));
  if ('error' in b) return { skip: b.error };
  const start = ctor.getStart(src.sf);
  sink.insert(start, `${b.expr}(`);
  sink.insert(ctor.end, ')');
  return { description: `Wrap the client with \`${b.expr}\` (${refOf(reference).module}) where it is constructed` };
}
