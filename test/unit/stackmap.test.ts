// The installed executable's stacks told in the sources' terms (src/system/stackmap.ts): a small
// program bundled as the build bundles the second stage (minified, names not kept, an external
// source map), wrapped and compiled as packaging/stage2-build.cjs does, made to throw in several
// places; each stack's positions are mapped back to the line that threw.
import { afterAll, describe, expect, it } from 'vitest';
import { buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { sourceMapped, STAGE2_FILE, STAGE2_WRAPPER_LINES } from '../../src/system/stackmap.js';

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
