/**
 * Text from the repository (file names, names and strings quoted in messages) shown on a terminal. A
 * file named with escape sequences (`\x1b]0;...`, `\x1b[2J`) or Unicode direction overrides could
 * rewrite the title, clear the screen or disguise what is printed; every control character and bidi
 * control is shown as an escape instead (`\x1b`, `\u202e`).
 */

// C0 controls but tab (and line feed where lines are kept), DEL, C1 controls, and the bidi controls.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_LF = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escape(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `s` with control and bidi characters escaped; line feeds kept when `keepNewlines`. */
export function terminalSafe(s: string, keepNewlines = false): string {
  return s.replace(keepNewlines ? UNSAFE : UNSAFE_LF, escape);
}
