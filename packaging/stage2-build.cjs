// Build step of packaging/build-exe.mjs, run under the Node that becomes the executable (the code
// cache must be made by the V8 that reads it): the second stage's bundle (src/sea.ts) wrapped as
// a CommonJS module function, run once in `build` mode (terminfo parsed, the start's work done,
// the first frames recorded), then its V8 code cache made, so the functions that work compiled
// are in it. Writes into DIR: stage2.js, stage2.cache, builtins.list, terminfo/<TERM>.json (one per terminal: a
// start parses only its own), terminfo.list, frames (the first frames, packed) and frames.index.
// Usage: node stage2-build.cjs BUNDLE TERMINFO_DIR DIR TERMS...
'use strict';
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');

const [bundle, terminfo, dir, ...terms] = process.argv.slice(2);
// the wrapper on a line of its own: positions in the bundle are its source map's, one line down
// (src/system/stackmap.ts STAGE2_WRAPPER_LINES)
const source = `(function (exports, require, module, __filename, __dirname) {\n${readFileSync(bundle, 'utf8')}\n})`;
const script = new vm.Script(source, { filename: 'confconsole.cjs' });
const stage = { mode: 'build', terminfo, terms };
globalThis.confconsoleStage2 = stage;
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, require, module_, bundle, dir);
stage.done.then(() => {
  // Node's own modules the console loaded (its top level and a start's work): the first stage
  // loads them before it makes V8 lean, while their code caches still match V8's flags
  const { builtinModules } = require('node:module');
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)).filter((m) => builtinModules.includes(m));
  writeFileSync(join(dir, 'builtins.list'), [...new Set(builtins)].sort().join('\n') + '\n');
  writeFileSync(join(dir, 'stage2.js'), source);
  mkdirSync(join(dir, 'terminfo'), { recursive: true });
  const terms = Object.keys(stage.parsed).sort();
  for (const t of terms) writeFileSync(join(dir, 'terminfo', `${t}.json`), JSON.stringify(stage.parsed[t]));
  writeFileSync(join(dir, 'terminfo.list'), terms.join('\n') + '\n');
  // the first frames packed into one asset and its index (key → [byte offset, length]): the first
  // stage reads its assets' table with a loop too short to wake V8's optimizing compilers (src/seafile.ts)
  const index = {};
  const parts = [];
  let at = 0;
  for (const k of Object.keys(stage.frames).sort()) {
    const b = Buffer.from(JSON.stringify(stage.frames[k]), 'utf8');
    index[k] = [at, b.length];
    parts.push(b);
    at += b.length;
  }
  writeFileSync(join(dir, 'frames'), Buffer.concat(parts));
  writeFileSync(join(dir, 'frames.index'), JSON.stringify(index));
  writeFileSync(join(dir, 'stage2.cache'), script.createCachedData());
  process.exit(0);
}, (e) => {
  process.stderr.write(`stage2-build: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
