// Puts a Layout on the screen with blessed: the title bar, breadcrumbs and footer as fixed
// widgets, the dialog as one bordered box whose rows are written cell by cell. Nothing is
// decided here (layout.ts decides) and nothing is read from the system.
//
// Why cells, not blessed's content: blessed measures characters with its own old table (an
// emoji is one cell to it, a ZWJ sequence several), and terminals disagree among themselves on
// emoji sequences. The layout measures with text.ts; here each grapheme is put in its cell(s),
// and after any grapheme that is not plain the cursor is placed explicitly at the next cell, so
// the rest of the row and the border land where the layout put them on any terminal.
import blessed from 'blessed';
import { createRequire } from 'node:module';
import type { Layout } from './layout.js';
import { brailleChart, unicodeChart } from './chart.js';
import { graphemes, plainGrapheme, width } from './text.js';
import { chromeStyles, depthOf, tagged, type Depth, type Span, type Style } from './theme.js';

type Cell = [number, string];
interface ScreenCells {
  lines: (Cell[] & { dirty?: boolean })[];
  olines: Cell[][];
  fullUnicode: boolean;
  attrCode(code: string, cur: number, def: number): number;
  tput: { cup(y: number, x: number): string };
}

/** blessed-contrib's canvas widget: a box whose content is a braille drawing context's frame. */
interface ContribCanvas extends blessed.Widgets.BoxElement {
  canvasSize: { width: number; height: number };
  calcSize(): void;
  ctx: { strokeStyle: string; fillStyle: string; beginPath(): void; moveTo(x: number, y: number): void; lineTo(x: number, y: number): void; stroke(): void; fillText(t: string, x: number, y: number): void };
}
let contribCanvas: ((o: object) => ContribCanvas) | undefined;

export class Draw {
  private top: blessed.Widgets.BoxElement;
  private crumbs: blessed.Widgets.BoxElement;
  private foot: blessed.Widgets.BoxElement;
  private dialog: blessed.Widgets.BoxElement | undefined;
  private chart: blessed.Widgets.BoxElement | undefined;
  readonly depth: Depth;
  private styles: ReturnType<typeof chromeStyles>;
  private attrs = new Map<string, number>();

  constructor(private screen: blessed.Widgets.Screen) {
    this.depth = depthOf((screen.tput as unknown as { colors: number }).colors);
    this.styles = chromeStyles(this.depth);
    blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: '100%', style: this.styles.background });
    this.top = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: 1, style: this.styles.titleBar });
    this.crumbs = blessed.box({ parent: screen, top: 1, left: 0, width: '100%', height: 1, style: this.styles.crumbs });
    this.foot = blessed.box({ parent: screen, bottom: 0, left: 0, width: '100%', height: 1, style: this.styles.footer });
  }

  /** The screen's size now. */
  size(): { cols: number; rows: number } {
    return { cols: this.screen.width as number, rows: this.screen.height as number };
  }

  draw(l: Layout): void {
    this.dialog?.destroy();
    this.dialog = undefined;
    this.chart?.destroy();
    this.chart = undefined;
    // these boxes parse no tags: their texts are shown as they are
    this.top.setContent(l.title);
    this.crumbs.setContent(l.crumbs);
    this.foot.setContent(l.footer);
    const { rows } = this.size();
    if (l.tooSmall !== undefined) {
      this.dialog = blessed.box({ parent: this.screen, top: 2, left: 0, width: '100%', height: Math.max(1, rows - 3), tags: false, content: l.tooSmall, style: this.styles.tooSmall });
      return;
    }
    const d = l.dialog;
    if (!d) return;
    const box = blessed.box({
      parent: this.screen,
      top: d.top,
      left: d.left,
      width: d.width,
      height: d.height,
      border: { type: 'line' },
      label: ` ${blessed.escape(d.title)} `,
      tags: true,
      content: '',
      style: this.styles.dialog(d.danger),
    });
    // the rows go in once blessed has drawn the box (border, label, background) into its cells
    box.on('render', (c: { xi: number; yi: number }) => this.cells(box, d.rows, c.xi + 1, c.yi + 1));
    this.dialog = box;
    if (d.chart && unicodeChart(this.screen.terminal, (this.screen as unknown as ScreenCells).fullUnicode)) this.chart = this.lineChart(d, d.chart);
  }

  /**
   * The chart in braille over its ASCII rows (blessed-contrib's canvas: four dots down and two
   * across a cell, so a finer line), as brailleChart lays it out: the same cells, the same axis
   * and ticks as the ASCII chart, the plotted range over all its plot rows. (blessed-contrib's
   * line chart keeps two rows of its canvas and eleven dot rows under its axis to itself and adds
   * a fifth above the largest value: its line used about 4 of 7 rows.) Loaded on the first chart
   * only: the first frame never pays for it. When it cannot be loaded or drawn, the ASCII rows stay.
   */
  private lineChart(d: NonNullable<Layout['dialog']>, c: NonNullable<NonNullable<Layout['dialog']>['chart']>): blessed.Widgets.BoxElement | undefined {
    if (c.height < 5 || c.points.length < 2) return undefined;
    try {
      contribCanvas ??= createRequire(import.meta.url)('blessed-contrib/lib/widget/canvas.js') as (o: object) => ContribCanvas;
      const mono = this.depth === 'mono';
      const b = brailleChart(c.points, c.width, c.height - 2, c.unit);
      const el = contribCanvas({
        top: d.top + 1 + c.row,
        left: d.left + 1 + c.col,
        width: c.width,
        height: c.height,
        wrap: false, // a full row is not wrapped onto the next (blessed wraps one that ends in SGR codes)
        style: mono ? {} : { bg: 'white', fg: 'black' },
      });
      // every cell of the box is the canvas (the widget's own size leaves six columns out)
      el.calcSize = function (this: ContribCanvas) {
        this.canvasSize = { width: b.dotsW, height: b.dotsH };
      };
      // appended after it is made: the canvas is made when attached
      this.screen.append(el);
      const ctx = el.ctx;
      const stroke = (color: string, dots: [number, number][]) => {
        ctx.strokeStyle = color;
        ctx.beginPath();
        dots.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
        ctx.stroke();
      };
      stroke(mono ? 'white' : 'black', b.axes);
      stroke(mono ? 'white' : 'blue', b.line.length === 1 ? [b.line[0]!, b.line[0]!] : b.line);
      ctx.fillStyle = mono ? 'white' : 'black';
      for (const t of b.text) ctx.fillText(t.text, t.col * 2, t.row * 4);
      return el;
    } catch {
      return undefined; // the ASCII chart is on screen already
    }
  }

  /** The attribute blessed gives text of `style` inside `box` (from the theme's tags). */
  private attrOf(box: blessed.Widgets.BoxElement, style: Style | undefined): number {
    const el = box as unknown as { sattr(s: unknown): number; style: unknown; _parseTags(t: string): string };
    const base = el.sattr(el.style);
    const key = `${base}:${style ?? 'plain'}`;
    const known = this.attrs.get(key);
    if (known !== undefined) return known;
    const parsed = el._parseTags(tagged([{ text: '\u0001', ...(style ? { style } : {}) }], this.depth));
    let attr = base;
    const sc = this.screen as unknown as ScreenCells;
    for (const sgr of parsed.slice(0, parsed.indexOf('\u0001')).match(/\x1b\[[\d;]*m/g) ?? []) attr = sc.attrCode(sgr, attr, base);
    this.attrs.set(key, attr);
    return attr;
  }

  /** Writes the rows into the screen's cells from (x0, y0), one grapheme per cell (two for a wide one). */
  private cells(box: blessed.Widgets.BoxElement, rows: Span[][], x0: number, y0: number): void {
    const sc = this.screen as unknown as ScreenCells;
    rows.forEach((row, r) => {
      const y = y0 + r;
      const line = sc.lines[y];
      const old = sc.olines[y];
      if (!line || !old) return;
      let x = x0;
      let unsure = false;
      for (const span of row) {
        const attr = this.attrOf(box, span.style);
        for (const g of graphemes(span.text)) {
          const w = width(g);
          if (w === 0) continue; // a mark or joiner alone: nothing to draw
          if (x + w > line.length) return;
          let ch = g;
          if (!plainGrapheme(g)) {
            // not UTF-8: question marks, as many as the cells it would take
            if (!sc.fullUnicode) ch = '?';
            else {
              ch = g + sc.tput.cup(y, x + w);
              unsure = true;
            }
          }
          line[x] = [attr, ch];
          for (let k = 1; k < w; k++) line[x + k] = [attr, sc.fullUnicode ? '' : '?'];
          x += w;
        }
      }
      if (unsure) {
        // a terminal may draw such a grapheme wider than its cells: every frame redraws the
        // rest of the row, so what it covered is written again
        for (let k = x0; k < line.length; k++) if (old[k]) old[k] = [old[k]![0], '\u0000'];
      }
      line.dirty = true;
    });
  }
}
