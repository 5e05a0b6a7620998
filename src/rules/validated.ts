// What a rule returns: the normalised value, or a message for the person (never a throw for
// bad input), in the spirit of @inquirer's `validate`.
export type Validated<T = string> = { ok: true; value: T; warning?: string } | { ok: false; message: string };

/** A form field's rule: the text as typed → its normalised value or the message to show. */
export type Rule = (input: string) => Validated<string>;

export const ok = <T>(value: T, warning?: string): Validated<T> => (warning === undefined ? { ok: true, value } : { ok: true, value, warning });
export const bad = (message: string): Validated<never> => ({ ok: false, message });

/** Words of a list field: separated by spaces (commas tolerated). */
export const words = (s: string): string[] => s.split(/[\s,]+/).filter((w) => w !== '');
