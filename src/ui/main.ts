// Opens the console on the process's terminal (or on given streams, for tests).
import { spawnSync } from 'node:child_process';
import type { Ctx } from '../core/types.js';
import { hostnameOf } from '../features/appliance/index.js';
import { conditions } from '../menu/conditions.js';
import { loadTree } from '../menu/trees.js';
import type { Profile, Tree } from '../menu/types.js';
import { logInternal } from '../system/log.js';
import type { Paths } from '../system/paths.js';
import { ConsoleApp } from './app.js';
import { canDraw, createScreen, guardTerminal, handoff, holdOutput, restoreTty, terminalLent, type TerminalStreams } from './terminal.js';
import { loginShell } from '../features/shell/index.js';
import { firstBootNeeded } from '../features/firstboot/index.js';

export interface ConsoleOptions {
  paths: Paths;
  ctx: Ctx;
  profile: Profile;
  demo: boolean;
  demoRoot?: string | undefined;
  /** Streams other than the process's (tests); then no signal handlers are installed. */
  streams?: TerminalStreams;
  uid?: number;
  /** Another tree (tests of small trees of their own). */
  tree?: Tree;
  /** The interactive console's start: ask the tree's first-boot steps when none is recorded done. */
  firstBoot?: boolean;
}

export async function openConsole(o: ConsoleOptions, onExit: (code: number) => void): Promise<ConsoleApp> {
  const tree = o.tree ?? loadTree(o.profile);
  // the title names the host: read before the first frame; the rest is read after it
  const hostname = await hostnameOf(o.paths.hostname);
  const streams: TerminalStreams = o.streams ?? { input: process.stdin, output: process.stdout, terminal: pickTerm(process.env.TERM) };
  // the installed executable's first stage drew this first frame already: what this one writes
  // is held back and checked against it (written only when it differs)
  const drawn = o.streams ? undefined : handoff.drawn;
  handoff.drawn = undefined;
  const held = drawn === undefined ? undefined : holdOutput();
  let app: ConsoleApp;
  // everything is loaded (the installed executable: a full collection frees what loading left)
  handoff.collect?.();
  try {
    const screen = createScreen(streams, `${hostname} - ${tree.title}`);
    app = new ConsoleApp({
      screen,
      tree,
      conditions: conditions({ demo: o.demo, uid: o.uid ?? process.getuid?.() ?? 0 }),
      ctx: o.ctx,
      hostname,
      demoRoot: o.demoRoot,
      onExit,
      logInternal: (err, where) => logInternal(o.paths, err, where),
    });
    app.start();
  } catch (e) {
    // not taken over: the first stage's frame is left again on the way out (src/sea.ts leaveUntaken)
    if (drawn !== undefined) handoff.drawn = drawn;
    throw e;
  } finally {
    if (held && drawn !== undefined) held.open(drawn);
  }
  // Shell's banner names the admin user (appliance.ini): needed only when Shell is chosen
  app.shellProgram = loginShell(o.paths);
  const steps = o.firstBoot && firstBootNeeded(o.paths) ? (tree.firstBoot ?? []) : [];
  if (steps[0]) app.dispatch({ type: 'start', item: steps[0], then: steps.slice(1) });
  return app;
}

/** A TERM blessed can drive; a dumb or unset one falls back to vt100. */
function pickTerm(term: string | undefined): string {
  if (!term || term === 'dumb' || term === 'unknown') return 'vt100';
  return term;
}

export async function runConsole(o: ConsoleOptions): Promise<number> {
  // a terminal that cannot draw gets numbered menus and plain prompts, never escape codes
  if (!o.streams && !canDraw(process.env.TERM)) return runLines(o);
  let app: ConsoleApp | undefined;
  let screen: import('blessed').Widgets.Screen | undefined;
  guardTerminal(() => screen, () => app?.stop());
  return new Promise<number>((resolve, reject) => {
    openConsole(o, (code) => {
      app?.stop();
      restoreTty(screen);
      resolve(code);
    }).then((a) => {
      app = a;
      screen = a.screen;
    }, reject);
  });
}

/** The console in line mode on the process's terminal (a dumb one): the same tree and flow. */
async function runLines(o: ConsoleOptions): Promise<number> {
  const { runLineMode } = await import('./linemode.js');
  const tree = o.tree ?? loadTree(o.profile);
  const hostname = await hostnameOf(o.paths.hostname);
  // a secret's prompt turns echo off: whatever ends the console, the terminal echoes again
  const leave = (code: number) => {
    if (process.stdin.isTTY) spawnSync('stty', ['echo'], { stdio: ['inherit', 'ignore', 'ignore'] });
    process.stdout.write('\n');
    process.exit(code);
  };
  process.on('SIGINT', () => terminalLent.now || leave(130));
  process.on('SIGTERM', () => leave(143));
  process.stdout.write(
    `${hostname} - ${tree.title}${o.demo ? ` - DEMO appliance (files in ${o.demoRoot ?? o.paths.root})` : ''}\n` +
      `Line mode: this terminal (TERM=${process.env.TERM || 'unset'}) cannot draw screens. Type an item's key and Enter; 0 goes back, ? is help, Enter answers a text.\n`,
  );
  return runLineMode({
    tree,
    conditions: conditions({ demo: o.demo, uid: o.uid ?? process.getuid?.() ?? 0 }),
    ctx: o.ctx,
    input: process.stdin,
    output: process.stdout,
    logInternal: (err, where) => logInternal(o.paths, err, where),
    shell: await loginShell(o.paths),
    ...(o.firstBoot && tree.firstBoot && firstBootNeeded(o.paths) ? { start: tree.firstBoot } : {}),
  });
}
