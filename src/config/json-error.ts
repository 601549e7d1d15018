/**
 * Where a JSON text goes wrong. `JSON.parse` gives a position for some errors only ("Unexpected token
 * '/', "<the whole text>" is not valid JSON" has none, and quotes the file over several lines), so this
 * small validator finds the offset of the first error itself: a configuration error then always names
 * the line and column, on one line.
 */

export interface JsonError {
  offset: number;
  message: string;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** The first syntax error of `text` (RFC 8259 JSON), or undefined when it is valid. */
export function jsonError(text: string): JsonError | undefined {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  /** What stands at `at`, for "expected X, found Y". */
  const found = (at: number) => {
    if (at >= n) return 'the end of the file';
    const c = text[at]!;
    if (c === '"') return `'"'`;
    return c < ' ' || c === '\\' ? JSON.stringify(c) : `"${c}"`;
  };
  const isComment = (at: number) => text[at] === '/' && (text[at + 1] === '/' || text[at + 1] === '*');
  const fail = (message: string, at = i): JsonError => ({ offset: at, message: isComment(at) ? 'comments are not allowed in JSON' : message });

  /** Scan one scalar at `i`; returns an error or advances `i` past it. */
  const scalar = (): JsonError | undefined => {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < n) {
        const ch = text.charCodeAt(i);
        if (ch === 0x22) {
          i++;
          return undefined;
        }
        if (ch < 0x20) return fail('a control character (such as a line break) inside a string');
        if (ch === 0x5c) {
          const e = text[i + 1];
          if (e === 'u') {
            if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail('a "\\u" escape needs four hex digits');
            i += 6;
          } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
          else return fail(`"\\${e ?? ''}" is not a JSON escape`);
          continue;
        }
        i++;
      }
      return fail('a string is never closed');
    }
    const num = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (num && num[0].length > 0 && (c === '-' || (c !== undefined && c >= '0' && c <= '9'))) {
      i += num[0].length;
      return undefined;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return undefined;
      }
    }
    return fail(`expected a value, found ${found(i)}`);
  };

  // Containers: 'o' after `{` or `,` in an object (a key comes), 'a' in an array.
  const stack: ('o' | 'a')[] = [];
  ws();
  for (;;) {
    // A value.
    ws();
    if (text[i] === '{') {
      i++;
      ws();
      if (text[i] === '}') i++;
      else {
        stack.push('o');
        if (text[i] !== '"') return fail(`expected a double-quoted property name, found ${found(i)}`);
        const e = scalar();
        if (e) return e;
        ws();
        if (text[i] !== ':') return fail(`expected ":" after the property name, found ${found(i)}`);
        i++;
        continue;
      }
    } else if (text[i] === '[') {
      i++;
      ws();
      if (text[i] === ']') i++;
      else {
        stack.push('a');
        continue;
      }
    } else {
      const e = scalar();
      if (e) return e;
    }
    // After a value: close containers or go on with `,`.
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) {
        return i < n ? fail(`unexpected text after the JSON value (${found(i)})`) : undefined;
      }
      const close = top === 'o' ? '}' : ']';
      if (text[i] === close) {
        stack.pop();
        i++;
        continue;
      }
      if (text[i] !== ',') return fail(`expected "," or "${close}", found ${found(i)}`);
      i++;
      ws();
      if (top === 'o') {
        if (text[i] !== '"') return fail(text[i] === '}' ? 'a trailing comma before "}"' : `expected a double-quoted property name, found ${found(i)}`);
        const e = scalar();
        if (e) return e;
        ws();
        if (text[i] !== ':') return fail(`expected ":" after the property name, found ${found(i)}`);
        i++;
      } else if (text[i] === ']') return fail('a trailing comma before "]"');
      break;
    }
  }
}

export interface DuplicateKey {
  /** Where the second occurrence of the key starts. */
  offset: number;
  /** The key path of the object holding it, then the key. */
  path: (string | number)[];
}

/**
 * The first key that occurs twice in one object of a valid JSON text (`JSON.parse` keeps the last one
 * silently, so half of a configuration would be ignored), or undefined.
 */
export function duplicateKey(text: string, accept: (path: (string | number)[]) => boolean = () => true): DuplicateKey | undefined {
  type Frame = { kind: 'o'; keys: Set<string>; key?: string } | { kind: 'a'; index: number };
  const stack: Frame[] = [];
  const pathOf = (): (string | number)[] => stack.slice(0, -1).map((f) => (f.kind === 'o' ? f.key! : f.index));
  let i = 0;
  const n = text.length;
  /** Skip a string starting at `i`; returns its decoded value. */
  const str = (): string => {
    const start = i++;
    while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  let expectKey = false;
  while (i < n) {
    const c = text[i]!;
    if (c === '{') {
      stack.push({ kind: 'o', keys: new Set() });
      expectKey = true;
      i++;
    } else if (c === '[') {
      stack.push({ kind: 'a', index: 0 });
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
      i++;
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'a') top.index++;
      else expectKey = true;
      i++;
    } else if (c === '"') {
      const at = i;
      const s = str();
      const top = stack[stack.length - 1];
      if (expectKey && top?.kind === 'o') {
        if (top.keys.has(s) && accept([...pathOf(), s])) return { offset: at, path: [...pathOf(), s] };
        top.keys.add(s);
        top.key = s;
        expectKey = false;
      }
    } else i++;
  }
  return undefined;
}
