// The installed single executable's first stage: all its V8 start-up snapshot holds (built by
// packaging/build-exe.mjs). It writes the console's first frame at once, for the common start
// only: the console (no command) on a terminal whose TERM, size and character set a first frame
// was recorded for at build time, the appliance's console and host read here (ui/firstframe.ts).
// Then it compiles the second stage, the whole console (src/sea.ts), from the executable's assets
// with the code cache made at build time, and hands it the frame it wrote: the console checks its
// own first frame against it byte for byte and draws only if they differ (ui/main.ts). Anything
// else (a command, --help, an unusual terminal, a first frame not recorded) goes to the second
// stage at once, which then does everything as a plain start does. Keys typed meanwhile stay in
// the terminal's input queue (raw mode: not echoed) until the console reads them, in order.
import { existsSync, readFileSync } from 'node:fs';
import { isatty } from 'node:tty';
import v8 from 'node:v8';
import vm from 'node:vm';
import { demoRoot, makePaths } from './system/paths.js';
import { firstFrame, frameKey, type FrameTemplate } from './ui/firstframe.js';
import { utf8Locale } from './ui/locale.js';
import { seaAssets, type Assets, type Sea } from './seafile.js';
// the entry exports nothing: the snapshot builder runs it as a script, without `module`
import { applianceOf, consoleArgs, DEMO_HOSTS, lexists } from './firststart.js';

/** Environment blessed reads besides TERM and the locale: with any of these set, the console draws its own frame. */
const UNUSUAL_ENV = ['TMUX', 'TERMINFO', 'TERMINFO_DIRS', 'TERMCAP', 'TERM_PROGRAM', 'VTE_VERSION', 'COLORTERM', 'XTERM_VERSION', 'NCURSES_CJK_WIDTH', 'NCURSES_UNICODE', 'NCURSES_NO_PADDING', 'NCURSES_NO_SETBUF', 'NCURSES_NO_MAGIC_COOKIE'];

/**
 * The console's first frame written now (and what leaves it again), or undefined when this start
 * is not one the first stage knows exactly.
 */
function drawFirst(sea: Assets, args: string[]): { drawn: string; leave: string } | undefined {
  const a = consoleArgs(args);
  const env = process.env;
  const term = env.TERM ?? '';
  if (!a || !isatty(0) || !isatty(1) || !/^[a-z0-9.-]+$/.test(term) || UNUSUAL_ENV.some((k) => env[k] !== undefined)) return undefined;
  const root = a.root ?? (a.demo ? demoRoot() : env.CONFCONSOLE_ROOT || '/');
  const paths = makePaths(root);
  let profile: 'appliance' | 'vsensor';
  let hostname: string;
  let demo = a.demo;
  if (a.demo && !lexists(root)) {
    // a fresh demo: seeded by the console as the appliance's
    profile = 'appliance';
    hostname = DEMO_HOSTS.appliance;
  } else {
    if (!existsSync(paths.settingsIni) || !existsSync(paths.hostname)) return undefined;
    const ini = applianceOf(readFileSync(paths.settingsIni, 'utf8'));
    if (!ini) return undefined;
    profile = ini.profile;
    demo ||= ini.demo || lexists(paths.demoMarker);
    hostname = readFileSync(paths.hostname, 'utf8').trim() || 'localhost';
  }
  const out = process.stdout as NodeJS.WriteStream;
  let template: FrameTemplate;
  try {
    const at = (JSON.parse(sea.text('frames.index')) as Record<string, [number, number] | undefined>)[frameKey(profile, term, out.columns, out.rows, utf8Locale())];
    if (!at) return undefined; // no first frame recorded for this terminal
    template = JSON.parse(sea.slice('frames', at[0], at[1])) as FrameTemplate;
  } catch {
    return undefined; // no first frame recorded for this terminal
  }
  const frame = firstFrame(template, hostname, demo ? root : undefined);
  if (frame === undefined) return undefined;
  // guarded before it is written: a signal read between the write and a later listener would end
  // us by default, the frame left raw on the alternate screen
  leaveOnSignal(template.leave);
  // keys typed from now on wait in the terminal's queue for the console, not echoed
  out.write(frame);
  (process.stdin as NodeJS.ReadStream).setRawMode(true);
  return { drawn: frame, leave: template.leave };
}

/**
 * Until the console guards the terminal itself (ui/terminal.ts guardTerminal removes these), a
 * SIGTERM, SIGINT or SIGHUP leaves the first frame (blessed's leave sequence, raw mode off) and
 * ends as the console would (exit 143 or 130; SIGHUP raised again): the second stage takes up to
 * a few hundred ms to compile, and without a listener the signal would end us with the terminal
 * raw on the alternate screen. Handled once the compile yields, before the console reads a key.
 */
function leaveOnSignal(leave: string): void {
  const early: [NodeJS.Signals, () => void][] = [];
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 0]] as const) {
    const fn = (): void => {
      // the second stage's last resort (src/sea.ts leaveUntaken, on exit) must not leave it again
      (globalThis as { confconsoleFrameLeft?: boolean }).confconsoleFrameLeft = true;
      process.stdout.write(leave);
      try {
        (process.stdin as NodeJS.ReadStream).setRawMode(false);
      } catch {
        /* the terminal is gone */
      }
      if (code) process.exit(code);
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    };
    process.on(signal, fn);
    early.push([signal, fn]);
  }
  (globalThis as { confconsoleEarlySignals?: typeof early }).confconsoleEarlySignals = early;
}

/** The second stage (src/sea.ts) compiled with its code cache and run, `drawn` handed to it. */
function second(sea: Assets, args: string[], first: { drawn: string; leave: string } | undefined): void {
  const script = compile(sea);
  // Node's own modules the console loads (packaging/stage2-build.cjs lists them), loaded now: after
  // leanHeap their code caches would be refused too (58 of them: 0.5 MB and 10 ms of every start)
  for (const m of sea.text('builtins.list').split('\n')) {
    try {
      if (m) require(m);
    } catch {
      /* not in this Node: the console loads what it has */
    }
  }
  const lean = leanHeap();
  // (package test: a refused cache costs a full parse, 9 MB more RSS and 150 ms)
  if (env('CONFCONSOLE_DEBUG_START')) process.stderr.write(`confconsole: code cache ${script.cachedDataRejected ? 'rejected' : 'accepted'}; V8 ${lean ? 'lean' : 'defaults'}; assets ${sea.read ? 'read' : 'mapped'}\n`);
  // each terminal's parsed terminfo is its own asset: a start parses only the one it uses
  const terms = sea.text('terminfo.list').split('\n').filter(Boolean);
  const terminfo = (t: string): unknown => JSON.parse(sea.text(`terminfo/${t}`));
  const collect = lean ? collector() : undefined;
  (globalThis as { confconsoleStage2?: object }).confconsoleStage2 = { mode: 'run', args, terms, terminfo, collect, ...first };
  const fn = script.runInThisContext() as (exports: object, req: NodeRequire, module: object, filename: string, dirname: string) => void;
  const module = { exports: {} };
  fn(module.exports, require, module, process.execPath, process.execPath.replace(/\/[^/]*$/, ''));
  // the modules' top levels leave garbage in the old generation (2.4 MB, measured: intermediate
  // objects that outlived a young-generation collection), where only a full collection frees it
  // and V8 would not run one for a while: freed now, the console's start reuses that space
  collect?.();
}

const env = (k: string): string | undefined => process.env[k];

/**
 * The second stage compiled with its code cache. A function of its own so that the cache's buffer
 * is garbage once it returns: V8 needs it only while it compiles.
 */
function compile(sea: Assets): vm.Script {
  return new vm.Script(sea.text('stage2.js'), { filename: 'confconsole.cjs', cachedData: sea.bytes('stage2.cache') });
}

/**
 * A full garbage collection, for the moments when the start has just left garbage behind (here, and
 * ui/main.ts before the screen is made: 1.1 MB less RSS at the main menu, for 13 ms of the start
 * after the first frame is up, measured). V8 gives one only to a context made after --expose-gc:
 * a small one, made once and then garbage itself.
 */
function collector(): (() => void) | undefined {
  v8.setFlagsFromString('--expose-gc');
  const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
  return typeof gc === 'function' ? (gc as () => void) : undefined; // a V8 whose flags are frozen: none
}

/**
 * V8 tuned for a console that mostly waits for a key, set once the second stage is compiled
 * (before, the flags would change V8's flag hash and the code cache would be refused, costing a
 * full parse). Each flag is one V8 reads whenever it decides, not only at start-up, so setting it
 * now is safe (node's v8.setFlagsFromString warns about the others):
 * - `--semi-space-growth-factor=1`: the young generation stays at its first 1 MB per semi-space
 *   instead of doubling to 8 while the console's modules load (measured: 5.5 MB less RSS);
 * - `--no-turbofan --no-sparkplug`: no optimizing or baseline compiler, whose code pages and
 *   compile zones cost 5 MB of RSS; a console's code is not hot (the benchmark's Interface stats
 *   CPU says what this costs).
 * CONFCONSOLE_V8_DEFAULTS=1 leaves V8 as it is (for comparison). Returns whether the flags were set.
 */
function leanHeap(): boolean {
  if (env('CONFCONSOLE_V8_DEFAULTS')) return false;
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  v8.setFlagsFromString('--no-turbofan');
  v8.setFlagsFromString('--no-sparkplug');
  return true;
}

if (v8.startupSnapshot?.isBuildingSnapshot()) {
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sea = seaAssets(require('node:sea') as Sea, Boolean(env('CONFCONSOLE_SEA_MAPPED')));
    // a single executable's argv is [exe, how it was called, ...args] (Node repeats argv[0])
    const args = process.argv.slice(2);
    let first: ReturnType<typeof drawFirst>;
    try {
      first = env('CONFCONSOLE_ONE_STAGE') ? undefined : drawFirst(sea, args);
    } catch {
      first = undefined; // anything unexpected: the console starts as a plain start does
    }
    try {
      second(sea, args, first);
    } catch (e) {
      // the console did not start: the terminal is given back as it was before the frame
      if (first) {
        process.stdout.write(first.leave);
        try {
          (process.stdin as NodeJS.ReadStream).setRawMode(false);
        } catch {
          /* not a terminal any more */
        }
      }
      throw e;
    }
  });
}
