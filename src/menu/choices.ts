// Choice lists more than one form shares (one list, so every Yes/No field reads and cycles alike).
import type { Choice } from './types.js';

/**
 * The Yes/No choices of a form field, values 'yes'/'no'. `first`: the choice listed first, which
 * is the field's default when nothing is stored (prefill); 'no' where saying yes must be a decision
 * (the backups' encryption asks for a passphrase that cannot be recovered).
 */
export function yesNoChoices(first: 'yes' | 'no' = 'yes'): Choice[] {
  const yes: Choice = { value: 'yes', label: 'Yes' };
  const no: Choice = { value: 'no', label: 'No' };
  return first === 'yes' ? [yes, no] : [no, yes];
}
