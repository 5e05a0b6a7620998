// Puts a Layout on the screen with blessed: the title bar, breadcrumbs and footer as fixed
// widgets, the dialog as one bordered box of tagged rows. Nothing is decided here (layout.ts
// decides) and nothing is read from the system.
import blessed from 'blessed';
import type { Layout } from './layout.js';
import { chromeStyles, depthOf, tagged, type Depth } from './theme.js';

export class Draw {
  private top: blessed.Widgets.BoxElement;
  private crumbs: blessed.Widgets.BoxElement;
  private foot: blessed.Widgets.BoxElement;
  private dialog: blessed.Widgets.BoxElement | undefined;
  readonly depth: Depth;
  private styles: ReturnType<typeof chromeStyles>;

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
    this.dialog = blessed.box({
      parent: this.screen,
      top: d.top,
      left: d.left,
      width: d.width,
      height: d.height,
      border: { type: 'line' },
      label: ` ${blessed.escape(d.title)} `,
      tags: true,
      wrap: false, // laid out already: a second wrap would shift every row
      content: d.rows.map((r) => tagged(r, this.depth)).join('\n'),
      style: this.styles.dialog(d.danger),
    });
  }
}
