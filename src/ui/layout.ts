// Each dialog laid out as rows of styled spans, from the view, the screen-only state and the
// size: pure, so a screen can be checked without a terminal. draw.ts only puts the rows on
// screen. Sizes: a dialog is at most 76 columns wide, centred; a body row has a blank column
// on each side inside the border.
import type { Shown } from '../core/types.js';
import type { FormField, View } from '../flow/view.js';
import { footer, type DialogKind } from './keys.js';
import { visiblePart, type LineEdit } from './lineedit.js';
import { cut, graphemes, pad, table, width, wrap } from './text.js';
import type { Span } from './theme.js';
import { asciiChart, scaleOf } from './chart.js';

export const MIN_COLS = 70;
export const MIN_ROWS = 20;

export interface Size {
  cols: number;
  rows: number;
}

/** Screen-only state of the dialog on show; reset when the dialog changes. */
export interface Local {
  identity: string;
  /** Focused button, or in a form the focused field (then the buttons after the fields). */
  button: number;
  scroll: number;
  edits: LineEdit[];
  spin: number;
  /** Long lines of a pager or a table: wrapped onto the next rows, or cut and seen from `column` on. */
  wrap?: boolean;
  column?: number;
}

/**
 * What the pager shows (read by the runtime): the lines of its page from file line `first`
 * (0-based) and how many the file has when known, or a message instead (wrapped).
 */
export type Page = { lines: string[]; first: number; total?: number | undefined } | { message: string };

export interface Dialog {
  top: number;
  left: number;
  width: number;
  height: number;
  title: string;
  danger: boolean;
  /** The rows inside the border: height - 2 of them, each width - 2 columns. */
  rows: Span[][];
  /**
   * A chart whose ASCII rows are rows `row`..`row + height - 1` of `rows` (all on screen),
   * columns `col`..`col + width - 1`: where the terminal shows Unicode, draw.ts draws it there.
   */
  chart?: { row: number; col: number; width: number; height: number; points: number[]; unit: string; title: string };
}

export interface Layout {
  title: string;
  crumbs: string;
  footer: string;
  dialog?: Dialog;
  /** Shown instead of any dialog when the terminal is smaller than MIN_COLS x MIN_ROWS. */
  tooSmall?: string;
}

export interface Chrome {
  hostname: string;
  consoleName: string;
  demoRoot?: string | undefined;
  breadcrumb: string[];
}

export const tooSmall = (s: Size): boolean => s.cols < MIN_COLS || s.rows < MIN_ROWS;

/** The demo marker for the title bar: "DEMO" always shows; the path gives way from its start. */
export function demoBanner(root: string | undefined, room: number): string {
  if (!root) return '';
  const full = `DEMO appliance (files in ${root}) `;
  if (width(full) <= room) return full;
  const fixed = 'DEMO (files in ...) '.length;
  if (room >= fixed + 8) return `DEMO (files in ...${lastCells(root, room - fixed)}) `;
  return 'DEMO ';
}

/** The end of `s` that fits `cells` columns (a grapheme is never split). */
function lastCells(s: string, cells: number): string {
  const gs = graphemes(s);
  let used = 0;
  let i = gs.length;
  while (i > 0 && used + width(gs[i - 1] ?? '') <= cells) used += width(gs[--i] ?? '');
  return gs.slice(i).join('');
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

/** Dialog width: the screen less a margin, at most 76. */
export const dialogWidth = (s: Size): number => Math.min(s.cols - 4, 76);
/** Columns of a body row's text. */
export const textWidth = (s: Size): number => dialogWidth(s) - 4;
/** Rows free for a dialog's body: the screen less title, crumbs, footer, border, buttons. */
export const bodyRoom = (s: Size, extra = 0): number => Math.max(3, s.rows - 3 - 2 - 2 - extra);

/** Whether form field i is on screen, given what is entered so far (its `when`). */
export function formFieldShown(fields: FormField[], values: Record<string, string>, i: number): boolean {
  const f = fields[i];
  if (!f?.when) return true;
  const dep = fields.findIndex((x) => x.name === f.when!.field);
  return f.when.is.includes(values[f.when.field] ?? '') && (dep < 0 || formFieldShown(fields, values, dep));
}

const text = (t: string, style?: Span['style']): Span => (style ? { text: t, style } : { text: t });

/** A body row: a blank column, `spans` cut or padded to the text width, a blank column. */
function bodyRow(s: Size, spans: Span[]): Span[] {
  const w = textWidth(s);
  const out: Span[] = [text(' ')];
  let used = 0;
  for (const x of spans) {
    // whatever a text holds, nothing is drawn past the row (nor over the border)
    const t = width(x.text) <= w - used ? x.text : cut(x.text, w - used)[0];
    used += width(t);
    out.push({ ...x, text: t });
  }
  return [...out, text(' '.repeat(Math.max(0, w - used) + 1))];
}

function buttonsRow(s: Size, labels: string[], focused: number): Span[] {
  const inner = dialogWidth(s) - 2;
  const plain = width(labels.map((l) => `< ${l} >`).join('   '));
  const left = Math.max(0, Math.floor((inner - plain) / 2));
  const spans: Span[] = [text(' '.repeat(left))];
  labels.forEach((l, i) => {
    if (i > 0) spans.push(text('   '));
    spans.push(text(`< ${l} >`, i === focused ? 'focused' : undefined));
  });
  spans.push(text(' '.repeat(Math.max(0, inner - left - plain))));
  return spans;
}

function box(s: Size, title: string, rows: Span[][], danger = false): Dialog {
  const width = dialogWidth(s);
  const height = rows.length + 2;
  // the title is on the border: cut to it, whatever its characters
  return { top: Math.max(2, Math.floor((s.rows - height) / 2)), left: Math.floor((s.cols - width) / 2), width, height, title: cut(title, width - 6)[0], danger, rows };
}

const blankRow = (s: Size): Span[] => [text(' '.repeat(dialogWidth(s) - 2))];

/** A text to read with buttons under it, scrolled to `scroll` when it is longer than the room. */
function message(s: Size, title: string, body: string, labels: string[], local: Local, danger = false, keepSpaces = false): Dialog {
  const w = textWidth(s);
  const all = keepSpaces ? body.split('\n').flatMap((l) => (width(l) > w ? wrap(l, w) : [l])) : wrap(body, w);
  const room = bodyRoom(s);
  // a text longer than the room keeps its last row for where the reader is: never over the text
  const h = all.length > room ? room - 1 : all.length;
  const scroll = Math.max(0, Math.min(local.scroll, all.length - h));
  const lines = all.slice(scroll, scroll + h);
  if (all.length > room) {
    const where = scroll + h >= all.length ? '[end: Up scrolls back]' : `[more below: Down, ${Math.round(((scroll + h) / all.length) * 100)}% shown]`;
    lines.push(where.padStart(w));
  }
  return box(s, title, [...lines.map((l) => bodyRow(s, [text(l)])), blankRow(s), buttonsRow(s, labels, local.button)], danger);
}

function menu(s: Size, v: Extract<View, { kind: 'menu' }>, local: Local): Dialog {
  const w = textWidth(s);
  let lines = v.text ? wrap(v.text, w) : [];
  // the items come first: a long state text is cut (F1 shows it whole) rather than push them off screen
  const textRoom = bodyRoom(s) - 1 - Math.min(v.items.length, 3);
  if (lines.length > textRoom) lines = [...lines.slice(0, Math.max(0, textRoom - 1)), '... (F1 shows it all)'];
  const listH = Math.min(v.items.length, bodyRoom(s, lines.length ? lines.length + 1 : 0));
  const first = Math.max(0, Math.min(v.selected - listH + 1, v.items.length - listH));
  const items = v.items.slice(first, first + listH).map((it, j) => {
    const label = pad(`${it.key}. ${it.label}${it.disabled !== undefined ? '  (unavailable)' : ''}`, w);
    return bodyRow(s, [text(label, first + j === v.selected ? 'selected' : it.disabled !== undefined ? 'disabled' : undefined)]);
  });
  const rows = [...lines.map((l) => bodyRow(s, [text(l)])), ...(lines.length ? [blankRow(s)] : []), ...items, blankRow(s), buttonsRow(s, ['Select', v.root ? 'Exit' : 'Back'], local.button)];
  return box(s, v.title, rows);
}

function form(s: Size, v: Extract<View, { kind: 'form' }>, local: Local): Dialog {
  const w = textWidth(s);
  const values = Object.fromEntries(v.fields.map((f, i) => [f.name, local.edits[i]?.value ?? f.value]));
  const shown = v.fields.map((_, i) => formFieldShown(v.fields, values, i));
  // A blank line between fields, unless that would push the buttons off an 80x24 screen.
  const needed = v.fields.reduce((n, f, i) => n + (shown[i] ? wrap(f.label, w).length + 2 + (f.error ? wrap(`! ${f.error}`, w).length : 0) : 0), 0);
  const spaced = needed + 3 <= s.rows - 4;
  type Line = { spans: Span[]; field?: number; label?: number; error?: true };
  const lines: Line[] = [];
  v.fields.forEach((f, i) => {
    if (!shown[i]) return;
    wrap(f.label, w).forEach((l, j) => lines.push({ spans: [text(l)], ...(j === 0 ? { label: i } : {}) }));
    lines.push({ spans: inputSpans(f, local.edits[i] ?? { value: f.value, cursor: f.value.length }, local.button === i, w), field: i });
    if (f.error !== undefined) for (const l of wrap(`! ${f.error}`, w)) lines.push({ spans: [text(l, 'error')], error: true });
    if (spaced) lines.push({ spans: [] });
  });
  const height = Math.min(lines.length + 3, s.rows - 4);
  const bodyH = height - 3;
  // When the form is taller than the screen (long messages, a small window) it scrolls so the
  // focused field, its label and its message are in view; nothing is drawn past the box.
  let offset = 0;
  if (lines.length > bodyH) {
    const at = lines.findIndex((l) => l.field === local.button);
    if (at < 0) offset = lines.length - bodyH; // on the buttons: the end of the form
    else {
      const label = lines.findIndex((l) => l.label === local.button);
      let end = at + 1; // past the input line and its message
      while (end < lines.length && lines[end]?.error) end++;
      offset = label - 1; // one line for the "more above" marker
      if (end > offset + bodyH - 1) offset = end - bodyH + 1; // one for "more below"
      offset = Math.max(0, Math.min(offset, lines.length - bodyH));
    }
  }
  const visible = lines.slice(offset, offset + bodyH).map((l) => bodyRow(s, l.spans));
  if (offset + bodyH < lines.length) visible[bodyH - 1] = bodyRow(s, [text('v more below (Tab, Down)')]);
  if (offset > 0) visible[0] = bodyRow(s, [text('^ more above (Shift-Tab, Up)')]);
  return box(s, v.title, [...visible, buttonsRow(s, ['OK', 'Cancel'], local.button - v.fields.length)]);
}

/**
 * Which choices fit a line of `w` columns (their widths `ws`, 3 columns apart) → [from, to): all
 * of them when they fit, else a window of whole choices that holds the chosen one (`sel`), with
 * room for the "< " and " >" that say more are there (a bond's seven modes at 80 columns).
 */
export function choiceWindow(ws: number[], sel: number, w: number): [number, number] {
  const total = ws.reduce((n, x, i) => n + x + (i ? 3 : 0), 0);
  if (total <= w) return [0, ws.length];
  let from = sel;
  let to = sel + 1;
  let used = (ws[sel] ?? 0) + 4;
  for (;;) {
    if (to < ws.length && used + 3 + ws[to]! <= w) used += 3 + ws[to++]!;
    else if (from > 0 && used + 3 + ws[from - 1]! <= w) used += 3 + ws[--from]!;
    else return [from, to];
  }
}

/** A field's input line: a choice as (*) marks, typed text with its cursor (masked for secrets). */
function inputSpans(f: FormField, edit: LineEdit, focused: boolean, w: number): Span[] {
  if (f.choices) {
    // (*) marks the chosen value; Left/Right or Space change it
    const items = f.choices.map((c) => `${c.value === edit.value ? '(*)' : '( )'} ${c.label}`);
    const sel = Math.max(0, f.choices.findIndex((c) => c.value === edit.value));
    const [from, to] = choiceWindow(items.map(width), sel, w);
    const spans: Span[] = from > 0 ? [text('< ')] : [];
    for (let i = from; i < to; i++) {
      if (i > from) spans.push(text('   '));
      spans.push(text(items[i]!, focused && i === sel ? 'focused' : undefined));
    }
    if (to < items.length) spans.push(text(' >'));
    return spans;
  }
  // one column is kept for the cursor at the end; a wide character scrolls the line by its width
  const vis = visiblePart(edit, w - 1, f.masked);
  if (!focused) return [text(pad(vis.text, w), 'input')];
  const rest = w - width(vis.before) - width(vis.at);
  return [text(vis.before, 'inputFocused'), text(vis.at, 'cursor'), text(pad(vis.after, rest), 'inputFocused')];
}

function review(s: Size, v: Extract<View, { kind: 'review' }>, local: Local): Dialog {
  const w = textWidth(s);
  // Warnings first and only what changes in full, so the question and every warning stay on
  // screen at 80x24: a Yes must never be given to something scrolled out of view.
  const lines: string[] = [];
  for (const warn of v.warnings) lines.push(...wrap(`Warning: ${warn}`, w), '');
  const changed = v.rows.filter((r) => r.old !== r.new);
  const same = v.rows.filter((r) => r.old === r.new && r.new !== '');
  lines.push(changed.length ? 'Review the change before it is applied:' : 'Nothing changes:', '');
  for (const r of changed) {
    const one = `${r.label}: ${r.old || '(not set)'} -> ${r.new || '(not set)'}`;
    // one line a change when it fits, so a long form's review still fits the screen
    if (changed.length > 3 && width(one) <= w) lines.push(one);
    else lines.push(r.label, ...wrap(`  current: ${r.old || '(not set)'}`, w), ...wrap(`  new:     ${r.new || '(not set)'}`, w));
  }
  if (same.length) lines.push('', ...wrap(`Unchanged: ${same.map((r) => `${r.label} ${r.new}`).join('; ')}`, w));
  lines.push('', v.question);
  return message(s, v.title, lines.join('\n'), ['Yes', 'No'], local, false, true);
}

function progress(s: Size, v: Extract<View, { kind: 'progress' }>, local: Local): Dialog {
  const w = textWidth(s);
  const spinner = '|/-\\'[local.spin % 4] ?? '|';
  const room = Math.min(10, bodyRoom(s, 2));
  const lines = v.lines.flatMap((l) => wrap(l, w)).slice(-room);
  const body = [...wrap(`${spinner} ${v.note ?? 'Working, please wait...'}`, w), '', ...(lines.length ? lines : [''])];
  return box(s, v.title, [...body.map((l) => bodyRow(s, [text(l)])), ...(v.cancellable ? [blankRow(s), buttonsRow(s, ['Cancel'], 0)] : [])]);
}

/**
 * A table's lines: fitted to the width (long cells cut with ~) as long as that keeps it whole;
 * otherwise at its full width, seen from `local.column` (Left/Right) or wrapped (w), with a
 * line that says how to see the rest.
 */
export function tableLines(columns: string[], rows: string[][], local: Pick<Local, 'wrap' | 'column'>, w: number): string[] {
  const whole = table(columns, rows, Number.MAX_SAFE_INTEGER);
  if (whole.every((l) => width(l) <= w)) return whole;
  const col = local.column ?? 0;
  if (local.wrap) return [...whole, '', '(long lines wrapped; w cuts them)'];
  if (col === 0) return [...table(columns, rows, w), '', '(cut to fit: Right or w shows the cells whole)'];
  return [...whole.map((l) => cellsFrom(l, col, w)), '', `(columns ${col + 1}-${col + w}: Left/Right, w wraps)`];
}

/** Rows a file line takes in the pager: one when cut, as many as it needs when wrapped. */
export const pagerRowsOf = (line: string, w: number, wrapped: boolean | undefined): number => (wrapped ? pieces(line, w).length : 1);

/** `line` in pieces of at most `w` terminal cells (a grapheme is never split). */
function pieces(line: string, w: number): string[] {
  const out: string[] = [];
  let rest = line;
  do {
    const [head, tail] = cut(rest, Math.max(1, w));
    // a grapheme wider than the whole width still takes a row of its own
    const [h, t] = head === '' ? [rest.slice(0, graphemes(rest)[0]?.length ?? 1), rest.slice(graphemes(rest)[0]?.length ?? 1)] : [head, tail];
    out.push(h);
    rest = t;
  } while (rest !== '');
  return out;
}

/** The `w` cells of `line` from cell `from` on (by display width, as the terminal draws it). */
export const cellsFrom = (line: string, from: number, w: number): string => cut(cut(line, from)[1], w)[0];

/**
 * The pager's rows for `lines` (from the top of its page): each file line cut at the width and
 * seen from `local.column`, or wrapped onto as many rows as it needs. `shown`: the file lines
 * (wholly or partly) on screen; `cut`: whether one of them goes on past the right edge.
 */
export function pagerRows(lines: string[], local: Pick<Local, 'wrap' | 'column'>, w: number, h: number): { rows: string[]; shown: number; cut: boolean } {
  const col = local.wrap ? 0 : (local.column ?? 0);
  const rows: string[] = [];
  let shown = 0;
  let clipped = false;
  for (const l of lines) {
    if (rows.length >= h) break;
    shown++;
    if (local.wrap) rows.push(...pieces(l, w));
    else {
      rows.push(cellsFrom(l, col, w));
      clipped ||= width(l) > col + w;
    }
  }
  return { rows: rows.slice(0, h), shown, cut: clipped };
}

function pager(s: Size, title: string, page: Page, local: Local): Dialog {
  const w = textWidth(s);
  const h = bodyRoom(s);
  // a file's lines are cut at the width (a log line stays one line) unless wrapped; a message is wrapped
  if ('message' in page) {
    const lines = wrap(page.message, w).slice(0, h);
    while (lines.length < h) lines.push('');
    return box(s, title, [...lines.map((l) => bodyRow(s, [text(l)])), blankRow(s), blankRow(s)]);
  }
  const { rows, shown, cut } = pagerRows(page.lines, local, w, h);
  while (rows.length < h) rows.push('');
  const col = local.column ?? 0;
  // where the reader is, down and sideways: a cut line says so, and which key shows the rest
  const where = `lines ${page.first + 1}-${page.first + shown}${page.total !== undefined ? ` of ${page.total}` : ''}`;
  const side = local.wrap ? '  long lines wrapped (w: cut them)' : col > 0 || cut ? `  columns ${col + 1}-${col + w}${cut ? ' (Right: more, w: wrap)' : ''}` : '';
  return box(s, title, [...rows.map((l) => bodyRow(s, [text(l)])), blankRow(s), bodyRow(s, [text((where + side).slice(0, w), 'note')])]);
}

/** Rows of a chart on screen: what is left of the room under the rest, from 4 to 10. */
export const chartRows = (s: Size, used: number): number => Math.max(4, Math.min(10, bodyRoom(s) - used - 3));

/**
 * A table with what goes with it: its text, the table, what `after` says, and a live chart at
 * the end (ASCII rows; the dialog says where they are, for draw.ts to draw it with Unicode).
 */
function tableDialog(s: Size, title: string, t: Extract<Shown, { kind: 'table' }>, local: Local): Dialog {
  const w = textWidth(s);
  const lines = [...(t.text ? [...wrap(t.text, w), ''] : []), ...tableLines(t.columns, t.rows, local, w), ...(t.after ? ['', ...wrap(t.after, w)] : [])];
  if (!t.chart) return message(s, title, lines.join('\n'), ['OK'], local, false, true);
  const c = t.chart;
  lines.push('', ...wrap(`${c.title} (${scaleOf(c.points, c.unit).unit})`, w));
  const at = lines.length;
  const h = chartRows(s, at);
  const rows = asciiChart(c.points, w, h, c.unit);
  lines.push(...rows);
  const d = message(s, title, lines.join('\n'), ['OK'], local, false, true);
  // the scroll as message() clamps it: the chart is drawn over its rows only when all are on screen
  const room = bodyRoom(s);
  const shownH = lines.length > room ? room - 1 : lines.length;
  const scroll = Math.max(0, Math.min(local.scroll, lines.length - shownH));
  const first = at - scroll;
  if (first < 0 || first + h + 2 > shownH) return d;
  return { ...d, chart: { row: first, col: 1, width: w, height: h + 2, points: c.points, unit: c.unit, title: c.title } };
}

/** The title bar's text at `cols` columns: the host and console on the left, the demo marker on the right. */
export function titleBar(chrome: Pick<Chrome, 'hostname' | 'consoleName' | 'demoRoot'>, cols: number): string {
  const left = ` ${chrome.hostname} - ${chrome.consoleName}`;
  const right = demoBanner(chrome.demoRoot, Math.max(0, cols - width(left) - 2));
  return pad(left, cols - width(right)) + right;
}

/**
 * The whole screen: title bar, breadcrumbs, footer and the dialog of `v`. `now` (epoch
 * seconds) is for a countdown; `page` is the pager's current page (read by the runtime).
 */
export function layout(v: View, local: Local, s: Size, chrome: Chrome, now: number, page?: Page): Layout {
  const crumb = ' ' + chrome.breadcrumb.join(' > ');
  const base = {
    title: titleBar(chrome, s.cols),
    crumbs: width(crumb) > s.cols ? '...' + lastCells(crumb, s.cols - 3) : crumb,
  };
  if (tooSmall(s)) return { ...base, footer: '', tooSmall: `Terminal too small: ${s.cols}x${s.rows}. The console needs at least ${MIN_COLS}x${MIN_ROWS}; make the window larger.` };
  const kind = dialogKind(v);
  const foot = ' ' + (kind ? footer(kind, { cancellable: v.kind === 'progress' && v.cancellable }) : '');
  const dialog = ((): Dialog | undefined => {
    switch (v.kind) {
      case 'menu':
        return menu(s, v, local);
      case 'yesno':
        return message(s, v.title, v.text, [v.yes, v.no], local);
      case 'message':
        return message(s, v.title, v.text, ['OK'], local, v.ok === false);
      case 'form':
        return form(s, v, local);
      case 'review':
        return review(s, v, local);
      case 'progress':
        return progress(s, v, local);
      case 'countdown': {
        const left = Math.max(0, Math.ceil(v.deadline - now));
        return message(s, v.title, `${v.text}\n\nTime left to confirm: ${left} s`, [v.yes, v.no], local, left <= 15);
      }
      case 'shown':
        if (v.shown.kind === 'text') return message(s, v.title, v.shown.text, ['OK'], local);
        if (v.shown.kind === 'table') return tableDialog(s, v.title, v.shown, local);
        return pager(s, v.title, page ?? { message: '' }, local);
      case 'blank':
        return undefined;
    }
  })();
  return { ...base, footer: foot, ...(dialog ? { dialog } : {}) };
}
