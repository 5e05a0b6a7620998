#!/usr/bin/env node
// Builds the installed single executable: the console bundled into one CommonJS file (blessed's
// dynamic widget requires resolved), the terminals' terminfo compiled and parsed into a V8
// start-up snapshot (src/sea.ts), and both injected into a copy of this Node binary as a
// single-executable application. Output: build/exe/confconsole (no Node needed where it runs).
// Usage: node packaging/build-exe.mjs [OUT]   (SOURCE_DATE_EPOCH is honoured by the .deb step)
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(top, 'build', 'exe');
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
const bundle = join(work, 'confconsole.cjs');
await build({
  entryPoints: [join(top, 'src', 'sea.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: bundle,
  external: ['term.js', 'pty.js'],
  define: { CONFCONSOLE_INSTALLED: JSON.stringify({ sbin: SBIN, version: pkg.version }) },
  plugins: [blessedWidgets, lazySegmenter, englishOnly],
  legalComments: 'none',
  // smaller source and heap: ~25 % less snapshot to deserialize (names kept for stacks)
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  // import.meta is read only in a checkout (src/system/paths.ts packageDir), never when installed
  logOverride: { 'empty-import-meta': 'silent' },
});

// 3. the single-executable blob with the start-up snapshot
const blob = join(work, 'sea.blob');
writeFileSync(join(work, 'sea-config.json'), JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useSnapshot: true }));
const env = { ...process.env, CONFCONSOLE_BUILD_TERMINFO: terminfo, CONFCONSOLE_BUILD_TERMS: TERMS.join(' ') };
delete env.NODE_OPTIONS;
// Same input, same bytes: V8 is made predictable (fixed seeds), and what still leaks into the heap
// from the building process (its pid, heap addresses under ASLR, warnings naming the pid) is made
// fixed too: a new pid namespace, address randomization off, no warnings.
const node = [process.execPath, '--no-warnings', '--random-seed=1', '--v8-pool-size=0', '--experimental-sea-config', join(work, 'sea-config.json')];
const arch = execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim();
// Known gap: in some builds a V8 heap address (6 bytes) in the snapshot still differs, a race in
// V8's page allocation (README "The package"; the test bounds it).
execFileSync('unshare', ['--pid', '--fork', 'setarch', arch, '-R', ...node], { cwd: work, env, stdio: ['ignore', 'ignore', 'inherit'] });

// 4. a copy of this Node with the blob injected; stripped (symbols are most of its size)
const tmp = out + '.tmp';
mkdirSync(dirname(out), { recursive: true });
copyFileSync(process.execPath, tmp);
chmodSync(tmp, 0o755);
spawnSync('strip', ['--strip-all', tmp]);
execFileSync(process.execPath, [join(top, 'node_modules', 'postject', 'dist', 'cli.js'), tmp, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'], { stdio: ['ignore', 'ignore', 'inherit'] });
rmSync(out, { force: true });
execFileSync('mv', [tmp, out]);
process.stdout.write(`${out}\n`);
