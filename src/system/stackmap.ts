// Stacks of the installed executable told in the sources' terms. Its second stage is one minified
// file, `confconsole.cjs` (packaging/build-exe.mjs), whose functions have short made-up names:
// esbuild's keepNames would keep the real ones, at 1.3 MB of RSS for every start (measured), so
// the build writes a source map beside the executable instead, read only when a stack is written.
// The map is read with a decoder of our own, not node:module's SourceMap: that one decodes every
// mapping into objects (26 MB of heap kept, a second's pause without V8's optimizing compiler,
// which the executable runs without); this one passes over the mappings once, keeping nothing but
// the positions asked for (source map format: https://sourcemaps.info/spec.html, "mappings").
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The second stage's file name in stacks (packaging/stage2-build.cjs compiles it under this name). */
export const STAGE2_FILE = 'confconsole.cjs';
/** Lines the second stage's wrapper adds before the bundle's first line (stage2-build.cjs). */
export const STAGE2_WRAPPER_LINES = 1;

/** Where a position of the bundle came from (0-based line and column, as the map has them). */
interface Origin {
  source: string;
  line: number;
  column: number;
}

/** The map of the running executable, opened at its start (openStageMap), so an upgrade in place does not swap it. */
let mapFd: number | undefined;
/** Positions already looked up ("line:column", 0-based), for a stack that is written again and again. */
const known = new Map<string, Origin | null>();
const KNOWN_MAX = 4096;

/**
 * Opens the source map beside the executable (`confconsole.cjs.map`, or `mapFile`) and keeps it
 * open, for the second stage's start (src/sea.ts): dpkg replaces a file by renaming the new one
 * over it, so a console that outlives an upgrade still reads the map of its own build, not the
 * new one's positions. No map (a checkout, a build without one): nothing is opened. Never throws.
 */
export function openStageMap(mapFile: string = join(dirname(process.execPath), `${STAGE2_FILE}.map`)): void {
  try {
    if (mapFd !== undefined) closeSync(mapFd);
  } catch {
    /* already closed */
  }
  mapFd = undefined;
  known.clear();
  try {
    mapFd = openSync(mapFile, 'r');
  } catch {
    mapFd = undefined;
  }
}

const B64 = new Int8Array(256).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) B64[c.charCodeAt(0)] = i;

/** The bytes of the JSON string value of `key` in `buf` (a source map: no escapes in "mappings"), or undefined. */
function stringField(buf: Buffer, key: string): Buffer | undefined {
  const at = buf.indexOf(`"${key}"`);
  if (at < 0) return undefined;
  const open = buf.indexOf(0x22, buf.indexOf(0x3a, at + key.length + 2) + 1); // the value's opening quote
  const close = buf.indexOf(0x22, open + 1);
  return open < 0 || close < 0 ? undefined : buf.subarray(open + 1, close);
}

/** The JSON array value of `key` in `buf` (the map's "sources": file names, no brackets in them), or undefined. */
function arrayField(buf: Buffer, key: string): unknown {
  const at = buf.indexOf(`"${key}"`);
  if (at < 0) return undefined;
  const open = buf.indexOf(0x5b, at);
  const close = buf.indexOf(0x5d, open);
  return open < 0 || close < 0 ? undefined : JSON.parse(buf.subarray(open, close + 1).toString('utf8'));
}

/** Decoder state at a segment boundary: byte offset, generated line and column, source, original line and column. */
type State = [offset: number, line: number, col: number, src: number, oLine: number, oCol: number];
/** Segments between two checkpoints the build writes into the map (x_confconsole_checkpoints). */
export const CHECKPOINT_EVERY = 512;

/**
 * Walks `mappings` from `from` (a State; the start when omitted), calling `segment(state)` after
 * each segment that names a source and `checkpoint(state)` before every `every`-th segment; stops
 * when a callback returns true. Throws on bytes that are not base64 VLQ.
 */
function walk(mappings: Buffer, from: State | undefined, segment: (s: State) => boolean | void, checkpoint?: (s: State) => void, every = CHECKPOINT_EVERY): void {
  let [i, line, col, src, oLine, oCol] = from ?? [0, 0, 0, 0, 0, 0];
  const n = mappings.length;
  let count = 0;
  while (i < n) {
    const ch = mappings[i]!;
    if (ch === 0x3b) {
      // ';' a new generated line
      line++;
      col = 0;
      i++;
      continue;
    }
    if (ch === 0x2c) {
      i++;
      continue;
    }
    if (checkpoint && count++ % every === 0) checkpoint([i, line, col, src, oLine, oCol]);
    // one segment: 1, 4 or 5 VLQ fields
    let field = 0;
    while (i < n) {
      const c = mappings[i]!;
      if (c === 0x2c || c === 0x3b) break;
      let v = 0;
      let shift = 0;
      let d: number;
      do {
        d = B64[mappings[i++]!]!;
        if (d < 0) throw new Error('not a source map');
        v += (d & 31) * 2 ** shift;
        shift += 5;
      } while (d & 32 && i < n);
      const value = v & 1 ? -((v - 1) / 2) : v / 2;
      if (field === 0) col += value;
      else if (field === 1) src += value;
      else if (field === 2) oLine += value;
      else if (field === 3) oCol += value;
      field++;
    }
    if (field >= 4 && segment([i, line, col, src, oLine, oCol])) return;
  }
}

/**
 * Checkpoints for the map's `mappings` (a flat list, six numbers each: State), one before every
 * `every`-th segment, for packaging/build-exe.mjs to write into the map: a lookup then decodes
 * at most `every` segments, not the whole map (1.3 MB: most of a second without V8's optimizing
 * compiler). Throws on bytes that are not base64 VLQ.
 */
export function checkpointsOf(mappings: Buffer, every = CHECKPOINT_EVERY): number[] {
  const out: number[] = [];
  walk(mappings, undefined, () => {}, (s) => out.push(...s), every);
  return out;
}

/**
 * The origin of bundle position (`line`, `col`, 0-based): the last segment on its line at or before
 * its column that names a source, else undefined. Starts from the last checkpoint (a flat State
 * list) at or before the position, so it decodes at most a checkpoint's span plus what a line adds.
 */
function originOf(mappings: Buffer, sources: string[], checkpoints: number[], line: number, col: number): Origin | undefined {
  // the last checkpoint whose segment starts at or before the position; the one before that too,
  // since a checkpoint's own segment may lie past the column and the answer before it
  let k = -1;
  for (let lo = 0, hi = checkpoints.length / 6 - 1; lo <= hi; ) {
    const mid = (lo + hi) >> 1;
    const l = checkpoints[mid * 6 + 1]!;
    const c = checkpoints[mid * 6 + 2]!;
    if (l < line || (l === line && c <= col)) {
      k = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const from = k > 0 ? (checkpoints.slice((k - 1) * 6, k * 6) as State) : undefined;
  let found: Origin | undefined;
  walk(mappings, from, ([, l, c, src, oLine, oCol]) => {
    if (l > line || (l === line && c > col)) return true;
    if (l === line) {
      const source = sources[src];
      found = typeof source === 'string' ? { source, line: oLine, column: oCol } : undefined;
    }
    return false;
  });
  return found;
}

/** The origins of `wanted` (as origins) in the map open on `fd`, through `cache`; null where it has none. */
function lookUp(fd: number | undefined, cache: Map<string, Origin | null>, wanted: Map<number, number[]>): Map<string, Origin | null> {
  const out = new Map<string, Origin | null>();
  const ask = new Map<number, number[]>();
  for (const [l, cs] of wanted)
    for (const c of cs) {
      const k = `${l}:${c}`;
      if (cache.has(k)) out.set(k, cache.get(k)!);
      else ask.set(l, [...(ask.get(l) ?? []), c]);
    }
  if (ask.size === 0 || fd === undefined) return out;
  const size = fstatSync(fd).size;
  const buf = Buffer.allocUnsafe(size);
  let got = 0;
  while (got < size) {
    const r = readSync(fd, buf, got, size - got, got);
    if (r === 0) break;
    got += r;
  }
  const map = buf.subarray(0, got);
  const mappings = stringField(map, 'mappings');
  const sources = arrayField(map, 'sources');
  const checkpoints = arrayField(map, 'x_confconsole_checkpoints') ?? [];
  if (!mappings || !Array.isArray(sources) || !Array.isArray(checkpoints) || checkpoints.length % 6 !== 0) throw new Error('not a source map');
  if (cache.size > KNOWN_MAX) cache.clear();
  for (const [l, cs] of ask)
    for (const c of cs) {
      const k = `${l}:${c}`;
      const o = originOf(mappings, sources as string[], checkpoints as number[], l, c) ?? null;
      cache.set(k, o);
      out.set(k, o);
    }
  return out;
}

/**
 * `stack` with each position in the second stage (`confconsole.cjs:LINE:COLUMN`, 1-based) on a
 * frame line (`    at ...`) replaced by the source file and position it came from
 * (`src/system/log.ts:12:5`), as the executable's source map says (openStageMap; `mapFile`
 * instead, when given, for tests). A frame the map does not cover, the message's own text, or
 * every frame when there is no readable map, is kept as it is. Never throws.
 */
export function sourceMapped(stack: string, mapFile?: string): string {
  const at = new RegExp(`\\b${STAGE2_FILE.replace('.', '\\.')}:(\\d+):(\\d+)`, 'g');
  const frame = /^\s+at /;
  const lines = stack.split('\n');
  const wanted = new Map<number, number[]>();
  for (const l of lines) {
    if (!frame.test(l)) continue;
    for (const m of l.matchAll(at)) {
      const line = Number(m[1]) - 1 - STAGE2_WRAPPER_LINES;
      const col = Number(m[2]) - 1;
      if (Number.isSafeInteger(line) && line >= 0 && Number.isSafeInteger(col) && col >= 0) wanted.set(line, [...(wanted.get(line) ?? []), col]);
    }
  }
  if (wanted.size === 0) return stack;
  let own: number | undefined;
  try {
    if (mapFile !== undefined) own = openSync(mapFile, 'r');
    const found = mapFile !== undefined ? lookUp(own, new Map(), wanted) : lookUp(mapFd, known, wanted);
    return lines
      .map((l) =>
        frame.test(l)
          ? l.replace(at, (whole, line: string, column: string) => {
              const o = found.get(`${Number(line) - 1 - STAGE2_WRAPPER_LINES}:${Number(column) - 1}`);
              if (!o) return whole;
              // esbuild names sources relative to the map (../../src/...): the repository's path is what a reader wants
              const source = o.source.replace(/^(?:\.\.\/)+/, '').replace(/^file:\/\//, '');
              return `${source}:${o.line + 1}:${o.column + 1}`;
            })
          : l,
      )
      .join('\n');
  } catch {
    return stack;
  } finally {
    if (own !== undefined) closeSync(own);
  }
}
