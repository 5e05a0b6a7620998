// The console on fake streams at a fixed size, its output rendered by a real terminal
// emulator (@xterm/headless), so tests assert on the visible screen (after ink-testing-
// library and Textual's pilot).
import { PassThrough } from 'node:stream';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import xterm from '@xterm/headless';
import unicode11 from '@xterm/addon-unicode11';
import { makePaths } from '../../src/system/paths.js';
import { makeRunner } from '../../src/system/runner.js';
import { seedDemo } from '../../src/demo.js';
import { openConsole } from '../../src/ui/main.js';
import type { ConsoleApp } from '../../src/ui/app.js';
import type { Profile, Tree } from '../../src/menu/types.js';
import { removeTree } from './cleanup.js';

const { Terminal } = xterm as unknown as { Terminal: typeof import('@xterm/headless').Terminal };

export const KEYS = {
  enter: '\r',
  esc: '\x1b',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  tab: '\t',
  btab: '\x1b[Z',
  f1: '\x1bOP',
  backspace: '\x7f',
  ctrlU: '\x15',
  ctrlC: '\x03',
} as const;

export interface Harness {
  app: ConsoleApp;
  root: string;
  press(...keys: string[]): Promise<void>;
  type(text: string): Promise<void>;
  lines(): string[];
  /** Per cell, its background: a palette colour 0-f, '.' the default, '#' inverse, '+' any other. */
  backgrounds(): string[];
  text(): string;
  /** The row of the highlighted menu item (inverse or blue background), trimmed. */
  selected(): string | undefined;
  /** The characters of the cell at column x, row y ('' for the second half of a wide one). */
  cell(x: number, y: number): string;
  /** Colours of the first cell of `text` on the screen: palette numbers, or 'default'. */
  colorsOf(text: string): { fg: number | 'default'; bg: number | 'default' } | undefined;
  waitFor(text: string | RegExp, ms?: number): Promise<void>;
  resize(cols: number, rows: number): Promise<void>;
  bytes(): number;
  exitCode(): number | undefined;
  close(): void;
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

export async function startConsole(
  /** `unicode`: the emulated terminal's width table: '6' (xterm.js' default, emoji narrow) or '11' (emoji wide, as most terminals today). */
  opts: { profile?: Profile; cols?: number; rows?: number; terminal?: string; uid?: number; root?: string; demo?: boolean; tree?: Tree; unicode?: '6' | '11'; keysAtStart?: string; firstBoot?: boolean } = {},
): Promise<Harness> {
  const cols = opts.cols ?? 80;
  const rows = opts.rows ?? 24;
  const root = opts.root ?? mkdtempSync(join(tmpdir(), 'cc-ui-'));
  const profile = opts.profile ?? 'appliance';
  const demo = opts.demo ?? true;
  if (demo) await seedDemo(root, profile);
  const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode(b: boolean) { (this as { isRaw: boolean }).isRaw = b; return this; } });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: cols, rows });
  const term = new Terminal({ cols, rows, allowProposedApi: true, convertEol: true });
  if (opts.unicode === '11') {
    term.loadAddon(new (unicode11 as unknown as { Unicode11Addon: new () => import('@xterm/headless').ITerminalAddon }).Unicode11Addon());
    term.unicode.activeVersion = '11';
  }
  let written = 0;
  let pending = Promise.resolve();
  output.on('data', (d: Buffer) => {
    written += d.length;
    pending = pending.then(() => new Promise<void>((r) => term.write(d, r)));
  });
  let exit: number | undefined;
  const paths = makePaths(root);
  const app = await openConsole(
    { paths, ctx: { paths, runner: makeRunner(paths) }, profile, demo, demoRoot: demo ? root : undefined, streams: { input, output, terminal: opts.terminal ?? 'xterm-256color' }, uid: opts.uid ?? 0, ...(opts.tree ? { tree: opts.tree } : {}), ...(opts.firstBoot ? { firstBoot: true } : {}) },
    (code) => (exit = code),
  );
  // typed before anything was read or drawn but the first frame (type-ahead at start)
  if (opts.keysAtStart) input.write(opts.keysAtStart);
  /**
   * Until the console is settled: every key decoded, every call it made answered (or its
   * progress on screen, for work that takes its time), and every byte it wrote drawn.
   */
  const settle = async () => {
    const end = Date.now() + 30_000;
    do {
      await new Promise((r) => setImmediate(r));
      await pending;
    } while (!app.settled && Date.now() < end);
    await pending;
  };
  await settle();
  const lines = () => {
    const out: string[] = [];
    for (let y = 0; y < term.rows; y++) out.push(term.buffer.active.getLine(y)?.translateToString(true) ?? '');
    return out;
  };
  const h: Harness = {
    app,
    root,
    async press(...keys) {
      for (const k of keys) {
        input.write(k);
        await settle();
      }
      await settle();
    },
    async type(text) {
      input.write(text);
      await settle();
    },
    lines,
    backgrounds() {
      const out: string[] = [];
      for (let y = 0; y < term.rows; y++) {
        const line = term.buffer.active.getLine(y);
        let row = '';
        for (let x = 0; x < term.cols; x++) {
          const c = line?.getCell(x);
          row += !c ? ' ' : c.isInverse() ? '#' : c.isBgDefault() ? '.' : c.isBgPalette() && c.getBgColor() < 16 ? c.getBgColor().toString(16) : '+';
        }
        out.push(row);
      }
      return out;
    },
    text: () => lines().join('\n'),
    cell: (x, y) => term.buffer.active.getLine(y)?.getCell(x)?.getChars() ?? '',
    colorsOf(text) {
      for (let y = 0; y < term.rows; y++) {
        const line = term.buffer.active.getLine(y);
        const x = line?.translateToString(true).indexOf(text) ?? -1;
        const c = x >= 0 ? line?.getCell(x) : undefined;
        if (c) return { fg: c.isFgDefault() ? 'default' : c.getFgColor(), bg: c.isBgDefault() ? 'default' : c.getBgColor() };
      }
      return undefined;
    },
    selected() {
      for (let y = 0; y < term.rows; y++) {
        const line = term.buffer.active.getLine(y);
        if (!line) continue;
        // a highlighted item: a run of ≥ 20 cells, inverse or on a blue background, past the border
        const text = line.translateToString(true);
        const start = Math.max(text.indexOf('│'), text.indexOf('|'));
        if (start < 0 || y < 3) continue;
        let run = 0;
        for (let x = start + 1; x < term.cols - 3; x++) {
          const c = line.getCell(x);
          const hi = c && (c.isInverse() || (c.isBgPalette() && c.getBgColor() === 4));
          run = hi ? run + 1 : 0;
          if (run >= 20) return text.replace(/[│|┌┐└┘─]/g, '').trim();
        }
      }
      return undefined;
    },
    async waitFor(text, ms = 15_000) { // generous: only a failure waits this long, and CI machines are busy
      const end = Date.now() + ms;
      const has = () => (typeof text === 'string' ? h.text().includes(text) : text.test(h.text()));
      while (!has()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${String(text)}; screen:\n${h.text()}`);
        await tick(20);
        await pending;
      }
    },
    async resize(c, r) {
      output.columns = c;
      output.rows = r;
      term.resize(c, r);
      const before = app.frames;
      output.emit('resize');
      // blessed redraws on its own resize event: wait for that frame
      const end = Date.now() + 15_000;
      while (app.frames === before && Date.now() < end) await tick(5);
      await settle();
    },
    bytes: () => written,
    exitCode: () => exit,
    close() {
      app.stop();
      try {
        app.screen.destroy();
      } catch {
        /* already gone */
      }
      term.dispose();
      if (!opts.root) removeTree(root);
    },
  };
  return h;
}

/** startConsole for the test that calls it: the console is closed when the test ends, passed or not (once: a test may close it itself). */
export async function startConsoleForTest(opts: Parameters<typeof startConsole>[0] = {}): Promise<Harness> {
  const h = await startConsole(opts);
  const close = h.close;
  let open = true;
  h.close = () => {
    if (open) close();
    open = false;
  };
  onTestFinished(() => h.close());
  return h;
}

/**
 * A demo appliance's root (seedDemo) for the test that calls it, in a new temp dir whose name
 * starts with `prefix`, removed when the test ends; `netplan` (file name under etc/netplan → text)
 * written over the demo's files, 0600 as netplan wants them, after `first(root)` (what must see
 * the demo's own files first). → the root, for startConsole.
 */
export async function demoRootWith(prefix: string, profile: Profile, netplan: Record<string, string>, first?: (root: string) => void): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => removeTree(root));
  await seedDemo(root, profile);
  first?.(root);
  for (const [name, text] of Object.entries(netplan)) writeFileSync(join(root, 'etc/netplan', name), text, { mode: 0o600 });
  return root;
}
