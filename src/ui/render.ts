// Draws a View with blessed. Holds only what is about the screen (which button has the
// focus, the text being typed, the pager's position); everything else is in the model.
import blessed from 'blessed';
import type { FormField, View } from '../flow/view.js';
import { formatAuditLine } from '../system/audit.js';
import { FileLines } from './filelines.js';
import { footer, type DialogKind } from './keys.js';
import { visiblePart, type LineEdit } from './lineedit.js';
import { pad, table, wrap } from './text.js';

export const MIN_COLS = 70;
export const MIN_ROWS = 20;

export interface Chrome {
  hostname: string;
  consoleName: string;
  demoRoot?: string | undefined;
  breadcrumb: string[];
}

/** Screen-only state of the dialog on show; reset when the dialog changes. */
export interface Local {
  identity: string;
  button: number; // focused button (or field index in a form, then buttons after)
  scroll: number;
  edits: LineEdit[];
  pager?: FileLines | undefined;
  pagerTotal?: number | undefined;
  spin: number;
}

const esc = (s: string) => blessed.escape(s);

/** The demo marker for the title bar: "DEMO" always shows; the path gives way from its start. */
export function demoBanner(root: string | undefined, room: number): string {
  if (!root) return '';
  const full = `DEMO appliance (files in ${root}) `;
  if (full.length <= room) return full;
  const fixed = 'DEMO (files in ...) '.length;
  if (room >= fixed + 8) return `DEMO (files in ...${root.slice(root.length - (room - fixed))}) `;
  return 'DEMO ';
}

export function dialogKind(v: View): DialogKind | undefined {
  switch (v.kind) {
    case 'menu':
    case 'yesno':
    case 'message':
    case 'form':
    case 'review':
    case 'progress':
    case 'countdown':
      return v.kind;
    case 'shown':
      return v.shown.kind === 'file' ? 'pager' : v.shown.kind === 'table' ? 'table' : 'message';
    case 'blank':
      return undefined;
  }
}

export class Renderer {
  private bg: blessed.Widgets.BoxElement;
  private top: blessed.Widgets.BoxElement;
  private crumbs: blessed.Widgets.BoxElement;
  private foot: blessed.Widgets.BoxElement;
  private dialog: blessed.Widgets.BoxElement | undefined;
  readonly mono: boolean;
  private readonly colors16: boolean;

  constructor(private screen: blessed.Widgets.Screen) {
    this.mono = (screen.tput as unknown as { colors: number }).colors < 8;
    this.colors16 = (screen.tput as unknown as { colors: number }).colors >= 16;
    const bar = this.mono ? { inverse: true } : { bg: 'blue', fg: 'white', bold: true };
    this.bg = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: '100%', style: this.mono ? {} : { bg: 'blue' } });
    this.top = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: 1, tags: true, style: bar });
    this.crumbs = blessed.box({ parent: screen, top: 1, left: 0, width: '100%', height: 1, tags: true, style: this.mono ? {} : { bg: 'blue', fg: 'white' } });
    this.foot = blessed.box({ parent: screen, bottom: 0, left: 0, width: '100%', height: 1, tags: true, style: this.mono ? { inverse: true } : { bg: 'cyan', fg: 'black' } });
  }

  private get cols(): number {
    return this.screen.width as number;
  }
  private get rows(): number {
    return this.screen.height as number;
  }

  tooSmall(): boolean {
    return this.cols < MIN_COLS || this.rows < MIN_ROWS;
  }

  draw(v: View, chrome: Chrome, local: Local): void {
    this.dialog?.destroy();
    this.dialog = undefined;
    const cols = this.cols;
    const left = ` ${chrome.hostname} - ${chrome.consoleName}`;
    const right = demoBanner(chrome.demoRoot, Math.max(0, cols - left.length - 2));
    this.top.setContent(esc(pad(left, cols - right.length) + right));
    const crumb = ' ' + chrome.breadcrumb.join(' > ');
    this.crumbs.setContent(esc(crumb.length > cols ? '...' + crumb.slice(crumb.length - cols + 3) : crumb));
    if (this.tooSmall()) {
      this.foot.setContent('');
      this.dialog = blessed.box({
        parent: this.screen,
        top: 2,
        left: 0,
        width: '100%',
        height: Math.max(1, this.rows - 3),
        content: wrap(`Terminal too small: ${cols}x${this.rows}. The console needs at least ${MIN_COLS}x${MIN_ROWS}; make the window larger.`, Math.max(10, cols - 2)).join('\n'),
        style: this.mono ? {} : { bg: 'blue', fg: 'white', bold: true },
      });
      return;
    }
    const kind = dialogKind(v);
    const cancellable = v.kind === 'progress' && v.cancellable;
    this.foot.setContent(esc(' ' + (kind ? footer(kind, { cancellable }) : '')));
    switch (v.kind) {
      case 'menu':
        return this.menu(v, local);
      case 'yesno':
        return this.message(v.title, v.text, [v.yes, v.no], local);
      case 'message':
        return this.message(v.title, v.text, ['OK'], local, v.ok === false);
      case 'form':
        return this.form(v, local);
      case 'review':
        return this.review(v, local);
      case 'progress':
        return this.progress(v, local);
      case 'countdown': {
        const left = Math.max(0, Math.ceil(v.deadline - Date.now() / 1000));
        return this.message(v.title, `${v.text}\n\nTime left to confirm: ${left} s`, [v.yes, v.no], local, left <= 15);
      }
      case 'shown':
        if (v.shown.kind === 'text') return this.message(v.title, v.shown.text, ['OK'], local);
        if (v.shown.kind === 'table') {
          const w = this.width() - 4;
          const lines = [...(v.shown.text ? [...wrap(v.shown.text, w), ''] : []), ...table(v.shown.columns, v.shown.rows, w)];
          return this.message(v.title, lines.join('\n'), ['OK'], local, false, true);
        }
        return this.pager(v.title, v.shown, local);
      case 'blank':
        return;
    }
  }

  private width(): number {
    return Math.min(this.cols - 4, 76);
  }

  /** Rows free for a dialog's body: the screen less title, crumbs, footer, border, buttons. */
  private bodyRoom(extra: number): number {
    return Math.max(3, this.rows - 3 - 2 - 2 - extra);
  }

  private box(title: string, height: number, danger = false): blessed.Widgets.BoxElement {
    const width = this.width();
    const style = this.mono
      ? { border: {}, label: { bold: true } }
      : { bg: 'white', fg: 'black', border: { bg: 'white', fg: danger ? 'red' : 'black' }, label: { bg: 'white', fg: danger ? 'red' : 'blue', bold: true } };
    const b = blessed.box({
      parent: this.screen,
      top: Math.max(2, Math.floor((this.rows - height) / 2)),
      left: Math.floor((this.cols - width) / 2),
      width,
      height,
      border: { type: 'line' },
      label: ` ${esc(title)} `,
      tags: true,
      style,
    });
    this.dialog = b;
    return b;
  }

  private buttons(parent: blessed.Widgets.BoxElement, labels: string[], focused: number, row: number): void {
    const texts = labels.map((l, i) => (i === focused ? `{inverse}< ${esc(l)} >{/inverse}` : `< ${esc(l)} >`));
    const plain = labels.map((l) => `< ${l} >`).join('   ');
    const w = (parent.width as number) - 2;
    blessed.box({
      parent,
      top: row,
      left: Math.max(0, Math.floor((w - plain.length) / 2)),
      width: Math.min(w, plain.length + 1),
      height: 1,
      tags: true,
      content: texts.join('   '),
      style: this.mono ? {} : { bg: 'white', fg: 'black' },
    });
  }

  private body(parent: blessed.Widgets.BoxElement, lines: string[], top: number, height: number): void {
    blessed.box({
      parent,
      top,
      left: 1,
      width: (parent.width as number) - 4,
      height,
      tags: true,
      wrap: false, // already wrapped by text.ts: a second wrap would shift every row
      content: lines.map(esc).join('\n'),
      style: this.mono ? {} : { bg: 'white', fg: 'black' },
    });
  }

  private menu(v: Extract<View, { kind: 'menu' }>, local: Local): void {
    const w = this.width() - 4;
    let text = v.text ? wrap(v.text, w) : [];
    // the items come first: a long state text is cut (F1 shows it whole) rather than push them off screen
    const textRoom = this.bodyRoom(0) - 1 - Math.min(v.items.length, 3);
    if (text.length > textRoom) text = [...text.slice(0, Math.max(0, textRoom - 1)), '... (F1 shows it all)'];
    const listRoom = this.bodyRoom(text.length ? text.length + 1 : 0);
    const listH = Math.min(v.items.length, listRoom);
    const height = 2 + (text.length ? text.length + 1 : 0) + listH + 2;
    const b = this.box(v.title, height);
    if (text.length) this.body(b, text, 0, text.length);
    const first = Math.max(0, Math.min(v.selected - listH + 1, v.items.length - listH));
    const rows = v.items.slice(first, first + listH).map((it, j) => {
      const i = first + j;
      const label = pad(`${it.key}. ${it.label}${it.disabled !== undefined ? '  (unavailable)' : ''}`, w);
      if (i === v.selected) return this.mono ? `{inverse}${esc(label)}{/inverse}` : `{blue-bg}{white-fg}{bold}${esc(label)}{/bold}{/white-fg}{/blue-bg}`;
      return it.disabled !== undefined ? (this.mono ? esc(label) : `{gray-fg}${esc(label)}{/gray-fg}`) : esc(label);
    });
    blessed.box({
      parent: b,
      top: text.length ? text.length + 1 : 0,
      left: 1,
      width: w,
      height: listH,
      tags: true,
      wrap: false,
      content: rows.join('\n'),
      style: this.mono ? {} : { bg: 'white', fg: 'black' },
    });
    this.buttons(b, ['Select', v.root ? 'Exit' : 'Back'], local.button, height - 3);
  }

  private message(title: string, text: string, labels: string[], local: Local, danger = false, keepSpaces = false): void {
    const w = this.width() - 4;
    const all = keepSpaces ? text.split('\n').flatMap((l) => (l.length > w ? wrap(l, w) : [l])) : wrap(text, w);
    const room = this.bodyRoom(0);
    const h = Math.min(all.length, room);
    const scroll = Math.max(0, Math.min(local.scroll, all.length - h));
    const lines = all.slice(scroll, scroll + h);
    if (all.length > h) lines[h - 1] = `${lines[h - 1] ?? ''}`.slice(0, w - 12).padEnd(w - 12) + `[more ${Math.min(100, Math.round(((scroll + h) / all.length) * 100))}%]`;
    const height = h + 4;
    const b = this.box(title, height, danger);
    this.body(b, lines, 0, h);
    this.buttons(b, labels, local.button, height - 3);
  }

  private form(v: Extract<View, { kind: 'form' }>, local: Local): void {
    const w = this.width() - 4;
    const parts: { top: number; field: number; label: number }[] = [];
    const lines: string[] = [];
    const values = Object.fromEntries(v.fields.map((f, i) => [f.name, local.edits[i]?.value ?? f.value]));
    const shown = v.fields.map((_, i) => formFieldShown(v.fields, values, i));
    // A blank line between fields, unless that would push the buttons off an 80x24 screen.
    const needed = v.fields.reduce((n, f, i) => n + (shown[i] ? wrap(f.label, w).length + 2 + (f.error ? wrap(`! ${f.error}`, w).length : 0) : 0), 0);
    const spaced = needed + 3 <= this.rows - 4;
    v.fields.forEach((f, i) => {
      if (!shown[i]) return;
      const label = lines.length;
      lines.push(...wrap(f.label, w));
      parts.push({ top: lines.length, field: i, label });
      lines.push(''); // the input line
      const err = f.error;
      if (err !== undefined) lines.push(...wrap(`! ${err}`, w));
      if (spaced) lines.push('');
    });
    const height = Math.min(lines.length + 3, this.rows - 4);
    const b = this.box(v.title, height);
    // When the form is taller than the screen (long messages, a small window) it scrolls so
    // the focused field, its label and its message are in view; nothing is drawn past the box.
    const bodyH = height - 3;
    let offset = 0;
    if (lines.length > bodyH) {
      const at = parts.find((p) => p.field === local.button);
      if (!at) offset = lines.length - bodyH; // on the buttons: the end of the form
      else {
        let end = at.top + 1; // past the input line and its message
        while (end < lines.length && lines[end]?.startsWith('! ')) end++;
        offset = at.label - 1; // one line for the "more above" marker
        if (end > offset + bodyH - 1) offset = end - bodyH + 1; // one for "more below"
        offset = Math.max(0, Math.min(offset, lines.length - bodyH));
      }
    }
    const textLines = lines.map((l, i) => {
      if (parts.some((p) => p.top === i)) return '';
      if (l.startsWith('! ')) return this.mono ? `{bold}${esc(l)}{/bold}` : `{red-fg}{bold}${esc(l)}{/bold}{/red-fg}`;
      return esc(l);
    });
    const visible = textLines.slice(offset, offset + bodyH);
    if (offset + bodyH < lines.length) visible[bodyH - 1] = esc('v more below (Tab, Down)');
    if (offset > 0) visible[0] = esc('^ more above (Shift-Tab, Up)');
    // wrap: false — the text is wrapped here, where the rows of the input lines are known
    blessed.box({ parent: b, top: 0, left: 1, width: w, height: bodyH, tags: true, wrap: false, content: visible.join('\n'), style: this.mono ? {} : { bg: 'white', fg: 'black' } });
    parts.forEach((p) => {
      const f = v.fields[p.field];
      if (!f) return;
      const row = p.top - offset;
      // out of view, or under a "more" marker
      if (row < (offset > 0 ? 1 : 0) || row >= (offset + bodyH < lines.length ? bodyH - 1 : bodyH)) return;
      const edit = local.edits[p.field] ?? { value: f.value, cursor: f.value.length };
      const focused = local.button === p.field;
      let shown: string;
      if (f.choices) {
        // (*) marks the chosen value; Left/Right or Space change it
        shown = f.choices
          .map((c) => {
            const t = `${c.value === edit.value ? '(*)' : '( )'} ${c.label}`;
            return focused && c.value === edit.value ? `{inverse}${esc(t)}{/inverse}` : esc(t);
          })
          .join('   ');
      } else {
        const vis = visiblePart(edit, w - 1, f.masked);
        const text = pad(vis.text, w);
        shown = focused
          ? esc(text.slice(0, vis.cursorX)) + `{inverse}${esc(text[vis.cursorX] ?? ' ')}{/inverse}` + esc(text.slice(vis.cursorX + 1))
          : esc(text);
      }
      blessed.box({
        parent: b,
        top: row,
        left: 1,
        width: w,
        height: 1,
        tags: true,
        content: shown,
        // 8 colours (the VGA console): grey falls back to black, so an unfocused field is white on black
        style: f.choices ? (this.mono ? {} : { bg: 'white', fg: 'black' }) : this.mono ? { underline: true } : focused ? { bg: 'cyan', fg: 'black' } : this.colors16 ? { bg: 'gray', fg: 'black' } : { bg: 'black', fg: 'white' },
      });
    });
    this.buttons(b, ['OK', 'Cancel'], local.button - v.fields.length, height - 3);
  }

  private review(v: Extract<View, { kind: 'review' }>, local: Local): void {
    const w = this.width() - 4;
    // Warnings first and only what changes in full, so the question and every warning stay
    // on screen at 80x24: a Yes must never be given to something scrolled out of view.
    const lines: string[] = [];
    for (const warn of v.warnings) lines.push(...wrap(`Warning: ${warn}`, w), '');
    const changed = v.rows.filter((r) => r.old !== r.new);
    const same = v.rows.filter((r) => r.old === r.new && r.new !== '');
    lines.push(changed.length ? 'Review the change before it is applied:' : 'Nothing changes:', '');
    for (const r of changed) {
      const one = `${r.label}: ${r.old || '(not set)'} -> ${r.new || '(not set)'}`;
      // one line a change when it fits, so a long form's review still fits the screen
      if (changed.length > 3 && one.length <= w) lines.push(one);
      else {
        lines.push(r.label);
        lines.push(...wrap(`  current: ${r.old || '(not set)'}`, w));
        lines.push(...wrap(`  new:     ${r.new || '(not set)'}`, w));
      }
    }
    if (same.length) lines.push('', ...wrap(`Unchanged: ${same.map((r) => `${r.label} ${r.new}`).join('; ')}`, w));
    lines.push('', v.question);
    this.message(v.title, lines.join('\n'), ['Yes', 'No'], local, false, true);
  }

  private progress(v: Extract<View, { kind: 'progress' }>, local: Local): void {
    const w = this.width() - 4;
    const spinner = '|/-\\'[local.spin % 4] ?? '|';
    const room = Math.min(10, this.bodyRoom(2));
    const lines = v.lines.flatMap((l) => wrap(l, w)).slice(-room);
    const head = `${spinner} ${v.note ?? 'Working, please wait...'}`;
    const height = 2 + 2 + Math.max(1, lines.length) + (v.cancellable ? 2 : 0);
    const b = this.box(v.title, height);
    this.body(b, [head, '', ...lines], 0, 2 + Math.max(1, lines.length));
    if (v.cancellable) this.buttons(b, ['Cancel'], 0, height - 3);
  }

  private pager(title: string, shown: Extract<Extract<View, { kind: 'shown' }>['shown'], { kind: 'file' }>, local: Local): void {
    const w = this.width() - 4;
    const h = this.bodyRoom(0);
    let lines: string[];
    let status = '';
    if (!local.pager) {
      try {
        local.pager = new FileLines(shown.path);
      } catch (e) {
        local.pager = undefined;
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    if (!local.pager) lines = [shown.empty ?? `${shown.path} does not exist`];
    else {
      const fmt = shown.format === 'audit' ? formatAuditLine : (l: string) => l;
      lines = local.pager.lines(local.scroll, h).map((l) => fmt(l).slice(0, w));
      const total = local.pager.total;
      if (local.pager.total === 0) lines = [shown.empty ?? '(empty)'];
      status = `lines ${local.scroll + 1}-${local.scroll + lines.length}${total !== undefined ? ` of ${total}` : ''}`;
    }
    const height = h + 4;
    const b = this.box(title, height);
    this.body(b, lines, 0, h);
    blessed.box({ parent: b, top: height - 3, left: 1, width: w, height: 1, content: status, style: this.mono ? {} : { bg: 'white', fg: 'blue' } });
  }

  pageHeight(): number {
    return this.bodyRoom(0);
  }
}

/** Whether form field i is on screen, given what is entered so far (its `when`). */
export function formFieldShown(fields: FormField[], values: Record<string, string>, i: number): boolean {
  const f = fields[i];
  if (!f?.when) return true;
  const dep = fields.findIndex((x) => x.name === f.when!.field);
  return f.when.is.includes(values[f.when.field] ?? '') && (dep < 0 || formFieldShown(fields, values, dep));
}
