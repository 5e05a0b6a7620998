// How each kind of text looks, per colour depth: monochrome terminals (vt100) get inverse,
// underline and bold; 8-colour consoles (TERM=linux) and 16+ colours get colours. The layout
// names styles; only this module knows what they look like (as blessed tags).
import blessed from 'blessed';

export type Style =
  | 'plain'
  /** The chosen menu item. */
  | 'selected'
  | 'disabled'
  | 'error'
  /** A text field, unfocused and focused, and the cursor in it. */
  | 'input'
  | 'inputFocused'
  | 'cursor'
  /** The focused button or choice. */
  | 'focused'
  /** A status line under a pager. */
  | 'note';

export interface Span {
  text: string;
  style?: Style;
}

/**
 * Monochrome, or colours. Only the 8 ISO colours are used, so the VGA console (TERM=linux, 8
 * colours) looks as xterm does; blessed's tags cannot give a bright background (a grey field
 * came out white on white), so an unfocused field is white on black everywhere.
 */
export type Depth = 'mono' | 'colors';

export const depthOf = (colors: number): Depth => (colors < 8 ? 'mono' : 'colors');

/** Blessed tags around a style: [open, close]. */
const tags: Record<Depth, Record<Style, [string, string]>> = {
  mono: {
    plain: ['', ''],
    selected: ['{inverse}', '{/inverse}'],
    disabled: ['', ''],
    error: ['{bold}', '{/bold}'],
    input: ['{underline}', '{/underline}'],
    inputFocused: ['{underline}', '{/underline}'],
    cursor: ['{inverse}', '{/inverse}'],
    focused: ['{inverse}', '{/inverse}'],
    note: ['', ''],
  },
  colors: {
    plain: ['', ''],
    selected: ['{blue-bg}{white-fg}{bold}', '{/bold}{/white-fg}{/blue-bg}'],
    disabled: ['{gray-fg}', '{/gray-fg}'],
    error: ['{red-fg}{bold}', '{/bold}{/red-fg}'],
    input: ['{black-bg}{white-fg}', '{/white-fg}{/black-bg}'],
    inputFocused: ['{cyan-bg}{black-fg}', '{/black-fg}{/cyan-bg}'],
    cursor: ['{inverse}', '{/inverse}'],
    focused: ['{inverse}', '{/inverse}'],
    note: ['{blue-fg}', '{/blue-fg}'],
  },
};

/** A row of spans as blessed tagged text (the text itself escaped). */
export function tagged(row: Span[], depth: Depth): string {
  return row
    .map((s) => {
      const [open, close] = tags[depth][s.style ?? 'plain'];
      return open + blessed.escape(s.text) + close;
    })
    .join('');
}

/** Widget styles of the screen's parts (blessed style objects). */
export function chromeStyles(depth: Depth) {
  const mono = depth === 'mono';
  return {
    background: mono ? {} : { bg: 'blue' },
    titleBar: mono ? { inverse: true } : { bg: 'blue', fg: 'white', bold: true },
    crumbs: mono ? {} : { bg: 'blue', fg: 'white' },
    footer: mono ? { inverse: true } : { bg: 'cyan', fg: 'black' },
    tooSmall: mono ? {} : { bg: 'blue', fg: 'white', bold: true },
    dialog: (danger: boolean) =>
      mono
        ? { border: {}, label: { bold: true } }
        : { bg: 'white', fg: 'black', border: { bg: 'white', fg: danger ? 'red' : 'black' }, label: { bg: 'white', fg: danger ? 'red' : 'blue', bold: true } },
  };
}
