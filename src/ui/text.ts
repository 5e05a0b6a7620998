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

/**
 * Where the rows a laid-out line wraps onto start: under its text column. That is after a first
 * field and the run of two or more spaces that ends it ("FAIL  DNS server ...", "  OK  Check"),
 * or after a list marker ("-> ", "- ", "* "), else at the line's own indentation. In cells; the
 * caller falls back to the indentation when this leaves too little room.
 */
export function hangingIndent(line: string): number {
  const m = /^( *)(?:(?:->|[-*]) +|[^ ]+ {2,})(?=[^ ])/.exec(line);
  return m ? width(m[0]) : (/^ */.exec(line)?.[0].length ?? 0);
}

/**
 * Word-wraps text to `cols` columns; long words are cut (between graphemes). Keeps blank lines.
 * A line that fits is kept as written; one that wraps keeps the spaces between its words on each
 * row (a run of spaces that aligns a column stays), and its continuation rows start under its
 * text column (hangingIndent), so a wrapped PASS/FAIL row or advice reads as one.
 */
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
    // Indentation (first row) and hanging indent (the others), unless it leaves too little room.
    const lead = /^ */.exec(para)?.[0] ?? '';
    const first = lead.length <= w / 2 ? lead : '';
    const hangAt = hangingIndent(para);
    const hang = hangAt <= w / 2 ? ' '.repeat(hangAt) : first;
    let line = first;
    let bare = true; // the row holds its indentation only
    for (const [, spaces = '', word = ''] of para.slice(lead.length).matchAll(/( *)([^ ]+)/g)) {
      let sep: string = bare ? '' : spaces;
      let rest = word;
      for (;;) {
        if (width(line) + sep.length + width(rest) <= w) {
          line += sep + rest;
          bare = false;
          break;
        }
        // a word that fits on a row of its own goes to the next row whole
        if (!bare && hang.length + width(rest) <= w) {
          out.push(line);
          [line, bare, sep] = [hang, true, ''];
          continue;
        }
        // a word longer than a row starts where the row is (after its spaces), not on a row of its own
        let [head, tail] = cut(rest, w - width(line) - sep.length);
        // a grapheme wider than the whole row still goes somewhere: alone on its row
        if (head === '' && bare) [head, tail] = [graphemes(rest)[0] ?? '', rest.slice((graphemes(rest)[0] ?? '').length)];
        out.push(head === '' ? line : line + sep + head);
        [line, bare, sep, rest] = [hang, true, '', tail];
        if (rest === '') break;
      }
    }
    if (!bare) out.push(line);
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
