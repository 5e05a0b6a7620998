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
  /** Columns of a text row, and the longest line on show (how far Right may go). */
  pageWidth?: number;
  widest?: number;
  /**
   * The pager's file: how many of the first n lines exist (reads only that far), or all of
   * them; and the first line of the page that ends with line `total` (wrapped lines take more rows).
   */
  pager?: { available(n: number): number; count(): number; lastPage?(total: number): number };
  /** File lines on the pager's page now (fewer than its rows when lines are wrapped). */
  pageLines?: number;
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

/**
 * The field Enter goes on to from field `from`: the next one in play (its `when` holds), past
 * the fields beyond the manual's prompts (`extra`) unless Enter is already among them; -1: none
 * (Enter submits).
 */
function enterNext(v: Extract<View, { kind: 'form' }>, values: Record<string, string>, from: number): number {
  const amongExtras = v.fields[from]?.extra === true;
  for (let i = from + 1; i < v.fields.length; i++) if (formFieldShown(v.fields, values, i) && (amongExtras || !v.fields[i]?.extra)) return i;
  return -1;
}

function formKey(v: Extract<View, { kind: 'form' }>, local: Local, key: KeyLike, ch: string | undefined): KeyResult {
  const hit = commandFor('form', key, ch);
  const nFocus = v.fields.length + 2; // the fields, then OK and Cancel
  const values = formValues(v, local);
  // Tab/Up/Down skip fields not in play (their `when` does not hold)
  // leaving a field in error: the flow drops the error once the value is corrected (revalidate)
  const leave = (to: number): KeyResult => (v.fields[local.button]?.error !== undefined ? send({ ...local, button: to }, { type: 'revalidate', values }) : none({ ...local, button: to }));
  const step = (d: number): KeyResult => {
    let i = local.button;
    do i = (i + d + nFocus) % nFocus;
    while (i < v.fields.length && !formFieldShown(v.fields, values, i));
    return leave(i);
  };
  const command = hit?.command;
  if (command === 'next') return step(1);
  if (command === 'prev') return step(-1);
  if (command === 'cancel' || (command === 'ok' && local.button === v.fields.length + 1)) return send(local, { type: 'cancel' });
  // ? is text in a text field; on a choice (nothing to type) it is help, as everywhere else
  if (command === 'help' || (ch === '?' && v.fields[local.button]?.choices)) return send(local, { type: 'help', values });
  // Enter answers the field and goes on to the next one, as the manual's prompts do one by one;
  // on the last field in play (or on OK) it submits the form
  if (command === 'ok') {
    const next = local.button < v.fields.length ? enterNext(v, values, local.button) : -1;
    return next >= 0 ? leave(next) : send(local, { type: 'submit', values });
  }
  // any other key edits the focused field
  const i = local.button;
  const e = local.edits[i];
  const field = v.fields[i];
  if (!field || !e) return none(local);
  const edits = [...local.edits];
  if (field.choices) {
    const name = key.full ?? key.name;
    const d = name === 'left' ? -1 : name === 'right' || name === 'space' ? 1 : 0;
    // a letter or digit picks the choice it starts (y: Yes, n: No, d: DHCP, 4: 443); again, the
    // next one it starts (t: Tue, then Thu), as dialog's lists do
    const starts = d === 0 && ch && ch.length === 1 ? field.choices.filter((c) => c.label.toLowerCase().startsWith(ch.toLowerCase())) : [];
    const picked = starts[(starts.findIndex((c) => c.value === e.value) + 1) % Math.max(1, starts.length)];
    if (picked) edits[i] = { value: picked.value, cursor: 0 };
    else if (d === 0) return none(local);
    else {
      const at = field.choices.findIndex((c) => c.value === e.value);
      edits[i] = { value: field.choices[(at + d + field.choices.length) % field.choices.length]!.value, cursor: 0 };
    }
  } else edits[i] = editLine(e, key, ch);
  return none({ ...local, edits });
}

/** Moves the scroll of a text; the pager clamps to what its file has (reading only as far as needed). */
function scrollTo(v: View, local: Local, scroll: number, k: KeyContext): KeyResult {
  let s = Math.max(0, scroll);
  if (v.kind === 'shown' && v.shown.kind === 'file' && k.pager) {
    // End alone reads to the end of the file; any other move only as far as its new page
    const lines = s === Number.MAX_SAFE_INTEGER ? k.pager.count() : k.pager.available(s + k.pageHeight);
    s = Math.max(0, Math.min(s, k.pager.lastPage ? k.pager.lastPage(lines) : lines - k.pageHeight));
  }
  return none({ ...local, scroll: s });
}

/** Moves a text sideways by half its width, no further than its longest line on show needs (not when wrapped). */
function sideways(local: Local, d: -1 | 1, k: KeyContext): KeyResult {
  if (local.wrap) return none(local);
  const w = k.pageWidth ?? 72;
  const most = Math.max(0, (k.widest ?? 0) - w);
  const column = Math.max(0, Math.min(most, (local.column ?? 0) + d * Math.max(8, Math.floor(w / 2))));
  return none({ ...local, column });
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
      return scrollTo(v, local, local.scroll + (hit.command === 'pageUp' ? -1 : 1) * (k.pageLines ?? k.pageHeight), k);
    case 'home':
    case 'end':
      if (v.kind === 'menu') return repeat(v.items.length, { type: hit.command === 'home' ? 'up' : 'down' });
      return scrollTo(v, local, hit.command === 'home' ? 0 : Number.MAX_SAFE_INTEGER, k);
    case 'hotkey':
      return send(listed, { type: 'hotkey', key: hit.ch ?? '' });
    case 'wrap':
      return kind === 'pager' || kind === 'table' ? none({ ...local, wrap: !local.wrap, column: 0 }) : none(local);
    case 'left':
    case 'right':
      if (kind === 'pager' || kind === 'table') return sideways(local, hit.command === 'left' ? -1 : 1, k);
    // falls through: elsewhere Left/Right move between the buttons
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
