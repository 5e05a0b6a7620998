// A one-line text editor as pure state, for the input and form dialogs.
export interface LineEdit {
  value: string;
  cursor: number;
}

export const MAX_INPUT = 1024;

export function editLine(s: LineEdit, key: { full?: string; name?: string }, ch?: string): LineEdit {
  const { value, cursor } = s;
  switch (key.full ?? key.name) {
    case 'left':
      return { value, cursor: Math.max(0, cursor - 1) };
    case 'right':
      return { value, cursor: Math.min(value.length, cursor + 1) };
    case 'home':
    case 'C-a':
      return { value, cursor: 0 };
    case 'end':
    case 'C-e':
      return { value, cursor: value.length };
    case 'backspace':
      return cursor === 0 ? s : { value: value.slice(0, cursor - 1) + value.slice(cursor), cursor: cursor - 1 };
    case 'delete':
    case 'C-d':
      return { value: value.slice(0, cursor) + value.slice(cursor + 1), cursor };
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

/** The part of the line that fits `width` cells, keeping the cursor visible. */
export function visiblePart(s: LineEdit, width: number, masked: boolean): { text: string; cursorX: number } {
  const shown = masked ? '*'.repeat(s.value.length) : s.value;
  const start = Math.max(0, s.cursor - width + 1);
  return { text: shown.slice(start, start + width), cursorX: s.cursor - start };
}
