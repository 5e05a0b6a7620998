// A one-line text editor as pure state, for the input and form dialogs. The cursor is an index
// into the value (UTF-16), always between two graphemes: moving and deleting take a whole
// grapheme (a CJK character, an emoji sequence, a letter with its accents), and the visible part
// scrolls by display width (text.ts), so a wide character never pushes the line past its box.
import { graphemes, width } from './text.js';

export interface LineEdit {
  value: string;
  cursor: number;
}

export const MAX_INPUT = 1024;

/** Where the grapheme before / after `cursor` starts / ends. */
function prevBoundary(value: string, cursor: number): number {
  let at = 0;
  for (const g of graphemes(value.slice(0, cursor))) {
    if (at + g.length >= cursor) return at;
    at += g.length;
  }
  return at;
}
function nextBoundary(value: string, cursor: number): number {
  const g = graphemes(value.slice(cursor))[0];
  return g === undefined ? cursor : cursor + g.length;
}

export function editLine(s: LineEdit, key: { full?: string; name?: string }, ch?: string): LineEdit {
  const { value, cursor } = s;
  switch (key.full ?? key.name) {
    case 'left':
      return { value, cursor: prevBoundary(value, cursor) };
    case 'right':
      return { value, cursor: nextBoundary(value, cursor) };
    case 'home':
    case 'C-a':
      return { value, cursor: 0 };
    case 'end':
    case 'C-e':
      return { value, cursor: value.length };
    case 'backspace': {
      if (cursor === 0) return s;
      const at = prevBoundary(value, cursor);
      return { value: value.slice(0, at) + value.slice(cursor), cursor: at };
    }
    case 'delete':
    case 'C-d':
      return { value: value.slice(0, cursor) + value.slice(nextBoundary(value, cursor)), cursor };
    case 'C-u':
      return { value: value.slice(cursor), cursor: 0 };
    case 'C-k':
      return { value: value.slice(0, cursor), cursor };
    case 'C-w': {
      const before = value.slice(0, cursor).replace(/\S+\s*$/, '');
      return { value: before + value.slice(cursor), cursor: before.length };
    }
  }
  // Printable text only (pasted text arrives as several characters at once).
  if (ch && !/[\x00-\x1f\x7f]/.test(ch) && value.length + ch.length <= MAX_INPUT)
    return { value: value.slice(0, cursor) + ch + value.slice(cursor), cursor: cursor + ch.length };
  return s;
}

/** The visible part of a line: the text before the cursor, the grapheme under it (a blank at the end), and after. */
export interface Visible {
  /** All of it (without the blank of a cursor at the end). */
  text: string;
  /** The cursor's column (cells from the start of `text`). */
  cursorX: number;
  before: string;
  at: string;
  after: string;
}

/**
 * The part of the line that fits `cells` columns, keeping the cursor (and the whole grapheme
 * under it) visible: when the line is longer, the cursor stays at the right edge, as in a
 * shell. Secrets show one star per grapheme.
 */
export function visiblePart(s: LineEdit, cells: number, masked: boolean): Visible {
  const all = graphemes(s.value);
  const at = graphemes(s.value.slice(0, s.cursor)).length;
  const gs = masked ? all.map(() => '*') : all;
  const ws = gs.map(width);
  const atW = at < gs.length ? (ws[at] ?? 1) : 1;
  // first visible grapheme: as far left as the room allows, with the cursor's grapheme in
  let start = at;
  let used = atW;
  while (start > 0 && used + (ws[start - 1] ?? 0) <= cells) used += ws[--start] ?? 0;
  let end = Math.min(at + 1, gs.length);
  while (end < gs.length && used + (ws[end] ?? 0) <= cells) used += ws[end++] ?? 0;
  const before = gs.slice(start, at).join('');
  const under = at < gs.length ? (gs[at] ?? ' ') : ' ';
  const after = gs.slice(at + 1, end).join('');
  return { text: before + (at < gs.length ? under : '') + after, cursorX: width(before), before, at: under, after };
}
