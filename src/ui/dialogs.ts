// What a key means in each dialog (pure): it changes the dialog's screen-only state (the focus,
// the text being typed, the scroll) or becomes events for the flow. The key table (keys.ts)
// says which key is which command; this says what the command does here.
import type { Event } from '../flow/events.js';
import type { View } from '../flow/view.js';
import { commandFor, type KeyLike } from './keys.js';
import { dialogKind, formFieldShown, type Local } from './layout.js';
import { editLine } from './lineedit.js';

/** What the handler needs to know of the screen: a page's height, and how far the pager's file goes. */
export interface KeyContext {
  pageHeight: number;
  /** The pager's file: how many of the first n lines exist (reads only that far), or all of them. */
  pager?: { available(n: number): number; count(): number };
}

export interface KeyResult {
  local: Local;
  events: Event[];
}

const none = (local: Local): KeyResult => ({ local, events: [] });
const send = (local: Local, ...events: Event[]): KeyResult => ({ local, events });

/** The form's current values: what is typed, field by field. */
export const formValues = (v: Extract<View, { kind: 'form' }>, local: Local): Record<string, string> =>
  Object.fromEntries(v.fields.map((f, i) => [f.name, local.edits[i]?.value ?? f.value]));

function formKey(v: Extract<View, { kind: 'form' }>, local: Local, key: KeyLike, ch: string | undefined): KeyResult {
  const hit = commandFor('form', key, ch);
  const nFocus = v.fields.length + 2; // the fields, then OK and Cancel
  const values = formValues(v, local);
  // Tab/Up/Down skip fields not in play (their `when` does not hold)
  const step = (d: number): KeyResult => {
    let i = local.button;
    do i = (i + d + nFocus) % nFocus;
    while (i < v.fields.length && !formFieldShown(v.fields, values, i));
    return none({ ...local, button: i });
  };
  const command = hit?.command;
  if (command === 'next') return step(1);
  if (command === 'prev') return step(-1);
  if (command === 'cancel' || (command === 'ok' && local.button === v.fields.length + 1)) return send(local, { type: 'cancel' });
  // ? is text in a text field; on a choice (nothing to type) it is help, as everywhere else
  if (command === 'help' || (ch === '?' && v.fields[local.button]?.choices)) return send(local, { type: 'help', values });
  if (command === 'ok') return send(local, { type: 'submit', values });
  // any other key edits the focused field
  const i = local.button;
  const e = local.edits[i];
  const field = v.fields[i];
  if (!field || !e) return none(local);
  const edits = [...local.edits];
  if (field.choices) {
    const name = key.full ?? key.name;
    const d = name === 'left' ? -1 : name === 'right' || name === 'space' ? 1 : 0;
    if (d === 0) return none(local);
    const at = field.choices.findIndex((c) => c.value === e.value);
    edits[i] = { value: field.choices[(at + d + field.choices.length) % field.choices.length]!.value, cursor: 0 };
  } else edits[i] = editLine(e, key, ch);
  return none({ ...local, edits });
}

/** Moves the scroll of a text; the pager clamps to what its file has (reading only as far as needed). */
function scrollTo(v: View, local: Local, scroll: number, k: KeyContext): KeyResult {
  let s = Math.max(0, scroll);
  if (v.kind === 'shown' && v.shown.kind === 'file' && k.pager) {
    // End alone reads to the end of the file; any other move only as far as its new page
    const lines = s === Number.MAX_SAFE_INTEGER ? k.pager.count() : k.pager.available(s + k.pageHeight);
    s = Math.max(0, Math.min(s, lines - k.pageHeight));
  }
  return none({ ...local, scroll: s });
}

/** The meaning of a key in the dialog `v` shows: a new screen-only state, and events for the flow. */
export function handleKey(v: View, local: Local, key: KeyLike, ch: string | undefined, k: KeyContext): KeyResult {
  const kind = dialogKind(v);
  if (!kind) return none(local);
  if (v.kind === 'form') return formKey(v, local, key, ch);
  const hit = commandFor(kind, key, ch);
  if (!hit) return none(local);
  const twoButtons = v.kind === 'menu' || v.kind === 'yesno' || v.kind === 'review' || v.kind === 'countdown';
  // moving in a menu's list is choosing an item: the focus goes back to Select
  const listed = v.kind === 'menu' ? { ...local, button: 0 } : local;
  const repeat = (n: number, ev: Event) => send(listed, ...Array.from({ length: n }, () => ev));
  switch (hit.command) {
    case 'up':
    case 'down':
      if (v.kind === 'menu') return send(listed, { type: hit.command });
      return scrollTo(v, local, local.scroll + (hit.command === 'up' ? -1 : 1), k);
    case 'pageUp':
    case 'pageDown':
      if (v.kind === 'menu') return repeat(k.pageHeight, { type: hit.command === 'pageUp' ? 'up' : 'down' });
      return scrollTo(v, local, local.scroll + (hit.command === 'pageUp' ? -k.pageHeight : k.pageHeight), k);
    case 'home':
    case 'end':
      if (v.kind === 'menu') return repeat(v.items.length, { type: hit.command === 'home' ? 'up' : 'down' });
      return scrollTo(v, local, hit.command === 'home' ? 0 : Number.MAX_SAFE_INTEGER, k);
    case 'hotkey':
      return send(listed, { type: 'hotkey', key: hit.ch ?? '' });
    case 'left':
    case 'right':
    case 'next':
    case 'prev':
      return twoButtons ? none({ ...local, button: local.button === 0 ? 1 : 0 }) : none(local);
    case 'yes':
    case 'no':
    case 'help':
    case 'cancel':
      return send(local, { type: hit.command });
    case 'ok':
      if (v.kind === 'menu') return send(local, { type: local.button === 0 ? 'ok' : 'cancel' });
      if (twoButtons) return send(local, { type: local.button === 0 ? 'yes' : 'no' });
      return send(local, { type: 'ok' });
  }
}
