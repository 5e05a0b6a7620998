// The live chart under a table (Interface stats): pure. Its ASCII form is laid out as text rows
// (any console, line mode, goldens); where the terminal shows Unicode, draw.ts puts
// blessed-contrib's line chart over those rows.

/** Values scaled to a prefix that keeps the axis short: the divisor and the unit to say. */
export function scaleOf(points: number[], unit: string): { div: number; unit: string } {
  const max = Math.max(0, ...points);
  for (const [div, p] of [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const)
    if (max >= div) return { div, unit: `${p}${unit}` };
  return { div: 1, unit };
}

const num = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/**
 * The chart as `h` plot rows and one axis row, `w` columns wide: the newest point at the
 * right, one column a point (the older ones that do not fit are left out), the top of the
 * y axis the largest value shown. Only ASCII: '#' fills under the line, '.' marks zero.
 */
export function asciiChart(points: number[], w: number, h: number, unit: string): string[] {
  const { div, unit: u } = scaleOf(points, unit);
  const top = Math.max(...points.map((p) => p / div), 0);
  const labels = top > 0 ? [num(top), num(top / 2), '0'] : ['0', '', ''];
  const lw = Math.max(...labels.map((l) => l.length));
  const plotW = Math.max(1, w - lw - 1);
  const shown = points.slice(-plotW).map((p) => p / div);
  const pad = plotW - shown.length;
  const rows: string[] = [];
  for (let r = 0; r < h; r++) {
    // a cell is filled when the value reaches at least its row's lower edge
    const edge = top > 0 ? (top * (h - r - 1)) / h : Infinity;
    const label = r === 0 ? labels[0]! : r === Math.floor(h / 2) ? labels[1]! : r === h - 1 ? labels[2]! : '';
    const cells = shown.map((v) => (top > 0 && v > edge ? '#' : r === h - 1 ? '.' : ' ')).join('');
    rows.push(`${label.padStart(lw)}|${' '.repeat(pad)}${cells}`);
  }
  const span = shown.length;
  const left = span > 1 ? `-${span >= 120 ? `${Math.round(span / 60)} min` : `${span} s`}` : '';
  const axis = `${' '.repeat(lw)}+${'-'.repeat(plotW)}`;
  // under the axis: how far back the oldest point is, and "now" under the newest
  const from = Math.min(lw + 1 + pad, Math.max(0, w - 4 - left.length));
  const under = `${' '.repeat(from)}${left}`;
  return [...rows, axis, `${under}${' '.repeat(Math.max(1, w - under.length - 3))}now`.slice(0, w)];
}

/**
 * Whether the chart may be drawn with Unicode (blessed-contrib's braille): the locale is UTF-8
 * (the screen's fullUnicode) and the terminal is no Linux VGA console or VT100-type terminal,
 * whose fonts have no braille cells.
 */
export function unicodeChart(term: string | undefined, fullUnicode: boolean): boolean {
  return fullUnicode && !/^(linux|vt\d|ansi|dumb)/.test(term ?? '');
}
