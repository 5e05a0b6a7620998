#!/usr/bin/env node
// Builds the installed single executable, a two-stage start: the console bundled into one
// CommonJS file (blessed's dynamic widget requires resolved; src/sea.ts) with a V8 code cache
// made by running it once here, the terminals' terminfo parsed and the first frames recorded
// (packaging/stage2-build.cjs), all as single-executable assets; the first stage (src/sea1.ts:
// first frame from those records, then the second stage compiled from its assets) as the V8
// start-up snapshot; injected into a copy of this Node binary. Output: build/exe/confconsole
// (no Node needed where it runs).
// Usage: node packaging/build-exe.mjs [OUT]   (SOURCE_DATE_EPOCH is honoured by the .deb step)
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeSnapshot } from './snapshot-normalize.mjs';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = resolve(process.env.CONFCONSOLE_BUILD_DIR ?? join(top, 'build', 'exe'));
const out = resolve(process.argv[2] ?? join(work, 'confconsole'));
const pkg = JSON.parse(readFileSync(join(top, 'package.json'), 'utf8'));
/** Where the package installs the scripts (packaging/build-deb.sh puts them there). */
const SBIN = '/usr/lib/confconsole/sbin';
/** The terminals whose terminfo is compiled in (others are read from the machine at start). */
const TERMS = ['linux', 'xterm', 'xterm-256color', 'xterm-color', 'screen', 'screen-256color', 'tmux', 'tmux-256color', 'vt100', 'vt102', 'vt220', 'putty', 'putty-256color', 'rxvt', 'rxvt-unicode', 'ansi'];

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// 1. terminfo: Debian's 32-bit number format clamped, as ../shared/notes/terminal.md says
const terminfo = join(work, 'terminfo');
for (const term of TERMS) {
  const info = spawnSync('infocmp', ['-x', term], { encoding: 'utf8' });
  if (info.status !== 0) continue;
  const fixed = info.stdout.replace(/pairs#0x10000\b/, 'pairs#0x7fff').replace(/pairs#65536\b/, 'pairs#32767');
  const tic = spawnSync('tic', ['-x', '-o', terminfo, '-'], { input: fixed, encoding: 'utf8' });
  if (tic.status !== 0) throw new Error(`tic ${term}: ${tic.stderr}`);
}

// 2. one CommonJS bundle (the snapshot builder loads only built-in modules)
const blessedWidgets = {
  name: 'blessed-widgets',
  setup(b) {
    b.onLoad({ filter: /blessed[\\/]lib[\\/]widget\.js$/ }, (args) => {
      let src = readFileSync(args.path, 'utf8');
      const names = [...src.matchAll(/^\s+'([A-Za-z]+)',?$/gm)].map((m) => m[1].toLowerCase());
      const table = `{${names.map((n) => `${JSON.stringify(n)}: () => require('./widgets/${n}')`).join(', ')}}`;
      src = src.replace("require('./widgets/' + file)", `(${table})[file]()`);
      return { contents: src, loader: 'js' };
    });
  },
};
// An Intl object made while a module loads is a native handle V8 cannot put in a snapshot:
// such a module-level `new Intl.Segmenter()` is made on first use instead.
const lazySegmenter = {
  name: 'lazy-segmenter',
  setup(b) {
    b.onLoad({ filter: /(src[\\/]ui[\\/]text\.ts|string-width[\\/]index\.js)$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const from = 'const segmenter = new Intl.Segmenter();';
      if (!src.includes(from)) throw new Error(`${args.path}: no module-level Intl.Segmenter to make lazy (the build needs updating)`);
      const to = 'let segmenterMade; const segmenter = { segment: (s) => (segmenterMade ??= new Intl.Segmenter()).segment(s) };';
      return { contents: src.replace(from, to), loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};
// zod's namespace exports every locale's messages (~270 KB, a fifth of the bundle, evaluated into
// the snapshot); the console only ever uses English, which zod registers itself: the others are left out
const englishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      if (!src.includes('export { default as en } from "./en.js";')) throw new Error(`${args.path}: no English locale export (the build needs updating)`);
      return { contents: 'export { default as en } from "./en.js";\n', loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};
// CONFCONSOLE_BUILD_NO_FEATURES=1, for the benchmark only (never packaged): the console without
// any feature (the command table empty, both trees five items that only leave), everything else
// as shipped, to measure what loading features lazily could save at most (README "Benchmark")
const noFeatures = {
  name: 'no-features',
  setup(b) {
    b.onLoad({ filter: /src[\\/]features[\\/]index\.ts$/ }, () => ({ contents: 'export const commands = [];\n', loader: 'ts' }));
    b.onLoad({ filter: /menus[\\/](appliance|vsensor)\.ts$/ }, (a) => {
      const profile = /vsensor\.ts$/.test(a.path) ? 'vsensor' : 'appliance';
      const leaf = (key, label) => ({ key, label, help: label, menu: { title: label, items: [{ key: '1', label: 'Exit', help: 'Leaves.', builtin: 'exit' }] } });
      const labels = ['Networking and Traffic Analysis', 'Healthcheck', 'Appliance Admin', 'Updates', 'Power and Service Management'];
      const tree = { profile, title: profile === 'vsensor' ? 'vSensor Console' : 'Appliance Console', welcome: 'Appliance configuration console.', menu: { title: 'Console Setup', items: labels.map((l, i) => leaf(String(i + 1), l)) } };
      return { contents: `export default ${JSON.stringify(tree)};\n`, loader: 'ts' };
    });
  },
};
// The braille chart's canvas (blessed-contrib) is loaded on the first chart through createRequire
// (src/ui/draw.ts: dist/ is ESM), which a bundle cannot follow: here it is a plain require, so the
// canvas and what it uses are bundled, evaluated only when a chart is first drawn
const contribCanvas = {
  name: 'contrib-canvas',
  setup(b) {
    b.onLoad({ filter: /src[\\/]ui[\\/]draw\.ts$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const from = "createRequire(import.meta.url)('blessed-contrib/lib/widget/canvas.js')";
      if (!src.includes(from)) throw new Error(`${args.path}: no createRequire of blessed-contrib's canvas (the build needs updating)`);
      return { contents: src.replace(from, "require('blessed-contrib/lib/widget/canvas.js')"), loader: 'ts' };
    });
  },
};
const bundle = join(work, 'confconsole.cjs');
const stage1 = join(work, 'stage1.cjs');
const options = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['term.js', 'pty.js'],
  define: { CONFCONSOLE_INSTALLED: JSON.stringify({ sbin: SBIN, version: pkg.version }) },
  plugins: [...(process.env.CONFCONSOLE_BUILD_NO_FEATURES ? [noFeatures] : []), blessedWidgets, lazySegmenter, englishOnly, contribCanvas],
  legalComments: 'none',
  // smaller source and heap: ~25 % less snapshot to deserialize
  minify: true,
  logLevel: 'warning',
  // import.meta is read only in a checkout (src/system/paths.ts packageDir), never when installed
  logOverride: { 'empty-import-meta': 'silent' },
};
// the functions' names are not kept (keepNames costs 1.3 MB of RSS at every start): a source map
// beside the executable tells the internal-error log where a frame is (src/system/stackmap.ts)
await build({ ...options, entryPoints: [join(top, 'src', 'sea.ts')], outfile: bundle, sourcemap: 'external', sourcesContent: false });
// the map carries checkpoints, so that mapping a stack decodes a few hundred of its segments, not
// all 230,000 (src/system/stackmap.ts, the one owner of the decoding, bundled for this step)
{
  const code = (await build({ entryPoints: [join(top, 'src', 'system', 'stackmap.ts')], bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'warning' })).outputFiles[0].text;
  const { checkpointsOf } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  const map = JSON.parse(readFileSync(`${bundle}.map`, 'utf8'));
  map.x_confconsole_checkpoints = checkpointsOf(Buffer.from(map.mappings, 'latin1'));
  writeFileSync(`${bundle}.map`, JSON.stringify(map));
}
// the first stage: a few small modules, nothing that draws with blessed (names kept: it is small)
await build({ ...options, entryPoints: [join(top, 'src', 'sea1.ts')], outfile: stage1, plugins: [lazySegmenter], keepNames: true });

// 3. the second stage run once (same input, same records), its code cache, terminfo and first frames
const assets = join(work, 'assets');
mkdirSync(assets, { recursive: true });
const env = { ...process.env };
delete env.NODE_OPTIONS;
for (const k of ['LANG', 'LC_ALL', 'LC_CTYPE', 'TMUX', 'TERMINFO', 'TERMINFO_DIRS', 'TERM_PROGRAM', 'VTE_VERSION', 'COLORTERM', 'XTERM_VERSION']) delete env[k];
const arch = execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim();
// Same input, same bytes (code cache and snapshot alike): V8 is made predictable (a fixed seed,
// which also fixes its string hashes and is not among the flags a code cache must match), and
// what still leaks from the building process (its pid, heap addresses under ASLR) is made fixed
// too: a new pid namespace, address randomization off, no warnings. Where the checkout is leaks
// too (the snapshot keeps its argv and main script's path, the parsed terminfo where it was read): in
// the build's own mount namespace the build directory is mounted on /tmp and worked in, so every
// path it sees is the same wherever the checkout is (this process's /tmp is untouched).
// --single-threaded-gc: V8 (11.3) leaves max_byte_length of the empty ArrayBuffer behind every small
// (on-heap) typed array uninitialized, so the snapshot carries whatever the heap held there before;
// with GC helper threads (the parallel scavenger's copying order) that differs from build to build,
// more so on a busy machine. GC on the main thread alone makes it the same every time. The flag is
// not in V8's flag hash (v8.cachedDataVersionTag() is unchanged), so the executable, run with
// default flags, still accepts the snapshot and the code cache (README "The package").
if (process.execPath.startsWith('/tmp/')) throw new Error(`build-exe: ${process.execPath}: a Node under /tmp is hidden while the snapshot is built (the build directory is mounted there)`);
copyFileSync(join(top, 'packaging', 'stage2-build.cjs'), join(work, 'stage2-build.cjs'));
const predictable = (args) =>
  execFileSync('unshare', ['--pid', '--fork', '--mount', 'sh', '-c', 'mount --bind "$1" /tmp && cd /tmp && shift && exec "$@"', 'sh', work,
    'setarch', arch, '-R', process.execPath, '--no-warnings', '--random-seed=1', '--v8-pool-size=0', '--single-threaded-gc', ...args], { cwd: work, env, stdio: ['ignore', 'ignore', 'inherit'] });
// (paths relative to the build directory, /tmp for the build)
predictable(['stage2-build.cjs', relative(work, bundle), relative(work, terminfo), relative(work, assets), ...TERMS]);
const terms = readFileSync(join(assets, 'terminfo.list'), 'utf8').split('\n').filter(Boolean);
const seaAssets = {
  'stage2.js': 'assets/stage2.js',
  'stage2.cache': 'assets/stage2.cache',
  'terminfo.list': 'assets/terminfo.list',
  'builtins.list': 'assets/builtins.list',
  ...Object.fromEntries(terms.map((t) => [`terminfo/${t}`, `assets/terminfo/${t}.json`])),
  frames: 'assets/frames',
  'frames.index': 'assets/frames.index',
};

// 4. the single-executable blob: the first stage's start-up snapshot and the assets
const blob = join(work, 'sea.blob');
writeFileSync(join(work, 'sea-config.json'), JSON.stringify({ main: relative(work, stage1), output: relative(work, blob), disableExperimentalSEAWarning: true, useSnapshot: true, assets: seaAssets }));
predictable(['--experimental-sea-config', 'sea-config.json']);
// the leftover heap bytes that --single-threaded-gc makes the same on this machine differ with the
// machine's memory (the heap's size): zeroed, the snapshot's checksum written again
const seaBlob = readFileSync(blob);
const normalized = normalizeSnapshot(seaBlob);
if (normalized.skipped) process.stderr.write(`build-exe: snapshot not normalized: ${normalized.skipped} (the same bytes on this machine only)\n`);
else if (normalized.zeroed) writeFileSync(blob, seaBlob);

// 5. a copy of this Node with the blob injected; stripped (symbols are most of its size)
const tmp = out + '.tmp';
mkdirSync(dirname(out), { recursive: true });
copyFileSync(process.execPath, tmp);
chmodSync(tmp, 0o755);
spawnSync('strip', ['--strip-all', tmp]);
execFileSync(process.execPath, [join(top, 'node_modules', 'postject', 'dist', 'cli.js'), tmp, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'], { stdio: ['ignore', 'ignore', 'inherit'] });
rmSync(out, { force: true });
execFileSync('mv', [tmp, out]);
if (dirname(out) !== work) copyFileSync(`${bundle}.map`, join(dirname(out), 'confconsole.cjs.map'));
process.stdout.write(`${out}\n`);
