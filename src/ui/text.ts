// Text layout helpers for dialogs (pure): display width, wrapping, padding, tables. Every measure
// is in terminal cells, not UTF-16 code units: CJK and emoji take two cells, combining marks and
// the joiners of an emoji sequence none, and a grapheme (what a person sees as one character)
// is never split. Widths come from string-width (Unicode's East Asian Width and emoji data,
// grapheme clusters by Intl.Segmenter), the table most terminal tools share.
import stringWidth from 'string-width';

const segmenter = new Intl.Segmenter();
/** Printable ASCII only: one cell a character on every terminal (the fast path). */
const ASCII = /^[\x20-\x7e]*$/;

/** The graphemes of `s` (user-perceived characters: a base with its marks, an emoji sequence). */
export function graphemes(s: string): string[] {
  if (ASCII.test(s)) return [...s];
  return Array.from(segmenter.segment(s), (x) => x.segment);
}

/** Cells `s` takes on a terminal (0 for marks and joiners alone, 2 for a wide grapheme). */
export function width(s: string): number {
  return ASCII.test(s) ? s.length : stringWidth(s);
}

/** Whether a grapheme is drawn alike by every terminal: one code point below the wide and emoji ranges. */
export function plainGrapheme(g: string): boolean {
  const cp = g.codePointAt(0) ?? 0;
  return g.length === 1 && cp >= 0x20 && cp < 0x1100 && cp !== 0x7f && width(g) === 1;
}

/**
 * The longest start of `s` that fits `cells` columns, and the rest; a grapheme is never split
 * (a wide one that would take the last column goes to the rest).
 */
export function cut(s: string, cells: number): [string, string] {
  if (ASCII.test(s)) return [s.slice(0, Math.max(0, cells)), s.slice(Math.max(0, cells))];
  let used = 0;
  let i = 0;
  for (const g of graphemes(s)) {
    const w = width(g);
    if (used + w > cells) break;
    used += w;
    i += g.length;
  }
  return [s.slice(0, i), s.slice(i)];
}

/** Word-wraps text to `width` columns; long words are cut (between graphemes). Keeps blank lines. */
export function wrap(text: string, cols: number): string[] {
  const w = Math.max(1, cols);
  const out: string[] = [];
  for (const para of text.split('\n')) {
    if (para.trim() === '') {
      out.push('');
      continue;
    }
    // A line that fits is kept as written (aligned columns stay aligned).
    if (width(para) <= w) {
      out.push(para);
      continue;
    }
    // An indented paragraph keeps its indentation on every line it wraps to (hanging
    // indent), unless the indentation leaves too little room.
    const lead = /^ */.exec(para)?.[0] ?? '';
    const indent = lead.length <= w / 2 ? lead : '';
    let line = indent;
    for (const word of para.trimStart().split(/ +/)) {
      let rest = word;
      while (indent.length + width(rest) > w) {
        if (line.trim()) out.push(line);
        let [head, tail] = cut(rest, w - indent.length);
        // a grapheme wider than the whole line still goes somewhere: alone on its line
        if (head === '') [head, tail] = [graphemes(rest)[0] ?? '', rest.slice((graphemes(rest)[0] ?? '').length)];
        out.push(indent + head);
        rest = tail;
        line = indent;
      }
      if (!line.trim()) line = indent + rest;
      else if (width(line) + 1 + width(rest) <= w) line += ' ' + rest;
      else {
        out.push(line);
        line = indent + rest;
      }
    }
    if (line.trim()) out.push(line);
  }
  return out;
}

/** `s` cut or padded with spaces to exactly `cells` columns. */
export function pad(s: string, cells: number): string {
  const [head] = cut(s, cells);
  return head + ' '.repeat(Math.max(0, cells - width(head)));
}

/** Aligned columns within `width`; the widest column gives way first. */
export function table(columns: string[], rows: string[][], cols: number): string[] {
  const widths = columns.map((c, i) => Math.max(width(c), ...rows.map((r) => width(r[i] ?? ''))));
  const gap = 2;
  while (widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1) > cols) {
    const i = widths.indexOf(Math.max(...widths));
    if ((widths[i] ?? 0) <= 4) break;
    widths[i] = (widths[i] ?? 0) - 1;
  }
  const line = (cells: string[]) =>
    cells.map((c, i) => pad(width(c) > (widths[i] ?? 0) ? cut(c, Math.max(0, (widths[i] ?? 0) - 1))[0] + '~' : c, widths[i] ?? 0)).join(' '.repeat(gap)).trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join(' '.repeat(gap)), ...rows.map(line)];
}
