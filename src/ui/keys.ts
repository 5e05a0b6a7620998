// Key bindings are data (after Textual's BINDINGS): the dispatcher and the footer help are
// both generated from this table, so the footer can never lie about a key.
export type Command =
  | 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end'
  | 'ok' | 'cancel' | 'yes' | 'no' | 'help' | 'next' | 'prev' | 'left' | 'right' | 'hotkey';

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
  table: reading,
  form: [
    ...tab,
    { keys: ['up'], command: 'prev' },
    { keys: ['down'], command: 'next' },
    { keys: ['enter'], command: 'ok', label: 'Enter', help: 'OK' },
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
  progress: [{ keys: ['escape', 'enter'], command: 'cancel', label: 'Esc', help: 'Cancel' }],
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
    { keys: ['up', 'k'], command: 'up', label: 'Up/Down', help: 'Scroll' },
    { keys: ['down', 'j'], command: 'down' },
    { keys: ['pageup', 'b'], command: 'pageUp', label: 'PgUp/PgDn', help: 'Page' },
    { keys: ['pagedown', 'space'], command: 'pageDown' },
    { keys: ['home', 'g'], command: 'home', label: 'Home/End', help: 'Top/Bottom' },
    { keys: ['end', 'S-g'], command: 'end' },
    { keys: ['escape', 'q', 'enter'], command: 'ok', label: 'Esc/q', help: 'Close' },
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
