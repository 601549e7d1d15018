/**
 * wrap-clients: wrap SDK client construction (`new OpenAI(...)`) with a tracing wrapper, where calls
 * through that client are untraced.
 *
 * Which construction a call's client comes from is the engine's knowledge (imports, class fields,
 * factories, other files), so the codemod asks it: every candidate construction is wrapped with its
 * own probe wrapper in an in-memory copy of the project, the project is analysed again, and a
 * construction is wrapped for real only when its probe wires at least one call that was untraced.
 * Clients whose calls are all traced by other means are left alone.
 */

import path from 'node:path';
import ts = require('typescript');
import type { MemberSpec, WrapSpec } from '../../engine/catalog-schema.js';
import { analyzeFile } from '../../engine/analyze-file.js';
import type { EvaluatedSite } from '../../engine/link.js';
import { type Codemod, type CodemodContext, CodemodUsageError } from '../codemod.js';
import { type ImportRef, parseRef } from '../editor.js';
import { fixCatalog } from '../../../rules/catalog/fixes.js';
import { declaredIn } from '../fixes/common.js';
import { label, probe, probeName } from './shared.js';

interface Candidate {
  id: number;
  file: string;
  start: number;
  end: number;
  sdk: string;
  text: string;
}

interface Wrapper {
  ref: ImportRef;
  reference: string;
  spec: WrapSpec;
}

/**
 * The wrapper reference to use for an SDK in a file: the team's own (`codemods.wrapClients.wrappers`),
 * else the catalog's wrapper for the SDK from the configured library, or from the tracing library the
 * project declares, or LangSmith's. Among a library's entry points, one the project declares at a
 * version that has it comes first (Langfuse v3's `langfuse` before v4's `@langfuse/openai`).
 */
function wrapperRef(ctx: CodemodContext, sdk: string, file: string): string | undefined {
  const cfg = ctx.config.codemods.wrapClients ?? {};
  const own = cfg.wrappers?.[sdk];
  if (own) return own;
  if (cfg.wrappers && Object.keys(cfg.wrappers).length && !cfg.library) return undefined;
  const entries = fixCatalog.wrappers.filter((w) => w.sdk === sdk);
  const declaredAt = (w: (typeof entries)[number]) => declaredIn(ctx.fixEnv, file, w.package, w.versions);
  const library = cfg.library ?? entries.find(declaredAt)?.library ?? 'langsmith';
  const ofLibrary = entries.filter((w) => w.library === library);
  // A library declared at a version without this entry point has no wrapper for the SDK here.
  const usable = ofLibrary.filter((w) => declaredAt(w) || !ctx.declaredVersion(file, w.package));
  return (usable.find(declaredAt) ?? usable[0])?.import;
}

function resolveWrapper(ctx: CodemodContext, reference: string): Wrapper {
  const ref = parseRef(reference, ctx.config.dir);
  const type = ctx.catalog.moduleType(ref.module);
  const spec: MemberSpec | undefined = type ? ctx.catalog.member(type, [ref.name]) : undefined;
  if (!spec?.wrap) {
    throw new CodemodUsageError(
      `wrap-clients: ${reference} is not a client wrapper tracewire knows, so it could not tell the calls it traces; declare it in catalog.wrappers of tracewire.config.json`,
    );
  }
  return { ref, reference, spec: spec.wrap };
}

/** Client constructions (`new X(...)` of a catalog client type) in a file, resolved by the engine. */
function constructions(ctx: CodemodContext, file: string, text: string): { start: number; end: number; sdk: string }[] {
  if (!text.includes('new ')) return [];
  const found: ts.NewExpression[] = [];
  const out: { start: number; end: number; sdk: string }[] = [];
  try {
    analyzeFile(file, text, {
      catalog: ctx.catalog,
      visitors: [
        {
          kinds: [ts.SyntaxKind.NewExpression],
          visit: (node) => void found.push(node as ts.NewExpression),
          end: (w) => {
            for (const n of found) {
              const spec = w.specOf(w.valueOf(n.expression));
              const type = spec?.new ? ctx.catalog.type(spec.new) : undefined;
              if (!type || ![...type.members.values()].some((m) => m.site)) continue;
              out.push({ start: n.getStart(w.sourceFile), end: n.getEnd(), sdk: type.sdk });
            }
          },
        },
      ],
    });
  } catch {
    return [];
  }
  return out;
}

export const wrapClients: Codemod = {
  name: 'wrap-clients',
  summary: 'wrap SDK clients where they are constructed (langsmith wrapOpenAI/wrapAnthropic/wrapGemini, langfuse observeOpenAI, or your own wrapper)',
  description:
    'Wraps SDK client constructions (`new OpenAI(...)`, `new Anthropic(...)`, `new GoogleGenAI(...)`, ...) in the tracing wrapper the catalog names for the SDK, from the library chosen in ' +
    '`codemods.wrapClients.library` (default: the tracing library the project declares, else LangSmith): `"langsmith"` for wrapOpenAI/wrapAnthropic/wrapGemini, `"langfuse"` for observeOpenAI, `"braintrust"` for its wrappers; ' +
    'or in the team\'s own wrapper per SDK (`"wrappers": { "openai": "./src/tracing#withTracing" }`, also declared in catalog.wrappers). ' +
    'Only constructions whose client reaches an untraced call are wrapped (the engine follows the client through fields, factories and files), never one a suppressed call goes through; the import is added once.',
  safety: 'unsafe',
  fixes: [{ ruleId: 'require-llm-tracing', messageIds: ['unwiredCall'] }],
  async run(ctx: CodemodContext) {
    const unwired = ctx.sites.filter((s) => !s.wired && !s.disabled && s.kind === 'llm-call');
    if (unwired.length === 0) return;
    // Candidates, with the wrapper their SDK gets in their file.
    const candidates: Candidate[] = [];
    const wrappers = new Map<string, Wrapper>();
    const wrapperFor = new Map<number, Wrapper>();
    const files = [...new Set(ctx.sites.map((s) => s.file))];
    // Constructions may live in any target file, not only where the calls are.
    for (const file of ctx.config.project ? [...new Set([...files, ...ctx.targets])] : files) {
      if (!ctx.isTarget(file)) continue;
      const text = ctx.text(file);
      if (text === undefined) continue;
      for (const c of constructions(ctx, file, text)) {
        const reference = wrapperRef(ctx, c.sdk, file);
        if (!reference) continue;
        const w = wrappers.get(reference) ?? wrappers.set(reference, resolveWrapper(ctx, reference)).get(reference)!;
        if (w.spec.sdks && !w.spec.sdks.includes(c.sdk)) continue;
        const cand = { id: candidates.length, file, ...c, text: text.slice(c.start, c.end) };
        candidates.push(cand);
        wrapperFor.set(cand.id, w);
      }
    }
    // Probe: each candidate wrapped with its own wrapper, in memory.
    const attributed = await probe(
      ctx,
      candidates.map((c) => {
        const w = wrapperFor.get(c.id)!;
        return {
          id: c.id,
          file: c.file,
          edits: [
            { start: c.start, end: c.start, text: `${probeName(c.id)}(` },
            { start: c.end, end: c.end, text: ')' },
          ],
          spec: (mechanism) => ({ wrap: { mechanism, operations: w.spec.operations, sdks: w.spec.sdks } }),
        };
      }),
      unwired,
    );
    const wiredSites = new Set<EvaluatedSite>();
    for (const c of candidates) {
      const sites = attributed.get(c.id);
      if (!sites?.length) continue;
      const w = wrapperFor.get(c.id)!;
      const ed = ctx.editor(c.file);
      if (!ed) continue;
      const what = c.text.length > 40 ? c.text.slice(0, 37) + '...' : c.text;
      // A call through this client whose finding is suppressed would be traced too: the author's call.
      const held = ctx.suppressed.find((s) => s.origin === `${c.file}#${c.start}`);
      if (held) {
        ctx.skipped(c.file, c.start, what, `a call through this client is suppressed on purpose (${path.relative(ctx.cwd, held.file).split(path.sep).join('/')}:${held.range.line}); wrapping it would trace that call too: wrap it by hand, or wrap the calls in spans`);
        for (const s of sites) wiredSites.add(s);
        continue;
      }
      const b = ed.importBinding(w.ref);
      if ('error' in b) {
        ctx.skipped(c.file, c.start, what, b.error);
        continue;
      }
      ed.insert(c.start, `${b.expr}(`);
      ed.insert(c.end, ')');
      ctx.changed(c.file, c.start, what);
      for (const s of sites) wiredSites.add(s);
    }
    for (const s of unwired) {
      if (wiredSites.has(s)) continue;
      const reference = wrapperRef(ctx, s.sdk, s.file);
      // SDKs without a client wrapper (AI SDK, LangChain, ...) are other codemods' business.
      if (!reference) continue;
      const w = wrappers.get(reference) ?? resolveWrapper(ctx, reference);
      if (w.spec.operations && !w.spec.operations.includes(s.operation)) {
        ctx.skipped(s.file, s.range.start, label(s), `${w.reference} does not trace ${s.operation} calls`);
        continue;
      }
      ctx.skipped(s.file, s.range.start, label(s), 'the client does not come from a construction the codemod can wrap (a factory, a parameter, or another package)');
    }
  },
};
