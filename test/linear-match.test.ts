/**
 * The linear-time matcher (src/linear-match.ts) against the regular expressions it replaces: the same
 * answers and the same captures on generated patterns and texts, and no stall on the patterns that make
 * a backtracking engine take minutes.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinearMatcher, type Part } from '../src/linear-match.js';

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const cls = { all: '[\\s\\S]', nonspace: '\\S', nonslash: '[^/]' } as const;

function toRegExp(parts: Part[]): RegExp {
  const src = parts
    .map((p) => {
      if ('lit' in p) return esc(p.lit);
      if ('alt' in p) return `(${p.capture ? '' : '?:'}${p.alt.map(esc).join('|')})`;
      if ('run' in p) {
        const q = p.max === undefined ? (p.min === 0 ? '*' : `{${p.min},}`) : `{${p.min},${p.max}}`;
        return p.capture ? `(${cls[p.run]}${q})` : `${cls[p.run]}${q}`;
      }
      return '(?:[^/]+/)*';
    })
    .join('');
  return new RegExp(`^${src}$`);
}

const alphabet = fc.constantFrom('a', 'b', '/', ' ', 'c');
const text = fc.array(alphabet, { maxLength: 14 }).map((a) => a.join(''));
const word = fc.array(alphabet, { minLength: 1, maxLength: 3 }).map((a) => a.join(''));
const part: fc.Arbitrary<Part> = fc.oneof(
  word.map((lit) => ({ lit })),
  fc.record({ run: fc.constantFrom('all' as const, 'nonspace' as const, 'nonslash' as const), min: fc.constantFrom(0, 1), capture: fc.boolean() }),
  fc.constantFrom<Part>({ run: 'nonslash', min: 1, max: 1 }),
  fc.record({ alt: fc.array(word, { minLength: 1, maxLength: 3 }), capture: fc.boolean() }),
  fc.constant<Part>({ segs: true }),
);

describe('LinearMatcher', () => {
  it('agrees with the equivalent regular expression, captures included', () => {
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), fc.array(text, { minLength: 1, maxLength: 8 }), (parts, texts) => {
        const m = new LinearMatcher(parts);
        const re = toRegExp(parts);
        for (const t of texts) {
          const want = re.exec(t);
          expect(m.test(t)).toBe(!!want);
          expect(m.exec(t)).toEqual(want ? [...want] : null);
        }
      }),
      { numRuns: 3000, seed: 19 },
    );
  });

  it('matches texts built to fit, whatever the pattern', () => {
    // Texts made from the pattern itself match far more often than random ones: the interesting half.
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), fc.array(fc.nat(3), { minLength: 6, maxLength: 6 }), (parts, picks) => {
        const t = parts
          .map((p, i) => ('lit' in p ? p.lit : 'alt' in p ? p.alt[picks[i]! % p.alt.length]! : 'run' in p ? (p.run === 'all' ? 'a /'.slice(0, picks[i]! + p.min) : 'ab'.repeat(picks[i]! + 1)) : 'x/y/'.slice(0, 2 * (picks[i]! % 3))))
          .join('');
        const want = toRegExp(parts).exec(t);
        expect(new LinearMatcher(parts).exec(t)).toEqual(want ? [...want] : null);
      }),
      { numRuns: 3000, seed: 23 },
    );
  });

  it('a pattern with many stars against a long text that almost matches: linear, not polynomial', () => {
    // `*a*a*a*a*a*a*a*a*b` on 100,000 `a`s: a backtracking engine needs ~n^8 steps.
    const parts: Part[] = [];
    for (let i = 0; i < 8; i++) parts.push({ run: 'all', min: 0 }, { lit: 'a' });
    parts.push({ run: 'all', min: 0 }, { lit: 'b' });
    const m = new LinearMatcher(parts);
    expect(m.test('a'.repeat(100_000))).toBe(false);
    expect(m.exec('a'.repeat(100_000) + 'b')).not.toBeNull();
    // Path segments nested the same way: `**/**/**/.../x` against a deep path that does not end in x.
    const segs: Part[] = [...Array.from({ length: 12 }, () => ({ segs: true }) as Part), { lit: 'x' }];
    expect(new LinearMatcher(segs).test('d/'.repeat(5000) + 'y')).toBe(false);
  });
});
