/**
 * The per-file phase: one parse, one walk, then local resolution of the values that matter.
 *
 * The walk records declarations (with their scope ranges), calls, function contexts, class members,
 * assignments and exports. Values are then resolved on demand through the interpreter; whatever is
 * rooted in another project file stays symbolic. The result is a serialisable `FileSummary`; the AST
 * is not retained.
 */

import path from 'node:path';
import ts = require('typescript');
import type { SiteKind } from '../../rules/catalog/types.js';
import { type Aliases, isPathSpecifier, projectModule } from './aliases.js';
import { type CatalogIndex, MODULE_TYPE_PREFIX, moduleKey } from './catalog.js';
import { Interp, type InterpHost } from './interp.js';
import { checkNesting, isStackOverflow, NestingError } from './nesting.js';
import type { Arg, AVal, CallCandidate, Context, FileSummary, FnSummary, ParamShape, SourceRange, WiringTag } from './values.js';

type FnNode = ts.FunctionLikeDeclaration;

interface Chain<T> {
  node: T;
  parent: Chain<T> | undefined;
}

type DeclInfo =
  | { kind: 'import'; module: string; name: string; typeOnly?: boolean }
  | { kind: 'var'; node: ts.VariableDeclaration | ts.BindingElement; init?: ts.Expression; path: string[]; annotation?: ts.TypeNode; isConst: boolean }
  | { kind: 'param'; fn: FnNode; index: number; path: string[]; annotation?: ts.TypeNode }
  | { kind: 'function'; node: FnNode }
  | { kind: 'class'; node: ts.ClassLikeDeclaration };

interface Decl {
  name: string;
  start: number;
  end: number;
  info: DeclInfo;
}

/**
 * What `this.<name>` may hold in a class: an assigned or initial value, a declared type, a method (the
 * function itself) or a getter (what it returns).
 */
type ClassPropValue = { expr: ts.Expression } | { type: ts.TypeNode } | { method: FnNode } | { getter: FnNode };

interface IdentArg {
  ident: ts.Identifier;
  call: ts.CallExpression | ts.NewExpression;
  index: number;
  nargs: number;
  fns: Chain<FnNode> | undefined;
}

/** Where a function's own parameters are called or passed on. */
interface ParamUses {
  calls: { rec: CallRecord; index: number }[];
  args: { ia: IdentArg; index: number }[];
}

interface CallRecord {
  node: ts.CallExpression | ts.NewExpression;
  fns: Chain<FnNode> | undefined;
  classes: Chain<ts.ClassLikeDeclaration> | undefined;
}

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
  /** Called once after the walk, when values can be resolved (`ctx.valueOf`). */
  end?(ctx: WalkContext): void;
}

export interface WalkContext {
  sourceFile: ts.SourceFile;
  /** Innermost enclosing function during the walk, if any. */
  fn: FnNode | undefined;
  /**
   * The abstract value of an expression (module imports, catalog instances, user functions, ...).
   * Only meaningful in `end()`: during the walk, declarations later in the file are not known yet.
   */
  valueOf(e: ts.Expression): AVal | undefined;
  /** The catalog spec of a resolved instance value's current member path, if any. */
  specOf(v: AVal | undefined): import('../../rules/catalog/types.js').MemberSpec | undefined;
}

export function scriptKindFor(file: string): ts.ScriptKind {
  const ext = path.extname(file).toLowerCase();
  switch (ext) {
    case '.tsx':
      return ts.ScriptKind.TSX;
    case '.jsx':
      return ts.ScriptKind.JSX;
    case '.js':
    case '.mjs':
    case '.cjs':
      return ts.ScriptKind.JS;
    default:
      return ts.ScriptKind.TS;
  }
}

export function parseSource(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(file, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, scriptKindFor(file));
}

export function parseErrorOf(sf: ts.SourceFile): string | undefined {
  const diags = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics;
  if (!diags || diags.length === 0) return undefined;
  const d = diags[0]!;
  const { line, character } = sf.getLineAndCharacterOfPosition(d.start);
  return `${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
}

export function rangeOf(sf: ts.SourceFile, node: ts.Node): SourceRange {
  const start = node.getStart(sf);
  const end = node.getEnd();
  const s = sf.getLineAndCharacterOfPosition(start);
  const e = sf.getLineAndCharacterOfPosition(end);
  return { start, end, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}

function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e) || ts.isAwaitExpression(e)) e = e.expression;
    else return e;
  }
}

function propName(name: ts.PropertyName | ts.BindingName | ts.MemberName): string | undefined {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

function hasWiring(v: AVal | undefined): boolean {
  return !!v && (v.k === 'inst' || v.k === 'param') && !!v.wiring?.length;
}

/** Prefer a wired value among alternatives (a conditionally wrapped client counts as wired). */
function pick(values: (AVal | undefined)[]): AVal | undefined {
  let first: AVal | undefined;
  for (const v of values) {
    if (!v) continue;
    if (hasWiring(v)) return v;
    first ??= v;
  }
  return first;
}

/** Per-kind flags for the walk: which nodes it records, which open a function, class or block scope, which it does not enter. */
const K_RECORD = 1;
const K_FN = 2;
const K_CLASS = 4;
const K_BLOCK = 8;
/** Type annotations and type declarations: no runtime value, call or declaration inside; not entered. */
const K_SKIP = 16;
/** Tokens, identifiers and literals: no children, nothing the walk records. */
const K_LEAF = 32;
const KIND_FLAGS: Uint8Array = (() => {
  const k = ts.SyntaxKind;
  const flags = new Uint8Array(k.Count + 1);
  for (const r of [k.ImportDeclaration, k.ImportEqualsDeclaration, k.VariableDeclarationList, k.FunctionDeclaration, k.ClassDeclaration, k.PropertyDeclaration, k.MethodDeclaration, k.BinaryExpression, k.ReturnStatement, k.CallExpression, k.NewExpression, k.ExportDeclaration, k.ExportAssignment]) flags[r]! |= K_RECORD;
  for (const f of [k.FunctionDeclaration, k.FunctionExpression, k.ArrowFunction, k.MethodDeclaration, k.Constructor, k.GetAccessor, k.SetAccessor]) flags[f]! |= K_FN;
  for (const c of [k.ClassDeclaration, k.ClassExpression]) flags[c]! |= K_CLASS;
  for (const b of [k.Block, k.ForStatement, k.ForOfStatement, k.ForInStatement, k.CatchClause, k.CaseBlock]) flags[b]! |= K_BLOCK;
  for (let t = k.FirstTypeNode; t <= k.LastTypeNode; t++) flags[t]! |= K_SKIP;
  flags[k.InterfaceDeclaration]! |= K_SKIP;
  flags[k.TypeAliasDeclaration]! |= K_SKIP;
  for (let t = 0; t <= k.LastToken; t++) flags[t]! |= K_LEAF;
  return flags;
})();
/** Kinds a visitor can only meet inside type annotations or type declarations' bodies (never in runtime code). */
const TYPE_ONLY_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.PropertySignature,
  ts.SyntaxKind.MethodSignature,
  ts.SyntaxKind.CallSignature,
  ts.SyntaxKind.ConstructSignature,
  ts.SyntaxKind.IndexSignature,
  ts.SyntaxKind.HeritageClause,
]);

/** Markers on the walk's stack: leaving a function, a class, a block scope. */
type ExitMarker = { readonly exit: string };
const EXIT_FN: ExitMarker = { exit: 'fn' };
const EXIT_CLASS: ExitMarker = { exit: 'class' };
const EXIT_BLOCK: ExitMarker = { exit: 'block' };

/** Memo markers (see `FileAnalyzer.valMemo`). */
const NONE = { k: 'fn', id: '(none)' } as AVal;
const BUSY = { k: 'fn', id: '(busy)' } as AVal;

const MAX_ARG_DEPTH = 5;
const NO_ARGS = [] as unknown as ts.NodeArray<ts.Expression>;

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
}

/** Cross-file resolution on demand (see `LazyProject`). */
export interface ProjectResolver {
  resolveRef(ref: Extract<AVal, { k: 'ref' }>): AVal | undefined;
  fnSummary(id: string): FnSummary | undefined;
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
  const a = new FileAnalyzer(file, sf, opts);
  a.walk();
  a.endVisitors();
  const summary = a.finish();
  const imports = a.projectImports();
  const aliases = a.aliasAnswers();
  return { summary, imports, ...(aliases ? { aliases } : {}), sourceFile: opts.keepSourceFile ? sf : undefined, steps: a.stepsTaken };
}

class FileAnalyzer implements InterpHost {
  readonly catalog: CatalogIndex;
  private readonly interp: Interp;
  private readonly dir: string;
  private readonly decls = new Map<string, Decl[]>();
  private readonly calls: CallRecord[] = [];
  /** Function passed directly as an argument. */
  private readonly fnArg = new Map<FnNode, { call: ts.CallExpression | ts.NewExpression; index: number; nargs: number }>();
  /** Identifiers passed as arguments: may name a function (`traceable(run)`) or a parameter. */
  private readonly identArgs: IdentArg[] = [];
  /** The same, by identifier text. */
  private readonly identArgsByName = new Map<string, IdentArg[]>();
  private readonly fnName = new Map<FnNode, string>();
  private readonly returns = new Map<FnNode, ts.Expression[]>();
  private readonly classProps = new Map<ts.ClassLikeDeclaration, Map<string, ClassPropValue[]>>();
  private readonly assigns = new Map<string, { pos: number; value: ts.Expression }[]>();
  private readonly exportNodes: ts.Node[] = [];
  private readonly cjsExports: { name: string | undefined; value: ts.Expression }[] = [];
  /** Memoised values: `NONE` for a known undefined, `BUSY` while being computed (a cycle resolves to nothing). */
  private readonly valMemo = new Map<ts.Node, AVal>();
  private readonly declMemo = new Map<Decl, AVal>();
  private readonly fnSummaries = new Map<string, FnSummary>();
  private readonly fnById = new Map<string, FnNode>();
  private readonly dispatch = new Map<ts.SyntaxKind, FileVisitor[]>();
  /** `dispatch` as an array indexed by kind (the walk's hot path). */
  private readonly dispatchByKind: (FileVisitor[] | undefined)[] = [];
  /** Whether the walk may skip type annotations: no visitor asked to see inside them. */
  private readonly skipTypes: boolean;
  private readonly spanNames: Set<string>;
  /** Option keys whose function values the catalog inspects (see `Arg.fnBody`). */
  private readonly fnOptionKeys: Set<string>;
  private readonly budget: number | undefined;
  private steps = 0;

  get stepsTaken(): number {
    return this.steps;
  }

  constructor(
    readonly file: string,
    readonly sf: ts.SourceFile,
    private readonly opts: AnalyzeOptions,
  ) {
    this.catalog = opts.catalog;
    this.interp = new Interp(this);
    this.dir = path.dirname(file);
    let skipTypes = true;
    for (const v of opts.visitors ?? []) {
      if (v.types) skipTypes = false;
      for (const k of v.kinds) {
        (this.dispatch.get(k) ?? this.dispatch.set(k, []).get(k)!).push(v);
        if (TYPE_ONLY_KINDS.has(k) || (KIND_FLAGS[k]! & K_SKIP && k !== ts.SyntaxKind.InterfaceDeclaration && k !== ts.SyntaxKind.TypeAliasDeclaration)) skipTypes = false;
      }
    }
    for (const [k, list] of this.dispatch) this.dispatchByKind[k] = list;
    this.skipTypes = skipTypes;
    this.spanNames = spanMemberNames(opts.catalog);
    const names = catalogNames(opts.catalog);
    this.loadModules = names.loads;
    this.fnOptionKeys = names.fnOptionKeys;
    this.budget = opts.budget;
    this.walkContext.sourceFile = sf;
  }

  /** Count `n` steps of work; abort the file when its budget is spent (a synchronous analysis can only stop itself). */
  step(n = 1): void {
    this.steps += n;
    if (this.budget !== undefined && this.steps > this.budget) throw new FileBudgetError();
  }

  fnSummary(id: string): FnSummary | undefined {
    const node = this.fnById.get(id);
    return node ? this.summarize(node) : undefined;
  }

  /** What a function returns, without the rest of its summary (calls of local functions need no more). */
  fnReturns(id: string): AVal | undefined {
    const node = this.fnById.get(id);
    return node ? this.returnsOf(node) : undefined;
  }

  private readonly returnsMemo = new Map<FnNode, AVal | undefined>();

  private returnsOf(f: FnNode): AVal | undefined {
    if (this.returnsMemo.has(f)) return this.returnsMemo.get(f);
    // Undefined while in progress: a recursive call returns nothing known.
    this.returnsMemo.set(f, undefined);
    const v = pick((this.returns.get(f) ?? []).map((r) => this.val(r)));
    this.returnsMemo.set(f, v);
    return v;
  }

  // ---------------------------------------------------------------- walk

  private readonly walkContext: WalkContext = {
    sourceFile: undefined as unknown as ts.SourceFile,
    fn: undefined,
    valueOf: (e) => this.resolvedVal(e),
    specOf: (v) => (v && v.k === 'inst' ? this.catalog.member(v.type, v.path) : undefined),
  };

  endVisitors(): void {
    this.walkContext.fn = undefined;
    const seen = new Set<FileVisitor>();
    for (const list of this.dispatch.values()) for (const v of list) seen.add(v);
    for (const v of seen) v.end?.(this.walkContext);
  }

  walk(): void {
    const sf = this.sf;
    const fileScope = { start: 0, end: sf.end };
    const scopes: { start: number; end: number; fn: boolean }[] = [{ ...fileScope, fn: true }];
    const nearestFn = () => {
      for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i]!.fn) return scopes[i]!;
      return scopes[0]!;
    };
    const block = () => scopes[scopes.length - 1]!;
    const add = (name: string, scope: { start: number; end: number }, info: DeclInfo) => {
      const d: Decl = { name, start: scope.start, end: scope.end, info };
      const list = this.decls.get(name);
      if (list) list.push(d);
      else this.decls.set(name, [d]);
    };
    const bindPattern = (name: ts.BindingName, scope: { start: number; end: number }, make: (n: string, p: string[], el: ts.BindingElement | undefined) => DeclInfo, pathSoFar: string[] = [], el?: ts.BindingElement) => {
      if (ts.isIdentifier(name)) {
        add(name.text, scope, make(name.text, pathSoFar, el));
        return;
      }
      if (ts.isObjectBindingPattern(name)) {
        for (const e of name.elements) {
          if (e.dotDotDotToken) continue;
          const key = e.propertyName ? propName(e.propertyName) : ts.isIdentifier(e.name) ? e.name.text : undefined;
          if (key === undefined) continue;
          bindPattern(e.name, scope, make, [...pathSoFar, key], e);
        }
      }
      // Array patterns carry no client knowledge worth tracking.
    };

    let fns: Chain<FnNode> | undefined;
    let classes: Chain<ts.ClassLikeDeclaration> | undefined;
    const ctx = this.walkContext;

    const dispatch = this.dispatchByKind;
    const skipTypes = this.skipTypes;

    const visit = (node: ts.Node): void => {
      const kind = node.kind;
      const handlers = dispatch[kind];
      if (handlers !== undefined) {
        ctx.fn = fns?.node;
        for (const h of handlers) h.visit(node, ctx);
      }
      const flags = KIND_FLAGS[kind]!;
      if (flags & K_SKIP && skipTypes) return;
      if (flags & K_RECORD) switch (kind) {
        case ts.SyntaxKind.ImportDeclaration: {
          const n = node as ts.ImportDeclaration;
          if (ts.isStringLiteral(n.moduleSpecifier) && !n.importClause?.isTypeOnly) this.noteLoad(n.moduleSpecifier.text);
          if (!ts.isStringLiteral(n.moduleSpecifier) || !n.importClause) break;
          const mod = n.moduleSpecifier.text;
          const c = n.importClause;
          // Type-only imports bind no runtime value, but type annotations (`client: OpenAI`) still name them.
          const typeOnly = c.isTypeOnly || undefined;
          if (c.name) add(c.name.text, fileScope, { kind: 'import', module: mod, name: 'default', typeOnly });
          const nb = c.namedBindings;
          if (nb && ts.isNamespaceImport(nb)) add(nb.name.text, fileScope, { kind: 'import', module: mod, name: '*', typeOnly });
          else if (nb) for (const s of nb.elements) add(s.name.text, fileScope, { kind: 'import', module: mod, name: s.propertyName ? (propName(s.propertyName) ?? s.name.text) : s.name.text, typeOnly: typeOnly || s.isTypeOnly || undefined });
          break;
        }
        case ts.SyntaxKind.ImportEqualsDeclaration: {
          const n = node as ts.ImportEqualsDeclaration;
          if (ts.isExternalModuleReference(n.moduleReference) && ts.isStringLiteral(n.moduleReference.expression)) {
            add(n.name.text, fileScope, { kind: 'import', module: n.moduleReference.expression.text, name: '*' });
            if (!n.isTypeOnly) this.noteLoad(n.moduleReference.expression.text);
          }
          break;
        }
        case ts.SyntaxKind.VariableDeclarationList: {
          const list = node as ts.VariableDeclarationList;
          const flags = list.flags;
          const blockScoped = (flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using | ts.NodeFlags.AwaitUsing)) !== 0;
          const scope = blockScoped ? block() : nearestFn();
          const isConst = (flags & ts.NodeFlags.Const) !== 0;
          for (const n of list.declarations) {
            bindPattern(n.name, scope, (_n, p, el) => ({ kind: 'var', node: el ?? n, init: n.initializer, path: p, annotation: p.length === 0 ? n.type : undefined, isConst }));
            if (n.initializer && ts.isIdentifier(n.name)) {
              const init = unwrap(n.initializer);
              if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) this.fnName.set(init, n.name.text);
            }
          }
          break;
        }
        case ts.SyntaxKind.FunctionDeclaration: {
          const n = node as ts.FunctionDeclaration;
          if (n.name) {
            add(n.name.text, nearestFn(), { kind: 'function', node: n });
            this.fnName.set(n, n.name.text);
          }
          break;
        }
        case ts.SyntaxKind.ClassDeclaration: {
          const n = node as ts.ClassDeclaration;
          if (n.name) add(n.name.text, block(), { kind: 'class', node: n });
          break;
        }
        case ts.SyntaxKind.PropertyDeclaration: {
          const n = node as ts.PropertyDeclaration;
          const name = propName(n.name);
          if (classes && name !== undefined && n.initializer) this.classProp(classes.node, name, { expr: n.initializer });
          else if (classes && name !== undefined && n.type) this.classProp(classes.node, name, { type: n.type });
          break;
        }
        case ts.SyntaxKind.MethodDeclaration: {
          const n = node as ts.MethodDeclaration;
          const name = propName(n.name);
          if (name) this.fnName.set(n, name);
          break;
        }
        case ts.SyntaxKind.BinaryExpression: {
          const n = node as ts.BinaryExpression;
          const op = n.operatorToken.kind;
          // `x = v`, and lazy initialisation: `this.client ??= new OpenAI()`, `client ||= create()`.
          if (op !== ts.SyntaxKind.EqualsToken && op !== ts.SyntaxKind.QuestionQuestionEqualsToken && op !== ts.SyntaxKind.BarBarEqualsToken) break;
          const left = unwrap(n.left);
          if (ts.isIdentifier(left)) {
            const list = this.assigns.get(left.text) ?? this.assigns.set(left.text, []).get(left.text)!;
            list.push({ pos: left.getStart(sf), value: n.right });
          } else if (ts.isPropertyAccessExpression(left)) {
            const base = unwrap(left.expression);
            if (base.kind === ts.SyntaxKind.ThisKeyword && classes) this.classProp(classes.node, left.name.text, { expr: n.right });
            else if (ts.isIdentifier(base) && base.text === 'exports') this.cjsExports.push({ name: left.name.text, value: n.right });
            else if (ts.isPropertyAccessExpression(base) && ts.isIdentifier(base.expression) && base.expression.text === 'module' && base.name.text === 'exports') this.cjsExports.push({ name: left.name.text, value: n.right });
            else if (ts.isIdentifier(base) && base.text === 'module' && left.name.text === 'exports') this.cjsExports.push({ name: undefined, value: n.right });
          }
          break;
        }
        case ts.SyntaxKind.ReturnStatement: {
          const n = node as ts.ReturnStatement;
          if (fns && n.expression) (this.returns.get(fns.node) ?? this.returns.set(fns.node, []).get(fns.node)!).push(n.expression);
          break;
        }
        case ts.SyntaxKind.CallExpression:
        case ts.SyntaxKind.NewExpression: {
          const n = node as ts.CallExpression | ts.NewExpression;
          this.calls.push({ node: n, fns, classes });
          const args = n.arguments ?? [];
          // `require('dd-trace/init')`, `await import('...')`: loading a module may register instrumentation.
          if (this.loadModules.size && kind === ts.SyntaxKind.CallExpression && args.length && ts.isStringLiteralLike(args[0]!)) {
            const callee = n.expression;
            if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) this.noteLoad(args[0].text);
          }
          args.forEach((arg, index) => {
            const u = unwrap(arg);
            if (ts.isArrowFunction(u) || ts.isFunctionExpression(u)) this.fnArg.set(u, { call: n, index, nargs: args.length });
            else if (ts.isIdentifier(u)) {
              const ia: IdentArg = { ident: u, call: n, index, nargs: args.length, fns };
              this.identArgs.push(ia);
              (this.identArgsByName.get(u.text) ?? this.identArgsByName.set(u.text, []).get(u.text)!).push(ia);
            }
          });
          break;
        }
        case ts.SyntaxKind.ExportDeclaration:
        case ts.SyntaxKind.ExportAssignment:
          this.exportNodes.push(node);
          break;
        default:
          break;
      }

      // Scopes and chains for the children.
      if (flags & K_FN) {
        const fnNode = node as FnNode;
        fns = { node: fnNode, parent: fns };
        const scope = { start: fnNode.pos, end: fnNode.end, fn: true };
        scopes.push(scope);
        const params = fnNode.parameters;
        for (let index = 0; index < params.length; index++) {
          const p = params[index]!;
          bindPattern(p.name, scope, (_n, pth) => ({ kind: 'param', fn: fnNode, index, path: pth, annotation: pth.length === 0 ? p.type : undefined }));
          if (kind === ts.SyntaxKind.Constructor && classes && ts.isIdentifier(p.name) && ts.getModifiers(p)?.length) {
            // Parameter property: `constructor(private client: OpenAI)`.
            if (p.initializer) this.classProp(classes.node, p.name.text, { expr: p.initializer });
            if (p.type) this.classProp(classes.node, p.name.text, { type: p.type });
          }
        }
        if (kind === ts.SyntaxKind.ArrowFunction && !ts.isBlock((fnNode as ts.ArrowFunction).body)) (this.returns.get(fnNode) ?? this.returns.set(fnNode, []).get(fnNode)!).push((fnNode as ts.ArrowFunction).body as ts.Expression);
        descend(node, EXIT_FN);
        return;
      }
      if (flags & K_CLASS) {
        const cls = node as ts.ClassLikeDeclaration;
        classes = { node: cls, parent: classes };
        // Methods and getters: `this.getClient()` and `this.client` may be them.
        for (const m of cls.members) {
          if (!(ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m)) || !m.body) continue;
          const name = propName(m.name);
          if (name !== undefined) this.classProp(cls, name, ts.isMethodDeclaration(m) ? { method: m } : { getter: m });
        }
        descend(node, EXIT_CLASS);
        return;
      }
      if (flags & K_BLOCK) {
        scopes.push({ start: node.pos, end: node.end, fn: false });
        descend(node, EXIT_BLOCK);
        return;
      }
      descend(node, undefined);
    };
    // The walk keeps its own stack (children, then a marker whose exit restores the enclosing
    // function, class or block), so deeply nested or long left-leaning code (a generated string
    // concatenated over 10,000 lines, a long builder chain) cannot overflow the JS stack here.
    const stack: (ts.Node | ExitMarker)[] = [sf];
    let base = 0;
    // Nodes the walk would neither record nor enter are not pushed, unless a visitor subscribed to them.
    const notPushed = K_LEAF | (skipTypes ? K_SKIP : 0);
    const push = (child: ts.Node) => {
      const kind = child.kind;
      if (KIND_FLAGS[kind]! & notPushed && dispatch[kind] === undefined) return;
      stack.push(child);
    };
    const descend = (node: ts.Node, exit: ExitMarker | undefined) => {
      if (exit !== undefined) stack.push(exit);
      base = stack.length;
      ts.forEachChild(node, push);
      // Children are pushed in source order; reverse them so they pop (are visited) in source order.
      for (let i = base, j = stack.length - 1; i < j; i++, j--) {
        const t = stack[i]!;
        stack[i] = stack[j]!;
        stack[j] = t;
      }
    };
    while (stack.length) {
      const top = stack.pop()!;
      if (top === EXIT_FN) {
        scopes.pop();
        fns = fns!.parent;
      } else if (top === EXIT_CLASS) classes = classes!.parent;
      else if (top === EXIT_BLOCK) scopes.pop();
      else visit(top as ts.Node);
      this.step();
    }
  }

  /** Catalog modules whose loading registers instrumentation (module keys), and the ones this file loads. */
  private readonly loadModules: Set<string>;
  private readonly loads = new Set<string>();

  private noteLoad(spec: string): void {
    if (this.loadModules.size && !isPathSpecifier(spec) && this.loadModules.has(moduleKey(spec))) this.loads.add(spec);
  }

  private classProp(cls: ts.ClassLikeDeclaration, name: string, value: ClassPropValue): void {
    const props = this.classProps.get(cls) ?? this.classProps.set(cls, new Map()).get(cls)!;
    (props.get(name) ?? props.set(name, []).get(name)!).push(value);
  }

  // ---------------------------------------------------------------- values

  private lookup(name: string, pos: number): Decl | undefined {
    const list = this.decls.get(name);
    if (!list) return undefined;
    if (list.length > 16) return this.lookupIndexed(name, list, pos);
    let best: Decl | undefined;
    for (const d of list) {
      if (d.start <= pos && pos < d.end && (!best || d.end - d.start < best.end - best.start)) best = d;
    }
    return best;
  }

  /** Per name with many declarations: the declarations sorted by scope (outer first), each with its enclosing one. */
  private readonly declIndex = new Map<string, { size: number; sorted: Decl[]; parent: Int32Array; first: Int32Array }>();

  /**
   * `lookup` for names declared in many scopes (a minified bundle's `a`, `b`, `e` in every function):
   * logarithmic instead of a scan of every declaration. Scopes are AST node ranges, so they nest or are
   * disjoint: the innermost scope holding `pos` encloses the last scope starting at or before `pos`.
   * Same answer as the scan: the smallest range, and of equal ranges the first declared.
   */
  private lookupIndexed(name: string, list: Decl[], pos: number): Decl | undefined {
    let idx = this.declIndex.get(name);
    if (!idx || idx.size !== list.length) {
      // Stable sort: equal ranges keep their declaration order.
      const sorted = [...list].sort((a, b) => a.start - b.start || b.end - a.end);
      const parent = new Int32Array(sorted.length);
      // The first declared of the declarations with the same range as this one.
      const first = new Int32Array(sorted.length);
      const stack: number[] = [];
      sorted.forEach((d, i) => {
        while (stack.length && !(sorted[stack[stack.length - 1]!]!.end >= d.end)) stack.pop();
        const p = stack.length ? stack[stack.length - 1]! : -1;
        parent[i] = p;
        first[i] = p >= 0 && sorted[p]!.start === d.start && sorted[p]!.end === d.end ? first[p]! : i;
        stack.push(i);
      });
      idx = { size: list.length, sorted, parent, first };
      this.declIndex.set(name, idx);
    }
    const { sorted, parent, first } = idx;
    let lo = 0;
    let hi = sorted.length - 1;
    let k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.start <= pos) {
        k = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // Up the enclosing scopes (past every same-range declaration at once) to one that holds `pos`.
    while (k >= 0 && !(pos < sorted[k]!.end)) k = parent[first[k]!]!;
    return k < 0 ? undefined : sorted[first[k]!];
  }

  private readonly fnIds = new Map<FnNode, string>();

  private fnId(node: FnNode): string {
    let id = this.fnIds.get(node);
    if (id === undefined) {
      // One string per function, shared by every value that names it.
      id = `${this.file}#${node.pos}`;
      this.fnIds.set(node, id);
      this.fnById.set(id, node);
    }
    return id;
  }

  /** Bare specifier → what the aliases resolved it to (see `FileAnalysis.aliases`). */
  private readonly aliased = new Map<string, string | undefined>();

  /** The project module a specifier names (relative, or through the path aliases), or undefined (a package). */
  private moduleFile(spec: string): string | undefined {
    if (isPathSpecifier(spec)) return path.resolve(this.dir, spec);
    if (!this.opts.aliases) return undefined;
    // A catalog module stays the catalog's, even where `paths` or a workspace maps it to local source.
    if (this.catalog.moduleType(spec)) return undefined;
    if (this.aliased.has(spec)) return this.aliased.get(spec);
    const r = projectModule(this.file, spec, this.opts.aliases);
    this.aliased.set(spec, r);
    return r;
  }

  /** See `FileAnalysis.aliases`. */
  aliasAnswers(): Record<string, string> | undefined {
    if (!this.aliased.size) return undefined;
    const out = Object.create(null) as Record<string, string>;
    for (const spec of [...this.aliased.keys()].sort()) out[spec] = this.aliased.get(spec) ?? '';
    return out;
  }

  private moduleValue(spec: string, name: string): AVal | undefined {
    const file = this.moduleFile(spec);
    // A path-named catalog module (a team's own wrapper, from the configuration) is known by its path;
    // a file of a catalog package's own source (`'../src'` in the SDK's repository) by the package's name.
    const source = file && !isPathSpecifier(spec) ? undefined : file && this.opts.aliases?.sdk.catalogModuleFor(file);
    const t = this.catalog.moduleType(file ?? spec) ?? (source ? this.catalog.moduleType(source) : undefined);
    // A project file the configuration describes only in part (one helper in `catalog.scopes`): the
    // exports it does not describe are the file's own, resolved (and detected) like any project module's.
    if (t && file && name !== '*' && !this.catalog.hasPrefix(t, [name]) && this.catalog.moduleType(file)) return { k: 'ref', file, name, steps: [] };
    // A named export goes through member access, so ready-made instances (`is`) resolve at the import.
    if (t) return name === '*' ? { k: 'inst', type: t, path: [] } : this.interp.member({ k: 'inst', type: t, path: [] }, name);
    if (file) return { k: 'ref', file, name, steps: [] };
    return undefined;
  }


  private declValue(d: Decl): AVal | undefined {
    const m = this.declMemo.get(d);
    if (m !== undefined) return m === NONE || m === BUSY ? undefined : m;
    this.declMemo.set(d, BUSY);
    let v: AVal | undefined;
    try {
      v = this.computeDeclValue(d);
    } catch (err) {
      this.declMemo.delete(d);
      throw err;
    }
    this.declMemo.set(d, v ?? NONE);
    return v;
  }

  private computeDeclValue(d: Decl): AVal | undefined {
    const info = d.info;
    switch (info.kind) {
      case 'import':
        return info.typeOnly ? undefined : this.moduleValue(info.module, info.name);
      case 'function':
        return { k: 'fn', id: this.fnId(info.node) };
      case 'class':
        // A class that extends an SDK client class is a client class (`class Acme extends OpenAI`).
        return this.sdkBaseClass(info.node);
      case 'param': {
        if (info.annotation) {
          const t = this.annotationValue(info.annotation);
          if (t) return t;
        }
        let v: AVal | undefined = { k: 'param', fn: this.fnId(info.fn), index: info.index, steps: [] };
        for (const m of info.path) v = v && this.interp.member(v, m);
        return v;
      }
      case 'var': {
        const candidates: (AVal | undefined)[] = [];
        if (info.init) {
          let v = this.val(info.init);
          for (const m of info.path) v = v && this.memberOfExpr(v, info.init, m);
          candidates.push(v);
        }
        if (!info.isConst) for (const a of this.assigns.get(d.name) ?? []) if (this.lookup(d.name, a.pos) === d) candidates.push(this.val(a.value));
        const v = pick(candidates);
        if (v) return v;
        if (info.annotation) return this.annotationValue(info.annotation);
        return undefined;
      }
    }
  }

  private annotationValue(t: ts.TypeNode): AVal | undefined {
    if (ts.isUnionTypeNode(t)) return pick(t.types.map((x) => this.annotationValue(x)));
    if (ts.isParenthesizedTypeNode(t)) return this.annotationValue(t.type);
    if (!ts.isTypeReferenceNode(t)) return undefined;
    let root: ts.EntityName = t.typeName;
    const members: string[] = [];
    while (ts.isQualifiedName(root)) {
      members.unshift(root.right.text);
      root = root.left;
    }
    const d = this.lookup(root.text, t.getStart(this.sf));
    if (!d || d.info.kind !== 'import') return undefined;
    const base = this.moduleValue(d.info.module, d.info.name);
    if (!base || base.k !== 'inst') return undefined;
    const p = [...base.path, ...members];
    const spec = this.catalog.member(base.type, p);
    const type = spec?.annotation;
    return type ? { k: 'inst', type, path: [] } : undefined;
  }

  /** Member access that also sees through local object literals (`const clients = { openai: new OpenAI() }`). */
  private memberOfExpr(base: AVal | undefined, baseExpr: ts.Expression, name: string): AVal | undefined {
    if (base) return this.interp.member(base, name);
    const obj = this.objectLiteralOf(baseExpr);
    if (!obj) return undefined;
    for (const p of obj.properties) {
      if (ts.isPropertyAssignment(p) && propName(p.name) === name) return this.val(p.initializer);
      if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return this.val(p.name);
    }
    return undefined;
  }

  private objectLiteralOf(e: ts.Expression, depth = 0): ts.ObjectLiteralExpression | undefined {
    const u = unwrap(e);
    if (ts.isObjectLiteralExpression(u)) return u;
    if (depth < 4 && ts.isIdentifier(u)) {
      const d = this.lookup(u.text, u.getStart(this.sf));
      if (d?.info.kind === 'var' && d.info.isConst && d.info.init && d.info.path.length === 0) return this.objectLiteralOf(d.info.init, depth + 1);
    }
    // `telemetryOptions()`: a function of this file whose only return is an object literal.
    if (depth < 4 && ts.isCallExpression(u) && ts.isIdentifier(unwrap(u.expression))) {
      const callee = unwrap(u.expression) as ts.Identifier;
      const d = this.lookup(callee.text, callee.getStart(this.sf));
      let fn: ts.Node | undefined;
      if (d?.info.kind === 'function') fn = d.info.node;
      else if (d?.info.kind === 'var' && d.info.isConst && d.info.init && d.info.path.length === 0) fn = unwrap(d.info.init);
      if (fn && (ts.isArrowFunction(fn) || ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.body) {
        if (!ts.isBlock(fn.body)) return this.objectLiteralOf(fn.body, depth + 1);
        const returns: ts.ReturnStatement[] = [];
        const visit = (n: ts.Node): void => {
          if (ts.isReturnStatement(n)) returns.push(n);
          else if (!ts.isFunctionLike(n) && !ts.isClassLike(n)) ts.forEachChild(n, visit);
        };
        ts.forEachChild(fn.body, visit);
        if (returns.length === 1 && returns[0]!.expression) return this.objectLiteralOf(returns[0]!.expression, depth + 1);
      }
    }
    return undefined;
  }

  val(e: ts.Expression): AVal | undefined {
    const m = this.valMemo.get(e);
    if (m !== undefined) return m === NONE || m === BUSY ? undefined : m;
    this.step();
    this.valMemo.set(e, BUSY);
    let v: AVal | undefined;
    try {
      v = this.computeVal(e);
    } catch (err) {
      this.valMemo.delete(e);
      throw err;
    }
    this.valMemo.set(e, v ?? NONE);
    return v;
  }

  private computeVal(e0: ts.Expression): AVal | undefined {
    const e = unwrap(e0);
    if (ts.isIdentifier(e)) {
      if (e.text === 'undefined') return undefined;
      const d = this.lookup(e.text, e.getStart(this.sf));
      return d ? this.declValue(d) : undefined;
    }
    if (ts.isPropertyAccessExpression(e)) {
      const base = unwrap(e.expression);
      if (base.kind === ts.SyntaxKind.ThisKeyword) return this.thisMember(e, e.name.text);
      return this.memberOfExpr(this.val(e.expression), e.expression, e.name.text);
    }
    if (ts.isElementAccessExpression(e)) {
      const arg = e.argumentExpression;
      if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return this.memberOfExpr(this.val(e.expression), e.expression, arg.text);
      // A computed key into an object literal (`factories[name]()`): one of its values, the first that resolves.
      const obj = this.objectLiteralOf(e.expression);
      if (!obj) return undefined;
      return pick(obj.properties.map((p) => (ts.isPropertyAssignment(p) ? this.val(p.initializer) : ts.isShorthandPropertyAssignment(p) ? this.val(p.name) : undefined)));
    }
    if (ts.isCallExpression(e)) {
      if (e.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const a = e.arguments[0];
        return a && ts.isStringLiteralLike(a) ? this.moduleValue(a.text, '*') : undefined;
      }
      const callee = unwrap(e.expression);
      if (ts.isIdentifier(callee) && callee.text === 'require' && !this.lookup('require', callee.getStart(this.sf))) {
        const a = e.arguments[0];
        return a && ts.isStringLiteralLike(a) ? this.moduleValue(a.text, '*') : undefined;
      }
      const cv = this.val(e.expression);
      if (!cv) return undefined;
      // A user function's arguments matter only when it returns (a value rooted at) one of its parameters.
      if (cv.k === 'fn') {
        const ret = this.fnReturns(cv.id);
        if (!ret) return undefined;
        if (ret.k !== 'param' || ret.fn !== cv.id) return this.withOrigin(this.interp.call(cv, []), e);
      }
      return this.withOrigin(this.interp.call(cv, this.args(e.arguments)), e);
    }
    if (ts.isNewExpression(e)) {
      const cv = this.val(e.expression);
      if (!cv) return undefined;
      return this.withOrigin(this.interp.construct(cv, this.args(e.arguments ?? NO_ARGS)), e);
    }
    if (ts.isConditionalExpression(e)) return pick([this.val(e.whenTrue), this.val(e.whenFalse)]);
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) return pick([this.val(e.left), this.val(e.right)]);
      if (op === ts.SyntaxKind.AmpersandAmpersandToken) return this.val(e.right);
      if (op === ts.SyntaxKind.CommaToken) return this.val(e.right);
      // An assignment's value: `return (this.client = new OpenAI())`, `return this.client ??= new OpenAI()`.
      if (op === ts.SyntaxKind.EqualsToken) return this.val(e.right);
      if (op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken) return pick([this.val(e.left), this.val(e.right)]);
      return undefined;
    }
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return { k: 'fn', id: this.fnId(e) };
    return undefined;
  }

  private projectInterp: Interp | undefined;

  /** `val`, with values rooted in other project files resolved through the project (for file rules). */
  private resolvedVal(e: ts.Expression): AVal | undefined {
    const v = this.val(e);
    const project = this.opts.project;
    if (!v || v.k !== 'ref' || !project) return v;
    this.projectInterp ??= new Interp({
      catalog: this.catalog,
      resolveRef: (ref) => project.resolveRef(ref),
      fnSummary: (id) => (this.fnById.has(id) ? this.fnSummary(id) : project.fnSummary(id)),
    });
    return this.projectInterp.concretize(v) ?? v;
  }

  /** A new instance is identified by the expression that created it (see `AVal` origin). */
  private withOrigin(v: AVal | undefined, e: ts.Expression): AVal | undefined {
    if (!v || v.k !== 'inst' || v.origin || v.path.length) return v;
    return { ...v, origin: originOf(this.file, e.getStart(this.sf)) };
  }

  private thisMember(e: ts.Node, name: string): AVal | undefined {
    // Find the class that lexically encloses `e` (classes are few; a linear scan is fine).
    const pos = e.getStart(this.sf);
    let cls: ts.ClassLikeDeclaration | undefined;
    for (const c of this.classProps.keys()) if (c.pos <= pos && pos < c.end && (!cls || c.pos > cls.pos)) cls = c;
    // Up the local `extends` chain: a member the subclass does not have may be the base class's.
    let last: ts.ClassLikeDeclaration | undefined;
    for (let depth = 0; cls && depth < 8; depth++) {
      last = cls;
      const values = this.classProps.get(cls)?.get(name);
      if (values) {
        // Assigned values, methods and getters first; a declared type only when none resolves. A value
        // assigned from a parameter (`this.client = options.client`) is known only to the caller that
        // constructed the instance, so a concrete assignment elsewhere, then the declared type, come first.
        const vals = values.map((x) => ('expr' in x ? this.val(x.expr) : 'method' in x ? ({ k: 'fn', id: this.fnId(x.method) } as AVal) : 'getter' in x ? this.returnsOf(x.getter) : undefined));
        const concrete = pick(vals.filter((x) => x?.k !== 'param'));
        if (concrete) return concrete;
        return pick(values.map((x) => ('type' in x ? this.annotationValue(x.type) : undefined))) ?? pick(vals);
      }
      cls = this.localBaseClass(cls);
    }
    // The chain ends at an SDK client class: `this.chat` in `class Acme extends OpenAI` is the client's.
    const sdkBase = last && this.sdkBaseClass(last);
    if (sdkBase) {
      const self = this.interp.construct(sdkBase, []);
      return self && this.interp.member(self, name);
    }
    return undefined;
  }

  /**
   * The SDK class a class extends, when its `extends` clause names one the catalog constructs (or a class
   * exported by another project file, resolved at link time).
   */
  private sdkBaseClass(cls: ts.ClassLikeDeclaration): AVal | undefined {
    for (const h of cls.heritageClauses ?? []) {
      if (h.token !== ts.SyntaxKind.ExtendsKeyword) continue;
      const base = h.types[0] && unwrap(h.types[0].expression);
      if (!base) return undefined;
      const v = this.val(base);
      if (v?.k === 'inst' && this.catalog.member(v.type, v.path)?.new) return v;
      return v?.k === 'ref' ? v : undefined;
    }
    return undefined;
  }

  /** The class a class extends, when it is a class declared in this file (`class Agent extends BaseAgent`). */
  private localBaseClass(cls: ts.ClassLikeDeclaration): ts.ClassLikeDeclaration | undefined {
    for (const h of cls.heritageClauses ?? []) {
      if (h.token !== ts.SyntaxKind.ExtendsKeyword) continue;
      const base = h.types[0] && unwrap(h.types[0].expression);
      if (!base || !ts.isIdentifier(base)) return undefined;
      const d = this.lookup(base.text, base.getStart(this.sf));
      return d?.info.kind === 'class' && d.info.node !== cls ? d.info.node : undefined;
    }
    return undefined;
  }

  args(list: ts.NodeArray<ts.Expression>): Arg[] {
    return list.map((a) => this.arg(a, 0));
  }

  private arg(a: ts.Expression, depth: number): Arg {
    const start = a.getStart(this.sf);
    const end = a.getEnd();
    if (ts.isSpreadElement(a)) return { spread: true, start, end };
    const u = unwrap(a);
    if (ts.isStringLiteralLike(u)) return { lit: u.text, start, end };
    if (ts.isNumericLiteral(u)) return { lit: Number(u.text), start, end };
    if (u.kind === ts.SyntaxKind.TrueKeyword) return { lit: true, start, end };
    if (u.kind === ts.SyntaxKind.FalseKeyword) return { lit: false, start, end };
    if (u.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(u) && u.text === 'undefined')) return { lit: null, start, end };
    if (ts.isArrowFunction(u) || ts.isFunctionExpression(u)) return { fn: true, v: this.val(u), start, end };
    if (ts.isArrayLiteralExpression(u) && depth < MAX_ARG_DEPTH) return { arr: u.elements.map((x) => this.arg(x, depth + 1)), start, end };
    const obj = depth < MAX_ARG_DEPTH ? this.objectLiteralOf(u) : undefined;
    if (obj) {
      const shape: Record<string, Arg> = {};
      let open = false;
      for (const p of obj.properties) {
        if (ts.isPropertyAssignment(p)) {
          const k = propName(p.name);
          if (k === undefined) open = true;
          else {
            const a = (shape[k] = this.arg(p.initializer, depth + 1));
            if (a.fn && this.fnOptionKeys.has(k)) {
              const f = unwrap(p.initializer);
              if (ts.isArrowFunction(f) || ts.isFunctionExpression(f)) a.fnBody = fnBodyInfo(f);
            }
          }
        } else if (ts.isShorthandPropertyAssignment(p)) shape[p.name.text] = this.arg(p.name, depth + 1);
        else if (ts.isMethodDeclaration(p) || ts.isGetAccessorDeclaration(p)) {
          const k = propName(p.name);
          if (k !== undefined) {
            shape[k] = { fn: true, start: p.getStart(this.sf), end: p.end };
            if (ts.isMethodDeclaration(p) && this.fnOptionKeys.has(k)) shape[k]!.fnBody = fnBodyInfo(p);
          } else open = true;
        } else if (ts.isSpreadAssignment(p)) {
          const inner = this.arg(p.expression, depth + 1);
          if (inner.obj) {
            Object.assign(shape, inner.obj);
            open ||= !!inner.open;
          } else {
            // `...(cond && { a })`, `...(cond ? { a } : { b })`: each key may or may not be there.
            const maybe = this.conditionalKeys(p.expression, depth + 1);
            if (maybe) {
              for (const [k, a] of Object.entries(maybe.keys)) if (!(k in shape)) shape[k] = { ...a, maybe: true };
              open ||= maybe.open;
            } else open = true;
          }
        } else open = true;
      }
      const direct = obj === u;
      const last = obj.properties[obj.properties.length - 1];
      return {
        obj: shape,
        open: open || undefined,
        start,
        end,
        insertAt: direct ? (last ? last.end : obj.getStart(this.sf) + 1) : undefined,
        trailingComma: direct ? obj.properties.hasTrailingComma || undefined : undefined,
        v: undefined,
      };
    }
    if (ts.isIdentifier(u)) {
      const d = this.lookup(u.text, u.getStart(this.sf));
      if (d?.info.kind === 'function') return { fn: true, v: this.val(u), start, end };
      // A variable or parameter whose declared type lists its keys (`settings: CallSettings`,
      // `opts: { temperature?: number }`): only those keys can be there, each maybe.
      const annotation = d && (d.info.kind === 'var' || d.info.kind === 'param') && d.info.path.length === 0 ? d.info.annotation : undefined;
      const keys = annotation ? this.declaredKeys(annotation) : undefined;
      if (keys) {
        const obj: Record<string, Arg> = {};
        for (const k of keys) obj[k] = { maybe: true, start, end };
        return { obj, v: this.val(u), start, end };
      }
    }
    return { v: this.val(u), start, end };
  }

  /** The keys of a conditional object (`c && { a }`, `c ? { a } : { b }`, `c || {}`), or undefined. */
  private conditionalKeys(e: ts.Expression, depth: number): { keys: Record<string, Arg>; open: boolean } | undefined {
    const u = unwrap(e);
    const branches: ts.Expression[] = [];
    if (ts.isBinaryExpression(u) && (u.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken)) branches.push(u.right);
    else if (ts.isBinaryExpression(u) && (u.operatorToken.kind === ts.SyntaxKind.BarBarToken || u.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) branches.push(u.left, u.right);
    else if (ts.isConditionalExpression(u)) branches.push(u.whenTrue, u.whenFalse);
    else return undefined;
    const keys: Record<string, Arg> = {};
    let open = false;
    for (const b of branches) {
      const a = this.arg(b, depth);
      if (a.obj) {
        for (const [k, v] of Object.entries(a.obj)) keys[k] ??= v;
        open ||= !!a.open;
      } else if (a.lit === undefined) {
        const inner = depth < MAX_ARG_DEPTH ? this.conditionalKeys(b, depth + 1) : undefined;
        if (!inner) open = true;
        else {
          for (const [k, v] of Object.entries(inner.keys)) keys[k] ??= v;
          open ||= inner.open;
        }
      }
    }
    return { keys, open };
  }

  /**
   * The keys a declared type allows, when it says so exactly: a type literal, an interface or type alias
   * of this file without index signatures or heritage, or a type the catalog knows carries no tracing option
   * (`CallSettings` of the AI SDK: empty list). Undefined when the type does not tell.
   */
  private declaredKeys(t: ts.TypeNode, depth = 0): string[] | undefined {
    if (depth > 4) return undefined;
    if (ts.isParenthesizedTypeNode(t)) return this.declaredKeys(t.type, depth + 1);
    if (ts.isTypeLiteralNode(t)) return membersKeys(t.members);
    if (ts.isIntersectionTypeNode(t)) {
      const all: string[] = [];
      for (const part of t.types) {
        const k = this.declaredKeys(part, depth + 1);
        if (!k) return undefined;
        all.push(...k);
      }
      return all;
    }
    if (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName) && !t.typeArguments) {
      const name = t.typeName.text;
      for (const st of this.sf.statements) {
        if (ts.isInterfaceDeclaration(st) && st.name.text === name) return st.heritageClauses?.length ? undefined : membersKeys(st.members);
        if (ts.isTypeAliasDeclaration(st) && st.name.text === name) return this.declaredKeys(st.type, depth + 1);
      }
      const d = this.lookup(name, t.getStart(this.sf));
      if (d?.info.kind === 'import' && !this.moduleFile(d.info.module) && this.catalog.optionFreeType(d.info.module, d.info.name)) return [];
    }
    return undefined;
  }

  // ---------------------------------------------------------------- contexts and summaries

  /** The contexts of a position, from the innermost enclosing function out to (excluding) `stopAt`. */
  /** The base classes of the classes enclosing a call (`class MyModel extends BaseChatModel`). */
  private classContexts(classes: Chain<ts.ClassLikeDeclaration> | undefined): Context[] {
    const out: Context[] = [];
    for (let c = classes; c; c = c.parent) {
      for (const h of c.node.heritageClauses ?? []) {
        if (h.token !== ts.SyntaxKind.ExtendsKeyword) continue;
        for (const t of h.types) {
          const callee = this.val(t.expression);
          if (callee) out.push({ k: 'subclass', callee });
        }
      }
    }
    return out;
  }

  private contextsOf(pos: number, fns: Chain<FnNode> | undefined, stopAt?: FnNode): Context[] {
    const out: Context[] = [];
    for (let c = fns; c && c.node !== stopAt; c = c.parent) {
      const f = c.node;
      const direct = this.fnArg.get(f);
      if (direct) {
        const callee = this.calleeOf(direct.call);
        if (callee) out.push({ k: 'arg', callee, index: direct.index, nargs: direct.nargs });
      }
      const name = this.fnName.get(f);
      if (name) {
        for (const ia of this.identArgsByName.get(name) ?? []) {
          const d = this.lookup(name, ia.ident.getStart(this.sf));
          if (!d || !this.declDenotesFn(d, f)) continue;
          const callee = this.calleeOf(ia.call);
          if (callee) out.push({ k: 'arg', callee, index: ia.index, nargs: ia.nargs });
        }
      }
      const decorators = ts.canHaveDecorators(f) ? ts.getDecorators(f) : undefined;
      for (const dec of decorators ?? []) {
        const ex = unwrap(dec.expression);
        const callee = this.val(ts.isCallExpression(ex) ? ex.expression : ex);
        if (callee) out.push({ k: 'decorator', callee });
      }
      // Spans started (not as active), and callback handlers created, earlier in this function.
      for (const rec of this.spanStarts(f)) {
        if (rec.node.getStart(this.sf) < pos) {
          const callee = this.calleeOf(rec.node);
          if (callee) out.push({ k: 'span', callee });
        }
      }
    }
    return out;
  }

  private spanStartIndex: Map<FnNode | null, CallRecord[]> | undefined;
  /** Calls that may start a span (by the catalog's span member names), by their innermost function. */
  /**
   * Also callback handlers created (calls or `new`). Only starts inside a function count: a handler
   * created once at module level and never passed wires nothing (`null` holds those, unused).
   */
  private spanStarts(f: FnNode | null): CallRecord[] {
    if (!this.spanStartIndex) {
      this.spanStartIndex = new Map();
      if (this.spanNames.size) {
        for (const r of this.calls) {
          const name = this.lastName(r.node.expression);
          if (name === undefined || !this.spanNames.has(name)) continue;
          const key = r.fns?.node ?? null;
          const list = this.spanStartIndex.get(key) ?? this.spanStartIndex.set(key, []).get(key)!;
          list.push(r);
        }
      }
    }
    return this.spanStartIndex.get(f) ?? [];
  }

  private lastName(e: ts.Expression): string | undefined {
    const u = unwrap(e);
    if (ts.isPropertyAccessExpression(u)) return u.name.text;
    if (ts.isIdentifier(u)) return u.text;
    return undefined;
  }

  private declDenotesFn(d: Decl, f: FnNode): boolean {
    if (d.info.kind === 'function') return d.info.node === f;
    if (d.info.kind === 'var' && d.info.init) return unwrap(d.info.init) === f;
    return false;
  }

  private calleeOf(call: ts.CallExpression | ts.NewExpression): AVal | undefined {
    return this.val(call.expression);
  }

  /** Collapse contexts that already resolve locally: to a mechanism (wired), or away (not tracing). */
  private settle(contexts: Context[], sdk?: string): { wiredBy?: string; pending: Context[] } {
    const pending: Context[] = [];
    for (const c of contexts) {
      const r = contextMechanism(c, this.interp, this, sdk);
      // A callee rooted at a parameter stays one at link time too (contexts are not substituted): it never wires.
      if (r === 'pending') {
        if (c.callee.k !== 'param') pending.push(c);
      } else if (r !== 'none') return { wiredBy: r, pending: [] };
    }
    return { pending };
  }

  summarize(f: FnNode): FnSummary {
    const id = this.fnId(f);
    const existing = this.fnSummaries.get(id);
    if (existing) return existing;
    const summary: FnSummary = { id, name: this.fnName.get(f) ?? '(anonymous)' };
    this.fnSummaries.set(id, summary);
    summary.returns = this.returnsOf(f);
    // Parameters the function calls, or passes on as callbacks.
    const called: NonNullable<FnSummary['calledParams']> = [];
    const uses = this.paramUses().get(f);
    for (const rec of uses?.calls ?? []) {
      const s = this.settle(this.contextsOf(rec.rec.node.getStart(this.sf), rec.rec.fns, f));
      called.push({ index: rec.index, contexts: s.pending, wiredBy: s.wiredBy });
    }
    for (const { ia, index } of uses?.args ?? []) {
      const callee = this.calleeOf(ia.call);
      if (!callee) continue;
      const ctx: Context[] = [{ k: 'arg', callee, index: ia.index, nargs: ia.nargs }, ...this.contextsOf(ia.call.getStart(this.sf), ia.fns, f)];
      const s = this.settle(ctx);
      called.push({ index, contexts: s.pending, wiredBy: s.wiredBy });
    }
    // An entry with neither a mechanism nor a pending context can never wire anything.
    const useful = called.filter((c) => c.wiredBy || c.contexts.length);
    if (useful.length) {
      summary.calledParams = useful;
      summary.params = this.paramShapes(f, uses);
    }
    return summary;
  }

  /** How a function that runs a callback parameter in a scope is called (see `ParamShape`), for fixes that reuse it. */
  private paramShapes(f: FnNode, uses: ParamUses | undefined): ParamShape[] {
    const shapes: ParamShape[] = f.parameters.map((p) => {
      const shape: ParamShape = { name: ts.isIdentifier(p.name) ? p.name.text : '' };
      if (p.questionToken || p.initializer || p.dotDotDotToken) shape.optional = true;
      if (p.type?.kind === ts.SyntaxKind.StringKeyword) shape.string = true;
      // `fn: (span: Span) => ...`
      const t = p.type && ts.isParenthesizedTypeNode(p.type) ? p.type.type : p.type;
      const first = t && ts.isFunctionTypeNode(t) ? t.parameters[0]?.type : undefined;
      if (first && ts.isTypeReferenceNode(first) && /(^|\.)Span$/.test(first.typeName.getText(this.sf))) shape.receivesSpan = true;
      return shape;
    });
    for (const { ia, index } of uses?.args ?? []) {
      const shape = shapes[index];
      if (!shape) continue;
      const callee = this.interp.concretize(this.calleeOf(ia.call));
      if (callee?.k === 'inst') {
        const spec = this.catalog.member(callee.type, callee.path);
        const nameArg = spec?.spanStart ? (spec.spanStart.nameArg ?? 0) : typeof spec?.scope?.callbackArg === 'number' && spec.scope.callbackArg > 0 ? 0 : -1;
        if (ia.index === nameArg) shape.spanName = true;
        const at = spec?.scope?.callbackArg;
        if (at !== undefined && (at === 'any' || at === ia.index || (at === 'last' && ia.index === ia.nargs - 1))) shape.runs = true;
      } else if (callee?.k === 'fn' && this.fnById.has(callee.id) && this.fnById.get(callee.id) !== f) {
        const inner = this.summarize(this.fnById.get(callee.id)!).params?.[ia.index];
        if (inner?.spanName) shape.spanName = true;
        if (inner?.runs) shape.runs = true;
      }
    }
    // `fn(span)` inside the callback of a span start that hands its span to the callback.
    for (const { rec, index } of uses?.calls ?? []) {
      const shape = shapes[index];
      if (shape) shape.runs = true;
      const a0 = rec.node.arguments?.[0];
      if (!shape || !a0 || !ts.isIdentifier(a0)) continue;
      const d = this.lookup(a0.text, a0.getStart(this.sf));
      if (d?.info.kind !== 'param' || d.info.index !== 0 || d.info.path.length) continue;
      const direct = this.fnArg.get(d.info.fn);
      const callee = direct && this.interp.concretize(this.calleeOf(direct.call));
      const spec = callee?.k === 'inst' ? this.catalog.member(callee.type, callee.path) : undefined;
      if (spec?.spanStart?.yields === 'callback' && direct!.index === direct!.nargs - 1) shape.receivesSpan = true;
    }
    return shapes;
  }

  private paramUsesCache: Map<FnNode, { calls: { rec: CallRecord; index: number }[]; args: { ia: IdentArg; index: number }[] }> | undefined;

  /** One pass over calls and identifier arguments: which functions call (or pass on) their own parameters. */
  private paramUses() {
    if (this.paramUsesCache) return this.paramUsesCache;
    const out = new Map<FnNode, { calls: { rec: CallRecord; index: number }[]; args: { ia: IdentArg; index: number }[] }>();
    const entry = (f: FnNode) => out.get(f) ?? out.set(f, { calls: [], args: [] }).get(f)!;
    for (const rec of this.calls) {
      if (!ts.isCallExpression(rec.node)) continue;
      const callee = unwrap(rec.node.expression);
      if (!ts.isIdentifier(callee)) continue;
      const d = this.lookup(callee.text, callee.getStart(this.sf));
      if (d?.info.kind !== 'param' || d.info.path.length) continue;
      entry(d.info.fn).calls.push({ rec, index: d.info.index });
    }
    for (const ia of this.identArgs) {
      const d = this.lookup(ia.ident.text, ia.ident.getStart(this.sf));
      if (d?.info.kind !== 'param' || d.info.path.length) continue;
      entry(d.info.fn).args.push({ ia, index: d.info.index });
    }
    this.paramUsesCache = out;
    return out;
  }

  // ---------------------------------------------------------------- finish

  finish(): FileSummary {
    const calls: CallCandidate[] = [];
    const paramCalls = new Map<string, CallCandidate[]>();
    const resolved: { rec: CallRecord; callee: AVal }[] = [];
    for (const rec of this.calls) {
      const n = rec.node;
      if (!ts.isNewExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) continue;
      const callee = this.val(n.expression);
      if (callee) resolved.push({ rec, callee });
    }
    const candidate = (rec: CallRecord, callee: AVal): CallCandidate => {
      const n = rec.node;
      // Scopes limited to some SDKs (LangGraph nodes) are judged here when the callee's SDK is known.
      const sdk = callee.k === 'inst' ? this.catalog.type(callee.type)?.sdk : undefined;
      const { wiredBy, pending } = this.settle([...this.contextsOf(n.getStart(this.sf), rec.fns), ...this.classContexts(rec.classes)], sdk);
      return {
        range: rangeOf(this.sf, n),
        callee,
        args: this.args(n.arguments ?? NO_ARGS),
        isNew: ts.isNewExpression(n),
        calleeText: calleeText(this.sf, n.expression),
        contexts: pending,
        wiredBy,
        argsEnd: n.end - 1,
        ...(rec.fns ? { fns: enclosingFnIds(this.file, rec.fns) } : {}),
        ...(rec.fns || rec.classes ? gateField(this.exportGate(n.getStart(this.sf))) : {}),
      };
    };
    // Calls on a parameter's value belong to the function's summary (clients passed around), when
    // their last step names a site member: only those can turn out to be sites once the argument is known.
    const siteNames = catalogNames(this.catalog).site;
    for (const { rec, callee } of resolved) {
      if (callee.k !== 'param' || callee.steps.length === 0) continue;
      const last = callee.steps[callee.steps.length - 1]!;
      if (!siteNames.has('') && (!('m' in last) || !siteNames.has(last.m))) continue;
      const list = paramCalls.get(callee.fn) ?? paramCalls.set(callee.fn, []).get(callee.fn)!;
      list.push(candidate(rec, callee));
    }
    for (const [fnId, list] of paramCalls) {
      const node = this.fnById.get(fnId);
      if (node) this.summarize(node).paramCalls = list;
    }
    for (const { rec, callee } of resolved) {
      const isNew = ts.isNewExpression(rec.node);
      if (callee.k === 'param') continue;
      if (callee.k === 'inst') {
        const spec = this.catalog.member(callee.type, callee.path);
        if (!spec) continue;
        // Constructing a class is a site when opening the instance is the request (a Realtime session).
        const interesting = isNew ? !!(spec.global || spec.instrumentation || spec.registers || (spec.site && spec.new)) : !!(spec.site || spec.global || spec.registers);
        if (!interesting) continue;
      }
      if (callee.k === 'fn' && !this.fnSummary(callee.id)?.paramCalls?.length) continue;
      calls.push(candidate(rec, callee));
    }
    const exports = this.collectExports();
    // Functions imported from another project file and passed to a call that may be a scope.
    const passedRefs: NonNullable<FileSummary['passedRefs']> = [];
    for (const ia of this.identArgs) {
      const value = this.val(ia.ident);
      if (value?.k !== 'ref') continue;
      const callee = this.calleeOf(ia.call);
      if (!callee || (callee.k === 'inst' && !this.catalog.member(callee.type, callee.path)?.scope)) continue;
      passedRefs.push({ value, callee, index: ia.index, nargs: ia.nargs });
    }
    // Summaries of every function a kept value can reach (the others can never be looked up).
    const fns: Record<string, FnSummary> = {};
    const reachable = new Set<string>();
    collectFnIds(calls, reachable);
    collectFnIds(exports, reachable);
    collectFnIds(passedRefs, reachable);
    for (const id of reachable) {
      const node = this.fnById.get(id);
      if (!node) continue;
      const s = this.summarize(node);
      // A summary with nothing in it answers like no summary at all.
      if (s.returns || s.calledParams || s.paramCalls) fns[id] = s;
      collectFnIds(s, reachable);
    }
    const { runtime: imports, names: importNames } = this.collectImports();
    return {
      file: this.file,
      exports,
      starExports: this.starExports,
      fns,
      calls,
      ...(passedRefs.length ? { passedRefs } : {}),
      ...(this.loads.size ? { loads: [...this.loads].sort() } : {}),
      ...(imports.length ? { imports } : {}),
      ...(importNames ? { importNames } : {}),
      ...(runsAtTopLevel(this.sf) ? { runs: true as const } : {}),
    };
  }

  private starExports: string[] = [];

  private importFacts: { all: string[]; runtime: string[]; names: Record<string, string[]> | undefined } | undefined;

  /**
   * The project modules the file imports, in one pass: every one (with type-only imports, for the
   * prefilter's graph), the ones loaded at run time, and what the file takes from each (see
   * `FileSummary.importNames`): binding names (`default` for the default export), `*` for a namespace,
   * `require`, `import()` or a re-export, nothing for a side-effect import.
   */
  private collectImports(): { all: string[]; runtime: string[]; names: Record<string, string[]> | undefined } {
    if (this.importFacts) return this.importFacts;
    const all = new Set<string>();
    const names = new Map<string, Set<string>>();
    const resolved = new Map<string, string | undefined>();
    const fileOf = (spec: string) => {
      if (!resolved.has(spec)) resolved.set(spec, this.moduleFile(spec));
      return resolved.get(spec);
    };
    const add = (spec: string, name: string | undefined, runtime: boolean) => {
      const file = fileOf(spec);
      if (!file) return;
      all.add(file);
      if (!runtime) return;
      const set = names.get(file) ?? names.set(file, new Set()).get(file)!;
      if (name !== undefined) set.add(name);
    };
    for (const list of this.decls.values()) for (const d of list) if (d.info.kind === 'import') add(d.info.module, d.info.name, !d.info.typeOnly);
    // `import './instrument'`: loaded for its side effects, binds nothing.
    for (const st of this.sf.statements) if (ts.isImportDeclaration(st) && !st.importClause && ts.isStringLiteral(st.moduleSpecifier)) add(st.moduleSpecifier.text, undefined, true);
    for (const n of this.exportNodes) if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) add(n.moduleSpecifier.text, '*', !n.isTypeOnly);
    for (const { node } of this.calls) {
      if (!ts.isCallExpression(node)) continue;
      const callee = unwrap(node.expression);
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
      const a = node.arguments[0];
      if (isImport && a && ts.isStringLiteralLike(a)) add(a.text, '*', true);
    }
    let rec: Record<string, string[]> | undefined;
    if (names.size) {
      rec = {};
      for (const k of [...names.keys()].sort()) rec[k] = [...names.get(k)!].sort();
    }
    this.importFacts = { all: [...all].sort(), runtime: [...names.keys()].sort(), names: rec };
    return this.importFacts;
  }

  private gateMemo = new Map<number, string | undefined>();
  private nameCounts = new Map<string, number>();

  /**
   * The export whose use is the only way to run code at `pos`: the position lies in an exported top-level
   * function, class or `const f = () => ...` that nothing else in the file mentions. A process that loads
   * the file without importing that name (or `*`) never runs it. Undefined when no such gate exists.
   */
  private exportGate(pos: number): string | undefined {
    const stmts = this.sf.statements;
    let lo = 0;
    let hi = stmts.length - 1;
    let st: ts.Statement | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = stmts[mid]!;
      if (pos < m.pos) hi = mid - 1;
      else if (pos >= m.end) lo = mid + 1;
      else {
        st = m;
        break;
      }
    }
    if (!st) return undefined;
    if (this.gateMemo.has(st.pos)) return this.gateMemo.get(st.pos);
    let name: string | undefined;
    const mods = ts.canHaveModifiers(st) ? ts.getModifiers(st) : undefined;
    const exported = mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const isDefault = mods?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if (exported && (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) name = isDefault ? 'default' : st.name.text;
    else if (exported && ts.isVariableStatement(st) && st.declarationList.declarations.length === 1) {
      const d = st.declarationList.declarations[0]!;
      const init = d.initializer && unwrap(d.initializer);
      if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init) || ts.isClassExpression(init))) name = d.name.text;
    }
    const local = name === 'default' ? (st as ts.FunctionDeclaration | ts.ClassDeclaration).name?.text : name;
    if (name && local && this.mentions(local) !== 1) name = undefined;
    this.gateMemo.set(st.pos, name);
    return name;
  }

  /** How many times an identifier-like word occurs in the file's text (one pass over the text, on first use). */
  private mentions(word: string): number {
    if (this.nameCounts.size === 0) {
      const re = /[A-Za-z_$][\w$]*/g;
      const text = this.sf.text;
      for (let m = re.exec(text); m; m = re.exec(text)) this.nameCounts.set(m[0], (this.nameCounts.get(m[0]) ?? 0) + 1);
      if (this.nameCounts.size === 0) this.nameCounts.set('', 0);
    }
    return this.nameCounts.get(word) ?? 0;
  }

  /** See `FileAnalysis.imports`. */
  projectImports(): string[] {
    return this.collectImports().all;
  }

  private collectExports(): Record<string, AVal> {
    const out: Record<string, AVal> = {};
    const set = (name: string, v: AVal | undefined) => {
      if (v) out[name] = v;
    };
    const sf = this.sf;
    for (const st of sf.statements) {
      const mods = ts.canHaveModifiers(st) ? ts.getModifiers(st) : undefined;
      const exported = mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      const isDefault = mods?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      if (exported && ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) {
          if (ts.isIdentifier(d.name)) {
            const decl = this.lookup(d.name.text, d.name.getStart(sf));
            set(d.name.text, decl && this.declValue(decl));
          }
        }
      } else if (exported && ts.isFunctionDeclaration(st)) {
        const v: AVal = { k: 'fn', id: this.fnId(st) };
        if (isDefault) set('default', v);
        if (st.name) set(st.name.text, v);
      } else if (exported && ts.isClassDeclaration(st)) {
        // Classes carry no value the catalog knows; their methods' sites are reported where they are.
      }
    }
    for (const node of this.exportNodes) {
      if (ts.isExportAssignment(node)) {
        set('default', this.val(node.expression));
        continue;
      }
      const n = node as ts.ExportDeclaration;
      if (n.isTypeOnly) continue;
      const from = n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier) ? n.moduleSpecifier.text : undefined;
      if (!n.exportClause) {
        const file = from && this.moduleFile(from);
        if (file) this.starExports.push(file);
        continue;
      }
      if (ts.isNamespaceExport(n.exportClause)) {
        if (from) set(n.exportClause.name.text, this.moduleValue(from, '*'));
        continue;
      }
      for (const el of n.exportClause.elements) {
        if (el.isTypeOnly) continue;
        const local = el.propertyName ? (propName(el.propertyName) ?? el.name.text) : el.name.text;
        if (from) set(el.name.text, this.moduleValue(from, local));
        else {
          const d = this.lookup(local, el.getStart(sf));
          set(el.name.text, d && this.declValue(d));
        }
      }
    }
    for (const c of this.cjsExports) {
      if (c.name) set(c.name, this.val(c.value));
      else {
        set('default', this.val(c.value));
        const obj = this.objectLiteralOf(c.value);
        if (obj) for (const p of obj.properties) {
          if (ts.isPropertyAssignment(p)) { const k = propName(p.name); if (k) set(k, this.val(p.initializer)); }
          else if (ts.isShorthandPropertyAssignment(p)) set(p.name.text, this.val(p.name));
        }
      }
    }
    return out;
  }
}

/**
 * What a function given as an option does with its argument (see `Arg.fnBody`): whether its body reads
 * its first parameter (a destructured one, or `arguments`, counts as read), and the string literals in it.
 * A body too large to look through counts as reading it, with no strings.
 */
function fnBodyInfo(f: ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration): { readsParam: boolean; strings: string[] } {
  const first = f.parameters[0];
  const param = first && ts.isIdentifier(first.name) ? first.name.text : undefined;
  let readsParam = !!first && param === undefined;
  const strings: string[] = [];
  let budget = 2000;
  const visit = (n: ts.Node): boolean => {
    if (--budget < 0) return true;
    if (ts.isIdentifier(n)) {
      if (n.text === param || n.text === 'arguments') readsParam = true;
    } else if (ts.isStringLiteralLike(n)) strings.push(n.text);
    return ts.forEachChild(n, visit) ?? false;
  };
  if (f.body && visit(f.body)) return { readsParam: true, strings: [] };
  return { readsParam, strings };
}

export function originOf(file: string, start: number): string {
  return `${file}#${start}`;
}

export function calleeText(sf: ts.SourceFile, e: ts.Expression): string {
  const text = sf.text.slice(e.getStart(sf), e.end);
  // Line breaks and indentation go; a space between two words stays (`(client as any).chat`, not `clientasany`).
  const oneLine = text.replace(/\s+/g, (ws: string, at: number) => (/[\w$]/.test(text[at - 1] ?? '') && /[\w$]/.test(text[at + ws.length] ?? '') ? ' ' : ''));
  return oneLine.length > 80 ? oneLine.slice(0, 77) + '...' : oneLine;
}

function gateField(gate: string | undefined): { gate?: string } {
  return gate ? { gate } : {};
}

/** Ids (as `fnId` makes them) of the functions of a chain, innermost first. */
function enclosingFnIds(file: string, chain: Chain<FnNode>): string[] {
  const ids: string[] = [];
  for (let c: Chain<FnNode> | undefined = chain; c; c = c.parent) ids.push(`${file}#${c.node.pos}`);
  return ids;
}

/** Ids of the user functions (`{ k: 'fn' }` values) anywhere in a summary's plain data. */
function collectFnIds(x: unknown, out: Set<string>): void {
  if (x === null || typeof x !== 'object') return;
  if (Array.isArray(x)) {
    for (const e of x) collectFnIds(e, out);
    return;
  }
  const o = x as Record<string, unknown>;
  if (o.k === 'fn' && typeof o.id === 'string') out.add(o.id);
  for (const key in o) {
    const v = o[key];
    if (v !== null && typeof v === 'object') collectFnIds(v, out);
  }
}

/** Member names the catalog gives a meaning to, computed once per catalog. */
interface CatalogNames {
  /** Last segments of the member paths that are sites (`''` when an instance itself is a callable site). */
  site: Set<string>;
  /** Keys of the modules whose loading registers instrumentation (`MemberSpec.load`). */
  loads: Set<string>;
  /** Option keys whose function values registrations inspect (`DefaultIntegrations.filteredBy`). */
  fnOptionKeys: Set<string>;
}

const catalogNamesCache = new WeakMap<CatalogIndex, CatalogNames>();

/**
 * Whether loading the module runs code of its own at top level (a script, an example, a server's main):
 * a statement that is not a declaration, an import/export, or an assignment to `module.exports`/`exports`;
 * or a top-level `await`. Such a file that nothing imports is the entry point of a process of its own.
 */
export function runsAtTopLevel(sf: ts.SourceFile): boolean {
  for (const st of sf.statements) {
    if (ts.isExpressionStatement(st)) {
      const e = unwrap(st.expression);
      if (ts.isStringLiteral(e)) continue; // 'use strict' and other directives
      if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken && isModuleExportsTarget(e.left)) continue;
      if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.expression.getText(sf) === 'Object' && e.expression.name.text === 'defineProperty') continue;
      return true;
    }
    if (ts.isIfStatement(st) || ts.isForStatement(st) || ts.isForOfStatement(st) || ts.isForInStatement(st) || ts.isWhileStatement(st) || ts.isDoStatement(st) || ts.isTryStatement(st) || ts.isBlock(st) || ts.isSwitchStatement(st)) return true;
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) if (d.initializer && hasTopLevelAwait(d.initializer)) return true;
    }
  }
  return false;
}

function isModuleExportsTarget(e: ts.Expression): boolean {
  let cur = unwrap(e);
  while (ts.isPropertyAccessExpression(cur) || ts.isElementAccessExpression(cur)) {
    const obj = unwrap(cur.expression);
    if (ts.isIdentifier(obj) && (obj.text === 'exports' || obj.text === 'module')) return true;
    cur = obj;
  }
  return ts.isIdentifier(cur) && cur.text === 'exports';
}

/** Property names of type members, or undefined when an index signature (or a computed name) allows any key. */
function membersKeys(members: ts.NodeArray<ts.TypeElement>): string[] | undefined {
  const out: string[] = [];
  for (const m of members) {
    if (ts.isIndexSignatureDeclaration(m) || ts.isCallSignatureDeclaration(m) || ts.isConstructSignatureDeclaration(m)) return undefined;
    const name = m.name && propName(m.name);
    if (name === undefined) return undefined;
    out.push(name);
  }
  return out;
}

/** An `await` outside any function (explicit stack: generated code nests deeply). */
function hasTopLevelAwait(e: ts.Node): boolean {
  const stack: ts.Node[] = [e];
  while (stack.length) {
    const n = stack.pop()!;
    if (ts.isAwaitExpression(n)) return true;
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) continue;
    ts.forEachChild(n, (c) => {
      stack.push(c);
    });
  }
  return false;
}

export function catalogNames(catalog: CatalogIndex): CatalogNames {
  let names = catalogNamesCache.get(catalog);
  if (names) return names;
  names = { site: new Set(), loads: new Set(), fnOptionKeys: new Set() };
  for (const t of catalog.types.values()) {
    for (const [p, m] of t.members) {
      if (m.site) names.site.add(p.slice(p.lastIndexOf('.') + 1));
      if (m.load && p === '' && t.name.startsWith(MODULE_TYPE_PREFIX)) names.loads.add(t.name.slice(MODULE_TYPE_PREFIX.length));
      const filtered = m.global?.defaults?.filteredBy;
      if (filtered) names.fnOptionKeys.add(filtered.key);
    }
  }
  catalogNamesCache.set(catalog, names);
  return names;
}

const spanNamesCache = new WeakMap<CatalogIndex, Set<string>>();

function spanMemberNames(catalog: CatalogIndex): Set<string> {
  const cached = spanNamesCache.get(catalog);
  if (cached) return cached;
  const names = new Set<string>();
  spanNamesCache.set(catalog, names);
  for (const t of catalog.types.values()) for (const [p, m] of t.members) if (m.span || m.handler) names.add(p.split('.').pop()!);
  return names;
}

/**
 * What a context means: a mechanism name (it traces), `none` (it does not), or `pending` (its callee
 * is rooted in another file or a parameter and can only be judged at link time). `sdk` is the SDK of
 * the site inside the context, when known: scopes that only wire some SDKs need it.
 */
/**
 * `sdk` and `kind` describe the site being judged; unknown in the local phase, where contexts whose
 * meaning depends on them stay pending (scopes limited to some SDKs, handlers that only serve agent
 * task executions and kickoffs).
 */
export function contextMechanism(c: Context, interp: Interp, host: InterpHost, sdk?: string, kind?: SiteKind): string | 'none' | 'pending' {
  const v = interp.concretize(c.callee);
  if (!v) return 'none';
  if (v.k === 'ref' || v.k === 'param') return 'pending';
  if (v.k === 'fn') {
    if (c.k !== 'arg') return 'none';
    const s = host.fnSummary(v.id);
    if (!s?.calledParams) return 'none';
    let pending = false;
    for (const cp of s.calledParams) {
      if (cp.index !== c.index) continue;
      if (cp.wiredBy) return `scope:${s.name}`;
      for (const inner of cp.contexts) {
        const r = contextMechanism(inner, interp, host, sdk, kind);
        if (r === 'pending') pending = true;
        else if (r !== 'none') return `scope:${s.name}`;
      }
    }
    return pending ? 'pending' : 'none';
  }
  const spec = host.catalog.member(v.type, v.path);
  if (!spec) return 'none';
  if (c.k === 'arg' && spec.scope) {
    const at = spec.scope.callbackArg;
    if (!(at === 'any' || at === c.index || (at === 'last' && c.index === c.nargs - 1))) return 'none';
    if (spec.scope.sdks) {
      if (sdk === undefined) return 'pending';
      if (!spec.scope.sdks.includes(sdk)) return 'none';
    }
    return spec.scope.mechanism;
  }
  if (c.k === 'decorator' && spec.decorator) return spec.decorator.mechanism;
  if (c.k === 'span' && spec.span) return spec.span.mechanism;
  if (c.k === 'subclass' && spec.subclassScope) return spec.subclassScope.mechanism;
  if (c.k === 'span' && spec.handler) {
    if (kind === undefined) return 'pending';
    return kind === 'llm-call' ? 'none' : spec.handler.mechanism;
  }
  return 'none';
}

export type { WiringTag };
