/**
 * The per-file phase: one parse, one walk, then local resolution of the values that matter.
 *
 * The walk fills the file's facts (facts.ts: declarations and scopes, calls, returns, class members,
 * assignments, exports) and dispatches the rules' visitors; values are then resolved on demand
 * (resolve.ts) and the file is summarised (summarize.ts). Rules see all of it through one semantic
 * model (model.ts). The result is a serialisable `FileSummary`; the AST is not retained.
 */

import ts = require('typescript');
import { parseErrorOf, parseSource } from './ast.js';
import { checkNesting, isStackOverflow, NestingError } from './nesting.js';
import type { Aliases } from './aliases.js';
import type { MemberSpec } from './catalog-schema.js';
import type { CatalogIndex } from './catalog.js';
import { FileFacts, K_SKIP, KIND_FLAGS, TYPE_ONLY_KINDS } from './facts.js';
import { SemanticModel } from './model.js';
import { FileResolver, type ProjectResolver } from './resolve.js';
import { returnsFresh } from './spans.js';
import { Summarizer } from './summarize.js';
import type { AVal, FileSummary, WiringTag } from './values.js';

// Syntax helpers and the wiring decision that callers have long imported from here.
export { calleeText, originOf, parseErrorOf, parseSource, rangeOf, runsAtTopLevel, scriptKindFor } from './ast.js';
export { catalogNames } from './facts.js';
export type { ProjectResolver } from './resolve.js';
export { contextMechanism } from './summarize.js';
export type { WiringTag };

export interface FileAnalysis {
  summary: FileSummary;
  /**
   * Absolute paths (as written, without resolving extensions) of the project modules the file imports,
   * re-exports or requires with a relative or aliased specifier: the edges along which values can come
   * from other project files.
   */
  imports?: string[];
  /**
   * The bare specifiers the analysis looked up through the path aliases (with `AnalyzeOptions.aliases`),
   * each with the module it named ('' for none): the summary holds for the same bytes while these
   * answers hold (`--cache` checks them).
   */
  aliases?: Record<string, string>;
  /** Syntax errors found by the parser (the file is then not analysed). */
  parseError?: string;
  sourceFile?: ts.SourceFile;
  /** The steps of work the analysis took (see `AnalyzeOptions.budget`). */
  steps?: number;
}

export interface FileVisitor {
  /**
   * Node kinds to visit. The walk does not enter type annotations and type declarations (type nodes,
   * interface and type alias bodies: no runtime code there), unless a visitor sets `types` or
   * subscribes to a type node kind; `InterfaceDeclaration` and `TypeAliasDeclaration` nodes themselves
   * are still visited.
   */
  kinds: ts.SyntaxKind[];
  /** Also visit the nodes inside type annotations and type declarations. */
  types?: boolean;
  /** Called for each node of a subscribed kind, during the engine's single walk. */
  visit(node: ts.Node, ctx: WalkContext): void;
  /** Called once after the walk, when values can be resolved (`ctx.valueOf`, `ctx.model`). */
  end?(ctx: WalkContext): void;
}

export interface WalkContext {
  sourceFile: ts.SourceFile;
  /** Innermost enclosing function during the walk, if any. */
  fn: ts.FunctionLikeDeclaration | undefined;
  /**
   * The abstract value of an expression (module imports, catalog instances, user functions, ...).
   * Only meaningful in `end()`: during the walk, declarations later in the file are not known yet.
   */
  valueOf(e: ts.Expression): AVal | undefined;
  /** The catalog spec of a resolved instance value's current member path, if any. */
  specOf(v: AVal | undefined): MemberSpec | undefined;
  /** The file's semantic model: scopes, parents, values, summaries, flow (complete in `end()`). */
  model: SemanticModel;
}

export interface AnalyzeOptions {
  catalog: CatalogIndex;
  visitors?: FileVisitor[];
  /** Keep the source file on the result (the ESLint adapter and codemods need it). */
  keepSourceFile?: boolean;
  sourceFile?: ts.SourceFile;
  /**
   * Steps of work (nodes walked, values resolved) after which the analysis of this file gives up (throws
   * `FileBudgetError`). Counted, not timed: the same file stops at the same point on any machine, under
   * any load and with any number of workers.
   */
  budget?: number;
  /**
   * The rest of the project, for per-file rules: `ctx.valueOf` resolves values imported from other
   * project files through it (a tracer or a metric exported from `src/telemetry.ts`). The file's own
   * summary stays symbolic either way.
   */
  project?: ProjectResolver;
  /**
   * The tsconfig/jsconfig path aliases (`@/lib/openai`): specifiers they resolve name project modules,
   * exactly like relative ones. Without, only relative specifiers do.
   */
  aliases?: Aliases;
  /**
   * Only the visitors' findings and facts are wanted (the second phase, which has the file's summary from
   * the first): the file summary is not built, and the result's `summary` is empty.
   */
  findingsOnly?: boolean;
  /**
   * No other project file imports this one (`unimportedFiles`): no value of another file names its exports,
   * so the summary leaves out the functions and classes only an export reaches, except the exported
   * functions that run a callback parameter in a scope (the project's tracing helpers a fix may reuse) and
   * the exported classes that implement an interface (a call through it may run them).
   */
  unimported?: boolean;
}

/** The per-file budget of work ran out: thrown at a safe point of the walk or of value resolution. */
export class FileBudgetError extends Error {
  constructor() {
    super('the per-file budget ran out');
    this.name = 'FileBudgetError';
  }
}

export function analyzeFile(file: string, text: string, opts: AnalyzeOptions): FileAnalysis {
  let sf: ts.SourceFile;
  try {
    sf = opts.sourceFile ?? parseSource(file, text);
  } catch (e) {
    // The parser ran out of stack: the file nests far deeper than the limit below.
    if (isStackOverflow(e)) throw new NestingError();
    throw e;
  }
  const parseError = parseErrorOf(sf);
  const empty: FileSummary = { file, exports: {}, starExports: [], fns: {}, calls: [] };
  if (parseError) return { summary: empty, parseError, sourceFile: opts.keepSourceFile ? sf : undefined };

  // Measured, not left to the stack: the same answer in every mode (see nesting.ts).
  checkNesting(sf);
  const budget = opts.budget;
  let steps = 0;
  // A synchronous analysis can only stop itself: the walk and the resolver count their steps of work.
  const tick = () => {
    if (budget !== undefined && ++steps > budget) throw new FileBudgetError();
  };
  const facts = new FileFacts(file, sf, opts.catalog);
  const resolver = new FileResolver(facts, { catalog: opts.catalog, project: opts.project, aliases: opts.aliases, tick });
  const summarizer = new Summarizer(facts, resolver, !!opts.unimported);
  const model = new SemanticModel(facts, resolver, summarizer);
  summarizer.model = model;
  resolver.freshness = (node) => returnsFresh(model, node);
  const ctx: WalkContext = {
    sourceFile: sf,
    fn: undefined,
    valueOf: (e) => resolver.resolvedVal(e),
    specOf: (v) => model.specOf(v),
    model,
  };

  // Visitors by node kind; whether the walk may skip type annotations (no visitor asked to see inside).
  const visitors = opts.visitors ?? [];
  const byKind = new Map<ts.SyntaxKind, FileVisitor[]>();
  let skipTypes = true;
  for (const v of visitors) {
    if (v.types) skipTypes = false;
    for (const k of v.kinds) {
      (byKind.get(k) ?? byKind.set(k, []).get(k)!).push(v);
      if (TYPE_ONLY_KINDS.has(k) || (KIND_FLAGS[k]! & K_SKIP && k !== ts.SyntaxKind.InterfaceDeclaration && k !== ts.SyntaxKind.TypeAliasDeclaration)) skipTypes = false;
    }
  }
  const dispatch: ({ visit(node: ts.Node): void }[] | undefined)[] = [];
  for (const [k, list] of byKind) dispatch[k] = list.map((v) => ({ visit: (node: ts.Node) => v.visit(node, ctx) }));
  facts.walk({ dispatch, skipTypes, enter: (fn) => (ctx.fn = fn), tick });
  ctx.fn = undefined;
  for (const v of new Set(visitors)) v.end?.(ctx);

  if (opts.findingsOnly) return { summary: empty, sourceFile: opts.keepSourceFile ? sf : undefined, steps };
  const summary = summarizer.finish();
  const imports = summarizer.projectImports();
  const aliases = resolver.aliasAnswers();
  return { summary, imports, ...(aliases ? { aliases } : {}), sourceFile: opts.keepSourceFile ? sf : undefined, steps };
}
