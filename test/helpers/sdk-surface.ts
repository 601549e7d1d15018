/**
 * The published surface of an SDK, read from its own type definitions with the TypeScript compiler API.
 *
 * For every class the catalog constructs (`new: <type>`), every ready-made instance it names (`is:`) and
 * every factory whose result it types (`returns:` on a module export: `createReactAgent`, `agent`),
 * exported by a module of an installed SDK package, the walk lists the public methods reachable from an
 * instance: its own methods, and those of every resource reached through its properties
 * (`client.chat.completions.create`, `client.beta.threads.runs.stream`), declared by the package or by the
 * sibling package that declares the root's class (`llamaindex` re-exports `@llamaindex/core`). A method whose catalog member
 * `returns` another type (`getGenerativeModel`, `chats.create`) leads on into that type's methods. Each
 * method is then classified by the catalog: a member of the type (a site, or a step such as `returns`),
 * or listed in the type's `notRequests`; anything else is reported with its access path.
 *
 * One Program per installed package (its entry points only); only the latest is kept, since the packages are walked
 * one after the other and holding every SDK's Program at once outgrows the worker's heap.
 */

import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { PackageModel } from '../../rules/catalog/types.js';
import type { CatalogIndex } from '../../src/engine/catalog.js';
import { ROOT } from './fixtures.js';

/** An installed copy of an npm package: its own name, or an alias (`openai6` → `npm:openai@^6`). */
export interface Installed {
  /** The package name the catalog uses (`openai`). */
  name: string;
  /** The name it is installed under (`openai6`). */
  dir: string;
  version: string;
  /** A types-only package (`@types/vscode`): it declares the module its name follows (`vscode`), which the editor provides at run time. */
  typesOnly?: boolean;
  /** The directory whose node_modules holds it: the repository, or `test/sdk-types`. */
  base: string;
}

/**
 * The packages the walk reads: tracewire's own devDependencies (the SDKs other tests use too) and
 * `test/sdk-types` (SDKs only the walk reads, with previous majors: installed by `npm test`, so that
 * installing tracewire itself, as pre-commit does, does not fetch them).
 */
export const SDK_TYPES = path.join(ROOT, 'test/sdk-types');

/** Every installed copy of each package those package.json files declare, aliases included. */
export function installedPackages(): Map<string, Installed[]> {
  const out = new Map<string, Installed[]>();
  for (const base of [ROOT, SDK_TYPES]) {
    const pkg = JSON.parse(fs.readFileSync(path.join(base, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string>; dependencies?: Record<string, string> };
    for (const [dir, spec] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      const alias = /^npm:(@?[^@]+)@/.exec(spec);
      const real = alias ? alias[1]! : dir;
      // `@types/vscode` declares the module `vscode`: the catalog knows it by that name.
      const typesOf = /^@types\/(.+)$/.exec(real);
      const name = typesOf && !typesOf[1]!.includes('__') && !['node', 'semver'].includes(typesOf[1]!) ? typesOf[1]! : real;
      const manifest = path.join(base, 'node_modules', dir, 'package.json');
      if (!fs.existsSync(manifest)) continue;
      const version = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
      const list = out.get(name) ?? out.set(name, []).get(name)!;
      list.push({ name, dir, version, base, ...(name !== real ? { typesOnly: true } : {}) });
    }
  }
  return out;
}

/** The package a module specifier belongs to (`@google/genai/node` → `@google/genai`). */
export function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** One root of a walk: an export of a module that the catalog says yields instances of `type`. */
export interface SurfaceRoot {
  model: string;
  module: string;
  exportName: string;
  type: string;
  /**
   * `new`: the export is a class; `is`: the export is an instance (or a namespace); `type`: the export is a
   * type its values are annotated with; `module`: the module's exported functions and classes; `call`: the
   * export is a factory function, its (awaited) result an instance (`createReactAgent(...)`, `agent(...)`).
   */
  via: 'new' | 'is' | 'type' | 'module' | 'call';
}

export function surfaceRoots(models: PackageModel[]): SurfaceRoot[] {
  const out: SurfaceRoot[] = [];
  for (const model of models) {
    // A module whose catalog type lists `notRequests` has its exported functions and classes classified too.
    for (const [name, spec] of Object.entries(model.types ?? {})) {
      if (name.startsWith('module:') && spec.notRequests) out.push({ model: model.id, module: name.slice('module:'.length), exportName: '*', type: name, via: 'module' });
    }
    for (const [module, members] of Object.entries(model.modules)) {
      for (const [exportName, spec] of Object.entries(members)) {
        // The module object itself (`''`) is the default export again; static members (`X.from`) are not classes.
        if (exportName === '' || exportName.includes('.')) continue;
        if (spec.new) out.push({ model: model.id, module, exportName, type: spec.new, via: 'new' });
        else if (spec.is) out.push({ model: model.id, module, exportName, type: spec.is, via: 'is' });
        else if (spec.annotation) out.push({ model: model.id, module, exportName, type: spec.annotation, via: 'type' });
        else if (spec.returns) out.push({ model: model.id, module, exportName, type: spec.returns, via: 'call' });
      }
    }
  }
  return out;
}

export interface WalkedMethod {
  /** The catalog type the path is relative to. */
  type: string;
  path: string;
  /** How the walk got there: `openai6:OpenAI` then `getGenerativeModel()` hops. */
  via: string;
}

export interface SurfaceResult {
  methods: WalkedMethod[];
  /** Roots whose export the package does not have at this version. */
  missingExports: string[];
}

const programs = new Map<string, { program: ts.Program; file: ts.SourceFile }>();

/** A Program over a generated file that imports the given module specifiers (resolved from the repository root). */
function programFor(key: string, imports: string[], typeRoots: string[], base: string): { program: ts.Program; file: ts.SourceFile } {
  const cached = programs.get(base + '\0' + key);
  if (cached) return cached;
  // Beside the node_modules that holds the package, so that its imports resolve from there.
  const fileName = path.join(base, `__surface_${key.replace(/[^\w]/g, '_')}.ts`);
  const text = imports.map((m, i) => `import * as m${i} from ${JSON.stringify(m)};\nexport { m${i} };\n`).join('');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node', ...typeRoots],
    // Node.js's own types come from the repository's node_modules wherever the package is.
    typeRoots: [...new Set([path.join(base, 'node_modules/@types'), path.join(ROOT, 'node_modules/@types')])],
    skipLibCheck: true,
    noEmit: true,
    strict: true,
    esModuleInterop: true,
  };
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) => (path.resolve(name) === fileName ? ts.createSourceFile(name, text, lang, true) : getSourceFile(name, lang, onError, create));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === fileName || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (path.resolve(name) === fileName ? text : readFile(name));
  const program = ts.createProgram({ rootNames: [fileName], options, host });
  const file = program.getSourceFile(fileName)!;
  const entry = { program, file };
  programs.clear();
  programs.set(base + '\0' + key, entry);
  return entry;
}

function isPublic(sym: ts.Symbol): boolean {
  const name = sym.getName();
  if (name.startsWith('_') || name.startsWith('#') || name.startsWith('__@')) return false;
  for (const d of sym.declarations ?? []) {
    const flags = ts.getCombinedModifierFlags(d);
    if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
    if ((ts.isPropertyDeclaration(d) || ts.isMethodDeclaration(d)) && ts.isPrivateIdentifier(d.name)) return false;
  }
  return true;
}

/** The type a call resolves to: `Promise<T>`, `APIPromise<T>` and friends unwrapped. */
function awaited(checker: ts.TypeChecker, t: ts.Type): ts.Type {
  return checker.getAwaitedType(t) ?? t;
}

/**
 * A resource: an object declared by a class or interface of the SDK itself (not a Map, URL, Headers...), in
 * the package's own files, not those of a dependency it keeps in a nested node_modules (`kaibanjs`' own zod).
 */
function isResource(t: ts.Type, pkgDirs: string[]): boolean {
  if (!(t.flags & ts.TypeFlags.Object)) return false;
  const sym = t.getSymbol() ?? t.aliasSymbol;
  const decls = sym?.declarations ?? [];
  if (decls.length === 0) return false;
  return decls.some((d) => {
    const f = d.getSourceFile().fileName.split(path.sep).join('/');
    return pkgDirs.some((dir) => {
      const at = f.lastIndexOf(`/node_modules/${dir}/`);
      return at >= 0 && !f.slice(at + `/node_modules/${dir}`.length).includes('/node_modules/');
    });
  });
}

/**
 * Walk the published surface of the roots of one installed package. `catalog` answers which member paths
 * lead on into another type (`returns`).
 */
export function walkPackage(installed: Installed, roots: SurfaceRoot[], catalog: CatalogIndex): SurfaceResult {
  const specifierOf = (module: string): string => (installed.typesOnly ? module : installed.dir + module.slice(installed.name.length));
  const specifiers = [...new Set(roots.map((r) => specifierOf(r.module)))];
  const { program, file } = programFor(installed.dir, specifiers, installed.typesOnly ? [installed.name] : [], installed.base);
  const checker = program.getTypeChecker();
  // The SDK's own files, and those of its sibling packages it re-exports (`@anthropic-ai/sdk` under the Bedrock client).
  const pkgDirs = [installed.dir, installed.name, ...[...new Set(roots.map((r) => packageOf(r.module)))]];
  const methods: WalkedMethod[] = [];
  const missingExports: string[] = [];
  const seen = new Set<string>();
  /** The package whose files declare a root's export: a class re-exported from a sibling package (`@openai/agents` → `@openai/agents-core`) brings its resources along. */
  const declaringPackage = (sym: ts.Symbol): void => {
    for (const d of sym.declarations ?? []) {
      const f = d.getSourceFile().fileName.split(path.sep).join('/');
      const m = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f);
      if (m && !pkgDirs.includes(m[1]!)) pkgDirs.push(m[1]!);
    }
  };

  const walkType = (t: ts.Type, type: string, prefix: string[], via: string, depth: number, stack: Set<ts.Type>): void => {
    if (depth > 8 || stack.has(t)) return;
    stack.add(t);
    for (const prop of checker.getPropertiesOfType(t)) {
      if (!isPublic(prop)) continue;
      const p = [...prefix, prop.getName()];
      const key = p.join('.');
      const pt = checker.getTypeOfSymbol(prop);
      const nonNull = checker.getNonNullableType(pt);
      if (nonNull.getCallSignatures().length > 0 && nonNull.getProperties().filter((s) => isPublic(s) && !['prototype', 'apply', 'call', 'bind'].includes(s.getName())).length === 0) {
        const id = `${type}#${key}`;
        if (!seen.has(id)) {
          seen.add(id);
          methods.push({ type, path: key, via });
        }
        // A member that yields another catalog type: walk on into it (`getGenerativeModel()` → the model's methods).
        const next = catalog.member(type, p)?.returns;
        if (next && next !== type) {
          const ret = checker.getNonNullableType(awaited(checker, nonNull.getCallSignatures()[0]!.getReturnType()));
          // An array of catalog values (`selectChatModels()` → models): its elements are the `$each` type.
          const each = catalog.member(next, ['$each'])?.is;
          if (each && checker.isArrayType(ret)) walkType(checker.getTypeArguments(ret as ts.TypeReference)[0]!, each, [], `${via} → ${key}()[]`, depth + 1, stack);
          else walkType(ret, next, [], `${via} → ${key}()`, depth + 1, stack);
        }
        continue;
      }
      if (nonNull.getCallSignatures().length > 0) continue;
      // A property the catalog says holds a catalog type (`request.model`, `agent.agentInstance`): walk on in that type, whatever
      // declares its shape (a mapped type such as `Omit<BaseContext, ...>` has no declaration in the package).
      const held = catalog.member(type, p)?.is;
      if (held && nonNull.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) walkType(nonNull, held, [], `${via} → ${key}`, depth + 1, stack);
      else if (isResource(nonNull, pkgDirs)) walkType(nonNull, type, p, via, depth + 1, stack);
    }
    stack.delete(t);
  };

  const moduleSymbols = file.statements
    .filter(ts.isImportDeclaration)
    .map((d) => ({ spec: (d.moduleSpecifier as ts.StringLiteral).text, sym: checker.getSymbolAtLocation(d.moduleSpecifier) }));
  const instances: { root: SurfaceRoot; target: ts.Symbol }[] = [];
  for (const root of roots) {
    const spec = specifierOf(root.module);
    const mod = moduleSymbols.find((m) => m.spec === spec)?.sym;
    if (root.via === 'module') {
      if (!mod) {
        missingExports.push(spec);
        continue;
      }
      for (const e of checker.getExportsOfModule(mod)) {
        const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
        if (!(target.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable))) continue;
        const t = checker.getTypeOfSymbol(target);
        const isClass = t.getConstructSignatures().length > 0;
        // Error classes are thrown, never called for a result.
        if (isClass ? /Error$/.test(e.getName()) : t.getCallSignatures().length === 0) continue;
        methods.push({ type: root.type, path: e.getName(), via: `${installed.dir}@${installed.version}` });
      }
      continue;
    }
    const exp = mod && checker.getExportsOfModule(mod).find((s) => s.getName() === root.exportName);
    if (!exp) {
      missingExports.push(`${spec}:${root.exportName}`);
      continue;
    }
    const target = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    declaringPackage(target);
    instances.push({ root, target });
  }
  // Walked once every root's declaring package is known, so the order of the roots changes nothing.
  for (const { root, target } of instances) {
    const t = checker.getTypeOfSymbol(target);
    let instance: ts.Type | undefined;
    if (root.via === 'is') instance = t;
    else if (root.via === 'type') instance = checker.getDeclaredTypeOfSymbol(target);
    else if (root.via === 'call') {
      const call = t.getCallSignatures()[0];
      // A factory that may find nothing (`getAsyncCtx()` → `Promise<AsyncContext | undefined>`): its instance when it does.
      instance = call && checker.getNonNullableType(awaited(checker, call.getReturnType()));
    }
    else {
      const ctor = t.getConstructSignatures()[0];
      instance = ctor ? ctor.getReturnType() : checker.getDeclaredTypeOfSymbol(target);
    }
    if (!instance) continue;
    walkType(instance, root.type, [], `${installed.dir}@${installed.version}:${root.exportName}`, 0, new Set());
  }
  return { methods, missingExports };
}

/** Whether the catalog classifies `path` on `type`: a member (site or step), or a listed non-request. */
export function classification(catalog: CatalogIndex, type: string, p: string): { site?: string; step?: boolean; notRequest?: string } | undefined {
  const t = catalog.type(type);
  if (!t) return undefined;
  const m = t.members.get(p);
  if (m?.site) return { site: m.site.operation };
  if (m) return { step: true };
  const exact = t.notRequests.get(p);
  if (exact) return { notRequest: exact };
  const parts = p.split('.');
  for (let i = parts.length - 1; i >= 1; i--) {
    const reason = t.notRequests.get(`${parts.slice(0, i).join('.')}.*`);
    if (reason) return { notRequest: reason };
  }
  return undefined;
}
