// The terminal: blessed's known pitfalls on this platform fixed in one place
// (../shared/notes/terminal.md), screen creation on given streams, and a sane tty whatever
// ends the program (exit, Ctrl+C, SIGTERM, SIGHUP, a crash).
import blessed from 'blessed';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { tighten, type TightenCaps } from './tighten.js';
import { utf8Locale } from './locale.js';
import { sourceMapped } from '../system/stackmap.js';

export interface TerminalStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (b: boolean) => void };
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  terminal: string;
}

/** TERMs whose terminfo the installed executable carries, parsed at build time (src/sea.ts): nothing to fix. */
export const builtinTerms = new Set<string>();

/**
 * Debian's newer terminfo entries (xterm-256color, tmux-256color, …) use ncurses' 32-bit
 * number format that blessed cannot parse. Compile a private copy with the one oversized
 * number clamped, once, and let blessed look there first.
 */
export function prepareTerminfo(term: string): void {
  if (!/^[A-Za-z0-9._+-]+$/.test(term) || builtinTerms.has(term)) return;
  const base = join(process.env.XDG_CACHE_HOME || join(homedir() || tmpdir(), '.cache'), 'confconsole', 'terminfo');
  const ipaths = (blessed as unknown as { Tput: { ipaths: unknown[] } }).Tput.ipaths;
  const compiled = join(base, term[0] ?? 'x', term);
  // A marker remembers a terminal that needs no fix, so start-up spawns nothing next time.
  const fine = join(base, 'parses-fine', term);
  if (existsSync(fine)) return;
  if (!existsSync(compiled)) {
    const info = spawnSync('infocmp', ['-x', term], { encoding: 'utf8', timeout: 2000 });
    if (info.status !== 0) return;
    if (!/#0x[0-9a-f]{5,}|#[0-9]{6,}/.test(info.stdout)) {
      try {
        mkdirSync(dirname(fine), { recursive: true });
        writeFileSync(fine, '');
      } catch {
        /* no cache: check again next time */
      }
      return;
    }
    const fixed = info.stdout.replace(/pairs#0x10000\b/, 'pairs#0x7fff').replace(/pairs#65536\b/, 'pairs#32767');
    try {
      mkdirSync(base, { recursive: true });
      const tic = spawnSync('tic', ['-x', '-o', base, '-'], { input: fixed, encoding: 'utf8', timeout: 4000 });
      if (tic.status !== 0 || !existsSync(compiled)) return;
    } catch {
      return;
    }
  }
  if (!ipaths.includes(base)) ipaths.unshift(base);
}

/**
 * Whether a terminal of type `term` can be drawn on: it is known to terminfo and has cursor
 * addressing (`cup`). No: TERM unset, dumb or unknown, or an entry without `cup` (a printing
 * terminal, a serial log): the console then runs in line mode (linemode.ts), never sending
 * escape codes there. Without the tput program, only dumb/unset terminals are known not to.
 */
export function canDraw(term: string | undefined): boolean {
  if (!term || term === 'dumb' || term === 'unknown' || !/^[A-Za-z0-9._+-]+$/.test(term)) return false;
  // the usual ones draw: no process spawned at start-up for them
  if (/^(xterm|linux|vt[1-5]\d\d|screen|tmux|rxvt|putty|konsole|gnome|alacritty|foot|kitty|wezterm|st-)/.test(term)) return true;
  const r = spawnSync('tput', ['-T', term, 'cup', '0', '0'], { encoding: 'utf8', timeout: 2000 });
  if (r.error) return true; // no tput to ask: blessed's own terminfo decides
  return r.status === 0 && r.stdout !== '';
}

export { utf8Locale } from './locale.js';

type CharWidth = (s: string | number, i?: number) => number;
const unicode = (blessed as unknown as { unicode: { charWidth: CharWidth & { ascii?: true } } }).unicode;
if (!unicode.charWidth.ascii) {
  // blessed asks the width of every cell it writes (UTF-8 locales), through its tables: printable
  // ASCII, nearly every cell, answers at once (the first frame's draw took ~6 ms in there)
  const table = unicode.charWidth;
  unicode.charWidth = Object.assign(
    (s: string | number, i?: number) => {
      const c = typeof s === 'number' ? s : s.charCodeAt(i ?? 0);
      return c >= 0x20 && c < 0x7f ? 1 : table(s, i);
    },
    { ascii: true as const },
  );
}

type Compile = (this: { options: { stringify?: boolean } }, info: unknown, key: string, str: unknown) => unknown;
let compileLazily = false;

/**
 * blessed's terminfo compiled capability by capability on first use. Its Tput compiles every
 * string capability of the terminal into a function (`new Function`) when the screen is made,
 * ~250 for xterm-256color, of which a console uses a few dozen: 160 KB of heap (measured). Now
 * each is compiled when first called, the same code from the same string, so what it writes is
 * the same (and a capability that cannot be compiled writes nothing, as an absent one). The ones
 * blessed treats apart (flags, numbers, empty, init_file/reset_file, `stringify`) as before.
 */
function lazyCapabilities(): void {
  if (compileLazily) return;
  compileLazily = true;
  const proto = (blessed as unknown as { Tput: { prototype: { _compile: Compile } } }).Tput.prototype;
  const now = proto._compile;
  proto._compile = function (info, key, str) {
    if (typeof str !== 'string' || !str || key === 'init_file' || key === 'reset_file' || this.options.stringify) return now.call(this, info, key, str);
    let compiled: ((...a: unknown[]) => unknown) | undefined;
    const self = this;
    return function (this: unknown, ...a: unknown[]) {
      if (!compiled) {
        try {
          compiled = now.call(self, info, key, str) as (...a: unknown[]) => unknown;
        } catch {
          // blessed threw at setup for such a string and then used its own terminfo; now the one
          // capability that cannot be compiled writes nothing, as an absent one, and the draw goes on
          compiled = () => '';
        }
      }
      return compiled.apply(this, a);
    };
  };
}

export function createScreen(s: TerminalStreams, title: string): blessed.Widgets.Screen {
  // PuTTY and some consoles draw ACS lines wrong in UTF-8 mode; sudo strips this variable.
  process.env.NCURSES_NO_UTF8_ACS = '1';
  prepareTerminfo(s.terminal);
  lazyCapabilities();
  const unicode = utf8Locale();
  const screen = blessed.screen({
    input: s.input as never,
    output: s.output as never,
    terminal: s.terminal,
    smartCSR: true,
    fullUnicode: unicode,
    forceUnicode: unicode,
    warnings: false,
    title,
    autoPadding: true,
    dockBorders: true,
    // Our own handlers decide what Ctrl+C and signals do.
    ignoreLocked: ['C-c'],
  });
  if (!unicode) {
    // No UTF-8: plain ASCII borders (+ - |) instead of box characters the font may lack.
    (screen.tput as unknown as { numbers: Record<string, number> }).numbers.U8 = 0;
  }
  tightenDraws(screen);
  return screen;
}

/** Off only while the installed executable's build records blessed's own first frame (firstframe.ts). */
export const tightening = { on: true };

/**
 * From the installed executable's first stage (src/sea1.ts): `drawn`, the first frame it already
 * wrote, for the console's own first frame to be checked against (ui/main.ts), taken once; and
 * `collect`, a full garbage collection for when loading is done.
 */
export const handoff: { drawn?: string | undefined; collect?: (() => void) | undefined } = {};

/**
 * Holds back what is written to stdout (and notes whether stderr was written) until `open`:
 * then `open(drawn)` lets writes through again and, when what was held back is not exactly
 * `drawn` (what the terminal already shows) or something went to stderr meanwhile, clears the
 * screen and writes it: the terminal ends as if nothing had been held back.
 */
export function holdOutput(): { open(drawn: string): boolean } {
  const out = process.stdout;
  const err = process.stderr;
  const write = out.write;
  const writeErr = err.write;
  const held: string[] = [];
  let errWritten = false;
  out.write = ((chunk: string | Uint8Array) => {
    held.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof out.write;
  err.write = function (this: unknown, ...a: unknown[]) {
    errWritten = true;
    return (writeErr as (...x: unknown[]) => boolean).apply(err, a);
  } as typeof err.write;
  return {
    open(drawn: string): boolean {
      out.write = write;
      err.write = writeErr;
      const got = held.join('');
      const same = got === drawn && !errWritten;
      if (!same) out.write(`\x1b[m\x1b[H\x1b[2J${got}`);
      return same;
    },
  };
}

/** What blessed's draws write is rewritten into fewer bytes with the same effect (tighten.ts). */
function tightenDraws(screen: blessed.Widgets.Screen): void {
  const tput = screen.tput as unknown as { strings: Record<string, unknown>; bools: Record<string, unknown> };
  const caps: TightenCaps = { ech: Boolean(tput.strings.erase_chars), bce: Boolean(tput.bools.back_color_erase) };
  const s = screen as unknown as { draw(start: number, end: number): void; program: { _write(text: string): unknown } };
  const draw = s.draw;
  const write = s.program._write;
  let drawing = false;
  s.draw = function (this: unknown, start: number, end: number) {
    drawing = true;
    try {
      draw.call(this, start, end);
    } finally {
      drawing = false;
    }
  };
  s.program._write = function (this: unknown, text: string) {
    return write.call(this, drawing && tightening.on ? tighten(text, caps) : text);
  };
}

/**
 * Whether a program the console started has the terminal now (Shell's login): Ctrl+C there is
 * sent by the terminal to the console too, and is that program's, not a reason to leave.
 */
export const terminalLent = { now: false };

/** Best-effort restore of the tty; safe to call twice and on a dead terminal. */
export function restoreTty(screen: blessed.Widgets.Screen | undefined): void {
  if (!screen) return;
  try {
    screen.destroy();
  } catch {
    /* the terminal may be gone (SSH hang-up): nothing more to restore */
  }
  try {
    const input = process.stdin as NodeJS.ReadStream;
    if (input.isTTY && input.isRaw) input.setRawMode(false);
  } catch {
    /* ignore */
  }
}

/**
 * Leaves a sane tty on every way out. SIGHUP, a closed stdin or a broken stdout mean the
 * terminal is gone: restore what we can and leave by re-raising SIGHUP (a normal exit after
 * an SSH drop can abort on Node 20).
 */
export function guardTerminal(getScreen: () => blessed.Widgets.Screen | undefined, beforeExit: () => void = () => {}): void {
  let leaving = false;
  const leave = (code: number, signal?: NodeJS.Signals) => {
    if (leaving) return;
    leaving = true;
    try {
      beforeExit();
    } catch {
      /* ignore */
    }
    restoreTty(getScreen());
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code);
  };
  process.on('SIGTERM', () => leave(143));
  process.on('SIGINT', () => terminalLent.now || leave(130));
  process.on('SIGHUP', () => leave(129, 'SIGHUP'));
  // The installed executable's first stage guarded its frame until now (src/sea1.ts): ours from
  // here. Removed only after ours are on: Node closes a signal's watcher when its last listener
  // goes, and a signal that arrived during the compile, not yet emitted, would be lost with it
  // (the console then ignored a SIGTERM sent in its first ~100 ms).
  const g = globalThis as { confconsoleEarlySignals?: [NodeJS.Signals, () => void][] };
  for (const [signal, fn] of g.confconsoleEarlySignals?.splice(0) ?? []) process.removeListener(signal, fn);
  process.stdin.on('end', () => leave(129, 'SIGHUP'));
  process.stdout.on('error', () => leave(129, 'SIGHUP'));
  process.on('uncaughtException', (err) => {
    restoreTty(getScreen());
    leaving = true;
    process.stderr.write(`confconsole: internal error: ${err.stack ? sourceMapped(err.stack) : String(err)}\n`);
    process.exit(70);
  });
  process.on('unhandledRejection', (err) => {
    restoreTty(getScreen());
    process.stderr.write(`confconsole: internal error: ${err instanceof Error && err.stack ? sourceMapped(err.stack) : String(err)}\n`);
    process.exit(70);
  });
}
