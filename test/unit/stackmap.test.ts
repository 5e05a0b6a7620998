// The installed executable's stacks told in the sources' terms (src/system/stackmap.ts): a small
// program bundled as the build bundles the second stage (minified, names not kept, an external
// source map), wrapped and compiled as packaging/stage2-build.cjs does, made to throw in several
// places; each stack's positions are mapped back to the line that threw.
import { afterAll, describe, expect, it } from 'vitest';
import { buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, SourceMap, type SourceMapPayload } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { checkpointsOf, openStageMap, sourceMapped, STAGE2_FILE, STAGE2_WRAPPER_LINES } from '../../src/system/stackmap.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ccstackmap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// every `throw` on a line of its own, marked with its number
const lines = [
  'export function readSettings(n: number): number {',
  '  if (n === 0) throw new Error("zero"); // T1',
  '  return helper(n);',
  '}',
  'function helper(n: number): number {',
  '  const xs = [1, 2, 3].map((x) => {',
  '    if (x === n) throw new TypeError("at " + x); // T2',
  '    return x * 2;',
  '  });',
  '  if (n > 10) return (null as unknown as { a: number }).a; // T3',
  '  return xs.length;',
  '}',
];
const srcFile = join(dir, 'src', 'fixture.ts');
const lineOf = (tag: string) => lines.findIndex((l) => l.includes(tag)) + 1;

function built(): { run: (n: number) => unknown; map: string } {
  rmSync(join(dir, 'src'), { recursive: true, force: true });
  buildSync({ entryPoints: [writeFixture()], bundle: true, platform: 'node', format: 'cjs', minify: true, sourcemap: 'external', sourcesContent: false, outfile: join(dir, 'out', STAGE2_FILE), logLevel: 'silent' });
  const bundle = readFileSync(join(dir, 'out', STAGE2_FILE), 'utf8');
  // the wrapper as packaging/stage2-build.cjs writes it
  const build = readFileSync(join(here, '../../packaging/stage2-build.cjs'), 'utf8');
  const wrapper = /const source = `(\(function \(exports, require, module, __filename, __dirname\) \{(?:\\n)*)\$\{/.exec(build);
  expect(wrapper, 'stage2-build.cjs wraps the bundle as stackmap.ts expects').not.toBeNull();
  const head = wrapper![1]!.replace(/\\n/g, '\n');
  expect(head.split('\n').length - 1).toBe(STAGE2_WRAPPER_LINES);
  const fn = new vm.Script(`${head}${bundle}\n})`, { filename: STAGE2_FILE }).runInThisContext() as (e: object, r: NodeRequire, m: { exports: Record<string, unknown> }) => void;
  const m = { exports: {} as Record<string, unknown> };
  fn(m.exports, createRequire(import.meta.url), m);
  return { run: m.exports.readSettings as (n: number) => unknown, map: join(dir, 'out', `${STAGE2_FILE}.map`) };
}
function writeFixture(): string {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(srcFile, lines.join('\n') + '\n');
  return srcFile;
}
function stackOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).stack ?? '';
  }
  throw new Error('did not throw');
}

describe('stack positions of the minified second stage, mapped to the sources', () => {
  const { run, map } = built();

  it('each throwing line, in a nested function and a callback, is named by the map', () => {
    for (const [n, tag] of [[0, 'T1'], [2, 'T2'], [3, 'T2'], [11, 'T3']] as const) {
      const raw = stackOf(() => run(n));
      expect(raw).toContain(`${STAGE2_FILE}:`);
      const mapped = sourceMapped(raw, map);
      // the top frame is the throwing line; the frames below it are mapped too
      const first = mapped.split('\n').find((l) => /^\s+at /.test(l))!;
      expect(first, mapped).toMatch(new RegExp(`fixture\\.ts:${lineOf(tag)}:\\d+\\)?$`));
      expect(mapped.split('\n').filter((l) => l.includes(`${STAGE2_FILE}:`))).toEqual([]);
      // the message line is kept as it was
      expect(mapped.split('\n')[0]).toBe(raw.split('\n')[0]);
    }
  });

  it('the source path is the repository-relative one, not ../../', () => {
    const mapped = sourceMapped(stackOf(() => run(0)), map);
    expect(mapped).not.toMatch(/\.\.\//);
  });

  it('no map, an unreadable map, or no frame of the second stage: the stack as it was', () => {
    const raw = stackOf(() => run(0));
    expect(sourceMapped(raw, join(dir, 'absent.map'))).toBe(raw);
    writeFileSync(join(dir, 'bad.map'), '{"version": 3, "mappings": ');
    expect(sourceMapped(raw, join(dir, 'bad.map'))).toBe(raw);
    const plain = 'Error: x\n    at f (/usr/lib/node/a.js:1:2)\n    at node:internal/x:3:4';
    expect(sourceMapped(plain, map)).toBe(plain);
    // a position the map has nothing for is left alone
    const outside = `Error: y\n    at q (${STAGE2_FILE}:9999:1)`;
    expect(sourceMapped(outside, map)).toBe(outside);
  });
});

describe('the decoder agrees with node:module SourceMap', () => {
  it('on 3,000 random frame positions of a large minified bundle (zod, blessed), with and without checkpoints', () => {
    const out = join(dir, 'big', STAGE2_FILE);
    const entry = join(dir, 'big-entry.ts');
    writeFileSync(entry, "import { z } from 'zod';\nimport blessed from 'blessed';\nexport const s = z.object({ a: z.string() });\nexport const b = blessed;\n");
    buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', minify: true, sourcemap: 'external', sourcesContent: false, outfile: out, logLevel: 'silent', nodePaths: [join(here, '../../node_modules')], external: ['term.js', 'pty.js'] });
    const plainMap = `${out}.map`;
    const payload = JSON.parse(readFileSync(plainMap, 'utf8')) as SourceMapPayload;
    const node = new SourceMap(payload);
    // the same map with checkpoints as the build writes them, at the build's spacing and a tiny one
    const withCheckpoints = (every?: number) => {
      const f = join(dir, 'big', `every-${every ?? 'default'}.map`);
      writeFileSync(f, JSON.stringify({ ...payload, x_confconsole_checkpoints: checkpointsOf(Buffer.from(payload.mappings, 'latin1'), every) }));
      return f;
    };
    const maps = [plainMap, withCheckpoints(), withCheckpoints(7), withCheckpoints(31)];
    const lines = readFileSync(out, 'utf8').split('\n');
    // a deterministic stream of positions: every line, columns spread over it and just past it
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % Math.max(n, 1));
    let compared = 0;
    let mapped = 0;
    // 30 stacks of 100 frames (each call reads the map once)
    for (let k = 0; k < 30; k++) {
      const frames: string[] = [];
      const wants: string[] = [];
      for (let j = 0; j < 100; j++) {
        const line = rand(lines.length);
        const col = rand((lines[line]?.length ?? 0) + 3);
        const e = node.findEntry(line, col) as Partial<{ generatedLine: number; originalSource: string; originalLine: number; originalColumn: number }>;
        const frame = `    at f${j} (${STAGE2_FILE}:${line + 1 + STAGE2_WRAPPER_LINES}:${col + 1})`;
        frames.push(frame);
        if (e.generatedLine === line && e.originalSource !== undefined) {
          wants.push(`    at f${j} (${e.originalSource.replace(/^(?:\.\.\/)+/, '')}:${e.originalLine! + 1}:${e.originalColumn! + 1})`);
          mapped++;
        } else wants.push(frame);
        compared++;
      }
      const mapFile = maps[k % maps.length]!;
      expect(sourceMapped(['Error: x', ...frames].join('\n'), mapFile).split('\n').slice(1), mapFile).toEqual(wants);
    }
    expect(compared).toBe(3000);
    expect(mapped).toBeGreaterThan(2000);
  });
});

describe('what is rewritten, and which map', () => {
  const { run, map } = built();

  it("the message's own text is kept even where it looks like a position; only frame lines are mapped", () => {
    const raw = stackOf(() => run(0));
    const withText = raw.replace(/^Error: zero/, `Error: zero (${STAGE2_FILE}:2:10)`);
    const mapped = sourceMapped(withText, map);
    expect(mapped.split('\n')[0]).toBe(`Error: zero (${STAGE2_FILE}:2:10)`);
    expect(mapped.split('\n').filter((l) => /^\s+at /.test(l) && l.includes(`${STAGE2_FILE}:`))).toEqual([]);
  });

  it("the map opened at the start stays this build's when an upgrade renames a new one over it", () => {
    const raw = stackOf(() => run(0));
    const live = join(dir, 'live.map');
    writeFileSync(live, readFileSync(map));
    openStageMap(live);
    // dpkg's way, before the first error: the new build's map written beside and renamed over the name
    writeFileSync(`${live}.dpkg-new`, JSON.stringify({ version: 3, sources: ['../../src/other.ts'], names: [], mappings: 'AAAA;AAAA;AAAA' }));
    renameSync(`${live}.dpkg-new`, live);
    const held = sourceMapped(raw);
    expect(held).toMatch(new RegExp(`fixture\\.ts:${lineOf('T1')}:`));
    expect(held).not.toContain('other.ts');
    // a new start opens the new build's map
    openStageMap(live);
    expect(sourceMapped(raw)).not.toBe(held);
    openStageMap(join(dir, 'nothing-here.map'));
    expect(sourceMapped(raw)).toBe(raw);
  });
});
