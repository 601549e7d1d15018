/**
 * The plain TypeScript-compiler side of tracewire's edits: a parsed file with parent links and its code
 * style, and an `EditSink` that collects one fix's edits (imports included) in that style. The rules'
 * fixes are built on these during `check`, so nothing here loads ts-morph; the codemods' `FileEditor`
 * implements the same `EditSink`, so a builder serves a single finding's fix and a codemod alike.
 */

import fs from 'node:fs';
import path from 'node:path';
import ts = require('typescript');
import { scriptKindFor } from '../../engine/ast.js';
import type { TextEdit } from '../../engine/types.js';
import { type CodeStyle, detectIndentUnit, eolOf, indentAt, quoteString } from '../text.js';
import { runMemo } from '../../run-memo.js';

/** `module#export`: a package name or an absolute path (a project file, no extension needed), and the export. */
export interface ImportRef {
  module: string;
  /** `default` or a named export. */
  name: string;
}

export type Binding = { expr: string } | { error: string };

/** Where a builder writes: text edits on the original text, imports and top-level statements added once. */
export interface EditSink {
  readonly file: string;
  readonly text: string;
  readonly style: CodeStyle;
  readonly eol: string;
  readonly semi: string;
  q(s: string): string;
  indentAt(pos: number): string;
  insert(pos: number, text: string): void;
  replace(start: number, end: number, text: string): void;
  /** An expression denoting `ref` here: an existing binding, else a new import in the file's style. */
  importBinding(ref: ImportRef, opts?: { local?: string; exact?: boolean }): Binding;
  /** `base`, or `base2`, `base3`, ... when `base` is taken in the file. */
  freeName(base: string): string;
  /** Add a statement after the imports (once per text). */
  addTopStatement(code: string): void;
}

/** A file parsed with parent links, for builders that look around a call (its statement, its function). */
export class SourceInfo {
  readonly sf: ts.SourceFile;
  private styleMemo?: CodeStyle;
  private idents?: Set<string>;

  private constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.sf = ts.createSourceFile(file, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, true, scriptKindFor(file));
  }

  /** The file's code style (computed when a fix first writes something). */
  get style(): CodeStyle {
    return (this.styleMemo ??= detectStyle(this.file, this.text, this.sf));
  }

  private static memo = new Map<string, SourceInfo>();

  /** One parse per file text (the fixes of several findings in a file share it). */
  static of(file: string, text: string): SourceInfo {
    const key = `${file}\0${text.length}`;
    const hit = SourceInfo.memo.get(key);
    if (hit && hit.text === text) return hit;
    const info = new SourceInfo(file, text);
    SourceInfo.memo.set(key, info);
    if (SourceInfo.memo.size > 64) SourceInfo.memo.delete(SourceInfo.memo.keys().next().value!);
    return info;
  }

  /** The call or `new` expression spanning exactly [start, end). */
  callAt(start: number, end: number): ts.CallExpression | ts.NewExpression | undefined {
    let found: ts.CallExpression | ts.NewExpression | undefined;
    walkTree(this.sf, (n) => {
      if (n.end < start || n.pos > end) return 'skip';
      if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && n.getStart(this.sf) === start && n.end === end) {
        found = n;
        return 'stop';
      }
      return undefined;
    });
    return found;
  }

  /** The innermost node of `kind`-predicate spanning exactly [start, end). */
  nodeAt(start: number, end: number): ts.Node | undefined {
    let found: ts.Node | undefined;
    walkTree(this.sf, (n) => {
      if (n.end < start || n.pos > end) return 'skip';
      if (n.getStart(this.sf) === start && n.end === end) found = n;
      return undefined;
    });
    return found;
  }

  /** Every identifier text in the file (a name not in it cannot capture or shadow anything). */
  identifiers(): Set<string> {
    if (!this.idents) {
      const set = new Set<string>();
      walkTree(this.sf, (n) => {
        if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) set.add(n.text);
        return undefined;
      });
      this.idents = set;
    }
    return this.idents;
  }
}

/**
 * Visit `root` and its descendants in source order with a stack of its own (a 10,000-term concatenation
 * nests 10,000 deep on the left: recursion would overflow). `visit` returns `skip` to leave a node's
 * children out, `stop` to end the walk.
 */
export function walkTree(root: ts.Node, visit: (n: ts.Node) => 'skip' | 'stop' | undefined): void {
  const stack: ts.Node[] = [root];
  const children: ts.Node[] = [];
  const collect = (c: ts.Node) => {
    children.push(c);
  };
  while (stack.length) {
    const n = stack.pop()!;
    const r = visit(n);
    if (r === 'stop') return;
    if (r === 'skip') continue;
    children.length = 0;
    ts.forEachChild(n, collect);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}

/**
 * The code style of a file: line ending, quotes, semicolons, indentation, ESM or CommonJS. The walk
 * stops once it has seen enough strings and statements to decide (large files cost no more than small).
 */
export function detectStyle(file: string, text: string, sf: ts.SourceFile): CodeStyle {
  let single = 0;
  let double = 0;
  let strings = 0;
  let semi = 0;
  let noSemi = 0;
  let statements = 0;
  let esm = false;
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) || ts.isExportDeclaration(st) || ts.isExportAssignment(st)) esm = true;
    else if (ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) esm = true;
  }
  const cjs = /\brequire\s*\(\s*['"`]|\bmodule\.exports\b|\bexports\.[\w$]+\s*=/.test(text);
  const visit = (n: ts.Node): boolean => {
    if (ts.isStringLiteral(n) && strings < 300) {
      strings++;
      const ch = text[n.getStart(sf)];
      const parent = n.parent;
      const weight = parent && (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || (ts.isCallExpression(parent) && ts.isIdentifier(parent.expression) && parent.expression.text === 'require')) ? 10 : 1;
      if (ch === "'") single += weight;
      else if (ch === '"') double += weight;
    }
    if (statements < 400 && (ts.isVariableStatement(n) || ts.isExpressionStatement(n) || ts.isReturnStatement(n) || ts.isImportDeclaration(n) || ts.isThrowStatement(n))) {
      statements++;
      if (text[n.end - 1] === ';') semi++;
      else noSemi++;
    }
    return strings >= 300 && statements >= 400;
  };
  walkTree(sf, (n) => (visit(n) ? 'stop' : undefined));
  const ext = path.extname(file).toLowerCase();
  let module: 'esm' | 'cjs';
  if (ext === '.mjs' || ext === '.mts') module = 'esm';
  else if (ext === '.cjs' || ext === '.cts') module = esm ? 'esm' : 'cjs';
  else if (esm) module = 'esm';
  else if (cjs) module = 'cjs';
  else module = 'esm';
  return { eol: eolOf(text), quote: double > single ? '"' : "'", semi: semi >= noSemi, indentUnit: detectIndentUnit(text), module };
}

/** What a file's relative imports end with: `.js` (ESM TypeScript, node16 resolution), `.ts`, or nothing. */
export function relativeExtension(file: string, sf: ts.SourceFile, style: CodeStyle, targetExt: string): string {
  const specs: string[] = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) specs.push(st.moduleSpecifier.text);
    else if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) specs.push(st.moduleSpecifier.text);
    else {
      const m = /require\(\s*(['"])(\.[^'"]+)\1\s*\)/.exec(st.getText(sf));
      if (m) specs.push(m[2]!);
    }
  }
  const rel = specs.filter((s) => s.startsWith('.'));
  if (rel.length === 0) return style.module === 'esm' ? defaultRelativeExtension(file) : '';
  const withExt = rel.filter((s) => /\.[cm]?[jt]sx?$/.test(s));
  if (withExt.length * 2 < rel.length) return '';
  const tsCount = withExt.filter((s) => /\.[cm]?tsx?$/.test(s)).length;
  if (tsCount * 2 > withExt.length) return targetExt && /^\.[cm]?tsx?$/.test(targetExt) ? targetExt : '.ts';
  return '.js';
}

const extensionDefaults = runMemo(new Map<string, string>());

/**
 * What an ES module's relative imports end with when the file has none to copy: `.js` where Node.js
 * resolves them (a `.mjs`/`.mts` file, a package with `"type": "module"`, a tsconfig with node16/nodenext
 * resolution), nothing where a bundler does (`moduleResolution: bundler`).
 */
export function defaultRelativeExtension(file: string): string {
  if (/\.m[jt]s$/.test(file)) return '.js';
  const start = path.dirname(file);
  const hit = extensionDefaults.get(start);
  if (hit !== undefined) return hit;
  let answer: string | undefined;
  let moduleType: string | undefined;
  for (let dir = start; answer === undefined; ) {
    const tsconfig = path.join(dir, 'tsconfig.json');
    if (fs.existsSync(tsconfig)) {
      const read = ts.readConfigFile(tsconfig, (f) => fs.readFileSync(f, 'utf8'));
      const opts = (read.config?.compilerOptions ?? {}) as { module?: string; moduleResolution?: string };
      const res = `${opts.moduleResolution ?? ''} ${opts.module ?? ''}`.toLowerCase();
      if (/bundler/.test(res)) answer = '';
      else if (/node16|nodenext|node18|node20/.test(res)) answer = '.js';
    }
    if (moduleType === undefined && fs.existsSync(path.join(dir, 'package.json'))) {
      try {
        moduleType = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { type?: string }).type ?? 'commonjs';
      } catch {
        moduleType = 'commonjs';
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir || fs.existsSync(path.join(dir, '.git'))) break;
    dir = parent;
  }
  answer ??= moduleType === 'module' || /\.m?js$/.test(file) ? '.js' : '';
  extensionDefaults.set(start, answer);
  return answer;
}

/** The module specifier that imports `module` (a package, or an absolute project path) from `file`. */
export function specifierFrom(file: string, sf: ts.SourceFile, style: CodeStyle, module: string): string {
  if (!path.isAbsolute(module)) return module;
  let rel = path.relative(path.dirname(file), module).split(path.sep).join('/');
  if (!rel.startsWith('.')) rel = './' + rel;
  const ext = path.extname(rel);
  const bare = /^\.[cm]?[jt]sx?$/.test(ext) ? rel.slice(0, -ext.length) : rel;
  return bare + relativeExtension(file, sf, style, ext);
}

/** Whether specifier `spec`, written in `file`, names the project module `module` (absolute, any extension). */
export function resolvesTo(file: string, spec: string, module: string): boolean {
  if (!spec.startsWith('.')) return false;
  const abs = path.resolve(path.dirname(file), spec);
  const strip = (p: string) => p.replace(/\.[cm]?[jt]sx?$/, '').replace(/\/index$/, '');
  return strip(abs) === strip(module);
}

/** The npm package a bare specifier belongs to (`@scope/name/sub` → `@scope/name`), or undefined for paths and node built-ins. */
export function packageOf(spec: string): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || spec.startsWith('#')) return undefined;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

type Pending = ImportLine;

/** What an import line says: the module's specifier, and the default and named bindings it takes. */
export interface ImportLine {
  specifier: string;
  defaultLocal?: string;
  named: { name: string; local: string }[];
}

/**
 * What both edit sinks share (the fixes' `TextSink` over a plain syntax tree, the codemods' `FileEditor`
 * over ts-morph): the file's style, the text edits, names that capture nothing, and import lines.
 */
export abstract class StyledSink {
  readonly edits: TextEdit[] = [];
  /** Names this sink has handed out or bound (not yet in the text). */
  protected readonly reserved = new Set<string>();
  abstract readonly file: string;
  abstract readonly text: string;
  abstract readonly style: CodeStyle;
  /** Every identifier text in the file (a name not in it cannot capture or shadow anything). */
  abstract identifiers(): Set<string>;

  get eol(): string {
    return this.style.eol;
  }

  get semi(): string {
    return this.style.semi ? ';' : '';
  }

  q(s: string): string {
    return quoteString(s, this.style.quote);
  }

  indentAt(pos: number): string {
    return indentAt(this.text, pos);
  }

  insert(pos: number, text: string): void {
    this.edits.push({ start: pos, end: pos, text });
  }

  replace(start: number, end: number, text: string): void {
    this.edits.push({ start, end, text });
  }

  nameFree(name: string): boolean {
    return !this.identifiers().has(name) && !this.reserved.has(name);
  }

  /** `base` if free, else `base2`, `base3`, ... */
  freeName(base: string): string {
    let name = base;
    for (let i = 2; !this.nameFree(name); i++) name = `${base}${i}`;
    this.reserved.add(name);
    return name;
  }

  /** The import statement (or `require` in a CommonJS file) for `p`, in the file's style. */
  protected importLine(p: ImportLine): string {
    const spec = this.q(p.specifier);
    if (this.style.module === 'cjs') {
      const names = p.named.map((n) => (n.local === n.name ? n.name : `${n.name}: ${n.local}`)).join(', ');
      return `const { ${names} } = require(${spec})${this.semi}`;
    }
    const named = p.named.map((n) => (n.local === n.name ? n.name : `${n.name} as ${n.local}`)).join(', ');
    const clause = [p.defaultLocal, named ? `{ ${named} }` : undefined].filter(Boolean).join(', ');
    return `import ${clause} from ${spec}${this.semi}`;
  }
}

/**
 * The edits of one fix: its own text edits, plus the imports and top-level statements it needs, placed
 * after the file's last import (or require) in the file's style. Identical import edits made by the
 * fixes of several findings in one file are applied once by `tracewire fix`.
 */
export class TextSink extends StyledSink implements EditSink {
  private readonly pending = new Map<string, Pending>();
  private readonly extend = new Map<number, string[]>();
  private readonly top: string[] = [];
  /** Bare package specifiers of the imports this fix adds. */
  readonly addedModules = new Set<string>();

  constructor(readonly src: SourceInfo) {
    super();
  }

  get style(): CodeStyle {
    return this.src.style;
  }

  get file(): string {
    return this.src.file;
  }

  get text(): string {
    return this.src.text;
  }

  identifiers(): Set<string> {
    return this.src.identifiers();
  }

  addTopStatement(code: string): void {
    if (!this.top.includes(code)) this.top.push(code);
  }

  importBinding(ref: ImportRef, opts: { local?: string; exact?: boolean } = {}): Binding {
    const { sf, file } = this.src;
    const specifier = specifierFrom(file, sf, this.style, ref.module);
    const matches = (s: string) => s === specifier || (path.isAbsolute(ref.module) && resolvesTo(file, s, ref.module));
    const exactOk = (expr: string): Binding =>
      opts.exact && opts.local && expr !== opts.local ? { error: `the file already imports it as \`${expr}\`, but the expression uses \`${opts.local}\`` } : { expr };
    let extendable: ts.NamedImports | undefined;
    let extendableDefault: ts.Identifier | undefined;
    for (const st of sf.statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !matches(st.moduleSpecifier.text)) continue;
      const clause = st.importClause;
      if (!clause || clause.isTypeOnly) continue;
      if (ref.name === 'default' && clause.name) return exactOk(clause.name.text);
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) return exactOk(`${nb.name.text}.${ref.name}`);
      if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) {
          if (el.isTypeOnly) continue;
          const imported = (el.propertyName ?? el.name).text;
          if (imported === ref.name) return exactOk(el.name.text);
        }
        extendable ??= nb;
      } else if (!nb && clause.name) extendableDefault ??= clause.name;
    }
    // CommonJS: `const x = require('m')`, `const { a } = require('m')` at the top level.
    let extendableCjs: ts.ObjectBindingPattern | undefined;
    for (const st of sf.statements) {
      if (!ts.isVariableStatement(st)) continue;
      for (const d of st.declarationList.declarations) {
        const init = d.initializer;
        if (!init || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'require') continue;
        const a0 = init.arguments[0];
        if (!a0 || !ts.isStringLiteral(a0) || !matches(a0.text)) continue;
        if (ts.isIdentifier(d.name)) return exactOk(ref.name === 'default' ? d.name.text : `${d.name.text}.${ref.name}`);
        if (ts.isObjectBindingPattern(d.name)) {
          for (const el of d.name.elements) {
            const prop = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : ts.isIdentifier(el.name) ? el.name.text : undefined;
            if (prop === ref.name && ts.isIdentifier(el.name)) return exactOk(el.name.text);
          }
          if (!d.name.elements.some((e) => e.dotDotDotToken)) extendableCjs ??= d.name;
        }
      }
    }
    const p = this.pending.get(specifier);
    if (p) {
      if (ref.name === 'default' && p.defaultLocal) return exactOk(p.defaultLocal);
      const n = p.named.find((x) => x.name === ref.name);
      if (n) return exactOk(n.local);
    }
    const wanted = opts.local ?? (ref.name === 'default' ? undefined : ref.name);
    if (!wanted) return { error: `a default import of ${specifier} needs a local name` };
    let local = wanted;
    if (!this.nameFree(wanted)) {
      if (opts.exact) return { error: `\`${wanted}\` is already used in this file, so \`${wanted}\` from ${specifier} cannot be imported under that name` };
      local = this.freeName(wanted);
    } else this.reserved.add(local);
    const cjs = this.style.module === 'cjs';
    if (ref.name === 'default' && cjs) return { error: `a default import of ${specifier} in a CommonJS file is ambiguous (\`require()\` or \`.default\`); import it by hand` };
    const bare = packageOf(specifier);
    if (bare) this.addedModules.add(bare);
    const spec = local === ref.name ? ref.name : `${ref.name} as ${local}`;
    if (!cjs && ref.name !== 'default' && (extendable || extendableDefault)) {
      if (extendable) this.extendList(extendable, extendable.elements, spec);
      else this.addExtension(extendableDefault!.end, `, { ${spec} }`);
      return { expr: local };
    }
    if (cjs && extendableCjs && ref.name !== 'default') {
      this.extendList(extendableCjs, extendableCjs.elements, local === ref.name ? ref.name : `${ref.name}: ${local}`);
      return { expr: local };
    }
    const entry = p ?? this.pending.set(specifier, { specifier, named: [] }).get(specifier)!;
    if (ref.name === 'default') entry.defaultLocal = local;
    else entry.named.push({ name: ref.name, local });
    return { expr: local };
  }

  private extendList(list: ts.Node, elements: ts.NodeArray<ts.Node>, spec: string): void {
    const sf = this.src.sf;
    const text = this.text;
    if (elements.length === 0) {
      this.edits.push({ start: list.getStart(sf), end: list.end, text: `{ ${spec} }` });
      return;
    }
    const last = elements[elements.length - 1]!;
    const after = text.slice(last.end, list.end);
    const trailing = /^\s*,/.exec(after);
    const multiline = text.slice(list.getStart(sf), list.end).includes('\n');
    if (trailing && multiline) this.addExtension(last.end + trailing[0].length, `${this.eol}${indentAt(text, last.getStart(sf))}${spec},`);
    else if (trailing) this.addExtension(last.end + trailing[0].length, ` ${spec},`);
    else if (multiline) this.addExtension(last.end, `,${this.eol}${indentAt(text, last.getStart(sf))}${spec}`);
    else this.addExtension(last.end, `, ${spec}`);
  }

  private addExtension(at: number, text: string): void {
    (this.extend.get(at) ?? this.extend.set(at, []).get(at)!).push(text);
  }

  /** The fix's edits: import extensions and insertions first (at one offset they precede the fix's text). */
  finish(): TextEdit[] {
    const out: TextEdit[] = [];
    for (const [at, texts] of this.extend) out.push({ start: at, end: at, text: texts.join('') });
    if (this.pending.size || this.top.length) out.push(importInsertion(this.src, [...this.pending.values()].map((p) => this.importLine(p)), this.top));
    return [...out, ...this.edits];
  }
}

/**
 * Where new imports go: after the last import (or top-level require), else after the directive prologue
 * and a header comment, else before the first statement. Top-level statements follow after a blank line.
 */
export function importInsertion(src: SourceInfo, lines: string[], statements: string[]): TextEdit {
  const { sf, text, style } = src;
  const eol = style.eol;
  const imports = lines.join(eol);
  const stmts = statements.join(eol);
  const parts = [imports, stmts].filter(Boolean).join(eol + eol);
  let lastImport: ts.Node | undefined;
  for (const st of sf.statements) if (ts.isImportDeclaration(st) || ts.isImportEqualsDeclaration(st)) lastImport = st;
  if (style.module === 'cjs' || !lastImport) {
    for (const st of sf.statements) {
      if (!ts.isVariableStatement(st)) continue;
      const isRequire = st.declarationList.declarations.some((d) => d.initializer && ts.isCallExpression(d.initializer) && ts.isIdentifier(d.initializer.expression) && d.initializer.expression.text === 'require');
      if (isRequire && (!lastImport || st.end > lastImport.end)) lastImport = st;
    }
  }
  if (lastImport) {
    const at = lastImport.end;
    // Code right after the imports gets a blank line between it and the new statements.
    const gap = stmts && /^[ \t]*\r?\n[ \t]*\S/.test(text.slice(at)) ? eol : '';
    return { start: at, end: at, text: (imports ? eol + imports : '') + (stmts ? eol + eol + stmts + gap : '') };
  }
  let lastDirective: ts.Node | undefined;
  for (const st of sf.statements) {
    if (ts.isExpressionStatement(st) && ts.isStringLiteral(st.expression)) lastDirective = st;
    else break;
  }
  if (lastDirective) return { start: lastDirective.end, end: lastDirective.end, text: eol + eol + parts };
  let start = 0;
  if (text.startsWith('#!')) {
    const nl = text.indexOf('\n');
    start = nl < 0 ? text.length : nl + 1;
  }
  const first = sf.statements[0];
  if (!first) {
    const tail = text.length && !text.endsWith('\n') ? eol : '';
    return { start: text.length, end: text.length, text: tail + parts + eol };
  }
  const comments = (ts.getLeadingCommentRanges(text, first.getFullStart()) ?? []).filter((c) => c.pos >= start);
  let header: ts.CommentRange | undefined;
  for (const c of comments) if (/\r?\n[ \t]*\r?\n/.test(text.slice(c.end, first.getStart(sf)))) header = c;
  if (header) return { start: header.end, end: header.end, text: eol + eol + parts };
  const at = comments[0]?.pos ?? first.getStart(sf);
  return { start: at, end: at, text: parts + eol + eol };
}
