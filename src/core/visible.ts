// What the console repeats of a value is shown, never obeyed: every control character becomes
// a visible escape, so a host name like `x\e]0;title\a\e[2J` can neither retitle nor clear the
// operator's terminal. The scripts' twin is esc() in sbin/lib/core.sh (the same rule, proven
// equal by test/system/escaping.test.ts).

// C0, DEL, C1 (U+0080-U+009F), the invisible direction marks and overrides (ALM, LRM/RLM,
// LS/PS, LRE..RLO, LRI..PDI), and a lone surrogate (a byte string that was not UTF-8).
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]/gu;
const NAMED: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\v': '\\v', '\f': '\\f', '\r': '\\r', '\x1b': '\\e' };
const hex = (c: string, width: number) => c.codePointAt(0)!.toString(16).padStart(width, '0');

/**
 * `text` as it may be written to a terminal: C0 as \a \b \t \n \v \f \r \e or \xHH, DEL \x7f,
 * C1, direction marks and overrides as \uXXXX (a lone surrogate too). Backslashes are kept,
 * so visible(visible(x)) === visible(x): a script's message, already escaped, passes as is.
 * `keep`: characters left alone (a multi-line text keeps its "\n").
 */
export function visible(text: string, keep = ''): string {
  return text.replace(CONTROLS, (c) => {
    if (keep.includes(c)) return c;
    if (NAMED[c]) return NAMED[c];
    const cp = c.codePointAt(0)!;
    return cp < 0x80 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`;
  });
}

/**
 * JSON for a terminal or a pipe: JSON.stringify, with DEL, C1, direction marks and lone
 * surrogates written as \uXXXX too (the same value to any JSON reader, nothing a terminal obeys).
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]/gu, (c) => `\\u${hex(c, 4)}`);
}
