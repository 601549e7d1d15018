/**
 * String values, as far as the code shows them: the URL an HTTP request goes to.
 *
 * A string is a list of parts (`StrPart`): literal text, environment variables, the base URL of a model
 * client, values of other project files or of parameters (kept symbolic, resolved at link time through
 * the project's summaries like every other value), and parts nothing can tell. Local constants, template
 * literals, concatenation, `a ?? 'default'`, `new URL(path, base)`, `new Request(url, init)`, properties of `const` object literals
 * and string methods that keep the host (`trim`, `replace` of a trailing slash, `toString`) are followed.
 */

import ts = require('typescript');
import { unwrap } from './ast.js';
import type { Scopes } from './scopes.js';
import type { AVal, StrPart } from './values.js';

export interface StringHost {
  readonly scopes: Scopes;
  readonly sf: ts.SourceFile;
  val(e: ts.Expression): AVal | undefined;
  objectLiteralOf(e: ts.Expression): ts.ObjectLiteralExpression | undefined;
  /** What a call of a function of this file may return (its `return` expressions), when the callee is one. */
  returnsOfCall?(call: ts.CallExpression): readonly ts.Expression[] | undefined;
  /** A parameter as the symbolic value each call binds (whatever its declared type says), when `e` names one. */
  paramValue?(e: ts.Identifier): AVal | undefined;
}

const MAX_DEPTH = 8;
/** Methods of a string (or URL) whose result keeps its host and path (a trailing slash aside). */
const KEEPING = new Set(['toString', 'trim', 'trimEnd', 'trimStart', 'replace', 'replaceAll', 'valueOf', 'href']);
/** Methods that keep a prefix of a string when they start at 0 (`url.slice(0, end)` trims a trailing part). */
const PREFIX = new Set(['slice', 'substring', 'substr']);
/** No more branches than this are kept for one string (a resolver with a branch per provider has a few). */
const MAX_ALTERNATIVES = 8;

export class Strings {
  constructor(private readonly host: StringHost) {}

  /** The string an expression denotes, as a `str` value; undefined when nothing of it is known. */
  value(e: ts.Expression): Extract<AVal, { k: 'str' }> | undefined {
    const parts = normalize(this.parts(e, 0));
    return parts.some((p) => typeof p !== 'object' || !('unknown' in p)) ? { k: 'str', parts } : undefined;
  }

  /** Whether the expression is worth reading as a string (literal text, templates, concatenation, env). */
  stringish(e0: ts.Expression, depth = 0): boolean {
    const e = unwrap(e0);
    if (ts.isStringLiteralLike(e) || ts.isTemplateExpression(e)) return true;
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.PlusToken) {
        const ops = operands(e);
        return !!ops && ops.some((x) => this.stringish(x, depth + 1));
      }
      if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) return depth < MAX_DEPTH && (this.stringish(e.left, depth + 1) || this.stringish(e.right, depth + 1));
      return false;
    }
    if (envName(e)) return true;
    if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && (e.expression.text === 'URL' || e.expression.text === 'Request')) return true;
    if (ts.isIdentifier(e) && depth < 2) {
      const init = this.constInit(e);
      return !!init && this.stringish(init, depth + 1);
    }
    return false;
  }

  private constInit(e: ts.Identifier): ts.Expression | undefined {
    const d = this.host.scopes.lookup(e.text, e.getStart(this.host.sf));
    if (d?.k !== 'var' || !d.init || d.path.length || d.opaque) return undefined;
    if (!d.isConst && this.host.scopes.assignmentsOf(d).length) return undefined;
    return d.init;
  }

  /** The expression property `key` of the object `e` denotes holds, when the file shows it. */
  private property(e0: ts.Expression, key: string, depth: number): ts.Expression | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const e = unwrap(e0);
    let obj = this.host.objectLiteralOf(e);
    if (!obj && ts.isPropertyAccessExpression(e)) {
      const inner = this.property(e.expression, e.name.text, depth + 1);
      const u = inner && unwrap(inner);
      obj = u && ts.isObjectLiteralExpression(u) ? u : (u && this.host.objectLiteralOf(u));
    }
    return obj ? propertyIn(obj, key) : undefined;
  }

  /**
   * Field `key` of the object a call of a function of this file returns (`const route = resolveRoute(c);
   * route.endpoint`): the field's string in each returned object literal, as alternatives (a branch that
   * returns something else is a string nothing can tell). Undefined when `e` is no such call.
   */
  returnedField(e0: ts.Expression, key: string, depth: number): StrPart[] | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const objects = this.returnedObjects(e0);
    if (!objects) return undefined;
    if (!objects.some((o) => o && propertyIn(o, key))) return undefined;
    const branches = objects.map((o) => {
      const value = o && propertyIn(o, key);
      return value ? this.parts(value, depth + 1) : [{ unknown: '' }];
    });
    return alternatives(branches);
  }

  /**
   * What each return of the function a call (or a const holding one) calls: its object literal, or
   * undefined for a return that is none. Undefined when `e0` is no call of a function of this file.
   */
  private returnedObjects(e0: ts.Expression): (ts.ObjectLiteralExpression | undefined)[] | undefined {
    if (!this.host.returnsOfCall) return undefined;
    let e = unwrap(e0);
    if (ts.isIdentifier(e)) {
      const init = this.constInit(e);
      if (!init) return undefined;
      e = unwrap(init);
    }
    if (!ts.isCallExpression(e)) return undefined;
    const returns = this.host.returnsOfCall(e);
    if (!returns || returns.length === 0) return undefined;
    return returns.map((r) => this.host.objectLiteralOf(r));
  }

  /** The keys of the objects a call of a function of this file returns, when it returns object literals. */
  returnedKeys(e0: ts.Expression): string[] | undefined {
    const objects = this.returnedObjects(e0);
    if (!objects) return undefined;
    const keys = new Set<string>();
    for (const o of objects) {
      if (!o) continue;
      for (const p of o.properties) {
        if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) keys.add(p.name.text);
        else if (ts.isShorthandPropertyAssignment(p)) keys.add(p.name.text);
      }
    }
    return keys.size ? [...keys].sort() : undefined;
  }

  /** `p.a.b` of a parameter `p`: the parameter's value with those members, symbolic. */
  private paramField(e: ts.Expression): AVal | undefined {
    const keys: string[] = [];
    let cur = e;
    while (ts.isPropertyAccessExpression(cur) && keys.length < 4) {
      keys.unshift(cur.name.text);
      cur = unwrap(cur.expression);
    }
    if (!keys.length || !ts.isIdentifier(cur) || !this.host.paramValue) return undefined;
    const p = this.host.paramValue(cur);
    return p?.k === 'param' ? { ...p, steps: [...p.steps, ...keys.map((m) => ({ m }))] } : undefined;
  }

  parts(e0: ts.Expression, depth: number): StrPart[] {
    const e = unwrap(e0);
    if (ts.isStringLiteralLike(e)) return [e.text];
    if (depth > MAX_DEPTH) return [{ unknown: '' }];
    if (ts.isTemplateExpression(e)) {
      const out: StrPart[] = [e.head.text];
      for (const span of e.templateSpans) out.push(...this.parts(span.expression, depth + 1), span.literal.text);
      return out;
    }
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.PlusToken) {
        const ops = operands(e);
        return ops ? ops.flatMap((x) => this.parts(x, depth + 1)) : [{ unknown: '' }];
      }
      if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) {
        // `process.env.OLLAMA_URL ?? 'http://localhost:11434'`: the default names the host; the variable, the API.
        return either(this.parts(e.left, depth + 1), this.parts(e.right, depth + 1));
      }
      return [{ unknown: '' }];
    }
    if (ts.isConditionalExpression(e)) return either(this.parts(e.whenTrue, depth + 1), this.parts(e.whenFalse, depth + 1));
    const env = envName(e);
    if (env) return [{ env }];
    if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'URL' && !this.host.scopes.lookup('URL', e.expression.getStart(this.host.sf))) {
      const [path, base] = e.arguments ?? [];
      if (!path) return [{ unknown: '' }];
      const p = this.parts(path, depth + 1);
      if (!base) return p;
      // `new URL('/v1/chat/completions', base)`: an absolute path replaces the base's path; a relative one is appended.
      const b = this.parts(base, depth + 1);
      const first = p[0];
      if (typeof first === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(first)) return p;
      if (typeof first === 'string' && first.startsWith('/')) {
        const lit = b[0];
        if (b.length === 1 && typeof lit === 'string') {
          const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(lit);
          return m ? [m[0], ...p] : [...b, ...p];
        }
        return [...b, ...p];
      }
      return [...b, '/', ...p];
    }
    // `fetch(new Request(url, init))`: the request goes to its URL (a `Request` built from another keeps its URL).
    if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Request' && !this.host.scopes.lookup('Request', e.expression.getStart(this.host.sf))) {
      const input = e.arguments?.[0];
      return input ? this.parts(input, depth + 1) : [{ unknown: '' }];
    }
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && KEEPING.has(e.expression.name.text)) return this.parts(e.expression.expression, depth + 1);
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && PREFIX.has(e.expression.name.text) && e.arguments.length === 2 && ts.isNumericLiteral(e.arguments[0]!) && e.arguments[0].text === '0') {
      // The start of the string up to a point: its host, and a path cut somewhere nothing can tell.
      const whole = this.parts(e.expression.expression, depth + 1);
      const first = whole[0];
      const origin = typeof first === 'string' ? /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(first) : null;
      return origin ? [origin[0], { unknown: '' }] : whole.length === 1 && typeof first === 'object' && 'v' in first ? whole : [{ unknown: '' }];
    }
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'String' && e.arguments[0]) return this.parts(e.arguments[0], depth + 1);
    if (ts.isIdentifier(e)) {
      const init = this.constInit(e);
      if (init) return this.parts(init, depth + 1);
    }
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'href') return this.parts(e.expression, depth + 1);
    if ((ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) && !ts.isCallExpression(e.expression)) {
      // A property of a `const` object literal (`config.baseURL`, `ENDPOINTS.chat`).
      const key = ts.isPropertyAccessExpression(e) ? e.name.text : ts.isStringLiteralLike(e.argumentExpression) ? e.argumentExpression.text : undefined;
      const value = key !== undefined ? this.property(e.expression, key, depth) : undefined;
      if (value) return this.parts(value, depth + 1);
      // A field of the object a function of this file returns (`resolveRoute(config).endpoint`): one per branch.
      const field = key !== undefined ? this.returnedField(e.expression, key, depth) : undefined;
      if (field) return field;
    }
    // (A chain of thousands of members, in generated code, is no URL: the value is not computed.)
    const v = longChain(e) ? undefined : this.host.val(e);
    if (v?.k === 'str') return v.parts;
    if (v && (v.k === 'ref' || v.k === 'param')) return [{ v }];
    // A field of a parameter typed with a project interface (`route.endpoint` of `route: Route`): what each call passes tells.
    const fromParam = this.paramField(e);
    if (fromParam) return [{ v: fromParam }];
    return [{ unknown: nameOf(e) }];
  }
}

/** A call of a string method that keeps (a prefix of) the string it is called on (`url.trim()`, `url.slice(0, end)`). */
export function keepsString(e0: ts.Expression): boolean {
  const e = unwrap(e0);
  return ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && (KEEPING.has(e.expression.name.text) || PREFIX.has(e.expression.name.text));
}

/**
 * Whether a string may be a URL (a function's return value worth keeping in its summary): its literal text
 * has no whitespace (a prompt or a message has) and is short.
 */
export function urlLike(parts: StrPart[]): boolean {
  let length = 0;
  for (const p of parts) {
    if (typeof p === 'string') {
      if (/\s/.test(p)) return false;
      length += p.length;
    } else if ('alt' in p && !p.alt.every(urlLike)) return false;
  }
  return length <= 512;
}

/** `a ?? b`, `c ? a : b`: the side that shows a host (the default names it); with neither, either one. */
function either(l: StrPart[], r: StrPart[]): StrPart[] {
  if (hasHost(l) || hasHost(r)) return hasHost(l) || !hasHost(r) ? l : r;
  return alternatives([l, r]) ?? l;
}

/**
 * One part standing for several strings, or undefined when none of them shows anything. Branches nothing
 * can tell are left out: the request goes to one of the others when it goes where the code shows.
 */
export function alternatives(branches: StrPart[][]): StrPart[] | undefined {
  const known = branches.filter((b) => b.some((p) => typeof p !== 'object' || !('unknown' in p)));
  if (known.length === 0) return undefined;
  if (known.length === 1) return known[0];
  const out: StrPart[][] = [];
  for (const b of known) {
    const n = normalize(b);
    if (out.length < MAX_ALTERNATIVES && !out.some((o) => JSON.stringify(o) === JSON.stringify(n))) out.push(n);
  }
  return out.length === 1 ? out[0]! : [{ alt: out }];
}

/** Whether an expression is a chain of more than `MAX_OPERANDS` member accesses or calls (counted without recursion). */
function longChain(e: ts.Expression): boolean {
  let cur: ts.Expression = e;
  for (let n = 0; n <= MAX_OPERANDS; n++) {
    const u = unwrap(cur);
    if (ts.isPropertyAccessExpression(u) || ts.isElementAccessExpression(u) || ts.isCallExpression(u)) cur = u.expression;
    else return false;
  }
  return true;
}

/** No URL is built from more pieces: a longer `+` chain (a generated prompt) is not read as one. */
const MAX_OPERANDS = 64;

/**
 * The operands of a `+` chain, left to right, found without recursion (a chain may be thousands of terms
 * long, nested to the left), or undefined when it has more than `MAX_OPERANDS`.
 */
function operands(e: ts.BinaryExpression): ts.Expression[] | undefined {
  const right: ts.Expression[] = [];
  let cur: ts.Expression = e;
  for (;;) {
    const u = unwrap(cur);
    if (!ts.isBinaryExpression(u) || u.operatorToken.kind !== ts.SyntaxKind.PlusToken) break;
    right.push(u.right);
    if (right.length > MAX_OPERANDS) return undefined;
    cur = u.left;
  }
  return [cur, ...right.reverse()];
}

/** The expression a property of an object literal holds: `config.openai.baseURL` through nested `const` objects. */
function propertyIn(obj: ts.ObjectLiteralExpression, key: string): ts.Expression | undefined {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === key) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === key) return p.name;
  }
  return undefined;
}

/** `process.env.NAME`, `process.env['NAME']`, `import.meta.env.NAME`, `Deno.env.get('NAME')`. */
function envName(e: ts.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const name = ts.isPropertyAccessExpression(e) ? e.name.text : ts.isStringLiteralLike(e.argumentExpression) ? e.argumentExpression.text : undefined;
    const base = unwrap(e.expression);
    if (name && ts.isPropertyAccessExpression(base) && base.name.text === 'env') {
      const root = unwrap(base.expression);
      if ((ts.isIdentifier(root) && root.text === 'process') || (ts.isMetaProperty(root) && root.name.text === 'meta')) return name;
    }
  }
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'get') {
    const base = unwrap(e.expression.expression);
    const a = e.arguments[0];
    if (ts.isPropertyAccessExpression(base) && base.name.text === 'env' && ts.isIdentifier(base.expression) && base.expression.text === 'Deno' && a && ts.isStringLiteralLike(a)) return a.text;
  }
  return undefined;
}

/** The name an unknown value was read from (`ollamaUrl`, `config.baseURL` → `baseURL`). */
function nameOf(e: ts.Expression, depth = 0): string {
  if (ts.isIdentifier(e)) return e.text;
  if (depth > MAX_DEPTH) return '';
  if (ts.isPropertyAccessExpression(e)) return `${nameOf(unwrap(e.expression), depth + 1)}.${e.name.text}`;
  if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) return `${nameOf(unwrap(e.expression), depth + 1)}.${e.argumentExpression.text}`;
  if (e.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  return '';
}

/** Whether the string starts with a literal scheme and host. */
export function hasHost(parts: StrPart[]): boolean {
  const first = parts[0];
  return typeof first === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(first);
}

/** Adjacent literal parts joined, empty ones dropped. */
export function normalize(parts: StrPart[]): StrPart[] {
  const out: StrPart[] = [];
  for (const p of parts) {
    if (p === '') continue;
    const last = out[out.length - 1];
    if (typeof p === 'string' && typeof last === 'string') out[out.length - 1] = last + p;
    else out.push(p);
  }
  return out;
}

/**
 * A request URL after a base URL (`axios.create({ baseURL })`, `prefixUrl`): a relative path is joined to
 * the base; an absolute URL, or one whose start cannot be read, stands alone.
 */
export function joinBase(base: Extract<AVal, { k: 'str' }>, url: Extract<AVal, { k: 'str' }>): Extract<AVal, { k: 'str' }> {
  const first = url.parts[0];
  if (typeof first !== 'string' || /^[a-z][a-z0-9+.-]*:\/\//i.test(first)) return url;
  return { k: 'str', parts: [...base.parts, ...(first.startsWith('/') ? [] : ['/']), ...url.parts] };
}

/** No more strings than this are read out of one value's alternatives. */
const MAX_EXPANSIONS = 32;

/** The strings a value with alternatives may be, each without alternatives (at most `MAX_EXPANSIONS`, in branch order). */
export function expand(parts: StrPart[]): StrPart[][] {
  let out: StrPart[][] = [[]];
  for (const p of parts) {
    if (typeof p === 'object' && 'alt' in p) {
      const next: StrPart[][] = [];
      const choices = p.alt.flatMap((b) => expand(b));
      for (const prefix of out) for (const c of choices) if (next.length < MAX_EXPANSIONS) next.push([...prefix, ...c]);
      out = next;
    } else for (const prefix of out) prefix.push(p);
  }
  return out.map(normalize);
}
