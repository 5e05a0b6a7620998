// Key bindings are data (after Textual's BINDINGS): the dispatcher and the footer help are
// both generated from this table, so the footer can never lie about a key.
export type Command =
  | 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end'
  | 'ok' | 'cancel' | 'yes' | 'no' | 'help' | 'next' | 'prev' | 'left' | 'right' | 'hotkey' | 'wrap';

export interface Binding {
  keys: string[];
  command: Command;
  /** Footer text; bindings without one still work but are not advertised. */
  label?: string;
  help?: string;
}

export type DialogKind = 'menu' | 'yesno' | 'message' | 'form' | 'review' | 'progress' | 'pager' | 'table' | 'countdown';

const help: Binding = { keys: ['f1', '?'], command: 'help', label: 'F1', help: 'Help' };
const tab: Binding[] = [
  { keys: ['tab'], command: 'next', label: 'Tab', help: 'Next' },
  { keys: ['S-tab'], command: 'prev' },
];

/** Lines longer than the dialog: read sideways, or wrapped onto the next rows. */
const longLines: Binding[] = [
  { keys: ['left', 'h'], command: 'left', label: 'Left/Right', help: 'Side' },
  { keys: ['right', 'l'], command: 'right' },
  { keys: ['w'], command: 'wrap', label: 'w', help: 'Wrap' },
];

/** A text to read and close (message, table). */
const reading: Binding[] = [
  { keys: ['enter', 'space'], command: 'ok', label: 'Enter', help: 'OK' },
  { keys: ['escape'], command: 'cancel', label: 'Esc', help: 'Close' },
  { keys: ['up', 'k'], command: 'up', label: 'Up/Down', help: 'Scroll' },
  { keys: ['down', 'j'], command: 'down' },
  { keys: ['pageup'], command: 'pageUp' },
  { keys: ['pagedown'], command: 'pageDown' },
  help,
];

export const bindings: Record<DialogKind, Binding[]> = {
  menu: [
    // no letter keys here: letters may be hotkeys
    { keys: ['up'], command: 'up', label: 'Up/Down', help: 'Move' },
    { keys: ['down'], command: 'down' },
    { keys: ['pageup'], command: 'pageUp' },
    { keys: ['pagedown'], command: 'pageDown' },
    { keys: ['home'], command: 'home' },
    { keys: ['end'], command: 'end' },
    { keys: ['0-9', 'a-z'], command: 'hotkey', label: '1-9', help: 'Jump' },
    { keys: ['enter'], command: 'ok', label: 'Enter', help: 'Select' },
    { keys: ['escape'], command: 'cancel', label: 'Esc', help: 'Back' },
    { keys: ['left'], command: 'left' },
    { keys: ['right'], command: 'right' },
    ...tab,
    help,
  ],
  yesno: [
    { keys: ['y'], command: 'yes', label: 'Y', help: 'Yes' },
    { keys: ['n'], command: 'no', label: 'N', help: 'No' },
    { keys: ['enter'], command: 'ok', label: 'Enter', help: 'Choose' },
    { keys: ['escape'], command: 'cancel', label: 'Esc', help: 'Cancel' },
    { keys: ['left'], command: 'left' },
    { keys: ['right'], command: 'right' },
    ...tab,
    help,
  ],
  message: reading,
  table: [...reading.slice(0, -1), ...longLines, help],
  form: [
    ...tab,
    { keys: ['up'], command: 'prev' },
    { keys: ['down'], command: 'next' },
    // one field at a time, as the manual's prompts: Enter on the last field (or on OK) submits
    { keys: ['enter'], command: 'ok', label: 'Enter', help: 'Next field (OK on the last)' },
    { keys: ['escape'], command: 'cancel', label: 'Esc', help: 'Cancel' },
    { keys: ['f1'], command: 'help', label: 'F1', help: 'Help' },
  ],
  review: [
    { keys: ['y'], command: 'yes', label: 'Y', help: 'Apply' },
    { keys: ['n'], command: 'no', label: 'N', help: 'Edit' },
    { keys: ['enter'], command: 'ok', label: 'Enter', help: 'Choose' },
    { keys: ['escape'], command: 'cancel', label: 'Esc', help: 'Cancel' },
    { keys: ['left'], command: 'left' },
    { keys: ['right'], command: 'right' },
    ...tab,
    help,
  ],
  // Esc only: an Enter typed ahead (a form's last field pressed twice) must not cancel the check or the work it started
  progress: [{ keys: ['escape'], command: 'cancel', label: 'Esc', help: 'Cancel' }],
  countdown: [
    { keys: ['y'], command: 'yes', label: 'Y', help: 'Confirm' },
    { keys: ['n'], command: 'no', label: 'N', help: 'Roll back' },
    { keys: ['enter'], command: 'ok', label: 'Enter', help: 'Choose' },
    { keys: ['escape'], command: 'cancel', label: 'Esc', help: 'Decide later' },
    { keys: ['left'], command: 'left' },
    { keys: ['right'], command: 'right' },
    ...tab,
    help,
  ],
  pager: [
    // PgUp/PgDn page without being advertised: the footer keeps to 80 columns with the side keys
    { keys: ['up', 'k'], command: 'up', label: 'Up/Down', help: 'Scroll' },
    { keys: ['down', 'j'], command: 'down' },
    { keys: ['pageup', 'b'], command: 'pageUp' },
    { keys: ['pagedown', 'space'], command: 'pageDown' },
    ...longLines,
    { keys: ['home', 'g'], command: 'home', label: 'Home/End', help: 'Top/End' },
    { keys: ['end', 'S-g'], command: 'end' },
    { keys: ['escape', 'q', 'enter'], command: 'ok', label: 'Esc', help: 'Close' },
    help,
  ],
};

export interface KeyLike {
  name?: string;
  full?: string;
  ch?: string;
  /** Alt (or Esc read together with the key), and the bytes it came from. */
  meta?: boolean;
  sequence?: string;
}

/** The command a key means in a dialog, and the hotkey character for 'hotkey'. */
export function commandFor(kind: DialogKind, key: KeyLike, ch?: string): { command: Command; ch?: string } | undefined {
  const full = key.full ?? key.name ?? '';
  for (const b of bindings[kind]) {
    for (const k of b.keys) {
      if (k === '0-9' || k === 'a-z') {
        const c = ch ?? key.ch;
        if (c && c.length === 1 && (k === '0-9' ? /[0-9]/ : /[a-z]/).test(c)) return { command: b.command, ch: c };
        continue;
      }
      if (k === full || (k === '?' && ch === '?')) return { command: b.command };
    }
  }
  return undefined;
}

/** The footer: every advertised binding of the dialog, in table order. */
export function footer(kind: DialogKind, extra: { cancellable?: boolean } = {}): string {
  return bindings[kind]
    .filter((b) => b.label && (kind !== 'progress' || extra.cancellable))
    .map((b) => `${b.label} ${b.help}`)
    .join('  ');
}
