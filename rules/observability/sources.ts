/**
 * Strings of YAML and JSON files with their positions: every character of a scalar's value mapped back to
 * the offset in the file it came from, through YAML's quoting, escapes, block scalars and line folding and
 * through JSON's escapes. A finding about `agent_runs` inside an `expr: |` block is reported on the line
 * and column where `agent_runs` is written.
 *
 * Each mapping is verified: the characters it maps must spell the value the YAML library read. Where a
 * construct is not followed exactly, every character maps to the start of the scalar (the expression's
 * position), never to a wrong place.
 */

import type { Scalar } from 'yaml';

/** A string value and, for each of its characters (and its end), the offset in the file. */
export interface Located {
  value: string;
  /** `offsets[i]`: where `value[i]` is written; `offsets[value.length]`: the end. */
  offsets: number[];
  /** The mapping is exact (else every offset is the scalar's start). */
  exact: boolean;
  /** The scalar's own span in the file (quotes and block headers included). */
  start: number;
  end: number;
}

function coarse(value: string, start: number, end: number): Located {
  return { value, offsets: new Array(value.length + 1).fill(start), exact: false, start, end };
}

/** Map a located value to file offsets: `[from, to)` of the value. */
export function spanIn(loc: Located, from: number, to: number): { start: number; end: number } {
  const a = loc.offsets[Math.max(0, Math.min(from, loc.value.length))]!;
  if (!loc.exact) return { start: a, end: a };
  // The end: just after the last character of the span.
  const last = to > from ? loc.offsets[Math.min(to, loc.value.length) - 1]! + 1 : a;
  return { start: a, end: Math.max(a, last) };
}

// ---------------------------------------------------------------- YAML scalars

/** The characters of a YAML scalar's value with their offsets in `text`. */
export function locateYamlScalar(text: string, node: Scalar): Located {
  const value = typeof node.value === 'string' ? node.value : String(node.value);
  const [start, valueEnd] = node.range ?? [0, 0, 0];
  const src = text.slice(start, valueEnd);
  let r: { chars: string; offs: number[] } | undefined;
  try {
    switch (node.type) {
      case 'PLAIN':
        r = folded(src, 0, src.length, start, 'plain');
        break;
      case 'QUOTE_SINGLE':
        r = folded(src, 1, src.lastIndexOf("'"), start, 'single');
        break;
      case 'QUOTE_DOUBLE':
        r = folded(src, 1, src.lastIndexOf('"'), start, 'double');
        break;
      case 'BLOCK_LITERAL':
      case 'BLOCK_FOLDED':
        r = block(src, start, node.type === 'BLOCK_FOLDED', (node.srcToken as { indent?: number } | undefined)?.indent);
        break;
      default:
        r = undefined;
    }
  } catch {
    r = undefined;
  }
  if (!r || r.chars !== value) return coarse(value, start, valueEnd);
  return { value, offsets: [...r.offs, r.offs.length ? r.offs[r.offs.length - 1]! + 1 : start], exact: true, start, end: valueEnd };
}

const WS = (c: string | undefined) => c === ' ' || c === '\t';

/**
 * Flow scalars (plain, single- and double-quoted): line breaks fold to a space, or to `\n` per empty line;
 * whitespace around breaks is dropped; quotes and escapes are undone.
 */
function folded(src: string, from: number, to: number, base: number, style: 'plain' | 'single' | 'double'): { chars: string; offs: number[] } {
  let chars = '';
  const offs: number[] = [];
  const push = (c: string, at: number) => {
    chars += c;
    offs.push(base + at);
  };
  let i = from;
  // Characters since the last break that may be trailing whitespace (dropped if a break follows).
  let pendingWs: { c: string; at: number }[] = [];
  const flushWs = () => {
    for (const w of pendingWs) push(w.c, w.at);
    pendingWs = [];
  };
  while (i < to) {
    const c = src[i]!;
    if (c === '\r' || c === '\n') {
      // A line break: fold.
      pendingWs = [];
      const breakAt = i;
      i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
      let empties = 0;
      for (;;) {
        while (i < to && WS(src[i])) i++;
        if (i < to && (src[i] === '\n' || src[i] === '\r')) {
          empties++;
          i += src[i] === '\r' && src[i + 1] === '\n' ? 2 : 1;
          continue;
        }
        break;
      }
      if (empties) for (let k = 0; k < empties; k++) push('\n', breakAt);
      else push(' ', breakAt);
      continue;
    }
    if (WS(c)) {
      pendingWs.push({ c, at: i });
      i++;
      continue;
    }
    flushWs();
    if (style === 'single' && c === "'" && src[i + 1] === "'") {
      push("'", i);
      i += 2;
      continue;
    }
    if (style === 'double' && c === '\\') {
      const e = src[i + 1];
      if (e === '\n' || e === '\r') {
        // An escaped line break: nothing, and the next line's leading whitespace goes too.
        i += e === '\r' && src[i + 2] === '\n' ? 3 : 2;
        while (i < to && WS(src[i])) i++;
        continue;
      }
      const simple: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029' };
      if (e !== undefined && e in simple) {
        push(simple[e]!, i);
        i += 2;
        continue;
      }
      const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (len) {
        const cp = parseInt(src.slice(i + 2, i + 2 + len), 16);
        const s = String.fromCodePoint(cp);
        for (const ch of s.split('')) push(ch, i);
        i += 2 + len;
        continue;
      }
      throw new Error('unknown escape');
    }
    push(c, i);
    i++;
  }
  // Plain scalars end before trailing whitespace; quoted ones keep it.
  if (style !== 'plain') flushWs();
  return { chars, offs };
}

/** Block scalars (`|`, `>`, with chomping and indentation indicators). */
function block(src: string, base: number, isFolded: boolean, parentIndent: number | undefined): { chars: string; offs: number[] } {
  const nl = src.search(/\r?\n/);
  if (nl < 0) return { chars: '', offs: [] };
  const header = src.slice(0, nl).replace(/\s+#.*$/, '').trim();
  const chomp = header.includes('-') ? 'strip' : header.includes('+') ? 'keep' : 'clip';
  const explicit = /\d/.exec(header)?.[0];
  // Content lines, with their start offsets.
  const lines: { text: string; at: number }[] = [];
  let pos = nl + (src[nl] === '\r' ? 2 : 1);
  while (pos <= src.length) {
    const m = /\r?\n/.exec(src.slice(pos));
    const end = m ? pos + m.index : src.length;
    lines.push({ text: src.slice(pos, end), at: pos });
    if (!m) break;
    pos = end + m[0].length;
  }
  if (lines.length && lines[lines.length - 1]!.text === '') lines.pop();
  // The content's indentation: the parent's plus an explicit indicator, else that of the first non-empty line.
  let indent: number;
  if (explicit) {
    if (parentIndent === undefined) throw new Error('indentation indicator without the parent indentation');
    indent = parentIndent + Number(explicit);
  } else {
    const first = lines.find((l) => l.text.trim() !== '');
    indent = first ? first.text.length - first.text.replace(/^ +/, '').length : 0;
  }
  let chars = '';
  const offs: number[] = [];
  const push = (c: string, at: number) => {
    chars += c;
    offs.push(base + at);
  };
  // Literal: each line (minus indentation) and its break; folded: breaks between "normal" lines become spaces.
  let prevKind: 'none' | 'normal' | 'more' | 'empty' = 'none';
  const body: { text: string; at: number; kind: 'normal' | 'more' | 'empty' }[] = lines.map((l) => {
    const content = l.text.length >= indent ? l.text.slice(indent) : '';
    const at = l.at + Math.min(indent, l.text.length);
    const kind = l.text.trim() === '' ? 'empty' : WS(content[0]) ? 'more' : 'normal';
    return { text: kind === 'empty' ? content : content, at, kind };
  });
  // Trailing empty lines are handled by chomping.
  let last = body.length - 1;
  while (last >= 0 && body[last]!.kind === 'empty') last--;
  let pendingBreaks: number[] = [];
  for (let k = 0; k <= last; k++) {
    const l = body[k]!;
    if (l.kind === 'empty') {
      pendingBreaks.push(l.at);
      continue;
    }
    if (prevKind !== 'none') {
      // The break that ended the previous non-empty line, then one per empty line.
      const breakAt = body[k - 1 - pendingBreaks.length]!.at + body[k - 1 - pendingBreaks.length]!.text.length;
      if (isFolded && prevKind === 'normal' && l.kind === 'normal') {
        if (pendingBreaks.length === 0) push(' ', breakAt);
        else for (const b of pendingBreaks) push('\n', b);
      } else {
        push('\n', breakAt);
        for (const b of pendingBreaks) push('\n', b);
      }
    } else {
      for (const b of pendingBreaks) push('\n', b);
    }
    pendingBreaks = [];
    for (let j = 0; j < l.text.length; j++) push(l.text[j]!, l.at + j);
    prevKind = l.kind;
  }
  if (last >= 0 && chomp !== 'strip') {
    const endAt = body[last]!.at + body[last]!.text.length;
    push('\n', endAt);
    if (chomp === 'keep') for (let k = last + 1; k < body.length; k++) push('\n', body[k]!.at);
  }
  return { chars, offs };
}

// ---------------------------------------------------------------- JSON with positions

export type JsonValue =
  | { k: 'object'; start: number; end: number; entries: { key: Located; value: JsonValue }[] }
  | { k: 'array'; start: number; end: number; items: JsonValue[] }
  | { k: 'string'; start: number; end: number; loc: Located }
  | { k: 'number' | 'boolean' | 'null'; start: number; end: number; value: number | boolean | null };

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** A JSON document with the offsets of every value and every string character. */
export function parseLocatedJson(text: string): JsonValue {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (what: string): never => {
    throw new JsonSyntaxError(i >= text.length ? `unexpected end of input, expected ${what}` : `unexpected ${JSON.stringify(text[i])}, expected ${what}`, i);
  };
  const str = (): Located => {
    const start = i;
    i++;
    let value = '';
    const offsets: number[] = [];
    for (;;) {
      if (i >= text.length) fail('a closing quote');
      const c = text[i]!;
      if (c === '"') break;
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          value += simple[e];
          offsets.push(i);
          i += 2;
          continue;
        }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          offsets.push(i);
          i += 6;
          continue;
        }
        i++;
        fail('a valid escape sequence');
      }
      if (c.charCodeAt(0) < 0x20) fail('no control character in a string');
      value += c;
      offsets.push(i);
      i++;
    }
    i++;
    offsets.push(i - 1);
    return { value, offsets, exact: true, start, end: i };
  };
  const val = (depth: number): JsonValue => {
    if (depth > 512) fail('less nesting');
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: { key: Located; value: JsonValue }[] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { k: 'object', start, end: i, entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a property name in double quotes');
        const key = str();
        ws();
        if (text[i] !== ':') fail('":"');
        i++;
        const value = val(depth + 1);
        entries.push({ key, value });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { k: 'object', start, end: i, entries };
        }
        fail('"," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const items: JsonValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { k: 'array', start, end: i, items };
      }
      for (;;) {
        items.push(val(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { k: 'array', start, end: i, items };
        }
        fail('"," or "]"');
      }
    }
    if (c === '"') {
      const loc = str();
      return { k: 'string', start, end: i, loc };
    }
    const lit = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!lit) fail('a JSON value');
    i += lit![0].length;
    const t = lit![0];
    if (t === 'true' || t === 'false') return { k: 'boolean', start, end: i, value: t === 'true' };
    if (t === 'null') return { k: 'null', start, end: i, value: null };
    return { k: 'number', start, end: i, value: Number(t) };
  };
  const v = val(0);
  ws();
  if (i < text.length) fail('the end of the document');
  return v;
}

/** Plain JavaScript value of a located JSON value. */
export function plainJson(v: JsonValue): unknown {
  switch (v.k) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const e of v.entries) o[e.key.value] = plainJson(e.value);
      return o;
    }
    case 'array':
      return v.items.map(plainJson);
    case 'string':
      return v.loc.value;
    default:
      return v.value;
  }
}

export function jsonGet(v: JsonValue | undefined, key: string): JsonValue | undefined {
  if (v?.k !== 'object') return undefined;
  for (let i = v.entries.length - 1; i >= 0; i--) if (v.entries[i]!.key.value === key) return v.entries[i]!.value;
  return undefined;
}

// ---------------------------------------------------------------- lines

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  /** 1-based line and column of an offset. */
  pos(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}
