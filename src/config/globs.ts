/**
 * Checking the glob patterns of the configuration (`ignores`) before they reach the file walker.
 *
 * fast-glob (through globby) never rejects a pattern: one that its matcher (picomatch) cannot compile
 * silently matches nothing (`{a,b`, `[z-a]`, a trailing `\`), an unclosed `[` matches only itself, a
 * negated ignore inverts it, and an empty pattern ignores every file, so a run "passes" on zero files. A
 * pattern "cannot compile" here when picomatch would fail on it, or would take a bracket or brace
 * literally that the author evidently meant as syntax. Each problem says what was expected.
 */

/** What is wrong with an ignore pattern, or undefined when it is a usable glob. */
export function globProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'expected a glob pattern such as "generated/**", got an empty string (it would ignore every file)';
  if (pattern.includes('\0')) return 'expected a glob pattern, got a NUL character';
  if (pattern.startsWith('!')) return `"${pattern}": negated patterns are not supported in ignores (list only what to ignore; use --no-ignore to check everything)`;
  let braces = 0;
  let braceAt = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      if (i === pattern.length - 1) return `"${pattern}": cannot compile: a trailing "\\" escapes nothing (write "/" between path segments)`;
      i++;
      continue;
    }
    if (c === '[') {
      // A character class: `]` right after `[` or `[!`/`[^` is a literal member.
      let j = i + 1;
      if (pattern[j] === '!' || pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      let prev: string | undefined;
      let closed = false;
      for (; j < pattern.length; j++) {
        let ch = pattern[j]!;
        if (ch === '\\' && j + 1 < pattern.length) ch = pattern[++j]!;
        else if (ch === ']') {
          closed = true;
          break;
        } else if (ch === '[' && pattern[j + 1] === ':') {
          // POSIX class `[:alpha:]`.
          const end = pattern.indexOf(':]', j + 2);
          if (end > 0) {
            j = end + 1;
            prev = undefined;
            continue;
          }
        } else if (ch === '-' && prev !== undefined && pattern[j + 1] !== undefined && pattern[j + 1] !== ']') {
          const escaped = pattern[j + 1] === '\\' && j + 2 < pattern.length;
          const hi = escaped ? pattern[j + 2]! : pattern[j + 1]!;
          if (hi < prev) return `"${pattern}": cannot compile: the range "${prev}-${hi}" is out of order (write "${hi}-${prev}")`;
          j += escaped ? 2 : 1;
          prev = undefined;
          continue;
        }
        prev = ch;
      }
      if (!closed) return `"${pattern}": cannot compile: "[" at column ${i + 1} is never closed (write "\\[" for a literal bracket)`;
      i = j;
      continue;
    }
    if (c === '{') {
      if (braces === 0) braceAt = i;
      braces++;
    } else if (c === '}') {
      if (braces === 0) return `"${pattern}": cannot compile: "}" at column ${i + 1} closes no "{" (write "\\}" for a literal brace)`;
      braces--;
    }
  }
  if (braces > 0) return `"${pattern}": cannot compile: "{" at column ${braceAt + 1} is never closed (expected "{a,b}"; write "\\{" for a literal brace)`;
  return undefined;
}
