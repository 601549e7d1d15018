/**
 * Matching the patterns that users and repositories write (span-name patterns of a tracing schema, file
 * globs) in time linear in the text for each part of the pattern, whatever the pattern.
 *
 * Compiled to a JavaScript regular expression, a pattern with several `*` (`*a*a*a*b`) backtracks
 * polynomially, with the number of stars as the exponent: one long span name then stalls a run for
 * minutes, and no per-file budget can interrupt a regular expression. Here a pattern is a list of parts
 * (literal text, runs of a character class, lists of alternatives, runs of path segments), and matching
 * is two passes of dynamic programming over positions: backwards, which positions each suffix of the
 * pattern can match from to the end; forwards, the choice at each part in the order a backtracking
 * engine would try them (longest run first, alternatives in the order given), keeping only choices the
 * rest can complete. The result, captures included, is exactly what the equivalent regular expression
 * `^...$` gives, in O(parts × text) time (alternatives and literals add their length).
 */

/** Characters a run may take: any, any but white space (`\S`), any but `/`. */
export type CharClass = 'all' | 'nonspace' | 'nonslash';

export type Part =
  /** Literal text. */
  | { lit: string }
  /** A run of `min` to `max` (default: unbounded) characters of a class, greedy (`*`, `\S+`, `?`). */
  | { run: CharClass; min: number; max?: number; capture?: boolean }
  /** One of these texts, tried in this order (`(a|b)`). */
  | { alt: string[]; capture?: boolean }
  /** Zero or more non-empty path segments, each followed by `/` (`**` followed by `/` in a glob). */
  | { segs: true };

const WS = /\s/;

function inClass(c: CharClass, ch: string): boolean {
  return c === 'all' || (c === 'nonspace' ? !WS.test(ch) : ch !== '/');
}

export class LinearMatcher {
  readonly parts: readonly Part[];

  constructor(parts: Part[]) {
    // Adjacent literals are one literal (fewer passes).
    const merged: Part[] = [];
    for (const p of parts) {
      const last = merged[merged.length - 1];
      if ('lit' in p && last && 'lit' in last) merged[merged.length - 1] = { lit: last.lit + p.lit };
      else if (!('lit' in p && p.lit === '')) merged.push(p);
    }
    this.parts = merged;
  }

  /** Whether the whole of `s` matches. */
  test(s: string): boolean {
    return this.feasible(s)[0]![0] === 1;
  }

  /** Like `RegExp.prototype.exec` of `^...$`: the match and the captures, or null. */
  exec(s: string): (string | undefined)[] | null {
    const ok = this.feasible(s);
    if (ok[0]![0] !== 1) return null;
    const out: (string | undefined)[] = [s];
    let p = 0;
    this.parts.forEach((part, k) => {
      const next = ok[k + 1]!;
      const q = this.choose(part, s, p, next);
      if ('capture' in part && part.capture) out.push(s.slice(p, q));
      p = q;
    });
    return out;
  }

  /** The end of the first choice (in backtracking order) of `part` at `p` after which `next` holds. */
  private choose(part: Part, s: string, p: number, next: Uint8Array): number {
    if ('lit' in part) return p + part.lit.length;
    if ('alt' in part) {
      for (const a of part.alt) if (s.startsWith(a, p) && next[p + a.length] === 1) return p + a.length;
      throw new Error('unreachable');
    }
    if ('run' in part) {
      const end = this.runEnd(part, s, p);
      for (let q = end; q >= p + part.min; q--) if (next[q] === 1) return q;
      throw new Error('unreachable');
    }
    // Segments, greedy: the furthest segment end first, then fewer.
    const ends = segEnds(s, p);
    for (let i = ends.length - 1; i >= 0; i--) if (next[ends[i]!] === 1) return ends[i]!;
    return p;
  }

  /** The furthest position a run can reach from `p` (within its class and `max`). */
  private runEnd(part: Extract<Part, { run: CharClass }>, s: string, p: number): number {
    const limit = part.max === undefined ? s.length : Math.min(s.length, p + part.max);
    let q = p;
    while (q < limit && inClass(part.run, s[q]!)) q++;
    return q;
  }

  /** ok[k][p] = 1 when parts k.. match s[p..] to its end. */
  private feasible(s: string): Uint8Array[] {
    const n = s.length;
    const K = this.parts.length;
    const ok: Uint8Array[] = new Array(K + 1);
    ok[K] = new Uint8Array(n + 1);
    ok[K]![n] = 1;
    for (let k = K - 1; k >= 0; k--) {
      const next = ok[k + 1]!;
      const cur = new Uint8Array(n + 1);
      const part = this.parts[k]!;
      if ('lit' in part) {
        const L = part.lit.length;
        for (let p = 0; p + L <= n; p++) if (next[p + L] === 1 && s.startsWith(part.lit, p)) cur[p] = 1;
      } else if ('alt' in part) {
        for (const a of part.alt) for (let p = 0; p + a.length <= n; p++) if (!cur[p] && next[p + a.length] === 1 && s.startsWith(a, p)) cur[p] = 1;
      } else if ('run' in part) {
        // cur[p] = some q in [p+min, min(runEnd(p), p+max)] has next[q]. Runs end at the same place for
        // every p inside them, so one pass from the right with the nearest feasible position suffices.
        const nearest = new Int32Array(n + 2).fill(-1); // nearest[q]: smallest q' >= q with next[q'] = 1
        for (let q = n; q >= 0; q--) nearest[q] = next[q] === 1 ? q : nearest[q + 1]!;
        let runEnd = n;
        for (let p = n; p >= 0; p--) {
          if (p < n && !inClass(part.run, s[p]!)) runEnd = p;
          if (p === n) runEnd = n;
          const hi = part.max === undefined ? runEnd : Math.min(runEnd, p + part.max);
          const lo = p + part.min;
          if (lo <= hi) {
            const q = nearest[lo]!;
            if (q !== -1 && q <= hi) cur[p] = 1;
          }
        }
      } else {
        // Segments: from p, either stop at p, or take the segment up to the next `/` (at j; it must not be
        // empty) and go on from j + 1. reach[p]: taking at least one segment can end where `next` holds.
        const reach = new Uint8Array(n + 1);
        let j = -1; // the nearest `/` at or after p
        for (let p = n - 1; p >= 0; p--) {
          if (s[p] === '/') {
            j = p;
            continue; // a segment cannot be empty
          }
          if (j < 0) continue;
          const e = j + 1;
          if (next[e] === 1 || (e < n && reach[e] === 1)) reach[p] = 1;
        }
        for (let p = 0; p <= n; p++) cur[p] = next[p] === 1 || reach[p] === 1 ? 1 : 0;
      }
      ok[k] = cur;
    }
    return ok;
  }
}

/** Positions after each `/` that ends a non-empty segment, from `p` on, until an empty segment. */
function segEnds(s: string, p: number): number[] {
  const out: number[] = [];
  let start = p;
  for (let i = p; i < s.length; i++) {
    if (s[i] !== '/') continue;
    if (i === start) break;
    out.push(i + 1);
    start = i + 1;
  }
  return out;
}
