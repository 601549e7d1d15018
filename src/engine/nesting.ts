/**
 * How deeply a file nests, measured the same way everywhere, so that a deeply nested file gets the same
 * answer in the main thread, in worker threads, in the editor and from the cache.
 *
 * TypeScript's parser, parts of the analysis and some rules recurse once per level of nesting. How many
 * levels a JavaScript stack holds depends on where the code runs (the main thread, a worker thread,
 * inside ESLint): a file nested 600 to 1,100 levels deep used to be analysed in one mode and lost to a
 * stack overflow in another, so `--workers` changed the findings. Instead, every file's nesting is
 * measured on its syntax tree, without recursion, and a file over `MAX_NESTING` levels is skipped with
 * one deterministic error in every mode. The limit lies well below what any mode's stack holds (the
 * shallowest, TypeScript's parser on nested parentheses or type arguments, overflows the main thread's
 * stack between 560 and 790 levels) and far above real code (at most 85 levels over the 9,000 files of
 * this project's dependencies, minified bundles included).
 *
 * Levels that nothing recurses on do not count: the left operand of a binary expression and the object
 * of a member access or call (`a + b + c`, `x.f().g()`, which the parser and the walk handle in loops),
 * and chains that cost the parser a fraction of a level (`else if`, `a ? b : c ? d : e`, `!!x`, `a = b = c`,
 * nested blocks) count half.
 */

import ts = require('typescript');

/** The most levels of nesting a file may have to be analysed. */
export const MAX_NESTING = 400;

/** The file nests deeper than `MAX_NESTING`, or the parser's stack overflowed on it. */
export class NestingError extends Error {
  constructor() {
    super(`the file nests too deeply to analyse (over ${MAX_NESTING} levels of nesting)`);
    this.name = 'NestingError';
  }
}

const K = ts.SyntaxKind;

/** Expressions the parser and the walk handle in a loop when they are the object of another one. */
const CHAIN = new Set<ts.SyntaxKind>([K.PropertyAccessExpression, K.ElementAccessExpression, K.CallExpression, K.NonNullExpression, K.TaggedTemplateExpression, K.ExpressionWithTypeArguments]);

/** The cost of the edge parent → child, in half levels. */
function cost(parent: ts.Node, child: ts.Node): number {
  const pk = parent.kind;
  const ck = child.kind;
  if (pk === K.BinaryExpression) {
    if (ck === K.BinaryExpression) return child === (parent as ts.BinaryExpression).left ? 0 : 1;
    return 2;
  }
  if (CHAIN.has(pk) && CHAIN.has(ck) && child === (parent as { expression?: ts.Node }).expression) return 0;
  if (pk === ck && (pk === K.IfStatement || pk === K.ConditionalExpression || pk === K.PrefixUnaryExpression || pk === K.Block)) return 1;
  return 2;
}

/** Whether an error is the JavaScript stack running out. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/**
 * The nesting of a syntax tree in levels (see the module comment), stopping as soon as it exceeds
 * `limit`. Iterative: it cannot overflow the stack itself.
 */
export function nestingDepth(sf: ts.SourceFile, limit = MAX_NESTING): number {
  return measure(sf, limit, false);
}

/**
 * How many half levels a subtree can nest below its root, at most, per character of the root's text (its
 * leading trivia included), plus one. Every level of nesting costs at most two half levels, and a child
 * spans as much text as its parent only when the parent adds no token of its own (an expression
 * statement without a semicolon, a parameter or a type reference that is just a name): no more than three
 * nodes in a row span the same text, so a subtree nests at most 2 × 3 half levels per character. Eight
 * leaves a margin over that bound (the most measured over the development repositories and the benchmark
 * corpus is two; the densest constructs tried, `!!!x`, `[[[x]]]`, `-(-(-x))`, under one and a half). Each
 * unit less skips more of the tree: with sixteen, the check cost about a seventh of the parse on the
 * benchmark corpus and visited 153,000 nodes; with eight, 80,000.
 */
const HALF_LEVELS_PER_CHAR = 8;

/** Whether the tree nests deeper than `limit` levels: `nestingDepth(sf, limit) > limit`, visiting fewer nodes. */
export function exceedsNesting(sf: ts.SourceFile, limit = MAX_NESTING): boolean {
  return measure(sf, limit, true) > limit;
}

/**
 * The walk of `nestingDepth`. With `prune`, a subtree too short to reach past `limit` from where it sits
 * (see `HALF_LEVELS_PER_CHAR`) is not entered: the answer to "deeper than the limit?" stays exact, while
 * the depth returned for a shallower tree may be less than its own.
 */
function measure(sf: ts.SourceFile, limit: number, prune: boolean): number {
  const max = limit * 2;
  let deepest = 0;
  const nodes: ts.Node[] = [sf];
  const depths: number[] = [0];
  let parent: ts.Node = sf;
  let parentDepth = 0;
  const push = (child: ts.Node) => {
    const depth = parentDepth + cost(parent, child);
    if (prune && depth + HALF_LEVELS_PER_CHAR * (child.end - child.pos + 1) <= max) return;
    nodes.push(child);
    depths.push(depth);
  };
  while (nodes.length) {
    parent = nodes.pop()!;
    parentDepth = depths.pop()!;
    if (parentDepth > deepest) {
      deepest = parentDepth;
      if (deepest > max) break;
    }
    ts.forEachChild(parent, push);
  }
  return Math.ceil(deepest / 2);
}

/** Throw `NestingError` when the tree nests deeper than `MAX_NESTING`. */
export function checkNesting(sf: ts.SourceFile): void {
  if (exceedsNesting(sf)) throw new NestingError();
}
