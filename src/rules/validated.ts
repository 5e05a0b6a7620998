// What a rule returns: the normalised value, or a message for the person (never a throw for
// bad input), in the spirit of @inquirer's `validate`.
import { visible } from '../core/visible.js';
export type Validated<T = string> = { ok: true; value: T; warning?: string } | { ok: false; message: string };

/** A form field's rule: the text as typed → its normalised value or the message to show. */
export type Rule = (input: string) => Validated<string>;

export const ok = <T>(value: T, warning?: string): Validated<T> => (warning === undefined ? { ok: true, value } : { ok: true, value, warning });
/** A refusal: its message quotes what was typed, so controls in it are shown escaped (visible). */
export const bad = (message: string): Validated<never> => ({ ok: false, message: visible(message) });

/**
 * Words of a list field: separated by spaces (commas tolerated). White space is ASCII's, as in
 * ccnet's split_list: JavaScript's \s also splits at a no-break space or a BOM, python's at
 * U+001C-U+001F and NEL, and neither is a separator anyone types.
 */
export const words = (s: string): string[] => s.split(/[ \t\n\v\f\r,]+/).filter((w) => w !== '');
