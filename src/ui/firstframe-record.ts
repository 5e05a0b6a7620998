// Build time (packaging/build-exe.mjs, through src/sea.ts) and tests: records what blessed writes
// for the console's first frame (the welcome) on fake streams, as firstframe.ts replays it.
import blessed from 'blessed';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Profile } from '../menu/types.js';
import { loadTree } from '../menu/trees.js';
import { makePaths } from '../system/paths.js';
import { makeRunner } from '../system/runner.js';
import { PLACEHOLDER_HOST, type FrameTemplate } from './firstframe.js';
import { openConsole } from './main.js';
import { tightening } from './terminal.js';

type Proto = { _write(text: string): unknown; draw(a: number, b: number): void };

/**
 * Opens the console of `profile` on fake streams of `cols`x`rows` for `term` (`utf8`: the locale
 * says UTF-8) with `hostname` (and `demoRoot`) and returns everything written until its first
 * frame is out, in order, each write marked as a draw or not. `raw`: draws as blessed wrote them
 * (not tightened), for a template; else exactly what the console writes.
 */
export async function recordFirstFrame(
  profile: Profile,
  term: string,
  cols: number,
  rows: number,
  utf8: boolean,
  o: { hostname: string; demoRoot?: string; raw: boolean },
): Promise<{ writes: { text: string; draw: boolean }[]; caps: FrameTemplate['caps']; leave: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'confconsole-frame-'));
  const env = { LANG: process.env.LANG, LC_ALL: process.env.LC_ALL, LC_CTYPE: process.env.LC_CTYPE, TERM: process.env.TERM };
  const program = (blessed as unknown as { program: { prototype: Proto } }).program.prototype;
  const screen = (blessed as unknown as { screen: { prototype: Proto } }).screen.prototype;
  const write = program._write;
  const draw = screen.draw;
  const writes: { text: string; draw: boolean }[] = [];
  let drawing = false;
  let app: Awaited<ReturnType<typeof openConsole>> | undefined;
  try {
    mkdirSync(join(dir, 'etc'), { recursive: true });
    writeFileSync(join(dir, 'etc', 'hostname'), `${o.hostname}\n`);
    delete process.env.LC_ALL;
    delete process.env.LC_CTYPE;
    process.env.LANG = utf8 ? 'C.UTF-8' : 'C';
    process.env.TERM = term;
    tightening.on = !o.raw;
    program._write = function (this: unknown, text: string) {
      writes.push({ text, draw: drawing });
      return write.call(this, text);
    };
    screen.draw = function (this: unknown, a: number, b: number) {
      drawing = true;
      try {
        draw.call(this, a, b);
      } finally {
        drawing = false;
      }
    };
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
    const output = Object.assign(new PassThrough(), { isTTY: true, columns: cols, rows });
    output.resume();
    const paths = makePaths(dir);
    // nothing is read: the first frame is out before the first read starts (ConsoleApp.start),
    // and shows no notice yet
    const tree = { ...loadTree(profile), status: undefined, notice: undefined };
    app = await openConsole(
      { paths, ctx: { paths, runner: makeRunner(paths) }, profile, demo: o.demoRoot !== undefined, demoRoot: o.demoRoot, streams: { input, output, terminal: term }, tree },
      () => {},
    );
    const tput = app.screen.tput as unknown as { strings: Record<string, unknown>; bools: Record<string, unknown> };
    const frame = writes.filter((w) => w.text !== '');
    // what leaving the screen writes, for a start that ends before the console takes over
    app.stop();
    // the frame's bytes reach the fake output's readers a tick later: not part of leaving
    await new Promise((r) => setImmediate(r));
    const left: string[] = [];
    output.on('data', (c: Buffer) => left.push(c.toString('utf8')));
    app.screen.destroy();
    app = undefined;
    await new Promise((r) => setImmediate(r));
    return { writes: frame, caps: { ech: Boolean(tput.strings.erase_chars), bce: Boolean(tput.bools.back_color_erase) }, leave: left.join('') };
  } finally {
    app?.stop();
    program._write = write;
    screen.draw = draw;
    tightening.on = true;
    try {
      app?.screen.destroy();
    } catch {
      /* fake streams */
    }
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A template of the first frame (firstframe.ts). */
export async function frameTemplate(profile: Profile, term: string, cols: number, rows: number, utf8: boolean): Promise<FrameTemplate> {
  const r = await recordFirstFrame(profile, term, cols, rows, utf8, { hostname: PLACEHOLDER_HOST, raw: true });
  return { cols, consoleName: loadTree(profile).title, caps: r.caps, writes: r.writes, leave: r.leave };
}
