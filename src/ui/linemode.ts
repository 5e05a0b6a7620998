// The console for a terminal that cannot draw (TERM=dumb, no cursor addressing, a serial line
// logged by `script`): numbered menus and plain prompts, one line in, plain text out, never an
// escape code. It drives the same pure flow (src/flow) with the same effect runner as the
// drawn console: only the rendering of a view and the reading of an answer differ.
//
// Answers: a menu takes an item's key (0 or < goes back); a question y or n; a form asks field
// by field (Enter keeps the value shown, - empties it, < cancels, ? is help); Enter closes a
// text. Lines typed ahead wait for the next prompt.
import { createInterface } from 'node:readline';
import { spawn, spawnSync } from 'node:child_process';
import type { ShellProgram } from '../features/shell/index.js';
import { terminalLent } from './terminal.js';
import type { Ctx } from '../core/types.js';
import type { Event } from '../flow/events.js';
import { init, showsNotice, top, type Model } from '../flow/model.js';
import { initEffects, update } from '../flow/update.js';
import { breadcrumb, view, type FormField, type View } from '../flow/view.js';
import type { Item, Tree } from '../menu/types.js';
import { EffectRunner } from '../runtime/effects.js';
import { formatAuditLine } from '../system/audit.js';
import { NOTICE_REACT_MS } from './app.js';
import { FileLines } from './filelines.js';
import { formFieldShown } from './layout.js';
import { table, wrap } from './text.js';
import { asciiChart, scaleOf } from './chart.js';

/** What line mode's welcome says of its answers (no arrow keys or Esc here: see the top of this file). */
export const LINE_WELCOME_KEYS = "Type an item's number and Enter to choose it; 0 or < goes back to the parent menu; ? shows help.";

export interface LineModeOptions {
  tree: Tree;
  conditions: Record<string, string>;
  ctx: Ctx;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { columns?: number };
  logInternal: (err: unknown, where: string) => string;
  /** The program Shell runs, and the lines printed before it (default: login). */
  shell?: ShellProgram;
  /** The first-boot steps, in order (Tree.firstBoot). */
  start?: Item[];
}

/** Text as it may reach a terminal that draws nothing: no control characters but line ends. */
export const plainText = (s: string): string => s.replace(/\r\n?/g, '\n').replace(/[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]/g, '');

/** The lines a view prints (pure), for `cols` columns. Progress prints its lines as they come (not here). */
export function renderView(v: View, model: Model, cols: number, fileLines?: string[]): string[] {
  const w = Math.max(30, cols - 1);
  const say = (t: string) => wrap(plainText(t), w);
  const head = (title: string) => {
    const crumbs = breadcrumb(model).join(' > ');
    return ['', `== ${plainText(title)} ==${crumbs && crumbs !== title ? `  (${plainText(crumbs)})` : ''}`];
  };
  switch (v.kind) {
    case 'menu':
      return [
        ...head(v.title),
        ...(v.text ? [...say(v.text), ''] : []),
        ...v.items.map((it) => `  ${it.key}. ${plainText(it.label)}${it.disabled !== undefined ? `  (unavailable: ${plainText(it.disabled)})` : ''}`),
        `  0. ${v.root ? 'Exit' : 'Back'}`,
      ];
    case 'yesno':
      return [...head(v.title), ...say(v.text)];
    case 'message':
      return [...head(v.title), ...(v.ok === false ? ['(failed)'] : []), ...say(v.text)];
    case 'form':
      return [...head(v.title), 'Answer each field: Enter keeps the value shown, - empties it, < cancels, ? is help.'];
    case 'review': {
      const rows = v.rows.filter((r) => r.old !== r.new);
      return [
        ...head(v.title),
        ...v.warnings.flatMap((x) => say(`Warning: ${x}`)),
        rows.length ? 'Review the change before it is applied:' : 'Nothing changes:',
        ...rows.flatMap((r) => [`  ${plainText(r.label)}`, ...say(`    current: ${r.old || '(not set)'}`), ...say(`    new:     ${r.new || '(not set)'}`)]),
        ...say(v.question),
      ];
    }
    case 'progress':
      return [...head(v.title), ...say(v.note ?? 'Working, please wait...')];
    case 'countdown':
      return [...head(v.title), ...say(v.text), `Time left to confirm: ${Math.max(0, Math.ceil(v.deadline - Date.now() / 1000))} s`];
    case 'shown':
      if (v.shown.kind === 'text') return [...head(v.title), ...say(v.shown.text)];
      if (v.shown.kind === 'table') {
        const c = v.shown.chart;
        // a live chart as ASCII rows: line mode prints it once, as it is now
        const chart = c ? ['', `${plainText(c.title)} (${scaleOf(c.points, c.unit).unit})`, ...asciiChart(c.points, Math.min(w, 78), 6, c.unit)] : [];
        return [...head(v.title), ...(v.shown.text ? say(v.shown.text) : []), ...table(v.shown.columns, v.shown.rows, w).map(plainText), ...(v.shown.after ? ['', ...say(v.shown.after)] : []), ...chart];
      }
      return [...head(v.title), ...(fileLines ?? []).map(plainText)];
    case 'blank':
      return [];
  }
}

/** The prompt after a view (what the answer may be). */
function promptOf(v: View): string {
  switch (v.kind) {
    case 'menu':
      return 'Choose (item key, 0 back, ? help): ';
    case 'yesno':
      return `${v.yes}/${v.no}? [y/n, default ${v.defaultNo ? 'n' : 'y'}]: `;
    case 'review':
      return 'Apply? [y = yes, n = edit, < = cancel]: ';
    case 'countdown':
      return `[y = ${v.yes}, n = ${v.no}, < = decide later]: `;
    case 'progress':
      return v.cancellable ? '(< and Enter cancels) ' : '';
    case 'form':
    case 'blank':
      return '';
    default:
      return '[Enter]: ';
  }
}

/** A field's question: its label, the choices numbered, the value Enter keeps. */
function fieldPrompt(f: FormField, value: string): string {
  if (f.choices) return `${plainText(f.label)} ${f.choices.map((c, i) => `${i + 1}) ${plainText(c.label)}`).join('  ')} [${(f.choices.findIndex((c) => c.value === value) + 1) || 1}]: `;
  if (f.masked) return `${plainText(f.label)} (not shown as typed${value ? '; Enter keeps what you typed' : ''}): `;
  return `${plainText(f.label)}${value ? ` [${plainText(value)}]` : ''}: `;
}

/** Runs the line-mode console until the operator leaves; resolves with the exit code. */
export function runLineMode(o: LineModeOptions): Promise<number> {
  return new Promise<number>((resolve) => {
    let model = init(o.tree, o.conditions, LINE_WELCOME_KEYS);
    let stopped = false;
    const cols = o.output.columns && o.output.columns >= 40 ? o.output.columns : 80;
    const write = (s: string) => o.output.write(plainText(s));
    const out = (lines: string[]) => lines.length && write(lines.join('\n') + '\n');

    // what was printed: the view's identity and text, the progress lines already out
    let shownId = '';
    let shownText = '';
    let progressLines = 0;
    // a form asked field by field: the field asked, and what is typed so far
    let form: { id: string; values: Record<string, string>; at: number } | undefined;
    // the notice that may be acknowledged, and when it was printed
    let noticeAt: { notice: object; at: number } | undefined;
    const queue: { line: string; at: number }[] = [];
    let countdown: NodeJS.Timeout | undefined;
    /** Whether the last answer printed a prompt already. */
    let prompted = false;
    /** The input has ended: leave once what was typed before is answered. */
    let ended = false;

    const finish = (code: number) => {
      if (stopped) return;
      stopped = true;
      clearInterval(countdown);
      runner.stop();
      rl.close();
      resolve(code);
    };

    const runner = new EffectRunner({
      ctx: o.ctx,
      model: () => model,
      dispatch: (ev) => dispatch(ev),
      logInternal: o.logInternal,
      shell: () => {
        // the terminal is login's until it ends (Ctrl+C before logging in, exit after)
        const sh = o.shell ?? { file: 'login', args: [] };
        rl.pause();
        if (sh.banner) write(sh.banner + '\n');
        terminalLent.now = true;
        let back = false;
        const done = (err?: Error) => {
          if (back) return;
          back = true;
          terminalLent.now = false;
          rl.resume();
          dispatch(err ? { type: 'failed', message: `cannot start ${sh.file}: ${err.message}` } : { type: 'returned' });
        };
        const child = spawn(sh.file, sh.args, { stdio: 'inherit', cwd: sh.cwd ?? process.cwd() });
        child.on('error', done);
        child.on('exit', () => done());
      },
      exit: (code) => finish(code),
    });

    function dispatch(ev: Event): void {
      if (stopped) return;
      try {
        const r = update(model, ev);
        model = r.model;
        for (const e of r.effects) runner.run(e);
      } catch (err) {
        const log = o.logInternal(err, `line mode: ${ev.type}`);
        write(`Internal error: ${err instanceof Error ? err.message : String(err)} (details in ${log})\n`);
      }
      show();
    }

    function fileLines(v: View): string[] | undefined {
      if (v.kind !== 'shown' || v.shown.kind !== 'file') return undefined;
      try {
        const f = new FileLines(v.shown.path);
        try {
          const total = f.count();
          if (total === 0) return [v.shown.empty ?? '(empty)'];
          const from = Math.max(0, total - 40);
          const fmt = v.shown.format === 'audit' ? formatAuditLine : (l: string) => l;
          return [...(from > 0 ? [`(the last ${total - from} of ${total} lines)`] : []), ...f.lines(from, total - from).map(fmt)];
        } finally {
          f.close();
        }
      } catch (e) {
        return [(e as NodeJS.ErrnoException).code === 'ENOENT' ? (v.shown.empty ?? `${v.shown.path} does not exist`) : `Cannot read ${v.shown.path}: ${(e as Error).message}`];
      }
    }

    /** Prints what changed since the last print, then the prompt; answers queued lines. */
    function show(): void {
      if (stopped) return;
      const v = view(model);
      const f = top(model);
      const id = `${f.id}:${v.kind}:${f.kind === 'flow' ? f.step.s : ''}`;
      clearInterval(countdown);
      countdown = undefined;
      if (v.kind === 'countdown') {
        // the deadline is data: said when reached, as the drawn console does
        countdown = setInterval(() => Date.now() / 1000 >= v.deadline && dispatch({ type: 'expired' }), 1000);
        countdown.unref?.();
      }
      if (v.kind === 'progress' && id === shownId) {
        for (const l of v.lines.slice(progressLines)) out(wrap(plainText(l), cols - 1));
        progressLines = v.lines.length;
        return;
      }
      // the welcome is printed once, with the state it shows (the drawn console redraws it when
      // the state arrives; a printed line cannot be redrawn, and printing it twice says it twice)
      if (welcomeReading()) return;
      const text = renderView(v, model, cols, fileLines(v)).join('\n');
      const fresh = id !== shownId || text !== shownText;
      if (!fresh) return;
      // the same screen grown by what was read later (a notice under the welcome): only the new lines
      if (id === shownId && shownText !== '' && text.startsWith(shownText + '\n')) {
        const added = text.slice(shownText.length).replace(/^\n+/, '');
        shownText = text;
        // the prompt before it ends its line
        write(`\n${added}\n`);
        noticeSeen();
        prompt();
        drain();
        return;
      }
      shownId = id;
      shownText = text;
      if (v.kind === 'form' && form?.id !== id) form = { id, values: Object.fromEntries(v.fields.map((x) => [x.name, x.value])), at: firstAsk(v) };
      if (v.kind !== 'form') form = undefined;
      write(text + '\n');
      if (v.kind === 'progress') {
        progressLines = v.lines.length;
        for (const l of v.lines) out(wrap(plainText(l), cols - 1));
      }
      if (v.kind === 'form' && form) {
        // errors of a refused form first, then the first field in error is asked again
        for (const x of v.fields) if (x.error !== undefined) write(`! ${x.label}: ${x.error}\n`);
      }
      noticeSeen();
      prompt();
      drain();
    }

    /** A notice to acknowledge just printed: when (a line typed a reaction time after it saw it). */
    function noticeSeen(): void {
      const n = model.notice;
      if (n?.kind === 'text' && n.seen !== undefined && showsNotice(model) && noticeAt?.notice !== n) noticeAt = { notice: n, at: performance.now() };
    }

    const firstAsk = (v: Extract<View, { kind: 'form' }>) => Math.max(0, v.fields.findIndex((x) => x.error !== undefined));

    function prompt(): void {
      prompted = true;
      const v = view(model);
      if (v.kind === 'form' && form) {
        const field = v.fields[form.at];
        if (field) {
          write(fieldPrompt(field, form.values[field.name] ?? ''));
          echo(!field.masked);
        }
        return;
      }
      write(promptOf(v));
    }

    /** Echo of a secret off (a tty only); the line discipline does the rest. */
    function echo(on: boolean): void {
      if (!o.input.isTTY) return;
      spawnSync('stty', [on ? 'echo' : '-echo'], { stdio: ['inherit', 'ignore', 'ignore'] });
    }

    /** The welcome while the state it shows is being read (it always arrives: read, or why not). */
    const welcomeReading = (): boolean => {
      const f = top(model);
      return f.kind === 'note' && f.welcome === true && model.tree.status !== undefined && f.status === undefined;
    };

    /** A menu whose entries or state are still being read, or the welcome's: a key typed ahead waits for them. */
    const loading = (): boolean => {
      const f = top(model);
      return welcomeReading() || (f.kind === 'menu' && ((f.menu.source !== undefined && f.entries === undefined) || (f.menu.status !== undefined && f.status === undefined)));
    };

    function drain(): void {
      for (;;) {
        if (stopped) return;
        const v = view(model);
        if (v.kind === 'progress' || v.kind === 'blank' || loading()) return; // waits for the next prompt
        if (queue.length === 0) {
          if (ended) {
            write('\n');
            finish(0);
          }
          return;
        }
        const next = queue.shift()!;
        prompted = false;
        answer(next.line, next.at);
        // an answer that changed nothing on show (help on a text, an empty line) asks again
        if (!prompted && !stopped && queue.length === 0) prompt();
      }
    }

    function answer(raw: string, at: number): void {
      const line = raw.trim();
      const v = view(model);
      const n = model.notice;
      // a line typed after the notice was printed, by a person's reaction time: it was seen
      if (n?.kind === 'text' && n.seen !== undefined && noticeAt?.notice === n && at - noticeAt.at >= NOTICE_REACT_MS) dispatch({ type: 'seen' });
      const send = (...evs: Event[]) => {
        for (const ev of evs.slice(0, -1)) model = update(model, ev).model;
        const last = evs[evs.length - 1];
        if (last) dispatch(last);
      };
      if (line === '?' && v.kind !== 'progress') return send(v.kind === 'form' && form ? { type: 'help', values: form.values } : { type: 'help' });
      switch (v.kind) {
        case 'menu': {
          if (line === '0' || line === '<') return send({ type: 'cancel' });
          const item = v.items.find((it) => it.key === line.toLowerCase());
          if (!item) {
            if (line) write(`No item ${line}: give one of ${v.items.map((it) => it.key).join(' ')}, or 0.\n`);
            return prompt();
          }
          return send({ type: 'hotkey', key: item.key }, { type: 'ok' });
        }
        case 'yesno':
        case 'review':
        case 'countdown': {
          const yes = /^y(es)?$/i.test(line) || (v.kind === 'yesno' && line === '' && !v.defaultNo);
          const no = /^no?$/i.test(line) || (v.kind === 'yesno' && line === '' && v.defaultNo === true);
          if (yes) return send({ type: 'yes' });
          if (no) return send({ type: 'no' });
          if (line === '<') return send({ type: 'cancel' });
          write('Answer y or n (< cancels).\n');
          return prompt();
        }
        case 'form':
          return formAnswer(v, raw);
        case 'progress':
          if (line === '<' && v.cancellable) return send({ type: 'cancel' });
          return;
        case 'blank':
          return;
        default:
          if (line === '<') return send({ type: 'cancel' });
          return send({ type: 'ok' });
      }
    }

    function formAnswer(v: Extract<View, { kind: 'form' }>, raw: string): void {
      if (!form) return;
      const field = v.fields[form.at];
      if (!field) return;
      if (field.masked) {
        echo(true);
        write('\n');
      }
      const line = field.masked ? raw : raw.trim();
      if (line === '<' && !field.masked) return dispatch({ type: 'cancel' });
      if (field.choices) {
        if (line !== '') {
          const i = Number(line);
          const c = Number.isInteger(i) ? field.choices[i - 1] : field.choices.find((x) => x.label.toLowerCase().startsWith(line.toLowerCase()));
          if (!c) {
            write(`Choose 1-${field.choices.length}.\n`);
            return prompt();
          }
          form.values[field.name] = c.value;
        }
      } else if (line === '-') form.values[field.name] = '';
      else if (line !== '') form.values[field.name] = line;
      // the next field in play, or the form is sent as a whole (the flow checks every field)
      let next = form.at + 1;
      while (next < v.fields.length && !formFieldShown(v.fields, form.values, next)) next++;
      if (next < v.fields.length) {
        form.at = next;
        return prompt();
      }
      const values = { ...form.values };
      form.at = 0;
      shownText = ''; // a refused form is printed again, with its messages
      dispatch({ type: 'submit', values });
    }

    const rl = createInterface({ input: o.input, terminal: false });
    rl.on('line', (line) => {
      queue.push({ line, at: performance.now() });
      const v = view(model);
      // while work runs, < cancels it at once; anything else waits for the next prompt
      if (v.kind === 'progress' && line.trim() === '<' && v.cancellable) {
        queue.pop();
        dispatch({ type: 'cancel' });
        return;
      }
      drain();
    });
    // the end of the input (Ctrl+D, a replayed log's end): the lines typed before it are answered
    // first (work under way finishes), then the console leaves as Exit would
    rl.on('close', () => {
      ended = true;
      drain();
    });

    for (const e of initEffects(model)) runner.run(e);
    if (o.start?.[0]) dispatch({ type: 'start', item: o.start[0], then: o.start.slice(1) });
    else show();
  });
}
