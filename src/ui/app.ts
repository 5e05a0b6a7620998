// The console at run time: keys in (decoded, then given meaning by the dialog on show), the pure
// flow updated, its effects carried out (runtime/effects.ts), the screen laid out and drawn, and
// the timers (spinner, countdown, live refresh). A bug anywhere here is logged and said as an
// internal error; the console goes on.
import type blessed from 'blessed';
import type { Ctx } from '../core/types.js';
import { messageOf } from '../core/problem.js';
import type { Event } from '../flow/events.js';
import { init, showsNotice, top, type Model } from '../flow/model.js';
import { initEffects, loading, readAsExpected, refreshAfter, update } from '../flow/update.js';
import { breadcrumb, view, type View } from '../flow/view.js';
import type { Tree } from '../menu/types.js';
import { EffectRunner } from '../runtime/effects.js';
import { formatAuditLine } from '../system/audit.js';
import { fileProblem } from '../system/files.js';
import { handleKey, type KeyContext } from './dialogs.js';
import { Draw } from './draw.js';
import { FileLines } from './filelines.js';
import { table, width } from './text.js';
import { EscDecoder } from './input.js';
import { terminalLent } from './terminal.js';
import type { ShellProgram } from '../features/shell/index.js';
import type { KeyLike } from './keys.js';
import { bodyRoom, layout, pagerRows, pagerRowsOf, textWidth, tooSmall, type Local, type Page } from './layout.js';

/**
 * A key counts as the operator acting on a notice only this long after the frame showing it was
 * written out: a key typed before it appeared (type-ahead, read in the same turn) never does.
 */
/** The keys of a console that draws, said on its welcome screen (manual ch. 4: arrows, digits, Enter, Esc). */
export const WELCOME_KEYS = 'Arrow keys move, a digit jumps to that item, Enter selects, Esc or Cancel returns to the parent menu. F1 or ? shows help.';

export const NOTICE_REACT_MS = 120;

/** The frame an identity of the screen-only state belongs to (identities are `frameId:kind:step`). */
const frameOf = (identity: string): number => Number(identity.split(':')[0]);

export interface AppOptions {
  screen: blessed.Widgets.Screen;
  tree: Tree;
  conditions: Record<string, string>;
  ctx: Ctx;
  hostname: string;
  demoRoot?: string | undefined;
  onExit: (code: number) => void;
  /** Logs an internal error with its stack; returns where. */
  logInternal: (err: unknown, where: string) => string;
  /** The program Shell runs, and the lines printed before it (default: login). */
  shell?: ShellProgram;
}

/** The pager's file, opened by the runtime (the renderer reads nothing). */
interface Pager {
  path: string;
  lines?: FileLines;
  /** Why it cannot be read (a directory, no permission), said in the pager. */
  error?: string;
}

export class ConsoleApp {
  model: Model;
  readonly runner: EffectRunner;
  private draw: Draw;
  private local: Local = { identity: '', button: 0, scroll: 0, edits: [], spin: 0 };
  private current: View = { kind: 'blank' };
  private pager: Pager | undefined;
  /** The screen-only state of screens under the one on top, by identity (restored when uncovered). */
  private covered = new Map<string, Local>();
  private decoder: EscDecoder;
  /** Keys typed while the dialog on top was being read, for when it is drawn. */
  private typedAhead: [string | undefined, KeyLike][] = [];
  private replaying = false;
  private spinTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshFor = -1;
  private stopped = false;
  private failing = false;
  /** Frames drawn so far (the harness waits for a new one). */
  frames = 0;
  /** When the last key reached the program (ms, monotonic). */
  private keyAt = 0;
  /** The notice to acknowledge, and when the first frame showing it was written out. */
  private noticeDrawn: { notice: object; at: number } | undefined;

  constructor(private o: AppOptions) {
    this.model = init(o.tree, o.conditions, WELCOME_KEYS);
    this.draw = new Draw(o.screen);
    this.decoder = new EscDecoder((ch, key) => this.guard('handling a key', () => this.onKey(ch, key)));
    this.runner = new EffectRunner({
      ctx: o.ctx,
      model: () => this.model,
      // an answer arrives outside any key handler: a bug while drawing it is caught here too
      dispatch: (ev) => this.guard(`handling the answer ${ev.type}`, () => this.dispatch(ev)),
      logInternal: o.logInternal,
      shell: () => this.shell(),
      exit: (code) => o.onExit(code),
    });
    o.screen.on('keypress', (ch: string | undefined, key: KeyLike) => {
      this.keyAt = performance.now();
      this.decoder.feed(ch, key);
    });
    o.screen.on('resize', () => this.guard('drawing after a resize', () => this.render()));
  }

  /** The program Shell runs, read after the first frame (openConsole): it replaces the option's. */
  set shellProgram(p: Promise<ShellProgram>) {
    p.then(
      (sh) => (this.o = { ...this.o, shell: sh }),
      (err: unknown) => this.o.logInternal(err, 'reading the login shell'),
    );
  }

  get screen(): blessed.Widgets.Screen {
    return this.o.screen;
  }

  /** Nothing to wait for: no call unanswered, no key half-decoded (for tests and the benchmark). */
  get idle(): boolean {
    return this.runner.pending === 0 && !this.decoder.waiting;
  }

  /**
   * What a person looking at the screen waits for has happened: every key decoded, and every
   * call answered, or the progress of slow work on screen (tests wait for this, not for time).
   */
  get settled(): boolean {
    if (this.decoder.waiting) return false;
    // a question over a screen still reading, or a menu saying it reads: a person waits there too
    return this.runner.pending === 0 || this.current.kind === 'progress' || this.current.kind === 'countdown' || this.model.leaving || this.loading;
  }

  start(): void {
    this.guard('starting', () => {
      // the first frame is on the terminal before the first read starts: the reads' work (a
      // script spawned, its module loaded) would otherwise run before blessed's deferred flush
      this.render();
      this.o.screen.program.flush();
      for (const e of initEffects(this.model)) this.runner.run(e);
    });
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.spinTimer);
    clearTimeout(this.refreshTimer);
    this.decoder.stop();
    this.runner.stop();
    this.pager?.lines?.close();
  }

  /**
   * Runs `fn`; a bug in it is logged with its stack and said as an internal error over what is
   * on screen, and the console goes on. A second bug while saying the first is only logged.
   */
  private guard(where: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      const log = this.o.logInternal(err, where);
      if (this.failing || this.stopped) return;
      this.failing = true;
      try {
        this.dispatch({ type: 'internal', message: messageOf(err), log });
      } finally {
        this.failing = false;
      }
    }
  }

  dispatch(ev: Event): void {
    // an answer may come after the console has stopped (its screen is gone): dropped
    if (this.stopped) return;
    const r = update(this.model, ev);
    this.model = r.model;
    for (const e of r.effects) this.runner.run(e);
    this.render();
    // a read answered: what was typed meanwhile goes to the dialog now on screen
    if (this.typedAhead.length > 0) this.typeAhead();
  }

  render(): void {
    if (this.stopped) return;
    const v = view(this.model);
    const f = top(this.model);
    // the question "Leave?" covers the screen on top without replacing it
    const id = this.model.leaving ? `${f.id}:leave` : `${f.id}:${v.kind}:${f.kind === 'flow' ? f.step.s : ''}`;
    if (id !== this.local.identity) {
      this.pager?.lines?.close();
      this.pager = undefined;
      // a screen covered by another (help over a form, the question) gets its focus and scroll back
      const inStack = (identity: string) => this.model.stack.some((x) => x.id === frameOf(identity));
      if (inStack(this.local.identity) && (frameOf(this.local.identity) !== f.id || this.model.leaving)) this.covered.set(this.local.identity, this.local);
      for (const key of [...this.covered.keys()]) if (!inStack(key)) this.covered.delete(key);
      const back = this.covered.get(id);
      this.covered.delete(id);
      this.local = back ?? {
        identity: id,
        // a form back with errors has the focus on the first field in error; a question that
        // warns (or defaults to No) starts on No: Enter alone must not accept what was warned about
        button: (v.kind === 'yesno' && v.defaultNo) || (v.kind === 'review' && v.warnings.length > 0) ? 1 : v.kind === 'form' ? Math.max(0, v.fields.findIndex((x) => x.error !== undefined)) : 0,
        scroll: 0,
        edits: v.kind === 'form' ? v.fields.map((x) => ({ value: x.value, cursor: x.value.length })) : [],
        spin: 0,
      };
    } else if (v.kind === 'form' && this.current.kind === 'form') {
      // After a failed OK: keep what was typed, put the focus on the first field in error.
      const before = this.current;
      const firstBad = v.fields.findIndex((x) => x.error !== undefined);
      // (an error only dropped, a field corrected and left, moves nothing: the operator goes on)
      if (firstBad >= 0 && v.fields.some((x, i) => x.error !== undefined && x.error !== before.fields[i]?.error)) this.local = { ...this.local, button: firstBad };
    }
    this.current = v;
    if (v.kind === 'shown' && v.shown.kind === 'file' && this.pager?.path !== v.shown.path) this.pager = this.openPager(v.shown.path);
    this.timers(v);
    this.paint();
  }

  private openPager(path: string): Pager {
    try {
      return { path, lines: new FileLines(path) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { path };
      return { path, error: fileProblem(path, e).message };
    }
  }

  /** The pager's page at the current scroll, read here (the layout reads nothing). */
  private page(v: View): Page | undefined {
    if (v.kind !== 'shown' || v.shown.kind !== 'file' || !this.pager) return undefined;
    const h = bodyRoom(this.draw.size());
    if (this.pager.error) return { message: this.pager.error };
    const p = this.pager.lines;
    if (!p) return { message: v.shown.empty ?? `${v.shown.path} does not exist` };
    try {
      const lines = this.pagerLines(v.shown, p, this.local.scroll, h);
      if (p.total === 0) return { message: v.shown.empty ?? '(empty)' };
      return { lines, first: this.local.scroll, total: p.total };
    } catch (e) {
      const error = fileProblem(this.pager.path, e).message;
      this.pager = { path: this.pager.path, error };
      return { message: error };
    }
  }

  /** Lines `from`..`from + n` of the pager's file, as shown (an audit entry formatted). */
  private pagerLines(shown: Extract<View, { kind: 'shown' }>['shown'], p: FileLines, from: number, n: number): string[] {
    const fmt = shown.kind === 'file' && shown.format === 'audit' ? formatAuditLine : (l: string) => l;
    return p.lines(from, n).map(fmt);
  }

  /** The spinner turns, the countdown counts (and says when its time is up), a live view is read again. */
  private timers(v: View): void {
    const ticking = v.kind === 'progress' || v.kind === 'countdown';
    if (ticking && !this.spinTimer) {
      this.spinTimer = setInterval(
        () =>
          this.guard('counting down', () => {
            this.local = { ...this.local, spin: this.local.spin + 1 };
            const c = this.current;
            if (c.kind === 'countdown' && Date.now() / 1000 >= c.deadline) return this.dispatch({ type: 'expired' });
            this.paint();
          }),
        v.kind === 'countdown' ? 1000 : 250,
      );
      this.spinTimer.unref?.();
    } else if (!ticking && this.spinTimer) {
      clearInterval(this.spinTimer);
      this.spinTimer = undefined;
    }
    // what is on top asks to be read again after `after` seconds (data: a live view, a countdown)
    const after = refreshAfter(this.model);
    const f = top(this.model);
    if (after === undefined || this.refreshFor !== f.id) {
      clearTimeout(this.refreshTimer);
      this.refreshTimer = undefined;
    }
    if (after !== undefined && !this.refreshTimer) {
      this.refreshFor = f.id;
      this.refreshTimer = setTimeout(() => {
        this.refreshTimer = undefined;
        if (top(this.model).id === this.refreshFor) this.guard('reading the screen again', () => this.dispatch({ type: 'refresh' }));
      }, after * 1000);
      this.refreshTimer.unref?.();
    }
  }

  private paint(): void {
    const v = this.current;
    const l = layout(
      v,
      this.local,
      this.draw.size(),
      { hostname: this.o.hostname, consoleName: this.o.tree.title, demoRoot: this.o.demoRoot, breadcrumb: breadcrumb(this.model) },
      Date.now() / 1000,
      this.page(v),
    );
    this.draw.draw(l);
    this.o.screen.render();
    this.frames++;
    const n = this.model.notice;
    if (n?.kind === 'text' && n.seen !== undefined && showsNotice(this.model) && this.noticeDrawn?.notice !== n) {
      // written out now, not at the next tick: from here on a key may acknowledge it
      this.o.screen.program.flush();
      this.noticeDrawn = { notice: n, at: performance.now() };
    }
  }

  /** Whether the key just read came after the notice on screen was drawn, by a person's reaction time. */
  private noticeSeen(): boolean {
    const n = this.model.notice;
    const d = this.noticeDrawn;
    return n?.kind === 'text' && n.seen !== undefined && d?.notice === n && showsNotice(this.model) && this.keyAt - d.at >= NOTICE_REACT_MS;
  }

  /** What a key needs to know of the screen: its page's size, and the pager's file and page. */
  private keyContext(): KeyContext {
    const size = this.draw.size();
    const h = bodyRoom(size);
    const w = textWidth(size);
    const p = this.pager?.lines;
    const v = this.current;
    // a table: Right goes no further than its widest line at full width
    if (v.kind === 'shown' && v.shown.kind === 'table') return { pageHeight: h, pageWidth: w, widest: Math.max(0, ...table(v.shown.columns, v.shown.rows, Number.MAX_SAFE_INTEGER).map((l) => width(l))) };
    if (!p || v.kind !== 'shown' || v.shown.kind !== 'file') return { pageHeight: h, pageWidth: w };
    const shown = v.shown;
    const wrapped = this.local.wrap;
    let page: { shown: number };
    let onPage: string[];
    try {
      page = pagerRows(this.pagerLines(shown, p, this.local.scroll, h), this.local, w, h);
      onPage = this.pagerLines(shown, p, this.local.scroll, page.shown);
    } catch {
      return { pageHeight: h, pageWidth: w }; // the file went unreadable: the next page says why
    }
    return {
      pageHeight: h,
      pageWidth: w,
      pageLines: Math.max(1, page.shown),
      widest: Math.max(0, ...onPage.map((l) => width(l))),
      pager: {
        available: (n: number) => p.available(n),
        count: () => p.count(),
        // the last page starts where the lines up to the end, wrapped or not, fill the rows
        lastPage: (total: number) => {
          const from = Math.max(0, total - h);
          const last = this.pagerLines(shown, p, from, total - from);
          let rows = 0;
          let first = total;
          for (let i = last.length - 1; i >= 0; i--) {
            rows += pagerRowsOf(last[i] ?? '', w, wrapped);
            if (rows > h) break;
            first = from + i;
          }
          return first;
        },
      },
    };
  }

  /**
   * A key, once decoded. Public for tests that bypass the terminal. Ctrl+C asks before leaving,
   * from anywhere (SIGINT from outside still ends the console: terminal.ts). Keys typed while
   * the dialog on top is still being read wait for it (type-ahead); Esc does not wait: it
   * cancels the read, and what was typed for that dialog with it.
   */
  onKey(ch: string | undefined, key: KeyLike): void {
    if (key.full === 'C-c') return this.dispatch({ type: 'interrupt' });
    if (!this.model.leaving && (this.loading || this.typedAhead.length > 0)) {
      if (this.loading && (key.full === 'escape' || key.name === 'escape')) this.typedAhead = [];
      else {
        this.typedAhead.push([ch, key]);
        return this.typeAhead();
      }
    }
    this.handle(ch, key);
  }

  /** Whether what is on top waits for a read before it takes keys (and one is under way). */
  private get loading(): boolean {
    return this.runner.pending > 0 && loading(this.model);
  }

  /** Keys typed ahead, given to the dialog now drawn, in order, until one opens a dialog that loads. */
  private typeAhead(): void {
    if (this.replaying) return;
    this.replaying = true;
    try {
      // the read failed or was refused: that message is read first, and the keys were not for it
      if (!this.loading && !this.model.leaving && !readAsExpected(this.model)) this.typedAhead = [];
      while (this.typedAhead.length > 0 && !this.loading && !this.model.leaving && !this.stopped) {
        const [ch, key] = this.typedAhead.shift()!;
        this.handle(ch, key);
      }
    } finally {
      this.replaying = false;
    }
  }

  private handle(ch: string | undefined, key: KeyLike): void {
    if (tooSmall(this.draw.size())) return;
    if (this.noticeSeen()) this.dispatch({ type: 'seen' });
    const r = handleKey(this.current, this.local, key, ch, this.keyContext());
    this.local = r.local;
    if (r.events.length === 0) return this.paint();
    // several moves (Page Down in a menu) are one update each, drawn once
    for (const ev of r.events.slice(0, -1)) this.model = update(this.model, ev).model;
    this.dispatch(r.events[r.events.length - 1]!);
  }

  /**
   * Lends the terminal to Shell's program: the screen left (normal buffer, cursor shown, the
   * terminal out of raw mode: blessed's spawn), the banner printed, the program run; when it
   * ends (Ctrl+C before logging in, exit after) the screen is taken back and drawn again.
   */
  private shell(): void {
    const sh = this.o.shell ?? { file: 'login', args: [] };
    const screen = this.o.screen;
    const p = screen.program;
    p.normalBuffer();
    // VGA consoles have no alternate screen: clear it, or the prompt starts over the menu.
    p.clear();
    p.showCursor();
    // those are buffered, the banner is not: written after them
    p.flush();
    if (sh.banner) p.write(sh.banner.replace(/\n/g, '\r\n') + '\r\n');
    terminalLent.now = true;
    let back = false;
    const done = (err: Error | null) => {
      if (back) return;
      back = true;
      terminalLent.now = false;
      screen.alloc();
      this.dispatch(err ? { type: 'failed', message: `cannot start ${sh.file}: ${err.message}` } : { type: 'returned' });
    };
    screen.exec(sh.file, sh.args, { cwd: sh.cwd ?? process.cwd() } as never, (err) => done(err));
  }
}
