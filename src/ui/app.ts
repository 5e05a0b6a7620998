// The runtime: feeds keys to the pure model, carries out the effects it asks for through the
// action modules, and redraws. The only place where the model, blessed and the system meet.
import type blessed from 'blessed';
import type { Ctx, Operation } from '../actions/types.js';
import { init, initEffects, refreshEffects, top, update, type Model } from '../flow/model.js';
import { shownText, type Effect, type Event } from '../flow/types.js';
import { breadcrumb, view, type View } from '../flow/view.js';
import type { Tree } from '../menu/schema.js';
import { commandFor, type KeyLike } from './keys.js';
import { editLine } from './lineedit.js';
import { dialogKind, formFieldShown, Renderer, type Local } from './render.js';

/** How often a counting-down state (a pending network change) is read again. */
const REFRESH_MS = 5000;

export interface AppOptions {
  screen: blessed.Widgets.Screen;
  tree: Tree;
  conditions: Record<string, string>;
  ctx: Ctx;
  ops: Record<string, Operation>;
  hostname: string;
  demoRoot?: string | undefined;
  onExit: (code: number) => void;
  /** The program Shell runs (default $SHELL or /bin/bash). */
  shell?: { file: string; args: string[]; cwd?: string };
}

/** How long a lone Esc waits for the rest of a split arrow-key sequence (slow SSH). */
const ESC_WAIT_MS = 40;

export class ConsoleApp {
  model: Model;
  private renderer: Renderer;
  private local: Local = { identity: '', button: 0, scroll: 0, edits: [], spin: 0 };
  private abort: AbortController | undefined;
  private spinTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private escTimer: NodeJS.Timeout | undefined;
  private escSeq: string | undefined;
  private current: View = { kind: 'blank' };
  /** Every effect carried out, for tests and the benchmark. */
  readonly effects: Effect[] = [];

  constructor(private o: AppOptions) {
    this.model = init(o.tree, o.conditions);
    this.renderer = new Renderer(o.screen);
    o.screen.on('keypress', (ch: string | undefined, key: KeyLike) => this.onRawKey(ch, key));
    o.screen.on('resize', () => this.render());
  }

  get screen(): blessed.Widgets.Screen {
    return this.o.screen;
  }

  start(): void {
    for (const e of initEffects(this.model)) this.run(e);
    this.render();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.spinTimer);
    clearTimeout(this.refreshTimer);
    clearTimeout(this.escTimer);
    this.abort?.abort();
    this.local.pager?.close();
  }

  dispatch(ev: Event): void {
    // a script's answer may come after the console has stopped (its screen is gone): dropped
    if (this.stopped) return;
    const r = update(this.model, ev);
    this.model = r.model;
    for (const e of r.effects) this.run(e);
    this.render();
  }

  private identity(v: View): string {
    const f = top(this.model);
    const step = f.kind === 'flow' ? f.step.s : '';
    return `${this.model.stack.length}:${v.kind}:${'title' in v ? v.title : ''}:${step}`;
  }

  render(): void {
    const v = view(this.model);
    const id = this.identity(v);
    if (id !== this.local.identity) {
      this.local.pager?.close();
      this.local = {
        identity: id,
        // a form back with errors (after a check) has the focus on the first field in error
        // a review with a warning starts on No: Enter alone must not accept what was warned about
        button: (v.kind === 'yesno' && v.defaultNo) || (v.kind === 'review' && v.warnings.length > 0) ? 1 : v.kind === 'form' ? Math.max(0, v.fields.findIndex((f) => f.error !== undefined)) : 0,
        scroll: 0,
        edits: v.kind === 'form' ? v.fields.map((f) => ({ value: f.value, cursor: f.value.length })) : [],
        spin: 0,
      };
    } else if (v.kind === 'form' && this.current.kind === 'form') {
      // After a failed OK: keep what was typed, put the focus on the first field in error.
      const firstBad = v.fields.findIndex((f) => f.error !== undefined);
      if (firstBad >= 0 && v.fields.some((f, i) => f.error !== (this.current as typeof v).fields[i]?.error)) this.local.button = firstBad;
    }
    this.current = v;
    if ((v.kind === 'progress' || v.kind === 'countdown') && !this.spinTimer) {
      // the spinner turns; the countdown counts, and says when the deadline has passed
      this.spinTimer = setInterval(() => {
        this.local.spin++;
        const c = this.current;
        if (c.kind === 'countdown' && Date.now() / 1000 >= c.deadline) return this.dispatch({ type: 'expired' });
        this.paint();
      }, v.kind === 'countdown' ? 1000 : 250);
      this.spinTimer.unref?.();
    } else if (v.kind !== 'progress' && v.kind !== 'countdown' && this.spinTimer) {
      clearInterval(this.spinTimer);
      this.spinTimer = undefined;
    }
    this.refreshWhileCounting();
    this.paint();
  }

  /**
   * A menu whose state counts down by itself ("rolls back in N s") is read again every few
   * seconds while it is on top, so it never shows a change that has already rolled back.
   */
  private refreshWhileCounting(): void {
    const counting = () => {
      const f = top(this.model);
      return f.kind === 'menu' && /rolls back in \d+ s/.test(f.status ?? '');
    };
    if (this.refreshTimer || !counting()) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      // whatever menu is on top then: its answer renders, and that arms the next read
      if (counting()) for (const e of refreshEffects(this.model)) this.run(e);
    }, REFRESH_MS);
    this.refreshTimer.unref?.();
  }

  private paint(): void {
    this.renderer.draw(
      this.current,
      { hostname: this.o.hostname, consoleName: this.o.tree.title, demoRoot: this.o.demoRoot, breadcrumb: breadcrumb(this.model) },
      this.local,
    );
    this.o.screen.render();
  }

  // ---- keys -------------------------------------------------------------------------

  private onRawKey(ch: string | undefined, key: KeyLike): void {
    if (key.full === 'C-c') return this.o.onExit(130);
    // An arrow key whose bytes arrive in two reads looks like Esc followed by "[A".
    if (this.escSeq !== undefined) {
      this.escSeq += ch ?? '';
      const m = /^[[O]([ABCD])$/.exec(this.escSeq);
      if (m) {
        this.escSeq = undefined;
        return this.onKey(undefined, { name: { A: 'up', B: 'down', C: 'right', D: 'left' }[m[1] as 'A'], full: { A: 'up', B: 'down', C: 'right', D: 'left' }[m[1] as 'A'] });
      }
      if (this.escSeq.length >= 2 || !/^[[O]/.test(this.escSeq)) this.escSeq = undefined;
      return;
    }
    if (this.escTimer) {
      clearTimeout(this.escTimer);
      this.escTimer = undefined;
      if (ch === '[' || ch === 'O') {
        this.escSeq = ch;
        return;
      }
      this.onKey(undefined, { name: 'escape', full: 'escape' });
    }
    if (key.full === 'escape' || key.name === 'escape') {
      this.escTimer = setTimeout(() => {
        this.escTimer = undefined;
        this.onKey(undefined, { name: 'escape', full: 'escape' });
      }, ESC_WAIT_MS);
      return;
    }
    this.onKey(ch, key);
  }

  /** A key, after Esc disambiguation. Public for tests that bypass the terminal. */
  onKey(ch: string | undefined, key: KeyLike): void {
    const v = this.current;
    if (this.renderer.tooSmall()) return;
    const kind = dialogKind(v);
    if (!kind) return;
    const hit = commandFor(kind, key, ch);
    const L = this.local;
    if (v.kind === 'form') {
      const nFocus = v.fields.length + 2;
      const values = Object.fromEntries(v.fields.map((f, i) => [f.name, L.edits[i]?.value ?? f.value]));
      // Tab/Up/Down skip fields not in play (their `when` does not hold)
      const step = (d: number) => {
        let i = L.button;
        do i = (i + d + nFocus) % nFocus;
        while (i < v.fields.length && !formFieldShown(v.fields, values, i));
        L.button = i;
      };
      if (!hit || (hit.command !== 'next' && hit.command !== 'prev' && hit.command !== 'ok' && hit.command !== 'cancel' && hit.command !== 'help')) {
        const i = L.button;
        const e = L.edits[i];
        const field = v.fields[i];
        if (field?.choices && e) {
          const name = key.full ?? key.name;
          const d = name === 'left' ? -1 : name === 'right' || name === 'space' ? 1 : 0;
          if (d !== 0) {
            const at = field.choices.findIndex((c) => c.value === e.value);
            const next = field.choices[(at + d + field.choices.length) % field.choices.length]!;
            L.edits[i] = { value: next.value, cursor: 0 };
            this.paint();
          }
          return;
        }
        if (i < v.fields.length && e) {
          L.edits[i] = editLine(e, key, ch);
          this.paint();
        }
        return;
      }
      if (hit.command === 'next') step(1);
      else if (hit.command === 'prev') step(-1);
      else if (hit.command === 'cancel' || (hit.command === 'ok' && L.button === v.fields.length + 1)) return this.dispatch({ type: 'cancel' });
      else if (hit.command === 'help') return this.dispatch({ type: 'help', values });
      else return this.dispatch({ type: 'submit', values });
      return this.paint();
    }
    if (!hit) return;
    const twoButtons = v.kind === 'menu' || v.kind === 'yesno' || v.kind === 'review' || v.kind === 'countdown';
    const page = this.renderer.pageHeight();
    switch (hit.command) {
      case 'up':
      case 'down':
        if (v.kind === 'menu') return this.dispatch({ type: hit.command });
        L.scroll = Math.max(0, L.scroll + (hit.command === 'up' ? -1 : 1));
        return this.clampScroll();
      case 'pageUp':
      case 'pageDown':
        if (v.kind === 'menu') {
          for (let i = 0; i < page; i++) this.model = update(this.model, { type: hit.command === 'pageUp' ? 'up' : 'down' }).model;
          return this.render();
        }
        L.scroll = Math.max(0, L.scroll + (hit.command === 'pageUp' ? -page : page));
        return this.clampScroll();
      case 'home':
      case 'end':
        if (v.kind === 'menu') {
          for (let i = 0; i < 99; i++) this.model = update(this.model, { type: hit.command === 'home' ? 'up' : 'down' }).model;
          return this.render();
        }
        L.scroll = hit.command === 'home' ? 0 : Number.MAX_SAFE_INTEGER;
        return this.clampScroll();
      case 'hotkey':
        return this.dispatch({ type: 'hotkey', key: hit.ch ?? '' });
      case 'left':
      case 'right':
      case 'next':
      case 'prev':
        if (twoButtons) {
          L.button = L.button === 0 ? 1 : 0;
          this.paint();
        }
        return;
      case 'yes':
      case 'no':
        return this.dispatch({ type: hit.command });
      case 'help':
        return this.dispatch({ type: 'help' });
      case 'cancel':
        return this.dispatch({ type: 'cancel' });
      case 'ok':
        if (v.kind === 'menu') return this.dispatch({ type: L.button === 0 ? 'ok' : 'cancel' });
        if (v.kind === 'yesno' || v.kind === 'review' || v.kind === 'countdown') return this.dispatch({ type: L.button === 0 ? 'yes' : 'no' });
        return this.dispatch({ type: 'ok' });
    }
  }

  private clampScroll(): void {
    const v = this.current;
    const pager = this.local.pager;
    if (v.kind === 'shown' && v.shown.kind === 'file' && pager) {
      const page = this.renderer.pageHeight();
      // Scan only as far as the new page needs; End alone reads to the end of the file.
      const lines = this.local.scroll === Number.MAX_SAFE_INTEGER ? pager.count() : pager.available(this.local.scroll + page);
      this.local.scroll = Math.max(0, Math.min(this.local.scroll, lines - page));
    }
    // Text dialogs clamp while drawing.
    this.paint();
  }

  // ---- effects ----------------------------------------------------------------------

  private op(id: string): Operation {
    const op = this.o.ops[id];
    if (!op) throw new Error(`operation ${id} is not registered`);
    return op;
  }

  /** Delivers an effect's answer only while the flow still waits for it in that step. */
  private deliver(item: string, steps: string[], ev: Event): void {
    const f = top(this.model);
    if (f.kind !== 'flow' || f.item.id !== item || !steps.includes(f.step.s)) return;
    this.dispatch(ev);
  }

  private call<T>(steps: string[], fn: () => Promise<T>, toEvent: (t: T) => Event): void {
    const f = top(this.model);
    const item = f.kind === 'flow' ? f.item.id : '';
    fn().then(
      (r) => this.deliver(item, steps, toEvent(r)),
      (err: unknown) => this.deliver(item, steps, { type: 'failed', message: err instanceof Error ? err.message : String(err) }),
    );
  }

  /**
   * What a menu or note on top shows from the system (its state, its entries): delivered only
   * while that screen is still on top; a failure becomes its status line.
   */
  private forScreen<T>(p: Promise<T>, toEvent: (t: T) => Event, failure: (message: string) => string): void {
    const frame = top(this.model);
    const deliver = (ev: Event) => (sameScreen(top(this.model), frame) ? this.dispatch(ev) : undefined);
    p.then(
      (t) => deliver(toEvent(t)),
      (err: unknown) => deliver({ type: 'status', text: failure(err instanceof Error ? err.message : String(err)) }),
    );
  }

  private run(e: Effect): void {
    this.effects.push(e);
    const ctx = this.o.ctx;
    const lineTo = (steps: string[]) => {
      const f = top(this.model);
      const item = f.kind === 'flow' ? f.item.id : '';
      return (text: string) => this.deliver(item, steps, { type: 'line', text });
    };
    switch (e.type) {
      case 'read':
        return this.call(['loading'], () => this.op(e.op).read!(ctx, e.context), (values) => ({ type: 'loaded', values }));
      case 'show':
        return this.call(['loading'], () => this.op(e.op).show!(ctx, e.context), (shown) => ({ type: 'shown', shown }));
      case 'items':
        return this.forScreen(this.op(e.op).items!(ctx, e.context), (items) => ({ type: 'items', items }), (m) => `Cannot list them: ${m}`);
      case 'check':
        return this.call(['checking'], () => this.op(e.op).check!(ctx, e.values), (c) => ({ type: 'checked', errors: c.errors, ...(c.warnings ? { warnings: c.warnings } : {}) }));
      case 'test': {
        this.abort = new AbortController();
        const io = { line: lineTo(['testing']), signal: this.abort.signal };
        return this.call(['testing'], () => this.op(e.op).test!(ctx, e.values, io), (outcome) => ({ type: 'finished', outcome }));
      }
      case 'apply': {
        this.abort = new AbortController();
        const io = { line: lineTo(['applying']), signal: this.abort.signal };
        return this.call(['applying'], () => this.op(e.op).apply!(ctx, e.values, io), (outcome) => ({ type: 'finished', outcome }));
      }
      case 'status':
        return this.forScreen(this.op(e.op).show!(ctx, e.context), (shown) => ({ type: 'status', text: shownText(shown) }), (m) => `(${m})`);
      case 'abort':
        this.abort?.abort();
        this.abort = undefined;
        return;
      case 'shell': {
        const sh = this.o.shell ?? { file: process.env.SHELL || '/bin/bash', args: ['-l'] };
        // VGA consoles have no alternate screen: clear it, or the shell starts over the menu.
        this.o.screen.program.clear();
        this.o.screen.program.flush();
        this.o.screen.exec(sh.file, sh.args, { cwd: sh.cwd ?? process.cwd() } as never, () => {
          this.o.screen.alloc();
          this.dispatch({ type: 'returned' });
        });
        return;
      }
      case 'exit':
        return this.o.onExit(0);
    }
  }
}

/** Two frames are the same screen (a menu may have moved its selection meanwhile). */
function sameScreen(a: ReturnType<typeof top>, b: ReturnType<typeof top>): boolean {
  if (a.kind === 'menu' && b.kind === 'menu') return a.menu === b.menu && a.context === b.context;
  if (a.kind === 'note' && b.kind === 'note') return a.title === b.title && a.text === b.text;
  return false;
}
