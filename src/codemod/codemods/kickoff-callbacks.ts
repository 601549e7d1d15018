/**
 * kickoff-callbacks: wire multi-agent kickoffs that no tracing reaches, where the shape allows.
 *
 * - KaibanJS: `enableOpenTelemetry(team, config)` from `@kaibanjs/opentelemetry`, as the statement after
 *   the one that constructs the team (`const team = new Team({...})`).
 * - Mastra: tracing reaches agents and workflows registered on a `new Mastra({ ..., observability })`
 *   instance; an unregistered one produces no traces. The codemod adds the agent (or workflow) to the
 *   instance's `agents` (or `workflows`) object, importing it into the instance's file when it lives
 *   elsewhere. Without an instance that has `observability`, it says so and changes nothing.
 *
 * Which construction a kickoff's team or agent comes from is the engine's knowledge: each candidate is
 * registered with its own probe in an in-memory copy, and only those that wire an untraced call change.
 */

import path from 'node:path';
import ts = require('typescript');
import { Node } from 'ts-morph';
import { analyzeFile } from '../../engine/analyze-file.js';
import type { EvaluatedSite } from '../../engine/link.js';
import { addProperty, objectLiteral, propertyOf } from '../ast.js';
import type { Codemod, CodemodContext } from '../codemod.js';
import { packageName } from './package-name.js';
import { label, type ProbeCandidate, probe, probeName } from './shared.js';

interface Binding {
  file: string;
  /** The variable the instance is bound to. */
  name: string;
  /** The whole declaration statement. */
  statementStart: number;
  statementEnd: number;
  /** `new Team(...)` / `new Agent(...)` / the workflow expression. */
  start: number;
  kind: 'team' | 'agents' | 'workflows' | 'mastra';
  exported: boolean;
  /** The statement sits directly in a block or the file, so a statement can follow it. */
  inList: boolean;
  topLevel: boolean;
}

const TYPES: Record<string, Binding['kind']> = {
  'kaibanjs.Team': 'team',
  'mastra.Agent': 'agents',
  'mastra.Workflow': 'workflows',
  'mastra.Instance': 'mastra',
};

/** Variables bound to a team, agent, workflow or Mastra instance, as the engine resolves them. */
function bindings(ctx: CodemodContext, file: string, text: string): Binding[] {
  if (!/\b(Team|Agent|Mastra|createWorkflow|Workflow)\b/.test(text)) return [];
  const decls: { d: ts.VariableDeclaration; st: ts.VariableStatement; topLevel: boolean }[] = [];
  const out: Binding[] = [];
  try {
    analyzeFile(file, text, {
      catalog: ctx.catalog,
      visitors: [
        {
          kinds: [ts.SyntaxKind.VariableStatement],
          visit: (node, w) => {
            const st = node as ts.VariableStatement;
            for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.initializer) decls.push({ d, st, topLevel: !w.fn });
          },
          end: (w) => {
            for (const { d, st, topLevel } of decls) {
              const v = w.valueOf(d.initializer!);
              if (v?.k !== 'inst' || v.path.length) continue;
              const kind = TYPES[v.type];
              if (!kind) continue;
              const exported = !!ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) || new RegExp(`export\\s*\\{[^}]*\\b${(d.name as ts.Identifier).text}\\b`).test(text);
              out.push({
                file,
                name: (d.name as ts.Identifier).text,
                statementStart: st.getStart(w.sourceFile),
                statementEnd: st.getEnd(),
                start: d.initializer!.getStart(w.sourceFile),
                kind,
                exported,
                // A variable statement sits in a statement list (a block, the file), so a statement can follow it.
                inList: true,
                topLevel,
              });
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

const DEFAULT_KAIBAN_CONFIG = (ctx: CodemodContext, file: string, q: (s: string) => string) => {
  const service = ctx.config.codemods.kickoffCallbacks?.serviceName ?? packageName(file) ?? 'kaibanjs-team';
  return `{ enabled: true, sampling: { rate: 1, strategy: ${q('always')} }, attributes: { includeSensitiveData: false, customAttributes: { ${q('service.name')}: ${q(service)} } } }`;
};

export const kickoffCallbacks: Codemod = {
  name: 'kickoff-callbacks',
  summary: 'wire KaibanJS teams with enableOpenTelemetry and register Mastra agents/workflows on the Mastra instance that has observability',
  description:
    'KaibanJS: adds `enableOpenTelemetry(team, { enabled: true, sampling, attributes })` from @kaibanjs/opentelemetry after the statement that constructs ' +
    'a team whose `start()` no tracing reaches (`codemods.kickoffCallbacks.serviceName` names the service, default the package name). ' +
    'Mastra: adds an untraced agent or workflow to the `agents`/`workflows` of the project\'s `new Mastra({ ..., observability })` instance, importing it into that file ' +
    'when it is exported from another one. Kickoffs whose team or agent is not bound to a variable, or a project without a Mastra instance that has observability, are reported, not changed.',
  safety: 'safe',
  fixes: [
    { ruleId: 'require-kickoff-callbacks', messageIds: ['unwiredKickoff'] },
    { ruleId: 'require-llm-tracing', messageIds: ['unwiredCall'] },
    { ruleId: 'require-task-callbacks', messageIds: ['unwiredTask'] },
  ],
  async run(ctx: CodemodContext) {
    const unwired = ctx.sites.filter((s) => !s.wired && !s.disabled && (s.sdk === 'kaibanjs' || s.sdk === 'mastra'));
    if (unwired.length === 0) return;
    const all: Binding[] = [];
    for (const file of ctx.targets) {
      const text = ctx.text(file);
      if (text !== undefined) all.push(...bindings(ctx, file, text));
    }
    const instances = all.filter((b) => b.kind === 'mastra');
    const observed = instances.filter((m) => {
      const ed = ctx.editor(m.file);
      const n = ed?.sf.getDescendantAtPos(m.start);
      const call = n?.getFirstAncestor((a) => Node.isNewExpression(a) && a.getStart() === m.start) ?? undefined;
      const opts = call && Node.isNewExpression(call) ? objectLiteral(call.getArguments()[0]) : undefined;
      return !!opts && !!propertyOf(opts, 'observability');
    });
    const mastra = observed.length === 1 ? observed[0] : undefined;

    // Candidates: teams (any statement list) and, with one observed Mastra instance, top-level agents and workflows.
    const candidates: (ProbeCandidate & { binding: Binding })[] = [];
    for (const b of all) {
      if (b.kind === 'mastra') continue;
      if (b.kind === 'team' ? !b.inList : !mastra || !b.topLevel) continue;
      const id = candidates.length;
      candidates.push({
        id,
        binding: b,
        file: b.file,
        edits: [{ start: b.statementEnd, end: b.statementEnd, text: `\n${probeName(id)}(${b.name});` }],
        spec: (mechanism) => ({ registers: { arg: 0, mechanism } }),
      });
    }
    const attributed = await probe(ctx, candidates, unwired);
    const done = new Set<EvaluatedSite>();
    for (const c of candidates) {
      const sites = attributed.get(c.id);
      if (!sites?.length) continue;
      const b = c.binding;
      if (b.kind === 'team') {
        const ed = ctx.editor(b.file);
        if (!ed) continue;
        const fn = ed.importBinding({ module: '@kaibanjs/opentelemetry', name: 'enableOpenTelemetry' });
        if ('error' in fn) {
          for (const s of sites) ctx.skipped(s.file, s.range.start, label(s), fn.error);
          continue;
        }
        ed.insert(b.statementEnd, `${ed.eol}${ed.indentAt(b.statementStart)}${fn.expr}(${b.name}, ${DEFAULT_KAIBAN_CONFIG(ctx, b.file, (s) => ed.q(s))})${ed.semi}`);
        ctx.changed(b.file, b.statementStart, `enableOpenTelemetry(${b.name})`);
        for (const s of sites) done.add(s);
        continue;
      }
      // Mastra: register on the instance.
      const m = mastra!;
      const reason = registrationProblem(ctx, b, m);
      if (reason) {
        for (const s of sites) ctx.skipped(s.file, s.range.start, label(s), reason);
        for (const s of sites) done.add(s);
        continue;
      }
      const ed = ctx.editor(m.file)!;
      let local = b.name;
      if (b.file !== m.file) {
        const imp = ed.importBinding({ module: b.file, name: b.name });
        if ('error' in imp) {
          for (const s of sites) ctx.skipped(s.file, s.range.start, label(s), imp.error);
          continue;
        }
        local = imp.expr;
      }
      const call = ed.sf.getDescendantAtPos(m.start)?.getFirstAncestor((a) => Node.isNewExpression(a) && a.getStart() === m.start);
      const opts = call && Node.isNewExpression(call) ? objectLiteral(call.getArguments()[0]) : undefined;
      if (!opts) continue;
      const entry = local === b.name ? b.name : `${b.name}: ${local}`;
      const existing = propertyOf(opts, b.kind);
      const target = existing && Node.isPropertyAssignment(existing) ? objectLiteral(existing.getInitializer()) : undefined;
      if (existing && !target) {
        for (const s of sites) ctx.skipped(s.file, s.range.start, label(s), `the Mastra instance's \`${b.kind}\` is not an object literal: add \`${b.name}\` to it by hand`);
        continue;
      }
      if (target) addProperty(ed, target, entry);
      else addProperty(ed, opts, `${b.kind}: { ${entry} }`);
      ctx.changed(b.file, b.start, `register ${b.name} on the Mastra instance (${b.kind})`);
      for (const s of sites) done.add(s);
    }
    for (const s of unwired) {
      if (done.has(s)) continue;
      let reason: string;
      if (s.sdk === 'kaibanjs') reason = 'the team is not constructed into a variable the codemod can pass to enableOpenTelemetry';
      else if (instances.length === 0) reason = 'no `new Mastra({...})` instance in the project to register it on';
      else if (!mastra) reason = observed.length > 1 ? 'several Mastra instances have observability: register it on the right one by hand' : 'the Mastra instance has no `observability` configured: add it (e.g. `observability: new Observability({...})`)';
      else reason = 'the agent or workflow is not a top-level variable the codemod can register';
      ctx.skipped(s.file, s.range.start, label(s), reason);
    }
  },
};

/** Why an agent or workflow cannot be registered on the Mastra instance, if it cannot. */
function registrationProblem(ctx: CodemodContext, b: Binding, m: Binding): string | undefined {
  if (b.file === m.file) return b.statementStart < m.statementStart ? undefined : `\`${b.name}\` is declared after the Mastra instance`;
  if (!b.exported) return `\`${b.name}\` is not exported from its file, so the Mastra instance cannot import it`;
  // The agent's file importing the instance's file would make the new import a cycle.
  const ed = ctx.editor(b.file);
  const base = m.file.replace(/\.[cm]?[jt]sx?$/, '');
  for (const d of ed?.sf.getImportDeclarations() ?? []) {
    const spec = d.getModuleSpecifierValue();
    if (!spec.startsWith('.')) continue;
    const abs = path.resolve(path.dirname(b.file), spec).replace(/\.[cm]?[jt]sx?$/, '');
    if (abs === base) return `\`${b.name}\`'s file imports the Mastra instance's file: registering it there would create an import cycle`;
  }
  return undefined;
}
