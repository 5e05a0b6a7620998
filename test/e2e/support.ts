// A small tmux driver for the end-to-end tests: every console runs in its own tmux server
// (own socket), on a fresh demo root, with the shell printing the exit code (and, on request,
// `stty -a`) after it, so the tests can look at the code and at the terminal it leaves.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeTree } from '../support/cleanup.js';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
export const bin = join(repo, 'bin', 'confconsole');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Quotes a word for sh. */
export const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface StartOptions {
  /** TERM the console sees (default xterm-256color). */
  term?: string;
  /** Extra confconsole arguments after `--root DIR --demo`. */
  args?: string[];
  /** false: the root is a real (test) appliance root, not a demo (no --demo). */
  demo?: boolean;
  /** Shell commands run after the console ends (after `echo EXITED:$?`). */
  after?: string;
  cols?: number;
  rows?: number;
  /** Text to wait for before start() returns (default: the welcome dialog). */
  ready?: string | RegExp | null;
  /** Environment variables the console gets (e.g. LANG). */
  env?: Record<string, string>;
}

/** A fresh temp dir; `root` in it is where the console seeds its demo appliance. */
export function freshRoot(): { dir: string; root: string } {
  // A short path keeps the title bar's "DEMO appliance (files in …)" whole at 80 columns.
  const dir = mkdtempSync(join(tmpdir(), 'cce2e-'));
  return { dir, root: join(dir, 'r') };
}

export class Console {
  readonly socket = `cc-e2e-${randomBytes(6).toString('hex')}`;
  /** This console's temp dir: its root (unless given) and its own terminfo cache. */
  readonly dir: string;
  readonly root: string;
  private alive = false;

  constructor(root?: string) {
    const fresh = freshRoot();
    this.dir = fresh.dir;
    this.root = root ?? fresh.root;
  }

  /** Runs tmux on this console's own server. */
  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-f', '/dev/null', '-L', this.socket, ...args], { encoding: 'utf8', timeout: 5000 });
  }

  async start(o: StartOptions = {}): Promise<this> {
    const term = o.term ?? 'xterm-256color';
    const args = ['--root', this.root, ...(o.demo === false ? [] : ['--demo']), ...(o.args ?? [])];
    // tmux sets TERM from default-terminal whatever -e says: set it in the command too.
    const cmd =
      // Own terminfo cache: every console compiles what it needs, no test shares a half-written file.
      `TERM=${shq(term)}; XDG_CACHE_HOME=${shq(join(this.dir, 'cache'))}; export TERM XDG_CACHE_HOME; ${Object.entries(o.env ?? {}).map(([k, v]) => `export ${k}=${shq(v)}; `).join('')}cd ${shq(repo)} && node ${shq(bin)} ${args.map(shq).join(' ')}; ` +
      `echo EXITED:$?; ${o.after ? o.after + '; ' : ''}sleep 60`;
    this.tmux('new-session', '-d', '-x', String(o.cols ?? 80), '-y', String(o.rows ?? 24), '-e', `TERM=${term}`, cmd);
    this.alive = true;
    // Keep the pane's size fixed to what we asked for (no client is attached).
    this.tmux('set-option', '-g', 'window-size', 'manual');
    const ready = o.ready === undefined ? 'Welcome' : o.ready;
    if (ready !== null) await this.waitFor(ready, 30_000);
    return this;
  }

  /** The visible screen as text. */
  screen(): string {
    return this.tmux('capture-pane', '-p');
  }

  /** The visible screen with SGR escapes (to see which button is shown inverse). */
  screenWithAttrs(): string {
    return this.tmux('capture-pane', '-p', '-e');
  }

  /** Sends tmux key names (Enter, Escape, C-u, F1, Tab, a, 1...). */
  keys(...keys: string[]): void {
    this.tmux('send-keys', ...keys);
  }

  /** Types literal text. */
  type(text: string): void {
    this.tmux('send-keys', '-l', text);
  }

  /** Sends a key and lets the console settle (Esc is debounced ~40 ms by the console). */
  async press(key: string, settleMs = 60): Promise<void> {
    this.keys(key);
    await sleep(key === 'Escape' ? Math.max(settleMs, 120) : settleMs);
  }

  /** Polls the screen until `what` appears; fails with the last screen in the message. */
  async waitFor(what: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      try {
        last = this.screen();
      } catch (e) {
        last = `(capture-pane failed: ${(e as Error).message})`;
      }
      if (typeof what === 'string' ? last.includes(what) : what.test(last)) return last;
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(what)}; last screen:\n${frame(last)}`);
      await sleep(40);
    }
  }

  /** Polls until `what` is no longer on the screen. */
  async waitGone(what: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = this.screen();
      if (!(typeof what === 'string' ? last.includes(what) : what.test(last))) return last;
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(what)} to go; last screen:\n${frame(last)}`);
      await sleep(40);
    }
  }

  /** Waits until the screen shows the given menu (its box title) and returns the screen. */
  menu(title: string): Promise<string> {
    return this.waitFor(new RegExp(`─ ${escapeRe(title)} ─|- ${escapeRe(title)} -|q ${escapeRe(title)} q`));
  }

  /** The exit code the shell printed after the console ended. */
  async exitCode(timeoutMs = 15_000): Promise<number> {
    const s = await this.waitFor(/EXITED:\d+/, timeoutMs);
    return Number(/EXITED:(\d+)/.exec(s)?.[1]);
  }

  /** The pid of the shell tmux runs in the pane. */
  panePid(): number {
    return Number(this.tmux('list-panes', '-F', '#{pane_pid}').trim());
  }

  /**
   * The pid of the console's node process: on a terminal bin/confconsole is a guard (the pane
   * shell's child) that runs the console as its own child; that child is the console.
   */
  consolePid(): number {
    const nodeUnder = (ppid: number) => Number(spawnSync('pgrep', ['-P', String(ppid), '-x', 'node'], { encoding: 'utf8' }).stdout.trim().split('\n')[0]);
    const guard = nodeUnder(this.panePid());
    if (!guard) throw new Error(`no node process under the pane shell ${this.panePid()}`);
    return nodeUnder(guard) || guard;
  }

  file(p: string): string {
    return readFileSync(join(this.root, p), 'utf8');
  }

  fileOr(p: string, dflt = ''): string {
    const f = join(this.root, p);
    return existsSync(f) ? readFileSync(f, 'utf8') : dflt;
  }

  /** Runs a non-interactive confconsole command on this root. */
  cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [bin, '--root', this.root, ...args], { encoding: 'utf8', cwd: repo, timeout: 20_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  close(): void {
    if (this.alive) {
      let socketPath = '';
      try {
        socketPath = this.tmux('display-message', '-p', '#{socket_path}').trim();
        this.tmux('kill-server');
      } catch {
        /* already gone */
      }
      // tmux leaves its socket file behind
      if (socketPath.includes(this.socket)) rmSync(socketPath, { force: true });
      this.alive = false;
    }
    removeTree(this.dir);
  }
}

/** The screen with a ruler, for failure messages. */
export function frame(s: string): string {
  return s
    .split('\n')
    .map((l) => `|${l}`)
    .join('\n');
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The button shown inverse (focused) on the screen: `< Yes >`-style labels. */
export function focusedButton(withAttrs: string): string | undefined {
  // tmux writes an SGR with 7 (reverse) before the focused button's text, possibly followed by
  // SGRs of other attributes (a colour the cells before it did not have: erased cells keep the
  // default foreground) but none that ends reverse (0, 27).
  const other = String.raw`(?:\x1b\[(?:(?:[1-689]|(?!27)[1-9][0-9]+)(?:;(?:[1-689]|(?!27)[1-9][0-9]+))*)m)*`;
  const m = new RegExp(String.raw`\x1b\[(?:[0-9;]*;)?7(?:;[0-9;]*)?m` + other + String.raw`([^\x1b]*<[^>\x1b]*>)`).exec(withAttrs);
  return m?.[1]?.trim();
}

/** Waits until `button` is the focused one; fails with the screen. */
export async function expectFocus(c: Console, button: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let got: string | undefined;
  while (Date.now() < end) {
    got = focusedButton(c.screenWithAttrs());
    if (got === button) return;
    await sleep(40);
  }
  if (got !== button) throw new Error(`focused button: ${got ?? 'none'}, not ${button}; screen:\n${c.screen()}`);
}

/**
 * `stty -a`, then a line that says all of it is on the screen: stty writes line by line, so its
 * first line ("speed N baud") can be drawn before the lines with the flags.
 */
export const STTY = 'stty -a; echo STTY-DONE';
/** The line STTY prints last. */
export const STTY_DONE = /^STTY-DONE$/m;

/** Settings flags of `stty -a`, as words (`echo`, `-echo`, `icanon`...). */
export function sttyFlags(screen: string): Set<string> {
  const after = screen.slice(screen.indexOf('EXITED:'));
  return new Set(after.split(/[\s;]+/).filter(Boolean));
}

/** Consoles a test opened, closed (tmux server killed, root removed) after each test. */
export function consoles(): { open(root?: string): Console; closeAll(): void } {
  const open: Console[] = [];
  return {
    open(root?: string) {
      const c = new Console(root);
      open.push(c);
      return c;
    },
    closeAll() {
      for (const c of open.splice(0)) c.close();
    },
  };
}

/** The `server HOST iburst` lines of a chrony.conf, in order. */
export function chronyServers(conf: string): string[] {
  return [...conf.matchAll(/^server\s+(\S+)\s+iburst\s*$/gm)].map((m) => m[1] ?? '');
}

/** `[services] names` of an appliance.ini. */
export function serviceNames(ini: string): string[] {
  let section = '';
  for (const line of ini.split('\n')) {
    const h = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (h) section = h[1] ?? '';
    const kv = /^\s*names\s*=\s*(.*?)\s*$/.exec(line);
    if (section === 'services' && kv) {
      const v = kv[1] ?? '';
      return (v.startsWith('"') ? (JSON.parse(v) as string) : v).split(/\s+/).filter(Boolean);
    }
  }
  return [];
}

/** One step of a manual procedure replayed in the terminal (test/e2e/manual.test.ts, topology.test.ts). */
export interface Step {
  /** The manual's words for the step (its number first). */
  manual: string;
  /** What the screen shows when the step can be taken. */
  screen: string | RegExp;
  /** Typed into the field on show (its old value cleared first); '' only clears it. */
  value?: string;
  /** The value is a secret: never echoed, so there is nothing to wait for (keys arrive in order). */
  masked?: true;
  /** tmux keys after the value: the manual's OK, Yes, Done (Enter) or Cancel (Escape). */
  keys: string[];
}

/** Takes each step: waits for its screen (30 s, the step named when it does not come), types its value, presses its keys. */
export async function replay(c: Console, steps: Step[]): Promise<void> {
  for (const s of steps) {
    try {
      await c.waitFor(s.screen, 30_000);
    } catch (e) {
      throw new Error(`manual step "${s.manual}": its screen did not come\n${(e as Error).message}`);
    }
    if (s.value !== undefined) {
      c.keys('C-u');
      if (s.value !== '') {
        c.type(s.value);
        if (!s.masked) await c.waitFor(s.value);
      }
    }
    c.keys(...s.keys);
  }
}
