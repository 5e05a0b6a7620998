// The installed single executable's second stage (packaging/build-exe.mjs): the whole console,
// bundled into one CommonJS file that the first stage (src/sea1.ts, the V8 start-up snapshot)
// compiles from a single-executable asset with a V8 code cache made at build time, after it has
// written the first frame. Three ways this bundle runs (globalThis.confconsoleStage2 says which):
//  - `build`: in the build, under this same Node: the terminals' terminfo is parsed, every start's
//    work done once (so the code cache holds it compiled), and the first frames recorded as
//    templates for the first stage (ui/firstframe-record.ts); results handed back, main not run;
//  - `run`: in the executable, from the first stage: terminfo from its assets, then main, which
//    checks its first frame against the one the first stage drew (ui/main.ts);
//  - neither (a plain bundle, for trying the build): the same main.
import blessed from 'blessed';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from './cli.js';
import { init } from './flow/model.js';
import { breadcrumb, view } from './flow/view.js';
import { loadTree, treesCheckedAtBuild } from './menu/trees.js';
import { openStageMap } from './system/stackmap.js';
import { readSettingsSync } from './system/settings.js';
import { parseCommandLine } from './commands/parse.js';
import { seedDemo } from './demo.js';
import { makePaths } from './system/paths.js';
import { makeRunner } from './system/runner.js';
import { ConsoleApp, WELCOME_KEYS } from './ui/app.js';
import { Draw } from './ui/draw.js';
import { layout } from './ui/layout.js';
import { builtinTerms, createScreen } from './ui/terminal.js';
import { frameTemplate } from './ui/firstframe-record.js';
import { frameKey, type FrameTemplate } from './ui/firstframe.js';
import { handoff } from './ui/terminal.js';
import type { Profile } from './menu/types.js';

interface TputLike {
  terminal: string;
  readTerminfo(term?: string): unknown;
  compileTerminfo(term?: string): unknown;
  compile(info: unknown): unknown;
  detectFeatures(info: unknown): unknown;
}
type TputClass = { new (o: object): TputLike; prototype: TputLike; ipaths: unknown[]; cpaths: unknown[] };
const Tput = (blessed as unknown as { Tput: TputClass }).Tput;

/** Parsed terminfo of the common terminals, read at build time (clamped where blessed cannot parse it). */
const parsed = new Map<string, unknown>();
/** At run time: the parsed entry of a TERM from the executable's assets (undefined: none). */
let parsedAsset: (term: string) => unknown = () => undefined;
const parsedOf = (term: string): unknown => {
  if (!parsed.has(term)) parsed.set(term, parsedAsset(term));
  return parsed.get(term);
};
/**
 * The terminals the first stage has first frames for (their first frames are also drawn here
 * at build time, so the code cache holds blessed's drawing compiled): the VGA console, the usual
 * SSH clients' and the multiplexers'.
 */
export const FRAME_TERMS = ['xterm-256color', 'linux', 'xterm', 'screen', 'vt100'];
/** The sizes the first stage has first frames for: the usual terminal windows and VGA/framebuffer consoles. */
export const FRAME_SIZES: [number, number][] = [[80, 24], [80, 25], [80, 30], [100, 30], [100, 37], [120, 40], [128, 48], [132, 43], [160, 50]];

/**
 * Build time: parse each TERM of `terms` from `dir` (a terminfo tree the build compiled with
 * `tic`, Debian's 32-bit numbers clamped), and draw one frame on fake streams so blessed's
 * lazy parts are evaluated too. Returns the names that were found.
 */
function warm(dir: string, terms: string[]): string[] {
  const t = Object.create(Tput.prototype) as TputLike & { terminfoFile?: string; terminfoPrefix?: string; options: object };
  t.options = {};
  for (const term of terms) {
    try {
      t.terminfoPrefix = dir;
      parsed.set(term, t.readTerminfo(`${dir}/${term[0]}/${term}`));
    } catch {
      /* not on the build machine: read at run time as in a checkout */
    }
  }
  useParsed();
  for (const t of parsed.keys()) builtinTerms.add(t);
  // what every start does before its first frame, done here once: the menu trees checked, the
  // settings schema used (zod builds its parsers on first use)
  for (const p of ['appliance', 'vsensor'] as const) loadTree(p);
  // the command line read (as the console's start reads it: without the command table, cli.ts),
  // a fresh demo seeded and its settings read (next to the build's terminfo, a fixed path:
  // nothing random reaches the snapshot; removed again)
  parseCommandLine(['--root', '/nonexistent', '--demo'], []);
  const demo = join(dir, '..', 'warm-demo');
  rmSync(demo, { recursive: true, force: true });
  const paths = makePaths(demo);
  try {
    void seedDemo(paths.root, 'appliance');
    readSettingsSync(paths.settingsIni);
  } finally {
    rmSync(demo, { recursive: true, force: true });
  }
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80, rows: 24 });
  output.resume();
  // the first frames (welcome, then the menu) drawn as the console draws them
  for (const term of FRAME_TERMS) {
    if (!parsed.has(term)) continue;
    const screen = createScreen({ input: input as never, output: output as never, terminal: term }, 'warm-up');
    const list = blessed.list({ parent: screen, items: ['1 warm-up'], border: 'line', keys: true });
    list.focus();
    screen.render();
    list.destroy();
    const tree = loadTree('appliance');
    // the console's own start on the welcome screen (its reads left out: nothing is run here)
    const app = new ConsoleApp({
      screen,
      tree: { ...tree, status: undefined, notice: undefined },
      conditions: {},
      ctx: { paths, runner: makeRunner(paths) },
      hostname: 'localhost',
      onExit: () => {},
      logInternal: () => '',
    });
    app.start();
    app.stop();
    const d = new Draw(screen);
    const welcome = init(tree, {}, WELCOME_KEYS);
    for (const m of [welcome, { ...welcome, stack: welcome.stack.slice(0, 1) }]) {
      const local = { identity: '', button: 0, scroll: 0, edits: [], spin: 0 };
      d.draw(layout(view(m), local, d.size(), { hostname: 'localhost', consoleName: tree.title, demoRoot: undefined, breadcrumb: breadcrumb(m) }, 0));
      screen.render();
    }
    screen.destroy();
  }
  return [...parsed.keys()];
}

let patched = false;
/**
 * The parsed entries are used for those TERMs (unless TERMINFO points elsewhere); blessed's own
 * fall-back (a file next to its sources, which a single executable does not have) becomes the
 * parsed xterm entry.
 */
function useParsed(): void {
  if (patched) return;
  patched = true;
  const original = Tput.prototype.readTerminfo;
  const proto = Tput.prototype as TputLike & { _useXtermInfo(): unknown; _useInternalInfo(): unknown; inject(i: unknown): unknown };
  proto._useXtermInfo = proto._useInternalInfo = function (this: typeof proto) {
    return this.inject(this.compile(structuredClone(parsedOf('xterm'))));
  };
  Tput.prototype.readTerminfo = function (this: TputLike, term?: string) {
    const name = term ?? this.terminal;
    const info = process.env.TERMINFO ? undefined : parsedOf(name);
    // a copy: compile() adds to the object it is given
    return info ? structuredClone(info) : original.call(this, term);
  };
}

/** blessed computed its search paths from the builder's environment: compute them from this one. */
function searchPaths(): void {
  const env = process.env;
  Tput.ipaths.splice(0, Tput.ipaths.length, env.TERMINFO || '', (env.TERMINFO_DIRS || '').split(':'), (env.HOME || '') + '/.terminfo',
    '/usr/share/terminfo', '/usr/share/lib/terminfo', '/usr/lib/terminfo', '/usr/local/share/terminfo', '/usr/local/share/lib/terminfo',
    '/usr/local/lib/terminfo', '/usr/local/ncurses/lib/terminfo', '/lib/terminfo');
  Tput.cpaths.splice(0, Tput.cpaths.length, env.TERMCAP || '', (env.TERMPATH || '').split(/[: ]/), (env.HOME || '') + '/.termcap',
    '/usr/share/misc/termcap', '/etc/termcap');
}

/** What the build hands this bundle, and what it gets back. */
interface BuildStage {
  mode: 'build';
  terminfo: string;
  terms: string[];
  /** Filled here: parsed terminfo by TERM, first-frame templates by key (ui/firstframe.ts). */
  parsed?: Record<string, unknown>;
  frames?: Record<string, FrameTemplate>;
  done?: Promise<void>;
}
/** What the first stage hands this bundle in the executable (src/sea1.ts). */
interface RunStage {
  mode: 'run';
  args: string[];
  /** The TERMs whose parsed terminfo the executable carries, and a reader of one. */
  terms: string[];
  terminfo(term: string): unknown;
  /** The first frame the first stage wrote, if it did, and what leaves it again. */
  drawn?: string | undefined;
  leave?: string | undefined;
  /** A full garbage collection (unset with CONFCONSOLE_V8_DEFAULTS). */
  collect?: () => void;
}

/**
 * Until the console takes the first stage's frame over (ui/main.ts), a start that ends another
 * way (a message on stderr: a damaged appliance.ini, a root that cannot be seeded; or an exit)
 * first leaves that frame, so the message is on the terminal's normal screen and nothing is left
 * in the alternate one, raw.
 */
function leaveUntaken(leave: string): void {
  const writeErr = process.stderr.write;
  const undo = (): void => {
    if (handoff.drawn === undefined || (globalThis as { confconsoleFrameLeft?: boolean }).confconsoleFrameLeft) return;
    handoff.drawn = undefined;
    process.stdout.write(leave);
    try {
      (process.stdin as NodeJS.ReadStream).setRawMode(false);
    } catch {
      /* not a terminal any more */
    }
  };
  process.stderr.write = function (this: unknown, ...a: unknown[]) {
    undo();
    return (writeErr as (...x: unknown[]) => boolean).apply(process.stderr, a);
  } as typeof process.stderr.write;
  process.on('exit', undo);
}

/** Build time: every first frame the first stage may write, recorded (only the ones that replay exactly are kept: sea1.ts). */
async function record(): Promise<Record<string, FrameTemplate>> {
  const frames: Record<string, FrameTemplate> = {};
  for (const profile of ['appliance', 'vsensor'] as Profile[])
    for (const term of FRAME_TERMS)
      for (const [cols, rows] of FRAME_SIZES)
        for (const utf8 of [true, false]) if (parsed.has(term)) frames[frameKey(profile, term, cols, rows, utf8)] = await frameTemplate(profile, term, cols, rows, utf8);
  return frames;
}

function run(args: string[]): void {
  main(args).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`confconsole: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(70);
    },
  );
}

const stage = (globalThis as { confconsoleStage2?: BuildStage | RunStage }).confconsoleStage2;
if (stage?.mode === 'build') {
  const found = warm(stage.terminfo, stage.terms);
  stage.parsed = Object.fromEntries(found.map((t) => [t, parsed.get(t)]));
  stage.done = record().then((f) => void (stage.frames = f));
} else if (stage?.mode === 'run') {
  parsedAsset = (t) => (stage.terms.includes(t) ? stage.terminfo(t) : undefined);
  // the trees are the constants the build checked (warm)
  treesCheckedAtBuild();
  // this build's source map, held open for the stacks of an internal error
  openStageMap();
  searchPaths();
  useParsed();
  builtinTerms.clear();
  for (const t of stage.terms) builtinTerms.add(t);
  handoff.drawn = stage.drawn;
  handoff.collect = stage.collect;
  if (stage.drawn !== undefined) leaveUntaken(stage.leave ?? '');
  run(stage.args);
} else {
  // run as a plain bundle (for trying the build): the same main
  run(process.argv.slice(2));
}
