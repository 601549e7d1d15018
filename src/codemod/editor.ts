/**
 * A file under a codemod: its ts-morph AST (parent links, ancestors), its code style, and the edits the
 * codemod makes, collected as text edits so that every byte the codemod does not mean to change stays
 * as it was. Imports are added here, once per binding, in the file's own style: ESM or CommonJS, quote
 * character, semicolons, and relative specifiers with or without a `.js` extension.
 */

import path from 'node:path';
import { Node, Project, type SourceFile, SyntaxKind, ts } from 'ts-morph';
import type { TextEdit } from '../engine/types.js';
import { defaultRelativeExtension, type EditSink, packageOf, StyledSink } from './fixes/source.js';
import { type CodeStyle, detectIndentUnit, eolOf, indentAt } from './text.js';

export function createProject(): Project {
  return new Project({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    compilerOptions: { allowJs: true, jsx: ts.JsxEmit.Preserve },
  });
}

function scriptKind(file: string): ts.ScriptKind {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.tsx') return ts.ScriptKind.TSX;
  if (ext === '.jsx') return ts.ScriptKind.JSX;
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** `module#export` split, with relative modules resolved against `dir`. */
export interface ImportRef {
  /** Package name, or an absolute path (no extension needed) for the project's own modules. */
  module: string;
  /** `default` or a named export. */
  name: string;
}

export function parseRef(ref: string, dir: string): ImportRef {
  const i = ref.indexOf('#');
  const mod = ref.slice(0, i);
  const name = ref.slice(i + 1).split('.')[0]!;
  const relative = mod.startsWith('.') || mod.startsWith('/');
  return { module: relative ? path.resolve(dir, mod) : mod, name };
}

interface PendingImport {
  module: string;
  specifier: string;
  defaultLocal?: string;
  named: { name: string; local: string }[];
}

export type Binding = { expr: string } | { error: string };

export class FileEditor extends StyledSink implements EditSink {
  readonly style: CodeStyle;
  private idents?: Set<string>;
  private readonly pending = new Map<string, PendingImport>();
  /** Edits to existing import statements, by the statement's start. */
  private readonly extendImport = new Map<number, { at: number; texts: string[]; wrap?: { start: number; end: number } }>();
  private readonly topStatements: string[] = [];

  constructor(
    readonly file: string,
    readonly text: string,
    readonly sf: SourceFile,
  ) {
    super();
    this.style = detectStyle(file, text, sf);
  }

  static open(project: Project, file: string, text: string): FileEditor {
    const sf = project.createSourceFile(file, text, { overwrite: true, scriptKind: scriptKind(file) });
    return new FileEditor(file, text, sf);
  }

  /** The call or `new` expression spanning exactly [start, end). */
  callAt(start: number, end: number): Node | undefined {
    let n: Node | undefined = this.sf.getDescendantAtPos(start);
    while (n && !Node.isSourceFile(n)) {
      if ((Node.isCallExpression(n) || Node.isNewExpression(n)) && n.getStart() === start && n.getEnd() === end) return n;
      if (n.getStart() < start) return undefined;
      n = n.getParent();
    }
    return undefined;
  }

  /** Every identifier text in the file (a name not in it cannot capture or shadow anything). */
  identifiers(): Set<string> {
    if (!this.idents) {
      const set = new Set<string>();
      const visit = (n: ts.Node) => {
        if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) set.add(n.text);
        ts.forEachChild(n, visit);
      };
      visit(this.sf.compilerNode);
      this.idents = set;
    }
    return this.idents;
  }

  /** The module specifier to import `ref.module` from this file. */
  specifierFor(module: string): string {
    if (!path.isAbsolute(module)) return module;
    let rel = path.relative(path.dirname(this.file), module).split(path.sep).join('/');
    if (!rel.startsWith('.')) rel = './' + rel;
    const ext = path.extname(rel);
    const bare = /^\.[cm]?[jt]sx?$/.test(ext) ? rel.slice(0, -ext.length) : rel;
    return bare + this.relativeExtension(ext);
  }

  /** What the file's own relative imports end with: `.js` (ESM TypeScript, node16 resolution), `.ts`, or nothing. */
  private relativeExtension(targetExt: string): string {
    const specs: string[] = [];
    for (const d of this.sf.getImportDeclarations()) specs.push(d.getModuleSpecifierValue());
    for (const st of this.sf.getStatements()) {
      const m = /require\(\s*(['"])(\.[^'"]+)\1\s*\)/.exec(st.getText());
      if (m) specs.push(m[2]!);
    }
    const rel = specs.filter((s) => s.startsWith('.'));
    if (rel.length === 0) return this.style.module === 'esm' ? defaultRelativeExtension(this.file) : '';
    const withExt = rel.filter((s) => /\.[cm]?[jt]sx?$/.test(s));
    if (withExt.length * 2 < rel.length) return '';
    const ts = withExt.filter((s) => /\.[cm]?tsx?$/.test(s)).length;
    if (ts * 2 > withExt.length) return targetExt && /^\.[cm]?tsx?$/.test(targetExt) ? targetExt : '.ts';
    return '.js';
  }

  /**
   * An expression that denotes `ref` in this file: an existing binding when the file already imports it,
   * else a new import (added once, in the file's style). `local` asks for a particular local name; with
   * `exact` the name is required (it is used verbatim in configured code) and a clash is an error.
   */
  importBinding(ref: ImportRef, opts: { local?: string; exact?: boolean } = {}): Binding {
    const specifier = this.specifierFor(ref.module);
    const matches = (s: string) => s === specifier || (path.isAbsolute(ref.module) && this.resolvesTo(s, ref.module));
    // ESM imports already in the file.
    let extendable: { decl: Node; named?: Node; defaultName?: Node } | undefined;
    for (const d of this.sf.getImportDeclarations()) {
      if (!matches(d.getModuleSpecifierValue()) || d.isTypeOnly()) continue;
      const def = d.getDefaultImport();
      if (ref.name === 'default' && def) return this.exactOk(def.getText(), opts);
      const ns = d.getNamespaceImport();
      if (ns) return this.exactOk(`${ns.getText()}.${ref.name}`, opts);
      for (const el of d.getNamedImports()) {
        if (el.isTypeOnly()) continue;
        const imported = el.getNameNode().getText();
        if (imported === ref.name || (ref.name === 'default' && imported === 'default')) return this.exactOk(el.getAliasNode()?.getText() ?? imported, opts);
      }
      if (!extendable) extendable = { decl: d, named: d.getImportClause()?.getNamedBindings(), defaultName: def };
    }
    // CommonJS requires already in the file.
    let extendableCjs: Node | undefined;
    for (const r of this.requires()) {
      if (!matches(r.specifier)) continue;
      const name = r.decl.getNameNode();
      if (Node.isIdentifier(name)) return this.exactOk(ref.name === 'default' ? name.getText() : `${name.getText()}.${ref.name}`, opts);
      if (Node.isObjectBindingPattern(name)) {
        for (const el of name.getElements()) {
          const prop = el.getPropertyNameNode()?.getText() ?? el.getNameNode().getText();
          if (prop === ref.name && Node.isIdentifier(el.getNameNode())) return this.exactOk(el.getNameNode().getText(), opts);
        }
        if (!el0Rest(name)) extendableCjs ??= name;
      }
    }
    // Added earlier by this codemod.
    const p = this.pending.get(specifier);
    if (p) {
      if (ref.name === 'default' && p.defaultLocal) return this.exactOk(p.defaultLocal, opts);
      const n = p.named.find((x) => x.name === ref.name);
      if (n) return this.exactOk(n.local, opts);
    }
    // A new binding.
    const wanted = opts.local ?? (ref.name === 'default' ? undefined : ref.name);
    if (!wanted) return { error: `a default import of ${specifier} needs a local name` };
    let local = wanted;
    if (!this.nameFree(wanted)) {
      if (opts.exact) return { error: `\`${wanted}\` is already used in this file, so \`${wanted}\` from ${specifier} cannot be imported under that name` };
      local = this.freeName(wanted);
    } else this.reserved.add(local);
    const cjs = this.style.module === 'cjs';
    if (ref.name === 'default' && cjs) return { error: `a default import of ${specifier} in a CommonJS file is ambiguous (\`require()\` or \`.default\`); import it by hand` };
    const spec = local === ref.name ? ref.name : `${ref.name} as ${local}`;
    if (!cjs && extendable && ref.name !== 'default') {
      this.extendEsm(extendable, spec);
      return { expr: local };
    }
    if (cjs && extendableCjs && ref.name !== 'default') {
      this.extendList(extendableCjs, (local === ref.name ? ref.name : `${ref.name}: ${local}`));
      return { expr: local };
    }
    const entry = p ?? this.pending.set(specifier, { module: ref.module, specifier, named: [] }).get(specifier)!;
    if (ref.name === 'default') entry.defaultLocal = local;
    else entry.named.push({ name: ref.name, local });
    return { expr: local };
  }

  private exactOk(expr: string, opts: { local?: string; exact?: boolean }): Binding {
    if (opts.exact && opts.local && expr !== opts.local) return { error: `the file already imports it as \`${expr}\`, but the configured expression uses \`${opts.local}\`` };
    return { expr };
  }

  private resolvesTo(spec: string, module: string): boolean {
    if (!spec.startsWith('.')) return false;
    const abs = path.resolve(path.dirname(this.file), spec);
    const strip = (p: string) => p.replace(/\.[cm]?[jt]sx?$/, '').replace(/\/index$/, '');
    return strip(abs) === strip(module);
  }

  /** Top-level `const x = require('m')` / `const { a } = require('m')` declarations. */
  private requires(): { decl: import('ts-morph').VariableDeclaration; specifier: string; statement: Node }[] {
    const out: { decl: import('ts-morph').VariableDeclaration; specifier: string; statement: Node }[] = [];
    for (const st of this.sf.getVariableStatements()) {
      for (const d of st.getDeclarations()) {
        const init = d.getInitializer();
        if (!init || !Node.isCallExpression(init)) continue;
        const callee = init.getExpression();
        const arg = init.getArguments()[0];
        if (Node.isIdentifier(callee) && callee.getText() === 'require' && arg && Node.isStringLiteral(arg)) out.push({ decl: d, specifier: arg.getLiteralValue(), statement: st });
      }
    }
    return out;
  }

  private extendEsm(ex: { decl: Node; named?: Node; defaultName?: Node }, spec: string): void {
    if (ex.named && Node.isNamedImports(ex.named)) this.extendList(ex.named, spec);
    else if (ex.defaultName) this.addExtension(ex.defaultName.getEnd(), `, { ${spec} }`);
  }

  /** Add an element to a `{ a, b }` list (named imports or a destructuring), matching its layout. */
  private extendList(list: Node, spec: string): void {
    const elements = Node.isNamedImports(list) ? list.getElements() : Node.isObjectBindingPattern(list) ? list.getElements() : [];
    if (elements.length === 0) {
      this.addExtension(list.getStart(), `{ ${spec} }`, { start: list.getStart(), end: list.getEnd() });
      return;
    }
    const last = elements[elements.length - 1]!;
    const after = this.text.slice(last.getEnd(), list.getEnd());
    const trailing = /^\s*,/.exec(after);
    const multiline = this.text.slice(list.getStart(), list.getEnd()).includes('\n');
    if (trailing && multiline) this.addExtension(last.getEnd() + trailing[0].length, `${this.eol}${indentAt(this.text, last.getStart())}${spec},`);
    else if (trailing) this.addExtension(last.getEnd() + trailing[0].length, ` ${spec},`);
    else if (multiline) this.addExtension(last.getEnd(), `,${this.eol}${indentAt(this.text, last.getStart())}${spec}`);
    else this.addExtension(last.getEnd(), `, ${spec}`);
  }

  private addExtension(at: number, text: string, wrap?: { start: number; end: number }): void {
    const e = this.extendImport.get(at) ?? this.extendImport.set(at, { at, texts: [], wrap }).get(at)!;
    e.texts.push(text);
  }

  /** Bare package names of the import statements this editor adds (not of imports it extends). */
  addedPackages(): string[] {
    const out = new Set<string>();
    for (const p of this.pending.values()) {
      const pkg = packageOf(p.specifier);
      if (pkg) out.add(pkg);
    }
    return [...out].sort();
  }

  /** Add a top-level statement after the imports (once per text). */
  addTopStatement(code: string): void {
    if (!this.topStatements.includes(code)) this.topStatements.push(code);
  }

  /** The edits, with the imports (and top-level statements) added. Import edits come first, so at one offset they precede the codemod's text. */
  finish(): TextEdit[] {
    const out: TextEdit[] = [];
    for (const e of this.extendImport.values()) {
      if (e.wrap) {
        // `{}` → `{ a, b }`
        const specs = e.texts.map((t) => t.replace(/^\{ | \}$/g, ''));
        out.push({ start: e.wrap.start, end: e.wrap.end, text: `{ ${specs.join(', ')} }` });
      } else out.push({ start: e.at, end: e.at, text: e.texts.join('') });
    }
    if (this.pending.size || this.topStatements.length) {
      const lines = [...this.pending.values()].map((p) => this.importLine(p));
      out.push(this.importInsertion(lines, this.topStatements));
    }
    return [...out, ...this.edits];
  }

  /**
   * Where new imports go: after the last import (or require), else after the directive prologue and the
   * header comment, else before the first statement. Top-level statements follow the imports after a
   * blank line.
   */
  private importInsertion(lines: string[], statements: string[]): TextEdit {
    const eol = this.eol;
    const imports = lines.join(eol);
    const stmts = statements.join(eol);
    const parts = [imports, stmts].filter(Boolean).join(eol + eol);
    const top = this.sf.getStatements();
    const cjs = this.style.module === 'cjs';
    let lastImport: Node | undefined;
    for (const st of top) {
      if (Node.isImportDeclaration(st) || Node.isImportEqualsDeclaration(st)) lastImport = st;
    }
    if (cjs || !lastImport) {
      const reqs = this.requires();
      const last = reqs[reqs.length - 1]?.statement;
      if (last && (!lastImport || last.getEnd() > lastImport.getEnd())) lastImport = last;
    }
    if (lastImport) {
      const at = lastImport.getEnd();
      return { start: at, end: at, text: (imports ? eol + imports : '') + (stmts ? eol + eol + stmts : '') };
    }
    // Directive prologue ('use strict', 'use client').
    let lastDirective: Node | undefined;
    for (const st of top) {
      if (Node.isExpressionStatement(st) && Node.isStringLiteral(st.getExpression())) lastDirective = st;
      else break;
    }
    if (lastDirective) return { start: lastDirective.getEnd(), end: lastDirective.getEnd(), text: eol + eol + parts };
    const text = this.text;
    let start = 0;
    if (text.startsWith('#!')) {
      const nl = text.indexOf('\n');
      start = nl < 0 ? text.length : nl + 1;
    }
    const first = top[0];
    if (!first) {
      const tail = text.length && !text.endsWith('\n') ? eol : '';
      return { start: text.length, end: text.length, text: tail + parts + eol };
    }
    const comments = (ts.getLeadingCommentRanges(text, first.getFullStart()) ?? []).filter((c) => c.pos >= start);
    // A header comment (license, file doc) is separated from the code by a blank line: keep it on top.
    let header: ts.CommentRange | undefined;
    for (const c of comments) if (/\r?\n[ \t]*\r?\n/.test(text.slice(c.end, first.getStart()))) header = c;
    if (header) return { start: header.end, end: header.end, text: eol + eol + parts };
    const at = comments[0]?.pos ?? first.getStart();
    return { start: at, end: at, text: parts + eol + eol };
  }
}

function el0Rest(p: import('ts-morph').ObjectBindingPattern): boolean {
  return p.getElements().some((e) => !!e.getDotDotDotToken());
}

export function detectStyle(file: string, text: string, sf: SourceFile): CodeStyle {
  const eol = eolOf(text);
  let single = 0;
  let double = 0;
  let importQuotes = 0;
  let semi = 0;
  let noSemi = 0;
  let esm = false;
  let cjs = false;
  let statements = 0;
  const visit = (n: ts.Node) => {
    if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n) || ts.isExportAssignment(n)) esm = true;
    if (ts.isStringLiteral(n)) {
      const ch = text[n.getStart(sf.compilerNode)];
      const parent = n.parent;
      const weight = parent && (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || (ts.isCallExpression(parent) && parent.expression.getText(sf.compilerNode) === 'require')) ? 10 : 1;
      if (weight === 10) importQuotes++;
      if (ch === "'") single += weight;
      else if (ch === '"') double += weight;
    }
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require') cjs = true;
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'module' && n.name.text === 'exports') cjs = true;
    if (statements < 400 && (ts.isVariableStatement(n) || ts.isExpressionStatement(n) || ts.isReturnStatement(n) || ts.isImportDeclaration(n) || ts.isThrowStatement(n))) {
      statements++;
      if (text[n.end - 1] === ';') semi++;
      else noSemi++;
    }
    if (ts.canHaveModifiers(n) && ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) esm = true;
    ts.forEachChild(n, visit);
  };
  visit(sf.compilerNode);
  void importQuotes;
  const ext = path.extname(file).toLowerCase();
  let module: 'esm' | 'cjs';
  if (ext === '.mjs' || ext === '.mts') module = 'esm';
  else if (ext === '.cjs' || ext === '.cts') module = esm ? 'esm' : 'cjs';
  else if (esm) module = 'esm';
  else if (cjs) module = 'cjs';
  else module = 'esm';
  return {
    eol,
    quote: double > single ? '"' : "'",
    semi: semi >= noSemi,
    indentUnit: detectIndentUnit(text),
    module,
  };
}

export { SyntaxKind };
