// The entry of the installed single executable (packaging/build.mjs): Node's single-executable
// application with a V8 start-up snapshot. At build time this module runs inside
// `--build-snapshot`: every module of the console is evaluated and the terminals' terminfo is
// parsed and compiled into the snapshot, so start-up only deserializes (the first frame comes
// close to a bare `node -e 0`). At run time the deserialized main reads the environment again
// (what the builder saw is not this machine's) and runs the command line or the console.
import blessed from 'blessed';
import { lstatSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import v8 from 'node:v8';
import { main } from './cli.js';
import { init } from './flow/model.js';
import { breadcrumb, view } from './flow/view.js';
import { loadTree } from './menu/trees.js';
import { readSettingsSync } from './system/settings.js';
import { parseCommandLine } from './commands/parse.js';
import { commands } from './features/index.js';
import { seedDemo } from './demo.js';
import { makePaths } from './system/paths.js';
import { makeRunner } from './system/runner.js';
import { ConsoleApp } from './ui/app.js';
import { Draw } from './ui/draw.js';
import { layout } from './ui/layout.js';
import { builtinTerms, createScreen } from './ui/terminal.js';
// evaluated into the snapshot too (the CLI imports it lazily, for commands that never draw).
// execa is not: it is needed only from the first script run, which comes after the first frame,
// and every object evaluated here is deserialized at every start (~0.3 MB of snapshot).
import './ui/main.js';

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
/**
 * Terminals whose capabilities are also compiled (blessed turns each into a function) at build
 * time: the VGA console, the usual SSH clients' and the multiplexers'. Others compile at start.
 */
const WARM_TERMS = ['xterm-256color', 'linux', 'xterm', 'screen', 'vt100'];
/** Compiled terminfo by TERM (blessed's compile() result: tables, features, capability functions). */
const compiled = new Map<string, Info>();
interface Info {
  bools: object;
  numbers: object;
  strings: object;
}

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
      const info = t.readTerminfo(`${dir}/${term[0]}/${term}`);
      parsed.set(term, info);
    } catch {
      /* not on the build machine: read at run time as in a checkout */
    }
  }
  useParsed();
  for (const t of parsed.keys()) builtinTerms.add(t);
  // what every start does before its first frame, done here once: the menu trees checked, the
  // settings schema used (zod builds its parsers on first use)
  for (const p of ['appliance', 'vsensor'] as const) loadTree(p);
  // the command line read, a fresh demo seeded and its settings read (next to the build's
  // terminfo, a fixed path: nothing random reaches the snapshot; removed again)
  parseCommandLine(['--root', '/nonexistent', '--demo'], commands);
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
  // the first frames (welcome, then the menu) drawn as the console draws them, on the terminals
  // whose terminfo is then kept compiled (compileTerminfo below)
  for (const term of WARM_TERMS) {
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
    const welcome = init(tree);
    for (const m of [welcome, { ...welcome, stack: welcome.stack.slice(0, 1) }]) {
      const local = { identity: '', button: 0, scroll: 0, edits: [], spin: 0 };
      d.draw(layout(view(m), local, d.size(), { hostname: 'localhost', consoleName: tree.title, demoRoot: undefined, breadcrumb: breadcrumb(m) }, 0));
      screen.render();
    }
    screen.destroy();
  }
  // node keeps the last stat() result in a buffer the snapshot carries: end with one that is the
  // same in every build (the root directory), not a terminfo file's access time
  statSync('/');
  lstatSync('/');
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
  proto.compileTerminfo = function (this: TputLike, term?: string) {
    const name = term ?? this.terminal;
    if (process.env.TERMINFO || !parsed.has(name)) return this.compile(this.readTerminfo(term));
    let c = compiled.get(name);
    if (!c) {
      c = this.compile(this.readTerminfo(term)) as Info;
      if (!v8.startupSnapshot?.isBuildingSnapshot() || !WARM_TERMS.includes(name)) return c;
      compiled.set(name, c);
    }
    // each screen its own tables (the console sets numbers.U8), and features from this
    // process's environment and options (UTF-8, NCURSES_NO_UTF8_ACS): the functions are shared
    const info = { ...c, bools: { ...c.bools }, numbers: { ...c.numbers }, strings: { ...c.strings } };
    this.detectFeatures(info);
    return info;
  };
  proto._useXtermInfo = proto._useInternalInfo = function (this: typeof proto) {
    return this.inject(this.compile(structuredClone(parsed.get('xterm'))));
  };
  Tput.prototype.readTerminfo = function (this: TputLike, term?: string) {
    const name = term ?? this.terminal;
    const info = process.env.TERMINFO ? undefined : parsed.get(name);
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

if (v8.startupSnapshot?.isBuildingSnapshot()) {
  const dir = process.env.CONFCONSOLE_BUILD_TERMINFO;
  const terms = (process.env.CONFCONSOLE_BUILD_TERMS ?? '').split(/\s+/).filter(Boolean);
  const found = dir ? warm(dir, terms) : [];
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    searchPaths();
    useParsed();
    builtinTerms.clear();
    for (const t of found) builtinTerms.add(t);
    // a single executable's argv is [exe, how it was called, ...args] (Node repeats argv[0])
    const args = process.argv.slice(2);
    main(args).then(
      (code) => process.exit(code),
      (err: unknown) => {
        process.stderr.write(`confconsole: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(70);
      },
    );
  });
} else {
  // run without a snapshot (a plain bundle, for trying the build): the same main
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
