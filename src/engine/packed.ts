/**
 * File summaries in transit and at rest: as JSON text rather than object graphs. A project of 20,000
 * files keeps 20,000 summaries until the link phase, and most of what they hold is never looked at: the
 * exports and function summaries of files nothing resolves into, the arguments and contexts of calls
 * whose callee turns out to be nothing the catalog knows. Packed, a summary costs a few KB of string;
 * crossing a worker boundary or the cache costs a string copy. The linker gets `FileSummary` objects
 * whose parts are parsed on first access: the callees of every file, the rest only where needed.
 */

import type { AVal, CallCandidate, FileSummary } from './values.js';

/**
 * Four JSON texts joined by NUL (which JSON text never contains raw): the head (`starExports`,
 * `passedRefs`, `helperCalls`, `loads` and the callee of each call: every file's are needed by the linker), the rest of each
 * call (range, arguments, contexts: needed for the calls that resolve), and the tail (`exports`, `fns`:
 * needed only for the files something resolves into), and the values of other files the file uses
 * (`refs`: read only by the second phase, for the files it may analyse again). As a string in transit (worker messages, the
 * cache file); as UTF-8 bytes while a run holds it, outside the JavaScript heap, so that a project's
 * summaries add nothing to what the garbage collector marks.
 */
export interface PackedSummary {
  file: string;
  text?: string;
  bytes?: Uint8Array;
}

export type PackedPart = 'head' | 'calls' | 'tail' | 'refs';
const PART_INDEX: Record<PackedPart, number> = { head: 0, calls: 1, tail: 2, refs: 3 };

interface Head {
  starExports: string[];
  passedRefs?: FileSummary['passedRefs'];
  helperCalls?: FileSummary['helperCalls'];
  opaqueCalls?: FileSummary['opaqueCalls'];
  loads?: string[];
  imports?: string[];
  importNames?: Record<string, string[]>;
  runs?: true;
  callees: AVal[];
  isNew: boolean[];
  /** Indices of the `super(...)` calls. */
  supers?: number[];
}

type CallRest = Omit<CallCandidate, 'callee' | 'isNew' | 'isSuper'>;

/** Stands for the file's own path inside the JSON (JSON text never contains a raw U+0001). */
const SELF = '\u0001';

function escapedPath(file: string): string {
  return JSON.stringify(file).slice(1, -1);
}

function encode(value: unknown, file: string): string {
  return JSON.stringify(value).replaceAll(escapedPath(file), SELF);
}

function decode(text: string, file: string): unknown {
  // (A function, not a string: a path may hold `$&` or `$'`, which a replacement string would expand.)
  const path = escapedPath(file);
  return JSON.parse(text.replaceAll(SELF, () => path));
}

export function packSummary(s: FileSummary): PackedSummary {
  const head: Head = { starExports: s.starExports, callees: s.calls.map((c) => c.callee), isNew: s.calls.map((c) => c.isNew) };
  const supers = s.calls.flatMap((c, i) => (c.isSuper ? [i] : []));
  if (supers.length) head.supers = supers;
  if (s.passedRefs) head.passedRefs = s.passedRefs;
  if (s.helperCalls) head.helperCalls = s.helperCalls;
  if (s.opaqueCalls) head.opaqueCalls = s.opaqueCalls;
  if (s.loads) head.loads = s.loads;
  if (s.imports) head.imports = s.imports;
  if (s.importNames) head.importNames = s.importNames;
  if (s.runs) head.runs = s.runs;
  const rest: CallRest[] = s.calls.map(({ callee: _callee, isNew: _isNew, isSuper: _isSuper, ...r }) => r);
  return { file: s.file, text: `${encode(head, s.file)}\0${encode(rest, s.file)}\0${encode({ exports: s.exports, fns: s.fns, ...(s.classes ? { classes: s.classes } : {}) }, s.file)}\0${encode(s.refs ?? [], s.file)}` };
}

/** The bytes form, for holding (a summary that arrived as text). */
export function compactSummary(p: PackedSummary): PackedSummary {
  // Already bytes: the same object (what is kept with it, see `unpackSummary`, stays with it).
  if (p.text === undefined && Buffer.isBuffer(p.bytes)) return p;
  if (p.bytes) return { file: p.file, bytes: Buffer.isBuffer(p.bytes) ? p.bytes : Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength) };
  return { file: p.file, bytes: Buffer.from(p.text ?? '', 'utf8') };
}

/** The text form, for sending or storing. */
export function summaryText(p: PackedSummary): string {
  if (p.text !== undefined) return p.text;
  const b = p.bytes!;
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}

/** Whether a packed summary's text holds `needle` (ASCII), without decoding it. */
export function packedMentions(p: PackedSummary, needle: string): boolean {
  if (p.text !== undefined) return p.text.includes(needle);
  const b = Buffer.isBuffer(p.bytes) ? p.bytes : Buffer.from(p.bytes!.buffer, p.bytes!.byteOffset, p.bytes!.byteLength);
  return b.includes(needle);
}

/** One part's JSON text (decoding only that part of the bytes). */
export function summaryPart(p: PackedSummary, part: PackedPart): string {
  const i = PART_INDEX[part];
  if (p.text !== undefined) return p.text.split('\0')[i] ?? '';
  const b = Buffer.isBuffer(p.bytes) ? p.bytes : Buffer.from(p.bytes!.buffer, p.bytes!.byteOffset, p.bytes!.byteLength);
  // The offsets of the NULs before and after part i (-1 and the length at the ends).
  let start = -1;
  for (let k = 0; k < i; k++) {
    start = b.indexOf(0, start + 1);
    if (start < 0) return '';
  }
  const end = b.indexOf(0, start + 1);
  return b.toString('utf8', start + 1, end < 0 ? b.length : end);
}

/** The parsed parts of one packed summary, each parsed once, when first needed. */
class Parts {
  private headValue: Head | undefined;
  private restValue: CallRest[] | undefined;
  private tailValue: Pick<FileSummary, 'exports' | 'fns' | 'classes'> | undefined;
  constructor(private readonly p: PackedSummary) {}
  head(): Head {
    return (this.headValue ??= decode(summaryPart(this.p, 'head'), this.p.file) as Head);
  }
  rest(i: number): CallRest {
    return (this.restValue ??= decode(summaryPart(this.p, 'calls'), this.p.file) as CallRest[])[i]!;
  }
  tail(): Pick<FileSummary, 'exports' | 'fns' | 'classes'> {
    return (this.tailValue ??= decode(summaryPart(this.p, 'tail'), this.p.file) as Pick<FileSummary, 'exports' | 'fns' | 'classes'>);
  }
  private refsValue: AVal[] | undefined;
  refs(): AVal[] {
    if (!this.refsValue) {
      const text = summaryPart(this.p, 'refs');
      this.refsValue = text ? (decode(text, this.p.file) as AVal[]) : [];
    }
    return this.refsValue;
  }
}

/** A call candidate whose callee is at hand and whose other fields are parsed when first read. */
class LazyCandidate implements CallCandidate {
  constructor(
    readonly callee: AVal,
    readonly isNew: boolean,
    private readonly index: number,
    private readonly parts: Parts,
    readonly isSuper?: true,
  ) {}
  get range() {
    return this.parts.rest(this.index).range;
  }
  get args() {
    return this.parts.rest(this.index).args;
  }
  get calleeText() {
    return this.parts.rest(this.index).calleeText;
  }
  get url() {
    return this.parts.rest(this.index).url;
  }
  get contexts() {
    return this.parts.rest(this.index).contexts;
  }
  get wiredBy() {
    return this.parts.rest(this.index).wiredBy;
  }
  get each() {
    return this.parts.rest(this.index).each;
  }
  get argsEnd() {
    return this.parts.rest(this.index).argsEnd;
  }
  get fns() {
    return this.parts.rest(this.index).fns;
  }
  get gate() {
    return this.parts.rest(this.index).gate;
  }
}

/**
 * Unpacked summaries by packed one. A process that serves several runs (the context server,
 * cli/server.ts) holds the same packed summaries from one run to the next (its cache keeps them in
 * memory), and so keeps their parsed parts too; an unpacked summary is never written to.
 */
const unpackedOf = new WeakMap<PackedSummary, FileSummary>();

/** A summary whose parts are parsed when first read (and then kept). */
export function unpackSummary(p: PackedSummary): FileSummary {
  let s = unpackedOf.get(p);
  if (!s) unpackedOf.set(p, (s = unpack(p)));
  return s;
}

function unpack(p: PackedSummary): FileSummary {
  const parts = new Parts(p);
  let calls: CallCandidate[] | undefined;
  return {
    file: p.file,
    mentions: (needle: string) => packedMentions(p, needle),
    get exports() {
      return parts.tail().exports;
    },
    get fns() {
      return parts.tail().fns;
    },
    get classes() {
      return parts.tail().classes;
    },
    get starExports() {
      return parts.head().starExports;
    },
    get refs() {
      return parts.refs();
    },
    get passedRefs() {
      return parts.head().passedRefs;
    },
    get helperCalls() {
      return parts.head().helperCalls;
    },
    get opaqueCalls() {
      return parts.head().opaqueCalls;
    },
    get loads() {
      return parts.head().loads;
    },
    get imports() {
      return parts.head().imports;
    },
    get runs() {
      return parts.head().runs;
    },
    get importNames() {
      return parts.head().importNames;
    },
    get calls() {
      if (!calls) {
        const h = parts.head();
        const supers = new Set(h.supers ?? []);
        calls = h.callees.map((callee, i) => new LazyCandidate(callee, h.isNew[i]!, i, parts, supers.has(i) ? true : undefined));
      }
      return calls;
    },
  };
}
