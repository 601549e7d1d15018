/**
 * What the fix builders share: the site being fixed with its parsed file, project facts (declared
 * packages, the team's helpers, every site), suppression lines, and the packages a fix's imports need.
 */

import ts = require('typescript');
import semver from 'semver';
import { fixCatalog } from '../../../rules/catalog/fixes.js';
import type { FixCatalog, WrapSpec } from '../../../rules/catalog/types.js';
import type { CatalogIndex } from '../../engine/catalog.js';
import type { EvaluatedSite } from '../../engine/link.js';
import type { SiteProject } from '../../engine/rule.js';
import { scanDirectives } from '../../engine/suppress.js';
import type { FixDependency } from '../../engine/types.js';
import { type ImportRef, SourceInfo } from './source.js';

/** The rule that reports a site of each kind. */
export const RULE_OF_KIND: Record<EvaluatedSite['kind'], string> = {
  'llm-call': 'require-llm-tracing',
  'task-execution': 'require-task-callbacks',
  kickoff: 'require-kickoff-callbacks',
};

export interface FixEnv {
  catalog: CatalogIndex;
  fixes: FixCatalog;
  project?: SiteProject;
  /** Text of a file, when the front end has it (the finding's own file always). */
  text(file: string): string | undefined;
}

export function fixEnv(catalog: CatalogIndex, text: (file: string) => string | undefined, project?: SiteProject): FixEnv {
  return { catalog, fixes: fixCatalog, project, text };
}

/** A site with its file parsed. */
export interface SiteSource {
  site: EvaluatedSite;
  src: SourceInfo;
  call: ts.CallExpression | ts.NewExpression;
}

export function siteSource(env: FixEnv, site: EvaluatedSite): SiteSource | undefined {
  const text = env.text(site.file);
  if (text === undefined) return undefined;
  const src = SourceInfo.of(site.file, text);
  const call = src.callAt(site.range.start, site.range.end);
  return call ? { site, src, call } : undefined;
}

/** `module#export` → an import reference (bare packages only: the catalog names packages). */
export function refOf(reference: string): ImportRef {
  const i = reference.indexOf('#');
  return { module: reference.slice(0, i), name: reference.slice(i + 1) };
}

/** The declared version range of a package for a file (undefined when the project does not declare it). */
export function declared(env: FixEnv, file: string, pkg: string): string | undefined {
  return env.project?.declaredVersion(file, pkg);
}

/** Whether the declared range of `pkg` allows versions in `range` (its lowest version satisfies it). */
export function declaredIn(env: FixEnv, file: string, pkg: string, range: string | undefined): boolean {
  const d = declared(env, file, pkg);
  if (!d) return false;
  if (!range) return true;
  const min = semver.validRange(d) ? semver.minVersion(d) : semver.coerce(d);
  return !!min && semver.satisfies(min, range);
}

/**
 * The packages among `modules` (bare specifiers a fix imports) that the file's package.json does not
 * declare, each with the range the catalog gives it (none when the catalog has no range for it).
 */
export function missingDependencies(env: FixEnv, file: string, modules: Iterable<string>): FixDependency[] {
  const out: FixDependency[] = [];
  // Without the project's package.json view (no front end gave one) nothing is claimed missing.
  if (!env.project) return out;
  for (const pkg of [...new Set(modules)].sort()) {
    if (declared(env, file, pkg)) continue;
    const range = env.fixes.packages[pkg];
    out.push(range ? { package: pkg, range } : { package: pkg });
  }
  return out;
}

/**
 * The project's sites by client origin and by file, built once per list of sites: the fixes of every
 * finding ask which sites share its client or lie inside its call, and scanning all sites for each of
 * thousands of findings in one file made a run quadratic (4,000 calls: 25 s).
 */
const siteIndexes = new WeakMap<readonly EvaluatedSite[], { byOrigin: Map<string, EvaluatedSite[]>; byFile: Map<string, EvaluatedSite[]> }>();

/** The sites of a file (`siteIndex(...).byFile`, sorted by start) whose range lies within [start, end]. */
export function sitesWithin(sorted: readonly EvaluatedSite[], start: number, end: number): EvaluatedSite[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.range.start < start) lo = mid + 1;
    else hi = mid;
  }
  const out: EvaluatedSite[] = [];
  for (let i = lo; i < sorted.length && sorted[i]!.range.start <= end; i++) if (sorted[i]!.range.end <= end) out.push(sorted[i]!);
  return out;
}

export function siteIndex(sites: readonly EvaluatedSite[]): { byOrigin: Map<string, EvaluatedSite[]>; byFile: Map<string, EvaluatedSite[]> } {
  let index = siteIndexes.get(sites);
  if (!index) {
    index = { byOrigin: new Map(), byFile: new Map() };
    for (const s of sites) {
      if (s.origin) (index.byOrigin.get(s.origin) ?? index.byOrigin.set(s.origin, []).get(s.origin)!).push(s);
      (index.byFile.get(s.file) ?? index.byFile.set(s.file, []).get(s.file)!).push(s);
    }
    for (const list of index.byFile.values()) list.sort((a, b) => a.range.start - b.range.start);
    siteIndexes.set(sites, index);
  }
  return index;
}

/** The last text's directives: fixes ask once per site, and a file with thousands of sites would scan it thousands of times. */
let directivesOf: { text: string; directives: ReturnType<typeof scanDirectives> } | undefined;

/** The 1-based lines of a file on which findings of `ruleId` are suppressed by a directive. */
export function suppressedLines(text: string, ruleId: string): (line: number) => boolean {
  if (directivesOf?.text !== text) directivesOf = { text, directives: scanDirectives(text) };
  const ds = directivesOf.directives.filter((d) => d.kind !== 'enable' && d.reason && d.rules.includes(ruleId));
  return (line) => ds.some((d) => d.from <= line && line <= d.to);
}

/** The catalog's wrap spec of a `module#export` reference, when it names a client wrapper. */
export function wrapSpecOf(catalog: CatalogIndex, reference: string): WrapSpec | undefined {
  const ref = refOf(reference);
  const type = catalog.moduleType(ref.module);
  return type ? catalog.member(type, [ref.name])?.wrap : undefined;
}

/** Whether a wrapper traces an SDK's operation. */
export function wrapCovers(w: WrapSpec, sdk: string, operation: string): boolean {
  return (!w.sdks || w.sdks.includes(sdk)) && (!w.operations || w.operations.includes(operation));
}

/** The expression inside parentheses, `as`, `!` and `satisfies`. */
export function unwrapExpr(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    else return e;
  }
}

/** Skip parentheses upwards. */
export function outerParens(n: ts.Node): ts.Node {
  let cur = n;
  while (cur.parent && ts.isParenthesizedExpression(cur.parent)) cur = cur.parent;
  return cur;
}

export function isFunctionLike(n: ts.Node): n is ts.FunctionLikeDeclaration {
  return ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n);
}

export function enclosingFunction(n: ts.Node): ts.FunctionLikeDeclaration | undefined {
  for (let p = n.parent; p; p = p.parent) if (isFunctionLike(p)) return p;
  return undefined;
}

export function isAsync(fn: ts.Node | undefined): boolean {
  return !!fn && !!ts.getModifiers(fn as ts.HasModifiers)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}

/** The import specifier a local identifier is bound to at the top of the file (`import { x } from 'm'`, `const { x } = require('m')`). */
export function importedFrom(sf: ts.SourceFile, name: string): { module: string; name: string } | undefined {
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.importClause && !st.importClause.isTypeOnly) {
      const c = st.importClause;
      if (c.name?.text === name) return { module: st.moduleSpecifier.text, name: 'default' };
      const nb = c.namedBindings;
      if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) if (el.name.text === name) return { module: st.moduleSpecifier.text, name: (el.propertyName ?? el.name).text };
      if (nb && ts.isNamespaceImport(nb) && nb.name.text === name) return { module: st.moduleSpecifier.text, name: '*' };
    }
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer && unwrapExpr(d.initializer);
        if (!init || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'require') continue;
        const a0 = init.arguments[0];
        if (!a0 || !ts.isStringLiteral(a0)) continue;
        if (ts.isIdentifier(d.name) && d.name.text === name) return { module: a0.text, name: '*' };
        if (ts.isObjectBindingPattern(d.name)) {
          for (const el of d.name.elements) {
            if (ts.isIdentifier(el.name) && el.name.text === name) {
              const prop = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : name;
              return { module: a0.text, name: prop };
            }
          }
        }
      }
    }
  }
  return undefined;
}

/** A top-level `const name = <init>` of the file. */
export function topLevelConst(sf: ts.SourceFile, name: string): ts.Expression | undefined {
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer) return d.initializer;
  }
  return undefined;
}

/**
 * Whether `name` declared by `decl` is the binding seen at `at`: no function parameter, variable,
 * function or class of that name is declared in a scope between them.
 */
export function visibleAt(name: string, decl: ts.Node, at: ts.Node): boolean {
  const declScope = scopeOf(decl);
  for (let n: ts.Node | undefined = at.parent; n && n !== declScope; n = n.parent) {
    if (isFunctionLike(n) && n.parameters.some((p) => bindsName(p.name, name))) return false;
    if (ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n) || ts.isCaseClause(n) || ts.isDefaultClause(n)) {
      if (declaresName(n.statements, name)) return false;
    }
    if ((ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n)) && n.initializer && ts.isVariableDeclarationList(n.initializer)) {
      if (n.initializer.declarations.some((d) => bindsName(d.name, name))) return false;
    }
    if (ts.isCatchClause(n) && n.variableDeclaration && bindsName(n.variableDeclaration.name, name)) return false;
  }
  return true;
}

function scopeOf(decl: ts.Node): ts.Node {
  for (let n = decl.parent; n; n = n.parent) if (ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n) || isFunctionLike(n)) return n;
  return decl.getSourceFile();
}

function bindsName(b: ts.BindingName, name: string): boolean {
  if (ts.isIdentifier(b)) return b.text === name;
  return b.elements.some((e) => !ts.isOmittedExpression(e) && bindsName(e.name, name));
}

function declaresName(statements: ts.NodeArray<ts.Statement>, name: string): boolean {
  for (const st of statements) {
    if (ts.isVariableStatement(st) && st.declarationList.declarations.some((d) => bindsName(d.name, name))) return true;
    if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) && st.name?.text === name) return true;
  }
  return false;
}
