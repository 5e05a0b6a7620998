// The live chart under a table (Interface stats): pure. Its ASCII form is laid out as text rows
// (any console, line mode, goldens); where the terminal shows Unicode, draw.ts draws the same
// chart in braille over those rows (blessed-contrib's canvas), from brailleChart's geometry.
// Both use one y axis (chartScale): from 0 to a round value just above the largest point, so
// the line uses the chart's whole height, with round ticks.

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

/** A chart's y axis: values divided by `div`, from 0 to `top`, labelled at `ticks` (0 first). */
export interface Scale {
  div: number;
  unit: string;
  top: number;
  ticks: number[];
  /** A tick's label: as few decimals as its step needs ("2.5", "5", "10"). */
  label(v: number): string;
}

/** Round steps of an axis: 1, 2, 2.5 and 5 times a power of ten. */
const STEPS = [1, 2, 2.5, 5];
/** `v` without floating-point dust (0.30000000000000004 is 0.3). */
const clean = (v: number): number => Number(v.toPrecision(12));

/**
 * The y axis of a chart with `rows` plot rows: the top is the smallest multiple of a round step
 * (1, 2, 2.5 or 5 times a power of ten) at or above the largest point, with at most rows - 1
 * steps so that each tick has a row of its own, and at least two (a tick in between); of two
 * steps giving the same top, the one with about a label every other row. The largest point is thus at least 2/3 of the height, in practice most of it
 * (the issue: the line used about 4 of the chart's 7 rows). No point above zero: top 0, tick 0.
 */
export function chartScale(points: number[], unit: string, rows: number): Scale {
  const { div, unit: u } = scaleOf(points, unit);
  const max = Math.max(0, ...points.filter(Number.isFinite)) / div;
  if (!(max > 0)) return { div, unit: u, top: 0, ticks: [0], label: () => '0' };
  const most = Math.max(1, rows - 1);
  // of steps giving the same top: the one with a label every other row or so, then the larger
  const target = Math.max(2, Math.floor(rows / 2));
  let best = { step: 0, top: Infinity, off: Infinity, decimals: 0 };
  const e0 = Math.floor(Math.log10(max / most)) - 1;
  for (let e = e0; e <= e0 + 3; e++) {
    for (const s of STEPS) {
      const step = clean(s * 10 ** e);
      const n = Math.max(1, Math.ceil(clean(max / step)));
      const top = clean(n * step);
      const off = Math.abs(n - target);
      if (n > most || n < Math.min(2, most) || top > best.top || (top === best.top && off > best.off)) continue;
      best = { step, top, off, decimals: Math.max(0, -e) + (s === 2.5 ? 1 : 0) };
    }
  }
  const ticks: number[] = [];
  for (let i = 0; clean(i * best.step) <= best.top; i++) ticks.push(clean(i * best.step));
  const label = (v: number) => {
    const t = v.toFixed(best.decimals);
    return t.includes('.') ? t.replace(/\.?0+$/, '') : t;
  };
  return { div, unit: u, top: best.top, ticks, label };
}

/** The label column: each tick's label on the row `rowOf` gives it (the first keeps a row). */
function tickLabels(sc: Scale, rowOf: (v: number) => number): { lw: number; at: Map<number, string> } {
  const at = new Map<number, string>();
  for (const t of [...sc.ticks].reverse()) if (!at.has(rowOf(t))) at.set(rowOf(t), sc.label(t));
  return { lw: Math.max(1, ...[...at.values()].map((l) => l.length)), at };
}

/** The row under the axis: how far back the oldest point shown is, and "now" at the right. */
function timeRow(span: number, from: number, w: number): string {
  const left = span > 1 ? `-${span >= 120 ? `${Math.round(span / 60)} min` : `${span} s`}` : '';
  const under = `${' '.repeat(Math.min(from, Math.max(0, w - 4 - left.length)))}${left}`;
  return `${under}${' '.repeat(Math.max(1, w - under.length - 3))}now`.slice(0, w);
}

/**
 * The chart as `h` plot rows and two under them (the axis, the time), `w` columns wide: the
 * newest point at the right, one column a point (the older ones that do not fit are left out),
 * the y axis chartScale's. Only ASCII: '#' fills under the line, '.' marks zero.
 */
export function asciiChart(points: number[], w: number, h: number, unit: string): string[] {
  const sc = chartScale(points, unit, h);
  // a tick's row: the top on the first, zero on the last, the others in proportion
  const { lw, at } = tickLabels(sc, (t) => (sc.top > 0 ? Math.round((1 - t / sc.top) * (h - 1)) : h - 1));
  const plotW = Math.max(1, w - lw - 1);
  const shown = points.slice(-plotW).map((p) => p / sc.div);
  const pad = plotW - shown.length;
  const rows: string[] = [];
  for (let r = 0; r < h; r++) {
    // a cell is filled when the value reaches above its row's lower edge
    const edge = sc.top > 0 ? (sc.top * (h - r - 1)) / h : Infinity;
    const cells = shown.map((v) => (v > edge ? '#' : r === h - 1 ? '.' : ' ')).join('');
    rows.push(`${(at.get(r) ?? '').padStart(lw)}|${' '.repeat(pad)}${cells}`);
  }
  return [...rows, `${' '.repeat(lw)}+${'-'.repeat(plotW)}`, timeRow(shown.length, lw + 1 + pad, w)];
}

/** What draw.ts draws in braille: dots (2 a cell across, 4 down) and text at cells. */
export interface Braille {
  /** The canvas in dots: `w` * 2 by (`h` + 2) * 4. */
  dotsW: number;
  dotsH: number;
  /** The axes: one polyline of dots (up the y axis, the corner, along the time axis). */
  axes: [number, number][];
  /** The line through the points shown, oldest first, in dots. */
  line: [number, number][];
  /** The tick labels and the time row, at cells. */
  text: { col: number; row: number; text: string }[];
}

/**
 * The braille chart in the same `w` x (`h` + 2) cells as asciiChart: the tick labels at the
 * left, the y axis, then one dot column a point (twice the ASCII chart's history), the newest
 * at the right; the `h` plot rows hold the whole range, 0 on their bottom dot row and the top
 * of chartScale on their first, so the line uses the chart's height; the axis on the row
 * under them, the time on the last row. Pure: draw.ts only strokes and writes it.
 */
export function brailleChart(points: number[], w: number, h: number, unit: string): Braille {
  const sc = chartScale(points, unit, h);
  const px = h * 4; // the plot's dot rows
  const y = (v: number) => (sc.top > 0 ? px - 1 - Math.round((Math.min(Math.max(v, 0), sc.top) / sc.top) * (px - 1)) : px - 1);
  const { lw, at } = tickLabels(sc, (t) => Math.floor(y(t) / 4));
  const x0 = lw * 2; // the y axis: the left dots of the cell after the labels
  const plotW = Math.max(1, w * 2 - x0 - 2);
  const shown = points.slice(-plotW).map((p) => p / sc.div);
  const line = shown.map((v, i): [number, number] => [w * 2 - shown.length + i, y(v)]);
  const text = [...at].map(([row, label]) => ({ col: 0, row, text: label.padStart(lw) }));
  const time = timeRow(shown.length, Math.floor((w * 2 - shown.length) / 2), w);
  text.push({ col: 0, row: h + 1, text: time });
  return { dotsW: w * 2, dotsH: (h + 2) * 4, axes: [[x0, 0], [x0, px], [w * 2 - 1, px]], line, text };
}

/**
 * Whether the chart may be drawn with Unicode (braille): the locale is UTF-8 (the screen's
 * fullUnicode) and the terminal is no Linux VGA console or VT100-type terminal, whose fonts
 * have no braille cells.
 */
export function unicodeChart(term: string | undefined, fullUnicode: boolean): boolean {
  return fullUnicode && !/^(linux|vt\d|ansi|dumb)/.test(term ?? '');
}
